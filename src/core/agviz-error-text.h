/* agviz-error-text.h: reading TensorFlow's error messages, tracebacks and warnings
 *
 * Parses text as TF prints it (see docs/AUTOGRAPH.md and ANCHORS.md 1e): Python tracebacks,
 * graph runtime errors with `{{node name}}` tags, `Node: 'name'` lines, "Detected at node 'x'
 * defined at (most recent call last):" blocks and `[[node x (defined at file:line) ]]`,
 * AutoGraph's "in user code:" blocks with frames marked `*`/`**` (current and older layouts), the
 * non-first-call variable ValueError (both wordings), the retracing warning and "AutoGraph could
 * not transform".  Pure text processing: any input, even binary, gives a result, never a crash.
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
} AgvizErrorTextKind;

typedef enum
{
  AGVIZ_ERROR_FRAME_TRACEBACK,               /* "Traceback (most recent call last):" */
  AGVIZ_ERROR_FRAME_USER_CODE,               /* AutoGraph's "in user code:" block */
  AGVIZ_ERROR_FRAME_NODE_DEFINITION,         /* "Detected at node 'x' defined at" block */
} AgvizErrorFrameSection;

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
  char                   *function;
  char                   *code;              /* the code line printed under it, NULL when none */
  AgvizErrorFrameSection  section;
  AgvizErrorFrameMark     mark;
  char                   *node;              /* NODE_DEFINITION: the node it defines */
} AgvizErrorFrame;

typedef struct
{
  char *name;
  char *defined_file;                        /* from "(defined at file:line)", else NULL */
  int   defined_line;
} AgvizErrorNode;

typedef struct
{
  AgvizErrorTextKind  kind;
  char               *exception_type;        /* as printed: "tensorflow....InvalidArgumentError" */
  char               *message;               /* the rest of the exception's line */
  char               *detail;                /* further message lines ("Incompatible shapes: ..."),
                                              * or the cause inside an "in user code:" block */
  char               *graph_name;            /* from "[Op:__inference_f_12]" or {{function_node}} */
  char               *function;              /* the function a warning names */
  char               *cause;                 /* "Cause: ..." of a transform warning */
  int                 retrace_count;         /* "5 out of the last 6 calls": 5 and 6 */
  int                 retrace_calls;
  GPtrArray          *frames;                /* AgvizErrorFrame, in text order */
  GPtrArray          *nodes;                 /* AgvizErrorNode, first mention first, no repeats */
} AgvizErrorText;

/* Parses @length bytes of @text (-1: NUL-terminated).  Never NULL. */
AgvizErrorText *agviz_error_text_parse              (const char          *text,
                                                     gssize               length);
void            agviz_error_text_free               (AgvizErrorText      *self);
/* The exception's short type: "InvalidArgumentError" for the dotted form. */
const char     *agviz_error_text_get_short_type     (const AgvizErrorText *self);
const char     *agviz_error_text_kind_to_string     (AgvizErrorTextKind   kind);

/* Whether @message is TF's non-first-call variable ValueError, in any of its wordings. */
gboolean        agviz_error_text_is_variable_message (const char         *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizErrorText, agviz_error_text_free)

G_END_DECLS
