/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-import-crash.c: `agviz import` killed at any moment leaves a file that opens, passes
 * SQLite's integrity check and holds the traces it held before plus a whole prefix of the sources:
 * each source is there completely or not at all
 *
 * The sources are imported once without interruption, one by one, and the file's content after
 * each is remembered (functions, traces with their node and edge counts counted row by row,
 * metadata, executions, errors).  Then `agviz import` of all of them into a copy of a file that
 * already holds traces is killed with SIGKILL at random moments within the time one whole import
 * takes, and what is left must equal one of those states.  --replace runs are killed too: the old
 * file must stay exactly as it was, or be the complete new one.
 *
 * 300 kills (AGVIZ_CRASH_ITERATIONS), 40 under ASan, 6 under valgrind.
 */
#include "config.h"

#include "agviz-core.h"
#include "../hardening-util.h"

#define N_BIG_NODES 20000

typedef struct
{
  char       *dir;
  char       *base;          /* a trace file with traces in it before any import */
  char       *work;          /* what the killed imports write */
  GPtrArray  *sources;
  GPtrArray  *states;        /* state k: base + sources[0..k) (element-type utf8) */
  char       *fresh_state;   /* --replace: the sources alone */
} ImportFixture;

static gboolean
count_node (const AgvizNodeRow *row,
            gpointer            user_data)
{
  (*(guint64 *) user_data)++;
  return TRUE;
}

