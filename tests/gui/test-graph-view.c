/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-graph-view.c: the canvas alone on the example trace, under Xvfb
 *
 * Layouts run on a worker thread: expanding returns before the new layout exists, the old
 * drawing stays meanwhile, and iterating the main loop applies it.  The canvas draws from a
 * cached picture: panning moves it by whole pixels, and what changes the drawing (expansion,
 * selection, traced inputs, colours) shows, the same as a picture drawn afresh.  Expanding and
 * collapsing animate unless gtk-enable-animations is off.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agviz-core.h"
#include "agviz-graph-view.h"
#include "agviz-application.h"

typedef struct
{
  GtkWindow      *window;
  AgvizGraphView *view;
  AgvizStore     *store;
  AgvizScene     *scene;
  guint           frames;
} Fixture;

typedef struct
{
  int     width;
  int     height;
  gsize   stride;
  guchar *pixels;
} Picture;

static void
picture_free (Picture *picture)
{
  g_free (picture->pixels);
  g_free (picture);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Picture, picture_free)

static void
on_after_paint (GdkFrameClock *clock,
                Fixture       *fx)
{
  fx->frames++;
}

static void
iterate_until (gboolean (*done) (Fixture *),
               Fixture   *fx)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!done (fx) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (done (fx));
}

static gboolean
laid_out (Fixture *fx)
{
  return !agviz_graph_view_get_laying_out (fx->view);
}

static gboolean
still (Fixture *fx)
{
  return !agviz_graph_view_get_animating (fx->view);
}

static gboolean
drawn (Fixture *fx)
{
  return agviz_graph_view_get_n_drawn_items (fx->view) > 0;
}

/* Waits for a frame drawn after now. */
static void
next_frame (Fixture *fx)
{
  guint before = fx->frames;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  gtk_widget_queue_draw (GTK_WIDGET (fx->view));
  while (fx->frames == before && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fx->frames, >, before);
}

/* What the canvas shows now, rendered by the window's own renderer. */
static Picture *
take_picture (Fixture *fx)
{
  GtkWidget *widget = GTK_WIDGET (fx->view);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  Picture *picture = g_new0 (Picture, 1);

  next_frame (fx);
  picture->width = gtk_widget_get_width (widget);
  picture->height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  gdk_paintable_snapshot (paintable, snapshot, picture->width, picture->height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (fx->window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, picture->width, picture->height));
  picture->stride = 4 * (gsize) picture->width;
  picture->pixels = g_malloc (picture->stride * picture->height);
  gdk_texture_download (texture, picture->pixels, picture->stride);
  return picture;
}

/* Pixels that differ between @a at (x, y) and @b at (x + dx, y + dy), over the part of @a whose
 * shifted place is inside @b and below @skip_top (the legend stays in the corner). */
static guint
count_differences (const Picture *a,
                   const Picture *b,
                   int            dx,
                   int            dy,
                   int            skip_top)
{
  guint differences = 0;

  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (a->height, ==, b->height);
  for (int y = MAX (skip_top, -dy); y < a->height && y + dy < b->height; y++)
    for (int x = MAX (0, -dx); x < a->width && x + dx < b->width; x++)
      if (memcmp (a->pixels + y * a->stride + 4 * x,
                  b->pixels + (y + dy) * b->stride + 4 * (x + dx), 4) != 0)
        differences++;
  return differences;
}

