/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-svg-output.c: `agviz FILE --svg` end to end, read back as XML: ids, titles, edge counts,
 * hostile names, determinism, and the errors a user can cause */
#include "config.h"

#include <string.h>

#include "agviz-coloring.h"
#include "agviz-op-timings.h"
#include "render-fixture.h"

typedef struct
{
  GHashTable *ids;          /* id -> class */
  guint       groups;       /* <g> with an id */
  guint       titled;       /* of which with a <title> child */
  guint       edges;
  guint       depth;
  gboolean    in_group_title;
  GString    *last_title;
  GString    *current_id;
  GHashTable *fills;        /* node id -> the fill of its box */
  gboolean    in_node;
  gboolean    in_legend;
  gboolean    in_text;
  GString    *legend;       /* the legend's lines, each ending in a newline */
} SvgSummary;

static void
start_element (GMarkupParseContext  *context,
               const char           *element,
               const char          **names,
               const char          **values,
               gpointer              user_data,
               GError              **error)
{
  SvgSummary *summary = user_data;
  const char *id = NULL, *klass = "", *fill = NULL;

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], "id"))
        id = values[i];
      else if (g_str_equal (names[i], "class"))
        klass = values[i];
      else if (g_str_equal (names[i], "fill"))
        fill = values[i];
    }
  if (g_str_equal (element, "g"))
    {
      summary->in_node = id != NULL && g_str_has_prefix (klass, "node");
      summary->in_legend = g_strcmp0 (id, "legend") == 0;
    }
  if (g_str_equal (element, "rect") && summary->in_node && fill != NULL &&
      !g_hash_table_contains (summary->fills, summary->current_id->str))
    g_hash_table_insert (summary->fills, g_strdup (summary->current_id->str), g_strdup (fill));
  if (g_str_equal (element, "text"))
    summary->in_text = TRUE;
  if (g_str_equal (element, "g") && id != NULL && !g_str_equal (id, "legend"))
    {
      g_assert_false (g_hash_table_contains (summary->ids, id));   /* ids are unique */
      g_hash_table_insert (summary->ids, g_strdup (id), g_strdup (klass));
      summary->groups++;
      if (g_str_has_prefix (klass, "edge"))
        summary->edges++;
      g_string_assign (summary->current_id, id);
    }
  if (g_str_equal (element, "title"))
    {
      summary->titled++;
      summary->in_group_title = TRUE;
      g_string_truncate (summary->last_title, 0);
    }
}

static void
end_element (GMarkupParseContext  *context,
             const char           *element,
             gpointer              user_data,
             GError              **error)
{
  SvgSummary *summary = user_data;

  if (g_str_equal (element, "title"))
    summary->in_group_title = FALSE;
  if (g_str_equal (element, "text"))
    {
      summary->in_text = FALSE;
      if (summary->in_legend)
        g_string_append_c (summary->legend, '\n');
    }
  if (g_str_equal (element, "g"))
    summary->in_node = summary->in_legend = FALSE;
}

static void
text (GMarkupParseContext  *context,
      const char           *text,
      gsize                 length,
      gpointer              user_data,
      GError              **error)
{
  SvgSummary *summary = user_data;

  if (summary->in_group_title)
    g_string_append_len (summary->last_title, text, length);
  if (summary->in_legend && summary->in_text)
    g_string_append_len (summary->legend, text, length);
}

