/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-scene.c: the scene model (hierarchy, series, auxiliary nodes, metaedges, sections,
 * expansion, calls) and the layout cache, on traces written through the recorder */
#include "config.h"

#include <sqlite3.h>

#include "render-fixture.h"
#include "agviz-layout.h"
#include "agviz-scene-private.h"

typedef struct
{
  char *dir;
  char *path;
} TempFile;

static void
temp_setup (TempFile      *fx,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->dir = g_dir_make_tmp ("agviz-scene-XXXXXX", &error);
  g_assert_no_error (error);
  fx->path = g_build_filename (fx->dir, "graph.db", NULL);
}

static void
temp_teardown (TempFile      *fx,
               gconstpointer  data)
{
  render_fixture_remove (fx->path);
  g_rmdir (fx->dir);
  g_free (fx->path);
  g_free (fx->dir);
}

/* The tree's invariants (parents, depths, positions, annotations) hold. */
static void
assert_tree (AgvizScene *scene)
{
  g_autofree char *problem = _agviz_scene_check_tree (scene);

  g_assert_cmpstr (problem, ==, NULL);
}

static AgvizScene *
open_scene (const char              *path,
            gint64                   trace,
            const AgvizSceneOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, &error);
  AgvizScene *scene;

  g_assert_no_error (error);
  scene = agviz_scene_new (store, trace, options, &error);
  g_assert_no_error (error);
  assert_tree (scene);
  return scene;
}

static AgvizSceneItem *
child_named (AgvizSceneItem *item,
             const char     *name)
{
  for (guint i = 0; item->children != NULL && i < item->children->len; i++)
    {
      AgvizSceneItem *child = g_ptr_array_index (item->children, i);
      if (g_str_equal (child->name, name))
        return child;
    }
  return NULL;
}

static void
test_hierarchy (TempFile      *fx,
                gconstpointer  data)
{
  static const FixtureNode nodes[] = {
    { "x", "Placeholder" },
    { "dense", "Identity" },               /* named like the scope below */
    { "dense/MatMul", "MatMul" },
    { "dense/BiasAdd", "BiasAdd" },
    { "dense/kernel/Read", "ReadVariableOp" },
    { "out", "Identity" },
  };
  static const FixtureEdge edges[] = {
    { "x", 0, "dense/MatMul" },
    { "dense/kernel/Read", 0, "dense/MatMul" },
    { "dense/MatMul", 0, "dense/BiasAdd" },
    { "dense/BiasAdd", 0, "out" },
    { "dense/MatMul", -1, "out" },
  };
  gint64 trace = render_fixture_write (fx->path, nodes, G_N_ELEMENTS (nodes), edges, G_N_ELEMENTS (edges));
  g_autoptr(AgvizScene) scene = open_scene (fx->path, trace, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) top_edges = NULL;
  g_autoptr(GHashTable) histogram = NULL;
  AgvizSceneItem *root = agviz_scene_get_root (scene), *dense, *own, *found;
  g_autofree char *own_path = NULL;

  /* Top level: dense (scope, with the op moved inside), out, x. */
  g_assert_cmpuint (root->children->len, ==, 3);
  dense = child_named (root, "dense");
  g_assert_nonnull (dense);
  g_assert_cmpint (dense->kind, ==, AGVIZ_SCENE_ITEM_SCOPE);
  g_assert_cmpint (dense->op_count, ==, 4);
  own = child_named (dense, "dense");
  g_assert_nonnull (own);
  g_assert_true (own->shadowed);
  own_path = agviz_scene_item_dup_path (own);
  g_assert_cmpstr (own_path, ==, "dense");
  histogram = agviz_scene_item_dup_histogram (dense);
  g_assert_cmpuint (GPOINTER_TO_SIZE (g_hash_table_lookup (histogram, "MatMul")), ==, 1);
  g_assert_cmpuint (g_hash_table_size (histogram), ==, 4);

  /* Metaedges at the top: x -> dense (1), dense -> out (2, one of them control). */
  top_edges = agviz_scene_list_edges (scene, root, NULL);
  g_assert_cmpuint (top_edges->len, ==, 2);
  for (guint i = 0; i < top_edges->len; i++)
    {
      AgvizSceneEdge *edge = &g_array_index (top_edges, AgvizSceneEdge, i);
      if (edge->dst == child_named (root, "out"))
        {
          g_assert_true (edge->src == dense);
          g_assert_cmpuint (edge->count, ==, 2);
          g_assert_cmpuint (edge->control_count, ==, 1);
        }
      else
        {
          g_assert_true (edge->src == child_named (root, "x"));
          g_assert_true (edge->dst == dense);
          g_assert_cmpuint (edge->count, ==, 1);
        }
    }

  /* Expansion: find, path, depth. */
  found = agviz_scene_find (scene, "dense/kernel/Read", &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_false (agviz_scene_item_is_visible (found));
  agviz_scene_expand_path_to (scene, found);
  g_assert_true (agviz_scene_item_is_visible (found));
  agviz_scene_expand_to_depth (scene, 1, &error);
  g_assert_false (agviz_scene_item_is_visible (found));
  agviz_scene_expand_to_depth (scene, 3, &error);
  g_assert_true (agviz_scene_item_is_visible (found));
  g_assert_null (agviz_scene_find (scene, "dense/nope", &error));
  g_assert_error (error, AGVIZ_SCENE_ERROR, AGVIZ_SCENE_ERROR_NOT_FOUND);
}

static void
test_series_and_aux (TempFile      *fx,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) nodes = g_array_new (FALSE, FALSE, sizeof (FixtureNode));
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (FixtureEdge));
  FixtureNode node;
  FixtureEdge edge;
  gint64 trace;
  g_autoptr(AgvizScene) scene = NULL;
  AgvizSceneItem *root, *series = NULL, *layers = NULL, *hub, *sink;

  /* add, add_1 .. add_6: one series of 7 AddV2 ops; layer_1 .. layer_6 scopes of equal size. */
  for (int i = 0; i <= 6; i++)
    {
      char *name = i == 0 ? g_strdup ("add") : g_strdup_printf ("add_%d", i);
      g_ptr_array_add (names, name);
      node = (FixtureNode) { name, "AddV2" };
      g_array_append_val (nodes, node);
    }
  for (int i = 1; i <= 6; i++)
    {
      char *name = g_strdup_printf ("layer_%d/MatMul", i);
      g_ptr_array_add (names, name);
      node = (FixtureNode) { name, "MatMul" };
      g_array_append_val (nodes, node);
    }
  /* A hub every add feeds, and a NoOp control sink: both go to the side area. */
  node = (FixtureNode) { "hub", "ConcatV2" };
  g_array_append_val (nodes, node);
  node = (FixtureNode) { "deps", "NoOp" };
  g_array_append_val (nodes, node);
  for (guint i = 0; i < 7; i++)
    {
      edge = (FixtureEdge) { g_ptr_array_index (names, i), 0, "hub" };
      g_array_append_val (edges, edge);
      edge = (FixtureEdge) { g_ptr_array_index (names, i), -1, "deps" };
      g_array_append_val (edges, edge);
    }
  for (guint i = 7; i < 13; i++)
    {
      edge = (FixtureEdge) { g_ptr_array_index (names, i), 0, "hub" };
      g_array_append_val (edges, edge);
    }

  trace = render_fixture_write (fx->path, (FixtureNode *) nodes->data, nodes->len,
                                (FixtureEdge *) edges->data, edges->len);
  {
    AgvizSceneOptions options;
    agviz_scene_options_init (&options);
    options.aux_min_children = 4;   /* the grouped top level has 4 children */
    scene = open_scene (fx->path, trace, &options);
  }
  root = agviz_scene_get_root (scene);
  for (guint i = 0; i < root->children->len; i++)
    {
      AgvizSceneItem *child = g_ptr_array_index (root->children, i);
      if (child->kind == AGVIZ_SCENE_ITEM_SERIES && child->op_type != NULL)
        series = child;
      else if (child->kind == AGVIZ_SCENE_ITEM_SERIES)
        layers = child;
    }
  g_assert_nonnull (series);
  g_assert_cmpstr (series->name, ==, "add_[0-6]");
  g_assert_cmpuint (series->children->len, ==, 7);
  g_assert_cmpint (series->op_count, ==, 7);
  g_assert_nonnull (layers);
  g_assert_cmpstr (layers->name, ==, "layer_[1-6]");
  g_assert_cmpuint (layers->children->len, ==, 6);

  hub = child_named (root, "hub");
  sink = child_named (root, "deps");
  g_assert_true (sink->auxiliary);     /* NoOp sink */
  g_assert_false (series->auxiliary);
  g_assert_cmpuint (hub->in_degree, ==, 2);

  /* Edges touching side items are counted apart. */
  {
    guint n_aux = 0;
    g_autoptr(GArray) top = agviz_scene_list_edges (scene, root, &n_aux);
    g_assert_cmpuint (n_aux, ==, 7);
    g_assert_cmpuint (top->len, ==, 2);
  }

  /* The path of a series member is its own name; find goes through the series. */
  {
    g_autoptr(GError) error = NULL;
    AgvizSceneItem *member = agviz_scene_find (scene, "add_3", &error);
    g_autofree char *path = NULL;

    g_assert_no_error (error);
    g_assert_true (member->parent == series);
    path = agviz_scene_item_dup_path (member);
    g_assert_cmpstr (path, ==, "add_3");
  }
}

