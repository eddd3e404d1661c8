/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-saved-model-importer.c: SavedModel directories (FORMATS.md section 5.7)
 *
 * Every FunctionDef becomes a trace; the SavedObjectGraph names them: a concrete function
 * reached from the root through children "model" -> "__call__" belongs to the tf.function
 * "model.__call__".  The objects that lead to functions become the trace file's module tree
 * (agviz-saved-object-tree.c); the whole object graph, variables and signatures are kept as JSON
 * in the metadata too (key "agviz.saved_model:PATH"), and debug/saved_model_debug_info.pb gives
 * the creation stacks.
 */
#define G_LOG_DOMAIN "agviz-saved-model-importer"

#include "config.h"

#include <string.h>

#include "agviz-tf-importer-private.h"
#include "agviz-proto-decoder.h"
#include "agviz-saved-object-tree.h"
#include "agviz-tf-saved-model.pb-c.h"
#include "agviz-tf-values.h"

static void
write_tensor_info_map (AgvizJsonWriter                        *json,
                       gsize                                   n,
                       AgvizTf__SignatureDef__InputsEntry *const *entries)
{
  agviz_json_writer_begin_object (json);
  for (gsize i = 0; i < n; i++)
    {
      const AgvizTf__TensorInfo *info = entries[i]->value;
      g_autofree char *shape = NULL;

      agviz_json_writer_key (json, entries[i]->key);
      agviz_json_writer_begin_object (json);
      if (info != NULL)
        {
          shape = agviz_tf_shape_to_string (info->tensor_shape);
          agviz_json_writer_key (json, "tensor");
          agviz_json_writer_string (json, info->encoding_case ==
                                      AGVIZ_TF__TENSOR_INFO__ENCODING_NAME ? info->name : NULL);
          agviz_json_writer_key (json, "dtype");
          agviz_json_writer_string (json, agviz_tf_dtype_name (info->dtype));
          agviz_json_writer_key (json, "shape");
          agviz_json_writer_string (json, shape);
        }
      agviz_json_writer_end_object (json);
    }
  agviz_json_writer_end_object (json);
}

G_STATIC_ASSERT (sizeof (AgvizTf__SignatureDef__InputsEntry) ==
                 sizeof (AgvizTf__SignatureDef__OutputsEntry));

