/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-tfdbg-importer.c: tfdbg2 dump directories (FORMATS.md section 5.6)
 *
 * A dump is one set of six TFRecord files per host.  They are read in the order their records
 * refer to each other: metadata, source files (full text kept; frames index them in order of
 * appearance), stack frames, graphs (each DebuggedGraph a trace, each GraphOpCreation a node
 * with its creation stack), executions (tf.function calls and eager ops), and graph execution
 * traces (per-node tensor summaries).  Executions and traces are streamed: memory grows with
 * the graphs, not with how long the program ran.  A dump cut short by a crash imports what was
 * written; the graph being traced when the program died ends as failed.
 */
#define G_LOG_DOMAIN "agviz-tfdbg-importer"

#include "config.h"

#include <math.h>
#include <string.h>

#include "agviz-execution-trace-view.h"
#include "agviz-tf-importer-private.h"
#include "agviz-proto-decoder.h"
#include "agviz-source-map.h"
#include "agviz-tf-debug-event.pb-c.h"
#include "agviz-tf-values.h"
#include "agviz-tfrecord-reader.h"

typedef struct
{
  char       *graph_id;
  char       *graph_name;        /* as the dump names it */
  char       *outer_id;
  gint64      trace_id;
  gboolean    open;
  gboolean    top_level;         /* a tf.function's own graph, not a cond/while body */
  gboolean    has_variable_op;
  guint       ordinal;
  GHashTable *nodes;             /* op name -> node id */
  GHashTable *ops;               /* op name -> op type (borrowed from an interned table) */
} DumpGraph;

typedef struct
{
  AgvizImportContext *ctx;
  const char         *dir;
  GArray             *file_ids;          /* gint64 per SourceFile, in order of appearance */
  GArray             *file_is_user;      /* gboolean per SourceFile: the user's code */
  GHashTable         *file_texts;        /* file id -> GStrv of the file's lines */
  GHashTable         *frames;            /* stack frame id -> DumpFrame */
  GHashTable         *graph_sites;       /* graph id -> GraphSite, from the graphs' prescan */
  GHashTable         *contexts;          /* ids of the eager contexts graphs are traced in */
  GHashTable         *located;           /* Python name -> GraphSite of its last located graph */
  GHashTable         *hook_traces;       /* graph id -> HookTrace, from the hook's log */
  GQueue              hook_failures;     /* HookTrace of traces that failed, oldest first */
  GHashTable         *file_paths;        /* path -> gint64 file id of the dump's source files */
  GHashTable         *graphs;            /* graph id -> DumpGraph */
  GPtrArray          *graph_order;       /* DumpGraph, in creation order */
  GHashTable         *executed;          /* graph id -> op type of its first execution */
  GHashTable         *devices;           /* device id -> name */
  GHashTable         *interned;
  GHashTable         *warned;            /* "graph/op:slot" warned about bad values */
  GArray             *scratch;
  GArray             *values;            /* double: the summary array decoded last */
} Dump;

typedef struct
{
  gint64      frame_id;
  gint64      file_id;
  int         line;
  const char *function;          /* interned */
  gboolean    user;              /* in the user's code, not TensorFlow's or Python's */
} DumpFrame;

/* Where a graph's Python function is: the innermost frame of its ops' stacks that runs a
 * function of the graph's name (tfdbg2 records no def line; the source file gives it). */
typedef struct
{
  const char *python_name;       /* interned */
  gint64      file_id;           /* 0 until an op's stack shows the function */
  int         body_line;
} GraphSite;

/* One trace as `agviz record`'s hook saw it (agviz-hook.jsonl in the dump): what tfdbg2 does
 * not write. */
typedef struct
{
  char   *qualname;              /* "Scaler.__call__" */
  char   *file;
  int     def_line;
  char   *signature;             /* "x: TensorSpec(shape=(2,), dtype=tf.float32)" */
  char   *reason;
  gint64  object;                /* the hook's number for the tf.function object, 0 unknown */
} HookTrace;

static void
hook_trace_free (HookTrace *trace)
{
  g_free (trace->qualname);
  g_free (trace->file);
  g_free (trace->signature);
  g_free (trace->reason);
  g_free (trace);
}

static void
dump_graph_free (DumpGraph *graph)
{
  g_free (graph->graph_id);
  g_free (graph->graph_name);
  g_free (graph->outer_id);
  g_hash_table_unref (graph->nodes);
  g_hash_table_unref (graph->ops);
  g_free (graph);
}

static const char *
intern (Dump       *dump,
        const char *text)
{
  char *found = g_hash_table_lookup (dump->interned, text);

  if (found == NULL)
    {
      found = g_strdup (text);
      g_hash_table_add (dump->interned, found);
    }
  return found;
}

/* Calls @func for each record of @path, streaming. */
typedef gboolean (*RecordFunc) (Dump                       *dump,
                                const AgvizTf__DebugEvent  *event,
                                GError                    **error);

static gboolean on_graph_execution_trace (Dump                      *dump,
                                          const AgvizTf__DebugEvent *event,
                                          GError                   **error);
static gboolean on_execution_prescan     (Dump                      *dump,
                                          const AgvizTf__DebugEvent *event,
                                          GError                   **error);
static gboolean on_graph_prescan         (Dump                      *dump,
                                          const AgvizTf__DebugEvent *event,
                                          GError                   **error);

