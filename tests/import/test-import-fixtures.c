/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-import-fixtures.c: every format agviz imports, written by agviz-write-tf-fixtures and
 * checked field by field through the store */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "agviz-core.h"
#include "agviz-importer.h"
#include "agviz-import-memory-private.h"
#include "agviz-tf-graph.pb-c.h"

static char *fixture_dir;

typedef struct
{
  char *dir;
  char *path;
} TempFile;

static void
temp_file_setup (TempFile      *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->dir = g_dir_make_tmp ("agviz-import-XXXXXX", &error);
  g_assert_no_error (error);
  fx->path = g_build_filename (fx->dir, "trace.db", NULL);
}

static void
temp_file_teardown (TempFile      *fx,
                    gconstpointer  data)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (fx->path, suffixes[i], NULL);
      g_remove (file);
    }
  g_rmdir (fx->dir);
  g_free (fx->path);
  g_free (fx->dir);
}

static char *
fixture (const char *relative)
{
  return g_build_filename (fixture_dir, relative, NULL);
}

/* Imports @sources (NULL-terminated) into @path; returns the first error. */
static gboolean
import_all (const char         *path,
            const char         *error_log,
            gboolean            force,
            AgvizImportStats   *stats,
            GError            **error,
            ...)
{
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (path, error);
  g_autoptr(AgvizImporter) importer = NULL;
  const char *source;
  gboolean ok = TRUE;
  va_list args;

  if (recorder == NULL)
    return FALSE;
  importer = agviz_importer_new (recorder);
  agviz_importer_set_force (importer, force);
  if (error_log != NULL)
    {
      g_autofree char *log = fixture (error_log);
      agviz_importer_set_error_log (importer, log);
    }
  va_start (args, error);
  while (ok && (source = va_arg (args, const char *)) != NULL)
    {
      g_autofree char *full = fixture (source);
      ok = agviz_importer_import (importer, full, error);
    }
  va_end (args);
  if (stats != NULL)
    *stats = *agviz_importer_get_stats (importer);
  if (!agviz_recorder_close (recorder, ok ? error : NULL))
    return FALSE;
  return ok;
}

static AgvizStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  AgvizStore *store = agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, &error);

  g_assert_no_error (error);
  return store;
}

static AgvizFunction *
find_function (GPtrArray  *functions,
               const char *name)
{
  for (guint i = 0; i < functions->len; i++)
    {
      AgvizFunction *function = g_ptr_array_index (functions, i);
      if (g_str_equal (function->name, name))
        return function;
    }
  g_error ("no function %s", name);
  return NULL;
}

static guint
count_traces_named (GPtrArray  *functions,
                    const char *name)
{
  guint count = 0;

  for (guint i = 0; i < functions->len; i++)
    {
      AgvizFunction *function = g_ptr_array_index (functions, i);
      if (g_str_equal (function->name, name))
        count += function->traces->len;
    }
  return count;
}

static AgvizNode *
node_in (AgvizStore *store,
         const char *graph_name,
         const char *node_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizTrace) trace = agviz_store_find_trace (store, graph_name, &error);
  AgvizNode *node;

  g_assert_no_error (error);
  node = agviz_store_find_node (store, trace->id, node_name, &error);
  g_assert_no_error (error);
  return node;
}

static GVariant *
attr (AgvizNode  *node,
      const char *key)
{
  g_assert_nonnull (node->attrs);
  return g_variant_lookup_value (node->attrs, key, NULL);
}

static void
assert_stack (AgvizStore *store,
              gint64      stack_id,
              const char *expected)    /* "line:function line:function ..." outermost first */
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) frames = agviz_store_get_stack (store, stack_id, &error);
  g_autoptr(GString) got = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < frames->len; i++)
    {
      AgvizFrame *frame = g_ptr_array_index (frames, i);
      g_string_append_printf (got, "%s%d:%s", i > 0 ? " " : "", frame->line, frame->function);
    }
  g_assert_cmpstr (got->str, ==, expected);
}

/* ---- GraphDef ---------------------------------------------------------------------------- */

