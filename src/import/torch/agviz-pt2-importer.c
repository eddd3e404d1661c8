/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-pt2-importer.c: torch.export programs (.pt2, torch.export.save)
 *
 * A .pt2 is a zip archive; its ExportedProgram is JSON (torch/_export/serde/schema.yaml) in
 * `ARCHIVE/models/NAME.json` (torch 2.6 and later) or `serialized_exported_program.json`
 * (earlier).  Each program's graph is one function with one trace: its inputs are nodes named
 * by what the signature says they are (parameter, buffer, user_input, ...), its FX nodes are
 * nodes named by their target (`aten.conv2d.default`) inside the scopes of their
 * `nn_module_stack`, with their `stack_trace` as stacks, and its outputs one `output` node.
 * Arguments that are no values (ints, lists, dtypes) become attributes; graph arguments (the
 * branches of `cond`, the body of `while_loop`) are functions of their own the node calls.
 * Weights and sample inputs are never read.
 */
#define G_LOG_DOMAIN "agviz-import"

#include "config.h"

#include <string.h>

#include "agviz-json-reader.h"
#include "agviz-pt2-backend-private.h"
#include "agviz-pt2-nodes.h"
#include "agviz-pt2-stack-trace.h"
#include "agviz-zip-reader.h"

/* A program's JSON larger than this is refused rather than parsed (a GVariant of it takes
 * several times its size). */
#define MAX_PROGRAM_JSON (((gsize) 512) << 20)

typedef struct
{
  char     *name;
  GVariant *graph;        /* a Graph object of the schema */
  GVariant *signature;    /* the program's GraphSignature, NULL for a graph argument */
} Pt2Graph;

typedef struct
{
  AgvizImportContext *ctx;
  const char         *what;          /* "model.pt2: m/models/model.json", for errors */
  GPtrArray          *graphs;        /* Pt2Graph, appended to as graph arguments are found */
  AgvizPt2Names      *graph_names;
  GHashTable         *stacks;
  guint               unresolved;
} Pt2Recording;

static void
pt2_graph_free (gpointer data)
{
  Pt2Graph *graph = data;

  g_free (graph->name);
  g_clear_pointer (&graph->graph, g_variant_unref);
  g_clear_pointer (&graph->signature, g_variant_unref);
  g_free (graph);
}

static gboolean
is_object (GVariant *value)
{
  return value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_VARDICT);
}

/* Member @key of JSON object @object (transfer full), NULL when absent or not an object. */
static GVariant *
member (GVariant   *object,
        const char *key)
{
  if (!is_object (object))
    return NULL;
  return g_variant_lookup_value (object, key, NULL);
}

/* The number of elements of JSON array @array, 0 when it is none. */
static gsize
n_elements (GVariant *array)
{
  if (array == NULL || !g_variant_is_of_type (array, G_VARIANT_TYPE ("av")))
    return 0;
  return g_variant_n_children (array);
}

static GVariant *
element (GVariant *array,
         gsize     index)
{
  g_autoptr(GVariant) boxed = g_variant_get_child_value (array, index);

  return g_variant_get_variant (boxed);
}

/* The only member of a one-of object (`{"as_tensor": {...}}`): its key, and its value (transfer
 * full); NULL when @object is not one. */
static const char *
only_member (GVariant  *object,
             GVariant **value)
{
  g_autoptr(GVariant) entry = NULL;
  const char *key;

  *value = NULL;
  if (!is_object (object) || g_variant_n_children (object) == 0)
    return NULL;
  entry = g_variant_get_child_value (object, 0);
  g_variant_get (entry, "{&sv}", &key, value);
  return key;
}

/* Appends to @names the values an Argument names: tensors, symbolic ints, tokens, objects. */
static void
collect_value_names (GVariant  *value,
                     GPtrArray *names)
{
  if (is_object (value))
    {
      GVariantIter iter;
      const char *key;
      GVariant *child;

      g_variant_iter_init (&iter, value);
      while (g_variant_iter_next (&iter, "{&sv}", &key, &child))
        {
          if ((strcmp (key, "name") == 0 || strcmp (key, "as_name") == 0) &&
              g_variant_is_of_type (child, G_VARIANT_TYPE_STRING))
            g_ptr_array_add (names, g_variant_dup_string (child, NULL));
          else if (strcmp (key, "as_graph") != 0 && strcmp (key, "graph") != 0)
            collect_value_names (child, names);
          g_variant_unref (child);
        }
    }
  else
    {
      for (gsize i = 0; i < n_elements (value); i++)
        {
          g_autoptr(GVariant) item = element (value, i);

          collect_value_names (item, names);
        }
    }
}

