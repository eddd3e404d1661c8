/* SPDX-License-Identifier: GPL-3.0-or-later */
/* execution-trace-view-check.h: the view's reading of a GraphExecutionTrace event against
 * protobuf-c's (test-import-decoders and fuzz-execution-trace-view) */
#pragma once

#include <string.h>

#include "agviz-execution-trace-view.h"

static inline void
assert_same_tensor (const AgvizTf__TensorProto *view,
                    const AgvizTf__TensorProto *unpacked)
{
  g_assert_cmpint (view->dtype, ==, unpacked->dtype);
  g_assert_cmpint (view->version_number, ==, unpacked->version_number);
  g_assert_cmpmem (view->tensor_content.data, view->tensor_content.len,
                   unpacked->tensor_content.data, unpacked->tensor_content.len);
  g_assert_cmpmem (view->float_val, view->n_float_val * sizeof (float),
                   unpacked->float_val, unpacked->n_float_val * sizeof (float));
  g_assert_cmpmem (view->double_val, view->n_double_val * sizeof (double),
                   unpacked->double_val, unpacked->n_double_val * sizeof (double));
  /* The fields the view does not read were not there. */
  g_assert_cmpuint (unpacked->n_int_val + unpacked->n_string_val + unpacked->n_scomplex_val +
                    unpacked->n_int64_val + unpacked->n_bool_val + unpacked->n_dcomplex_val +
                    unpacked->n_half_val + unpacked->n_uint32_val + unpacked->n_uint64_val, ==, 0);
  g_assert_true ((view->tensor_shape == NULL) == (unpacked->tensor_shape == NULL));
  if (view->tensor_shape != NULL)
    {
      g_assert_cmpuint (view->tensor_shape->n_dim, ==, unpacked->tensor_shape->n_dim);
      g_assert_cmpint (view->tensor_shape->unknown_rank, ==, unpacked->tensor_shape->unknown_rank);
      for (gsize d = 0; d < view->tensor_shape->n_dim; d++)
        {
          g_assert_cmpint (view->tensor_shape->dim[d]->size, ==,
                           unpacked->tensor_shape->dim[d]->size);
          g_assert_cmpstr (view->tensor_shape->dim[d]->name, ==,
                           unpacked->tensor_shape->dim[d]->name);
        }
    }
}

/* Whenever the view takes @data, protobuf-c unpacks it to the same event; FALSE when the view
 * did not take it. */
static inline gboolean
execution_trace_view_agrees (AgvizExecutionTraceView *view,
             const guint8            *data,
             gsize                    length)
{
  AgvizTf__DebugEvent *unpacked;
  const AgvizTf__GraphExecutionTrace *a, *b;

  if (!_agviz_execution_trace_view_read (view, data, length))
    return FALSE;
  unpacked = agviz_tf__debug_event__unpack (NULL, length, data);
  g_assert_nonnull (unpacked);
  g_assert_cmpmem (&view->event.wall_time, sizeof (double), &unpacked->wall_time, sizeof (double));
  g_assert_cmpint (view->event.step, ==, unpacked->step);
  g_assert_cmpint (view->event.what_case, ==, unpacked->what_case);
  a = view->event.graph_execution_trace;
  b = unpacked->graph_execution_trace;
  g_assert_cmpstr (a->tfdbg_context_id, ==, b->tfdbg_context_id);
  g_assert_cmpstr (a->op_name, ==, b->op_name);
  g_assert_cmpstr (a->device_name, ==, b->device_name);
  g_assert_cmpint (a->output_slot, ==, b->output_slot);
  g_assert_cmpint (a->tensor_debug_mode, ==, b->tensor_debug_mode);
  g_assert_true ((a->tensor_proto == NULL) == (b->tensor_proto == NULL));
  if (a->tensor_proto != NULL)
    assert_same_tensor (a->tensor_proto, b->tensor_proto);
  agviz_tf__debug_event__free_unpacked (unpacked, NULL);
  return TRUE;
}