static void
check_demo_graph (AgvizStore *store,
                  gboolean    with_stacks)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) functions = agviz_store_list_functions (store, &error);
  g_autoptr(AgvizNode) x = node_in (store, "demo", "x");
  g_autoptr(AgvizNode) call = node_in (store, "demo", "demo_module/StatefulPartitionedCall");
  g_autoptr(AgvizNode) loop = node_in (store, "demo", "while");
  g_autoptr(AgvizNode) seed = node_in (store, "demo", "seed");
  g_autoptr(AgvizNode) matmul = node_in (store, "__inference___call___81", "demo_module/MatMul");
  g_autoptr(AgvizNode) mul = node_in (store, "cond_true_72", "mul");
  g_autoptr(GHashTable) calls = NULL;
  g_autoptr(GArray) inputs = NULL;
  g_autoptr(GVariant) shapes = NULL;
  g_autoptr(GVariant) value = NULL;
  AgvizFunction *call_function;
  AgvizTrace *trace;

  g_assert_no_error (error);
  /* The top-level graph and five library functions, each its own Python function. */
  g_assert_cmpuint (functions->len, ==, 6);
  trace = g_ptr_array_index (find_function (functions, "demo")->traces, 0);
  g_assert_cmpint (trace->node_count, ==, 6);
  g_assert_cmpint (trace->edge_count, ==, 6);
  call_function = find_function (functions, "__call__");
  trace = g_ptr_array_index (call_function->traces, 0);
  g_assert_cmpstr (trace->graph_name, ==, "__inference___call___81");
  g_assert_cmpstr (trace->signature, ==,
                   "(x: float32, matmul_readvariableop_resource: resource) -> "
                   "(identity: float32)");
  /* 3 body nodes, 2 _Arg, 1 _Retval */
  g_assert_cmpint (trace->node_count, ==, 6);

  g_assert_cmpstr (x->op_type, ==, "Placeholder");
  g_assert_cmpstr (x->device, ==, "/device:CPU:0");
  shapes = attr (x, "_output_shapes");
  g_assert_cmpstr (g_variant_get_type_string (shapes), ==, "as");
  {
    g_autofree const char **strv = g_variant_get_strv (shapes, NULL);
    g_assert_cmpstr (strv[0], ==, "[?,2]");
  }
  value = attr (x, "dtype");
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "float32");
  g_clear_pointer (&value, g_variant_unref);
  value = attr (seed, "value");
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "float32[2] {0.5, -1.25}");
  g_clear_pointer (&value, g_variant_unref);
  value = attr (loop, "_XlaCluster");
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "cluster_0");

  calls = agviz_store_list_node_calls (store, call->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (calls, "f"), ==, "__inference___call___81");
  g_clear_pointer (&calls, g_hash_table_unref);
  calls = agviz_store_list_node_calls (store, loop->id, &error);
  g_assert_cmpstr (g_hash_table_lookup (calls, "body"), ==, "while_body_74");
  g_assert_cmpstr (g_hash_table_lookup (calls, "cond"), ==, "while_cond_75");

  /* "x" plus a control input "^x". */
  agviz_store_list_node_edges (store, loop->id, &inputs, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inputs->len, ==, 2);
  g_assert_cmpint (g_array_index (inputs, AgvizEdge, 1).src_output, ==, -1);
  g_assert_cmpint (g_array_index (inputs, AgvizEdge, 1).src_node_id, ==, x->id);

  /* Inside functions, "node:arg:idx" and argument names resolve. */
  g_clear_pointer (&inputs, g_array_unref);
  agviz_store_list_node_edges (store, matmul->id, &inputs, NULL, &error);
  g_assert_cmpuint (inputs->len, ==, 2);

  if (with_stacks)
    {
      g_autoptr(GPtrArray) frames = NULL;

      assert_stack (store, matmul->stack_id, "48:<module> 36:__call__");
      assert_stack (store, mul->stack_id, "47:<module> 25:branchy");
      assert_stack (store, x->stack_id, "48:<module>");
      frames = agviz_store_get_stack (store, matmul->stack_id, &error);
      g_assert_cmpstr (((AgvizFrame *) g_ptr_array_index (frames, 1))->source_line, ==,
                       "        return tf.matmul(x, self.w)");
      g_assert_cmpint (((AgvizFrame *) g_ptr_array_index (frames, 1))->column, ==, 16);
    }
  else
    g_assert_cmpint (matmul->stack_id, ==, 0);
}

