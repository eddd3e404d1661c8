/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-recorder-batch.c: import batches land whole or not at all */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "agviz-core.h"
#include "temp-trace-file.h"

/* Records function @name with one two-node trace; returns the trace id. */
static gint64
record_small_trace (AgvizRecorder *recorder,
                    const char    *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *graph = g_strdup_printf ("__inference_%s_1", name);
  gint64 file, frame, stack, fn, trace, a, b;

  file = agviz_recorder_add_file (recorder, NULL, "/src/model.py", &error);
  g_assert_no_error (error);
  frame = agviz_recorder_add_frame (recorder, file, 12, 4, name, &error);
  g_assert_no_error (error);
  stack = agviz_recorder_add_stack (recorder, &frame, 1, &error);
  g_assert_no_error (error);
  fn = agviz_recorder_add_function (recorder, name, 0, 0, &error);
  g_assert_no_error (error);
  trace = agviz_recorder_begin_trace (recorder, fn, graph, NULL, NULL, &error);
  g_assert_no_error (error);
  a = agviz_recorder_add_node (recorder, trace, "scope/x", "Placeholder", "/device:CPU:0",
                               NULL, stack, &error);
  g_assert_no_error (error);
  b = agviz_recorder_add_node (recorder, trace, "scope/y", "Neg", NULL, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_true (agviz_recorder_add_edge (recorder, trace, a, 0, b, 0, &error));
  g_assert_true (agviz_recorder_end_trace (recorder, trace, AGVIZ_TRACE_STATUS_COMPLETE, 1,
                                           &error));
  g_assert_no_error (error);
  return trace;
}

static AgvizStoreTotals
read_totals (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, &error);
  AgvizStoreTotals totals = { 0 };

  g_assert_no_error (error);
  g_assert_true (agviz_store_get_totals (store, &totals, &error));
  g_assert_no_error (error);
  return totals;
}

static void
test_batch_invisible_until_commit (TempFile      *fx,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (fx->path, &error);
  AgvizStoreTotals totals;

  g_assert_no_error (error);
  record_small_trace (recorder, "before");
  g_assert_true (agviz_recorder_begin_batch (recorder, &error));
  g_assert_true (agviz_recorder_in_batch (recorder));
  record_small_trace (recorder, "inside");
  g_assert_true (agviz_recorder_flush (recorder, &error));

  /* end_trace and flush did not commit: a reader still sees one trace. */
  totals = read_totals (fx->path);
  g_assert_cmpint (totals.traces, ==, 1);

  g_assert_true (agviz_recorder_commit_batch (recorder, &error));
  g_assert_no_error (error);
  g_assert_false (agviz_recorder_in_batch (recorder));
  totals = read_totals (fx->path);
  g_assert_cmpint (totals.traces, ==, 2);
  g_assert_cmpint (totals.nodes, ==, 4);
}

