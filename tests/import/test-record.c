/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-record.c: `agviz record` with stand-ins for TensorFlow programs
 *
 * These run without TensorFlow: the programs write dumps with agviz-write-tf-fixtures (a shell
 * stand-in that crashes with the non-first-call variable error, one stopped by SIGTERM, and a
 * Python program importing a fake `tensorflow` package, which checks that the sitecustomize
 * hook switches dumping on).  tests/tf/test_record.py runs the hook against real TensorFlow. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "agviz-core.h"

typedef struct
{
  char *dir;
} TempDir;

static void
temp_dir_setup (TempDir       *fx,
                gconstpointer  data)
{
  fx->dir = g_dir_make_tmp ("agviz-record-test-XXXXXX", NULL);
}

static void
temp_dir_teardown (TempDir       *fx,
                   gconstpointer  data)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", fx->dir);

  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
  g_free (fx->dir);
}

static void
write_script (const char *path,
              const char *text)
{
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_chmod (path, 0755);
}

/* Runs `agviz record ARGS` in @dir; returns the exit status and the captured output. */
static int
run_record (const char  *dir,
            const char  *const *args,
            char       **out,
            char       **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status;

  g_ptr_array_add (argv, (gpointer) g_getenv ("AGVIZ"));
  g_ptr_array_add (argv, (gpointer) "record");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (dir, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

static void
test_record_crashing_program (TempDir       *fx,
                              gconstpointer  data)
{
  g_autofree char *script = g_build_filename (fx->dir, "train.sh", NULL);
  g_autofree char *db = g_build_filename (fx->dir, "run.db", NULL);
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) functions = NULL;
  g_autoptr(GPtrArray) errors = NULL;
  AgvizFunction *make_var;
  const char *args[] = { "-o", "run.db", "--", "./train.sh", "--epochs", "3", NULL };

  text = g_strdup_printf (
    "#!/bin/sh\n"
    "# A stand-in for `python3 train.py`: the dump TensorFlow would write, then the crash.\n"
    "tmp=$(mktemp -d)\n"
    "'%s' \"$tmp\"\n"
    "cp \"$tmp\"/tfdbg/crash/* \"$AGVIZ_DUMP_DIR\"/\n"
    "echo \"training with $*\"\n"
    "cat \"$tmp/tfdbg/crash.stderr\" >&2\n"
    "rm -rf \"$tmp\"\n"
    "exit 1\n", g_getenv ("AGVIZ_WRITE_TF_FIXTURES"));
  write_script (script, text);

  /* The program's status, output and errors pass through. */
  g_assert_cmpint (run_record (fx->dir, args, &out, &err), ==, 1);
  g_assert_cmpstr (out, ==, "training with --epochs 3\n");
  g_assert_nonnull (strstr (err, "ValueError: tf.function only supports singleton"));
  g_assert_nonnull (strstr (err, "agviz: recorded 2 traces"));

  store = agviz_store_open (db, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  functions = agviz_store_list_functions (store, &error);
  make_var = g_ptr_array_index (functions, 0);
  g_assert_cmpstr (make_var->name, ==, "make_var");
  g_assert_cmpint (((AgvizTrace *) g_ptr_array_index (make_var->traces, 1))->status, ==,
                   AGVIZ_TRACE_STATUS_FAILED);
  errors = agviz_store_list_errors (store, &error);
  g_assert_cmpuint (errors->len, ==, 1);
  g_assert_cmpstr (((AgvizRecordedError *) g_ptr_array_index (errors, 0))->type, ==, "ValueError");
}

static void
test_record_python_hook (TempDir       *fx,
                         gconstpointer  data)
{
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *package = g_build_filename (fx->dir, "fake", "tensorflow", NULL);
  g_autofree char *init = g_build_filename (package, "__init__.py", NULL);
  g_autofree char *program = g_build_filename (fx->dir, "prog.py", NULL);
  g_autofree char *init_text = NULL;
  g_autofree char *program_text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *db = g_build_filename (fx->dir, "py.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  AgvizStoreTotals totals;
  const char *args[] = { "-o", "py.db", "--tensor-debug-mode", "SHAPE", "--buffer-size", "5",
                         "--", "python3", "prog.py", NULL };

  if (python == NULL)
    {
      g_test_skip ("python3 is not installed");
      return;
    }

  /* A fake TensorFlow whose enable_dump_debug_info writes the fixture dump. */
  g_mkdir_with_parents (package, 0755);
  init_text = g_strdup_printf (
    "import os, shutil, subprocess, tempfile\n"
    "class _Experimental:\n"
    "    @staticmethod\n"
    "    def enable_dump_debug_info(dump_root, tensor_debug_mode, circular_buffer_size):\n"
    "        print('enabled', tensor_debug_mode, circular_buffer_size, flush=True)\n"
    "        tmp = tempfile.mkdtemp()\n"
    "        subprocess.check_call(['%s', tmp])\n"
    "        for name in os.listdir(os.path.join(tmp, 'tfdbg', 'ok')):\n"
    "            shutil.copy(os.path.join(tmp, 'tfdbg', 'ok', name), dump_root)\n"
    "        shutil.rmtree(tmp)\n"
    "    @staticmethod\n"
    "    def disable_dump_debug_info():\n"
    "        print('flushed', flush=True)\n"
    "class debugging:\n"
    "    experimental = _Experimental\n", g_getenv ("AGVIZ_WRITE_TF_FIXTURES"));
  g_assert_true (g_file_set_contents (init, init_text, -1, NULL));
  program_text = g_strdup_printf ("import sys\n"
                                  "sys.path.insert(0, '%s/fake')\n"
                                  "import tensorflow as tf\n"
                                  "print('program ran')\n", fx->dir);
  g_assert_true (g_file_set_contents (program, program_text, -1, NULL));

  g_assert_cmpint (run_record (fx->dir, args, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "enabled SHAPE 5\nprogram ran\nflushed\n");

  store = agviz_store_open (db, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (agviz_store_get_totals (store, &totals, &error));
  g_assert_cmpint (totals.traces, ==, 12);
}

static void
test_record_no_dump (TempDir       *fx,
                     gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "--", "sh", "-c", "echo plain; exit 3", NULL };

  g_assert_cmpint (run_record (fx->dir, args, &out, &err), ==, 3);
  g_assert_cmpstr (out, ==, "plain\n");
  g_assert_nonnull (strstr (err, "wrote no tfdbg2 dump"));
}

/* SIGTERM sent to agviz alone reaches the program; agviz still imports the dump, removes its
 * temporary folder and exits as the program did (128 + 15). */
static void
test_record_terminated (TempDir       *fx,
                        gconstpointer  data)
{
  g_autofree char *script = g_build_filename (fx->dir, "serve.sh", NULL);
  g_autofree char *tmp = g_build_filename (fx->dir, "tmp", NULL);
  g_autofree char *db = g_build_filename (fx->dir, "term.db", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) env = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) left = NULL;
  g_autoptr(AgvizStore) store = NULL;
  AgvizStoreTotals totals;
  const char *argv[] = { g_getenv ("AGVIZ"), "record", "-o", "term.db", "--", "./serve.sh",
                         NULL };
  char ready[7] = { 0 };
  GPid pid;
  int out_fd, status;

  text = g_strdup_printf (
    "#!/bin/sh\n"
    "# A stand-in for a training program that wrote its dump and runs until stopped.\n"
    "tmp=$(mktemp -d)\n"
    "'%s' \"$tmp\"\n"
    "cp \"$tmp\"/tfdbg/ok/* \"$AGVIZ_DUMP_DIR\"/\n"
    "rm -rf \"$tmp\"\n"
    "echo READY\n"
    "exec sleep 60\n", g_getenv ("AGVIZ_WRITE_TF_FIXTURES"));
  write_script (script, text);
  g_mkdir (tmp, 0700);
  env = g_environ_setenv (g_get_environ (), "TMPDIR", tmp, TRUE);

  g_assert_true (g_spawn_async_with_pipes (fx->dir, (char **) argv, env,
                                           G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, NULL,
                                           &out_fd, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (read (out_fd, ready, 6), ==, 6);
  g_assert_cmpstr (ready, ==, "READY\n");
  kill (pid, SIGTERM);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  close (out_fd);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 128 + SIGTERM);

  store = agviz_store_open (db, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (agviz_store_get_totals (store, &totals, &error));
  g_assert_cmpint (totals.traces, ==, 12);
  left = g_dir_open (tmp, 0, &error);
  g_assert_no_error (error);
  g_assert_null (g_dir_read_name (left));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/agviz/record/crashing-program", TempDir, NULL, temp_dir_setup,
              test_record_crashing_program, temp_dir_teardown);
  g_test_add ("/agviz/record/python-hook", TempDir, NULL, temp_dir_setup,
              test_record_python_hook, temp_dir_teardown);
  g_test_add ("/agviz/record/terminated", TempDir, NULL, temp_dir_setup,
              test_record_terminated, temp_dir_teardown);
  g_test_add ("/agviz/record/no-dump", TempDir, NULL, temp_dir_setup, test_record_no_dump,
              temp_dir_teardown);
  return g_test_run ();
}