static void
test_graphdef_text (TempFile      *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  AgvizImportStats stats;

  g_assert_true (import_all (fx->path, NULL, FALSE, &stats, &error, "graphdef/demo.pbtxt", NULL));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.traces, ==, 6);
  g_assert_cmpuint (stats.nodes, ==, 26);
  g_assert_cmpuint (stats.edges, ==, 22);
  g_assert_cmpuint (stats.calls, ==, 5);
  g_assert_cmpuint (stats.nodes_with_stacks, ==, 3);
  store = open_store (fx->path);
  check_demo_graph (store, TRUE);
}

static void
test_graphdef_binary_new_debug_layout (TempFile      *fx,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;

  g_assert_true (import_all (fx->path, NULL, FALSE, NULL, &error, "graphdef/demo.pb", NULL));
  g_assert_no_error (error);
  store = open_store (fx->path);
  check_demo_graph (store, TRUE);
}

static void
test_graphdef_binary_old_debug_layout (TempFile      *fx,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  AgvizImportStats stats;
  gboolean tuned = FALSE;

  /* With data set, the same import in a heap tuned for a big one (agviz-import-memory.c;
   * the fixtures are too small to be given one): the GraphDebugInfo loader and the stack
   * writer then share the main thread's malloc arena. */
  if (data != NULL)
    tuned = _agviz_import_memory_begin (((guint64) 8) << 20);
  g_assert_true (import_all (fx->path, NULL, FALSE, &stats, &error, "graphdef/old-layout/demo.pb",
                             NULL));
  g_assert_no_error (error);
  if (tuned)
    _agviz_import_memory_end ();
  g_assert_cmpuint (stats.nodes_with_stacks, ==, 3);
  store = open_store (fx->path);
  check_demo_graph (store, TRUE);
}

static void
test_graphdef_errors (TempFile      *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  AgvizStoreTotals totals;

  g_assert_true (import_all (fx->path, NULL, FALSE, NULL, &error, "graphdef/demo.pbtxt", NULL));

  g_assert_false (import_all (fx->path, NULL, FALSE, NULL, &error, "graphdef/broken.pbtxt", NULL));
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_SYNTAX);
  g_assert_true (g_str_has_suffix (error->message, "broken.pbtxt:4:34: '12x' is not an integer"));
  g_clear_error (&error);

  g_assert_false (import_all (fx->path, NULL, FALSE, NULL, &error, "graphdef/unknown.bin", NULL));
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_UNKNOWN_FORMAT);
  g_assert_nonnull (strstr (error->message, "GraphDef, MetaGraphDef, SavedModel"));
  g_clear_error (&error);

  g_assert_false (import_all (fx->path, NULL, FALSE, NULL, &error, "no/such/file", NULL));
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_MISSING);
  g_clear_error (&error);

  /* The earlier import is untouched by the failed ones. */
  store = open_store (fx->path);
  g_assert_true (agviz_store_get_totals (store, &totals, &error));
  g_assert_cmpint (totals.traces, ==, 6);
  g_assert_cmpint (totals.nodes, ==, 26);
  g_assert_cmpint (totals.errors, ==, 0);
}

/* Imports a file of the test's own making (not a fixture) into @path. */
static gboolean
import_file (const char  *path,
             const char  *source,
             GError     **error)
{
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (path, error);
  g_autoptr(AgvizImporter) importer = NULL;
  gboolean ok;

  if (recorder == NULL)
    return FALSE;
  importer = agviz_importer_new (recorder);
  ok = agviz_importer_import (importer, source, error);
  if (!agviz_recorder_close (recorder, ok ? error : NULL))
    return FALSE;
  return ok;
}

static void
write_file (const char *path,
            const void *data,
            gsize       length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, length, &error);
  g_assert_no_error (error);
}

static void
assert_demo_only (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = open_store (path);
  AgvizStoreTotals totals;

  g_assert_true (agviz_store_get_totals (store, &totals, &error));
  g_assert_cmpint (totals.traces, ==, 6);
  g_assert_cmpint (totals.nodes, ==, 26);
}

/* Binary GraphDefs are unpacked a node at a time, their debug-info stacks when a node asks:
 * damage found late must still name its place and leave the file as it was. */
