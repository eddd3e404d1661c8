/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-recorder.c: batched, crash-safe writing of traces
 *
 * The calls of agviz-recorder.h: each checks its arguments, then hands the work to the parts
 * (see agviz-recorder-private.h).  What stays here is when things are committed: one long
 * transaction per trace, committed when it ends; between traces, a commit every few thousand rows
 * or every second; inside an import batch, none until the batch commits.  Node and scope ids are
 * assigned here, across the open traces.
 */
#define G_LOG_DOMAIN "agviz-recorder"

#include "config.h"

#include <string.h>

#include "agviz-recorder.h"
#include "agviz-recorder-caches.h"
#include "agviz-recorder-db.h"
#include "agviz-recorder-private.h"
#include "agviz-scope-edges.h"
#include "agviz-trace-builder.h"

G_DEFINE_QUARK (agviz-recorder-error-quark, agviz_recorder_error)

/* Between traces, rows are committed when this many are pending or this much time has passed. */
#define COMMIT_EVERY_ROWS 4096
#define COMMIT_EVERY_USEC (G_USEC_PER_SEC)

struct _AgvizRecorder
{
  GObject              parent_instance;

  AgvizRecorderDb     *db;                  /* NULL once closed */
  AgvizRecorderCaches *caches;

  /* Set between begin_batch and commit_batch/rollback_batch: every commit is held back so the
   * batch lands whole or not at all. */
  gboolean             in_batch;
  guint                pending_rows;
  gint64               last_commit_usec;

  GHashTable          *open_traces;         /* trace id -> AgvizTraceBuilder */
  AgvizTraceBuilder   *last_trace;          /* the one looked up last, or NULL */

  /* Node and scope ids are assigned here (rows are written only when their trace ends), node
   * ids consecutively from first_session_node_id, so the trace of each node made in this
   * session is one array lookup away (edges must stay inside one trace). */
  gint64               first_session_node_id;
  gint64               next_node_id;
  GArray              *node_owner;          /* gint64 trace id per node of this session */
  gint64               next_scope_id;
  gint64               next_seq;

  guint                scope_edges_min_nodes;
};

G_DEFINE_FINAL_TYPE (AgvizRecorder, agviz_recorder, G_TYPE_OBJECT)

gboolean
_agviz_recorder_fail (GError     **error,
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
  const char *stopped;

  if (self->db == NULL)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_STOPPED, "the recorder is closed");
  stopped = _agviz_recorder_db_get_stopped (self->db);
  if (stopped != NULL)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_STOPPED,
                                 "recording stopped after an earlier error (%s); "
                                 "every trace ended before it is intact", stopped);
  return TRUE;
}

