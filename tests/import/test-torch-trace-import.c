/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-torch-trace-import.c: TORCH_TRACE logs (torch.compile) imported into traces
 *
 * Every log of the corpus folder 08_torch_trace_tlparse imports, with its traces, graphs,
 * guards, graph breaks and failures counted against the file's own record lines by a rule that
 * knows nothing of the importer (count_records()); a small log written here, shaped like what
 * torch 2.13 writes, pins down recompiles, graph breaks with their user stacks, compile times
 * and failures; a folder of two ranks, damaged records and files that are no log at all.
 */
#include "import-into.h"
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "agviz-core.h"
#include "agviz-importer.h"
#include "../hardening-util.h"

static char *work;

static char *
write_text (const char *name,
            const char *text)
{
  return write_text_in (work, name, text);
}

static gboolean
import_into (const char  *source,
             const char  *db,
             GPtrArray  **warnings,
             GError     **error)
{
  return import_into_fresh_file (source, db, NULL, warnings, error);
}

/* ---- the independent count --------------------------------------------------------------- */

typedef struct
{
  GHashTable *compile_ids;      /* "F/C" of dynamo_start, compilation_metrics, output graphs */
  GHashTable *guarded;          /* "F/C" with dynamo_guards or dynamo_cpp_guards_str */
  GHashTable *failed;           /* "F/C" with dynamo_error or a non-null fail_type */
  GHashTable *generations;      /* "F/C" -> how many dynamo_starts it had */
  guint       output_graphs;
  guint       graph_breaks;
  guint       exported;
} RecordCount;

static void
record_count_clear (RecordCount *count)
{
  g_clear_pointer (&count->compile_ids, g_hash_table_unref);
  g_clear_pointer (&count->guarded, g_hash_table_unref);
  g_clear_pointer (&count->failed, g_hash_table_unref);
  g_clear_pointer (&count->generations, g_hash_table_unref);
}

/* `"frame_id": 0, "frame_compile_id": 1` of a record line, as "0/1", or NULL. */
static char *
compile_id_of (const char *line)
{
  const char *frame = strstr (line, "\"frame_id\": ");
  const char *compile = strstr (line, "\"frame_compile_id\": ");

  if (frame == NULL || compile == NULL || !g_ascii_isdigit (frame[12]) ||
      !g_ascii_isdigit (compile[20]))
    return NULL;
  return g_strdup_printf ("%ld/%ld", strtol (frame + 12, NULL, 10), strtol (compile + 20, NULL, 10));
}

/* The rule: a record is a line that does not start with a TAB and holds "] {"; what it is shows
 * as `{"KEY"` right after the prefix, artifacts by `"name": "NAME"`. */
static void
count_records (const char  *path,
               RecordCount *count)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i], *json = strstr (line, "] {");
      g_autofree char *id = NULL;

      if (line[0] == '\t' || json == NULL)
        continue;
      json += 2;
      id = compile_id_of (line);
      if (g_str_has_prefix (json, "{\"exported_program\""))
        count->exported++;
      if (id == NULL)
        continue;
      /* torch._dynamo.reset() starts compile ids over: a second dynamo_start of one id is a
       * compile of its own. */
      {
        guint generation = GPOINTER_TO_UINT (g_hash_table_lookup (count->generations, id));
        char *keyed;

        if (g_str_has_prefix (json, "{\"dynamo_start\""))
          g_hash_table_replace (count->generations, g_strdup (id),
                                GUINT_TO_POINTER (++generation));
        keyed = g_strdup_printf ("%s#%u", id, MAX (generation, 1));
        g_free (id);
        id = keyed;
      }
      if (g_str_has_prefix (json, "{\"dynamo_start\"") ||
          g_str_has_prefix (json, "{\"compilation_metrics\"") ||
          g_str_has_prefix (json, "{\"dynamo_output_graph\""))
        g_hash_table_add (count->compile_ids, g_strdup (id));
      if (g_str_has_prefix (json, "{\"dynamo_output_graph\""))
        count->output_graphs++;
      if (g_str_has_prefix (json, "{\"dynamo_guards\"") ||
          g_str_has_prefix (json, "{\"dynamo_cpp_guards_str\""))
        g_hash_table_add (count->guarded, g_strdup (id));
      if (strstr (json, "\"name\": \"dynamo_graph_break_reason\"") != NULL)
        count->graph_breaks++;
      if (strstr (json, "\"name\": \"dynamo_error\"") != NULL ||
          (g_str_has_prefix (json, "{\"compilation_metrics\"") &&
           strstr (json, "\"fail_type\": \"") != NULL))
        g_hash_table_add (count->failed, g_strdup (id));
    }
}

