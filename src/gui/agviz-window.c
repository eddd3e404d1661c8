/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-window.c: the main window: sidebar of functions and traces, the graph canvas, the
 * inspector and source view, the diagnostics list and search (actions in agviz-window-actions.c)
 */
#define G_LOG_DOMAIN "agviz-window"

#include "config.h"

#include <glib/gi18n.h>

#include "agviz-label-text.h"
#include "agviz-text.h"
#include "agviz-window-private.h"

#define DEFINING_LINE_CATEGORY "agviz-defining-line"

G_DEFINE_FINAL_TYPE (AgvizWindow, agviz_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  REFRESHED,
  RECHECKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void show_item_source (AgvizWindow *self, const AgvizSceneItem *item);
static void update_executions_label (AgvizWindow *self);

/* ---- titles and the start screen ---------------------------------------------------------- */

static void
set_subtitle (AgvizWindow *self,
              const char  *subtitle)
{
  agviz_label_set_from_text (self->subtitle_label, subtitle != NULL ? subtitle : "");
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), subtitle != NULL);
}

void
_agviz_window_show_toast (AgvizWindow *self,
                          const char  *message)
{
  g_autofree char *text = agviz_label_text (message, AGVIZ_LABEL_TEXT_MAX_CHARS);
  /* A toast's title is Pango markup; an error names files and nodes, which may hold "<&". */
  g_autofree char *title = g_markup_escape_text (text, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

static void
show_start_error (AgvizWindow  *self,
                  const GError *error)
{
  gtk_label_set_text (self->start_error_label, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->start_error_label), error != NULL);
  gtk_stack_set_visible_child_name (self->main_stack, "start");
}

/* ---- sidebar: functions and their traces -------------------------------------------------- */

static void
on_trace_selected (AgvizTraceList *list,
                   gint64          trace_id,
                   AgvizWindow    *self)
{
  g_autoptr(GError) error = NULL;

  if (!agviz_window_show_trace (self, trace_id, &error))
    _agviz_window_show_toast (self, error->message);
}

gboolean
agviz_window_show_trace (AgvizWindow  *self,
                         gint64        trace_id,
                         GError      **error)
{
  AgvizDocument *document;
  AgvizFunction *function = NULL;
  AgvizTrace *trace;
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (AGVIZ_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (agviz_session_get_document (self->session) != NULL, FALSE);

  /* The sidebar, the timeline and the executions heading follow the session's trace-id. */
  if (!agviz_session_show_trace (self->session, trace_id, error))
    return FALSE;
  document = agviz_session_get_document (self->session);
  trace = agviz_document_find_trace (document, trace_id, &function);
  agviz_graph_view_set_op_timings (self->graph_view, agviz_document_get_op_timings (document));
  if (!agviz_graph_view_set_scene (self->graph_view, agviz_session_get_scene (self->session), error))
    return FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->minimap), TRUE);

  /* Translators: window subtitle, "FUNCTION — trace N" */
  subtitle = g_strdup_printf (_("%s — trace %d"), function->name, trace->ordinal);
  set_subtitle (self, subtitle);
  _agviz_window_update_actions (self);
  if (gtk_search_bar_get_search_mode (self->search_bar))
    agviz_search_panel_refresh (self->search_panel);
  return TRUE;
}

/* ---- executions panel -------------------------------------------------------------------- */

static void
update_executions_label (AgvizWindow *self)
{
  GPtrArray *executions = agviz_document_get_executions (agviz_session_get_document (self->session));
  gint64 trace_id = agviz_session_get_trace_id (self->session);
  g_autoptr(GString) text = g_string_new (NULL);
  gint64 total = 0, trace_total = 0;
  guint trace_calls = 0;

  for (guint i = 0; i < executions->len; i++)
    {
      AgvizExecution *execution = g_ptr_array_index (executions, i);

      total += MAX (execution->duration_ns, 0);
      if (execution->trace_id == trace_id)
        {
          trace_calls++;
          trace_total += MAX (execution->duration_ns, 0);
        }
    }
  {
    g_autofree char *time = agviz_format_duration (total, AGVIZ_DURATION_DISPLAY);
    /* Translators: executions panel heading, "12 calls · 1.2 ms" */
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u call · %s", "%u calls · %s",
                                               executions->len), executions->len, time);
  }
  if (trace_id != 0)
    {
      g_autofree char *time = agviz_format_duration (trace_total, AGVIZ_DURATION_DISPLAY);
      g_string_append (text, "  —  ");
      /* Translators: the shown trace's share, "this trace: 2 calls · 78 µs" */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "this trace: %u call · %s",
                                                 "this trace: %u calls · %s", trace_calls),
                              trace_calls, time);
    }
  if (agviz_timeline_get_n_unhealthy (self->timeline) > 0)
    {
      guint n = agviz_timeline_get_n_unhealthy (self->timeline);
      g_string_append (text, "  —  ");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u with NaN or Inf",
                                                 "%u with NaN or Inf", n), n);
    }
  gtk_label_set_text (self->executions_label, text->str);
}

static void
populate_executions (AgvizWindow *self)
{
  agviz_timeline_set_document (self->timeline, agviz_session_get_document (self->session));
  agviz_timeline_set_selected (self->timeline, agviz_session_get_trace_id (self->session));
  gtk_widget_set_visible (self->executions_panel, agviz_timeline_get_n_marks (self->timeline) > 0);
  update_executions_label (self);
}

