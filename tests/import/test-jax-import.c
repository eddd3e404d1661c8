/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-jax-import.c: JAX's cache-miss and compile logs and jax_dump_ir_to folders into traces
 *
 * The log wordings since 2024 (the project's own texts in tests/fuzz/corpus/fuzz-jax-log): each
 * cache miss a trace of its function with a retrace event saying what changed; the real logs
 * users pasted (corpus 09_error_texts/jax) counted against their own lines; a dump folder as
 * `agviz record`'s JAX hook leaves it, its dumps matched to the log; errors naming FILE:LINE
 * that leave the trace file as it was.
 */
#include "import-into.h"
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "agviz-core.h"
#include "agviz-importer.h"

static char *work;

static gboolean
import_into (const char  *source,
             const char  *db,
             GError     **error)
{
  return import_into_fresh_file (source, db, NULL, NULL, error);
}

static char *
seed_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fuzz", "corpus", "fuzz-jax-log", name, NULL);
}

/* The messages of the retrace events of function @name, in order, joined by '|'. */
static char *
retrace_messages (AgvizStore *store,
                  const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) functions = agviz_store_list_functions (store, &error);
  g_autoptr(GPtrArray) events = agviz_store_list_events (store, 0, &error);
  g_autoptr(GString) joined = g_string_new (NULL);
  gint64 id = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < functions->len; i++)
    if (g_str_equal (((AgvizFunction *) g_ptr_array_index (functions, i))->name, name))
      id = ((AgvizFunction *) g_ptr_array_index (functions, i))->id;
  g_assert_cmpint (id, !=, 0);
  for (guint i = 0; i < events->len; i++)
    {
      AgvizEvent *event = g_ptr_array_index (events, i);

      if (event->kind == AGVIZ_EVENT_RETRACE && event->function_id == id)
        {
          g_assert_cmpint (event->trace_id, !=, 0);
          g_string_append_printf (joined, "%s%s", joined->len > 0 ? "|" : "", event->message);
        }
    }
  return g_string_free (g_steal_pointer (&joined), FALSE);
}

static AgvizFunction *
find_function (GPtrArray  *functions,
               const char *name)
{
  for (guint i = 0; i < functions->len; i++)
    if (g_str_equal (((AgvizFunction *) g_ptr_array_index (functions, i))->name, name))
      return g_ptr_array_index (functions, i);
  g_assert_not_reached ();
}

static void
test_log_wordings (void)
{
  static const struct
  {
    const char *seed;
    const char *function;
    const char *messages;
  } cases[] = {
    { "hook-jax-0.10.txt", "f", "never seen function f|x: f32[1] -> f32[2]" },
    { "hook-jax-0.10.txt", "scale", "static argument 1: 0.5 -> 1.5" },
    { "hook-jax-0.10.txt", "h", "jax_numpy_rank_promotion: allow -> warn" },
    { "hook-jax-0.10.txt", "g", "never seen function g, but another function was defined on "
                                "the same line before" },
    { "jax-2024-costing.txt", "step", "x: f32[3] -> f32[4]|n: i32[]{weak_type=True} -> "
                                      "f32[]{weak_type=True}|args[1]: PyTreeDef(*) -> "
                                      "PyTreeDef(None)|tracing context doesn't match, e.g. due "
                                      "to config or context manager" },
    { "jax-2025-key-with.txt", "loss_fn", "x: f32[16,8] -> f32[17,8]|different tracing context, "
                                          "e.g. due to config or context manager." },
  };
  g_autofree char *db = g_build_filename (work, "wordings.db", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *source = seed_path (cases[i].seed);
      g_autoptr(GError) error = NULL;
      g_autoptr(AgvizStore) store = NULL;
      g_autofree char *messages = NULL;

      g_assert_cmpint (agviz_importer_detect_format (source, NULL), ==,
                       AGVIZ_SOURCE_FORMAT_JAX_LOG);
      g_assert_true (import_into (source, db, &error));
      g_assert_no_error (error);
      store = agviz_store_open (db, AGVIZ_STORE_FLAGS_NONE, &error);
      g_assert_no_error (error);
      messages = retrace_messages (store, cases[i].function);
      g_assert_cmpstr (messages, ==, cases[i].messages);
    }
}

