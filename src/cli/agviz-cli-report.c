/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-cli-report.c: stacks, source excerpts and diagnostics, as text and as JSON */
#define G_LOG_DOMAIN "agviz-report"

#include "config.h"

#include <stdio.h>

#include "agviz-cli-report.h"

void
agviz_cli_report_print_source (AgvizSourceMap *map,
                               const char     *file,
                               int             line,
                               int             context,
                               const char     *indent)
{
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *note = NULL;
  int first = 0;

  if (file == NULL || line <= 0)
    return;
  agviz_source_map_get_lines (map, file, line - context, line + context, &lines, &first, &note);
  for (guint i = 0; i < lines->len; i++)
    {
      int number = first + (int) i;
      printf ("%s%s %5d | %s\n", indent, number == line ? ">" : " ", number,
              (const char *) g_ptr_array_index (lines, i));
    }
  if (note != NULL)
    printf ("%s(%s)\n", indent, note);
}

void
agviz_cli_report_print_stack (AgvizSourceMap *map,
                              GPtrArray      *frames,
                              gboolean        all_frames,
                              int             context)
{
  guint folded = 0;

  for (guint i = 0; i < frames->len; i++)
    {
      AgvizSourceFrame *frame = g_ptr_array_index (frames, i);

      if (frame->origin == AGVIZ_FRAME_ORIGIN_FRAMEWORK && !all_frames)
        {
          folded++;
          continue;
        }
      /* "=>": TensorFlow's tracebacks already use "*" and "**" for marks of their own. */
      printf ("%s %s:%d, in %s%s\n", frame->defining ? "=>" : "  ", frame->frame->file,
              frame->frame->line, frame->frame->function,
              frame->defining ? "   <- defined here"
              : frame->origin == AGVIZ_FRAME_ORIGIN_FRAMEWORK ? "   (framework)" : "");
      if (frame->origin == AGVIZ_FRAME_ORIGIN_USER)
        agviz_cli_report_print_source (map, frame->frame->file, frame->frame->line, context,
                                       "    ");
      else if (frame->frame->source_line != NULL)
        {
          g_autofree char *code = g_strstrip (g_strdup (frame->frame->source_line));
          printf ("      %s\n", code);
        }
    }
  if (folded > 0)
    printf ("  (%u framework frame%s folded; --all-frames shows %s)\n", folded,
            folded == 1 ? "" : "s", folded == 1 ? "it" : "them");
}

void
agviz_cli_report_write_source (AgvizJsonWriter *json,
                               AgvizSourceMap  *map,
                               const char      *file,
                               int              line,
                               int              context)
{
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *note = NULL;
  AgvizSourceStatus status;
  int first = 0;

  if (file == NULL || line <= 0)
    {
      agviz_json_writer_null (json);
      return;
    }
  status = agviz_source_map_get_lines (map, file, line - context, line + context, &lines, &first,
                                       &note);
  agviz_json_writer_begin_object (json);
  agviz_json_writer_member_string (json, "status", agviz_source_status_to_string (status));
  agviz_json_writer_member_int (json, "first_line", first);
  agviz_json_writer_key (json, "lines");
  agviz_json_writer_begin_array (json);
  for (guint i = 0; i < lines->len; i++)
    agviz_json_writer_string (json, g_ptr_array_index (lines, i));
  agviz_json_writer_end_array (json);
  agviz_json_writer_member_string (json, "note", note);
  agviz_json_writer_end_object (json);
}

void
agviz_cli_report_write_stack (AgvizJsonWriter *json,
                              AgvizSourceMap  *map,
                              GPtrArray       *frames,
                              int              context)
{
  agviz_json_writer_begin_array (json);
  for (guint i = 0; i < frames->len; i++)
    {
      AgvizSourceFrame *frame = g_ptr_array_index (frames, i);

      agviz_json_writer_begin_object (json);
      agviz_json_writer_member_string (json, "file", frame->frame->file);
      agviz_json_writer_member_int (json, "line", frame->frame->line);
      agviz_json_writer_member_int (json, "column", frame->frame->column);
      agviz_json_writer_member_string (json, "function", frame->frame->function);
      agviz_json_writer_member_string (json, "host", frame->frame->host);
      agviz_json_writer_member_string (json, "origin",
                                       agviz_frame_origin_to_string (frame->origin));
      agviz_json_writer_member_boolean (json, "defining", frame->defining);
      agviz_json_writer_member_string (json, "code", frame->frame->source_line);
      agviz_json_writer_key (json, "source");
      agviz_cli_report_write_source (json, map, frame->frame->file, frame->frame->line, context);
      agviz_json_writer_end_object (json);
    }
  agviz_json_writer_end_array (json);
}

