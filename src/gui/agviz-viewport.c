/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-viewport.c: zoom, offset and picking for the graph canvas (see agviz-viewport.h) */
#define G_LOG_DOMAIN "agviz-viewport"

#include "config.h"

#include <math.h>

#include "agviz-viewport.h"

struct _AgvizViewport
{
  GObject parent_instance;

  double content_width;
  double content_height;
  double view_width;
  double view_height;
  double zoom;
  double offset_x;
  double offset_y;
};

enum {
  PROP_0,
  PROP_ZOOM,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AgvizViewport, agviz_viewport, G_TYPE_OBJECT)

/* Keeps at least this many pixels of content on screen, so a fling never loses the graph. */
#define KEEP_VISIBLE 48.0

static double
clamp_axis (double offset,
            double content,
            double view,
            double zoom)
{
  double keep = MIN (KEEP_VISIBLE, content * zoom) / zoom;
  double view_in_content = view / zoom;
  double low = keep - view_in_content;     /* content's right edge KEEP pixels from the left */
  double high = content - keep;            /* content's left edge KEEP pixels from the right */

  if (high < low)
    return (low + high) / 2;
  return CLAMP (offset, low, high);
}

static void
clamp_and_notify (AgvizViewport *self,
                  double         old_zoom)
{
  self->offset_x = clamp_axis (self->offset_x, self->content_width, self->view_width, self->zoom);
  self->offset_y = clamp_axis (self->offset_y, self->content_height, self->view_height, self->zoom);
  if (old_zoom != self->zoom)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
agviz_viewport_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AgvizViewport *self = AGVIZ_VIEWPORT (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
agviz_viewport_class_init (AgvizViewportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = agviz_viewport_get_property;

  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, AGVIZ_VIEWPORT_MIN_ZOOM, AGVIZ_VIEWPORT_MAX_ZOOM, 1.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Any change of zoom, offset or sizes: the canvas redraws on it. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
agviz_viewport_init (AgvizViewport *self)
{
  self->zoom = 1.0;
}

AgvizViewport *
agviz_viewport_new (void)
{
  return g_object_new (AGVIZ_TYPE_VIEWPORT, NULL);
}

void
agviz_viewport_set_content_size (AgvizViewport *self,
                                 double         width,
                                 double         height)
{
  g_return_if_fail (AGVIZ_IS_VIEWPORT (self));
  g_return_if_fail (width >= 0 && height >= 0);

  self->content_width = width;
  self->content_height = height;
  clamp_and_notify (self, self->zoom);
}

void
agviz_viewport_get_content_size (AgvizViewport *self,
                                 double        *width,
                                 double        *height)
{
  g_return_if_fail (AGVIZ_IS_VIEWPORT (self));

  *width = self->content_width;
  *height = self->content_height;
}

void
agviz_viewport_set_view_size (AgvizViewport *self,
                              double         width,
                              double         height)
{
  g_return_if_fail (AGVIZ_IS_VIEWPORT (self));
  g_return_if_fail (width >= 0 && height >= 0);

  if (width == self->view_width && height == self->view_height)
    return;
  self->view_width = width;
  self->view_height = height;
  clamp_and_notify (self, self->zoom);
}

void
agviz_viewport_get_view_size (AgvizViewport *self,
                              double        *width,
                              double        *height)
{
  g_return_if_fail (AGVIZ_IS_VIEWPORT (self));

  if (width != NULL)
    *width = self->view_width;
  if (height != NULL)
    *height = self->view_height;
}

double
agviz_viewport_get_zoom (AgvizViewport *self)
{
  g_return_val_if_fail (AGVIZ_IS_VIEWPORT (self), 1.0);

  return self->zoom;
}

void
agviz_viewport_get_offset (AgvizViewport *self,
                           double        *x,
                           double        *y)
{
  g_return_if_fail (AGVIZ_IS_VIEWPORT (self));

  if (x != NULL)
    *x = self->offset_x;
  if (y != NULL)
    *y = self->offset_y;
}

void
agviz_viewport_set_offset (AgvizViewport *self,
                           double         x,
                           double         y)
{
  g_return_if_fail (AGVIZ_IS_VIEWPORT (self));
  g_return_if_fail (isfinite (x) && isfinite (y));

  self->offset_x = x;
  self->offset_y = y;
  clamp_and_notify (self, self->zoom);
}

void
agviz_viewport_zoom_at (AgvizViewport *self,
                        double         zoom,
                        double         view_x,
                        double         view_y)
{
  double old_zoom;
  double x, y;

  g_return_if_fail (AGVIZ_IS_VIEWPORT (self));
  g_return_if_fail (isfinite (zoom) && zoom > 0);

  old_zoom = self->zoom;
  agviz_viewport_view_to_content (self, view_x, view_y, &x, &y);
  self->zoom = CLAMP (zoom, AGVIZ_VIEWPORT_MIN_ZOOM, AGVIZ_VIEWPORT_MAX_ZOOM);
  self->offset_x = x - view_x / self->zoom;
  self->offset_y = y - view_y / self->zoom;
  clamp_and_notify (self, old_zoom);
}

void
agviz_viewport_zoom_by (AgvizViewport *self,
                        double         factor)
{
  g_return_if_fail (AGVIZ_IS_VIEWPORT (self));

  agviz_viewport_zoom_at (self, self->zoom * factor, self->view_width / 2, self->view_height / 2);
}

void
agviz_viewport_pan (AgvizViewport *self,
                    double         dx,
                    double         dy)
{
  g_return_if_fail (AGVIZ_IS_VIEWPORT (self));

  agviz_viewport_set_offset (self, self->offset_x - dx / self->zoom, self->offset_y - dy / self->zoom);
}

void
agviz_viewport_zoom_to_fit (AgvizViewport *self,
                            double         margin)
{
  double old_zoom;
  double usable_width, usable_height;
  double zoom = 1.0;

  g_return_if_fail (AGVIZ_IS_VIEWPORT (self));

  old_zoom = self->zoom;
  usable_width = MAX (1.0, self->view_width - 2 * margin);
  usable_height = MAX (1.0, self->view_height - 2 * margin);
  if (self->content_width > 0)
    zoom = MIN (zoom, usable_width / self->content_width);
  if (self->content_height > 0)
    zoom = MIN (zoom, usable_height / self->content_height);
  self->zoom = CLAMP (zoom, AGVIZ_VIEWPORT_MIN_ZOOM, AGVIZ_VIEWPORT_MAX_ZOOM);
  self->offset_x = self->content_width / 2 - self->view_width / (2 * self->zoom);
  self->offset_y = self->content_height / 2 - self->view_height / (2 * self->zoom);
  clamp_and_notify (self, old_zoom);
}

void
agviz_viewport_center_on (AgvizViewport *self,
                          double         x,
                          double         y)
{
  g_return_if_fail (AGVIZ_IS_VIEWPORT (self));

  agviz_viewport_set_offset (self, x - self->view_width / (2 * self->zoom),
                             y - self->view_height / (2 * self->zoom));
}

void
agviz_viewport_view_to_content (AgvizViewport *self,
                                double         view_x,
                                double         view_y,
                                double        *x,
                                double        *y)
{
  g_return_if_fail (AGVIZ_IS_VIEWPORT (self));

  *x = self->offset_x + view_x / self->zoom;
  *y = self->offset_y + view_y / self->zoom;
}

void
agviz_viewport_content_to_view (AgvizViewport *self,
                                double         x,
                                double         y,
                                double        *view_x,
                                double        *view_y)
{
  g_return_if_fail (AGVIZ_IS_VIEWPORT (self));

  *view_x = (x - self->offset_x) * self->zoom;
  *view_y = (y - self->offset_y) * self->zoom;
}

void
agviz_viewport_get_visible_box (AgvizViewport  *self,
                                AgvizLayoutBox *box)
{
  g_return_if_fail (AGVIZ_IS_VIEWPORT (self));

  box->x = self->offset_x;
  box->y = self->offset_y;
  box->width = self->view_width / self->zoom;
  box->height = self->view_height / self->zoom;
}

gboolean
agviz_viewport_box_is_visible (AgvizViewport        *self,
                               const AgvizLayoutBox *box)
{
  AgvizLayoutBox view;

  g_return_val_if_fail (AGVIZ_IS_VIEWPORT (self), FALSE);

  agviz_viewport_get_visible_box (self, &view);
  return box->x <= view.x + view.width && box->x + box->width >= view.x &&
         box->y <= view.y + view.height && box->y + box->height >= view.y;
}

AgvizSceneItem *
agviz_viewport_pick (AgvizViewport *self,
                     AgvizLayout   *layout,
                     double         view_x,
                     double         view_y)
{
  g_autoptr(GPtrArray) visible = NULL;
  double x, y;

  g_return_val_if_fail (AGVIZ_IS_VIEWPORT (self), NULL);
  g_return_val_if_fail (AGVIZ_IS_LAYOUT (layout), NULL);

  agviz_viewport_view_to_content (self, view_x, view_y, &x, &y);
  visible = agviz_layout_list_visible (layout);
  /* Parents come before their children, so walking backwards meets the innermost box first.
   * Index 0 is the root, whose box is the whole drawing: never a pick. */
  for (guint i = visible->len; i > 1; i--)
    {
      AgvizSceneItem *item = g_ptr_array_index (visible, i - 1);
      AgvizLayoutBox box;

      if (agviz_layout_get_box (layout, item, &box) &&
          x >= box.x && x <= box.x + box.width && y >= box.y && y <= box.y + box.height)
        return item;
    }
  return NULL;
}
