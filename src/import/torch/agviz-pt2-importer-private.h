/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-pt2-importer-private.h: torch.export's import backend
 *
 * agviz-pt2-importer.c reads the ExportedProgram of a .pt2 archive (torch.export.save) into
 * traces, with its module stacks as scopes and its tracebacks as stacks.
 */
#pragma once

#include "agviz-import-backend.h"

G_BEGIN_DECLS

extern const AgvizImportBackend _agviz_pt2_import_backend;

G_END_DECLS