static gboolean
for_each_record (Dump        *dump,
                 const char  *path,
                 RecordFunc   func,
                 GError     **error)
{
  g_autoptr(AgvizTfrecordReader) reader = agviz_tfrecord_reader_new_for_path (path, error);
  g_autoptr(AgvizProtoArena) arena = agviz_proto_arena_new ();
  g_auto(AgvizExecutionTraceView) view;
  /* The file of one event per op per step: its plain events are read off the wire. */
  gboolean traces = func == on_graph_execution_trace;
  /* A prescan reads a file the import reads again: its records count once. */
  gboolean prescan = func == on_execution_prescan || func == on_graph_prescan;
  const guint8 *data;
  gsize length;
  GPtrArray *warnings;

  _agviz_execution_trace_view_init (&view);
  if (reader == NULL)
    return FALSE;
  agviz_tfrecord_reader_set_force (reader, dump->ctx->force);
  dump->ctx->source = path;
  while (agviz_tfrecord_reader_next (reader, &data, &length, error))
    {
      AgvizTf__DebugEvent *event;
      gboolean ok;

      /* One arena for all events; the name for errors is made only when there is one. */
      if (traces && _agviz_execution_trace_view_read (&view, data, length))
        event = &view.event;
      else
        event = (AgvizTf__DebugEvent *)
          agviz_proto_arena_decode (arena, &agviz_tf__debug_event__descriptor, data, length, 0,
                                    NULL, NULL);
      if (event == NULL)
        {
          g_autofree char *what = g_strdup_printf ("%s: the DebugEvent at byte offset %"
                                                   G_GOFFSET_FORMAT, path,
                                                   agviz_tfrecord_reader_get_record_offset (reader));

          agviz_proto_arena_decode (arena, &agviz_tf__debug_event__descriptor, data, length, 0,
                                    what, error);
          return FALSE;
        }
      ok = func (dump, event, error);
      if (!ok)
        return FALSE;
      if (prescan)
        continue;
      dump->ctx->stats.records++;
      _agviz_import_progress (dump->ctx, agviz_tfrecord_reader_get_position (reader),
                              agviz_tfrecord_reader_get_size (reader), dump->ctx->stats.records);
    }
  if (error != NULL && *error != NULL)
    return FALSE;
  if (prescan)
    return TRUE;
  dump->ctx->stats.bytes += agviz_tfrecord_reader_get_position (reader);
  warnings = agviz_tfrecord_reader_get_warnings (reader);
  for (guint i = 0; i < warnings->len; i++)
    _agviz_import_warn (dump->ctx, "%s", (const char *) g_ptr_array_index (warnings, i));
  return TRUE;
}

/* ---- metadata, sources, frames ----------------------------------------------------------- */

static gboolean
on_metadata (Dump                      *dump,
             const AgvizTf__DebugEvent *event,
             GError                   **error)
{
  const AgvizTf__DebugMetadata *metadata;
  g_autofree char *key = NULL;
  g_autofree char *value = NULL;

  if (event->what_case != AGVIZ_TF__DEBUG_EVENT__WHAT_DEBUG_METADATA)
    return TRUE;
  metadata = event->debug_metadata;
  key = g_strdup_printf ("agviz.tfdbg:%s", metadata->tfdbg_run_id != NULL &&
                                           *metadata->tfdbg_run_id != '\0'
                                             ? metadata->tfdbg_run_id : dump->dir);
  value = g_strdup_printf ("tensorflow %s, %s, dump %s", metadata->tensorflow_version,
                           metadata->file_version, dump->dir);
  return agviz_recorder_set_metadata (dump->ctx->recorder, key, value, error);
}

static gboolean
on_source_file (Dump                      *dump,
                const AgvizTf__DebugEvent *event,
                GError                   **error)
{
  const AgvizTf__SourceFile *source;
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean user;
  gint64 file_id;

  if (event->what_case != AGVIZ_TF__DEBUG_EVENT__WHAT_SOURCE_FILE)
    return TRUE;
  source = event->source_file;
  file_id = agviz_recorder_add_file (dump->ctx->recorder, source->host_name,
                                     source->file_path != NULL && *source->file_path != '\0'
                                       ? source->file_path : "<unknown>", error);
  if (file_id == 0)
    return FALSE;
  /* TensorFlow splits the file at each newline, so a file ending in one ends in "": joined
   * back with newlines between, the text is the file as it ran (its SHA-256 is compared with
   * the file on disk). */
  for (gsize i = 0; i < source->n_lines; i++)
    {
      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, source->lines[i]);
    }
  if (!agviz_recorder_set_file_text (dump->ctx->recorder, file_id, text->str, text->len, error))
    return FALSE;
  if (!g_hash_table_contains (dump->file_texts, &file_id))
    {
      GStrvBuilder *lines = g_strv_builder_new ();

      for (gsize i = 0; i < source->n_lines; i++)
        g_strv_builder_add (lines, source->lines[i]);
      g_hash_table_insert (dump->file_texts, g_memdup2 (&file_id, sizeof file_id),
                           g_strv_builder_end (lines));
      g_strv_builder_unref (lines);
    }
  g_array_append_val (dump->file_ids, file_id);
  if (source->file_path != NULL)
    g_hash_table_insert (dump->file_paths, g_strdup (source->file_path),
                         g_memdup2 (&file_id, sizeof file_id));
  user = agviz_source_map_classify_path (source->file_path) == AGVIZ_FRAME_ORIGIN_USER;
  g_array_append_val (dump->file_is_user, user);
  dump->ctx->stats.source_files++;
  return TRUE;
}

static gboolean
on_stack_frame (Dump                      *dump,
                const AgvizTf__DebugEvent *event,
                GError                   **error)
{
  const AgvizTf__StackFrameWithId *frame;
  const AgvizTf__GraphDebugInfo__FileLineCol *location;
  DumpFrame *site;
  gboolean user;
  gint64 file_id, frame_id;

  if (event->what_case != AGVIZ_TF__DEBUG_EVENT__WHAT_STACK_FRAME_WITH_ID)
    return TRUE;
  frame = event->stack_frame_with_id;
  location = frame->file_line_col;
  if (location == NULL || frame->id == NULL)
    return TRUE;
  user = FALSE;
  if (location->file_index >= 0 && (guint) location->file_index < dump->file_ids->len)
    {
      file_id = g_array_index (dump->file_ids, gint64, location->file_index);
      user = g_array_index (dump->file_is_user, gboolean, location->file_index);
    }
  else
    {
      file_id = agviz_recorder_add_file (dump->ctx->recorder, NULL, "<unknown>", error);
      if (file_id == 0)
        return FALSE;
    }
  frame_id = agviz_recorder_add_frame (dump->ctx->recorder, file_id, MAX (location->line, 0),
                                       MAX (location->col, 0), location->func, error);
  if (frame_id == 0)
    return FALSE;
  site = g_new (DumpFrame, 1);
  site->frame_id = frame_id;
  site->file_id = file_id;
  site->line = MAX (location->line, 0);
  site->function = intern (dump, location->func != NULL ? location->func : "");
  site->user = user;
  g_hash_table_insert (dump->frames, g_strdup (frame->id), site);
  return TRUE;
}

