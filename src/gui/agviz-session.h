/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-session.h: what one window is looking at, shared by its panels
 *
 * The open document, the trace shown (its id and scene), the selected node, the colouring and
 * the search text.  Panels read these properties and follow their notifications rather than
 * being kept in step by the window; they change them through the setters here.  Main thread
 * only.
 */
#pragma once

#include <gtk/gtk.h>

#include "agviz-document.h"
#include "agviz-graph-diff.h"

G_BEGIN_DECLS

#define AGVIZ_TYPE_SESSION (agviz_session_get_type ())
G_DECLARE_FINAL_TYPE (AgvizSession, agviz_session, AGVIZ, SESSION, GObject)

AgvizSession   *agviz_session_new               (void);

/* (transfer none) (nullable) */
AgvizDocument  *agviz_session_get_document      (AgvizSession   *self);
/* Shows @document (or nothing) with no trace and nothing selected. */
void            agviz_session_set_document      (AgvizSession   *self,
                                                 AgvizDocument  *document);
/* Replaces the document with a newer reading of the same file (a live refresh), keeping the
 * trace shown, its scene and the selection. */
void            agviz_session_refresh_document  (AgvizSession   *self,
                                                 AgvizDocument  *document);

/* The trace shown, 0 when none. */
gint64          agviz_session_get_trace_id      (AgvizSession   *self);
/* (transfer none) (nullable): the shown trace's scene */
AgvizScene     *agviz_session_get_scene         (AgvizSession   *self);
/* Reads trace @trace_id of the document into a scene and makes it the one shown, selecting
 * nothing; FALSE with @error set, changing nothing, when the file has no such trace or it
 * cannot be read. */
gboolean        agviz_session_show_trace        (AgvizSession   *self,
                                                 gint64          trace_id,
                                                 GError        **error);

/* (transfer none) (nullable): the selected item, owned by the scene */
AgvizSceneItem *agviz_session_get_selected_item (AgvizSession   *self);
/* The selection as the canvas made it (a click); notifies only when it changes. */
void            agviz_session_set_selected_item (AgvizSession   *self,
                                                 AgvizSceneItem *item);
/* Asks for @item, an item of the shown scene, to be selected and brought into view: emits
 * ::show-item, whose handler (the window, which owns the canvas) selects it there. */
void            agviz_session_show_item         (AgvizSession   *self,
                                                 AgvizSceneItem *item);

/* The colouring of the graph, by the names `agviz render --color-by` takes: "op", "device",
 * "time", "trace" or "none". */
const char     *agviz_session_get_color_by      (AgvizSession   *self);
void            agviz_session_set_color_by      (AgvizSession   *self,
                                                 const char     *color_by);

/* What the node search of the shown trace looks for, "" when nothing. */
const char     *agviz_session_get_search_text   (AgvizSession   *self);
void            agviz_session_set_search_text   (AgvizSession   *self,
                                                 const char     *search_text);

/* The diff the canvas highlights (its second trace's changes), NULL when none: the comparison
 * panel sets it (transfer none). */
AgvizGraphDiff *agviz_session_get_diff          (AgvizSession   *self);
void            agviz_session_set_diff          (AgvizSession   *self,
                                                 AgvizGraphDiff *diff);

/* For a panel that follows a session: points *slot at @session (or none), dropping the
 * handlers @panel connected on the one it followed before. */
void            agviz_session_follow            (AgvizSession  **slot,
                                                 AgvizSession   *session,
                                                 gpointer        panel);

/* A panel's dispose: its template's objects and every child, also those the template does not
 * bind (GTK 4.8 unparents only the bound ones). */
void            agviz_panel_dispose_template    (GtkWidget      *panel,
                                                 GType           panel_type);

G_END_DECLS
