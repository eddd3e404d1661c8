/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-graphviz-private.h: the one way into Graphviz
 *
 * Graphviz 2.42 is not thread-safe (cgraph and the dot engine keep global state) and every
 * gvContext() reads the plugin configuration again and keeps a few KiB of it for good.  So the
 * process has one context, created on first use, and every use of Graphviz (building a graph,
 * laying it out, rendering, closing it) happens between acquire and release, which serialise
 * the callers: the app's layout thread and an export on the main thread never meet inside it.
 */
#pragma once

#include <glib.h>
#include <graphviz/gvc.h>

G_BEGIN_DECLS

GVC_t *agviz_graphviz_acquire  (void);
void   agviz_graphviz_release  (void);
/* Sets attribute @name of a graph, node or edge (Graphviz copies @value), with "" as the default
 * for the objects of its kind that do not set it. */
void   agviz_graphviz_set_attr (void       *object,
                                const char *name,
                                const char *value);

G_END_DECLS
