/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-store.c: indexed reads of a trace file
 *
 * All SQL of the read side is in `queries` below, prepared once at open.  Queries marked
 * `interactive` are what the GUI runs while the user clicks: test-store-plans checks that none of
 * them scans a table.
 */
#define G_LOG_DOMAIN "agviz-store"

#include "config.h"

#include <string.h>

#include "agviz-edge-list.h"
#include "agviz-store.h"
#include "agviz-store-private.h"
#include "agviz-trace-file-private.h"

G_DEFINE_QUARK (agviz-store-error-quark, agviz_store_error)

typedef enum
{
  Q_GET_METADATA,
  Q_LIST_METADATA,
  Q_LIST_FUNCTIONS,
  Q_LIST_OBJECTS,
  Q_LIST_BODY_GRAPHS,
  Q_GET_OBJECT,
  Q_FIND_GRAPH_OBJECT,
  Q_LIST_TRACES_OF_FUNCTION,
  Q_GET_TRACE,
  Q_FIND_TRACE,
  Q_LIST_EXECUTIONS,
  Q_LIST_TRACE_EXECUTIONS,
  Q_GET_NODE,
  Q_LIST_SCOPE_NODES,
  Q_FIND_NODE_IN_SCOPE,
  Q_GET_SCOPE,
  Q_FIND_CHILD_SCOPE,
  Q_LIST_CHILD_SCOPES,
  Q_EDGES_INTO,
  Q_EDGES_OUT_OF,
  Q_NODE_CALLS,
  Q_STACK_ENTRY,
  Q_FRAME,
  Q_FILE_TEXT,
  Q_LIST_EVENTS,
  Q_LIST_TRACE_EVENTS,
  Q_LIST_ERRORS,
  Q_NODE_SUMMARIES,
  Q_EXECUTION_SUMMARIES,
  Q_TOTALS,
  Q_INTEGRITY_CHECK,
  Q_LIST_SOURCE_FILES,
  Q_LIST_NODES_NAMED,
  Q_LIST_TRACE_NODES_OF_TYPE,
  Q_LIST_UNHEALTHY_SUMMARIES,
  Q_TRACE_SCOPES,
  Q_TRACE_NODES,
  Q_TRACE_EDGES,
  Q_TRACE_CALLS,
  Q_SCOPE_NODES,
  Q_SCOPE_CALLS,
  Q_GET_LAYOUT,
  Q_PUT_LAYOUT,
  Q_CLEAR_LAYOUTS,
  Q_CLEAR_ALL_LAYOUTS,
  Q_TRACE_HAS_SCOPE_EDGES,
  Q_LIST_SCOPE_EDGES,
  Q_LIST_OP_TYPES,
  Q_SEARCH_TRACE_NODE_NAMES,
  Q_SEARCH_TRACE_NODES_OF_TYPE,
  Q_SEARCH_TRACE_SCOPES,
  Q_FRAMES_AT_LINE,
  Q_LIST_TRACE_NODE_STACKS,
  N_QUERIES
} QueryId;

#define TRACE_COLUMNS \
  "t.id, t.function_id, t.ordinal, t.graph_name, t.signature, t.reason, t.status," \
  " t.started_ns, t.wall_ns, t.root_scope_id, t.node_count, t.edge_count," \
  " (SELECT count(*) FROM executions e WHERE e.trace_id = t.id AND e.trace_id <> 0)," \
  " t.object, t.call_signature"

#define NODE_COLUMNS \
  "n.id, s.trace_id, n.scope_id, n.name, o.name, d.name, n.stack_id, a.value"

#define NODE_JOINS \
  " FROM nodes n JOIN scopes s ON s.id = n.scope_id" \
  " LEFT JOIN op_types o ON o.id = n.op_type_id" \
  " LEFT JOIN devices d ON d.id = n.device_id" \
  " LEFT JOIN attr_sets a ON a.id = n.attr_set_id"

#define EXECUTION_COLUMNS \
  "x.id, x.seq, x.trace_id, o.name, d.name, x.start_ns, x.duration_ns, x.status, x.stack_id" \
  " FROM executions x LEFT JOIN op_types o ON o.id = x.op_type_id" \
  " LEFT JOIN devices d ON d.id = x.device_id"

#define SUMMARY_COLUMNS \
  "id, execution_id, node_id, output_slot, debug_mode, dtype, shape, element_count, nan_count," \
  " neg_inf_count, pos_inf_count, neg_finite_count, zero_count, pos_finite_count, min, max, mean" \
  " FROM tensor_summaries"

#define EVENT_COLUMNS \
  "id, kind, wall_ns, function_id, trace_id, node_id, execution_id, stack_id, message, detail" \
  " FROM events"

