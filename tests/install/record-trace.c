/* SPDX-License-Identifier: GPL-3.0-or-later */
/* record-trace.c: a program outside agviz, built against the installed libagviz-1
 *
 *   record-trace FILE
 *
 * Records one function with one trace (a dense layer of four ops) and one call of it into FILE,
 * then reads the file back through AgvizStore, using only what agviz.h declares.  Exits 1 naming
 * the call that failed.  check-installed-library.py builds it with
 * `pkg-config --cflags --libs agviz-1` and compares what it wrote with `agviz info --json`.
 */
#include <agviz.h>

#include <stdio.h>
#include <stdlib.h>

static void
fail_if_error (const char   *call,
               const GError *error)
{
  if (error == NULL)
    return;
  fprintf (stderr, "record-trace: %s: %s\n", call, error->message);
  exit (EXIT_FAILURE);
}

static void
record (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (path, &error);
  AgvizExecution call = { 0 };
  gint64 file, frame, stack, function, trace, x, matmul, bias_add, relu;

  fail_if_error ("agviz_recorder_open", error);
  agviz_recorder_set_metadata (recorder, "producer", "record-trace (installed libagviz-1)", &error);
  fail_if_error ("agviz_recorder_set_metadata", error);

  file = agviz_recorder_add_file (recorder, NULL, "/src/model.py", &error);
  fail_if_error ("agviz_recorder_add_file", error);
  agviz_recorder_set_file_text (recorder, file, "def dense(x):\n  return relu(x @ w + b)\n", -1,
                                &error);
  fail_if_error ("agviz_recorder_set_file_text", error);
  frame = agviz_recorder_add_frame (recorder, file, 2, 2, "dense", &error);
  fail_if_error ("agviz_recorder_add_frame", error);
  stack = agviz_recorder_add_stack (recorder, &frame, 1, &error);
  fail_if_error ("agviz_recorder_add_stack", error);

  function = agviz_recorder_add_function (recorder, "dense", file, 1, &error);
  fail_if_error ("agviz_recorder_add_function", error);
  trace = agviz_recorder_begin_trace (recorder, function, "__inference_dense_7",
                                      "x: TensorSpec(shape=(None, 3), dtype=tf.float32)",
                                      "first call", &error);
  fail_if_error ("agviz_recorder_begin_trace", error);
  x = agviz_recorder_add_node (recorder, trace, "x", "Placeholder", NULL, NULL, 0, &error);
  fail_if_error ("agviz_recorder_add_node", error);
  matmul = agviz_recorder_add_node (recorder, trace, "dense/MatMul", "MatMul", "/device:CPU:0",
                                    g_variant_new_parsed ("{'transpose_a': <false>}"), stack,
                                    &error);
  fail_if_error ("agviz_recorder_add_node", error);
  bias_add = agviz_recorder_add_node (recorder, trace, "dense/BiasAdd", "BiasAdd",
                                      "/device:CPU:0", NULL, stack, &error);
  fail_if_error ("agviz_recorder_add_node", error);
  relu = agviz_recorder_add_node (recorder, trace, "dense/Relu", "Relu", "/device:CPU:0", NULL,
                                  stack, &error);
  fail_if_error ("agviz_recorder_add_node", error);
  agviz_recorder_add_edge (recorder, trace, x, 0, matmul, 0, &error);
  fail_if_error ("agviz_recorder_add_edge", error);
  agviz_recorder_add_edge (recorder, trace, matmul, 0, bias_add, 0, &error);
  fail_if_error ("agviz_recorder_add_edge", error);
  agviz_recorder_add_edge (recorder, trace, bias_add, 0, relu, 0, &error);
  fail_if_error ("agviz_recorder_add_edge", error);
  agviz_recorder_end_trace (recorder, trace, AGVIZ_TRACE_STATUS_COMPLETE, 2500000, &error);
  fail_if_error ("agviz_recorder_end_trace", error);

  call.trace_id = trace;
  call.start_ns = 1700000000000000000;
  call.duration_ns = 180000;
  agviz_recorder_add_execution (recorder, &call, &error);
  fail_if_error ("agviz_recorder_add_execution", error);

  agviz_recorder_close (recorder, &error);
  fail_if_error ("agviz_recorder_close", error);
}

/* Reads back what record() wrote, through the records and their free functions. */
static void
read_back (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) functions = NULL;
  g_autoptr(AgvizNode) relu = NULL;
  AgvizStoreTotals totals;
  AgvizTrace *trace;

  if (!agviz_trace_file_is_sqlite (path))
    {
      fprintf (stderr, "record-trace: %s is not a SQLite file\n", path);
      exit (EXIT_FAILURE);
    }
  store = agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, &error);
  fail_if_error ("agviz_store_open", error);
  agviz_store_get_totals (store, &totals, &error);
  fail_if_error ("agviz_store_get_totals", error);
  functions = agviz_store_list_functions (store, &error);
  fail_if_error ("agviz_store_list_functions", error);
  if (functions->len != 1 || ((AgvizFunction *) functions->pdata[0])->traces->len != 1)
    {
      fprintf (stderr, "record-trace: expected one function with one trace\n");
      exit (EXIT_FAILURE);
    }
  trace = ((AgvizFunction *) functions->pdata[0])->traces->pdata[0];
  relu = agviz_store_find_node (store, trace->id, "dense/Relu", &error);
  fail_if_error ("agviz_store_find_node", error);

  printf ("%s: %" G_GINT64_FORMAT " nodes, %" G_GINT64_FORMAT " edges, %" G_GINT64_FORMAT
          " executions; trace %s %s; dense/Relu is a %s\n",
          path, totals.nodes, totals.edges, totals.executions, trace->graph_name,
          agviz_trace_status_to_string (trace->status), relu->op_type);
}

int
main (int   argc,
      char *argv[])
{
  if (argc != 2)
    {
      fprintf (stderr, "usage: record-trace FILE\n");
      return 2;
    }
  record (argv[1]);
  read_back (argv[1]);
  return EXIT_SUCCESS;
}
