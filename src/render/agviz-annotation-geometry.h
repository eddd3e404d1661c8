/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-annotation-geometry.h: where a closed box's annotations go, in layout points
 *
 * TensorBoard draws a Const input or a summary output small beside the op it belongs to
 * (agviz_scene_item_get_annotations()): one line each, inputs left of the box and outputs right,
 * the ones past AGVIZ_SCENE_MAX_ANNOTATIONS of a side folded into one "… N more" line.  The layout
 * leaves AGVIZ_ANNOTATION_ROOM on each side of such a box for them.  The app draws each line as a
 * small ellipse a dashed connector away from the box with its label beyond, and picks them under
 * the pointer with the same geometry.  No GTK.
 */
#pragma once

#include "agviz-layout.h"

G_BEGIN_DECLS

/* What the layout leaves each side of a box with annotations. */
#define AGVIZ_ANNOTATION_ROOM 84.0
/* One annotation per line, this far apart. */
#define AGVIZ_ANNOTATION_LINE 9.0

/* One line beside a box: an annotation, or the "… N more" of a side. */
typedef struct
{
  const AgvizSceneItem *annotation;    /* NULL: the line counting the hidden ones */
  gboolean              out;           /* right of the box (an output), else left */
  guint                 slot;          /* the line's place on its side, from 0 at the top */
  guint                 n_more;        /* the counting line: how many it stands for */
} AgvizAnnotationLine;

/* The lines drawn beside @item closed: inputs, then outputs, each side's shown annotations in
 * order and then its counting line if it hides any (element-type AgvizAnnotationLine, transfer
 * full; empty without annotations). */
GArray         *agviz_annotation_list_lines   (const AgvizSceneItem *item);
/* The line @annotation takes on its side of the box it is drawn beside, or -1 when it is folded
 * into the "… N more" line. */
int             agviz_annotation_get_slot     (const AgvizSceneItem *annotation);
/* Where the @slot-th line of a side of @box goes: the ellipse and the label, inputs (@out FALSE)
 * left of the box, outputs right. */
void            agviz_annotation_get_geometry (const AgvizLayoutBox *box,
                                               gboolean              out,
                                               guint                 slot,
                                               AgvizLayoutBox       *ellipse,
                                               AgvizLayoutBox       *label);
/* The annotation whose ellipse or label is under layout point (@x, @y) among those of @layout's
 * closed boxes, or NULL (transfer none). */
AgvizSceneItem *agviz_annotation_pick         (AgvizLayout          *layout,
                                               double                x,
                                               double                y);

G_END_DECLS