static void
on_timeline_trace_activated (AgvizTimeline *timeline,
                             gint64         trace_id,
                             AgvizWindow   *self)
{
  g_autoptr(GError) error = NULL;

  if (trace_id != agviz_session_get_trace_id (self->session) &&
      !agviz_window_show_trace (self, trace_id, &error))
    _agviz_window_show_toast (self, error->message);
}

/* ---- the graph's room: sidebar and inspector pane ----------------------------------------- */

/* The inspector and source pane would take a third of the window: it is shown only with
 * something in it, so that a graph opens on the window's whole width.  Selecting a node opens
 * it, unless the user hid it by hand, which lasts until they show it again (GSettings
 * inspector-opens-on-selection): exploring the graph then keeps the room. */
static void
set_inspector_pane_visible (AgvizWindow *self,
                            gboolean     visible)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "inspector-visible");

  gtk_widget_set_visible (GTK_WIDGET (self->source_paned), visible);
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (visible));
}

/* win.inspector-visible: the header bar's toggle and Shift+F9, the user's own choice. */
static void
on_inspector_visible_change_state (GSimpleAction *action,
                                   GVariant      *state,
                                   AgvizWindow   *self)
{
  gboolean visible = g_variant_get_boolean (state);

  set_inspector_pane_visible (self, visible);
  self->inspector_opens_on_selection = visible;
  if (self->settings != NULL)
    g_settings_set_boolean (self->settings, "inspector-opens-on-selection", visible);
}

void
_agviz_window_show_inspector_pane (AgvizWindow *self)
{
  g_action_group_change_action_state (G_ACTION_GROUP (self), "inspector-visible",
                                      g_variant_new_boolean (TRUE));
}

/* win.sidebar-visible (the header bar's toggle and F9) shows and hides the sidebar, remembered;
 * win.inspector-visible the inspector pane. */
static void
add_pane_actions (AgvizWindow *self)
{
  g_autoptr(GPropertyAction) sidebar = g_property_action_new ("sidebar-visible", self->sidebar,
                                                              "visible");
  g_autoptr(GSimpleAction) inspector = g_simple_action_new_stateful ("inspector-visible", NULL,
                                                                     g_variant_new_boolean (FALSE));

  g_signal_connect (inspector, "change-state", G_CALLBACK (on_inspector_visible_change_state), self);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (sidebar));
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (inspector));
  self->inspector_opens_on_selection = TRUE;
  if (self->settings != NULL)
    {
      g_settings_bind (self->settings, "sidebar-visible", self->sidebar, "visible",
                       G_SETTINGS_BIND_DEFAULT);
      self->inspector_opens_on_selection = g_settings_get_boolean (self->settings,
                                                                   "inspector-opens-on-selection");
    }
}

/* ---- graph selection, inspector, source view ---------------------------------------------- */

/* The selection is made on the canvas, which alone says what is selected; a panel that wants
 * a node shown asks the session (agviz_session_show_item()), and the canvas selects it here. */
static void
on_graph_selection_changed (AgvizGraphView *view,
                            AgvizWindow    *self)
{
  /* The canvas outlives the session while the window is torn down. */
  if (self->session != NULL)
    agviz_session_set_selected_item (self->session, agviz_graph_view_get_selected (view));
}

static void
on_session_show_item (AgvizSession   *session,
                      AgvizSceneItem *item,
                      AgvizWindow    *self)
{
  agviz_graph_view_select (self->graph_view, item, TRUE);
}

static void
on_selected_item_changed (AgvizSession *session,
                          GParamSpec   *pspec,
                          AgvizWindow  *self)
{
  AgvizSceneItem *item = agviz_session_get_selected_item (session);

  agviz_inspector_show_item (self->inspector, agviz_session_get_document (session), item);
  if (item != NULL)
    {
      show_item_source (self, item);
      gtk_stack_set_visible_child_name (self->inspector_stack, "inspector");
      if (self->inspector_opens_on_selection)
        set_inspector_pane_visible (self, TRUE);
    }
}

static void
on_trace_changed (AgvizSession *session,
                  GParamSpec   *pspec,
                  AgvizWindow  *self)
{
  gint64 trace_id = agviz_session_get_trace_id (session);

  agviz_timeline_set_selected (self->timeline, trace_id);
  update_executions_label (self);
}

static void
on_inspector_node_activated (AgvizInspector *inspector,
                             gint64          node_id,
                             AgvizWindow    *self)
{
  AgvizScene *scene = agviz_session_get_scene (self->session);
  g_autoptr(AgvizNode) node = agviz_store_get_node (agviz_document_get_store (agviz_session_get_document (self->session)),
                                                    node_id, NULL);
  AgvizSceneItem *item;

  if (node == NULL || scene == NULL)
    return;
  item = agviz_scene_find_node (scene, node->name, NULL);
  if (item != NULL)
    agviz_session_show_item (self->session, item);
}

static void
on_inspector_frame_activated (AgvizInspector *inspector,
                              const char     *file,
                              int             line,
                              AgvizWindow    *self)
{
  _agviz_window_show_source (self, file, line);
}

/* The defining (innermost user) frame of an op's creation stack, in the source view. */
static void
show_item_source (AgvizWindow          *self,
                  const AgvizSceneItem *item)
{
  g_autoptr(GPtrArray) frames = NULL;
  int defining;

  if (item->kind != AGVIZ_SCENE_ITEM_OP || item->stack_id == 0)
    return;
  frames = agviz_source_map_get_stack (agviz_document_get_source_map (agviz_session_get_document (self->session)),
                                       item->stack_id, NULL);
  if (frames == NULL)
    return;
  defining = agviz_source_map_find_defining_frame (frames);
  if (defining < 0)
    defining = (int) frames->len - 1;
  if (defining >= 0)
    {
      AgvizSourceFrame *frame = g_ptr_array_index (frames, defining);
      _agviz_window_show_source (self, frame->frame->file, frame->frame->line);
    }
}