static void
test_graphdef_damaged_late (TempFile      *fx,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *graph_path = g_build_filename (fx->dir, "damaged.pb", NULL);
  g_autofree char *debug_path = g_build_filename (fx->dir, "damaged.pb.debug", NULL);
  /* A NodeDef whose name claims 127 bytes and has 3, after a good node "a". */
  static const guint8 bad_node[] = { 0x0a, 0x05, 0x0a, 0x7f, 'a', 'b', 'c' };
  AgvizTf__NodeDef node = AGVIZ_TF__NODE_DEF__INIT, next = AGVIZ_TF__NODE_DEF__INIT;
  AgvizTf__NodeDef *nodes[2] = { &node, &next };
  char *inputs[1] = { (char *) "a" };
  AgvizTf__GraphDef graph = AGVIZ_TF__GRAPH_DEF__INIT;
  AgvizTf__GraphDebugInfoEncodedTraces debug = AGVIZ_TF__GRAPH_DEBUG_INFO_ENCODED_TRACES__INIT;
  AgvizTf__GraphDebugInfoEncodedTraces__TracesEntry entry =
    AGVIZ_TF__GRAPH_DEBUG_INFO_ENCODED_TRACES__TRACES_ENTRY__INIT;
  AgvizTf__GraphDebugInfoEncodedTraces__TracesEntry *entries[1] = { &entry };
  /* A StackTrace whose frame claims 127 bytes and has 1. */
  static guint8 bad_stack[] = { 0x0a, 0x7f, 0x08 };
  char *files[1] = { (char *) "model.py" };
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autofree char *expected = NULL;
  guint8 buffer[256];
  gsize length;

  g_assert_true (import_all (fx->path, NULL, FALSE, NULL, &error, "graphdef/demo.pbtxt", NULL));
  g_assert_no_error (error);

  /* Enough of a graph for its format to be told from its first bytes. */
  node.name = (char *) "a";
  node.op = (char *) "Placeholder";
  node.device = (char *) "/job:localhost/replica:0/task:0/device:CPU:0";
  next.name = (char *) "b";
  next.op = (char *) "Identity";
  next.device = node.device;
  next.n_input = 1;
  next.input = inputs;
  graph.n_node = 2;
  graph.node = nodes;
  length = agviz_tf__graph_def__pack (&graph, buffer);
  g_byte_array_append (bytes, buffer, length);
  g_byte_array_append (bytes, bad_node, sizeof bad_node);
  write_file (graph_path, bytes->data, bytes->len);

  g_assert_false (import_file (fx->path, graph_path, &error));
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_PARSE);
  /* The offset in the file: the bad node's name field starts after its own tag and length. */
  expected = g_strdup_printf ("a length larger than what is left at byte offset %u",
                              (guint) length + 2);
  g_assert_nonnull (strstr (error->message, expected));
  g_clear_error (&error);
  assert_demo_only (fx->path);

  /* A good graph whose node's stack is damaged. */
  write_file (graph_path, buffer, length);
  entry.key = (char *) "a@";
  entry.value.data = bad_stack;
  entry.value.len = sizeof bad_stack;
  debug.n_files = 1;
  debug.files = files;
  debug.n_traces = 1;
  debug.traces = entries;
  length = agviz_tf__graph_debug_info_encoded_traces__pack (&debug, buffer);
  write_file (debug_path, buffer, length);

  g_assert_false (import_file (fx->path, graph_path, &error));
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "the stack of a@ does not parse"));
  g_clear_error (&error);
  assert_demo_only (fx->path);

  g_remove (graph_path);
  g_remove (debug_path);
}

/* ---- event files ------------------------------------------------------------------------- */

