/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-comparison.c: a trace next to the first trace of its function */
#define G_LOG_DOMAIN "agviz-comparison"

#include "config.h"

#include <glib/gi18n.h>

#include "agviz-comparison.h"
#include "agviz-graph-diff.h"
#include "agviz-label-text.h"

/* One line of a column: a caption, or (file set) a place in the source that activating it shows. */
#define AGVIZ_TYPE_COMPARISON_LINE (agviz_comparison_line_get_type ())
G_DECLARE_FINAL_TYPE (AgvizComparisonLine, agviz_comparison_line, AGVIZ, COMPARISON_LINE, GObject)

struct _AgvizComparisonLine
{
  GObject     parent_instance;

  char       *text;
  const char *css_class;  /* static */
  char       *file;       /* NULL: not a place in the source */
  int         line;
  char       *node;       /* a node of the later trace that activating it selects, or NULL */
};

G_DEFINE_FINAL_TYPE (AgvizComparisonLine, agviz_comparison_line, G_TYPE_OBJECT)

static void
agviz_comparison_line_finalize (GObject *object)
{
  AgvizComparisonLine *self = AGVIZ_COMPARISON_LINE (object);

  g_free (self->text);
  g_free (self->file);
  g_free (self->node);
  G_OBJECT_CLASS (agviz_comparison_line_parent_class)->finalize (object);
}

static void
agviz_comparison_line_class_init (AgvizComparisonLineClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = agviz_comparison_line_finalize;
}

static void
agviz_comparison_line_init (AgvizComparisonLine *self)
{
}

static void
add_line (GListStore *lines,
          const char *text,
          const char *css_class,
          const char *file,
          int         line)
{
  g_autoptr(AgvizComparisonLine) item = g_object_new (AGVIZ_TYPE_COMPARISON_LINE, NULL);

  item->text = g_strdup (text);
  item->css_class = css_class;
  item->file = g_strdup (file);
  item->line = line;
  g_list_store_append (lines, item);
}

struct _AgvizComparison
{
  GtkWidget        parent_instance;

  AgvizSession    *session;
  gint64           trace_id;     /* shown beside the first trace, 0 none */
  AgvizDiagnostic *diagnostic;   /* the finding it was opened from, or NULL */
  GListStore      *first_lines;  /* AgvizComparisonLine */
  GListStore      *other_lines;
  GListStore      *change_lines; /* the diff of the two traces */

  GtkLabel        *summary;
  GtkListBox      *first_column;
  GtkListBox      *other_column;
  GtkLabel        *changes_heading;
  GtkListBox      *changes_list;
};

G_DEFINE_FINAL_TYPE (AgvizComparison, agviz_comparison, GTK_TYPE_WIDGET)

enum {
  SOURCE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const variable_ops[] = { "VarHandleOp", "VariableV2", "Variable" };

static GtkWidget *
create_line_row (gpointer item,
                 gpointer user_data)
{
  AgvizComparisonLine *line = item;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (line->text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (line->css_class != NULL)
    gtk_widget_add_css_class (label, line->css_class);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), line->file != NULL || line->node != NULL);
  if (line->node != NULL)
    gtk_widget_set_tooltip_text (row, _("Select it in the graph"));
  else if (line->file != NULL)
    gtk_widget_set_tooltip_text (row, _("Show the line that created it"));
  return row;
}

static void
on_line_activated (GtkListBox      *column,
                   GtkListBoxRow   *row,
                   AgvizComparison *self)
{
  GListStore *lines = column == self->first_column ? self->first_lines
                      : column == self->other_column ? self->other_lines : self->change_lines;
  g_autoptr(AgvizComparisonLine) line = g_list_model_get_item (G_LIST_MODEL (lines),
                                                               gtk_list_box_row_get_index (row));

  if (line != NULL && line->node != NULL)
    agviz_comparison_select_change (self, line->node);
  else if (line != NULL && line->file != NULL)
    g_signal_emit (self, signals[SOURCE_ACTIVATED], 0, line->file, line->line);
}

/* One column: the trace's signature and the variables it created, each with the line that
 * created it.  Returns how many variables. */
