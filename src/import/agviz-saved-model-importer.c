/* agviz-saved-model-importer.c: SavedModel directories */
#define G_LOG_DOMAIN "agviz-saved-model-importer"

#include "config.h"

#include "agviz-importer-private.h"

gboolean
_agviz_import_saved_model (AgvizImportContext *ctx,
                           const char         *path,
                           GError            **error)
{
  return TRUE;
}
