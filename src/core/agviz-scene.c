/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-scene.c: building and expanding the hierarchy of one trace
 *
 * A big trace with per-scope edge aggregates (schema v3, table scope_edges) is read one scope at
 * a time: the root's children when the scene is made, a scope's children when it is expanded,
 * found or opened by a depth, with the metaedges inside it from its scope_edges rows plus the
 * edges between its own nodes.  Older traces, and small ones, are read whole, in four indexed
 * passes (scopes, nodes, calls, edges); both give the same scene.  Walks over the tree are iterative, never
 * recursive, because a hostile trace may nest scopes ten thousand deep.
 */
#define G_LOG_DOMAIN "agviz-scene"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "agviz-scene.h"
#include "agviz-scene-private.h"
#include "agviz-edge-list.h"
#include "agviz-graph-rules.h"
#include "agviz-scope-edges.h"

G_DEFINE_QUARK (agviz-scene-error-quark, agviz_scene_error)

/* Traces with fewer than AGVIZ_SCOPE_EDGES_MIN_NODES nodes are read whole: it takes milliseconds,
 * and every item then exists for walks over item->children (the GUI's search box). */

/* Edges between two items: of one loaded scope, merged per pair (a scope_edges row), or one edge
 * (between two of its own nodes, or of a trace read whole). */
typedef struct
{
  AgvizSceneItem *src;
  AgvizSceneItem *dst;
  gint64          count;
  gint64          control_count;
  gint64          reference_count;
  gint64          tensor_elements;  /* -1 unknown */
} LazyEdge;

/* One edge of the graph, between two op items. */
typedef struct
{
  AgvizSceneItem *src;
  AgvizSceneItem *dst;
  int             src_output;     /* -1: control edge */
  gboolean        reference;
} SceneEdge;

struct _AgvizScene
{
  GObject            parent_instance;

  AgvizStore        *store;
  gint64             trace_id;
  AgvizSceneOptions  options;
  AgvizSceneItem    *root;
  GStringChunk      *strings;      /* op types and devices, interned */
  GArray            *edges;        /* SceneEdge */
  guint64            n_items;
  GHashTable        *edge_cache;   /* container -> GArray of AgvizSceneEdge; NULL when stale */
  GHashTable        *aux_counts;   /* container -> edges left out for auxiliary children */
  AgvizSceneLoadMode mode;
  GHashTable        *lazy_edges;   /* loaded scope item -> GArray of LazyEdge */
  GHashTable        *shape_cache;  /* attr set id -> elements + 2, across scope loads */
  GHashTable        *arg_facts;    /* _Arg and Placeholder op items -> ArgFacts */
  guint64            n_lazy_edges; /* edges of the traces read per scope */
};

G_DEFINE_FINAL_TYPE (AgvizScene, agviz_scene, G_TYPE_OBJECT)

void
agviz_scene_options_init (AgvizSceneOptions *options)
{
  g_return_if_fail (options != NULL);

  *options = (AgvizSceneOptions) {
    .series_min_size = 5,
    .section_max_children = 500,
    .aux_min_children = 15,
    .aux_min_degree = 5,
    .extract_auxiliary = TRUE,
    .max_call_depth = 8,
    .annotations = TRUE,
  };
}

static void
item_free_shallow (AgvizSceneItem *item)
{
  g_clear_pointer (&item->children, g_ptr_array_unref);
  g_clear_pointer (&item->annotations, g_ptr_array_unref);
  g_free (item->name);
  g_strfreev (item->callees);
  g_free (item);
}

/* Frees a subtree without recursion (depth is unbounded). */
static void
item_free_tree (AgvizSceneItem *root)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  if (root == NULL)
    return;
  g_ptr_array_add (stack, root);
  while (stack->len > 0)
    {
      AgvizSceneItem *item = g_ptr_array_steal_index_fast (stack, stack->len - 1);

      if (item->children != NULL)
        for (guint i = 0; i < item->children->len; i++)
          g_ptr_array_add (stack, g_ptr_array_index (item->children, i));
      if (item->annotations != NULL)
        for (guint i = 0; i < item->annotations->len; i++)
          g_ptr_array_add (stack, g_ptr_array_index (item->annotations, i));
      item_free_shallow (item);
    }
}

static void
agviz_scene_finalize (GObject *object)
{
  AgvizScene *self = AGVIZ_SCENE (object);

  item_free_tree (self->root);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_clear_pointer (&self->edges, g_array_unref);
  g_clear_pointer (&self->edge_cache, g_hash_table_unref);
  g_clear_pointer (&self->aux_counts, g_hash_table_unref);
  g_clear_pointer (&self->lazy_edges, g_hash_table_unref);
  g_clear_pointer (&self->shape_cache, g_hash_table_unref);
  g_clear_pointer (&self->arg_facts, g_hash_table_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (agviz_scene_parent_class)->finalize (object);
}

static void
agviz_scene_class_init (AgvizSceneClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = agviz_scene_finalize;
}

static void
agviz_scene_init (AgvizScene *self)
{
  self->strings = g_string_chunk_new (4096);
  self->edges = g_array_new (FALSE, FALSE, sizeof (SceneEdge));
  self->lazy_edges = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  self->shape_cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->arg_facts = g_hash_table_new (NULL, NULL);
}

static AgvizSceneItem *
item_new (AgvizScene         *self,
          AgvizSceneItemKind  kind,
          AgvizSceneItem     *parent,
          char               *name)
{
  AgvizSceneItem *item = g_new0 (AgvizSceneItem, 1);

  item->kind = kind;
  item->name = name;
  item->output_elements = -1;
  item->trace_id = parent != NULL ? parent->trace_id : self->trace_id;
  self->n_items++;
  if (parent != NULL)
    {
      item->parent = parent;
      if (parent->children == NULL)
        parent->children = g_ptr_array_new ();
      g_ptr_array_add (parent->children, item);
    }
  return item;
}

static gboolean
is_container (const AgvizSceneItem *item)
{
  return item->children != NULL && item->children->len > 0;
}

/* Series, sections and groups: boxes the scene draws around ops, which keep their own names. */
static gboolean
is_display_group (const AgvizSceneItem *item)
{
  return item->kind == AGVIZ_SCENE_ITEM_SERIES || item->kind == AGVIZ_SCENE_ITEM_SECTION ||
         item->kind == AGVIZ_SCENE_ITEM_GROUP;
}

/* Subtree items, parents before children, without recursion. */
static GPtrArray *
list_preorder (AgvizSceneItem *root,
               gboolean        expanded_only)
{
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  g_ptr_array_add (stack, root);
  while (stack->len > 0)
    {
      AgvizSceneItem *item = g_ptr_array_steal_index_fast (stack, stack->len - 1);

      g_ptr_array_add (order, item);
      if (item->children == NULL || (expanded_only && !item->expanded))
        continue;
      for (guint i = item->children->len; i-- > 0;)
        g_ptr_array_add (stack, g_ptr_array_index (item->children, i));
    }
  return g_steal_pointer (&order);
}

/* "layer_12" -> ("layer_", 12); "add" -> ("add", -1).  The base keeps its separator so a series
 * can be named "layer_[1-24]". */
static gint64
split_numeric_suffix (const char *name,
                      gsize      *base_length)
{
  /* More digits than this are not a counter: not a series member. */
  gint64 number = _agviz_graph_rules_numeric_suffix (name, 9, base_length);

  if (number < 0)
    *base_length = strlen (name);
  return number;
}

static int
compare_items_by_name (gconstpointer a,
                       gconstpointer b)
{
  const AgvizSceneItem *x = *(AgvizSceneItem **) a;
  const AgvizSceneItem *y = *(AgvizSceneItem **) b;
  gsize bx, by;
  gint64 nx = split_numeric_suffix (x->name, &bx);
  gint64 ny = split_numeric_suffix (y->name, &by);
  int cmp;

  /* Numbers in order (layer_2 before layer_10), then plain bytes for everything else. */
  if (bx == by && memcmp (x->name, y->name, bx) == 0 && nx != ny)
    return nx < ny ? -1 : 1;
  cmp = strcmp (x->name, y->name);
  if (cmp != 0)
    return cmp;
  return (int) x->kind - (int) y->kind;
}

/* Elements of output 0 from the "_output_shapes" attribute ("[4,2]", "[[4,2],[3]]", "(4, 2)");
 * -1 when absent or not fully known. */
static gint64
parse_output_elements (gconstpointer attrs,
                       gsize         size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GVariant) value = NULL;

  if (attrs == NULL || size == 0)
    return -1;
  bytes = g_bytes_new (attrs, size);
  dict = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));
  /* Untrusted bytes: GVariant reads any input safely, but only a normal form is meaningful. */
  if (!g_variant_is_normal_form (dict))
    return -1;
  value = g_variant_lookup_value (dict, "_output_shapes", G_VARIANT_TYPE_STRING);
  if (value == NULL)
    return -1;
  return _agviz_output_elements_parse (g_variant_get_string (value, NULL));
}

/* What the input rule (_agviz_graph_rules_input_role()) reads of an _Arg or Placeholder, from
 * its attributes: kept per item until the groups of its container are made. */
typedef enum
{
  ARG_FACT_INPUT = 1 << 0,       /* an _Arg or Placeholder */
  ARG_FACT_RESOURCE = 1 << 1,    /* of dtype resource */
  ARG_FACT_USER_NAMED = 1 << 2,  /* with a `_user_specified_name` */
} ArgFacts;

static guint
parse_arg_facts (const char    *op_type,
                 gconstpointer  attrs,
                 gsize          size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GVariant) dtype = NULL;
  g_autoptr(GVariant) user_name = NULL;
  guint facts = ARG_FACT_INPUT;

  if (attrs == NULL || size == 0)
    return facts;
  bytes = g_bytes_new (attrs, size);
  dict = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));
  if (!g_variant_is_normal_form (dict))
    return facts;
  dtype = g_variant_lookup_value (dict, strcmp (op_type, "_Arg") == 0 ? "T" : "dtype",
                                  G_VARIANT_TYPE_STRING);
  user_name = g_variant_lookup_value (dict, "_user_specified_name", NULL);
  if (_agviz_graph_rules_input_role (op_type, dtype != NULL ? g_variant_get_string (dtype, NULL) : NULL,
                                     FALSE, FALSE) == AGVIZ_INPUT_ROLE_CAPTURE)
    facts |= ARG_FACT_RESOURCE;
  if (user_name != NULL)
    facts |= ARG_FACT_USER_NAMED;
  return facts;
}

typedef struct
{
  AgvizScene     *scene;
  AgvizSceneItem *root;
  GHashTable     *scopes;          /* scope id -> item */
  GHashTable     *nodes;           /* node id -> item */
  GHashTable     *shape_cache;     /* attr set id -> elements + 2 */
} BuildState;

