/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-schema.c: the trace file's tables, and the steps that bring an older file up to date
 *
 * SCHEMA.md beside this file explains every table.  Each entry of `migrations` turns version N
 * into N + 1; a new file runs them all from 0.  Never edit a step that has shipped: add one.
 */
#define G_LOG_DOMAIN "agviz-schema"

#include "config.h"

#include "agviz-trace-file-private.h"

/* Version 0 -> 1: the first schema.  "0" in an id column means "none" wherever an id takes part
 * in a UNIQUE key (SQLite treats NULLs as distinct there, which would defeat the interning). */
static const char migrate_to_v1[] =
  "CREATE TABLE metadata ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ") WITHOUT ROWID;"

  "CREATE TABLE source_files ("
  "  id INTEGER PRIMARY KEY,"
  "  host TEXT NOT NULL DEFAULT '',"
  "  path TEXT NOT NULL,"
  "  text BLOB,"
  "  sha256 TEXT,"
  "  UNIQUE (host, path)"
  ");"

  "CREATE TABLE frames ("
  "  id INTEGER PRIMARY KEY,"
  "  file_id INTEGER NOT NULL REFERENCES source_files (id),"
  "  line INTEGER NOT NULL CHECK (line >= 0),"
  "  column INTEGER NOT NULL DEFAULT 0 CHECK (column >= 0),"
  "  function TEXT NOT NULL DEFAULT '',"
  "  UNIQUE (file_id, line, column, function)"
  ");"

  /* A prefix tree: a stack is its innermost entry; parents lead outwards to parent_id = 0. */
  "CREATE TABLE stacks ("
  "  id INTEGER PRIMARY KEY,"
  "  parent_id INTEGER NOT NULL,"
  "  frame_id INTEGER NOT NULL REFERENCES frames (id),"
  "  UNIQUE (parent_id, frame_id)"
  ");"

  "CREATE TABLE functions ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  file_id INTEGER NOT NULL DEFAULT 0,"
  "  line INTEGER NOT NULL DEFAULT 0,"
  "  UNIQUE (name, file_id, line)"
  ");"

  "CREATE TABLE op_types ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE"
  ");"

  "CREATE TABLE devices ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE"
  ");"

  "CREATE TABLE attr_sets ("
  "  id INTEGER PRIMARY KEY,"
  "  hash INTEGER NOT NULL,"
  "  value BLOB NOT NULL"
  ");"
  "CREATE INDEX attr_sets_by_hash ON attr_sets (hash);"

  "CREATE TABLE traces ("
  "  id INTEGER PRIMARY KEY,"
  "  function_id INTEGER NOT NULL REFERENCES functions (id),"
  "  ordinal INTEGER NOT NULL CHECK (ordinal >= 1),"
  "  graph_name TEXT NOT NULL,"
  "  signature TEXT NOT NULL DEFAULT '',"
  "  reason TEXT NOT NULL DEFAULT '',"
  "  status TEXT NOT NULL DEFAULT 'recording'"
  "    CHECK (status IN ('recording', 'complete', 'failed')),"
  "  started_ns INTEGER NOT NULL DEFAULT 0,"
  "  wall_ns INTEGER NOT NULL DEFAULT 0,"
  "  root_scope_id INTEGER NOT NULL DEFAULT 0,"
  "  node_count INTEGER NOT NULL DEFAULT 0,"
  "  edge_count INTEGER NOT NULL DEFAULT 0,"
  "  UNIQUE (function_id, ordinal)"
  ");"
  "CREATE INDEX traces_by_graph_name ON traces (graph_name);"

  "CREATE TABLE scopes ("
  "  id INTEGER PRIMARY KEY,"
  "  trace_id INTEGER NOT NULL REFERENCES traces (id),"
  "  parent_id INTEGER NOT NULL,"
  "  name TEXT NOT NULL,"
  "  node_count INTEGER NOT NULL DEFAULT 0,"
  "  descendant_count INTEGER NOT NULL DEFAULT 0,"
  "  UNIQUE (trace_id, parent_id, name)"
  ");"

  /* inputs and consumers: the node's edges, see agviz-edge-list.h; NULL when none. */
  "CREATE TABLE nodes ("
  "  id INTEGER PRIMARY KEY,"
  "  scope_id INTEGER NOT NULL REFERENCES scopes (id),"
  "  name TEXT NOT NULL,"
  "  op_type_id INTEGER NOT NULL REFERENCES op_types (id),"
  "  device_id INTEGER NOT NULL DEFAULT 0,"
  "  stack_id INTEGER NOT NULL DEFAULT 0,"
  "  attr_set_id INTEGER NOT NULL DEFAULT 0,"
  "  inputs BLOB,"
  "  consumers BLOB"
  ");"
  /* Not UNIQUE: the recorder refuses duplicate names itself, and a uniqueness probe would
   * cost every insert a second B-tree search. */
  "CREATE INDEX nodes_by_scope ON nodes (scope_id, name);"

  "CREATE TABLE calls ("
  "  node_id INTEGER NOT NULL,"
  "  role TEXT NOT NULL,"
  "  callee_graph_name TEXT NOT NULL,"
  "  PRIMARY KEY (node_id, role)"
  ") WITHOUT ROWID;"
  "CREATE INDEX calls_by_callee ON calls (callee_graph_name);"

  "CREATE TABLE executions ("
  "  id INTEGER PRIMARY KEY,"
  "  seq INTEGER NOT NULL,"
  "  trace_id INTEGER NOT NULL DEFAULT 0,"
  "  op_type_id INTEGER NOT NULL DEFAULT 0,"
  "  device_id INTEGER NOT NULL DEFAULT 0,"
  "  start_ns INTEGER NOT NULL DEFAULT 0,"
  "  duration_ns INTEGER NOT NULL DEFAULT 0 CHECK (duration_ns >= 0),"
  "  status TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'failed')),"
  "  stack_id INTEGER NOT NULL DEFAULT 0,"
  "  CHECK ((trace_id = 0) <> (op_type_id = 0))"
  ");"
  "CREATE INDEX executions_by_trace ON executions (trace_id, seq) WHERE trace_id <> 0;"

  "CREATE TABLE tensor_summaries ("
  "  id INTEGER PRIMARY KEY,"
  "  execution_id INTEGER NOT NULL DEFAULT 0,"
  "  node_id INTEGER NOT NULL DEFAULT 0,"
  "  output_slot INTEGER NOT NULL DEFAULT 0,"
  "  debug_mode INTEGER NOT NULL DEFAULT 0,"
  "  dtype TEXT,"
  "  shape TEXT,"
  "  element_count INTEGER,"
  "  nan_count INTEGER,"
  "  neg_inf_count INTEGER,"
  "  pos_inf_count INTEGER,"
  "  neg_finite_count INTEGER,"
  "  zero_count INTEGER,"
  "  pos_finite_count INTEGER,"
  "  min REAL,"
  "  max REAL,"
  "  mean REAL"
  ");"
  "CREATE INDEX tensor_summaries_by_node ON tensor_summaries (node_id) WHERE node_id <> 0;"
  "CREATE INDEX tensor_summaries_by_execution ON tensor_summaries (execution_id)"
  "  WHERE execution_id <> 0;"

  "CREATE TABLE events ("
  "  id INTEGER PRIMARY KEY,"
  "  kind TEXT NOT NULL"
  "    CHECK (kind IN ('variable-created', 'retrace', 'side-effect', 'warning')),"
  "  wall_ns INTEGER NOT NULL DEFAULT 0,"
  "  function_id INTEGER NOT NULL DEFAULT 0,"
  "  trace_id INTEGER NOT NULL DEFAULT 0,"
  "  node_id INTEGER NOT NULL DEFAULT 0,"
  "  execution_id INTEGER NOT NULL DEFAULT 0,"
  "  stack_id INTEGER NOT NULL DEFAULT 0,"
  "  message TEXT NOT NULL DEFAULT '',"
  "  detail TEXT"
  ");"
  "CREATE INDEX events_by_trace ON events (trace_id) WHERE trace_id <> 0;"

  "CREATE TABLE errors ("
  "  id INTEGER PRIMARY KEY,"
  "  origin TEXT NOT NULL DEFAULT 'program' CHECK (origin IN ('program', 'importer')),"
  "  wall_ns INTEGER NOT NULL DEFAULT 0,"
  "  type TEXT NOT NULL,"
  "  message TEXT NOT NULL,"
  "  traceback TEXT,"
  "  function_id INTEGER NOT NULL DEFAULT 0,"
  "  trace_id INTEGER NOT NULL DEFAULT 0,"
  "  execution_id INTEGER NOT NULL DEFAULT 0,"
  "  node_id INTEGER NOT NULL DEFAULT 0,"
  "  stack_id INTEGER NOT NULL DEFAULT 0"
  ");";

