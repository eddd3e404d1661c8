/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-zip-reader.h: the entries of a zip archive, read from its central directory
 *
 * Frameworks save programs as zip archives (torch.export's .pt2).  The reader finds the end of
 * central directory record (Zip64 included), lists the entries and extracts the few an importer
 * asks for, stored or deflated, checking each one's CRC-32: the rest (weights, often gigabytes)
 * is never read.  Every offset and size comes from the file and is checked against it; damage
 * gives an AGVIZ_IMPORT_ERROR naming the archive and the byte offset, never a crash.
 *
 * Threads: a reader belongs to the thread that uses it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AgvizZipReader AgvizZipReader;

/* Opens the archive at @path (the file stays open until agviz_zip_reader_free()). */
AgvizZipReader *agviz_zip_reader_open          (const char      *path,
                                                GError         **error);
/* Reads an archive held in memory (@data must outlive the reader); @what names it in errors. */
AgvizZipReader *agviz_zip_reader_new_for_data  (const guint8    *data,
                                                gsize            length,
                                                const char      *what,
                                                GError         **error);
void            agviz_zip_reader_free          (AgvizZipReader  *self);

guint           agviz_zip_reader_get_n_entries (AgvizZipReader  *self);
/* The entry's name as stored (transfer none). */
const char     *agviz_zip_reader_get_name      (AgvizZipReader  *self,
                                                guint            index);
/* Its uncompressed size, as the central directory says. */
guint64         agviz_zip_reader_get_size      (AgvizZipReader  *self,
                                                guint            index);
/* The index of the entry named @name, or -1. */
int             agviz_zip_reader_find          (AgvizZipReader  *self,
                                                const char      *name);
/* Entry @index uncompressed, refused when larger than @max_size; NUL-terminated (one byte past
 * *@length), free with g_free(). */
guint8         *agviz_zip_reader_extract       (AgvizZipReader  *self,
                                                guint            index,
                                                gsize            max_size,
                                                gsize           *length,
                                                GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizZipReader, agviz_zip_reader_free)

G_END_DECLS
