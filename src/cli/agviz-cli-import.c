/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-cli-import.c: `agviz import SOURCE... -o FILE.db`, what TensorFlow wrote into a trace file */
#define G_LOG_DOMAIN "agviz-import"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "agviz-cli.h"
#include "agviz-core.h"
#include "agviz-importer.h"

typedef struct
{
  gboolean shown;
} ProgressBar;

static void
show_progress (const char *source,
               goffset     done,
               goffset     total,
               guint64     records,
               gpointer    user_data)
{
  ProgressBar *bar = user_data;
  g_autofree char *record_text = agviz_cli_format_count ((gint64) records);
  g_autofree char *base = g_path_get_basename (source);
  char cells[31];
  guint filled = 0;

  if (total > 0)
    filled = (guint) MIN (30, done * 30 / total);
  memset (cells, '#', filled);
  memset (cells + filled, ' ', 30 - filled);
  cells[30] = '\0';
  if (total > 0)
    fprintf (stderr, "\r\033[K%s [%s] %.1f/%.1f MB, %s records", base, cells, done / 1e6,
             total / 1e6, record_text);
  else
    fprintf (stderr, "\r\033[K%s %.1f MB, %s records", base, done / 1e6, record_text);
  fflush (stderr);
  bar->shown = TRUE;
}

static void
clear_progress (ProgressBar *bar)
{
  if (bar->shown)
    {
      fprintf (stderr, "\r\033[K");
      fflush (stderr);
      bar->shown = FALSE;
    }
}

static void
print_source_summary (const char             *source,
                      const AgvizImportStats *before,
                      const AgvizImportStats *after)
{
  g_autofree char *nodes = agviz_cli_format_count (after->nodes - before->nodes);
  g_autofree char *edges = agviz_cli_format_count (after->edges - before->edges);
  g_autofree char *stacks = agviz_cli_format_count (after->nodes_with_stacks -
                                                    before->nodes_with_stacks);
  g_autofree char *executions = agviz_cli_format_count (after->executions - before->executions);
  guint64 traces = after->traces - before->traces;

  printf ("%s: %" G_GUINT64_FORMAT " trace%s, %s nodes, %s edges, %s with stacks, "
          "%s executions\n", source, traces, traces == 1 ? "" : "s", nodes, edges, stacks,
          executions);
}

int
agviz_cli_import (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = NULL;
  g_autoptr(AgvizImporter) importer = NULL;
  g_autofree char *output = NULL;
  g_autofree char *debug_info = NULL;
  g_autofree char *error_log = NULL;
  g_autofree char *torch_graphs = NULL;
  g_autofree char *temp_path = NULL;
  g_auto(GStrv) sources = NULL;
  gboolean replace = FALSE, force = FALSE, quiet = FALSE;
  ProgressBar bar = { FALSE };
  int status = AGVIZ_EXIT_OK, torch_all_graphs;
  const char *write_path;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Trace file to write (created, or "
      "appended to)", "FILE" },
    { "replace", 0, 0, G_OPTION_ARG_NONE, &replace, "Start the trace file over instead of "
      "appending (it is replaced only when every source imported)", NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, "Skip damaged records (CRC mismatches) instead "
      "of failing", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress bar", NULL },
    { "debug-info", 0, 0, G_OPTION_ARG_FILENAME, &debug_info, "GraphDebugInfo (text or binary) "
      "with the creation stacks of the GraphDefs imported (default: SOURCE.debug)", "FILE" },
    { "error-log", 0, 0, G_OPTION_ARG_FILENAME, &error_log, "A captured stderr or traceback to "
      "store with the sources", "FILE" },
    { "torch-graphs", 0, 0, G_OPTION_ARG_STRING, &torch_graphs, AGVIZ_CLI_TORCH_GRAPHS_HELP,
      "WHICH" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &sources, NULL, "SOURCE..." },
    { NULL }
  };

  context = g_option_context_new ("SOURCE... -o FILE.db");
  g_option_context_set_summary (context,
    "Imports what TensorFlow writes into an agviz trace file. Formats are detected from the\n"
    "content: tfdbg2 dump directories, SavedModel directories, GraphDef and MetaGraphDef\n"
    "files (binary or text), TensorBoard event files and log directories, RunMetadata files,\n"
    "PyTorch TORCH_TRACE logs (a file or the TORCH_TRACE directory) and TORCH_LOGS text.\n"
    "Each source is imported in one transaction: a source that fails leaves the file as it "
    "was.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return agviz_cli_usage_error ("%s", error->message);
  if (sources == NULL || sources[0] == NULL)
    return agviz_cli_usage_error ("import: name at least one source (see agviz import --help)");
  if (output == NULL)
    return agviz_cli_usage_error ("import: name the trace file to write with -o FILE.db");
  torch_all_graphs = agviz_cli_torch_all_graphs (torch_graphs);
  if (torch_all_graphs < 0)
    return AGVIZ_EXIT_USAGE;

  /* --replace writes a new file beside the old one and swaps them at the end, so a failure
   * leaves the old file as it was. */
  write_path = output;
  if (replace)
    {
      temp_path = g_strdup_printf ("%s.import-%d", output, (int) getpid ());
      agviz_trace_file_remove (temp_path);
      write_path = temp_path;
    }

  recorder = agviz_recorder_open (write_path, &error);
  if (recorder == NULL)
    return agviz_cli_fail (error);
  importer = agviz_importer_new (recorder);
  agviz_importer_set_force (importer, force);
  /* This process does nothing but import: the heap may be tuned for it. */
  agviz_importer_set_tune_heap (importer, TRUE);
  agviz_importer_set_debug_info (importer, debug_info);
  agviz_importer_set_error_log (importer, error_log);
  agviz_importer_set_torch_all_graphs (importer, torch_all_graphs == 1);
  if (!quiet && isatty (STDERR_FILENO))
    agviz_importer_set_progress_func (importer, show_progress, &bar, NULL);

  for (guint i = 0; sources[i] != NULL; i++)
    {
      AgvizImportStats before = *agviz_importer_get_stats (importer);
      guint warnings_before = agviz_importer_get_warnings (importer)->len;
      GPtrArray *warnings;

      if (!agviz_importer_import (importer, sources[i], &error))
        {
          clear_progress (&bar);
          if (status == AGVIZ_EXIT_OK)
            status = agviz_cli_fail (error);
          else
            agviz_cli_fail (error);
          g_clear_error (&error);
          continue;
        }
      clear_progress (&bar);
      warnings = agviz_importer_get_warnings (importer);
      for (guint j = warnings_before; j < warnings->len; j++)
        fprintf (stderr, "agviz: warning: %s\n", (const char *) g_ptr_array_index (warnings, j));
      print_source_summary (sources[i], &before, agviz_importer_get_stats (importer));
    }

  if (!agviz_recorder_close (recorder, &error) && status == AGVIZ_EXIT_OK)
    status = agviz_cli_fail (error);

  if (temp_path != NULL)
    {
      if (status == AGVIZ_EXIT_OK)
        {
          /* One rename: killed at any moment, the old file or the new one is there. */
          if (!agviz_trace_file_replace (temp_path, output, &error))
            status = agviz_cli_fail (error);
        }
      else
        fprintf (stderr, "agviz: %s was left as it was (--replace replaces it only when every "
                 "source imported)\n", output);
      agviz_trace_file_remove (temp_path);
    }
  return status;
}