static void
set_animations (gboolean enabled)
{
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", enabled, NULL);
}

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  const char *path = g_getenv ("AGVIZ_EXAMPLE_TRACE");
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizTrace) trace = NULL;
  GdkFrameClock *clock;

  g_assert_nonnull (path);
  /* Read-only: layouts are computed, never cached into the shared example. */
  fx->store = agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  trace = agviz_store_find_trace (fx->store, "__inference___call___41", &error);
  g_assert_no_error (error);
  fx->scene = agviz_scene_new (fx->store, trace->id, NULL, &error);
  g_assert_no_error (error);

  set_animations (FALSE);
  fx->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fx->window, 800, 600);
  fx->view = AGVIZ_GRAPH_VIEW (agviz_graph_view_new ());
  gtk_window_set_child (fx->window, GTK_WIDGET (fx->view));
  gtk_window_present (fx->window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (fx->window)))
    g_main_context_iteration (NULL, TRUE);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (fx->window));
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), fx);

  /* The first layout of a scene is made at once. */
  g_assert_true (agviz_graph_view_set_scene (fx->view, fx->scene, &error));
  g_assert_no_error (error);
  g_assert_false (agviz_graph_view_get_laying_out (fx->view));
  /* The first picture opens the example's lone scope (agviz-first-view.h): the tests start
   * from the top level. */
  agviz_graph_view_collapse_all (fx->view);
  iterate_until (laid_out, fx);
  iterate_until (drawn, fx);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (gtk_widget_get_frame_clock (GTK_WIDGET (fx->window)), fx);
  gtk_window_destroy (fx->window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fx->scene);
  g_clear_object (&fx->store);
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

static gboolean
is_inside (const AgvizSceneItem *item,
           const AgvizSceneItem *ancestor)
{
  for (; item != NULL; item = item->parent)
    if (item == ancestor)
      return TRUE;
  return FALSE;
}

static void
test_expand_off_main_loop (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AgvizSceneItem *scope = find (fx, "demo_module");
  AgvizLayout *before;
  AgvizLayout *after;
  AgvizSceneItem *child;
  AgvizLayoutBox box;
  double x, y;

  g_assert_false (scope->expanded);
  before = agviz_graph_view_get_layout (fx->view);
  g_assert_nonnull (before);

  /* Expanding returns before the layout exists: the old one is still the one drawn. */
  g_assert_true (agviz_graph_view_toggle_expanded (fx->view, scope, &error));
  g_assert_no_error (error);
  g_assert_true (scope->expanded);
  g_assert_true (agviz_graph_view_get_laying_out (fx->view));
  g_assert_true (agviz_graph_view_get_layout (fx->view) == before);
  g_assert_false (agviz_layout_is_open (before, scope));
  child = g_ptr_array_index (scope->children, 0);
  g_assert_false (agviz_layout_get_box (before, child, NULL));

  /* The main loop applies it. */
  iterate_until (laid_out, fx);
  after = agviz_graph_view_get_layout (fx->view);
  g_assert_true (after != before);
  g_assert_true (agviz_layout_is_open (after, scope));
  g_assert_true (agviz_layout_get_box (after, child, &box));

  /* And it is drawn and hit-testable where it was laid out. */
  agviz_viewport_center_on (agviz_graph_view_get_viewport (fx->view), box.x + box.width / 2,
                            box.y + box.height / 2);
  agviz_viewport_content_to_view (agviz_graph_view_get_viewport (fx->view),
                                  box.x + box.width / 2, box.y + box.height / 2, &x, &y);
  g_assert_true (is_inside (agviz_viewport_pick (agviz_graph_view_get_viewport (fx->view), after, x, y),
                            child));
  next_frame (fx);
  g_assert_cmpuint (agviz_graph_view_get_n_drawn_items (fx->view), >, 0);

  /* Collapsing and expanding again before either is laid out: the first layout is cancelled,
   * the last state wins. */
  g_assert_true (agviz_graph_view_toggle_expanded (fx->view, scope, &error));
  g_assert_true (agviz_graph_view_toggle_expanded (fx->view, scope, &error));
  g_assert_true (agviz_graph_view_toggle_expanded (fx->view, scope, &error));
  g_assert_no_error (error);
  g_assert_false (scope->expanded);
  g_assert_true (agviz_layout_is_open (agviz_graph_view_get_layout (fx->view), scope));
  iterate_until (laid_out, fx);
  g_assert_false (agviz_layout_is_open (agviz_graph_view_get_layout (fx->view), scope));
  g_assert_false (agviz_layout_get_box (agviz_graph_view_get_layout (fx->view), child, NULL));

  /* Selecting a hidden item expands its way there, centred once laid out. */
  agviz_graph_view_select (fx->view, child, TRUE);
  g_assert_true (agviz_graph_view_get_selected (fx->view) == child);
  g_assert_true (agviz_graph_view_get_laying_out (fx->view));
  iterate_until (laid_out, fx);
  g_assert_true (agviz_graph_view_get_selected (fx->view) == child);
  g_assert_true (agviz_layout_get_box (agviz_graph_view_get_layout (fx->view), child, &box));
  {
    double view_width, view_height;

    agviz_viewport_get_view_size (agviz_graph_view_get_viewport (fx->view), &view_width, &view_height);
    agviz_viewport_content_to_view (agviz_graph_view_get_viewport (fx->view),
                                    box.x + box.width / 2, box.y + box.height / 2, &x, &y);
    g_assert_cmpfloat (fabs (x - view_width / 2), <, 1.0);
    g_assert_cmpfloat (fabs (y - view_height / 2), <, 1.0);
  }
}

