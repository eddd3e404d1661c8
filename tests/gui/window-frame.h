/* SPDX-License-Identifier: GPL-3.0-or-later */
/* window-frame.h: what a window's last frame painted, for the GUI tests and agviz-snapshot */
#pragma once

#include <gtk/gtk.h>

/* The render node of @widget's last frame, @width x @height; NULL when none came before
 * @deadline (monotonic time).  A GtkWidgetPaintable hands out the node the widget kept from its
 * last frame, and GTK drops that node whenever something queues a redraw (a blinking cursor, the
 * canvas after a layout, a list filling in) until the next frame paints: a snapshot taken in
 * between is empty.  So the frame is waited for, not assumed. */
static inline GskRenderNode *
window_frame_node (GtkWidget *widget,
                   int        width,
                   int        height,
                   gint64     deadline)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GskRenderNode *node = NULL;

  while (node == NULL && g_get_monotonic_time () < deadline)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node == NULL)
        g_main_context_iteration (NULL, TRUE);
    }
  return node;
}
