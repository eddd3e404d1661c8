/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-cli-explain.c: `agviz explain [TRACE_FILE] [ERROR_TEXT_FILE | -]`, errors rewritten for
 * people
 *
 * The text is parsed by the core (agviz-error-text.c) and its known cause found there
 * (agviz-error-cause.c); with a trace file, the nodes it names are resolved to their creation
 * stacks and the checker's findings about the same error (same node, function or source line)
 * are added.  Every message of the text is printed; text with nothing recognised is printed
 * back unchanged, with a note on stderr.
 */
#define G_LOG_DOMAIN "agviz-explain"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "agviz-cli.h"
#include "agviz-cli-diagnose.h"
#include "agviz-cli-report.h"

/* Error texts are a few kilobytes; anything far larger is a log or the wrong file. */
#define MAX_ERROR_TEXT (16 * 1024 * 1024)

typedef struct
{
  AgvizSourceMap *map;
  gboolean        has_trace;     /* FALSE: an error text alone, sources read from disk */
  GListModel     *diagnostics;   /* the checker's findings, loaded when a text needs them */
  gboolean        all_frames;
  int             context;
} Explainer;

static gboolean
has_related_kind (AgvizErrorTextKind   kind,
                  AgvizDiagnosticKind *related)
{
  switch (kind)
    {
    case AGVIZ_ERROR_TEXT_VARIABLE_NON_FIRST_CALL:
      *related = AGVIZ_DIAGNOSTIC_KIND_VARIABLE_NON_FIRST_TRACE;
      return TRUE;
    case AGVIZ_ERROR_TEXT_RETRACING_WARNING:
      *related = AGVIZ_DIAGNOSTIC_KIND_RETRACING;
      return TRUE;
    case AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM:
      *related = AGVIZ_DIAGNOSTIC_KIND_AUTOGRAPH_CONVERSION;
      return TRUE;
    case AGVIZ_ERROR_TEXT_GRAPH_RUNTIME:
      *related = AGVIZ_DIAGNOSTIC_KIND_NAN_INF;
      return TRUE;
    default:
      return FALSE;
    }
}

/* "Model.make_predict_function.<locals>.predict_function" and "predict_function" name the same
 * function; so do "Demo.__call__" and "__call__". */
static gboolean
same_function (const char *a,
               const char *b)
{
  const char *a_last, *b_last;

  if (a == NULL || b == NULL)
    return FALSE;
  if (g_str_equal (a, b))
    return TRUE;
  a_last = strrchr (a, '.');
  b_last = strrchr (b, '.');
  return g_str_equal (a_last != NULL ? a_last + 1 : a, b_last != NULL ? b_last + 1 : b);
}

static gboolean
same_file (const char *a,
           const char *b)
{
  g_autofree char *a_base = NULL, *b_base = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  if (g_str_equal (a, b))
    return TRUE;
  /* The text may come from another machine: the same file name is enough beside a line. */
  a_base = g_path_get_basename (a);
  b_base = g_path_get_basename (b);
  return g_str_equal (a_base, b_base);
}

/* Whether a finding is about this error: the same node, function or source line. */
static gboolean
matches_error (AgvizDiagnostic      *diagnostic,
               const AgvizErrorText *parsed)
{
  AgvizErrorFrame *defining = agviz_error_text_get_defining_frame (parsed);
  const char *node = agviz_diagnostic_get_node (diagnostic);
  const char *function = agviz_diagnostic_get_function (diagnostic);
  const char *file = agviz_diagnostic_get_file (diagnostic);
  int line = agviz_diagnostic_get_line (diagnostic);

  for (guint i = 0; node != NULL && i < parsed->nodes->len; i++)
    if (g_strcmp0 (((AgvizErrorNode *) g_ptr_array_index (parsed->nodes, i))->name, node) == 0)
      return TRUE;
  if (same_function (parsed->function, function))
    return TRUE;
  if (defining != NULL && same_function (defining->function, function))
    return TRUE;
  for (guint i = 0; file != NULL && i < parsed->frames->len; i++)
    {
      AgvizErrorFrame *frame = g_ptr_array_index (parsed->frames, i);
      if (frame->line == line && agviz_source_map_classify_path (frame->file) == AGVIZ_FRAME_ORIGIN_USER &&
          same_file (frame->file, file))
        return TRUE;
    }
  return FALSE;
}

