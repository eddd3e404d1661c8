/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-timeline.h: the executions panel's chart: the calls of each trace over time
 *
 * One lane per trace that was called, one mark per call at its start time and as wide as it
 * took (at least a couple of pixels), red for a failed call, with a red dot above a call whose
 * tensor summaries counted a NaN or an infinity.  Clicking a mark, or Up/Down with the keyboard,
 * emits "trace-activated".  It only draws what the window gives it; it never reads the store.
 */
#pragma once

#include <gtk/gtk.h>

#include "agviz-document.h"

G_BEGIN_DECLS

#define AGVIZ_TYPE_TIMELINE (agviz_timeline_get_type ())
G_DECLARE_FINAL_TYPE (AgvizTimeline, agviz_timeline, AGVIZ, TIMELINE, GtkWidget)

GtkWidget *agviz_timeline_new              (void);
/* Takes the calls of @document (NULL: none); lanes follow the order of its functions' traces. */
void       agviz_timeline_set_document     (AgvizTimeline *self,
                                            AgvizDocument *document);
/* The trace whose lane is highlighted (0: none); emits nothing. */
void       agviz_timeline_set_selected     (AgvizTimeline *self,
                                            gint64         trace_id);
gint64     agviz_timeline_get_selected     (AgvizTimeline *self);
guint      agviz_timeline_get_n_lanes      (AgvizTimeline *self);
guint      agviz_timeline_get_n_marks      (AgvizTimeline *self);
guint      agviz_timeline_get_n_unhealthy  (AgvizTimeline *self);
/* The trace of the mark under widget point (@x, @y), or 0. */
gint64     agviz_timeline_pick             (AgvizTimeline *self,
                                            double         x,
                                            double         y);
/* Where the first mark of @trace_id is drawn (its centre), for tests; FALSE when none. */
gboolean   agviz_timeline_get_mark_point   (AgvizTimeline *self,
                                            gint64         trace_id,
                                            double        *x,
                                            double        *y);

G_END_DECLS
