/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-checker.c: the checks behind `agviz check`
 *
 * Each check reads what the trace file can say about one mistake of docs/AUTOGRAPH.md and turns
 * it into an AgvizDiagnostic.  Evidence strings are facts a user can verify in the trace file
 * (node names, trace ordinals, counts), never guesses.
 */
#define G_LOG_DOMAIN "agviz-checker"

#include "config.h"

#include <string.h>

#include "agviz-checker.h"
#include "agviz-error-text.h"
#include "agviz-python-scan.h"

/* TF's retracing warning fires when this many calls out of the last WINDOW traced. */
#define RETRACE_WARNING_TRACES 5
#define RETRACE_WARNING_WINDOW 10
/* Fewer traces than this are normal (a float and a double call, say): not reported. */
#define RETRACE_REPORT_MIN 3

/* Ops that create a tf.Variable in a tf.function's graph.  Reference variables (VariableV2,
 * Variable) belong to TF1 graphs, which are built once and never retraced: a TF1 eval graph
 * beside its train graph is no second trace. */
static const char *const variable_op_types[] = {
  "VarHandleOp",
};

struct _AgvizChecker
{
  GObject         parent_instance;

  AgvizSourceMap *source_map;
  AgvizStore     *store;

  /* Loaded by run(), dropped after it. */
  GPtrArray      *functions;
  GPtrArray      *events;
  GPtrArray      *errors;
  GPtrArray      *executions;
  GHashTable     *trace_functions;   /* trace id -> AgvizFunction */
  GHashTable     *traces;            /* trace id -> AgvizTrace */
  GListStore     *diagnostics;
};

G_DEFINE_FINAL_TYPE (AgvizChecker, agviz_checker, G_TYPE_OBJECT)

static void
drop_loaded (AgvizChecker *self)
{
  g_clear_pointer (&self->functions, g_ptr_array_unref);
  g_clear_pointer (&self->events, g_ptr_array_unref);
  g_clear_pointer (&self->errors, g_ptr_array_unref);
  g_clear_pointer (&self->executions, g_ptr_array_unref);
  g_clear_pointer (&self->trace_functions, g_hash_table_unref);
  g_clear_pointer (&self->traces, g_hash_table_unref);
  g_clear_object (&self->diagnostics);
}

static void
agviz_checker_finalize (GObject *object)
{
  AgvizChecker *self = AGVIZ_CHECKER (object);

  drop_loaded (self);
  g_clear_object (&self->source_map);

  G_OBJECT_CLASS (agviz_checker_parent_class)->finalize (object);
}

static void
agviz_checker_class_init (AgvizCheckerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = agviz_checker_finalize;
}

static void
agviz_checker_init (AgvizChecker *self)
{
}

AgvizChecker *
agviz_checker_new (AgvizSourceMap *source_map)
{
  AgvizChecker *self;

  g_return_val_if_fail (AGVIZ_IS_SOURCE_MAP (source_map), NULL);

  self = g_object_new (AGVIZ_TYPE_CHECKER, NULL);
  self->source_map = g_object_ref (source_map);
  self->store = agviz_source_map_get_store (source_map);
  return self;
}

/* ---- signatures ------------------------------------------------------------------------ */

/* Splits "x: TensorSpec(shape=(2,), dtype=tf.float32), n=3" at top-level commas. */
static GPtrArray *
split_signature (const char *signature)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func (g_free);
  const char *start = signature, *p;
  int depth = 0;

  if (signature == NULL)
    return parts;
  for (p = signature; ; p++)
    {
      if (*p == '(' || *p == '[' || *p == '{')
        depth++;
      else if ((*p == ')' || *p == ']' || *p == '}') && depth > 0)
        depth--;
      else if ((*p == ',' && depth == 0) || *p == '\0')
        {
          g_autofree char *part = g_strstrip (g_strndup (start, p - start));
          if (*part != '\0' && !g_str_equal (part, "()"))
            g_ptr_array_add (parts, g_steal_pointer (&part));
          if (*p == '\0')
            break;
          start = p + 1;
        }
    }
  return parts;
}

