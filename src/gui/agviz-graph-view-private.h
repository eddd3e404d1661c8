/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-graph-view-private.h: the graph view's state, shared by its two files
 *
 * agviz-graph-view.c is the widget: its properties, input, public functions and the layout's
 * lifecycle (laid out at once for a new scene, on a worker thread after expansion changes).
 * agviz-graph-view-draw.c paints the layout: the cached picture of the boxes and edges, what is
 * drawn over it each frame, and the legend.
 */
#pragma once

#include "agviz-box-animation.h"
#include "agviz-canvas-picture.h"
#include "agviz-graph-view.h"
#include "agviz-input-trace.h"

G_BEGIN_DECLS

typedef struct
{
  AgvizSceneItem *item;
  AgvizLayoutBox  box;
} AgvizDrawnBox;

struct _AgvizGraphView
{
  GtkWidget           parent_instance;

  AgvizScene         *scene;
  AgvizLayout        *layout;
  AgvizViewport      *viewport;
  GPtrArray          *visible;            /* the layout's visible items, parents first */
  GArray             *boxes;              /* AgvizDrawnBox, the visible items but the root */
  GArray             *edges;              /* AgvizLayoutEdge */

  /* The cached picture of the region around the view (agviz-graph-view-draw.c). */
  AgvizCanvasPicture  content;
  guint               widen_source;       /* a picture of the view only, widened once zooming stops */

  /* Layout on a worker thread: the old drawing stays until the new layout is applied. */
  GCancellable       *layout_cancellable;
  gboolean            fit_after_layout;
  gboolean            center_after_layout;
  AgvizSceneItem     *toggled;            /* animated when its new layout is applied */
  AgvizLayoutBox      toggled_from;
  AgvizBoxAnimation   animation;

  AgvizSceneItem     *selected;
  AgvizSceneItem     *hovered;
  guint               n_drawn_items;
  guint               n_drawn_annotations;
  gboolean            fit_on_allocate;    /* zoom to fit waits for the first size */
  gboolean            frame_on_allocate;  /* a new scene's first view waits for the first size */

  AgvizColorBy        color_by;
  GHashTable         *op_timings;         /* op type -> mean duration in ns (gint64 *), or NULL */
  AgvizColoring      *coloring;           /* of color_by and op_timings */
  GArray             *legend;             /* the legend's lines, for the colouring and layout */
  gboolean            trace_inputs;
  AgvizInputTrace    *traced;             /* the selection and its inputs, while tracing */
  gboolean            dark;               /* the theme's text is light: draw the dark palette */

  double              pointer_x;
  double              pointer_y;
  double              drag_last_x;
  double              drag_last_y;
  double              pinch_start_zoom;
};

/* agviz-graph-view-draw.c */
void     _agviz_graph_view_snapshot             (GtkWidget      *widget,
                                                 GtkSnapshot    *snapshot);
/* The fill a closed @item gets now, in the theme's palette. */
GdkRGBA  _agviz_graph_view_get_fill             (AgvizGraphView       *self,
                                                 const AgvizSceneItem *item);
/* Throws the cached picture away: the next frame draws it again. */
void     _agviz_graph_view_invalidate_content   (AgvizGraphView *self);
/* Follows the theme's foreground into the dark or the light palette. */
void     _agviz_graph_view_update_dark          (AgvizGraphView *self);
/* The legend's lines for the current colouring and layout. */
void     _agviz_graph_view_update_legend        (AgvizGraphView *self);
void     _agviz_graph_view_clear_legend         (AgvizGraphView *self);
/* Whether the zoom makes annotations' text readable: they are drawn and picked only then. */
gboolean _agviz_graph_view_annotations_readable (AgvizGraphView *self);

G_END_DECLS