static gint64
stack_for (Dump                       *dump,
           const AgvizTf__CodeLocation *location,
           GError                    **error)
{
  if (location == NULL || location->n_stack_frame_ids == 0)
    return 0;
  g_array_set_size (dump->scratch, 0);
  for (gsize i = 0; i < location->n_stack_frame_ids; i++)
    {
      const DumpFrame *frame = g_hash_table_lookup (dump->frames, location->stack_frame_ids[i]);

      if (frame != NULL)
        g_array_append_val (dump->scratch, frame->frame_id);
    }
  if (dump->scratch->len == 0)
    return 0;
  return agviz_recorder_add_stack (dump->ctx->recorder, (const gint64 *) dump->scratch->data,
                                   dump->scratch->len, error);
}

/* ---- the recording hook's log ------------------------------------------------------------ */

/* Why a trace was made, in the user's words, from what the hook saw. */
static char *
hook_reason (GVariant *record)
{
  const char *scope = agviz_json_get_string (record, "scope");
  const char *via = agviz_json_get_string (record, "via");

  if (g_strcmp0 (scope, "no_variable_creation") == 0 && agviz_json_get_int (record, "trace", 0) == 2)
    return g_strdup ("the first call's second pass: TensorFlow traces a function that created "
                     "variables again, with variable creation forbidden");
  if (g_strcmp0 (via, "get_concrete_function") == 0)
    return g_strdup ("get_concrete_function()");
  return NULL;
}

/* Reads DUMP/agviz-hook.jsonl, which `agviz record` has the program write beside the dump: the
 * Python function, input signature and reason of each trace.  A line that is not JSON (the last
 * one of a program killed mid-write) is reported and skipped. */
static gboolean
read_hook_log (Dump        *dump,
               const char  *dir,
               GError     **error)
{
  g_autofree char *path = g_build_filename (dir, "agviz-hook.jsonl", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gsize length;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return TRUE;
  text = _agviz_import_read_file (path, 256 << 20, &length, error);
  if (text == NULL)
    return FALSE;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GVariant) record = NULL;
      const char *kind, *graph_id, *qualname;
      HookTrace *trace;

      if (*lines[i] == '\0')
        continue;
      record = agviz_json_parse (lines[i], -1, &local_error);
      if (record == NULL || !g_variant_is_of_type (record, G_VARIANT_TYPE_VARDICT))
        {
          _agviz_import_warn (dump->ctx, "%s:%u: %s; line skipped", path, i + 1,
                              local_error != NULL ? local_error->message : "not a JSON object");
          continue;
        }
      kind = agviz_json_get_string (record, "record");
      qualname = agviz_json_get_string (record, "qualname");
      if ((g_strcmp0 (kind, "trace") != 0 && g_strcmp0 (kind, "trace_error") != 0) ||
          qualname == NULL || *qualname == '\0')
        continue;
      trace = g_new0 (HookTrace, 1);
      trace->qualname = g_strdup (qualname);
      trace->file = g_strdup (agviz_json_get_string (record, "file"));
      trace->def_line = (int) CLAMP (agviz_json_get_int (record, "def_line", 0), 0, G_MAXINT);
      trace->signature = g_strdup (agviz_json_get_string (record, "signature"));
      trace->reason = hook_reason (record);
      trace->object = MAX (agviz_json_get_int (record, "function_id", 0), 0);
      graph_id = agviz_json_get_string (record, "tfdbg_graph_id");
      if (g_str_equal (kind, "trace") && graph_id != NULL && *graph_id != '\0')
        g_hash_table_replace (dump->hook_traces, g_strdup (graph_id), trace);
      else if (g_str_equal (kind, "trace_error"))
        g_queue_push_tail (&dump->hook_failures, trace);
      else
        hook_trace_free (trace);
    }
  return TRUE;
}

/* What the hook saw of top-level graph @graph_id named @python_name: its own record, or for a
 * graph it has none of (a trace that failed has no concrete function), the oldest failure of a
 * function of that name not yet taken. */
static const HookTrace *
hook_trace_for (Dump       *dump,
                const char *graph_id,
                const char *python_name)
{
  const HookTrace *trace = g_hash_table_lookup (dump->hook_traces, graph_id);

  if (trace != NULL)
    return trace;
  for (GList *link = dump->hook_failures.head; link != NULL; link = link->next)
    {
      HookTrace *failed = link->data;
      const char *dot = strrchr (failed->qualname, '.');

      if (g_strcmp0 (dot != NULL ? dot + 1 : failed->qualname, python_name) == 0)
        {
          g_queue_delete_link (&dump->hook_failures, link);
          g_hash_table_replace (dump->hook_traces, g_strdup (graph_id), failed);
          return failed;
        }
    }
  return NULL;
}

/* ---- graphs ------------------------------------------------------------------------------ */

static gboolean
on_execution_prescan (Dump                      *dump,
                      const AgvizTf__DebugEvent *event,
                      GError                   **error)
{
  const AgvizTf__Execution *execution;

  if (event->what_case != AGVIZ_TF__DEBUG_EVENT__WHAT_EXECUTION)
    return TRUE;
  execution = event->execution;
  if (execution->graph_id != NULL && *execution->graph_id != '\0' &&
      !g_hash_table_contains (dump->executed, execution->graph_id))
    g_hash_table_insert (dump->executed, g_strdup (execution->graph_id),
                         g_strdup (execution->op_type));
  return TRUE;
}

/* Finds where each graph's Python function lives before the graphs are recorded, since a
 * function is known by its name, file and def line. */