static char *
describe_meta_graph (const AgvizTf__MetaGraphDef  *meta,
                     char                        **paths)
{
  const AgvizTf__SavedObjectGraph *objects = meta->object_graph_def;
  AgvizJsonWriter *json = agviz_json_writer_new ();

  agviz_json_writer_begin_object (json);
  if (meta->meta_info_def != NULL)
    {
      agviz_json_writer_key (json, "tags");
      agviz_json_writer_begin_array (json);
      for (gsize i = 0; i < meta->meta_info_def->n_tags; i++)
        agviz_json_writer_string (json, meta->meta_info_def->tags[i]);
      agviz_json_writer_end_array (json);
      agviz_json_writer_key (json, "tensorflow_version");
      agviz_json_writer_string (json, meta->meta_info_def->tensorflow_version);
    }

  agviz_json_writer_key (json, "signatures");
  agviz_json_writer_begin_object (json);
  for (gsize i = 0; i < meta->n_signature_def; i++)
    {
      const AgvizTf__SignatureDef *signature = meta->signature_def[i]->value;

      agviz_json_writer_key (json, meta->signature_def[i]->key);
      agviz_json_writer_begin_object (json);
      if (signature != NULL)
        {
          agviz_json_writer_key (json, "method");
          agviz_json_writer_string (json, signature->method_name);
          agviz_json_writer_key (json, "inputs");
          write_tensor_info_map (json, signature->n_inputs, signature->inputs);
          agviz_json_writer_key (json, "outputs");
          write_tensor_info_map (json, signature->n_outputs,
                                 (AgvizTf__SignatureDef__InputsEntry *const *) signature->outputs);
        }
      agviz_json_writer_end_object (json);
    }
  agviz_json_writer_end_object (json);

  /* The object tree: every object with its path, kind and what it holds. */
  agviz_json_writer_key (json, "objects");
  agviz_json_writer_begin_array (json);
  for (gsize i = 0; objects != NULL && i < objects->n_nodes; i++)
    {
      const AgvizTf__SavedObject *object = objects->nodes[i];

      agviz_json_writer_begin_object (json);
      agviz_json_writer_key (json, "id");
      agviz_json_writer_int (json, (gint64) i);
      agviz_json_writer_key (json, "path");
      agviz_json_writer_string (json, paths[i]);
      agviz_json_writer_key (json, "kind");
      switch (object->kind_case)
        {
        case AGVIZ_TF__SAVED_OBJECT__KIND_USER_OBJECT:
          agviz_json_writer_string (json, "user_object");
          agviz_json_writer_key (json, "identifier");
          agviz_json_writer_string (json, object->user_object->identifier);
          break;
        case AGVIZ_TF__SAVED_OBJECT__KIND_FUNCTION:
          agviz_json_writer_string (json, "function");
          agviz_json_writer_key (json, "concrete_functions");
          agviz_json_writer_begin_array (json);
          for (gsize j = 0; j < object->function->n_concrete_functions; j++)
            agviz_json_writer_string (json, object->function->concrete_functions[j]);
          agviz_json_writer_end_array (json);
          break;
        case AGVIZ_TF__SAVED_OBJECT__KIND_BARE_CONCRETE_FUNCTION:
          agviz_json_writer_string (json, "bare_concrete_function");
          agviz_json_writer_key (json, "concrete_function");
          agviz_json_writer_string (json, object->bare_concrete_function->concrete_function_name);
          break;
        case AGVIZ_TF__SAVED_OBJECT__KIND_VARIABLE:
          {
            g_autofree char *shape = agviz_tf_shape_to_string (object->variable->shape);

            agviz_json_writer_string (json, "variable");
            agviz_json_writer_key (json, "name");
            agviz_json_writer_string (json, object->variable->name);
            agviz_json_writer_key (json, "dtype");
            agviz_json_writer_string (json, agviz_tf_dtype_name (object->variable->dtype));
            agviz_json_writer_key (json, "shape");
            agviz_json_writer_string (json, shape);
            agviz_json_writer_key (json, "trainable");
            agviz_json_writer_boolean (json, object->variable->trainable);
            break;
          }
        case AGVIZ_TF__SAVED_OBJECT__KIND_ASSET:
          agviz_json_writer_string (json, "asset");
          break;
        case AGVIZ_TF__SAVED_OBJECT__KIND_CONSTANT:
          agviz_json_writer_string (json, "constant");
          break;
        case AGVIZ_TF__SAVED_OBJECT__KIND_RESOURCE:
          agviz_json_writer_string (json, "resource");
          break;
        case AGVIZ_TF__SAVED_OBJECT__KIND_CAPTURED_TENSOR:
          agviz_json_writer_string (json, "captured_tensor");
          break;
        default:
          agviz_json_writer_null (json);
          break;
        }
      agviz_json_writer_key (json, "children");
      agviz_json_writer_begin_object (json);
      for (gsize j = 0; j < object->n_children; j++)
        {
          agviz_json_writer_key (json, object->children[j]->local_name);
          agviz_json_writer_int (json, object->children[j]->node_id);
        }
      agviz_json_writer_end_object (json);
      agviz_json_writer_end_object (json);
    }
  agviz_json_writer_end_array (json);
  agviz_json_writer_end_object (json);
  return agviz_json_writer_finish (json);
}