/* The 2024 wording's cost and the function's place come through. */
static void
test_log_costs_and_places (void)
{
  g_autofree char *source = seed_path ("jax-2024-costing.txt");
  g_autofree char *db = g_build_filename (work, "costs.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) functions = NULL, events = NULL;
  AgvizFunction *step;
  AgvizEvent *first;

  g_assert_true (import_into (source, db, &error));
  store = agviz_store_open (db, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  functions = agviz_store_list_functions (store, &error);
  events = agviz_store_list_events (store, 0, &error);
  g_assert_no_error (error);
  step = find_function (functions, "step");
  g_assert_cmpstr (step->file, ==, "/content/train.py");
  g_assert_cmpint (step->line, ==, 5);
  g_assert_cmpuint (step->traces->len, ==, 4);
  first = g_ptr_array_index (events, 0);
  g_assert_nonnull (strstr (first->detail, "(tracing cost 12.503 ms)"));
  g_assert_true (g_str_has_prefix (first->detail, "TRACING CACHE MISS at /content/train.py:14"));
  g_assert_cmpint (first->stack_id, !=, 0);
}

static void
test_log_errors (void)
{
  static const struct
  {
    const char *seed;
    const char *says;
  } cases[] = {
    { "miss-without-function.txt", "miss-without-function.txt:1: a tracing cache miss whose "
                                   "explanation names no function" },
    { "duration-not-a-number.txt", "duration-not-a-number.txt:1: a compile log record's "
                                   "duration" },
  };
  g_autofree char *db = g_build_filename (work, "errors.db", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *source = seed_path (cases[i].seed);
      g_autoptr(GError) error = NULL;
      g_autoptr(AgvizStore) store = NULL;
      g_autoptr(GPtrArray) functions = NULL;

      g_assert_false (import_into (source, db, &error));
      g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_SYNTAX);
      g_assert_nonnull (strstr (error->message, cases[i].says));
      g_clear_error (&error);
      store = agviz_store_open (db, AGVIZ_STORE_FLAGS_NONE, &error);
      g_assert_no_error (error);
      functions = agviz_store_list_functions (store, &error);
      g_assert_cmpuint (functions->len, ==, 0);
    }
}

/* Lines of @text holding @what. */
static guint
count_holding (const char *text,
               const char *what)
{
  guint count = 0;

  for (const char *p = strstr (text, what); p != NULL; p = strstr (p + 1, what))
    count++;
  return count;
}

static void
test_corpus_logs (void)
{
  static const char *const logs[] = {
    "09_explain-cache-miss-never-seen-function-colab-log.txt",
    "11_log-compiles-absl-prefix.txt",
    "12_log-compiles-pjit-mlir-no-prefix.txt",
    "13_log-compiles-dispatch-logger-prefix.txt",
  };
  const char *corpus = g_getenv ("AGVIZ_CORPUS_DIR");
  g_autofree char *db = g_build_filename (work, "corpus.db", NULL);

  if (corpus == NULL || !g_file_test (corpus, G_FILE_TEST_IS_DIR))
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("the real-file corpus is absent under CI");
      g_test_skip ("the real-file corpus is absent (set AGVIZ_CORPUS_DIR to ../shared/corpus)");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (logs); i++)
    {
      g_autofree char *source = g_build_filename (corpus, "09_error_texts", "jax", logs[i], NULL);
      g_autofree char *text = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(AgvizStore) store = NULL;
      g_autoptr(GPtrArray) functions = NULL, events = NULL;
      guint misses = 0, compiles = 0, traces = 0;

      g_assert_true (g_file_get_contents (source, &text, NULL, NULL));
      g_assert_cmpint (agviz_importer_detect_format (source, NULL), ==,
                       AGVIZ_SOURCE_FORMAT_JAX_LOG);
      g_assert_true (import_into (source, db, &error));
      g_assert_no_error (error);
      store = agviz_store_open (db, AGVIZ_STORE_FLAGS_NONE, &error);
      functions = agviz_store_list_functions (store, &error);
      events = agviz_store_list_events (store, 0, &error);
      g_assert_no_error (error);
      for (guint e = 0; e < events->len; e++)
        {
          AgvizEvent *event = g_ptr_array_index (events, e);

          misses += event->kind == AGVIZ_EVENT_RETRACE;
          compiles += event->kind == AGVIZ_EVENT_COMPILE;
        }
      for (guint f = 0; f < functions->len; f++)
        traces += ((AgvizFunction *) g_ptr_array_index (functions, f))->traces->len;
      /* Counted by the text's own lines. */
      g_assert_cmpuint (misses, ==, count_holding (text, "TRACING CACHE MISS at "));
      /* A compilation says "Compiling" or "Finished XLA compilation", or both. */
      g_assert_cmpuint (compiles, >=, count_holding (text, "Finished XLA compilation of "));
      g_assert_cmpuint (compiles, >=, count_holding (text, "Compiling "));
      g_assert_cmpuint (compiles, <=, count_holding (text, "Compiling ") +
                        count_holding (text, "Finished XLA compilation of "));
      g_assert_cmpuint (traces, >=, count_holding (text, "Finished tracing "));
      g_assert_cmpuint (traces, >=, count_holding (text, "Finished XLA compilation of "));
      if (i == 0)
        {
          AgvizFunction *function = find_function (functions, "convert_element_type");

          g_assert_cmpint (function->line, ==, 97);
          g_assert_true (g_str_has_suffix (function->file, "jax/_src/dispatch.py"));
        }
    }
}

