/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-document.c: loading a trace file for the app (see agviz-document.h) */
#define G_LOG_DOMAIN "agviz-document"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agviz-document.h"
#include "agviz-importer.h"
#include "agviz-op-timings.h"
#include "agviz-source-roots.h"

struct _AgvizDocument
{
  GObject         parent_instance;

  GFile          *file;
  char           *title;
  char           *imported_path;    /* a trace file imported for this document, removed with it */
  AgvizStore     *store;
  AgvizSourceMap *source_map;
  GPtrArray      *source_roots;     /* AgvizSourceRoot applied to source_map, in order */
  GPtrArray      *functions;
  GPtrArray      *objects;        /* AgvizObject: the module tree, empty for most files */
  gint64          initial_trace;  /* what the file is shown by first, 0: it has no trace */
  GListModel     *diagnostics;
  GPtrArray      *executions;       /* AgvizExecution of traces (not eager ops), in call order */
  GHashTable     *unhealthy;        /* execution id -> TRUE: a summary counted a NaN or Inf */
  GHashTable     *op_timings;       /* op type -> mean duration of its eager runs (gint64 ns) */
};

/* The timeline draws at most this many calls: enough for any program a person reads call by
 * call, and it bounds what a recorder's endless loop costs to load. */
#define MAX_EXECUTIONS 100000
/* Op timings come from these executions: `agviz render` reads as many to colour alike. */
G_STATIC_ASSERT (MAX_EXECUTIONS == AGVIZ_OP_TIMINGS_MAX_EXECUTIONS);

G_DEFINE_FINAL_TYPE (AgvizDocument, agviz_document, G_TYPE_OBJECT)

static void
agviz_document_finalize (GObject *object)
{
  AgvizDocument *self = AGVIZ_DOCUMENT (object);

  g_clear_object (&self->file);
  g_clear_pointer (&self->title, g_free);
  g_clear_object (&self->diagnostics);
  g_clear_pointer (&self->functions, g_ptr_array_unref);
  g_clear_pointer (&self->objects, g_ptr_array_unref);
  g_clear_pointer (&self->executions, g_ptr_array_unref);
  g_clear_pointer (&self->unhealthy, g_hash_table_unref);
  g_clear_pointer (&self->op_timings, g_hash_table_unref);
  g_clear_object (&self->source_map);
  g_clear_pointer (&self->source_roots, g_ptr_array_unref);
  g_clear_object (&self->store);
  if (self->imported_path != NULL)
    agviz_trace_file_remove (self->imported_path);
  g_clear_pointer (&self->imported_path, g_free);

  G_OBJECT_CLASS (agviz_document_parent_class)->finalize (object);
}

static void
agviz_document_class_init (AgvizDocumentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = agviz_document_finalize;
}

static void
agviz_document_init (AgvizDocument *self)
{
}

char *
agviz_document_import_source (GFile         *file,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autofree char *path = NULL;
  g_autofree char *cache_dir = NULL;
  g_autofree char *imported = NULL;
  int fd;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Only local files can be opened"));
      return NULL;
    }
  if (agviz_trace_file_is_sqlite (path))
    return g_steal_pointer (&path);

  /* A SavedModel, event file or log directory, tfdbg2 dump or GraphDef: import it into a trace
   * file of its own in the cache (the source is never touched), as `agviz import` would. */
  cache_dir = g_build_filename (g_get_user_cache_dir (), "agviz", NULL);
  if (g_mkdir_with_parents (cache_dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot create %s"), cache_dir);
      return NULL;
    }
  imported = g_build_filename (cache_dir, "imported-XXXXXX.db", NULL);
  fd = g_mkstemp (imported);
  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot create a file in %s"),
                   cache_dir);
      return NULL;
    }
  close (fd);
  g_remove (imported);

  if (agviz_importer_import_to_new_file (path, imported, error) == AGVIZ_SOURCE_FORMAT_UNKNOWN)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      agviz_trace_file_remove (imported);
      return NULL;
    }
  return g_steal_pointer (&imported);
}

