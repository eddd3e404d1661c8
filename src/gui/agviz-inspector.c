/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-inspector.c: the inspector panel (see agviz-inspector.h) */
#define G_LOG_DOMAIN "agviz-inspector"

#include "config.h"

#include <glib/gi18n.h>

#include "agviz-inspector.h"
#include "agviz-label-text.h"
#include "agviz-session.h"

struct _AgvizInspector
{
  GtkWidget  parent_instance;

  GtkWidget *title;
  GtkWidget *subtitle;
  GtkWidget *content;       /* rebuilt on every selection */
  GtkWidget *placeholder;
  char      *op_type;
};

enum {
  NODE_ACTIVATED,
  FRAME_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AgvizInspector, agviz_inspector, GTK_TYPE_WIDGET)

static void
agviz_inspector_dispose (GObject *object)
{
  AgvizInspector *self = AGVIZ_INSPECTOR (object);

  agviz_panel_dispose_template (GTK_WIDGET (self), AGVIZ_TYPE_INSPECTOR);
  g_clear_pointer (&self->op_type, g_free);

  G_OBJECT_CLASS (agviz_inspector_parent_class)->dispose (object);
}

static void
agviz_inspector_class_init (AgvizInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = agviz_inspector_dispose;

  signals[NODE_ACTIVATED] = g_signal_new ("node-activated", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[FRAME_ACTIVATED] = g_signal_new ("frame-activated", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/agviz/Agviz/ui/agviz-inspector.ui");
  gtk_widget_class_bind_template_child (widget_class, AgvizInspector, title);
  gtk_widget_class_bind_template_child (widget_class, AgvizInspector, subtitle);
  gtk_widget_class_bind_template_child (widget_class, AgvizInspector, content);
  gtk_widget_class_bind_template_child (widget_class, AgvizInspector, placeholder);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "agviz-inspector");
}

static void
agviz_inspector_init (AgvizInspector *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
clear_content (AgvizInspector *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->content)) != NULL)
    gtk_box_remove (GTK_BOX (self->content), child);
}

static GtkWidget *
add_heading (AgvizInspector *self,
             const char     *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 12);
  gtk_box_append (GTK_BOX (self->content), label);
  return label;
}

static GtkWidget *
add_grid (AgvizInspector *self)
{
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_box_append (GTK_BOX (self->content), grid);
  return grid;
}

static void
add_property (GtkWidget  *grid,
              int         row,
              const char *name,
              const char *value)
{
  GtkWidget *name_label = agviz_label_new_for_text (name);
  GtkWidget *value_label = agviz_label_new_for_text (value);

  gtk_label_set_xalign (GTK_LABEL (name_label), 0);
  gtk_label_set_yalign (GTK_LABEL (name_label), 0);
  gtk_widget_add_css_class (name_label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  gtk_widget_set_hexpand (value_label, TRUE);
  gtk_grid_attach (GTK_GRID (grid), name_label, 0, row, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), value_label, 1, row, 1, 1);
}

static void
on_node_button_clicked (GtkButton      *button,
                        AgvizInspector *self)
{
  gint64 *node_id = g_object_get_data (G_OBJECT (button), "agviz-node-id");

  g_signal_emit (self, signals[NODE_ACTIVATED], 0, *node_id);
}

static void
add_edge_list (AgvizInspector *self,
               AgvizStore     *store,
               const char     *heading,
               GArray         *edges,
               gboolean        inputs)
{
  GtkWidget *box;

  if (edges == NULL || edges->len == 0)
    return;
  add_heading (self, heading);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_box_append (GTK_BOX (self->content), box);
  for (guint i = 0; i < edges->len; i++)
    {
      AgvizEdge *edge = &g_array_index (edges, AgvizEdge, i);
      gint64 other_id = inputs ? edge->src_node_id : edge->dst_node_id;
      g_autoptr(AgvizNode) other = agviz_store_get_node (store, other_id, NULL);
      g_autofree char *text = NULL;
      GtkWidget *button;
      GtkWidget *label;
      gint64 *stored_id;

      if (other == NULL)
        continue;
      if (edge->src_output < 0)
        /* Translators: marks a control-dependency edge (not a data edge) in the inputs list */
        text = g_strdup_printf ("^%s  (%s, %s)", other->name, other->op_type, C_("edge", "control"));
      else if (inputs)
        text = g_strdup_printf ("%s:%d  (%s)", other->name, edge->src_output, other->op_type);
      else
        text = g_strdup_printf ("%s  (%s)", other->name, other->op_type);
      label = agviz_label_new_for_text (text);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
      button = gtk_button_new ();
      gtk_button_set_child (GTK_BUTTON (button), label);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, other->name);
      stored_id = g_new (gint64, 1);
      *stored_id = other_id;
      g_object_set_data_full (G_OBJECT (button), "agviz-node-id", stored_id, g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (on_node_button_clicked), self);
      gtk_box_append (GTK_BOX (box), button);
    }
}

