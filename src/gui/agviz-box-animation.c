/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-box-animation.c: a toggled box's move and the cross-fade (see agviz-box-animation.h) */
#define G_LOG_DOMAIN "agviz-box-animation"

#include "config.h"

#include "agviz-box-animation.h"

/* How long a scope takes to open or close on screen. */
#define ANIMATION_USEC (200 * G_TIME_SPAN_MILLISECOND)

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  AgvizBoxAnimation *self = user_data;
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  if (self->start == 0)
    self->start = now;
  self->progress = CLAMP ((now - self->start) / (double) ANIMATION_USEC, 0.0, 1.0);
  gtk_widget_queue_draw (widget);
  if (self->progress < 1.0)
    return G_SOURCE_CONTINUE;
  self->tick = 0;
  agviz_canvas_picture_clear (&self->previous);
  return G_SOURCE_REMOVE;
}

void
agviz_box_animation_stop (AgvizBoxAnimation *self)
{
  g_return_if_fail (self != NULL);

  if (self->tick != 0)
    gtk_widget_remove_tick_callback (self->widget, self->tick);
  self->tick = 0;
  agviz_canvas_picture_clear (&self->previous);
}

void
agviz_box_animation_start (AgvizBoxAnimation    *self,
                           GtkWidget            *widget,
                           AgvizCanvasPicture   *previous,
                           const AgvizLayoutBox *from,
                           const AgvizLayoutBox *to)
{
  gboolean enabled = TRUE;

  g_return_if_fail (self != NULL && GTK_IS_WIDGET (widget));

  agviz_box_animation_stop (self);
  self->widget = widget;
  g_object_get (gtk_widget_get_settings (widget), "gtk-enable-animations", &enabled, NULL);
  if (!enabled || !gtk_widget_get_mapped (widget))
    {
      agviz_canvas_picture_clear (previous);
      return;
    }
  agviz_canvas_picture_take (&self->previous, previous);
  self->from = *from;
  self->to = *to;
  self->start = 0;
  self->progress = 0;
  self->tick = gtk_widget_add_tick_callback (widget, on_tick, self, NULL);
}

gboolean
agviz_box_animation_is_running (const AgvizBoxAnimation *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->tick != 0;
}

void
agviz_box_animation_append (const AgvizBoxAnimation  *self,
                            GtkSnapshot              *snapshot,
                            const AgvizCanvasPicture *current,
                            AgvizViewport            *viewport,
                            const GdkRGBA            *color,
                            int                       view_width,
                            int                       view_height)
{
  double t = self->progress;
  /* Ease out: fast at first, settling into place. */
  double eased = 1 - (1 - t) * (1 - t);
  double zoom = agviz_viewport_get_zoom (viewport);
  double origin_x, origin_y;
  AgvizLayoutBox box;
  GskRoundedRect outline;
  GdkRGBA fading = *color;

  gtk_snapshot_push_cross_fade (snapshot, t);
  agviz_canvas_picture_append (&self->previous, snapshot, self->widget, viewport, view_width, view_height);
  gtk_snapshot_pop (snapshot);
  agviz_canvas_picture_append (current, snapshot, self->widget, viewport, view_width, view_height);
  gtk_snapshot_pop (snapshot);

  agviz_viewport_get_offset (viewport, &origin_x, &origin_y);
  box.x = self->from.x + (self->to.x - self->from.x) * eased;
  box.y = self->from.y + (self->to.y - self->from.y) * eased;
  box.width = self->from.width + (self->to.width - self->from.width) * eased;
  box.height = self->from.height + (self->to.height - self->from.height) * eased;
  fading.alpha *= (float) (1 - t);
  gsk_rounded_rect_init_from_rect (&outline,
                                   &GRAPHENE_RECT_INIT ((box.x - origin_x) * zoom, (box.y - origin_y) * zoom,
                                                        box.width * zoom, box.height * zoom),
                                   (float) MIN (8.0 * zoom, 12.0));
  gtk_snapshot_append_border (snapshot, &outline, (float[4]) { 2, 2, 2, 2 },
                              (GdkRGBA[4]) { fading, fading, fading, fading });
}