static gboolean
load_executions (AgvizDocument  *self,
                 GError        **error)
{
  g_autoptr(GPtrArray) all = agviz_store_list_executions (self->store, 0, 0, MAX_EXECUTIONS, error);
  g_autoptr(GPtrArray) unhealthy = NULL;

  if (all == NULL)
    return FALSE;
  /* What colouring by time shows, from the same executions as `agviz render` reads. */
  self->op_timings = agviz_op_timings_from_executions (all);

  self->executions = g_ptr_array_new_with_free_func ((GDestroyNotify) agviz_execution_free);
  /* Ownership moves element by element: eager ops are dropped, trace calls kept in call order. */
  g_ptr_array_set_free_func (all, NULL);
  for (guint i = 0; i < all->len; i++)
    {
      AgvizExecution *execution = g_ptr_array_index (all, i);

      if (execution->trace_id != 0)
        g_ptr_array_add (self->executions, execution);
      else
        agviz_execution_free (execution);
    }

  unhealthy = agviz_store_list_unhealthy_summaries (self->store, error);
  if (unhealthy == NULL)
    return FALSE;
  self->unhealthy = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < unhealthy->len; i++)
    {
      AgvizTensorSummary *summary = g_ptr_array_index (unhealthy, i);
      if (summary->execution_id != 0)
        g_hash_table_add (self->unhealthy, g_memdup2 (&summary->execution_id, sizeof (gint64)));
    }
  return TRUE;
}

AgvizDocument *
agviz_document_load (GFile         *file,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(AgvizDocument) self = NULL;
  g_autoptr(AgvizChecker) checker = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  path = agviz_document_import_source (file, cancellable, error);
  if (path == NULL)
    return NULL;

  self = g_object_new (AGVIZ_TYPE_DOCUMENT, NULL);
  self->file = g_object_ref (file);
  if (g_strcmp0 (path, g_file_peek_path (file)) != 0)
    self->imported_path = g_strdup (path);
  self->title = g_file_get_basename (file);

  /* Writable when we may: the layout cache lives in the file and makes reopening instant.  Never
   * the bundled example: it is shared, and the CLI tests expect its exact bytes. */
  if (g_access (path, W_OK) == 0 && !g_str_equal (path, AGVIZ_BUILD_EXAMPLE) &&
      !g_str_has_prefix (path, AGVIZ_PKGDATADIR G_DIR_SEPARATOR_S))
    self->store = agviz_store_open (path, AGVIZ_STORE_FLAGS_WRITABLE, &local_error);
  if (self->store == NULL)
    {
      g_clear_error (&local_error);
      self->store = agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, &local_error);
    }
  if (self->store == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  self->objects = agviz_store_list_objects (self->store, error);
  if (self->objects == NULL)
    return NULL;
  self->functions = agviz_store_list_functions (self->store, error);
  if (self->functions == NULL)
    return NULL;
  {
    g_autoptr(GPtrArray) bodies = agviz_store_list_body_graphs (self->store, error);
    AgvizTrace *initial;

    if (bodies == NULL)
      return NULL;
    initial = agviz_module_path_find_first_trace (self->functions, self->objects, bodies, NULL);
    self->initial_trace = initial != NULL ? initial->id : 0;
  }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (!load_executions (self, error))
    return NULL;

  /* The folders located for this file before, applied before the checker reads any source:
   * some findings need the text. */
  self->source_map = agviz_source_map_new (self->store);
  self->source_roots = agviz_source_roots_load (file, &local_error);
  if (self->source_roots == NULL)
    {
      g_warning ("%s", local_error->message);
      g_clear_error (&local_error);
      self->source_roots = g_ptr_array_new_with_free_func ((GDestroyNotify) agviz_source_root_free);
    }
  for (guint i = 0; i < self->source_roots->len; i++)
    {
      AgvizSourceRoot *root = g_ptr_array_index (self->source_roots, i);
      agviz_source_map_add_root_folders (self->source_map, root->recorded_folder, root->local_folder);
    }
  checker = agviz_checker_new (self->source_map);
  self->diagnostics = agviz_checker_run (checker, error);
  if (self->diagnostics == NULL)
    return NULL;

  return g_steal_pointer (&self);
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  AgvizDocument *document = agviz_document_load (task_data, cancellable, &error);

  if (document == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, document, g_object_unref);
}