static guint
count_events (GPtrArray      *events,
              AgvizEventKind  kind)
{
  guint n = 0;

  for (guint i = 0; i < events->len; i++)
    if (((AgvizEvent *) g_ptr_array_index (events, i))->kind == kind)
      n++;
  return n;
}

/* Imports @source (a log, or a folder of logs counted together) and checks it against the
 * counts of its record lines. */
static void
check_against_records (const char *source,
                       GPtrArray  *logs)
{
  g_autofree char *db = g_build_filename (work, "corpus.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) functions = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) errors = NULL;
  RecordCount count = { 0 };
  guint traces = 0, with_nodes = 0, failed_traces = 0, program_errors = 0;

  count.compile_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  count.guarded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  count.failed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  count.generations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < logs->len; i++)
    count_records (g_ptr_array_index (logs, i), &count);

  g_assert_true (import_into (source, db, NULL, &error));
  g_assert_no_error (error);
  store = agviz_store_open (db, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  functions = agviz_store_list_functions (store, &error);
  g_assert_no_error (error);
  for (guint f = 0; f < functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (functions, f);

      for (guint t = 0; t < function->traces->len; t++)
        {
          AgvizTrace *trace = g_ptr_array_index (function->traces, t);

          traces++;
          if (trace->node_count > 0)
            with_nodes++;
          if (trace->status == AGVIZ_TRACE_STATUS_FAILED)
            failed_traces++;
        }
    }
  events = agviz_store_list_events (store, 0, &error);
  g_assert_no_error (error);
  errors = agviz_store_list_errors (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < errors->len; i++)
    if (((AgvizRecordedError *) g_ptr_array_index (errors, i))->origin == AGVIZ_ERROR_ORIGIN_PROGRAM)
      program_errors++;

  g_test_message ("%s: %u compile ids, %u output graphs, %u exported", source,
                  g_hash_table_size (count.compile_ids), count.output_graphs, count.exported);
  g_assert_cmpuint (traces, ==, g_hash_table_size (count.compile_ids) + count.exported);
  g_assert_cmpuint (with_nodes, ==, count.output_graphs + count.exported);
  g_assert_cmpuint (count_events (events, AGVIZ_EVENT_GUARDS), ==,
                    g_hash_table_size (count.guarded));
  g_assert_cmpuint (count_events (events, AGVIZ_EVENT_GRAPH_BREAK), >=, count.graph_breaks);
  g_assert_cmpuint (failed_traces, ==, g_hash_table_size (count.failed));
  g_assert_cmpuint (program_errors, ==, g_hash_table_size (count.failed));
  record_count_clear (&count);
}

static void
test_corpus (void)
{
  const char *corpus = g_getenv ("AGVIZ_CORPUS_DIR");
  g_autofree char *folder = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint checked = 0;

  if (corpus == NULL ||
      !g_file_test ((folder = g_build_filename (corpus, "08_torch_trace_tlparse", NULL)),
                    G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no corpus folder 08_torch_trace_tlparse (AGVIZ_CORPUS_DIR)");
      return;
    }
  dir = g_dir_open (folder, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autoptr(GPtrArray) logs = g_ptr_array_new_with_free_func (g_free);

      if (g_str_has_suffix (name, ".log"))
        g_ptr_array_add (logs, g_strdup (path));
      else if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GDir) sub = g_dir_open (path, 0, NULL);
          const char *log;

          while ((log = g_dir_read_name (sub)) != NULL)
            g_ptr_array_add (logs, g_build_filename (path, log, NULL));
        }
      else
        continue;
      check_against_records (path, logs);
      checked++;
    }
  g_assert_cmpuint (checked, >=, 10);
}

