/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-search.h: finding the nodes and scopes of one trace from what a user types
 *
 * The app's search (Ctrl+F) and its "nodes made on this source line" both come here.  A query is
 * either FILE:LINE ("demo.py:19", "/home/me/demo.py:19"), matching the ops whose defining frame
 * (the innermost frame of user code, as TensorFlow's own messages point at) is that line, the
 * file matched on a path boundary; or text, matching ops and scopes whose own name contains it
 * (or, with a '/', whose full name contains it and whose own name contains its last part), and
 * ops whose op type it names exactly, ASCII case ignored throughout.
 *
 * Reads go through the store along its indexes and stop at the limit, so their cost follows the
 * trace searched, not the file; they still read a trace's rows, so the app runs them in a worker
 * thread on a store of its own.  Nothing of a scene is needed: scopes not loaded yet are found.
 */
#pragma once

#include <gio/gio.h>

#include "agviz-store.h"

G_BEGIN_DECLS

typedef enum
{
  AGVIZ_SEARCH_HIT_OP,
  AGVIZ_SEARCH_HIT_SCOPE,
} AgvizSearchHitKind;

typedef struct
{
  AgvizSearchHitKind  kind;
  char               *path;       /* full name: "model/dense/MatMul", "model/dense" */
  char               *op_type;    /* ops; NULL for scopes */
  gint64              id;         /* node id or scope id */
} AgvizSearchHit;

void       agviz_search_hit_free  (AgvizSearchHit *hit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizSearchHit, agviz_search_hit_free)

/* "file.py:19" -> "file.py" and 19; FALSE when @query is not of that form. */
gboolean   agviz_search_parse_location (const char  *query,
                                        char       **file,
                                        int         *line);

/* The hits for @query in trace @trace_id, at most @limit (element-type AgvizSearchHit, transfer
 * full): scopes first, then ops, each in index order.  *@truncated says whether there were more.
 * An empty query finds nothing.  @cancellable is checked between reads (G_IO_ERROR_CANCELLED). */
GPtrArray *agviz_search_trace     (AgvizStore    *store,
                                   gint64         trace_id,
                                   const char    *query,
                                   guint          limit,
                                   gboolean      *truncated,
                                   GCancellable  *cancellable,
                                   GError       **error);

G_END_DECLS