/* "x: TensorSpec(...)" or "n=3" into name and value; positional parts are named "#i". */
static void
split_argument (const char  *part,
                guint        index,
                char       **name,
                char       **value)
{
  gsize name_length = strspn (part, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_*");
  const char *rest = part + name_length;

  while (*rest == ' ')
    rest++;
  if (name_length > 0 && (*rest == ':' || *rest == '='))
    {
      *name = g_strndup (part, name_length);
      rest++;
      while (*rest == ' ')
        rest++;
      *value = g_strdup (rest);
    }
  else
    {
      *name = g_strdup_printf ("#%u", index + 1);
      *value = g_strdup (part);
    }
}

gboolean
agviz_checker_signature_difference (const char  *first,
                                    const char  *second,
                                    char       **argument,
                                    char       **first_value,
                                    char       **second_value)
{
  g_autoptr(GPtrArray) a = split_signature (first);
  g_autoptr(GPtrArray) b = split_signature (second);

  for (guint i = 0; i < MAX (a->len, b->len); i++)
    {
      g_autofree char *name_a = NULL, *value_a = NULL, *name_b = NULL, *value_b = NULL;

      if (i < a->len)
        split_argument (g_ptr_array_index (a, i), i, &name_a, &value_a);
      if (i < b->len)
        split_argument (g_ptr_array_index (b, i), i, &name_b, &value_b);
      if (g_strcmp0 (name_a, name_b) == 0 && g_strcmp0 (value_a, value_b) == 0)
        continue;

      if (argument != NULL)
        *argument = g_strdup (name_b != NULL ? name_b : name_a);
      if (first_value != NULL)
        *first_value = g_strdup (value_a != NULL ? value_a : "(absent)");
      if (second_value != NULL)
        *second_value = g_strdup (value_b != NULL ? value_b : "(absent)");
      return TRUE;
    }
  return FALSE;
}

/* ---- shared lookups -------------------------------------------------------------------- */

typedef struct
{
  char *file;
  int   line;
  char *source_line;
} Location;

static void
location_clear (Location *location)
{
  g_clear_pointer (&location->file, g_free);
  g_clear_pointer (&location->source_line, g_free);
  location->line = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Location, location_clear)

/* The defining (innermost user) frame of a stack; FALSE when the stack has no user frame. */
static gboolean
locate_stack (AgvizChecker *self,
              gint64        stack_id,
              Location     *location)
{
  g_autoptr(GPtrArray) frames = NULL;
  g_autoptr(GError) error = NULL;
  AgvizSourceFrame *frame;
  int defining;

  location_clear (location);
  if (stack_id == 0)
    return FALSE;
  frames = agviz_source_map_get_stack (self->source_map, stack_id, &error);
  if (frames == NULL)
    {
      g_debug ("stack %" G_GINT64_FORMAT ": %s", stack_id, error->message);
      return FALSE;
    }
  defining = agviz_source_map_find_defining_frame (frames);
  if (defining < 0)
    return FALSE;
  frame = g_ptr_array_index (frames, defining);
  location->file = g_strdup (frame->frame->file);
  location->line = frame->frame->line;
  location->source_line = g_strdup (frame->frame->source_line);
  return TRUE;
}

static void
set_location (AgvizDiagnostic *diagnostic,
              const Location  *location)
{
  g_autofree char *stripped = location->source_line != NULL
                              ? g_strstrip (g_strdup (location->source_line)) : NULL;

  agviz_diagnostic_set_location (diagnostic, location->file, location->line, stripped);
}

static void
set_function_location (AgvizChecker    *self,
                       AgvizDiagnostic *diagnostic,
                       AgvizFunction   *function)
{
  g_autofree char *text = NULL;

  if (function->file == NULL || function->line <= 0)
    return;
  text = agviz_source_map_get_line (self->source_map, function->file, function->line);
  agviz_diagnostic_set_location (diagnostic, function->file, function->line,
                                 text != NULL ? g_strstrip (text) : NULL);
}

static gint64 function_execution_count (AgvizFunction *function);

typedef enum
{
  FRAMEWORK_TENSORFLOW,
  FRAMEWORK_TORCH,
  FRAMEWORK_JAX,
} Framework;

/* A retrace event made from jax_explain_cache_misses: its detail is JAX's explanation. */
static gboolean
is_jax_cache_miss (const AgvizEvent *event)
{
  return event->kind == AGVIZ_EVENT_RETRACE && event->detail != NULL &&
         g_str_has_prefix (event->detail, "TRACING CACHE MISS");
}

/* Which framework staged @function, from what its importers attach to it: a tf.function runs
 * (executions); jax.jit's functions have JAX's cache-miss explanations, `jit(f) compiled`
 * events or traces named jit(f); torch.compile's frames have graph breaks, guards, recompiles
 * and compiles.  TensorFlow's where nothing says otherwise.  Checks and fixes written for one
 * framework ask this before they speak of another's. */
static Framework
function_framework (AgvizChecker  *self,
                    AgvizFunction *function)
{
  gboolean torch = FALSE;

  if (function_execution_count (function) > 0)
    return FRAMEWORK_TENSORFLOW;
  for (guint t = 0; t < function->traces->len; t++)
    {
      AgvizTrace *trace = g_ptr_array_index (function->traces, t);

      if (trace->graph_name != NULL && g_str_has_prefix (trace->graph_name, "jit("))
        return FRAMEWORK_JAX;
    }
  for (guint i = 0; i < self->events->len; i++)
    {
      AgvizEvent *event = g_ptr_array_index (self->events, i);

      if (event->function_id != function->id)
        continue;
      if (is_jax_cache_miss (event) ||
          (event->kind == AGVIZ_EVENT_COMPILE && event->message != NULL &&
           g_str_has_prefix (event->message, "jit(")))
        return FRAMEWORK_JAX;
      if (event->kind == AGVIZ_EVENT_GRAPH_BREAK || event->kind == AGVIZ_EVENT_GUARDS ||
          event->kind == AGVIZ_EVENT_COMPILE || event->kind == AGVIZ_EVENT_RETRACE)
        torch = TRUE;
    }
  return torch ? FRAMEWORK_TORCH : FRAMEWORK_TENSORFLOW;
}

static gint64
function_execution_count (AgvizFunction *function)
{
  gint64 total = 0;

  for (guint i = 0; i < function->traces->len; i++)
    total += ((AgvizTrace *) g_ptr_array_index (function->traces, i))->execution_count;
  return total;
}

static const char *
plural (gint64 count)
{
  return count == 1 ? "" : "s";
}

static gboolean
is_variable_op (const char *op_type)
{
  for (guint i = 0; op_type != NULL && i < G_N_ELEMENTS (variable_op_types); i++)
    if (g_str_equal (op_type, variable_op_types[i]))
      return TRUE;
  return FALSE;
}

/* The bare name a frame shows for a qualified one ("train_step" for "Model.train_step"). */
static const char *
code_name (const char *qualified_name)
{
  const char *dot = strrchr (qualified_name, '.');

  return dot != NULL ? dot + 1 : qualified_name;
}

/* Whether @stack_id runs through @function's body: a frame of its name (in its file, where
 * that is known).  An eager op with such a stack ran while the body was being traced. */
static gboolean
stack_inside_function (AgvizChecker  *self,
                       gint64         stack_id,
                       AgvizFunction *function)
{
  g_autoptr(GPtrArray) frames = NULL;

  if (stack_id == 0)
    return FALSE;
  frames = agviz_store_get_stack (self->store, stack_id, NULL);
  for (guint i = 0; frames != NULL && i < frames->len; i++)
    {
      AgvizFrame *frame = g_ptr_array_index (frames, i);

      if (g_strcmp0 (frame->function, code_name (function->name)) == 0 &&
          (function->file == NULL || g_strcmp0 (frame->file, function->file) == 0))
        return TRUE;
    }
  return FALSE;
}

/* The trace of @function being built at @time_ns by an op whose stack runs through the
 * function's body: the last one begun before it (the body runs only while tracing), unless a
 * recorded duration says that trace had ended. */
static AgvizTrace *
trace_building_at (AgvizFunction *function,
                   gint64         time_ns)
{
  AgvizTrace *found = NULL;

  for (guint i = 0; i < function->traces->len; i++)
    {
      AgvizTrace *trace = g_ptr_array_index (function->traces, i);
      if (trace->started_ns > 0 && trace->started_ns <= time_ns)
        found = trace;
    }
  if (found != NULL && found->status == AGVIZ_TRACE_STATUS_COMPLETE && found->wall_ns > 0 &&
      time_ns > found->started_ns + found->wall_ns)
    return NULL;
  return found;
}

/* ---- 1. variables on a non-first trace -------------------------------------------------- */

typedef struct
{
  GPtrArray *evidence;        /* char * */
  Location   location;        /* the line creating the variable */
  gint64     node_id;
  char      *node_name;
  gboolean   strong;          /* an op, event or error, not just a trace that stopped */
} VariableFindings;

static void
variable_findings_clear (VariableFindings *findings)
{
  g_clear_pointer (&findings->evidence, g_ptr_array_unref);
  location_clear (&findings->location);
  g_clear_pointer (&findings->node_name, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VariableFindings, variable_findings_clear)

static void
note_location (AgvizChecker     *self,
               VariableFindings *findings,
               gint64            stack_id)
{
  if (findings->location.file == NULL)
    locate_stack (self, stack_id, &findings->location);
}

/* Every sign that @trace created variables, into @findings. */
static gboolean
collect_variable_creation (AgvizChecker      *self,
                           AgvizFunction     *function,
                           AgvizTrace        *trace,
                           VariableFindings  *findings,
                           GError           **error)
{
  findings->evidence = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (variable_op_types); i++)
    {
      g_autoptr(GPtrArray) nodes = agviz_store_list_trace_nodes_of_type (self->store, trace->id,
                                                                         variable_op_types[i],
                                                                         error);
      if (nodes == NULL)
        return FALSE;
      for (guint j = 0; j < nodes->len; j++)
        {
          AgvizNode *node = g_ptr_array_index (nodes, j);
          Location where = { 0 };

          locate_stack (self, node->stack_id, &where);
          if (where.file != NULL)
            g_ptr_array_add (findings->evidence,
                             g_strdup_printf ("%s node '%s' in trace %d's graph, created at %s:%d",
                                              node->op_type, node->name, trace->ordinal,
                                              where.file, where.line));
          else
            g_ptr_array_add (findings->evidence,
                             g_strdup_printf ("%s node '%s' in trace %d's graph", node->op_type,
                                              node->name, trace->ordinal));
          location_clear (&where);
          if (findings->node_id == 0)
            {
              findings->node_id = node->id;
              findings->node_name = g_strdup (node->name);
            }
          note_location (self, findings, node->stack_id);
          findings->strong = TRUE;
        }
    }

  /* TF lifts the variables of a first trace out of the graph: the handle op then runs eagerly
   * while the body is being traced, and only its stack ties it to the function. */
  for (guint i = 0; i < self->executions->len; i++)
    {
      AgvizExecution *execution = g_ptr_array_index (self->executions, i);

      if (execution->trace_id != 0 || !is_variable_op (execution->op_type) ||
          trace_building_at (function, execution->start_ns) != trace ||
          !stack_inside_function (self, execution->stack_id, function))
        continue;
      g_ptr_array_add (findings->evidence,
                       g_strdup_printf ("eager %s (call #%" G_GINT64_FORMAT ") ran inside %s "
                                        "while trace %d was being built", execution->op_type,
                                        execution->seq, function->name, trace->ordinal));
      note_location (self, findings, execution->stack_id);
      findings->strong = TRUE;
    }

  for (guint i = 0; i < self->events->len; i++)
    {
      AgvizEvent *event = g_ptr_array_index (self->events, i);

      if (event->kind != AGVIZ_EVENT_VARIABLE_CREATED || event->trace_id != trace->id)
        continue;
      g_ptr_array_add (findings->evidence,
                       g_strdup_printf ("recorded event: %s%s%s%s", event->message,
                                        event->detail != NULL ? " (" : "",
                                        event->detail != NULL ? event->detail : "",
                                        event->detail != NULL ? ")" : ""));
      note_location (self, findings, event->stack_id);
      findings->strong = TRUE;
    }
  return TRUE;
}

/* The user frame a traceback text ends in, for errors recorded without a stack. */
static void
locate_traceback (AgvizChecker *self,
                  const char   *traceback,
                  Location     *location)
{
  g_autoptr(AgvizErrorText) parsed = agviz_error_text_parse (traceback, -1);

  for (int i = (int) parsed->frames->len - 1; i >= 0; i--)
    {
      AgvizErrorFrame *frame = g_ptr_array_index (parsed->frames, i);

      if (agviz_source_map_classify_path (frame->file) != AGVIZ_FRAME_ORIGIN_USER)
        continue;
      location->file = g_strdup (frame->file);
      location->line = frame->line;
      location->source_line = agviz_source_map_get_line (self->source_map, frame->file,
                                                         frame->line);
      if (location->source_line == NULL)
        location->source_line = g_strdup (frame->code);
      return;
    }
}

static gboolean
check_variables (AgvizChecker  *self,
                 GError       **error)
{
  for (guint f = 0; f < self->functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (self->functions, f);
      g_auto(VariableFindings) first = { 0 };
      AgvizTrace *trace1;

      if (function->traces->len < 2)
        continue;
      trace1 = g_ptr_array_index (function->traces, 0);
      if (!collect_variable_creation (self, function, trace1, &first, error))
        return FALSE;

      for (guint t = 1; t < function->traces->len; t++)
        {
          AgvizTrace *trace = g_ptr_array_index (function->traces, t);
          g_auto(VariableFindings) found = { 0 };
          g_autoptr(AgvizDiagnostic) diagnostic = NULL;
          g_autofree char *message = NULL;
          g_autofree char *argument = NULL, *value1 = NULL, *value_k = NULL;
          g_autofree char *fix = NULL;
          gboolean stopped;

          if (!collect_variable_creation (self, function, trace, &found, error))
            return FALSE;

          for (guint e = 0; e < self->errors->len; e++)
            {
              AgvizRecordedError *recorded = g_ptr_array_index (self->errors, e);
              gboolean ours = recorded->trace_id == trace->id ||
                              (recorded->trace_id == 0 && recorded->function_id == function->id &&
                               t == function->traces->len - 1);

              if (!ours || !agviz_error_text_is_variable_message (recorded->message))
                continue;
              g_ptr_array_add (found.evidence,
                               g_strdup_printf ("recorded error: %s: %s", recorded->type,
                                                recorded->message));
              note_location (self, &found, recorded->stack_id);
              if (found.location.file == NULL && recorded->traceback != NULL)
                locate_traceback (self, recorded->traceback, &found.location);
              found.strong = TRUE;
            }

          /* A retrace that never finished and never ran, in a function whose first trace made
           * variables: the program most likely died there. */
          stopped = trace->status != AGVIZ_TRACE_STATUS_COMPLETE && trace->execution_count == 0 &&
                    first.evidence->len > 0;
          if (!found.strong && !stopped)
            continue;
          if (stopped)
            g_ptr_array_add (found.evidence,
                             g_strdup_printf ("trace %d (%s) stopped %s before it ever ran",
                                              trace->ordinal, trace->graph_name,
                                              trace->status == AGVIZ_TRACE_STATUS_FAILED
                                              ? "with an error" : "unfinished"));

          if (found.strong)
            message = g_strdup_printf ("%s creates a tf.Variable on trace %d; TensorFlow allows "
                                       "that on the first trace only", function->name,
                                       trace->ordinal);
          else
            message = g_strdup_printf ("%s probably created a tf.Variable on trace %d, where "
                                       "the program stopped", function->name, trace->ordinal);
          diagnostic = agviz_diagnostic_new (found.strong ? AGVIZ_DIAGNOSTIC_SEVERITY_ERROR
                                                          : AGVIZ_DIAGNOSTIC_SEVERITY_WARNING,
                                             AGVIZ_DIAGNOSTIC_KIND_VARIABLE_NON_FIRST_TRACE,
                                             message);
          agviz_diagnostic_set_function (diagnostic, function->id, function->name);
          agviz_diagnostic_set_trace (diagnostic, trace->id, trace->ordinal);
          if (found.node_id != 0)
            agviz_diagnostic_set_node (diagnostic, found.node_id, found.node_name);
          if (found.location.file != NULL)
            set_location (diagnostic, &found.location);
          else if (first.location.file != NULL)
            set_location (diagnostic, &first.location);
          else
            set_function_location (self, diagnostic, function);

          if (agviz_checker_signature_difference (trace1->signature, trace->signature,
                                                  &argument, &value1, &value_k))
            agviz_diagnostic_add_evidence (diagnostic, "trace %d was made for a new signature: "
                                           "%s is %s, trace 1 had %s", trace->ordinal, argument,
                                           value_k, value1);
          else if (*trace->reason != '\0')
            agviz_diagnostic_add_evidence (diagnostic, "trace %d was made because: %s",
                                           trace->ordinal, trace->reason);
          else if (t == 1 && trace1->execution_count == 0 && first.evidence->len > 0)
            /* TF 2's first call of a function that made variables traces it once more with
             * variable creation forbidden, before anything runs. */
            agviz_diagnostic_add_evidence (diagnostic, "trace 1 never ran: on the first call of "
                                           "a function that creates variables, TensorFlow "
                                           "traces it a second time with variable creation "
                                           "forbidden, so code that creates a variable on "
                                           "every trace fails on the very first call");
          for (guint i = 0; i < found.evidence->len; i++)
            agviz_diagnostic_add_evidence (diagnostic, "%s",
                                           (const char *) g_ptr_array_index (found.evidence, i));
          if (first.evidence->len == 0)
            agviz_diagnostic_add_evidence (diagnostic, "trace 1 created no variable that the "
                                           "trace file shows");
          for (guint i = 0; i < first.evidence->len; i++)
            agviz_diagnostic_add_evidence (diagnostic, "trace 1 also created one: %s",
                                           (const char *) g_ptr_array_index (first.evidence, i));

          fix = g_strdup_printf ("Create the variable once, outside %s (or in a tf.Module's "
                                 "__init__ or a Keras layer's build) and use it inside; every "
                                 "retrace%s%s%s runs the body again and would create another.",
                                 function->name, argument != NULL ? " (here: a new " : "",
                                 argument != NULL ? argument : "", argument != NULL ? ")" : "");
          agviz_diagnostic_set_fix (diagnostic, fix);
          g_list_store_append (self->diagnostics, diagnostic);
        }
    }
  return TRUE;
}

/* ---- 2. retracing ------------------------------------------------------------------------ */

typedef struct
{
  gint64   time_ns;
  gboolean traced;
} Call;

static int
compare_calls (gconstpointer a,
               gconstpointer b)
{
  const Call *x = a, *y = b;

  if (x->time_ns != y->time_ns)
    return x->time_ns < y->time_ns ? -1 : 1;
  /* A call that traced happens before a plain one at the same recorded time. */
  return (int) y->traced - (int) x->traced;
}

/* Whether trace @index of @function is the extra pass TF 2 makes on the first call of a
 * function that creates variables (traced again at once with variable creation forbidden):
 * a complete trace that never ran, followed by another.  It is no call of the user's. */
static gboolean
is_variable_lifting_pass (AgvizFunction *function,
                          guint          index)
{
  AgvizTrace *trace = g_ptr_array_index (function->traces, index);

  return index + 1 < function->traces->len && trace->execution_count == 0 &&
         trace->status == AGVIZ_TRACE_STATUS_COMPLETE;
}

/* Traces made for calls: all but the variable-lifting passes. */
static guint
count_call_traces (AgvizFunction *function)
{
  guint count = 0;

  for (guint t = 0; t < function->traces->len; t++)
    count += !is_variable_lifting_pass (function, t);
  return count;
}

/* Whether the calls, in time order, ever had RETRACE_WARNING_TRACES traces within the last
 * RETRACE_WARNING_WINDOW calls; *@max_traced is the most traces any window saw. */
static gboolean
matches_warning_rule (AgvizChecker  *self,
                      AgvizFunction *function,
                      guint         *n_calls,
                      guint         *max_traced)
{
  g_autoptr(GArray) calls = g_array_new (FALSE, FALSE, sizeof (Call));

  for (guint t = 0; t < function->traces->len; t++)
    {
      AgvizTrace *trace = g_ptr_array_index (function->traces, t);
      gboolean first = TRUE;

      if (is_variable_lifting_pass (function, t))
        continue;
      for (guint i = 0; i < self->executions->len; i++)
        {
          AgvizExecution *execution = g_ptr_array_index (self->executions, i);
          Call call;

          if (execution->trace_id != trace->id)
            continue;
          call.time_ns = execution->start_ns != 0 ? execution->start_ns : execution->seq;
          call.traced = first;
          first = FALSE;
          g_array_append_val (calls, call);
        }
      if (first)
        {
          /* The call that traced it never ran (tracing failed): it still counts. */
          Call call = { trace->started_ns, TRUE };
          g_array_append_val (calls, call);
        }
    }
  g_array_sort (calls, compare_calls);

  *n_calls = calls->len;
  *max_traced = 0;
  for (guint end = 0; end < calls->len; end++)
    {
      guint traced = 0;

      for (guint i = end + 1 > RETRACE_WARNING_WINDOW ? end + 1 - RETRACE_WARNING_WINDOW : 0;
           i <= end; i++)
        traced += g_array_index (calls, Call, i).traced;
      *max_traced = MAX (*max_traced, traced);
    }
  return *max_traced >= RETRACE_WARNING_TRACES;
}

/* Whether TensorFlow's retracing warning named @function in the recorded output. */
static gboolean
has_retrace_warning (AgvizChecker  *self,
                     AgvizFunction *function)
{
  for (guint i = 0; i < self->events->len; i++)
    {
      AgvizEvent *event = g_ptr_array_index (self->events, i);
      g_autoptr(AgvizErrorText) parsed = NULL;

      if (event->kind != AGVIZ_EVENT_RETRACE || event->message == NULL)
        continue;
      parsed = agviz_error_text_parse (event->message, -1);
      if (parsed->function == NULL)
        continue;
      if (g_str_equal (code_name (parsed->function), code_name (function->name)))
        return TRUE;
    }
  return FALSE;
}

/* A retracing finding about @function, at its def line. */
static AgvizDiagnostic *
retracing_diagnostic (AgvizChecker            *self,
                      AgvizFunction           *function,
                      AgvizDiagnosticSeverity  severity,
                      const char              *message)
{
  AgvizDiagnostic *diagnostic = agviz_diagnostic_new (severity, AGVIZ_DIAGNOSTIC_KIND_RETRACING,
                                                      message);

  agviz_diagnostic_set_function (diagnostic, function->id, function->name);
  set_function_location (self, diagnostic, function);
  return diagnostic;
}

/* TF keeps a tf.function per object (each tf.Module or layer instance has its own), so one
 * method traced by several objects is no retracing: each object traces it once per input
 * signature.  A new object for every call is (a tf.function or a module made inside a loop).
 * Where the trace file knows each trace's object, judges @function by them (@tf_warned: TF's
 * retracing warning named it) and returns TRUE, with any finding added; FALSE leaves it to the
 * per-function rule. */
static gboolean
check_retracing_by_object (AgvizChecker  *self,
                           AgvizFunction *function,
                           gboolean       tf_warned)
{
  g_autoptr(GHashTable) traces_per_object = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(AgvizDiagnostic) diagnostic = NULL;
  g_autofree char *message = NULL;
  guint most_traces = 0, n_objects;
  gint64 executions = 0;

  for (guint t = 0; t < function->traces->len; t++)
    {
      AgvizTrace *trace = g_ptr_array_index (function->traces, t);
      gpointer count;

      if (is_variable_lifting_pass (function, t))
        continue;
      if (trace->object <= 0)
        return FALSE;
      count = g_hash_table_lookup (traces_per_object, &trace->object);
      g_hash_table_insert (traces_per_object, &trace->object,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
      most_traces = MAX (most_traces, GPOINTER_TO_UINT (count) + 1);
      executions += trace->execution_count;
    }
  n_objects = g_hash_table_size (traces_per_object);
  if (n_objects < 2 || most_traces >= RETRACE_REPORT_MIN)
    return FALSE;

  if (executions >= 2 * (gint64) n_objects)
    {
      /* Objects that are reused: each traced once per signature, as it must. */
      if (!tf_warned)
        return TRUE;
      message = g_strdup_printf ("%s: TensorFlow's retracing warning counts the traces of %u "
                                 "objects together", function->name, n_objects);
      diagnostic = retracing_diagnostic (self, function, AGVIZ_DIAGNOSTIC_SEVERITY_NOTE, message);
      agviz_diagnostic_add_evidence (diagnostic, "%u objects (tf.Module or layer instances) "
                                     "each have their own tf.function for %s and traced it at "
                                     "most %u time%s; they ran %" G_GINT64_FORMAT " calls in "
                                     "all", n_objects, function->name, most_traces,
                                     plural (most_traces), executions);
      agviz_diagnostic_set_fix (diagnostic, "Nothing to fix: every object traces its own "
                                "tf.function once per input signature.  TensorFlow's warning "
                                "counts calls by the function's code, across objects.");
    }
  else
    {
      message = g_strdup_printf ("%s is traced anew for each of %u new objects", function->name,
                                 n_objects);
      diagnostic = retracing_diagnostic (self, function,
                                         n_objects >= RETRACE_WARNING_TRACES
                                         ? AGVIZ_DIAGNOSTIC_SEVERITY_WARNING
                                         : AGVIZ_DIAGNOSTIC_SEVERITY_NOTE, message);
      agviz_diagnostic_add_evidence (diagnostic, "%u tf.function objects made from this code "
                                     "each traced it and ran only %" G_GINT64_FORMAT " call%s "
                                     "between them: a new object for (nearly) every call",
                                     n_objects, executions, plural (executions));
      if (tf_warned)
        agviz_diagnostic_add_evidence (diagnostic, "TensorFlow warned about retracing %s",
                                       function->name);
      agviz_diagnostic_set_fix (diagnostic, "Create the tf.function (or the tf.Module or layer "
                                "that owns it) once, outside the loop, and call that one object "
                                "with tensors.");
    }
  g_list_store_append (self->diagnostics, diagnostic);
  return TRUE;
}

static void
check_retracing (AgvizChecker *self)
{
  for (guint f = 0; f < self->functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (self->functions, f);
      g_autoptr(AgvizDiagnostic) diagnostic = NULL;
      g_autofree char *message = NULL, *fix = NULL, *varying = NULL;
      gboolean python_value = FALSE, python_object = FALSE, rule, signatures_missing = FALSE;
      gboolean tf_warned;
      guint n_calls, max_traced;
      AgvizTrace *trace1;

      if (count_call_traces (function) < RETRACE_REPORT_MIN)
        continue;
      /* Retracing is about calls.  How many concrete functions a file keeps is not: a
       * SavedModel holds one per signature it was saved with and no call history at all. */
      tf_warned = has_retrace_warning (self, function);
      if (function_execution_count (function) == 0 && !tf_warned)
        continue;
      if (check_retracing_by_object (self, function, tf_warned))
        continue;
      trace1 = g_ptr_array_index (function->traces, 0);
      rule = matches_warning_rule (self, function, &n_calls, &max_traced);

      message = g_strdup_printf ("%s was traced %u times", function->name, function->traces->len);
      diagnostic = retracing_diagnostic (self, function,
                                         rule || count_call_traces (function) >= RETRACE_WARNING_TRACES
                                         ? AGVIZ_DIAGNOSTIC_SEVERITY_WARNING
                                         : AGVIZ_DIAGNOSTIC_SEVERITY_NOTE, message);

      agviz_diagnostic_add_evidence (diagnostic, "trace 1 (%s): %s", trace1->graph_name,
                                     *trace1->signature != '\0' ? trace1->signature
                                                                : "signature not recorded");
      if (*trace1->signature == '\0')
        signatures_missing = TRUE;
      for (guint t = 1; t < function->traces->len; t++)
        {
          AgvizTrace *trace = g_ptr_array_index (function->traces, t);
          g_autofree char *argument = NULL, *value1 = NULL, *value_k = NULL;

          if (agviz_checker_signature_difference (trace1->signature, trace->signature,
                                                  &argument, &value1, &value_k))
            {
              agviz_diagnostic_add_evidence (diagnostic, "trace %d (%s): %s is %s, trace 1 had %s",
                                             trace->ordinal, trace->graph_name, argument, value_k,
                                             value1);
              if (varying == NULL)
                {
                  varying = g_strdup (argument);
                  python_value = strstr (value1, "Spec(") == NULL &&
                                 strstr (value_k, "Spec(") == NULL;
                  /* "<__main__.Config object at 0x7f...>": TF keys such arguments by identity. */
                  python_object = python_value && strstr (value_k, " object at 0x") != NULL;
                }
            }
          else if (*trace->signature == '\0' || *trace1->signature == '\0')
            {
              signatures_missing = TRUE;
              agviz_diagnostic_add_evidence (diagnostic, "trace %d (%s): %s", trace->ordinal,
                                             trace->graph_name,
                                             *trace->reason != '\0' ? trace->reason
                                                                    : "signature not recorded");
            }
          else
            agviz_diagnostic_add_evidence (diagnostic, "trace %d (%s): same signature as trace "
                                           "1 (%s)", trace->ordinal, trace->graph_name,
                                           *trace->reason != '\0' ? trace->reason
                                                                  : "reason not recorded");
        }
      if (rule)
        agviz_diagnostic_add_evidence (diagnostic, "TensorFlow's retracing warning applies: up "
                                       "to %u of the last %d calls traced (it warns at %d); "
                                       "%u call%s in all", max_traced, RETRACE_WARNING_WINDOW,
                                       RETRACE_WARNING_TRACES, n_calls, plural (n_calls));
      else
        agviz_diagnostic_add_evidence (diagnostic, "TensorFlow's retracing warning does not apply: "
                                       "at most %u of any %d consecutive calls traced (it warns "
                                       "at %d); %u call%s in all", max_traced,
                                       RETRACE_WARNING_WINDOW, RETRACE_WARNING_TRACES, n_calls,
                                       plural (n_calls));

      if (varying != NULL && python_object)
        fix = g_strdup_printf ("%s is a new Python object on every call, and TensorFlow traces "
                               "again for every object it has not seen (it knows them by "
                               "identity): pass the same object each time, or pass the values "
                               "it carries as tensors.", varying);
      else if (varying != NULL && python_value)
        fix = g_strdup_printf ("%s is a Python value, and every new value traces again: pass it "
                               "as a tensor (tf.constant(...)), or fix the signature with "
                               "input_signature=[tf.TensorSpec(...)].", varying);
      else if (varying != NULL)
        fix = g_strdup_printf ("%s changes shape or type between calls: declare "
                               "input_signature=[tf.TensorSpec(shape=[None, ...], ...)] with None "
                               "for the dimension that varies, or use "
                               "@tf.function(reduce_retracing=True).", varying);
      else if (signatures_missing)
        fix = g_strdup ("The trace file does not record what each trace was made for (a tfdbg2 "
                        "dump keeps no input signatures): record the program with `agviz record` "
                        "to see which argument changes.  Usual causes: Python numbers or new "
                        "shapes as arguments (pass tensors, or declare input_signature), or a "
                        "tf.function created anew in a loop (define it once).");
      else
        fix = g_strdup ("The signatures agree, so the function object or its closure changed: "
                        "define the tf.function once, outside loops, and pass tensors.");
      agviz_diagnostic_set_fix (diagnostic, fix);
      g_list_store_append (self->diagnostics, diagnostic);
    }
}

/* ---- 2b. JAX's tracing cache misses ------------------------------------------------------- */


/* What to do about misses whose first change is @change ("x: f32[2] -> f32[3]",
 * "static argument 1: 0.5 -> 1.5", "jax_enable_x64: False -> True"). */
static char *
jax_retrace_fix (const char *function,
                 const char *change)
{
  g_autofree char *argument = NULL;
  const char *colon = change != NULL ? strstr (change, ": ") : NULL;
  const char *arrow = colon != NULL ? strstr (colon, " -> ") : NULL;
  g_autofree char *before = NULL, *after = NULL;

  if (colon == NULL || arrow == NULL)
    return g_strdup_printf ("Call %s with arguments of the same shapes, dtypes and structure each "
                            "time (and under the same config), so that jax.jit reuses what it "
                            "compiled.", function);
  argument = g_strndup (change, colon - change);
  before = g_strndup (colon + 2, arrow - colon - 2);
  after = g_strdup (arrow + 4);
  if (g_str_has_prefix (argument, "static "))
    return g_strdup_printf ("%s of %s takes a new value on each call, and every new value of a "
                            "static argument traces and compiles %s again: pass it as an array "
                            "(drop it from static_argnums/static_argnames) unless it changes "
                            "the program's structure, or keep it to a few values.",
                            argument + strlen ("static "), function, function);
  if (strchr (before, '[') != NULL && strchr (after, '[') != NULL &&
      strncmp (before, after, strcspn (before, "[")) == 0)
    return g_strdup_printf ("The shape of %s changes between calls, and every new shape "
                            "compiles %s again: pad or bucket it to a few sizes (jnp.pad to the "
                            "next size in a fixed list), or keep the varying size out of the "
                            "jitted function.", argument, function);
  if (strchr (before, '[') != NULL && strchr (after, '[') != NULL)
    return g_strdup_printf ("The dtype of %s changes between calls (%s, then %s): convert it "
                            "once, before the call (jnp.asarray(%s, dtype)), so that every call "
                            "passes the same type.", argument, before, after, argument);
  return g_strdup_printf ("%s changed between calls (%s, then %s): keep it the same for every "
                          "call of %s, or set it once before the first.", argument, before, after,
                          function);
}

/* How many functions line @line of @file defines: its lambdas (lax.cond(p, lambda v: ...,
 * lambda v: ...) holds two), else the one def. */
static guint
functions_defined_on_line (AgvizChecker *self,
                           const char   *file,
                           int           line)
{
  g_autofree char *text = file != NULL && line > 0
                            ? agviz_source_map_get_line (self->source_map, file, line) : NULL;
  guint lambdas = 0;

  for (const char *p = text; p != NULL && (p = strstr (p, "lambda")) != NULL; p += 6)
    if ((p == text || !(g_ascii_isalnum (p[-1]) || p[-1] == '_')) &&
        !(g_ascii_isalnum (p[6]) || p[6] == '_'))
      lambdas++;
  return MAX (lambdas, 1);
}

/* The traces of the jitted function that staged the call a cache miss reports ("TRACING CACHE
 * MISS at FILE:LINE:COL (CALLER):"): a function defined inside another one is made again each
 * time that one is traced.  1 when the caller is no jitted function. */
static guint
caller_traces (AgvizChecker     *self,
               const AgvizEvent *event)
{
  const char *line_end = strchr (event->detail, '\n');
  const char *close = line_end != NULL ? line_end : event->detail + strlen (event->detail);
  const char *open;
  g_autofree char *caller = NULL;

  while (close > event->detail && close[-1] != ')')
    close--;
  if (close == event->detail)
    return 1;
  close--;
  for (open = close; open > event->detail && *open != '('; open--)
    ;
  if (*open != '(')
    return 1;
  caller = g_strndup (open + 1, close - open - 1);
  for (guint f = 0; f < self->functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (self->functions, f);

      if (g_str_equal (function->name, caller) && function->traces->len > 0)
        return function->traces->len;
    }
  return 1;
}

static void
check_jax_cache_misses (AgvizChecker *self)
{
  for (guint f = 0; f < self->functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (self->functions, f);
      g_autoptr(GPtrArray) retraces = g_ptr_array_new ();
      guint first_traces = 0, expected_first_traces = 0;
      gboolean redefined = FALSE;

      for (guint i = 0; i < self->events->len; i++)
        {
          AgvizEvent *event = g_ptr_array_index (self->events, i);

          if (event->function_id != function->id || !is_jax_cache_miss (event))
            continue;
          if (strstr (event->detail, "never seen function") != NULL)
            {
              first_traces++;
              redefined |= strstr (event->detail, "seen another function defined on the same "
                                   "line") != NULL;
              expected_first_traces = MAX (expected_first_traces, caller_traces (self, event));
            }
          else
            g_ptr_array_add (retraces, event);
        }

      /* jax.jit caches by the function object: one defined anew each time is never seen.  The
       * lambdas of one line (a lax.cond's branches) are as many functions, each first seen
       * once per trace of the jitted function that holds them. */
      expected_first_traces = MAX (expected_first_traces, 1) *
                              functions_defined_on_line (self, function->file, function->line);
      if (first_traces > expected_first_traces || (redefined && expected_first_traces == 1))
        {
          g_autoptr(AgvizDiagnostic) diagnostic = NULL;
          g_autofree char *message = NULL, *fix = NULL;

          message = g_strdup_printf ("%s is defined anew each time it is jitted, so jax.jit never "
                                     "reuses what it compiled", function->name);
          diagnostic = agviz_diagnostic_new (AGVIZ_DIAGNOSTIC_SEVERITY_WARNING,
                                             AGVIZ_DIAGNOSTIC_KIND_FUNCTION_REDEFINED, message);
          agviz_diagnostic_set_function (diagnostic, function->id, function->name);
          set_function_location (self, diagnostic, function);
          agviz_diagnostic_add_evidence (diagnostic, "%u new function objects defined on this line "
                                         "were each traced and compiled (JAX: \"never seen "
                                         "function\")", first_traces);
          if (redefined)
            agviz_diagnostic_add_evidence (diagnostic, "JAX: \"seen another function defined on "
                                           "the same line; maybe the function is being "
                                           "re-defined repeatedly, preventing caching?\"");
          fix = g_strdup_printf ("Define %s once, outside the loop (or the function called "
                                 "repeatedly), and jit it once: jax.jit(%s) made there is reused "
                                 "by every call.", function->name, function->name);
          agviz_diagnostic_set_fix (diagnostic, fix);
          g_list_store_append (self->diagnostics, diagnostic);
          continue;
        }

      if (retraces->len + 1 >= RETRACE_REPORT_MIN)
        {
          g_autoptr(AgvizDiagnostic) diagnostic = NULL;
          g_autofree char *message = NULL, *fix = NULL;
          guint traces = retraces->len + MAX (first_traces, 1);

          message = g_strdup_printf ("%s was traced and compiled %u times: JAX missed its "
                                     "tracing cache %u time%s", function->name, traces,
                                     retraces->len, plural (retraces->len));
          diagnostic = retracing_diagnostic (self, function,
                                             traces >= RETRACE_WARNING_TRACES
                                             ? AGVIZ_DIAGNOSTIC_SEVERITY_WARNING
                                             : AGVIZ_DIAGNOSTIC_SEVERITY_NOTE, message);
          for (guint i = 0; i < retraces->len; i++)
            {
              AgvizEvent *event = g_ptr_array_index (retraces, i);
              AgvizTrace *trace = g_hash_table_lookup (self->traces, &event->trace_id);
              const char *cost = strstr (event->detail, "(tracing cost ");

              agviz_diagnostic_add_evidence (diagnostic, "trace %d: %s%s%.*s",
                                             trace != NULL ? trace->ordinal : (int) i + 2,
                                             event->message, cost != NULL ? " " : "",
                                             cost != NULL ? (int) strcspn (cost, "\n") : 0,
                                             cost != NULL ? cost : "");
            }
          fix = jax_retrace_fix (function->name,
                                 ((AgvizEvent *) g_ptr_array_index (retraces, 0))->message);
          agviz_diagnostic_set_fix (diagnostic, fix);
          g_list_store_append (self->diagnostics, diagnostic);
        }
    }
}

/* ---- reading a function's source (for 3 and 4) ------------------------------------------- */

/* Stacks read per function to find the lines it ran, when the importer left its file or def
 * line unknown: enough to tell two defs of one name apart, bounded for graphs of 100k nodes. */
#define MAX_STACKS_READ 64

typedef struct
{
  char            *file;        /* recorded path of the file defining the function */
  GPtrArray       *lines;       /* its text: line N at index N - 1 */
  AgvizPythonScan *scan;
} FunctionSource;

static void
function_source_clear (FunctionSource *source)
{
  g_clear_pointer (&source->file, g_free);
  g_clear_pointer (&source->lines, g_ptr_array_unref);
  g_clear_pointer (&source->scan, agviz_python_scan_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FunctionSource, function_source_clear)

/* The lines at which @function's own frames (frames of a user file named like the function) ran
 * while its traces' nodes were created, into @lines; in *@file, unless already set, the file
 * of the first such frame, or when there is none (every node was made after the body returned,
 * from its value), the user file the nodes were made from.  FALSE only when the store fails. */
static gboolean
collect_function_frames (AgvizChecker   *self,
                         AgvizFunction  *function,
                         char          **file,
                         GArray         *lines,
                         GError        **error)
{
  const char *name = code_name (function->name);
  g_autoptr(GHashTable) read = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree char *calling_file = NULL;

  for (guint t = 0; t < function->traces->len && g_hash_table_size (read) < MAX_STACKS_READ; t++)
    {
      AgvizTrace *trace = g_ptr_array_index (function->traces, t);
      g_autoptr(GArray) stacks = agviz_store_list_trace_node_stacks (self->store, trace->id, error);

      if (stacks == NULL)
        return FALSE;
      for (guint i = 0; i < stacks->len && g_hash_table_size (read) < MAX_STACKS_READ; i++)
        {
          AgvizNodeStack *pair = &g_array_index (stacks, AgvizNodeStack, i);
          g_autoptr(GPtrArray) frames = NULL;

          if (!g_hash_table_add (read, &pair->stack_id))
            continue;
          frames = agviz_store_get_stack_frames (self->store, pair->stack_id, error);
          if (frames == NULL)
            return FALSE;
          for (guint f = 0; f < frames->len; f++)
            {
              AgvizFrame *frame = g_ptr_array_index (frames, f);

              if (agviz_source_map_classify_path (frame->file) != AGVIZ_FRAME_ORIGIN_USER)
                continue;
              if (calling_file == NULL)
                calling_file = g_strdup (frame->file);
              if (g_strcmp0 (frame->function, name) != 0)
                continue;
              if (*file == NULL)
                *file = g_strdup (frame->file);
              if (g_str_equal (frame->file, *file))
                g_array_append_val (lines, frame->line);
            }
        }
    }
  if (*file == NULL)
    *file = g_steal_pointer (&calling_file);
  return TRUE;
}

/* The def of @function in @text: the one at its recorded line, else the first `def NAME` whose
 * body holds every line the function's frames ran at, else, with no such lines to go by, the
 * only `def NAME`.  NULL where that leaves a doubt: reading another function's body would report
 * its mistakes as this one's. */
static AgvizPythonScan *
scan_function_definition (AgvizFunction *function,
                          const char    *text,
                          GArray        *frame_lines)
{
  g_autoptr(GPtrArray) definitions = NULL;
  AgvizPythonScan *scan = NULL;

  if (function->line > 0 && (scan = agviz_python_scan_new (text, -1, function->line)) != NULL)
    return scan;
  definitions = agviz_python_scan_list_definitions (text, -1, function->name);
  if (frame_lines->len == 0)
    return definitions->len == 1
           ? agviz_python_scan_new (text, -1,
                                    ((AgvizPythonDefinition *) g_ptr_array_index (definitions, 0))->def_line)
           : NULL;
  for (guint d = 0; d < definitions->len && scan == NULL; d++)
    {
      AgvizPythonDefinition *definition = g_ptr_array_index (definitions, d);
      gboolean holds_all = TRUE;

      for (guint i = 0; i < frame_lines->len; i++)
        {
          int line = g_array_index (frame_lines, int, i);
          holds_all &= line >= definition->def_line && line <= definition->body_last_line;
        }
      if (holds_all)
        scan = agviz_python_scan_new (text, -1, definition->def_line);
    }
  return scan;
}

/* Reads and scans @function's source into @source; source->scan stays NULL when the source is
 * not there (no file known, or the file missing or changed): the source rules then say nothing.
 * FALSE only when the store fails. */
static gboolean
read_function_source (AgvizChecker    *self,
                      AgvizFunction   *function,
                      FunctionSource  *source,
                      GError         **error)
{
  g_autoptr(GArray) frame_lines = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GString) text = g_string_new (NULL);
  int first = 0;

  source->file = g_strdup (function->file);
  /* The frames find the file when the importer did not say it, and tell several defs of one
   * name apart when it did not say the line. */
  if ((source->file == NULL || function->line <= 0) &&
      !collect_function_frames (self, function, &source->file, frame_lines, error))
    return FALSE;
  if (source->file == NULL)
    return TRUE;

  agviz_source_map_get_lines (self->source_map, source->file, 1, G_MAXINT, &source->lines, &first,
                              NULL);
  if (source->lines->len == 0 || first != 1)
    return TRUE;
  for (guint i = 0; i < source->lines->len; i++)
    {
      g_string_append (text, g_ptr_array_index (source->lines, i));
      g_string_append_c (text, '\n');
    }
  source->scan = scan_function_definition (function, text->str, frame_lines);
  return TRUE;
}

static char *
source_line_text (const FunctionSource *source,
                  int                   line)
{
  if (line < 1 || (guint) line > source->lines->len)
    return NULL;
  return g_strstrip (g_strdup (g_ptr_array_index (source->lines, line - 1)));
}

/* ---- 3. values frozen at trace time ------------------------------------------------------ */

/* Indexed by AgvizPythonValueSource. */
static const char *const frozen_fixes[] = {
  [AGVIZ_PYTHON_VALUE_NUMPY_RANDOM] =
    "Use tf.random.normal / tf.random.uniform (or a tf.random.Generator): a random op draws new "
    "numbers on every call, NumPy only once while tracing.",
  [AGVIZ_PYTHON_VALUE_PYTHON_RANDOM] =
    "Use tf.random.uniform / tf.random.Generator: Python's random runs only while tracing.",
  [AGVIZ_PYTHON_VALUE_TIME] = "Use tf.timestamp(): time.time() runs only while tracing.",
  [AGVIZ_PYTHON_VALUE_DATETIME] = "Use tf.timestamp(): datetime runs only while tracing.",
};

/* A Const node of one of the function's traces, and where it was created. */
typedef struct
{
  AgvizTrace *trace;
  AgvizNode  *node;
  Location    where;           /* its defining frame */
  gboolean    after_body;      /* no frame of its stack is in the body: TF made it from the
                                * returned value, after the body had ended */
  gboolean    feeds_output;    /* an output of the trace takes it as it is */
} FrozenConstant;

static void
frozen_constant_free (FrozenConstant *constant)
{
  agviz_node_free (constant->node);
  location_clear (&constant->where);
  g_free (constant);
}

static gboolean
is_trace_output (AgvizChecker  *self,
                 AgvizNode     *node,
                 GError       **error,
                 gboolean      *failed)
{
  g_autoptr(GArray) inputs = NULL, outputs = NULL;

  if (g_strcmp0 (node->op_type, "_Retval") == 0)
    return TRUE;
  if (g_strcmp0 (node->op_type, "Identity") != 0 && g_strcmp0 (node->op_type, "IdentityN") != 0)
    return FALSE;
  if (!agviz_store_list_node_edges (self->store, node->id, &inputs, &outputs, error))
    {
      *failed = TRUE;
      return FALSE;
    }
  for (guint i = 0; i < outputs->len; i++)
    if (g_array_index (outputs, AgvizEdge, i).src_output >= 0)
      return FALSE;
  return TRUE;
}

/* Whether @node's value goes straight into an output of its trace. */
static gboolean
feeds_trace_output (AgvizChecker  *self,
                    AgvizNode     *node,
                    GError       **error,
                    gboolean      *failed)
{
  g_autoptr(GArray) inputs = NULL, outputs = NULL;

  if (!agviz_store_list_node_edges (self->store, node->id, &inputs, &outputs, error))
    {
      *failed = TRUE;
      return FALSE;
    }
  for (guint i = 0; i < outputs->len && !*failed; i++)
    {
      AgvizEdge *edge = &g_array_index (outputs, AgvizEdge, i);
      g_autoptr(AgvizNode) consumer = NULL;

      if (edge->src_output < 0)
        continue;
      consumer = agviz_store_get_node (self->store, edge->dst_node_id, error);
      if (consumer == NULL)
        *failed = TRUE;
      else if (is_trace_output (self, consumer, error, failed))
        return TRUE;
    }
  return FALSE;
}

/* Every Const of @function's traces with where it was created (element-type FrozenConstant). */
static GPtrArray *
list_frozen_constants (AgvizChecker         *self,
                       AgvizFunction        *function,
                       const FunctionSource *source,
                       GError              **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) frozen_constant_free);
  const AgvizPythonDefinition *definition = &source->scan->definition;

  for (guint t = 0; t < function->traces->len; t++)
    {
      AgvizTrace *trace = g_ptr_array_index (function->traces, t);
      g_autoptr(GPtrArray) constants = agviz_store_list_trace_nodes_of_type (self->store, trace->id,
                                                                             "Const", error);
      if (constants == NULL)
        return NULL;
      for (guint n = 0; n < constants->len; n++)
        {
          FrozenConstant *constant = g_new0 (FrozenConstant, 1);
          g_autoptr(GPtrArray) frames = NULL;
          gboolean failed = FALSE;

          constant->trace = trace;
          constant->node = g_steal_pointer (&constants->pdata[n]);
          g_ptr_array_add (found, constant);
          if (constant->node->stack_id == 0)
            continue;
          locate_stack (self, constant->node->stack_id, &constant->where);
          frames = agviz_store_get_stack_frames (self->store, constant->node->stack_id, error);
          if (frames == NULL)
            return NULL;
          constant->after_body = TRUE;
          for (guint f = 0; f < frames->len; f++)
            {
              AgvizFrame *frame = g_ptr_array_index (frames, f);
              if (g_strcmp0 (frame->file, source->file) == 0 &&
                  frame->line >= definition->body_first_line &&
                  frame->line <= definition->body_last_line)
                constant->after_body = FALSE;
            }
          if (constant->after_body)
            constant->feeds_output = feeds_trace_output (self, constant->node, error, &failed);
          if (failed)
            return NULL;
        }
    }
  return g_steal_pointer (&found);
}

