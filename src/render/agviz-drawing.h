/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-drawing.h: writing a laid-out scene as SVG (agviz's own writer) or through Graphviz
 * (PNG, PDF, positioned DOT)
 *
 * Every drawn item carries an id made from its full name and a title (the tooltip) with op type,
 * device, shape and source file:line.  Any bytes in names come out as valid XML: invalid UTF-8 is
 * replaced, markup characters are escaped, control characters are shown as \xNN.
 */
#pragma once

#include <stdio.h>

#include <gio/gio.h>

#include "agviz-coloring.h"
#include "agviz-graph-diff.h"
#include "agviz-layout.h"

G_BEGIN_DECLS

typedef enum
{
  AGVIZ_DRAWING_FORMAT_SVG,
  AGVIZ_DRAWING_FORMAT_PNG,
  AGVIZ_DRAWING_FORMAT_PDF,
  AGVIZ_DRAWING_FORMAT_DOT,
} AgvizDrawingFormat;

typedef struct
{
  AgvizColorBy          color_by;
  GHashTable           *op_timings;    /* for AGVIZ_COLOR_BY_TIME: op type -> mean ns (gint64 *),
                                        * as agviz_op_timings_read() makes it, or NULL: none */
  const AgvizSceneItem *focus;         /* highlighted, or NULL */
  AgvizGraphDiff       *diff;          /* the layout's trace as the second trace of this diff:
                                        * its changes highlighted (SVG), or NULL */
} AgvizDrawingOptions;

/* Writes @layout to @out in @format.  @out is not closed. */
gboolean     agviz_drawing_write           (AgvizLayout               *layout,
                                            AgvizDrawingFormat         format,
                                            const AgvizDrawingOptions *options,
                                            FILE                      *out,
                                            GError                   **error);

/* Appends @text (any bytes, @length -1 for NUL-terminated) escaped for XML text and attribute
 * values, cut after @max_chars characters with an ellipsis (0: no limit). */
void         agviz_drawing_append_xml_text (GString                   *buffer,
                                            const char                *text,
                                            gssize                     length,
                                            guint                      max_chars);

G_END_DECLS