/* Collects "OP_TYPE=TYPE" of every node with a type attribute into the GPtrArray @user_data. */
static gboolean
collect_types (const AgvizNodeRow *row,
               gpointer            user_data)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) attrs = NULL;
  const char *type = NULL;

  if (row->attrs == NULL)
    return TRUE;
  bytes = g_bytes_new (row->attrs, row->attrs_size);
  attrs = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));
  if (g_variant_lookup (attrs, "type", "&s", &type))
    g_ptr_array_add (user_data, g_strdup_printf ("%s=%s", row->op_type, type));
  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static const char ir_text[] =
  "#loc1 = loc(\"x\")\n"
  "module @jit_f attributes {mhlo.num_partitions = 1 : i32} {\n"
  "  func.func public @main(%arg0: tensor<%sxf32> loc(\"x\")) -> (tensor<%sxf32>) {\n"
  "    %0 = stablehlo.sine %arg0 : tensor<%sxf32> loc(#loc3)\n"
  "    %1 = call @helper(%0) : (tensor<%sxf32>) -> tensor<%sxf32> loc(#loc3)\n"
  "    return %1 : tensor<%sxf32> loc(#loc)\n"
  "  } loc(#loc)\n"
  "  func.func private @helper(%arg0: tensor<%sxf32>) -> tensor<%sxf32> {\n"
  "    %0 = stablehlo.cosine %arg0 : tensor<%sxf32> loc(#loc)\n"
  "    return %0 : tensor<%sxf32> loc(#loc)\n"
  "  } loc(#loc)\n"
  "} loc(#loc)\n"
  "#loc = loc(unknown)\n"
  "#loc2 = loc(\"/work/p.py\":10:11)\n"
  "#loc3 = loc(\"jit(f)/sin\"(#loc2))\n";

static const char hook_log[] =
  "WARNING:jax._src.interpreters.partial_eval:TRACING CACHE MISS at /work/p.py:14:4 (<module>):\n"
  "  never seen function:\n"
  "    f id=1 defined at /work/p.py:9\n"
  "WARNING:jax._src.dispatch:Finished tracing f for jit in 0.5 sec\n"
  "WARNING:jax._src.interpreters.pxla:Compiling jit(f) with global shapes and types "
  "(ShapedArray(float32[1]),). Argument mapping: (UnspecifiedValue,).\n"
  "WARNING:jax._src.dispatch:Finished XLA compilation of jit(f) in 0.25 sec\n"
  "WARNING:jax._src.interpreters.partial_eval:TRACING CACHE MISS at /work/p.py:14:4 (<module>):\n"
  "  for f defined at /work/p.py:9\n"
  "  all previously seen cache keys differ. For the closest previous key:\n"
  "  different input types:\n"
  "  * at x, now f32[2] and before f32[1]\n"
  "WARNING:jax._src.dispatch:Finished tracing f for jit in 0.5 sec\n"
  "WARNING:jax._src.interpreters.pxla:Compiling jit(f) with global shapes and types "
  "(ShapedArray(float32[2]),). Argument mapping: (UnspecifiedValue,).\n"
  "WARNING:jax._src.dispatch:Finished XLA compilation of jit(f) in 0.25 sec\n";