static gboolean
scroll_source_to_line (gpointer user_data)
{
  AgvizWindow *self = user_data;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view));
  GtkTextIter iter;

  if (self->source_line > 0)
    {
      gtk_text_buffer_get_iter_at_line (buffer, &iter, self->source_line - 1);
      gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->source_view), &iter, 0.0, TRUE, 0.0, 0.35);
    }
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

/* The source pane's page for a file whose lines cannot be shown: said plainly, with the path the
 * trace recorded and where it was looked for, and the Locate Folder button when a folder could
 * help. */
static void
show_missing_source (AgvizWindow       *self,
                     const char        *recorded_path,
                     AgvizSourceStatus  status)
{
  AgvizSourceMap *source_map = agviz_document_get_source_map (agviz_session_get_document (self->session));
  g_autofree char *base = g_path_get_basename (recorded_path);
  g_autofree char *looked_at = agviz_source_map_remap_path (source_map, recorded_path);
  g_autofree char *title = NULL;
  g_autoptr(GString) details = g_string_new (NULL);
  /* A name with no folder ("<stdin>", "<ipython-input-3-…>") cannot be found in one. */
  gboolean can_locate = strchr (recorded_path, '/') != NULL;

  if (status == AGVIZ_SOURCE_STATUS_CHANGED)
    {
      /* Translators: %s is a source file's name, such as model.py */
      title = g_strdup_printf (_("%s has changed since the trace was recorded"), base);
      /* Translators: %s is a path; SHA-256 is the checksum recorded with the trace */
      g_string_append_printf (details, _("The file at %s is not the one that ran (its SHA-256 "
                                         "differs from the recorded one), so its lines are not "
                                         "shown."), looked_at);
      g_string_append (details, "\n\n");
      /* Translators: %s is the path of a source file as the trace recorded it */
      g_string_append_printf (details, _("Recorded path: %s"), recorded_path);
    }
  else
    {
      /* Translators: %s is a source file's name, such as model.py */
      title = g_strdup_printf (_("%s is not on this machine and was not recorded"), base);
      /* Translators: %s is the path of a source file as the trace recorded it */
      g_string_append_printf (details, _("Recorded path: %s"), recorded_path);
      if (!g_str_equal (looked_at, recorded_path))
        {
          g_string_append_c (details, '\n');
          /* Translators: %s is where a source file was looked for, after mapping its folder */
          g_string_append_printf (details, _("Looked for at: %s"), looked_at);
        }
    }
  if (can_locate)
    {
      g_string_append (details, "\n\n");
      g_string_append (details, _("If you have a copy of the program here, locate its folder to "
                                  "see the code."));
    }
  agviz_label_set_from_text (self->missing_title, title);
  agviz_label_set_from_text (self->missing_details, details->str);
  gtk_widget_set_visible (self->locate_button, can_locate);
  gtk_stack_set_visible_child_name (self->source_stack, "missing");
}

void
_agviz_window_show_source (AgvizWindow *self,
                           const char  *recorded_path,
                           int          line)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view));
  AgvizSourceMap *source_map = agviz_document_get_source_map (agviz_session_get_document (self->session));
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *note = NULL;
  g_autofree char *label = NULL;
  g_autofree char *read_from = NULL;
  g_autoptr(GString) tooltip = NULL;
  AgvizSourceStatus status;
  int first = 1;
  GtkTextIter start, end;

  g_return_if_fail (recorded_path != NULL);

  if (g_strcmp0 (self->source_path, recorded_path) != 0)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      status = agviz_source_map_get_lines (source_map, recorded_path, 1, G_MAXINT / 2, &lines,
                                           &first, &note);
      if (status == AGVIZ_SOURCE_STATUS_CHANGED || status == AGVIZ_SOURCE_STATUS_MISSING)
        show_missing_source (self, recorded_path, status);
      else
        {
          for (guint i = 0; i < lines->len; i++)
            {
              g_string_append (text, g_ptr_array_index (lines, i));
              g_string_append_c (text, '\n');
            }
          gtk_stack_set_visible_child_name (self->source_stack, "text");
        }
      gtk_text_buffer_set_text (buffer, text->str, (int) text->len);
      gtk_widget_set_visible (GTK_WIDGET (self->locate_status), FALSE);
      g_free (self->source_path);
      self->source_path = g_strdup (recorded_path);
    }

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_source_buffer_remove_source_marks (GTK_SOURCE_BUFFER (buffer), &start, &end,
                                         DEFINING_LINE_CATEGORY);
  self->source_line = line;
  if (line > 0 && line <= gtk_text_buffer_get_line_count (buffer) &&
      g_str_equal (gtk_stack_get_visible_child_name (self->source_stack), "text"))
    {
      GtkTextIter at;

      gtk_text_buffer_get_iter_at_line (buffer, &at, line - 1);
      gtk_source_buffer_create_source_mark (GTK_SOURCE_BUFFER (buffer), NULL,
                                            DEFINING_LINE_CATEGORY, &at);
      gtk_text_buffer_place_cursor (buffer, &at);
      /* Scrolling needs the new text measured: wait for the next idle. */
      g_idle_add_full (G_PRIORITY_LOW, scroll_source_to_line, g_object_ref (self), NULL);
    }
  label = g_strdup_printf ("%s:%d", recorded_path, line);
  agviz_label_set_from_text (self->source_label, label);
  tooltip = g_string_new (label);
  read_from = agviz_source_map_remap_path (source_map, recorded_path);
  if (!g_str_equal (read_from, recorded_path))
    {
      g_string_append_c (tooltip, '\n');
      /* Translators: %s is the path on this machine a recorded source file is read from */
      g_string_append_printf (tooltip, _("Read from %s"), read_from);
    }
  {
    g_autofree char *safe = agviz_label_text (tooltip->str, AGVIZ_LABEL_TEXT_MAX_CHARS);
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->source_label), safe);
  }
}

