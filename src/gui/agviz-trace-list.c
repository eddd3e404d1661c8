/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-trace-list.c: the sidebar's list of functions and their traces */
#define G_LOG_DOMAIN "agviz-trace-list"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "agviz-label-text.h"
#include "agviz-text.h"
#include "agviz-trace-list.h"

/* One row of the list: a module of the module tree (object set), a function's header (trace
 * NULL) or one of its traces.  All point into the document, which the entry keeps alive.  With a
 * module tree the rows are its pre-order, each at its depth: a row is under the rows before it
 * that are less deep. */
#define AGVIZ_TYPE_TRACE_LIST_ENTRY (agviz_trace_list_entry_get_type ())
G_DECLARE_FINAL_TYPE (AgvizTraceListEntry, agviz_trace_list_entry, AGVIZ, TRACE_LIST_ENTRY, GObject)

struct _AgvizTraceListEntry
{
  GObject        parent_instance;

  AgvizDocument     *document;
  AgvizFunction     *function;
  AgvizTrace        *trace;
  const AgvizObject *object;
  const char        *local_name;  /* a function's name in the tree, else NULL */
  char              *path;        /* in the tree: the path searched ("model/block/project") */
  guint              depth;
  gboolean           collapsed;   /* modules and functions: their rows below are hidden */
  gboolean           visible;
};

G_DEFINE_FINAL_TYPE (AgvizTraceListEntry, agviz_trace_list_entry, G_TYPE_OBJECT)

static void
agviz_trace_list_entry_finalize (GObject *object)
{
  g_clear_object (&AGVIZ_TRACE_LIST_ENTRY (object)->document);
  g_free (AGVIZ_TRACE_LIST_ENTRY (object)->path);
  G_OBJECT_CLASS (agviz_trace_list_entry_parent_class)->finalize (object);
}

static void
agviz_trace_list_entry_class_init (AgvizTraceListEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = agviz_trace_list_entry_finalize;
}

static void
agviz_trace_list_entry_init (AgvizTraceListEntry *self)
{
}

static AgvizTraceListEntry *
agviz_trace_list_entry_new (AgvizDocument *document,
                            AgvizFunction *function,
                            AgvizTrace    *trace)
{
  AgvizTraceListEntry *self = g_object_new (AGVIZ_TYPE_TRACE_LIST_ENTRY, NULL);

  self->document = g_object_ref (document);
  self->function = function;
  self->trace = trace;
  self->visible = TRUE;
  return self;
}

struct _AgvizTraceList
{
  GtkWidget     parent_instance;

  AgvizSession   *session;
  GListStore     *entries;   /* AgvizTraceListEntry, in the order of the rows */
  GtkListBox     *list_box;
  GtkSearchEntry *search_entry;
};

G_DEFINE_FINAL_TYPE (AgvizTraceList, agviz_trace_list, GTK_TYPE_WIDGET)

