/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-minimap.c: the whole graph in small (see agviz-minimap.h)
 *
 * The boxes are drawn once per layout and size into a texture; a frame is that texture and the
 * view's rectangle, which is all that moves while panning.
 */
#define G_LOG_DOMAIN "agviz-minimap"

#include "config.h"

#include <glib/gi18n.h>

#include "agviz-canvas-picture.h"
#include "agviz-canvas-style.h"
#include "agviz-minimap.h"

#define PADDING 6.0
/* Past this many boxes the minimap draws only the outer ones: it is a map, not a second canvas. */
#define MAX_BOXES 4000

struct _AgvizMinimap
{
  GtkWidget       parent_instance;

  AgvizGraphView *graph_view;        /* weak */
  AgvizViewport  *viewport;          /* weak, the graph view's */

  AgvizLayout    *boxes_layout;      /* what boxes_texture shows */
  GdkTexture     *boxes_texture;
  int             boxes_width;
  int             boxes_height;
  int             boxes_scale;
};

G_DEFINE_FINAL_TYPE (AgvizMinimap, agviz_minimap, GTK_TYPE_WIDGET)

/* Content to minimap: one scale for both axes, centred. */
static gboolean
get_transform (AgvizMinimap *self,
               double       *scale,
               double       *dx,
               double       *dy)
{
  double width, height;
  double usable_w = gtk_widget_get_width (GTK_WIDGET (self)) - 2 * PADDING;
  double usable_h = gtk_widget_get_height (GTK_WIDGET (self)) - 2 * PADDING;

  if (self->viewport == NULL || usable_w <= 0 || usable_h <= 0)
    return FALSE;
  agviz_viewport_get_content_size (self->viewport, &width, &height);
  if (width <= 0 || height <= 0)
    return FALSE;
  *scale = MIN (usable_w / width, usable_h / height);
  *dx = PADDING + (usable_w - width * *scale) / 2;
  *dy = PADDING + (usable_h - height * *scale) / 2;
  return TRUE;
}

static void
render_boxes (AgvizMinimap *self,
              AgvizLayout  *layout,
              double        scale,
              double        dx,
              double        dy)
{
  const GdkRGBA box_fill = { 0.45f, 0.62f, 0.80f, 0.55f };
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GPtrArray) visible = agviz_layout_list_visible (layout);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int pixels = gtk_widget_get_scale_factor (widget);
  AgvizLayoutBox box;

  g_clear_object (&self->boxes_texture);
  g_set_object (&self->boxes_layout, layout);
  self->boxes_width = width;
  self->boxes_height = height;
  self->boxes_scale = pixels;
  if (gtk_widget_get_native (widget) == NULL)
    return;

  for (guint i = 0; i < visible->len && i < MAX_BOXES; i++)
    if (agviz_layout_get_box (layout, g_ptr_array_index (visible, i), &box))
      gtk_snapshot_append_color (snapshot, &box_fill,
                                 &GRAPHENE_RECT_INIT (dx + box.x * scale, dy + box.y * scale,
                                                      MAX (1.0, box.width * scale),
                                                      MAX (1.0, box.height * scale)));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node != NULL)
    self->boxes_texture = agviz_canvas_render_texture (widget, node, width, height);
}

