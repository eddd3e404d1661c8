/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-import-error.h: why an import failed, one error domain for every importer */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AGVIZ_IMPORT_ERROR (agviz_import_error_quark ())

typedef enum
{
  AGVIZ_IMPORT_ERROR_UNKNOWN_FORMAT,    /* no importer recognised the source */
  AGVIZ_IMPORT_ERROR_NOTHING,           /* a recognised source (or directory) with nothing to import */
  AGVIZ_IMPORT_ERROR_CORRUPT,           /* a checksum (TFRecord CRC32C) does not match */
  AGVIZ_IMPORT_ERROR_TRUNCATED,         /* cut short where that cannot be tolerated */
  AGVIZ_IMPORT_ERROR_PARSE,             /* a protobuf message does not parse */
  AGVIZ_IMPORT_ERROR_SYNTAX,            /* a text-format syntax error (FILE:LINE:COLUMN) */
  AGVIZ_IMPORT_ERROR_LIMIT,             /* too deep, too large: refused to protect memory */
  AGVIZ_IMPORT_ERROR_IO,                /* the source cannot be read */
  AGVIZ_IMPORT_ERROR_CANCELLED,         /* stopped by the caller */
  AGVIZ_IMPORT_ERROR_MISSING,           /* no such file or directory */
} AgvizImportError;

GQuark agviz_import_error_quark (void);

G_END_DECLS
