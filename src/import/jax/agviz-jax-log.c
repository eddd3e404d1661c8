/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-jax-log.c: reading the log records of jax_explain_cache_misses and jax_log_compiles
 *
 * Line by line: a record starts on a line whose message (log prefix removed) starts one of the
 * wordings in agviz-jax-log.h; a cache-miss explanation goes on over the indented lines after it
 * and the few unindented lines JAX adds to it (the weak-type hint).
 */
#define G_LOG_DOMAIN "agviz-importer"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "agviz-import-error.h"
#include "agviz-jax-log.h"

static void
record_free (gpointer data)
{
  AgvizJaxLogRecord *record = data;

  g_free (record->function);
  g_free (record->callsite_file);
  g_free (record->defined_file);
  g_free (record->summary);
  g_free (record->text);
  g_free (record->signature);
  g_free (record);
}

/* Length of a Python log prefix: `LEVEL:LOGGER:` or `LEVEL:YYYY-MM-DD HH:MM:SS,mmm:LOGGER:N: `;
 * 0 when @line has none. */
static gsize
log_prefix_length (const char *line)
{
  static const char *const levels[] = { "DEBUG:", "INFO:", "WARNING:", "ERROR:", "CRITICAL:" };
  const char *p = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (levels) && p == NULL; i++)
    if (g_str_has_prefix (line, levels[i]))
      p = line + strlen (levels[i]);
  if (p == NULL)
    return 0;
  /* A date and time, as logging's asctime writes them. */
  if (strlen (p) >= 24 && g_ascii_isdigit (p[0]) && p[4] == '-' && p[10] == ' ' && p[23] == ':')
    p += 24;
  if (!g_ascii_isalpha (*p) && *p != '_')
    return 0;
  while (g_ascii_isalnum (*p) || *p == '_' || *p == '.')
    p++;
  if (*p != ':')
    return 0;
  p++;
  /* The line number logging's %(lineno)d adds after the logger's name. */
  if (g_ascii_isdigit (*p))
    {
      const char *q = p;

      while (g_ascii_isdigit (*q))
        q++;
      if (*q == ':')
        p = q + (q[1] == ' ' ? 2 : 1);
    }
  return (gsize) (p - line);
}

static gboolean
is_cache_miss_header (const char *message)
{
  return g_str_has_prefix (message, "TRACING CACHE MISS at ");
}

/* Whether @message starts a record of jax_log_compiles. */
static gboolean
is_compile_header (const char *message)
{
  return g_str_has_prefix (message, "Finished tracing ") ||
         g_str_has_prefix (message, "Compiling ") ||
         g_str_has_prefix (message, "Finished jaxpr to MLIR module conversion ") ||
         g_str_has_prefix (message, "Finished XLA compilation of ");
}

/* Lines of an explanation that JAX prints without indentation. */
static gboolean
continues_explanation (const char *line)
{
  return line[0] == ' ' || line[0] == '\t' || g_str_has_prefix (line, "where weak_type") ||
         g_str_has_prefix (line, "weak_type=") || g_str_has_prefix (line, "See https://") ||
         g_str_has_prefix (line, "https://") || g_str_has_prefix (line, "compare to tuple");
}

/* "jit(f)", "pjit(f)" -> "f"; anything else as it is. */
static char *
unwrap_name (const char *name,
             gsize       length)
{
  static const char *const wrappers[] = { "jit(", "pjit(" };

  for (guint i = 0; i < G_N_ELEMENTS (wrappers); i++)
    {
      gsize prefix = strlen (wrappers[i]);

      if (length > prefix + 1 && strncmp (name, wrappers[i], prefix) == 0 &&
          name[length - 1] == ')')
        return g_strndup (name + prefix, length - prefix - 1);
    }
  return g_strndup (name, length);
}

static gboolean
fail (GError     **error,
      const char  *path,
      guint        line,
      const char  *what)
{
  g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_SYNTAX, "%s:%u: %s", path, line,
               what);
  return FALSE;
}

/* The number before " sec" at the end of @message (after its last " in "). */
static gboolean
parse_seconds (const char *message,
               double     *seconds)
{
  const char *in = g_strrstr (message, " in ");
  char *end = NULL;

  if (in == NULL)
    return FALSE;
  *seconds = g_ascii_strtod (in + 4, &end);
  return end != in + 4 && g_str_has_prefix (end, " sec") && *seconds >= 0;
}

