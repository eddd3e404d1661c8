/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-crc32c.h: CRC-32C (Castagnoli) and TFRecord's masked form of it */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Continues @crc (0 to start) over @length bytes. */
guint32 agviz_crc32c_update (guint32       crc,
                             gconstpointer data,
                             gsize         length);

static inline guint32
agviz_crc32c (gconstpointer data,
              gsize         length)
{
  return agviz_crc32c_update (0, data, length);
}

/* TFRecord stores CRCs masked, so a CRC of data holding CRCs stays meaningful. */
static inline guint32
agviz_crc32c_mask (guint32 crc)
{
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

static inline guint32
agviz_crc32c_unmask (guint32 masked)
{
  guint32 rotated = masked - 0xa282ead8u;

  return (rotated >> 17) | (rotated << 15);
}

G_END_DECLS
