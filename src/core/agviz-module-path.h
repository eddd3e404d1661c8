/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-module-path.h: how functions are named by the module tree that owns them
 *
 * One rule for every front end: an object's path joins its local names with "/" (as TensorFlow's
 * name scopes and JAX's name stacks do), and a call node is labelled by the layer it calls,
 * "encoder/dense_1 (__call__)": the owner's path below the model's root, then the function.
 */
#pragma once

#include "agviz-store.h"

G_BEGIN_DECLS

/* The names of @path (element-type AgvizObject, root first) from index @first on, joined by "/". */
char *agviz_module_path_join       (GPtrArray  *path,
                                    guint       first);

/* The label of a node that calls the graph @graph_name: "block (project)", the owner's path
 * below the root (the root's name when the root owns it) and the function's local name; NULL
 * when the callee's function has no place in a module tree (or reading failed: a label is no
 * reason to fail drawing). */
char *agviz_module_path_call_label (AgvizStore *store,
                                    const char *graph_name);

/* The trace a SavedModel is shown by first: the newest complete trace of its serving signature,
 * the function held by "signatures/serving_default" under a root of @objects (element-type
 * AgvizObject, agviz_store_list_objects()), among @functions (element-type AgvizFunction).  NULL
 * when there is none (transfer none); @function (optional) receives its function. */
AgvizTrace *agviz_module_path_find_serving_trace (GPtrArray      *functions,
                                                  GPtrArray      *objects,
                                                  AgvizFunction **function);

/* The trace a file is shown by first: its serving signature's (above), else the biggest
 * complete trace that is no control-flow op's body (a loop body or a branch is opened from the
 * op that runs it; a function a call op calls stands on its own), the later on a tie; else the
 * biggest of any.  @body_graphs (element-type utf8, agviz_store_list_body_graphs()).  NULL when
 * @functions holds no trace (transfer none); @function (optional) receives its function. */
AgvizTrace *agviz_module_path_find_first_trace   (GPtrArray      *functions,
                                                  GPtrArray      *objects,
                                                  GPtrArray      *body_graphs,
                                                  AgvizFunction **function);

G_END_DECLS
