/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-window.c: the app's window on the example trace, under Xvfb: sidebar, canvas, expansion
 * through actions, inspector and source view, diagnostics, search, PNG export.
 * AGVIZ_SCREENSHOT=FILE.png also saves what the window looks like.
 *
 * The checks on labels go through gettext, so the same tests pass in any locale.  With
 * AGVIZ_TEST_LOCALE=zh_CN.UTF-8 (and LC_ALL set to it) the run is the Simplified Chinese one:
 * /agviz/gui/translated then checks that Chinese text is on screen, and the whole run is skipped
 * when that locale is not installed. */
#include "config.h"

#include <gtksourceview/gtksource.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agviz-application.h"
#include "agviz-drawing-private.h"
#include "agviz-first-view.h"
#include "agviz-recorder.h"
#include "agviz-label-text.h"
#include "agviz-source-roots.h"
#include "agviz-comparison.h"
#include "agviz-graph-view.h"
#include "agviz-inspector.h"
#include "agviz-minimap.h"
#include "agviz-problems-list.h"
#include "agviz-search-panel.h"
#include "agviz-timeline.h"
#include "agviz-trace-list.h"
#include "agviz-window.h"
#include "window-frame.h"

typedef struct
{
  AgvizWindow *window;
  guint        n_refreshes;  /* AgvizWindow::refreshed seen, where a test counts them */
  guint        n_rechecks;   /* AgvizWindow::rechecked seen, likewise */
} Fixture;

/* The part of the window with @id in ui/agviz-window.ui (a GtkWidget subclass: the caller's
 * pointer type says which). */
#define PART(window, id) window_part ((window), #id)

static gpointer
window_part (AgvizWindow *window,
             const char  *id)
{
  GObject *part = gtk_widget_get_template_child (GTK_WIDGET (window), AGVIZ_TYPE_WINDOW, id);

  g_assert_nonnull (part);
  return part;
}

/* The highlighted line of the source view, 0 none. */
static int
source_line (AgvizWindow *window)
{
  int line;

  agviz_window_get_source_path (window, &line);
  return line;
}

static void
count_signal (guint *n)
{
  (*n)++;
}

static gboolean
wait_for (gboolean (*done) (Fixture *), Fixture *fx)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!done (fx) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return done (fx);
}

static gboolean
loaded (Fixture *fx)
{
  return !agviz_window_is_loading (fx->window);
}

static gboolean
drawn (Fixture *fx)
{
  return agviz_graph_view_get_n_drawn_items (PART (fx->window, graph_view)) > 0;
}

/* Expansion changes are laid out on a worker thread and applied by the main loop. */
static gboolean
laid_out (Fixture *fx)
{
  return !agviz_graph_view_get_laying_out (PART (fx->window, graph_view));
}

static gboolean
idle_done (Fixture *fx)
{
  return !g_main_context_pending (NULL);
}

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  const char *path = g_getenv ("AGVIZ_EXAMPLE_TRACE");
  g_autoptr(GFile) file = NULL;

  g_assert_nonnull (path);
  file = g_file_new_for_path (path);
  fx->window = g_object_new (AGVIZ_TYPE_WINDOW, NULL);
  gtk_window_set_default_size (GTK_WINDOW (fx->window), 1400, 900);
  gtk_window_present (GTK_WINDOW (fx->window));
  agviz_window_open (fx->window, file);
  g_assert_true (wait_for (loaded, fx));
  g_assert_nonnull (agviz_window_get_document (fx->window));
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fx->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gint64
trace_of (Fixture    *fx,
          const char *graph_name)
{
  g_autoptr(AgvizTrace) trace = agviz_store_find_trace (agviz_document_get_store (agviz_window_get_document (fx->window)),
                                                        graph_name, NULL);
  g_assert_nonnull (trace);
  return trace->id;
}

/* A plural message with its count put in and the rest cut off where @format's "%s" starts:
 * "12 calls · " for "%u call · %s" (the duration varies), in the current language. */
static char *
format_count (const char *singular,
              const char *plural,
              guint       n)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, singular, plural, n), n, "");
}

/* Every label text below @widget, joined, for "does the sidebar show X". */
static void
collect_text (GtkWidget *widget,
              GString   *text)
{
  if (GTK_IS_LABEL (widget))
    {
      g_string_append (text, gtk_label_get_text (GTK_LABEL (widget)));
      g_string_append_c (text, '\n');
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_text (child, text);
}

static void
test_sidebar_lists_functions (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GPtrArray *functions = agviz_document_get_functions (agviz_window_get_document (fx->window));

  collect_text (GTK_WIDGET (PART (fx->window, trace_list)), text);
  g_assert_cmpuint (functions->len, >, 1);
  for (guint i = 0; i < functions->len; i++)
    g_assert_nonnull (strstr (text->str, ((AgvizFunction *) g_ptr_array_index (functions, i))->name));
  {
    g_autofree char *trace_3 = g_strdup_printf (_("Trace %d"), 3);
    g_assert_nonnull (strstr (text->str, trace_3));   /* step was traced several times */
  }
  g_assert_nonnull (strstr (text->str, _("failed")));    /* make_var's second trace */
}

static void
test_trace_shows_graph (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AgvizSceneItem *root;
  AgvizSceneItem *scope = NULL;
  gboolean was_expanded;

  g_assert_true (agviz_window_show_trace (fx->window, trace_of (fx, "__inference_train_step_57"), &error));
  g_assert_no_error (error);
  g_assert_nonnull (agviz_graph_view_get_layout (PART (fx->window, graph_view)));
  g_assert_true (wait_for (drawn, fx));

  /* Expand and collapse a scope through the canvas's action, as Enter does. */
  /* The first expandable item on screen: a scope, a series, or a call op opening its callee. */
  root = agviz_scene_get_root (agviz_session_get_scene (agviz_window_get_session (fx->window)));
  for (guint i = 0; i < root->children->len && scope == NULL; i++)
    {
      AgvizSceneItem *child = g_ptr_array_index (root->children, i);
      if (agviz_scene_item_is_expandable (child))
        scope = child;
    }
  g_assert_nonnull (scope);
  agviz_graph_view_select (PART (fx->window, graph_view), scope, FALSE);
  was_expanded = scope->expanded;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (PART (fx->window, graph_view)), "graph.toggle-expanded", NULL));
  g_assert_cmpint (scope->expanded, !=, was_expanded);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (PART (fx->window, graph_view)), "graph.toggle-expanded", NULL));
  g_assert_cmpint (scope->expanded, ==, was_expanded);

  /* Zoom actions change the viewport. */
  {
    double before = agviz_viewport_get_zoom (agviz_graph_view_get_viewport (PART (fx->window, graph_view)));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.zoom-in", NULL));
    g_assert_cmpfloat (agviz_viewport_get_zoom (agviz_graph_view_get_viewport (PART (fx->window, graph_view))), >, before);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.zoom-fit", NULL));
  }
}

static void
test_node_shows_inspector_and_source (Fixture       *fx,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AgvizSceneItem *variable;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (PART (fx->window, source_view)));
  GtkTextIter cursor;

  /* The variable's handle, captured by trace 1's graph: TF made the variable itself eagerly. */
  g_assert_true (agviz_window_show_trace (fx->window, trace_of (fx, "__inference_make_var_131"), &error));
  /* Nothing selected yet: the source pane's status page says what would show there. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (PART (fx->window, source_stack)), ==, "empty");
  variable = agviz_scene_find_node (agviz_session_get_scene (agviz_window_get_session (fx->window)), "Variable/11", &error);
  g_assert_no_error (error);
  agviz_graph_view_select (PART (fx->window, graph_view), variable, TRUE);

  g_assert_cmpstr (agviz_inspector_get_op_type (PART (fx->window, inspector)), ==, "Placeholder");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (PART (fx->window, source_stack)), ==, "text");
  g_assert_cmpint (source_line (fx->window), ==, 19);
  g_assert_true (g_str_has_suffix (gtk_label_get_text (PART (fx->window, source_label)), "demo.py:19"));
  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  g_assert_cmpint (gtk_text_iter_get_line (&cursor), ==, 18);
  {
    GtkTextIter end = cursor;
    g_autofree char *line = NULL;
    gtk_text_iter_forward_to_line_end (&end);
    line = gtk_text_iter_get_text (&cursor, &end);
    g_assert_cmpstr (line, ==, "    v = tf.Variable(1.0)");
  }
}

static void
test_diagnostic_selects_trace_and_line (Fixture       *fx,
                                        gconstpointer  data)
{
  GListModel *diagnostics = agviz_document_get_diagnostics (agviz_window_get_document (fx->window));
  guint found = G_MAXUINT;
  AgvizSceneItem *selected;

  for (guint i = 0; i < g_list_model_get_n_items (diagnostics) && found == G_MAXUINT; i++)
    {
      g_autoptr(AgvizDiagnostic) diagnostic = g_list_model_get_item (diagnostics, i);
      if (agviz_diagnostic_get_kind (diagnostic) == AGVIZ_DIAGNOSTIC_KIND_VARIABLE_NON_FIRST_TRACE)
        found = i;
    }
  g_assert_cmpuint (found, !=, G_MAXUINT);
  /* Through the list's own selection, as a click does. */
  agviz_problems_list_select (PART (fx->window, problems), found);

  /* The trace that failed holds only its placeholder (TF raises before any other op exists):
   * the finding shows that trace and the line that creates the variable. */
  g_assert_cmpint (agviz_session_get_trace_id (agviz_window_get_session (fx->window)), ==, trace_of (fx, "__inference_make_var_152"));
  selected = agviz_graph_view_get_selected (PART (fx->window, graph_view));
  g_assert_true (selected == NULL || g_strcmp0 (selected->op_type, "Placeholder") == 0);
  g_assert_cmpint (source_line (fx->window), ==, 19);
}

static gboolean
searched (Fixture *fx)
{
  return !agviz_search_panel_is_searching (PART (fx->window, search_panel));
}

static guint n_searches_before;

static gboolean
searched_again (Fixture *fx)
{
  return !agviz_search_panel_is_searching (PART (fx->window, search_panel)) && agviz_search_panel_get_n_searches (PART (fx->window, search_panel)) > n_searches_before;
}

/* Types @query into the search entry and waits for its results (after the entry's delay and the
 * worker thread); returns how many. */
static guint
search (Fixture    *fx,
        const char *query)
{
  n_searches_before = agviz_search_panel_get_n_searches (PART (fx->window, search_panel));
  gtk_editable_set_text (agviz_search_panel_get_entry (PART (fx->window, search_panel)), query);
  g_assert_true (wait_for (searched_again, fx));
  return agviz_search_panel_get_n_results (PART (fx->window, search_panel));
}

static void
test_search (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (agviz_window_show_trace (fx->window, trace_of (fx, "__inference_make_var_131"), &error));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.search", NULL));
  g_assert_true (gtk_search_bar_get_search_mode (PART (fx->window, search_bar)));
  g_assert_cmpuint (search (fx, "readvariableop"), >=, 1);
  g_assert_false ((agviz_search_panel_get_status (PART (fx->window, search_panel)) != NULL));
  g_assert_cmpuint (search (fx, "demo.py:19"), >=, 1);
  g_assert_cmpuint (search (fx, "no-such-node-anywhere"), ==, 0);
  g_assert_true ((agviz_search_panel_get_status (PART (fx->window, search_panel)) != NULL));

  /* A search replaced before it ends is dropped: only the last one's results are listed. */
  agviz_search_panel_search (PART (fx->window, search_panel), "variable", FALSE);
  g_assert_cmpuint (search (fx, "demo.py:19"), ==, 1);

  /* Activating a result selects and centres it. */
  g_signal_emit_by_name (agviz_search_panel_get_entry (PART (fx->window, search_panel)), "activate");
  g_assert_nonnull (agviz_graph_view_get_selected (PART (fx->window, graph_view)));
  g_assert_cmpstr (agviz_graph_view_get_selected (PART (fx->window, graph_view))->op_type, ==, "Placeholder");
}

/* A trace big enough to be read one scope at a time: the search finds nodes in scopes the scene
 * has not read, says when it stopped at its limit, and selecting a result opens its path and
 * centres it. */
