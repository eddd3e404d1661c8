/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-scene.h: the collapsible hierarchy one trace is drawn from
 *
 * A scene turns a trace's flat nodes and edges into what a graph view shows: name scopes as
 * boxes with counts and op histograms, runs of numbered siblings folded into series, high-degree
 * and NoOp-sink nodes moved aside ("auxiliary"), overfull scopes split into sections, call nodes
 * that can be opened onto the callee's graph, and the expansion state of all of it.  The rules
 * follow TensorBoard's graph dashboard (docs/ANCHORS.md section 1).  Metaedges between the items
 * visible inside one expanded item carry how many edges they stand for and the tensor size.
 *
 * No GTK and no Graphviz here: src/render lays a scene out, the GUI will draw the same scene.
 * A scene and its items belong to one thread; items live as long as the scene.
 */
#pragma once

#include <glib-object.h>

#include "agviz-store.h"

G_BEGIN_DECLS

typedef enum
{
  AGVIZ_SCENE_ITEM_ROOT,       /* the trace itself (or an inlined callee graph) */
  AGVIZ_SCENE_ITEM_SCOPE,      /* a name scope */
  AGVIZ_SCENE_ITEM_OP,         /* one node of the graph */
  AGVIZ_SCENE_ITEM_SERIES,     /* numbered siblings of one kind: add, add_1 ... add_9 */
  AGVIZ_SCENE_ITEM_SECTION,    /* a slice of a scope with too many children */
  AGVIZ_SCENE_ITEM_GROUP,      /* what one rule draws together: a graph's inputs, its captures,
                                * its parts connected to nothing else ("inputs (3)") */
} AgvizSceneItemKind;

typedef struct _AgvizSceneItem AgvizSceneItem;

/* Read-only for everybody but agviz-scene.c. */
struct _AgvizSceneItem
{
  AgvizSceneItemKind  kind;
  AgvizSceneItem     *parent;          /* NULL for the scene's root */
  GPtrArray          *children;        /* AgvizSceneItem, in display order; NULL for a leaf */
  char               *name;            /* local name: "dense", "add_[1-9]", "(section 2 of 3)" */
  const char         *op_type;         /* ops and op series; NULL otherwise (interned) */
  const char         *device;          /* ops; NULL when not placed (interned) */
  gint64              trace_id;        /* the trace this item comes from (callees differ) */
  gint64              node_id;         /* ops: the node; 0 otherwise */
  gint64              scope_id;        /* scopes: the store's scope; 0 otherwise */
  gint64              stack_id;        /* ops: creation stack, 0 unknown */
  gint64              op_count;        /* ops anywhere below (1 for an op) */
  gint64              output_elements; /* ops: elements of output 0, -1 unknown */
  gint64              node_count;      /* scopes and roots: nodes whose own scope it is */
  char              **callees;         /* ops that call functions: graph names, else NULL */
  guint               depth;           /* 0 for the root */
  guint               position;        /* index among its parent's children */
  guint               in_degree;       /* distinct metaedges into it among its siblings */
  guint               out_degree;
  guint               expanded : 1;
  guint               auxiliary : 1;   /* drawn in the side area of its parent */
  guint               shadowed : 1;    /* an op named like a sibling scope, moved inside it */
  guint               callees_loaded : 1;
  guint               unloaded : 1;    /* a scope whose children are not read yet: expanding,
                                        * finding or expanding to a depth reads them */
  guint               annotation : 1;  /* drawn small beside another item, not as a box */
  guint               annotation_out : 1;    /* ... as its output (a *Summary), else input (Const) */
  guint               annotation_hidden : 1; /* ... past the first AGVIZ_SCENE_MAX_ANNOTATIONS of
                                              * its side: drawn as one "…" with the others */
  guint               inlined : 1;     /* a scope of Grappler's inlined-call nodes ("Func/CALL/input"),
                                        * drawn inside CALL's scope; its path keeps "Func/" */
  AgvizSceneItem     *annotated;       /* annotations: the item they are drawn beside */
  guint               annotation_edges;/* annotations: the edges they stand for (not metaedges) */
  GPtrArray          *annotations;     /* see agviz_scene_item_get_annotations() */
};

/* Edges drawn between two items visible inside one expanded item. */
typedef struct
{
  AgvizSceneItem *src;
  AgvizSceneItem *dst;
  guint           count;               /* underlying edges */
  guint           control_count;       /* of which control edges */
  guint           reference_count;     /* of which feed a reference input (Assign*, Scatter*) */
  gint64          tensor_elements;     /* summed sizes of the tensors it carries, -1 unknown */
} AgvizSceneEdge;

typedef struct
{
  guint series_min_size;               /* fold numbered siblings from this many (5) */
  guint section_max_children;          /* split scopes with more children (500) */
  guint aux_min_children;              /* extract high-degree nodes in scopes this big (15) */
  guint aux_min_degree;                /* ... of at least this degree (5) */
  gboolean extract_auxiliary;          /* FALSE: no side areas (--no-aux) */
  guint max_call_depth;                /* nested callee graphs opened inline at most (8) */
  gboolean annotations;                /* FALSE: Const and *Summary ops stay boxes
                                        * (--no-annotations) */
} AgvizSceneOptions;

