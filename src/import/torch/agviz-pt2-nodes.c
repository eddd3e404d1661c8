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
