/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-graph-view.h: the graph canvas, drawing a laid-out scene with GtkSnapshot
 *
 * The widget half of the canvas: it lays out its scene (src/render) whenever the expansion
 * changes (on a worker thread), draws only the boxes and edges inside its viewport (agviz-viewport.h), and turns
 * pointer and keyboard input into viewport and selection changes.  Selecting, expanding and
 * zooming are also functions, so the window's actions and the tests drive the same code as the
 * pointer does.  Properties (notified on change only): "color-by" (AgvizColorBy) and
 * "trace-inputs" (gboolean), the same as the functions of those names.  Main thread only.
 */
#pragma once

#include <gtk/gtk.h>

#include "agviz-drawing.h"
#include "agviz-layout.h"
#include "agviz-viewport.h"

G_BEGIN_DECLS

#define AGVIZ_TYPE_GRAPH_VIEW (agviz_graph_view_get_type ())
G_DECLARE_FINAL_TYPE (AgvizGraphView, agviz_graph_view, AGVIZ, GRAPH_VIEW, GtkWidget)

GtkWidget      *agviz_graph_view_new                (void);

/* Shows @scene (NULL: nothing), laid out at once and zoomed to fit.  FALSE with @error when
 * Graphviz cannot lay it out; the view is then empty.  Later expansion changes (toggling,
 * expanding all, selecting a hidden item) lay out on a worker thread instead: the old drawing
 * stays until the new layout is applied on the main loop. */
gboolean        agviz_graph_view_set_scene          (AgvizGraphView *self,
                                                     AgvizScene     *scene,
                                                     GError        **error);
AgvizScene     *agviz_graph_view_get_scene          (AgvizGraphView *self);
/* The current layout, NULL without a scene (transfer none). */
AgvizLayout    *agviz_graph_view_get_layout         (AgvizGraphView *self);
/* Whether a layout is running on a worker thread: the drawn one is then out of date until the
 * main loop has applied the new one. */
gboolean        agviz_graph_view_get_laying_out     (AgvizGraphView *self);
/* Whether an expand or collapse is being animated. */
gboolean        agviz_graph_view_get_animating      (AgvizGraphView *self);
AgvizViewport  *agviz_graph_view_get_viewport       (AgvizGraphView *self);

/* Boxes drawn by the last snapshot: what the user actually sees. */
guint           agviz_graph_view_get_n_drawn_items  (AgvizGraphView *self);
/* The height in pixels of a box's label line at the current zoom (its font's ascent plus
 * descent, as a browser measures text); 0 when the zoom is too small for labels to be drawn. */
double          agviz_graph_view_get_label_height   (AgvizGraphView *self);

AgvizSceneItem *agviz_graph_view_get_selected       (AgvizGraphView *self);
/* Selects @item (NULL: nothing), expanding its ancestors so that it shows; @center scrolls it
 * into the middle of the view.  Emits ::selection-changed when the selection changes. */
void            agviz_graph_view_select             (AgvizGraphView *self,
                                                     AgvizSceneItem *item,
                                                     gboolean        center);
/* Expands a collapsed item or collapses an expanded one, then lays out again on a worker thread;
 * FALSE with @error when the scene cannot read the item's children. */
gboolean        agviz_graph_view_toggle_expanded    (AgvizGraphView *self,
                                                     AgvizSceneItem *item,
                                                     GError        **error);
void            agviz_graph_view_expand_all         (AgvizGraphView *self);
void            agviz_graph_view_collapse_all       (AgvizGraphView *self);

void            agviz_graph_view_zoom_in            (AgvizGraphView *self);
void            agviz_graph_view_zoom_out           (AgvizGraphView *self);
void            agviz_graph_view_zoom_reset         (AgvizGraphView *self);
void            agviz_graph_view_zoom_to_fit        (AgvizGraphView *self);

/* Fills boxes like `agviz render --color-by` (agviz-coloring.h); the legend of the drawing is
 * drawn in the corner, by the SVG's rule (agviz-legend.h; none for AGVIZ_COLOR_BY_NONE). */
void            agviz_graph_view_set_color_by       (AgvizGraphView *self,
                                                     AgvizColorBy    color_by);
AgvizColorBy    agviz_graph_view_get_color_by       (AgvizGraphView *self);
/* Highlights @diff's changes (nullable: none), when the scene shown is its second trace. */
void            agviz_graph_view_set_diff           (AgvizGraphView *self,
                                                     AgvizGraphDiff *diff);
/* What AGVIZ_COLOR_BY_TIME colours with: op type -> mean duration in ns (gint64 *), as
 * agviz_document_get_op_timings() reads it; NULL or empty: the legend says there are none. */
void            agviz_graph_view_set_op_timings     (AgvizGraphView *self,
                                                     GHashTable     *op_timings);
/* The fill a closed @item gets now, in the current palette; returns whether that is the dark
 * palette (the theme's text is light). */
gboolean        agviz_graph_view_get_item_fill      (AgvizGraphView       *self,
                                                     const AgvizSceneItem *item,
                                                     GdkRGBA              *fill);
gboolean        agviz_graph_view_get_dark           (AgvizGraphView *self);
/* The legend's lines, each ending in a newline (transfer full). */
char           *agviz_graph_view_dup_legend_text    (AgvizGraphView *self);

/* Trace inputs: highlights the selection's transitive inputs, following the visible edges
 * backwards (an edge into a box around a traced item counts for it). */
void            agviz_graph_view_set_trace_inputs   (AgvizGraphView *self,
                                                     gboolean        trace_inputs);
gboolean        agviz_graph_view_get_trace_inputs   (AgvizGraphView *self);
gboolean        agviz_graph_view_is_traced          (AgvizGraphView       *self,
                                                     const AgvizSceneItem *item);
/* The selection and its traced inputs; 0 while tracing is off or nothing is selected. */
guint           agviz_graph_view_get_n_traced       (AgvizGraphView *self);

/* Annotations (agviz_scene_item_get_annotations()) are drawn beside their closed box once the
 * zoom makes their text readable.  How many the last frame drew; where the one @annotation is
 * drawn, in view pixels (FALSE when it is not: zoomed out, folded into "… N more", or its box is
 * open); and which one is under view pixel (@view_x, @view_y), or NULL (transfer none). */
guint           agviz_graph_view_get_n_drawn_annotations (AgvizGraphView *self);
gboolean        agviz_graph_view_get_annotation_point (AgvizGraphView       *self,
                                                       const AgvizSceneItem *annotation,
                                                       double               *view_x,
                                                       double               *view_y);
AgvizSceneItem *agviz_graph_view_pick_annotation    (AgvizGraphView *self,
                                                     double          view_x,
                                                     double          view_y);

G_END_DECLS
