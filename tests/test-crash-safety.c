/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-crash-safety.c: a recorder killed at any moment leaves a file whose ended traces are all
 * complete, and readers can open the file while a recorder writes it
 *
 * A child process records traces whose content follows from their signature ("nodes=N"), so the
 * parent can check every trace it sees without knowing when the child died.  The number of kills
 * is 200 unless AGVIZ_CRASH_ITERATIONS says otherwise.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agviz-core.h"

#define FRAMES_PER_STACK 3

static void
node_name (char *buffer,
           gsize size,
           int   i)
{
  g_snprintf (buffer, size, "model/block_%d/layer_%d/op_%d", i % 4, i % 3, i);
}

static int
expected_edges (int n_nodes)
{
  int edges = 0;

  for (int i = 1; i < n_nodes; i++)
    edges += (i % 5 == 0) ? 2 : 1;
  return edges;
}

/* Records traces until @max_traces (or forever with -1), sleeping @pause_usec between them. */
static void G_GNUC_NORETURN
record_in_child (const char *path,
                 int         max_traces,
                 gulong      pause_usec)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (path, &error);
  gint64 file, fn, frames[FRAMES_PER_STACK], stack;

  if (recorder == NULL)
    {
      g_printerr ("child: %s\n", error->message);
      _exit (3);
    }
  file = agviz_recorder_add_file (recorder, NULL, "/src/train.py", &error);
  for (int f = 0; f < FRAMES_PER_STACK; f++)
    frames[f] = agviz_recorder_add_frame (recorder, file, 10 + f, 0, "train", &error);
  stack = agviz_recorder_add_stack (recorder, frames, FRAMES_PER_STACK, &error);
  fn = agviz_recorder_add_function (recorder, "train_step", file, 10, &error);
  if (error != NULL)
    _exit (4);

  for (int k = 0; max_traces < 0 || k < max_traces; k++)
    {
      int n_nodes = 10 + g_random_int_range (0, 60);
      g_autofree char *graph = g_strdup_printf ("__inference_train_step_%d_%d", (int) getpid (), k);
      g_autofree char *signature = g_strdup_printf ("nodes=%d", n_nodes);
      gint64 trace, first = 0, previous = 0;
      AgvizExecution execution = { 0 };

      trace = agviz_recorder_begin_trace (recorder, fn, graph, signature, "crash test", &error);
      for (int i = 0; i < n_nodes && error == NULL; i++)
        {
          char name[128];
          gint64 node;

          node_name (name, sizeof name, i);
          node = agviz_recorder_add_node (recorder, trace, name, i % 2 ? "MatMul" : "Relu", NULL,
                                          NULL, stack, &error);
          if (i == 0)
            first = node;
          else
            {
              agviz_recorder_add_edge (recorder, trace, previous, 0, node, 0, &error);
              if (i % 5 == 0 && error == NULL)
                agviz_recorder_add_edge (recorder, trace, first, -1, node, 1, &error);
            }
          previous = node;
        }
      if (error == NULL)
        agviz_recorder_end_trace (recorder, trace, AGVIZ_TRACE_STATUS_COMPLETE, n_nodes, &error);
      execution.trace_id = trace;
      execution.duration_ns = n_nodes;
      if (error == NULL)
        agviz_recorder_add_execution (recorder, &execution, &error);
      if (error != NULL)
        {
          g_printerr ("child: %s\n", error->message);
          _exit (5);
        }
      if (pause_usec > 0)
        g_usleep (pause_usec);
    }

  agviz_recorder_close (recorder, NULL);
  /* _exit skips the autoptr cleanups: free here so valgrind sees no leak in the child. */
  g_clear_object (&recorder);
  g_clear_error (&error);
  _exit (0);
}

/* Checks every trace with id > *verified_up_to; returns how many complete traces there are. */
static guint
verify_file (const char *path,
             gint64     *verified_up_to,
             gboolean    check_integrity)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_autoptr(GPtrArray) functions = NULL;
  g_autoptr(GPtrArray) executions = NULL;
  gint64 newest = *verified_up_to;
  guint complete = 0;

  g_assert_no_error (error);
  if (check_integrity)
    {
      agviz_store_check_integrity (store, &error);
      g_assert_no_error (error);
    }

  functions = agviz_store_list_functions (store, &error);
  g_assert_no_error (error);
  for (guint f = 0; f < functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (functions, f);

      for (guint t = 0; t < function->traces->len; t++)
        {
          AgvizTrace *trace = g_ptr_array_index (function->traces, t);
          int n_nodes;

          /* Nothing half-written is ever visible: only ended traces are committed. */
          g_assert_cmpint (trace->status, ==, AGVIZ_TRACE_STATUS_COMPLETE);
          complete++;
          if (trace->id <= *verified_up_to)
            continue;
          newest = MAX (newest, trace->id);

          g_assert_true (g_str_has_prefix (trace->signature, "nodes="));
          n_nodes = atoi (trace->signature + strlen ("nodes="));
          g_assert_cmpint (trace->node_count, ==, n_nodes);
          g_assert_cmpint (trace->edge_count, ==, expected_edges (n_nodes));
          g_assert_cmpint (trace->wall_ns, ==, n_nodes);

          for (int i = 0; i < n_nodes; i++)
            {
              char name[128];
              g_autoptr(AgvizNode) node = NULL;
              g_autoptr(GArray) inputs = NULL;
              g_autoptr(GPtrArray) frames = NULL;

              node_name (name, sizeof name, i);
              node = agviz_store_find_node (store, trace->id, name, &error);
              g_assert_no_error (error);
              g_assert_cmpstr (node->op_type, ==, i % 2 ? "MatMul" : "Relu");
              g_assert_true (agviz_store_list_node_edges (store, node->id, &inputs, NULL, &error));
              g_assert_cmpuint (inputs->len, ==, i == 0 ? 0 : (i % 5 == 0 ? 2 : 1));
              if (i == 7)
                {
                  frames = agviz_store_get_stack (store, node->stack_id, &error);
                  g_assert_no_error (error);
                  g_assert_cmpuint (frames->len, ==, FRAMES_PER_STACK);
                }
            }
        }
    }

  /* Every execution refers to a trace that is there. */
  executions = agviz_store_list_executions (store, 0, 0, G_MAXUINT, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < executions->len; i++)
    {
      AgvizExecution *execution = g_ptr_array_index (executions, i);
      g_autoptr(AgvizTrace) trace = agviz_store_get_trace (store, execution->trace_id, &error);

      g_assert_no_error (error);
      g_assert_cmpint (trace->node_count, ==, execution->duration_ns);
    }

  *verified_up_to = newest;
  return complete;
}

