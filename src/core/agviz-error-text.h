/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-error-text.h: reading the error messages, tracebacks and warnings users paste
 *
 * Parses text as TensorFlow prints it (see docs/AUTOGRAPH.md and ANCHORS.md 1e), and the
 * generic Python parts of JAX and PyTorch texts: Python tracebacks (with or without their
 * header, IPython's layout included), chained exceptions, graph runtime errors with `{{node
 * name}}` tags, `Node: 'name'` lines, "Detected at node 'x' defined at (most recent call last):"
 * blocks, `[[node x (defined at file:line) ]]` and TF1's `[[Node: x = Op[...](...)]]`, several
 * root errors, "Errors may have originated from an input operation", "Function call stack:",
 * AutoGraph's "in user code:" blocks with frames marked `*`/`**` (current and older layouts),
 * the non-first-call variable ValueError (both wordings), retracing warnings, "AutoGraph could
 * not transform", and Python warnings (`file.py:12: TracerWarning: ...`).  Log prefixes
 * (`WARNING:tensorflow:`, glog, `(pid=...)`, timestamps) are removed and lines wrapped by a
 * terminal are joined first.  Every line that is not structure is kept in a message, so nothing
 * of the text is lost.  Pure text processing: any input, even binary, gives a result, never a
 * crash.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the text is, by the most telling thing in it. */
typedef enum
{
  AGVIZ_ERROR_TEXT_UNKNOWN,                  /* nothing recognised */
  AGVIZ_ERROR_TEXT_PYTHON_EXCEPTION,         /* a Python exception with nothing TF-specific */
  AGVIZ_ERROR_TEXT_GRAPH_RUNTIME,            /* an error raised while a graph ran, naming nodes */
  AGVIZ_ERROR_TEXT_AUTOGRAPH_USER_CODE,      /* an error in converted code ("in user code:") */
  AGVIZ_ERROR_TEXT_VARIABLE_NON_FIRST_CALL,  /* tf.Variable created on a non-first trace */
  AGVIZ_ERROR_TEXT_RETRACING_WARNING,        /* "N out of the last M calls ... retracing" */
  AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM,      /* "AutoGraph could not transform ..." */
  AGVIZ_ERROR_TEXT_PYTHON_WARNING,           /* "file.py:12: SomeWarning: ..." and nothing more */
  AGVIZ_ERROR_TEXT_RECOMPILE_LOG,            /* torch.compile's "Recompiling function f in
                                              * file.py:35" (TORCH_LOGS=recompiles) or its
                                              * recompile limit warning, nothing raised */
} AgvizErrorTextKind;

typedef enum
{
  AGVIZ_ERROR_FRAME_TRACEBACK,               /* "Traceback (most recent call last):" */
  AGVIZ_ERROR_FRAME_USER_CODE,               /* AutoGraph's "in user code:", dynamo's "from user
                                              * code:" block */
  AGVIZ_ERROR_FRAME_NODE_DEFINITION,         /* "Detected at node 'x' defined at" block, or a
                                              * node's "(defined at file:line)" */
  AGVIZ_ERROR_FRAME_WARNING,                 /* the line a Python warning names */
} AgvizErrorFrameSection;

/* TensorFlow's own marks on AutoGraph frames; agviz's defining frame is a separate flag. */
typedef enum
{
  AGVIZ_ERROR_FRAME_MARK_NONE,
  AGVIZ_ERROR_FRAME_MARK_CONVERTED,          /* `*`: a line of converted user code */
  AGVIZ_ERROR_FRAME_MARK_ALLOWLISTED,        /* `**`: the call that entered framework code */
} AgvizErrorFrameMark;

typedef struct
{
  char                   *file;
  int                     line;
  char                   *function;          /* NULL when the text names none */
  char                   *code;              /* the code line printed under it, NULL when none */
  AgvizErrorFrameSection  section;
  AgvizErrorFrameMark     mark;
  char                   *node;              /* NODE_DEFINITION: the node it defines */
  int                     chain;             /* which traceback of a chain: 0 is the first printed */
  char                   *context;           /* IPython's source lines around the code line */
  gboolean                defining;          /* agviz's choice: the frame the error comes from */
} AgvizErrorFrame;

typedef enum
{
  AGVIZ_ERROR_NODE_FAILED,                   /* named by the error as the failing node */
  AGVIZ_ERROR_NODE_INPUT_SOURCE,             /* "Input Source operations connected to node" */
} AgvizErrorNodeRole;

typedef struct
{
  char              *name;
  char              *defined_file;           /* from "(defined at file:line)", else NULL */
  int                defined_line;
  AgvizErrorNodeRole role;
  char              *input_of;               /* INPUT_SOURCE: the node it feeds */
  char              *op_type;                /* TF1's "[[Node: x = Op[...](...)]]": Op */
  char              *definition;             /* TF1's layout: everything after "x = " */
  int                root_error;             /* the "(N)" root error it is in, or -1 */
} AgvizErrorNode;

typedef enum
{
  AGVIZ_ERROR_MESSAGE_EXCEPTION,             /* "Type: message" and the lines after it */
  AGVIZ_ERROR_MESSAGE_WARNING,               /* a warning (retracing, AutoGraph, Python's) */
  AGVIZ_ERROR_MESSAGE_TEXT,                  /* any other lines: log records, prose */
} AgvizErrorMessageKind;

typedef enum
{
  AGVIZ_ERROR_CHAIN_NONE,
  AGVIZ_ERROR_CHAIN_DURING_HANDLING,         /* "During handling of the above exception, ..." */
  AGVIZ_ERROR_CHAIN_DIRECT_CAUSE,            /* "The above exception was the direct cause ..." */
} AgvizErrorChainLink;

/* One message of the text, in text order: every line that is not structure is in one. */
typedef struct
{
  AgvizErrorMessageKind  kind;
  char                  *type;               /* exception class or warning category as printed,
                                              * NULL for TEXT and TF's warnings */
  char                  *text;               /* its lines, newline-separated, prefixes removed */
  int                    chain;              /* EXCEPTION: the traceback it ends */
  AgvizErrorChainLink    link;               /* EXCEPTION: how it follows the one before */
} AgvizErrorMessage;

typedef struct
{
  AgvizErrorTextKind  kind;
  char               *exception_type;        /* as printed: "tensorflow....InvalidArgumentError" */
  char               *message;               /* the rest of the exception's line */
  char               *detail;                /* further message lines ("Incompatible shapes: ..."),
                                              * or the cause inside an "in user code:" block */
  char               *graph_name;            /* from "[Op:__inference_f_12]" or {{function_node}} */
  char               *function;              /* the function a warning names, fully qualified:
                                              * "Model.make_predict_function.<locals>.predict_function" */
  char               *cause;                 /* "Cause: ..." of a transform warning; "" when TF
                                              * printed the word with nothing after it */
  int                 retrace_count;         /* "5 out of the last 6 calls": 5 and 6 */
  int                 retrace_calls;
  GPtrArray          *frames;                /* AgvizErrorFrame, in text order */
  GPtrArray          *nodes;                 /* AgvizErrorNode, first mention first, no repeats */
  /* Added for pasted texts: */
  GPtrArray          *messages;              /* AgvizErrorMessage, in text order */
  int                 defining_frame;        /* index into frames, or -1 */
  int                 root_error_count;      /* "2 root error(s) found": 2; else 0 */
  gboolean            input_operation_hint;  /* "Errors may have originated from an input operation" */
  GPtrArray          *call_stack;            /* "Function call stack:" entries (utf8) */
  char               *warning_type;          /* the first Python warning's category: "TracerWarning" */
} AgvizErrorText;

/* Parses @length bytes of @text (-1: NUL-terminated).  Never NULL. */
AgvizErrorText *agviz_error_text_parse              (const char          *text,
                                                     gssize               length);
void            agviz_error_text_free               (AgvizErrorText      *self);
/* The exception's short type: "InvalidArgumentError" for the dotted form. */
const char     *agviz_error_text_get_short_type     (const AgvizErrorText *self);
const char     *agviz_error_text_kind_to_string     (AgvizErrorTextKind   kind);
const char     *agviz_error_frame_section_to_string (AgvizErrorFrameSection section);
/* The frame chosen as the one the error comes from, or NULL (transfer none). */
AgvizErrorFrame *agviz_error_text_get_defining_frame (const AgvizErrorText *self);
/* The frames the text gives for node @name's definition ("Detected at node ... defined at"):
 * indices [*@start, *@end) of the first copy of its block (TF prints it once per mention).
 * FALSE when the text has none. */
gboolean         agviz_error_text_get_node_frames   (const AgvizErrorText *self,
                                                     const char           *name,
                                                     guint                *start,
                                                     guint                *end);

/* Whether @message is TF's non-first-call variable ValueError, in any of its wordings. */
gboolean        agviz_error_text_is_variable_message (const char         *message);

/* Length in bytes of the log prefix at the start of @line (`WARNING:tensorflow:`, glog's
 * `W0527 22:28:02.567000 17283 file.py:12] [5/0] `, `(pid=12) `, ...), 0 when it has none. */
gsize           agviz_error_text_log_prefix_length  (const char          *line);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizErrorText, agviz_error_text_free)

G_END_DECLS
