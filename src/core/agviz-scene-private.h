/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-scene-private.h: for tests that compare the two ways a scene reads its trace and check
 * the shape of the tree */
#pragma once

#include "agviz-scene.h"

G_BEGIN_DECLS

typedef enum
{
  AGVIZ_SCENE_LOAD_AUTO,     /* per scope when the trace has scope_edges and is big */
  AGVIZ_SCENE_LOAD_WHOLE,    /* the whole trace up front */
  AGVIZ_SCENE_LOAD_LAZY,     /* per scope whenever the trace has scope_edges */
} AgvizSceneLoadMode;

AgvizScene *_agviz_scene_new_with_mode (AgvizStore               *store,
                                        gint64                    trace_id,
                                        const AgvizSceneOptions  *options,
                                        AgvizSceneLoadMode        mode,
                                        GError                  **error);

/* Walks everything read and says what breaks the tree's invariants, in words (transfer full), or
 * NULL when nothing does: every child's parent is the item holding it, every depth is its parent's
 * plus one, positions are indices among siblings, each annotation's parent is a scope above its
 * host, no item is in two places and every item made is reachable from the root.  For tests and
 * fuzz targets; it costs a walk of the scene. */
char *_agviz_scene_check_tree (AgvizScene *self);

G_END_DECLS