/* The Const that froze @value, and the statement that led to it.  Only a trace called twice or
 * more shows a frozen value: a function traced anew for every call computes it every time. */
static FrozenConstant *
find_freezing_constant (const FunctionSource          *source,
                        GPtrArray                     *constants,
                        const AgvizPythonScanFinding  *value,
                        const AgvizPythonScanUse     **use_out)
{
  for (guint c = 0; c < constants->len; c++)
    {
      FrozenConstant *constant = g_ptr_array_index (constants, c);

      if (constant->trace->execution_count < 2)
        continue;
      for (guint u = 0; u < value->uses->len; u++)
        {
          const AgvizPythonScanUse *use = g_ptr_array_index (value->uses, u);

          if (constant->where.file != NULL && g_str_equal (constant->where.file, source->file) &&
              constant->where.line >= use->first_line && constant->where.line <= use->last_line)
            {
              *use_out = use;
              return constant;
            }
          if (use->returned && constant->after_body && constant->feeds_output)
            {
              *use_out = use;
              return constant;
            }
        }
    }
  return NULL;
}

static gboolean
check_frozen_values (AgvizChecker  *self,
                     GError       **error)
{
  for (guint f = 0; f < self->functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (self->functions, f);
      g_auto(FunctionSource) source = { 0 };
      g_autoptr(GPtrArray) constants = NULL;
      gint64 executions = function_execution_count (function);
      gboolean has_values = FALSE;

      /* Called once, a frozen value cannot show: every call saw the value of its own trace. */
      if (executions < 2)
        continue;
      if (!read_function_source (self, function, &source, error))
        return FALSE;
      if (source.scan == NULL)
        continue;
      for (guint i = 0; i < source.scan->findings->len; i++)
        has_values |= ((AgvizPythonScanFinding *) g_ptr_array_index (source.scan->findings, i))->kind ==
                      AGVIZ_PYTHON_SCAN_TRACE_TIME_VALUE;
      if (!has_values)
        continue;
      constants = list_frozen_constants (self, function, &source, error);
      if (constants == NULL)
        return FALSE;

      for (guint i = 0; i < source.scan->findings->len; i++)
        {
          const AgvizPythonScanFinding *value = g_ptr_array_index (source.scan->findings, i);
          const AgvizPythonScanUse *use = NULL;
          g_autoptr(AgvizDiagnostic) diagnostic = NULL;
          g_autofree char *message = NULL, *text = NULL;
          FrozenConstant *constant;
          AgvizTrace *trace;

          if (value->kind != AGVIZ_PYTHON_SCAN_TRACE_TIME_VALUE ||
              (constant = find_freezing_constant (&source, constants, value, &use)) == NULL)
            continue;
          trace = constant->trace;

          message = g_strdup_printf ("%s uses %s at trace time: its value is frozen into a "
                                     "constant", function->name,
                                     agviz_python_value_source_to_string (value->source));
          diagnostic = agviz_diagnostic_new (AGVIZ_DIAGNOSTIC_SEVERITY_WARNING,
                                             AGVIZ_DIAGNOSTIC_KIND_FROZEN_VALUE, message);
          agviz_diagnostic_set_function (diagnostic, function->id, function->name);
          agviz_diagnostic_set_trace (diagnostic, trace->id, trace->ordinal);
          agviz_diagnostic_set_node (diagnostic, constant->node->id, constant->node->name);
          text = source_line_text (&source, value->line);
          agviz_diagnostic_set_location (diagnostic, source.file, value->line, text);

          if (value->helper != NULL)
            agviz_diagnostic_add_evidence (diagnostic, "line %d calls %s(), which returns the "
                                           "value of %s() (line %d) while tracing", value->line,
                                           value->helper, value->call, value->call_line);
          else
            agviz_diagnostic_add_evidence (diagnostic, "line %d calls %s() while tracing",
                                           value->line, value->call);
          if (use->returned && constant->after_body && !(constant->where.file != NULL &&
                                                         g_str_equal (constant->where.file, source.file) &&
                                                         constant->where.line >= use->first_line &&
                                                         constant->where.line <= use->last_line))
            agviz_diagnostic_add_evidence (diagnostic, "line %d returns the value%s%s: Const "
                                           "node '%s' in trace %d (%s), an output of the trace, "
                                           "was made from it when the body returned", use->line,
                                           use->name != NULL ? " through " : "",
                                           use->name != NULL ? use->name : "",
                                           constant->node->name, trace->ordinal, trace->graph_name);
          else if (use->name != NULL)
            agviz_diagnostic_add_evidence (diagnostic, "the value reaches line %d through %s: "
                                           "Const node '%s' in trace %d (%s) was created by "
                                           "line %d while tracing", use->line, use->name,
                                           constant->node->name, trace->ordinal,
                                           trace->graph_name, constant->where.line);
          else
            agviz_diagnostic_add_evidence (diagnostic, "Const node '%s' in trace %d (%s) was "
                                           "created by line %d while tracing",
                                           constant->node->name, trace->ordinal,
                                           trace->graph_name, constant->where.line);
          agviz_diagnostic_add_evidence (diagnostic, "%s ran %" G_GINT64_FORMAT " time%s "
                                         "from %u trace%s: each call returned the value "
                                         "computed while tracing", function->name, executions,
                                         plural (executions), function->traces->len,
                                         plural (function->traces->len));
          agviz_diagnostic_set_fix (diagnostic, frozen_fixes[value->source]);
          g_list_store_append (self->diagnostics, diagnostic);
        }
    }
  return TRUE;
}

