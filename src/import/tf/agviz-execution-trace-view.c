/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-execution-trace-view.c: a GraphExecutionTrace DebugEvent read straight off the wire
 *
 * Only the plain form is taken: each field once, in its declared wire type, no field agviz's
 * .proto does not know.  Everything else returns FALSE before anything is trusted, and the caller
 * unpacks the record through protobuf-c (agviz-proto-decoder.c), whose answer, success or error,
 * stands.  So this reader may be strict where protobuf would be lenient (a repeated singular
 * field, a non-packed repeated one): those records only take the slow path.
 */
#define G_LOG_DOMAIN "agviz-importer"

#include "config.h"

#include <string.h>

#include "agviz-execution-trace-view.h"
#include "agviz-proto-decoder.h"

enum
{
  WIRE_VARINT = 0,
  WIRE_FIXED64 = 1,
  WIRE_LENGTH = 2,
  WIRE_FIXED32 = 5,
};

/* One field as found on the wire. */
typedef struct
{
  guint32       number;
  guint         wire_type;
  guint64       value;      /* varints and fixed-size values */
  const guint8 *data;       /* length-delimited ones */
  gsize         length;
} WireField;

static gboolean
next_field (const guint8 **p,
            const guint8  *end,
            WireField     *field)
{
  guint64 tag;

  if (!agviz_proto_read_varint (p, end, &tag) || (tag >> 3) == 0 || (tag >> 3) > G_MAXINT32)
    return FALSE;
  field->number = (guint32) (tag >> 3);
  field->wire_type = (guint) (tag & 7);
  switch (field->wire_type)
    {
    case WIRE_VARINT:
      return agviz_proto_read_varint (p, end, &field->value);
    case WIRE_FIXED64:
      if (end - *p < 8)
        return FALSE;
      memcpy (&field->value, *p, 8);
      field->value = GUINT64_FROM_LE (field->value);
      *p += 8;
      return TRUE;
    case WIRE_LENGTH:
      {
        guint64 length;

        if (!agviz_proto_read_varint (p, end, &length) || length > (guint64) (end - *p))
          return FALSE;
        field->data = *p;
        field->length = (gsize) length;
        *p += length;
        return TRUE;
      }
    default:
      /* Fixed 32-bit values appear only packed in what is read here; groups never. */
      return FALSE;
    }
}

/* Whether @field is the first of its number (@seen collects them, numbers below 32) in @type. */
static gboolean
first_of_type (const WireField *field,
               guint            type,
               guint32         *seen)
{
  guint32 bit;

  if (field->wire_type != type || field->number >= 32)
    return FALSE;
  bit = 1u << field->number;
  if (*seen & bit)
    return FALSE;
  *seen |= bit;
  return TRUE;
}

/* Appends a string field's bytes, NUL-terminated; returns its offset in view->strings. */
static gsize
add_string (AgvizExecutionTraceView *view,
            const WireField         *field)
{
  gsize offset = view->strings->len;

  g_string_append_len (view->strings, (const char *) field->data, (gssize) field->length);
  g_string_append_c (view->strings, '\0');
  return offset;
}

