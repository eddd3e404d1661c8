/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-legend.h: what the colours of a drawing mean, one model for the SVG writer and the app
 *
 * Colouring by a key (op type, device, trace): the keys of the closed boxes the drawing shows,
 * the most common first, ties by key (names by strcmp, traces by number), at most
 * AGVIZ_LEGEND_MAX_KEYS of them and then one entry counting the rest.  Only what is on the
 * drawing, so that the legend stays short and says what the visible colours mean; by frequency,
 * because the common colours are the ones a reader asks about.  Colouring by time: the fastest
 * and the slowest op type's mean (one entry when they are the same) and the white of ops without
 * a timing, or one entry saying the file has none.  Nothing for AGVIZ_COLOR_BY_NONE.  Entries are data: each front end words them
 * (the SVG in plain English, the app in the user's language).
 */
#pragma once

#include "agviz-coloring.h"
#include "agviz-layout.h"

G_BEGIN_DECLS

/* Twelve: the palette has twelve colours, so past that keys share colours anyway. */
#define AGVIZ_LEGEND_MAX_KEYS 12

typedef enum
{
  AGVIZ_LEGEND_ENTRY_KEY,          /* boxes with one key: @key, or @trace_id by trace */
  AGVIZ_LEGEND_ENTRY_MORE,         /* @n_more keys past the first AGVIZ_LEGEND_MAX_KEYS */
  AGVIZ_LEGEND_ENTRY_FASTEST,      /* by time: the fastest op type's mean, @duration_ns */
  AGVIZ_LEGEND_ENTRY_SLOWEST,      /* by time: the slowest op type's mean, @duration_ns */
  AGVIZ_LEGEND_ENTRY_NOT_TIMED,    /* by time: ops whose type has no timing */
  AGVIZ_LEGEND_ENTRY_NO_TIMINGS,   /* by time: the file holds no timings at all */
  AGVIZ_LEGEND_ENTRY_DIFF_ADDED,   /* a diff: @count nodes added */
  AGVIZ_LEGEND_ENTRY_DIFF_CHANGED, /* a diff: @count nodes changed */
  AGVIZ_LEGEND_ENTRY_DIFF_INSIDE,  /* a diff: scopes with changes inside (@count drawn) */
  AGVIZ_LEGEND_ENTRY_DIFF_REMOVED, /* a diff: @count nodes removed, not drawn (no colour) */
} AgvizLegendEntryKind;

typedef struct
{
  AgvizLegendEntryKind kind;
  char                *key;        /* KEY by op type or device */
  gint64               trace_id;   /* KEY by trace */
  guint                count;      /* KEY: boxes with it */
  guint                n_more;     /* MORE */
  gint64               duration_ns;/* FASTEST, SLOWEST */
  gboolean             has_color;  /* all but MORE and NO_TIMINGS */
  AgvizColor           color;      /* the light palette's */
} AgvizLegendEntry;

/* The legend of @layout's drawing coloured by @coloring (element-type AgvizLegendEntry, transfer
 * full; empty for AGVIZ_COLOR_BY_NONE). */
GArray       *agviz_legend_list_entries     (const AgvizColoring *coloring,
                                             AgvizLayout         *layout);

/* The legend of a diff drawn on @layout (a scene of @diff's second trace): added, changed, scopes
 * with changes inside (only when the drawing shows such a box) and removed, each with its count
 * (element-type AgvizLegendEntry, transfer full). */
GArray       *agviz_legend_list_diff_entries (AgvizGraphDiff     *diff,
                                              AgvizLayout        *layout);

G_END_DECLS
