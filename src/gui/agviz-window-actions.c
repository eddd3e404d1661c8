/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-window-actions.c: the window's actions (accelerators are set in agviz-application.c) */
#define G_LOG_DOMAIN "agviz-window"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "agviz-drawing.h"
#include "agviz-window-private.h"

static void
open_response (GtkNativeDialog *dialog,
               int              response,
               AgvizWindow     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

      /* A window that already shows a file keeps it: the new one gets its own window. */
      if (agviz_window_is_busy (self) && application != NULL)
        {
          AgvizWindow *window = agviz_window_new (AGVIZ_APPLICATION (application));
          gtk_window_present (GTK_WINDOW (window));
          agviz_window_open (window, file);
        }
      else
        agviz_window_open (self, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AgvizWindow *self = AGVIZ_WINDOW (widget);
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) traces = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  dialog = gtk_file_chooser_native_new (_("Open Trace File"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (traces, _("agviz trace files"));
  gtk_file_filter_add_mime_type (traces, "application/x-agviz-trace");
  gtk_file_filter_add_suffix (traces, "db");
  gtk_file_filter_add_suffix (traces, "agviz");
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), traces);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all);
  g_signal_connect (dialog, "response", G_CALLBACK (open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_example_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AgvizWindow *self = AGVIZ_WINDOW (widget);
  g_autofree char *path = _agviz_window_find_example ();
  g_autoptr(GFile) file = NULL;

  if (path == NULL)
    {
      g_warning ("The example trace file is not installed");
      return;
    }
  file = g_file_new_for_path (path);
  if (agviz_window_is_busy (self))
    {
      AgvizWindow *window = agviz_window_new (AGVIZ_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
      gtk_window_present (GTK_WINDOW (window));
      agviz_window_open (window, file);
    }
  else
    agviz_window_open (self, file);
}

static void
cancel_loading_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AgvizWindow *self = AGVIZ_WINDOW (widget);

  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AgvizWindow *self = AGVIZ_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (agviz_search_panel_get_entry (self->search_panel)));
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AgvizWindow *self = AGVIZ_WINDOW (widget);

  if (g_str_equal (action_name, "win.zoom-in"))
    agviz_graph_view_zoom_in (self->graph_view);
  else if (g_str_equal (action_name, "win.zoom-out"))
    agviz_graph_view_zoom_out (self->graph_view);
  else if (g_str_equal (action_name, "win.zoom-reset"))
    agviz_graph_view_zoom_reset (self->graph_view);
  else
    agviz_graph_view_zoom_to_fit (self->graph_view);
}

static void
expand_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AgvizWindow *self = AGVIZ_WINDOW (widget);

  if (g_str_equal (action_name, "win.expand-all"))
    agviz_graph_view_expand_all (self->graph_view);
  else
    agviz_graph_view_collapse_all (self->graph_view);
}

gboolean
agviz_window_export (AgvizWindow  *self,
                     GFile        *file,
                     GError      **error)
{
  AgvizLayout *layout;
  AgvizDrawingOptions options = { .color_by = AGVIZ_COLOR_BY_OP };
  AgvizDrawingFormat format = AGVIZ_DRAWING_FORMAT_SVG;
  g_autofree char *path = NULL;
  FILE *out;
  gboolean ok;

  g_return_val_if_fail (AGVIZ_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  layout = agviz_graph_view_get_layout (self->graph_view);
  options.focus = agviz_graph_view_get_selected (self->graph_view);
  path = g_file_get_path (file);
  if (layout == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("There is no graph to export"));
      return FALSE;
    }
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("Only local files can be written"));
      return FALSE;
    }
  if (g_str_has_suffix (path, ".png"))
    format = AGVIZ_DRAWING_FORMAT_PNG;
  else if (g_str_has_suffix (path, ".pdf"))
    format = AGVIZ_DRAWING_FORMAT_PDF;

  out = g_fopen (path, "wb");
  if (out == NULL)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot write %s: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  ok = agviz_drawing_write (layout, format, &options, out, error);
  if (fclose (out) != 0 && ok)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot write %s: %s"), path,
                   g_strerror (saved));
      ok = FALSE;
    }
  return ok;
}

