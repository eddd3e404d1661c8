/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-recorder-db.c: the recorder's statements, multi-row inserts, queues and stack writer
 *
 * The connection is used by the functions of this file only.  Every exported function that uses
 * it starts by waiting for the stack writer (statement(), bulk_statement() and connection() do),
 * so the second thread never shares it, whatever the callers do; the writer itself goes through
 * insert_stack_rows() alone, which does not wait.
 */
#define G_LOG_DOMAIN "agviz-recorder"

#include "config.h"

#include <string.h>

#include "agviz-recorder-db.h"
#include "agviz-recorder-private.h"
#include "agviz-trace-file-private.h"

typedef enum
{
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_SET_METADATA,
  STMT_FIND_FILE,
  STMT_INSERT_FILE,
  STMT_SET_FILE_TEXT,
  STMT_SET_FILE_SHA256,
  STMT_FILE_EXISTS,
  STMT_FIND_FRAME,
  STMT_INSERT_FRAME,
  STMT_FRAME_EXISTS,
  STMT_FIND_STACK,
  STMT_INSERT_STACK,
  STMT_STACK_EXISTS,
  STMT_FIND_FUNCTION,
  STMT_INSERT_FUNCTION,
  STMT_FUNCTION_EXISTS,
  STMT_NEXT_ORDINAL,
  STMT_INSERT_TRACE,
  STMT_SET_TRACE_START,
  STMT_SET_TRACE_OBJECT,
  STMT_SET_TRACE_CALL_SIGNATURE,
  STMT_FIND_OBJECT,
  STMT_INSERT_OBJECT,
  STMT_OBJECT_EXISTS,
  STMT_SET_FUNCTION_OBJECT,
  STMT_END_TRACE,
  STMT_TRACE_EXISTS,
  STMT_EXECUTION_EXISTS,
  STMT_NODE_EXISTS,
  STMT_FIND_OP_TYPE,
  STMT_INSERT_OP_TYPE,
  STMT_FIND_DEVICE,
  STMT_INSERT_DEVICE,
  STMT_FIND_ATTR_SET,
  STMT_INSERT_ATTR_SET,
  STMT_INSERT_CALL,
  STMT_INSERT_EXECUTION,
  STMT_INSERT_EVENT,
  STMT_INSERT_ERROR,
  STMT_MAX_SCOPE_ID,
  STMT_MAX_NODE_ID,
  STMT_MAX_FILE_ID,
  STMT_MAX_FRAME_ID,
  STMT_MAX_STACK_ID,
  STMT_MAX_SEQ,
  STMT_MAX_TENSOR_SUMMARY_ID,
  N_STMTS
} StatementId;

static const char *const statement_sql[N_STMTS] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_SET_METADATA] = "INSERT OR REPLACE INTO metadata (key, value) VALUES (?1, ?2)",
  [STMT_FIND_FILE] = "SELECT id FROM source_files WHERE host = ?1 AND path = ?2",
  [STMT_INSERT_FILE] = "INSERT INTO source_files (host, path) VALUES (?1, ?2)",
  [STMT_SET_FILE_TEXT] = "UPDATE source_files SET text = ?3, sha256 = ?2 WHERE id = ?1",
  [STMT_SET_FILE_SHA256] = "UPDATE source_files SET sha256 = ?2 WHERE id = ?1",
  [STMT_FILE_EXISTS] = "SELECT 1 FROM source_files WHERE id = ?1",
  [STMT_FIND_FRAME] = "SELECT id FROM frames"
                      " WHERE file_id = ?1 AND line = ?2 AND column = ?3 AND function = ?4",
  [STMT_INSERT_FRAME] = "INSERT INTO frames (file_id, line, column, function)"
                        " VALUES (?1, ?2, ?3, ?4)",
  [STMT_FRAME_EXISTS] = "SELECT 1 FROM frames WHERE id = ?1",
  [STMT_FIND_STACK] = "SELECT id FROM stacks WHERE parent_id = ?1 AND frame_id = ?2",
  [STMT_INSERT_STACK] = "INSERT INTO stacks (id, parent_id, frame_id) VALUES (?3, ?1, ?2)",
  [STMT_STACK_EXISTS] = "SELECT 1 FROM stacks WHERE id = ?1",
  [STMT_FIND_FUNCTION] = "SELECT id FROM functions WHERE name = ?1 AND file_id = ?2 AND line = ?3",
  [STMT_INSERT_FUNCTION] = "INSERT INTO functions (name, file_id, line) VALUES (?1, ?2, ?3)",
  [STMT_FUNCTION_EXISTS] = "SELECT 1 FROM functions WHERE id = ?1",
  [STMT_NEXT_ORDINAL] = "SELECT coalesce(max(ordinal), 0) + 1 FROM traces WHERE function_id = ?1",
  [STMT_INSERT_TRACE] = "INSERT INTO traces (function_id, ordinal, graph_name, signature,"
                        " reason, started_ns, root_scope_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
  [STMT_SET_TRACE_START] = "UPDATE traces SET started_ns = ?2 WHERE id = ?1",
  [STMT_SET_TRACE_OBJECT] = "UPDATE traces SET object = ?2 WHERE id = ?1",
  [STMT_SET_TRACE_CALL_SIGNATURE] = "UPDATE traces SET call_signature = ?2 WHERE id = ?1",
  [STMT_FIND_OBJECT] = "SELECT id FROM objects WHERE parent_id = ?1 AND name = ?2",
  [STMT_INSERT_OBJECT] = "INSERT INTO objects (parent_id, name, kind) VALUES (?1, ?2, ?3)",
  [STMT_OBJECT_EXISTS] = "SELECT 1 FROM objects WHERE id = ?1",
  [STMT_SET_FUNCTION_OBJECT] = "UPDATE functions SET object_id = ?2 WHERE id = ?1",
  [STMT_END_TRACE] = "UPDATE traces SET status = ?2, wall_ns = ?3, node_count = ?4,"
                     " edge_count = ?5, scope_edges = ?6 WHERE id = ?1",
  [STMT_TRACE_EXISTS] = "SELECT 1 FROM traces WHERE id = ?1",
  [STMT_EXECUTION_EXISTS] = "SELECT 1 FROM executions WHERE id = ?1",
  [STMT_NODE_EXISTS] = "SELECT 1 FROM nodes WHERE id = ?1",
  [STMT_FIND_OP_TYPE] = "SELECT id FROM op_types WHERE name = ?1",
  [STMT_INSERT_OP_TYPE] = "INSERT INTO op_types (name) VALUES (?1)",
  [STMT_FIND_DEVICE] = "SELECT id FROM devices WHERE name = ?1",
  [STMT_INSERT_DEVICE] = "INSERT INTO devices (name) VALUES (?1)",
  [STMT_FIND_ATTR_SET] = "SELECT id FROM attr_sets WHERE hash = ?1 AND value = ?2",
  [STMT_INSERT_ATTR_SET] = "INSERT INTO attr_sets (hash, value) VALUES (?1, ?2)",
  [STMT_INSERT_CALL] = "INSERT INTO calls (node_id, role, callee_graph_name) VALUES (?1, ?2, ?3)",
  [STMT_INSERT_EXECUTION] = "INSERT INTO executions (seq, trace_id, op_type_id, device_id,"
                            " start_ns, duration_ns, status, stack_id)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  [STMT_INSERT_EVENT] = "INSERT INTO events (kind, wall_ns, function_id, trace_id, node_id,"
                        " execution_id, stack_id, message, detail)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
  [STMT_INSERT_ERROR] = "INSERT INTO errors (origin, wall_ns, type, message, traceback,"
                        " function_id, trace_id, node_id, execution_id, stack_id)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
  [STMT_MAX_SCOPE_ID] = "SELECT coalesce(max(id), 0) FROM scopes",
  [STMT_MAX_NODE_ID] = "SELECT coalesce(max(id), 0) FROM nodes",
  [STMT_MAX_FILE_ID] = "SELECT coalesce(max(id), 0) FROM source_files",
  [STMT_MAX_FRAME_ID] = "SELECT coalesce(max(id), 0) FROM frames",
  [STMT_MAX_STACK_ID] = "SELECT coalesce(max(id), 0) FROM stacks",
  [STMT_MAX_SEQ] = "SELECT coalesce(max(seq), 0) FROM executions",
  [STMT_MAX_TENSOR_SUMMARY_ID] = "SELECT coalesce(max(id), 0) FROM tensor_summaries",
};

