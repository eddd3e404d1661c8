/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-search-panel.c: the node search of the session's trace */
#define G_LOG_DOMAIN "agviz-search-panel"

#include "config.h"

#include <glib/gi18n.h>

#include "agviz-label-text.h"
#include "agviz-search-panel.h"

#define MAX_SEARCH_RESULTS 200

/* One result: what the worker thread's AgvizSearchHit says, as an item of the results' model. */
#define AGVIZ_TYPE_SEARCH_RESULT (agviz_search_result_get_type ())
G_DECLARE_FINAL_TYPE (AgvizSearchResult, agviz_search_result, AGVIZ, SEARCH_RESULT, GObject)

struct _AgvizSearchResult
{
  GObject             parent_instance;

  char               *path;
  char               *op_type;  /* NULL for a scope */
  AgvizSearchHitKind  kind;
};

G_DEFINE_FINAL_TYPE (AgvizSearchResult, agviz_search_result, G_TYPE_OBJECT)

static void
agviz_search_result_finalize (GObject *object)
{
  AgvizSearchResult *self = AGVIZ_SEARCH_RESULT (object);

  g_free (self->path);
  g_free (self->op_type);
  G_OBJECT_CLASS (agviz_search_result_parent_class)->finalize (object);
}

static void
agviz_search_result_class_init (AgvizSearchResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = agviz_search_result_finalize;
}

static void
agviz_search_result_init (AgvizSearchResult *self)
{
}

static AgvizSearchResult *
agviz_search_result_new (const AgvizSearchHit *hit)
{
  AgvizSearchResult *self = g_object_new (AGVIZ_TYPE_SEARCH_RESULT, NULL);

  self->path = g_strdup (hit->path);
  self->op_type = g_strdup (hit->op_type);
  self->kind = hit->kind;
  return self;
}

struct _AgvizSearchPanel
{
  GtkWidget       parent_instance;

  AgvizSession   *session;
  GListStore     *results_model;  /* AgvizSearchResult */
  GCancellable   *searching;      /* set while a search runs in its worker thread */
  gboolean        select_first;   /* show the first result when it comes */
  gboolean        truncated;      /* the last search stopped at its limit */
  guint           n_searches;     /* finished searches, for tests */

  GtkSearchEntry *entry;
  GtkLabel       *status;
  GtkWidget      *results_scroller;
  GtkListBox     *results;
};

G_DEFINE_FINAL_TYPE (AgvizSearchPanel, agviz_search_panel, GTK_TYPE_WIDGET)

/* The search reads the store (agviz-search.h) in a worker thread, on a connection of its own: a
 * big trace is loaded one scope at a time, so the scene cannot answer it, and reading a whole
 * trace's names is too slow for the main loop.  GtkSearchEntry's search-delay debounces typing;
 * a new query cancels the search still running, and a result that comes back for an older query
 * is dropped. */

typedef struct
{
  char   *path;
  gint64  trace_id;
  char   *query;
} SearchRequest;

typedef struct
{
  GPtrArray *hits;       /* AgvizSearchHit */
  gboolean   truncated;
} SearchResult;

static void
search_request_free (SearchRequest *request)
{
  g_free (request->path);
  g_free (request->query);
  g_free (request);
}

static void
search_result_free (SearchResult *result)
{
  g_clear_pointer (&result->hits, g_ptr_array_unref);
  g_free (result);
}

static void
search_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SearchRequest *request = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = agviz_store_open (request->path, AGVIZ_STORE_FLAGS_NONE, &error);
  SearchResult *result;
  GPtrArray *hits;
  gboolean truncated = FALSE;

  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  hits = agviz_search_trace (store, request->trace_id, request->query, MAX_SEARCH_RESULTS,
                             &truncated, cancellable, &error);
  if (hits == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  result = g_new0 (SearchResult, 1);
  result->hits = hits;
  result->truncated = truncated;
  g_task_return_pointer (task, result, (GDestroyNotify) search_result_free);
}

static GtkWidget *
create_result_row (gpointer item,
                   gpointer user_data)
{
  AgvizSearchResult *result = item;
  /* Translators: a search result that is a name scope, not an op */
  g_autofree char *text = g_strdup_printf ("%s  (%s)", result->path,
                                           result->op_type != NULL ? result->op_type : _("scope"));
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = agviz_label_new_for_text (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_START);
  gtk_widget_set_tooltip_text (label, text);
  gtk_widget_set_margin_start (label, 8);
  gtk_widget_set_margin_end (label, 8);
  gtk_widget_set_margin_top (label, 4);
  gtk_widget_set_margin_bottom (label, 4);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  return row;
}

