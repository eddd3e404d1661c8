/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-first-view.h: the expansion and zoom of the first picture of a graph
 *
 * One rule for `agviz FILE --svg` and the app's first view: open as many scopes as keep the
 * picture to about AGVIZ_FIRST_VIEW_MAX_BOXES boxes and narrow enough to be read at
 * AGVIZ_FIRST_VIEW_MIN_ZOOM in the view (for an SVG, an AGVIZ_FIRST_VIEW_WIDTH x
 * AGVIZ_FIRST_VIEW_HEIGHT window; in the app, the canvas of its window); then
 * show it whole when that zoom allows, else at a readable zoom from its inputs end, the rest a
 * scroll away along the direction the graph flows.  A readable part beats an unreadable whole:
 * the zoom never goes below the minimum to make a long chain fit.
 *
 * The search for the expansion costs one layout when the first guess fits, and a few more
 * (each reusing the cached layouts of the scopes it does not change) when it must back off.
 */
#pragma once

#include "agviz-layout.h"

G_BEGIN_DECLS

#define AGVIZ_FIRST_VIEW_WIDTH     1400.0   /* the window the first picture is made for (px) */
#define AGVIZ_FIRST_VIEW_HEIGHT     900.0
#define AGVIZ_FIRST_VIEW_MIN_ZOOM     0.6   /* where 10 pt labels are still read */
#define AGVIZ_FIRST_VIEW_MAX_BOXES   50
#define AGVIZ_FIRST_VIEW_MARGIN      24.0   /* px kept free around the picture */

/* Where a view starts: its zoom and the layout point at its top left corner. */
typedef struct
{
  double zoom;
  double x;
  double y;
} AgvizFirstViewFrame;

/* Sets @scene's expansion for its first picture in a view of @view_width x @view_height pixels
 * (an SVG: AGVIZ_FIRST_VIEW_WIDTH x AGVIZ_FIRST_VIEW_HEIGHT; the app: its canvas) and returns
 * that picture's layout.  Everything expanded before is collapsed first. */
AgvizLayout *agviz_first_view_lay_out (AgvizScene               *scene,
                                       const AgvizLayoutOptions *options,
                                       double                    view_width,
                                       double                    view_height,
                                       GError                  **error);
/* The zoom and start of the first picture of @layout in a view of @view_width x @view_height
 * pixels (laid out with @rankdir). */
void         agviz_first_view_frame   (AgvizLayout              *layout,
                                       AgvizRankdir              rankdir,
                                       double                    view_width,
                                       double                    view_height,
                                       AgvizFirstViewFrame      *frame);
/* The number of boxes @scene shows in its current expansion (the root not counted). */
guint        agviz_first_view_count_boxes (AgvizScene           *scene);

G_END_DECLS
