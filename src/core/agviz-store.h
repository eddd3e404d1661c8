/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-store.h: reading a trace file
 *
 * Every query reads only what it returns, through an index (tests/test-store-plans.c checks the
 * plans), so listing a scope of a million-node trace costs the same as of a ten-node one.
 * A store may be opened while a recorder writes the file; it sees each trace once it has ended
 * (see agviz-recorder.h).  One store per thread.
 *
 * Introspection leaves out the functions that hand out records (AgvizTrace, AgvizNode, ...):
 * those are plain structs without a boxed GType, which a binding could not free.
 */
#pragma once

#include <glib-object.h>

#include "agviz-records.h"
#include "agviz-version-macros.h"

G_BEGIN_DECLS

#define AGVIZ_STORE_ERROR (agviz_store_error_quark ())

typedef enum
{
  AGVIZ_STORE_ERROR_NOT_FOUND,     /* no trace/node/scope/stack with that id or name */
  AGVIZ_STORE_ERROR_AMBIGUOUS,     /* a name that matches more than one thing */
  AGVIZ_STORE_ERROR_READ_ONLY,     /* a cache write on a store opened without WRITABLE */
} AgvizStoreError;

typedef enum
{
  AGVIZ_STORE_FLAGS_NONE     = 0,
  AGVIZ_STORE_FLAGS_WRITABLE = 1 << 0,   /* for caches the viewer keeps in the file */
} AgvizStoreFlags;

/* Totals over the whole file, for reports. */
typedef struct
{
  gint64 functions;
  gint64 traces;
  gint64 nodes;
  gint64 edges;
  gint64 executions;
  gint64 events;
  gint64 errors;
} AgvizStoreTotals;

#define AGVIZ_TYPE_STORE (agviz_store_get_type ())
AGVIZ_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (AgvizStore, agviz_store, AGVIZ, STORE, GObject)

AGVIZ_AVAILABLE_IN_ALL
GQuark              agviz_store_error_quark            (void);

/**
 * agviz_store_open:
 *
 * Opens @path read-only (unless @flags say otherwise).  A file from an older agviz is upgraded
 * first, which needs write access once.  Errors are in AGVIZ_TRACE_FILE_ERROR.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
AGVIZ_AVAILABLE_IN_ALL
AgvizStore         *agviz_store_open                   (const char       *path,
                                                        AgvizStoreFlags   flags,
                                                        GError          **error);

AGVIZ_AVAILABLE_IN_ALL
const char         *agviz_store_get_path               (AgvizStore       *self);

/**
 * agviz_store_get_metadata:
 *
 * The value stored under @key, or NULL.
 *
 * Returns: (transfer full) (nullable): the value
 */
AGVIZ_AVAILABLE_IN_ALL
char               *agviz_store_get_metadata           (AgvizStore       *self,
                                                        const char       *key,
                                                        GError          **error);
/**
 * agviz_store_list_metadata:
 *
 * Every metadata pair.
 *
 * Returns: (transfer full) (element-type utf8 utf8): key -> value
 */
AGVIZ_AVAILABLE_IN_ALL
GHashTable         *agviz_store_list_metadata          (AgvizStore       *self,
                                                        GError          **error);

/* Runs SQLite's integrity check over the whole file (slow on big files: for `agviz info --check`
 * and tests, never on open).  FALSE with AGVIZ_TRACE_FILE_ERROR_CORRUPT saying what is wrong. */
AGVIZ_AVAILABLE_IN_ALL
gboolean            agviz_store_check_integrity        (AgvizStore       *self,
                                                        GError          **error);

/**
 * agviz_store_get_totals:
 * @totals: (out caller-allocates): the totals
 *
 * Returns: (skip): %TRUE, or %FALSE with @error set
 */
AGVIZ_AVAILABLE_IN_ALL
gboolean            agviz_store_get_totals             (AgvizStore       *self,
                                                        AgvizStoreTotals *totals,
                                                        GError          **error);

