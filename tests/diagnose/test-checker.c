/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-checker.c: every diagnostic kind, found with its evidence, and not found on clean programs */
#include "config.h"

#include <string.h>

#include "test-trace-builder.h"

static const char variable_program[] =
  "import tensorflow as tf\n"            /* 1 */
  "\n"                                   /* 2 */
  "@tf.function\n"                       /* 3 */
  "def f(x):\n"                          /* 4 */
  "    v = tf.Variable(1.0)\n"           /* 5 */
  "    return v + x\n";                  /* 6 */

static void
test_variable_in_graph (void)
{
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) found = NULL;
  AgvizDiagnostic *diagnostic;
  gint64 fn, t1, t2;

  trace_builder_init (&b, variable_program);
  fn = trace_builder_function (&b, "f", 3);
  t1 = trace_builder_begin (&b, fn, "__inference_f_1", "x: TensorSpec(shape=(), dtype=tf.float32)");
  trace_builder_node (&b, t1, "Variable", "VarHandleOp", trace_builder_stack (&b, 5, "f"));
  trace_builder_end (&b, t1, AGVIZ_TRACE_STATUS_COMPLETE);
  trace_builder_call (&b, t1, 1);
  t2 = trace_builder_begin (&b, fn, "__inference_f_2", "x: TensorSpec(shape=(2,), dtype=tf.float32)");
  trace_builder_node (&b, t2, "Variable", "VarHandleOp", trace_builder_stack (&b, 5, "f"));
  trace_builder_end (&b, t2, AGVIZ_TRACE_STATUS_COMPLETE);
  store = trace_builder_finish (&b);

  found = check_kind (store, AGVIZ_DIAGNOSTIC_KIND_VARIABLE_NON_FIRST_TRACE);
  g_assert_cmpuint (found->len, ==, 1);
  diagnostic = g_ptr_array_index (found, 0);
  g_assert_cmpint (agviz_diagnostic_get_severity (diagnostic), ==, AGVIZ_DIAGNOSTIC_SEVERITY_ERROR);
  g_assert_cmpstr (agviz_diagnostic_get_function (diagnostic), ==, "f");
  g_assert_cmpint (agviz_diagnostic_get_trace_ordinal (diagnostic), ==, 2);
  g_assert_cmpstr (agviz_diagnostic_get_file (diagnostic), ==, PROGRAM_PATH);
  g_assert_cmpint (agviz_diagnostic_get_line (diagnostic), ==, 5);
  g_assert_cmpstr (agviz_diagnostic_get_source_line (diagnostic), ==, "v = tf.Variable(1.0)");
  g_assert_cmpstr (agviz_diagnostic_get_node (diagnostic), ==, "Variable");
  g_assert_true (has_evidence (diagnostic, "x is TensorSpec(shape=(2,), dtype=tf.float32), "
                                           "trace 1 had TensorSpec(shape=(), dtype=tf.float32)"));
  g_assert_true (has_evidence (diagnostic, "VarHandleOp node 'Variable' in trace 2's graph"));
  g_assert_true (has_evidence (diagnostic, "trace 1 also created one"));
  g_assert_nonnull (strstr (agviz_diagnostic_get_fix (diagnostic), "outside f"));
  trace_builder_clear (&b);
}

/* TF lifts first-trace variables out of the graph, so the handle op runs eagerly: only its
 * time and stack tie it to the trace.  The retrace then dies before ending. */
static void
test_variable_eager_during_retrace (void)
{
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  AgvizDiagnostic *diagnostic;
  gint64 fn, t1, t2;
  AgvizExecution eager = { .op_type = (char *) "VarHandleOp" };

  trace_builder_init (&b, variable_program);
  fn = trace_builder_function (&b, "f", 3);
  t1 = trace_builder_begin (&b, fn, "__inference_f_1", "x: TensorSpec(shape=(), dtype=tf.float32)");
  trace_builder_end (&b, t1, AGVIZ_TRACE_STATUS_COMPLETE);
  trace_builder_call (&b, t1, 3);
  t2 = trace_builder_begin (&b, fn, "__inference_f_2", "x: TensorSpec(shape=(2,), dtype=tf.float32)");
  eager.start_ns = b.clock_ns + 10;
  eager.stack_id = trace_builder_stack (&b, 5, "f");
  agviz_recorder_add_execution (b.recorder, &eager, &error);
  g_assert_no_error (error);
  agviz_recorder_flush (b.recorder, &error);
  g_assert_no_error (error);
  (void) t2;
  store = trace_builder_finish (&b);

  found = check_kind (store, AGVIZ_DIAGNOSTIC_KIND_VARIABLE_NON_FIRST_TRACE);
  g_assert_cmpuint (found->len, ==, 1);
  diagnostic = g_ptr_array_index (found, 0);
  g_assert_cmpint (agviz_diagnostic_get_severity (diagnostic), ==, AGVIZ_DIAGNOSTIC_SEVERITY_ERROR);
  g_assert_cmpint (agviz_diagnostic_get_line (diagnostic), ==, 5);
  g_assert_true (has_evidence (diagnostic, "eager VarHandleOp"));
  g_assert_true (has_evidence (diagnostic, "while trace 2 was being built"));
  g_assert_true (has_evidence (diagnostic, "trace 1 created no variable"));
  trace_builder_clear (&b);
}

/* Only the shape of the run is left: trace 1 made a variable, trace 2 failed without a trace of
 * why.  Reported, as a warning that says "probably". */
static void
test_variable_stopped_retrace (void)
{
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) found = NULL;
  AgvizDiagnostic *diagnostic;
  gint64 fn, t1, t2;

  trace_builder_init (&b, variable_program);
  fn = trace_builder_function (&b, "f", 3);
  t1 = trace_builder_begin (&b, fn, "__inference_f_1", "x: TensorSpec(shape=(), dtype=tf.float32)");
  trace_builder_node (&b, t1, "Variable", "VarHandleOp", trace_builder_stack (&b, 5, "f"));
  trace_builder_end (&b, t1, AGVIZ_TRACE_STATUS_COMPLETE);
  trace_builder_call (&b, t1, 1);
  t2 = trace_builder_begin (&b, fn, "__inference_f_2", "x: TensorSpec(shape=(3,), dtype=tf.float32)");
  trace_builder_end (&b, t2, AGVIZ_TRACE_STATUS_FAILED);
  store = trace_builder_finish (&b);

  found = check_kind (store, AGVIZ_DIAGNOSTIC_KIND_VARIABLE_NON_FIRST_TRACE);
  g_assert_cmpuint (found->len, ==, 1);
  diagnostic = g_ptr_array_index (found, 0);
  g_assert_cmpint (agviz_diagnostic_get_severity (diagnostic), ==, AGVIZ_DIAGNOSTIC_SEVERITY_WARNING);
  g_assert_true (has_evidence (diagnostic, "stopped with an error before it ever ran"));
  /* Where trace 2 stopped is unknown: the line trace 1 created its variable at is shown. */
  g_assert_cmpint (agviz_diagnostic_get_line (diagnostic), ==, 5);
  trace_builder_clear (&b);
}

