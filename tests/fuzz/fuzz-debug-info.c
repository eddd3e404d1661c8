/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-debug-info.c: GraphDebugInfo in both layouts, resolved into recorder stacks */
#include "config.h"

#include <unistd.h>
#include <glib/gstdio.h>

#include "agviz-debug-info.h"
#include "agviz-proto-decoder.h"
#include "agviz-text-format.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static AgvizRecorder *recorder;

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const char *const keys[] = { "x", "a/b", "node", "" };
  AgvizTf__GraphDebugInfo *info;

  if (recorder == NULL)
    {
      g_autofree char *path = g_build_filename (g_get_tmp_dir (), "agviz-fuzz-debug-info.db",
                                                NULL);
      g_remove (path);
      recorder = agviz_recorder_open (path, NULL);
      g_assert (recorder != NULL);
    }

  info = (AgvizTf__GraphDebugInfo *) agviz_proto_decode (&agviz_tf__graph_debug_info__descriptor,
                                                         data, size, "fuzz", NULL);
  if (info == NULL)
    info = (AgvizTf__GraphDebugInfo *)
      agviz_text_format_decode (&agviz_tf__graph_debug_info__descriptor, (const char *) data,
                                size, "fuzz", NULL);
  if (info == NULL)
    return 0;

  {
    g_autoptr(AgvizDebugInfo) debug_info = agviz_debug_info_new (info, NULL);

    /* Keys named by the input itself, and a few fixed ones. */
    for (gsize i = 0; i < info->n_traces && i < 16; i++)
      agviz_debug_info_get_stack (debug_info, recorder, info->traces[i]->key, NULL, NULL);
    for (gsize i = 0; i < info->n_name_to_trace_id && i < 16; i++)
      agviz_debug_info_get_stack (debug_info, recorder, info->name_to_trace_id[i]->key, NULL,
                                  NULL);
    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      agviz_debug_info_get_stack (debug_info, recorder, keys[i], "f", NULL);
  }
  return 0;
}
