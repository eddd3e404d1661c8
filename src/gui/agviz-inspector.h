/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-inspector.h: what the selected item of the graph is
 *
 * For an op: its type, full name, device, attributes, inputs and outputs (buttons that select the
 * node at the other end), tensor summaries, and its creation stack with the user's frames first
 * and the framework's folded away.  For a scope, series or section: its path and op counts.
 * Reads the store through the document on the main thread; each selection reads one node.
 */
#pragma once

#include <gtk/gtk.h>

#include "agviz-document.h"
#include "agviz-scene.h"

G_BEGIN_DECLS

#define AGVIZ_TYPE_INSPECTOR (agviz_inspector_get_type ())
G_DECLARE_FINAL_TYPE (AgvizInspector, agviz_inspector, AGVIZ, INSPECTOR, GtkWidget)

/* Shows @item of @document (either NULL: the empty state).  Emits ::node-activated (gint64 node
 * id) when an input or output is clicked and ::frame-activated (file, line) for a stack frame. */
void        agviz_inspector_show_item     (AgvizInspector       *self,
                                           AgvizDocument        *document,
                                           const AgvizSceneItem *item);
/* The op type shown, NULL when no op is (transfer none); for tests and accessibility. */
const char *agviz_inspector_get_op_type   (AgvizInspector       *self);

G_END_DECLS