static void
test_search_big_trace (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("agviz-gui-big-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "big.db", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  static const char *const layer_ops[] = { "MatMul", "BiasAdd", "Relu", "Mul", "AddV2" };
  const guint n_blocks = 400, n_layers = 10;
  const char *wanted = "model/block_321/layer_7/Relu";
  AgvizSceneItem *selected, *block;
  AgvizViewport *viewport;
  AgvizLayoutBox box, visible;
  Fixture fx = { 0 };

  {
    g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (path, &error);
    g_autoptr(GString) name = g_string_new (NULL);
    gint64 function, trace;

    g_assert_no_error (error);
    g_assert_true (agviz_recorder_begin_batch (recorder, &error));
    function = agviz_recorder_add_function (recorder, "model", 0, 0, &error);
    trace = agviz_recorder_begin_trace (recorder, function, "__inference_model_1", "", "", &error);
    g_assert_no_error (error);
    for (guint block_number = 1; block_number <= n_blocks; block_number++)
      for (guint layer = 1; layer <= n_layers; layer++)
        for (guint op = 0; op < G_N_ELEMENTS (layer_ops); op++)
          {
            g_string_printf (name, "model/block_%u/layer_%u/%s", block_number, layer, layer_ops[op]);
            agviz_recorder_add_node (recorder, trace, name->str, layer_ops[op], NULL, NULL, 0, &error);
          }
    g_assert_no_error (error);
    g_assert_true (agviz_recorder_end_trace (recorder, trace, AGVIZ_TRACE_STATUS_COMPLETE, -1, &error));
    g_assert_true (agviz_recorder_commit_batch (recorder, &error));
    g_assert_true (agviz_recorder_close (recorder, &error));
  }

  fx.window = g_object_new (AGVIZ_TYPE_WINDOW, NULL);
  gtk_window_set_default_size (GTK_WINDOW (fx.window), 1400, 900);
  gtk_window_present (GTK_WINDOW (fx.window));
  agviz_window_open (fx.window, file);
  g_assert_true (wait_for (loaded, &fx));
  g_assert_nonnull (agviz_session_get_scene (agviz_window_get_session (fx.window)));
  g_assert_cmpuint (n_blocks * n_layers * G_N_ELEMENTS (layer_ops), >=, 20000);
  /* Read per scope: the first picture read at most what it opened, and nothing below. */
  {
    AgvizSceneItem *root = agviz_scene_get_root (agviz_session_get_scene (agviz_window_get_session (fx.window)));
    AgvizSceneItem *top;

    g_assert_cmpuint (root->children->len, >=, 1);
    /* The first picture opens lone boxes (model, then its one series of blocks when that is
     * small enough) and reads what it opens. */
    top = g_ptr_array_index (root->children, 0);
    while (top->expanded && top->children->len == 1)
      top = g_ptr_array_index (top->children, 0);
    g_assert_false (top->expanded);
    g_assert_true (top->unloaded ||
                   ((AgvizSceneItem *) g_ptr_array_index (top->children, 0))->unloaded);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx.window), "win.search", NULL));
  g_assert_cmpuint (search (&fx, "block_321/layer_7/relu"), ==, 1);
  g_assert_false (agviz_search_panel_get_truncated (PART (fx.window, search_panel)));
  /* 4000 Relus: the list stops at its limit and says so. */
  g_assert_cmpuint (search (&fx, "Relu"), ==, 200);
  g_assert_true (agviz_search_panel_get_truncated (PART (fx.window, search_panel)));
  g_assert_true ((agviz_search_panel_get_status (PART (fx.window, search_panel)) != NULL));
  /* Scopes by name, too. */
  g_assert_cmpuint (search (&fx, "block_399"), ==, 1);

  /* Enter on the entry selects the first result, reading the scopes on its path. */
  g_assert_cmpuint (search (&fx, "block_321/layer_7/relu"), ==, 1);
  g_signal_emit_by_name (agviz_search_panel_get_entry (PART (fx.window, search_panel)), "activate");
  selected = agviz_graph_view_get_selected (PART (fx.window, graph_view));
  g_assert_nonnull (selected);
  {
    g_autofree char *selected_path = agviz_scene_item_dup_path (selected);
    g_assert_cmpstr (selected_path, ==, wanted);
  }
  g_assert_true (agviz_scene_item_is_visible (selected));
  block = agviz_scene_find (agviz_session_get_scene (agviz_window_get_session (fx.window)), "model/block_321", &error);
  g_assert_no_error (error);
  g_assert_true (block->expanded);
  g_assert_false (block->unloaded);
  /* Centred once laid out (on the worker thread): its box is in view. */
  g_assert_true (wait_for (laid_out, &fx));
  viewport = agviz_graph_view_get_viewport (PART (fx.window, graph_view));
  g_assert_true (agviz_layout_get_box (agviz_graph_view_get_layout (PART (fx.window, graph_view)), selected, &box));
  agviz_viewport_get_visible_box (viewport, &visible);
  g_assert_cmpfloat (fabs ((box.x + box.width / 2) - (visible.x + visible.width / 2)), <, 1.0 + visible.width / 4);
  g_assert_cmpfloat (fabs ((box.y + box.height / 2) - (visible.y + visible.height / 2)), <, 1.0 + visible.height / 4);

  fixture_teardown (&fx, NULL);
  agviz_trace_file_remove (path);
  g_rmdir (dir);
}

static void
test_export_png (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("agviz-gui-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "view.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GdkTexture) texture = NULL;

  g_assert_true (agviz_window_show_trace (fx->window, trace_of (fx, "__inference_train_step_57"), &error));
  g_assert_true (agviz_window_export (fx->window, file, &error));
  g_assert_no_error (error);
  texture = gdk_texture_new_from_file (file, &error);
  g_assert_no_error (error);
  {
    int width = gdk_texture_get_width (texture);
    int height = gdk_texture_get_height (texture);
    g_autofree guchar *pixels = g_malloc ((gsize) width * height * 4);
    guint non_white = 0;

    g_assert_cmpint (width, >, 50);
    gdk_texture_download (texture, pixels, (gsize) width * 4);
    for (gsize i = 0; i < (gsize) width * height; i++)
      if (pixels[4 * i] < 200 || pixels[4 * i + 1] < 200 || pixels[4 * i + 2] < 200)
        non_white++;
    g_assert_cmpuint (non_white, >, 100);   /* boxes and text, not a blank page */
  }
  g_unlink (path);
  g_rmdir (dir);
}

/* The executions panel: one lane per called trace, a mark per call, NaN/Inf markers; picking a
 * mark shows its trace. */
static void
test_executions_panel (Fixture       *fx,
                       gconstpointer  data)
{
  AgvizTimeline *timeline = PART (fx->window, timeline);
  gint64 noisy = trace_of (fx, "__inference_noisy_73");
  double x = 0, y = 0;

  g_assert_true (gtk_widget_get_visible (PART (fx->window, executions_panel)));
  g_assert_cmpuint (agviz_timeline_get_n_marks (timeline), ==,
                    agviz_document_get_executions (agviz_window_get_document (fx->window))->len);
  g_assert_cmpuint (agviz_timeline_get_n_marks (timeline), >=, 5);
  g_assert_cmpuint (agviz_timeline_get_n_lanes (timeline), >=, 3);
  g_assert_cmpuint (agviz_timeline_get_n_unhealthy (timeline), >=, 1);   /* the example's NaN */
  {
    guint n = agviz_document_get_executions (agviz_window_get_document (fx->window))->len;
    g_autofree char *calls = format_count ("%u call · %s", "%u calls · %s", n);
    g_assert_nonnull (strstr (gtk_label_get_text (PART (fx->window, executions_label)), calls));
  }
  g_assert_cmpint (agviz_timeline_get_selected (timeline), ==, agviz_session_get_trace_id (agviz_window_get_session (fx->window)));

  g_assert_true (wait_for (drawn, fx));
  g_assert_true (agviz_timeline_get_mark_point (timeline, noisy, &x, &y));
  g_assert_cmpint (agviz_timeline_pick (timeline, x, y), ==, noisy);
  g_signal_emit_by_name (timeline, "trace-activated", noisy);
  g_assert_cmpint (agviz_session_get_trace_id (agviz_window_get_session (fx->window)), ==, noisy);
  {
    g_autofree char *calls = format_count ("this trace: %u call · %s", "this trace: %u calls · %s", 2);
    g_assert_nonnull (strstr (gtk_label_get_text (PART (fx->window, executions_label)), calls));
  }

  /* Keyboard: Ctrl+T focuses the chart, Down moves to the next called trace. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.focus-executions", NULL));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (timeline)));
}

/* The minimap shows when a graph does; a click in it centres the canvas on what it points at. */
static void
test_minimap (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AgvizViewport *viewport = agviz_graph_view_get_viewport (PART (fx->window, graph_view));
  GtkWidget *minimap = GTK_WIDGET (PART (fx->window, minimap));
  double before_x, before_y, after_x, after_y;

  g_assert_true (agviz_window_show_trace (fx->window, trace_of (fx, "__inference_train_step_57"), &error));
  agviz_graph_view_expand_all (PART (fx->window, graph_view));
  g_assert_true (wait_for (laid_out, fx));
  g_assert_true (wait_for (drawn, fx));
  wait_for (idle_done, fx);
  g_assert_true (gtk_widget_get_mapped (minimap));
  g_assert_cmpint (gtk_widget_get_width (minimap), >=, 100);

  /* Zoomed in, a click at the minimap's top-left corner moves the view there. */
  agviz_viewport_zoom_at (viewport, 4.0, 0, 0);
  agviz_viewport_center_on (viewport, 1e6, 1e6);
  agviz_viewport_get_offset (viewport, &before_x, &before_y);
  agviz_minimap_move_to (PART (fx->window, minimap), 0, 0);
  agviz_viewport_get_offset (viewport, &after_x, &after_y);
  g_assert_cmpfloat (after_x + after_y, <, before_x + before_y);
}

/* Selecting "variable on a non-first trace" shows that trace next to trace 1 with the variables
 * each created and their lines. */
static void
test_variable_comparison (Fixture       *fx,
                          gconstpointer  data)
{
  GListModel *diagnostics = agviz_document_get_diagnostics (agviz_window_get_document (fx->window));
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (diagnostics); i++)
    {
      g_autoptr(AgvizDiagnostic) diagnostic = g_list_model_get_item (diagnostics, i);
      if (agviz_diagnostic_get_kind (diagnostic) == AGVIZ_DIAGNOSTIC_KIND_VARIABLE_NON_FIRST_TRACE)
        agviz_problems_list_select (PART (fx->window, problems), i);
    }
  g_assert_cmpint (agviz_comparison_get_trace_id (PART (fx->window, comparison)), ==, trace_of (fx, "__inference_make_var_152"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (PART (fx->window, inspector_stack)), ==, "comparison");
  collect_text (GTK_WIDGET (PART (fx->window, comparison)), text);
  {
    g_autofree char *trace_1 = g_strdup_printf (_("Trace %d"), 1);
    g_autofree char *trace_2 = g_strdup_printf (_("Trace %d"), 2);
    g_assert_nonnull (strstr (text->str, trace_1));
    g_assert_nonnull (strstr (text->str, trace_2));
  }
  if (strstr (text->str, "demo.py:19") == NULL)
    g_error ("the comparison does not show the variable's line: %s", text->str);

  /* Back to the inspector through its action (Ctrl+I). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.show-inspector", NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (PART (fx->window, inspector_stack)), ==, "inspector");
}

/* Compare with First Trace (Ctrl+D) on a trace whose graph is its first's: the panel says so,
 * and the canvas highlights nothing. */
static void
test_compare_same_traces (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  AgvizSession *session = agviz_window_get_session (fx->window);

  g_assert_true (agviz_window_show_trace (fx->window, trace_of (fx, "__inference_step_114"), &error));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.compare-traces", NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (PART (fx->window, inspector_stack)), ==, "comparison");
  g_assert_nonnull (agviz_session_get_diff (session));
  g_assert_true (agviz_graph_diff_is_empty (agviz_session_get_diff (session)));
  collect_text (GTK_WIDGET (PART (fx->window, comparison)), text);
  if (strstr (text->str, _("The graphs are the same")) == NULL)
    g_error ("the comparison does not say the graphs are the same: %s", text->str);

  /* Trace 1 beside itself: no diff to highlight. */
  g_assert_true (agviz_window_show_trace (fx->window, trace_of (fx, "__inference_step_100"), &error));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.compare-traces", NULL));
  g_assert_null (agviz_session_get_diff (session));
}

/* A real recording (the tf suite's tests/tf/test_graph_diff.py passes it in AGVIZ_DIFF_TEST_FILE):
 * trace 3 of `layer` gained a Mul.  The panel lists the changes, the canvas fills the added and
 * changed boxes with the diff's colours and its legend counts them, and a row selects its node. */
static void
test_diff_real (void)
{
  const char *path = g_getenv ("AGVIZ_DIFF_TEST_FILE");
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *legend = NULL;
  Fixture fx = { 0 };
  AgvizSession *session;
  AgvizFunction *function = NULL;
  AgvizTrace *trace = NULL;
  AgvizScene *scene;
  AgvizSceneItem *item;
  GdkRGBA fill;
  AgvizColor added = agviz_coloring_diff_fill (AGVIZ_DIFF_MARK_ADDED);
  AgvizColor changed = agviz_coloring_diff_fill (AGVIZ_DIFF_MARK_CHANGED);

  if (path == NULL || *path == '\0')
    {
      g_test_skip ("no AGVIZ_DIFF_TEST_FILE (the tf suite sets it)");
      return;
    }
  file = g_file_new_for_path (path);
  fx.window = g_object_new (AGVIZ_TYPE_WINDOW, NULL);
  gtk_window_set_default_size (GTK_WINDOW (fx.window), 1400, 900);
  gtk_window_present (GTK_WINDOW (fx.window));
  agviz_window_open (fx.window, file);
  g_assert_true (wait_for (loaded, &fx));
  g_assert_nonnull (agviz_window_get_document (fx.window));
  session = agviz_window_get_session (fx.window);

  {
    GPtrArray *functions = agviz_document_get_functions (agviz_window_get_document (fx.window));

    for (guint i = 0; i < functions->len; i++)
      if (g_str_equal (((AgvizFunction *) g_ptr_array_index (functions, i))->name, "layer"))
        function = g_ptr_array_index (functions, i);
  }
  g_assert_nonnull (function);
  g_assert_cmpuint (function->traces->len, ==, 3);
  trace = g_ptr_array_index (function->traces, 2);
  g_assert_true (agviz_window_show_trace (fx.window, trace->id, &error));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx.window), "win.compare-traces", NULL));
  g_assert_nonnull (agviz_session_get_diff (session));
  g_assert_cmpuint (agviz_graph_diff_get_counts (agviz_session_get_diff (session))->added, ==, 2);

  collect_text (GTK_WIDGET (PART (fx.window, comparison)), text);
  if (strstr (text->str, "mul (Mul)") == NULL || strstr (text->str, "Relu (Relu)") == NULL ||
      strstr (text->str, "inputs: MatMul → mul") == NULL)
    g_error ("the comparison does not list the changes: %s", text->str);

  /* Every scope open, so that the added Mul has a box. */
  agviz_graph_view_expand_all (PART (fx.window, graph_view));
  g_assert_true (wait_for (laid_out, &fx));
  g_assert_true (wait_for (drawn, &fx));
  scene = agviz_session_get_scene (session);
  item = agviz_scene_find_node (scene, "mul", &error);
  g_assert_no_error (error);
  agviz_graph_view_get_item_fill (PART (fx.window, graph_view), item, &fill);
  g_assert_cmpfloat_with_epsilon (fill.green, added.green, 1e-3);
  g_assert_cmpfloat_with_epsilon (fill.red, added.red, 1e-3);
  item = agviz_scene_find_node (scene, "Relu", &error);
  agviz_graph_view_get_item_fill (PART (fx.window, graph_view), item, &fill);
  g_assert_cmpfloat_with_epsilon (fill.blue, changed.blue, 1e-3);
  legend = agviz_graph_view_dup_legend_text (PART (fx.window, graph_view));
  {
    g_autofree char *added_text = g_strdup_printf (_("Added (%u)"), 2);
    g_autofree char *changed_text = g_strdup_printf (_("Changed (%u)"), 1);

    if (strstr (legend, added_text) == NULL || strstr (legend, changed_text) == NULL)
      g_error ("the legend does not count the changes: %s", legend);
  }

  /* A row of the changes selects its node on the canvas. */
  g_assert_true (agviz_comparison_select_change (PART (fx.window, comparison), "Relu"));
  wait_for (idle_done, &fx);
  item = agviz_session_get_selected_item (session);
  g_assert_nonnull (item);
  g_assert_cmpint (item->node_id, ==, agviz_scene_find_node (scene, "Relu", NULL)->node_id);
  fixture_teardown (&fx, NULL);
}