static void
test_sections (TempFile      *fx,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) nodes = g_array_new (FALSE, FALSE, sizeof (FixtureNode));
  g_autoptr(AgvizScene) scene = NULL;
  AgvizSceneOptions options;
  AgvizSceneItem *wide;
  gint64 trace;

  /* 25 ops of different types (so no series) in one scope, cap 10: 3 sections. */
  for (int i = 0; i < 25; i++)
    {
      FixtureNode node;
      char *name = g_strdup_printf ("wide/op%c", 'a' + i);
      char *op = g_strdup_printf ("Op%d", i);
      g_ptr_array_add (names, name);
      g_ptr_array_add (names, op);
      node = (FixtureNode) { name, op };
      g_array_append_val (nodes, node);
    }
  trace = render_fixture_write (fx->path, (FixtureNode *) nodes->data, nodes->len, NULL, 0);
  agviz_scene_options_init (&options);
  options.section_max_children = 10;
  scene = open_scene (fx->path, trace, &options);
  wide = child_named (agviz_scene_get_root (scene), "wide");
  g_assert_cmpuint (wide->children->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      AgvizSceneItem *section = g_ptr_array_index (wide->children, i);
      g_assert_cmpint (section->kind, ==, AGVIZ_SCENE_ITEM_SECTION);
      g_assert_cmpuint (section->children->len, ==, i < 2 ? 10 : 5);
    }
  g_assert_cmpstr (((AgvizSceneItem *) g_ptr_array_index (wide->children, 0))->name, ==,
                   "(section 1 of 3)");
  g_assert_nonnull (agviz_scene_find (scene, "wide/opy", NULL));
}

