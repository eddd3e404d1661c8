/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-torch-trace.c: import speed of a large TORCH_TRACE log
 *
 *   bench-torch-trace [MEGABYTES]      (default 120)
 *
 * Writes a log of MEGABYTES or more by repeating the records of the corpus's cache_hit_miss.log
 * (six compiles through inductor: FX graphs, C++ guard trees, chromium events, generated code)
 * with fresh frame ids each time, so every repetition is new compiles, then imports it into a
 * fresh trace file and prints a table.  Never fails because a machine is slow (goal: 100 MB/s).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "agviz-core.h"
#include "agviz-importer.h"

/* @text with every `"frame_id": N` made N + @offset. */
static void
append_shifted (GString    *out,
                const char *text,
                guint       offset)
{
  const char *p = text, *key;

  while ((key = strstr (p, "\"frame_id\": ")) != NULL)
    {
      char *end;
      long frame;

      key += strlen ("\"frame_id\": ");
      g_string_append_len (out, p, key - p);
      frame = strtol (key, &end, 10);
      if (end == key)
        {
          p = key;
          continue;
        }
      g_string_append_printf (out, "%ld", frame + (long) offset);
      p = end;
    }
  g_string_append (out, p);
}

int
main (int    argc,
      char **argv)
{
  const char *corpus = g_getenv ("AGVIZ_CORPUS_DIR");
  guint megabytes = argc > 1 ? (guint) atoi (argv[1]) : 120;
  g_autofree char *seed_path = NULL;
  g_autofree char *seed = NULL;
  g_autofree char *dir = g_dir_make_tmp ("agviz-bench-torch-XXXXXX", NULL);
  g_autofree char *log = g_build_filename (dir, "dedicated_log_torch_trace_rank_0_bench.log", NULL);
  g_autofree char *db = g_build_filename (dir, "bench.db", NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(AgvizRecorder) recorder = NULL;
  g_autoptr(AgvizImporter) importer = NULL;
  g_autoptr(GError) error = NULL;
  const AgvizImportStats *stats;
  gint64 start;
  double seconds;

  if (corpus == NULL)
    corpus = "../shared/corpus";
  seed_path = g_build_filename (corpus, "08_torch_trace_tlparse", "cache_hit_miss.log", NULL);
  if (!g_file_get_contents (seed_path, &seed, NULL, NULL))
    {
      printf ("SKIP: no %s (set AGVIZ_CORPUS_DIR)\n", seed_path);
      return 77;
    }
  for (guint repeat = 0; text->len < (gsize) megabytes << 20; repeat++)
    append_shifted (text, seed, repeat * 100);
  g_assert_true (g_file_set_contents (log, text->str, text->len, NULL));

  recorder = agviz_recorder_open (db, &error);
  g_assert_no_error (error);
  importer = agviz_importer_new (recorder);
  agviz_importer_set_tune_heap (importer, TRUE);
  start = g_get_monotonic_time ();
  if (!agviz_importer_import (importer, log, &error) || !agviz_recorder_close (recorder, &error))
    {
      printf ("FAIL: %s\n", error->message);
      return 1;
    }
  seconds = (g_get_monotonic_time () - start) / 1e6;
  stats = agviz_importer_get_stats (importer);

  printf ("%-28s %10s %8s %8s %9s %8s\n", "source", "MB", "traces", "nodes", "seconds", "MB/s");
  printf ("%-28s %10.1f %8" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT " %9.2f %8.1f\n",
          "TORCH_TRACE log", text->len / 1e6, stats->traces, stats->nodes, seconds,
          text->len / 1e6 / seconds);
  g_unlink (log);
  agviz_trace_file_remove (db);
  g_rmdir (dir);
  return 0;
}
