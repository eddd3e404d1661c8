/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-error-cause.h: what a parsed error text says happened, and what to do
 *
 * Known causes are recognised from the text's own evidence only (the function a warning names,
 * the defining frame's code line, the node and the numbers in the message); a text with none of
 * them gets a plain account of its kind, never a guess.
 */
#pragma once

#include "agviz-error-text.h"

G_BEGIN_DECLS

typedef enum
{
  AGVIZ_ERROR_CAUSE_NONE,                    /* no known cause: what_happened describes the kind */
  AGVIZ_ERROR_CAUSE_KERAS_RETRACING,         /* Keras's predict/train/test function retraced */
  AGVIZ_ERROR_CAUSE_RETRACING,               /* a user tf.function retraced */
  AGVIZ_ERROR_CAUSE_KERAS_VARIABLE,          /* a variable created in a layer's call, a loss, a metric */
  AGVIZ_ERROR_CAUSE_VARIABLE,                /* a variable created on a non-first trace */
  AGVIZ_ERROR_CAUSE_TENSOR_AS_BOOL,          /* a tf.Tensor used as a Python bool */
  AGVIZ_ERROR_CAUSE_AUTOGRAPH_TRANSFORM,     /* AutoGraph could not convert a function */
  AGVIZ_ERROR_CAUSE_OUT_OF_MEMORY,           /* OOM when allocating a tensor */
  AGVIZ_ERROR_CAUSE_LABEL_OUT_OF_RANGE,      /* a sparse label outside [0, classes) */
  AGVIZ_ERROR_CAUSE_JAX_CONCRETIZATION,      /* a JAX tracer where Python needs a value */
  AGVIZ_ERROR_CAUSE_JAX_TRACER_BOOL,         /* a JAX tracer used as a Python bool */
  AGVIZ_ERROR_CAUSE_JAX_TRACER_INTEGER,      /* a JAX tracer used as a Python int or index */
  AGVIZ_ERROR_CAUSE_JAX_LEAKED_TRACER,       /* a JAX tracer saved and used after its trace */
  AGVIZ_ERROR_CAUSE_TORCH_RECOMPILE,         /* torch.compile recompiled (a guard failed), or
                                              * hit its recompile limit */
  AGVIZ_ERROR_CAUSE_TORCH_GRAPH_BREAK,       /* dynamo broke the graph at a line */
  AGVIZ_ERROR_CAUSE_TORCH_UNTRACEABLE,       /* dynamo or torch.export could not trace a line
                                              * and could not break the graph there */
  AGVIZ_ERROR_CAUSE_FROZEN_VALUE,            /* torch.jit.trace froze a tensor's Python value */
  AGVIZ_ERROR_CAUSE_EXPORT_CONSTRAINT,       /* torch.export: a dynamic dimension specialised */
} AgvizErrorCauseKind;

typedef struct
{
  AgvizErrorCauseKind  kind;
  char                *what_happened;        /* NULL only for UNKNOWN texts */
  GPtrArray           *evidence;             /* utf8: what in the text shows it */
  GPtrArray           *fixes;                /* utf8: one per way out, most likely first */
} AgvizErrorCause;

/* Never NULL (transfer full). */
AgvizErrorCause *agviz_error_cause_find           (const AgvizErrorText *text);
void             agviz_error_cause_free           (AgvizErrorCause      *self);
const char      *agviz_error_cause_kind_to_string (AgvizErrorCauseKind   kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizErrorCause, agviz_error_cause_free)

G_END_DECLS
