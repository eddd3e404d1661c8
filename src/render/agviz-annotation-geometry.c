/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-annotation-geometry.c: annotation lines beside their box (see
 * agviz-annotation-geometry.h) */
#define G_LOG_DOMAIN "agviz-annotation-geometry"

#include "config.h"

#include "agviz-annotation-geometry.h"

GArray *
agviz_annotation_list_lines (const AgvizSceneItem *item)
{
  GPtrArray *annotations;
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (AgvizAnnotationLine));

  g_return_val_if_fail (item != NULL, lines);

  annotations = agviz_scene_item_get_annotations (item);
  for (int side = 0; annotations != NULL && side < 2; side++)
    {
      AgvizAnnotationLine more = { NULL, side == 1, 0, 0 };

      for (guint i = 0; i < annotations->len; i++)
        {
          const AgvizSceneItem *annotation = g_ptr_array_index (annotations, i);
          AgvizAnnotationLine line = { annotation, more.out, more.slot, 0 };

          if (annotation->annotation_out != more.out)
            continue;
          if (annotation->annotation_hidden)
            {
              more.n_more++;
              continue;
            }
          g_array_append_val (lines, line);
          more.slot++;
        }
      if (more.n_more > 0)
        g_array_append_val (lines, more);
    }
  return lines;
}

int
agviz_annotation_get_slot (const AgvizSceneItem *annotation)
{
  GPtrArray *annotations;
  int slot = 0;

  g_return_val_if_fail (annotation != NULL, -1);

  if (annotation->annotation_hidden || annotation->annotated == NULL)
    return -1;
  annotations = agviz_scene_item_get_annotations (annotation->annotated);
  for (guint i = 0; annotations != NULL && i < annotations->len; i++)
    {
      const AgvizSceneItem *other = g_ptr_array_index (annotations, i);

      if (other == annotation)
        return slot;
      if (other->annotation_out == annotation->annotation_out && !other->annotation_hidden)
        slot++;
    }
  return -1;
}

void
agviz_annotation_get_geometry (const AgvizLayoutBox *box,
                               gboolean              out,
                               guint                 slot,
                               AgvizLayoutBox       *ellipse,
                               AgvizLayoutBox       *label)
{
  double center_y = box->y + 6 + slot * AGVIZ_ANNOTATION_LINE;
  double edge = out ? box->x + box->width : box->x;
  double direction = out ? 1 : -1;

  g_return_if_fail (box != NULL && ellipse != NULL && label != NULL);

  ellipse->width = 8;
  ellipse->height = 5;
  ellipse->x = edge + direction * 10 - ellipse->width / 2;
  ellipse->y = center_y - ellipse->height / 2;
  label->width = AGVIZ_ANNOTATION_ROOM - 16;
  label->height = AGVIZ_ANNOTATION_LINE;
  label->x = out ? edge + 16 : edge - 16 - label->width;
  label->y = center_y - AGVIZ_ANNOTATION_LINE / 2;
}

AgvizSceneItem *
agviz_annotation_pick (AgvizLayout *layout,
                       double       x,
                       double       y)
{
  g_autoptr(GPtrArray) visible = NULL;

  g_return_val_if_fail (AGVIZ_IS_LAYOUT (layout), NULL);

  visible = agviz_layout_list_visible (layout);
  for (guint i = 1; i < visible->len; i++)
    {
      AgvizSceneItem *item = g_ptr_array_index (visible, i);
      GPtrArray *annotations = agviz_scene_item_get_annotations (item);
      AgvizLayoutBox box;

      if (annotations == NULL || item->expanded || !agviz_layout_get_box (layout, item, &box) ||
          y < box.y || x < box.x - AGVIZ_ANNOTATION_ROOM || x > box.x + box.width + AGVIZ_ANNOTATION_ROOM)
        continue;
      for (guint j = 0; j < annotations->len; j++)
        {
          AgvizSceneItem *annotation = g_ptr_array_index (annotations, j);
          AgvizLayoutBox ellipse, label;
          int slot = agviz_annotation_get_slot (annotation);

          if (slot < 0)
            continue;
          agviz_annotation_get_geometry (&box, annotation->annotation_out, slot, &ellipse, &label);
          if (y >= label.y && y < label.y + label.height &&
              x >= MIN (ellipse.x, label.x) && x < MAX (ellipse.x + ellipse.width, label.x + label.width))
            return annotation;
        }
    }
  return NULL;
}
