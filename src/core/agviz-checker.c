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

/* TF's retracing warning fires when this many calls out of the last WINDOW traced. */
#define RETRACE_WARNING_TRACES 5
#define RETRACE_WARNING_WINDOW 10
/* Fewer traces than this are normal (a float and a double call, say): not reported. */
#define RETRACE_REPORT_MIN 3
/* Function bodies longer than this are not scanned for side effects. */
#define MAX_BODY_LINES 2000

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

/* The bare name a frame shows for @function ("train_step" for "Model.train_step"). */
static const char *
code_name (AgvizFunction *function)
{
  const char *dot = strrchr (function->name, '.');

  return dot != NULL ? dot + 1 : function->name;
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

      if (g_strcmp0 (frame->function, code_name (function)) == 0 &&
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
      const char *named;

      if (event->kind != AGVIZ_EVENT_RETRACE || event->message == NULL)
        continue;
      parsed = agviz_error_text_parse (event->message, -1);
      if (parsed->function == NULL)
        continue;
      named = strrchr (parsed->function, '.');
      named = named != NULL ? named + 1 : parsed->function;
      if (g_str_equal (named, code_name (function)))
        return TRUE;
    }
  return FALSE;
}

static void
check_retracing (AgvizChecker *self)
{
  for (guint f = 0; f < self->functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (self->functions, f);
      g_autoptr(AgvizDiagnostic) diagnostic = NULL;
      g_autofree char *message = NULL, *fix = NULL, *varying = NULL;
      gboolean python_value = FALSE, rule, signatures_missing = FALSE;
      guint n_calls, max_traced;
      AgvizTrace *trace1;

      if (count_call_traces (function) < RETRACE_REPORT_MIN)
        continue;
      /* Retracing is about calls.  How many concrete functions a file keeps is not: a
       * SavedModel holds one per signature it was saved with and no call history at all. */
      if (function_execution_count (function) == 0 && !has_retrace_warning (self, function))
        continue;
      trace1 = g_ptr_array_index (function->traces, 0);
      rule = matches_warning_rule (self, function, &n_calls, &max_traced);

      message = g_strdup_printf ("%s was traced %u times", function->name, function->traces->len);
      diagnostic = agviz_diagnostic_new (rule || count_call_traces (function) >= RETRACE_WARNING_TRACES
                                         ? AGVIZ_DIAGNOSTIC_SEVERITY_WARNING
                                         : AGVIZ_DIAGNOSTIC_SEVERITY_NOTE,
                                         AGVIZ_DIAGNOSTIC_KIND_RETRACING, message);
      agviz_diagnostic_set_function (diagnostic, function->id, function->name);
      set_function_location (self, diagnostic, function);

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

      if (varying != NULL && python_value)
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

/* ---- 3. values frozen at trace time ------------------------------------------------------ */

typedef struct
{
  const char *pattern;
  const char *what;
  const char *fix;
} FrozenSource;

static const FrozenSource frozen_sources[] = {
  { "\\b(np|numpy)\\.random\\.\\w+\\s*\\(", "NumPy randomness",
    "Use tf.random.normal / tf.random.uniform (or a tf.random.Generator): a random op draws new "
    "numbers on every call, NumPy only once while tracing." },
  { "(?<![\\w.])random\\.\\w+\\s*\\(", "Python's random module",
    "Use tf.random.uniform / tf.random.Generator: Python's random runs only while tracing." },
  { "(?<![\\w.])time\\.(time|time_ns|perf_counter|monotonic|process_time)\\s*\\(",
    "the time module", "Use tf.timestamp(): time.time() runs only while tracing." },
  { "\\bdatetime\\.(datetime\\.)?(now|utcnow|today)\\s*\\(", "datetime",
    "Use tf.timestamp(): datetime runs only while tracing." },
};

static gboolean
check_frozen_values (AgvizChecker  *self,
                     GError       **error)
{
  GRegex *regexes[G_N_ELEMENTS (frozen_sources)];
  gboolean ok = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (frozen_sources); i++)
    regexes[i] = g_regex_new (frozen_sources[i].pattern, 0, 0, NULL);

  for (guint f = 0; ok && f < self->functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (self->functions, f);
      g_autoptr(GHashTable) reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      gint64 executions = function_execution_count (function);

      if (executions < 2)
        continue;

      for (guint t = 0; ok && t < function->traces->len; t++)
        {
          AgvizTrace *trace = g_ptr_array_index (function->traces, t);
          g_autoptr(GPtrArray) constants = agviz_store_list_trace_nodes_of_type (self->store,
                                                                                 trace->id,
                                                                                 "Const", error);
          if (constants == NULL)
            {
              ok = FALSE;
              break;
            }
          for (guint n = 0; n < constants->len; n++)
            {
              AgvizNode *node = g_ptr_array_index (constants, n);
              g_auto(Location) where = { 0 };
              g_autofree char *key = NULL;
              g_autoptr(AgvizDiagnostic) diagnostic = NULL;
              g_autofree char *message = NULL;
              const FrozenSource *source = NULL;

              if (!locate_stack (self, node->stack_id, &where) || where.source_line == NULL)
                continue;
              for (guint i = 0; i < G_N_ELEMENTS (frozen_sources) && source == NULL; i++)
                if (g_regex_match (regexes[i], where.source_line, 0, NULL))
                  source = &frozen_sources[i];
              if (source == NULL)
                continue;

              key = g_strdup_printf ("%s:%d", where.file, where.line);
              if (!g_hash_table_add (reported, g_steal_pointer (&key)))
                continue;

              message = g_strdup_printf ("%s uses %s at trace time: its value is frozen into "
                                         "a constant", function->name, source->what);
              diagnostic = agviz_diagnostic_new (AGVIZ_DIAGNOSTIC_SEVERITY_WARNING,
                                                 AGVIZ_DIAGNOSTIC_KIND_FROZEN_VALUE, message);
              agviz_diagnostic_set_function (diagnostic, function->id, function->name);
              agviz_diagnostic_set_trace (diagnostic, trace->id, trace->ordinal);
              agviz_diagnostic_set_node (diagnostic, node->id, node->name);
              set_location (diagnostic, &where);
              agviz_diagnostic_add_evidence (diagnostic, "Const node '%s' in trace %d (%s) was "
                                             "created by line %d while tracing", node->name,
                                             trace->ordinal, trace->graph_name, where.line);
              agviz_diagnostic_add_evidence (diagnostic, "%s ran %" G_GINT64_FORMAT " time%s "
                                             "from %u trace%s: each call returned the value "
                                             "computed while tracing", function->name, executions,
                                             plural (executions), function->traces->len,
                                             plural (function->traces->len));
              agviz_diagnostic_set_fix (diagnostic, source->fix);
              g_list_store_append (self->diagnostics, diagnostic);
            }
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (frozen_sources); i++)
    g_clear_pointer (&regexes[i], g_regex_unref);
  return ok;
}

/* ---- 4. Python side effects at trace time ------------------------------------------------ */

typedef struct
{
  int         def_line;
  GPtrArray  *lines;          /* body lines, the first is def_line + 1 */
  GHashTable *local_names;    /* parameters and names assigned in the body */
} FunctionBody;

static void
function_body_clear (FunctionBody *body)
{
  g_clear_pointer (&body->lines, g_ptr_array_unref);
  g_clear_pointer (&body->local_names, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FunctionBody, function_body_clear)

static gsize
indent_of (const char *line)
{
  return strspn (line, " \t");
}

static void
add_identifiers (GHashTable *names,
                 GRegex     *identifier,
                 const char *text)
{
  GMatchInfo *match = NULL;

  g_regex_match (identifier, text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_hash_table_add (names, g_match_info_fetch (match, 1));
      g_match_info_next (match, NULL);
    }
  g_match_info_free (match);
}

/* Reads @function's def line and body from its source; FALSE when the source is not there. */
static gboolean
read_function_body (AgvizChecker  *self,
                    AgvizFunction *function,
                    FunctionBody  *body)
{
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GRegex) param = NULL, assignment = NULL, loop = NULL, alias = NULL;
  g_autoptr(GString) header = g_string_new (NULL);
  int first = 0;
  guint def_index = G_MAXUINT, body_start;
  gsize def_indent;

  if (function->file == NULL || function->line <= 0)
    return FALSE;
  agviz_source_map_get_lines (self->source_map, function->file, function->line,
                              function->line + MAX_BODY_LINES, &lines, &first, NULL);
  if (lines->len == 0 || first != function->line)
    return FALSE;

  /* The recorded line may be a decorator's: the def follows it. */
  for (guint i = 0; i < lines->len && i < 20; i++)
    {
      const char *text = g_ptr_array_index (lines, i);
      const char *code = text + indent_of (text);

      if (g_str_has_prefix (code, "def ") || g_str_has_prefix (code, "async def "))
        {
          def_index = i;
          break;
        }
      if (*code != '@' && *code != '\0' && *code != '#')
        return FALSE;
    }
  if (def_index == G_MAXUINT)
    return FALSE;
  def_indent = indent_of (g_ptr_array_index (lines, def_index));

  /* The header may span lines: up to the line ending in ':'. */
  body_start = def_index;
  for (; body_start < lines->len; body_start++)
    {
      const char *text = g_ptr_array_index (lines, body_start);
      g_autofree char *trimmed = g_strstrip (g_strdup (text));

      g_string_append (header, trimmed);
      g_string_append_c (header, ' ');
      if (g_str_has_suffix (trimmed, ":"))
        break;
    }
  body_start++;

  body->def_line = function->line + (int) def_index;
  body->lines = g_ptr_array_new_with_free_func (g_free);
  for (guint i = body_start; i < lines->len; i++)
    {
      const char *text = g_ptr_array_index (lines, i);
      const char *code = text + indent_of (text);

      if (*code != '\0' && *code != '#' && indent_of (text) <= def_indent)
        break;
      g_ptr_array_add (body->lines, g_strdup (text));
    }
  /* body->lines[0] is the line after the header: keep line numbers right. */
  body->def_line = function->line + (int) body_start - 1;

  body->local_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  param = g_regex_new ("[(,]\\s*\\**([A-Za-z_]\\w*)", 0, 0, NULL);
  {
    const char *open = strchr (header->str, '(');
    if (open != NULL)
      add_identifiers (body->local_names, param, open);
  }
  assignment = g_regex_new ("^\\s*([A-Za-z_]\\w*)\\s*(?::[^=]*)?(?:[-+*/%&|^]|//|\\*\\*|>>|<<)?=(?!=)",
                            0, 0, NULL);
  loop = g_regex_new ("\\bfor\\s+([A-Za-z_]\\w*)", 0, 0, NULL);
  alias = g_regex_new ("\\bas\\s+([A-Za-z_]\\w*)", 0, 0, NULL);
  for (guint i = 0; i < body->lines->len; i++)
    {
      const char *text = g_ptr_array_index (body->lines, i);

      add_identifiers (body->local_names, assignment, text);
      add_identifiers (body->local_names, loop, text);
      add_identifiers (body->local_names, alias, text);
    }
  return TRUE;
}

/* Whether some PrintV2 node of @function was created by @line. */
static gboolean
line_has_print_op (AgvizChecker   *self,
                   AgvizFunction  *function,
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
              g_strcmp0 (where.file, function->file) == 0 && where.line == line)
            return TRUE;
        }
    }
  return FALSE;
}