static gboolean
count_edge (const AgvizEdge *edge,
            gpointer         user_data)
{
  (*(guint64 *) user_data)++;
  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* What a file holds, as text that two equal files share: every trace with the nodes and edges
 * counted from their rows (not just the counts stored in the trace row), the metadata, and the
 * numbers of executions and errors.  Asserts the file opens and, with @check, its integrity. */
static char *
describe_file (const char *path,
               gboolean    check)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_autoptr(GPtrArray) functions = NULL;
  g_autoptr(GPtrArray) executions = NULL;
  g_autoptr(GPtrArray) errors = NULL;
  g_autoptr(GHashTable) metadata = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) text = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key, value;

  g_assert_no_error (error);
  if (check)
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
          guint64 nodes = 0, edges = 0;

          /* Nothing half-written: an import writes only ended traces. */
          g_assert_cmpint (trace->status, !=, AGVIZ_TRACE_STATUS_RECORDING);
          agviz_store_foreach_trace_node (store, trace->id, count_node, &nodes, &error);
          g_assert_no_error (error);
          agviz_store_foreach_trace_edge (store, trace->id, count_edge, &edges, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (nodes, ==, (guint64) trace->node_count);
          g_assert_cmpuint (edges, ==, (guint64) trace->edge_count);
          g_ptr_array_add (lines, g_strdup_printf ("trace %s #%d %s: %" G_GUINT64_FORMAT
                                                   " nodes, %" G_GUINT64_FORMAT " edges",
                                                   function->name, trace->ordinal,
                                                   trace->graph_name, nodes, edges));
        }
    }
  metadata = agviz_store_list_metadata (store, &error);
  g_assert_no_error (error);
  g_hash_table_iter_init (&iter, metadata);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_ptr_array_add (lines, g_strdup_printf ("metadata %s=%s", (char *) key, (char *) value));
  executions = agviz_store_list_executions (store, 0, 0, G_MAXUINT, &error);
  g_assert_no_error (error);
  errors = agviz_store_list_errors (store, &error);
  g_assert_no_error (error);
  g_ptr_array_add (lines, g_strdup_printf ("%u executions, %u errors", executions->len, errors->len));

  g_ptr_array_sort (lines, compare_strings);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (text, "%s\n", (char *) g_ptr_array_index (lines, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* A text GraphDef of @n_nodes in a chain through nested scopes. */
static char *
write_big_graph (const char *dir,
                 const char *name,
                 guint       n_nodes)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  for (guint i = 0; i < n_nodes; i++)
    {
      g_string_append_printf (text, "node { name: \"%s/block_%u/layer_%u/op_%u\" op: \"%s\"",
                              name, i / 1000, (i / 50) % 20, i, i % 3 ? "MatMul" : "Relu");
      if (i > 0)
        g_string_append_printf (text, " input: \"%s/block_%u/layer_%u/op_%u\"", name,
                                (i - 1) / 1000, ((i - 1) / 50) % 20, i - 1);
      g_string_append (text, " }\n");
    }
  g_file_set_contents (path, text->str, text->len, &error);
  g_assert_no_error (error);
  return path;
}

static void
reset_work_file (ImportFixture *fx)
{
  agviz_trace_file_remove (fx->work);
  copy_file_or_die (fx->base, fx->work);
}

/* Starts `agviz import -q SOURCES -o WORK [--replace]` without waiting for it. */
static GPid
start_import (ImportFixture *fx,
              gboolean       replace)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GPid pid;

  g_ptr_array_add (argv, (gpointer) g_getenv ("AGVIZ"));
  g_ptr_array_add (argv, (gpointer) "import");
  g_ptr_array_add (argv, (gpointer) "-q");
  if (replace)
    g_ptr_array_add (argv, (gpointer) "--replace");
  for (guint i = 0; i < fx->sources->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (fx->sources, i));
  g_ptr_array_add (argv, (gpointer) "-o");
  g_ptr_array_add (argv, fx->work);
  g_ptr_array_add (argv, NULL);
  g_spawn_async (NULL, (char **) argv->pdata, NULL,
                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                 NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  return pid;
}

static void
fixture_setup (ImportFixture *fx)
{
  g_autofree char *fixtures = NULL;
  const char *writer = g_getenv ("AGVIZ_WRITE_TF_FIXTURES");
  const char *example = g_getenv ("AGVIZ_EXAMPLE_TRACE");
  g_autoptr(GError) error = NULL;
  const char *small_sources[] = {
    "saved_model/demo_module", "events/logdir", "tfdbg/ok", "graphdef/demo.pbtxt",
  };
  /* The sanitizer build's agviz imports several times slower: smaller sources, same shape. */
  guint big_nodes = running_under_asan () ? N_BIG_NODES / 4 : N_BIG_NODES;
  int status;

  fx->dir = g_dir_make_tmp ("agviz-import-crash-XXXXXX", &error);
  g_assert_no_error (error);
  fixtures = g_build_filename (fx->dir, "tf", NULL);
  {
    const char *argv[] = { writer, fixtures, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                  &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  fx->base = g_build_filename (fx->dir, "base.db", NULL);
  fx->work = g_build_filename (fx->dir, "work.db", NULL);
  copy_file_or_die (example, fx->base);

  /* Big sources first and last, small ones of every kind between: kills land in all of them. */
  fx->sources = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (fx->sources, write_big_graph (fx->dir, "first", big_nodes));
  for (guint i = 0; i < G_N_ELEMENTS (small_sources); i++)
    g_ptr_array_add (fx->sources, g_build_filename (fixtures, small_sources[i], NULL));
  g_ptr_array_add (fx->sources, write_big_graph (fx->dir, "last", big_nodes));

  /* The states after each source, imported one at a time without interruption. */
  fx->states = g_ptr_array_new_with_free_func (g_free);
  reset_work_file (fx);
  g_ptr_array_add (fx->states, describe_file (fx->work, TRUE));
  for (guint i = 0; i < fx->sources->len; i++)
    {
      g_auto(AgvizRun) run = { 0 };

      agviz_run (&run, "import", "-q", g_ptr_array_index (fx->sources, i), "-o", fx->work, NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_ptr_array_add (fx->states, describe_file (fx->work, TRUE));
      /* Every source adds something, so the states tell how far an import got. */
      g_assert_cmpstr (g_ptr_array_index (fx->states, i), !=, g_ptr_array_index (fx->states, i + 1));
    }
  agviz_trace_file_remove (fx->work);
  for (guint i = 0; i < fx->sources->len; i++)
    {
      g_auto(AgvizRun) run = { 0 };

      agviz_run (&run, "import", "-q", g_ptr_array_index (fx->sources, i), "-o", fx->work, NULL);
      g_assert_cmpint (run.status, ==, 0);
    }
  fx->fresh_state = describe_file (fx->work, TRUE);
}

static void
fixture_teardown (ImportFixture *fx)
{
  g_autofree char *fixtures = g_build_filename (fx->dir, "tf", NULL);
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", fx->dir);

  /* The fixture tree is nested; the test made all of it inside its own temporary folder. */
  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
  g_ptr_array_unref (fx->sources);
  g_ptr_array_unref (fx->states);
  g_free (fx->fresh_state);
  g_free (fx->base);
  g_free (fx->work);
  g_free (fx->dir);
}

/* Which state @description is, or -1. */
static int
find_state (ImportFixture *fx,
            const char    *description)
{
  for (guint k = 0; k < fx->states->len; k++)
    if (g_str_equal (description, g_ptr_array_index (fx->states, k)))
      return (int) k;
  return -1;
}

static void
test_kill_import (void)
{
  ImportFixture fx = { 0 };
  int iterations = hardening_iterations (300, 40, 6);
  g_autofree guint *seen = NULL;
  guint replaced_whole = 0, replaced_untouched = 0, finished = 0;
  gint64 start;
  gulong window_usec;
  g_autoptr(GString) histogram = g_string_new (NULL);

  if (!agviz_have_binary () || g_getenv ("AGVIZ_WRITE_TF_FIXTURES") == NULL ||
      g_getenv ("AGVIZ_EXAMPLE_TRACE") == NULL)
    {
      g_test_skip ("needs AGVIZ, AGVIZ_WRITE_TF_FIXTURES and AGVIZ_EXAMPLE_TRACE");
      return;
    }
  fixture_setup (&fx);
  seen = g_new0 (guint, fx.states->len);

  /* The window: how long one uninterrupted import of everything takes, in this build. */
  reset_work_file (&fx);
  start = g_get_monotonic_time ();
  {
    GPid pid = start_import (&fx, FALSE);
    int status;

    g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  }
  window_usec = MAX (g_get_monotonic_time () - start, 1000);
  {
    g_autofree char *description = describe_file (fx.work, TRUE);

    g_assert_cmpint (find_state (&fx, description), ==, (int) fx.sources->len);
  }

  for (int iteration = 0; iteration < iterations; iteration++)
    {
      /* Every fourth run replaces the file instead of appending to it. */
      gboolean replace = iteration % 4 == 3;
      g_autofree char *description = NULL;
      int status, state;
      GPid pid;

      reset_work_file (&fx);
      pid = start_import (&fx, replace);
      g_usleep (g_random_int_range (0, (gint32) MIN (window_usec, G_MAXINT32)));
      kill (pid, SIGKILL);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);
      if (WIFEXITED (status))
        {
          g_assert_cmpint (WEXITSTATUS (status), ==, 0);
          finished++;
        }

      /* The file opens (checked for integrity now and then: it reads every page). */
      description = describe_file (fx.work, iteration % 5 == 0);
      if (replace)
        {
          if (g_str_equal (description, fx.fresh_state))
            replaced_whole++;
          else if (g_str_equal (description, g_ptr_array_index (fx.states, 0)))
            replaced_untouched++;
          else
            g_error ("a killed `agviz import --replace` left neither the old file nor the new "
                     "one:\n%s", description);
          continue;
        }
      state = find_state (&fx, description);
      if (state < 0)
        g_error ("a killed `agviz import` left a partial source:\n%s", description);
      seen[state]++;
    }

  for (guint k = 0; k < fx.states->len; k++)
    g_string_append_printf (histogram, " %u", seen[k]);
  g_test_message ("%d kills within %lu us; appends ending after 0..%u sources:%s; --replace: "
                  "%u old file, %u new file; %u finished before the kill", iterations,
                  window_usec, fx.sources->len, histogram->str, replaced_untouched,
                  replaced_whole, finished);

  /* The kills landed inside the import, not only before or after it. */
  if (iterations >= 100)
    {
      guint between = 0;

      for (guint k = 1; k < fx.states->len - 1; k++)
        between += seen[k];
      g_assert_cmpuint (seen[0], >, 0);
      g_assert_cmpuint (between, >, 0);
    }

  /* Leftovers of killed --replace runs (FILE.db.import-PID) are never taken for the file. */
  fixture_teardown (&fx);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/agviz/import/crash/kill-at-random-points", test_kill_import);

  return g_test_run ();
}