static void
write_dump (const char *dir,
            const char *name,
            const char *size)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GString) text = g_string_new (NULL);

  for (const char *p = ir_text; *p != '\0'; p++)
    if (p[0] == '%' && p[1] == 's')
      {
        g_string_append (text, size);
        p++;
      }
    else
      g_string_append_c (text, *p);
  g_assert_true (g_file_set_contents (path, text->str, -1, NULL));
}

static void
test_dump_folder (void)
{
  g_autofree char *dir = g_build_filename (work, "dump", "jax", NULL);
  g_autofree char *ir = g_build_filename (dir, "ir", NULL);
  g_autofree char *log = g_build_filename (dir, "jax-log.txt", NULL);
  g_autofree char *db = g_build_filename (work, "dump.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) functions = NULL, events = NULL;
  g_autoptr(GPtrArray) types = NULL;
  g_autofree char *joined = NULL;
  AgvizFunction *f, *helper;
  AgvizTrace *second;
  guint compiles = 0;

  g_assert_cmpint (g_mkdir_with_parents (ir, 0700), ==, 0);
  write_dump (ir, "jax_ir0000_jit_f_compile.mlir", "1");
  write_dump (ir, "jax_ir0001_jit_f_compile.mlir", "2");
  g_assert_true (g_file_set_contents (log, hook_log, -1, NULL));
  g_assert_cmpint (agviz_importer_detect_format (dir, NULL), ==, AGVIZ_SOURCE_FORMAT_JAX_DUMP);

  g_assert_true (import_into (dir, db, &error));
  g_assert_no_error (error);
  store = agviz_store_open (db, AGVIZ_STORE_FLAGS_NONE, &error);
  functions = agviz_store_list_functions (store, &error);
  events = agviz_store_list_events (store, 0, &error);
  g_assert_no_error (error);
  f = find_function (functions, "f");
  helper = find_function (functions, "helper");
  g_assert_cmpstr (f->file, ==, "/work/p.py");
  g_assert_cmpint (f->line, ==, 9);
  g_assert_cmpuint (f->traces->len, ==, 2);
  g_assert_cmpuint (helper->traces->len, ==, 2);
  second = g_ptr_array_index (f->traces, 1);
  g_assert_cmpstr (second->graph_name, ==, "main (jax_ir0001_jit_f_compile)");
  g_assert_cmpstr (second->signature, ==, "(ShapedArray(float32[2]),)");
  g_assert_cmpstr (second->reason, ==, "x: f32[1] -> f32[2]");
  /* sine, call, return and the argument. */
  g_assert_cmpint (second->node_count, ==, 4);
  g_assert_cmpint (second->wall_ns, ==, 500000000);
  /* The pretty form's types, after each op's ':'. */
  types = g_ptr_array_new_with_free_func (g_free);
  g_assert_true (agviz_store_foreach_trace_node (store, second->id, collect_types, types, &error));
  g_assert_no_error (error);
  g_ptr_array_sort (types, compare_strings);
  g_ptr_array_add (types, NULL);
  joined = g_strjoinv ("|", (char **) types->pdata);
  g_assert_cmpstr (joined, ==, "call=(tensor<2xf32>) -> tensor<2xf32>|return=tensor<2xf32>|"
                               "stablehlo.sine=tensor<2xf32>");
  for (guint i = 0; i < events->len; i++)
    {
      AgvizEvent *event = g_ptr_array_index (events, i);

      if (event->kind != AGVIZ_EVENT_COMPILE)
        continue;
      compiles++;
      g_assert_cmpint (event->function_id, ==, f->id);
      g_assert_nonnull (strstr (event->detail, "XLA compilation 0.250000 s"));
    }
  g_assert_cmpuint (compiles, ==, 2);

  g_remove (log);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("jax_ir%04u_jit_f_compile.mlir", i);
      g_autofree char *path = g_build_filename (ir, name, NULL);
      g_remove (path);
    }
  g_rmdir (ir);
  g_rmdir (dir);
}

/* MLIR's generic form (what `get_asm(print_generic_op_form=True)` prints): a module and a
 * function named by their sym_name properties, a region op with its block arguments. */
