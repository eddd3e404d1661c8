/* agviz-color-scheme.h: following the desktop's light/dark preference without libadwaita
 *
 * Reads the preference from GSettings (`org.gnome.desktop.interface color-scheme`) when that
 * schema is installed, else from the freedesktop settings portal
 * (`org.freedesktop.appearance color-scheme`) when a session bus is there, and keeps
 * GtkSettings:gtk-application-prefer-dark-theme in step with it.  With neither, nothing changes
 * and nothing fails.  Main thread only.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  AGVIZ_COLOR_SCHEME_SOURCE_NONE,
  AGVIZ_COLOR_SCHEME_SOURCE_GSETTINGS,
  AGVIZ_COLOR_SCHEME_SOURCE_PORTAL,
} AgvizColorSchemeSource;

#define AGVIZ_TYPE_COLOR_SCHEME (agviz_color_scheme_get_type ())
G_DECLARE_FINAL_TYPE (AgvizColorScheme, agviz_color_scheme, AGVIZ, COLOR_SCHEME, GObject)

/* Starts following the preference into @settings (the portal answers later, on the main loop). */
AgvizColorScheme       *agviz_color_scheme_new         (GtkSettings      *settings);
AgvizColorSchemeSource  agviz_color_scheme_get_source  (AgvizColorScheme *self);
gboolean                agviz_color_scheme_prefers_dark (AgvizColorScheme *self);

G_END_DECLS
