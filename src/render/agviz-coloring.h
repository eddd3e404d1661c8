/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-coloring.h: the fill of each box, one rule for the SVG writer, the Graphviz exporter and
 * the app
 *
 * Closed boxes are filled by a key (op type, device or trace) from a fixed palette, the same key
 * always the same colour, or by time: the mean measured duration of the box's op type
 * (agviz-op-timings.h) on a log scale from light yellow (fastest) to deep orange (slowest),
 * because op times spread over orders of magnitude.  These are the light palette's colours; a
 * dark theme pulls them towards a dark base (agviz_color_for_dark_theme()), so that the same
 * colour means the same key in both.  No GTK; an AgvizColoring is read-only once made.
 */
#pragma once

#include <glib-object.h>

#include "agviz-graph-diff.h"
#include "agviz-scene.h"

G_BEGIN_DECLS

typedef enum
{
  AGVIZ_COLOR_BY_OP,
  AGVIZ_COLOR_BY_DEVICE,
  AGVIZ_COLOR_BY_TIME,
  AGVIZ_COLOR_BY_TRACE,
  AGVIZ_COLOR_BY_NONE,
} AgvizColorBy;

/* Its nicks ("op", "device", "time", "trace", "none") are the words of `--color-by`, of the
 * app's win.color-by action and of its GSettings key. */
#define AGVIZ_TYPE_COLOR_BY (agviz_color_by_get_type ())
GType         agviz_color_by_get_type       (void) G_GNUC_CONST;
gboolean      agviz_color_by_from_string    (const char            *text,
                                             AgvizColorBy          *color_by);
/* The nick of @color_by (static). */
const char   *agviz_color_by_to_string      (AgvizColorBy           color_by);

/* sRGB, each from 0 to 1, opaque. */
typedef struct
{
  float red;
  float green;
  float blue;
} AgvizColor;

/* "#rrggbb" into @hex. */
void          agviz_color_to_hex            (const AgvizColor      *color,
                                             char                   hex[8]);
/* The colour for a dark theme: the hue kept, pulled towards a dark base, so that light text
 * stays readable on it. */
AgvizColor    agviz_color_for_dark_theme    (AgvizColor             color);

typedef struct _AgvizColoring AgvizColoring;

/* Colouring by @color_by; for AGVIZ_COLOR_BY_TIME @op_timings is op type -> mean duration in ns
 * (gint64 *), as agviz_op_timings_read() makes it, kept (NULL: none).  Other colourings ignore
 * it. */
AgvizColoring *agviz_coloring_new           (AgvizColorBy           color_by,
                                             GHashTable            *op_timings);
void          agviz_coloring_free           (AgvizColoring         *self);
AgvizColorBy  agviz_coloring_get_color_by   (const AgvizColoring   *self);
/* The mean of the fastest and of the slowest op type; FALSE when there are no timings. */
gboolean      agviz_coloring_get_time_range (const AgvizColoring   *self,
                                             gint64                *fastest_ns,
                                             gint64                *slowest_ns);
/* Where @duration_ns falls on the scale from the fastest op type to the slowest. */
AgvizColor    agviz_coloring_time_color     (const AgvizColoring   *self,
                                             gint64                 duration_ns);
/* The fill of @item drawn closed: by time the colour of its op type's mean duration, white
 * when it has none; otherwise its key's palette colour (_agviz_drawing_fill()). */
AgvizColor    agviz_coloring_get_fill       (const AgvizColoring   *self,
                                             const AgvizSceneItem  *item);
/* The same as "#rrggbb" into @hex. */
void          agviz_coloring_get_fill_hex   (const AgvizColoring   *self,
                                             const AgvizSceneItem  *item,
                                             char                   hex[8]);

/* A diff's highlights, which replace the fill of the boxes they mark: added green, changed
 * amber, a scope with changes inside pale amber (so that a collapsed scope says it), each with
 * a darker outline of its hue; NONE keeps the box's own fill and outline. */
AgvizColor    agviz_coloring_diff_fill      (AgvizDiffMark          mark);
AgvizColor    agviz_coloring_diff_outline   (AgvizDiffMark          mark);
/* The diff fill of @item (a box of @diff's second trace) into @fill; FALSE when it is unmarked. */
gboolean      agviz_coloring_get_diff_fill  (AgvizGraphDiff        *diff,
                                             const AgvizSceneItem  *item,
                                             AgvizColor            *fill);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizColoring, agviz_coloring_free)

G_END_DECLS