/* simple_corrupted_json.log: one chromium_event payload lost a line; it is reported by line and
 * skipped, the rest imports. */
static void
test_corpus_damaged (void)
{
  const char *corpus = g_getenv ("AGVIZ_CORPUS_DIR");
  g_autofree char *path = NULL;
  g_autofree char *db = g_build_filename (work, "damaged.db", NULL);
  g_autofree char *expected = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(GError) error = NULL;

  if (corpus == NULL ||
      !g_file_test ((path = g_build_filename (corpus, "08_torch_trace_tlparse",
                                              "simple_corrupted_json.log", NULL)),
                    G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no corpus folder 08_torch_trace_tlparse (AGVIZ_CORPUS_DIR)");
      return;
    }
  g_assert_true (import_into (path, db, &warnings, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (warnings->len, ==, 1);
  expected = g_strdup_printf ("%s:14: damaged record skipped", path);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (warnings, 0), expected));
}

/* ---- a log shaped like torch 2.13's ------------------------------------------------------ */

#define PREFIX "V1206 21:21:18.150000 22716 torch/_dynamo/convert_frame.py:303] "
#define CTX(f, c) "\"frame_id\": " #f ", \"frame_compile_id\": " #c ", \"attempt\": 0"

static const char small_log[] =
  PREFIX "{\"str\": [\"/tmp/prog.py\", 0]}\n"
  PREFIX "{\"dynamo_start\": {\"stack\": [{\"line\": 6, \"name\": \"f\", \"filename\": 0}]}, " CTX (0, 0) "}\n"
  PREFIX "{\"chromium_event\": {}, " CTX (0, 0) ", \"has_payload\": \"x\"}\n"
  "\t{\n\t\"name\": \"dynamo\",\n\t\"ts\": 1000000.0,\n\t\"args\": {\"compile_id\": \"0/0\"},\n\t\"ph\": \"B\"\n\t}\n"
  PREFIX "{\"artifact\": {\"name\": \"dynamo_graph_break_reason\", \"encoding\": \"string\"}, " CTX (0, 0) ", \"has_payload\": \"x\"}\n"
  "\tGraph break in user code at /tmp/prog.py:10\n"
  "\tGraph Break Reason: Data-dependent branching\n"
  "\t  Explanation: Detected data-dependent branching.\n"
  "\t\n"
  "\tUser code traceback:\n"
  "\t  File \"/tmp/prog.py\", line 24, in <module>\n"
  "\t    f(torch.randn(4), i)\n"
  "\t  File \"/tmp/prog.py\", line 10, in f\n"
  "\t    if y.sum() > 0:\n"
  PREFIX "{\"dynamo_output_graph\": {\"sizes\": {}}, " CTX (0, 0) ", \"has_payload\": \"x\"}\n"
  "\tclass GraphModule(torch.nn.Module):\n"
  "\t    def forward(self, L_x_: \"f32[4][1]cpu\"):\n"
  "\t        l_x_ = L_x_\n"
  "\t        \n"
  "\t         # File: /tmp/prog.py:8 in f, code: y = torch.relu(x) + n\n"
  "\t        relu: \"f32[4][1]cpu\" = torch.relu(l_x_);  l_x_ = None\n"
  "\t        y: \"f32[4][1]cpu\" = relu + 0;  relu = None\n"
  "\t        sum_1: \"f32[][]cpu\" = y.sum(dim = 0)\n"
  "\t        add: \"f32[4]\" = torch.ops.aten.add.Tensor(y, y)\n"
  "\t        return (sum_1, add)\n"
  "\t        \n"
  "\t    class GraphModule(torch.nn.Module):\n"
  "\t        def forward(self, arg0_1):\n"
  "\t            neg = torch.neg(arg0_1)\n"
  PREFIX "{\"dynamo_cpp_guards_str\": {}, " CTX (0, 0) ", \"has_payload\": \"x\"}\n"
  "\t\n\tTREE_GUARD_MANAGER:\n\t+- RootGuardManager\n"
  "\t| +- GuardManager: source=L['n'], accessed_by=FrameLocals\n"
  "\t| | +- EQUALS_MATCH: L['n'] == 0   # y = torch.relu(x) + n  # prog.py:8 in f\n"
  "\t| | +- TENSOR_MATCH: check_tensor(L['x'], size=[4])\n"
  "\n"
  PREFIX "{\"chromium_event\": {}, " CTX (0, 0) ", \"has_payload\": \"x\"}\n"
  "\t{\"name\": \"dynamo\", \"ts\": 1250000.0, \"args\": {\"compile_id\": \"0/0\"}, \"ph\": \"E\"}\n"
  PREFIX "{\"compilation_metrics\": {\"co_name\": \"f\", \"co_filename\": \"/tmp/prog.py\", \"co_firstlineno\": 6, \"fail_type\": null, \"restart_reasons\": []}, " CTX (0, 0) "}\n"
  PREFIX "{\"artifact\": {\"name\": \"recompile_reasons\", \"encoding\": \"json\"}, " CTX (0, 1) ", \"has_payload\": \"x\"}\n"
  "\t0/0: n == 0                 # y = torch.relu(x) + n  # prog.py:8 in f\n"
  "\tUser stack trace:\n"
  PREFIX "{\"dynamo_start\": {\"stack\": [{\"line\": 6, \"name\": \"f\", \"filename\": 0}]}, " CTX (0, 1) "}\n"
  PREFIX "{\"artifact\": {\"name\": \"recompile_reasons\", \"encoding\": \"json\"}, " CTX (0, 2) ", \"has_payload\": \"x\"}\n"
  "\t[\n\t\"0/1: tensor 'x' size mismatch at index 0. expected 4, actual 5\",\n\t\"0/0: n == 0\"\n\t]\n"
  PREFIX "{\"dynamo_start\": {\"stack\": [{\"line\": 6, \"name\": \"f\", \"filename\": 0}]}, " CTX (0, 2) "}\n"
  PREFIX "{\"dynamo_start\": {\"stack\": [{\"line\": 28, \"name\": \"bad\", \"filename\": 0}]}, " CTX (1, 0) "}\n"
  PREFIX "{\"artifact\": {\"name\": \"dynamo_error\", \"encoding\": \"string\"}, " CTX (1, 0) ", \"has_payload\": \"x\"}\n"
  "\tTraceback (most recent call last):\n"
  "\t  File \"/torch/_dynamo/convert_frame.py\", line 2102, in _compile\n"
  "\ttorch._dynamo.exc.Unsupported: Failed to trace builtin operator\n"
  PREFIX "{\"compilation_metrics\": {\"co_name\": \"bad\", \"co_filename\": \"/tmp/prog.py\", \"co_firstlineno\": 28, \"fail_type\": \"Unsupported\", \"fail_reason\": \"Failed to trace builtin operator\", \"fail_user_frame_filename\": \"/tmp/prog.py\", \"fail_user_frame_lineno\": 30, \"entire_frame_compile_time_s\": 0.5}, " CTX (1, 0) "}\n";

static AgvizEvent *
find_event (GPtrArray      *events,
            AgvizEventKind  kind,
            gint64          trace_id)
{
  for (guint i = 0; i < events->len; i++)
    {
      AgvizEvent *event = g_ptr_array_index (events, i);

      if (event->kind == kind && event->trace_id == trace_id)
        return event;
    }
  return NULL;
}

static void
test_small_log (void)
{
  g_autofree char *log = write_text ("small.log", small_log);
  g_autofree char *db = g_build_filename (work, "small.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) functions = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) errors = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  g_autoptr(AgvizNode) relu = NULL;
  g_autoptr(AgvizNode) sum = NULL;
  g_autoptr(AgvizNode) add = NULL;
  g_autoptr(AgvizNode) neg = NULL;
  AgvizFunction *f, *bad;
  AgvizTrace *first, *third;
  AgvizEvent *event;
  AgvizRecordedError *recorded;

  g_assert_true (import_into (log, db, NULL, &error));
  g_assert_no_error (error);
  store = agviz_store_open (db, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  functions = agviz_store_list_functions (store, &error);
  g_assert_cmpuint (functions->len, ==, 2);
  f = g_ptr_array_index (functions, 0);
  bad = g_ptr_array_index (functions, 1);
  g_assert_cmpstr (f->name, ==, "f");
  g_assert_cmpstr (f->file, ==, "/tmp/prog.py");
  g_assert_cmpint (f->line, ==, 6);
  g_assert_cmpuint (f->traces->len, ==, 3);
  first = g_ptr_array_index (f->traces, 0);
  third = g_ptr_array_index (f->traces, 2);
  g_assert_cmpstr (first->graph_name, ==, "[0/0]");
  g_assert_cmpstr (first->signature, ==, "(L_x_: f32[4][1]cpu)");
  g_assert_cmpint (first->wall_ns, ==, 250000000);
  /* L_x_, relu, y, sum_1, add, output: the submodule printed after forward() is not read. */
  g_assert_cmpint (first->node_count, ==, 6);
  g_assert_cmpint (first->edge_count, ==, 7);   /* add uses y twice */
  relu = agviz_store_find_node (store, first->id, "relu", &error);
  g_assert_nonnull (relu);
  g_assert_cmpstr (relu->op_type, ==, "torch.relu");
  frames = agviz_store_get_stack_frames (store, relu->stack_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (frames->len, ==, 1);
  g_assert_cmpstr (((AgvizFrame *) g_ptr_array_index (frames, 0))->file, ==, "/tmp/prog.py");
  g_assert_cmpint (((AgvizFrame *) g_ptr_array_index (frames, 0))->line, ==, 8);
  g_assert_cmpstr (((AgvizFrame *) g_ptr_array_index (frames, 0))->function, ==, "f");
  sum = agviz_store_find_node (store, first->id, "sum_1", &error);
  g_assert_cmpstr (sum->op_type, ==, "sum");
  add = agviz_store_find_node (store, first->id, "add", &error);
  g_assert_cmpstr (add->op_type, ==, "aten.add.Tensor");
  neg = agviz_store_find_node (store, first->id, "neg", NULL);
  g_assert_null (neg);
  g_assert_cmpstr (third->graph_name, ==, "[0/2]");
  g_assert_cmpstr (third->reason, ==, "tensor 'x' size mismatch at index 0. expected 4, actual 5");

  events = agviz_store_list_events (store, 0, &error);
  g_assert_no_error (error);
  event = find_event (events, AGVIZ_EVENT_GUARDS, first->id);
  g_assert_nonnull (event);
  g_assert_cmpstr (event->message, ==, "2 guards");
  g_assert_true (g_str_has_prefix (event->detail, "EQUALS_MATCH: L['n'] == 0"));
  event = find_event (events, AGVIZ_EVENT_GRAPH_BREAK, first->id);
  g_assert_nonnull (event);
  g_assert_cmpstr (event->message, ==, "Data-dependent branching");
  g_clear_pointer (&frames, g_ptr_array_unref);
  frames = agviz_store_get_stack_frames (store, event->stack_id, &error);
  g_assert_cmpuint (frames->len, ==, 2);
  g_assert_cmpint (((AgvizFrame *) g_ptr_array_index (frames, 1))->line, ==, 10);
  event = find_event (events, AGVIZ_EVENT_COMPILE, first->id);
  g_assert_nonnull (event);
  g_assert_true (g_str_has_prefix (event->detail, "duration_ns: 250000000"));
  event = find_event (events, AGVIZ_EVENT_RETRACE, ((AgvizTrace *) g_ptr_array_index (f->traces, 1))->id);
  g_assert_nonnull (event);
  g_assert_cmpstr (event->message, ==, "n == 0");
  event = find_event (events, AGVIZ_EVENT_RETRACE, third->id);
  g_assert_cmpstr (event->message, ==, "tensor 'x' size mismatch at index 0. expected 4, actual 5");
  g_assert_nonnull (strstr (event->detail, "0/0: n == 0"));
  g_assert_null (find_event (events, AGVIZ_EVENT_RETRACE, first->id));

  g_assert_cmpstr (bad->name, ==, "bad");
  g_assert_cmpint (((AgvizTrace *) g_ptr_array_index (bad->traces, 0))->status, ==,
                   AGVIZ_TRACE_STATUS_FAILED);
  errors = agviz_store_list_errors (store, &error);
  g_assert_cmpuint (errors->len, ==, 1);
  recorded = g_ptr_array_index (errors, 0);
  g_assert_cmpint (recorded->origin, ==, AGVIZ_ERROR_ORIGIN_PROGRAM);
  g_assert_cmpstr (recorded->type, ==, "Unsupported");
  g_assert_cmpstr (recorded->message, ==, "Failed to trace builtin operator");
  g_assert_true (g_str_has_prefix (recorded->traceback, "Traceback (most recent call last):"));
  g_clear_pointer (&frames, g_ptr_array_unref);
  frames = agviz_store_get_stack_frames (store, recorded->stack_id, &error);
  g_assert_cmpuint (frames->len, ==, 1);
  g_assert_cmpint (((AgvizFrame *) g_ptr_array_index (frames, 0))->line, ==, 30);
}

/* What TORCH_TRACE=DIR writes for two ranks: the ranks stay apart, each with its ordinals. */
static void
test_ranks_directory (void)
{
  g_autofree char *dir = g_build_filename (work, "ranks", NULL);
  g_autofree char *db = g_build_filename (work, "ranks.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) functions = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_free (write_text ("ranks/dedicated_log_torch_trace_rank_0_ab12cd34.log", small_log));
  g_free (write_text ("ranks/dedicated_log_torch_trace_rank_1_ef56gh78.log", small_log));
  g_free (write_text ("ranks/unrelated.txt", "not a log\n"));
  g_assert_cmpint (agviz_importer_detect_format (dir, NULL), ==,
                   AGVIZ_SOURCE_FORMAT_TORCH_TRACE_DIR);
  g_assert_true (import_into (dir, db, NULL, &error));
  g_assert_no_error (error);
  store = agviz_store_open (db, AGVIZ_STORE_FLAGS_NONE, &error);
  functions = agviz_store_list_functions (store, &error);
  g_assert_cmpuint (functions->len, ==, 4);
  for (guint i = 0; i < functions->len; i++)
    {
      AgvizFunction *function = g_ptr_array_index (functions, i);

      g_assert_true (g_str_has_suffix (function->name, i < 2 ? " [rank 0]" : " [rank 1]"));
      if (g_str_has_prefix (function->name, "f "))
        {
          g_assert_cmpuint (function->traces->len, ==, 3);
          g_assert_true (g_str_has_prefix (((AgvizTrace *) g_ptr_array_index (function->traces, 0))->graph_name,
                                           i < 2 ? "[rank 0]:[0/0]" : "[rank 1]:[0/0]"));
        }
    }
}

/* A record whose JSON is cut is skipped and named by its line; the rest imports. */
static void
test_damaged_record (void)
{
  g_autofree char *text = g_strconcat (PREFIX "{\"str\": [\"/tmp/prog.py\", 0]}\n",
                                       PREFIX "{\"dynamo_start\": {\"stack\": [{\"line\": 6, \n",
                                       "garbage that is no record\n", small_log, NULL);
  g_autofree char *log = write_text ("damaged.log", text);
  g_autofree char *db = g_build_filename (work, "damaged-small.db", NULL);
  g_autofree char *at2 = g_strdup_printf ("%s:2: damaged record skipped: bad JSON", log);
  g_autofree char *at3 = g_strdup_printf ("%s:3: damaged record skipped: not a TORCH_TRACE record", log);
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (import_into (log, db, &warnings, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (warnings->len, ==, 2);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (warnings, 0), at2));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (warnings, 1), at3));
}

/* A file named like a log that is none is refused, naming its line; other text is no log. */
static void
test_not_a_log (void)
{
  g_autofree char *named = write_text ("dedicated_log_torch_trace_x.log",
                                       "\nhello, this is not a log\n");
  g_autofree char *plain = write_text ("plain.txt", "just text\n");
  g_autofree char *empty = write_text ("dedicated_log_torch_trace_empty.log",
                                       PREFIX "{\"str\": [\"/tmp/prog.py\", 0]}\n");
  g_autofree char *db = g_build_filename (work, "refused.db", NULL);
  g_autofree char *expected = g_strdup_printf ("%s:2: not a TORCH_TRACE log", named);
  g_autoptr(GError) error = NULL;

  g_assert_false (import_into (named, db, NULL, &error));
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_SYNTAX);
  g_assert_true (g_str_has_prefix (error->message, expected));
  g_clear_error (&error);
  g_assert_false (import_into (plain, db, NULL, &error));
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_UNKNOWN_FORMAT);
  g_clear_error (&error);
  g_assert_false (import_into (empty, db, NULL, &error));
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING);
}