static gboolean
read_shape (AgvizExecutionTraceView *view,
            const guint8            *p,
            const guint8            *end)
{
  AgvizTf__TensorShapeProto *shape = &view->shape;
  guint32 seen = 0;
  WireField field;

  *shape = (AgvizTf__TensorShapeProto) AGVIZ_TF__TENSOR_SHAPE_PROTO__INIT;
  shape->dim = view->dim_pointers;
  while (p < end)
    {
      if (!next_field (&p, end, &field))
        return FALSE;
      if (field.number == 2 && field.wire_type == WIRE_LENGTH)
        {
          AgvizTf__TensorShapeProto__Dim *dim;
          const guint8 *q = field.data, *dim_end = field.data + field.length;
          guint32 dim_seen = 0;
          WireField size;

          if (shape->n_dim == AGVIZ_EXECUTION_TRACE_VIEW_MAX_DIMS)
            return FALSE;
          dim = &view->dims[shape->n_dim];
          *dim = (AgvizTf__TensorShapeProto__Dim) AGVIZ_TF__TENSOR_SHAPE_PROTO__DIM__INIT;
          /* A dim of its size only (names are for the rare named dimension). */
          while (q < dim_end)
            {
              if (!next_field (&q, dim_end, &size) || size.number != 1 ||
                  !first_of_type (&size, WIRE_VARINT, &dim_seen))
                return FALSE;
              dim->size = (gint64) size.value;
            }
          view->dim_pointers[shape->n_dim++] = dim;
        }
      else if (field.number == 3 && first_of_type (&field, WIRE_VARINT, &seen))
        shape->unknown_rank = field.value != 0;
      else
        return FALSE;
    }
  if (shape->n_dim == 0)
    shape->dim = NULL;
  return TRUE;
}

/* Copies a packed run of @size-byte values (float or double: little-endian IEEE 754 on the
 * wire, as in memory on the hosts agviz runs on) into view->values. */
static gboolean
read_packed (AgvizExecutionTraceView *view,
             const WireField         *field,
             gsize                    size,
             gsize                   *n_values)
{
  if (field->length % size != 0 || field->length / sizeof (double) >= G_MAXUINT)
    return FALSE;
  g_array_set_size (view->values, (guint) ((field->length + sizeof (double) - 1) /
                                           sizeof (double)));
  if (field->length > 0)
    memcpy (view->values->data, field->data, field->length);
  *n_values = field->length / size;
  return TRUE;
}

static gboolean
read_tensor (AgvizExecutionTraceView *view,
             const guint8            *p,
             const guint8            *end)
{
  AgvizTf__TensorProto *tensor = &view->tensor;
  guint32 seen = 0;
  WireField field;

  *tensor = (AgvizTf__TensorProto) AGVIZ_TF__TENSOR_PROTO__INIT;
  while (p < end)
    {
      if (!next_field (&p, end, &field))
        return FALSE;
      switch (field.number)
        {
        case 1:
          if (!first_of_type (&field, WIRE_VARINT, &seen))
            return FALSE;
          tensor->dtype = (AgvizTf__DataType) (gint32) (guint32) field.value;
          break;
        case 2:
          if (!first_of_type (&field, WIRE_LENGTH, &seen) ||
              !read_shape (view, field.data, field.data + field.length))
            return FALSE;
          tensor->tensor_shape = &view->shape;
          break;
        case 3:
          if (!first_of_type (&field, WIRE_VARINT, &seen))
            return FALSE;
          tensor->version_number = (gint32) (guint32) field.value;
          break;
        case 4:
          if (!first_of_type (&field, WIRE_LENGTH, &seen))
            return FALSE;
          tensor->tensor_content.data = (guint8 *) field.data;
          tensor->tensor_content.len = field.length;
          break;
        case 5:
        case 6:
          /* One run of one of them: both share view->values. */
          if (field.wire_type != WIRE_LENGTH || (seen & ((1u << 5) | (1u << 6))) != 0)
            return FALSE;
          seen |= 1u << field.number;
          if (field.number == 5 ? !read_packed (view, &field, 4, &tensor->n_float_val)
                                : !read_packed (view, &field, 8, &tensor->n_double_val))
            return FALSE;
          break;
        default:
          return FALSE;
        }
    }
  /* Set last: view->values may have moved while it was filled. */
  if (tensor->n_float_val > 0)
    tensor->float_val = (float *) (gpointer) view->values->data;
  if (tensor->n_double_val > 0)
    tensor->double_val = (double *) (gpointer) view->values->data;
  return TRUE;
}

