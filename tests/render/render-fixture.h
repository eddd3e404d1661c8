/* SPDX-License-Identifier: GPL-3.0-or-later */
/* render-fixture.h: small traces written through the recorder for the scene and drawing tests */
#pragma once

#include <glib/gstdio.h>

#include "agviz-core.h"
#include "agviz-recorder-private.h"

typedef struct
{
  const char *name;
  const char *op;
  const char *arg_type;       /* _Arg and Placeholder: their dtype, written with the
                               * `_user_specified_name` TF 2.21 gives every argument; NULL: none */
} FixtureNode;

static inline GVariant *
render_fixture_arg_attrs (const FixtureNode *node)
{
  GVariantBuilder builder;

  if (node->arg_type == NULL)
    return NULL;
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", g_str_equal (node->op, "_Arg") ? "T" : "dtype",
                         g_variant_new_string (node->arg_type));
  g_variant_builder_add (&builder, "{sv}", "_user_specified_name", g_variant_new_string (node->name));
  return g_variant_builder_end (&builder);
}

typedef struct
{
  const char *src;
  int         src_output;     /* -1: control */
  const char *dst;
} FixtureEdge;

/* Writes one function with one trace holding @nodes and @edges into @path; returns the trace id. */
static inline gint64
render_fixture_write (const char        *path,
                      const FixtureNode *nodes,
                      guint              n_nodes,
                      const FixtureEdge *edges,
                      guint              n_edges)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (path, &error);
  g_autoptr(GHashTable) inputs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 fn, trace;

  g_assert_no_error (error);
  /* Small fixtures get the per-scope aggregates too, so the scene's per-scope read is tested. */
  _agviz_recorder_set_scope_edges_min_nodes (recorder, 0);
  fn = agviz_recorder_add_function (recorder, "f", 0, 0, &error);
  g_assert_no_error (error);
  trace = agviz_recorder_begin_trace (recorder, fn, "__inference_f_1", "", "first call", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n_nodes; i++)
    {
      gint64 id = agviz_recorder_add_node (recorder, trace, nodes[i].name, nodes[i].op, NULL,
                                           render_fixture_arg_attrs (&nodes[i]), 0, &error);
      g_assert_no_error (error);
      g_hash_table_insert (ids, (gpointer) nodes[i].name, GSIZE_TO_POINTER ((gsize) id));
    }
  for (guint i = 0; i < n_edges; i++)
    {
      gint64 src = (gint64) GPOINTER_TO_SIZE (g_hash_table_lookup (ids, edges[i].src));
      gint64 dst = (gint64) GPOINTER_TO_SIZE (g_hash_table_lookup (ids, edges[i].dst));
      gint64 *key = g_new (gint64, 1);
      guint n;

      g_assert_no_error (error);
      g_assert_cmpint (src, >, 0);
      g_assert_cmpint (dst, >, 0);
      *key = dst;
      n = GPOINTER_TO_UINT (g_hash_table_lookup (inputs, key));
      g_hash_table_replace (inputs, key, GUINT_TO_POINTER (n + 1));
      agviz_recorder_add_edge (recorder, trace, src, edges[i].src_output, dst, (int) n, &error);
      g_assert_no_error (error);
    }
  agviz_recorder_end_trace (recorder, trace, AGVIZ_TRACE_STATUS_COMPLETE, -1, &error);
  g_assert_no_error (error);
  agviz_recorder_close (recorder, &error);
  g_assert_no_error (error);
  return trace;
}

typedef struct
{
  const char *op;
  gint64      duration_ns;
} FixtureRun;

/* Adds eager runs of op types (executions with no trace) to the trace file at @path, as tfdbg2
 * records them: what `--color-by time` colours by. */
static inline void
render_fixture_add_runs (const char       *path,
                         const FixtureRun *runs,
                         guint             n_runs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (path, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < n_runs; i++)
    {
      AgvizExecution execution = {
        .op_type = (char *) runs[i].op,
        .start_ns = 1000000 * (gint64) i,
        .duration_ns = runs[i].duration_ns,
      };

      agviz_recorder_add_execution (recorder, &execution, &error);
      g_assert_no_error (error);
    }
  agviz_recorder_close (recorder, &error);
  g_assert_no_error (error);
}

static inline void
render_fixture_remove (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_remove (file);
    }
}