/* ---- diagnostics -------------------------------------------------------------------------- */

void
_agviz_window_select_diagnostic (AgvizWindow *self,
                                 guint        position)
{
  GListModel *diagnostics = agviz_document_get_diagnostics (agviz_session_get_document (self->session));
  g_autoptr(AgvizDiagnostic) diagnostic = g_list_model_get_item (diagnostics, position);
  gint64 trace_id;

  if (diagnostic == NULL)
    return;
  /* Its line, and its comparison, are shown in the inspector pane. */
  _agviz_window_show_inspector_pane (self);
  trace_id = agviz_diagnostic_get_trace_id (diagnostic);
  if (trace_id != 0 && trace_id != agviz_session_get_trace_id (self->session))
    {
      g_autoptr(GError) error = NULL;
      if (!agviz_window_show_trace (self, trace_id, &error))
        _agviz_window_show_toast (self, error->message);
    }
  if (agviz_diagnostic_get_node (diagnostic) != NULL && agviz_session_get_scene (self->session) != NULL &&
      trace_id == agviz_session_get_trace_id (self->session))
    {
      AgvizSceneItem *item = agviz_scene_find_node (agviz_session_get_scene (self->session),
                                                    agviz_diagnostic_get_node (diagnostic), NULL);
      if (item != NULL)
        agviz_session_show_item (self->session, item);
    }
  /* The diagnostic's own line is the one to show, even when a node is selected too: shown after
   * the node's, which selecting it showed. */
  if (agviz_diagnostic_get_file (diagnostic) != NULL)
    _agviz_window_show_source (self, agviz_diagnostic_get_file (diagnostic),
                               agviz_diagnostic_get_line (diagnostic));
  if (agviz_diagnostic_get_kind (diagnostic) == AGVIZ_DIAGNOSTIC_KIND_VARIABLE_NON_FIRST_TRACE &&
      trace_id != 0)
    {
      _agviz_window_show_comparison (self, trace_id, diagnostic);
    }
  else
    gtk_stack_set_visible_child_name (self->inspector_stack, "inspector");
}

static void
on_problem_selected (AgvizProblemsList *problems,
                     guint              position,
                     AgvizWindow       *self)
{
  _agviz_window_select_diagnostic (self, position);
}

/* The list follows the session's document; its page's title counts the findings. */
static void
update_problems_title (AgvizWindow *self)
{
  GListModel *diagnostics = agviz_document_get_diagnostics (agviz_session_get_document (self->session));
  guint n = g_list_model_get_n_items (diagnostics);
  g_autofree char *title = n > 0 ? g_strdup_printf (_("Problems (%u)"), n) : g_strdup (_("Problems"));

  gtk_stack_page_set_title (self->diagnostics_page, title);
  gtk_stack_page_set_needs_attention (self->diagnostics_page, n > 0);
}

/* ---- comparing a trace with its function's first trace ------------------------------------ */

static void
on_comparison_source_activated (AgvizComparison *comparison,
                                const char      *file,
                                int              line,
                                AgvizWindow     *self)
{
  _agviz_window_show_source (self, file, line);
}

void
_agviz_window_show_comparison (AgvizWindow     *self,
                               gint64           trace_id,
                               AgvizDiagnostic *diagnostic)
{
  if (agviz_comparison_show (self->comparison, trace_id, diagnostic))
    {
      gtk_stack_set_visible_child_name (self->inspector_stack, "comparison");
      _agviz_window_show_inspector_pane (self);
    }
}

/* ---- clicking a source line ----------------------------------------------------------------- */

void
agviz_window_select_source_line (AgvizWindow *self,
                                  int          line)
{
  g_autofree char *query = NULL;

  if (self->source_path == NULL || agviz_session_get_scene (self->session) == NULL || line <= 0)
    return;
  query = g_strdup_printf ("%s:%d", self->source_path, line);
  /* The results stay listed in the search bar; the first one is selected and centred. */
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  agviz_search_panel_search (self->search_panel, query, TRUE);
}

static void
on_source_clicked (GtkGestureClick *gesture,
                   int              n_press,
                   double           x,
                   double           y,
                   AgvizWindow     *self)
{
  GtkTextView *view = GTK_TEXT_VIEW (self->source_view);
  GtkTextIter iter;
  int buffer_x, buffer_y;

  if (n_press != 1)
    return;
  gtk_text_view_window_to_buffer_coords (view, GTK_TEXT_WINDOW_WIDGET, (int) x, (int) y, &buffer_x, &buffer_y);
  gtk_text_view_get_line_at_y (view, &iter, buffer_y, NULL);
  agviz_window_select_source_line (self, gtk_text_iter_get_line (&iter) + 1);
}

/* ---- live refresh: a file a recorder is still writing ---------------------------------------- */

static gboolean refresh_timeout (gpointer user_data);

