/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-string-hash.h: word-at-a-time hashes for the importers' tables
 *
 * Node names, debug-info keys and encoded frames run to dozens of bytes and large graphs look
 * each up several times; g_str_hash() takes them a byte at a time, these a word at a time.
 */
#pragma once

#include <string.h>
#include <glib.h>

G_BEGIN_DECLS

static inline guint
agviz_bytes_hash (const void *data,
                  gsize       length)
{
  const guint8 *bytes = data;
  guint64 hash = length * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15), word;
  gsize i = 0;

  for (; i + 8 <= length; i += 8)
    {
      memcpy (&word, bytes + i, sizeof word);
      hash = (hash ^ word) * G_GUINT64_CONSTANT (0x100000001b3);
      hash ^= hash >> 29;
    }
  if (i < length)
    {
      word = 0;
      memcpy (&word, bytes + i, length - i);
      hash = (hash ^ word) * G_GUINT64_CONSTANT (0x100000001b3);
      hash ^= hash >> 29;
    }
  return (guint) (hash ^ (hash >> 32));
}

/* A GHashFunc for NUL-terminated strings (use with g_str_equal). */
static inline guint
agviz_string_hash (gconstpointer key)
{
  return agviz_bytes_hash (key, strlen (key));
}

G_END_DECLS
