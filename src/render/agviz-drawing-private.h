/* agviz-drawing-private.h: what the SVG writer shares with the Graphviz exporter */
#pragma once

#include "agviz-drawing.h"

G_BEGIN_DECLS

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
gboolean    _agviz_drawing_write_graphviz  (AgvizLayout               *layout,
                                            AgvizDrawingFormat         format,
                                            const AgvizDrawingOptions *options,
                                            FILE                      *out,
                                            GError                   **error);

/* Held around every use of Graphviz: its layout and rendering keep global state, and layouts run
 * on worker threads (agviz_layout_new_async()). */
void        _agviz_graphviz_lock           (void);
void        _agviz_graphviz_unlock         (void);

G_END_DECLS
