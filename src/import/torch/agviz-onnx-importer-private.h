/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-onnx-importer-private.h: ONNX's import backend
 *
 * agviz-onnx-importer.c reads ONNX models (torch.onnx.export's, either exporter) into traces.
 */
#pragma once

#include "agviz-import-backend.h"

G_BEGIN_DECLS

extern const AgvizImportBackend _agviz_onnx_import_backend;

G_END_DECLS
