/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-graph-diff.c: pairing and classifying the nodes of two hand-built traces */
#include "config.h"

#include <string.h>

#include "agviz-graph-diff.h"
#include "diagnose/test-trace-builder.h"

typedef struct
{
  TraceBuilder  builder;
  AgvizStore   *store;
  gint64        function;
  gint64        traces[2];
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  trace_builder_init (&fixture->builder, NULL);
  fixture->function = trace_builder_function (&fixture->builder, "layer", 3);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  trace_builder_clear (&fixture->builder);
}

/* A node with attributes given as GVariant text ("{'T': <'float'>}", NULL: none). */
static gint64
add_node (Fixture    *fixture,
          gint64      trace,
          const char *name,
          const char *op_type,
          const char *attrs,
          int         line)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) value = attrs != NULL ? g_variant_parse (G_VARIANT_TYPE_VARDICT, attrs, NULL,
                                                                NULL, &error)
                                             : NULL;
  gint64 stack = line > 0 ? trace_builder_stack (&fixture->builder, line, "layer") : 0;
  gint64 id;

  g_assert_no_error (error);
  id = agviz_recorder_add_node (fixture->builder.recorder, trace, name, op_type, NULL, value, stack, &error);
  g_assert_no_error (error);
  return id;
}

static void
add_edge (Fixture *fixture,
          gint64   trace,
          gint64   src,
          gint64   dst,
          int      position)
{
  g_autoptr(GError) error = NULL;

  agviz_recorder_add_edge (fixture->builder.recorder, trace, src, 0, dst, position, &error);
  g_assert_no_error (error);
}

static gint64
begin (Fixture *fixture,
       guint    k)
{
  g_autofree char *graph = g_strdup_printf ("__inference_layer_%u", 10 * (k + 1));

  fixture->traces[k] = trace_builder_begin (&fixture->builder, fixture->function, graph, "x");
  return fixture->traces[k];
}

static AgvizGraphDiff *
finish_and_diff (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  AgvizGraphDiff *diff;

  trace_builder_end (&fixture->builder, fixture->traces[0], AGVIZ_TRACE_STATUS_COMPLETE);
  trace_builder_end (&fixture->builder, fixture->traces[1], AGVIZ_TRACE_STATUS_COMPLETE);
  fixture->store = trace_builder_finish (&fixture->builder);
  diff = agviz_graph_diff_new (fixture->store, fixture->traces[0], fixture->store, fixture->traces[1], &error);
  g_assert_no_error (error);
  g_assert_nonnull (diff);
  return diff;
}

