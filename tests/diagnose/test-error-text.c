/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-error-text.c: TensorFlow's error formats (written from TF's documented layouts) parse, and
 * so does every real text users pasted in the corpus (../shared/corpus/09_error_texts, read in
 * place through AGVIZ_CORPUS_DIR), with the facts of each written beside it here. */
#include "config.h"

#include <string.h>

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


/* Every word of @text (after its log prefixes) must be somewhere in what the parse kept. */
static GString *
parsed_words (AgvizErrorText *parsed)
{
  /* The structure's own words: headers that become frames, sections and nodes. */
  GString *kept = g_string_new ("Traceback (most recent call last) File line in user code from "
                                "at Detected node defined Node During handling of the above "
                                "exception another occurred The was direct cause following "
                                "Errors may have originated an input operation Input Source "
                                "operations connected to Function call stack Op function_node "
                                "class ");

  for (guint i = 0; i < parsed->messages->len; i++)
    {
      AgvizErrorMessage *message = g_ptr_array_index (parsed->messages, i);
      g_string_append_printf (kept, "%s: %s\n", message->type != NULL ? message->type : "",
                              message->text);
    }
  for (guint i = 0; i < parsed->frames->len; i++)
    {
      AgvizErrorFrame *frame = g_ptr_array_index (parsed->frames, i);
      g_string_append_printf (kept, "%s %d %s %s %s %s\n", frame->file, frame->line,
                              frame->function != NULL ? frame->function : "",
                              frame->code != NULL ? frame->code : "",
                              frame->context != NULL ? frame->context : "",
                              frame->node != NULL ? frame->node : "");
    }
  for (guint i = 0; i < parsed->nodes->len; i++)
    {
      AgvizErrorNode *node = g_ptr_array_index (parsed->nodes, i);
      g_string_append_printf (kept, "%s %s %d %s %s\n", node->name,
                              node->defined_file != NULL ? node->defined_file : "",
                              node->defined_line, node->input_of != NULL ? node->input_of : "",
                              node->definition != NULL ? node->definition : "");
    }
  for (guint i = 0; i < parsed->call_stack->len; i++)
    g_string_append_printf (kept, "%s\n", (char *) g_ptr_array_index (parsed->call_stack, i));
  g_string_append_printf (kept, "%s %s\n", parsed->graph_name != NULL ? parsed->graph_name : "",
                          parsed->cause != NULL ? parsed->cause : "");
  return kept;
}

static void
assert_nothing_lost (const char     *name,
                     const char     *text,
                     AgvizErrorText *parsed)
{
  g_autoptr(GString) kept = parsed_words (parsed);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i] + agviz_error_text_log_prefix_length (lines[i]);
      g_autofree char *words = g_strdup (line);

      for (char *p = words; *p != '\0'; p++)
        if (!g_ascii_isalnum (*p) && *p != '_')
          *p = ' ';
      {
        g_auto(GStrv) split = g_strsplit (words, " ", -1);
        for (guint w = 0; split[w] != NULL; w++)
          {
            if (strlen (split[w]) < 2 || strstr (kept->str, split[w]) != NULL)
              continue;
            g_test_message ("%s line %u: \"%s\" is in no field of the parse", name, i + 1,
                            split[w]);
            g_test_fail ();
          }
      }
    }
}

/* IPython's one-line header names the type, not a message; a terminal may cut a line inside
 * the warning's category. */
static void
test_ipython_header_and_cut_word (void)
{
  g_autoptr(AgvizErrorText) ipython = agviz_error_text_parse (
    "InvalidArgumentError                      Traceback (most recent call last)\n"
    "<ipython-input-3-0a1b2c3d4e5f> in <module>()\n"
    "      1 for x, y in data:\n"
    "----> 2     step(x, y)\n"
    "\n"
    "InvalidArgumentError:  Received a label value of 5 which is outside the valid range of [0, 5).\n", -1);
  g_autoptr(AgvizErrorText) cut = agviz_error_text_parse (
    "test_x (__main__.T) ... /home/user/project/a_very_long_directory_name_for_wrapping/models/b.py:12: T\n"
    "racerWarning: Converting a tensor to a Python boolean might cause the trace to be incorrect. We can'\n"
    "t record the data flow of Python values.\n"
    "  if x:\n", -1);

  g_assert_cmpuint (ipython->messages->len, ==, 1);
  g_assert_cmpstr (ipython->exception_type, ==, "InvalidArgumentError");
  g_assert_cmpuint (ipython->frames->len, ==, 1);
  g_assert_cmpint (frame_at (ipython, 0)->line, ==, 2);
  g_assert_cmpstr (frame_at (ipython, 0)->code, ==, "step(x, y)");

  g_assert_cmpint (cut->kind, ==, AGVIZ_ERROR_TEXT_PYTHON_WARNING);
  g_assert_cmpstr (cut->warning_type, ==, "TracerWarning");
  g_assert_cmpint (frame_at (cut, 0)->line, ==, 12);
  g_assert_cmpstr (frame_at (cut, 0)->code, ==, "if x:");
}