/* The module paths of an `nn_module_stack` (`KEY,PATH,TYPE` entries joined by ';'). */
static GPtrArray *
module_paths (const char *nn_module_stack)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) entries = g_strsplit (nn_module_stack, ";", -1);

  for (guint i = 0; entries[i] != NULL; i++)
    {
      const char *first = strchr (entries[i], ',');
      const char *last = strrchr (entries[i], ',');

      if (first == NULL || last == first)
        continue;
      g_ptr_array_add (paths, g_strndup (first + 1, last - first - 1));
    }
  return paths;
}

static const char *
string_member (GVariant   *object,
               const char *key,
               GVariant  **holder)
{
  *holder = member (object, key);
  if (*holder == NULL || !g_variant_is_of_type (*holder, G_VARIANT_TYPE_STRING))
    return NULL;
  return g_variant_get_string (*holder, NULL);
}

/* input value name -> what the signature says it is ("parameter", "user_input", ...) */
static GHashTable *
input_kinds (GVariant *signature)
{
  GHashTable *kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GVariant) specs = member (signature, "input_specs");

  for (gsize i = 0; i < n_elements (specs); i++)
    {
      g_autoptr(GVariant) spec = element (specs, i);
      g_autoptr(GVariant) body = NULL;
      g_autoptr(GVariant) arg = NULL;
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *kind = only_member (spec, &body);

      if (kind == NULL)
        continue;
      arg = member (body, "arg");
      collect_value_names (arg, names);
      for (guint n = 0; n < names->len; n++)
        g_hash_table_replace (kinds, g_strdup (g_ptr_array_index (names, n)), g_strdup (kind));
    }
  return kinds;
}

/* Edges into @dst_node_id from every value @arguments (an array of Arguments, or of NamedArgument
 * objects holding one in `arg`) names, numbered from input 0. */
static gboolean
add_edges (Pt2Recording  *rec,
           AgvizPt2Names *names,
           GHashTable    *values,
           gint64         trace_id,
           GVariant      *arguments,
           gboolean       named,
           gint64         dst_node_id,
           GError       **error)
{
  int dst_input = 0;

  for (gsize i = 0; i < n_elements (arguments); i++)
    {
      g_autoptr(GVariant) item = element (arguments, i);
      g_autoptr(GVariant) arg = named ? member (item, "arg") : g_variant_ref (item);
      g_autoptr(GPtrArray) value_names = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GVariant) graph_arg = member (arg, "as_graph");

      if (graph_arg != NULL)
        continue;
      collect_value_names (arg, value_names);
      for (guint n = 0; n < value_names->len; n++)
        if (!_agviz_pt2_add_value_edge (rec->ctx, names, values, trace_id,
                                        g_ptr_array_index (value_names, n), FALSE, dst_node_id,
                                        dst_input++, &rec->unresolved, error))
          return FALSE;
    }
  return TRUE;
}

/* The node's non-value arguments and metadata as attributes, and its graph arguments queued
 * (role and callee name appended to @calls). */
