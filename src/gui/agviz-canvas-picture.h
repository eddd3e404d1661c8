/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-canvas-picture.h: a drawing kept as a picture, to be moved rather than drawn again
 *
 * A render node is drawn once into a texture the GPU keeps or, under GTK's cairo renderer (which
 * would copy a texture out on every frame), into a cairo image surface it paints from; either way
 * at the widget's scale factor.  A canvas picture also remembers where it lies in layout points
 * and at what zoom, so that a frame can put it on the view moved by whole pixels
 * (agviz_canvas_picture_append()).  Main thread only.
 */
#pragma once

#include <gtk/gtk.h>

#include "agviz-viewport.h"

G_BEGIN_DECLS

typedef struct
{
  GdkTexture      *texture;
  cairo_surface_t *surface;           /* instead, under the cairo renderer */
  double           zoom;              /* what it was drawn at */
  double           x;                 /* its top left, layout points */
  double           y;
  int              width;             /* view pixels */
  int              height;
} AgvizCanvasPicture;

/* @node drawn into a texture of @width x @height view pixels at @widget's scale factor, by its
 * window's renderer; NULL while @widget is not in a window (transfer full). */
GdkTexture *agviz_canvas_render_texture      (GtkWidget                *widget,
                                              GskRenderNode            *node,
                                              int                       width,
                                              int                       height);

/* Draws @node (NULL: nothing) into @self, replacing what it held; its top left is layout point
 * (@x, @y) at @zoom. */
void        agviz_canvas_picture_render      (AgvizCanvasPicture       *self,
                                              GtkWidget                *widget,
                                              GskRenderNode            *node,
                                              double                    zoom,
                                              double                    x,
                                              double                    y,
                                              int                       width,
                                              int                       height);
void        agviz_canvas_picture_clear       (AgvizCanvasPicture       *self);
gboolean    agviz_canvas_picture_is_empty    (const AgvizCanvasPicture *self);
/* Moves what @from holds into @to, leaving @from empty. */
void        agviz_canvas_picture_take        (AgvizCanvasPicture       *to,
                                              AgvizCanvasPicture       *from);
/* Whether it shows all that @viewport shows now, at its zoom. */
gboolean    agviz_canvas_picture_covers_view (const AgvizCanvasPicture *self,
                                              AgvizViewport            *viewport);
/* Puts it where @viewport shows its place, moved by whole pixels so that it stays as sharp as it
 * was drawn; @view_width x @view_height is the widget's size. */
void        agviz_canvas_picture_append      (const AgvizCanvasPicture *self,
                                              GtkSnapshot              *snapshot,
                                              GtkWidget                *widget,
                                              AgvizViewport            *viewport,
                                              int                       view_width,
                                              int                       view_height);

G_END_DECLS