static void
add_side_effect (AgvizChecker  *self,
                 AgvizFunction *function,
                 int            line,
                 const char    *code,
                 const char    *message,
                 const char    *fix)
{
  g_autoptr(AgvizDiagnostic) diagnostic = agviz_diagnostic_new (AGVIZ_DIAGNOSTIC_SEVERITY_WARNING,
                                                                AGVIZ_DIAGNOSTIC_KIND_TRACE_TIME_SIDE_EFFECT,
                                                                message);
  g_autofree char *stripped = code != NULL ? g_strstrip (g_strdup (code)) : NULL;
  gint64 executions = function_execution_count (function);
  gint64 skipped = MAX (executions - (gint64) function->traces->len, 0);

  agviz_diagnostic_set_function (diagnostic, function->id, function->name);
  agviz_diagnostic_set_location (diagnostic, function->file, line, stripped);
  agviz_diagnostic_add_evidence (diagnostic, "%s was traced %u time%s and ran %" G_GINT64_FORMAT
                                 " time%s: the line ran once per trace, and was skipped on %"
                                 G_GINT64_FORMAT " call%s", function->name, function->traces->len,
                                 plural (function->traces->len), executions, plural (executions),
                                 skipped, plural (skipped));

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
  g_autoptr(GRegex) print_call = g_regex_new ("(?<![\\w.])print\\s*\\(", 0, 0, NULL);
  g_autoptr(GRegex) mutation = g_regex_new ("(?<![\\w.])([A-Za-z_]\\w*)((?:\\.\\w+)*)\\."
                                            "(append|extend|insert|add|update|setdefault)\\s*\\(",
                                            0, 0, NULL);
  g_autoptr(GRegex) item_store = g_regex_new ("^\\s*([A-Za-z_]\\w*)((?:\\.\\w+)*)\\[[^\\]]*\\]\\s*"
                                              "(?:[-+*/]|//)?=(?!=)", 0, 0, NULL);

  for (guint f = 0; f < self->functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (self->functions, f);
      g_auto(FunctionBody) body = { 0 };
      g_autoptr(GHashTable) reported_lines = g_hash_table_new (NULL, NULL);

      if (function->traces->len == 0 || !read_function_body (self, function, &body))
        continue;

      for (guint i = 0; i < body.lines->len; i++)
        {
          const char *text = g_ptr_array_index (body.lines, i);
          const char *code = text + indent_of (text);
          int line = body.def_line + 1 + (int) i;
          g_autoptr(GMatchInfo) match = NULL;
          gboolean failed = FALSE;

          if (*code == '#')
            continue;

          if (g_regex_match (print_call, text, 0, NULL))
            {
              gboolean has_op = line_has_print_op (self, function, line, error, &failed);

              if (failed)
                return FALSE;
              if (!has_op)
                {
                  g_autofree char *message = g_strdup_printf ("%s calls Python's print at line "
                                                              "%d: it prints while tracing only",
                                                              function->name, line);
                  add_side_effect (self, function, line, text, message,
                                   "Use tf.print(...): it becomes a PrintV2 op and prints on "
                                   "every call.");
                  g_hash_table_add (reported_lines, GINT_TO_POINTER (line));
                  continue;
                }
            }

          if (g_regex_match (mutation, text, 0, &match) ||
              (g_match_info_free (g_steal_pointer (&match)),
               g_regex_match (item_store, text, 0, &match)))
            {
              g_autofree char *base = g_match_info_fetch (match, 1);
              g_autofree char *attributes = g_match_info_fetch (match, 2);
              gboolean outer = !g_hash_table_contains (body.local_names, base) ||
                               ((g_str_equal (base, "self") || g_str_equal (base, "cls")) &&
                                *attributes != '\0');
              g_autofree char *target = g_strconcat (base, attributes, NULL);
              g_autofree char *message = NULL, *fix = NULL;

              if (!outer || g_str_equal (base, "tf") || g_str_equal (base, "np"))
                continue;
              message = g_strdup_printf ("%s mutates %s, defined outside it, at trace time",
                                         function->name, target);
              fix = g_strdup_printf ("%s changes once per trace, not per call, and holds "
                                     "symbolic tensors: return the values instead, or keep "
                                     "them in a tf.Variable or tf.TensorArray.", target);
              add_side_effect (self, function, line, text, message, fix);
              g_hash_table_add (reported_lines, GINT_TO_POINTER (line));
            }
        }
    }
  return TRUE;
}

