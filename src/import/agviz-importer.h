/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-importer.h: turning what machine-learning frameworks write into agviz trace files
 *
 * An AgvizImporter feeds one AgvizRecorder from sources whose format it detects from their
 * content, asking each framework's backend in turn (agviz-import-backends.c).  TensorFlow's:
 * tfdbg2 dump directories, SavedModel directories, GraphDef and MetaGraphDef files
 * (binary or text), GraphDebugInfo files, TensorBoard event files and log directories, and bare
 * RunMetadata files.  PyTorch's (torch/): ONNX models, torch.export .pt2 archives and
 * TorchScript IR text.  Each source is imported inside one recorder batch: it lands whole, or,
 * when it fails, the trace file is left exactly as it was.  Problems that were tolerated (a
 * truncated last record, records skipped with force) are stored in the trace file as errors
 * with origin AGVIZ_ERROR_ORIGIN_IMPORTER and reported through warnings.
 *
 * Threads: an importer belongs to the thread that uses it, like its recorder.
 */
#pragma once

#include <glib-object.h>

#include "agviz-core.h"
#include "agviz-import-error.h"

G_BEGIN_DECLS

/* What a source is; each framework's backend (agviz-import-backend.h) names and imports its own. */
typedef enum
{
  AGVIZ_SOURCE_FORMAT_UNKNOWN,
  /* TensorFlow (tf/) */
  AGVIZ_SOURCE_FORMAT_TFDBG_DUMP,        /* directory of tfdbg_events.* files */
  AGVIZ_SOURCE_FORMAT_SAVED_MODEL,       /* directory, or saved_model.pb / .pbtxt */
  AGVIZ_SOURCE_FORMAT_GRAPH_DEF,         /* binary or text GraphDef */
  AGVIZ_SOURCE_FORMAT_META_GRAPH_DEF,    /* binary or text MetaGraphDef */
  AGVIZ_SOURCE_FORMAT_GRAPH_DEBUG_INFO,  /* binary or text GraphDebugInfo on its own */
  AGVIZ_SOURCE_FORMAT_EVENT_FILE,        /* events.out.tfevents.* */
  AGVIZ_SOURCE_FORMAT_LOG_DIR,           /* directory holding event files, one run per folder */
  AGVIZ_SOURCE_FORMAT_RUN_METADATA,      /* a bare binary RunMetadata */
  /* JAX (jax/) */
  AGVIZ_SOURCE_FORMAT_MLIR_TEXT,         /* StableHLO / MLIR text, any dialect */
  /* PyTorch (torch/) */
  AGVIZ_SOURCE_FORMAT_TORCH_TRACE,       /* a TORCH_TRACE structured log */
  AGVIZ_SOURCE_FORMAT_TORCH_TRACE_DIR,   /* directory of dedicated_log_torch_trace*.log */
  AGVIZ_SOURCE_FORMAT_TORCH_LOGS,        /* TORCH_LOGS=recompiles,graph_breaks text */
  AGVIZ_SOURCE_FORMAT_JAX_DUMP,          /* directory: jax_dump_ir_to files and/or JAX's log */
  AGVIZ_SOURCE_FORMAT_JAX_LOG,           /* jax_explain_cache_misses / jax_log_compiles text */
  AGVIZ_SOURCE_FORMAT_ONNX_MODEL,        /* .onnx, binary ModelProto */
  AGVIZ_SOURCE_FORMAT_TORCH_EXPORT,      /* .pt2 archive of torch.export.save */
  AGVIZ_SOURCE_FORMAT_TORCHSCRIPT_IR,    /* TorchScript IR text (print(module.graph)) */
} AgvizSourceFormat;