static void
test_picture_follows_changes (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AgvizViewport *viewport = agviz_graph_view_get_viewport (fx->view);
  AgvizSceneItem *scope = find (fx, "demo_module");
  g_autoptr(Picture) start = NULL;
  g_autoptr(Picture) panned = NULL;
  g_autoptr(Picture) expanded = NULL;
  g_autoptr(Picture) fresh = NULL;
  g_autoptr(Picture) selected = NULL;
  g_autoptr(Picture) unselected = NULL;
  g_autoptr(Picture) traced = NULL;
  double before_x, before_y, after_x, after_y;
  /* The legend's corner is drawn over the picture, not moved with it. */
  const int legend = 200;

  /* Zoomed in, so that the drawing is larger than the view and panning is not clamped. */
  agviz_viewport_zoom_at (viewport, 3.0, 0, 0);
  agviz_viewport_set_offset (viewport, 0, 0);
  start = take_picture (fx);

  /* Panning by whole pixels moves the picture by exactly that. */
  agviz_viewport_get_offset (viewport, &before_x, &before_y);
  agviz_viewport_pan (viewport, -30, -20);
  agviz_viewport_get_offset (viewport, &after_x, &after_y);
  g_assert_cmpfloat (fabs ((after_x - before_x) * 3.0 - 30), <, 1e-9);
  g_assert_cmpfloat (fabs ((after_y - before_y) * 3.0 - 20), <, 1e-9);
  panned = take_picture (fx);
  g_assert_cmpuint (count_differences (start, panned, 0, 0, legend), >, 0);
  g_assert_cmpuint (count_differences (start, panned, -30, -20, legend + 20), ==, 0);

  /* Expanding after the pan shows the scope's children where they are laid out... */
  g_assert_true (agviz_graph_view_toggle_expanded (fx->view, scope, &error));
  g_assert_no_error (error);
  iterate_until (laid_out, fx);
  expanded = take_picture (fx);
  g_assert_cmpuint (count_differences (panned, expanded, 0, 0, legend), >, 0);
  /* ...exactly as a picture drawn afresh (changing the colours throws the cached one away). */
  agviz_graph_view_set_color_by (fx->view, AGVIZ_COLOR_BY_DEVICE);
  agviz_graph_view_set_color_by (fx->view, AGVIZ_COLOR_BY_OP);
  fresh = take_picture (fx);
  g_assert_cmpuint (count_differences (expanded, fresh, 0, 0, 0), ==, 0);

  /* The selection's border is drawn over the picture and gone with it. */
  agviz_graph_view_select (fx->view, g_ptr_array_index (scope->children, 0), FALSE);
  selected = take_picture (fx);
  g_assert_cmpuint (count_differences (expanded, selected, 0, 0, 0), >, 0);
  agviz_graph_view_select (fx->view, NULL, FALSE);
  unselected = take_picture (fx);
  g_assert_cmpuint (count_differences (expanded, unselected, 0, 0, 0), ==, 0);

  /* Traced inputs change the fills: the picture itself is drawn again. */
  agviz_graph_view_select (fx->view, g_ptr_array_index (scope->children, 0), FALSE);
  agviz_graph_view_set_trace_inputs (fx->view, TRUE);
  traced = take_picture (fx);
  g_assert_cmpuint (count_differences (selected, traced, 0, 0, 0), >, 0);
}

