/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-proto.c: every top-level message agviz unpacks, through the wire check and the bounded
 * allocator */
#include "config.h"

#include "agviz-proto-decoder.h"
#include "agviz-tf-debug-event.pb-c.h"
#include "agviz-tf-graph.pb-c.h"
#include "agviz-tf-saved-model.pb-c.h"
#include "agviz-tf-summary.pb-c.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const ProtobufCMessageDescriptor *const descriptors[] = {
    &agviz_tf__graph_def__descriptor,
    &agviz_tf__saved_model__descriptor,
    &agviz_tf__meta_graph_def__descriptor,
    &agviz_tf__run_metadata__descriptor,
    &agviz_tf__event__descriptor,
    &agviz_tf__debug_event__descriptor,
    &agviz_tf__graph_debug_info__descriptor,
  };

  for (guint i = 0; i < G_N_ELEMENTS (descriptors); i++)
    agviz_proto_free (agviz_proto_decode (descriptors[i], data, size, "fuzz", NULL));
  return 0;
}