gboolean
_agviz_import_saved_model (AgvizImportContext *ctx,
                           const char         *path,
                           GError            **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  g_autofree char *label = NULL;
  g_autofree char *debug_path = NULL;
  g_autofree char *absolute = NULL;
  g_autoptr(AgvizDebugInfo) debug_info = NULL;
  g_autoptr(GError) local_error = NULL;
  AgvizTf__SavedModel *saved_model;
  gboolean ok = TRUE;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      dir = g_strdup (path);
      file = g_build_filename (dir, "saved_model.pb", NULL);
      if (!g_file_test (file, G_FILE_TEST_IS_REGULAR))
        {
          g_free (file);
          file = g_build_filename (dir, "saved_model.pbtxt", NULL);
        }
    }
  else
    {
      dir = g_path_get_dirname (path);
      file = g_strdup (path);
    }

  /* Name the model after its folder, skipping version folders like 00000123. */
  absolute = g_canonicalize_filename (dir, NULL);
  label = g_path_get_basename (absolute);
  if (strspn (label, "0123456789") == strlen (label))
    {
      g_autofree char *parent = g_path_get_dirname (absolute);
      g_free (label);
      label = g_path_get_basename (parent);
    }

  saved_model = (AgvizTf__SavedModel *)
    _agviz_import_read_message (file, &agviz_tf__saved_model__descriptor, error);
  if (saved_model == NULL)
    return FALSE;

  if (ctx->debug_info_path != NULL)
    debug_path = g_strdup (ctx->debug_info_path);
  else
    debug_path = g_build_filename (dir, "debug", "saved_model_debug_info.pb", NULL);
  if (g_file_test (debug_path, G_FILE_TEST_IS_REGULAR))
    {
      debug_info = agviz_debug_info_load (debug_path, error);
      if (debug_info == NULL)
        {
          agviz_proto_free (saved_model);
          return FALSE;
        }
    }

  for (gsize m = 0; ok && m < saved_model->n_meta_graphs; m++)
    {
      const AgvizTf__MetaGraphDef *meta = saved_model->meta_graphs[m];
      g_autoptr(AgvizGraphImporter) graphs = agviz_graph_importer_new (ctx->recorder, &ctx->stats,
                                                                       ctx->warnings);
      g_autoptr(GPtrArray) path_array = NULL;
      g_autoptr(GArray) parents = NULL;
      char **paths = NULL;
      g_autofree char *description = NULL;
      g_autofree char *key = NULL;
      g_autofree char *meta_label = NULL;

      if (meta->object_graph_def != NULL)
        {
          const AgvizTf__SavedObjectGraph *objects = meta->object_graph_def;

          path_array = agviz_saved_object_paths (objects, &parents);
          paths = (char **) path_array->pdata;
          /* A tf.function's own name beats the names of its traces ("f.trace_0"): bare
           * concrete functions first, functions after, so the latter win. */
          for (guint pass = 0; pass < 2; pass++)
            for (gsize i = 0; i < objects->n_nodes; i++)
              {
                const AgvizTf__SavedObject *object = objects->nodes[i];
                const char *name = paths[i] != NULL && *paths[i] != '\0' ? paths[i] : NULL;

                if (name == NULL)
                  continue;
                if (pass == 1 && object->kind_case == AGVIZ_TF__SAVED_OBJECT__KIND_FUNCTION)
                  for (gsize j = 0; j < object->function->n_concrete_functions; j++)
                    agviz_graph_importer_name_function (graphs,
                                                        object->function->concrete_functions[j],
                                                        name, NULL);
                else if (pass == 0 &&
                         object->kind_case == AGVIZ_TF__SAVED_OBJECT__KIND_BARE_CONCRETE_FUNCTION)
                  agviz_graph_importer_name_function (
                    graphs, object->bare_concrete_function->concrete_function_name, name, NULL);
              }
        }
      meta_label = saved_model->n_meta_graphs > 1
                     ? g_strdup_printf ("%s[%" G_GSIZE_FORMAT "]", label, m) : g_strdup (label);
      agviz_graph_importer_set_debug_info (graphs, debug_info);
      if (meta->graph_def != NULL &&
          agviz_graph_importer_add_graph (graphs, meta->graph_def, meta_label,
                                          &local_error) == 0 && local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          ok = FALSE;
          break;
        }

      if (meta->object_graph_def != NULL &&
          !agviz_saved_object_tree_record (meta->object_graph_def, paths, parents, meta_label,
                                           graphs, ctx->recorder, error))
        {
          ok = FALSE;
          break;
        }

      description = describe_meta_graph (meta, paths);
      if (saved_model->n_meta_graphs > 1)
        key = g_strdup_printf ("agviz.saved_model:%s[%" G_GSIZE_FORMAT "]", absolute, m);
      else
        key = g_strdup_printf ("agviz.saved_model:%s", absolute);
      ok = agviz_recorder_set_metadata (ctx->recorder, key, description, error);
    }

  if (debug_info != NULL)
    ctx->stats.source_files += agviz_debug_info_get_n_texts (debug_info);
  agviz_proto_free (saved_model);
  if (ok && ctx->stats.traces == 0)
    {
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING,
                   "%s: the SavedModel holds no graph", path);
      return FALSE;
    }
  return ok;
}