static void
test_events_logdir (TempFile      *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) functions = NULL;
  g_autoptr(GPtrArray) executions = NULL;
  g_autoptr(GPtrArray) summaries = NULL;
  g_autoptr(AgvizNode) x = NULL;
  AgvizImportStats stats;
  AgvizTrace *train;
  guint step_runs = 0;

  g_assert_true (import_all (fx->path, NULL, FALSE, &stats, &error, "events/logdir", NULL));
  g_assert_no_error (error);
  /* Two runs of the demo graph and its library: the run "train" (graph_def, the same graph
   * again inside meta_graph_def, counted once) and a trace export named "demo_trace". */
  g_assert_cmpuint (stats.traces, ==, 12);
  g_assert_cmpuint (stats.records, ==, 7);
  store = open_store (fx->path);
  functions = agviz_store_list_functions (store, &error);
  train = g_ptr_array_index (find_function (functions, "train")->traces, 0);
  g_assert_cmpint (train->node_count, ==, 6);
  g_assert_cmpint (train->started_ns, ==, G_GINT64_CONSTANT (1700000001000000000));
  g_assert_cmpuint (find_function (functions, "demo_trace")->traces->len, ==, 1);
  g_assert_cmpuint (find_function (functions, "__call__")->traces->len, ==, 2);

  /* Step statistics: one execution per node plus one for the step. */
  executions = agviz_store_list_executions (store, 0, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (executions->len, ==, 4);
  for (guint i = 0; i < executions->len; i++)
    {
      AgvizExecution *execution = g_ptr_array_index (executions, i);

      if (execution->trace_id == train->id)
        {
          step_runs++;
          g_assert_cmpint (execution->duration_ns, ==, 50000);
        }
      else if (g_str_equal (execution->op_type, "StatelessIf"))
        {
          g_assert_cmpint (execution->duration_ns, ==, 40000);
          g_assert_cmpstr (execution->device, ==, "/job:localhost/replica:0/task:0/device:CPU:0");
        }
    }
  g_assert_cmpuint (step_runs, ==, 1);
  x = agviz_store_find_node (store, train->id, "x", &error);
  summaries = agviz_store_list_tensor_summaries (store, x->id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summaries->len, ==, 1);
  g_assert_cmpstr (((AgvizTensorSummary *) g_ptr_array_index (summaries, 0))->shape, ==, "[4,2]");
  g_assert_cmpint (((AgvizTensorSummary *) g_ptr_array_index (summaries, 0))->element_count, ==, 8);
}

static void
test_events_truncated_and_corrupt (TempFile      *fx,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) errors = NULL;
  AgvizStoreTotals totals;
  AgvizRecordedError *warning;

  /* Cut short: everything before is kept, the offset is recorded. */
  g_assert_true (import_all (fx->path, NULL, FALSE, NULL, &error, "events/truncated", NULL));
  g_assert_no_error (error);

  /* A CRC mismatch fails and leaves the file as it was... */
  g_assert_false (import_all (fx->path, NULL, FALSE, NULL, &error, "events/corrupt", NULL));
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "record 5 at byte offset 2741: data CRC mismatch"));
  g_clear_error (&error);

  store = open_store (fx->path);
  g_assert_true (agviz_store_get_totals (store, &totals, &error));
  g_assert_cmpint (totals.traces, ==, 6);
  g_assert_cmpint (totals.errors, ==, 1);
  errors = agviz_store_list_errors (store, &error);
  warning = g_ptr_array_index (errors, 0);
  g_assert_cmpint (warning->origin, ==, AGVIZ_ERROR_ORIGIN_IMPORTER);
  g_assert_nonnull (strstr (warning->message, "record 5 at byte offset 2741 is cut short"));
  g_clear_object (&store);
  g_clear_pointer (&errors, g_ptr_array_unref);

  /* ... unless forced, which skips the damaged record and says so. */
  g_assert_true (import_all (fx->path, NULL, TRUE, NULL, &error, "events/corrupt", NULL));
  g_assert_no_error (error);
  store = open_store (fx->path);
  g_assert_true (agviz_store_get_totals (store, &totals, &error));
  g_assert_cmpint (totals.traces, ==, 12);
  g_assert_cmpint (totals.errors, ==, 2);
}

static void
test_bare_run_metadata (TempFile      *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AgvizImportStats stats;

  g_assert_true (import_all (fx->path, NULL, FALSE, &stats, &error, "events/run_metadata.pb",
                             NULL));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.executions, ==, 3);
}

/* ---- SavedModel -------------------------------------------------------------------------- */

