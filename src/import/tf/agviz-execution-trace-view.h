/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-execution-trace-view.h: a GraphExecutionTrace DebugEvent read straight off the wire
 * (private to the importers)
 *
 * A tfdbg2 dump of a training loop is mostly GraphExecutionTrace events, one per op per step:
 * unpacking each through protobuf-c (check, arena, unpack) was a quarter of the import.  The
 * plain form tfdbg2 writes (the trace's strings, slot and mode, a TensorProto of dtype, shape of
 * sized dims, tensor_content or packed float/double values) is read here into ordinary
 * protobuf-c structs that point into the view and the record; anything else (another field, a
 * field twice, another wire type) is left to protobuf-c, which then decides as before.
 */
#pragma once

#include <glib.h>

#include "agviz-tf-debug-event.pb-c.h"

G_BEGIN_DECLS

#define AGVIZ_EXECUTION_TRACE_VIEW_MAX_DIMS 8

typedef struct
{
  AgvizTf__DebugEvent               event;
  AgvizTf__GraphExecutionTrace      trace;
  AgvizTf__TensorProto              tensor;
  AgvizTf__TensorShapeProto         shape;
  AgvizTf__TensorShapeProto__Dim    dims[AGVIZ_EXECUTION_TRACE_VIEW_MAX_DIMS];
  AgvizTf__TensorShapeProto__Dim   *dim_pointers[AGVIZ_EXECUTION_TRACE_VIEW_MAX_DIMS];
  GString                          *strings;   /* the trace's strings, NUL-terminated */
  GArray                           *values;    /* float_val or double_val, aligned */
} AgvizExecutionTraceView;

void      _agviz_execution_trace_view_init  (AgvizExecutionTraceView *view);
void      _agviz_execution_trace_view_clear (AgvizExecutionTraceView *view);

/* TRUE when @data (a whole DebugEvent) is a GraphExecutionTrace in the plain form: view->event
 * is then that event, as protobuf-c would unpack it, valid until the next read or @data goes.
 * FALSE for anything else, also damaged bytes: unpack those as usual. */
gboolean  _agviz_execution_trace_view_read  (AgvizExecutionTraceView *view,
                                             const guint8            *data,
                                             gsize                    length);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AgvizExecutionTraceView, _agviz_execution_trace_view_clear)

G_END_DECLS