static void
test_variable_clean_programs (void)
{
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) retracing = NULL;
  gint64 module_fn, once_fn, twice_fn, t;

  trace_builder_init (&b, variable_program);
  /* A tf.Module: its variable is made in __init__, eagerly, before any trace. */
  module_fn = trace_builder_function (&b, "Demo.__call__", 3);
  t = trace_builder_begin (&b, module_fn, "__inference___call___1", "x: TensorSpec(shape=(None, 2), dtype=tf.float32)");
  trace_builder_node (&b, t, "ReadVariableOp", "ReadVariableOp", trace_builder_stack (&b, 6, "__call__"));
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  trace_builder_call (&b, t, 4);
  /* Traced once, creating its variable: allowed. */
  once_fn = trace_builder_function (&b, "once", 3);
  t = trace_builder_begin (&b, once_fn, "__inference_once_2", "x: TensorSpec(shape=(), dtype=tf.float32)");
  trace_builder_node (&b, t, "Variable", "VarHandleOp", trace_builder_stack (&b, 5, "once"));
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  trace_builder_call (&b, t, 2);
  /* Traced twice, no variable anywhere. */
  twice_fn = trace_builder_function (&b, "twice", 3);
  t = trace_builder_begin (&b, twice_fn, "__inference_twice_3", "x: TensorSpec(shape=(), dtype=tf.float32)");
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  t = trace_builder_begin (&b, twice_fn, "__inference_twice_4", "x: TensorSpec(shape=(2,), dtype=tf.float32)");
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  store = trace_builder_finish (&b);

  found = check_kind (store, AGVIZ_DIAGNOSTIC_KIND_VARIABLE_NON_FIRST_TRACE);
  g_assert_cmpuint (found->len, ==, 0);
  /* Two traces are no storm either. */
  retracing = check_kind (store, AGVIZ_DIAGNOSTIC_KIND_RETRACING);
  g_assert_cmpuint (retracing->len, ==, 0);
  trace_builder_clear (&b);
}

static const char step_program[] =
  "import tensorflow as tf\n"            /* 1 */
  "\n"                                   /* 2 */
  "@tf.function\n"                       /* 3 */
  "def step(n):\n"                       /* 4 */
  "    return tf.range(n)\n";            /* 5 */

static void
test_retracing (void)
{
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) found = NULL;
  AgvizDiagnostic *storm, *mild;
  gint64 fn, slow_fn, t;

  trace_builder_init (&b, step_program);
  fn = trace_builder_function (&b, "step", 3);
  for (int i = 0; i < 6; i++)
    {
      g_autofree char *graph = g_strdup_printf ("__inference_step_%d", i);
      g_autofree char *signature = g_strdup_printf ("n=%d", i);

      t = trace_builder_begin (&b, fn, graph, signature);
      trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
      trace_builder_call (&b, t, 1);
    }
  /* Three traces far apart: 10 calls between each, so TF's rule never fires. */
  slow_fn = trace_builder_function (&b, "slow", 3);
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *graph = g_strdup_printf ("__inference_slow_%d", i);
      g_autofree char *signature = g_strdup_printf ("x: TensorSpec(shape=(%d,), dtype=tf.float32)", i + 1);

      t = trace_builder_begin (&b, slow_fn, graph, signature);
      trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
      trace_builder_call (&b, t, 10);
    }
  store = trace_builder_finish (&b);

  found = check_kind (store, AGVIZ_DIAGNOSTIC_KIND_RETRACING);
  g_assert_cmpuint (found->len, ==, 2);
  storm = g_ptr_array_index (found, 0);
  g_assert_cmpstr (agviz_diagnostic_get_function (storm), ==, "step");
  g_assert_cmpint (agviz_diagnostic_get_severity (storm), ==, AGVIZ_DIAGNOSTIC_SEVERITY_WARNING);
  g_assert_cmpstr (agviz_diagnostic_get_message (storm), ==, "step was traced 6 times");
  g_assert_cmpint (agviz_diagnostic_get_line (storm), ==, 3);
  g_assert_true (has_evidence (storm, "trace 4 (__inference_step_3): n is 3, trace 1 had 0"));
  g_assert_true (has_evidence (storm, "retracing warning applies: up to 6 of the last 10"));
  g_assert_nonnull (strstr (agviz_diagnostic_get_fix (storm), "n is a Python value"));

  mild = g_ptr_array_index (found, 1);
  g_assert_cmpstr (agviz_diagnostic_get_function (mild), ==, "slow");
  g_assert_cmpint (agviz_diagnostic_get_severity (mild), ==, AGVIZ_DIAGNOSTIC_SEVERITY_NOTE);
  g_assert_true (has_evidence (mild, "does not apply: at most 1 of any 10"));
  g_assert_nonnull (strstr (agviz_diagnostic_get_fix (mild), "reduce_retracing=True"));
  trace_builder_clear (&b);
}

/* What a file does not record is said, not guessed: traces without signatures (a tfdbg2 dump
 * records none) never read as "the signatures agree", and concrete functions kept in a file
 * without any call (a SavedModel keeps one per layer object) are no retracing. */
static void
test_retracing_without_evidence (void)
{
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) found = NULL;
  AgvizDiagnostic *unknown;
  gint64 fn, kept, t;

  trace_builder_init (&b, step_program);
  fn = trace_builder_function (&b, "step", 3);
  for (int i = 0; i < 6; i++)
    {
      g_autofree char *graph = g_strdup_printf ("__inference_step_%d", i);

      t = trace_builder_begin (&b, fn, graph, NULL);
      trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
      trace_builder_call (&b, t, 1);
    }
  kept = trace_builder_function (&b, "__call__", 3);
  for (int i = 0; i < 31; i++)
    {
      g_autofree char *graph = g_strdup_printf ("__inference___call___%d", 100 + i);
      g_autofree char *signature = g_strdup_printf ("x: TensorSpec(shape=(%d,), dtype=tf.float32)", i + 1);

      t = trace_builder_begin (&b, kept, graph, signature);
      trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
    }
  store = trace_builder_finish (&b);

  found = check_kind (store, AGVIZ_DIAGNOSTIC_KIND_RETRACING);
  g_assert_cmpuint (found->len, ==, 1);
  unknown = g_ptr_array_index (found, 0);
  g_assert_cmpstr (agviz_diagnostic_get_function (unknown), ==, "step");
  g_assert_true (has_evidence (unknown, "trace 1 (__inference_step_0): signature not recorded"));
  g_assert_false (has_evidence (unknown, "same signature"));
  g_assert_null (strstr (agviz_diagnostic_get_fix (unknown), "signatures agree"));
  g_assert_nonnull (strstr (agviz_diagnostic_get_fix (unknown), "does not record"));
  trace_builder_clear (&b);
}

static const char frozen_program[] =
  "import numpy as np\n"                                 /* 1 */
  "import random, time\n"                                /* 2 */
  "@tf.function\n"                                       /* 3 */
  "def noisy():\n"                                       /* 4 */
  "    a = np.random.randn(3, 3)\n"                      /* 5 */
  "    b = tf.constant(3.0)\n"                           /* 6 */
  "    c = time.time()\n"                                /* 7 */
  "    return a + b + c\n";                              /* 8 */

