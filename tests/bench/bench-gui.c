/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-gui.c: the app's window on a 1,000,000-node trace, under Xvfb
 *
 *   xvfb-run -a -s '-screen 0 1400x900x24' bench-gui [--nodes 1000000] [--items 10000]
 *
 * Writes the trace with AgvizRecorder (scoped names: model/block_N/layer_N/Op, as
 * bench-render.c does) in a child process, so the peak RSS printed is the app's alone.  Then:
 * time from opening the file to the first frame that drew graph items (GdkFrameClock
 * ::after-paint), expands scopes depth by depth until about --items boxes are laid out, and pans
 * the view one step per frame for 120 frames, timing each frame's work (::update to
 * ::after-paint) and the interval between frames.  The same panning with the canvas hidden
 * gives what redrawing the rest of the window costs (the minimap follows the view), which is
 * most of a frame under a software GL renderer.  Then zooming in and out a step per frame, as a
 * pinch does.  Last, how long the main loop is held by
 * collapsing everything and opening one scope (the layouts run on a worker thread) and how long
 * until each new layout is drawn.  Prints a table; never fails.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gtksourceview/gtksource.h>

#include "agviz-core.h"
#include "agviz-application.h"
#include "agviz-graph-view.h"
#include "agviz-session.h"
#include "agviz-window.h"

#define PAN_FRAMES 120

/* The window's canvas, by its id in ui/agviz-window.ui. */
static AgvizGraphView *
graph_view_of (AgvizWindow *window)
{
  return AGVIZ_GRAPH_VIEW (gtk_widget_get_template_child (GTK_WIDGET (window), AGVIZ_TYPE_WINDOW,
                                                          "graph_view"));
}

static const char *const layer_ops[] = {
  "MatMul", "BiasAdd", "Relu", "Mul", "AddV2", "Softmax", "Conv2D", "MaxPool", "Reshape",
  "Transpose", "Mean", "Rsqrt",
};

static void
write_graph (const char *path,
             guint       n_nodes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (path, &error);
  g_autoptr(GString) name = g_string_new (NULL);
  gint64 fn, trace, previous = 0;
  guint written = 0;

  g_assert_no_error (error);
  fn = agviz_recorder_add_function (recorder, "model", 0, 0, &error);
  trace = agviz_recorder_begin_trace (recorder, fn, "__inference_model_1", "", "bench", &error);
  g_assert_no_error (error);
  for (guint block = 1; written < n_nodes; block++)
    for (guint layer = 1; layer <= 10 && written < n_nodes; layer++)
      for (guint op = 0; op < 8 + 2 * (block % 3) && written < n_nodes; op++)
        {
          gint64 id;

          g_string_printf (name, "model/block_%u/layer_%u/%s", block, layer, layer_ops[op]);
          id = agviz_recorder_add_node (recorder, trace, name->str, layer_ops[op], NULL, NULL, 0,
                                        &error);
          g_assert_no_error (error);
          written++;
          if (previous != 0)
            agviz_recorder_add_edge (recorder, trace, previous, 0, id, 0, &error);
          g_assert_no_error (error);
          previous = id;
        }
  agviz_recorder_end_trace (recorder, trace, AGVIZ_TRACE_STATUS_COMPLETE, -1, &error);
  g_assert_no_error (error);
  agviz_recorder_close (recorder, &error);
  g_assert_no_error (error);
}

typedef struct
{
  AgvizWindow *window;
  gint64       opened_at;
  gint64       first_frame_at;
  gint64       update_at;
  GArray      *work_ms;       /* double, per panned frame */
  GArray      *hidden_work_ms;      /* the same with the canvas hidden */
  GArray      *zoom_work_ms;        /* zooming a step per frame */
  gboolean     zooming;
  GArray      *fit_work_ms;         /* panning with every laid-out box in view */
  gboolean     fitted;
  guint        fit_drawn_max;
  GArray      *interval_ms;
  gint64       last_paint_at;
  guint        drawn_max;
  gboolean     panning;
} Bench;