static void
test_animation (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AgvizSceneItem *scope = find (fx, "demo_module");

  /* On: the box grows over a few frames, then the animation stops by itself. */
  set_animations (TRUE);
  g_assert_true (agviz_graph_view_toggle_expanded (fx->view, scope, &error));
  g_assert_no_error (error);
  iterate_until (laid_out, fx);
  g_assert_true (agviz_graph_view_get_animating (fx->view));
  iterate_until (still, fx);
  g_assert_true (agviz_layout_is_open (agviz_graph_view_get_layout (fx->view), scope));

  /* Off: the new drawing at once. */
  set_animations (FALSE);
  g_assert_true (agviz_graph_view_toggle_expanded (fx->view, scope, &error));
  iterate_until (laid_out, fx);
  g_assert_false (agviz_graph_view_get_animating (fx->view));
  g_assert_false (agviz_layout_is_open (agviz_graph_view_get_layout (fx->view), scope));
}

/* A trace of @n_nodes ops of the given types and devices, no edges, in a new file under @dir. */
/* A function body of @n_nodes ops (names "OP_node_I", or @names) with @devices, @arg_types (for
 * _Arg ops: their dtype, user-named as TF 2.21 writes every argument; may be NULL) and @n_edges
 * edges from node @edges[2 i] to node @edges[2 i + 1], written to DIR/keys.db. */
static AgvizScene *
write_body (const char        *dir,
            const char *const *ops,
            const char *const *devices,
            const char *const *names,
            const char *const *arg_types,
            guint              n_nodes,
            const guint       *edges,
            guint              n_edges)
{
  g_autofree char *path = g_build_filename (dir, "keys.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (path, &error);
  g_autoptr(AgvizStore) store = NULL;
  g_autofree gint64 *ids = g_new0 (gint64, n_nodes);
  AgvizScene *scene;
  gint64 function, trace;

  g_assert_no_error (error);
  function = agviz_recorder_add_function (recorder, "f", 0, 0, &error);
  g_assert_no_error (error);
  trace = agviz_recorder_begin_trace (recorder, function, "__inference_f_1", "", "first call", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n_nodes; i++)
    {
      g_autofree char *name = names != NULL ? g_strdup (names[i])
                                            : g_strdup_printf ("%s_node_%u", ops[i], i);
      GVariant *attrs = NULL;

      if (arg_types != NULL && arg_types[i] != NULL)
        {
          GVariantBuilder builder;

          g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
          g_variant_builder_add (&builder, "{sv}", "T", g_variant_new_string (arg_types[i]));
          g_variant_builder_add (&builder, "{sv}", "_user_specified_name", g_variant_new_string (name));
          attrs = g_variant_builder_end (&builder);
        }
      ids[i] = agviz_recorder_add_node (recorder, trace, name, ops[i], devices != NULL ? devices[i] : NULL,
                                        attrs, 0, &error);
      g_assert_no_error (error);
    }
  for (guint e = 0; e < n_edges; e++)
    {
      agviz_recorder_add_edge (recorder, trace, ids[edges[2 * e]], 0, ids[edges[2 * e + 1]], (int) e,
                               &error);
      g_assert_no_error (error);
    }
  agviz_recorder_end_trace (recorder, trace, AGVIZ_TRACE_STATUS_COMPLETE, -1, &error);
  g_assert_no_error (error);
  agviz_recorder_close (recorder, &error);
  g_assert_no_error (error);
  store = agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  scene = agviz_scene_new (store, trace, NULL, &error);
  g_assert_no_error (error);
  return scene;
}

static AgvizScene *
write_scene (const char        *dir,
             const char *const *ops,
             const char *const *devices,
             guint              n_nodes)
{
  return write_body (dir, ops, devices, NULL, NULL, n_nodes, NULL, 0);
}

static void
remove_keys_db (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "keys.db", NULL);
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_remove (file);
    }
  g_rmdir (dir);
}