static void
test_frozen_values (void)
{
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) found = NULL;
  AgvizDiagnostic *numpy, *clock;
  gint64 fn, once_fn, t;

  trace_builder_init (&b, frozen_program);
  fn = trace_builder_function (&b, "noisy", 3);
  t = trace_builder_begin (&b, fn, "__inference_noisy_1", "()");
  trace_builder_node (&b, t, "Const", "Const", trace_builder_stack (&b, 5, "noisy"));
  trace_builder_node (&b, t, "Const_1", "Const", trace_builder_stack (&b, 6, "noisy"));
  trace_builder_node (&b, t, "Const_2", "Const", trace_builder_stack (&b, 7, "noisy"));
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  trace_builder_call (&b, t, 3);
  /* The same code, called once: nothing was frozen that anybody could notice. */
  once_fn = trace_builder_function (&b, "noisy_once", 3);
  t = trace_builder_begin (&b, once_fn, "__inference_noisy_once_2", "()");
  trace_builder_node (&b, t, "Const", "Const", trace_builder_stack (&b, 5, "noisy_once"));
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  trace_builder_call (&b, t, 1);
  store = trace_builder_finish (&b);

  found = check_kind (store, AGVIZ_DIAGNOSTIC_KIND_FROZEN_VALUE);
  g_assert_cmpuint (found->len, ==, 2);
  numpy = g_ptr_array_index (found, 0);
  g_assert_cmpint (agviz_diagnostic_get_line (numpy), ==, 5);
  g_assert_cmpstr (agviz_diagnostic_get_node (numpy), ==, "Const");
  g_assert_nonnull (strstr (agviz_diagnostic_get_message (numpy), "NumPy randomness"));
  g_assert_true (has_evidence (numpy, "noisy ran 3 times from 1 trace"));
  g_assert_nonnull (strstr (agviz_diagnostic_get_fix (numpy), "tf.random.normal"));
  clock = g_ptr_array_index (found, 1);
  g_assert_cmpint (agviz_diagnostic_get_line (clock), ==, 7);
  g_assert_nonnull (strstr (agviz_diagnostic_get_fix (clock), "tf.timestamp()"));
  trace_builder_clear (&b);
}

static const char side_effect_program[] =
  "import tensorflow as tf\n"            /* 1 */
  "seen = []\n"                          /* 2 */
  "cache = {}\n"                         /* 3 */
  "\n"                                   /* 4 */
  "@tf.function\n"                       /* 5 */
  "def g(x, k):\n"                       /* 6 */
  "    print(\"tracing\", x)\n"          /* 7 */
  "    tf.print(\"running\", x)\n"       /* 8 */
  "    seen.append(x)\n"                 /* 9 */
  "    out = []\n"                       /* 10 */
  "    out.append(x)\n"                  /* 11 */
  "    cache[k] = x\n"                   /* 12 */
  "    k.append(x)\n"                    /* 13 */
  "    return x\n"                       /* 14 */
  "\n"                                   /* 15 */
  "@tf.function\n"                       /* 16 */
  "def h(x):\n"                          /* 17 */
  "    print(x)\n"                       /* 18 */
  "    return x\n";                      /* 19 */

static void
test_side_effects (void)
{
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  AgvizDiagnostic *diagnostic;
  gint64 fn, h_fn, t;
  AgvizEvent event = { .kind = AGVIZ_EVENT_SIDE_EFFECT };

  trace_builder_init (&b, side_effect_program);
  fn = trace_builder_function (&b, "g", 5);
  t = trace_builder_begin (&b, fn, "__inference_g_1", "x: TensorSpec(shape=(), dtype=tf.float32), k=0");
  trace_builder_node (&b, t, "PrintV2", "PrintV2", trace_builder_stack (&b, 8, "g"));
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  trace_builder_call (&b, t, 5);
  event.function_id = fn;
  event.trace_id = t;
  event.stack_id = trace_builder_stack (&b, 9, "g");
  event.message = (char *) "seen.append(x) mutated an outer list while tracing";
  agviz_recorder_add_event (b.recorder, &event, &error);
  g_assert_no_error (error);
  /* AutoGraph turns print(tensor) into a PrintV2 op: then it runs every call, no problem. */
  h_fn = trace_builder_function (&b, "h", 16);
  t = trace_builder_begin (&b, h_fn, "__inference_h_2", "x: TensorSpec(shape=(), dtype=tf.float32)");
  trace_builder_node (&b, t, "PrintV2", "PrintV2", trace_builder_stack (&b, 18, "h"));
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  trace_builder_call (&b, t, 2);
  store = trace_builder_finish (&b);

  found = check_kind (store, AGVIZ_DIAGNOSTIC_KIND_TRACE_TIME_SIDE_EFFECT);
  /* print at 7, seen at 9, cache at 12; not tf.print (8), the local out (11), the parameter k
   * (13), nor h's converted print (18). */
  g_assert_cmpuint (found->len, ==, 3);
  diagnostic = g_ptr_array_index (found, 0);
  g_assert_cmpint (agviz_diagnostic_get_line (diagnostic), ==, 7);
  g_assert_nonnull (strstr (agviz_diagnostic_get_fix (diagnostic), "tf.print"));
  g_assert_true (has_evidence (diagnostic, "g was traced 1 time and ran 5 times"));
  g_assert_true (has_evidence (diagnostic, "skipped on 4 calls"));
  diagnostic = g_ptr_array_index (found, 1);
  g_assert_cmpint (agviz_diagnostic_get_line (diagnostic), ==, 9);
  g_assert_cmpstr (agviz_diagnostic_get_source_line (diagnostic), ==, "seen.append(x)");
  g_assert_true (has_evidence (diagnostic, "recorded event: seen.append(x) mutated"));
  diagnostic = g_ptr_array_index (found, 2);
  g_assert_cmpint (agviz_diagnostic_get_line (diagnostic), ==, 12);
  g_assert_nonnull (strstr (agviz_diagnostic_get_message (diagnostic), "mutates cache"));
  trace_builder_clear (&b);
}

static const char helper_side_effect_program[] =
  "import tensorflow as tf\n"            /*  1 */
  "seen = []\n"                          /*  2 */
  "\n"                                   /*  3 */
  "def log_value(x):\n"                  /*  4 */
  "    print(\"value\", x)\n"            /*  5 */
  "    seen.append(x)\n"                 /*  6 */
  "\n"                                   /*  7 */
  "def add_to(lst, x):\n"                /*  8 */
  "    lst.append(x)\n"                  /*  9 */
  "\n"                                   /* 10 */
  "@tf.function\n"                       /* 11 */
  "def step(x):\n"                       /* 12 */
  "    log_value(x)\n"                   /* 13 */
  "    add_to(seen, x)\n"                /* 14 */
  "    return x * 2\n"                   /* 15 */
  "\n"                                   /* 16 */
  "@tf.function\n"                       /* 17 */
  "def loud(x):\n"                       /* 18 */
  "    local = []\n"                     /* 19 */
  "    add_to(local, x)\n"               /* 20 */
  "    log_value(x)\n"                   /* 21 */
  "    return x\n";                      /* 22 */