/* "FILE:LINE[:COLUMN]" at the end of @text[0, @length): the file, line and column. */
static gboolean
split_file_line (const char *text,
                 gsize       length,
                 char      **file,
                 int        *line,
                 int        *column)
{
  gsize colons[2] = { 0 };
  guint n = 0;
  gsize end = length;

  /* Up to two trailing :NUMBER parts. */
  while (n < 2 && end > 0)
    {
      gsize start = end;

      while (start > 0 && g_ascii_isdigit (text[start - 1]))
        start--;
      if (start == end || start == 0 || text[start - 1] != ':')
        break;
      colons[n++] = start - 1;
      end = start - 1;
    }
  if (n == 0 || end == 0)
    return FALSE;
  *file = g_strndup (text, end);
  if (n == 2)
    {
      *line = atoi (text + colons[1] + 1);
      *column = atoi (text + colons[0] + 1);
    }
  else
    {
      *line = atoi (text + colons[0] + 1);
      *column = 0;
    }
  return TRUE;
}

/* "TRACING CACHE MISS at FILE:LINE[:COL] (FUNC) [costing N ms] because:" or "...:". */
static void
parse_callsite (AgvizJaxLogRecord *record,
                const char        *header)
{
  const char *site = header + strlen ("TRACING CACHE MISS at ");
  const char *costing = strstr (site, " costing ");
  const char *end = costing != NULL ? costing : site + strlen (site);
  const char *paren;

  if (costing != NULL)
    record->cost_ms = g_ascii_strtod (costing + strlen (" costing "), NULL);
  while (end > site && (end[-1] == ':' || end[-1] == ' '))
    end--;
  if (end - site > 8 && strncmp (end - 8, " because", 8) == 0)
    end -= 8;
  /* " (<module>)": the calling function. */
  paren = g_strrstr_len (site, end - site, " (");
  if (paren != NULL && end[-1] == ')')
    end = paren;
  split_file_line (site, (gsize) (end - site), &record->callsite_file, &record->callsite_line,
                   &record->callsite_column);
}

/* "NAME [id=N] defined at FILE:LINE" (or just "NAME"): the function and where it is defined. */
static void
parse_function (AgvizJaxLogRecord *record,
                const char        *text)
{
  const char *defined = strstr (text, " defined at ");
  const char *end = defined != NULL ? defined : text + strlen (text);
  const char *id = g_strstr_len (text, end - text, " id=");
  int column;

  if (id != NULL)
    end = id;
  g_free (record->function);
  record->function = g_strstrip (g_strndup (text, end - text));
  if (defined != NULL)
    {
      const char *where = defined + strlen (" defined at ");

      g_clear_pointer (&record->defined_file, g_free);
      split_file_line (where, strlen (where), &record->defined_file, &record->defined_line,
                       &column);
    }
}

/* An input path as the argument it names: "[0][1]" -> "argument 1", "[1]['k']" -> "k". */
static char *
describe_input_path (const char *path)
{
  if (g_str_has_prefix (path, "[0][") && g_ascii_isdigit (path[4]))
    {
      const char *rest = path + 4;
      const char *close = strchr (rest, ']');

      if (close != NULL)
        return g_strdup_printf ("argument %.*s%s", (int) (close - rest), rest, close + 1);
    }
  if (g_str_has_prefix (path, "[1]['"))
    {
      const char *rest = path + 5;
      const char *close = strstr (rest, "']");

      if (close != NULL)
        return g_strdup_printf ("%.*s%s", (int) (close - rest), rest, close + 2);
    }
  return g_strdup_printf ("input %s", path);
}

/* "... with pytree metadata Static(val=0.5)" -> "0.5", else the text itself. */
static char *
describe_value (const char *text,
                gsize       length,
                gboolean   *is_static)
{
  g_autofree char *value = g_strstrip (g_strndup (text, length));
  const char *statics = strstr (value, "Static(val=");

  if (statics != NULL && g_str_has_suffix (value, ")"))
    {
      *is_static = TRUE;
      return g_strndup (statics + strlen ("Static(val="),
                        strlen (statics) - strlen ("Static(val=") - 1);
    }
  return g_steal_pointer (&value);
}

/* Where ", so EXPLANATION" starts in @line (JAX 2024 put spaces before the "so"), or its end. */
static const char *
find_so (const char *line)
{
  for (const char *comma = strchr (line, ','); comma != NULL; comma = strchr (comma + 1, ','))
    {
      const char *p = comma + 1;

      while (*p == ' ')
        p++;
      if (p > comma + 1 && g_str_has_prefix (p, "so "))
        return comma;
    }
  return line + strlen (line);
}

/* One "* at NAME, now NEW and before OLD[, so ...]" or "* at NAME, seen OLD[,] but now given
 * NEW[, so ...]" line (the star removed) as "NAME: OLD -> NEW"; NULL when it is neither. */
