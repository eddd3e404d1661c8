/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-snapshot.c: the app's first picture of a file, saved as PNG and measured
 *
 * Usage: agviz-snapshot FILE OUT.png   (under a display: xvfb-run, or tests/gui/run-with-display)
 *
 * Runs the real application on FILE, as `agviz-gui FILE` does, in a 1400x900 window with the
 * settings' defaults (GSETTINGS_BACKEND=memory: nothing of the user's, nothing kept).  Once the
 * file is read, its graph laid out and drawn, and a few frames painted, it saves the window as
 * OUT.png and prints one line of JSON about the first picture:
 *
 *   {"window": [1400, 900], "picture": [W, H], "canvas": [W, H], "boxes": N,
 *    "boxes_in_view": M, "zoom": Z, "label_px": L}
 *
 * window: the X window; picture: the PNG, the window less the frame GTK draws around it; canvas:
 * the graph view inside it; boxes: the boxes of the first picture's expansion (agviz-first-view.h), in view or a scroll
 * away; boxes_in_view: those the canvas drew; zoom: the canvas's; label_px: the height of a box's
 * label line at that zoom (0: too small to be drawn).  A file that opens on no graph gives 0
 * boxes.  docs/comparison/make-comparison.py puts these beside TensorBoard's.
 */
#define G_LOG_DOMAIN "agviz-snapshot"

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "agviz-application.h"
#include "agviz-first-view.h"
#include "agviz-graph-view.h"
#include "agviz-window.h"
#include "window-frame.h"

#define WINDOW_WIDTH  1400
#define WINDOW_HEIGHT  900
/* Frames painted after the graph is drawn before the window is saved: panels filled in by the
 * same main-loop turn (the sidebar, the inspector) are laid out by then. */
#define SETTLE_FRAMES    3
#define DEADLINE_S     120

typedef struct
{
  GApplication *application;
  AgvizWindow  *window;
  const char   *out_path;
  guint         frames;
  guint         tick;
  gint64        deadline;
  int           status;
} Snapshot;

/* The part of the window with @id in ui/agviz-window.ui. */
static gpointer
window_part (AgvizWindow *window,
             const char  *id)
{
  return gtk_widget_get_template_child (GTK_WIDGET (window), AGVIZ_TYPE_WINDOW, id);
}

static AgvizGraphView *
graph_view_of (AgvizWindow *window)
{
  return AGVIZ_GRAPH_VIEW (window_part (window, "graph_view"));
}

static AgvizScene *
scene_of (AgvizWindow *window)
{
  if (agviz_window_get_document (window) == NULL)
    return NULL;
  return agviz_session_get_scene (agviz_window_get_session (window));
}

/* Whether the first picture is on screen: the file read, the progress page faded out and, when
 * the file has a graph, that graph laid out and drawn. */
static gboolean
first_picture_shown (AgvizWindow *window)
{
  AgvizGraphView *view = graph_view_of (window);

  if (agviz_window_is_loading (window) ||
      gtk_stack_get_transition_running (GTK_STACK (window_part (window, "main_stack"))))
    return FALSE;
  if (scene_of (window) == NULL)
    return TRUE;
  return !agviz_graph_view_get_laying_out (view) && !agviz_graph_view_get_animating (view) &&
         agviz_graph_view_get_n_drawn_items (view) > 0;
}

/* The window as its last frame painted it. */
static GdkTexture *
render_window (AgvizWindow *window,
               gint64       deadline)
{
  int width = gtk_widget_get_width (GTK_WIDGET (window));
  int height = gtk_widget_get_height (GTK_WIDGET (window));
  g_autoptr(GskRenderNode) node = window_frame_node (GTK_WIDGET (window), width, height,
                                                      deadline);

  if (node == NULL)
    return NULL;
  return gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                      &GRAPHENE_RECT_INIT (0, 0, width, height));
}

static void
print_measures (AgvizWindow *window)
{
  AgvizGraphView *view = graph_view_of (window);
  AgvizScene *scene = scene_of (window);
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  double canvas_width, canvas_height;

  agviz_viewport_get_view_size (agviz_graph_view_get_viewport (view), &canvas_width,
                                &canvas_height);
  printf ("{\"window\": [%d, %d], \"picture\": [%d, %d], \"canvas\": [%.0f, %.0f], "
          "\"boxes\": %u, \"boxes_in_view\": %u, \"zoom\": %.4f, \"label_px\": %.2f}\n",
          gdk_surface_get_width (surface), gdk_surface_get_height (surface),
          gtk_widget_get_width (GTK_WIDGET (window)), gtk_widget_get_height (GTK_WIDGET (window)),
          canvas_width, canvas_height,
          scene != NULL ? agviz_first_view_count_boxes (scene) : 0,
          scene != NULL ? agviz_graph_view_get_n_drawn_items (view) : 0,
          agviz_viewport_get_zoom (agviz_graph_view_get_viewport (view)),
          scene != NULL ? agviz_graph_view_get_label_height (view) : 0.0);
  fflush (stdout);
}

