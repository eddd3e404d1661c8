/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-input-trace.h: the inputs of a selected box, followed backwards through a drawing
 *
 * "Trace inputs" in the app: the selection's transitive inputs among the boxes drawn, found by
 * walking the drawn metaedges (agviz_layout_list_edges()) backwards from it.  An edge into a box
 * that encloses a traced item counts as an input of that item: at that level of the drawing
 * nothing says which member of the box it feeds, so the walk errs on showing too much rather
 * than hiding a real input.  No GTK; made once per layout and selection, never per frame.
 */
#pragma once

#include "agviz-layout.h"

G_BEGIN_DECLS

typedef struct _AgvizInputTrace AgvizInputTrace;

/* The inputs of @selected along @edges (element-type AgvizLayoutEdge, read now only). */
AgvizInputTrace *agviz_input_trace_new          (GArray                *edges,
                                                 AgvizSceneItem        *selected);
void             agviz_input_trace_free         (AgvizInputTrace       *self);
/* Whether @item is the selection or one of its inputs. */
gboolean         agviz_input_trace_contains     (const AgvizInputTrace *self,
                                                 const AgvizSceneItem  *item);
/* Whether the edge at @index of the edges it was made from leads into the selection. */
gboolean         agviz_input_trace_has_edge     (const AgvizInputTrace *self,
                                                 guint                  index);
/* The selection and its inputs. */
guint            agviz_input_trace_get_n_items  (const AgvizInputTrace *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizInputTrace, agviz_input_trace_free)

G_END_DECLS