/* ---- 4. Python side effects at trace time ------------------------------------------------ */

/* Whether some PrintV2 node of @function was created by @line of @file. */
static gboolean
line_has_print_op (AgvizChecker   *self,
                   AgvizFunction  *function,
                   const char     *file,
                   int             line,
                   GError        **error,
                   gboolean       *failed)
{
  for (guint t = 0; t < function->traces->len; t++)
    {
      AgvizTrace *trace = g_ptr_array_index (function->traces, t);
      g_autoptr(GPtrArray) prints = agviz_store_list_trace_nodes_of_type (self->store, trace->id,
                                                                          "PrintV2", error);
      if (prints == NULL)
        {
          *failed = TRUE;
          return FALSE;
        }
      for (guint i = 0; i < prints->len; i++)
        {
          AgvizNode *node = g_ptr_array_index (prints, i);
          g_auto(Location) where = { 0 };

          if (locate_stack (self, node->stack_id, &where) &&
              g_strcmp0 (where.file, file) == 0 && where.line == line)
            return TRUE;
        }
    }
  return FALSE;
}

/* What a side effect does, as its own line says it: "appends to seen", "sets self.calls". */
static char *
describe_side_effect (AgvizPythonScanKind  kind,
                      const char          *changed,
                      const char          *method)
{
  static const struct { const char *method, *verb; } verbs[] = {
    { "append", "appends to" }, { "extend", "extends" }, { "insert", "inserts into" },
    { "update", "updates" }, { "add", "adds to" }, { "pop", "pops from" },
    { "remove", "removes from" }, { "clear", "clears" }, { "discard", "discards from" },
  };

  switch (kind)
    {
    case AGVIZ_PYTHON_SCAN_PRINT:
      return g_strdup ("calls Python's print");
    case AGVIZ_PYTHON_SCAN_MUTATING_CALL:
      for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
        if (g_strcmp0 (method, verbs[i].method) == 0)
          return g_strdup_printf ("%s %s", verbs[i].verb, changed);
      return g_strdup_printf ("calls %s.%s()", changed, method != NULL ? method : "?");
    case AGVIZ_PYTHON_SCAN_ITEM_STORE:
      return g_strdup_printf ("changes an item of %s", changed);
    case AGVIZ_PYTHON_SCAN_ATTRIBUTE_STORE:
      return g_strdup_printf ("sets %s", changed);
    case AGVIZ_PYTHON_SCAN_GLOBAL_STORE:
      return g_strdup_printf ("assigns %s", changed);
    case AGVIZ_PYTHON_SCAN_TRACE_TIME_VALUE:
      break;
    }
  g_assert_not_reached ();
}