/**
 * agviz_store_list_functions: (skip)
 *
 * Every function with its traces (element-type AgvizFunction, transfer full).
 */
AGVIZ_AVAILABLE_IN_ALL
GPtrArray          *agviz_store_list_functions         (AgvizStore       *self,
                                                        GError          **error);
/**
 * agviz_store_list_objects: (skip)
 *
 * The module tree functions belong to (AgvizFunction.object_id), parents before their children
 * and siblings in the order the source lists them (element-type AgvizObject, transfer full).
 * Empty for files whose sources know no module tree.
 */
AGVIZ_AVAILABLE_IN_ALL
GPtrArray          *agviz_store_list_objects           (AgvizStore       *self,
                                                        GError          **error);
/**
 * agviz_store_list_body_graphs: (skip)
 *
 * The graph names a control-flow op calls as a part of itself (element-type utf8, transfer full):
 * a loop's cond and body, a conditional's branches, a reducer or comparator; not the functions
 * plain call ops call (the role `f` of TensorFlow's PartitionedCall, `callee` of MLIR's call).
 */
AGVIZ_AVAILABLE_IN_ALL
GPtrArray          *agviz_store_list_body_graphs     (AgvizStore       *self,
                                                        GError          **error);
/**
 * agviz_store_get_object_path: (skip)
 *
 * @object_id and its parents, from its root down (element-type AgvizObject, transfer full).
 */
AGVIZ_AVAILABLE_IN_ALL
GPtrArray          *agviz_store_get_object_path        (AgvizStore       *self,
                                                        gint64            object_id,
                                                        GError          **error);
/* The module-tree object of the function whose trace is the graph @graph_name: 0 when it has
 * none (or there is no such graph), -1 on error. */
AGVIZ_AVAILABLE_IN_ALL
gint64              agviz_store_find_graph_object      (AgvizStore       *self,
                                                        const char       *graph_name,
                                                        GError          **error);
/**
 * agviz_store_get_trace: (skip)
 */
AGVIZ_AVAILABLE_IN_ALL
AgvizTrace         *agviz_store_get_trace              (AgvizStore       *self,
                                                        gint64            trace_id,
                                                        GError          **error);
/**
 * agviz_store_find_trace: (skip)
 *
 * The trace whose graph is named @graph_name ("__inference_f_123").
 */
AGVIZ_AVAILABLE_IN_ALL
AgvizTrace         *agviz_store_find_trace             (AgvizStore       *self,
                                                        const char       *graph_name,
                                                        GError          **error);

/**
 * agviz_store_list_executions: (skip)
 *
 * Up to @limit executions after sequence number @after_seq, in order; @trace_id 0 lists all
 * (tf.function calls and eager ops).  Element-type AgvizExecution.
 */
AGVIZ_AVAILABLE_IN_ALL
GPtrArray          *agviz_store_list_executions        (AgvizStore       *self,
                                                        gint64            trace_id,
                                                        gint64            after_seq,
                                                        guint             limit,
                                                        GError          **error);

/**
 * agviz_store_get_node: (skip)
 */
AGVIZ_AVAILABLE_IN_ALL
AgvizNode          *agviz_store_get_node               (AgvizStore       *self,
                                                        gint64            node_id,
                                                        GError          **error);
/**
 * agviz_store_find_node: (skip)
 *
 * The node called @name (its full scoped name) in @trace_id.
 */
AGVIZ_AVAILABLE_IN_ALL
AgvizNode          *agviz_store_find_node              (AgvizStore       *self,
                                                        gint64            trace_id,
                                                        const char       *name,
                                                        GError          **error);

/**
 * agviz_store_get_scope: (skip)
 */
AGVIZ_AVAILABLE_IN_ALL
AgvizScope         *agviz_store_get_scope              (AgvizStore       *self,
                                                        gint64            scope_id,
                                                        GError          **error);
