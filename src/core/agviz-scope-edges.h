/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-scope-edges.h: the per-scope edge aggregates of a trace (table scope_edges; internal)
 *
 * A big trace is read one scope at a time by the scene, which needs the edges between the child
 * items of a scope without reading what is below them.  The recorder writes them, once per
 * trace, as rows of this shape: per edge, the scope holding both ends and the child items of
 * that scope the ends lie in (see agviz-schema.c), merged per (scope, src, dst).  Where a node
 * is shown follows the scene's rules (agviz-graph-rules.h), so both agree.
 */
#pragma once

#include <glib.h>

#include "agviz-trace-builder.h"

G_BEGIN_DECLS

/* Traces of at least this many nodes get the aggregates from the recorder and are read one scope
 * at a time by the scene; smaller ones are read whole (milliseconds). */
#define AGVIZ_SCOPE_EDGES_MIN_NODES 20000

/* The row written for the equal edges of one (scope, src, dst). */
typedef struct
{
  gint64 scope_id;
  gint64 src;                /* a node id, or minus the id of a child scope */
  gint64 dst;
  gint64 count;
  gint64 control_count;
  gint64 reference_count;
  gint64 tensor_elements;    /* -1 unknown */
} AgvizScopeEdgeAggregate;

/* The rows of finished trace @trace (element-type AgvizScopeEdgeAggregate, transfer full), in key
 * order.  @reference_inputs maps the op type ids of the trace's nodes to one more than their
 * reference input (see _agviz_graph_rules_reference_input()); op types not in it have none.
 * Edges between two nodes shown directly in one scope, nearly all of them, need no row. */
GArray *_agviz_scope_edges_aggregate (const AgvizTraceBuilder *trace,
                                      GHashTable              *reference_inputs);

G_END_DECLS