static char *
describe_change (const char *line)
{
  g_autofree char *name = NULL, *old_value = NULL, *new_value = NULL;
  const char *comma, *now, *before, *seen, *given, *so;
  gboolean is_static = FALSE;

  if (!g_str_has_prefix (line, "at "))
    return NULL;
  line += 3;
  if (g_str_has_prefix (line, "input path "))
    {
      /* "[0][1], now X and before Y, so ..." */
      const char *path = line + strlen ("input path ");

      comma = strstr (path, ", now ");
      if (comma == NULL)
        return NULL;
      {
        g_autofree char *raw = g_strndup (path, comma - path);
        name = describe_input_path (raw);
      }
      line = comma;
    }
  else
    {
      comma = strstr (line, ", ");
      if (comma == NULL)
        return NULL;
      name = g_strndup (line, comma - line);
      line = comma;
    }
  so = find_so (line);
  now = g_str_has_prefix (line, ", now ") ? line + strlen (", now ") : NULL;
  seen = g_str_has_prefix (line, ", seen ") ? line + strlen (", seen ") : NULL;
  if (now != NULL && (before = strstr (now, " and before ")) != NULL && before < so)
    {
      new_value = describe_value (now, before - now, &is_static);
      before += strlen (" and before ");
      old_value = describe_value (before, so - before, &is_static);
    }
  else if (seen != NULL && (given = strstr (seen, " but now given ")) != NULL && given < so)
    {
      gsize old_length = given - seen;

      if (old_length > 0 && seen[old_length - 1] == ',')
        old_length--;
      old_value = describe_value (seen, old_length, &is_static);
      given += strlen (" but now given ");
      new_value = describe_value (given, so - given, &is_static);
    }
  else
    return NULL;
  return g_strdup_printf ("%s%s: %s -> %s", is_static ? "static " : "", name, old_value,
                          new_value);
}

/* The explanation's lines after the header: function, first-trace flags and what changed. */
static void
parse_explanation (AgvizJaxLogRecord *record,
                   GPtrArray         *lines)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func (g_free);
  const char *reason = NULL;

  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      char *change;

      while (*line == ' ' || *line == '\t')
        line++;
      if (g_str_has_prefix (line, "never seen function:"))
        {
          record->never_seen = TRUE;
          if (i + 1 < lines->len)
            {
              const char *next = g_ptr_array_index (lines, i + 1);

              while (*next == ' ' || *next == '\t')
                next++;
              parse_function (record, next);
              i++;
            }
        }
      else if (g_str_has_prefix (line, "but seen another function defined on the same line"))
        record->redefined = TRUE;
      else if (g_str_has_prefix (line, "for ") && record->function == NULL)
        parse_function (record, line + 4);
      else if (g_str_has_prefix (line, "* key with "))
        {
          /* 2025: "* key with different input types:" opens a block */
          if (reason == NULL)
            reason = line + strlen ("* key with ");
        }
      else if (g_str_has_prefix (line, "* ") && (change = describe_change (line + 2)) != NULL)
        g_ptr_array_add (changes, change);
      else if (g_str_has_prefix (line, "* ") && strstr (line, " differs: now ") != NULL)
        {
          /* A tracing-context value: "* jax_enable_x64 differs: now True and before False". */
          const char *differs = strstr (line, " differs: now ");
          const char *before = strstr (differs, " and before ");

          if (before != NULL)
            g_ptr_array_add (changes, g_strdup_printf ("%.*s: %s -> %.*s",
                                                       (int) (differs - line - 2), line + 2,
                                                       before + strlen (" and before "),
                                                       (int) (before - differs -
                                                              strlen (" differs: now ")),
                                                       differs + strlen (" differs: now ")));
        }
      else if (reason == NULL &&
               (g_str_has_prefix (line, "never seen passing ") ||
                g_ascii_strncasecmp (line, "tracing context doesn't match", 29) == 0 ||
                g_str_has_prefix (line, "different tracing context") ||
                g_str_has_prefix (line, "different input pytree") ||
                g_str_has_prefix (line, "different number of args") ||
                g_str_has_prefix (line, "Debug info doesn't match") ||
                strstr (line, "explanation unavailable") != NULL))
        reason = line;
    }

  if (changes->len > 0)
    {
      g_ptr_array_add (changes, NULL);
      record->summary = g_strjoinv ("; ", (char **) changes->pdata);
    }
  else if (record->never_seen)
    record->summary = g_strdup_printf ("never seen function %s%s", record->function,
                                       record->redefined ? ", but another function was defined "
                                                           "on the same line before" : "");
  else if (reason != NULL)
    {
      record->summary = g_strdup (reason);
      g_strchomp (record->summary);
      if (g_str_has_suffix (record->summary, ":"))
        record->summary[strlen (record->summary) - 1] = '\0';
    }
  else
    record->summary = g_strdup ("the explanation says no more");
}