static void
test_batch_rollback (TempFile      *fx,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (fx->path, &error);
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) functions = NULL;
  g_autoptr(AgvizNode) node = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  AgvizStoreTotals totals;
  gint64 trace;

  g_assert_no_error (error);
  record_small_trace (recorder, "kept");

  g_assert_true (agviz_recorder_begin_batch (recorder, &error));
  record_small_trace (recorder, "dropped");
  /* A file and frame only the batch used go away with it. */
  g_assert_cmpint (agviz_recorder_add_file (recorder, "host", "/gone.py", &error), >, 0);
  g_assert_true (agviz_recorder_rollback_batch (recorder, &error));
  g_assert_no_error (error);

  totals = read_totals (fx->path);
  g_assert_cmpint (totals.traces, ==, 1);
  g_assert_cmpint (totals.nodes, ==, 2);
  g_assert_cmpint (totals.functions, ==, 1);

  /* The caches were forgotten: recording after a rollback makes valid rows again, reusing
   * what was committed before (the same file, frame and op types). */
  trace = record_small_trace (recorder, "after");
  g_assert_true (agviz_recorder_close (recorder, &error));
  g_assert_no_error (error);

  totals = read_totals (fx->path);
  g_assert_cmpint (totals.traces, ==, 2);
  g_assert_cmpint (totals.nodes, ==, 4);
  g_assert_cmpint (totals.edges, ==, 2);

  store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  node = agviz_store_find_node (store, trace, "scope/x", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (node->op_type, ==, "Placeholder");
  g_assert_cmpstr (node->device, ==, "/device:CPU:0");
  frames = agviz_store_get_stack (store, node->stack_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (frames->len, ==, 1);
  g_assert_cmpstr (((AgvizFrame *) g_ptr_array_index (frames, 0))->function, ==, "after");
  functions = agviz_store_list_functions (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (functions->len, ==, 2);
}

/* Records @n distinct two-frame stacks; returns the last one's id. */
static gint64
record_stacks (AgvizRecorder *recorder,
               guint          n)
{
  g_autoptr(GError) error = NULL;
  gint64 file = agviz_recorder_add_file (recorder, NULL, "/src/many.py", &error);
  gint64 outer = agviz_recorder_add_frame (recorder, file, 1, 0, "<module>", &error);
  gint64 stack = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      gint64 frames[2] = { outer, agviz_recorder_add_frame (recorder, file, 10 + i, 0, "f",
                                                             &error) };

      g_assert_no_error (error);
      stack = agviz_recorder_add_stack (recorder, frames, 2, &error);
      g_assert_no_error (error);
    }
  return stack;
}

/* Stack rows written on another thread while the batch goes on land with it, and a rollback
 * drops them too. */
static void
test_batch_background_stacks (TempFile      *fx,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (fx->path, &error);
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  AgvizStoreTotals totals;
  gint64 last;

  g_assert_no_error (error);
  g_assert_true (agviz_recorder_begin_batch (recorder, &error));
  record_stacks (recorder, 5000);
  agviz_recorder_write_stacks_in_background (recorder);
  g_assert_true (agviz_recorder_rollback_batch (recorder, &error));
  g_assert_no_error (error);
  totals = read_totals (fx->path);
  g_assert_cmpint (totals.traces, ==, 0);

  g_assert_true (agviz_recorder_begin_batch (recorder, &error));
  last = record_stacks (recorder, 6000);
  agviz_recorder_write_stacks_in_background (recorder);
  /* More stacks and a trace while the writer may still run: every use of the file waits. */
  record_stacks (recorder, 10);
  record_small_trace (recorder, "during");
  agviz_recorder_write_stacks_in_background (recorder);
  g_assert_true (agviz_recorder_commit_batch (recorder, &error));
  g_assert_no_error (error);
  g_assert_true (agviz_recorder_close (recorder, &error));

  totals = read_totals (fx->path);
  g_assert_cmpint (totals.traces, ==, 1);
  store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  frames = agviz_store_get_stack (store, last, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (frames->len, ==, 2);
  g_assert_cmpint (((AgvizFrame *) g_ptr_array_index (frames, 1))->line, ==, 10 + 5999);
  g_assert_cmpstr (((AgvizFrame *) g_ptr_array_index (frames, 0))->function, ==, "<module>");
}

static void
test_batch_close_rolls_back (TempFile      *fx,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AgvizRecorder *recorder = agviz_recorder_open (fx->path, &error);
  AgvizStoreTotals totals;

  g_assert_no_error (error);
  g_assert_true (agviz_recorder_begin_batch (recorder, &error));
  record_small_trace (recorder, "abandoned");
  g_assert_true (agviz_recorder_close (recorder, &error));
  g_object_unref (recorder);

  totals = read_totals (fx->path);
  g_assert_cmpint (totals.traces, ==, 0);
}

/* Importers pass one attribute dictionary for many nodes; the recorder remembers its set id by
 * the instance.  A rollback drops that set from the file, so the same instance used again must
 * make it anew, not point at the row that is gone. */
static void
test_batch_rollback_shared_attrs (TempFile      *fx,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (fx->path, &error);
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(AgvizNode) first = NULL;
  g_autoptr(AgvizNode) second = NULL;
  g_autoptr(AgvizTrace) found = NULL;
  g_autoptr(GVariant) attrs = NULL;
  g_autoptr(GVariant) value = NULL;
  GVariantBuilder builder;
  gint64 fn, trace;

  g_assert_no_error (error);
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "T", g_variant_new_string ("float32"));
  attrs = g_variant_ref_sink (g_variant_builder_end (&builder));

  for (guint round = 0; round < 2; round++)
    {
      g_assert_true (agviz_recorder_begin_batch (recorder, &error));
      fn = agviz_recorder_add_function (recorder, "f", 0, 0, &error);
      trace = agviz_recorder_begin_trace (recorder, fn, "g", NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (agviz_recorder_add_node (recorder, trace, "a", "Neg", NULL, attrs, 0,
                                                &error), >, 0);
      g_assert_cmpint (agviz_recorder_add_node (recorder, trace, "b", "Neg", NULL, attrs, 0,
                                                &error), >, 0);
      g_assert_true (agviz_recorder_end_trace (recorder, trace, AGVIZ_TRACE_STATUS_COMPLETE, 0,
                                               &error));
      g_assert_no_error (error);
      if (round == 0)
        g_assert_true (agviz_recorder_rollback_batch (recorder, &error));
      else
        g_assert_true (agviz_recorder_commit_batch (recorder, &error));
      g_assert_no_error (error);
    }
  g_assert_true (agviz_recorder_close (recorder, &error));

  store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  found = agviz_store_find_trace (store, "g", &error);
  g_assert_no_error (error);
  first = agviz_store_find_node (store, found->id, "a", &error);
  second = agviz_store_find_node (store, found->id, "b", &error);
  g_assert_no_error (error);
  g_assert_nonnull (first->attrs);
  g_assert_nonnull (second->attrs);
  value = g_variant_lookup_value (second->attrs, "T", G_VARIANT_TYPE_STRING);
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "float32");
}

static void
test_batch_misuse (TempFile      *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (fx->path, &error);
  gint64 fn, trace;

  g_assert_no_error (error);
  g_assert_false (agviz_recorder_commit_batch (recorder, &error));
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (agviz_recorder_rollback_batch (recorder, &error));
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_INVALID);
  g_clear_error (&error);

  /* Not while a trace is open, and not twice. */
  fn = agviz_recorder_add_function (recorder, "f", 0, 0, &error);
  trace = agviz_recorder_begin_trace (recorder, fn, "g", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (agviz_recorder_begin_batch (recorder, &error));
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (agviz_recorder_end_trace (recorder, trace, AGVIZ_TRACE_STATUS_COMPLETE, 0,
                                           &error));
  g_assert_true (agviz_recorder_begin_batch (recorder, &error));
  g_assert_false (agviz_recorder_begin_batch (recorder, &error));
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_INVALID);
  g_clear_error (&error);

  /* A batch with a trace still open does not commit. */
  trace = agviz_recorder_begin_trace (recorder, fn, "g2", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (agviz_recorder_commit_batch (recorder, &error));
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (agviz_recorder_rollback_batch (recorder, &error));
  g_assert_no_error (error);
  g_assert_false (agviz_recorder_in_batch (recorder));
}

/* One node's tensor summaries as the file has them. */
static GPtrArray *
read_summaries (const char *path,
                gint64      node_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, &error);
  GPtrArray *summaries;

  g_assert_no_error (error);
  summaries = agviz_store_list_tensor_summaries (store, node_id, 0, &error);
  g_assert_no_error (error);
  return summaries;
}