static void
collect_attributes (Pt2Recording    *rec,
                    const Pt2Graph  *graph,
                    GVariant        *node,
                    const char      *node_name,
                    GTree           *attrs,
                    GPtrArray       *calls)
{
  g_autoptr(GVariant) inputs = member (node, "inputs");
  g_autoptr(GVariant) metadata = member (node, "metadata");

  for (gsize i = 0; i < n_elements (inputs); i++)
    {
      g_autoptr(GVariant) input = element (inputs, i);
      g_autoptr(GVariant) name_holder = NULL;
      g_autoptr(GVariant) arg = member (input, "arg");
      g_autoptr(GVariant) value = NULL;
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *fallback = g_strdup_printf ("arg%" G_GSIZE_FORMAT, i);
      const char *name = string_member (input, "name", &name_holder);
      const char *kind = only_member (arg, &value);

      if (name == NULL || *name == '\0')
        name = fallback;
      if (kind == NULL || strcmp (kind, "as_none") == 0)
        continue;
      if (strcmp (kind, "as_graph") == 0)
        {
          g_autoptr(GVariant) graph_name_holder = NULL;
          const char *local = string_member (value, "name", &graph_name_holder);
          g_autofree char *wanted = g_strdup_printf ("%s/%s/%s", graph->name, node_name,
                                                     local != NULL ? local : name);
          Pt2Graph *body = g_new0 (Pt2Graph, 1);

          body->name = _agviz_pt2_names_take (rec->graph_names, wanted);
          body->graph = member (value, "graph");
          if (body->graph == NULL)
            {
              pt2_graph_free (body);
              continue;
            }
          g_ptr_array_add (rec->graphs, body);
          g_ptr_array_add (calls, g_strdup (name));
          g_ptr_array_add (calls, g_strdup (body->name));
          _agviz_pt2_attrs_set (attrs, name, _agviz_pt2_text_variant (body->name, -1));
          continue;
        }
      collect_value_names (arg, names);
      if (names->len == 0)
        _agviz_pt2_attrs_set (attrs, name, value);
    }

  if (is_object (metadata))
    {
      GVariantIter iter;
      const char *key;
      GVariant *value;

      g_variant_iter_init (&iter, metadata);
      while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
        {
          if (strcmp (key, "stack_trace") != 0)
            {
              g_autofree char *attr_key = g_strdup_printf ("metadata.%s", key);

              _agviz_pt2_attrs_set (attrs, attr_key, value);
            }
          g_variant_unref (value);
        }
    }
}

/* The node's full name: its module stack as scopes, then its own name. */
static char *
wanted_node_name (GVariant   *node,
                  const char *op_type)
{
  g_autoptr(GVariant) metadata = member (node, "metadata");
  g_autoptr(GVariant) stack_holder = NULL, name_holder = NULL, outputs = NULL;
  const char *stack = string_member (metadata, "nn_module_stack", &stack_holder);
  const char *local = string_member (node, "name", &name_holder);
  g_autoptr(GPtrArray) output_names = g_ptr_array_new_with_free_func (g_free);
  GString *name = g_string_new (NULL);

  if (stack != NULL)
    {
      g_autoptr(GPtrArray) paths = module_paths (stack);

      _agviz_pt2_append_module_scopes (name, (const char *const *) paths->pdata, paths->len);
    }
  /* Programs saved before nodes had names are named by their first output. */
  if (local == NULL || *local == '\0')
    {
      outputs = member (node, "outputs");
      collect_value_names (outputs, output_names);
      local = output_names->len > 0 ? g_ptr_array_index (output_names, 0) : op_type;
    }
  if (name->len > 0)
    g_string_append_c (name, '/');
  g_string_append (name, local);
  return g_string_free (name, FALSE);
}