/* The project's own texts keep all their words too. */
static void
test_texts_nothing_lost (void)
{
  static const char *const names[] = {
    "autograph-transform.txt", "autograph-variable-old.txt", "autograph-variable.txt",
    "python-exception.txt", "retracing-warning.txt", "runtime-defined-at.txt",
    "runtime-detected.txt", "keras-loss-variable.txt", "headerless-user-code.txt",
    "localised-header.txt",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "texts", names[i], NULL);
      g_autofree char *contents = NULL;
      g_autoptr(AgvizErrorText) parsed = NULL;

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      parsed = agviz_error_text_parse (contents, -1);
      assert_nothing_lost (names[i], contents, parsed);
    }
}

/* Facts checked per corpus file; NULL and -1 where the text has none. */
typedef struct
{
  const char         *file;             /* under 09_error_texts */
  AgvizErrorTextKind  kind;
  const char         *exception_type;
  guint               frames;
  int                 defining;         /* index of the defining frame */
  int                 defining_line;
  const char         *defining_function;
  const char         *nodes;            /* failing nodes, '|'-separated */
  const char         *function;         /* the function a warning names */
  AgvizErrorCauseKind cause;
} CorpusText;

#define NONE (-1)
static const CorpusText corpus_texts[] = {
  /* TensorFlow */
  { "tf/01_singleton-variable-keras-layer-call.txt", AGVIZ_ERROR_TEXT_VARIABLE_NON_FIRST_CALL,
    "ValueError", 1, 0, 47, "call", NULL, NULL, AGVIZ_ERROR_CAUSE_KERAS_VARIABLE },
  { "tf/03_retracing-predict-function-tf22.txt", AGVIZ_ERROR_TEXT_RETRACING_WARNING, NULL, 0,
    NONE, 0, NULL, NULL, "Model.make_predict_function.<locals>.predict_function",
    AGVIZ_ERROR_CAUSE_KERAS_RETRACING },
  { "tf/04_retracing-predict-function-wrapped-lines.txt", AGVIZ_ERROR_TEXT_RETRACING_WARNING,
    NULL, 0, NONE, 0, NULL, NULL, "Model.make_predict_function.<locals>.predict_function",
    AGVIZ_ERROR_CAUSE_KERAS_RETRACING },
  { "tf/06_retracing-predict-function-tf241.txt", AGVIZ_ERROR_TEXT_RETRACING_WARNING, NULL, 0,
    NONE, 0, NULL, NULL, "Model.make_predict_function.<locals>.predict_function",
    AGVIZ_ERROR_CAUSE_KERAS_RETRACING },
  { "tf/08_retracing-keras3-one-step-on-data-distributed.txt", AGVIZ_ERROR_TEXT_RETRACING_WARNING,
    NULL, 0, NONE, 0, NULL, NULL,
    "TensorFlowTrainer.make_predict_function.<locals>.one_step_on_data_distributed",
    AGVIZ_ERROR_CAUSE_KERAS_RETRACING },
  { "tf/09_retracing-distributed-train-step-custom-log-format.txt",
    AGVIZ_ERROR_TEXT_RETRACING_WARNING, NULL, 0, NONE, 0, NULL, NULL, "distributed_train_step",
    AGVIZ_ERROR_CAUSE_RETRACING },
  { "tf/10_autograph-could-not-transform-posonlyargs.txt", AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM,
    NULL, 0, NONE, 0, NULL, NULL, "Model.make_train_function.<locals>.train_function",
    AGVIZ_ERROR_CAUSE_AUTOGRAPH_TRANSFORM },
  { "tf/11_autograph-could-not-transform-empty-cause-test-function.txt",
    AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM, NULL, 0, NONE, 0, NULL, NULL,
    "Model.make_test_function.<locals>.test_function", AGVIZ_ERROR_CAUSE_AUTOGRAPH_TRANSFORM },
  { "tf/12_autograph-could-not-transform-gast-constant-no-prefix.txt",
    AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM, NULL, 0, NONE, 0, NULL, NULL,
    "TFDS.<locals>.select_from", AGVIZ_ERROR_CAUSE_AUTOGRAPH_TRANSFORM },
  { "tf/13_autograph-entity-could-not-be-transformed-tf20rc0.txt",
    AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM, NULL, 0, NONE, 0, NULL, NULL,
    "Function._initialize_uninitialized_variables.<locals>.initialize_variables",
    AGVIZ_ERROR_CAUSE_AUTOGRAPH_TRANSFORM },
  { "tf/15_operator-not-allowed-bool-autograph-did-not-convert.txt",
    AGVIZ_ERROR_TEXT_PYTHON_EXCEPTION,
    "tensorflow.python.framework.errors_impl.OperatorNotAllowedInGraphError", 4, 0, 177,
    "dopri853core", NULL, NULL, AGVIZ_ERROR_CAUSE_TENSOR_AS_BOOL },
  { "tf/17_invalid-argument-node-layout-label-out-of-range.txt", AGVIZ_ERROR_TEXT_GRAPH_RUNTIME,
    NULL, 1, 0, 22, "__call__", "SparseSoftmaxCrossEntropyWithLogits/SparseSoftmaxCrossEntropyWithLogits",
    NULL, AGVIZ_ERROR_CAUSE_LABEL_OUT_OF_RANGE },
  { "tf/18_invalid-argument-old-defined-at-layout-custom-train-step.txt",
    AGVIZ_ERROR_TEXT_GRAPH_RUNTIME, "InvalidArgumentError", 2, 1, 7, NULL,
    "sparse_categorical_crossentropy/SparseSoftmaxCrossEntropyWithLogits/SparseSoftmaxCrossEntropyWithLogits",
    NULL, AGVIZ_ERROR_CAUSE_LABEL_OUT_OF_RANGE },
  { "tf/20_resource-exhausted-oom-2-root-errors.txt", AGVIZ_ERROR_TEXT_GRAPH_RUNTIME,
    "ResourceExhaustedError", 0, NONE, 0, NULL,
    "block1_conv1/convolution|block5_pool/MaxPool/_159", NULL, AGVIZ_ERROR_CAUSE_OUT_OF_MEMORY },
  { "tf/21_resource-exhausted-oom-tf1-nodedef-layout.txt", AGVIZ_ERROR_TEXT_GRAPH_RUNTIME,
    "ResourceExhaustedError", 0, NONE, 0, NULL,
    "vgg_16/fc6/weights/Initializer/random_uniform/RandomUniform", NULL,
    AGVIZ_ERROR_CAUSE_OUT_OF_MEMORY },
  { "tf/23_checknumerics-nan-loss-tf1.txt", AGVIZ_ERROR_TEXT_GRAPH_RUNTIME,
    "tensorflow.python.framework.errors.InvalidArgumentError", 0, NONE, 0, NULL,
    "OptimizeLoss/CheckNumerics|OptimizeLoss/train/update/_201717", NULL, AGVIZ_ERROR_CAUSE_NONE },
  { "tf/25_non-first-call-keras-model-save-tail.txt", AGVIZ_ERROR_TEXT_VARIABLE_NON_FIRST_CALL,
    "ValueError", 3, NONE, 0, NULL, NULL, NULL, AGVIZ_ERROR_CAUSE_VARIABLE },
  { "tf/26_keras-layer-python-control-flow-not-dynamic.txt", AGVIZ_ERROR_TEXT_PYTHON_EXCEPTION,
    "TypeError", 0, NONE, 0, NULL, NULL, NULL, AGVIZ_ERROR_CAUSE_TENSOR_AS_BOOL },
  { "tf/27_in-user-code-old-path-line-layout-coordinator.txt",
    AGVIZ_ERROR_TEXT_AUTOGRAPH_USER_CODE, "ValueError", 3, 0, 258, "call", NULL, NULL,
    AGVIZ_ERROR_CAUSE_NONE },
  /* JAX: exceptions, tracebacks and Python warnings read generically; tracer errors known. */
  { "jax/01_concretization-bool-remat-grad.txt", AGVIZ_ERROR_TEXT_PYTHON_EXCEPTION,
    "jax._src.errors.ConcretizationTypeError", 3, 2, 8, "g", NULL, NULL,
    AGVIZ_ERROR_CAUSE_JAX_CONCRETIZATION },
  { "jax/02_concretization-bool-jax2tf-shape-poly.txt", AGVIZ_ERROR_TEXT_PYTHON_EXCEPTION,
    "ConcretizationTypeError", 0, NONE, 0, NULL, NULL, NULL, AGVIZ_ERROR_CAUSE_JAX_CONCRETIZATION },
  { "jax/04_tracer-bool-conversion-cond-jaxopt.txt", AGVIZ_ERROR_TEXT_UNKNOWN, NULL, 0, NONE, 0,
    NULL, NULL, NULL, AGVIZ_ERROR_CAUSE_JAX_TRACER_BOOL },
  { "jax/05_tracer-integer-conversion-old-wording.txt", AGVIZ_ERROR_TEXT_PYTHON_EXCEPTION,
    "TracerIntegerConversionError", 0, NONE, 0, NULL, NULL, NULL,
    AGVIZ_ERROR_CAUSE_JAX_TRACER_INTEGER },
  { "jax/06_tracer-integer-conversion-jit-provenance.txt", AGVIZ_ERROR_TEXT_PYTHON_EXCEPTION,
    "TracerIntegerConversionError", 0, NONE, 0, NULL, NULL, NULL,
    AGVIZ_ERROR_CAUSE_JAX_TRACER_INTEGER },
  { "jax/08_unexpected-tracer-old-wording-lift-sublevels.txt", AGVIZ_ERROR_TEXT_PYTHON_EXCEPTION,
    "UnexpectedTracerError", 0, NONE, 0, NULL, NULL, NULL,
    AGVIZ_ERROR_CAUSE_JAX_LEAKED_TRACER },
  { "jax/09_explain-cache-miss-never-seen-function-colab-log.txt", AGVIZ_ERROR_TEXT_PYTHON_WARNING,
    NULL, 1, NONE, 0, NULL, NULL, NULL, AGVIZ_ERROR_CAUSE_NONE },
  { "jax/11_log-compiles-absl-prefix.txt", AGVIZ_ERROR_TEXT_UNKNOWN, NULL, 0, NONE, 0, NULL,
    NULL, NULL, AGVIZ_ERROR_CAUSE_NONE },
  { "jax/12_log-compiles-pjit-mlir-no-prefix.txt", AGVIZ_ERROR_TEXT_UNKNOWN, NULL, 0, NONE, 0,
    NULL, NULL, NULL, AGVIZ_ERROR_CAUSE_NONE },
  { "jax/13_log-compiles-dispatch-logger-prefix.txt", AGVIZ_ERROR_TEXT_UNKNOWN, NULL, 0, NONE, 0,
    NULL, NULL, NULL, AGVIZ_ERROR_CAUSE_NONE },
  /* PyTorch: dynamo's errors and graph breaks, the recompile log (the compiled function's line),
   * TracerWarnings, torch.export's constraints. */
  { "torch/02_dynamo-unsupported-fullgraph-from-user-code.txt", AGVIZ_ERROR_TEXT_PYTHON_EXCEPTION,
    "Unsupported", 2, 1, 13, "backward", NULL, NULL, AGVIZ_ERROR_CAUSE_TORCH_UNTRACEABLE },
  { "torch/03_graph-break-tensor-item-warning.txt", AGVIZ_ERROR_TEXT_PYTHON_EXCEPTION, NULL, 1, 0,
    49, "torch_dynamo_resume_in_target_at_48", NULL, NULL, AGVIZ_ERROR_CAUSE_TORCH_GRAPH_BREAK },
  { "torch/04_recompiling-guard-failures-size-mismatch.txt", AGVIZ_ERROR_TEXT_RECOMPILE_LOG, NULL,
    1, 0, 35, "forward", NULL, "forward", AGVIZ_ERROR_CAUSE_TORCH_RECOMPILE },
  /* The recompiled function is in an installed package: no line of the user's own. */
  { "torch/06_recompile-limit-fullgraph-fail.txt", AGVIZ_ERROR_TEXT_PYTHON_EXCEPTION,
    "torch._dynamo.exc.FailOnRecompileLimitHit", 1, NONE, 0, NULL, NULL,
    "dion2_post_orthogonalize", AGVIZ_ERROR_CAUSE_TORCH_RECOMPILE },
  { "torch/07_recompiling-guard-failures-torch21-log-format.txt", AGVIZ_ERROR_TEXT_RECOMPILE_LOG,
    NULL, 1, 0, 284, "forward", NULL, "forward", AGVIZ_ERROR_CAUSE_TORCH_RECOMPILE },
  /* The warning names torch's own functional.py: no line of the user's own. */
  { "torch/08_jit-trace-tracerwarning-bool-unittest-wrapped.txt", AGVIZ_ERROR_TEXT_PYTHON_WARNING,
    NULL, 1, NONE, 0, NULL, NULL, NULL, AGVIZ_ERROR_CAUSE_FROZEN_VALUE },
  { "torch/10_jit-trace-tracerwarning-bool-and-index.txt", AGVIZ_ERROR_TEXT_PYTHON_WARNING, NULL,
    3, 0, 71, NULL, NULL, NULL, AGVIZ_ERROR_CAUSE_FROZEN_VALUE },
  { "torch/11_dynamic-control-flow-usererror-from-user-code.txt",
    AGVIZ_ERROR_TEXT_PYTHON_EXCEPTION, NULL, 1, 0, 395, "_longrope_frequency_update", NULL, NULL,
    AGVIZ_ERROR_CAUSE_TORCH_UNTRACEABLE },
  /* A summary without the traceback: no line to point at, the dimension and guard to name. */
  { "torch/12_torch-export-onnx-constraints-violated-summary.txt",
    AGVIZ_ERROR_TEXT_PYTHON_EXCEPTION, "torch._dynamo.exc.UserError", 0, NONE, 0, NULL, NULL,
    NULL, AGVIZ_ERROR_CAUSE_EXPORT_CONSTRAINT },
};
#undef NONE

