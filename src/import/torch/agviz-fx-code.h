/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-fx-code.h: the readable code torch.fx prints for a GraphModule, as nodes and uses
 *
 * TORCH_TRACE logs (dynamo_output_graph, aot_*_graph, inductor_*_graph, exported_program) hold
 * a graph as the Python source of its forward(): one assignment per node, the called target on
 * the right, `# File: PATH:LINE in FUNC, code: SOURCE` comments above the statements a source
 * line made.  The reader keeps to what that printout guarantees: forward()'s parameters are the
 * placeholders, each statement of its body a node named by the variable it assigns (an
 * assignment of a bare name only aliases), the identifiers of defined names on its right its
 * inputs, `return` the output node.  Classes of submodules printed after forward() are skipped.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char      *name;          /* the variable assigned, "output" for the return statement */
  char      *op_type;       /* "torch.relu", "aten.add.Tensor", "operator.add", "sum", ... */
  char      *type;          /* the annotation ("f32[4][1]cpu"), NULL when none */
  GArray    *inputs;        /* guint: indices of earlier nodes, in the order used */
  /* The `# File:` comment over it; file NULL when there is none. */
  char      *file;
  int        line;
  char      *function;
  char      *code;
} AgvizFxNode;

typedef struct
{
  GPtrArray *nodes;         /* AgvizFxNode, placeholders first */
  char      *signature;     /* forward()'s parameters without self: "(L_x_: f32[4][1]cpu)" */
} AgvizFxGraph;

/* Reads @length bytes of @text (lines may start with one TAB, the payload indent of TORCH_TRACE
 * logs, which is ignored); NULL when it holds no `def forward(`. */
AgvizFxGraph *agviz_fx_graph_parse (const char *text,
                                    gsize       length);
void          agviz_fx_graph_free  (AgvizFxGraph *graph);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizFxGraph, agviz_fx_graph_free)

G_END_DECLS