static gboolean
on_graph_prescan (Dump                      *dump,
                  const AgvizTf__DebugEvent *event,
                  GError                   **error)
{
  if (event->what_case == AGVIZ_TF__DEBUG_EVENT__WHAT_DEBUGGED_GRAPH)
    {
      const AgvizTf__DebuggedGraph *debugged = event->debugged_graph;
      g_autofree char *name = NULL;
      GraphSite *site;

      if (debugged->graph_id == NULL || *debugged->graph_id == '\0' ||
          g_hash_table_contains (dump->graph_sites, debugged->graph_id))
        return TRUE;
      name = agviz_function_name_for_graph (debugged->graph_name != NULL ? debugged->graph_name
                                                                         : "");
      site = g_new0 (GraphSite, 1);
      site->python_name = intern (dump, name);
      g_hash_table_insert (dump->graph_sites, g_strdup (debugged->graph_id), site);
      return TRUE;
    }

  if (event->what_case == AGVIZ_TF__DEBUG_EVENT__WHAT_GRAPH_OP_CREATION)
    {
      const AgvizTf__GraphOpCreation *op = event->graph_op_creation;
      GraphSite *site = g_hash_table_lookup (dump->graph_sites,
                                             op->graph_id != NULL ? op->graph_id : "");

      if (site == NULL || site->file_id != 0 || *site->python_name == '\0' ||
          op->code_location == NULL)
        return TRUE;
      for (gsize i = op->code_location->n_stack_frame_ids; i-- > 0;)
        {
          const DumpFrame *frame = g_hash_table_lookup (dump->frames,
                                                        op->code_location->stack_frame_ids[i]);

          /* TensorFlow's own Function.__call__ is on every stack: only the user's counts. */
          if (frame != NULL && frame->user && frame->function == site->python_name)
            {
              site->file_id = frame->file_id;
              site->body_line = frame->line;
              break;
            }
        }
    }
  return TRUE;
}

/* The line of `def NAME` at or above @body_line in the text the dump captured of @file_id;
 * 0 when the dump holds no text for the file or no such line. */
static int
def_line_above (Dump       *dump,
                gint64      file_id,
                int         body_line,
                const char *name)
{
  GStrv lines = g_hash_table_lookup (dump->file_texts, &file_id);
  gsize name_length = strlen (name);

  if (lines == NULL)
    return 0;
  for (int line = MIN (body_line, (int) g_strv_length (lines)); line >= 1; line--)
    {
      const char *text = lines[line - 1];

      while (*text == ' ' || *text == '\t')
        text++;
      if (g_str_has_prefix (text, "async "))
        text += strlen ("async ");
      if (!g_str_has_prefix (text, "def "))
        continue;
      text += strlen ("def ");
      while (*text == ' ')
        text++;
      if (strncmp (text, name, name_length) == 0 &&
          !g_ascii_isalnum (text[name_length]) && text[name_length] != '_')
        return line;
    }
  return 0;
}