static void
clear_results (AgvizSearchPanel *self)
{
  g_list_store_remove_all (self->results_model);
  gtk_widget_set_visible (self->results_scroller, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->status), FALSE);
  self->truncated = FALSE;
}

static void
show_status (AgvizSearchPanel *self,
             const char       *text)
{
  gtk_label_set_text (self->status, text);
  gtk_widget_set_visible (GTK_WIDGET (self->status), TRUE);
}

/* Asks the session to show the result at @position, reading the scopes on its path when they
 * are not loaded yet; a warning when the scene does not have it. */
static void
show_result (AgvizSearchPanel *self,
             guint             position)
{
  g_autoptr(AgvizSearchResult) result = g_list_model_get_item (G_LIST_MODEL (self->results_model), position);
  AgvizScene *scene = self->session != NULL ? agviz_session_get_scene (self->session) : NULL;
  g_autoptr(GError) error = NULL;
  AgvizSceneItem *item;

  if (result == NULL || scene == NULL)
    return;
  item = result->kind == AGVIZ_SEARCH_HIT_OP ? agviz_scene_find_node (scene, result->path, &error)
                                             : agviz_scene_find (scene, result->path, &error);
  if (item == NULL)
    g_warning ("Search result %s is not in the graph: %s", result->path, error->message);
  else
    agviz_session_show_item (self->session, item);
}

static void
on_result_activated (GtkListBox       *list,
                     GtkListBoxRow    *row,
                     AgvizSearchPanel *self)
{
  show_result (self, gtk_list_box_row_get_index (row));
}

static void
on_search_done (GObject      *source_object,
                GAsyncResult *async_result,
                gpointer      user_data)
{
  AgvizSearchPanel *self = AGVIZ_SEARCH_PANEL (source_object);
  GTask *task = G_TASK (async_result);
  g_autoptr(GError) error = NULL;
  SearchResult *result = g_task_propagate_pointer (task, &error);
  g_autoptr(GPtrArray) items = NULL;

  /* Cancelled, or overtaken by a newer query: that one shows its own results. */
  if (g_task_get_cancellable (task) != self->searching)
    {
      g_clear_pointer (&result, search_result_free);
      return;
    }
  g_clear_object (&self->searching);
  self->n_searches++;
  clear_results (self);
  if (result == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Search failed: %s"), error->message);
      show_status (self, text);
      self->select_first = FALSE;
      return;
    }

  items = g_ptr_array_new_full (result->hits->len, g_object_unref);
  for (guint i = 0; i < result->hits->len; i++)
    g_ptr_array_add (items, agviz_search_result_new (g_ptr_array_index (result->hits, i)));
  g_list_store_splice (self->results_model, 0, 0, items->pdata, items->len);
  self->truncated = result->truncated;
  gtk_widget_set_visible (self->results_scroller, result->hits->len > 0);
  if (result->hits->len == 0)
    show_status (self, _("No matching nodes in this trace"));
  else if (result->truncated)
    {
      /* Translators: the search stopped at this many results; only those are listed */
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "More than %u result: type more to narrow the search",
                                                            "More than %u results: type more to narrow the search",
                                                            result->hits->len),
                                               result->hits->len);
      show_status (self, text);
    }

  if (self->select_first && result->hits->len > 0)
    show_result (self, 0);
  self->select_first = FALSE;
  search_result_free (result);
}

static void
start_search (AgvizSearchPanel *self,
              const char       *query,
              gboolean          select_first)
{
  g_autoptr(GTask) task = NULL;
  SearchRequest *request;

  if (self->searching != NULL)
    g_cancellable_cancel (self->searching);
  g_clear_object (&self->searching);
  clear_results (self);
  self->select_first = FALSE;
  if (self->session == NULL)
    return;
  agviz_session_set_search_text (self->session, query);
  if (agviz_session_get_scene (self->session) == NULL || query == NULL || query[0] == '\0')
    return;

  request = g_new0 (SearchRequest, 1);
  request->path = g_strdup (agviz_store_get_path (agviz_document_get_store (agviz_session_get_document (self->session))));
  request->trace_id = agviz_session_get_trace_id (self->session);
  request->query = g_strdup (query);
  self->searching = g_cancellable_new ();
  self->select_first = select_first;
  task = g_task_new (self, self->searching, on_search_done, NULL);
  g_task_set_source_tag (task, start_search);
  g_task_set_task_data (task, request, (GDestroyNotify) search_request_free);
  g_task_run_in_thread (task, search_thread);
}

