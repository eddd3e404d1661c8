/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-records.h: the plain records a trace file holds
 *
 * The store returns them (owned by the caller, freed with their _free function) and the recorder
 * takes some of them as input (borrowed; `id` and names of other ids are ignored there).
 * Id fields use 0 for "none", like the trace file itself.  Counts use -1 for "unknown".
 */
#pragma once

#include <glib.h>

#include "agviz-version-macros.h"

G_BEGIN_DECLS

typedef enum
{
  AGVIZ_TRACE_STATUS_RECORDING,   /* begun, end not recorded (still running, or the recorder died) */
  AGVIZ_TRACE_STATUS_COMPLETE,    /* the function traced without error */
  AGVIZ_TRACE_STATUS_FAILED,      /* tracing raised (for example the non-first-call variable error) */
} AgvizTraceStatus;

typedef enum
{
  AGVIZ_EVENT_VARIABLE_CREATED,
  AGVIZ_EVENT_RETRACE,
  AGVIZ_EVENT_SIDE_EFFECT,
  AGVIZ_EVENT_WARNING,
  AGVIZ_EVENT_GRAPH_BREAK,        /* a staging framework split the function (torch.compile) */
  AGVIZ_EVENT_COMPILE,            /* a compilation and how long it took (torch, JAX) */
  AGVIZ_EVENT_GUARDS,             /* the conditions under which a compiled trace is reused */
} AgvizEventKind;

#define AGVIZ_EVENT_KIND_LAST AGVIZ_EVENT_GUARDS

typedef enum
{
  AGVIZ_ERROR_ORIGIN_PROGRAM,     /* raised by the recorded program (a Python exception) */
  AGVIZ_ERROR_ORIGIN_IMPORTER,    /* a problem agviz met while importing a source */
} AgvizErrorOrigin;

/* One tracing of a function: a concrete graph. */
typedef struct
{
  gint64            id;
  gint64            function_id;
  int               ordinal;          /* 1 for the function's first trace */
  char             *graph_name;       /* e.g. "__inference_f_123" */
  char             *signature;        /* input signature, as text */
  char             *reason;           /* why it was traced */
  AgvizTraceStatus  status;
  gint64            started_ns;       /* wall clock, ns since the Unix epoch; 0 unknown */
  gint64            wall_ns;          /* how long tracing took; 0 unknown */
  gint64            root_scope_id;
  gint64            node_count;
  gint64            edge_count;
  gint64            execution_count;
  gint64            object;           /* the Python object whose tf.function made it, 0 unknown */
  char             *call_signature;   /* how Python calls it ("(x: float32[?,4])"), NULL unknown */
} AgvizTrace;

/* A staged Python function (or a bare graph) and its traces in order. */
typedef struct
{
  gint64     id;
  char      *name;                    /* Python qualname */
  char      *file;                    /* defining file, NULL when unknown */
  int        line;                    /* defining line, 0 when unknown */
  GPtrArray *traces;                  /* AgvizTrace, by ordinal */
  gint64     object_id;               /* the AgvizObject it is in the module tree, 0 none */
} AgvizFunction;

/* A node of the module tree (a tf.Module or Keras layer object, or the function it holds). */
typedef struct
{
  gint64  id;
  gint64  parent_id;                  /* 0 for a root */
  char   *name;                       /* local name under the parent ("encoder", "__call__") */
  char   *kind;                       /* what the source says it is ("function", ...), "" unknown */
} AgvizObject;

/* A name scope of one trace, with the counts the graph view needs before expanding it. */
typedef struct
{
  gint64  id;
  gint64  trace_id;
  gint64  parent_id;                  /* 0 for the trace's root scope */
  char   *name;                       /* local name: "attention" */
  char   *full_name;                  /* "model/encoder/layer_7/attention"; "" for the root */
  gint64  node_count;                 /* nodes directly inside */
  gint64  descendant_count;           /* nodes anywhere below */
} AgvizScope;

typedef struct
{
  gint64    id;
  gint64    trace_id;
  gint64    scope_id;
  char     *name;                     /* full scoped name: "model/dense/MatMul" */
  char     *op_type;
  char     *device;                   /* NULL when not placed */
  gint64    stack_id;                 /* creation stack, 0 when unknown */
  GVariant *attrs;                    /* a{sv}, NULL when none */
} AgvizNode;

/* A data edge (src_output >= 0) or a control edge (src_output == -1).  dst_input is the position
 * in the consumer's input list, so a node's inputs come back in the order the graph lists them. */
typedef struct
{
  gint64 src_node_id;
  int    src_output;
  gint64 dst_node_id;
  int    dst_input;
} AgvizEdge;

typedef struct
{
  gint64  id;
  gint64  file_id;
  char   *host;                       /* "" when unknown */
  char   *file;
  int     line;
  int     column;
  char   *function;
  char   *source_line;                /* that line of the captured source, NULL when not captured */
} AgvizFrame;