static char *
corpus_folder (void)
{
  const char *corpus = g_getenv ("AGVIZ_CORPUS_DIR");
  g_autofree char *folder = corpus != NULL ? g_build_filename (corpus, "09_error_texts", NULL)
                                           : NULL;

  if (folder != NULL && g_file_test (folder, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&folder);
  /* CI must read the real texts: a missing corpus there is a broken setup, not a skip. */
  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    g_error ("the real error texts are absent (AGVIZ_CORPUS_DIR/09_error_texts) and CI=true");
  g_test_skip ("the real error texts are absent (set AGVIZ_CORPUS_DIR to ../shared/corpus)");
  return NULL;
}

static void
test_corpus_text (gconstpointer data)
{
  const CorpusText *expected = data;
  g_autofree char *folder = corpus_folder ();
  g_autofree char *path = NULL, *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizErrorText) parsed = NULL;
  g_autoptr(AgvizErrorCause) cause = NULL;
  g_autoptr(GString) failed = g_string_new (NULL);
  AgvizErrorFrame *defining;
  gsize length;

  if (folder == NULL)
    return;
  path = g_build_filename (folder, expected->file, NULL);
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  parsed = agviz_error_text_parse (contents, length);
  cause = agviz_error_cause_find (parsed);

  g_assert_cmpstr (agviz_error_text_kind_to_string (parsed->kind), ==,
                   agviz_error_text_kind_to_string (expected->kind));
  g_assert_cmpstr (parsed->exception_type, ==, expected->exception_type);
  g_assert_cmpuint (parsed->frames->len, ==, expected->frames);
  g_assert_cmpint (parsed->defining_frame, ==, expected->defining);
  defining = agviz_error_text_get_defining_frame (parsed);
  if (defining != NULL)
    {
      g_assert_true (defining->defining);
      g_assert_cmpint (defining->line, ==, expected->defining_line);
      g_assert_cmpstr (defining->function, ==, expected->defining_function);
    }
  for (guint i = 0; i < parsed->nodes->len; i++)
    {
      AgvizErrorNode *node = g_ptr_array_index (parsed->nodes, i);
      if (node->role != AGVIZ_ERROR_NODE_FAILED)
        continue;
      g_string_append_printf (failed, "%s%s", failed->len > 0 ? "|" : "", node->name);
    }
  g_assert_cmpstr (failed->len > 0 ? failed->str : NULL, ==, expected->nodes);
  g_assert_cmpstr (parsed->function, ==, expected->function);
  g_assert_cmpstr (agviz_error_cause_kind_to_string (cause->kind), ==,
                   agviz_error_cause_kind_to_string (expected->cause));
  /* A recognised text has an account of what happened; every text keeps all its words. */
  if (parsed->kind != AGVIZ_ERROR_TEXT_UNKNOWN)
    g_assert_nonnull (cause->what_happened);
  assert_nothing_lost (expected->file, contents, parsed);
}

