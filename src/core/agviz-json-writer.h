/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-json-writer.h: streaming JSON output for --json modes
 *
 * Emits pretty-printed JSON (two-space indent) into a GString; strings that are not valid UTF-8
 * are repaired with U+FFFD, so the output always parses, whatever a trace file holds.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AgvizJsonWriter AgvizJsonWriter;

AgvizJsonWriter *agviz_json_writer_new           (void);
void             agviz_json_writer_free          (AgvizJsonWriter *self);
/* The finished text, with a final newline (transfer full; the writer is freed). */
char            *agviz_json_writer_finish        (AgvizJsonWriter *self);

void             agviz_json_writer_begin_object  (AgvizJsonWriter *self);
void             agviz_json_writer_end_object    (AgvizJsonWriter *self);
void             agviz_json_writer_begin_array   (AgvizJsonWriter *self);
void             agviz_json_writer_end_array     (AgvizJsonWriter *self);
/* Inside an object, every value is preceded by its key. */
void             agviz_json_writer_key           (AgvizJsonWriter *self,
                                                  const char      *key);
void             agviz_json_writer_string        (AgvizJsonWriter *self,
                                                  const char      *value);  /* NULL: null */
void             agviz_json_writer_int           (AgvizJsonWriter *self,
                                                  gint64           value);
void             agviz_json_writer_double        (AgvizJsonWriter *self,
                                                  double           value);  /* NaN/Inf: null */
void             agviz_json_writer_boolean       (AgvizJsonWriter *self,
                                                  gboolean         value);
void             agviz_json_writer_null          (AgvizJsonWriter *self);
/* A key and its value in one call. */
void             agviz_json_writer_member_string  (AgvizJsonWriter *self,
                                                   const char      *key,
                                                   const char      *value);  /* NULL: null */
void             agviz_json_writer_member_int     (AgvizJsonWriter *self,
                                                   const char      *key,
                                                   gint64           value);
void             agviz_json_writer_member_boolean (AgvizJsonWriter *self,
                                                   const char      *key,
                                                   gboolean         value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizJsonWriter, agviz_json_writer_free)

G_END_DECLS
