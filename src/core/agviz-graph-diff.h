/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-graph-diff.h: what changed from one trace to another
 *
 * Two traces, of one trace file or of two, are compared node by node.  Nodes are paired by these
 * rules, in order, the later ones only among nodes still unpaired and repeated until none pairs
 * more:
 *   1. the same full scoped name;
 *   2. structure: the same op type and the same inputs (each input's source already paired with
 *      the other side's source at that position, same output slot), or, for a node whose inputs
 *      do not decide it, the same op type and the same consumers; a pair is made only when
 *      exactly one node on each side has that key;
 *   3. the same name once TensorFlow's uniquifying counters are dropped from every component
 *     (`dense_1/MatMul` and `dense_2/MatMul` are both `dense/MatMul`) and the same op type, again
 *      only when unique on both sides.
 * A paired node is changed when its op type, any attribute, its output shapes (the
 * `_output_shapes` attribute), the source line that created it (the innermost frame of the
 * program's own code in its creation stack) or its inputs differ; function references in
 * attributes (`__inference_f_123`) are compared without TensorFlow's trailing number, which only
 * counts functions made so far.  Unpaired nodes of the first trace are removed, of the second
 * added.  Every scope of either trace rolls up the changes below it, so a collapsed scope can say
 * that something inside changed.
 *
 * No GTK and no Graphviz; an AgvizGraphDiff is immutable once made.
 */
#pragma once

#include <glib-object.h>

#include "agviz-scene.h"
#include "agviz-store.h"

G_BEGIN_DECLS

typedef enum
{
  AGVIZ_DIFF_STATUS_SAME,
  AGVIZ_DIFF_STATUS_CHANGED,
  AGVIZ_DIFF_STATUS_ADDED,      /* only in the second trace */
  AGVIZ_DIFF_STATUS_REMOVED,    /* only in the first */
} AgvizDiffStatus;

typedef enum
{
  AGVIZ_DIFF_CHANGE_OP_TYPE     = 1 << 0,
  AGVIZ_DIFF_CHANGE_ATTRS       = 1 << 1,
  AGVIZ_DIFF_CHANGE_SHAPES      = 1 << 2,
  AGVIZ_DIFF_CHANGE_SOURCE_LINE = 1 << 3,
  AGVIZ_DIFF_CHANGE_INPUTS      = 1 << 4,
} AgvizDiffChanges;

typedef enum
{
  AGVIZ_DIFF_MATCH_NONE,        /* added or removed */
  AGVIZ_DIFF_MATCH_NAME,        /* rule 1 */
  AGVIZ_DIFF_MATCH_STRUCTURE,   /* rule 2 */
  AGVIZ_DIFF_MATCH_COUNTER,     /* rule 3 */
} AgvizDiffMatch;

/* One thing that differs: @what is "op", "shapes", "source", "inputs" or "attr NAME"; @before
 * and @after are its values as text, NULL where that side has none. */
typedef struct
{
  char *what;
  char *before;
  char *after;
} AgvizDiffDetail;

/* One node that differs (the same ones are not listed). */
typedef struct
{
  AgvizDiffStatus   status;
  AgvizDiffMatch    match;
  AgvizDiffChanges  changes;
  gint64            node_a;     /* 0 when added */
  gint64            node_b;     /* 0 when removed */
  char             *name_a;     /* NULL when added */
  char             *name_b;     /* NULL when removed */
  const char       *op_type_a;  /* interned; NULL when added */
  const char       *op_type_b;  /* interned; NULL when removed */
  char             *source_a;   /* "file.py:12" of the creating line, NULL unknown */
  char             *source_b;
  GArray           *details;    /* AgvizDiffDetail: what changed, in the order of the flags */
} AgvizDiffEntry;

/* The entry's node as the later trace has it, else as the earlier one (a removed node). */
const char            *agviz_diff_entry_get_name        (const AgvizDiffEntry  *entry);
const char            *agviz_diff_entry_get_op_type     (const AgvizDiffEntry  *entry);
/* "file.py:12", NULL unknown */
const char            *agviz_diff_entry_get_source      (const AgvizDiffEntry  *entry);

typedef struct
{
  guint added;
  guint removed;
  guint changed;
} AgvizDiffCounts;

/* How a scene item of the second trace is highlighted. */
typedef enum
{
  AGVIZ_DIFF_MARK_NONE,
  AGVIZ_DIFF_MARK_ADDED,        /* an added node, or a scope only the second trace has */
  AGVIZ_DIFF_MARK_CHANGED,      /* a changed node */
  AGVIZ_DIFF_MARK_INSIDE,       /* a scope, series or section with changes below it */
} AgvizDiffMark;

#define AGVIZ_TYPE_GRAPH_DIFF (agviz_graph_diff_get_type ())
G_DECLARE_FINAL_TYPE (AgvizGraphDiff, agviz_graph_diff, AGVIZ, GRAPH_DIFF, GObject)

/* Compares trace @trace_a of @store_a with trace @trace_b of @store_b (the same store may be
 * given twice).  Reads both traces whole; not for the GUI's main thread on big traces. */
AgvizGraphDiff        *agviz_graph_diff_new             (AgvizStore            *store_a,
                                                         gint64                 trace_a,
                                                         AgvizStore            *store_b,
                                                         gint64                 trace_b,
                                                         GError               **error);

gint64                 agviz_graph_diff_get_trace_a     (AgvizGraphDiff        *self);
gint64                 agviz_graph_diff_get_trace_b     (AgvizGraphDiff        *self);
/* Whether nothing differs. */
gboolean               agviz_graph_diff_is_empty        (AgvizGraphDiff        *self);
const AgvizDiffCounts *agviz_graph_diff_get_counts      (AgvizGraphDiff        *self);
/* Nodes paired by each rule (AGVIZ_DIFF_MATCH_NAME .. _COUNTER), for reports. */
guint                  agviz_graph_diff_get_n_matched   (AgvizGraphDiff        *self,
                                                         AgvizDiffMatch         match);
/* The differing nodes: changed, then added, then removed, each by name (element-type
 * AgvizDiffEntry, transfer none). */
GPtrArray             *agviz_graph_diff_get_entries     (AgvizGraphDiff        *self);
/* The entry of node @node_id of the second trace, NULL when it is the same as its pair. */
const AgvizDiffEntry  *agviz_graph_diff_lookup_b        (AgvizGraphDiff        *self,
                                                         gint64                 node_id);
/* The changes anywhere below scope @path ("a/b"; "" the whole trace) of either trace; FALSE,
 * with zero counts, when nothing below it differs. */
gboolean               agviz_graph_diff_get_scope_counts (AgvizGraphDiff       *self,
                                                         const char            *path,
                                                         AgvizDiffCounts       *counts);
/* The highlight of @item, an item of a scene of the second trace (items of callee graphs
 * opened inline are not compared: NONE). */
AgvizDiffMark          agviz_graph_diff_mark_item       (AgvizGraphDiff        *self,
                                                         const AgvizSceneItem  *item);

/* "op", "attrs", "shapes", "source", "inputs" for one flag (static). */
const char            *agviz_diff_change_to_string      (AgvizDiffChanges       change);
/* "same", "changed", "added", "removed" (static). */
const char            *agviz_diff_status_to_string      (AgvizDiffStatus        status);
/* "name", "structure", "counter", "none" (static). */
const char            *agviz_diff_match_to_string       (AgvizDiffMatch         match);

G_END_DECLS
