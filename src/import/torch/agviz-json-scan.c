/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-json-scan.c: the members of a JSON object found in place (see agviz-json-scan.h) */
#include "config.h"

#include <string.h>

#include "agviz-json-reader.h"
#include "agviz-json-scan.h"

/* As agviz_json_parse() refuses deeper nesting. */
#define MAX_DEPTH 256

static const char *
skip_space (const char *p,
            const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  return p;
}

/* @p at a string's opening quote: just after its closing one, or NULL. */
static const char *
skip_string (const char *p,
             const char *end)
{
  p++;
  for (;;)
    {
      const char *quote = memchr (p, '"', end - p);
      const char *backslashes = quote;

      if (quote == NULL)
        return NULL;
      /* A quote after an odd number of backslashes is part of the string. */
      while (backslashes > p && backslashes[-1] == '\\')
        backslashes--;
      if (((quote - backslashes) & 1) == 0)
        return quote + 1;
      p = quote + 1;
    }
}

static const char *
skip_word (const char *p,
           const char *end,
           const char *word)
{
  gsize length = strlen (word);

  if ((gsize) (end - p) < length || memcmp (p, word, length) != 0)
    return NULL;
  return p + length;
}

static const char *
skip_number (const char *p,
             const char *end)
{
  const char *start = p;
  gboolean digits = FALSE;

  if (p < end && *p == '-')
    p++;
  for (; p < end && (g_ascii_isdigit (*p) || *p == '.' || *p == 'e' || *p == 'E' ||
                     *p == '+' || *p == '-'); p++)
    digits = digits || g_ascii_isdigit (*p);
  return digits && p > start ? p : NULL;
}

/* @p at a value (or white space before it): just after it, or NULL on bad syntax, with
 * @bad_at where it went wrong. */
static const char *
skip_value (const char  *p,
            const char  *end,
            const char **bad_at)
{
  const char *last = p;

  char closers[MAX_DEPTH];
  guint depth = 0;

value:
  p = last = skip_space (p, end);
  if (p >= end)
    goto bad;
  switch (*p)
    {
    case '"':
      p = skip_string (p, end);
      break;
    case '{':
    case '[':
      if (depth == MAX_DEPTH)
        goto bad;
      closers[depth++] = *p == '{' ? '}' : ']';
      p = skip_space (p + 1, end);
      if (p < end && *p == closers[depth - 1])
        {
          p++;
          depth--;
          break;
        }
      if (closers[depth - 1] == '}')
        goto key;
      goto value;
    case 't':
      p = skip_word (p, end, "true");
      break;
    case 'f':
      p = skip_word (p, end, "false");
      break;
    case 'n':
      p = skip_word (p, end, "null");
      break;
    default:
      p = skip_number (p, end);
      break;
    }
  if (p == NULL)
    goto bad;

  /* After a value: the next one of its container, or the container's end. */
  while (depth > 0)
    {
      p = last = skip_space (p, end);
      if (p >= end)
        goto bad;
      if (*p == ',')
        {
          p++;
          if (closers[depth - 1] == '}')
            goto key;
          goto value;
        }
      if (*p != closers[depth - 1])
        goto bad;
      p++;
      depth--;
    }
  return p;

key:
  p = last = skip_space (p, end);
  if (p >= end || *p != '"' || (p = skip_string (p, end)) == NULL)
    goto bad;
  p = last = skip_space (p, end);
  if (p >= end || *p != ':')
    goto bad;
  p++;
  goto value;

bad:
  *bad_at = last;
  return NULL;
}

static gboolean
scan_begin (AgvizJsonScan *scan,
            const char    *text,
            const char    *end,
            char           opener)
{
  const char *p = skip_space (text, end);

  scan->end = end;
  scan->closer = opener == '{' ? '}' : ']';
  scan->done = FALSE;
  scan->failed = p >= end || *p != opener;
  if (scan->failed)
    {
      scan->at = p;
      return FALSE;
    }
  p = skip_space (p + 1, end);
  if (p < end && *p == scan->closer)
    {
      scan->done = TRUE;
      p++;
    }
  scan->at = p;
  return TRUE;
}

gboolean
agviz_json_scan_begin (AgvizJsonScan *scan,
                       const char    *text,
                       const char    *end)
{
  return scan_begin (scan, text, end, '{');
}

gboolean
agviz_json_scan_begin_array (AgvizJsonScan *scan,
                             const char    *text,
                             const char    *end)
{
  return scan_begin (scan, text, end, '[');
}

/* After a member or element: the comma before the next, or the closing brace or bracket. */
static gboolean
scan_separator (AgvizJsonScan *scan,
                const char    *p)
{
  p = skip_space (p, scan->end);
  scan->at = p + 1;
  if (p < scan->end && *p == ',')
    return TRUE;
  if (p < scan->end && *p == scan->closer)
    {
      scan->done = TRUE;
      return TRUE;
    }
  scan->at = p;
  scan->failed = TRUE;
  return FALSE;
}

