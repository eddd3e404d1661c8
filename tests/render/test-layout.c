/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-layout.c: agviz_layout_new_async() against the synchronous layout
 *
 * The asynchronous layout copies the scene before its worker thread runs dot: it must give the
 * same boxes and routes as agviz_layout_new(), never call back before returning, and report a
 * cancelled layout as cancelled even when dot had finished.
 */
#include "config.h"

#include "render-fixture.h"
#include "agviz-input-trace.h"
#include "agviz-layout.h"

static const FixtureNode nodes[] = {
  { "input", "Placeholder" },
  { "model/dense/MatMul", "MatMul" },
  { "model/dense/BiasAdd", "BiasAdd" },
  { "model/dense/Relu", "Relu" },
  { "model/out/MatMul", "MatMul" },
  { "model/out/Softmax", "Softmax" },
  { "loss", "Mean" },
};

static const FixtureEdge edges[] = {
  { "input", 0, "model/dense/MatMul" },
  { "model/dense/MatMul", 0, "model/dense/BiasAdd" },
  { "model/dense/BiasAdd", 0, "model/dense/Relu" },
  { "model/dense/Relu", 0, "model/out/MatMul" },
  { "model/out/MatMul", 0, "model/out/Softmax" },
  { "model/out/Softmax", 0, "loss" },
  { "input", -1, "loss" },
};

typedef struct
{
  char       *dir;
  char       *path;
  AgvizStore *store;
  AgvizScene *scene;
} Fixture;

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 trace;

  fx->dir = g_dir_make_tmp ("agviz-layout-XXXXXX", &error);
  g_assert_no_error (error);
  fx->path = g_build_filename (fx->dir, "scoped.db", NULL);
  trace = render_fixture_write (fx->path, nodes, G_N_ELEMENTS (nodes), edges, G_N_ELEMENTS (edges));
  fx->store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  fx->scene = agviz_scene_new (fx->store, trace, NULL, &error);
  g_assert_no_error (error);
  agviz_scene_expand_all (fx->scene);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_clear_object (&fx->scene);
  g_clear_object (&fx->store);
  render_fixture_remove (fx->path);
  g_rmdir (fx->dir);
  g_free (fx->path);
  g_free (fx->dir);
}