/**
 * agviz_store_find_scope: (skip)
 *
 * The scope called @name ("" for the root) in @trace_id.
 */
AGVIZ_AVAILABLE_IN_ALL
AgvizScope         *agviz_store_find_scope             (AgvizStore       *self,
                                                        gint64            trace_id,
                                                        const char       *name,
                                                        GError          **error);
/**
 * agviz_store_list_scope_children: (skip)
 *
 * What a scope directly contains, both sorted by name: sub-scopes (AgvizScope, with counts) and
 * nodes (AgvizNode).  Either out-parameter may be NULL.
 */
AGVIZ_AVAILABLE_IN_ALL
gboolean            agviz_store_list_scope_children    (AgvizStore       *self,
                                                        gint64            scope_id,
                                                        GPtrArray       **scopes,
                                                        GPtrArray       **nodes,
                                                        GError          **error);

/**
 * agviz_store_list_edges_between: (skip)
 *
 * Edges whose both ends are among @node_ids (element-type AgvizEdge in a GArray).
 */
AGVIZ_AVAILABLE_IN_ALL
GArray             *agviz_store_list_edges_between     (AgvizStore       *self,
                                                        const gint64     *node_ids,
                                                        guint             n_node_ids,
                                                        GError          **error);
/**
 * agviz_store_list_node_edges: (skip)
 *
 * A node's inputs (in input order) and outputs.
 */
AGVIZ_AVAILABLE_IN_ALL
gboolean            agviz_store_list_node_edges        (AgvizStore       *self,
                                                        gint64            node_id,
                                                        GArray          **inputs,
                                                        GArray          **outputs,
                                                        GError          **error);
/**
 * agviz_store_list_node_calls:
 *
 * The function graphs a call node calls, by the role it calls them in ("f", "then_branch", ...).
 *
 * Returns: (transfer full) (element-type utf8 utf8): role -> graph name
 */
AGVIZ_AVAILABLE_IN_ALL
GHashTable         *agviz_store_list_node_calls        (AgvizStore       *self,
                                                        gint64            node_id,
                                                        GError          **error);

/* Edges between the child items of one scope, merged per pair of items (schema v3, written when a
 * trace ends; edges between two nodes directly inside the scope are not among them: see
 * SCHEMA.md, table scope_edges). */
typedef struct
{
  gint64 src;                        /* a node id, or minus a scope id */
  gint64 dst;
  gint64 count;
  gint64 control_count;
  gint64 reference_count;
  gint64 tensor_elements;            /* -1 unknown */
} AgvizScopeEdgeRow;

/* Whether the rows of agviz_store_list_scope_edges() exist for @trace_id: FALSE for a trace
 * recorded before schema v3, whose viewer must read the whole trace instead. */
AGVIZ_AVAILABLE_IN_ALL
gboolean            agviz_store_trace_has_scope_edges  (AgvizStore       *self,
                                                        gint64            trace_id,
                                                        GError          **error);
/**
 * agviz_store_list_scope_edges: (skip)
 *
 * The rows of @scope_id, ordered by (src, dst) (element-type AgvizScopeEdgeRow, transfer full).
 */
AGVIZ_AVAILABLE_IN_ALL
GArray             *agviz_store_list_scope_edges       (AgvizStore       *self,
                                                        gint64            scope_id,
                                                        GError          **error);

/**
 * agviz_store_get_stack: (skip)
 *
 * A stack's frames, outermost first, each with its source line when the text was captured
 * (element-type AgvizFrame).
 */
AGVIZ_AVAILABLE_IN_ALL
GPtrArray          *agviz_store_get_stack              (AgvizStore       *self,
                                                        gint64            stack_id,
                                                        GError          **error);
/**
 * agviz_store_get_stack_frames: (skip)
 *
 * Like agviz_store_get_stack(), without the source lines: reads no file text.
 */