static void
on_update (GdkFrameClock *clock,
           Bench         *bench)
{
  bench->update_at = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock,
                Bench         *bench)
{
  gint64 now = g_get_monotonic_time ();
  guint drawn = agviz_graph_view_get_n_drawn_items (graph_view_of (bench->window));

  if (bench->first_frame_at == 0 && drawn > 0)
    bench->first_frame_at = now;
  if (bench->panning)
    {
      double work = (now - bench->update_at) / 1000.0;
      double interval = bench->last_paint_at != 0 ? (now - bench->last_paint_at) / 1000.0 : 0;

      g_array_append_val (bench->zooming ? bench->zoom_work_ms
                          : bench->fitted ? bench->fit_work_ms
                          : gtk_widget_get_opacity (GTK_WIDGET (graph_view_of (bench->window))) > 0
                          ? bench->work_ms : bench->hidden_work_ms, work);
      if (bench->last_paint_at != 0)
        g_array_append_val (bench->interval_ms, interval);
      /* A hidden canvas draws nothing and keeps its last count. */
      if (bench->fitted)
        bench->fit_drawn_max = MAX (bench->fit_drawn_max, drawn);
      else if (gtk_widget_get_opacity (GTK_WIDGET (graph_view_of (bench->window))) > 0)
        bench->drawn_max = MAX (bench->drawn_max, drawn);
    }
  bench->last_paint_at = now;
}