static void
on_search_changed (GtkSearchEntry   *entry,
                   AgvizSearchPanel *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  /* The entry says so after its delay also when the text was set along with a search (a click
   * on a source line): that search is already running or done. */
  if (self->session != NULL && g_strcmp0 (text, agviz_session_get_search_text (self->session)) == 0)
    return;
  start_search (self, text, FALSE);
}

static void
on_search_activate (GtkSearchEntry   *entry,
                    AgvizSearchPanel *self)
{
  /* Enter before the results are in: show the first one when they come. */
  if (self->searching != NULL)
    self->select_first = TRUE;
  else
    show_result (self, 0);
}

void
agviz_search_panel_search (AgvizSearchPanel *self,
                           const char       *query,
                           gboolean          select_first)
{
  g_return_if_fail (AGVIZ_IS_SEARCH_PANEL (self));

  g_signal_handlers_block_by_func (self->entry, on_search_changed, self);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), query != NULL ? query : "");
  g_signal_handlers_unblock_by_func (self->entry, on_search_changed, self);
  start_search (self, query, select_first);
}

void
agviz_search_panel_refresh (AgvizSearchPanel *self)
{
  g_return_if_fail (AGVIZ_IS_SEARCH_PANEL (self));
  start_search (self, gtk_editable_get_text (GTK_EDITABLE (self->entry)), FALSE);
}

void
agviz_search_panel_set_session (AgvizSearchPanel *self,
                                AgvizSession     *session)
{
  g_return_if_fail (AGVIZ_IS_SEARCH_PANEL (self));
  g_return_if_fail (session == NULL || AGVIZ_IS_SESSION (session));

  g_set_object (&self->session, session);
}

GtkEditable *
agviz_search_panel_get_entry (AgvizSearchPanel *self)
{
  g_return_val_if_fail (AGVIZ_IS_SEARCH_PANEL (self), NULL);
  return GTK_EDITABLE (self->entry);
}

gboolean
agviz_search_panel_is_searching (AgvizSearchPanel *self)
{
  g_return_val_if_fail (AGVIZ_IS_SEARCH_PANEL (self), FALSE);
  return self->searching != NULL;
}

guint
agviz_search_panel_get_n_searches (AgvizSearchPanel *self)
{
  g_return_val_if_fail (AGVIZ_IS_SEARCH_PANEL (self), 0);
  return self->n_searches;
}

guint
agviz_search_panel_get_n_results (AgvizSearchPanel *self)
{
  g_return_val_if_fail (AGVIZ_IS_SEARCH_PANEL (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->results_model));
}

gboolean
agviz_search_panel_get_truncated (AgvizSearchPanel *self)
{
  g_return_val_if_fail (AGVIZ_IS_SEARCH_PANEL (self), FALSE);
  return self->truncated;
}

const char *
agviz_search_panel_get_status (AgvizSearchPanel *self)
{
  g_return_val_if_fail (AGVIZ_IS_SEARCH_PANEL (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->status)) ? gtk_label_get_text (self->status) : NULL;
}

static void
agviz_search_panel_dispose (GObject *object)
{
  AgvizSearchPanel *self = AGVIZ_SEARCH_PANEL (object);

  if (self->searching != NULL)
    g_cancellable_cancel (self->searching);
  g_clear_object (&self->searching);
  agviz_panel_dispose_template (GTK_WIDGET (self), AGVIZ_TYPE_SEARCH_PANEL);
  g_clear_object (&self->session);
  g_clear_object (&self->results_model);

  G_OBJECT_CLASS (agviz_search_panel_parent_class)->dispose (object);
}

static void
agviz_search_panel_class_init (AgvizSearchPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = agviz_search_panel_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/agviz/Agviz/ui/agviz-search-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, AgvizSearchPanel, entry);
  gtk_widget_class_bind_template_child (widget_class, AgvizSearchPanel, status);
  gtk_widget_class_bind_template_child (widget_class, AgvizSearchPanel, results_scroller);
  gtk_widget_class_bind_template_child (widget_class, AgvizSearchPanel, results);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_result_activated);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "agviz-search-panel");
}

static void
agviz_search_panel_init (AgvizSearchPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->results_model = g_list_store_new (AGVIZ_TYPE_SEARCH_RESULT);
  gtk_list_box_bind_model (self->results, G_LIST_MODEL (self->results_model), create_result_row, NULL, NULL);
}
