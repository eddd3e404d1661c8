/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-import-file.c: one file through the whole importer, as `agviz import FILE` runs it
 *
 * The input is written to a scratch file and imported into a fresh trace file: format detection,
 * then whichever importer the content selects (event files with their summaries, trace_export
 * plugins and step stats; binary and text GraphDefs, MetaGraphDefs and SavedModels with their
 * function libraries; RunMetadata; GraphDebugInfo), and the recorder writing what they find.
 * A trace file the import accepted must open and list again.
 */
#include "config.h"

#include <unistd.h>
#include <glib/gstdio.h>

#include "agviz-importer.h"

/* What the scratch source is called: the name makes no difference to detection, except for
 * text named *.mlir (fuzz-mlir.c); an event-file name keeps the event importer's run naming
 * in play. */
#ifndef FUZZ_SOURCE_NAME
#define FUZZ_SOURCE_NAME "events.out.tfevents.1700000000.fuzz"
#endif

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
remove_trace_file (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

/* Each input starts from a copy of an empty trace file made once: creating the schema anew
 * would cost more than most imports. */
static void
reset_trace_file (const char *path,
                  const char *template_path)
{
  static char *empty_file;
  static gsize empty_length;

  if (empty_file == NULL)
    {
      g_autoptr(AgvizRecorder) recorder = NULL;

      remove_trace_file (template_path);
      recorder = agviz_recorder_open (template_path, NULL);
      g_assert (recorder != NULL && agviz_recorder_close (recorder, NULL));
      g_assert (g_file_get_contents (template_path, &empty_file, &empty_length, NULL));
    }
  remove_trace_file (path);
  g_assert (g_file_set_contents (path, empty_file, empty_length, NULL));
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static char *dir = NULL;
  static char *source = NULL;
  static char *trace_path = NULL;
  static char *template_path = NULL;
  g_autoptr(AgvizRecorder) recorder = NULL;
  g_autoptr(AgvizImporter) importer = NULL;
  g_autoptr(GError) error = NULL;

  if (dir == NULL)
    {
      dir = g_dir_make_tmp ("agviz-fuzz-import-XXXXXX", NULL);
      g_assert (dir != NULL);
      source = g_build_filename (dir, FUZZ_SOURCE_NAME, NULL);
      trace_path = g_build_filename (dir, "trace.db", NULL);
      template_path = g_build_filename (dir, "empty.db", NULL);
    }
  reset_trace_file (trace_path, template_path);
  if (!g_file_set_contents (source, (const char *) data, size, NULL))
    return 0;

  recorder = agviz_recorder_open (trace_path, NULL);
  g_assert (recorder != NULL);
  importer = agviz_importer_new (recorder);
  agviz_importer_set_force (importer, size > 0 && (data[0] & 1));
  if (agviz_importer_import (importer, source, &error))
    {
      g_autoptr(GPtrArray) functions = NULL;
      g_autoptr(AgvizStore) store = NULL;

      g_assert (agviz_recorder_close (recorder, NULL));
      g_clear_object (&importer);
      g_clear_object (&recorder);
      store = agviz_store_open (trace_path, AGVIZ_STORE_FLAGS_NONE, &error);
      g_assert (store != NULL);
      functions = agviz_store_list_functions (store, &error);
      g_assert (functions != NULL);
    }
  return 0;
}