static void
remove_leftovers (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *file = g_build_filename (dir, name, NULL);
      g_remove (file);
    }
}

static gulong
time_to_record (const char *dir,
                int         n_traces)
{
  g_autofree char *path = g_build_filename (dir, "calibrate.db", NULL);
  gint64 start = g_get_monotonic_time ();
  int status;
  pid_t child = fork ();

  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    record_in_child (path, n_traces, 0);
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  agviz_trace_file_remove (path);
  return MAX (g_get_monotonic_time () - start, 10000);
}

static void
test_kill_at_random_points (void)
{
  const char *iterations_text = g_getenv ("AGVIZ_CRASH_ITERATIONS");
  int iterations = iterations_text != NULL ? atoi (iterations_text) : 200;
  g_autofree char *dir = g_dir_make_tmp ("agviz-crash-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "graph.db", NULL);
  gint64 verified_up_to = 0;
  guint complete = 0, kills_before_any_trace = 0;
  gulong max_delay_usec;

  g_assert_nonnull (dir);

  /* Under valgrind every killed child is a whole, slow valgrind process: fewer kills. */
  if (g_getenv ("AGVIZ_UNDER_VALGRIND") != NULL)
    iterations = MIN (iterations, 6);

  /* Kill within twice the time a child needs to open the file and record 10 traces, so the
   * kills land everywhere from file creation to mid-stream, in any build (ASan, valgrind). */
  max_delay_usec = 2 * time_to_record (dir, 10);

  for (int iteration = 0; iteration < iterations; iteration++)
    {
      pid_t child;
      int status;
      guint seen;

      /* A fresh file now and then, so creation itself is killed too and the file stays small. */
      if (iteration % 25 == 0)
        {
          agviz_trace_file_remove (path);
          verified_up_to = 0;
        }

      child = fork ();
      g_assert_cmpint (child, >=, 0);
      if (child == 0)
        record_in_child (path, -1, 0);

      g_usleep (g_random_int_range (0, max_delay_usec));
      kill (child, SIGKILL);
      g_assert_cmpint (waitpid (child, &status, 0), ==, child);
      if (!WIFSIGNALED (status))
        g_error ("the recording child exited by itself (status %d)", status);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          kills_before_any_trace++;
          continue;
        }
      seen = verify_file (path, &verified_up_to, iteration % 10 == 9);
      complete += seen;
    }

  g_test_message ("%d kills within %lu us, %u complete traces seen over all checks, "
                  "%u kills before the file existed", iterations, max_delay_usec, complete,
                  kills_before_any_trace);
  g_assert_cmpuint (complete, >, 0);
  remove_leftovers (dir);
  g_rmdir (dir);
}

static void
test_reader_while_recording (void)
{
  g_autofree char *dir = g_dir_make_tmp ("agviz-concurrent-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "graph.db", NULL);
  const int n_traces = g_getenv ("AGVIZ_UNDER_VALGRIND") != NULL ? 20 : 150;
  gint64 verified_up_to = 0;
  guint reads = 0, last_seen = 0;
  pid_t child;
  int status;

  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    record_in_child (path, n_traces, 2000);

  /* Read as often as possible while the child writes: every look must be consistent. */
  while (waitpid (child, &status, WNOHANG) == 0)
    {
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        {
          guint seen = verify_file (path, &verified_up_to, FALSE);

          g_assert_cmpuint (seen, >=, last_seen);
          last_seen = seen;
          reads++;
        }
      g_usleep (1000);
    }
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_cmpuint (verify_file (path, &verified_up_to, TRUE), ==, n_traces);
  g_test_message ("%u consistent reads while recording", reads);
  g_assert_cmpuint (reads, >, 1);

  remove_leftovers (dir);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/agviz/recorder/crash/kill-at-random-points", test_kill_at_random_points);
  g_test_add_func ("/agviz/recorder/crash/reader-while-recording", test_reader_while_recording);

  return g_test_run ();
}
