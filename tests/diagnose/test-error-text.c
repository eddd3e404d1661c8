/* test-error-text.c: TensorFlow's error formats (written from TF's documented layouts) parse */
#include "config.h"

#include "agviz-core.h"

static AgvizErrorText *
parse_text_file (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "texts", name, NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return agviz_error_text_parse (contents, length);
}

static AgvizErrorFrame *
frame_at (AgvizErrorText *parsed,
          guint           index)
{
  g_assert_cmpuint (index, <, parsed->frames->len);
  return g_ptr_array_index (parsed->frames, index);
}

static void
test_runtime_detected (void)
{
  g_autoptr(AgvizErrorText) parsed = parse_text_file ("runtime-detected.txt");
  AgvizErrorNode *node;

  g_assert_cmpint (parsed->kind, ==, AGVIZ_ERROR_TEXT_GRAPH_RUNTIME);
  g_assert_cmpstr (parsed->exception_type, ==,
                   "tensorflow.python.framework.errors_impl.InvalidArgumentError");
  g_assert_cmpstr (agviz_error_text_get_short_type (parsed), ==, "InvalidArgumentError");
  g_assert_cmpstr (parsed->message, ==, "Graph execution error:");
  g_assert_cmpstr (parsed->detail, ==, "Input to Log contains a zero: log(0) is -inf");
  g_assert_cmpstr (parsed->graph_name, ==, "__inference_remember_88");
  /* "Detected at", "Node:" and {{node}} all name Log: one node. */
  g_assert_cmpuint (parsed->nodes->len, ==, 1);
  node = g_ptr_array_index (parsed->nodes, 0);
  g_assert_cmpstr (node->name, ==, "Log");
  /* 3 traceback frames, then twice 2 node-definition frames. */
  g_assert_cmpuint (parsed->frames->len, ==, 7);
  g_assert_cmpint (frame_at (parsed, 0)->section, ==, AGVIZ_ERROR_FRAME_TRACEBACK);
  g_assert_cmpstr (frame_at (parsed, 0)->code, ==, "remember(tf.constant([1.0, 0.0]))");
  g_assert_cmpint (frame_at (parsed, 4)->section, ==, AGVIZ_ERROR_FRAME_NODE_DEFINITION);
  g_assert_cmpstr (frame_at (parsed, 4)->node, ==, "Log");
  g_assert_cmpint (frame_at (parsed, 4)->line, ==, 34);
  g_assert_cmpstr (frame_at (parsed, 4)->function, ==, "remember");
  g_assert_cmpstr (frame_at (parsed, 4)->code, ==, "return tf.math.log(x)");
}

static void
test_runtime_defined_at (void)
{
  g_autoptr(AgvizErrorText) parsed = parse_text_file ("runtime-defined-at.txt");
  AgvizErrorNode *node;

  g_assert_cmpint (parsed->kind, ==, AGVIZ_ERROR_TEXT_GRAPH_RUNTIME);
  g_assert_cmpuint (parsed->nodes->len, ==, 1);
  node = g_ptr_array_index (parsed->nodes, 0);
  g_assert_cmpstr (node->name, ==, "demo_module/dense/MatMul");
  g_assert_cmpstr (node->defined_file, ==, "/home/user/demo.py");
  g_assert_cmpint (node->defined_line, ==, 13);
  g_assert_cmpstr (parsed->graph_name, ==, "__inference___call___41");
  g_assert_true (g_str_has_prefix (parsed->message, "Matrix size-incompatible"));
}

static void
test_autograph_variable (void)
{
  g_autoptr(AgvizErrorText) parsed = parse_text_file ("autograph-variable.txt");
  AgvizErrorFrame *user;

  g_assert_cmpint (parsed->kind, ==, AGVIZ_ERROR_TEXT_VARIABLE_NON_FIRST_CALL);
  g_assert_cmpstr (parsed->exception_type, ==, "ValueError");
  g_assert_cmpstr (parsed->message, ==, "in user code:");
  g_assert_true (g_str_has_prefix (parsed->detail, "ValueError: tf.function only supports "
                                                   "singleton tf.Variables"));
  g_assert_cmpuint (parsed->frames->len, ==, 4);
  g_assert_true (g_str_has_prefix (frame_at (parsed, 2)->file, "/tmp/__autograph_generated_file"));
  g_assert_cmpint (agviz_source_map_classify_path (frame_at (parsed, 2)->file), ==,
                   AGVIZ_FRAME_ORIGIN_FRAMEWORK);
  user = frame_at (parsed, 3);
  g_assert_cmpint (user->section, ==, AGVIZ_ERROR_FRAME_USER_CODE);
  g_assert_cmpint (user->mark, ==, AGVIZ_ERROR_FRAME_MARK_CONVERTED);
  g_assert_cmpstr (user->file, ==, "/home/user/demo.py");
  g_assert_cmpint (user->line, ==, 19);
  g_assert_cmpstr (user->function, ==, "make_var");
  g_assert_cmpstr (user->code, ==, "v = tf.Variable(1.0)");
}