static guint
count_traces (AgvizDocument *document)
{
  GPtrArray *functions = agviz_document_get_functions (document);
  guint n = 0;

  for (guint i = 0; i < functions->len; i++)
    n += ((AgvizFunction *) g_ptr_array_index (functions, i))->traces->len;
  return n;
}

static void
schedule_refresh (AgvizWindow *self)
{
  /* A recorder commits in bursts: wait for a quiet moment rather than reload per write. */
  if (self->refresh_source == 0)
    self->refresh_source = g_timeout_add (300, refresh_timeout, self);
}

static void
on_document_refreshed (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(AgvizWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizDocument) document = agviz_document_load_finish (result, &error);

  /* Cancelled: the window closed or opened another file, and its state is not ours any more. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->refreshing);
  /* A failed reload (a file caught half-written) keeps what is shown; the next change retries.
   * An unchanged one is dropped too, so the sidebar and the lists keep their state. */
  if (document != NULL &&
      (count_traces (document) != count_traces (agviz_session_get_document (self->session)) ||
       agviz_document_get_executions (document)->len != agviz_document_get_executions (agviz_session_get_document (self->session))->len ||
       g_list_model_get_n_items (agviz_document_get_diagnostics (document)) !=
         g_list_model_get_n_items (agviz_document_get_diagnostics (agviz_session_get_document (self->session)))))
    {
      agviz_session_refresh_document (self->session, document);
      update_problems_title (self);
      populate_executions (self);
      g_signal_emit (self, signals[REFRESHED], 0);
    }
  else if (error != NULL)
    g_debug ("refresh: %s", error->message);
  if (self->refresh_again)
    {
      self->refresh_again = FALSE;
      schedule_refresh (self);
    }
}

static gboolean
refresh_timeout (gpointer user_data)
{
  AgvizWindow *self = user_data;

  self->refresh_source = 0;
  if (self->refreshing != NULL)
    {
      self->refresh_again = TRUE;
      return G_SOURCE_REMOVE;
    }
  self->refreshing = g_cancellable_new ();
  agviz_document_load_async (agviz_document_get_file (agviz_session_get_document (self->session)), self->refreshing,
                             on_document_refreshed, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
on_trace_file_changed (GFileMonitor      *monitor,
                       GFile             *file,
                       GFile             *other_file,
                       GFileMonitorEvent  event,
                       AgvizWindow       *self)
{
  if (event == G_FILE_MONITOR_EVENT_CHANGED || event == G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT ||
      event == G_FILE_MONITOR_EVENT_CREATED)
    schedule_refresh (self);
}

static void
unwatch_file (AgvizWindow *self)
{
  if (self->refreshing != NULL)
    g_cancellable_cancel (self->refreshing);
  g_clear_object (&self->refreshing);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  self->refresh_again = FALSE;
  for (guint i = 0; self->monitors != NULL && i < self->monitors->len; i++)
    {
      GFileMonitor *monitor = g_ptr_array_index (self->monitors, i);

      g_signal_handlers_disconnect_by_data (monitor, self);
      g_file_monitor_cancel (monitor);
    }
  if (self->monitors != NULL)
    g_ptr_array_set_size (self->monitors, 0);
}

/* Watches the trace file and its write-ahead log, where a recorder's commits land first. */
static void
watch_file (AgvizWindow *self)
{
  const char *suffixes[] = { "", "-wal" };
  const char *path;

  unwatch_file (self);
  if (!agviz_document_is_trace_file (agviz_session_get_document (self->session)))
    return;
  path = agviz_store_get_path (agviz_document_get_store (agviz_session_get_document (self->session)));
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (path, suffixes[i], NULL);
      g_autoptr(GFile) file = g_file_new_for_path (name);
      GFileMonitor *monitor = g_file_monitor_file (file, G_FILE_MONITOR_NONE, NULL, NULL);

      if (monitor == NULL)
        continue;
      g_signal_connect (monitor, "changed", G_CALLBACK (on_trace_file_changed), self);
      g_ptr_array_add (self->monitors, monitor);
    }
}

/* ---- locating source folders ---------------------------------------------------------------- */

static void
show_locate_status (AgvizWindow *self,
                    const char  *text)
{
  agviz_label_set_from_text (self->locate_status, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->locate_status), text != NULL);
}

static void
on_rechecked (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(AgvizWindow) self = user_data;
  AgvizDocument *document = AGVIZ_DOCUMENT (source);
  g_autoptr(GError) error = NULL;
  gboolean done = agviz_document_recheck_finish (document, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->rechecking);
  if (!done)
    {
      /* Translators: %s says why the problems could not be found again */
      g_autofree char *text = g_strdup_printf (_("Could not check the trace file again: %s"),
                                               error->message);

      _agviz_window_show_toast (self, text);
      return;
    }
  /* A live refresh may have swapped in a newer document, made with the same folders. */
  if (document == agviz_session_get_document (self->session))
    {
      /* The same document, its findings made again. */
      agviz_trace_list_reload (self->trace_list);
      agviz_problems_list_reload (self->problems);
      update_problems_title (self);
    }
  g_signal_emit (self, signals[RECHECKED], 0);
}