/* The checker's findings about the same mistake as this text; an empty array when there is no
 * trace file or nothing matches. */
static GPtrArray *
related_diagnostics (Explainer            *explainer,
                     const AgvizErrorText *parsed,
                     GError              **error)
{
  GPtrArray *related = g_ptr_array_new_with_free_func (g_object_unref);
  AgvizDiagnosticKind kind;

  if (!explainer->has_trace || !has_related_kind (parsed->kind, &kind))
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

      if (agviz_diagnostic_get_kind (diagnostic) == kind && matches_error (diagnostic, parsed))
        g_ptr_array_add (related, g_steal_pointer (&diagnostic));
    }
  return related;
}

/* @text's lines under @indent, their common indentation removed (the first line aside: it
 * follows the exception's type), the indentation within kept. */
static void
print_indented (const char *text,
                const char *first_indent,
                const char *indent)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  gsize common = G_MAXSIZE;

  for (guint i = 1; lines[i] != NULL; i++)
    {
      gsize spaces = strspn (lines[i], " \t");
      if (lines[i][spaces] != '\0')
        common = MIN (common, spaces);
    }
  for (guint i = 0; lines[i] != NULL; i++)
    printf ("%s%s\n", i == 0 ? first_indent : indent,
            i == 0 || common == G_MAXSIZE ? lines[i] : lines[i] + MIN (common, strlen (lines[i])));
}

static const char *
tf_mark_text (AgvizErrorFrameMark mark)
{
  switch (mark)
    {
    case AGVIZ_ERROR_FRAME_MARK_CONVERTED:
      return "   [* converted code]";
    case AGVIZ_ERROR_FRAME_MARK_ALLOWLISTED:
      return "   [** entered TensorFlow]";
    case AGVIZ_ERROR_FRAME_MARK_NONE:
    default:
      return "";
    }
}

/* One frame of the text: its source from the trace file or disk when there, else the code
 * line the text printed. */
static void
print_text_frame (Explainer       *explainer,
                  AgvizErrorFrame *frame)
{
  AgvizFrameOrigin origin = agviz_source_map_classify_path (frame->file);
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *note = NULL;
  int first = 0;

  printf ("%s %s:%d%s%s%s%s%s\n", frame->defining ? "=>" : "  ", frame->file, frame->line,
          frame->function != NULL ? ", in " : "", frame->function != NULL ? frame->function : "",
          tf_mark_text (frame->mark), origin == AGVIZ_FRAME_ORIGIN_FRAMEWORK ? "   (framework)" : "",
          frame->defining ? "   <- defining frame" : "");
  if (origin == AGVIZ_FRAME_ORIGIN_USER && frame->line > 0)
    agviz_source_map_get_lines (explainer->map, frame->file, frame->line - explainer->context,
                                frame->line + explainer->context, &lines, &first, &note);
  if (lines != NULL && lines->len > 0)
    {
      agviz_cli_report_print_source (explainer->map, frame->file, frame->line, explainer->context,
                                     "    ");
      return;
    }
  if (frame->context != NULL)
    print_indented (frame->context, "    ", "    ");
  else if (frame->code != NULL)
    printf ("      %s\n", frame->code);
  /* Notebook cells ("<ipython-input-3-ab>") are never files: nothing to locate. */
  if (frame->defining && note != NULL && frame->file[0] != '<')
    printf ("      (%s)\n", note);
}

static const char *
section_heading (AgvizErrorFrameSection section,
                 gboolean               tf_user_code)
{
  switch (section)
    {
    case AGVIZ_ERROR_FRAME_USER_CODE:
      return tf_user_code ? "in user code, as AutoGraph reports it (most recent call last):"
                          : "from user code (most recent call last):";
    case AGVIZ_ERROR_FRAME_WARNING:
      return "warned at:";
    case AGVIZ_ERROR_FRAME_TRACEBACK:
    case AGVIZ_ERROR_FRAME_NODE_DEFINITION:
    default:
      return "traceback (most recent call last):";
    }
}

