/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-zip-reader.c: zip archives from their central directory (APPNOTE 6.3, Zip64 included) */
#define G_LOG_DOMAIN "agviz-import"

#include "config.h"

#include "agviz-zip-reader.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "agviz-import-error.h"

#define EOCD_SIGNATURE          0x06054b50u
#define ZIP64_LOCATOR_SIGNATURE 0x07064b50u
#define ZIP64_EOCD_SIGNATURE    0x06064b50u
#define CENTRAL_SIGNATURE       0x02014b50u
#define LOCAL_SIGNATURE         0x04034b50u
#define EOCD_SIZE               22
#define ZIP64_LOCATOR_SIZE      20
#define ZIP64_EOCD_SIZE         56
#define CENTRAL_HEADER_SIZE     46
#define LOCAL_HEADER_SIZE       30
#define MAX_COMMENT             0xffff

/* A directory larger than this, or with more entries, is refused rather than trusted: real
 * archives of saved programs hold a few thousand entries. */
#define MAX_CENTRAL_DIRECTORY   (((guint64) 256) << 20)
#define MAX_ENTRIES             1000000

#define METHOD_STORED   0
#define METHOD_DEFLATED 8

typedef struct
{
  char    *name;
  guint64  compressed_size;
  guint64  size;
  guint64  local_offset;
  guint32  crc;
  guint16  method;
  guint16  flags;
} ZipEntry;

struct _AgvizZipReader
{
  char         *what;
  int           fd;          /* -1 for an archive in memory */
  const guint8 *data;
  guint64       length;
  GArray       *entries;     /* ZipEntry */
  GHashTable   *by_name;     /* name -> index + 1 */
};

static guint16
get16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static guint32
get32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static guint64
get64 (const guint8 *p)
{
  return (guint64) get32 (p) | ((guint64) get32 (p + 4) << 32);
}

static gboolean
fail (AgvizZipReader *self,
      GError        **error,
      int             code,
      guint64         offset,
      const char     *format,
      ...) G_GNUC_PRINTF (5, 6);

static gboolean
fail (AgvizZipReader *self,
      GError        **error,
      int             code,
      guint64         offset,
      const char     *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, AGVIZ_IMPORT_ERROR, code, "%s: byte %" G_GUINT64_FORMAT ": %s",
               self->what, offset, message);
  return FALSE;
}