static void
test_saved_model (TempFile      *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) functions = NULL;
  g_autoptr(GHashTable) metadata = NULL;
  g_autoptr(AgvizNode) matmul = NULL;
  GHashTableIter iter;
  gpointer key, value;
  gboolean found = FALSE;

  g_assert_true (import_all (fx->path, NULL, FALSE, NULL, &error, "saved_model/demo_module",
                             "saved_model/text_module", NULL));
  g_assert_no_error (error);
  store = open_store (fx->path);
  functions = agviz_store_list_functions (store, &error);
  /* Named by the object graph: root -> "__call__", root -> "branchy" (bare). */
  g_assert_cmpuint (find_function (functions, "__call__")->traces->len, ==, 2);
  g_assert_cmpuint (find_function (functions, "branchy")->traces->len, ==, 2);
  g_assert_cmpuint (find_function (functions, "demo_module")->traces->len, ==, 1);
  g_assert_cmpuint (find_function (functions, "text_module")->traces->len, ==, 1);
  matmul = node_in (store, "__inference___call___81", "demo_module/MatMul");
  assert_stack (store, matmul->stack_id, "48:<module> 36:__call__");

  metadata = agviz_store_list_metadata (store, &error);
  g_hash_table_iter_init (&iter, metadata);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_str_has_prefix (key, "agviz.saved_model:") && g_str_has_suffix (key, "demo_module"))
      {
        found = TRUE;
        g_assert_nonnull (strstr (value, "\"name\": \"demo_module/w\""));
        g_assert_nonnull (strstr (value, "\"shape\": \"[2,2]\""));
        g_assert_nonnull (strstr (value, "\"serving_default\""));
        g_assert_nonnull (strstr (value, "\"path\": \"__call__\""));
      }
  g_assert_true (found);
}

/* ---- tfdbg2 ------------------------------------------------------------------------------ */

static AgvizTensorSummary *
only_summary (AgvizStore *store,
              gint64      node_id,
              gint64      execution_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) summaries = agviz_store_list_tensor_summaries (store, node_id,
                                                                      execution_id, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (summaries->len, ==, 1);
  return g_ptr_array_steal_index (summaries, 0);
}

