/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-viewport.c: the graph canvas's viewport model (zoom, offset, conversion, picking), no
 * display needed */
#include "config.h"

#include "agviz-viewport.h"

static void
test_conversion_round_trip (void)
{
  g_autoptr(AgvizViewport) viewport = agviz_viewport_new ();
  double x, y, vx, vy;

  agviz_viewport_set_content_size (viewport, 2000, 1000);
  agviz_viewport_set_view_size (viewport, 800, 600);
  agviz_viewport_set_offset (viewport, 100, 50);
  agviz_viewport_zoom_at (viewport, 2.0, 0, 0);

  agviz_viewport_get_content_size (viewport, &x, &y);   /* what the minimap scales */
  g_assert_cmpfloat (x, ==, 2000);
  g_assert_cmpfloat (y, ==, 1000);
  agviz_viewport_view_to_content (viewport, 200, 100, &x, &y);
  g_assert_cmpfloat_with_epsilon (x, 100 + 200 / 2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (y, 50 + 100 / 2.0, 1e-9);
  agviz_viewport_content_to_view (viewport, x, y, &vx, &vy);
  g_assert_cmpfloat_with_epsilon (vx, 200, 1e-9);
  g_assert_cmpfloat_with_epsilon (vy, 100, 1e-9);
}

static void
test_zoom_keeps_point_under_pointer (void)
{
  g_autoptr(AgvizViewport) viewport = agviz_viewport_new ();
  double before_x, before_y, after_x, after_y;

  agviz_viewport_set_content_size (viewport, 5000, 5000);
  agviz_viewport_set_view_size (viewport, 1000, 800);
  agviz_viewport_set_offset (viewport, 1000, 1000);
  agviz_viewport_view_to_content (viewport, 300, 200, &before_x, &before_y);
  agviz_viewport_zoom_at (viewport, 3.0, 300, 200);
  agviz_viewport_view_to_content (viewport, 300, 200, &after_x, &after_y);
  g_assert_cmpfloat_with_epsilon (agviz_viewport_get_zoom (viewport), 3.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (before_x, after_x, 1e-9);
  g_assert_cmpfloat_with_epsilon (before_y, after_y, 1e-9);
}

static void
test_zoom_is_clamped (void)
{
  g_autoptr(AgvizViewport) viewport = agviz_viewport_new ();

  agviz_viewport_set_content_size (viewport, 100, 100);
  agviz_viewport_set_view_size (viewport, 100, 100);
  agviz_viewport_zoom_at (viewport, 1e9, 50, 50);
  g_assert_cmpfloat (agviz_viewport_get_zoom (viewport), ==, AGVIZ_VIEWPORT_MAX_ZOOM);
  agviz_viewport_zoom_at (viewport, 1e-9, 50, 50);
  g_assert_cmpfloat (agviz_viewport_get_zoom (viewport), ==, AGVIZ_VIEWPORT_MIN_ZOOM);
}

static void
test_zoom_to_fit (void)
{
  g_autoptr(AgvizViewport) viewport = agviz_viewport_new ();
  AgvizLayoutBox visible;

  /* Wider than the view: the width decides, and all of the content shows, centred. */
  agviz_viewport_set_view_size (viewport, 800, 600);
  agviz_viewport_set_content_size (viewport, 4000, 1000);
  agviz_viewport_zoom_to_fit (viewport, 0);
  g_assert_cmpfloat_with_epsilon (agviz_viewport_get_zoom (viewport), 0.2, 1e-9);
  agviz_viewport_get_visible_box (viewport, &visible);
  g_assert_cmpfloat_with_epsilon (visible.x, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (visible.width, 4000, 1e-9);
  g_assert_cmpfloat_with_epsilon (visible.y + visible.height / 2, 500, 1e-9);

  /* A small graph is not blown up past 100%. */
  agviz_viewport_set_content_size (viewport, 100, 50);
  agviz_viewport_zoom_to_fit (viewport, 24);
  g_assert_cmpfloat (agviz_viewport_get_zoom (viewport), ==, 1.0);
}

static void
test_pan_keeps_content_in_view (void)
{
  g_autoptr(AgvizViewport) viewport = agviz_viewport_new ();
  AgvizLayoutBox content = { 0, 0, 1000, 1000 };

  agviz_viewport_set_content_size (viewport, 1000, 1000);
  agviz_viewport_set_view_size (viewport, 400, 300);
  agviz_viewport_pan (viewport, -1e6, -1e6);
  g_assert_true (agviz_viewport_box_is_visible (viewport, &content));
  agviz_viewport_pan (viewport, 2e6, 2e6);
  g_assert_true (agviz_viewport_box_is_visible (viewport, &content));

  /* A drag moves the content with the pointer. */
  agviz_viewport_set_offset (viewport, 300, 300);
  agviz_viewport_pan (viewport, 50, 20);
  {
    double x, y;
    agviz_viewport_get_offset (viewport, &x, &y);
    g_assert_cmpfloat_with_epsilon (x, 250, 1e-9);
    g_assert_cmpfloat_with_epsilon (y, 280, 1e-9);
  }
}

static void
test_culling (void)
{
  g_autoptr(AgvizViewport) viewport = agviz_viewport_new ();
  AgvizLayoutBox inside = { 100, 100, 10, 10 };
  AgvizLayoutBox outside = { 900, 900, 10, 10 };
  AgvizLayoutBox straddling = { 390, 290, 50, 50 };

  agviz_viewport_set_content_size (viewport, 1000, 1000);
  agviz_viewport_set_view_size (viewport, 400, 300);
  agviz_viewport_set_offset (viewport, 0, 0);
  g_assert_true (agviz_viewport_box_is_visible (viewport, &inside));
  g_assert_false (agviz_viewport_box_is_visible (viewport, &outside));
  g_assert_true (agviz_viewport_box_is_visible (viewport, &straddling));
}

static void
test_pick (void)
{
  g_autoptr(GError) error = NULL;
  const char *path = g_getenv ("AGVIZ_EXAMPLE_TRACE");
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(AgvizTrace) trace = NULL;
  g_autoptr(AgvizScene) scene = NULL;
  g_autoptr(AgvizLayout) layout = NULL;
  g_autoptr(AgvizViewport) viewport = agviz_viewport_new ();
  g_autoptr(GPtrArray) visible = NULL;
  AgvizLayoutOptions options;
  double width, height;

  if (path == NULL)
    {
      g_test_skip ("AGVIZ_EXAMPLE_TRACE is not set");
      return;
    }
  store = agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  trace = agviz_store_find_trace (store, "__inference_train_step_57", &error);
  g_assert_no_error (error);
  scene = agviz_scene_new (store, trace->id, NULL, &error);
  g_assert_no_error (error);
  agviz_scene_expand_all (scene);
  agviz_layout_options_init (&options);
  options.use_cache = FALSE;
  layout = agviz_layout_new (scene, &options, &error);
  g_assert_no_error (error);
  agviz_layout_get_size (layout, &width, &height);
  agviz_viewport_set_content_size (viewport, width, height);
  agviz_viewport_set_view_size (viewport, 640, 480);
  agviz_viewport_zoom_to_fit (viewport, 10);

  /* The centre of every visible box picks that box or one drawn inside it. */
  visible = agviz_layout_list_visible (layout);
  g_assert_cmpuint (visible->len, >, 1);
  for (guint i = 1; i < visible->len; i++)
    {
      AgvizSceneItem *item = g_ptr_array_index (visible, i);
      AgvizSceneItem *picked;
      AgvizLayoutBox box;
      double vx, vy;
      gboolean inside = FALSE;

      g_assert_true (agviz_layout_get_box (layout, item, &box));
      agviz_viewport_content_to_view (viewport, box.x + box.width / 2, box.y + box.height / 2, &vx, &vy);
      picked = agviz_viewport_pick (viewport, layout, vx, vy);
      g_assert_nonnull (picked);
      for (AgvizSceneItem *up = picked; up != NULL; up = up->parent)
        inside |= up == item;
      g_assert_true (inside);
      if (item->children == NULL)
        g_assert_true (picked == item);
    }
  /* Far outside the drawing: nothing. */
  g_assert_null (agviz_viewport_pick (viewport, layout, -5000, -5000));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/agviz/viewport/conversion-round-trip", test_conversion_round_trip);
  g_test_add_func ("/agviz/viewport/zoom-keeps-point-under-pointer", test_zoom_keeps_point_under_pointer);
  g_test_add_func ("/agviz/viewport/zoom-is-clamped", test_zoom_is_clamped);
  g_test_add_func ("/agviz/viewport/zoom-to-fit", test_zoom_to_fit);
  g_test_add_func ("/agviz/viewport/pan-keeps-content-in-view", test_pan_keeps_content_in_view);
  g_test_add_func ("/agviz/viewport/culling", test_culling);
  g_test_add_func ("/agviz/viewport/pick", test_pick);

  return g_test_run ();
}