/* Tensor summaries reach the file in multi-row inserts (a dump holds one per op per step): the
 * ids handed out are the rows' ids, more rows than wait at once still land whole, a rollback
 * takes the waiting ones with it, and every field reads back. */
static void
test_batch_tensor_summaries (TempFile      *fx,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (fx->path, &error);
  g_autoptr(GPtrArray) summaries = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(AgvizNode) x = NULL;
  const AgvizTensorSummary *first, *last;
  AgvizTensorSummary summary;
  const guint n = 10000;
  gint64 id = 0;

  g_assert_no_error (error);
  record_small_trace (recorder, "step");
  store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  x = agviz_store_find_node (store, 1, "scope/x", &error);
  g_assert_no_error (error);
  g_assert_nonnull (x);
  g_clear_object (&store);

  /* Rolled back: none of them, though some had been written already. */
  g_assert_true (agviz_recorder_begin_batch (recorder, &error));
  agviz_tensor_summary_init (&summary);
  summary.node_id = x->id;
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (agviz_recorder_add_tensor_summary (recorder, &summary, &error), ==, i + 1);
  g_assert_true (agviz_recorder_rollback_batch (recorder, &error));
  summaries = read_summaries (fx->path, x->id);
  g_assert_cmpuint (summaries->len, ==, 0);
  g_clear_pointer (&summaries, g_ptr_array_unref);

  /* Committed: all of them, in order, the ids as handed out (from 1 again). */
  g_assert_true (agviz_recorder_begin_batch (recorder, &error));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *shape = g_strdup_printf ("[%u,2]", i % 3);

      agviz_tensor_summary_init (&summary);
      summary.node_id = x->id;
      summary.output_slot = (int) (i % 2);
      summary.debug_mode = 4;
      summary.dtype = (char *) (i % 2 ? "float32" : "float64");
      summary.shape = i % 5 == 0 ? NULL : shape;
      summary.element_count = i;
      summary.nan_count = i % 7 == 0 ? 1 : 0;
      summary.zero_count = i % 3;
      summary.has_range = i % 4 == 0;
      summary.min = -1.0 * i;
      summary.max = 2.0 * i;
      summary.mean = 0.5 * i;
      id = agviz_recorder_add_tensor_summary (recorder, &summary, &error);
      g_assert_no_error (error);
      g_assert_cmpint (id, ==, i + 1);
    }
  g_assert_true (agviz_recorder_commit_batch (recorder, &error));
  g_assert_no_error (error);

  summaries = read_summaries (fx->path, x->id);
  g_assert_cmpuint (summaries->len, ==, n);
  first = g_ptr_array_index (summaries, 0);
  last = g_ptr_array_index (summaries, n - 1);
  g_assert_cmpint (first->id, ==, 1);
  g_assert_cmpint (first->output_slot, ==, 0);
  g_assert_cmpint (first->debug_mode, ==, 4);
  g_assert_cmpstr (first->dtype, ==, "float64");
  g_assert_null (first->shape);
  g_assert_cmpint (first->nan_count, ==, 1);
  g_assert_cmpint (first->neg_inf_count, ==, -1);
  g_assert_true (first->has_range);
  g_assert_cmpint (last->id, ==, n);
  g_assert_cmpint (last->output_slot, ==, 1);
  g_assert_cmpstr (last->dtype, ==, "float32");
  g_assert_cmpstr (last->shape, ==, "[0,2]");
  g_assert_cmpint (last->element_count, ==, n - 1);
  g_assert_cmpint (last->zero_count, ==, (n - 1) % 3);
  g_assert_cmpint (last->pos_finite_count, ==, -1);
  g_assert_false (last->has_range);
  for (guint i = 0; i < n; i++)
    {
      const AgvizTensorSummary *read = g_ptr_array_index (summaries, i);

      g_assert_cmpint (read->id, ==, i + 1);
      g_assert_cmpint (read->element_count, ==, i);
      g_assert_true (read->has_range == (i % 4 == 0));
      if (read->has_range)
        g_assert_cmpfloat (read->max, ==, 2.0 * i);
    }

  /* Outside a batch too: in the file once the recorder commits (here, at close). */
  agviz_tensor_summary_init (&summary);
  summary.node_id = x->id;
  g_assert_cmpint (agviz_recorder_add_tensor_summary (recorder, &summary, &error), ==, n + 1);
  g_assert_true (agviz_recorder_close (recorder, &error));
  g_assert_no_error (error);
  g_clear_pointer (&summaries, g_ptr_array_unref);
  summaries = read_summaries (fx->path, x->id);
  g_assert_cmpuint (summaries->len, ==, n + 1);
}

