/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-tfrecord-reader.c: reading TFRecord streams (FORMATS.md section 5.1)
 *
 * Per record: uint64 length, masked CRC32C of those 8 bytes, payload, masked CRC32C of the
 * payload, all little-endian.
 */
#define G_LOG_DOMAIN "agviz-tfrecord"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "agviz-crc32c.h"
#include "agviz-import-error.h"
#include "agviz-tfrecord-reader.h"

#define HEADER_SIZE 12
#define FOOTER_SIZE 4

struct _AgvizTfrecordReader
{
  char       *name;
  FILE       *file;          /* either a file ... */
  GBytes     *bytes;         /* ... or memory */
  goffset     size;
  goffset     position;
  goffset     record_offset;
  goffset     truncated_at;
  guint64     n_records;
  gboolean    force;
  gboolean    finished;
  GByteArray *buffer;
  GPtrArray  *warnings;
};

AgvizTfrecordReader *
agviz_tfrecord_reader_new_for_path (const char  *path,
                                    GError     **error)
{
  AgvizTfrecordReader *self;
  GStatBuf st;
  FILE *file;

  g_return_val_if_fail (path != NULL, NULL);

  file = g_fopen (path, "rb");
  if (file == NULL || g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      if (file != NULL)
        fclose (file);
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_IO, "%s: %s", path,
                   g_strerror (saved_errno));
      return NULL;
    }
  /* Large reads: the records are read whole anyway. */
  setvbuf (file, NULL, _IOFBF, 1 << 20);

  self = g_new0 (AgvizTfrecordReader, 1);
  self->name = g_strdup (path);
  self->file = file;
  self->size = st.st_size;
  self->truncated_at = -1;
  self->buffer = g_byte_array_new ();
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  return self;
}

