/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-tfdbg-dump.c: a whole tfdbg2 dump directory through the tfdbg importer
 *
 * Input: the six files of one host's dump, in the order of kinds[] below, separated by the
 * line SEPARATOR (tests/fuzz/run makes the seeds from the fixture writer's dumps that way).
 * Missing trailing parts become empty files.  Covers the DebugEvent records of every kind,
 * the resolution of stack frames through source files, graph nesting and tensor summaries
 * decoded per tensor debug mode.
 */
#define _GNU_SOURCE  /* memmem */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "agviz-importer.h"

#define SEPARATOR "\n--agviz-fuzz-next-file--\n"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static const char *const kinds[] = {
  "metadata", "source_files", "stack_frames", "graphs", "execution", "graph_execution_traces",
};

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
  static char *dump = NULL;
  static char *trace_path = NULL;
  static char *template_path = NULL;
  g_autoptr(AgvizRecorder) recorder = NULL;
  g_autoptr(AgvizImporter) importer = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *rest = data;
  gsize rest_length = size;

  if (dir == NULL)
    {
      dir = g_dir_make_tmp ("agviz-fuzz-tfdbg-XXXXXX", NULL);
      g_assert (dir != NULL);
      dump = g_build_filename (dir, "dump", NULL);
      g_assert (g_mkdir (dump, 0700) == 0);
      trace_path = g_build_filename (dir, "trace.db", NULL);
      template_path = g_build_filename (dir, "empty.db", NULL);
    }
  reset_trace_file (trace_path, template_path);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *name = g_strdup_printf ("tfdbg_events.1700000000.fuzz.%s", kinds[i]);
      g_autofree char *path = g_build_filename (dump, name, NULL);
      const guint8 *end = rest_length > 0
        ? memmem (rest, rest_length, SEPARATOR, strlen (SEPARATOR)) : NULL;
      gsize part = end != NULL ? (gsize) (end - rest) : rest_length;

      if (!g_file_set_contents (path, (const char *) rest, part, NULL))
        return 0;
      rest += part;
      rest_length -= part;
      if (end != NULL)
        {
          rest += strlen (SEPARATOR);
          rest_length -= strlen (SEPARATOR);
        }
    }

  recorder = agviz_recorder_open (trace_path, NULL);
  g_assert (recorder != NULL);
  importer = agviz_importer_new (recorder);
  agviz_importer_set_force (importer, size > 0 && (data[size - 1] & 1));
  if (agviz_importer_import (importer, dump, &error))
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
