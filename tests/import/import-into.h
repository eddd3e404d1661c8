/* SPDX-License-Identifier: GPL-3.0-or-later */
/* import-into.h: the import tests' one way to import a source into a fresh trace file */
#pragma once

#include "agviz-core.h"
#include "agviz-importer.h"

/* Imports @source into a new trace file @db (one left by an earlier run is removed first);
 * returns whether the import succeeded, with its @error.  @stats and @warnings (both optional)
 * receive what the importer counted and the warnings it gave (transfer full). */
static inline gboolean
import_into_fresh_file (const char        *source,
                        const char        *db,
                        AgvizImportStats  *stats,
                        GPtrArray        **warnings,
                        GError           **error)
{
  g_autoptr(AgvizRecorder) recorder = NULL;
  g_autoptr(AgvizImporter) importer = NULL;
  g_autoptr(GError) close_error = NULL;
  gboolean ok;

  agviz_trace_file_remove (db);
  recorder = agviz_recorder_open (db, &close_error);
  g_assert_no_error (close_error);
  importer = agviz_importer_new (recorder);
  ok = agviz_importer_import (importer, source, error);
  if (stats != NULL)
    *stats = *agviz_importer_get_stats (importer);
  if (warnings != NULL)
    *warnings = g_ptr_array_ref (agviz_importer_get_warnings (importer));
  g_assert_true (agviz_recorder_close (recorder, &close_error));
  g_assert_no_error (close_error);
  return ok;
}

/* Writes @text to @dir/@name; returns the path (transfer full). */
static inline char *
write_text_in (const char *dir,
               const char *name,
               const char *text)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  return path;
}
