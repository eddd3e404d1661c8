/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-store-private.h: what tests may ask the store about its own queries */
#pragma once

#include "agviz-store.h"

G_BEGIN_DECLS

guint        _agviz_store_get_n_queries         (void);
const char  *_agviz_store_get_query_name        (guint        query_index);
gboolean     _agviz_store_query_is_interactive  (guint        query_index);
/* The EXPLAIN QUERY PLAN of one query, one line per step (transfer full). */
char        *_agviz_store_explain_query         (AgvizStore  *self,
                                                 guint        query_index,
                                                 GError     **error);

G_END_DECLS
