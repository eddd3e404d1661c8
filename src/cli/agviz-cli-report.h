/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-cli-report.h: how `where`, `explain` and `check` print stacks, source and diagnostics */
#pragma once

#include "agviz-core.h"

G_BEGIN_DECLS

/* Lines around @line of @file, the line itself marked with '>', each line prefixed by @indent;
 * or the note saying why the source cannot be shown. */
void     agviz_cli_report_print_source    (AgvizSourceMap   *map,
                                           const char       *file,
                                           int               line,
                                           int               context,
                                           const char       *indent);

/* A stack of AgvizSourceFrame, outermost first: user frames with source, framework frames
 * folded into a count unless @all_frames. */
void     agviz_cli_report_print_stack     (AgvizSourceMap   *map,
                                           GPtrArray        *frames,
                                           gboolean          all_frames,
                                           int               context);
void     agviz_cli_report_write_stack     (AgvizJsonWriter  *json,
                                           AgvizSourceMap   *map,
                                           GPtrArray        *frames,
                                           int               context);
/* {"status": ..., "first_line": N, "lines": [...], "note": ...} for lines around @line. */
void     agviz_cli_report_write_source    (AgvizJsonWriter  *json,
                                           AgvizSourceMap   *map,
                                           const char       *file,
                                           int               line,
                                           int               context);

void     agviz_cli_report_print_diagnostic (AgvizSourceMap  *map,
                                            AgvizDiagnostic *diagnostic,
                                            int              context);
void     agviz_cli_report_write_diagnostic (AgvizJsonWriter *json,
                                            AgvizSourceMap  *map,
                                            AgvizDiagnostic *diagnostic,
                                            int              context);

G_END_DECLS
