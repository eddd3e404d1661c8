/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-canvas-picture.c: a drawing kept as a picture (see agviz-canvas-picture.h) */
#define G_LOG_DOMAIN "agviz-canvas-picture"

#include "config.h"

#include <math.h>

#include "agviz-canvas-picture.h"

GdkTexture *
agviz_canvas_render_texture (GtkWidget     *widget,
                             GskRenderNode *node,
                             int            width,
                             int            height)
{
  GtkNative *native;
  int scale;
  g_autoptr(GskRenderNode) scaled = NULL;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  g_return_val_if_fail (node != NULL, NULL);

  native = gtk_widget_get_native (widget);
  if (native == NULL)
    return NULL;
  scale = gtk_widget_get_scale_factor (widget);
  if (scale != 1)
    scaled = gsk_transform_node_new (node, gsk_transform_scale (NULL, scale, scale));
  return gsk_renderer_render_texture (gtk_native_get_renderer (native),
                                      scaled != NULL ? scaled : node,
                                      &GRAPHENE_RECT_INIT (0, 0, width * scale, height * scale));
}

void
agviz_canvas_picture_clear (AgvizCanvasPicture *self)
{
  g_return_if_fail (self != NULL);

  g_clear_object (&self->texture);
  g_clear_pointer (&self->surface, cairo_surface_destroy);
}

gboolean
agviz_canvas_picture_is_empty (const AgvizCanvasPicture *self)
{
  g_return_val_if_fail (self != NULL, TRUE);
  return self->texture == NULL && self->surface == NULL;
}

void
agviz_canvas_picture_take (AgvizCanvasPicture *to,
                           AgvizCanvasPicture *from)
{
  g_return_if_fail (to != NULL && from != NULL);

  agviz_canvas_picture_clear (to);
  *to = *from;
  from->texture = NULL;
  from->surface = NULL;
}

void
agviz_canvas_picture_render (AgvizCanvasPicture *self,
                             GtkWidget          *widget,
                             GskRenderNode      *node,
                             double              zoom,
                             double              x,
                             double              y,
                             int                 width,
                             int                 height)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GskRenderer *renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;
  g_autoptr(GskRenderNode) empty = NULL;

  g_return_if_fail (self != NULL);

  agviz_canvas_picture_clear (self);
  self->zoom = zoom;
  self->x = x;
  self->y = y;
  self->width = width;
  self->height = height;
  if (node == NULL)
    node = empty = gsk_container_node_new (NULL, 0);
  if (renderer != NULL && !GSK_IS_CAIRO_RENDERER (renderer))
    self->texture = agviz_canvas_render_texture (widget, node, width, height);
  else
    {
      int scale = gtk_widget_get_scale_factor (widget);
      cairo_t *cr;

      self->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale, height * scale);
      cairo_surface_set_device_scale (self->surface, scale, scale);
      cr = cairo_create (self->surface);
      gsk_render_node_draw (node, cr);
      cairo_destroy (cr);
    }
}

gboolean
agviz_canvas_picture_covers_view (const AgvizCanvasPicture *self,
                                  AgvizViewport            *viewport)
{
  AgvizLayoutBox view, region;
  double slack;

  g_return_val_if_fail (self != NULL, FALSE);

  if (agviz_canvas_picture_is_empty (self) || self->zoom != agviz_viewport_get_zoom (viewport))
    return FALSE;
  agviz_viewport_get_visible_box (viewport, &view);
  region = (AgvizLayoutBox) { self->x, self->y, self->width / self->zoom, self->height / self->zoom };
  /* Half a pixel for rounding. */
  slack = 0.5 / self->zoom;
  return view.x >= region.x - slack && view.y >= region.y - slack &&
         view.x + view.width <= region.x + region.width + slack &&
         view.y + view.height <= region.y + region.height + slack;
}

void
agviz_canvas_picture_append (const AgvizCanvasPicture *self,
                             GtkSnapshot              *snapshot,
                             GtkWidget                *widget,
                             AgvizViewport            *viewport,
                             int                       view_width,
                             int                       view_height)
{
  double zoom = agviz_viewport_get_zoom (viewport);
  int scale = gtk_widget_get_scale_factor (widget);
  double offset_x, offset_y, left, top;

  g_return_if_fail (self != NULL);

  agviz_viewport_get_offset (viewport, &offset_x, &offset_y);
  left = round ((self->x - offset_x) * zoom * scale) / scale;
  top = round ((self->y - offset_y) * zoom * scale) / scale;
  if (self->texture != NULL)
    gtk_snapshot_append_texture (snapshot, self->texture,
                                 &GRAPHENE_RECT_INIT (left, top, self->width, self->height));
  else if (self->surface != NULL)
    {
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, view_width,
                                                                              view_height));

      cairo_set_source_surface (cr, self->surface, left, top);
      cairo_paint (cr);
      cairo_destroy (cr);
    }
}