static gboolean
on_graph_event (Dump                      *dump,
                const AgvizTf__DebugEvent *event,
                GError                   **error)
{
  AgvizImportContext *ctx = dump->ctx;

  if (event->what_case == AGVIZ_TF__DEBUG_EVENT__WHAT_DEBUGGED_GRAPH)
    {
      const AgvizTf__DebuggedGraph *debugged = event->debugged_graph;
      const char *executed_as;
      g_autofree char *function_name = NULL;
      const HookTrace *hook;
      const GraphSite *site;
      DumpGraph *graph;
      gint64 function_id;

      if (debugged->graph_id == NULL || *debugged->graph_id == '\0' ||
          g_hash_table_contains (dump->graphs, debugged->graph_id) ||
          g_hash_table_contains (dump->contexts, debugged->graph_id))
        return TRUE;
      /* The concrete function's name (__inference_f_12) comes with its executions; the graph
       * itself may carry only the Python name. */
      executed_as = g_hash_table_lookup (dump->executed, debugged->graph_id);
      /* A graph with no name that never ran is the eager context tf.functions are traced
       * from (variables lifted by init_scope are made there): not a function. */
      if ((debugged->graph_name == NULL || *debugged->graph_name == '\0') && executed_as == NULL)
        {
          g_hash_table_add (dump->contexts, g_strdup (debugged->graph_id));
          return TRUE;
        }
      graph = g_new0 (DumpGraph, 1);
      graph->graph_id = g_strdup (debugged->graph_id);
      graph->outer_id = debugged->outer_context_id != NULL && *debugged->outer_context_id != '\0'
                          ? g_strdup (debugged->outer_context_id) : NULL;
      graph->top_level = graph->outer_id == NULL ||
                         !g_hash_table_contains (dump->graphs, graph->outer_id);
      if (debugged->graph_name != NULL && g_str_has_prefix (debugged->graph_name, "__inference_"))
        graph->graph_name = g_strdup (debugged->graph_name);
      else if (executed_as != NULL && g_str_has_prefix (executed_as, "__inference_"))
        graph->graph_name = g_strdup (executed_as);
      else if (debugged->graph_name != NULL && *debugged->graph_name != '\0')
        graph->graph_name = g_strdup (debugged->graph_name);
      else
        graph->graph_name = g_strdup (debugged->graph_id);
      graph->nodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      graph->ops = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (dump->graphs, graph->graph_id, graph);
      g_ptr_array_add (dump->graph_order, graph);

      function_name = agviz_function_name_for_graph (graph->graph_name);
      hook = graph->top_level ? hook_trace_for (dump, graph->graph_id, function_name) : NULL;
      site = g_hash_table_lookup (dump->graph_sites, graph->graph_id);
      /* A retrace that stopped before its body ran holds only placeholders: it belongs to
       * the function of that name seen last. */
      if (site != NULL && site->file_id == 0)
        site = g_hash_table_lookup (dump->located, site->python_name);
      else if (graph->top_level && site != NULL)
        g_hash_table_insert (dump->located, (gpointer) site->python_name, (gpointer) site);
      if (hook != NULL && hook->file != NULL &&
          g_hash_table_lookup (dump->file_paths, hook->file) != NULL)
        /* The hook knows the function as Python does: its qualified name and def line. */
        function_id = agviz_recorder_add_function (ctx->recorder, hook->qualname,
                                                   *(gint64 *) g_hash_table_lookup (dump->file_paths,
                                                                                    hook->file),
                                                   hook->def_line, error);
      else if (graph->top_level && site != NULL && site->file_id != 0)
        function_id = agviz_recorder_add_function (ctx->recorder, function_name, site->file_id,
                                                   def_line_above (dump, site->file_id,
                                                                   site->body_line,
                                                                   site->python_name),
                                                   error);
      else
        function_id = agviz_recorder_add_function (ctx->recorder, function_name, 0, 0, error);
      if (function_id == 0)
        return FALSE;
      graph->trace_id = agviz_recorder_begin_trace (ctx->recorder, function_id, graph->graph_name,
                                                    hook != NULL ? hook->signature : NULL,
                                                    hook != NULL ? hook->reason : NULL, error);
      if (graph->trace_id == 0)
        return FALSE;
      if (hook != NULL && hook->object > 0 &&
          !agviz_recorder_set_trace_object (ctx->recorder, graph->trace_id, hook->object, error))
        return FALSE;
      if (event->wall_time > 0 &&
          !agviz_recorder_set_trace_start (ctx->recorder, graph->trace_id,
                                           agviz_tf_seconds_to_ns (event->wall_time), error))
        return FALSE;
      graph->open = TRUE;
      ctx->stats.functions++;
      return TRUE;
    }

  if (event->what_case == AGVIZ_TF__DEBUG_EVENT__WHAT_GRAPH_OP_CREATION)
    {
      const AgvizTf__GraphOpCreation *op = event->graph_op_creation;
      DumpGraph *graph = g_hash_table_lookup (dump->graphs, op->graph_id != NULL ? op->graph_id : "");
      gint64 stack_id, node_id;
      GVariantBuilder attrs;

      if (graph == NULL && g_hash_table_contains (dump->contexts,
                                                  op->graph_id != NULL ? op->graph_id : ""))
        return TRUE;
      if (graph == NULL || !graph->open)
        {
          _agviz_import_warn (ctx, "%s: op %s belongs to graph %s, which the dump never "
                              "declared; left out", dump->dir, op->op_name, op->graph_id);
          return TRUE;
        }
      if (op->op_name == NULL || *op->op_name == '\0' || g_hash_table_contains (graph->nodes,
                                                                                op->op_name))
        return TRUE;
      stack_id = stack_for (dump, op->code_location, error);
      if (stack_id == 0 && error != NULL && *error != NULL)
        return FALSE;
      g_variant_builder_init (&attrs, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&attrs, "{sv}", "num_outputs", g_variant_new_int64 (op->num_outputs));
      node_id = agviz_recorder_add_node (ctx->recorder, graph->trace_id, op->op_name,
                                         op->op_type != NULL && *op->op_type != '\0'
                                           ? op->op_type : "<no op>",
                                         op->device_name, g_variant_builder_end (&attrs),
                                         stack_id, error);
      if (node_id == 0)
        return FALSE;
      ctx->stats.nodes++;
      if (stack_id != 0)
        ctx->stats.nodes_with_stacks++;
      if (g_strcmp0 (op->op_type, "VarHandleOp") == 0 ||
          g_strcmp0 (op->op_type, "VariableV2") == 0 || g_strcmp0 (op->op_type, "Variable") == 0)
        graph->has_variable_op = TRUE;

      for (gsize i = 0; i < op->n_input_names; i++)
        {
          g_autofree char *src = g_strdup (op->input_names[i]);
          char *colon = strrchr (src, ':');
          const gint64 *src_id;
          int slot = 0;

          if (colon != NULL)
            {
              *colon = '\0';
              slot = (int) g_ascii_strtoll (colon + 1, NULL, 10);
            }
          src_id = g_hash_table_lookup (graph->nodes, src);
          if (src_id == NULL)
            continue;
          if (!agviz_recorder_add_edge (ctx->recorder, graph->trace_id, *src_id, MAX (slot, 0),
                                        node_id, (int) i, error))
            return FALSE;
          ctx->stats.edges++;
        }
      g_hash_table_insert (graph->nodes, g_strdup (op->op_name),
                           g_memdup2 (&node_id, sizeof node_id));
      g_hash_table_insert (graph->ops, g_strdup (op->op_name),
                           (gpointer) intern (dump, op->op_type != NULL ? op->op_type : ""));
      return TRUE;
    }

  if (event->what_case == AGVIZ_TF__DEBUG_EVENT__WHAT_DEBUGGED_DEVICE)
    g_hash_table_insert (dump->devices, GINT_TO_POINTER (event->debugged_device->device_id),
                         (gpointer) intern (dump, event->debugged_device->device_name));
  return TRUE;
}

/* An inner graph (cond_true_12, while_body_7) is called by the control-flow op of its outer
 * graph whose name it starts with; the dump does not record the attribute, so the names do. */
