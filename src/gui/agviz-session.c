/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-session.c: what one window is looking at, shared by its panels */
#define G_LOG_DOMAIN "agviz-session"

#include "config.h"

#include <glib/gi18n.h>

#include "agviz-drawing.h"
#include "agviz-session.h"

struct _AgvizSession
{
  GObject         parent_instance;

  AgvizDocument  *document;
  gint64          trace_id;
  AgvizScene     *scene;
  AgvizSceneItem *selected_item;
  char           *color_by;
  char           *search_text;
  AgvizGraphDiff *diff;
};

G_DEFINE_FINAL_TYPE (AgvizSession, agviz_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_TRACE_ID,
  PROP_SCENE,
  PROP_SELECTED_ITEM,
  PROP_COLOR_BY,
  PROP_SEARCH_TEXT,
  PROP_DIFF,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SHOW_ITEM,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

AgvizSession *
agviz_session_new (void)
{
  return g_object_new (AGVIZ_TYPE_SESSION, NULL);
}

AgvizDocument *
agviz_session_get_document (AgvizSession *self)
{
  g_return_val_if_fail (AGVIZ_IS_SESSION (self), NULL);
  return self->document;
}

/* The trace, its scene and the selection go together: one notification each, after all three
 * are consistent, so a handler of any of them sees the others as they are. */
static void
set_trace (AgvizSession *self,
           gint64        trace_id,
           AgvizScene   *scene)
{
  gboolean trace_changed = trace_id != self->trace_id;
  gboolean scene_changed = scene != self->scene;
  gboolean selection_changed = self->selected_item != NULL;

  g_object_freeze_notify (G_OBJECT (self));
  self->trace_id = trace_id;
  g_set_object (&self->scene, scene);
  self->selected_item = NULL;
  if (trace_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRACE_ID]);
  if (scene_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCENE]);
  if (selection_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ITEM]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
agviz_session_set_document (AgvizSession  *self,
                            AgvizDocument *document)
{
  g_return_if_fail (AGVIZ_IS_SESSION (self));
  g_return_if_fail (document == NULL || AGVIZ_IS_DOCUMENT (document));

  g_object_freeze_notify (G_OBJECT (self));
  set_trace (self, 0, NULL);
  /* A diff is between traces of the document it was made from. */
  agviz_session_set_diff (self, NULL);
  if (g_set_object (&self->document, document))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
agviz_session_refresh_document (AgvizSession  *self,
                                AgvizDocument *document)
{
  g_return_if_fail (AGVIZ_IS_SESSION (self));
  g_return_if_fail (AGVIZ_IS_DOCUMENT (document));

  if (g_set_object (&self->document, document))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

gint64
agviz_session_get_trace_id (AgvizSession *self)
{
  g_return_val_if_fail (AGVIZ_IS_SESSION (self), 0);
  return self->trace_id;
}

AgvizScene *
agviz_session_get_scene (AgvizSession *self)
{
  g_return_val_if_fail (AGVIZ_IS_SESSION (self), NULL);
  return self->scene;
}

gboolean
agviz_session_show_trace (AgvizSession  *self,
                          gint64         trace_id,
                          GError       **error)
{
  g_autoptr(AgvizScene) scene = NULL;

  g_return_val_if_fail (AGVIZ_IS_SESSION (self), FALSE);
  g_return_val_if_fail (self->document != NULL, FALSE);

  if (agviz_document_find_trace (self->document, trace_id, NULL) == NULL)
    {
      g_set_error (error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_NOT_FOUND,
                   _("No trace %lld in this file"), (long long) trace_id);
      return FALSE;
    }
  scene = agviz_scene_new (agviz_document_get_store (self->document), trace_id, NULL, error);
  if (scene == NULL)
    return FALSE;
  set_trace (self, trace_id, scene);
  return TRUE;
}

AgvizSceneItem *
agviz_session_get_selected_item (AgvizSession *self)
{
  g_return_val_if_fail (AGVIZ_IS_SESSION (self), NULL);
  return self->selected_item;
}

void
agviz_session_set_selected_item (AgvizSession   *self,
                                 AgvizSceneItem *item)
{
  g_return_if_fail (AGVIZ_IS_SESSION (self));

  if (item == self->selected_item)
    return;
  self->selected_item = item;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ITEM]);
}

void
agviz_session_show_item (AgvizSession   *self,
                         AgvizSceneItem *item)
{
  g_return_if_fail (AGVIZ_IS_SESSION (self));
  g_return_if_fail (item != NULL);
  g_return_if_fail (self->scene != NULL);

  g_signal_emit (self, signals[SHOW_ITEM], 0, item);
}

const char *
agviz_session_get_color_by (AgvizSession *self)
{
  g_return_val_if_fail (AGVIZ_IS_SESSION (self), NULL);
  return self->color_by;
}

void
agviz_session_set_color_by (AgvizSession *self,
                            const char   *color_by)
{
  AgvizColorBy parsed;

  g_return_if_fail (AGVIZ_IS_SESSION (self));
  g_return_if_fail (color_by != NULL && agviz_color_by_from_string (color_by, &parsed));

  if (g_strcmp0 (color_by, self->color_by) == 0)
    return;
  g_free (self->color_by);
  self->color_by = g_strdup (color_by);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR_BY]);
}