static gboolean
record_graph (Pt2Recording   *rec,
              const Pt2Graph *graph,
              GError        **error)
{
  AgvizRecorder *recorder = rec->ctx->recorder;
  g_autoptr(AgvizPt2Names) names = _agviz_pt2_names_new ();
  g_autoptr(GHashTable) values = _agviz_pt2_values_new ();
  g_autoptr(GHashTable) kinds = input_kinds (graph->signature);
  g_autoptr(GVariant) inputs = member (graph->graph, "inputs");
  g_autoptr(GVariant) nodes = member (graph->graph, "nodes");
  g_autoptr(GVariant) outputs = member (graph->graph, "outputs");
  g_autofree gint64 *node_ids = g_new0 (gint64, n_elements (nodes) + 1);
  gint64 trace_id, output_id;

  trace_id = _agviz_pt2_begin_graph (rec->ctx, graph->name, NULL, error);
  if (trace_id == 0)
    return FALSE;

  for (gsize i = 0; i < n_elements (inputs); i++)
    {
      g_autoptr(GVariant) input = element (inputs, i);
      g_autoptr(GPtrArray) input_names = g_ptr_array_new_with_free_func (g_free);

      collect_value_names (input, input_names);
      for (guint n = 0; n < input_names->len; n++)
        {
          const char *value_name = g_ptr_array_index (input_names, n);
          const char *kind = g_hash_table_lookup (kinds, value_name);

          if (!g_hash_table_contains (values, value_name) &&
              _agviz_pt2_add_value_node (rec->ctx, names, values, trace_id, value_name,
                                         kind != NULL ? kind : "placeholder", NULL, error) == 0)
            return FALSE;
        }
    }

  for (gsize i = 0; i < n_elements (nodes); i++)
    {
      g_autoptr(GVariant) node = element (nodes, i);
      g_autoptr(GVariant) target_holder = NULL, metadata = member (node, "metadata");
      g_autoptr(GVariant) trace_holder = NULL, node_outputs = member (node, "outputs");
      g_autoptr(GTree) attrs = _agviz_pt2_attrs_new ();
      g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) output_names = g_ptr_array_new_with_free_func (g_free);
      const char *target = string_member (node, "target", &target_holder);
      const char *stack_trace = string_member (metadata, "stack_trace", &trace_holder);
      g_autofree char *op_type = NULL, *wanted = NULL, *name = NULL;
      gint64 stack_id = 0;

      if (target == NULL || *target == '\0')
        target = "call_function";
      op_type = g_strdup (g_str_has_prefix (target, "torch.ops.") ? target + 10 : target);
      wanted = wanted_node_name (node, op_type);
      name = _agviz_pt2_names_take (names, wanted);
      if (stack_trace != NULL &&
          (stack_id = _agviz_pt2_stack_from_trace (recorder, rec->stacks, stack_trace, error)) < 0)
        return FALSE;
      collect_attributes (rec, graph, node, name, attrs, calls);
      node_ids[i] = _agviz_pt2_add_op_node (rec->ctx, trace_id, name, op_type,
                                            _agviz_pt2_attrs_end (attrs), stack_id, error);
      if (node_ids[i] == 0)
        return FALSE;
      if (!_agviz_pt2_add_calls (rec->ctx, trace_id, node_ids[i], calls, error))
        return FALSE;

      collect_value_names (node_outputs, output_names);
      for (guint o = 0; o < output_names->len; o++)
        _agviz_pt2_values_set (values, g_ptr_array_index (output_names, o), node_ids[i], (int) o);
    }

  for (gsize i = 0; i < n_elements (nodes); i++)
    {
      g_autoptr(GVariant) node = element (nodes, i);
      g_autoptr(GVariant) node_inputs = member (node, "inputs");

      if (!add_edges (rec, names, values, trace_id, node_inputs, TRUE, node_ids[i], error))
        return FALSE;
    }

  if (n_elements (outputs) > 0)
    {
      g_autofree char *name = _agviz_pt2_names_take (names, "output");

      output_id = _agviz_pt2_add_op_node (rec->ctx, trace_id, name, "output", NULL, 0, error);
      if (output_id == 0)
        return FALSE;
      if (!add_edges (rec, names, values, trace_id, outputs, FALSE, output_id, error))
        return FALSE;
    }

  return _agviz_pt2_end_graph (rec->ctx, trace_id, error);
}

/* Whether archive entry @name holds an ExportedProgram. */
static gboolean
is_program_entry (const char *name)
{
  const char *models = strstr (name, "models/");

  if (g_str_has_suffix (name, "serialized_exported_program.json"))
    return TRUE;
  /* ARCHIVE/models/NAME.json, not a file of a deeper folder. */
  return models != NULL && (models == name || models[-1] == '/') &&
         g_str_has_suffix (name, ".json") && strchr (models + 7, '/') == NULL;
}

/* "model" for ".../models/model.json" */
static char *
program_label (const char *entry)
{
  const char *base = strrchr (entry, '/');
  char *label = g_strdup (base != NULL ? base + 1 : entry);

  if (g_str_has_suffix (label, ".json"))
    label[strlen (label) - 5] = '\0';
  return label;
}

static gboolean
record_program (Pt2Recording  *rec,
                GVariant      *program,
                const char    *function_name,
                GError       **error)
{
  g_autoptr(GVariant) graph_module = member (program, "graph_module");
  Pt2Graph *main_graph;
  gboolean ok = TRUE;

  if (graph_module == NULL)
    graph_module = g_variant_ref (program);
  main_graph = g_new0 (Pt2Graph, 1);
  main_graph->name = _agviz_pt2_names_take (rec->graph_names, function_name);
  main_graph->graph = member (graph_module, "graph");
  main_graph->signature = member (graph_module, "signature");
  if (!is_object (main_graph->graph))
    {
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_PARSE,
                   "%s: the program has no graph_module.graph object", rec->what);
      pt2_graph_free (main_graph);
      return FALSE;
    }
  g_ptr_array_set_size (rec->graphs, 0);
  g_ptr_array_add (rec->graphs, main_graph);
  /* Graph arguments are queued while their callers are recorded: a loop, not recursion. */
  for (guint i = 0; ok && i < rec->graphs->len; i++)
    ok = record_graph (rec, g_ptr_array_index (rec->graphs, i), error);
  return ok;
}

