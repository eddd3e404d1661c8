/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-mlir-import.c: StableHLO / MLIR text (what jax.jit lowers to) imported into traces
 *
 * Every .mlir file of the corpus folder 05_mlir_locations imports, with its functions and ops
 * counted against the file's own lines by a rule that knows nothing of the parser (see
 * count_lines()), and each region is a graph its op calls; small texts written here pin down
 * names from name stacks, source stacks from file, callsite and fused locations, regions as
 * called graphs with their arguments and captured values, and errors that name
 * FILE:LINE:COLUMN and leave the trace file as it was.  The CLI imports and draws one.
 */
#include "import-into.h"
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "agviz-core.h"
#include "agviz-importer.h"
#include "../hardening-util.h"

static char *work;

/* ---- helpers ----------------------------------------------------------------------------- */

static char *
write_text (const char *name,
            const char *text)
{
  return write_text_in (work, name, text);
}

/* Imports @source into a fresh trace file @db; returns whether it succeeded. */
static gboolean
import_into (const char        *source,
             const char        *db,
             AgvizImportStats  *stats,
             GError           **error)
{
  return import_into_fresh_file (source, db, stats, NULL, error);
}

static gboolean
count_non_argument (const AgvizNodeRow *row,
                    gpointer            user_data)
{
  if (strcmp (row->op_type, "_Arg") != 0)
    (*(guint *) user_data)++;
  return TRUE;
}

/* Nodes that are ops (not _Arg) over the traces 1..@traces of @store. */
static guint
count_op_nodes (AgvizStore *store,
                guint64     traces)
{
  g_autoptr(GError) error = NULL;
  guint ops = 0;

  for (gint64 id = 1; id <= (gint64) traces; id++)
    {
      g_assert_true (agviz_store_foreach_trace_node (store, id, count_non_argument, &ops,
                                                     &error));
      g_assert_no_error (error);
    }
  return ops;
}

typedef struct
{
  AgvizStore *store;
  guint       region_calls;
} CallCount;

/* A call to a region's graph (every call but a `call @f`'s, role "callee"), whose graph must
 * have been recorded. */
static gboolean
count_region_call (gint64      node_id,
                   const char *role,
                   const char *callee,
                   gpointer    user_data)
{
  CallCount *count = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizTrace) trace = NULL;

  if (strcmp (role, "callee") == 0)
    return TRUE;
  trace = agviz_store_find_trace (count->store, callee, &error);
  g_assert_no_error (error);
  g_assert_nonnull (trace);
  count->region_calls++;
  return TRUE;
}

static guint
count_region_calls (AgvizStore *store,
                    guint64     traces)
{
  g_autoptr(GError) error = NULL;
  CallCount count = { store, 0 };

  for (gint64 id = 1; id <= (gint64) traces; id++)
    {
      g_assert_true (agviz_store_foreach_trace_call (store, id, count_region_call, &count,
                                                     &error));
      g_assert_no_error (error);
    }
  return count.region_calls;
}

/* ---- counting a file's functions and ops by its lines ------------------------------------ */

static gboolean
is_dotted_op_name (const char *word)
{
  gboolean dot = FALSE;

  if (!g_ascii_islower (word[0]) && word[0] != '_')
    return FALSE;
  for (const char *p = word; *p != '\0'; p++)
    {
      if (*p == '.')
        {
          if (p[1] == '\0' || p[1] == '.')
            return FALSE;
          dot = TRUE;
        }
      else if (!g_ascii_isalnum (*p) && *p != '_')
        return FALSE;
    }
  return dot;
}

/* The rule, independent of the importer's tokenizer: MLIR prints one op per line.  Lines are
 * read up to the file-metadata block ("{-#"), comment lines skipped.  A FUNCTION is a line whose
 * first word is `func.func` or `func` and that ends with '{' (a body follows; declarations
 * have none).  An OP is any other line that starts with `%` and holds " = " (results), with
 * '"' (generic form), with the word `return`, or with a dotted name (`stablehlo.add`,
 * `sdy.mesh`); `module`/`builtin.module`, block labels, aliases, `}` and wrapped continuation
 * lines are none.  A REGION opens on any other line that ends with '{' (`cond {`, `} do {`,
 * `"stablehlo.case"(%3) ({`, `}, {`, `affine.for %i = 0 to 8 {`). */
