/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-cli.h: what the agviz subcommands share */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes: scripts tell "no such file" from "damaged file" without parsing messages. */
typedef enum
{
  AGVIZ_EXIT_OK          = 0,
  AGVIZ_EXIT_FAILURE     = 1,   /* any other failure */
  AGVIZ_EXIT_USAGE       = 2,   /* bad command line */
  AGVIZ_EXIT_MISSING     = 3,   /* the file does not exist */
  AGVIZ_EXIT_NOT_SQLITE  = 4,   /* not a SQLite database */
  AGVIZ_EXIT_NOT_AGVIZ   = 5,   /* a SQLite database, but not a trace file */
  AGVIZ_EXIT_TRUNCATED   = 6,   /* cut short */
  AGVIZ_EXIT_CORRUPT     = 7,   /* damaged inside */
  AGVIZ_EXIT_TOO_NEW     = 8,   /* written by a newer agviz */
  AGVIZ_EXIT_IO          = 9,   /* permission, disk full, locked */
  AGVIZ_EXIT_NOT_FOUND   = 10,  /* a named function, trace or node is not in the file */
  AGVIZ_EXIT_FINDINGS    = 11,  /* `agviz check --fail-on`: findings at or above that severity */
} AgvizExitCode;

typedef struct
{
  const char *name;
  const char *summary;
  int       (*run) (int argc, char **argv);   /* argv[0] is the command's name */
} AgvizCliCommand;

/* Prints "agviz: MESSAGE" on stderr and returns the exit code for @error. */
int   agviz_cli_fail          (const GError *error);
/* Prints "agviz: MESSAGE" (a usage problem) on stderr and returns AGVIZ_EXIT_USAGE. */
int   agviz_cli_usage_error   (const char   *format,
                               ...) G_GNUC_PRINTF (1, 2);
/* "1,234,567": long counts are read at a glance. */
char *agviz_cli_format_count  (gint64        count);
/* "4.2 ms", "1.35 s": a duration for people. */

int   agviz_cli_info          (int           argc,
                               char        **argv);
int   agviz_cli_where         (int           argc,
                               char        **argv);
int   agviz_cli_explain       (int           argc,
                               char        **argv);
int   agviz_cli_check         (int           argc,
                               char        **argv);

/* `agviz render` draws a trace; agviz_cli_render_wanted() says whether a bare `agviz FILE ...`
 * command line asks for a drawing (it names an export format). */
int      agviz_cli_render         (int           argc,
                                   char        **argv);
gboolean agviz_cli_render_wanted  (int           argc,
                                   char        **argv);

/* `agviz diff`: exits 0 when the traces are the same, 1 when they differ, 2 on trouble. */
int   agviz_cli_diff          (int           argc,
                               char        **argv);

/* --torch-graphs=WHICH of import and record: 1 for "all" (AOT and inductor graphs of TORCH_TRACE
 * logs too), 0 for "dynamo" or no option (dynamo's output graphs), -1 after a usage message
 * for anything else. */
#define AGVIZ_CLI_TORCH_GRAPHS_HELP "TORCH_TRACE graphs to import: dynamo (its output graphs, " \
  "the default) or all (AOT forward/backward/inference and inductor graphs too)"
int   agviz_cli_torch_all_graphs (const char *which);

int   agviz_cli_import        (int           argc,
                               char        **argv);
int   agviz_cli_record        (int           argc,
                               char        **argv);

G_END_DECLS
