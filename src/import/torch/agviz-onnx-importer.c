/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-onnx-importer.c: ONNX models (.onnx), as torch.onnx.export writes them
 *
 * The main graph is one function with one trace; each `If`/`Loop`/`Scan` body (a graph
 * attribute) and each model-local FunctionProto is a function of its own that its node calls.
 * Graph inputs and initializers are nodes, so every edge has two ends; values flow by name.
 * Scopes: the TorchScript exporter names nodes by module path (`/layer1/conv/Conv`), the dynamo
 * exporter keeps the module stack in `pkg.torch.onnx.name_scopes` and the traceback in
 * `pkg.torch.onnx.stack_trace`.  Weights are never read: initializers stored in a side file
 * (data_location EXTERNAL) draw like any other.
 */
#define G_LOG_DOMAIN "agviz-import"

#include "config.h"

#include <string.h>

#include "agviz-pt2-backend-private.h"
#include "agviz-onnx.pb-c.h"
#include "agviz-proto-decoder.h"
#include "agviz-pt2-nodes.h"
#include "agviz-pt2-stack-trace.h"

#define NAME_SCOPES_KEY  "pkg.torch.onnx.name_scopes"
#define STACK_TRACE_KEY  "pkg.torch.onnx.stack_trace"

/* ONNX's AttributeProto.AttributeType. */
enum
{
  ATTR_UNDEFINED, ATTR_FLOAT, ATTR_INT, ATTR_STRING, ATTR_TENSOR, ATTR_GRAPH, ATTR_FLOATS,
  ATTR_INTS, ATTR_STRINGS, ATTR_TENSORS, ATTR_GRAPHS,
};

/* One graph to record: the main graph, a subgraph attribute, or a model-local function. */
typedef struct
{
  char                                *name;
  const AgvizOnnx__GraphProto         *graph;      /* or NULL for a function */
  const AgvizOnnx__FunctionProto      *function;
  gboolean                             nested;     /* a body: it may use its parents' values */
} OnnxGraph;

typedef struct
{
  AgvizImportContext *ctx;
  const char         *path;
  GPtrArray          *graphs;            /* OnnxGraph, appended to as bodies are found */
  AgvizPt2Names      *graph_names;       /* names given to graphs so far */
  GHashTable         *local_functions;   /* "domain::name" -> graph name */
  GHashTable         *stacks;
  guint               unresolved;        /* uses of values no node of the main graph makes */
} OnnxRecording;

static void
onnx_graph_free (gpointer data)
{
  OnnxGraph *graph = data;

  g_free (graph->name);
  g_free (graph);
}

static const char *
data_type_name (int data_type)
{
  static const char *const names[] = {
    "undefined", "float32", "uint8", "int8", "uint16", "int16", "int32", "int64", "string",
    "bool", "float16", "float64", "uint32", "uint64", "complex64", "complex128", "bfloat16",
    "float8e4m3fn", "float8e4m3fnuz", "float8e5m2", "float8e5m2fnuz", "uint4", "int4",
    "float4e2m1",
  };

  if (data_type >= 0 && data_type < (int) G_N_ELEMENTS (names))
    return names[data_type];
  return "unknown";
}

/* `float32[1,3,224,224]` (`?` for a dimension the file leaves open) */
static void
append_tensor_type (GString                             *text,
                    int                                  elem_type,
                    const AgvizOnnx__TensorShapeProto   *shape)
{
  g_string_append (text, data_type_name (elem_type));
  if (shape == NULL)
    return;
  g_string_append_c (text, '[');
  for (gsize d = 0; d < shape->n_dim; d++)
    {
      const AgvizOnnx__TensorShapeProto__Dimension *dim = shape->dim[d];

      if (d > 0)
        g_string_append_c (text, ',');
      if (dim->value_case == AGVIZ_ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE)
        g_string_append_printf (text, "%" G_GINT64_FORMAT, dim->dim_value);
      else if (dim->value_case == AGVIZ_ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM)
        g_string_append (text, dim->dim_param);
      else
        g_string_append_c (text, '?');
    }
  g_string_append_c (text, ']');
}

