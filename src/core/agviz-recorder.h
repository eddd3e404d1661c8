/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-recorder.h: writes traces and executions into a trace file
 *
 * A trace being recorded is kept in memory (checked call by call: duplicate names, edges between
 * traces, unknown ids) and written with all its scopes, nodes and edges in the transaction that
 * agviz_recorder_end_trace() commits.  So a recording process killed at any moment leaves a file
 * in which every ended trace is complete and no other trace has a single node; at most the row
 * of a trace that never ended may be there (after a flush), in status "recording".  Executions,
 * events and errors between traces are committed at least once a second.  One recorder writes a
 * file at a time.
 *
 * Threads: a recorder belongs to the thread that uses it; any number of AgvizStore readers, in
 * this process or others, may read the file meanwhile.
 */
#pragma once

#include <glib-object.h>

#include "agviz-records.h"
#include "agviz-version-macros.h"

G_BEGIN_DECLS

#define AGVIZ_RECORDER_ERROR (agviz_recorder_error_quark ())

/* Mistakes in the calls themselves; trouble with the file comes as AGVIZ_TRACE_FILE_ERROR. */
typedef enum
{
  AGVIZ_RECORDER_ERROR_INVALID,        /* a value out of range: negative line, empty name, ... */
  AGVIZ_RECORDER_ERROR_UNKNOWN_ID,     /* a function, trace, file, frame or stack that does not exist */
  AGVIZ_RECORDER_ERROR_NOT_RECORDING,  /* a node or edge for a trace that was never begun or has ended */
  AGVIZ_RECORDER_ERROR_DUPLICATE,      /* a second node of that name, a second edge into that input */
  AGVIZ_RECORDER_ERROR_STOPPED,        /* an earlier I/O error rolled back the batch; nothing more is written */
} AgvizRecorderError;

#define AGVIZ_TYPE_RECORDER (agviz_recorder_get_type ())
AGVIZ_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (AgvizRecorder, agviz_recorder, AGVIZ, RECORDER, GObject)

AGVIZ_AVAILABLE_IN_ALL
GQuark         agviz_recorder_error_quark      (void);

/**
 * agviz_recorder_open:
 *
 * Opens @path for recording, creating it when it does not exist.  Refuses files that are not
 * agviz trace files, so a typo never turns somebody's database into one.
 *
 * Returns: (transfer full): the recorder, or %NULL with @error set
 */
AGVIZ_AVAILABLE_IN_ALL
AgvizRecorder *agviz_recorder_open             (const char          *path,
                                                GError             **error);

/* Commits what is pending and closes the file.  Traces still open keep status "recording".
 * Dropping the last reference closes too, but only this call reports errors. */
AGVIZ_AVAILABLE_IN_ALL
gboolean       agviz_recorder_close            (AgvizRecorder       *self,
                                                GError             **error);

/* Commits everything written so far (inside a batch: nothing, see agviz_recorder_begin_batch()).
 * Traces still open stay in memory: their rows, in status "recording", are all that shows. */
AGVIZ_AVAILABLE_IN_ALL
gboolean       agviz_recorder_flush            (AgvizRecorder       *self,
                                                GError             **error);

/* Import batches: between begin_batch and commit_batch nothing is committed, not even at
 * agviz_recorder_end_trace() or agviz_recorder_flush(), so an importer that fails half-way calls
 * rollback_batch and leaves the file exactly as it was (a process that dies inside a batch has
 * the same effect).  A batch starts with no trace open and commits only when all its traces
 * have ended.  Readers see nothing of a batch until it commits.  Closing the recorder inside a
 * batch rolls it back. */
AGVIZ_AVAILABLE_IN_ALL
gboolean       agviz_recorder_begin_batch      (AgvizRecorder       *self,
                                                GError             **error);
AGVIZ_AVAILABLE_IN_ALL
gboolean       agviz_recorder_commit_batch     (AgvizRecorder       *self,
                                                GError             **error);
/* Undoes everything since begin_batch; ids handed out since then are invalid afterwards. */
AGVIZ_AVAILABLE_IN_ALL
gboolean       agviz_recorder_rollback_batch   (AgvizRecorder       *self,
                                                GError             **error);
AGVIZ_AVAILABLE_IN_ALL
gboolean       agviz_recorder_in_batch         (AgvizRecorder       *self);

AGVIZ_AVAILABLE_IN_ALL
gboolean       agviz_recorder_set_metadata     (AgvizRecorder       *self,
                                                const char          *key,
                                                const char          *value,
                                                GError             **error);

/**
 * agviz_recorder_add_file:
 * @host: (nullable): the machine, %NULL for "this machine / unknown"
 *
 * Source files and frames are interned: the same arguments give the same id.
 */
AGVIZ_AVAILABLE_IN_ALL
gint64         agviz_recorder_add_file         (AgvizRecorder       *self,
                                                const char          *host,
                                                const char          *path,
                                                GError             **error);