enum {
  TRACE_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GtkWidget *
make_badge (const char *text,
            const char *css_class,
            const char *tooltip)
{
  GtkWidget *badge = gtk_label_new (text);

  gtk_widget_add_css_class (badge, "badge");
  gtk_widget_add_css_class (badge, css_class);
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (badge, tooltip);
  return badge;
}

/* Rows of the module tree are indented by depth, and a module or function row folds what is under
 * it when activated. */
#define INDENT_PER_DEPTH 12

static GtkWidget *
make_module_row (AgvizTraceListEntry *entry)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *name = agviz_label_new_for_text (entry->object->name);

  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_add_css_class (row, "module-header");
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name, "heading");
  gtk_widget_set_tooltip_text (name, entry->path);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (entry->collapsed
                                                                 ? "pan-end-symbolic"
                                                                 : "pan-down-symbolic"));
  gtk_box_append (GTK_BOX (box), name);
  if (*entry->object->kind != '\0')
    {
      GtkWidget *kind = agviz_label_new_for_text (entry->object->kind);

      gtk_label_set_ellipsize (GTK_LABEL (kind), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (kind, "dim-label");
      gtk_widget_add_css_class (kind, "caption");
      gtk_box_append (GTK_BOX (box), kind);
    }
  gtk_widget_set_margin_start (box, (int) entry->depth * INDENT_PER_DEPTH);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static GtkWidget *
make_function_header (AgvizTraceListEntry *entry)
{
  AgvizFunction *function = entry->function;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *name = agviz_label_new_for_text (entry->local_name != NULL ? entry->local_name
                                                                        : function->name);

  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), entry->path != NULL);
  if (entry->path != NULL)
    gtk_widget_set_tooltip_text (name, entry->path);
  gtk_widget_add_css_class (row, "function-header");
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name, "heading");
  gtk_box_append (GTK_BOX (box), name);
  if (function->file != NULL)
    {
      g_autofree char *base = g_path_get_basename (function->file);
      g_autofree char *where = g_strdup_printf ("%s:%d", base, function->line);
      g_autofree char *tooltip = agviz_label_text (function->file, AGVIZ_LABEL_TEXT_MAX_CHARS);
      GtkWidget *location = agviz_label_new_for_text (where);

      gtk_label_set_xalign (GTK_LABEL (location), 0);
      gtk_widget_add_css_class (location, "dim-label");
      gtk_widget_add_css_class (location, "caption");
      gtk_widget_set_tooltip_text (location, tooltip);
      gtk_box_append (GTK_BOX (box), location);
    }
  gtk_widget_set_margin_start (box, (int) entry->depth * INDENT_PER_DEPTH);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static GtkWidget *
make_trace_row (AgvizDocument *document,
                AgvizTrace    *trace,
                guint          depth)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  g_autofree char *title = g_strdup_printf (_("Trace %d"), trace->ordinal);
  g_autoptr(GString) details = g_string_new (NULL);
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *details_label;
  int worst = -1;
  guint n_diagnostics = agviz_document_count_diagnostics (document, trace->id, &worst);

  /* "%lld" rather than G_GINT64_FORMAT: xgettext cannot see through the macro. */
  g_string_append_printf (details, g_dngettext (GETTEXT_PACKAGE, "%lld node", "%lld nodes",
                                                trace->node_count),
                          (long long) trace->node_count);
  if (trace->execution_count > 0)
    {
      g_string_append (details, " · ");
      g_string_append_printf (details, g_dngettext (GETTEXT_PACKAGE, "%lld call", "%lld calls",
                                                    trace->execution_count),
                              (long long) trace->execution_count);
    }
  if (trace->wall_ns > 0)
    {
      g_autofree char *traced = agviz_format_duration (trace->wall_ns, AGVIZ_DURATION_DISPLAY);
      g_string_append (details, " · ");
      /* Translators: %s is how long tracing took, "3.1 ms" */
      g_string_append_printf (details, _("traced in %s"), traced);
    }

  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  details_label = gtk_label_new (details->str);
  gtk_label_set_xalign (GTK_LABEL (details_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (details_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (details_label, "dim-label");
  gtk_widget_add_css_class (details_label, "caption");
  gtk_box_append (GTK_BOX (text), title_label);
  gtk_box_append (GTK_BOX (text), details_label);
  /* How Python calls the trace, when the source says (a SavedModel's concrete functions): it is
   * what the user wrote, where the graph's own signature also lists the captured resources. */
  if (trace->call_signature != NULL ||
      (trace->signature != NULL && trace->signature[0] != '\0'))
    {
      GtkWidget *signature = agviz_label_new_for_text (trace->call_signature != NULL
                                                         ? trace->call_signature
                                                         : trace->signature);

      gtk_label_set_xalign (GTK_LABEL (signature), 0);
      gtk_label_set_ellipsize (GTK_LABEL (signature), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (signature, "dim-label");
      gtk_widget_add_css_class (signature, "caption");
      gtk_widget_add_css_class (signature, "monospace");
      gtk_box_append (GTK_BOX (text), signature);
    }
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), text);

  /* Translators: badges of a trace in the sidebar, its status */
  if (trace->status == AGVIZ_TRACE_STATUS_FAILED)
    gtk_box_append (GTK_BOX (box), make_badge (_("failed"), "error",
                                               _("Tracing raised an error")));
  else if (trace->status == AGVIZ_TRACE_STATUS_RECORDING)
    gtk_box_append (GTK_BOX (box), make_badge (_("recording"), "note",
                                               _("The end of this trace was not recorded")));
  if (n_diagnostics > 0)
    {
      g_autofree char *count = g_strdup_printf ("%u", n_diagnostics);
      g_autofree char *tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u problem found",
                                                               "%u problems found", n_diagnostics),
                                                  n_diagnostics);
      const char *css = worst == AGVIZ_DIAGNOSTIC_SEVERITY_ERROR ? "error"
                        : worst == AGVIZ_DIAGNOSTIC_SEVERITY_WARNING ? "warning" : "note";

      gtk_box_append (GTK_BOX (box), make_badge (count, css, tooltip));
    }

  gtk_widget_set_margin_start (box, 8 + (int) depth * INDENT_PER_DEPTH);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "agviz-trace-id", g_memdup2 (&trace->id, sizeof trace->id),
                          g_free);
  return row;
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  AgvizTraceListEntry *entry = item;

  if (entry->object != NULL)
    return make_module_row (entry);
  return entry->trace != NULL ? make_trace_row (entry->document, entry->trace, entry->depth)
                              : make_function_header (entry);
}

