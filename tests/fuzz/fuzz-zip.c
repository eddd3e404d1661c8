/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-zip.c: the zip reader on its own: the end of central directory (Zip64 too), the central
 * directory, local headers, stored and deflated entries and their CRC-32 */
#include "config.h"

#include "agviz-zip-reader.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(AgvizZipReader) zip = agviz_zip_reader_new_for_data (data, size, "fuzz", NULL);

  for (guint i = 0; zip != NULL && i < agviz_zip_reader_get_n_entries (zip); i++)
    {
      gsize length;
      g_autofree guint8 *entry = agviz_zip_reader_extract (zip, i, 1 << 20, &length, NULL);

      g_assert (entry == NULL || length <= agviz_zip_reader_get_size (zip, i));
      g_assert (agviz_zip_reader_find (zip, agviz_zip_reader_get_name (zip, i)) <= (int) i);
    }
  return 0;
}
