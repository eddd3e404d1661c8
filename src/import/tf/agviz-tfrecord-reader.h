/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-tfrecord-reader.h: TFRecord framing (event files, tfdbg2 dumps), one record at a time
 *
 * Memory stays at the size of the largest record, whatever the number of records.  Every CRC is
 * checked.  A final record cut short (a writer still running, or killed) ends the stream with a
 * warning naming its byte offset instead of an error; a CRC mismatch is an error naming the
 * record's offset, unless `force` is set, which skips a bad record with a warning.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AgvizTfrecordReader AgvizTfrecordReader;

/* Errors in AGVIZ_IMPORT_ERROR (IO when the file cannot be opened). */
AgvizTfrecordReader *agviz_tfrecord_reader_new_for_path  (const char          *path,
                                                          GError             **error);
/* Reads from memory (tests, fuzzing); @data is referenced. */
AgvizTfrecordReader *agviz_tfrecord_reader_new_for_bytes (GBytes              *data,
                                                          const char          *name);
void                 agviz_tfrecord_reader_free          (AgvizTfrecordReader *self);

void                 agviz_tfrecord_reader_set_force     (AgvizTfrecordReader *self,
                                                          gboolean             force);

/* The next record's payload in @data/@length (valid until the next call).  Returns FALSE at the
 * end of the stream (with @error unset) or on an error. */
gboolean             agviz_tfrecord_reader_next          (AgvizTfrecordReader *self,
                                                          const guint8       **data,
                                                          gsize               *length,
                                                          GError             **error);

/* Byte offset of the record last returned; bytes consumed so far; total size (-1 unknown). */
goffset              agviz_tfrecord_reader_get_record_offset (AgvizTfrecordReader *self);
goffset              agviz_tfrecord_reader_get_position  (AgvizTfrecordReader *self);
goffset              agviz_tfrecord_reader_get_size      (AgvizTfrecordReader *self);
guint64              agviz_tfrecord_reader_get_n_records (AgvizTfrecordReader *self);

/* What was tolerated (truncation, records skipped with --force), oldest first; element-type
 * utf8, transfer none. */
GPtrArray           *agviz_tfrecord_reader_get_warnings  (AgvizTfrecordReader *self);
/* Offset where the stream was cut short, or -1 when it ended cleanly. */
goffset              agviz_tfrecord_reader_get_truncated_at (AgvizTfrecordReader *self);

/* Appends one framed record to @out (for fixture writers and tests). */
void                 agviz_tfrecord_append               (GByteArray          *out,
                                                          const guint8        *data,
                                                          gsize                length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizTfrecordReader, agviz_tfrecord_reader_free)

G_END_DECLS
