/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-record.c: how fast the recorder writes, how small the file is, how fast it opens
 *
 * Records a synthetic but realistic trace set through the public recording API: by default 100
 * traces of 10,000 nodes (1,000,000 in all) named like a transformer's ops, 4 to 8 scope levels
 * deep ("model/encoder/layer_7/attention/query/MatMul_3"), 1.5 edges per node, a 10-frame creation
 * stack per node drawn from 2,000 distinct frames, and 100,000 executions.  Like real programs,
 * ops made by the same code path share their stack (layer_6 and layer_7 run the same lines), so
 * stacks follow the scope structure without the layer numbers.
 *
 * Usage: bench-record [--traces N] [--nodes-per-trace N] [--executions N] [--keep FILE]
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "agviz-core.h"

#define N_FRAMES 2000
#define STACK_DEPTH 10
#define N_FILES 40

static const char *const ops[] = {
  "MatMul", "BiasAdd", "Add", "Relu", "Softmax", "Reshape", "ReadVariableOp", "Mul",
  "Const", "Identity", "Transpose", "Sqrt", "Mean", "Sub", "RealDiv", "Cast",
};
static const char *const blocks[] = { "attention", "mlp", "layer_norm", "dropout" };
static const char *const parts[] = { "query", "key", "value", "output", "dense", "gamma" };

typedef struct
{
  AgvizRecorder *recorder;
  gint64         frames[N_FRAMES];
  GHashTable    *stacks;          /* stack key -> stack id, the caller's own cache */
  GError        *error;
} Bench;

static double
now_seconds (void)
{
  return g_get_monotonic_time () / 1e6;
}

static long
peak_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

static guint
hash_words (guint seed,
            const char *a,
            const char *b)
{
  guint hash = seed * 2654435761u;

  hash ^= g_str_hash (a) + 0x9e3779b9 + (hash << 6) + (hash >> 2);
  hash ^= g_str_hash (b) + 0x9e3779b9 + (hash << 6) + (hash >> 2);
  return hash;
}

/* Names and stack of node @i of a trace; returns the scope depth used. */
static void
make_node (guint    i,
           GString *name,
           GString *stack_key,
           guint   *frame_picks)
{
  guint layer = (i / 160) % 24;
  const char *half = (i / 160) % 48 < 24 ? "encoder" : "decoder";
  const char *block = blocks[(i / 40) % G_N_ELEMENTS (blocks)];
  const char *part = parts[(i / 8) % G_N_ELEMENTS (parts)];
  const char *op = ops[i % G_N_ELEMENTS (ops)];
  guint extra_depth = (i / 8) % 5;   /* 0..4 more levels: names are 4 to 8 deep */

  g_string_printf (name, "model/%s/layer_%u/%s", half, layer, block);
  g_string_printf (stack_key, "%s/%s", half, block);
  if (extra_depth >= 1)
    {
      g_string_append_printf (name, "/%s", part);
      g_string_append_printf (stack_key, "/%s", part);
    }
  for (guint d = 2; d <= extra_depth; d++)
    {
      g_string_append_printf (name, "/sub_%u", d);
      g_string_append_printf (stack_key, "/sub_%u", d);
    }
  g_string_append_printf (name, "/%s_%u", op, i);
  g_string_append_printf (stack_key, "/%s", op);

  /* Outer frames: the training loop and Keras; inner frames: the layer code paths. */
  for (guint f = 0; f < STACK_DEPTH; f++)
    {
      const char *key_part = f < 3 ? "train" : f < 6 ? half : f < 8 ? block : op;
      frame_picks[f] = hash_words (f, key_part, f >= 8 ? part : "") % N_FRAMES;
    }
}

static gint64
stack_for (Bench      *bench,
           const char *key,
           const guint *frame_picks)
{
  gpointer value;
  gint64 ids[STACK_DEPTH];
  gint64 stack;

  if (g_hash_table_lookup_extended (bench->stacks, key, NULL, &value))
    return (gint64) GPOINTER_TO_SIZE (value);

  for (guint f = 0; f < STACK_DEPTH; f++)
    ids[f] = bench->frames[frame_picks[f]];
  stack = agviz_recorder_add_stack (bench->recorder, ids, STACK_DEPTH, &bench->error);
  g_hash_table_insert (bench->stacks, g_strdup (key), GSIZE_TO_POINTER ((gsize) stack));
  return stack;
}