AgvizTfrecordReader *
agviz_tfrecord_reader_new_for_bytes (GBytes     *data,
                                     const char *name)
{
  AgvizTfrecordReader *self;

  g_return_val_if_fail (data != NULL, NULL);

  self = g_new0 (AgvizTfrecordReader, 1);
  self->name = g_strdup (name != NULL ? name : "(memory)");
  self->bytes = g_bytes_ref (data);
  self->size = g_bytes_get_size (data);
  self->truncated_at = -1;
  self->buffer = g_byte_array_new ();
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
agviz_tfrecord_reader_free (AgvizTfrecordReader *self)
{
  if (self == NULL)
    return;
  if (self->file != NULL)
    fclose (self->file);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_byte_array_unref (self->buffer);
  g_ptr_array_unref (self->warnings);
  g_free (self->name);
  g_free (self);
}

void
agviz_tfrecord_reader_set_force (AgvizTfrecordReader *self,
                                 gboolean             force)
{
  g_return_if_fail (self != NULL);
  self->force = force;
}

/* Reads up to @length bytes at the current position; returns how many were there. */
static gsize
read_bytes (AgvizTfrecordReader *self,
            guint8              *out,
            gsize                length)
{
  gsize got;

  if (self->bytes != NULL)
    {
      gsize available = self->size - self->position;

      got = MIN (length, available);
      memcpy (out, (const guint8 *) g_bytes_get_data (self->bytes, NULL) + self->position, got);
    }
  else
    got = fread (out, 1, length, self->file);
  self->position += got;
  return got;
}

static gboolean
truncated (AgvizTfrecordReader *self,
           const char          *what)
{
  self->truncated_at = self->record_offset;
  self->finished = TRUE;
  g_ptr_array_add (self->warnings,
                   g_strdup_printf ("%s: record %" G_GUINT64_FORMAT " at byte offset %"
                                    G_GOFFSET_FORMAT " is cut short (%s); the %"
                                    G_GUINT64_FORMAT " record%s before it were read",
                                    self->name, self->n_records + 1, self->record_offset,
                                    what, self->n_records, self->n_records == 1 ? "" : "s"));
  return FALSE;
}

gboolean
agviz_tfrecord_reader_next (AgvizTfrecordReader  *self,
                            const guint8        **data,
                            gsize                *length,
                            GError              **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL && length != NULL, FALSE);

  while (!self->finished)
    {
      guint8 header[HEADER_SIZE];
      guint8 footer[FOOTER_SIZE];
      guint64 payload_length;
      guint32 stored, computed;
      gsize got;

      self->record_offset = self->position;
      got = read_bytes (self, header, HEADER_SIZE);
      if (got == 0)
        {
          if (self->file != NULL && ferror (self->file))
            {
              g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_IO,
                           "%s: read error at byte offset %" G_GOFFSET_FORMAT ": %s",
                           self->name, self->position, g_strerror (errno));
              return FALSE;
            }
          self->finished = TRUE;
          return FALSE;
        }
      if (got < HEADER_SIZE)
        return truncated (self, "its length header is incomplete");

      memcpy (&payload_length, header, 8);
      payload_length = GUINT64_FROM_LE (payload_length);
      memcpy (&stored, header + 8, 4);
      stored = GUINT32_FROM_LE (stored);
      computed = agviz_crc32c_mask (agviz_crc32c (header, 8));
      if (stored != computed)
        {
          /* With a bad length nothing after it can be found: even --force stops here. */
          if (self->force)
            {
              self->finished = TRUE;
              g_ptr_array_add (self->warnings,
                               g_strdup_printf ("%s: record %" G_GUINT64_FORMAT " at byte "
                                                "offset %" G_GOFFSET_FORMAT ": length CRC "
                                                "mismatch (stored 0x%08x, computed 0x%08x); "
                                                "reading stopped there", self->name,
                                                self->n_records + 1, self->record_offset,
                                                stored, computed));
              return FALSE;
            }
          g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_CORRUPT,
                       "%s: record %" G_GUINT64_FORMAT " at byte offset %" G_GOFFSET_FORMAT
                       ": length CRC mismatch (stored 0x%08x, computed 0x%08x): not a TFRecord "
                       "stream, or damaged there", self->name, self->n_records + 1,
                       self->record_offset, stored, computed);
          return FALSE;
        }

      /* A length beyond the end of the file is a record the writer never finished; checking it
       * here also keeps a hostile length from allocating anything. */
      if (payload_length > (guint64) (self->size - self->position) ||
          (guint64) (self->size - self->position) - payload_length < FOOTER_SIZE)
        return truncated (self, "the file ends inside it");

      if (payload_length > G_MAXINT32)
        {
          g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_LIMIT,
                       "%s: record %" G_GUINT64_FORMAT " at byte offset %" G_GOFFSET_FORMAT
                       " claims %" G_GUINT64_FORMAT " bytes; records over 2 GiB are refused",
                       self->name, self->n_records + 1, self->record_offset, payload_length);
          return FALSE;
        }
      g_byte_array_set_size (self->buffer, (guint) payload_length);
      if (read_bytes (self, self->buffer->data, payload_length) < payload_length ||
          read_bytes (self, footer, FOOTER_SIZE) < FOOTER_SIZE)
        return truncated (self, "the file ends inside it");

      memcpy (&stored, footer, 4);
      stored = GUINT32_FROM_LE (stored);
      computed = agviz_crc32c_mask (agviz_crc32c (self->buffer->data, payload_length));
      if (stored != computed)
        {
          if (self->force)
            {
              g_ptr_array_add (self->warnings,
                               g_strdup_printf ("%s: record %" G_GUINT64_FORMAT " at byte "
                                                "offset %" G_GOFFSET_FORMAT ": data CRC "
                                                "mismatch (stored 0x%08x, computed 0x%08x); "
                                                "record skipped", self->name,
                                                self->n_records + 1, self->record_offset,
                                                stored, computed));
              self->n_records++;
              continue;
            }
          g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_CORRUPT,
                       "%s: record %" G_GUINT64_FORMAT " at byte offset %" G_GOFFSET_FORMAT
                       ": data CRC mismatch (stored 0x%08x, computed 0x%08x); --force skips "
                       "damaged records", self->name, self->n_records + 1, self->record_offset,
                       stored, computed);
          return FALSE;
        }

      self->n_records++;
      *data = self->buffer->data;
      *length = payload_length;
      return TRUE;
    }
  return FALSE;
}

goffset
agviz_tfrecord_reader_get_record_offset (AgvizTfrecordReader *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->record_offset;
}

goffset
agviz_tfrecord_reader_get_position (AgvizTfrecordReader *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->position;
}

goffset
agviz_tfrecord_reader_get_size (AgvizTfrecordReader *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->size;
}

guint64
agviz_tfrecord_reader_get_n_records (AgvizTfrecordReader *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_records;
}

GPtrArray *
agviz_tfrecord_reader_get_warnings (AgvizTfrecordReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->warnings;
}

goffset
agviz_tfrecord_reader_get_truncated_at (AgvizTfrecordReader *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->truncated_at;
}

void
agviz_tfrecord_append (GByteArray   *out,
                       const guint8 *data,
                       gsize         length)
{
  guint8 header[HEADER_SIZE];
  guint64 le_length = GUINT64_TO_LE ((guint64) length);
  guint32 crc;

  g_return_if_fail (out != NULL);
  g_return_if_fail (data != NULL || length == 0);

  memcpy (header, &le_length, 8);
  crc = GUINT32_TO_LE (agviz_crc32c_mask (agviz_crc32c (header, 8)));
  memcpy (header + 8, &crc, 4);
  g_byte_array_append (out, header, HEADER_SIZE);
  if (length > 0)
    g_byte_array_append (out, data, length);
  crc = GUINT32_TO_LE (agviz_crc32c_mask (agviz_crc32c (data, length)));
  g_byte_array_append (out, (const guint8 *) &crc, 4);
}
