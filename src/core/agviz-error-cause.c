/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-error-cause.c: known causes of TensorFlow and PyTorch errors and warnings, from the
 * text's evidence
 *
 * Each detector reads only what the parsed text holds, and every sentence it writes names the
 * piece of the text it rests on, so that a cause is never asserted that the text does not show.
 */
#define G_LOG_DOMAIN "agviz-error-cause"

#include "config.h"

#include <string.h>

#include "agviz-error-cause.h"
#include "agviz-source-map.h"

void
agviz_error_cause_free (AgvizErrorCause *self)
{
  if (self == NULL)
    return;
  g_free (self->what_happened);
  g_clear_pointer (&self->evidence, g_ptr_array_unref);
  g_clear_pointer (&self->fixes, g_ptr_array_unref);
  g_free (self);
}

const char *
agviz_error_cause_kind_to_string (AgvizErrorCauseKind kind)
{
  static const char *const names[] = {
    "none", "keras-retracing", "retracing", "keras-variable", "variable", "tensor-as-bool",
    "autograph-transform", "out-of-memory", "label-out-of-range", "jax-concretization",
    "jax-tracer-bool", "jax-tracer-integer", "jax-leaked-tracer", "torch-recompile",
    "torch-graph-break", "torch-untraceable", "frozen-value", "export-constraint",
  };

  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (names), NULL);
  return names[kind];
}

static void
add_evidence (AgvizErrorCause *self,
              const char      *format,
              ...) G_GNUC_PRINTF (2, 3);