static void
finish (Snapshot *snapshot,
        int       status)
{
  snapshot->status = status;
  if (snapshot->tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (snapshot->window), snapshot->tick);
  snapshot->tick = 0;
  g_application_quit (snapshot->application);
}

static void
save (Snapshot *snapshot)
{
  g_autoptr(GdkTexture) texture = render_window (snapshot->window, snapshot->deadline);

  if (texture == NULL || !gdk_texture_save_to_png (texture, snapshot->out_path))
    {
      g_printerr ("agviz-snapshot: cannot save the window to %s\n", snapshot->out_path);
      finish (snapshot, 1);
      return;
    }
  print_measures (snapshot->window);
  finish (snapshot, 0);
}

/* Each frame until the first picture is shown and SETTLE_FRAMES more have been painted. */
static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  Snapshot *snapshot = user_data;

  if (g_get_monotonic_time () > snapshot->deadline)
    {
      g_printerr ("agviz-snapshot: no first picture after %d s\n", DEADLINE_S);
      snapshot->tick = 0;
      finish (snapshot, 1);
      return G_SOURCE_REMOVE;
    }
  if (!first_picture_shown (snapshot->window))
    {
      snapshot->frames = 0;
      return G_SOURCE_CONTINUE;
    }
  if (++snapshot->frames < SETTLE_FRAMES)
    return G_SOURCE_CONTINUE;
  snapshot->tick = 0;
  /* Out of the frame clock's paint cycle: saving waits on a frame of its own. */
  g_idle_add_once ((GSourceOnceFunc) save, snapshot);
  return G_SOURCE_REMOVE;
}

/* The window the application opens the file in, sized before it is first shown. */
static void
on_window_added (GtkApplication *application,
                 GtkWindow      *window,
                 gpointer        user_data)
{
  Snapshot *snapshot = user_data;

  if (!AGVIZ_IS_WINDOW (window) || snapshot->window != NULL)
    return;
  snapshot->window = AGVIZ_WINDOW (window);
  gtk_window_set_default_size (window, WINDOW_WIDTH, WINDOW_HEIGHT);
  /* Keeps the application (and the window) alive until the picture is saved. */
  g_application_hold (G_APPLICATION (application));
  snapshot->tick = gtk_widget_add_tick_callback (GTK_WIDGET (window), on_tick, snapshot, NULL);
}

int
main (int    argc,
      char **argv)
{
  Snapshot snapshot = { 0 };
  g_autoptr(AgvizApplication) application = NULL;
  const char *renderer = agviz_application_pick_renderer ("/dev");
  char *run_argv[3];

  if (argc != 3)
    {
      g_printerr ("usage: agviz-snapshot FILE OUT.png\n");
      return 2;
    }
  /* As main.c does, so the picture is drawn by the renderer the app would use here. */
  if (renderer != NULL)
    g_setenv ("GSK_RENDERER", renderer, FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  setlocale (LC_ALL, "");
  agviz_application_bind_textdomain ();
  g_set_application_name ("agviz");

  application = agviz_application_new ();
  /* No uniqueness over D-Bus: the file must open in this process, with or without a session bus
   * or another agviz running. */
  g_application_set_flags (G_APPLICATION (application),
                           g_application_get_flags (G_APPLICATION (application)) |
                           G_APPLICATION_NON_UNIQUE);
  snapshot.application = G_APPLICATION (application);
  snapshot.out_path = argv[2];
  snapshot.deadline = g_get_monotonic_time () + DEADLINE_S * G_USEC_PER_SEC;
  snapshot.status = 1;
  g_signal_connect (application, "window-added", G_CALLBACK (on_window_added), &snapshot);

  run_argv[0] = argv[0];
  run_argv[1] = argv[1];
  run_argv[2] = NULL;
  g_application_run (G_APPLICATION (application), 2, run_argv);
  if (snapshot.window == NULL)
    g_printerr ("agviz-snapshot: the application opened no window for %s\n", argv[1]);
  return snapshot.status;
}
