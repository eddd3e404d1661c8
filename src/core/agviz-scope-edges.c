/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-scope-edges.c: aggregating a trace's edges per scope, for the scene's per-scope reads */
#define G_LOG_DOMAIN "agviz-recorder"

#include "config.h"

#include "agviz-graph-rules.h"
#include "agviz-recorder-private.h"
#include "agviz-scope-edges.h"

/* One edge between two child items of a scope, before equal ones are merged. */
typedef struct
{
  gint64 scope_id;
  gint64 src;                /* node id, or minus a scope id */
  gint64 dst;
  gint64 tensor_elements;    /* -1 unknown */
  guint  control : 1;
  guint  reference : 1;
} ScopeEdge;

static int
compare_scope_edges (gconstpointer a,
                     gconstpointer b)
{
  const ScopeEdge *x = a, *y = b;

  if (x->scope_id != y->scope_id)
    return x->scope_id < y->scope_id ? -1 : 1;
  if (x->src != y->src)
    return x->src < y->src ? -1 : 1;
  return x->dst < y->dst ? -1 : x->dst > y->dst;
}

/* The scope a viewer shows each node in: its own, unless the sibling-scope rule moves it into a
 * child scope of its name.  One pass over the nodes, so edges (1.5 per node) need no name
 * look-ups; nodes in scopes without child scopes, most of them, need none either. */
static guint *
shown_scopes (const AgvizTraceBuilder *trace,
              AgvizSiblingScopes      *child_scopes,
              const guint8            *has_child_scopes)
{
  guint *shown = g_new (guint, trace->nodes->len);

  for (guint n = 0; n < trace->nodes->len; n++)
    {
      AgvizPendingNode *node = &g_array_index (trace->nodes, AgvizPendingNode, n);
      gpointer child;

      shown[n] = node->scope_index;
      if (!has_child_scopes[node->scope_index])
        continue;
      child = _agviz_sibling_scopes_find_shown_in (child_scopes, GUINT_TO_POINTER (node->scope_index),
                                                   _agviz_trace_builder_name (trace, node->name_offset));
      if (child != NULL)
        shown[n] = GPOINTER_TO_UINT (child) - 1;
    }
  return shown;
}

/* The edge @edge between the child items of the scope holding both its ends, or FALSE when both
 * ends are shown as one item or directly in one scope (no row). */
static gboolean
place_edge (const AgvizTraceBuilder *trace,
            const guint             *shown,
            const guint             *depth,
            GHashTable              *reference_inputs,
            const AgvizEdge         *edge,
            ScopeEdge               *row)
{
  guint src_index = _agviz_trace_builder_node_index (trace, edge->src_node_id);
  guint dst_index = _agviz_trace_builder_node_index (trace, edge->dst_node_id);
  AgvizPendingNode *src = &g_array_index (trace->nodes, AgvizPendingNode, src_index);
  AgvizPendingNode *dst = &g_array_index (trace->nodes, AgvizPendingNode, dst_index);
  AgvizPendingScope *scopes = (AgvizPendingScope *) trace->scopes->data;
  guint a = shown[src_index], b = shown[dst_index];
  guint reference_input;

  if (src_index == dst_index || a == b)
    return FALSE;
  row->src = src->id;
  row->dst = dst->id;
  while (depth[a] > depth[b])
    {
      row->src = -scopes[a].id;
      a = scopes[a].parent_index;
    }
  while (depth[b] > depth[a])
    {
      row->dst = -scopes[b].id;
      b = scopes[b].parent_index;
    }
  while (a != b)
    {
      row->src = -scopes[a].id;
      a = scopes[a].parent_index;
      row->dst = -scopes[b].id;
      b = scopes[b].parent_index;
    }
  row->scope_id = scopes[a].id;
  row->control = edge->src_output < 0;
  reference_input = GPOINTER_TO_UINT (g_hash_table_lookup (reference_inputs,
                                                           _agviz_id_to_key (dst->op_type_id)));
  row->reference = reference_input != 0 && edge->dst_input == (int) reference_input - 1;
  row->tensor_elements = edge->src_output == 0 ? src->output_elements : -1;
  return TRUE;
}

GArray *
_agviz_scope_edges_aggregate (const AgvizTraceBuilder *trace,
                              GHashTable              *reference_inputs)
{
  g_autofree guint *depth = g_new0 (guint, trace->scopes->len);
  g_autofree guint8 *has_child_scopes = g_new0 (guint8, trace->scopes->len);
  g_autoptr(AgvizSiblingScopes) child_scopes = _agviz_sibling_scopes_new ();
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (ScopeEdge));
  GArray *merged = g_array_new (FALSE, FALSE, sizeof (AgvizScopeEdgeAggregate));
  g_autofree guint *shown = NULL;

  for (guint i = 1; i < trace->scopes->len; i++)
    {
      AgvizPendingScope *scope = &g_array_index (trace->scopes, AgvizPendingScope, i);

      depth[i] = depth[scope->parent_index] + 1;
      has_child_scopes[scope->parent_index] = 1;
      _agviz_sibling_scopes_add (child_scopes, GUINT_TO_POINTER (scope->parent_index),
                                 _agviz_trace_builder_name (trace, scope->name_offset),
                                 GUINT_TO_POINTER (i + 1));
    }

  shown = shown_scopes (trace, child_scopes, has_child_scopes);
  for (guint e = 0; e < trace->edges->len; e++)
    {
      ScopeEdge row = { 0 };

      if (place_edge (trace, shown, depth, reference_inputs,
                      &g_array_index (trace->edges, AgvizEdge, e), &row))
        g_array_append_val (rows, row);
    }

  g_array_sort (rows, compare_scope_edges);
  for (guint i = 0; i < rows->len;)
    {
      ScopeEdge *first = &g_array_index (rows, ScopeEdge, i);
      AgvizScopeEdgeAggregate sum = { first->scope_id, first->src, first->dst, 0, 0, 0, -1 };

      for (; i < rows->len && compare_scope_edges (first, &g_array_index (rows, ScopeEdge, i)) == 0; i++)
        {
          ScopeEdge *row = &g_array_index (rows, ScopeEdge, i);

          sum.count++;
          sum.control_count += row->control;
          sum.reference_count += row->reference;
          if (row->tensor_elements >= 0)
            sum.tensor_elements = MAX (sum.tensor_elements, 0) + row->tensor_elements;
        }
      g_array_append_val (merged, sum);
    }
  return merged;
}