/* Every place that shows source text reads it again, through the source map as it is now. */
static void
show_sources_again (AgvizWindow *self)
{
  g_autofree char *path = g_steal_pointer (&self->source_path);
  AgvizSceneItem *selected = agviz_graph_view_get_selected (self->graph_view);

  if (path != NULL)
    _agviz_window_show_source (self, path, self->source_line);
  if (selected != NULL)
    agviz_inspector_show_item (self->inspector, agviz_session_get_document (self->session), selected);
  if (agviz_comparison_get_trace_id (self->comparison) != 0 &&
      g_str_equal (gtk_stack_get_visible_child_name (self->inspector_stack), "comparison"))
    agviz_comparison_reload (self->comparison);

  /* The problems' source lines, and the findings that need the source text at all. */
  if (self->rechecking != NULL)
    g_cancellable_cancel (self->rechecking);
  g_clear_object (&self->rechecking);
  self->rechecking = g_cancellable_new ();
  agviz_document_recheck_async (agviz_session_get_document (self->session), self->rechecking, on_rechecked,
                                g_object_ref (self));
}

gboolean
_agviz_window_locate_sources (AgvizWindow *self,
                              const char  *folder)
{
  AgvizSourceMap *source_map;
  g_autofree char *recorded_folder = NULL;
  g_autofree char *local_folder = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (AGVIZ_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (folder != NULL, FALSE);

  if (agviz_session_get_document (self->session) == NULL || self->source_path == NULL)
    return FALSE;
  source_map = agviz_document_get_source_map (agviz_session_get_document (self->session));
  if (!agviz_source_map_find_root (source_map, self->source_path, folder, &recorded_folder,
                                   &local_folder, &error))
    {
      g_autofree char *base = g_path_get_basename (self->source_path);
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY))
        /* Translators: %s is a path that was chosen as a folder */
        text = g_strdup_printf (_("%s is not a folder."), folder);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
        /* Translators: %s is a source file's name as the trace recorded it */
        text = g_strdup_printf (_("The trace names no folder for %s, so it cannot be looked "
                                  "for in one."), base);
      else
        /* Translators: %1$s is a file's name, %2$s the folder chosen, %3$s the recorded path */
        text = g_strdup_printf (_("No %1$s under %2$s fits the recorded path %3$s, so nothing "
                                  "was changed."), base, folder, self->source_path);
      show_locate_status (self, text);
      return FALSE;
    }

  if (!agviz_document_add_source_root (agviz_session_get_document (self->session), recorded_folder, local_folder, &error))
    {
      /* Translators: %s says why the folder could not be saved */
      g_autofree char *text = g_strdup_printf (_("The folder is used now but will not be "
                                                 "remembered: %s"), error->message);

      show_sources_again (self);
      /* Not in the source pane: with the text shown, its page of explanations is hidden. */
      _agviz_window_show_toast (self, text);
      return TRUE;
    }
  g_debug ("sources: %s -> %s", recorded_folder, local_folder);
  show_sources_again (self);
  return TRUE;
}

/* ---- opening ------------------------------------------------------------------------------ */

static void
on_document_loaded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(AgvizWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizDocument) document = agviz_document_load_finish (result, &error);
  gint64 initial;

  g_clear_object (&self->loading);
  gtk_spinner_stop (self->loading_spinner);
  if (document == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_start_error (self, error);
      else
        show_start_error (self, NULL);
      _agviz_window_update_actions (self);
      return;
    }

  agviz_session_set_document (self->session, document);
  {
    g_autofree char *uri = g_file_get_uri (agviz_document_get_file (document));
    gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
  }
  gtk_label_set_text (self->title_label, agviz_document_get_title (document));
  gtk_window_set_title (GTK_WINDOW (self), agviz_document_get_title (document));
  update_problems_title (self);
  populate_executions (self);
  watch_file (self);
  gtk_stack_set_visible_child_name (self->main_stack, "document");

  initial = agviz_document_get_initial_trace (document);
  if (initial != 0 && !agviz_window_show_trace (self, initial, &error))
    _agviz_window_show_toast (self, error->message);
  _agviz_window_update_actions (self);
}