static gboolean
link_inner_graph (Dump       *dump,
                  DumpGraph  *inner,
                  GError    **error)
{
  static const struct { const char *suffix; const char *role; } roles[] = {
    { "_true", "then_branch" }, { "_false", "else_branch" },
    { "_body", "body" }, { "_cond", "cond" },
  };
  DumpGraph *outer = g_hash_table_lookup (dump->graphs, inner->outer_id);
  g_autofree char *stem = NULL;
  gsize cut;

  if (outer == NULL || !outer->open)
    return TRUE;
  stem = g_strdup (inner->graph_name);
  cut = strlen (stem);
  while (cut > 0 && g_ascii_isdigit (stem[cut - 1]))
    cut--;
  if (cut > 0 && stem[cut - 1] == '_')
    stem[--cut] = '\0';

  for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
    {
      GHashTableIter iter;
      gpointer name, id;

      if (!g_str_has_suffix (stem, roles[r].suffix))
        continue;
      stem[strlen (stem) - strlen (roles[r].suffix)] = '\0';
      g_hash_table_iter_init (&iter, outer->nodes);
      while (g_hash_table_iter_next (&iter, &name, &id))
        {
          const char *local = strrchr (name, '/');
          const char *op = g_hash_table_lookup (outer->ops, name);

          local = local != NULL ? local + 1 : name;
          if (strcmp (local, stem) != 0 || op == NULL ||
              !(strstr (op, "If") != NULL || strstr (op, "While") != NULL ||
                strstr (op, "Case") != NULL))
            continue;
          if (!agviz_recorder_add_call (dump->ctx->recorder, outer->trace_id, *(gint64 *) id,
                                        roles[r].role, inner->graph_name, error))
            return FALSE;
          dump->ctx->stats.calls++;
          return TRUE;
        }
      return TRUE;
    }
  return TRUE;
}

static gboolean
end_graphs (Dump      *dump,
            GError   **error)
{
  GHashTable *failing = dump->ctx->failing_functions;
  DumpGraph *crashed = NULL;

  /* The program died tracing the last top-level graph if it never ran and the traceback it
   * died with runs through its function, or if it creates variables in its graph. */
  for (guint i = dump->graph_order->len; i-- > 0;)
    {
      DumpGraph *graph = g_ptr_array_index (dump->graph_order, i);
      g_autofree char *python_name = NULL;

      if (!graph->top_level)
        continue;
      python_name = agviz_function_name_for_graph (graph->graph_name);
      if (!g_hash_table_contains (dump->executed, graph->graph_id) &&
          ((failing != NULL && g_hash_table_contains (failing, python_name)) ||
           graph->has_variable_op))
        crashed = graph;
      break;
    }

  for (guint i = 0; i < dump->graph_order->len; i++)
    {
      DumpGraph *graph = g_ptr_array_index (dump->graph_order, i);

      if (graph->outer_id != NULL && !link_inner_graph (dump, graph, error))
        return FALSE;
    }
  for (guint i = 0; i < dump->graph_order->len; i++)
    {
      DumpGraph *graph = g_ptr_array_index (dump->graph_order, i);
      gboolean failed = graph == crashed;

      if (!graph->open)
        continue;
      if (!agviz_recorder_end_trace (dump->ctx->recorder, graph->trace_id,
                                     failed ? AGVIZ_TRACE_STATUS_FAILED
                                            : AGVIZ_TRACE_STATUS_COMPLETE, 0, error))
        return FALSE;
      graph->open = FALSE;
      dump->ctx->stats.traces++;
      if (failed)
        dump->ctx->crashed_trace_id = graph->trace_id;
    }
  return TRUE;
}

/* ---- tensor summaries -------------------------------------------------------------------- */

static gint64
count_at (GArray *values,
          guint   index)
{
  double v;

  if (index >= values->len)
    return -1;
  v = g_array_index (values, double, index);
  if (!isfinite (v) || v < 0)
    return -1;
  return (gint64) v;
}

/* Fills @summary from a tfdbg2 summary array (layouts in FORMATS.md) or a full tensor, whose
 * values are left in dump->values (one GraphExecutionTrace per op per step: no array each). */
static void
decode_summary (Dump                        *dump,
                int                          mode,
                const AgvizTf__TensorProto  *tensor,
                AgvizTensorSummary          *summary,
                char                       **shape_out)
{
  GArray *values = dump->values;

  g_array_set_size (values, 0);
  summary->debug_mode = mode;
  if (tensor == NULL)
    return;

  if (mode == AGVIZ_TF__TENSOR_DEBUG_MODE__FULL_TENSOR)
    {
      double sum = 0;
      gint64 finite = 0;

      summary->dtype = (char *) agviz_tf_dtype_name (tensor->dtype);
      *shape_out = agviz_tf_shape_to_string (tensor->tensor_shape);
      summary->shape = *shape_out;
      if (!agviz_tf_tensor_get_doubles (tensor, G_MAXSIZE, values))
        return;
      summary->element_count = values->len;
      summary->nan_count = summary->neg_inf_count = summary->pos_inf_count = 0;
      summary->neg_finite_count = summary->zero_count = summary->pos_finite_count = 0;
      summary->min = INFINITY;
      summary->max = -INFINITY;
      for (guint i = 0; i < values->len; i++)
        {
          double v = g_array_index (values, double, i);

          if (isnan (v))
            summary->nan_count++;
          else if (isinf (v))
            *(v < 0 ? &summary->neg_inf_count : &summary->pos_inf_count) += 1;
          else
            {
              *(v < 0 ? &summary->neg_finite_count
                      : v == 0 ? &summary->zero_count : &summary->pos_finite_count) += 1;
              summary->min = MIN (summary->min, v);
              summary->max = MAX (summary->max, v);
              sum += v;
              finite++;
            }
        }
      if (finite > 0)
        {
          summary->has_range = TRUE;
          summary->mean = sum / finite;
        }
      return;
    }

  if (!agviz_tf_tensor_get_doubles (tensor, 64, values))
    return;
  switch (mode)
    {
    case AGVIZ_TF__TENSOR_DEBUG_MODE__CURT_HEALTH:
      if (values->len >= 2 && g_array_index (values, double, 1) == 0)
        summary->nan_count = summary->neg_inf_count = summary->pos_inf_count = 0;
      break;
    case AGVIZ_TF__TENSOR_DEBUG_MODE__CONCISE_HEALTH:
      summary->element_count = count_at (values, 1);
      summary->neg_inf_count = count_at (values, 2);
      summary->pos_inf_count = count_at (values, 3);
      summary->nan_count = count_at (values, 4);
      break;
    case AGVIZ_TF__TENSOR_DEBUG_MODE__FULL_HEALTH:
      if (values->len >= 3)
        summary->dtype = (char *) agviz_tf_dtype_name ((int) g_array_index (values, double, 2));
      summary->element_count = count_at (values, 4);
      summary->neg_inf_count = count_at (values, 5);
      summary->pos_inf_count = count_at (values, 6);
      summary->nan_count = count_at (values, 7);
      summary->neg_finite_count = count_at (values, 8);
      summary->zero_count = count_at (values, 9);
      summary->pos_finite_count = count_at (values, 10);
      break;
    case AGVIZ_TF__TENSOR_DEBUG_MODE__SHAPE:
      if (values->len >= 4)
        {
          gint64 rank = count_at (values, 2);
          GString *shape = g_string_new ("[");

          summary->dtype = (char *) agviz_tf_dtype_name ((int) g_array_index (values, double, 1));
          summary->element_count = count_at (values, 3);
          /* At most six dimensions are kept, the last ones (head-truncated). */
          if (rank > 6)
            g_string_append (shape, "...,");
          for (gint64 d = MAX (0, 6 - MIN (rank, 6)); rank > 0 && d < 6; d++)
            {
              if (shape->len > 1 && shape->str[shape->len - 1] != ',')
                g_string_append_c (shape, ',');
              g_string_append_printf (shape, "%" G_GINT64_FORMAT, count_at (values, 4 + d));
            }
          g_string_append_c (shape, ']');
          *shape_out = g_string_free (shape, FALSE);
          summary->shape = *shape_out;
        }
      break;
    case AGVIZ_TF__TENSOR_DEBUG_MODE__REDUCE_INF_NAN_THREE_SLOTS:
      if (values->len >= 3)
        {
          if (g_array_index (values, double, 0) == 0)
            summary->neg_inf_count = 0;
          if (g_array_index (values, double, 1) == 0)
            summary->pos_inf_count = 0;
          if (g_array_index (values, double, 2) == 0)
            summary->nan_count = 0;
        }
      break;
    default:
      break;
    }
}

