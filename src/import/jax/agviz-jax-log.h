/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-jax-log.h: the log records of jax_explain_cache_misses and jax_log_compiles
 *
 * Reads the text JAX logs with those options on, as `agviz record`'s hook writes it (one record
 * per `LEVEL:LOGGER:MESSAGE` line, continuation lines as JAX wrote them) and as users paste it
 * (bare messages, `WARNING:absl:` and `WARNING:DATE:LOGGER:LINE:` prefixes), in every wording
 * since 2024: "TRACING CACHE MISS at SITE [costing N ms] because:" with "never seen function",
 * "for F defined at", "never seen input type signature" / "closest seen ..." / "seen A, but now
 * given B" (2024), "all previously seen cache keys are different" / "differ" with "now B and
 * before A" (2025 on), pytree, static-argument and tracing-context differences; "Finished
 * tracing [+ transforming] F for jit|pjit in S sec", "Compiling F ...", "Finished jaxpr to MLIR
 * module conversion jit(F) in S sec" and "Finished XLA compilation of [jit(]F[)] in S sec".
 * Lines that are none of these are skipped.  Pure text processing.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  AGVIZ_JAX_LOG_CACHE_MISS,     /* a tracing cache miss and its explanation */
  AGVIZ_JAX_LOG_TRACED,         /* "Finished tracing ... in S sec" */
  AGVIZ_JAX_LOG_COMPILING,      /* "Compiling F ..." with the argument types */
  AGVIZ_JAX_LOG_LOWERED,        /* "Finished jaxpr to MLIR module conversion" */
  AGVIZ_JAX_LOG_COMPILED,       /* "Finished XLA compilation of ..." */
} AgvizJaxLogKind;

typedef struct
{
  AgvizJaxLogKind  kind;
  guint            line;              /* 1-based line of the record's first line */
  char            *function;          /* the function it is about: "f" (jit(f) unwrapped) */
  /* CACHE_MISS */
  char            *callsite_file;     /* where the call that missed is, NULL when not said */
  int              callsite_line;
  int              callsite_column;   /* 0 when not said */
  char            *defined_file;      /* where the function is defined, NULL when not said */
  int              defined_line;
  gboolean         never_seen;        /* "never seen function": its first trace */
  gboolean         redefined;         /* "...seen another function defined on the same line" */
  double           cost_ms;           /* "costing N ms", -1 when not said */
  char            *summary;           /* what changed, one line: "x: f32[2] -> f32[3]" */
  char            *text;              /* the whole record, log prefixes removed */
  /* TRACED, LOWERED, COMPILED */
  double           seconds;
  /* COMPILING: the argument types as printed */
  char            *signature;
} AgvizJaxLogRecord;

/* The records of @length bytes of @text read from @path (named in errors), in order; NULL with
 * @error (AGVIZ_IMPORT_ERROR, "PATH:LINE: ...") on text that is not such a log: binary bytes, a
 * cache miss that names no function, a duration that is no number. */
GPtrArray *_agviz_jax_log_parse (const char  *path,
                                 const char  *text,
                                 gsize        length,
                                 GError     **error);

G_END_DECLS
