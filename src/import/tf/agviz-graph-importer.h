/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-graph-importer.h: one GraphDef (and its function library) into traces
 *
 * The top-level graph becomes one trace of a function named by the caller (a file or run name);
 * every FunctionDef of the library becomes a trace of the Python function its name tells
 * (`__inference_f_123` -> `f`; traces of one function get ordinals in the order of the numbers
 * TensorFlow gave them), unless the caller knows better (SavedModel object graphs).  Function
 * arguments and results become `_Arg`/`_Retval` nodes, attributes an a{sv} dictionary (see
 * agviz-tf-values.h), every attribute naming a function (f, then_branch, body, branches, ...)
 * and every node whose op is a library function a call.  Creation stacks come from an
 * AgvizDebugInfo.
 */
#pragma once

#include "agviz-debug-info.h"
#include "agviz-importer.h"
#include "agviz-tf-graph.pb-c.h"

G_BEGIN_DECLS

typedef struct _AgvizGraphImporter AgvizGraphImporter;

typedef struct
{
  gint64      id;
  const char *op_type;     /* interned */
} AgvizGraphNodeInfo;

/* @stats and @warnings are borrowed and added to. */
AgvizGraphImporter *agviz_graph_importer_new           (AgvizRecorder      *recorder,
                                                        AgvizImportStats   *stats,
                                                        GPtrArray          *warnings);
void                agviz_graph_importer_free          (AgvizGraphImporter *self);

/* Borrowed; stacks of the graphs added next come from it (NULL: a GraphDef's own debug_info). */
void                agviz_graph_importer_set_debug_info (AgvizGraphImporter *self,
                                                        AgvizDebugInfo     *debug_info);
/* When the graphs were made (ns since the epoch; 0: unknown). */
void                agviz_graph_importer_set_started_ns (AgvizGraphImporter *self,
                                                        gint64              started_ns);
/* Names the Python function that FunctionDef @graph_name belongs to, and its signature. */
void                agviz_graph_importer_name_function (AgvizGraphImporter *self,
                                                        const char         *graph_name,
                                                        const char         *function_name,
                                                        const char         *signature);

/* Adds @graph: its nodes as a trace of function @label (none when it has no nodes), then each
 * library function not added before.  Returns the top-level trace id, 0 when there was none
 * (check @error). */
gint64              agviz_graph_importer_add_graph     (AgvizGraphImporter *self,
                                                        const AgvizTf__GraphDef *graph,
                                                        const char         *label,
                                                        GError            **error);

/* Like agviz_graph_importer_add_graph() for a binary GraphDef that is not unpacked yet: its
 * nodes are unpacked one at a time, so a large graph costs the memory of its bytes, not of its
 * unpacked form.  @what names it in errors. */
gint64              agviz_graph_importer_add_graph_bytes (AgvizGraphImporter *self,
                                                          const guint8       *data,
                                                          gsize               length,
                                                          const char         *what,
                                                          const char         *label,
                                                          GError            **error);

/* Nodes of the top-level trace @trace_id by name (element-type AgvizGraphNodeInfo, transfer
 * none), or NULL. */
GHashTable         *agviz_graph_importer_get_nodes     (AgvizGraphImporter *self,
                                                        gint64              trace_id);

/* The trace id of function graph @graph_name added by this importer, or 0. */
gint64              agviz_graph_importer_find_function (AgvizGraphImporter *self,
                                                        const char         *graph_name);

/* The Python function a graph traces: "f" for "__inference_f_123", "__backward_f" for
 * "__backward_f_12_34"; any other name whole ("cond_true_45", "block_1") (transfer full). */
char               *agviz_function_name_for_graph      (const char         *graph_name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizGraphImporter, agviz_graph_importer_free)

G_END_DECLS