static gboolean
commit_now (AgvizRecorder  *self,
            GError        **error)
{
  if (!_agviz_recorder_db_in_transaction (self->db))
    return TRUE;
  if (!_agviz_recorder_db_commit (self->db, error))
    return FALSE;
  self->pending_rows = 0;
  self->last_commit_usec = g_get_monotonic_time ();
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

/* @id, the id of a row just written (0: it was not), once it counts towards the next commit;
 * 0 when that commit fails. */
static gint64
counted_row (AgvizRecorder  *self,
             gint64          id,
             GError        **error)
{
  return id != 0 && maybe_commit (self, error) ? id : 0;
}

/* Starts over from what the file holds, whose largest ids are @largest: nothing interned or
 * open, ids from the file's on. */
static void
restart_from_file (AgvizRecorder                 *self,
                   const AgvizRecorderLargestIds *largest)
{
  _agviz_recorder_caches_reset (self->caches, largest);
  self->last_trace = NULL;
  g_hash_table_remove_all (self->open_traces);
  self->next_scope_id = largest->scope + 1;
  self->next_node_id = MAX (largest->node + 1, self->first_session_node_id);
  g_array_set_size (self->node_owner, self->next_node_id - self->first_session_node_id);
  self->next_seq = largest->seq + 1;
  self->pending_rows = 0;
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

  g_clear_pointer (&self->caches, _agviz_recorder_caches_free);
  g_clear_pointer (&self->open_traces, g_hash_table_unref);
  g_clear_pointer (&self->node_owner, g_array_unref);

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
  self->caches = _agviz_recorder_caches_new ();
  self->open_traces = g_hash_table_new_full (_agviz_hash_u64_key, g_direct_equal, NULL,
                                             (GDestroyNotify) _agviz_trace_builder_free);
  self->node_owner = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->scope_edges_min_nodes = AGVIZ_SCOPE_EDGES_MIN_NODES;
}

AgvizRecorder *
agviz_recorder_open (const char  *path,
                     GError     **error)
{
  g_autoptr(AgvizRecorder) self = NULL;
  AgvizRecorderLargestIds largest;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (AGVIZ_TYPE_RECORDER, NULL);
  self->db = _agviz_recorder_db_open (path, error);
  if (self->db == NULL)
    return NULL;

  _agviz_recorder_db_read_largest_ids (self->db, &largest);
  self->first_session_node_id = largest.node + 1;
  restart_from_file (self, &largest);
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

  /* A batch that was never committed is abandoned whole, as if the process had died (closing
   * rolls back whatever is not committed). */
  if (_agviz_recorder_db_get_stopped (self->db) == NULL && !self->in_batch)
    ok = commit (self, error);
  self->in_batch = FALSE;
  g_clear_pointer (&self->db, _agviz_recorder_db_close);
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
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID, "a batch is already open");
  if (g_hash_table_size (self->open_traces) > 0)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "a batch cannot start while traces are being recorded");
  /* What came before the batch is committed now, so a rollback takes back the batch only. */
  if (!commit_now (self, error) || !_agviz_recorder_db_begin (self->db, error))
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
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID, "no batch is open");
  if (g_hash_table_size (self->open_traces) > 0)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "%u trace(s) of the batch have not ended",
                                 g_hash_table_size (self->open_traces));

  self->in_batch = FALSE;
  if (!commit_now (self, error))
    {
      /* Still open when SQLite kept the transaction (e.g. busy): the caller may retry or roll
       * back; gone when it rolled back, and then recording has stopped. */
      self->in_batch = _agviz_recorder_db_in_transaction (self->db);
      return FALSE;
    }
  return TRUE;
}

gboolean
agviz_recorder_rollback_batch (AgvizRecorder  *self,
                               GError        **error)
{
  AgvizRecorderLargestIds largest;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);

  if (self->db == NULL)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_STOPPED, "the recorder is closed");
  if (!self->in_batch)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID, "no batch is open");

  self->in_batch = FALSE;
  if (!_agviz_recorder_db_rollback (self->db, error))
    return FALSE;
  /* Every id handed out since the batch began may name a row that is gone. */
  _agviz_recorder_db_read_largest_ids (self->db, &largest);
  restart_from_file (self, &largest);
  return TRUE;
}

gboolean
agviz_recorder_set_metadata (AgvizRecorder  *self,
                             const char     *key,
                             const char     *value,
                             GError        **error)
{
  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);

  if (!check_usable (self, error))
    return FALSE;
  if (key == NULL || *key == '\0' || value == NULL)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "metadata needs a non-empty key and a value");
  return _agviz_recorder_db_begin (self->db, error) &&
         _agviz_recorder_db_set_metadata (self->db, key, value, error) &&
         maybe_commit (self, error);
}

gint64
agviz_recorder_add_file (AgvizRecorder  *self,
                         const char     *host,
                         const char     *path,
                         GError        **error)
{
  gint64 id;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);

  if (!check_usable (self, error))
    return 0;
  if (path == NULL || *path == '\0')
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID, "a source file needs a path");
  if (!_agviz_recorder_db_begin (self->db, error))
    return 0;

  id = _agviz_recorder_caches_intern_file (self->caches, self->db, host != NULL ? host : "", path,
                                           error);
  return counted_row (self, id, error);
}

/* Stores @sha256 of file @file_id, with its @text unless that is NULL. */
static gboolean
set_file_text (AgvizRecorder  *self,
               gint64          file_id,
               const char     *text,
               gsize           length,
               const char     *sha256,
               GError        **error)
{
  return check_usable (self, error) &&
         _agviz_recorder_db_begin (self->db, error) &&
         _agviz_recorder_db_set_file_text (self->db, file_id, text, length, sha256, error) &&
         maybe_commit (self, error);
}