AGVIZ_AVAILABLE_IN_ALL
GPtrArray          *agviz_store_get_stack_frames       (AgvizStore       *self,
                                                        gint64            stack_id,
                                                        GError          **error);
/**
 * agviz_store_get_file_text:
 *
 * The captured text of a source file, or NULL when it was not captured.
 *
 * Returns: (transfer full) (nullable): the text
 */
AGVIZ_AVAILABLE_IN_ALL
GBytes             *agviz_store_get_file_text          (AgvizStore       *self,
                                                        gint64            file_id,
                                                        GError          **error);

/**
 * agviz_store_list_events: (skip)
 *
 * @trace_id 0: all of them. Element-type AgvizEvent / AgvizRecordedError.
 */
AGVIZ_AVAILABLE_IN_ALL
GPtrArray          *agviz_store_list_events            (AgvizStore       *self,
                                                        gint64            trace_id,
                                                        GError          **error);
/**
 * agviz_store_list_errors: (skip)
 */
AGVIZ_AVAILABLE_IN_ALL
GPtrArray          *agviz_store_list_errors            (AgvizStore       *self,
                                                        GError          **error);
/**
 * agviz_store_list_tensor_summaries: (skip)
 *
 * Summaries recorded for @node_id (or, with node 0, for @execution_id).
 */
AGVIZ_AVAILABLE_IN_ALL
GPtrArray          *agviz_store_list_tensor_summaries  (AgvizStore       *self,
                                                        gint64            node_id,
                                                        gint64            execution_id,
                                                        GError          **error);

/* Search (agviz-search.h): reads of one trace, along its indexes, that stop after @limit
 * results (*@more, when not NULL, says whether there were more).  Their cost follows the size of
 * the trace, never of the file; run them off the GUI's main thread.  Names are matched ignoring
 * ASCII case, as substrings. */

/* The id of the op type called @name, ASCII case ignored; 0 when no node has it, -1 on error. */
AGVIZ_AVAILABLE_IN_ALL
gint64              agviz_store_find_op_type           (AgvizStore       *self,
                                                        const char       *name,
                                                        GError          **error);
/**
 * agviz_store_search_trace_nodes: (skip)
 *
 * Nodes of @trace_id whose own name (the last component) contains @name_part and whose full name
 * contains @path_part (NULL: any), or whose op type is @op_type_id (0: none); @name_part NULL
 * matches by op type only (element-type AgvizNode).
 */
AGVIZ_AVAILABLE_IN_ALL
GPtrArray          *agviz_store_search_trace_nodes     (AgvizStore       *self,
                                                        gint64            trace_id,
                                                        const char       *name_part,
                                                        const char       *path_part,
                                                        gint64            op_type_id,
                                                        guint             limit,
                                                        gboolean         *more,
                                                        GError          **error);
/**
 * agviz_store_search_trace_scopes: (skip)
 *
 * Scopes of @trace_id whose own name contains @name_part and whose full name contains
 * @path_part (NULL: any), the root left out (element-type AgvizScope).
 */
AGVIZ_AVAILABLE_IN_ALL
GPtrArray          *agviz_store_search_trace_scopes    (AgvizStore       *self,
                                                        gint64            trace_id,
                                                        const char       *name_part,
                                                        const char       *path_part,
                                                        guint             limit,
                                                        gboolean         *more,
                                                        GError          **error);
/**
 * agviz_store_find_frames_at:
 *
 * The frames at @line of the recorded source files whose path is @file or ends in "/@file":
 * one per column and function on that line.  Reads the list of source files, one row per file
 * the trace file knows.
 *
 * Returns: (transfer full) (element-type gint64): frame ids
 */
AGVIZ_AVAILABLE_IN_ALL
GArray             *agviz_store_find_frames_at         (AgvizStore       *self,
                                                        const char       *file,
                                                        int               line,
                                                        GError          **error);