static guint
fill_column (AgvizComparison *self,
             GListStore      *lines,
             gboolean         first,
             AgvizTrace      *trace)
{
  AgvizDocument *document = agviz_session_get_document (self->session);
  AgvizStore *store = agviz_document_get_store (document);
  AgvizSourceMap *source_map = agviz_document_get_source_map (document);
  g_autofree char *title = g_strdup_printf (_("Trace %d"), trace->ordinal);
  guint n_variables = 0;

  add_line (lines, title, "heading", NULL, 0);
  add_line (lines, trace->signature != NULL && trace->signature[0] != '\0' ? trace->signature
                                                                           : _("(no signature)"),
            "monospace", NULL, 0);
  add_line (lines, _("Variables created"), "caption-heading", NULL, 0);

  for (guint k = 0; k < G_N_ELEMENTS (variable_ops); k++)
    {
      g_autoptr(GPtrArray) nodes = agviz_store_list_trace_nodes_of_type (store, trace->id, variable_ops[k], NULL);

      for (guint i = 0; nodes != NULL && i < nodes->len; i++)
        {
          AgvizNode *node = g_ptr_array_index (nodes, i);
          g_autoptr(GPtrArray) frames = node->stack_id != 0
                                          ? agviz_source_map_get_stack (source_map, node->stack_id, NULL)
                                          : NULL;
          g_autoptr(GString) text = g_string_new (NULL);
          AgvizSourceFrame *frame = NULL;

          g_string_append_printf (text, "%s  (%s)", node->name, node->op_type);
          if (frames != NULL && frames->len > 0)
            {
              int defining = agviz_source_map_find_defining_frame (frames);
              g_autofree char *base = NULL;

              frame = g_ptr_array_index (frames, defining >= 0 ? defining : (int) frames->len - 1);
              base = g_path_get_basename (frame->frame->file);
              g_string_append_printf (text, "\n%s:%d", base, frame->frame->line);
              if (frame->frame->source_line != NULL)
                {
                  g_autofree char *stripped = g_strstrip (g_strdup (frame->frame->source_line));
                  g_string_append_printf (text, "\n%s", stripped);
                }
            }
          add_line (lines, text->str, "monospace", frame != NULL ? frame->frame->file : NULL,
                    frame != NULL ? frame->frame->line : 0);
          n_variables++;
        }
    }
  /* TF 2 makes a tf.Function's variables eagerly, outside its graph: what the finding knows of
   * them (eager handle ops, the error raised) is listed under the trace it concerns, and the
   * line that creates the variable under the trace the finding is about. */
  if (self->diagnostic != NULL)
    {
      const char * const *evidence = agviz_diagnostic_get_evidence (self->diagnostic);
      const char *trace_1_prefix = "trace 1 also created one: ";

      if (!first && agviz_diagnostic_get_file (self->diagnostic) != NULL)
        {
          const char *file = agviz_diagnostic_get_file (self->diagnostic);
          int line = agviz_diagnostic_get_line (self->diagnostic);
          const char *code = agviz_diagnostic_get_source_line (self->diagnostic);
          g_autofree char *base = g_path_get_basename (file);
          g_autofree char *text = g_strdup_printf ("%s:%d%s%s", base, line, code != NULL ? "\n" : "",
                                                   code != NULL ? code : "");

          add_line (lines, text, "monospace", file, line);
          n_variables++;
        }
      for (guint i = 0; evidence != NULL && evidence[i] != NULL; i++)
        {
          gboolean about_trace_1 = g_str_has_prefix (evidence[i], trace_1_prefix);

          if (about_trace_1 != first)
            continue;
          add_line (lines, about_trace_1 ? evidence[i] + strlen (trace_1_prefix) : evidence[i],
                    "dim-label", NULL, 0);
          n_variables += about_trace_1;
        }
    }
  /* Translators: the trace created no variables */
  if (n_variables == 0)
    add_line (lines, _("None"), "dim-label", NULL, 0);
  return n_variables;
}

gboolean
agviz_comparison_select_change (AgvizComparison *self,
                                const char      *node)
{
  AgvizScene *scene;
  AgvizSceneItem *item;

  g_return_val_if_fail (AGVIZ_IS_COMPARISON (self), FALSE);
  g_return_val_if_fail (node != NULL, FALSE);

  if (self->session == NULL || self->trace_id == 0)
    return FALSE;
  /* The changes are the later trace's: shown first, if another is. */
  if (agviz_session_get_trace_id (self->session) != self->trace_id &&
      !agviz_session_show_trace (self->session, self->trace_id, NULL))
    return FALSE;
  scene = agviz_session_get_scene (self->session);
  item = scene != NULL ? agviz_scene_find_node (scene, node, NULL) : NULL;
  if (item == NULL)
    return FALSE;
  agviz_session_show_item (self->session, item);
  return TRUE;
}

