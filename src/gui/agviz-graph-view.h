/* agviz-graph-view.h: the graph canvas, drawing a laid-out scene with GtkSnapshot
 *
 * The widget half of the canvas: it lays out its scene (src/render) whenever the expansion
 * changes, draws only the boxes and edges inside its viewport (agviz-viewport.h), and turns
 * pointer and keyboard input into viewport and selection changes.  Selecting, expanding and
 * zooming are also functions, so the window's actions and the tests drive the same code as the
 * pointer does.  Main thread only.
 */
#pragma once

#include <gtk/gtk.h>

#include "agviz-layout.h"
#include "agviz-viewport.h"

G_BEGIN_DECLS

#define AGVIZ_TYPE_GRAPH_VIEW (agviz_graph_view_get_type ())
G_DECLARE_FINAL_TYPE (AgvizGraphView, agviz_graph_view, AGVIZ, GRAPH_VIEW, GtkWidget)

GtkWidget      *agviz_graph_view_new                (void);

/* Shows @scene (NULL: nothing), laid out at once and zoomed to fit.  FALSE with @error when
 * Graphviz cannot lay it out; the view is then empty. */
gboolean        agviz_graph_view_set_scene          (AgvizGraphView *self,
                                                     AgvizScene     *scene,
                                                     GError        **error);
AgvizScene     *agviz_graph_view_get_scene          (AgvizGraphView *self);
/* The current layout, NULL without a scene (transfer none). */
AgvizLayout    *agviz_graph_view_get_layout         (AgvizGraphView *self);
AgvizViewport  *agviz_graph_view_get_viewport       (AgvizGraphView *self);

/* Boxes drawn by the last snapshot: what the user actually sees. */
guint           agviz_graph_view_get_n_drawn_items  (AgvizGraphView *self);

AgvizSceneItem *agviz_graph_view_get_selected       (AgvizGraphView *self);
/* Selects @item (NULL: nothing), expanding its ancestors so that it shows; @center scrolls it
 * into the middle of the view.  Emits ::selection-changed when the selection changes. */
void            agviz_graph_view_select             (AgvizGraphView *self,
                                                     AgvizSceneItem *item,
                                                     gboolean        center);
/* Expands a collapsed item or collapses an expanded one, then lays out again. */
gboolean        agviz_graph_view_toggle_expanded    (AgvizGraphView *self,
                                                     AgvizSceneItem *item,
                                                     GError        **error);
void            agviz_graph_view_expand_all         (AgvizGraphView *self);
void            agviz_graph_view_collapse_all       (AgvizGraphView *self);

void            agviz_graph_view_zoom_in            (AgvizGraphView *self);
void            agviz_graph_view_zoom_out           (AgvizGraphView *self);
void            agviz_graph_view_zoom_reset         (AgvizGraphView *self);
void            agviz_graph_view_zoom_to_fit        (AgvizGraphView *self);

G_END_DECLS
