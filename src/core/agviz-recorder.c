/* agviz-recorder.c: batched, crash-safe writing of traces
 *
 * Speed comes from three things: one long transaction per trace (committed when it ends),
 * prepared statements, and interning in memory (op types, devices, frames, stack prefixes, scope
 * paths, attribute sets) so the common case of a node costs one INSERT and a few hash lookups.
 * Interning falls back to a SELECT on a miss, so a recorder reopening an existing file reuses
 * what is there instead of writing duplicates.
 */
#define G_LOG_DOMAIN "agviz-recorder"

#include "config.h"

#include <string.h>

#include "agviz-edge-list.h"
#include "agviz-recorder.h"
#include "agviz-recorder-private.h"
#include "agviz-trace-file-private.h"

G_DEFINE_QUARK (agviz-recorder-error-quark, agviz_recorder_error)

/* Between traces, rows are committed when this many are pending or this much time has passed. */
#define COMMIT_EVERY_ROWS 4096
#define COMMIT_EVERY_USEC (G_USEC_PER_SEC)

/* Ids are packed into pointer-sized hash keys. */
G_STATIC_ASSERT (sizeof (gpointer) == sizeof (guint64));

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
  STMT_MAX_STACK_ID,
  STMT_MAX_TENSOR_SUMMARY_ID,
  N_STMTS
} StatementId;

static const char *const statement_sql[N_STMTS] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_SET_METADATA] = "INSERT OR REPLACE INTO metadata (key, value) VALUES (?1, ?2)",
  [STMT_FIND_FILE] = "SELECT id FROM source_files WHERE host = ?1 AND path = ?2",
  [STMT_INSERT_FILE] = "INSERT INTO source_files (host, path) VALUES (?1, ?2)",
  [STMT_SET_FILE_TEXT] = "UPDATE source_files SET text = ?2, sha256 = ?3 WHERE id = ?1",
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
                        " function_id, trace_id, execution_id, node_id, stack_id)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
  [STMT_MAX_SCOPE_ID] = "SELECT coalesce(max(id), 0) FROM scopes",
  [STMT_MAX_NODE_ID] = "SELECT coalesce(max(id), 0) FROM nodes",
  [STMT_MAX_STACK_ID] = "SELECT coalesce(max(id), 0) FROM stacks",
  [STMT_MAX_TENSOR_SUMMARY_ID] = "SELECT coalesce(max(id), 0) FROM tensor_summaries",
};

typedef struct
{
  gint64 id;
  guint  parent_index;       /* index in OpenTrace.scopes; G_MAXUINT for the root */
  guint  name_offset;        /* local name, in OpenTrace.names */
  gint64 node_count;
  gint64 descendant_count;
} PendingScope;

typedef struct
{
  gint64 id;
  guint  scope_index;
  guint  name_offset;        /* local name, in OpenTrace.names */
  gint64 op_type_id;
  gint64 device_id;
  gint64 stack_id;
  gint64 attr_set_id;
  gint64 output_elements;    /* of output 0, from "_output_shapes"; -1 unknown */
  guint64 inputs_taken;      /* bit i: input i has its edge (i < 64; others in edge_inputs) */
} PendingNode;

typedef struct
{
  const char *name;
  gint64      id;
} LastName;

typedef struct
{
  gint64 attr_set_id;
  gint64 output_elements;
} AttrsInfo;

/* attrs_by_instance holds at most this many variants: a bound on the references it keeps. */
#define ATTRS_BY_INSTANCE_MAX 65536

typedef struct
{
  gint64  node_id;
  char   *role;
  char   *callee_graph_name;
} PendingCall;

typedef struct
{
  gint64 id;
  gint64 parent_id;
  gint64 frame_id;
} PendingStack;

/* A tensor summary waiting for its multi-row insert; its texts live in
 * pending_summary_texts. */
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

/* A trace between begin and end lives here, validated as it grows, and reaches the file in one
 * go when it ends: readers and crashes never see half a trace, duplicate names are caught at the
 * call that makes them, and the rows go in with multi-row INSERTs in key order, which is several
 * times faster than one statement per row. */
typedef struct
{
  gint64      id;
  gint64      root_scope_id;
  gint64      started_usec;   /* monotonic, to measure the tracing time */
  GString    *names;          /* local names of scopes and nodes, each NUL-terminated */
  GArray     *scopes;         /* PendingScope, parents before children; [0] is the root */
  GHashTable *scope_index;    /* "parent index/local name" (owned) -> index in scopes + 1 */
  GHashTable *scope_by_path;  /* full path (owned), only up to MAX_PATH_KEY bytes -> index + 1 */
  GString    *last_scope_path;   /* the full path of the scope looked up last */
  guint       last_scope_index;
  GArray     *nodes;          /* PendingNode */
  GHashTable *node_by_hash;   /* 64-bit hash of (scope, name) -> index in nodes + 1 */
  GHashTable *node_by_key;    /* "scope index/name" -> index + 1, for the rare hash collision */
  GArray     *edges;          /* AgvizEdge */
  GHashTable *edge_inputs;    /* packed (dst node, input) taken; see edge_input_key() */
  GHashTable *wide_edge_inputs; /* "dst:input" for ids too large to pack */
  GArray     *calls;          /* PendingCall */
} OpenTrace;

struct _AgvizRecorder
{
  GObject       parent_instance;

  char         *path;
  sqlite3      *db;
  sqlite3_stmt *stmts[N_STMTS];

  /* Set when an I/O error made SQLite roll back the batch: continuing would write rows that
   * point at rows that are gone, so everything after fails with this message. */
  char         *stopped_reason;

  gboolean      in_transaction;
  /* Set between begin_batch and commit_batch/rollback_batch: every commit is held back so the
   * batch lands whole or not at all. */
  gboolean      in_batch;
  guint         pending_rows;
  gint64        last_commit_usec;

  GHashTable   *open_traces;          /* trace id -> OpenTrace */
  OpenTrace    *last_trace;           /* the one looked up last, or NULL */

  /* Node and scope ids are assigned here (rows are written only when their trace ends), node
   * ids consecutively from first_session_node_id, so the trace of each node made in this
   * session is one array lookup away (edges must stay inside one trace). */
  gint64        first_session_node_id;
  gint64        next_node_id;
  GArray       *node_owner;           /* gint64 trace id per node of this session */
  gint64        next_scope_id;

  /* Rows with ids above these were made by this session: a key that involves one of them cannot
   * be in the file yet, so interning it skips the SELECT that looks for an older copy. */
  gint64        max_file_id_at_open;
  gint64        max_frame_id_at_open;
  gint64        max_stack_id_at_open;
  gint64        max_session_file_id;     /* highest id this session made; ids above ..._at_open */
  gint64        max_session_frame_id;    /* and up to these exist for sure */

  gint64        next_seq;

  GHashTable   *op_type_ids;          /* name -> id */
  GHashTable   *device_ids;           /* name -> id */
  /* The names interned last (keys of the tables above): graphs put most nodes on one device,
   * and executions repeat op types, so a comparison usually spares the hash lookup. */
  LastName      last_op_type;
  LastName      last_device;
  GHashTable   *frame_ids;            /* "file_id:line:column:function" -> id */
  GHashTable   *stack_ids;            /* packed (parent_id, frame_id) -> id */
  GHashTable   *known_stacks;         /* stack ids known to exist: node stacks checked once */
  GHashTable   *known_traces;         /* trace ids known to exist: executions checked once */
  GHashTable   *attr_set_ids;         /* GBytes -> id */
  /* Importers pass the same a{sv} instance for every node with the same attributes: its
   * interned id and output size are found by the pointer (a reference is held, so the address
   * cannot be reused) instead of serialising it and searching it per node. */
  GHashTable   *attrs_by_instance;    /* GVariant (ref) -> AttrsInfo */
  GVariant     *last_attrs;           /* the key of attrs_by_instance found last, or NULL */
  AttrsInfo    *last_attrs_info;
  GHashTable   *function_ids;         /* "file_id:line:name" -> id */

  sqlite3_stmt *bulk_stmts[5][2];     /* per BulkTable: [0] BULK_ROWS rows, [1] one row */

  /* New stack entries get their ids here and reach the file in multi-row inserts before the
   * next commit (importers make one per frame of every distinct stack: single-row inserts were
   * the importers' largest cost).  Nothing reads them before: nodes and executions that name
   * them are written in the same transaction. */
  guint         scope_edges_min_nodes;
  gint64        next_stack_id;
  GArray       *pending_stacks;       /* PendingStack */
  /* Tensor summaries likewise (a tfdbg2 dump holds one per op per step): ids given here, from
   * the file's largest on (read in each transaction when its first one comes, 0 until then:
   * the transaction holds the write lock, so no other program can take them), rows written,
   * sorted for the indexes, before the commit or when PENDING_SUMMARIES_MAX wait. */
  gint64        next_summary_id;
  GArray       *pending_summaries;    /* PendingSummary */
  GStringChunk *pending_summary_texts;
  /* Stack rows being written on another thread (agviz_recorder_write_stacks_in_background()):
   * while it runs, nothing else uses the connection; every use of it first waits here. */
  GThread      *stack_writer;
  struct _StackWriterJob *stack_writer_job;

  GString      *scratch;
};

G_DEFINE_FINAL_TYPE (AgvizRecorder, agviz_recorder, G_TYPE_OBJECT)

static guint
hash_u64_key (gconstpointer key)
{
  guint64 value = (guint64) (guintptr) key;

  /* The finaliser of MurmurHash3: mixes the high half in, unlike g_direct_hash. */
  value ^= value >> 33;
  value *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  value ^= value >> 33;
  return (guint) value;
}

static inline gpointer
id_to_value (gint64 id)
{
  return (gpointer) (guintptr) id;
}

static inline gint64
value_to_id (gpointer value)
{
  return (gint64) (guintptr) value;
}

static void
pending_call_clear (gpointer data)
{
  PendingCall *call = data;

  g_free (call->role);
  g_free (call->callee_graph_name);
}

static OpenTrace *
open_trace_new (gint64 id)
{
  OpenTrace *trace = g_new0 (OpenTrace, 1);

  trace->id = id;
  trace->started_usec = g_get_monotonic_time ();
  trace->names = g_string_new (NULL);
  trace->scopes = g_array_new (FALSE, FALSE, sizeof (PendingScope));
  trace->scope_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  trace->scope_by_path = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  trace->last_scope_path = g_string_new (NULL);
  trace->nodes = g_array_new (FALSE, FALSE, sizeof (PendingNode));
  trace->node_by_hash = g_hash_table_new (hash_u64_key, g_direct_equal);
  trace->node_by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  trace->edges = g_array_new (FALSE, FALSE, sizeof (AgvizEdge));
  trace->edge_inputs = g_hash_table_new (hash_u64_key, g_direct_equal);
  trace->wide_edge_inputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  trace->calls = g_array_new (FALSE, FALSE, sizeof (PendingCall));
  g_array_set_clear_func (trace->calls, pending_call_clear);
  return trace;
}

static void
open_trace_free (OpenTrace *trace)
{
  g_string_free (trace->names, TRUE);
  g_clear_pointer (&trace->scopes, g_array_unref);
  g_clear_pointer (&trace->scope_index, g_hash_table_unref);
  g_clear_pointer (&trace->scope_by_path, g_hash_table_unref);
  g_string_free (trace->last_scope_path, TRUE);
  g_clear_pointer (&trace->nodes, g_array_unref);
  g_clear_pointer (&trace->node_by_hash, g_hash_table_unref);
  g_clear_pointer (&trace->node_by_key, g_hash_table_unref);
  g_clear_pointer (&trace->edges, g_array_unref);
  g_clear_pointer (&trace->edge_inputs, g_hash_table_unref);
  g_clear_pointer (&trace->wide_edge_inputs, g_hash_table_unref);
  g_clear_pointer (&trace->calls, g_array_unref);
  g_free (trace);
}

static guint
open_trace_add_name (OpenTrace  *trace,
                     const char *name,
                     gsize       length)
{
  guint offset = trace->names->len;

  g_string_append_len (trace->names, name, length);
  g_string_append_c (trace->names, '\0');
  return offset;
}

static guint64
node_name_hash (guint       scope_index,
                const char *name)
{
  guint64 hash = G_GUINT64_CONSTANT (0xcbf29ce484222325) ^ scope_index;

  for (const char *p = name; *p != '\0'; p++)
    {
      hash ^= (guchar) *p;
      hash *= G_GUINT64_CONSTANT (0x100000001b3);
    }
  return hash;
}

/* The index + 1 of node @name in scope @scope_index, or 0.  *@hash_taken (optional) tells
 * whether another node has the same hash. */
