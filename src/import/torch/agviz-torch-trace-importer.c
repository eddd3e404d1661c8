/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-torch-trace-importer.c: TORCH_TRACE structured logs (torch.compile) into traces
 *
 * A log is records `V1206 15:18:20.253000 PID path:line] {json}`, each followed by its payload
 * lines (one TAB in front); TORCH_TRACE=DIR writes one per process,
 * dedicated_log_torch_trace_[rank_N_]XXXXXXXX.log, and a folder of them is imported as one
 * source.  What lands in the trace file (the torch-record helper's checker diagnostics are built
 * on exactly these rows):
 *
 *   function  a compiled frame: compilation_metrics' co_name, co_filename, co_firstlineno, else
 *             dynamo_start's innermost frame.  When the source holds more than one log or rank,
 *             its name ends with " [rank N]" (" [log N]" for a log that names no rank), so the
 *             ranks' compiles of one frame stay separate functions with their own ordinals.
 *   trace     a compile id frame_id/frame_compile_id (its attempts merged: a restart after a
 *             graph break ends in one graph), graph name "[0/1]" (" [rank N]:[0/1]" with ranks),
 *             in the order of the compile ids, so a recompile is the function's next ordinal;
 *             signature forward()'s parameters, reason the first failing guard of a recompile.
 *   nodes     the dynamo_output_graph payload, FX readable code (agviz-fx-code.c): one node per
 *             statement named by its variable, op type the called target, uses as edges, the
 *             `# File: PATH:LINE in FUNC` comment as a one-frame stack.  FX names are flat (no
 *             module path survives in them), so there are no scopes.  With
 *             agviz_importer_set_torch_all_graphs(): aot_*_graph and inductor_*_graph payloads
 *             as functions "NAME (aot_forward_graph)" of their own, without a file (their
 *             nodes have their lines); exported_program payloads
 *             (torch.export) always, as function "exported_program".
 *   events    AGVIZ_EVENT_GUARDS on the trace: message "N guards", detail one guard per line
 *             (dynamo_guards' `code`s, else the guard lines of dynamo_cpp_guards_str);
 *             AGVIZ_EVENT_RETRACE on each recompile's trace: message the first failing guard
 *             (recompile_reasons, without its "0/0: " prefix), detail every reason;
 *             AGVIZ_EVENT_GRAPH_BREAK per dynamo_graph_break_reason artifact: message the
 *             reason, detail the whole text, stack the "User code traceback" (else the
 *             "Graph break in user code at FILE:LINE" line); a compile id with no such artifact
 *             gets one per compilation_metrics restart reason, without a stack;
 *             AGVIZ_EVENT_COMPILE: message "compiled in X ms", detail `duration_ns: N` and the
 *             phase times compilation_metrics gives, the duration (chromium_event "dynamo"
 *             B..E, else entire_frame_compile_time_s) also the trace's wall_ns.
 *   errors    a failed compile (compilation_metrics fail_type, or a dynamo_error artifact):
 *             origin program, type fail_type, message fail_reason, traceback the dynamo_error
 *             text, stack the fail_user_frame_filename:lineno; the trace's status is failed.
 *             A damaged record (bad JSON in a record or in a payload read as JSON, a line that
 *             is no record) is skipped and reported as an ImportWarning row (origin importer)
 *             naming FILE:LINE.  A file that does not start with a record is refused.
 *
 * The whole source is read before the first row is recorded; payloads stay pointers into the
 * file's text, and only the records agviz uses have their JSON payloads parsed.
 */
#define G_LOG_DOMAIN "agviz-importer"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "agviz-fx-code.h"
#include "agviz-json-scan.h"
#include "agviz-torch-importer-private.h"

/* Damaged records reported one by one; the rest are counted in one more warning. */
#define MAX_DAMAGED_REPORTED 20
/* A payload's lines (with their TABs) in the log's text, and where they start. */
typedef struct
{
  const char *start;
  const char *end;
  guint       line;
} Payload;

typedef struct
{
  char *file;
  int   line;
  char *function;
} UserFrame;

typedef struct
{
  char   *message;
  char   *detail;
  GArray *frames;               /* UserFrame, outermost first */
} GraphBreak;

typedef struct
{
  const char *kind;             /* "aot_forward_graph", ... (static) */
  gint64      attempt;
  Payload     payload;
} ExtraGraph;

typedef struct
{
  guint      source;            /* index of the log among the source's logs */
  int        rank;              /* -1 when the log names none */
  guint      order;             /* of its first record among the source's units */
  gint64     frame_id;
  gint64     frame_compile_id;
  char      *name;              /* compilation_metrics' code object */
  char      *file;
  int        line;
  char      *start_name;        /* dynamo_start's innermost frame */
  char      *start_file;
  int        start_line;
  gboolean   has_output_graph;
  Payload    output_graph;
  GArray    *extra_graphs;      /* ExtraGraph */
  GPtrArray *guards;            /* char * */
  gboolean   guards_from_list;  /* from dynamo_guards, which wins over the C++ guard tree */
  GPtrArray *recompile_reasons; /* char * */
  GPtrArray *graph_breaks;      /* GraphBreak * */
  GPtrArray *restart_reasons;   /* char * */
  double     dynamo_begin_us;   /* chromium_event "dynamo" B and E, 0 unknown */
  double     dynamo_end_us;
  double     start_time_s;      /* compilation_metrics, 0 unknown */
  double     compile_time_s;
  double     backend_time_s;
  double     inductor_time_s;
  char      *fail_type;
  char      *fail_reason;
  char      *fail_file;
  int        fail_line;
  char      *error_traceback;
} CompileUnit;

typedef struct
{
  char      *path;
  char      *text;
  gsize      length;
  int        rank;              /* from the file name, -1 when it names none */
  GPtrArray *strings;           /* interned strings by id ({"str": [text, id]}) */
} LogFile;

typedef struct
{
  guint   source;
  int     rank;
  Payload payload;
} ExportedProgram;

typedef struct
{
  AgvizImportContext *ctx;
  gboolean            all_graphs;
  GPtrArray          *logs;     /* LogFile * */
  GHashTable         *units;    /* the current unit of each compile id (unit_hash) */
  GPtrArray          *unit_list;
  GArray             *exported; /* ExportedProgram */
  GHashTable         *ranks;    /* ranks seen, -1 included */
  guint               damaged;
} TorchTrace;

/* ---- small helpers ----------------------------------------------------------------------- */

static void
user_frame_clear (gpointer data)
{
  UserFrame *frame = data;

  g_free (frame->file);
  g_free (frame->function);
}

static void
graph_break_free (gpointer data)
{
  GraphBreak *graph_break = data;

  g_free (graph_break->message);
  g_free (graph_break->detail);
  g_array_unref (graph_break->frames);
  g_free (graph_break);
}

static void
compile_unit_free (gpointer data)
{
  CompileUnit *unit = data;

  g_free (unit->name);
  g_free (unit->file);
  g_free (unit->start_name);
  g_free (unit->start_file);
  g_array_unref (unit->extra_graphs);
  g_ptr_array_unref (unit->guards);
  g_ptr_array_unref (unit->recompile_reasons);
  g_ptr_array_unref (unit->graph_breaks);
  g_ptr_array_unref (unit->restart_reasons);
  g_free (unit->fail_type);
  g_free (unit->fail_reason);
  g_free (unit->fail_file);
  g_free (unit->error_traceback);
  g_free (unit);
}

static void
log_file_free (gpointer data)
{
  LogFile *log = data;

  g_free (log->path);
  g_free (log->text);
  g_ptr_array_unref (log->strings);
  g_free (log);
}

static GArray *
user_frames_new (void)
{
  GArray *frames = g_array_new (FALSE, TRUE, sizeof (UserFrame));

  g_array_set_clear_func (frames, user_frame_clear);
  return frames;
}

/* The payload as text: its lines without their TAB, joined by newlines (transfer full). */
static char *
payload_text (const Payload *payload)
{
  GString *text = g_string_sized_new (payload->end - payload->start);
  const char *p = payload->start;

  while (p < payload->end)
    {
      const char *line_end = memchr (p, '\n', payload->end - p);

      if (line_end == NULL)
        line_end = payload->end;
      if (*p == '\t')
        p++;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_len (text, p, line_end - p);
      p = line_end + 1;
    }
  return g_string_free (text, FALSE);
}

/* "0/1" or "0/1_2" (attempt): frame and frame compile id. */
static gboolean
parse_compile_id (const char *text,
                  gint64     *frame_id,
                  gint64     *frame_compile_id)
{
  char *end;

  if (text == NULL || !g_ascii_isdigit (*text))
    return FALSE;
  *frame_id = g_ascii_strtoll (text, &end, 10);
  if (*end != '/' || !g_ascii_isdigit (end[1]))
    return FALSE;
  *frame_compile_id = g_ascii_strtoll (end + 1, NULL, 10);
  return TRUE;
}

static void
report_damaged (TorchTrace *trace,
                const char *path,
                guint       line,
                const char *why)
{
  trace->damaged++;
  if (trace->damaged <= MAX_DAMAGED_REPORTED)
    _agviz_import_warn (trace->ctx, "%s:%u: damaged record skipped: %s", path, line, why);
}

/* Units by their log, rank and compile id. */
static guint
unit_hash (gconstpointer data)
{
  const CompileUnit *unit = data;

  return (guint) unit->frame_id * 1000003u ^ (guint) unit->frame_compile_id * 10007u ^
         (guint) unit->rank * 101u ^ unit->source;
}

static gboolean
unit_equal (gconstpointer a,
            gconstpointer b)
{
  const CompileUnit *x = a, *y = b;

  return x->source == y->source && x->rank == y->rank && x->frame_id == y->frame_id &&
         x->frame_compile_id == y->frame_compile_id;
}

/* The unit of compile id @frame_id/@frame_compile_id; with @fresh, a new one when the current
 * one has already begun (torch._dynamo.reset() starts the compile ids over in one process). */
static CompileUnit *
lookup_unit (TorchTrace *trace,
             guint       source,
             int         rank,
             gint64      frame_id,
             gint64      frame_compile_id,
             gboolean    fresh)
{
  CompileUnit key = { .source = source, .rank = rank, .frame_id = frame_id,
                      .frame_compile_id = frame_compile_id };
  CompileUnit *unit = g_hash_table_lookup (trace->units, &key);

  if (unit != NULL && !fresh)
    return unit;
  unit = g_new0 (CompileUnit, 1);
  unit->source = source;
  unit->rank = rank;
  unit->order = trace->unit_list->len;
  unit->frame_id = frame_id;
  unit->frame_compile_id = frame_compile_id;
  unit->extra_graphs = g_array_new (FALSE, FALSE, sizeof (ExtraGraph));
  unit->guards = g_ptr_array_new_with_free_func (g_free);
  unit->recompile_reasons = g_ptr_array_new_with_free_func (g_free);
  unit->graph_breaks = g_ptr_array_new_with_free_func (graph_break_free);
  unit->restart_reasons = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_replace (trace->units, unit, unit);
  g_ptr_array_add (trace->unit_list, unit);
  return unit;
}

/* ---- what the records say ---------------------------------------------------------------- */

/* `  File "PATH", line N, in FUNC` */
static gboolean
parse_traceback_frame (const char *line,
                       UserFrame  *frame)
{
  const char *p = line, *close, *in;

  while (*p == ' ')
    p++;
  if (!g_str_has_prefix (p, "File \""))
    return FALSE;
  p += 6;
  close = strstr (p, "\", line ");
  if (close == NULL)
    return FALSE;
  frame->file = g_strndup (p, close - p);
  frame->line = (int) CLAMP (strtol (close + 8, NULL, 10), 0, G_MAXINT);
  in = strstr (close, ", in ");
  frame->function = in != NULL ? g_strdup (in + 5) : NULL;
  return TRUE;
}

static GraphBreak *
graph_break_from_text (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GraphBreak *graph_break = g_new0 (GraphBreak, 1);

  graph_break->detail = g_strdup (text);
  graph_break->frames = user_frames_new ();
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (graph_break->message == NULL && g_str_has_prefix (line, "Graph Break Reason: "))
        {
          const char *reason = line + strlen ("Graph Break Reason: ");

          /* "Encountered graph break when attempting to trace CALL: ...:" only says where
           * dynamo was; the line after it says what stopped it. */
          if (g_str_has_prefix (reason, "Encountered graph break"))
            for (guint j = i + 1; lines[j] != NULL; j++)
              if (*g_strstrip (lines[j]) != '\0')
                {
                  reason = lines[j];
                  break;
                }
          graph_break->message = g_strdup (reason);
        }
      else if (strcmp (line, "User code traceback:") == 0)
        {
          g_array_set_size (graph_break->frames, 0);
          for (guint j = i + 1; lines[j] != NULL && g_str_has_prefix (lines[j], "  "); j++)
            {
              UserFrame frame = { 0 };

              if (parse_traceback_frame (lines[j], &frame))
                g_array_append_val (graph_break->frames, frame);
            }
        }
      else if (graph_break->frames->len == 0 &&
               g_str_has_prefix (line, "Graph break in user code at "))
        {
          const char *where = line + strlen ("Graph break in user code at ");
          const char *colon = strrchr (where, ':');

          if (colon != NULL && g_ascii_isdigit (colon[1]))
            {
              UserFrame frame = { g_strndup (where, colon - where), atoi (colon + 1), NULL };

              g_array_append_val (graph_break->frames, frame);
            }
        }
    }
  if (graph_break->message == NULL)
    {
      const char *newline = strchr (text, '\n');

      graph_break->message = newline != NULL ? g_strndup (text, newline - text)
                                             : g_strdup (text);
    }
  return graph_break;
}