/* The folder holds exactly the texts listed above: a new one needs its facts written here. */
static void
test_corpus_complete (void)
{
  g_autofree char *folder = corpus_folder ();
  static const char *const frameworks[] = { "tf", "jax", "torch" };
  guint found = 0;

  if (folder == NULL)
    return;
  for (guint f = 0; f < G_N_ELEMENTS (frameworks); f++)
    {
      g_autofree char *sub = g_build_filename (folder, frameworks[f], NULL);
      g_autoptr(GDir) dir = g_dir_open (sub, 0, NULL);
      const char *name;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *relative = g_strdup_printf ("%s/%s", frameworks[f], name);
          gboolean listed = FALSE;

          for (guint i = 0; i < G_N_ELEMENTS (corpus_texts); i++)
            listed |= g_str_equal (corpus_texts[i].file, relative);
          if (!listed)
            g_test_message ("%s has no facts in test-error-text.c", relative);
          g_assert_true (listed);
          found++;
        }
    }
  g_assert_cmpuint (found, ==, G_N_ELEMENTS (corpus_texts));
}

static void
test_corpus_details (void)
{
  g_autofree char *folder = corpus_folder ();
  g_autofree char *path = NULL, *contents = NULL;
  g_autoptr(AgvizErrorText) parsed = NULL;
  AgvizErrorNode *input;

  if (folder == NULL)
    return;
  /* The old layout: IPython's frame, the node's "(defined at)", input ops, call stack. */
  path = g_build_filename (folder, "tf/18_invalid-argument-old-defined-at-layout-custom-train-step.txt", NULL);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  parsed = agviz_error_text_parse (contents, -1);
  g_assert_cmpstr (frame_at (parsed, 0)->file, ==, "<ipython-input-27-dfbfc6730fb0>");
  g_assert_cmpint (frame_at (parsed, 0)->line, ==, 9);
  g_assert_cmpstr (frame_at (parsed, 0)->function, ==, "<module>");
  g_assert_cmpstr (frame_at (parsed, 0)->code, ==, "train_step(images_batch, targets_batch)");
  g_assert_cmpint (frame_at (parsed, 1)->section, ==, AGVIZ_ERROR_FRAME_NODE_DEFINITION);
  g_assert_cmpstr (frame_at (parsed, 1)->file, ==, "<ipython-input-25-407636bcdf97>");
  g_assert_true (parsed->input_operation_hint);
  g_assert_cmpuint (parsed->nodes->len, ==, 2);
  input = g_ptr_array_index (parsed->nodes, 1);
  g_assert_cmpint (input->role, ==, AGVIZ_ERROR_NODE_INPUT_SOURCE);
  g_assert_cmpstr (input->name, ==, "conv3d_model/output/BiasAdd");
  g_assert_cmpstr (input->defined_file, ==, "<ipython-input-17-16464bf8034b>");
  g_assert_cmpint (input->defined_line, ==, 31);
  g_assert_cmpuint (parsed->call_stack->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (parsed->call_stack, 0), ==, "train_step");
  g_assert_cmpstr (parsed->graph_name, ==, "__inference_train_step_2751");
  g_clear_pointer (&parsed, agviz_error_text_free);
  g_clear_pointer (&contents, g_free);
  g_clear_pointer (&path, g_free);

  /* Two root errors, the OOM node in both. */
  path = g_build_filename (folder, "tf/20_resource-exhausted-oom-2-root-errors.txt", NULL);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  parsed = agviz_error_text_parse (contents, -1);
  g_assert_cmpint (parsed->root_error_count, ==, 2);
  g_assert_cmpint (((AgvizErrorNode *) g_ptr_array_index (parsed->nodes, 0))->root_error, ==, 0);
  g_clear_pointer (&parsed, agviz_error_text_free);
  g_clear_pointer (&contents, g_free);
  g_clear_pointer (&path, g_free);

  /* TF1's NodeDef layout keeps the op. */
  path = g_build_filename (folder, "tf/21_resource-exhausted-oom-tf1-nodedef-layout.txt", NULL);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  parsed = agviz_error_text_parse (contents, -1);
  g_assert_cmpstr (((AgvizErrorNode *) g_ptr_array_index (parsed->nodes, 0))->op_type, ==,
                   "RandomUniform");
  g_clear_pointer (&parsed, agviz_error_text_free);
  g_clear_pointer (&contents, g_free);
  g_clear_pointer (&path, g_free);

  /* A terminal-wrapped warning: the path cut in two is one again. */
  path = g_build_filename (folder, "torch/08_jit-trace-tracerwarning-bool-unittest-wrapped.txt", NULL);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  parsed = agviz_error_text_parse (contents, -1);
  g_assert_cmpstr (frame_at (parsed, 0)->file, ==,
                   "/afs/csail.mit.edu/u/t/tongzhou/miniconda3/lib/python3.7/site-packages/torch/nn/functional.py");
  g_assert_cmpint (frame_at (parsed, 0)->line, ==, 1837);
  g_assert_cmpstr (frame_at (parsed, 0)->code, ==, "if input.size(0) != target.size(0):");
  g_assert_cmpstr (parsed->warning_type, ==, "TracerWarning");
  g_clear_pointer (&parsed, agviz_error_text_free);
  g_clear_pointer (&contents, g_free);
  g_clear_pointer (&path, g_free);

  /* Retracing counts, and an empty "Cause:" kept as empty. */
  path = g_build_filename (folder, "tf/06_retracing-predict-function-tf241.txt", NULL);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  parsed = agviz_error_text_parse (contents, -1);
  g_assert_cmpint (parsed->retrace_count, ==, 11);
  g_assert_cmpint (parsed->retrace_calls, ==, 11);
  g_clear_pointer (&parsed, agviz_error_text_free);
  g_clear_pointer (&contents, g_free);
  g_clear_pointer (&path, g_free);
  path = g_build_filename (folder, "tf/11_autograph-could-not-transform-empty-cause-test-function.txt", NULL);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  parsed = agviz_error_text_parse (contents, -1);
  g_assert_cmpstr (parsed->cause, ==, "");
}