static guint
open_trace_find_node (OpenTrace  *trace,
                      guint       scope_index,
                      const char *name,
                      gboolean   *hash_taken)
{
  guint64 hash = node_name_hash (scope_index, name);
  gpointer value;
  PendingNode *node;
  g_autofree char *key = NULL;

  if (hash_taken != NULL)
    *hash_taken = FALSE;
  if (!g_hash_table_lookup_extended (trace->node_by_hash, id_to_value (hash), NULL, &value))
    return 0;
  if (hash_taken != NULL)
    *hash_taken = TRUE;
  node = &g_array_index (trace->nodes, PendingNode, GPOINTER_TO_UINT (value) - 1);
  if (node->scope_index == scope_index && strcmp (trace->names->str + node->name_offset, name) == 0)
    return GPOINTER_TO_UINT (value);

  key = g_strdup_printf ("%u/%s", scope_index, name);
  return GPOINTER_TO_UINT (g_hash_table_lookup (trace->node_by_key, key));
}

/* @hash_taken: what open_trace_find_node() said for the same node (spares a look-up). */
static void
open_trace_index_node (OpenTrace  *trace,
                       guint       scope_index,
                       const char *name,
                       guint       index_plus_one,
                       gboolean    hash_taken)
{
  guint64 hash = node_name_hash (scope_index, name);

  if (!hash_taken)
    g_hash_table_insert (trace->node_by_hash, id_to_value (hash), GUINT_TO_POINTER (index_plus_one));
  else
    g_hash_table_insert (trace->node_by_key, g_strdup_printf ("%u/%s", scope_index, name),
                         GUINT_TO_POINTER (index_plus_one));
}

/* Packs (node, input) into one key while both fit (2^44 nodes, 2^20 inputs); else NULL. */
static gboolean
edge_input_key (gint64   dst_node_id,
                int      dst_input,
                guint64 *key)
{
  if (dst_node_id >= (G_GINT64_CONSTANT (1) << 44) || dst_input >= (1 << 20))
    return FALSE;
  *key = ((guint64) dst_node_id << 20) | (guint64) dst_input;
  return TRUE;
}

static guint node_index_of (OpenTrace *trace,
                            gint64     node_id);

/* Marks input @dst_input of @dst_node_id (a node of @trace) as taken; FALSE if it was already.
 * The common inputs are bits in the node's own entry: no hash set the size of all edges. */
static gboolean
open_trace_take_input (OpenTrace *trace,
                       gint64     dst_node_id,
                       int        dst_input)
{
  guint64 key;

  if (dst_input < 64)
    {
      PendingNode *node = &g_array_index (trace->nodes, PendingNode,
                                          node_index_of (trace, dst_node_id));
      guint64 bit = G_GUINT64_CONSTANT (1) << dst_input;

      if (node->inputs_taken & bit)
        return FALSE;
      node->inputs_taken |= bit;
      return TRUE;
    }

  if (edge_input_key (dst_node_id, dst_input, &key))
    return g_hash_table_add (trace->edge_inputs, id_to_value (key));
  return g_hash_table_add (trace->wide_edge_inputs,
                           g_strdup_printf ("%" G_GINT64_FORMAT ":%d", dst_node_id, dst_input));
}

static gboolean
fail_sqlite (AgvizRecorder  *self,
             int             rc,
             const char     *what,
             GError        **error)
{
  /* SQLite rolls the whole transaction back on some errors (disk full, I/O): detect it, because
   * the rows of the current batch are gone and later rows would refer to them. */
  if (self->in_transaction && sqlite3_get_autocommit (self->db))
    {
      self->in_transaction = FALSE;
      g_free (self->stopped_reason);
      self->stopped_reason = g_strdup_printf ("%s: %s", what, sqlite3_errmsg (self->db));
    }
  return _agviz_sqlite_fail (error, self->db, rc, what);
}

static gboolean
fail_invalid (GError     **error,
              int          code,
              const char  *format,
              ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail_invalid (GError     **error,
              int          code,
              const char  *format,
              ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (AGVIZ_RECORDER_ERROR, code, format, args));
  va_end (args);
  return FALSE;
}

static gboolean
check_usable (AgvizRecorder  *self,
              GError        **error)
{
  if (self->db == NULL)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_STOPPED, "the recorder is closed");
  if (self->stopped_reason != NULL)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_STOPPED,
                         "recording stopped after an earlier error (%s); "
                         "every trace ended before it is intact", self->stopped_reason);
  return TRUE;
}

static void join_stack_writer (AgvizRecorder *self);

/* Every use of the connection starts with one of these (statement(), bulk_statement(), or
 * join_stack_writer() before a direct call), so none overlaps the stack writer's.
 * Every caller binds every parameter it uses and the rest default to NULL once cleared, so
 * clearing is needed only for statements with optional parameters. */
static sqlite3_stmt *
statement (AgvizRecorder *self,
           StatementId    id)
{
  sqlite3_stmt *stmt;

  join_stack_writer (self);
  stmt = self->stmts[id];
  sqlite3_reset (stmt);
  if (id == STMT_INSERT_EVENT || id == STMT_INSERT_ERROR)
    sqlite3_clear_bindings (stmt);
  return stmt;
}

static gboolean
ensure_transaction (AgvizRecorder  *self,
                    GError        **error)
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

static gboolean flush_pending_stacks (AgvizRecorder  *self,
                                      GError        **error);
static gboolean flush_pending_summaries (AgvizRecorder  *self,
                                         GError        **error);

static gboolean
commit_now (AgvizRecorder  *self,
            GError        **error)
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
  self->pending_rows = 0;
  self->last_commit_usec = g_get_monotonic_time ();
  /* Read again in the next transaction: between two, another program may have added rows. */
  self->next_summary_id = 0;
  return TRUE;
}

/* Every commit point of the recorder goes through here; inside a batch they all wait for
 * agviz_recorder_commit_batch(). */
static gboolean
commit (AgvizRecorder  *self,
        GError        **error)
{
  if (self->in_batch)
    return TRUE;
  return commit_now (self, error);
}

/* Between traces, keep readers up to date without a commit per row. */
static gboolean
maybe_commit (AgvizRecorder  *self,
              GError        **error)
{
  self->pending_rows++;
  if (g_hash_table_size (self->open_traces) > 0)
    return TRUE;
  if (self->pending_rows < COMMIT_EVERY_ROWS &&
      g_get_monotonic_time () - self->last_commit_usec < COMMIT_EVERY_USEC)
    return TRUE;
  return commit (self, error);
}

/* Runs a prepared INSERT/UPDATE whose parameters are bound; returns the new rowid or 0. */
static gint64
run_insert (AgvizRecorder  *self,
            sqlite3_stmt   *stmt,
            const char     *what,
            GError        **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    {
      if ((rc & 0xff) == SQLITE_CONSTRAINT)
        {
          fail_invalid (error, AGVIZ_RECORDER_ERROR_DUPLICATE, "%s: %s", what,
                        sqlite3_errmsg (self->db));
          sqlite3_reset (stmt);
          return 0;
        }
      sqlite3_reset (stmt);
      fail_sqlite (self, rc, what, error);
      return 0;
    }
  sqlite3_reset (stmt);
  return sqlite3_last_insert_rowid (self->db);
}

/* Runs a prepared statement that returns no rowid (UPDATE, WITHOUT ROWID insert). */
static gboolean
run_update (AgvizRecorder  *self,
            sqlite3_stmt   *stmt,
            const char     *what,
            GError        **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_DUPLICATE, "%s: %s", what,
                         sqlite3_errmsg (self->db));
  if (rc != SQLITE_DONE)
    return fail_sqlite (self, rc, what, error);
  return TRUE;
}

/* Runs a prepared single-column SELECT; returns its integer, 0 when there is no row, -1 on error. */
static gint64
run_select_id (AgvizRecorder  *self,
               sqlite3_stmt   *stmt,
               GError        **error)
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

static gboolean
row_exists (AgvizRecorder  *self,
            StatementId     id,
            gint64          row_id,
            const char     *what,
            GError        **error)
{
  sqlite3_stmt *stmt = statement (self, id);
  gint64 found;

  sqlite3_bind_int64 (stmt, 1, row_id);
  found = run_select_id (self, stmt, error);
  if (found < 0)
    return FALSE;
  if (found == 0)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_UNKNOWN_ID, "no %s with id %" G_GINT64_FORMAT,
                         what, row_id);
  return TRUE;
}

/* Whether stack @stack_id is known to exist: made by this session (ids above those in the file
 * when it opened; pending ones reach it before the next commit), or checked once before. */
static gboolean
stack_is_known (AgvizRecorder *self,
                gint64         stack_id)
{
  return (stack_id > self->max_stack_id_at_open && stack_id < self->next_stack_id) ||
         g_hash_table_contains (self->known_stacks, id_to_value (stack_id));
}

/* Whether @stack_id is 0 (none) or names a stack, looked for in the file only the first time. */
static gboolean
check_stack (AgvizRecorder  *self,
             gint64          stack_id,
             GError        **error)
{
  if (stack_id < 0)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_UNKNOWN_ID,
                         "no stack with id %" G_GINT64_FORMAT, stack_id);
  if (stack_id > 0 && !stack_is_known (self, stack_id))
    {
      if (!row_exists (self, STMT_STACK_EXISTS, stack_id, "stack", error))
        return FALSE;
      g_hash_table_add (self->known_stacks, id_to_value (stack_id));
    }
  return TRUE;
}

static gint64
max_of (sqlite3    *db,
        const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  return sqlite3_column_int64 (stmt, 0);
}

static void
agviz_recorder_finalize (GObject *object)
{
  AgvizRecorder *self = AGVIZ_RECORDER (object);

  if (self->db != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!agviz_recorder_close (self, &error))
        g_warning ("%s", error->message);
    }

  g_clear_pointer (&self->open_traces, g_hash_table_unref);
  g_clear_pointer (&self->node_owner, g_array_unref);
  g_clear_pointer (&self->op_type_ids, g_hash_table_unref);
  g_clear_pointer (&self->device_ids, g_hash_table_unref);
  g_clear_pointer (&self->frame_ids, g_hash_table_unref);
  g_clear_pointer (&self->stack_ids, g_hash_table_unref);
  g_clear_pointer (&self->known_stacks, g_hash_table_unref);
  g_clear_pointer (&self->known_traces, g_hash_table_unref);
  g_clear_pointer (&self->pending_stacks, g_array_unref);
  g_clear_pointer (&self->pending_summaries, g_array_unref);
  g_clear_pointer (&self->pending_summary_texts, g_string_chunk_free);
  g_clear_pointer (&self->attr_set_ids, g_hash_table_unref);
  g_clear_pointer (&self->attrs_by_instance, g_hash_table_unref);
  g_clear_pointer (&self->function_ids, g_hash_table_unref);
  g_string_free (self->scratch, TRUE);
  g_free (self->stopped_reason);
  g_free (self->path);

  G_OBJECT_CLASS (agviz_recorder_parent_class)->finalize (object);
}

static void
agviz_recorder_class_init (AgvizRecorderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = agviz_recorder_finalize;
}

static void
agviz_recorder_init (AgvizRecorder *self)
{
  self->open_traces = g_hash_table_new_full (hash_u64_key, g_direct_equal, NULL,
                                             (GDestroyNotify) open_trace_free);
  self->node_owner = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->op_type_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->device_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->frame_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->stack_ids = g_hash_table_new (hash_u64_key, g_direct_equal);
  self->known_stacks = g_hash_table_new (hash_u64_key, g_direct_equal);
  self->known_traces = g_hash_table_new (hash_u64_key, g_direct_equal);
  self->pending_stacks = g_array_new (FALSE, FALSE, sizeof (PendingStack));
  self->pending_summaries = g_array_new (FALSE, FALSE, sizeof (PendingSummary));
  self->pending_summary_texts = g_string_chunk_new (4096);
  self->scope_edges_min_nodes = AGVIZ_SCOPE_EDGES_MIN_NODES;
  self->attr_set_ids = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                              (GDestroyNotify) g_bytes_unref, NULL);
  self->attrs_by_instance = g_hash_table_new_full (g_direct_hash, g_direct_equal,
                                                   (GDestroyNotify) g_variant_unref, g_free);
  self->function_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->scratch = g_string_new (NULL);
}

