/* test-recorder-store.c: every table goes through the recorder and comes back from the store */
#include "config.h"

#include <glib/gstdio.h>

#include "agviz-core.h"

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

  fx->dir = g_dir_make_tmp ("agviz-test-XXXXXX", &error);
  g_assert_no_error (error);
  fx->path = g_build_filename (fx->dir, "graph.db", NULL);
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

static void
test_round_trip_graph (TempFile      *fx,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (fx->path, &error);
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) functions = NULL;
  g_autoptr(AgvizNode) node = NULL;
  g_autoptr(GPtrArray) scopes = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GArray) inputs = NULL;
  g_autoptr(GArray) outputs = NULL;
  gint64 fn, trace, a, b, c;
  AgvizFunction *function;
  AgvizTrace *trace_info;

  g_assert_no_error (error);
  fn = agviz_recorder_add_function (recorder, "f", 0, 0, &error);
  g_assert_no_error (error);
  trace = agviz_recorder_begin_trace (recorder, fn, "__inference_f_1", "x: float32[]", "first call",
                                      &error);
  g_assert_no_error (error);
  a = agviz_recorder_add_node (recorder, trace, "x", "Placeholder", NULL, NULL, 0, &error);
  g_assert_no_error (error);
  b = agviz_recorder_add_node (recorder, trace, "model/dense/MatMul", "MatMul", "/device:CPU:0",
                               NULL, 0, &error);
  g_assert_no_error (error);
  c = agviz_recorder_add_node (recorder, trace, "model/dense", "Identity", NULL, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_true (agviz_recorder_add_edge (recorder, trace, a, 0, b, 0, &error));
  g_assert_true (agviz_recorder_add_edge (recorder, trace, b, 0, c, 0, &error));
  g_assert_true (agviz_recorder_add_edge (recorder, trace, a, -1, c, 1, &error));
  g_assert_true (agviz_recorder_end_trace (recorder, trace, AGVIZ_TRACE_STATUS_COMPLETE, 42, &error));
  g_assert_no_error (error);
  g_assert_true (agviz_recorder_close (recorder, &error));

  store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  functions = agviz_store_list_functions (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (functions->len, ==, 1);
  function = g_ptr_array_index (functions, 0);
  g_assert_cmpstr (function->name, ==, "f");
  g_assert_cmpuint (function->traces->len, ==, 1);
  trace_info = g_ptr_array_index (function->traces, 0);
  g_assert_cmpint (trace_info->ordinal, ==, 1);
  g_assert_cmpstr (trace_info->graph_name, ==, "__inference_f_1");
  g_assert_cmpstr (trace_info->signature, ==, "x: float32[]");
  g_assert_cmpstr (trace_info->reason, ==, "first call");
  g_assert_cmpint (trace_info->status, ==, AGVIZ_TRACE_STATUS_COMPLETE);
  g_assert_cmpint (trace_info->wall_ns, ==, 42);
  g_assert_cmpint (trace_info->node_count, ==, 3);
  g_assert_cmpint (trace_info->edge_count, ==, 3);

  node = agviz_store_find_node (store, trace, "model/dense/MatMul", &error);
  g_assert_no_error (error);
  g_assert_cmpint (node->id, ==, b);
  g_assert_cmpstr (node->op_type, ==, "MatMul");
  g_assert_cmpstr (node->device, ==, "/device:CPU:0");

  /* A node named like a scope lives beside it. */
  g_assert_true (agviz_store_list_scope_children (store, trace_info->root_scope_id, &scopes, &nodes,
                                                  &error));
  g_assert_no_error (error);
  g_assert_cmpuint (scopes->len, ==, 1);
  g_assert_cmpstr (((AgvizScope *) g_ptr_array_index (scopes, 0))->full_name, ==, "model");
  g_assert_cmpint (((AgvizScope *) g_ptr_array_index (scopes, 0))->descendant_count, ==, 2);
  g_assert_cmpuint (nodes->len, ==, 1);
  g_assert_cmpstr (((AgvizNode *) g_ptr_array_index (nodes, 0))->name, ==, "x");

  g_assert_true (agviz_store_list_node_edges (store, c, &inputs, &outputs, &error));
  g_assert_cmpuint (inputs->len, ==, 2);
  g_assert_cmpint (g_array_index (inputs, AgvizEdge, 0).src_node_id, ==, b);
  g_assert_cmpint (g_array_index (inputs, AgvizEdge, 1).src_output, ==, -1);
  g_assert_cmpuint (outputs->len, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/agviz/store/round-trip/graph", TempFile, NULL, temp_file_setup,
              test_round_trip_graph, temp_file_teardown);

  return g_test_run ();
}
