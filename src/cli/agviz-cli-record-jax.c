/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-cli-record-jax.c: what `agviz record` does for programs that import JAX
 *
 * The JAX hook (agviz-record-hook-jax.py, a resource like the TensorFlow hook) is written beside
 * the hook's sitecustomize.py, which loads it; once the program imports jax it writes the
 * StableHLO dumps and the cache-miss and compile log into DUMP_DIR/jax.  After the program ends,
 * crashed or not, that folder is imported as one source (a JAX dump folder, see
 * src/import/jax/agviz-jax-dump-importer.c) into the same trace file as everything else.
 */
#define G_LOG_DOMAIN "agviz-record"

#include "config.h"

#include <stdio.h>
#include <gio/gio.h>

#include "agviz-cli.h"
#include "agviz-core.h"
#include "agviz-importer.h"

#define JAX_HOOK_RESOURCE "/org/agviz/Agviz/cli/agviz-record-hook-jax.py"
/* The module name sitecustomize.py imports. */
#define JAX_HOOK_FILE "agviz_record_hook_jax.py"

gboolean
_agviz_cli_record_write_jax_hook (const char  *hook_dir,
                                  GError     **error)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data (JAX_HOOK_RESOURCE,
                                                     G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  g_autofree char *path = g_build_filename (hook_dir, JAX_HOOK_FILE, NULL);
  gsize size;
  const char *data;

  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &size);
  return g_file_set_contents (path, data, (gssize) size, error);
}

int
_agviz_cli_record_import_jax (const char *dump_dir,
                              const char *output,
                              const char *stderr_path,
                              gboolean   *found)
{
  g_autofree char *jax_dir = g_build_filename (dump_dir, "jax", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = NULL;
  g_autoptr(AgvizImporter) importer = NULL;
  const AgvizImportStats *stats;
  g_autofree char *nodes = NULL;

  *found = agviz_importer_detect_format (jax_dir, NULL) == AGVIZ_SOURCE_FORMAT_JAX_DUMP;
  if (!*found)
    return AGVIZ_EXIT_OK;
  recorder = agviz_recorder_open (output, &error);
  if (recorder == NULL)
    return agviz_cli_fail (error);
  importer = agviz_importer_new (recorder);
  if (stderr_path != NULL)
    agviz_importer_set_error_log (importer, stderr_path);
  agviz_importer_set_tune_heap (importer, TRUE);
  if (!agviz_importer_import (importer, jax_dir, &error) &&
      g_error_matches (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING))
    {
      /* A program that imported jax and staged nothing ran as it should. */
      fprintf (stderr, "agviz: nothing recorded from JAX: %s\n", error->message);
      g_clear_error (&error);
      if (!agviz_recorder_close (recorder, &error))
        return agviz_cli_fail (error);
      return AGVIZ_EXIT_OK;
    }
  if (error != NULL || !agviz_recorder_close (recorder, &error))
    return agviz_cli_fail (error);
  stats = agviz_importer_get_stats (importer);
  nodes = agviz_cli_format_count ((gint64) stats->nodes);
  fprintf (stderr, "agviz: recorded %" G_GUINT64_FORMAT " JAX traces of %" G_GUINT64_FORMAT
           " functions, %s nodes, into %s\n", stats->traces, stats->functions, nodes, output);
  return AGVIZ_EXIT_OK;
}
