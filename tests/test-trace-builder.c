/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-trace-builder.c: an open trace in memory, and its per-scope edge aggregates, without a
 * file */
#include "config.h"

#include "agviz-edge-list.h"
#include "agviz-scope-edges.h"
#include "agviz-trace-builder.h"

/* Places and adds node @name with id @id; returns FALSE when the name is taken. */
static gboolean
add_node (AgvizTraceBuilder *trace,
          const char        *name,
          gint64             id,
          gint64            *next_scope_id)
{
  AgvizPendingNode node = { .id = id, .output_elements = -1 };
  AgvizNodePlace place;

  if (!_agviz_trace_builder_place_node (trace, name, next_scope_id, &place))
    return FALSE;
  _agviz_trace_builder_add_node (trace, &place, &node);
  return TRUE;
}

static const AgvizPendingScope *
scope_at (AgvizTraceBuilder *trace,
          guint              index)
{
  g_assert_cmpuint (index, <, trace->scopes->len);
  return &g_array_index (trace->scopes, AgvizPendingScope, index);
}

static const AgvizPendingNode *
node_with_id (AgvizTraceBuilder *trace,
              gint64             id)
{
  return &g_array_index (trace->nodes, AgvizPendingNode, _agviz_trace_builder_node_index (trace, id));
}

static void
test_scopes (void)
{
  g_autoptr(AgvizTraceBuilder) trace = _agviz_trace_builder_new (7, 100);
  gint64 next_scope_id = 101;
  const AgvizPendingNode *matmul;

  g_assert_cmpint (trace->id, ==, 7);
  g_assert_cmpint (scope_at (trace, 0)->id, ==, 100);
  g_assert_cmpuint (scope_at (trace, 0)->parent_index, ==, G_MAXUINT);

  g_assert_true (add_node (trace, "model/dense/MatMul", 1, &next_scope_id));
  g_assert_true (add_node (trace, "model/dense/BiasAdd", 2, &next_scope_id));
  /* A node and a scope may share a name: "dense" is both here. */
  g_assert_true (add_node (trace, "model/dense", 3, &next_scope_id));
  /* A leading '/' names no scope. */
  g_assert_true (add_node (trace, "/model/Relu", 4, &next_scope_id));
  g_assert_true (add_node (trace, "Const", 5, &next_scope_id));
  g_assert_false (add_node (trace, "model/dense/MatMul", 6, &next_scope_id));
  g_assert_false (add_node (trace, "model/Relu", 6, &next_scope_id));

  /* root, model, dense: ids in the order the scopes were met. */
  g_assert_cmpint (next_scope_id, ==, 103);
  g_assert_cmpuint (trace->scopes->len, ==, 3);
  g_assert_cmpstr (_agviz_trace_builder_name (trace, scope_at (trace, 1)->name_offset), ==, "model");
  g_assert_cmpint (scope_at (trace, 1)->id, ==, 101);
  g_assert_cmpuint (scope_at (trace, 1)->parent_index, ==, 0);
  g_assert_cmpstr (_agviz_trace_builder_name (trace, scope_at (trace, 2)->name_offset), ==, "dense");
  g_assert_cmpuint (scope_at (trace, 2)->parent_index, ==, 1);
  g_assert_cmpint (scope_at (trace, 0)->node_count, ==, 1);
  g_assert_cmpint (scope_at (trace, 1)->node_count, ==, 2);
  g_assert_cmpint (scope_at (trace, 2)->node_count, ==, 2);

  matmul = node_with_id (trace, 1);
  g_assert_cmpuint (matmul->scope_index, ==, 2);
  g_assert_cmpstr (_agviz_trace_builder_name (trace, matmul->name_offset), ==, "MatMul");

  g_assert_cmpint (_agviz_trace_builder_find_node (trace, "model/dense/MatMul"), ==, 1);
  g_assert_cmpint (_agviz_trace_builder_find_node (trace, "model/dense"), ==, 3);
  g_assert_cmpint (_agviz_trace_builder_find_node (trace, "model/Relu"), ==, 4);
  g_assert_cmpint (_agviz_trace_builder_find_node (trace, "Const"), ==, 5);
  g_assert_cmpint (_agviz_trace_builder_find_node (trace, "dense/MatMul"), ==, 0);
  g_assert_cmpint (_agviz_trace_builder_find_node (trace, "model/nope/MatMul"), ==, 0);
  g_assert_cmpint (_agviz_trace_builder_find_node (trace, "MatMul"), ==, 0);
  /* Looking up makes no scopes. */
  g_assert_cmpuint (trace->scopes->len, ==, 3);

  _agviz_trace_builder_finish (trace);
  g_assert_cmpint (scope_at (trace, 0)->descendant_count, ==, 5);
  g_assert_cmpint (scope_at (trace, 1)->descendant_count, ==, 4);
  g_assert_cmpint (scope_at (trace, 2)->descendant_count, ==, 2);
}