static void
summary_clear (SvgSummary *summary)
{
  g_clear_pointer (&summary->ids, g_hash_table_unref);
  g_clear_pointer (&summary->fills, g_hash_table_unref);
  if (summary->legend)
    g_string_free (summary->legend, TRUE);
  if (summary->last_title)
    g_string_free (summary->last_title, TRUE);
  if (summary->current_id)
    g_string_free (summary->current_id, TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SvgSummary, summary_clear)

/* Parses @svg as XML (GMarkup is strict: any bad byte or entity fails). */
static void
parse_svg (const char *svg,
           gsize       length,
           SvgSummary *summary)
{
  static const GMarkupParser parser = { start_element, end_element, text, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;

  summary->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  summary->fills = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  summary->legend = g_string_new (NULL);
  summary->last_title = g_string_new (NULL);
  summary->current_id = g_string_new (NULL);
  context = g_markup_parse_context_new (&parser, 0, summary, NULL);
  g_markup_parse_context_parse (context, svg, length, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (svg, length, NULL));
}

/* Runs the agviz binary; returns its exit status and stdout. */
static int
run_agviz (char       **out,
           const char  *first,
           ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *ignored_out = NULL;
  va_list args;
  int status;

  /* Output the caller does not want is still captured: the test's own stdout is TAP. */
  if (out == NULL)
    out = &ignored_out;
  g_ptr_array_add (argv, (gpointer) g_getenv ("AGVIZ"));
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL) && err != NULL && *err != '\0')
    g_test_message ("agviz stderr: %s", err);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static char *
copy_example (const char *dir)
{
  const char *example = g_getenv ("AGVIZ_EXAMPLE_TRACE");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  char *copy = g_build_filename (dir, "example.db", NULL);
  gsize length;

  g_file_get_contents (example, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (copy, contents, length, &error);
  g_assert_no_error (error);
  return copy;
}

static gboolean
have_example (void)
{
  if (g_getenv ("AGVIZ_EXAMPLE_TRACE") != NULL && g_getenv ("AGVIZ") != NULL)
    return TRUE;
  g_test_skip ("AGVIZ_EXAMPLE_TRACE or AGVIZ not set (run through meson test)");
  return FALSE;
}

static void
test_example_structure (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *trace = NULL;
  g_autofree char *svg_path = NULL;
  g_autofree char *svg = NULL;
  g_autofree char *out = NULL;
  g_auto(SvgSummary) summary = { 0 };
  gsize length;
  const char *klass;

  if (!have_example ())
    return;
  dir = g_dir_make_tmp ("agviz-svg-XXXXXX", NULL);
  trace = copy_example (dir);
  g_free (svg_path);
  svg_path = g_build_filename (dir, "out.svg", NULL);
  /* Exactly the documented form: no subcommand, file first. */
  g_assert_cmpint (run_agviz (&out, trace, "--svg", svg_path, "--all", "--trace",
                              "__inference_train_step_57", NULL), ==, 0);
  g_assert_true (g_file_get_contents (svg_path, &svg, &length, NULL));
  parse_svg (svg, length, &summary);

  /* train_step: x, StatefulPartitionedCall, Sum, Greater, cond, Identity; 7 edges between 6 ops,
   * of which 2 share the pair StatefulPartitionedCall -> Identity? no: each pair is distinct. */
  klass = g_hash_table_lookup (summary.ids, "StatefulPartitionedCall");
  g_assert_nonnull (klass);
  g_assert_cmpstr (klass, ==, "node op call");
  g_assert_nonnull (g_hash_table_lookup (summary.ids, "cond"));
  g_assert_nonnull (g_hash_table_lookup (summary.ids, "x"));
  g_assert_cmpuint (summary.edges, ==, 7);
  g_assert_cmpuint (summary.titled, ==, summary.groups);
  g_assert_cmpuint (summary.groups, ==, 6 + 7);
  g_assert_nonnull (strstr (svg, "op: StatefulPartitionedCall"));
  g_assert_nonnull (strstr (svg, "calls: __inference___call___41"));
  g_assert_nonnull (strstr (svg, "source: "));
  g_assert_nonnull (strstr (svg, "stroke-dasharray=\"5,3\""));   /* the control edge */

  /* Scoped trace: Demo.__call__ at the top level (--depth 1; the default first picture opens
   * a lone scope) shows the demo_module scope collapsed. */
  g_clear_pointer (&svg, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_agviz (&out, "render", trace, "--svg", "-", "--function", "Demo.__call__",
                              "--depth", "1", NULL), ==, 0);
  {
    g_auto(SvgSummary) scoped = { 0 };
    parse_svg (out, strlen (out), &scoped);
    g_assert_cmpstr (g_hash_table_lookup (scoped.ids, "scope:demo_module"), ==, "node scope");
    g_assert_null (g_hash_table_lookup (scoped.ids, "demo_module/dense/MatMul"));
  }
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_agviz (&out, trace, "--svg", "-", "--function", "Demo.__call__", "--focus",
                              "demo_module/dense/MatMul", NULL), ==, 0);
  {
    g_auto(SvgSummary) focused = { 0 };
    parse_svg (out, strlen (out), &focused);
    g_assert_cmpstr (g_hash_table_lookup (focused.ids, "demo_module/dense/MatMul"), ==, "node op focus");
    g_assert_cmpstr (g_hash_table_lookup (focused.ids, "scope:demo_module/dense"), ==, "node scope expanded");
  }

  /* DOT through Graphviz, to stdout. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_agviz (&out, trace, "--dot", "-", "-q", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "digraph"));
  g_assert_nonnull (strstr (out, "pos="));

  /* Errors a user can make: exit codes, and the trace file untouched. */
  g_assert_cmpint (run_agviz (NULL, "render", "/nonexistent/x.db", "--svg", "-", NULL), ==, 3);
  g_assert_cmpint (run_agviz (NULL, trace, "--svg", "-", "--bogus", NULL), ==, 2);
  g_assert_cmpint (run_agviz (NULL, trace, "--svg", "-", "--focus", "no/such/node", NULL), ==, 10);
  g_assert_cmpint (run_agviz (NULL, trace, "--svg", "-", "--function", "nope", NULL), ==, 10);
  g_assert_cmpint (run_agviz (NULL, trace, "--svg", trace, NULL), ==, 2);
  g_assert_cmpint (run_agviz (NULL, trace, "--svg", "-", "--rankdir", "XY", NULL), ==, 2);
  g_assert_cmpint (run_agviz (NULL, "info", trace, NULL), ==, 0);

  render_fixture_remove (trace);
  g_remove (svg_path);
  g_rmdir (dir);
}

static void
test_deterministic (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *trace = NULL;
  g_autofree char *first = NULL, *second = NULL, *cached = NULL, *lr = NULL;

  if (!have_example ())
    return;
  dir = g_dir_make_tmp ("agviz-svg-XXXXXX", NULL);
  trace = copy_example (dir);

  /* Same input, same bytes: without cache twice, then laid out into the cache, then from it. */
  g_assert_cmpint (run_agviz (&first, trace, "--svg", "-", "--all", "-q", "--no-cache", NULL), ==, 0);
  g_assert_cmpint (run_agviz (&second, trace, "--svg", "-", "--all", "-q", "--no-cache", NULL), ==, 0);
  g_assert_cmpstr (first, ==, second);
  g_clear_pointer (&second, g_free);
  g_assert_cmpint (run_agviz (&second, trace, "--svg", "-", "--all", "-q", NULL), ==, 0);
  g_assert_cmpint (run_agviz (&cached, trace, "--svg", "-", "--all", "-q", NULL), ==, 0);
  g_assert_cmpstr (first, ==, second);
  g_assert_cmpstr (first, ==, cached);
  g_assert_cmpint (run_agviz (&lr, trace, "--svg", "-", "--all", "-q", "--rankdir", "LR", NULL), ==, 0);
  g_assert_cmpstr (first, !=, lr);

  render_fixture_remove (trace);
  g_rmdir (dir);
}

static void
test_hostile_names (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GString) huge = g_string_new (NULL);
  g_autofree char *out = NULL;
  guint levels = 10000;

  if (!have_example ())
    return;
  dir = g_dir_make_tmp ("agviz-svg-XXXXXX", NULL);
  path = g_build_filename (dir, "hostile.db", NULL);
  for (guint i = 0; i < levels; i++)
    g_string_append (deep, "d/");
  g_string_append (deep, "leaf");
  g_string_append (huge, "big/");
  for (guint i = 0; huge->len < 1024 * 1024; i++)
    g_string_append (huge, "<&\"'>");
  {
    const FixtureNode nodes[] = {
      { "a//b", "Identity" },
      { "/lead", "Identity" },
      { "x<&\"'>y", "Op<&>" },
      { "ctl\x01\x1f\x7f", "Identity" },
      { "bad\xff\xfe" "utf8", "Identity" },
      { "]]>--&#0;", "Identity" },
      { deep->str, "Deep" },
      { huge->str, "Huge" },
    };
    const FixtureEdge edges[] = {
      { "a//b", 0, "x<&\"'>y" },
      { "x<&\"'>y", 0, "ctl\x01\x1f\x7f" },
      { "ctl\x01\x1f\x7f", -1, "bad\xff\xfe" "utf8" },
      { "bad\xff\xfe" "utf8", 0, deep->str },
      { deep->str, 0, huge->str },
      { "/lead", 0, huge->str },
    };
    render_fixture_write (path, nodes, G_N_ELEMENTS (nodes), edges, G_N_ELEMENTS (edges));
  }

  /* Default view, deeper ones, the 1 MB name's scope, and (with -m slow: 10,000 nested boxes take
   * a while under sanitizers) the whole path down the 10,000 levels. */
  {
    const char *views[][3] = {
      { "--depth", "1", NULL },
      { "--depth", "30", NULL },
      { "--depth", "300", NULL },
      { "--expand", "big", NULL },
      { "--focus", deep->str, NULL },
    };
    guint n_views = g_test_slow () ? G_N_ELEMENTS (views) : G_N_ELEMENTS (views) - 1;

    for (guint v = 0; v < n_views; v++)
      {
        g_auto(SvgSummary) summary = { 0 };

        g_clear_pointer (&out, g_free);
        g_assert_cmpint (run_agviz (&out, path, "--svg", "-", "-q", views[v][0], views[v][1], NULL), ==, 0);
        parse_svg (out, strlen (out), &summary);
        g_assert_cmpuint (summary.titled, ==, summary.groups);
        g_assert_cmpuint (summary.groups, >=, 5);
      }
  }
  /* PNG and DOT of the same go through Graphviz without trouble. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_agviz (&out, path, "--dot", "-", "-q", "--expand", "big", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "digraph"));

  render_fixture_remove (path);
  g_rmdir (dir);
}

static guint
count_class (SvgSummary *summary,
             const char *prefix)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_hash_table_iter_init (&iter, summary->ids);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += g_str_has_prefix (value, prefix);
  return n;
}

static void
test_annotations (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *plain = NULL;
  g_auto(SvgSummary) summary = { 0 };
  g_auto(SvgSummary) plain_summary = { 0 };
  const FixtureNode nodes[] = {
    { "x<&\"'>y", "MatMul" },
    { "k<&\"'>\x01\xff", "Const" },
    { "ka", "Const" }, { "kb", "Const" }, { "kc", "Const" }, { "kd", "Const" },
    { "ke", "Const" }, { "kf", "Const" },
    { "sum]]>", "AddN" },
    { "h&ist", "HistogramSummary" },
  };
  const FixtureEdge edges[] = {
    { "k<&\"'>\x01\xff", 0, "x<&\"'>y" },
    { "ka", 0, "sum]]>" }, { "kb", 0, "sum]]>" }, { "kc", 0, "sum]]>" }, { "kd", 0, "sum]]>" },
    { "ke", 0, "sum]]>" }, { "kf", 0, "sum]]>" },
    { "x<&\"'>y", 0, "sum]]>" },
    { "sum]]>", 0, "h&ist" },
  };

  if (!have_example ())
    return;
  dir = g_dir_make_tmp ("agviz-svg-XXXXXX", NULL);
  path = g_build_filename (dir, "annotated.db", NULL);
  render_fixture_write (path, nodes, G_N_ELEMENTS (nodes), edges, G_N_ELEMENTS (edges));

  g_assert_cmpint (run_agviz (&out, path, "--svg", "-", "-q", NULL), ==, 0);
  parse_svg (out, strlen (out), &summary);
  g_assert_cmpuint (summary.titled, ==, summary.groups);
  /* One beside x<&"'>y, five beside sum]]> and an ellipsis for the sixth, one summary. */
  g_assert_cmpuint (count_class (&summary, "annotation in more"), ==, 1);
  g_assert_cmpuint (count_class (&summary, "annotation out"), ==, 1);
  g_assert_cmpuint (count_class (&summary, "annotation"), ==, 8);
  g_assert_true (g_hash_table_contains (summary.ids, "annotation:k<&\"'>\\x01\xef\xbf\xbd") ||
                 count_class (&summary, "annotation in") == 7);
  g_assert_cmpuint (count_class (&summary, "node op"), ==, 2);
  g_assert_cmpuint (summary.edges, ==, 1);

  g_assert_cmpint (run_agviz (&plain, path, "--svg", "-", "-q", "--no-annotations", NULL), ==, 0);
  parse_svg (plain, strlen (plain), &plain_summary);
  g_assert_cmpuint (count_class (&plain_summary, "annotation"), ==, 0);
  g_assert_cmpuint (count_class (&plain_summary, "node op"), ==, 10);
  g_assert_cmpuint (plain_summary.edges, ==, 9);

  /* The Graphviz path draws them too. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_agviz (&out, path, "--dot", "-", "-q", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "digraph"));
  g_assert_nonnull (strstr (out, "annotation:ka"));

  render_fixture_remove (path);
  g_rmdir (dir);
}

/* The per-op timings a file holds colour its boxes, as in the app: each op type's mean on a log
 * scale from the fastest (light yellow) to the slowest (deep orange), white without a timing, and
 * the legend gives both ends.  A file with none says so. */
static void
test_color_by_time (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *untimed_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *by_op = NULL;
  g_autofree char *untimed = NULL;
  g_auto(SvgSummary) summary = { 0 };
  g_auto(SvgSummary) op_summary = { 0 };
  g_auto(SvgSummary) untimed_summary = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GHashTable) timings = NULL;
  g_autoptr(AgvizColoring) coloring = NULL;
  g_autoptr(GError) error = NULL;
  AgvizColor middle;
  char middle_hex[8];
  const FixtureNode nodes[] = {
    { "x", "Placeholder" }, { "mm", "MatMul" }, { "add", "AddV2" }, { "relu", "Relu" },
    { "out", "Identity" },
  };
  const FixtureEdge edges[] = {
    { "x", 0, "mm" }, { "mm", 0, "add" }, { "add", 0, "relu" }, { "relu", 0, "out" },
  };
  /* MatMul's mean is 2 ms, AddV2's 2 us; Relu lies between.  Placeholder and Identity never ran
   * eagerly. */
  const FixtureRun runs[] = {
    { "MatMul", 1000000 }, { "MatMul", 3000000 }, { "AddV2", 2000 }, { "Relu", 60000 },
  };

  if (!have_example ())
    return;
  dir = g_dir_make_tmp ("agviz-svg-XXXXXX", NULL);
  path = g_build_filename (dir, "timed.db", NULL);
  untimed_path = g_build_filename (dir, "untimed.db", NULL);
  render_fixture_write (path, nodes, G_N_ELEMENTS (nodes), edges, G_N_ELEMENTS (edges));
  render_fixture_add_runs (path, runs, G_N_ELEMENTS (runs));
  render_fixture_write (untimed_path, nodes, G_N_ELEMENTS (nodes), edges, G_N_ELEMENTS (edges));

  g_assert_cmpint (run_agviz (&out, "render", path, "--color-by", "time", "--svg", "-", "-q", NULL), ==, 0);
  parse_svg (out, strlen (out), &summary);
  g_assert_cmpstr (g_hash_table_lookup (summary.fills, "mm"), ==, "#e85c2e");
  g_assert_cmpstr (g_hash_table_lookup (summary.fills, "add"), ==, "#fff5cc");
  g_assert_cmpstr (g_hash_table_lookup (summary.fills, "x"), ==, "#ffffff");
  g_assert_cmpstr (g_hash_table_lookup (summary.fills, "out"), ==, "#ffffff");
  /* Relu, 30 times AddV2 of 1,000 times, is half-way on the log scale: the scale the app uses. */
  store = agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  timings = agviz_op_timings_read (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (timings), ==, 3);
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (timings, "MatMul"), ==, 2000000);
  coloring = agviz_coloring_new (AGVIZ_COLOR_BY_TIME, timings);
  middle = agviz_coloring_time_color (coloring, 60000);
  agviz_color_to_hex (&middle, middle_hex);
  g_assert_cmpstr (g_hash_table_lookup (summary.fills, "relu"), ==, middle_hex);
  g_assert_cmpstr (middle_hex, !=, "#e85c2e");
  g_assert_cmpstr (middle_hex, !=, "#fff5cc");
  g_assert_cmpstr (summary.legend->str, ==,
                   "Colour: time\n"
                   "op type mean 2.0 us (fastest)\n"
                   "op type mean 2.0 ms (slowest)\n"
                   "not timed\n"
                   "dashed: control edge; hollow arrow: reference\n");

  /* The timings change nothing of the other colourings. */
  g_assert_cmpint (run_agviz (&by_op, path, "--svg", "-", "-q", NULL), ==, 0);
  parse_svg (by_op, strlen (by_op), &op_summary);
  g_assert_cmpstr (g_hash_table_lookup (op_summary.fills, "mm"), !=, "#e85c2e");
  g_assert_nonnull (strstr (op_summary.legend->str, "\nMatMul\n"));

  /* Without timings: white boxes, and the legend says why. */
  g_assert_cmpint (run_agviz (&untimed, untimed_path, "--color-by", "time", "--svg", "-", "-q", NULL), ==, 0);
  parse_svg (untimed, strlen (untimed), &untimed_summary);
  g_assert_cmpstr (g_hash_table_lookup (untimed_summary.fills, "mm"), ==, "#ffffff");
  g_assert_nonnull (strstr (untimed_summary.legend->str, "\nno op timings in this file\n"));

  render_fixture_remove (path);
  render_fixture_remove (untimed_path);
  g_rmdir (dir);
}

