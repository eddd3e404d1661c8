/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-hostile-input.c: trace files with hostile content, recorded through the recorder API:
 * every CLI command finishes in bounded time without crashing, and drawings are valid XML
 *
 * Names with markup characters, quotes, newlines, control characters, invalid UTF-8 and
 * right-to-left marks; a 100,000-level scope path; functions that call themselves and each
 * other; self-loops; 1,000,000 edges between two nodes; a 100 MB attribute value.  Each file goes
 * through `agviz info`, `info --check`, `check`, `where` and `--svg` (read back by GMarkup and,
 * where installed, xmllint).  Sizes shrink under valgrind, where every step is ~50x slower.
 */
#include "config.h"

#include "agviz-core.h"
#include "agviz-scene.h"
#include "../hardening-util.h"

/* Bounded time: generous for loaded CI machines and sanitizer builds. */
#define MAX_SECONDS_PER_COMMAND 120.0

typedef struct
{
  AgvizRecorder *recorder;
  gint64         function;
  gint64         trace;
} Writer;

static void
writer_begin (Writer     *writer,
              const char *path,
              const char *function_name,
              const char *graph_name)
{
  g_autoptr(GError) error = NULL;

  if (writer->recorder == NULL)
    writer->recorder = agviz_recorder_open (path, &error);
  g_assert_no_error (error);
  writer->function = agviz_recorder_add_function (writer->recorder, function_name, 0, 0, &error);
  g_assert_no_error (error);
  writer->trace = agviz_recorder_begin_trace (writer->recorder, writer->function, graph_name,
                                              "x: <&\"'>\n", "hostile\n\xe2\x80\xae", &error);
  g_assert_no_error (error);
}

static gint64
writer_node (Writer     *writer,
             const char *name,
             const char *op,
             GVariant   *attrs,
             gint64      stack)
{
  g_autoptr(GError) error = NULL;
  gint64 id = agviz_recorder_add_node (writer->recorder, writer->trace, name, op,
                                       "/device:<&>\n", attrs, stack, &error);

  g_assert_no_error (error);
  return id;
}

static void
writer_end (Writer *writer)
{
  g_autoptr(GError) error = NULL;

  agviz_recorder_end_trace (writer->recorder, writer->trace, AGVIZ_TRACE_STATUS_COMPLETE, 1000,
                            &error);
  g_assert_no_error (error);
}

static void
writer_close (Writer *writer)
{
  g_autoptr(GError) error = NULL;

  agviz_recorder_close (writer->recorder, &error);
  g_assert_no_error (error);
  g_clear_object (&writer->recorder);
}

static gboolean
have_xmllint (void)
{
  g_autofree char *xmllint = g_find_program_in_path ("xmllint");

  return xmllint != NULL;
}

/* @svg is well-formed XML and valid UTF-8 (GMarkup is strict: any stray byte, control character
 * or bad entity fails it), and so says xmllint when it is there. */
static void
assert_valid_svg (const char *svg_path)
{
  static const GMarkupParser parser = { NULL, NULL, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *svg = NULL;
  gsize length;

  g_file_get_contents (svg_path, &svg, &length, &error);
  g_assert_no_error (error);
  g_test_message ("%s: %zu bytes", svg_path, length);
  g_assert_true (g_utf8_validate (svg, length, NULL));
  context = g_markup_parse_context_new (&parser, 0, NULL, NULL);
  g_markup_parse_context_parse (context, svg, length, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);
  /* Raw control characters (other than tab and newline) are not XML, even escaped as &#1;. */
  for (gsize i = 0; i < length; i++)
    g_assert_true ((guchar) svg[i] >= 0x20 || svg[i] == '\n' || svg[i] == '\t' || svg[i] == '\r');
  g_assert_null (strstr (svg, "&#1;"));

  if (have_xmllint ())
    {
      const char *argv[] = { "xmllint", "--noout", "--nonet", "--huge", svg_path, NULL };
      g_autofree char *err = NULL;
      int status;

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                    NULL, NULL, NULL, &err, &status, &error);
      g_assert_no_error (error);
      if (!g_spawn_check_wait_status (status, NULL))
        g_error ("xmllint rejects %s: %.2000s", svg_path, err);
    }
}

