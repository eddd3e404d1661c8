/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-import.c: `agviz import` speed and memory on large inputs
 *
 *   bench-import [NODES [RECORDS]]      (defaults: 100000 nodes, 1000000 records)
 *
 * 1. A NODES-node binary GraphDef (scoped names, attributes, _output_shapes, two inputs each)
 *    with a GraphDebugInfo of 10 frames per node beside it (graph.pb.debug, old layout).
 * 2. A TensorBoard event file of RECORDS scalar summaries (what long trainings write most).
 * 3. A tfdbg2 dump of RECORDS records: a tf.function's graph of 1,000 ops and, per step, its
 *    execution and a CURT_HEALTH GraphExecutionTrace per op (what a training loop dumps most).
 * Each import runs in its own process so its peak RSS is its own.  Prints a table; never fails
 * because a machine is slow (goal on the 2-core CI machine: 300,000 nodes/s and 100 MB/s).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "agviz-core.h"
#include "agviz-importer.h"
#include "agviz-text-format.h"
#include "agviz-tf-debug-event.pb-c.h"
#include "agviz-tf-graph.pb-c.h"
#include "agviz-tf-summary.pb-c.h"
#include "agviz-tfrecord-reader.h"

static const char *const op_types[] = {
  "MatMul", "AddV2", "Relu", "Conv2D", "BiasAdd", "Identity", "ReadVariableOp", "Mul",
  "Sigmoid", "Tanh", "Reshape", "ConcatV2", "Softmax", "Sub", "RealDiv", "Mean",
};

static void
write_bytes (const char   *path,
             const guint8 *data,
             gsize         length)
{
  GError *error = NULL;

  if (!g_file_set_contents (path, (const char *) data, length, &error))
    g_error ("%s", error->message);
}