/* Issue 14: a Keras loss calling K.variable inside fit, with notebook frames.  Both user frames
 * carry TF's `*`; agviz's defining frame is the one line that creates the variable, and the
 * account claims no new input signature, which the text does not show. */
static void
test_keras_loss_variable (void)
{
  g_autoptr(AgvizErrorText) parsed = parse_text_file ("keras-loss-variable.txt");
  g_autoptr(AgvizErrorCause) cause = agviz_error_cause_find (parsed);
  AgvizErrorFrame *defining = agviz_error_text_get_defining_frame (parsed);
  guint converted = 0;

  for (guint i = 0; i < parsed->frames->len; i++)
    converted += frame_at (parsed, i)->mark == AGVIZ_ERROR_FRAME_MARK_CONVERTED;
  g_assert_cmpuint (converted, ==, 3);
  g_assert_nonnull (defining);
  g_assert_cmpstr (defining->code, ==, "weights = K.variable(weights)");
  g_assert_cmpstr (defining->file, ==, "<ipython-input-5-9c1d2e3f4a5b>");
  for (guint i = 0; i < parsed->frames->len; i++)
    g_assert_true (frame_at (parsed, i)->defining == (frame_at (parsed, i) == defining));
  g_assert_cmpint (cause->kind, ==, AGVIZ_ERROR_CAUSE_KERAS_VARIABLE);
  g_assert_null (strstr (cause->what_happened, "input signature"));
  g_assert_nonnull (strstr (cause->what_happened, "weights = K.variable(weights)"));
}

