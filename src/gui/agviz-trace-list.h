/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-trace-list.h: the sidebar's list of the session's document's functions, each followed
 * by its traces (ordinal, size, calls, tracing time, signature, status and problem badges).
 * The row of the session's trace is the selected one; selecting another emits
 * ::trace-selected, and the window shows that trace. */
#pragma once

#include <gtk/gtk.h>

#include "agviz-session.h"

G_BEGIN_DECLS

#define AGVIZ_TYPE_TRACE_LIST (agviz_trace_list_get_type ())
G_DECLARE_FINAL_TYPE (AgvizTraceList, agviz_trace_list, AGVIZ, TRACE_LIST, GtkWidget)

/* Lists @session's document, following it and the trace it shows. */
void   agviz_trace_list_set_session           (AgvizTraceList *self,
                                               AgvizSession   *session);
/* Lists the document again: after its findings were made again, which the badges count. */
void   agviz_trace_list_reload                (AgvizTraceList *self);
/* The trace whose row is selected, 0 when none. */
gint64 agviz_trace_list_get_selected_trace_id (AgvizTraceList *self);

G_END_DECLS
