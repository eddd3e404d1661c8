/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-edge-list.c: varint edge lists (see agviz-edge-list.h for the layout) */
#define G_LOG_DOMAIN "agviz-edge-list"

#include "config.h"

#include "agviz-edge-list.h"

static guint
put_varint (guint8  *out,
            guint64  value)
{
  guint n = 0;

  while (value >= 0x80)
    {
      out[n++] = (guint8) (value | 0x80);
      value >>= 7;
    }
  out[n++] = (guint8) value;
  return n;
}

static guint64
zigzag_encode (gint64 value)
{
  return ((guint64) value << 1) ^ (guint64) (value >> 63);
}

static gint64
zigzag_decode (guint64 value)
{
  return (gint64) (value >> 1) ^ -(gint64) (value & 1);
}

/* Reads one varint at *offset; FALSE past the end or for more than 64 bits. */
static gboolean
read_varint (const guint8 *data,
             gsize         size,
             gsize        *offset,
             guint64      *value)
{
  guint64 result = 0;

  for (guint shift = 0; shift < 64; shift += 7)
    {
      guint8 byte;

      if (*offset >= size)
        return FALSE;
      byte = data[(*offset)++];
      result |= (guint64) (byte & 0x7f) << shift;
      if ((byte & 0x80) == 0)
        {
          *value = result;
          return TRUE;
        }
    }
  return FALSE;
}

void
_agviz_edge_list_append (GByteArray         *list,
                         _AgvizEdgeListKind  kind,
                         const AgvizEdge    *edge)
{
  guint8 entry[30];
  guint n = 0;

  if (kind == _AGVIZ_EDGE_LIST_INPUTS)
    {
      n += put_varint (entry + n, (guint64) edge->dst_input);
      n += put_varint (entry + n, zigzag_encode (edge->src_node_id - edge->dst_node_id));
      n += put_varint (entry + n, zigzag_encode (edge->src_output));
    }
  else
    {
      n += put_varint (entry + n, zigzag_encode (edge->src_output));
      n += put_varint (entry + n, zigzag_encode (edge->dst_node_id - edge->src_node_id));
      n += put_varint (entry + n, (guint64) edge->dst_input);
    }
  g_byte_array_append (list, entry, n);
}

gboolean
_agviz_edge_list_decode (const guint8        *data,
                         gsize                size,
                         _AgvizEdgeListKind   kind,
                         gint64               node_id,
                         GArray              *edges)
{
  guint old_length = edges->len;
  gsize offset = 0;

  while (offset < size)
    {
      guint64 own_slot, delta, other_slot;
      gint64 other_id;
      AgvizEdge edge;

      if (!read_varint (data, size, &offset, &own_slot) ||
          !read_varint (data, size, &offset, &delta) ||
          !read_varint (data, size, &offset, &other_slot))
        goto invalid;

      other_id = zigzag_decode (delta) + node_id;
      if (kind == _AGVIZ_EDGE_LIST_INPUTS)
        {
          gint64 src_output = zigzag_decode (other_slot);

          if (own_slot > G_MAXINT || src_output < -1 || src_output > G_MAXINT || other_id <= 0)
            goto invalid;
          edge = (AgvizEdge) { other_id, (int) src_output, node_id, (int) own_slot };
        }
      else
        {
          gint64 src_output = zigzag_decode (own_slot);

          if (other_slot > G_MAXINT || src_output < -1 || src_output > G_MAXINT || other_id <= 0)
            goto invalid;
          edge = (AgvizEdge) { node_id, (int) src_output, other_id, (int) other_slot };
        }
      g_array_append_val (edges, edge);
    }
  return TRUE;

invalid:
  g_array_set_size (edges, old_length);
  return FALSE;
}

gint64
_agviz_output_elements_parse (const char *text)
{
  gint64 elements = 1;

  g_assert (text != NULL);

  while (*text == ' ' || *text == '[' || *text == '(')
    text++;
  while (*text != '\0' && *text != ']' && *text != ')')
    {
      char *end;
      gint64 dim;

      if (*text == ',' || *text == ' ')
        {
          text++;
          continue;
        }
      dim = g_ascii_strtoll (text, &end, 10);
      if (end == text || dim < 0)
        return -1;
      if (dim > 0 && elements > G_MAXINT64 / dim)
        return -1;
      elements *= dim;
      text = end;
    }
  return elements;
}
