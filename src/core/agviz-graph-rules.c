/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-graph-rules.c: TensorBoard's rules for reading a graph (see agviz-graph-rules.h) */
#define G_LOG_DOMAIN "agviz-graph-rules"

#include "config.h"

#include <string.h>

#include "agviz-graph-rules.h"

const char *
_agviz_graph_rules_split_name (const char *name,
                               gsize      *scope_length)
{
  const char *slash = strrchr (name, '/');

  *scope_length = slash != NULL ? (gsize) (slash - name) : 0;
  return slash != NULL ? slash + 1 : name;
}

gint64
_agviz_graph_rules_numeric_suffix (const char *name,
                                   guint       max_digits,
                                   gsize      *digits_start)
{
  gsize length = strlen (name), start = length;

  while (start > 0 && g_ascii_isdigit (name[start - 1]))
    start--;
  /* Nothing but digits is a name, not a name with a number. */
  if (start == length || start == 0 || length - start > max_digits)
    return -1;
  if (digits_start != NULL)
    *digits_start = start;
  return g_ascii_strtoll (name + start, NULL, 10);
}

int
_agviz_graph_rules_reference_input (const char *op_type)
{
  if (op_type != NULL &&
      (g_str_has_prefix (op_type, "Assign") || g_str_has_prefix (op_type, "Scatter") ||
       g_str_has_prefix (op_type, "ResourceScatter")))
    return 0;
  return -1;
}

/* One scope of an AgvizSiblingScopes: its own key. */
typedef struct
{
  gconstpointer  container;
  const char    *name;
  gpointer       scope;
} SiblingScope;

struct _AgvizSiblingScopes
{
  GHashTable *scopes;     /* SiblingScope (owned), keyed by itself */
};

static guint
sibling_scope_hash (gconstpointer key)
{
  const SiblingScope *scope = key;

  return g_direct_hash (scope->container) * 31 + g_str_hash (scope->name);
}

static gboolean
sibling_scope_equal (gconstpointer a,
                     gconstpointer b)
{
  const SiblingScope *x = a, *y = b;

  return x->container == y->container && strcmp (x->name, y->name) == 0;
}

AgvizSiblingScopes *
_agviz_sibling_scopes_new (void)
{
  AgvizSiblingScopes *self = g_new0 (AgvizSiblingScopes, 1);

  self->scopes = g_hash_table_new_full (sibling_scope_hash, sibling_scope_equal, g_free, NULL);
  return self;
}

void
_agviz_sibling_scopes_free (AgvizSiblingScopes *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->scopes);
  g_free (self);
}

void
_agviz_sibling_scopes_add (AgvizSiblingScopes *self,
                           gconstpointer       container,
                           const char         *name,
                           gpointer            scope)
{
  SiblingScope *entry = g_new (SiblingScope, 1);

  entry->container = container;
  entry->name = name;
  entry->scope = scope;
  g_hash_table_add (self->scopes, entry);
}

guint
_agviz_sibling_scopes_size (AgvizSiblingScopes *self)
{
  return g_hash_table_size (self->scopes);
}

gpointer
_agviz_sibling_scopes_find_shown_in (AgvizSiblingScopes *self,
                                     gconstpointer       container,
                                     const char         *op_name)
{
  SiblingScope key = { container, op_name, NULL };
  SiblingScope *found = g_hash_table_lookup (self->scopes, &key);

  return found != NULL ? found->scope : NULL;
}

static int
compare_guint (gconstpointer a,
               gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;
  return x < y ? -1 : x > y;
}

static double
quartile (GArray *sorted,
          double  q)
{
  double position = q * (sorted->len - 1);
  guint low = (guint) position;
  guint high = MIN (low + 1, sorted->len - 1);
  double frac = position - low;

  return g_array_index (sorted, guint, low) * (1 - frac) + g_array_index (sorted, guint, high) * frac;
}

void
_agviz_graph_rules_degree_limits (GArray            *in_degrees,
                                  GArray            *out_degrees,
                                  AgvizDegreeLimits *limits)
{
  g_return_if_fail (in_degrees->len > 0 && out_degrees->len > 0);

  g_array_sort (in_degrees, compare_guint);
  g_array_sort (out_degrees, compare_guint);
  limits->in_limit = quartile (in_degrees, 0.75) +
                     (quartile (in_degrees, 0.75) - quartile (in_degrees, 0.25));
  limits->out_limit = quartile (out_degrees, 0.75) +
                      4 * (quartile (out_degrees, 0.75) - quartile (out_degrees, 0.25));
}