/* Whether the summary decode_summary() made of @values says NaN or Inf. */
static gboolean
has_bad_values (int                        mode,
                const GArray              *values,
                const AgvizTensorSummary  *summary)
{
  if (summary->nan_count > 0 || summary->neg_inf_count > 0 || summary->pos_inf_count > 0)
    return TRUE;
  if (mode == AGVIZ_TF__TENSOR_DEBUG_MODE__CURT_HEALTH)
    return values->len >= 2 && g_array_index (values, double, 1) != 0;
  if (mode == AGVIZ_TF__TENSOR_DEBUG_MODE__REDUCE_INF_NAN_THREE_SLOTS)
    for (guint i = 0; i < values->len && i < 3; i++)
      if (g_array_index (values, double, i) != 0)
        return TRUE;
  return FALSE;
}

/* Stores a summary of output @slot of @op (in @graph_name, NULL for an eager op). */
static gboolean
store_summary (Dump                        *dump,
               gint64                       execution_id,
               gint64                       node_id,
               gint64                       trace_id,
               const char                  *op,
               const char                  *graph_name,
               int                          slot,
               int                          mode,
               const AgvizTf__TensorProto  *tensor,
               GError                     **error)
{
  g_autofree char *shape = NULL;
  AgvizTensorSummary summary;

  agviz_tensor_summary_init (&summary);
  summary.execution_id = execution_id;
  summary.node_id = node_id;
  summary.output_slot = MAX (slot, 0);
  decode_summary (dump, mode, tensor, &summary, &shape);
  if (agviz_recorder_add_tensor_summary (dump->ctx->recorder, &summary, error) == 0)
    return FALSE;
  dump->ctx->stats.tensor_summaries++;

  /* NaN and Inf are what people look for: one warning event per output that first shows it. */
  if (has_bad_values (mode, dump->values, &summary))
    {
      g_autofree char *what = graph_name != NULL ? g_strdup_printf ("%s in %s", op, graph_name)
                                                 : g_strdup (op);
      g_autofree char *key = g_strdup_printf ("%s:%d", what, slot);

      if (!g_hash_table_contains (dump->warned, key))
        {
          g_autofree char *message = NULL;
          AgvizEvent event = { 0 };

          if (summary.nan_count > 0 || summary.neg_inf_count > 0 || summary.pos_inf_count > 0)
            message = g_strdup_printf ("%s output %d: %" G_GINT64_FORMAT " NaN, %"
                                       G_GINT64_FORMAT " -Inf, %" G_GINT64_FORMAT " +Inf", what,
                                       slot, MAX (summary.nan_count, 0),
                                       MAX (summary.neg_inf_count, 0),
                                       MAX (summary.pos_inf_count, 0));
          else
            message = g_strdup_printf ("%s output %d holds NaN or Inf", what, slot);
          event.kind = AGVIZ_EVENT_WARNING;
          event.node_id = node_id;
          event.trace_id = trace_id;
          event.execution_id = execution_id;
          event.message = message;
          if (agviz_recorder_add_event (dump->ctx->recorder, &event, error) == 0)
            return FALSE;
          g_hash_table_add (dump->warned, g_steal_pointer (&key));
        }
    }
  return TRUE;
}

static gboolean
on_execution (Dump                      *dump,
              const AgvizTf__DebugEvent *event,
              GError                   **error)
{
  const AgvizTf__Execution *execution;
  AgvizExecution record = { 0 };
  DumpGraph *graph = NULL;
  gint64 execution_id;

  if (event->what_case != AGVIZ_TF__DEBUG_EVENT__WHAT_EXECUTION)
    return TRUE;
  execution = event->execution;
  if (execution->graph_id != NULL && *execution->graph_id != '\0')
    graph = g_hash_table_lookup (dump->graphs, execution->graph_id);
  if (graph != NULL)
    record.trace_id = graph->trace_id;
  else
    record.op_type = execution->op_type != NULL && *execution->op_type != '\0'
                       ? execution->op_type : (char *) "<unknown>";
  if (execution->n_output_tensor_device_ids > 0)
    record.device = g_hash_table_lookup (dump->devices,
                                         GINT_TO_POINTER (execution->output_tensor_device_ids[0]));
  record.start_ns = event->wall_time > 0 ? agviz_tf_seconds_to_ns (event->wall_time) : 0;
  record.stack_id = stack_for (dump, execution->code_location, error);
  if (record.stack_id == 0 && error != NULL && *error != NULL)
    return FALSE;
  execution_id = agviz_recorder_add_execution (dump->ctx->recorder, &record, error);
  if (execution_id == 0)
    return FALSE;
  dump->ctx->stats.executions++;

  for (gsize i = 0; i < execution->n_tensor_protos; i++)
    if (!store_summary (dump, execution_id, 0, record.trace_id,
                        graph != NULL ? graph->graph_name : record.op_type, NULL, (int) i,
                        execution->tensor_debug_mode, execution->tensor_protos[i], error))
      return FALSE;
  return TRUE;
}

