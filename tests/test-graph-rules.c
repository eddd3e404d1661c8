/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-graph-rules.c: TensorBoard's rules for reading a graph, shared by recorder and scene */
#include "config.h"

#include "agviz-graph-rules.h"

static void
test_split_name (void)
{
  static const struct { const char *name; const char *local; gsize scope_length; } cases[] = {
    { "model/dense/MatMul", "MatMul", 11 },
    { "MatMul", "MatMul", 0 },
    { "/a", "a", 0 },
    { "a//b", "b", 2 },
    { "", "", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize scope_length = 99;

      g_assert_cmpstr (_agviz_graph_rules_split_name (cases[i].name, &scope_length), ==,
                       cases[i].local);
      g_assert_cmpuint (scope_length, ==, cases[i].scope_length);
    }
}

static void
test_numeric_suffix (void)
{
  static const struct { const char *name; guint max_digits; gint64 number; gsize start; } cases[] = {
    { "layer_12", 9, 12, 6 },
    { "add_3", 9, 3, 4 },
    { "conv2", 9, 2, 4 },
    { "add", 9, -1, 0 },
    { "123", 9, -1, 0 },                /* nothing but digits is a name */
    { "x1234567890", 9, -1, 0 },         /* too long for a counter */
    { "x1234567890", 18, 1234567890, 1 },
    { "__inference_f_007", 18, 7, 14 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize start = 0;

      g_assert_cmpint (_agviz_graph_rules_numeric_suffix (cases[i].name, cases[i].max_digits,
                                                          &start), ==, cases[i].number);
      if (cases[i].number >= 0)
        g_assert_cmpuint (start, ==, cases[i].start);
    }
  g_assert_cmpint (_agviz_graph_rules_numeric_suffix ("a_1", 9, NULL), ==, 1);
}

static void
test_reference_input (void)
{
  const char *const changes_input_0[] = {
    "Assign", "AssignAdd", "AssignSubVariableOp", "ScatterUpdate", "ResourceScatterAdd",
  };
  const char *const reads_only[] = { "ReadVariableOp", "MatMul", "Identity", "VarHandleOp" };

  for (guint i = 0; i < G_N_ELEMENTS (changes_input_0); i++)
    {
      g_assert_cmpint (_agviz_graph_rules_reference_input (changes_input_0[i]), ==, 0);
      g_assert_true (_agviz_graph_rules_is_reference_input (changes_input_0[i], 0));
      g_assert_false (_agviz_graph_rules_is_reference_input (changes_input_0[i], 1));
    }
  for (guint i = 0; i < G_N_ELEMENTS (reads_only); i++)
    g_assert_false (_agviz_graph_rules_is_reference_input (reads_only[i], 0));
  g_assert_cmpint (_agviz_graph_rules_reference_input (NULL), ==, -1);
  g_assert_false (_agviz_graph_rules_is_reference_input (NULL, 0));
  /* A control edge (input -1) is never one. */
  g_assert_false (_agviz_graph_rules_is_reference_input ("Assign", -1));
}

static void
test_sibling_scopes (void)
{
  g_autoptr(AgvizSiblingScopes) scopes = _agviz_sibling_scopes_new ();
  int root, model, dense, other_dense, newer_dense;

  g_assert_cmpuint (_agviz_sibling_scopes_size (scopes), ==, 0);
  _agviz_sibling_scopes_add (scopes, &root, "dense", &dense);
  _agviz_sibling_scopes_add (scopes, &model, "dense", &other_dense);
  g_assert_cmpuint (_agviz_sibling_scopes_size (scopes), ==, 2);

  /* "dense" beside the scope "dense" goes inside it; in another container, into that one's. */
  g_assert_true (_agviz_sibling_scopes_find_shown_in (scopes, &root, "dense") == &dense);
  g_assert_true (_agviz_sibling_scopes_find_shown_in (scopes, &model, "dense") == &other_dense);
  g_assert_null (_agviz_sibling_scopes_find_shown_in (scopes, &root, "dense_1"));
  g_assert_null (_agviz_sibling_scopes_find_shown_in (scopes, &root, "dens"));
  g_assert_null (_agviz_sibling_scopes_find_shown_in (scopes, &dense, "dense"));

  /* Containers may be indices: 0 is one like any other. */
  _agviz_sibling_scopes_add (scopes, GUINT_TO_POINTER (0), "a", GUINT_TO_POINTER (5));
  g_assert_cmpuint (GPOINTER_TO_UINT (_agviz_sibling_scopes_find_shown_in (scopes, NULL, "a")), ==,
                    5);

  _agviz_sibling_scopes_add (scopes, &root, "dense", &newer_dense);
  g_assert_cmpuint (_agviz_sibling_scopes_size (scopes), ==, 3);
  g_assert_true (_agviz_sibling_scopes_find_shown_in (scopes, &root, "dense") == &newer_dense);
}

static void
test_auxiliary (void)
{
  g_autoptr(GArray) ins = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) outs = g_array_new (FALSE, FALSE, sizeof (guint));
  AgvizDegreeLimits limits;

  /* 20 siblings of degree 1 in, 1 out; one with 30 in (an outlier), one with 30 out. */
  for (guint i = 0; i < 20; i++)
    {
      guint one = 1;

      g_array_append_val (ins, one);
      g_array_append_val (outs, one);
    }
  {
    guint many = 30, one = 1;

    g_array_append_val (ins, many);
    g_array_append_val (outs, one);
    g_array_append_val (ins, one);
    g_array_append_val (outs, many);
  }
  _agviz_graph_rules_degree_limits (ins, outs, &limits);
  g_assert_cmpfloat (limits.in_limit, ==, 1.0);
  g_assert_cmpfloat (limits.out_limit, ==, 1.0);
  /* The arrays come back sorted. */
  g_assert_cmpuint (g_array_index (ins, guint, ins->len - 1), ==, 30);

  g_assert_true (_agviz_graph_rules_is_auxiliary (&limits, 5, "MatMul", 30, 1));
  g_assert_true (_agviz_graph_rules_is_auxiliary (&limits, 5, "MatMul", 1, 30));
  g_assert_true (_agviz_graph_rules_is_auxiliary (&limits, 5, NULL, 30, 1));
  g_assert_false (_agviz_graph_rules_is_auxiliary (&limits, 5, "MatMul", 1, 1));
  /* An outlier, but below the smallest degree that counts. */
  g_assert_false (_agviz_graph_rules_is_auxiliary (&limits, 5, "MatMul", 4, 4));
  /* A NoOp that only receives is a control sink, whatever its degree; not one that sends. */
  g_assert_true (_agviz_graph_rules_is_auxiliary (&limits, 5, "NoOp", 1, 0));
  g_assert_false (_agviz_graph_rules_is_auxiliary (&limits, 5, "NoOp", 1, 1));
  g_assert_false (_agviz_graph_rules_is_auxiliary (&limits, 5, "NoOp", 0, 0));
  g_assert_false (_agviz_graph_rules_is_auxiliary (&limits, 5, NULL, 1, 0));
}

static void
test_annotation_kind (void)
{
  g_assert_cmpint (_agviz_graph_rules_annotation_kind ("Const"), ==, AGVIZ_ANNOTATION_IN);
  g_assert_cmpint (_agviz_graph_rules_annotation_kind ("ScalarSummary"), ==, AGVIZ_ANNOTATION_OUT);
  g_assert_cmpint (_agviz_graph_rules_annotation_kind ("HistogramSummary"), ==,
                   AGVIZ_ANNOTATION_OUT);
  g_assert_cmpint (_agviz_graph_rules_annotation_kind ("ConstantOp"), ==, AGVIZ_ANNOTATION_NONE);
  g_assert_cmpint (_agviz_graph_rules_annotation_kind ("SummaryWriter"), ==,
                   AGVIZ_ANNOTATION_NONE);
  g_assert_cmpint (_agviz_graph_rules_annotation_kind (NULL), ==, AGVIZ_ANNOTATION_NONE);
}

/* The argument attributes real TensorFlow writes: TF 2.21 names every argument, captured
 * variable handles included ("_user_specified_name": "resource"); TF 2.8 (the corpus's
 * trace_export) named the signature's inputs only, so its captured float tensors have none. */
static void
test_input_role (void)
{
  g_assert_cmpint (_agviz_graph_rules_input_role ("_Arg", "float32", TRUE, TRUE), ==,
                   AGVIZ_INPUT_ROLE_INPUT);
  g_assert_cmpint (_agviz_graph_rules_input_role ("_Arg", "resource", TRUE, TRUE), ==,
                   AGVIZ_INPUT_ROLE_CAPTURE);
  g_assert_cmpint (_agviz_graph_rules_input_role ("_Arg", "resource", FALSE, TRUE), ==,
                   AGVIZ_INPUT_ROLE_CAPTURE);
  g_assert_cmpint (_agviz_graph_rules_input_role ("_Arg", "float32", FALSE, TRUE), ==,
                   AGVIZ_INPUT_ROLE_CAPTURE);
  /* A function that names none of its arguments (a hand-written FunctionDef): all inputs. */
  g_assert_cmpint (_agviz_graph_rules_input_role ("_Arg", "float32", FALSE, FALSE), ==,
                   AGVIZ_INPUT_ROLE_INPUT);
  g_assert_cmpint (_agviz_graph_rules_input_role ("_Arg", NULL, FALSE, FALSE), ==,
                   AGVIZ_INPUT_ROLE_INPUT);
  /* Placeholders of a plain graph are fed, named or not. */
  g_assert_cmpint (_agviz_graph_rules_input_role ("Placeholder", "float32", FALSE, TRUE), ==,
                   AGVIZ_INPUT_ROLE_INPUT);
  g_assert_cmpint (_agviz_graph_rules_input_role ("Placeholder", "DT_RESOURCE", FALSE, FALSE), ==,
                   AGVIZ_INPUT_ROLE_CAPTURE);
  g_assert_cmpint (_agviz_graph_rules_input_role ("PlaceholderWithDefault", "float32", FALSE, FALSE),
                   ==, AGVIZ_INPUT_ROLE_NONE);
  g_assert_cmpint (_agviz_graph_rules_input_role ("MatMul", "resource", FALSE, FALSE), ==,
                   AGVIZ_INPUT_ROLE_NONE);
  g_assert_cmpint (_agviz_graph_rules_input_role (NULL, NULL, FALSE, FALSE), ==,
                   AGVIZ_INPUT_ROLE_NONE);
}

/* Names as TF 2.21's convert_variables_to_constants_v2 writes them after Grappler inlined a
 * model's calls. */
static void
test_inlined_call (void)
{
  static const struct { const char *name; gssize call_length; } cases[] = {
    { "Func/StatefulPartitionedCall/input/_0", 23 },
    { "Func/StatefulPartitionedCall/output/_5", 23 },
    { "Func/StatefulPartitionedCall/input_control_node/_7", 23 },
    { "Func/StatefulPartitionedCall/output_control_node/_6", 23 },
    { "Func/StatefulPartitionedCall/model/encoder/StatefulPartitionedCall/input/_8", 61 },
    { "Func/input/_0", -1 },                       /* no call */
    { "Func/StatefulPartitionedCall/input/x", -1 },
    { "Func/StatefulPartitionedCall/inputs/_0", -1 },
    { "Funcs/StatefulPartitionedCall/input/_0", -1 },
    { "model/Func/input/_0", -1 },
    { "Func", -1 },
    { "Func/", -1 },
    { "", -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize call_length = 0;
      gboolean inlined = _agviz_graph_rules_inlined_call (cases[i].name, &call_length);

      g_assert_cmpint (inlined, ==, cases[i].call_length >= 0);
      if (inlined)
        g_assert_cmpuint (call_length, ==, (gsize) cases[i].call_length);
    }
}

static void
test_unconnected (void)
{
  /* 0-1-2-3 a chain of weight 10 each; 4-5 an initialiser and its NoOp; 6 a lone constant. */
  static const gint64 weights[] = { 10, 10, 10, 10, 1, 1, 1 };
  static const guint chain_and_init[] = { 0, 1, 1, 2, 3, 2, 4, 5 };
  static const gint64 halves[] = { 10, 10, 10, 10 };
  static const guint two_pairs[] = { 0, 1, 2, 3 };
  g_autofree gboolean *aside = _agviz_graph_rules_unconnected (7, weights, chain_and_init, 4);
  g_autofree gboolean *none = NULL;

  g_assert_nonnull (aside);
  for (guint i = 0; i < 7; i++)
    g_assert_cmpint (aside[i], ==, i >= 4);
  /* Two halves of one weight: neither is put aside. */
  none = _agviz_graph_rules_unconnected (4, halves, two_pairs, 2);
  g_assert_null (none);
  /* One item aside is no group. */
  g_assert_null (_agviz_graph_rules_unconnected (5, weights, chain_and_init, 3));
  g_assert_null (_agviz_graph_rules_unconnected (2, weights, NULL, 0));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/agviz/graph-rules/split-name", test_split_name);
  g_test_add_func ("/agviz/graph-rules/numeric-suffix", test_numeric_suffix);
  g_test_add_func ("/agviz/graph-rules/reference-input", test_reference_input);
  g_test_add_func ("/agviz/graph-rules/sibling-scopes", test_sibling_scopes);
  g_test_add_func ("/agviz/graph-rules/auxiliary", test_auxiliary);
  g_test_add_func ("/agviz/graph-rules/annotation-kind", test_annotation_kind);
  g_test_add_func ("/agviz/graph-rules/input-role", test_input_role);
  g_test_add_func ("/agviz/graph-rules/inlined-call", test_inlined_call);
  g_test_add_func ("/agviz/graph-rules/unconnected", test_unconnected);
  return g_test_run ();
}