static char *
describe_tensor (const AgvizOnnx__TensorProto *tensor)
{
  GString *text = g_string_new (data_type_name (tensor->data_type));

  g_string_append_c (text, '[');
  for (gsize d = 0; d < tensor->n_dims; d++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, d > 0 ? "," : "", tensor->dims[d]);
  g_string_append_c (text, ']');
  if (tensor->data_location == 1)
    g_string_append (text, " (external data)");
  return g_string_free (text, FALSE);
}

/* "x: float32[1,3,8,8], mask: bool[1,8]": the graph's inputs that are not initializers. */
static char *
describe_signature (const AgvizOnnx__GraphProto *graph,
                    GHashTable                  *initializers)
{
  GString *text = g_string_new (NULL);

  for (gsize i = 0; i < graph->n_input; i++)
    {
      const AgvizOnnx__ValueInfoProto *input = graph->input[i];
      const AgvizOnnx__TypeProto *type = input->type;

      if (g_hash_table_contains (initializers, input->name))
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, input->name);
      if (type != NULL && type->value_case == AGVIZ_ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE)
        {
          g_string_append (text, ": ");
          append_tensor_type (text, type->tensor_type->elem_type, type->tensor_type->shape);
        }
    }
  if (text->len == 0)
    return g_string_free (text, TRUE);
  return g_string_free (text, FALSE);
}

static const char *
find_metadata (AgvizOnnx__StringStringEntryProto *const *props,
               gsize                                     n_props,
               const char                               *key)
{
  for (gsize i = 0; i < n_props; i++)
    if (g_strcmp0 (props[i]->key, key) == 0)
      return props[i]->value;
  return NULL;
}

/* The strings of a Python list literal (`['', 'layer1', 'layer1.conv']`), or NULL when the text
 * is not one. */
static GPtrArray *
parse_python_string_list (const char *text)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  const char *p = text;

  while (g_ascii_isspace (*p))
    p++;
  if (*p++ != '[')
    return NULL;
  for (;;)
    {
      GString *item;
      char quote;

      while (g_ascii_isspace (*p) || *p == ',')
        p++;
      if (*p == ']')
        break;
      if (*p != '\'' && *p != '"')
        return NULL;
      quote = *p++;
      item = g_string_new (NULL);
      while (*p != quote)
        {
          if (*p == '\0')
            {
              g_string_free (item, TRUE);
              return NULL;
            }
          if (*p == '\\' && p[1] != '\0')
            p++;
          g_string_append_c (item, *p++);
        }
      p++;
      g_ptr_array_add (items, g_string_free (item, FALSE));
    }
  return g_steal_pointer (&items);
}

/* The node's full name: the dynamo exporter's module stack as scopes, or the TorchScript
 * exporter's path-like node name. */
static char *
wanted_node_name (const AgvizOnnx__NodeProto *node)
{
  const char *name_scopes = find_metadata (node->metadata_props, node->n_metadata_props,
                                           NAME_SCOPES_KEY);
  const char *local = node->name != NULL && *node->name != '\0' ? node->name : node->op_type;
  g_autoptr(GPtrArray) scopes = NULL;
  GString *name = g_string_new (NULL);

  /* The last entry is the FX node itself, named again by the ONNX node. */
  if (name_scopes != NULL && (scopes = parse_python_string_list (name_scopes)) != NULL &&
      scopes->len > 0)
    _agviz_pt2_append_module_scopes (name, (const char *const *) scopes->pdata, scopes->len - 1);
  if (name->len > 0)
    g_string_append_c (name, '/');
  g_string_append (name, local != NULL && *local != '\0' ? local : "node");
  return g_string_free (name, FALSE);
}

static char *
op_type_of (const AgvizOnnx__NodeProto *node)
{
  if (node->domain != NULL && *node->domain != '\0')
    return g_strdup_printf ("%s::%s", node->domain, node->op_type);
  return g_strdup (node->op_type);
}