/* One line per differing node: what happened to it and what changed, the way `agviz diff` says
 * it.  Added and changed nodes select themselves; removed ones have no box to select. */
static void
fill_changes (AgvizComparison *self,
              AgvizGraphDiff  *diff,
              AgvizTrace      *first)
{
  GPtrArray *entries = agviz_graph_diff_get_entries (diff);
  const AgvizDiffCounts *counts = agviz_graph_diff_get_counts (diff);
  g_autofree char *heading = NULL;

  /* Translators: %1$d is a trace number; %2$u, %3$u, %4$u count nodes */
  heading = g_strdup_printf (_("Changes from trace %1$d: %2$u changed, %3$u added, %4$u removed"),
                             first->ordinal, counts->changed, counts->added, counts->removed);
  agviz_label_set_from_text (self->changes_heading, heading);
  for (guint i = 0; i < entries->len; i++)
    {
      const AgvizDiffEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(AgvizComparisonLine) line = g_object_new (AGVIZ_TYPE_COMPARISON_LINE, NULL);
      g_autoptr(GString) text = g_string_new (NULL);
      const char *status;

      switch (entry->status)
        {
        /* Translators: what happened to a node from one trace to the next */
        case AGVIZ_DIFF_STATUS_ADDED: status = _("Added"); break;
        /* Translators: what happened to a node from one trace to the next */
        case AGVIZ_DIFF_STATUS_REMOVED: status = _("Removed"); break;
        /* Translators: what happened to a node from one trace to the next */
        case AGVIZ_DIFF_STATUS_CHANGED:
        case AGVIZ_DIFF_STATUS_SAME:
        default: status = _("Changed"); break;
        }
      g_string_append_printf (text, "%s  %s (%s)", status, agviz_diff_entry_get_name (entry),
                              agviz_diff_entry_get_op_type (entry));
      for (guint d = 0; d < entry->details->len; d++)
        {
          const AgvizDiffDetail *detail = &g_array_index (entry->details, AgvizDiffDetail, d);

          g_string_append_printf (text, "\n%s: %s → %s", detail->what,
                                  detail->before != NULL ? detail->before : "—",
                                  detail->after != NULL ? detail->after : "—");
        }
      line->text = agviz_label_text (text->str, 2000);
      line->css_class = entry->status == AGVIZ_DIFF_STATUS_REMOVED ? "dim-label" : "monospace";
      line->node = g_strdup (entry->name_b);
      g_list_store_append (self->change_lines, line);
    }
  if (entries->len == 0)
    /* Translators: the two traces have the same graph */
    add_line (self->change_lines, _("The graphs are the same"), "dim-label", NULL, 0);
}

gboolean
agviz_comparison_show (AgvizComparison *self,
                       gint64           trace_id,
                       AgvizDiagnostic *diagnostic)
{
  AgvizDocument *document;
  AgvizFunction *function = NULL;
  AgvizTrace *trace, *first;
  g_autofree char *summary = NULL;
  guint n_first, n_this;

  g_return_val_if_fail (AGVIZ_IS_COMPARISON (self), FALSE);
  g_return_val_if_fail (diagnostic == NULL || AGVIZ_IS_DIAGNOSTIC (diagnostic), FALSE);

  g_list_store_remove_all (self->first_lines);
  g_list_store_remove_all (self->other_lines);
  g_list_store_remove_all (self->change_lines);
  gtk_widget_set_visible (GTK_WIDGET (self->changes_heading), FALSE);
  self->trace_id = 0;
  g_set_object (&self->diagnostic, diagnostic);
  document = self->session != NULL ? agviz_session_get_document (self->session) : NULL;
  trace = document != NULL ? agviz_document_find_trace (document, trace_id, &function) : NULL;
  if (trace == NULL || function->traces->len == 0)
    return FALSE;
  first = g_ptr_array_index (function->traces, 0);
  n_first = fill_column (self, self->first_lines, TRUE, first);
  n_this = trace != first ? fill_column (self, self->other_lines, FALSE, trace) : 0;
  if (trace != first)
    {
      g_autoptr(GError) error = NULL;
      /* Two traces of one function: small graphs, read in a blink, so on this thread. */
      g_autoptr(AgvizGraphDiff) diff = agviz_graph_diff_new (agviz_document_get_store (document), first->id,
                                                             agviz_document_get_store (document), trace->id,
                                                             &error);

      if (diff != NULL)
        {
          fill_changes (self, diff, first);
          gtk_widget_set_visible (GTK_WIDGET (self->changes_heading), TRUE);
        }
      else
        g_warning ("cannot compare traces %d and %d: %s", first->ordinal, trace->ordinal, error->message);
      agviz_session_set_diff (self->session, diff);
    }
  else
    agviz_session_set_diff (self->session, NULL);
  /* Translators: %1$s is a function, %2$d and %3$d trace numbers */
  summary = g_strdup_printf (_("%1$s, trace %2$d next to trace %3$d. A tf.function may create "
                               "variables only while it is traced the first time: later traces "
                               "must reuse them."), function->name, trace->ordinal, first->ordinal);
  agviz_label_set_from_text (self->summary, summary);
  g_debug ("comparison: %u variables in the first trace, %u in trace %d", n_first, n_this, trace->ordinal);
  self->trace_id = trace_id;
  return TRUE;
}

