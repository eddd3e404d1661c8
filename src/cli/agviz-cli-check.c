/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-cli-check.c: `agviz check FILE`, the classic tf.function mistakes as a report */
#define G_LOG_DOMAIN "agviz-check"

#include "config.h"

#include <stdio.h>

#include "agviz-cli.h"
#include "agviz-cli-diagnose.h"
#include "agviz-cli-report.h"

static const struct
{
  AgvizDiagnosticKind  kind;
  const char          *summary;
} rule_summaries[] = {
  { AGVIZ_DIAGNOSTIC_KIND_VARIABLE_NON_FIRST_TRACE, "tf.Variable created on a non-first trace" },
  { AGVIZ_DIAGNOSTIC_KIND_RETRACING, "Function traced many times" },
  { AGVIZ_DIAGNOSTIC_KIND_FROZEN_VALUE, "Python value frozen into the graph at trace time" },
  { AGVIZ_DIAGNOSTIC_KIND_TRACE_TIME_SIDE_EFFECT, "Python side effect that runs only while tracing" },
  { AGVIZ_DIAGNOSTIC_KIND_NAN_INF, "NaN or infinity produced by a node" },
  { AGVIZ_DIAGNOSTIC_KIND_AUTOGRAPH_CONVERSION, "AutoGraph could not convert a function" },
  { AGVIZ_DIAGNOSTIC_KIND_GRAPH_BREAK, "Graph break: the compiler split the function" },
  { AGVIZ_DIAGNOSTIC_KIND_COMPILE_FAILURE, "Compiling a function failed" },
  { AGVIZ_DIAGNOSTIC_KIND_FUNCTION_REDEFINED, "Staged function defined anew on every call" },
};

static int
rule_index (AgvizDiagnosticKind kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (rule_summaries); i++)
    if (rule_summaries[i].kind == kind)
      return (int) i;
  g_assert_not_reached ();
  return -1;
}

/* A recorded path as a SARIF artifactLocation (SARIF 2.1.0 3.4, RFC 3986): an absolute path
 * is a file: URI; a relative one (Python records the path it was given, relative to the
 * program's working folder) a percent-encoded relative reference against %SRCROOT%; a name
 * like <ipython-input-3-1a2b> or <string> is Python source that was never a file, written as
 * a relative reference with no base and said to be so. */
static void
write_artifact_location (AgvizJsonWriter *json,
                         AgvizSourceMap  *map,
                         const char      *recorded_path)
{
  g_autofree char *path = agviz_source_map_remap_path (map, recorded_path);
  g_autofree char *uri = NULL;
  gboolean pseudo = g_str_has_prefix (path, "<") && g_str_has_suffix (path, ">");

  if (g_path_is_absolute (path))
    uri = g_filename_to_uri (path, NULL, NULL);
  /* ':' is escaped too: in a relative reference's first segment it would read as a scheme. */
  if (uri == NULL)
    uri = g_uri_escape_string (path, "!$&'()*+,;=@/", FALSE);

  agviz_json_writer_key (json, "artifactLocation");
  agviz_json_writer_begin_object (json);
  agviz_json_writer_member_string (json, "uri", uri);
  if (!g_path_is_absolute (path) && !pseudo)
    {
      agviz_json_writer_member_string (json, "uriBaseId", "%SRCROOT%");
    }
  if (pseudo)
    {
      agviz_json_writer_key (json, "description");
      agviz_json_writer_begin_object (json);
      agviz_json_writer_member_string (json, "text",
                                       "Python source that is not a file (a notebook cell or "
                                       "a string given to exec/compile)");
      agviz_json_writer_end_object (json);
    }
  agviz_json_writer_end_object (json);
}