/* Fewer queued stack rows than this are not worth a thread. */
#define STACK_WRITER_MIN_ROWS 4096

/* Bulk writing: one multi-row INSERT per BULK_ROWS rows, the remainder one row at a time. */
#define BULK_ROWS 64

/* Tensor summaries waiting for their insert: about 1 MiB at most (more sorts better but
 * spreads the table's new rows over more pages: 8,192 was the fastest of 4,096 to 65,536). */
#define PENDING_SUMMARIES_MAX 8192

typedef enum
{
  BULK_SCOPES,
  BULK_NODES,
  BULK_STACKS,
  BULK_SCOPE_EDGES,
  BULK_TENSOR_SUMMARIES,
  N_BULK_TABLES
} BulkTable;

/* Tensor summaries go in with OR FAIL: for rows with explicit ids SQLite otherwise keeps a
 * statement journal, to undo a statement's earlier rows should a later id clash (a sixth of their
 * cost).  None can clash (ids are handed out inside a transaction, which holds the write lock),
 * and a failure of another kind (a full disk) rolls back the whole transaction instead (see
 * flush_pending_summaries()). */
static const struct
{
  const char  *table_and_columns;
  guint        n_columns;
  StatementId  max_id;        /* of tables whose rows the recorder gives ids (see RowAppender) */
  const char  *what;          /* for errors: "cannot store ..." */
  gboolean     or_fail;
} bulk_tables[N_BULK_TABLES] = {
  [BULK_SCOPES] = { "scopes (id, trace_id, parent_id, name, node_count, descendant_count)", 6,
                    STMT_MAX_SCOPE_ID, "cannot store a trace" },
  [BULK_NODES] = { "nodes (id, scope_id, name, op_type_id, device_id, stack_id, attr_set_id,"
                   " inputs, consumers)", 9, STMT_MAX_NODE_ID, "cannot store a trace" },
  [BULK_STACKS] = { "stacks (id, parent_id, frame_id)", 3, STMT_MAX_STACK_ID,
                    "cannot store stacks" },
  [BULK_SCOPE_EDGES] = { "scope_edges (scope_id, src, dst, count, control_count, reference_count,"
                         " tensor_elements)", 7, N_STMTS, "cannot store a trace's scope edges" },
  [BULK_TENSOR_SUMMARIES] = { "tensor_summaries (id, execution_id, node_id, output_slot,"
                              " debug_mode, dtype, shape, element_count, nan_count,"
                              " neg_inf_count, pos_inf_count, neg_finite_count, zero_count,"
                              " pos_finite_count, min, max, mean)", 17,
                              STMT_MAX_TENSOR_SUMMARY_ID, "cannot store tensor summaries", TRUE },
};

typedef struct
{
  gint64 id;
  gint64 parent_id;
  gint64 frame_id;
} PendingStack;

/* A tensor summary waiting for its multi-row insert; its texts live in pending_summary_texts. */
typedef struct
{
  gint64      id;
  gint64      execution_id;
  gint64      node_id;
  int         output_slot;
  int         debug_mode;
  const char *dtype;
  const char *shape;
  gint64      counts[7];      /* element, NaN, -Inf, +Inf, negative, zero, positive; -1 unknown */
  gboolean    has_range;
  double      min;
  double      max;
  double      mean;
} PendingSummary;

typedef struct
{
  AgvizRecorderDb *db;
  GArray          *rows;        /* PendingStack */
  int              rc;
  char            *message;     /* when rc is not SQLITE_OK */
  gint             done;        /* atomic: set when the thread is about to end */
} StackWriterJob;

struct _AgvizRecorderDb
{
  char           *path;
  sqlite3        *connection;
  sqlite3_stmt   *stmts[N_STMTS];
  sqlite3_stmt   *bulk_stmts[N_BULK_TABLES][2];   /* [0] BULK_ROWS rows, [1] one row */

  gboolean        in_transaction;
  /* Set when what the transaction held is gone (see the header): continuing would write rows
   * that point at rows that are not there, so every call fails with this message. */
  char           *stopped_reason;

  /* New stack entries reach the file in multi-row inserts before the next commit (importers make
   * one per frame of every distinct stack: single-row inserts were their largest cost). */
  GArray         *pending_stacks;         /* PendingStack */
  /* Tensor summaries likewise (a tfdbg2 dump holds one per op per step): ids given here, from
   * the file's largest on (read in each transaction when its first one comes, 0 until then:
   * the transaction holds the write lock, so no other program can take them), rows written,
   * sorted for the indexes, before the commit or when PENDING_SUMMARIES_MAX wait. */
  gint64          next_summary_id;
  GArray         *pending_summaries;      /* PendingSummary */
  GStringChunk   *pending_summary_texts;

  /* While it runs, nothing else uses the connection. */
  GThread        *stack_writer;
  StackWriterJob *stack_writer_job;
};

/* ---- the connection and its failures ------------------------------------------------------ */

static void wait_for_stack_writer (AgvizRecorderDb *self);

/* The connection, once the stack writer is done with it. */
static sqlite3 *
connection (AgvizRecorderDb *self)
{
  wait_for_stack_writer (self);
  return self->connection;
}

/* Every caller binds every parameter it uses and the rest default to NULL once cleared, so
 * clearing is needed only for statements with optional parameters. */
static sqlite3_stmt *
statement (AgvizRecorderDb *self,
           StatementId      id)
{
  sqlite3_stmt *stmt;

  wait_for_stack_writer (self);
  stmt = self->stmts[id];
  sqlite3_reset (stmt);
  if (id == STMT_INSERT_EVENT || id == STMT_INSERT_ERROR)
    sqlite3_clear_bindings (stmt);
  return stmt;
}

static void
stop (AgvizRecorderDb *self,
      char            *reason)
{
  g_free (self->stopped_reason);
  self->stopped_reason = reason;
}

static gboolean
fail_sqlite (AgvizRecorderDb  *self,
             int               rc,
             const char       *what,
             GError          **error)
{
  /* SQLite rolls the whole transaction back on some errors (disk full, I/O): detect it, because
   * the rows of the current batch are gone and later rows would refer to them. */
  if (self->in_transaction && sqlite3_get_autocommit (self->connection))
    {
      self->in_transaction = FALSE;
      stop (self, g_strdup_printf ("%s: %s", what, sqlite3_errmsg (self->connection)));
    }
  return _agviz_sqlite_fail (error, self->connection, rc, what);
}

/* Rolls back what the transaction holds after it can no longer be trusted, and stops. */
static void
abandon_transaction (AgvizRecorderDb *self,
                     const char      *reason)
{
  if (self->in_transaction)
    {
      sqlite3_exec (connection (self), "ROLLBACK", NULL, NULL, NULL);
      self->in_transaction = FALSE;
    }
  if (reason != NULL)
    stop (self, g_strdup (reason));
}

