/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-event-importer.c: TensorBoard event files, log directories and RunMetadata
 *
 * Event files are read one record at a time (memory does not grow with their length).  Graphs
 * come from Event.graph_def, Event.meta_graph_def, and tf.summary.trace_export summaries
 * (plugins graph_run_metadata and graph_run_metadata_graph: RunMetadata.function_graphs,
 * pre-optimization graphs preferred); step statistics from tagged_run_metadata and profiled
 * trace exports become executions.
 */
#define G_LOG_DOMAIN "agviz-event-importer"

#include "config.h"

#include <string.h>

#include "agviz-tf-importer-private.h"
#include "agviz-proto-decoder.h"
#include "agviz-tf-saved-model.pb-c.h"
#include "agviz-tf-values.h"
#include "agviz-tfrecord-reader.h"

/* ---- RunMetadata ------------------------------------------------------------------------- */

static gboolean
graph_has_content (const AgvizTf__GraphDef *graph)
{
  return graph != NULL && (graph->n_node > 0 ||
                           (graph->library != NULL && graph->library->n_function > 0));
}

/* "MatMul" from a timeline label "name = MatMul(a, b)". */
static char *
op_from_timeline_label (const char *label)
{
  const char *equals, *paren;

  if (label == NULL || (equals = strstr (label, " = ")) == NULL)
    return NULL;
  equals += 3;
  paren = strchr (equals, '(');
  if (paren == NULL || paren == equals)
    return NULL;
  return g_strndup (equals, paren - equals);
}

static gboolean
import_step_stats (AgvizImportContext        *ctx,
                   AgvizGraphImporter        *graphs,
                   const AgvizTf__StepStats  *step_stats,
                   gint64                     graph_trace_id,
                   GError                   **error)
{
  GHashTable *nodes = graph_trace_id != 0 ? agviz_graph_importer_get_nodes (graphs, graph_trace_id)
                                          : NULL;
  gint64 first_start = G_MAXINT64, last_end = G_MININT64;
  guint64 n_stats = 0;

  for (gsize d = 0; d < step_stats->n_dev_stats; d++)
    {
      const AgvizTf__DeviceStepStats *device = step_stats->dev_stats[d];

      for (gsize n = 0; n < device->n_node_stats; n++)
        {
          const AgvizTf__NodeExecStats *stats = device->node_stats[n];
          AgvizGraphNodeInfo *node = nodes != NULL && stats->node_name != NULL
                                       ? g_hash_table_lookup (nodes, stats->node_name) : NULL;
          g_autofree char *label_op = NULL;
          AgvizExecution execution = { 0 };
          gint64 execution_id;
          gint64 start_ns = stats->all_start_nanos != 0
                              ? stats->all_start_nanos
                              : agviz_tf_micros_to_ns (stats->all_start_micros);
          gint64 duration_ns = stats->all_end_rel_nanos != 0
                                 ? stats->all_end_rel_nanos
                                 : agviz_tf_micros_to_ns (stats->all_end_rel_micros);

          if (node != NULL)
            execution.op_type = (char *) node->op_type;
          else if ((label_op = op_from_timeline_label (stats->timeline_label)) != NULL)
            execution.op_type = label_op;
          else
            execution.op_type = stats->node_name != NULL && *stats->node_name != '\0'
                                  ? stats->node_name : (char *) "<unnamed>";
          execution.device = device->device;
          execution.start_ns = start_ns;
          execution.duration_ns = MAX (duration_ns, 0);
          execution_id = agviz_recorder_add_execution (ctx->recorder, &execution, error);
          if (execution_id == 0)
            return FALSE;
          ctx->stats.executions++;
          n_stats++;
          first_start = MIN (first_start, start_ns);
          {
            gint64 end_ns;

            /* Times come from the file: saturate rather than overflow. */
            if (__builtin_add_overflow (start_ns, execution.duration_ns, &end_ns))
              end_ns = execution.duration_ns > 0 ? G_MAXINT64 : G_MININT64;
            last_end = MAX (last_end, end_ns);
          }

          /* The outputs' dtype and shape tie the timing to the graph node. */
          for (gsize o = 0; node != NULL && o < stats->n_output; o++)
            {
              const AgvizTf__NodeOutput *output = stats->output[o];
              const AgvizTf__TensorDescription *description = output->tensor_description;
              g_autofree char *shape = NULL;
              AgvizTensorSummary summary;

              agviz_tensor_summary_init (&summary);
              summary.execution_id = execution_id;
              summary.node_id = node->id;
              summary.output_slot = MAX (output->slot, 0);
              if (description != NULL)
                {
                  summary.dtype = (char *) agviz_tf_dtype_name (description->dtype);
                  summary.shape = shape = agviz_tf_shape_to_string (description->shape);
                  summary.element_count = agviz_tf_shape_element_count (description->shape);
                }
              if (agviz_recorder_add_tensor_summary (ctx->recorder, &summary, error) == 0)
                return FALSE;
              ctx->stats.tensor_summaries++;
            }
        }
    }

  /* The step as a whole is one run of the graph. */
  if (n_stats > 0 && graph_trace_id != 0)
    {
      AgvizExecution step = { 0 };

      step.trace_id = graph_trace_id;
      step.start_ns = first_start;
      step.duration_ns = MAX (last_end - first_start, 0);
      if (agviz_recorder_add_execution (ctx->recorder, &step, error) == 0)
        return FALSE;
      ctx->stats.executions++;
    }
  return TRUE;
}