/* The command line imports a log, draws it and checks it. */
static void
test_cli (void)
{
  g_autofree char *log = write_text ("cli.log", small_log);
  g_autofree char *db = g_build_filename (work, "cli.db", NULL);
  g_autofree char *svg = g_build_filename (work, "cli.svg", NULL);
  g_autofree char *drawing = NULL;
  AgvizRun run = { 0 };

  if (!agviz_have_binary ())
    {
      g_test_skip ("no agviz binary ($AGVIZ)");
      return;
    }
  agviz_trace_file_remove (db);
  agviz_run (&run, "import", "-q", log, "-o", db, NULL);
  g_assert_cmpint (run.status, ==, 0);
  agviz_run (&run, db, "--svg", svg, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_file_get_contents (svg, &drawing, NULL, NULL));
  g_assert_nonnull (strstr (drawing, "torch.relu"));
  agviz_run (&run, "check", db, NULL);
  g_assert_cmpint (run.status, >=, 0);
  g_assert_cmpint (run.status, <, 64);
  agviz_run_clear (&run);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  work = g_dir_make_tmp ("agviz-torch-trace-XXXXXX", NULL);
  g_test_add_func ("/agviz/torch-trace/corpus", test_corpus);
  g_test_add_func ("/agviz/torch-trace/corpus-damaged", test_corpus_damaged);
  g_test_add_func ("/agviz/torch-trace/small-log", test_small_log);
  g_test_add_func ("/agviz/torch-trace/ranks-directory", test_ranks_directory);
  g_test_add_func ("/agviz/torch-trace/damaged-record", test_damaged_record);
  g_test_add_func ("/agviz/torch-trace/not-a-log", test_not_a_log);
  g_test_add_func ("/agviz/torch-trace/cli", test_cli);
  status = g_test_run ();
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", work);
  if (system (command) != 0)
    g_printerr ("could not remove %s\n", work);
  return status;
}