/* Clicking line 19 of demo.py selects the variable created there. */
static void
test_source_line_selects_nodes (Fixture       *fx,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AgvizSceneItem *selected;

  g_assert_true (agviz_window_show_trace (fx->window, trace_of (fx, "__inference_make_var_131"), &error));
  agviz_graph_view_select (PART (fx->window, graph_view),
                           agviz_scene_find_node (agviz_session_get_scene (agviz_window_get_session (fx->window)), "Variable/11", NULL), FALSE);
  g_assert_nonnull (agviz_window_get_source_path (fx->window, NULL));
  agviz_graph_view_select (PART (fx->window, graph_view), NULL, FALSE);
  agviz_window_select_source_line (fx->window, 19);
  g_assert_true (wait_for (searched, fx));
  g_assert_cmpuint (agviz_search_panel_get_n_results (PART (fx->window, search_panel)), >=, 1);
  selected = agviz_graph_view_get_selected (PART (fx->window, graph_view));
  g_assert_nonnull (selected);
  g_assert_cmpstr (selected->op_type, ==, "Placeholder");
  g_assert_true (gtk_search_bar_get_search_mode (PART (fx->window, search_bar)));
  agviz_window_select_source_line (fx->window, 1);   /* a comment line */
  g_assert_true (wait_for (searched, fx));
  g_assert_cmpuint (agviz_search_panel_get_n_results (PART (fx->window, search_panel)), ==, 0);
}

static gboolean
refreshed (Fixture *fx)
{
  return fx->n_refreshes > 0;
}

/* A recorder appends a trace to the open file: it shows up in the sidebar without reopening, and
 * the shown trace stays selected. */
static void
test_live_refresh (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("agviz-gui-live-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "live.db", NULL);
  g_autoptr(GFile) example = g_file_new_for_path (g_getenv ("AGVIZ_EXAMPLE_TRACE"));
  g_autoptr(GFile) copy = g_file_new_for_path (path);
  g_autoptr(AgvizRecorder) recorder = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  Fixture fx = { 0 };
  gint64 shown, function, trace;

  g_assert_true (g_file_copy (example, copy, G_FILE_COPY_NONE, NULL, NULL, NULL, &error));
  fx.window = g_object_new (AGVIZ_TYPE_WINDOW, NULL);
  gtk_window_present (GTK_WINDOW (fx.window));
  agviz_window_open (fx.window, copy);
  g_assert_true (wait_for (loaded, &fx));
  g_assert_nonnull (agviz_window_get_document (fx.window));
  shown = agviz_session_get_trace_id (agviz_window_get_session (fx.window));
  g_assert_cmpint (shown, !=, 0);
  g_assert_true (wait_for (drawn, &fx));
  wait_for (idle_done, &fx);
  fx.n_refreshes = 0;
  g_signal_connect_swapped (fx.window, "refreshed", G_CALLBACK (count_signal), &fx.n_refreshes);

  recorder = agviz_recorder_open (path, &error);
  g_assert_no_error (error);
  function = agviz_recorder_add_function (recorder, "live_step", 0, 0, &error);
  trace = agviz_recorder_begin_trace (recorder, function, "__inference_live_step_7", "x: ()", "first call", &error);
  g_assert_no_error (error);
  agviz_recorder_add_node (recorder, trace, "Const", "Const", NULL, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_true (agviz_recorder_end_trace (recorder, trace, AGVIZ_TRACE_STATUS_COMPLETE, -1, &error));
  g_assert_true (agviz_recorder_flush (recorder, &error));

  g_assert_true (wait_for (refreshed, &fx));
  collect_text (GTK_WIDGET (PART (fx.window, trace_list)), text);
  g_assert_nonnull (strstr (text->str, "live_step"));
  g_assert_cmpint (agviz_session_get_trace_id (agviz_window_get_session (fx.window)), ==, shown);
  {
    g_assert_cmpint (agviz_trace_list_get_selected_trace_id (PART (fx.window, trace_list)), ==, shown);
  }
  g_assert_true (agviz_recorder_close (recorder, &error));

  fixture_teardown (&fx, NULL);
  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (command), ==, 0);
  }
}

static void save_window_png (Fixture *fx, const char *path);

static gboolean
count_frame (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

/* AGVIZ_SCREENSHOT_SOURCES=DIR saves the window at @name.png in DIR, for people judging it. */
static void
maybe_save_window_png (Fixture    *fx,
                       const char *name)
{
  const char *dir = g_getenv ("AGVIZ_SCREENSHOT_SOURCES");
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  g_assert_true (wait_for (drawn, fx));
  /* Panels just rebuilt (the inspector, the source pane) are laid out at the next frames. */
  {
    guint frames = 0;
    guint tick = gtk_widget_add_tick_callback (GTK_WIDGET (fx->window), count_frame, &frames, NULL);
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (frames < 3 && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    gtk_widget_remove_tick_callback (GTK_WIDGET (fx->window), tick);
  }
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  save_window_png (fx, path);
}

static gboolean
rechecked (Fixture *fx)
{
  return fx->n_rechecks > 0;
}

/* A new window on @file, with make_var's first trace shown and its variable's handle selected. */
static void
open_and_select_variable (Fixture *fx,
                          GFile   *file)
{
  g_autoptr(GError) error = NULL;
  AgvizSceneItem *variable;

  fx->window = g_object_new (AGVIZ_TYPE_WINDOW, NULL);
  fx->n_rechecks = 0;
  g_signal_connect_swapped (fx->window, "rechecked", G_CALLBACK (count_signal), &fx->n_rechecks);
  gtk_window_set_default_size (GTK_WINDOW (fx->window), 1400, 900);
  gtk_window_present (GTK_WINDOW (fx->window));
  agviz_window_open (fx->window, file);
  g_assert_true (wait_for (loaded, fx));
  g_assert_nonnull (agviz_window_get_document (fx->window));
  /* The variable's handle, captured by trace 1's graph: TF made the variable itself eagerly. */
  g_assert_true (agviz_window_show_trace (fx->window, trace_of (fx, "__inference_make_var_131"), &error));
  variable = agviz_scene_find_node (agviz_session_get_scene (agviz_window_get_session (fx->window)), "Variable/11", &error);
  g_assert_no_error (error);
  agviz_graph_view_select (PART (fx->window, graph_view), variable, TRUE);
  g_assert_cmpstr (agviz_inspector_get_op_type (PART (fx->window, inspector)), ==, "Placeholder");
}

/* The text of line @line of the source view. */
static char *
source_view_line (Fixture *fx,
                  int      line)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (PART (fx->window, source_view)));
  GtkTextIter start, end;

  gtk_text_buffer_get_iter_at_line (buffer, &start, line - 1);
  end = start;
  gtk_text_iter_forward_to_line_end (&end);
  return gtk_text_iter_get_text (&start, &end);
}

/* The source line of make_var's "variable on a non-first trace" finding, or NULL. */
static const char *
variable_diagnostic_line (Fixture *fx)
{
  GListModel *diagnostics = agviz_document_get_diagnostics (agviz_window_get_document (fx->window));

  for (guint i = 0; i < g_list_model_get_n_items (diagnostics); i++)
    {
      g_autoptr(AgvizDiagnostic) diagnostic = g_list_model_get_item (diagnostics, i);

      /* The model keeps its own reference: the string outlives this one. */
      if (agviz_diagnostic_get_kind (diagnostic) == AGVIZ_DIAGNOSTIC_KIND_VARIABLE_NON_FIRST_TRACE)
        return agviz_diagnostic_get_source_line (diagnostic);
    }
  g_assert_not_reached ();
}

static void
assert_shows_variable_source (Fixture *fx)
{
  g_autoptr(GString) inspector_text = g_string_new (NULL);
  g_autofree char *line = NULL;

  g_assert_cmpstr (gtk_stack_get_visible_child_name (PART (fx->window, source_stack)), ==, "text");
  g_assert_cmpint (source_line (fx->window), ==, 19);
  line = source_view_line (fx, 19);
  g_assert_cmpstr (line, ==, "    v = tf.Variable(1.0)");
  collect_text (GTK_WIDGET (PART (fx->window, inspector)), inspector_text);
  g_assert_nonnull (strstr (inspector_text->str, "v = tf.Variable(1.0)"));
  g_assert_cmpstr (variable_diagnostic_line (fx), ==, "v = tf.Variable(1.0)");
}