/* Version 1 -> 2: where the viewer keeps Graphviz positions, so reopening a trace or expanding a
 * scope again needs no layout.  @view_key names the laid-out scope, the expansion state below it
 * and the layout options (see agviz-scene.h); @layout is that layout, serialised by its writer. */
static const char migrate_to_v2[] =
  "CREATE TABLE layout_cache ("
  "  trace_id INTEGER NOT NULL,"
  "  view_key TEXT NOT NULL,"
  "  layout BLOB NOT NULL,"
  "  PRIMARY KEY (trace_id, view_key)"
  ") WITHOUT ROWID;";

/* Version 2 -> 3: what a viewer needs to draw a scope's interior without reading the whole
 * trace.  A row is the edges between two child items of one scope (node id > 0, or minus a scope
 * id), written by the recorder when a trace ends; edges between two nodes directly inside one
 * scope are left out (the viewer reads them from those nodes' rows).  traces.scope_edges says the
 * rows were written: a trace from a version 2 file has none and is drawn by reading all of it. */
static const char migrate_to_v3[] =
  "CREATE TABLE scope_edges ("
  "  scope_id INTEGER NOT NULL,"
  "  src INTEGER NOT NULL,"
  "  dst INTEGER NOT NULL,"
  "  count INTEGER NOT NULL,"
  "  control_count INTEGER NOT NULL DEFAULT 0,"
  "  reference_count INTEGER NOT NULL DEFAULT 0,"
  "  tensor_elements INTEGER NOT NULL DEFAULT -1,"
  "  PRIMARY KEY (scope_id, src, dst)"
  ") WITHOUT ROWID;"
  "ALTER TABLE traces ADD COLUMN scope_edges INTEGER NOT NULL DEFAULT 0;";