AgvizRecorder *
agviz_recorder_open (const char  *path,
                     GError     **error)
{
  g_autoptr(AgvizRecorder) self = NULL;
  g_autofree char *created = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (AGVIZ_TYPE_RECORDER, NULL);
  self->path = g_strdup (path);
  self->db = _agviz_trace_file_open (path, _AGVIZ_OPEN_CREATE, NULL, error);
  if (self->db == NULL)
    return NULL;

  for (guint i = 0; i < N_STMTS; i++)
    {
      self->stmts[i] = _agviz_sqlite_prepare (self->db, statement_sql[i], error);
      if (self->stmts[i] == NULL)
        return NULL;
    }

  self->first_session_node_id = max_of (self->db, "SELECT coalesce(max(id), 0) FROM nodes") + 1;
  self->next_node_id = self->first_session_node_id;
  self->next_scope_id = max_of (self->db, "SELECT coalesce(max(id), 0) FROM scopes") + 1;
  self->max_file_id_at_open = max_of (self->db, "SELECT coalesce(max(id), 0) FROM source_files");
  self->max_frame_id_at_open = max_of (self->db, "SELECT coalesce(max(id), 0) FROM frames");
  self->max_stack_id_at_open = max_of (self->db, "SELECT coalesce(max(id), 0) FROM stacks");
  self->next_stack_id = self->max_stack_id_at_open + 1;
  self->next_seq = max_of (self->db, "SELECT coalesce(max(seq), 0) FROM executions") + 1;
  self->last_commit_usec = g_get_monotonic_time ();

  if (!agviz_recorder_set_metadata (self, "agviz.writer_version", PACKAGE_VERSION, error))
    return NULL;
  if (!commit (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

gboolean
agviz_recorder_close (AgvizRecorder  *self,
                      GError        **error)
{
  gboolean ok = TRUE;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);

  if (self->db == NULL)
    return TRUE;

  join_stack_writer (self);
  /* A batch that was never committed is abandoned whole, as if the process had died. */
  if (self->stopped_reason == NULL && !self->in_batch)
    ok = commit (self, error);
  else if (self->in_transaction)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  self->in_batch = FALSE;

  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  for (guint i = 0; i < G_N_ELEMENTS (self->bulk_stmts); i++)
    {
      g_clear_pointer (&self->bulk_stmts[i][0], sqlite3_finalize);
      g_clear_pointer (&self->bulk_stmts[i][1], sqlite3_finalize);
    }
  sqlite3_close (self->db);
  self->db = NULL;
  self->in_transaction = FALSE;
  self->last_trace = NULL;
  g_hash_table_remove_all (self->open_traces);

  return ok;
}

gboolean
agviz_recorder_flush (AgvizRecorder  *self,
                      GError        **error)
{
  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);

  if (!check_usable (self, error))
    return FALSE;
  return commit (self, error);
}

gboolean
agviz_recorder_begin_batch (AgvizRecorder  *self,
                            GError        **error)
{
  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);

  if (!check_usable (self, error))
    return FALSE;
  if (self->in_batch)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID, "a batch is already open");
  if (g_hash_table_size (self->open_traces) > 0)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID,
                         "a batch cannot start while traces are being recorded");
  /* What came before the batch is committed now, so a rollback takes back the batch only. */
  if (!commit_now (self, error) || !ensure_transaction (self, error))
    return FALSE;

  self->in_batch = TRUE;
  return TRUE;
}

gboolean
agviz_recorder_in_batch (AgvizRecorder *self)
{
  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);

  return self->in_batch;
}

gboolean
agviz_recorder_commit_batch (AgvizRecorder  *self,
                             GError        **error)
{
  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);

  if (!check_usable (self, error))
    return FALSE;
  if (!self->in_batch)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID, "no batch is open");
  if (g_hash_table_size (self->open_traces) > 0)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID,
                         "%u trace(s) of the batch have not ended",
                         g_hash_table_size (self->open_traces));

  self->in_batch = FALSE;
  if (!commit_now (self, error))
    {
      /* Still open when SQLite kept the transaction (e.g. busy): the caller may retry or roll
       * back; gone when it rolled back, and then stopped_reason says so. */
      self->in_batch = self->in_transaction;
      return FALSE;
    }
  return TRUE;
}

gboolean
agviz_recorder_rollback_batch (AgvizRecorder  *self,
                               GError        **error)
{
  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);

  if (self->db == NULL)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_STOPPED, "the recorder is closed");
  if (!self->in_batch)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID, "no batch is open");

  join_stack_writer (self);
  self->in_batch = FALSE;
  if (self->in_transaction)
    {
      int rc = sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);

      /* SQLite may have rolled back already (I/O error): then there is nothing left to undo. */
      if (rc != SQLITE_OK && !sqlite3_get_autocommit (self->db))
        return fail_sqlite (self, rc, "cannot roll back", error);
      self->in_transaction = FALSE;
    }

  /* Every id cached since the batch began may name a row that is gone: forget them all (the
   * caches refill from the file on the next miss) and restart the counters from the file. */
  self->last_trace = NULL;
  g_hash_table_remove_all (self->open_traces);
  g_hash_table_remove_all (self->op_type_ids);
  g_hash_table_remove_all (self->device_ids);
  self->last_op_type.name = self->last_device.name = NULL;
  g_hash_table_remove_all (self->frame_ids);
  g_hash_table_remove_all (self->stack_ids);
  g_hash_table_remove_all (self->known_stacks);
  g_hash_table_remove_all (self->known_traces);
  g_hash_table_remove_all (self->attr_set_ids);
  g_hash_table_remove_all (self->attrs_by_instance);
  self->last_attrs = NULL;
  g_hash_table_remove_all (self->function_ids);
  self->next_scope_id = max_of (self->db, "SELECT coalesce(max(id), 0) FROM scopes") + 1;
  /* Rows made before the batch are in the file now: look for them again. */
  self->max_file_id_at_open = max_of (self->db, "SELECT coalesce(max(id), 0) FROM source_files");
  self->max_frame_id_at_open = max_of (self->db, "SELECT coalesce(max(id), 0) FROM frames");
  self->max_stack_id_at_open = max_of (self->db, "SELECT coalesce(max(id), 0) FROM stacks");
  self->next_stack_id = self->max_stack_id_at_open + 1;
  g_array_set_size (self->pending_stacks, 0);
  g_array_set_size (self->pending_summaries, 0);
  g_string_chunk_clear (self->pending_summary_texts);
  self->next_summary_id = 0;
  self->max_session_file_id = 0;
  self->max_session_frame_id = 0;
  self->next_node_id = max_of (self->db, "SELECT coalesce(max(id), 0) FROM nodes") + 1;
  if (self->next_node_id < self->first_session_node_id)
    self->next_node_id = self->first_session_node_id;
  g_array_set_size (self->node_owner, self->next_node_id - self->first_session_node_id);
  self->next_seq = max_of (self->db, "SELECT coalesce(max(seq), 0) FROM executions") + 1;
  self->pending_rows = 0;

  /* A rollback after an I/O error leaves a consistent file: recording may go on. */
  g_clear_pointer (&self->stopped_reason, g_free);
  return TRUE;
}

gboolean
agviz_recorder_set_metadata (AgvizRecorder  *self,
                             const char     *key,
                             const char     *value,
                             GError        **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);

  if (!check_usable (self, error))
    return FALSE;
  if (key == NULL || *key == '\0' || value == NULL)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID,
                         "metadata needs a non-empty key and a value");
  if (!ensure_transaction (self, error))
    return FALSE;

  stmt = statement (self, STMT_SET_METADATA);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  if (!run_update (self, stmt, "cannot store metadata", error))
    return FALSE;
  return maybe_commit (self, error);
}

/* Looks up a row by a text key via @find_id, inserting it with @insert_id when absent; the
 * statements take the key's parts as their leading parameters, bound by the caller. */
static gint64
find_or_insert (AgvizRecorder  *self,
                sqlite3_stmt   *find,
                sqlite3_stmt   *insert,
                const char     *what,
                GError        **error)
{
  gint64 id = run_select_id (self, find, error);

  if (id != 0)
    return id < 0 ? 0 : id;
  return run_insert (self, insert, what, error);
}

static gint64
intern_name (AgvizRecorder  *self,
             GHashTable     *ids,
             LastName       *last,
             StatementId     find_id,
             StatementId     insert_id,
             const char     *name,
             GError        **error)
{
  gpointer key, value;
  sqlite3_stmt *find, *insert;
  gint64 id;
  char *copy;

  if (last->name != NULL && strcmp (last->name, name) == 0)
    return last->id;
  if (g_hash_table_lookup_extended (ids, name, &key, &value))
    {
      last->name = key;
      last->id = value_to_id (value);
      return last->id;
    }

  find = statement (self, find_id);
  insert = statement (self, insert_id);
  sqlite3_bind_text (find, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 1, name, -1, SQLITE_STATIC);
  id = find_or_insert (self, find, insert, "cannot store a name", error);
  if (id != 0)
    {
      copy = g_strdup (name);
      g_hash_table_insert (ids, copy, id_to_value (id));
      last->name = copy;
      last->id = id;
    }
  return id;
}

gint64
agviz_recorder_add_file (AgvizRecorder  *self,
                         const char     *host,
                         const char     *path,
                         GError        **error)
{
  sqlite3_stmt *find, *insert;
  gint64 id;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);

  if (!check_usable (self, error))
    return 0;
  if (path == NULL || *path == '\0')
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID, "a source file needs a path");
  if (!ensure_transaction (self, error))
    return 0;

  find = statement (self, STMT_FIND_FILE);
  insert = statement (self, STMT_INSERT_FILE);
  for (guint i = 0; i < 2; i++)
    {
      sqlite3_stmt *stmt = i == 0 ? find : insert;
      sqlite3_bind_text (stmt, 1, host != NULL ? host : "", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, path, -1, SQLITE_STATIC);
    }
  id = find_or_insert (self, find, insert, "cannot store a source file", error);
  if (id == 0 || !maybe_commit (self, error))
    return 0;
  self->max_session_file_id = MAX (self->max_session_file_id, id);
  return id;
}

gboolean
agviz_recorder_set_file_text (AgvizRecorder  *self,
                              gint64          file_id,
                              const char     *text,
                              gssize          length,
                              GError        **error)
{
  g_autofree char *sha256 = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (!check_usable (self, error) || !ensure_transaction (self, error))
    return FALSE;

  if (length < 0)
    length = strlen (text);
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, length);

  stmt = statement (self, STMT_SET_FILE_TEXT);
  sqlite3_bind_int64 (stmt, 1, file_id);
  sqlite3_bind_blob64 (stmt, 2, text, length, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, sha256, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      int rc = sqlite3_errcode (self->db);
      sqlite3_reset (stmt);
      return fail_sqlite (self, rc, "cannot store source text", error);
    }
  sqlite3_reset (stmt);
  if (sqlite3_changes (self->db) == 0)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_UNKNOWN_ID,
                         "no source file with id %" G_GINT64_FORMAT, file_id);
  return maybe_commit (self, error);
}

gboolean
agviz_recorder_set_file_sha256 (AgvizRecorder  *self,
                                gint64          file_id,
                                const char     *sha256,
                                GError        **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);
  g_return_val_if_fail (sha256 != NULL, FALSE);

  if (strlen (sha256) != 64 || strspn (sha256, "0123456789abcdef") != 64)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID,
                         "a SHA-256 is 64 lowercase hex digits, not '%s'", sha256);
  if (!check_usable (self, error) || !ensure_transaction (self, error))
    return FALSE;

  stmt = statement (self, STMT_SET_FILE_SHA256);
  sqlite3_bind_int64 (stmt, 1, file_id);
  sqlite3_bind_text (stmt, 2, sha256, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      int rc = sqlite3_errcode (self->db);
      sqlite3_reset (stmt);
      return fail_sqlite (self, rc, "cannot store a source hash", error);
    }
  sqlite3_reset (stmt);
  if (sqlite3_changes (self->db) == 0)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_UNKNOWN_ID,
                         "no source file with id %" G_GINT64_FORMAT, file_id);
  return maybe_commit (self, error);
}

