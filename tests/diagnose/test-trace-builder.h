/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-trace-builder.h: small trace files for diagnostics tests, written with the recorder API
 *
 * Every program lives in /src/prog.py on the "recording machine"; frames are (module line,
 * body line, a TensorFlow frame), as TF records a creation stack.
 */
#pragma once

#include <glib/gstdio.h>

#include "agviz-core.h"

#define PROGRAM_PATH "/src/prog.py"
#define TF_PATH "/usr/lib/python3/dist-packages/tensorflow/python/ops/gen_math_ops.py"

typedef struct
{
  char          *dir;
  char          *path;
  AgvizRecorder *recorder;
  gint64         file_id;
  gint64         tf_file_id;
  gint64         clock_ns;
} TraceBuilder;

static inline void
trace_builder_init (TraceBuilder *b,
                    const char   *source)
{
  g_autoptr(GError) error = NULL;

  b->dir = g_dir_make_tmp ("agviz-diagnose-XXXXXX", &error);
  g_assert_no_error (error);
  b->path = g_build_filename (b->dir, "trace.db", NULL);
  b->recorder = agviz_recorder_open (b->path, &error);
  g_assert_no_error (error);
  b->file_id = agviz_recorder_add_file (b->recorder, NULL, PROGRAM_PATH, &error);
  g_assert_no_error (error);
  if (source != NULL)
    {
      agviz_recorder_set_file_text (b->recorder, b->file_id, source, -1, &error);
      g_assert_no_error (error);
    }
  b->tf_file_id = agviz_recorder_add_file (b->recorder, NULL, TF_PATH, &error);
  g_assert_no_error (error);
  b->clock_ns = G_GINT64_CONSTANT (1700000000000000000);
}

static inline gint64
trace_builder_stack (TraceBuilder *b,
                     int           body_line,
                     const char   *function)
{
  g_autoptr(GError) error = NULL;
  gint64 frames[3];
  gint64 stack;

  frames[0] = agviz_recorder_add_frame (b->recorder, b->file_id, 1, 0, "<module>", &error);
  g_assert_no_error (error);
  frames[1] = agviz_recorder_add_frame (b->recorder, b->file_id, body_line, 0, function, &error);
  g_assert_no_error (error);
  frames[2] = agviz_recorder_add_frame (b->recorder, b->tf_file_id, 500, 0, "wrapper", &error);
  g_assert_no_error (error);
  stack = agviz_recorder_add_stack (b->recorder, frames, 3, &error);
  g_assert_no_error (error);
  return stack;
}

static inline gint64
trace_builder_function (TraceBuilder *b,
                        const char   *name,
                        int           def_line)
{
  g_autoptr(GError) error = NULL;
  gint64 id = agviz_recorder_add_function (b->recorder, name, b->file_id, def_line, &error);

  g_assert_no_error (error);
  return id;
}

static inline gint64
trace_builder_begin (TraceBuilder *b,
                     gint64        function,
                     const char   *graph_name,
                     const char   *signature)
{
  g_autoptr(GError) error = NULL;
  gint64 trace = agviz_recorder_begin_trace (b->recorder, function, graph_name, signature,
                                             "test", &error);

  g_assert_no_error (error);
  b->clock_ns += 1000000;
  agviz_recorder_set_trace_start (b->recorder, trace, b->clock_ns, &error);
  g_assert_no_error (error);
  return trace;
}

static inline gint64
trace_builder_node (TraceBuilder *b,
                    gint64        trace,
                    const char   *name,
                    const char   *op_type,
                    gint64        stack)
{
  g_autoptr(GError) error = NULL;
  gint64 id = agviz_recorder_add_node (b->recorder, trace, name, op_type, NULL, NULL, stack,
                                       &error);

  g_assert_no_error (error);
  return id;
}

static inline void
trace_builder_end (TraceBuilder     *b,
                   gint64            trace,
                   AgvizTraceStatus  status)
{
  g_autoptr(GError) error = NULL;

  agviz_recorder_end_trace (b->recorder, trace, status, 100000, &error);
  g_assert_no_error (error);
}

/* Calls @trace @times times, later than anything before. */
static inline gint64
trace_builder_call (TraceBuilder *b,
                    gint64        trace,
                    guint         times)
{
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  for (guint i = 0; i < times; i++)
    {
      AgvizExecution execution = { .trace_id = trace, .start_ns = (b->clock_ns += 1000000),
                                   .duration_ns = 1000 };
      id = agviz_recorder_add_execution (b->recorder, &execution, &error);
      g_assert_no_error (error);
    }
  return id;
}

static inline AgvizStore *
trace_builder_finish (TraceBuilder *b)
{
  g_autoptr(GError) error = NULL;
  AgvizStore *store;

  agviz_recorder_close (b->recorder, &error);
  g_assert_no_error (error);
  g_clear_object (&b->recorder);
  store = agviz_store_open (b->path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  return store;
}

static inline void
trace_builder_clear (TraceBuilder *b)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  g_clear_object (&b->recorder);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (b->path, suffixes[i], NULL);
      g_remove (file);
    }
  g_rmdir (b->dir);
  g_free (b->path);
  g_free (b->dir);
}

/* Runs every check on @store: the diagnostics of @kind, in order (transfer full). */
static inline GPtrArray *
check_kind (AgvizStore          *store,
            AgvizDiagnosticKind  kind)
{
  g_autoptr(AgvizSourceMap) map = agviz_source_map_new (store);
  g_autoptr(AgvizChecker) checker = agviz_checker_new (map);
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) all = agviz_checker_run (checker, &error);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(AgvizDiagnostic) diagnostic = g_list_model_get_item (all, i);
      if (agviz_diagnostic_get_kind (diagnostic) == kind)
        g_ptr_array_add (found, g_steal_pointer (&diagnostic));
    }
  return found;
}

/* Whether one evidence string of @diagnostic contains @text. */
static inline gboolean
has_evidence (AgvizDiagnostic *diagnostic,
              const char      *text)
{
  const char * const *evidence = agviz_diagnostic_get_evidence (diagnostic);

  for (guint i = 0; evidence[i] != NULL; i++)
    if (strstr (evidence[i], text) != NULL)
      return TRUE;
  return FALSE;
}
