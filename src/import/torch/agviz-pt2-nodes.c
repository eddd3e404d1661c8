/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-pt2-nodes.c: node names, module scopes and attributes for the PyTorch importers */
#define G_LOG_DOMAIN "agviz-import"

#include "config.h"

#include "agviz-pt2-nodes.h"

#include <string.h>

struct _AgvizPt2Names
{
  /* name -> the next N to try for it: a thousand `Add` nodes cost a thousand tries. */
  GHashTable *taken;
};

AgvizPt2Names *
_agviz_pt2_names_new (void)
{
  AgvizPt2Names *self = g_new0 (AgvizPt2Names, 1);

  self->taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

void
_agviz_pt2_names_free (AgvizPt2Names *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->taken);
  g_free (self);
}

static char *
drop_empty_scopes (const char *wanted)
{
  GString *name = g_string_new (NULL);

  for (const char *p = wanted; *p != '\0'; p++)
    if (*p != '/' || (name->len > 0 && name->str[name->len - 1] != '/'))
      g_string_append_c (name, *p);
  while (name->len > 0 && name->str[name->len - 1] == '/')
    g_string_truncate (name, name->len - 1);
  if (name->len == 0)
    g_string_assign (name, "node");
  return g_string_free (name, FALSE);
}

char *
_agviz_pt2_names_take (AgvizPt2Names *self,
                       const char    *wanted)
{
  g_autofree char *base = drop_empty_scopes (wanted);
  guint next = GPOINTER_TO_UINT (g_hash_table_lookup (self->taken, base));
  char *name = NULL;

  if (next == 0)
    {
      g_hash_table_insert (self->taken, g_strdup (base), GUINT_TO_POINTER (1));
      return g_steal_pointer (&base);
    }
  do
    {
      g_free (name);
      name = g_strdup_printf ("%s_%u", base, next++);
    }
  while (g_hash_table_contains (self->taken, name));
  g_hash_table_insert (self->taken, g_strdup (base), GUINT_TO_POINTER (next));
  g_hash_table_insert (self->taken, g_strdup (name), GUINT_TO_POINTER (1));
  return name;
}

void
_agviz_pt2_append_module_scopes (GString            *scope,
                                 const char *const  *paths,
                                 guint               n_paths)
{
  const char *parent = "";

  for (guint i = 0; i < n_paths; i++)
    {
      const char *path = paths[i], *local = path;
      gsize parent_length = strlen (parent);

      if (*path == '\0')
        continue;
      if (parent_length > 0 && strncmp (path, parent, parent_length) == 0 &&
          path[parent_length] == '.' && path[parent_length + 1] != '\0')
        local = path + parent_length + 1;
      if (scope->len > 0)
        g_string_append_c (scope, '/');
      for (const char *p = local; *p != '\0'; p++)
        g_string_append_c (scope, *p == '/' ? '.' : *p);
      parent = path;
    }
}

typedef struct
{
  gint64 node_id;
  int    output;
} ValueSource;

GHashTable *
_agviz_pt2_values_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

void
_agviz_pt2_values_set (GHashTable *values,
                       const char *value_name,
                       gint64      node_id,
                       int         output)
{
  ValueSource *source = g_new (ValueSource, 1);

  source->node_id = node_id;
  source->output = output;
  g_hash_table_replace (values, g_strdup (value_name), source);
}

gint64
_agviz_pt2_add_value_node (AgvizImportContext *ctx,
                           AgvizPt2Names      *names,
                           GHashTable         *values,
                           gint64              trace_id,
                           const char         *value_name,
                           const char         *op_type,
                           GVariant           *attrs,
                           GError            **error)
{
  g_autofree char *name = _agviz_pt2_names_take (names, value_name);
  gint64 node_id = _agviz_pt2_add_op_node (ctx, trace_id, name, op_type, attrs, 0, error);

  if (node_id == 0)
    return 0;
  _agviz_pt2_values_set (values, value_name, node_id, 0);
  return node_id;
}