/* The guard lines of dynamo_cpp_guards_str's tree: `| +- TENSOR_MATCH: check_tensor(...)`,
 * without the GuardManager nodes that only say where a value is read from. */
static void
add_cpp_guards (CompileUnit   *unit,
                const Payload *payload)
{
  g_autofree char *text = payload_text (payload);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *guard = strstr (lines[i], "+- ");
      const char *colon;

      if (guard == NULL)
        continue;
      guard += 3;
      colon = strchr (guard, ':');
      if (colon == NULL || (colon - guard >= 12 && memcmp (colon - 12, "GuardManager", 12) == 0))
        continue;
      g_ptr_array_add (unit->guards, g_strchomp (g_strdup (guard)));
    }
}

/* The members of compilation_metrics agviz reads; the rest, kilobytes of configuration, is
 * only stepped over. */
enum
{
  METRIC_COMPILE_ID, METRIC_CO_NAME, METRIC_CO_FILENAME, METRIC_CO_FIRSTLINENO,
  METRIC_START_TIME, METRIC_COMPILE_TIME, METRIC_BACKEND_TIME, METRIC_INDUCTOR_TIME,
  METRIC_FAIL_TYPE, METRIC_FAIL_REASON, METRIC_FAIL_FILENAME, METRIC_FAIL_LINENO,
  METRIC_RESTART_REASONS, N_METRICS
};

static const char *const metric_keys[N_METRICS + 1] = {
  "compile_id", "co_name", "co_filename", "co_firstlineno", "start_time",
  "entire_frame_compile_time_s", "backend_compile_time_s", "inductor_compile_time_s",
  "fail_type", "fail_reason", "fail_user_frame_filename", "fail_user_frame_lineno",
  "restart_reasons", NULL,
};

static void
replace_string (char                **field,
                const AgvizJsonSpan  *value)
{
  g_free (*field);
  *field = agviz_json_span_dup_string (value);
}