/* What one import added; counts accumulate over agviz_importer_import() calls. */
typedef struct
{
  guint64 bytes;               /* bytes of input read */
  guint64 records;             /* TFRecord records read */
  guint64 functions;           /* function graphs (FunctionDefs, tfdbg graphs) imported */
  guint64 traces;
  guint64 nodes;
  guint64 edges;
  guint64 calls;
  guint64 nodes_with_stacks;
  guint64 executions;
  guint64 tensor_summaries;
  guint64 source_files;        /* source files whose text was stored */
  guint64 warnings;
} AgvizImportStats;

/* Called now and then during long imports (bytes of the current source read so far, its size or
 * -1, records so far). */
typedef void (*AgvizImportProgressFunc) (const char *source,
                                         goffset     bytes_done,
                                         goffset     bytes_total,
                                         guint64     records,
                                         gpointer    user_data);

#define AGVIZ_TYPE_IMPORTER (agviz_importer_get_type ())
G_DECLARE_FINAL_TYPE (AgvizImporter, agviz_importer, AGVIZ, IMPORTER, GObject)

/* The importer keeps a reference to @recorder. */
AgvizImporter     *agviz_importer_new               (AgvizRecorder        *recorder);

/* Keep going past CRC mismatches (skipping damaged records). */
void               agviz_importer_set_force         (AgvizImporter        *self,
                                                     gboolean              force);
/* Lets each import of a big source (8 MiB and more) tune the process's C heap while it runs
 * (glibc's mallopt: one arena, big blocks and freed memory kept in the heap, a region of it
 * marked for transparent huge pages, as first touches of small pages took a third of a large
 * GraphDef's import) and set glibc's
 * defaults back after it.  The settings are the whole process's, and threads that start
 * allocating meanwhile share one arena for good: only for programs that do nothing else while
 * they import, like the command line.  Off by default. */
void               agviz_importer_set_tune_heap     (AgvizImporter        *self,
                                                     gboolean              tune_heap);
/* A GraphDebugInfo file (text or binary) for the next GraphDef sources; NULL: look for
 * SOURCE.debug beside each source. */
void               agviz_importer_set_debug_info    (AgvizImporter        *self,
                                                     const char           *path);
/* TORCH_TRACE logs: also import the AOT and inductor graphs (aot_*_graph, inductor_*_graph),
 * each as a function of its own; by default only dynamo's output graphs. */
void               agviz_importer_set_torch_all_graphs (AgvizImporter     *self,
                                                        gboolean           all_graphs);
/* A captured stderr/traceback stored with the next source (errors with origin program). */
void               agviz_importer_set_error_log     (AgvizImporter        *self,
                                                     const char           *path);
void               agviz_importer_set_progress_func (AgvizImporter        *self,
                                                     AgvizImportProgressFunc func,
                                                     gpointer              user_data,
                                                     GDestroyNotify        destroy);

/* Imports @path in one batch.  On error the trace file is unchanged. */
gboolean           agviz_importer_import            (AgvizImporter        *self,
                                                     const char           *path,
                                                     GError              **error);

/* Totals over every successful import so far. */
const AgvizImportStats *agviz_importer_get_stats    (AgvizImporter        *self);
/* Warnings of every import so far (element-type utf8, transfer none). */
GPtrArray         *agviz_importer_get_warnings      (AgvizImporter        *self);

/* Imports @source into a new trace file at @path (which must not exist yet) and returns the
 * source's format; on error (AGVIZ_SOURCE_FORMAT_UNKNOWN) nothing is left at @path.  For
 * viewers that open a SavedModel, event file, dump or GraphDef directly: the process's heap is
 * left as it is (see agviz_importer_set_tune_heap()). */
AgvizSourceFormat  agviz_importer_import_to_new_file (const char          *source,
                                                      const char          *path,
                                                      GError             **error);

/* Looks at @path's content and says what it is; @error says what was tried when nothing fits. */
AgvizSourceFormat  agviz_importer_detect_format     (const char           *path,
                                                     GError              **error);
const char        *agviz_source_format_to_string    (AgvizSourceFormat     format);

G_END_DECLS