static void
test_calls_inline (void)
{
  const char *example = g_getenv ("AGVIZ_EXAMPLE_TRACE");
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(AgvizTrace) trace = NULL;
  g_autoptr(AgvizScene) scene = NULL;
  AgvizSceneItem *call, *callee;

  if (example == NULL || !g_file_test (example, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("AGVIZ_EXAMPLE_TRACE not set");
      return;
    }
  store = agviz_store_open (example, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  trace = agviz_store_find_trace (store, "__inference_train_step_57", &error);
  g_assert_no_error (error);
  scene = agviz_scene_new (store, trace->id, NULL, &error);
  g_assert_no_error (error);
  call = agviz_scene_find (scene, "StatefulPartitionedCall", &error);
  g_assert_no_error (error);
  /* Tensor sizes from _output_shapes: x is [4,2], so its edge carries 8 elements. */
  {
    g_autoptr(GArray) edges = agviz_scene_list_edges (scene, agviz_scene_get_root (scene), NULL);
    gboolean seen = FALSE;

    for (guint i = 0; i < edges->len; i++)
      {
        AgvizSceneEdge *edge = &g_array_index (edges, AgvizSceneEdge, i);
        if (edge->dst == call && g_str_equal (edge->src->name, "x"))
          {
            g_assert_cmpint (edge->tensor_elements, ==, 8);
            seen = TRUE;
          }
      }
    g_assert_true (seen);
  }
  g_assert_nonnull (call->callees);
  g_assert_cmpstr (call->callees[0], ==, "__inference___call___41");
  g_assert_true (agviz_scene_item_is_expandable (call));
  g_assert_true (agviz_scene_expand (scene, call, &error));
  g_assert_no_error (error);
  g_assert_true (call->expanded);
  callee = g_ptr_array_index (call->children, 0);
  g_assert_cmpint (callee->kind, ==, AGVIZ_SCENE_ITEM_ROOT);
  g_assert_cmpstr (callee->name, ==, "__inference___call___41");
  g_assert_cmpint (callee->op_count, ==, 6);
  g_assert_cmpint (callee->trace_id, !=, trace->id);
  /* The callee's own edges are drawn inside it. */
  {
    AgvizSceneItem *inner = agviz_scene_find (scene, "StatefulPartitionedCall/__inference___call___41/demo_module",
                                              &error);
    g_assert_no_error (error);
    g_assert_cmpint (inner->kind, ==, AGVIZ_SCENE_ITEM_SCOPE);
  }
}

static void
test_layout_cache (TempFile      *fx,
                   gconstpointer  data)
{
  static const FixtureNode nodes[] = {
    { "a/x", "Placeholder" }, { "a/y", "Relu" }, { "b/z", "MatMul" }, { "c", "Identity" },
  };
  static const FixtureEdge edges[] = {
    { "a/x", 0, "a/y" }, { "a/y", 0, "b/z" }, { "b/z", 0, "c" },
  };
  gint64 trace = render_fixture_write (fx->path, nodes, G_N_ELEMENTS (nodes), edges, G_N_ELEMENTS (edges));
  g_autoptr(GError) error = NULL;
  AgvizLayoutBox first_box = { 0 }, box;

  for (int run = 0; run < 3; run++)
    {
      /* Runs 0 and 1 writable (lay out, then from the cache), run 2 read-only. */
      g_autoptr(AgvizStore) store = agviz_store_open (fx->path, run < 2 ? AGVIZ_STORE_FLAGS_WRITABLE
                                                                         : AGVIZ_STORE_FLAGS_NONE, &error);
      g_autoptr(AgvizScene) scene = NULL;
      g_autoptr(AgvizLayout) layout = NULL;
      const AgvizLayoutStats *stats;

      g_assert_no_error (error);
      scene = agviz_scene_new (store, trace, NULL, &error);
      g_assert_no_error (error);
      agviz_scene_expand_all (scene);
      layout = agviz_layout_new (scene, NULL, &error);
      g_assert_no_error (error);
      stats = agviz_layout_get_stats (layout);
      g_assert_cmpuint (stats->layouts, ==, 3);
      g_assert_cmpuint (stats->dot_runs, ==, run == 0 ? 3 : 0);
      g_assert_cmpuint (stats->cache_writes, ==, run == 0 ? 3 : 0);
      g_assert_true (agviz_layout_get_box (layout, agviz_scene_find (scene, "b/z", NULL), &box));
      if (run == 0)
        first_box = box;
      else
        g_assert_cmpmem (&box, sizeof box, &first_box, sizeof first_box);
      g_assert_cmpuint (stats->drawn_edges, ==, 3);   /* a -> b at the top, b -> c; a/x -> a/y inside a */

      /* A read-only store refuses to write, and says so. */
      if (run == 2)
        {
          g_autoptr(GBytes) blob = g_bytes_new_static ("x", 1);
          g_assert_false (agviz_store_put_cached_layout (store, trace, "k", blob, &error));
          g_assert_error (error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_READ_ONLY);
          g_clear_error (&error);
        }
    }

  /* A different state misses the cache and lays out only what changed. */
  {
    g_autoptr(AgvizStore) store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_WRITABLE, &error);
    g_autoptr(AgvizScene) scene = agviz_scene_new (store, trace, NULL, &error);
    g_autoptr(AgvizLayout) layout = NULL;

    g_assert_no_error (error);
    agviz_scene_expand (scene, agviz_scene_find (scene, "a", NULL), &error);
    layout = agviz_layout_new (scene, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (agviz_layout_get_stats (layout)->dot_runs, ==, 1);   /* root; "a" is cached */
  }
}

static void
test_migrate_v1 (TempFile      *fx,
                 gconstpointer  data)
{
  static const FixtureNode nodes[] = { { "x", "Placeholder" } };
  gint64 trace = render_fixture_write (fx->path, nodes, 1, NULL, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GBytes) blob = g_bytes_new_static ("layout", 6);
  g_autoptr(GBytes) back = NULL;
  sqlite3 *db;

  /* Turn the file back into what agviz 0.1 wrote: schema 1, no layout cache, no scope edges. */
  g_assert_cmpint (sqlite3_open (fx->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TABLE layout_cache; DROP TABLE scope_edges;"
                                 " ALTER TABLE traces DROP COLUMN scope_edges;"
                                 " ALTER TABLE traces DROP COLUMN object;"
                                 " PRAGMA user_version = 1;", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);

  store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_WRITABLE, &error);
  g_assert_no_error (error);
  g_assert_true (agviz_store_put_cached_layout (store, trace, "k", blob, &error));
  g_assert_no_error (error);
  back = agviz_store_get_cached_layout (store, trace, "k", &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, blob));
  g_assert_true (agviz_store_clear_cached_layouts (store, trace, &error));
  g_clear_pointer (&back, g_bytes_unref);
  back = agviz_store_get_cached_layout (store, trace, "k", &error);
  g_assert_no_error (error);
  g_assert_null (back);
}

/* Everything a drawing of the current state depends on, as text: the visible items and the
 * metaedges inside every expanded item.  Op histograms are left out: a scene that reads one scope
 * at a time knows them only for what it has read. */
static char *
describe_view (AgvizScene *scene)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  g_autoptr(GPtrArray) expanded = agviz_scene_list_expanded (scene);

  g_ptr_array_add (stack, agviz_scene_get_root (scene));
  while (stack->len > 0)
    {
      AgvizSceneItem *item = g_ptr_array_steal_index_fast (stack, stack->len - 1);
      g_autofree char *path = agviz_scene_item_dup_path (item);

      g_string_append_printf (out, "%*s%d %s [%s] ops=%" G_GINT64_FORMAT " op=%s pos=%u in=%u out=%u"
                              " %s%s%s%s\n", (int) MIN (item->depth, 40), "", item->kind, item->name,
                              path, item->op_count, item->op_type ? item->op_type : "-",
                              item->position, item->in_degree, item->out_degree,
                              item->expanded ? "E" : "", item->auxiliary ? "A" : "",
                              item->shadowed ? "S" : "",
                              agviz_scene_item_is_expandable (item) ? "X" : "");
      for (guint a = 0; agviz_scene_item_get_annotations (item) != NULL &&
                        a < agviz_scene_item_get_annotations (item)->len; a++)
        {
          AgvizSceneItem *annotation = g_ptr_array_index (agviz_scene_item_get_annotations (item), a);
          g_string_append_printf (out, "%*s  annotation %s %s%s edges=%u\n", (int) MIN (item->depth, 40), "",
                                  annotation->name, annotation->annotation_out ? "out" : "in",
                                  annotation->annotation_hidden ? " hidden" : "",
                                  annotation->annotation_edges);
        }
      if (item->expanded && item->children != NULL)
        for (guint i = item->children->len; i-- > 0;)
          g_ptr_array_add (stack, g_ptr_array_index (item->children, i));
    }
  for (guint i = 0; i < expanded->len; i++)
    {
      AgvizSceneItem *container = g_ptr_array_index (expanded, i);
      g_autofree char *path = agviz_scene_item_dup_path (container);
      guint n_aux = 0;
      g_autoptr(GArray) edges = agviz_scene_list_edges (scene, container, &n_aux);

      g_string_append_printf (out, "edges in %s/%s: aux %u\n", path, container->name, n_aux);
      for (guint e = 0; e < edges->len; e++)
        {
          AgvizSceneEdge *edge = &g_array_index (edges, AgvizSceneEdge, e);
          g_string_append_printf (out, "  %s -> %s: %u %u %u %" G_GINT64_FORMAT "\n", edge->src->name,
                                  edge->dst->name, edge->count, edge->control_count,
                                  edge->reference_count, edge->tensor_elements);
        }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

typedef void (*ViewStep) (AgvizScene *scene);

static void
step_none (AgvizScene *scene)
{
}

static void
step_depth_3 (AgvizScene *scene)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (agviz_scene_expand_to_depth (scene, 3, &error));
  g_assert_no_error (error);
}

static void
step_all (AgvizScene *scene)
{
  agviz_scene_expand_all (scene);
}

static void
step_focus (AgvizScene *scene)
{
  g_autoptr(GError) error = NULL;
  const char *names[] = { "model/block_2/layer_7/Relu", "model/block_1", "a/a", "wide/op7",
                          "StatefulPartitionedCall" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      AgvizSceneItem *item = agviz_scene_find_node (scene, names[i], NULL);

      if (item == NULL)
        continue;
      agviz_scene_expand_path_to (scene, item);
      g_assert_true (agviz_scene_expand (scene, item, &error));
      g_assert_no_error (error);
    }
}

static void
assert_same_views (const char              *path,
                   gint64                   trace,
                   const AgvizSceneOptions *options)
{
  static const ViewStep steps[] = { step_none, step_depth_3, step_focus, step_all };

  for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AgvizStore) store = agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, &error);
      g_autoptr(AgvizScene) whole = NULL;
      g_autoptr(AgvizScene) lazy = NULL;
      g_autofree char *whole_text = NULL;
      g_autofree char *lazy_text = NULL;

      g_assert_no_error (error);
      whole = _agviz_scene_new_with_mode (store, trace, options, AGVIZ_SCENE_LOAD_WHOLE, &error);
      g_assert_no_error (error);
      lazy = _agviz_scene_new_with_mode (store, trace, options, AGVIZ_SCENE_LOAD_LAZY, &error);
      g_assert_no_error (error);
      steps[s] (whole);
      steps[s] (lazy);
      assert_tree (whole);
      assert_tree (lazy);
      whole_text = describe_view (whole);
      lazy_text = describe_view (lazy);
      g_assert_cmpstr (lazy_text, ==, whole_text);
      g_assert_cmpuint (agviz_scene_get_n_edges (lazy), ==, agviz_scene_get_n_edges (whole));
    }
}