static void
read_compilation_metrics (CompileUnit         *unit,
                          const AgvizJsonSpan *metrics)
{
  g_autoptr(GVariant) restarts = NULL;
  g_autofree char *name = agviz_json_span_dup_string (&metrics[METRIC_CO_NAME]);

  if (name != NULL)
    {
      g_free (unit->name);
      unit->name = g_steal_pointer (&name);
      replace_string (&unit->file, &metrics[METRIC_CO_FILENAME]);
      unit->line = (int) CLAMP (agviz_json_span_get_int (&metrics[METRIC_CO_FIRSTLINENO], 0), 0,
                                G_MAXINT);
    }
  unit->start_time_s = agviz_json_span_get_double (&metrics[METRIC_START_TIME], unit->start_time_s);
  unit->compile_time_s = agviz_json_span_get_double (&metrics[METRIC_COMPILE_TIME],
                                                     unit->compile_time_s);
  unit->backend_time_s = agviz_json_span_get_double (&metrics[METRIC_BACKEND_TIME],
                                                     unit->backend_time_s);
  unit->inductor_time_s = agviz_json_span_get_double (&metrics[METRIC_INDUCTOR_TIME],
                                                      unit->inductor_time_s);
  if (metrics[METRIC_FAIL_TYPE].start != NULL && metrics[METRIC_FAIL_TYPE].start[0] == '"')
    {
      replace_string (&unit->fail_type, &metrics[METRIC_FAIL_TYPE]);
      replace_string (&unit->fail_reason, &metrics[METRIC_FAIL_REASON]);
      replace_string (&unit->fail_file, &metrics[METRIC_FAIL_FILENAME]);
      unit->fail_line = (int) CLAMP (agviz_json_span_get_int (&metrics[METRIC_FAIL_LINENO],
                                                              0), 0, G_MAXINT);
    }
  if (metrics[METRIC_RESTART_REASONS].start != NULL)
    restarts = agviz_json_parse (metrics[METRIC_RESTART_REASONS].start,
                                 metrics[METRIC_RESTART_REASONS].end - metrics[METRIC_RESTART_REASONS].start,
                                 NULL);
  if (restarts == NULL || !g_variant_is_of_type (restarts, G_VARIANT_TYPE ("av")))
    return;
  for (gsize i = 0; i < g_variant_n_children (restarts); i++)
    {
      g_autoptr(GVariant) boxed = g_variant_get_child_value (restarts, i);
      g_autoptr(GVariant) reason = g_variant_get_variant (boxed);

      if (g_variant_is_of_type (reason, G_VARIANT_TYPE_STRING))
        g_ptr_array_add (unit->restart_reasons, g_variant_dup_string (reason, NULL));
    }
}

/* {"stack": [{"line": 10, "name": "f", "filename": 1}, ...]}: the innermost frame, the
 * compiled one (its file an interned string id). */
static void
read_dynamo_start (LogFile             *log,
                   CompileUnit         *unit,
                   const AgvizJsonSpan *start)
{
  static const char *const stack_key[] = { "stack", NULL };
  static const char *const frame_keys[] = { "name", "line", "filename", NULL };
  AgvizJsonScan scan;
  AgvizJsonSpan stack, value, frame = { NULL, NULL }, members[3];
  gint64 file_index;

  agviz_json_scan_members (start, stack_key, &stack, NULL);
  if (agviz_json_scan_begin_array (&scan, stack.start, stack.end))
    while (agviz_json_scan_next_element (&scan, &value))
      frame = value;
  if (!agviz_json_scan_members (&frame, frame_keys, members, NULL))
    return;
  g_free (unit->start_name);
  unit->start_name = agviz_json_span_dup_string (&members[0]);
  unit->start_line = (int) CLAMP (agviz_json_span_get_int (&members[1], 0), 0, G_MAXINT);
  file_index = agviz_json_span_get_int (&members[2], -1);
  g_free (unit->start_file);
  unit->start_file = file_index >= 0 && (guint64) file_index < log->strings->len
                     ? g_strdup (g_ptr_array_index (log->strings, file_index)) : NULL;
}

/* {"str": ["/path/prog.py", 1]}: the text later records name by its id. */
static void
read_string_intern (LogFile             *log,
                    const AgvizJsonSpan *intern)
{
  AgvizJsonScan scan;
  AgvizJsonSpan text = { NULL, NULL }, id = { NULL, NULL }, extra;
  gint64 index;

  if (!agviz_json_scan_begin_array (&scan, intern->start, intern->end) ||
      !agviz_json_scan_next_element (&scan, &text) || !agviz_json_scan_next_element (&scan, &id) ||
      agviz_json_scan_next_element (&scan, &extra) || text.start[0] != '"')
    return;
  index = agviz_json_span_get_int (&id, -1);
  /* Ids count up from 0; a wild one would make the table huge. */
  if (index < 0 || index > (gint64) log->strings->len + 65536)
    return;
  if ((guint64) index >= log->strings->len)
    g_ptr_array_set_size (log->strings, (guint) index + 1);
  g_free (g_ptr_array_index (log->strings, index));
  g_ptr_array_index (log->strings, index) = agviz_json_span_dup_string (&text);
}

static const char *const extra_graph_kinds[] = {
  "aot_forward_graph", "aot_backward_graph", "aot_inference_graph", "aot_joint_graph",
  "inductor_pre_grad_graph", "inductor_post_grad_graph",
};