static void
on_frame_button_clicked (GtkButton      *button,
                         AgvizInspector *self)
{
  const char *file = g_object_get_data (G_OBJECT (button), "agviz-file");
  int line = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "agviz-line"));

  g_signal_emit (self, signals[FRAME_ACTIVATED], 0, file, line);
}

static GtkWidget *
frame_button (AgvizInspector   *self,
              AgvizSourceFrame *source_frame)
{
  AgvizFrame *frame = source_frame->frame;
  g_autofree char *base = g_path_get_basename (frame->file);
  g_autofree char *where = g_strdup_printf ("%s:%d  %s", base, frame->line, frame->function);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *first_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *where_label = agviz_label_new_for_text (where);
  GtkWidget *button = gtk_button_new ();

  /* "=>" as `agviz where` prints it: TensorFlow's tracebacks already use "*" and "**" for marks
   * of their own.  A label apart from the location, so that ellipsizing never cuts it off. */
  if (source_frame->defining)
    {
      GtkWidget *mark = gtk_label_new ("=>");

      gtk_widget_add_css_class (mark, "defining-frame");
      gtk_widget_add_css_class (mark, "monospace");
      gtk_widget_set_tooltip_text (mark, _("Defined here: the innermost frame of your own code"));
      gtk_box_append (GTK_BOX (first_row), mark);
    }
  gtk_label_set_xalign (GTK_LABEL (where_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (where_label), PANGO_ELLIPSIZE_START);
  gtk_widget_set_hexpand (where_label, TRUE);
  gtk_box_append (GTK_BOX (first_row), where_label);
  gtk_box_append (GTK_BOX (box), first_row);
  if (frame->source_line != NULL)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (frame->source_line));
      GtkWidget *code = gtk_label_new (stripped);

      gtk_label_set_xalign (GTK_LABEL (code), 0);
      gtk_label_set_ellipsize (GTK_LABEL (code), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (code, "monospace");
      gtk_widget_add_css_class (code, "dim-label");
      gtk_box_append (GTK_BOX (box), code);
    }
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "flat");
  {
    g_autofree char *tooltip = agviz_label_text (frame->file, AGVIZ_LABEL_TEXT_MAX_CHARS);
    gtk_widget_set_tooltip_text (button, tooltip);
  }
  g_object_set_data_full (G_OBJECT (button), "agviz-file", g_strdup (frame->file), g_free);
  g_object_set_data (G_OBJECT (button), "agviz-line", GINT_TO_POINTER (frame->line));
  g_signal_connect (button, "clicked", G_CALLBACK (on_frame_button_clicked), self);
  return button;
}

/* User frames innermost first (the defining one on top, where TensorFlow's own messages point),
 * framework frames folded into an expander below them. */
