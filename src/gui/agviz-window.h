/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-window.h: one window showing one trace file */
#pragma once

#include <adwaita.h>

#include "agviz-application.h"
#include "agviz-document.h"
#include "agviz-session.h"

G_BEGIN_DECLS

#define AGVIZ_TYPE_WINDOW (agviz_window_get_type ())
G_DECLARE_FINAL_TYPE (AgvizWindow, agviz_window, AGVIZ, WINDOW, AdwApplicationWindow)

AgvizWindow   *agviz_window_new            (AgvizApplication *application);
/* Loads @file in the background, showing progress and Cancel; the start screen with the error
 * if it fails. */
void           agviz_window_open           (AgvizWindow      *self,
                                            GFile            *file);
/* Whether a file is being read (agviz_window_open()). */
gboolean       agviz_window_is_loading     (AgvizWindow      *self);
/* Whether a document is shown or loading: a second file then gets a new window. */
gboolean       agviz_window_is_busy        (AgvizWindow      *self);
AgvizDocument *agviz_window_get_document   (AgvizWindow      *self);
/* (transfer none): what the window shows, shared by its panels */
AgvizSession  *agviz_window_get_session    (AgvizWindow      *self);
/* Shows the graph of @trace_id (selecting it in the sidebar). */
gboolean       agviz_window_show_trace     (AgvizWindow      *self,
                                            gint64            trace_id,
                                            GError          **error);

/* The file in the source view as the trace recorded its path (NULL when none) and, in @line,
 * the highlighted line (0 none). */
const char    *agviz_window_get_source_path (AgvizWindow     *self,
                                            int             *line);
/* Searches for the nodes created on @line of the file in the source view and selects the first
 * when the search ends, as a click on the line does. */
void           agviz_window_select_source_line (AgvizWindow  *self,
                                            int              line);
/* Writes the current view to @file as SVG, PNG or PDF (by its extension), as win.export does. */
gboolean       agviz_window_export         (AgvizWindow      *self,
                                            GFile            *file,
                                            GError          **error);

G_END_DECLS