static void
write_graph (const char *dir,
             guint       n_nodes)
{
  g_autofree char *graph_path = g_build_filename (dir, "graph.pb", NULL);
  g_autofree char *debug_path = g_build_filename (dir, "graph.pb.debug", NULL);
  AgvizTf__GraphDef graph = AGVIZ_TF__GRAPH_DEF__INIT;
  AgvizTf__GraphDebugInfo debug = AGVIZ_TF__GRAPH_DEBUG_INFO__INIT;
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
  AgvizTf__NodeDef *nodes = g_new0 (AgvizTf__NodeDef, n_nodes);
  AgvizTf__NodeDef **node_ptrs = g_new (AgvizTf__NodeDef *, n_nodes);
  AgvizTf__GraphDebugInfo__TracesEntry *entries = g_new0 (AgvizTf__GraphDebugInfo__TracesEntry,
                                                          n_nodes);
  AgvizTf__GraphDebugInfo__TracesEntry **entry_ptrs = g_new (AgvizTf__GraphDebugInfo__TracesEntry *,
                                                             n_nodes);
  AgvizTf__GraphDebugInfo__StackTrace *traces = g_new0 (AgvizTf__GraphDebugInfo__StackTrace,
                                                        n_nodes);
  AgvizTf__GraphDebugInfo__FileLineCol *frames = g_new0 (AgvizTf__GraphDebugInfo__FileLineCol,
                                                         (gsize) n_nodes * 10);
  AgvizTf__GraphDebugInfo__FileLineCol **frame_ptrs =
    g_new (AgvizTf__GraphDebugInfo__FileLineCol *, (gsize) n_nodes * 10);
  char *files[50];
  /* Shared attribute values, as in real graphs (T, _output_shapes). */
  AgvizTf__AttrValue type_value = AGVIZ_TF__ATTR_VALUE__INIT;
  AgvizTf__TensorShapeProto__Dim dims[2] = { AGVIZ_TF__TENSOR_SHAPE_PROTO__DIM__INIT,
                                             AGVIZ_TF__TENSOR_SHAPE_PROTO__DIM__INIT };
  AgvizTf__TensorShapeProto__Dim *dim_ptrs[2] = { &dims[0], &dims[1] };
  AgvizTf__TensorShapeProto shape = AGVIZ_TF__TENSOR_SHAPE_PROTO__INIT;
  AgvizTf__TensorShapeProto *shape_ptrs[1] = { &shape };
  AgvizTf__AttrValue__ListValue shape_list = AGVIZ_TF__ATTR_VALUE__LIST_VALUE__INIT;
  AgvizTf__AttrValue shapes_value = AGVIZ_TF__ATTR_VALUE__INIT;
  AgvizTf__NodeDef__AttrEntry attr_entries[2] = { AGVIZ_TF__NODE_DEF__ATTR_ENTRY__INIT,
                                                  AGVIZ_TF__NODE_DEF__ATTR_ENTRY__INIT };
  AgvizTf__NodeDef__AttrEntry *attr_ptrs[2] = { &attr_entries[0], &attr_entries[1] };
  g_autofree guint8 *packed = NULL;
  gsize size;

  type_value.value_case = AGVIZ_TF__ATTR_VALUE__VALUE_TYPE;
  type_value.type = AGVIZ_TF__DATA_TYPE__DT_FLOAT;
  dims[0].size = -1;
  dims[1].size = 128;
  shape.n_dim = 2;
  shape.dim = dim_ptrs;
  shape_list.n_shape = 1;
  shape_list.shape = shape_ptrs;
  shapes_value.value_case = AGVIZ_TF__ATTR_VALUE__VALUE_LIST;
  shapes_value.list = &shape_list;
  attr_entries[0].key = (char *) "T";
  attr_entries[0].value = &type_value;
  attr_entries[1].key = (char *) "_output_shapes";
  attr_entries[1].value = &shapes_value;

  for (guint f = 0; f < 50; f++)
    files[f] = g_strdup_printf ("/home/user/project/src/model/layer_%02u.py", f);

  for (guint i = 0; i < n_nodes; i++)
    {
      AgvizTf__NodeDef *node = &nodes[i];
      char **inputs = g_new (char *, 2);

      agviz_tf__node_def__init (node);
      node->name = g_strdup_printf ("model/block_%u/layer_%u/op_%u", i / 1000, (i / 50) % 20, i);
      node->op = (char *) op_types[i % G_N_ELEMENTS (op_types)];
      node->device = (char *) "/job:localhost/replica:0/task:0/device:CPU:0";
      node->n_attr = 2;
      node->attr = attr_ptrs;
      node->n_input = i >= 2 ? 2 : i;
      inputs[0] = i >= 1 ? g_strdup (nodes[i - 1].name) : NULL;
      inputs[1] = i >= 2 ? g_strdup_printf ("%s:0", nodes[i - 2].name) : NULL;
      node->input = inputs;
      node_ptrs[i] = node;
      g_ptr_array_add (keep, node->name);
      g_ptr_array_add (keep, inputs[0]);
      g_ptr_array_add (keep, inputs[1]);
      g_ptr_array_add (keep, inputs);

      /* Ten frames, innermost first: the outer ones shared by many nodes. */
      agviz_tf__graph_debug_info__stack_trace__init (&traces[i]);
      traces[i].n_file_line_cols = 10;
      traces[i].file_line_cols = frame_ptrs + (gsize) i * 10;
      for (guint f = 0; f < 10; f++)
        {
          AgvizTf__GraphDebugInfo__FileLineCol *frame = &frames[(gsize) i * 10 + f];

          agviz_tf__graph_debug_info__file_line_col__init (frame);
          frame->file_index = (f * 7 + (f < 3 ? i : i / 1000)) % 50;
          frame->line = f < 3 ? 10 + (i % 400) + f : 100 + f * 10 + (i / 5000);
          frame->func = (char *) (f == 9 ? "<module>" : f < 3 ? "call" : "__call__");
          frame_ptrs[(gsize) i * 10 + f] = frame;
        }
      agviz_tf__graph_debug_info__traces_entry__init (&entries[i]);
      entries[i].key = g_strdup_printf ("%s@", node->name);
      entries[i].value = &traces[i];
      entry_ptrs[i] = &entries[i];
      g_ptr_array_add (keep, entries[i].key);
    }
  graph.n_node = n_nodes;
  graph.node = node_ptrs;
  size = agviz_tf__graph_def__get_packed_size (&graph);
  packed = g_malloc (size);
  agviz_tf__graph_def__pack (&graph, packed);
  write_bytes (graph_path, packed, size);
  g_clear_pointer (&packed, g_free);

  debug.n_files = 50;
  debug.files = files;
  debug.n_traces = n_nodes;
  debug.traces = entry_ptrs;
  size = agviz_tf__graph_debug_info__get_packed_size (&debug);
  packed = g_malloc (size);
  agviz_tf__graph_debug_info__pack (&debug, packed);
  write_bytes (debug_path, packed, size);

  for (guint f = 0; f < 50; f++)
    g_free (files[f]);
  g_free (nodes);
  g_free (node_ptrs);
  g_free (entries);
  g_free (entry_ptrs);
  g_free (traces);
  g_free (frames);
  g_free (frame_ptrs);
}

