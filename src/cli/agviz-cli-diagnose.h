/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-cli-diagnose.h: the command line and the opened trace file that `where`, `explain` and
 * `check` share */
#pragma once

#include "agviz-core.h"

G_BEGIN_DECLS

/* --json, --context N and --source-root OLD=NEW, and what they open: a command fills its own
 * options around these, parses, checks its arguments, then opens. */
typedef struct
{
  const char      *command;        /* "where": for "agviz where" and "see agviz where --help" */
  gboolean         as_json;
  int              context;        /* source lines shown around each line */
  char           **source_roots;   /* OLD=NEW, as given */
  AgvizStore      *store;          /* NULL until opened, and for `explain` without a trace file */
  AgvizSourceMap  *map;            /* NULL until opened */
  char            *context_help;   /* the --context help text the options point at */
} AgvizCliDiagnose;

/* A context for @command's options: --json (described by @json_help), then @own_entries, then
 * --context (default @default_context) and --source-root.  @self must stay where it is until
 * the command has parsed (the options write into it). */
GOptionContext *agviz_cli_diagnose_new_options (AgvizCliDiagnose   *self,
                                                const char         *command,
                                                const char         *parameters,
                                                const char         *summary,
                                                const char         *json_help,
                                                int                 default_context,
                                                const GOptionEntry *own_entries);
/* Parses the command line; a usage error is printed and its exit code returned, else
 * AGVIZ_EXIT_OK. */
int             agviz_cli_diagnose_parse       (AgvizCliDiagnose   *self,
                                                GOptionContext     *options,
                                                int                *argc,
                                                char             ***argv);
/* Checks --context, opens @trace_path (NULL: no trace file; sources are read from disk) and
 * makes the source map with every --source-root; on failure the message is printed and the
 * exit code returned, else AGVIZ_EXIT_OK. */
int             agviz_cli_diagnose_open        (AgvizCliDiagnose   *self,
                                                const char         *trace_path);
void            agviz_cli_diagnose_clear       (AgvizCliDiagnose   *self);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AgvizCliDiagnose, agviz_cli_diagnose_clear)

G_END_DECLS