/* How a side effect of a helper the function called is the function's: the call and the
 * helper's line. */
static char *
describe_helper_path (AgvizFunction                *function,
                      const AgvizPythonScanFinding *finding)
{
  g_autofree char *effect = NULL, *changed = NULL;

  if (finding->parameter == NULL)
    {
      effect = describe_side_effect (finding->kind, finding->name, finding->method);
      return g_strdup_printf ("%s calls %s (line %d), which %s at line %d while tracing",
                              function->name, finding->helper, finding->helper_call_line, effect,
                              finding->helper_line);
    }
  /* The object as the helper names it: its parameter, then what the function's name for it
   * has after the argument ("stats.items" passed as lst: lst; "stats" as obj, set: obj.count). */
  changed = g_strconcat (finding->parameter,
                         g_str_has_prefix (finding->name, finding->argument)
                         ? finding->name + strlen (finding->argument) : "", NULL);
  effect = describe_side_effect (finding->kind, changed, finding->method);
  return g_strdup_printf ("%s passes %s to %s (line %d) as %s, which %s at line %d while "
                          "tracing", function->name, finding->argument, finding->helper,
                          finding->helper_call_line, finding->parameter, effect,
                          finding->helper_line);
}

/* @how (may be NULL): the first evidence, for a side effect that is not on the function's own
 * line. */