/* An event file of @n scalar summaries after its graph, written in chunks so the writer's memory
 * stays small too. */
static void
write_events (const char *path,
              guint       n)
{
  FILE *file = g_fopen (path, "wb");
  g_autoptr(GByteArray) chunk = g_byte_array_new ();

  /* Event files start with the graph, then summaries follow for the rest of the training. */
  {
    AgvizTf__NodeDef node = AGVIZ_TF__NODE_DEF__INIT;
    AgvizTf__NodeDef *node_ptrs[1] = { &node };
    AgvizTf__GraphDef graph = AGVIZ_TF__GRAPH_DEF__INIT;
    AgvizTf__Event event = AGVIZ_TF__EVENT__INIT;
    guint8 graph_bytes[256], buffer[512];
    gsize size;

    node.name = (char *) "x";
    node.op = (char *) "Placeholder";
    graph.n_node = 1;
    graph.node = node_ptrs;
    event.what_case = AGVIZ_TF__EVENT__WHAT_GRAPH_DEF;
    event.graph_def.data = graph_bytes;
    event.graph_def.len = agviz_tf__graph_def__pack (&graph, graph_bytes);
    size = agviz_tf__event__pack (&event, buffer);
    agviz_tfrecord_append (chunk, buffer, size);
  }

  for (guint i = 0; i < n; i++)
    {
      AgvizTf__Event event = AGVIZ_TF__EVENT__INIT;
      AgvizTf__Summary summary = AGVIZ_TF__SUMMARY__INIT;
      AgvizTf__Summary__Value value = AGVIZ_TF__SUMMARY__VALUE__INIT;
      AgvizTf__Summary__Value *values[1] = { &value };
      guint8 buffer[256];
      gsize size;

      value.tag = (char *) (i % 2 ? "epoch_loss" : "epoch_accuracy");
      value.value_case = AGVIZ_TF__SUMMARY__VALUE__VALUE_SIMPLE_VALUE;
      value.simple_value = 1.0f / (1 + i);
      summary.n_value = 1;
      summary.value = values;
      event.wall_time = 1700000000.0 + i;
      event.step = i;
      event.what_case = AGVIZ_TF__EVENT__WHAT_SUMMARY;
      event.summary = &summary;
      size = agviz_tf__event__pack (&event, buffer);
      agviz_tfrecord_append (chunk, buffer, size);
      if (chunk->len > (1 << 20))
        {
          fwrite (chunk->data, 1, chunk->len, file);
          g_byte_array_set_size (chunk, 0);
        }
    }
  fwrite (chunk->data, 1, chunk->len, file);
  fclose (file);
}

/* TFRecord-framed DebugEvents into one file of a dump, written in chunks. */
typedef struct
{
  FILE       *file;
  GByteArray *chunk;
} DumpFile;

static void
dump_file_open (DumpFile   *out,
                const char *dir,
                const char *suffix)
{
  g_autofree char *path = g_strdup_printf ("%s/tfdbg_events.1700000000.host.%s", dir, suffix);

  out->file = g_fopen (path, "wb");
  out->chunk = g_byte_array_new ();
}

static void
dump_file_append (DumpFile                  *out,
                  const AgvizTf__DebugEvent *event)
{
  guint8 buffer[512];
  gsize size = agviz_tf__debug_event__get_packed_size (event);

  g_assert (size <= sizeof buffer);
  agviz_tf__debug_event__pack (event, buffer);
  agviz_tfrecord_append (out->chunk, buffer, size);
  if (out->chunk->len > (1 << 20))
    {
      fwrite (out->chunk->data, 1, out->chunk->len, out->file);
      g_byte_array_set_size (out->chunk, 0);
    }
}