/* Hostile names nest scopes far deeper than any recursion or whole-path key would survive. */
static void
test_deep_scopes (void)
{
  g_autoptr(AgvizTraceBuilder) trace = _agviz_trace_builder_new (1, 1);
  g_autoptr(GString) name = g_string_new (NULL);
  gint64 next_scope_id = 2;
  const guint depth = 100000;

  for (guint i = 0; i < depth; i++)
    g_string_append (name, "s/");
  g_string_append (name, "op");
  g_assert_true (add_node (trace, name->str, 1, &next_scope_id));
  g_assert_cmpuint (trace->scopes->len, ==, depth + 1);
  g_assert_cmpint (_agviz_trace_builder_find_node (trace, name->str), ==, 1);
  g_assert_false (add_node (trace, name->str, 2, &next_scope_id));
  g_string_truncate (name, name->len - 2);
  g_string_append (name, "other");
  g_assert_true (add_node (trace, name->str, 2, &next_scope_id));
  g_assert_cmpuint (trace->scopes->len, ==, depth + 1);

  _agviz_trace_builder_finish (trace);
  g_assert_cmpint (scope_at (trace, 0)->descendant_count, ==, 2);
  g_assert_cmpint (scope_at (trace, depth)->node_count, ==, 2);
}

/* Decodes list @offsets of node @index into an array of AgvizEdge. */
static GArray *
decode_list (AgvizTraceBuilder  *trace,
             GArray             *offsets,
             _AgvizEdgeListKind  kind,
             guint               index)
{
  GArray *edges = g_array_new (FALSE, FALSE, sizeof (AgvizEdge));
  guint start = g_array_index (offsets, guint, index);
  guint end = g_array_index (offsets, guint, index + 1);
  gint64 node_id = g_array_index (trace->nodes, AgvizPendingNode, index).id;

  g_assert_true (_agviz_edge_list_decode (trace->edge_lists->data + start, end - start, kind,
                                          node_id, edges));
  return edges;
}

static void
assert_edge (GArray *edges,
             guint   index,
             gint64  src,
             int     src_output,
             gint64  dst,
             int     dst_input)
{
  AgvizEdge *edge = &g_array_index (edges, AgvizEdge, index);

  g_assert_cmpint (edge->src_node_id, ==, src);
  g_assert_cmpint (edge->src_output, ==, src_output);
  g_assert_cmpint (edge->dst_node_id, ==, dst);
  g_assert_cmpint (edge->dst_input, ==, dst_input);
}