static gboolean
add_scope_row (const AgvizScopeRow *row,
               gpointer             user_data)
{
  BuildState *state = user_data;
  AgvizSceneItem *item, *parent;

  if (row->parent_id == 0)
    item = state->root;
  else
    {
      parent = g_hash_table_lookup (state->scopes, &row->parent_id);
      /* A hand-made file could hold a scope before its parent or an orphan: hang it at the root
       * rather than lose its nodes. */
      if (parent == NULL)
        parent = state->root;
      item = item_new (state->scene, AGVIZ_SCENE_ITEM_SCOPE, parent, g_strdup (row->name));
    }
  item->scope_id = row->id;
  g_hash_table_insert (state->scopes, &item->scope_id, item);
  return TRUE;
}

static gboolean
add_node_row (const AgvizNodeRow *row,
              gpointer            user_data)
{
  BuildState *state = user_data;
  AgvizScene *scene = state->scene;
  AgvizSceneItem *parent = g_hash_table_lookup (state->scopes, &row->scope_id);
  AgvizSceneItem *item;
  gpointer cached;

  if (parent == NULL)
    parent = state->root;
  parent->node_count++;
  item = item_new (scene, AGVIZ_SCENE_ITEM_OP, parent, g_strdup (row->name));
  item->node_id = row->id;
  item->stack_id = row->stack_id;
  item->op_count = 1;
  item->op_type = g_string_chunk_insert_const (scene->strings, row->op_type);
  if (row->device != NULL)
    item->device = g_string_chunk_insert_const (scene->strings, row->device);

  /* Attribute sets are shared by many nodes: parse each one once. */
  if (row->attr_set_id != 0 &&
      (cached = g_hash_table_lookup (state->shape_cache, &row->attr_set_id)) != NULL)
    item->output_elements = GPOINTER_TO_SIZE (cached) > 1 ? (gint64) GPOINTER_TO_SIZE (cached) - 2 : -1;
  else
    {
      item->output_elements = parse_output_elements (row->attrs, row->attrs_size);
      if (row->attr_set_id != 0 && item->output_elements < (gint64) (G_MAXSIZE / 2))
        {
          gint64 *key = g_new (gint64, 1);

          *key = row->attr_set_id;
          g_hash_table_insert (state->shape_cache, key,
                               GSIZE_TO_POINTER (item->output_elements >= 0
                                                 ? (gsize) item->output_elements + 2 : 1));
        }
    }
  if (_agviz_graph_rules_input_role (item->op_type, NULL, FALSE, FALSE) != AGVIZ_INPUT_ROLE_NONE)
    g_hash_table_insert (scene->arg_facts, item,
                         GUINT_TO_POINTER (parse_arg_facts (item->op_type, row->attrs, row->attrs_size)));
  g_hash_table_insert (state->nodes, &item->node_id, item);
  return TRUE;
}

static gboolean
add_call_row (gint64      node_id,
              const char *role,
              const char *callee,
              gpointer    user_data)
{
  BuildState *state = user_data;
  AgvizSceneItem *item = g_hash_table_lookup (state->nodes, &node_id);
  guint n;

  if (item == NULL)
    return TRUE;
  n = item->callees != NULL ? g_strv_length (item->callees) : 0;
  /* One call node may name one graph under several roles (both branches of an If). */
  if (item->callees != NULL && g_strv_contains ((const char * const *) item->callees, callee))
    return TRUE;
  item->callees = g_renew (char *, item->callees, n + 2);
  item->callees[n] = g_strdup (callee);
  item->callees[n + 1] = NULL;
  return TRUE;
}

static gboolean
add_edge_row (const AgvizEdge *edge,
              gpointer         user_data)
{
  BuildState *state = user_data;
  SceneEdge scene_edge = { 0 };

  scene_edge.src = g_hash_table_lookup (state->nodes, &edge->src_node_id);
  scene_edge.dst = g_hash_table_lookup (state->nodes, &edge->dst_node_id);
  if (scene_edge.src == NULL || scene_edge.dst == NULL || scene_edge.src == scene_edge.dst)
    return TRUE;
  scene_edge.src_output = edge->src_output;
  scene_edge.reference = _agviz_graph_rules_is_reference_input (scene_edge.dst->op_type,
                                                                edge->dst_input);
  g_array_append_val (state->scene->edges, scene_edge);
  return TRUE;
}

/* Moves the ops of @container named like a sibling scope inside that scope, shown as "(name)"
 * (the sibling-scope rule of agviz-graph-rules.h). */
static void
move_shadowed_ops (AgvizSceneItem *container)
{
  g_autoptr(AgvizSiblingScopes) scopes = NULL;
  g_autoptr(GPtrArray) kept = NULL;

  if (!is_container (container))
    return;
  scopes = _agviz_sibling_scopes_new ();
  for (guint i = 0; i < container->children->len; i++)
    {
      AgvizSceneItem *child = g_ptr_array_index (container->children, i);
      if (child->kind == AGVIZ_SCENE_ITEM_SCOPE)
        _agviz_sibling_scopes_add (scopes, container, child->name, child);
    }
  if (_agviz_sibling_scopes_size (scopes) == 0)
    return;

  kept = g_ptr_array_sized_new (container->children->len);
  for (guint i = 0; i < container->children->len; i++)
    {
      AgvizSceneItem *child = g_ptr_array_index (container->children, i);
      AgvizSceneItem *scope = child->kind == AGVIZ_SCENE_ITEM_OP
                              ? _agviz_sibling_scopes_find_shown_in (scopes, container, child->name)
                              : NULL;

      if (scope == NULL)
        {
          g_ptr_array_add (kept, child);
          continue;
        }
      child->shadowed = TRUE;
      child->parent = scope;
      if (scope->children == NULL)
        scope->children = g_ptr_array_new ();
      g_ptr_array_add (scope->children, child);
    }
  g_ptr_array_unref (container->children);
  container->children = g_steal_pointer (&kept);
}

/* What must match for siblings to form one series: ops of one type, or scopes of one size. */
static char *
series_key (const AgvizSceneItem *item,
            gsize                 base_length)
{
  if (item->kind == AGVIZ_SCENE_ITEM_OP)
    return g_strdup_printf ("o%s\x1f%.*s", item->op_type, (int) base_length, item->name);
  /* Scopes: by the counts the store keeps (ops below, own nodes), which a scene read one scope at
   * a time knows before reading the scope; the number of child boxes would need the subtree. */
  if (item->kind == AGVIZ_SCENE_ITEM_SCOPE)
    return g_strdup_printf ("s%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT "\x1f%.*s", item->op_count,
                            item->node_count, (int) base_length, item->name);
  return NULL;
}

/* A display group (series, section, group) of @members (children of @container, in order),
 * which become its children; not yet among @container's children. */
static AgvizSceneItem *
display_group_new (AgvizScene         *self,
                   AgvizSceneItemKind  kind,
                   AgvizSceneItem     *container,
                   char               *name,
                   AgvizSceneItem    **members,
                   guint               n_members)
{
  AgvizSceneItem *group = g_new0 (AgvizSceneItem, 1);

  group->kind = kind;
  group->parent = container;
  group->trace_id = container->trace_id;
  group->output_elements = -1;
  group->name = name;
  group->children = g_ptr_array_sized_new (n_members);
  self->n_items++;
  for (guint i = 0; i < n_members; i++)
    {
      members[i]->parent = group;
      group->op_count += members[i]->op_count;
      g_ptr_array_add (group->children, members[i]);
    }
  return group;
}

/* Puts the groups of @member_of (member -> group) among @container's children, each in the
 * place of its first member. */
static void
replace_members (AgvizSceneItem *container,
                 GHashTable     *member_of)
{
  g_autoptr(GPtrArray) kept = NULL;

  if (g_hash_table_size (member_of) == 0)
    return;
  kept = g_ptr_array_sized_new (container->children->len);
  for (guint i = 0; i < container->children->len; i++)
    {
      AgvizSceneItem *child = g_ptr_array_index (container->children, i);
      AgvizSceneItem *group = g_hash_table_lookup (member_of, child);

      if (group == NULL)
        g_ptr_array_add (kept, child);
      else if (g_ptr_array_index (group->children, 0) == child)
        g_ptr_array_add (kept, group);
    }
  g_ptr_array_unref (container->children);
  container->children = g_steal_pointer (&kept);
}

static AgvizSceneItem *edge_container (AgvizSceneItem  *a,
                                       AgvizSceneItem  *b,
                                       AgvizSceneItem **a_side,
                                       AgvizSceneItem **b_side);

/* "inputs (3)" of @members, named for the ops it holds. */
static AgvizSceneItem *
named_group_new (AgvizScene     *self,
                 AgvizSceneItem *container,
                 const char     *what,
                 GPtrArray      *members)
{
  gint64 op_count = 0;
  const char *op_type = NULL;
  gboolean one_type = TRUE;
  AgvizSceneItem *group;

  for (guint i = 0; i < members->len; i++)
    {
      AgvizSceneItem *member = g_ptr_array_index (members, i);

      op_count += member->op_count;
      if (member->kind != AGVIZ_SCENE_ITEM_OP || (op_type != NULL && op_type != member->op_type))
        one_type = FALSE;
      op_type = member->op_type;
    }
  group = display_group_new (self, AGVIZ_SCENE_ITEM_GROUP, container,
                             g_strdup_printf ("%s (%" G_GINT64_FORMAT ")", what, op_count),
                             (AgvizSceneItem **) members->pdata, members->len);
  /* Coloured like its ops where they are of one type (interned: compared by address). */
  group->op_type = one_type ? op_type : NULL;
  return group;
}

/* Groups the _Arg and Placeholder ops among @container's children into "inputs (N)" and
 * "captures (N)" (by _agviz_graph_rules_input_role()), each of at least two, added to
 * @groups. */
