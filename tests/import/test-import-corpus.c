/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-import-corpus.c: real files TensorFlow (and PyTorch's TensorBoard writer) wrote, from
 * ../shared/corpus, imported with exact counts and a few known names per source.  Skips,
 * saying so, when the corpus is absent (AGVIZ_CORPUS_DIR). */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "agviz-core.h"
#include "agviz-debug-info.h"
#include "agviz-importer.h"

typedef struct
{
  const char *path;             /* below the corpus folder */
  guint64     traces;
  guint64     nodes;
  guint64     edges;
  guint64     calls;
  guint64     with_stacks;
  guint64     executions;
  const char *graph;            /* a trace's graph name ... */
  const char *node;             /* ... one of its nodes ... */
  const char *op;               /* ... and that node's op type */
  const char *function;         /* a function name the import must produce, or NULL */
  const char *warning;          /* a substring of an importer warning, or NULL */
} CorpusCase;

static const CorpusCase cases[] = {
  { "01_savedmodel_java/saved_model_using_python", 14, 106, 96, 12, 0, 0,
    "saved_model_using_python", "StatefulPartitionedCall", "StatefulPartitionedCall",
    "signatures.add", NULL },
  { "01_savedmodel_serving/counter_tf1", 1, 30, 35, 0, 0, 0,
    "counter_tf1", "counter/read", "Identity", NULL, NULL },
  { "01_savedmodel_serving/half_plus_two_gpu_trt", 1, 78, 99, 0, 0, 0,
    "half_plus_two_gpu_trt", "a", "VariableV2", NULL, NULL },
  { "01_savedmodel_serving/half_plus_two_mkl", 1, 163, 210, 0, 0, 0,
    "half_plus_two_mkl", "y", "Identity", NULL, NULL },
  { "01_savedmodel_serving/half_plus_two_tf1_cpu", 1, 74, 94, 0, 0, 0,
    "half_plus_two_tf1_cpu", "a", "VariableV2", NULL, NULL },
  { "01_savedmodel_serving/half_plus_two_tf2_cpu", 15, 210, 241, 14, 0, 0,
    "__inference_regress_xy_115", "Mul", "Mul", "regress_xy", NULL },
  { "01_savedmodel_serving/matrix_half_plus_two", 1, 6, 4, 0, 0, 0,
    "matrix_half_plus_two", "y", "Add", NULL, NULL },
  { "01_savedmodel_tf_testdata_2020/cc/saved_model/testdata/half_plus_two/00000123", 1, 65, 79,
    0, 0, 0, "half_plus_two", "y", "Add", NULL, NULL },
  { "01_savedmodel_tf_testdata_2020/cc/saved_model/testdata/half_plus_two_pbtxt/00000123", 1, 65,
    79, 0, 0, 0, "half_plus_two_pbtxt", "y", "Add", NULL, NULL },
  { "01_savedmodel_tf_testdata_2020/cc/saved_model/testdata/half_plus_two_v2/00000123", 1, 70, 87,
    0, 0, 0, "half_plus_two_v2", "y", "Identity", NULL, NULL },
  { "01_savedmodel_tf_testdata_2020/contrib/predictor/test_export_dir", 1, 55, 63, 0, 0, 0,
    "test_export_dir", NULL, NULL, NULL, NULL },
  { "01_savedmodel_tf_testdata_2020/contrib/session_bundle/testdata/half_plus_two/00000123/export.meta",
    1, 57, 66, 0, 0, 0, "export", "y", "Add", NULL, NULL },
  /* A text MetaGraphDef despite its .pb name. */
  { "01_savedmodel_tf_testdata_2020/python/framework/testdata/metrics_export_meta_graph.pb", 1, 35,
    39, 0, 0, 0, "metrics_export_meta_graph", NULL, NULL, NULL, NULL },
  { "02_events_keras_tensorboard_callback", 5, 228, 298, 4, 0, 0,
    "train", "sequential/dense/MatMul", "MatMul", "_update_step_xla", NULL },
  { "02_events_pytorch_add_graph/cifar10_seq", 1, 51, 115, 0, 0, 0,
    "cifar10_seq", "Model/Sequential[model]/Conv2d[0]/190", "prim::Constant", NULL,
    "10 inputs name nodes that are not in the graph" },
  { "02_events_tf1_morvan/dqn_TRUNCATED_last_record", 1, 228, 305, 0, 0, 0,
    "dqn_TRUNCATED_last_record", NULL, NULL, NULL,
    "record 3 at byte offset 49174 is cut short" },
  { "02_events_tf1_morvan/rnn_2016_tf0.10", 1, 634, 1005, 0, 0, 0,
    "rnn_2016_tf0.10", NULL, NULL, NULL, NULL },
  /* graph_def and meta_graph_def hold the same graph: imported once. */
  { "02_events_tf1_morvan/rnn_2017", 1, 601, 914, 0, 0, 0, "rnn_2017", NULL, NULL, NULL, NULL },
  { "02_events_tf1_morvan/tf15_tensorboard", 1, 143, 200, 0, 0, 0,
    "tf15_tensorboard", "layer1/weights/random_normal/RandomStandardNormal",
    "RandomStandardNormal", NULL, NULL },
  { "02_events_trace_export_bfcnn/resnet_1x5", 1, 222, 295, 0, 0, 0,
    "denoising_module", "normalize/lambda/clip_by_value/Minimum", "Minimum", NULL, NULL },
  { "02_runmetadata_tfprof_testdata/run_meta", 0, 0, 0, 0, 0, 54, NULL, NULL, NULL, NULL, NULL },
  { "02_runmetadata_tfprof_testdata/graph.pbtxt", 1, 31, 31, 0, 0, 0, "graph", NULL, NULL, NULL,
    NULL },
  { "02_runmetadata_tfprof_testdata/ckpt.meta", 1, 49, 57, 0, 0, 0, "ckpt", NULL, NULL, NULL,
    NULL },
  { "04_graphdef_pbtxt/graphdef2mlir_2020/functional-if-ops.pbtxt", 3, 15, 16, 4, 0, 0,
    "cond_true", "cond_true", "_Arg", "cond_true", NULL },
  { "04_graphdef_pbtxt/graphdef2mlir_2020/functional-while-ops.pbtxt", 3, 18, 15, 4, 0, 0,
    NULL, NULL, NULL, NULL, NULL },
  { "04_graphdef_pbtxt/graphdef2mlir_2020/graph-function-defs.pbtxt", 3, 31, 30, 2, 0, 0,
    NULL, NULL, NULL, NULL, NULL },
  { "04_graphdef_pbtxt/graphdef2mlir_2020/graph-while-loop.pbtxt", 1, 12, 15, 0, 0, 0,
    NULL, NULL, NULL, NULL, NULL },
  { "04_graphdef_pbtxt/graphdef2mlir_recent/error-message-with-source-info.pbtxt", 1, 3, 2, 0, 3,
    0, "error-message-with-source-info", "x_y_sum", "Add", NULL, NULL },
  { "04_graphdef_pbtxt/graphdef2mlir_recent/node-locations.pbtxt", 2, 4, 0, 1, 0, 0,
    "node-locations", "fused_node_outside_function", "Const", "foo", NULL },
  { "04_graphdef_pbtxt/grappler/loops_and_resource_vars.pbtxt", 1, 46, 59, 0, 0, 0,
    NULL, NULL, NULL, NULL, NULL },
  { "04_graphdef_pbtxt/grappler/nested_loop.pbtxt", 1, 41, 55, 0, 0, 0, NULL, NULL, NULL, NULL,
    NULL },
  { "04_graphdef_pbtxt/large/lstm_layer_inference.pbtxt", 1, 312, 370, 0, 0, 0,
    NULL, NULL, NULL, NULL, NULL },
  { "04_graphdef_pbtxt/tensorboard_demo/graph_xla_clusters.pbtxt", 1, 118, 150, 0, 0, 0,
    NULL, NULL, NULL, NULL, NULL },
  { "04_graphdef_pbtxt/tflite_debuginfo/v1_1.0_224_frozen.wrong_attr.line.part.pbtxt", 1, 13, 12,
    0, 13, 0, "v1_1.0_224_frozen.wrong_attr.line.part", "MobilenetV1/Conv2d_0/BatchNorm/beta",
    "Const", NULL, NULL },
  { "04_graphdef_pbtxt/tflite_debuginfo/v1_1.0_224_frozen.wrong_attr.stack.part.pbtxt", 1, 13, 12,
    0, 13, 0, NULL, NULL, NULL, NULL, NULL },
};

static const char *corpus;

static gboolean
corpus_present (void)
{
  if (corpus != NULL && g_file_test (corpus, G_FILE_TEST_IS_DIR))
    return TRUE;
  /* CI always has the corpus beside the clone: a skip there would hide a broken set-up. */
  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    g_error ("the real-file corpus is absent under CI (AGVIZ_CORPUS_DIR=%s)", corpus);
  g_test_skip ("the real-file corpus is absent (set AGVIZ_CORPUS_DIR to ../shared/corpus)");
  return FALSE;
}

static void
test_corpus_case (gconstpointer data)
{
  const CorpusCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *source = NULL;
  g_autoptr(AgvizRecorder) recorder = NULL;
  g_autoptr(AgvizImporter) importer = NULL;
  g_autoptr(AgvizStore) store = NULL;
  const AgvizImportStats *stats;
  GPtrArray *warnings;

  if (!corpus_present ())
    return;

  dir = g_dir_make_tmp ("agviz-corpus-XXXXXX", &error);
  db = g_build_filename (dir, "trace.db", NULL);
  source = g_build_filename (corpus, c->path, NULL);
  recorder = agviz_recorder_open (db, &error);
  g_assert_no_error (error);
  importer = agviz_importer_new (recorder);
  g_assert_true (agviz_importer_import (importer, source, &error));
  g_assert_no_error (error);
  g_assert_true (agviz_recorder_close (recorder, &error));

  stats = agviz_importer_get_stats (importer);
  g_assert_cmpuint (stats->traces, ==, c->traces);
  g_assert_cmpuint (stats->nodes, ==, c->nodes);
  g_assert_cmpuint (stats->edges, ==, c->edges);
  g_assert_cmpuint (stats->calls, ==, c->calls);
  g_assert_cmpuint (stats->nodes_with_stacks, ==, c->with_stacks);
  g_assert_cmpuint (stats->executions, ==, c->executions);

  warnings = agviz_importer_get_warnings (importer);
  if (c->warning != NULL)
    {
      gboolean found = FALSE;
      for (guint i = 0; i < warnings->len; i++)
        found |= strstr (g_ptr_array_index (warnings, i), c->warning) != NULL;
      g_assert_true (found);
    }

  store = agviz_store_open (db, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  if (c->graph != NULL)
    {
      g_autoptr(AgvizTrace) trace = agviz_store_find_trace (store, c->graph, &error);

      g_assert_no_error (error);
      if (c->node != NULL)
        {
          g_autoptr(AgvizNode) node = agviz_store_find_node (store, trace->id, c->node, &error);

          g_assert_no_error (error);
          g_assert_cmpstr (node->op_type, ==, c->op);
        }
    }
  if (c->function != NULL)
    {
      g_autoptr(GPtrArray) functions = agviz_store_list_functions (store, &error);
      gboolean found = FALSE;

      for (guint i = 0; i < functions->len; i++)
        found |= g_str_equal (((AgvizFunction *) g_ptr_array_index (functions, i))->name,
                              c->function);
      g_assert_true (found);
    }

  g_clear_object (&store);
  g_clear_object (&recorder);
  {
    const char *suffixes[] = { "", "-wal", "-shm" };
    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *file = g_strconcat (db, suffixes[i], NULL);
        g_remove (file);
      }
    g_rmdir (dir);
  }
}

/* Old-layout text stacks point at a source file shipped beside them: frames and text. */
static void
test_text_debug_info_source (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *source = NULL;
  g_autoptr(AgvizRecorder) recorder = NULL;
  g_autoptr(AgvizImporter) importer = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(AgvizTrace) trace = NULL;
  g_autoptr(AgvizNode) node = NULL;
  g_autoptr(GPtrArray) frames = NULL;

  if (!corpus_present ())
    return;
  dir = g_dir_make_tmp ("agviz-corpus-XXXXXX", &error);
  db = g_build_filename (dir, "trace.db", NULL);
  source = g_build_filename (corpus, "04_graphdef_pbtxt/graphdef2mlir_recent/"
                             "error-message-with-source-info.pbtxt", NULL);
  recorder = agviz_recorder_open (db, &error);
  importer = agviz_importer_new (recorder);
  g_assert_true (agviz_importer_import (importer, source, &error));
  g_assert_no_error (error);
  g_assert_true (agviz_recorder_close (recorder, &error));

  store = agviz_store_open (db, AGVIZ_STORE_FLAGS_NONE, &error);
  trace = agviz_store_find_trace (store, "error-message-with-source-info", &error);
  node = agviz_store_find_node (store, trace->id, "x_y_sum", &error);
  g_assert_no_error (error);
  frames = agviz_store_get_stack (store, node->stack_id, &error);
  g_assert_no_error (error);
  /* Stored innermost first in the old layout: line 3 made the op, line 4 called it. */
  g_assert_cmpuint (frames->len, ==, 2);
  g_assert_cmpint (((AgvizFrame *) g_ptr_array_index (frames, 0))->line, ==, 4);
  g_assert_cmpstr (((AgvizFrame *) g_ptr_array_index (frames, 0))->source_line, ==,
                   "  build_graph(out_dir)");
  g_assert_cmpint (((AgvizFrame *) g_ptr_array_index (frames, 1))->line, ==, 3);
  g_assert_cmpstr (((AgvizFrame *) g_ptr_array_index (frames, 1))->source_line, ==,
                   "  math_ops.add(x, y, name='x_y_sum')");

  g_clear_object (&store);
  {
    const char *suffixes[] = { "", "-wal", "-shm" };
    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *file = g_strconcat (db, suffixes[i], NULL);
        g_remove (file);
      }
    g_rmdir (dir);
  }
}