/* The diagnostic of @function at @line in @found, or NULL. */
static AgvizDiagnostic *
find_diagnostic (GPtrArray  *found,
                 const char *function,
                 int         line)
{
  for (guint i = 0; i < found->len; i++)
    {
      AgvizDiagnostic *diagnostic = g_ptr_array_index (found, i);

      if (g_strcmp0 (agviz_diagnostic_get_function (diagnostic), function) == 0 &&
          agviz_diagnostic_get_line (diagnostic) == line)
        return diagnostic;
    }
  return NULL;
}

/* A helper of the file the traced function calls runs while tracing too: its side effects are
 * the caller's, at the helper's line (or at the call, for an object the caller passed it), and
 * its print only where no PrintV2 op of the caller's traces was made on that line. */
static void
test_helper_side_effects (void)
{
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) found = NULL;
  AgvizDiagnostic *diagnostic;
  gint64 fn, t;

  trace_builder_init (&b, helper_side_effect_program);
  fn = trace_builder_function (&b, "step", 11);
  t = trace_builder_begin (&b, fn, "__inference_step_1", "x: TensorSpec(shape=(), dtype=tf.float32)");
  trace_builder_node (&b, t, "mul", "Mul", trace_builder_stack (&b, 15, "step"));
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  trace_builder_call (&b, t, 4);
  /* loud's trace made a PrintV2 op on line 5: that print runs on every call of loud. */
  fn = trace_builder_function (&b, "loud", 17);
  t = trace_builder_begin (&b, fn, "__inference_loud_2", "x: TensorSpec(shape=(), dtype=tf.float32)");
  trace_builder_node (&b, t, "PrintV2", "PrintV2", trace_builder_stack (&b, 5, "log_value"));
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  trace_builder_call (&b, t, 2);
  store = trace_builder_finish (&b);

  found = check_kind (store, AGVIZ_DIAGNOSTIC_KIND_TRACE_TIME_SIDE_EFFECT);
  /* step: the print (5) and the append (6) in log_value, seen passed to add_to (14); loud: the
   * append only; not the local list loud passes to add_to (20). */
  g_assert_cmpuint (found->len, ==, 4);

  diagnostic = find_diagnostic (found, "step", 5);
  g_assert_nonnull (diagnostic);
  g_assert_cmpstr (agviz_diagnostic_get_message (diagnostic), ==,
                   "step calls Python's print through log_value at line 5: it prints while "
                   "tracing only");
  g_assert_cmpstr (agviz_diagnostic_get_source_line (diagnostic), ==, "print(\"value\", x)");
  g_assert_true (has_evidence (diagnostic, "step calls log_value (line 13), which calls "
                               "Python's print at line 5 while tracing"));
  g_assert_true (has_evidence (diagnostic, "step was traced 1 time and ran 4 times"));

  diagnostic = find_diagnostic (found, "step", 6);
  g_assert_nonnull (diagnostic);
  g_assert_cmpstr (agviz_diagnostic_get_message (diagnostic), ==,
                   "step mutates seen, defined outside it, through log_value at trace time");
  g_assert_cmpstr (agviz_diagnostic_get_source_line (diagnostic), ==, "seen.append(x)");
  g_assert_true (has_evidence (diagnostic, "step calls log_value (line 13), which appends to "
                               "seen at line 6 while tracing"));
  g_assert_nonnull (strstr (agviz_diagnostic_get_fix (diagnostic), "tf.Variable"));

  diagnostic = find_diagnostic (found, "step", 14);
  g_assert_nonnull (diagnostic);
  g_assert_cmpstr (agviz_diagnostic_get_message (diagnostic), ==,
                   "step mutates seen, defined outside it, through add_to at trace time");
  g_assert_cmpstr (agviz_diagnostic_get_source_line (diagnostic), ==, "add_to(seen, x)");
  g_assert_true (has_evidence (diagnostic, "step passes seen to add_to (line 14) as lst, which "
                               "appends to lst at line 9 while tracing"));

  diagnostic = find_diagnostic (found, "loud", 6);
  g_assert_nonnull (diagnostic);
  g_assert_true (has_evidence (diagnostic, "loud calls log_value (line 21), which appends to "
                               "seen at line 6 while tracing"));
  g_assert_true (has_evidence (diagnostic, "loud was traced 1 time and ran 2 times"));
  g_assert_null (find_diagnostic (found, "loud", 5));
  trace_builder_clear (&b);
}

static void
add_summary (TraceBuilder *b,
             gint64        execution,
             gint64        node,
             gint64        nan,
             gint64        neg_inf)
{
  g_autoptr(GError) error = NULL;
  AgvizTensorSummary summary;

  agviz_tensor_summary_init (&summary);
  summary.execution_id = execution;
  summary.node_id = node;
  summary.element_count = 4;
  summary.nan_count = nan;
  summary.neg_inf_count = neg_inf;
  summary.pos_inf_count = 0;
  agviz_recorder_add_tensor_summary (b->recorder, &summary, &error);
  g_assert_no_error (error);
}

static void
test_nan_inf (void)
{
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(AgvizStore) clean_store = NULL;
  g_autoptr(GPtrArray) clean = NULL;
  TraceBuilder c = { 0 };
  AgvizDiagnostic *diagnostic;
  gint64 fn, t, log, div, first_call, second_call;

  trace_builder_init (&b, variable_program);
  fn = trace_builder_function (&b, "f", 3);
  t = trace_builder_begin (&b, fn, "__inference_f_1", "x: TensorSpec(shape=(4,), dtype=tf.float32)");
  log = trace_builder_node (&b, t, "Log", "Log", trace_builder_stack (&b, 5, "f"));
  div = trace_builder_node (&b, t, "truediv", "RealDiv", trace_builder_stack (&b, 6, "f"));
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  first_call = trace_builder_call (&b, t, 1);
  second_call = trace_builder_call (&b, t, 1);
  /* Recorded out of order: the NaN of the later call first, the -inf of the earlier after. */
  add_summary (&b, second_call, div, 2, 0);
  add_summary (&b, first_call, log, 0, 1);
  add_summary (&b, first_call, div, 0, 0);
  store = trace_builder_finish (&b);

  /* The -inf of the first call reaches nothing (Log feeds no node here): the later NaN is the
   * error, and the -inf its evidence. */
  found = check_kind (store, AGVIZ_DIAGNOSTIC_KIND_NAN_INF);
  g_assert_cmpuint (found->len, ==, 1);
  diagnostic = g_ptr_array_index (found, 0);
  g_assert_cmpint (agviz_diagnostic_get_severity (diagnostic), ==, AGVIZ_DIAGNOSTIC_SEVERITY_ERROR);
  g_assert_cmpstr (agviz_diagnostic_get_node (diagnostic), ==, "truediv");
  g_assert_cmpstr (agviz_diagnostic_get_message (diagnostic), ==, "truediv (RealDiv) produced NaN first");
  g_assert_cmpint (agviz_diagnostic_get_line (diagnostic), ==, 6);
  g_assert_true (has_evidence (diagnostic, "2 NaN, 0 -inf, 0 +inf out of 4 elements"));
  g_assert_true (has_evidence (diagnostic, "before it, Log (Log) produced -inf that reaches no loss"));
  g_assert_true (has_evidence (diagnostic, "2 unhealthy tensor summaries in all, from 2 nodes"));

  trace_builder_init (&c, variable_program);
  fn = trace_builder_function (&c, "f", 3);
  t = trace_builder_begin (&c, fn, "__inference_f_1", "");
  log = trace_builder_node (&c, t, "Log", "Log", 0);
  trace_builder_end (&c, t, AGVIZ_TRACE_STATUS_COMPLETE);
  add_summary (&c, trace_builder_call (&c, t, 1), log, 0, 0);
  clean_store = trace_builder_finish (&c);
  clean = check_kind (clean_store, AGVIZ_DIAGNOSTIC_KIND_NAN_INF);
  g_assert_cmpuint (clean->len, ==, 0);

  trace_builder_clear (&b);
  trace_builder_clear (&c);
}

