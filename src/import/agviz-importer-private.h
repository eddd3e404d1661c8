/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-importer-private.h: what the per-format importers share with AgvizImporter */
#pragma once

#include <protobuf-c/protobuf-c.h>

#include "agviz-importer.h"

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
  /* The error the program died of (from the error log; short type such as "Unsupported", and
   * message), NULL when there is none: a backend that recorded the same error links it with
   * crashed_trace_id rather than storing it a second time. */
  const char       *fatal_error_type;
  const char       *fatal_error_message;
  /* TensorFlow: Keras model configs seen in event files (Keras 3's TensorBoard callback
   * writes one, the "conceptual graph", instead of a GraphDef). */
  guint             keras_model_configs;
  /* PyTorch: AOT and inductor graphs of TORCH_TRACE logs too (agviz_importer_set_torch_all_graphs()). */
  gboolean          torch_all_graphs;
} AgvizImportContext;

void      _agviz_import_warn             (AgvizImportContext *ctx,
                                          const char         *format,
                                          ...) G_GNUC_PRINTF (2, 3);
void      _agviz_import_progress         (AgvizImportContext *ctx,
                                          goffset             done,
                                          goffset             total,
                                          guint64             records);

/* Single-message files are read whole; larger ones are refused rather than risking memory. */
#define AGVIZ_IMPORT_MAX_MESSAGE_FILE (((gsize) 2) << 30)

/* "model" for ".../model.pbtxt": the file's name without its extension, which names the
 * function of a graph file's top-level graph (transfer full). */
char     *_agviz_import_label_for_path   (const char         *path);

/* Reads a whole file, refusing ones larger than @max_size (errors in AGVIZ_IMPORT_ERROR). */
char     *_agviz_import_read_file        (const char         *path,
                                          gsize               max_size,
                                          gsize              *length,
                                          GError            **error);

/* Reads @path as binary or text (whichever it is) message of @descriptor. */
ProtobufCMessage *_agviz_import_read_message (const char                       *path,
                                              const ProtobufCMessageDescriptor *descriptor,
                                              GError                          **error);

/* Whether @data (at most its first 4 KiB are looked at) is text, protobuf text format
 * rather than binary: after comments and blank space it starts with a field name. */
gboolean  _agviz_import_looks_like_text  (const char         *data,
                                          gsize               length);

G_END_DECLS