static void
group_inputs (AgvizScene     *self,
              AgvizSceneItem *container,
              GPtrArray      *groups)
{
  g_autoptr(GPtrArray) inputs = g_ptr_array_new ();
  g_autoptr(GPtrArray) captures = g_ptr_array_new ();
  g_autoptr(GHashTable) member_of = g_hash_table_new (NULL, NULL);
  gboolean any_user_named = FALSE;

  if (!is_container (container) || g_hash_table_size (self->arg_facts) == 0)
    return;
  for (guint i = 0; i < container->children->len; i++)
    {
      AgvizSceneItem *child = g_ptr_array_index (container->children, i);
      guint facts = GPOINTER_TO_UINT (g_hash_table_lookup (self->arg_facts, child));

      if (child->kind == AGVIZ_SCENE_ITEM_OP && !child->shadowed && (facts & ARG_FACT_USER_NAMED))
        any_user_named = TRUE;
    }
  for (guint i = 0; i < container->children->len; i++)
    {
      AgvizSceneItem *child = g_ptr_array_index (container->children, i);
      guint facts = GPOINTER_TO_UINT (g_hash_table_lookup (self->arg_facts, child));
      AgvizInputRole role;

      if (child->kind != AGVIZ_SCENE_ITEM_OP || child->shadowed || facts == 0)
        continue;
      role = _agviz_graph_rules_input_role (child->op_type,
                                            (facts & ARG_FACT_RESOURCE) ? "resource" : NULL,
                                            (facts & ARG_FACT_USER_NAMED) != 0, any_user_named);
      g_ptr_array_add (role == AGVIZ_INPUT_ROLE_CAPTURE ? captures : inputs, child);
    }
  for (guint k = 0; k < 2; k++)
    {
      GPtrArray *members = k == 0 ? inputs : captures;
      AgvizSceneItem *group;

      /* One input is clearer as its own box. */
      if (members->len < 2)
        continue;
      group = named_group_new (self, container, k == 0 ? "inputs" : "captures", members);
      for (guint i = 0; i < members->len; i++)
        g_hash_table_insert (member_of, g_ptr_array_index (members, i), group);
      g_ptr_array_add (groups, group);
    }
  replace_members (container, member_of);
}

/* Groups the children of the graph root @container that are connected to nothing in its main
 * part (by _agviz_graph_rules_unconnected()) into one "unconnected (N)", last among them and
 * added to @groups.  @edge_ends: pairs of ends (items below @container) of every edge of the
 * graph that lies inside it.  Positions must be current. */
static void
group_unconnected (AgvizScene     *self,
                   AgvizSceneItem *container,
                   GArray         *edge_ends,
                   GPtrArray      *groups)
{
  g_autoptr(GArray) sides = NULL;
  g_autoptr(GArray) weights = NULL;
  g_autoptr(GPtrArray) members = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  g_autofree gboolean *aside = NULL;
  AgvizSceneItem *group;

  if (container->kind != AGVIZ_SCENE_ITEM_ROOT || !is_container (container))
    return;
  sides = g_array_sized_new (FALSE, FALSE, sizeof (guint), edge_ends->len);
  for (guint e = 0; e + 1 < edge_ends->len; e += 2)
    {
      AgvizSceneItem *a_side, *b_side;

      if (edge_container (g_array_index (edge_ends, AgvizSceneItem *, e),
                          g_array_index (edge_ends, AgvizSceneItem *, e + 1),
                          &a_side, &b_side) != container || a_side == b_side)
        continue;
      g_array_append_val (sides, a_side->position);
      g_array_append_val (sides, b_side->position);
    }
  weights = g_array_sized_new (FALSE, FALSE, sizeof (gint64), container->children->len);
  for (guint i = 0; i < container->children->len; i++)
    g_array_append_val (weights, ((AgvizSceneItem *) g_ptr_array_index (container->children, i))->op_count);
  aside = _agviz_graph_rules_unconnected (container->children->len, (const gint64 *) weights->data,
                                          (const guint *) sides->data, sides->len / 2);
  if (aside == NULL)
    return;

  members = g_ptr_array_new ();
  kept = g_ptr_array_new ();
  for (guint i = 0; i < container->children->len; i++)
    g_ptr_array_add (aside[i] ? members : kept, g_ptr_array_index (container->children, i));
  group = named_group_new (self, container, "unconnected", members);
  g_ptr_array_add (kept, group);
  g_ptr_array_unref (container->children);
  container->children = g_steal_pointer (&kept);
  g_ptr_array_add (groups, group);
}

static void
group_series (AgvizScene     *self,
              AgvizSceneItem *container)
{
  g_autoptr(GHashTable) groups = NULL;   /* key -> GPtrArray of members */
  g_autoptr(GPtrArray) keys = NULL;      /* first-seen order, for determinism */
  g_autoptr(GHashTable) member_of = NULL; /* member -> series item */

  if (!is_container (container) || container->children->len < self->options.series_min_size)
    return;

  groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  keys = g_ptr_array_new ();
  for (guint i = 0; i < container->children->len; i++)
    {
      AgvizSceneItem *child = g_ptr_array_index (container->children, i);
      gsize base_length;
      g_autofree char *key = NULL;
      GPtrArray *members;

      if (child->shadowed)
        continue;
      split_numeric_suffix (child->name, &base_length);
      /* "add_3" groups under "add": drop the separator so the bare "add" joins its numbered
       * siblings. */
      if (base_length > 0 && (child->name[base_length - 1] == '_' ||
                              child->name[base_length - 1] == '-'))
        base_length--;
      key = series_key (child, base_length);
      if (key == NULL)
        continue;
      members = g_hash_table_lookup (groups, key);
      if (members == NULL)
        {
          members = g_ptr_array_new ();
          g_ptr_array_add (keys, key);
          g_hash_table_insert (groups, g_steal_pointer (&key), members);
        }
      g_ptr_array_add (members, child);
    }

  member_of = g_hash_table_new (NULL, NULL);
  for (guint k = 0; k < keys->len; k++)
    {
      GPtrArray *members = g_hash_table_lookup (groups, g_ptr_array_index (keys, k));
      AgvizSceneItem *first = g_ptr_array_index (members, 0);
      AgvizSceneItem *series;
      gint64 lo = G_MAXINT64, hi = G_MININT64;
      gsize base_length = 0;
      const char *base_name = NULL;
      gboolean has_number = FALSE;

      if (members->len < self->options.series_min_size)
        continue;
      for (guint i = 0; i < members->len; i++)
        {
          AgvizSceneItem *member = g_ptr_array_index (members, i);
          gsize member_base;
          gint64 n = split_numeric_suffix (member->name, &member_base);

          if (n < 0)
            n = 0;
          else if (!has_number)
            {
              has_number = TRUE;
              base_length = member_base;
              base_name = member->name;
            }
          lo = MIN (lo, n);
          hi = MAX (hi, n);
        }
      if (!has_number)
        continue;   /* same base, no numbers: these are not a run */
      series = display_group_new (self, AGVIZ_SCENE_ITEM_SERIES, container,
                                  g_strdup_printf ("%.*s[%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "]",
                                                   (int) base_length, base_name, lo, hi),
                                  (AgvizSceneItem **) members->pdata, members->len);
      series->op_type = first->kind == AGVIZ_SCENE_ITEM_OP ? first->op_type : NULL;
      for (guint i = 0; i < members->len; i++)
        g_hash_table_insert (member_of, g_ptr_array_index (members, i), series);
    }
  /* The series takes the place of its first member. */
  replace_members (container, member_of);
}

/* The lowest common ancestor of an edge's ends, and its children on each side. */
static AgvizSceneItem *
edge_container (AgvizSceneItem  *a,
                AgvizSceneItem  *b,
                AgvizSceneItem **a_side,
                AgvizSceneItem **b_side)
{
  AgvizSceneItem *pa = a, *pb = b;

  while (a->depth > b->depth)
    {
      pa = a;
      a = a->parent;
    }
  while (b->depth > a->depth)
    {
      pb = b;
      b = b->parent;
    }
  while (a != b)
    {
      /* Both ends are in one tree and at one depth: they meet at the root at the latest. */
      g_assert (a->parent != NULL && b->parent != NULL);
      pa = a;
      a = a->parent;
      pb = b;
      b = b->parent;
    }
  *a_side = pa;
  *b_side = pb;
  return a;
}

/* Sets the depth of every item under @root from its parent's, and each child's position.  Every
 * item that has a parent is visited: the children, and the annotations, which hang beside their
 * host but keep the scope they were taken out of as parent.  That scope is an ancestor of the
 * host, so parents always come first in this walk, and after it every depth is its parent's plus
 * one whatever moved where (edge_container() climbs by depth and relies on it).  Run after any
 * step that moves items: a container cut into sections pushes everything below it one deeper,
 * annotations taken out of it earlier included. */
static void
assign_depths (AgvizSceneItem *root)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  g_ptr_array_add (stack, root);
  while (stack->len > 0)
    {
      AgvizSceneItem *item = g_ptr_array_steal_index_fast (stack, stack->len - 1);

      item->depth = item->parent != NULL ? item->parent->depth + 1 : 0;
      if (item->annotations != NULL)
        for (guint a = 0; a < item->annotations->len; a++)
          g_ptr_array_add (stack, g_ptr_array_index (item->annotations, a));
      if (item->children != NULL)
        for (guint c = item->children->len; c-- > 0;)
          {
            AgvizSceneItem *child = g_ptr_array_index (item->children, c);

            g_assert (child->parent == item);
            child->position = c;
            g_ptr_array_add (stack, child);
          }
    }
}

static guint
pair_hash (gconstpointer key)
{
  const AgvizSceneItem *const *pair = key;
  return g_direct_hash (pair[0]) * 31 + g_direct_hash (pair[1]);
}

static gboolean
pair_equal (gconstpointer a,
            gconstpointer b)
{
  const AgvizSceneItem *const *x = a, *const *y = b;
  return x[0] == y[0] && x[1] == y[1];
}

/* Marks the auxiliary children of @container (see _agviz_graph_rules_is_auxiliary()), in
 * containers of at least aux_min_children children. */
static void
mark_auxiliary (AgvizScene     *self,
                AgvizSceneItem *container)
{
  g_autoptr(GArray) ins = NULL;
  g_autoptr(GArray) outs = NULL;
  AgvizDegreeLimits limits;
  guint n = container->children->len;

  if (n < self->options.aux_min_children)
    return;
  ins = g_array_sized_new (FALSE, FALSE, sizeof (guint), n);
  outs = g_array_sized_new (FALSE, FALSE, sizeof (guint), n);
  for (guint i = 0; i < n; i++)
    {
      AgvizSceneItem *child = g_ptr_array_index (container->children, i);
      g_array_append_val (ins, child->in_degree);
      g_array_append_val (outs, child->out_degree);
    }
  _agviz_graph_rules_degree_limits (ins, outs, &limits);

  for (guint i = 0; i < n; i++)
    {
      AgvizSceneItem *child = g_ptr_array_index (container->children, i);

      /* A group stands beside what it feeds, however many things that is. */
      if (child->kind == AGVIZ_SCENE_ITEM_GROUP)
        continue;
      if (_agviz_graph_rules_is_auxiliary (&limits, self->options.aux_min_degree,
                                           child->kind == AGVIZ_SCENE_ITEM_OP ? child->op_type : NULL,
                                           child->in_degree, child->out_degree))
        child->auxiliary = TRUE;
    }
}