/* Issue 14: the retracing warning's function keeps its <locals> part and its name. */
static void
test_retracing_locals (void)
{
  g_autoptr(AgvizErrorText) parsed = agviz_error_text_parse (
    "WARNING:tensorflow:5 out of the last 5 calls to <function "
    "Model.make_predict_function.<locals>.predict_function at 0x7f70dfc46840> triggered "
    "tf.function retracing. Tracing is expensive", -1);
  g_autoptr(AgvizErrorCause) cause = agviz_error_cause_find (parsed);

  g_assert_cmpstr (parsed->function, ==, "Model.make_predict_function.<locals>.predict_function");
  g_assert_cmpint (cause->kind, ==, AGVIZ_ERROR_CAUSE_KERAS_RETRACING);
  g_assert_cmpuint (cause->fixes->len, ==, 3);
  g_assert_nonnull (strstr (g_ptr_array_index (cause->fixes, 0), "predict_on_batch"));
  g_assert_nonnull (strstr (g_ptr_array_index (cause->fixes, 1), "built in a loop"));
  g_assert_nonnull (strstr (g_ptr_array_index (cause->fixes, 2), "shape"));
}

/* Issue 14: a traceback pasted from its first indented, marked frame, or under a localised
 * header, keeps every frame. */
static void
test_headerless_and_localised (void)
{
  g_autoptr(AgvizErrorText) headerless = parse_text_file ("headerless-user-code.txt");
  g_autoptr(AgvizErrorText) localised = parse_text_file ("localised-header.txt");

  g_assert_cmpuint (headerless->frames->len, ==, 2);
  g_assert_cmpint (frame_at (headerless, 0)->line, ==, 14);
  g_assert_cmpstr (frame_at (headerless, 0)->function, ==, "train_step");
  g_assert_cmpint (frame_at (headerless, 0)->mark, ==, AGVIZ_ERROR_FRAME_MARK_CONVERTED);
  g_assert_cmpint (frame_at (headerless, 1)->mark, ==, AGVIZ_ERROR_FRAME_MARK_ALLOWLISTED);
  g_assert_cmpstr (headerless->exception_type, ==, "ValueError");
  g_assert_cmpstr (headerless->message, ==, "Shapes (None, 1) and (None, 10) are incompatible");
  g_assert_cmpint (headerless->defining_frame, ==, 0);

  g_assert_cmpuint (localised->frames->len, ==, 2);
  g_assert_cmpint (frame_at (localised, 1)->line, ==, 14);
  g_assert_cmpstr (localised->exception_type, ==, "ValueError");
  g_assert_cmpint (localised->defining_frame, ==, 1);
}

