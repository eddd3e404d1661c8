/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-torch-logs-importer.c: the text TORCH_LOGS=recompiles,graph_breaks prints
 *
 * torch.compile's logs on stderr (or TORCH_LOGS_OUT): glog-style records
 * (`V1206 21:20:52.776000 21637 torch/_dynamo/guards.py:5396] [0/1] [__recompiles] ...`, one
 * line per line of a message, and torch 2.1's `[date] torch._dynamo.guards.__recompiles:
 * [DEBUG] ...`), with the Python warnings printed among them (`prog.py:12: TracerWarning: ...`).
 * What it gives, in the shapes the TORCH_TRACE importer gives them:
 * - a function per compiled frame ("Recompiling function NAME in FILE:LINE"), and for compile
 *   id F/A the traces 1 .. A+1 of frame F's function (recompile A is trace A+1);
 * - AGVIZ_EVENT_RETRACE on each recompiled trace: message the first failing guard, detail
 *   every one;
 * - AGVIZ_EVENT_GRAPH_BREAK: message the reason, detail the whole record (hints, the graph
 *   break registry's link), stack the user code traceback;
 * - AGVIZ_EVENT_WARNING for torch._dynamo's warnings (the recompile limit: message its first
 *   line) and for each Python warning (message "CATEGORY: TEXT", stack its file and line);
 *   TracerWarnings are what the checker turns into frozen-value findings.
 * A stderr that ends in a torch.compile error (`torch._dynamo.exc.Unsupported: ...`) is one too:
 * the error itself comes from the importer's error log.  Other lines (the program's own
 * output) are skipped; the file is imported whole or not at all.
 */
#define G_LOG_DOMAIN "agviz-import"

#include "config.h"

#include <string.h>

#include "agviz-torch-logs-importer-private.h"

#define MAX_LOG_FILE (((gsize) 1) << 30)

typedef struct
{
  char    *key;          /* what lines of one record share: the prefix up to the message */
  char    *artifact;     /* "recompiles", "graph_breaks", or NULL */
  char     level;        /* glog's letter: 'W' for warnings */
  int      frame;        /* compile id F/A, -1 when none */
  int      attempt;
  gsize    first_line;   /* 1-based, for messages */
  GPtrArray *lines;      /* the message lines, prefixes removed */
} LogRecord;

static void
log_record_clear (LogRecord *record)
{
  g_clear_pointer (&record->key, g_free);
  g_clear_pointer (&record->artifact, g_free);
  g_clear_pointer (&record->lines, g_ptr_array_unref);
}

typedef struct
{
  AgvizImportContext *ctx;
  const char         *path;
  GHashTable         *frame_functions;  /* compile frame F -> function id */
  GHashTable         *frame_traces;     /* F -> GArray of trace ids, ordinal - 1 at each index */
} LogImport;

/* Splits a glog line (`V1206 21:20:52.776000 21637 path.py:5396] [0/1] [__recompiles] msg`,
 * optionally behind `[rank0]:`) or torch 2.1's (`[2023-11-06 14:54:08,549]
 * torch._dynamo.guards.__recompiles: [DEBUG] msg`) into @record's key, compile id, artifact and
 * level; the message follows at the returned offset.  -1: not a log line. */
static gssize
parse_log_prefix (const char *line,
                  LogRecord  *record)
{
  const char *p = line, *end, *artifact = NULL;
  gsize artifact_length = 0;

  record->frame = record->attempt = -1;
  record->level = 0;
  if (g_str_has_prefix (p, "[rank"))
    {
      const char *close = strstr (p, "]:");
      if (close == NULL)
        return -1;
      p = close + 2;
    }
  if (strchr ("VDIWEC", *p) != NULL && *p != '\0' && g_ascii_isdigit (p[1]) &&
      (end = strstr (p, "] ")) != NULL)
    {
      record->level = *p;
      p = end + 2;
      if (*p == '[' && (g_ascii_isdigit (p[1]) || p[1] == '!'))
        {
          const char *q = p + 1 + (p[1] == '!');
          char *next;

          record->frame = (int) g_ascii_strtoll (q, &next, 10);
          if (*next == '/')
            record->attempt = (int) g_ascii_strtoll (next + 1, &next, 10);
          end = strchr (p, ']');
          if (end == NULL || record->attempt < 0)
            return -1;
          p = end + 1;
          if (*p == ' ')
            p++;
        }
      if (g_str_has_prefix (p, "[__") && (end = strchr (p, ']')) != NULL)
        {
          artifact = p + 3;
          artifact_length = end - artifact;
          p = end + 1;
          if (*p == ' ')
            p++;
        }
    }
  else if (*p == '[' && g_ascii_isdigit (p[1]) && (end = strstr (p, "] ")) != NULL &&
           strstr (end, ": [") != NULL)
    {
      const char *logger = end + 2, *colon = strstr (logger, ": [");
      const char *double_under = g_strstr_len (logger, colon - logger, ".__");

      if (double_under != NULL)
        {
          artifact = double_under + 3;
          artifact_length = colon - artifact;
        }
      record->level = colon[3];
      end = strchr (colon + 3, ']');
      if (end == NULL)
        return -1;
      p = end + 1;
      if (*p == ' ')
        p++;
    }
  else
    return -1;

  record->key = g_strndup (line, p - line);
  record->artifact = artifact != NULL ? g_strndup (artifact, artifact_length) : NULL;
  return p - line;
}

/* `path.py:12: TracerWarning: text` (Python's warnings): the category's offset, or -1. */
static gssize
python_warning_category (const char *line,
                         char      **file,
                         int        *lineno)
{
  const char *p = line;

  while ((p = strstr (p, ": ")) != NULL)
    {
      const char *colon = p, *category = p + 2, *digits = colon;
      const char *end = strstr (category, ": ");

      while (digits > line && g_ascii_isdigit (digits[-1]))
        digits--;
      if (digits < colon && digits > line + 1 && digits[-1] == ':' && end != NULL &&
          end - category > 7 && strncmp (end - 7, "Warning", 7) == 0 &&
          memchr (category, ' ', end - category) == NULL)
        {
          *file = g_strndup (line, digits - 1 - line);
          *lineno = atoi (digits);
          return category - line;
        }
      p += 2;
    }
  return -1;
}

static gint64
add_function (LogImport   *import,
              const char  *name,
              const char  *file,
              int          line,
              GError     **error)
{
  gint64 file_id = 0;

  if (file != NULL && *file != '\0')
    {
      file_id = agviz_recorder_add_file (import->ctx->recorder, NULL, file, error);
      if (file_id == 0)
        return 0;
    }
  return agviz_recorder_add_function (import->ctx->recorder, name, file_id, MAX (line, 0), error);
}

/* The trace of compile F/A: frame F's function's trace A + 1, made (with those before it) on
 * first mention.  0 without an error when F has no known function. */
static gint64
trace_for_compile (LogImport   *import,
                   int          frame,
                   int          attempt,
                   GError     **error)
{
  gpointer function = g_hash_table_lookup (import->frame_functions, GINT_TO_POINTER (frame));
  GArray *traces;

  if (function == NULL || attempt < 0)
    return 0;
  traces = g_hash_table_lookup (import->frame_traces, GINT_TO_POINTER (frame));
  if (traces == NULL)
    {
      traces = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (import->frame_traces, GINT_TO_POINTER (frame), traces);
    }
  while ((int) traces->len <= attempt)
    {
      g_autofree char *graph = g_strdup_printf ("compile %d/%u", frame, traces->len);
      gint64 trace_id = agviz_recorder_begin_trace (import->ctx->recorder,
                                                    *(gint64 *) function, graph, NULL,
                                                    traces->len == 0 ? "first call"
                                                                     : "recompiled", error);

      if (trace_id == 0 ||
          !agviz_recorder_end_trace (import->ctx->recorder, trace_id, AGVIZ_TRACE_STATUS_COMPLETE, 0,
                                     error))
        return 0;
      g_array_append_val (traces, trace_id);
      import->ctx->stats.traces++;
    }
  return g_array_index (traces, gint64, attempt);
}

static gboolean
set_frame_function (LogImport  *import,
                    int         frame,
                    gint64      function_id)
{
  gint64 *stored;

  if (frame < 0 || g_hash_table_contains (import->frame_functions, GINT_TO_POINTER (frame)))
    return FALSE;
  stored = g_new (gint64, 1);
  *stored = function_id;
  g_hash_table_insert (import->frame_functions, GINT_TO_POINTER (frame), stored);
  import->ctx->stats.functions++;
  return TRUE;
}

/* "NAME in FILE:LINE" or "'NAME' (FILE:LINE)": the name, file and line. */
static gboolean
split_code_location (const char  *text,
                     const char  *separator,
                     char       **name,
                     char       **file,
                     int         *line)
{
  const char *middle = strstr (text, separator);
  const char *colon;
  g_autofree char *location = NULL;

  if (middle == NULL)
    return FALSE;
  location = g_strdup (middle + strlen (separator));
  g_strstrip (location);
  if (location[0] == '(')
    memmove (location, location + 1, strlen (location));
  if (g_str_has_suffix (location, ")"))
    location[strlen (location) - 1] = '\0';
  colon = strrchr (location, ':');
  if (colon == NULL || !g_ascii_isdigit (colon[1]))
    return FALSE;
  *name = g_strndup (text, middle - text);
  g_strdelimit (*name, "'", ' ');
  g_strstrip (*name);
  *file = g_strndup (location, colon - location);
  *line = atoi (colon + 1);
  return **name != '\0';
}

/* The stack of the `File "P", line N, in F` lines of @lines from @start on, 0 when none. */
static gint64
user_stack (LogImport  *import,
            GPtrArray  *lines,
            guint       start,
            GError    **error)
{
  g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = start; i < lines->len; i++)
    {
      const char *text = g_strchug (g_ptr_array_index (lines, i));
      const char *quote, *comma, *in;
      g_autofree char *file = NULL;
      gint64 file_id, frame_id;

      if (!g_str_has_prefix (text, "File \"") || (quote = strchr (text + 6, '"')) == NULL ||
          (comma = strstr (quote, ", line ")) == NULL)
        continue;
      file = g_strndup (text + 6, quote - text - 6);
      in = strstr (comma, ", in ");
      file_id = agviz_recorder_add_file (import->ctx->recorder, NULL, file, error);
      if (file_id == 0)
        return -1;
      frame_id = agviz_recorder_add_frame (import->ctx->recorder, file_id,
                                           atoi (comma + 7), 0, in != NULL ? in + 5 : NULL, error);
      if (frame_id == 0)
        return -1;
      g_array_append_val (frames, frame_id);
    }
  if (frames->len == 0)
    return 0;
  return agviz_recorder_add_stack (import->ctx->recorder, (gint64 *) frames->data, frames->len,
                                   error);
}

static char *
join_lines (GPtrArray *lines,
            guint      start)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = start; i < lines->len; i++)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, g_ptr_array_index (lines, i));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
add_event (LogImport       *import,
           AgvizEventKind   kind,
           int              frame,
           int              attempt,
           const char      *message,
           const char      *detail,
           gint64           stack_id,
           GError         **error)
{
  AgvizEvent event = { 0 };
  gint64 *function = frame >= 0 ? g_hash_table_lookup (import->frame_functions,
                                                       GINT_TO_POINTER (frame)) : NULL;

  event.kind = kind;
  event.function_id = function != NULL ? *function : 0;
  event.trace_id = trace_for_compile (import, frame, attempt, error);
  if (event.trace_id == 0 && error != NULL && *error != NULL)
    return FALSE;
  event.stack_id = stack_id;
  event.message = (char *) message;
  event.detail = (char *) detail;
  return agviz_recorder_add_event (import->ctx->recorder, &event, error) != 0;
}

static gboolean
import_recompiles (LogImport  *import,
                   LogRecord  *record,
                   GError    **error)
{
  const char *first = g_ptr_array_index (record->lines, 0);
  g_autofree char *name = NULL, *file = NULL;
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *detail = NULL;
  int line = 0;

  if (!g_str_has_prefix (first, "Recompiling function ") ||
      !split_code_location (first + strlen ("Recompiling function "), " in ", &name, &file, &line))
    {
      _agviz_import_warn (import->ctx, "%s:%" G_GSIZE_FORMAT ": a recompile record without "
                          "\"Recompiling function NAME in FILE:LINE\", skipped", import->path,
                          record->first_line);
      return TRUE;
    }
  if (record->frame >= 0 && !g_hash_table_contains (import->frame_functions,
                                                    GINT_TO_POINTER (record->frame)))
    {
      gint64 function_id = add_function (import, name, file, line, error);

      if (function_id == 0)
        return FALSE;
      set_frame_function (import, record->frame, function_id);
    }
  for (guint i = 1; i < record->lines->len; i++)
    {
      const char *text = g_strstrip (g_strdup (g_ptr_array_index (record->lines, i)));

      if (g_str_has_prefix (text, "- "))
        {
          const char *reason = text + 2;
          const char *colon = strstr (reason, ": ");

          /* "- 0/3: reason": the compile it no longer matches, dropped from the reason. */
          if (colon != NULL && g_ascii_isdigit (*reason) && strchr (reason, '/') < colon)
            reason = colon + 2;
          g_ptr_array_add (reasons, g_strdup (reason));
        }
      g_free ((char *) text);
    }
  detail = join_lines (reasons, 0);
  return add_event (import, AGVIZ_EVENT_RETRACE, record->frame, record->attempt,
                    reasons->len > 0 ? g_ptr_array_index (reasons, 0) : first, detail, 0, error);
}

static gboolean
import_graph_break (LogImport  *import,
                    LogRecord  *record,
                    GError    **error)
{
  g_autofree char *detail = join_lines (record->lines, 0);
  g_autofree char *reason = NULL;
  gint64 stack_id;
  guint traceback = 0;

  for (guint i = 0; i < record->lines->len; i++)
    {
      const char *text = g_ptr_array_index (record->lines, i);

      if (reason == NULL && g_str_has_prefix (text, "Graph Break Reason: "))
        reason = g_strdup (text + strlen ("Graph Break Reason: "));
      if (traceback == 0 && (g_str_has_prefix (text, "User code traceback:") ||
                             strstr (text, "from user code at:") != NULL))
        traceback = i + 1;
    }
  if (reason == NULL)
    reason = g_strdup (g_ptr_array_index (record->lines, 0));
  g_strstrip (reason);
  if (g_str_has_suffix (reason, ":"))
    reason[strlen (reason) - 1] = '\0';
  stack_id = traceback > 0 ? user_stack (import, record->lines, traceback, error) : 0;
  if (stack_id < 0)
    return FALSE;
  /* A graph break in a frame no recompile named: the innermost user frame is the function
   * being compiled. */
  if (record->frame >= 0 && stack_id > 0 &&
      !g_hash_table_contains (import->frame_functions, GINT_TO_POINTER (record->frame)))
    {
      g_autoptr(AgvizErrorText) parsed = agviz_error_text_parse (detail, -1);
      AgvizErrorFrame *innermost = parsed->frames->len > 0
                                   ? g_ptr_array_index (parsed->frames, parsed->frames->len - 1)
                                   : NULL;

      if (innermost != NULL && innermost->function != NULL)
        {
          gint64 function_id = add_function (import, innermost->function, innermost->file, 0,
                                             error);
          if (function_id == 0)
            return FALSE;
          set_frame_function (import, record->frame, function_id);
        }
    }
  return add_event (import, AGVIZ_EVENT_GRAPH_BREAK, record->frame, record->attempt, reason,
                    detail, stack_id, error);
}

/* torch._dynamo's warnings: the recompile limit names its function ("function: 'f'
 * (file.py:3)"). */
static gboolean
import_warning (LogImport  *import,
                LogRecord  *record,
                GError    **error)
{
  g_autofree char *detail = join_lines (record->lines, 1);

  for (guint i = 1; i < record->lines->len && record->frame >= 0; i++)
    {
      const char *text = g_strchug (g_ptr_array_index (record->lines, i));
      g_autofree char *name = NULL, *file = NULL;
      int line = 0;
      gint64 function_id;

      if (g_str_has_prefix (text, "function: ") &&
          !g_hash_table_contains (import->frame_functions, GINT_TO_POINTER (record->frame)) &&
          split_code_location (text + strlen ("function: "), " (", &name, &file, &line))
        {
          function_id = add_function (import, name, file, line, error);
          if (function_id == 0)
            return FALSE;
          set_frame_function (import, record->frame, function_id);
        }
    }
  return add_event (import, AGVIZ_EVENT_WARNING, record->frame, record->attempt,
                    g_ptr_array_index (record->lines, 0), detail, 0, error);
}

static gboolean
import_record (LogImport  *import,
               LogRecord  *record,
               GError    **error)
{
  if (record->lines == NULL || record->lines->len == 0)
    return TRUE;
  /* Trailing blank lines of a multi-line message. */
  while (record->lines->len > 1 &&
         *(char *) g_ptr_array_index (record->lines, record->lines->len - 1) == '\0')
    g_ptr_array_remove_index (record->lines, record->lines->len - 1);
  if (g_strcmp0 (record->artifact, "recompiles") == 0 ||
      g_strcmp0 (record->artifact, "recompiles_verbose") == 0)
    return import_recompiles (import, record, error);
  if (g_strcmp0 (record->artifact, "graph_breaks") == 0)
    return import_graph_break (import, record, error);
  if (record->artifact == NULL && record->level == 'W')
    return import_warning (import, record, error);
  return TRUE;
}

static gboolean
import_python_warning (LogImport   *import,
                       char       **lines,
                       gsize        index,
                       GError     **error)
{
  g_autofree char *file = NULL;
  AgvizEvent event = { 0 };
  gssize category;
  gint64 file_id, frame_id;
  int lineno = 0;

  category = python_warning_category (lines[index], &file, &lineno);
  g_assert (category >= 0);
  file_id = agviz_recorder_add_file (import->ctx->recorder, NULL, file, error);
  if (file_id == 0)
    return FALSE;
  frame_id = agviz_recorder_add_frame (import->ctx->recorder, file_id, MAX (lineno, 0), 0, NULL,
                                       error);
  if (frame_id == 0)
    return FALSE;
  event.kind = AGVIZ_EVENT_WARNING;
  event.stack_id = agviz_recorder_add_stack (import->ctx->recorder, &frame_id, 1, error);
  if (event.stack_id == 0)
    return FALSE;
  event.message = lines[index] + category;
  /* Python prints the source line indented under it. */
  if (lines[index + 1] != NULL && g_ascii_isspace (lines[index + 1][0]))
    event.detail = lines[index + 1];
  return agviz_recorder_add_event (import->ctx->recorder, &event, error) != 0;
}

static gboolean
import_torch_logs (AgvizImportContext  *ctx,
                   const char          *path,
                   GError             **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) frame_functions = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GHashTable) frame_traces = g_hash_table_new_full (NULL, NULL, NULL,
                                                               (GDestroyNotify) g_array_unref);
  LogImport import = { ctx, path, frame_functions, frame_traces };
  LogRecord record = { 0 };
  gsize length;
  gboolean ok = TRUE;

  text = _agviz_import_read_file (path, MAX_LOG_FILE, &length, error);
  if (text == NULL)
    return FALSE;
  ctx->stats.bytes += length;
  if (memchr (text, '\0', length) != NULL)
    {
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_SYNTAX,
                   "%s:%" G_GSIZE_FORMAT ": a NUL byte: not a torch.compile log", path,
                   (gsize) ((const char *) memchr (text, '\0', length) - text));
      return FALSE;
    }
  lines = g_strsplit (text, "\n", -1);
  for (gsize i = 0; ok && lines[i] != NULL; i++)
    {
      LogRecord next = { 0 };
      g_autofree char *file = NULL;
      gssize offset;
      int lineno;

      offset = parse_log_prefix (lines[i], &next);
      if (offset < 0)
        {
          log_record_clear (&next);
          if (python_warning_category (lines[i], &file, &lineno) >= 0)
            ok = import_record (&import, &record, error) &&
                 import_python_warning (&import, lines, i, error);
          else
            ok = import_record (&import, &record, error);
          log_record_clear (&record);
          continue;
        }
      if (record.key != NULL && g_str_equal (record.key, next.key))
        {
          g_ptr_array_add (record.lines, g_strdup (lines[i] + offset));
          log_record_clear (&next);
          continue;
        }
      ok = import_record (&import, &record, error);
      log_record_clear (&record);
      record = next;
      record.first_line = i + 1;
      record.lines = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (record.lines, g_strdup (lines[i] + offset));
    }
  ok = ok && import_record (&import, &record, error);
  log_record_clear (&record);
  return ok;
}

/* A glog record of the recompiles or graph_breaks artifacts, torch._dynamo's recompile limit,
 * or a TracerWarning, within the first MiB. */
static AgvizSourceFormat
recognise_file (const char *path,
                const char *head,
                gsize       length)
{
  g_auto(GStrv) lines = NULL;

  if (memchr (head, '\0', length) != NULL)
    return AGVIZ_SOURCE_FORMAT_UNKNOWN;
  lines = g_strsplit (head, "\n", 4096);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      LogRecord record = { 0 };
      g_autofree char *file = NULL;
      gboolean ours;
      int lineno;

      if (parse_log_prefix (lines[i], &record) >= 0)
        {
          ours = g_strcmp0 (record.artifact, "recompiles") == 0 ||
                 g_strcmp0 (record.artifact, "recompiles_verbose") == 0 ||
                 g_strcmp0 (record.artifact, "graph_breaks") == 0 ||
                 strstr (lines[i], "torch._dynamo hit config.") != NULL;
          log_record_clear (&record);
          if (ours)
            return AGVIZ_SOURCE_FORMAT_TORCH_LOGS;
        }
      else if ((python_warning_category (lines[i], &file, &lineno) >= 0 &&
                strstr (lines[i], ": TracerWarning: ") != NULL) ||
               g_str_has_prefix (lines[i], "torch._dynamo.exc.") ||
               g_str_has_prefix (lines[i], "torch._inductor.exc."))
        return AGVIZ_SOURCE_FORMAT_TORCH_LOGS;
    }
  return AGVIZ_SOURCE_FORMAT_UNKNOWN;
}

static gboolean
import_source (AgvizImportContext  *ctx,
               const char          *path,
               AgvizSourceFormat    format,
               GError             **error)
{
  g_assert (format == AGVIZ_SOURCE_FORMAT_TORCH_LOGS);
  return import_torch_logs (ctx, path, error);
}

static const AgvizImportFormatName format_names[] = {
  { AGVIZ_SOURCE_FORMAT_TORCH_LOGS, "torch.compile logs (TORCH_LOGS=recompiles,graph_breaks)" },
  { AGVIZ_SOURCE_FORMAT_UNKNOWN, NULL },
};

const AgvizImportBackend _agviz_torch_logs_import_backend = {
  .framework = "PyTorch",
  .formats = format_names,
  .looks_for_in_directories = NULL,
  .tries_on_files = "torch.compile logs (TORCH_LOGS=recompiles,graph_breaks text)",
  .recognise_directory = NULL,
  .recognise_file = recognise_file,
  .import = import_source,
};