/* Counts the edge from @src to @dst in the degrees of the sides of its ends, once per pair of
 * sides in @seen_pairs: degrees count distinct neighbours among siblings, as TensorBoard's
 * metagraph does. */
static void
count_degree (GHashTable     *seen_pairs,
              AgvizSceneItem *src,
              AgvizSceneItem *dst)
{
  AgvizSceneItem *a_side, *b_side, **pair;

  edge_container (src, dst, &a_side, &b_side);
  pair = g_new (AgvizSceneItem *, 2);
  pair[0] = a_side;
  pair[1] = b_side;
  if (!g_hash_table_add (seen_pairs, pair))
    return;
  a_side->out_degree++;
  b_side->in_degree++;
}

/* Cuts a container's main (non-auxiliary) children into sections of at most the cap, nested
 * when even the sections are too many, so no single layout grows past the cap. */
static void
split_sections (AgvizScene     *self,
                AgvizSceneItem *container)
{
  guint cap = MAX (self->options.section_max_children, 2);

  while (TRUE)
    {
      g_autoptr(GPtrArray) main_children = g_ptr_array_new ();
      g_autoptr(GPtrArray) kept = g_ptr_array_new ();
      guint n_sections;

      for (guint i = 0; i < container->children->len; i++)
        {
          AgvizSceneItem *child = g_ptr_array_index (container->children, i);
          g_ptr_array_add (child->auxiliary ? kept : main_children, child);
        }
      if (main_children->len <= cap)
        return;

      n_sections = (main_children->len + cap - 1) / cap;
      for (guint s = 0; s < n_sections; s++)
        {
          guint first = s * cap, last = MIN (first + cap, main_children->len);

          g_ptr_array_add (kept, display_group_new (self, AGVIZ_SCENE_ITEM_SECTION, container,
                                                    g_strdup_printf ("(section %u of %u)", s + 1,
                                                                     n_sections),
                                                    (AgvizSceneItem **) main_children->pdata + first,
                                                    last - first));
        }
      g_ptr_array_unref (container->children);
      container->children = g_steal_pointer (&kept);
    }
}

/* How one Const or *Summary op is tied to its siblings, from its edges. */
typedef struct
{
  AgvizSceneItem *host;          /* the one sibling at the other end of all its edges */
  guint           count;         /* its edges seen */
  gboolean        mixed;         /* not a pure embedding of one sibling */
} Embedding;

/* Whether @item may become an annotation (an op of a type _agviz_graph_rules_annotation_kind()
 * allows, which is a box of its own in every other way); *@out: one drawn after its host. */
static gboolean
is_annotation_type (const AgvizSceneItem *item,
                    gboolean             *out)
{
  AgvizAnnotationKind kind;

  if (item->kind != AGVIZ_SCENE_ITEM_OP || item->shadowed || item->callees != NULL ||
      item->children != NULL)
    return FALSE;
  kind = _agviz_graph_rules_annotation_kind (item->op_type);
  if (kind == AGVIZ_ANNOTATION_NONE)
    return FALSE;
  *out = kind == AGVIZ_ANNOTATION_OUT;
  return TRUE;
}

/* Whether @item can have annotations drawn beside it: an op that always stays a box.  A scope,
 * a series or a call op would lose them when opened, since an open box is drawn as a frame
 * around its children (TensorBoard embeds into op nodes only, for the same reason). */
static gboolean
can_host_annotations (const AgvizSceneItem *item)
{
  return item->kind == AGVIZ_SCENE_ITEM_OP && item->callees == NULL;
}

/* Notes @count edges between @end and @other (@end_side and @other_side: the edge's sides at
 * their lowest common ancestor).  @end_is_src: @end is the edge's source. */
static void
note_embedding (GHashTable     *embeddings,
                AgvizSceneItem *end,
                AgvizSceneItem *end_side,
                AgvizSceneItem *other,
                AgvizSceneItem *other_side,
                gboolean        end_is_src,
                guint           count)
{
  Embedding *embedding;
  gboolean out;

  if (!is_annotation_type (end, &out))
    return;
  embedding = g_hash_table_lookup (embeddings, end);
  if (embedding == NULL)
    {
      embedding = g_new0 (Embedding, 1);
      g_hash_table_insert (embeddings, end, embedding);
    }
  embedding->count += count;
  /* An edge leaving its container, the wrong way (into a Const, out of a summary), or to an op
   * inside a sibling scope or series ("dense/Const" feeding "dense/BiasAdd/BiasAdd"). */
  if (end_side != end || end_is_src == out || other_side != other || !can_host_annotations (other))
    embedding->mixed = TRUE;
  else if (embedding->host == NULL)
    embedding->host = other;
  else if (embedding->host != other)
    embedding->mixed = TRUE;
}

static int
compare_annotations (gconstpointer a,
                     gconstpointer b)
{
  const AgvizSceneItem *x = *(AgvizSceneItem **) a;
  const AgvizSceneItem *y = *(AgvizSceneItem **) b;

  if (x->annotation_out != y->annotation_out)
    return x->annotation_out ? 1 : -1;
  return compare_items_by_name (a, b);
}

/* Moves the children of @container that embed in one sibling out of its children, into that
 * sibling's annotations (TensorBoard's in/out embeddings). */
static void
extract_annotations (AgvizSceneItem *container,
                     GHashTable     *embeddings)
{
  g_autoptr(GPtrArray) kept = NULL;
  g_autoptr(GPtrArray) hosts = NULL;
  gboolean out = FALSE;

  if (g_hash_table_size (embeddings) == 0)
    return;
  kept = g_ptr_array_sized_new (container->children->len);
  hosts = g_ptr_array_new ();
  for (guint i = 0; i < container->children->len; i++)
    {
      AgvizSceneItem *child = g_ptr_array_index (container->children, i);
      Embedding *embedding = g_hash_table_lookup (embeddings, child);
      AgvizSceneItem *host = embedding != NULL ? embedding->host : NULL;
      gboolean host_out;

      /* The host stays a box: a Const feeding a lone summary keeps both. */
      if (host == NULL || embedding->mixed || host->parent != container ||
          is_annotation_type (host, &host_out))
        {
          g_ptr_array_add (kept, child);
          continue;
        }
      is_annotation_type (child, &out);
      child->annotation = TRUE;
      child->annotation_out = out;
      child->annotated = host;
      child->annotation_edges = embedding->count;
      /* The host's distinct neighbours, as the degree passes count them, lose this one. */
      if (out && host->out_degree > 0)
        host->out_degree--;
      else if (!out && host->in_degree > 0)
        host->in_degree--;
      if (host->annotations == NULL)
        {
          host->annotations = g_ptr_array_new ();
          g_ptr_array_add (hosts, host);
        }
      g_ptr_array_add (host->annotations, child);
    }
  if (kept->len == container->children->len)
    return;
  g_ptr_array_unref (container->children);
  container->children = g_steal_pointer (&kept);
  for (guint c = 0; c < container->children->len; c++)
    ((AgvizSceneItem *) g_ptr_array_index (container->children, c))->position = c;

  for (guint h = 0; h < hosts->len; h++)
    {
      GPtrArray *annotations = ((AgvizSceneItem *) g_ptr_array_index (hosts, h))->annotations;
      guint n_in = 0, n_out = 0;

      g_ptr_array_sort (annotations, compare_annotations);
      for (guint i = 0; i < annotations->len; i++)
        {
          AgvizSceneItem *annotation = g_ptr_array_index (annotations, i);
          guint shown = annotation->annotation_out ? n_out++ : n_in++;

          annotation->annotation_hidden = shown >= AGVIZ_SCENE_MAX_ANNOTATIONS;
        }
    }
}

/* Everything after loading: shadowed ops, order, counts, series, degrees, auxiliary nodes and
 * sections, for the subtree under @root (the trace or an inlined callee). */
