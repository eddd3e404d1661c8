/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-problems-list.c: the sidebar's list of the checks' findings */
#define G_LOG_DOMAIN "agviz-problems-list"

#include "config.h"

#include <glib/gi18n.h>

#include "agviz-label-text.h"
#include "agviz-problems-list.h"

struct _AgvizProblemsList
{
  GtkWidget     parent_instance;

  AgvizSession *session;
  GtkListView  *list_view;
};

G_DEFINE_FINAL_TYPE (AgvizProblemsList, agviz_problems_list, GTK_TYPE_WIDGET)

enum {
  PROBLEM_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           AgvizProblemsList        *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *message = gtk_label_new (NULL);
  GtkWidget *code = gtk_label_new (NULL);
  GtkWidget *where = gtk_label_new (NULL);

  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_label_set_xalign (GTK_LABEL (message), 0);
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (message), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (where), 0);
  gtk_label_set_ellipsize (GTK_LABEL (where), PANGO_ELLIPSIZE_START);
  gtk_widget_add_css_class (where, "dim-label");
  gtk_widget_add_css_class (where, "caption");
  gtk_label_set_xalign (GTK_LABEL (code), 0);
  gtk_label_set_ellipsize (GTK_LABEL (code), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (code, "monospace");
  gtk_widget_add_css_class (code, "caption");
  gtk_box_append (GTK_BOX (text), message);
  gtk_box_append (GTK_BOX (text), code);
  gtk_box_append (GTK_BOX (text), where);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), text);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          AgvizProblemsList        *self)
{
  AgvizDiagnostic *diagnostic = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *icon = gtk_widget_get_first_child (box);
  GtkWidget *text = gtk_widget_get_next_sibling (icon);
  GtkWidget *message = gtk_widget_get_first_child (text);
  GtkWidget *code = gtk_widget_get_next_sibling (message);
  GtkWidget *where = gtk_widget_get_next_sibling (code);
  const char *source_line = agviz_diagnostic_get_source_line (diagnostic);
  g_autoptr(GString) location = g_string_new (NULL);
  const char *icon_name;

  switch (agviz_diagnostic_get_severity (diagnostic))
    {
    case AGVIZ_DIAGNOSTIC_SEVERITY_ERROR: icon_name = "dialog-error-symbolic"; break;
    case AGVIZ_DIAGNOSTIC_SEVERITY_WARNING: icon_name = "dialog-warning-symbolic"; break;
    case AGVIZ_DIAGNOSTIC_SEVERITY_NOTE:
    default: icon_name = "dialog-information-symbolic"; break;
    }
  gtk_image_set_from_icon_name (GTK_IMAGE (icon), icon_name);
  agviz_label_set_from_text (GTK_LABEL (message), agviz_diagnostic_get_message (diagnostic));
  /* The line itself, read through the source folders mapped when the checks ran. */
  agviz_label_set_from_text (GTK_LABEL (code), source_line != NULL ? source_line : "");
  gtk_widget_set_visible (code, source_line != NULL && source_line[0] != '\0');
  if (agviz_diagnostic_get_file (diagnostic) != NULL)
    {
      g_autofree char *base = g_path_get_basename (agviz_diagnostic_get_file (diagnostic));
      g_string_append_printf (location, "%s:%d", base, agviz_diagnostic_get_line (diagnostic));
    }
  if (agviz_diagnostic_get_trace_ordinal (diagnostic) > 0)
    {
      if (location->len > 0)
        g_string_append (location, " · ");
      g_string_append_printf (location, _("trace %d"), agviz_diagnostic_get_trace_ordinal (diagnostic));
    }
  agviz_label_set_from_text (GTK_LABEL (where), location->str);
  gtk_widget_set_tooltip_text (box, agviz_diagnostic_get_fix (diagnostic));
}

static void
on_selection_changed (GtkSelectionModel *model,
                      guint              position,
                      guint              n_items,
                      AgvizProblemsList *self)
{
  guint selected = gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (model));

  if (selected != GTK_INVALID_LIST_POSITION)
    g_signal_emit (self, signals[PROBLEM_SELECTED], 0, selected);
}

void
agviz_problems_list_reload (AgvizProblemsList *self)
{
  AgvizDocument *document;
  g_autoptr(GtkSingleSelection) selection = NULL;

  g_return_if_fail (AGVIZ_IS_PROBLEMS_LIST (self));

  document = self->session != NULL ? agviz_session_get_document (self->session) : NULL;
  if (document == NULL)
    {
      gtk_list_view_set_model (self->list_view, NULL);
      return;
    }
  selection = gtk_single_selection_new (g_object_ref (agviz_document_get_diagnostics (document)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect (selection, "selection-changed", G_CALLBACK (on_selection_changed), self);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
}

void
agviz_problems_list_select (AgvizProblemsList *self,
                            guint              position)
{
  GtkSelectionModel *model;

  g_return_if_fail (AGVIZ_IS_PROBLEMS_LIST (self));

  model = gtk_list_view_get_model (self->list_view);
  g_return_if_fail (model != NULL);
  gtk_selection_model_select_item (model, position, TRUE);
}

static void
on_document_changed (AgvizSession      *session,
                     GParamSpec        *pspec,
                     AgvizProblemsList *self)
{
  agviz_problems_list_reload (self);
}

void
agviz_problems_list_set_session (AgvizProblemsList *self,
                                 AgvizSession      *session)
{
  g_return_if_fail (AGVIZ_IS_PROBLEMS_LIST (self));

  agviz_session_follow (&self->session, session, self);
  if (session != NULL)
    g_signal_connect (session, "notify::document", G_CALLBACK (on_document_changed), self);
  agviz_problems_list_reload (self);
}

static void
agviz_problems_list_dispose (GObject *object)
{
  AgvizProblemsList *self = AGVIZ_PROBLEMS_LIST (object);

  agviz_session_follow (&self->session, NULL, self);
  agviz_panel_dispose_template (GTK_WIDGET (self), AGVIZ_TYPE_PROBLEMS_LIST);

  G_OBJECT_CLASS (agviz_problems_list_parent_class)->dispose (object);
}

static void
agviz_problems_list_class_init (AgvizProblemsListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = agviz_problems_list_dispose;

  /**
   * AgvizProblemsList::problem-selected:
   * @position: where the finding is in the document's diagnostics
   */
  signals[PROBLEM_SELECTED] = g_signal_new ("problem-selected", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/agviz/Agviz/ui/agviz-problems-list.ui");
  gtk_widget_class_bind_template_child (widget_class, AgvizProblemsList, list_view);
  gtk_widget_class_bind_template_callback (widget_class, setup_row);
  gtk_widget_class_bind_template_callback (widget_class, bind_row);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "agviz-problems-list");
}

static void
agviz_problems_list_init (AgvizProblemsList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
