/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-debug-info.h: creation stacks from a GraphDebugInfo, as recorder stacks
 *
 * Reads both layouts: the old `traces` map (frames innermost first, as TensorFlow's Python
 * writer stored them) and the new `frames_by_id`/`traces_by_id`/`name_to_trace_id` tables
 * (frames outermost first, checked against a TF 2.16 SavedModel).  Keys are "node@function",
 * with "node@" or plain "node" for the top-level graph.  Stacks are recorded outermost first.
 * Source files the frames name are looked for on disk (as written, beside the source, or by
 * base name beside it) and their text stored when found.
 */
#pragma once

#include "agviz-core.h"
#include "agviz-tf-graph.pb-c.h"

G_BEGIN_DECLS

typedef struct _AgvizDebugInfo AgvizDebugInfo;

/* Takes ownership of @info (freed with agviz_proto_free()).  @source_dir: where to look for
 * the source files its frames name (may be NULL). */
AgvizDebugInfo *agviz_debug_info_new        (AgvizTf__GraphDebugInfo  *info,
                                             const char               *source_dir);
/* Reads a binary or text GraphDebugInfo file. */
AgvizDebugInfo *agviz_debug_info_load       (const char               *path,
                                             GError                  **error);
/* Starts reading @path on a worker thread and returns at once; every other call (and
 * agviz_debug_info_wait(), which says whether the file could be read) waits for it to end.
 * Nothing else may use the object from another thread meanwhile. */
AgvizDebugInfo *agviz_debug_info_load_in_background (const char       *path);
/* Waits for a background load; FALSE with the reason when the file could not be read. */
gboolean        agviz_debug_info_wait       (AgvizDebugInfo           *self,
                                             GError                  **error);
void            agviz_debug_info_free       (AgvizDebugInfo           *self);

/* Number of keys (nodes) it has stacks for. */
guint           agviz_debug_info_get_n_keys (AgvizDebugInfo           *self);

/* The stack of @node in @function (NULL: the top-level graph), recorded through @recorder;
 * 0 without an error when there is none. */
gint64          agviz_debug_info_get_stack  (AgvizDebugInfo           *self,
                                             AgvizRecorder            *recorder,
                                             const char               *node,
                                             const char               *function,
                                             GError                  **error);

/* agviz_debug_info_get_stack() in two halves, for many nodes: the first finds @node's stack
 * and records the frames it needs (where SQL may be needed); it returns a handle (0 without an
 * error: none).  The second records the stack itself from the handle, which for stacks read
 * from a binary GraphDebugInfo into a new part of the file needs no SQL, so it can go on while
 * agviz_recorder_write_stacks_in_background() writes.  Call the second in the same order as the
 * first, with nothing else recorded through @self between the first calls and the last second
 * one; the ids are those agviz_debug_info_get_stack() node by node would give. */
gint64          agviz_debug_info_find_stack (AgvizDebugInfo           *self,
                                             AgvizRecorder            *recorder,
                                             const char               *node,
                                             const char               *function,
                                             GError                  **error);
gint64          agviz_debug_info_record_stack (AgvizDebugInfo         *self,
                                               AgvizRecorder          *recorder,
                                               gint64                  handle,
                                               GError                **error);

/* Source files whose text was stored so far. */
guint           agviz_debug_info_get_n_texts (AgvizDebugInfo          *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizDebugInfo, agviz_debug_info_free)

G_END_DECLS
