/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-document.h: one opened trace file, as the app's windows see it
 *
 * Holds the store, its source map, the functions with their traces, and the checker's
 * diagnostics.  Loading (opening the file, listing functions, running every check) happens on a
 * worker thread through agviz_document_load_async(); the finished document, store included, is
 * handed to the main thread and used only there from then on (a store belongs to one thread at a
 * time, agviz-store.h).
 */
#pragma once

#include <gio/gio.h>

#include "agviz-core.h"

G_BEGIN_DECLS

#define AGVIZ_TYPE_DOCUMENT (agviz_document_get_type ())
G_DECLARE_FINAL_TYPE (AgvizDocument, agviz_document, AGVIZ, DOCUMENT, GObject)

/* Opens @file and reads what the window shows first.  Sources that are not trace files yet are
 * passed through agviz_document_import_source(). */
AgvizDocument  *agviz_document_load              (GFile                *file,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
void            agviz_document_load_async        (GFile                *file,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
AgvizDocument  *agviz_document_load_finish       (GAsyncResult         *result,
                                                  GError              **error);

/* The trace file to open for @file: @file itself when it is one; SavedModel directories, event
 * files and log directories, tfdbg2 dumps and GraphDefs are imported into a new trace file in
 * the user's cache folder, which the document removes when it goes (transfer full).  Blocks:
 * call it from a worker thread, as agviz_document_load_async() does. */
char           *agviz_document_import_source     (GFile                *file,
                                                  GCancellable         *cancellable,
                                                  GError              **error);

GFile          *agviz_document_get_file          (AgvizDocument        *self);
/* The file's name for titles (transfer none). */
const char     *agviz_document_get_title         (AgvizDocument        *self);
AgvizStore     *agviz_document_get_store         (AgvizDocument        *self);
AgvizSourceMap *agviz_document_get_source_map    (AgvizDocument        *self);
/* Maps @recorded_folder (as the recording machine named it) to @local_folder for every source
 * the document shows, and keeps the mapping for the next time this file is opened
 * (agviz-source-roots.h).  The mapping is used either way: FALSE only says it could not be kept.
 * The diagnostics were made before it: agviz_document_recheck_async() makes them again. */
gboolean        agviz_document_add_source_root   (AgvizDocument        *self,
                                                  const char           *recorded_folder,
                                                  const char           *local_folder,
                                                  GError              **error);
/* The source folder mappings in use, kept ones first (element-type AgvizSourceRoot, transfer
 * none). */
GPtrArray      *agviz_document_get_source_roots  (AgvizDocument        *self);
/* Runs the checks again, with the source folders mapped now, on a worker thread with a store of
 * its own; finishing (on the calling thread) replaces the diagnostics model, so a list bound to
 * the old one must be bound again. */
void            agviz_document_recheck_async     (AgvizDocument        *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean        agviz_document_recheck_finish    (AgvizDocument        *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
/* Element-type AgvizFunction, each with its traces (transfer none). */
GPtrArray      *agviz_document_get_functions     (AgvizDocument        *self);
/* The trace with @trace_id among the functions, or NULL (transfer none). */
AgvizTrace     *agviz_document_find_trace        (AgvizDocument        *self,
                                                  gint64                trace_id,
                                                  AgvizFunction       **function);
/* Of AgvizDiagnostic (transfer none). */
GListModel     *agviz_document_get_diagnostics   (AgvizDocument        *self);
/* How many diagnostics point at @trace_id, and the worst severity among them (-1: none). */
guint           agviz_document_count_diagnostics (AgvizDocument        *self,
                                                  gint64                trace_id,
                                                  int                  *worst_severity);
/* The module tree functions belong to (element-type AgvizObject, parents first; transfer none):
 * empty unless the file came from a source that knows one, such as a SavedModel. */
GPtrArray      *agviz_document_get_objects       (AgvizDocument        *self);
/* The trace to show first, as `agviz render` picks it: a SavedModel's serving_default signature,
 * else the largest complete trace; 0 when the file holds none. */
gint64          agviz_document_get_initial_trace (AgvizDocument        *self);
/* The calls of traces (tf.function executions, not eager ops) in call order, at most the first
 * 100,000 (element-type AgvizExecution, transfer none). */
GPtrArray      *agviz_document_get_executions    (AgvizDocument        *self);
/* Op type -> mean duration in ns (gint64 *) of the file's eager runs of that op type: the only
 * per-op timings a trace file holds; empty when it has none (transfer none). */
GHashTable     *agviz_document_get_op_timings    (AgvizDocument        *self);
/* Whether a tensor summary of @execution_id counted a NaN or an infinity. */
gboolean        agviz_document_execution_is_unhealthy (AgvizDocument   *self,
                                                  gint64                execution_id);
/* FALSE when the document shows a copy imported from another format (nothing to watch). */
gboolean        agviz_document_is_trace_file     (AgvizDocument        *self);

G_END_DECLS