/* Queues body @graph of attribute @role of node @node_name, and returns its name. */
static const char *
queue_body (OnnxRecording               *rec,
            const OnnxGraph             *parent,
            const char                  *node_name,
            const char                  *role,
            const AgvizOnnx__GraphProto *graph)
{
  OnnxGraph *body = g_new0 (OnnxGraph, 1);
  g_autofree char *wanted = g_strdup_printf ("%s/%s/%s", parent->name, node_name, role);

  body->name = _agviz_pt2_names_take (rec->graph_names, wanted);
  body->graph = graph;
  body->nested = TRUE;
  g_ptr_array_add (rec->graphs, body);
  return body->name;
}

/* The node's attributes into @attrs, and the bodies it calls queued, each as its role and its
 * name appended to @calls. */
static void
collect_attributes (OnnxRecording              *rec,
                    const OnnxGraph            *graph,
                    const AgvizOnnx__NodeProto *node,
                    const char                 *node_name,
                    GTree                      *attrs,
                    GPtrArray                  *calls)
{
  for (gsize a = 0; a < node->n_attribute; a++)
    {
      const AgvizOnnx__AttributeProto *attr = node->attribute[a];
      const char *key = attr->name != NULL && *attr->name != '\0' ? attr->name : "attribute";
      int type = attr->type;
      GVariant *value = NULL;

      /* Files older than the type field: the one field that is set says. */
      if (type == ATTR_UNDEFINED)
        type = attr->g != NULL ? ATTR_GRAPH : attr->t != NULL ? ATTR_TENSOR :
               attr->n_graphs > 0 ? ATTR_GRAPHS : attr->n_tensors > 0 ? ATTR_TENSORS :
               attr->n_floats > 0 ? ATTR_FLOATS : attr->n_ints > 0 ? ATTR_INTS :
               attr->n_strings > 0 ? ATTR_STRINGS : attr->s.len > 0 ? ATTR_STRING :
               attr->f != 0 ? ATTR_FLOAT : ATTR_INT;

      if (attr->ref_attr_name != NULL && *attr->ref_attr_name != '\0')
        {
          g_autofree char *reference = g_strdup_printf ("@%s", attr->ref_attr_name);

          value = _agviz_pt2_text_variant (reference, -1);
        }
      else switch (type)
        {
        case ATTR_FLOAT:
          value = g_variant_new_double (attr->f);
          break;
        case ATTR_INT:
          value = g_variant_new_int64 (attr->i);
          break;
        case ATTR_STRING:
          value = _agviz_pt2_text_variant ((const char *) attr->s.data, attr->s.len);
          break;
        case ATTR_FLOATS:
          {
            g_autofree double *values = g_new (double, attr->n_floats + 1);

            for (gsize i = 0; i < attr->n_floats; i++)
              values[i] = attr->floats[i];
            value = g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, values, attr->n_floats,
                                               sizeof (double));
            break;
          }
        case ATTR_INTS:
          value = g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, attr->ints, attr->n_ints,
                                             sizeof (gint64));
          break;
        case ATTR_STRINGS:
        case ATTR_TENSORS:
          {
            GVariantBuilder builder;
            gsize n = type == ATTR_STRINGS ? attr->n_strings : attr->n_tensors;

            g_variant_builder_init (&builder, G_VARIANT_TYPE_STRING_ARRAY);
            for (gsize i = 0; i < n; i++)
              {
                g_autofree char *text =
                  type == ATTR_STRINGS
                    ? g_utf8_make_valid ((const char *) attr->strings[i].data, attr->strings[i].len)
                    : describe_tensor (attr->tensors[i]);

                g_variant_builder_add (&builder, "s", text);
              }
            value = g_variant_builder_end (&builder);
            break;
          }
        case ATTR_TENSOR:
          if (attr->t != NULL)
            {
              g_autofree char *text = describe_tensor (attr->t);

              value = _agviz_pt2_text_variant (text, -1);
            }
          break;
        case ATTR_GRAPH:
          if (attr->g != NULL)
            {
              const char *callee = queue_body (rec, graph, node_name, key, attr->g);

              g_ptr_array_add (calls, g_strdup (key));
              g_ptr_array_add (calls, g_strdup (callee));
              value = _agviz_pt2_text_variant (callee, -1);
            }
          break;
        case ATTR_GRAPHS:
          {
            GVariantBuilder builder;

            g_variant_builder_init (&builder, G_VARIANT_TYPE_STRING_ARRAY);
            for (gsize i = 0; i < attr->n_graphs; i++)
              {
                g_autofree char *role = g_strdup_printf ("%s[%" G_GSIZE_FORMAT "]", key, i);
                const char *callee = queue_body (rec, graph, node_name, role, attr->graphs[i]);

                g_ptr_array_add (calls, g_strdup (role));
                g_ptr_array_add (calls, g_strdup (callee));
                g_variant_builder_add (&builder, "s", callee);
              }
            value = g_variant_builder_end (&builder);
            break;
          }
        default:
          /* Sparse tensors and type protos: nothing to draw. */
          break;
        }
      if (value != NULL)
        _agviz_pt2_attrs_set (attrs, key, value);
    }

  /* The exporter's own notes, but the traceback, which becomes the node's stack. */
  for (gsize m = 0; m < node->n_metadata_props; m++)
    {
      const AgvizOnnx__StringStringEntryProto *prop = node->metadata_props[m];
      g_autofree char *key = NULL;

      if (g_strcmp0 (prop->key, STACK_TRACE_KEY) == 0)
        continue;
      key = g_strdup_printf ("metadata.%s", prop->key);
      _agviz_pt2_attrs_set (attrs, key, _agviz_pt2_text_variant (prop->value, -1));
    }
  if (node->doc_string != NULL && *node->doc_string != '\0')
    _agviz_pt2_attrs_set (attrs, "doc_string", _agviz_pt2_text_variant (node->doc_string, -1));
}

