/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-search.c: the app's node search on a trace written here: names, op types, paths,
 * FILE:LINE through creation stacks, the limit, LIKE's wildcards typed literally, cancelling */
#include "config.h"

#include <string.h>

#include "agviz-core.h"
#include "temp-trace-file.h"

#define N_MANY 250

typedef struct
{
  TempFile  file;
  gint64    trace_id;
  gint64    other_trace_id;
  AgvizStore *store;
} Fixture;

static void
write_trace (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (fx->file.path, &error);
  gint64 user_file, framework_file, function, other, stack_10, stack_12, frames[2];

  g_assert_no_error (error);
  user_file = agviz_recorder_add_file (recorder, NULL, "/home/u/user.py", &error);
  framework_file = agviz_recorder_add_file (recorder, NULL,
                                            "/usr/lib/python3/dist-packages/tensorflow/ops.py", &error);
  /* Line 10 of user.py calls into TensorFlow: the defining frame is still user.py:10. */
  frames[0] = agviz_recorder_add_frame (recorder, user_file, 10, 0, "build", &error);
  frames[1] = agviz_recorder_add_frame (recorder, framework_file, 500, 0, "matmul", &error);
  stack_10 = agviz_recorder_add_stack (recorder, frames, 2, &error);
  frames[0] = agviz_recorder_add_frame (recorder, user_file, 12, 0, "build", &error);
  stack_12 = agviz_recorder_add_stack (recorder, frames, 1, &error);
  g_assert_no_error (error);

  function = agviz_recorder_add_function (recorder, "model", user_file, 1, &error);
  fx->trace_id = agviz_recorder_begin_trace (recorder, function, "__inference_model_1", "", "", &error);
  g_assert_no_error (error);
  agviz_recorder_add_node (recorder, fx->trace_id, "model/dense/MatMul", "MatMul", NULL, NULL, stack_10, &error);
  agviz_recorder_add_node (recorder, fx->trace_id, "model/dense/BiasAdd", "BiasAdd", NULL, NULL, stack_10, &error);
  agviz_recorder_add_node (recorder, fx->trace_id, "model/dense_1/MatMul", "MatMul", NULL, NULL, 0, &error);
  agviz_recorder_add_node (recorder, fx->trace_id, "model/act", "Relu", NULL, NULL, 0, &error);
  agviz_recorder_add_node (recorder, fx->trace_id, "loss/Mean", "Mean", NULL, NULL, stack_12, &error);
  agviz_recorder_add_node (recorder, fx->trace_id, "odd%name", "Identity", NULL, NULL, 0, &error);
  for (guint i = 0; i < N_MANY; i++)
    {
      g_autofree char *name = g_strdup_printf ("many/add_%u", i);
      agviz_recorder_add_node (recorder, fx->trace_id, name, "AddV2", NULL, NULL, 0, &error);
    }
  g_assert_no_error (error);
  g_assert_true (agviz_recorder_end_trace (recorder, fx->trace_id, AGVIZ_TRACE_STATUS_COMPLETE, -1, &error));

  /* Another trace with the same names: never found from the first. */
  other = agviz_recorder_add_function (recorder, "other", 0, 0, &error);
  fx->other_trace_id = agviz_recorder_begin_trace (recorder, other, "__inference_other_2", "", "", &error);
  agviz_recorder_add_node (recorder, fx->other_trace_id, "model/dense/MatMul", "MatMul", NULL, NULL, stack_10, &error);
  g_assert_no_error (error);
  g_assert_true (agviz_recorder_end_trace (recorder, fx->other_trace_id, AGVIZ_TRACE_STATUS_COMPLETE, -1, &error));
  g_assert_true (agviz_recorder_close (recorder, &error));
}

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  temp_file_setup (&fx->file, data);
  write_trace (fx);
  fx->store = agviz_store_open (fx->file.path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_clear_object (&fx->store);
  temp_file_teardown (&fx->file, data);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The hits' paths, sorted and joined with ",", or NULL on error. */
static char *
search (Fixture    *fx,
        const char *query,
        guint       limit,
        gboolean   *truncated)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = agviz_search_trace (fx->store, fx->trace_id, query, limit, truncated,
                                                  NULL, &error);
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();

  g_assert_no_error (error);
  g_assert_nonnull (hits);
  for (guint i = 0; i < hits->len; i++)
    {
      AgvizSearchHit *hit = g_ptr_array_index (hits, i);

      g_assert_true ((hit->kind == AGVIZ_SEARCH_HIT_OP) == (hit->op_type != NULL));
      g_ptr_array_add (paths, hit->path);
    }
  g_ptr_array_sort (paths, compare_strings);
  g_ptr_array_add (paths, NULL);
  return g_strjoinv (",", (char **) paths->pdata);
}