static const char generic_text[] =
  "\"builtin.module\"() <{sym_name = \"jit_f\"}> ({\n"
  "  \"func.func\"() <{function_type = (tensor<3xf32>) -> tensor<3xf32>, sym_name = \"main\"}> ({\n"
  "  ^bb0(%arg0: tensor<3xf32> loc(\"x\")):\n"
  "    %0 = \"stablehlo.while\"(%arg0) ({\n"
  "    ^bb0(%arg1: tensor<3xf32>):\n"
  "      %1 = \"stablehlo.constant\"() <{value = dense<1.0> : tensor<f32>}> : () -> tensor<f32>\n"
  "      \"stablehlo.return\"(%1) : (tensor<f32>) -> ()\n"
  "    }) : (tensor<3xf32>) -> tensor<3xf32>\n"
  "    \"func.return\"(%0) : (tensor<3xf32>) -> ()\n"
  "  }) : () -> ()\n"
  "}) : () -> ()\n";

static void
test_generic_form (void)
{
  g_autofree char *source = g_build_filename (work, "generic.mlir", NULL);
  g_autofree char *db = g_build_filename (work, "generic.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) functions = NULL, types = NULL;
  g_autofree char *joined = NULL;
  AgvizFunction *main_function, *region_function;

  g_assert_true (g_file_set_contents (source, generic_text, -1, NULL));
  g_assert_true (import_into (source, db, &error));
  g_assert_no_error (error);
  store = agviz_store_open (db, AGVIZ_STORE_FLAGS_NONE, &error);
  functions = agviz_store_list_functions (store, &error);
  g_assert_no_error (error);
  /* main, and the while loop's region, a graph the loop calls. */
  g_assert_cmpuint (functions->len, ==, 2);
  main_function = find_function (functions, "main");
  region_function = find_function (functions, "main/while/cond");
  /* The block argument x, while, func.return; in the region its block argument, constant and
   * return. */
  g_assert_cmpint (((AgvizTrace *) g_ptr_array_index (main_function->traces, 0))->node_count, ==,
                   3);
  g_assert_cmpint (((AgvizTrace *) g_ptr_array_index (region_function->traces, 0))->node_count,
                   ==, 3);
  /* Each op's type signature, as written after its ':', is its "type" attribute. */
  types = g_ptr_array_new_with_free_func (g_free);
  for (gint64 trace_id = 1; trace_id <= 2; trace_id++)
    g_assert_true (agviz_store_foreach_trace_node (store, trace_id, collect_types, types,
                                                   &error));
  g_assert_no_error (error);
  g_ptr_array_sort (types, compare_strings);
  g_ptr_array_add (types, NULL);
  joined = g_strjoinv ("|", (char **) types->pdata);
  g_assert_cmpstr (joined, ==, "func.return=(tensor<3xf32>) -> ()|"
                               "stablehlo.constant=() -> tensor<f32>|"
                               "stablehlo.return=(tensor<f32>) -> ()|"
                               "stablehlo.while=(tensor<3xf32>) -> tensor<3xf32>");
  g_remove (source);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  work = g_dir_make_tmp ("agviz-jax-import-XXXXXX", NULL);
  g_assert_nonnull (work);

  g_test_add_func ("/jax/log-wordings", test_log_wordings);
  g_test_add_func ("/jax/log-costs-and-places", test_log_costs_and_places);
  g_test_add_func ("/jax/log-errors", test_log_errors);
  g_test_add_func ("/jax/corpus-logs", test_corpus_logs);
  g_test_add_func ("/jax/dump-folder", test_dump_folder);
  g_test_add_func ("/jax/generic-form", test_generic_form);
  status = g_test_run ();

  {
    static const char *const left[] = { "wordings.db", "costs.db", "errors.db", "corpus.db",
                                        "dump.db", "generic.db" };
    g_autofree char *dump = g_build_filename (work, "dump", NULL);

    for (guint i = 0; i < G_N_ELEMENTS (left); i++)
      {
        g_autofree char *db = g_build_filename (work, left[i], NULL);
        agviz_trace_file_remove (db);
      }
    g_rmdir (dump);
    g_rmdir (work);
  }
  g_free (work);
  return status;
}