static gboolean
record_graph (OnnxRecording   *rec,
              const OnnxGraph *graph,
              GError         **error)
{
  AgvizRecorder *recorder = rec->ctx->recorder;
  g_autoptr(AgvizPt2Names) names = _agviz_pt2_names_new ();
  g_autoptr(GHashTable) values = _agviz_pt2_values_new ();
  g_autoptr(GHashTable) initializers = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *signature = NULL;
  g_autofree gint64 *node_ids = NULL;
  AgvizOnnx__NodeProto *const *nodes;
  gsize n_nodes;
  gint64 trace_id;

  if (graph->graph != NULL)
    {
      nodes = graph->graph->node;
      n_nodes = graph->graph->n_node;
      for (gsize i = 0; i < graph->graph->n_initializer; i++)
        g_hash_table_add (initializers, graph->graph->initializer[i]->name);
      if (!graph->nested)
        signature = describe_signature (graph->graph, initializers);
    }
  else
    {
      nodes = graph->function->node;
      n_nodes = graph->function->n_node;
    }

  trace_id = _agviz_pt2_begin_graph (rec->ctx, graph->name, signature, error);
  if (trace_id == 0)
    return FALSE;

  /* Inputs, then initializers (an initializer that is also an input draws once). */
  if (graph->graph != NULL)
    {
      for (gsize i = 0; i < graph->graph->n_input; i++)
        {
          const AgvizOnnx__ValueInfoProto *input = graph->graph->input[i];
          GTree *attrs = _agviz_pt2_attrs_new ();
          GVariant *attr_set;
          gint64 node_id;

          if (input->type != NULL && input->type->value_case == AGVIZ_ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE)
            {
              g_autoptr(GString) type = g_string_new (NULL);

              append_tensor_type (type, input->type->tensor_type->elem_type,
                                  input->type->tensor_type->shape);
              _agviz_pt2_attrs_set (attrs, "type", _agviz_pt2_text_variant (type->str, -1));
            }
          attr_set = _agviz_pt2_attrs_end (attrs);
          g_tree_unref (attrs);
          if (g_hash_table_contains (values, input->name))
            {
              if (attr_set != NULL)
                g_variant_unref (g_variant_ref_sink (attr_set));
              continue;
            }
          node_id = _agviz_pt2_add_value_node (rec->ctx, names, values, trace_id, input->name,
                                               g_hash_table_contains (initializers, input->name)
                                                 ? "Initializer" : "Input", attr_set, error);
          if (node_id == 0)
            return FALSE;
        }
      for (gsize i = 0; i < graph->graph->n_initializer; i++)
        {
          const AgvizOnnx__TensorProto *initializer = graph->graph->initializer[i];
          g_autofree char *type = describe_tensor (initializer);
          GTree *attrs;
          GVariant *attr_set;

          if (g_hash_table_contains (values, initializer->name))
            continue;
          attrs = _agviz_pt2_attrs_new ();
          _agviz_pt2_attrs_set (attrs, "type", _agviz_pt2_text_variant (type, -1));
          attr_set = _agviz_pt2_attrs_end (attrs);
          g_tree_unref (attrs);
          if (_agviz_pt2_add_value_node (rec->ctx, names, values, trace_id, initializer->name,
                                         "Initializer", attr_set, error) == 0)
            return FALSE;
        }
    }
  else
    {
      for (gsize i = 0; i < graph->function->n_input; i++)
        if (!g_hash_table_contains (values, graph->function->input[i]) &&
            _agviz_pt2_add_value_node (rec->ctx, names, values, trace_id,
                                       graph->function->input[i], "Input", NULL, error) == 0)
          return FALSE;
    }

  /* Nodes first, so edges may run to nodes listed later (files need not be sorted). */
  node_ids = g_new0 (gint64, n_nodes + 1);
  for (gsize i = 0; i < n_nodes; i++)
    {
      const AgvizOnnx__NodeProto *node = nodes[i];
      g_autofree char *wanted = wanted_node_name (node);
      g_autofree char *name = _agviz_pt2_names_take (names, wanted);
      g_autofree char *op_type = op_type_of (node);
      g_autoptr(GTree) attrs = _agviz_pt2_attrs_new ();
      g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func (g_free);
      const char *stack_trace;
      const char *callee;
      gint64 stack_id = 0;

      stack_trace = find_metadata (node->metadata_props, node->n_metadata_props, STACK_TRACE_KEY);
      if (stack_trace != NULL &&
          (stack_id = _agviz_pt2_stack_from_trace (recorder, rec->stacks, stack_trace, error)) < 0)
        return FALSE;
      collect_attributes (rec, graph, node, name, attrs, calls);
      node_ids[i] = _agviz_pt2_add_op_node (rec->ctx, trace_id, name, op_type,
                                            _agviz_pt2_attrs_end (attrs), stack_id, error);
      if (node_ids[i] == 0)
        return FALSE;
      callee = g_hash_table_lookup (rec->local_functions, op_type);
      if (callee != NULL)
        {
          g_ptr_array_add (calls, g_strdup ("function"));
          g_ptr_array_add (calls, g_strdup (callee));
        }
      if (!_agviz_pt2_add_calls (rec->ctx, trace_id, node_ids[i], calls, error))
        return FALSE;

      for (gsize o = 0; o < node->n_output; o++)
        if (*node->output[o] != '\0')
          _agviz_pt2_values_set (values, node->output[o], node_ids[i], (int) o);
    }

  for (gsize i = 0; i < n_nodes; i++)
    {
      const AgvizOnnx__NodeProto *node = nodes[i];

      /* An empty name leaves an optional input out. */
      for (gsize in = 0; in < node->n_input; in++)
        if (*node->input[in] != '\0' &&
            !_agviz_pt2_add_value_edge (rec->ctx, names, values, trace_id, node->input[in],
                                        graph->nested, node_ids[i], (int) in, &rec->unresolved,
                                        error))
          return FALSE;
    }

  return _agviz_pt2_end_graph (rec->ctx, trace_id, error);
}