static gboolean
fail_row_ids (AgvizRecorderDb  *self,
              GError          **error)
{
  abandon_transaction (self, "another program wrote into the trace file meanwhile");
  return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_STOPPED,
                               "%s: another program wrote into the trace file while this "
                               "recorder had it open; what it was recording was rolled back",
                               self->path);
}

/* Runs a prepared INSERT/UPDATE whose parameters are bound; returns the new rowid or 0. */
static gint64
run_insert (AgvizRecorderDb  *self,
            sqlite3_stmt     *stmt,
            const char       *what,
            GError          **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    {
      if ((rc & 0xff) == SQLITE_CONSTRAINT)
        {
          _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_DUPLICATE, "%s: %s", what,
                                sqlite3_errmsg (self->connection));
          sqlite3_reset (stmt);
          return 0;
        }
      sqlite3_reset (stmt);
      fail_sqlite (self, rc, what, error);
      return 0;
    }
  sqlite3_reset (stmt);
  return sqlite3_last_insert_rowid (self->connection);
}

/* Runs a prepared statement that returns no rowid (UPDATE, WITHOUT ROWID insert). */
static gboolean
run_update (AgvizRecorderDb  *self,
            sqlite3_stmt     *stmt,
            const char       *what,
            GError          **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_DUPLICATE, "%s: %s", what,
                                 sqlite3_errmsg (self->connection));
  if (rc != SQLITE_DONE)
    return fail_sqlite (self, rc, what, error);
  return TRUE;
}

/* Runs a prepared single-column SELECT; returns its integer, 0 when there is no row, -1 on error. */
static gint64
run_select_id (AgvizRecorderDb  *self,
               sqlite3_stmt     *stmt,
               GError          **error)
{
  int rc = sqlite3_step (stmt);
  gint64 id = 0;

  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      fail_sqlite (self, rc, "cannot read the trace file", error);
      return -1;
    }
  sqlite3_reset (stmt);
  return id;
}

/* ---- opening, closing, transactions ------------------------------------------------------- */

AgvizRecorderDb *
_agviz_recorder_db_open (const char  *path,
                         GError     **error)
{
  AgvizRecorderDb *self = g_new0 (AgvizRecorderDb, 1);

  self->path = g_strdup (path);
  self->pending_stacks = g_array_new (FALSE, FALSE, sizeof (PendingStack));
  self->pending_summaries = g_array_new (FALSE, FALSE, sizeof (PendingSummary));
  self->pending_summary_texts = g_string_chunk_new (4096);
  self->connection = _agviz_trace_file_open (path, _AGVIZ_OPEN_CREATE, NULL, error);
  if (self->connection == NULL)
    {
      _agviz_recorder_db_close (self);
      return NULL;
    }
  for (guint i = 0; i < N_STMTS; i++)
    {
      self->stmts[i] = _agviz_sqlite_prepare (self->connection, statement_sql[i], error);
      if (self->stmts[i] == NULL)
        {
          _agviz_recorder_db_close (self);
          return NULL;
        }
    }
  return self;
}

void
_agviz_recorder_db_close (AgvizRecorderDb *self)
{
  if (self == NULL)
    return;

  wait_for_stack_writer (self);
  if (self->in_transaction)
    sqlite3_exec (self->connection, "ROLLBACK", NULL, NULL, NULL);
  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  for (guint i = 0; i < N_BULK_TABLES; i++)
    {
      g_clear_pointer (&self->bulk_stmts[i][0], sqlite3_finalize);
      g_clear_pointer (&self->bulk_stmts[i][1], sqlite3_finalize);
    }
  if (self->connection != NULL)
    sqlite3_close (self->connection);
  g_array_unref (self->pending_stacks);
  g_array_unref (self->pending_summaries);
  g_string_chunk_free (self->pending_summary_texts);
  g_free (self->stopped_reason);
  g_free (self->path);
  g_free (self);
}

/* The largest id in the table of @max_id (a STMT_MAX_*) into @id, without waiting for the stack
 * writer (which uses it too); SQLITE_ROW, or SQLite's error code. */
static int
read_max_id (AgvizRecorderDb *self,
             StatementId      max_id,
             gint64          *id)
{
  sqlite3_stmt *stmt = self->stmts[max_id];
  int rc;

  sqlite3_reset (stmt);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return rc;
}

void
_agviz_recorder_db_read_largest_ids (AgvizRecorderDb         *self,
                                     AgvizRecorderLargestIds *ids)
{
  const struct { StatementId max_id; gint64 *id; } tables[] = {
    { STMT_MAX_SCOPE_ID, &ids->scope },
    { STMT_MAX_NODE_ID, &ids->node },
    { STMT_MAX_FILE_ID, &ids->file },
    { STMT_MAX_FRAME_ID, &ids->frame },
    { STMT_MAX_STACK_ID, &ids->stack },
    { STMT_MAX_SEQ, &ids->seq },
  };

  wait_for_stack_writer (self);
  /* A table that cannot be read counts as empty: its first insert reports the trouble. */
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      *tables[i].id = 0;
      read_max_id (self, tables[i].max_id, tables[i].id);
    }
}

const char *
_agviz_recorder_db_get_stopped (AgvizRecorderDb *self)
{
  return self->stopped_reason;
}

gboolean
_agviz_recorder_db_in_transaction (AgvizRecorderDb *self)
{
  return self->in_transaction;
}

gboolean
_agviz_recorder_db_begin (AgvizRecorderDb  *self,
                          GError          **error)
{
  int rc;

  if (self->in_transaction)
    return TRUE;

  rc = sqlite3_step (statement (self, STMT_BEGIN));
  sqlite3_reset (self->stmts[STMT_BEGIN]);
  if (rc != SQLITE_DONE)
    return fail_sqlite (self, rc, "cannot start writing", error);

  self->in_transaction = TRUE;
  return TRUE;
}

static gboolean flush_pending_stacks (AgvizRecorderDb  *self,
                                      GError          **error);
static gboolean flush_pending_summaries (AgvizRecorderDb  *self,
                                         GError          **error);

gboolean
_agviz_recorder_db_commit (AgvizRecorderDb  *self,
                           GError          **error)
{
  int rc;

  if (!self->in_transaction)
    return TRUE;
  if (!flush_pending_stacks (self, error) || !flush_pending_summaries (self, error))
    return FALSE;

  rc = sqlite3_step (statement (self, STMT_COMMIT));
  if (rc != SQLITE_DONE)
    {
      /* A failed COMMIT leaves the transaction open (e.g. SQLITE_BUSY) or rolled back (I/O);
       * fail_sqlite tells the two apart.  Reset after it: resetting forgets the system error
       * (disk full, file too large) the message names. */
      fail_sqlite (self, rc, "cannot commit", error);
      sqlite3_reset (self->stmts[STMT_COMMIT]);
      return FALSE;
    }

  self->in_transaction = FALSE;
  /* Read again in the next transaction: between two, another program may have added rows. */
  self->next_summary_id = 0;
  return TRUE;
}

gboolean
_agviz_recorder_db_rollback (AgvizRecorderDb  *self,
                             GError          **error)
{
  sqlite3 *db = connection (self);

  if (self->in_transaction)
    {
      int rc = sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);

      /* SQLite may have rolled back already (I/O error): then there is nothing left to undo. */
      if (rc != SQLITE_OK && !sqlite3_get_autocommit (db))
        return fail_sqlite (self, rc, "cannot roll back", error);
      self->in_transaction = FALSE;
    }
  g_array_set_size (self->pending_stacks, 0);
  g_array_set_size (self->pending_summaries, 0);
  g_string_chunk_clear (self->pending_summary_texts);
  self->next_summary_id = 0;
  /* What is in the file now is consistent: recording may go on. */
  g_clear_pointer (&self->stopped_reason, g_free);
  return TRUE;
}