gboolean
_agviz_graph_rules_is_auxiliary (const AgvizDegreeLimits *limits,
                                 guint                    min_degree,
                                 const char              *op_type,
                                 guint                    in_degree,
                                 guint                    out_degree)
{
  gboolean control_sink = g_strcmp0 (op_type, "NoOp") == 0 && out_degree == 0 && in_degree > 0;

  return control_sink ||
         (in_degree >= min_degree && in_degree > limits->in_limit) ||
         (out_degree >= min_degree && out_degree > limits->out_limit);
}

AgvizAnnotationKind
_agviz_graph_rules_annotation_kind (const char *op_type)
{
  if (op_type == NULL)
    return AGVIZ_ANNOTATION_NONE;
  if (strcmp (op_type, "Const") == 0)
    return AGVIZ_ANNOTATION_IN;
  if (g_str_has_suffix (op_type, "Summary"))
    return AGVIZ_ANNOTATION_OUT;
  return AGVIZ_ANNOTATION_NONE;
}

AgvizInputRole
_agviz_graph_rules_input_role (const char *op_type,
                               const char *dtype,
                               gboolean    user_named,
                               gboolean    any_user_named)
{
  gboolean is_arg = g_strcmp0 (op_type, "_Arg") == 0;

  if (!is_arg && g_strcmp0 (op_type, "Placeholder") != 0)
    return AGVIZ_INPUT_ROLE_NONE;
  if (g_strcmp0 (dtype, "resource") == 0 || g_strcmp0 (dtype, "DT_RESOURCE") == 0)
    return AGVIZ_INPUT_ROLE_CAPTURE;
  /* Placeholders of a plain graph are what it is fed. */
  if (is_arg && any_user_named && !user_named)
    return AGVIZ_INPUT_ROLE_CAPTURE;
  return AGVIZ_INPUT_ROLE_INPUT;
}

gboolean
_agviz_graph_rules_inlined_call (const char *name,
                                 gsize      *call_length)
{
  static const char *const tails[] = {
    "/input/_", "/output/_", "/input_control_node/_", "/output_control_node/_",
  };
  gsize last;   /* where the number after the last slash starts */

  if (!g_str_has_prefix (name, "Func/"))
    return FALSE;
  /* CALL may hold slashes itself: the tail is the part before the last one. */
  last = (gsize) (strrchr (name, '/') - name) + 1;
  if (name[last] != '_')
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (tails); i++)
    {
      gsize tail_length = strlen (tails[i]) - 1;   /* without the "_" */

      /* "Func/" and at least one byte of CALL before the tail. */
      if (last < 6 + tail_length ||
          strncmp (name + last - tail_length, tails[i], tail_length) != 0)
        continue;
      *call_length = last - tail_length - 5;
      return TRUE;
    }
  return FALSE;
}

static guint
component_of (guint *parents,
              guint  i)
{
  while (parents[i] != i)
    {
      parents[i] = parents[parents[i]];
      i = parents[i];
    }
  return i;
}

gboolean *
_agviz_graph_rules_unconnected (guint         n,
                                const gint64 *weights,
                                const guint  *edge_ends,
                                guint         n_edges)
{
  g_autofree guint *parents = NULL;
  g_autofree gint64 *component_weights = NULL;
  g_autofree gboolean *aside = NULL;
  guint main_component = 0, n_aside = 0;

  if (n < 3)
    return NULL;
  parents = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    parents[i] = i;
  for (guint e = 0; e < n_edges; e++)
    {
      guint a = component_of (parents, edge_ends[2 * e]);
      guint b = component_of (parents, edge_ends[2 * e + 1]);

      if (a != b)
        parents[MAX (a, b)] = MIN (a, b);
    }
  component_weights = g_new0 (gint64, n);
  for (guint i = 0; i < n; i++)
    component_weights[component_of (parents, i)] += MAX (weights[i], 1);
  for (guint i = 1; i < n; i++)
    if (component_weights[i] > component_weights[main_component])
      main_component = i;

  aside = g_new0 (gboolean, n);
  for (guint i = 0; i < n; i++)
    {
      guint component = component_of (parents, i);

      if (component != main_component &&
          component_weights[component] * 4 <= component_weights[main_component])
        {
          aside[i] = TRUE;
          n_aside++;
        }
    }
  return n_aside >= 2 ? g_steal_pointer (&aside) : NULL;
}
