/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How a duration is written: terminals, logs and scripts get plain ASCII units; the app gets the
 * micro sign and the user's language. */
typedef enum
{
  AGVIZ_DURATION_ASCII,
  AGVIZ_DURATION_DISPLAY,
} AgvizDurationStyle;

char *agviz_format_duration   (gint64              nanoseconds,
                               AgvizDurationStyle  style);

char *agviz_text_valid_prefix (const char         *text,
                               gssize              length,
                               gsize               max_chars,
                               gsize              *rest_bytes);

G_END_DECLS
