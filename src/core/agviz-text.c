/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Text as agviz shows it, the same in every front end: durations in one scale, and names and
 * values from trace files (whatever bytes they hold) made valid UTF-8 and cut to a width. */
#include "config.h"

#include "agviz-text.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/**
 * agviz_format_duration:
 * @nanoseconds: a duration
 * @style: ASCII units or the app's translated ones
 *
 * Returns: (transfer full): "840 ns", "400.0 us", "3.1 ms" or "2.50 s" (with "µs" and the user's
 * language in %AGVIZ_DURATION_DISPLAY)
 */
char *
agviz_format_duration (gint64             nanoseconds,
                       AgvizDurationStyle style)
{
  gboolean ascii = style == AGVIZ_DURATION_ASCII;

  if (nanoseconds < 1000)
    return g_strdup_printf (ascii ? "%.0f ns" : _("%.0f ns"), (double) nanoseconds);
  if (nanoseconds < 1000000)
    return g_strdup_printf (ascii ? "%.1f us" : _("%.1f µs"), nanoseconds / 1e3);
  if (nanoseconds < G_GINT64_CONSTANT (1000000000))
    return g_strdup_printf (ascii ? "%.1f ms" : _("%.1f ms"), nanoseconds / 1e6);
  return g_strdup_printf (ascii ? "%.2f s" : _("%.2f s"), nanoseconds / 1e9);
}

/**
 * agviz_text_valid_prefix:
 * @text: bytes that should be UTF-8
 * @length: their length, or -1 when NUL-terminated
 * @max_chars: how many characters to keep at most; 0 keeps all
 * @rest_bytes: (out) (optional): how many bytes of the valid text were left out (0 when none)
 *
 * Invalid sequences become U+FFFD, so the result is always safe for GTK, XML and GVariant.
 *
 * Returns: (transfer full): the first @max_chars characters of @text as valid UTF-8
 */
char *
agviz_text_valid_prefix (const char *text,
                         gssize      length,
                         gsize       max_chars,
                         gsize      *rest_bytes)
{
  char *valid = g_utf8_make_valid (text != NULL ? text : "", text != NULL ? length : 0);
  const char *end = valid;
  gsize n_chars = 0;

  if (max_chars == 0)
    end = valid + strlen (valid);
  else
    for (; *end != '\0' && n_chars < max_chars; n_chars++)
      end = g_utf8_next_char (end);
  if (rest_bytes != NULL)
    *rest_bytes = strlen (end);
  valid[end - valid] = '\0';
  return valid;
}
