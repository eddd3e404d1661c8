/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-cli-record.c: `agviz record [-o FILE] -- python3 train.py ARGS...`
 *
 * Runs a program with tfdbg2 dumping switched on without editing it: a sitecustomize.py on
 * PYTHONPATH waits for the program to import TensorFlow and then calls
 * tf.debugging.experimental.enable_dump_debug_info into a temporary folder.  The program's
 * output passes through; its stderr is also captured (tracebacks, retracing and AutoGraph
 * warnings are stored as errors and events).  When it exits, crashed or not, the dump is
 * imported and agviz exits with the program's status.
 *
 * The hook (agviz-record-hook.py, compiled in as a resource) also writes, for each tf.function
 * trace, what TensorFlow knows and tfdbg2 does not write (input signature, tracing count, the
 * Python function and Function object) as JSON lines into agviz-hook.jsonl inside the dump.
 *
 * SIGINT, SIGTERM and SIGHUP sent to agviz are passed on to the program; agviz then waits for
 * it, imports what the dump holds, removes its temporary folder and exits with the program's
 * status (128 + N for a program killed by signal N).
 */
#define G_LOG_DOMAIN "agviz-record"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "agviz-cli.h"
#include "agviz-core.h"
#include "agviz-importer.h"

#define HOOK_RESOURCE "/org/agviz/Agviz/cli/agviz-record-hook.py"
#define TORCH_HOOK_RESOURCE "/org/agviz/Agviz/cli/agviz-record-hook-torch.py"
/* The torch hook's module name: the TensorFlow hook imports it from beside itself. */
#define TORCH_HOOK_NAME "agviz_record_torch.py"
/* The JAX hook, loaded the same way: once the program imports jax it writes the StableHLO dumps
 * and the cache-miss and compile log into DUMP_DIR/jax, imported as one source (a JAX dump
 * folder, src/import/jax) beside everything else. */
#define JAX_HOOK_RESOURCE "/org/agviz/Agviz/cli/agviz-record-hook-jax.py"
#define JAX_HOOK_NAME "agviz_record_hook_jax.py"
#define HOOK_LOG_NAME "agviz-hook.jsonl"

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

/* The running program, while agviz may still signal it: set once it is spawned, cleared
 * while it is a zombie (a zombie's pid cannot be reused) before it is reaped. */
static volatile sig_atomic_t forward_pid;
static volatile sig_atomic_t received_signal;

static const int forwarded_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void
forward_signal (int        signo,
                siginfo_t *info,
                void      *unused)
{
  int saved_errno = errno;

  received_signal = signo;
  /* Ctrl-C and a hangup from the terminal reach the whole foreground process group, the
   * program included (si_code > 0: sent by the kernel); passing them on would interrupt it
   * twice.  What a process sent to agviz alone (kill, timeout, a CI runner) is passed on. */
  if (info->si_code <= 0 && forward_pid > 0)
    kill (forward_pid, signo);
  errno = saved_errno;
}

/* Installs forward_signal() for each forwarded signal that agviz does not ignore: a shell
 * that started agviz with SIGINT ignored (a background job) meant the program to ignore it
 * too, and it inherits that. */
static void
catch_signals (struct sigaction *previous)
{
  struct sigaction action = { 0 };

  action.sa_sigaction = forward_signal;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset (&action.sa_mask);
  for (guint i = 0; i < G_N_ELEMENTS (forwarded_signals); i++)
    {
      sigaction (forwarded_signals[i], NULL, &previous[i]);
      if (previous[i].sa_handler != SIG_IGN)
        sigaction (forwarded_signals[i], &action, NULL);
    }
}

static void
restore_signals (const struct sigaction *previous)
{
  for (guint i = 0; i < G_N_ELEMENTS (forwarded_signals); i++)
    sigaction (forwarded_signals[i], &previous[i], NULL);
}