static void
count_lines (const char *text,
             guint      *functions,
             guint      *ops,
             guint      *regions)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  *functions = *ops = *regions = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));
      g_autofree char *word = NULL;
      gsize length = strcspn (line, " (<{");

      if (g_str_has_prefix (line, "{-#"))
        break;
      if (line[0] == '\0' || g_str_has_prefix (line, "//"))
        continue;
      word = g_strndup (line, length);
      if (strcmp (word, "func.func") == 0 || strcmp (word, "func") == 0)
        {
          if (g_str_has_suffix (line, "{"))
            (*functions)++;
          continue;
        }
      if (strcmp (word, "builtin.module") == 0 || strcmp (word, "module") == 0)
        continue;
      if (g_str_has_suffix (line, "{"))
        (*regions)++;
      if ((line[0] == '%' && strstr (line, " = ") != NULL) || line[0] == '"' ||
          strcmp (word, "return") == 0 || is_dotted_op_name (word))
        (*ops)++;
    }
}

/* ---- the corpus -------------------------------------------------------------------------- */

static void
collect_mlir_files (const char *dir,
                    GPtrArray  *files)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  if (listing == NULL)
    return;
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        collect_mlir_files (child, files);
      else if (g_str_has_suffix (name, ".mlir"))
        g_ptr_array_add (files, g_steal_pointer (&child));
    }
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
test_corpus_counts (void)
{
  const char *corpus = g_getenv ("AGVIZ_CORPUS_DIR");
  g_autofree char *folder = NULL;
  g_autofree char *db = g_build_filename (work, "corpus.db", NULL);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  if (corpus != NULL)
    folder = g_build_filename (corpus, "05_mlir_locations", NULL);
  if (folder == NULL || !g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      /* CI always has the corpus beside the clone: a skip there would hide a broken set-up. */
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("the real-file corpus is absent under CI (AGVIZ_CORPUS_DIR=%s)", corpus);
      g_test_skip ("the real-file corpus is absent (set AGVIZ_CORPUS_DIR to ../shared/corpus)");
      return;
    }
  collect_mlir_files (folder, files);
  g_ptr_array_sort (files, compare_paths);
  g_assert_cmpuint (files->len, >=, 16);

  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(AgvizStore) store = NULL;
      g_autofree char *text = NULL;
      AgvizImportStats stats;
      guint functions, ops, regions;

      g_assert_true (g_file_get_contents (path, &text, NULL, &error));
      count_lines (text, &functions, &ops, &regions);
      if (!import_into (path, db, &stats, &error))
        g_error ("%s", error->message);
      store = agviz_store_open (db, AGVIZ_STORE_FLAGS_NONE, &error);
      g_assert_no_error (error);
      g_test_message ("%s: %u functions, %u ops, %u regions (counted: %" G_GUINT64_FORMAT
                      " functions, %u ops, %u region calls, %" G_GUINT64_FORMAT " traces, %"
                      G_GUINT64_FORMAT " edges, %" G_GUINT64_FORMAT " with stacks)",
                      path + strlen (folder) + 1, functions, ops, regions, stats.functions,
                      count_op_nodes (store, stats.traces),
                      count_region_calls (store, stats.traces), stats.traces, stats.edges,
                      stats.nodes_with_stacks);
      g_assert_cmpuint (stats.functions, ==, functions);
      g_assert_cmpuint (count_op_nodes (store, stats.traces), ==, ops);
      /* Each region is a graph of its own, called by its op. */
      g_assert_cmpuint (count_region_calls (store, stats.traces), ==, regions);
      g_assert_cmpuint (stats.traces, >=, stats.functions + regions);
    }
  agviz_trace_file_remove (db);
}