void
agviz_comparison_reload (AgvizComparison *self)
{
  g_autoptr(AgvizDiagnostic) diagnostic = NULL;

  g_return_if_fail (AGVIZ_IS_COMPARISON (self));

  if (self->trace_id == 0)
    return;
  diagnostic = self->diagnostic != NULL ? g_object_ref (self->diagnostic) : NULL;
  agviz_comparison_show (self, self->trace_id, diagnostic);
}

gint64
agviz_comparison_get_trace_id (AgvizComparison *self)
{
  g_return_val_if_fail (AGVIZ_IS_COMPARISON (self), 0);
  return self->trace_id;
}

void
agviz_comparison_set_session (AgvizComparison *self,
                              AgvizSession    *session)
{
  g_return_if_fail (AGVIZ_IS_COMPARISON (self));
  g_return_if_fail (session == NULL || AGVIZ_IS_SESSION (session));

  g_set_object (&self->session, session);
}

static void
agviz_comparison_dispose (GObject *object)
{
  AgvizComparison *self = AGVIZ_COMPARISON (object);

  agviz_panel_dispose_template (GTK_WIDGET (self), AGVIZ_TYPE_COMPARISON);
  g_clear_object (&self->session);
  g_clear_object (&self->diagnostic);
  g_clear_object (&self->first_lines);
  g_clear_object (&self->other_lines);
  g_clear_object (&self->change_lines);

  G_OBJECT_CLASS (agviz_comparison_parent_class)->dispose (object);
}

static void
agviz_comparison_class_init (AgvizComparisonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = agviz_comparison_dispose;

  /**
   * AgvizComparison::source-activated:
   * @file: the source file as the trace recorded it
   * @line: the line that created the variable
   */
  signals[SOURCE_ACTIVATED] = g_signal_new ("source-activated", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/agviz/Agviz/ui/agviz-comparison.ui");
  gtk_widget_class_bind_template_child (widget_class, AgvizComparison, summary);
  gtk_widget_class_bind_template_child (widget_class, AgvizComparison, first_column);
  gtk_widget_class_bind_template_child (widget_class, AgvizComparison, other_column);
  gtk_widget_class_bind_template_child (widget_class, AgvizComparison, changes_heading);
  gtk_widget_class_bind_template_child (widget_class, AgvizComparison, changes_list);
  gtk_widget_class_bind_template_callback (widget_class, on_line_activated);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "agviz-comparison");
}

static void
agviz_comparison_init (AgvizComparison *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->first_lines = g_list_store_new (AGVIZ_TYPE_COMPARISON_LINE);
  self->other_lines = g_list_store_new (AGVIZ_TYPE_COMPARISON_LINE);
  self->change_lines = g_list_store_new (AGVIZ_TYPE_COMPARISON_LINE);
  gtk_list_box_bind_model (self->changes_list, G_LIST_MODEL (self->change_lines), create_line_row, NULL, NULL);
  gtk_list_box_bind_model (self->first_column, G_LIST_MODEL (self->first_lines), create_line_row, NULL, NULL);
  gtk_list_box_bind_model (self->other_column, G_LIST_MODEL (self->other_lines), create_line_row, NULL, NULL);
}
