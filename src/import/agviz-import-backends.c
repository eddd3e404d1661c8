/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-import-backends.c: the frameworks agviz imports from, in the order they are asked
 *
 * The first backend that recognises a source imports it.
 */
#include "config.h"

#include "agviz-import-backend.h"
#include "agviz-jax-importer-private.h"
#include "agviz-pt2-backend-private.h"
#include "agviz-tf-importer-private.h"
#include "agviz-torch-importer-private.h"
#include "agviz-torch-logs-importer-private.h"

const AgvizImportBackend *const _agviz_import_backends[] = {
  &_agviz_tf_import_backend,
  &_agviz_jax_import_backend,
  &_agviz_torch_import_backend,
  &_agviz_torch_logs_import_backend,
  &_agviz_pytorch_files_import_backend,
  NULL,
};