/* Opens the file as a viewer would and lists the root scope of its first trace. */
static double
time_open_and_list (const char *path,
                    guint      *n_children)
{
  double best = G_MAXDOUBLE;

  for (int run = 0; run < 5; run++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AgvizStore) store = NULL;
      g_autoptr(AgvizTrace) trace = NULL;
      g_autoptr(GPtrArray) scopes = NULL;
      g_autoptr(GPtrArray) nodes = NULL;
      double start = now_seconds ();

      store = agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, &error);
      if (store != NULL)
        trace = agviz_store_get_trace (store, 1, &error);
      if (trace != NULL)
        agviz_store_list_scope_children (store, trace->root_scope_id, &scopes, &nodes, &error);
      if (error != NULL)
        g_error ("%s", error->message);
      best = MIN (best, now_seconds () - start);
      *n_children = scopes->len + nodes->len;
    }
  return best;
}

static gint64
file_size (const char *path)
{
  GStatBuf st;
  gint64 total = 0;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);

  if (g_stat (path, &st) == 0)
    total += st.st_size;
  if (g_stat (wal, &st) == 0)
    total += st.st_size;
  return total;
}

int
main (int    argc,
      char **argv)
{
  int n_traces = 100, nodes_per_trace = 10000, n_executions = 100000;
  g_autofree char *keep = NULL;
  GOptionEntry entries[] = {
    { "traces", 0, 0, G_OPTION_ARG_INT, &n_traces, "Traces to record (100)", "N" },
    { "nodes-per-trace", 0, 0, G_OPTION_ARG_INT, &nodes_per_trace, "Nodes per trace (10000)", "N" },
    { "executions", 0, 0, G_OPTION_ARG_INT, &n_executions, "Executions (100000)", "N" },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep, "Write to FILE and keep it", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- agviz recording benchmark");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(GString) stack_key = g_string_new (NULL);
  g_autoptr(GArray) node_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) node_names = NULL;
  g_autoptr(GArray) node_stacks = NULL;
  Bench bench = { 0 };
  gint64 files[N_FILES], fn, total_nodes = 0, total_edges = 0, first_trace = 0;
  double start, record_seconds, nodes_seconds, executions_start, executions_seconds;
  double open_small = 0, open_large;
  guint children_small = 0, children_large = 0;
  gint64 size_small = 0, size;
  GRand *rand = g_rand_new_with_seed (42);

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "bench-record: %s\n", error->message);
      return 2;
    }

  if (keep != NULL)
    path = g_strdup (keep);
  else
    {
      dir = g_dir_make_tmp ("agviz-bench-XXXXXX", NULL);
      path = g_build_filename (dir, "bench.db", NULL);
    }
  g_remove (path);

  start = now_seconds ();
  bench.recorder = agviz_recorder_open (path, &bench.error);
  bench.stacks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (bench.recorder == NULL)
    g_error ("%s", bench.error->message);

  for (int f = 0; f < N_FILES; f++)
    {
      g_autofree char *file = g_strdup_printf ("/usr/lib/python3/dist-packages/model/part_%02d.py", f);
      files[f] = agviz_recorder_add_file (bench.recorder, "trainer-0", file, &bench.error);
    }
  for (int f = 0; f < N_FRAMES; f++)
    {
      g_autofree char *function = g_strdup_printf ("call_%d", f % 97);
      bench.frames[f] = agviz_recorder_add_frame (bench.recorder, files[f % N_FILES], 10 + f, 4,
                                                  function, &bench.error);
    }
  fn = agviz_recorder_add_function (bench.recorder, "Transformer.train_step", files[0], 10,
                                    &bench.error);

  /* Every trace has the same layout, as retraces of one function do: names and stacks are made
   * once, so the timing measures the recorder rather than string formatting. */
  node_names = g_ptr_array_new_with_free_func (g_free);
  node_stacks = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (int i = 0; i < nodes_per_trace && bench.error == NULL; i++)
    {
      guint picks[STACK_DEPTH];
      gint64 stack;

      make_node (i, name, stack_key, picks);
      stack = stack_for (&bench, stack_key->str, picks);
      g_ptr_array_add (node_names, g_strdup (name->str));
      g_array_append_val (node_stacks, stack);
    }

  for (int t = 0; t < n_traces && bench.error == NULL; t++)
    {
      g_autofree char *graph = g_strdup_printf ("__inference_train_step_%d", 1000 + t);
      g_autofree char *signature = g_strdup_printf ("x: TensorSpec(shape=(%d, 512), dtype=tf.float32)",
                                                    8 * (t + 1));
      gint64 trace = agviz_recorder_begin_trace (bench.recorder, fn, graph, signature,
                                                 t == 0 ? "first call" : "new input shape",
                                                 &bench.error);
      if (t == 0)
        first_trace = trace;

      g_array_set_size (node_ids, 0);
      for (int i = 0; i < nodes_per_trace && bench.error == NULL; i++)
        {
          gint64 node;

          node = agviz_recorder_add_node (bench.recorder, trace, g_ptr_array_index (node_names, i),
                                          ops[i % G_N_ELEMENTS (ops)], NULL, NULL,
                                          g_array_index (node_stacks, gint64, i), &bench.error);
          g_array_append_val (node_ids, node);
          total_nodes++;

          /* 1.5 edges per node: the previous op, and every other node a skip connection. */
          if (i > 0 && bench.error == NULL)
            {
              agviz_recorder_add_edge (bench.recorder, trace, g_array_index (node_ids, gint64, i - 1),
                                       0, node, 0, &bench.error);
              total_edges++;
            }
          if (i > 1 && i % 2 == 0 && bench.error == NULL)
            {
              int from = i - 2 - g_rand_int_range (rand, 0, MIN (i - 1, 64));
              agviz_recorder_add_edge (bench.recorder, trace, g_array_index (node_ids, gint64, from),
                                       1, node, 1, &bench.error);
              total_edges++;
            }
        }
      if (bench.error == NULL)
        agviz_recorder_end_trace (bench.recorder, trace, AGVIZ_TRACE_STATUS_COMPLETE, -1,
                                  &bench.error);
      if (t == 0 && bench.error == NULL)
        {
          double paused = now_seconds ();
          size_small = file_size (path);
          open_small = time_open_and_list (path, &children_small);
          start += now_seconds () - paused;   /* the reader's time is not the recorder's */
        }
    }

  nodes_seconds = now_seconds () - start;
  executions_start = now_seconds ();
  for (int e = 0; e < n_executions && bench.error == NULL; e++)
    {
      AgvizExecution execution = {
        .trace_id = first_trace + (e % n_traces),
        .start_ns = G_GINT64_CONSTANT (1700000000000000000) + e * 1000000,
        .duration_ns = 250000 + (e % 1000),
        .device = "/job:localhost/replica:0/task:0/device:GPU:0",
      };
      agviz_recorder_add_execution (bench.recorder, &execution, &bench.error);
    }

  executions_seconds = now_seconds () - executions_start;
  if (bench.error == NULL)
    agviz_recorder_close (bench.recorder, &bench.error);
  if (bench.error != NULL)
    g_error ("%s", bench.error->message);
  record_seconds = now_seconds () - start;
  g_clear_object (&bench.recorder);

  size = file_size (path);
  open_large = time_open_and_list (path, &children_large);

  printf ("agviz recording benchmark: %d traces x %d nodes, %" G_GINT64_FORMAT " edges, "
          "%d executions, %d-frame stacks from %d frames (%u distinct stacks)\n\n",
          n_traces, nodes_per_trace, total_edges, n_executions, STACK_DEPTH, N_FRAMES,
          g_hash_table_size (bench.stacks));
  printf ("%-44s %16s %14s\n", "measure", "value", "goal");
  printf ("%-44s %16.0f %14s\n", "nodes written per second (with edges, stacks)",
          total_nodes / nodes_seconds, ">= 500000");
  printf ("%-44s %16.0f %14s\n", "executions written per second",
          n_executions / executions_seconds, "");
  printf ("%-44s %16.1f %14s\n", "seconds to record everything (and close)", record_seconds,
          "");
  printf ("%-44s %16.1f %14s\n", "bytes per node on disk (all tables+indexes)",
          (double) size / total_nodes, "<= 200");
  printf ("%-44s %16.1f %14s\n", "file size (MB)", size / 1e6, "");
  printf ("%-44s %16.1f %14s\n", "peak RSS (MB)", peak_rss_kib () / 1024.0, "");
  printf ("%-44s %16.2f %14s\n", "open + list top scope, 1-trace file (ms)", open_small * 1e3,
          "< 50");
  printf ("%-44s %16.1f %14s\n", "  (that file's size, MB)", size_small / 1e6, "");
  printf ("%-44s %16.2f %14s\n", "open + list top scope, full file (ms)", open_large * 1e3,
          "< 50");
  printf ("%-44s %16u %14s\n", "  (items in the top scope)", children_large, "");

  g_hash_table_unref (bench.stacks);
  g_rand_free (rand);
  if (keep == NULL)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);
      g_remove (path);
      g_remove (wal);
      g_remove (shm);
      g_rmdir (dir);
    }
  (void) children_small;
  return 0;
}
