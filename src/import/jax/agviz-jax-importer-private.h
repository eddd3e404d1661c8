/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-jax-importer-private.h: JAX's import backend
 *
 * JAX stages a jax.jit function into StableHLO, MLIR text with `loc()` locations
 * (`jax.jit(f).lower(*args).as_text(debug_info=True)`, the files `jax_dump_ir_to` writes).
 * agviz-mlir-importer.c reads that text, and MLIR text of any dialect, into traces.
 */
#pragma once

#include "agviz-import-backend.h"

G_BEGIN_DECLS

extern const AgvizImportBackend _agviz_jax_import_backend;

G_END_DECLS