gint64
agviz_recorder_add_frame (AgvizRecorder  *self,
                          gint64          file_id,
                          int             line,
                          int             column,
                          const char     *function,
                          GError        **error)
{
  sqlite3_stmt *find, *insert;
  gpointer value;
  gint64 id;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);

  if (!check_usable (self, error))
    return 0;
  if (line < 0 || column < 0)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID,
                         "a frame cannot have a negative line or column (line %d, column %d)",
                         line, column);
  if (function == NULL)
    function = "";

  g_string_printf (self->scratch, "%" G_GINT64_FORMAT ":%d:%d:%s", file_id, line, column,
                   function);
  if (g_hash_table_lookup_extended (self->frame_ids, self->scratch->str, NULL, &value))
    return value_to_id (value);

  if (!ensure_transaction (self, error))
    return 0;

  find = statement (self, STMT_FIND_FRAME);
  insert = statement (self, STMT_INSERT_FRAME);
  for (guint i = 0; i < 2; i++)
    {
      sqlite3_stmt *stmt = i == 0 ? find : insert;
      sqlite3_bind_int64 (stmt, 1, file_id);
      sqlite3_bind_int (stmt, 2, line);
      sqlite3_bind_int (stmt, 3, column);
      sqlite3_bind_text (stmt, 4, function, -1, SQLITE_STATIC);
    }
  /* The file must exist: checked here, on the slow path only, because the schema does not
   * enforce foreign keys (that would cost a lookup per node). */
  id = file_id > self->max_file_id_at_open ? 0 : run_select_id (self, find, error);
  if (id < 0)
    return 0;
  if (id == 0)
    {
      if (file_id > self->max_file_id_at_open && file_id <= self->max_session_file_id)
        ;   /* made by this session, so it exists */
      else if (!row_exists (self, STMT_FILE_EXISTS, file_id, "source file", error))
        return 0;
      id = run_insert (self, insert, "cannot store a frame", error);
      if (id == 0 || !maybe_commit (self, error))
        return 0;
      self->max_session_frame_id = MAX (self->max_session_frame_id, id);
    }

  g_hash_table_insert (self->frame_ids, g_strdup (self->scratch->str), id_to_value (id));
  return id;
}

static gint64
intern_stack_entry (AgvizRecorder  *self,
                    gint64          parent_id,
                    gint64          frame_id,
                    GError        **error)
{
  gboolean packable = parent_id < G_MAXUINT32 && frame_id < G_MAXUINT32;
  guint64 key = ((guint64) parent_id << 32) | (guint64) frame_id;
  sqlite3_stmt *find, *insert;
  gpointer value;
  gint64 id;

  if (packable && g_hash_table_lookup_extended (self->stack_ids, id_to_value (key), NULL, &value))
    return value_to_id (value);

  /* A key with a row made by this session cannot be in the file: no look-up, and the row waits
   * for the next multi-row insert (the hash above finds it meanwhile). */
  if (packable && (parent_id > self->max_stack_id_at_open || frame_id > self->max_frame_id_at_open))
    {
      PendingStack entry = { self->next_stack_id++, parent_id, frame_id };

      g_array_append_val (self->pending_stacks, entry);
      g_hash_table_insert (self->stack_ids, id_to_value (key), id_to_value (entry.id));
      return entry.id;
    }

  if (!flush_pending_stacks (self, error))
    return 0;
  find = statement (self, STMT_FIND_STACK);
  insert = statement (self, STMT_INSERT_STACK);
  for (guint i = 0; i < 2; i++)
    {
      sqlite3_stmt *stmt = i == 0 ? find : insert;
      sqlite3_bind_int64 (stmt, 1, parent_id);
      sqlite3_bind_int64 (stmt, 2, frame_id);
    }
  sqlite3_bind_int64 (insert, 3, self->next_stack_id);
  id = find_or_insert (self, find, insert, "cannot store a stack", error);
  if (id == self->next_stack_id)
    self->next_stack_id++;
  if (id != 0 && packable)
    g_hash_table_insert (self->stack_ids, id_to_value (key), id_to_value (id));
  return id;
}

gint64
agviz_recorder_add_stack (AgvizRecorder  *self,
                          const gint64   *frame_ids,
                          guint           n_frames,
                          GError        **error)
{
  return agviz_recorder_extend_stack (self, 0, frame_ids, n_frames, error);
}

gint64
agviz_recorder_extend_stack (AgvizRecorder  *self,
                             gint64          parent_stack_id,
                             const gint64   *frame_ids,
                             guint           n_frames,
                             GError        **error)
{
  gint64 stack_id = parent_stack_id;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);
  g_return_val_if_fail (frame_ids != NULL || n_frames == 0, 0);

  if (!check_usable (self, error))
    return 0;
  if (n_frames == 0)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID, "a stack needs at least one frame");
  if (!check_stack (self, parent_stack_id, error) || !ensure_transaction (self, error))
    return 0;

  for (guint i = 0; i < n_frames; i++)
    {
      gint64 frame_id = frame_ids[i];

      /* Frames are checked only when this recorder has not seen them: the hot path stays a
       * hash lookup per frame. */
      if (frame_id <= 0)
        return fail_invalid (error, AGVIZ_RECORDER_ERROR_UNKNOWN_ID,
                             "no frame with id %" G_GINT64_FORMAT, frame_id);
      if ((frame_id <= self->max_frame_id_at_open || frame_id > self->max_session_frame_id) &&
          ((guint64) frame_id >= G_MAXUINT32 ||
           !g_hash_table_contains (self->stack_ids,
                                   id_to_value (((guint64) stack_id << 32) | (guint64) frame_id))))
        {
          if (!row_exists (self, STMT_FRAME_EXISTS, frame_id, "frame", error))
            return 0;
        }

      stack_id = intern_stack_entry (self, stack_id, frame_id, error);
      if (stack_id == 0)
        return 0;
    }

  if (!maybe_commit (self, error))
    return 0;
  if (stack_id <= self->max_stack_id_at_open)
    g_hash_table_add (self->known_stacks, id_to_value (stack_id));
  return stack_id;
}

gint64
agviz_recorder_add_function (AgvizRecorder  *self,
                             const char     *name,
                             gint64          file_id,
                             int             line,
                             GError        **error)
{
  sqlite3_stmt *find, *insert;
  gpointer value;
  gint64 id;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);

  if (!check_usable (self, error))
    return 0;
  if (name == NULL || *name == '\0')
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID, "a function needs a name");
  if (line < 0 || file_id < 0)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID,
                         "function %s: negative file id or line", name);

  g_string_printf (self->scratch, "%" G_GINT64_FORMAT ":%d:%s", file_id, line, name);
  if (g_hash_table_lookup_extended (self->function_ids, self->scratch->str, NULL, &value))
    return value_to_id (value);

  if (!ensure_transaction (self, error))
    return 0;

  find = statement (self, STMT_FIND_FUNCTION);
  insert = statement (self, STMT_INSERT_FUNCTION);
  for (guint i = 0; i < 2; i++)
    {
      sqlite3_stmt *stmt = i == 0 ? find : insert;
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, file_id);
      sqlite3_bind_int (stmt, 3, line);
    }
  id = find_or_insert (self, find, insert, "cannot store a function", error);
  if (id == 0 || !maybe_commit (self, error))
    return 0;

  g_hash_table_insert (self->function_ids, g_strdup (self->scratch->str), id_to_value (id));
  return id;
}

gint64
agviz_recorder_begin_trace (AgvizRecorder  *self,
                            gint64          function_id,
                            const char     *graph_name,
                            const char     *signature,
                            const char     *reason,
                            GError        **error)
{
  OpenTrace *trace;
  sqlite3_stmt *stmt;
  PendingScope root = { 0, G_MAXUINT, 0, 0, 0 };
  gint64 ordinal, trace_id;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);

  if (!check_usable (self, error))
    return 0;
  if (graph_name == NULL || *graph_name == '\0')
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID, "a trace needs a graph name");
  if (!ensure_transaction (self, error))
    return 0;
  if (!row_exists (self, STMT_FUNCTION_EXISTS, function_id, "function", error))
    return 0;

  stmt = statement (self, STMT_NEXT_ORDINAL);
  sqlite3_bind_int64 (stmt, 1, function_id);
  ordinal = run_select_id (self, stmt, error);
  if (ordinal <= 0)
    return 0;

  /* The trace row itself goes in now, status "recording", to reserve its ordinal; it becomes
   * visible only with a commit, normally the one that ends it. */
  root.id = self->next_scope_id;
  stmt = statement (self, STMT_INSERT_TRACE);
  sqlite3_bind_int64 (stmt, 1, function_id);
  sqlite3_bind_int64 (stmt, 2, ordinal);
  sqlite3_bind_text (stmt, 3, graph_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, signature != NULL ? signature : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, reason != NULL ? reason : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time () * 1000);
  sqlite3_bind_int64 (stmt, 7, root.id);
  trace_id = run_insert (self, stmt, "cannot store a trace", error);
  if (trace_id == 0)
    return 0;

  self->next_scope_id++;
  g_hash_table_add (self->known_traces, id_to_value (trace_id));
  trace = open_trace_new (trace_id);
  trace->root_scope_id = root.id;
  root.name_offset = open_trace_add_name (trace, "", 0);
  g_array_append_val (trace->scopes, root);
  g_hash_table_insert (self->open_traces, id_to_value (trace_id), trace);

  return trace_id;
}

static OpenTrace *
lookup_open_trace (AgvizRecorder  *self,
                   gint64          trace_id,
                   GError        **error)
{
  OpenTrace *trace;

  /* Calls come in runs for one trace: skip the hash lookup for the same trace again. */
  if (self->last_trace != NULL && self->last_trace->id == trace_id)
    return self->last_trace;

  trace = g_hash_table_lookup (self->open_traces, id_to_value (trace_id));
  self->last_trace = trace;

  if (trace == NULL)
    fail_invalid (error, AGVIZ_RECORDER_ERROR_NOT_RECORDING,
                  "trace %" G_GINT64_FORMAT " is not being recorded "
                  "(never begun, already ended, or from another recorder)", trace_id);
  return trace;
}

/* Sets one column (statement @which: ?1 the trace, ?2 the value) of a trace still being
 * recorded. */
static gboolean
update_open_trace (AgvizRecorder  *self,
                   gint64          trace_id,
                   StatementId     which,
                   gint64          value,
                   GError        **error)
{
  sqlite3_stmt *stmt;

  if (lookup_open_trace (self, trace_id, error) == NULL)
    return FALSE;
  stmt = statement (self, which);
  sqlite3_bind_int64 (stmt, 1, trace_id);
  sqlite3_bind_int64 (stmt, 2, value);
  return run_update (self, stmt, "cannot store a trace", error);
}

gboolean
agviz_recorder_set_trace_start (AgvizRecorder  *self,
                                gint64          trace_id,
                                gint64          started_ns,
                                GError        **error)
{
  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);

  if (!check_usable (self, error))
    return FALSE;
  if (started_ns < 0)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID,
                         "a trace cannot start before 1970");
  return update_open_trace (self, trace_id, STMT_SET_TRACE_START, started_ns, error);
}

gboolean
agviz_recorder_set_trace_object (AgvizRecorder  *self,
                                 gint64          trace_id,
                                 gint64          object,
                                 GError        **error)
{
  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);

  if (!check_usable (self, error))
    return FALSE;
  if (object <= 0)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID,
                         "an object is numbered from 1");
  return update_open_trace (self, trace_id, STMT_SET_TRACE_OBJECT, object, error);
}

/* Returns the index in trace->scopes of the scope named by the first @length bytes of @path,
 * creating it and its parents as needed.  The path is walked one segment at a time and each
 * scope is keyed by its parent's index and its local name: hostile names nest scopes 100,000 deep,
 * and neither a recursion per level (the stack) nor a key holding the whole path per level
 * (memory quadratic in the depth) survives that.  Paths up to MAX_PATH_KEY bytes are also kept
 * whole, so the usual lookup is one probe.  A leading '/' names no scope: "/a" is "a". */
#define MAX_PATH_KEY 1024

static guint
intern_scope_path (AgvizRecorder  *self,
                   OpenTrace      *trace,
                   const char     *path,
                   gsize           length)
{
  guint index = 0;
  gsize start = 0;

  if (length == 0)
    return 0;

  /* Graphs list the ops of one scope together: most nodes are in the previous node's scope. */
  if (trace->last_scope_path->len == length &&
      memcmp (trace->last_scope_path->str, path, length) == 0)
    return trace->last_scope_index;

  /* Real paths are short: one lookup of the whole path finds a known scope. */
  if (length <= MAX_PATH_KEY)
    {
      gpointer value;

      g_string_overwrite_len (self->scratch, 0, path, length);
      g_string_truncate (self->scratch, length);
      if (g_hash_table_lookup_extended (trace->scope_by_path, self->scratch->str, NULL, &value))
        {
          index = GPOINTER_TO_UINT (value) - 1;
          goto found;
        }
    }

  if (path[0] == '/')
    start = 1;
  for (;;)
    {
      const char *slash = memchr (path + start, '/', length - start);
      gsize end = slash != NULL ? (gsize) (slash - path) : length;
      gpointer value;

      g_string_truncate (self->scratch, 0);
      g_string_append_printf (self->scratch, "%u/", index);
      g_string_append_len (self->scratch, path + start, end - start);
      if (g_hash_table_lookup_extended (trace->scope_index, self->scratch->str, NULL, &value))
        index = GPOINTER_TO_UINT (value) - 1;
      else
        {
          PendingScope scope = { 0, 0, 0, 0, 0 };

          scope.parent_index = index;
          scope.id = self->next_scope_id++;
          scope.name_offset = open_trace_add_name (trace, path + start, end - start);
          g_array_append_val (trace->scopes, scope);
          g_hash_table_insert (trace->scope_index, g_strndup (self->scratch->str, self->scratch->len),
                               GUINT_TO_POINTER (trace->scopes->len));
          index = trace->scopes->len - 1;
        }
      if (slash == NULL)
        break;
      start = end + 1;
    }
  if (length <= MAX_PATH_KEY)
    g_hash_table_insert (trace->scope_by_path, g_strndup (path, length), GUINT_TO_POINTER (index + 1));

found:
  g_string_overwrite_len (trace->last_scope_path, 0, path, length);
  g_string_truncate (trace->last_scope_path, length);
  trace->last_scope_index = index;
  return index;
}

