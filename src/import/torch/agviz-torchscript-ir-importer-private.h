/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-torchscript-ir-importer-private.h: TorchScript IR text's import backend
 *
 * agviz-torchscript-ir-importer.c reads the text `print(scripted_or_traced.graph)` shows into
 * traces, with traced module scopes and source ranges.
 */
#pragma once

#include "agviz-import-backend.h"

G_BEGIN_DECLS

extern const AgvizImportBackend _agviz_torchscript_ir_import_backend;

G_END_DECLS
