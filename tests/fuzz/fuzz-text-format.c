/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-text-format.c: the descriptor-driven text parser and printer */
#include "config.h"

#include "agviz-proto-decoder.h"
#include "agviz-text-format.h"
#include "agviz-tf-graph.pb-c.h"
#include "agviz-tf-saved-model.pb-c.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const ProtobufCMessageDescriptor *const descriptors[] = {
    &agviz_tf__graph_def__descriptor,
    &agviz_tf__saved_model__descriptor,
    &agviz_tf__graph_debug_info__descriptor,
  };

  for (guint i = 0; i < G_N_ELEMENTS (descriptors); i++)
    {
      ProtobufCMessage *message = agviz_text_format_decode (descriptors[i], (const char *) data,
                                                            size, "fuzz", NULL);
      if (message != NULL)
        {
          g_autoptr(GString) printed = g_string_new (NULL);
          agviz_text_format_print (message, printed);
          agviz_proto_free (message);
        }
    }
  return 0;
}