gboolean
_agviz_onnx_import (AgvizImportContext  *ctx,
                    const char          *path,
                    GError             **error)
{
  g_autofree char *data = NULL;
  g_autofree char *label = _agviz_import_label_for_path (path);
  g_autofree char *what = g_strdup_printf ("ONNX ModelProto in %s", path);
  AgvizOnnx__ModelProto *model;
  OnnxRecording rec = { 0 };
  OnnxGraph *main_graph;
  gsize length;
  gboolean ok = TRUE;

  data = _agviz_import_read_file (path, AGVIZ_IMPORT_MAX_MESSAGE_FILE, &length, error);
  if (data == NULL)
    return FALSE;
  ctx->stats.bytes += length;
  model = AGVIZ_PROTO_DECODE (AgvizOnnx__ModelProto, agviz_onnx__model_proto__descriptor,
                              (const guint8 *) data, length, what, error);
  if (model == NULL)
    return FALSE;
  if (model->graph == NULL)
    {
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING,
                   "%s: the ONNX model has no graph", path);
      agviz_proto_free (model);
      return FALSE;
    }

  rec.ctx = ctx;
  rec.path = path;
  rec.graphs = g_ptr_array_new_with_free_func (onnx_graph_free);
  rec.graph_names = _agviz_pt2_names_new ();
  rec.local_functions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  rec.stacks = _agviz_pt2_stack_cache_new ();

  main_graph = g_new0 (OnnxGraph, 1);
  main_graph->name = _agviz_pt2_names_take (rec.graph_names, label);
  main_graph->graph = model->graph;
  g_ptr_array_add (rec.graphs, main_graph);
  for (gsize f = 0; f < model->n_functions; f++)
    {
      const AgvizOnnx__FunctionProto *function = model->functions[f];
      OnnxGraph *graph = g_new0 (OnnxGraph, 1);
      g_autofree char *key = function->domain != NULL && *function->domain != '\0'
                               ? g_strdup_printf ("%s::%s", function->domain, function->name)
                               : g_strdup (function->name);

      graph->name = _agviz_pt2_names_take (rec.graph_names, key);
      graph->function = function;
      g_ptr_array_add (rec.graphs, graph);
      g_hash_table_insert (rec.local_functions, g_strdup (key), graph->name);
    }

  /* Bodies are queued while their parents are recorded: a loop, not recursion. */
  for (guint i = 0; ok && i < rec.graphs->len; i++)
    ok = record_graph (&rec, g_ptr_array_index (rec.graphs, i), error);
  if (ok && rec.unresolved > 0)
    _agviz_import_warn (ctx, "%s: %u node inputs name values that no node, input or "
                        "initializer of their graph makes (no edges drawn for them)",
                        path, rec.unresolved);

  g_hash_table_unref (rec.stacks);
  g_hash_table_unref (rec.local_functions);
  _agviz_pt2_names_free (rec.graph_names);
  g_ptr_array_unref (rec.graphs);
  agviz_proto_free (model);
  return ok;
}

