/* agviz-cli-explain.c: `agviz explain FILE [ERROR_TEXT_FILE | -]`, TF errors rewritten for people
 *
 * The text is parsed by the core (agviz-error-text.c); nodes it names are resolved in the trace
 * file to their creation stacks, and what the checker knows about the same mistake is added.
 * Text it does not recognise is printed back unchanged, with a note on stderr.
 */
#define G_LOG_DOMAIN "agviz-explain"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "agviz-cli.h"
#include "agviz-cli-report.h"

/* Error texts are a few kilobytes; anything far larger is a log or the wrong file. */
#define MAX_ERROR_TEXT (16 * 1024 * 1024)

typedef struct
{
  AgvizSourceMap *map;
  GListModel     *diagnostics;   /* the checker's findings, loaded when a text needs them */
  gboolean        all_frames;
  int             context;
} Explainer;

static const char *
what_happened (AgvizErrorTextKind kind)
{
  switch (kind)
    {
    case AGVIZ_ERROR_TEXT_VARIABLE_NON_FIRST_CALL:
      return "The function was traced again (a new input signature) and the new trace ran the "
             "line that creates a tf.Variable; TensorFlow allows variables only on the first "
             "trace.";
    case AGVIZ_ERROR_TEXT_GRAPH_RUNTIME:
      return "An op failed while the graph ran; the node sections above show the line of your "
             "code that created it.";
    case AGVIZ_ERROR_TEXT_AUTOGRAPH_USER_CODE:
      return "Your function raised while it was being traced (converted by AutoGraph); the "
             "frames marked * are your lines.";
    case AGVIZ_ERROR_TEXT_RETRACING_WARNING:
      return "The function was traced again and again: every trace runs the Python body and "
             "builds a new graph.";
    case AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM:
      return "AutoGraph could not convert the function, so its Python if/for/while ran once, "
             "at trace time, instead of becoming graph ops.";
    case AGVIZ_ERROR_TEXT_PYTHON_EXCEPTION:
      return "A Python exception; your frames are shown above.";
    case AGVIZ_ERROR_TEXT_UNKNOWN:
    default:
      return NULL;
    }
}

static AgvizDiagnosticKind
related_kind (AgvizErrorTextKind kind,
              gboolean          *has_kind)
{
  *has_kind = TRUE;
  switch (kind)
    {
    case AGVIZ_ERROR_TEXT_VARIABLE_NON_FIRST_CALL:
      return AGVIZ_DIAGNOSTIC_KIND_VARIABLE_NON_FIRST_TRACE;
    case AGVIZ_ERROR_TEXT_RETRACING_WARNING:
      return AGVIZ_DIAGNOSTIC_KIND_RETRACING;
    case AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM:
      return AGVIZ_DIAGNOSTIC_KIND_AUTOGRAPH_CONVERSION;
    case AGVIZ_ERROR_TEXT_GRAPH_RUNTIME:
      return AGVIZ_DIAGNOSTIC_KIND_NAN_INF;
    default:
      *has_kind = FALSE;
      return AGVIZ_DIAGNOSTIC_KIND_VARIABLE_NON_FIRST_TRACE;
    }
}