/* The graph an entry of RunMetadata.function_graphs describes best: before optimization, else
 * after, else its first partition; NULL when it has none. */
static const AgvizTf__GraphDef *
function_graph (const AgvizTf__RunMetadata__FunctionGraphs *fg)
{
  if (graph_has_content (fg->pre_optimization_graph))
    return fg->pre_optimization_graph;
  if (graph_has_content (fg->post_optimization_graph))
    return fg->post_optimization_graph;
  return fg->n_partition_graphs > 0 ? fg->partition_graphs[0] : NULL;
}

gboolean
_agviz_import_run_metadata (AgvizImportContext          *ctx,
                            AgvizGraphImporter          *graphs,
                            const AgvizTf__RunMetadata  *run_metadata,
                            const char                  *label,
                            gint64                       graph_trace_id,
                            gint64                       wall_ns,
                            GError                     **error)
{
  gsize traced = 0;

  agviz_graph_importer_set_started_ns (graphs, MAX (wall_ns, 0));

  /* One entry per function the traced call instantiated: the traced function and every function
   * it called (a training step's gradients, loops and variable reads: hundreds), in the order
   * TensorFlow instantiated them, which puts the traced one last as often as first.  They are
   * different functions, not retraces of one: as traces of one function they would read as a
   * retracing storm, and every variable they use as made on a non-first trace.  RunMetadata
   * names none of them; the traced function, which holds the others' calls, is the largest. */
  for (gsize i = 1; i < run_metadata->n_function_graphs; i++)
    {
      const AgvizTf__GraphDef *graph = function_graph (run_metadata->function_graphs[i]);
      const AgvizTf__GraphDef *largest = function_graph (run_metadata->function_graphs[traced]);

      if (graph != NULL && (largest == NULL || graph->n_node > largest->n_node))
        traced = i;
    }

  for (gsize i = 0; i < run_metadata->n_function_graphs; i++)
    {
      const AgvizTf__GraphDef *graph = function_graph (run_metadata->function_graphs[i]);
      g_autoptr(GError) local_error = NULL;
      g_autofree char *function_label = NULL;
      gint64 trace_id;

      if (graph == NULL)
        continue;
      if (i != traced)
        function_label = g_strdup_printf ("%s (function graph %" G_GSIZE_FORMAT ")", label,
                                          i + (i < traced ? 1 : 0));
      trace_id = agviz_graph_importer_add_graph (graphs, graph,
                                                 function_label != NULL ? function_label : label,
                                                 &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (trace_id != 0)
        graph_trace_id = trace_id;
    }

  /* Partition graphs are what ran; import them when nothing else describes the graph. */
  if (graph_trace_id == 0)
    for (gsize i = 0; i < run_metadata->n_partition_graphs; i++)
      {
        g_autofree char *partition = g_strdup_printf ("%s/partition_%" G_GSIZE_FORMAT, label, i);
        g_autoptr(GError) local_error = NULL;
        gint64 trace_id;

        trace_id = agviz_graph_importer_add_graph (graphs, run_metadata->partition_graphs[i],
                                                   partition, &local_error);
        if (local_error != NULL)
          {
            g_propagate_error (error, g_steal_pointer (&local_error));
            return FALSE;
          }
        if (i == 0)
          graph_trace_id = trace_id;
      }

  if (run_metadata->step_stats != NULL &&
      !import_step_stats (ctx, graphs, run_metadata->step_stats, graph_trace_id, error))
    return FALSE;
  return TRUE;
}

/* ---- event files ------------------------------------------------------------------------- */

typedef struct
{
  AgvizImportContext *ctx;
  AgvizGraphImporter *graphs;
  const char         *path;
  const char         *label;
  gint64              last_graph_trace;
  guint64             graphs_seen;
  guint64             summaries_skipped;
  GHashTable         *graph_digests;   /* checksums of graphs added: TF1 writes each twice */
} EventState;

/* Whether the same graph was added already: TF1 writes it twice, as graph_def and inside
 * meta_graph_def (with attributes that may differ slightly), so nodes, ops and inputs decide. */
static gboolean
seen_before (EventState              *state,
             const AgvizTf__GraphDef *graph)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  char *digest;

  for (gsize i = 0; i < graph->n_node; i++)
    {
      const AgvizTf__NodeDef *node = graph->node[i];

      g_checksum_update (checksum, (const guchar *) node->name, strlen (node->name) + 1);
      g_checksum_update (checksum, (const guchar *) node->op, strlen (node->op) + 1);
      for (gsize j = 0; j < node->n_input; j++)
        g_checksum_update (checksum, (const guchar *) node->input[j],
                           strlen (node->input[j]) + 1);
    }
  if (graph->library != NULL)
    for (gsize i = 0; i < graph->library->n_function; i++)
      if (graph->library->function[i]->signature != NULL)
        g_checksum_update (checksum,
                           (const guchar *) graph->library->function[i]->signature->name, -1);
  digest = g_strdup (g_checksum_get_string (checksum));
  if (g_hash_table_contains (state->graph_digests, digest))
    {
      g_free (digest);
      return TRUE;
    }
  g_hash_table_add (state->graph_digests, digest);
  return FALSE;
}