/* Version 3 -> 4: which Python object's tf.function made a trace.  TF keeps one tf.function per
 * object (every tf.Module or layer instance has its own), so traces of one method by six objects
 * are no retracing; NULL where the source does not say. */
static const char migrate_to_v4[] =
  "ALTER TABLE traces ADD COLUMN object INTEGER;";

/* Version 4 -> 5.  Event kinds become free text, as SCHEMA.md says: the CHECK of version 1
 * refused the torch.compile and jax.jit kinds, and SQLite cannot drop a CHECK, so the table is
 * made again with the same columns and rows.  And the module tree a function belongs to (a
 * SavedModel's tf.Module/Keras layer objects; any frontend that knows its modules may fill it):
 * an object is interned by its parent and local name, so importing one model twice finds the
 * same objects; functions.object_id is the object that is the function itself (its parent owns
 * it); traces.call_signature is how Python calls the trace ("(x: float32[?,4])"), beside the
 * graph's own signature, which also lists the captured resources. */
static const char migrate_to_v5[] =
  "CREATE TABLE events_v5 ("
  "  id INTEGER PRIMARY KEY,"
  "  kind TEXT NOT NULL,"
  "  wall_ns INTEGER NOT NULL DEFAULT 0,"
  "  function_id INTEGER NOT NULL DEFAULT 0,"
  "  trace_id INTEGER NOT NULL DEFAULT 0,"
  "  node_id INTEGER NOT NULL DEFAULT 0,"
  "  execution_id INTEGER NOT NULL DEFAULT 0,"
  "  stack_id INTEGER NOT NULL DEFAULT 0,"
  "  message TEXT NOT NULL DEFAULT '',"
  "  detail TEXT"
  ");"
  "INSERT INTO events_v5 SELECT id, kind, wall_ns, function_id, trace_id, node_id, execution_id,"
  "  stack_id, message, detail FROM events;"
  "DROP TABLE events;"
  "ALTER TABLE events_v5 RENAME TO events;"
  "CREATE INDEX events_by_trace ON events (trace_id) WHERE trace_id <> 0;"
  "CREATE TABLE objects ("
  "  id INTEGER PRIMARY KEY,"
  "  parent_id INTEGER NOT NULL,"
  "  name TEXT NOT NULL,"
  "  kind TEXT NOT NULL DEFAULT '',"
  "  UNIQUE (parent_id, name)"
  ");"
  "ALTER TABLE functions ADD COLUMN object_id INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE traces ADD COLUMN call_signature TEXT;";

