/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-torch-logs-importer-private.h: the backend of torch.compile's log text
 *
 * What TORCH_LOGS=recompiles,graph_breaks prints (agviz-torch-logs-importer.c): recompiles,
 * graph breaks, the recompile limit and TracerWarnings as events of the compiled frames.
 */
#pragma once

#include "agviz-import-backend.h"

G_BEGIN_DECLS

extern const AgvizImportBackend _agviz_torch_logs_import_backend;

G_END_DECLS
