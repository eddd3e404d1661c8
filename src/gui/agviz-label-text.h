/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-label-text.h: what a label may show of a name or value from a trace file */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Names and values for labels and rows, at most this many characters of them. */
#define AGVIZ_LABEL_TEXT_MAX_CHARS 2000

char *agviz_label_text (const char *text,
                        gsize       max_chars);

/* gtk_label_new() and gtk_label_set_text() for text from a trace file. */
GtkWidget *agviz_label_new_for_text (const char *text);
void       agviz_label_set_from_text (GtkLabel   *label,
                                      const char *text);

G_END_DECLS
