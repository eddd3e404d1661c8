/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-graph-importer.c: GraphDef nodes, edges, calls and function libraries into traces */
#define G_LOG_DOMAIN "agviz-graph-importer"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "agviz-graph-importer.h"
#include "agviz-graph-rules.h"
#include "agviz-proto-decoder.h"
#include "agviz-string-hash.h"
#include "agviz-tf-values.h"

/* Attribute cache keys: bytes written by the key_append_* helpers below. */
typedef struct
{
  guint8 *data;
  gsize   length;
  gsize   size;
} AttrKey;

struct _AgvizGraphImporter
{
  AgvizRecorder    *recorder;
  AgvizImportStats *stats;
  GPtrArray        *warnings;
  AgvizDebugInfo   *debug_info;
  gint64            started_ns;

  GHashTable       *function_names;    /* graph name -> python function name */
  GHashTable       *signatures;        /* graph name -> signature text */
  GHashTable       *function_traces;   /* graph name -> trace id of functions added */
  GHashTable       *top_nodes;         /* trace id -> GHashTable name -> AgvizGraphNodeInfo */
  GHashTable       *op_names;          /* interned op type strings */
  GHashTable       *attr_cache;        /* AttrKey (its own key) -> a{sv} */
  GHashTable       *raw_attr_cache;    /* AttrKey of encoded attribute records -> a{sv} */
  AttrKey           attr_key;          /* the key being built */
  GString          *scratch;
  /* The node tables' values, carved out of large blocks: a graph's nodes are never freed one by
   * one, and freeing 100,000 small blocks took longer than writing a tenth of their rows. */
  GPtrArray        *node_info_blocks;
  guint8           *node_info_at;      /* the free end of the block being filled */
  gsize             node_info_left;    /* bytes free there */
};

#define NODE_INFO_BLOCK (256 * 1024)

/* Most nodes of a graph share their attributes (T, _output_shapes, ...): converting each set
 * once and finding it again by its wire bytes is cheaper than building the dictionary anew. */
#define ATTR_CACHE_MAX 65536
/* Encoded attribute records longer than this are not remembered (constants' tensors). */
#define RAW_ATTR_KEY_MAX 4096

/* Output arguments of common ops with more than one, so "node:arg:idx" inputs inside function
 * bodies find their output slot without TensorFlow's op registry; others count from 0. */
static const struct
{
  const char *op;
  const char *args[8];
} multi_output_ops[] = {
  { "Switch", { "output_false", "output_true" } },
  { "RefSwitch", { "output_false", "output_true" } },
  { "Merge", { "output", "value_index" } },
  { "RefMerge", { "output", "value_index" } },
  { "FusedBatchNorm", { "y", "batch_mean", "batch_variance", "reserve_space_1",
                        "reserve_space_2" } },
  { "FusedBatchNormV2", { "y", "batch_mean", "batch_variance", "reserve_space_1",
                          "reserve_space_2" } },
  { "FusedBatchNormV3", { "y", "batch_mean", "batch_variance", "reserve_space_1",
                          "reserve_space_2", "reserve_space_3" } },
  { "FusedBatchNormGradV3", { "x_backprop", "scale_backprop", "offset_backprop",
                              "reserve_space_4", "reserve_space_5" } },
  { "Unique", { "y", "idx" } },
  { "UniqueV2", { "y", "idx" } },
  { "UniqueWithCounts", { "y", "idx", "count" } },
  { "TopK", { "values", "indices" } },
  { "TopKV2", { "values", "indices" } },
  { "BroadcastGradientArgs", { "r0", "r1" } },
  { "LSTMBlockCell", { "i", "cs", "f", "o", "ci", "co", "h" } },
  { "Svd", { "s", "u", "v" } },
  { "Qr", { "q", "r" } },
  { "SoftmaxCrossEntropyWithLogits", { "loss", "backprop" } },
  { "SparseSoftmaxCrossEntropyWithLogits", { "loss", "backprop" } },
  { "MaxPoolWithArgmax", { "output", "argmax" } },
  { "QuantizeV2", { "output", "output_min", "output_max" } },
  { "TensorListPopBack", { "output_handle", "tensor" } },
};

static guint
attr_key_hash (gconstpointer key)
{
  const AttrKey *k = key;

  return agviz_bytes_hash (k->data, k->length);
}

static gboolean
attr_key_equal (gconstpointer a,
                gconstpointer b)
{
  const AttrKey *ka = a, *kb = b;

  return ka->length == kb->length && memcmp (ka->data, kb->data, ka->length) == 0;
}

/* Room for @length more bytes; returns where they go. */
static inline guint8 *
attr_key_grow (AttrKey *key,
               gsize    length)
{
  guint8 *at;

  if (key->size - key->length < length)
    {
      key->size = MAX (MAX (key->size * 2, key->length + length), 256);
      key->data = g_realloc (key->data, key->size);
    }
  at = key->data + key->length;
  key->length += length;
  return at;
}

static void
node_table_free (gpointer data)
{
  g_hash_table_unref (data);
}

AgvizGraphImporter *
agviz_graph_importer_new (AgvizRecorder    *recorder,
                          AgvizImportStats *stats,
                          GPtrArray        *warnings)
{
  AgvizGraphImporter *self;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (recorder), NULL);
  g_return_val_if_fail (stats != NULL && warnings != NULL, NULL);

  self = g_new0 (AgvizGraphImporter, 1);
  self->recorder = g_object_ref (recorder);
  self->stats = stats;
  self->warnings = warnings;
  self->function_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->signatures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->function_traces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->top_nodes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                           node_table_free);
  self->op_names = g_hash_table_new_full (agviz_string_hash, g_str_equal, g_free, NULL);
  self->attr_cache = g_hash_table_new_full (attr_key_hash, attr_key_equal, g_free,
                                            (GDestroyNotify) g_variant_unref);
  self->raw_attr_cache = g_hash_table_new_full (attr_key_hash, attr_key_equal, g_free,
                                                (GDestroyNotify) g_variant_unref);
  self->scratch = g_string_new (NULL);
  self->node_info_blocks = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
agviz_graph_importer_free (AgvizGraphImporter *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->recorder);
  g_hash_table_unref (self->function_names);
  g_hash_table_unref (self->signatures);
  g_hash_table_unref (self->function_traces);
  g_hash_table_unref (self->top_nodes);
  g_hash_table_unref (self->op_names);
  g_hash_table_unref (self->attr_cache);
  g_hash_table_unref (self->raw_attr_cache);
  g_free (self->attr_key.data);
  g_string_free (self->scratch, TRUE);
  g_ptr_array_unref (self->node_info_blocks);
  g_free (self);
}

/* Room for a node table value of @size bytes, living as long as the importer. */
static gpointer
node_info_alloc (AgvizGraphImporter *self,
                 gsize               size)
{
  guint8 *at;

  size = (size + 7) & ~(gsize) 7;
  if (size > NODE_INFO_BLOCK / 4)
    {
      /* A huge name gets a block of its own. */
      at = g_malloc (size);
      g_ptr_array_add (self->node_info_blocks, at);
      return at;
    }
  if (self->node_info_left < size)
    {
      self->node_info_at = g_malloc (NODE_INFO_BLOCK);
      self->node_info_left = NODE_INFO_BLOCK;
      g_ptr_array_add (self->node_info_blocks, self->node_info_at);
    }
  at = self->node_info_at;
  self->node_info_at += size;
  self->node_info_left -= size;
  return at;
}

