/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-json-scan.h: the members of a JSON object found in place, without building values
 *
 * A TORCH_TRACE record is a JSON object of which the importer reads a few members, while
 * compilation_metrics carries kilobytes of configuration it never reads and chromium events
 * come by the thousand: the scanner walks an object's members and steps over every value,
 * checking its syntax on the way (brackets, strings, commas, colons and literals, so a damaged
 * record is still noticed) but allocating nothing.  A value that is used is read from its text:
 * numbers and plain strings here, anything else with agviz_json_parse().
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Text in the scanned buffer: [start, end). */
typedef struct
{
  const char *start;
  const char *end;
} AgvizJsonSpan;

typedef struct
{
  const char *at;
  const char *end;
  char        closer;           /* '}' or ']' */
  gboolean    done;             /* the closing brace or bracket was read */
  gboolean    failed;           /* bad syntax at @at */
} AgvizJsonScan;

/* Starts on the object at the start of [@text, @end) (white space before it allowed); FALSE
 * when the text starts with anything else (@scan->failed is then set). */
gboolean  agviz_json_scan_begin        (AgvizJsonScan       *scan,
                                        const char          *text,
                                        const char          *end);

/* The next member: its key (inside the quotes, escapes as written) and its value's whole text.
 * FALSE after the last one, or on bad syntax (@scan->failed). */
gboolean  agviz_json_scan_next         (AgvizJsonScan       *scan,
                                        AgvizJsonSpan       *key,
                                        AgvizJsonSpan       *value);

/* The same for an array: its elements one by one. */
gboolean  agviz_json_scan_begin_array  (AgvizJsonScan       *scan,
                                        const char          *text,
                                        const char          *end);
gboolean  agviz_json_scan_next_element (AgvizJsonScan       *scan,
                                        AgvizJsonSpan       *value);

/* Walks the remaining members; TRUE when the object is well formed and only white space follows
 * it up to the end of the text. */
gboolean  agviz_json_scan_finish       (AgvizJsonScan       *scan);

/* The members named @keys (NULL-terminated) of the object that is the text of @object, each into
 * the span of @values at the key's index (empty, start NULL, when absent); TRUE when the object
 * is well formed with only white space after it, else FALSE with @bad_at (unless NULL) where
 * its syntax broke. */
gboolean  agviz_json_scan_members      (const AgvizJsonSpan *object,
                                        const char *const   *keys,
                                        AgvizJsonSpan       *values,
                                        const char         **bad_at);

/* Whether a key (as agviz_json_scan_next() gives it) is @text. */
gboolean  agviz_json_span_equals       (const AgvizJsonSpan *span,
                                        const char          *text);

/* A number value, or @default_value when the value is no number (null, a string, ...). */
double    agviz_json_span_get_double   (const AgvizJsonSpan *span,
                                        double               default_value);
gint64    agviz_json_span_get_int      (const AgvizJsonSpan *span,
                                        gint64               default_value);

/* A string value, unescaped (transfer full); NULL when the value is no string. */
char     *agviz_json_span_dup_string   (const AgvizJsonSpan *span);

/* Whether a string value is exactly @text (no escapes in it). */
gboolean  agviz_json_span_is_string    (const AgvizJsonSpan *span,
                                        const char          *text);

G_END_DECLS
