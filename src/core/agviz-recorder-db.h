/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-recorder-db.h: the recorder's SQL, and the one holder of its connection (internal)
 *
 * Everything the recorder reads from or writes into the trace file goes through here: prepared
 * statements, multi-row inserts (with NULL ids where they continue their table's, checked), the
 * queues of stack entries and tensor summaries that wait for those inserts, and the thread that
 * may write the stack entries meanwhile.  No other part of the recorder sees SQLite.
 *
 * Threads: inside a batch, queued stack entries can be written on a second thread
 * (_agviz_recorder_db_write_stacks_in_background()); the connection is that thread's alone until
 * it ends, and every function here that uses the connection waits for it first.  A failure there
 * stops recording: the batch can only be rolled back.
 *
 * Stopping: when SQLite rolled a transaction back by itself (a full disk, an I/O error), when the
 * stack writer failed, or when another program wrote into the file, what the transaction held is
 * gone and later rows would point at rows that are not there.  _agviz_recorder_db_get_stopped()
 * then says why, until a rollback.
 */
#pragma once

#include "agviz-records.h"
#include "agviz-scope-edges.h"
#include "agviz-trace-builder.h"

G_BEGIN_DECLS

typedef struct _AgvizRecorderDb AgvizRecorderDb;

/* The largest ids in the file's tables, 0 for an empty one: the ids made before this session. */
typedef struct
{
  gint64 scope;
  gint64 node;
  gint64 file;
  gint64 frame;
  gint64 stack;
  gint64 seq;                 /* of the executions */
} AgvizRecorderLargestIds;

/* Tables whose rows others refer to by id (see _agviz_recorder_db_check_row()). */
typedef enum
{
  AGVIZ_RECORDER_TABLE_FILES,
  AGVIZ_RECORDER_TABLE_FRAMES,
  AGVIZ_RECORDER_TABLE_STACKS,
  AGVIZ_RECORDER_TABLE_FUNCTIONS,
  AGVIZ_RECORDER_TABLE_TRACES,
  AGVIZ_RECORDER_TABLE_EXECUTIONS,
  AGVIZ_RECORDER_TABLE_NODES,
  AGVIZ_RECORDER_TABLE_OBJECTS,
} AgvizRecorderTable;

/* The tables of names interned by _agviz_recorder_db_intern_name(). */
typedef enum
{
  AGVIZ_RECORDER_NAMES_OP_TYPES,
  AGVIZ_RECORDER_NAMES_DEVICES,
} AgvizRecorderNames;

/* What interns a frame. */
typedef struct
{
  gint64      file_id;
  int         line;
  int         column;
  const char *function;
} AgvizFrameKey;

/* The columns of an open trace's row that may be set (see _agviz_recorder_db_set_trace()). */
typedef enum
{
  AGVIZ_RECORDER_TRACE_START,
  AGVIZ_RECORDER_TRACE_OBJECT,
} AgvizRecorderTraceColumn;

/* Opens (or creates) @path as a trace file for writing, with its statements prepared. */
AgvizRecorderDb *_agviz_recorder_db_open          (const char               *path,
                                                   GError                  **error);
/* Waits for the stack writer, rolls back what is not committed and closes the file. */
void        _agviz_recorder_db_close              (AgvizRecorderDb          *self);

void        _agviz_recorder_db_read_largest_ids   (AgvizRecorderDb          *self,
                                                   AgvizRecorderLargestIds  *ids);

/* Why recording stopped (transfer none), or NULL when it did not. */
const char *_agviz_recorder_db_get_stopped        (AgvizRecorderDb          *self);
gboolean    _agviz_recorder_db_in_transaction     (AgvizRecorderDb          *self);

/* Starts a write transaction unless one is open. */
gboolean    _agviz_recorder_db_begin              (AgvizRecorderDb          *self,
                                                   GError                  **error);
/* Writes the queued rows and commits, when a transaction is open. */
gboolean    _agviz_recorder_db_commit             (AgvizRecorderDb          *self,
                                                   GError                  **error);
/* Rolls back the open transaction, if any, and forgets the queued rows; recording may go on
 * afterwards (the stopped reason is cleared). */
gboolean    _agviz_recorder_db_rollback           (AgvizRecorderDb          *self,
                                                   GError                  **error);

gboolean    _agviz_recorder_db_set_metadata       (AgvizRecorderDb          *self,
                                                   const char               *key,
                                                   const char               *value,
                                                   GError                  **error);

/* Whether row @id of @table exists: an AGVIZ_RECORDER_ERROR_UNKNOWN_ID error when it does not. */
gboolean    _agviz_recorder_db_check_row          (AgvizRecorderDb          *self,
                                                   AgvizRecorderTable        table,
                                                   gint64                    id,
                                                   GError                  **error);

/* The interning look-ups of the file: the id of the row with these values, inserted when there
 * is none; 0 with @error set on failure. */
gint64      _agviz_recorder_db_intern_name        (AgvizRecorderDb          *self,
                                                   AgvizRecorderNames        names,
                                                   const char               *name,
                                                   GError                  **error);
gint64      _agviz_recorder_db_intern_file        (AgvizRecorderDb          *self,
                                                   const char               *host,
                                                   const char               *path,
                                                   GError                  **error);
gint64      _agviz_recorder_db_intern_function    (AgvizRecorderDb          *self,
                                                   const char               *name,
                                                   gint64                    file_id,
                                                   int                       line,
                                                   GError                  **error);
gint64      _agviz_recorder_db_intern_object      (AgvizRecorderDb          *self,
                                                   gint64                    parent_id,
                                                   const char               *name,
                                                   const char               *kind,
                                                   GError                  **error);
gboolean    _agviz_recorder_db_set_function_object (AgvizRecorderDb         *self,
                                                   gint64                    function_id,
                                                   gint64                    object_id,
                                                   GError                  **error);
gboolean    _agviz_recorder_db_set_trace_call_signature (AgvizRecorderDb    *self,
                                                   gint64                    trace_id,
                                                   const char               *signature,
                                                   GError                  **error);
/* @hash is the 64-bit FNV-1a of the set's bytes @data. */
gint64      _agviz_recorder_db_intern_attr_set    (AgvizRecorderDb          *self,
                                                   guint64                   hash,
                                                   gconstpointer             data,
                                                   gsize                     size,
                                                   GError                  **error);
/* A stack entry is inserted with id @new_id when it is not in the file; the queued ones are
 * written first, so they are found too. */
gint64      _agviz_recorder_db_intern_stack       (AgvizRecorderDb          *self,
                                                   gint64                    parent_id,
                                                   gint64                    frame_id,
                                                   gint64                    new_id,
                                                   GError                  **error);
/* Frames apart, because a new one needs its file checked: the id, 0 when there is none, -1 on
 * failure. */
gint64      _agviz_recorder_db_find_frame         (AgvizRecorderDb          *self,
                                                   const AgvizFrameKey      *frame,
                                                   GError                  **error);
gint64      _agviz_recorder_db_insert_frame       (AgvizRecorderDb          *self,
                                                   const AgvizFrameKey      *frame,
                                                   GError                  **error);

/* Stores a source file's text and its @sha256, or only the hash when @text is NULL; an
 * AGVIZ_RECORDER_ERROR_UNKNOWN_ID error when there is no file @file_id. */
gboolean    _agviz_recorder_db_set_file_text      (AgvizRecorderDb          *self,
                                                   gint64                    file_id,
                                                   const char               *text,
                                                   gsize                     length,
                                                   const char               *sha256,
                                                   GError                  **error);

/* Inserts the row of the next trace of @function_id, status "recording", started now; returns
 * its id. */
gint64      _agviz_recorder_db_insert_trace       (AgvizRecorderDb          *self,
                                                   gint64                    function_id,
                                                   const char               *graph_name,
                                                   const char               *signature,
                                                   const char               *reason,
                                                   gint64                    root_scope_id,
                                                   GError                  **error);
gboolean    _agviz_recorder_db_set_trace          (AgvizRecorderDb          *self,
                                                   gint64                    trace_id,
                                                   AgvizRecorderTraceColumn  column,
                                                   gint64                    value,
                                                   GError                  **error);
/* Writes finished trace @trace whole (scopes, nodes with their edge lists, the aggregates
 * @scope_edges when not NULL, calls) and ends its row, or leaves none of it in the file. */
gboolean    _agviz_recorder_db_write_trace        (AgvizRecorderDb          *self,
                                                   const AgvizTraceBuilder  *trace,
                                                   GArray                   *scope_edges,
                                                   AgvizTraceStatus          status,
                                                   gint64                    wall_ns,
                                                   GError                  **error);

gint64      _agviz_recorder_db_insert_execution   (AgvizRecorderDb          *self,
                                                   gint64                    seq,
                                                   const AgvizExecution     *execution,
                                                   gint64                    op_type_id,
                                                   gint64                    device_id,
                                                   GError                  **error);
gint64      _agviz_recorder_db_insert_event       (AgvizRecorderDb          *self,
                                                   const AgvizEvent         *event,
                                                   GError                  **error);
gint64      _agviz_recorder_db_insert_error       (AgvizRecorderDb          *self,
                                                   const AgvizRecordedError *recorded,
                                                   GError                  **error);

/* Queues a stack entry with an id of the caller's, for a multi-row insert before the commit
 * (nothing reads it before: what names it is written in the same transaction). */
void        _agviz_recorder_db_queue_stack        (AgvizRecorderDb          *self,
                                                   gint64                    id,
                                                   gint64                    parent_id,
                                                   gint64                    frame_id);
/* Starts writing the queued stack entries on another thread, when there are enough of them and
 * a transaction is open. */
void        _agviz_recorder_db_write_stacks_in_background (AgvizRecorderDb *self);

/* Queues a tensor summary and returns its id, given here (the file's largest one on, read in
 * each transaction when its first one comes). */
gint64      _agviz_recorder_db_queue_tensor_summary (AgvizRecorderDb           *self,
                                                     const AgvizTensorSummary  *summary,
                                                     GError                   **error);

G_END_DECLS