/* The legend lists the keys of the boxes drawn, the most common first, ties by name, twelve at
 * most and then how many more: the same rule as the app's (tests/gui/test-graph-view.c checks
 * that the two agree). */
static void
test_legend_order (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_auto(SvgSummary) summary = { 0 };
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) nodes = g_array_new (FALSE, FALSE, sizeof (FixtureNode));
  /* 13 op types: Zeta 3 times, Alpha and Beta twice, the other ten once. */
  const char *const ops[] = { "Zeta", "Zeta", "Zeta", "Beta", "Alpha", "Beta", "Alpha", "Kappa",
                              "Iota", "Theta", "Eta", "Epsilon", "Delta", "Gamma", "Lambda", "Mu",
                              "Nu" };

  if (!have_example ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      FixtureNode node = { NULL, ops[i] };

      g_ptr_array_add (names, g_strdup_printf ("n%u", i));
      node.name = g_ptr_array_index (names, i);
      g_array_append_val (nodes, node);
    }
  dir = g_dir_make_tmp ("agviz-svg-XXXXXX", NULL);
  path = g_build_filename (dir, "keys.db", NULL);
  render_fixture_write (path, (FixtureNode *) nodes->data, nodes->len, NULL, 0);

  g_assert_cmpint (run_agviz (&out, path, "--svg", "-", "-q", NULL), ==, 0);
  parse_svg (out, strlen (out), &summary);
  g_assert_cmpstr (summary.legend->str, ==,
                   "Colour: op type\n"
                   "Zeta\nAlpha\nBeta\nDelta\nEpsilon\nEta\nGamma\nIota\nKappa\nLambda\nMu\nNu\n"
                   "… 1 more\n"
                   "dashed: control edge; hollow arrow: reference\n");

  render_fixture_remove (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/agviz/render/example-structure", test_example_structure);
  g_test_add_func ("/agviz/render/deterministic", test_deterministic);
  g_test_add_func ("/agviz/render/hostile-names", test_hostile_names);
  g_test_add_func ("/agviz/render/annotations", test_annotations);
  g_test_add_func ("/agviz/render/color-by-time", test_color_by_time);
  g_test_add_func ("/agviz/render/legend-order", test_legend_order);
  return g_test_run ();
}
