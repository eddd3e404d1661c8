/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-saved-object-tree.c: a SavedModel's SavedObjectGraph as the module tree of its functions
 * (FORMATS.md section 5.7; struct.proto for the signatures)
 */
#define G_LOG_DOMAIN "agviz-saved-object-tree"

#include "config.h"

#include <string.h>

#include "agviz-saved-object-tree.h"
#include "agviz-tf-values.h"

/* Signatures nest (tuples of dicts of lists); a crafted file may nest them arbitrarily deep. */
#define MAX_SIGNATURE_DEPTH 16

GPtrArray *
agviz_saved_object_paths (const AgvizTf__SavedObjectGraph  *objects,
                          GArray                          **parents_out)
{
  GPtrArray *array = g_ptr_array_new_full (objects->n_nodes + 1, g_free);
  g_autoptr(GArray) parents = g_array_sized_new (FALSE, FALSE, sizeof (int), objects->n_nodes);
  g_autoptr(GQueue) queue = g_queue_new ();
  char **paths;

  g_ptr_array_set_size (array, objects->n_nodes + 1);
  paths = (char **) array->pdata;
  for (gsize i = 0; i < objects->n_nodes; i++)
    {
      int none = -1;
      g_array_append_val (parents, none);
    }

  if (objects->n_nodes > 0)
    {
      paths[0] = g_strdup ("");
      g_queue_push_tail (queue, GUINT_TO_POINTER (0));
    }
  while (!g_queue_is_empty (queue))
    {
      guint id = GPOINTER_TO_UINT (g_queue_pop_head (queue));
      const AgvizTf__SavedObject *object = objects->nodes[id];

      for (gsize i = 0; i < object->n_children; i++)
        {
          const AgvizTf__SavedObject__ObjectReference *child = object->children[i];

          if (child->node_id < 0 || (gsize) child->node_id >= objects->n_nodes ||
              paths[child->node_id] != NULL)
            continue;
          paths[child->node_id] = *paths[id] == '\0'
                                    ? g_strdup (child->local_name)
                                    : g_strconcat (paths[id], ".", child->local_name, NULL);
          g_array_index (parents, int, child->node_id) = (int) id;
          g_queue_push_tail (queue, GUINT_TO_POINTER (child->node_id));
        }
    }
  if (parents_out != NULL)
    *parents_out = g_steal_pointer (&parents);
  return array;
}

static void
append_tensor_spec (GString                     *out,
                    const AgvizTf__TensorSpecProto *spec)
{
  g_autofree char *shape = agviz_tf_shape_to_string (spec->shape);

  g_string_append (out, agviz_tf_dtype_name (spec->dtype));
  /* An unknown rank says nothing a reader needs: "float32" alone, as graph signatures show it. */
  if (shape != NULL && !spec->shape->unknown_rank)
    g_string_append (out, shape);
}

static void append_value (GString                        *out,
                          const AgvizTf__StructuredValue *value,
                          guint                           depth);

static void
append_values (GString                               *out,
               gsize                                  n,
               AgvizTf__StructuredValue *const       *values,
               guint                                  depth)
{
  for (gsize i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      append_value (out, values[i], depth);
    }
}