static void
test_lazy_same (TempFile      *fx,
                gconstpointer  data)
{
  static const char *const layer_ops[] = { "MatMul", "BiasAdd", "Relu", "Add", "Mul", "Sub",
                                           "Tanh", "Sigmoid", "Neg", "Exp" };
  g_autoptr(GStringChunk) strings = g_string_chunk_new (4096);
  g_autoptr(GArray) nodes = g_array_new (FALSE, FALSE, sizeof (FixtureNode));
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (FixtureEdge));
  const char *previous = NULL;
  AgvizSceneOptions options;
  FixtureNode node;
  FixtureEdge edge;
  gint64 trace;

#define ADD_NODE(n, o) (node = (FixtureNode) { g_string_chunk_insert_const (strings, (n)), (o) }, \
                        g_array_append_val (nodes, node))
#define ADD_EDGE(a, slot, b) (edge = (FixtureEdge) { g_string_chunk_insert_const (strings, (a)), (slot), \
                                                     g_string_chunk_insert_const (strings, (b)) }, \
                              g_array_append_val (edges, edge))
  /* Layers in blocks of three structures (as bench-render draws), chained, with residuals. */
  for (guint block = 1; block <= 4; block++)
    for (guint layer = 1; layer <= 12; layer++)
      {
        guint n_ops = 4 + 2 * (block % 3);
        g_autofree char *first = NULL;

        for (guint op = 0; op < n_ops; op++)
          {
            g_autofree char *name = g_strdup_printf ("model/block_%u/layer_%u/%s", block, layer,
                                                     layer_ops[op]);
            ADD_NODE (name, layer_ops[op]);
            if (previous != NULL)
              ADD_EDGE (previous, 0, name);
            if (first == NULL)
              first = g_strdup (name);
            else if (op + 1 == n_ops)
              ADD_EDGE (first, 0, name);
            previous = g_string_chunk_insert_const (strings, name);
          }
      }
  /* An op named like a scope, with edges into, out of and beside it. */
  ADD_NODE ("model/block_1", "Identity");
  ADD_EDGE ("model/block_1", 0, "model/block_1/layer_1/MatMul");
  ADD_EDGE ("model/block_2/layer_7/Relu", 0, "model/block_1");
  ADD_EDGE ("model/block_1", -1, "model/block_3/layer_2/MatMul");
  /* A variable and its assignment (a reference edge); a hub of control edges; a NoOp sink. */
  ADD_NODE ("model/v", "VarHandleOp");
  ADD_NODE ("model/assign", "AssignVariableOp");
  ADD_EDGE ("model/v", 0, "model/assign");
  ADD_EDGE ("model/block_4/layer_12/MatMul", 0, "model/assign");
  ADD_NODE ("model/step", "Identity");
  ADD_NODE ("deps", "NoOp");
  for (guint layer = 1; layer <= 12; layer++)
    {
      g_autofree char *name = g_strdup_printf ("model/block_3/layer_%u/BiasAdd", layer);
      ADD_EDGE ("model/step", -1, name);
      ADD_EDGE (name, -1, "deps");
    }
  /* Numbered ops at the top, a wide scope, hostile names. */
  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *name = i == 0 ? g_strdup ("add") : g_strdup_printf ("add_%u", i);
      ADD_NODE (name, "AddV2");
      ADD_EDGE (name, 0, "deps");
    }
  for (guint i = 0; i < 27; i++)
    {
      g_autofree char *name = g_strdup_printf ("wide/op%u", i);
      g_autofree char *op = g_strdup_printf ("Op%u", i % 9);
      ADD_NODE (name, g_string_chunk_insert_const (strings, op));
      if (i > 0)
        {
          g_autofree char *before = g_strdup_printf ("wide/op%u", i - 1);
          ADD_EDGE (before, 0, name);
        }
    }
  ADD_EDGE ("wide/op26", 0, "model/block_1/layer_3/Relu");
  ADD_NODE ("a", "Identity");
  ADD_NODE ("a/a/x", "Identity");
  ADD_NODE ("a/y", "Identity");
  ADD_NODE ("a//b", "Identity");
  ADD_EDGE ("a", 0, "a/a/x");
  ADD_EDGE ("a", 0, "a/y");
  ADD_EDGE ("a/y", 0, "a//b");
  ADD_EDGE ("a//b", 0, "add_3");
  /* Constants and summaries: embedded in one op, in a scope, in two ops, across scopes. */
  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *name = g_strdup_printf ("model/block_1/layer_2/w%u", i);
      ADD_NODE (name, "Const");
      ADD_EDGE (name, 0, "model/block_1/layer_2/MatMul");
    }
  ADD_NODE ("model/block_1/layer_2/loss", "ScalarSummary");
  ADD_EDGE ("model/block_1/layer_2/Relu", 0, "model/block_1/layer_2/loss");
  ADD_NODE ("model/scale", "Const");
  ADD_EDGE ("model/scale", 0, "model/block_2/layer_1/Mul");
  ADD_EDGE ("model/scale", 0, "model/block_2/layer_3/Mul");
  ADD_NODE ("model/block_3/layer_1/shared", "Const");
  ADD_EDGE ("model/block_3/layer_1/shared", 0, "model/block_3/layer_1/MatMul");
  ADD_EDGE ("model/block_3/layer_1/shared", 0, "model/block_3/layer_1/Relu");
  ADD_NODE ("model/block_3/layer_1/far", "Const");
  ADD_EDGE ("model/block_3/layer_1/far", 0, "model/block_4/layer_1/MatMul");
