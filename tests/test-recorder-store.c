/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-recorder-store.c: every table goes through the recorder and comes back from the store */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "agviz-core.h"
#include "temp-trace-file.h"

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


static void
test_round_trip_everything (TempFile      *fx,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (fx->path, &error);
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  g_autoptr(GPtrArray) executions = NULL;
  g_autoptr(GPtrArray) summaries = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) errors = NULL;
  g_autoptr(GHashTable) calls = NULL;
  g_autoptr(AgvizNode) node = NULL;
  g_autoptr(GBytes) text = NULL;
  g_autofree char *producer = NULL;
  const char source[] = "import tensorflow as tf\n\n@tf.function\ndef f(x):\n    return x + 1\r\nf(1)\n";
  gint64 file, frame_outer, frame_inner, frame_other, stack, stack2, fn, trace, a, b, exec, eager;
  gint64 frame_ids[2];
  GVariantBuilder attrs;
  AgvizTensorSummary summary;
  AgvizExecution execution = { 0 };
  AgvizEvent event = { .kind = AGVIZ_EVENT_VARIABLE_CREATED, .message = (char *) "made v",
                       .detail = (char *) "v:0 float32 []" };
  AgvizRecordedError recorded = { .type = (char *) "ValueError", .message = (char *) "boom",
                                  .traceback = (char *) "Traceback ...\nValueError: boom\n" };
  AgvizTensorSummary *s;
  AgvizExecution *x;
  AgvizFrame *frame;
  AgvizEvent *e;
  AgvizRecordedError *r;
  int value;

  g_assert_no_error (error);
  g_assert_true (agviz_recorder_set_metadata (recorder, "producer", "tensorflow 2.16.1", &error));

  file = agviz_recorder_add_file (recorder, "host-a", "/src/model.py", &error);
  g_assert_no_error (error);
  g_assert_cmpint (agviz_recorder_add_file (recorder, "host-a", "/src/model.py", NULL), ==, file);
  g_assert_cmpint (agviz_recorder_add_file (recorder, "host-b", "/src/model.py", NULL), !=, file);
  g_assert_true (agviz_recorder_set_file_text (recorder, file, source, -1, &error));

  frame_outer = agviz_recorder_add_frame (recorder, file, 6, 0, "<module>", &error);
  frame_inner = agviz_recorder_add_frame (recorder, file, 5, 4, "f", &error);
  frame_other = agviz_recorder_add_frame (recorder, file, 4, 0, "f", &error);
  g_assert_no_error (error);
  g_assert_cmpint (agviz_recorder_add_frame (recorder, file, 5, 4, "f", NULL), ==, frame_inner);

  frame_ids[0] = frame_outer;
  frame_ids[1] = frame_inner;
  stack = agviz_recorder_add_stack (recorder, frame_ids, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (agviz_recorder_add_stack (recorder, frame_ids, 2, NULL), ==, stack);
  frame_ids[1] = frame_other;
  stack2 = agviz_recorder_add_stack (recorder, frame_ids, 2, &error);
  g_assert_cmpint (stack2, !=, stack);

  fn = agviz_recorder_add_function (recorder, "f", file, 4, &error);
  g_assert_no_error (error);
  trace = agviz_recorder_begin_trace (recorder, fn, "__inference_f_7", "x: int", "first call", &error);
  g_assert_no_error (error);
  g_assert_true (agviz_recorder_set_trace_start (recorder, trace, 1234, &error));

  g_variant_builder_init (&attrs, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&attrs, "{sv}", "T", g_variant_new_string ("float32"));
  g_variant_builder_add (&attrs, "{sv}", "N", g_variant_new_int64 (3));
  a = agviz_recorder_add_node (recorder, trace, "x", "Placeholder", NULL, NULL, 0, &error);
  b = agviz_recorder_add_node (recorder, trace, "call", "StatefulPartitionedCall", "/device:GPU:0",
                               g_variant_builder_end (&attrs), stack, &error);
  g_assert_no_error (error);
  g_assert_cmpint (agviz_recorder_find_node (recorder, trace, "call", &error), ==, b);
  g_assert_cmpint (agviz_recorder_find_node (recorder, trace, "nope/call", &error), ==, 0);
  g_assert_no_error (error);
  g_assert_true (agviz_recorder_add_edge (recorder, trace, a, 0, b, 0, &error));
  g_assert_true (agviz_recorder_add_call (recorder, trace, b, "f", "__inference_g_9", &error));
  g_assert_true (agviz_recorder_end_trace (recorder, trace, AGVIZ_TRACE_STATUS_FAILED, -1, &error));

  execution.trace_id = trace;
  execution.start_ns = 100;
  execution.duration_ns = 50;
  execution.device = "/device:GPU:0";
  execution.stack_id = stack;
  exec = agviz_recorder_add_execution (recorder, &execution, &error);
  g_assert_no_error (error);
  execution = (AgvizExecution) { .op_type = "AddV2", .start_ns = 200, .duration_ns = 5,
                                 .failed = TRUE };
  eager = agviz_recorder_add_execution (recorder, &execution, &error);
  g_assert_no_error (error);

  agviz_tensor_summary_init (&summary);
  summary.execution_id = exec;
  summary.node_id = b;
  summary.output_slot = 1;
  summary.debug_mode = 4;
  summary.dtype = (char *) "float32";
  summary.shape = (char *) "[2,3]";
  summary.element_count = 6;
  summary.nan_count = 2;
  summary.has_range = TRUE;
  summary.min = -1.5;
  summary.max = 3.0;
  summary.mean = 0.25;
  agviz_recorder_add_tensor_summary (recorder, &summary, &error);
  g_assert_no_error (error);

  event.function_id = fn;
  event.trace_id = trace;
  event.node_id = b;
  event.stack_id = stack;
  event.wall_ns = 77;
  agviz_recorder_add_event (recorder, &event, &error);
  g_assert_no_error (error);
  recorded.trace_id = trace;
  recorded.execution_id = eager;
  recorded.origin = AGVIZ_ERROR_ORIGIN_IMPORTER;
  agviz_recorder_add_error (recorder, &recorded, &error);
  g_assert_no_error (error);
  g_assert_true (agviz_recorder_close (recorder, &error));

  store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  producer = agviz_store_get_metadata (store, "producer", &error);
  g_assert_cmpstr (producer, ==, "tensorflow 2.16.1");

  node = agviz_store_get_node (store, b, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (node->name, ==, "call");
  g_assert_cmpint (node->trace_id, ==, trace);
  g_assert_cmpint (node->stack_id, ==, stack);
  g_assert_nonnull (node->attrs);
  g_assert_true (g_variant_lookup (node->attrs, "N", "x", (gint64 *) &value) || TRUE);
  {
    const char *dtype = NULL;
    gint64 n = 0;
    g_assert_true (g_variant_lookup (node->attrs, "T", "&s", &dtype));
    g_assert_cmpstr (dtype, ==, "float32");
    g_assert_true (g_variant_lookup (node->attrs, "N", "x", &n));
    g_assert_cmpint (n, ==, 3);
  }

  calls = agviz_store_list_node_calls (store, b, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (calls, "f"), ==, "__inference_g_9");

  frames = agviz_store_get_stack (store, stack, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (frames->len, ==, 2);
  frame = g_ptr_array_index (frames, 0);
  g_assert_cmpstr (frame->file, ==, "/src/model.py");
  g_assert_cmpstr (frame->host, ==, "host-a");
  g_assert_cmpint (frame->line, ==, 6);
  g_assert_cmpstr (frame->function, ==, "<module>");
  g_assert_cmpstr (frame->source_line, ==, "f(1)");
  frame = g_ptr_array_index (frames, 1);
  g_assert_cmpint (frame->line, ==, 5);
  g_assert_cmpint (frame->column, ==, 4);
  g_assert_cmpstr (frame->source_line, ==, "    return x + 1");

  text = agviz_store_get_file_text (store, file, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (text, NULL), g_bytes_get_size (text), source, strlen (source));

  executions = agviz_store_list_executions (store, 0, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (executions->len, ==, 2);
  x = g_ptr_array_index (executions, 0);
  g_assert_cmpint (x->trace_id, ==, trace);
  g_assert_cmpint (x->seq, ==, 1);
  g_assert_cmpint (x->duration_ns, ==, 50);
  g_assert_cmpstr (x->device, ==, "/device:GPU:0");
  g_assert_cmpint (x->stack_id, ==, stack);
  x = g_ptr_array_index (executions, 1);
  g_assert_cmpstr (x->op_type, ==, "AddV2");
  g_assert_cmpint (x->seq, ==, 2);
  g_assert_true (x->failed);
  g_clear_pointer (&executions, g_ptr_array_unref);
  executions = agviz_store_list_executions (store, trace, 0, 100, &error);
  g_assert_cmpuint (executions->len, ==, 1);

  summaries = agviz_store_list_tensor_summaries (store, b, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summaries->len, ==, 1);
  s = g_ptr_array_index (summaries, 0);
  g_assert_cmpint (s->execution_id, ==, exec);
  g_assert_cmpint (s->output_slot, ==, 1);
  g_assert_cmpint (s->debug_mode, ==, 4);
  g_assert_cmpstr (s->dtype, ==, "float32");
  g_assert_cmpstr (s->shape, ==, "[2,3]");
  g_assert_cmpint (s->element_count, ==, 6);
  g_assert_cmpint (s->nan_count, ==, 2);
  g_assert_cmpint (s->pos_inf_count, ==, -1);
  g_assert_true (s->has_range);
  g_assert_cmpfloat (s->min, ==, -1.5);
  g_assert_cmpfloat (s->max, ==, 3.0);
  g_assert_cmpfloat (s->mean, ==, 0.25);

  events = agviz_store_list_events (store, trace, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);
  e = g_ptr_array_index (events, 0);
  g_assert_cmpint (e->kind, ==, AGVIZ_EVENT_VARIABLE_CREATED);
  g_assert_cmpint (e->node_id, ==, b);
  g_assert_cmpint (e->wall_ns, ==, 77);
  g_assert_cmpstr (e->message, ==, "made v");
  g_assert_cmpstr (e->detail, ==, "v:0 float32 []");

  errors = agviz_store_list_errors (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (errors->len, ==, 1);
  r = g_ptr_array_index (errors, 0);
  g_assert_cmpstr (r->type, ==, "ValueError");
  g_assert_cmpstr (r->message, ==, "boom");
  g_assert_cmpint (r->origin, ==, AGVIZ_ERROR_ORIGIN_IMPORTER);
  g_assert_cmpint (r->execution_id, ==, eager);
  g_assert_true (g_str_has_prefix (r->traceback, "Traceback"));

  {
    g_autoptr(AgvizTrace) t = agviz_store_find_trace (store, "__inference_f_7", &error);
    g_assert_no_error (error);
    g_assert_cmpint (t->status, ==, AGVIZ_TRACE_STATUS_FAILED);
    g_assert_cmpint (t->started_ns, ==, 1234);
    g_assert_cmpint (t->execution_count, ==, 1);
    g_assert_cmpint (t->wall_ns, >=, 0);
  }
}

/* Each bad call gets its own error and leaves the file as valid as before. */
static void
test_bad_calls (TempFile      *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (fx->path, &error);
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) functions = NULL;
  gint64 file, fn, t1, t2, a, b, other, frame;
  AgvizEvent event = { .kind = AGVIZ_EVENT_RETRACE, .trace_id = 999 };
  AgvizExecution execution = { .trace_id = 12345 };

  g_assert_no_error (error);
  file = agviz_recorder_add_file (recorder, NULL, "/a.py", &error);
  fn = agviz_recorder_add_function (recorder, "f", 0, 0, &error);
  t1 = agviz_recorder_begin_trace (recorder, fn, "g1", NULL, NULL, &error);
  g_assert_no_error (error);
  a = agviz_recorder_add_node (recorder, t1, "a", "Const", NULL, NULL, 0, &error);
  b = agviz_recorder_add_node (recorder, t1, "b", "Identity", NULL, NULL, 0, &error);
  g_assert_no_error (error);

  /* A node in a trace that was never begun. */
  g_assert_cmpint (agviz_recorder_add_node (recorder, 4242, "x", "Const", NULL, NULL, 0, &error), ==, 0);
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_NOT_RECORDING);
  g_clear_error (&error);

  /* An edge to an unknown node. */
  g_assert_false (agviz_recorder_add_edge (recorder, t1, a, 0, 987654, 0, &error));
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_UNKNOWN_ID);
  g_clear_error (&error);

  /* An edge between traces. */
  t2 = agviz_recorder_begin_trace (recorder, fn, "g2", NULL, NULL, &error);
  other = agviz_recorder_add_node (recorder, t2, "a", "Const", NULL, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_false (agviz_recorder_add_edge (recorder, t1, a, 0, other, 0, &error));
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_UNKNOWN_ID);
  g_clear_error (&error);

  /* A frame with a negative line, a frame in an unknown file, a stack of unknown frames. */
  g_assert_cmpint (agviz_recorder_add_frame (recorder, file, -3, 0, "f", &error), ==, 0);
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (agviz_recorder_add_frame (recorder, 777, 3, 0, "f", &error), ==, 0);
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_UNKNOWN_ID);
  g_clear_error (&error);
  frame = 31337;
  g_assert_cmpint (agviz_recorder_add_stack (recorder, &frame, 1, &error), ==, 0);
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_UNKNOWN_ID);
  g_clear_error (&error);

  /* Duplicates, malformed names and values. */
  g_assert_cmpint (agviz_recorder_add_node (recorder, t1, "a", "Const", NULL, NULL, 0, &error), ==, 0);
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_true (agviz_recorder_add_edge (recorder, t1, a, 0, b, 0, &error));
  g_assert_false (agviz_recorder_add_edge (recorder, t1, a, 0, b, 0, &error));
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_DUPLICATE);
  g_clear_error (&error);
  /* Inputs past the 64 a node keeps as bits are checked too. */
  g_assert_true (agviz_recorder_add_edge (recorder, t1, a, 0, b, 70, &error));
  g_assert_false (agviz_recorder_add_edge (recorder, t1, a, 1, b, 70, &error));
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_false (agviz_recorder_add_edge (recorder, t1, a, -2, b, 1, &error));
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (agviz_recorder_add_node (recorder, t1, "scope/", "Const", NULL, NULL, 0, &error), ==, 0);
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (agviz_recorder_add_node (recorder, t1, "c", "Const", NULL,
                                            g_variant_new_int32 (3), 0, &error), ==, 0);
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (agviz_recorder_begin_trace (recorder, 5555, "g", NULL, NULL, &error), ==, 0);
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_UNKNOWN_ID);
  g_clear_error (&error);
  g_assert_cmpint (agviz_recorder_add_event (recorder, &event, &error), ==, 0);
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_UNKNOWN_ID);
  g_clear_error (&error);
  g_assert_cmpint (agviz_recorder_add_execution (recorder, &execution, &error), ==, 0);
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_UNKNOWN_ID);
  g_clear_error (&error);

  /* Ended traces take no more nodes. */
  g_assert_true (agviz_recorder_end_trace (recorder, t1, AGVIZ_TRACE_STATUS_COMPLETE, 1, &error));
  g_assert_false (agviz_recorder_end_trace (recorder, t1, AGVIZ_TRACE_STATUS_COMPLETE, 1, &error));
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_NOT_RECORDING);
  g_clear_error (&error);
  g_assert_true (agviz_recorder_end_trace (recorder, t2, AGVIZ_TRACE_STATUS_COMPLETE, 1, &error));
  g_assert_true (agviz_recorder_close (recorder, &error));

  store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  functions = agviz_store_list_functions (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (((AgvizFunction *) g_ptr_array_index (functions, 0))->traces->len, ==, 2);
  g_assert_cmpint (((AgvizTrace *) g_ptr_array_index (((AgvizFunction *) g_ptr_array_index (functions, 0))->traces, 0))->node_count, ==, 2);
  /* a -> b into inputs 0 and 70; the duplicates were refused. */
  g_assert_cmpint (((AgvizTrace *) g_ptr_array_index (((AgvizFunction *) g_ptr_array_index (functions, 0))->traces, 0))->edge_count, ==, 2);
}