static void
append_value (GString                        *out,
              const AgvizTf__StructuredValue *value,
              guint                           depth)
{
  if (value == NULL)
    return;
  if (depth >= MAX_SIGNATURE_DEPTH)
    {
      g_string_append (out, "…");
      return;
    }
  switch (value->kind_case)
    {
    case AGVIZ_TF__STRUCTURED_VALUE__KIND_NONE_VALUE:
      g_string_append (out, "None");
      break;
    case AGVIZ_TF__STRUCTURED_VALUE__KIND_FLOAT64_VALUE:
      {
        char number[G_ASCII_DTOSTR_BUF_SIZE];
        g_string_append (out, g_ascii_dtostr (number, sizeof number, value->float64_value));
        break;
      }
    case AGVIZ_TF__STRUCTURED_VALUE__KIND_INT64_VALUE:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) value->int64_value);
      break;
    case AGVIZ_TF__STRUCTURED_VALUE__KIND_STRING_VALUE:
      g_string_append_printf (out, "'%s'", value->string_value);
      break;
    case AGVIZ_TF__STRUCTURED_VALUE__KIND_BOOL_VALUE:
      g_string_append (out, value->bool_value ? "True" : "False");
      break;
    case AGVIZ_TF__STRUCTURED_VALUE__KIND_TENSOR_SHAPE_VALUE:
      {
        g_autofree char *shape = agviz_tf_shape_to_string (value->tensor_shape_value);
        g_string_append (out, shape != NULL ? shape : "?");
        break;
      }
    case AGVIZ_TF__STRUCTURED_VALUE__KIND_TENSOR_DTYPE_VALUE:
      g_string_append (out, agviz_tf_dtype_name (value->tensor_dtype_value));
      break;
    case AGVIZ_TF__STRUCTURED_VALUE__KIND_TENSOR_SPEC_VALUE:
      append_tensor_spec (out, value->tensor_spec_value);
      break;
    case AGVIZ_TF__STRUCTURED_VALUE__KIND_BOUNDED_TENSOR_SPEC_VALUE:
      append_tensor_spec (out, value->bounded_tensor_spec_value);
      break;
    case AGVIZ_TF__STRUCTURED_VALUE__KIND_TYPE_SPEC_VALUE:
      /* A composite tensor (RaggedTensorSpec, SparseTensorSpec): its class says enough. */
      g_string_append (out, value->type_spec_value->type_spec_class_name != NULL &&
                            *value->type_spec_value->type_spec_class_name != '\0'
                              ? value->type_spec_value->type_spec_class_name : "TypeSpec");
      break;
    case AGVIZ_TF__STRUCTURED_VALUE__KIND_LIST_VALUE:
      g_string_append_c (out, '[');
      append_values (out, value->list_value->n_values, value->list_value->values, depth + 1);
      g_string_append_c (out, ']');
      break;
    case AGVIZ_TF__STRUCTURED_VALUE__KIND_TUPLE_VALUE:
      g_string_append_c (out, '(');
      append_values (out, value->tuple_value->n_values, value->tuple_value->values, depth + 1);
      if (value->tuple_value->n_values == 1)
        g_string_append_c (out, ',');
      g_string_append_c (out, ')');
      break;
    case AGVIZ_TF__STRUCTURED_VALUE__KIND_DICT_VALUE:
      g_string_append_c (out, '{');
      for (gsize i = 0; i < value->dict_value->n_fields; i++)
        {
          g_string_append_printf (out, "%s'%s': ", i > 0 ? ", " : "",
                                  value->dict_value->fields[i]->key);
          append_value (out, value->dict_value->fields[i]->value, depth + 1);
        }
      g_string_append_c (out, '}');
      break;
    case AGVIZ_TF__STRUCTURED_VALUE__KIND_NAMED_TUPLE_VALUE:
      g_string_append_printf (out, "%s(", value->named_tuple_value->name);
      for (gsize i = 0; i < value->named_tuple_value->n_values; i++)
        {
          const AgvizTf__PairValue *pair = value->named_tuple_value->values[i];

          g_string_append_printf (out, "%s%s=", i > 0 ? ", " : "", pair->key);
          append_value (out, pair->value, depth + 1);
        }
      g_string_append_c (out, ')');
      break;
    default:
      g_string_append_c (out, '?');
      break;
    }
}

/* One argument of the call: a tensor is named by its spec ("x: float32[?,4]"), since that is the
 * parameter's name; anything else is its value. */
static void
append_argument (GString                        *out,
                 const char                     *keyword,
                 const AgvizTf__StructuredValue *value)
{
  const AgvizTf__TensorSpecProto *spec =
    value->kind_case == AGVIZ_TF__STRUCTURED_VALUE__KIND_TENSOR_SPEC_VALUE
      ? value->tensor_spec_value : NULL;

  if (keyword != NULL)
    g_string_append_printf (out, "%s=", keyword);
  else if (spec != NULL && spec->name != NULL && *spec->name != '\0')
    g_string_append_printf (out, "%s: ", spec->name);
  append_value (out, value, 1);
}

