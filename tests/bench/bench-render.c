/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-render.c: time to SVG for synthetic scoped graphs, against flat `dot -Tsvg`
 *
 *   bench-render [--sizes 2000,5000,100000] [--dot-limit 10000] [--keep DIR]
 *
 * Each size runs in its own child process so that peak RSS is that size's alone.  Graphs are
 * written through AgvizRecorder: blocks (block_N, three structures) of layers (layer_N) of ops,
 * chained, with a control edge per layer, like a deep network.  Prints a table; never fails.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "agviz-core.h"
#include "agviz-drawing.h"
#include "agviz-layout.h"

static const char *const layer_ops[] = {
  "MatMul", "BiasAdd", "Relu", "Mul", "AddV2", "Softmax", "Conv2D", "MaxPool", "Reshape",
  "Transpose", "Mean", "Rsqrt",
};

/* Writes about @n_nodes nodes; returns the trace id. */
static gint64
write_graph (const char *path,
             guint       n_nodes,
             guint      *n_edges_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (path, &error);
  g_autoptr(GString) name = g_string_new (NULL);
  gint64 fn, trace, previous = 0;
  guint written = 0, edges = 0;

  g_assert_no_error (error);
  fn = agviz_recorder_add_function (recorder, "model", 0, 0, &error);
  trace = agviz_recorder_begin_trace (recorder, fn, "__inference_model_1", "", "bench", &error);
  g_assert_no_error (error);

  for (guint block = 1; written < n_nodes; block++)
    {
      guint ops_per_layer = 8 + 2 * (block % 3);   /* three block structures */

      for (guint layer = 1; layer <= 10 && written < n_nodes; layer++)
        {
          gint64 first = 0, id = 0;

          for (guint op = 0; op < ops_per_layer && written < n_nodes; op++)
            {
              int input = 0;

              g_string_printf (name, "model/block_%u/layer_%u/%s", block, layer, layer_ops[op]);
              id = agviz_recorder_add_node (recorder, trace, name->str, layer_ops[op], NULL, NULL, 0,
                                            &error);
              g_assert_no_error (error);
              written++;
              if (first == 0)
                first = id;
              if (previous != 0)
                {
                  agviz_recorder_add_edge (recorder, trace, previous, 0, id, input++, &error);
                  g_assert_no_error (error);
                  edges++;
                }
              /* A residual edge from the layer's first op to its last two. */
              if (op + 2 >= ops_per_layer && first != id && first != previous)
                {
                  agviz_recorder_add_edge (recorder, trace, first, 0, id, input++, &error);
                  g_assert_no_error (error);
                  edges++;
                }
              previous = id;
            }
        }
    }
  agviz_recorder_end_trace (recorder, trace, AGVIZ_TRACE_STATUS_COMPLETE, -1, &error);
  g_assert_no_error (error);
  agviz_recorder_close (recorder, &error);
  g_assert_no_error (error);
  *n_edges_out = edges;
  return trace;
}

/* Builds the scene, sets a view, lays out and writes SVG to /dev/null; returns seconds. */
static double
time_to_svg (const char *path,
             gint64      trace,
             int         depth,       /* 0: fully expanded */
             gboolean    writable,
             guint      *boxes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(AgvizStore) store = agviz_store_open (path, writable ? AGVIZ_STORE_FLAGS_WRITABLE
                                                                 : AGVIZ_STORE_FLAGS_NONE, &error);
  g_autoptr(AgvizScene) scene = NULL;
  g_autoptr(AgvizLayout) layout = NULL;
  AgvizLayoutOptions options;
  FILE *out = fopen ("/dev/null", "w");

  g_assert_no_error (error);
  scene = agviz_scene_new (store, trace, NULL, &error);
  g_assert_no_error (error);
  if (depth > 0)
    agviz_scene_expand_to_depth (scene, depth, NULL);
  else
    agviz_scene_expand_all (scene);
  agviz_layout_options_init (&options);
  options.use_cache = writable;
  layout = agviz_layout_new (scene, &options, &error);
  g_assert_no_error (error);
  agviz_drawing_write (layout, AGVIZ_DRAWING_FORMAT_SVG, NULL, out, &error);
  g_assert_no_error (error);
  fclose (out);
  if (boxes != NULL)
    *boxes = agviz_layout_get_stats (layout)->visible_items;
  return g_timer_elapsed (timer, NULL);
}