static void
structure_subtree (AgvizScene     *self,
                   AgvizSceneItem *root,
                   guint           first_edge)
{
  g_autoptr(GPtrArray) order = list_preorder (root, FALSE);
  g_autoptr(GHashTable) seen_pairs = NULL;
  g_autoptr(GHashTable) embeddings = NULL;   /* op -> Embedding */
  g_autoptr(GPtrArray) groups = g_ptr_array_new ();
  g_autoptr(GArray) edge_ends = NULL;

  for (guint i = 0; i < order->len; i++)
    move_shadowed_ops (g_ptr_array_index (order, i));

  g_ptr_array_unref (order);
  order = list_preorder (root, FALSE);
  for (guint i = order->len; i-- > 0;)
    {
      AgvizSceneItem *item = g_ptr_array_index (order, i);

      if (!is_container (item))
        continue;
      g_ptr_array_sort (item->children, compare_items_by_name);
      if (item->kind != AGVIZ_SCENE_ITEM_OP)
        {
          item->op_count = 0;
          for (guint c = 0; c < item->children->len; c++)
            item->op_count += ((AgvizSceneItem *) g_ptr_array_index (item->children, c))->op_count;
        }
      group_inputs (self, item, groups);
      group_series (self, item);
    }
  assign_depths (root);

  edge_ends = g_array_new (FALSE, FALSE, sizeof (AgvizSceneItem *));
  for (guint e = first_edge; e < self->edges->len; e++)
    {
      SceneEdge *edge = &g_array_index (self->edges, SceneEdge, e);

      g_array_append_val (edge_ends, edge->src);
      g_array_append_val (edge_ends, edge->dst);
    }
  group_unconnected (self, root, edge_ends, groups);
  assign_depths (root);

  seen_pairs = g_hash_table_new_full (pair_hash, pair_equal, g_free, NULL);
  for (guint e = first_edge; e < self->edges->len; e++)
    {
      SceneEdge *edge = &g_array_index (self->edges, SceneEdge, e);

      count_degree (seen_pairs, edge->src, edge->dst);
    }

  if (self->options.annotations)
    {
      embeddings = g_hash_table_new_full (NULL, NULL, NULL, g_free);
      for (guint e = first_edge; e < self->edges->len; e++)
        {
          SceneEdge *edge = &g_array_index (self->edges, SceneEdge, e);
          AgvizSceneItem *a_side, *b_side;

          edge_container (edge->src, edge->dst, &a_side, &b_side);
          note_embedding (embeddings, edge->src, a_side, edge->dst, b_side, TRUE, 1);
          note_embedding (embeddings, edge->dst, b_side, edge->src, a_side, FALSE, 1);
        }
    }

  /* The list holds every container but the series made above (so series are never cut into
   * sections), parents first. */
  for (guint i = 0; i < order->len; i++)
    {
      AgvizSceneItem *item = g_ptr_array_index (order, i);

      if (!is_container (item) || item->kind == AGVIZ_SCENE_ITEM_OP)
        continue;
      if (embeddings != NULL)
        extract_annotations (item, embeddings);
      if (self->options.extract_auxiliary && item->kind != AGVIZ_SCENE_ITEM_SERIES)
        mark_auxiliary (self, item);
      split_sections (self, item);
    }
  /* Groups, made after that list, hold ops of one graph level: their own annotations and
   * sections, never side areas. */
  for (guint i = 0; i < groups->len; i++)
    {
      AgvizSceneItem *group = g_ptr_array_index (groups, i);

      if (embeddings != NULL)
        extract_annotations (group, embeddings);
      split_sections (self, group);
    }
  assign_depths (root);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static void
count_degrees (GArray *edges)
{
  g_autoptr(GHashTable) seen_pairs = g_hash_table_new_full (pair_hash, pair_equal, g_free, NULL);

  for (guint e = 0; e < edges->len; e++)
    {
      LazyEdge *edge = &g_array_index (edges, LazyEdge, e);

      count_degree (seen_pairs, edge->src, edge->dst);
    }
}

/* The item a scope_edges end stands for: a node id, or minus a child scope's id. */
static AgvizSceneItem *
lazy_end (GHashTable *nodes,
          GHashTable *scopes,
          gint64      end)
{
  gint64 id = end > 0 ? end : -end;

  return g_hash_table_lookup (end > 0 ? nodes : scopes, &id);
}

/* The annotations among the children of the scope @container read on its own: its edges give
 * each Const or summary op's neighbours among its siblings, and the store says whether those are
 * all of its edges (the whole-trace read sees every edge). */
static gboolean
find_lazy_annotations (AgvizScene      *self,
                       AgvizSceneItem  *container,
                       GArray          *edges,
                       GError         **error)
{
  g_autoptr(GHashTable) embeddings = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  GHashTableIter iter;
  gpointer key, value;

  for (guint e = 0; e < edges->len; e++)
    {
      LazyEdge *edge = &g_array_index (edges, LazyEdge, e);
      AgvizSceneItem *a_side, *b_side;

      edge_container (edge->src, edge->dst, &a_side, &b_side);
      note_embedding (embeddings, edge->src, a_side, edge->dst, b_side, TRUE, (guint) edge->count);
      note_embedding (embeddings, edge->dst, b_side, edge->src, a_side, FALSE, (guint) edge->count);
    }
  g_hash_table_iter_init (&iter, embeddings);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      AgvizSceneItem *item = key;
      Embedding *embedding = value;
      g_autoptr(GArray) inputs = NULL;
      g_autoptr(GArray) outputs = NULL;
      guint total = 0;

      if (embedding->mixed || embedding->host == NULL)
        continue;
      if (!agviz_store_list_node_edges (self->store, item->node_id, &inputs, &outputs, error))
        return FALSE;
      /* Self-loops are not edges of the scene (see add_edge_row()). */
      for (guint i = 0; i < inputs->len; i++)
        total += g_array_index (inputs, AgvizEdge, i).src_node_id != item->node_id;
      for (guint i = 0; i < outputs->len; i++)
        total += g_array_index (outputs, AgvizEdge, i).dst_node_id != item->node_id;
      if (total != embedding->count)
        embedding->mixed = TRUE;
    }
  extract_annotations (container, embeddings);
  return TRUE;
}

/* Reads the children of the scope (or trace root) @container: its sub-scopes as unread boxes with
 * the stored counts, its own nodes with their calls, then the same structuring the whole-trace
 * read does for one container (shadowed ops, order, series, degrees, auxiliary nodes, sections),
 * and keeps the edges between the children for the metaedges. */
static gboolean
load_scope (AgvizScene      *self,
            AgvizSceneItem  *container,
            GError         **error)
{
  g_autoptr(GPtrArray) scopes = NULL;
  g_autoptr(GHashTable) scope_items = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) nodes = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) own_scope = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GArray) intra = NULL;
  g_autoptr(GArray) node_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (LazyEdge));
  g_autoptr(GPtrArray) groups = g_ptr_array_new ();
  BuildState state = {
    .scene = self,
    .root = container,
    .scopes = own_scope,
    .nodes = nodes,
    .shape_cache = self->shape_cache,
  };

  g_assert (container->unloaded);
  container->unloaded = FALSE;
  container->node_count = 0;
  g_hash_table_insert (own_scope, &container->scope_id, container);

  if (!agviz_store_list_scope_children (self->store, container->scope_id, &scopes, NULL, error))
    return FALSE;
  for (guint i = 0; i < scopes->len; i++)
    {
      AgvizScope *scope = g_ptr_array_index (scopes, i);
      AgvizSceneItem *item = item_new (self, AGVIZ_SCENE_ITEM_SCOPE, container, g_strdup (scope->name));

      item->scope_id = scope->id;
      item->op_count = scope->descendant_count;
      item->node_count = scope->node_count;
      item->unloaded = scope->descendant_count > 0;
      g_hash_table_insert (scope_items, &item->scope_id, item);
    }
  /* A node of the parent named like this scope was moved in when the parent was read: it is one
   * of the nodes shown here. */
  if (container->children != NULL)
    for (guint i = 0; i < container->children->len; i++)
      {
        AgvizSceneItem *child = g_ptr_array_index (container->children, i);
        if (child->kind == AGVIZ_SCENE_ITEM_OP)
          g_hash_table_insert (nodes, &child->node_id, child);
      }
  if (!agviz_store_foreach_scope_node (self->store, container->scope_id, add_node_row, &state, error) ||
      !agviz_store_foreach_scope_call (self->store, container->scope_id, add_call_row, &state, error))
    return FALSE;

  {
    g_autoptr(AgvizSiblingScopes) sub_scopes = _agviz_sibling_scopes_new ();
    GHashTableIter iter;
    gpointer key, value;

    for (guint i = 0; i < scopes->len; i++)
      {
        AgvizScope *scope = g_ptr_array_index (scopes, i);

        _agviz_sibling_scopes_add (sub_scopes, container, scope->name, scope);
      }
    /* The nodes shown here, whose edges among themselves have no scope_edges row: not those that
     * move into a sub-scope of their name (their edges are rows, as the recorder shows them
     * there), but those moved in from the parent. */
    g_hash_table_iter_init (&iter, nodes);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        AgvizSceneItem *node = value;

        if (node->parent == container && !node->shadowed &&
            _agviz_sibling_scopes_find_shown_in (sub_scopes, container, node->name) != NULL)
          continue;
        g_array_append_val (node_ids, *(gint64 *) key);
      }
    /* Sorted ids: the store's answer, and so the degrees below, do not depend on hashing. */
    g_array_sort (node_ids, (GCompareFunc) compare_gint64);
  }
  rows = agviz_store_list_scope_edges (self->store, container->scope_id, error);
  if (rows == NULL)
    return FALSE;
  intra = agviz_store_list_edges_between (self->store, (const gint64 *) node_ids->data, node_ids->len,
                                          error);
  if (intra == NULL)
    return FALSE;

  for (guint i = 0; i < rows->len; i++)
    {
      AgvizScopeEdgeRow *row = &g_array_index (rows, AgvizScopeEdgeRow, i);
      LazyEdge edge = {
        .src = lazy_end (nodes, scope_items, row->src),
        .dst = lazy_end (nodes, scope_items, row->dst),
        .count = row->count,
        .control_count = row->control_count,
        .reference_count = row->reference_count,
        .tensor_elements = row->tensor_elements,
      };

      if (edge.src != NULL && edge.dst != NULL && edge.src != edge.dst)
        g_array_append_val (edges, edge);
    }
  for (guint i = 0; i < intra->len; i++)
    {
      AgvizEdge *raw = &g_array_index (intra, AgvizEdge, i);
      LazyEdge edge = {
        .src = g_hash_table_lookup (nodes, &raw->src_node_id),
        .dst = g_hash_table_lookup (nodes, &raw->dst_node_id),
        .count = 1,
        .control_count = raw->src_output < 0,
        .tensor_elements = -1,
      };

      if (edge.src == NULL || edge.dst == NULL || edge.src == edge.dst)
        continue;
      edge.reference_count = _agviz_graph_rules_is_reference_input (edge.dst->op_type,
                                                                    raw->dst_input);
      if (raw->src_output == 0 && edge.src->output_elements >= 0)
        edge.tensor_elements = edge.src->output_elements;
      g_array_append_val (edges, edge);
    }

  move_shadowed_ops (container);
  /* An op moved into a sub-scope counts there (the whole-trace read sums children), and the
   * scope's stored descendant count does not include it: such a scope is unread, so its children
   * are exactly the moved ops. */
  if (container->children != NULL)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, scope_items);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          AgvizSceneItem *scope = value;

          if (scope->children != NULL)
            for (guint c = 0; c < scope->children->len; c++)
              scope->op_count += ((AgvizSceneItem *) g_ptr_array_index (scope->children, c))->op_count;
        }
      g_ptr_array_sort (container->children, compare_items_by_name);
      group_inputs (self, container, groups);
      group_series (self, container);
    }
  assign_depths (container);
  if (container->children == NULL)
    return TRUE;

  /* An edge whose end is an unread scope holding the other end (hostile names only: an op moved
   * into a scope that holds a scope of the same name) cannot be placed without reading that scope;
   * it is left out. */
  for (guint e = edges->len; e-- > 0;)
    {
      LazyEdge *edge = &g_array_index (edges, LazyEdge, e);
      AgvizSceneItem *a_side, *b_side, *at;

      at = edge_container (edge->src, edge->dst, &a_side, &b_side);
      if (at == edge->src || at == edge->dst)
        g_array_remove_index (edges, e);
    }
  {
    g_autoptr(GArray) edge_ends = g_array_sized_new (FALSE, FALSE, sizeof (AgvizSceneItem *),
                                                     2 * edges->len);

    for (guint e = 0; e < edges->len; e++)
      {
        LazyEdge *edge = &g_array_index (edges, LazyEdge, e);

        g_array_append_val (edge_ends, edge->src);
        g_array_append_val (edge_ends, edge->dst);
      }
    group_unconnected (self, container, edge_ends, groups);
    assign_depths (container);
  }
  count_degrees (edges);

  if (self->options.annotations && !find_lazy_annotations (self, container, edges, error))
    return FALSE;
  for (guint i = 0; i < groups->len; i++)
    if (self->options.annotations &&
        !find_lazy_annotations (self, g_ptr_array_index (groups, i), edges, error))
      return FALSE;

  /* Like the whole-trace read: series are made after its list of containers, so they are never
   * cut into sections, and only the scope itself and its groups are. */
  if (self->options.extract_auxiliary)
    mark_auxiliary (self, container);
  split_sections (self, container);
  for (guint i = 0; i < groups->len; i++)
    split_sections (self, g_ptr_array_index (groups, i));
  assign_depths (container);
  g_hash_table_insert (self->lazy_edges, container, g_steal_pointer (&edges));
  return TRUE;
}