/* Annotations drawn per side of an item before an ellipsis (TensorBoard's maxAnnotations). */
#define AGVIZ_SCENE_MAX_ANNOTATIONS 5

#define AGVIZ_SCENE_ERROR (agviz_scene_error_quark ())

typedef enum
{
  AGVIZ_SCENE_ERROR_NOT_FOUND,         /* no item by that name */
} AgvizSceneError;

#define AGVIZ_TYPE_SCENE (agviz_scene_get_type ())
G_DECLARE_FINAL_TYPE (AgvizScene, agviz_scene, AGVIZ, SCENE, GObject)

GQuark            agviz_scene_error_quark        (void);
void              agviz_scene_options_init       (AgvizSceneOptions  *options);

/* Reads @trace_id from @store (kept, for loading callees and, for a big trace with scope edge
 * aggregates, scopes later) and builds its hierarchy with the root expanded.  Such a trace is
 * read per scope: a scope's children exist once it has been expanded, found or opened by
 * agviz_scene_expand_to_depth() (until then AgvizSceneItem.unloaded is set), and
 * agviz_scene_item_dup_histogram() is empty for a subtree not read whole.
 * @options NULL: the defaults. */
AgvizScene       *agviz_scene_new                (AgvizStore         *store,
                                                  gint64              trace_id,
                                                  const AgvizSceneOptions *options,
                                                  GError            **error);

AgvizSceneItem   *agviz_scene_get_root           (AgvizScene         *self);
gint64            agviz_scene_get_trace_id       (AgvizScene         *self);
AgvizStore       *agviz_scene_get_store          (AgvizScene         *self);
const AgvizSceneOptions *agviz_scene_get_options (AgvizScene         *self);
/* Items and edges of the trace (callees opened inline included). */
guint64           agviz_scene_get_n_items        (AgvizScene         *self);
guint64           agviz_scene_get_n_edges        (AgvizScene         *self);

/* The item's full name: its node's name for an op, "a/b" for a scope, the parent's name plus
 * the local name for series, sections and groups; "" for the root (transfer full). */
char             *agviz_scene_item_dup_path      (const AgvizSceneItem *item);
/* Counts of op types below the item, op type -> count (transfer full); empty while part of the
 * subtree is not read yet (see agviz_scene_new()). */
GHashTable       *agviz_scene_item_dup_histogram (const AgvizSceneItem *item);
/* Whether expanding it shows anything: scopes, series, sections, and call ops. */
gboolean          agviz_scene_item_is_expandable (const AgvizSceneItem *item);
/* Visible: the root, or every ancestor expanded. */
gboolean          agviz_scene_item_is_visible    (const AgvizSceneItem *item);

/* The ops drawn as small annotations beside @item instead of as boxes of their own
 * (element-type AgvizSceneItem, transfer none), or NULL: a Const whose edges all go to @item,
 * or a *Summary op whose edges all come from it, both in the same container.  Inputs first, then
 * outputs, each by name.  They are not among any item's children and no metaedge stands for
 * their edges; agviz_scene_find() and agviz_scene_item_dup_histogram() still see them. */
GPtrArray        *agviz_scene_item_get_annotations (const AgvizSceneItem *item);

/* Expanding a call op loads its callees' graphs inline on first use (errors from the store). */
gboolean          agviz_scene_expand             (AgvizScene         *self,
                                                  AgvizSceneItem     *item,
                                                  GError            **error);
void              agviz_scene_collapse           (AgvizScene         *self,
                                                  AgvizSceneItem     *item);
/* Collapses everything, then expands every item above @depth (1: only the root). */
gboolean          agviz_scene_expand_to_depth    (AgvizScene         *self,
                                                  guint               depth,
                                                  GError            **error);
/* Expands everything, without opening callees. */
void              agviz_scene_expand_all         (AgvizScene         *self);
/* The item for the node or scope named @path ("a/b/MatMul"), through series and sections. */
AgvizSceneItem   *agviz_scene_find              (AgvizScene         *self,
                                                  const char         *path,
                                                  GError            **error);
/* Like agviz_scene_find(), but where a node and a scope share @path, the node. */
AgvizSceneItem   *agviz_scene_find_node          (AgvizScene         *self,
                                                  const char         *path,
                                                  GError            **error);
/* Expands every ancestor of @item so that it becomes visible. */
void              agviz_scene_expand_path_to     (AgvizScene         *self,
                                                  AgvizSceneItem     *item);

/* The edges drawn inside the expanded @container, between its children (element-type
 * AgvizSceneEdge, transfer full), sorted for determinism.  Edges touching an auxiliary child are
 * left out and counted in @n_aux_edges (may be NULL). */
GArray           *agviz_scene_list_edges         (AgvizScene         *self,
                                                  AgvizSceneItem     *container,
                                                  guint              *n_aux_edges);

/* Every expanded and visible item, parents before children (transfer container). */
GPtrArray        *agviz_scene_list_expanded      (AgvizScene         *self);

G_END_DECLS