static const struct
{
  const char *name;
  gboolean    interactive;   /* run on user interaction: must not scan */
  const char *sql;
} queries[N_QUERIES] = {
  [Q_GET_METADATA] = { "get-metadata", TRUE, "SELECT value FROM metadata WHERE key = ?1" },
  [Q_LIST_METADATA] = { "list-metadata", FALSE, "SELECT key, value FROM metadata ORDER BY key" },
  [Q_LIST_FUNCTIONS] = { "list-functions", FALSE,
    "SELECT f.id, f.name, sf.path, f.line, f.object_id FROM functions f"
    " LEFT JOIN source_files sf ON sf.id = f.file_id ORDER BY f.id" },
  /* The whole tree at once: it is what the sidebar shows, a row per module and function. */
  [Q_LIST_BODY_GRAPHS] = { "list-body-graphs", FALSE,
    "SELECT DISTINCT callee_graph_name FROM calls WHERE role NOT IN ('f', 'callee')" },
  [Q_LIST_OBJECTS] = { "list-objects", FALSE,
    "SELECT id, parent_id, name, kind FROM objects ORDER BY id" },
  [Q_GET_OBJECT] = { "get-object", TRUE,
    "SELECT id, parent_id, name, kind FROM objects WHERE id = ?1" },
  [Q_FIND_GRAPH_OBJECT] = { "find-graph-object", TRUE,
    "SELECT f.object_id FROM traces t JOIN functions f ON f.id = t.function_id"
    " WHERE t.graph_name = ?1 ORDER BY t.id LIMIT 1" },
  [Q_LIST_TRACES_OF_FUNCTION] = { "list-traces-of-function", TRUE,
    "SELECT " TRACE_COLUMNS " FROM traces t WHERE t.function_id = ?1 ORDER BY t.ordinal" },
  [Q_GET_TRACE] = { "get-trace", TRUE, "SELECT " TRACE_COLUMNS " FROM traces t WHERE t.id = ?1" },
  [Q_FIND_TRACE] = { "find-trace", TRUE,
    "SELECT " TRACE_COLUMNS " FROM traces t WHERE t.graph_name = ?1 ORDER BY t.id" },
  [Q_LIST_EXECUTIONS] = { "list-executions", TRUE,
    "SELECT " EXECUTION_COLUMNS " WHERE x.id > ?1 ORDER BY x.id LIMIT ?2" },
  [Q_LIST_TRACE_EXECUTIONS] = { "list-trace-executions", TRUE,
    "SELECT " EXECUTION_COLUMNS " WHERE x.trace_id = ?1 AND x.trace_id <> 0 AND x.seq > ?2"
    " ORDER BY x.seq LIMIT ?3" },
  [Q_GET_NODE] = { "get-node", TRUE, "SELECT " NODE_COLUMNS NODE_JOINS " WHERE n.id = ?1" },
  [Q_LIST_SCOPE_NODES] = { "list-scope-nodes", TRUE,
    "SELECT " NODE_COLUMNS NODE_JOINS " WHERE n.scope_id = ?1 ORDER BY n.name" },
  [Q_FIND_NODE_IN_SCOPE] = { "find-node-in-scope", TRUE,
    "SELECT id FROM nodes WHERE scope_id = ?1 AND name = ?2" },
  [Q_GET_SCOPE] = { "get-scope", TRUE,
    "SELECT id, trace_id, parent_id, name, node_count, descendant_count FROM scopes WHERE id = ?1" },
  [Q_FIND_CHILD_SCOPE] = { "find-child-scope", TRUE,
    "SELECT id FROM scopes WHERE trace_id = ?1 AND parent_id = ?2 AND name = ?3" },
  [Q_LIST_CHILD_SCOPES] = { "list-child-scopes", TRUE,
    "SELECT id, trace_id, parent_id, name, node_count, descendant_count FROM scopes"
    " WHERE trace_id = ?1 AND parent_id = ?2 ORDER BY name" },
  [Q_EDGES_INTO] = { "edges-into", TRUE, "SELECT inputs FROM nodes WHERE id = ?1" },
  [Q_EDGES_OUT_OF] = { "edges-out-of", TRUE, "SELECT consumers FROM nodes WHERE id = ?1" },
  [Q_NODE_CALLS] = { "node-calls", TRUE,
    "SELECT role, callee_graph_name FROM calls WHERE node_id = ?1" },
  [Q_STACK_ENTRY] = { "stack-entry", TRUE, "SELECT parent_id, frame_id FROM stacks WHERE id = ?1" },
  [Q_FRAME] = { "frame", TRUE,
    "SELECT f.id, f.file_id, sf.host, sf.path, f.line, f.column, f.function FROM frames f"
    " JOIN source_files sf ON sf.id = f.file_id WHERE f.id = ?1" },
  [Q_FILE_TEXT] = { "file-text", TRUE, "SELECT text FROM source_files WHERE id = ?1" },
  [Q_LIST_EVENTS] = { "list-events", FALSE, "SELECT " EVENT_COLUMNS " ORDER BY id" },
  [Q_LIST_TRACE_EVENTS] = { "list-trace-events", TRUE,
    "SELECT " EVENT_COLUMNS " WHERE trace_id = ?1 AND trace_id <> 0 ORDER BY id" },
  [Q_LIST_ERRORS] = { "list-errors", FALSE,
    "SELECT id, origin, wall_ns, type, message, traceback, function_id, trace_id, execution_id,"
    " node_id, stack_id FROM errors ORDER BY id" },
  [Q_NODE_SUMMARIES] = { "node-summaries", TRUE,
    "SELECT " SUMMARY_COLUMNS " WHERE node_id = ?1 AND node_id <> 0 ORDER BY id" },
  [Q_EXECUTION_SUMMARIES] = { "execution-summaries", TRUE,
    "SELECT " SUMMARY_COLUMNS " WHERE execution_id = ?1 AND execution_id <> 0 ORDER BY id" },
  /* A report, not interactive: counting executions and events reads their tables.  total()
   * rather than sum(): sum() fails the whole query with "integer overflow" on a hand-made file's
   * impossible counts, total() adds in floating point and the cast saturates. */
  [Q_TOTALS] = { "totals", FALSE,
    "SELECT (SELECT count(*) FROM functions), (SELECT count(*) FROM traces),"
    " (SELECT CAST(total(node_count) AS INTEGER) FROM traces),"
    " (SELECT CAST(total(edge_count) AS INTEGER) FROM traces),"
    " (SELECT count(*) FROM executions), (SELECT count(*) FROM events),"
    " (SELECT count(*) FROM errors)" },
  [Q_INTEGRITY_CHECK] = { "integrity-check", FALSE, "PRAGMA integrity_check(20)" },
  /* The diagnostics' queries read whole tables once per `agviz check`, never per click. */
  [Q_LIST_SOURCE_FILES] = { "list-source-files", FALSE,
    "SELECT id, host, path, sha256, text IS NOT NULL FROM source_files ORDER BY id" },
  [Q_LIST_NODES_NAMED] = { "list-nodes-named", FALSE,
    "SELECT " NODE_COLUMNS NODE_JOINS " WHERE n.name = ?1 ORDER BY s.trace_id, n.id" },
  [Q_LIST_TRACE_NODES_OF_TYPE] = { "list-trace-nodes-of-type", FALSE,
    "SELECT " NODE_COLUMNS NODE_JOINS " WHERE s.trace_id = ?1 AND o.name = ?2 ORDER BY n.id" },
  [Q_LIST_UNHEALTHY_SUMMARIES] = { "list-unhealthy-summaries", FALSE,
    "SELECT " SUMMARY_COLUMNS
    " WHERE nan_count > 0 OR neg_inf_count > 0 OR pos_inf_count > 0"
    " ORDER BY coalesce((SELECT x.seq FROM executions x"
    "                    WHERE x.id = tensor_summaries.execution_id), 0), id" },
  /* Whole-trace reads: scopes through their (trace_id, parent_id, name) key, then each scope's
   * nodes and each node's inputs through their primary keys.  Ordering scopes by id gives parents
   * first, because the recorder creates a parent before its children. */
  [Q_TRACE_SCOPES] = { "trace-scopes", FALSE,
    "SELECT id, parent_id, name, node_count, descendant_count FROM scopes"
    " WHERE trace_id = ?1 ORDER BY id" },
  [Q_TRACE_NODES] = { "trace-nodes", FALSE,
    "SELECT n.id, n.scope_id, n.name, o.name, d.name, n.stack_id, n.attr_set_id, a.value"
    " FROM scopes s JOIN nodes n ON n.scope_id = s.id"
    " LEFT JOIN op_types o ON o.id = n.op_type_id"
    " LEFT JOIN devices d ON d.id = n.device_id"
    " LEFT JOIN attr_sets a ON a.id = n.attr_set_id"
    " WHERE s.trace_id = ?1" },
  [Q_TRACE_EDGES] = { "trace-edges", FALSE,
    "SELECT n.id, n.inputs FROM scopes s JOIN nodes n ON n.scope_id = s.id"
    " WHERE s.trace_id = ?1 AND n.inputs IS NOT NULL" },
  [Q_TRACE_CALLS] = { "trace-calls", FALSE,
    "SELECT c.node_id, c.role, c.callee_graph_name"
    " FROM scopes s JOIN nodes n ON n.scope_id = s.id JOIN calls c ON c.node_id = n.id"
    " WHERE s.trace_id = ?1 ORDER BY c.node_id, c.role" },
  /* One scope at a time, for a scene that loads what is expanded: the (scope_id, name) index. */
  [Q_SCOPE_NODES] = { "scope-nodes", FALSE,
    "SELECT n.id, n.scope_id, n.name, o.name, d.name, n.stack_id, n.attr_set_id, a.value"
    " FROM nodes n"
    " LEFT JOIN op_types o ON o.id = n.op_type_id"
    " LEFT JOIN devices d ON d.id = n.device_id"
    " LEFT JOIN attr_sets a ON a.id = n.attr_set_id"
    " WHERE n.scope_id = ?1" },
  [Q_SCOPE_CALLS] = { "scope-calls", FALSE,
    "SELECT c.node_id, c.role, c.callee_graph_name"
    " FROM nodes n JOIN calls c ON c.node_id = n.id"
    " WHERE n.scope_id = ?1 ORDER BY c.node_id, c.role" },
  [Q_GET_LAYOUT] = { "get-layout", TRUE,
    "SELECT layout FROM layout_cache WHERE trace_id = ?1 AND view_key = ?2" },
  [Q_PUT_LAYOUT] = { "put-layout", TRUE,
    "INSERT OR REPLACE INTO layout_cache (trace_id, view_key, layout) VALUES (?1, ?2, ?3)" },
  [Q_CLEAR_LAYOUTS] = { "clear-layouts", TRUE, "DELETE FROM layout_cache WHERE trace_id = ?1" },
  [Q_CLEAR_ALL_LAYOUTS] = { "clear-all-layouts", FALSE, "DELETE FROM layout_cache" },
  /* Schema v3: a scope's interior without reading the whole trace. */
  [Q_TRACE_HAS_SCOPE_EDGES] = { "trace-has-scope-edges", TRUE,
    "SELECT scope_edges FROM traces WHERE id = ?1" },
  [Q_LIST_SCOPE_EDGES] = { "list-scope-edges", TRUE,
    "SELECT src, dst, count, control_count, reference_count, tensor_elements FROM scope_edges"
    " WHERE scope_id = ?1 ORDER BY src, dst" },
  /* Search (the app's Ctrl+F).  A substring cannot use a B-tree, so these read one trace's
   * scopes and nodes along the (trace_id, parent_id, name) and (scope_id, name) indexes and stop
   * at the caller's limit: their cost follows the trace, never the file.  LIKE ignores ASCII case;
   * op names are ASCII.  The op type list is one row per distinct op type, a few hundred at most,
   * read to match a typed op type whatever its case. */
  [Q_LIST_OP_TYPES] = { "list-op-types", FALSE, "SELECT id, name FROM op_types" },
  /* Covering: the (scope_id, name) index alone answers it, no node row is read. */
  [Q_SEARCH_TRACE_NODE_NAMES] = { "search-trace-node-names", TRUE,
    "SELECT n.id, n.scope_id, n.name FROM scopes s JOIN nodes n ON n.scope_id = s.id"
    " WHERE s.trace_id = ?1 AND n.name LIKE ?2 ESCAPE '\\'" },
  /* Reads each node row of the trace: run only when the query names an op type of the file. */
  [Q_SEARCH_TRACE_NODES_OF_TYPE] = { "search-trace-nodes-of-type", TRUE,
    "SELECT n.id, n.scope_id, NULL FROM scopes s JOIN nodes n ON n.scope_id = s.id"
    " WHERE s.trace_id = ?1 AND n.op_type_id = ?2" },
  [Q_SEARCH_TRACE_SCOPES] = { "search-trace-scopes", TRUE,
    "SELECT id, trace_id, parent_id, name, node_count, descendant_count FROM scopes"
    " WHERE trace_id = ?1 AND name LIKE ?2 ESCAPE '\\'" },
  [Q_FRAMES_AT_LINE] = { "frames-at-line", TRUE,
    "SELECT id FROM frames WHERE file_id = ?1 AND line = ?2" },
  [Q_LIST_TRACE_NODE_STACKS] = { "list-trace-node-stacks", TRUE,
    "SELECT n.id, n.stack_id FROM scopes s JOIN nodes n ON n.scope_id = s.id"
    " WHERE s.trace_id = ?1 AND n.stack_id <> 0" },
};

struct _AgvizStore
{
  GObject       parent_instance;

  char         *path;
  AgvizStoreFlags flags;
  sqlite3      *db;
  sqlite3_stmt *stmts[N_QUERIES];

  GHashTable   *scope_names;    /* scope id -> full name; names never change once written */
  GHashTable   *file_texts;     /* source file id -> GBytes, the texts read so far (the same */
                                /* megabytes of a captured file are wanted for every stack) */
};

G_DEFINE_FINAL_TYPE (AgvizStore, agviz_store, G_TYPE_OBJECT)

static void
agviz_store_finalize (GObject *object)
{
  AgvizStore *self = AGVIZ_STORE (object);

  for (guint i = 0; i < N_QUERIES; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_pointer (&self->scope_names, g_hash_table_unref);
  g_clear_pointer (&self->file_texts, g_hash_table_unref);
  g_free (self->path);

  G_OBJECT_CLASS (agviz_store_parent_class)->finalize (object);
}

static void
agviz_store_class_init (AgvizStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = agviz_store_finalize;
}

static void
agviz_store_init (AgvizStore *self)
{
  self->scope_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->file_texts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                            (GDestroyNotify) g_bytes_unref);
}

static sqlite3_stmt *
query (AgvizStore *self,
       QueryId     id)
{
  sqlite3_stmt *stmt = self->stmts[id];

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return stmt;
}

/* Steps @stmt; TRUE with a row, FALSE at the end or on error (then *error is set). */
static gboolean
next_row (AgvizStore    *self,
          sqlite3_stmt  *stmt,
          GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    _agviz_sqlite_fail (error, self->db, rc, "cannot read");
  return FALSE;
}

static gboolean
not_found (GError     **error,
           const char  *format,
           ...) G_GNUC_PRINTF (2, 3);

static gboolean
not_found (GError     **error,
           const char  *format,
           ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_NOT_FOUND,
                                                format, args));
  va_end (args);
  return FALSE;
}

/* Steps @stmt to the one row a lookup wants; FALSE with @error set when reading fails or, in the
 * words of @format, when there is no such row. */
static gboolean
expect_row (AgvizStore    *self,
            sqlite3_stmt  *stmt,
            GError       **error,
            const char    *format,
            ...) G_GNUC_PRINTF (4, 5);

