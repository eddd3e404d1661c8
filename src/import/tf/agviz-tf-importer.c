/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-tf-importer.c: TensorFlow's import backend: what its sources are, single-message files */
#define G_LOG_DOMAIN "agviz-importer"

#include "config.h"

#include <string.h>

#include "agviz-crc32c.h"
#include "agviz-proto-decoder.h"
#include "agviz-text-format.h"
#include "agviz-tf-importer-private.h"
#include "agviz-tf-saved-model.pb-c.h"

/* ---- recognising sources ----------------------------------------------------------------- */

static gboolean
is_tfdbg_dump (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  if (listing == NULL)
    return FALSE;
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, "tfdbg_events.") && g_str_has_suffix (name, ".metadata"))
      return TRUE;
  return FALSE;
}

static gboolean
has_event_files (const char *dir,
                 guint       depth)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  if (listing == NULL)
    return FALSE;
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);

      if (strstr (name, "tfevents") != NULL && g_file_test (child, G_FILE_TEST_IS_REGULAR))
        return TRUE;
      if (depth > 0 && g_file_test (child, G_FILE_TEST_IS_DIR) &&
          !g_file_test (child, G_FILE_TEST_IS_SYMLINK) &&
          has_event_files (child, depth - 1))
        return TRUE;
    }
  return FALSE;
}

static gboolean
has_saved_model (const char *dir)
{
  g_autofree char *pb = g_build_filename (dir, "saved_model.pb", NULL);
  g_autofree char *pbtxt = g_build_filename (dir, "saved_model.pbtxt", NULL);

  return g_file_test (pb, G_FILE_TEST_IS_REGULAR) || g_file_test (pbtxt, G_FILE_TEST_IS_REGULAR);
}

/* A TFRecord stream starts with a length whose masked CRC matches. */
static gboolean
starts_with_tfrecord (const guint8 *data,
                      gsize         length)
{
  guint32 stored;

  if (length < 12)
    return FALSE;
  memcpy (&stored, data + 8, 4);
  return GUINT32_FROM_LE (stored) == agviz_crc32c_mask (agviz_crc32c (data, 8));
}

static AgvizSourceFormat
recognise_directory (const char *path)
{
  if (is_tfdbg_dump (path))
    return AGVIZ_SOURCE_FORMAT_TFDBG_DUMP;
  if (has_saved_model (path))
    return AGVIZ_SOURCE_FORMAT_SAVED_MODEL;
  if (has_event_files (path, 4))
    return AGVIZ_SOURCE_FORMAT_LOG_DIR;
  return AGVIZ_SOURCE_FORMAT_UNKNOWN;
}

static const AgvizImportMessageFormat message_formats[] = {
  { AGVIZ_SOURCE_FORMAT_GRAPH_DEF, &agviz_tf__graph_def__descriptor, NULL },
  { AGVIZ_SOURCE_FORMAT_META_GRAPH_DEF, &agviz_tf__meta_graph_def__descriptor, "*.meta" },
  { AGVIZ_SOURCE_FORMAT_SAVED_MODEL, &agviz_tf__saved_model__descriptor, "saved_model*" },
  { AGVIZ_SOURCE_FORMAT_RUN_METADATA, &agviz_tf__run_metadata__descriptor, "*run_meta*" },
  { AGVIZ_SOURCE_FORMAT_GRAPH_DEBUG_INFO, &agviz_tf__graph_debug_info__descriptor, "*debug*" },
};

static AgvizSourceFormat
recognise_file (const char *path,
                const char *head,
                gsize       length)
{
  AgvizSourceFormat format;

  if (starts_with_tfrecord ((const guint8 *) head, length))
    {
      g_autofree char *base = g_path_get_basename (path);

      if (g_str_has_prefix (base, "tfdbg_events."))
        return AGVIZ_SOURCE_FORMAT_TFDBG_DUMP;
      return AGVIZ_SOURCE_FORMAT_EVENT_FILE;
    }
  if (length == 0)
    return AGVIZ_SOURCE_FORMAT_UNKNOWN;

  format = _agviz_import_recognise_message (message_formats, G_N_ELEMENTS (message_formats),
                                            path, head, length);
  /* A text file named like a graph that fits nothing is parsed as one, so its syntax error
   * says where it goes wrong. */
  if (format == AGVIZ_SOURCE_FORMAT_UNKNOWN && _agviz_import_looks_like_text (head, length) &&
      (g_str_has_suffix (path, ".pbtxt") || g_str_has_suffix (path, ".pbtext") ||
       g_str_has_suffix (path, ".prototxt")))
    format = AGVIZ_SOURCE_FORMAT_GRAPH_DEF;
  return format;
}