static void
print_folded (guint folded)
{
  if (folded > 0)
    printf ("  (%u framework frame%s folded; --all-frames shows %s)\n", folded,
            folded == 1 ? "" : "s", folded == 1 ? "it" : "them");
}

static void
print_frames (Explainer            *explainer,
              const AgvizErrorText *parsed)
{
  gboolean converted = FALSE, allowlisted = FALSE, tf_user_code = FALSE;
  int chains = 0, last_chain = -1;
  AgvizErrorFrameSection last_section = AGVIZ_ERROR_FRAME_NODE_DEFINITION;
  guint folded = 0, listed = 0;

  for (guint i = 0; i < parsed->frames->len; i++)
    {
      AgvizErrorFrame *frame = g_ptr_array_index (parsed->frames, i);

      if (frame->section == AGVIZ_ERROR_FRAME_NODE_DEFINITION)
        continue;
      converted |= frame->mark == AGVIZ_ERROR_FRAME_MARK_CONVERTED;
      allowlisted |= frame->mark == AGVIZ_ERROR_FRAME_MARK_ALLOWLISTED;
      if (frame->chain != last_chain)
        chains++;
      last_chain = frame->chain;
      listed++;
    }
  if (listed == 0)
    return;
  for (guint i = 0; i < parsed->messages->len; i++)
    {
      AgvizErrorMessage *message = g_ptr_array_index (parsed->messages, i);
      tf_user_code |= g_str_has_suffix (message->text, "in user code:") ||
                      g_strcmp0 (parsed->message, "in user code:") == 0;
    }
  tf_user_code |= converted || allowlisted;

  printf ("\nframes of the text (=> marks the defining frame, where the error comes from%s%s):\n",
          converted ? "; [*] is TensorFlow's mark for a line of your converted code" : "",
          allowlisted ? "; [**] its mark for the call that entered TensorFlow" : "");
  last_chain = -1;
  for (guint i = 0; i < parsed->frames->len; i++)
    {
      AgvizErrorFrame *frame = g_ptr_array_index (parsed->frames, i);
      AgvizFrameOrigin origin = agviz_source_map_classify_path (frame->file);

      if (frame->section == AGVIZ_ERROR_FRAME_NODE_DEFINITION)
        continue;
      if (frame->chain != last_chain || frame->section != last_section)
        {
          print_folded (folded);
          folded = 0;
          if (frame->chain != last_chain && chains > 1 && frame->section != AGVIZ_ERROR_FRAME_WARNING)
            printf ("%s (chained exception %d of %d):\n", section_heading (frame->section, tf_user_code),
                    frame->chain + 1, parsed->frames->len > 0 ? chains : 0);
          else
            printf ("%s\n", section_heading (frame->section, tf_user_code));
          last_chain = frame->chain;
          last_section = frame->section;
        }
      /* The line a warning names is the warning's place, whoever's code it is. */
      if (origin == AGVIZ_FRAME_ORIGIN_FRAMEWORK && !explainer->all_frames && !frame->defining &&
          frame->section != AGVIZ_ERROR_FRAME_WARNING)
        {
          folded++;
          continue;
        }
      print_text_frame (explainer, frame);
    }
  print_folded (folded);
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

/* The frames the text itself gives for @name ("Detected at node", "(defined at f:l)"). */
static gboolean
print_text_definition (Explainer            *explainer,
                       const AgvizErrorText *parsed,
                       const char           *name)
{
  guint folded = 0, start, end;

  if (!agviz_error_text_get_node_frames (parsed, name, &start, &end))
    return FALSE;
  printf ("  defined at, as the text says (most recent call last):\n");
  for (guint i = start; i < end; i++)
    {
      AgvizErrorFrame *frame = g_ptr_array_index (parsed->frames, i);

      if (agviz_source_map_classify_path (frame->file) == AGVIZ_FRAME_ORIGIN_FRAMEWORK &&
          !explainer->all_frames && !frame->defining)
        {
          folded++;
          continue;
        }
      print_text_frame (explainer, frame);
    }
  print_folded (folded);
  return TRUE;
}

static void
print_nodes (Explainer            *explainer,
             const AgvizErrorText *parsed)
{
  gboolean any_input = FALSE;

  for (guint i = 0; i < parsed->nodes->len; i++)
    {
      AgvizErrorNode *mention = g_ptr_array_index (parsed->nodes, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(AgvizNode) node = NULL;
      g_autoptr(GPtrArray) frames = NULL;

      if (mention->role == AGVIZ_ERROR_NODE_INPUT_SOURCE)
        {
          any_input = TRUE;
          continue;
        }
      printf ("\nnode %s", mention->name);
      if (mention->op_type != NULL)
        printf (" (%s)", mention->op_type);
      if (mention->root_error >= 0)
        printf (", in root error (%d)", mention->root_error);
      printf ("\n");
      if (mention->definition != NULL)
        printf ("  as TensorFlow printed it: %s = %s\n", mention->name, mention->definition);

      if (explainer->has_trace)
        node = resolve_node (explainer, parsed, mention->name, &error);
      if (node != NULL)
        {
          printf ("  %s in the trace file, created at (most recent call last):\n", node->op_type);
          if (node->stack_id == 0 ||
              (frames = agviz_source_map_get_stack (explainer->map, node->stack_id, &error)) == NULL)
            printf ("  no creation stack was recorded\n");
          else
            agviz_cli_report_print_stack (explainer->map, frames, explainer->all_frames,
                                          explainer->context);
          continue;
        }
      if (error != NULL)
        printf ("  not found in the trace file (%s)\n", error->message);
      if (!print_text_definition (explainer, parsed, mention->name) && !explainer->has_trace)
        printf ("  the text does not say where it was created; a trace file would\n");
    }

  if (parsed->input_operation_hint || any_input)
    {
      printf ("\ninput operations%s:\n", parsed->input_operation_hint
                                         ? " (TensorFlow: \"Errors may have originated from an "
                                           "input operation\")" : "");
      for (guint i = 0; i < parsed->nodes->len; i++)
        {
          AgvizErrorNode *input = g_ptr_array_index (parsed->nodes, i);

          if (input->role != AGVIZ_ERROR_NODE_INPUT_SOURCE)
            continue;
          printf ("  %s feeds %s", input->name, input->input_of != NULL ? input->input_of : "?");
          if (input->defined_file != NULL)
            printf (", defined at %s:%d", input->defined_file, input->defined_line);
          printf ("\n");
        }
      if (!any_input)
        printf ("  (the text names none)\n");
    }
  if (parsed->call_stack->len > 0)
    {
      printf ("\nFunction call stack:");
      for (guint i = 0; i < parsed->call_stack->len; i++)
        printf ("%s%s", i == 0 ? " " : " -> ", (const char *) g_ptr_array_index (parsed->call_stack, i));
      printf ("\n");
    }
}

/* The message the headline is made of: the raised exception, else the first warning, else the
 * first message. */
static AgvizErrorMessage *
headline_message (const AgvizErrorText *parsed)
{
  AgvizErrorMessage *first_warning = NULL;

  for (guint i = parsed->messages->len; i > 0; i--)
    {
      AgvizErrorMessage *message = g_ptr_array_index (parsed->messages, i - 1);

      if (message->kind == AGVIZ_ERROR_MESSAGE_EXCEPTION && parsed->exception_type != NULL &&
          g_strcmp0 (message->type, parsed->exception_type) == 0 &&
          g_str_has_prefix (message->text, parsed->message))
        return message;
      if (message->kind == AGVIZ_ERROR_MESSAGE_WARNING)
        first_warning = message;
    }
  if (first_warning != NULL)
    return first_warning;
  return parsed->messages->len > 0 ? g_ptr_array_index (parsed->messages, 0) : NULL;
}

static void
print_message (AgvizErrorMessage *message,
               const char        *first_indent,
               const char        *indent)
{
  g_autofree char *first = message->type != NULL
                           ? g_strdup_printf ("%s%s: ", first_indent, message->type)
                           : message->kind == AGVIZ_ERROR_MESSAGE_WARNING
                           ? g_strdup_printf ("%swarning: ", first_indent)
                           : g_strdup (first_indent);

  print_indented (message->text, first, indent);
}

static gboolean
explain_text (Explainer   *explainer,
              const char  *text,
              gsize        length,
              GError     **error)
{
  g_autoptr(AgvizErrorText) parsed = agviz_error_text_parse (text, length);
  g_autoptr(AgvizErrorCause) cause = NULL;
  g_autoptr(GPtrArray) related = NULL;
  AgvizErrorMessage *headline;
  gboolean others = FALSE;

  /* An unrecognised layout may still hold a known cause (JAX's tracer errors without their
   * exception line). */
  cause = agviz_error_cause_find (parsed);
  if (parsed->kind == AGVIZ_ERROR_TEXT_UNKNOWN && cause->kind == AGVIZ_ERROR_CAUSE_NONE)
    {
      fwrite (text, 1, length, stdout);
      if (length > 0 && text[length - 1] != '\n')
        fputc ('\n', stdout);
      fprintf (stderr, "agviz: note: no error, traceback or warning recognised (JAX and PyTorch "
                       "logs are not read yet); the text is printed unchanged\n");
      return TRUE;
    }

  related = related_diagnostics (explainer, parsed, error);
  if (related == NULL)
    return FALSE;

  headline = headline_message (parsed);
  if (headline != NULL)
    print_message (headline, "", "  ");
  else if (parsed->exception_type == NULL)
    printf ("a traceback without its exception line\n");
  for (guint i = 0; i < parsed->messages->len; i++)
    {
      AgvizErrorMessage *message = g_ptr_array_index (parsed->messages, i);

      if (message == headline)
        continue;
      if (!others)
        printf ("\nthe text also says:\n");
      others = TRUE;
      if (message->link == AGVIZ_ERROR_CHAIN_DURING_HANDLING)
        printf ("  (raised while handling the exception before)\n");
      else if (message->link == AGVIZ_ERROR_CHAIN_DIRECT_CAUSE)
        printf ("  (raised from the exception before, its direct cause)\n");
      print_message (message, "  ", "    ");
    }

  print_frames (explainer, parsed);
  print_nodes (explainer, parsed);

  if (cause->what_happened != NULL)
    printf ("\nwhat happened: %s\n", cause->what_happened);
  if (cause->evidence->len > 0)
    printf ("evidence in the text:\n");
  for (guint i = 0; i < cause->evidence->len; i++)
    printf ("  - %s\n", (const char *) g_ptr_array_index (cause->evidence, i));
  if (cause->fixes->len > 0)
    printf ("\nwhat to do:\n");
  for (guint i = 0; i < cause->fixes->len; i++)
    printf ("  - %s\n", (const char *) g_ptr_array_index (cause->fixes, i));

  if (related->len > 0)
    printf ("\nwhat the trace file shows:\n");
  for (guint i = 0; i < related->len; i++)
    agviz_cli_report_print_diagnostic (explainer->map, g_ptr_array_index (related, i),
                                       explainer->context);
  if (explainer->has_trace && related->len == 0)
    printf ("\nthe trace file has no record of this error (no finding on the same function, "
            "node or source line)\n");
  return TRUE;
}

static void
write_strings (AgvizJsonWriter *json,
               const char      *key,
               GPtrArray       *strings)
{
  agviz_json_writer_key (json, key);
  agviz_json_writer_begin_array (json);
  for (guint i = 0; i < strings->len; i++)
    agviz_json_writer_string (json, g_ptr_array_index (strings, i));
  agviz_json_writer_end_array (json);
}

static void
write_text_json (Explainer            *explainer,
                 AgvizJsonWriter      *json,
                 const char           *text,
                 GPtrArray            *related,
                 const AgvizErrorText *parsed)
{
  g_autoptr(AgvizErrorCause) cause = agviz_error_cause_find (parsed);

  agviz_json_writer_begin_object (json);
  agviz_json_writer_member_string (json, "kind", agviz_error_text_kind_to_string (parsed->kind));
  agviz_json_writer_member_string (json, "exception_type", parsed->exception_type);
  agviz_json_writer_member_string (json, "message", parsed->message);
  agviz_json_writer_member_string (json, "detail", parsed->detail);
  agviz_json_writer_member_string (json, "graph_name", parsed->graph_name);
  agviz_json_writer_member_string (json, "function", parsed->function);
  agviz_json_writer_member_string (json, "cause", parsed->cause);
  agviz_json_writer_member_string (json, "warning_type", parsed->warning_type);
  if (parsed->kind == AGVIZ_ERROR_TEXT_RETRACING_WARNING)
    {
      agviz_json_writer_member_int (json, "retrace_count", parsed->retrace_count);
      agviz_json_writer_member_int (json, "retrace_calls", parsed->retrace_calls);
    }
  agviz_json_writer_member_int (json, "root_error_count", parsed->root_error_count);
  agviz_json_writer_member_boolean (json, "input_operation_hint", parsed->input_operation_hint);
  write_strings (json, "call_stack", parsed->call_stack);

  agviz_json_writer_key (json, "messages");
  agviz_json_writer_begin_array (json);
  for (guint i = 0; i < parsed->messages->len; i++)
    {
      static const char *const kinds[] = { "exception", "warning", "text" };
      static const char *const links[] = { NULL, "during-handling", "direct-cause" };
      AgvizErrorMessage *message = g_ptr_array_index (parsed->messages, i);

      agviz_json_writer_begin_object (json);
      agviz_json_writer_member_string (json, "kind", kinds[message->kind]);
      agviz_json_writer_member_string (json, "type", message->type);
      agviz_json_writer_member_string (json, "text", message->text);
      agviz_json_writer_member_int (json, "chain", message->chain);
      agviz_json_writer_member_string (json, "link", links[message->link]);
      agviz_json_writer_end_object (json);
    }
  agviz_json_writer_end_array (json);

  agviz_json_writer_member_int (json, "defining_frame", parsed->defining_frame);
  agviz_json_writer_key (json, "frames");
  agviz_json_writer_begin_array (json);
  for (guint i = 0; i < parsed->frames->len; i++)
    {
      static const char *const marks[] = { "", "*", "**" };
      AgvizErrorFrame *frame = g_ptr_array_index (parsed->frames, i);

      agviz_json_writer_begin_object (json);
      agviz_json_writer_member_string (json, "file", frame->file);
      agviz_json_writer_member_int (json, "line", frame->line);
      agviz_json_writer_member_string (json, "function", frame->function);
      agviz_json_writer_member_string (json, "code", frame->code);
      agviz_json_writer_member_string (json, "section",
                                       agviz_error_frame_section_to_string (frame->section));
      agviz_json_writer_member_string (json, "mark", marks[frame->mark]);
      agviz_json_writer_member_boolean (json, "defining", frame->defining);
      agviz_json_writer_member_int (json, "chain", frame->chain);
      agviz_json_writer_member_string (json, "node", frame->node);
      agviz_json_writer_member_string (json, "context", frame->context);
      agviz_json_writer_member_string (json, "origin",
                                       agviz_frame_origin_to_string (
                                         agviz_source_map_classify_path (frame->file)));
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
      g_autoptr(AgvizNode) node = NULL;
      g_autoptr(GPtrArray) frames = NULL;

      if (explainer->has_trace)
        node = resolve_node (explainer, parsed, mention->name, &error);
      agviz_json_writer_begin_object (json);
      agviz_json_writer_member_string (json, "name", mention->name);
      agviz_json_writer_member_string (json, "role",
                                       mention->role == AGVIZ_ERROR_NODE_INPUT_SOURCE
                                       ? "input-source" : "failed");
      agviz_json_writer_member_string (json, "input_of", mention->input_of);
      agviz_json_writer_member_string (json, "op_type_in_text", mention->op_type);
      agviz_json_writer_member_string (json, "definition", mention->definition);
      agviz_json_writer_member_int (json, "root_error", mention->root_error);
      agviz_json_writer_member_string (json, "defined_file", mention->defined_file);
      agviz_json_writer_member_int (json, "defined_line", mention->defined_line);
      agviz_json_writer_member_boolean (json, "resolved", node != NULL);
      if (node == NULL)
        {
          agviz_json_writer_member_string (json, "error",
                                           error != NULL ? error->message : "no trace file");
        }
      else
        {
          agviz_json_writer_member_int (json, "node_id", node->id);
          agviz_json_writer_member_string (json, "op_type", node->op_type);
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

  agviz_json_writer_member_string (json, "what_happened", cause->what_happened);
  agviz_json_writer_member_string (json, "known_cause",
                                   agviz_error_cause_kind_to_string (cause->kind));
  write_strings (json, "evidence", cause->evidence);
  write_strings (json, "fixes", cause->fixes);
  agviz_json_writer_member_boolean (json, "trace_file", explainer->has_trace);
  agviz_json_writer_key (json, "diagnostics");
  agviz_json_writer_begin_array (json);
  for (guint i = 0; related != NULL && i < related->len; i++)
    agviz_cli_report_write_diagnostic (json, explainer->map, g_ptr_array_index (related, i),
                                       explainer->context);
  agviz_json_writer_end_array (json);
  if (parsed->kind == AGVIZ_ERROR_TEXT_UNKNOWN)
    {
      agviz_json_writer_member_string (json, "text", text);
      agviz_json_writer_member_string (json, "note", "no error, traceback or warning recognised");
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
  write_text_json (explainer, json, terminated, related, parsed);
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
  gboolean recorded = FALSE, all_frames = FALSE;
  const GOptionEntry entries[] = {
    { "recorded", 0, 0, G_OPTION_ARG_NONE, &recorded,
      "Explain the errors recorded in the trace file", NULL },
    { "all-frames", 0, 0, G_OPTION_ARG_NONE, &all_frames, "Also show framework frames", NULL },
    { NULL }
  };
  g_auto(AgvizCliDiagnose) setup = { 0 };
  g_autoptr(GOptionContext) option_context =
    agviz_cli_diagnose_new_options (&setup, "explain", "[TRACE_FILE] [ERROR_TEXT_FILE | -]",
                                    "Read an error, traceback or warning (from a file, or "
                                    "standard input) and\nrewrite it with your source lines, the "
                                    "nodes it names, what happened\nand what to do. With a trace "
                                    "file, the nodes are resolved in it and its\nfindings about "
                                    "the same error are added; without one, sources are read\n"
                                    "from disk (--source-root maps the folders of another "
                                    "machine).",
                                    "Print the explanation as JSON", 1, entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizJsonWriter) json = NULL;
  Explainer explainer = { 0 };
  const char *trace_path = NULL, *text_path = NULL;
  int status;

  if ((status = agviz_cli_diagnose_parse (&setup, option_context, &argc, &argv)) != AGVIZ_EXIT_OK)
    return status;
  if (argc < 2 || argc > 3 || (recorded && argc != 2))
    return agviz_cli_usage_error ("explain needs an error text, a trace file and an error "
                                  "text, or a trace file and --recorded (see agviz explain "
                                  "--help)");

  /* One argument is a trace file (the text then comes on standard input) or the text itself. */
  if (argc == 3)
    {
      trace_path = argv[1];
      text_path = argv[2];
    }
  else if (recorded || (!g_str_equal (argv[1], "-") && agviz_trace_file_is_sqlite (argv[1])))
    trace_path = argv[1];
  else
    text_path = argv[1];

  if ((status = agviz_cli_diagnose_open (&setup, trace_path)) != AGVIZ_EXIT_OK)
    return status;
  explainer.map = setup.map;
  explainer.has_trace = setup.store != NULL;
  explainer.all_frames = all_frames;
  explainer.context = setup.context;

  if (setup.as_json)
    json = agviz_json_writer_new ();

  if (recorded)
    {
      g_autoptr(GPtrArray) errors = agviz_store_list_errors (setup.store, &error);

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
      g_autofree char *text = read_error_text (text_path, &length, &status);
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