void
agviz_document_load_async (GFile               *file,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, agviz_document_load_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_in_thread);
}

AgvizDocument *
agviz_document_load_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GFile *
agviz_document_get_file (AgvizDocument *self)
{
  g_return_val_if_fail (AGVIZ_IS_DOCUMENT (self), NULL);
  return self->file;
}

const char *
agviz_document_get_title (AgvizDocument *self)
{
  g_return_val_if_fail (AGVIZ_IS_DOCUMENT (self), NULL);
  return self->title;
}

AgvizStore *
agviz_document_get_store (AgvizDocument *self)
{
  g_return_val_if_fail (AGVIZ_IS_DOCUMENT (self), NULL);
  return self->store;
}

AgvizSourceMap *
agviz_document_get_source_map (AgvizDocument *self)
{
  g_return_val_if_fail (AGVIZ_IS_DOCUMENT (self), NULL);
  return self->source_map;
}

gboolean
agviz_document_add_source_root (AgvizDocument  *self,
                                const char     *recorded_folder,
                                const char     *local_folder,
                                GError        **error)
{
  AgvizSourceRoot *root;

  g_return_val_if_fail (AGVIZ_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (recorded_folder != NULL && *recorded_folder != '\0', FALSE);
  g_return_val_if_fail (local_folder != NULL && *local_folder != '\0', FALSE);

  agviz_source_map_add_root_folders (self->source_map, recorded_folder, local_folder);
  for (guint i = 0; i < self->source_roots->len; i++)
    {
      root = g_ptr_array_index (self->source_roots, i);
      if (g_str_equal (root->recorded_folder, recorded_folder))
        {
          g_ptr_array_remove_index (self->source_roots, i);
          break;
        }
    }
  root = g_new0 (AgvizSourceRoot, 1);
  root->recorded_folder = g_strdup (recorded_folder);
  root->local_folder = g_strdup (local_folder);
  g_ptr_array_add (self->source_roots, root);
  return agviz_source_roots_remember (self->file, recorded_folder, local_folder, error);
}

GPtrArray *
agviz_document_get_source_roots (AgvizDocument *self)
{
  g_return_val_if_fail (AGVIZ_IS_DOCUMENT (self), NULL);
  return self->source_roots;
}

/* ---- checking again with other source folders ---------------------------------------------- */

typedef struct
{
  char      *path;     /* the trace file the document reads */
  GPtrArray *roots;    /* AgvizSourceRoot, copied: the worker never touches the document */
} RecheckRequest;

static void
recheck_request_free (RecheckRequest *request)
{
  g_free (request->path);
  g_ptr_array_unref (request->roots);
  g_free (request);
}

static void
recheck_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  RecheckRequest *request = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(AgvizSourceMap) source_map = NULL;
  g_autoptr(AgvizChecker) checker = NULL;
  GListModel *diagnostics;

  /* A connection of its own: the document's store belongs to the main thread. */
  store = agviz_store_open (request->path, AGVIZ_STORE_FLAGS_NONE, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  source_map = agviz_source_map_new (store);
  for (guint i = 0; i < request->roots->len; i++)
    {
      AgvizSourceRoot *root = g_ptr_array_index (request->roots, i);
      agviz_source_map_add_root_folders (source_map, root->recorded_folder, root->local_folder);
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  checker = agviz_checker_new (source_map);
  diagnostics = agviz_checker_run (checker, &error);
  if (diagnostics == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, diagnostics, g_object_unref);
}

void
agviz_document_recheck_async (AgvizDocument       *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RecheckRequest *request;

  g_return_if_fail (AGVIZ_IS_DOCUMENT (self));

  request = g_new0 (RecheckRequest, 1);
  request->path = g_strdup (agviz_store_get_path (self->store));
  request->roots = g_ptr_array_new_with_free_func ((GDestroyNotify) agviz_source_root_free);
  for (guint i = 0; i < self->source_roots->len; i++)
    {
      AgvizSourceRoot *root = g_ptr_array_index (self->source_roots, i);
      AgvizSourceRoot *copy = g_new0 (AgvizSourceRoot, 1);

      copy->recorded_folder = g_strdup (root->recorded_folder);
      copy->local_folder = g_strdup (root->local_folder);
      g_ptr_array_add (request->roots, copy);
    }
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, agviz_document_recheck_async);
  g_task_set_task_data (task, request, (GDestroyNotify) recheck_request_free);
  g_task_run_in_thread (task, recheck_in_thread);
}

gboolean
agviz_document_recheck_finish (AgvizDocument  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  GListModel *diagnostics;

  g_return_val_if_fail (AGVIZ_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  diagnostics = g_task_propagate_pointer (G_TASK (result), error);
  if (diagnostics == NULL)
    return FALSE;
  g_clear_object (&self->diagnostics);
  self->diagnostics = diagnostics;
  return TRUE;
}

GPtrArray *
agviz_document_get_objects (AgvizDocument *self)
{
  g_return_val_if_fail (AGVIZ_IS_DOCUMENT (self), NULL);
  return self->objects;
}

GPtrArray *
agviz_document_get_functions (AgvizDocument *self)
{
  g_return_val_if_fail (AGVIZ_IS_DOCUMENT (self), NULL);
  return self->functions;
}

AgvizTrace *
agviz_document_find_trace (AgvizDocument  *self,
                           gint64          trace_id,
                           AgvizFunction **function)
{
  g_return_val_if_fail (AGVIZ_IS_DOCUMENT (self), NULL);

  for (guint f = 0; f < self->functions->len; f++)
    {
      AgvizFunction *candidate = g_ptr_array_index (self->functions, f);

      for (guint t = 0; t < candidate->traces->len; t++)
        {
          AgvizTrace *trace = g_ptr_array_index (candidate->traces, t);

          if (trace->id == trace_id)
            {
              if (function != NULL)
                *function = candidate;
              return trace;
            }
        }
    }
  return NULL;
}

GListModel *
agviz_document_get_diagnostics (AgvizDocument *self)
{
  g_return_val_if_fail (AGVIZ_IS_DOCUMENT (self), NULL);
  return self->diagnostics;
}

guint
agviz_document_count_diagnostics (AgvizDocument *self,
                                  gint64         trace_id,
                                  int           *worst_severity)
{
  guint n = g_list_model_get_n_items (self->diagnostics);
  guint count = 0;
  int worst = -1;

  g_return_val_if_fail (AGVIZ_IS_DOCUMENT (self), 0);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AgvizDiagnostic) diagnostic = g_list_model_get_item (self->diagnostics, i);

      if (agviz_diagnostic_get_trace_id (diagnostic) != trace_id)
        continue;
      count++;
      worst = MAX (worst, (int) agviz_diagnostic_get_severity (diagnostic));
    }
  if (worst_severity != NULL)
    *worst_severity = worst;
  return count;
}

gint64
agviz_document_get_initial_trace (AgvizDocument *self)
{
  g_return_val_if_fail (AGVIZ_IS_DOCUMENT (self), 0);
  return self->initial_trace;
}

GPtrArray *
agviz_document_get_executions (AgvizDocument *self)
{
  g_return_val_if_fail (AGVIZ_IS_DOCUMENT (self), NULL);
  return self->executions;
}

gboolean
agviz_document_execution_is_unhealthy (AgvizDocument *self,
                                       gint64         execution_id)
{
  g_return_val_if_fail (AGVIZ_IS_DOCUMENT (self), FALSE);
  return g_hash_table_contains (self->unhealthy, &execution_id);
}

gboolean
agviz_document_is_trace_file (AgvizDocument *self)
{
  g_return_val_if_fail (AGVIZ_IS_DOCUMENT (self), FALSE);
  return self->imported_path == NULL;
}

GHashTable *
agviz_document_get_op_timings (AgvizDocument *self)
{
  g_return_val_if_fail (AGVIZ_IS_DOCUMENT (self), NULL);
  return self->op_timings;
}