static void
add_summary_inf (TraceBuilder *b,
                 gint64        execution,
                 gint64        node,
                 gint64        neg_inf,
                 gint64        pos_inf)
{
  g_autoptr(GError) error = NULL;
  AgvizTensorSummary summary;

  agviz_tensor_summary_init (&summary);
  summary.execution_id = execution;
  summary.node_id = node;
  summary.element_count = 4;
  summary.neg_inf_count = neg_inf;
  summary.pos_inf_count = pos_inf;
  agviz_recorder_add_tensor_summary (b->recorder, &summary, &error);
  g_assert_no_error (error);
}

static void
add_edge (TraceBuilder *b,
          gint64        trace,
          gint64        src,
          gint64        dst)
{
  g_autoptr(GError) error = NULL;

  agviz_recorder_add_edge (b->recorder, trace, src, 0, dst, 0, &error);
  g_assert_no_error (error);
}

static const char masking_program[] =
  "import tensorflow as tf\n"                                      /* 1 */
  "\n"                                                             /* 2 */
  "@tf.function\n"                                                 /* 3 */
  "def attend(scores, mask):\n"                                    /* 4 */
  "    masked = tf.where(mask, scores, float('-inf'))\n"           /* 5 */
  "    weights = tf.nn.softmax(masked)\n"                          /* 6 */
  "    return tf.reshape(masked, [-1])\n";                         /* 7 */

/* Runs one trace of attend: Select (-inf) -> Softmax, and Select -> Reshape -> Identity when
 * @to_output; @name is the Select node's name.  Returns the diagnostics of kind nan-inf. */
static GPtrArray *
check_masking (const char *name,
               gboolean    to_output,
               gint64      pos_inf)
{
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  gint64 fn, t, select, softmax, reshape, out, call;
  GPtrArray *found;

  trace_builder_init (&b, masking_program);
  fn = trace_builder_function (&b, "attend", 3);
  t = trace_builder_begin (&b, fn, "__inference_attend_1", "");
  select = trace_builder_node (&b, t, name, "SelectV2", trace_builder_stack (&b, 5, "attend"));
  softmax = trace_builder_node (&b, t, "Softmax", "Softmax", trace_builder_stack (&b, 6, "attend"));
  add_edge (&b, t, select, softmax);
  if (to_output)
    {
      reshape = trace_builder_node (&b, t, "Reshape", "Reshape", trace_builder_stack (&b, 7, "attend"));
      out = trace_builder_node (&b, t, "Identity", "Identity", 0);
      add_edge (&b, t, select, reshape);
      add_edge (&b, t, reshape, out);
    }
  else
    {
      /* An Identity that feeds a node is no output. */
      out = trace_builder_node (&b, t, "Identity", "Identity", 0);
      add_edge (&b, t, softmax, out);
      add_edge (&b, t, out, trace_builder_node (&b, t, "Mul", "Mul", 0));
    }
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  call = trace_builder_call (&b, t, 1);
  add_summary_inf (&b, call, select, 2, pos_inf);
  add_summary_inf (&b, call, softmax, 0, 0);
  store = trace_builder_finish (&b);
  found = check_kind (store, AGVIZ_DIAGNOSTIC_KIND_NAN_INF);
  trace_builder_clear (&b);
  return found;
}

/* -inf is routine as a mask: a note, unless it reaches a loss or an output. */
static void
test_nan_inf_masking (void)
{
  g_autoptr(GPtrArray) mask = check_masking ("SelectV2", FALSE, 0);
  g_autoptr(GPtrArray) output = check_masking ("SelectV2", TRUE, 0);
  g_autoptr(GPtrArray) loss = check_masking ("loss/SelectV2", FALSE, 0);
  g_autoptr(GPtrArray) positive = check_masking ("SelectV2", FALSE, 1);
  AgvizDiagnostic *diagnostic;

  g_assert_cmpuint (mask->len, ==, 1);
  diagnostic = g_ptr_array_index (mask, 0);
  g_assert_cmpint (agviz_diagnostic_get_severity (diagnostic), ==, AGVIZ_DIAGNOSTIC_SEVERITY_NOTE);
  g_assert_cmpstr (agviz_diagnostic_get_message (diagnostic), ==,
                   "SelectV2 (SelectV2) produced -inf, which reaches no loss and no output");
  g_assert_cmpint (agviz_diagnostic_get_line (diagnostic), ==, 5);
  g_assert_true (has_evidence (diagnostic, "0 NaN, 2 -inf, 0 +inf out of 4 elements"));
  g_assert_nonnull (strstr (agviz_diagnostic_get_fix (diagnostic), "routine as a mask"));

  g_assert_cmpuint (output->len, ==, 1);
  diagnostic = g_ptr_array_index (output, 0);
  g_assert_cmpint (agviz_diagnostic_get_severity (diagnostic), ==, AGVIZ_DIAGNOSTIC_SEVERITY_ERROR);
  g_assert_cmpstr (agviz_diagnostic_get_message (diagnostic), ==, "SelectV2 (SelectV2) produced an infinity first");
  g_assert_true (has_evidence (diagnostic, "the -inf reaches Identity, an output of the trace"));

  g_assert_cmpuint (loss->len, ==, 1);
  diagnostic = g_ptr_array_index (loss, 0);
  g_assert_cmpint (agviz_diagnostic_get_severity (diagnostic), ==, AGVIZ_DIAGNOSTIC_SEVERITY_ERROR);
  g_assert_true (has_evidence (diagnostic, "the -inf reaches loss/SelectV2, a loss"));

  /* +inf is not a mask. */
  g_assert_cmpuint (positive->len, ==, 1);
  diagnostic = g_ptr_array_index (positive, 0);
  g_assert_cmpint (agviz_diagnostic_get_severity (diagnostic), ==, AGVIZ_DIAGNOSTIC_SEVERITY_ERROR);
}

