/* fuzz-execution-trace-view.c: GraphExecutionTrace events read off the wire, checked against
 * protobuf-c
 *
 * The input is a tfdbg2 file (TFRecord framing, CRCs not checked: every record is an input) or,
 * when its framing does not hold, one bare DebugEvent.  Whatever the view takes, protobuf-c must
 * unpack to the same event; a difference aborts.
 */
#include "config.h"

#include <string.h>

#include "agviz-execution-trace-view.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_same_tensor (const AgvizTf__TensorProto *a,
                   const AgvizTf__TensorProto *b)
{
  g_assert (a->dtype == b->dtype && a->version_number == b->version_number);
  g_assert (a->tensor_content.len == b->tensor_content.len &&
            (a->tensor_content.len == 0 ||
             memcmp (a->tensor_content.data, b->tensor_content.data, a->tensor_content.len) == 0));
  g_assert (a->n_float_val == b->n_float_val &&
            (a->n_float_val == 0 ||
             memcmp (a->float_val, b->float_val, a->n_float_val * sizeof (float)) == 0));
  g_assert (a->n_double_val == b->n_double_val &&
            (a->n_double_val == 0 ||
             memcmp (a->double_val, b->double_val, a->n_double_val * sizeof (double)) == 0));
  g_assert (b->n_int_val + b->n_string_val + b->n_scomplex_val + b->n_int64_val + b->n_bool_val +
            b->n_dcomplex_val + b->n_half_val + b->n_uint32_val + b->n_uint64_val == 0);
  g_assert ((a->tensor_shape == NULL) == (b->tensor_shape == NULL));
  if (a->tensor_shape != NULL)
    {
      g_assert (a->tensor_shape->n_dim == b->tensor_shape->n_dim);
      g_assert (a->tensor_shape->unknown_rank == b->tensor_shape->unknown_rank);
      for (gsize d = 0; d < a->tensor_shape->n_dim; d++)
        g_assert (a->tensor_shape->dim[d]->size == b->tensor_shape->dim[d]->size &&
                  strcmp (a->tensor_shape->dim[d]->name, b->tensor_shape->dim[d]->name) == 0);
    }
}

static void
check_event (AgvizExecutionTraceView *view,
             const guint8            *data,
             gsize                    length)
{
  AgvizTf__DebugEvent *unpacked;
  const AgvizTf__GraphExecutionTrace *a, *b;

  if (!_agviz_execution_trace_view_read (view, data, length))
    return;
  unpacked = agviz_tf__debug_event__unpack (NULL, length, data);
  g_assert (unpacked != NULL);
  g_assert (memcmp (&view->event.wall_time, &unpacked->wall_time, sizeof (double)) == 0);
  g_assert (view->event.step == unpacked->step && view->event.what_case == unpacked->what_case);
  a = view->event.graph_execution_trace;
  b = unpacked->graph_execution_trace;
  g_assert (strcmp (a->tfdbg_context_id, b->tfdbg_context_id) == 0 &&
            strcmp (a->op_name, b->op_name) == 0 && strcmp (a->device_name, b->device_name) == 0);
  g_assert (a->output_slot == b->output_slot && a->tensor_debug_mode == b->tensor_debug_mode);
  g_assert ((a->tensor_proto == NULL) == (b->tensor_proto == NULL));
  if (a->tensor_proto != NULL)
    check_same_tensor (a->tensor_proto, b->tensor_proto);
  agviz_tf__debug_event__free_unpacked (unpacked, NULL);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_auto(AgvizExecutionTraceView) view;
  gsize at = 0;

  _agviz_execution_trace_view_init (&view);
  /* TFRecord: length (8 bytes), its CRC (4), the record, the record's CRC (4). */
  while (size - at >= 16)
    {
      guint64 length;

      memcpy (&length, data + at, 8);
      length = GUINT64_FROM_LE (length);
      if (length > size - at - 16)
        break;
      check_event (&view, data + at + 12, (gsize) length);
      at += 16 + (gsize) length;
    }
  if (at != size)
    check_event (&view, data, size);
  return 0;
}