static void
on_layout (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static AgvizLayout *
layout_async (AgvizScene    *scene,
              GCancellable  *cancellable,
              gboolean       cancel,
              GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  AgvizLayoutOptions options;

  agviz_layout_options_init (&options);
  options.use_cache = FALSE;
  agviz_layout_new_async (scene, &options, cancellable, on_layout, &result);
  /* Never a callback before returning: the caller may still be setting up. */
  g_assert_null (result);
  if (cancel)
    g_cancellable_cancel (cancellable);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return agviz_layout_new_finish (result, error);
}

static void
assert_same_layout (AgvizLayout *a,
                    AgvizLayout *b)
{
  g_autoptr(GPtrArray) visible_a = agviz_layout_list_visible (a);
  g_autoptr(GPtrArray) visible_b = agviz_layout_list_visible (b);
  double width_a, height_a, width_b, height_b;

  agviz_layout_get_size (a, &width_a, &height_a);
  agviz_layout_get_size (b, &width_b, &height_b);
  g_assert_cmpfloat (width_a, ==, width_b);
  g_assert_cmpfloat (height_a, ==, height_b);
  g_assert_cmpuint (visible_a->len, ==, visible_b->len);
  for (guint i = 0; i < visible_a->len; i++)
    {
      AgvizSceneItem *item = g_ptr_array_index (visible_a, i);
      AgvizLayoutBox box_a, box_b;

      g_assert_true (item == g_ptr_array_index (visible_b, i));
      g_assert_true (agviz_layout_get_box (a, item, &box_a));
      g_assert_true (agviz_layout_get_box (b, item, &box_b));
      g_assert_cmpmem (&box_a, sizeof box_a, &box_b, sizeof box_b);
      g_assert_cmpint (agviz_layout_is_open (a, item), ==, agviz_layout_is_open (b, item));
    }
}

static void
test_async_matches_sync (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizLayout) sync = NULL;
  g_autoptr(AgvizLayout) async = NULL;
  g_autoptr(GPtrArray) expanded = agviz_scene_list_expanded (fx->scene);
  AgvizLayoutOptions options;
  guint routes = 0;

  agviz_layout_options_init (&options);
  options.use_cache = FALSE;
  sync = agviz_layout_new (fx->scene, &options, &error);
  g_assert_no_error (error);
  async = layout_async (fx->scene, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (async);
  g_assert_cmpuint (agviz_layout_get_stats (async)->dot_runs, ==, expanded->len);
  g_assert_cmpuint (agviz_layout_get_stats (async)->visible_items, ==,
                    agviz_layout_get_stats (sync)->visible_items);
  assert_same_layout (sync, async);

  /* The routes of every metaedge too. */
  for (guint i = 0; i < expanded->len; i++)
    {
      AgvizSceneItem *container = g_ptr_array_index (expanded, i);
      g_autoptr(GArray) scene_edges = agviz_scene_list_edges (fx->scene, container, NULL);

      for (guint e = 0; e < scene_edges->len; e++)
        {
          AgvizSceneEdge *edge = &g_array_index (scene_edges, AgvizSceneEdge, e);
          const AgvizLayoutRoute *a = agviz_layout_get_route (sync, container, edge->src, edge->dst);
          const AgvizLayoutRoute *b = agviz_layout_get_route (async, container, edge->src, edge->dst);

          g_assert_nonnull (a);
          g_assert_nonnull (b);
          g_assert_cmpmem (a->points, a->n_points * 2 * sizeof (double),
                           b->points, b->n_points * 2 * sizeof (double));
          routes++;
        }
    }
  g_assert_cmpuint (routes, >=, 3);
}

static void
test_async_cancelled (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(AgvizLayout) layout = NULL;

  /* Cancelled after the plan was made: whether or not dot had finished, the result is refused. */
  layout = layout_async (fx->scene, cancellable, TRUE, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (layout);

  /* The scene is free to change and be laid out again. */
  g_clear_error (&error);
  g_assert_true (agviz_scene_expand_to_depth (fx->scene, 1, &error));
  g_assert_no_error (error);
  layout = layout_async (fx->scene, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agviz_layout_get_stats (layout)->visible_items, <, G_N_ELEMENTS (nodes) + 4);
}

static AgvizSceneItem *
find (Fixture    *fx,
      const char *path)
{
  g_autoptr(GError) error = NULL;
  AgvizSceneItem *item = agviz_scene_find (fx->scene, path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (item);
  return item;
}

/* The drawn edges, and the selection's inputs walked backwards along them: an edge into a box
 * counts for every item inside it, since the drawing does not say which one it feeds. */
static void
test_input_trace (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizLayout) layout = NULL;
  g_autoptr(GArray) edges = NULL;
  g_autoptr(AgvizInputTrace) relu = NULL;
  g_autoptr(AgvizInputTrace) loss = NULL;
  AgvizLayoutOptions options;

  agviz_layout_options_init (&options);
  options.use_cache = FALSE;
  layout = agviz_layout_new (fx->scene, &options, &error);
  g_assert_no_error (error);
  edges = agviz_layout_list_edges (layout);
  /* Inside the root: input -> model, model -> loss, input -> loss; inside model: dense -> out;
   * inside dense two, inside out one. */
  g_assert_cmpuint (edges->len, ==, 7);
  for (guint i = 0; i < edges->len; i++)
    {
      const AgvizLayoutEdge *edge = &g_array_index (edges, AgvizLayoutEdge, i);

      g_assert_true (edge->route == agviz_layout_get_route (layout, edge->container, edge->src, edge->dst));
      g_assert_cmpfloat (edge->route->points[0], >=, edge->bounds.x);
      g_assert_cmpfloat (edge->route->points[0], <=, edge->bounds.x + edge->bounds.width);
      g_assert_cmpint (edge->control, ==, g_str_equal (edge->src->name, "input") &&
                                          g_str_equal (edge->dst->name, "loss"));
    }

  relu = agviz_input_trace_new (edges, find (fx, "model/dense/Relu"));
  g_assert_true (agviz_input_trace_contains (relu, find (fx, "model/dense/Relu")));
  g_assert_true (agviz_input_trace_contains (relu, find (fx, "model/dense/BiasAdd")));
  g_assert_true (agviz_input_trace_contains (relu, find (fx, "model/dense/MatMul")));
  g_assert_true (agviz_input_trace_contains (relu, find (fx, "input")));
  g_assert_false (agviz_input_trace_contains (relu, find (fx, "model/out/Softmax")));
  g_assert_false (agviz_input_trace_contains (relu, find (fx, "loss")));
  g_assert_cmpuint (agviz_input_trace_get_n_items (relu), ==, 4);

  /* The loss is fed by the model as a box: the box is traced, not what is inside it. */
  loss = agviz_input_trace_new (edges, find (fx, "loss"));
  g_assert_true (agviz_input_trace_contains (loss, find (fx, "model")));
  g_assert_true (agviz_input_trace_contains (loss, find (fx, "input")));
  g_assert_false (agviz_input_trace_contains (loss, find (fx, "model/dense/Relu")));
  g_assert_cmpuint (agviz_input_trace_get_n_items (loss), ==, 3);
  for (guint i = 0; i < edges->len; i++)
    {
      const AgvizLayoutEdge *edge = &g_array_index (edges, AgvizLayoutEdge, i);

      /* Traced: the edges into the loss and into the model box (input -> model), not those
       * inside the model. */
      g_assert_cmpint (agviz_input_trace_has_edge (loss, i), ==,
                       edge->dst == find (fx, "loss") || edge->dst == find (fx, "model"));
      if (agviz_input_trace_has_edge (relu, i))
        g_assert_true (agviz_input_trace_contains (relu, edge->src));
    }
  g_assert_false (agviz_input_trace_has_edge (loss, edges->len));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/agviz/layout/input-trace", Fixture, NULL, fixture_setup, test_input_trace,
              fixture_teardown);
  g_test_add ("/agviz/layout/async-matches-sync", Fixture, NULL, fixture_setup,
              test_async_matches_sync, fixture_teardown);
  g_test_add ("/agviz/layout/async-cancelled", Fixture, NULL, fixture_setup,
              test_async_cancelled, fixture_teardown);
  return g_test_run ();
}