static gboolean
expect_row (AgvizStore    *self,
            sqlite3_stmt  *stmt,
            GError       **error,
            const char    *format,
            ...)
{
  g_autoptr(GError) local_error = NULL;
  va_list args;

  if (next_row (self, stmt, &local_error))
    return TRUE;
  if (local_error == NULL)
    {
      va_start (args, format);
      local_error = g_error_new_valist (AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_NOT_FOUND, format,
                                        args);
      va_end (args);
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* Resets @stmt once its rows are read and hands on @row_error (transfer full), the error that
 * ended them if any: FALSE when there was one. */
static gboolean
finish_rows (sqlite3_stmt  *stmt,
             GError        *row_error,
             GError       **error)
{
  sqlite3_reset (stmt);
  if (row_error == NULL)
    return TRUE;
  g_propagate_error (error, row_error);
  return FALSE;
}

static char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

/* For NOT NULL columns: a hand-made file may still hold NULL (or a row a LEFT JOIN did not find)
 * there, and every reader of these fields counts on a string. */
static char *
column_text_nonnull (sqlite3_stmt *stmt,
                     int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return g_strdup (text != NULL ? (const char *) text : "");
}

static const char *
column_text_static_nonnull (sqlite3_stmt *stmt,
                            int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? (const char *) text : "";
}

static gint64
column_count (sqlite3_stmt *stmt,
              int           column)
{
  return sqlite3_column_type (stmt, column) == SQLITE_NULL ? -1
                                                           : sqlite3_column_int64 (stmt, column);
}

/* A key -> value table of a query whose rows are (key, value). */
static GHashTable *
collect_string_pairs (AgvizStore    *self,
                      sqlite3_stmt  *stmt,
                      GError       **error)
{
  g_autoptr(GHashTable) pairs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GError) local_error = NULL;

  while (next_row (self, stmt, &local_error))
    g_hash_table_insert (pairs, column_text_nonnull (stmt, 0), column_text_nonnull (stmt, 1));
  if (!finish_rows (stmt, g_steal_pointer (&local_error), error))
    return NULL;
  return g_steal_pointer (&pairs);
}

/* A node's full name: its scope's full name and its own ("" is the root scope). */
static char *
join_scope_name (const char *scope_name,
                 const char *local_name)
{
  if (*scope_name == '\0')
    return g_strdup (local_name);
  return g_strconcat (scope_name, "/", local_name, NULL);
}

static AgvizStore *
open_store (const char       *path,
            AgvizStoreFlags   flags,
            GError          **error)
{
  g_autoptr(AgvizStore) self = g_object_new (AGVIZ_TYPE_STORE, NULL);
  gboolean older_schema = FALSE;
  g_autoptr(GError) local_error = NULL;

  self->path = g_strdup (path);
  self->flags = flags;
  self->db = _agviz_trace_file_open (path,
                                     (flags & AGVIZ_STORE_FLAGS_WRITABLE) ? _AGVIZ_OPEN_READ_WRITE
                                                                          : _AGVIZ_OPEN_READ_ONLY,
                                     &older_schema, &local_error);
  if (self->db == NULL && older_schema)
    {
      /* Upgrading is the one write a reader makes; it happens in one transaction, so it either
       * completes or leaves the old file as it was. */
      sqlite3 *writable = _agviz_trace_file_open (path, _AGVIZ_OPEN_READ_WRITE, NULL, error);

      if (writable == NULL)
        return NULL;
      sqlite3_close (writable);
      g_clear_error (&local_error);
      self->db = _agviz_trace_file_open (path, _AGVIZ_OPEN_READ_ONLY, NULL, &local_error);
    }
  if (self->db == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  for (guint i = 0; i < N_QUERIES; i++)
    {
      self->stmts[i] = _agviz_sqlite_prepare (self->db, queries[i].sql, error);
      if (self->stmts[i] == NULL)
        return NULL;
    }

  return g_steal_pointer (&self);
}

AgvizStore *
agviz_store_open (const char       *path,
                  AgvizStoreFlags   flags,
                  GError          **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return open_store (path, flags, error);
}

const char *
agviz_store_get_path (AgvizStore *self)
{
  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);
  return self->path;
}

char *
agviz_store_get_metadata (AgvizStore  *self,
                          const char  *key,
                          GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = query (self, Q_GET_METADATA);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (!next_row (self, stmt, error))
    return NULL;
  return column_text_nonnull (stmt, 0);
}

GHashTable *
agviz_store_list_metadata (AgvizStore  *self,
                           GError     **error)
{
  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  return collect_string_pairs (self, query (self, Q_LIST_METADATA), error);
}

gboolean
agviz_store_get_totals (AgvizStore        *self,
                        AgvizStoreTotals  *totals,
                        GError           **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), FALSE);
  g_return_val_if_fail (totals != NULL, FALSE);

  stmt = query (self, Q_TOTALS);
  if (!next_row (self, stmt, error))
    return FALSE;
  *totals = (AgvizStoreTotals) {
    .functions = sqlite3_column_int64 (stmt, 0),
    .traces = sqlite3_column_int64 (stmt, 1),
    .nodes = sqlite3_column_int64 (stmt, 2),
    .edges = sqlite3_column_int64 (stmt, 3),
    .executions = sqlite3_column_int64 (stmt, 4),
    .events = sqlite3_column_int64 (stmt, 5),
    .errors = sqlite3_column_int64 (stmt, 6),
  };
  return TRUE;
}

gboolean
agviz_store_check_integrity (AgvizStore  *self,
                             GError     **error)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), FALSE);

  stmt = query (self, Q_INTEGRITY_CHECK);
  while (next_row (self, stmt, &local_error))
    {
      const char *line = (const char *) sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (line, "ok") != 0)
        g_string_append_printf (problems, "%s%s", problems->len > 0 ? "; " : "", line);
    }
  if (!finish_rows (stmt, g_steal_pointer (&local_error), error))
    return FALSE;
  if (problems->len > 0)
    {
      g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_CORRUPT,
                   "%s: corrupted: %s", self->path, problems->str);
      return FALSE;
    }
  return TRUE;
}

/* Row readers turn the current row of a statement into a record; NULL (with @error) only for
 * the ones that run other queries to name what they read. */
typedef gpointer (*RowReader) (AgvizStore    *self,
                               sqlite3_stmt  *stmt,
                               GError       **error);

static AgvizTrace *
trace_from_row (AgvizStore    *self,
                sqlite3_stmt  *stmt,
                GError       **error)
{
  AgvizTrace *trace = g_new0 (AgvizTrace, 1);
  const char *status = (const char *) sqlite3_column_text (stmt, 6);

  trace->id = sqlite3_column_int64 (stmt, 0);
  trace->function_id = sqlite3_column_int64 (stmt, 1);
  trace->ordinal = sqlite3_column_int (stmt, 2);
  trace->graph_name = column_text_nonnull (stmt, 3);
  trace->signature = column_text_nonnull (stmt, 4);
  trace->reason = column_text_nonnull (stmt, 5);
  if (!agviz_trace_status_from_string (status, &trace->status))
    trace->status = AGVIZ_TRACE_STATUS_RECORDING;
  trace->started_ns = sqlite3_column_int64 (stmt, 7);
  trace->wall_ns = sqlite3_column_int64 (stmt, 8);
  trace->root_scope_id = sqlite3_column_int64 (stmt, 9);
  trace->node_count = sqlite3_column_int64 (stmt, 10);
  trace->edge_count = sqlite3_column_int64 (stmt, 11);
  trace->execution_count = sqlite3_column_int64 (stmt, 12);
  trace->object = sqlite3_column_int64 (stmt, 13);
  trace->call_signature = column_text (stmt, 14);
  return trace;
}

/* Runs a statement whose rows are turned into records by @from_row, into a new array. */
static GPtrArray *
collect_rows (AgvizStore      *self,
              sqlite3_stmt    *stmt,
              RowReader        from_row,
              GDestroyNotify   free_func,
              GError         **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (free_func);
  g_autoptr(GError) local_error = NULL;

  while (next_row (self, stmt, &local_error))
    {
      gpointer row = from_row (self, stmt, &local_error);

      if (row == NULL)
        break;
      g_ptr_array_add (rows, row);
    }
  if (!finish_rows (stmt, g_steal_pointer (&local_error), error))
    return NULL;
  return g_steal_pointer (&rows);
}

GPtrArray *
agviz_store_list_functions (AgvizStore  *self,
                            GError     **error)
{
  g_autoptr(GPtrArray) functions = g_ptr_array_new_with_free_func ((GDestroyNotify) agviz_function_free);
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  stmt = query (self, Q_LIST_FUNCTIONS);
  while (next_row (self, stmt, &local_error))
    {
      AgvizFunction *function = g_new0 (AgvizFunction, 1);

      function->id = sqlite3_column_int64 (stmt, 0);
      function->name = column_text_nonnull (stmt, 1);
      function->file = column_text (stmt, 2);
      function->line = sqlite3_column_int (stmt, 3);
      function->object_id = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (functions, function);
    }
  if (!finish_rows (stmt, g_steal_pointer (&local_error), error))
    return NULL;

  for (guint i = 0; i < functions->len; i++)
    {
      AgvizFunction *function = g_ptr_array_index (functions, i);

      stmt = query (self, Q_LIST_TRACES_OF_FUNCTION);
      sqlite3_bind_int64 (stmt, 1, function->id);
      function->traces = collect_rows (self, stmt, (RowReader) trace_from_row,
                                       (GDestroyNotify) agviz_trace_free, error);
      if (function->traces == NULL)
        return NULL;
    }

  return g_steal_pointer (&functions);
}

static AgvizObject *
object_from_row (AgvizStore    *self,
                 sqlite3_stmt  *stmt,
                 GError       **error)
{
  AgvizObject *object = g_new0 (AgvizObject, 1);

  object->id = sqlite3_column_int64 (stmt, 0);
  object->parent_id = sqlite3_column_int64 (stmt, 1);
  object->name = column_text_nonnull (stmt, 2);
  object->kind = column_text_nonnull (stmt, 3);
  return object;
}

GPtrArray *
agviz_store_list_objects (AgvizStore  *self,
                          GError     **error)
{
  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  return collect_rows (self, query (self, Q_LIST_OBJECTS), (RowReader) object_from_row,
                       (GDestroyNotify) agviz_object_free, error);
}