static void
test_log_prefixes (void)
{
  static const struct { const char *line; const char *rest; } cases[] = {
    { "WARNING:tensorflow:5 out of", "5 out of" },
    { "WARNING: AutoGraph could not", "AutoGraph could not" },
    { "(pid=4242) WARNING:tensorflow:x", "x" },
    { "(train_fn pid=12, ip=10.0.0.1) ValueError: y", "ValueError: y" },
    { "DEBUG:2024-07-04 23:01:51,915:jax._src.compiler:145: get_compile_options", "get_compile_options" },
    { "W0527 22:28:02.567000 17283 site-packages/torch/_dynamo/variables/tensor.py:1662] [5/0] Graph break", "Graph break" },
    { "V0228 06:22:06.195000 886349 torch/_dynamo/guards.py:2940] [5/3] [__recompiles] Recompiling", "Recompiling" },
    { "[2023-11-06 14:54:08,549] torch._dynamo.guards.__recompiles: [DEBUG] Recompiling", "Recompiling" },
    { "E tensorflow/core/kernels/check_numerics_op.cc:157] abnormal", "abnormal" },
    { "2021-03-01 10:00:00.123456: W tensorflow/core/common_runtime/bfc_allocator.cc:431] Allocator", "Allocator" },
    { "2019-10-17 18:29:43,620 - def_function.py - 474 - __call__ - 6 out of", "6 out of" },
    /* Not prefixes: an exception, a metric, a frame. */
    { "ValueError: x", "ValueError: x" },
    { "train_loss: 50.241222", "train_loss: 50.241222" },
    { "  File \"a.py\", line 1, in f", "  File \"a.py\", line 1, in f" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpstr (cases[i].line + agviz_error_text_log_prefix_length (cases[i].line), ==,
                     cases[i].rest);
}

/* Chained exceptions: each traceback its own chain, the raised one last. */
static void
test_chained (void)
{
  g_autoptr(AgvizErrorText) parsed = agviz_error_text_parse (
    "Traceback (most recent call last):\n"
    "  File \"/home/u/a.py\", line 3, in load\n"
    "    return table[key]\n"
    "KeyError: 'w'\n"
    "\n"
    "During handling of the above exception, another exception occurred:\n"
    "\n"
    "Traceback (most recent call last):\n"
    "  File \"/home/u/a.py\", line 9, in <module>\n"
    "    load('w')\n"
    "  File \"/home/u/a.py\", line 5, in load\n"
    "    raise ValueError('no weights')\n"
    "ValueError: no weights\n", -1);
  AgvizErrorMessage *first, *second;

  g_assert_cmpuint (parsed->frames->len, ==, 3);
  g_assert_cmpint (frame_at (parsed, 0)->chain, ==, 0);
  g_assert_cmpint (frame_at (parsed, 1)->chain, ==, 1);
  g_assert_cmpuint (parsed->messages->len, ==, 2);
  first = g_ptr_array_index (parsed->messages, 0);
  second = g_ptr_array_index (parsed->messages, 1);
  g_assert_cmpstr (first->type, ==, "KeyError");
  g_assert_cmpint (second->link, ==, AGVIZ_ERROR_CHAIN_DURING_HANDLING);
  g_assert_cmpstr (parsed->exception_type, ==, "ValueError");
  /* The defining frame is in the raised exception's traceback. */
  g_assert_cmpint (parsed->defining_frame, ==, 2);
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
  g_test_add_func ("/agviz/error-text/keras-loss-variable", test_keras_loss_variable);
  g_test_add_func ("/agviz/error-text/retracing-locals", test_retracing_locals);
  g_test_add_func ("/agviz/error-text/headerless-and-localised", test_headerless_and_localised);
  g_test_add_func ("/agviz/error-text/log-prefixes", test_log_prefixes);
  g_test_add_func ("/agviz/error-text/chained", test_chained);
  g_test_add_func ("/agviz/error-text/texts-nothing-lost", test_texts_nothing_lost);
  g_test_add_func ("/agviz/error-text/ipython-header-and-cut-word", test_ipython_header_and_cut_word);
  g_test_add_func ("/agviz/error-text/corpus/complete", test_corpus_complete);
  g_test_add_func ("/agviz/error-text/corpus/details", test_corpus_details);
  for (guint i = 0; i < G_N_ELEMENTS (corpus_texts); i++)
    {
      g_autofree char *name = g_strdup_printf ("/agviz/error-text/corpus/%s", corpus_texts[i].file);
      g_test_add_data_func (name, &corpus_texts[i], test_corpus_text);
    }
  return g_test_run ();
}