typedef struct
{
  gint64   id;
  gint64   seq;                       /* order of the call in the program */
  gint64   trace_id;                  /* a tf.function call: the trace that ran ... */
  char    *op_type;                   /* ... or an eager op: its type (exactly one is set) */
  char    *device;
  gint64   start_ns;
  gint64   duration_ns;
  gboolean failed;
  gint64   stack_id;
} AgvizExecution;

/* Tensor health from one execution of a node (or of an eager op's output). */
typedef struct
{
  gint64   id;
  gint64   execution_id;
  gint64   node_id;
  int      output_slot;
  int      debug_mode;                /* tfdbg2 TensorDebugMode, 0 when not from tfdbg2 */
  char    *dtype;
  char    *shape;                     /* "[2,3]", "[?,3]", NULL unknown */
  gint64   element_count;
  gint64   nan_count;
  gint64   neg_inf_count;
  gint64   pos_inf_count;
  gint64   neg_finite_count;
  gint64   zero_count;
  gint64   pos_finite_count;
  gboolean has_range;                 /* min, max and mean are known */
  double   min;
  double   max;
  double   mean;
} AgvizTensorSummary;

typedef struct
{
  gint64          id;
  AgvizEventKind  kind;
  gint64          wall_ns;
  gint64          function_id;
  gint64          trace_id;
  gint64          node_id;
  gint64          execution_id;
  gint64          stack_id;
  char           *message;
  char           *detail;
} AgvizEvent;

typedef struct
{
  gint64            id;
  AgvizErrorOrigin  origin;
  gint64            wall_ns;
  char             *type;             /* "ValueError" */
  char             *message;
  char             *traceback;        /* the raw traceback text, NULL when none */
  gint64            function_id;
  gint64            trace_id;
  gint64            execution_id;
  gint64            node_id;
  gint64            stack_id;
} AgvizRecordedError;

/* A source file frames point into. */
typedef struct
{
  gint64    id;
  char     *host;                     /* "" when unknown */
  char     *path;                     /* as recorded, on the recording machine */
  char     *sha256;                   /* lowercase hex of the file that ran, NULL when not recorded */
  gboolean  has_text;                 /* its text was captured into the trace file */
} AgvizSourceFile;

AGVIZ_AVAILABLE_IN_ALL
void         agviz_source_file_free        (AgvizSourceFile    *file);
AGVIZ_AVAILABLE_IN_ALL
void         agviz_trace_free              (AgvizTrace         *trace);
AGVIZ_AVAILABLE_IN_ALL
void         agviz_function_free           (AgvizFunction      *function);
AGVIZ_AVAILABLE_IN_ALL
void         agviz_object_free             (AgvizObject        *object);
AGVIZ_AVAILABLE_IN_ALL
void         agviz_scope_free              (AgvizScope         *scope);
AGVIZ_AVAILABLE_IN_ALL
void         agviz_node_free               (AgvizNode          *node);
AGVIZ_AVAILABLE_IN_ALL
void         agviz_frame_free              (AgvizFrame         *frame);
AGVIZ_AVAILABLE_IN_ALL
void         agviz_execution_free          (AgvizExecution     *execution);
AGVIZ_AVAILABLE_IN_ALL
void         agviz_tensor_summary_free     (AgvizTensorSummary *summary);
AGVIZ_AVAILABLE_IN_ALL
void         agviz_event_free              (AgvizEvent         *event);
AGVIZ_AVAILABLE_IN_ALL
void         agviz_recorded_error_free     (AgvizRecordedError *error);

/* Sets every count to -1 ("unknown") and everything else to zero. */
AGVIZ_AVAILABLE_IN_ALL
void         agviz_tensor_summary_init     (AgvizTensorSummary *summary);

AGVIZ_AVAILABLE_IN_ALL
const char  *agviz_trace_status_to_string  (AgvizTraceStatus    status);
/**
 * agviz_trace_status_from_string:
 * @status: (out): where the value read goes
 */
AGVIZ_AVAILABLE_IN_ALL
gboolean     agviz_trace_status_from_string (const char        *text,
                                             AgvizTraceStatus  *status);
AGVIZ_AVAILABLE_IN_ALL
const char  *agviz_event_kind_to_string    (AgvizEventKind      kind);
/**
 * agviz_event_kind_from_string:
 * @kind: (out): where the value read goes
 */
AGVIZ_AVAILABLE_IN_ALL
gboolean     agviz_event_kind_from_string  (const char         *text,
                                            AgvizEventKind     *kind);
AGVIZ_AVAILABLE_IN_ALL
const char  *agviz_error_origin_to_string  (AgvizErrorOrigin    origin);
/**
 * agviz_error_origin_from_string:
 * @origin: (out): where the value read goes
 */
AGVIZ_AVAILABLE_IN_ALL
gboolean     agviz_error_origin_from_string (const char        *text,
                                             AgvizErrorOrigin  *origin);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizTrace, agviz_trace_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizFunction, agviz_function_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizScope, agviz_scope_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizNode, agviz_node_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizFrame, agviz_frame_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizExecution, agviz_execution_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizTensorSummary, agviz_tensor_summary_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizEvent, agviz_event_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizRecordedError, agviz_recorded_error_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizSourceFile, agviz_source_file_free)

G_END_DECLS
