/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-pt2-stack-trace.h: the `stack_trace` text PyTorch keeps on graph nodes, as stacks
 *
 * torch.fx keeps each node's creation traceback as Python prints it (`File "m.py", line 5, in
 * forward` then the code line, outermost call first); torch.export writes it into a .pt2's node
 * metadata and the dynamo ONNX exporter into `pkg.torch.onnx.stack_trace`.
 */
#pragma once

#include "agviz-recorder.h"

G_BEGIN_DECLS

/* Remembers the stacks made so far by their text: nodes of one line share one text. */
GHashTable *_agviz_pt2_stack_cache_new   (void);

/* The stack of traceback @text in @recorder, looked up in and added to @cache: 0 when it names
 * no frame, -1 (with @error set) when the recorder fails. */
gint64      _agviz_pt2_stack_from_trace  (AgvizRecorder  *recorder,
                                          GHashTable     *cache,
                                          const char     *text,
                                          GError        **error);

G_END_DECLS