static gboolean
is_context_key (const AgvizJsonSpan *key)
{
  static const char *const keys[] = {
    "frame_id", "frame_compile_id", "attempt", "compiled_autograd_id", "rank", "has_payload",
    "stack",
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (agviz_json_span_equals (key, keys[i]))
      return TRUE;
  return FALSE;
}

/* Parses a payload read as JSON; NULL after reporting it damaged. */
static GVariant *
parse_json_payload (TorchTrace    *trace,
                    LogFile       *log,
                    const Payload *payload)
{
  g_autoptr(GError) error = NULL;
  GVariant *value;

  /* The TABs in front of its lines are JSON white space: the text parses where it is. */
  value = agviz_json_parse (payload->start, payload->end - payload->start, &error);
  if (value == NULL)
    {
      g_autofree char *why = g_strdup_printf ("its payload is not JSON (%s)", error->message);
      report_damaged (trace, log->path, payload->line, why);
    }
  return value;
}

static void
read_artifact (TorchTrace          *trace,
               LogFile             *log,
               CompileUnit         *unit,
               const AgvizJsonSpan *artifact,
               const Payload       *payload)
{
  static const char *const name_key[] = { "name", NULL };
  AgvizJsonSpan name;

  /* {"name": "dynamo_error", "encoding": "string"} */
  agviz_json_scan_members (artifact, name_key, &name, NULL);

  if (unit == NULL)
    return;
  if (agviz_json_span_is_string (&name, "dynamo_graph_break_reason"))
    {
      g_autofree char *text = payload_text (payload);
      g_ptr_array_add (unit->graph_breaks, graph_break_from_text (text));
    }
  else if (agviz_json_span_is_string (&name, "recompile_reasons"))
    {
      const char *p = payload->start;

      while (p < payload->end && g_ascii_isspace (*p))
        p++;
      /* A JSON list of reasons; torch 2.13 also writes a single reason as bare text. */
      if (p < payload->end && *p == '[')
        {
          g_autoptr(GVariant) reasons = parse_json_payload (trace, log, payload);

          for (gsize i = 0; reasons != NULL && g_variant_is_of_type (reasons, G_VARIANT_TYPE ("av")) &&
                            i < g_variant_n_children (reasons); i++)
            {
              g_autoptr(GVariant) boxed = g_variant_get_child_value (reasons, i);
              g_autoptr(GVariant) reason = g_variant_get_variant (boxed);

              if (g_variant_is_of_type (reason, G_VARIANT_TYPE_STRING))
                g_ptr_array_add (unit->recompile_reasons, g_variant_dup_string (reason, NULL));
            }
        }
      else if (p < payload->end)
        g_ptr_array_add (unit->recompile_reasons, payload_text (payload));
    }
  else if (agviz_json_span_is_string (&name, "dynamo_error"))
    {
      g_free (unit->error_traceback);
      unit->error_traceback = payload_text (payload);
    }
}

static void
read_guard_list (TorchTrace    *trace,
                 LogFile       *log,
                 CompileUnit   *unit,
                 const Payload *payload)
{
  g_autoptr(GVariant) guards = parse_json_payload (trace, log, payload);

  if (guards == NULL || !g_variant_is_of_type (guards, G_VARIANT_TYPE ("av")))
    return;
  /* An empty list (older torch wrote one beside the C++ tree) leaves the tree's guards. */
  if (g_variant_n_children (guards) == 0)
    return;
  g_ptr_array_set_size (unit->guards, 0);
  unit->guards_from_list = TRUE;
  for (gsize i = 0; i < g_variant_n_children (guards); i++)
    {
      g_autoptr(GVariant) boxed = g_variant_get_child_value (guards, i);
      g_autoptr(GVariant) guard = g_variant_get_variant (boxed);
      const char *code = g_variant_is_of_type (guard, G_VARIANT_TYPE_VARDICT)
                         ? agviz_json_get_string (guard, "code") : NULL;

      if (code != NULL)
        g_ptr_array_add (unit->guards, g_strdup (code));
    }
}

/* A chromium_event payload: {"name": ..., "ts": ..., "args": {"compile_id": ...}, "ph": ...}.
 * Only the "dynamo" span (a compile from start to end) is used, but every event is checked,
 * so that a damaged one is reported. */
static void
read_chromium_event (TorchTrace    *trace,
                     guint          source,
                     LogFile       *log,
                     CompileUnit   *unit,
                     int            rank,
                     const Payload *payload)
{
  static const char *const event_keys[] = { "name", "ph", "ts", "args", NULL };
  static const char *const args_key[] = { "compile_id", NULL };
  AgvizJsonSpan text = { payload->start, payload->end }, members[4], compile_id_value;
  const char *bad_at = payload->start;
  const AgvizJsonSpan *name = &members[0], *phase = &members[1], *ts = &members[2];
  gboolean begin;
  gint64 frame_id, frame_compile_id;

  if (!agviz_json_scan_members (&text, event_keys, members, &bad_at))
    {
      guint bad_line = payload->line;
      g_autofree char *why = NULL;

      for (const char *p = payload->start; p < bad_at; p++)
        bad_line += *p == '\n';
      why = g_strdup_printf ("its payload is not JSON (bad syntax on line %u)", bad_line);
      report_damaged (trace, log->path, payload->line, why);
      return;
    }
  if (!agviz_json_span_is_string (name, "dynamo") ||
      (!agviz_json_span_is_string (phase, "B") && !agviz_json_span_is_string (phase, "E")))
    return;
  begin = agviz_json_span_is_string (phase, "B");
  if (unit == NULL && agviz_json_scan_members (&members[3], args_key, &compile_id_value, NULL))
    {
      g_autofree char *compile_id = agviz_json_span_dup_string (&compile_id_value);

      if (parse_compile_id (compile_id, &frame_id, &frame_compile_id))
        unit = lookup_unit (trace, source, rank, frame_id, frame_compile_id, FALSE);
    }
  if (unit == NULL)
    return;
  if (begin && unit->dynamo_begin_us > 0)
    unit = lookup_unit (trace, source, rank, unit->frame_id, unit->frame_compile_id, TRUE);
  if (begin)
    unit->dynamo_begin_us = agviz_json_span_get_double (ts, 0);
  else
    unit->dynamo_end_us = agviz_json_span_get_double (ts, 0);
}

/* What a record's header says: its event (the first key that is not context) and the compile
 * id and rank it belongs to. */
typedef struct
{
  AgvizJsonSpan key;
  AgvizJsonSpan value;
  gint64        frame_id;
  gint64        frame_compile_id;
  gint64        attempt;
  gint64        rank;
} RecordHeader;

/* FALSE when the header is no well-formed JSON object. */
static gboolean
scan_header (const char    *json,
             const char    *end,
             RecordHeader  *header,
             const char   **bad_at)
{
  AgvizJsonScan scan;
  AgvizJsonSpan key, value;

  memset (header, 0, sizeof *header);
  header->frame_id = header->frame_compile_id = header->rank = -1;
  *bad_at = json;
  if (!agviz_json_scan_begin (&scan, json, end))
    return FALSE;
  while (agviz_json_scan_next (&scan, &key, &value))
    {
      if (agviz_json_span_equals (&key, "frame_id"))
        header->frame_id = agviz_json_span_get_int (&value, -1);
      else if (agviz_json_span_equals (&key, "frame_compile_id"))
        header->frame_compile_id = agviz_json_span_get_int (&value, -1);
      else if (agviz_json_span_equals (&key, "rank"))
        header->rank = agviz_json_span_get_int (&value, -1);
      else if (agviz_json_span_equals (&key, "attempt"))
        header->attempt = agviz_json_span_get_int (&value, 0);
      else if (header->key.start == NULL && !is_context_key (&key))
        {
          header->key = key;
          header->value = value;
        }
    }
  if (agviz_json_scan_finish (&scan))
    return TRUE;
  *bad_at = scan.at;
  return FALSE;
}

static void
read_record (TorchTrace         *trace,
             guint               source,
             LogFile            *log,
             const RecordHeader *header,
             const Payload      *payload)
{
  const AgvizJsonSpan *key = &header->key, *value = &header->value;
  gint64 frame_id = header->frame_id, frame_compile_id = header->frame_compile_id;
  int rank = (int) CLAMP (header->rank >= 0 ? header->rank : log->rank, -1, G_MAXINT);
  gboolean is_metrics = agviz_json_span_equals (key, "compilation_metrics");
  AgvizJsonSpan metrics[N_METRICS];
  CompileUnit *unit = NULL;

  if (key->start == NULL)
    return;
  g_hash_table_add (trace->ranks, GINT_TO_POINTER (rank));
  if (agviz_json_span_equals (key, "str"))
    {
      read_string_intern (log, value);
      return;
    }
  if (is_metrics && !agviz_json_scan_members (value, metric_keys, metrics, NULL))
    return;
  if (is_metrics && frame_id < 0)
    {
      g_autofree char *compile_id = agviz_json_span_dup_string (&metrics[METRIC_COMPILE_ID]);

      parse_compile_id (compile_id, &frame_id, &frame_compile_id);
    }
  if (frame_id >= 0 && frame_compile_id >= 0)
    {
      unit = lookup_unit (trace, source, rank, frame_id, frame_compile_id, FALSE);
      if (agviz_json_span_equals (key, "dynamo_start") && unit->start_name != NULL)
        unit = lookup_unit (trace, source, rank, frame_id, frame_compile_id, TRUE);
    }

  if (agviz_json_span_equals (key, "chromium_event"))
    read_chromium_event (trace, source, log, unit, rank, payload);
  else if (agviz_json_span_equals (key, "exported_program"))
    {
      ExportedProgram program = { source, rank, *payload };
      g_array_append_val (trace->exported, program);
    }
  else if (unit == NULL)
    return;
  else if (agviz_json_span_equals (key, "dynamo_start"))
    read_dynamo_start (log, unit, value);
  else if (agviz_json_span_equals (key, "dynamo_output_graph"))
    {
      unit->has_output_graph = TRUE;
      unit->output_graph = *payload;
    }
  else if (is_metrics)
    read_compilation_metrics (unit, metrics);
  else if (agviz_json_span_equals (key, "dynamo_guards"))
    read_guard_list (trace, log, unit, payload);
  else if (agviz_json_span_equals (key, "dynamo_cpp_guards_str") && !unit->guards_from_list)
    {
      g_ptr_array_set_size (unit->guards, 0);
      add_cpp_guards (unit, payload);
    }
  else if (agviz_json_span_equals (key, "artifact"))
    read_artifact (trace, log, unit, value, payload);
  else if (trace->all_graphs)
    for (guint i = 0; i < G_N_ELEMENTS (extra_graph_kinds); i++)
      if (agviz_json_span_equals (key, extra_graph_kinds[i]))
        {
          ExtraGraph graph = { extra_graph_kinds[i], header->attempt, *payload };

          /* A compile restarted (after a graph break) keeps only its last attempt's graphs. */
          for (guint j = unit->extra_graphs->len; j > 0; j--)
            if (g_array_index (unit->extra_graphs, ExtraGraph, j - 1).attempt < graph.attempt)
              g_array_remove_index (unit->extra_graphs, j - 1);
          g_array_append_val (unit->extra_graphs, graph);
        }
}

/* `V1206 15:18:20.253000 1500233 torch/_dynamo/utils.py:1288] {`: the JSON's start, or NULL. */
static const char *
record_json (const char *line,
             const char *end)
{
  const char *p;

  if (end - line < 8 || strchr ("VIWEF", line[0]) == NULL || !g_ascii_isdigit (line[1]) ||
      !g_ascii_isdigit (line[2]) || !g_ascii_isdigit (line[3]) || !g_ascii_isdigit (line[4]) ||
      line[5] != ' ')
    return NULL;
  for (p = line + 6; p + 2 < end; p++)
    if (p[0] == ']' && p[1] == ' ' && p[2] == '{')
      return p + 2;
  return NULL;
}

static gboolean
read_log (TorchTrace  *trace,
          guint        source,
          GError     **error)
{
  LogFile *log = g_ptr_array_index (trace->logs, source);
  const char *p = log->text, *end = log->text + log->length;
  guint line = 1, records = 0;
  gboolean first = TRUE;

  while (p < end)
    {
      const char *line_end = memchr (p, '\n', end - p), *json;
      Payload payload;
      guint record_line = line;

      if (line_end == NULL)
        line_end = end;
      if (line_end == p || (line_end == p + 1 && *p == '\r'))
        {
          p = line_end + 1;
          line++;
          continue;
        }
      json = record_json (p, line_end);
      if (json == NULL && first)
        {
          g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_SYNTAX,
                       "%s:%u: not a TORCH_TRACE log: a record starts with a glog prefix and "
                       "JSON (V1206 15:18:20.253000 PID path:line] {...})", log->path, line);
          return FALSE;
        }
      first = FALSE;

      /* The payload: the lines after it that start with a TAB (empty lines inside kept). */
      payload.start = line_end < end ? line_end + 1 : end;
      payload.end = payload.start;
      payload.line = line + 1;
      {
        const char *q = payload.start;
        guint q_line = line + 1;

        while (q < end && (*q == '\t' || *q == '\n'))
          {
            const char *q_end = memchr (q, '\n', end - q);

            if (q_end == NULL)
              q_end = end;
            if (*q == '\t')
              {
                payload.end = q_end;
                line = q_line;
              }
            q = q_end < end ? q_end + 1 : end;
            q_line++;
          }
      }

      if (json == NULL)
        report_damaged (trace, log->path, record_line,
                        "not a TORCH_TRACE record (no glog prefix and JSON)");
      else
        {
          const char *json_end = line_end > json && line_end[-1] == '\r' ? line_end - 1 : line_end;
          RecordHeader header;
          const char *bad_at = NULL;

          if (!scan_header (json, json_end, &header, &bad_at))
            {
              g_autofree char *why = g_strdup_printf ("bad JSON (at column %u)",
                                                      (guint) (bad_at - p) + 1);
              report_damaged (trace, log->path, record_line, why);
            }
          else
            {
              read_record (trace, source, log, &header, &payload);
              records++;
            }
        }
      p = payload.end > payload.start ? payload.end + 1 : (line_end < end ? line_end + 1 : end);
      line++;
      if ((records & 1023) == 0)
        _agviz_import_progress (trace->ctx, p - log->text, log->length, trace->ctx->stats.records + records);
    }
  trace->ctx->stats.records += records;
  trace->ctx->stats.bytes += log->length;
  return TRUE;
}

