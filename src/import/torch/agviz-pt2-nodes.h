/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-pt2-nodes.h: what the torch.export and ONNX importers share about a graph's nodes
 *
 * Both draw PyTorch modules as scopes (`layer1/conv/...` from module paths `layer1`,
 * `layer1.conv`), need names that are unique per graph where the files repeat them, and keep
 * attributes as one sorted a{sv} so equal sets share a row.
 */
#pragma once

#include <glib.h>

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
/* A string from a file as a GVariant string, made valid UTF-8; @length -1: NUL-terminated. */
GVariant      *_agviz_pt2_text_variant  (const char     *text,
                                         gssize          length);
/* The attributes as an a{sv} (floating), or NULL when there are none. */
GVariant      *_agviz_pt2_attrs_end     (GTree          *attrs);

G_END_DECLS
