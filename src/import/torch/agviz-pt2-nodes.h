/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-pt2-nodes.h: what the torch.export and ONNX importers share about a graph's nodes
 *
 * Both draw PyTorch modules as scopes (`layer1/conv/...` from module paths `layer1`,
 * `layer1.conv`), need names that are unique per graph where the files repeat them, and keep
 * attributes as one sorted a{sv} so equal sets share a row.
 */
#pragma once

#include "agviz-importer-private.h"

G_BEGIN_DECLS

typedef struct _AgvizPt2Names AgvizPt2Names;

AgvizPt2Names *_agviz_pt2_names_new     (void);
void           _agviz_pt2_names_free    (AgvizPt2Names  *self);
/* @wanted with empty scopes dropped (`/a//b/` is `a/b`; "node" when nothing is left), or that
 * with _N appended for the first N no earlier name took (transfer full). */
char          *_agviz_pt2_names_take    (AgvizPt2Names  *self,
                                         const char     *wanted);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizPt2Names, _agviz_pt2_names_free)

/* Appends to @scope the scope names of a module stack given as each module's full path,
 * outermost first (`""`, `layer1`, `layer1.conv`): each scope is the path less its parent's
 * (`layer1`, `conv`); a '/' inside a path becomes '.' so it never opens a scope of its own. */
void           _agviz_pt2_append_module_scopes (GString            *scope,
                                                const char *const  *paths,
                                                guint               n_paths);

/* Attributes being collected, sorted by name: key -> GVariant. */
GTree         *_agviz_pt2_attrs_new     (void);
/* Sets @key (copied) to @value (a floating reference is sunk); the last value set wins. */
void           _agviz_pt2_attrs_set     (GTree          *attrs,
                                         const char     *key,
                                         GVariant       *value);
/* Where each value of a graph comes from, by name (copied): the node and its output. */
GHashTable    *_agviz_pt2_values_new    (void);
void           _agviz_pt2_values_set    (GHashTable     *values,
                                         const char     *value_name,
                                         gint64          node_id,
                                         int             output);

/* Adds node @value_name (made unique in @names) of @op_type, for a value that comes from outside
 * the graph's nodes (an input, a weight, a value of the graph around a body), as what makes that
 * value; @attrs as in agviz_recorder_add_node().  0 on error. */
gint64         _agviz_pt2_add_value_node (AgvizImportContext *ctx,
                                          AgvizPt2Names      *names,
                                          GHashTable         *values,
                                          gint64              trace_id,
                                          const char         *value_name,
                                          const char         *op_type,
                                          GVariant           *attrs,
                                          GError            **error);

/* The edge from what makes @value_name into input @dst_input of @dst_node_id.  In a body
 * (@nested) a value no node makes comes from the graph around it: an OuterValue node stands for
 * it; elsewhere it is counted in @unresolved and gets no edge. */
gboolean       _agviz_pt2_add_value_edge (AgvizImportContext *ctx,
                                          AgvizPt2Names      *names,
                                          GHashTable         *values,
                                          gint64              trace_id,
                                          const char         *value_name,
                                          gboolean            nested,
                                          gint64              dst_node_id,
                                          int                 dst_input,
                                          guint              *unresolved,
                                          GError            **error);

/* The one trace of function @name (made if new) begun: graphs of a saved file are traced once.
 * 0 on error. */
gint64         _agviz_pt2_begin_graph   (AgvizImportContext *ctx,
                                         const char         *name,
                                         const char         *signature,
                                         GError            **error);
gboolean       _agviz_pt2_end_graph     (AgvizImportContext *ctx,
                                         gint64              trace_id,
                                         GError            **error);

/* Adds an op node as agviz_recorder_add_node() does (@attrs and @stack_id may be NULL and 0),
 * counted in the import's figures.  0 on error. */
gint64         _agviz_pt2_add_op_node   (AgvizImportContext *ctx,
                                         gint64              trace_id,
                                         const char         *name,
                                         const char         *op_type,
                                         GVariant           *attrs,
                                         gint64              stack_id,
                                         GError            **error);

/* Records that node @node_id calls what @calls holds: role, callee graph name, role, ... */
gboolean       _agviz_pt2_add_calls     (AgvizImportContext *ctx,
                                         gint64              trace_id,
                                         gint64              node_id,
                                         GPtrArray          *calls,
                                         GError            **error);

/* A string from a file as a GVariant string, made valid UTF-8; @length -1: NUL-terminated. */
GVariant      *_agviz_pt2_text_variant  (const char     *text,
                                         gssize          length);
/* The attributes as an a{sv} (floating), or NULL when there are none. */
GVariant      *_agviz_pt2_attrs_end     (GTree          *attrs);

G_END_DECLS