/* ---- recording --------------------------------------------------------------------------- */

static gint64
add_user_stack (AgvizImportContext *ctx,
                const UserFrame    *frames,
                guint               n_frames,
                GError            **error)
{
  g_autofree gint64 *frame_ids = g_new (gint64, MAX (n_frames, 1));

  for (guint i = 0; i < n_frames; i++)
    {
      gint64 file_id = agviz_recorder_add_file (ctx->recorder, NULL, frames[i].file, error);

      if (file_id == 0)
        return 0;
      frame_ids[i] = agviz_recorder_add_frame (ctx->recorder, file_id, MAX (frames[i].line, 0),
                                               0, frames[i].function, error);
      if (frame_ids[i] == 0)
        return 0;
    }
  return agviz_recorder_add_stack (ctx->recorder, frame_ids, n_frames, error);
}

/* Records @graph's nodes and edges into the open trace @trace_id. */
static gboolean
record_fx_graph (AgvizImportContext *ctx,
                 gint64              trace_id,
                 const AgvizFxGraph *graph,
                 GError            **error)
{
  g_autofree gint64 *node_ids = g_new0 (gint64, MAX (graph->nodes->len, 1));

  for (guint i = 0; i < graph->nodes->len; i++)
    {
      const AgvizFxNode *node = g_ptr_array_index (graph->nodes, i);
      gint64 stack_id = 0;

      if (node->file != NULL && *node->file != '\0')
        {
          UserFrame frame = { node->file, node->line, node->function };

          stack_id = add_user_stack (ctx, &frame, 1, error);
          if (stack_id == 0)
            return FALSE;
        }
      node_ids[i] = agviz_recorder_add_node (ctx->recorder, trace_id, node->name, node->op_type,
                                             NULL, NULL, stack_id, error);
      if (node_ids[i] == 0)
        return FALSE;
      ctx->stats.nodes++;
      if (stack_id != 0)
        ctx->stats.nodes_with_stacks++;
    }
  for (guint i = 0; i < graph->nodes->len; i++)
    {
      const AgvizFxNode *node = g_ptr_array_index (graph->nodes, i);

      for (guint u = 0; u < node->inputs->len; u++)
        {
          guint input = g_array_index (node->inputs, guint, u);

          if (!agviz_recorder_add_edge (ctx->recorder, trace_id, node_ids[input], 0, node_ids[i],
                                        (int) u, error))
            return FALSE;
          ctx->stats.edges++;
        }
    }
  return TRUE;
}

/* A whole trace made of one FX printout: a function of its own for each (AOT/inductor graphs,
 * exported programs). */
static gboolean
record_payload_graph (AgvizImportContext *ctx,
                      const char         *function_name,
                      gint64              file_id,
                      int                 line,
                      const char         *graph_name,
                      const Payload      *payload,
                      GError            **error)
{
  g_autoptr(AgvizFxGraph) graph = agviz_fx_graph_parse (payload->start,
                                                        payload->end - payload->start);
  gint64 function_id, trace_id;

  function_id = agviz_recorder_add_function (ctx->recorder, function_name, file_id, line, error);
  if (function_id == 0)
    return FALSE;
  trace_id = agviz_recorder_begin_trace (ctx->recorder, function_id, graph_name,
                                         graph != NULL ? graph->signature : NULL, NULL, error);
  if (trace_id == 0 || (graph != NULL && !record_fx_graph (ctx, trace_id, graph, error)) ||
      !agviz_recorder_end_trace (ctx->recorder, trace_id, AGVIZ_TRACE_STATUS_COMPLETE, 0, error))
    return FALSE;
  ctx->stats.functions++;
  ctx->stats.traces++;
  return TRUE;
}

/* "0/0: n == 0   # y = ...  # prog.py:8 in f\nUser stack trace: ...": the guard, "n == 0". */
static char *
failing_guard (const char *reason)
{
  const char *p = reason, *line_end;

  while (g_ascii_isdigit (*p) || *p == '/' || *p == '_')
    p++;
  if (p > reason && p[0] == ':' && p[1] == ' ')
    reason = p + 2;
  line_end = strchr (reason, '\n');
  if (line_end == NULL)
    line_end = reason + strlen (reason);
  /* The comment dynamo puts after the guard (its source line) is not the guard. */
  p = g_strstr_len (reason, line_end - reason, "  #");
  if (p != NULL)
    line_end = p;
  return g_strchomp (g_strndup (reason, line_end - reason));
}

