/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-diagnostic.h: one finding about a trace file, as data
 *
 * `agviz check` prints a list of these and the GUI binds the same GListModel; neither builds
 * its own text from the trace file.  A diagnostic is immutable once the checker hands it out.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  AGVIZ_DIAGNOSTIC_SEVERITY_NOTE,
  AGVIZ_DIAGNOSTIC_SEVERITY_WARNING,
  AGVIZ_DIAGNOSTIC_SEVERITY_ERROR,
} AgvizDiagnosticSeverity;

/* The classic staging mistakes (docs/AUTOGRAPH.md for tf.function; the same classes in
 * torch.compile and jax.jit), in the order `agviz check` lists them. */
typedef enum
{
  AGVIZ_DIAGNOSTIC_KIND_VARIABLE_NON_FIRST_TRACE,
  AGVIZ_DIAGNOSTIC_KIND_RETRACING,
  AGVIZ_DIAGNOSTIC_KIND_FROZEN_VALUE,
  AGVIZ_DIAGNOSTIC_KIND_TRACE_TIME_SIDE_EFFECT,
  AGVIZ_DIAGNOSTIC_KIND_NAN_INF,
  AGVIZ_DIAGNOSTIC_KIND_AUTOGRAPH_CONVERSION,
  AGVIZ_DIAGNOSTIC_KIND_GRAPH_BREAK,
  AGVIZ_DIAGNOSTIC_KIND_COMPILE_FAILURE,
  AGVIZ_DIAGNOSTIC_KIND_FUNCTION_REDEFINED,
} AgvizDiagnosticKind;

#define AGVIZ_TYPE_DIAGNOSTIC (agviz_diagnostic_get_type ())
G_DECLARE_FINAL_TYPE (AgvizDiagnostic, agviz_diagnostic, AGVIZ, DIAGNOSTIC, GObject)

const char              *agviz_diagnostic_severity_to_string (AgvizDiagnosticSeverity severity);
gboolean                 agviz_diagnostic_severity_from_string (const char           *text,
                                                                AgvizDiagnosticSeverity *severity);
/* "variable-non-first-trace", "retracing", "frozen-value", "trace-time-side-effect",
 * "nan-inf", "autograph-conversion", "graph-break", "compile-failure", "function-redefined": stable, used in --json and as SARIF rule ids. */
const char              *agviz_diagnostic_kind_to_string     (AgvizDiagnosticKind     kind);

AgvizDiagnostic         *agviz_diagnostic_new                (AgvizDiagnosticSeverity  severity,
                                                              AgvizDiagnosticKind      kind,
                                                              const char              *message);

AgvizDiagnosticSeverity  agviz_diagnostic_get_severity       (AgvizDiagnostic *self);
AgvizDiagnosticKind      agviz_diagnostic_get_kind           (AgvizDiagnostic *self);
const char              *agviz_diagnostic_get_message        (AgvizDiagnostic *self);
/* The function's name and id, 0/NULL when the finding is not about one function. */
const char              *agviz_diagnostic_get_function       (AgvizDiagnostic *self);
gint64                   agviz_diagnostic_get_function_id    (AgvizDiagnostic *self);
gint64                   agviz_diagnostic_get_trace_id       (AgvizDiagnostic *self);
int                      agviz_diagnostic_get_trace_ordinal  (AgvizDiagnostic *self);
gint64                   agviz_diagnostic_get_node_id        (AgvizDiagnostic *self);
const char              *agviz_diagnostic_get_node           (AgvizDiagnostic *self);
/* The source location (recorded path), 0/NULL when unknown, and that line's text. */
const char              *agviz_diagnostic_get_file           (AgvizDiagnostic *self);
int                      agviz_diagnostic_get_line           (AgvizDiagnostic *self);
const char              *agviz_diagnostic_get_source_line    (AgvizDiagnostic *self);
/* What in the trace file shows it, one fact per string (transfer none, never NULL). */
const char * const      *agviz_diagnostic_get_evidence       (AgvizDiagnostic *self);
const char              *agviz_diagnostic_get_fix            (AgvizDiagnostic *self);

/* For the checker, before the diagnostic is handed out. */
void                     agviz_diagnostic_set_function       (AgvizDiagnostic *self,
                                                              gint64           function_id,
                                                              const char      *name);
void                     agviz_diagnostic_set_trace          (AgvizDiagnostic *self,
                                                              gint64           trace_id,
                                                              int              ordinal);
void                     agviz_diagnostic_set_node           (AgvizDiagnostic *self,
                                                              gint64           node_id,
                                                              const char      *name);
void                     agviz_diagnostic_set_location       (AgvizDiagnostic *self,
                                                              const char      *file,
                                                              int              line,
                                                              const char      *source_line);
void                     agviz_diagnostic_add_evidence       (AgvizDiagnostic *self,
                                                              const char      *format,
                                                              ...) G_GNUC_PRINTF (2, 3);
void                     agviz_diagnostic_set_fix            (AgvizDiagnostic *self,
                                                              const char      *fix);

G_END_DECLS