void
agviz_window_open (AgvizWindow *self,
                   GFile       *file)
{
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (AGVIZ_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  self->loading = g_cancellable_new ();

  name = g_file_get_basename (file);
  /* Translators: %s is a file name */
  text = g_strdup_printf (_("Reading %s…"), name);
  gtk_label_set_text (self->loading_label, text);
  gtk_spinner_start (self->loading_spinner);
  /* Nothing of the new file is selected: its graph gets the room. */
  set_inspector_pane_visible (self, FALSE);
  gtk_stack_set_visible_child_name (self->main_stack, "loading");
  agviz_document_load_async (file, self->loading, on_document_loaded, g_object_ref (self));
  _agviz_window_update_actions (self);
}

gboolean
agviz_window_is_busy (AgvizWindow *self)
{
  g_return_val_if_fail (AGVIZ_IS_WINDOW (self), FALSE);
  return agviz_session_get_document (self->session) != NULL || self->loading != NULL;
}

AgvizDocument *
agviz_window_get_document (AgvizWindow *self)
{
  g_return_val_if_fail (AGVIZ_IS_WINDOW (self), NULL);
  return agviz_session_get_document (self->session);
}

gboolean
agviz_window_is_loading (AgvizWindow *self)
{
  g_return_val_if_fail (AGVIZ_IS_WINDOW (self), FALSE);
  return self->loading != NULL;
}

const char *
agviz_window_get_source_path (AgvizWindow *self,
                              int         *line)
{
  g_return_val_if_fail (AGVIZ_IS_WINDOW (self), NULL);

  if (line != NULL)
    *line = self->source_path != NULL ? self->source_line : 0;
  return self->source_path;
}

AgvizSession *
agviz_window_get_session (AgvizWindow *self)
{
  g_return_val_if_fail (AGVIZ_IS_WINDOW (self), NULL);
  return self->session;
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         AgvizWindow   *self)
{
  GSList *files = g_value_get_boxed (value);

  if (files == NULL)
    return FALSE;
  agviz_window_open (self, files->data);
  return TRUE;
}

char *
_agviz_window_find_example (void)
{
  const char *from_env = g_getenv ("AGVIZ_EXAMPLE_TRACE");
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *installed = g_build_filename (AGVIZ_PKGDATADIR, "example.db", NULL);

  if (from_env != NULL && g_file_test (from_env, G_FILE_TEST_IS_REGULAR))
    return g_strdup (from_env);
  /* Run from the build tree: that tree's example, never an older installed one. */
  if (exe != NULL && g_str_has_prefix (exe, AGVIZ_BUILD_ROOT G_DIR_SEPARATOR_S) &&
      g_file_test (AGVIZ_BUILD_EXAMPLE, G_FILE_TEST_IS_REGULAR))
    return g_strdup (AGVIZ_BUILD_EXAMPLE);
  if (g_file_test (installed, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&installed);
  return NULL;
}

/* ---- window size ---------------------------------------------------------------------------- */

static void
save_window_state (AgvizWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set (self->settings, "window-size", "(ii)", width, height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
agviz_window_close_request (GtkWindow *window)
{
  AgvizWindow *self = AGVIZ_WINDOW (window);

  save_window_state (self);
  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  return GTK_WINDOW_CLASS (agviz_window_parent_class)->close_request (window);
}

static void
on_zoom_changed (AgvizViewport *viewport,
                 GParamSpec    *pspec,
                 AgvizWindow   *self)
{
  g_autofree char *text = g_strdup_printf ("%.0f%%", agviz_viewport_get_zoom (viewport) * 100);

  gtk_button_set_label (self->zoom_label_button, text);
}

static void
agviz_window_dispose (GObject *object)
{
  AgvizWindow *self = AGVIZ_WINDOW (object);

  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  /* No gtk_widget_dispose_template() here: GtkWindow tears its child down itself, and in GTK 4.8
   * doing both unparents the child twice. */
  unwatch_file (self);
  g_clear_pointer (&self->monitors, g_ptr_array_unref);
  g_clear_object (&self->loading);
  /* The actions hold the session and the canvas: the document goes with the window. */
  g_action_map_remove_action (G_ACTION_MAP (self), "color-by");
  g_action_map_remove_action (G_ACTION_MAP (self), "trace-inputs");
  g_action_map_remove_action (G_ACTION_MAP (self), "sidebar-visible");
  agviz_session_follow (&self->session, NULL, self);
  g_clear_object (&self->settings);
  if (self->rechecking != NULL)
    g_cancellable_cancel (self->rechecking);
  g_clear_object (&self->rechecking);
  g_clear_pointer (&self->source_path, g_free);

  G_OBJECT_CLASS (agviz_window_parent_class)->dispose (object);
}

/* The session's colouring is a word (for GSettings and the win.color-by action), the graph
 * view's an AgvizColorBy: its nick. */
static gboolean
color_by_word_to_enum (GBinding     *binding,
                       const GValue *from,
                       GValue       *to,
                       gpointer      user_data)
{
  AgvizColorBy color_by;

  if (!agviz_color_by_from_string (g_value_get_string (from), &color_by))
    return FALSE;
  g_value_set_enum (to, color_by);
  return TRUE;
}

static gboolean
color_by_enum_to_word (GBinding     *binding,
                       const GValue *from,
                       GValue       *to,
                       gpointer      user_data)
{
  g_value_set_string (to, agviz_color_by_to_string (g_value_get_enum (from)));
  return TRUE;
}

/* A stateful win.NAME action over @object's property NAME (a word or a boolean). */
static void
add_property_action (AgvizWindow *self,
                     const char  *name,
                     gpointer     object)
{
  g_autoptr(GPropertyAction) action = g_property_action_new (name, object, name);

  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (action));
}

static void
agviz_window_class_init (AgvizWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = agviz_window_dispose;

  /* A live refresh showed a newer reading of the file (the file grew while it was shown). */
  signals[REFRESHED] = g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The findings were made again through newly located source folders, and are listed. */
  signals[RECHECKED] = g_signal_new ("rechecked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  window_class->close_request = agviz_window_close_request;

  g_type_ensure (AGVIZ_TYPE_GRAPH_VIEW);
  g_type_ensure (AGVIZ_TYPE_INSPECTOR);
  g_type_ensure (AGVIZ_TYPE_TIMELINE);
  g_type_ensure (AGVIZ_TYPE_MINIMAP);
  g_type_ensure (AGVIZ_TYPE_PROBLEMS_LIST);
  g_type_ensure (AGVIZ_TYPE_COMPARISON);
  g_type_ensure (AGVIZ_TYPE_SEARCH_PANEL);
  g_type_ensure (AGVIZ_TYPE_TRACE_LIST);
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/agviz/Agviz/ui/agviz-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, start_error_label);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, loading_label);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, sidebar_paned);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, inspector_paned);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, source_paned);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, trace_list);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, problems);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, search_panel);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, inspector_button);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, graph_view);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, minimap);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, zoom_label_button);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, inspector_stack);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, inspector);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, comparison);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, executions_panel);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, executions_label);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, timeline);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, source_label);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, source_stack);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, source_view);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, missing_title);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, missing_details);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, locate_button);
  gtk_widget_class_bind_template_child (widget_class, AgvizWindow, locate_status);

  _agviz_window_class_add_actions (klass);
}