static gboolean
pan_tick (GtkWidget     *widget,
          GdkFrameClock *clock,
          gpointer       user_data)
{
  Bench *bench = user_data;
  AgvizViewport *viewport = agviz_graph_view_get_viewport (AGVIZ_GRAPH_VIEW (widget));
  gboolean hidden = gtk_widget_get_opacity (widget) == 0;
  guint n = hidden ? bench->hidden_work_ms->len
          : bench->fitted ? bench->fit_work_ms->len : bench->work_ms->len;

  /* Back and forth, so the view keeps the same items on screen on average. */
  agviz_viewport_pan (viewport, (n / 30) % 2 == 0 ? 12 : -12, (n / 60) % 2 == 0 ? 6 : -6);
  if (n >= (hidden ? PAN_FRAMES / 2 : PAN_FRAMES))
    {
      bench->panning = FALSE;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
percentile (GArray *values,
            double  p)
{
  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, MIN (values->len - 1, (guint) (p * values->len)));
}

/* In and out around the middle of the view, as a pinch does. */
static gboolean
zoom_tick (GtkWidget     *widget,
           GdkFrameClock *clock,
           gpointer       user_data)
{
  Bench *bench = user_data;
  AgvizViewport *viewport = agviz_graph_view_get_viewport (AGVIZ_GRAPH_VIEW (widget));
  guint n = bench->zoom_work_ms->len;
  double width, height;

  agviz_viewport_get_view_size (viewport, &width, &height);
  agviz_viewport_zoom_at (viewport, agviz_viewport_get_zoom (viewport) * ((n / 15) % 2 == 0 ? 1.03 : 1 / 1.03),
                          width / 2, height / 2);
  if (n >= PAN_FRAMES / 2)
    {
      bench->panning = FALSE;
      bench->zooming = FALSE;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
pan (Bench *bench)
{
  bench->panning = TRUE;
  bench->last_paint_at = 0;
  gtk_widget_add_tick_callback (GTK_WIDGET (graph_view_of (bench->window)), pan_tick, bench, NULL);
  while (bench->panning)
    g_main_context_iteration (NULL, TRUE);
}

/* Milliseconds until the graph view has applied the layout it is waiting for. */
static double
wait_for_layout (Bench *bench)
{
  gint64 start = g_get_monotonic_time ();

  while (agviz_graph_view_get_laying_out (graph_view_of (bench->window)))
    g_main_context_iteration (NULL, TRUE);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static guint
visible_items (Bench *bench)
{
  AgvizLayout *layout = agviz_graph_view_get_layout (graph_view_of (bench->window));
  return layout != NULL ? agviz_layout_get_stats (layout)->visible_items : 0;
}

int
main (int    argc,
      char **argv)
{
  guint n_nodes = 1000000, n_items = 10000;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  Bench bench = { 0 };
  GdkFrameClock *clock;
  struct rusage usage;
  double write_s, expand_s, collapse_call_ms, collapse_wait_ms, toggle_call_ms = -1, toggle_wait_ms = -1;
  AgvizSceneItem *root;
  AgvizScene *scene;
  gint64 start;
  pid_t child;
  int status;
  guint depth, n_visible;

  for (int i = 1; i + 1 < argc; i++)
    if (g_str_equal (argv[i], "--nodes"))
      n_nodes = (guint) atoi (argv[++i]);
    else if (g_str_equal (argv[i], "--items"))
      n_items = (guint) atoi (argv[++i]);

  dir = g_dir_make_tmp ("agviz-bench-gui-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "big.agviz", NULL);

  /* Writing in a child: the recorder's memory must not count as the app's. */
  start = g_get_monotonic_time ();
  child = fork ();
  if (child == 0)
    {
      write_graph (path, n_nodes);
      _exit (0);
    }
  waitpid (child, &status, 0);
  write_s = (g_get_monotonic_time () - start) / 1e6;

  /* The renderer the app itself picks (src/gui/main.c) unless GSK_RENDERER says otherwise. */
  if (agviz_application_pick_renderer ("/dev") != NULL)
    g_setenv ("GSK_RENDERER", agviz_application_pick_renderer ("/dev"), FALSE);
  if (!gtk_init_check ())
    {
      printf ("bench-gui: no display (run under xvfb-run)\n");
      return 0;
    }
  gtk_source_init ();
  bench.work_ms = g_array_new (FALSE, FALSE, sizeof (double));
  bench.interval_ms = g_array_new (FALSE, FALSE, sizeof (double));
  bench.hidden_work_ms = g_array_new (FALSE, FALSE, sizeof (double));
  bench.zoom_work_ms = g_array_new (FALSE, FALSE, sizeof (double));
  bench.fit_work_ms = g_array_new (FALSE, FALSE, sizeof (double));
  bench.window = g_object_new (AGVIZ_TYPE_WINDOW, NULL);
  gtk_window_set_default_size (GTK_WINDOW (bench.window), 1400, 900);
  gtk_window_present (GTK_WINDOW (bench.window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (bench.window)))
    g_main_context_iteration (NULL, TRUE);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (bench.window));
  g_signal_connect (clock, "update", G_CALLBACK (on_update), &bench);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &bench);

  file = g_file_new_for_path (path);
  bench.opened_at = g_get_monotonic_time ();
  agviz_window_open (bench.window, file);
  while (bench.first_frame_at == 0 &&
         g_get_monotonic_time () - bench.opened_at < 120 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);

  /* Open scopes a level at a time until about n_items boxes are laid out. */
  scene = agviz_session_get_scene (agviz_window_get_session (bench.window));
  start = g_get_monotonic_time ();
  n_visible = visible_items (&bench);
  for (depth = 2; n_visible < n_items && depth < 8; depth++)
    {
      if (!agviz_scene_expand_to_depth (scene, depth, &error) ||
          !agviz_graph_view_set_scene (graph_view_of (bench.window), scene, &error))
        g_error ("%s", error->message);
      n_visible = visible_items (&bench);
    }
  expand_s = (g_get_monotonic_time () - start) / 1e6;
  /* Zoomed so that labels show and a screenful of boxes is drawn. */
  agviz_viewport_zoom_at (agviz_graph_view_get_viewport (graph_view_of (bench.window)), 0.5, 0, 0);
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);

  pan (&bench);
  /* The same with all of them on screen (zoom to fit: tiny boxes, no labels). */
  agviz_graph_view_zoom_to_fit (graph_view_of (bench.window));
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  bench.fitted = TRUE;
  pan (&bench);
  bench.fitted = FALSE;
  agviz_viewport_zoom_at (agviz_graph_view_get_viewport (graph_view_of (bench.window)), 0.5, 0, 0);
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  gtk_widget_set_opacity (GTK_WIDGET (graph_view_of (bench.window)), 0);
  pan (&bench);
  gtk_widget_set_opacity (GTK_WIDGET (graph_view_of (bench.window)), 1);
  bench.panning = bench.zooming = TRUE;
  bench.last_paint_at = 0;
  gtk_widget_add_tick_callback (GTK_WIDGET (graph_view_of (bench.window)), zoom_tick, &bench, NULL);
  while (bench.panning)
    g_main_context_iteration (NULL, TRUE);

  start = g_get_monotonic_time ();
  agviz_graph_view_collapse_all (graph_view_of (bench.window));
  collapse_call_ms = (g_get_monotonic_time () - start) / 1000.0;
  collapse_wait_ms = wait_for_layout (&bench);
  root = agviz_scene_get_root (scene);
  for (guint i = 0; root->children != NULL && i < root->children->len; i++)
    {
      AgvizSceneItem *child = g_ptr_array_index (root->children, i);

      if (agviz_scene_item_is_expandable (child) && !child->expanded)
        {
          start = g_get_monotonic_time ();
          if (!agviz_graph_view_toggle_expanded (graph_view_of (bench.window), child, &error))
            g_error ("%s", error->message);
          toggle_call_ms = (g_get_monotonic_time () - start) / 1000.0;
          toggle_wait_ms = wait_for_layout (&bench);
          break;
        }
    }

  getrusage (RUSAGE_SELF, &usage);
  printf ("bench-gui: %u-node trace (written in %.1f s), GTK renderer on %s\n", n_nodes, write_s,
          G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (bench.window))));
  printf ("%-44s %12s %10s\n", "measure", "value", "goal");
  printf ("%-44s %9.0f ms %10s\n", "open to first frame (GdkFrameClock)",
          bench.first_frame_at ? (bench.first_frame_at - bench.opened_at) / 1000.0 : -1.0, "< 500 ms");
  printf ("%-44s %9.0f MB %10s\n", "peak RSS", usage.ru_maxrss / 1024.0, "< 300 MB");
  printf ("%-44s %12u %10s\n", "items laid out after expanding", n_visible, "~10000");
  printf ("%-44s %10.1f s %10s\n", "expanding to them (scene + layout)", expand_s, "");
  printf ("%-44s %12u %10s\n", "boxes in view while panning (max)", bench.drawn_max, "");
  printf ("%-44s %9.1f ms %10s\n", "frame work, median (update to after-paint)", percentile (bench.work_ms, 0.5), "< 16 ms");
  printf ("%-44s %9.1f ms %10s\n", "frame work, 95th percentile", percentile (bench.work_ms, 0.95), "< 16 ms");
  printf ("%-44s %9.1f ms %10s\n", "frame work, max", percentile (bench.work_ms, 1.0), "");
  printf ("%-44s %9.1f ms %10s\n", "frame interval, median", percentile (bench.interval_ms, 0.5), "16.7 ms");
  printf ("%-44s %12u %10s\n", "frames measured", bench.work_ms->len, "120");
  printf ("%-44s %12u %10s\n", "zoomed to fit: boxes in view (max)", bench.fit_drawn_max, "");
  printf ("%-44s %9.1f ms %10s\n", "zoomed to fit: frame work, median", percentile (bench.fit_work_ms, 0.5), "< 16 ms");
  printf ("%-44s %9.1f ms %10s\n", "zoomed to fit: frame work, 95th percentile", percentile (bench.fit_work_ms, 0.95), "< 16 ms");
  printf ("%-44s %9.1f ms %10s\n", "frame work, canvas hidden, median", percentile (bench.hidden_work_ms, 0.5), "");
  printf ("%-44s %9.1f ms %10s\n", "frame work, canvas hidden, 95th percentile", percentile (bench.hidden_work_ms, 0.95), "");
  printf ("%-44s %9.1f ms %10s\n", "frame work while zooming, median", percentile (bench.zoom_work_ms, 0.5), "< 16 ms");
  printf ("%-44s %9.1f ms %10s\n", "frame work while zooming, 95th percentile", percentile (bench.zoom_work_ms, 0.95), "< 16 ms");
  printf ("%-44s %9.1f ms %10s\n", "collapse all: main loop held", collapse_call_ms, "< 16 ms");
  printf ("%-44s %9.1f ms %10s\n", "collapse all: until laid out", collapse_wait_ms, "");
  printf ("%-44s %9.1f ms %10s\n", "open one scope: main loop held", toggle_call_ms, "< 16 ms");
  printf ("%-44s %9.1f ms %10s\n", "open one scope: until laid out", toggle_wait_ms, "");

  gtk_window_destroy (GTK_WINDOW (bench.window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_array_unref (bench.work_ms);
  g_array_unref (bench.interval_ms);
  g_array_unref (bench.hidden_work_ms);
  g_array_unref (bench.zoom_work_ms);
  g_array_unref (bench.fit_work_ms);
  for (const char *suffix = ""; suffix != NULL; suffix = g_str_equal (suffix, "") ? "-wal" : g_str_equal (suffix, "-wal") ? "-shm" : NULL)
    {
      g_autofree char *name = g_strconcat (path, suffix, NULL);
      g_remove (name);
    }
  g_rmdir (dir);
  return 0;
}
