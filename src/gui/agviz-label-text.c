/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-label-text.c: what a label may show of a name or value from a trace file
 *
 * Trace files come from anywhere: a name may hold invalid UTF-8 (GTK refuses it with a warning
 * and Pango draws nothing sensible), control characters, or a megabyte of text (Pango lays out
 * every byte of a label, so one 100 MB attribute would freeze the window for minutes).  Every
 * name or value from a trace file goes through agviz_label_text() on its way to a widget.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "agviz-label-text.h"
#include "agviz-text.h"

/**
 * agviz_label_text:
 * @text: (nullable): bytes from a trace file
 * @max_chars: how many characters to keep at most
 *
 * Returns: (transfer full): @text as valid UTF-8, control characters other than newline and tab
 * shown as U+FFFD, cut after @max_chars characters with a note of how much was left out
 */
char *
agviz_label_text (const char *text,
                  gsize       max_chars)
{
  gsize rest_bytes;
  g_autofree char *valid = agviz_text_valid_prefix (text, -1, max_chars, &rest_bytes);
  GString *shown = g_string_sized_new (strlen (valid) + 32);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != '\n' && c != '\t' && g_unichar_iscntrl (c))
        g_string_append_unichar (shown, 0xFFFD);
      else
        g_string_append_len (shown, p, g_utf8_next_char (p) - p);
    }
  if (rest_bytes > 0)
    {
      g_autofree char *rest = g_format_size (rest_bytes);
      /* Translators: after the start of a very long name or value; %s is a size, "3.2 MB" */
      g_string_append_printf (shown, _("… (%s more)"), rest);
    }
  return g_string_free (shown, FALSE);
}

GtkWidget *
agviz_label_new_for_text (const char *text)
{
  g_autofree char *shown = agviz_label_text (text, AGVIZ_LABEL_TEXT_MAX_CHARS);

  return gtk_label_new (shown);
}

void
agviz_label_set_from_text (GtkLabel   *label,
                           const char *text)
{
  g_autofree char *shown = agviz_label_text (text, AGVIZ_LABEL_TEXT_MAX_CHARS);

  gtk_label_set_text (label, shown);
}