static void
dump_file_close (DumpFile *out)
{
  fwrite (out->chunk->data, 1, out->chunk->len, out->file);
  fclose (out->file);
  g_byte_array_free (out->chunk, TRUE);
}

/* What a training loop's tf.function writes with tensor_debug_mode CURT_HEALTH: its graph of
 * DUMP_GRAPH_NODES ops once, then per step one execution and one GraphExecutionTrace per op:
 * @n_records of those in all. */
#define DUMP_GRAPH_NODES 1000

static void
write_dump (const char *dir,
            guint       n_records)
{
  static const char *const empty[] = { "source_files", "stack_frames" };
  guint n_steps = MAX (n_records / DUMP_GRAPH_NODES, 1);
  char *op_names[DUMP_GRAPH_NODES];
  DumpFile out;

  g_mkdir_with_parents (dir, 0755);
  for (guint i = 0; i < G_N_ELEMENTS (empty); i++)
    {
      dump_file_open (&out, dir, empty[i]);
      dump_file_close (&out);
    }
  {
    AgvizTf__DebugEvent event = AGVIZ_TF__DEBUG_EVENT__INIT;
    AgvizTf__DebugMetadata metadata = AGVIZ_TF__DEBUG_METADATA__INIT;

    metadata.tensorflow_version = (char *) "2.15.0";
    metadata.file_version = (char *) "debug.Event:1";
    event.wall_time = 1700000000.0;
    event.what_case = AGVIZ_TF__DEBUG_EVENT__WHAT_DEBUG_METADATA;
    event.debug_metadata = &metadata;
    dump_file_open (&out, dir, "metadata");
    dump_file_append (&out, &event);
    dump_file_close (&out);
  }

  dump_file_open (&out, dir, "graphs");
  {
    AgvizTf__DebugEvent event = AGVIZ_TF__DEBUG_EVENT__INIT;
    AgvizTf__DebuggedGraph graph = AGVIZ_TF__DEBUGGED_GRAPH__INIT;

    graph.graph_id = (char *) "g1";
    graph.graph_name = (char *) "__inference_train_step_11";
    event.what_case = AGVIZ_TF__DEBUG_EVENT__WHAT_DEBUGGED_GRAPH;
    event.debugged_graph = &graph;
    dump_file_append (&out, &event);
  }
  for (guint i = 0; i < DUMP_GRAPH_NODES; i++)
    {
      AgvizTf__DebugEvent event = AGVIZ_TF__DEBUG_EVENT__INIT;
      AgvizTf__GraphOpCreation op = AGVIZ_TF__GRAPH_OP_CREATION__INIT;
      g_autofree char *input = i > 0 ? g_strdup_printf ("%s:0", op_names[i - 1]) : NULL;
      char *inputs[1] = { input };

      op_names[i] = g_strdup_printf ("model/dense_%u/%s_%u", i / 10,
                                     op_types[i % G_N_ELEMENTS (op_types)], i);
      op.op_type = (char *) op_types[i % G_N_ELEMENTS (op_types)];
      op.op_name = op_names[i];
      op.graph_id = (char *) "g1";
      op.num_outputs = 1;
      op.n_input_names = i > 0 ? 1 : 0;
      op.input_names = inputs;
      event.what_case = AGVIZ_TF__DEBUG_EVENT__WHAT_GRAPH_OP_CREATION;
      event.graph_op_creation = &op;
      dump_file_append (&out, &event);
    }
  dump_file_close (&out);

  dump_file_open (&out, dir, "execution");
  for (guint step = 0; step < n_steps; step++)
    {
      AgvizTf__DebugEvent event = AGVIZ_TF__DEBUG_EVENT__INIT;
      AgvizTf__Execution execution = AGVIZ_TF__EXECUTION__INIT;

      execution.op_type = (char *) "__inference_train_step_11";
      execution.graph_id = (char *) "g1";
      execution.num_outputs = 1;
      execution.tensor_debug_mode = AGVIZ_TF__TENSOR_DEBUG_MODE__CURT_HEALTH;
      event.wall_time = 1700000000.0 + step * 1e-2;
      event.what_case = AGVIZ_TF__DEBUG_EVENT__WHAT_EXECUTION;
      event.execution = &execution;
      dump_file_append (&out, &event);
    }
  dump_file_close (&out);

  dump_file_open (&out, dir, "graph_execution_traces");
  for (guint step = 0; step < n_steps; step++)
    for (guint i = 0; i < DUMP_GRAPH_NODES && (gsize) step * DUMP_GRAPH_NODES + i < n_records; i++)
      {
        AgvizTf__DebugEvent event = AGVIZ_TF__DEBUG_EVENT__INIT;
        AgvizTf__GraphExecutionTrace trace = AGVIZ_TF__GRAPH_EXECUTION_TRACE__INIT;
        AgvizTf__TensorProto health = AGVIZ_TF__TENSOR_PROTO__INIT;
        /* CURT_HEALTH: the tensor's id and whether it holds any NaN or Inf. */
        double values[2] = { i, 0 };

        health.dtype = AGVIZ_TF__DATA_TYPE__DT_DOUBLE;
        health.n_double_val = 2;
        health.double_val = values;
        trace.tfdbg_context_id = (char *) "g1";
        trace.op_name = op_names[i];
        trace.tensor_debug_mode = AGVIZ_TF__TENSOR_DEBUG_MODE__CURT_HEALTH;
        trace.tensor_proto = &health;
        event.wall_time = 1700000000.0 + step * 1e-2 + i * 1e-6;
        event.what_case = AGVIZ_TF__DEBUG_EVENT__WHAT_GRAPH_EXECUTION_TRACE;
        event.graph_execution_trace = &trace;
        dump_file_append (&out, &event);
      }
  dump_file_close (&out);
  for (guint i = 0; i < DUMP_GRAPH_NODES; i++)
    g_free (op_names[i]);
}

