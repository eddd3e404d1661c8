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
/* Whether a document is shown or loading: a second file then gets a new window. */
gboolean       agviz_window_is_busy        (AgvizWindow      *self);
AgvizDocument *agviz_window_get_document   (AgvizWindow      *self);
/* (transfer none): what the window shows, shared by its panels */
AgvizSession  *agviz_window_get_session    (AgvizWindow      *self);
/* Shows the graph of @trace_id (selecting it in the sidebar). */
gboolean       agviz_window_show_trace     (AgvizWindow      *self,
                                            gint64            trace_id,
                                            GError          **error);

G_END_DECLS
