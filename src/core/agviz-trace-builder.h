/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-trace-builder.h: one trace being recorded, held in memory until it ends (internal)
 *
 * The recorder keeps each open trace here.  It is checked as it grows (a second node of one name,
 * a second edge into one input) and reaches the file in one go when it ends: readers and crashes
 * never see half a trace, a mistake is caught at the call that makes it, and the rows go in with
 * multi-row inserts in key order, several times faster than a statement per row.  Nothing here
 * uses SQL: the recorder's database part reads the arrays below to write the rows.
 *
 * Node and scope ids are given by the caller (the recorder numbers them across traces); node ids
 * only grow, so the nodes array is sorted by id.
 */
#pragma once

#include <glib.h>

#include "agviz-records.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 id;
  guint  parent_index;       /* index in scopes; G_MAXUINT for the root */
  guint  name_offset;        /* local name, in names */
  gint64 node_count;
  gint64 descendant_count;   /* set by _agviz_trace_builder_finish() */
} AgvizPendingScope;

typedef struct
{
  gint64  id;
  guint   scope_index;
  guint   name_offset;       /* local name, in names */
  gint64  op_type_id;
  gint64  device_id;
  gint64  stack_id;
  gint64  attr_set_id;
  gint64  output_elements;   /* of output 0, from "_output_shapes"; -1 unknown */
  guint64 inputs_taken;      /* bit i: input i has its edge (i < 64; the others in a hash set) */
} AgvizPendingNode;

typedef struct
{
  gint64  node_id;
  char   *role;
  char   *callee_graph_name;
} AgvizPendingCall;

typedef struct
{
  gint64      id;
  gint64      started_usec;     /* monotonic, to measure the tracing time */
  GString    *names;            /* local names of scopes and nodes, each NUL-terminated */
  GArray     *scopes;           /* AgvizPendingScope, parents before children; [0] is the root */
  GArray     *nodes;            /* AgvizPendingNode, by id */
  GArray     *edges;            /* AgvizEdge, in the order they were added */
  GArray     *calls;            /* AgvizPendingCall */

  /* The edge lists of every node (see agviz-edge-list.h), made by _agviz_trace_builder_finish():
   * per node an offset into edge_lists, and one past the end. */
  GByteArray *edge_lists;
  GArray     *input_offsets;    /* guint */
  GArray     *consumer_offsets; /* guint */

  /*< private >*/
  GHashTable *scope_index;      /* "parent index/local name" (owned) -> index in scopes + 1 */
  GHashTable *scope_by_path;    /* full path (owned), only up to a bound in bytes -> index + 1 */
  GString    *last_scope_path;  /* the full path of the scope looked up last */
  guint       last_scope_index;
  GHashTable *node_by_hash;     /* 64-bit hash of (scope, name) -> index in nodes + 1 */
  GHashTable *node_by_key;      /* "scope index/name" -> index + 1, for the rare hash collision */
  GHashTable *edge_inputs;      /* packed (dst node, input) taken, for inputs from 64 on */
  GHashTable *wide_edge_inputs; /* "dst:input" for ids too large to pack */
  GString    *scratch;
} AgvizTraceBuilder;

/* Where a node goes: found by _agviz_trace_builder_place_node(), used by _add_node(). */
typedef struct
{
  guint       scope_index;
  const char *local_name;       /* points into the name placed */
  gboolean    hash_taken;       /* another node has the same name hash */
} AgvizNodePlace;

AgvizTraceBuilder *_agviz_trace_builder_new        (gint64                   trace_id,
                                                    gint64                   root_scope_id);
void               _agviz_trace_builder_free       (AgvizTraceBuilder       *self);

/* Finds the scope of the node named by its full scoped name @name ("model/dense/MatMul"),
 * creating the scope and its parents as needed with ids from *@next_scope_id on.  FALSE when the
 * trace has a node of that name already.  @name must not be empty or end with '/'. */
gboolean           _agviz_trace_builder_place_node (AgvizTraceBuilder       *self,
                                                    const char              *name,
                                                    gint64                  *next_scope_id,
                                                    AgvizNodePlace          *place);
/* Adds @node (its id set, its scope and name taken from @place) where _place_node() said.
 * Its id must be larger than every id added before. */
void               _agviz_trace_builder_add_node   (AgvizTraceBuilder       *self,
                                                    const AgvizNodePlace    *place,
                                                    AgvizPendingNode        *node);

/* The id of the node named @name, or 0 when there is none. */
gint64             _agviz_trace_builder_find_node  (AgvizTraceBuilder       *self,
                                                    const char              *name);
/* The index in nodes of @node_id, which must be a node of this trace. */
guint              _agviz_trace_builder_node_index (const AgvizTraceBuilder *self,
                                                    gint64                   node_id);

/* Adds @edge between two nodes of this trace; FALSE when its input of the destination has an
 * edge already. */
gboolean           _agviz_trace_builder_add_edge   (AgvizTraceBuilder       *self,
                                                    const AgvizEdge         *edge);
/* FALSE when node @node_id calls through @role already. */
gboolean           _agviz_trace_builder_add_call   (AgvizTraceBuilder       *self,
                                                    gint64                   node_id,
                                                    const char              *role,
                                                    const char              *callee_graph_name);

/* The in-memory part of ending the trace: every scope's descendant count and the nodes' edge
 * lists.  May be called again (after a failed write): it starts over. */
void               _agviz_trace_builder_finish     (AgvizTraceBuilder       *self);

static inline const char *
_agviz_trace_builder_name (const AgvizTraceBuilder *self,
                           guint                    name_offset)
{
  return self->names->str + name_offset;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizTraceBuilder, _agviz_trace_builder_free)

G_END_DECLS
