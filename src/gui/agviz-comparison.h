/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-comparison.h: a trace next to the first trace of its function: each trace's signature
 * and the variables it created, with the line that created each (for a finding about a
 * variable made on a later trace), and the nodes added, removed and changed from the first
 * (agviz-graph-diff.h), which the session's diff then highlights on the canvas.  Activating a
 * variable's line emits ::source-activated; activating a change selects its node. */
#pragma once

#include <gtk/gtk.h>

#include "agviz-session.h"

G_BEGIN_DECLS

#define AGVIZ_TYPE_COMPARISON (agviz_comparison_get_type ())
G_DECLARE_FINAL_TYPE (AgvizComparison, agviz_comparison, AGVIZ, COMPARISON, GtkWidget)

/* Reads the traces from @session's document. */
void     agviz_comparison_set_session  (AgvizComparison *self,
                                        AgvizSession    *session);
/* Shows trace @trace_id beside its function's first trace, with what @diagnostic (nullable: the
 * finding it was opened from) knows of variables made outside the graph.  FALSE, showing
 * nothing, when the document has no such trace. */
gboolean agviz_comparison_show         (AgvizComparison *self,
                                        gint64           trace_id,
                                        AgvizDiagnostic *diagnostic);
/* Shows the same again, reading the source lines afresh (after source folders were mapped). */
void     agviz_comparison_reload       (AgvizComparison *self);
/* Selects node @node (its full name) of the later trace in the graph, showing that trace first
 * if another is shown: what activating a row of the changes does.  FALSE when there is no such
 * node. */
gboolean agviz_comparison_select_change (AgvizComparison *self,
                                         const char      *node);
/* The trace shown beside the first, 0 when none. */
gint64   agviz_comparison_get_trace_id (AgvizComparison *self);

G_END_DECLS