/* A record of jax_log_compiles; FALSE with @error when its duration is no number. */
static gboolean
parse_compile (AgvizJaxLogRecord  *record,
               const char         *message,
               const char         *path,
               GError            **error)
{
  const char *name = NULL, *end = NULL;

  if (g_str_has_prefix (message, "Finished tracing "))
    {
      record->kind = AGVIZ_JAX_LOG_TRACED;
      name = message + strlen ("Finished tracing ");
      if (g_str_has_prefix (name, "+ transforming "))
        name += strlen ("+ transforming ");
      end = strstr (name, " for ");
    }
  else if (g_str_has_prefix (message, "Compiling "))
    {
      const char *with = NULL;

      record->kind = AGVIZ_JAX_LOG_COMPILING;
      name = message + strlen ("Compiling ");
      /* "Compiling f with global shapes and types [...]. Argument mapping: ..." (2023 on) or
       * "Compiling f (140... for args (...)." (older). */
      if ((with = strstr (name, " with global shapes and types ")) != NULL)
        {
          const char *types = with + strlen (" with global shapes and types ");
          const char *stop = strstr (types, ". Argument mapping");

          end = with;
          record->signature = stop != NULL ? g_strndup (types, stop - types) : g_strdup (types);
        }
      else if ((with = strstr (name, " for args ")) != NULL)
        {
          const char *types = with + strlen (" for args ");

          end = strstr (name, " (");
          if (end == NULL || end > with)
            end = with;
          record->signature = g_strdup (types);
          if (g_str_has_suffix (record->signature, "."))
            record->signature[strlen (record->signature) - 1] = '\0';
        }
      else
        end = strchr (name, ' ');
    }
  else if (g_str_has_prefix (message, "Finished jaxpr to MLIR module conversion "))
    {
      record->kind = AGVIZ_JAX_LOG_LOWERED;
      name = message + strlen ("Finished jaxpr to MLIR module conversion ");
      end = g_strrstr (name, " in ");
    }
  else
    {
      record->kind = AGVIZ_JAX_LOG_COMPILED;
      name = message + strlen ("Finished XLA compilation of ");
      end = g_strrstr (name, " in ");
    }
  if (end == NULL)
    end = name + strlen (name);
  if (end == name)
    return fail (error, path, record->line, "a compile log record names no function");
  record->function = unwrap_name (name, end - name);
  if (record->kind != AGVIZ_JAX_LOG_COMPILING && !parse_seconds (message, &record->seconds))
    return fail (error, path, record->line,
                 "a compile log record's duration is not \"in SECONDS sec\"");
  return TRUE;
}

GPtrArray *
_agviz_jax_log_parse (const char  *path,
                      const char  *text,
                      gsize        length,
                      GError     **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (record_free);
  g_auto(GStrv) lines = NULL;
  g_autofree char *copy = NULL;

  if (memchr (text, '\0', length) != NULL)
    {
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_SYNTAX,
                   "%s: a JAX log is text, and this holds a NUL byte at offset %" G_GSIZE_FORMAT,
                   path, (gsize) ((const char *) memchr (text, '\0', length) - text));
      return NULL;
    }
  copy = g_utf8_make_valid (text, (gssize) length);
  lines = g_strsplit (copy, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *message;
      AgvizJaxLogRecord *record;

      g_strchomp (lines[i]);
      message = lines[i] + log_prefix_length (lines[i]);
      if (!is_cache_miss_header (message) && !is_compile_header (message))
        continue;

      record = g_new0 (AgvizJaxLogRecord, 1);
      record->line = i + 1;
      record->cost_ms = -1;
      g_ptr_array_add (records, record);
      if (is_compile_header (message))
        {
          record->text = g_strdup (message);
          if (!parse_compile (record, message, path, error))
            return NULL;
          continue;
        }

      record->kind = AGVIZ_JAX_LOG_CACHE_MISS;
      {
        g_autoptr(GPtrArray) body = g_ptr_array_new ();
        g_autoptr(GString) whole = g_string_new (message);

        parse_callsite (record, message);
        while (lines[i + 1] != NULL && lines[i + 1][0] != '\0' &&
               log_prefix_length (lines[i + 1]) == 0 &&
               continues_explanation (lines[i + 1]))
          {
            i++;
            g_strchomp (lines[i]);
            g_ptr_array_add (body, lines[i]);
            g_string_append_printf (whole, "\n%s", lines[i]);
          }
        record->text = g_string_free (g_steal_pointer (&whole), FALSE);
        parse_explanation (record, body);
      }
      if (record->function == NULL || *record->function == '\0')
        return fail (error, path, record->line, "a tracing cache miss whose explanation names "
                     "no function (no \"for F\" or \"never seen function\" line)"), NULL;
    }
  return g_steal_pointer (&records);
}