/* A trace file made on another machine (the fixture writer's --source-elsewhere: demo.py at a
 * path that does not exist here, only its SHA-256 recorded).  The source pane says that the file
 * is not here instead of showing its path as text; locating a folder through win.locate-sources
 * (which the Locate Folder button's dialog activates) that holds nothing fitting changes nothing,
 * one with an edited copy says the file changed, one with the copy that ran shows its text in the
 * source view, the inspector and the problems; a new window on the file has it all at once. */
static void
test_locate_sources (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("agviz-gui-sources-XXXXXX", &error);
  g_autofree char *recorded = g_build_filename (dir, "elsewhere", "home", "alice", "proj", "src",
                                                "demo.py", NULL);
  g_autofree char *recorded_proj = g_build_filename (dir, "elsewhere", "home", "alice", "proj", NULL);
  g_autofree char *trace_path = g_build_filename (dir, "made-elsewhere.db", NULL);
  g_autofree char *here = g_build_filename (dir, "here", "proj", NULL);
  g_autofree char *copy = g_build_filename (here, "src", "demo.py", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty", NULL);
  g_autofree char *demo_text = NULL;
  g_autoptr(GFile) trace_file = g_file_new_for_path (trace_path);
  g_autoptr(GString) text = g_string_new (NULL);
  const char *argv[] = { g_getenv ("AGVIZ_FIXTURE_WRITER"), "--source-elsewhere", recorded,
                         trace_path, NULL };
  Fixture fx = { 0 };
  guint n_problems;
  int status = 0;

  g_assert_no_error (error);
  g_assert_nonnull (argv[0]);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_false (g_file_test (recorded, G_FILE_TEST_EXISTS));
  /* The program's text, as the example trace captured it. */
  {
    g_autoptr(AgvizStore) example = agviz_store_open (g_getenv ("AGVIZ_EXAMPLE_TRACE"),
                                                      AGVIZ_STORE_FLAGS_NONE, &error);
    g_autoptr(GPtrArray) files = agviz_store_list_source_files (example, &error);
    g_autoptr(GBytes) bytes = NULL;

    g_assert_no_error (error);
    for (guint i = 0; i < files->len && bytes == NULL; i++)
      {
        AgvizSourceFile *file = g_ptr_array_index (files, i);
        if (g_str_has_suffix (file->path, "/demo.py") && file->has_text)
          bytes = agviz_store_get_file_text (example, file->id, &error);
      }
    g_assert_nonnull (bytes);
    demo_text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  }
  g_assert_cmpint (g_mkdir_with_parents (empty, 0700), ==, 0);

  open_and_select_variable (&fx, trace_file);

  /* Not on this machine: said so, with the recorded path, and nothing as source text. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (PART (fx.window, source_stack)), ==, "missing");
  g_assert_cmpstr (agviz_window_get_source_path (fx.window, NULL), ==, recorded);
  g_assert_cmpint (source_line (fx.window), ==, 19);
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (PART (fx.window, source_view)));
    g_autofree char *title = g_strdup_printf (_("%s is not on this machine and was not recorded"),
                                              "demo.py");
    GtkTextIter start, end;
    g_autofree char *shown = NULL;

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    shown = gtk_text_iter_get_text (&start, &end);
    g_assert_cmpstr (shown, ==, "");
    g_assert_cmpstr (gtk_label_get_text (PART (fx.window, missing_title)), ==, title);
    g_assert_nonnull (strstr (gtk_label_get_text (PART (fx.window, missing_details)), recorded));
    g_assert_true (gtk_widget_get_visible (PART (fx.window, locate_button)));
    g_assert_true (gtk_widget_is_sensitive (PART (fx.window, locate_button)));
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (PART (fx.window, locate_status))));
  }
  collect_text (GTK_WIDGET (PART (fx.window, inspector)), text);
  g_assert_null (strstr (text->str, "v = tf.Variable(1.0)"));
  /* The defining frame is marked as `agviz where` marks it, never with TF's own "*". */
  g_assert_nonnull (strstr (text->str, "=>\n"));
  g_assert_null (strstr (text->str, "★"));
  /* The finding still quotes the line TensorFlow's own error text printed. */
  g_assert_cmpstr (variable_diagnostic_line (&fx), ==, "v = tf.Variable(1.0)");
  maybe_save_window_png (&fx, "source-missing");

  /* A folder with nothing that fits: said, and nothing mapped or kept. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx.window), "win.locate-sources", "s", empty));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (PART (fx.window, locate_status))));
  g_assert_nonnull (strstr (gtk_label_get_text (PART (fx.window, locate_status)), empty));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (PART (fx.window, source_stack)), ==, "missing");
  g_assert_cmpuint (agviz_document_get_source_roots (agviz_window_get_document (fx.window))->len, ==, 0);
  {
    g_autofree char *key_file = agviz_source_roots_get_key_file ();
    g_assert_false (g_file_test (key_file, G_FILE_TEST_EXISTS));
  }

  /* An edited copy: mapped, but not shown as the code that ran. */
  {
    g_autofree char *src = g_path_get_dirname (copy);
    g_autofree char *edited = g_strconcat (demo_text, "# edited\n", NULL);
    g_autofree char *title = g_strdup_printf (_("%s has changed since the trace was recorded"),
                                              "demo.py");

    g_assert_cmpint (g_mkdir_with_parents (src, 0700), ==, 0);
    g_assert_true (g_file_set_contents (copy, edited, -1, &error));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx.window), "win.locate-sources", "s", here));
    g_assert_cmpstr (gtk_stack_get_visible_child_name (PART (fx.window, source_stack)), ==, "missing");
    g_assert_cmpstr (gtk_label_get_text (PART (fx.window, missing_title)), ==, title);
    maybe_save_window_png (&fx, "source-changed");
  }

  /* The copy that ran: its text everywhere, the recorded project folder mapped to this one, and
   * the findings that read the source (frozen values, side effects) found now. */
  n_problems = g_list_model_get_n_items (agviz_document_get_diagnostics (agviz_window_get_document (fx.window)));
  g_assert_true (g_file_set_contents (copy, demo_text, -1, &error));
  /* Counted from here: this locating cancels any recheck an earlier one started. */
  fx.n_rechecks = 0;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx.window), "win.locate-sources", "s", here));
  g_assert_true (wait_for (rechecked, &fx));
  assert_shows_variable_source (&fx);
  g_assert_cmpuint (g_list_model_get_n_items (agviz_document_get_diagnostics (agviz_window_get_document (fx.window))),
                    >, n_problems);
  maybe_save_window_png (&fx, "source-located");
  gtk_stack_set_visible_child_name (PART (fx.window, sidebar_stack), "diagnostics");
  maybe_save_window_png (&fx, "problems-located");
  {
    GPtrArray *roots = agviz_document_get_source_roots (agviz_window_get_document (fx.window));
    AgvizSourceRoot *root;

    g_assert_cmpuint (roots->len, ==, 1);
    root = g_ptr_array_index (roots, 0);
    g_assert_cmpstr (root->recorded_folder, ==, recorded_proj);
    g_assert_cmpstr (root->local_folder, ==, here);
  }
  /* The tooltip says where the text was read from. */
  {
    const char *tooltip = gtk_widget_get_tooltip_text (GTK_WIDGET (PART (fx.window, source_label)));
    g_assert_nonnull (strstr (tooltip, copy));
  }
  fixture_teardown (&fx, NULL);

  /* Opened again: the folder is remembered, and the problems have their lines from the start. */
  fx.window = NULL;
  open_and_select_variable (&fx, trace_file);
  g_assert_cmpuint (fx.n_rechecks, ==, 0);
  assert_shows_variable_source (&fx);
  fixture_teardown (&fx, NULL);

  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (command), ==, 0);
  }
}

/* In the zh_CN run: the translations are loaded and the window shows them.  Literal Chinese
 * here, not gettext, so that the test fails when no catalogue is found. */
/* The first visible closed op that has inputs among its siblings (or any closed op). */
static AgvizSceneItem *
find_visible_op (Fixture  *fx,
                 gboolean  with_inputs)
{
  g_autoptr(GPtrArray) visible = agviz_layout_list_visible (agviz_graph_view_get_layout (PART (fx->window, graph_view)));

  for (guint i = 0; i < visible->len; i++)
    {
      AgvizSceneItem *item = g_ptr_array_index (visible, i);

      if (item->kind == AGVIZ_SCENE_ITEM_OP && item->op_type != NULL &&
          (!with_inputs || item->in_degree > 0))
        return item;
    }
  return NULL;
}

static gboolean
legend_has (Fixture    *fx,
            const char *line)
{
  g_autofree char *legend = agviz_graph_view_dup_legend_text (PART (fx->window, graph_view));
  g_autofree char *wanted = g_strconcat (line, "\n", NULL);

  return strstr (legend, wanted) != NULL;
}