/* Reads what is below @item that is not read yet, without recursion. */
static gboolean
load_subtree (AgvizScene      *self,
              AgvizSceneItem  *item,
              GError         **error)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  g_ptr_array_add (stack, item);
  while (stack->len > 0)
    {
      AgvizSceneItem *it = g_ptr_array_steal_index_fast (stack, stack->len - 1);

      if (it->unloaded && !load_scope (self, it, error))
        return FALSE;
      /* Callee graphs are opened on request only. */
      if (it->children != NULL && it->kind != AGVIZ_SCENE_ITEM_OP)
        for (guint i = 0; i < it->children->len; i++)
          g_ptr_array_add (stack, g_ptr_array_index (it->children, i));
    }
  return TRUE;
}

static gboolean
load_trace_lazily (AgvizScene      *self,
                   AgvizTrace      *trace,
                   AgvizSceneItem  *root,
                   GError         **error)
{
  g_autoptr(AgvizScope) scope = agviz_store_get_scope (self->store, trace->root_scope_id, error);

  if (scope == NULL)
    return FALSE;
  root->trace_id = trace->id;
  root->scope_id = scope->id;
  root->op_count = scope->descendant_count;
  root->unloaded = TRUE;
  self->n_lazy_edges += trace->edge_count;
  return load_scope (self, root, error);
}

/* Removes an empty scope from the tree. */
static void
remove_empty_scope (AgvizScene     *self,
                    AgvizSceneItem *scope)
{
  g_assert (!is_container (scope) && scope->node_count == 0);
  g_ptr_array_remove (scope->parent->children, scope);
  item_free_shallow (scope);
  self->n_items--;
}

/* Moves the scopes of Grappler's inlined-call nodes ("Func/CALL/input", holding "_0", "_1" ...)
 * into the scope CALL they were inlined into, so that "Func" and the model's scopes do not feed
 * each other both ways; "Func" scopes left empty go.  Only for a trace read whole: one read per
 * scope has the edges between "Func" and CALL's scope as one scope_edges bundle, which cannot be
 * split without reading both. */
static void
move_inlined_calls (AgvizScene     *self,
                    AgvizSceneItem *root)
{
  g_autoptr(GPtrArray) order = NULL;
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  g_autoptr(AgvizSiblingScopes) scopes = _agviz_sibling_scopes_new ();   /* outside "Func" */
  AgvizSceneItem *func = NULL;

  for (guint i = 0; root->children != NULL && i < root->children->len; i++)
    {
      AgvizSceneItem *child = g_ptr_array_index (root->children, i);
      if (child->kind == AGVIZ_SCENE_ITEM_SCOPE && strcmp (child->name, "Func") == 0)
        func = child;
    }
  if (func == NULL)
    return;

  /* Only into the model's scopes, never one inlined node's scope into another's. */
  g_ptr_array_add (stack, root);
  while (stack->len > 0)
    {
      AgvizSceneItem *item = g_ptr_array_steal_index_fast (stack, stack->len - 1);

      for (guint i = 0; item->children != NULL && i < item->children->len; i++)
        {
          AgvizSceneItem *child = g_ptr_array_index (item->children, i);

          if (child->kind != AGVIZ_SCENE_ITEM_SCOPE || child == func)
            continue;
          _agviz_sibling_scopes_add (scopes, item, child->name, child);
          g_ptr_array_add (stack, child);
        }
    }

  order = list_preorder (func, FALSE);
  for (guint i = 0; i < order->len; i++)
    {
      AgvizSceneItem *scope = g_ptr_array_index (order, i);
      AgvizSceneItem *first, *target = root;
      g_autoptr(GPtrArray) call = NULL;    /* CALL's segments, innermost first */
      g_autofree char *first_path = NULL;
      gsize call_length;

      if (scope->kind != AGVIZ_SCENE_ITEM_SCOPE || !is_container (scope) ||
          scope->parent == func)
        continue;
      first = g_ptr_array_index (scope->children, 0);
      if (first->kind != AGVIZ_SCENE_ITEM_OP || first->name[0] != '_')
        continue;
      first_path = agviz_scene_item_dup_path (first);
      if (!_agviz_graph_rules_inlined_call (first_path, &call_length))
        continue;
      call = g_ptr_array_new ();
      for (AgvizSceneItem *it = scope->parent; it != func; it = it->parent)
        g_ptr_array_add (call, it->name);
      for (guint c = call->len; c-- > 0 && target != NULL;)
        target = _agviz_sibling_scopes_find_shown_in (scopes, target, g_ptr_array_index (call, c));
      /* A scope of that name already there keeps the inlined nodes where they were. */
      if (target == NULL || _agviz_sibling_scopes_find_shown_in (scopes, target, scope->name) != NULL)
        continue;
      g_ptr_array_remove (scope->parent->children, scope);
      scope->parent = target;
      scope->inlined = TRUE;
      if (target->children == NULL)
        target->children = g_ptr_array_new ();
      g_ptr_array_add (target->children, scope);
      _agviz_sibling_scopes_add (scopes, target, scope->name, scope);
    }

  /* Children after parents in the list: empty scopes go from the bottom up. */
  for (guint i = order->len; i-- > 0;)
    {
      AgvizSceneItem *scope = g_ptr_array_index (order, i);

      if (scope->kind == AGVIZ_SCENE_ITEM_SCOPE && !scope->inlined && !is_container (scope) &&
          scope->node_count == 0)
        remove_empty_scope (self, scope);
    }
}

