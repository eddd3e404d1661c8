/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-tf-importer-private.h: what TensorFlow's importers share with each other
 *
 * agviz-tf-importer.c is TensorFlow's AgvizImportBackend: it recognises TensorFlow's sources,
 * imports the single-message ones (GraphDef, MetaGraphDef, RunMetadata) itself and hands the
 * others to the importers of event files, SavedModels and tfdbg2 dumps declared here.
 */
#pragma once

#include "agviz-graph-importer.h"
#include "agviz-import-backend.h"
#include "agviz-tf-summary.pb-c.h"

G_BEGIN_DECLS

extern const AgvizImportBackend _agviz_tf_import_backend;

/* What to add to "no graph" for a source whose event files held only a Keras model config. */
#define AGVIZ_IMPORT_KERAS_CONFIG_HINT \
  "; it holds a Keras model config (TensorBoard's conceptual graph, which Keras 3's " \
  "TensorBoard callback writes instead of a graph): agviz does not read those; " \
  "tf.summary.trace_on(graph=True) and trace_export() write the traced graph"

/* RunMetadata: function graphs (pre-optimization preferred) become traces, step_stats
 * executions with per-node timings against @graph_trace_id's nodes (0: none known). */
gboolean  _agviz_import_run_metadata     (AgvizImportContext          *ctx,
                                          AgvizGraphImporter          *graphs,
                                          const AgvizTf__RunMetadata  *run_metadata,
                                          const char                  *label,
                                          gint64                       graph_trace_id,
                                          gint64                       wall_ns,
                                          GError                     **error);

gboolean  _agviz_import_event_file       (AgvizImportContext *ctx,
                                          const char         *path,
                                          const char         *run_name,
                                          GError            **error);
gboolean  _agviz_import_log_dir          (AgvizImportContext *ctx,
                                          const char         *path,
                                          GError            **error);
gboolean  _agviz_import_saved_model      (AgvizImportContext *ctx,
                                          const char         *path,
                                          GError            **error);
gboolean  _agviz_import_tfdbg_dump       (AgvizImportContext *ctx,
                                          const char         *path,
                                          GError            **error);

G_END_DECLS