static void
test_color_by (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) timings = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autofree char *legend = NULL;
  AgvizSceneItem *op;
  GdkRGBA fill, expected;
  gint64 *slow = g_new (gint64, 1);

  g_assert_true (agviz_window_show_trace (fx->window, trace_of (fx, "__inference_train_step_57"), &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.expand-all", NULL));
  g_assert_true (wait_for (laid_out, fx));
  g_assert_true (wait_for (drawn, fx));
  op = find_visible_op (fx, FALSE);
  g_assert_nonnull (op);

  /* By op type (the default): the SVG writer's colour, and the op type in the legend. */
  g_assert_cmpint (agviz_graph_view_get_color_by (PART (fx->window, graph_view)), ==, AGVIZ_COLOR_BY_OP);
  g_assert_true (legend_has (fx, op->op_type));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.color-by", "s", "device"));
  g_assert_cmpint (agviz_graph_view_get_color_by (PART (fx->window, graph_view)), ==, AGVIZ_COLOR_BY_DEVICE);
  agviz_graph_view_get_item_fill (PART (fx->window, graph_view), op, &fill);
  g_assert_true (gdk_rgba_parse (&expected, _agviz_drawing_fill (op, AGVIZ_COLOR_BY_DEVICE)));
  g_assert_true (gdk_rgba_equal (&fill, &expected) || agviz_graph_view_get_dark (PART (fx->window, graph_view)));

  /* By time: the file's eager op timings, or a plain statement that there are none. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.color-by", "s", "time"));
  if (g_hash_table_size (agviz_document_get_op_timings (agviz_window_get_document (fx->window))) == 0)
    g_assert_true (legend_has (fx, _("No execution timings in this file")));
  *slow = 5000000;
  g_hash_table_insert (timings, (gpointer) op->op_type, slow);
  g_hash_table_insert (timings, (gpointer) "AgvizTestFastOp", g_memdup2 (&(gint64) { 1000 }, sizeof (gint64)));
  agviz_graph_view_set_op_timings (PART (fx->window, graph_view), timings);
  g_assert_false (legend_has (fx, _("No execution timings in this file")));
  agviz_graph_view_get_item_fill (PART (fx->window, graph_view), op, &fill);
  /* The slowest op type gets the far end of the scale: deep orange, not white. */
  g_assert_cmpfloat (fill.blue, <, 0.5);
  agviz_graph_view_set_op_timings (PART (fx->window, graph_view), agviz_document_get_op_timings (agviz_window_get_document (fx->window)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.color-by", "s", "trace"));
  g_assert_cmpint (agviz_graph_view_get_color_by (PART (fx->window, graph_view)), ==, AGVIZ_COLOR_BY_TRACE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.color-by", "s", "none"));
  legend = agviz_graph_view_dup_legend_text (PART (fx->window, graph_view));
  g_assert_cmpstr (legend, ==, "");
  g_assert_true (wait_for (drawn, fx));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.color-by", "s", "op"));
}

/* The colouring chosen is saved (GSETTINGS_BACKEND=memory here) and a new window starts with it. */
static void
test_color_by_remembered (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autofree char *saved = NULL;
  AgvizWindow *second;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.color-by", "s", "device"));
  saved = g_settings_get_string (settings, "color-by");
  g_assert_cmpstr (saved, ==, "device");

  second = g_object_new (AGVIZ_TYPE_WINDOW, NULL);
  g_assert_cmpint (agviz_graph_view_get_color_by (PART (second, graph_view)), ==, AGVIZ_COLOR_BY_DEVICE);
  g_assert_cmpstr (agviz_session_get_color_by (agviz_window_get_session (second)), ==, "device");
  gtk_window_destroy (GTK_WINDOW (second));

  /* Changed elsewhere (another window, dconf): followed. */
  g_settings_set_string (settings, "color-by", "trace");
  g_assert_cmpint (agviz_graph_view_get_color_by (PART (fx->window, graph_view)), ==, AGVIZ_COLOR_BY_TRACE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.color-by", "s", "op"));
  g_free (saved);
  saved = g_settings_get_string (settings, "color-by");
  g_assert_cmpstr (saved, ==, "op");
}

/* The canvas's width, once the window has laid itself out again (a pane shown or hidden takes
 * a frame or two): the main loop runs until the window has drawn three more frames and a fifth
 * of a second has passed (under valgrind a frame takes far longer than that). */
static int
settle_canvas_width (Fixture *fx)
{
  AgvizGraphView *view = PART (fx->window, graph_view);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (fx->window));
  gint64 first_frame = clock != NULL ? gdk_frame_clock_get_frame_counter (clock) : 0;
  gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 5;
  gint64 give_up = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  double view_width, view_height;

  gtk_widget_queue_draw (GTK_WIDGET (fx->window));
  while (g_get_monotonic_time () < until ||
         (clock != NULL && gdk_frame_clock_get_frame_counter (clock) < first_frame + 3 &&
          g_get_monotonic_time () < give_up))
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  agviz_viewport_get_view_size (agviz_graph_view_get_viewport (view), &view_width, &view_height);
  g_assert_cmpint ((int) view_width, ==, gtk_widget_get_width (GTK_WIDGET (view)));
  return gtk_widget_get_width (GTK_WIDGET (view));
}

/* The first picture's zoom is the one the first view chooses for the canvas as shown. */
static void
assert_first_view_fits_canvas (Fixture *fx)
{
  AgvizGraphView *view = PART (fx->window, graph_view);
  AgvizViewport *viewport = agviz_graph_view_get_viewport (view);
  AgvizFirstViewFrame frame;
  double view_width, view_height;

  agviz_viewport_get_view_size (viewport, &view_width, &view_height);
  g_assert_cmpint ((int) view_width, ==, gtk_widget_get_width (GTK_WIDGET (view)));
  agviz_first_view_frame (agviz_graph_view_get_layout (view), AGVIZ_RANKDIR_TB, view_width,
                          view_height, &frame);
  g_assert_cmpfloat_with_epsilon (agviz_viewport_get_zoom (viewport), frame.zoom, 1e-9);
  /* Placed for that canvas too (a small picture is centred in it). */
  {
    double x, y;

    agviz_viewport_get_offset (viewport, &x, &y);
    g_assert_cmpfloat_with_epsilon (x, frame.x, 1e-6);
    g_assert_cmpfloat_with_epsilon (y, frame.y, 1e-6);
  }
}

/* The graph gets the room: the inspector pane is hidden while nothing is selected and opens on a
 * selection; hidden by hand (win.inspector-visible, Shift+F9) it stays hidden until shown again
 * (remembered in GSettings); the sidebar hides with win.sidebar-visible (F9), remembered too. */
static void
test_canvas_room (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(GError) error = NULL;
  GtkWidget *pane = GTK_WIDGET (PART (fx->window, source_paned));
  GtkWidget *sidebar = GTK_WIDGET (PART (fx->window, sidebar));
  AgvizScene *scene;
  AgvizSceneItem *first, *second;
  int with_sidebar, alone, with_pane;

  g_assert_true (wait_for (drawn, fx));
  scene = agviz_session_get_scene (agviz_window_get_session (fx->window));
  first = g_ptr_array_index (agviz_scene_get_root (scene)->children, 0);
  second = g_ptr_array_index (agviz_scene_get_root (scene)->children, 1);

  /* Opened: only the sidebar beside the canvas, and the first view chosen for that canvas. */
  with_sidebar = settle_canvas_width (fx);
  g_assert_false (gtk_widget_get_visible (pane));
  g_assert_true (gtk_widget_get_visible (sidebar));
  /* Beside it only the paned's handle and the canvas's frame. */
  g_assert_cmpint (with_sidebar + gtk_widget_get_width (sidebar), >=, 1400 - 16);
  g_test_message ("canvas %d px wide beside a %d px sidebar", with_sidebar,
                  gtk_widget_get_width (sidebar));
  assert_first_view_fits_canvas (fx);

  /* A node selected: the pane opens beside it. */
  agviz_graph_view_select (PART (fx->window, graph_view), first, TRUE);
  g_assert_true (gtk_widget_get_visible (pane));
  with_pane = settle_canvas_width (fx);
  g_assert_cmpint (with_pane, <, with_sidebar);

  /* Hidden by hand, it stays hidden while the user explores, in new windows too. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.inspector-visible", NULL));
  g_assert_false (gtk_widget_get_visible (pane));
  g_assert_false (g_settings_get_boolean (settings, "inspector-opens-on-selection"));
  agviz_graph_view_select (PART (fx->window, graph_view), second, TRUE);
  g_assert_false (gtk_widget_get_visible (pane));
  g_assert_cmpint (settle_canvas_width (fx), ==, with_sidebar);
  /* Asked for (Ctrl+I, a problem, a comparison): shown, and selections open it again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.show-inspector", NULL));
  g_assert_true (gtk_widget_get_visible (pane));
  g_assert_true (g_settings_get_boolean (settings, "inspector-opens-on-selection"));

  /* The sidebar hidden: the canvas has the window's whole width. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.inspector-visible", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.sidebar-visible", NULL));
  g_assert_false (gtk_widget_get_visible (sidebar));
  g_assert_false (g_settings_get_boolean (settings, "sidebar-visible"));
  alone = settle_canvas_width (fx);
  g_assert_cmpint (alone, >=, 1400 - 16);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.sidebar-visible", NULL));
  g_assert_true (g_settings_get_boolean (settings, "sidebar-visible"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.show-inspector", NULL));

  /* Another file opened in the window with the pane open (a file dropped on it): the pane
   * closes while it loads, and the first view is chosen for the canvas it leaves. */
  g_assert_cmpint (settle_canvas_width (fx), ==, with_pane);
  {
    g_autoptr(GFile) file = g_file_new_for_path (g_getenv ("AGVIZ_EXAMPLE_TRACE"));

    agviz_window_open (fx->window, file);
    g_assert_true (wait_for (loaded, fx));
  }
  g_assert_true (wait_for (laid_out, fx));
  g_assert_true (wait_for (drawn, fx));
  g_assert_false (gtk_widget_get_visible (pane));
  g_assert_cmpint (settle_canvas_width (fx), ==, with_sidebar);
  assert_first_view_fits_canvas (fx);
  g_assert_no_error (error);
}

static void
test_trace_inputs (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AgvizSceneItem *op;
  gboolean state = FALSE;

  g_assert_true (agviz_window_show_trace (fx->window, trace_of (fx, "__inference_train_step_57"), &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.expand-all", NULL));
  g_assert_true (wait_for (laid_out, fx));
  op = find_visible_op (fx, TRUE);
  g_assert_nonnull (op);
  agviz_graph_view_select (PART (fx->window, graph_view), op, TRUE);
  g_assert_cmpuint (agviz_graph_view_get_n_traced (PART (fx->window, graph_view)), ==, 0);

  /* The window action toggles, as the menu item and the inspector's button do. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.trace-inputs", NULL));
  g_object_get (PART (fx->window, graph_view), "trace-inputs", &state, NULL);
  g_assert_true (state);
  g_assert_true (agviz_graph_view_is_traced (PART (fx->window, graph_view), op));
  g_assert_cmpuint (agviz_graph_view_get_n_traced (PART (fx->window, graph_view)), >=, 2);
  g_assert_true (wait_for (drawn, fx));

  /* Following the selection: nothing selected, nothing traced. */
  agviz_graph_view_select (PART (fx->window, graph_view), NULL, FALSE);
  g_assert_cmpuint (agviz_graph_view_get_n_traced (PART (fx->window, graph_view)), ==, 0);
  agviz_graph_view_select (PART (fx->window, graph_view), op, FALSE);
  g_assert_cmpuint (agviz_graph_view_get_n_traced (PART (fx->window, graph_view)), >=, 2);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.trace-inputs", NULL));
  g_assert_false (agviz_graph_view_get_trace_inputs (PART (fx->window, graph_view)));
  g_assert_cmpuint (agviz_graph_view_get_n_traced (PART (fx->window, graph_view)), ==, 0);
}

static gboolean
annotations_drawn (Fixture *fx)
{
  return agviz_graph_view_get_n_drawn_annotations (PART (fx->window, graph_view)) > 0;
}

static gboolean
no_annotations_drawn (Fixture *fx)
{
  return drawn (fx) && agviz_graph_view_get_n_drawn_annotations (PART (fx->window, graph_view)) == 0;
}

/* Const inputs are drawn small beside their consumer once zoomed in, and a click on one selects
 * it; zoomed out they are left out. */
static void
test_annotations (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) visible = NULL;
  AgvizViewport *viewport = agviz_graph_view_get_viewport (PART (fx->window, graph_view));
  AgvizSceneItem *annotation = NULL;
  AgvizLayoutBox box;
  double x = 0, y = 0;

  g_assert_true (agviz_window_show_trace (fx->window, trace_of (fx, "__inference_step_100"), &error));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.expand-all", NULL));
  g_assert_true (wait_for (laid_out, fx));
  visible = agviz_layout_list_visible (agviz_graph_view_get_layout (PART (fx->window, graph_view)));
  for (guint i = 0; i < visible->len && annotation == NULL; i++)
    {
      AgvizSceneItem *item = g_ptr_array_index (visible, i);
      GPtrArray *annotations = agviz_scene_item_get_annotations (item);

      if (annotations != NULL && !item->expanded)
        annotation = g_ptr_array_index (annotations, 0);
    }
  g_assert_nonnull (annotation);
  g_assert_true (annotation->annotation);

  /* Zoomed in on its consumer. */
  g_assert_true (agviz_layout_get_box (agviz_graph_view_get_layout (PART (fx->window, graph_view)),
                                       annotation->annotated, &box));
  agviz_viewport_zoom_at (viewport, 2.0, 0, 0);
  agviz_viewport_center_on (viewport, box.x + box.width / 2, box.y + box.height / 2);
  g_assert_true (wait_for (annotations_drawn, fx));
  g_assert_true (agviz_graph_view_get_annotation_point (PART (fx->window, graph_view), annotation, &x, &y));
  /* Beside the box, not on it: inputs to the left, outputs to the right. */
  {
    double box_left, box_top, box_right, box_bottom;

    agviz_viewport_content_to_view (viewport, box.x, box.y, &box_left, &box_top);
    agviz_viewport_content_to_view (viewport, box.x + box.width, box.y + box.height, &box_right, &box_bottom);
    g_assert_true (annotation->annotation_out ? x > box_right : x < box_left);
    g_assert_cmpfloat (y, >=, box_top);
    g_assert_cmpfloat (y, <=, box_bottom + 60);
  }
  g_assert_true (agviz_graph_view_pick_annotation (PART (fx->window, graph_view), x, y) == annotation);
  g_assert_null (agviz_graph_view_pick_annotation (PART (fx->window, graph_view), x, y - 1000));
  agviz_graph_view_select (PART (fx->window, graph_view), annotation, TRUE);
  g_assert_true (agviz_graph_view_get_selected (PART (fx->window, graph_view)) == annotation);
  g_assert_cmpstr (agviz_inspector_get_op_type (PART (fx->window, inspector)), ==, annotation->op_type);

  /* Zoomed out too far to read: not drawn, not picked. */
  agviz_viewport_zoom_at (viewport, 0.25, 0, 0);
  gtk_widget_queue_draw (GTK_WIDGET (PART (fx->window, graph_view)));
  g_assert_true (wait_for (no_annotations_drawn, fx));
  g_assert_false (agviz_graph_view_get_annotation_point (PART (fx->window, graph_view), annotation, &x, &y));
}

static gboolean
canvas_dark (Fixture *fx)
{
  return agviz_graph_view_get_dark (PART (fx->window, graph_view));
}

static gboolean
canvas_light (Fixture *fx)
{
  return !agviz_graph_view_get_dark (PART (fx->window, graph_view));
}

static void
test_dark_mode (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AdwStyleManager *style = adw_style_manager_get_default ();
  AgvizSceneItem *op;
  GdkRGBA light, dark;

  g_assert_true (agviz_window_show_trace (fx->window, trace_of (fx, "__inference_train_step_57"), &error));
  g_assert_no_error (error);
  g_assert_true (wait_for (drawn, fx));
  g_assert_false (adw_style_manager_get_dark (style));
  g_assert_true (wait_for (canvas_light, fx));
  op = find_visible_op (fx, FALSE);
  g_assert_nonnull (op);
  g_assert_false (agviz_graph_view_get_item_fill (PART (fx->window, graph_view), op, &light));

  /* What the desktop's preference does through libadwaita, forced here (the tests have neither a
   * settings portal nor the GNOME schema to prefer dark with). */
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (style));
  g_assert_true (wait_for (canvas_dark, fx));
  g_assert_true (agviz_graph_view_get_item_fill (PART (fx->window, graph_view), op, &dark));
  /* Same hue family, much darker, so the light text drawn on it reads. */
  g_assert_cmpfloat (0.299 * dark.red + 0.587 * dark.green + 0.114 * dark.blue, <,
                     0.299 * light.red + 0.587 * light.green + 0.114 * light.blue - 0.2);
  g_assert_true (wait_for (drawn, fx));

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  g_assert_false (adw_style_manager_get_dark (style));
  g_assert_true (wait_for (canvas_light, fx));
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *n)
{
  (*n)++;
}

/* The session holds what the panels share: the document and trace shown, the selection made on
 * the canvas or asked for by a panel, the colouring and the search text. */
static void
test_session (Fixture       *fx,
              gconstpointer  data)
{
  AgvizSession *session = agviz_window_get_session (fx->window);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) state = NULL;
  AgvizSceneItem *first, *second;
  gint64 train_step = trace_of (fx, "__inference_train_step_57");
  guint n_selected = 0, n_traces = 0;

  g_assert_true (agviz_session_get_document (session) == agviz_window_get_document (fx->window));
  g_signal_connect (session, "notify::selected-item", G_CALLBACK (count_notify), &n_selected);
  g_signal_connect (session, "notify::trace-id", G_CALLBACK (count_notify), &n_traces);

  g_assert_true (agviz_window_show_trace (fx->window, train_step, &error));
  g_assert_no_error (error);
  g_assert_cmpint (agviz_session_get_trace_id (session), ==, train_step);
  g_assert_nonnull (agviz_session_get_scene (session));
  g_assert_null (agviz_session_get_selected_item (session));
  g_assert_true (wait_for (drawn, fx));

  /* A panel's request selects on the canvas, and the canvas's selection is the session's. */
  first = find_visible_op (fx, FALSE);
  g_assert_nonnull (first);
  agviz_session_show_item (session, first);
  g_assert_true (agviz_graph_view_get_selected (PART (fx->window, graph_view)) == first);
  g_assert_true (agviz_session_get_selected_item (session) == first);
  g_assert_cmpstr (agviz_inspector_get_op_type (PART (fx->window, inspector)), ==, first->op_type);
  g_assert_cmpuint (n_selected, ==, 1);
  /* Asked for again: brought into view, but the selection has not changed. */
  agviz_session_show_item (session, first);
  g_assert_cmpuint (n_selected, ==, 1);
  {
    g_autoptr(GPtrArray) visible = agviz_layout_list_visible (agviz_graph_view_get_layout (PART (fx->window, graph_view)));

    second = NULL;
    for (guint i = 0; i < visible->len && second == NULL; i++)
      if (g_ptr_array_index (visible, i) != first)
        second = g_ptr_array_index (visible, i);
  }
  g_assert_nonnull (second);
  agviz_graph_view_select (PART (fx->window, graph_view), second, FALSE);
  g_assert_true (agviz_session_get_selected_item (session) == second);
  g_assert_cmpuint (n_selected, ==, 2);

  /* Another trace: selected in the sidebar's terms, nothing selected in it yet. */
  n_traces = 0;
  g_assert_true (agviz_window_show_trace (fx->window, trace_of (fx, "__inference_make_var_131"), &error));
  g_assert_cmpuint (n_traces, ==, 1);
  g_assert_null (agviz_session_get_selected_item (session));
  g_assert_cmpuint (n_selected, ==, 3);
  g_assert_false (agviz_session_show_trace (session, 987654321, &error));
  g_assert_error (error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (agviz_session_get_trace_id (session), ==, trace_of (fx, "__inference_make_var_131"));

  /* The colouring is the window's, both ways: the action, the session. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.color-by", "s", "device"));
  g_assert_cmpstr (agviz_session_get_color_by (session), ==, "device");
  agviz_session_set_color_by (session, "none");
  g_assert_cmpint (agviz_graph_view_get_color_by (PART (fx->window, graph_view)), ==, AGVIZ_COLOR_BY_NONE);
  agviz_session_set_color_by (session, "op");

  /* The search text is the last query searched for. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.search", NULL));
  search (fx, "Variable");
  g_assert_cmpstr (agviz_session_get_search_text (session), ==, "Variable");

  g_signal_handlers_disconnect_by_data (session, &n_selected);
  g_signal_handlers_disconnect_by_data (session, &n_traces);
}

static gboolean
toast_shown (Fixture *fx)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *expected = g_strdup_printf (_("No trace %lld in this file"), 987654321LL);

  collect_text (GTK_WIDGET (fx->window), text);
  return strstr (text->str, expected) != NULL;
}

/* A trace that cannot be shown (here one the timeline names but the file lacks) is said in a
 * toast; the trace shown and the window's title stay as they were. */
static void
test_error_toast (Fixture       *fx,
                  gconstpointer  data)
{
  gint64 shown = agviz_session_get_trace_id (agviz_window_get_session (fx->window));
  g_autofree char *subtitle = g_strdup (gtk_label_get_text (PART (fx->window, subtitle_label)));

  g_assert_false (toast_shown (fx));
  g_signal_emit_by_name (PART (fx->window, timeline), "trace-activated", (gint64) 987654321);
  g_assert_true (wait_for (toast_shown, fx));
  g_assert_cmpint (agviz_session_get_trace_id (agviz_window_get_session (fx->window)), ==, shown);
  g_assert_cmpstr (gtk_label_get_text (PART (fx->window, subtitle_label)), ==, subtitle);
}

static void
test_translated (Fixture       *fx,
                 gconstpointer  data)
{
  const char *locale = g_getenv ("AGVIZ_TEST_LOCALE");
  g_autoptr(GString) text = g_string_new (NULL);

  if (locale == NULL || !g_str_has_prefix (locale, "zh_CN"))
    {
      g_test_skip ("only in the zh_CN run (AGVIZ_TEST_LOCALE=zh_CN.UTF-8)");
      return;
    }
  g_assert_true (g_str_has_prefix (setlocale (LC_MESSAGES, NULL), "zh_CN"));
  g_assert_cmpstr (_("Problems"), ==, "问题");
  collect_text (GTK_WIDGET (fx->window), text);
  g_assert_nonnull (strstr (text->str, "函数"));      /* the sidebar's "Functions" page */
  g_assert_nonnull (strstr (text->str, "追踪 3"));    /* "Trace 3" in the sidebar */
  g_assert_nonnull (strstr (text->str, "失败"));      /* make_var's failed trace */
  g_assert_nonnull (strstr (gtk_label_get_text (PART (fx->window, executions_label)), "次调用"));
}

/* The window as its last frame painted it (window-frame.h). */
static GskRenderNode *
snapshot_window (Fixture *fx,
                 int      width,
                 int      height)
{
  return window_frame_node (GTK_WIDGET (fx->window), width, height,
                            g_get_monotonic_time () + 30 * G_USEC_PER_SEC);
}

static void
save_window_png (Fixture    *fx,
                 const char *path)
{
  int width = gtk_widget_get_width (GTK_WIDGET (fx->window));
  int height = gtk_widget_get_height (GTK_WIDGET (fx->window));
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  wait_for (idle_done, fx);
  node = snapshot_window (fx, width, height);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (fx->window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* What the window looks like: AGVIZ_SCREENSHOT=FILE.png keeps it for people judging it; without
 * it, a scratch file that is checked and removed. */
static void
test_screenshot (Fixture       *fx,
                 gconstpointer  data)
{
  const char *out = g_getenv ("AGVIZ_SCREENSHOT");
  g_autofree char *scratch_dir = NULL;
  g_autofree char *scratch = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GdkTexture) saved = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *diagnostics = agviz_document_get_diagnostics (agviz_window_get_document (fx->window));
  int width, height;

  if (out == NULL)
    {
      scratch_dir = g_dir_make_tmp ("agviz-gui-shot-XXXXXX", &error);
      g_assert_no_error (error);
      scratch = g_build_filename (scratch_dir, "window.png", NULL);
      out = scratch;
    }
  for (guint i = 0; i < g_list_model_get_n_items (diagnostics); i++)
    {
      g_autoptr(AgvizDiagnostic) diagnostic = g_list_model_get_item (diagnostics, i);
      if (agviz_diagnostic_get_kind (diagnostic) == AGVIZ_DIAGNOSTIC_KIND_VARIABLE_NON_FIRST_TRACE)
        agviz_problems_list_select (PART (fx->window, problems), i);
    }
  if (g_getenv ("AGVIZ_SCREENSHOT_TRACE") != NULL)
    {
      g_assert_true (agviz_window_show_trace (fx->window, trace_of (fx, g_getenv ("AGVIZ_SCREENSHOT_TRACE")), &error));
      agviz_graph_view_expand_all (PART (fx->window, graph_view));
      g_assert_true (wait_for (laid_out, fx));
    }
  g_assert_true (wait_for (drawn, fx));
  wait_for (idle_done, fx);

  width = gtk_widget_get_width (GTK_WIDGET (fx->window));
  height = gtk_widget_get_height (GTK_WIDGET (fx->window));
  node = snapshot_window (fx, width, height);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (fx->window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, out));

  /* What was saved is the window: its size, and more than one colour. */
  saved = gdk_texture_new_from_filename (out, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (saved), ==, width);
  g_assert_cmpint (gdk_texture_get_height (saved), ==, height);
  {
    g_autofree guchar *pixels = g_malloc ((gsize) width * height * 4);
    guint differing = 0;

    gdk_texture_download (saved, pixels, (gsize) width * 4);
    for (gsize i = 1; i < (gsize) width * height; i++)
      if (memcmp (pixels + 4 * i, pixels, 4) != 0)
        differing++;
    g_assert_cmpuint (differing, >, (guint) (width * height / 100));
  }
  if (scratch != NULL)
    {
      g_unlink (scratch);
      g_rmdir (scratch_dir);
    }
}

/* A SavedModel folder is imported in the background and shown like a trace file; the imported
 * copy lives in the cache only as long as its document. */
/* A window of its own on @file, once the file is loaded. */
static void
open_in_new_window (Fixture *fx,
                    GFile   *file)
{
  fx->window = g_object_new (AGVIZ_TYPE_WINDOW, NULL);
  gtk_window_present (GTK_WINDOW (fx->window));
  agviz_window_open (fx->window, file);
  g_assert_true (wait_for (loaded, fx));
  g_assert_nonnull (agviz_window_get_document (fx->window));
}

static void
test_open_saved_model (void)
{
  g_autofree char *dir = g_dir_make_tmp ("agviz-gui-tf-XXXXXX", NULL);
  g_autofree char *saved_model = g_build_filename (dir, "saved_model", "demo_module", NULL);
  const char *argv[] = { g_getenv ("AGVIZ_WRITE_TF_FIXTURES"), dir, NULL };
  g_autoptr(GFile) file = NULL;
  g_autofree char *imported = NULL;
  Fixture fx = { 0 };
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  file = g_file_new_for_path (saved_model);
  open_in_new_window (&fx, file);
  {
    AgvizStore *store = agviz_document_get_store (agviz_window_get_document (fx.window));
    g_autoptr(AgvizTrace) trace = agviz_store_find_trace (store, "__inference___call___81", NULL);

    g_assert_nonnull (trace);
    imported = g_strdup (agviz_store_get_path (store));
  }
  g_assert_true (g_str_has_prefix (imported, g_get_user_cache_dir ()));
  g_assert_true (g_file_test (imported, G_FILE_TEST_EXISTS));

  fixture_teardown (&fx, NULL);
  g_assert_false (g_file_test (imported, G_FILE_TEST_EXISTS));

  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (command), ==, 0);
  }
}

/* The lines of environment variable @name, a list of files a driver script made (NULL, the
 * test skipped, when it is not set). */
static GStrv
files_from_environment (const char *name,
                        const char *set_by)
{
  const char *list = g_getenv (name);

  if (list == NULL || *list == '\0')
    {
      g_autofree char *why = g_strdup_printf ("no %s (%s sets it)", name, set_by);
      g_test_skip (why);
      return NULL;
    }
  return g_strsplit (list, "\n", -1);
}

/* Opens @path in a new 1400x900 window and waits until it is loaded. */
static void
open_in_window (Fixture    *fx,
                const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  fx->window = g_object_new (AGVIZ_TYPE_WINDOW, NULL);
  gtk_window_set_default_size (GTK_WINDOW (fx->window), 1400, 900);
  gtk_window_present (GTK_WINDOW (fx->window));
  agviz_window_open (fx->window, file);
  g_assert_true (wait_for (loaded, fx));
}

/* The labels of the sidebar rows shown (folded and unmatched rows are hidden), one a row. */
static void
collect_shown_rows (GtkWidget *list_box,
                    GString   *text)
{
  for (GtkWidget *row = gtk_widget_get_first_child (list_box); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && gtk_widget_get_visible (row))
      {
        collect_text (row, text);
        g_string_append (text, "|\n");
      }
}

/* A real SavedModel (TensorFlow Serving's half_plus_two, TF 2 export) in the sidebar: its
 * functions grouped under the objects that hold them, in the object graph's order, with the
 * call signatures; it opens on its serving signature; the search finds by path. */
static void
test_sidebar_module_tree (void)
{
  const char *corpus = g_getenv ("AGVIZ_CORPUS_DIR");
  g_autofree char *saved_model = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GString) shown = g_string_new (NULL);
  g_autoptr(GString) found = g_string_new (NULL);
  AgvizTraceList *list;
  GtkWidget *list_box;
  GtkEditable *search;
  Fixture fx = { 0 };
  const char *regress, *classify, *signatures, *serving;

  saved_model = g_build_filename (corpus != NULL ? corpus : "", "01_savedmodel_serving",
                                  "half_plus_two_tf2_cpu", NULL);
  if (corpus == NULL || !g_file_test (saved_model, G_FILE_TEST_IS_DIR))
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("the real-file corpus is absent under CI (AGVIZ_CORPUS_DIR=%s)", corpus);
      g_test_skip ("the real-file corpus is absent (set AGVIZ_CORPUS_DIR to ../shared/corpus)");
      return;
    }

  file = g_file_new_for_path (saved_model);
  open_in_new_window (&fx, file);
  g_assert_true (wait_for (drawn, &fx));

  /* The serving signature first: the graph TensorFlow Serving runs. */
  {
    AgvizStore *store = agviz_document_get_store (agviz_window_get_document (fx.window));
    g_autoptr(AgvizTrace) serving_trace =
      agviz_store_find_trace (store, "__inference_signature_wrapper_predict_245", NULL);

    g_assert_nonnull (serving_trace);
    g_assert_cmpint (agviz_session_get_trace_id (agviz_window_get_session (fx.window)), ==,
                     serving_trace->id);
  }

  list = PART (fx.window, trace_list);
  list_box = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (list), AGVIZ_TYPE_TRACE_LIST,
                                                       "list_box"));
  search = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (list), AGVIZ_TYPE_TRACE_LIST,
                                                        "search_entry"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (search)));
  collect_shown_rows (list_box, shown);
  /* The root's children in the object graph's order: classify_x2y3 ... regress_xy2, then the
   * signature map with serving_default under it; each with its call signature. */
  classify = strstr (shown->str, "classify_x2y3\n");
  regress = strstr (shown->str, "regress_xy2\n");
  signatures = strstr (shown->str, "signatures\nsignature_map\n");
  serving = strstr (shown->str, "serving_default\n");
  g_assert_nonnull (classify);
  g_assert_nonnull (regress);
  g_assert_nonnull (signatures);
  g_assert_nonnull (serving);
  g_assert_true (classify < regress && regress < signatures && signatures < serving);
  g_assert_nonnull (strstr (serving, "(x: float32[1]) -> {'y': float32[1]}"));
  g_assert_nonnull (strstr (shown->str, "(inputs: string[?]) -> {'outputs': float32[?,1]}"));

  /* Found by path: the functions of "signatures/regress..." and the rows above them. */
  gtk_editable_set_text (search, "signatures/regress_x_to_y2");
  collect_shown_rows (list_box, found);
  g_assert_nonnull (strstr (found->str, "half_plus_two_tf2_cpu\n"));
  g_assert_nonnull (strstr (found->str, "signatures\n"));
  g_assert_nonnull (strstr (found->str, "regress_x_to_y2\n"));
  g_assert_null (strstr (found->str, "classify_x2y3\n"));
  g_assert_null (strstr (found->str, "serving_default\n"));

  fixture_teardown (&fx, NULL);
}