char *
agviz_saved_concrete_function_describe (const AgvizTf__SavedConcreteFunction *function)
{
  const AgvizTf__StructuredValue *inputs = function->canonicalized_input_signature;
  const AgvizTf__ListValue *call;
  g_autoptr(GString) out = NULL;
  guint n_written = 0;

  /* The canonical form is a pair: (positional arguments tuple, keyword arguments dict). */
  if (inputs == NULL || inputs->kind_case != AGVIZ_TF__STRUCTURED_VALUE__KIND_TUPLE_VALUE)
    return NULL;
  call = inputs->tuple_value;
  out = g_string_new ("(");
  for (gsize part = 0; part < call->n_values; part++)
    {
      const AgvizTf__StructuredValue *arguments = call->values[part];

      if (arguments == NULL)
        continue;
      if (arguments->kind_case == AGVIZ_TF__STRUCTURED_VALUE__KIND_TUPLE_VALUE ||
          arguments->kind_case == AGVIZ_TF__STRUCTURED_VALUE__KIND_LIST_VALUE)
        {
          const AgvizTf__ListValue *list = arguments->kind_case ==
                                             AGVIZ_TF__STRUCTURED_VALUE__KIND_TUPLE_VALUE
                                             ? arguments->tuple_value : arguments->list_value;
          for (gsize i = 0; i < list->n_values; i++)
            if (list->values[i] != NULL)
              {
                g_string_append (out, n_written++ > 0 ? ", " : "");
                append_argument (out, NULL, list->values[i]);
              }
        }
      else if (arguments->kind_case == AGVIZ_TF__STRUCTURED_VALUE__KIND_DICT_VALUE)
        {
          for (gsize i = 0; i < arguments->dict_value->n_fields; i++)
            if (arguments->dict_value->fields[i]->value != NULL)
              {
                const AgvizTf__StructuredValue *value = arguments->dict_value->fields[i]->value;
                const char *key = arguments->dict_value->fields[i]->key;
                const AgvizTf__TensorSpecProto *spec =
                  value->kind_case == AGVIZ_TF__STRUCTURED_VALUE__KIND_TENSOR_SPEC_VALUE
                    ? value->tensor_spec_value : NULL;

                g_string_append (out, n_written++ > 0 ? ", " : "");
                /* A signature's tensors come as keywords named like their specs: "x: ..." */
                append_argument (out, spec != NULL && g_strcmp0 (spec->name, key) == 0
                                        ? NULL : key, value);
              }
        }
    }
  g_string_append_c (out, ')');
  if (function->output_signature != NULL)
    {
      g_string_append (out, " -> ");
      append_value (out, function->output_signature, 1);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
is_function (const AgvizTf__SavedObject *object)
{
  return object->kind_case == AGVIZ_TF__SAVED_OBJECT__KIND_FUNCTION ||
         object->kind_case == AGVIZ_TF__SAVED_OBJECT__KIND_BARE_CONCRETE_FUNCTION;
}

static const char *
object_kind (const AgvizTf__SavedObject *object)
{
  switch (object->kind_case)
    {
    case AGVIZ_TF__SAVED_OBJECT__KIND_USER_OBJECT:
      return object->user_object->identifier;
    case AGVIZ_TF__SAVED_OBJECT__KIND_FUNCTION:
      return "function";
    case AGVIZ_TF__SAVED_OBJECT__KIND_BARE_CONCRETE_FUNCTION:
      return "concrete_function";
    default:
      return NULL;
    }
}

typedef struct
{
  const AgvizTf__SavedObjectGraph *objects;
  char                           **paths;
  AgvizGraphImporter              *graphs;
  AgvizRecorder                   *recorder;
  GHashTable                      *listed;      /* graph names a SavedFunction lists */
  GPtrArray                       *children;    /* per object: its tree children (GArray of TreeChild) */
  gboolean                        *wanted;      /* per object: it is or holds a function */
} TreeWalk;

/* A bare concrete function that is also one trace of a tf.function (TF lists it as the
 * function's "trace_0" child) is that tf.function's, not an object of its own. */
static gboolean
holds_own_function (TreeWalk *walk,
                    gsize     id)
{
  const AgvizTf__SavedObject *object = walk->objects->nodes[id];

  if (object->kind_case == AGVIZ_TF__SAVED_OBJECT__KIND_BARE_CONCRETE_FUNCTION)
    return !g_hash_table_contains (walk->listed,
                                   object->bare_concrete_function->concrete_function_name);
  return object->kind_case == AGVIZ_TF__SAVED_OBJECT__KIND_FUNCTION;
}

/* Links the function object @id names to @object_id, when the importer recorded a trace of it. */
static gboolean
link_function (TreeWalk  *walk,
               gsize      id,
               gint64     object_id,
               GError   **error)
{
  const AgvizTf__SavedObject *object = walk->objects->nodes[id];
  const char *name = walk->paths[id];
  gboolean imported = FALSE;
  gint64 function_id;

  if (object->kind_case == AGVIZ_TF__SAVED_OBJECT__KIND_FUNCTION)
    {
      for (gsize j = 0; j < object->function->n_concrete_functions; j++)
        imported |= agviz_graph_importer_find_function (
                      walk->graphs, object->function->concrete_functions[j]) != 0;
    }
  else
    imported = agviz_graph_importer_find_function (
                 walk->graphs, object->bare_concrete_function->concrete_function_name) != 0;
  if (!imported)
    return TRUE;
  /* Interned: the importer recorded the function under this very name (see
   * _agviz_import_saved_model()), so this finds its row. */
  function_id = agviz_recorder_add_function (walk->recorder, name, 0, 0, error);
  return function_id != 0 &&
         agviz_recorder_set_function_object (walk->recorder, function_id, object_id, error);
}

typedef struct
{
  int         id;
  const char *local_name;
  gint64      parent_object_id;
} TreeChild;

/* Pre-order, children in their order, with a stack of its own: a crafted file may nest objects
 * a million deep. */
static gboolean
record_tree (TreeWalk    *walk,
             const char  *root_name,
             GError     **error)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (TreeChild));
  TreeChild root = { 0, root_name, 0 };

  g_array_append_val (stack, root);
  while (stack->len > 0)
    {
      TreeChild item = g_array_index (stack, TreeChild, stack->len - 1);
      const AgvizTf__SavedObject *object = walk->objects->nodes[item.id];
      GArray *children = g_ptr_array_index (walk->children, item.id);
      gint64 object_id;

      g_array_set_size (stack, stack->len - 1);
      object_id = agviz_recorder_add_object (walk->recorder, item.parent_object_id,
                                             item.local_name, object_kind (object), error);
      if (object_id == 0)
        return FALSE;
      if (holds_own_function (walk, (gsize) item.id) &&
          !link_function (walk, (gsize) item.id, object_id, error))
        return FALSE;
      for (guint i = children != NULL ? children->len : 0; i > 0; i--)
        {
          TreeChild child = g_array_index (children, TreeChild, i - 1);

          child.parent_object_id = object_id;
          /* A nameless child has no path to show (TensorFlow writes none; a crafted file may). */
          if (walk->wanted[child.id] && child.local_name != NULL && *child.local_name != '\0')
            g_array_append_val (stack, child);
        }
    }
  return TRUE;
}