static gint64
row_trace_id (AgvizTraceList *self,
              GtkListBoxRow  *row)
{
  g_autoptr(AgvizTraceListEntry) entry = NULL;

  if (row == NULL)
    return 0;
  entry = g_list_model_get_item (G_LIST_MODEL (self->entries), gtk_list_box_row_get_index (row));
  return entry != NULL && entry->trace != NULL ? entry->trace->id : 0;
}

gint64
agviz_trace_list_get_selected_trace_id (AgvizTraceList *self)
{
  g_return_val_if_fail (AGVIZ_IS_TRACE_LIST (self), 0);
  return row_trace_id (self, gtk_list_box_get_selected_row (self->list_box));
}

static void
select_trace_row (AgvizTraceList *self,
                  gint64          trace_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->entries));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AgvizTraceListEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->entries), i);

      if (entry->trace != NULL && entry->trace->id == trace_id)
        {
          gtk_list_box_select_row (self->list_box, gtk_list_box_get_row_at_index (self->list_box, (int) i));
          return;
        }
    }
}

static void
on_row_selected (GtkListBox     *list,
                 GtkListBoxRow  *row,
                 AgvizTraceList *self)
{
  gint64 trace_id = row_trace_id (self, row);

  if (trace_id != 0 && self->session != NULL && trace_id != agviz_session_get_trace_id (self->session))
    g_signal_emit (self, signals[TRACE_SELECTED], 0, trace_id);
}

static gboolean
entry_is_branch (AgvizTraceListEntry *entry)
{
  return entry->path != NULL && entry->trace == NULL;
}

/* Which rows show: with a search, the rows whose path matches and the rows above them; without,
 * every row not under a folded one. */
static void
update_visibility (AgvizTraceList *self)
{
  const char *text = self->search_entry != NULL
                       ? gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) : "";
  g_autofree char *needle = g_utf8_casefold (text, -1);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->entries));
  g_autoptr(GPtrArray) above = g_ptr_array_new ();   /* the branches the row is under */
  guint folded_depth = G_MAXUINT;

  for (guint i = 0; i < n; i++)
    {
      AgvizTraceListEntry *entry = g_list_model_get_item (G_LIST_MODEL (self->entries), i);

      g_object_unref (entry);   /* the store keeps it */
      if (entry->path == NULL)
        {
          entry->visible = TRUE;
          continue;
        }
      while (above->len > 0 &&
             ((AgvizTraceListEntry *) g_ptr_array_index (above, above->len - 1))->depth >= entry->depth)
        g_ptr_array_set_size (above, above->len - 1);
      if (*needle != '\0')
        {
          g_autofree char *path = g_utf8_casefold (entry->path, -1);

          entry->visible = strstr (path, needle) != NULL;
          for (guint a = 0; entry->visible && a < above->len; a++)
            ((AgvizTraceListEntry *) g_ptr_array_index (above, a))->visible = TRUE;
        }
      else
        {
          if (entry->depth <= folded_depth)
            folded_depth = entry_is_branch (entry) && entry->collapsed ? entry->depth : G_MAXUINT;
          entry->visible = entry->depth <= folded_depth;
        }
      if (entry_is_branch (entry))
        g_ptr_array_add (above, entry);
    }
  /* A list box bound to a model ignores filter functions: the rows are hidden one by one. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AgvizTraceListEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->entries), i);
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list_box, (int) i);

      if (row != NULL)
        gtk_widget_set_visible (GTK_WIDGET (row), entry->visible);
    }
}

static void
add_function_rows (GPtrArray     *rows,
                   AgvizDocument *document,
                   AgvizFunction *function,
                   const char    *local_name,
                   const char    *path,
                   guint          depth)
{
  AgvizTraceListEntry *header = agviz_trace_list_entry_new (document, function, NULL);

  header->local_name = local_name;
  header->path = g_strdup (path);
  header->depth = depth;
  g_ptr_array_add (rows, header);
  for (guint t = 0; t < function->traces->len; t++)
    {
      AgvizTraceListEntry *row = agviz_trace_list_entry_new (document, function,
                                                             g_ptr_array_index (function->traces, t));
      /* A trace is found by its graph's name too. */
      row->path = path != NULL ? g_strdup_printf ("%s/%s", path, row->trace->graph_name) : NULL;
      row->depth = depth + 1;
      g_ptr_array_add (rows, row);
    }
}