/* The new binary layout of TF 2.16: frames outermost first, shared through traces_by_id. */
static void
test_new_layout_debug_info (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autoptr(AgvizDebugInfo) info = NULL;
  g_autoptr(AgvizRecorder) recorder = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  gint64 stack_id;
  AgvizFrame *outer, *inner;

  if (!corpus_present ())
    return;
  path = g_build_filename (corpus, "01_debuginfo_bm-v1/saved_model/debug/"
                           "saved_model_debug_info.pb", NULL);
  info = agviz_debug_info_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agviz_debug_info_get_n_keys (info), ==, 8558);

  dir = g_dir_make_tmp ("agviz-corpus-XXXXXX", &error);
  db = g_build_filename (dir, "trace.db", NULL);
  recorder = agviz_recorder_open (db, &error);
  stack_id = agviz_debug_info_get_stack (info, recorder, "10001",
                                         "__inference_signature_wrapper_10639", &error);
  g_assert_no_error (error);
  g_assert_cmpint (stack_id, >, 0);
  g_assert_cmpint (agviz_debug_info_get_stack (info, recorder, "no-such-node", NULL, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_true (agviz_recorder_close (recorder, &error));

  store = agviz_store_open (db, AGVIZ_STORE_FLAGS_NONE, &error);
  frames = agviz_store_get_stack (store, stack_id, &error);
  g_assert_no_error (error);
  outer = g_ptr_array_index (frames, 0);
  inner = g_ptr_array_index (frames, frames->len - 1);
  g_assert_cmpstr (outer->function, ==, "<module>");
  g_assert_cmpint (outer->line, ==, 149);
  g_assert_true (g_str_has_suffix (outer->file, "bm-v1/utils/sagemaker_deploy.py"));
  g_assert_cmpstr (inner->function, !=, "<module>");

  g_clear_object (&store);
  {
    const char *suffixes[] = { "", "-wal", "-shm" };
    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *file = g_strconcat (db, suffixes[i], NULL);
        g_remove (file);
      }
    g_rmdir (dir);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  corpus = g_getenv ("AGVIZ_CORPUS_DIR");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/agviz/import/corpus/%s", cases[i].path);
      g_test_add_data_func (name, &cases[i], test_corpus_case);
    }
  g_test_add_func ("/agviz/import/corpus/text-debug-info-source", test_text_debug_info_source);
  g_test_add_func ("/agviz/import/corpus/new-layout-debug-info", test_new_layout_debug_info);
  return g_test_run ();
}
