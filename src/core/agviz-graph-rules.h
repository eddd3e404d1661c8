/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-graph-rules.h: how a graph's names and op types are read, for files and viewer alike
 *
 * The rules TensorBoard draws a graph by, kept in one place: the recorder writes per-scope edge
 * aggregates into trace files by them and the scene builds its hierarchy by them, so a file and
 * the viewer cannot disagree about where a node is shown or which edge is a reference.  What
 * knows a framework's op types is here too, so the scene's tree-building stays free of them.
 * Nothing here knows SQL, the store or the scene's items: names, op types and counts go in,
 * answers come out.  Internal to the core.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The last part of node name @name ("MatMul" of "model/dense/MatMul"), with *@scope_length set to
 * the length of the scope path before it (0: the node is in no scope; "/a" is "a"). */
const char *_agviz_graph_rules_split_name       (const char   *name,
                                                 gsize        *scope_length);

/* The number a repeated name ends with (TensorFlow's "add_3", Keras's "layer_12", a function's
 * uid in "__inference_f_12"): the decimal digits at its end, at most @max_digits of them, after
 * at least one other byte; -1 when there are none.  *@digits_start (optional) is where they
 * start. */
gint64      _agviz_graph_rules_numeric_suffix   (const char   *name,
                                                 guint         max_digits,
                                                 gsize        *digits_start);

/* TensorBoard's reference-input rule: which input of an op of type @op_type is the variable it
 * changes (input 0 of an assignment or scatter), or -1 when none is.  @op_type may be NULL. */
int         _agviz_graph_rules_reference_input  (const char   *op_type);

static inline gboolean
_agviz_graph_rules_is_reference_input (const char *op_type,
                                       int         input)
{
  return input >= 0 && input == _agviz_graph_rules_reference_input (op_type);
}

/* TensorBoard's sibling-scope rule: an op named like a scope beside it ("dense" beside the scope
 * of "dense/MatMul") is shown inside that scope, as "(dense)", so that no two boxes claim one
 * name.  A set of scopes keyed by the container holding them (whatever the caller's containers
 * are: items, indices) and their name; names are borrowed and must outlive the set. */
typedef struct _AgvizSiblingScopes AgvizSiblingScopes;

AgvizSiblingScopes *_agviz_sibling_scopes_new   (void);
void        _agviz_sibling_scopes_free          (AgvizSiblingScopes *self);
/* A second scope of one name in one container replaces the first. */
void        _agviz_sibling_scopes_add           (AgvizSiblingScopes *self,
                                                 gconstpointer       container,
                                                 const char         *name,
                                                 gpointer            scope);
guint       _agviz_sibling_scopes_size          (AgvizSiblingScopes *self);
/* The scope an op named @op_name in @container is shown inside, or NULL when it stays where it
 * is. */
gpointer    _agviz_sibling_scopes_find_shown_in (AgvizSiblingScopes *self,
                                                 gconstpointer       container,
                                                 const char         *op_name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizSiblingScopes, _agviz_sibling_scopes_free)

/* TensorBoard's extractHighDegrees: among the children of one container, those whose in-degree
 * lies above Q3 + (Q3 - Q1) of their siblings', or out-degree above Q3 + 4 (Q3 - Q1), are
 * outliers.  The limits from the children's degrees (both arrays of guint, one entry per child,
 * sorted here). */
typedef struct
{
  double in_limit;
  double out_limit;
} AgvizDegreeLimits;

void        _agviz_graph_rules_degree_limits    (GArray             *in_degrees,
                                                 GArray             *out_degrees,
                                                 AgvizDegreeLimits  *limits);

/* Whether a child is auxiliary, drawn aside: an outlier by @limits with a degree of at least
 * @min_degree, or a NoOp that only receives (a control sink).  @op_type is NULL for what is not
 * an op (a scope, a series). */
gboolean    _agviz_graph_rules_is_auxiliary     (const AgvizDegreeLimits *limits,
                                                 guint               min_degree,
                                                 const char         *op_type,
                                                 guint               in_degree,
                                                 guint               out_degree);

/* TensorBoard's in/out embeddings: which ops may be drawn beside the one op they are tied to
 * instead of as boxes of their own. */
typedef enum
{
  AGVIZ_ANNOTATION_NONE,
  AGVIZ_ANNOTATION_IN,         /* a constant feeding one op */
  AGVIZ_ANNOTATION_OUT,        /* a summary reading one op */
} AgvizAnnotationKind;

AgvizAnnotationKind _agviz_graph_rules_annotation_kind (const char *op_type);

/* What a graph is called with, drawn as one group per kind instead of a row of boxes. */
typedef enum
{
  AGVIZ_INPUT_ROLE_NONE,
  AGVIZ_INPUT_ROLE_INPUT,      /* an _Arg or Placeholder the caller passes */
  AGVIZ_INPUT_ROLE_CAPTURE,    /* ... one the function captured: a variable handle or an outer
                                * tensor TensorFlow appends after the signature's inputs */
} AgvizInputRole;

/* The role of an op of type @op_type whose dtype ("T" of an _Arg, "dtype" of a Placeholder) is
 * @dtype (may be NULL), by how TensorFlow writes a function's arguments: captured variables are
 * resource handles; signature inputs carry `_user_specified_name` (@user_named), and before TF 2.x
 * named captures too, a function whose arguments carry it (@any_user_named) gave captured tensors
 * none. */
AgvizInputRole _agviz_graph_rules_input_role    (const char         *op_type,
                                                 const char         *dtype,
                                                 gboolean            user_named,
                                                 gboolean            any_user_named);

/* Whether a node named @name was written by Grappler's function inlining ("Func/CALL/input/_0",
 * "Func/CALL/output_control_node/_6"); *@call_length: the length of CALL, the name of the call
 * node whose scope the function body was inlined into ("Func/" is 5 bytes before it). */
gboolean    _agviz_graph_rules_inlined_call     (const char         *name,
                                                 gsize              *call_length);

/* Weakly connected components among @n items, given edges between their indices: which ones lie
 * outside the main component (the one with the most weight, @weights[i] per item), drawn together
 * aside as "unconnected": initialisers, savers, asserts, lone constants.  A component is only put
 * aside when it weighs at most a quarter of the main one, so two halves of a graph both stay.
 * Returns a newly allocated array of @n gbooleans, or NULL when fewer than two items are aside. */
gboolean   *_agviz_graph_rules_unconnected      (guint               n,
                                                 const gint64       *weights,
                                                 const guint        *edge_ends,
                                                 guint               n_edges);

G_END_DECLS