typedef struct
{
  const AgvizObject *object;
  guint              depth;
  char              *parent_path;
} PendingObject;

/* The module tree in pre-order (children in the source's order), each function object as its
 * function's rows; then the functions no object holds, as the flat list has them. */
static void
add_tree_rows (GPtrArray     *rows,
               AgvizDocument *document,
               GPtrArray     *objects,
               GPtrArray     *functions)
{
  g_autoptr(GHashTable) children = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                          (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) function_of = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (PendingObject));
  static const gint64 no_parent = 0;
  GPtrArray *roots;

  for (guint i = 0; i < objects->len; i++)
    {
      const AgvizObject *object = g_ptr_array_index (objects, i);
      GPtrArray *siblings = g_hash_table_lookup (children, &object->parent_id);

      if (siblings == NULL)
        g_hash_table_insert (children, (gpointer) &object->parent_id, siblings = g_ptr_array_new ());
      g_ptr_array_add (siblings, (gpointer) object);
    }
  for (guint f = 0; f < functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (functions, f);
      if (function->object_id != 0)
        g_hash_table_insert (function_of, &function->object_id, function);
    }

  roots = g_hash_table_lookup (children, &no_parent);
  for (guint i = roots != NULL ? roots->len : 0; i > 0; i--)
    {
      PendingObject pending = { g_ptr_array_index (roots, i - 1), 0, NULL };
      g_array_append_val (stack, pending);
    }
  while (stack->len > 0)
    {
      PendingObject pending = g_array_index (stack, PendingObject, stack->len - 1);
      g_autofree char *parent_path = pending.parent_path;
      g_autofree char *path = parent_path != NULL
                                ? g_strconcat (parent_path, "/", pending.object->name, NULL)
                                : g_strdup (pending.object->name);
      AgvizFunction *function = g_hash_table_lookup (function_of, &pending.object->id);
      GPtrArray *below = g_hash_table_lookup (children, &pending.object->id);

      g_array_set_size (stack, stack->len - 1);
      if (function != NULL)
        add_function_rows (rows, document, function, pending.object->name, path, pending.depth);
      else
        {
          AgvizTraceListEntry *module = agviz_trace_list_entry_new (document, NULL, NULL);

          module->object = pending.object;
          module->path = g_strdup (path);
          module->depth = pending.depth;
          g_ptr_array_add (rows, module);
        }
      /* A depth no real model reaches; a hand-made cycle would otherwise never end. */
      for (guint i = below != NULL && pending.depth < 4096 ? below->len : 0; i > 0; i--)
        {
          PendingObject child = { g_ptr_array_index (below, i - 1), pending.depth + 1,
                                  g_strdup (path) };
          g_array_append_val (stack, child);
        }
    }

  for (guint f = 0; f < functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (functions, f);

      if (function->object_id == 0)
        add_function_rows (rows, document, function, NULL, function->name, 0);
    }
}