void
agviz_graph_importer_set_debug_info (AgvizGraphImporter *self,
                                     AgvizDebugInfo     *debug_info)
{
  g_return_if_fail (self != NULL);
  self->debug_info = debug_info;
}

void
agviz_graph_importer_set_started_ns (AgvizGraphImporter *self,
                                     gint64              started_ns)
{
  g_return_if_fail (self != NULL);
  self->started_ns = started_ns;
}

void
agviz_graph_importer_name_function (AgvizGraphImporter *self,
                                    const char         *graph_name,
                                    const char         *function_name,
                                    const char         *signature)
{
  g_return_if_fail (self != NULL && graph_name != NULL);

  if (function_name != NULL)
    g_hash_table_insert (self->function_names, g_strdup (graph_name), g_strdup (function_name));
  if (signature != NULL)
    g_hash_table_insert (self->signatures, g_strdup (graph_name), g_strdup (signature));
}

GHashTable *
agviz_graph_importer_get_nodes (AgvizGraphImporter *self,
                                gint64              trace_id)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_hash_table_lookup (self->top_nodes, &trace_id);
}

gint64
agviz_graph_importer_find_function (AgvizGraphImporter *self,
                                    const char         *graph_name)
{
  g_return_val_if_fail (self != NULL && graph_name != NULL, 0);
  return (gint64) (gintptr) g_hash_table_lookup (self->function_traces, graph_name);
}

/* The number TensorFlow appended to a function graph's name (its uid), or -1. */
static gint64
trailing_number (const char *name,
                 gsize      *digits_start)
{
  gsize start = 0;
  gint64 number = _agviz_graph_rules_numeric_suffix (name, 18, &start);

  if (number < 0 || name[start - 1] != '_')
    return -1;
  if (digits_start != NULL)
    *digits_start = start - 1;
  return number;
}

char *
agviz_function_name_for_graph (const char *graph_name)
{
  /* Only the names TensorFlow gives concrete functions carry its uids: __inference_f_12
   * (f's trace), __forward_f_12, __backward_f_12_34.  Any other name is a function of its own
   * (cond_true_12 is one branch's body, block_1 one layer's), and stripping its number would
   * merge distinct functions into one "traced N times". */
  static const struct { const char *prefix; guint numbers; gboolean keep_prefix; } uids[] = {
    { "__inference_", 1, FALSE }, { "__forward_", 1, TRUE }, { "__backward_", 2, TRUE },
  };
  g_autofree char *name = NULL;
  gsize cut;

  g_return_val_if_fail (graph_name != NULL, NULL);

  for (guint u = 0; u < G_N_ELEMENTS (uids); u++)
    {
      gsize prefix_length = strlen (uids[u].prefix);

      if (!g_str_has_prefix (graph_name, uids[u].prefix))
        continue;
      name = g_strdup (graph_name + (uids[u].keep_prefix ? 0 : prefix_length));
      for (guint round = 0; round < uids[u].numbers; round++)
        {
          if (trailing_number (name, &cut) < 0 ||
              cut <= (uids[u].keep_prefix ? prefix_length : 0))
            break;
          name[cut] = '\0';
        }
      if (*name == '\0')
        break;
      return g_steal_pointer (&name);
    }
  return g_strdup (graph_name);
}

/* Keeps @message (transfer full) among the import's warnings. */
static void
add_warning (AgvizGraphImporter *self,
             char               *message)
{
  g_ptr_array_add (self->warnings, message);
  self->stats->warnings++;
}

static const char *
intern_op (AgvizGraphImporter *self,
           const char         *op)
{
  const char *interned = g_hash_table_lookup (self->op_names, op);

  if (interned == NULL)
    {
      char *copy = g_strdup (op);
      g_hash_table_insert (self->op_names, copy, copy);
      interned = copy;
    }
  return interned;
}

/* ---- one graph --------------------------------------------------------------------------- */

/* The state of one trace being filled: a top-level graph or one function body. */
typedef struct
{
  AgvizGraphImporter *importer;
  const AgvizTf__FunctionDefLibrary *library;
  GHashTable         *library_index;   /* FunctionDef name -> FunctionDef */
  gint64              trace_id;
  const char         *function;        /* NULL for the top-level graph */
  GHashTable         *nodes;           /* node name -> AgvizGraphNodeInfo */
  GHashTable         *args;            /* arg name -> node id (function bodies only) */
  guint               missing_inputs;
  char               *first_missing;
  /* Set while nodes are added before their stacks are known (a GraphDebugInfo still being read
   * on another thread): the nodes, and the names their stacks are asked for by. */
  GArray             *deferred_stacks;   /* DeferredStack */
  GString            *deferred_names;
} GraphState;

typedef struct
{
  gint64 node_id;
  gsize  name_offset;      /* in GraphState.deferred_names */
} DeferredStack;