static void
test_edges (void)
{
  g_autoptr(AgvizTraceBuilder) trace = _agviz_trace_builder_new (1, 1);
  /* Not consecutive (another trace took the ids between), and one too large to pack. */
  const gint64 ids[] = { 10, 11, 20, 35, G_GINT64_CONSTANT (1) << 45 };
  const char *const names[] = { "a", "b", "c", "d", "e" };
  const AgvizEdge edges[] = {
    { 10, 0, 20, 2 }, { 11, 1, 20, 0 }, { 10, -1, 20, 1 }, { 20, 0, 35, 70 },
    { 35, 0, ids[4], 0 }, { 10, 0, ids[4], 100 },
  };
  g_autoptr(GArray) inputs = NULL;
  g_autoptr(GArray) consumers = NULL;
  g_autoptr(GArray) wide = NULL;
  gint64 next_scope_id = 2;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_assert_true (add_node (trace, names[i], ids[i], &next_scope_id));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_assert_cmpuint (_agviz_trace_builder_node_index (trace, ids[i]), ==, i);

  for (guint i = 0; i < G_N_ELEMENTS (edges); i++)
    g_assert_true (_agviz_trace_builder_add_edge (trace, &edges[i]));
  /* A second edge into an input, below 64 (a bit of the node), above (a set), for a node id
   * too large to pack (a set of text keys). */
  for (guint i = 0; i < G_N_ELEMENTS (edges); i++)
    {
      AgvizEdge again = edges[i];

      again.src_node_id = 11;
      g_assert_false (_agviz_trace_builder_add_edge (trace, &again));
    }
  g_assert_cmpuint (trace->edges->len, ==, G_N_ELEMENTS (edges));

  _agviz_trace_builder_finish (trace);
  g_assert_cmpuint (trace->input_offsets->len, ==, G_N_ELEMENTS (ids) + 1);
  g_assert_cmpuint (trace->consumer_offsets->len, ==, G_N_ELEMENTS (ids) + 1);

  /* Inputs in input order, whatever order they came in. */
  inputs = decode_list (trace, trace->input_offsets, _AGVIZ_EDGE_LIST_INPUTS, 2);
  g_assert_cmpuint (inputs->len, ==, 3);
  assert_edge (inputs, 0, 11, 1, 20, 0);
  assert_edge (inputs, 1, 10, -1, 20, 1);
  assert_edge (inputs, 2, 10, 0, 20, 2);
  /* Consumers in the order the edges were added. */
  consumers = decode_list (trace, trace->consumer_offsets, _AGVIZ_EDGE_LIST_CONSUMERS, 0);
  g_assert_cmpuint (consumers->len, ==, 3);
  assert_edge (consumers, 0, 10, 0, 20, 2);
  assert_edge (consumers, 1, 10, -1, 20, 1);
  assert_edge (consumers, 2, 10, 0, ids[4], 100);
  wide = decode_list (trace, trace->input_offsets, _AGVIZ_EDGE_LIST_INPUTS, 4);
  g_assert_cmpuint (wide->len, ==, 2);
  assert_edge (wide, 0, 35, 0, ids[4], 0);
  assert_edge (wide, 1, 10, 0, ids[4], 100);

  /* Finishing again (after a failed write) starts over. */
  {
    g_autoptr(GByteArray) first = g_byte_array_new ();

    g_byte_array_append (first, trace->edge_lists->data, trace->edge_lists->len);
    _agviz_trace_builder_finish (trace);
    g_assert_cmpmem (first->data, first->len, trace->edge_lists->data, trace->edge_lists->len);
  }
}

static void
test_calls (void)
{
  g_autoptr(AgvizTraceBuilder) trace = _agviz_trace_builder_new (1, 1);
  gint64 next_scope_id = 2;

  g_assert_true (add_node (trace, "cond/If", 1, &next_scope_id));
  g_assert_true (add_node (trace, "call", 2, &next_scope_id));
  g_assert_true (_agviz_trace_builder_add_call (trace, 1, "then_branch", "cond_true_3"));
  g_assert_true (_agviz_trace_builder_add_call (trace, 1, "else_branch", "cond_false_4"));
  g_assert_true (_agviz_trace_builder_add_call (trace, 2, "f", "cond_true_3"));
  g_assert_false (_agviz_trace_builder_add_call (trace, 1, "then_branch", "other"));
  g_assert_cmpuint (trace->calls->len, ==, 3);
  g_assert_cmpstr (g_array_index (trace->calls, AgvizPendingCall, 1).callee_graph_name, ==,
                   "cond_false_4");
}

static const AgvizScopeEdgeAggregate *
find_row (GArray *rows,
          gint64  scope_id,
          gint64  src,
          gint64  dst)
{
  for (guint i = 0; i < rows->len; i++)
    {
      AgvizScopeEdgeAggregate *row = &g_array_index (rows, AgvizScopeEdgeAggregate, i);

      if (row->scope_id == scope_id && row->src == src && row->dst == dst)
        return row;
    }
  return NULL;
}

/* The rows the scene reads a scope's metaedges from: per edge, the scope holding both ends and
 * the items of it they lie in; a node named like a sibling scope lies in that scope. */