/* ---- single rows -------------------------------------------------------------------------- */

gboolean
_agviz_recorder_db_set_metadata (AgvizRecorderDb  *self,
                                 const char       *key,
                                 const char       *value,
                                 GError          **error)
{
  sqlite3_stmt *stmt = statement (self, STMT_SET_METADATA);

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return run_update (self, stmt, "cannot store metadata", error);
}

gboolean
_agviz_recorder_db_check_row (AgvizRecorderDb     *self,
                              AgvizRecorderTable   table,
                              gint64               id,
                              GError             **error)
{
  static const struct { StatementId exists; const char *what; } tables[] = {
    [AGVIZ_RECORDER_TABLE_FILES] = { STMT_FILE_EXISTS, "source file" },
    [AGVIZ_RECORDER_TABLE_FRAMES] = { STMT_FRAME_EXISTS, "frame" },
    [AGVIZ_RECORDER_TABLE_STACKS] = { STMT_STACK_EXISTS, "stack" },
    [AGVIZ_RECORDER_TABLE_FUNCTIONS] = { STMT_FUNCTION_EXISTS, "function" },
    [AGVIZ_RECORDER_TABLE_TRACES] = { STMT_TRACE_EXISTS, "trace" },
    [AGVIZ_RECORDER_TABLE_EXECUTIONS] = { STMT_EXECUTION_EXISTS, "execution" },
    [AGVIZ_RECORDER_TABLE_NODES] = { STMT_NODE_EXISTS, "node" },
    [AGVIZ_RECORDER_TABLE_OBJECTS] = { STMT_OBJECT_EXISTS, "object" },
  };
  sqlite3_stmt *stmt = statement (self, tables[table].exists);
  gint64 found;

  sqlite3_bind_int64 (stmt, 1, id);
  found = run_select_id (self, stmt, error);
  if (found < 0)
    return FALSE;
  if (found == 0)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_UNKNOWN_ID,
                                 "no %s with id %" G_GINT64_FORMAT, tables[table].what, id);
  return TRUE;
}

/* Binds the key of an interning look-up to its find and insert statements: both take the key's
 * values as their leading parameters, in the same order. */
typedef struct
{
  sqlite3_stmt *find;
  sqlite3_stmt *insert;
} InternStatements;

static InternStatements
intern_statements (AgvizRecorderDb *self,
                   StatementId      find,
                   StatementId      insert)
{
  return (InternStatements) { statement (self, find), statement (self, insert) };
}

static void
bind_key_text (InternStatements *key,
               int               column,
               const char       *value)
{
  sqlite3_bind_text (key->find, column, value, -1, SQLITE_STATIC);
  sqlite3_bind_text (key->insert, column, value, -1, SQLITE_STATIC);
}

static void
bind_key_int64 (InternStatements *key,
                int               column,
                gint64            value)
{
  sqlite3_bind_int64 (key->find, column, value);
  sqlite3_bind_int64 (key->insert, column, value);
}

/* Looks the bound key up, inserting it when absent. */
static gint64
find_or_insert (AgvizRecorderDb   *self,
                InternStatements  *key,
                const char        *what,
                GError           **error)
{
  gint64 id = run_select_id (self, key->find, error);

  if (id != 0)
    return id < 0 ? 0 : id;
  return run_insert (self, key->insert, what, error);
}

gint64
_agviz_recorder_db_intern_name (AgvizRecorderDb     *self,
                                AgvizRecorderNames   names,
                                const char          *name,
                                GError             **error)
{
  InternStatements key = names == AGVIZ_RECORDER_NAMES_OP_TYPES
                           ? intern_statements (self, STMT_FIND_OP_TYPE, STMT_INSERT_OP_TYPE)
                           : intern_statements (self, STMT_FIND_DEVICE, STMT_INSERT_DEVICE);

  bind_key_text (&key, 1, name);
  return find_or_insert (self, &key, "cannot store a name", error);
}

gint64
_agviz_recorder_db_intern_file (AgvizRecorderDb  *self,
                                const char       *host,
                                const char       *path,
                                GError          **error)
{
  InternStatements key = intern_statements (self, STMT_FIND_FILE, STMT_INSERT_FILE);

  bind_key_text (&key, 1, host);
  bind_key_text (&key, 2, path);
  return find_or_insert (self, &key, "cannot store a source file", error);
}

gint64
_agviz_recorder_db_intern_function (AgvizRecorderDb  *self,
                                    const char       *name,
                                    gint64            file_id,
                                    int               line,
                                    GError          **error)
{
  InternStatements key = intern_statements (self, STMT_FIND_FUNCTION, STMT_INSERT_FUNCTION);

  bind_key_text (&key, 1, name);
  bind_key_int64 (&key, 2, file_id);
  bind_key_int64 (&key, 3, line);
  return find_or_insert (self, &key, "cannot store a function", error);
}

gint64
_agviz_recorder_db_intern_object (AgvizRecorderDb  *self,
                                  gint64            parent_id,
                                  const char       *name,
                                  const char       *kind,
                                  GError          **error)
{
  InternStatements key = intern_statements (self, STMT_FIND_OBJECT, STMT_INSERT_OBJECT);

  bind_key_int64 (&key, 1, parent_id);
  bind_key_text (&key, 2, name);
  /* The kind is not part of the key: the first import of an object names it. */
  sqlite3_bind_text (key.insert, 3, kind != NULL ? kind : "", -1, SQLITE_STATIC);
  return find_or_insert (self, &key, "cannot store an object", error);
}

gboolean
_agviz_recorder_db_set_function_object (AgvizRecorderDb  *self,
                                        gint64            function_id,
                                        gint64            object_id,
                                        GError          **error)
{
  sqlite3_stmt *stmt = statement (self, STMT_SET_FUNCTION_OBJECT);

  sqlite3_bind_int64 (stmt, 1, function_id);
  sqlite3_bind_int64 (stmt, 2, object_id);
  return run_update (self, stmt, "cannot store a function", error);
}

gboolean
_agviz_recorder_db_set_trace_call_signature (AgvizRecorderDb  *self,
                                             gint64            trace_id,
                                             const char       *signature,
                                             GError          **error)
{
  sqlite3_stmt *stmt = statement (self, STMT_SET_TRACE_CALL_SIGNATURE);

  sqlite3_bind_int64 (stmt, 1, trace_id);
  sqlite3_bind_text (stmt, 2, signature, -1, SQLITE_STATIC);
  return run_update (self, stmt, "cannot store a trace", error);
}

gint64
_agviz_recorder_db_intern_attr_set (AgvizRecorderDb  *self,
                                    guint64           hash,
                                    gconstpointer     data,
                                    gsize             size,
                                    GError          **error)
{
  InternStatements key = intern_statements (self, STMT_FIND_ATTR_SET, STMT_INSERT_ATTR_SET);

  bind_key_int64 (&key, 1, (gint64) hash);
  sqlite3_bind_blob64 (key.find, 2, size > 0 ? data : "", size, SQLITE_STATIC);
  sqlite3_bind_blob64 (key.insert, 2, size > 0 ? data : "", size, SQLITE_STATIC);
  return find_or_insert (self, &key, "cannot store attributes", error);
}