static gint64
intern_attr_set (AgvizRecorder  *self,
                 GVariant       *attrs,
                 GError        **error)
{
  g_autoptr(GVariant) normal = NULL;
  g_autoptr(GBytes) bytes = NULL;
  sqlite3_stmt *find, *insert;
  gconstpointer data;
  gsize size;
  gpointer value;
  guint64 hash = G_GUINT64_CONSTANT (0xcbf29ce484222325);
  gint64 id;

  normal = g_variant_get_normal_form (attrs);
  bytes = g_variant_get_data_as_bytes (normal);
  if (g_hash_table_lookup_extended (self->attr_set_ids, bytes, NULL, &value))
    return value_to_id (value);

  /* 64-bit FNV-1a: the index column, so a reopened file finds its sets without reading blobs. */
  data = g_bytes_get_data (bytes, &size);
  for (gsize i = 0; i < size; i++)
    {
      hash ^= ((const guint8 *) data)[i];
      hash *= G_GUINT64_CONSTANT (0x100000001b3);
    }

  find = statement (self, STMT_FIND_ATTR_SET);
  insert = statement (self, STMT_INSERT_ATTR_SET);
  for (guint i = 0; i < 2; i++)
    {
      sqlite3_stmt *stmt = i == 0 ? find : insert;
      sqlite3_bind_int64 (stmt, 1, (gint64) hash);
      sqlite3_bind_blob64 (stmt, 2, size > 0 ? data : "", size, SQLITE_STATIC);
    }
  id = find_or_insert (self, find, insert, "cannot store attributes", error);
  if (id != 0)
    g_hash_table_insert (self->attr_set_ids, g_steal_pointer (&bytes), id_to_value (id));
  return id;
}

gint64
agviz_recorder_add_node (AgvizRecorder  *self,
                         gint64          trace_id,
                         const char     *name,
                         const char     *op_type,
                         const char     *device,
                         GVariant       *attrs,
                         gint64          stack_id,
                         GError        **error)
{
  g_autoptr(GVariant) owned_attrs = attrs != NULL ? g_variant_ref_sink (attrs) : NULL;
  AttrsInfo *known_attrs = NULL;
  PendingNode node = { .output_elements = -1 };
  gboolean hash_taken;
  OpenTrace *trace;
  const char *slash, *local_name;
  gsize name_length;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);

  if (!check_usable (self, error))
    return 0;
  if ((trace = lookup_open_trace (self, trace_id, error)) == NULL)
    return 0;
  if (name == NULL || *name == '\0')
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID, "a node needs a name");
  name_length = strlen (name);
  if (name[name_length - 1] == '/')
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID,
                         "node name \"%s\" ends with '/': that names a scope, not a node", name);
  if (op_type == NULL || *op_type == '\0')
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID, "node %s needs an op type", name);
  /* Nodes mostly come with the instance the one before had: checked and interned already. */
  if (attrs != NULL && attrs == self->last_attrs)
    known_attrs = self->last_attrs_info;
  else if (attrs != NULL)
    known_attrs = g_hash_table_lookup (self->attrs_by_instance, attrs);
  if (attrs != NULL && known_attrs == NULL && !g_variant_is_of_type (attrs, G_VARIANT_TYPE_VARDICT))
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID,
                         "node %s: attributes must be a{sv}, not %s", name,
                         g_variant_get_type_string (attrs));
  if (!check_stack (self, stack_id, error))
    return 0;

  slash = strrchr (name, '/');
  local_name = slash != NULL ? slash + 1 : name;
  node.scope_index = intern_scope_path (self, trace, name,
                                        slash != NULL ? (gsize) (slash - name) : 0);
  if (open_trace_find_node (trace, node.scope_index, local_name, &hash_taken) != 0)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_DUPLICATE,
                         "trace %" G_GINT64_FORMAT " already has a node named %s", trace_id, name);

  node.op_type_id = intern_name (self, self->op_type_ids, &self->last_op_type,
                                 STMT_FIND_OP_TYPE, STMT_INSERT_OP_TYPE, op_type, error);
  if (node.op_type_id == 0)
    return 0;
  if (device != NULL && *device != '\0')
    {
      node.device_id = intern_name (self, self->device_ids, &self->last_device,
                                    STMT_FIND_DEVICE, STMT_INSERT_DEVICE, device, error);
      if (node.device_id == 0)
        return 0;
    }
  if (attrs != NULL)
    {
      AttrsInfo *info = known_attrs;

      if (info == NULL)
        {
          info = g_new (AttrsInfo, 1);
          info->attr_set_id = 0;
          info->output_elements = -1;
          if (g_variant_n_children (attrs) > 0)
            {
              g_autoptr(GVariant) shapes = NULL;

              info->attr_set_id = intern_attr_set (self, attrs, error);
              if (info->attr_set_id == 0)
                {
                  g_free (info);
                  return 0;
                }
              shapes = g_variant_lookup_value (attrs, "_output_shapes", G_VARIANT_TYPE_STRING);
              if (shapes != NULL)
                info->output_elements =
                  _agviz_output_elements_parse (g_variant_get_string (shapes, NULL));
            }
          if (g_hash_table_size (self->attrs_by_instance) >= ATTRS_BY_INSTANCE_MAX)
            g_hash_table_remove_all (self->attrs_by_instance);
          g_hash_table_insert (self->attrs_by_instance, g_variant_ref (attrs), info);
        }
      self->last_attrs = attrs;
      self->last_attrs_info = info;
      node.attr_set_id = info->attr_set_id;
      node.output_elements = info->output_elements;
    }

  node.id = self->next_node_id++;
  node.stack_id = stack_id;
  node.name_offset = open_trace_add_name (trace, local_name, strlen (local_name));
  g_array_append_val (trace->nodes, node);
  open_trace_index_node (trace, node.scope_index, local_name, trace->nodes->len, hash_taken);
  g_array_append_val (self->node_owner, trace_id);
  g_array_index (trace->scopes, PendingScope, node.scope_index).node_count++;
  return node.id;
}

gint64
agviz_recorder_find_node (AgvizRecorder  *self,
                          gint64          trace_id,
                          const char     *name,
                          GError        **error)
{
  OpenTrace *trace;
  const char *slash;
  gpointer value;
  guint scope_index = 0, node_index;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);
  g_return_val_if_fail (name != NULL, 0);

  if (!check_usable (self, error))
    return 0;
  if ((trace = lookup_open_trace (self, trace_id, error)) == NULL)
    return 0;

  slash = strrchr (name, '/');
  if (slash != NULL)
    {
      g_autofree char *scope_path = g_strndup (name, slash - name);

      if (!g_hash_table_lookup_extended (trace->scope_index, scope_path, NULL, &value))
        return 0;
      scope_index = GPOINTER_TO_UINT (value) - 1;
    }

  node_index = open_trace_find_node (trace, scope_index, slash != NULL ? slash + 1 : name, NULL);
  if (node_index == 0)
    return 0;
  return g_array_index (trace->nodes, PendingNode, node_index - 1).id;
}

static gboolean
check_node_in_trace (AgvizRecorder  *self,
                     gint64          trace_id,
                     gint64          node_id,
                     GError        **error)
{
  if (node_id < self->first_session_node_id || node_id >= self->next_node_id)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_UNKNOWN_ID,
                         "no node with id %" G_GINT64_FORMAT " in trace %" G_GINT64_FORMAT,
                         node_id, trace_id);
  if (g_array_index (self->node_owner, gint64, node_id - self->first_session_node_id) != trace_id)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_UNKNOWN_ID,
                         "node %" G_GINT64_FORMAT " belongs to another trace than %"
                         G_GINT64_FORMAT, node_id, trace_id);
  return TRUE;
}

gboolean
agviz_recorder_set_node_stack (AgvizRecorder  *self,
                               gint64          trace_id,
                               gint64          node_id,
                               gint64          stack_id,
                               GError        **error)
{
  OpenTrace *trace;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);

  if (!check_usable (self, error))
    return FALSE;
  if ((trace = lookup_open_trace (self, trace_id, error)) == NULL)
    return FALSE;
  if (!check_node_in_trace (self, trace_id, node_id, error))
    return FALSE;
  if (!check_stack (self, stack_id, error))
    return FALSE;
  g_array_index (trace->nodes, PendingNode, node_index_of (trace, node_id)).stack_id = stack_id;
  return TRUE;
}

gboolean
agviz_recorder_add_edge (AgvizRecorder  *self,
                         gint64          trace_id,
                         gint64          src_node_id,
                         int             src_output,
                         gint64          dst_node_id,
                         int             dst_input,
                         GError        **error)
{
  OpenTrace *trace;
  AgvizEdge edge = { src_node_id, src_output, dst_node_id, dst_input };

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);

  if (!check_usable (self, error))
    return FALSE;
  if ((trace = lookup_open_trace (self, trace_id, error)) == NULL)
    return FALSE;
  if (src_output < -1 || dst_input < 0)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID,
                         "edge %" G_GINT64_FORMAT ":%d -> %" G_GINT64_FORMAT ":%d: output slot must "
                         "be >= -1 (-1: control) and input position >= 0",
                         src_node_id, src_output, dst_node_id, dst_input);
  if (!check_node_in_trace (self, trace_id, src_node_id, error) ||
      !check_node_in_trace (self, trace_id, dst_node_id, error))
    return FALSE;
  if (!open_trace_take_input (trace, dst_node_id, dst_input))
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_DUPLICATE,
                         "node %" G_GINT64_FORMAT " already has an edge into input %d",
                         dst_node_id, dst_input);

  g_array_append_val (trace->edges, edge);
  return TRUE;
}

gboolean
agviz_recorder_add_call (AgvizRecorder  *self,
                         gint64          trace_id,
                         gint64          node_id,
                         const char     *role,
                         const char     *callee_graph_name,
                         GError        **error)
{
  OpenTrace *trace;
  PendingCall call;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);

  if (!check_usable (self, error))
    return FALSE;
  if ((trace = lookup_open_trace (self, trace_id, error)) == NULL)
    return FALSE;
  if (role == NULL || *role == '\0' || callee_graph_name == NULL || *callee_graph_name == '\0')
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID,
                         "a call needs a role (attribute name) and a callee graph name");
  if (!check_node_in_trace (self, trace_id, node_id, error))
    return FALSE;
  for (guint i = 0; i < trace->calls->len; i++)
    {
      PendingCall *other = &g_array_index (trace->calls, PendingCall, i);
      if (other->node_id == node_id && g_str_equal (other->role, role))
        return fail_invalid (error, AGVIZ_RECORDER_ERROR_DUPLICATE,
                             "node %" G_GINT64_FORMAT " already calls a function through %s",
                             node_id, role);
    }

  call.node_id = node_id;
  call.role = g_strdup (role);
  call.callee_graph_name = g_strdup (callee_graph_name);
  g_array_append_val (trace->calls, call);
  return TRUE;
}

/* Fewer pending stack rows than this are not worth a thread. */
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
} BulkTable;

/* Tensor summaries go in with OR FAIL: for rows with explicit ids SQLite otherwise keeps a
 * statement journal, to undo a statement's earlier rows should a later id clash (a sixth of their
 * cost).  None can clash (the recorder hands the ids out inside a transaction, which holds the
 * write lock), and a failure of another kind (a full disk) rolls back the whole transaction
 * instead (see flush_pending_summaries()). */
