/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-layout.h: Graphviz positions for a scene, one `dot` run per expanded item
 *
 * Bottom-up: an expanded item's children are laid out first, and the size of that drawing becomes
 * the size of its box in its parent.  Each single layout is bounded (sections cap its children,
 * dot's iteration knobs cap its time) and cached in the trace file when the store is writable, so
 * a view laid out once opens without running dot.  Coordinates are points, y down, origin at the
 * top left of the whole drawing.  The same scene, state and options always give the same
 * coordinates.
 */
#pragma once

#include <gio/gio.h>

#include "agviz-scene.h"

G_BEGIN_DECLS

typedef enum
{
  AGVIZ_RANKDIR_TB,
  AGVIZ_RANKDIR_BT,
  AGVIZ_RANKDIR_LR,
} AgvizRankdir;

typedef struct
{
  AgvizRankdir rankdir;
  gboolean     use_cache;     /* read and (when the store is writable) write the layout cache */
} AgvizLayoutOptions;

typedef struct
{
  double x;                   /* top-left corner */
  double y;
  double width;
  double height;
} AgvizLayoutBox;

/* The route of one drawn metaedge: a cubic Bézier spline (1 + 3k points), then an arrowhead to
 * (arrow_x, arrow_y) when has_arrow. */
typedef struct
{
  guint    n_points;
  double  *points;            /* x0, y0, x1, y1, ... absolute */
  gboolean has_arrow;
  double   arrow_x;
  double   arrow_y;
} AgvizLayoutRoute;

/* One routed metaedge of the drawing. */
typedef struct
{
  AgvizSceneItem         *container;  /* the expanded item it is drawn inside */
  AgvizSceneItem         *src;
  AgvizSceneItem         *dst;
  const AgvizLayoutRoute *route;      /* owned by the layout */
  AgvizLayoutBox          bounds;     /* of the route's points and arrowhead, for culling */
  guint                   count;      /* underlying edges */
  gboolean                control;    /* control edges only */
} AgvizLayoutEdge;

typedef struct
{
  guint layouts;              /* expanded items laid out */
  guint dot_runs;             /* of which by dot (the rest came from the cache) */
  guint cache_writes;
  guint visible_items;
  guint drawn_edges;
} AgvizLayoutStats;

#define AGVIZ_TYPE_LAYOUT (agviz_layout_get_type ())
G_DECLARE_FINAL_TYPE (AgvizLayout, agviz_layout, AGVIZ, LAYOUT, GObject)

void            agviz_layout_options_init  (AgvizLayoutOptions       *options);

/* Lays out every visible expanded item of @scene in its current state.  Cache trouble is not an
 * error: it is reported with g_debug and the layout is computed. */
AgvizLayout    *agviz_layout_new           (AgvizScene               *scene,
                                            const AgvizLayoutOptions *options,
                                            GError                  **error);

/* The same layout with dot run on a worker thread.  What dot needs is copied from @scene (and
 * the cache read) before this returns, and the result is placed and cached when finished, both
 * on the calling thread, which must own @scene and its store: the worker touches neither.
 * @scene must not change before the callback unless @cancellable is cancelled first; a
 * cancelled layout finishes with G_IO_ERROR_CANCELLED even when dot had already completed. */
void            agviz_layout_new_async     (AgvizScene               *scene,
                                            const AgvizLayoutOptions *options,
                                            GCancellable             *cancellable,
                                            GAsyncReadyCallback       callback,
                                            gpointer                  user_data);
AgvizLayout    *agviz_layout_new_finish    (GAsyncResult             *result,
                                            GError                  **error);

AgvizScene     *agviz_layout_get_scene     (AgvizLayout              *self);
void            agviz_layout_get_size      (AgvizLayout              *self,
                                            double                   *width,
                                            double                   *height);
const AgvizLayoutStats *agviz_layout_get_stats (AgvizLayout          *self);

/* Where a visible item is drawn; FALSE when it is not visible. */
gboolean        agviz_layout_get_box       (AgvizLayout              *self,
                                            const AgvizSceneItem     *item,
                                            AgvizLayoutBox           *box);
/* Where the inside of an expanded item starts (below its title). */
gboolean        agviz_layout_get_interior  (AgvizLayout              *self,
                                            const AgvizSceneItem     *item,
                                            double                   *x,
                                            double                   *y);
/* The route of the metaedge @src -> @dst drawn inside @container, or NULL (transfer none). */
const AgvizLayoutRoute *agviz_layout_get_route (AgvizLayout          *self,
                                            const AgvizSceneItem     *container,
                                            const AgvizSceneItem     *src,
                                            const AgvizSceneItem     *dst);

/* Whether @item is drawn open, its children laid out inside it. */
gboolean        agviz_layout_is_open       (AgvizLayout              *self,
                                            const AgvizSceneItem     *item);

/* The items this layout placed, parents before children (transfer container). */
GPtrArray      *agviz_layout_list_visible  (AgvizLayout              *self);

/* Every metaedge this layout routed, inside each expanded item in agviz_scene_list_expanded()
 * order (element-type AgvizLayoutEdge, transfer full; valid as long as the layout). */
GArray         *agviz_layout_list_edges    (AgvizLayout              *self);

/* The short text drawn in an item's box, at most @max_chars characters (transfer full). */
char           *agviz_layout_dup_label     (const AgvizSceneItem     *item,
                                            guint                     max_chars);

G_END_DECLS