gint64
_agviz_recorder_db_intern_stack (AgvizRecorderDb  *self,
                                 gint64            parent_id,
                                 gint64            frame_id,
                                 gint64            new_id,
                                 GError          **error)
{
  InternStatements key;

  if (!flush_pending_stacks (self, error))
    return 0;
  key = intern_statements (self, STMT_FIND_STACK, STMT_INSERT_STACK);
  bind_key_int64 (&key, 1, parent_id);
  bind_key_int64 (&key, 2, frame_id);
  sqlite3_bind_int64 (key.insert, 3, new_id);
  return find_or_insert (self, &key, "cannot store a stack", error);
}

static InternStatements
frame_statements (AgvizRecorderDb     *self,
                  const AgvizFrameKey *frame)
{
  InternStatements key = intern_statements (self, STMT_FIND_FRAME, STMT_INSERT_FRAME);

  bind_key_int64 (&key, 1, frame->file_id);
  bind_key_int64 (&key, 2, frame->line);
  bind_key_int64 (&key, 3, frame->column);
  bind_key_text (&key, 4, frame->function);
  return key;
}

gint64
_agviz_recorder_db_find_frame (AgvizRecorderDb      *self,
                               const AgvizFrameKey  *frame,
                               GError              **error)
{
  return run_select_id (self, frame_statements (self, frame).find, error);
}

gint64
_agviz_recorder_db_insert_frame (AgvizRecorderDb      *self,
                                 const AgvizFrameKey  *frame,
                                 GError              **error)
{
  return run_insert (self, frame_statements (self, frame).insert, "cannot store a frame", error);
}

gboolean
_agviz_recorder_db_set_file_text (AgvizRecorderDb  *self,
                                  gint64            file_id,
                                  const char       *text,
                                  gsize             length,
                                  const char       *sha256,
                                  GError          **error)
{
  sqlite3_stmt *stmt = statement (self, text != NULL ? STMT_SET_FILE_TEXT : STMT_SET_FILE_SHA256);

  sqlite3_bind_int64 (stmt, 1, file_id);
  sqlite3_bind_text (stmt, 2, sha256, -1, SQLITE_STATIC);
  if (text != NULL)
    sqlite3_bind_blob64 (stmt, 3, text, length, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      int rc = sqlite3_errcode (self->connection);

      sqlite3_reset (stmt);
      return fail_sqlite (self, rc, text != NULL ? "cannot store source text"
                                                 : "cannot store a source hash", error);
    }
  sqlite3_reset (stmt);
  if (sqlite3_changes (self->connection) == 0)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_UNKNOWN_ID,
                                 "no source file with id %" G_GINT64_FORMAT, file_id);
  return TRUE;
}

gint64
_agviz_recorder_db_insert_trace (AgvizRecorderDb  *self,
                                 gint64            function_id,
                                 const char       *graph_name,
                                 const char       *signature,
                                 const char       *reason,
                                 gint64            root_scope_id,
                                 GError          **error)
{
  sqlite3_stmt *stmt = statement (self, STMT_NEXT_ORDINAL);
  gint64 ordinal;

  sqlite3_bind_int64 (stmt, 1, function_id);
  ordinal = run_select_id (self, stmt, error);
  if (ordinal <= 0)
    return 0;

  /* The row goes in now, status "recording", to reserve its ordinal; it becomes visible only
   * with a commit, normally the one that ends the trace. */
  stmt = statement (self, STMT_INSERT_TRACE);
  sqlite3_bind_int64 (stmt, 1, function_id);
  sqlite3_bind_int64 (stmt, 2, ordinal);
  sqlite3_bind_text (stmt, 3, graph_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, signature, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, reason, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time () * 1000);
  sqlite3_bind_int64 (stmt, 7, root_scope_id);
  return run_insert (self, stmt, "cannot store a trace", error);
}

gboolean
_agviz_recorder_db_set_trace (AgvizRecorderDb           *self,
                              gint64                     trace_id,
                              AgvizRecorderTraceColumn   column,
                              gint64                     value,
                              GError                   **error)
{
  sqlite3_stmt *stmt = statement (self, column == AGVIZ_RECORDER_TRACE_START
                                          ? STMT_SET_TRACE_START : STMT_SET_TRACE_OBJECT);

  sqlite3_bind_int64 (stmt, 1, trace_id);
  sqlite3_bind_int64 (stmt, 2, value);
  return run_update (self, stmt, "cannot store a trace", error);
}

gint64
_agviz_recorder_db_insert_execution (AgvizRecorderDb       *self,
                                     gint64                 seq,
                                     const AgvizExecution  *execution,
                                     gint64                 op_type_id,
                                     gint64                 device_id,
                                     GError               **error)
{
  sqlite3_stmt *stmt = statement (self, STMT_INSERT_EXECUTION);

  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_int64 (stmt, 2, execution->trace_id);
  sqlite3_bind_int64 (stmt, 3, op_type_id);
  sqlite3_bind_int64 (stmt, 4, device_id);
  sqlite3_bind_int64 (stmt, 5, execution->start_ns);
  sqlite3_bind_int64 (stmt, 6, execution->duration_ns);
  sqlite3_bind_text (stmt, 7, execution->failed ? "failed" : "ok", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, execution->stack_id);
  return run_insert (self, stmt, "cannot store an execution", error);
}

/* Binds the ids of the rows an event or an error refers to (0: none), in the order of their
 * columns in both statements, from parameter @first on. */
static void
bind_references (sqlite3_stmt *stmt,
                 int           first,
                 const gint64  ids[5])
{
  for (int i = 0; i < 5; i++)
    sqlite3_bind_int64 (stmt, first + i, ids[i]);
}

gint64
_agviz_recorder_db_insert_event (AgvizRecorderDb   *self,
                                 const AgvizEvent  *event,
                                 GError           **error)
{
  sqlite3_stmt *stmt = statement (self, STMT_INSERT_EVENT);
  const gint64 references[5] = {
    event->function_id, event->trace_id, event->node_id, event->execution_id, event->stack_id,
  };

  sqlite3_bind_text (stmt, 1, agviz_event_kind_to_string (event->kind), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, event->wall_ns);
  bind_references (stmt, 3, references);
  sqlite3_bind_text (stmt, 8, event->message != NULL ? event->message : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, event->detail, -1, SQLITE_STATIC);
  return run_insert (self, stmt, "cannot store an event", error);
}

gint64
_agviz_recorder_db_insert_error (AgvizRecorderDb           *self,
                                 const AgvizRecordedError  *recorded,
                                 GError                   **error)
{
  sqlite3_stmt *stmt = statement (self, STMT_INSERT_ERROR);
  const gint64 references[5] = {
    recorded->function_id, recorded->trace_id, recorded->node_id, recorded->execution_id,
    recorded->stack_id,
  };

  sqlite3_bind_text (stmt, 1, agviz_error_origin_to_string (recorded->origin), -1,
                     SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, recorded->wall_ns);
  sqlite3_bind_text (stmt, 3, recorded->type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, recorded->message, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, recorded->traceback, -1, SQLITE_STATIC);
  bind_references (stmt, 6, references);
  return run_insert (self, stmt, "cannot store an error", error);
}

/* ---- multi-row inserts -------------------------------------------------------------------- */

/* The statement inserting @n_rows rows (BULK_ROWS or 1) into @table, without waiting for the
 * stack writer: for the stack writer itself. */
