/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-recorder-private.h: what the recorder's parts share, and its settings for tests
 *
 * The recorder is written in parts: agviz-recorder.c (the calls and the batch), agviz-recorder-db.c
 * (all of its SQL), agviz-recorder-caches.c (the ids interned in memory), agviz-trace-builder.c
 * (an open trace in memory) and agviz-scope-edges.c (the per-scope edge aggregates).
 */
#pragma once

#include "agviz-recorder.h"

G_BEGIN_DECLS

/* Per-scope edge aggregates (table scope_edges) are written only for traces of at least this many
 * nodes: smaller traces are read whole by the scene (AGVIZ_SCOPE_EDGES_MIN_NODES, a few
 * milliseconds), and the aggregates would cost them about a tenth of the recording time.  Tests
 * that check the aggregates, or the scene's per-scope read against its whole read, set 0. */
void     _agviz_recorder_set_scope_edges_min_nodes (AgvizRecorder *self,
                                                    guint          min_nodes);

/* Sets @error in AGVIZ_RECORDER_ERROR and returns FALSE, for `return _agviz_recorder_fail (...)`. */
gboolean _agviz_recorder_fail                      (GError       **error,
                                                    int            code,
                                                    const char    *format,
                                                    ...) G_GNUC_PRINTF (3, 4);

/* Ids are packed into pointer-sized hash keys. */
G_STATIC_ASSERT (sizeof (gpointer) == sizeof (guint64));

static inline gpointer
_agviz_id_to_key (guint64 id)
{
  return (gpointer) (guintptr) id;
}

static inline gint64
_agviz_key_to_id (gconstpointer key)
{
  return (gint64) (guintptr) key;
}

/* A GHashFunc for packed ids: the finaliser of MurmurHash3, which mixes the high half in, unlike
 * g_direct_hash. */
static inline guint
_agviz_hash_u64_key (gconstpointer key)
{
  guint64 value = (guint64) (guintptr) key;

  value ^= value >> 33;
  value *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  value ^= value >> 33;
  return (guint) value;
}

G_END_DECLS