/**
 * agviz_recorder_set_file_text:
 * @text: (array length=length) (element-type guint8): any bytes, @length -1 for NUL-terminated
 *
 * Stores the file's full text and its SHA-256.
 */
AGVIZ_AVAILABLE_IN_ALL
gboolean       agviz_recorder_set_file_text    (AgvizRecorder       *self,
                                                gint64               file_id,
                                                const char          *text,
                                                gssize               length,
                                                GError             **error);
/* Records only the SHA-256 (64 lowercase hex digits) of a file whose text is not kept, so a
 * reader can still tell whether the file on disk is the one that ran. */
AGVIZ_AVAILABLE_IN_ALL
gboolean       agviz_recorder_set_file_sha256  (AgvizRecorder       *self,
                                                gint64               file_id,
                                                const char          *sha256,
                                                GError             **error);
/**
 * agviz_recorder_add_frame:
 * @function: (nullable): the function the frame is in, %NULL when unknown
 */
AGVIZ_AVAILABLE_IN_ALL
gint64         agviz_recorder_add_frame        (AgvizRecorder       *self,
                                                gint64               file_id,
                                                int                  line,
                                                int                  column,
                                                const char          *function,
                                                GError             **error);
/**
 * agviz_recorder_add_stack:
 * @frame_ids: (array length=n_frames): frame ids, outermost first
 *
 * A stack from @frame_ids, outermost call first (the order Python's traceback prints).
 * Returns the stack's id; stacks sharing outer frames share storage.
 */
AGVIZ_AVAILABLE_IN_ALL
gint64         agviz_recorder_add_stack        (AgvizRecorder       *self,
                                                const gint64        *frame_ids,
                                                guint                n_frames,
                                                GError             **error);
/**
 * agviz_recorder_extend_stack:
 * @frame_ids: (array length=n_frames): frame ids, outermost first
 *
 * The stack made of stack @parent_stack_id (0: none) called on into @frame_ids, outermost
 * first: what agviz_recorder_add_stack() returns for the parent's frames followed by these,
 * without naming the parent's frames again (importers that know a stack's outer part).
 */
AGVIZ_AVAILABLE_IN_ALL
gint64         agviz_recorder_extend_stack     (AgvizRecorder       *self,
                                                gint64               parent_stack_id,
                                                const gint64        *frame_ids,
                                                guint                n_frames,
                                                GError             **error);

/* A staged function, interned by (@name, @file_id, @line); @file_id and @line may be 0. */
AGVIZ_AVAILABLE_IN_ALL
gint64         agviz_recorder_add_function     (AgvizRecorder       *self,
                                                const char          *name,
                                                gint64               file_id,
                                                int                  line,
                                                GError             **error);

/**
 * agviz_recorder_begin_trace:
 * @signature: (nullable): the input signature, as text
 * @reason: (nullable): why the function was traced
 *
 * Starts the next trace of @function_id (its ordinal is one more than the last one's).
 */
AGVIZ_AVAILABLE_IN_ALL
gint64         agviz_recorder_begin_trace      (AgvizRecorder       *self,
                                                gint64               function_id,
                                                const char          *graph_name,
                                                const char          *signature,
                                                const char          *reason,
                                                GError             **error);

/* Sets when tracing began (ns since the Unix epoch), for importers replaying recorded times;
 * by default it is the time of agviz_recorder_begin_trace(). */
AGVIZ_AVAILABLE_IN_ALL
gboolean       agviz_recorder_set_trace_start  (AgvizRecorder       *self,
                                                gint64               trace_id,
                                                gint64               started_ns,
                                                GError             **error);

/* Says which Python object's tf.function made @trace_id (numbered from 1 per recording): TF keeps
 * a tf.function per tf.Module or layer instance.  Unknown unless set. */
AGVIZ_AVAILABLE_IN_ALL
gboolean       agviz_recorder_set_trace_object (AgvizRecorder       *self,
                                                gint64               trace_id,
                                                gint64               object,
                                                GError             **error);

/**
 * agviz_recorder_add_object:
 * @kind: (nullable): what the object is (a SavedModel's "function", "_tf_keras_layer", ...)
 *
 * A node of the module tree functions belong to (tf.Module and Keras layer objects, torch
 * modules): @name is its local name under @parent_id (0 for a root).  Interned by (@parent_id,
 * @name), so the same model imported twice has one tree.  Returns its id.
 */
AGVIZ_AVAILABLE_IN_ALL
gint64         agviz_recorder_add_object       (AgvizRecorder       *self,
                                                gint64               parent_id,
                                                const char          *name,
                                                const char          *kind,
                                                GError             **error);

/* Says @function_id is the function held by @object_id (the object is the function itself,
 * e.g. "encoder/dense/__call__"; its parent owns it). */