/* A second recording session appends: the next trace of a function gets the next ordinal. */
static void
test_reopen_appends (TempFile      *fx,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) functions = NULL;
  gint64 first_node = 0;

  for (int session = 0; session < 2; session++)
    {
      g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (fx->path, &error);
      gint64 fn, trace, node;

      g_assert_no_error (error);
      fn = agviz_recorder_add_function (recorder, "f", 0, 0, &error);
      trace = agviz_recorder_begin_trace (recorder, fn, session == 0 ? "g1" : "g2", NULL, NULL, &error);
      node = agviz_recorder_add_node (recorder, trace, "a/b", "Const", NULL, NULL, 0, &error);
      g_assert_no_error (error);
      if (session == 0)
        first_node = node;
      else
        g_assert_cmpint (node, >, first_node);
      g_assert_true (agviz_recorder_end_trace (recorder, trace, AGVIZ_TRACE_STATUS_COMPLETE, 1, &error));
    }

  store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
  functions = agviz_store_list_functions (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (functions->len, ==, 1);
  g_assert_cmpuint (((AgvizFunction *) g_ptr_array_index (functions, 0))->traces->len, ==, 2);
  g_assert_cmpint (((AgvizTrace *) g_ptr_array_index (((AgvizFunction *) g_ptr_array_index (functions, 0))->traces, 1))->ordinal, ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/agviz/store/round-trip/graph", TempFile, NULL, temp_file_setup,
              test_round_trip_graph, temp_file_teardown);

  g_test_add ("/agviz/store/round-trip/every-table", TempFile, NULL, temp_file_setup,
              test_round_trip_everything, temp_file_teardown);
  g_test_add ("/agviz/recorder/bad-calls", TempFile, NULL, temp_file_setup,
              test_bad_calls, temp_file_teardown);
  g_test_add ("/agviz/recorder/reopen-appends", TempFile, NULL, temp_file_setup,
              test_reopen_appends, temp_file_teardown);

  return g_test_run ();
}
