/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-legend.c: the legend model (see agviz-legend.h) */
#define G_LOG_DOMAIN "agviz-legend"

#include "config.h"

#include "agviz-legend.h"

static void
entry_clear (gpointer data)
{
  AgvizLegendEntry *entry = data;

  g_free (entry->key);
}

static GArray *
new_entries (void)
{
  GArray *entries = g_array_new (FALSE, TRUE, sizeof (AgvizLegendEntry));

  g_array_set_clear_func (entries, entry_clear);
  return entries;
}

static void
add_timed (GArray                    *entries,
           AgvizLegendEntryKind       kind,
           gint64                     duration_ns,
           AgvizColor                 color)
{
  AgvizLegendEntry entry = { .kind = kind, .duration_ns = duration_ns, .has_color = TRUE, .color = color };

  g_array_append_val (entries, entry);
}

static void
list_time_entries (const AgvizColoring *coloring,
                   GArray              *entries)
{
  static const AgvizColor white = { 1, 1, 1 };
  gint64 fastest_ns, slowest_ns;

  if (!agviz_coloring_get_time_range (coloring, &fastest_ns, &slowest_ns))
    {
      AgvizLegendEntry entry = { .kind = AGVIZ_LEGEND_ENTRY_NO_TIMINGS };

      g_array_append_val (entries, entry);
      return;
    }
  /* One timed op type is both ends of the scale: said once. */
  if (fastest_ns != slowest_ns)
    add_timed (entries, AGVIZ_LEGEND_ENTRY_FASTEST, fastest_ns,
               agviz_coloring_time_color (coloring, fastest_ns));
  add_timed (entries, AGVIZ_LEGEND_ENTRY_SLOWEST, slowest_ns,
             agviz_coloring_time_color (coloring, slowest_ns));
  add_timed (entries, AGVIZ_LEGEND_ENTRY_NOT_TIMED, 0, white);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  const AgvizLegendEntry *ka = a, *kb = b;

  if (ka->count != kb->count)
    return ka->count > kb->count ? -1 : 1;
  if (ka->key != NULL || kb->key != NULL)
    return g_strcmp0 (ka->key, kb->key);
  return ka->trace_id < kb->trace_id ? -1 : ka->trace_id > kb->trace_id;
}

GArray *
agviz_legend_list_entries (const AgvizColoring *coloring,
                           AgvizLayout         *layout)
{
  AgvizColorBy color_by;
  g_autoptr(GArray) entries = new_entries ();
  g_autoptr(GPtrArray) visible = NULL;
  /* key (op type or device, or the trace id's text) -> index in entries */
  g_autoptr(GHashTable) index = NULL;
  guint n_keys;

  g_return_val_if_fail (coloring != NULL, NULL);
  g_return_val_if_fail (AGVIZ_IS_LAYOUT (layout), NULL);

  color_by = agviz_coloring_get_color_by (coloring);
  if (color_by == AGVIZ_COLOR_BY_NONE)
    return g_steal_pointer (&entries);
  if (color_by == AGVIZ_COLOR_BY_TIME)
    {
      list_time_entries (coloring, entries);
      return g_steal_pointer (&entries);
    }

  index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  visible = agviz_layout_list_visible (layout);
  /* Index 0 is the root, the whole drawing; an open box shows its children, not its colour. */
  for (guint i = 1; i < visible->len; i++)
    {
      const AgvizSceneItem *item = g_ptr_array_index (visible, i);
      g_autofree char *name = NULL;
      gpointer found;

      if (item->expanded && item->children != NULL)
        continue;
      if (color_by == AGVIZ_COLOR_BY_OP)
        name = g_strdup (item->op_type);
      else if (color_by == AGVIZ_COLOR_BY_DEVICE)
        name = g_strdup (item->device);
      else
        name = g_strdup_printf ("%" G_GINT64_FORMAT, item->trace_id);
      if (name == NULL)
        continue;
      if (g_hash_table_lookup_extended (index, name, NULL, &found))
        g_array_index (entries, AgvizLegendEntry, GPOINTER_TO_UINT (found)).count++;
      else
        {
          AgvizLegendEntry entry = {
            .kind = AGVIZ_LEGEND_ENTRY_KEY,
            .key = color_by == AGVIZ_COLOR_BY_TRACE ? NULL : g_strdup (name),
            .trace_id = item->trace_id,
            .count = 1,
            .has_color = TRUE,
            .color = agviz_coloring_get_fill (coloring, item),
          };

          g_hash_table_insert (index, g_steal_pointer (&name), GUINT_TO_POINTER (entries->len));
          g_array_append_val (entries, entry);
        }
    }

  g_array_sort (entries, compare_keys);
  n_keys = entries->len;
  if (n_keys > AGVIZ_LEGEND_MAX_KEYS)
    {
      AgvizLegendEntry more = { .kind = AGVIZ_LEGEND_ENTRY_MORE, .n_more = n_keys - AGVIZ_LEGEND_MAX_KEYS };

      g_array_set_size (entries, AGVIZ_LEGEND_MAX_KEYS);
      g_array_append_val (entries, more);
    }
  return g_steal_pointer (&entries);
}

static void
add_diff_entry (GArray               *entries,
                AgvizLegendEntryKind  kind,
                guint                 count,
                AgvizDiffMark         mark)
{
  AgvizLegendEntry entry = { .kind = kind, .count = count, .has_color = mark != AGVIZ_DIFF_MARK_NONE,
                             .color = agviz_coloring_diff_fill (mark) };

  g_array_append_val (entries, entry);
}

GArray *
agviz_legend_list_diff_entries (AgvizGraphDiff *diff,
                                AgvizLayout    *layout)
{
  g_autoptr(GArray) entries = new_entries ();
  g_autoptr(GPtrArray) visible = NULL;
  const AgvizDiffCounts *counts;
  guint n_inside = 0;

  g_return_val_if_fail (AGVIZ_IS_GRAPH_DIFF (diff), NULL);
  g_return_val_if_fail (AGVIZ_IS_LAYOUT (layout), NULL);

  counts = agviz_graph_diff_get_counts (diff);
  visible = agviz_layout_list_visible (layout);
  for (guint i = 1; i < visible->len; i++)
    {
      const AgvizSceneItem *item = g_ptr_array_index (visible, i);

      n_inside += agviz_graph_diff_mark_item (diff, item) == AGVIZ_DIFF_MARK_INSIDE;
    }
  add_diff_entry (entries, AGVIZ_LEGEND_ENTRY_DIFF_ADDED, counts->added, AGVIZ_DIFF_MARK_ADDED);
  add_diff_entry (entries, AGVIZ_LEGEND_ENTRY_DIFF_CHANGED, counts->changed, AGVIZ_DIFF_MARK_CHANGED);
  if (n_inside > 0)
    add_diff_entry (entries, AGVIZ_LEGEND_ENTRY_DIFF_INSIDE, n_inside, AGVIZ_DIFF_MARK_INSIDE);
  add_diff_entry (entries, AGVIZ_LEGEND_ENTRY_DIFF_REMOVED, counts->removed, AGVIZ_DIFF_MARK_NONE);
  return g_steal_pointer (&entries);
}