static void
assert_bounded (const AgvizRun *run,
                const char     *what)
{
  g_test_message ("%s: exit %d in %.2f s", what, run->status, run->seconds);
  /* Never a signal (crash, sanitizer abort), never a failure of its own doing. */
  g_assert_cmpint (run->status, >=, 0);
  g_assert_null (strstr (run->err, "Sanitizer"));
  g_assert_null (strstr (run->err, "runtime error:"));
  g_assert_null (strstr (run->err, "CRITICAL"));
  g_assert_null (strstr (run->err, "WARNING **"));
  g_assert_cmpfloat (run->seconds, <, MAX_SECONDS_PER_COMMAND);
}

/* Runs every read-only command over @path; @node is a node name for `where`. */
static void
run_every_command (const char *path,
                   const char *node,
                   const char *const *svg_options)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *svg = g_build_filename (dir, "out.svg", NULL);
  g_auto(AgvizRun) run = { 0 };

  agviz_run (&run, "info", path, NULL);
  assert_bounded (&run, "info");
  g_assert_cmpint (run.status, ==, 0);
  agviz_run (&run, "info", "--json", path, NULL);
  assert_bounded (&run, "info --json");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_utf8_validate (run.out, -1, NULL));
  agviz_run (&run, "info", "--check", path, NULL);
  assert_bounded (&run, "info --check");
  g_assert_cmpint (run.status, ==, 0);
  agviz_run (&run, "check", path, NULL);
  assert_bounded (&run, "check");
  g_assert_cmpint (run.status, ==, 0);
  agviz_run (&run, "check", "--json", path, NULL);
  assert_bounded (&run, "check --json");
  g_assert_cmpint (run.status, ==, 0);
  if (node != NULL)
    {
      agviz_run (&run, "where", path, node, NULL);
      assert_bounded (&run, "where");
      g_assert_cmpint (run.status, ==, 0);
      agviz_run (&run, "where", "--json", path, node, NULL);
      assert_bounded (&run, "where --json");
      g_assert_cmpint (run.status, ==, 0);
      g_assert_true (g_utf8_validate (run.out, -1, NULL));
    }

  for (const char *const *options = svg_options; options != NULL && *options != NULL; options++)
    {
      g_auto(GStrv) extra = g_strsplit (*options, " ", -1);
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_autofree char *what = g_strdup_printf ("--svg %s", *options);

      g_ptr_array_add (args, (gpointer) path);
      g_ptr_array_add (args, (gpointer) "--svg");
      g_ptr_array_add (args, svg);
      g_ptr_array_add (args, (gpointer) "-q");
      for (guint i = 0; extra[i] != NULL; i++)
        if (*extra[i] != '\0')
          g_ptr_array_add (args, extra[i]);
      g_ptr_array_add (args, NULL);
      agviz_run_argv (&run, (const char * const *) args->pdata);
      assert_bounded (&run, what);
      g_assert_cmpint (run.status, ==, 0);
      assert_valid_svg (svg);
      g_remove (svg);
    }
}

typedef struct
{
  char *dir;
  char *path;
} HostileFile;

static void
hostile_setup (HostileFile   *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->dir = g_dir_make_tmp ("agviz-hostile-XXXXXX", &error);
  g_assert_no_error (error);
  fx->path = g_build_filename (fx->dir, "hostile.db", NULL);
}