#undef ADD_NODE
#undef ADD_EDGE

  trace = render_fixture_write (fx->path, (FixtureNode *) nodes->data, nodes->len,
                                (FixtureEdge *) edges->data, edges->len);
  assert_same_views (fx->path, trace, NULL);
  /* ... and the per-scope read did not read what is closed. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(AgvizStore) store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
    g_autoptr(AgvizScene) lazy = _agviz_scene_new_with_mode (store, trace, NULL, AGVIZ_SCENE_LOAD_LAZY,
                                                             &error);
    AgvizSceneItem *model;

    g_assert_no_error (error);
    model = child_named (agviz_scene_get_root (lazy), "model");
    g_assert_true (model->unloaded);
    g_assert_null (model->children);
    g_assert_true (agviz_scene_item_is_expandable (model));
    g_assert_true (agviz_scene_expand (lazy, model, &error));
    g_assert_no_error (error);
    g_assert_false (model->unloaded);
    g_assert_nonnull (child_named (model, "block_3"));
  }
  agviz_scene_options_init (&options);
  options.section_max_children = 10;
  options.aux_min_children = 4;
  assert_same_views (fx->path, trace, &options);
  options.extract_auxiliary = FALSE;
  options.series_min_size = 3;
  assert_same_views (fx->path, trace, &options);
}

static void
test_annotations (TempFile      *fx,
                  gconstpointer  data)
{
  static const FixtureNode nodes[] = {
    { "x", "Placeholder" },
    { "dense/MatMul", "MatMul" },
    { "dense/kernel", "Const" },         /* feeds MatMul only: an annotation */
    { "dense/bias", "Const" },           /* feeds two ops: stays a box */
    { "dense/BiasAdd", "BiasAdd" },
    { "dense/Relu", "Relu" },
    { "dense/relu_hist", "HistogramSummary" },
    /* Not numbered: numbered siblings would fold into a series. */
    { "ca", "Const" }, { "cb", "Const" }, { "cc", "Const" }, { "cd", "Const" },
    { "ce", "Const" }, { "cf", "Const" }, { "cg", "Const" },
    { "sum", "AddN" },
  };
  static const FixtureEdge edges[] = {
    { "x", 0, "dense/MatMul" },
    { "dense/kernel", 0, "dense/MatMul" },
    { "dense/MatMul", 0, "dense/BiasAdd" },
    { "dense/bias", 0, "dense/BiasAdd" },
    { "dense/bias", 0, "dense/Relu" },
    { "dense/BiasAdd", 0, "dense/Relu" },
    { "dense/Relu", 0, "dense/relu_hist" },
    { "ca", 0, "sum" }, { "cb", 0, "sum" }, { "cc", 0, "sum" }, { "cd", 0, "sum" },
    { "ce", 0, "sum" }, { "cf", 0, "sum" }, { "cg", 0, "sum" },
  };
  gint64 trace = render_fixture_write (fx->path, nodes, G_N_ELEMENTS (nodes), edges, G_N_ELEMENTS (edges));
  g_autoptr(AgvizScene) scene = open_scene (fx->path, trace, NULL);
  g_autoptr(AgvizScene) plain = NULL;
  AgvizSceneOptions options;
  AgvizSceneItem *root = agviz_scene_get_root (scene), *dense, *matmul, *relu, *sum, *kernel;
  GPtrArray *annotations;
  guint hidden = 0;

  dense = child_named (root, "dense");
  g_assert_true (agviz_scene_expand (scene, dense, NULL));
  matmul = child_named (dense, "MatMul");
  relu = child_named (dense, "Relu");
  sum = child_named (root, "sum");
  g_assert_null (child_named (dense, "kernel"));
  g_assert_null (child_named (dense, "relu_hist"));
  g_assert_nonnull (child_named (dense, "bias"));
  annotations = agviz_scene_item_get_annotations (matmul);
  g_assert_nonnull (annotations);
  g_assert_cmpuint (annotations->len, ==, 1);
  kernel = g_ptr_array_index (annotations, 0);
  g_assert_cmpstr (kernel->name, ==, "kernel");
  g_assert_true (kernel->annotation && !kernel->annotation_out && kernel->annotated == matmul);
  g_assert_cmpuint (kernel->annotation_edges, ==, 1);
  g_assert_true (agviz_scene_find_node (scene, "dense/kernel", NULL) == kernel);
  {
    g_autofree char *kernel_path = agviz_scene_item_dup_path (kernel);
    g_assert_cmpstr (kernel_path, ==, "dense/kernel");
  }
  annotations = agviz_scene_item_get_annotations (relu);
  g_assert_cmpuint (annotations->len, ==, 1);
  g_assert_true (((AgvizSceneItem *) g_ptr_array_index (annotations, 0))->annotation_out);
  g_assert_null (agviz_scene_item_get_annotations (child_named (dense, "bias")));

  /* More than five on one side: the rest are drawn as an ellipsis. */
  annotations = agviz_scene_item_get_annotations (sum);
  g_assert_cmpuint (annotations->len, ==, 7);
  for (guint i = 0; i < annotations->len; i++)
    hidden += ((AgvizSceneItem *) g_ptr_array_index (annotations, i))->annotation_hidden;
  g_assert_cmpuint (hidden, ==, 2);
  g_assert_false (((AgvizSceneItem *) g_ptr_array_index (annotations, 4))->annotation_hidden);
  g_assert_true (((AgvizSceneItem *) g_ptr_array_index (annotations, 5))->annotation_hidden);

  /* Their edges are no metaedges; the histogram still counts them. */
  {
    g_autoptr(GArray) edges_in = agviz_scene_list_edges (scene, dense, NULL);
    g_autoptr(GHashTable) histogram = agviz_scene_item_dup_histogram (root);

    for (guint e = 0; e < edges_in->len; e++)
      g_assert_false (g_array_index (edges_in, AgvizSceneEdge, e).src->annotation);
    g_assert_cmpuint (GPOINTER_TO_SIZE (g_hash_table_lookup (histogram, "Const")), ==, 9);
    g_assert_cmpuint (agviz_scene_get_n_edges (scene), ==, G_N_ELEMENTS (edges));
  }

  agviz_scene_options_init (&options);
  options.annotations = FALSE;
  plain = open_scene (fx->path, trace, &options);
  g_assert_nonnull (child_named (agviz_scene_get_root (plain), "ca"));
  g_assert_null (agviz_scene_item_get_annotations (child_named (agviz_scene_get_root (plain), "sum")));

  assert_same_views (fx->path, trace, NULL);
  assert_same_views (fx->path, trace, &options);
}