/* The legend's keys as `agviz render` writes them for the view's layout: the texts of the SVG's
 * legend between its heading and its note on edges, "… N more" as the app says it ("N more"). */
static char *
svg_legend_keys (AgvizGraphView *view)
{
  AgvizDrawingOptions options = { .color_by = agviz_graph_view_get_color_by (view) };
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) text = g_regex_new ("<text[^>]*>([^<]*)</text>", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *keys = g_string_new (NULL);
  char *svg = NULL;
  size_t length = 0;
  FILE *out = open_memstream (&svg, &length);
  const char *legend;

  g_assert_true (agviz_drawing_write (agviz_graph_view_get_layout (view), AGVIZ_DRAWING_FORMAT_SVG,
                                      &options, out, &error));
  g_assert_no_error (error);
  fclose (out);
  legend = strstr (svg, "<g id=\"legend\"");
  g_assert_nonnull (legend);
  for (g_regex_match (text, legend, 0, &match); g_match_info_matches (match); g_match_info_next (match, NULL))
    g_ptr_array_add (lines, g_match_info_fetch (match, 1));
  free (svg);
  /* The heading first, the note on edges last. */
  g_assert_cmpuint (lines->len, >=, 2);
  for (guint i = 1; i + 1 < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);

      g_string_append (keys, g_str_has_prefix (line, "… ") ? line + strlen ("… ") : line);
      g_string_append_c (keys, '\n');
    }
  return g_string_free (keys, FALSE);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* The app's legend and the SVG's come from one model (agviz-legend.h): for the same layout they
 * list the same keys in the same order, by frequency, ties by name, twelve at most. */
static void
test_legend_matches_svg (Fixture       *fx,
                         gconstpointer  data)
{
  /* 13 op types: Zeta 3 times, Alpha and Beta twice, the other ten once; devices 4, 3 and 1
   * times, and unplaced ops. */
  const char *const ops[] = { "Zeta", "Zeta", "Zeta", "Beta", "Alpha", "Beta", "Alpha", "Kappa",
                              "Iota", "Theta", "Eta", "Epsilon", "Delta", "Gamma", "Lambda", "Mu",
                              "Nu" };
  const char *const devices[] = { "/gpu:1", "/gpu:1", "/gpu:1", "/gpu:1", "/cpu:0", "/cpu:0",
                                  "/cpu:0", "/gpu:0", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                  NULL, NULL };
  const AgvizColorBy colorings[] = { AGVIZ_COLOR_BY_OP, AGVIZ_COLOR_BY_DEVICE, AGVIZ_COLOR_BY_TRACE };
  g_autofree char *dir = g_dir_make_tmp ("agviz-legend-XXXXXX", NULL);
  g_autoptr(AgvizScene) scene = write_scene (dir, ops, devices, G_N_ELEMENTS (ops));
  g_autoptr(GError) error = NULL;
  guint notified = 0;

  g_assert_true (agviz_graph_view_set_scene (fx->view, scene, &error));
  g_assert_no_error (error);
  g_signal_connect (fx->view, "notify::color-by", G_CALLBACK (count_notify), &notified);
  for (guint i = 0; i < G_N_ELEMENTS (colorings); i++)
    {
      g_autofree char *app = NULL;
      g_autofree char *svg = NULL;

      g_object_set (fx->view, "color-by", colorings[i], NULL);
      app = agviz_graph_view_dup_legend_text (fx->view);
      svg = svg_legend_keys (fx->view);
      /* Only the words differ: "Trace 1" in the app, "trace 1" in the SVG. */
      g_assert_cmpint (g_ascii_strcasecmp (app, svg), ==, 0);
      if (colorings[i] == AGVIZ_COLOR_BY_OP)
        g_assert_cmpstr (app, ==, "Zeta\nAlpha\nBeta\nDelta\nEpsilon\nEta\nGamma\nIota\nKappa\n"
                                  "Lambda\nMu\nNu\n1 more\n");
      else if (colorings[i] == AGVIZ_COLOR_BY_DEVICE)
        g_assert_cmpstr (app, ==, "/gpu:1\n/cpu:0\n/gpu:0\n");
    }
  /* A change notifies once, setting the same value not at all (op is the default). */
  g_assert_cmpuint (notified, ==, 2);
  g_object_set (fx->view, "color-by", AGVIZ_COLOR_BY_TRACE, NULL);
  g_assert_cmpuint (notified, ==, 2);
  agviz_graph_view_set_color_by (fx->view, AGVIZ_COLOR_BY_OP);
  g_assert_cmpuint (notified, ==, 3);
  g_signal_handlers_disconnect_by_data (fx->view, &notified);

  agviz_graph_view_set_scene (fx->view, NULL, NULL);
  remove_keys_db (dir);
}