/* ---- locations, names and regions -------------------------------------------------------- */

static const char located_text[] =
  "// jax.jit(f).lower(x).as_text(debug_info=True), trimmed\n"
  "#loc1 = loc(\"prog.py\":12:5)\n"
  "#loc2 = loc(\"jit(f)/jit(main)/dense/dot_general[precision=None]\"(#loc1))\n"
  "module @jit_f attributes {mhlo.num_partitions = 1 : i32} {\n"
  "  func.func public @main(%arg0: tensor<2xf32> {mhlo.layout_mode = \"default\"} loc(\"x\"))"
  " -> (tensor<2xf32>) {\n"
  "    %0 = stablehlo.multiply %arg0, %arg0 : tensor<2xf32> loc(#loc2)\n"
  "    %1 = stablehlo.add %0, %arg0 : tensor<2xf32> loc(#loc3)\n"
  "    %2:2 = \"tt.fancy_op\"(%1) : (tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>)"
  " loc(fused[\"tt\", \"kernel.py\":7:1])\n"
  "    %3 = call @helper(%2#1) : (tensor<2xf32>) -> tensor<2xf32> loc(#loc)\n"
  "    return %3 : tensor<2xf32> loc(#loc)\n"
  "  } loc(#loc)\n"
  "  func.func private @helper(%arg0: tensor<2xf32>) -> tensor<2xf32> {\n"
  "    %c = stablehlo.constant dense<0> : tensor<i64>\n"
  "    %0:2 = stablehlo.while(%iterArg = %arg0, %iterArg_0 = %c) : tensor<2xf32>, tensor<i64>\n"
  "     cond {\n"
  "      %1 = stablehlo.compare  LT, %iterArg_0, %c,  SIGNED : (tensor<i64>, tensor<i64>)"
  " -> tensor<i1>\n"
  "      stablehlo.return %1 : tensor<i1>\n"
  "    } do {\n"
  "      %1 = stablehlo.negate %iterArg : tensor<2xf32>\n"
  "      stablehlo.return %1, %iterArg_0 : tensor<2xf32>, tensor<i64>\n"
  "    }\n"
  "    return %0#0 : tensor<2xf32>\n"
  "  }\n"
  "} loc(#loc)\n"
  "#loc = loc(unknown)\n"
  "#loc3 = loc(callsite(\"jit(f)/jit(main)/add\"(\"lib.py\":3:9) at \"prog.py\":20:1))\n";

typedef struct
{
  const char *file;
  int         line;
  int         column;
} ExpectedFrame;

static void
assert_stack (AgvizStore          *store,
              gint64               trace_id,
              const char          *node_name,
              const char          *op_type,
              const ExpectedFrame *frames,
              guint                n_frames)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizNode) node = agviz_store_find_node (store, trace_id, node_name, &error);
  g_autoptr(GPtrArray) stack = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_cmpstr (node->op_type, ==, op_type);
  if (n_frames == 0)
    {
      g_assert_cmpint (node->stack_id, ==, 0);
      return;
    }
  stack = agviz_store_get_stack_frames (store, node->stack_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stack->len, ==, n_frames);
  for (guint i = 0; i < n_frames; i++)
    {
      AgvizFrame *frame = g_ptr_array_index (stack, i);

      g_assert_cmpstr (frame->file, ==, frames[i].file);
      g_assert_cmpint (frame->line, ==, frames[i].line);
      g_assert_cmpint (frame->column, ==, frames[i].column);
    }
}

static gboolean
collect_node_name (const AgvizNodeRow *row,
                   gpointer            user_data)
{
  g_ptr_array_add (user_data, g_strdup (row->name));
  return TRUE;
}

/* Node @op_name of trace @trace_id calls @graph as @role, a trace whose nodes are exactly
 * @names. */