static void
test_autograph_variable_old (void)
{
  g_autoptr(AgvizErrorText) parsed = parse_text_file ("autograph-variable-old.txt");

  g_assert_cmpint (parsed->kind, ==, AGVIZ_ERROR_TEXT_VARIABLE_NON_FIRST_CALL);
  g_assert_cmpstr (parsed->detail, ==, "ValueError: tf.function-decorated function tried to "
                                       "create variables on non-first call.");
  g_assert_cmpuint (parsed->frames->len, ==, 4);
  g_assert_cmpint (frame_at (parsed, 2)->mark, ==, AGVIZ_ERROR_FRAME_MARK_CONVERTED);
  g_assert_cmpint (frame_at (parsed, 2)->line, ==, 19);
  g_assert_cmpstr (frame_at (parsed, 2)->code, ==, "v = tf.Variable(1.0)");
  g_assert_cmpint (frame_at (parsed, 3)->mark, ==, AGVIZ_ERROR_FRAME_MARK_ALLOWLISTED);
  g_assert_cmpstr (frame_at (parsed, 3)->function, ==, "__call__");
  g_assert_cmpint (agviz_source_map_classify_path (frame_at (parsed, 3)->file), ==,
                   AGVIZ_FRAME_ORIGIN_FRAMEWORK);
}

static void
test_warnings (void)
{
  g_autoptr(AgvizErrorText) retracing = parse_text_file ("retracing-warning.txt");
  g_autoptr(AgvizErrorText) transform = parse_text_file ("autograph-transform.txt");
  g_autoptr(AgvizErrorText) method = agviz_error_text_parse (
    "WARNING:tensorflow:6 out of the last 11 calls to <bound method Demo.__call__ of "
    "<__main__.Demo object at 0x7f>> triggered tf.function retracing. Tracing is expensive", -1);
  g_autoptr(AgvizErrorText) entity = agviz_error_text_parse (
    "WARNING: Entity <function noisy at 0x7f3a> could not be transformed and will be executed "
    "as-is. Please report this to the AutoGraph team.\nCause: mangled source\n", -1);

  g_assert_cmpint (retracing->kind, ==, AGVIZ_ERROR_TEXT_RETRACING_WARNING);
  g_assert_cmpstr (retracing->function, ==, "step");
  g_assert_cmpint (retracing->retrace_count, ==, 5);
  g_assert_cmpint (retracing->retrace_calls, ==, 5);
  g_assert_null (retracing->exception_type);

  g_assert_cmpint (method->kind, ==, AGVIZ_ERROR_TEXT_RETRACING_WARNING);
  g_assert_cmpstr (method->function, ==, "Demo.__call__");
  g_assert_cmpint (method->retrace_count, ==, 6);
  g_assert_cmpint (method->retrace_calls, ==, 11);

  g_assert_cmpint (transform->kind, ==, AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM);
  g_assert_cmpstr (transform->function, ==, "noisy");
  g_assert_cmpstr (transform->cause, ==, "could not get source code");

  g_assert_cmpint (entity->kind, ==, AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM);
  g_assert_cmpstr (entity->cause, ==, "mangled source");
}

static void
test_python_and_unknown (void)
{
  g_autoptr(AgvizErrorText) python = parse_text_file ("python-exception.txt");
  g_autoptr(AgvizErrorText) unknown = parse_text_file ("unknown.txt");
  g_autoptr(AgvizErrorText) empty = agviz_error_text_parse ("", 0);

  g_assert_cmpint (python->kind, ==, AGVIZ_ERROR_TEXT_PYTHON_EXCEPTION);
  g_assert_cmpstr (python->exception_type, ==, "TypeError");
  g_assert_cmpuint (python->frames->len, ==, 2);
  g_assert_cmpuint (python->nodes->len, ==, 0);

  g_assert_cmpint (unknown->kind, ==, AGVIZ_ERROR_TEXT_UNKNOWN);
  g_assert_cmpuint (unknown->frames->len, ==, 0);
  g_assert_cmpint (empty->kind, ==, AGVIZ_ERROR_TEXT_UNKNOWN);
}

static void
test_garbage (void)
{
  /* Deterministic junk, NULs and broken UTF-8 included: parses to something, never crashes. */
  GRand *rand = g_rand_new_with_seed (42);
  static const char *const pieces[] = {
    "{{node ", "}}", "[[node ", " (defined at ", ":", ")", "]]", "File \"", "\", line ",
    ", in ", "\n", "    ", "Traceback (most recent call last):\n", "ValueError: ",
    "in user code:", "Detected at node '", "' defined at (most recent call last):", "\xff\xfe",
    "*", "**", "Node: '", "'", "Cause: ", "AutoGraph could not transform <function ",
    " out of the last ", " calls to <function ", "> triggered tf.function retracing", "7",
  };

  for (guint round = 0; round < 300; round++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(AgvizErrorText) parsed = NULL;

      for (int i = 0, n = g_rand_int_range (rand, 0, 60); i < n; i++)
        {
          if (g_rand_int_range (rand, 0, 10) == 0)
            g_string_append_c (text, (char) g_rand_int_range (rand, 0, 256));
          else
            g_string_append (text, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
        }
      parsed = agviz_error_text_parse (text->str, text->len);
      g_assert_nonnull (parsed);
      for (guint i = 0; i < parsed->frames->len; i++)
        g_assert_nonnull (((AgvizErrorFrame *) g_ptr_array_index (parsed->frames, i))->file);
    }
  g_rand_free (rand);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agviz/error-text/runtime-detected", test_runtime_detected);
  g_test_add_func ("/agviz/error-text/runtime-defined-at", test_runtime_defined_at);
  g_test_add_func ("/agviz/error-text/autograph-variable", test_autograph_variable);
  g_test_add_func ("/agviz/error-text/autograph-variable-old", test_autograph_variable_old);
  g_test_add_func ("/agviz/error-text/warnings", test_warnings);
  g_test_add_func ("/agviz/error-text/python-and-unknown", test_python_and_unknown);
  g_test_add_func ("/agviz/error-text/garbage", test_garbage);
  return g_test_run ();
}
