/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-disk-full.c: a full disk, a read-only folder or file, an output folder that is not there:
 * clear errors naming the file, a non-zero exit, and the existing trace file exactly as it was
 *
 * "Disk full" is RLIMIT_FSIZE in the child (with SIGXFSZ ignored, so writes past the limit fail
 * with EFBIG the way they fail with ENOSPC on a full disk), at several limits below what the
 * write needs.  Read-only cases run the agviz binary as user nobody when the test runs as root
 * (root writes into read-only folders anyway).
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <sys/resource.h>

#include "agviz-core.h"
#include "hardening-util.h"

#define NOBODY 65534

typedef struct
{
  rlim_t   file_size_limit;   /* 0: none */
  gboolean as_nobody;
} ChildLimits;

static void
apply_limits (gpointer user_data)
{
  const ChildLimits *limits = user_data;

  if (limits->file_size_limit > 0)
    {
      struct rlimit limit = { limits->file_size_limit, limits->file_size_limit };

      signal (SIGXFSZ, SIG_IGN);
      if (setrlimit (RLIMIT_FSIZE, &limit) != 0)
        _exit (125);
    }
  if (limits->as_nobody && (setgroups (0, NULL), setgid (NOBODY) != 0 || setuid (NOBODY) != 0))
    _exit (126);
}

/* Runs $AGVIZ ARGS in a child with @limits. */
static void
run_limited (AgvizRun          *run,
             const ChildLimits *limits,
             const char        *first,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list ap;
  int wait_status;

  g_ptr_array_add (argv, (gpointer) g_getenv ("AGVIZ"));
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  agviz_run_clear (run);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, apply_limits,
                (gpointer) limits, &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);
  run->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -WTERMSIG (wait_status);
  g_assert_cmpint (run->status, !=, 125);
  g_assert_cmpint (run->status, !=, 126);
}

/* A failure the way a user should see it: an exit status (no signal, no crash) that is not 0,
 * and a message naming @path. */
static void
assert_clear_failure (const AgvizRun *run,
                      const char     *path)
{
  g_autofree char *base = g_path_get_basename (path);

  g_test_message ("exit %d: %s", run->status, run->err);
  g_assert_cmpint (run->status, >, 0);
  g_assert_cmpint (run->status, <, 64);
  g_assert_nonnull (strstr (run->err, base));
  g_assert_null (strstr (run->err, "CRITICAL"));
  g_assert_null (strstr (run->err, "Sanitizer"));
}

static void
assert_opens_with_hash (const char *path,
                        const char *expected_hash)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_autofree char *hash = NULL;

  g_assert_no_error (error);
  agviz_store_check_integrity (store, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  hash = trace_file_content_hash (path);
  g_assert_cmpstr (hash, ==, expected_hash);
}

/* A GraphDef (20,000 nodes take a few MB in a trace file). */
static char *
write_graph (const char *dir,
             guint       n_nodes)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "big.pbtxt", NULL);

  for (guint i = 0; i < n_nodes; i++)
    {
      g_string_append_printf (text, "node { name: \"big/block_%u/layer_%u/a_rather_long_op_name_%u\" "
                              "op: \"MatMul\"", i / 1000, (i / 50) % 20, i);
      if (i > 0)
        g_string_append_printf (text, " input: \"big/block_%u/layer_%u/a_rather_long_op_name_%u\"",
                                (i - 1) / 1000, ((i - 1) / 50) % 20, i - 1);
      g_string_append (text, " }\n");
    }
  g_file_set_contents (path, text->str, text->len, &error);
  g_assert_no_error (error);
  return path;
}

typedef struct
{
  char *dir;
  char *trace;      /* a copy of the example trace */
  char *hash;       /* its content */
} Fixture;

static gboolean
fixture_setup (Fixture *fx)
{
  g_autoptr(GError) error = NULL;

  if (!agviz_have_binary ())
    return FALSE;
  if (g_getenv ("AGVIZ_EXAMPLE_TRACE") == NULL)
    {
      g_test_skip ("AGVIZ_EXAMPLE_TRACE not set");
      return FALSE;
    }
  fx->dir = g_dir_make_tmp ("agviz-full-XXXXXX", &error);
  g_assert_no_error (error);
  fx->trace = g_build_filename (fx->dir, "trace.db", NULL);
  copy_file_or_die (g_getenv ("AGVIZ_EXAMPLE_TRACE"), fx->trace);
  fx->hash = trace_file_content_hash (fx->trace);
  return TRUE;
}

