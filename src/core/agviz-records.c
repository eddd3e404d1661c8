/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-records.c: freeing records, and the words the trace file uses for their enums */
#define G_LOG_DOMAIN "agviz-records"

#include "config.h"

#include "agviz-records.h"
#include "agviz-records-private.h"

static const char *const trace_status_names[] = { "recording", "complete", "failed" };
static const char *const event_kind_names[] = {
  "variable-created", "retrace", "side-effect", "warning", "graph-break", "compile", "guards",
};
static const char *const error_origin_names[] = { "program", "importer" };

gboolean
_agviz_enum_from_name (const char *const *names,
                       guint               n_names,
                       const char         *text,
                       int                *value)
{
  for (guint i = 0; text != NULL && i < n_names; i++)
    {
      if (g_str_equal (names[i], text))
        {
          *value = (int) i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
agviz_trace_status_to_string (AgvizTraceStatus status)
{
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (trace_status_names), NULL);
  return trace_status_names[status];
}

gboolean
agviz_trace_status_from_string (const char       *text,
                                AgvizTraceStatus *status)
{
  int value;

  if (!_agviz_enum_from_name (trace_status_names, G_N_ELEMENTS (trace_status_names), text, &value))
    return FALSE;
  *status = (AgvizTraceStatus) value;
  return TRUE;
}

const char *
agviz_event_kind_to_string (AgvizEventKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (event_kind_names), NULL);
  return event_kind_names[kind];
}

gboolean
agviz_event_kind_from_string (const char     *text,
                              AgvizEventKind *kind)
{
  int value;

  if (!_agviz_enum_from_name (event_kind_names, G_N_ELEMENTS (event_kind_names), text, &value))
    return FALSE;
  *kind = (AgvizEventKind) value;
  return TRUE;
}

const char *
agviz_error_origin_to_string (AgvizErrorOrigin origin)
{
  g_return_val_if_fail ((guint) origin < G_N_ELEMENTS (error_origin_names), NULL);
  return error_origin_names[origin];
}

gboolean
agviz_error_origin_from_string (const char       *text,
                                AgvizErrorOrigin *origin)
{
  int value;

  if (!_agviz_enum_from_name (error_origin_names, G_N_ELEMENTS (error_origin_names), text, &value))
    return FALSE;
  *origin = (AgvizErrorOrigin) value;
  return TRUE;
}

void
agviz_trace_free (AgvizTrace *trace)
{
  if (trace == NULL)
    return;
  g_free (trace->graph_name);
  g_free (trace->signature);
  g_free (trace->reason);
  g_free (trace->call_signature);
  g_free (trace);
}

void
agviz_function_free (AgvizFunction *function)
{
  if (function == NULL)
    return;
  g_free (function->name);
  g_free (function->file);
  g_clear_pointer (&function->traces, g_ptr_array_unref);
  g_free (function);
}

void
agviz_object_free (AgvizObject *object)
{
  if (object == NULL)
    return;
  g_free (object->name);
  g_free (object->kind);
  g_free (object);
}

void
agviz_scope_free (AgvizScope *scope)
{
  if (scope == NULL)
    return;
  g_free (scope->name);
  g_free (scope->full_name);
  g_free (scope);
}

void
agviz_node_free (AgvizNode *node)
{
  if (node == NULL)
    return;
  g_free (node->name);
  g_free (node->op_type);
  g_free (node->device);
  g_clear_pointer (&node->attrs, g_variant_unref);
  g_free (node);
}

void
agviz_frame_free (AgvizFrame *frame)
{
  if (frame == NULL)
    return;
  g_free (frame->host);
  g_free (frame->file);
  g_free (frame->function);
  g_free (frame->source_line);
  g_free (frame);
}

void
agviz_execution_free (AgvizExecution *execution)
{
  if (execution == NULL)
    return;
  g_free (execution->op_type);
  g_free (execution->device);
  g_free (execution);
}

void
agviz_tensor_summary_init (AgvizTensorSummary *summary)
{
  g_return_if_fail (summary != NULL);

  *summary = (AgvizTensorSummary) {
    .element_count = -1,
    .nan_count = -1,
    .neg_inf_count = -1,
    .pos_inf_count = -1,
    .neg_finite_count = -1,
    .zero_count = -1,
    .pos_finite_count = -1,
  };
}

void
agviz_tensor_summary_free (AgvizTensorSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->dtype);
  g_free (summary->shape);
  g_free (summary);
}

void
agviz_event_free (AgvizEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->message);
  g_free (event->detail);
  g_free (event);
}

void
agviz_recorded_error_free (AgvizRecordedError *error)
{
  if (error == NULL)
    return;
  g_free (error->type);
  g_free (error->message);
  g_free (error->traceback);
  g_free (error);
}

void
agviz_source_file_free (AgvizSourceFile *file)
{
  if (file == NULL)
    return;
  g_free (file->host);
  g_free (file->path);
  g_free (file->sha256);
  g_free (file);
}