static char *
graph_name_from_row (AgvizStore    *self,
                     sqlite3_stmt  *stmt,
                     GError       **error)
{
  return column_text_nonnull (stmt, 0);
}

GPtrArray *
agviz_store_list_body_graphs (AgvizStore  *self,
                                GError     **error)
{
  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  return collect_rows (self, query (self, Q_LIST_BODY_GRAPHS), (RowReader) graph_name_from_row,
                       g_free, error);
}

GPtrArray *
agviz_store_get_object_path (AgvizStore  *self,
                             gint64       object_id,
                             GError     **error)
{
  g_autoptr(GPtrArray) path = g_ptr_array_new_with_free_func ((GDestroyNotify) agviz_object_free);

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  /* A hand-made file may hold a cycle: a path is never longer than the table. */
  for (gint64 id = object_id; id != 0 && path->len <= G_MAXINT16;)
    {
      sqlite3_stmt *stmt = query (self, Q_GET_OBJECT);
      AgvizObject *object;

      sqlite3_bind_int64 (stmt, 1, id);
      if (!expect_row (self, stmt, error, "no object %" G_GINT64_FORMAT, id))
        return NULL;
      object = object_from_row (self, stmt, error);
      sqlite3_reset (stmt);
      id = object->parent_id;
      g_ptr_array_insert (path, 0, object);
    }
  return g_steal_pointer (&path);
}

gint64
agviz_store_find_graph_object (AgvizStore  *self,
                               const char  *graph_name,
                               GError     **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(GError) local_error = NULL;
  gint64 object_id = 0;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), -1);
  g_return_val_if_fail (graph_name != NULL, -1);

  stmt = query (self, Q_FIND_GRAPH_OBJECT);
  sqlite3_bind_text (stmt, 1, graph_name, -1, SQLITE_STATIC);
  if (next_row (self, stmt, &local_error))
    object_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return -1;
    }
  return object_id;
}

AgvizTrace *
agviz_store_get_trace (AgvizStore  *self,
                       gint64       trace_id,
                       GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  stmt = query (self, Q_GET_TRACE);
  sqlite3_bind_int64 (stmt, 1, trace_id);
  if (!expect_row (self, stmt, error, "no trace %" G_GINT64_FORMAT, trace_id))
    return NULL;
  return trace_from_row (self, stmt, error);
}

AgvizTrace *
agviz_store_find_trace (AgvizStore  *self,
                        const char  *graph_name,
                        GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);
  g_return_val_if_fail (graph_name != NULL, NULL);

  stmt = query (self, Q_FIND_TRACE);
  sqlite3_bind_text (stmt, 1, graph_name, -1, SQLITE_STATIC);
  if (!expect_row (self, stmt, error, "no trace with graph name %s", graph_name))
    return NULL;
  return trace_from_row (self, stmt, error);
}

static AgvizExecution *
execution_from_row (AgvizStore    *self,
                    sqlite3_stmt  *stmt,
                    GError       **error)
{
  AgvizExecution *execution = g_new0 (AgvizExecution, 1);

  execution->id = sqlite3_column_int64 (stmt, 0);
  execution->seq = sqlite3_column_int64 (stmt, 1);
  execution->trace_id = sqlite3_column_int64 (stmt, 2);
  execution->op_type = column_text (stmt, 3);
  execution->device = column_text (stmt, 4);
  execution->start_ns = sqlite3_column_int64 (stmt, 5);
  execution->duration_ns = sqlite3_column_int64 (stmt, 6);
  execution->failed = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 7), "failed") == 0;
  execution->stack_id = sqlite3_column_int64 (stmt, 8);
  return execution;
}

GPtrArray *
agviz_store_list_executions (AgvizStore  *self,
                             gint64       trace_id,
                             gint64       after_seq,
                             guint        limit,
                             GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  if (trace_id != 0)
    {
      stmt = query (self, Q_LIST_TRACE_EXECUTIONS);
      sqlite3_bind_int64 (stmt, 1, trace_id);
      sqlite3_bind_int64 (stmt, 2, after_seq);
      sqlite3_bind_int64 (stmt, 3, limit);
    }
  else
    {
      /* Rows are appended in sequence order, so the rowid is the cheap order to page by. */
      stmt = query (self, Q_LIST_EXECUTIONS);
      sqlite3_bind_int64 (stmt, 1, after_seq);
      sqlite3_bind_int64 (stmt, 2, limit);
    }
  return collect_rows (self, stmt, (RowReader) execution_from_row,
                       (GDestroyNotify) agviz_execution_free, error);
}

typedef struct
{
  gint64  id;
  char   *name;      /* local name */
} ScopeLink;

static void
scope_link_clear (gpointer data)
{
  g_free (((ScopeLink *) data)->name);
}

static void
cache_scope_name (AgvizStore *self,
                  gint64      scope_id,
                  const char *full_name)
{
  gint64 *key = g_new (gint64, 1);

  *key = scope_id;
  g_hash_table_insert (self->scope_names, key, g_strdup (full_name));
}

/* Scopes of a hand-made or hostile file may nest 100,000 deep or form a cycle: the walk up to the
 * root is a loop that notices cycles, and only names up to this long are cached for the ancestors
 * passed on the way (every ancestor's full name of a 100,000-level path is gigabytes). */
#define MAX_CACHED_ANCESTOR_NAME 1024

static const char *
scope_full_name (AgvizStore  *self,
                 gint64       scope_id,
                 GError     **error)
{
  g_autoptr(GArray) chain = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GString) full = NULL;
  const char *prefix = "", *cached;
  gint64 id = scope_id;

  if ((cached = g_hash_table_lookup (self->scope_names, &scope_id)) != NULL)
    return cached;

  /* From the scope up to the root, or to an ancestor whose name is known. */
  chain = g_array_new (FALSE, FALSE, sizeof (ScopeLink));
  g_array_set_clear_func (chain, scope_link_clear);
  seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  while (id != 0)
    {
      sqlite3_stmt *stmt;
      ScopeLink link;

      if ((cached = g_hash_table_lookup (self->scope_names, &id)) != NULL)
        {
          prefix = cached;
          break;
        }
      if (!g_hash_table_add (seen, GSIZE_TO_POINTER ((gsize) id)))
        {
          not_found (error, "scope %" G_GINT64_FORMAT " is its own ancestor", scope_id);
          return NULL;
        }
      stmt = query (self, Q_GET_SCOPE);
      sqlite3_bind_int64 (stmt, 1, id);
      if (!expect_row (self, stmt, error, "no scope %" G_GINT64_FORMAT, id))
        return NULL;
      link.id = id;
      link.name = column_text_nonnull (stmt, 3);
      id = sqlite3_column_int64 (stmt, 2);
      sqlite3_reset (stmt);
      g_array_append_val (chain, link);
    }

  /* Down again: a scope under a scope named "" (the root) is named by its local name alone. */
  full = g_string_new (prefix);
  for (guint i = chain->len; i-- > 0;)
    {
      ScopeLink *link = &g_array_index (chain, ScopeLink, i);

      if (full->len > 0)
        g_string_append_c (full, '/');
      g_string_append (full, link->name);
      if (i == 0 || full->len <= MAX_CACHED_ANCESTOR_NAME)
        cache_scope_name (self, link->id, full->str);
    }
  return g_hash_table_lookup (self->scope_names, &scope_id);
}

/* Fills a node from a NODE_COLUMNS row; NULL (with @error) if its scope cannot be named. */
static AgvizNode *
node_from_row (AgvizStore    *self,
               sqlite3_stmt  *stmt,
               GError       **error)
{
  g_autoptr(AgvizNode) node = g_new0 (AgvizNode, 1);
  const char *scope_name;
  const void *attrs = sqlite3_column_blob (stmt, 7);
  int attrs_size = sqlite3_column_bytes (stmt, 7);

  node->id = sqlite3_column_int64 (stmt, 0);
  node->trace_id = sqlite3_column_int64 (stmt, 1);
  node->scope_id = sqlite3_column_int64 (stmt, 2);
  node->op_type = column_text_nonnull (stmt, 4);
  node->device = column_text (stmt, 5);
  node->stack_id = sqlite3_column_int64 (stmt, 6);
  if (attrs != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (attrs, attrs_size);

      /* A hand-made file may hold anything here: take it only if it is a valid a{sv}. */
      node->attrs = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT,
                                                                  bytes, FALSE));
      if (!g_variant_is_normal_form (node->attrs))
        g_clear_pointer (&node->attrs, g_variant_unref);
    }

  scope_name = scope_full_name (self, node->scope_id, error);
  if (scope_name == NULL)
    return NULL;
  node->name = join_scope_name (scope_name, column_text_static_nonnull (stmt, 3));
  return g_steal_pointer (&node);
}

/* Runs a NODE_COLUMNS query into an array of nodes. */
static GPtrArray *
collect_nodes (AgvizStore    *self,
               sqlite3_stmt  *stmt,
               GError       **error)
{
  return collect_rows (self, stmt, (RowReader) node_from_row, (GDestroyNotify) agviz_node_free,
                       error);
}

AgvizNode *
agviz_store_get_node (AgvizStore  *self,
                      gint64       node_id,
                      GError     **error)
{
  sqlite3_stmt *stmt;
  AgvizNode *node;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  stmt = query (self, Q_GET_NODE);
  sqlite3_bind_int64 (stmt, 1, node_id);
  if (!expect_row (self, stmt, error, "no node %" G_GINT64_FORMAT, node_id))
    return NULL;
  node = node_from_row (self, stmt, error);
  sqlite3_reset (stmt);
  return node;
}

/* Walks @path's '/'-separated components down from the root scope of @trace_id; the last
 * @skip_last components are not walked (1: @path names a node, 0: a scope). */
