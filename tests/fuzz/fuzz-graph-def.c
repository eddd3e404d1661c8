/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-graph-def.c: a binary GraphDef read the way large files are, its NodeDefs unpacked one at
 * a time (agviz_graph_importer_add_graph_bytes), with the same bytes also loaded as a
 * GraphDebugInfo whose stacks are checked only when asked for */
#include "config.h"

#include <glib/gstdio.h>

#include "agviz-debug-info.h"
#include "agviz-graph-importer.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static AgvizRecorder *recorder;
static char *debug_path;

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const char *const keys[] = { "x", "a/b", "node", "" };
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(AgvizDebugInfo) debug_info = NULL;
  AgvizGraphImporter *graphs;
  AgvizImportStats stats = { 0 };

  if (recorder == NULL)
    {
      g_autofree char *path = g_build_filename (g_get_tmp_dir (), "agviz-fuzz-graph-def.db",
                                                NULL);
      g_remove (path);
      recorder = agviz_recorder_open (path, NULL);
      g_assert (recorder != NULL);
      debug_path = g_build_filename (g_get_tmp_dir (), "agviz-fuzz-graph-def.debug", NULL);
    }

  /* One batch per input, rolled back: the file stays small however long the campaign. */
  g_assert (agviz_recorder_begin_batch (recorder, NULL));
  if (g_file_set_contents (debug_path, (const char *) data, size, NULL))
    debug_info = agviz_debug_info_load (debug_path, NULL);
  if (debug_info != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      agviz_debug_info_get_stack (debug_info, recorder, keys[i], NULL, NULL);

  graphs = agviz_graph_importer_new (recorder, &stats, warnings);
  agviz_graph_importer_set_debug_info (graphs, debug_info);
  agviz_graph_importer_add_graph_bytes (graphs, data, size, "fuzz", "fuzz", NULL);
  agviz_graph_importer_free (graphs);
  g_assert (agviz_recorder_rollback_batch (recorder, NULL));
  return 0;
}