/* The files the tf suite's real recordings and artefacts were written to (AGVIZ_GUI_OPEN_FILES,
 * one per line): each opens, draws, and draws again with every scope opened. */
static void
test_open_files (void)
{
  g_auto(GStrv) paths = files_from_environment ("AGVIZ_GUI_OPEN_FILES", "the tf suite");

  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      Fixture fx = { 0 };

      if (*paths[i] == '\0')
        continue;
      g_test_message ("opening %s", paths[i]);
      open_in_window (&fx, paths[i]);
      if (agviz_window_get_document (fx.window) == NULL)
        g_error ("%s did not open", paths[i]);
      g_assert_true (wait_for (laid_out, &fx));
      if (agviz_session_get_scene (agviz_window_get_session (fx.window)) != NULL)
        {
          g_assert_true (wait_for (drawn, &fx));
          g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx.window), "win.expand-all",
                                                     NULL));
          g_assert_true (wait_for (laid_out, &fx));
          g_assert_true (wait_for (drawn, &fx));
        }
      fixture_teardown (&fx, NULL);
    }
}

/* The trace of @function_name's first trace in the window's document. */
static gint64
first_trace_of_function (Fixture    *fx,
                         const char *function_name)
{
  GPtrArray *functions = agviz_document_get_functions (agviz_window_get_document (fx->window));

  for (guint i = 0; i < functions->len; i++)
    {
      AgvizFunction *function = g_ptr_array_index (functions, i);

      if (g_str_equal (function->name, function_name) && function->traces->len > 0)
        return ((AgvizTrace *) g_ptr_array_index (function->traces, 0))->id;
    }
  g_error ("no function %s with a trace", function_name);
}

