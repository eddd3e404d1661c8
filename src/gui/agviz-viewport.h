/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-viewport.h: which part of a laid-out graph a canvas shows, and at what zoom
 *
 * The model half of the graph canvas (the widget half is agviz-graph-view.c): zoom and offset,
 * conversion between view pixels and layout points, zooming around the pointer, zoom to fit, and
 * finding the item under a point.  No GTK here, so all of it is tested without a display
 * (tests/gui/test-viewport.c).  Layout points are those of agviz-layout.h (y down, origin top left);
 * view pixels are the widget's coordinates.  view = (content - offset) * zoom.
 *
 * Threads: one thread, like the layout it picks in.
 */
#pragma once

#include <glib-object.h>

#include "agviz-layout.h"

G_BEGIN_DECLS

#define AGVIZ_VIEWPORT_MIN_ZOOM 0.002
#define AGVIZ_VIEWPORT_MAX_ZOOM 8.0

#define AGVIZ_TYPE_VIEWPORT (agviz_viewport_get_type ())
G_DECLARE_FINAL_TYPE (AgvizViewport, agviz_viewport, AGVIZ, VIEWPORT, GObject)

AgvizViewport  *agviz_viewport_new               (void);

/* The size of what is shown (layout points) and of the widget showing it (pixels).  Both keep the
 * offset clamped so that some of the content always stays in view. */
void            agviz_viewport_set_content_size  (AgvizViewport *self,
                                                  double         width,
                                                  double         height);
void            agviz_viewport_get_content_size  (AgvizViewport *self,
                                                  double        *width,
                                                  double        *height);
void            agviz_viewport_set_view_size     (AgvizViewport *self,
                                                  double         width,
                                                  double         height);
void            agviz_viewport_get_view_size     (AgvizViewport *self,
                                                  double        *width,
                                                  double        *height);

double          agviz_viewport_get_zoom          (AgvizViewport *self);
/* The content point at the view's top left corner. */
void            agviz_viewport_get_offset        (AgvizViewport *self,
                                                  double        *x,
                                                  double        *y);
void            agviz_viewport_set_offset        (AgvizViewport *self,
                                                  double         x,
                                                  double         y);

/* Sets the zoom (clamped to MIN..MAX) keeping the content point under view pixel
 * (@view_x, @view_y) where it is: zooming towards the pointer. */
void            agviz_viewport_zoom_at           (AgvizViewport *self,
                                                  double         zoom,
                                                  double         view_x,
                                                  double         view_y);
/* Multiplies the zoom by @factor around the view's centre. */
void            agviz_viewport_zoom_by           (AgvizViewport *self,
                                                  double         factor);
/* Moves the content by (@dx, @dy) view pixels, as a drag does. */
void            agviz_viewport_pan               (AgvizViewport *self,
                                                  double         dx,
                                                  double         dy);
/* The zoom (at most 1, no blowing small graphs up) and offset that show all the content with
 * @margin pixels around it, centred. */
void            agviz_viewport_zoom_to_fit       (AgvizViewport *self,
                                                  double         margin);
/* Centres content point (@x, @y) in the view without changing the zoom. */
void            agviz_viewport_center_on         (AgvizViewport *self,
                                                  double         x,
                                                  double         y);

void            agviz_viewport_view_to_content   (AgvizViewport *self,
                                                  double         view_x,
                                                  double         view_y,
                                                  double        *x,
                                                  double        *y);
void            agviz_viewport_content_to_view   (AgvizViewport *self,
                                                  double         x,
                                                  double         y,
                                                  double        *view_x,
                                                  double        *view_y);
/* The part of the content in view, as a layout box. */
void            agviz_viewport_get_visible_box   (AgvizViewport *self,
                                                  AgvizLayoutBox *box);
/* Whether any of @box shows in the view: what the canvas draws. */
gboolean        agviz_viewport_box_is_visible    (AgvizViewport *self,
                                                  const AgvizLayoutBox *box);

/* The innermost visible item of @layout (not the root) drawn under view pixel (@view_x,
 * @view_y), or NULL (transfer none). */
AgvizSceneItem *agviz_viewport_pick              (AgvizViewport *self,
                                                  AgvizLayout   *layout,
                                                  double         view_x,
                                                  double         view_y);

G_END_DECLS