static void
hostile_teardown (HostileFile   *fx,
                  gconstpointer  data)
{
  /* AGVIZ_KEEP_HOSTILE=DIR keeps each file, to measure the commands by hand. */
  if (g_getenv ("AGVIZ_KEEP_HOSTILE") != NULL && g_file_test (fx->path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *name = g_path_get_basename (g_test_get_path ());
      g_autofree char *kept = g_strdup_printf ("%s/%s.db", g_getenv ("AGVIZ_KEEP_HOSTILE"), name);

      copy_file_or_die (fx->path, kept);
    }
  agviz_trace_file_remove (fx->path);
  remove_dir_shallow (fx->dir);
  g_free (fx->path);
  g_free (fx->dir);
}

/* Every kind of bad character in every kind of name: nodes, scopes, ops, devices, functions,
 * source files and frames. */
static void
test_names (HostileFile   *fx,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  Writer writer = { 0 };
  const char *names[] = {
    "quote\"and'apos/x<&>y",
    "new\nline/and\r\nreturn",
    "rtl\xe2\x80\xae" "desrever/\xe2\x80\x8f" "mark",
    "ctl\x01\x02\x1b[31m\x7f/bell\x07",
    "bad\xff\xfe\xc3/utf8\xed\xa0\x80surrogate",
    "ent&amp;ity/&#0;&#x1;",
    "]]>cdata/<!--comment-->",
    "<script>alert(1)</script>",
  };
  gint64 file, frame, stack, previous = 0;
  g_autoptr(GString) long_op = g_string_new ("Op");

  if (!agviz_have_binary ())
    return;
  while (long_op->len < 100 * 1024)
    g_string_append (long_op, "<&\"\n\xff");

  writer.recorder = agviz_recorder_open (fx->path, &error);
  g_assert_no_error (error);
  file = agviz_recorder_add_file (writer.recorder, "host<&>\n", "/src/<&\"\xff\n.py", &error);
  g_assert_no_error (error);
  agviz_recorder_set_file_text (writer.recorder, file, "x = 1 <&\"\xff\x01\n\xe2\x80\xae", -1, &error);
  g_assert_no_error (error);
  frame = agviz_recorder_add_frame (writer.recorder, file, 1, 0, "fn<&\"\n\xff", &error);
  g_assert_no_error (error);
  stack = agviz_recorder_add_stack (writer.recorder, &frame, 1, &error);
  g_assert_no_error (error);
  writer_begin (&writer, fx->path, "fn<&\"'>\n\xff\x01\xe2\x80\xae", "__inference_<&>\n");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GVariantBuilder attrs;
      gint64 node;

      g_variant_builder_init (&attrs, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&attrs, "{sv}", "k<&\"\n", g_variant_new_string ("v<&\"\n\xe2\x80\xae"));
      g_variant_builder_add (&attrs, "{sv}", "bytes", g_variant_new_bytestring ("\xff\x01<&"));
      node = writer_node (&writer, names[i], i == 3 ? long_op->str : "Op<&\"\n\xff",
                          g_variant_builder_end (&attrs), stack);
      if (previous != 0)
        {
          agviz_recorder_add_edge (writer.recorder, writer.trace, previous, 0, node, 0, &error);
          g_assert_no_error (error);
        }
      previous = node;
    }
  writer_end (&writer);
  writer_close (&writer);

  {
    const char *views[] = { "", "--all", "--depth 3", "--focus new\nline/and\r\nreturn", NULL };
    run_every_command (fx->path, "quote\"and'apos/x<&>y", views);
  }
}

/* A scope path 100,000 levels deep: nothing may recurse per level. */
static void
test_deep_scopes (HostileFile   *fx,
                  gconstpointer  data)
{
  guint levels = running_under_valgrind () ? 5000 : 100000;
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GString) sibling = g_string_new (NULL);
  Writer writer = { 0 };
  gint64 leaf, other;
  g_autoptr(GError) error = NULL;

  if (!agviz_have_binary ())
    return;
  for (guint i = 0; i < levels; i++)
    g_string_append (deep, "d/");
  g_string_assign (sibling, deep->str);
  g_string_append (deep, "leaf");
  g_string_append (sibling, "sibling");
  writer_begin (&writer, fx->path, "deep", "__inference_deep_1");
  leaf = writer_node (&writer, deep->str, "Deep", NULL, 0);
  other = writer_node (&writer, sibling->str, "Deep", NULL, 0);
  agviz_recorder_add_edge (writer.recorder, writer.trace, leaf, 0, other, 0, &error);
  g_assert_no_error (error);
  writer_node (&writer, "top", "Shallow", NULL, 0);
  writer_end (&writer);
  writer_close (&writer);

  {
    /* --focus on the leaf lays out every level: 100,000 nested boxes are slow only under
     * sanitizers, so that view waits for -m slow there. */
    /* The full name is longer than one argument may be (128 KiB): a unique suffix names it.
     * Every expanded level is one Graphviz layout (~25 ms each), hence no deeper view here; the
     * scene model below opens all of them. */
    const char *views[] = { "", "--depth 50", "--depth 300", NULL };

    run_every_command (fx->path, "d/leaf", views);
  }

  /* The scene model itself: finding, expanding the path, listing and collapsing, all levels. */
  {
    g_autoptr(AgvizStore) store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
    g_autoptr(AgvizScene) scene = NULL;
    g_autoptr(GPtrArray) expanded = NULL;
    AgvizSceneItem *item;

    g_assert_no_error (error);
    scene = agviz_scene_new (store, 1, NULL, &error);
    g_assert_no_error (error);
    item = agviz_scene_find (scene, deep->str, &error);
    g_assert_no_error (error);
    g_assert_nonnull (item);
    g_assert_cmpuint (item->depth, ==, levels + 1);
    agviz_scene_expand_path_to (scene, item);
    g_assert_true (agviz_scene_item_is_visible (item));
    expanded = agviz_scene_list_expanded (scene);
    g_assert_cmpuint (expanded->len, ==, levels + 1);
    g_assert_true (agviz_scene_expand_to_depth (scene, 2, &error));
    g_assert_no_error (error);
    agviz_scene_expand_all (scene);
    g_assert_true (agviz_scene_item_is_visible (item));
  }
}