/* Expanding one layer scope (the path to it already laid out, cache warm): seconds. */
static double
time_expand_one (const char *path,
                 gint64      trace)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = agviz_store_open (path, AGVIZ_STORE_FLAGS_WRITABLE, &error);
  g_autoptr(AgvizScene) scene = agviz_scene_new (store, trace, NULL, &error);
  g_autoptr(GTimer) timer = NULL;
  AgvizSceneItem *target;
  double seconds = 0;

  g_assert_no_error (error);
  target = agviz_scene_find (scene, "model/block_1/layer_1", &error);
  g_assert_no_error (error);
  /* Twice: the first run fills the cache with this very view, the second is the warm case. */
  for (int run = 0; run < 2; run++)
    {
      g_autoptr(AgvizLayout) layout = NULL;
      FILE *out = fopen ("/dev/null", "w");

      agviz_scene_expand_to_depth (scene, 1, NULL);
      timer = g_timer_new ();
      agviz_scene_expand_path_to (scene, target);
      agviz_scene_expand (scene, target, NULL);
      layout = agviz_layout_new (scene, NULL, &error);
      g_assert_no_error (error);
      agviz_drawing_write (layout, AGVIZ_DRAWING_FORMAT_SVG, NULL, out, &error);
      fclose (out);
      seconds = g_timer_elapsed (timer, NULL);
      g_clear_pointer (&timer, g_timer_destroy);
    }
  return seconds;
}

/* Flat `dot -Tsvg` of the same nodes and edges, killed after 60 s; -1 when it did not finish. */
static double
time_flat_dot (const char *path,
               const char *dot_path,
               gint64      trace)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_autoptr(AgvizScene) scene = agviz_scene_new (store, trace, NULL, &error);
  g_autoptr(GTimer) timer = NULL;
  g_autoptr(GPtrArray) expanded = NULL;
  FILE *out = fopen (dot_path, "w");
  int status = 0;
  const char *argv[] = { "timeout", "60", "dot", "-Tsvg", "-o", "/dev/null", dot_path, NULL };

  g_assert_no_error (error);
  /* Fully expanded with no grouping at all is the flat graph: write its edges between ops. */
  fprintf (out, "digraph flat {\n");
  agviz_scene_expand_all (scene);
  expanded = agviz_scene_list_expanded (scene);
  for (guint i = 0; i < expanded->len; i++)
    {
      AgvizSceneItem *container = g_ptr_array_index (expanded, i);
      g_autoptr(GArray) edges = agviz_scene_list_edges (scene, container, NULL);

      for (guint c = 0; c < container->children->len; c++)
        {
          AgvizSceneItem *child = g_ptr_array_index (container->children, c);
          if (child->kind == AGVIZ_SCENE_ITEM_OP)
            fprintf (out, "  n%" G_GINT64_FORMAT " [label=\"%s\"];\n", child->node_id, child->name);
        }
      for (guint e = 0; e < edges->len; e++)
        {
          AgvizSceneEdge *edge = &g_array_index (edges, AgvizSceneEdge, e);
          /* Scope-level edges stand for op-level ones: take the ops at either end. */
          AgvizSceneItem *src = edge->src, *dst = edge->dst;
          while (src->kind != AGVIZ_SCENE_ITEM_OP)
            src = g_ptr_array_index (src->children, src->children->len - 1);
          while (dst->kind != AGVIZ_SCENE_ITEM_OP)
            dst = g_ptr_array_index (dst->children, 0);
          fprintf (out, "  n%" G_GINT64_FORMAT " -> n%" G_GINT64_FORMAT ";\n", src->node_id, dst->node_id);
        }
    }
  fprintf (out, "}\n");
  fclose (out);

  timer = g_timer_new ();
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                NULL, NULL, NULL, &status, &error);
  if (error != NULL || !g_spawn_check_wait_status (status, NULL))
    return -1;
  return g_timer_elapsed (timer, NULL);
}

static double
peak_rss_mib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

static void
format_seconds (char   *buffer,
                gsize   size,
                double  seconds)
{
  if (seconds < 0)
    g_strlcpy (buffer, "-", size);
  else if (seconds < 1)
    g_snprintf (buffer, size, "%.0f ms", seconds * 1000);
  else
    g_snprintf (buffer, size, "%.2f s", seconds);
}

