/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-saved-object-tree.h: a SavedModel's SavedObjectGraph as the module tree of its functions
 *
 * The object graph is the tf.Module/Keras layer hierarchy: every object reached from the root
 * through its children's local names, the tf.functions among them with their concrete functions
 * (the traces), and how Python calls each concrete function.  This file turns it into the trace
 * file's module tree (table objects, SCHEMA.md) and the call signatures of the traces.
 */
#pragma once

#include <glib.h>

#include "agviz-graph-importer.h"
#include "agviz-recorder.h"
#include "agviz-tf-saved-model.pb-c.h"

G_BEGIN_DECLS

/* How Python calls a concrete function, from its SavedConcreteFunction:
 * "(x: float32[?,4], training=False) -> float32[?,2]"; NULL when the SavedModel does not say. */
char     *agviz_saved_concrete_function_describe (const AgvizTf__SavedConcreteFunction *function);

/* Dotted paths from the root to every object ("block.project"), breadth first (the shortest
 * path wins, children in their order); "" for the root, NULL for an object no path reaches.
 * @parents, when not NULL, receives each object's parent on that path (-1 for the root and the
 * unreachable).  An array that may hold NULLs, so not a GStrv: g_strfreev() would stop at the
 * first unreachable object and leak the rest (found by fuzz-import-file). */
GPtrArray *agviz_saved_object_paths              (const AgvizTf__SavedObjectGraph *objects,
                                                  GArray                         **parents);

/* Records the objects that lead to a function as the module tree under a root object called
 * @root_name, in the object graph's order; links each function @graphs imported to the object
 * that holds it (the function was named by that object's path in @paths); stores each concrete
 * function's call signature on its trace. */
gboolean   agviz_saved_object_tree_record        (const AgvizTf__SavedObjectGraph *objects,
                                                  char                           **paths,
                                                  GArray                          *parents,
                                                  const char                      *root_name,
                                                  AgvizGraphImporter              *graphs,
                                                  AgvizRecorder                   *recorder,
                                                  GError                         **error);

G_END_DECLS