gboolean
agviz_json_scan_next_element (AgvizJsonScan *scan,
                              AgvizJsonSpan *value)
{
  const char *p;

  if (scan->done || scan->failed)
    return FALSE;
  value->start = skip_space (scan->at, scan->end);
  p = skip_value (value->start, scan->end, &scan->at);
  if (p == NULL)
    {
      scan->failed = TRUE;
      return FALSE;
    }
  value->end = p;
  return scan_separator (scan, p);
}

gboolean
agviz_json_scan_next (AgvizJsonScan *scan,
                      AgvizJsonSpan *key,
                      AgvizJsonSpan *value)
{
  const char *p, *end = scan->end;

  if (scan->done || scan->failed)
    return FALSE;
  p = skip_space (scan->at, end);
  if (p >= end || *p != '"')
    goto bad;
  key->start = p + 1;
  p = skip_string (p, end);
  if (p == NULL)
    goto bad;
  key->end = p - 1;
  p = skip_space (p, end);
  if (p >= end || *p != ':')
    goto bad;
  value->start = skip_space (p + 1, end);
  p = skip_value (value->start, end, &scan->at);
  if (p == NULL)
    {
      scan->failed = TRUE;
      return FALSE;
    }
  value->end = p;
  return scan_separator (scan, p);

bad:
  scan->at = p != NULL ? p : end;
  scan->failed = TRUE;
  return FALSE;
}

gboolean
agviz_json_scan_finish (AgvizJsonScan *scan)
{
  AgvizJsonSpan key, value;

  while (scan->closer == '}' ? agviz_json_scan_next (scan, &key, &value)
                             : agviz_json_scan_next_element (scan, &value))
    ;
  return !scan->failed && skip_space (scan->at, scan->end) == scan->end;
}

gboolean
agviz_json_scan_members (const AgvizJsonSpan *object,
                         const char *const   *keys,
                         AgvizJsonSpan       *values,
                         const char         **bad_at)
{
  AgvizJsonScan scan;
  AgvizJsonSpan key, value;

  for (guint i = 0; keys[i] != NULL; i++)
    values[i].start = values[i].end = NULL;
  if (agviz_json_scan_begin (&scan, object->start, object->end))
    while (agviz_json_scan_next (&scan, &key, &value))
      for (guint i = 0; keys[i] != NULL; i++)
        if (agviz_json_span_equals (&key, keys[i]))
          {
            values[i] = value;
            break;
          }
  if (agviz_json_scan_finish (&scan))
    return TRUE;
  if (bad_at != NULL)
    *bad_at = scan.at;
  return FALSE;
}

gboolean
agviz_json_span_equals (const AgvizJsonSpan *span,
                        const char          *text)
{
  gsize length = strlen (text);

  return (gsize) (span->end - span->start) == length && memcmp (span->start, text, length) == 0;
}

gboolean
agviz_json_span_is_string (const AgvizJsonSpan *span,
                           const char          *text)
{
  gsize length = strlen (text);

  return (gsize) (span->end - span->start) == length + 2 && span->start[0] == '"' &&
         memcmp (span->start + 1, text, length) == 0;
}

/* The number's text, NUL-terminated, in @buffer; FALSE when the value is no number. */
static gboolean
copy_number (const AgvizJsonSpan *span,
             char                 buffer[64])
{
  gsize length = span->end - span->start;

  if (length == 0 || length >= 64 || (span->start[0] != '-' && !g_ascii_isdigit (span->start[0])))
    return FALSE;
  memcpy (buffer, span->start, length);
  buffer[length] = '\0';
  return TRUE;
}

double
agviz_json_span_get_double (const AgvizJsonSpan *span,
                            double               default_value)
{
  char buffer[64];

  return copy_number (span, buffer) ? g_ascii_strtod (buffer, NULL) : default_value;
}

gint64
agviz_json_span_get_int (const AgvizJsonSpan *span,
                         gint64               default_value)
{
  char buffer[64];
  char *rest;
  gint64 value;

  if (!copy_number (span, buffer))
    return default_value;
  value = g_ascii_strtoll (buffer, &rest, 10);
  /* 3.0 or 1e3 is no integer to agviz_json_parse() either. */
  return *rest == '\0' ? value : default_value;
}

char *
agviz_json_span_dup_string (const AgvizJsonSpan *span)
{
  g_autoptr(GVariant) value = NULL;

  if (span->end - span->start < 2 || span->start[0] != '"')
    return NULL;
  if (memchr (span->start + 1, '\\', span->end - span->start - 2) == NULL)
    return g_strndup (span->start + 1, span->end - span->start - 2);
  value = agviz_json_parse (span->start, span->end - span->start, NULL);
  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return NULL;
  return g_variant_dup_string (value, NULL);
}