/* ---- recognising the format -------------------------------------------------------------- */

/* A `.onnx` file is read as ONNX whatever it holds, so a damaged one says where it goes wrong;
 * other names only when the file opens the way every exporter writes a model: ir_version
 * (field 1) then producer_name (2) or the graph (7). */
AgvizSourceFormat
_agviz_onnx_recognise_file (const char *path,
                            const char *head,
                            gsize       length)
{
  const guint8 *p = (const guint8 *) head, *end = p + length;
  guint64 ir_version;

  if (g_str_has_suffix (path, ".onnx"))
    return AGVIZ_SOURCE_FORMAT_ONNX_MODEL;
  if (length < 3 || p[0] != 0x08)
    return AGVIZ_SOURCE_FORMAT_UNKNOWN;
  p++;
  if (!agviz_proto_read_varint (&p, end, &ir_version) || ir_version == 0 || ir_version > 64 ||
      p >= end || (*p != 0x12 && *p != 0x3a))
    return AGVIZ_SOURCE_FORMAT_UNKNOWN;
  if (agviz_proto_fit (&agviz_onnx__model_proto__descriptor, (const guint8 *) head, length) <= 0)
    return AGVIZ_SOURCE_FORMAT_UNKNOWN;
  return AGVIZ_SOURCE_FORMAT_ONNX_MODEL;
}