void
agviz_cli_report_print_diagnostic (AgvizSourceMap  *map,
                                   AgvizDiagnostic *diagnostic,
                                   int              context)
{
  const char * const *evidence = agviz_diagnostic_get_evidence (diagnostic);
  const char *file = agviz_diagnostic_get_file (diagnostic);
  int line = agviz_diagnostic_get_line (diagnostic);

  printf ("%s[%s]: %s\n",
          agviz_diagnostic_severity_to_string (agviz_diagnostic_get_severity (diagnostic)),
          agviz_diagnostic_kind_to_string (agviz_diagnostic_get_kind (diagnostic)),
          agviz_diagnostic_get_message (diagnostic));
  if (file != NULL)
    {
      printf ("  --> %s:%d\n", file, line);
      agviz_cli_report_print_source (map, file, line, context, "    ");
    }
  if (evidence[0] != NULL)
    printf ("  evidence:\n");
  for (guint i = 0; evidence[i] != NULL; i++)
    printf ("    - %s\n", evidence[i]);
  if (agviz_diagnostic_get_fix (diagnostic) != NULL)
    printf ("  fix: %s\n", agviz_diagnostic_get_fix (diagnostic));
}

void
agviz_cli_report_write_diagnostic (AgvizJsonWriter *json,
                                   AgvizSourceMap  *map,
                                   AgvizDiagnostic *diagnostic,
                                   int              context)
{
  const char * const *evidence = agviz_diagnostic_get_evidence (diagnostic);
  AgvizDiagnosticSeverity severity = agviz_diagnostic_get_severity (diagnostic);
  AgvizDiagnosticKind kind = agviz_diagnostic_get_kind (diagnostic);

  agviz_json_writer_begin_object (json);
  agviz_json_writer_member_string (json, "severity", agviz_diagnostic_severity_to_string (severity));
  agviz_json_writer_member_string (json, "kind", agviz_diagnostic_kind_to_string (kind));
  agviz_json_writer_member_string (json, "message", agviz_diagnostic_get_message (diagnostic));
  agviz_json_writer_member_string (json, "function", agviz_diagnostic_get_function (diagnostic));
  agviz_json_writer_member_int (json, "function_id", agviz_diagnostic_get_function_id (diagnostic));
  agviz_json_writer_member_int (json, "trace_id", agviz_diagnostic_get_trace_id (diagnostic));
  agviz_json_writer_member_int (json, "trace", agviz_diagnostic_get_trace_ordinal (diagnostic));
  agviz_json_writer_member_int (json, "node_id", agviz_diagnostic_get_node_id (diagnostic));
  agviz_json_writer_member_string (json, "node", agviz_diagnostic_get_node (diagnostic));
  agviz_json_writer_member_string (json, "file", agviz_diagnostic_get_file (diagnostic));
  agviz_json_writer_member_int (json, "line", agviz_diagnostic_get_line (diagnostic));
  agviz_json_writer_member_string (json, "code", agviz_diagnostic_get_source_line (diagnostic));
  agviz_json_writer_key (json, "source");
  agviz_cli_report_write_source (json, map, agviz_diagnostic_get_file (diagnostic),
                                 agviz_diagnostic_get_line (diagnostic), context);
  agviz_json_writer_key (json, "evidence");
  agviz_json_writer_begin_array (json);
  for (guint i = 0; evidence[i] != NULL; i++)
    agviz_json_writer_string (json, evidence[i]);
  agviz_json_writer_end_array (json);
  agviz_json_writer_member_string (json, "fix", agviz_diagnostic_get_fix (diagnostic));
  agviz_json_writer_end_object (json);
}
