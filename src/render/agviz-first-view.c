/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-first-view.c: the expansion and zoom of the first picture of a graph
 *
 * The expansion is found in two steps.  Counting boxes needs no layout: a lone box is opened
 * (a graph that is one scope, or one call, says nothing closed), then the scopes that hide the
 * most ops are opened, biggest first, while the picture stays within the box budget.  Width
 * needs a layout: the expansions are undone from the last, by bisection, until the picture is
 * narrow enough across the direction it flows.  Undoing the last expansions first keeps the
 * biggest scopes open, and the layouts of the scopes left as they were come from the cache.
 */
#define G_LOG_DOMAIN "agviz-render"

#include "config.h"

#include "agviz-first-view.h"

#define MAX_LONE_DESCENT 8      /* nested lone boxes opened at most (scope in scope in call ...) */
#define MAX_TRIALS      16      /* scopes found too big before the search stops */

static guint
count_below (const AgvizSceneItem *item)
{
  guint boxes = 0;

  if (!item->expanded || item->children == NULL)
    return 0;
  for (guint i = 0; i < item->children->len; i++)
    boxes += 1 + count_below (g_ptr_array_index (item->children, i));
  return boxes;
}

guint
agviz_first_view_count_boxes (AgvizScene *scene)
{
  g_return_val_if_fail (AGVIZ_IS_SCENE (scene), 0);
  return count_below (agviz_scene_get_root (scene));
}

/* Scopes and the sections of an overfull scope are opened to fill the budget; series (add_1 ...
 * add_9) and calls are not: their insides repeat or belong to another graph. */
static gboolean
is_candidate (const AgvizSceneItem *item)
{
  return !item->expanded && !item->auxiliary &&
         (item->kind == AGVIZ_SCENE_ITEM_SCOPE || item->kind == AGVIZ_SCENE_ITEM_SECTION) &&
         agviz_scene_item_is_expandable (item);
}

static void
collect_candidates (AgvizSceneItem *item,
                    GHashTable     *rejected,
                    GPtrArray      *candidates)
{
  if (!item->expanded || item->children == NULL)
    return;
  for (guint i = 0; i < item->children->len; i++)
    {
      AgvizSceneItem *child = g_ptr_array_index (item->children, i);

      if (is_candidate (child) && !g_hash_table_contains (rejected, child))
        g_ptr_array_add (candidates, child);
      collect_candidates (child, rejected, candidates);
    }
}

static int
compare_op_count_descending (gconstpointer a,
                             gconstpointer b)
{
  const AgvizSceneItem *left = *(AgvizSceneItem * const *) a;
  const AgvizSceneItem *right = *(AgvizSceneItem * const *) b;

  if (left->op_count != right->op_count)
    return left->op_count > right->op_count ? -1 : 1;
  return (int) left->depth - (int) right->depth;
}

/* The single visible child of @item when it has exactly one, else NULL. */
static AgvizSceneItem *
lone_child (const AgvizSceneItem *item)
{
  if (!item->expanded || item->children == NULL || item->children->len != 1)
    return NULL;
  return g_ptr_array_index (item->children, 0);
}

/* Expands, in @expansions, what the first picture opens by counting boxes alone. */
static gboolean
expand_by_count (AgvizScene  *scene,
                 GPtrArray   *expansions,
                 GError     **error)
{
  AgvizSceneItem *item = agviz_scene_get_root (scene);
  g_autoptr(GHashTable) rejected = g_hash_table_new (NULL, NULL);
  guint boxes;

  for (guint depth = 0; depth < MAX_LONE_DESCENT; depth++)
    {
      AgvizSceneItem *lone = lone_child (item);

      if (lone == NULL || !agviz_scene_item_is_expandable (lone))
        break;
      if (!agviz_scene_expand (scene, lone, error))
        return FALSE;
      /* Even a lone box stays closed when what it holds is over the budget. */
      if (agviz_first_view_count_boxes (scene) > AGVIZ_FIRST_VIEW_MAX_BOXES)
        {
          agviz_scene_collapse (scene, lone);
          return TRUE;
        }
      g_ptr_array_add (expansions, lone);
      item = lone;
    }

  boxes = agviz_first_view_count_boxes (scene);
  /* A scope is read to count its children: at most this many are read and found too big, so
   * a graph of thousands of scopes is not read whole for its first picture. */
  for (guint trials = 0; trials < MAX_TRIALS && boxes < AGVIZ_FIRST_VIEW_MAX_BOXES;)
    {
      g_autoptr(GPtrArray) candidates = g_ptr_array_new ();
      AgvizSceneItem *chosen = NULL;

      collect_candidates (agviz_scene_get_root (scene), rejected, candidates);
      g_ptr_array_sort (candidates, compare_op_count_descending);
      for (guint i = 0; i < candidates->len && chosen == NULL; i++)
        {
          AgvizSceneItem *candidate = g_ptr_array_index (candidates, i);

          /* An unread scope's children are counted by reading it. */
          if (!agviz_scene_expand (scene, candidate, error))
            return FALSE;
          if (boxes + candidate->children->len <= AGVIZ_FIRST_VIEW_MAX_BOXES)
            chosen = candidate;
          else if (++trials >= MAX_TRIALS)
            {
              agviz_scene_collapse (scene, candidate);
              return TRUE;
            }
          else
            {
              agviz_scene_collapse (scene, candidate);
              g_hash_table_add (rejected, candidate);
            }
        }
      if (chosen == NULL)
        return TRUE;
      boxes += chosen->children->len;
      g_ptr_array_add (expansions, chosen);
    }
  return TRUE;
}

