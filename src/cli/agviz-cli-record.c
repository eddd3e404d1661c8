/* agviz-cli-record.c: `agviz record [-o FILE] -- python3 train.py ARGS...`
 *
 * Runs a program with tfdbg2 dumping switched on without editing it: a sitecustomize.py on
 * PYTHONPATH waits for the program to import TensorFlow and then calls
 * tf.debugging.experimental.enable_dump_debug_info into a temporary folder.  The program's
 * output passes through; its stderr is also captured (tracebacks, retracing and AutoGraph
 * warnings are stored as errors and events).  When it exits, crashed or not, the dump is
 * imported and agviz exits with the program's status.
 */
#define G_LOG_DOMAIN "agviz-record"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "agviz-cli.h"
#include "agviz-core.h"
#include "agviz-importer.h"

/* The hook.  It is exercised against real TensorFlow by users: the tests use stand-ins. */
static const char sitecustomize[] =
  "# Written by `agviz record`: switches tfdbg2 dumping on once the program imports TensorFlow.\n"
  "import atexit\n"
  "import importlib.abc\n"
  "import importlib.util\n"
  "import os\n"
  "import sys\n"
  "\n"
  "_DUMP_DIR = os.environ.get('AGVIZ_DUMP_DIR')\n"
  "\n"
  "\n"
  "class _AgvizTensorFlowHook(importlib.abc.MetaPathFinder):\n"
  "    def find_spec(self, name, path, target=None):\n"
  "        if name != 'tensorflow' or _DUMP_DIR is None:\n"
  "            return None\n"
  "        sys.meta_path.remove(self)\n"
  "        spec = importlib.util.find_spec(name)\n"
  "        if spec is None or spec.loader is None:\n"
  "            return spec\n"
  "        exec_module = spec.loader.exec_module\n"
  "\n"
  "        def exec_and_enable(module):\n"
  "            exec_module(module)\n"
  "            try:\n"
  "                experimental = module.debugging.experimental\n"
  "                experimental.enable_dump_debug_info(\n"
  "                    _DUMP_DIR,\n"
  "                    tensor_debug_mode=os.environ.get('AGVIZ_TENSOR_DEBUG_MODE', 'FULL_HEALTH'),\n"
  "                    circular_buffer_size=int(os.environ.get('AGVIZ_CIRCULAR_BUFFER_SIZE', '1000')))\n"
  "                # Flushes the circular buffers when the program ends, also by an exception.\n"
  "                atexit.register(experimental.disable_dump_debug_info)\n"
  "            except Exception as error:  # never break the program being recorded\n"
  "                sys.stderr.write('agviz record: cannot switch tfdbg2 dumping on: %s\\n' % error)\n"
  "\n"
  "        spec.loader.exec_module = exec_and_enable\n"
  "        return spec\n"
  "\n"
  "\n"
  "sys.meta_path.insert(0, _AgvizTensorFlowHook())\n";

static const char *const debug_modes[] = {
  "NO_TENSOR", "CURT_HEALTH", "CONCISE_HEALTH", "FULL_HEALTH", "SHAPE", "FULL_TENSOR",
};

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

/* Copies the child's stderr to ours and to @capture until it closes. */
static void
pass_stderr_through (GInputStream *stream,
                     FILE         *capture)
{
  char buffer[8192];
  gssize n;

  while ((n = g_input_stream_read (stream, buffer, sizeof buffer, NULL, NULL)) > 0)
    {
      fwrite (buffer, 1, n, stderr);
      fflush (stderr);
      fwrite (buffer, 1, n, capture);
    }
}