static const struct
{
  const char  *table_and_columns;
  guint        n_columns;
  StatementId  max_id;        /* of tables whose rows the recorder gives ids (see RowAppender) */
  const char  *what;          /* for errors: "cannot store ..." */
  gboolean     or_fail;
} bulk_tables[] = {
  [BULK_SCOPES] = { "scopes (id, trace_id, parent_id, name, node_count, descendant_count)", 6,
                    STMT_MAX_SCOPE_ID, "cannot store a trace" },
  [BULK_NODES] = { "nodes (id, scope_id, name, op_type_id, device_id, stack_id, attr_set_id,"
                   " inputs, consumers)", 9, STMT_MAX_NODE_ID, "cannot store a trace" },
  [BULK_STACKS] = { "stacks (id, parent_id, frame_id)", 3, STMT_MAX_STACK_ID,
                    "cannot store stacks" },
  [BULK_SCOPE_EDGES] = { "scope_edges (scope_id, src, dst, count, control_count, reference_count,"
                         " tensor_elements)", 7, N_STMTS, "cannot store a trace" },
  [BULK_TENSOR_SUMMARIES] = { "tensor_summaries (id, execution_id, node_id, output_slot,"
                              " debug_mode, dtype, shape, element_count, nan_count,"
                              " neg_inf_count, pos_inf_count, neg_finite_count, zero_count,"
                              " pos_finite_count, min, max, mean)", 17,
                              STMT_MAX_TENSOR_SUMMARY_ID, "cannot store tensor summaries", TRUE },
};

/* The edge lists of a finished trace's nodes, encoded once before the rows are written. */
typedef struct
{
  GByteArray *bytes;
  GArray     *inputs;        /* guint offset into bytes per node, plus one past the end */
  GArray     *consumers;     /* likewise */
} EncodedEdges;

/* bulk_statement() without waiting for the stack writer: for the stack writer itself. */
static sqlite3_stmt *
prepared_bulk_statement (AgvizRecorder  *self,
                         BulkTable       table,
                         guint           n_rows,
                         GError        **error)
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
      *slot = _agviz_sqlite_prepare (self->db, sql->str, error);
      if (*slot == NULL)
        return NULL;
    }
  sqlite3_reset (*slot);
  return *slot;
}

static sqlite3_stmt *
bulk_statement (AgvizRecorder  *self,
                BulkTable       table,
                guint           n_rows,
                GError        **error)
{
  join_stack_writer (self);
  return prepared_bulk_statement (self, table, n_rows, error);
}

/* Rows whose ids continue the table's (the recorder assigns ids itself, one after the other)
 * are inserted with a NULL id: SQLite then appends them without first searching the table for
 * the id, about a sixth of the cost of a row.  What it assigned is checked against what the
 * recorder did; a difference means another program wrote into the file meanwhile, and what
 * this transaction wrote can no longer be trusted. */
typedef struct
{
  StatementId max_id;     /* STMT_MAX_*_ID of the table */
  gint64      next_id;    /* the id SQLite gives the next row appended; 0 not known yet */
} RowAppender;

static gboolean
fail_row_ids (AgvizRecorder  *self,
              GError        **error)
{
  join_stack_writer (self);
  if (self->in_transaction)
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      self->in_transaction = FALSE;
    }
  g_free (self->stopped_reason);
  self->stopped_reason = g_strdup ("another program wrote into the trace file meanwhile");
  return fail_invalid (error, AGVIZ_RECORDER_ERROR_STOPPED,
                       "%s: another program wrote into the trace file while this recorder "
                       "had it open; what it was recording was rolled back", self->path);
}

/* The largest id in the table of @max_id (a STMT_MAX_*_ID) into @id, without waiting for the
 * stack writer (which uses it too); SQLITE_ROW, or SQLite's error code. */
static int
read_max_id (AgvizRecorder *self,
             StatementId    max_id,
             gint64        *id)
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

/* The id after the largest in the table of @max_id into @next_id, waiting for the stack writer
 * first; FALSE (the recorder's error) when it cannot be read. */
static gboolean
read_next_id (AgvizRecorder  *self,
              StatementId     max_id,
              gint64         *next_id,
              GError        **error)
{
  gint64 largest = 0;
  int rc;

  join_stack_writer (self);
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
row_appender_begin (AgvizRecorder  *self,
                    RowAppender    *appender,
                    gint64          first_id,
                    gint64          last_id,
                    guint           n_rows,
                    gboolean       *append,
                    GError        **error)
{
  *append = FALSE;
  if (appender->next_id == 0 && !read_next_id (self, appender->max_id, &appender->next_id, error))
    return FALSE;
  *append = ids_continue (appender->next_id, first_id, last_id, n_rows);
  return TRUE;
}

static gboolean
row_appender_end (AgvizRecorder  *self,
                  RowAppender    *appender,
                  gint64          last_id,
                  gboolean        append,
                  GError        **error)
{
  if (append && sqlite3_last_insert_rowid (self->db) != last_id)
    return fail_row_ids (self, error);
  appender->next_id = MAX (appender->next_id, last_id + 1);
  return TRUE;
}

/* What insert_stack_rows() returns when SQLite gave other ids than the recorder's. */
#define STACK_ROW_IDS_DIFFER (-1)

/* Inserts @n_rows stack rows (ids ascending, one after the other), appended where their ids
 * continue the table's (see RowAppender).  Returns SQLITE_OK, SQLite's error code (its message
 * is the connection's) or STACK_ROW_IDS_DIFFER.  Uses the connection without waiting for the
 * stack writer: the caller has it to itself. */
static int
insert_stack_rows (AgvizRecorder      *self,
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
        return sqlite3_errcode (self->db) != SQLITE_OK ? sqlite3_errcode (self->db) : SQLITE_ERROR;
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
      if (append && sqlite3_last_insert_rowid (self->db) != entries[batch - 1].id)
        return STACK_ROW_IDS_DIFFER;
      next_id = MAX (next_id, entries[batch - 1].id + 1);
      row += batch;
    }
  return SQLITE_OK;
}

static void
reset_bulk_stacks (AgvizRecorder *self)
{
  for (guint i = 0; i < 2; i++)
    if (self->bulk_stmts[BULK_STACKS][i] != NULL)
      sqlite3_reset (self->bulk_stmts[BULK_STACKS][i]);
}

static gboolean
flush_pending_stacks (AgvizRecorder  *self,
                      GError        **error)
{
  int rc;

  join_stack_writer (self);
  if (self->pending_stacks->len == 0)
    return TRUE;
  rc = insert_stack_rows (self, (const PendingStack *) self->pending_stacks->data,
                          self->pending_stacks->len);
  if (rc == STACK_ROW_IDS_DIFFER)
    return fail_row_ids (self, error);
  if (rc != SQLITE_OK)
    {
      gboolean ok = (rc & 0xff) == SQLITE_CONSTRAINT
        ? fail_invalid (error, AGVIZ_RECORDER_ERROR_DUPLICATE, "cannot store stacks: %s",
                        sqlite3_errmsg (self->db))
        : fail_sqlite (self, rc, "cannot store stacks", error);

      reset_bulk_stacks (self);
      return ok;
    }
  g_array_set_size (self->pending_stacks, 0);
  return TRUE;
}

/* ---- the stack writer --------------------------------------------------------------------- */

typedef struct _StackWriterJob
{
  AgvizRecorder *recorder;
  GArray        *rows;        /* PendingStack */
  int            rc;
  char          *message;     /* when rc is not SQLITE_OK */
  gint           done;        /* atomic: set when the thread is about to end */
} StackWriterJob;

static gpointer
run_stack_writer (gpointer data)
{
  StackWriterJob *job = data;
  AgvizRecorder *self = job->recorder;

  job->rc = insert_stack_rows (self, (const PendingStack *) job->rows->data, job->rows->len);
  if (job->rc == STACK_ROW_IDS_DIFFER)
    job->message = g_strdup ("another program wrote into the trace file meanwhile");
  else if (job->rc != SQLITE_OK)
    job->message = g_strdup (sqlite3_errmsg (self->db));
  reset_bulk_stacks (self);
  g_atomic_int_set (&job->done, TRUE);
  return NULL;
}

/* Waits for the stack writer.  When it failed, its rows are not in the file: recording stops
 * (stopped_reason), the batch can only be rolled back, and where SQLite rolled the transaction
 * back already a new one is begun, so that nothing written until the caller notices reaches the
 * file on its own. */
static void
join_stack_writer (AgvizRecorder *self)
{
  StackWriterJob *job = self->stack_writer_job;

  if (G_LIKELY (self->stack_writer == NULL))
    return;
  g_thread_join (self->stack_writer);
  self->stack_writer = NULL;
  self->stack_writer_job = NULL;
  if (job->rc != SQLITE_OK)
    {
      g_free (self->stopped_reason);
      self->stopped_reason = g_strdup_printf ("cannot store stacks: %s", job->message);
      if (self->in_transaction && sqlite3_get_autocommit (self->db))
        sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
      self->in_transaction = !sqlite3_get_autocommit (self->db);
    }
  g_array_unref (job->rows);
  g_free (job->message);
  g_free (job);
}

