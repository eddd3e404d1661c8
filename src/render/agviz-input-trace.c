/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-input-trace.c: the backwards walk (see agviz-input-trace.h) */
#define G_LOG_DOMAIN "agviz-input-trace"

#include "config.h"

#include "agviz-input-trace.h"

struct _AgvizInputTrace
{
  GHashTable *items;                  /* AgvizSceneItem set: the selection and its inputs */
  GArray     *edges;                  /* gboolean per edge: traced */
};

AgvizInputTrace *
agviz_input_trace_new (GArray         *edges,
                       AgvizSceneItem *selected)
{
  AgvizInputTrace *self;
  g_autoptr(GHashTable) by_dst = NULL;
  g_autoptr(GPtrArray) queue = NULL;

  g_return_val_if_fail (edges != NULL, NULL);
  g_return_val_if_fail (selected != NULL, NULL);

  self = g_new0 (AgvizInputTrace, 1);
  self->items = g_hash_table_new (NULL, NULL);
  self->edges = g_array_sized_new (FALSE, TRUE, sizeof (gboolean), edges->len);
  g_array_set_size (self->edges, edges->len);

  /* dst -> the indices of the edges into it */
  by_dst = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  for (guint i = 0; i < edges->len; i++)
    {
      const AgvizLayoutEdge *edge = &g_array_index (edges, AgvizLayoutEdge, i);
      GArray *into = g_hash_table_lookup (by_dst, edge->dst);

      if (into == NULL)
        {
          into = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (by_dst, edge->dst, into);
        }
      g_array_append_val (into, i);
    }

  queue = g_ptr_array_new ();
  g_hash_table_add (self->items, selected);
  g_ptr_array_add (queue, selected);
  while (queue->len > 0)
    {
      AgvizSceneItem *item = g_ptr_array_steal_index_fast (queue, queue->len - 1);

      for (AgvizSceneItem *box = item; box != NULL; box = box->parent)
        {
          GArray *into = g_hash_table_lookup (by_dst, box);

          for (guint i = 0; into != NULL && i < into->len; i++)
            {
              guint index = g_array_index (into, guint, i);
              AgvizSceneItem *src = g_array_index (edges, AgvizLayoutEdge, index).src;

              g_array_index (self->edges, gboolean, index) = TRUE;
              if (g_hash_table_add (self->items, src))
                g_ptr_array_add (queue, src);
            }
        }
    }
  return self;
}

void
agviz_input_trace_free (AgvizInputTrace *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->items);
  g_array_unref (self->edges);
  g_free (self);
}

gboolean
agviz_input_trace_contains (const AgvizInputTrace *self,
                            const AgvizSceneItem  *item)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return g_hash_table_contains (self->items, item);
}

gboolean
agviz_input_trace_has_edge (const AgvizInputTrace *self,
                            guint                  index)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return index < self->edges->len && g_array_index (self->edges, gboolean, index);
}

guint
agviz_input_trace_get_n_items (const AgvizInputTrace *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return g_hash_table_size (self->items);
}