static void
export_response (GtkNativeDialog *dialog,
                 int              response,
                 AgvizWindow     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;

      if (!agviz_window_export (self, file, &error))
        {
          /* Translators: %s says why the file could not be written */
          g_autofree char *text = g_strdup_printf (_("Could not export the view: %s"), error->message);

          _agviz_window_show_toast (self, text);
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AgvizWindow *self = AGVIZ_WINDOW (widget);
  GtkFileChooserNative *dialog;
  g_autofree char *name = NULL;

  dialog = gtk_file_chooser_native_new (_("Export View"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  /* Translators: default file name of an exported graph; keep the .svg extension */
  name = g_strdup (_("graph.svg"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_signal_connect (dialog, "response", G_CALLBACK (export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
show_inspector_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  gtk_stack_set_visible_child_name (AGVIZ_WINDOW (widget)->inspector_stack, "inspector");
  _agviz_window_show_inspector_pane (AGVIZ_WINDOW (widget));
}

/* The shown trace beside its function's first, with the nodes added, removed and changed since,
 * highlighted on the canvas. */
static void
compare_traces_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AgvizWindow *self = AGVIZ_WINDOW (widget);
  gint64 trace_id = agviz_session_get_trace_id (self->session);

  if (trace_id != 0)
    _agviz_window_show_comparison (self, trace_id, NULL);
}

static void
focus_executions_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  AgvizWindow *self = AGVIZ_WINDOW (widget);

  if (gtk_widget_get_visible (self->executions_panel))
    gtk_widget_grab_focus (GTK_WIDGET (self->timeline));
}

static void
locate_sources_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  _agviz_window_locate_sources (AGVIZ_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* The folder chosen in the dialog goes through win.locate-sources, the same way the tests go. */
static void
locate_chosen_folder (AgvizWindow *self,
                      GFile       *folder)
{
  g_autofree char *path = g_file_get_path (folder);

  if (path == NULL)
    {
      g_warning ("Only local folders can hold sources: %s", g_file_peek_path (folder));
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "win.locate-sources", "s", path);
}

/* Where the folder chooser starts: beside the trace file, where a project's sources often are. */
static GFile *
source_folder_to_start_in (AgvizWindow *self)
{
  return agviz_session_get_document (self->session) != NULL ? g_file_get_parent (agviz_document_get_file (agviz_session_get_document (self->session)))
                                 : NULL;
}

#if GTK_CHECK_VERSION (4, 10, 0)
/* GtkFileDialog is newer than the API level agviz pins (GTK 4.8, which lacks it), so the pin
 * marks it unavailable; this code is built only against a GTK that has it. */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS

static void
source_folder_chosen (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(AgvizWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) folder = gtk_file_dialog_select_folder_finish (GTK_FILE_DIALOG (source), result,
                                                                  &error);

  if (folder != NULL)
    locate_chosen_folder (self, folder);
  else if (!g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED) &&
           !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED))
    g_warning ("Could not choose a folder: %s", error->message);
}

static void
choose_source_folder_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  AgvizWindow *self = AGVIZ_WINDOW (widget);
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr(GFile) start = source_folder_to_start_in (self);

  gtk_file_dialog_set_title (dialog, _("Locate Source Folder"));
  gtk_file_dialog_set_accept_label (dialog, _("_Select"));
  gtk_file_dialog_set_modal (dialog, TRUE);
  if (start != NULL)
    gtk_file_dialog_set_initial_folder (dialog, start);
  gtk_file_dialog_select_folder (dialog, GTK_WINDOW (self), NULL, source_folder_chosen,
                                 g_object_ref (self));
}

G_GNUC_END_IGNORE_DEPRECATIONS
#else
static void
source_folder_response (GtkNativeDialog *dialog,
                        int              response,
                        AgvizWindow     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (folder != NULL)
        locate_chosen_folder (self, folder);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose_source_folder_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  AgvizWindow *self = AGVIZ_WINDOW (widget);
  g_autoptr(GFile) start = source_folder_to_start_in (self);
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Locate Source Folder"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Select"),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  if (start != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), start, NULL);
  g_signal_connect (dialog, "response", G_CALLBACK (source_folder_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}
#endif

void
_agviz_window_update_actions (AgvizWindow *self)
{
  gboolean has_graph = agviz_graph_view_get_scene (self->graph_view) != NULL;
  g_autofree char *example = _agviz_window_find_example ();

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-example", example != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-loading", self->loading != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", has_graph);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", has_graph);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.expand-all", has_graph);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.collapse-all", has_graph);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.zoom-in", has_graph);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.zoom-out", has_graph);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.zoom-reset", has_graph);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.zoom-fit", has_graph);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.color-by", has_graph);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.trace-inputs", has_graph);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.choose-source-folder", agviz_session_get_document (self->session) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.locate-sources", agviz_session_get_document (self->session) != NULL);
  /* The panes' toggles mean nothing on the start page. */
  gtk_widget_set_visible (self->sidebar_button, agviz_session_get_document (self->session) != NULL);
  gtk_widget_set_visible (self->inspector_button, agviz_session_get_document (self->session) != NULL);
}

void
_agviz_window_class_add_actions (AgvizWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-example", NULL, open_example_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-loading", NULL, cancel_loading_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.expand-all", NULL, expand_action);
  gtk_widget_class_install_action (widget_class, "win.collapse-all", NULL, expand_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-reset", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.show-inspector", NULL, show_inspector_action);
  gtk_widget_class_install_action (widget_class, "win.compare-traces", NULL, compare_traces_action);
  gtk_widget_class_install_action (widget_class, "win.focus-executions", NULL, focus_executions_action);
  gtk_widget_class_install_action (widget_class, "win.choose-source-folder", NULL,
                                   choose_source_folder_action);
  gtk_widget_class_install_action (widget_class, "win.locate-sources", "s", locate_sources_action);
}
