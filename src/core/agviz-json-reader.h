/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-json-reader.h: JSON text (RFC 8259) into GVariant
 *
 * For the JSON that frameworks and agviz's own recording hook write (JSON lines of trace
 * records; TORCH_TRACE logs are the same kind).  Objects become a{sv}, arrays av, strings s,
 * integers that fit x, other numbers d, true/false b, and null the empty maybe mv.  Any input
 * gives a value or an error with the byte offset; nesting deeper than 256 levels is refused.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AGVIZ_JSON_ERROR (agviz_json_error_quark ())

typedef enum
{
  AGVIZ_JSON_ERROR_SYNTAX,
  AGVIZ_JSON_ERROR_TOO_DEEP,
} AgvizJsonError;

GQuark      agviz_json_error_quark     (void);

/* Parses @length bytes of @text (-1: NUL-terminated) as one JSON value; errors say the byte
 * offset where the text went wrong.  Returns a floating-free (full) reference. */
GVariant   *agviz_json_parse           (const char  *text,
                                        gssize       length,
                                        GError     **error);

/* Member @key of object @object as the type asked for, or the default when it is absent, null or
 * of another type. */
const char *agviz_json_get_string      (GVariant    *object,
                                        const char  *key);
gint64      agviz_json_get_int         (GVariant    *object,
                                        const char  *key,
                                        gint64       default_value);
gboolean    agviz_json_get_boolean     (GVariant    *object,
                                        const char  *key,
                                        gboolean     default_value);

G_END_DECLS