static void
add_stack (AgvizInspector *self,
           AgvizDocument  *document,
           gint64          stack_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  GtkWidget *user_box;
  GtkWidget *framework_box;
  guint n_framework = 0;

  add_heading (self, _("Created at"));
  if (stack_id == 0 ||
      (frames = agviz_source_map_get_stack (agviz_document_get_source_map (document), stack_id,
                                            &error)) == NULL)
    {
      GtkWidget *label = gtk_label_new (error != NULL ? error->message
                                                      : _("No creation stack was recorded"));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (self->content), label);
      return;
    }

  user_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  framework_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (self->content), user_box);
  for (guint i = frames->len; i > 0; i--)
    {
      AgvizSourceFrame *frame = g_ptr_array_index (frames, i - 1);

      if (frame->origin == AGVIZ_FRAME_ORIGIN_USER)
        gtk_box_append (GTK_BOX (user_box), frame_button (self, frame));
      else
        {
          gtk_box_append (GTK_BOX (framework_box), frame_button (self, frame));
          n_framework++;
        }
    }
  if (n_framework > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u framework frame",
                                                            "%u framework frames", n_framework),
                                               n_framework);
      GtkWidget *expander = gtk_expander_new (text);

      gtk_expander_set_child (GTK_EXPANDER (expander), framework_box);
      gtk_box_append (GTK_BOX (self->content), expander);
    }
  else
    g_object_ref_sink (framework_box), g_object_unref (framework_box);
}

static void
add_attributes (AgvizInspector *self,
                GVariant       *attrs)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;
  GtkWidget *grid;
  int row = 0;

  if (attrs == NULL || g_variant_n_children (attrs) == 0)
    return;
  add_heading (self, _("Attributes"));
  grid = add_grid (self);
  g_variant_iter_init (&iter, attrs);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autofree char *text = g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
                                ? g_variant_dup_string (value, NULL)
                                : g_variant_print (value, FALSE);
      add_property (grid, row++, key, text);
      g_variant_unref (value);
    }
}

static void
add_summaries (AgvizInspector *self,
               AgvizStore     *store,
               gint64          node_id)
{
  g_autoptr(GPtrArray) summaries = agviz_store_list_tensor_summaries (store, node_id, 0, NULL);
  GtkWidget *grid;

  if (summaries == NULL || summaries->len == 0)
    return;
  add_heading (self, _("Tensor values"));
  grid = add_grid (self);
  for (guint i = 0; i < summaries->len && i < 20; i++)
    {
      AgvizTensorSummary *summary = g_ptr_array_index (summaries, i);
      /* Translators: a tensor summary's row, "output SLOT, run EXECUTION-ID" */
      g_autofree char *name = g_strdup_printf (_("output %d, run %lld"), summary->output_slot,
                                               (long long) summary->execution_id);
      g_autoptr(GString) text = g_string_new (NULL);

      g_string_append_printf (text, "%s %s", summary->dtype != NULL ? summary->dtype : "",
                              summary->shape != NULL ? summary->shape : "");
      if (summary->has_range)
        {
          g_string_append (text, "  ");
          /* Translators: a tensor's smallest, largest and mean values */
          g_string_append_printf (text, _("min %g max %g mean %g"), summary->min, summary->max,
                                  summary->mean);
        }
      if (summary->nan_count > 0)
        g_string_append_printf (text, "  ⚠ %" G_GINT64_FORMAT " NaN", summary->nan_count);
      if (summary->neg_inf_count > 0)
        g_string_append_printf (text, "  ⚠ %" G_GINT64_FORMAT " -Inf", summary->neg_inf_count);
      if (summary->pos_inf_count > 0)
        g_string_append_printf (text, "  ⚠ %" G_GINT64_FORMAT " +Inf", summary->pos_inf_count);
      add_property (grid, (int) i, name, text->str);
    }
}

static void
show_op (AgvizInspector       *self,
         AgvizDocument        *document,
         const AgvizSceneItem *item)
{
  AgvizStore *store = agviz_document_get_store (document);
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizNode) node = agviz_store_get_node (store, item->node_id, &error);
  g_autoptr(GArray) inputs = NULL;
  g_autoptr(GArray) outputs = NULL;
  GtkWidget *grid;
  int row = 0;

  if (node == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->subtitle), error->message);
      return;
    }
  g_free (self->op_type);
  self->op_type = g_strdup (node->op_type);
  agviz_label_set_from_text (GTK_LABEL (self->subtitle), node->op_type);

  grid = add_grid (self);
  add_property (grid, row++, _("Name"), node->name);
  add_property (grid, row++, _("Op"), node->op_type);
  /* Translators: the Device of a node that no device was assigned to */
  add_property (grid, row++, _("Device"), node->device != NULL ? node->device : _("not placed"));
  if (item->output_elements >= 0)
    {
      g_autofree char *elements = g_strdup_printf ("%" G_GINT64_FORMAT, item->output_elements);
      add_property (grid, row++, _("Output elements"), elements);
    }

  add_stack (self, document, node->stack_id);
  if (agviz_store_list_node_edges (store, node->id, &inputs, &outputs, NULL))
    {
      add_edge_list (self, store, _("Inputs"), inputs, TRUE);
      add_edge_list (self, store, _("Outputs"), outputs, FALSE);
    }
  add_attributes (self, node->attrs);
  add_summaries (self, store, node->id);
}