/* The app draws the scene's groups as the SVG does: a function's six captured variable handles
 * are one box, which opens onto the six, and tracing the inputs of what they feed reaches it. */
static void
test_input_groups (Fixture       *fx,
                   gconstpointer  data)
{
  const char *const names[] = { "x", "k", "w0", "w1", "w2", "w3", "w4", "w5", "mm", "add", "mul",
                                "out" };
  const char *const ops[] = { "_Arg", "_Arg", "_Arg", "_Arg", "_Arg", "_Arg", "_Arg", "_Arg",
                              "MatMul", "AddV2", "Mul", "_Retval" };
  const char *const arg_types[] = { "float32", "float32", "resource", "resource", "resource",
                                    "resource", "resource", "resource", NULL, NULL, NULL, NULL };
  const guint edges[] = { 0, 8, 2, 8, 3, 8, 4, 9, 5, 9, 6, 10, 7, 10, 8, 9, 9, 10, 1, 10, 10, 11 };
  g_autofree char *dir = g_dir_make_tmp ("agviz-groups-XXXXXX", NULL);
  g_autoptr(AgvizScene) scene = write_body (dir, ops, NULL, names, arg_types, G_N_ELEMENTS (ops), edges,
                                            G_N_ELEMENTS (edges) / 2);
  g_autoptr(GError) error = NULL;
  AgvizSceneItem *captures, *inputs, *w0, *mul;
  AgvizLayoutBox box;
  guint closed;

  g_assert_true (agviz_graph_view_set_scene (fx->view, scene, &error));
  g_assert_no_error (error);
  captures = agviz_scene_find (scene, "captures (6)", &error);
  g_assert_no_error (error);
  inputs = agviz_scene_find (scene, "inputs (2)", &error);
  g_assert_no_error (error);
  w0 = agviz_scene_find_node (scene, "w0", &error);
  mul = agviz_scene_find_node (scene, "mul", &error);
  g_assert_true (w0->parent == captures);
  /* inputs, captures, mm, add, mul, out */
  iterate_until (laid_out, fx);
  next_frame (fx);
  closed = agviz_graph_view_get_n_drawn_items (fx->view);
  g_assert_cmpuint (closed, ==, 6);
  g_assert_true (agviz_layout_get_box (agviz_graph_view_get_layout (fx->view), captures, &box));
  g_assert_true (agviz_layout_get_box (agviz_graph_view_get_layout (fx->view), inputs, &box));
  g_assert_false (agviz_layout_get_box (agviz_graph_view_get_layout (fx->view), w0, &box));

  agviz_graph_view_select (fx->view, mul, FALSE);
  agviz_graph_view_set_trace_inputs (fx->view, TRUE);
  g_assert_true (agviz_graph_view_is_traced (fx->view, captures));
  g_assert_true (agviz_graph_view_is_traced (fx->view, inputs));
  agviz_graph_view_set_trace_inputs (fx->view, FALSE);

  g_assert_true (agviz_graph_view_toggle_expanded (fx->view, captures, &error));
  g_assert_no_error (error);
  iterate_until (laid_out, fx);
  iterate_until (still, fx);
  next_frame (fx);
  /* Opened onto its six members (some may lie outside the window's view). */
  g_assert_cmpuint (agviz_graph_view_get_n_drawn_items (fx->view), >, closed);
  g_assert_true (agviz_layout_is_open (agviz_graph_view_get_layout (fx->view), captures));
  for (guint i = 0; i < captures->children->len; i++)
    g_assert_true (agviz_layout_get_box (agviz_graph_view_get_layout (fx->view),
                                         g_ptr_array_index (captures->children, i), &box));
  g_assert_cmpuint (captures->children->len, ==, 6);

  agviz_graph_view_set_scene (fx->view, NULL, NULL);
  remove_keys_db (dir);
}

