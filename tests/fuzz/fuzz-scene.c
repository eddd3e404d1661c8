/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-scene.c: the scene builder fed with arbitrary node names and edges
 *
 * Input: lines.  A line "NAME\tOP" adds a node (any bytes but newline and tab); a line
 * ">A B" (two decimal indices into the nodes so far, optional "c" for control) adds an edge.
 * The trace goes through the recorder into a scratch file, then the scene is built, expanded
 * every way, and every item's path is looked up again; then laid out with Graphviz and written
 * as SVG, as `agviz FILE --svg` does.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "agviz-core.h"
#include "agviz-drawing.h"
#include "agviz-layout.h"
#include "agviz-scene-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* Parents, depths, positions and annotations agree (see _agviz_scene_check_tree()). */
static void
check_tree (AgvizScene *scene)
{
  g_autofree char *problem = _agviz_scene_check_tree (scene);

  if (problem != NULL)
    g_error ("scene tree: %s", problem);
}

/* Lays the scene out in its current state and writes it as SVG; every visible item has a box. */
static void
draw (AgvizScene *scene)
{
  static FILE *sink = NULL;
  AgvizLayoutOptions layout_options;
  AgvizDrawingOptions drawing_options = { AGVIZ_COLOR_BY_OP, NULL };
  g_autoptr(AgvizLayout) layout = NULL;
  g_autoptr(GPtrArray) visible = NULL;
  g_autoptr(GError) error = NULL;

  if (sink == NULL)
    sink = fopen ("/dev/null", "w");
  agviz_layout_options_init (&layout_options);
  layout_options.use_cache = FALSE;
  layout = agviz_layout_new (scene, &layout_options, &error);
  g_assert_no_error (error);
  visible = agviz_layout_list_visible (layout);
  for (guint i = 0; i < visible->len; i++)
    {
      AgvizLayoutBox box;
      g_assert (agviz_layout_get_box (layout, g_ptr_array_index (visible, i), &box));
    }
  g_assert (agviz_drawing_write (layout, AGVIZ_DRAWING_FORMAT_SVG, &drawing_options, sink,
                                 &error));
}

/* Laying out is left to inputs of at most 256 nodes: dot on bigger ones takes most of a second
 * under the sanitizers, and the scene builder is what the big inputs are for. */
static void
exercise (const char *path,
          gint64      trace,
          gboolean    lay_out)
{
  g_autoptr(AgvizStore) store = agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, NULL);
  g_autoptr(AgvizScene) scene = NULL;
  g_autoptr(GPtrArray) expanded = NULL;
  AgvizSceneOptions options;

  if (store == NULL)
    return;
  agviz_scene_options_init (&options);
  options.section_max_children = 4;   /* small caps reach sections and nesting quickly */
  options.aux_min_children = 3;
  scene = agviz_scene_new (store, trace, &options, NULL);
  if (scene == NULL)
    return;
  check_tree (scene);
  agviz_scene_expand_all (scene);
  check_tree (scene);
  expanded = agviz_scene_list_expanded (scene);
  for (guint i = 0; i < expanded->len; i++)
    {
      AgvizSceneItem *container = g_ptr_array_index (expanded, i);
      g_autoptr(GArray) edges = agviz_scene_list_edges (scene, container, NULL);

      for (guint c = 0; c < container->children->len; c++)
        {
          AgvizSceneItem *child = g_ptr_array_index (container->children, c);
          g_autofree char *item_path = agviz_scene_item_dup_path (child);
          AgvizSceneItem *found = agviz_scene_find_node (scene, item_path, NULL);

          g_assert (child->parent == container);
          /* Every op is found again under its own name. */
          if (child->kind == AGVIZ_SCENE_ITEM_OP && found != NULL)
            {
              g_autofree char *found_path = agviz_scene_item_dup_path (found);
              g_assert (strcmp (found_path, item_path) == 0);
            }
        }
      for (guint e = 0; e < edges->len; e++)
        {
          AgvizSceneEdge *edge = &g_array_index (edges, AgvizSceneEdge, e);
          g_assert (edge->src->parent == container && edge->dst->parent == container);
          g_assert (edge->count >= edge->control_count);
        }
    }
  agviz_scene_expand_to_depth (scene, 2, NULL);
  check_tree (scene);
  g_ptr_array_unref (agviz_scene_list_expanded (scene));
  if (lay_out)
    draw (scene);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static char *path = NULL;
  static char *empty_file = NULL;
  static gsize empty_length = 0;
  g_autoptr(AgvizRecorder) recorder = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) next_input = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto(GStrv) lines = NULL;
  gint64 fn, trace;
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  if (path == NULL)
    {
      g_autoptr(AgvizRecorder) empty = NULL;

      path = g_strdup_printf ("%s/agviz-fuzz-scene-%d.db", g_get_tmp_dir (), (int) getpid ());
      /* Each input starts from a copy of an empty trace file made once: creating the schema
       * anew would cost more than most inputs. */
      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
          g_unlink (file);
        }
      empty = agviz_recorder_open (path, NULL);
      g_assert (empty != NULL && agviz_recorder_close (empty, NULL));
      g_assert (g_file_get_contents (path, &empty_file, &empty_length, NULL));
    }
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
  g_assert (g_file_set_contents (path, empty_file, empty_length, NULL));

  recorder = agviz_recorder_open (path, NULL);
  if (recorder == NULL)
    return 0;
  fn = agviz_recorder_add_function (recorder, "fuzz", 0, 0, NULL);
  trace = agviz_recorder_begin_trace (recorder, fn, "__inference_fuzz_1", "", "", NULL);
  if (trace == 0)
    return 0;

  lines = g_strsplit (text, "\n", 2000);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (line[0] == '>')
        {
          char *end;
          guint64 a = g_ascii_strtoull (line + 1, &end, 10);
          guint64 b = g_ascii_strtoull (end, &end, 10);
          gboolean control = *end == 'c';
          gint64 src, dst;
          guint n;

          if (ids->len == 0)
            continue;
          src = g_array_index (ids, gint64, a % ids->len);
          dst = g_array_index (ids, gint64, b % ids->len);
          n = GPOINTER_TO_UINT (g_hash_table_lookup (next_input, &dst));
          if (agviz_recorder_add_edge (recorder, trace, src, control ? -1 : 0, dst, (int) n, NULL))
            g_hash_table_replace (next_input, g_memdup2 (&dst, sizeof dst), GUINT_TO_POINTER (n + 1));
        }
      else
        {
          const char *tab = strchr (line, '\t');
          g_autofree char *name = g_strndup (line, tab != NULL ? (gsize) (tab - line) : strlen (line));
          gint64 id = agviz_recorder_add_node (recorder, trace, name, tab != NULL ? tab + 1 : "Op",
                                               NULL, NULL, 0, NULL);

          if (id > 0 && ids->len < 1000)
            g_array_append_val (ids, id);
        }
    }
  agviz_recorder_end_trace (recorder, trace, AGVIZ_TRACE_STATUS_COMPLETE, -1, NULL);
  if (!agviz_recorder_close (recorder, NULL))
    return 0;
  exercise (path, trace, ids->len <= 256);
  return 0;
}