static goffset
tree_size (const char *path)
{
  GStatBuf st;
  goffset total = 0;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          total += tree_size (child);
        }
      return total;
    }
  if (g_stat (path, &st) == 0)
    total = st.st_size;
  return total;
}

/* The child's side: imports @source into @db and writes its stats and wall-clock seconds to
 * file descriptor @fd. */
static int
import_child (const char *source,
              const char *db,
              int         fd)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (db, &error);
  g_autoptr(AgvizImporter) importer = NULL;
  gint64 start = g_get_monotonic_time ();
  double elapsed;

  if (recorder == NULL)
    g_error ("%s", error->message);
  importer = agviz_importer_new (recorder);
  /* As `agviz import` does. */
  agviz_importer_set_tune_heap (importer, TRUE);
  if (!agviz_importer_import (importer, source, &error) ||
      !agviz_recorder_close (recorder, &error))
    g_error ("%s", error->message);
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  if (write (fd, agviz_importer_get_stats (importer), sizeof (AgvizImportStats)) !=
        sizeof (AgvizImportStats) ||
      write (fd, &elapsed, sizeof elapsed) != sizeof elapsed)
    return 1;
  return 0;
}

/* Imports @source into a fresh trace file in a child process; returns the wall-clock seconds
 * and fills @stats and @usage.  The child execs this program anew: a plain fork would share the
 * input writer's large heap copy-on-write, and every page the import reuses would be copied
 * first. */
static double
run_import_once (const char       *self_path,
                 const char       *label,
                 const char       *source,
                 const char       *db,
                 AgvizImportStats *stats,
                 struct rusage    *usage)
{
  int status, fds[2];
  pid_t pid;
  double seconds = 0;

  agviz_trace_file_remove (db);

  g_assert (pipe (fds) == 0);
  pid = fork ();
  if (pid == 0)
    {
      g_autofree char *fd_text = g_strdup_printf ("%d", fds[1]);

      close (fds[0]);
      execl (self_path, self_path, "--import-child", source, db, fd_text, (char *) NULL);
      _exit (127);
    }
  close (fds[1]);
  if (read (fds[0], stats, sizeof *stats) != sizeof *stats ||
      read (fds[0], &seconds, sizeof seconds) != sizeof seconds)
    g_error ("the import of %s failed", label);
  close (fds[0]);
  wait4 (pid, &status, 0, usage);
  return seconds;
}

/* The number of times each import runs; the table shows the fastest (a shared machine's
 * neighbours slow single runs by a third and more). */