static int
compare_counts (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  GHashTable *histogram = user_data;
  gint64 count_a = GPOINTER_TO_SIZE (g_hash_table_lookup (histogram, *(const char **) a));
  gint64 count_b = GPOINTER_TO_SIZE (g_hash_table_lookup (histogram, *(const char **) b));

  return count_a != count_b ? (count_a < count_b ? 1 : -1)
                            : g_strcmp0 (*(const char **) a, *(const char **) b);
}

static void
show_group (AgvizInspector       *self,
            const AgvizSceneItem *item)
{
  g_autoptr(GHashTable) histogram = agviz_scene_item_dup_histogram (item);
  g_autofree char *path = agviz_scene_item_dup_path (item);
  g_autofree char *ops = g_strdup_printf ("%" G_GINT64_FORMAT, item->op_count);
  g_autofree GStrv kinds = NULL;
  guint n_kinds = 0;
  GtkWidget *grid;
  const char *kind_name;

  switch (item->kind)
    {
    case AGVIZ_SCENE_ITEM_SERIES: kind_name = _("Series of numbered ops"); break;
    case AGVIZ_SCENE_ITEM_SECTION: kind_name = _("Section of a large scope"); break;
    /* Translators: a box holding a graph's inputs, its captured variables or its parts
     * connected to nothing else */
    case AGVIZ_SCENE_ITEM_GROUP: kind_name = _("Group of inputs or unconnected ops"); break;
    case AGVIZ_SCENE_ITEM_ROOT: kind_name = _("Graph"); break;
    case AGVIZ_SCENE_ITEM_SCOPE:
    case AGVIZ_SCENE_ITEM_OP:
    default: kind_name = _("Name scope"); break;
    }
  gtk_label_set_text (GTK_LABEL (self->subtitle), kind_name);
  grid = add_grid (self);
  add_property (grid, 0, _("Path"), path);
  add_property (grid, 1, _("Ops inside"), ops);

  kinds = (GStrv) g_hash_table_get_keys_as_array (histogram, &n_kinds);
  g_qsort_with_data (kinds, n_kinds, sizeof (char *), compare_counts, histogram);
  if (n_kinds > 0)
    {
      add_heading (self, _("Op types"));
      grid = add_grid (self);
      for (guint i = 0; i < n_kinds && i < 30; i++)
        {
          g_autofree char *count = g_strdup_printf ("%" G_GSIZE_FORMAT,
                                                    GPOINTER_TO_SIZE (g_hash_table_lookup (histogram, kinds[i])));
          add_property (grid, (int) i, kinds[i], count);
        }
    }
}

void
agviz_inspector_show_item (AgvizInspector       *self,
                           AgvizDocument        *document,
                           const AgvizSceneItem *item)
{
  g_return_if_fail (AGVIZ_IS_INSPECTOR (self));

  clear_content (self);
  g_clear_pointer (&self->op_type, g_free);
  gtk_widget_set_visible (self->placeholder, item == NULL || document == NULL);
  gtk_widget_set_visible (self->title, item != NULL && document != NULL);
  gtk_widget_set_visible (self->subtitle, item != NULL && document != NULL);
  if (item == NULL || document == NULL)
    return;

  agviz_label_set_from_text (GTK_LABEL (self->title), item->name);
  if (item->kind == AGVIZ_SCENE_ITEM_OP)
    show_op (self, document, item);
  else
    show_group (self, item);
}

const char *
agviz_inspector_get_op_type (AgvizInspector *self)
{
  g_return_val_if_fail (AGVIZ_IS_INSPECTOR (self), NULL);
  return self->op_type;
}