/* ---- single-message sources -------------------------------------------------------------- */

/* The stacks for a GraphDef file: --debug-info, else FILE.debug beside it, read on another
 * thread (agviz_debug_info_load_in_background()); NULL when neither exists. */
static AgvizDebugInfo *
start_debug_info (AgvizImportContext *ctx,
                  const char         *graph_path)
{
  g_autofree char *beside = NULL;

  if (ctx->debug_info_path != NULL)
    return agviz_debug_info_load_in_background (ctx->debug_info_path);
  beside = g_strconcat (graph_path, ".debug", NULL);
  if (g_file_test (beside, G_FILE_TEST_IS_REGULAR))
    return agviz_debug_info_load_in_background (beside);
  return NULL;
}

static gboolean
import_graph_def_file (AgvizImportContext  *ctx,
                       const char          *path,
                       gboolean             meta,
                       GError             **error)
{
  g_autoptr(AgvizGraphImporter) graphs = agviz_graph_importer_new (ctx->recorder, &ctx->stats,
                                                                   ctx->warnings);
  g_autoptr(AgvizDebugInfo) debug_info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *label = _agviz_import_label_for_path (path);
  g_autofree char *contents = NULL;
  ProtobufCMessage *message = NULL;
  const AgvizTf__GraphDef *graph = NULL;
  gsize length;
  gboolean ok;

  /* The stacks are read on another thread while this one reads the graph; nodes ask for
   * theirs once all of them are added.  A GraphDebugInfo that cannot be read is reported in
   * preference to anything wrong with the graph, as when it was read first. */
  debug_info = start_debug_info (ctx, path);

  contents = _agviz_import_read_file (path, AGVIZ_IMPORT_MAX_MESSAGE_FILE, &length, error);
  if (contents == NULL)
    return FALSE;
  /* A binary GraphDef stays encoded: its nodes are unpacked one by one as they are added. */
  if (meta || _agviz_import_looks_like_text (contents, length))
    {
      message = _agviz_import_looks_like_text (contents, length)
        ? agviz_text_format_decode (meta ? &agviz_tf__meta_graph_def__descriptor
                                         : &agviz_tf__graph_def__descriptor,
                                    contents, length, path, error)
        : agviz_proto_decode (&agviz_tf__meta_graph_def__descriptor, (const guint8 *) contents,
                              length, path, error);
      if (message == NULL)
        return FALSE;
      g_clear_pointer (&contents, g_free);
      graph = meta ? ((AgvizTf__MetaGraphDef *) message)->graph_def
                   : (const AgvizTf__GraphDef *) message;
    }

  /* A decoded graph asks for stacks node by node: nothing left to overlap with. */
  if (debug_info != NULL && contents == NULL && !agviz_debug_info_wait (debug_info, &local_error))
    {
      agviz_proto_free (message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  agviz_graph_importer_set_debug_info (graphs, debug_info);

  if (contents != NULL)
    {
      g_autoptr(GError) load_error = NULL;

      ok = agviz_graph_importer_add_graph_bytes (graphs, (const guint8 *) contents, length, path,
                                                 label, &local_error) != 0 ||
           local_error == NULL;
      if (debug_info != NULL && !agviz_debug_info_wait (debug_info, &load_error))
        {
          g_clear_error (&local_error);
          local_error = g_steal_pointer (&load_error);
          ok = FALSE;
        }
    }
  else
    ok = graph == NULL ||
         agviz_graph_importer_add_graph (graphs, graph, label, &local_error) != 0 ||
         local_error == NULL;
  if (debug_info != NULL)
    ctx->stats.source_files += agviz_debug_info_get_n_texts (debug_info);
  agviz_proto_free (message);
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (ctx->stats.traces == 0)
    {
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING,
                   "%s: the %s holds no nodes and no functions", path,
                   meta ? "MetaGraphDef" : "GraphDef");
      return FALSE;
    }
  return TRUE;
}

static gboolean
import_run_metadata_file (AgvizImportContext  *ctx,
                          const char          *path,
                          GError             **error)
{
  g_autoptr(AgvizGraphImporter) graphs = agviz_graph_importer_new (ctx->recorder, &ctx->stats,
                                                                   ctx->warnings);
  g_autofree char *label = _agviz_import_label_for_path (path);
  ProtobufCMessage *message;
  gboolean ok;

  message = _agviz_import_read_message (path, &agviz_tf__run_metadata__descriptor, error);
  if (message == NULL)
    return FALSE;
  ok = _agviz_import_run_metadata (ctx, graphs, (AgvizTf__RunMetadata *) message, label, 0, 0,
                                   error);
  agviz_proto_free (message);
  if (ok && ctx->stats.traces == 0 && ctx->stats.executions == 0)
    {
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING,
                   "%s: the RunMetadata holds no graphs and no step statistics", path);
      return FALSE;
    }
  return ok;
}

