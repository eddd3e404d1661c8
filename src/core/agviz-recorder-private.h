/* agviz-recorder-private.h: recorder settings for tests and fixture writers */
#pragma once

#include "agviz-recorder.h"

G_BEGIN_DECLS

/* Per-scope edge aggregates (table scope_edges) are written only for traces of at least this many
 * nodes: smaller traces are read whole by the scene (AGVIZ_SCOPE_EDGES_MIN_NODES, a few
 * milliseconds), and the aggregates would cost them about a tenth of the recording time.  Tests
 * that check the aggregates, or the scene's per-scope read against its whole read, set 0. */
void   _agviz_recorder_set_scope_edges_min_nodes (AgvizRecorder *self,
                                                  guint          min_nodes);

G_END_DECLS