static const char *const migrations[] = {
  migrate_to_v1,
  migrate_to_v2,
  migrate_to_v3,
  migrate_to_v4,
  migrate_to_v5,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == AGVIZ_SCHEMA_VERSION);

static int
read_user_version (sqlite3 *db)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int (stmt, 0);
}

gboolean
_agviz_schema_migrate (sqlite3  *db,
                       GError  **error)
{
  g_autofree char *set_version = NULL;
  int from_version;

  /* IMMEDIATE takes the write lock before the version is read, so when two processes race to
   * upgrade (or create) one file, the second sees the first one's result and does nothing. */
  if (!_agviz_sqlite_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  from_version = read_user_version (db);
  if (from_version < 0 || from_version > AGVIZ_SCHEMA_VERSION)
    {
      g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_TOO_NEW,
                   "schema version %d cannot be migrated by this agviz (it writes version %d)",
                   from_version, AGVIZ_SCHEMA_VERSION);
      goto rollback;
    }

  for (int version = from_version; version < AGVIZ_SCHEMA_VERSION; version++)
    {
      if (!_agviz_sqlite_exec (db, migrations[version], error))
        goto rollback;
    }

  set_version = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d;",
                                 AGVIZ_APPLICATION_ID, AGVIZ_SCHEMA_VERSION);
  if (!_agviz_sqlite_exec (db, set_version, error) ||
      !_agviz_sqlite_exec (db, "COMMIT", error))
    goto rollback;

  return TRUE;

rollback:
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/* Every table agviz reads, in the newest schema. */
static const char *const agviz_tables[] = {
  "metadata", "source_files", "frames", "stacks", "functions", "op_types", "devices",
  "attr_sets", "traces", "scopes", "nodes", "calls", "executions", "tensor_summaries", "events",
  "errors", "layout_cache", "scope_edges", "objects", NULL
};

gboolean
_agviz_schema_check_planted (sqlite3     *db,
                             const char  *path,
                             gboolean     for_writing,
                             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = _agviz_sqlite_prepare (db, "SELECT type, name FROM sqlite_schema "
                                    "WHERE type IN ('view', 'trigger') ORDER BY type DESC, name",
                                error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *type = (const char *) sqlite3_column_text (stmt, 0);
      const char *name = (const char *) sqlite3_column_text (stmt, 1);

      /* A view in the place of one of agviz's tables would make agviz's queries run its SQL. */
      if (g_strcmp0 (type, "view") == 0 && name != NULL &&
          g_strv_contains ((const char * const *) agviz_tables, name))
        {
          g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_CORRUPT,
                       "%s: the file is damaged: %s is a view, not a table (agviz never "
                       "makes views; this file was changed by hand)", path, name);
          return FALSE;
        }
      /* Triggers run on writes: a writer (recorder, layout cache) would run planted SQL. */
      if (for_writing && g_strcmp0 (type, "trigger") == 0)
        {
          g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_IO,
                       "%s: cannot write: the file holds a trigger (%s), which agviz never "
                       "makes; agviz writes no file that would run planted SQL", path,
                       name != NULL ? name : "unnamed");
          return FALSE;
        }
    }
  if (rc != SQLITE_DONE)
    return _agviz_sqlite_fail (error, db, rc, "cannot read the schema");
  return TRUE;
}