static gint64
resolve_scope_path (AgvizStore   *self,
                    gint64        trace_id,
                    const char   *path,
                    gsize         length,
                    GError      **error)
{
  g_autoptr(AgvizTrace) trace = agviz_store_get_trace (self, trace_id, error);
  gint64 scope_id;
  const char *start = path, *end = path + length;

  if (trace == NULL)
    return 0;
  scope_id = trace->root_scope_id;

  while (start < end)
    {
      const char *slash = memchr (start, '/', end - start);
      const char *stop = slash != NULL ? slash : end;
      sqlite3_stmt *stmt = query (self, Q_FIND_CHILD_SCOPE);

      sqlite3_bind_int64 (stmt, 1, trace_id);
      sqlite3_bind_int64 (stmt, 2, scope_id);
      sqlite3_bind_text (stmt, 3, start, (int) (stop - start), SQLITE_STATIC);
      if (!expect_row (self, stmt, error, "trace %" G_GINT64_FORMAT " has no scope %.*s",
                       trace_id, (int) (stop - path), path))
        return 0;
      scope_id = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      start = stop + 1;
    }
  return scope_id;
}

AgvizNode *
agviz_store_find_node (AgvizStore  *self,
                       gint64       trace_id,
                       const char  *name,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *slash;
  sqlite3_stmt *stmt;
  gint64 scope_id, node_id;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  slash = strrchr (name, '/');
  scope_id = resolve_scope_path (self, trace_id, name, slash != NULL ? (gsize) (slash - name) : 0,
                                 &local_error);
  if (scope_id == 0)
    {
      if (g_error_matches (local_error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_NOT_FOUND))
        {
          g_clear_error (&local_error);
          not_found (error, "trace %" G_GINT64_FORMAT " has no node %s", trace_id, name);
        }
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  stmt = query (self, Q_FIND_NODE_IN_SCOPE);
  sqlite3_bind_int64 (stmt, 1, scope_id);
  sqlite3_bind_text (stmt, 2, slash != NULL ? slash + 1 : name, -1, SQLITE_STATIC);
  if (!expect_row (self, stmt, error, "trace %" G_GINT64_FORMAT " has no node %s", trace_id,
                   name))
    return NULL;
  node_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return agviz_store_get_node (self, node_id, error);
}

static AgvizScope *
scope_from_row (AgvizStore    *self,
                sqlite3_stmt  *stmt,
                GError       **error)
{
  g_autoptr(AgvizScope) scope = g_new0 (AgvizScope, 1);
  const char *full_name;

  scope->id = sqlite3_column_int64 (stmt, 0);
  scope->trace_id = sqlite3_column_int64 (stmt, 1);
  scope->parent_id = sqlite3_column_int64 (stmt, 2);
  scope->name = column_text_nonnull (stmt, 3);
  scope->node_count = sqlite3_column_int64 (stmt, 4);
  scope->descendant_count = sqlite3_column_int64 (stmt, 5);

  full_name = scope_full_name (self, scope->id, error);
  if (full_name == NULL)
    return NULL;
  scope->full_name = g_strdup (full_name);
  return g_steal_pointer (&scope);
}

AgvizScope *
agviz_store_get_scope (AgvizStore  *self,
                       gint64       scope_id,
                       GError     **error)
{
  sqlite3_stmt *stmt;
  AgvizScope *scope;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  /* Naming the scope may run Q_GET_SCOPE for its parents, so the row is copied out first. */
  if (scope_full_name (self, scope_id, error) == NULL)
    return NULL;

  stmt = query (self, Q_GET_SCOPE);
  sqlite3_bind_int64 (stmt, 1, scope_id);
  if (!expect_row (self, stmt, error, "no scope %" G_GINT64_FORMAT, scope_id))
    return NULL;
  scope = scope_from_row (self, stmt, error);
  sqlite3_reset (stmt);
  return scope;
}

AgvizScope *
agviz_store_find_scope (AgvizStore  *self,
                        gint64       trace_id,
                        const char  *name,
                        GError     **error)
{
  gint64 scope_id;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  scope_id = resolve_scope_path (self, trace_id, name, strlen (name), error);
  if (scope_id == 0)
    return NULL;
  return agviz_store_get_scope (self, scope_id, error);
}

gboolean
agviz_store_list_scope_children (AgvizStore  *self,
                                 gint64       scope_id,
                                 GPtrArray  **scopes,
                                 GPtrArray  **nodes,
                                 GError     **error)
{
  g_autoptr(AgvizScope) parent = NULL;
  g_autoptr(GPtrArray) child_scopes = NULL;
  g_autoptr(GPtrArray) child_nodes = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), FALSE);

  parent = agviz_store_get_scope (self, scope_id, error);
  if (parent == NULL)
    return FALSE;

  if (scopes != NULL)
    {
      stmt = query (self, Q_LIST_CHILD_SCOPES);
      sqlite3_bind_int64 (stmt, 1, parent->trace_id);
      sqlite3_bind_int64 (stmt, 2, scope_id);
      /* The parent's name is cached already, so naming a child runs no other query. */
      child_scopes = collect_rows (self, stmt, (RowReader) scope_from_row,
                                   (GDestroyNotify) agviz_scope_free, error);
      if (child_scopes == NULL)
        return FALSE;
    }

  if (nodes != NULL)
    {
      stmt = query (self, Q_LIST_SCOPE_NODES);
      sqlite3_bind_int64 (stmt, 1, scope_id);
      child_nodes = collect_nodes (self, stmt, error);
      if (child_nodes == NULL)
        return FALSE;
    }

  if (scopes != NULL)
    *scopes = g_steal_pointer (&child_scopes);
  if (nodes != NULL)
    *nodes = g_steal_pointer (&child_nodes);
  return TRUE;
}

/* Appends the edge list of @node_id that @which selects (Q_EDGES_INTO or Q_EDGES_OUT_OF), keeping
 * only edges whose far end is in @keep when it is given. */
static gboolean
collect_edges (AgvizStore    *self,
               QueryId        which,
               gint64         node_id,
               GHashTable    *keep,
               GArray        *edges,
               GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt = query (self, which);
  _AgvizEdgeListKind kind = which == Q_EDGES_INTO ? _AGVIZ_EDGE_LIST_INPUTS
                                                  : _AGVIZ_EDGE_LIST_CONSUMERS;
  guint first = edges->len;
  gboolean valid = TRUE;

  sqlite3_bind_int64 (stmt, 1, node_id);
  if (next_row (self, stmt, &local_error))
    valid = _agviz_edge_list_decode (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0),
                                     kind, node_id, edges);
  if (!finish_rows (stmt, g_steal_pointer (&local_error), error))
    return FALSE;
  if (!valid)
    {
      g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_CORRUPT,
                   "%s: the edge list of node %" G_GINT64_FORMAT " is damaged", self->path,
                   node_id);
      return FALSE;
    }

  if (keep != NULL)
    {
      guint kept = first;

      for (guint i = first; i < edges->len; i++)
        {
          AgvizEdge *edge = &g_array_index (edges, AgvizEdge, i);
          gint64 far_end = kind == _AGVIZ_EDGE_LIST_INPUTS ? edge->src_node_id : edge->dst_node_id;

          if (g_hash_table_contains (keep, &far_end))
            g_array_index (edges, AgvizEdge, kept++) = *edge;
        }
      g_array_set_size (edges, kept);
    }
  return TRUE;
}

GArray *
agviz_store_list_edges_between (AgvizStore    *self,
                                const gint64  *node_ids,
                                guint          n_node_ids,
                                GError       **error)
{
  g_autoptr(GHashTable) members = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (AgvizEdge));

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);
  g_return_val_if_fail (node_ids != NULL || n_node_ids == 0, NULL);

  for (guint i = 0; i < n_node_ids; i++)
    g_hash_table_add (members, (gpointer) &node_ids[i]);

  /* One row per member: the cost follows the members' in-degree, never the trace's size. */
  for (guint i = 0; i < n_node_ids; i++)
    {
      if (!collect_edges (self, Q_EDGES_INTO, node_ids[i], members, edges, error))
        return NULL;
    }
  return g_steal_pointer (&edges);
}

gboolean
agviz_store_list_node_edges (AgvizStore  *self,
                             gint64       node_id,
                             GArray     **inputs,
                             GArray     **outputs,
                             GError     **error)
{
  g_autoptr(GArray) in_edges = g_array_new (FALSE, FALSE, sizeof (AgvizEdge));
  g_autoptr(GArray) out_edges = g_array_new (FALSE, FALSE, sizeof (AgvizEdge));

  g_return_val_if_fail (AGVIZ_IS_STORE (self), FALSE);

  if (!collect_edges (self, Q_EDGES_INTO, node_id, NULL, in_edges, error) ||
      !collect_edges (self, Q_EDGES_OUT_OF, node_id, NULL, out_edges, error))
    return FALSE;

  if (inputs != NULL)
    *inputs = g_steal_pointer (&in_edges);
  if (outputs != NULL)
    *outputs = g_steal_pointer (&out_edges);
  return TRUE;
}

GHashTable *
agviz_store_list_node_calls (AgvizStore  *self,
                             gint64       node_id,
                             GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  stmt = query (self, Q_NODE_CALLS);
  sqlite3_bind_int64 (stmt, 1, node_id);
  return collect_string_pairs (self, stmt, error);
}

gboolean
agviz_store_trace_has_scope_edges (AgvizStore  *self,
                                   gint64       trace_id,
                                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;
  gboolean has = FALSE;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), FALSE);

  stmt = query (self, Q_TRACE_HAS_SCOPE_EDGES);
  sqlite3_bind_int64 (stmt, 1, trace_id);
  if (next_row (self, stmt, &local_error))
    has = sqlite3_column_int64 (stmt, 0) != 0;
  finish_rows (stmt, g_steal_pointer (&local_error), error);
  return has;
}

GArray *
agviz_store_list_scope_edges (AgvizStore  *self,
                              gint64       scope_id,
                              GError     **error)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (AgvizScopeEdgeRow));
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  stmt = query (self, Q_LIST_SCOPE_EDGES);
  sqlite3_bind_int64 (stmt, 1, scope_id);
  while (next_row (self, stmt, &local_error))
    {
      AgvizScopeEdgeRow row = {
        .src = sqlite3_column_int64 (stmt, 0),
        .dst = sqlite3_column_int64 (stmt, 1),
        .count = sqlite3_column_int64 (stmt, 2),
        .control_count = sqlite3_column_int64 (stmt, 3),
        .reference_count = sqlite3_column_int64 (stmt, 4),
        .tensor_elements = sqlite3_column_int64 (stmt, 5),
      };

      g_array_append_val (rows, row);
    }
  if (!finish_rows (stmt, g_steal_pointer (&local_error), error))
    return NULL;
  return g_steal_pointer (&rows);
}