static GSettings *
settings_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* Run from a build tree without GSETTINGS_SCHEMA_DIR the schema is missing, and
   * g_settings_new() would abort: remember nothing rather than not start. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  return schema != NULL ? g_settings_new (APPLICATION_ID) : NULL;
}

static void
agviz_window_init (AgvizWindow *self)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkSourceLanguage *python = gtk_source_language_manager_get_language (languages, "python3");
  /* Without the language specs installed the source still shows, uncoloured. */
  g_autoptr(GtkSourceBuffer) buffer = python != NULL ? gtk_source_buffer_new_with_language (python)
                                                     : gtk_source_buffer_new (NULL);
  g_autoptr(GtkSourceMarkAttributes) defining = gtk_source_mark_attributes_new ();
  GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  const GdkRGBA highlight = { 0.96f, 0.76f, 0.07f, 0.35f };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->session = agviz_session_new ();
  /* The canvas follows the session's colouring, which GSettings and win.color-by change;
   * win.trace-inputs toggles the canvas's own property. */
  g_object_bind_property_full (self->session, "color-by", self->graph_view, "color-by",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                               color_by_word_to_enum, color_by_enum_to_word, NULL, NULL);
  add_property_action (self, "color-by", self->session);
  add_property_action (self, "trace-inputs", self->graph_view);
  /* The comparison panel's diff is highlighted on the canvas. */
  g_object_bind_property (self->session, "diff", self->graph_view, "diff", G_BINDING_SYNC_CREATE);
  /* Looked up rather than bound: GTK 4.8's gtk_widget_dispose_template() treats every bound
   * object as a widget to unparent, and a GtkStackPage is not one. */
  self->diagnostics_page = gtk_stack_get_page (self->sidebar_stack,
                                               gtk_stack_get_child_by_name (self->sidebar_stack,
                                                                            "diagnostics"));
  self->monitors = g_ptr_array_new_with_free_func (g_object_unref);

  self->settings = settings_if_installed ();
  if (self->settings != NULL)
    {
      int width, height;

      g_settings_get (self->settings, "window-size", "(ii)", &width, &height);
      gtk_window_set_default_size (GTK_WINDOW (self), width, height);
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      g_settings_bind (self->settings, "sidebar-width", self->sidebar_paned, "position", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "graph-width", self->inspector_paned, "position", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "inspector-height", self->source_paned, "position", G_SETTINGS_BIND_DEFAULT);
      /* The property behind win.color-by: the last choice comes back with the next window. */
      g_settings_bind (self->settings, "color-by", self->session, "color-by",
                       G_SETTINGS_BIND_DEFAULT);
    }
  else
    gtk_window_set_default_size (GTK_WINDOW (self), 1280, 800);
  add_pane_actions (self);

  gtk_text_view_set_buffer (GTK_TEXT_VIEW (self->source_view), GTK_TEXT_BUFFER (buffer));
  gtk_source_mark_attributes_set_background (defining, &highlight);
  gtk_source_view_set_mark_attributes (self->source_view, DEFINING_LINE_CATEGORY, defining, 10);

  agviz_trace_list_set_session (self->trace_list, self->session);
  g_signal_connect (self->trace_list, "trace-selected", G_CALLBACK (on_trace_selected), self);
  agviz_problems_list_set_session (self->problems, self->session);
  agviz_comparison_set_session (self->comparison, self->session);
  agviz_search_panel_set_session (self->search_panel, self->session);
  g_signal_connect (self->comparison, "source-activated", G_CALLBACK (on_comparison_source_activated), self);
  g_signal_connect (self->problems, "problem-selected", G_CALLBACK (on_problem_selected), self);

  g_signal_connect (self->graph_view, "selection-changed", G_CALLBACK (on_graph_selection_changed), self);
  g_signal_connect (self->session, "show-item", G_CALLBACK (on_session_show_item), self);
  g_signal_connect (self->session, "notify::selected-item", G_CALLBACK (on_selected_item_changed), self);
  g_signal_connect (self->session, "notify::trace-id", G_CALLBACK (on_trace_changed), self);
  g_signal_connect (agviz_graph_view_get_viewport (self->graph_view), "notify::zoom",
                    G_CALLBACK (on_zoom_changed), self);
  g_signal_connect (self->inspector, "node-activated", G_CALLBACK (on_inspector_node_activated), self);
  g_signal_connect (self->inspector, "frame-activated", G_CALLBACK (on_inspector_frame_activated), self);
  agviz_minimap_set_graph_view (self->minimap, self->graph_view);
  g_signal_connect (self->timeline, "trace-activated", G_CALLBACK (on_timeline_trace_activated), self);
  {
    GtkGesture *click = gtk_gesture_click_new ();

    /* Released, not pressed: a drag that selects text is not a click on a line. */
    g_signal_connect (click, "released", G_CALLBACK (on_source_clicked), self);
    gtk_widget_add_controller (GTK_WIDGET (self->source_view), GTK_EVENT_CONTROLLER (click));
  }
  g_object_bind_property (self->search_bar, "search-mode-enabled", self->search_button, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  gtk_search_bar_connect_entry (self->search_bar, agviz_search_panel_get_entry (self->search_panel));

  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  _agviz_window_update_actions (self);
}

AgvizWindow *
agviz_window_new (AgvizApplication *application)
{
  return g_object_new (AGVIZ_TYPE_WINDOW, "application", application, NULL);
}