/* Whether @item has an ancestor scope named @name. */
static gboolean
inside_scope (const AgvizSceneItem *item,
              const char           *name)
{
  for (const AgvizSceneItem *up = item->parent; up != NULL; up = up->parent)
    if (up->kind == AGVIZ_SCENE_ITEM_SCOPE && g_strcmp0 (up->name, name) == 0)
      return TRUE;
  return FALSE;
}

/* The recording of tests/jax/programs/clean_control_flow.py under `agviz record` with real JAX
 * (AGVIZ_GUI_OPEN_FILES, set by the jax suite): the jitted step's graph shows the scopes of its
 * name stacks (jit(step) > encoder > dense), a selected op its source line beside the graph,
 * and the fori_loop's while op opens the graphs of its cond and body inline, as a call. */
static void
test_jax_recording (void)
{
  g_auto(GStrv) paths = files_from_environment ("AGVIZ_GUI_OPEN_FILES", "the jax suite");
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) inspector_text = g_string_new (NULL);
  g_autofree char *source_text = NULL;
  AgvizGraphView *view;
  AgvizScene *scene;
  AgvizSceneItem *tanh, *loop, *body = NULL;
  Fixture fx = { 0 };

  if (paths == NULL)
    return;
  open_in_window (&fx, paths[0]);
  g_assert_nonnull (agviz_window_get_document (fx.window));
  g_assert_true (agviz_window_show_trace (fx.window, first_trace_of_function (&fx, "step"),
                                          &error));
  g_assert_no_error (error);
  g_assert_true (wait_for (laid_out, &fx));
  g_assert_true (wait_for (drawn, &fx));
  view = PART (fx.window, graph_view);
  scene = agviz_session_get_scene (agviz_window_get_session (fx.window));

  /* jax.named_scope("encoder") around dense's jax.named_scope("dense"). */
  tanh = agviz_scene_find_node (scene, "jit(step)/encoder/dense/tanh", &error);
  g_assert_no_error (error);
  g_assert_true (inside_scope (tanh, "dense"));
  g_assert_true (inside_scope (tanh->parent, "encoder"));
  agviz_graph_view_select (view, tanh, TRUE);
  g_assert_true (wait_for (laid_out, &fx));
  g_assert_cmpstr (agviz_inspector_get_op_type (PART (fx.window, inspector)), ==,
                   "stablehlo.tanh");
  /* Its line, `return jnp.tanh(x @ w)`, beside the graph. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (PART (fx.window, source_stack)), ==, "text");
  g_assert_true (g_str_has_suffix (gtk_label_get_text (PART (fx.window, source_label)),
                                   "clean_control_flow.py:14"));
  g_assert_cmpint (source_line (fx.window), ==, 14);
  source_text = source_view_line (&fx, 14);
  g_assert_cmpstr (source_text, ==, "        return jnp.tanh(x @ w)");
  collect_text (GTK_WIDGET (PART (fx.window, inspector)), inspector_text);
  g_assert_nonnull (strstr (inspector_text->str, "clean_control_flow.py"));

  /* The loop calls its cond and body; opened, the body's graph is drawn inside it. */
  loop = agviz_scene_find_node (scene, "jit(step)/while", &error);
  g_assert_no_error (error);
  g_assert_nonnull (loop->callees);
  g_assert_cmpuint (g_strv_length (loop->callees), ==, 2);
  agviz_graph_view_select (view, loop, TRUE);
  if (!loop->expanded)
    g_assert_true (agviz_graph_view_toggle_expanded (view, loop, &error));
  g_assert_no_error (error);
  g_assert_true (wait_for (laid_out, &fx));
  for (guint i = 0; loop->children != NULL && i < loop->children->len; i++)
    {
      AgvizSceneItem *callee = g_ptr_array_index (loop->children, i);

      if (callee->kind == AGVIZ_SCENE_ITEM_ROOT && g_str_has_prefix (callee->name, "step/while/body"))
        body = callee;
    }
  g_assert_nonnull (body);
  g_assert_nonnull (body->children);
  g_assert_cmpuint (body->children->len, >, 0);
  g_assert_true (wait_for (drawn, &fx));
  maybe_save_window_png (&fx, "jax-recording");
  fixture_teardown (&fx, NULL);
}

/* Whether @item's expanded descendants are only lone boxes opened (a graph that is one scope or
 * one call): the first picture then shows the graph's own top level, however wide. */
static gboolean
only_lone_boxes_open (const AgvizSceneItem *item)
{
  if (!item->expanded || item->children == NULL)
    return TRUE;
  for (guint i = 0; i < item->children->len; i++)
    {
      const AgvizSceneItem *child = g_ptr_array_index (item->children, i);

      if (child->expanded && (item->children->len > 1 || !only_lone_boxes_open (child)))
        return FALSE;
    }
  return TRUE;
}

static guint
top_level_boxes (const AgvizSceneItem *item)
{
  while (item->expanded && item->children != NULL && item->children->len == 1 &&
         ((AgvizSceneItem *) g_ptr_array_index (item->children, 0))->expanded)
    item = g_ptr_array_index (item->children, 0);
  return item->children != NULL ? item->children->len : 0;
}

/* The first picture of each file in AGVIZ_GUI_FIRST_PICTURE_FILES (one a line), in a 1400x900
 * window, follows agviz-first-view.h: a zoom from 60% to 100%; at most about 50 boxes (more
 * only where the graph's own top level has more); readable across the canvas at 60% unless it
 * is that top level; the inputs end in view when it scrolls.  A line "?PATH" is a file that
 * need only open, or be refused, without a crash (the corpus's real files). */