/* A Keras model with more layers than a section holds (ResNet-152: 500-odd layer scopes under
 * "resnet152_1"), where a layer's Const feeds one op only ("conv1_pad_1/Const" -> "Pad"): the
 * model scope is cut into sections after the Const became an annotation of its layer's Pad, so
 * the layer and everything in it moved one level deeper.  The annotation's depth has to follow,
 * or the walk up from it to an edge's common ancestor runs past the root. */
static void
test_annotations_in_sections (TempFile      *fx,
                              gconstpointer  data)
{
  g_autoptr(GStringChunk) strings = g_string_chunk_new (4096);
  g_autoptr(GArray) nodes = g_array_new (FALSE, FALSE, sizeof (FixtureNode));
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (FixtureEdge));
  g_autoptr(AgvizScene) scene = NULL;
  g_autoptr(GArray) top = NULL;
  g_autoptr(GError) error = NULL;
  AgvizSceneOptions options;
  AgvizSceneItem *model, *pad, *constant;
  const char *previous = "images";
  FixtureNode node = { "images", "Placeholder" };
  guint n_layers;
  gint64 trace;

  agviz_scene_options_init (&options);
  n_layers = options.section_max_children + 1;
  g_array_append_val (nodes, node);
  /* Layer names end in a word, not a number, so they do not fold into a series. */
  for (guint i = 0; i < n_layers; i++)
    {
      g_autofree char *constant_name = g_strdup_printf ("resnet152_1/conv%u_pad_1/Const", i);
      g_autofree char *pad_name = g_strdup_printf ("resnet152_1/conv%u_pad_1/Pad", i);
      FixtureEdge edge;

      node = (FixtureNode) { g_string_chunk_insert_const (strings, constant_name), "Const" };
      g_array_append_val (nodes, node);
      node = (FixtureNode) { g_string_chunk_insert_const (strings, pad_name), "Pad" };
      g_array_append_val (nodes, node);
      edge = (FixtureEdge) { previous, 0, g_string_chunk_insert_const (strings, pad_name) };
      g_array_append_val (edges, edge);
      edge = (FixtureEdge) { g_string_chunk_insert_const (strings, constant_name), 1,
                             g_string_chunk_insert_const (strings, pad_name) };
      g_array_append_val (edges, edge);
      previous = g_string_chunk_insert_const (strings, pad_name);
    }
  trace = render_fixture_write (fx->path, (FixtureNode *) nodes->data, nodes->len,
                                (FixtureEdge *) edges->data, edges->len);

  scene = open_scene (fx->path, trace, NULL);
  model = child_named (agviz_scene_get_root (scene), "resnet152_1");
  g_assert_nonnull (model);
  g_assert_cmpuint (model->children->len, ==, 2);
  g_assert_cmpint (((AgvizSceneItem *) g_ptr_array_index (model->children, 0))->kind, ==,
                   AGVIZ_SCENE_ITEM_SECTION);
  pad = agviz_scene_find_node (scene, "resnet152_1/conv7_pad_1/Pad", &error);
  g_assert_no_error (error);
  g_assert_nonnull (pad->annotations);
  constant = g_ptr_array_index (pad->annotations, 0);
  g_assert_cmpstr (constant->name, ==, "Const");
  g_assert_cmpuint (pad->parent->depth, ==, 3);     /* root, resnet152_1, section, layer */
  g_assert_cmpuint (constant->depth, ==, pad->depth);

  /* What `agviz FILE --svg` and `--all` ask of the scene. */
  top = agviz_scene_list_edges (scene, agviz_scene_get_root (scene), NULL);
  g_assert_cmpuint (top->len, ==, 1);                /* images -> resnet152_1 */
  agviz_scene_expand_all (scene);
  assert_tree (scene);
  {
    g_autoptr(GArray) inside = agviz_scene_list_edges (scene, pad->parent, NULL);
    g_assert_cmpuint (inside->len, ==, 0);           /* the Const's edge is its annotation */
  }

  options.section_max_children = 100;               /* nested sections: 501 layers, cap 100 */
  assert_same_views (fx->path, trace, NULL);
  assert_same_views (fx->path, trace, &options);
}

/* Annotations hang beside ops that always stay boxes.  Keras names put a Const beside an op
 * named like a sibling scope ("dropout_1/Const" feeding "dropout_1/Add", which moves inside the
 * scope "dropout_1/Add" of "dropout_1/Add/ReadVariableOp"), or feeding ops inside a scope from
 * outside ("ones" into two ops of "gradient_tape").  Embedded in the scope's box, such a Const
 * vanished with its edge from a drawing where the scope is open. */