static void
test_scope_edges (void)
{
  g_autoptr(AgvizTraceBuilder) trace = _agviz_trace_builder_new (1, 1);
  g_autoptr(GHashTable) reference_inputs = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) rows = NULL;
  gint64 next_scope_id = 2;
  enum { VARIABLE = 1, ASSIGN, OTHER };
  /* node id, name, op type id, output elements */
  const struct { gint64 id; const char *name; gint64 op_type_id; gint64 elements; } nodes[] = {
    { 1, "a/x", OTHER, 6 },
    { 2, "a/b/y", ASSIGN, -1 },
    { 3, "z", VARIABLE, 4 },
    { 4, "a", OTHER, 2 },          /* shown inside scope a */
    { 5, "a/b/w", OTHER, -1 },
  };
  const AgvizEdge edges[] = {
    { 3, 0, 2, 0 },     /* z -> a/b/y, into the variable input of an assignment */
    { 3, -1, 5, 0 },    /* z -> a/b/w, control: the same pair of root items */
    { 1, 0, 2, 1 },     /* a/x -> a/b/y: in scope a, from x to scope b */
    { 4, 0, 1, 0 },     /* a -> a/x: both shown in scope a: no row */
    { 4, 1, 3, 0 },     /* a -> z: from scope a (where "a" is shown) to z, at the root */
    { 2, 0, 5, 1 },     /* inside scope b: no row */
  };
  const AgvizScopeEdgeAggregate *row;
  gint64 scope_a, scope_b;

  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      AgvizPendingNode node = { .id = nodes[i].id, .op_type_id = nodes[i].op_type_id,
                                .output_elements = nodes[i].elements };
      AgvizNodePlace place;

      g_assert_true (_agviz_trace_builder_place_node (trace, nodes[i].name, &next_scope_id, &place));
      _agviz_trace_builder_add_node (trace, &place, &node);
    }
  for (guint i = 0; i < G_N_ELEMENTS (edges); i++)
    g_assert_true (_agviz_trace_builder_add_edge (trace, &edges[i]));
  g_hash_table_insert (reference_inputs, GINT_TO_POINTER (ASSIGN), GUINT_TO_POINTER (1));
  scope_a = scope_at (trace, 1)->id;
  scope_b = scope_at (trace, 2)->id;
  g_assert_cmpstr (_agviz_trace_builder_name (trace, scope_at (trace, 2)->name_offset), ==, "b");

  rows = _agviz_scope_edges_aggregate (trace, reference_inputs);
  g_assert_cmpuint (rows->len, ==, 3);
  /* In key order: by scope, then source, then destination. */
  for (guint i = 1; i < rows->len; i++)
    {
      AgvizScopeEdgeAggregate *before = &g_array_index (rows, AgvizScopeEdgeAggregate, i - 1);
      AgvizScopeEdgeAggregate *after = &g_array_index (rows, AgvizScopeEdgeAggregate, i);

      g_assert_true (before->scope_id < after->scope_id ||
                     (before->scope_id == after->scope_id && before->src < after->src));
    }

  row = find_row (rows, 1, 3, -scope_a);
  g_assert_nonnull (row);
  g_assert_cmpint (row->count, ==, 2);
  g_assert_cmpint (row->control_count, ==, 1);
  g_assert_cmpint (row->reference_count, ==, 1);
  g_assert_cmpint (row->tensor_elements, ==, 4);

  row = find_row (rows, scope_a, 1, -scope_b);
  g_assert_nonnull (row);
  g_assert_cmpint (row->count, ==, 1);
  g_assert_cmpint (row->reference_count, ==, 0);   /* input 1 of an assignment */
  g_assert_cmpint (row->tensor_elements, ==, 6);

  row = find_row (rows, 1, -scope_a, 3);
  g_assert_nonnull (row);
  g_assert_cmpint (row->tensor_elements, ==, -1);  /* output 1: size unknown */
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/agviz/trace-builder/scopes", test_scopes);
  g_test_add_func ("/agviz/trace-builder/deep-scopes", test_deep_scopes);
  g_test_add_func ("/agviz/trace-builder/edges", test_edges);
  g_test_add_func ("/agviz/trace-builder/calls", test_calls);
  g_test_add_func ("/agviz/trace-builder/scope-edges", test_scope_edges);
  return g_test_run ();
}