static gint64
compile_duration_ns (const CompileUnit *unit)
{
  if (unit->dynamo_begin_us > 0 && unit->dynamo_end_us >= unit->dynamo_begin_us)
    return (gint64) ((unit->dynamo_end_us - unit->dynamo_begin_us) * 1000.0);
  if (unit->compile_time_s > 0)
    return (gint64) (unit->compile_time_s * 1e9);
  return 0;
}

static gint64
compile_start_ns (const CompileUnit *unit)
{
  if (unit->dynamo_begin_us > 0)
    return (gint64) (unit->dynamo_begin_us * 1000.0);
  if (unit->start_time_s > 0)
    return (gint64) (unit->start_time_s * 1e9);
  return 0;
}

static gboolean
add_event (AgvizImportContext *ctx,
           AgvizEventKind      kind,
           gint64              function_id,
           gint64              trace_id,
           gint64              wall_ns,
           gint64              stack_id,
           const char         *message,
           const char         *detail,
           GError            **error)
{
  AgvizEvent event = { 0 };

  event.kind = kind;
  event.wall_ns = wall_ns;
  event.function_id = function_id;
  event.trace_id = trace_id;
  event.stack_id = stack_id;
  event.message = (char *) message;
  event.detail = (char *) detail;
  return agviz_recorder_add_event (ctx->recorder, &event, error) != 0;
}

/* The exception a traceback ends with: "torch._dynamo.exc.Unsupported: message". */
static void
last_exception (const char  *traceback,
                char       **type,
                char       **message)
{
  g_auto(GStrv) lines = g_strsplit (traceback, "\n", -1);

  for (int i = (int) g_strv_length (lines) - 1; i >= 0; i--)
    {
      const char *colon;

      if (lines[i][0] == '\0' || g_ascii_isspace (lines[i][0]))
        continue;
      colon = strstr (lines[i], ": ");
      *type = g_strndup (lines[i], colon != NULL ? (gsize) (colon - lines[i]) : strlen (lines[i]));
      *message = g_strdup (colon != NULL ? colon + 2 : "");
      return;
    }
}

static gboolean
record_failure (AgvizImportContext *ctx,
                const CompileUnit  *unit,
                gint64              function_id,
                gint64              trace_id,
                gint64              wall_ns,
                GError            **error)
{
  g_autofree char *parsed_type = NULL;
  g_autofree char *parsed_message = NULL;
  g_autofree char *message = NULL;
  g_autofree char *traceback = NULL;
  AgvizRecordedError recorded = { 0 };
  const char *short_type;

  if (unit->error_traceback != NULL)
    last_exception (unit->error_traceback, &parsed_type, &parsed_message);
  recorded.origin = AGVIZ_ERROR_ORIGIN_PROGRAM;
  recorded.wall_ns = wall_ns;
  recorded.type = unit->fail_type != NULL ? unit->fail_type
                : parsed_type != NULL && *parsed_type != '\0' ? parsed_type : (char *) "Error";
  short_type = strrchr (recorded.type, '.') != NULL ? strrchr (recorded.type, '.') + 1
                                                     : recorded.type;
  /* The message's first line; the explanation and hints after it are in the traceback. */
  message = g_strdup (unit->fail_reason != NULL ? unit->fail_reason
                      : parsed_message != NULL ? parsed_message : "");
  if (strchr (message, '\n') != NULL)
    *strchr (message, '\n') = '\0';
  recorded.message = message;
  recorded.traceback = unit->error_traceback;
  if (recorded.traceback == NULL && unit->fail_reason != NULL)
    recorded.traceback = traceback = g_strdup_printf ("%s: %s", recorded.type, unit->fail_reason);

  /* The error the program died of, which its stderr gives too: stored once, from there, with
   * this trace as where it happened. */
  if (ctx->fatal_error_type != NULL && ctx->fatal_error_message != NULL &&
      strcmp (ctx->fatal_error_type, short_type) == 0 &&
      strncmp (ctx->fatal_error_message, message, strlen (message)) == 0 &&
      (ctx->fatal_error_message[strlen (message)] == '\0' ||
       ctx->fatal_error_message[strlen (message)] == '\n'))
    {
      ctx->crashed_trace_id = trace_id;
      return TRUE;
    }
  recorded.function_id = function_id;
  recorded.trace_id = trace_id;
  if (unit->fail_file != NULL)
    {
      UserFrame frame = { unit->fail_file, unit->fail_line, NULL };

      recorded.stack_id = add_user_stack (ctx, &frame, 1, error);
      if (recorded.stack_id == 0)
        return FALSE;
    }
  return agviz_recorder_add_error (ctx->recorder, &recorded, error) != 0;
}

static gboolean
record_events (AgvizImportContext *ctx,
               const CompileUnit  *unit,
               gint64              function_id,
               gint64              trace_id,
               GError            **error)
{
  gint64 start_ns = compile_start_ns (unit), duration_ns = compile_duration_ns (unit);

  if (unit->guards->len > 0)
    {
      g_autofree char *message = g_strdup_printf ("%u guards", unit->guards->len);
      g_autofree char *detail = NULL;

      g_ptr_array_add (unit->guards, NULL);
      detail = g_strjoinv ("\n", (char **) unit->guards->pdata);
      g_ptr_array_set_size (unit->guards, unit->guards->len - 1);
      if (!add_event (ctx, AGVIZ_EVENT_GUARDS, function_id, trace_id, start_ns, 0, message,
                      detail, error))
        return FALSE;
    }
  if (unit->frame_compile_id > 0)
    {
      g_autofree char *message = NULL;
      g_autofree char *detail = NULL;

      if (unit->recompile_reasons->len > 0)
        {
          message = failing_guard (g_ptr_array_index (unit->recompile_reasons, 0));
          g_ptr_array_add (unit->recompile_reasons, NULL);
          detail = g_strjoinv ("\n", (char **) unit->recompile_reasons->pdata);
          g_ptr_array_set_size (unit->recompile_reasons, unit->recompile_reasons->len - 1);
        }
      else
        message = g_strdup ("recompiled (the log gives no reason)");
      if (!add_event (ctx, AGVIZ_EVENT_RETRACE, function_id, trace_id, start_ns, 0, message,
                      detail, error))
        return FALSE;
    }
  for (guint i = 0; i < unit->graph_breaks->len; i++)
    {
      const GraphBreak *graph_break = g_ptr_array_index (unit->graph_breaks, i);
      gint64 stack_id = 0;

      if (graph_break->frames->len > 0)
        {
          stack_id = add_user_stack (ctx, (const UserFrame *) graph_break->frames->data,
                                     graph_break->frames->len, error);
          if (stack_id == 0)
            return FALSE;
        }
      if (!add_event (ctx, AGVIZ_EVENT_GRAPH_BREAK, function_id, trace_id, start_ns, stack_id,
                      graph_break->message, graph_break->detail, error))
        return FALSE;
    }
  for (guint i = 0; unit->graph_breaks->len == 0 && i < unit->restart_reasons->len; i++)
    {
      const char *reason = g_ptr_array_index (unit->restart_reasons, i);
      const char *newline = strchr (reason, '\n');
      g_autofree char *message = NULL;

      /* "<class 'torch._dynamo.exc.TensorifyScalarRestartAnalysis'>": dynamo starting over
       * with what it learnt (a float made symbolic), not a break in the user's code. */
      if (g_str_has_prefix (reason, "<class '"))
        continue;
      message = newline != NULL ? g_strndup (reason, newline - reason) : g_strdup (reason);
      if (!add_event (ctx, AGVIZ_EVENT_GRAPH_BREAK, function_id, trace_id, start_ns, 0, message,
                      reason, error))
        return FALSE;
    }
  if (duration_ns > 0)
    {
      g_autofree char *message = g_strdup_printf ("compiled in %.1f ms", duration_ns / 1e6);
      g_autoptr(GString) detail = g_string_new (NULL);

      g_string_append_printf (detail, "duration_ns: %" G_GINT64_FORMAT, duration_ns);
      if (unit->compile_time_s > 0)
        g_string_append_printf (detail, "\nentire_frame_compile_time_s: %g", unit->compile_time_s);
      if (unit->backend_time_s > 0)
        g_string_append_printf (detail, "\nbackend_compile_time_s: %g", unit->backend_time_s);
      if (unit->inductor_time_s > 0)
        g_string_append_printf (detail, "\ninductor_compile_time_s: %g", unit->inductor_time_s);
      if (!add_event (ctx, AGVIZ_EVENT_COMPILE, function_id, trace_id, start_ns, 0, message,
                      detail->str, error))
        return FALSE;
    }
  if (unit->fail_type != NULL || unit->error_traceback != NULL)
    return record_failure (ctx, unit, function_id, trace_id, start_ns, error);
  return TRUE;
}

