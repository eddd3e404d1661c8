/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz.c: the command-line front end, git style: `agviz COMMAND [ARGS]`
 *
 * Each command lives in its own agviz-cli-<name>.c and does its work through the core library;
 * this file only dispatches.
 */
#define G_LOG_DOMAIN "agviz"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agviz-cli.h"

static const AgvizCliCommand commands[] = {
  { "info", "Summarise a trace file: functions, traces, counts, errors", agviz_cli_info },
  { "import", "Import what TensorFlow writes (dumps, SavedModels, graphs, event logs)",
    agviz_cli_import },
  { "record", "Run a TensorFlow program with tfdbg2 dumping on and import what it did",
    agviz_cli_record },
  { "where", "Show where a node was created: its stack with source lines", agviz_cli_where },
  { "explain", "Rewrite a TensorFlow error or warning with your source lines", agviz_cli_explain },
  { "check", "Find the classic tf.function mistakes, with evidence and fixes", agviz_cli_check },
  { "render", "Draw a trace as SVG, PNG, PDF or DOT (scopes laid out by Graphviz)", agviz_cli_render },
  { "diff", "Show what changed from one trace to another: nodes added, removed, changed",
    agviz_cli_diff },
};

static void
print_usage (FILE *out)
{
  fprintf (out,
           "Usage: agviz COMMAND [OPTION...] [ARG...]\n"
           "       agviz TRACE_FILE             (opens the app on a desktop; else agviz info TRACE_FILE)\n"
           "       agviz TRACE_FILE --svg OUT   (same as: agviz render TRACE_FILE --svg OUT)\n"
           "\n"
           "agviz records, draws and explains staged graphs (tf.function traces).\n"
           "\n"
           "Commands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out,
           "\n"
           "Options:\n"
           "  -h, --help       Show this help (agviz COMMAND --help: help on a command)\n"
           "  --version        Show the version\n"
           "\n"
           "Exit codes:\n"
           "  0 success, 1 failure, 2 bad usage, 3 no such file, 4 not a SQLite database,\n"
           "  5 not an agviz trace file, 6 truncated file, 7 corrupted file,\n"
           "  8 written by a newer agviz, 9 I/O error, 10 function/trace/node not found,\n"
           "  11 agviz check found problems at the --fail-on severity\n");
}

/* `agviz FILE` on a desktop opens the app (agviz-gui), when it was built, a display is there and
 * stdout is a terminal: piped output means a script wants the summary.  The CLI itself never
 * links GTK; it replaces itself with the app, and returns only when that cannot start. */
static void
open_in_app (const char *file)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  const char *program = g_getenv ("AGVIZ_GUI");

  if (!AGVIZ_HAVE_GUI || g_getenv ("AGVIZ_NO_GUI") != NULL || !isatty (STDOUT_FILENO) ||
      (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL))
    return;
  if (program == NULL)
    /* Run from a build tree: that tree's app, not an older installed one. */
    program = exe != NULL && g_str_has_prefix (exe, AGVIZ_BUILD_ROOT G_DIR_SEPARATOR_S)
                ? AGVIZ_BUILD_GUI_PROGRAM : AGVIZ_GUI_PROGRAM;
  if (!g_file_test (program, G_FILE_TEST_IS_EXECUTABLE))
    return;
  execl (program, program, file, (char *) NULL);
}

int
main (int    argc,
      char **argv)
{
  const char *name;

  setlocale (LC_ALL, "");

  if (argc < 2)
    {
      print_usage (stderr);
      return AGVIZ_EXIT_USAGE;
    }

  name = argv[1];
  if (g_str_equal (name, "-h") || g_str_equal (name, "--help") || g_str_equal (name, "help"))
    {
      print_usage (stdout);
      return AGVIZ_EXIT_OK;
    }
  if (g_str_equal (name, "--version"))
    {
      printf ("agviz %s\n", PACKAGE_VERSION);
      return AGVIZ_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (name, commands[i].name))
        return commands[i].run (argc - 1, argv + 1);
    }

  /* `agviz graph.db` alone: a path is never a command name, so treat it as one to summarise. */
  if (name[0] != '-' && (strchr (name, '/') != NULL || strchr (name, '.') != NULL ||
                         g_file_test (name, G_FILE_TEST_EXISTS)))
    {
      char **info_argv = g_new0 (char *, argc + 1);
      gboolean render = agviz_cli_render_wanted (argc - 1, argv + 1);
      int status;

      if (!render && argc == 2)
        open_in_app (name);

      /* With --svg/--png/--pdf/--dot it is a drawing, otherwise a summary. */
      info_argv[0] = (char *) (render ? "render" : "info");
      for (int i = 1; i < argc; i++)
        info_argv[i] = argv[i];
      status = render ? agviz_cli_render (argc, info_argv) : agviz_cli_info (argc, info_argv);
      g_free (info_argv);
      return status;
    }

  return agviz_cli_usage_error ("unknown command '%s' (see agviz --help)", name);
}