static void
add_evidence (AgvizErrorCause *self,
              const char      *format,
              ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (self->evidence, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
add_fix (AgvizErrorCause *self,
         const char      *format,
         ...) G_GNUC_PRINTF (2, 3);

static void
add_fix (AgvizErrorCause *self,
         const char      *format,
         ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (self->fixes, g_strdup_vprintf (format, args));
  va_end (args);
}

/* Every message of the text, joined: wordings may sit in any of them. */
static char *
all_messages (const AgvizErrorText *text)
{
  GString *joined = g_string_new (NULL);

  for (guint i = 0; i < text->messages->len; i++)
    {
      AgvizErrorMessage *message = g_ptr_array_index (text->messages, i);
      g_string_append (joined, message->text);
      g_string_append_c (joined, '\n');
    }
  return g_string_free (joined, FALSE);
}

static const char *
keras_function_kind (const char *function)
{
  if (function == NULL)
    return NULL;
  if (strstr (function, "make_predict_function") != NULL)
    return "predict";
  if (strstr (function, "make_train_function") != NULL)
    return "train";
  if (strstr (function, "make_test_function") != NULL)
    return "test";
  return NULL;
}

static gboolean
find_retracing (AgvizErrorCause      *self,
                const AgvizErrorText *text,
                const char           *messages)
{
  const char *keras = keras_function_kind (text->function);
  g_autofree char *calls = NULL;

  if (text->retrace_count <= 0)
    return FALSE;
  calls = text->retrace_count == text->retrace_calls
          ? g_strdup_printf ("every one of the last %d calls", text->retrace_calls)
          : g_strdup_printf ("%d of the last %d calls", text->retrace_count, text->retrace_calls);
  add_evidence (self, "the warning names %s", text->function);
  add_evidence (self, "%d out of the last %d calls triggered retracing", text->retrace_count,
                text->retrace_calls);

  if (keras != NULL)
    {
      const char *method = g_str_equal (keras, "predict") ? "predict"
                           : g_str_equal (keras, "train") ? "fit" : "evaluate";
      const char *on_batch = g_str_equal (keras, "predict") ? "predict_on_batch(x)"
                             : g_str_equal (keras, "train") ? "train_on_batch(x, y)"
                                                            : "test_on_batch(x, y)";

      self->kind = AGVIZ_ERROR_CAUSE_KERAS_RETRACING;
      self->what_happened = g_strdup_printf (
        "Keras's %s function (%s), which model.%s() makes once per model, was traced again on "
        "%s. Keras traces it once per model and input shape, so a new trace on %s means "
        "those calls came with a new model or with inputs of a new shape; each trace builds a "
        "new graph, which is slow and keeps memory.",
        keras, text->function, method, calls,
        text->retrace_count == text->retrace_calls ? "every call" : "most calls");
      if (g_str_equal (keras, "predict"))
        add_fix (self, "model.predict() called in a loop on a few samples at a time: call the "
                       "model directly, model(x, training=False), or model.%s, inside the "
                       "loop, or collect the inputs and call predict() once.", on_batch);
      else
        add_fix (self, "model.%s() called in a loop: use model.%s inside the loop, or call "
                       "%s() once on a tf.data.Dataset.", method, on_batch, method);
      add_fix (self, "models built in a loop (each new model makes and traces its own %s "
                     "function): build the model once outside the loop and reuse it (load new "
                     "weights with set_weights()); if you must build many, call "
                     "keras.backend.clear_session() between them.", keras);
      add_fix (self, "inputs whose shape changes from call to call (batch size, sequence "
                     "length): give them one shape, by padding or by batching to a fixed size.");
      return TRUE;
    }

  self->kind = AGVIZ_ERROR_CAUSE_RETRACING;
  self->what_happened = g_strdup_printf (
    "%s was traced again on %s: every trace runs its Python body once more and builds a new "
    "graph, which is slow (TensorFlow warns once it happens 5 times within 10 calls).",
    text->function, calls);
  if (strstr (messages, "repeatedly in a loop") != NULL)
    add_fix (self, "a tf.function created repeatedly in a loop (a new function each time is "
                   "traced anew): define it once, outside the loop.");
  add_fix (self, "tensors of different shapes: declare input_signature with None for the "
                 "dimensions that vary, or use reduce_retracing=True (experimental_relax_shapes=True "
                 "before TF 2.9).");
  add_fix (self, "Python values (ints, floats, strings, lists) as arguments, each new value "
                 "being a new signature: pass tensors (tf.constant(x)) instead.");
  return TRUE;
}

static gboolean
contains_word (const char *haystack,
               const char *word)
{
  g_autofree char *lower = haystack != NULL ? g_ascii_strdown (haystack, -1) : NULL;
  return lower != NULL && strstr (lower, word) != NULL;
}

static gboolean
find_variable (AgvizErrorCause      *self,
               const AgvizErrorText *text)
{
  AgvizErrorFrame *defining = agviz_error_text_get_defining_frame (text);
  g_autofree char *where = NULL;
  const char *place = NULL;

  if (text->kind != AGVIZ_ERROR_TEXT_VARIABLE_NON_FIRST_CALL)
    return FALSE;
  if (defining != NULL)
    {
      where = g_strdup_printf ("%s:%d%s%s%s", defining->file, defining->line,
                               defining->code != NULL ? " (`" : "",
                               defining->code != NULL ? defining->code : "",
                               defining->code != NULL ? "`)" : "");
      add_evidence (self, "the line that creates it: %s, in %s", where,
                    defining->function != NULL ? defining->function : "?");
    }

  if (text->message != NULL && strstr (text->message, "when calling layer") != NULL)
    place = "layer";
  else if (defining != NULL && g_strcmp0 (defining->function, "call") == 0)
    place = "layer";
  /* The user's functions on the way to the variable say what Keras was calling. */
  for (guint i = 0; place == NULL && i < text->frames->len; i++)
    {
      AgvizErrorFrame *frame = g_ptr_array_index (text->frames, i);
      const char *function = frame->function;

      if (frame->section != AGVIZ_ERROR_FRAME_USER_CODE ||
          agviz_source_map_classify_path (frame->file) != AGVIZ_FRAME_ORIGIN_USER)
        continue;
      if (contains_word (function, "loss") || contains_word (function, "crossentropy"))
        {
          place = "loss";
          add_evidence (self, "the call goes through %s, a loss function", function);
        }
      else if (contains_word (function, "metric"))
        {
          place = "metric";
          add_evidence (self, "the call goes through %s, a metric", function);
        }
    }

  if (place != NULL)
    {
      self->kind = AGVIZ_ERROR_CAUSE_KERAS_VARIABLE;
      if (g_str_equal (place, "layer"))
        {
          if (text->message != NULL && strstr (text->message, "when calling layer") != NULL)
            add_evidence (self, "the error says: %s", text->message);
          self->what_happened = g_strdup_printf (
            "A Keras layer's call creates a tf.Variable%s%s. Keras traces call more than once "
            "(for fit's train function, predict's, new input shapes), and a tf.function may "
            "create variables on its first trace only.", where != NULL ? " at " : "",
            where != NULL ? where : "");
          add_fix (self, "Create the variable once, in the layer's __init__ or build, with "
                         "self.add_weight(..., trainable=False) (or tf.Variable there), and "
                         "update it in call with .assign().");
        }
      else if (g_str_equal (place, "loss"))
        {
          self->what_happened = g_strdup_printf (
            "A loss function creates a variable%s%s each time it runs. Keras traces the loss "
            "inside its train function, again for every retrace, and a tf.function may create "
            "variables on its first trace only.", where != NULL ? " at " : "",
            where != NULL ? where : "");
          add_fix (self, "Fixed weights do not need a variable: use tf.constant() "
                         "(K.constant()) instead of K.variable() / tf.Variable().");
          add_fix (self, "A value that must change: create the variable once, outside the loss "
                         "(or in a keras.losses.Loss subclass's __init__), and use it inside.");
        }
      else
        {
          self->what_happened = g_strdup_printf (
            "A metric creates a variable%s%s each time it runs; Keras traces metrics in its "
            "train and test functions, and a tf.function may create variables on its first "
            "trace only.", where != NULL ? " at " : "", where != NULL ? where : "");
          add_fix (self, "Write the metric as a keras.metrics.Metric subclass that creates its "
                         "state with self.add_weight() in __init__ and updates it in "
                         "update_state().");
        }
      return TRUE;
    }

  self->kind = AGVIZ_ERROR_CAUSE_VARIABLE;
  self->what_happened = g_strdup_printf (
    "A tf.function was traced again and that trace ran a line that creates a tf.Variable%s%s; "
    "TensorFlow allows creating variables on the first trace only. The text does not say why "
    "it was traced again (a new input signature, another model or layer through the same "
    "function, Keras building its functions again).", where != NULL ? ": " : "",
    where != NULL ? where : "");
  add_fix (self, "Create the variable once, outside the function or in tf.Module.__init__ / a "
                 "layer's build, and use it inside.");
  return TRUE;
}

static gboolean
find_tensor_as_bool (AgvizErrorCause      *self,
                     const AgvizErrorText *text,
                     const char           *messages)
{
  AgvizErrorFrame *defining = agviz_error_text_get_defining_frame (text);
  g_autofree char *where = NULL;

  if (strstr (messages, "as a Python `bool` is not allowed") == NULL)
    return FALSE;
  self->kind = AGVIZ_ERROR_CAUSE_TENSOR_AS_BOOL;
  if (defining != NULL && defining->code != NULL)
    {
      where = g_strdup_printf (" (%s:%d: `%s`)", defining->file, defining->line, defining->code);
      add_evidence (self, "the line: %s:%d, `%s`", defining->file, defining->line,
                    defining->code);
    }
  if (strstr (messages, "AutoGraph did not convert this function") != NULL)
    {
      add_evidence (self, "TensorFlow says: AutoGraph did not convert this function");
      self->what_happened = g_strdup_printf (
        "A Python if, while, and/or/not or assert was applied to a tf.Tensor while "
        "tf.function traced it%s. AutoGraph turns such statements into graph ops "
        "(tf.cond, tf.while_loop) only in the functions it converts, and it did not convert "
        "this one, so Python asked the tensor for a True/False it does not have yet.",
        where != NULL ? where : "");
      add_fix (self, "Decorate the function that holds the statement with @tf.function itself "
                     "(as the message suggests), or call it only from converted code.");
    }
  else if (strstr (messages, "AutoGraph is disabled in this function") != NULL)
    {
      add_evidence (self, "TensorFlow says: AutoGraph is disabled in this function");
      self->what_happened = g_strdup_printf (
        "A Python if, while or and/or/not was applied to a tf.Tensor%s in a tf.function made "
        "with autograph=False, so it was not turned into graph ops.", where != NULL ? where : "");
      add_fix (self, "Drop autograph=False from the tf.function, or write the condition with "
                     "tf.cond / tf.where.");
    }
  else
    self->what_happened = g_strdup_printf (
      "A Python if, while or and/or/not was applied to a tf.Tensor%s in graph code, where the "
      "tensor has no value yet.", where != NULL ? where : "");
  add_fix (self, "Or write the condition as graph code: tf.cond(pred, true_fn, false_fn), "
                 "tf.where(pred, a, b), tf.debugging.assert_* for asserts.");
  if (strstr (messages, "not declared to be dynamic") != NULL)
    {
      add_evidence (self, "Keras says: Python control flow in a layer that was not declared to "
                          "be dynamic");
      add_fix (self, "For a Keras layer whose call must run as plain Python, pass dynamic=True "
                     "to its constructor (it then runs eagerly, slower).");
    }
  return TRUE;
}

/* JAX's tracer errors, every wording since 2020: the line that asked a traced value for what
 * only a concrete one has, and the fix JAX users need. */
static gboolean
find_jax_tracer_error (AgvizErrorCause      *self,
                       const AgvizErrorText *text,
                       const char           *messages)
{
  AgvizErrorFrame *defining = agviz_error_text_get_defining_frame (text);
  g_autofree char *where = NULL;
  const char *argument = strstr (messages, "depends on the value of the argument ");
  const char *created = strstr (messages, "was created on line ");
  g_autofree char *argument_name = NULL;

  if (strstr (messages, "TracerBoolConversionError") != NULL ||
      strstr (messages, "Attempted boolean conversion of traced array") != NULL)
    self->kind = AGVIZ_ERROR_CAUSE_JAX_TRACER_BOOL;
  else if (strstr (messages, "TracerIntegerConversionError") != NULL ||
           strstr (messages, "The __index__() method was called on") != NULL)
    self->kind = AGVIZ_ERROR_CAUSE_JAX_TRACER_INTEGER;
  else if (strstr (messages, "UnexpectedTracerError") != NULL ||
           strstr (messages, "Encountered an unexpected tracer") != NULL)
    self->kind = AGVIZ_ERROR_CAUSE_JAX_LEAKED_TRACER;
  else if (strstr (messages, "ConcretizationTypeError") != NULL ||
           strstr (messages, "Abstract tracer value encountered where concrete value is "
                             "expected") != NULL)
    self->kind = AGVIZ_ERROR_CAUSE_JAX_CONCRETIZATION;
  else
    return FALSE;

  if (defining != NULL)
    {
      where = defining->code != NULL
                ? g_strdup_printf (" at %s:%d (`%s`)", defining->file, defining->line,
                                   defining->code)
                : g_strdup_printf (" at %s:%d", defining->file, defining->line);
      add_evidence (self, "the line: %s:%d%s%s%s", defining->file, defining->line,
                    defining->code != NULL ? ", `" : "",
                    defining->code != NULL ? defining->code : "",
                    defining->code != NULL ? "`" : "");
    }
  if (argument != NULL)
    {
      argument += strlen ("depends on the value of the argument ");
      argument_name = g_strndup (argument, strcspn (argument, ". \n"));
      add_evidence (self, "JAX says: the value depends on the argument %s", argument_name);
    }

  switch (self->kind)
    {
    case AGVIZ_ERROR_CAUSE_JAX_TRACER_BOOL:
      self->what_happened = g_strdup_printf (
        "Python's if, while, and/or/not or bool() was applied to a traced JAX value%s. Under "
        "jax.jit (or grad, vmap) the value is an abstract tracer with a shape and dtype but no "
        "value, so Python cannot choose a branch.", where != NULL ? where : "");
      add_fix (self, "Write the choice as array code: jnp.where(pred, a, b) for values, "
                     "lax.cond(pred, true_fn, false_fn, operand) for branches, "
                     "lax.while_loop / lax.fori_loop for loops.");
      break;
    case AGVIZ_ERROR_CAUSE_JAX_TRACER_INTEGER:
      self->what_happened = g_strdup_printf (
        "A traced JAX value was used as a Python int (an index into a list, range(), a "
        "shape)%s; under jax.jit it has no value yet.", where != NULL ? where : "");
      add_fix (self, "Index arrays instead of Python lists (jnp.stack the items, then x[i] or "
                     "lax.dynamic_slice), or use lax.fori_loop for a traced loop bound.");
      break;
    case AGVIZ_ERROR_CAUSE_JAX_LEAKED_TRACER:
      self->what_happened = g_strdup_printf (
        "A traced value escaped the function JAX was tracing (saved into a global, a list or "
        "an object attribute) and was used%s after that trace had ended.",
        where != NULL ? where : "");
      if (created != NULL)
        add_evidence (self, "JAX says: the leaked value %.*s", (int) strcspn (created, "\n"),
                      created);
      add_fix (self, "Return the value from the jitted function instead of saving it, and use "
                     "what the call returns; keep jitted functions free of side effects (for "
                     "debugging, jax.debug.print).");
      break;
    case AGVIZ_ERROR_CAUSE_JAX_CONCRETIZATION:
    default:
      self->what_happened = g_strdup_printf (
        "Python needed the concrete value of a traced JAX value%s (float(), int(), a shape, "
        "a Python condition), and under jax.jit it only has a shape and dtype.",
        where != NULL ? where : "");
      break;
    }
  if (self->kind != AGVIZ_ERROR_CAUSE_JAX_LEAKED_TRACER)
    {
      if (argument_name != NULL)
        add_fix (self, "If %s is a Python setting (a size, a flag, a mode), mark it static: "
                       "jax.jit(f, static_argnums=...) or static_argnames=('%s',); every new "
                       "value then compiles once.", argument_name, argument_name);
      else
        add_fix (self, "If the value is a Python setting (a size, a flag, a mode), pass it as a "
                       "static argument: jax.jit(f, static_argnums=...) or static_argnames.");
      if (self->kind == AGVIZ_ERROR_CAUSE_JAX_CONCRETIZATION)
        add_fix (self, "Otherwise keep it an array: x.astype(dtype) instead of float()/int(), "
                       "jnp.where or lax.cond instead of a Python condition.");
    }
  return TRUE;
}

static gboolean
find_transform (AgvizErrorCause      *self,
                const AgvizErrorText *text)
{
  const char *keras = keras_function_kind (text->function);
  const char *function = text->function != NULL ? text->function : "a function";

  if (text->kind != AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM)
    return FALSE;
  self->kind = AGVIZ_ERROR_CAUSE_AUTOGRAPH_TRANSFORM;
  add_evidence (self, "the warning names %s", function);
  self->what_happened = g_strdup_printf (
    "AutoGraph could not convert %s, so tf.function ran it as plain Python while tracing: its "
    "Python if/for/while over tensors ran once, at trace time (or stop with the "
    "tf.Tensor-as-bool error), instead of becoming graph ops; the TensorFlow operations it "
    "calls still became graph ops.%s", function,
    keras != NULL ? " The function is Keras's own, not yours: the model still trains and "
                    "evaluates, with any Python control flow in your layers' call running "
                    "once at trace time." : "");
  if (text->cause == NULL)
    ;
  else if (*text->cause == '\0')
    {
      add_evidence (self, "TensorFlow printed \"Cause:\" with nothing after it");
      add_fix (self, "The text gives no cause: run again with AUTOGRAPH_VERBOSITY=10 in the "
                     "environment (as the warning says) to see it.");
    }
  else if (strstr (text->cause, "gast") != NULL || strstr (text->cause, "posonlyargs") != NULL)
    {
      add_evidence (self, "cause: %s", text->cause);
      add_fix (self, "The cause is AutoGraph's source parser, not your code: the installed "
                     "gast package does not match your TensorFlow (`pip check` names the "
                     "mismatch). Install the gast version your TensorFlow release requires, or "
                     "upgrade TensorFlow together with its pinned dependencies.");
    }
  else
    {
      add_evidence (self, "cause: %s", text->cause);
      add_fix (self, "Fix what the cause names.");
    }
  add_fix (self, "If the function should run as plain Python, decorate it with "
                 "@tf.autograph.experimental.do_not_convert to silence the warning.");
  return TRUE;
}

static int
dtype_size (const char *dtype)
{
  static const struct { const char *name; int size; } sizes[] = {
    { "float", 4 }, { "double", 8 }, { "half", 2 }, { "bfloat16", 2 }, { "int32", 4 },
    { "int64", 8 }, { "int8", 1 }, { "uint8", 1 }, { "int16", 2 }, { "bool", 1 },
    { "complex64", 8 }, { "complex128", 16 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    if (g_str_equal (dtype, sizes[i].name))
      return sizes[i].size;
  return 0;
}

static AgvizErrorNode *
first_failed_node (const AgvizErrorText *text)
{
  for (guint i = 0; i < text->nodes->len; i++)
    {
      AgvizErrorNode *node = g_ptr_array_index (text->nodes, i);
      if (node->role == AGVIZ_ERROR_NODE_FAILED)
        return node;
    }
  return NULL;
}

static gboolean
find_out_of_memory (AgvizErrorCause *self,
                    const AgvizErrorText *text,
                    const char      *messages)
{
  g_autoptr(GRegex) regex = g_regex_new ("OOM when allocating tensor with shape\\[([0-9,]*)\\] "
                                         "and type (\\w+) on (\\S+) by allocator (\\S+)",
                                         0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *shape = NULL, *dtype = NULL, *device = NULL, *allocator = NULL;
  g_auto(GStrv) dims = NULL;
  AgvizErrorNode *node = first_failed_node (text);
  g_autofree char *size = NULL, *node_text = NULL;
  double bytes;
  gboolean initializer;

  if (!g_regex_match (regex, messages, 0, &match))
    return FALSE;
  shape = g_match_info_fetch (match, 1);
  dtype = g_match_info_fetch (match, 2);
  device = g_match_info_fetch (match, 3);
  allocator = g_match_info_fetch (match, 4);
  dims = g_strsplit (shape, ",", -1);
  bytes = dtype_size (dtype);
  for (guint i = 0; dims[i] != NULL; i++)
    bytes *= g_ascii_strtod (dims[i], NULL);
  if (bytes > 0)
    size = g_format_size_full ((guint64) bytes, G_FORMAT_SIZE_IEC_UNITS);

  self->kind = AGVIZ_ERROR_CAUSE_OUT_OF_MEMORY;
  if (node != NULL)
    node_text = g_strdup_printf ("node %s%s%s%s", node->name, node->op_type != NULL ? " (" : "",
                                 node->op_type != NULL ? node->op_type : "",
                                 node->op_type != NULL ? ")" : "");
  add_evidence (self, "OOM when allocating a tensor of shape [%s], type %s, on %s (allocator "
                      "%s)", shape, dtype, device, allocator);
  if (node != NULL)
    add_evidence (self, "the allocating %s", node_text);
  if (text->root_error_count > 1)
    add_evidence (self, "%d root errors: the same run failed in %d places",
                  text->root_error_count, text->root_error_count);
  self->what_happened = g_strdup_printf (
    "%s%s needed a new tensor of shape [%s] (%s%s%s) on %s, and that device's memory was "
    "already full.", node_text != NULL ? "The " : "The graph",
    node_text != NULL ? node_text : "", shape, dtype, size != NULL ? ", " : "",
    size != NULL ? size : "", device);

  /* A variable's initial value is the model's own size: a smaller batch does not help. */
  initializer = node != NULL && (strstr (node->name, "Initializer") != NULL ||
                                 g_strcmp0 (node->op_type, "RandomUniform") == 0 ||
                                 g_strcmp0 (node->op_type, "TruncatedNormal") == 0);
  if (initializer)
    {
      add_evidence (self, "%s initialises a variable: the tensor is a weight, not an activation",
                    node->name);
      add_fix (self, "The model's weights alone do not fit on %s: use a smaller model (fewer "
                     "units in the layer that %s belongs to), place it on a device with more "
                     "memory, or free what other processes hold there.", device, node->name);
    }
  else
    {
      if (g_strv_length (dims) >= 2)
        add_fix (self, "Lower the batch size (the first dimension here: %s); memory for "
                       "activations grows with it.", dims[0]);
      add_fix (self, "Free memory held elsewhere on %s: other models in the same process "
                     "(keras.backend.clear_session()), other processes on the same GPU.", device);
      add_fix (self, "Smaller inputs (image size, sequence length) or mixed precision "
                     "(float16 halves activations) lower the need.");
    }
  if (strstr (messages, "report_tensor_allocations_upon_oom") != NULL)
    add_fix (self, "To see what else holds memory, set report_tensor_allocations_upon_oom in "
                   "RunOptions, as TensorFlow's hint says.");
  return TRUE;
}

static gboolean
find_label_out_of_range (AgvizErrorCause *self,
                         const AgvizErrorText *text,
                         const char      *messages)
{
  g_autoptr(GRegex) regex = g_regex_new ("Received a label value of (-?\\d+) which is outside "
                                         "the valid range of \\[0, (\\d+)\\)", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *value_text = NULL, *classes_text = NULL;
  AgvizErrorNode *node = first_failed_node (text);
  gint64 value, classes;

  if (!g_regex_match (regex, messages, 0, &match))
    return FALSE;
  value_text = g_match_info_fetch (match, 1);
  classes_text = g_match_info_fetch (match, 2);
  value = g_ascii_strtoll (value_text, NULL, 10);
  classes = g_ascii_strtoll (classes_text, NULL, 10);

  self->kind = AGVIZ_ERROR_CAUSE_LABEL_OUT_OF_RANGE;
  add_evidence (self, "label value %s, valid range [0, %s)", value_text, classes_text);
  if (node != NULL)
    add_evidence (self, "node %s", node->name);
  self->what_happened = g_strdup_printf (
    "%s%s received the label %s, but the logits it was given have %s classes, so labels must "
    "be 0 to %" G_GINT64_FORMAT ".%s", node != NULL ? "The sparse cross-entropy node " : "A sparse "
    "cross-entropy", node != NULL ? node->name : "", value_text, classes_text, classes - 1,
    value == classes ? " The label equals the number of classes: labels numbered from 1, or "
                       "one class too few in the model's last layer." : "");

  for (guint i = 0; i < text->nodes->len; i++)
    {
      AgvizErrorNode *input = g_ptr_array_index (text->nodes, i);

      g_autofree char *defined = NULL;

      if (input->role != AGVIZ_ERROR_NODE_INPUT_SOURCE)
        continue;
      defined = input->defined_file != NULL
                ? g_strdup_printf (", defined at %s:%d", input->defined_file, input->defined_line)
                : g_strdup ("");
      add_evidence (self, "input operation %s%s", input->name, defined);
      add_fix (self, "The logits come from %s%s: give that layer as many units as there are "
                     "classes (at least %" G_GINT64_FORMAT ", the largest label seen + 1).",
               input->name, defined, value + 1);
      break;
    }
  add_fix (self, "Make the model's last layer have as many units as there are classes, or "
                 "renumber the labels to 0..%" G_GINT64_FORMAT " (labels - 1 when they start "
                 "at 1).", classes - 1);
  if (text->input_operation_hint)
    add_fix (self, "TensorFlow adds that the error may come from an input operation: check "
                   "the labels your dataset yields (their largest value).");
  return TRUE;
}

/* ---- PyTorch ----------------------------------------------------------------------------- */

/* The first line of @messages that holds @needle, without its leading blanks and "- " (transfer
 * full), or NULL. */
static char *
line_with (const char *messages,
           const char *needle)
{
  const char *at = strstr (messages, needle), *start, *end;

  if (at == NULL)
    return NULL;
  for (start = at; start > messages && start[-1] != '\n'; start--)
    ;
  while (*start == ' ' || *start == '-')
    start++;
  end = strchr (at, '\n');
  return end != NULL ? g_strndup (start, end - start) : g_strdup (start);
}

/* The compiled function's frame (the recompile log's "Recompiling function f in FILE:LINE"). */
static const AgvizErrorFrame *
compiled_function_frame (const AgvizErrorText *text)
{
  for (guint i = 0; i < text->frames->len; i++)
    {
      const AgvizErrorFrame *frame = g_ptr_array_index (text->frames, i);

      if (frame->section == AGVIZ_ERROR_FRAME_WARNING && frame->function != NULL &&
          g_strcmp0 (frame->function, text->function) == 0)
        return frame;
    }
  return NULL;
}

static gboolean
find_torch_recompile (AgvizErrorCause      *self,
                      const AgvizErrorText *text,
                      const char           *messages)
{
  g_autoptr(GRegex) size_regex = g_regex_new ("tensor '(.+)' size mismatch at index (\\d+)\\. "
                                              "expected (\\d+), actual (\\d+)", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *limit = line_with (messages, "hit config.");
  g_autofree char *guard = NULL, *tensor = NULL, *index = NULL;
  const AgvizErrorFrame *frame = compiled_function_frame (text);
  const char *name = text->function != NULL ? text->function : "the compiled function";

  if (limit == NULL && strstr (messages, "RecompileLimit") == NULL &&
      text->kind != AGVIZ_ERROR_TEXT_RECOMPILE_LOG)
    return FALSE;
  self->kind = AGVIZ_ERROR_CAUSE_TORCH_RECOMPILE;
  if (frame != NULL)
    add_evidence (self, "torch.compile compiled %s (%s:%d) again", name, frame->file, frame->line);
  if (limit != NULL)
    add_evidence (self, "%s", limit);
  if (g_regex_match (size_regex, messages, 0, &match))
    {
      guard = g_match_info_fetch (match, 0);
      tensor = g_match_info_fetch (match, 1);
      /* Dynamo's L['x'] is the compiled function's local (argument) x. */
      if (g_str_has_prefix (tensor, "L['") && g_str_has_suffix (tensor, "']") &&
          strlen (tensor) > 5)
        {
          char *local = g_strndup (tensor + 3, strlen (tensor) - 5);

          g_free (tensor);
          tensor = local;
        }
      index = g_match_info_fetch (match, 2);
      add_evidence (self, "the guard that failed: %s", guard);
    }
  else if ((guard = line_with (messages, "last reason: ")) != NULL)
    add_evidence (self, "%s", guard);

  self->what_happened = g_strdup_printf (
    "torch.compile specialises a compiled function on what it saw (shapes, Python values); a "
    "call that breaks one of those guards compiles %s once more%s%s.%s", name,
    tensor != NULL ? ": here the size of " : "", tensor != NULL ? tensor : "",
    limit != NULL ? " After config.recompile_limit compiles of one function it stops: later "
                    "calls run without torch.compile (or, with fullgraph=True, raise)." : "");
  if (tensor != NULL)
    {
      add_fix (self, "Let dimension %s of %s be dynamic: torch._dynamo.mark_dynamic(%s, %s) "
                     "before the first call, or torch.compile(..., dynamic=True).", index, tensor,
               tensor, index);
      add_fix (self, "Or pad the inputs to a few fixed sizes, so that a handful of compiles "
                     "serves every call.");
    }
  else
    add_fix (self, "Make the failing guard hold between calls (same shapes, dtypes, Python "
                   "values and objects), or mark what varies dynamic.");
  if (limit != NULL)
    add_fix (self, "Raise torch._dynamo.config.recompile_limit only when the number of variants "
                   "is small and known.");
  add_fix (self, "TORCH_LOGS=recompiles (or agviz record) lists every guard that failed.");
  return TRUE;
}

static gboolean
find_export_constraint (AgvizErrorCause *self,
                        const char      *messages)
{
  g_autofree char *violated = line_with (messages, "Constraints violated (");
  g_autofree char *detail = line_with (messages, "Not all values of ");
  g_autofree char *dimension = NULL;
  const char *open;

  if (violated == NULL)
    return FALSE;
  self->kind = AGVIZ_ERROR_CAUSE_EXPORT_CONSTRAINT;
  open = strstr (violated, "Constraints violated (") + strlen ("Constraints violated (");
  dimension = g_strndup (open, strcspn (open, ")"));
  add_evidence (self, "%s", violated);
  if (detail != NULL)
    add_evidence (self, "%s", detail);
  self->what_happened = g_strdup_printf (
    "torch.export was asked to keep dimension %s dynamic, but tracing the model found code that "
    "works only for some of its values, and added a guard on it (the evidence names it).",
    dimension);
  add_fix (self, "Give the dimension the range the code supports, e.g. "
                 "torch.export.Dim(\"%s\", min=2) when it cannot be 1.", dimension);
  add_fix (self, "Or find the code that specialises on the size (TORCH_LOGS=\"+dynamic\", or "
                 "torch.export.draft_export) and make it work for every size.");
  return TRUE;
}

static gboolean
find_torch_untraceable (AgvizErrorCause      *self,
                        const AgvizErrorText *text,
                        const char           *messages)
{
  const char *type = agviz_error_text_get_short_type (text);
  AgvizErrorFrame *defining = agviz_error_text_get_defining_frame (text);
  gboolean control_flow = strstr (messages, "Dynamic control flow is not supported") != NULL;

  if (!control_flow && g_strcmp0 (type, "Unsupported") != 0)
    return FALSE;
  self->kind = AGVIZ_ERROR_CAUSE_TORCH_UNTRACEABLE;
  if (defining != NULL)
    add_evidence (self, "dynamo names the line from your code: %s:%d", defining->file,
                  defining->line);
  if (text->message != NULL)
    add_evidence (self, "%s: %s", type != NULL ? type : "error", text->message);
  else if (control_flow)
    add_evidence (self, "Dynamic control flow is not supported");
  if (control_flow)
    {
      self->what_happened = g_strdup (
        "torch.export (or torch.compile with fullgraph=True) met Python control flow whose "
        "condition depends on a tensor's value at that line: one graph cannot hold both "
        "branches, and this mode cannot break the graph there.");
      add_fix (self, "Write the branch with torch.cond (both branches traced), or with "
                     "torch.where when it only picks values.");
      add_fix (self, "Or make the condition depend on something known at trace time (a shape, "
                     "a Python argument).");
      return TRUE;
    }
  self->what_happened = g_strdup (
    "torch.compile's dynamo could not trace that line (the message says which operation), and "
    "with fullgraph=True (or under torch.export) it may not break the graph there instead, so "
    "it raised.");
  add_fix (self, "Rewrite the line with torch operations dynamo can trace, or move it out of the "
                 "compiled function.");
  add_fix (self, "Without fullgraph=True dynamo breaks the graph at that line and goes on (the "
                 "code before and after it still compiles).");
  return TRUE;
}

static gboolean
find_torch_graph_break (AgvizErrorCause      *self,
                        const AgvizErrorText *text,
                        const char           *messages)
{
  g_autofree char *reason = line_with (messages, "Graph break");
  AgvizErrorFrame *defining = agviz_error_text_get_defining_frame (text);

  if (reason == NULL || text->exception_type != NULL)
    return FALSE;
  self->kind = AGVIZ_ERROR_CAUSE_TORCH_GRAPH_BREAK;
  add_evidence (self, "%s", reason);
  if (defining != NULL)
    add_evidence (self, "at %s:%d", defining->file, defining->line);
  self->what_happened = g_strdup (
    "torch.compile stopped tracing at that line (a graph break): the code before and after it "
    "compiles into separate graphs, with the line run by Python in between, which costs time on "
    "every call.");
  if (strstr (messages, "capture_scalar_outputs") != NULL)
    add_fix (self, "Tensor.item() leaves the graph: keep the value a tensor, or set "
                   "torch._dynamo.config.capture_scalar_outputs = True to capture it.");
  add_fix (self, "Move what dynamo cannot trace out of the compiled function, or replace it with "
                 "a torch operation; fullgraph=True turns each break into an error.");
  return TRUE;
}

static gboolean
find_frozen_value (AgvizErrorCause      *self,
                   const AgvizErrorText *text,
                   const char           *messages)
{
  gboolean boolean = strstr (messages, "to a Python boolean") != NULL;
  gboolean index = strstr (messages, "to a Python index") != NULL;

  if (g_strcmp0 (text->warning_type, "TracerWarning") != 0)
    return FALSE;
  self->kind = AGVIZ_ERROR_CAUSE_FROZEN_VALUE;
  for (guint i = 0; i < text->frames->len; i++)
    {
      const AgvizErrorFrame *frame = g_ptr_array_index (text->frames, i);

      if (frame->section == AGVIZ_ERROR_FRAME_WARNING)
        add_evidence (self, "TracerWarning at %s:%d%s%s", frame->file, frame->line,
                      frame->code != NULL ? ": " : "", frame->code != NULL ? frame->code : "");
    }
  self->what_happened = g_strdup_printf (
    "torch.jit.trace recorded a Python value computed from a tensor%s as a constant: the trace "
    "repeats what that value was for the example input, whatever later inputs hold.",
    boolean && index ? " (a bool for a condition, an int for an index or length)"
    : boolean ? " (a bool, for a condition)" : index ? " (an int, for an index or length)" : "");
  if (boolean)
    add_fix (self, "Python control flow on a tensor runs once, at trace time: use torch.where, "
                   "or script the function (torch.jit.script) or export it with torch.export, "
                   "which keep the branch.");
  add_fix (self, "Keep the value a tensor (no .item(), int(), float(), len() or Python indexing "
                 "on it), or script/export the function instead of tracing it.");
  return TRUE;
}

static char *
describe_kind (const AgvizErrorText *text)
{
  AgvizErrorFrame *defining = agviz_error_text_get_defining_frame (text);

  switch (text->kind)
    {
    case AGVIZ_ERROR_TEXT_GRAPH_RUNTIME:
      return g_strdup ("An op failed while the graph ran; the error names the node(s) listed "
                       "above.");
    case AGVIZ_ERROR_TEXT_AUTOGRAPH_USER_CODE:
      return g_strdup ("Your function raised while tf.function traced it (AutoGraph had "
                       "converted it); the defining frame is the line that raised.");
    case AGVIZ_ERROR_TEXT_PYTHON_EXCEPTION:
      if (text->exception_type == NULL)
        return g_strdup ("The text has frames but no exception line; the defining frame is "
                         "the innermost line of your code in them.");
      return g_strdup (defining != NULL
                       ? "A Python exception; the defining frame is the innermost line of "
                         "your code in its traceback."
                       : "A Python exception; the text names no line of your code.");
    case AGVIZ_ERROR_TEXT_PYTHON_WARNING:
      return g_strdup_printf ("A Python %s; the line it names is shown above.",
                              text->warning_type);
    case AGVIZ_ERROR_TEXT_VARIABLE_NON_FIRST_CALL:
    case AGVIZ_ERROR_TEXT_RETRACING_WARNING:
    case AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM:
    case AGVIZ_ERROR_TEXT_UNKNOWN:
    default:
      return NULL;
    }
}

AgvizErrorCause *
agviz_error_cause_find (const AgvizErrorText *text)
{
  g_autoptr(AgvizErrorCause) self = g_new0 (AgvizErrorCause, 1);
  g_autofree char *messages = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  self->evidence = g_ptr_array_new_with_free_func (g_free);
  self->fixes = g_ptr_array_new_with_free_func (g_free);
  messages = all_messages (text);

  if (find_variable (self, text) || find_retracing (self, text, messages) ||
      find_transform (self, text) || find_tensor_as_bool (self, text, messages) ||
      find_out_of_memory (self, text, messages) || find_label_out_of_range (self, text, messages) ||
      find_jax_tracer_error (self, text, messages) ||
      find_torch_recompile (self, text, messages) || find_export_constraint (self, messages) ||
      find_torch_untraceable (self, text, messages) ||
      find_torch_graph_break (self, text, messages) || find_frozen_value (self, text, messages))
    return g_steal_pointer (&self);
  self->what_happened = describe_kind (text);
  return g_steal_pointer (&self);
}
