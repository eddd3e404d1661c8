/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-cli-golden.c: `agviz where`, `explain` and `check` on the example trace, compared with
 * golden/NAME.out (stdout, then stderr and the exit code).  Runs under LC_ALL=C beside the
 * example trace, so paths in the output are stable.  AGVIZ_UPDATE_GOLDEN=1 rewrites the files. */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

typedef struct
{
  const char *name;
  const char *stdin_file;      /* under tests/diagnose/texts, or NULL */
  const char *args[8];
} GoldenCase;

static const GoldenCase cases[] = {
  { "where-suffix", NULL, { "where", "example.db", "dense/MatMul" } },
  { "where-all-frames", NULL, { "where", "--all-frames", "--context", "0", "example.db", "remember:Log" } },
  { "where-json", NULL, { "where", "--json", "example.db", "make_var#1:Variable/11" } },
  { "where-ambiguous", NULL, { "where", "example.db", "range" } },
  { "where-no-node", NULL, { "where", "example.db", "no/such/node" } },
  { "where-no-file", NULL, { "where", "missing.db", "x" } },
  { "check", NULL, { "check", "example.db" } },
  { "check-json", NULL, { "check", "--json", "example.db" } },
  { "check-sarif", NULL, { "check", "--sarif", "--context", "0", "example.db" } },
  { "check-fail-on-warning", NULL, { "check", "--fail-on", "warning", "--context", "0", "example.db" } },
  { "check-bad-fail-on", NULL, { "check", "--fail-on", "sometimes", "example.db" } },
  { "explain-runtime", "runtime-detected.txt", { "explain", "example.db", "-" } },
  { "explain-runtime-json", "runtime-detected.txt", { "explain", "--json", "--context", "0", "example.db", "-" } },
  { "explain-defined-at", "runtime-defined-at.txt", { "explain", "example.db" } },
  { "explain-variable", "autograph-variable.txt", { "explain", "--context", "0", "example.db", "-" } },
  { "explain-variable-old", "autograph-variable-old.txt", { "explain", "--all-frames", "--context", "0", "example.db", "-" } },
  { "explain-retracing", "retracing-warning.txt", { "explain", "--context", "0", "example.db", "-" } },
  { "explain-transform", "autograph-transform.txt", { "explain", "example.db", "-" } },
  { "explain-python", "python-exception.txt", { "explain", "example.db", "-" } },
  { "explain-unknown", "unknown.txt", { "explain", "example.db", "-" } },
  { "explain-garbage", "garbage.bin", { "explain", "example.db", "-" } },
  { "explain-no-text-file", NULL, { "explain", "example.db", "no-such-error.txt" } },
  { "explain-recorded", NULL, { "explain", "--recorded", "example.db" } },
  { "explain-recorded-json", NULL, { "explain", "--recorded", "--json", "--context", "0", "example.db" } },
  /* Issue 14: texts as users paste them. */
  { "explain-keras-loss-unrelated-trace", "keras-loss-variable.txt", { "explain", "--context", "0", "example.db", "-" } },
  { "explain-keras-loss-no-trace", "keras-loss-variable.txt", { "explain", "-" } },
  { "explain-headerless-no-trace", "headerless-user-code.txt", { "explain", "-" } },
  { "explain-headerless-source-root", "headerless-user-code.txt", { "explain", "--source-root", "/home/alice/project=@SRCDIR@/texts/sources", "-" } },
  { "explain-localised-header-file", NULL, { "explain", "--context", "0", "--source-root", "/home/alice/project=@SRCDIR@/texts/sources", "@SRCDIR@/texts/localised-header.txt" } },
  { "explain-localised-header-json", "localised-header.txt", { "explain", "--json", "--context", "0", "-" } },
};

static void
run_case (gconstpointer data)
{
  const GoldenCase *golden = data;
  const char *agviz = g_getenv ("AGVIZ");
  const char *trace = g_getenv ("AGVIZ_EXAMPLE_TRACE");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL, *trace_dir = NULL, *expected_path = NULL;
  g_autofree char *expected = NULL, *actual = NULL;

  if (agviz == NULL || trace == NULL)
    {
      g_test_skip ("AGVIZ and AGVIZ_EXAMPLE_TRACE must be set");
      return;
    }

  g_ptr_array_set_free_func (argv, g_free);
  g_ptr_array_add (argv, g_strdup (agviz));
  /* @SRCDIR@ is this folder (tests/diagnose), for sources and texts given by path. */
  for (guint i = 0; golden->args[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (golden->args[i], "@SRCDIR@", -1);
      g_ptr_array_add (argv, g_strjoinv (g_test_get_dir (G_TEST_DIST), parts));
    }
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  trace_dir = g_path_get_dirname (trace);
  g_subprocess_launcher_set_cwd (launcher, trace_dir);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  if (golden->stdin_file != NULL)
    {
      g_autofree char *input = g_test_build_filename (G_TEST_DIST, "texts", golden->stdin_file,
                                                      NULL);
      g_subprocess_launcher_set_stdin_file_path (launcher, input);
    }
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);

  actual = g_strdup_printf ("%s%s%s--- exit %d ---\n", out,
                            *err != '\0' ? "--- stderr ---\n" : "", err,
                            g_subprocess_get_exit_status (process));

  expected_path = g_test_build_filename (G_TEST_DIST, "golden", golden->name, NULL);
  {
    g_autofree char *with_suffix = g_strconcat (expected_path, ".out", NULL);
    g_free (expected_path);
    expected_path = g_steal_pointer (&with_suffix);
  }
  if (g_getenv ("AGVIZ_UPDATE_GOLDEN") != NULL)
    {
      g_file_set_contents (expected_path, actual, -1, &error);
      g_assert_no_error (error);
      return;
    }
  g_file_get_contents (expected_path, &expected, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (actual, ==, expected);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/agviz/cli-golden/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], run_case);
    }
  return g_test_run ();
}