static sqlite3_stmt *
prepared_bulk_statement (AgvizRecorderDb  *self,
                         BulkTable         table,
                         guint             n_rows,
                         GError          **error)
{
  sqlite3_stmt **slot = &self->bulk_stmts[table][n_rows == 1 ? 1 : 0];

  if (*slot == NULL)
    {
      g_autoptr(GString) sql = g_string_new (bulk_tables[table].or_fail ? "INSERT OR FAIL INTO "
                                                                        : "INSERT INTO ");

      g_string_append_printf (sql, "%s VALUES ", bulk_tables[table].table_and_columns);
      for (guint row = 0; row < n_rows; row++)
        {
          g_string_append (sql, row == 0 ? "(" : ",(");
          for (guint column = 0; column < bulk_tables[table].n_columns; column++)
            g_string_append (sql, column == 0 ? "?" : ",?");
          g_string_append_c (sql, ')');
        }
      *slot = _agviz_sqlite_prepare (self->connection, sql->str, error);
      if (*slot == NULL)
        return NULL;
    }
  sqlite3_reset (*slot);
  return *slot;
}

static sqlite3_stmt *
bulk_statement (AgvizRecorderDb  *self,
                BulkTable         table,
                guint             n_rows,
                GError          **error)
{
  wait_for_stack_writer (self);
  return prepared_bulk_statement (self, table, n_rows, error);
}

/* Rows whose ids continue the table's (the recorder assigns ids itself, one after the other)
 * are inserted with a NULL id: SQLite then appends them without first searching the table for
 * the id, about a sixth of the cost of a row.  What it assigned is checked against what the
 * recorder did; a difference means another program wrote into the file meanwhile, and what
 * this transaction wrote can no longer be trusted. */
typedef struct
{
  StatementId max_id;     /* STMT_MAX_* of the table */
  gint64      next_id;    /* the id SQLite gives the next row appended; 0 not known yet */
} RowAppender;

/* The id after the largest in the table of @max_id into @next_id; FALSE (with @error) when it
 * cannot be read. */
static gboolean
read_next_id (AgvizRecorderDb  *self,
              StatementId       max_id,
              gint64           *next_id,
              GError          **error)
{
  gint64 largest = 0;
  int rc;

  wait_for_stack_writer (self);
  rc = read_max_id (self, max_id, &largest);
  if (rc != SQLITE_ROW)
    return fail_sqlite (self, rc, "cannot read the trace file", error);
  *next_id = largest + 1;
  return TRUE;
}

/* Whether rows @first_id to @last_id, @n_rows of them, are the next ids from @next_id on. */
static inline gboolean
ids_continue (gint64 next_id,
              gint64 first_id,
              gint64 last_id,
              guint  n_rows)
{
  return first_id == next_id && last_id - first_id == (gint64) n_rows - 1;
}

/* Whether the @n_rows rows with ids @first_id, @first_id + 1, ... go in as appended rows. */
static gboolean
row_appender_begin (AgvizRecorderDb  *self,
                    RowAppender      *appender,
                    gint64            first_id,
                    gint64            last_id,
                    guint             n_rows,
                    gboolean         *append,
                    GError          **error)
{
  *append = FALSE;
  if (appender->next_id == 0 && !read_next_id (self, appender->max_id, &appender->next_id, error))
    return FALSE;
  *append = ids_continue (appender->next_id, first_id, last_id, n_rows);
  return TRUE;
}

static gboolean
row_appender_end (AgvizRecorderDb  *self,
                  RowAppender      *appender,
                  gint64            last_id,
                  gboolean          append,
                  GError          **error)
{
  if (append && sqlite3_last_insert_rowid (self->connection) != last_id)
    return fail_row_ids (self, error);
  appender->next_id = MAX (appender->next_id, last_id + 1);
  return TRUE;
}

/* Binds row @index of @rows (a trace or an array, as the table's binder knows) to the
 * parameters from @first on. */
typedef void   (*BindRow) (gconstpointer  rows,
                           sqlite3_stmt  *stmt,
                           int            first,
                           guint          index);
/* The id of row @index; NULL for a table without ids of the recorder's. */
typedef gint64 (*RowId)   (gconstpointer  rows,
                           guint          index);

/* Writes @n_rows rows of @rows into @table, BULK_ROWS per statement, appended where their ids
 * continue the table's. */
static gboolean
write_rows (AgvizRecorderDb  *self,
            BulkTable         table,
            gconstpointer     rows,
            guint             n_rows,
            BindRow           bind_row,
            RowId             row_id,
            GError          **error)
{
  RowAppender appender = { bulk_tables[table].max_id, 0 };
  guint n_columns = bulk_tables[table].n_columns;
  guint row = 0;

  while (row < n_rows)
    {
      guint batch = n_rows - row >= BULK_ROWS ? BULK_ROWS : 1;
      gint64 last_id = row_id != NULL ? row_id (rows, row + batch - 1) : 0;
      sqlite3_stmt *stmt;
      gboolean append = FALSE;

      if ((row_id != NULL &&
           !row_appender_begin (self, &appender, row_id (rows, row), last_id, batch, &append,
                                error)) ||
          (stmt = bulk_statement (self, table, batch, error)) == NULL)
        return FALSE;
      for (guint i = 0; i < batch; i++)
        {
          bind_row (rows, stmt, 1 + i * n_columns, row + i);
          /* The id is every table's first column. */
          if (append)
            sqlite3_bind_null (stmt, 1 + i * n_columns);
        }
      if (!run_update (self, stmt, bulk_tables[table].what, error) ||
          (row_id != NULL && !row_appender_end (self, &appender, last_id, append, error)))
        return FALSE;
      row += batch;
    }
  return TRUE;
}

/* ---- queued stack entries and their writer ------------------------------------------------ */

void
_agviz_recorder_db_queue_stack (AgvizRecorderDb *self,
                                gint64           id,
                                gint64           parent_id,
                                gint64           frame_id)
{
  PendingStack entry = { id, parent_id, frame_id };

  g_array_append_val (self->pending_stacks, entry);
}

/* What insert_stack_rows() returns when SQLite gave other ids than the recorder's. */
#define STACK_ROW_IDS_DIFFER (-1)

/* Inserts @n_rows stack rows (ids ascending, one after the other), appended where their ids
 * continue the table's (see RowAppender).  Returns SQLITE_OK, SQLite's error code (its message
 * is the connection's) or STACK_ROW_IDS_DIFFER.  Uses the connection without waiting for the
 * stack writer: the caller has it to itself. */
static int
insert_stack_rows (AgvizRecorderDb    *self,
                   const PendingStack *rows,
                   guint               n_rows)
{
  gint64 next_id = 0;
  guint row = 0;
  int rc = read_max_id (self, STMT_MAX_STACK_ID, &next_id);

  if (rc != SQLITE_ROW)
    return rc;
  next_id++;

  while (row < n_rows)
    {
      guint batch = n_rows - row >= BULK_ROWS ? BULK_ROWS : 1;
      const PendingStack *entries = rows + row;
      gboolean append = ids_continue (next_id, entries[0].id, entries[batch - 1].id, batch);
      sqlite3_stmt *stmt = prepared_bulk_statement (self, BULK_STACKS, batch, NULL);

      if (stmt == NULL)
        return sqlite3_errcode (self->connection) != SQLITE_OK ? sqlite3_errcode (self->connection)
                                                               : SQLITE_ERROR;
      for (guint i = 0; i < batch; i++)
        {
          if (append)
            sqlite3_bind_null (stmt, 1 + i * 3);
          else
            sqlite3_bind_int64 (stmt, 1 + i * 3, entries[i].id);
          sqlite3_bind_int64 (stmt, 2 + i * 3, entries[i].parent_id);
          sqlite3_bind_int64 (stmt, 3 + i * 3, entries[i].frame_id);
        }
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_DONE)
        return rc;     /* reset by the caller, after it read the message */
      sqlite3_reset (stmt);
      if (append && sqlite3_last_insert_rowid (self->connection) != entries[batch - 1].id)
        return STACK_ROW_IDS_DIFFER;
      next_id = MAX (next_id, entries[batch - 1].id + 1);
      row += batch;
    }
  return SQLITE_OK;
}