static void
add_side_effect (AgvizChecker  *self,
                 AgvizFunction *function,
                 Framework      framework,
                 const char    *file,
                 int            line,
                 const char    *code,
                 const char    *message,
                 const char    *how,
                 const char    *fix)
{
  g_autoptr(AgvizDiagnostic) diagnostic = agviz_diagnostic_new (AGVIZ_DIAGNOSTIC_SEVERITY_WARNING,
                                                                AGVIZ_DIAGNOSTIC_KIND_TRACE_TIME_SIDE_EFFECT,
                                                                message);
  gint64 executions = function_execution_count (function);
  gint64 skipped = MAX (executions - (gint64) function->traces->len, 0);

  agviz_diagnostic_set_function (diagnostic, function->id, function->name);
  agviz_diagnostic_set_location (diagnostic, file, line, code);
  if (how != NULL)
    agviz_diagnostic_add_evidence (diagnostic, "%s", how);
  /* jax.jit's calls are not recorded one by one: what is known is the tracing. */
  if (framework == FRAMEWORK_JAX)
    agviz_diagnostic_add_evidence (diagnostic, "%s was traced %u time%s by jax.jit: the line ran "
                                   "while tracing, and does not run on the calls that reuse "
                                   "what was compiled", function->name, function->traces->len,
                                   plural (function->traces->len));
  else
    agviz_diagnostic_add_evidence (diagnostic, "%s was traced %u time%s and ran %" G_GINT64_FORMAT
                                   " time%s: the line ran once per trace, and was skipped on %"
                                   G_GINT64_FORMAT " call%s", function->name,
                                   function->traces->len, plural (function->traces->len),
                                   executions, plural (executions), skipped, plural (skipped));

  for (guint i = 0; i < self->events->len; i++)
    {
      AgvizEvent *event = g_ptr_array_index (self->events, i);
      g_auto(Location) where = { 0 };

      if (event->kind != AGVIZ_EVENT_SIDE_EFFECT || event->function_id != function->id ||
          !locate_stack (self, event->stack_id, &where) || where.line != line)
        continue;
      agviz_diagnostic_add_evidence (diagnostic, "recorded event: %s%s%s", event->message,
                                     event->detail != NULL ? "; value: " : "",
                                     event->detail != NULL ? event->detail : "");
    }
  agviz_diagnostic_set_fix (diagnostic, fix);
  g_list_store_append (self->diagnostics, diagnostic);
}

static gboolean
check_side_effects (AgvizChecker  *self,
                    GError       **error)
{
  for (guint f = 0; f < self->functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (self->functions, f);
      g_auto(FunctionSource) source = { 0 };
      g_autoptr(GHashTable) reported_lines = g_hash_table_new (NULL, NULL);

      Framework framework = function_framework (self, function);

      /* torch.compile handles Python side effects itself, with graph breaks. */
      if (function->traces->len == 0 || framework == FRAMEWORK_TORCH)
        continue;
      if (!read_function_source (self, function, &source, error))
        return FALSE;
      if (source.scan == NULL)
        continue;

      for (guint i = 0; i < source.scan->findings->len; i++)
        {
          const AgvizPythonScanFinding *finding = g_ptr_array_index (source.scan->findings, i);
          g_autofree char *text = NULL, *message = NULL, *fix = NULL, *how = NULL;
          g_autofree char *through = NULL;
          gboolean failed = FALSE;

          if (finding->kind == AGVIZ_PYTHON_SCAN_TRACE_TIME_VALUE ||
              g_hash_table_contains (reported_lines, GINT_TO_POINTER (finding->line)))
            continue;
          /* A helper of the file ran inside the trace: its side effect is this function's. */
          through = finding->helper != NULL ? g_strdup_printf (" through %s", finding->helper)
                                            : g_strdup ("");

          switch (finding->kind)
            {
            case AGVIZ_PYTHON_SCAN_PRINT:
              /* A print that AutoGraph turned into a PrintV2 op runs on every call. */
              if (line_has_print_op (self, function, source.file, finding->line, error, &failed) ||
                  failed)
                {
                  if (failed)
                    return FALSE;
                  continue;
                }
              message = g_strdup_printf ("%s calls Python's print%s at line %d: it prints while "
                                         "tracing only", function->name, through, finding->line);
              fix = framework == FRAMEWORK_JAX
                      ? g_strdup ("Use jax.debug.print(\"{x}\", x=x): it is staged into the "
                                  "jitted computation and prints the values on every call.")
                      : g_strdup ("Use tf.print(...): it becomes a PrintV2 op and prints on every "
                                  "call.");
              break;

            case AGVIZ_PYTHON_SCAN_MUTATING_CALL:
            case AGVIZ_PYTHON_SCAN_ITEM_STORE:
              message = g_strdup_printf ("%s mutates %s, defined outside it,%s at trace time",
                                         function->name, finding->name, through);
              fix = framework == FRAMEWORK_JAX
                      ? g_strdup_printf ("%s changes once per trace, not per call, and holds "
                                         "tracers, which are invalid once the jitted function "
                                         "returns (UnexpectedTracerError): return the values "
                                         "from the function instead and collect them outside "
                                         "it, since jax.jit functions must be pure.",
                                         finding->name)
                      : g_strdup_printf ("%s changes once per trace, not per call, and holds "
                                         "symbolic tensors: return the values instead, or keep "
                                         "them in a tf.Variable or tf.TensorArray.",
                                         finding->name);
              break;

            case AGVIZ_PYTHON_SCAN_ATTRIBUTE_STORE:
              message = g_strdup_printf ("%s sets %s, on an object defined outside it,%s at trace "
                                         "time", function->name, finding->name, through);
              fix = framework == FRAMEWORK_JAX
                      ? g_strdup_printf ("%s changes once per trace, not per call, and holds a "
                                         "tracer: return the new value from the jitted "
                                         "function and set it outside, passing the state in and "
                                         "out as arguments and results.", finding->name)
                      : g_strdup_printf ("%s changes once per trace, not per call: keep the value "
                                         "in a tf.Variable made once (in __init__ or build) and "
                                         "change it with .assign() / .assign_add(), or return "
                                         "it.", finding->name);
              break;

            case AGVIZ_PYTHON_SCAN_GLOBAL_STORE:
              message = g_strdup_printf ("%s assigns %s, a variable outside it,%s at trace time",
                                         function->name, finding->name, through);
              fix = framework == FRAMEWORK_JAX
                      ? g_strdup_printf ("%s changes once per trace, not per call, and holds a "
                                         "tracer: return the value from the jitted function and "
                                         "assign it outside.", finding->name)
                      : g_strdup_printf ("%s changes once per trace, not per call: keep it in a "
                                         "tf.Variable made outside the function and change it "
                                         "with .assign() / .assign_add(), or return the value.",
                                         finding->name);
              break;

            case AGVIZ_PYTHON_SCAN_TRACE_TIME_VALUE:
              g_assert_not_reached ();
            }

          text = source_line_text (&source, finding->line);
          if (finding->helper != NULL)
            how = describe_helper_path (function, finding);
          add_side_effect (self, function, framework, source.file, finding->line, text, message,
                           how, fix);
          g_hash_table_add (reported_lines, GINT_TO_POINTER (finding->line));
        }
    }
  return TRUE;
}

/* ---- 5. NaN and infinities --------------------------------------------------------------- */

/* Nodes looked at when following an -inf towards a loss or an output. */
#define MAX_INF_WALK 256

/* Ops whose output holds their input's values: an -inf goes through them unchanged. */
static const char *const value_preserving_ops[] = {
  "Identity", "IdentityN", "Snapshot", "StopGradient", "PreventGradient", "Reshape", "Squeeze",
  "ExpandDims", "EnsureShape", "_Retval",
};

static gboolean
is_value_preserving_op (const char *op_type)
{
  for (guint i = 0; op_type != NULL && i < G_N_ELEMENTS (value_preserving_ops); i++)
    if (g_str_equal (op_type, value_preserving_ops[i]))
      return TRUE;
  return FALSE;
}

static gboolean
names_a_loss (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);
  return strstr (lower, "loss") != NULL;
}

/* Whether the -inf that @node_id produced reaches a loss or an output of its trace: the node is
 * one (by its name or scope, or as an output), or feeds one through ops that keep values as they
 * are.  *@reached names the node.  FALSE with @error set when the store fails. */
static gboolean
infinity_reaches_result (AgvizChecker  *self,
                         gint64         node_id,
                         char         **reached,
                         GError       **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GArray) queue = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 *first = g_new (gint64, 1);

  *first = node_id;
  g_hash_table_add (seen, first);
  g_array_append_val (queue, node_id);
  for (guint q = 0; q < queue->len && q < MAX_INF_WALK; q++)
    {
      gint64 id = g_array_index (queue, gint64, q);
      g_autoptr(AgvizNode) node = agviz_store_get_node (self->store, id, error);
      g_autoptr(GArray) inputs = NULL, outputs = NULL;
      gboolean failed = FALSE;

      if (node == NULL)
        return FALSE;
      if (names_a_loss (node->name) || is_trace_output (self, node, error, &failed))
        {
          *reached = g_strdup (node->name);
          return TRUE;
        }
      if (failed)
        return FALSE;
      if (q > 0 && !is_value_preserving_op (node->op_type))
        continue;
      if (!agviz_store_list_node_edges (self->store, id, &inputs, &outputs, error))
        return FALSE;
      for (guint i = 0; i < outputs->len; i++)
        {
          AgvizEdge *edge = &g_array_index (outputs, AgvizEdge, i);
          gint64 *next;

          if (edge->src_output < 0 || g_hash_table_contains (seen, &edge->dst_node_id))
            continue;
          next = g_new (gint64, 1);
          *next = edge->dst_node_id;
          g_hash_table_add (seen, next);
          g_array_append_val (queue, edge->dst_node_id);
        }
    }
  return FALSE;
}