/* ---- 5. NaN and infinities --------------------------------------------------------------- */

static gboolean
check_nan_inf (AgvizChecker  *self,
               GError       **error)
{
  g_autoptr(GPtrArray) summaries = agviz_store_list_unhealthy_summaries (self->store, error);
  g_autoptr(AgvizDiagnostic) diagnostic = NULL;
  g_autoptr(AgvizNode) node = NULL;
  g_autoptr(GHashTable) nodes = NULL;
  g_auto(Location) where = { 0 };
  g_autofree char *message = NULL, *values = NULL, *fix = NULL;
  AgvizTensorSummary *first;
  AgvizFunction *function = NULL;
  AgvizTrace *trace = NULL;
  const char *producer;

  if (summaries == NULL)
    return FALSE;
  if (summaries->len == 0)
    return TRUE;

  first = g_ptr_array_index (summaries, 0);
  if (first->node_id != 0)
    {
      node = agviz_store_get_node (self->store, first->node_id, error);
      if (node == NULL)
        return FALSE;
      locate_stack (self, node->stack_id, &where);
      function = g_hash_table_lookup (self->trace_functions, &node->trace_id);
      trace = g_hash_table_lookup (self->traces, &node->trace_id);
    }
  else
    {
      for (guint i = 0; i < self->executions->len; i++)
        {
          AgvizExecution *execution = g_ptr_array_index (self->executions, i);
          if (execution->id == first->execution_id)
            locate_stack (self, execution->stack_id, &where);
        }
    }
  producer = node != NULL ? node->name : "an eager op";

  values = g_strdup_printf ("%" G_GINT64_FORMAT " NaN, %" G_GINT64_FORMAT " -inf, %"
                            G_GINT64_FORMAT " +inf", MAX (first->nan_count, 0),
                            MAX (first->neg_inf_count, 0), MAX (first->pos_inf_count, 0));
  if (node != NULL && node->op_type != NULL)
    message = g_strdup_printf ("%s (%s) produced %s first", producer, node->op_type,
                               first->nan_count > 0 ? "NaN" : "an infinity");
  else
    message = g_strdup_printf ("%s produced %s first", producer,
                               first->nan_count > 0 ? "NaN" : "an infinity");
  diagnostic = agviz_diagnostic_new (AGVIZ_DIAGNOSTIC_SEVERITY_ERROR,
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
                                 G_GINT64_FORMAT " element%s%s%s", first->output_slot,
                                 first->execution_id != 0 ? " in the first bad call" : "",
                                 values, MAX (first->element_count, 0),
                                 plural (MAX (first->element_count, 0)),
                                 first->shape != NULL ? ", shape " : "",
                                 first->shape != NULL ? first->shape : "");
  nodes = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < summaries->len; i++)
    {
      AgvizTensorSummary *summary = g_ptr_array_index (summaries, i);
      if (summary->node_id != 0)
        g_hash_table_add (nodes, &summary->node_id);
    }
  agviz_diagnostic_add_evidence (diagnostic, "%u unhealthy tensor summar%s in all, from %u "
                                 "node%s; this is the first in execution order", summaries->len,
                                 summaries->len == 1 ? "y" : "ies", g_hash_table_size (nodes),
                                 plural (g_hash_table_size (nodes)));

  fix = g_strdup_printf ("Look at the inputs of %s: guard the operation (for example add a small "
                         "epsilon before a log or a division, or clip), and run with "
                         "tf.debugging.enable_check_numerics() to stop at the first bad value.",
                         producer);
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
       check_frozen_values (self, error) &&
       check_side_effects (self, error) &&
       check_nan_inf (self, error) &&
       (check_autograph (self), TRUE);

  result = g_steal_pointer (&self->diagnostics);
  drop_loaded (self);
  if (!ok)
    return NULL;
  return G_LIST_MODEL (g_steal_pointer (&result));
}
