/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-recorder-caches.h: the ids the recorder has interned, kept in memory (internal)
 *
 * Op types, devices, frames, stack entries, functions and attribute sets are interned: the same
 * values give the same id.  Looking them up in memory first means the common case of a node
 * costs a few hash lookups and no SQL.  A miss falls back to the file (a look-up, else an insert),
 * so a recorder reopening an existing file reuses what is there instead of writing duplicates;
 * a key that involves a row this session made (an id above the file's largest when the session
 * began) cannot be in the file yet, and skips that look-up.  The caches also remember which
 * stacks and traces are known to exist, so references to them are checked once.
 */
#pragma once

#include <glib.h>

#include "agviz-recorder-db.h"

G_BEGIN_DECLS

typedef struct _AgvizRecorderCaches AgvizRecorderCaches;

/* What an attribute dictionary was interned as. */
typedef struct
{
  gint64 attr_set_id;        /* 0: no attributes */
  gint64 output_elements;    /* of output 0, from "_output_shapes"; -1 unknown */
} AgvizAttrsInfo;

AgvizRecorderCaches *_agviz_recorder_caches_new  (void);
void       _agviz_recorder_caches_free           (AgvizRecorderCaches           *self);
/* Forgets every id (after a rollback they may name rows that are gone; the caches refill from the
 * file on the next miss) and takes @largest as the ids made before this session. */
void       _agviz_recorder_caches_reset          (AgvizRecorderCaches           *self,
                                                  const AgvizRecorderLargestIds *largest);

/* The interning calls return the id, or 0 with @error set.  @names: op types or devices. */
gint64     _agviz_recorder_caches_intern_name    (AgvizRecorderCaches           *self,
                                                  AgvizRecorderDb               *db,
                                                  AgvizRecorderNames             names,
                                                  const char                    *name,
                                                  GError                       **error);
/* @host "" for unknown. */
gint64     _agviz_recorder_caches_intern_file    (AgvizRecorderCaches           *self,
                                                  AgvizRecorderDb               *db,
                                                  const char                    *host,
                                                  const char                    *path,
                                                  GError                       **error);
/* *@inserted says whether a row was added to the file.  The frame's file must exist. */
gint64     _agviz_recorder_caches_intern_frame   (AgvizRecorderCaches           *self,
                                                  AgvizRecorderDb               *db,
                                                  const AgvizFrameKey           *frame,
                                                  gboolean                      *inserted,
                                                  GError                       **error);
/* *@looked_up says whether the file was asked (the function was not known in memory). */
gint64     _agviz_recorder_caches_intern_function (AgvizRecorderCaches          *self,
                                                   AgvizRecorderDb              *db,
                                                   const char                   *name,
                                                   gint64                        file_id,
                                                   int                           line,
                                                   gboolean                     *looked_up,
                                                   GError                      **error);
/* The stack of @parent_stack_id (0: none, already checked) called on into @frame_ids, outermost
 * first; every frame must exist. */
gint64     _agviz_recorder_caches_extend_stack   (AgvizRecorderCaches           *self,
                                                  AgvizRecorderDb               *db,
                                                  gint64                         parent_stack_id,
                                                  const gint64                  *frame_ids,
                                                  guint                          n_frames,
                                                  GError                       **error);

/* What attribute dictionary @attrs (this very instance: importers pass one instance for every
 * node with the same attributes) was interned as, or NULL when it is new. */
const AgvizAttrsInfo *_agviz_recorder_caches_lookup_attrs (AgvizRecorderCaches  *self,
                                                           GVariant             *attrs);
/* Interns a{sv} @attrs, unless @known (what _lookup_attrs() said) has it already. */
const AgvizAttrsInfo *_agviz_recorder_caches_intern_attrs (AgvizRecorderCaches   *self,
                                                           AgvizRecorderDb       *db,
                                                           GVariant              *attrs,
                                                           const AgvizAttrsInfo  *known,
                                                           GError               **error);

/* Whether stack @stack_id is known to exist without asking the file. */
gboolean   _agviz_recorder_caches_stack_is_known (AgvizRecorderCaches           *self,
                                                  gint64                         stack_id);
/* Whether @stack_id is 0 (none) or names a stack, looked for in the file only the first time. */
gboolean   _agviz_recorder_caches_check_stack    (AgvizRecorderCaches           *self,
                                                  AgvizRecorderDb               *db,
                                                  gint64                         stack_id,
                                                  GError                       **error);
gboolean   _agviz_recorder_caches_trace_is_known (AgvizRecorderCaches           *self,
                                                  gint64                         trace_id);
/* Whether @trace_id names a trace, looked for in the file only the first time. */
gboolean   _agviz_recorder_caches_check_trace    (AgvizRecorderCaches           *self,
                                                  AgvizRecorderDb               *db,
                                                  gint64                         trace_id,
                                                  GError                       **error);
void       _agviz_recorder_caches_add_trace      (AgvizRecorderCaches           *self,
                                                  gint64                         trace_id);

/* The op types interned that have a reference input: id -> that input + 1 (transfer full), for
 * _agviz_scope_edges_aggregate(). */
GHashTable *_agviz_recorder_caches_list_reference_inputs (AgvizRecorderCaches *self);

G_END_DECLS
