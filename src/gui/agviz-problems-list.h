/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-problems-list.h: the sidebar's list of the checks' findings (AgvizDiagnostic) about the
 * session's document, one row each with its severity, message, source line and location.
 * Selecting a row emits ::problem-selected; the window shows what the finding is about. */
#pragma once

#include <gtk/gtk.h>

#include "agviz-session.h"

G_BEGIN_DECLS

#define AGVIZ_TYPE_PROBLEMS_LIST (agviz_problems_list_get_type ())
G_DECLARE_FINAL_TYPE (AgvizProblemsList, agviz_problems_list, AGVIZ, PROBLEMS_LIST, GtkWidget)

/* Lists the findings of @session's document, following it when another is opened. */
void agviz_problems_list_set_session (AgvizProblemsList *self,
                                      AgvizSession      *session);
/* Lists the document's findings again, with nothing selected: after they were made again
 * (agviz_document_recheck_async()). */
void agviz_problems_list_reload      (AgvizProblemsList *self);
/* Selects the finding at @position, as a click on its row does. */
void agviz_problems_list_select      (AgvizProblemsList *self,
                                      guint              position);

G_END_DECLS