/* A function whose trace calls itself, and two that call each other: opening calls inline stops
 * at the first graph already open on the path, and every command terminates. */
static void
test_recursive_calls (HostileFile   *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  Writer writer = { 0 };
  gint64 call, x;
  const char *graphs[][2] = {
    { "self", "__inference_self_1" },
    { "ping", "__inference_ping_2" },
    { "pong", "__inference_pong_3" },
  };

  if (!agviz_have_binary ())
    return;
  for (guint g = 0; g < G_N_ELEMENTS (graphs); g++)
    {
      const char *callee = g == 0 ? graphs[0][1] : g == 1 ? graphs[2][1] : graphs[1][1];

      writer_begin (&writer, fx->path, graphs[g][0], graphs[g][1]);
      x = writer_node (&writer, "x", "Placeholder", NULL, 0);
      call = writer_node (&writer, "call", "StatefulPartitionedCall", NULL, 0);
      agviz_recorder_add_edge (writer.recorder, writer.trace, x, 0, call, 0, &error);
      g_assert_no_error (error);
      agviz_recorder_add_call (writer.recorder, writer.trace, call, "f", callee, &error);
      g_assert_no_error (error);
      /* A self-loop, a control self-loop, and a node both ends of two edges. */
      agviz_recorder_add_edge (writer.recorder, writer.trace, call, 0, call, 1, &error);
      g_assert_no_error (error);
      agviz_recorder_add_edge (writer.recorder, writer.trace, call, -1, call, 2, &error);
      g_assert_no_error (error);
      writer_end (&writer);
    }
  writer_close (&writer);

  {
    const char *views[] = { "", "--all", "--function ping --all", "--focus call", NULL };
    run_every_command (fx->path, "self:call", views);
  }

  /* Open the calls inline as deep as the scene lets: it must stop, not follow the cycle. */
  {
    g_autoptr(AgvizStore) store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
    AgvizSceneOptions options;

    g_assert_no_error (error);
    agviz_scene_options_init (&options);
    for (guint g = 0; g < G_N_ELEMENTS (graphs); g++)
      {
        g_autoptr(AgvizTrace) trace = agviz_store_find_trace (store, graphs[g][1], &error);
        g_autoptr(AgvizScene) scene = NULL;
        AgvizSceneItem *item;
        guint opened = 0;

        g_assert_no_error (error);
        scene = agviz_scene_new (store, trace->id, &options, &error);
        g_assert_no_error (error);
        item = agviz_scene_find (scene, "call", &error);
        g_assert_no_error (error);
        while (item != NULL && agviz_scene_item_is_expandable (item) && opened < 1000)
          {
            AgvizSceneItem *callee;

            g_assert_true (agviz_scene_expand (scene, item, &error));
            g_assert_no_error (error);
            if (item->children == NULL || item->children->len == 0)
              break;
            opened++;
            callee = g_ptr_array_index (item->children, 0);
            item = NULL;
            for (guint c = 0; callee->children != NULL && c < callee->children->len; c++)
              {
                AgvizSceneItem *child = g_ptr_array_index (callee->children, c);

                if (g_strcmp0 (child->name, "call") == 0)
                  item = child;
              }
          }
        g_test_message ("%s: %u calls opened inline", graphs[g][0], opened);
        /* A graph already open on the path is not opened again: self opens nothing, ping opens
         * pong once, whose call back to ping stops there. */
        g_assert_cmpuint (opened, ==, g == 0 ? 0 : 1);
      }
  }
}