static void
test_annotation_hosts (TempFile      *fx,
                       gconstpointer  data)
{
  static const FixtureNode nodes[] = {
    { "dropout_1/Add/ReadVariableOp", "ReadVariableOp" },
    { "dropout_1/Add", "AddV2" },
    { "dropout_1/Const", "Const" },
    { "dropout_1/Cast", "Cast" },
    { "ones", "Const" },
    { "gradient_tape/div_no_nan", "DivNoNan" },
    { "gradient_tape/mul", "Mul" },
    { "call", "StatefulPartitionedCall" },
    { "call_input", "Const" },
  };
  static const FixtureEdge edges[] = {
    { "dropout_1/Add/ReadVariableOp", 0, "dropout_1/Add" },
    { "dropout_1/Const", 0, "dropout_1/Add" },
    { "dropout_1/Add", 0, "dropout_1/Cast" },
    { "ones", 0, "gradient_tape/div_no_nan" },
    { "ones", 0, "gradient_tape/mul" },
    { "call_input", 0, "call" },
  };
  gint64 trace = render_fixture_write (fx->path, nodes, G_N_ELEMENTS (nodes), edges, G_N_ELEMENTS (edges));
  g_autoptr(AgvizScene) scene = NULL;
  AgvizSceneItem *root, *dropout, *scope_add;

  /* The call op is made a caller by hand: the fixture writer records no calls. */
  {
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open (fx->path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "INSERT INTO calls (node_id, role, callee_graph_name) "
                                   "SELECT id, 'f', '__inference_g_2' FROM nodes WHERE name = 'call'",
                                   NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
  scene = open_scene (fx->path, trace, NULL);
  root = agviz_scene_get_root (scene);
  dropout = child_named (root, "dropout_1");
  scope_add = child_named (dropout, "Add");
  g_assert_cmpint (scope_add->kind, ==, AGVIZ_SCENE_ITEM_SCOPE);
  g_assert_nonnull (child_named (dropout, "Const"));
  g_assert_null (agviz_scene_item_get_annotations (scope_add));
  g_assert_nonnull (child_named (root, "ones"));
  g_assert_null (agviz_scene_item_get_annotations (child_named (root, "gradient_tape")));
  g_assert_nonnull (child_named (root, "call_input"));
  g_assert_null (agviz_scene_item_get_annotations (child_named (root, "call")));

  /* Open, the scope draws the Const's edge into its own op, from outside. */
  g_assert_true (agviz_scene_expand (scene, dropout, NULL));
  g_assert_true (agviz_scene_expand (scene, scope_add, NULL));
  {
    g_autoptr(GArray) inside = agviz_scene_list_edges (scene, dropout, NULL);
    gboolean seen = FALSE;

    for (guint e = 0; e < inside->len; e++)
      seen |= g_array_index (inside, AgvizSceneEdge, e).src == child_named (dropout, "Const") &&
              g_array_index (inside, AgvizSceneEdge, e).dst == scope_add;
    g_assert_true (seen);
  }
  assert_same_views (fx->path, trace, NULL);
}

static void
test_lazy_same_example (void)
{
  const char *example = g_getenv ("AGVIZ_EXAMPLE_TRACE");
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) functions = NULL;

  if (example == NULL || !g_file_test (example, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("AGVIZ_EXAMPLE_TRACE not set");
      return;
    }
  store = agviz_store_open (example, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  functions = agviz_store_list_functions (store, &error);
  g_assert_no_error (error);
  for (guint f = 0; f < functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (functions, f);

      for (guint i = 0; i < function->traces->len; i++)
        assert_same_views (example, ((AgvizTrace *) g_ptr_array_index (function->traces, i))->id, NULL);
    }
}

/* The _Arg and Placeholder ops of @nodes by role, counted from the fixture itself: arguments of
 * dtype resource are captures, the others inputs (every fixture argument is user-named). */
static void
count_fixture_args (const FixtureNode *nodes,
                    guint              n_nodes,
                    guint             *n_inputs,
                    guint             *n_captures)
{
  *n_inputs = *n_captures = 0;
  for (guint i = 0; i < n_nodes; i++)
    if (g_str_equal (nodes[i].op, "_Arg") || g_str_equal (nodes[i].op, "Placeholder"))
      (*(g_strcmp0 (nodes[i].arg_type, "resource") == 0 ? n_captures : n_inputs))++;
}

/* A function body as TF 2.21 writes it: its arguments, the captured variable handles, and ops
 * connected to nothing the function returns (an initialiser, a lone constant, an assert). */
static void
test_input_groups (TempFile      *fx,
                   gconstpointer  data)
{
  static const FixtureNode nodes[] = {
    { "x", "_Arg", "float32" },
    { "k", "_Arg", "float32" },
    { "dense_matmul_readvariableop_resource", "_Arg", "resource" },
    { "dense_biasadd_readvariableop_resource", "_Arg", "resource" },
    { "dense/MatMul/ReadVariableOp", "ReadVariableOp" },
    { "dense/MatMul", "MatMul" },
    { "dense/BiasAdd/ReadVariableOp", "ReadVariableOp" },
    { "dense/BiasAdd", "BiasAdd" },
    { "mul", "Mul" },
    { "identity_RetVal", "_Retval" },
    { "init/Assign", "AssignVariableOp" },
    { "init", "NoOp" },
    { "lone", "Const" },
    { "check/Assert", "Assert" },
  };
  static const FixtureEdge edges[] = {
    { "x", 0, "dense/MatMul" },
    { "dense_matmul_readvariableop_resource", 0, "dense/MatMul/ReadVariableOp" },
    { "dense/MatMul/ReadVariableOp", 0, "dense/MatMul" },
    { "dense_biasadd_readvariableop_resource", 0, "dense/BiasAdd/ReadVariableOp" },
    { "dense/MatMul", 0, "dense/BiasAdd" },
    { "dense/BiasAdd/ReadVariableOp", 0, "dense/BiasAdd" },
    { "dense/BiasAdd", 0, "mul" },
    { "k", 0, "mul" },
    { "mul", 0, "identity_RetVal" },
    { "init/Assign", -1, "init" },
  };
  gint64 trace = render_fixture_write (fx->path, nodes, G_N_ELEMENTS (nodes), edges, G_N_ELEMENTS (edges));
  g_autoptr(AgvizScene) scene = open_scene (fx->path, trace, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) top_edges = NULL;
  g_autofree char *inputs_name = NULL;
  g_autofree char *captures_name = NULL;
  g_autofree char *x_path = NULL;
  AgvizSceneItem *root = agviz_scene_get_root (scene), *inputs, *captures, *unconnected, *x;
  guint n_inputs, n_captures;

  count_fixture_args (nodes, G_N_ELEMENTS (nodes), &n_inputs, &n_captures);
  inputs_name = g_strdup_printf ("inputs (%u)", n_inputs);
  captures_name = g_strdup_printf ("captures (%u)", n_captures);
  inputs = child_named (root, inputs_name);
  captures = child_named (root, captures_name);
  g_assert_nonnull (inputs);
  g_assert_nonnull (captures);
  g_assert_cmpint (inputs->kind, ==, AGVIZ_SCENE_ITEM_GROUP);
  g_assert_cmpuint (inputs->children->len, ==, n_inputs);
  g_assert_cmpuint (captures->children->len, ==, n_captures);
  g_assert_cmpstr (inputs->op_type, ==, "_Arg");

  /* The initialiser scope, the constant and the assert reach nothing the function returns. */
  unconnected = child_named (root, "unconnected (4)");
  g_assert_nonnull (unconnected);
  g_assert_cmpuint (unconnected->children->len, ==, 3);
  g_assert_nonnull (child_named (unconnected, "init"));
  g_assert_nonnull (child_named (unconnected, "lone"));
  g_assert_nonnull (child_named (unconnected, "check"));
  /* inputs, captures, dense, mul, identity_RetVal, unconnected */
  g_assert_cmpuint (root->children->len, ==, 6);

  /* The groups feed what their members feed, as metaedges. */
  top_edges = agviz_scene_list_edges (scene, root, NULL);
  for (guint i = 0; i < top_edges->len; i++)
    {
      AgvizSceneEdge *edge = &g_array_index (top_edges, AgvizSceneEdge, i);

      if (edge->src == captures)
        g_assert_true (edge->dst == child_named (root, "dense") && edge->count == 2);
      if (edge->src == inputs)
        g_assert_cmpuint (edge->count, ==, 1);
      g_assert_true (edge->src != unconnected && edge->dst != unconnected);
    }
  g_assert_cmpuint (top_edges->len, ==, 5);

  /* Found by its name, opened to show its members, which keep their own names. */
  g_assert_true (agviz_scene_find (scene, inputs_name, &error) == inputs);
  x = agviz_scene_find_node (scene, "x", &error);
  g_assert_no_error (error);
  g_assert_true (x->parent == inputs);
  x_path = agviz_scene_item_dup_path (x);
  g_assert_cmpstr (x_path, ==, "x");
  g_assert_false (agviz_scene_item_is_visible (x));
  g_assert_true (agviz_scene_item_is_expandable (inputs));
  g_assert_true (agviz_scene_expand (scene, inputs, &error));
  g_assert_true (agviz_scene_item_is_visible (x));
  {
    g_autoptr(GArray) inner = agviz_scene_list_edges (scene, inputs, NULL);
    g_assert_cmpuint (inner->len, ==, 0);
  }
  assert_tree (scene);

  /* Read per scope (scope_edges rows), the same groups. */
  assert_same_views (fx->path, trace, NULL);
}

/* A frozen graph whose call Grappler inlined: "Func/CALL/input/_0" and friends are drawn inside
 * CALL's scope, so no "Func" box and CALL's box feed each other both ways. */
static void
test_inlined_calls (TempFile      *fx,
                    gconstpointer  data)
{
  static const FixtureNode nodes[] = {
    { "x", "Placeholder" },
    { "Func/StatefulPartitionedCall/input/_0", "Identity" },
    { "Func/StatefulPartitionedCall/input/_1", "Identity" },
    { "StatefulPartitionedCall/model/MatMul", "MatMul" },
    { "StatefulPartitionedCall/model/Relu", "Relu" },
    { "Func/StatefulPartitionedCall/output/_2", "Identity" },
    { "Identity", "Identity" },
    { "w", "Const" },
  };
  static const FixtureEdge edges[] = {
    { "x", 0, "Func/StatefulPartitionedCall/input/_0" },
    { "w", 0, "Func/StatefulPartitionedCall/input/_1" },
    { "Func/StatefulPartitionedCall/input/_0", 0, "StatefulPartitionedCall/model/MatMul" },
    { "Func/StatefulPartitionedCall/input/_1", 0, "StatefulPartitionedCall/model/MatMul" },
    { "StatefulPartitionedCall/model/MatMul", 0, "StatefulPartitionedCall/model/Relu" },
    { "StatefulPartitionedCall/model/Relu", 0, "Func/StatefulPartitionedCall/output/_2" },
    { "Func/StatefulPartitionedCall/output/_2", 0, "Identity" },
  };
  gint64 trace = render_fixture_write (fx->path, nodes, G_N_ELEMENTS (nodes), edges, G_N_ELEMENTS (edges));
  g_autoptr(AgvizScene) scene = open_scene (fx->path, trace, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) top_edges = NULL;
  g_autofree char *found_path = NULL;
  AgvizSceneItem *root = agviz_scene_get_root (scene), *call, *input, *found;

  g_assert_null (child_named (root, "Func"));
  call = child_named (root, "StatefulPartitionedCall");
  g_assert_nonnull (call);
  g_assert_cmpint (call->op_count, ==, 5);
  input = child_named (call, "input");
  g_assert_nonnull (input);
  g_assert_true (input->inlined);
  g_assert_nonnull (child_named (call, "output"));

  found = agviz_scene_find_node (scene, "Func/StatefulPartitionedCall/input/_1", &error);
  g_assert_no_error (error);
  g_assert_true (found->parent == input);
  found_path = agviz_scene_item_dup_path (found);
  g_assert_cmpstr (found_path, ==, "Func/StatefulPartitionedCall/input/_1");
  g_assert_null (agviz_scene_find (scene, "Func/StatefulPartitionedCall/model/MatMul", NULL));

  /* At the top: x -> call, w -> call, call -> Identity; nothing both ways. */
  top_edges = agviz_scene_list_edges (scene, root, NULL);
  g_assert_cmpuint (top_edges->len, ==, 3);
  for (guint i = 0; i < top_edges->len; i++)
    {
      AgvizSceneEdge *edge = &g_array_index (top_edges, AgvizSceneEdge, i);
      g_assert_true ((edge->dst == call) != (edge->src == call));
    }
  agviz_scene_expand_all (scene);
  assert_tree (scene);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/agviz/scene/hierarchy", TempFile, NULL, temp_setup, test_hierarchy, temp_teardown);
  g_test_add ("/agviz/scene/series-and-aux", TempFile, NULL, temp_setup, test_series_and_aux, temp_teardown);
  g_test_add ("/agviz/scene/sections", TempFile, NULL, temp_setup, test_sections, temp_teardown);
  g_test_add_func ("/agviz/scene/calls-inline", test_calls_inline);
  g_test_add ("/agviz/scene/input-groups", TempFile, NULL, temp_setup, test_input_groups, temp_teardown);
  g_test_add ("/agviz/scene/inlined-calls", TempFile, NULL, temp_setup, test_inlined_calls,
              temp_teardown);
  g_test_add ("/agviz/scene/lazy-same", TempFile, NULL, temp_setup, test_lazy_same, temp_teardown);
  g_test_add_func ("/agviz/scene/lazy-same-example", test_lazy_same_example);
  g_test_add ("/agviz/scene/annotations", TempFile, NULL, temp_setup, test_annotations, temp_teardown);
  g_test_add ("/agviz/scene/annotations-in-sections", TempFile, NULL, temp_setup,
              test_annotations_in_sections, temp_teardown);
  g_test_add ("/agviz/scene/annotation-hosts", TempFile, NULL, temp_setup, test_annotation_hosts,
              temp_teardown);
  g_test_add ("/agviz/layout/cache", TempFile, NULL, temp_setup, test_layout_cache, temp_teardown);
  g_test_add ("/agviz/schema/migrate-v1-layout-cache", TempFile, NULL, temp_setup, test_migrate_v1,
              temp_teardown);
  return g_test_run ();
}