AGVIZ_AVAILABLE_IN_ALL
gboolean       agviz_recorder_set_function_object (AgvizRecorder    *self,
                                                gint64               function_id,
                                                gint64               object_id,
                                                GError             **error);

/* The signature Python calls @trace_id with ("(x: float32[?,4])"), beside the graph's own
 * (agviz_recorder_begin_trace()'s, which lists the captured resources too).  May be set after the
 * trace ended. */
AGVIZ_AVAILABLE_IN_ALL
gboolean       agviz_recorder_set_trace_call_signature (AgvizRecorder *self,
                                                gint64               trace_id,
                                                const char          *signature,
                                                GError             **error);

/**
 * agviz_recorder_add_node:
 * @device: (nullable): where the op was placed, %NULL when not placed
 * @attrs: (nullable): the op's attributes, a{sv} (a floating reference is sunk)
 *
 * Adds a node named by its full scoped name ("model/dense/MatMul"): its scopes are created as
 * needed.  @stack_id may be 0.  Returns the node's id.
 */
AGVIZ_AVAILABLE_IN_ALL
gint64         agviz_recorder_add_node         (AgvizRecorder       *self,
                                                gint64               trace_id,
                                                const char          *name,
                                                const char          *op_type,
                                                const char          *device,
                                                GVariant            *attrs,
                                                gint64               stack_id,
                                                GError             **error);

/* The id of the node named @name in an open trace, or 0 (without an error) when there is none. */
AGVIZ_AVAILABLE_IN_ALL
gint64         agviz_recorder_find_node        (AgvizRecorder       *self,
                                                gint64               trace_id,
                                                const char          *name,
                                                GError             **error);

/* Starts writing the stack entries made so far into the file on another thread, inside the
 * open batch, while the caller goes on with work that needs no SQL (adding edges, ending a
 * trace's in-memory part); whatever next needs the file waits for it.  Does nothing outside a
 * batch or for a few entries.  A failure fails the batch, reported by a later call. */
AGVIZ_AVAILABLE_IN_ALL
void           agviz_recorder_write_stacks_in_background (AgvizRecorder *self);

/* Sets (or replaces) the creation stack of node @node_id of open trace @trace_id: importers
 * that learn stacks after the nodes (from a file read on another thread) fill them in before
 * the trace ends.  @stack_id may be 0 (none). */
AGVIZ_AVAILABLE_IN_ALL
gboolean       agviz_recorder_set_node_stack   (AgvizRecorder       *self,
                                                gint64               trace_id,
                                                gint64               node_id,
                                                gint64               stack_id,
                                                GError             **error);

/* An edge inside one open trace: @src_output -1 makes it a control edge.  @dst_input is its
 * position in the consumer's input list and must be unique per consumer. */
AGVIZ_AVAILABLE_IN_ALL
gboolean       agviz_recorder_add_edge         (AgvizRecorder       *self,
                                                gint64               trace_id,
                                                gint64               src_node_id,
                                                int                  src_output,
                                                gint64               dst_node_id,
                                                int                  dst_input,
                                                GError             **error);

/* Says that node @node_id calls the function graph @callee_graph_name through attribute @role
 * ("f", "then_branch", "body", ...).  The callee may be recorded before or after. */
AGVIZ_AVAILABLE_IN_ALL
gboolean       agviz_recorder_add_call         (AgvizRecorder       *self,
                                                gint64               trace_id,
                                                gint64               node_id,
                                                const char          *role,
                                                const char          *callee_graph_name,
                                                GError             **error);

/* Ends a trace (@status COMPLETE or FAILED) and commits it.  @wall_ns is how long tracing took;
 * pass -1 to use the time since begin_trace. */
AGVIZ_AVAILABLE_IN_ALL
gboolean       agviz_recorder_end_trace        (AgvizRecorder       *self,
                                                gint64               trace_id,
                                                AgvizTraceStatus     status,
                                                gint64               wall_ns,
                                                GError             **error);

/* Records a call: set trace_id for a tf.function call or op_type for an eager op.  A seq of 0
 * means "the next one".  Returns the execution's id. */
AGVIZ_AVAILABLE_IN_ALL
gint64         agviz_recorder_add_execution    (AgvizRecorder       *self,
                                                const AgvizExecution *execution,
                                                GError             **error);
AGVIZ_AVAILABLE_IN_ALL
gint64         agviz_recorder_add_tensor_summary (AgvizRecorder     *self,
                                                const AgvizTensorSummary *summary,
                                                GError             **error);
AGVIZ_AVAILABLE_IN_ALL
gint64         agviz_recorder_add_event        (AgvizRecorder       *self,
                                                const AgvizEvent    *event,
                                                GError             **error);
AGVIZ_AVAILABLE_IN_ALL
gint64         agviz_recorder_add_error        (AgvizRecorder       *self,
                                                const AgvizRecordedError *recorded,
                                                GError             **error);

G_END_DECLS