/* Copies the child's stderr to ours and to @capture until it closes. */
static void
pass_stderr_through (int   fd,
                     FILE *capture)
{
  char buffer[8192];
  gssize n;

  for (;;)
    {
      n = read (fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      fwrite (buffer, 1, n, stderr);
      fflush (stderr);
      if (capture != NULL)
        fwrite (buffer, 1, n, capture);
    }
}

/* Waits for @pid to end and returns its status the shell's way: the exit code, or 128 + N
 * when signal N killed it. */
static int
wait_for_program (GPid pid)
{
  siginfo_t info = { 0 };
  int status;

  while (waitid (P_PID, pid, &info, WEXITED | WNOWAIT) < 0 && errno == EINTR)
    ;
  forward_pid = 0;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return AGVIZ_EXIT_FAILURE;
}

static char *
hook_text (const char  *resource,
           GError     **error)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data (resource,
                                                     G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  gsize size;
  const char *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &size);
  return g_strndup (data, size);
}

/* Writes the hook module @name (the resource @resource) beside sitecustomize.py in @hook_dir. */
static gboolean
write_hook_module (const char  *hook_dir,
                   const char  *resource,
                   const char  *name,
                   GError     **error)
{
  g_autofree char *text = hook_text (resource, error);
  g_autofree char *file = NULL;

  if (text == NULL)
    return FALSE;
  file = g_build_filename (hook_dir, name, NULL);
  return g_file_set_contents (file, text, -1, error);
}

/* PyTorch: TORCH_TRACE (read by torch when it is imported) goes into @torch_dir/trace and the
 * torch hook, imported by the TensorFlow one, writes its logs beside it.  Costs nothing in a
 * program that never imports torch. */
static gboolean
prepare_torch (const char   *hook_dir,
               const char   *torch_dir,
               GStrv        *environment,
               GError      **error)
{
  g_autofree char *trace_dir = g_build_filename (torch_dir, "trace", NULL);

  g_mkdir_with_parents (trace_dir, 0700);
  if (!write_hook_module (hook_dir, TORCH_HOOK_RESOURCE, TORCH_HOOK_NAME, error))
    return FALSE;
  *environment = g_environ_setenv (*environment, "AGVIZ_TORCH_DIR", torch_dir, TRUE);
  *environment = g_environ_setenv (*environment, "TORCH_TRACE", trace_dir, TRUE);
  return TRUE;
}

static void
add_if_importable (GPtrArray  *sources,
                   const char *path)
{
  if (g_file_test (path, G_FILE_TEST_EXISTS) &&
      agviz_importer_detect_format (path, NULL) != AGVIZ_SOURCE_FORMAT_UNKNOWN)
    g_ptr_array_add (sources, g_strdup (path));
}

/* Whether torch wrote TORCH_TRACE logs: the program compiled something. */
static gboolean
torch_compiled (const char *torch_dir)
{
  g_autofree char *trace_dir = g_build_filename (torch_dir, "trace", NULL);
  g_autoptr(GDir) dir = g_dir_open (trace_dir, 0, NULL);

  return dir != NULL && g_dir_read_name (dir) != NULL;
}

/* What a torch program left in @torch_dir, for @sources: its TORCH_TRACE logs when a backend
 * reads them, else the recompile and graph-break logs the hook captured (the same events with
 * less around them: never both, or every event would count twice), and its TracerWarnings. */
static void
add_torch_sources (const char *torch_dir,
                   GPtrArray  *sources)
{
  g_autofree char *trace_dir = g_build_filename (torch_dir, "trace", NULL);
  g_autofree char *logs = g_build_filename (torch_dir, "torch-logs.txt", NULL);
  g_autofree char *tracer_warnings = g_build_filename (torch_dir, "torch-warnings.txt", NULL);
  g_autoptr(GDir) dir = g_dir_open (trace_dir, 0, NULL);
  guint before = sources->len;
  const char *name;

  if (agviz_importer_detect_format (trace_dir, NULL) != AGVIZ_SOURCE_FORMAT_UNKNOWN)
    g_ptr_array_add (sources, g_strdup (trace_dir));
  else
    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (trace_dir, name, NULL);
        add_if_importable (sources, child);
      }
  if (sources->len == before)
    add_if_importable (sources, logs);
  add_if_importable (sources, tracer_warnings);
}

