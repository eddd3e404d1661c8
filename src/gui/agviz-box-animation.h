/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-box-animation.h: a box growing or shrinking into its new place while the old picture of
 * the canvas fades into the new one
 *
 * What the graph view shows when a scope is opened or closed: over 200 ms the toggled box's
 * outline moves from its old box to its new one (eased out) and the picture of the old layout
 * cross-fades into the new.  Driven by the widget's tick callback; nothing runs when the desktop
 * turned animations off or the widget is not mapped.  Main thread only.
 */
#pragma once

#include <gtk/gtk.h>

#include "agviz-canvas-picture.h"

G_BEGIN_DECLS

typedef struct
{
  GtkWidget          *widget;         /* weak: the animation lives inside it */
  guint               tick;
  gint64              start;
  double              progress;       /* 0 to 1 */
  AgvizCanvasPicture  previous;       /* the old layout's picture */
  AgvizLayoutBox      from;
  AgvizLayoutBox      to;
} AgvizBoxAnimation;

/* Starts moving from @from to @to on @widget, fading @previous (taken) out; stops at once
 * instead when animations are off. */
void     agviz_box_animation_start       (AgvizBoxAnimation    *self,
                                          GtkWidget            *widget,
                                          AgvizCanvasPicture   *previous,
                                          const AgvizLayoutBox *from,
                                          const AgvizLayoutBox *to);
void     agviz_box_animation_stop        (AgvizBoxAnimation    *self);
gboolean agviz_box_animation_is_running  (const AgvizBoxAnimation *self);
/* Draws the frame's state where @viewport shows it: @current over the fading old picture, and
 * the moving outline in @color. */
void     agviz_box_animation_append      (const AgvizBoxAnimation  *self,
                                          GtkSnapshot              *snapshot,
                                          const AgvizCanvasPicture *current,
                                          AgvizViewport            *viewport,
                                          const GdkRGBA            *color,
                                          int                       view_width,
                                          int                       view_height);

G_END_DECLS
