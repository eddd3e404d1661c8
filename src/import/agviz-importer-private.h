/* agviz-importer-private.h: what the per-format importers share with AgvizImporter */
#pragma once

#include <protobuf-c/protobuf-c.h>

#include "agviz-graph-importer.h"
#include "agviz-importer.h"
#include "agviz-tf-summary.pb-c.h"

G_BEGIN_DECLS

/* One source being imported: everything lands in @stats/@warnings, merged into the importer's
 * totals only when the batch commits. */
typedef struct
{
  AgvizImporter    *importer;
  AgvizRecorder    *recorder;
  AgvizImportStats  stats;
  GPtrArray        *warnings;
  gboolean          force;
  const char       *debug_info_path;   /* --debug-info, or NULL */
  const char       *source;            /* what progress reports name */
  gint64            crashed_trace_id;  /* a trace the program was in when it died, or 0 */
  /* The functions named by the frames of the error the program died of (from the error log),
   * NULL when there is none: a trace of one of them that never ran is where it died. */
  GHashTable       *failing_functions;
  /* Keras model configs seen in event files (Keras 3's TensorBoard callback writes one, the
   * "conceptual graph", instead of a GraphDef). */
  guint             keras_model_configs;
} AgvizImportContext;

/* What to add to "no graph" for a source whose event files held only a Keras model config. */
#define AGVIZ_IMPORT_KERAS_CONFIG_HINT \
  "; it holds a Keras model config (TensorBoard's conceptual graph, which Keras 3's " \
  "TensorBoard callback writes instead of a graph): agviz does not read those; " \
  "tf.summary.trace_on(graph=True) and trace_export() write the traced graph"

void      _agviz_import_warn             (AgvizImportContext *ctx,
                                          const char         *format,
                                          ...) G_GNUC_PRINTF (2, 3);
void      _agviz_import_progress         (AgvizImportContext *ctx,
                                          goffset             done,
                                          goffset             total,
                                          guint64             records);

/* Reads a whole file, refusing ones larger than @max_size (errors in AGVIZ_IMPORT_ERROR). */
char     *_agviz_import_read_file        (const char         *path,
                                          gsize               max_size,
                                          gsize              *length,
                                          GError            **error);

/* Reads @path as binary or text (whichever it is) message of @descriptor. */
ProtobufCMessage *_agviz_import_read_message (const char                       *path,
                                              const ProtobufCMessageDescriptor *descriptor,
                                              GError                          **error);

/* The stacks for a GraphDef file: --debug-info, else FILE.debug beside it, read on another
 * thread (agviz_debug_info_load_in_background()); NULL when neither exists. */
AgvizDebugInfo *_agviz_import_start_debug_info (AgvizImportContext *ctx,
                                                const char         *graph_path);

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

/* Whether @dir holds tfdbg_events.* files / event files (searched @depth folders deep). */
gboolean  _agviz_import_is_tfdbg_dump    (const char         *dir);
gboolean  _agviz_import_has_event_files  (const char         *dir,
                                          guint               depth);

G_END_DECLS