gboolean
_agviz_pt2_add_value_edge (AgvizImportContext *ctx,
                           AgvizPt2Names      *names,
                           GHashTable         *values,
                           gint64              trace_id,
                           const char         *value_name,
                           gboolean            nested,
                           gint64              dst_node_id,
                           int                 dst_input,
                           guint              *unresolved,
                           GError            **error)
{
  ValueSource *source = g_hash_table_lookup (values, value_name);

  if (source == NULL && nested)
    {
      if (_agviz_pt2_add_value_node (ctx, names, values, trace_id, value_name, "OuterValue",
                                     NULL, error) == 0)
        return FALSE;
      source = g_hash_table_lookup (values, value_name);
    }
  if (source == NULL)
    {
      (*unresolved)++;
      return TRUE;
    }
  if (!agviz_recorder_add_edge (ctx->recorder, trace_id, source->node_id, source->output,
                                dst_node_id, dst_input, error))
    return FALSE;
  ctx->stats.edges++;
  return TRUE;
}

gint64
_agviz_pt2_begin_graph (AgvizImportContext *ctx,
                        const char         *name,
                        const char         *signature,
                        GError            **error)
{
  gint64 function_id = agviz_recorder_add_function (ctx->recorder, name, 0, 0, error);

  if (function_id == 0)
    return 0;
  return agviz_recorder_begin_trace (ctx->recorder, function_id, name, signature, NULL, error);
}

gboolean
_agviz_pt2_end_graph (AgvizImportContext *ctx,
                      gint64              trace_id,
                      GError            **error)
{
  if (!agviz_recorder_end_trace (ctx->recorder, trace_id, AGVIZ_TRACE_STATUS_COMPLETE, 0, error))
    return FALSE;
  ctx->stats.traces++;
  ctx->stats.functions++;
  return TRUE;
}

gint64
_agviz_pt2_add_op_node (AgvizImportContext *ctx,
                        gint64              trace_id,
                        const char         *name,
                        const char         *op_type,
                        GVariant           *attrs,
                        gint64              stack_id,
                        GError            **error)
{
  gint64 node_id = agviz_recorder_add_node (ctx->recorder, trace_id, name, op_type, NULL, attrs,
                                            stack_id, error);

  if (node_id == 0)
    return 0;
  ctx->stats.nodes++;
  if (stack_id != 0)
    ctx->stats.nodes_with_stacks++;
  return node_id;
}

gboolean
_agviz_pt2_add_calls (AgvizImportContext *ctx,
                      gint64              trace_id,
                      gint64              node_id,
                      GPtrArray          *calls,
                      GError            **error)
{
  for (guint c = 0; c + 1 < calls->len; c += 2)
    {
      if (!agviz_recorder_add_call (ctx->recorder, trace_id, node_id,
                                    g_ptr_array_index (calls, c),
                                    g_ptr_array_index (calls, c + 1), error))
        return FALSE;
      ctx->stats.calls++;
    }
  return TRUE;
}

static void
unref_variant (gpointer data)
{
  g_variant_unref (data);
}

GTree *
_agviz_pt2_attrs_new (void)
{
  return g_tree_new_full ((GCompareDataFunc) strcmp, NULL, g_free, unref_variant);
}

void
_agviz_pt2_attrs_set (GTree      *attrs,
                      const char *key,
                      GVariant   *value)
{
  g_tree_replace (attrs, g_strdup (key), g_variant_ref_sink (value));
}

GVariant *
_agviz_pt2_text_variant (const char *text,
                         gssize      length)
{
  g_autofree char *valid = g_utf8_make_valid (text, length);

  return g_variant_new_string (valid);
}

static gboolean
add_entry (gpointer key,
           gpointer value,
           gpointer data)
{
  g_variant_builder_add (data, "{sv}", key, value);
  return FALSE;
}

GVariant *
_agviz_pt2_attrs_end (GTree *attrs)
{
  GVariantBuilder builder;

  if (g_tree_nnodes (attrs) == 0)
    return NULL;
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_tree_foreach (attrs, add_entry, &builder);
  return g_variant_builder_end (&builder);
}