/* SARIF 2.1.0, the format code-scanning services read to annotate source lines. */
static char *
diagnostics_to_sarif (AgvizSourceMap *map,
                      GListModel     *diagnostics)
{
  g_autoptr(AgvizJsonWriter) json = agviz_json_writer_new ();

  agviz_json_writer_begin_object (json);
  agviz_json_writer_member_string (json, "$schema",
                                   "https://json.schemastore.org/sarif-2.1.0.json");
  agviz_json_writer_member_string (json, "version", "2.1.0");
  agviz_json_writer_key (json, "runs");
  agviz_json_writer_begin_array (json);
  agviz_json_writer_begin_object (json);

  agviz_json_writer_key (json, "tool");
  agviz_json_writer_begin_object (json);
  agviz_json_writer_key (json, "driver");
  agviz_json_writer_begin_object (json);
  agviz_json_writer_member_string (json, "name", "agviz");
  agviz_json_writer_member_string (json, "version", PACKAGE_VERSION);
  agviz_json_writer_key (json, "rules");
  agviz_json_writer_begin_array (json);
  for (guint i = 0; i < G_N_ELEMENTS (rule_summaries); i++)
    {
      agviz_json_writer_begin_object (json);
      agviz_json_writer_member_string (json, "id",
                                       agviz_diagnostic_kind_to_string (rule_summaries[i].kind));
      agviz_json_writer_key (json, "shortDescription");
      agviz_json_writer_begin_object (json);
      agviz_json_writer_member_string (json, "text", rule_summaries[i].summary);
      agviz_json_writer_end_object (json);
      agviz_json_writer_end_object (json);
    }
  agviz_json_writer_end_array (json);
  agviz_json_writer_end_object (json);
  agviz_json_writer_end_object (json);

  agviz_json_writer_key (json, "results");
  agviz_json_writer_begin_array (json);
  for (guint i = 0; i < g_list_model_get_n_items (diagnostics); i++)
    {
      g_autoptr(AgvizDiagnostic) diagnostic = g_list_model_get_item (diagnostics, i);
      const char * const *evidence = agviz_diagnostic_get_evidence (diagnostic);
      AgvizDiagnosticKind kind = agviz_diagnostic_get_kind (diagnostic);
      AgvizDiagnosticSeverity severity = agviz_diagnostic_get_severity (diagnostic);
      g_autofree char *text = NULL;

      text = g_strdup_printf ("%s%s%s", agviz_diagnostic_get_message (diagnostic),
                              agviz_diagnostic_get_fix (diagnostic) != NULL ? ". Fix: " : "",
                              agviz_diagnostic_get_fix (diagnostic) != NULL
                              ? agviz_diagnostic_get_fix (diagnostic) : "");

      agviz_json_writer_begin_object (json);
      agviz_json_writer_member_string (json, "ruleId", agviz_diagnostic_kind_to_string (kind));
      agviz_json_writer_member_int (json, "ruleIndex", rule_index (kind));
      agviz_json_writer_member_string (json, "level",
                                       agviz_diagnostic_severity_to_string (severity));
      agviz_json_writer_key (json, "message");
      agviz_json_writer_begin_object (json);
      agviz_json_writer_member_string (json, "text", text);
      agviz_json_writer_end_object (json);
      if (agviz_diagnostic_get_file (diagnostic) != NULL)
        {
          agviz_json_writer_key (json, "locations");
          agviz_json_writer_begin_array (json);
          agviz_json_writer_begin_object (json);
          agviz_json_writer_key (json, "physicalLocation");
          agviz_json_writer_begin_object (json);
          write_artifact_location (json, map, agviz_diagnostic_get_file (diagnostic));
          if (agviz_diagnostic_get_line (diagnostic) > 0)
            {
              agviz_json_writer_key (json, "region");
              agviz_json_writer_begin_object (json);
              agviz_json_writer_member_int (json, "startLine",
                                            agviz_diagnostic_get_line (diagnostic));
              if (agviz_diagnostic_get_source_line (diagnostic) != NULL)
                {
                  agviz_json_writer_key (json, "snippet");
                  agviz_json_writer_begin_object (json);
                  agviz_json_writer_member_string (json, "text",
                                                   agviz_diagnostic_get_source_line (diagnostic));
                  agviz_json_writer_end_object (json);
                }
              agviz_json_writer_end_object (json);
            }
          agviz_json_writer_end_object (json);
          agviz_json_writer_end_object (json);
          agviz_json_writer_end_array (json);
        }
      agviz_json_writer_key (json, "properties");
      agviz_json_writer_begin_object (json);
      agviz_json_writer_member_string (json, "function",
                                       agviz_diagnostic_get_function (diagnostic));
      agviz_json_writer_member_int (json, "trace", agviz_diagnostic_get_trace_ordinal (diagnostic));
      agviz_json_writer_member_string (json, "node", agviz_diagnostic_get_node (diagnostic));
      agviz_json_writer_key (json, "evidence");
      agviz_json_writer_begin_array (json);
      for (guint e = 0; evidence[e] != NULL; e++)
        agviz_json_writer_string (json, evidence[e]);
      agviz_json_writer_end_array (json);
      agviz_json_writer_end_object (json);
      agviz_json_writer_end_object (json);
    }
  agviz_json_writer_end_array (json);
  agviz_json_writer_end_object (json);
  agviz_json_writer_end_array (json);
  agviz_json_writer_end_object (json);
  return agviz_json_writer_finish (g_steal_pointer (&json));
}