static void
test_names (Fixture       *fx,
            gconstpointer  data)
{
  gboolean truncated = TRUE;
  g_autofree char *matmul = search (fx, "matmul", 200, &truncated);
  g_autofree char *dense = search (fx, "DENSE", 200, NULL);
  g_autofree char *path = search (fx, "dense/mat", 200, NULL);
  g_autofree char *inside = search (fx, "model/dense/", 200, NULL);
  g_autofree char *percent = search (fx, "%", 200, NULL);
  g_autofree char *underscore = search (fx, "e_1", 200, NULL);
  g_autofree char *none = search (fx, "no-such-name", 200, NULL);
  g_autofree char *empty = search (fx, "", 200, NULL);

  /* By own name and, here, by op type too: each node once, not the other trace's. */
  g_assert_cmpstr (matmul, ==, "model/dense/MatMul,model/dense_1/MatMul");
  g_assert_false (truncated);
  /* Scopes by their own name; ops below them are not hits for it. */
  g_assert_cmpstr (dense, ==, "model/dense,model/dense_1");
  g_assert_cmpstr (path, ==, "model/dense/MatMul");
  g_assert_cmpstr (inside, ==, "model/dense/BiasAdd,model/dense/MatMul");
  /* LIKE's wildcards are literal characters in a query. */
  g_assert_cmpstr (percent, ==, "odd%name");
  g_assert_cmpstr (underscore, ==, "model/dense_1");
  g_assert_cmpstr (none, ==, "");
  g_assert_cmpstr (empty, ==, "");
}

static void
test_op_types (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *relu = search (fx, "relu", 200, NULL);

  g_assert_cmpint (agviz_store_find_op_type (fx->store, "biasadd", &error), >, 0);
  g_assert_cmpint (agviz_store_find_op_type (fx->store, "NoSuchOp", &error), ==, 0);
  g_assert_no_error (error);
  /* "model/act" is a Relu: found by its type, its name has nothing of it. */
  g_assert_cmpstr (relu, ==, "model/act");
}

static void
test_limit (Fixture       *fx,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  gboolean truncated = FALSE;

  hits = agviz_search_trace (fx->store, fx->trace_id, "addv2", 200, &truncated, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 200);
  g_assert_true (truncated);
  g_clear_pointer (&hits, g_ptr_array_unref);

  hits = agviz_search_trace (fx->store, fx->trace_id, "add_", 1000, &truncated, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, N_MANY);
  g_assert_false (truncated);
}

static void
test_locations (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *line_10 = search (fx, "user.py:10", 200, NULL);
  g_autofree char *full = search (fx, "/home/u/user.py:12", 200, NULL);
  g_autofree char *framework = search (fx, "ops.py:500", 200, NULL);
  g_autofree char *not_boundary = search (fx, "er.py:10", 200, NULL);
  g_autofree char *other_line = search (fx, "user.py:11", 200, NULL);
  gboolean truncated = FALSE;
  g_autofree char *limited = search (fx, "user.py:10", 1, &truncated);

  g_assert_cmpstr (line_10, ==, "model/dense/BiasAdd,model/dense/MatMul");
  g_assert_cmpstr (full, ==, "loss/Mean");
  /* Not the defining frame: TensorFlow's own line made nothing the user wrote. */
  g_assert_cmpstr (framework, ==, "");
  g_assert_cmpstr (not_boundary, ==, "");
  g_assert_cmpstr (other_line, ==, "");
  g_assert_true (truncated);
  g_assert_nonnull (limited);
}

static void
test_parse_location (void)
{
  g_autofree char *file = NULL;
  int line = 0;

  g_assert_true (agviz_search_parse_location ("dir/demo.py:19", &file, &line));
  g_assert_cmpstr (file, ==, "dir/demo.py");
  g_assert_cmpint (line, ==, 19);
  g_assert_false (agviz_search_parse_location ("add:x", &file, &line));
  g_assert_false (agviz_search_parse_location (":19", &file, &line));
  g_assert_false (agviz_search_parse_location ("demo.py:0", &file, &line));
  g_assert_false (agviz_search_parse_location ("MatMul", &file, &line));
}

static void
test_cancelled (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) hits = NULL;

  g_cancellable_cancel (cancellable);
  hits = agviz_search_trace (fx->store, fx->trace_id, "matmul", 200, NULL, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (hits);
  g_clear_error (&error);
  hits = agviz_search_trace (fx->store, fx->trace_id, "user.py:10", 200, NULL, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (hits);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/agviz/search/names", test_names);
  ADD ("/agviz/search/op-types", test_op_types);
  ADD ("/agviz/search/limit", test_limit);
  ADD ("/agviz/search/locations", test_locations);
  ADD ("/agviz/search/cancelled", test_cancelled);
#undef ADD
  g_test_add_func ("/agviz/search/parse-location", test_parse_location);

  return g_test_run ();
}