static void
reset_bulk_stacks (AgvizRecorderDb *self)
{
  for (guint i = 0; i < 2; i++)
    if (self->bulk_stmts[BULK_STACKS][i] != NULL)
      sqlite3_reset (self->bulk_stmts[BULK_STACKS][i]);
}

static gboolean
flush_pending_stacks (AgvizRecorderDb  *self,
                      GError          **error)
{
  int rc;

  wait_for_stack_writer (self);
  if (self->pending_stacks->len == 0)
    return TRUE;
  rc = insert_stack_rows (self, (const PendingStack *) self->pending_stacks->data,
                          self->pending_stacks->len);
  if (rc == STACK_ROW_IDS_DIFFER)
    return fail_row_ids (self, error);
  if (rc != SQLITE_OK)
    {
      gboolean ok = (rc & 0xff) == SQLITE_CONSTRAINT
        ? _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_DUPLICATE, "cannot store stacks: %s",
                                sqlite3_errmsg (self->connection))
        : fail_sqlite (self, rc, "cannot store stacks", error);

      reset_bulk_stacks (self);
      return ok;
    }
  g_array_set_size (self->pending_stacks, 0);
  return TRUE;
}

static gpointer
run_stack_writer (gpointer data)
{
  StackWriterJob *job = data;
  AgvizRecorderDb *self = job->db;

  job->rc = insert_stack_rows (self, (const PendingStack *) job->rows->data, job->rows->len);
  if (job->rc == STACK_ROW_IDS_DIFFER)
    job->message = g_strdup ("another program wrote into the trace file meanwhile");
  else if (job->rc != SQLITE_OK)
    job->message = g_strdup (sqlite3_errmsg (self->connection));
  reset_bulk_stacks (self);
  g_atomic_int_set (&job->done, TRUE);
  return NULL;
}

/* Waits for the stack writer.  When it failed, its rows are not in the file: recording stops,
 * the batch can only be rolled back, and where SQLite rolled the transaction back already a new
 * one is begun, so that nothing written until the caller notices reaches the file on its own. */
static void
wait_for_stack_writer (AgvizRecorderDb *self)
{
  StackWriterJob *job = self->stack_writer_job;

  if (G_LIKELY (self->stack_writer == NULL))
    return;
  g_thread_join (self->stack_writer);
  self->stack_writer = NULL;
  self->stack_writer_job = NULL;
  if (job->rc != SQLITE_OK)
    {
      stop (self, g_strdup_printf ("cannot store stacks: %s", job->message));
      if (self->in_transaction && sqlite3_get_autocommit (self->connection))
        sqlite3_exec (self->connection, "BEGIN IMMEDIATE", NULL, NULL, NULL);
      self->in_transaction = !sqlite3_get_autocommit (self->connection);
    }
  g_array_unref (job->rows);
  g_free (job->message);
  g_free (job);
}

void
_agviz_recorder_db_write_stacks_in_background (AgvizRecorderDb *self)
{
  StackWriterJob *job;

  /* A writer still at work keeps its rows; the next call hands on what came meanwhile. */
  if (self->stack_writer != NULL && g_atomic_int_get (&self->stack_writer_job->done))
    wait_for_stack_writer (self);
  if (self->stopped_reason != NULL || !self->in_transaction || self->stack_writer != NULL ||
      self->pending_stacks->len < STACK_WRITER_MIN_ROWS)
    return;

  job = g_new0 (StackWriterJob, 1);
  job->db = self;
  job->rows = self->pending_stacks;
  self->pending_stacks = g_array_new (FALSE, FALSE, sizeof (PendingStack));
  self->stack_writer_job = job;
  self->stack_writer = g_thread_try_new ("agviz-stack-writer", run_stack_writer, job, NULL);
  if (self->stack_writer == NULL)
    {
      /* No thread to be had: the rows wait for the next commit, as usual. */
      g_array_unref (self->pending_stacks);
      self->pending_stacks = job->rows;
      self->stack_writer_job = NULL;
      g_free (job);
    }
}

/* ---- queued tensor summaries -------------------------------------------------------------- */

static void
bind_summary_row (gconstpointer  rows,
                  sqlite3_stmt  *stmt,
                  int            first,
                  guint          index)
{
  const PendingSummary *row = &g_array_index ((GArray *) rows, PendingSummary, index);

  sqlite3_bind_int64 (stmt, first, row->id);
  sqlite3_bind_int64 (stmt, first + 1, row->execution_id);
  sqlite3_bind_int64 (stmt, first + 2, row->node_id);
  sqlite3_bind_int (stmt, first + 3, row->output_slot);
  sqlite3_bind_int (stmt, first + 4, row->debug_mode);
  sqlite3_bind_text (stmt, first + 5, row->dtype, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, first + 6, row->shape, -1, SQLITE_STATIC);
  for (guint c = 0; c < G_N_ELEMENTS (row->counts); c++)
    if (row->counts[c] >= 0)
      sqlite3_bind_int64 (stmt, first + 7 + (int) c, row->counts[c]);
    else
      sqlite3_bind_null (stmt, first + 7 + (int) c);
  if (row->has_range)
    {
      sqlite3_bind_double (stmt, first + 14, row->min);
      sqlite3_bind_double (stmt, first + 15, row->max);
      sqlite3_bind_double (stmt, first + 16, row->mean);
    }
  else
    for (int c = 14; c <= 16; c++)
      sqlite3_bind_null (stmt, first + c);
}

static gint64
summary_row_id (gconstpointer rows,
                guint         index)
{
  return g_array_index ((GArray *) rows, PendingSummary, index).id;
}

/* Rows in the order of the table's indexes (by node, by execution), not of their ids: a dump
 * gives one summary per op per step, so in id order every row would go into the middle of the
 * node index, each to another page (a 1,000,000-row import spent a quarter of its time moving
 * index cells about); sorted, a node's rows of several steps go in one after the other.  The
 * table's own B-tree only grows at its end either way. */