/* Between two transactions another program may add tensor summaries (one recorder at a time is
 * the rule, but a file is not locked between commits): ids are handed out afresh in each. */
static void
test_tensor_summaries_after_other_writer (TempFile      *fx,
                                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (fx->path, &error);
  g_autoptr(GPtrArray) summaries = NULL;
  AgvizTensorSummary summary;
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  record_small_trace (recorder, "step");
  agviz_tensor_summary_init (&summary);
  summary.node_id = 1;
  g_assert_cmpint (agviz_recorder_add_tensor_summary (recorder, &summary, &error), ==, 1);
  g_assert_true (agviz_recorder_flush (recorder, &error));

  g_assert_cmpint (sqlite3_open (fx->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO tensor_summaries (node_id, output_slot)"
                                     " VALUES (1, 5)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_cmpint (agviz_recorder_add_tensor_summary (recorder, &summary, &error), ==, 3);
  g_assert_no_error (error);
  g_assert_true (agviz_recorder_close (recorder, &error));
  g_assert_no_error (error);
  summaries = read_summaries (fx->path, 1);
  g_assert_cmpuint (summaries->len, ==, 3);
  g_assert_cmpint (((AgvizTensorSummary *) g_ptr_array_index (summaries, 1))->output_slot, ==, 5);
  g_assert_cmpint (((AgvizTensorSummary *) g_ptr_array_index (summaries, 2))->id, ==, 3);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/agviz/recorder/batch/invisible-until-commit", TempFile, NULL, temp_file_setup,
              test_batch_invisible_until_commit, temp_file_teardown);
  g_test_add ("/agviz/recorder/batch/rollback", TempFile, NULL, temp_file_setup,
              test_batch_rollback, temp_file_teardown);
  g_test_add ("/agviz/recorder/batch/background-stacks", TempFile, NULL, temp_file_setup,
              test_batch_background_stacks, temp_file_teardown);
  g_test_add ("/agviz/recorder/batch/tensor-summaries", TempFile, NULL, temp_file_setup,
              test_batch_tensor_summaries, temp_file_teardown);
  g_test_add ("/agviz/recorder/batch/tensor-summaries-after-other-writer", TempFile, NULL,
              temp_file_setup, test_tensor_summaries_after_other_writer, temp_file_teardown);
  g_test_add ("/agviz/recorder/batch/close-rolls-back", TempFile, NULL, temp_file_setup,
              test_batch_close_rolls_back, temp_file_teardown);
  g_test_add ("/agviz/recorder/batch/rollback-shared-attrs", TempFile, NULL, temp_file_setup,
              test_batch_rollback_shared_attrs, temp_file_teardown);
  g_test_add ("/agviz/recorder/batch/misuse", TempFile, NULL, temp_file_setup,
              test_batch_misuse, temp_file_teardown);

  return g_test_run ();
}
