/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-pt2-backend-private.h: the import backend of the files PyTorch users save
 *
 * One backend (agviz-pt2-backend.c) for three formats, each read by a file of its own: ONNX
 * models (agviz-onnx-importer.c, either torch.onnx exporter), torch.export programs in .pt2
 * archives (agviz-pt2-importer.c) and TorchScript IR text (agviz-torchscript-ir-importer.c).
 * Each recogniser and importer follows AgvizImportBackend's rules.
 */
#pragma once

#include "agviz-import-backend.h"

G_BEGIN_DECLS

extern const AgvizImportBackend _agviz_pytorch_files_import_backend;

AgvizSourceFormat _agviz_onnx_recognise_file           (const char          *path,
                                                        const char          *head,
                                                        gsize                length);
gboolean          _agviz_onnx_import                   (AgvizImportContext  *ctx,
                                                        const char          *path,
                                                        GError             **error);

AgvizSourceFormat _agviz_pt2_recognise_file            (const char          *path,
                                                        const char          *head,
                                                        gsize                length);
gboolean          _agviz_pt2_import                    (AgvizImportContext  *ctx,
                                                        const char          *path,
                                                        GError             **error);

AgvizSourceFormat _agviz_torchscript_ir_recognise_file (const char          *path,
                                                        const char          *head,
                                                        gsize                length);
gboolean          _agviz_torchscript_ir_import         (AgvizImportContext  *ctx,
                                                        const char          *path,
                                                        GError             **error);

G_END_DECLS