/* A stack of the module-level call line only, as TF records an op made after the body ended. */
static gint64
module_stack (TraceBuilder *b,
              int           module_line)
{
  g_autoptr(GError) error = NULL;
  gint64 frames[2];
  gint64 stack;

  frames[0] = agviz_recorder_add_frame (b->recorder, b->file_id, module_line, 0, "<module>", &error);
  g_assert_no_error (error);
  frames[1] = agviz_recorder_add_frame (b->recorder, b->tf_file_id, 700, 0, "convert", &error);
  g_assert_no_error (error);
  stack = agviz_recorder_add_stack (b->recorder, frames, 2, &error);
  g_assert_no_error (error);
  return stack;
}

static const char frozen_flow_program[] =
  "import random\n"                                                /*  1 */
  "import numpy as np\n"                                           /*  2 */
  "import tensorflow as tf\n"                                      /*  3 */
  "np.random.seed(0)\n"                                            /*  4 */
  "rng = np.random.default_rng(42)\n"                              /*  5 */
  "\n"                                                             /*  6 */
  "def jitter():\n"                                                /*  7 */
  "    return random.uniform(0, 1)\n"                              /*  8 */
  "\n"                                                             /*  9 */
  "@tf.function\n"                                                 /* 10 */
  "def through_local(x):\n"                                        /* 11 */
  "    noise = np.random.randn(3, 3)\n"                            /* 12 */
  "    return tf.constant(noise) * 2.0 + x\n"                      /* 13 */
  "\n"                                                             /* 14 */
  "@tf.function\n"                                                 /* 15 */
  "def through_helper(x):\n"                                       /* 16 */
  "    return x + jitter()\n"                                      /* 17 */
  "\n"                                                             /* 18 */
  "@tf.function\n"                                                 /* 19 */
  "def returned():\n"                                              /* 20 */
  "    return np.random.randn(3, 3)\n"                             /* 21 */
  "\n"                                                             /* 22 */
  "@tf.function\n"                                                 /* 23 */
  "def clean(x):\n"                                                /* 24 */
  "    np.random.seed(1)\n"                                        /* 25 */
  "    y = x * 2.0  # np.random.randn(3)\n"                        /* 26 */
  "    s = tf.constant(\"np.random.randn(3)\")\n"                  /* 27 */
  "    if random.random() > 2.0:\n"                                /* 28 */
  "        y = y + 1.0\n"                                          /* 29 */
  "    return y + tf.random.normal([3])\n"                         /* 30 */
  "\n"                                                             /* 31 */
  "for _ in range(3):\n"                                           /* 32 */
  "    through_local(tf.ones((3, 3))); through_helper(1.0); returned(); clean(1.0)\n"; /* 33 */

/* The shapes TF 2.21 gives (tests/tf/frozen_locals.py): the Const on the line that converts the
 * value, inside the body or, for a returned value, after it. */
static void
test_frozen_values_flow (void)
{
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) found = NULL;
  AgvizDiagnostic *diagnostic;
  gint64 fn, t, c, out;

  trace_builder_init (&b, frozen_flow_program);
  fn = trace_builder_function (&b, "through_local", 10);
  t = trace_builder_begin (&b, fn, "__inference_through_local_1", "");
  trace_builder_node (&b, t, "Const", "Const", trace_builder_stack (&b, 13, "through_local"));
  trace_builder_node (&b, t, "mul/y", "Const", trace_builder_stack (&b, 13, "through_local"));
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  trace_builder_call (&b, t, 3);

  /* No file and no line from the importer: found from the frames named like the function. */
  {
    g_autoptr(GError) error = NULL;
    fn = agviz_recorder_add_function (b.recorder, "through_helper", 0, 0, &error);
    g_assert_no_error (error);
  }
  t = trace_builder_begin (&b, fn, "__inference_through_helper_2", "");
  trace_builder_node (&b, t, "add/y", "Const", trace_builder_stack (&b, 17, "through_helper"));
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  trace_builder_call (&b, t, 3);

  /* Neither file nor line, and no node made inside the body: the file is the one the nodes
   * were made from, after the body returned. */
  {
    g_autoptr(GError) error = NULL;
    fn = agviz_recorder_add_function (b.recorder, "returned", 0, 0, &error);
    g_assert_no_error (error);
  }
  t = trace_builder_begin (&b, fn, "__inference_returned_3", "");
  c = trace_builder_node (&b, t, "Const", "Const", module_stack (&b, 33));
  out = trace_builder_node (&b, t, "Identity", "Identity", module_stack (&b, 33));
  add_edge (&b, t, c, out);
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  trace_builder_call (&b, t, 3);

  /* Consts on the lines of clean's body that mention a trace-time call in a comment or a
   * string, or seed; line 28's value decides a Python if, which makes no Const: no evidence. */
  fn = trace_builder_function (&b, "clean", 23);
  t = trace_builder_begin (&b, fn, "__inference_clean_4", "");
  for (int line = 25; line <= 30; line++)
    {
      g_autofree char *name = g_strdup_printf ("Const_%d", line);
      if (line != 28)
        trace_builder_node (&b, t, name, "Const", trace_builder_stack (&b, line, "clean"));
    }
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  trace_builder_call (&b, t, 3);
  store = trace_builder_finish (&b);

  found = check_kind (store, AGVIZ_DIAGNOSTIC_KIND_FROZEN_VALUE);
  g_assert_cmpuint (found->len, ==, 3);
  diagnostic = g_ptr_array_index (found, 0);
  g_assert_cmpstr (agviz_diagnostic_get_function (diagnostic), ==, "through_local");
  g_assert_cmpint (agviz_diagnostic_get_line (diagnostic), ==, 12);
  g_assert_cmpstr (agviz_diagnostic_get_source_line (diagnostic), ==, "noise = np.random.randn(3, 3)");
  g_assert_cmpstr (agviz_diagnostic_get_node (diagnostic), ==, "Const");
  g_assert_true (has_evidence (diagnostic, "line 12 calls np.random.randn() while tracing"));
  g_assert_true (has_evidence (diagnostic, "the value reaches line 13 through noise: Const node "
                                           "'Const' in trace 1 (__inference_through_local_1) was "
                                           "created by line 13 while tracing"));
  g_assert_true (has_evidence (diagnostic, "through_local ran 3 times from 1 trace"));

  diagnostic = g_ptr_array_index (found, 1);
  g_assert_cmpstr (agviz_diagnostic_get_function (diagnostic), ==, "through_helper");
  g_assert_cmpstr (agviz_diagnostic_get_file (diagnostic), ==, PROGRAM_PATH);
  g_assert_cmpint (agviz_diagnostic_get_line (diagnostic), ==, 17);
  g_assert_cmpstr (agviz_diagnostic_get_node (diagnostic), ==, "add/y");
  g_assert_nonnull (strstr (agviz_diagnostic_get_message (diagnostic), "Python's random module"));
  g_assert_true (has_evidence (diagnostic, "line 17 calls jitter(), which returns the value of "
                                           "random.uniform() (line 8) while tracing"));
  g_assert_nonnull (strstr (agviz_diagnostic_get_fix (diagnostic), "tf.random.uniform"));

  diagnostic = g_ptr_array_index (found, 2);
  g_assert_cmpstr (agviz_diagnostic_get_function (diagnostic), ==, "returned");
  g_assert_cmpint (agviz_diagnostic_get_line (diagnostic), ==, 21);
  g_assert_cmpstr (agviz_diagnostic_get_node (diagnostic), ==, "Const");
  g_assert_true (has_evidence (diagnostic, "line 21 returns the value: Const node 'Const' in "
                                           "trace 1 (__inference_returned_3), an output of the "
                                           "trace, was made from it when the body returned"));
  trace_builder_clear (&b);
}

