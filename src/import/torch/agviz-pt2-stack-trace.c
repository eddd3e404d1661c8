/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-pt2-stack-trace.c: Python tracebacks kept on PyTorch graph nodes, as recorder stacks */
#define G_LOG_DOMAIN "agviz-import"

#include "config.h"

#include "agviz-pt2-stack-trace.h"

#include <string.h>

GHashTable *
_agviz_pt2_stack_cache_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* One `File "PATH", line N, in FUNCTION` line: FALSE for any other line. */
static gboolean
parse_frame_line (const char *line,
                  gsize       length,
                  char      **path,
                  int        *line_number,
                  char      **function)
{
  const char *end = line + length, *p = line, *quote = NULL, *path_start;
  guint64 number = 0;

  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  if ((gsize) (end - p) < 6 || strncmp (p, "File \"", 6) != 0)
    return FALSE;
  p += 6;
  path_start = p;
  /* A path may hold quotes: the one that ends it is the last followed by `", line `. */
  for (const char *q = p; q + 8 <= end; q++)
    if (strncmp (q, "\", line ", 8) == 0)
      quote = q;
  if (quote == NULL || !g_ascii_isdigit (quote[8]))
    return FALSE;
  for (p = quote + 8; p < end && g_ascii_isdigit (*p); p++)
    number = MIN (number * 10 + (guint64) (*p - '0'), (guint64) G_MAXINT);
  *line_number = (int) number;
  *path = g_utf8_make_valid (path_start, quote - path_start);
  *function = NULL;
  if ((gsize) (end - p) > 5 && strncmp (p, ", in ", 5) == 0)
    *function = g_utf8_make_valid (p + 5, end - p - 5);
  return TRUE;
}

gint64
_agviz_pt2_stack_from_trace (AgvizRecorder  *recorder,
                             GHashTable     *cache,
                             const char     *text,
                             GError        **error)
{
  g_autoptr(GArray) frames = NULL;
  gint64 *cached, stack_id = 0;
  const char *line = text;

  if (text == NULL || *text == '\0')
    return 0;
  if ((cached = g_hash_table_lookup (cache, text)) != NULL)
    return *cached;

  frames = g_array_new (FALSE, FALSE, sizeof (gint64));
  while (*line != '\0')
    {
      const char *newline = strchr (line, '\n');
      gsize length = newline != NULL ? (gsize) (newline - line) : strlen (line);
      g_autofree char *path = NULL, *function = NULL;
      int line_number;

      if (parse_frame_line (line, length, &path, &line_number, &function))
        {
          gint64 file_id, frame_id;

          file_id = agviz_recorder_add_file (recorder, NULL, path, error);
          if (file_id == 0)
            return -1;
          frame_id = agviz_recorder_add_frame (recorder, file_id, line_number, 0, function,
                                               error);
          if (frame_id == 0)
            return -1;
          g_array_append_val (frames, frame_id);
        }
      line += length;
      if (*line == '\n')
        line++;
    }
  if (frames->len > 0)
    {
      stack_id = agviz_recorder_add_stack (recorder, (const gint64 *) frames->data, frames->len,
                                           error);
      if (stack_id == 0)
        return -1;
    }
  g_hash_table_insert (cache, g_strdup (text), g_memdup2 (&stack_id, sizeof stack_id));
  return stack_id;
}
