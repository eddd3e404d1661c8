/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-tfrecord.c: TFRecord framing and the Event / DebugEvent records inside */
#include "config.h"

#include "agviz-proto-decoder.h"
#include "agviz-tf-debug-event.pb-c.h"
#include "agviz-tf-summary.pb-c.h"
#include "agviz-tfrecord-reader.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);

  for (guint force = 0; force < 2; force++)
    {
      g_autoptr(AgvizTfrecordReader) reader = agviz_tfrecord_reader_new_for_bytes (bytes, "fuzz");
      g_autoptr(GError) error = NULL;
      const guint8 *record;
      gsize length;

      agviz_tfrecord_reader_set_force (reader, force);
      while (agviz_tfrecord_reader_next (reader, &record, &length, &error))
        {
          agviz_proto_free (agviz_proto_decode (&agviz_tf__event__descriptor, record, length,
                                                "event", NULL));
          agviz_proto_free (agviz_proto_decode (&agviz_tf__debug_event__descriptor, record,
                                                length, "debug event", NULL));
        }
    }
  return 0;
}