gboolean
agviz_recorder_set_file_text (AgvizRecorder  *self,
                              gint64          file_id,
                              const char     *text,
                              gssize          length,
                              GError        **error)
{
  g_autofree char *sha256 = NULL;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (length < 0)
    length = strlen (text);
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, length);
  return set_file_text (self, file_id, text, length, sha256, error);
}

gboolean
agviz_recorder_set_file_sha256 (AgvizRecorder  *self,
                                gint64          file_id,
                                const char     *sha256,
                                GError        **error)
{
  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);
  g_return_val_if_fail (sha256 != NULL, FALSE);

  if (strlen (sha256) != 64 || strspn (sha256, "0123456789abcdef") != 64)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "a SHA-256 is 64 lowercase hex digits, not '%s'", sha256);
  return set_file_text (self, file_id, NULL, 0, sha256, error);
}

gint64
agviz_recorder_add_frame (AgvizRecorder  *self,
                          gint64          file_id,
                          int             line,
                          int             column,
                          const char     *function,
                          GError        **error)
{
  AgvizFrameKey frame = { file_id, line, column, function != NULL ? function : "" };
  gboolean inserted;
  gint64 id;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);

  if (!check_usable (self, error))
    return 0;
  if (line < 0 || column < 0)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "a frame cannot have a negative line or column "
                                 "(line %d, column %d)", line, column);

  id = _agviz_recorder_caches_intern_frame (self->caches, self->db, &frame, &inserted, error);
  return inserted ? counted_row (self, id, error) : id;
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
  gint64 stack_id;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);
  g_return_val_if_fail (frame_ids != NULL || n_frames == 0, 0);

  if (!check_usable (self, error))
    return 0;
  if (n_frames == 0)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "a stack needs at least one frame");
  if (!_agviz_recorder_caches_check_stack (self->caches, self->db, parent_stack_id, error) ||
      !_agviz_recorder_db_begin (self->db, error))
    return 0;

  stack_id = _agviz_recorder_caches_extend_stack (self->caches, self->db, parent_stack_id,
                                                  frame_ids, n_frames, error);
  return counted_row (self, stack_id, error);
}

gint64
agviz_recorder_add_function (AgvizRecorder  *self,
                             const char     *name,
                             gint64          file_id,
                             int             line,
                             GError        **error)
{
  gboolean looked_up;
  gint64 id;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);

  if (!check_usable (self, error))
    return 0;
  if (name == NULL || *name == '\0')
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID, "a function needs a name");
  if (line < 0 || file_id < 0)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "function %s: negative file id or line", name);

  id = _agviz_recorder_caches_intern_function (self->caches, self->db, name, file_id, line,
                                               &looked_up, error);
  return looked_up ? counted_row (self, id, error) : id;
}

gint64
agviz_recorder_begin_trace (AgvizRecorder  *self,
                            gint64          function_id,
                            const char     *graph_name,
                            const char     *signature,
                            const char     *reason,
                            GError        **error)
{
  gint64 trace_id;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);

  if (!check_usable (self, error))
    return 0;
  if (graph_name == NULL || *graph_name == '\0')
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "a trace needs a graph name");
  if (!_agviz_recorder_db_begin (self->db, error) ||
      !_agviz_recorder_db_check_row (self->db, AGVIZ_RECORDER_TABLE_FUNCTIONS, function_id, error))
    return 0;

  trace_id = _agviz_recorder_db_insert_trace (self->db, function_id, graph_name,
                                              signature != NULL ? signature : "",
                                              reason != NULL ? reason : "", self->next_scope_id,
                                              error);
  if (trace_id == 0)
    return 0;

  _agviz_recorder_caches_add_trace (self->caches, trace_id);
  g_hash_table_insert (self->open_traces, _agviz_id_to_key (trace_id),
                       _agviz_trace_builder_new (trace_id, self->next_scope_id++));
  return trace_id;
}

static AgvizTraceBuilder *
lookup_open_trace (AgvizRecorder  *self,
                   gint64          trace_id,
                   GError        **error)
{
  AgvizTraceBuilder *trace;

  /* Calls come in runs for one trace: skip the hash lookup for the same trace again. */
  if (self->last_trace != NULL && self->last_trace->id == trace_id)
    return self->last_trace;

  trace = g_hash_table_lookup (self->open_traces, _agviz_id_to_key (trace_id));
  self->last_trace = trace;

  if (trace == NULL)
    _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_NOT_RECORDING,
                          "trace %" G_GINT64_FORMAT " is not being recorded "
                          "(never begun, already ended, or from another recorder)", trace_id);
  return trace;
}

