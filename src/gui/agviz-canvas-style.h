/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-canvas-style.h: the colours the app's drawn widgets share (graph view, minimap, timeline)
 *
 * These widgets draw with GtkSnapshot rather than CSS, so they ask the theme for its text colour
 * and use Adwaita's accent blue for what is selected or in view: GTK 4.8 has no accent colour to
 * ask for.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Adwaita's accent blue at @alpha, as a GdkRGBA initializer. */
#define AGVIZ_CANVAS_ACCENT(alpha) { 0.21f, 0.52f, 0.89f, (alpha) }

/* The theme's text colour for @widget. */
static inline void
agviz_canvas_get_foreground (GtkWidget *widget,
                             GdkRGBA   *color)
{
  /* gtk_widget_get_color() is GTK 4.10. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

G_END_DECLS