/* The checker's findings of the kind this text is about (and of its function, when named). */
static GPtrArray *
related_diagnostics (Explainer            *explainer,
                     const AgvizErrorText *parsed,
                     GError              **error)
{
  GPtrArray *related = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean has_kind;
  AgvizDiagnosticKind kind = related_kind (parsed->kind, &has_kind);

  if (!has_kind)
    return related;
  if (explainer->diagnostics == NULL)
    {
      g_autoptr(AgvizChecker) checker = agviz_checker_new (explainer->map);

      explainer->diagnostics = agviz_checker_run (checker, error);
      if (explainer->diagnostics == NULL)
        {
          g_ptr_array_unref (related);
          return NULL;
        }
    }
  for (guint i = 0; i < g_list_model_get_n_items (explainer->diagnostics); i++)
    {
      g_autoptr(AgvizDiagnostic) diagnostic = g_list_model_get_item (explainer->diagnostics, i);
      const char *function = agviz_diagnostic_get_function (diagnostic);

      if (agviz_diagnostic_get_kind (diagnostic) != kind)
        continue;
      /* A runtime error is about the nodes it names: another node's NaN is another story. */
      if (parsed->kind == AGVIZ_ERROR_TEXT_GRAPH_RUNTIME)
        {
          gboolean named = FALSE;

          for (guint n = 0; n < parsed->nodes->len; n++)
            named |= g_strcmp0 (((AgvizErrorNode *) g_ptr_array_index (parsed->nodes, n))->name,
                                agviz_diagnostic_get_node (diagnostic)) == 0;
          if (!named)
            continue;
        }
      /* A warning names its function: "<function step at 0x..>" or "Demo.__call__". */
      if (parsed->function != NULL && function != NULL &&
          !g_str_equal (parsed->function, function) &&
          !g_str_has_suffix (function, parsed->function) &&
          !g_str_has_suffix (parsed->function, function))
        continue;
      g_ptr_array_add (related, g_steal_pointer (&diagnostic));
    }
  return related;
}

static void
print_frames (Explainer            *explainer,
              const AgvizErrorText *parsed)
{
  guint folded = 0, shown = 0;

  for (guint i = 0; i < parsed->frames->len; i++)
    {
      AgvizErrorFrame *frame = g_ptr_array_index (parsed->frames, i);
      AgvizFrameOrigin origin = agviz_source_map_classify_path (frame->file);
      g_autofree char *line_text = NULL;

      if (frame->section == AGVIZ_ERROR_FRAME_NODE_DEFINITION)
        continue;
      if (origin == AGVIZ_FRAME_ORIGIN_FRAMEWORK && !explainer->all_frames)
        {
          folded++;
          continue;
        }
      if (shown++ == 0)
        printf ("\nyour code (most recent call last):\n");
      printf ("%s %s:%d, in %s%s\n",
              frame->mark == AGVIZ_ERROR_FRAME_MARK_CONVERTED ? "*"
              : frame->mark == AGVIZ_ERROR_FRAME_MARK_ALLOWLISTED ? "**" : " ",
              frame->file, frame->line, frame->function != NULL ? frame->function : "?",
              origin == AGVIZ_FRAME_ORIGIN_FRAMEWORK ? "   (framework)" : "");
      line_text = agviz_source_map_get_line (explainer->map, frame->file, frame->line);
      if (origin == AGVIZ_FRAME_ORIGIN_USER && line_text != NULL)
        agviz_cli_report_print_source (explainer->map, frame->file, frame->line,
                                       explainer->context, "    ");
      else if (frame->code != NULL)
        printf ("      %s\n", frame->code);
    }
  if (folded > 0)
    printf ("  (%u framework frame%s folded; --all-frames shows %s)\n", folded,
            folded == 1 ? "" : "s", folded == 1 ? "it" : "them");
}

/* Resolves a node named by the error: in the graph it names first, then anywhere. */
static AgvizNode *
resolve_node (Explainer            *explainer,
              const AgvizErrorText *parsed,
              const char           *name,
              GError              **error)
{
  g_autoptr(GError) local_error = NULL;

  if (parsed->graph_name != NULL)
    {
      g_autofree char *spec = g_strdup_printf ("%s:%s", parsed->graph_name, name);
      AgvizNode *node = agviz_source_map_find_node (explainer->map, spec, &local_error);

      if (node != NULL)
        return node;
      g_clear_error (&local_error);
    }
  return agviz_source_map_find_node (explainer->map, name, error);
}