gboolean
_agviz_pt2_import (AgvizImportContext  *ctx,
                   const char          *path,
                   GError             **error)
{
  g_autoptr(AgvizZipReader) zip = agviz_zip_reader_open (path, error);
  g_autofree char *label = _agviz_import_label_for_path (path);
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  Pt2Recording rec = { 0 };
  gboolean ok = TRUE;

  if (zip == NULL)
    return FALSE;
  for (guint i = 0; i < agviz_zip_reader_get_n_entries (zip); i++)
    if (is_program_entry (agviz_zip_reader_get_name (zip, i)))
      g_ptr_array_add (entries, GUINT_TO_POINTER (i));
  if (entries->len == 0)
    {
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING,
                   "%s: the archive holds no exported program (looked for models/*.json and "
                   "serialized_exported_program.json)", path);
      return FALSE;
    }

  rec.ctx = ctx;
  rec.graphs = g_ptr_array_new_with_free_func (pt2_graph_free);
  rec.graph_names = _agviz_pt2_names_new ();
  rec.stacks = _agviz_pt2_stack_cache_new ();
  for (guint e = 0; ok && e < entries->len; e++)
    {
      guint index = GPOINTER_TO_UINT (g_ptr_array_index (entries, e));
      const char *entry = agviz_zip_reader_get_name (zip, index);
      g_autofree char *what = g_strdup_printf ("%s: %s", path, entry);
      g_autofree guint8 *json = NULL;
      g_autofree char *model = program_label (entry);
      g_autofree char *function_name = NULL;
      g_autoptr(GVariant) program = NULL;
      g_autoptr(GError) json_error = NULL;
      gsize length;

      json = agviz_zip_reader_extract (zip, index, MAX_PROGRAM_JSON, &length, error);
      if (json == NULL)
        {
          ok = FALSE;
          break;
        }
      ctx->stats.bytes += length;
      program = agviz_json_parse ((const char *) json, (gssize) length, &json_error);
      if (program == NULL || !is_object (program))
        {
          g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_PARSE, "%s: %s", what,
                       program == NULL ? json_error->message : "not a JSON object");
          ok = FALSE;
          break;
        }
      rec.what = what;
      /* One program is named by the file, several by the file and their own names. */
      function_name = entries->len == 1 || strcmp (model, "serialized_exported_program") == 0
                        ? g_strdup (label) : g_strdup_printf ("%s/%s", label, model);
      ok = record_program (&rec, program, function_name, error);
      rec.what = NULL;
    }
  if (ok && rec.unresolved > 0)
    _agviz_import_warn (ctx, "%s: %u node arguments name values that no node or input of their "
                        "graph makes (no edges drawn for them)", path, rec.unresolved);

  g_hash_table_unref (rec.stacks);
  _agviz_pt2_names_free (rec.graph_names);
  g_ptr_array_unref (rec.graphs);
  return ok;
}

/* ---- recognising the format -------------------------------------------------------------- */

/* A `.pt2` file is read as one whatever it holds, so a damaged one says where it goes wrong;
 * other zip archives when their first entries name torch.export's layout. */
AgvizSourceFormat
_agviz_pt2_recognise_file (const char *path,
                           const char *head,
                           gsize       length)
{
  if (g_str_has_suffix (path, ".pt2"))
    return AGVIZ_SOURCE_FORMAT_TORCH_EXPORT;
  if (length < 4 || memcmp (head, "PK\x03\x04", 4) != 0)
    return AGVIZ_SOURCE_FORMAT_UNKNOWN;
  if (g_strstr_len (head, length, "serialized_exported_program.json") != NULL ||
      g_strstr_len (head, length, "/models/model.json") != NULL ||
      g_strstr_len (head, length, "/data/weights/model_weights_config.json") != NULL)
    return AGVIZ_SOURCE_FORMAT_TORCH_EXPORT;
  return AGVIZ_SOURCE_FORMAT_UNKNOWN;
}