static void
fixture_teardown (Fixture *fx)
{
  g_chmod (fx->dir, 0700);
  g_chmod (fx->trace, 0600);
  remove_dir_shallow (fx->dir);
  g_free (fx->dir);
  g_free (fx->trace);
  g_free (fx->hash);
}

/* Nothing but @expected_names is left in @dir: no partial outputs, no temporary files. */
static void
assert_dir_holds_only (const char         *dir,
                       const char * const *expected_names)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (!g_strv_contains (expected_names, name))
      g_error ("%s was left behind in %s", name, dir);
}

/* The recorder itself, in a child whose file size limit it hits while committing a trace. */
static void
test_recorder_disk_full (void)
{
  Fixture fx = { 0 };
  const rlim_t limits[] = { 8 * 1024, 64 * 1024, 512 * 1024, 4 * 1024 * 1024 };

  if (!fixture_setup (&fx))
    return;
  for (guint l = 0; l < G_N_ELEMENTS (limits); l++)
    {
      g_autofree char *message_path = g_build_filename (fx.dir, "message.txt", NULL);
      g_autofree char *message = NULL;
      int status;
      pid_t child = fork ();

      g_assert_cmpint (child, >=, 0);
      if (child == 0)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(AgvizRecorder) recorder = NULL;
          ChildLimits child_limits = { limits[l], FALSE };
          gint64 fn, trace = 0;

          apply_limits (&child_limits);
          recorder = agviz_recorder_open (fx.trace, &error);
          if (recorder != NULL)
            {
              fn = agviz_recorder_add_function (recorder, "fills_the_disk", 0, 0, &error);
              if (error == NULL)
                trace = agviz_recorder_begin_trace (recorder, fn, "__inference_full", "", "", &error);
              for (int i = 0; i < 60000 && error == NULL; i++)
                {
                  g_autofree char *name = g_strdup_printf ("scope_%d/inner_%d/a_long_enough_name_%d",
                                                           i / 500, i / 20, i);
                  gint64 node = agviz_recorder_add_node (recorder, trace, name, "MatMul", NULL,
                                                         NULL, 0, &error);
                  if (i > 0 && error == NULL)
                    agviz_recorder_add_edge (recorder, trace, node - 1, 0, node, 0, &error);
                }
              if (error == NULL)
                agviz_recorder_end_trace (recorder, trace, AGVIZ_TRACE_STATUS_COMPLETE, -1, &error);
              if (error == NULL)
                agviz_recorder_close (recorder, &error);
            }
          /* Small enough for any of the limits. */
          if (error != NULL)
            g_file_set_contents (message_path, error->message, -1, NULL);
          _exit (error != NULL ? 1 : 0);
        }
      g_assert_cmpint (waitpid (child, &status, 0), ==, child);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 1);
      g_assert_true (g_file_get_contents (message_path, &message, NULL, NULL));
      g_test_message ("limit %lu: %s", (gulong) limits[l], message);
      g_assert_nonnull (strstr (message, fx.trace));
      g_remove (message_path);
      assert_opens_with_hash (fx.trace, fx.hash);
    }
  fixture_teardown (&fx);
}