static const char retraced_program[] =
  "import numpy as np\n"                                           /* 1 */
  "import tensorflow as tf\n"                                      /* 2 */
  "@tf.function\n"                                                 /* 3 */
  "def step(n):\n"                                                 /* 4 */
  "    noise = np.random.rand()\n"                                 /* 5 */
  "    return tf.range(n) + tf.constant(noise)\n"                  /* 6 */
  "for i in range(3): step(i)\n";                                  /* 7 */

/* A new trace for every call: each call computed its own value, nothing was frozen. */
static void
test_frozen_values_retraced (void)
{
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) found = NULL;
  gint64 fn;

  trace_builder_init (&b, retraced_program);
  fn = trace_builder_function (&b, "step", 3);
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *graph = g_strdup_printf ("__inference_step_%d", i);
      g_autofree char *signature = g_strdup_printf ("n=%d", i);
      gint64 t = trace_builder_begin (&b, fn, graph, signature);

      trace_builder_node (&b, t, "Const", "Const", trace_builder_stack (&b, 6, "step"));
      trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
      trace_builder_call (&b, t, 1);
    }
  store = trace_builder_finish (&b);

  found = check_kind (store, AGVIZ_DIAGNOSTIC_KIND_FROZEN_VALUE);
  g_assert_cmpuint (found->len, ==, 0);
  trace_builder_clear (&b);
}

/* Two defs named step: the recorded def line picks one; without it, the lines the nodes ran. */
static const char two_steps_program[] =
  "import numpy as np\n"                                           /*  1 */
  "import tensorflow as tf\n"                                      /*  2 */
  "class Old:\n"                                                   /*  3 */
  "    def step(self, x):\n"                                       /*  4 */
  "        return tf.constant(np.random.randn(2)) + x\n"           /*  5 */
  "\n"                                                             /*  6 */
  "@tf.function\n"                                                 /*  7 */
  "def step(x):\n"                                                 /*  8 */
  "    seen.append(x)\n"                                           /*  9 */
  "    return x + np.random.rand()\n";                             /* 10 */

static void
test_source_by_name (void)
{
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) frozen = NULL, effects = NULL;
  gint64 fn, t;

  trace_builder_init (&b, two_steps_program);
  fn = trace_builder_function (&b, "step", 0);
  t = trace_builder_begin (&b, fn, "__inference_step_1", "");
  trace_builder_node (&b, t, "add/y", "Const", trace_builder_stack (&b, 10, "step"));
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  trace_builder_call (&b, t, 2);
  store = trace_builder_finish (&b);

  frozen = check_kind (store, AGVIZ_DIAGNOSTIC_KIND_FROZEN_VALUE);
  g_assert_cmpuint (frozen->len, ==, 1);
  g_assert_cmpint (agviz_diagnostic_get_line (g_ptr_array_index (frozen, 0)), ==, 10);
  effects = check_kind (store, AGVIZ_DIAGNOSTIC_KIND_TRACE_TIME_SIDE_EFFECT);
  g_assert_cmpuint (effects->len, ==, 1);
  g_assert_cmpint (agviz_diagnostic_get_line (g_ptr_array_index (effects, 0)), ==, 9);
  trace_builder_clear (&b);
}

static const char two_methods_program[] =
  "import numpy as np\n"                                           /*  1 */
  "import tensorflow as tf\n"                                      /*  2 */
  "class A:\n"                                                     /*  3 */
  "    @tf.function\n"                                             /*  4 */
  "    def noisy(self):\n"                                         /*  5 */
  "        return np.random.randn(2)\n"                            /*  6 */
  "class B:\n"                                                     /*  7 */
  "    @tf.function\n"                                             /*  8 */
  "    def noisy(self):\n"                                         /*  9 */
  "        return np.random.randn(3)\n"                            /* 10 */
  "a, b = A(), B()\n"                                              /* 11 */
  "for _ in range(3): a.noisy(); b.noisy()\n";                     /* 12 */

/* No line recorded, no node made inside the body, two defs of the name: which one ran is not
 * known, so nothing is said. */
static void
test_source_ambiguous (void)
{
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) frozen = NULL;
  gint64 fn, t, c, out;

  trace_builder_init (&b, two_methods_program);
  fn = trace_builder_function (&b, "noisy", 0);
  t = trace_builder_begin (&b, fn, "__inference_noisy_1", "");
  c = trace_builder_node (&b, t, "Const", "Const", module_stack (&b, 12));
  out = trace_builder_node (&b, t, "Identity", "Identity", module_stack (&b, 12));
  add_edge (&b, t, c, out);
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  trace_builder_call (&b, t, 3);
  store = trace_builder_finish (&b);

  frozen = check_kind (store, AGVIZ_DIAGNOSTIC_KIND_FROZEN_VALUE);
  g_assert_cmpuint (frozen->len, ==, 0);
  trace_builder_clear (&b);
}

static const char side_effect_shapes_program[] =
  "import tensorflow as tf\n"                                      /*  1 */
  "n = 0\n"                                                        /*  2 */
  "\n"                                                             /*  3 */
  "class Counter(tf.Module):\n"                                    /*  4 */
  "    @tf.function\n"                                             /*  5 */
  "    def __call__(self, x):\n"                                   /*  6 */
  "        self.calls += 1\n"                                      /*  7 */
  "        return x\n"                                             /*  8 */
  "\n"                                                             /*  9 */
  "@tf.function\n"                                                 /* 10 */
  "def g(x):\n"                                                    /* 11 */
  "    global n\n"                                                 /* 12 */
  "    outs, logs = [], []\n"                                      /* 13 */
  "    logs.append(x)\n"                                           /* 14 */
  "    y = x + 1  # was: print(y)\n"                               /* 15 */
  "    s = \"print(x)\"\n"                                         /* 16 */
  "    n += 1\n"                                                   /* 17 */
  "    return y\n";                                                /* 18 */

