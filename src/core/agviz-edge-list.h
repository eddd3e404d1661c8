/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-edge-list.h: the compact edge lists stored in each node row (private to the core)
 *
 * A node row carries its inputs (in input order) and its consumers as lists of varints, so a
 * node and all its edges are one row: one B-tree insert per node when recording, one lookup when
 * reading.  Each entry is three LEB128 varints: the slot on this node's side, the zigzag-coded
 * difference between the other node's id and this one's (neighbours are close), and the
 * zigzag-coded slot on the other side (-1 = control edge).
 */
#pragma once

#include <glib.h>

#include "agviz-records.h"

G_BEGIN_DECLS

typedef enum
{
  _AGVIZ_EDGE_LIST_INPUTS,      /* entries (dst_input, src - dst, src_output) of node dst */
  _AGVIZ_EDGE_LIST_CONSUMERS,   /* entries (src_output, dst - src, dst_input) of node src */
} _AgvizEdgeListKind;

void      _agviz_edge_list_append  (GByteArray          *list,
                                    _AgvizEdgeListKind   kind,
                                    const AgvizEdge     *edge);

/* Appends the edges of @node_id's list to @edges.  FALSE when the bytes are not a valid list
 * (a damaged or hand-made file): nothing is appended then. */
gboolean  _agviz_edge_list_decode  (const guint8        *data,
                                    gsize                size,
                                    _AgvizEdgeListKind   kind,
                                    gint64               node_id,
                                    GArray              *edges);

/* Elements of output 0 from an "_output_shapes" attribute's text ("[4,2]", "[[4,2],[3]]",
 * "(4, 2)"): what an edge's thickness is drawn from.  -1 when not fully known. */
gint64    _agviz_output_elements_parse (const char     *shapes);

G_END_DECLS
