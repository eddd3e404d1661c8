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

/* One StableHLO module of a jax_dump_ir_to folder, read as one trace of a jitted function. */
typedef struct
{
  gint64      function_id;    /* the function its @main (else its first function) traces */
  const char *function_name;  /* that function's name: the regions of @main are named after it */
  const char *graph_prefix;   /* its functions' graphs are "SYMBOL (PREFIX)": unique in the file */
  const char *signature;      /* nullable: the trace's input signature */
  const char *reason;         /* nullable: why it was traced */
  gint64      started_ns;     /* 0: unknown */
  gint64      wall_ns;        /* how long tracing took, 0: unknown */
  gint64      trace_id;       /* set on success: the trace made from @main */
} AgvizMlirDumpTrace;

/* agviz-mlir-importer.c: imports the module in @path as @dump says; the module's other
 * functions (private helpers) become functions of their own, their calls resolved. */
gboolean _agviz_mlir_import_dump (AgvizImportContext  *ctx,
                                  const char          *path,
                                  AgvizMlirDumpTrace  *dump,
                                  GError             **error);

/* agviz-mlir-importer.c: imports MLIR text of any dialect, each function a trace. */
gboolean _agviz_mlir_import_file (AgvizImportContext  *ctx,
                                  const char          *path,
                                  GError             **error);

/* agviz-mlir-importer.c: whether @path (its first @length bytes @head) is MLIR text. */
AgvizSourceFormat _agviz_mlir_recognise_file (const char *path,
                                              const char *head,
                                              gsize       length);

G_END_DECLS
