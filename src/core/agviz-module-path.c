/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-module-path.c: how functions are named by the module tree that owns them */
#define G_LOG_DOMAIN "agviz-module-path"

#include "config.h"

#include "agviz-module-path.h"

char *
agviz_module_path_join (GPtrArray *path,
                        guint      first)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (path != NULL, NULL);

  for (guint i = first; i < path->len; i++)
    {
      const AgvizObject *object = g_ptr_array_index (path, i);

      if (out->len > 0)
        g_string_append_c (out, '/');
      g_string_append (out, object->name);
    }
  return g_string_free (out, FALSE);
}

char *
agviz_module_path_call_label (AgvizStore *store,
                              const char *graph_name)
{
  g_autoptr(GPtrArray) path = NULL;
  g_autofree char *owner = NULL;
  g_autofree char *function_name = NULL;
  gint64 object_id;

  g_return_val_if_fail (AGVIZ_IS_STORE (store), NULL);
  g_return_val_if_fail (graph_name != NULL, NULL);

  object_id = agviz_store_find_graph_object (store, graph_name, NULL);
  if (object_id <= 0)
    return NULL;
  path = agviz_store_get_object_path (store, object_id, NULL);
  /* A function is never a root: its object is held by a module. */
  if (path == NULL || path->len < 2)
    return NULL;
  function_name = g_strdup (((const AgvizObject *) g_ptr_array_index (path, path->len - 1))->name);
  g_ptr_array_set_size (path, path->len - 1);
  owner = agviz_module_path_join (path, path->len > 1 ? 1 : 0);
  return g_strdup_printf ("%s (%s)", owner, function_name);
}

/* The child of @parent_id called @name, 0 when none. */
static gint64
find_child (GPtrArray  *objects,
            gint64      parent_id,
            const char *name)
{
  for (guint i = 0; i < objects->len; i++)
    {
      const AgvizObject *object = g_ptr_array_index (objects, i);

      if (object->parent_id == parent_id && g_str_equal (object->name, name))
        return object->id;
    }
  return 0;
}

AgvizTrace *
agviz_module_path_find_serving_trace (GPtrArray      *functions,
                                      GPtrArray      *objects,
                                      AgvizFunction **function_out)
{
  g_return_val_if_fail (functions != NULL && objects != NULL, NULL);

  /* TensorFlow Serving, saved_model_cli and tf.saved_model.load(...).signatures all run
   * "serving_default" when asked for nothing else: it is the model's public entry. */
  for (guint r = 0; r < objects->len; r++)
    {
      const AgvizObject *root = g_ptr_array_index (objects, r);
      gint64 signatures, serving;

      if (root->parent_id != 0 ||
          (signatures = find_child (objects, root->id, "signatures")) == 0 ||
          (serving = find_child (objects, signatures, "serving_default")) == 0)
        continue;
      for (guint f = 0; f < functions->len; f++)
        {
          AgvizFunction *function = g_ptr_array_index (functions, f);

          if (function->object_id != serving)
            continue;
          for (guint t = function->traces->len; t > 0; t--)
            {
              AgvizTrace *trace = g_ptr_array_index (function->traces, t - 1);

              if (trace->status != AGVIZ_TRACE_STATUS_COMPLETE)
                continue;
              if (function_out != NULL)
                *function_out = function;
              return trace;
            }
        }
    }
  return NULL;
}

/* Complete traces first, then traces that are no control-flow op's body, then the bigger graph,
 * then the later trace. */
static gboolean
shown_before (AgvizTrace *trace,
              gboolean    body,
              AgvizTrace *best,
              gboolean    best_body)
{
  gboolean complete = trace->status == AGVIZ_TRACE_STATUS_COMPLETE;
  gboolean best_complete = best->status == AGVIZ_TRACE_STATUS_COMPLETE;

  if (complete != best_complete)
    return complete;
  if (body != best_body)
    return !body;
  if (trace->node_count != best->node_count)
    return trace->node_count > best->node_count;
  return trace->id > best->id;
}

AgvizTrace *
agviz_module_path_find_first_trace (GPtrArray      *functions,
                                    GPtrArray      *objects,
                                    GPtrArray      *body_graphs,
                                    AgvizFunction **function_out)
{
  g_autoptr(GHashTable) bodies = g_hash_table_new (g_str_hash, g_str_equal);
  AgvizTrace *best = NULL;
  gboolean best_body = FALSE;

  g_return_val_if_fail (functions != NULL && objects != NULL && body_graphs != NULL, NULL);

  best = agviz_module_path_find_serving_trace (functions, objects, function_out);
  if (best != NULL)
    return best;
  for (guint i = 0; i < body_graphs->len; i++)
    g_hash_table_add (bodies, g_ptr_array_index (body_graphs, i));
  for (guint f = 0; f < functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (functions, f);

      for (guint t = 0; t < function->traces->len; t++)
        {
          AgvizTrace *trace = g_ptr_array_index (function->traces, t);
          gboolean is_body = trace->graph_name != NULL &&
                               g_hash_table_contains (bodies, trace->graph_name);

          if (best == NULL || shown_before (trace, is_body, best, best_body))
            {
              best = trace;
              best_body = is_body;
              if (function_out != NULL)
                *function_out = function;
            }
        }
    }
  return best;
}