/* lookup_open_trace() in a recorder that can still record. */
static AgvizTraceBuilder *
usable_open_trace (AgvizRecorder  *self,
                   gint64          trace_id,
                   GError        **error)
{
  if (!check_usable (self, error))
    return NULL;
  return lookup_open_trace (self, trace_id, error);
}

/* Sets one column of the row of a trace still being recorded. */
static gboolean
set_open_trace (AgvizRecorder             *self,
                gint64                     trace_id,
                AgvizRecorderTraceColumn   column,
                gint64                     value,
                GError                   **error)
{
  return lookup_open_trace (self, trace_id, error) != NULL &&
         _agviz_recorder_db_set_trace (self->db, trace_id, column, value, error);
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
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "a trace cannot start before 1970");
  return set_open_trace (self, trace_id, AGVIZ_RECORDER_TRACE_START, started_ns, error);
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
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "an object is numbered from 1");
  return set_open_trace (self, trace_id, AGVIZ_RECORDER_TRACE_OBJECT, object, error);
}

gint64
agviz_recorder_add_object (AgvizRecorder  *self,
                           gint64          parent_id,
                           const char     *name,
                           const char     *kind,
                           GError        **error)
{
  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);

  if (!check_usable (self, error))
    return 0;
  if (name == NULL || *name == '\0')
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID, "an object needs a name");
  if (parent_id < 0)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "object %s: negative parent id", name);
  if (!_agviz_recorder_db_begin (self->db, error) ||
      (parent_id != 0 &&
       !_agviz_recorder_db_check_row (self->db, AGVIZ_RECORDER_TABLE_OBJECTS, parent_id, error)))
    return 0;
  return counted_row (self, _agviz_recorder_db_intern_object (self->db, parent_id, name, kind,
                                                              error), error);
}

gboolean
agviz_recorder_set_function_object (AgvizRecorder  *self,
                                    gint64          function_id,
                                    gint64          object_id,
                                    GError        **error)
{
  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);

  if (!check_usable (self, error))
    return FALSE;
  return _agviz_recorder_db_begin (self->db, error) &&
         _agviz_recorder_db_check_row (self->db, AGVIZ_RECORDER_TABLE_FUNCTIONS, function_id,
                                       error) &&
         _agviz_recorder_db_check_row (self->db, AGVIZ_RECORDER_TABLE_OBJECTS, object_id, error) &&
         _agviz_recorder_db_set_function_object (self->db, function_id, object_id, error) &&
         maybe_commit (self, error);
}

gboolean
agviz_recorder_set_trace_call_signature (AgvizRecorder  *self,
                                         gint64          trace_id,
                                         const char     *signature,
                                         GError        **error)
{
  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);
  g_return_val_if_fail (signature != NULL, FALSE);

  if (!check_usable (self, error))
    return FALSE;
  return _agviz_recorder_db_begin (self->db, error) &&
         _agviz_recorder_db_check_row (self->db, AGVIZ_RECORDER_TABLE_TRACES, trace_id, error) &&
         _agviz_recorder_db_set_trace_call_signature (self->db, trace_id, signature, error) &&
         maybe_commit (self, error);
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
  const AgvizAttrsInfo *attrs_info = NULL;
  AgvizPendingNode node = { .output_elements = -1 };
  AgvizTraceBuilder *trace;
  AgvizNodePlace place;
  gsize name_length;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);

  if ((trace = usable_open_trace (self, trace_id, error)) == NULL)
    return 0;
  if (name == NULL || *name == '\0')
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID, "a node needs a name");
  name_length = strlen (name);
  if (name[name_length - 1] == '/')
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "node name \"%s\" ends with '/': that names a scope, not a node",
                                 name);
  if (op_type == NULL || *op_type == '\0')
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "node %s needs an op type", name);
  if (attrs != NULL)
    attrs_info = _agviz_recorder_caches_lookup_attrs (self->caches, attrs);
  if (attrs != NULL && attrs_info == NULL && !g_variant_is_of_type (attrs, G_VARIANT_TYPE_VARDICT))
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "node %s: attributes must be a{sv}, not %s", name,
                                 g_variant_get_type_string (attrs));
  if (!_agviz_recorder_caches_check_stack (self->caches, self->db, stack_id, error))
    return 0;

  if (!_agviz_trace_builder_place_node (trace, name, &self->next_scope_id, &place))
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_DUPLICATE,
                                 "trace %" G_GINT64_FORMAT " already has a node named %s",
                                 trace_id, name);

  node.op_type_id = _agviz_recorder_caches_intern_name (self->caches, self->db,
                                                        AGVIZ_RECORDER_NAMES_OP_TYPES, op_type, error);
  if (node.op_type_id == 0)
    return 0;
  if (device != NULL && *device != '\0')
    {
      node.device_id = _agviz_recorder_caches_intern_name (self->caches, self->db,
                                                           AGVIZ_RECORDER_NAMES_DEVICES, device, error);
      if (node.device_id == 0)
        return 0;
    }
  if (attrs != NULL)
    {
      attrs_info = _agviz_recorder_caches_intern_attrs (self->caches, self->db, attrs, attrs_info,
                                                        error);
      if (attrs_info == NULL)
        return 0;
      node.attr_set_id = attrs_info->attr_set_id;
      node.output_elements = attrs_info->output_elements;
    }

  node.id = self->next_node_id++;
  node.stack_id = stack_id;
  _agviz_trace_builder_add_node (trace, &place, &node);
  g_array_append_val (self->node_owner, trace_id);
  return node.id;
}