static void
agviz_minimap_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  AgvizMinimap *self = AGVIZ_MINIMAP (widget);
  const GdkRGBA view_fill = AGVIZ_CANVAS_ACCENT (0.18f);
  const GdkRGBA view_line = AGVIZ_CANVAS_ACCENT (1.0f);
  AgvizLayout *layout;
  AgvizLayoutBox box;
  double scale, dx, dy;

  if (self->graph_view == NULL || !get_transform (self, &scale, &dx, &dy))
    return;
  layout = agviz_graph_view_get_layout (self->graph_view);
  if (layout == NULL)
    return;
  if (layout != self->boxes_layout || self->boxes_width != gtk_widget_get_width (widget) ||
      self->boxes_height != gtk_widget_get_height (widget) ||
      self->boxes_scale != gtk_widget_get_scale_factor (widget))
    render_boxes (self, layout, scale, dx, dy);
  if (self->boxes_texture != NULL)
    gtk_snapshot_append_texture (snapshot, self->boxes_texture,
                                 &GRAPHENE_RECT_INIT (0, 0, self->boxes_width, self->boxes_height));

  agviz_viewport_get_visible_box (self->viewport, &box);
  {
    graphene_rect_t rect = GRAPHENE_RECT_INIT (dx + box.x * scale, dy + box.y * scale,
                                               box.width * scale, box.height * scale);
    GskRoundedRect outline;
    const float widths[4] = { 1.5f, 1.5f, 1.5f, 1.5f };
    const GdkRGBA colors[4] = { view_line, view_line, view_line, view_line };

    /* The view can be larger than the content: keep the outline inside the minimap. */
    graphene_rect_intersection (&rect, &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                            gtk_widget_get_height (widget)), &rect);
    gtk_snapshot_append_color (snapshot, &view_fill, &rect);
    gsk_rounded_rect_init_from_rect (&outline, &rect, 0);
    gtk_snapshot_append_border (snapshot, &outline, widths, colors);
  }
}

void
agviz_minimap_move_to (AgvizMinimap *self,
                       double        x,
                       double        y)
{
  double scale, dx, dy;

  g_return_if_fail (AGVIZ_IS_MINIMAP (self));

  if (!get_transform (self, &scale, &dx, &dy))
    return;
  agviz_viewport_center_on (self->viewport, (x - dx) / scale, (y - dy) / scale);
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               AgvizMinimap   *self)
{
  agviz_minimap_move_to (self, x, y);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          offset_x,
                double          offset_y,
                AgvizMinimap   *self)
{
  double x, y;

  gtk_gesture_drag_get_start_point (gesture, &x, &y);
  agviz_minimap_move_to (self, x + offset_x, y + offset_y);
}

static void
on_viewport_changed (AgvizViewport *viewport,
                     AgvizMinimap  *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
disconnect (AgvizMinimap *self)
{
  if (self->viewport != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->viewport, self);
      g_object_remove_weak_pointer (G_OBJECT (self->viewport), (gpointer *) &self->viewport);
      self->viewport = NULL;
    }
  if (self->graph_view != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->graph_view), (gpointer *) &self->graph_view);
      self->graph_view = NULL;
    }
}

void
agviz_minimap_set_graph_view (AgvizMinimap   *self,
                              AgvizGraphView *graph_view)
{
  g_return_if_fail (AGVIZ_IS_MINIMAP (self));
  g_return_if_fail (graph_view == NULL || AGVIZ_IS_GRAPH_VIEW (graph_view));

  disconnect (self);
  if (graph_view == NULL)
    return;
  self->graph_view = graph_view;
  g_object_add_weak_pointer (G_OBJECT (graph_view), (gpointer *) &self->graph_view);
  self->viewport = agviz_graph_view_get_viewport (graph_view);
  g_object_add_weak_pointer (G_OBJECT (self->viewport), (gpointer *) &self->viewport);
  g_signal_connect (self->viewport, "changed", G_CALLBACK (on_viewport_changed), self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
agviz_minimap_dispose (GObject *object)
{
  AgvizMinimap *self = AGVIZ_MINIMAP (object);

  disconnect (self);
  g_clear_object (&self->boxes_texture);
  g_clear_object (&self->boxes_layout);
  G_OBJECT_CLASS (agviz_minimap_parent_class)->dispose (object);
}

static void
agviz_minimap_class_init (AgvizMinimapClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = agviz_minimap_dispose;
  widget_class->snapshot = agviz_minimap_snapshot;
  gtk_widget_class_set_css_name (widget_class, "agviz-minimap");
}

static void
agviz_minimap_init (AgvizMinimap *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  gtk_widget_set_size_request (GTK_WIDGET (self), 180, 120);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), _("The whole graph: click or drag to move the view"));
}

GtkWidget *
agviz_minimap_new (void)
{
  return g_object_new (AGVIZ_TYPE_MINIMAP, NULL);
}