static gboolean
load_trace (AgvizScene      *self,
            AgvizTrace      *trace,
            AgvizSceneItem  *root,
            GError         **error)
{
  BuildState state = {
    .scene = self,
    .root = root,
    .scopes = g_hash_table_new (g_int64_hash, g_int64_equal),
    .nodes = g_hash_table_new (g_int64_hash, g_int64_equal),
    .shape_cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL),
  };
  guint first_edge = self->edges->len;
  gint64 trace_id = trace->id;
  gboolean ok;

  if (self->mode != AGVIZ_SCENE_LOAD_WHOLE &&
      (self->mode == AGVIZ_SCENE_LOAD_LAZY || trace->node_count >= AGVIZ_SCOPE_EDGES_MIN_NODES))
    {
      g_autoptr(GError) local_error = NULL;

      if (agviz_store_trace_has_scope_edges (self->store, trace_id, &local_error))
        {
          g_hash_table_unref (state.scopes);
          g_hash_table_unref (state.nodes);
          g_hash_table_unref (state.shape_cache);
          return load_trace_lazily (self, trace, root, error);
        }
      if (local_error != NULL)
        {
          g_hash_table_unref (state.scopes);
          g_hash_table_unref (state.nodes);
          g_hash_table_unref (state.shape_cache);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  root->trace_id = trace_id;
  ok = agviz_store_foreach_trace_scope (self->store, trace_id, add_scope_row, &state, error) &&
       agviz_store_foreach_trace_node (self->store, trace_id, add_node_row, &state, error) &&
       agviz_store_foreach_trace_call (self->store, trace_id, add_call_row, &state, error) &&
       agviz_store_foreach_trace_edge (self->store, trace_id, add_edge_row, &state, error);
  g_hash_table_unref (state.scopes);
  g_hash_table_unref (state.nodes);
  g_hash_table_unref (state.shape_cache);
  if (!ok)
    return FALSE;

  move_inlined_calls (self, root);
  /* Depths first: the degree pass walks up by depth. */
  assign_depths (root);
  structure_subtree (self, root, first_edge);
  return TRUE;
}

AgvizScene *
agviz_scene_new (AgvizStore               *store,
                 gint64                    trace_id,
                 const AgvizSceneOptions  *options,
                 GError                  **error)
{
  return _agviz_scene_new_with_mode (store, trace_id, options, AGVIZ_SCENE_LOAD_AUTO, error);
}

AgvizScene *
_agviz_scene_new_with_mode (AgvizStore               *store,
                            gint64                    trace_id,
                            const AgvizSceneOptions  *options,
                            AgvizSceneLoadMode        mode,
                            GError                  **error)
{
  g_autoptr(AgvizScene) self = NULL;
  g_autoptr(AgvizTrace) trace = NULL;

  g_return_val_if_fail (AGVIZ_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  trace = agviz_store_get_trace (store, trace_id, error);
  if (trace == NULL)
    return NULL;

  self = g_object_new (AGVIZ_TYPE_SCENE, NULL);
  self->store = g_object_ref (store);
  self->trace_id = trace_id;
  self->mode = mode;
  if (options != NULL)
    self->options = *options;
  else
    agviz_scene_options_init (&self->options);
  self->root = item_new (self, AGVIZ_SCENE_ITEM_ROOT, NULL, g_strdup (trace->graph_name));
  self->root->expanded = TRUE;
  if (!load_trace (self, trace, self->root, error))
    return NULL;
  return g_steal_pointer (&self);
}

AgvizSceneItem *
agviz_scene_get_root (AgvizScene *self)
{
  g_return_val_if_fail (AGVIZ_IS_SCENE (self), NULL);
  return self->root;
}

gint64
agviz_scene_get_trace_id (AgvizScene *self)
{
  g_return_val_if_fail (AGVIZ_IS_SCENE (self), 0);
  return self->trace_id;
}

AgvizStore *
agviz_scene_get_store (AgvizScene *self)
{
  g_return_val_if_fail (AGVIZ_IS_SCENE (self), NULL);
  return self->store;
}

const AgvizSceneOptions *
agviz_scene_get_options (AgvizScene *self)
{
  g_return_val_if_fail (AGVIZ_IS_SCENE (self), NULL);
  return &self->options;
}

guint64
agviz_scene_get_n_items (AgvizScene *self)
{
  g_return_val_if_fail (AGVIZ_IS_SCENE (self), 0);
  return self->n_items;
}

guint64
agviz_scene_get_n_edges (AgvizScene *self)
{
  g_return_val_if_fail (AGVIZ_IS_SCENE (self), 0);
  return self->edges->len + self->n_lazy_edges;
}

char *
agviz_scene_item_dup_path (const AgvizSceneItem *item)
{
  g_autoptr(GPtrArray) segments = g_ptr_array_new ();
  const AgvizSceneItem *it = item;
  gboolean inlined = FALSE;
  GString *path;

  g_return_val_if_fail (item != NULL, NULL);

  while (it != NULL && it->parent != NULL)
    {
      inlined |= it->inlined;
      /* Series and sections are display groups: their members keep their own names. */
      if (it != item && is_display_group (it))
        {
          it = it->parent;
          continue;
        }
      g_ptr_array_add (segments, it->name);
      if (it->shadowed)
        {
          /* Skip the scope it was moved into: its real owner is that scope's parent. */
          it = it->parent;
          while (it != NULL && it->parent != NULL && is_display_group (it))
            it = it->parent;
        }
      it = it != NULL ? it->parent : NULL;
    }
  /* Drawn in the scope it was inlined into, named as Grappler named it. */
  if (inlined)
    g_ptr_array_add (segments, (gpointer) "Func");

  path = g_string_new (NULL);
  for (guint i = segments->len; i-- > 0;)
    {
      g_string_append (path, g_ptr_array_index (segments, i));
      if (i > 0)
        g_string_append_c (path, '/');
    }
  return g_string_free (path, FALSE);
}

GHashTable *
agviz_scene_item_dup_histogram (const AgvizSceneItem *item)
{
  g_autoptr(GPtrArray) order = NULL;
  GHashTable *histogram = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (item != NULL, NULL);

  order = list_preorder ((AgvizSceneItem *) item, FALSE);
  for (guint i = 0; i < order->len; i++)
    {
      AgvizSceneItem *it = g_ptr_array_index (order, i);

      /* Counting part of an unread subtree would show a wrong mix: nothing rather than that. */
      if (it->unloaded)
        {
          g_hash_table_remove_all (histogram);
          break;
        }
      /* An inlined callee is not part of the caller's op counts. */
      if (it->kind == AGVIZ_SCENE_ITEM_OP && it->trace_id == item->trace_id && it->op_type != NULL)
        {
          gsize count = GPOINTER_TO_SIZE (g_hash_table_lookup (histogram, it->op_type));
          g_hash_table_insert (histogram, (gpointer) it->op_type, GSIZE_TO_POINTER (count + 1));
        }
      /* Annotations are ops of the item's container, drawn beside their host. */
      if (it->annotations != NULL && it != item)
        for (guint a = 0; a < it->annotations->len; a++)
          {
            AgvizSceneItem *annotation = g_ptr_array_index (it->annotations, a);
            gsize count = GPOINTER_TO_SIZE (g_hash_table_lookup (histogram, annotation->op_type));

            g_hash_table_insert (histogram, (gpointer) annotation->op_type, GSIZE_TO_POINTER (count + 1));
          }
    }
  return histogram;
}

GPtrArray *
agviz_scene_item_get_annotations (const AgvizSceneItem *item)
{
  g_return_val_if_fail (item != NULL, NULL);
  return item->annotations;
}

gboolean
agviz_scene_item_is_expandable (const AgvizSceneItem *item)
{
  g_return_val_if_fail (item != NULL, FALSE);
  if (item->kind == AGVIZ_SCENE_ITEM_OP)
    return item->callees != NULL || is_container (item);
  return item->unloaded || is_container (item);
}

gboolean
agviz_scene_item_is_visible (const AgvizSceneItem *item)
{
  g_return_val_if_fail (item != NULL, FALSE);
  for (const AgvizSceneItem *it = item->parent; it != NULL; it = it->parent)
    if (!it->expanded)
      return FALSE;
  return TRUE;
}

static void
invalidate_edges (AgvizScene *self)
{
  g_clear_pointer (&self->edge_cache, g_hash_table_unref);
  g_clear_pointer (&self->aux_counts, g_hash_table_unref);
}

static guint
call_depth (const AgvizSceneItem *item)
{
  guint depth = 0;

  for (const AgvizSceneItem *it = item; it != NULL; it = it->parent)
    if (it->kind == AGVIZ_SCENE_ITEM_ROOT && it->parent != NULL)
      depth++;
  return depth;
}

static gboolean
is_on_call_path (const AgvizSceneItem *item,
                 gint64                trace_id)
{
  for (const AgvizSceneItem *it = item; it != NULL; it = it->parent)
    if (it->kind == AGVIZ_SCENE_ITEM_ROOT && it->trace_id == trace_id)
      return TRUE;
  return FALSE;
}

/* Opens a call op onto its callees: each callee graph becomes an expanded child root. */
static gboolean
load_callees (AgvizScene      *self,
              AgvizSceneItem  *item,
              GError         **error)
{
  item->callees_loaded = TRUE;
  if (call_depth (item) >= self->options.max_call_depth)
    return TRUE;
  for (guint i = 0; item->callees[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(AgvizTrace) trace = agviz_store_find_trace (self->store, item->callees[i],
                                                            &local_error);
      AgvizSceneItem *callee;

      if (trace == NULL)
        {
          /* A callee that was not recorded is a fact about the file, not a failure. */
          if (g_error_matches (local_error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_NOT_FOUND))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* Recursion (f calls f) stops here instead of unrolling forever. */
      if (is_on_call_path (item, trace->id))
        continue;
      callee = item_new (self, AGVIZ_SCENE_ITEM_ROOT, item, g_strdup (item->callees[i]));
      callee->expanded = TRUE;
      if (!load_trace (self, trace, callee, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
agviz_scene_expand (AgvizScene      *self,
                    AgvizSceneItem  *item,
                    GError         **error)
{
  g_return_val_if_fail (AGVIZ_IS_SCENE (self), FALSE);
  g_return_val_if_fail (item != NULL, FALSE);

  if (item->kind == AGVIZ_SCENE_ITEM_OP && item->callees != NULL && !item->callees_loaded)
    {
      if (!load_callees (self, item, error))
        return FALSE;
    }
  if (item->unloaded && !load_scope (self, item, error))
    return FALSE;
  if (!is_container (item) || item->expanded)
    return TRUE;
  item->expanded = TRUE;
  invalidate_edges (self);
  return TRUE;
}

void
agviz_scene_collapse (AgvizScene     *self,
                      AgvizSceneItem *item)
{
  g_return_if_fail (AGVIZ_IS_SCENE (self));
  g_return_if_fail (item != NULL);

  /* The root is the canvas itself. */
  if (item == self->root || !item->expanded)
    return;
  item->expanded = FALSE;
  invalidate_edges (self);
}

gboolean
agviz_scene_expand_to_depth (AgvizScene  *self,
                             guint        depth,
                             GError     **error)
{
  g_autoptr(GPtrArray) order = NULL;

  g_return_val_if_fail (AGVIZ_IS_SCENE (self), FALSE);

  /* Only what is open now or will be open is visited: a million-node scene stays cheap. */
  order = list_preorder (self->root, TRUE);
  for (guint i = 0; i < order->len; i++)
    {
      AgvizSceneItem *item = g_ptr_array_index (order, i);
      if (item->kind != AGVIZ_SCENE_ITEM_OP)
        item->expanded = item == self->root;
    }
  g_ptr_array_unref (order);
  order = g_ptr_array_new ();
  g_ptr_array_add (order, self->root);
  while (order->len > 0)
    {
      AgvizSceneItem *item = g_ptr_array_steal_index_fast (order, order->len - 1);

      /* Depth counts boxes the user sees; call ops keep their state. */
      if (item->kind == AGVIZ_SCENE_ITEM_OP || item->depth >= depth)
        continue;
      if (item->unloaded && !load_scope (self, item, error))
        {
          invalidate_edges (self);
          return FALSE;
        }
      if (!is_container (item))
        continue;
      item->expanded = TRUE;
      for (guint c = 0; c < item->children->len; c++)
        g_ptr_array_add (order, g_ptr_array_index (item->children, c));
    }
  invalidate_edges (self);
  return TRUE;
}

void
agviz_scene_expand_all (AgvizScene *self)
{
  g_autoptr(GPtrArray) order = NULL;

  g_autoptr(GError) error = NULL;

  g_return_if_fail (AGVIZ_IS_SCENE (self));

  /* No error to report here: a store that fails now leaves the unread scopes closed. */
  if (!load_subtree (self, self->root, &error))
    g_warning ("Could not read the whole trace: %s", error->message);
  order = list_preorder (self->root, FALSE);
  for (guint i = 0; i < order->len; i++)
    {
      AgvizSceneItem *item = g_ptr_array_index (order, i);
      if (item->kind != AGVIZ_SCENE_ITEM_OP && is_container (item))
        item->expanded = TRUE;
    }
  invalidate_edges (self);
}

/* The child of @container named @segment, looking through series and sections. */
static AgvizSceneItem *
find_child (AgvizSceneItem *container,
            const char     *segment,
            gboolean        want_scope)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  AgvizSceneItem *fallback = NULL;

  if (container->children == NULL)
    return NULL;
  g_ptr_array_add (stack, container);
  while (stack->len > 0)
    {
      AgvizSceneItem *it = g_ptr_array_steal_index_fast (stack, stack->len - 1);

      if (it->children == NULL)
        continue;
      for (guint i = 0; i < it->children->len; i++)
        {
          AgvizSceneItem *child = g_ptr_array_index (it->children, i);

          if (child->annotations != NULL)
            for (guint a = 0; a < child->annotations->len; a++)
              {
                AgvizSceneItem *annotation = g_ptr_array_index (child->annotations, a);

                if (strcmp (annotation->name, segment) != 0)
                  continue;
                if (!want_scope)
                  return annotation;
                if (fallback == NULL)
                  fallback = annotation;
              }
          if (is_display_group (child))
            {
              /* Its own name finds it too: `--expand "inputs (3)"` opens the group. */
              if (strcmp (child->name, segment) == 0)
                {
                  if (want_scope)
                    return child;
                  if (fallback == NULL)
                    fallback = child;
                }
              g_ptr_array_add (stack, child);
              continue;
            }
          if (strcmp (child->name, segment) != 0)
            continue;
          /* A scope and an op may share a name: prefer the scope while walking down. */
          if (want_scope == (child->kind != AGVIZ_SCENE_ITEM_OP) || child->kind == AGVIZ_SCENE_ITEM_ROOT)
            return child;
          if (fallback == NULL)
            fallback = child;
        }
    }
  return fallback;
}

AgvizSceneItem *
agviz_scene_find (AgvizScene  *self,
                  const char  *path,
                  GError     **error)
{
  g_auto(GStrv) segments = NULL;
  AgvizSceneItem *item;

  g_return_val_if_fail (AGVIZ_IS_SCENE (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (*path == '\0')
    return self->root;
  segments = g_strsplit (path, "/", -1);
  item = self->root;
  for (guint i = 0; segments[i] != NULL && item != NULL; i++)
    {
      gboolean last = segments[i + 1] == NULL;
      AgvizSceneItem *next;

      /* Reads only the scopes along the path, each through the (parent, name) index. */
      if (item->unloaded && !load_scope (self, item, error))
        return NULL;
      next = find_child (item, segments[i], !last);

      /* A bare name shared by a scope and an op finds the scope; the op, moved inside it, is
       * found by the scope's name once more ("dense/dense"), as its (dense) box shows. */
      item = next;
    }
  if (item == NULL && g_str_has_prefix (path, "Func/"))
    {
      /* An inlined call's node, drawn in the scope it was inlined into. */
      AgvizSceneItem *inlined = agviz_scene_find (self, path + 5, NULL);

      for (AgvizSceneItem *it = inlined; it != NULL; it = it->parent)
        if (it->inlined)
          return inlined;
    }
  if (item == NULL)
    g_set_error (error, AGVIZ_SCENE_ERROR, AGVIZ_SCENE_ERROR_NOT_FOUND,
                 "no node or scope named %s", path);
  return item;
}

AgvizSceneItem *
agviz_scene_find_node (AgvizScene  *self,
                       const char  *path,
                       GError     **error)
{
  AgvizSceneItem *item;

  g_return_val_if_fail (AGVIZ_IS_SCENE (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  item = agviz_scene_find (self, path, error);
  if (item != NULL && item->kind == AGVIZ_SCENE_ITEM_SCOPE)
    {
      gsize scope_length;
      AgvizSceneItem *own = find_child (item, _agviz_graph_rules_split_name (path, &scope_length),
                                        FALSE);

      /* The op the scope shadows, moved inside it, is the node of that name. */
      if (own != NULL && own->shadowed)
        return own;
    }
  return item;
}

void
agviz_scene_expand_path_to (AgvizScene     *self,
                            AgvizSceneItem *item)
{
  g_return_if_fail (AGVIZ_IS_SCENE (self));
  g_return_if_fail (item != NULL);

  for (AgvizSceneItem *it = item->parent; it != NULL; it = it->parent)
    {
      g_autoptr(GError) error = NULL;

      /* An op moved into an unread scope is found before that scope is read.  No error to
       * report here: a store that fails now leaves the scope showing only that op. */
      if (it->unloaded && !load_scope (self, it, &error))
        g_warning ("Could not read scope %s: %s", it->name, error->message);
      it->expanded = TRUE;
    }
  invalidate_edges (self);
}

static int
compare_scene_edges (gconstpointer a,
                     gconstpointer b)
{
  const AgvizSceneEdge *x = a, *y = b;

  /* By the ends' places among their siblings: stable across runs, unlike addresses. */
  if (x->src->position != y->src->position)
    return x->src->position < y->src->position ? -1 : 1;
  return x->dst->position < y->dst->position ? -1 : x->dst->position > y->dst->position;
}

static AgvizSceneEdge *
find_metaedge (AgvizScene     *self,
               GHashTable     *by_pair,
               AgvizSceneItem *container,
               AgvizSceneItem *a_side,
               AgvizSceneItem *b_side)
{
  GArray *list = g_hash_table_lookup (self->edge_cache, container);
  AgvizSceneItem **pair;
  gpointer index;

  if (list == NULL)
    {
      list = g_array_new (FALSE, TRUE, sizeof (AgvizSceneEdge));
      g_hash_table_insert (self->edge_cache, container, list);
    }
  pair = g_new (AgvizSceneItem *, 2);
  pair[0] = a_side;
  pair[1] = b_side;
  if (g_hash_table_lookup_extended (by_pair, pair, NULL, &index))
    {
      g_free (pair);
      return &g_array_index (list, AgvizSceneEdge, GPOINTER_TO_UINT (index));
    }
  else
    {
      AgvizSceneEdge fresh = { .src = a_side, .dst = b_side, .tensor_elements = -1 };

      g_array_append_val (list, fresh);
      g_hash_table_insert (by_pair, pair, GUINT_TO_POINTER (list->len - 1));
      return &g_array_index (list, AgvizSceneEdge, list->len - 1);
    }
}

/* Adds @edges (one edge, or a bundle read per scope) to the metaedge between the sides of their
 * ends in the container holding both, when that container is expanded and visible; edges of an
 * auxiliary end are only counted, and an annotation's are told in its title, beside its host. */
static void
add_to_metaedge (AgvizScene     *self,
                 GHashTable     *by_pair,
                 const LazyEdge *edges)
{
  AgvizSceneItem *a_side, *b_side, *container;
  AgvizSceneEdge *meta;

  container = edge_container (edges->src, edges->dst, &a_side, &b_side);
  if (!container->expanded || !agviz_scene_item_is_visible (container) ||
      a_side->annotation || b_side->annotation)
    return;
  if (a_side->auxiliary || b_side->auxiliary)
    {
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->aux_counts, container));
      g_hash_table_insert (self->aux_counts, container, GUINT_TO_POINTER (n + edges->count));
      return;
    }
  meta = find_metaedge (self, by_pair, container, a_side, b_side);
  meta->count += edges->count;
  meta->control_count += edges->control_count;
  meta->reference_count += edges->reference_count;
  if (edges->tensor_elements >= 0)
    meta->tensor_elements = MAX (meta->tensor_elements, 0) + edges->tensor_elements;
}

/* One pass over every edge fills the metaedges of all visible expanded containers: the edges of
 * the traces read whole, then those inside the scopes read one at a time, placed where series
 * and sections put their ends. */
static void
collect_edges (AgvizScene *self)
{
  g_autoptr(GHashTable) by_pair = g_hash_table_new_full (pair_hash, pair_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer value;

  self->edge_cache = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  self->aux_counts = g_hash_table_new (NULL, NULL);

  for (guint e = 0; e < self->edges->len; e++)
    {
      SceneEdge *edge = &g_array_index (self->edges, SceneEdge, e);
      LazyEdge one = {
        .src = edge->src,
        .dst = edge->dst,
        .count = 1,
        .control_count = edge->src_output < 0,
        .reference_count = edge->reference,
        .tensor_elements = edge->src_output == 0 ? edge->src->output_elements : -1,
      };

      add_to_metaedge (self, by_pair, &one);
    }

  g_hash_table_iter_init (&iter, self->lazy_edges);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GArray *edges = value;

      for (guint e = 0; e < edges->len; e++)
        add_to_metaedge (self, by_pair, &g_array_index (edges, LazyEdge, e));
    }
}

GArray *
agviz_scene_list_edges (AgvizScene     *self,
                        AgvizSceneItem *container,
                        guint          *n_aux_edges)
{
  GArray *cached, *result;

  g_return_val_if_fail (AGVIZ_IS_SCENE (self), NULL);
  g_return_val_if_fail (container != NULL, NULL);

  if (self->edge_cache == NULL)
    collect_edges (self);
  if (n_aux_edges != NULL)
    *n_aux_edges = GPOINTER_TO_UINT (g_hash_table_lookup (self->aux_counts, container));
  result = g_array_new (FALSE, TRUE, sizeof (AgvizSceneEdge));
  cached = g_hash_table_lookup (self->edge_cache, container);
  if (cached != NULL)
    {
      g_array_append_vals (result, cached->data, cached->len);
      g_array_sort (result, compare_scene_edges);
    }
  return result;
}

GPtrArray *
agviz_scene_list_expanded (AgvizScene *self)
{
  g_autoptr(GPtrArray) order = NULL;
  GPtrArray *expanded;

  g_return_val_if_fail (AGVIZ_IS_SCENE (self), NULL);

  order = list_preorder (self->root, TRUE);
  expanded = g_ptr_array_new ();
  for (guint i = 0; i < order->len; i++)
    {
      AgvizSceneItem *item = g_ptr_array_index (order, i);
      if (item->expanded && is_container (item))
        g_ptr_array_add (expanded, item);
    }
  return expanded;
}

/* Whether @ancestor is @item or above it, climbing by the depths already checked. */
static gboolean
is_ancestor_of (const AgvizSceneItem *ancestor,
                const AgvizSceneItem *item)
{
  while (item != NULL && item->depth > ancestor->depth)
    item = item->parent;
  return item == ancestor;
}

char *
_agviz_scene_check_tree (AgvizScene *self)
{
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GPtrArray) stack = NULL;

  g_return_val_if_fail (AGVIZ_IS_SCENE (self), NULL);

  if (self->root->parent != NULL || self->root->depth != 0)
    return g_strdup ("the root has a parent or a depth");
  seen = g_hash_table_new (NULL, NULL);
  stack = g_ptr_array_new ();
  g_hash_table_add (seen, self->root);
  g_ptr_array_add (stack, self->root);
  while (stack->len > 0)
    {
      AgvizSceneItem *item = g_ptr_array_steal_index_fast (stack, stack->len - 1);
      g_autofree char *path = agviz_scene_item_dup_path (item);

      for (guint c = 0; item->children != NULL && c < item->children->len; c++)
        {
          AgvizSceneItem *child = g_ptr_array_index (item->children, c);

          if (!g_hash_table_add (seen, child))
            return g_strdup_printf ("%s (%s) is in two places", child->name, path);
          if (child->parent != item)
            return g_strdup_printf ("child %u of %s, %s, has another parent", c, path, child->name);
          if (child->depth != item->depth + 1)
            return g_strdup_printf ("child %s of %s is at depth %u, its parent at %u", child->name,
                                    path, child->depth, item->depth);
          if (child->position != c)
            return g_strdup_printf ("child %u of %s, %s, says it is at %u", c, path, child->name,
                                    child->position);
          if (child->annotation)
            return g_strdup_printf ("annotation %s is a child of %s", child->name, path);
          g_ptr_array_add (stack, child);
        }
      if (item->annotations != NULL && !can_host_annotations (item))
        return g_strdup_printf ("%s has annotations, which its box would lose when opened", path);
      for (guint a = 0; item->annotations != NULL && a < item->annotations->len; a++)
        {
          AgvizSceneItem *annotation = g_ptr_array_index (item->annotations, a);

          if (!g_hash_table_add (seen, annotation))
            return g_strdup_printf ("annotation %s of %s is in two places", annotation->name, path);
          if (!annotation->annotation || annotation->annotated != item || annotation->children != NULL)
            return g_strdup_printf ("annotation %s of %s is not marked as one of its", annotation->name,
                                    path);
          if (annotation->parent == NULL || !is_ancestor_of (annotation->parent, item->parent))
            return g_strdup_printf ("annotation %s of %s belongs to no scope above it", annotation->name,
                                    path);
          if (annotation->depth != annotation->parent->depth + 1)
            return g_strdup_printf ("annotation %s of %s is at depth %u, its parent %s at %u",
                                    annotation->name, path, annotation->depth, annotation->parent->name,
                                    annotation->parent->depth);
        }
    }
  if (g_hash_table_size (seen) != self->n_items)
    return g_strdup_printf ("%u of the scene's %" G_GUINT64_FORMAT " items are reachable from the root",
                            g_hash_table_size (seen), self->n_items);
  return NULL;
}