int
agviz_cli_record (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(AgvizRecorder) recorder = NULL;
  g_autoptr(AgvizImporter) importer = NULL;
  g_autofree char *output = NULL;
  g_autofree char *mode = NULL;
  g_autofree char *keep_dump = NULL;
  g_autofree char *work = NULL;
  g_autofree char *hook_dir = NULL;
  g_autofree char *hook_file = NULL;
  g_autofree char *dump_dir = NULL;
  g_autofree char *stderr_path = NULL;
  g_autofree char *python_path = NULL;
  g_autofree char *buffer_text = NULL;
  g_auto(GStrv) command = NULL;
  gint buffer_size = 1000;
  int status, exit_status;
  FILE *capture;
  void (*previous_int) (int);
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Trace file to write or append to "
      "(default: agviz-record.db)", "FILE" },
    { "tensor-debug-mode", 0, 0, G_OPTION_ARG_STRING, &mode, "tfdbg2 tensor debug mode: "
      "NO_TENSOR, CURT_HEALTH, CONCISE_HEALTH, FULL_HEALTH (default), SHAPE, FULL_TENSOR",
      "MODE" },
    { "buffer-size", 0, 0, G_OPTION_ARG_INT, &buffer_size, "tfdbg2 circular buffer size "
      "(executions kept; -1: all; default 1000)", "N" },
    { "keep-dump", 0, 0, G_OPTION_ARG_FILENAME, &keep_dump, "Write the tfdbg2 dump into DIR "
      "and keep it", "DIR" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &command, NULL,
      "-- PROGRAM [ARG...]" },
    { NULL }
  };

  context = g_option_context_new ("-- PROGRAM [ARG...]");
  g_option_context_set_summary (context,
    "Runs a Python program with TensorFlow's tfdbg2 dumping switched on (no edits to the\n"
    "program), passes its output through, and imports the dump when it exits, also when it\n"
    "crashed. agviz exits with the program's status.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return agviz_cli_usage_error ("%s", error->message);
  if (command == NULL || command[0] == NULL)
    return agviz_cli_usage_error ("record: name the program to run after -- "
                                  "(agviz record -- python3 train.py)");
  if (mode == NULL)
    mode = g_strdup ("FULL_HEALTH");
  if (!g_strv_contains (debug_modes, mode))
    return agviz_cli_usage_error ("record: unknown tensor debug mode '%s'", mode);
  if (output == NULL)
    output = g_strdup ("agviz-record.db");

  work = g_dir_make_tmp ("agviz-record-XXXXXX", &error);
  if (work == NULL)
    return agviz_cli_fail (error);
  hook_dir = g_build_filename (work, "hook", NULL);
  hook_file = g_build_filename (hook_dir, "sitecustomize.py", NULL);
  dump_dir = keep_dump != NULL ? g_strdup (keep_dump) : g_build_filename (work, "dump", NULL);
  stderr_path = g_build_filename (work, "stderr.txt", NULL);
  g_mkdir_with_parents (hook_dir, 0700);
  g_mkdir_with_parents (dump_dir, 0700);
  if (!g_file_set_contents (hook_file, sitecustomize, -1, &error))
    return agviz_cli_fail (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  python_path = g_getenv ("PYTHONPATH") != NULL && *g_getenv ("PYTHONPATH") != '\0'
                  ? g_strconcat (hook_dir, G_SEARCHPATH_SEPARATOR_S, g_getenv ("PYTHONPATH"), NULL)
                  : g_strdup (hook_dir);
  buffer_text = g_strdup_printf ("%d", buffer_size);
  g_subprocess_launcher_setenv (launcher, "PYTHONPATH", python_path, TRUE);
  g_subprocess_launcher_setenv (launcher, "AGVIZ_DUMP_DIR", dump_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "AGVIZ_TENSOR_DEBUG_MODE", mode, TRUE);
  g_subprocess_launcher_setenv (launcher, "AGVIZ_CIRCULAR_BUFFER_SIZE", buffer_text, TRUE);
  child = g_subprocess_launcher_spawnv (launcher, (const char *const *) command, &error);
  if (child == NULL)
    {
      remove_tree (work);
      return agviz_cli_fail (error);
    }

  /* Ctrl-C goes to the program; agviz stays to import what it wrote. */
  previous_int = signal (SIGINT, SIG_IGN);
  capture = g_fopen (stderr_path, "wb");
  pass_stderr_through (g_subprocess_get_stderr_pipe (child), capture);
  fclose (capture);
  g_subprocess_wait (child, NULL, NULL);
  signal (SIGINT, previous_int);

  if (g_subprocess_get_if_exited (child))
    exit_status = g_subprocess_get_exit_status (child);
  else
    exit_status = 128 + g_subprocess_get_term_sig (child);

  status = AGVIZ_EXIT_OK;
  if (agviz_importer_detect_format (dump_dir, NULL) != AGVIZ_SOURCE_FORMAT_TFDBG_DUMP)
    fprintf (stderr, "agviz: the program wrote no tfdbg2 dump (did it import TensorFlow?); "
             "nothing to import\n");
  else
    {
      recorder = agviz_recorder_open (output, &error);
      if (recorder == NULL)
        status = agviz_cli_fail (error);
      else
        {
          importer = agviz_importer_new (recorder);
          agviz_importer_set_error_log (importer, stderr_path);
          if (!agviz_importer_import (importer, dump_dir, &error) ||
              !agviz_recorder_close (recorder, &error))
            status = agviz_cli_fail (error);
          else
            {
              const AgvizImportStats *stats = agviz_importer_get_stats (importer);
              g_autofree char *nodes = agviz_cli_format_count ((gint64) stats->nodes);
              g_autofree char *executions = agviz_cli_format_count ((gint64) stats->executions);

              fprintf (stderr, "agviz: recorded %" G_GUINT64_FORMAT " traces, %s nodes, %s "
                       "executions into %s\n", stats->traces, nodes, executions, output);
            }
        }
    }

  if (keep_dump == NULL)
    remove_tree (work);
  else
    {
      g_remove (hook_file);
      g_rmdir (hook_dir);
      g_remove (stderr_path);
      g_rmdir (work);
    }
  return exit_status != 0 ? exit_status : status;
}