int
agviz_cli_check (int    argc,
                 char **argv)
{
  gboolean as_sarif = FALSE;
  g_autofree char *fail_on = NULL;
  const GOptionEntry entries[] = {
    { "sarif", 0, 0, G_OPTION_ARG_NONE, &as_sarif, "Print them as SARIF 2.1.0", NULL },
    { "fail-on", 0, 0, G_OPTION_ARG_STRING, &fail_on,
      "Exit with 11 when a finding is this severe: error, warning or never (default)", "LEVEL" },
    { NULL }
  };
  g_auto(AgvizCliDiagnose) setup = { 0 };
  g_autoptr(GOptionContext) option_context =
    agviz_cli_diagnose_new_options (&setup, "check", "TRACE_FILE",
                                    "Look for the classic tf.function mistakes: variables made on "
                                    "a retrace,\nretracing storms, values frozen at trace time, "
                                    "Python side effects,\nNaN/Inf, and functions AutoGraph could "
                                    "not convert.",
                                    "Print the diagnostics as JSON", 1, entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizChecker) checker = NULL;
  g_autoptr(GListModel) diagnostics = NULL;
  guint counts[3] = { 0, 0, 0 };
  AgvizDiagnosticSeverity threshold = AGVIZ_DIAGNOSTIC_SEVERITY_ERROR;
  gboolean never = TRUE, failing = FALSE;
  int status;
  guint n;

  if ((status = agviz_cli_diagnose_parse (&setup, option_context, &argc, &argv)) != AGVIZ_EXIT_OK)
    return status;
  if (argc != 2)
    return agviz_cli_usage_error ("check needs exactly one trace file (see agviz check --help)");
  if (setup.as_json && as_sarif)
    return agviz_cli_usage_error ("--json and --sarif exclude each other");
  if (fail_on != NULL && !g_str_equal (fail_on, "never"))
    {
      if ((!g_str_equal (fail_on, "error") && !g_str_equal (fail_on, "warning")) ||
          !agviz_diagnostic_severity_from_string (fail_on, &threshold))
        return agviz_cli_usage_error ("--fail-on takes error, warning or never, not '%s'",
                                      fail_on);
      never = FALSE;
    }

  if ((status = agviz_cli_diagnose_open (&setup, argv[1])) != AGVIZ_EXIT_OK)
    return status;
  checker = agviz_checker_new (setup.map);
  diagnostics = agviz_checker_run (checker, &error);
  if (diagnostics == NULL)
    return agviz_cli_fail (error);

  n = g_list_model_get_n_items (diagnostics);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AgvizDiagnostic) diagnostic = g_list_model_get_item (diagnostics, i);
      AgvizDiagnosticSeverity severity = agviz_diagnostic_get_severity (diagnostic);

      counts[severity]++;
      failing |= !never && severity >= threshold;
    }

  if (as_sarif)
    {
      g_autofree char *text = diagnostics_to_sarif (setup.map, diagnostics);
      fputs (text, stdout);
    }
  else if (setup.as_json)
    {
      g_autoptr(AgvizJsonWriter) json = agviz_json_writer_new ();
      g_autofree char *text = NULL;

      agviz_json_writer_begin_object (json);
      agviz_json_writer_member_int (json, "errors", counts[AGVIZ_DIAGNOSTIC_SEVERITY_ERROR]);
      agviz_json_writer_member_int (json, "warnings", counts[AGVIZ_DIAGNOSTIC_SEVERITY_WARNING]);
      agviz_json_writer_member_int (json, "notes", counts[AGVIZ_DIAGNOSTIC_SEVERITY_NOTE]);
      agviz_json_writer_key (json, "diagnostics");
      agviz_json_writer_begin_array (json);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(AgvizDiagnostic) diagnostic = g_list_model_get_item (diagnostics, i);
          agviz_cli_report_write_diagnostic (json, setup.map, diagnostic, setup.context);
        }
      agviz_json_writer_end_array (json);
      agviz_json_writer_end_object (json);
      text = agviz_json_writer_finish (g_steal_pointer (&json));
      fputs (text, stdout);
    }
  else
    {
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(AgvizDiagnostic) diagnostic = g_list_model_get_item (diagnostics, i);

          agviz_cli_report_print_diagnostic (setup.map, diagnostic, setup.context);
          printf ("\n");
        }
      if (n == 0)
        printf ("no problems found\n");
      else
        printf ("%u error%s, %u warning%s, %u note%s\n",
                counts[2], counts[2] == 1 ? "" : "s", counts[1], counts[1] == 1 ? "" : "s",
                counts[0], counts[0] == 1 ? "" : "s");
    }

  return failing ? AGVIZ_EXIT_FINDINGS : AGVIZ_EXIT_OK;
}
