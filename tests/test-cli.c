/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-cli.c: golden tests of the built `agviz` binary
 *
 * Each tests/cli/<name>.test holds cases in this form (jq's .test files inspired it):
 *
 *   # a comment
 *   $ info --json @TMP@/example.db      the arguments, split at spaces
 *   > a line expected on stdout
 *   ! a line expected on stderr
 *   = 0                                 the expected exit status, which ends the case
 *
 * @TMP@ is a scratch folder holding example.db (the fixture writer's trace) and one file for
 * each kind of bad input; it is written back as @TMP@ in the output before comparing.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

typedef struct
{
  char  *file;
  int    line;
  char  *args;
  GString *expected_out;
  GString *expected_err;
  int    expected_status;
} CliCase;

static char *scratch_dir;

static void
cli_case_free (CliCase *cli_case)
{
  g_free (cli_case->file);
  g_free (cli_case->args);
  g_string_free (cli_case->expected_out, TRUE);
  g_string_free (cli_case->expected_err, TRUE);
  g_free (cli_case);
}

static void
write_bad_inputs (const char *dir)
{
  g_autofree char *example = NULL;
  g_autofree char *path = NULL;
  gsize length;
  sqlite3 *db = NULL;

#define SCRATCH(name) (g_free (path), path = g_build_filename (dir, name, NULL))
  /* A fresh example from the fixture writer, not the build's copy: viewing that one caches
   * layouts in it, which would change the sizes the truncation message reports. */
  {
    const char *argv[] = { g_getenv ("AGVIZ_FIXTURE_WRITER"), SCRATCH ("example.db"), NULL };
    int status = 0;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                                 NULL, &status, NULL));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  g_assert_true (g_file_get_contents (path, &example, &length, NULL));

  /* Every TensorFlow format, for commands that import before they work. */
  {
    const char *argv[] = { g_getenv ("AGVIZ_WRITE_TF_FIXTURES"), SCRATCH ("tf"), NULL };
    int status = 0;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                 NULL, NULL, NULL, &status, NULL));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  g_assert_true (g_file_set_contents (SCRATCH ("notes.txt"), "just some notes\n", -1, NULL));
  g_assert_true (g_file_set_contents (SCRATCH ("empty.db"), "", 0, NULL));
  g_assert_true (g_file_set_contents (SCRATCH ("truncated.db"), example, length / 2, NULL));

  /* Every page after the first scribbled over: it opens, but reading it fails. */
  for (gsize i = 4096; i < length; i++)
    example[i] = (char) (i * 131);
  g_assert_true (g_file_set_contents (SCRATCH ("corrupt.db"), example, length, NULL));

  g_assert_cmpint (sqlite3_open (SCRATCH ("foreign.db"), &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE customers (name TEXT)", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (db);

  g_clear_pointer (&example, g_free);
  g_assert_true (g_file_get_contents (SCRATCH ("example.db"), &example, &length, NULL));
  g_assert_true (g_file_set_contents (SCRATCH ("newer.db"), example, length, NULL));
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
#undef SCRATCH
}

static GPtrArray *
load_cases (const char *file)
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func ((GDestroyNotify) cli_case_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  CliCase *current = NULL;

  g_assert_true (g_file_get_contents (file, &contents, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (g_str_has_prefix (line, "$ "))
        {
          g_assert_null (current);
          current = g_new0 (CliCase, 1);
          current->file = g_path_get_basename (file);
          current->line = i + 1;
          current->args = g_strdup (line + 2);
          current->expected_out = g_string_new (NULL);
          current->expected_err = g_string_new (NULL);
        }
      else if (current != NULL && (g_str_has_prefix (line, ">") || g_str_has_prefix (line, "!")))
        {
          GString *expected = line[0] == '>' ? current->expected_out : current->expected_err;
          g_string_append_printf (expected, "%s\n", line[1] == ' ' ? line + 2 : line + 1);
        }
      else if (current != NULL && g_str_has_prefix (line, "= "))
        {
          current->expected_status = atoi (line + 2);
          g_ptr_array_add (cases, current);
          current = NULL;
        }
      else if (*line != '\0' && *line != '#')
        g_error ("%s:%u: cannot parse: %s", file, i + 1, line);
    }
  g_assert_null (current);
  return g_steal_pointer (&cases);
}

static char *
replace_all (const char *text,
             const char *from,
             const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);
  return g_strjoinv (to, parts);
}

static void
run_case (gconstpointer data)
{
  const CliCase *cli_case = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *args = replace_all (cli_case->args, "@TMP@", scratch_dir);
  g_auto(GStrv) words = g_strsplit (args, " ", -1);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out_normal = NULL;
  g_autofree char *err_normal = NULL;
  g_auto(GStrv) envp = g_environ_setenv (NULL, "LC_ALL", "C", TRUE);
  int status = 0;

  /* A clean environment, but for the sanitizers' settings (suppressions) in sanitized builds. */
  envp = g_environ_setenv (envp, "PATH", "/usr/bin:/bin", TRUE);
  for (guint i = 0; i < 3; i++)
    {
      const char *names[] = { "ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS" };
      const char *value = g_getenv (names[i]);

      if (value != NULL)
        envp = g_environ_setenv (envp, names[i], value, TRUE);
    }

  g_ptr_array_add (argv, (gpointer) g_getenv ("AGVIZ"));
  for (guint i = 0; words[i] != NULL; i++)
    g_ptr_array_add (argv, words[i]);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (scratch_dir, (char **) argv->pdata, envp,
                               G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);

  out_normal = replace_all (out, scratch_dir, "@TMP@");
  err_normal = replace_all (err, scratch_dir, "@TMP@");
  if (g_strcmp0 (out_normal, cli_case->expected_out->str) != 0 ||
      g_strcmp0 (err_normal, cli_case->expected_err->str) != 0)
    g_error ("%s:%d: agviz %s\n--- expected stdout\n%s--- got stdout\n%s"
             "--- expected stderr\n%s--- got stderr\n%s",
             cli_case->file, cli_case->line, cli_case->args, cli_case->expected_out->str,
             out_normal, cli_case->expected_err->str, err_normal);

  g_assert_true (WIFEXITED (status));
  if (WEXITSTATUS (status) != cli_case->expected_status)
    g_error ("%s:%d: agviz %s exited with %d, expected %d", cli_case->file, cli_case->line,
             cli_case->args, WEXITSTATUS (status), cli_case->expected_status);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) all_cases = g_ptr_array_new_with_free_func ((GDestroyNotify) cli_case_free);
  g_autofree char *cli_dir = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  scratch_dir = g_dir_make_tmp ("agviz-cli-XXXXXX", NULL);
  g_assert_nonnull (scratch_dir);
  write_bad_inputs (scratch_dir);

  cli_dir = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "cli", NULL);
  dir = g_dir_open (cli_dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".test"))
      g_ptr_array_add (files, g_build_filename (cli_dir, name, NULL));
  g_ptr_array_sort (files, compare_paths);

  for (guint i = 0; i < files->len; i++)
    {
      g_autoptr(GPtrArray) cases = load_cases (g_ptr_array_index (files, i));
      g_autofree char *base = g_path_get_basename (g_ptr_array_index (files, i));

      base[strlen (base) - strlen (".test")] = '\0';
      for (guint j = 0; j < cases->len; j++)
        {
          CliCase *cli_case = g_ptr_array_index (cases, j);
          g_autofree char *path = g_strdup_printf ("/agviz/cli/%s/line-%d", base, cli_case->line);

          g_test_add_data_func (path, cli_case, run_case);
        }
      g_ptr_array_extend_and_steal (all_cases, g_steal_pointer (&cases));
    }

  status = g_test_run ();

  remove_tree (scratch_dir);
  g_free (scratch_dir);
  return status;
}
