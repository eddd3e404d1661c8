/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-cli-import.c: `agviz import` as users run it: exit codes, appending, --replace */
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include "agviz-core.h"

static char *fixtures;
static char *work;

static int
agviz (char **out,
       char **err,
       ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  int status;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("AGVIZ"));
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (fixtures, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  return WEXITSTATUS (status);
}

static gint64
traces_in (const char *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = agviz_store_open (db, AGVIZ_STORE_FLAGS_NONE, &error);
  AgvizStoreTotals totals;

  g_assert_no_error (error);
  g_assert_true (agviz_store_get_totals (store, &totals, &error));
  return totals.traces;
}

static void
test_cli_import (void)
{
  g_autofree char *db = g_build_filename (work, "cli.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  /* Two sources into one file, one line each on stdout, nothing on stderr (not a terminal). */
  g_assert_cmpint (agviz (&out, &err, "import", "graphdef/demo.pbtxt", "tfdbg/ok", "-o", db,
                          NULL), ==, 0);
  g_assert_cmpstr (out, ==,
                   "graphdef/demo.pbtxt: 6 traces, 26 nodes, 22 edges, 3 with stacks, "
                   "0 executions\n"
                   "tfdbg/ok: 12 traces, 24 nodes, 13 edges, 24 with stacks, 12 executions\n");
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (traces_in (db), ==, 18);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Exit codes tell what went wrong; the file keeps what it had. */
  g_assert_cmpint (agviz (&out, &err, "import", "events/corrupt", "-o", db, NULL), ==, 7);
  g_assert_nonnull (strstr (err, "byte offset 2741: data CRC mismatch"));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (agviz (&out, &err, "import", "no-such-dir", "-o", db, NULL), ==, 3);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (agviz (&out, &err, "import", "graphdef/unknown.bin", "-o", db, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "unknown format (tried:"));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (traces_in (db), ==, 18);

  /* --replace swaps the file only when every source imported... */
  g_assert_cmpint (agviz (&out, &err, "import", "--replace", "graphdef/demo.pb", "events/corrupt",
                          "-o", db, NULL), ==, 7);
  g_assert_nonnull (strstr (err, "left as it was"));
  g_assert_cmpint (traces_in (db), ==, 18);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  /* ... and then starts over. */
  g_assert_cmpint (agviz (&out, &err, "import", "--replace", "--quiet", "graphdef/demo.pb", "-o",
                          db, NULL), ==, 0);
  g_assert_cmpint (traces_in (db), ==, 6);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);

  /* --force keeps going past the damaged record and warns with its offset. */
  g_assert_cmpint (agviz (&out, &err, "import", "--force", "events/corrupt", "-o", db, NULL), ==, 0);
  g_assert_nonnull (strstr (err, "agviz: warning: "));
  g_assert_nonnull (strstr (err, "record skipped"));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (agviz (&out, &err, "import", "graphdef/demo.pb", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "-o FILE.db"));
}

/* A TORCH_TRACE log as torch 2.13 writes it for one compile through aot_eager: dynamo's output
 * graph and the AOT forward graph (parameters and outputs one per line, as torch 2.6 on print
 * them). */
#define TORCH_PREFIX "V1206 21:58:38.172000 19468 torch/_dynamo/output_graph.py:1730] "
static const char torch_log[] =
  TORCH_PREFIX "{\"str\": [\"/tmp/prog.py\", 0]}\n"
  TORCH_PREFIX "{\"dynamo_start\": {\"stack\": [{\"line\": 7, \"name\": \"clip\", \"filename\": 0}]}, \"frame_id\": 0, \"frame_compile_id\": 0, \"attempt\": 0}\n"
  TORCH_PREFIX "{\"dynamo_output_graph\": {\"sizes\": {}}, \"frame_id\": 0, \"frame_compile_id\": 0, \"attempt\": 0, \"has_payload\": \"x\"}\n"
  "\tclass GraphModule(torch.nn.Module):\n"
  "\t    def forward(self, L_x_: \"f32[16][1]cpu\"):\n"
  "\t        l_x_ = L_x_\n"
  "\t        \n"
  "\t         # File: /tmp/prog.py:9 in clip, code: peak = x.abs().max()\n"
  "\t        abs_1: \"f32[16][1]cpu\" = l_x_.abs();  l_x_ = None\n"
  "\t        peak: \"f32[][]cpu\" = abs_1.max();  abs_1 = None\n"
  "\t        return (peak,)\n"
  TORCH_PREFIX "{\"aot_forward_graph\": {}, \"frame_id\": 0, \"frame_compile_id\": 0, \"attempt\": 0, \"has_payload\": \"x\"}\n"
  "\tclass <lambda>(torch.nn.Module):\n"
  "\t    def forward(\n"
  "\t        self,\n"
  "\t        arg0_1: \"f32[16][1]cpu\",  # PlainAOTInput(idx=0)\n"
  "\t    ):\n"
  "\t        # File: /tmp/prog.py:9 in clip, code: peak = x.abs().max()\n"
  "\t        abs_1: \"f32[16][1]cpu\" = torch.ops.aten.abs.default(arg0_1);  arg0_1 = None\n"
  "\t        max_1: \"f32[][]cpu\" = torch.ops.aten.max.default(abs_1);  abs_1 = None\n"
  "\t        return (\n"
  "\t            max_1,  # PlainAOTOutput(idx=0)\n"
  "\t        )\n"
  "\t\n";

/* --torch-graphs=all adds the AOT graph as a function of its own; dynamo's graph alone by
 * default. */
static void
test_cli_import_torch_graphs (void)
{
  g_autofree char *log = g_build_filename (work, "dedicated_log_torch_trace_cli.log", NULL);
  g_autofree char *db = g_build_filename (work, "torch.db", NULL);
  g_autofree char *all_db = g_build_filename (work, "torch-all.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_true (g_file_set_contents (log, torch_log, -1, NULL));
  g_assert_cmpint (agviz (&out, &err, "import", log, "-o", db, NULL), ==, 0);
  /* L_x_, abs_1, peak and the output, the last three after the `# File:` line. */
  g_assert_nonnull (strstr (out, ": 1 trace, 4 nodes, 3 edges, 3 with stacks"));
  g_assert_cmpint (traces_in (db), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (agviz (&out, &err, "import", "--torch-graphs=all", log, "-o", all_db, NULL),
                   ==, 0);
  /* The AOT graph too: arg0_1, abs_1, max_1 and the output, whose lines span several. */
  g_assert_nonnull (strstr (out, ": 2 traces, 8 nodes, 6 edges, 6 with stacks"));
  g_assert_cmpint (traces_in (all_db), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (agviz (&out, &err, "import", "--torch-graphs=some", log, "-o", all_db, NULL),
                   ==, 2);
  g_assert_nonnull (strstr (err, "--torch-graphs: 'some' is neither dynamo nor all"));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *command = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  work = g_dir_make_tmp ("agviz-cli-import-XXXXXX", NULL);
  fixtures = g_build_filename (work, "fixtures", NULL);
  command = g_strdup_printf ("'%s' '%s'", g_getenv ("AGVIZ_WRITE_TF_FIXTURES"), fixtures);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  g_test_add_func ("/agviz/cli/import", test_cli_import);
  g_test_add_func ("/agviz/cli/import-torch-graphs", test_cli_import_torch_graphs);
  status = g_test_run ();

  g_free (command);
  command = g_strdup_printf ("rm -rf '%s'", work);
  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
  return status;
}
