/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-python-scan.c: libFuzzer target for the Python scan behind the checker's source rules
 *
 * Input: any bytes, read as a Python file.  Every function the scan finds in it is scanned
 * (from its def line and from its first decorator's), and every result is checked for the
 * invariants the checker relies on.  Seeds: tests/fuzz/corpus/fuzz-python-scan.
 */
#include "config.h"

#include "agviz-core.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* Scanning every function of a file of many small ones is quadratic in the worst case (each
 * may call helpers): a fuzzer would then report slowness, not bugs. */
#define MAX_FUNCTIONS 64

static void
check_scan (AgvizPythonScan             *scan,
            const AgvizPythonDefinition *definition)
{
  g_assert_nonnull (scan);
  g_assert_cmpstr (scan->definition.name, ==, definition->name);
  g_assert_cmpint (scan->definition.def_line, ==, definition->def_line);
  g_assert_cmpint (scan->definition.first_line, <=, scan->definition.def_line);
  g_assert_cmpint (scan->definition.body_first_line, <=, scan->definition.body_last_line);
  /* A parameter is the function's own, unless (a syntax error in Python) declared global. */
  for (guint i = 0; i < scan->parameters->len; i++)
    {
      const char *parameter = g_ptr_array_index (scan->parameters, i);
      gboolean declared = FALSE;

      for (guint j = 0; j < scan->declared->len; j++)
        declared |= g_str_equal (g_ptr_array_index (scan->declared, j), parameter);
      g_assert_true (declared || agviz_python_scan_is_local (scan, parameter));
    }
  for (guint i = 0; i < scan->findings->len; i++)
    {
      const AgvizPythonScanFinding *finding = g_ptr_array_index (scan->findings, i);

      /* The function's own line; for a side effect of a helper it calls, the helper's line,
       * or the call's for an object the function passed the helper. */
      int own_line = finding->helper != NULL && finding->helper_call_line > 0
                     ? finding->helper_call_line : finding->line;

      g_assert_nonnull (finding->name);
      g_assert_cmpint (own_line, >=, scan->definition.body_first_line);
      g_assert_cmpint (own_line, <=, scan->definition.body_last_line);
      g_assert_cmpint (finding->column, >=, 0);
      g_assert_true ((finding->method != NULL) == (finding->kind == AGVIZ_PYTHON_SCAN_MUTATING_CALL));
      (void) agviz_python_scan_kind_to_string (finding->kind);
      if (finding->kind != AGVIZ_PYTHON_SCAN_TRACE_TIME_VALUE)
        {
          g_assert_cmpuint (finding->uses->len, ==, 0);
          g_assert_true ((finding->helper != NULL) == (finding->helper_call_line > 0));
          g_assert_true ((finding->argument != NULL) == (finding->parameter != NULL));
          if (finding->helper != NULL)
            g_assert_cmpint (finding->parameter != NULL ? finding->helper_call_line
                                                        : finding->helper_line, ==, finding->line);
          continue;
        }
      g_assert_cmpint (finding->helper_call_line, ==, 0);
      g_assert_cmpint (finding->source, !=, AGVIZ_PYTHON_VALUE_NONE);
      g_assert_nonnull (finding->call);
      g_assert_cmpint (finding->call_line, >, 0);
      (void) agviz_python_value_source_to_string (finding->source);
      g_assert_cmpuint (finding->uses->len, >, 0);
      for (guint u = 0; u < finding->uses->len; u++)
        {
          const AgvizPythonScanUse *use = g_ptr_array_index (finding->uses, u);

          g_assert_cmpint (use->first_line, <=, use->line);
          g_assert_cmpint (use->line, <=, use->last_line);
          g_assert_true (u == 0 || use->name != NULL);
        }
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char *text = (const char *) data;
  g_autoptr(GPtrArray) definitions = agviz_python_scan_list_definitions (text, (gssize) size, NULL);

  for (guint d = 0; d < definitions->len && d < MAX_FUNCTIONS; d++)
    {
      const AgvizPythonDefinition *definition = g_ptr_array_index (definitions, d);
      g_autoptr(AgvizPythonScan) by_def = agviz_python_scan_new (text, (gssize) size,
                                                                 definition->def_line);
      g_autoptr(AgvizPythonScan) by_decorator = agviz_python_scan_new (text, (gssize) size,
                                                                       definition->first_line);
      g_autoptr(GPtrArray) same_name = agviz_python_scan_list_definitions (text, (gssize) size,
                                                                         definition->name);

      check_scan (by_def, definition);
      check_scan (by_decorator, definition);
      g_assert_cmpuint (by_def->findings->len, ==, by_decorator->findings->len);
      g_assert_cmpuint (same_name->len, >, 0);
    }
  return 0;
}