/* The node of @summary, where it was created, and its function and trace (any may stay NULL). */
static gboolean
locate_summary (AgvizChecker        *self,
                AgvizTensorSummary  *summary,
                AgvizNode          **node,
                Location            *where,
                AgvizFunction      **function,
                AgvizTrace         **trace,
                GError             **error)
{
  if (summary->node_id != 0)
    {
      *node = agviz_store_get_node (self->store, summary->node_id, error);
      if (*node == NULL)
        return FALSE;
      locate_stack (self, (*node)->stack_id, where);
      *function = g_hash_table_lookup (self->trace_functions, &(*node)->trace_id);
      *trace = g_hash_table_lookup (self->traces, &(*node)->trace_id);
      return TRUE;
    }
  for (guint i = 0; i < self->executions->len; i++)
    {
      AgvizExecution *execution = g_ptr_array_index (self->executions, i);
      if (execution->id == summary->execution_id)
        locate_stack (self, execution->stack_id, where);
    }
  return TRUE;
}

static char *
describe_producer (AgvizNode *node)
{
  if (node == NULL)
    return g_strdup ("an eager op");
  if (node->op_type != NULL)
    return g_strdup_printf ("%s (%s)", node->name, node->op_type);
  return g_strdup (node->name);
}

/* NaN is always an error, and so is +inf.  -inf alone is routine as a mask (before a softmax,
 * a max or a top-k): an error only where it reaches a loss or an output, else a note. */
static gboolean
check_nan_inf (AgvizChecker  *self,
               GError       **error)
{
  g_autoptr(GPtrArray) summaries = agviz_store_list_unhealthy_summaries (self->store, error);
  g_autoptr(GHashTable) reaches = NULL;
  g_autoptr(GHashTable) nodes = NULL;
  g_autoptr(AgvizDiagnostic) diagnostic = NULL;
  g_autoptr(AgvizNode) node = NULL, mask_node = NULL;
  g_auto(Location) where = { 0 };
  g_autofree char *message = NULL, *values = NULL, *fix = NULL, *producer = NULL;
  g_autofree char *reached = NULL;
  AgvizTensorSummary *chosen = NULL, *first_mask = NULL;
  AgvizFunction *function = NULL;
  AgvizTrace *trace = NULL;
  gboolean serious = FALSE;

  if (summaries == NULL)
    return FALSE;
  if (summaries->len == 0)
    return TRUE;

  /* node id -> the loss or output its -inf reaches ("" for none), each walked once. */
  reaches = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  for (guint i = 0; i < summaries->len && !serious; i++)
    {
      AgvizTensorSummary *summary = g_ptr_array_index (summaries, i);
      const char *target;

      if (summary->nan_count > 0 || summary->pos_inf_count > 0)
        {
          chosen = summary;
          serious = TRUE;
          break;
        }
      if (summary->neg_inf_count <= 0)
        continue;
      if (summary->node_id != 0 && !g_hash_table_contains (reaches, &summary->node_id))
        {
          g_autofree char *name = NULL;

          if (!infinity_reaches_result (self, summary->node_id, &name, error) && error != NULL &&
              *error != NULL)
            return FALSE;
          g_hash_table_insert (reaches, &summary->node_id, name != NULL ? g_steal_pointer (&name)
                                                                        : g_strdup (""));
        }
      target = summary->node_id != 0 ? g_hash_table_lookup (reaches, &summary->node_id) : "";
      if (*target != '\0')
        {
          chosen = summary;
          serious = TRUE;
          reached = g_strdup (target);
        }
      else if (first_mask == NULL)
        first_mask = summary;
    }
  if (chosen == NULL)
    chosen = first_mask;

  if (!locate_summary (self, chosen, &node, &where, &function, &trace, error))
    return FALSE;
  producer = describe_producer (node);

  values = g_strdup_printf ("%" G_GINT64_FORMAT " NaN, %" G_GINT64_FORMAT " -inf, %"
                            G_GINT64_FORMAT " +inf", MAX (chosen->nan_count, 0),
                            MAX (chosen->neg_inf_count, 0), MAX (chosen->pos_inf_count, 0));
  if (serious)
    message = g_strdup_printf ("%s produced %s first", producer,
                               chosen->nan_count > 0 ? "NaN" : "an infinity");
  else
    message = g_strdup_printf ("%s produced -inf, which reaches no loss and no output",
                               producer);
  diagnostic = agviz_diagnostic_new (serious ? AGVIZ_DIAGNOSTIC_SEVERITY_ERROR
                                             : AGVIZ_DIAGNOSTIC_SEVERITY_NOTE,
                                     AGVIZ_DIAGNOSTIC_KIND_NAN_INF, message);
  if (function != NULL)
    agviz_diagnostic_set_function (diagnostic, function->id, function->name);
  if (trace != NULL)
    agviz_diagnostic_set_trace (diagnostic, trace->id, trace->ordinal);
  if (node != NULL)
    agviz_diagnostic_set_node (diagnostic, node->id, node->name);
  if (where.file != NULL)
    set_location (diagnostic, &where);

  agviz_diagnostic_add_evidence (diagnostic, "tensor summary of output %d%s: %s out of %"
                                 G_GINT64_FORMAT " element%s%s%s", chosen->output_slot,
                                 chosen->execution_id != 0 ? " in the first bad call" : "",
                                 values, MAX (chosen->element_count, 0),
                                 plural (MAX (chosen->element_count, 0)),
                                 chosen->shape != NULL ? ", shape " : "",
                                 chosen->shape != NULL ? chosen->shape : "");
  if (reached != NULL)
    agviz_diagnostic_add_evidence (diagnostic, "the -inf reaches %s, %s", reached,
                                   names_a_loss (reached) ? "a loss" : "an output of the trace");
  if (serious && first_mask != NULL && first_mask != chosen)
    {
      g_auto(Location) mask_where = { 0 };
      AgvizFunction *mask_function = NULL;
      AgvizTrace *mask_trace = NULL;
      g_autofree char *mask_producer = NULL;

      if (!locate_summary (self, first_mask, &mask_node, &mask_where, &mask_function, &mask_trace,
                           error))
        return FALSE;
      mask_producer = describe_producer (mask_node);
      agviz_diagnostic_add_evidence (diagnostic, "before it, %s produced -inf that reaches no "
                                     "loss and no output", mask_producer);
    }
  nodes = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < summaries->len; i++)
    {
      AgvizTensorSummary *summary = g_ptr_array_index (summaries, i);
      if (summary->node_id != 0)
        g_hash_table_add (nodes, &summary->node_id);
    }
  agviz_diagnostic_add_evidence (diagnostic, "%u unhealthy tensor summar%s in all, from %u "
                                 "node%s; this is the first %sin execution order", summaries->len,
                                 summaries->len == 1 ? "y" : "ies", g_hash_table_size (nodes),
                                 plural (g_hash_table_size (nodes)),
                                 serious ? "" : "-inf ");

  if (serious)
    fix = g_strdup_printf ("Look at the inputs of %s: guard the operation (for example add a "
                           "small epsilon before a log or a division, or clip), and run with "
                           "tf.debugging.enable_check_numerics() to stop at the first bad value.",
                           node != NULL ? node->name : "an eager op");
  else
    fix = g_strdup_printf ("-inf is routine as a mask (before a softmax, a max or a top-k), and "
                           "this one goes no further.  If %s is not meant to mask, guard it (an "
                           "epsilon before a log, or a clip).", node != NULL ? node->name
                                                                             : "the eager op");
  agviz_diagnostic_set_fix (diagnostic, fix);
  g_list_store_append (self->diagnostics, diagnostic);
  return TRUE;
}

/* ---- 6. AutoGraph conversion failures ---------------------------------------------------- */

static void
check_autograph (AgvizChecker *self)
{
  for (guint i = 0; i < self->events->len; i++)
    {
      AgvizEvent *event = g_ptr_array_index (self->events, i);
      g_autofree char *text = NULL, *message = NULL, *fix = NULL;
      g_autoptr(AgvizErrorText) parsed = NULL;
      g_autoptr(AgvizDiagnostic) diagnostic = NULL;
      g_auto(Location) where = { 0 };
      AgvizFunction *function = NULL;
      const char *name;

      if (event->kind != AGVIZ_EVENT_WARNING)
        continue;
      text = g_strconcat (event->message, "\n", event->detail != NULL ? event->detail : "", NULL);
      parsed = agviz_error_text_parse (text, -1);
      if (parsed->kind != AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM)
        continue;

      for (guint f = 0; f < self->functions->len; f++)
        {
          AgvizFunction *candidate = g_ptr_array_index (self->functions, f);
          if (candidate->id == event->function_id ||
              (event->function_id == 0 && g_strcmp0 (candidate->name, parsed->function) == 0))
            function = candidate;
        }
      name = function != NULL ? function->name
             : parsed->function != NULL ? parsed->function : "a function";

      message = g_strdup_printf ("AutoGraph could not convert %s: its Python control flow ran "
                                 "at trace time only", name);
      diagnostic = agviz_diagnostic_new (AGVIZ_DIAGNOSTIC_SEVERITY_WARNING,
                                         AGVIZ_DIAGNOSTIC_KIND_AUTOGRAPH_CONVERSION, message);
      if (function != NULL)
        agviz_diagnostic_set_function (diagnostic, function->id, function->name);
      if (locate_stack (self, event->stack_id, &where))
        set_location (diagnostic, &where);
      else if (function != NULL)
        set_function_location (self, diagnostic, function);
      agviz_diagnostic_add_evidence (diagnostic, "recorded warning: %s", event->message);
      if (parsed->cause != NULL)
        agviz_diagnostic_add_evidence (diagnostic, "cause: %s", parsed->cause);

      fix = g_strdup_printf ("Fix what the cause names (source that cannot be read, an "
                             "unsupported construct) so that tensor-dependent if/for/while "
                             "become graph ops; if %s should run as plain Python, decorate it "
                             "with @tf.autograph.experimental.do_not_convert.", name);
      agviz_diagnostic_set_fix (diagnostic, fix);
      g_list_store_append (self->diagnostics, diagnostic);
    }
}

/* ---- 7. torch.compile and torch.jit.trace ------------------------------------------------- */

static AgvizFunction *
find_function (AgvizChecker *self,
               gint64        function_id)
{
  for (guint f = 0; function_id != 0 && f < self->functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (self->functions, f);
      if (function->id == function_id)
        return function;
    }
  return NULL;
}

/* The argument a dynamo guard failure names: "tensor 'x' size mismatch ..." gives x,
 * "L['n'] == 3" gives L['n'] (transfer full, NULL when it names none). */
static char *
guard_argument (const char *reason)
{
  const char *end;

  if (g_str_has_prefix (reason, "tensor '") && (end = strstr (reason + 8, "' ")) != NULL)
    return g_strndup (reason + 8, end - reason - 8);
  end = strstr (reason, " == ");
  if (end == NULL)
    end = strstr (reason, " is ");
  if (end != NULL && memchr (reason, ' ', end - reason) == NULL && end > reason)
    return g_strndup (reason, end - reason);
  return NULL;
}

/* Recompiles of one compiled frame (RETRACE events of a function: the TORCH_TRACE and
 * TORCH_LOGS importers give the first failing guard as message), with the recompile limit when
 * torch._dynamo hit it.  Fewer than RETRACE_REPORT_MIN traces are normal: with dynamic=None
 * dynamo compiles once static and once with the dimension that changed dynamic. */