/* " [rank 1]" when the source holds several logs or ranks, "" otherwise. */
static char *
rank_suffix (TorchTrace *trace,
             guint       source,
             int         rank)
{
  if (trace->logs->len < 2 && g_hash_table_size (trace->ranks) < 2)
    return g_strdup ("");
  if (rank >= 0)
    return g_strdup_printf (" [rank %d]", rank);
  return g_strdup_printf (" [log %u]", source + 1);
}

/* The warning torch._dynamo prints when it refuses to compile a frame once more,
 * "torch._dynamo hit config.recompile_limit (8)", made from the failure the log gives such an
 * attempt instead (the graph break registry's "Dynamo recompile limit exceeded", which names
 * the limit and its value); NULL for any other unit (transfer full). */
static char *
recompile_limit_warning (const CompileUnit *unit)
{
  const char *reason = unit->fail_reason, *type, *value;

  if (reason == NULL || !g_str_has_prefix (reason, "Dynamo recompile limit exceeded"))
    return NULL;
  type = strstr (reason, "Limit type: ");
  value = strstr (reason, "(currently set to ");
  if (type == NULL || value == NULL)
    return g_strdup ("torch._dynamo hit config.recompile_limit");
  type += strlen ("Limit type: ");
  value += strlen ("(currently set to ");
  return g_strdup_printf ("torch._dynamo hit config.%.*s (%.*s)", (int) strcspn (type, " \n"),
                          type, (int) strcspn (value, ")\n"), value);
}

/* A compile id dynamo refused (the recompile limit): no trace, only the warning, on the
 * frame's function, with the guards that failed once more. */
static gboolean
record_refused_unit (TorchTrace         *trace,
                     const CompileUnit  *unit,
                     const char         *warning,
                     GError            **error)
{
  AgvizImportContext *ctx = trace->ctx;
  g_autofree char *suffix = rank_suffix (trace, unit->source, unit->rank);
  g_autofree char *function_name = g_strconcat (unit->name, suffix, NULL);
  g_autoptr(GString) detail = g_string_new (unit->fail_reason);
  gint64 file_id = 0, function_id;

  for (guint i = 0; i < unit->recompile_reasons->len; i++)
    g_string_append_printf (detail, "%s%s", i == 0 ? "\n\n" : "\n",
                            (const char *) g_ptr_array_index (unit->recompile_reasons, i));
  if (unit->file != NULL && *unit->file != '\0')
    {
      file_id = agviz_recorder_add_file (ctx->recorder, NULL, unit->file, error);
      if (file_id == 0)
        return FALSE;
    }
  function_id = agviz_recorder_add_function (ctx->recorder, function_name, file_id,
                                             file_id != 0 ? unit->line : 0, error);
  return function_id != 0 &&
         add_event (ctx, AGVIZ_EVENT_WARNING, function_id, 0, compile_start_ns (unit), 0, warning,
                    detail->str, error);
}

static gboolean
record_unit (TorchTrace   *trace,
             CompileUnit  *unit,
             GError      **error)
{
  AgvizImportContext *ctx = trace->ctx;
  g_autoptr(AgvizFxGraph) graph = NULL;
  g_autofree char *suffix = rank_suffix (trace, unit->source, unit->rank);
  g_autofree char *fallback_name = g_strdup_printf ("frame %" G_GINT64_FORMAT, unit->frame_id);
  g_autofree char *function_name = NULL;
  g_autofree char *graph_name = NULL;
  g_autofree char *reason = NULL;
  const char *name = unit->name != NULL ? unit->name : unit->start_name;
  const char *file = unit->name != NULL ? unit->file : unit->start_file;
  int line = unit->name != NULL ? unit->line : unit->start_line;
  gint64 file_id = 0, function_id, trace_id, duration_ns = compile_duration_ns (unit);
  gboolean failed = unit->fail_type != NULL || unit->error_traceback != NULL;
  g_autofree char *limit_warning = recompile_limit_warning (unit);

  if (limit_warning != NULL && unit->name != NULL)
    return record_refused_unit (trace, unit, limit_warning, error);
  if (name == NULL)
    name = fallback_name;
  function_name = g_strconcat (name, suffix, NULL);
  if (*suffix != '\0')
    graph_name = g_strdup_printf ("%s:[%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "]", suffix + 1,
                                  unit->frame_id, unit->frame_compile_id);
  else
    graph_name = g_strdup_printf ("[%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "]", unit->frame_id,
                                  unit->frame_compile_id);
  if (unit->has_output_graph)
    graph = agviz_fx_graph_parse (unit->output_graph.start,
                                  unit->output_graph.end - unit->output_graph.start);
  if (unit->frame_compile_id > 0 && unit->recompile_reasons->len > 0)
    reason = failing_guard (g_ptr_array_index (unit->recompile_reasons, 0));

  if (file != NULL && *file != '\0')
    {
      file_id = agviz_recorder_add_file (ctx->recorder, NULL, file, error);
      if (file_id == 0)
        return FALSE;
    }
  function_id = agviz_recorder_add_function (ctx->recorder, function_name, file_id,
                                             file_id != 0 ? line : 0, error);
  if (function_id == 0)
    return FALSE;
  trace_id = agviz_recorder_begin_trace (ctx->recorder, function_id, graph_name,
                                         graph != NULL ? graph->signature : NULL, reason, error);
  if (trace_id == 0)
    return FALSE;
  if (compile_start_ns (unit) > 0 &&
      !agviz_recorder_set_trace_start (ctx->recorder, trace_id, compile_start_ns (unit), error))
    return FALSE;
  if (graph != NULL && !record_fx_graph (ctx, trace_id, graph, error))
    return FALSE;
  if (!agviz_recorder_end_trace (ctx->recorder, trace_id,
                                 failed ? AGVIZ_TRACE_STATUS_FAILED : AGVIZ_TRACE_STATUS_COMPLETE,
                                 duration_ns, error))
    return FALSE;
  ctx->stats.traces++;
  if (unit->frame_compile_id == 0)
    ctx->stats.functions++;
  if (!record_events (ctx, unit, function_id, trace_id, error))
    return FALSE;

  for (guint i = 0; i < unit->extra_graphs->len; i++)
    {
      const ExtraGraph *extra = &g_array_index (unit->extra_graphs, ExtraGraph, i);
      g_autofree char *extra_function = g_strdup_printf ("%s (%s)%s", name, extra->kind, suffix);
      g_autofree char *extra_graph = g_strdup_printf ("%s %s", graph_name, extra->kind);

      /* No file: the Python source checks are for the code dynamo traced, which is the
       * function above; these graphs' nodes carry their own lines. */
      if (!record_payload_graph (ctx, extra_function, 0, 0, extra_graph, &extra->payload, error))
        return FALSE;
    }
  return TRUE;
}

static int
compare_units (gconstpointer a,
               gconstpointer b)
{
  const CompileUnit *x = *(const CompileUnit *const *) a;
  const CompileUnit *y = *(const CompileUnit *const *) b;

  if (x->source != y->source)
    return x->source < y->source ? -1 : 1;
  if (x->rank != y->rank)
    return x->rank < y->rank ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order ? 1 : 0;
}

/* Compile ids that left nothing agviz can show (a frame dynamo skipped at once: only timing
 * events) are no traces. */