static gboolean
on_graph_execution_trace (Dump                      *dump,
                          const AgvizTf__DebugEvent *event,
                          GError                   **error)
{
  const AgvizTf__GraphExecutionTrace *trace;
  const gint64 *node_id;
  DumpGraph *graph;

  if (event->what_case != AGVIZ_TF__DEBUG_EVENT__WHAT_GRAPH_EXECUTION_TRACE)
    return TRUE;
  trace = event->graph_execution_trace;
  graph = g_hash_table_lookup (dump->graphs, trace->tfdbg_context_id != NULL
                                               ? trace->tfdbg_context_id : "");
  node_id = graph != NULL && trace->op_name != NULL
              ? g_hash_table_lookup (graph->nodes, trace->op_name) : NULL;
  if (node_id == NULL)
    return TRUE;
  return store_summary (dump, 0, *node_id, graph->trace_id, trace->op_name, graph->graph_name,
                        trace->output_slot, trace->tensor_debug_mode, trace->tensor_proto, error);
}

/* ---- the dump ---------------------------------------------------------------------------- */

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

gboolean
_agviz_import_tfdbg_dump (AgvizImportContext *ctx,
                          const char         *path,
                          GError            **error)
{
  static const struct { const char *suffix; RecordFunc func; } passes[] = {
    { ".metadata", on_metadata },
    { ".source_files", on_source_file },
    { ".stack_frames", on_stack_frame },
    { ".execution", on_execution_prescan },
    { ".graphs", on_graph_prescan },
    { ".graphs", on_graph_event },
    { ".execution", on_execution },
    { ".graph_execution_traces", on_graph_execution_trace },
  };
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GPtrArray) prefixes = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  Dump dump = { 0 };
  gboolean ok = TRUE;

  listing = g_dir_open (path, 0, error);
  if (listing == NULL)
    return FALSE;
  /* One file set per host: "tfdbg_events.<time>.<host>" before ".metadata". */
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, "tfdbg_events.") && g_str_has_suffix (name, ".metadata"))
      g_ptr_array_add (prefixes, g_strndup (name, strlen (name) - strlen (".metadata")));
  g_ptr_array_sort (prefixes, compare_strings);
  if (prefixes->len == 0)
    {
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING,
                   "%s: no tfdbg_events.*.metadata file", path);
      return FALSE;
    }

  dump.ctx = ctx;
  dump.dir = path;
  dump.file_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  dump.file_is_user = g_array_new (FALSE, FALSE, sizeof (gboolean));
  dump.frames = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  dump.file_texts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                           (GDestroyNotify) g_strfreev);
  dump.graph_sites = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  dump.contexts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  dump.located = g_hash_table_new (g_str_hash, g_str_equal);
  dump.hook_traces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) hook_trace_free);
  g_queue_init (&dump.hook_failures);
  dump.file_paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  dump.graphs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) dump_graph_free);
  dump.graph_order = g_ptr_array_new ();
  dump.executed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  dump.devices = g_hash_table_new (g_direct_hash, g_direct_equal);
  dump.interned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  dump.warned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  dump.scratch = g_array_new (FALSE, FALSE, sizeof (gint64));
  dump.values = g_array_new (FALSE, FALSE, sizeof (double));

  /* Every host's files of one kind before the next kind: later kinds refer to earlier ones. */
  ok = read_hook_log (&dump, path, error);
  for (guint p = 0; ok && p < G_N_ELEMENTS (passes); p++)
    {
      if (passes[p].func == on_execution)
        ok = end_graphs (&dump, error);
      for (guint h = 0; ok && h < prefixes->len; h++)
        {
          g_autofree char *file = g_strconcat (path, G_DIR_SEPARATOR_S,
                                               (const char *) g_ptr_array_index (prefixes, h),
                                               passes[p].suffix, NULL);

          if (!g_file_test (file, G_FILE_TEST_IS_REGULAR))
            {
              if (passes[p].func != on_execution_prescan && passes[p].func != on_graph_prescan &&
                  passes[p].func != on_metadata)
                _agviz_import_warn (ctx, "%s is missing; the dump is incomplete", file);
              continue;
            }
          ok = for_each_record (&dump, file, passes[p].func, error);
        }
    }

  g_array_unref (dump.file_ids);
  g_array_unref (dump.file_is_user);
  g_hash_table_unref (dump.frames);
  g_hash_table_unref (dump.file_texts);
  g_hash_table_unref (dump.graph_sites);
  g_hash_table_unref (dump.contexts);
  g_hash_table_unref (dump.located);
  g_hash_table_unref (dump.hook_traces);
  g_queue_clear_full (&dump.hook_failures, (GDestroyNotify) hook_trace_free);
  g_hash_table_unref (dump.file_paths);
  g_ptr_array_unref (dump.graph_order);
  g_hash_table_unref (dump.graphs);
  g_hash_table_unref (dump.executed);
  g_hash_table_unref (dump.devices);
  g_hash_table_unref (dump.interned);
  g_hash_table_unref (dump.warned);
  g_array_unref (dump.scratch);
  g_array_unref (dump.values);

  if (ok && ctx->stats.traces == 0 && ctx->stats.executions == 0)
    {
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING,
                   "%s: the dump holds no graphs and no executions", path);
      return FALSE;
    }
  return ok;
}
