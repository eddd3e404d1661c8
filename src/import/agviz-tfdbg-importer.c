/* agviz-tfdbg-importer.c: tfdbg2 dump directories */
#define G_LOG_DOMAIN "agviz-tfdbg-importer"

#include "config.h"

#include "agviz-importer-private.h"

gboolean
_agviz_import_tfdbg_dump (AgvizImportContext *ctx,
                          const char         *path,
                          GError            **error)
{
  return TRUE;
}