/* `agviz import` appending to, and replacing, a file on a disk that fills up. */
static void
test_import_disk_full (void)
{
  Fixture fx = { 0 };
  g_autofree char *source = NULL;
  const rlim_t limits[] = { 16 * 1024, 256 * 1024, 1024 * 1024 };

  if (!fixture_setup (&fx))
    return;
  source = write_graph (fx.dir, 20000);
  for (guint l = 0; l < G_N_ELEMENTS (limits); l++)
    {
      ChildLimits child_limits = { limits[l], FALSE };
      g_auto(AgvizRun) run = { 0 };
      /* A -wal and -shm may stay (what the failed transaction wrote is no part of the file). */
      const char *left[] = { "trace.db", "trace.db-wal", "trace.db-shm", "big.pbtxt", NULL };

      run_limited (&run, &child_limits, "import", "-q", source, "-o", fx.trace, NULL);
      assert_clear_failure (&run, fx.trace);
      assert_opens_with_hash (fx.trace, fx.hash);

      run_limited (&run, &child_limits, "import", "-q", "--replace", source, "-o", fx.trace, NULL);
      assert_clear_failure (&run, fx.trace);
      assert_opens_with_hash (fx.trace, fx.hash);
      assert_dir_holds_only (fx.dir, left);
    }

  /* Without a limit the same import works, so the limit is what failed above. */
  {
    g_auto(AgvizRun) run = { 0 };

    agviz_run (&run, "import", "-q", source, "-o", fx.trace, NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  fixture_teardown (&fx);
}

/* A drawing that does not fit: an error, no partial SVG, the trace file's content untouched
 * (a layout cache that could not be written is only a cache). */
static void
test_svg_disk_full (void)
{
  Fixture fx = { 0 };
  g_autofree char *svg = NULL;
  const rlim_t limits[] = { 40 * 1024, 60 * 1024 };

  if (!fixture_setup (&fx))
    return;
  svg = g_build_filename (fx.dir, "out.svg", NULL);
  /* A drawing bigger than SQLite's 32 KiB -shm, so the limits fail the SVG, not the reading. */
  {
    g_autofree char *source = write_graph (fx.dir, 300);
    g_auto(AgvizRun) run = { 0 };

    agviz_run (&run, "import", "-q", source, "-o", fx.trace, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_remove (source);
    agviz_run (&run, fx.trace, "--svg", "-", "--all", "-q", "--no-cache", "--function", "big", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_test_message ("the drawing takes %zu bytes", strlen (run.out));
    g_assert_cmpuint (strlen (run.out), >, 64 * 1024);
    g_free (fx.hash);
    fx.hash = trace_file_content_hash (fx.trace);
  }
  for (guint l = 0; l < G_N_ELEMENTS (limits); l++)
    {
      ChildLimits child_limits = { limits[l], FALSE };
      g_auto(AgvizRun) run = { 0 };
      const char *left[] = { "trace.db", "trace.db-wal", "trace.db-shm", NULL };

      run_limited (&run, &child_limits, fx.trace, "--svg", svg, "--all", "--no-cache", "--function",
                   "big", NULL);
      assert_clear_failure (&run, svg);
      g_assert_false (g_file_test (svg, G_FILE_TEST_EXISTS));
      assert_dir_holds_only (fx.dir, left);
      assert_opens_with_hash (fx.trace, fx.hash);

      /* With the layout cache: the trace file too hits the limit. */
      run_limited (&run, &child_limits, fx.trace, "--svg", svg, "--all", "--function", "big",
                   NULL);
      g_assert_cmpint (run.status, >, 0);
      g_assert_false (g_file_test (svg, G_FILE_TEST_EXISTS));
      assert_opens_with_hash (fx.trace, fx.hash);
    }
  fixture_teardown (&fx);
}

/* Output into a folder that is not there, or is a file. */
static void
test_svg_missing_folder (void)
{
  Fixture fx = { 0 };
  g_autofree char *missing = NULL;
  g_autofree char *under_file = NULL;
  g_auto(AgvizRun) run = { 0 };

  if (!fixture_setup (&fx))
    return;
  missing = g_build_filename (fx.dir, "no-such-folder", "out.svg", NULL);
  under_file = g_build_filename (fx.trace, "out.svg", NULL);

  agviz_run (&run, fx.trace, "--svg", missing, NULL);
  assert_clear_failure (&run, missing);
  g_assert_nonnull (strstr (run.err, "no-such-folder"));
  agviz_run (&run, fx.trace, "--svg", under_file, NULL);
  assert_clear_failure (&run, under_file);
  agviz_run (&run, fx.trace, "--png", missing, NULL);
  assert_clear_failure (&run, missing);
  assert_opens_with_hash (fx.trace, fx.hash);
  fixture_teardown (&fx);
}

/* Whether read-only permissions hold for the agviz children: as root only after dropping to
 * nobody, which must then reach the files (fixture folders are private by default). */
static gboolean
prepare_read_only (Fixture     *fx,
                   ChildLimits *limits)
{
  limits->as_nobody = getuid () == 0;
  if (limits->as_nobody)
    {
      g_auto(AgvizRun) run = { 0 };

      g_chmod (fx->dir, 0755);
      g_chmod (fx->trace, 0644);
      run_limited (&run, limits, "--version", NULL);
      if (run.status != 0)
        {
          g_test_skip ("running as root, and the agviz binary cannot run as user nobody "
                       "(root ignores read-only permissions)");
          return FALSE;
        }
    }
  return TRUE;
}

static void
test_read_only_folder (void)
{
  Fixture fx = { 0 };
  ChildLimits limits = { 0, FALSE };
  g_autofree char *svg = NULL;
  g_autofree char *new_file = NULL;
  g_autofree char *source = NULL;
  g_auto(AgvizRun) run = { 0 };
  /* The test's own reads of the file (as root) may leave an empty -wal and -shm. */
  const char *left[] = { "trace.db", "trace.db-wal", "trace.db-shm", "big.pbtxt", NULL };

  if (!fixture_setup (&fx))
    return;
  source = write_graph (fx.dir, 20000);
  if (!prepare_read_only (&fx, &limits))
    {
      fixture_teardown (&fx);
      return;
    }
  g_chmod (source, 0644);
  /* No -shm to share: SQLite cannot make one in a read-only folder, which used to fail reads. */
  {
    g_autofree char *wal = g_strconcat (fx.trace, "-wal", NULL);
    g_autofree char *shm = g_strconcat (fx.trace, "-shm", NULL);

    g_remove (wal);
    g_remove (shm);
  }
  g_assert_cmpint (g_chmod (fx.dir, 0555), ==, 0);
  svg = g_build_filename (fx.dir, "out.svg", NULL);
  new_file = g_build_filename (fx.dir, "new.db", NULL);

  /* Reading works: a trace file on read-only media is still a trace file. */
  run_limited (&run, &limits, "info", fx.trace, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "train_step"));
  run_limited (&run, &limits, "check", fx.trace, NULL);
  g_assert_cmpint (run.status, ==, 0);
  run_limited (&run, &limits, fx.trace, "--svg", "-", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "<?xml"));

  /* Writing does not, and says why. */
  run_limited (&run, &limits, fx.trace, "--svg", svg, NULL);
  assert_clear_failure (&run, svg);
  run_limited (&run, &limits, "import", "-q", source, "-o", fx.trace, NULL);
  assert_clear_failure (&run, fx.trace);
  g_assert_nonnull (strstr (run.err, "read-only"));
  run_limited (&run, &limits, "import", "-q", "--replace", source, "-o", fx.trace, NULL);
  assert_clear_failure (&run, fx.trace);
  run_limited (&run, &limits, "import", "-q", source, "-o", new_file, NULL);
  assert_clear_failure (&run, new_file);

  assert_dir_holds_only (fx.dir, left);
  g_chmod (fx.dir, 0700);
  assert_opens_with_hash (fx.trace, fx.hash);
  fixture_teardown (&fx);
}

static void
test_read_only_file (void)
{
  Fixture fx = { 0 };
  ChildLimits limits = { 0, FALSE };
  g_autofree char *source = NULL;
  g_auto(AgvizRun) run = { 0 };

  if (!fixture_setup (&fx))
    return;
  source = write_graph (fx.dir, 20000);
  if (!prepare_read_only (&fx, &limits))
    {
      fixture_teardown (&fx);
      return;
    }
  g_chmod (source, 0644);
  /* The folder is writable (-wal and -shm can be made), the file is not. */
  g_assert_cmpint (g_chmod (fx.dir, 0777), ==, 0);
  g_assert_cmpint (g_chmod (fx.trace, 0444), ==, 0);

  run_limited (&run, &limits, "info", fx.trace, NULL);
  g_assert_cmpint (run.status, ==, 0);
  run_limited (&run, &limits, fx.trace, "--svg", "-", "-q", NULL);
  g_assert_cmpint (run.status, ==, 0);
  run_limited (&run, &limits, "import", "-q", source, "-o", fx.trace, NULL);
  assert_clear_failure (&run, fx.trace);
  g_assert_nonnull (strstr (run.err, "read-only"));

  g_chmod (fx.trace, 0600);
  g_chmod (fx.dir, 0700);
  assert_opens_with_hash (fx.trace, fx.hash);
  fixture_teardown (&fx);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/agviz/hardening/disk-full/recorder", test_recorder_disk_full);
  g_test_add_func ("/agviz/hardening/disk-full/import", test_import_disk_full);
  g_test_add_func ("/agviz/hardening/disk-full/svg", test_svg_disk_full);
  g_test_add_func ("/agviz/hardening/svg-missing-folder", test_svg_missing_folder);
  g_test_add_func ("/agviz/hardening/read-only/folder", test_read_only_folder);
  g_test_add_func ("/agviz/hardening/read-only/file", test_read_only_file);

  return g_test_run ();
}