static gboolean
import_graph_bytes (EventState                       *state,
                    const ProtobufCBinaryData        *bytes,
                    gboolean                          meta,
                    gint64                            wall_ns,
                    goffset                           offset,
                    GError                          **error)
{
  g_autofree char *what = g_strdup_printf ("%s: the %s of the record at byte offset %"
                                           G_GOFFSET_FORMAT, state->path,
                                           meta ? "meta_graph_def" : "graph_def", offset);
  g_autoptr(GError) local_error = NULL;
  ProtobufCMessage *message;
  const AgvizTf__GraphDef *graph;
  gint64 trace_id;

  message = agviz_proto_decode (meta ? &agviz_tf__meta_graph_def__descriptor
                                     : &agviz_tf__graph_def__descriptor,
                                bytes->data, bytes->len, what, error);
  if (message == NULL)
    return FALSE;
  graph = meta ? ((AgvizTf__MetaGraphDef *) message)->graph_def
               : (const AgvizTf__GraphDef *) message;
  if (graph != NULL && !seen_before (state, graph))
    {
      agviz_graph_importer_set_started_ns (state->graphs, wall_ns);
      trace_id = agviz_graph_importer_add_graph (state->graphs, graph, state->label,
                                                 &local_error);
      if (trace_id != 0)
        state->last_graph_trace = trace_id;
      state->graphs_seen++;
    }
  agviz_proto_free (message);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

static gboolean
import_run_metadata_bytes (EventState                 *state,
                           const guint8               *data,
                           gsize                       length,
                           const char                 *tag,
                           gint64                      wall_ns,
                           goffset                     offset,
                           GError                    **error)
{
  g_autofree char *what = g_strdup_printf ("%s: the RunMetadata '%s' of the record at byte "
                                           "offset %" G_GOFFSET_FORMAT, state->path, tag, offset);
  g_autofree char *label = NULL;
  AgvizTf__RunMetadata *run_metadata;
  gboolean ok;

  run_metadata = AGVIZ_PROTO_DECODE (AgvizTf__RunMetadata, agviz_tf__run_metadata__descriptor,
                                     data, length, what, error);
  if (run_metadata == NULL)
    return FALSE;
  /* trace_export names each graph by its tag; TF1's tagged run metadata runs the run's graph. */
  label = g_strdup (tag != NULL && *tag != '\0' ? tag : state->label);
  ok = _agviz_import_run_metadata (state->ctx, state->graphs, run_metadata, label,
                                   state->last_graph_trace, wall_ns, error);
  state->graphs_seen += run_metadata->n_function_graphs;
  agviz_proto_free (run_metadata);
  return ok;
}

static gboolean
import_summary (EventState               *state,
                const AgvizTf__Summary   *summary,
                gint64                    wall_ns,
                goffset                   offset,
                GError                  **error)
{
  for (gsize i = 0; i < summary->n_value; i++)
    {
      const AgvizTf__Summary__Value *value = summary->value[i];
      const char *plugin = value->metadata != NULL && value->metadata->plugin_data != NULL
                             ? value->metadata->plugin_data->plugin_name : NULL;

      if (plugin != NULL &&
          (strcmp (plugin, "graph_run_metadata") == 0 ||
           strcmp (plugin, "graph_run_metadata_graph") == 0) &&
          value->value_case == AGVIZ_TF__SUMMARY__VALUE__VALUE_TENSOR &&
          value->tensor->n_string_val > 0)
        {
          if (!import_run_metadata_bytes (state, value->tensor->string_val[0].data,
                                          value->tensor->string_val[0].len, value->tag, wall_ns,
                                          offset, error))
            return FALSE;
        }
      else
        {
          if (plugin != NULL && strcmp (plugin, "graph_keras_model") == 0)
            state->ctx->keras_model_configs++;
          state->summaries_skipped++;
        }
    }
  return TRUE;
}

gboolean
_agviz_import_event_file (AgvizImportContext *ctx,
                          const char         *path,
                          const char         *run_name,
                          GError            **error)
{
  g_autoptr(AgvizTfrecordReader) reader = NULL;
  g_autoptr(AgvizGraphImporter) graphs = NULL;
  g_autoptr(AgvizProtoArena) arena = agviz_proto_arena_new ();
  g_autofree char *label = NULL;
  EventState state = { 0 };
  const guint8 *data;
  gsize length;
  GPtrArray *warnings;

  reader = agviz_tfrecord_reader_new_for_path (path, error);
  if (reader == NULL)
    return FALSE;
  agviz_tfrecord_reader_set_force (reader, ctx->force);

  if (run_name != NULL)
    label = g_strdup (run_name);
  else
    {
      g_autofree char *absolute = g_canonicalize_filename (path, NULL);
      g_autofree char *dir = g_path_get_dirname (absolute);

      /* An event file alone is named after its folder, like the run it belongs to. */
      label = g_path_get_basename (dir);
      if (g_str_equal (label, "/"))
        {
          g_free (label);
          label = g_strdup ("events");
        }
    }

  graphs = agviz_graph_importer_new (ctx->recorder, &ctx->stats, ctx->warnings);
  state.ctx = ctx;
  state.graphs = graphs;
  state.path = path;
  state.label = label;
  state.graph_digests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  while (agviz_tfrecord_reader_next (reader, &data, &length, error))
    {
      goffset offset = agviz_tfrecord_reader_get_record_offset (reader);
      AgvizTf__Event *event;
      gint64 wall_ns;
      gboolean ok = TRUE;

      /* Events unpack into one arena, emptied for the next; the name for errors is made only
       * when there is one (formatting it per record cost more than the rest of most records). */
      event = (AgvizTf__Event *) agviz_proto_arena_decode (arena, &agviz_tf__event__descriptor,
                                                           data, length, 0, NULL, NULL);
      if (event == NULL)
        {
          g_autofree char *what = g_strdup_printf ("%s: the Event at byte offset %"
                                                   G_GOFFSET_FORMAT, path, offset);

          agviz_proto_arena_decode (arena, &agviz_tf__event__descriptor, data, length, 0, what,
                                    error);
          g_hash_table_unref (state.graph_digests);
          return FALSE;
        }
      wall_ns = event->wall_time > 0 && event->wall_time < 1e11
                  ? agviz_tf_seconds_to_ns (event->wall_time) : 0;
      switch (event->what_case)
        {
        case AGVIZ_TF__EVENT__WHAT_GRAPH_DEF:
          ok = import_graph_bytes (&state, &event->graph_def, FALSE, wall_ns, offset, error);
          break;
        case AGVIZ_TF__EVENT__WHAT_META_GRAPH_DEF:
          ok = import_graph_bytes (&state, &event->meta_graph_def, TRUE, wall_ns, offset, error);
          break;
        case AGVIZ_TF__EVENT__WHAT_TAGGED_RUN_METADATA:
          ok = import_run_metadata_bytes (&state, event->tagged_run_metadata->run_metadata.data,
                                          event->tagged_run_metadata->run_metadata.len,
                                          event->tagged_run_metadata->tag, wall_ns, offset,
                                          error);
          break;
        case AGVIZ_TF__EVENT__WHAT_SUMMARY:
          ok = import_summary (&state, event->summary, wall_ns, offset, error);
          break;
        default:
          break;
        }
      if (!ok)
        {
          g_hash_table_unref (state.graph_digests);
          return FALSE;
        }
      ctx->stats.records++;
      _agviz_import_progress (ctx, agviz_tfrecord_reader_get_position (reader),
                              agviz_tfrecord_reader_get_size (reader), ctx->stats.records);
    }
  g_hash_table_unref (state.graph_digests);
  if (error != NULL && *error != NULL)
    return FALSE;

  ctx->stats.bytes += agviz_tfrecord_reader_get_position (reader);
  _agviz_import_progress (ctx, agviz_tfrecord_reader_get_size (reader),
                          agviz_tfrecord_reader_get_size (reader), ctx->stats.records);
  warnings = agviz_tfrecord_reader_get_warnings (reader);
  for (guint i = 0; i < warnings->len; i++)
    _agviz_import_warn (ctx, "%s", (const char *) g_ptr_array_index (warnings, i));
  return TRUE;
}

/* ---- log directories --------------------------------------------------------------------- */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
collect_event_files (const char *root,
                     const char *dir,
                     guint       depth,
                     GPtrArray  *files)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (listing == NULL)
    return;
  while ((name = g_dir_read_name (listing)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  /* Sorted: event file names start with their creation time, runs come in name order. */
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *entry = g_ptr_array_index (names, i);
      g_autofree char *child = g_build_filename (dir, entry, NULL);

      if (strstr (entry, "tfevents") != NULL && g_file_test (child, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (files, g_steal_pointer (&child));
      else if (depth > 0 && g_file_test (child, G_FILE_TEST_IS_DIR) &&
               !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        collect_event_files (root, child, depth - 1, files);
    }
}

gboolean
_agviz_import_log_dir (AgvizImportContext *ctx,
                       const char         *path,
                       GError            **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *root = g_canonicalize_filename (path, NULL);
  g_autofree char *root_name = g_path_get_basename (root);

  collect_event_files (root, root, 4, files);
  for (guint i = 0; i < files->len; i++)
    {
      const char *file = g_ptr_array_index (files, i);
      g_autofree char *dir = g_path_get_dirname (file);
      g_autofree char *run = NULL;

      /* A run is named by its folder below the log directory ("train", "eval/a"); files right
       * in the log directory belong to a run named after it. */
      if (g_str_equal (dir, root))
        run = g_strdup (root_name);
      else
        run = g_strdup (dir + strlen (root) + 1);
      ctx->source = file;
      if (!_agviz_import_event_file (ctx, file, run, error))
        return FALSE;
    }
  if (ctx->stats.traces == 0 && ctx->stats.executions == 0)
    {
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING,
                   "%s: %u event file%s, but no graph in any (only scalars, histograms and "
                   "the like, which agviz does not show)%s", path, files->len,
                   files->len == 1 ? "" : "s",
                   ctx->keras_model_configs > 0 ? AGVIZ_IMPORT_KERAS_CONFIG_HINT : "");
      return FALSE;
    }
  return TRUE;
}