void
agviz_trace_list_reload (AgvizTraceList *self)
{
  AgvizDocument *document;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean has_tree = FALSE;

  g_return_if_fail (AGVIZ_IS_TRACE_LIST (self));

  document = self->session != NULL ? agviz_session_get_document (self->session) : NULL;
  if (document != NULL)
    {
      GPtrArray *functions = agviz_document_get_functions (document);
      GPtrArray *objects = agviz_document_get_objects (document);

      has_tree = objects->len > 0;
      if (has_tree)
        add_tree_rows (rows, document, objects, functions);
      else
        for (guint f = 0; f < functions->len; f++)
          add_function_rows (rows, document, g_ptr_array_index (functions, f), NULL, NULL, 0);
    }
  /* Files without a module tree keep the flat list, which needs no search of its own. */
  gtk_widget_set_visible (GTK_WIDGET (self->search_entry), has_tree);
  /* All rows at once: the list box makes its rows in one go, not one reordering per entry. */
  g_list_store_splice (self->entries, 0, g_list_model_get_n_items (G_LIST_MODEL (self->entries)),
                       rows->pdata, rows->len);
  update_visibility (self);
  if (self->session != NULL && agviz_session_get_trace_id (self->session) != 0)
    select_trace_row (self, agviz_session_get_trace_id (self->session));
}

static void
on_row_activated (GtkListBox     *list,
                  GtkListBoxRow  *row,
                  AgvizTraceList *self)
{
  guint index = (guint) gtk_list_box_row_get_index (row);
  g_autoptr(AgvizTraceListEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->entries), index);

  if (entry == NULL || !entry_is_branch (entry))
    return;
  entry->collapsed = !entry->collapsed;
  /* The module row's arrow shows the state: the store hands out a new row for it. */
  g_list_store_splice (self->entries, index, 1, (gpointer *) &entry, 1);
  update_visibility (self);
}

/* On every change, not GtkSearchEntry's delayed ::search-changed: showing and hiding the rows
 * costs less than a redraw. */
static void
on_search_changed (GtkEditable    *entry,
                   AgvizTraceList *self)
{
  update_visibility (self);
}

static void
on_document_changed (AgvizSession   *session,
                     GParamSpec     *pspec,
                     AgvizTraceList *self)
{
  agviz_trace_list_reload (self);
}

static void
on_trace_changed (AgvizSession   *session,
                  GParamSpec     *pspec,
                  AgvizTraceList *self)
{
  select_trace_row (self, agviz_session_get_trace_id (session));
}

void
agviz_trace_list_set_session (AgvizTraceList *self,
                              AgvizSession   *session)
{
  g_return_if_fail (AGVIZ_IS_TRACE_LIST (self));

  agviz_session_follow (&self->session, session, self);
  if (session != NULL)
    {
      g_signal_connect (session, "notify::document", G_CALLBACK (on_document_changed), self);
      g_signal_connect (session, "notify::trace-id", G_CALLBACK (on_trace_changed), self);
    }
  agviz_trace_list_reload (self);
}

static void
agviz_trace_list_dispose (GObject *object)
{
  AgvizTraceList *self = AGVIZ_TRACE_LIST (object);

  agviz_session_follow (&self->session, NULL, self);
  agviz_panel_dispose_template (GTK_WIDGET (self), AGVIZ_TYPE_TRACE_LIST);
  g_clear_object (&self->entries);

  G_OBJECT_CLASS (agviz_trace_list_parent_class)->dispose (object);
}

static void
agviz_trace_list_class_init (AgvizTraceListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = agviz_trace_list_dispose;

  /**
   * AgvizTraceList::trace-selected:
   * @trace_id: the trace whose row was selected
   */
  signals[TRACE_SELECTED] = g_signal_new ("trace-selected", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/agviz/Agviz/ui/agviz-trace-list.ui");
  gtk_widget_class_bind_template_child (widget_class, AgvizTraceList, list_box);
  gtk_widget_class_bind_template_child (widget_class, AgvizTraceList, search_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_row_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "agviz-trace-list");
}

static void
agviz_trace_list_init (AgvizTraceList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->entries = g_list_store_new (AGVIZ_TYPE_TRACE_LIST_ENTRY);
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->entries), create_row, self, NULL);
}