static void
print_nodes (Explainer            *explainer,
             const AgvizErrorText *parsed)
{
  for (guint i = 0; i < parsed->nodes->len; i++)
    {
      AgvizErrorNode *mention = g_ptr_array_index (parsed->nodes, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(AgvizNode) node = resolve_node (explainer, parsed, mention->name, &error);
      g_autoptr(GPtrArray) frames = NULL;

      printf ("\nnode %s", mention->name);
      if (node == NULL)
        {
          printf (": not resolved in the trace file (%s)\n", error->message);
          if (mention->defined_file != NULL)
            {
              printf ("  the error says it was defined at %s:%d\n", mention->defined_file,
                      mention->defined_line);
              agviz_cli_report_print_source (explainer->map, mention->defined_file,
                                             mention->defined_line, explainer->context, "    ");
            }
          continue;
        }
      printf (" (%s) was created at (most recent call last):\n", node->op_type);
      if (node->stack_id == 0 ||
          (frames = agviz_source_map_get_stack (explainer->map, node->stack_id, &error)) == NULL)
        {
          printf ("  no creation stack was recorded\n");
          continue;
        }
      agviz_cli_report_print_stack (explainer->map, frames, explainer->all_frames,
                                    explainer->context);
    }
}

static gboolean
explain_text (Explainer   *explainer,
              const char  *text,
              gsize        length,
              GError     **error)
{
  g_autoptr(AgvizErrorText) parsed = agviz_error_text_parse (text, length);
  g_autoptr(GPtrArray) related = NULL;
  const char *happened;

  if (parsed->kind == AGVIZ_ERROR_TEXT_UNKNOWN)
    {
      fwrite (text, 1, length, stdout);
      if (length > 0 && text[length - 1] != '\n')
        fputc ('\n', stdout);
      fprintf (stderr, "agviz: note: no TensorFlow error, traceback or warning recognised; "
                       "the text is printed unchanged\n");
      return TRUE;
    }

  related = related_diagnostics (explainer, parsed, error);
  if (related == NULL)
    return FALSE;

  if (parsed->exception_type != NULL)
    printf ("%s: %s\n", parsed->exception_type, parsed->message);
  else if (parsed->kind == AGVIZ_ERROR_TEXT_RETRACING_WARNING)
    printf ("WARNING: %d out of the last %d calls to %s triggered tf.function retracing\n",
            parsed->retrace_count, parsed->retrace_calls, parsed->function);
  else if (parsed->kind == AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM)
    printf ("WARNING: AutoGraph could not transform %s and ran it as-is\n",
            parsed->function != NULL ? parsed->function : "a function");
  if (parsed->detail != NULL)
    {
      g_auto(GStrv) lines = g_strsplit (parsed->detail, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        printf ("  %s\n", lines[i]);
    }
  if (parsed->cause != NULL)
    printf ("  Cause: %s\n", parsed->cause);

  print_frames (explainer, parsed);
  print_nodes (explainer, parsed);

  happened = what_happened (parsed->kind);
  printf ("\nwhat happened: %s\n", happened);
  if (related->len > 0)
    printf ("\nwhat the trace file shows:\n");
  for (guint i = 0; i < related->len; i++)
    {
      agviz_cli_report_print_diagnostic (explainer->map, g_ptr_array_index (related, i),
                                         explainer->context);
    }
  if (related->len == 0 && parsed->kind == AGVIZ_ERROR_TEXT_VARIABLE_NON_FIRST_CALL)
    printf ("\nwhat to do: create the variable once, outside the function or in "
            "tf.Module.__init__ / build, and use it inside.\n");
  else if (related->len == 0 && parsed->kind == AGVIZ_ERROR_TEXT_RETRACING_WARNING)
    printf ("\nwhat to do: pass tensors instead of Python values, declare input_signature, or "
            "use reduce_retracing=True.\n");
  else if (related->len == 0 && parsed->kind == AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM)
    printf ("\nwhat to do: fix the cause, or decorate the function with "
            "@tf.autograph.experimental.do_not_convert if it should run as plain Python.\n");
  else if (related->len == 0 && parsed->kind == AGVIZ_ERROR_TEXT_GRAPH_RUNTIME)
    printf ("\nwhat to do: look at the inputs of the node at your line above; "
            "tf.debugging.enable_check_numerics() stops at the first bad value.\n");
  return TRUE;
}

static void
write_text_json (Explainer       *explainer,
                 AgvizJsonWriter *json,
                 const char      *text,
                 gsize            length,
                 GPtrArray       *related,
                 const AgvizErrorText *parsed)
{
  agviz_json_writer_begin_object (json);
  agviz_json_writer_key (json, "kind");
  agviz_json_writer_string (json, agviz_error_text_kind_to_string (parsed->kind));
  agviz_json_writer_key (json, "exception_type");
  agviz_json_writer_string (json, parsed->exception_type);
  agviz_json_writer_key (json, "message");
  agviz_json_writer_string (json, parsed->message);
  agviz_json_writer_key (json, "detail");
  agviz_json_writer_string (json, parsed->detail);
  agviz_json_writer_key (json, "graph_name");
  agviz_json_writer_string (json, parsed->graph_name);
  agviz_json_writer_key (json, "function");
  agviz_json_writer_string (json, parsed->function);
  agviz_json_writer_key (json, "cause");
  agviz_json_writer_string (json, parsed->cause);
  if (parsed->kind == AGVIZ_ERROR_TEXT_RETRACING_WARNING)
    {
      agviz_json_writer_key (json, "retrace_count");
      agviz_json_writer_int (json, parsed->retrace_count);
      agviz_json_writer_key (json, "retrace_calls");
      agviz_json_writer_int (json, parsed->retrace_calls);
    }

  agviz_json_writer_key (json, "frames");
  agviz_json_writer_begin_array (json);
  for (guint i = 0; i < parsed->frames->len; i++)
    {
      static const char *const sections[] = { "traceback", "user-code", "node-definition" };
      static const char *const marks[] = { "", "*", "**" };
      AgvizErrorFrame *frame = g_ptr_array_index (parsed->frames, i);

      agviz_json_writer_begin_object (json);
      agviz_json_writer_key (json, "file");
      agviz_json_writer_string (json, frame->file);
      agviz_json_writer_key (json, "line");
      agviz_json_writer_int (json, frame->line);
      agviz_json_writer_key (json, "function");
      agviz_json_writer_string (json, frame->function);
      agviz_json_writer_key (json, "code");
      agviz_json_writer_string (json, frame->code);
      agviz_json_writer_key (json, "section");
      agviz_json_writer_string (json, sections[frame->section]);
      agviz_json_writer_key (json, "mark");
      agviz_json_writer_string (json, marks[frame->mark]);
      agviz_json_writer_key (json, "node");
      agviz_json_writer_string (json, frame->node);
      agviz_json_writer_key (json, "origin");
      agviz_json_writer_string (json, agviz_frame_origin_to_string (agviz_source_map_classify_path (frame->file)));
      agviz_json_writer_key (json, "source");
      agviz_cli_report_write_source (json, explainer->map, frame->file, frame->line,
                                     explainer->context);
      agviz_json_writer_end_object (json);
    }
  agviz_json_writer_end_array (json);

  agviz_json_writer_key (json, "nodes");
  agviz_json_writer_begin_array (json);
  for (guint i = 0; i < parsed->nodes->len; i++)
    {
      AgvizErrorNode *mention = g_ptr_array_index (parsed->nodes, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(AgvizNode) node = resolve_node (explainer, parsed, mention->name, &error);
      g_autoptr(GPtrArray) frames = NULL;

      agviz_json_writer_begin_object (json);
      agviz_json_writer_key (json, "name");
      agviz_json_writer_string (json, mention->name);
      agviz_json_writer_key (json, "defined_file");
      agviz_json_writer_string (json, mention->defined_file);
      agviz_json_writer_key (json, "defined_line");
      agviz_json_writer_int (json, mention->defined_line);
      agviz_json_writer_key (json, "resolved");
      agviz_json_writer_boolean (json, node != NULL);
      if (node == NULL)
        {
          agviz_json_writer_key (json, "error");
          agviz_json_writer_string (json, error->message);
        }
      else
        {
          agviz_json_writer_key (json, "node_id");
          agviz_json_writer_int (json, node->id);
          agviz_json_writer_key (json, "op_type");
          agviz_json_writer_string (json, node->op_type);
          agviz_json_writer_key (json, "frames");
          if (node->stack_id != 0 &&
              (frames = agviz_source_map_get_stack (explainer->map, node->stack_id, NULL)) != NULL)
            agviz_cli_report_write_stack (json, explainer->map, frames, explainer->context);
          else
            agviz_json_writer_null (json);
        }
      agviz_json_writer_end_object (json);
    }
  agviz_json_writer_end_array (json);

  agviz_json_writer_key (json, "what_happened");
  agviz_json_writer_string (json, what_happened (parsed->kind));
  agviz_json_writer_key (json, "diagnostics");
  agviz_json_writer_begin_array (json);
  for (guint i = 0; related != NULL && i < related->len; i++)
    agviz_cli_report_write_diagnostic (json, explainer->map, g_ptr_array_index (related, i),
                                       explainer->context);
  agviz_json_writer_end_array (json);
  if (parsed->kind == AGVIZ_ERROR_TEXT_UNKNOWN)
    {
      agviz_json_writer_key (json, "text");
      agviz_json_writer_string (json, text);
      agviz_json_writer_key (json, "note");
      agviz_json_writer_string (json, "no TensorFlow error, traceback or warning recognised");
    }
  agviz_json_writer_end_object (json);
}

static gboolean
explain_text_json (Explainer        *explainer,
                   AgvizJsonWriter  *json,
                   const char       *text,
                   gsize             length,
                   GError          **error)
{
  g_autoptr(AgvizErrorText) parsed = agviz_error_text_parse (text, length);
  g_autoptr(GPtrArray) related = NULL;
  g_autofree char *terminated = g_strndup (text, length);

  related = related_diagnostics (explainer, parsed, error);
  if (related == NULL)
    return FALSE;
  write_text_json (explainer, json, terminated, length, related, parsed);
  return TRUE;
}

/* Reads the error text; FALSE (with a message printed and *@status set) when it is unusable. */
static char *
read_error_text (const char *path,
                 gsize      *length,
                 int        *status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  if (path == NULL || g_str_equal (path, "-"))
    {
      g_autoptr(GString) buffer = g_string_new (NULL);
      char chunk[65536];
      size_t n;

      while ((n = fread (chunk, 1, sizeof chunk, stdin)) > 0)
        {
          g_string_append_len (buffer, chunk, n);
          if (buffer->len > MAX_ERROR_TEXT)
            break;
        }
      *length = buffer->len;
      contents = g_string_free (g_steal_pointer (&buffer), FALSE);
      path = "standard input";
    }
  else if (!g_file_get_contents (path, &contents, length, &error))
    {
      gboolean missing = g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);

      /* Our own words for the common case: GLib's message changes with its version. */
      if (missing)
        fprintf (stderr, "agviz: %s: no such file\n", path);
      else
        fprintf (stderr, "agviz: %s\n", error->message);
      *status = missing ? AGVIZ_EXIT_MISSING : AGVIZ_EXIT_IO;
      return NULL;
    }

  if (*length > MAX_ERROR_TEXT)
    {
      fprintf (stderr, "agviz: %s is larger than %d MiB: not an error message\n", path,
               MAX_ERROR_TEXT / (1024 * 1024));
      *status = AGVIZ_EXIT_FAILURE;
      return NULL;
    }
  if (memchr (contents, '\0', *length) != NULL || !g_utf8_validate (contents, *length, NULL))
    {
      fprintf (stderr, "agviz: %s is not text (it holds NUL bytes or invalid UTF-8); explain "
                       "reads error messages and tracebacks as TensorFlow prints them\n", path);
      *status = AGVIZ_EXIT_FAILURE;
      return NULL;
    }
  return g_steal_pointer (&contents);
}

/* A recorded error as TF would have printed it: its traceback, or "Type: message". */
static char *
recorded_error_text (const AgvizRecordedError *recorded)
{
  if (recorded->traceback != NULL && *recorded->traceback != '\0')
    {
      /* Some recorders keep the frames only: add the exception line TF prints after them. */
      if (strstr (recorded->traceback, recorded->message) != NULL)
        return g_strdup (recorded->traceback);
      return g_strdup_printf ("%s\n%s: %s\n", recorded->traceback, recorded->type,
                              recorded->message);
    }
  return g_strdup_printf ("%s: %s\n", recorded->type, recorded->message);
}

int
agviz_cli_explain (int    argc,
                   char **argv)
{
  gboolean as_json = FALSE, recorded = FALSE, all_frames = FALSE;
  int context = 1, status = AGVIZ_EXIT_OK;
  g_auto(GStrv) roots = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, "Print the explanation as JSON", NULL },
    { "recorded", 0, 0, G_OPTION_ARG_NONE, &recorded,
      "Explain the errors recorded in the trace file", NULL },
    { "all-frames", 0, 0, G_OPTION_ARG_NONE, &all_frames, "Also show framework frames", NULL },
    { "context", 'C', 0, G_OPTION_ARG_INT, &context, "Source lines around each line (1)", "N" },
    { "source-root", 0, 0, G_OPTION_ARG_STRING_ARRAY, &roots,
      "Read sources recorded under OLD from NEW (repeatable)", "OLD=NEW" },
    { NULL }
  };
  g_autoptr(GOptionContext) option_context =
    g_option_context_new ("TRACE_FILE [ERROR_TEXT_FILE | -]");
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(AgvizSourceMap) map = NULL;
  g_autoptr(AgvizJsonWriter) json = NULL;
  Explainer explainer = { 0 };

  g_option_context_set_summary (option_context,
                                "Read a TensorFlow error, traceback or warning (from a file, or "
                                "standard\ninput) and rewrite it with your source lines, the "
                                "nodes it names resolved\nin the trace file, and what to do.");
  g_option_context_add_main_entries (option_context, entries, NULL);
  g_set_prgname ("agviz explain");

  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    return agviz_cli_usage_error ("%s (see agviz explain --help)", error->message);
  if (argc < 2 || argc > 3 || (recorded && argc != 2))
    return agviz_cli_usage_error ("explain needs a trace file and an error text, or --recorded "
                                  "(see agviz explain --help)");
  if (context < 0 || context > 100)
    return agviz_cli_usage_error ("--context must be between 0 and 100");

  store = agviz_store_open (argv[1], AGVIZ_STORE_FLAGS_NONE, &error);
  if (store == NULL)
    return agviz_cli_fail (error);
  map = agviz_source_map_new (store);
  if (!agviz_cli_report_add_roots (map, roots, &error))
    return agviz_cli_usage_error ("%s", error->message);
  explainer.map = map;
  explainer.all_frames = all_frames;
  explainer.context = context;

  if (as_json)
    json = agviz_json_writer_new ();

  if (recorded)
    {
      g_autoptr(GPtrArray) errors = agviz_store_list_errors (store, &error);

      if (errors == NULL)
        return agviz_cli_fail (error);
      if (json != NULL)
        agviz_json_writer_begin_array (json);
      else if (errors->len == 0)
        printf ("no errors were recorded in this trace file\n");
      for (guint i = 0; i < errors->len; i++)
        {
          AgvizRecordedError *entry = g_ptr_array_index (errors, i);
          g_autofree char *text = recorded_error_text (entry);
          gboolean ok;

          if (json == NULL)
            printf ("%s== recorded error %u of %u%s ==\n", i > 0 ? "\n" : "", i + 1, errors->len,
                    entry->origin == AGVIZ_ERROR_ORIGIN_IMPORTER ? " (while importing)" : "");
          ok = json != NULL ? explain_text_json (&explainer, json, text, strlen (text), &error)
                            : explain_text (&explainer, text, strlen (text), &error);
          if (!ok)
            {
              g_clear_object (&explainer.diagnostics);
              return agviz_cli_fail (error);
            }
        }
      if (json != NULL)
        agviz_json_writer_end_array (json);
    }
  else
    {
      gsize length = 0;
      g_autofree char *text = read_error_text (argc == 3 ? argv[2] : NULL, &length, &status);
      gboolean ok;

      if (text == NULL)
        return status;
      ok = json != NULL ? explain_text_json (&explainer, json, text, length, &error)
                        : explain_text (&explainer, text, length, &error);
      if (!ok)
        {
          g_clear_object (&explainer.diagnostics);
          return agviz_cli_fail (error);
        }
    }

  if (json != NULL)
    {
      g_autofree char *out = agviz_json_writer_finish (g_steal_pointer (&json));
      fputs (out, stdout);
    }
  g_clear_object (&explainer.diagnostics);
  return AGVIZ_EXIT_OK;
}