int
agviz_cli_record (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = NULL;
  g_autoptr(AgvizImporter) importer = NULL;
  g_autofree char *output = NULL;
  g_autofree char *mode = NULL;
  g_autofree char *keep_dump = NULL;
  g_autofree char *work = NULL;
  g_autofree char *hook_dir = NULL;
  g_autofree char *hook_file = NULL;
  g_autofree char *hook = NULL;
  g_autofree char *hook_log = NULL;
  g_autofree char *dump_dir = NULL;
  g_autofree char *stderr_path = NULL;
  g_autofree char *python_path = NULL;
  g_autofree char *buffer_text = NULL;
  g_autofree char *torch_dir = NULL;
  g_autofree char *jax_dir = NULL;
  g_autofree char *torch_graphs = NULL;
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) command = NULL;
  g_auto(GStrv) environment = NULL;
  struct sigaction previous[G_N_ELEMENTS (forwarded_signals)];
  gint buffer_size = 1000;
  int status, exit_status, stderr_fd = -1, torch_all_graphs;
  GPid pid = 0;
  FILE *capture;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Trace file to write or append to "
      "(default: agviz-record.db)", "FILE" },
    { "tensor-debug-mode", 0, 0, G_OPTION_ARG_STRING, &mode, "tfdbg2 tensor debug mode: "
      "NO_TENSOR, CURT_HEALTH, CONCISE_HEALTH, FULL_HEALTH (default), SHAPE, FULL_TENSOR",
      "MODE" },
    { "buffer-size", 0, 0, G_OPTION_ARG_INT, &buffer_size, "tfdbg2 circular buffer size "
      "(executions kept; -1: all; default 1000)", "N" },
    { "keep-dump", 0, 0, G_OPTION_ARG_FILENAME, &keep_dump, "Write the tfdbg2 dump into DIR "
      "and keep it (with the hook's " HOOK_LOG_NAME ")", "DIR" },
    { "torch-graphs", 0, 0, G_OPTION_ARG_STRING, &torch_graphs, AGVIZ_CLI_TORCH_GRAPHS_HELP,
      "WHICH" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &command, NULL,
      "-- PROGRAM [ARG...]" },
    { NULL }
  };

  context = g_option_context_new ("-- PROGRAM [ARG...]");
  g_option_context_set_summary (context,
    "Runs a Python program with TensorFlow's tfdbg2 dumping, torch.compile's TORCH_TRACE and\n"
    "JAX's IR dumps and cache-miss explanations switched on (no edits to the program), passes\n"
    "its output through, and imports what they wrote when it exits, also when it crashed or\n"
    "was interrupted. SIGINT, SIGTERM and SIGHUP sent to agviz go to the program.\n"
    "agviz exits with the program's status (128 + N when signal N ended it).");
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
  torch_all_graphs = agviz_cli_torch_all_graphs (torch_graphs);
  if (torch_all_graphs < 0)
    return AGVIZ_EXIT_USAGE;

  hook = hook_text (HOOK_RESOURCE, &error);
  if (hook == NULL)
    return agviz_cli_fail (error);
  work = g_dir_make_tmp ("agviz-record-XXXXXX", &error);
  if (work == NULL)
    return agviz_cli_fail (error);
  hook_dir = g_build_filename (work, "hook", NULL);
  hook_file = g_build_filename (hook_dir, "sitecustomize.py", NULL);
  dump_dir = keep_dump != NULL ? g_strdup (keep_dump) : g_build_filename (work, "dump", NULL);
  hook_log = g_build_filename (dump_dir, HOOK_LOG_NAME, NULL);
  stderr_path = g_build_filename (work, "stderr.txt", NULL);
  g_mkdir_with_parents (hook_dir, 0700);
  g_mkdir_with_parents (dump_dir, 0700);
  /* The first process to create the log owns the dump: one left by an earlier run into the
   * same --keep-dump folder would keep this run's program from recording. */
  g_remove (hook_log);
  if (!g_file_set_contents (hook_file, hook, -1, &error) ||
      !write_hook_module (hook_dir, JAX_HOOK_RESOURCE, JAX_HOOK_NAME, &error))
    {
      remove_tree (work);
      return agviz_cli_fail (error);
    }

  python_path = g_getenv ("PYTHONPATH") != NULL && *g_getenv ("PYTHONPATH") != '\0'
                  ? g_strconcat (hook_dir, G_SEARCHPATH_SEPARATOR_S, g_getenv ("PYTHONPATH"), NULL)
                  : g_strdup (hook_dir);
  buffer_text = g_strdup_printf ("%d", buffer_size);
  environment = g_get_environ ();
  environment = g_environ_setenv (environment, "PYTHONPATH", python_path, TRUE);
  environment = g_environ_setenv (environment, "AGVIZ_DUMP_DIR", dump_dir, TRUE);
  environment = g_environ_setenv (environment, "AGVIZ_HOOK_LOG", hook_log, TRUE);
  environment = g_environ_setenv (environment, "AGVIZ_TENSOR_DEBUG_MODE", mode, TRUE);
  environment = g_environ_setenv (environment, "AGVIZ_CIRCULAR_BUFFER_SIZE", buffer_text, TRUE);
  torch_dir = g_build_filename (work, "torch", NULL);
  jax_dir = g_build_filename (dump_dir, "jax", NULL);
  if (!prepare_torch (hook_dir, torch_dir, &environment, &error))
    {
      remove_tree (work);
      return agviz_cli_fail (error);
    }

  /* Caught before the program exists, so that no signal in between ends agviz and leaves
   * the temporary folder behind; one that came in that moment is passed on below. */
  received_signal = 0;
  catch_signals (previous);
  if (!g_spawn_async_with_pipes (NULL, command, environment,
                                 G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                                 G_SPAWN_CHILD_INHERITS_STDIN,
                                 NULL, NULL, &pid, NULL, NULL, &stderr_fd, &error))
    {
      restore_signals (previous);
      remove_tree (work);
      return agviz_cli_fail (error);
    }
  forward_pid = pid;
  if (received_signal != 0)
    kill (pid, received_signal);

  capture = g_fopen (stderr_path, "wb");
  pass_stderr_through (stderr_fd, capture);
  if (capture != NULL)
    fclose (capture);
  close (stderr_fd);
  exit_status = wait_for_program (pid);

  /* Signals now only wait for the import to end: it writes the trace in one transaction and
   * the temporary folder is removed after it. */
  status = AGVIZ_EXIT_OK;
  if (agviz_importer_detect_format (dump_dir, NULL) == AGVIZ_SOURCE_FORMAT_TFDBG_DUMP)
    g_ptr_array_add (sources, g_strdup (dump_dir));
  add_torch_sources (torch_dir, sources);
  add_if_importable (sources, jax_dir);
  /* A torch.compile error the program died of, with nothing else recorded: its stderr is the
   * source (the error is stored from the error log, as with any source). */
  if (sources->len == 0 && torch_compiled (torch_dir))
    add_if_importable (sources, stderr_path);
  if (sources->len == 0 && torch_compiled (torch_dir))
    {
      /* torch.compile ran without a recompile, graph break or warning, and no backend of this
       * build reads its TORCH_TRACE logs: an empty recording, which is the truth. */
      fprintf (stderr, "agviz: nothing recorded: torch.compile ran without recompiles, graph "
               "breaks or warnings\n");
      recorder = agviz_recorder_open (output, &error);
      if (recorder == NULL || !agviz_recorder_close (recorder, &error))
        status = agviz_cli_fail (error);
    }
  else if (sources->len == 0)
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
          /* The captured stderr goes with the first source: its errors are stored once. */
          agviz_importer_set_error_log (importer, stderr_path);
          /* The program has ended; importing is all this process does now. */
          agviz_importer_set_tune_heap (importer, TRUE);
          agviz_importer_set_torch_all_graphs (importer, torch_all_graphs == 1);
          for (guint i = 0; i < sources->len && error == NULL; i++)
            {
              if (!agviz_importer_import (importer, g_ptr_array_index (sources, i), &error) &&
                  g_error_matches (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING))
                {
                  /* A program that traced nothing (TF1 graph mode stops dumping) ran as it
                   * should: its status stands. */
                  fprintf (stderr, "agviz: nothing recorded: %s\n", error->message);
                  g_clear_error (&error);
                }
              agviz_importer_set_error_log (importer, NULL);
            }
          if (error != NULL || !agviz_recorder_close (recorder, &error))
            status = agviz_cli_fail (error);
          else if (agviz_importer_get_stats (importer)->traces > 0 ||
                   agviz_importer_get_stats (importer)->bytes > 0)
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
  restore_signals (previous);
  return exit_status != 0 ? exit_status : status;
}