static void
assert_region (AgvizStore        *store,
               gint64             trace_id,
               const char        *op_name,
               const char        *role,
               const char        *graph,
               const char *const *names)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizNode) node = agviz_store_find_node (store, trace_id, op_name, &error);
  g_autoptr(AgvizTrace) callee = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) calls = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (node);
  calls = agviz_store_list_node_calls (store, node->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (calls, role), ==, graph);
  callee = agviz_store_find_trace (store, graph, &error);
  g_assert_no_error (error);
  g_assert_nonnull (callee);
  g_assert_true (agviz_store_foreach_trace_node (store, callee->id, collect_node_name, found,
                                                 &error));
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, g_strv_length ((char **) names));
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(AgvizNode) inner = agviz_store_find_node (store, callee->id, names[i], &error);

      g_assert_no_error (error);
      if (inner == NULL)
        g_error ("%s has no node %s", graph, names[i]);
    }
}

/* The nodes feeding node @name of trace @trace_id, in input order, are @sources. */
static void
assert_inputs (AgvizStore        *store,
               gint64             trace_id,
               const char        *name,
               const char *const *sources)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizNode) node = agviz_store_find_node (store, trace_id, name, &error);
  g_autoptr(GArray) edges = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_true (agviz_store_list_node_edges (store, node->id, &edges, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (edges->len, ==, g_strv_length ((char **) sources));
  for (guint i = 0; sources[i] != NULL; i++)
    {
      const AgvizEdge *edge = &g_array_index (edges, AgvizEdge, i);
      g_autoptr(AgvizNode) source = agviz_store_get_node (store, edge->src_node_id, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (source->name, ==, sources[i]);
    }
}

static void
test_locations_and_regions (void)
{
  g_autofree char *source = write_text ("located.mlir", located_text);
  g_autofree char *db = g_build_filename (work, "located.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(AgvizTrace) main_trace = NULL;
  g_autoptr(AgvizTrace) helper = NULL;
  g_autoptr(AgvizNode) node = NULL;
  AgvizImportStats stats;
  static const ExpectedFrame dense[] = { { "prog.py", 12, 5 } };
  static const ExpectedFrame add[] = { { "prog.py", 20, 1 }, { "lib.py", 3, 9 } };
  static const ExpectedFrame fused[] = { { "kernel.py", 7, 1 } };

  g_assert_true (import_into (source, db, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.functions, ==, 2);
  /* main, helper and the while loop's cond and body. */
  g_assert_cmpuint (stats.traces, ==, 4);
  /* main: x, multiply, add, fancy_op, call, return; helper: arg0, constant, while, return;
   * cond: the loop's two arguments, the constant it captures, compare, return; body: the two
   * arguments, negate, return. */
  g_assert_cmpuint (stats.nodes, ==, 6 + 4 + 5 + 4);
  /* main: 2 + 2 + 1 + 1 + 1; helper: while's 2 operands (the captured constant is one
   * already), return 1; cond: compare 2, return 1; body: negate 1, return 2. */
  g_assert_cmpuint (stats.edges, ==, 7 + 3 + 3 + 3);
  /* call @helper; while calls cond and body. */
  g_assert_cmpuint (stats.calls, ==, 3);
  g_assert_cmpuint (stats.nodes_with_stacks, ==, 3);

  store = agviz_store_open (db, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  main_trace = agviz_store_find_trace (store, "main", &error);
  g_assert_no_error (error);
  g_assert_nonnull (main_trace);
  /* The name stack is the scoped name (its parameters dropped), the file location the stack;
   * callsite(callee at caller) gives the caller's frame first; fused[] its first file. */
  assert_stack (store, main_trace->id, "jit(f)/jit(main)/dense/dot_general",
                "stablehlo.multiply", dense, 1);
  assert_stack (store, main_trace->id, "jit(f)/jit(main)/add", "stablehlo.add", add, 2);
  assert_stack (store, main_trace->id, "tt", "tt.fancy_op", fused, 1);
  /* Arguments are named by their loc("x"); unlocated ops by their op type. */
  assert_stack (store, main_trace->id, "x", "_Arg", NULL, 0);
  assert_stack (store, main_trace->id, "call", "call", NULL, 0);

  helper = agviz_store_find_trace (store, "helper", &error);
  g_assert_no_error (error);
  g_assert_nonnull (helper);
  assert_stack (store, helper->id, "while", "stablehlo.while", NULL, 0);
  assert_stack (store, helper->id, "return", "return", NULL, 0);
  /* The loop's arguments are its regions', not the function's. */
  g_assert_null (agviz_store_find_node (store, helper->id, "iterArg", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  /* Each region a graph that the while op calls, as TensorFlow's While calls cond and body;
   * the pretty form's `do` is StableHLO's body. */
  assert_region (store, helper->id, "while", "cond", "helper/while/cond",
                 (const char *const[]) { "iterArg", "iterArg_0", "constant", "compare", "return",
                                         NULL });
  assert_region (store, helper->id, "while", "body", "helper/while/body",
                 (const char *const[]) { "iterArg", "iterArg_0", "negate", "return", NULL });
  g_clear_object (&store);
  agviz_trace_file_remove (db);
}

/* Regions inside regions: names stop at each region op, and a value captured two levels up
 * passes through an _Arg at each level (one edge into each region op). */
static void
test_nested_regions (void)
{
  g_autofree char *source = write_text ("nested.mlir",
    "#loc1 = loc(\"step\"(\"prog.py\":4:2))\n"
    "func.func @f(%x: tensor<f32>, %p: tensor<i32>) -> tensor<f32> {\n"
    "  %c = stablehlo.constant dense<1.0> : tensor<f32>\n"
    "  %0 = stablehlo.while(%iterArg = %x) : tensor<f32> loc(\"jit(f)/while\"(#loc1))\n"
    "   cond {\n"
    "    %t = stablehlo.constant dense<true> : tensor<i1> loc(\"jit(f)/while/cond/t\"(#loc1))\n"
    "    stablehlo.return %t : tensor<i1>\n"
    "  } do {\n"
    "    %1 = \"stablehlo.case\"(%p) ({\n"
    "      %2 = stablehlo.add %iterArg, %c : tensor<f32>"
    " loc(\"jit(f)/while/body/cond/branch_0_fun/add\"(#loc1))\n"
    "      stablehlo.return %2 : tensor<f32>\n"
    "    }, {\n"
    "      stablehlo.return %iterArg : tensor<f32>\n"
    "    }) : (tensor<i32>) -> tensor<f32> loc(\"jit(f)/while/body/cond\"(#loc1))\n"
    "    stablehlo.return %1 : tensor<f32>\n"
    "  }\n"
    "  return %0 : tensor<f32>\n"
    "}\n");
  g_autofree char *db = g_build_filename (work, "nested.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(AgvizTrace) f = NULL;
  g_autoptr(AgvizTrace) body = NULL;
  AgvizImportStats stats;

  g_assert_true (import_into (source, db, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.functions, ==, 1);
  g_assert_cmpuint (stats.traces, ==, 5);
  /* f: x, p, constant, while, return; cond: iterArg, t, return; body: iterArg, p, the
   * constant, case, return; branches[0]: iterArg, the constant, add, return; branches[1]:
   * iterArg, return. */
  g_assert_cmpuint (stats.nodes, ==, 5 + 3 + 5 + 4 + 2);
  /* while: x, p, c; f's return; cond's return; case: p, iterArg, c; body's return; add 2,
   * its return; branches[1]'s return. */
  g_assert_cmpuint (stats.edges, ==, 4 + 1 + 4 + 3 + 1);
  g_assert_cmpuint (stats.calls, ==, 4);

  store = agviz_store_open (db, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  f = agviz_store_find_trace (store, "f", &error);
  g_assert_no_error (error);
  assert_inputs (store, f->id, "jit(f)/while", (const char *const[]) { "x", "p", "constant",
                                                                      NULL });
  assert_region (store, f->id, "jit(f)/while", "cond", "f/while/cond",
                 (const char *const[]) { "iterArg", "t", "return", NULL });
  assert_region (store, f->id, "jit(f)/while", "body", "f/while/body",
                 (const char *const[]) { "iterArg", "p", "constant", "cond", "return", NULL });
  body = agviz_store_find_trace (store, "f/while/body", &error);
  g_assert_no_error (error);
  /* A name around a file location below the name stack is that frame's Python function. */
  {
    g_autoptr(AgvizTrace) branch = agviz_store_find_trace (store, "f/while/body/cond/branches[0]",
                                                           &error);
    g_autoptr(AgvizNode) add = agviz_store_find_node (store, branch->id, "branch_0_fun/add",
                                                      &error);
    g_autoptr(GPtrArray) stack = NULL;

    g_assert_no_error (error);
    stack = agviz_store_get_stack_frames (store, add->stack_id, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (stack->len, ==, 1);
    g_assert_cmpstr (((AgvizFrame *) g_ptr_array_index (stack, 0))->function, ==, "step");
    g_assert_cmpint (((AgvizFrame *) g_ptr_array_index (stack, 0))->line, ==, 4);
  }
  assert_inputs (store, body->id, "cond", (const char *const[]) { "p", "iterArg", "constant",
                                                                  NULL });
  assert_region (store, body->id, "cond", "branches[0]", "f/while/body/cond/branches[0]",
                 (const char *const[]) { "iterArg", "constant", "branch_0_fun/add", "return",
                                         NULL });
  assert_region (store, body->id, "cond", "branches[1]", "f/while/body/cond/branches[1]",
                 (const char *const[]) { "iterArg", "return", NULL });
  g_clear_object (&store);
  agviz_trace_file_remove (db);
}

/* ---- errors ------------------------------------------------------------------------------ */

typedef struct
{
  const char *text;
  int         code;
  const char *message;       /* after "PATH:" */
} BadText;

static void
test_errors (void)
{
  static const BadText cases[] = {
    /* Cut short inside a function body. */
    { "module {\n  func.func @f(%a: tensor<f32>) -> tensor<f32> {\n"
      "    %0 = stablehlo.add %a, %a : tensor<f32>\n",
      AGVIZ_IMPORT_ERROR_TRUNCATED, "4:1: the file ends inside the region of the op at 2:3" },
    /* Cut short inside an op's brackets. */
    { "func.func @f() {\n  %0 = \"x.y\"() {a = [1, 2 : () -> i32\n}\n",
      AGVIZ_IMPORT_ERROR_SYNTAX, "3:1: '}' does not close the '[' opened at 2:21" },
    { "func.func @f() {\n  %0 = \"x.y\"() : () -> tensor<2xf32\n",
      AGVIZ_IMPORT_ERROR_TRUNCATED,
      "3:1: the file ends inside the op at 2:3 ('<' opened at 2:30 is never closed)" },
    { "func.func @f() {\n  %0 = \"x.y\"() : () -> i32 loc(callsite(\"a\" on \"b\"))\n}\n",
      AGVIZ_IMPORT_ERROR_SYNTAX, "2:45: expected 'at' in callsite(), found a keyword" },
    { "func.func @f() {\n  %0 %1 = \"x.y\"() : () -> i32\n}\n",
      AGVIZ_IMPORT_ERROR_SYNTAX, "2:6: expected '=' after the results, found a value" },
    { "func.func @f() {\n  return loc(#nowhere)\n}\n",
      AGVIZ_IMPORT_ERROR_SYNTAX, "2:14: location alias #nowhere is never defined" },
    { "func.func @f() {\n  %0 = \"x.y\"() {s = \"open : () -> i32\n}\n",
      AGVIZ_IMPORT_ERROR_SYNTAX, "2:21: string is never closed on its line" },
    { "module {\n}\n}\n", AGVIZ_IMPORT_ERROR_SYNTAX, "3:1: '}' closes nothing" },
    { "// nothing but a comment\nmodule {\n}\n", AGVIZ_IMPORT_ERROR_NOTHING,
      " the MLIR text holds no function with a body and no op" },
  };
  g_autofree char *db = g_build_filename (work, "errors.db", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *source = write_text ("bad.mlir", cases[i].text);
      g_autofree char *expected = g_strdup_printf ("%s:%s", source, cases[i].message);
      g_autoptr(GError) error = NULL;
      g_autoptr(AgvizStore) store = NULL;
      AgvizStoreTotals totals;

      g_assert_false (import_into (source, db, NULL, &error));
      g_assert_error (error, AGVIZ_IMPORT_ERROR, cases[i].code);
      g_assert_cmpstr (error->message, ==, expected);
      g_clear_error (&error);
      /* The batch rolled back: not a function, trace or file row. */
      store = agviz_store_open (db, AGVIZ_STORE_FLAGS_NONE, &error);
      g_assert_no_error (error);
      g_assert_true (agviz_store_get_totals (store, &totals, &error));
      g_assert_cmpint (totals.traces, ==, 0);
      g_assert_cmpint (totals.nodes, ==, 0);
    }
  agviz_trace_file_remove (db);
}

/* Regions nested far deeper than any program: refused with a limit, the C stack untouched. */
static void
test_deep_nesting (void)
{
  g_autoptr(GString) text = g_string_new ("func.func @f() {\n");
  g_autofree char *source = NULL;
  g_autofree char *db = g_build_filename (work, "deep.db", NULL);
  g_autoptr(GError) error = NULL;
  AgvizImportStats stats;

  for (guint i = 0; i < 20000; i++)
    g_string_append (text, "\"x.region\"() ({\n");
  source = write_text ("deep.mlir", text->str);
  g_assert_false (import_into (source, db, NULL, &error));
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "deep.mlir:257:1: regions nested more than 256 deep"));
  g_clear_error (&error);

  /* Brackets and locations nested deep as well. */
  g_string_assign (text, "func.func @f() {\n  %0 = \"x.y\"() {a = ");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (text, '[');
  g_string_append (text, "\n");
  source = (g_free (source), write_text ("deep.mlir", text->str));
  g_assert_false (import_into (source, db, NULL, &error));
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_TRUNCATED);
  g_clear_error (&error);

  g_string_assign (text, "func.func @f() {\n  return loc(");
  for (guint i = 0; i < 10000; i++)
    g_string_append (text, "callsite(");
  source = (g_free (source), write_text ("deep.mlir", text->str));
  g_assert_false (import_into (source, db, NULL, &error));
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "location nested more than 512 deep"));
  g_clear_error (&error);

  /* Aliases sharing parts: each level doubles the walk, which stops after a bounded number of
   * visits (here 2^80 otherwise). */
  g_string_assign (text, "#l0 = loc(\"f.py\":1:1)\n");
  for (guint i = 1; i <= 80; i++)
    g_string_append_printf (text, "#l%u = loc(callsite(#l%u at #l%u))\n", i, i - 1, i - 1);
  g_string_append (text, "func.func @f() {\n  return loc(#l80)\n}\n");
  source = (g_free (source), write_text ("deep.mlir", text->str));
  g_assert_true (import_into (source, db, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.nodes_with_stacks, ==, 1);
  agviz_trace_file_remove (db);
}

/* >= and <= in affine constraints are no angle brackets. */
static void
test_affine_constraints (void)
{
  g_autofree char *source = write_text ("affine.mlir",
    "#set = affine_set<(d0) : (d0 - 1 >= 0, 9 - d0 >= 0)>\n"
    "func.func @f(%i: index) {\n"
    "  affine.if #set(%i) {\n"
    "    \"x.y\"(%i) : (index) -> ()\n"
    "  }\n"
    "  return\n"
    "}\n");
  g_autofree char *db = g_build_filename (work, "affine.db", NULL);
  g_autoptr(GError) error = NULL;
  AgvizImportStats stats;

  g_assert_true (import_into (source, db, &stats, &error));
  g_assert_no_error (error);
  /* i, affine.if, return; in its region, %i captured and x.y; %i into affine.if, and its
   * capture into x.y. */
  g_assert_cmpuint (stats.nodes, ==, 5);
  g_assert_cmpuint (stats.edges, ==, 2);
  agviz_trace_file_remove (db);
}

/* Recognised by content whatever the name; the error for other text lists what was tried. */
static void
test_detection (void)
{
  g_autofree char *module = write_text ("lowered.txt", "// dump\nmodule @jit_f {\n}\n");
  g_autofree char *aliases = write_text ("aliases", "#loc1 = loc(\"a.py\":1:1)\nmodule {\n}\n");
  g_autofree char *func = write_text ("f.ir", "func.func @f() {\n  return\n}\n");
  g_autofree char *other = write_text ("notes.txt", "modules are nice\n");
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (agviz_importer_detect_format (module, NULL), ==,
                   AGVIZ_SOURCE_FORMAT_MLIR_TEXT);
  g_assert_cmpint (agviz_importer_detect_format (aliases, NULL), ==,
                   AGVIZ_SOURCE_FORMAT_MLIR_TEXT);
  g_assert_cmpint (agviz_importer_detect_format (func, NULL), ==,
                   AGVIZ_SOURCE_FORMAT_MLIR_TEXT);
  g_assert_cmpstr (agviz_source_format_to_string (AGVIZ_SOURCE_FORMAT_MLIR_TEXT), ==,
                   "StableHLO/MLIR text");
  g_assert_cmpint (agviz_importer_detect_format (other, &error), ==,
                   AGVIZ_SOURCE_FORMAT_UNKNOWN);
  g_assert_nonnull (strstr (error->message, "; StableHLO/MLIR text (.mlir files"));
}

/* ---- the command line -------------------------------------------------------------------- */

static void
test_cli_import_and_draw (void)
{
  g_autofree char *source = write_text ("cli.mlir", located_text);
  g_autofree char *db = g_build_filename (work, "cli.db", NULL);
  g_autofree char *svg = g_build_filename (work, "cli.svg", NULL);
  g_auto(AgvizRun) run = { 0 };
  g_autofree char *drawing = NULL;
  g_autofree char *expected = NULL;

  if (!agviz_have_binary ())
    return;
  agviz_trace_file_remove (db);
  agviz_run (&run, "import", source, "-o", db, NULL);
  g_assert_cmpint (run.status, ==, 0);
  expected = g_strdup_printf ("%s: 4 traces, 19 nodes, 16 edges, 3 with stacks, 0 executions\n",
                              source);
  g_assert_cmpstr (run.out, ==, expected);
  agviz_run_clear (&run);
  /* helper with its while loop opened: the graphs of cond and body drawn inside it. */
  agviz_run (&run, db, "--svg", svg, "--trace", "helper", "--expand", "while", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_file_get_contents (svg, &drawing, NULL, NULL));
  g_assert_true (g_str_has_prefix (drawing, "<?xml") || strstr (drawing, "<svg") != NULL);
  g_assert_nonnull (strstr (drawing, "stablehlo.while"));
  g_assert_nonnull (strstr (drawing, "helper/while/body"));
  g_assert_nonnull (strstr (drawing, "stablehlo.negate"));
  g_assert_nonnull (strstr (drawing, "stablehlo.compare"));
  g_remove (svg);
  agviz_trace_file_remove (db);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  work = g_dir_make_tmp ("agviz-mlir-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/mlir/corpus-counts", test_corpus_counts);
  g_test_add_func ("/mlir/locations-and-regions", test_locations_and_regions);
  g_test_add_func ("/mlir/nested-regions", test_nested_regions);
  g_test_add_func ("/mlir/errors", test_errors);
  g_test_add_func ("/mlir/deep-nesting", test_deep_nesting);
  g_test_add_func ("/mlir/affine-constraints", test_affine_constraints);
  g_test_add_func ("/mlir/detection", test_detection);
  g_test_add_func ("/mlir/cli", test_cli_import_and_draw);
  status = g_test_run ();

  {
    g_autoptr(GDir) dir = g_dir_open (work, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (work, name, NULL);
        g_remove (path);
      }
  }
  g_rmdir (work);
  g_free (work);
  return status;
}