/* Reads exactly @size bytes at @offset; FALSE when the archive is shorter. */
static gboolean
read_at (AgvizZipReader *self,
         guint64         offset,
         guint8         *buffer,
         gsize           size,
         GError        **error)
{
  if (offset > self->length || size > self->length - offset)
    return fail (self, error, AGVIZ_IMPORT_ERROR_TRUNCATED, offset,
                 "the archive ends before the %" G_GSIZE_FORMAT " bytes it says are here", size);
  if (self->fd < 0)
    {
      memcpy (buffer, self->data + offset, size);
      return TRUE;
    }
  while (size > 0)
    {
      gssize n = pread (self->fd, buffer, size, (off_t) offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return fail (self, error, AGVIZ_IMPORT_ERROR_IO, offset, "%s",
                     n < 0 ? g_strerror (errno) : "the file got shorter while read");
      buffer += n;
      size -= (gsize) n;
      offset += (guint64) n;
    }
  return TRUE;
}

static guint32 crc_table[256];

static gpointer
make_crc_table (gpointer data G_GNUC_UNUSED)
{
  for (guint32 n = 0; n < 256; n++)
    {
      guint32 c = n;

      for (int k = 0; k < 8; k++)
        c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      crc_table[n] = c;
    }
  return NULL;
}

/* CRC-32 of zip (ISO 3309), not TFRecord's CRC-32C. */
static guint32
crc32_of (const guint8 *data,
          gsize         length)
{
  static GOnce once = G_ONCE_INIT;
  guint32 c = 0xffffffffu;

  g_once (&once, make_crc_table, NULL);
  for (gsize i = 0; i < length; i++)
    c = crc_table[(c ^ data[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

/* Where the central directory is and how many entries it has. */
static gboolean
find_central_directory (AgvizZipReader *self,
                        guint64        *cd_offset,
                        guint64        *cd_size,
                        guint64        *n_entries,
                        GError        **error)
{
  gsize tail_size = (gsize) MIN (self->length, (guint64) (EOCD_SIZE + MAX_COMMENT));
  guint64 tail_start = self->length - tail_size;
  g_autofree guint8 *tail = g_malloc (MAX (tail_size, 1));
  gssize eocd = -1;

  if (self->length < EOCD_SIZE)
    return fail (self, error, AGVIZ_IMPORT_ERROR_PARSE, 0,
                 "not a zip archive (%" G_GUINT64_FORMAT " bytes is too short)", self->length);
  if (!read_at (self, tail_start, tail, tail_size, error))
    return FALSE;
  /* The record is followed by its comment only: the last signature whose comment length
   * reaches the end exactly. */
  for (gssize i = (gssize) tail_size - EOCD_SIZE; i >= 0; i--)
    if (get32 (tail + i) == EOCD_SIGNATURE &&
        (gsize) i + EOCD_SIZE + get16 (tail + i + 20) == tail_size)
      {
        eocd = i;
        break;
      }
  if (eocd < 0)
    return fail (self, error, AGVIZ_IMPORT_ERROR_PARSE, self->length,
                 "not a zip archive: no end of central directory record");

  *n_entries = get16 (tail + eocd + 10);
  *cd_size = get32 (tail + eocd + 12);
  *cd_offset = get32 (tail + eocd + 16);

  if (eocd >= ZIP64_LOCATOR_SIZE &&
      get32 (tail + eocd - ZIP64_LOCATOR_SIZE) == ZIP64_LOCATOR_SIGNATURE)
    {
      guint64 zip64_offset = get64 (tail + eocd - ZIP64_LOCATOR_SIZE + 8);
      guint8 record[ZIP64_EOCD_SIZE];

      if (!read_at (self, zip64_offset, record, sizeof record, error))
        return FALSE;
      if (get32 (record) != ZIP64_EOCD_SIGNATURE)
        return fail (self, error, AGVIZ_IMPORT_ERROR_PARSE, zip64_offset,
                     "no Zip64 end of central directory record where its locator points");
      *n_entries = get64 (record + 32);
      *cd_size = get64 (record + 40);
      *cd_offset = get64 (record + 48);
    }

  if (get16 (tail + eocd + 4) != 0 || get16 (tail + eocd + 6) != 0)
    return fail (self, error, AGVIZ_IMPORT_ERROR_PARSE, tail_start + eocd,
                 "archives split over several disks are not read");
  if (*n_entries > MAX_ENTRIES || *cd_size > MAX_CENTRAL_DIRECTORY)
    return fail (self, error, AGVIZ_IMPORT_ERROR_LIMIT, tail_start + eocd,
                 "a central directory of %" G_GUINT64_FORMAT " entries and %" G_GUINT64_FORMAT
                 " bytes is more than agviz reads", *n_entries, *cd_size);
  if (*cd_offset > self->length || *cd_size > self->length - *cd_offset)
    return fail (self, error, AGVIZ_IMPORT_ERROR_TRUNCATED, tail_start + eocd,
                 "the central directory lies past the end of the archive");
  return TRUE;
}

/* Fills in the sizes and offset that a Zip64 extra field holds for @entry. */
static gboolean
read_zip64_extra (AgvizZipReader *self,
                  ZipEntry       *entry,
                  const guint8   *extra,
                  gsize           extra_length,
                  guint64         offset,
                  GError        **error)
{
  gboolean need_size = entry->size == 0xffffffffu;
  gboolean need_compressed = entry->compressed_size == 0xffffffffu;
  gboolean need_offset = entry->local_offset == 0xffffffffu;

  while (extra_length >= 4)
    {
      guint16 id = get16 (extra), size = get16 (extra + 2);
      const guint8 *p = extra + 4;
      gsize needed;

      if ((gsize) size > extra_length - 4)
        return fail (self, error, AGVIZ_IMPORT_ERROR_PARSE, offset,
                     "an extra field runs past its header");
      if (id == 0x0001)
        {
          needed = 8 * ((need_size ? 1 : 0) + (need_compressed ? 1 : 0) + (need_offset ? 1 : 0));
          if (size < needed)
            return fail (self, error, AGVIZ_IMPORT_ERROR_PARSE, offset,
                         "a Zip64 extra field too short for the sizes it must hold");
          if (need_size)
            entry->size = get64 (p), p += 8;
          if (need_compressed)
            entry->compressed_size = get64 (p), p += 8;
          if (need_offset)
            entry->local_offset = get64 (p);
          return TRUE;
        }
      extra += 4 + size;
      extra_length -= 4 + (gsize) size;
    }
  if (need_size || need_compressed || need_offset)
    return fail (self, error, AGVIZ_IMPORT_ERROR_PARSE, offset,
                 "sizes marked as Zip64 without a Zip64 extra field");
  return TRUE;
}

static gboolean
read_central_directory (AgvizZipReader *self,
                        GError        **error)
{
  guint64 cd_offset = 0, cd_size = 0, n_entries = 0;
  g_autofree guint8 *directory = NULL;
  gsize at = 0;

  if (!find_central_directory (self, &cd_offset, &cd_size, &n_entries, error))
    return FALSE;
  directory = g_malloc (MAX (cd_size, 1));
  if (!read_at (self, cd_offset, directory, cd_size, error))
    return FALSE;

  for (guint64 i = 0; i < n_entries; i++)
    {
      const guint8 *header = directory + at;
      guint64 offset = cd_offset + at;
      ZipEntry entry = { 0 };
      gsize name_length, extra_length, comment_length;

      if (cd_size - at < CENTRAL_HEADER_SIZE || get32 (header) != CENTRAL_SIGNATURE)
        return fail (self, error, AGVIZ_IMPORT_ERROR_PARSE, offset,
                     "entry %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " is not a central "
                     "directory header", i + 1, n_entries);
      name_length = get16 (header + 28);
      extra_length = get16 (header + 30);
      comment_length = get16 (header + 32);
      if (cd_size - at - CENTRAL_HEADER_SIZE < name_length + extra_length + comment_length)
        return fail (self, error, AGVIZ_IMPORT_ERROR_TRUNCATED, offset,
                     "a central directory header runs past the directory");
      entry.flags = get16 (header + 8);
      entry.method = get16 (header + 10);
      entry.crc = get32 (header + 16);
      entry.compressed_size = get32 (header + 20);
      entry.size = get32 (header + 24);
      entry.local_offset = get32 (header + 42);
      if (!read_zip64_extra (self, &entry, header + CENTRAL_HEADER_SIZE + name_length,
                             extra_length, offset, error))
        return FALSE;
      entry.name = g_strndup ((const char *) header + CENTRAL_HEADER_SIZE, name_length);
      g_array_append_val (self->entries, entry);
      /* The first of two entries with one name wins, as unzip does. */
      if (!g_hash_table_contains (self->by_name, entry.name))
        g_hash_table_insert (self->by_name, entry.name, GUINT_TO_POINTER (self->entries->len));
      at += CENTRAL_HEADER_SIZE + name_length + extra_length + comment_length;
    }
  return TRUE;
}

static void
clear_entry (gpointer data)
{
  ZipEntry *entry = data;

  g_free (entry->name);
}

static AgvizZipReader *
reader_new (const char *what)
{
  AgvizZipReader *self = g_new0 (AgvizZipReader, 1);

  self->what = g_strdup (what);
  self->fd = -1;
  self->entries = g_array_new (FALSE, TRUE, sizeof (ZipEntry));
  g_array_set_clear_func (self->entries, clear_entry);
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  return self;
}

AgvizZipReader *
agviz_zip_reader_open (const char  *path,
                       GError     **error)
{
  g_autoptr(AgvizZipReader) self = NULL;
  GStatBuf st;

  g_return_val_if_fail (path != NULL, NULL);

  self = reader_new (path);
  self->fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (self->fd < 0 || fstat (self->fd, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, AGVIZ_IMPORT_ERROR,
                   saved_errno == ENOENT ? AGVIZ_IMPORT_ERROR_MISSING : AGVIZ_IMPORT_ERROR_IO,
                   "%s: %s", path, g_strerror (saved_errno));
      return NULL;
    }
  self->length = (guint64) st.st_size;
  if (!read_central_directory (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

AgvizZipReader *
agviz_zip_reader_new_for_data (const guint8  *data,
                               gsize          length,
                               const char    *what,
                               GError       **error)
{
  g_autoptr(AgvizZipReader) self = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (what != NULL, NULL);

  self = reader_new (what);
  self->data = data;
  self->length = length;
  if (!read_central_directory (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
agviz_zip_reader_free (AgvizZipReader *self)
{
  if (self == NULL)
    return;
  if (self->fd >= 0)
    close (self->fd);
  g_hash_table_unref (self->by_name);
  g_array_unref (self->entries);
  g_free (self->what);
  g_free (self);
}

guint
agviz_zip_reader_get_n_entries (AgvizZipReader *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->entries->len;
}

const char *
agviz_zip_reader_get_name (AgvizZipReader *self,
                           guint           index)
{
  g_return_val_if_fail (self != NULL && index < self->entries->len, NULL);
  return g_array_index (self->entries, ZipEntry, index).name;
}

guint64
agviz_zip_reader_get_size (AgvizZipReader *self,
                           guint           index)
{
  g_return_val_if_fail (self != NULL && index < self->entries->len, 0);
  return g_array_index (self->entries, ZipEntry, index).size;
}

int
agviz_zip_reader_find (AgvizZipReader *self,
                       const char     *name)
{
  g_return_val_if_fail (self != NULL && name != NULL, -1);
  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (self->by_name, name)) - 1;
}

/* Inflates the @compressed_size bytes at @offset into @output, which must come out exactly
 * @size bytes long. */
static gboolean
inflate_entry (AgvizZipReader *self,
               const ZipEntry *entry,
               guint64         offset,
               guint8         *output,
               GError        **error)
{
  g_autoptr(GZlibDecompressor) decompressor =
    g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW);
  g_autofree guint8 *chunk = g_malloc (1 << 20);
  guint64 read_so_far = 0;
  gsize written = 0, pending = 0, pending_start = 0;
  gboolean finished = FALSE;

  while (!finished)
    {
      g_autoptr(GError) local_error = NULL;
      GConverterResult result;
      GConverterFlags flags = G_CONVERTER_NO_FLAGS;
      gsize bytes_read = 0, bytes_written = 0;
      guint8 spare;

      if (pending == 0 && read_so_far < entry->compressed_size)
        {
          pending = (gsize) MIN ((guint64) (1 << 20), entry->compressed_size - read_so_far);
          if (!read_at (self, offset + read_so_far, chunk, pending, error))
            return FALSE;
          pending_start = 0;
          read_so_far += pending;
        }
      if (read_so_far == entry->compressed_size)
        flags |= G_CONVERTER_INPUT_AT_END;
      /* A byte of room past the end lets a stream longer than its stated size show itself. */
      result = g_converter_convert (G_CONVERTER (decompressor), chunk + pending_start, pending,
                                    written < entry->size ? output + written : &spare,
                                    written < entry->size ? entry->size - written : 1,
                                    flags, &bytes_read, &bytes_written, &local_error);
      if (result == G_CONVERTER_ERROR)
        return fail (self, error, AGVIZ_IMPORT_ERROR_CORRUPT, offset,
                     "entry %s does not inflate: %s", entry->name, local_error->message);
      if (written >= entry->size && bytes_written > 0)
        return fail (self, error, AGVIZ_IMPORT_ERROR_CORRUPT, offset,
                     "entry %s inflates to more than its stated %" G_GUINT64_FORMAT " bytes",
                     entry->name, entry->size);
      pending_start += bytes_read;
      pending -= bytes_read;
      written += bytes_written;
      finished = result == G_CONVERTER_FINISHED;
      if (!finished && bytes_read == 0 && bytes_written == 0 && pending == 0 &&
          read_so_far == entry->compressed_size)
        break;
    }
  if (!finished || written != entry->size)
    return fail (self, error, AGVIZ_IMPORT_ERROR_TRUNCATED, offset,
                 "entry %s inflates to %" G_GSIZE_FORMAT " bytes, not its stated %"
                 G_GUINT64_FORMAT, entry->name, written, entry->size);
  return TRUE;
}

guint8 *
agviz_zip_reader_extract (AgvizZipReader  *self,
                          guint            index,
                          gsize            max_size,
                          gsize           *length,
                          GError         **error)
{
  const ZipEntry *entry;
  guint8 local[LOCAL_HEADER_SIZE];
  guint64 data_offset;
  g_autofree guint8 *output = NULL;

  g_return_val_if_fail (self != NULL && index < self->entries->len, NULL);
  g_return_val_if_fail (length != NULL, NULL);

  entry = &g_array_index (self->entries, ZipEntry, index);
  if (entry->flags & 0x1)
    {
      fail (self, error, AGVIZ_IMPORT_ERROR_PARSE, entry->local_offset,
            "entry %s is encrypted", entry->name);
      return NULL;
    }
  if (entry->size > max_size)
    {
      fail (self, error, AGVIZ_IMPORT_ERROR_LIMIT, entry->local_offset,
            "entry %s is %" G_GUINT64_FORMAT " bytes, more than agviz reads (%" G_GSIZE_FORMAT
            " MiB)", entry->name, entry->size, max_size >> 20);
      return NULL;
    }
  if (!read_at (self, entry->local_offset, local, sizeof local, error))
    return NULL;
  if (get32 (local) != LOCAL_SIGNATURE)
    {
      fail (self, error, AGVIZ_IMPORT_ERROR_PARSE, entry->local_offset,
            "no local header for entry %s where the central directory points", entry->name);
      return NULL;
    }
  data_offset = entry->local_offset + LOCAL_HEADER_SIZE + get16 (local + 26) + get16 (local + 28);
  if (data_offset > self->length || entry->compressed_size > self->length - data_offset)
    {
      fail (self, error, AGVIZ_IMPORT_ERROR_TRUNCATED, entry->local_offset,
            "entry %s runs past the end of the archive", entry->name);
      return NULL;
    }

  /* Deflate packs at most 1032 bytes into one: a larger stated size is a lie that would only
   * make agviz allocate. */
  if (entry->method == METHOD_DEFLATED &&
      entry->size / 1032 > entry->compressed_size + 1)
    {
      fail (self, error, AGVIZ_IMPORT_ERROR_CORRUPT, entry->local_offset,
            "entry %s says it inflates %" G_GUINT64_FORMAT " bytes into %" G_GUINT64_FORMAT
            ", more than deflate can", entry->name, entry->compressed_size, entry->size);
      return NULL;
    }

  output = g_malloc ((gsize) entry->size + 1);
  switch (entry->method)
    {
    case METHOD_STORED:
      if (entry->compressed_size != entry->size)
        {
          fail (self, error, AGVIZ_IMPORT_ERROR_PARSE, entry->local_offset,
                "stored entry %s has two sizes (%" G_GUINT64_FORMAT " and %" G_GUINT64_FORMAT ")",
                entry->name, entry->compressed_size, entry->size);
          return NULL;
        }
      if (!read_at (self, data_offset, output, (gsize) entry->size, error))
        return NULL;
      break;
    case METHOD_DEFLATED:
      if (!inflate_entry (self, entry, data_offset, output, error))
        return NULL;
      break;
    default:
      fail (self, error, AGVIZ_IMPORT_ERROR_PARSE, entry->local_offset,
            "entry %s is compressed with method %u (agviz reads stored and deflated entries)",
            entry->name, entry->method);
      return NULL;
    }
  if (crc32_of (output, (gsize) entry->size) != entry->crc)
    {
      fail (self, error, AGVIZ_IMPORT_ERROR_CORRUPT, data_offset,
            "entry %s does not match its CRC-32", entry->name);
      return NULL;
    }
  output[entry->size] = '\0';
  *length = (gsize) entry->size;
  return g_steal_pointer (&output);
}