static guint
n_runs (void)
{
  const char *runs = g_getenv ("AGVIZ_BENCH_RUNS");

  return runs != NULL && g_ascii_strtoull (runs, NULL, 10) > 0
    ? (guint) g_ascii_strtoull (runs, NULL, 10) : 3;
}

/* Imports @source n_runs() times and prints one table row for the fastest run. */
static void
run_import (const char *self_path,
            const char *label,
            const char *source,
            const char *extra_bytes_path,
            const char *db)
{
  struct rusage usage = { 0 };
  AgvizImportStats stats = { 0 };
  double seconds = G_MAXDOUBLE, cpu;
  goffset bytes = tree_size (source) + (extra_bytes_path != NULL ? tree_size (extra_bytes_path) : 0);

  for (guint run = 0; run < n_runs (); run++)
    {
      struct rusage run_usage;
      AgvizImportStats run_stats;
      double run_seconds = run_import_once (self_path, label, source, db, &run_stats, &run_usage);

      if (run_seconds < seconds)
        {
          seconds = run_seconds;
          stats = run_stats;
          usage = run_usage;
        }
    }

  /* CPU time too: on a loaded machine it moves much less than the wall clock (it includes
   * opening the trace file, which the wall-clock time leaves out).  With the GraphDebugInfo
   * read on a second thread it can exceed the wall-clock time. */
  cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
        usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  printf ("%-34s %9.2f s %9.1f MB/s %11.0f nodes/s %11.0f records/s %8.1f MiB %7.2f s\n", label,
          seconds, bytes / 1e6 / seconds, stats.nodes / seconds,
          (stats.records > 0 ? stats.records : stats.nodes) / seconds, usage.ru_maxrss / 1024.0,
          cpu);
  fflush (stdout);
}

int
main (int    argc,
      char **argv)
{
  guint n_nodes;
  g_autofree char *self_path = NULL;

  if (argc == 5 && strcmp (argv[1], "--import-child") == 0)
    return import_child (argv[2], argv[3], (int) g_ascii_strtoll (argv[4], NULL, 10));

  self_path = g_file_read_link ("/proc/self/exe", NULL);
  if (self_path == NULL)
    self_path = g_strdup (argv[0]);
  n_nodes = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  guint n_records = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 1000000;
  /* AGVIZ_BENCH_KEEP=1 leaves the inputs for profiling. */
  g_autofree char *dir = g_dir_make_tmp ("agviz-bench-import-XXXXXX", NULL);
  g_autofree char *graph = g_build_filename (dir, "graph.pb", NULL);
  g_autofree char *debug = g_build_filename (dir, "graph.pb.debug", NULL);
  g_autofree char *events = g_build_filename (dir, "events.out.tfevents.1700000000.bench", NULL);
  g_autofree char *dump = g_build_filename (dir, "dump", NULL);
  g_autofree char *command = NULL;
  g_autofree char *db1 = g_build_filename (dir, "graph.db", NULL);
  g_autofree char *db2 = g_build_filename (dir, "events.db", NULL);
  g_autofree char *db3 = g_build_filename (dir, "dump.db", NULL);

  printf ("writing inputs in %s ...\n", dir);
  fflush (stdout);
  write_graph (dir, n_nodes);
  write_events (events, n_records);
  write_dump (dump, n_records);

  printf ("fastest of %u runs each (AGVIZ_BENCH_RUNS)\n", n_runs ());
  printf ("%-34s %11s %14s %19s %21s %12s %9s\n", "import", "time", "throughput", "nodes",
          "records (or nodes)", "peak RSS", "CPU");
  {
    g_autofree char *label = g_strdup_printf ("GraphDef %u nodes + 10-frame stacks", n_nodes);
    run_import (self_path, label, graph, debug, db1);
  }
  {
    g_autofree char *label = g_strdup_printf ("event file, %u records", n_records);
    run_import (self_path, label, events, NULL, db2);
  }
  {
    g_autofree char *label = g_strdup_printf ("tfdbg2 dump, %u records", n_records);
    run_import (self_path, label, dump, NULL, db3);
  }

  if (g_getenv ("AGVIZ_BENCH_KEEP") == NULL)
    {
      command = g_strdup_printf ("rm -rf '%s'", dir);
      g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
    }
  return 0;
}