static void
test_first_picture (void)
{
  g_auto(GStrv) lines = files_from_environment ("AGVIZ_GUI_FIRST_PICTURE_FILES",
                                                 "tests/models/test-first-picture.py");

  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    {
      gboolean strict = lines[i][0] != '?';
      const char *path = strict ? lines[i] : lines[i] + 1;
      AgvizGraphView *view;
      AgvizViewport *viewport;
      AgvizScene *scene;
      AgvizFirstViewFrame frame;
      double width, height, view_width, view_height, zoom, x, y;
      guint boxes;
      Fixture fx = { 0 };

      if (*path == '\0')
        continue;
      open_in_window (&fx, path);
      scene = agviz_window_get_document (fx.window) != NULL
                ? agviz_session_get_scene (agviz_window_get_session (fx.window)) : NULL;
      if (scene == NULL)
        {
          if (strict)
            g_error ("%s did not open on a graph", path);
          g_test_message ("%s: opened no graph, without crashing", path);
          fixture_teardown (&fx, NULL);
          continue;
        }
      g_assert_true (wait_for (laid_out, &fx));
      g_assert_true (wait_for (drawn, &fx));
      wait_for (idle_done, &fx);

      view = PART (fx.window, graph_view);
      viewport = agviz_graph_view_get_viewport (view);
      agviz_layout_get_size (agviz_graph_view_get_layout (view), &width, &height);
      agviz_viewport_get_view_size (viewport, &view_width, &view_height);
      agviz_viewport_get_offset (viewport, &x, &y);
      zoom = agviz_viewport_get_zoom (viewport);
      boxes = agviz_first_view_count_boxes (scene);
      g_test_message ("first picture of %s: %.0f x %.0f px at %.0f%%, %u boxes "
                      "(top level %u), in a %.0f x %.0f px canvas",
                      path, width * zoom, height * zoom, zoom * 100, boxes,
                      top_level_boxes (agviz_scene_get_root (scene)), view_width, view_height);
      /* The frame is the model's, whatever the window gave the canvas. */
      agviz_first_view_frame (agviz_graph_view_get_layout (view), AGVIZ_RANKDIR_TB, view_width,
                              view_height, &frame);
      g_assert_cmpfloat_with_epsilon (zoom, frame.zoom, 1e-9);
      if (!strict)
        {
          fixture_teardown (&fx, NULL);
          continue;
        }
      g_assert_cmpfloat (zoom, >=, AGVIZ_FIRST_VIEW_MIN_ZOOM - 1e-9);
      g_assert_cmpfloat (zoom, <=, 1.0);
      g_assert_cmpuint (boxes, <=, MAX (AGVIZ_FIRST_VIEW_MAX_BOXES,
                                        top_level_boxes (agviz_scene_get_root (scene))));
      if (!only_lone_boxes_open (agviz_scene_get_root (scene)))
        g_assert_cmpfloat (width * AGVIZ_FIRST_VIEW_MIN_ZOOM, <=,
                           view_width - 2 * AGVIZ_FIRST_VIEW_MARGIN);
      /* Too long for the canvas: it starts at the top, where the inputs are. */
      if (height * zoom > view_height - 2 * AGVIZ_FIRST_VIEW_MARGIN)
        g_assert_cmpfloat (y, <=, 0);
      fixture_teardown (&fx, NULL);
    }
}

/* The longest text any label under @widget holds, in characters. */
static glong
longest_label (GtkWidget *widget)
{
  glong longest = 0;

  if (GTK_IS_LABEL (widget))
    longest = g_utf8_strlen (gtk_label_get_text (GTK_LABEL (widget)), -1);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      /* Not inside MAX(), which would walk the child twice at every level. */
      glong in_child = longest_label (child);

      longest = MAX (longest, in_child);
    }
  return longest;
}

/* A trace file with hostile names and sizes (invalid UTF-8, control characters, right-to-left
 * marks, markup characters, a 2,000-level scope, a self-loop, 20,000 edges between two nodes, a
 * 20 MB attribute) opens, every top-level item can be selected and inspected, search works, and
 * no label is handed more than agviz_label_text() allows.  GLib test makes any GTK warning (such
 * as invalid UTF-8 given to a label) fatal. */
static void
test_hostile_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("agviz-gui-hostile-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "hostile.db", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  AgvizSceneItem *root, *deep = NULL;
  Fixture fx = { 0 };
  /* Smaller under valgrind, which runs GTK some fifty times slower. */
  gboolean valgrind = g_getenv ("AGVIZ_UNDER_VALGRIND") != NULL;
  gsize huge_bytes = valgrind ? 2 * 1024 * 1024 : 20 * 1024 * 1024;
  int levels = valgrind ? 200 : 2000, parallel_edges = valgrind ? 2000 : 20000;

  {
    g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (path, &error);
    g_autoptr(GString) deep_name = g_string_new (NULL);
    g_autofree char *huge = g_malloc (huge_bytes + 1);
    GVariantBuilder attrs;
    gint64 function, trace, p, q, loop;

    g_assert_no_error (error);
    function = agviz_recorder_add_function (recorder, "f\xe2\x80\x8f<&\"\xff", 0, 0, &error);
    trace = agviz_recorder_begin_trace (recorder, function, "__inference_f\x01_1",
                                        "(x=\xfe\n<b>)", "", &error);
    g_assert_no_error (error);
    agviz_recorder_add_node (recorder, trace, "w\xe2\x80\xae<&\"'\n\x01/x\xff", "Op\xfe", "\x02",
                             NULL, 0, &error);
    g_assert_no_error (error);
    for (int level = 0; level < levels; level++)
      g_string_append (deep_name, "d/");
    g_string_append (deep_name, "leaf");
    agviz_recorder_add_node (recorder, trace, deep_name->str, "Deep", NULL, NULL, 0, &error);
    memset (huge, 'x', huge_bytes);
    huge[huge_bytes] = '\0';
    g_variant_builder_init (&attrs, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&attrs, "{sv}", "value", g_variant_new_string (huge));
    agviz_recorder_add_node (recorder, trace, "big", "Const", NULL, g_variant_builder_end (&attrs),
                             0, &error);
    g_assert_no_error (error);
    loop = agviz_recorder_add_node (recorder, trace, "loop", "Loop", NULL, NULL, 0, &error);
    p = agviz_recorder_add_node (recorder, trace, "p", "P", NULL, NULL, 0, &error);
    q = agviz_recorder_add_node (recorder, trace, "q", "Q", NULL, NULL, 0, &error);
    g_assert_no_error (error);
    g_assert_true (agviz_recorder_add_edge (recorder, trace, loop, 0, loop, 0, &error));
    for (int input = 0; input < parallel_edges; input++)
      g_assert_true (agviz_recorder_add_edge (recorder, trace, p, input, q, input, &error));
    g_assert_true (agviz_recorder_end_trace (recorder, trace, AGVIZ_TRACE_STATUS_COMPLETE, -1, &error));
    g_assert_true (agviz_recorder_close (recorder, &error));
  }

  fx.window = g_object_new (AGVIZ_TYPE_WINDOW, NULL);
  gtk_window_set_default_size (GTK_WINDOW (fx.window), 1400, 900);
  gtk_window_present (GTK_WINDOW (fx.window));
  agviz_window_open (fx.window, file);
  g_assert_true (wait_for (loaded, &fx));
  g_assert_nonnull (agviz_session_get_scene (agviz_window_get_session (fx.window)));
  g_assert_true (wait_for (drawn, &fx));
  g_assert_cmpint (longest_label (GTK_WIDGET (fx.window)), <=, AGVIZ_LABEL_TEXT_MAX_CHARS + 40);

  /* Every top-level item selected and shown in the inspector. */
  root = agviz_scene_get_root (agviz_session_get_scene (agviz_window_get_session (fx.window)));
  for (guint i = 0; i < root->children->len; i++)
    {
      AgvizSceneItem *item = g_ptr_array_index (root->children, i);

      if (g_str_equal (item->name, "d"))
        deep = item;
      agviz_graph_view_select (PART (fx.window, graph_view), item, TRUE);
      g_assert_true (wait_for (laid_out, &fx));
      g_assert_true (wait_for (drawn, &fx));
      g_assert_cmpint (longest_label (GTK_WIDGET (fx.window)), <=, AGVIZ_LABEL_TEXT_MAX_CHARS + 40);
    }

  /* The deep scope opens a level at a time. */
  g_assert_nonnull (deep);
  g_assert_true (agviz_graph_view_toggle_expanded (PART (fx.window, graph_view), deep, &error));
  g_assert_no_error (error);
  g_assert_true (wait_for (laid_out, &fx));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx.window), "win.search", NULL));
  g_assert_cmpuint (search (&fx, "big"), ==, 1);
  g_assert_cmpuint (search (&fx, "<&"), ==, 1);

  fixture_teardown (&fx, NULL);
  agviz_trace_file_remove (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  /* Not G_TEST_OPTION_ISOLATE_DIRS: it empties XDG_DATA_DIRS, and GTK then finds neither the MIME
   * database (SVG icons fail to load) nor GtkSourceView's language specs.  The user's own dirs are
   * still kept out of it: recent files and settings go to a scratch home. */
  g_autofree char *home = g_dir_make_tmp ("agviz-gui-home-XXXXXX", NULL);
  g_autofree char *data_home = g_build_filename (home, "data", NULL);
  g_autofree char *config_home = g_build_filename (home, "config", NULL);
  g_autofree char *cache_home = g_build_filename (home, "cache", NULL);
  const char *test_locale = g_getenv ("AGVIZ_TEST_LOCALE");

  /* The translated run needs its locale installed (build-aux/setup generates zh_CN.UTF-8);
   * without it the run is skipped as a whole, TAP's way, rather than failing. */
  if (test_locale != NULL && setlocale (LC_ALL, "") == NULL)
    {
      printf ("1..0 # SKIP locale %s is not installed (run build-aux/setup, or "
              "localedef -i zh_CN -f UTF-8 zh_CN.UTF-8 as root)\n", test_locale);
      g_rmdir (home);
      return 0;
    }

  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  g_test_init (&argc, &argv, NULL);
  adw_init ();
  gtk_source_init ();
  /* As the app's main() does; AGVIZ_LOCALEDIR points at the build tree's catalogues. */
  agviz_application_bind_textdomain ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/agviz/gui/sidebar-lists-functions", test_sidebar_lists_functions);
  ADD ("/agviz/gui/trace-shows-graph", test_trace_shows_graph);
  ADD ("/agviz/gui/node-shows-inspector-and-source", test_node_shows_inspector_and_source);
  ADD ("/agviz/gui/diagnostic-selects-trace-and-line", test_diagnostic_selects_trace_and_line);
  ADD ("/agviz/gui/search", test_search);
  ADD ("/agviz/gui/export-png", test_export_png);
  ADD ("/agviz/gui/executions-panel", test_executions_panel);
  ADD ("/agviz/gui/variable-comparison", test_variable_comparison);
  ADD ("/agviz/gui/compare-same-traces", test_compare_same_traces);
  ADD ("/agviz/gui/source-line-selects-nodes", test_source_line_selects_nodes);
  ADD ("/agviz/gui/minimap", test_minimap);
  ADD ("/agviz/gui/color-by", test_color_by);
  ADD ("/agviz/gui/color-by-remembered", test_color_by_remembered);
  ADD ("/agviz/gui/trace-inputs", test_trace_inputs);
  ADD ("/agviz/gui/canvas-room", test_canvas_room);
  ADD ("/agviz/gui/dark-mode", test_dark_mode);
  ADD ("/agviz/gui/error-toast", test_error_toast);
  ADD ("/agviz/gui/session", test_session);
  ADD ("/agviz/gui/annotations", test_annotations);
  ADD ("/agviz/gui/translated", test_translated);
  ADD ("/agviz/gui/screenshot", test_screenshot);
#undef ADD
  g_test_add_func ("/agviz/gui/open-saved-model", test_open_saved_model);
  g_test_add_func ("/agviz/gui/sidebar-module-tree", test_sidebar_module_tree);
  g_test_add_func ("/agviz/gui/open-files", test_open_files);
  g_test_add_func ("/agviz/gui/jax-recording", test_jax_recording);
  g_test_add_func ("/agviz/gui/first-picture", test_first_picture);
  g_test_add_func ("/agviz/gui/diff-real", test_diff_real);
  g_test_add_func ("/agviz/gui/live-refresh", test_live_refresh);
  g_test_add_func ("/agviz/gui/locate-sources", test_locate_sources);
  g_test_add_func ("/agviz/gui/search-big-trace", test_search_big_trace);
  g_test_add_func ("/agviz/gui/hostile-file", test_hostile_file);

  {
    int status = g_test_run ();
    gtk_source_finalize ();
    return status;
  }
}