/* 1,000,000 edges from one node into another (one per input position of the consumer), and
 * self-loops on both. */
static void
test_many_parallel_edges (HostileFile   *fx,
                          gconstpointer  data)
{
  guint n_edges = running_under_valgrind () ? 20000 : 1000000;
  g_autoptr(GError) error = NULL;
  Writer writer = { 0 };
  gint64 src, dst;

  if (!agviz_have_binary ())
    return;
  writer_begin (&writer, fx->path, "fan", "__inference_fan_1");
  src = writer_node (&writer, "a/src", "Split", NULL, 0);
  dst = writer_node (&writer, "b/dst", "AddN", NULL, 0);
  for (guint i = 0; i < n_edges; i++)
    {
      agviz_recorder_add_edge (writer.recorder, writer.trace, src, (int) (i % 7), dst, (int) i, &error);
      g_assert_no_error (error);
    }
  agviz_recorder_add_edge (writer.recorder, writer.trace, src, -1, src, 0, &error);
  g_assert_no_error (error);
  agviz_recorder_add_edge (writer.recorder, writer.trace, dst, 0, dst, (int) n_edges, &error);
  g_assert_no_error (error);
  writer_end (&writer);
  writer_close (&writer);

  {
    const char *views[] = { "", "--all", NULL };
    run_every_command (fx->path, "a/src", views);
  }
  {
    g_autoptr(AgvizStore) store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
    g_autoptr(AgvizTrace) trace = agviz_store_find_trace (store, "__inference_fan_1", &error);

    g_assert_no_error (error);
    g_assert_cmpint (trace->edge_count, ==, (gint64) n_edges + 2);
  }
}

/* One attribute value of 100 MB (a string and a byte string), and many nodes sharing it. */
static void
test_huge_attribute (HostileFile   *fx,
                     gconstpointer  data)
{
  gsize size = running_under_valgrind () ? 4 * 1024 * 1024 : 100 * 1024 * 1024;
  g_autoptr(GError) error = NULL;
  Writer writer = { 0 };
  char *huge;
  GVariant *attrs;
  gint64 previous = 0;

  if (!agviz_have_binary ())
    return;
  huge = g_malloc (size + 1);
  for (gsize i = 0; i < size; i++)
    huge[i] = "<&\"'>\n\x01x"[i % 8];
  huge[size] = '\0';
  {
    GVariantBuilder builder;

    g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&builder, "{sv}", "value",
                           g_variant_new_take_string (g_steal_pointer (&huge)));
    attrs = g_variant_ref_sink (g_variant_builder_end (&builder));
  }
  writer_begin (&writer, fx->path, "huge", "__inference_huge_1");
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("s/big_%u", i);
      gint64 node = writer_node (&writer, name, "Const", attrs, 0);

      if (previous != 0)
        {
          agviz_recorder_add_edge (writer.recorder, writer.trace, previous, 0, node, 0, &error);
          g_assert_no_error (error);
        }
      previous = node;
    }
  g_variant_unref (attrs);
  writer_end (&writer);
  writer_close (&writer);

  {
    const char *views[] = { "", "--all", NULL };
    run_every_command (fx->path, "s/big_3", views);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, HostileFile, NULL, hostile_setup, func, hostile_teardown)
  ADD ("/agviz/hardening/hostile/names", test_names);
  ADD ("/agviz/hardening/hostile/deep-scopes", test_deep_scopes);
  ADD ("/agviz/hardening/hostile/recursive-calls", test_recursive_calls);
  ADD ("/agviz/hardening/hostile/parallel-edges", test_many_parallel_edges);
  ADD ("/agviz/hardening/hostile/huge-attribute", test_huge_attribute);
#undef ADD

  return g_test_run ();
}