static gboolean
read_trace (AgvizExecutionTraceView *view,
            const guint8            *p,
            const guint8            *end)
{
  AgvizTf__GraphExecutionTrace *trace = &view->trace;
  gsize context_at = G_MAXSIZE, op_at = G_MAXSIZE, device_at = G_MAXSIZE;
  guint32 seen = 0;
  WireField field;

  *trace = (AgvizTf__GraphExecutionTrace) AGVIZ_TF__GRAPH_EXECUTION_TRACE__INIT;
  g_string_truncate (view->strings, 0);
  while (p < end)
    {
      if (!next_field (&p, end, &field))
        return FALSE;
      switch (field.number)
        {
        case 1:
        case 2:
        case 6:
          if (!first_of_type (&field, WIRE_LENGTH, &seen))
            return FALSE;
          *(field.number == 1 ? &context_at : field.number == 2 ? &op_at : &device_at) =
            add_string (view, &field);
          break;
        case 3:
          if (!first_of_type (&field, WIRE_VARINT, &seen))
            return FALSE;
          trace->output_slot = (gint32) (guint32) field.value;
          break;
        case 4:
          if (!first_of_type (&field, WIRE_VARINT, &seen))
            return FALSE;
          trace->tensor_debug_mode = (AgvizTf__TensorDebugMode) (gint32) (guint32) field.value;
          break;
        case 5:
          if (!first_of_type (&field, WIRE_LENGTH, &seen) ||
              !read_tensor (view, field.data, field.data + field.length))
            return FALSE;
          trace->tensor_proto = &view->tensor;
          break;
        default:
          return FALSE;
        }
    }
  /* Set last: view->strings may have moved while it was filled. */
  if (context_at != G_MAXSIZE)
    trace->tfdbg_context_id = view->strings->str + context_at;
  if (op_at != G_MAXSIZE)
    trace->op_name = view->strings->str + op_at;
  if (device_at != G_MAXSIZE)
    trace->device_name = view->strings->str + device_at;
  return TRUE;
}

void
_agviz_execution_trace_view_init (AgvizExecutionTraceView *view)
{
  memset (view, 0, sizeof *view);
  view->strings = g_string_new (NULL);
  view->values = g_array_new (FALSE, FALSE, sizeof (double));
}

void
_agviz_execution_trace_view_clear (AgvizExecutionTraceView *view)
{
  g_string_free (view->strings, TRUE);
  g_array_unref (view->values);
  memset (view, 0, sizeof *view);
}

gboolean
_agviz_execution_trace_view_read (AgvizExecutionTraceView *view,
                                  const guint8            *data,
                                  gsize                    length)
{
  AgvizTf__DebugEvent *event = &view->event;
  const guint8 *p = data, *end = data + length;
  guint32 seen = 0;
  WireField field;

#if G_BYTE_ORDER != G_LITTLE_ENDIAN
  return FALSE;
#endif
  *event = (AgvizTf__DebugEvent) AGVIZ_TF__DEBUG_EVENT__INIT;
  while (p < end)
    {
      if (!next_field (&p, end, &field))
        return FALSE;
      switch (field.number)
        {
        case 1:
          if (!first_of_type (&field, WIRE_FIXED64, &seen))
            return FALSE;
          memcpy (&event->wall_time, &field.value, sizeof event->wall_time);
          break;
        case 2:
          if (!first_of_type (&field, WIRE_VARINT, &seen))
            return FALSE;
          event->step = (gint64) field.value;
          break;
        case 10:
          if (!first_of_type (&field, WIRE_LENGTH, &seen) ||
              !read_trace (view, field.data, field.data + field.length))
            return FALSE;
          break;
        default:
          return FALSE;
        }
    }
  if ((seen & (1u << 10)) == 0)
    return FALSE;
  event->what_case = AGVIZ_TF__DEBUG_EVENT__WHAT_GRAPH_EXECUTION_TRACE;
  event->graph_execution_trace = &view->trace;
  return TRUE;
}