GBytes *
agviz_store_get_file_text (AgvizStore  *self,
                           gint64       file_id,
                           GError     **error)
{
  sqlite3_stmt *stmt;
  GBytes *text = NULL;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  /* A text, once captured, never changes; files without one may get it later, so only found
   * texts are kept. */
  if ((text = g_hash_table_lookup (self->file_texts, &file_id)) != NULL)
    return g_bytes_ref (text);

  stmt = query (self, Q_FILE_TEXT);
  sqlite3_bind_int64 (stmt, 1, file_id);
  if (next_row (self, stmt, error) && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    text = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_reset (stmt);
  if (text != NULL)
    g_hash_table_insert (self->file_texts, g_memdup2 (&file_id, sizeof file_id), g_bytes_ref (text));
  return text;
}

/* Line @line (1-based) of @text, without its newline; NULL past the end. */
static char *
extract_line (GBytes *text,
              int     line)
{
  gsize size;
  const char *data = g_bytes_get_data (text, &size);
  const char *end = data + size, *start = data;

  if (line < 1)
    return NULL;
  for (int current = 1; current < line; current++)
    {
      const char *newline = memchr (start, '\n', end - start);
      if (newline == NULL)
        return NULL;
      start = newline + 1;
    }
  if (start >= end)
    return NULL;
  {
    const char *newline = memchr (start, '\n', end - start);
    const char *stop = newline != NULL ? newline : end;

    if (stop > start && stop[-1] == '\r')
      stop--;
    /* Source files are UTF-8 text in practice; anything else is shown with replacements. */
    return g_utf8_make_valid (start, stop - start);
  }
}

/* The frames of @stack_id, outermost first; with their source lines when @with_text. */
static GPtrArray *
read_stack (AgvizStore  *self,
            gint64       stack_id,
            gboolean     with_text,
            GError     **error)
{
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) agviz_frame_free);
  g_autoptr(GHashTable) texts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                       (GDestroyNotify) g_bytes_unref);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  gint64 entry = stack_id;
  guint guard = 0;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  while (entry != 0)
    {
      sqlite3_stmt *stmt = query (self, Q_STACK_ENTRY);
      g_autoptr(AgvizFrame) frame = NULL;
      GBytes *text;
      gint64 frame_id;

      /* A hand-made file could loop its parents: noticed at the first entry seen twice (walking
       * 100,000 entries per stack made `agviz check` take minutes), and real stacks are never
       * this deep either. */
      if (++guard > 100000 || !g_hash_table_add (seen, GSIZE_TO_POINTER ((gsize) entry)))
        {
          g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_CORRUPT,
                       "%s: stack %" G_GINT64_FORMAT " loops back on itself", self->path,
                       stack_id);
          return NULL;
        }

      sqlite3_bind_int64 (stmt, 1, entry);
      if (!expect_row (self, stmt, error, "no stack %" G_GINT64_FORMAT, stack_id))
        return NULL;
      entry = sqlite3_column_int64 (stmt, 0);
      frame_id = sqlite3_column_int64 (stmt, 1);
      sqlite3_reset (stmt);

      stmt = query (self, Q_FRAME);
      sqlite3_bind_int64 (stmt, 1, frame_id);
      if (!expect_row (self, stmt, error, "stack %" G_GINT64_FORMAT " refers to a missing frame %"
                       G_GINT64_FORMAT, stack_id, frame_id))
        return NULL;
      frame = g_new0 (AgvizFrame, 1);
      frame->id = sqlite3_column_int64 (stmt, 0);
      frame->file_id = sqlite3_column_int64 (stmt, 1);
      frame->host = column_text (stmt, 2);
      frame->file = column_text (stmt, 3);
      frame->line = sqlite3_column_int (stmt, 4);
      frame->column = sqlite3_column_int (stmt, 5);
      frame->function = column_text_nonnull (stmt, 6);
      sqlite3_reset (stmt);

      if (!with_text)
        text = NULL;
      else if (!g_hash_table_lookup_extended (texts, &frame->file_id, NULL, (gpointer *) &text))
        {
          text = agviz_store_get_file_text (self, frame->file_id, &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          g_hash_table_insert (texts, g_memdup2 (&frame->file_id, sizeof (gint64)), text);
        }
      if (text != NULL)
        frame->source_line = extract_line (text, frame->line);

      g_ptr_array_add (frames, g_steal_pointer (&frame));
    }

  /* Walked from the innermost entry outwards; callers want outermost first. */
  for (guint i = 0; i < frames->len / 2; i++)
    {
      gpointer tmp = frames->pdata[i];
      frames->pdata[i] = frames->pdata[frames->len - 1 - i];
      frames->pdata[frames->len - 1 - i] = tmp;
    }
  return g_steal_pointer (&frames);
}

GPtrArray *
agviz_store_get_stack (AgvizStore  *self,
                       gint64       stack_id,
                       GError     **error)
{
  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  return read_stack (self, stack_id, TRUE, error);
}

GPtrArray *
agviz_store_get_stack_frames (AgvizStore  *self,
                              gint64       stack_id,
                              GError     **error)
{
  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  return read_stack (self, stack_id, FALSE, error);
}

static AgvizEvent *
event_from_row (AgvizStore    *self,
                sqlite3_stmt  *stmt,
                GError       **error)
{
  AgvizEvent *event = g_new0 (AgvizEvent, 1);

  event->id = sqlite3_column_int64 (stmt, 0);
  if (!agviz_event_kind_from_string ((const char *) sqlite3_column_text (stmt, 1), &event->kind))
    event->kind = AGVIZ_EVENT_WARNING;
  event->wall_ns = sqlite3_column_int64 (stmt, 2);
  event->function_id = sqlite3_column_int64 (stmt, 3);
  event->trace_id = sqlite3_column_int64 (stmt, 4);
  event->node_id = sqlite3_column_int64 (stmt, 5);
  event->execution_id = sqlite3_column_int64 (stmt, 6);
  event->stack_id = sqlite3_column_int64 (stmt, 7);
  event->message = column_text_nonnull (stmt, 8);
  event->detail = column_text (stmt, 9);
  return event;
}

GPtrArray *
agviz_store_list_events (AgvizStore  *self,
                         gint64       trace_id,
                         GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  if (trace_id != 0)
    {
      stmt = query (self, Q_LIST_TRACE_EVENTS);
      sqlite3_bind_int64 (stmt, 1, trace_id);
    }
  else
    stmt = query (self, Q_LIST_EVENTS);
  return collect_rows (self, stmt, (RowReader) event_from_row, (GDestroyNotify) agviz_event_free,
                       error);
}

static AgvizRecordedError *
recorded_error_from_row (AgvizStore    *self,
                         sqlite3_stmt  *stmt,
                         GError       **error)
{
  AgvizRecordedError *recorded = g_new0 (AgvizRecordedError, 1);

  recorded->id = sqlite3_column_int64 (stmt, 0);
  if (!agviz_error_origin_from_string ((const char *) sqlite3_column_text (stmt, 1),
                                       &recorded->origin))
    recorded->origin = AGVIZ_ERROR_ORIGIN_PROGRAM;
  recorded->wall_ns = sqlite3_column_int64 (stmt, 2);
  recorded->type = column_text_nonnull (stmt, 3);
  recorded->message = column_text_nonnull (stmt, 4);
  recorded->traceback = column_text (stmt, 5);
  recorded->function_id = sqlite3_column_int64 (stmt, 6);
  recorded->trace_id = sqlite3_column_int64 (stmt, 7);
  recorded->execution_id = sqlite3_column_int64 (stmt, 8);
  recorded->node_id = sqlite3_column_int64 (stmt, 9);
  recorded->stack_id = sqlite3_column_int64 (stmt, 10);
  return recorded;
}

GPtrArray *
agviz_store_list_errors (AgvizStore  *self,
                         GError     **error)
{
  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  return collect_rows (self, query (self, Q_LIST_ERRORS), (RowReader) recorded_error_from_row,
                       (GDestroyNotify) agviz_recorded_error_free, error);
}

static AgvizTensorSummary *
summary_from_row (AgvizStore    *self,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  AgvizTensorSummary *summary = g_new0 (AgvizTensorSummary, 1);

  summary->id = sqlite3_column_int64 (stmt, 0);
  summary->execution_id = sqlite3_column_int64 (stmt, 1);
  summary->node_id = sqlite3_column_int64 (stmt, 2);
  summary->output_slot = sqlite3_column_int (stmt, 3);
  summary->debug_mode = sqlite3_column_int (stmt, 4);
  summary->dtype = column_text (stmt, 5);
  summary->shape = column_text (stmt, 6);
  summary->element_count = column_count (stmt, 7);
  summary->nan_count = column_count (stmt, 8);
  summary->neg_inf_count = column_count (stmt, 9);
  summary->pos_inf_count = column_count (stmt, 10);
  summary->neg_finite_count = column_count (stmt, 11);
  summary->zero_count = column_count (stmt, 12);
  summary->pos_finite_count = column_count (stmt, 13);
  summary->has_range = sqlite3_column_type (stmt, 14) != SQLITE_NULL;
  summary->min = sqlite3_column_double (stmt, 14);
  summary->max = sqlite3_column_double (stmt, 15);
  summary->mean = sqlite3_column_double (stmt, 16);
  return summary;
}

GPtrArray *
agviz_store_list_tensor_summaries (AgvizStore  *self,
                                   gint64       node_id,
                                   gint64       execution_id,
                                   GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  if (node_id != 0)
    {
      stmt = query (self, Q_NODE_SUMMARIES);
      sqlite3_bind_int64 (stmt, 1, node_id);
    }
  else
    {
      stmt = query (self, Q_EXECUTION_SUMMARIES);
      sqlite3_bind_int64 (stmt, 1, execution_id);
    }
  return collect_rows (self, stmt, (RowReader) summary_from_row,
                       (GDestroyNotify) agviz_tensor_summary_free, error);
}

