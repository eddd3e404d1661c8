/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-op-timings.h: how long each op type takes, as the trace file measured it
 *
 * The per-op times a trace file holds are those of its executions that ran one op rather than a
 * trace: eager ops (tfdbg2's Execution events) and the nodes of RunMetadata step stats.  Their
 * mean per op type is what colouring by time shows on graph nodes of that type, in `agviz
 * render --color-by time` and in the app alike.  Plain data, any thread.
 */
#pragma once

#include "agviz-store.h"

G_BEGIN_DECLS

/* How many executions the timings are read from at most: the first ones, the same the app's
 * timeline reads, so that the app and `agviz render` colour a big file alike. */
#define AGVIZ_OP_TIMINGS_MAX_EXECUTIONS 100000

/* Op type -> mean duration in ns (gint64 *) of the executions among @executions (element-type
 * AgvizExecution) that ran one op and took a measurable time; empty when none did
 * (transfer full). */
GHashTable *agviz_op_timings_from_executions (GPtrArray   *executions);

/* The same over the first AGVIZ_OP_TIMINGS_MAX_EXECUTIONS executions of @store's file
 * (transfer full); NULL with @error when they cannot be read. */
GHashTable *agviz_op_timings_read            (AgvizStore  *store,
                                              GError     **error);

G_END_DECLS
