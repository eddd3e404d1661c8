/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-execution-trace-view.c: GraphExecutionTrace events read off the wire, checked against
 * protobuf-c
 *
 * The input is a tfdbg2 file (TFRecord framing, CRCs not checked: every record is an input) or,
 * when its framing does not hold, one bare DebugEvent.  Whatever the view takes, protobuf-c must
 * unpack to the same event; a difference aborts.
 */
#include "config.h"

#include <string.h>

#include "../import/execution-trace-view-check.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

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
      execution_trace_view_agrees (&view, data + at + 12, (gsize) length);
      at += 16 + (gsize) length;
    }
  if (at != size)
    execution_trace_view_agrees (&view, data, size);
  return 0;
}
