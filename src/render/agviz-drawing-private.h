/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-drawing-private.h: what the SVG writer shares with the Graphviz exporter */
#pragma once

#include "agviz-drawing.h"

G_BEGIN_DECLS

/* What every writer reads, gathered once by agviz_drawing_write(). */
typedef struct
{
  AgvizLayout               *layout;
  AgvizScene                *scene;
  GPtrArray                 *visible;    /* the layout's visible items, the root first */
  GPtrArray                 *expanded;   /* agviz_scene_list_expanded() */
  AgvizColoring             *coloring;
  const AgvizDrawingOptions *options;
} AgvizDrawingInput;

const char *_agviz_drawing_fill            (const AgvizSceneItem      *item,
                                            AgvizColorBy               color_by);
char       *_agviz_drawing_dup_title       (AgvizScene                *scene,
                                            const AgvizSceneItem      *item);
char       *_agviz_drawing_dup_annotation_label (AgvizScene           *scene,
                                               const AgvizSceneItem *annotation);
char       *_agviz_drawing_dup_annotation_title (AgvizScene           *scene,
                                               const AgvizSceneItem *annotation);
char       *_agviz_drawing_dup_subtitle    (const AgvizSceneItem      *item);
/* How many characters of a title fit across an open box @box_width points wide. */
guint       _agviz_drawing_title_chars     (double                     box_width);
double      _agviz_drawing_edge_width      (const AgvizSceneEdge      *edge);
gboolean    _agviz_drawing_write_graphviz  (const AgvizDrawingInput   *input,
                                            AgvizDrawingFormat         format,
                                            FILE                      *out,
                                            GError                   **error);

G_END_DECLS
