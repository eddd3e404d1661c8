/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-text-format.h: protobuf text format, read and written through protobuf-c descriptors
 *
 * One generic parser for every message type: it turns text into the binary wire format, which
 * agviz_proto_decode() then unpacks, so text and binary files go through the same checks.
 * Nested messages ({ } or < >), repeated fields (repeated lines or [a, b] lists), map fields,
 * C-style string escapes, adjacent string concatenation, enum names, inf/nan, and # comments
 * are understood.  Fields the descriptor does not declare are skipped (agviz's .proto files
 * declare only what it reads), Any expansions ([type.googleapis.com/...] { }) too.  Syntax
 * errors say FILE:LINE:COLUMN.
 */
#pragma once

#include <glib.h>
#include <protobuf-c/protobuf-c.h>

G_BEGIN_DECLS

/* The binary encoding of the message that @text describes (transfer full). */
GByteArray       *agviz_text_format_parse   (const ProtobufCMessageDescriptor  *descriptor,
                                             const char                        *text,
                                             gsize                              length,
                                             const char                        *filename,
                                             GError                           **error);

/* Parses and unpacks; free with agviz_proto_free(). */
ProtobufCMessage *agviz_text_format_decode  (const ProtobufCMessageDescriptor  *descriptor,
                                             const char                        *text,
                                             gsize                              length,
                                             const char                        *filename,
                                             GError                           **error);

/* Appends @value as text format writes numbers: nan, inf and -inf by name, others with
 * @significant_digits digits (1 to 17; 17 keep every bit of a double). */
void              agviz_text_format_append_number (GString                    *out,
                                                   double                      value,
                                                   guint                       significant_digits);

/* The field names at the top level of text-format @data (the first 64), to tell which message
 * a file holds (element-type utf8, transfer full).  Quoted strings, comments and nested
 * messages are passed over, and words not followed by ':', '{' or '<' (enum names, true) are
 * values, not names. */
GPtrArray        *agviz_text_format_top_level_names (const char                 *data,
                                                     gsize                       length);

/* Appends @message in text format (TensorFlow's layout: two-space indent, fields in number
 * order, default values of proto3 fields left out). */
void              agviz_text_format_print   (const ProtobufCMessage            *message,
                                             GString                           *out);

G_END_DECLS