static void
free_children (gpointer children)
{
  if (children != NULL)
    g_array_unref (children);
}

gboolean
agviz_saved_object_tree_record (const AgvizTf__SavedObjectGraph  *objects,
                                char                            **paths,
                                GArray                           *parents,
                                const char                       *root_name,
                                AgvizGraphImporter               *graphs,
                                AgvizRecorder                    *recorder,
                                GError                          **error)
{
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) children = g_ptr_array_new_full (objects->n_nodes, free_children);
  g_autofree gboolean *wanted = g_new0 (gboolean, objects->n_nodes + 1);
  g_autofree gboolean *placed = g_new0 (gboolean, objects->n_nodes + 1);
  TreeWalk walk = { objects, paths, graphs, recorder, listed, children, wanted };

  if (objects->n_nodes == 0)
    return TRUE;

  for (gsize i = 0; i < objects->n_nodes; i++)
    {
      const AgvizTf__SavedObject *object = objects->nodes[i];

      g_ptr_array_add (children, NULL);
      if (object->kind_case == AGVIZ_TF__SAVED_OBJECT__KIND_FUNCTION)
        for (gsize j = 0; j < object->function->n_concrete_functions; j++)
          g_hash_table_add (listed, object->function->concrete_functions[j]);
    }

  /* Tree children in the order of each object's own children list: the object graph's order. */
  for (gsize i = 0; i < objects->n_nodes; i++)
    {
      const AgvizTf__SavedObject *object = objects->nodes[i];

      for (gsize c = 0; c < object->n_children; c++)
        {
          int child = object->children[c]->node_id;
          TreeChild entry = { child, object->children[c]->local_name, 0 };
          GArray **list;

          /* The child's first reference from its parent on the shortest path names it, as
           * agviz_saved_object_paths() does; another reference is the same object again. */
          if (child < 0 || (gsize) child >= objects->n_nodes ||
              g_array_index (parents, int, child) != (int) i || placed[child])
            continue;
          placed[child] = TRUE;
          list = (GArray **) &g_ptr_array_index (children, i);
          if (*list == NULL)
            *list = g_array_new (FALSE, FALSE, sizeof (TreeChild));
          g_array_append_val (*list, entry);
        }
    }

  /* Keep what is or leads to a function: the variables, trackable lists and slot wrappers that
   * make up most of a Keras object graph say nothing about where the traces come from. */
  for (gsize i = 0; i < objects->n_nodes; i++)
    if (is_function (objects->nodes[i]) && holds_own_function (&walk, i) && paths[i] != NULL)
      for (int id = (int) i; id >= 0 && !wanted[id]; id = g_array_index (parents, int, id))
        wanted[id] = TRUE;
  if (!wanted[0])
    return TRUE;
  if (!record_tree (&walk, root_name, error))
    return FALSE;

  for (gsize i = 0; i < objects->n_concrete_functions; i++)
    {
      const char *graph_name = objects->concrete_functions[i]->key;
      const AgvizTf__SavedConcreteFunction *function = objects->concrete_functions[i]->value;
      gint64 trace_id = agviz_graph_importer_find_function (graphs, graph_name);
      g_autofree char *signature = NULL;

      if (trace_id == 0 || function == NULL)
        continue;
      signature = agviz_saved_concrete_function_describe (function);
      if (signature != NULL &&
          !agviz_recorder_set_trace_call_signature (recorder, trace_id, signature, error))
        return FALSE;
    }
  return TRUE;
}