static AgvizSourceFile *
source_file_from_row (AgvizStore    *self,
                      sqlite3_stmt  *stmt,
                      GError       **error)
{
  AgvizSourceFile *file = g_new0 (AgvizSourceFile, 1);

  file->id = sqlite3_column_int64 (stmt, 0);
  file->host = column_text_nonnull (stmt, 1);
  file->path = column_text_nonnull (stmt, 2);
  file->sha256 = column_text (stmt, 3);
  file->has_text = sqlite3_column_int (stmt, 4) != 0;
  return file;
}

GPtrArray *
agviz_store_list_source_files (AgvizStore  *self,
                               GError     **error)
{
  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  return collect_rows (self, query (self, Q_LIST_SOURCE_FILES), (RowReader) source_file_from_row,
                       (GDestroyNotify) agviz_source_file_free, error);
}

GPtrArray *
agviz_store_list_nodes_named (AgvizStore  *self,
                              const char  *local_name,
                              GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);
  g_return_val_if_fail (local_name != NULL, NULL);

  stmt = query (self, Q_LIST_NODES_NAMED);
  sqlite3_bind_text (stmt, 1, local_name, -1, SQLITE_TRANSIENT);
  return collect_nodes (self, stmt, error);
}

GPtrArray *
agviz_store_list_trace_nodes_of_type (AgvizStore  *self,
                                      gint64       trace_id,
                                      const char  *op_type,
                                      GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);
  g_return_val_if_fail (op_type != NULL, NULL);

  stmt = query (self, Q_LIST_TRACE_NODES_OF_TYPE);
  sqlite3_bind_int64 (stmt, 1, trace_id);
  sqlite3_bind_text (stmt, 2, op_type, -1, SQLITE_TRANSIENT);
  return collect_nodes (self, stmt, error);
}

GPtrArray *
agviz_store_list_unhealthy_summaries (AgvizStore  *self,
                                      GError     **error)
{
  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  return collect_rows (self, query (self, Q_LIST_UNHEALTHY_SUMMARIES),
                       (RowReader) summary_from_row, (GDestroyNotify) agviz_tensor_summary_free,
                       error);
}

/* ---- search: bounded reads of one trace --------------------------------------------------- */

/* "%@text%" for LIKE ... ESCAPE '\', with LIKE's own wildcards in @text taken literally. */
static char *
like_substring_pattern (const char *text)
{
  GString *pattern = g_string_new ("%");

  for (const char *c = text; *c != '\0'; c++)
    {
      if (*c == '%' || *c == '_' || *c == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *c);
    }
  g_string_append_c (pattern, '%');
  return g_string_free (pattern, FALSE);
}

/* Whether @haystack contains @needle, ASCII case ignored (as LIKE does); NULL @needle: yes. */
static gboolean
contains_ignoring_case (const char *haystack,
                        const char *needle)
{
  g_autofree char *folded_haystack = NULL;
  g_autofree char *folded_needle = NULL;

  if (needle == NULL)
    return TRUE;
  folded_haystack = g_ascii_strdown (haystack, -1);
  folded_needle = g_ascii_strdown (needle, -1);
  return strstr (folded_haystack, folded_needle) != NULL;
}

gint64
agviz_store_find_op_type (AgvizStore  *self,
                          const char  *name,
                          GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;
  gint64 found = 0;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), -1);
  g_return_val_if_fail (name != NULL, -1);

  stmt = query (self, Q_LIST_OP_TYPES);
  while (found == 0 && next_row (self, stmt, &local_error))
    if (g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 1), name) == 0)
      found = sqlite3_column_int64 (stmt, 0);
  if (!finish_rows (stmt, g_steal_pointer (&local_error), error))
    return -1;
  return found;
}

/* Steps a search query whose rows are (node id, scope id, local name or NULL), adding the ids not
 * in @seen whose full name contains @path_part, up to @limit in all; TRUE in *@more when one more
 * was there.  FALSE on error. */
static gboolean
collect_node_ids (AgvizStore    *self,
                  sqlite3_stmt  *stmt,
                  const char    *path_part,
                  GHashTable    *seen,
                  GArray        *ids,
                  guint          limit,
                  gboolean      *more,
                  GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  while (next_row (self, stmt, &local_error))
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      if (g_hash_table_contains (seen, &id))
        continue;
      if (path_part != NULL)
        {
          const char *scope_name = scope_full_name (self, sqlite3_column_int64 (stmt, 1), &local_error);
          g_autofree char *full_name = NULL;

          if (scope_name == NULL)
            break;
          full_name = join_scope_name (scope_name, column_text_static_nonnull (stmt, 2));
          if (!contains_ignoring_case (full_name, path_part))
            continue;
        }
      if (ids->len == limit)
        {
          *more = TRUE;
          break;
        }
      g_array_append_val (ids, id);
      g_hash_table_add (seen, &g_array_index (ids, gint64, ids->len - 1));
    }
  if (!finish_rows (stmt, g_steal_pointer (&local_error), error))
    return FALSE;
  return TRUE;
}

GPtrArray *
agviz_store_search_trace_nodes (AgvizStore  *self,
                                gint64       trace_id,
                                const char  *name_part,
                                const char  *path_part,
                                gint64       op_type_id,
                                guint        limit,
                                gboolean    *more,
                                GError     **error)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) agviz_node_free);
  /* Sized up front: @seen points into it. */
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), limit);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  gboolean found_more = FALSE;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  /* By name first, then by op type (a node matching both listed once). */
  if (name_part != NULL)
    {
      g_autofree char *pattern = like_substring_pattern (name_part);

      stmt = query (self, Q_SEARCH_TRACE_NODE_NAMES);
      sqlite3_bind_int64 (stmt, 1, trace_id);
      sqlite3_bind_text (stmt, 2, pattern, -1, SQLITE_TRANSIENT);
      if (!collect_node_ids (self, stmt, path_part, seen, ids, limit, &found_more, error))
        return NULL;
    }
  if (op_type_id > 0 && !found_more)
    {
      stmt = query (self, Q_SEARCH_TRACE_NODES_OF_TYPE);
      sqlite3_bind_int64 (stmt, 1, trace_id);
      sqlite3_bind_int64 (stmt, 2, op_type_id);
      if (!collect_node_ids (self, stmt, NULL, seen, ids, limit, &found_more, error))
        return NULL;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      AgvizNode *node = agviz_store_get_node (self, g_array_index (ids, gint64, i), error);

      if (node == NULL)
        return NULL;
      g_ptr_array_add (nodes, node);
    }
  if (more != NULL)
    *more = found_more;
  return g_steal_pointer (&nodes);
}

GArray *
agviz_store_find_frames_at (AgvizStore  *self,
                            const char  *file,
                            int          line,
                            GError     **error)
{
  g_autoptr(GArray) frame_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) files = agviz_store_list_source_files (self, error);
  gsize file_length = strlen (file);

  if (files == NULL)
    return NULL;
  for (guint i = 0; i < files->len; i++)
    {
      AgvizSourceFile *source = g_ptr_array_index (files, i);
      gsize path_length = strlen (source->path);
      g_autoptr(GError) local_error = NULL;
      sqlite3_stmt *stmt;

      /* "demo.py" is "/home/user/demo.py", never "old_demo.py". */
      if (!g_str_has_suffix (source->path, file) ||
          !(path_length == file_length || file[0] == '/' ||
            source->path[path_length - file_length - 1] == '/'))
        continue;
      stmt = query (self, Q_FRAMES_AT_LINE);
      sqlite3_bind_int64 (stmt, 1, source->id);
      sqlite3_bind_int (stmt, 2, line);
      while (next_row (self, stmt, &local_error))
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);
          g_array_append_val (frame_ids, id);
        }
      if (!finish_rows (stmt, g_steal_pointer (&local_error), error))
        return NULL;
    }
  return g_steal_pointer (&frame_ids);
}

GPtrArray *
agviz_store_search_trace_scopes (AgvizStore  *self,
                                 gint64       trace_id,
                                 const char  *name_part,
                                 const char  *path_part,
                                 guint        limit,
                                 gboolean    *more,
                                 GError     **error)
{
  g_autoptr(GPtrArray) scopes = g_ptr_array_new_with_free_func ((GDestroyNotify) agviz_scope_free);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *pattern = NULL;
  sqlite3_stmt *stmt;
  gboolean found_more = FALSE;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);
  g_return_val_if_fail (name_part != NULL, NULL);

  pattern = like_substring_pattern (name_part);
  stmt = query (self, Q_SEARCH_TRACE_SCOPES);
  sqlite3_bind_int64 (stmt, 1, trace_id);
  sqlite3_bind_text (stmt, 2, pattern, -1, SQLITE_TRANSIENT);
  while (next_row (self, stmt, &local_error))
    {
      g_autoptr(AgvizScope) scope = scope_from_row (self, stmt, &local_error);

      if (scope == NULL)
        break;
      /* The root scope's name is the empty string: never a result. */
      if (scope->parent_id == 0 || !contains_ignoring_case (scope->full_name, path_part))
        continue;
      if (scopes->len == limit)
        {
          found_more = TRUE;
          break;
        }
      g_ptr_array_add (scopes, g_steal_pointer (&scope));
    }
  if (!finish_rows (stmt, g_steal_pointer (&local_error), error))
    return NULL;
  if (more != NULL)
    *more = found_more;
  return g_steal_pointer (&scopes);
}

GArray *
agviz_store_list_trace_node_stacks (AgvizStore  *self,
                                    gint64       trace_id,
                                    GError     **error)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (AgvizNodeStack));
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);

  stmt = query (self, Q_LIST_TRACE_NODE_STACKS);
  sqlite3_bind_int64 (stmt, 1, trace_id);
  while (next_row (self, stmt, &local_error))
    {
      AgvizNodeStack row = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };
      g_array_append_val (rows, row);
    }
  if (!finish_rows (stmt, g_steal_pointer (&local_error), error))
    return NULL;
  return g_steal_pointer (&rows);
}

guint
_agviz_store_get_n_queries (void)
{
  return N_QUERIES;
}

const char *
_agviz_store_get_query_name (guint query_index)
{
  g_return_val_if_fail (query_index < N_QUERIES, NULL);
  return queries[query_index].name;
}

gboolean
_agviz_store_query_is_interactive (guint query_index)
{
  g_return_val_if_fail (query_index < N_QUERIES, FALSE);
  return queries[query_index].interactive;
}