void
agviz_recorder_write_stacks_in_background (AgvizRecorder *self)
{
  StackWriterJob *job;

  g_return_if_fail (AGVIZ_IS_RECORDER (self));

  /* A writer still at work keeps its rows; the next call hands on what came meanwhile. */
  if (self->stack_writer != NULL && g_atomic_int_get (&self->stack_writer_job->done))
    join_stack_writer (self);
  /* Only inside a batch: a failure then fails the batch as a whole, whenever it is noticed. */
  if (self->db == NULL || self->stopped_reason != NULL || !self->in_batch ||
      !self->in_transaction || self->stack_writer != NULL ||
      self->pending_stacks->len < STACK_WRITER_MIN_ROWS)
    return;

  job = g_new0 (StackWriterJob, 1);
  job->recorder = self;
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

static void
bind_scope_row (OpenTrace    *trace,
                gpointer      data,
                sqlite3_stmt *stmt,
                int           first,
                guint         index)
{
  PendingScope *scope = &g_array_index (trace->scopes, PendingScope, index);

  sqlite3_bind_int64 (stmt, first, scope->id);
  sqlite3_bind_int64 (stmt, first + 1, trace->id);
  sqlite3_bind_int64 (stmt, first + 2, scope->parent_index == G_MAXUINT ? 0 :
                      g_array_index (trace->scopes, PendingScope, scope->parent_index).id);
  sqlite3_bind_text (stmt, first + 3, trace->names->str + scope->name_offset, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, first + 4, scope->node_count);
  sqlite3_bind_int64 (stmt, first + 5, scope->descendant_count);
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
bind_node_row (OpenTrace    *trace,
               gpointer      data,
               sqlite3_stmt *stmt,
               int           first,
               guint         index)
{
  PendingNode *node = &g_array_index (trace->nodes, PendingNode, index);
  EncodedEdges *encoded = data;

  sqlite3_bind_int64 (stmt, first, node->id);
  sqlite3_bind_int64 (stmt, first + 1,
                      g_array_index (trace->scopes, PendingScope, node->scope_index).id);
  sqlite3_bind_text (stmt, first + 2, trace->names->str + node->name_offset, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, first + 3, node->op_type_id);
  sqlite3_bind_int64 (stmt, first + 4, node->device_id);
  sqlite3_bind_int64 (stmt, first + 5, node->stack_id);
  sqlite3_bind_int64 (stmt, first + 6, node->attr_set_id);
  bind_edge_list (stmt, first + 7, encoded->bytes, encoded->inputs, index);
  bind_edge_list (stmt, first + 8, encoded->bytes, encoded->consumers, index);
}

static gboolean
write_rows (AgvizRecorder  *self,
            OpenTrace      *trace,
            BulkTable       table,
            guint           n_rows,
            void          (*bind_row) (OpenTrace *, gpointer, sqlite3_stmt *, int, guint),
            gint64        (*row_id) (OpenTrace *, gpointer, guint),
            gpointer        data,
            GError        **error)
{
  RowAppender appender = { bulk_tables[table].max_id, 0 };
  guint n_columns = bulk_tables[table].n_columns;
  guint row = 0;

  while (row < n_rows)
    {
      guint batch = n_rows - row >= BULK_ROWS ? BULK_ROWS : 1;
      gint64 last_id = row_id (trace, data, row + batch - 1);
      sqlite3_stmt *stmt;
      gboolean append;

      if (!row_appender_begin (self, &appender, row_id (trace, data, row), last_id, batch,
                               &append, error) ||
          (stmt = bulk_statement (self, table, batch, error)) == NULL)
        return FALSE;
      for (guint i = 0; i < batch; i++)
        {
          /* The id is every table's first column. */
          bind_row (trace, data, stmt, 1 + i * n_columns, row + i);
          if (append)
            sqlite3_bind_null (stmt, 1 + i * n_columns);
        }
      if (!run_update (self, stmt, bulk_tables[table].what, error) ||
          !row_appender_end (self, &appender, last_id, append, error))
        return FALSE;
      row += batch;
    }
  return TRUE;
}

static gint64
scope_row_id (OpenTrace *trace,
              gpointer   data,
              guint      index)
{
  return g_array_index (trace->scopes, PendingScope, index).id;
}

static gint64
node_row_id (OpenTrace *trace,
             gpointer   data,
             guint      index)
{
  return g_array_index (trace->nodes, PendingNode, index).id;
}

/* Tensor summaries go through write_rows() too, with no trace: @data is the pending array. */
static void
bind_summary_row (OpenTrace    *trace,
                  gpointer      data,
                  sqlite3_stmt *stmt,
                  int           first,
                  guint         index)
{
  const PendingSummary *row = &g_array_index ((GArray *) data, PendingSummary, index);

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
summary_row_id (OpenTrace *trace,
                gpointer   data,
                guint      index)
{
  return g_array_index ((GArray *) data, PendingSummary, index).id;
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
flush_pending_summaries (AgvizRecorder  *self,
                         GError        **error)
{
  gboolean ok;

  if (self->pending_summaries->len == 0)
    return TRUE;
  g_array_sort (self->pending_summaries, compare_summary_rows);
  ok = write_rows (self, NULL, BULK_TENSOR_SUMMARIES, self->pending_summaries->len,
                   bind_summary_row, summary_row_id, self->pending_summaries, error);
  g_array_set_size (self->pending_summaries, 0);
  g_string_chunk_clear (self->pending_summary_texts);
  if (!ok && self->in_transaction)
    {
      /* Some of the rows went in (OR FAIL): a transaction like that must not be committed. */
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      self->in_transaction = FALSE;
      if (self->stopped_reason == NULL)
        self->stopped_reason = g_strdup ("tensor summaries could not be stored");
    }
  return ok;
}

/* The index in trace->nodes of node @node_id (which belongs to the trace): node ids only grow,
 * within a trace too, so the array is sorted by id. */
static guint
node_index_of (OpenTrace *trace,
               gint64     node_id)
{
  guint low = 0, high = trace->nodes->len;
  gint64 first_id = g_array_index (trace->nodes, PendingNode, 0).id;

  /* Usually one trace is recorded at a time and its ids are consecutive. */
  if (node_id - first_id < high &&
      g_array_index (trace->nodes, PendingNode, node_id - first_id).id == node_id)
    return node_id - first_id;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;

      if (g_array_index (trace->nodes, PendingNode, middle).id < node_id)
        low = middle + 1;
      else
        high = middle;
    }
  g_assert (low < trace->nodes->len && g_array_index (trace->nodes, PendingNode, low).id == node_id);
  return low;
}

/* Encodes one list per node into @bytes, @offsets getting each node's start and a final end.
 * A counting sort groups the edges by owning node in O(edges), keeping the order they were added
 * in; inputs are then put in input order (lists are short: insertion sort). */
static void
encode_edge_lists (OpenTrace          *trace,
                   _AgvizEdgeListKind  kind,
                   GByteArray         *bytes,
                   GArray             *offsets)
{
  guint n_nodes = trace->nodes->len, n_edges = trace->edges->len;
  g_autofree guint *owner = g_new (guint, n_edges);
  g_autofree guint *first = g_new0 (guint, n_nodes + 1);
  g_autofree guint *order = g_new (guint, n_edges);

  for (guint e = 0; e < n_edges; e++)
    {
      AgvizEdge *edge = &g_array_index (trace->edges, AgvizEdge, e);

      owner[e] = node_index_of (trace, kind == _AGVIZ_EDGE_LIST_INPUTS ? edge->dst_node_id
                                                                       : edge->src_node_id);
      first[owner[e] + 1]++;
    }
  for (guint n = 0; n < n_nodes; n++)
    first[n + 1] += first[n];
  {
    g_autofree guint *next = g_memdup2 (first, sizeof (guint) * (n_nodes + 1));

    for (guint e = 0; e < n_edges; e++)
      order[next[owner[e]]++] = e;
  }

  for (guint n = 0; n < n_nodes; n++)
    {
      guint offset = bytes->len;

      if (kind == _AGVIZ_EDGE_LIST_INPUTS)
        for (guint i = first[n] + 1; i < first[n + 1]; i++)
          {
            guint e = order[i], j = i;
            int input = g_array_index (trace->edges, AgvizEdge, e).dst_input;

            while (j > first[n] && g_array_index (trace->edges, AgvizEdge, order[j - 1]).dst_input > input)
              {
                order[j] = order[j - 1];
                j--;
              }
            order[j] = e;
          }

      g_array_append_val (offsets, offset);
      for (guint i = first[n]; i < first[n + 1]; i++)
        _agviz_edge_list_append (bytes, kind, &g_array_index (trace->edges, AgvizEdge, order[i]));
    }
  {
    guint end = bytes->len;
    g_array_append_val (offsets, end);
  }
}

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

/* The row written for equal ScopeEdges. */
typedef struct
{
  gint64 scope_id;
  gint64 src;
  gint64 dst;
  gint64 count;
  gint64 control;
  gint64 reference;
  gint64 elements;           /* -1 unknown */
} MergedScopeEdge;

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

/* The scope a viewer shows each node in: its own, unless a child scope there has the node's name
 * (TensorFlow's `dense` beside `dense/MatMul`), which the viewer draws it inside.  One pass over
 * the nodes, so edges (1.5 per node) need no name look-ups. */
static guint *
shown_scopes (OpenTrace    *trace,
              GHashTable   *child_scopes,
              const guint8 *has_child_scopes)
{
  guint *shown = g_new (guint, trace->nodes->len);
  g_autoptr(GString) key = g_string_new (NULL);

  for (guint n = 0; n < trace->nodes->len; n++)
    {
      PendingNode *node = &g_array_index (trace->nodes, PendingNode, n);
      gpointer child;

      shown[n] = node->scope_index;
      if (!has_child_scopes[node->scope_index])
        continue;
      g_string_printf (key, "%u/%s", node->scope_index, trace->names->str + node->name_offset);
      child = g_hash_table_lookup (child_scopes, key->str);
      if (child != NULL)
        shown[n] = GPOINTER_TO_UINT (child) - 1;
    }
  return shown;
}

/* Writes the scope_edges rows (see agviz-schema.c): per edge, the scope holding both ends and
 * the child items of that scope the ends lie in, merged per (scope, src, dst).  Edges between two
 * nodes shown directly in one scope, nearly all of them, need no row. */
static gboolean
write_scope_edges (AgvizRecorder  *self,
                   OpenTrace      *trace,
                   GError        **error)
{
  g_autofree guint *depth = g_new0 (guint, trace->scopes->len);
  g_autofree guint8 *has_child_scopes = g_new0 (guint8, trace->scopes->len);
  g_autoptr(GHashTable) child_scopes = NULL;   /* "parent index/name" -> index + 1 */
  g_autoptr(GHashTable) reference_types = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (ScopeEdge));
  g_autoptr(GArray) merged = g_array_new (FALSE, FALSE, sizeof (MergedScopeEdge));
  g_autofree guint *shown = NULL;
  GHashTableIter iter;
  gpointer name, id;

  for (guint i = 1; i < trace->scopes->len; i++)
    {
      PendingScope *scope = &g_array_index (trace->scopes, PendingScope, i);

      depth[i] = depth[scope->parent_index] + 1;
      has_child_scopes[scope->parent_index] = 1;
      if (child_scopes == NULL)
        child_scopes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (child_scopes,
                           g_strdup_printf ("%u/%s", scope->parent_index,
                                            trace->names->str + scope->name_offset),
                           GUINT_TO_POINTER (i + 1));
    }
  /* TensorBoard's rule: input 0 of an assignment or scatter is the variable it changes. */
  g_hash_table_iter_init (&iter, self->op_type_ids);
  while (g_hash_table_iter_next (&iter, &name, &id))
    if (g_str_has_prefix (name, "Assign") || g_str_has_prefix (name, "Scatter") ||
        g_str_has_prefix (name, "ResourceScatter"))
      g_hash_table_add (reference_types, id);

  shown = shown_scopes (trace, child_scopes, has_child_scopes);
  for (guint e = 0; e < trace->edges->len; e++)
    {
      AgvizEdge *edge = &g_array_index (trace->edges, AgvizEdge, e);
      guint src_index = node_index_of (trace, edge->src_node_id);
      guint dst_index = node_index_of (trace, edge->dst_node_id);
      PendingNode *src = &g_array_index (trace->nodes, PendingNode, src_index);
      PendingNode *dst = &g_array_index (trace->nodes, PendingNode, dst_index);
      guint a, b;
      ScopeEdge row = { 0 };

      if (src_index == dst_index)
        continue;
      /* Most nodes sit in scopes without sub-scopes: no name look-up for them. */
      a = shown[src_index];
      b = shown[dst_index];
      if (a == b)
        continue;
      row.src = src->id;
      row.dst = dst->id;
      while (depth[a] > depth[b])
        {
          row.src = -g_array_index (trace->scopes, PendingScope, a).id;
          a = g_array_index (trace->scopes, PendingScope, a).parent_index;
        }
      while (depth[b] > depth[a])
        {
          row.dst = -g_array_index (trace->scopes, PendingScope, b).id;
          b = g_array_index (trace->scopes, PendingScope, b).parent_index;
        }
      while (a != b)
        {
          row.src = -g_array_index (trace->scopes, PendingScope, a).id;
          a = g_array_index (trace->scopes, PendingScope, a).parent_index;
          row.dst = -g_array_index (trace->scopes, PendingScope, b).id;
          b = g_array_index (trace->scopes, PendingScope, b).parent_index;
        }
      row.scope_id = g_array_index (trace->scopes, PendingScope, a).id;
      row.control = edge->src_output < 0;
      row.reference = edge->dst_input == 0 &&
                      g_hash_table_contains (reference_types, id_to_value (dst->op_type_id));
      row.tensor_elements = edge->src_output == 0 ? src->output_elements : -1;
      g_array_append_val (rows, row);
    }

  g_array_sort (rows, compare_scope_edges);
  for (guint i = 0; i < rows->len;)
    {
      ScopeEdge *first = &g_array_index (rows, ScopeEdge, i);
      MergedScopeEdge sum = { first->scope_id, first->src, first->dst, 0, 0, 0, -1 };

      for (; i < rows->len && compare_scope_edges (first, &g_array_index (rows, ScopeEdge, i)) == 0; i++)
        {
          ScopeEdge *row = &g_array_index (rows, ScopeEdge, i);

          sum.count++;
          sum.control += row->control;
          sum.reference += row->reference;
          if (row->tensor_elements >= 0)
            sum.elements = MAX (sum.elements, 0) + row->tensor_elements;
        }
      g_array_append_val (merged, sum);
    }

  for (guint row = 0; row < merged->len;)
    {
      guint batch = merged->len - row >= BULK_ROWS ? BULK_ROWS : 1;
      sqlite3_stmt *stmt = bulk_statement (self, BULK_SCOPE_EDGES, batch, error);

      if (stmt == NULL)
        return FALSE;
      for (guint i = 0; i < batch; i++)
        {
          MergedScopeEdge *sum = &g_array_index (merged, MergedScopeEdge, row + i);
          int first = 1 + i * 7;

          sqlite3_bind_int64 (stmt, first, sum->scope_id);
          sqlite3_bind_int64 (stmt, first + 1, sum->src);
          sqlite3_bind_int64 (stmt, first + 2, sum->dst);
          sqlite3_bind_int64 (stmt, first + 3, sum->count);
          sqlite3_bind_int64 (stmt, first + 4, sum->control);
          sqlite3_bind_int64 (stmt, first + 5, sum->reference);
          sqlite3_bind_int64 (stmt, first + 6, sum->elements);
        }
      if (!run_update (self, stmt, "cannot store a trace's scope edges", error))
        return FALSE;
      row += batch;
    }
  return TRUE;
}

/* The in-memory part of ending a trace, before any SQL: subtree counts and edge lists. */
static void
prepare_open_trace (OpenTrace    *trace,
                    EncodedEdges *encoded)
{
  /* Children come after their parents in the array, so one backward pass sums every subtree. */
  for (guint i = 0; i < trace->scopes->len; i++)
    {
      PendingScope *scope = &g_array_index (trace->scopes, PendingScope, i);

      scope->descendant_count = scope->node_count;
    }
  for (guint i = trace->scopes->len; i-- > 1;)
    {
      PendingScope *scope = &g_array_index (trace->scopes, PendingScope, i);

      g_array_index (trace->scopes, PendingScope, scope->parent_index).descendant_count +=
        scope->descendant_count;
    }

  encoded->bytes = g_byte_array_sized_new (trace->edges->len * 8);
  encoded->inputs = g_array_sized_new (FALSE, FALSE, sizeof (guint), trace->nodes->len + 1);
  encoded->consumers = g_array_sized_new (FALSE, FALSE, sizeof (guint), trace->nodes->len + 1);
  encode_edge_lists (trace, _AGVIZ_EDGE_LIST_INPUTS, encoded->bytes, encoded->inputs);
  encode_edge_lists (trace, _AGVIZ_EDGE_LIST_CONSUMERS, encoded->bytes, encoded->consumers);
}

static void
encoded_edges_clear (EncodedEdges *encoded)
{
  g_clear_pointer (&encoded->bytes, g_byte_array_unref);
  g_clear_pointer (&encoded->inputs, g_array_unref);
  g_clear_pointer (&encoded->consumers, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EncodedEdges, encoded_edges_clear)

/* Writes a finished trace's scopes, nodes (with the edge lists @encoded) and calls, inside the
 * current transaction. */
static gboolean
write_open_trace (AgvizRecorder  *self,
                  OpenTrace      *trace,
                  EncodedEdges   *encoded,
                  GError        **error)
{
  gboolean ok;

  ok = write_rows (self, trace, BULK_SCOPES, trace->scopes->len, bind_scope_row, scope_row_id,
                   NULL, error) &&
       write_rows (self, trace, BULK_NODES, trace->nodes->len, bind_node_row, node_row_id,
                   encoded, error);

  if (!ok || (trace->nodes->len >= self->scope_edges_min_nodes &&
              !write_scope_edges (self, trace, error)))
    return FALSE;

  for (guint i = 0; i < trace->calls->len; i++)
    {
      PendingCall *call = &g_array_index (trace->calls, PendingCall, i);
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
agviz_recorder_end_trace (AgvizRecorder     *self,
                          gint64             trace_id,
                          AgvizTraceStatus   status,
                          gint64             wall_ns,
                          GError           **error)
{
  g_auto(EncodedEdges) encoded = { NULL };
  OpenTrace *trace;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);

  if (!check_usable (self, error))
    return FALSE;
  if ((trace = lookup_open_trace (self, trace_id, error)) == NULL)
    return FALSE;
  if (status != AGVIZ_TRACE_STATUS_COMPLETE && status != AGVIZ_TRACE_STATUS_FAILED)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID,
                         "a trace ends as complete or failed");
  if (wall_ns < 0)
    wall_ns = (g_get_monotonic_time () - trace->started_usec) * 1000;
  /* Before the first SQL: a stack writer may still have the connection. */
  prepare_open_trace (trace, &encoded);
  if (!ensure_transaction (self, error))
    return FALSE;

  /* A savepoint, so a failure half-way leaves none of this trace's rows behind. */
  join_stack_writer (self);
  if (!_agviz_sqlite_exec (self->db, "SAVEPOINT end_trace", error))
    return FALSE;

  if (!write_open_trace (self, trace, &encoded, error))
    goto rollback;

  stmt = statement (self, STMT_END_TRACE);
  sqlite3_bind_int64 (stmt, 1, trace_id);
  sqlite3_bind_text (stmt, 2, agviz_trace_status_to_string (status), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, wall_ns);
  sqlite3_bind_int64 (stmt, 4, trace->nodes->len);
  sqlite3_bind_int64 (stmt, 5, trace->edges->len);
  sqlite3_bind_int (stmt, 6, trace->nodes->len >= self->scope_edges_min_nodes);
  if (!run_update (self, stmt, "cannot end a trace", error) ||
      !_agviz_sqlite_exec (self->db, "RELEASE end_trace", error))
    goto rollback;

  self->last_trace = NULL;
  g_hash_table_remove (self->open_traces, id_to_value (trace_id));

  /* The commit is what makes the trace exist for readers and survive a crash. */
  return commit (self, error);

rollback:
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK TO end_trace; RELEASE end_trace", NULL, NULL, NULL);
  return FALSE;
}

gint64
agviz_recorder_add_execution (AgvizRecorder         *self,
                              const AgvizExecution  *execution,
                              GError               **error)
{
  sqlite3_stmt *stmt;
  gint64 op_type_id = 0, device_id = 0, seq, id;
  gboolean is_call;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);
  g_return_val_if_fail (execution != NULL, 0);

  if (!check_usable (self, error))
    return 0;

  is_call = execution->trace_id != 0;
  if (is_call == (execution->op_type != NULL && *execution->op_type != '\0'))
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID,
                         "an execution runs either a trace (a tf.function call) or an eager op, "
                         "exactly one of them");
  if (execution->duration_ns < 0 || execution->seq < 0)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID,
                         "an execution cannot have a negative duration or sequence number");
  if (!ensure_transaction (self, error))
    return 0;
  if (is_call && !g_hash_table_contains (self->known_traces, id_to_value (execution->trace_id)))
    {
      if (!row_exists (self, STMT_TRACE_EXISTS, execution->trace_id, "trace", error))
        return 0;
      g_hash_table_add (self->known_traces, id_to_value (execution->trace_id));
    }
  if (execution->stack_id != 0 && !stack_is_known (self, execution->stack_id) &&
      !row_exists (self, STMT_STACK_EXISTS, execution->stack_id, "stack", error))
    return 0;

  if (!is_call &&
      (op_type_id = intern_name (self, self->op_type_ids, &self->last_op_type,
                                 STMT_FIND_OP_TYPE, STMT_INSERT_OP_TYPE, execution->op_type,
                                 error)) == 0)
    return 0;
  if (execution->device != NULL && *execution->device != '\0' &&
      (device_id = intern_name (self, self->device_ids, &self->last_device, STMT_FIND_DEVICE,
                                STMT_INSERT_DEVICE, execution->device, error)) == 0)
    return 0;

  seq = execution->seq > 0 ? execution->seq : self->next_seq;
  self->next_seq = MAX (self->next_seq, seq + 1);

  stmt = statement (self, STMT_INSERT_EXECUTION);
  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_int64 (stmt, 2, execution->trace_id);
  sqlite3_bind_int64 (stmt, 3, op_type_id);
  sqlite3_bind_int64 (stmt, 4, device_id);
  sqlite3_bind_int64 (stmt, 5, execution->start_ns);
  sqlite3_bind_int64 (stmt, 6, execution->duration_ns);
  sqlite3_bind_text (stmt, 7, execution->failed ? "failed" : "ok", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, execution->stack_id);
  id = run_insert (self, stmt, "cannot store an execution", error);
  if (id == 0 || !maybe_commit (self, error))
    return 0;
  return id;
}