/* trace-inputs is a property the window binds: notified on change only, and it traces. */
static void
test_trace_inputs_property (Fixture       *fx,
                            gconstpointer  data)
{
  AgvizSceneItem *scope = find (fx, "demo_module");
  guint notified = 0;
  gboolean value = FALSE;

  agviz_graph_view_select (fx->view, scope, FALSE);
  g_signal_connect (fx->view, "notify::trace-inputs", G_CALLBACK (count_notify), &notified);
  g_object_set (fx->view, "trace-inputs", TRUE, NULL);
  g_object_set (fx->view, "trace-inputs", TRUE, NULL);
  g_assert_cmpuint (notified, ==, 1);
  g_object_get (fx->view, "trace-inputs", &value, NULL);
  g_assert_true (value);
  g_assert_true (agviz_graph_view_get_trace_inputs (fx->view));
  g_assert_true (agviz_graph_view_is_traced (fx->view, scope));
  agviz_graph_view_set_trace_inputs (fx->view, FALSE);
  g_assert_cmpuint (notified, ==, 2);
  g_assert_cmpuint (agviz_graph_view_get_n_traced (fx->view), ==, 0);
  g_signal_handlers_disconnect_by_data (fx->view, &notified);
}

/* Without a GPU device agviz asks for the cairo renderer; with one, GTK chooses. */
static void
test_pick_renderer (void)
{
  g_autofree char *dev = g_dir_make_tmp ("agviz-dev-XXXXXX", NULL);
  g_autofree char *dri = g_build_filename (dev, "dri", NULL);
  g_autofree char *card = g_build_filename (dri, "card0", NULL);
  g_autofree char *render = g_build_filename (dri, "renderD128", NULL);
  g_autofree char *nvidia = g_build_filename (dev, "nvidia0", NULL);

  g_assert_cmpstr (agviz_application_pick_renderer (dev), ==, "cairo");
  g_assert_cmpint (g_mkdir (dri, 0700), ==, 0);
  g_assert_true (g_file_set_contents (card, "", 0, NULL));
  /* A display controller alone renders nothing. */
  g_assert_cmpstr (agviz_application_pick_renderer (dev), ==, "cairo");
  g_assert_true (g_file_set_contents (render, "", 0, NULL));
  g_assert_null (agviz_application_pick_renderer (dev));
  g_unlink (render);
  g_assert_true (g_file_set_contents (nvidia, "", 0, NULL));
  g_assert_null (agviz_application_pick_renderer (dev));
  g_unlink (nvidia);
  g_unlink (card);
  g_rmdir (dri);
  g_rmdir (dev);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gtk_init ();

  g_test_add_func ("/agviz/graph-view/pick-renderer", test_pick_renderer);
  g_test_add ("/agviz/graph-view/expand-off-main-loop", Fixture, NULL, fixture_setup,
              test_expand_off_main_loop, fixture_teardown);
  g_test_add ("/agviz/graph-view/picture-follows-changes", Fixture, NULL, fixture_setup,
              test_picture_follows_changes, fixture_teardown);
  g_test_add ("/agviz/graph-view/animation", Fixture, NULL, fixture_setup, test_animation,
              fixture_teardown);
  g_test_add ("/agviz/graph-view/legend-matches-svg", Fixture, NULL, fixture_setup,
              test_legend_matches_svg, fixture_teardown);
  g_test_add ("/agviz/graph-view/input-groups", Fixture, NULL, fixture_setup, test_input_groups,
              fixture_teardown);
  g_test_add ("/agviz/graph-view/trace-inputs-property", Fixture, NULL, fixture_setup,
              test_trace_inputs_property, fixture_teardown);
  return g_test_run ();
}