static gint
compare_summary_rows (gconstpointer a,
                      gconstpointer b)
{
  const PendingSummary *x = a, *y = b;

  if (x->node_id != y->node_id)
    return x->node_id < y->node_id ? -1 : 1;
  if (x->execution_id != y->execution_id)
    return x->execution_id < y->execution_id ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

static gboolean
flush_pending_summaries (AgvizRecorderDb  *self,
                         GError          **error)
{
  gboolean ok;

  if (self->pending_summaries->len == 0)
    return TRUE;
  g_array_sort (self->pending_summaries, compare_summary_rows);
  ok = write_rows (self, BULK_TENSOR_SUMMARIES, self->pending_summaries,
                   self->pending_summaries->len, bind_summary_row, summary_row_id, error);
  g_array_set_size (self->pending_summaries, 0);
  g_string_chunk_clear (self->pending_summary_texts);
  /* Some of the rows went in (OR FAIL): a transaction like that must not be committed. */
  if (!ok && self->in_transaction)
    abandon_transaction (self, self->stopped_reason == NULL
                                 ? "tensor summaries could not be stored" : NULL);
  return ok;
}

gint64
_agviz_recorder_db_queue_tensor_summary (AgvizRecorderDb           *self,
                                         const AgvizTensorSummary  *summary,
                                         GError                   **error)
{
  PendingSummary row;

  if (self->next_summary_id == 0 &&
      !read_next_id (self, STMT_MAX_TENSOR_SUMMARY_ID, &self->next_summary_id, error))
    return 0;
  row.id = self->next_summary_id;
  row.execution_id = summary->execution_id;
  row.node_id = summary->node_id;
  row.output_slot = summary->output_slot;
  row.debug_mode = summary->debug_mode;
  /* Few distinct dtypes; shapes are mostly alike too. */
  row.dtype = summary->dtype != NULL
                ? g_string_chunk_insert_const (self->pending_summary_texts, summary->dtype) : NULL;
  row.shape = summary->shape != NULL
                ? g_string_chunk_insert_const (self->pending_summary_texts, summary->shape) : NULL;
  row.counts[0] = summary->element_count;
  row.counts[1] = summary->nan_count;
  row.counts[2] = summary->neg_inf_count;
  row.counts[3] = summary->pos_inf_count;
  row.counts[4] = summary->neg_finite_count;
  row.counts[5] = summary->zero_count;
  row.counts[6] = summary->pos_finite_count;
  row.has_range = summary->has_range;
  row.min = summary->min;
  row.max = summary->max;
  row.mean = summary->mean;
  g_array_append_val (self->pending_summaries, row);
  self->next_summary_id++;

  if (self->pending_summaries->len >= PENDING_SUMMARIES_MAX &&
      !flush_pending_summaries (self, error))
    return 0;
  return row.id;
}

/* ---- a finished trace --------------------------------------------------------------------- */

static void
bind_scope_row (gconstpointer  rows,
                sqlite3_stmt  *stmt,
                int            first,
                guint          index)
{
  const AgvizTraceBuilder *trace = rows;
  AgvizPendingScope *scope = &g_array_index (trace->scopes, AgvizPendingScope, index);

  sqlite3_bind_int64 (stmt, first, scope->id);
  sqlite3_bind_int64 (stmt, first + 1, trace->id);
  sqlite3_bind_int64 (stmt, first + 2, scope->parent_index == G_MAXUINT ? 0 :
                      g_array_index (trace->scopes, AgvizPendingScope, scope->parent_index).id);
  sqlite3_bind_text (stmt, first + 3, _agviz_trace_builder_name (trace, scope->name_offset), -1,
                     SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, first + 4, scope->node_count);
  sqlite3_bind_int64 (stmt, first + 5, scope->descendant_count);
}

static gint64
scope_row_id (gconstpointer rows,
              guint         index)
{
  return g_array_index (((const AgvizTraceBuilder *) rows)->scopes, AgvizPendingScope, index).id;
}

static void
bind_edge_list (sqlite3_stmt *stmt,
                int           column,
                GByteArray   *bytes,
                GArray       *offsets,
                guint         index)
{
  guint start = g_array_index (offsets, guint, index);
  guint end = g_array_index (offsets, guint, index + 1);

  if (end > start)
    sqlite3_bind_blob (stmt, column, bytes->data + start, end - start, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, column);
}

static void
bind_node_row (gconstpointer  rows,
               sqlite3_stmt  *stmt,
               int            first,
               guint          index)
{
  const AgvizTraceBuilder *trace = rows;
  AgvizPendingNode *node = &g_array_index (trace->nodes, AgvizPendingNode, index);

  sqlite3_bind_int64 (stmt, first, node->id);
  sqlite3_bind_int64 (stmt, first + 1,
                      g_array_index (trace->scopes, AgvizPendingScope, node->scope_index).id);
  sqlite3_bind_text (stmt, first + 2, _agviz_trace_builder_name (trace, node->name_offset), -1,
                     SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, first + 3, node->op_type_id);
  sqlite3_bind_int64 (stmt, first + 4, node->device_id);
  sqlite3_bind_int64 (stmt, first + 5, node->stack_id);
  sqlite3_bind_int64 (stmt, first + 6, node->attr_set_id);
  bind_edge_list (stmt, first + 7, trace->edge_lists, trace->input_offsets, index);
  bind_edge_list (stmt, first + 8, trace->edge_lists, trace->consumer_offsets, index);
}

static gint64
node_row_id (gconstpointer rows,
             guint         index)
{
  return g_array_index (((const AgvizTraceBuilder *) rows)->nodes, AgvizPendingNode, index).id;
}

static void
bind_scope_edge_row (gconstpointer  rows,
                     sqlite3_stmt  *stmt,
                     int            first,
                     guint          index)
{
  const AgvizScopeEdgeAggregate *sum = &g_array_index ((GArray *) rows, AgvizScopeEdgeAggregate,
                                                       index);

  sqlite3_bind_int64 (stmt, first, sum->scope_id);
  sqlite3_bind_int64 (stmt, first + 1, sum->src);
  sqlite3_bind_int64 (stmt, first + 2, sum->dst);
  sqlite3_bind_int64 (stmt, first + 3, sum->count);
  sqlite3_bind_int64 (stmt, first + 4, sum->control_count);
  sqlite3_bind_int64 (stmt, first + 5, sum->reference_count);
  sqlite3_bind_int64 (stmt, first + 6, sum->tensor_elements);
}

/* Writes the trace's rows inside the current transaction. */
static gboolean
write_trace_rows (AgvizRecorderDb          *self,
                  const AgvizTraceBuilder  *trace,
                  GArray                   *scope_edges,
                  GError                  **error)
{
  if (!write_rows (self, BULK_SCOPES, trace, trace->scopes->len, bind_scope_row, scope_row_id,
                   error) ||
      !write_rows (self, BULK_NODES, trace, trace->nodes->len, bind_node_row, node_row_id,
                   error) ||
      (scope_edges != NULL &&
       !write_rows (self, BULK_SCOPE_EDGES, scope_edges, scope_edges->len, bind_scope_edge_row,
                    NULL, error)))
    return FALSE;

  for (guint i = 0; i < trace->calls->len; i++)
    {
      AgvizPendingCall *call = &g_array_index (trace->calls, AgvizPendingCall, i);
      sqlite3_stmt *stmt = statement (self, STMT_INSERT_CALL);

      sqlite3_bind_int64 (stmt, 1, call->node_id);
      sqlite3_bind_text (stmt, 2, call->role, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, call->callee_graph_name, -1, SQLITE_STATIC);
      if (!run_update (self, stmt, "cannot store a function call", error))
        return FALSE;
    }
  return TRUE;
}

gboolean
_agviz_recorder_db_write_trace (AgvizRecorderDb          *self,
                                const AgvizTraceBuilder  *trace,
                                GArray                   *scope_edges,
                                AgvizTraceStatus          status,
                                gint64                    wall_ns,
                                GError                  **error)
{
  sqlite3_stmt *stmt;

  if (!_agviz_recorder_db_begin (self, error))
    return FALSE;
  /* A savepoint, so a failure half-way leaves none of this trace's rows behind. */
  if (!_agviz_sqlite_exec (connection (self), "SAVEPOINT end_trace", error))
    return FALSE;
  if (!write_trace_rows (self, trace, scope_edges, error))
    goto rollback;

  stmt = statement (self, STMT_END_TRACE);
  sqlite3_bind_int64 (stmt, 1, trace->id);
  sqlite3_bind_text (stmt, 2, agviz_trace_status_to_string (status), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, wall_ns);
  sqlite3_bind_int64 (stmt, 4, trace->nodes->len);
  sqlite3_bind_int64 (stmt, 5, trace->edges->len);
  sqlite3_bind_int (stmt, 6, scope_edges != NULL);
  if (!run_update (self, stmt, "cannot end a trace", error) ||
      !_agviz_sqlite_exec (self->connection, "RELEASE end_trace", error))
    goto rollback;
  return TRUE;

rollback:
  if (!sqlite3_get_autocommit (connection (self)))
    sqlite3_exec (self->connection, "ROLLBACK TO end_trace; RELEASE end_trace", NULL, NULL, NULL);
  return FALSE;
}