char *
_agviz_store_explain_query (AgvizStore  *self,
                            guint        query_index,
                            GError     **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) plan = g_string_new (NULL);
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);
  g_return_val_if_fail (query_index < N_QUERIES, NULL);

  sql = g_strconcat ("EXPLAIN QUERY PLAN ", queries[query_index].sql, NULL);
  stmt = _agviz_sqlite_prepare (self->db, sql, error);
  if (stmt == NULL)
    return NULL;
  while (next_row (self, stmt, &local_error))
    g_string_append_printf (plan, "%s\n", (const char *) sqlite3_column_text (stmt, 3));
  if (!finish_rows (stmt, g_steal_pointer (&local_error), error))
    return NULL;
  return g_string_free (g_steal_pointer (&plan), FALSE);
}

/* Runs a whole-trace or one-scope query (@trace_id is the scope's id then), handing each row to @row_func; stops early when it returns FALSE. */
static gboolean
foreach_row (AgvizStore  *self,
             QueryId      id,
             gint64       trace_id,
             gboolean   (*row_func) (sqlite3_stmt *stmt, gpointer func, gpointer user_data),
             gpointer     func,
             gpointer     user_data,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt = query (self, id);

  sqlite3_bind_int64 (stmt, 1, trace_id);
  while (next_row (self, stmt, &local_error))
    {
      if (!row_func (stmt, func, user_data))
        break;
    }
  if (!finish_rows (stmt, g_steal_pointer (&local_error), error))
    return FALSE;
  return TRUE;
}

static gboolean
scope_row (sqlite3_stmt *stmt,
           gpointer      func,
           gpointer      user_data)
{
  AgvizScopeRow row = {
    .id = sqlite3_column_int64 (stmt, 0),
    .parent_id = sqlite3_column_int64 (stmt, 1),
    .name = column_text_static_nonnull (stmt, 2),
    .node_count = sqlite3_column_int64 (stmt, 3),
    .descendant_count = sqlite3_column_int64 (stmt, 4),
  };

  if (row.name == NULL)
    row.name = "";
  return ((AgvizStoreScopeFunc) func) (&row, user_data);
}

static gboolean
node_row (sqlite3_stmt *stmt,
          gpointer      func,
          gpointer      user_data)
{
  AgvizNodeRow row = {
    .id = sqlite3_column_int64 (stmt, 0),
    .scope_id = sqlite3_column_int64 (stmt, 1),
    .name = column_text_static_nonnull (stmt, 2),
    .op_type = column_text_static_nonnull (stmt, 3),
    .device = (const char *) sqlite3_column_text (stmt, 4),
    .stack_id = sqlite3_column_int64 (stmt, 5),
    .attr_set_id = sqlite3_column_int64 (stmt, 6),
    .attrs = sqlite3_column_blob (stmt, 7),
  };

  row.attrs_size = sqlite3_column_bytes (stmt, 7);
  if (row.name == NULL)
    row.name = "";
  if (row.op_type == NULL)
    row.op_type = "";
  return ((AgvizStoreNodeFunc) func) (&row, user_data);
}

static gboolean
call_row (sqlite3_stmt *stmt,
          gpointer      func,
          gpointer      user_data)
{
  const char *role = column_text_static_nonnull (stmt, 1);
  const char *callee = column_text_static_nonnull (stmt, 2);

  return ((AgvizStoreCallFunc) func) (sqlite3_column_int64 (stmt, 0), role ? role : "",
                                      callee ? callee : "", user_data);
}

gboolean
agviz_store_foreach_trace_scope (AgvizStore           *self,
                                 gint64                trace_id,
                                 AgvizStoreScopeFunc   func,
                                 gpointer              user_data,
                                 GError              **error)
{
  g_return_val_if_fail (AGVIZ_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  return foreach_row (self, Q_TRACE_SCOPES, trace_id, scope_row, func, user_data, error);
}

gboolean
agviz_store_foreach_trace_node (AgvizStore          *self,
                                gint64               trace_id,
                                AgvizStoreNodeFunc   func,
                                gpointer             user_data,
                                GError             **error)
{
  g_return_val_if_fail (AGVIZ_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  return foreach_row (self, Q_TRACE_NODES, trace_id, node_row, func, user_data, error);
}

gboolean
agviz_store_foreach_trace_edge (AgvizStore          *self,
                                gint64               trace_id,
                                AgvizStoreEdgeFunc   func,
                                gpointer             user_data,
                                GError             **error)
{
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (AgvizEdge));
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;
  gboolean go_on = TRUE;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  /* Every edge is in exactly one node's input list, so reading the inputs gives each once. */
  stmt = query (self, Q_TRACE_EDGES);
  sqlite3_bind_int64 (stmt, 1, trace_id);
  while (go_on && next_row (self, stmt, &local_error))
    {
      gint64 node_id = sqlite3_column_int64 (stmt, 0);

      g_array_set_size (edges, 0);
      if (!_agviz_edge_list_decode (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1),
                                    _AGVIZ_EDGE_LIST_INPUTS, node_id, edges))
        {
          g_set_error (&local_error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_CORRUPT,
                       "%s: the edge list of node %" G_GINT64_FORMAT " is damaged", self->path,
                       node_id);
          break;
        }
      for (guint i = 0; go_on && i < edges->len; i++)
        go_on = func (&g_array_index (edges, AgvizEdge, i), user_data);
    }
  if (!finish_rows (stmt, g_steal_pointer (&local_error), error))
    return FALSE;
  return TRUE;
}

gboolean
agviz_store_foreach_trace_call (AgvizStore          *self,
                                gint64               trace_id,
                                AgvizStoreCallFunc   func,
                                gpointer             user_data,
                                GError             **error)
{
  g_return_val_if_fail (AGVIZ_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  return foreach_row (self, Q_TRACE_CALLS, trace_id, call_row, func, user_data, error);
}

gboolean
agviz_store_foreach_scope_node (AgvizStore          *self,
                                gint64               scope_id,
                                AgvizStoreNodeFunc   func,
                                gpointer             user_data,
                                GError             **error)
{
  g_return_val_if_fail (AGVIZ_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  return foreach_row (self, Q_SCOPE_NODES, scope_id, node_row, func, user_data, error);
}

gboolean
agviz_store_foreach_scope_call (AgvizStore          *self,
                                gint64               scope_id,
                                AgvizStoreCallFunc   func,
                                gpointer             user_data,
                                GError             **error)
{
  g_return_val_if_fail (AGVIZ_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  return foreach_row (self, Q_SCOPE_CALLS, scope_id, call_row, func, user_data, error);
}

gboolean
agviz_store_is_writable (AgvizStore *self)
{
  g_return_val_if_fail (AGVIZ_IS_STORE (self), FALSE);
  return (self->flags & AGVIZ_STORE_FLAGS_WRITABLE) != 0;
}

GBytes *
agviz_store_get_cached_layout (AgvizStore  *self,
                               gint64       trace_id,
                               const char  *view_key,
                               GError     **error)
{
  sqlite3_stmt *stmt;
  GBytes *layout;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), NULL);
  g_return_val_if_fail (view_key != NULL, NULL);

  stmt = query (self, Q_GET_LAYOUT);
  sqlite3_bind_int64 (stmt, 1, trace_id);
  sqlite3_bind_text (stmt, 2, view_key, -1, SQLITE_STATIC);
  if (!next_row (self, stmt, error))
    return NULL;
  layout = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_reset (stmt);
  return layout;
}

static gboolean
check_writable (AgvizStore  *self,
                GError     **error)
{
  if (self->flags & AGVIZ_STORE_FLAGS_WRITABLE)
    return TRUE;
  g_set_error (error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_READ_ONLY,
               "%s was opened read-only", self->path);
  return FALSE;
}

/* Runs a write statement to its end. */
static gboolean
run_write (AgvizStore    *self,
           sqlite3_stmt  *stmt,
           const char    *what,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _agviz_sqlite_fail (error, self->db, rc, what);
  return TRUE;
}

gboolean
agviz_store_put_cached_layout (AgvizStore  *self,
                               gint64       trace_id,
                               const char  *view_key,
                               GBytes      *layout,
                               GError     **error)
{
  sqlite3_stmt *stmt;
  gsize size;
  gconstpointer data;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), FALSE);
  g_return_val_if_fail (view_key != NULL, FALSE);
  g_return_val_if_fail (layout != NULL, FALSE);

  if (!check_writable (self, error))
    return FALSE;
  data = g_bytes_get_data (layout, &size);
  stmt = query (self, Q_PUT_LAYOUT);
  sqlite3_bind_int64 (stmt, 1, trace_id);
  sqlite3_bind_text (stmt, 2, view_key, -1, SQLITE_STATIC);
  /* A zero-length blob must not become NULL: the column is NOT NULL. */
  sqlite3_bind_blob64 (stmt, 3, size > 0 ? data : "", size, SQLITE_STATIC);
  return run_write (self, stmt, "cannot cache a layout", error);
}

gboolean
agviz_store_clear_cached_layouts (AgvizStore  *self,
                                  gint64       trace_id,
                                  GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_STORE (self), FALSE);

  if (!check_writable (self, error))
    return FALSE;
  if (trace_id == 0)
    return run_write (self, query (self, Q_CLEAR_ALL_LAYOUTS), "cannot clear layouts", error);
  stmt = query (self, Q_CLEAR_LAYOUTS);
  sqlite3_bind_int64 (stmt, 1, trace_id);
  return run_write (self, stmt, "cannot clear layouts", error);
}

gboolean
agviz_store_begin_cache_batch (AgvizStore  *self,
                               GError     **error)
{
  g_return_val_if_fail (AGVIZ_IS_STORE (self), FALSE);

  if (!check_writable (self, error))
    return FALSE;
  return _agviz_sqlite_exec (self->db, "BEGIN IMMEDIATE", error);
}

gboolean
agviz_store_end_cache_batch (AgvizStore  *self,
                             GError     **error)
{
  g_return_val_if_fail (AGVIZ_IS_STORE (self), FALSE);

  if (!check_writable (self, error))
    return FALSE;
  if (!_agviz_sqlite_exec (self->db, "COMMIT", error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}