static void
check_torch_recompiles (AgvizChecker *self)
{
  for (guint f = 0; f < self->functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (self->functions, f);
      g_autoptr(AgvizDiagnostic) diagnostic = NULL;
      g_autofree char *message = NULL, *argument = NULL, *fix = NULL;
      const char *limit = NULL, *first_reason = NULL;
      guint recompiles = 0;

      for (guint i = 0; i < self->events->len; i++)
        {
          AgvizEvent *event = g_ptr_array_index (self->events, i);

          if (event->function_id != function->id)
            continue;
          if (event->kind == AGVIZ_EVENT_RETRACE)
            {
              recompiles++;
              if (first_reason == NULL)
                first_reason = event->message;
            }
          else if (event->kind == AGVIZ_EVENT_WARNING && event->message != NULL &&
                   strstr (event->message, "hit config.") != NULL &&
                   strstr (event->message, "_limit") != NULL)
            limit = event->message;
        }
      /* A tf.function's retrace events come with its calls (executions); jax.jit's misses
       * are check_jax_cache_misses()'s. */
      if ((recompiles + 1 < RETRACE_REPORT_MIN && limit == NULL) ||
          function_execution_count (function) > 0 ||
          function_framework (self, function) == FRAMEWORK_JAX)
        continue;

      message = g_strdup_printf ("%s was recompiled %u time%s by torch.compile%s", function->name,
                                 recompiles, plural (recompiles),
                                 limit != NULL ? " and hit the recompile limit" : "");
      diagnostic = retracing_diagnostic (self, function,
                                         limit != NULL || recompiles + 1 >= RETRACE_WARNING_TRACES
                                         ? AGVIZ_DIAGNOSTIC_SEVERITY_WARNING
                                         : AGVIZ_DIAGNOSTIC_SEVERITY_NOTE, message);
      for (guint i = 0; i < self->events->len; i++)
        {
          AgvizEvent *event = g_ptr_array_index (self->events, i);
          AgvizTrace *trace = g_hash_table_lookup (self->traces, &event->trace_id);

          if (event->function_id != function->id || event->kind != AGVIZ_EVENT_RETRACE)
            continue;
          if (trace != NULL)
            agviz_diagnostic_add_evidence (diagnostic, "trace %d: guard failed: %s",
                                           trace->ordinal, event->message);
          else
            agviz_diagnostic_add_evidence (diagnostic, "guard failed: %s", event->message);
        }
      if (first_reason != NULL)
        argument = guard_argument (first_reason);
      if (argument != NULL)
        agviz_diagnostic_add_evidence (diagnostic, "the argument that changed: %s", argument);
      if (limit != NULL)
        agviz_diagnostic_add_evidence (diagnostic, "%s: calls that fit no compiled trace now run "
                                       "without torch.compile", limit);

      if (first_reason != NULL && strstr (first_reason, "size mismatch") != NULL)
        fix = g_strdup_printf ("%s changes shape between calls: let dynamo treat the size as "
                               "dynamic (torch.compile(..., dynamic=True), or "
                               "torch._dynamo.mark_dynamic(%s, DIM) before the first call), or "
                               "pad inputs to a few fixed shapes.", argument != NULL ? argument
                               : "an argument", argument != NULL ? argument : "x");
      else if (argument != NULL)
        fix = g_strdup_printf ("%s is a Python value dynamo specialises on, and every new value "
                               "compiles again: pass it as a tensor, or keep it constant.",
                               argument);
      else
        fix = g_strdup ("Make the failing guard hold between calls (same shapes, dtypes, Python "
                        "values and objects), or mark what varies dynamic.");
      agviz_diagnostic_set_fix (diagnostic, fix);
      g_list_store_append (self->diagnostics, diagnostic);
    }
}

/* The lines of @detail that start with @prefix (after blanks), in order, each once (dynamo
 * repeats its explanation and hints in the exception message at the end of a traceback). */
static void
add_prefixed_lines (AgvizDiagnostic *diagnostic,
                    const char      *detail,
                    const char      *prefix,
                    char           **first)
{
  g_auto(GStrv) lines = g_strsplit (detail != NULL ? detail : "", "\n", -1);
  g_autoptr(GHashTable) added = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strchug (lines[i]);

      if (!g_str_has_prefix (line, prefix) || !g_hash_table_add (added, (gpointer) line))
        continue;
      agviz_diagnostic_add_evidence (diagnostic, "%s", line);
      if (first != NULL && *first == NULL)
        *first = g_strdup (line + strlen (prefix));
    }
}

/* Each place a graph break happened, once (dynamo breaks again at every recompile). */
static void
check_graph_breaks (AgvizChecker *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < self->events->len; i++)
    {
      AgvizEvent *event = g_ptr_array_index (self->events, i);
      g_autoptr(AgvizDiagnostic) diagnostic = NULL;
      g_autofree char *message = NULL, *key = NULL, *hint = NULL, *explanation = NULL;
      g_auto(Location) where = { 0 };
      AgvizFunction *function;

      if (event->kind != AGVIZ_EVENT_GRAPH_BREAK)
        continue;
      locate_stack (self, event->stack_id, &where);
      key = g_strdup_printf ("%s:%d:%s", where.file != NULL ? where.file : "", where.line,
                             event->message);
      if (!g_hash_table_add (seen, g_steal_pointer (&key)))
        continue;
      function = find_function (self, event->function_id);
      message = g_strdup_printf ("graph break%s%s: %s", function != NULL ? " in " : "",
                                 function != NULL ? function->name : "", event->message);
      diagnostic = agviz_diagnostic_new (AGVIZ_DIAGNOSTIC_SEVERITY_WARNING,
                                         AGVIZ_DIAGNOSTIC_KIND_GRAPH_BREAK, message);
      if (function != NULL)
        agviz_diagnostic_set_function (diagnostic, function->id, function->name);
      if (where.file != NULL)
        set_location (diagnostic, &where);
      else if (function != NULL)
        set_function_location (self, diagnostic, function);
      add_prefixed_lines (diagnostic, event->detail, "Explanation: ", &explanation);
      add_prefixed_lines (diagnostic, event->detail, "Hint: ", &hint);
      /* The graph break registry's page (gbNNNN) for this break. */
      if (event->detail != NULL && strstr (event->detail, "compile-graph-break-site") != NULL)
        add_prefixed_lines (diagnostic, strstr (event->detail, "For more details"), "For more "
                            "details", NULL);
      agviz_diagnostic_set_fix (diagnostic, hint != NULL ? hint
                                : "Move the code dynamo cannot trace out of the compiled "
                                  "function, or replace it with a torch operation; "
                                  "fullgraph=True turns every break into an error.");
      g_list_store_append (self->diagnostics, diagnostic);
    }
}

/* torch.jit.trace's TracerWarnings: a Python value computed from a tensor was recorded into the
 * trace as a constant, at the line the warning names. */
static void
check_tracer_warnings (AgvizChecker *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < self->events->len; i++)
    {
      AgvizEvent *event = g_ptr_array_index (self->events, i);
      g_autoptr(AgvizDiagnostic) diagnostic = NULL;
      g_auto(Location) where = { 0 };
      g_autofree char *key = NULL;
      const char *text;

      if (event->kind != AGVIZ_EVENT_WARNING || event->message == NULL ||
          !g_str_has_prefix (event->message, "TracerWarning: ") ||
          !locate_stack (self, event->stack_id, &where))
        continue;
      key = g_strdup_printf ("%s:%d", where.file, where.line);
      if (!g_hash_table_add (seen, g_steal_pointer (&key)))
        continue;
      text = event->message + strlen ("TracerWarning: ");
      diagnostic = agviz_diagnostic_new (AGVIZ_DIAGNOSTIC_SEVERITY_WARNING,
                                         AGVIZ_DIAGNOSTIC_KIND_FROZEN_VALUE,
                                         "torch.jit.trace froze a value computed from a tensor "
                                         "into the trace as a constant");
      set_location (diagnostic, &where);
      agviz_diagnostic_add_evidence (diagnostic, "TracerWarning: %s", text);
      agviz_diagnostic_set_fix (diagnostic, strstr (text, "boolean") != NULL
                                ? "Python control flow on a tensor runs once, at trace time: "
                                  "use torch.where, or script the function (torch.jit.script) "
                                  "or export it with torch.export, which keep the branch."
                                : "Keep the value a tensor (no .item(), int(), float(), "
                                  "len() or Python indexing on it), or script/export the "
                                  "function instead of tracing it.");
      g_list_store_append (self->diagnostics, diagnostic);
    }
}

/* Whether an error the program raised came out of torch.compile (dynamo or its backend). */
static gboolean
is_compile_error (const AgvizRecordedError *recorded)
{
  const char *type = recorded->type != NULL ? recorded->type : "";

  return g_str_has_prefix (type, "torch._dynamo.exc.") ||
         g_str_has_prefix (type, "torch._inductor.exc.") ||
         (recorded->traceback != NULL && strstr (recorded->traceback, "torch/_dynamo/") != NULL &&
          strstr (recorded->traceback, "from user code:") != NULL);
}

/* A program that died in torch.compile: the error on the user's line dynamo names ("from user
 * code:"), else the innermost user frame of the traceback. */
static void
check_compile_failures (AgvizChecker *self)
{
  for (guint e = 0; e < self->errors->len; e++)
    {
      AgvizRecordedError *recorded = g_ptr_array_index (self->errors, e);
      g_autoptr(AgvizDiagnostic) diagnostic = NULL;
      g_autoptr(AgvizErrorText) parsed = NULL;
      g_autofree char *message = NULL;
      g_auto(Location) where = { 0 };
      AgvizErrorFrame *defining;
      const char *short_type;

      if (recorded->origin != AGVIZ_ERROR_ORIGIN_PROGRAM || !is_compile_error (recorded))
        continue;
      parsed = agviz_error_text_parse (recorded->traceback != NULL ? recorded->traceback : "", -1);
      defining = agviz_error_text_get_defining_frame (parsed);
      short_type = strrchr (recorded->type, '.') != NULL ? strrchr (recorded->type, '.') + 1
                                                          : recorded->type;
      message = g_strdup_printf ("torch.compile failed: %s: %s", short_type,
                                 recorded->message != NULL ? recorded->message : "");
      diagnostic = agviz_diagnostic_new (AGVIZ_DIAGNOSTIC_SEVERITY_ERROR,
                                         AGVIZ_DIAGNOSTIC_KIND_COMPILE_FAILURE, message);
      if (defining != NULL && agviz_source_map_classify_path (defining->file) ==
                              AGVIZ_FRAME_ORIGIN_USER)
        {
          where.file = g_strdup (defining->file);
          where.line = defining->line;
          where.source_line = g_strdup (defining->code);
        }
      else if (recorded->traceback != NULL)
        locate_traceback (self, recorded->traceback, &where);
      if (where.file != NULL)
        set_location (diagnostic, &where);
      agviz_diagnostic_add_evidence (diagnostic, "%s: %s", recorded->type,
                                     recorded->message != NULL ? recorded->message : "");
      add_prefixed_lines (diagnostic, recorded->traceback, "Hint: ", NULL);
      agviz_diagnostic_set_fix (diagnostic, "Change the line dynamo names so it can be traced "
                                "(see the hints), or leave it out of the compiled function; "
                                "without fullgraph=True dynamo would break the graph there "
                                "instead of failing.");
      g_list_store_append (self->diagnostics, diagnostic);
    }
}

/* ---- running ----------------------------------------------------------------------------- */

static gboolean
load (AgvizChecker  *self,
      GError       **error)
{
  gint64 after = 0;

  self->functions = agviz_store_list_functions (self->store, error);
  if (self->functions == NULL)
    return FALSE;
  self->events = agviz_store_list_events (self->store, 0, error);
  if (self->events == NULL)
    return FALSE;
  self->errors = agviz_store_list_errors (self->store, error);
  if (self->errors == NULL)
    return FALSE;

  self->executions = g_ptr_array_new_with_free_func ((GDestroyNotify) agviz_execution_free);
  for (;;)
    {
      g_autoptr(GPtrArray) page = agviz_store_list_executions (self->store, 0, after, 4096, error);

      if (page == NULL)
        return FALSE;
      if (page->len == 0)
        break;
      after = ((AgvizExecution *) g_ptr_array_index (page, page->len - 1))->id;
      g_ptr_array_extend_and_steal (self->executions, g_steal_pointer (&page));
    }

  self->trace_functions = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->traces = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint f = 0; f < self->functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (self->functions, f);

      for (guint t = 0; t < function->traces->len; t++)
        {
          AgvizTrace *trace = g_ptr_array_index (function->traces, t);
          g_hash_table_insert (self->trace_functions, &trace->id, function);
          g_hash_table_insert (self->traces, &trace->id, trace);
        }
    }
  return TRUE;
}

GListModel *
agviz_checker_run (AgvizChecker  *self,
                   GError       **error)
{
  g_autoptr(GListStore) result = NULL;
  gboolean ok;

  g_return_val_if_fail (AGVIZ_IS_CHECKER (self), NULL);

  drop_loaded (self);
  self->diagnostics = g_list_store_new (AGVIZ_TYPE_DIAGNOSTIC);

  ok = load (self, error) &&
       check_variables (self, error) &&
       (check_retracing (self), TRUE) &&
       (check_jax_cache_misses (self), TRUE) &&
       check_frozen_values (self, error) &&
       check_side_effects (self, error) &&
       check_nan_inf (self, error) &&
       (check_autograph (self), TRUE) &&
       (check_torch_recompiles (self), TRUE) &&
       (check_graph_breaks (self), TRUE) &&
       (check_tracer_warnings (self), TRUE) &&
       (check_compile_failures (self), TRUE);

  result = g_steal_pointer (&self->diagnostics);
  drop_loaded (self);
  if (!ok)
    return NULL;
  return G_LIST_MODEL (g_steal_pointer (&result));
}