typedef struct
{
  gint64 node_id;
  gint64 stack_id;
} AgvizNodeStack;
/**
 * agviz_store_list_trace_node_stacks: (skip)
 *
 * The nodes of @trace_id that have a creation stack, with it (element-type AgvizNodeStack).
 */
AGVIZ_AVAILABLE_IN_ALL
GArray             *agviz_store_list_trace_node_stacks (AgvizStore       *self,
                                                        gint64            trace_id,
                                                        GError          **error);

/* For diagnostics: these read whole tables (not for interactive use). */
/**
 * agviz_store_list_source_files: (skip)
 *
 * Every source file frames point into (element-type AgvizSourceFile).
 */
AGVIZ_AVAILABLE_IN_ALL
GPtrArray          *agviz_store_list_source_files      (AgvizStore       *self,
                                                        GError          **error);
/**
 * agviz_store_list_nodes_named: (skip)
 *
 * Nodes of any trace whose last name component is @local_name ("MatMul" finds
 * "model/dense/MatMul"), by trace then id (element-type AgvizNode).
 */
AGVIZ_AVAILABLE_IN_ALL
GPtrArray          *agviz_store_list_nodes_named       (AgvizStore       *self,
                                                        const char       *local_name,
                                                        GError          **error);
/**
 * agviz_store_list_trace_nodes_of_type: (skip)
 *
 * The nodes of @trace_id whose op type is @op_type, in creation order.
 */
AGVIZ_AVAILABLE_IN_ALL
GPtrArray          *agviz_store_list_trace_nodes_of_type (AgvizStore     *self,
                                                        gint64            trace_id,
                                                        const char       *op_type,
                                                        GError          **error);
/**
 * agviz_store_list_unhealthy_summaries: (skip)
 *
 * Tensor summaries that counted a NaN or an infinity, in execution order.
 */
AGVIZ_AVAILABLE_IN_ALL
GPtrArray          *agviz_store_list_unhealthy_summaries (AgvizStore     *self,
                                                        GError          **error);

/* Whole-trace reads for building a scene (agviz-scene.c).  Each is one pass along indexes, handing
 * rows to @func without allocating per row (the strings live until @func returns); @func returns
 * FALSE to stop early.  Not interactive: their cost follows the size of the trace. */
typedef struct
{
  gint64      id;
  gint64      parent_id;             /* 0 for the root */
  const char *name;                  /* local name, "" for the root */
  gint64      node_count;
  gint64      descendant_count;
} AgvizScopeRow;

typedef struct
{
  gint64        id;
  gint64        scope_id;
  const char   *name;                /* local name (the last '/' segment) */
  const char   *op_type;
  const char   *device;              /* NULL when not placed */
  gint64        stack_id;
  gint64        attr_set_id;         /* equal ids have equal attrs; 0 when none */
  gconstpointer attrs;               /* serialized a{sv} (untrusted bytes), NULL when none */
  gsize         attrs_size;
} AgvizNodeRow;

typedef gboolean  (*AgvizStoreScopeFunc) (const AgvizScopeRow *row,
                                          gpointer             user_data);
typedef gboolean  (*AgvizStoreNodeFunc)  (const AgvizNodeRow  *row,
                                          gpointer             user_data);
typedef gboolean  (*AgvizStoreEdgeFunc)  (const AgvizEdge     *edge,
                                          gpointer             user_data);
typedef gboolean  (*AgvizStoreCallFunc)  (gint64               node_id,
                                          const char          *role,
                                          const char          *callee_graph_name,
                                          gpointer             user_data);

/* Scopes come parents first; nodes and edges in no particular order. */
/**
 * agviz_store_foreach_trace_scope:
 * @func: (scope call): called with each row
 */
AGVIZ_AVAILABLE_IN_ALL
gboolean            agviz_store_foreach_trace_scope    (AgvizStore          *self,
                                                        gint64               trace_id,
                                                        AgvizStoreScopeFunc  func,
                                                        gpointer             user_data,
                                                        GError             **error);
