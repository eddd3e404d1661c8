/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-minimap.h: the whole graph in small, in a corner of the canvas
 *
 * Draws the boxes of the graph view's layout scaled to fit, with the part in view outlined;
 * pressing or dragging in it centres the canvas there.  It follows the graph view's viewport.
 */
#pragma once

#include "agviz-graph-view.h"

G_BEGIN_DECLS

#define AGVIZ_TYPE_MINIMAP (agviz_minimap_get_type ())
G_DECLARE_FINAL_TYPE (AgvizMinimap, agviz_minimap, AGVIZ, MINIMAP, GtkWidget)

GtkWidget *agviz_minimap_new            (void);
void       agviz_minimap_set_graph_view (AgvizMinimap   *self,
                                         AgvizGraphView *graph_view);
/* Centres the canvas on what minimap point (@x, @y) shows, as a click does. */
void       agviz_minimap_move_to        (AgvizMinimap   *self,
                                         double          x,
                                         double          y);

G_END_DECLS
