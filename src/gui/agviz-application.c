/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-application.c: the application: windows per file, app actions, accelerators, the About
 * window (libadwaita follows the desktop's dark/light preference and loads ui/style.css) */
#define G_LOG_DOMAIN "agviz-application"

#include "config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "agviz-application.h"
#include "agviz-window.h"

/* The homepage the AppStream metainfo names (data/org.agviz.Agviz.metainfo.xml.in). */
#define AGVIZ_WEBSITE "https://example.org/agviz"

struct _AgvizApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (AgvizApplication, agviz_application, ADW_TYPE_APPLICATION)

/**
 * agviz_application_bind_textdomain:
 *
 * Points gettext at agviz's translations: the installed ones, or those under
 * `$AGVIZ_LOCALEDIR` when it is set (the build tree's `po/` folder, for running the app or
 * its tests uninstalled).  Call after setlocale().
 */
void
agviz_application_bind_textdomain (void)
{
  const char *localedir = g_getenv ("AGVIZ_LOCALEDIR");

  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : AGVIZ_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/**
 * agviz_application_pick_renderer:
 * @dev_dir: the device directory to look in, "/dev" but for tests
 *
 * The GSK renderer agviz asks for when the user has not set `GSK_RENDERER`: "cairo" when no GPU
 * device is there (no `dri/renderD*`, no `nvidia*`), else %NULL (GTK's own choice).  Without a
 * GPU, GTK's GL renderer runs on Mesa's llvmpipe, which repaints this window in 110-170 ms a frame
 * under Xvfb on a 2-core machine (tests/bench/bench-gui), where cairo takes 8-12 ms.
 *
 * Returns: (nullable): the renderer's name
 */
const char *
agviz_application_pick_renderer (const char *dev_dir)
{
  g_autofree char *dri = g_build_filename (dev_dir, "dri", NULL);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if ((dir = g_dir_open (dri, 0, NULL)) != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      if (g_str_has_prefix (name, "renderD"))
        return NULL;
  g_clear_pointer (&dir, g_dir_close);
  if ((dir = g_dir_open (dev_dir, 0, NULL)) != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      if (g_str_has_prefix (name, "nvidia"))
        return NULL;
  return "cairo";
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (agviz_window_new (AGVIZ_APPLICATION (user_data))));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *application = user_data;
  GtkWidget *about = adw_about_window_new ();

  gtk_window_set_transient_for (GTK_WINDOW (about), gtk_application_get_active_window (application));
  g_object_set (about,
                "application-name", "agviz",
                "application-icon", APPLICATION_ID,
                "version", PACKAGE_VERSION,
                "comments", _("A debugger and visualizer for staged TensorFlow graphs"),
                "developer-name", _("The agviz authors"),
                "license-type", GTK_LICENSE_GPL_3_0,
                "website", AGVIZ_WEBSITE,
                /* Translators: put your names here, one per line */
                "translator-credits", _("translator-credits"),
                NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *application = user_data;
  GList *windows;

  /* Close each window so it saves its size, rather than quitting under them. */
  while ((windows = gtk_application_get_windows (application)) != NULL)
    gtk_window_close (windows->data);
}

static const GActionEntry app_actions[] = {
  { "new-window", new_window_action },
  { "about", about_action },
  { "quit", quit_action },
};

static void
agviz_application_startup (GApplication *application)
{
  static const struct { const char *action; const char *accels[4]; } accels[] = {
    { "app.new-window", { "<Control>n", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.export", { "<Control><Shift>e", NULL } },
    { "win.zoom-in", { "<Control>plus", "<Control>equal", "<Control>KP_Add", NULL } },
    { "win.zoom-out", { "<Control>minus", "<Control>KP_Subtract", NULL } },
    { "win.zoom-fit", { "<Control>0", "<Control>KP_0", NULL } },
    { "win.zoom-reset", { "<Control>1", NULL } },
    { "win.focus-executions", { "<Control>t", NULL } },
    { "win.show-inspector", { "<Control>i", NULL } },
    { "win.compare-traces", { "<Control>d", NULL } },
    { "win.sidebar-visible", { "F9", NULL } },
    { "win.inspector-visible", { "<Shift>F9", NULL } },
  };

  /* AdwApplication's startup also loads style.css from the resource base path. */
  G_APPLICATION_CLASS (agviz_application_parent_class)->startup (application);

  gtk_source_init ();
  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions,
                                   G_N_ELEMENTS (app_actions), application);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (application), accels[i].action,
                                           accels[i].accels);
  gtk_window_set_default_icon_name (APPLICATION_ID);
}

static void
agviz_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = GTK_WINDOW (agviz_window_new (AGVIZ_APPLICATION (application)));
  gtk_window_present (window);
}

/* Each file gets a window; an empty window (the start screen) is used before making a new one. */
static void
agviz_application_open (GApplication  *application,
                        GFile        **files,
                        int            n_files,
                        const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

      if (window == NULL || agviz_window_is_busy (AGVIZ_WINDOW (window)))
        window = GTK_WINDOW (agviz_window_new (AGVIZ_APPLICATION (application)));
      agviz_window_open (AGVIZ_WINDOW (window), files[i]);
      gtk_window_present (window);
    }
}

static void
agviz_application_shutdown (GApplication *application)
{
  G_APPLICATION_CLASS (agviz_application_parent_class)->shutdown (application);
  gtk_source_finalize ();
}

static void
agviz_application_class_init (AgvizApplicationClass *klass)
{
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  application_class->startup = agviz_application_startup;
  application_class->activate = agviz_application_activate;
  application_class->open = agviz_application_open;
  application_class->shutdown = agviz_application_shutdown;
}

static void
agviz_application_init (AgvizApplication *self)
{
}

AgvizApplication *
agviz_application_new (void)
{
  return g_object_new (AGVIZ_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/org/agviz/Agviz",
                       NULL);
}