/* The entries as one line each: "changed Relu: op Relu -> Sigmoid; shapes ...". */
static char *
dup_entries_text (AgvizGraphDiff *diff)
{
  GPtrArray *entries = agviz_graph_diff_get_entries (diff);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < entries->len; i++)
    {
      const AgvizDiffEntry *entry = g_ptr_array_index (entries, i);

      g_string_append_printf (text, "%s %s", agviz_diff_status_to_string (entry->status),
                              entry->name_b != NULL ? entry->name_b : entry->name_a);
      for (guint d = 0; d < entry->details->len; d++)
        {
          const AgvizDiffDetail *detail = &g_array_index (entry->details, AgvizDiffDetail, d);

          g_string_append_printf (text, "%s%s %s -> %s", d == 0 ? ": " : "; ", detail->what,
                                  detail->before != NULL ? detail->before : "-",
                                  detail->after != NULL ? detail->after : "-");
        }
      g_string_append_c (text, '\n');
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
test_same (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(AgvizGraphDiff) diff = NULL;

  for (guint k = 0; k < 2; k++)
    {
      gint64 trace = begin (fixture, k);
      gint64 x = add_node (fixture, trace, "x", "Placeholder", "{'shape': <'[2]'>}", 4);
      gint64 relu = add_node (fixture, trace, "Relu", "Relu", NULL, 5);

      add_edge (fixture, trace, x, relu, 0);
    }
  diff = finish_and_diff (fixture);
  g_assert_true (agviz_graph_diff_is_empty (diff));
  g_assert_cmpuint (agviz_graph_diff_get_n_matched (diff, AGVIZ_DIFF_MATCH_NAME), ==, 2);
  g_assert_cmpuint (agviz_graph_diff_get_counts (diff)->changed, ==, 0);
}

/* Every kind of change, each said once with its values. */
static void
test_changes (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(AgvizGraphDiff) diff = NULL;
  g_autofree char *text = NULL;
  gint64 t1 = begin (fixture, 0), t2 = begin (fixture, 1);
  gint64 x1 = add_node (fixture, t1, "x", "Placeholder", "{'shape': <'[2,3]'>}", 4);
  gint64 w1 = add_node (fixture, t1, "w", "Const", NULL, 0);
  gint64 mm1 = add_node (fixture, t1, "dense/MatMul", "MatMul",
                         "{'T': <'float'>, '_output_shapes': <'[[2,4]]'>}", 5);
  gint64 act1 = add_node (fixture, t1, "dense/act", "Relu", NULL, 6);
  gint64 old1 = add_node (fixture, t1, "old", "Identity", NULL, 7);
  gint64 call1 = add_node (fixture, t1, "call", "PartitionedCall", "{'f': <'__inference_g_12'>}", 8);
  gint64 x2 = add_node (fixture, t2, "x", "Placeholder", "{'shape': <'[5,3]'>}", 4);
  gint64 w2 = add_node (fixture, t2, "w", "Const", NULL, 0);
  gint64 mm2 = add_node (fixture, t2, "dense/MatMul", "MatMul",
                         "{'T': <'float'>, '_output_shapes': <'[[5,4]]'>}", 9);
  gint64 act2 = add_node (fixture, t2, "dense/act", "Sigmoid", NULL, 6);
  gint64 extra2 = add_node (fixture, t2, "extra", "Mul", NULL, 10);
  gint64 call2 = add_node (fixture, t2, "call", "PartitionedCall", "{'f': <'__inference_g_34'>}", 8);

  add_edge (fixture, t1, x1, mm1, 0);
  add_edge (fixture, t1, w1, mm1, 1);
  add_edge (fixture, t1, mm1, act1, 0);
  add_edge (fixture, t1, act1, old1, 0);
  add_edge (fixture, t1, act1, call1, 0);
  add_edge (fixture, t2, x2, mm2, 0);
  add_edge (fixture, t2, w2, mm2, 1);
  add_edge (fixture, t2, mm2, act2, 0);
  add_edge (fixture, t2, act2, extra2, 0);
  add_edge (fixture, t2, extra2, call2, 0);
  diff = finish_and_diff (fixture);

  text = dup_entries_text (diff);
  /* The function reference differs only in TF's counter: not a change of "call" by itself. */
  g_assert_cmpstr (text, ==,
                   "changed call: inputs dense/act -> extra\n"
                   "changed dense/MatMul: shapes [[2,4]] -> [[5,4]]; source prog.py:5 -> prog.py:9\n"
                   "changed dense/act: op Relu -> Sigmoid\n"
                   "changed x: attr shape [2,3] -> [5,3]\n"
                   "added extra\n"
                   "removed old\n");
  g_assert_cmpuint (agviz_graph_diff_get_counts (diff)->changed, ==, 4);
  g_assert_cmpuint (agviz_graph_diff_get_counts (diff)->added, ==, 1);
  g_assert_cmpuint (agviz_graph_diff_get_counts (diff)->removed, ==, 1);
  g_assert_cmpint (agviz_graph_diff_lookup_b (diff, mm2)->changes, ==,
                   AGVIZ_DIFF_CHANGE_SHAPES | AGVIZ_DIFF_CHANGE_SOURCE_LINE);
  g_assert_cmpstr (agviz_graph_diff_lookup_b (diff, extra2)->source_b, ==, "prog.py:10");
  g_assert_null (agviz_graph_diff_lookup_b (diff, w2));

  /* Roll-ups: the scope "dense" holds two changes; the whole trace all six. */
  {
    AgvizDiffCounts counts;

    g_assert_true (agviz_graph_diff_get_scope_counts (diff, "dense", &counts));
    g_assert_cmpuint (counts.changed, ==, 2);
    g_assert_cmpuint (counts.added + counts.removed, ==, 0);
    g_assert_true (agviz_graph_diff_get_scope_counts (diff, "", &counts));
    g_assert_cmpuint (counts.changed + counts.added + counts.removed, ==, 6);
  }

  /* The highlight of scene items: a collapsed scope says something inside changed. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(AgvizScene) scene = agviz_scene_new (fixture->store, fixture->traces[1], NULL, &error);
    AgvizSceneItem *dense, *item;

    g_assert_no_error (error);
    dense = agviz_scene_find (scene, "dense", &error);
    g_assert_no_error (error);
    g_assert_false (dense->expanded);
    g_assert_cmpint (agviz_graph_diff_mark_item (diff, dense), ==, AGVIZ_DIFF_MARK_INSIDE);
    item = agviz_scene_find_node (scene, "extra", &error);
    g_assert_cmpint (agviz_graph_diff_mark_item (diff, item), ==, AGVIZ_DIFF_MARK_ADDED);
    item = agviz_scene_find_node (scene, "dense/act", &error);
    g_assert_cmpint (agviz_graph_diff_mark_item (diff, item), ==, AGVIZ_DIFF_MARK_CHANGED);
    item = agviz_scene_find_node (scene, "w", &error);
    g_assert_cmpint (agviz_graph_diff_mark_item (diff, item), ==, AGVIZ_DIFF_MARK_NONE);
    g_assert_cmpint (agviz_graph_diff_mark_item (diff, agviz_scene_get_root (scene)), ==, AGVIZ_DIFF_MARK_NONE);
  }
}

/* Keras numbers layers by how many it made before: the same layer is dense_1 in one trace and
 * dense_2 in the next.  Structure cannot start there (the kernel has no inputs, its consumer is
 * unpaired), so the counter-free names decide the layer's nodes; nothing differs. */
static void
test_renamed_by_counter (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(AgvizGraphDiff) diff = NULL;
  g_autofree char *text = NULL;

  for (guint k = 0; k < 2; k++)
    {
      gint64 trace = begin (fixture, k);
      g_autofree char *kernel_name = g_strdup_printf ("dense_%u/kernel", k + 1);
      g_autofree char *matmul_name = g_strdup_printf ("dense_%u/MatMul", k + 1);
      g_autofree char *add_name = g_strdup_printf ("dense_%u/BiasAdd", k + 1);
      g_autofree char *bias_name = g_strdup_printf ("dense_%u/bias", k + 1);
      gint64 x = add_node (fixture, trace, "x", "Placeholder", NULL, 4);
      gint64 kernel = add_node (fixture, trace, kernel_name, "Const", NULL, 0);
      gint64 bias = add_node (fixture, trace, bias_name, "Const", NULL, 0);
      gint64 matmul = add_node (fixture, trace, matmul_name, "MatMul", NULL, 5);
      gint64 add = add_node (fixture, trace, add_name, "BiasAdd", NULL, 5);

      add_edge (fixture, trace, x, matmul, 0);
      add_edge (fixture, trace, kernel, matmul, 1);
      add_edge (fixture, trace, matmul, add, 0);
      add_edge (fixture, trace, bias, add, 1);
    }
  diff = finish_and_diff (fixture);
  text = dup_entries_text (diff);
  g_assert_cmpstr (text, ==, "");
  g_assert_cmpuint (agviz_graph_diff_get_n_matched (diff, AGVIZ_DIFF_MATCH_NAME), ==, 1);
  g_assert_cmpuint (agviz_graph_diff_get_n_matched (diff, AGVIZ_DIFF_MATCH_COUNTER), ==, 4);
  g_assert_cmpuint (agviz_graph_diff_get_n_matched (diff, AGVIZ_DIFF_MATCH_STRUCTURE), ==, 0);
}

/* A node renamed outright is paired by what it computes from, and its rename is no change. */
static void
test_renamed_by_structure (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(AgvizGraphDiff) diff = NULL;
  const char *names[] = { "add", "plus" };
  GPtrArray *entries;

  for (guint k = 0; k < 2; k++)
    {
      gint64 trace = begin (fixture, k);
      gint64 a = add_node (fixture, trace, "a", "Placeholder", NULL, 0);
      gint64 b = add_node (fixture, trace, "b", "Placeholder", NULL, 0);
      gint64 sum = add_node (fixture, trace, names[k], "AddV2", k == 0 ? NULL : "{'T': <'double'>}", 0);

      add_edge (fixture, trace, a, sum, 0);
      add_edge (fixture, trace, b, sum, 1);
    }
  diff = finish_and_diff (fixture);
  entries = agviz_graph_diff_get_entries (diff);
  g_assert_cmpuint (entries->len, ==, 1);
  {
    const AgvizDiffEntry *entry = g_ptr_array_index (entries, 0);

    g_assert_cmpint (entry->status, ==, AGVIZ_DIFF_STATUS_CHANGED);
    g_assert_cmpint (entry->match, ==, AGVIZ_DIFF_MATCH_STRUCTURE);
    g_assert_cmpstr (entry->name_a, ==, "add");
    g_assert_cmpstr (entry->name_b, ==, "plus");
    g_assert_cmpint (entry->changes, ==, AGVIZ_DIFF_CHANGE_ATTRS);
  }
}

/* Two nodes of one key on one side: no guess, they stay added and removed. */
static void
test_ambiguous_stays_unpaired (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(AgvizGraphDiff) diff = NULL;
  gint64 t1 = begin (fixture, 0), t2 = begin (fixture, 1);
  gint64 x1 = add_node (fixture, t1, "x", "Placeholder", NULL, 0);
  gint64 x2 = add_node (fixture, t2, "x", "Placeholder", NULL, 0);
  gint64 p = add_node (fixture, t1, "p", "Neg", NULL, 0);
  gint64 q = add_node (fixture, t2, "q", "Neg", NULL, 0);
  gint64 r = add_node (fixture, t2, "r", "Neg", NULL, 0);

  add_edge (fixture, t1, x1, p, 0);
  add_edge (fixture, t2, x2, q, 0);
  add_edge (fixture, t2, x2, r, 0);
  diff = finish_and_diff (fixture);
  g_assert_cmpuint (agviz_graph_diff_get_counts (diff)->added, ==, 2);
  g_assert_cmpuint (agviz_graph_diff_get_counts (diff)->removed, ==, 1);
  g_assert_cmpuint (agviz_graph_diff_get_n_matched (diff, AGVIZ_DIFF_MATCH_STRUCTURE), ==, 0);
}

static void
test_missing_trace (void)
{
  TraceBuilder builder;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizGraphDiff) diff = NULL;

  trace_builder_init (&builder, NULL);
  store = trace_builder_finish (&builder);
  diff = agviz_graph_diff_new (store, 1, store, 2, &error);
  g_assert_null (diff);
  g_assert_error (error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_NOT_FOUND);
  g_clear_object (&store);
  trace_builder_clear (&builder);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add ("/agviz/graph-diff/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("same", test_same);
  ADD ("changes", test_changes);
  ADD ("renamed-by-counter", test_renamed_by_counter);
  ADD ("renamed-by-structure", test_renamed_by_structure);
  ADD ("ambiguous-stays-unpaired", test_ambiguous_stays_unpaired);
#undef ADD
  g_test_add_func ("/agviz/graph-diff/missing-trace", test_missing_trace);
  return g_test_run ();
}
