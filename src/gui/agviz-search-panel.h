/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-search-panel.h: the node search of the session's trace: the entry, what the search
 * says (no match, too many, failed) and its results, a list over a model of hits.  The search
 * reads the trace file in a worker thread; activating a result (or Enter, for the first) asks
 * the session to show that node. */
#pragma once

#include <gtk/gtk.h>

#include "agviz-session.h"

G_BEGIN_DECLS

#define AGVIZ_TYPE_SEARCH_PANEL (agviz_search_panel_get_type ())
G_DECLARE_FINAL_TYPE (AgvizSearchPanel, agviz_search_panel, AGVIZ, SEARCH_PANEL, GtkWidget)

void         agviz_search_panel_set_session   (AgvizSearchPanel *self,
                                               AgvizSession     *session);
/* (transfer none): the entry, for a GtkSearchBar to connect to */
GtkEditable *agviz_search_panel_get_entry     (AgvizSearchPanel *self);
/* Searches the shown trace for @query (also the session's search-text), cancelling the search
 * running; with @select_first, shows the first result when they come.  The entry's text is set
 * to @query without starting a second search. */
void         agviz_search_panel_search        (AgvizSearchPanel *self,
                                               const char       *query,
                                               gboolean          select_first);
/* Searches again for the entry's text: after the session shows another trace. */
void         agviz_search_panel_refresh       (AgvizSearchPanel *self);
/* Whether a search is running. */
gboolean     agviz_search_panel_is_searching  (AgvizSearchPanel *self);
/* Finished searches, for tests to wait on. */
guint        agviz_search_panel_get_n_searches (AgvizSearchPanel *self);
/* Listed by the last search, and whether it stopped at its limit. */
guint        agviz_search_panel_get_n_results (AgvizSearchPanel *self);
gboolean     agviz_search_panel_get_truncated (AgvizSearchPanel *self);
/* (nullable): what the search says of its results when it says anything */
const char  *agviz_search_panel_get_status    (AgvizSearchPanel *self);

G_END_DECLS
