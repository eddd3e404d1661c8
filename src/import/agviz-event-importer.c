/* agviz-event-importer.c: TensorBoard event files, log directories and RunMetadata */
#define G_LOG_DOMAIN "agviz-event-importer"

#include "config.h"

#include "agviz-importer-private.h"

gboolean
_agviz_import_run_metadata (AgvizImportContext          *ctx,
                            AgvizGraphImporter          *graphs,
                            const AgvizTf__RunMetadata  *run_metadata,
                            const char                  *label,
                            gint64                       graph_trace_id,
                            gint64                       wall_ns,
                            GError                     **error)
{
  return TRUE;
}

gboolean
_agviz_import_event_file (AgvizImportContext *ctx,
                          const char         *path,
                          const char         *run_name,
                          GError            **error)
{
  return TRUE;
}

gboolean
_agviz_import_log_dir (AgvizImportContext *ctx,
                       const char         *path,
                       GError            **error)
{
  return TRUE;
}