/* Checks the rows an event, error or summary refers to (0: none).  What this recorder made is
 * known without asking the file: the nodes of this session (written or in an open trace), and the
 * traces and stacks it handed out; the rest is one prepared look-up each. */
static gboolean
check_optional_ids (AgvizRecorder  *self,
                    gint64          execution_id,
                    gint64          node_id,
                    gint64          trace_id,
                    gint64          function_id,
                    gint64          stack_id,
                    GError        **error)
{
  const struct { gint64 id; StatementId exists; const char *what; GHashTable *known; } refs[] = {
    { execution_id, STMT_EXECUTION_EXISTS, "execution", NULL },
    { node_id, STMT_NODE_EXISTS, "node", NULL },
    { trace_id, STMT_TRACE_EXISTS, "trace", self->known_traces },
    { function_id, STMT_FUNCTION_EXISTS, "function", NULL },
    { stack_id, STMT_STACK_EXISTS, "stack", self->known_stacks },
  };

  for (guint i = 0; i < G_N_ELEMENTS (refs); i++)
    {
      if (refs[i].id == 0)
        continue;
      if (refs[i].exists == STMT_NODE_EXISTS &&
          node_id >= self->first_session_node_id && node_id < self->next_node_id)
        continue;
      if (refs[i].exists == STMT_STACK_EXISTS && stack_is_known (self, stack_id))
        continue;
      if (refs[i].known != NULL && g_hash_table_contains (refs[i].known, id_to_value (refs[i].id)))
        continue;
      if (!row_exists (self, refs[i].exists, refs[i].id, refs[i].what, error))
        return FALSE;
    }
  return TRUE;
}

gint64
agviz_recorder_add_tensor_summary (AgvizRecorder             *self,
                                   const AgvizTensorSummary  *summary,
                                   GError                   **error)
{
  PendingSummary row;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);
  g_return_val_if_fail (summary != NULL, 0);

  if (!check_usable (self, error))
    return 0;
  if (summary->execution_id == 0 && summary->node_id == 0)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID,
                         "a tensor summary belongs to an execution, a node, or both");
  if (summary->output_slot < 0)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID,
                         "a tensor summary's output slot cannot be negative");
  if (!ensure_transaction (self, error))
    return 0;
  if (!check_optional_ids (self, summary->execution_id, summary->node_id, 0, 0, 0, error))
    return 0;

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
  if (!maybe_commit (self, error))
    return 0;
  return row.id;
}

gint64
agviz_recorder_add_event (AgvizRecorder     *self,
                          const AgvizEvent  *event,
                          GError           **error)
{
  sqlite3_stmt *stmt;
  gint64 id;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);
  g_return_val_if_fail (event != NULL, 0);

  if (!check_usable (self, error))
    return 0;
  if ((guint) event->kind > AGVIZ_EVENT_WARNING)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID, "unknown event kind %d",
                         (int) event->kind);
  if (!ensure_transaction (self, error))
    return 0;
  if (!check_optional_ids (self, event->execution_id, event->node_id, event->trace_id,
                           event->function_id, event->stack_id, error))
    return 0;

  stmt = statement (self, STMT_INSERT_EVENT);
  sqlite3_bind_text (stmt, 1, agviz_event_kind_to_string (event->kind), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, event->wall_ns);
  sqlite3_bind_int64 (stmt, 3, event->function_id);
  sqlite3_bind_int64 (stmt, 4, event->trace_id);
  sqlite3_bind_int64 (stmt, 5, event->node_id);
  sqlite3_bind_int64 (stmt, 6, event->execution_id);
  sqlite3_bind_int64 (stmt, 7, event->stack_id);
  sqlite3_bind_text (stmt, 8, event->message != NULL ? event->message : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, event->detail, -1, SQLITE_STATIC);
  id = run_insert (self, stmt, "cannot store an event", error);
  if (id == 0 || !maybe_commit (self, error))
    return 0;
  return id;
}

gint64
agviz_recorder_add_error (AgvizRecorder             *self,
                          const AgvizRecordedError  *recorded,
                          GError                   **error)
{
  sqlite3_stmt *stmt;
  gint64 id;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);
  g_return_val_if_fail (recorded != NULL, 0);

  if (!check_usable (self, error))
    return 0;
  if (recorded->type == NULL || *recorded->type == '\0' || recorded->message == NULL)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID,
                         "an error needs a type (such as ValueError) and a message");
  if ((guint) recorded->origin > AGVIZ_ERROR_ORIGIN_IMPORTER)
    return fail_invalid (error, AGVIZ_RECORDER_ERROR_INVALID, "unknown error origin %d",
                         (int) recorded->origin);
  if (!ensure_transaction (self, error))
    return 0;
  if (!check_optional_ids (self, recorded->execution_id, recorded->node_id, recorded->trace_id,
                           recorded->function_id, recorded->stack_id, error))
    return 0;

  stmt = statement (self, STMT_INSERT_ERROR);
  sqlite3_bind_text (stmt, 1, agviz_error_origin_to_string (recorded->origin), -1,
                     SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, recorded->wall_ns);
  sqlite3_bind_text (stmt, 3, recorded->type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, recorded->message, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, recorded->traceback, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, recorded->function_id);
  sqlite3_bind_int64 (stmt, 7, recorded->trace_id);
  sqlite3_bind_int64 (stmt, 8, recorded->execution_id);
  sqlite3_bind_int64 (stmt, 9, recorded->node_id);
  sqlite3_bind_int64 (stmt, 10, recorded->stack_id);
  id = run_insert (self, stmt, "cannot store an error", error);
  if (id == 0 || !maybe_commit (self, error))
    return 0;
  return id;
}

void
_agviz_recorder_set_scope_edges_min_nodes (AgvizRecorder *self,
                                           guint          min_nodes)
{
  g_return_if_fail (AGVIZ_IS_RECORDER (self));

  self->scope_edges_min_nodes = min_nodes;
}
