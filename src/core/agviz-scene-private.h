/* agviz-scene-private.h: for tests that compare the two ways a scene reads its trace */
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

G_END_DECLS