static void
test_side_effect_shapes (void)
{
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) found = NULL;
  AgvizDiagnostic *diagnostic;
  gint64 fn, t;

  trace_builder_init (&b, side_effect_shapes_program);
  fn = trace_builder_function (&b, "Counter.__call__", 5);
  t = trace_builder_begin (&b, fn, "__inference___call___1", "");
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  trace_builder_call (&b, t, 3);
  fn = trace_builder_function (&b, "g", 10);
  t = trace_builder_begin (&b, fn, "__inference_g_2", "");
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  trace_builder_call (&b, t, 3);
  store = trace_builder_finish (&b);

  found = check_kind (store, AGVIZ_DIAGNOSTIC_KIND_TRACE_TIME_SIDE_EFFECT);
  g_assert_cmpuint (found->len, ==, 2);
  diagnostic = g_ptr_array_index (found, 0);
  g_assert_cmpint (agviz_diagnostic_get_line (diagnostic), ==, 7);
  g_assert_cmpstr (agviz_diagnostic_get_message (diagnostic), ==,
                   "Counter.__call__ sets self.calls, on an object defined outside it, at trace time");
  g_assert_cmpstr (agviz_diagnostic_get_source_line (diagnostic), ==, "self.calls += 1");
  g_assert_nonnull (strstr (agviz_diagnostic_get_fix (diagnostic), "assign_add"));
  g_assert_true (has_evidence (diagnostic, "skipped on 2 calls"));
  diagnostic = g_ptr_array_index (found, 1);
  g_assert_cmpint (agviz_diagnostic_get_line (diagnostic), ==, 17);
  g_assert_cmpstr (agviz_diagnostic_get_message (diagnostic), ==,
                   "g assigns n, a variable outside it, at trace time");
  trace_builder_clear (&b);
}

static void
test_autograph_conversion (void)
{
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  AgvizDiagnostic *diagnostic;
  gint64 fn, t;
  AgvizEvent warning = { .kind = AGVIZ_EVENT_WARNING };

  trace_builder_init (&b, step_program);
  fn = trace_builder_function (&b, "step", 3);
  t = trace_builder_begin (&b, fn, "__inference_step_1", "n=1");
  trace_builder_end (&b, t, AGVIZ_TRACE_STATUS_COMPLETE);
  warning.function_id = fn;
  warning.message = (char *) "AutoGraph could not transform <function step at 0x7f00> and will "
                             "run it as-is.";
  warning.detail = (char *) "Cause: could not get source code";
  agviz_recorder_add_event (b.recorder, &warning, &error);
  g_assert_no_error (error);
  /* Another warning is not a conversion failure. */
  warning.message = (char *) "np.random.randn ran once while tracing";
  warning.detail = NULL;
  agviz_recorder_add_event (b.recorder, &warning, &error);
  g_assert_no_error (error);
  store = trace_builder_finish (&b);

  found = check_kind (store, AGVIZ_DIAGNOSTIC_KIND_AUTOGRAPH_CONVERSION);
  g_assert_cmpuint (found->len, ==, 1);
  diagnostic = g_ptr_array_index (found, 0);
  g_assert_cmpstr (agviz_diagnostic_get_function (diagnostic), ==, "step");
  g_assert_cmpint (agviz_diagnostic_get_line (diagnostic), ==, 3);
  g_assert_true (has_evidence (diagnostic, "cause: could not get source code"));
  g_assert_nonnull (strstr (agviz_diagnostic_get_fix (diagnostic), "do_not_convert"));
  trace_builder_clear (&b);
}

static void
test_signature_difference (void)
{
  g_autofree char *argument = NULL, *a = NULL, *b = NULL;

  g_assert_true (agviz_checker_signature_difference (
    "x: TensorSpec(shape=(2, 3), dtype=tf.float32), n=3",
    "x: TensorSpec(shape=(2, 3), dtype=tf.float32), n=4", &argument, &a, &b));
  g_assert_cmpstr (argument, ==, "n");
  g_assert_cmpstr (a, ==, "3");
  g_assert_cmpstr (b, ==, "4");
  g_assert_false (agviz_checker_signature_difference ("n=1, m=2", "n=1, m=2", NULL, NULL, NULL));
  g_assert_false (agviz_checker_signature_difference ("()", "", NULL, NULL, NULL));
}

/* The example trace: exactly one diagnostic per planted mistake, at its line of demo.py. */
static void
test_example_trace (void)
{
  const char *path = g_getenv ("AGVIZ_EXAMPLE_TRACE");
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  static const struct { AgvizDiagnosticKind kind; const char *function; int line; } expected[] = {
    { AGVIZ_DIAGNOSTIC_KIND_VARIABLE_NON_FIRST_TRACE, "make_var", 19 },
    { AGVIZ_DIAGNOSTIC_KIND_RETRACING, "step", 38 },
    { AGVIZ_DIAGNOSTIC_KIND_FROZEN_VALUE, "noisy", 25 },
    { AGVIZ_DIAGNOSTIC_KIND_TRACE_TIME_SIDE_EFFECT, "remember", 33 },
    { AGVIZ_DIAGNOSTIC_KIND_NAN_INF, "remember", 34 },
  };

  if (path == NULL)
    {
      g_test_skip ("AGVIZ_EXAMPLE_TRACE is not set");
      return;
    }
  store = agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(GPtrArray) found = check_kind (store, expected[i].kind);
      AgvizDiagnostic *diagnostic;

      g_assert_cmpuint (found->len, ==, 1);
      diagnostic = g_ptr_array_index (found, 0);
      g_assert_cmpstr (agviz_diagnostic_get_function (diagnostic), ==, expected[i].function);
      g_assert_cmpint (agviz_diagnostic_get_line (diagnostic), ==, expected[i].line);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agviz/checker/variable-in-graph", test_variable_in_graph);
  g_test_add_func ("/agviz/checker/variable-eager-during-retrace", test_variable_eager_during_retrace);
  g_test_add_func ("/agviz/checker/variable-stopped-retrace", test_variable_stopped_retrace);
  g_test_add_func ("/agviz/checker/variable-clean-programs", test_variable_clean_programs);
  g_test_add_func ("/agviz/checker/retracing", test_retracing);
  g_test_add_func ("/agviz/checker/retracing-without-evidence", test_retracing_without_evidence);
  g_test_add_func ("/agviz/checker/frozen-values", test_frozen_values);
  g_test_add_func ("/agviz/checker/side-effects", test_side_effects);
  g_test_add_func ("/agviz/checker/helper-side-effects", test_helper_side_effects);
  g_test_add_func ("/agviz/checker/nan-inf", test_nan_inf);
  g_test_add_func ("/agviz/checker/nan-inf-masking", test_nan_inf_masking);
  g_test_add_func ("/agviz/checker/frozen-values-flow", test_frozen_values_flow);
  g_test_add_func ("/agviz/checker/frozen-values-retraced", test_frozen_values_retraced);
  g_test_add_func ("/agviz/checker/source-by-name", test_source_by_name);
  g_test_add_func ("/agviz/checker/source-ambiguous", test_source_ambiguous);
  g_test_add_func ("/agviz/checker/side-effect-shapes", test_side_effect_shapes);
  g_test_add_func ("/agviz/checker/autograph-conversion", test_autograph_conversion);
  g_test_add_func ("/agviz/checker/signature-difference", test_signature_difference);
  g_test_add_func ("/agviz/checker/example-trace", test_example_trace);
  return g_test_run ();
}