static void
test_tfdbg_dump (TempFile      *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) functions = NULL;
  g_autoptr(GPtrArray) executions = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  g_autoptr(AgvizNode) constant = NULL;
  g_autoptr(AgvizNode) truediv = NULL;
  g_autoptr(AgvizNode) matmul = NULL;
  g_autoptr(AgvizNode) cond = NULL;
  g_autoptr(AgvizTensorSummary) health = NULL;
  g_autoptr(AgvizTensorSummary) concise = NULL;
  g_autoptr(AgvizTensorSummary) shape = NULL;
  g_autoptr(AgvizTensorSummary) full = NULL;
  g_autoptr(GHashTable) calls = NULL;
  AgvizFunction *noisy, *step;
  AgvizImportStats stats;
  gint64 divide_execution = 0, eager_execution = 0;

  g_assert_true (import_all (fx->path, NULL, FALSE, &stats, &error, "tfdbg/ok", NULL));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.traces, ==, 12);
  g_assert_cmpuint (stats.nodes, ==, 24);
  g_assert_cmpuint (stats.nodes_with_stacks, ==, 24);
  g_assert_cmpuint (stats.executions, ==, 12);
  g_assert_cmpuint (stats.source_files, ==, 1);

  store = open_store (fx->path);
  functions = agviz_store_list_functions (store, &error);
  noisy = find_function (functions, "noisy");
  step = find_function (functions, "step");
  g_assert_cmpuint (step->traces->len, ==, 3);
  g_assert_cmpstr (((AgvizTrace *) g_ptr_array_index (step->traces, 2))->graph_name, ==,
                   "__inference_step_51");
  /* Traced once, run three times: the frozen-randomness evidence. */
  g_assert_cmpint (((AgvizTrace *) g_ptr_array_index (noisy->traces, 0))->execution_count, ==, 3);
  /* A graph named by its Python name gets its concrete name from its executions. */
  g_assert_cmpstr (((AgvizTrace *) g_ptr_array_index (find_function (functions, "remember")->traces,
                                                      0))->graph_name, ==,
                   "__inference_remember_21");

  constant = node_in (store, "__inference_noisy_11", "Const");
  frames = agviz_store_get_stack (store, constant->stack_id, &error);
  g_assert_cmpuint (frames->len, ==, 2);
  g_assert_cmpstr (((AgvizFrame *) g_ptr_array_index (frames, 0))->function, ==, "<module>");
  g_assert_cmpstr (((AgvizFrame *) g_ptr_array_index (frames, 1))->source_line, ==,
                   "    return np.random.randn(3, 3)");
  g_assert_cmpstr (((AgvizFrame *) g_ptr_array_index (frames, 1))->host, ==, "host");

  /* Nested graphs: the If and the While call their inner graphs. */
  cond = node_in (store, "__inference_branchy_71", "cond");
  calls = agviz_store_list_node_calls (store, cond->id, &error);
  g_assert_cmpstr (g_hash_table_lookup (calls, "then_branch"), ==, "cond_true_72");
  g_assert_cmpstr (g_hash_table_lookup (calls, "else_branch"), ==, "cond_false_73");

  /* The NaN: in the execution's FULL_HEALTH summary and the node's CONCISE_HEALTH trace. */
  executions = agviz_store_list_executions (store, 0, 0, 100, &error);
  for (guint i = 0; i < executions->len; i++)
    {
      AgvizExecution *execution = g_ptr_array_index (executions, i);
      if (execution->op_type != NULL && g_str_equal (execution->op_type, "AddV2"))
        eager_execution = execution->id;
      else if (execution->trace_id != 0 && execution->seq == 9)
        divide_execution = execution->id;
    }
  health = only_summary (store, 0, divide_execution);
  g_assert_cmpint (health->debug_mode, ==, 4);
  g_assert_cmpstr (health->dtype, ==, "float32");
  g_assert_cmpint (health->element_count, ==, 2);
  g_assert_cmpint (health->nan_count, ==, 1);
  g_assert_cmpint (health->pos_finite_count, ==, 1);
  truediv = node_in (store, "__inference_divide_61", "truediv");
  concise = only_summary (store, truediv->id, 0);
  g_assert_cmpint (concise->nan_count, ==, 1);
  g_assert_cmpint (concise->element_count, ==, 2);
  matmul = node_in (store, "__inference___call___81", "demo_module/MatMul");
  shape = only_summary (store, matmul->id, 0);
  g_assert_cmpstr (shape->shape, ==, "[1,2]");
  g_assert_cmpstr (shape->dtype, ==, "float32");
  full = only_summary (store, 0, eager_execution);
  g_assert_cmpint (full->pos_inf_count, ==, 1);
  g_assert_cmpint (full->neg_finite_count, ==, 1);
  g_assert_true (full->has_range);
  g_assert_cmpfloat (full->min, ==, -2);
  g_assert_cmpfloat (full->max, ==, 1);

  events = agviz_store_list_events (store, 0, &error);
  g_assert_cmpuint (events->len, ==, 3);   /* division (twice: execution and node), eager Inf */
  g_assert_cmpint (((AgvizEvent *) g_ptr_array_index (events, 0))->kind, ==, AGVIZ_EVENT_WARNING);
}

static void
test_tfdbg_crash (TempFile      *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) functions = NULL;
  g_autoptr(GPtrArray) errors = NULL;
  g_autoptr(GPtrArray) events = NULL;
  AgvizFunction *make_var;
  AgvizTrace *first, *second;
  AgvizRecordedError *raised;

  g_assert_true (import_all (fx->path, "tfdbg/crash.stderr", FALSE, NULL, &error, "tfdbg/crash",
                             NULL));
  g_assert_no_error (error);
  store = open_store (fx->path);
  functions = agviz_store_list_functions (store, &error);
  make_var = find_function (functions, "make_var");
  g_assert_cmpuint (make_var->traces->len, ==, 2);
  first = g_ptr_array_index (make_var->traces, 0);
  second = g_ptr_array_index (make_var->traces, 1);
  /* The eager context the traces were made in is no function; both traces are placed in the
   * program (def line 39), the second from the first: it died before its body ran. */
  g_assert_cmpuint (functions->len, ==, 1);
  g_assert_cmpint (make_var->line, ==, 39);
  g_assert_cmpint (first->status, ==, AGVIZ_TRACE_STATUS_COMPLETE);
  g_assert_cmpint (first->execution_count, ==, 0);
  g_assert_cmpint (first->node_count, ==, 6);
  /* Everything written before the crash is there; the trace that died is marked. */
  g_assert_cmpint (second->status, ==, AGVIZ_TRACE_STATUS_FAILED);
  g_assert_cmpint (second->node_count, ==, 1);

  errors = agviz_store_list_errors (store, &error);
  g_assert_cmpuint (errors->len, ==, 1);
  raised = g_ptr_array_index (errors, 0);
  g_assert_cmpstr (raised->type, ==, "ValueError");
  /* The error itself, not AutoGraph's "in user code:" heading. */
  g_assert_true (g_str_has_prefix (raised->message, "tf.function only supports singleton"));
  g_assert_cmpint (raised->trace_id, ==, second->id);
  g_assert_nonnull (strstr (raised->traceback, "line 40, in make_var"));
  events = agviz_store_list_events (store, 0, &error);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpint (((AgvizEvent *) g_ptr_array_index (events, 0))->kind, ==, AGVIZ_EVENT_RETRACE);
}