/* One row, in this (child) process. */
static int
run_one (guint       n_nodes,
         guint       dot_limit,
         const char *dir)
{
  g_autofree char *path = g_strdup_printf ("%s/bench-%u.db", dir, n_nodes);
  g_autofree char *dot_path = g_strdup_printf ("%s/bench-%u.gv", dir, n_nodes);
  g_autoptr(GTimer) timer = g_timer_new ();
  char write_s[32], cold_s[32], warm_s[32], depth2_s[32], full_s[32], flat_s[32], expand_s[32];
  char speedup[32] = "-";
  double full = -1, flat = -1;
  guint n_edges = 0, default_boxes = 0, full_boxes = 0;
  gint64 trace;

  g_unlink (path);
  trace = write_graph (path, n_nodes, &n_edges);
  format_seconds (write_s, sizeof write_s, g_timer_elapsed (timer, NULL));

  format_seconds (cold_s, sizeof cold_s, time_to_svg (path, trace, 1, FALSE, &default_boxes));
  time_to_svg (path, trace, 1, TRUE, NULL);    /* fills the cache */
  format_seconds (warm_s, sizeof warm_s, time_to_svg (path, trace, 1, TRUE, NULL));
  format_seconds (depth2_s, sizeof depth2_s, time_to_svg (path, trace, 2, FALSE, NULL));
  if (n_nodes <= 10000)
    full = time_to_svg (path, trace, 0, FALSE, &full_boxes);
  format_seconds (full_s, sizeof full_s, full);
  format_seconds (expand_s, sizeof expand_s, time_expand_one (path, trace));
  if (n_nodes <= dot_limit)
    flat = time_flat_dot (path, dot_path, trace);
  if (n_nodes <= dot_limit && flat < 0)
    g_strlcpy (flat_s, "> 60 s", sizeof flat_s);
  else
    format_seconds (flat_s, sizeof flat_s, flat);

  if (full > 0 && flat > 0)
    g_snprintf (speedup, sizeof speedup, "%.1fx", flat / full);
  else if (full > 0 && n_nodes <= dot_limit)
    g_snprintf (speedup, sizeof speedup, ">%.0fx", 60 / full);
  printf ("| %9u | %9u | %9s | %12s | %12s | %9s | %10s | %9s | %8s | %9s | %7.0f MiB |\n",
          n_nodes, n_edges, write_s, cold_s, warm_s, depth2_s, full_s, flat_s,
          speedup, expand_s,
          peak_rss_mib ());
  fflush (stdout);
  g_unlink (dot_path);
  {
    const char *suffixes[] = { "", "-wal", "-shm" };
    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
        g_unlink (file);
      }
  }
  return 0;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *sizes = g_strdup ("2000,5000,100000");
  g_autofree char *keep = NULL;
  int dot_limit = 10000;
  int one = 0;
  GOptionEntry entries[] = {
    { "sizes", 0, 0, G_OPTION_ARG_STRING, &sizes, "Graph sizes in nodes (add 1000000 for the biggest)", "N,N,..." },
    { "dot-limit", 0, 0, G_OPTION_ARG_INT, &dot_limit, "Run flat dot only up to this many nodes", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &keep, "Folder for the generated traces", "DIR" },
    { "one", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &one, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- agviz render benchmark");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) list = NULL;
  g_autofree char *dir = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  dir = keep != NULL ? g_strdup (keep) : g_dir_make_tmp ("agviz-bench-XXXXXX", NULL);
  if (one > 0)
    return run_one ((guint) one, (guint) dot_limit, dir);

  printf ("agviz render benchmark: time to SVG (cold = no layout cache, warm = from the cache)\n\n");
  printf ("| %9s | %9s | %9s | %12s | %12s | %9s | %10s | %9s | %8s | %9s | %11s |\n",
          "nodes", "edges", "write", "default cold", "default warm", "depth 2", "full", "flat dot",
          "speedup", "expand 1", "peak RSS");
  printf ("|-----------|-----------|-----------|--------------|--------------|-----------|------------|-----------|----------|-----------|-------------|\n");
  fflush (stdout);
  list = g_strsplit (sizes, ",", -1);
  for (guint i = 0; list[i] != NULL; i++)
    {
      g_autofree char *one_arg = g_strdup_printf ("--one=%s", list[i]);
      g_autofree char *limit_arg = g_strdup_printf ("--dot-limit=%d", dot_limit);
      g_autofree char *dir_arg = g_strdup_printf ("--dir=%s", dir);
      const char *child_argv[] = { argv[0], one_arg, limit_arg, dir_arg, NULL };

      g_spawn_sync (NULL, (char **) child_argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                    NULL, NULL, NULL, &error);
      if (error != NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          g_clear_error (&error);
        }
    }
  printf ("\nfull = fully expanded (only up to 10,000 nodes); speedup = flat dot / full;\n"
          "expand 1 = expanding model/block_1/layer_1 from the default view, cache warm.\n");
  if (keep == NULL)
    g_rmdir (dir);
  return 0;
}
