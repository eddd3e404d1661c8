/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-python-scan.h: reading one Python function's source the way Python reads it
 *
 * The checker's side-effect and frozen-value rules need to know what a tf.function's body does
 * while it is traced: which names are its own (parameters, every kind of assignment target,
 * for/with/except/import targets, nested defs), which outer objects it changes, and where
 * values computed in Python (NumPy or Python randomness, clocks) flow until TensorFlow freezes
 * them into a constant.  This unit tokenizes the file like Python does (strings of every form,
 * f-strings included, comments, brackets, continuations, indentation), so nothing in a comment
 * or a string ever matches, and scans one function with Python's scoping rules.
 *
 * Helpers defined at module level in the same file are followed one level deep, as TensorFlow
 * runs them while tracing too: their side effects on outer state (and on outer objects the
 * function passes them) become findings of the function, and so do the trace-time values they
 * return.  A helper that is itself a tf.function (it has traces of its own, checked on their
 * own) or a py_function/numpy_function (it runs on every call) is not followed.
 *
 * Pure text processing: any bytes give a result (possibly empty), never a crash.  Lines are
 * 1-based, columns 0-based byte offsets, as Python's ast reports them.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  AGVIZ_PYTHON_SCAN_PRINT,             /* print(...): prints while tracing only */
  AGVIZ_PYTHON_SCAN_MUTATING_CALL,     /* outer.append(x), .extend/.insert/.update/.add/.pop/... */
  AGVIZ_PYTHON_SCAN_ITEM_STORE,        /* outer[k] = x, outer[k] += x, del outer[k] */
  AGVIZ_PYTHON_SCAN_ATTRIBUTE_STORE,   /* self.calls += 1, obj.x = ... on an object not made here */
  AGVIZ_PYTHON_SCAN_GLOBAL_STORE,      /* a name declared global (or nonlocal to an outer function) */
  AGVIZ_PYTHON_SCAN_TRACE_TIME_VALUE,  /* a value of np.random / random / time / datetime */
} AgvizPythonScanKind;

typedef enum
{
  AGVIZ_PYTHON_VALUE_NONE,
  AGVIZ_PYTHON_VALUE_NUMPY_RANDOM,     /* np.random.*, or a draw from a module-level NumPy generator */
  AGVIZ_PYTHON_VALUE_PYTHON_RANDOM,    /* random.*, or a draw from a module-level random.Random */
  AGVIZ_PYTHON_VALUE_TIME,             /* time.time(), perf_counter(), monotonic(), ... */
  AGVIZ_PYTHON_VALUE_DATETIME,         /* datetime.now(), utcnow(), today() */
} AgvizPythonValueSource;

/* One statement a trace-time value reaches. */
typedef struct
{
  int       line;                      /* the line of the value (or of the local holding it) */
  int       first_line;                /* the statement around it: Python reports one of its */
  int       last_line;                 /* lines for an op created there */
  gboolean  returned;                  /* a return (or yield) statement: TF converts the value
                                        * after the body has ended */
  char     *name;                      /* the local that carries the value; NULL in the
                                        * statement of the call itself */
} AgvizPythonScanUse;

typedef struct
{
  AgvizPythonScanKind     kind;
  int                     line;
  int                     column;
  /* What is involved, as written: "logs" (a mutating call or item store: the container),
   * "self.calls" (an attribute store: the attribute), "n" (a global), "print", and for a value
   * the call "np.random.randn" or the helper's name "jitter".  When a helper changes an object
   * the function passed it, the object as the function names it: "seen", "stats.count". */
  char                   *name;
  char                   *method;      /* MUTATING_CALL only: "append" */
  /* TRACE_TIME_VALUE only (else NONE/NULL/0). */
  AgvizPythonValueSource  source;
  char                   *call;        /* the call that makes the value: "random.uniform" */
  int                     call_line;   /* its line: in the helper when the value came through one */
  char                   *helper;      /* the helper of the same file the value or the side
                                        * effect came through, or NULL */
  GPtrArray              *uses;        /* AgvizPythonScanUse: the call's own statement first,
                                        * then the statements the value reaches through locals;
                                        * empty for the other kinds */
  /* Side effects through a helper only (else 0/NULL).  The finding is on the helper's line
   * (@line == @helper_line), or, when the helper changes an object the function passed it, on
   * the function's call (@line == @helper_call_line). */
  int                     helper_call_line; /* the function's line that calls the helper */
  int                     helper_line;      /* the helper's line with the side effect */
  char                   *argument;    /* the outer object the function passed: "seen" */
  char                   *parameter;   /* the helper's parameter it was passed as: "lst" */
} AgvizPythonScanFinding;

/* Where a function is defined. */
typedef struct
{
  char *name;
  int   first_line;                    /* the first decorator's line, else the def line */
  int   def_line;                      /* the line of `def` */
  int   body_first_line;
  int   body_last_line;
} AgvizPythonDefinition;

typedef struct
{
  AgvizPythonDefinition  definition;
  GPtrArray             *parameters;   /* char *, in order ("self" included) */
  GPtrArray             *locals;       /* char *, sorted: parameters and every name the body
                                        * binds (nested functions' own names excluded) */
  GPtrArray             *declared;     /* char *, sorted: names the body declares global or
                                        * nonlocal */
  GPtrArray             *findings;     /* AgvizPythonScanFinding, by line then column */
} AgvizPythonScan;

/* The functions named @name in the file (the last component of a dotted name is matched;
 * NULL: all of them), in file order (element-type AgvizPythonDefinition, transfer full). */
GPtrArray       *agviz_python_scan_list_definitions (const char          *text,
                                                     gssize               length,
                                                     const char          *name);

/* Scans the function whose decorators or `def` header cover @line of @text (@length -1:
 * NUL-terminated).  NULL when no function is defined there. */
AgvizPythonScan *agviz_python_scan_new              (const char          *text,
                                                     gssize               length,
                                                     int                  line);
void             agviz_python_scan_free             (AgvizPythonScan     *self);

/* Whether @name is one of the function's own names (a parameter or a name its body binds). */
gboolean         agviz_python_scan_is_local         (AgvizPythonScan     *self,
                                                     const char          *name);

/* "print", "mutating-call", "item-store", "attribute-store", "global-store",
 * "trace-time-value". */
const char      *agviz_python_scan_kind_to_string   (AgvizPythonScanKind  kind);
/* "NumPy randomness", "Python's random module", "the time module", "datetime". */
const char      *agviz_python_value_source_to_string (AgvizPythonValueSource source);

void             agviz_python_definition_free       (AgvizPythonDefinition *definition);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizPythonScan, agviz_python_scan_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizPythonDefinition, agviz_python_definition_free)

G_END_DECLS