/* Leaves the first @n of @expansions open and everything else closed. */
static gboolean
apply_expansions (AgvizScene  *scene,
                  GPtrArray   *expansions,
                  guint        n,
                  GError     **error)
{
  if (!agviz_scene_expand_to_depth (scene, 1, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      if (!agviz_scene_expand (scene, g_ptr_array_index (expansions, i), error))
        return FALSE;
    }
  return TRUE;
}

/* Whether @layout can be read across the direction it flows in the first view's window. */
static gboolean
is_narrow_enough (AgvizLayout  *layout,
                  AgvizRankdir  rankdir,
                  double        view_width,
                  double        view_height)
{
  double width, height;

  agviz_layout_get_size (layout, &width, &height);
  if (rankdir == AGVIZ_RANKDIR_LR)
    return height * AGVIZ_FIRST_VIEW_MIN_ZOOM <= view_height - 2 * AGVIZ_FIRST_VIEW_MARGIN;
  return width * AGVIZ_FIRST_VIEW_MIN_ZOOM <= view_width - 2 * AGVIZ_FIRST_VIEW_MARGIN;
}

static AgvizLayout *
lay_out_with (AgvizScene               *scene,
              const AgvizLayoutOptions *options,
              GPtrArray                *expansions,
              guint                     n,
              GError                  **error)
{
  if (!apply_expansions (scene, expansions, n, error))
    return NULL;
  return agviz_layout_new (scene, options, error);
}

AgvizLayout *
agviz_first_view_lay_out (AgvizScene               *scene,
                          const AgvizLayoutOptions *options,
                          double                    view_width,
                          double                    view_height,
                          GError                  **error)
{
  g_autoptr(GPtrArray) expansions = g_ptr_array_new ();
  g_autoptr(AgvizLayout) fitting = NULL;
  AgvizLayout *layout;
  guint good = 0, bad;

  g_return_val_if_fail (AGVIZ_IS_SCENE (scene), NULL);
  g_return_val_if_fail (options != NULL, NULL);

  if (!agviz_scene_expand_to_depth (scene, 1, error) ||
      !expand_by_count (scene, expansions, error))
    return NULL;
  layout = agviz_layout_new (scene, options, error);
  if (layout == NULL || expansions->len == 0 || is_narrow_enough (layout, options->rankdir, view_width, view_height))
    return layout;

  /* Too wide: the largest prefix of the expansions that is narrow enough.  With none, the top
   * level is the picture however wide it is: a scope's own children are not hidden. */
  bad = expansions->len;
  g_clear_object (&layout);
  while (bad - good > 1)
    {
      guint middle = good + (bad - good) / 2;

      layout = lay_out_with (scene, options, expansions, middle, error);
      if (layout == NULL)
        return NULL;
      if (is_narrow_enough (layout, options->rankdir, view_width, view_height))
        {
          good = middle;
          g_set_object (&fitting, layout);
        }
      else
        bad = middle;
      g_clear_object (&layout);
    }
  if (fitting != NULL && good > 0)
    {
      /* The scene must be in the state of the layout returned. */
      if (!apply_expansions (scene, expansions, good, error))
        return NULL;
      return g_steal_pointer (&fitting);
    }
  return lay_out_with (scene, options, expansions, good, error);
}

void
agviz_first_view_frame (AgvizLayout         *layout,
                        AgvizRankdir         rankdir,
                        double               view_width,
                        double               view_height,
                        AgvizFirstViewFrame *frame)
{
  const double margin = AGVIZ_FIRST_VIEW_MARGIN;
  double width, height, usable_width, usable_height, zoom;

  g_return_if_fail (AGVIZ_IS_LAYOUT (layout));
  g_return_if_fail (frame != NULL);

  agviz_layout_get_size (layout, &width, &height);
  width = MAX (width, 1.0);
  height = MAX (height, 1.0);
  usable_width = MAX (1.0, view_width - 2 * margin);
  usable_height = MAX (1.0, view_height - 2 * margin);

  zoom = MIN (1.0, MIN (usable_width / width, usable_height / height));
  if (zoom < AGVIZ_FIRST_VIEW_MIN_ZOOM)
    {
      /* Too long to show whole at a readable zoom: fit across the flow, never below the
       * minimum, and scroll along it. */
      double across = rankdir == AGVIZ_RANKDIR_LR ? usable_height / height : usable_width / width;
      zoom = CLAMP (across, AGVIZ_FIRST_VIEW_MIN_ZOOM, 1.0);
    }
  frame->zoom = zoom;

  /* Centred on each axis that fits; else from where the graph starts: its inputs, at the top
   * (TB), bottom (BT) or left (LR), and the left or top edge across. */
  if (width * zoom <= usable_width)
    frame->x = width / 2 - view_width / (2 * zoom);
  else
    frame->x = -margin / zoom;
  if (height * zoom <= usable_height)
    frame->y = height / 2 - view_height / (2 * zoom);
  else if (rankdir == AGVIZ_RANKDIR_BT)
    frame->y = height + margin / zoom - view_height / zoom;
  else
    frame->y = -margin / zoom;
}