/* ---- several sources --------------------------------------------------------------------- */

static void
test_append (TempFile      *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) functions = NULL;
  AgvizStoreTotals totals;

  g_assert_true (import_all (fx->path, NULL, FALSE, NULL, &error, "graphdef/demo.pbtxt",
                             "tfdbg/ok", NULL));
  g_assert_true (import_all (fx->path, NULL, FALSE, NULL, &error, "graphdef/demo.pb", NULL));
  g_assert_no_error (error);
  store = open_store (fx->path);
  g_assert_true (agviz_store_get_totals (store, &totals, &error));
  g_assert_cmpint (totals.traces, ==, 6 + 12 + 6);
  functions = agviz_store_list_functions (store, &error);
  /* The second import of a graph is the function's next trace. */
  g_assert_cmpuint (find_function (functions, "demo")->traces->len, ==, 2);
  /* The dump places its __call__ in the program (file and def line); the GraphDefs'
   * __inference___call__ (two imports: two traces) carry no location, so nothing says it is
   * the same function. */
  for (guint i = 0; i < functions->len; i++)
    {
      AgvizFunction *function = g_ptr_array_index (functions, i);

      if (g_str_equal (function->name, "__call__"))
        {
          g_assert_cmpint (function->line, ==, (function->file != NULL ? 35 : 0));
          g_assert_cmpuint (function->traces->len, ==, (function->file != NULL ? 1 : 2));
        }
    }
  g_assert_cmpuint (count_traces_named (functions, "__call__"), ==, 3);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *writer = NULL;
  g_autofree char *command = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* Fixtures are written fresh for each run, by the project's own writer. */
  fixture_dir = g_dir_make_tmp ("agviz-tf-fixtures-XXXXXX", NULL);
  writer = g_strdup (g_getenv ("AGVIZ_WRITE_TF_FIXTURES"));
  g_assert_nonnull (writer);
  command = g_strdup_printf ("'%s' '%s'", writer, fixture_dir);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));

#define ADD(path, func) g_test_add (path, TempFile, NULL, temp_file_setup, func, temp_file_teardown)
  ADD ("/agviz/import/graphdef/text", test_graphdef_text);
  ADD ("/agviz/import/graphdef/binary-new-debug-layout", test_graphdef_binary_new_debug_layout);
  ADD ("/agviz/import/graphdef/binary-old-debug-layout", test_graphdef_binary_old_debug_layout);
  g_test_add ("/agviz/import/graphdef/tuned-heap", TempFile, "tuned", temp_file_setup,
              test_graphdef_binary_old_debug_layout, temp_file_teardown);
  ADD ("/agviz/import/graphdef/errors-leave-file", test_graphdef_errors);
  ADD ("/agviz/import/graphdef/damaged-late", test_graphdef_damaged_late);
  ADD ("/agviz/import/events/logdir", test_events_logdir);
  ADD ("/agviz/import/events/truncated-corrupt", test_events_truncated_and_corrupt);
  ADD ("/agviz/import/events/bare-run-metadata", test_bare_run_metadata);
  ADD ("/agviz/import/saved-model", test_saved_model);
  ADD ("/agviz/import/tfdbg/dump", test_tfdbg_dump);
  ADD ("/agviz/import/tfdbg/crash", test_tfdbg_crash);
  ADD ("/agviz/import/append", test_append);
#undef ADD

  status = g_test_run ();
  {
    g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", fixture_dir);
    g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
  }
  g_free (fixture_dir);
  return status;
}