static void
graph_state_clear (GraphState *state)
{
  g_clear_pointer (&state->nodes, g_hash_table_unref);
  g_clear_pointer (&state->args, g_hash_table_unref);
  g_clear_pointer (&state->first_missing, g_free);
  g_clear_pointer (&state->deferred_stacks, g_array_unref);
  if (state->deferred_names != NULL)
    g_string_free (g_steal_pointer (&state->deferred_names), TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GraphState, graph_state_clear)

static GVariant *
build_node_attrs (const AgvizTf__NodeDef *node)
{
  GVariantBuilder builder;
  gboolean any = node->n_attr > 0;
  const AgvizTf__NodeDef__ExperimentalDebugInfo *info = node->experimental_debug_info;

  if (info != NULL && (info->n_original_node_names > 0 || info->n_original_func_names > 0))
    any = TRUE;
  if (!any)
    return NULL;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  agviz_tf_attrs_add (&builder, node->n_attr, (AgvizTfAttrEntry *const *) node->attr);
  if (info != NULL && info->n_original_node_names > 0)
    g_variant_builder_add (&builder, "{sv}", "_original_node_names",
                           agviz_tf_text_array_variant (info->original_node_names,
                                                        info->n_original_node_names));
  if (info != NULL && info->n_original_func_names > 0)
    g_variant_builder_add (&builder, "{sv}", "_original_func_names",
                           agviz_tf_text_array_variant (info->original_func_names,
                                                        info->n_original_func_names));
  return g_variant_builder_end (&builder);
}

/* Cache keys for the common attribute values, built field by field: packing every node's
 * attributes with protobuf-c only to look them up cost more than the rest of the node.  Every
 * variable-length part is length-prefixed, so different values never give the same key. */
static inline void
key_append_u64 (AttrKey *key,
                guint64  value)
{
  memcpy (attr_key_grow (key, sizeof value), &value, sizeof value);
}

static inline void
key_append_data (AttrKey    *key,
                 const void *data,
                 gsize       length)
{
  key_append_u64 (key, length);
  if (length > 0)
    memcpy (attr_key_grow (key, length), data, length);
}

static void
key_append_shape (AttrKey                         *key,
                  const AgvizTf__TensorShapeProto *shape)
{
  if (shape == NULL)
    {
      key_append_u64 (key, G_MAXUINT64);
      return;
    }
  key_append_u64 (key, shape->n_dim);
  key_append_u64 (key, shape->unknown_rank);
  for (gsize i = 0; i < shape->n_dim; i++)
    {
      const char *name = shape->dim[i]->name != NULL ? shape->dim[i]->name : "";

      key_append_u64 (key, (guint64) shape->dim[i]->size);
      key_append_data (key, name, strlen (name));
    }
}

/* FALSE for values it does not cover (tensors, functions): those are packed instead. */
static gboolean
key_append_attr_value (AttrKey                  *key,
                       const AgvizTf__AttrValue *value)
{
  const AgvizTf__AttrValue__ListValue *list = value->list;
  guint32 bits;

  key_append_u64 (key, value->value_case);
  switch (value->value_case)
    {
    case AGVIZ_TF__ATTR_VALUE__VALUE__NOT_SET:
      return TRUE;
    case AGVIZ_TF__ATTR_VALUE__VALUE_S:
      key_append_data (key, value->s.data, value->s.len);
      return TRUE;
    case AGVIZ_TF__ATTR_VALUE__VALUE_I:
      key_append_u64 (key, (guint64) value->i);
      return TRUE;
    case AGVIZ_TF__ATTR_VALUE__VALUE_F:
      memcpy (&bits, &value->f, sizeof bits);
      key_append_u64 (key, bits);
      return TRUE;
    case AGVIZ_TF__ATTR_VALUE__VALUE_B:
      key_append_u64 (key, value->b);
      return TRUE;
    case AGVIZ_TF__ATTR_VALUE__VALUE_TYPE:
      key_append_u64 (key, (guint64) value->type);
      return TRUE;
    case AGVIZ_TF__ATTR_VALUE__VALUE_SHAPE:
      key_append_shape (key, value->shape);
      return TRUE;
    case AGVIZ_TF__ATTR_VALUE__VALUE_PLACEHOLDER:
      key_append_data (key, value->placeholder, value->placeholder != NULL
                                                  ? strlen (value->placeholder) : 0);
      return TRUE;
    case AGVIZ_TF__ATTR_VALUE__VALUE_LIST:
      if (list == NULL || list->n_tensor > 0 || list->n_func > 0)
        return FALSE;
      key_append_u64 (key, list->n_s);
      for (gsize i = 0; i < list->n_s; i++)
        key_append_data (key, list->s[i].data, list->s[i].len);
      key_append_data (key, list->i, list->n_i * sizeof (gint64));
      key_append_data (key, list->f, list->n_f * sizeof (float));
      key_append_data (key, list->b, list->n_b * sizeof (protobuf_c_boolean));
      key_append_data (key, list->type, list->n_type * sizeof (list->type[0]));
      key_append_u64 (key, list->n_shape);
      for (gsize i = 0; i < list->n_shape; i++)
        key_append_shape (key, list->shape[i]);
      return TRUE;
    default:
      return FALSE;
    }
}

static GVariant *
node_attrs (AgvizGraphImporter     *self,
            const AgvizTf__NodeDef *node)
{
  AttrKey *key = &self->attr_key;
  GVariant *attrs;

  if (node->n_attr == 0 && node->experimental_debug_info == NULL)
    return NULL;

  /* The key: each attribute's name and value, plus the debug info when present. */
  key->length = 0;
  for (gsize i = 0; i < node->n_attr; i++)
    {
      gsize length = strlen (node->attr[i]->key) + 1;
      gsize size, start;

      memcpy (attr_key_grow (key, length), node->attr[i]->key, length);
      /* 1: the value field by field; 0: packed, for the values that is not written for. */
      start = key->length;
      *attr_key_grow (key, 1) = 1;
      if (node->attr[i]->value != NULL && key_append_attr_value (key, node->attr[i]->value))
        continue;
      key->data[start] = 0;
      key->length = start + 1;
      size = node->attr[i]->value != NULL
               ? protobuf_c_message_get_packed_size (&node->attr[i]->value->base) : 0;
      key_append_u64 (key, size);
      if (size > 0)
        protobuf_c_message_pack (&node->attr[i]->value->base, attr_key_grow (key, size));
    }
  if (node->experimental_debug_info != NULL)
    {
      gsize size = protobuf_c_message_get_packed_size (&node->experimental_debug_info->base);

      *attr_key_grow (key, 1) = 0xff;
      protobuf_c_message_pack (&node->experimental_debug_info->base, attr_key_grow (key, size));
    }

  attrs = g_hash_table_lookup (self->attr_cache, key);
  if (attrs != NULL)
    return g_variant_ref (attrs);

  attrs = build_node_attrs (node);
  if (attrs == NULL)
    return NULL;
  g_variant_ref_sink (attrs);
  if (g_hash_table_size (self->attr_cache) < ATTR_CACHE_MAX)
    {
      AttrKey *stored = g_malloc (sizeof (AttrKey) + key->length);

      stored->data = (guint8 *) (stored + 1);
      stored->length = stored->size = key->length;
      memcpy (stored->data, key->data, key->length);
      g_hash_table_insert (self->attr_cache, stored, g_variant_ref (attrs));
    }
  return attrs;
}

static gint64
stack_for (GraphState  *state,
           const char  *node,
           GError     **error)
{
  AgvizDebugInfo *info = state->importer->debug_info;

  if (info == NULL)
    return 0;
  return agviz_debug_info_get_stack (info, state->importer->recorder, node, state->function,
                                     error);
}

/* Adds a node under @name, or under name_1, name_2, ... when the name is taken (function
 * arguments may share names with body nodes). */
static gint64
add_node (GraphState  *state,
          const char  *name,
          const char  *op,
          const char  *device,
          GVariant    *attrs,
          gint64       stack_id,
          GError     **error)
{
  AgvizGraphImporter *self = state->importer;
  /* Takes @attrs (floating or a full reference). */
  g_autoptr(GVariant) owned = attrs != NULL ? g_variant_take_ref (attrs) : NULL;
  g_autofree char *unique = NULL;
  gint64 id;

  for (guint attempt = 1; g_hash_table_contains (state->nodes, name); attempt++)
    {
      g_free (unique);
      unique = g_strdup_printf ("%s_%u", name, attempt);
      if (!g_hash_table_contains (state->nodes, unique))
        name = unique;
    }

  id = agviz_recorder_add_node (self->recorder, state->trace_id, name, op, device, owned,
                                stack_id, error);
  if (id != 0)
    {
      /* The info and its name in one block, freed with the importer's blocks. */
      gsize name_size = strlen (name) + 1;
      AgvizGraphNodeInfo *info = node_info_alloc (self, sizeof (AgvizGraphNodeInfo) + name_size);
      char *key = (char *) (info + 1);

      info->id = id;
      info->op_type = intern_op (self, op);
      memcpy (key, name, name_size);
      g_hash_table_insert (state->nodes, key, info);
      self->stats->nodes++;
      if (stack_id != 0)
        self->stats->nodes_with_stacks++;
    }
  return id;
}

static gboolean
add_calls (GraphState              *state,
           gint64                   node_id,
           const AgvizTf__NodeDef  *node,
           GError                 **error)
{
  AgvizGraphImporter *self = state->importer;

  for (gsize i = 0; i < node->n_attr; i++)
    {
      const AgvizTf__AttrValue *value = node->attr[i]->value;
      const char *key = node->attr[i]->key;

      if (value == NULL)
        continue;
      if (value->value_case == AGVIZ_TF__ATTR_VALUE__VALUE_FUNC &&
          value->func->name != NULL && *value->func->name != '\0')
        {
          if (!agviz_recorder_add_call (self->recorder, state->trace_id, node_id, key,
                                        value->func->name, error))
            return FALSE;
          self->stats->calls++;
        }
      else if (value->value_case == AGVIZ_TF__ATTR_VALUE__VALUE_LIST)
        {
          for (gsize j = 0; j < value->list->n_func; j++)
            {
              g_autofree char *role = g_strdup_printf ("%s[%" G_GSIZE_FORMAT "]", key, j);

              if (value->list->func[j]->name == NULL || *value->list->func[j]->name == '\0')
                continue;
              if (!agviz_recorder_add_call (self->recorder, state->trace_id, node_id, role,
                                            value->list->func[j]->name, error))
                return FALSE;
              self->stats->calls++;
            }
        }
    }

  /* A node whose op is a library function calls it directly. */
  if (state->library_index != NULL && g_hash_table_contains (state->library_index, node->op))
    {
      if (!agviz_recorder_add_call (self->recorder, state->trace_id, node_id, "op", node->op,
                                    error))
        return FALSE;
      self->stats->calls++;
    }
  return TRUE;
}

/* The flat output slot of output argument @arg of a node running @op, or -1 when unknown. */
static int
output_arg_offset (GraphState *state,
                   const char *op,
                   const char *arg)
{
  const AgvizTf__FunctionDef *callee;

  if (state->library_index != NULL &&
      (callee = g_hash_table_lookup (state->library_index, op)) != NULL &&
      callee->signature != NULL)
    {
      for (gsize i = 0; i < callee->signature->n_output_arg; i++)
        if (g_strcmp0 (callee->signature->output_arg[i]->name, arg) == 0)
          return (int) i;
      return -1;
    }
  for (guint i = 0; i < G_N_ELEMENTS (multi_output_ops); i++)
    {
      if (strcmp (multi_output_ops[i].op, op) != 0)
        continue;
      for (guint j = 0; j < G_N_ELEMENTS (multi_output_ops[i].args) &&
           multi_output_ops[i].args[j] != NULL; j++)
        if (strcmp (multi_output_ops[i].args[j], arg) == 0)
          return (int) j;
      return -1;
    }
  return -1;
}

static gboolean
parse_slot (const char *text,
            int        *slot)
{
  char *end;
  gint64 value;

  if (*text == '\0' || !g_ascii_isdigit (*text))
    return FALSE;
  value = g_ascii_strtoll (text, &end, 10);
  if (*end != '\0' || value > G_MAXINT32)
    return FALSE;
  *slot = (int) value;
  return TRUE;
}

/* Resolves an input string ("node", "node:1", "^node", "node:out_arg:0", or an argument
 * name in function bodies) to the node and output it names; FALSE when it names nothing. */
static gboolean
resolve_input (GraphState  *state,
               const char  *input,
               gint64      *src_id,
               int         *src_output)
{
  gboolean control = input[0] == '^';
  const char *name = control ? input + 1 : input;
  const char *first_colon = strchr (name, ':');
  const char *second_colon = first_colon != NULL ? strchr (first_colon + 1, ':') : NULL;
  AgvizGraphNodeInfo *info;
  int slot = 0;

  if (*name == '\0' || first_colon == name)
    return FALSE;

  /* The node name, without copying in the common case of a plain name. */
  if (first_colon == NULL)
    {
      /* In function bodies a bare name is an argument of the function. */
      if (state->args != NULL)
        {
          gpointer arg;

          if (g_hash_table_lookup_extended (state->args, name, NULL, &arg))
            {
              *src_id = (gint64) (gintptr) arg;
              *src_output = control ? -1 : 0;
              return TRUE;
            }
        }
      info = g_hash_table_lookup (state->nodes, name);
    }
  else
    {
      g_string_overwrite_len (state->importer->scratch, 0, name, first_colon - name);
      g_string_truncate (state->importer->scratch, first_colon - name);
      info = g_hash_table_lookup (state->nodes, state->importer->scratch->str);
    }
  if (info == NULL)
    return FALSE;

  if (first_colon != NULL && second_colon == NULL)
    {
      if (!parse_slot (first_colon + 1, &slot))
        slot = MAX (output_arg_offset (state, info->op_type, first_colon + 1), 0);
    }
  else if (second_colon != NULL)
    {
      g_autofree char *arg = g_strndup (first_colon + 1, second_colon - first_colon - 1);
      int index = 0;

      parse_slot (second_colon + 1, &index);
      slot = MAX (output_arg_offset (state, info->op_type, arg), 0) + index;
    }

  *src_id = info->id;
  *src_output = control ? -1 : slot;
  return TRUE;
}

static gboolean
add_input_edge (GraphState  *state,
                const char  *input,
                gint64       dst_id,
                int          dst_input,
                GError     **error)
{
  gint64 src_id;
  int src_output;

  if (!resolve_input (state, input, &src_id, &src_output))
    {
      if (state->missing_inputs++ == 0)
        state->first_missing = g_strdup (input);
      return TRUE;
    }
  if (!agviz_recorder_add_edge (state->importer->recorder, state->trace_id, src_id, src_output,
                                dst_id, dst_input, error))
    return FALSE;
  state->importer->stats->edges++;
  return TRUE;
}

/* Adds @node to the trace of @state with its stack and @attrs (taken: floating or a full
 * reference; NULL for none); returns its id or 0. */
static gint64
add_node_def (GraphState              *state,
              const AgvizTf__NodeDef  *node,
              GVariant                *attrs,
              GError                 **error)
{
  const char *name = node->name != NULL && *node->name != '\0' ? node->name : "unnamed";
  const char *op = node->op != NULL && *node->op != '\0' ? node->op : "<no op>";
  gint64 stack_id = 0, id;

  if (state->deferred_stacks == NULL)
    {
      stack_id = stack_for (state, name, error);
      if (stack_id == 0 && error != NULL && *error != NULL)
        {
          if (attrs != NULL)
            g_variant_unref (g_variant_take_ref (attrs));
          return 0;
        }
    }
  id = add_node (state, name, op, node->device, attrs, stack_id, error);
  if (id != 0 && state->deferred_stacks != NULL)
    {
      DeferredStack deferred = { id, state->deferred_names->len };

      g_array_append_val (state->deferred_stacks, deferred);
      g_string_append_len (state->deferred_names, name, strlen (name) + 1);
    }
  return id;
}

/* Gives the nodes added while their stacks were deferred their stacks, in the order they were
 * added (so stacks, frames and files get the ids they would have had): first what needs SQL
 * (finding each stack, recording its new frames), then the stacks themselves, handed in runs to
 * a thread that writes them while the rest goes on. */
#define STACKS_PER_RUN 8192

static gboolean
add_deferred_stacks (GraphState  *state,
                     GError     **error)
{
  AgvizGraphImporter *self = state->importer;
  AgvizDebugInfo *info = self->debug_info;
  guint n = state->deferred_stacks->len;
  g_autofree gint64 *handles = g_new (gint64, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      const DeferredStack *deferred = &g_array_index (state->deferred_stacks, DeferredStack, i);

      handles[i] = agviz_debug_info_find_stack (info, self->recorder,
                                                state->deferred_names->str +
                                                deferred->name_offset, state->function, error);
      if (handles[i] == 0 && error != NULL && *error != NULL)
        return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      const DeferredStack *deferred = &g_array_index (state->deferred_stacks, DeferredStack, i);
      gint64 stack_id;

      if (i % STACKS_PER_RUN == STACKS_PER_RUN - 1)
        agviz_recorder_write_stacks_in_background (self->recorder);
      if (handles[i] == 0)
        continue;
      stack_id = agviz_debug_info_record_stack (info, self->recorder, handles[i], error);
      if (stack_id == 0 ||
          !agviz_recorder_set_node_stack (self->recorder, state->trace_id, deferred->node_id,
                                          stack_id, error))
        return FALSE;
      self->stats->nodes_with_stacks++;
    }
  agviz_recorder_write_stacks_in_background (self->recorder);
  return TRUE;
}

/* Adds @nodes to the trace of @state (edges come later, once every node exists); returns their
 * ids (transfer full) or NULL. */
static gint64 *
add_node_defs (GraphState               *state,
               AgvizTf__NodeDef *const  *nodes,
               gsize                     n_nodes,
               GError                  **error)
{
  g_autofree gint64 *ids = g_new (gint64, MAX (n_nodes, 1));

  for (gsize i = 0; i < n_nodes; i++)
    {
      ids[i] = add_node_def (state, nodes[i], node_attrs (state->importer, nodes[i]), error);
      if (ids[i] == 0)
        return NULL;
    }
  return g_steal_pointer (&ids);
}

static gboolean
connect_node_defs (GraphState               *state,
                   AgvizTf__NodeDef *const  *nodes,
                   gsize                     n_nodes,
                   const gint64             *ids,
                   GError                  **error)
{
  for (gsize i = 0; i < n_nodes; i++)
    {
      for (gsize j = 0; j < nodes[i]->n_input; j++)
        if (!add_input_edge (state, nodes[i]->input[j], ids[i], (int) j, error))
          return FALSE;
      if (!add_calls (state, ids[i], nodes[i], error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
add_nodes (GraphState               *state,
           AgvizTf__NodeDef *const  *nodes,
           gsize                     n_nodes,
           GError                  **error)
{
  g_autofree gint64 *ids = add_node_defs (state, nodes, n_nodes, error);

  return ids != NULL && connect_node_defs (state, nodes, n_nodes, ids, error);
}

/* The NodeDefs of a binary GraphDef still encoded: where each one lies in the file's bytes. */
typedef struct
{
  const guint8 *data;
  GArray       *slices;      /* NodeSlice */
  const char   *what;        /* the file, for errors */
  gsize         length;
} EncodedNodes;

typedef struct
{
  gsize offset;
  gsize length;
} NodeSlice;

/* Whether any attribute of @node names a function (add_calls() needs them unpacked). */
static gboolean
attrs_make_calls (const AgvizTf__NodeDef *node)
{
  for (gsize i = 0; i < node->n_attr; i++)
    {
      const AgvizTf__AttrValue *value = node->attr[i]->value;

      if (value != NULL && (value->value_case == AGVIZ_TF__ATTR_VALUE__VALUE_FUNC ||
                            (value->value_case == AGVIZ_TF__ATTR_VALUE__VALUE_LIST &&
                             value->list->n_func > 0)))
        return TRUE;
    }
  return FALSE;
}

/* A string field as it lies on the wire. */
typedef struct
{
  const guint8 *data;
  gsize         length;
} WireString;

/* What split_node_def() saw of the fields that are not attributes: when they are only name,
 * op, input and device (as nearly always), the node needs no unpacking at all. */
typedef struct
{
  gboolean   plain;
  WireString name, op, device;
  GArray    *inputs;      /* WireString, in order */
} PlainFields;

/* Splits the encoded NodeDef @data into its attribute fields (attr, experimental_debug_info:
 * what node_attrs() turns into the dictionary) and the others, each kept as whole records.
 * FALSE when it does not parse: the caller unpacks it whole, which says why. */
static gboolean
split_node_def (const guint8 *data,
                gsize         length,
                GByteArray   *attr_records,
                GByteArray   *other_records,    /* NULL: not wanted */
                PlainFields  *fields)
{
  const guint8 *p = data, *end = data + length;
  /* Fields come in number order, so each kind is mostly one run of records: copied by runs. */
  const guint8 *run = data;
  gboolean run_is_attr = FALSE;

  g_byte_array_set_size (attr_records, 0);
  if (other_records != NULL)
    g_byte_array_set_size (other_records, 0);
  fields->plain = TRUE;
  fields->name = fields->op = fields->device = (WireString) { NULL, 0 };
  g_array_set_size (fields->inputs, 0);
  while (p < end)
    {
      const guint8 *record = p;
      gboolean is_attr;
      guint64 tag, value;

      if (!agviz_proto_read_varint (&p, end, &tag))
        return FALSE;
      switch (tag & 7)
        {
        case 0:
          if (!agviz_proto_read_varint (&p, end, &value))
            return FALSE;
          break;
        case 1:
        case 5:
          if ((gsize) (end - p) < ((tag & 7) == 1 ? 8u : 4u))
            return FALSE;
          p += (tag & 7) == 1 ? 8 : 4;
          break;
        case 2:
          if (!agviz_proto_read_varint (&p, end, &value) || value > (guint64) (end - p))
            return FALSE;
          {
            /* The last of a singular field wins, as when unpacking. */
            WireString string = { p, (gsize) value };

            switch (tag)
              {
              case (1 << 3) | 2: fields->name = string; break;
              case (2 << 3) | 2: fields->op = string; break;
              case (3 << 3) | 2: g_array_append_val (fields->inputs, string); break;
              case (4 << 3) | 2: fields->device = string; break;
              case (5 << 3) | 2: case (6 << 3) | 2: break;
              default: fields->plain = FALSE;
              }
          }
          p += value;
          break;
        default:
          return FALSE;
        }
      if ((tag & 7) != 2)
        fields->plain = FALSE;
      is_attr = tag == ((5 << 3) | 2) || tag == ((6 << 3) | 2);
      if (is_attr != run_is_attr)
        {
          if (run_is_attr || other_records != NULL)
            g_byte_array_append (run_is_attr ? attr_records : other_records, run, record - run);
          run = record;
          run_is_attr = is_attr;
        }
    }
  if (run_is_attr || other_records != NULL)
    g_byte_array_append (run_is_attr ? attr_records : other_records, run, end - run);
  return TRUE;
}

/* Like add_nodes(), but unpacks one NodeDef at a time into a reused arena: a large graph never
 * exists unpacked as a whole.  What the edges need later (the input strings) is kept, copied.
 * Nodes mostly repeat attribute sets byte for byte: when a node's attribute records were seen
 * before, only its other fields are unpacked and the dictionary made then is used again. */
static gboolean
add_encoded_nodes (GraphState          *state,
                   const EncodedNodes  *nodes,
                   GError             **error)
{
  AgvizGraphImporter *self = state->importer;
  g_autoptr(AgvizProtoArena) arena = agviz_proto_arena_new ();
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), nodes->slices->len);
  /* The inputs of node i: NUL-terminated strings from input_starts[i] to input_starts[i + 1]. */
  g_autoptr(GArray) input_starts = g_array_sized_new (FALSE, FALSE, sizeof (gsize),
                                                      nodes->slices->len + 1);
  g_autoptr(GString) input_text = g_string_new (NULL);
  g_autoptr(GByteArray) attr_records = g_byte_array_new ();
  g_autoptr(GByteArray) other_records = g_byte_array_new ();
  g_autoptr(GArray) inputs = g_array_new (FALSE, FALSE, sizeof (WireString));
  g_autoptr(GString) field_text = g_string_new (NULL);
  PlainFields fields = { .inputs = inputs };
  const AttrKey *last_key = NULL;     /* a key of raw_attr_cache, and its value */
  GVariant *last_attrs = NULL;

  /* The stacks come last: a GraphDebugInfo may still be read on another thread meanwhile. */
  if (self->debug_info != NULL)
    {
      state->deferred_stacks = g_array_sized_new (FALSE, FALSE, sizeof (DeferredStack),
                                                  nodes->slices->len);
      state->deferred_names = g_string_new (NULL);
    }

  for (guint i = 0; i < nodes->slices->len; i++)
    {
      const NodeSlice *slice = &g_array_index (nodes->slices, NodeSlice, i);
      const guint8 *data = nodes->data + slice->offset;
      gsize length = slice->length;
      AgvizTf__NodeDef plain_node;
      const AgvizTf__NodeDef *node;
      GVariant *attrs = NULL;
      gboolean known_attrs = FALSE, from_wire;
      gint64 id;

      /* The other fields' records are copied out only for a node that needs unpacking. */
      if (split_node_def (data, length, attr_records, NULL, &fields) && attr_records->len > 0)
        {
          AttrKey key = { attr_records->data, attr_records->len, attr_records->len };

          /* Runs of nodes share their attributes: the set found last is compared first. */
          if (last_key != NULL && last_key->length == key.length &&
              memcmp (last_key->data, key.data, key.length) == 0)
            attrs = last_attrs;
          else if (g_hash_table_lookup_extended (self->raw_attr_cache, &key,
                                                 (gpointer *) &last_key, (gpointer *) &attrs))
            last_attrs = attrs;
          if (attrs != NULL && !fields.plain)
            {
              split_node_def (data, length, attr_records, other_records, &fields);
              data = other_records->data;
              length = other_records->len;
            }
          known_attrs = attrs != NULL;
        }

      /* Known attributes and nothing but strings besides: the strings are all there is to
       * take, NUL-terminated, straight from the wire. */
      from_wire = known_attrs && fields.plain;
      if (from_wire)
        {
          gsize op_at, device_at;

          g_string_truncate (field_text, 0);
          g_string_append_len (field_text, (const char *) fields.name.data, fields.name.length);
          g_string_append_c (field_text, '\0');
          op_at = field_text->len;
          g_string_append_len (field_text, (const char *) fields.op.data, fields.op.length);
          g_string_append_c (field_text, '\0');
          device_at = field_text->len;
          g_string_append_len (field_text, (const char *) fields.device.data,
                               fields.device.length);
          /* Embedded NULs end a string here as they do when protobuf-c unpacks it. */
          agviz_tf__node_def__init (&plain_node);
          plain_node.name = field_text->str;
          plain_node.op = field_text->str + op_at;
          plain_node.device = field_text->str + device_at;
          node = &plain_node;
          attrs = g_variant_ref (attrs);
        }
      else
        {
          /* Depth 1: a NodeDef sits right inside the GraphDef. */
          node = (const AgvizTf__NodeDef *)
            agviz_proto_arena_decode (arena, &agviz_tf__node_def__descriptor, data, length, 1,
                                      nodes->what, error);
          if (node == NULL)
            {
              /* Name the place in the whole file, as checking it whole up front would have. */
              g_autoptr(GError) whole_error = NULL;

              if (!agviz_proto_check (&agviz_tf__graph_def__descriptor, nodes->data,
                                      nodes->length, nodes->what, &whole_error) && error != NULL)
                {
                  g_clear_error (error);
                  g_propagate_error (error, g_steal_pointer (&whole_error));
                }
              return FALSE;
            }

          if (known_attrs)
            attrs = g_variant_ref (attrs);
          else
            {
              attrs = node_attrs (self, node);
              /* Remembered by its records, unless it makes calls (add_calls() reads those from
               * the unpacked node) or is too large to be worth keeping (tensors of constants). */
              if (attrs != NULL && attr_records->len > 0 &&
                  attr_records->len <= RAW_ATTR_KEY_MAX &&
                  g_hash_table_size (self->raw_attr_cache) < ATTR_CACHE_MAX &&
                  !attrs_make_calls (node))
                {
                  AttrKey *stored = g_malloc (sizeof (AttrKey) + attr_records->len);

                  stored->data = (guint8 *) (stored + 1);
                  stored->length = stored->size = attr_records->len;
                  memcpy (stored->data, attr_records->data, attr_records->len);
                  g_hash_table_insert (self->raw_attr_cache, stored, g_variant_ref (attrs));
                }
            }
        }

      id = add_node_def (state, node, attrs, error);
      if (id == 0 || !add_calls (state, id, node, error))
        return FALSE;
      g_array_append_val (ids, id);
      g_array_append_val (input_starts, input_text->len);
      if (from_wire)
        for (guint j = 0; j < inputs->len; j++)
          {
            const WireString *input = &g_array_index (inputs, WireString, j);
            const char *nul = memchr (input->data, '\0', input->length);

            g_string_append_len (input_text, (const char *) input->data,
                                 nul != NULL ? (gsize) (nul - (const char *) input->data)
                                             : input->length);
            g_string_append_c (input_text, '\0');
          }
      else
        for (gsize j = 0; j < node->n_input; j++)
          g_string_append_len (input_text, node->input[j], strlen (node->input[j]) + 1);
    }
  g_array_append_val (input_starts, input_text->len);

  /* The stacks first, then the edges while their rows are written on another thread. */
  if (state->deferred_stacks != NULL && !add_deferred_stacks (state, error))
    return FALSE;

  for (guint i = 0; i < ids->len; i++)
    {
      gsize at = g_array_index (input_starts, gsize, i);
      gsize end = g_array_index (input_starts, gsize, i + 1);

      for (int j = 0; at < end; j++)
        {
          const char *input = input_text->str + at;

          if (!add_input_edge (state, input, g_array_index (ids, gint64, i), j, error))
            return FALSE;
          at += strlen (input) + 1;
        }
    }
  return TRUE;
}

static gboolean
finish_trace (GraphState  *state,
              const char  *graph_name,
              GError     **error)
{
  AgvizGraphImporter *self = state->importer;

  if (state->missing_inputs > 0)
    add_warning (self, g_strdup_printf ("%s: %u input%s name%s nodes that are not in the graph "
                                        "(first: '%s'); those edges were left out", graph_name,
                                        state->missing_inputs,
                                        state->missing_inputs == 1 ? "" : "s",
                                        state->missing_inputs == 1 ? "s" : "",
                                        state->first_missing));
  if (!agviz_recorder_end_trace (self->recorder, state->trace_id, AGVIZ_TRACE_STATUS_COMPLETE, 0,
                                 error))
    return FALSE;
  self->stats->traces++;
  return TRUE;
}

static gint64
begin_trace (AgvizGraphImporter  *self,
             const char          *function_name,
             const char          *graph_name,
             const char          *signature,
             GError             **error)
{
  gint64 function_id, trace_id;

  function_id = agviz_recorder_add_function (self->recorder, function_name, 0, 0, error);
  if (function_id == 0)
    return 0;
  trace_id = agviz_recorder_begin_trace (self->recorder, function_id, graph_name, signature,
                                         NULL, error);
  if (trace_id == 0)
    return 0;
  if (!agviz_recorder_set_trace_start (self->recorder, trace_id, self->started_ns, error))
    return 0;
  return trace_id;
}

static void
append_arg_type (GString                        *out,
                 const AgvizTf__OpDef__ArgDef   *arg)
{
  if (arg->type != 0)
    g_string_append (out, agviz_tf_dtype_name (arg->type));
  else if (arg->type_attr != NULL && *arg->type_attr != '\0')
    g_string_append (out, arg->type_attr);
  else if (arg->type_list_attr != NULL && *arg->type_list_attr != '\0')
    g_string_append_printf (out, "list(%s)", arg->type_list_attr);
  else
    g_string_append (out, "?");
  if (arg->number_attr != NULL && *arg->number_attr != '\0')
    g_string_append_printf (out, " * %s", arg->number_attr);
}

/* The shape TensorFlow traced input @index of @function with (its `_output_shapes` argument
 * attribute: "[?,3]"), or NULL when the function does not say. */
static char *
input_shape (const AgvizTf__FunctionDef *function,
             guint                       index)
{
  for (gsize i = 0; function != NULL && i < function->n_arg_attr; i++)
    {
      const AgvizTf__FunctionDef__ArgAttrs *attrs = function->arg_attr[i]->value;

      if (function->arg_attr[i]->key != index || attrs == NULL)
        continue;
      for (gsize a = 0; a < attrs->n_attr; a++)
        {
          const AgvizTf__AttrValue *value = attrs->attr[a]->value;

          if (g_strcmp0 (attrs->attr[a]->key, "_output_shapes") == 0 && value != NULL &&
              value->value_case == AGVIZ_TF__ATTR_VALUE__VALUE_LIST &&
              value->list != NULL && value->list->n_shape == 1)
            return agviz_tf_shape_to_string (value->list->shape[0]);
        }
    }
  return NULL;
}

/* "(x: float32[?,3], n: int32[]) -> (identity: float32)": shapes where the function says. */
static char *
signature_text (const AgvizTf__OpDef       *signature,
                const AgvizTf__FunctionDef *function)
{
  GString *out = g_string_new ("(");

  for (gsize i = 0; i < signature->n_input_arg; i++)
    {
      g_autofree char *shape = input_shape (function, (guint) i);

      if (i > 0)
        g_string_append (out, ", ");
      g_string_append_printf (out, "%s: ", signature->input_arg[i]->name);
      append_arg_type (out, signature->input_arg[i]);
      if (shape != NULL)
        g_string_append (out, shape);
    }
  g_string_append (out, ") -> (");
  for (gsize i = 0; i < signature->n_output_arg; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      g_string_append_printf (out, "%s: ", signature->output_arg[i]->name);
      append_arg_type (out, signature->output_arg[i]);
    }
  g_string_append_c (out, ')');
  return g_string_free (out, FALSE);
}

static GVariant *
arg_attrs (const AgvizTf__FunctionDef   *function,
           const AgvizTf__OpDef__ArgDef *arg,
           guint                         index,
           gboolean                      is_input)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  if (arg->type != 0)
    g_variant_builder_add (&builder, "{sv}", "T",
                           g_variant_new_string (agviz_tf_dtype_name (arg->type)));
  else if (arg->type_attr != NULL && *arg->type_attr != '\0')
    g_variant_builder_add (&builder, "{sv}", "T", agviz_tf_text_variant (arg->type_attr));
  g_variant_builder_add (&builder, "{sv}", "index", g_variant_new_int64 (index));
  if (is_input)
    {
      for (gsize i = 0; i < function->n_arg_attr; i++)
        if (function->arg_attr[i]->key == index && function->arg_attr[i]->value != NULL)
          agviz_tf_attrs_add (&builder, function->arg_attr[i]->value->n_attr,
                              (AgvizTfAttrEntry *const *) function->arg_attr[i]->value->attr);
    }
  return g_variant_builder_end (&builder);
}

static gboolean
add_function (AgvizGraphImporter                *self,
              const AgvizTf__FunctionDef        *function,
              const AgvizTf__FunctionDefLibrary *library,
              GHashTable                        *library_index,
              GError                           **error)
{
  const AgvizTf__OpDef *signature = function->signature;
  const char *graph_name = signature->name;
  const char *known_name = g_hash_table_lookup (self->function_names, graph_name);
  const char *known_signature = g_hash_table_lookup (self->signatures, graph_name);
  g_autofree char *derived_name = NULL;
  g_autofree char *derived_signature = NULL;
  g_auto(GraphState) state = { 0 };
  g_autofree gint64 *body_ids = NULL;

  if (known_name == NULL)
    known_name = derived_name = agviz_function_name_for_graph (graph_name);
  if (known_signature == NULL)
    known_signature = derived_signature = signature_text (signature, function);

  state.importer = self;
  state.library = library;
  state.library_index = library_index;
  state.function = graph_name;
  state.nodes = g_hash_table_new (agviz_string_hash, g_str_equal);
  state.args = g_hash_table_new (agviz_string_hash, g_str_equal);
  state.trace_id = begin_trace (self, known_name, graph_name, known_signature, error);
  if (state.trace_id == 0)
    return FALSE;

  body_ids = add_node_defs (&state, function->node_def, function->n_node_def, error);
  if (body_ids == NULL)
    return FALSE;

  for (gsize i = 0; i < signature->n_input_arg; i++)
    {
      const AgvizTf__OpDef__ArgDef *arg = signature->input_arg[i];
      gint64 stack_id = stack_for (&state, arg->name, error);
      gint64 id;

      if (stack_id == 0 && error != NULL && *error != NULL)
        return FALSE;
      id = add_node (&state, arg->name, "_Arg", NULL, arg_attrs (function, arg, i, TRUE),
                     stack_id, error);
      if (id == 0)
        return FALSE;
      g_hash_table_insert (state.args, arg->name, (gpointer) (gintptr) id);
    }

  for (gsize i = 0; i < signature->n_output_arg; i++)
    {
      const AgvizTf__OpDef__ArgDef *arg = signature->output_arg[i];
      gint64 id = add_node (&state, arg->name, "_Retval", NULL,
                            arg_attrs (function, arg, i, FALSE), 0, error);

      if (id == 0)
        return FALSE;
      for (gsize j = 0; j < function->n_ret; j++)
        if (g_strcmp0 (function->ret[j]->key, arg->name) == 0 &&
            !add_input_edge (&state, function->ret[j]->value, id, 0, error))
          return FALSE;
    }

  if (!connect_node_defs (&state, function->node_def, function->n_node_def, body_ids, error) ||
      !finish_trace (&state, graph_name, error))
    return FALSE;
  g_hash_table_insert (self->function_traces, g_strdup (graph_name),
                       (gpointer) (gintptr) state.trace_id);
  self->stats->functions++;
  return TRUE;
}

typedef struct
{
  const AgvizTf__FunctionDef *function;
  gint64                      uid;
  gsize                       index;
} OrderedFunction;

static int
compare_ordered (gconstpointer a,
                 gconstpointer b)
{
  const OrderedFunction *fa = a, *fb = b;

  if (fa->uid != fb->uid)
    return fa->uid < fb->uid ? -1 : 1;
  return fa->index < fb->index ? -1 : fa->index > fb->index;
}

static gboolean
add_library (AgvizGraphImporter                *self,
             const AgvizTf__FunctionDefLibrary *library,
             GError                           **error)
{
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree OrderedFunction *ordered = NULL;
  gsize n = 0;

  if (library == NULL || library->n_function == 0)
    return TRUE;

  ordered = g_new (OrderedFunction, library->n_function);
  for (gsize i = 0; i < library->n_function; i++)
    {
      const AgvizTf__FunctionDef *function = library->function[i];

      if (function->signature == NULL || function->signature->name == NULL ||
          *function->signature->name == '\0')
        {
          add_warning (self, g_strdup ("a FunctionDef without a name was left out"));
          continue;
        }
      g_hash_table_insert (index, function->signature->name, (gpointer) function);
      if (g_hash_table_contains (self->function_traces, function->signature->name))
        continue;
      ordered[n].function = function;
      ordered[n].uid = trailing_number (function->signature->name, NULL);
      ordered[n].index = i;
      n++;
    }

  /* TensorFlow numbers functions as it traces them: that order makes the ordinals. */
  qsort (ordered, n, sizeof *ordered, compare_ordered);
  for (gsize i = 0; i < n; i++)
    {
      if (g_hash_table_contains (self->function_traces, ordered[i].function->signature->name))
        continue;
      if (!add_function (self, ordered[i].function, library, index, error))
        return FALSE;
    }
  return TRUE;
}

/* @encoded: the nodes when @graph was unpacked without them (see add_graph_bytes()). */
static gint64
add_graph (AgvizGraphImporter       *self,
           const AgvizTf__GraphDef  *graph,
           const EncodedNodes       *encoded,
           const char               *label,
           GError                  **error)
{
  g_autoptr(AgvizDebugInfo) own_debug_info = NULL;
  g_autoptr(GHashTable) library_index = NULL;
  AgvizDebugInfo *saved_debug_info = self->debug_info;
  g_auto(GraphState) state = { 0 };
  gint64 trace_id = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (graph != NULL && label != NULL, 0);

  /* A GraphDef may carry its own stacks (GraphDef.debug_info, newer TensorFlow). */
  if (self->debug_info == NULL && graph->debug_info != NULL)
    {
      gsize size = protobuf_c_message_get_packed_size (&graph->debug_info->base);
      g_autofree guint8 *copy = g_malloc (size + 1);
      ProtobufCMessage *info;

      /* AgvizDebugInfo owns its message: give it a copy. */
      protobuf_c_message_pack (&graph->debug_info->base, copy);
      info = agviz_proto_decode (&agviz_tf__graph_debug_info__descriptor, copy, size,
                                 "GraphDef.debug_info", NULL);
      if (info != NULL)
        own_debug_info = agviz_debug_info_new ((AgvizTf__GraphDebugInfo *) info, NULL);
      self->debug_info = own_debug_info;
    }

  if (graph->library != NULL)
    {
      library_index = g_hash_table_new (agviz_string_hash, g_str_equal);
      for (gsize i = 0; i < graph->library->n_function; i++)
        if (graph->library->function[i]->signature != NULL &&
            graph->library->function[i]->signature->name != NULL)
          g_hash_table_insert (library_index, graph->library->function[i]->signature->name,
                               graph->library->function[i]);
    }

  if (graph->n_node > 0 || (encoded != NULL && encoded->slices->len > 0))
    {
      state.importer = self;
      state.library = graph->library;
      state.library_index = library_index;
      state.nodes = g_hash_table_new (agviz_string_hash, g_str_equal);
      state.trace_id = begin_trace (self, label, label, NULL, error);
      ok = state.trace_id != 0 &&
           (encoded != NULL ? add_encoded_nodes (&state, encoded, error)
                            : add_nodes (&state, graph->node, graph->n_node, error)) &&
           finish_trace (&state, label, error);
      if (ok)
        {
          trace_id = state.trace_id;
          g_hash_table_insert (self->top_nodes, g_memdup2 (&trace_id, sizeof trace_id),
                               g_steal_pointer (&state.nodes));
        }
    }

  if (ok)
    ok = add_library (self, graph->library, error);

  self->debug_info = saved_debug_info;
  return ok ? trace_id : 0;
}

gint64
agviz_graph_importer_add_graph (AgvizGraphImporter       *self,
                                const AgvizTf__GraphDef  *graph,
                                const char               *label,
                                GError                  **error)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (graph != NULL && label != NULL, 0);

  return add_graph (self, graph, NULL, label, error);
}

gint64
agviz_graph_importer_add_graph_bytes (AgvizGraphImporter  *self,
                                      const guint8        *data,
                                      gsize                length,
                                      const char          *what,
                                      const char          *label,
                                      GError             **error)
{
  g_autoptr(GArray) slices = g_array_new (FALSE, FALSE, sizeof (NodeSlice));
  g_autoptr(GByteArray) rest = g_byte_array_new ();
  AgvizTf__GraphDef *graph;
  EncodedNodes encoded = { data, slices, what, length };
  const guint8 *p = data, *end = data + length;
  gint64 trace_id;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail ((data != NULL || length == 0) && what != NULL && label != NULL, 0);

  /* The top level only: node entries (field 1) are noted, everything else (library, versions,
   * debug_info, unknown fields) is copied out and unpacked as a GraphDef without nodes. */
  while (p < end)
    {
      const guint8 *field_start = p;
      guint64 tag, value;

      if (!agviz_proto_read_varint (&p, end, &tag))
        goto broken;
      switch (tag & 7)
        {
        case 0:
          if (!agviz_proto_read_varint (&p, end, &value))
            goto broken;
          break;
        case 1:
        case 5:
          if ((gsize) (end - p) < ((tag & 7) == 1 ? 8u : 4u))
            goto broken;
          p += (tag & 7) == 1 ? 8 : 4;
          break;
        case 2:
          if (!agviz_proto_read_varint (&p, end, &value) || value > (guint64) (end - p))
            goto broken;
          if (tag == ((1 << 3) | 2))
            {
              NodeSlice slice = { p - data, (gsize) value };

              g_array_append_val (slices, slice);
              p += value;
              continue;
            }
          p += value;
          break;
        default:
          goto broken;
        }
      g_byte_array_append (rest, field_start, p - field_start);
    }

  graph = (AgvizTf__GraphDef *) agviz_proto_decode (&agviz_tf__graph_def__descriptor, rest->data,
                                                    rest->len, what, error);
  if (graph == NULL)
    return 0;
  trace_id = add_graph (self, graph, &encoded, label, error);
  agviz_proto_free (graph);
  return trace_id;

broken:
  /* The whole-message check finds the same fault and words it. */
  if (!agviz_proto_check (&agviz_tf__graph_def__descriptor, data, length, what, error))
    return 0;
  g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_PARSE,
               "%s does not parse as protobuf", what);
  return 0;
}