gint64
agviz_recorder_find_node (AgvizRecorder  *self,
                          gint64          trace_id,
                          const char     *name,
                          GError        **error)
{
  AgvizTraceBuilder *trace;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);
  g_return_val_if_fail (name != NULL, 0);

  if ((trace = usable_open_trace (self, trace_id, error)) == NULL)
    return 0;
  return _agviz_trace_builder_find_node (trace, name);
}

static gboolean
check_node_in_trace (AgvizRecorder  *self,
                     gint64          trace_id,
                     gint64          node_id,
                     GError        **error)
{
  if (node_id < self->first_session_node_id || node_id >= self->next_node_id)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_UNKNOWN_ID,
                                 "no node with id %" G_GINT64_FORMAT " in trace %" G_GINT64_FORMAT,
                                 node_id, trace_id);
  if (g_array_index (self->node_owner, gint64, node_id - self->first_session_node_id) != trace_id)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_UNKNOWN_ID,
                                 "node %" G_GINT64_FORMAT " belongs to another trace than %"
                                 G_GINT64_FORMAT, node_id, trace_id);
  return TRUE;
}

void
agviz_recorder_write_stacks_in_background (AgvizRecorder *self)
{
  g_return_if_fail (AGVIZ_IS_RECORDER (self));

  /* Only inside a batch: a failure then fails the batch as a whole, whenever it is noticed. */
  if (self->db != NULL && self->in_batch)
    _agviz_recorder_db_write_stacks_in_background (self->db);
}

gboolean
agviz_recorder_set_node_stack (AgvizRecorder  *self,
                               gint64          trace_id,
                               gint64          node_id,
                               gint64          stack_id,
                               GError        **error)
{
  AgvizTraceBuilder *trace;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);

  if ((trace = usable_open_trace (self, trace_id, error)) == NULL)
    return FALSE;
  if (!check_node_in_trace (self, trace_id, node_id, error) ||
      !_agviz_recorder_caches_check_stack (self->caches, self->db, stack_id, error))
    return FALSE;
  g_array_index (trace->nodes, AgvizPendingNode,
                 _agviz_trace_builder_node_index (trace, node_id)).stack_id = stack_id;
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
  AgvizTraceBuilder *trace;
  AgvizEdge edge = { src_node_id, src_output, dst_node_id, dst_input };

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);

  if ((trace = usable_open_trace (self, trace_id, error)) == NULL)
    return FALSE;
  if (src_output < -1 || dst_input < 0)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "edge %" G_GINT64_FORMAT ":%d -> %" G_GINT64_FORMAT ":%d: output "
                                 "slot must be >= -1 (-1: control) and input position >= 0",
                                 src_node_id, src_output, dst_node_id, dst_input);
  if (!check_node_in_trace (self, trace_id, src_node_id, error) ||
      !check_node_in_trace (self, trace_id, dst_node_id, error))
    return FALSE;
  if (!_agviz_trace_builder_add_edge (trace, &edge))
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_DUPLICATE,
                                 "node %" G_GINT64_FORMAT " already has an edge into input %d",
                                 dst_node_id, dst_input);
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
  AgvizTraceBuilder *trace;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);

  if ((trace = usable_open_trace (self, trace_id, error)) == NULL)
    return FALSE;
  if (role == NULL || *role == '\0' || callee_graph_name == NULL || *callee_graph_name == '\0')
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "a call needs a role (attribute name) and a callee graph name");
  if (!check_node_in_trace (self, trace_id, node_id, error))
    return FALSE;
  if (!_agviz_trace_builder_add_call (trace, node_id, role, callee_graph_name))
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_DUPLICATE,
                                 "node %" G_GINT64_FORMAT " already calls a function through %s",
                                 node_id, role);
  return TRUE;
}