const char *
agviz_session_get_search_text (AgvizSession *self)
{
  g_return_val_if_fail (AGVIZ_IS_SESSION (self), NULL);
  return self->search_text;
}

void
agviz_session_set_search_text (AgvizSession *self,
                               const char   *search_text)
{
  g_return_if_fail (AGVIZ_IS_SESSION (self));

  if (search_text == NULL)
    search_text = "";
  if (g_strcmp0 (search_text, self->search_text) == 0)
    return;
  g_free (self->search_text);
  self->search_text = g_strdup (search_text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_TEXT]);
}

static void
agviz_session_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AgvizSession *self = AGVIZ_SESSION (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;
    case PROP_TRACE_ID:
      g_value_set_int64 (value, self->trace_id);
      break;
    case PROP_SCENE:
      g_value_set_object (value, self->scene);
      break;
    case PROP_SELECTED_ITEM:
      g_value_set_pointer (value, self->selected_item);
      break;
    case PROP_COLOR_BY:
      g_value_set_string (value, self->color_by);
      break;
    case PROP_SEARCH_TEXT:
      g_value_set_string (value, self->search_text);
      break;
    case PROP_DIFF:
      g_value_set_object (value, self->diff);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
agviz_session_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AgvizSession *self = AGVIZ_SESSION (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      agviz_session_set_document (self, g_value_get_object (value));
      break;
    case PROP_SELECTED_ITEM:
      agviz_session_set_selected_item (self, g_value_get_pointer (value));
      break;
    case PROP_COLOR_BY:
      agviz_session_set_color_by (self, g_value_get_string (value));
      break;
    case PROP_SEARCH_TEXT:
      agviz_session_set_search_text (self, g_value_get_string (value));
      break;
    case PROP_DIFF:
      agviz_session_set_diff (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
agviz_session_finalize (GObject *object)
{
  AgvizSession *self = AGVIZ_SESSION (object);

  g_clear_object (&self->scene);
  g_clear_object (&self->document);
  g_clear_pointer (&self->color_by, g_free);
  g_clear_pointer (&self->search_text, g_free);
  g_clear_object (&self->diff);
  G_OBJECT_CLASS (agviz_session_parent_class)->finalize (object);
}

static void
agviz_session_class_init (AgvizSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = agviz_session_get_property;
  object_class->set_property = agviz_session_set_property;
  object_class->finalize = agviz_session_finalize;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, AGVIZ_TYPE_DOCUMENT, G_PARAM_READWRITE | flags);
  properties[PROP_TRACE_ID] =
    g_param_spec_int64 ("trace-id", NULL, NULL, 0, G_MAXINT64, 0, G_PARAM_READABLE | flags);
  properties[PROP_SCENE] =
    g_param_spec_object ("scene", NULL, NULL, AGVIZ_TYPE_SCENE, G_PARAM_READABLE | flags);
  /* An AgvizSceneItem of the scene: a plain struct the scene owns, hence a pointer. */
  properties[PROP_SELECTED_ITEM] =
    g_param_spec_pointer ("selected-item", NULL, NULL, G_PARAM_READWRITE | flags);
  properties[PROP_COLOR_BY] =
    g_param_spec_string ("color-by", NULL, NULL, "op", G_PARAM_READWRITE | flags);
  properties[PROP_SEARCH_TEXT] =
    g_param_spec_string ("search-text", NULL, NULL, "", G_PARAM_READWRITE | flags);
  properties[PROP_DIFF] =
    g_param_spec_object ("diff", NULL, NULL, AGVIZ_TYPE_GRAPH_DIFF, G_PARAM_READWRITE | flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AgvizSession::show-item:
   * @item: (type gpointer): the AgvizSceneItem to select and bring into view
   *
   * A panel asked for @item to be shown (agviz_session_show_item()); the selection itself
   * changes when the canvas selects it (agviz_session_set_selected_item()).
   */
  signals[SHOW_ITEM] = g_signal_new ("show-item", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
agviz_session_init (AgvizSession *self)
{
  self->color_by = g_strdup ("op");
  self->search_text = g_strdup ("");
}

AgvizGraphDiff *
agviz_session_get_diff (AgvizSession *self)
{
  g_return_val_if_fail (AGVIZ_IS_SESSION (self), NULL);
  return self->diff;
}

void
agviz_session_set_diff (AgvizSession   *self,
                        AgvizGraphDiff *diff)
{
  g_return_if_fail (AGVIZ_IS_SESSION (self));
  g_return_if_fail (diff == NULL || AGVIZ_IS_GRAPH_DIFF (diff));

  if (g_set_object (&self->diff, diff))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIFF]);
}

void
agviz_session_follow (AgvizSession **slot,
                      AgvizSession  *session,
                      gpointer       panel)
{
  g_return_if_fail (slot != NULL);
  g_return_if_fail (session == NULL || AGVIZ_IS_SESSION (session));

  if (*slot != NULL)
    g_signal_handlers_disconnect_by_data (*slot, panel);
  g_set_object (slot, session);
}

void
agviz_panel_dispose_template (GtkWidget *panel,
                              GType      panel_type)
{
  GtkWidget *child;

  gtk_widget_dispose_template (panel, panel_type);
  while ((child = gtk_widget_get_first_child (panel)) != NULL)
    gtk_widget_unparent (child);
}