/* ---- the backend ------------------------------------------------------------------------- */

static gboolean
import_source (AgvizImportContext  *ctx,
               const char          *path,
               AgvizSourceFormat    format,
               GError             **error)
{
  switch (format)
    {
    case AGVIZ_SOURCE_FORMAT_TFDBG_DUMP:
      {
        g_autofree char *dir = g_file_test (path, G_FILE_TEST_IS_DIR) ? g_strdup (path)
                                                                      : g_path_get_dirname (path);
        return _agviz_import_tfdbg_dump (ctx, dir, error);
      }
    case AGVIZ_SOURCE_FORMAT_SAVED_MODEL:
      return _agviz_import_saved_model (ctx, path, error);
    case AGVIZ_SOURCE_FORMAT_GRAPH_DEF:
      return import_graph_def_file (ctx, path, FALSE, error);
    case AGVIZ_SOURCE_FORMAT_META_GRAPH_DEF:
      return import_graph_def_file (ctx, path, TRUE, error);
    case AGVIZ_SOURCE_FORMAT_GRAPH_DEBUG_INFO:
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING,
                   "%s is a GraphDebugInfo (creation stacks only): import the graph it "
                   "belongs to with --debug-info %s", path, path);
      return FALSE;
    case AGVIZ_SOURCE_FORMAT_EVENT_FILE:
      if (!_agviz_import_event_file (ctx, path, NULL, error))
        return FALSE;
      if (ctx->stats.traces == 0 && ctx->stats.executions == 0)
        {
          g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING,
                       "%s: %" G_GUINT64_FORMAT " records, but no graph (only scalars, "
                       "histograms and the like, which agviz does not show)%s", path,
                       ctx->stats.records,
                       ctx->keras_model_configs > 0 ? AGVIZ_IMPORT_KERAS_CONFIG_HINT : "");
          return FALSE;
        }
      return TRUE;
    case AGVIZ_SOURCE_FORMAT_LOG_DIR:
      return _agviz_import_log_dir (ctx, path, error);
    case AGVIZ_SOURCE_FORMAT_RUN_METADATA:
      return import_run_metadata_file (ctx, path, error);
    case AGVIZ_SOURCE_FORMAT_UNKNOWN:
    default:
      g_assert_not_reached ();
    }
}

static const AgvizImportFormatName format_names[] = {
  { AGVIZ_SOURCE_FORMAT_TFDBG_DUMP, "tfdbg2 dump" },
  { AGVIZ_SOURCE_FORMAT_SAVED_MODEL, "SavedModel" },
  { AGVIZ_SOURCE_FORMAT_GRAPH_DEF, "GraphDef" },
  { AGVIZ_SOURCE_FORMAT_META_GRAPH_DEF, "MetaGraphDef" },
  { AGVIZ_SOURCE_FORMAT_GRAPH_DEBUG_INFO, "GraphDebugInfo" },
  { AGVIZ_SOURCE_FORMAT_EVENT_FILE, "TensorBoard event file" },
  { AGVIZ_SOURCE_FORMAT_LOG_DIR, "TensorBoard log directory" },
  { AGVIZ_SOURCE_FORMAT_RUN_METADATA, "RunMetadata" },
  { AGVIZ_SOURCE_FORMAT_UNKNOWN, NULL },
};

const AgvizImportBackend _agviz_tf_import_backend = {
  .framework = "TensorFlow",
  .formats = format_names,
  .looks_for_in_directories = "tfdbg_events.* files, saved_model.pb or .pbtxt, and "
                              "events.out.tfevents.* files up to 4 folders deep",
  .tries_on_files = "TFRecord streams (TensorBoard event files, tfdbg2 dumps), and GraphDef, "
                    "MetaGraphDef, SavedModel, RunMetadata and GraphDebugInfo messages, binary "
                    "and text",
  .recognise_directory = recognise_directory,
  .recognise_file = recognise_file,
  .import = import_source,
};