gboolean
agviz_recorder_end_trace (AgvizRecorder     *self,
                          gint64             trace_id,
                          AgvizTraceStatus   status,
                          gint64             wall_ns,
                          GError           **error)
{
  g_autoptr(GArray) scope_edges = NULL;
  AgvizTraceBuilder *trace;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), FALSE);

  if ((trace = usable_open_trace (self, trace_id, error)) == NULL)
    return FALSE;
  if (status != AGVIZ_TRACE_STATUS_COMPLETE && status != AGVIZ_TRACE_STATUS_FAILED)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "a trace ends as complete or failed");
  if (wall_ns < 0)
    wall_ns = (g_get_monotonic_time () - trace->started_usec) * 1000;

  /* The in-memory work first: a stack writer may still have the connection meanwhile. */
  _agviz_trace_builder_finish (trace);
  if (trace->nodes->len >= self->scope_edges_min_nodes)
    {
      g_autoptr(GHashTable) reference_inputs =
        _agviz_recorder_caches_list_reference_inputs (self->caches);

      scope_edges = _agviz_scope_edges_aggregate (trace, reference_inputs);
    }
  if (!_agviz_recorder_db_write_trace (self->db, trace, scope_edges, status, wall_ns, error))
    return FALSE;

  self->last_trace = NULL;
  g_hash_table_remove (self->open_traces, _agviz_id_to_key (trace_id));

  /* The commit is what makes the trace exist for readers and survive a crash. */
  return commit (self, error);
}

gint64
agviz_recorder_add_execution (AgvizRecorder         *self,
                              const AgvizExecution  *execution,
                              GError               **error)
{
  gint64 op_type_id = 0, device_id = 0, seq, id;
  gboolean is_call;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);
  g_return_val_if_fail (execution != NULL, 0);

  if (!check_usable (self, error))
    return 0;

  is_call = execution->trace_id != 0;
  if (is_call == (execution->op_type != NULL && *execution->op_type != '\0'))
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "an execution runs either a trace (a tf.function call) or an "
                                 "eager op, exactly one of them");
  if (execution->duration_ns < 0 || execution->seq < 0)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "an execution cannot have a negative duration or sequence number");
  if (!_agviz_recorder_db_begin (self->db, error))
    return 0;
  if (is_call &&
      !_agviz_recorder_caches_check_trace (self->caches, self->db, execution->trace_id, error))
    return 0;
  if (execution->stack_id != 0 &&
      !_agviz_recorder_caches_stack_is_known (self->caches, execution->stack_id) &&
      !_agviz_recorder_db_check_row (self->db, AGVIZ_RECORDER_TABLE_STACKS, execution->stack_id,
                                     error))
    return 0;

  if (!is_call &&
      (op_type_id = _agviz_recorder_caches_intern_name (self->caches, self->db,
                                                        AGVIZ_RECORDER_NAMES_OP_TYPES,
                                                        execution->op_type, error)) == 0)
    return 0;
  if (execution->device != NULL && *execution->device != '\0' &&
      (device_id = _agviz_recorder_caches_intern_name (self->caches, self->db,
                                                       AGVIZ_RECORDER_NAMES_DEVICES,
                                                       execution->device, error)) == 0)
    return 0;

  seq = execution->seq > 0 ? execution->seq : self->next_seq;
  self->next_seq = MAX (self->next_seq, seq + 1);

  id = _agviz_recorder_db_insert_execution (self->db, seq, execution, op_type_id, device_id, error);
  return counted_row (self, id, error);
}