/**
 * agviz_store_foreach_trace_node:
 * @func: (scope call): called with each row
 */
AGVIZ_AVAILABLE_IN_ALL
gboolean            agviz_store_foreach_trace_node     (AgvizStore          *self,
                                                        gint64               trace_id,
                                                        AgvizStoreNodeFunc   func,
                                                        gpointer             user_data,
                                                        GError             **error);
/**
 * agviz_store_foreach_trace_edge:
 * @func: (scope call): called with each row
 */
AGVIZ_AVAILABLE_IN_ALL
gboolean            agviz_store_foreach_trace_edge     (AgvizStore          *self,
                                                        gint64               trace_id,
                                                        AgvizStoreEdgeFunc   func,
                                                        gpointer             user_data,
                                                        GError             **error);
/**
 * agviz_store_foreach_trace_call:
 * @func: (scope call): called with each row
 */
AGVIZ_AVAILABLE_IN_ALL
gboolean            agviz_store_foreach_trace_call     (AgvizStore          *self,
                                                        gint64               trace_id,
                                                        AgvizStoreCallFunc   func,
                                                        gpointer             user_data,
                                                        GError             **error);
/* One scope's own nodes (in no particular order) and the calls they make (by node, then role), for
 * a viewer that reads only what is expanded. */
/**
 * agviz_store_foreach_scope_node:
 * @func: (scope call): called with each row
 */
AGVIZ_AVAILABLE_IN_ALL
gboolean            agviz_store_foreach_scope_node     (AgvizStore          *self,
                                                        gint64               scope_id,
                                                        AgvizStoreNodeFunc   func,
                                                        gpointer             user_data,
                                                        GError             **error);
/**
 * agviz_store_foreach_scope_call:
 * @func: (scope call): called with each row
 */
AGVIZ_AVAILABLE_IN_ALL
gboolean            agviz_store_foreach_scope_call     (AgvizStore          *self,
                                                        gint64               scope_id,
                                                        AgvizStoreCallFunc   func,
                                                        gpointer             user_data,
                                                        GError             **error);

/* The layout cache (schema v2): opaque blobs keyed by trace and a view key the renderer makes.
 * Reading returns NULL without an error when nothing is cached (transfer full).  Writing needs a
 * store opened with AGVIZ_STORE_FLAGS_WRITABLE (else AGVIZ_STORE_ERROR_READ_ONLY). */
AGVIZ_AVAILABLE_IN_ALL
gboolean            agviz_store_is_writable            (AgvizStore          *self);
/**
 * agviz_store_get_cached_layout:
 *
 * Returns: (transfer full) (nullable): the cached layout
 */
AGVIZ_AVAILABLE_IN_ALL
GBytes             *agviz_store_get_cached_layout      (AgvizStore          *self,
                                                        gint64               trace_id,
                                                        const char          *view_key,
                                                        GError             **error);
AGVIZ_AVAILABLE_IN_ALL
gboolean            agviz_store_put_cached_layout      (AgvizStore          *self,
                                                        gint64               trace_id,
                                                        const char          *view_key,
                                                        GBytes              *layout,
                                                        GError             **error);
/* Groups cache writes into one transaction (one sync for a whole view).  A store holds at most
 * one batch; end it with agviz_store_end_cache_batch(), which commits. */
AGVIZ_AVAILABLE_IN_ALL
gboolean            agviz_store_begin_cache_batch      (AgvizStore          *self,
                                                        GError             **error);
AGVIZ_AVAILABLE_IN_ALL
gboolean            agviz_store_end_cache_batch        (AgvizStore          *self,
                                                        GError             **error);
/* Forgets every cached layout of @trace_id (0: of all traces). */
AGVIZ_AVAILABLE_IN_ALL
gboolean            agviz_store_clear_cached_layouts   (AgvizStore          *self,
                                                        gint64               trace_id,
                                                        GError             **error);

G_END_DECLS
