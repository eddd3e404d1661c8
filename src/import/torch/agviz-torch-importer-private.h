/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-torch-importer-private.h: PyTorch's import backend
 *
 * torch.compile writes TORCH_TRACE structured logs (TORCH_TRACE=DIR: one
 * dedicated_log_torch_trace_*.log per process); agviz-torch-trace-importer.c reads a log or a
 * directory of them into functions (compiled frames), traces (compile ids), graphs (the FX code
 * of dynamo's output graphs, read by agviz-fx-code.c), events and errors.
 */
#pragma once

#include "agviz-import-backend.h"

G_BEGIN_DECLS

extern const AgvizImportBackend _agviz_torch_import_backend;

G_END_DECLS
