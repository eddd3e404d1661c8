/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-pt2-backend.c: ONNX models, .pt2 programs and TorchScript IR text as one backend */
#define G_LOG_DOMAIN "agviz-import"

#include "config.h"

#include "agviz-pt2-backend-private.h"

/* Each recogniser claims only its own format: the order does not matter. */
static AgvizSourceFormat
recognise_file (const char *path,
                const char *head,
                gsize       length)
{
  AgvizSourceFormat format = _agviz_onnx_recognise_file (path, head, length);

  if (format == AGVIZ_SOURCE_FORMAT_UNKNOWN)
    format = _agviz_pt2_recognise_file (path, head, length);
  if (format == AGVIZ_SOURCE_FORMAT_UNKNOWN)
    format = _agviz_torchscript_ir_recognise_file (path, head, length);
  return format;
}

static gboolean
import_source (AgvizImportContext  *ctx,
               const char          *path,
               AgvizSourceFormat    format,
               GError             **error)
{
  switch (format)
    {
    case AGVIZ_SOURCE_FORMAT_ONNX_MODEL:
      return _agviz_onnx_import (ctx, path, error);
    case AGVIZ_SOURCE_FORMAT_TORCH_EXPORT:
      return _agviz_pt2_import (ctx, path, error);
    case AGVIZ_SOURCE_FORMAT_TORCHSCRIPT_IR:
      return _agviz_torchscript_ir_import (ctx, path, error);
    default:
      g_assert_not_reached ();
    }
}

static const AgvizImportFormatName format_names[] = {
  { AGVIZ_SOURCE_FORMAT_ONNX_MODEL, "ONNX model" },
  { AGVIZ_SOURCE_FORMAT_TORCH_EXPORT, "torch.export program (.pt2)" },
  { AGVIZ_SOURCE_FORMAT_TORCHSCRIPT_IR, "TorchScript IR text" },
  { AGVIZ_SOURCE_FORMAT_UNKNOWN, NULL },
};

const AgvizImportBackend _agviz_pytorch_files_import_backend = {
  .framework = "PyTorch",
  .formats = format_names,
  .looks_for_in_directories = NULL,
  .tries_on_files = "ONNX models (.onnx files, and binary ModelProtos), torch.export programs "
                    "(.pt2 archives) and TorchScript IR text (starting with graph(%...)",
  .recognise_directory = NULL,
  .recognise_file = recognise_file,
  .import = import_source,
};