/* Begins writing an event, error or summary, checking the rows it refers to (0: none).  What
 * this recorder made is known without asking the file: the nodes of this session (written or in
 * an open trace), and the traces and stacks it handed out; the rest is one prepared look-up
 * each. */
static gboolean
begin_referring_row (AgvizRecorder  *self,
                     gint64          execution_id,
                     gint64          node_id,
                     gint64          trace_id,
                     gint64          function_id,
                     gint64          stack_id,
                     GError        **error)
{
  const struct { gint64 id; AgvizRecorderTable table; gboolean known; } refs[] = {
    { execution_id, AGVIZ_RECORDER_TABLE_EXECUTIONS, FALSE },
    { node_id, AGVIZ_RECORDER_TABLE_NODES,
      node_id >= self->first_session_node_id && node_id < self->next_node_id },
    { trace_id, AGVIZ_RECORDER_TABLE_TRACES,
      _agviz_recorder_caches_trace_is_known (self->caches, trace_id) },
    { function_id, AGVIZ_RECORDER_TABLE_FUNCTIONS, FALSE },
    { stack_id, AGVIZ_RECORDER_TABLE_STACKS,
      _agviz_recorder_caches_stack_is_known (self->caches, stack_id) },
  };

  if (!_agviz_recorder_db_begin (self->db, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (refs); i++)
    if (refs[i].id != 0 && !refs[i].known &&
        !_agviz_recorder_db_check_row (self->db, refs[i].table, refs[i].id, error))
      return FALSE;
  return TRUE;
}

gint64
agviz_recorder_add_tensor_summary (AgvizRecorder             *self,
                                   const AgvizTensorSummary  *summary,
                                   GError                   **error)
{
  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);
  g_return_val_if_fail (summary != NULL, 0);

  if (!check_usable (self, error))
    return 0;
  if (summary->execution_id == 0 && summary->node_id == 0)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "a tensor summary belongs to an execution, a node, or both");
  if (summary->output_slot < 0)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "a tensor summary's output slot cannot be negative");
  if (!begin_referring_row (self, summary->execution_id, summary->node_id, 0, 0, 0, error))
    return 0;
  return counted_row (self, _agviz_recorder_db_queue_tensor_summary (self->db, summary, error),
                      error);
}

gint64
agviz_recorder_add_event (AgvizRecorder     *self,
                          const AgvizEvent  *event,
                          GError           **error)
{
  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);
  g_return_val_if_fail (event != NULL, 0);

  if (!check_usable (self, error))
    return 0;
  if ((guint) event->kind > AGVIZ_EVENT_KIND_LAST)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID, "unknown event kind %d",
                                 (int) event->kind);
  if (!begin_referring_row (self, event->execution_id, event->node_id, event->trace_id,
                            event->function_id, event->stack_id, error))
    return 0;
  return counted_row (self, _agviz_recorder_db_insert_event (self->db, event, error), error);
}

gint64
agviz_recorder_add_error (AgvizRecorder             *self,
                          const AgvizRecordedError  *recorded,
                          GError                   **error)
{
  g_return_val_if_fail (AGVIZ_IS_RECORDER (self), 0);
  g_return_val_if_fail (recorded != NULL, 0);

  if (!check_usable (self, error))
    return 0;
  if (recorded->type == NULL || *recorded->type == '\0' || recorded->message == NULL)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID,
                                 "an error needs a type (such as ValueError) and a message");
  if ((guint) recorded->origin > AGVIZ_ERROR_ORIGIN_IMPORTER)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_INVALID, "unknown error origin %d",
                                 (int) recorded->origin);
  if (!begin_referring_row (self, recorded->execution_id, recorded->node_id, recorded->trace_id,
                            recorded->function_id, recorded->stack_id, error))
    return 0;
  return counted_row (self, _agviz_recorder_db_insert_error (self->db, recorded, error), error);
}

void
_agviz_recorder_set_scope_edges_min_nodes (AgvizRecorder *self,
                                           guint          min_nodes)
{
  g_return_if_fail (AGVIZ_IS_RECORDER (self));

  self->scope_edges_min_nodes = min_nodes;
}