static gboolean
unit_has_content (const CompileUnit *unit)
{
  return unit->name != NULL || unit->start_name != NULL || unit->has_output_graph ||
         unit->error_traceback != NULL || unit->fail_type != NULL;
}

static char *
frame_key (const CompileUnit *unit)
{
  return g_strdup_printf ("%u/%d/%" G_GINT64_FORMAT, unit->source, unit->rank, unit->frame_id);
}

/* A compile id that failed before dynamo looked at the code (the recompile limit) names no code
 * object: it is the same frame as the frame's other compile ids. */
static void
name_from_frame (GHashTable  *named_frames,
                 CompileUnit *unit)
{
  g_autofree char *key = NULL;
  const CompileUnit *named;

  if (unit->name != NULL || unit->start_name != NULL)
    return;
  key = frame_key (unit);
  named = g_hash_table_lookup (named_frames, key);
  if (named == NULL)
    return;
  unit->name = g_strdup (named->name != NULL ? named->name : named->start_name);
  unit->file = g_strdup (named->name != NULL ? named->file : named->start_file);
  unit->line = named->name != NULL ? named->line : named->start_line;
}

static gboolean
record_all (TorchTrace  *trace,
            GError     **error)
{
  g_autoptr(GHashTable) named_frames = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                              NULL);
  guint recorded = 0;

  g_ptr_array_sort (trace->unit_list, compare_units);
  for (guint i = 0; i < trace->unit_list->len; i++)
    {
      CompileUnit *unit = g_ptr_array_index (trace->unit_list, i);

      if (unit->name != NULL || unit->start_name != NULL)
        g_hash_table_insert (named_frames, frame_key (unit), unit);
    }
  for (guint i = 0; i < trace->unit_list->len; i++)
    {
      CompileUnit *unit = g_ptr_array_index (trace->unit_list, i);

      if (!unit_has_content (unit))
        continue;
      name_from_frame (named_frames, unit);
      if (!record_unit (trace, unit, error))
        return FALSE;
      recorded++;
    }
  for (guint i = 0; i < trace->exported->len; i++)
    {
      const ExportedProgram *program = &g_array_index (trace->exported, ExportedProgram, i);
      g_autofree char *suffix = rank_suffix (trace, program->source, program->rank);
      g_autofree char *function_name = g_strconcat ("exported_program", suffix, NULL);
      g_autofree char *graph_name = g_strdup_printf ("exported_program %u%s", i + 1, suffix);

      if (!record_payload_graph (trace->ctx, function_name, 0, 0, graph_name, &program->payload,
                                 error))
        return FALSE;
      recorded++;
    }
  if (recorded == 0)
    {
      LogFile *log = g_ptr_array_index (trace->logs, 0);

      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING,
                   "%s: the TORCH_TRACE log%s no compile (no dynamo_start, "
                   "compilation_metrics or output graph) and no exported program",
                   trace->logs->len > 1 ? trace->ctx->source : log->path,
                   trace->logs->len > 1 ? "s in this directory hold" : " holds");
      return FALSE;
    }
  if (trace->damaged > MAX_DAMAGED_REPORTED)
    _agviz_import_warn (trace->ctx, "%u more damaged records skipped",
                        trace->damaged - MAX_DAMAGED_REPORTED);
  return TRUE;
}

/* ---- the backend ------------------------------------------------------------------------- */

static gboolean
is_log_name (const char *name)
{
  return g_str_has_prefix (name, "dedicated_log_torch_trace") && g_str_has_suffix (name, ".log");
}

/* The N of dedicated_log_torch_trace_rank_N_XXXXXXXX.log, -1 when it names none. */
static int
rank_from_name (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  const char *rank = strstr (base, "_rank_");

  if (rank == NULL || !g_ascii_isdigit (rank[6]))
    return -1;
  return (int) CLAMP (strtol (rank + 6, NULL, 10), 0, G_MAXINT);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The source's logs: the file, or a directory's dedicated_log_torch_trace*.log by name. */
static GPtrArray *
list_logs (const char         *path,
           AgvizSourceFormat   format,
           GError            **error)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (format == AGVIZ_SOURCE_FORMAT_TORCH_TRACE)
    {
      g_ptr_array_add (paths, g_strdup (path));
      return g_steal_pointer (&paths);
    }
  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    {
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_IO, "%s: cannot list the "
                   "directory", path);
      return NULL;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    if (is_log_name (name))
      g_ptr_array_add (paths, g_build_filename (path, name, NULL));
  g_ptr_array_sort (paths, compare_paths);
  return g_steal_pointer (&paths);
}

static gboolean
import_torch_trace (AgvizImportContext  *ctx,
                    const char          *path,
                    AgvizSourceFormat    format,
                    GError             **error)
{
  g_autoptr(GPtrArray) paths = list_logs (path, format, error);
  TorchTrace trace = { 0 };
  gboolean ok = paths != NULL;

  if (!ok)
    return FALSE;
  trace.ctx = ctx;
  trace.all_graphs = ctx->torch_all_graphs;
  trace.logs = g_ptr_array_new_with_free_func (log_file_free);
  trace.units = g_hash_table_new (unit_hash, unit_equal);
  /* A log's compile ids start at 0/0 in each process, so the units of several logs are kept
   * apart by the log's index in their keys. */
  trace.unit_list = g_ptr_array_new_with_free_func (compile_unit_free);
  trace.exported = g_array_new (FALSE, FALSE, sizeof (ExportedProgram));
  trace.ranks = g_hash_table_new (NULL, NULL);

  for (guint i = 0; ok && i < paths->len; i++)
    {
      LogFile *log = g_new0 (LogFile, 1);

      log->path = g_strdup (g_ptr_array_index (paths, i));
      log->rank = rank_from_name (log->path);
      log->strings = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (trace.logs, log);
      log->text = _agviz_import_read_file (log->path, G_MAXSIZE, &log->length, error);
      ok = log->text != NULL && read_log (&trace, i, error);
    }
  ok = ok && record_all (&trace, error);

  g_hash_table_unref (trace.ranks);
  g_array_unref (trace.exported);
  g_hash_table_unref (trace.units);
  g_ptr_array_unref (trace.unit_list);
  g_ptr_array_unref (trace.logs);
  return ok;
}

/* A record line, or an empty one before it, starts the file: `V1206 15:18:20.253000 ...] {`. */
static AgvizSourceFormat
recognise_file (const char *path,
                const char *head,
                gsize       length)
{
  g_autofree char *base = g_path_get_basename (path);
  const char *p = head, *end = head + length, *line_end;

  if (is_log_name (base))
    return AGVIZ_SOURCE_FORMAT_TORCH_TRACE;
  while (p < end && (*p == '\n' || *p == '\r'))
    p++;
  line_end = memchr (p, '\n', end - p);
  if (line_end == NULL)
    line_end = end;
  if (p < end && p[0] == 'V' && record_json (p, line_end) != NULL)
    return AGVIZ_SOURCE_FORMAT_TORCH_TRACE;
  return AGVIZ_SOURCE_FORMAT_UNKNOWN;
}

static AgvizSourceFormat
recognise_directory (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (is_log_name (name))
      return AGVIZ_SOURCE_FORMAT_TORCH_TRACE_DIR;
  return AGVIZ_SOURCE_FORMAT_UNKNOWN;
}

static const AgvizImportFormatName format_names[] = {
  { AGVIZ_SOURCE_FORMAT_TORCH_TRACE, "TORCH_TRACE log" },
  { AGVIZ_SOURCE_FORMAT_TORCH_TRACE_DIR, "TORCH_TRACE directory" },
  { AGVIZ_SOURCE_FORMAT_UNKNOWN, NULL },
};

const AgvizImportBackend _agviz_torch_import_backend = {
  .framework = "PyTorch",
  .formats = format_names,
  .looks_for_in_directories = "dedicated_log_torch_trace*.log files (TORCH_TRACE=DIR)",
  .tries_on_files = "TORCH_TRACE logs (lines 'V1206 15:18:20.253000 PID path:line] {json}')",
  .recognise_directory = recognise_directory,
  .recognise_file = recognise_file,
  .import = import_torch_trace,
};
