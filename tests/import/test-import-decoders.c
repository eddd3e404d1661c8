/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-import-decoders.c: CRC32C, TFRecord framing, protobuf limits and the text format */
#include "config.h"

#include <math.h>
#include <string.h>

#include "agviz-crc32c.h"
#include "agviz-graph-importer.h"
#include "execution-trace-view-check.h"
#include "agviz-import-error.h"
#include "agviz-proto-decoder.h"
#include "agviz-tf-values.h"
#include "agviz-text-format.h"
#include "agviz-tf-debug-event.pb-c.h"
#include "agviz-tf-graph.pb-c.h"
#include "agviz-tf-summary.pb-c.h"
#include "agviz-tfrecord-reader.h"

static void
test_crc32c_vectors (void)
{
  static const guint8 zeros[32] = { 0 };
  static const char event[] = "\x1a\x11" "CRC test, one two";
  guint8 bytes[100];

  /* RFC 3720 B.4 and TensorBoard's masked_crc.rs. */
  g_assert_cmphex (agviz_crc32c (zeros, 32), ==, 0x8a9136aa);
  g_assert_cmphex (agviz_crc32c_mask (agviz_crc32c (event, 19)), ==, 0x5794d08a);
  g_assert_cmphex (agviz_crc32c_unmask (agviz_crc32c_mask (0x12345678)), ==, 0x12345678);
  /* Unaligned starts and odd lengths give the same as one pass. */
  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = (guint8) (i * 37 + 11);
  for (guint start = 0; start < 9; start++)
    {
      guint32 whole = agviz_crc32c (bytes + start, sizeof bytes - start);
      guint32 parts = agviz_crc32c_update (agviz_crc32c (bytes + start, 13), bytes + start + 13,
                                           sizeof bytes - start - 13);
      g_assert_cmphex (whole, ==, parts);
    }
}

static GBytes *
three_records (void)
{
  GByteArray *stream = g_byte_array_new ();

  agviz_tfrecord_append (stream, (const guint8 *) "first", 5);
  agviz_tfrecord_append (stream, (const guint8 *) "", 0);
  agviz_tfrecord_append (stream, (const guint8 *) "third record", 12);
  return g_byte_array_free_to_bytes (stream);
}

static void
test_tfrecord_round_trip (void)
{
  g_autoptr(GBytes) bytes = three_records ();
  g_autoptr(AgvizTfrecordReader) reader = agviz_tfrecord_reader_new_for_bytes (bytes, "mem");
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize length;

  g_assert_true (agviz_tfrecord_reader_next (reader, &data, &length, &error));
  g_assert_cmpmem (data, length, "first", 5);
  g_assert_true (agviz_tfrecord_reader_next (reader, &data, &length, &error));
  g_assert_cmpuint (length, ==, 0);
  g_assert_true (agviz_tfrecord_reader_next (reader, &data, &length, &error));
  g_assert_cmpint (agviz_tfrecord_reader_get_record_offset (reader), ==, 37);
  g_assert_cmpmem (data, length, "third record", 12);
  g_assert_false (agviz_tfrecord_reader_next (reader, &data, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpint (agviz_tfrecord_reader_get_truncated_at (reader), ==, -1);
  g_assert_cmpuint (agviz_tfrecord_reader_get_warnings (reader)->len, ==, 0);
}

static void
test_tfrecord_truncated (void)
{
  g_autoptr(GBytes) whole = three_records ();
  gsize size = g_bytes_get_size (whole);

  /* Cut inside the header, the payload and the footer of the last record. */
  for (gsize cut = size - 20; cut < size; cut++)
    {
      g_autoptr(GBytes) part = g_bytes_new_from_bytes (whole, 0, cut);
      g_autoptr(AgvizTfrecordReader) reader = agviz_tfrecord_reader_new_for_bytes (part, "part");
      g_autoptr(GError) error = NULL;
      const guint8 *data;
      gsize length;
      guint n = 0;

      while (agviz_tfrecord_reader_next (reader, &data, &length, &error))
        n++;
      g_assert_no_error (error);
      g_assert_cmpuint (n, ==, 2);
      g_assert_cmpint (agviz_tfrecord_reader_get_truncated_at (reader), ==, 37);
      g_assert_nonnull (strstr (g_ptr_array_index (agviz_tfrecord_reader_get_warnings (reader), 0),
                                "record 3 at byte offset 37 is cut short"));
    }
}

static void
test_tfrecord_crc_mismatch (void)
{
  g_autoptr(GBytes) whole = three_records ();
  g_autofree guint8 *damaged = g_memdup2 (g_bytes_get_data (whole, NULL), g_bytes_get_size (whole));
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(AgvizTfrecordReader) reader = NULL;
  g_autoptr(AgvizTfrecordReader) forced = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize length;
  guint n = 0;

  damaged[12] ^= 1;   /* first payload byte */
  bytes = g_bytes_new (damaged, g_bytes_get_size (whole));
  reader = agviz_tfrecord_reader_new_for_bytes (bytes, "bad");
  g_assert_false (agviz_tfrecord_reader_next (reader, &data, &length, &error));
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "record 1 at byte offset 0: data CRC mismatch"));
  g_clear_error (&error);

  forced = agviz_tfrecord_reader_new_for_bytes (bytes, "bad");
  agviz_tfrecord_reader_set_force (forced, TRUE);
  while (agviz_tfrecord_reader_next (forced, &data, &length, &error))
    n++;
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (agviz_tfrecord_reader_get_warnings (forced)->len, ==, 1);
}

static void
test_tfrecord_hostile_length (void)
{
  guint8 header[16] = { 0 };
  guint64 huge = GUINT64_TO_LE (G_GUINT64_CONSTANT (0x7fffffffffffffff));
  guint32 crc;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(AgvizTfrecordReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize length;

  /* A valid header promising more than the file holds: a truncation, never an allocation. */
  memcpy (header, &huge, 8);
  crc = GUINT32_TO_LE (agviz_crc32c_mask (agviz_crc32c (header, 8)));
  memcpy (header + 8, &crc, 4);
  bytes = g_bytes_new (header, sizeof header);
  reader = agviz_tfrecord_reader_new_for_bytes (bytes, "huge");
  g_assert_false (agviz_tfrecord_reader_next (reader, &data, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpint (agviz_tfrecord_reader_get_truncated_at (reader), ==, 0);
}

/* ---- protobuf ---------------------------------------------------------------------------- */

static void
test_proto_deep_nesting (void)
{
  /* AttrValue.func -> NameAttrList.attr -> entry.value -> AttrValue ... 10,000 levels deep. */
  g_autoptr(GByteArray) message = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  ProtobufCMessage *decoded;

  for (guint i = 0; i < 10000; i++)
    {
      /* Built inside out: wrap what exists in value{} -> entry{} -> func{}. */
      g_autoptr(GByteArray) wrapped = g_byte_array_new ();
      guint8 tag;
      guint8 length[10];
      guint n;
      guint64 v;
      const guint8 tags[] = { 0x12 /* entry.value */, 0x12 /* attr */, 0x52 /* func */ };

      for (guint t = 0; t < 3; t++)
        {
          g_byte_array_set_size (wrapped, 0);
          tag = tags[t];
          g_byte_array_append (wrapped, &tag, 1);
          v = message->len;
          n = 0;
          do { length[n] = (v & 0x7f) | (v >= 0x80 ? 0x80 : 0); v >>= 7; n++; } while (v != 0);
          g_byte_array_append (wrapped, length, n);
          g_byte_array_append (wrapped, message->data, message->len);
          g_byte_array_set_size (message, 0);
          g_byte_array_append (message, wrapped->data, wrapped->len);
        }
    }
  decoded = agviz_proto_decode (&agviz_tf__attr_value__descriptor, message->data, message->len,
                                "deep", &error);
  g_assert_null (decoded);
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_LIMIT);
}

static void
test_proto_bad_lengths (void)
{
  /* GraphDef.node with a length past the end, then a truncated varint, then a group. */
  static const guint8 past_end[] = { 0x0a, 0x7f, 0x0a, 0x01 };
  static const guint8 cut_varint[] = { 0x18, 0xff, 0xff };
  static const guint8 group[] = { 0x0b, 0x0c };
  g_autoptr(GError) error = NULL;

  g_assert_null (agviz_proto_decode (&agviz_tf__graph_def__descriptor, past_end,
                                     sizeof past_end, "g", &error));
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "byte offset 0"));
  g_clear_error (&error);
  g_assert_null (agviz_proto_decode (&agviz_tf__graph_def__descriptor, cut_varint,
                                     sizeof cut_varint, "g", &error));
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (agviz_proto_decode (&agviz_tf__graph_def__descriptor, group, sizeof group, "g",
                                     &error));
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_PARSE);
}

/* ---- text format ------------------------------------------------------------------------- */

static AgvizTf__GraphDef *
parse_graph (const char  *text,
             GError     **error)
{
  return (AgvizTf__GraphDef *) agviz_text_format_decode (&agviz_tf__graph_def__descriptor, text,
                                                         strlen (text), "g.pbtxt", error);
}

static void
test_text_format_features (void)
{
  static const char text[] =
    "# a comment\n"
    "node <\n"
    "  name: 'a\\'b' \"\\n\\t\\101\\x42\\u00e9\"  # concatenated, escaped\n"
    "  op: \"Const\"; input: [\"x\", \"^y\"]\n"
    "  attr { key: \"f\" value { f: -inf } }\n"
    "  attr: { key: \"g\" value: { f: 1.5e-3f } }\n"
    "  attr { key: \"l\" value { list { i: [1, -2, 0x10] b: [true, f] type: [DT_INT32, 7] } } }\n"
    "  attr { key: \"t\" value { tensor { dtype: DT_FLOAT float_val: nan } } }\n"
    "  unknown_field { deeply { nested: [1, 2] } other: \"x\" }\n"
    "  [type.googleapis.com/some.Any] { skipped: true }\n"
    "  unknown_scalar: -12\n"
    ">\n"
    "versions { producer: 27, min_consumer: -1 }\n";
  g_autoptr(GError) error = NULL;
  AgvizTf__GraphDef *graph = parse_graph (text, &error);
  const AgvizTf__NodeDef *node;

  g_assert_no_error (error);
  g_assert_cmpuint (graph->n_node, ==, 1);
  node = graph->node[0];
  g_assert_cmpstr (node->name, ==, "a'b\n\tAB\xc3\xa9");
  g_assert_cmpuint (node->n_input, ==, 2);
  g_assert_cmpstr (node->input[1], ==, "^y");
  g_assert_cmpuint (node->n_attr, ==, 4);
  g_assert_true (isinf (node->attr[0]->value->f) && node->attr[0]->value->f < 0);
  g_assert_cmpfloat_with_epsilon (node->attr[1]->value->f, 1.5e-3, 1e-9);
  g_assert_cmpuint (node->attr[2]->value->list->n_i, ==, 3);
  g_assert_cmpint (node->attr[2]->value->list->i[1], ==, -2);
  g_assert_cmpint (node->attr[2]->value->list->i[2], ==, 16);
  g_assert_cmpint (node->attr[2]->value->list->type[1], ==, 7);
  g_assert_false (node->attr[2]->value->list->b[1]);
  g_assert_true (isnan (node->attr[3]->value->tensor->float_val[0]));
  g_assert_cmpint (graph->versions->min_consumer, ==, -1);
  agviz_proto_free (graph);
}

static void
test_text_format_errors (void)
{
  static const struct { const char *text; const char *message; } cases[] = {
    { "node {\n  name: \"a\"\n", "g.pbtxt:3:1: the file ends inside a NodeDef message" },
    { "node { name: \"a }", "g.pbtxt:1:14: string not closed" },
    { "versions { producer: 99999999999 }", "g.pbtxt:1:22: 99999999999 is too large" },
    { "node { attr { key: \"k\" value { type: DT_NOPE } } }",
      "g.pbtxt:1:38: 'DT_NOPE' is not a value of agviz_tf.DataType" },
    { "node { name \"a\" }", "g.pbtxt:1:13: expected ':' after the field name" },
    { "node { input: [\"a\" \"b\" }", "g.pbtxt:1:24: expected ',' or ']'" },
    { "versions { producer: 1 } }", "g.pbtxt:1:26: expected a field name" },
    { "node { name: \"\\q\" }", "unknown escape \\q" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (parse_graph (cases[i].text, &error));
      g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_SYNTAX);
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("case %u: '%s' does not contain '%s'", i, error->message, cases[i].message);
    }
}

static void
test_text_format_depth (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 5000; i++)
    g_string_append (text, "node { attr { key: \"k\" value { func { attr { value { ");
  g_assert_null (parse_graph (text->str, &error));
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "nested more than"));
  g_clear_error (&error);

  /* Skipped fields are limited too. */
  g_string_truncate (text, 0);
  for (guint i = 0; i < 5000; i++)
    g_string_append (text, "unknown { ");
  g_assert_null (parse_graph (text->str, &error));
  g_assert_nonnull (strstr (error->message, "nested more than"));
}

static void
test_text_format_print_round_trip (void)
{
  static const char text[] =
    "node { name: \"w\\001\" op: \"Const\" input: \"a:1\" device: \"/cpu:0\"\n"
    "  attr { key: \"value\" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 2 } }\n"
    "    float_val: 0.25 float_val: -3 } } } }\n"
    "library { function { signature { name: \"f\" output_arg { name: \"o\" type: DT_BOOL } }\n"
    "  ret { key: \"o\" value: \"x:y:0\" } } }\n";
  g_autoptr(GError) error = NULL;
  AgvizTf__GraphDef *graph = parse_graph (text, &error);
  AgvizTf__GraphDef *again;
  g_autoptr(GString) printed = g_string_new (NULL);
  g_autoptr(GString) printed_again = g_string_new (NULL);

  g_assert_no_error (error);
  agviz_text_format_print (&graph->base, printed);
  again = parse_graph (printed->str, &error);
  g_assert_no_error (error);
  agviz_text_format_print (&again->base, printed_again);
  g_assert_cmpstr (printed->str, ==, printed_again->str);
  g_assert_nonnull (strstr (printed->str, "name: \"w\\001\""));
  g_assert_nonnull (strstr (printed->str, "type: DT_BOOL"));
  agviz_proto_free (graph);
  agviz_proto_free (again);
}

/* Times from a file saturate instead of overflowing (fuzz-import-file: step stats with
 * all_start_micros = 37728797018963968). */
static void
test_time_conversions (void)
{
  g_assert_cmpint (agviz_tf_micros_to_ns (1500), ==, 1500000);
  g_assert_cmpint (agviz_tf_micros_to_ns (-7), ==, -7000);
  g_assert_cmpint (agviz_tf_micros_to_ns (G_GINT64_CONSTANT (37728797018963968)), ==, G_MAXINT64);
  g_assert_cmpint (agviz_tf_micros_to_ns (G_MININT64), ==, G_MININT64);
  g_assert_cmpint (agviz_tf_seconds_to_ns (1.5), ==, 1500000000);
  g_assert_cmpint (agviz_tf_seconds_to_ns (1e300), ==, G_MAXINT64);
  g_assert_cmpint (agviz_tf_seconds_to_ns (-1e300), ==, G_MININT64);
  g_assert_cmpint (agviz_tf_seconds_to_ns (NAN), ==, 0);
}

/* An empty message given as NULL decodes (UBSan: NULL + 0 in the wire check, found by
 * fuzz-debug-info and fuzz-text-format). */
static void
test_empty_message (void)
{
  ProtobufCMessage *message;

  g_assert_true (agviz_proto_check (&agviz_tf__graph_def__descriptor, NULL, 0, "empty", NULL));
  message = agviz_proto_decode (&agviz_tf__graph_def__descriptor, NULL, 0, "empty", NULL);
  g_assert_nonnull (message);
  agviz_proto_free (message);
}

/* ---- GraphExecutionTrace events read off the wire: the same as protobuf-c's, or refused ---- */

static GBytes *
pack_trace_event (const AgvizTf__GraphExecutionTrace *trace,
                  double                              wall_time,
                  gint64                              step)
{
  AgvizTf__DebugEvent event = AGVIZ_TF__DEBUG_EVENT__INIT;
  guint8 *data;
  gsize size;

  event.wall_time = wall_time;
  event.step = step;
  event.what_case = AGVIZ_TF__DEBUG_EVENT__WHAT_GRAPH_EXECUTION_TRACE;
  event.graph_execution_trace = (AgvizTf__GraphExecutionTrace *) trace;
  size = agviz_tf__debug_event__get_packed_size (&event);
  data = g_malloc (size);
  agviz_tf__debug_event__pack (&event, data);
  return g_bytes_new_take (data, size);
}

static void
test_execution_trace_view (void)
{
  g_auto(AgvizExecutionTraceView) view;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  double health[2] = { 17, 0 }, full[11] = { 7, 0, 1, 1, 2, 0, 0, 1, 0, 0, 1 };
  float values[3] = { 1.5f, -2, INFINITY };
  double content[2] = { 3, 1 };
  AgvizTf__TensorShapeProto__Dim dims[2] = { AGVIZ_TF__TENSOR_SHAPE_PROTO__DIM__INIT,
                                             AGVIZ_TF__TENSOR_SHAPE_PROTO__DIM__INIT };
  AgvizTf__TensorShapeProto__Dim *dim_pointers[2] = { &dims[0], &dims[1] };
  AgvizTf__TensorShapeProto shape = AGVIZ_TF__TENSOR_SHAPE_PROTO__INIT;
  guint n_plain;

  _agviz_execution_trace_view_init (&view);
  dims[0].size = 2;
  dims[1].size = -1;
  shape.n_dim = 2;
  shape.dim = dim_pointers;

  /* The forms tfdbg2 writes, each taken. */
  for (guint form = 0; form < 7; form++)
    {
      AgvizTf__GraphExecutionTrace trace = AGVIZ_TF__GRAPH_EXECUTION_TRACE__INIT;
      AgvizTf__TensorProto tensor = AGVIZ_TF__TENSOR_PROTO__INIT;

      trace.tfdbg_context_id = (char *) "g1";
      trace.op_name = (char *) "model/dense_3/MatMul";
      trace.output_slot = form;
      trace.tensor_debug_mode = AGVIZ_TF__TENSOR_DEBUG_MODE__CURT_HEALTH;
      trace.tensor_proto = &tensor;
      tensor.dtype = AGVIZ_TF__DATA_TYPE__DT_DOUBLE;
      switch (form)
        {
        case 0:   /* values as a packed double_val */
          tensor.n_double_val = 2;
          tensor.double_val = health;
          break;
        case 1:   /* as TensorFlow's C++ writes it: shape and tensor_content */
          tensor.tensor_shape = &shape;
          tensor.tensor_content.data = (guint8 *) content;
          tensor.tensor_content.len = sizeof content;
          tensor.version_number = 3;
          break;
        case 2:   /* a full tensor of floats, on a device */
          trace.tensor_debug_mode = AGVIZ_TF__TENSOR_DEBUG_MODE__FULL_TENSOR;
          trace.device_name = (char *) "/job:localhost/replica:0/task:0/device:GPU:0";
          tensor.dtype = AGVIZ_TF__DATA_TYPE__DT_FLOAT;
          tensor.n_float_val = 3;
          tensor.float_val = values;
          shape.unknown_rank = TRUE;
          tensor.tensor_shape = &shape;
          break;
        case 3:   /* FULL_HEALTH */
          trace.tensor_debug_mode = AGVIZ_TF__TENSOR_DEBUG_MODE__FULL_HEALTH;
          tensor.n_double_val = G_N_ELEMENTS (full);
          tensor.double_val = full;
          break;
        case 4:   /* no tensor (NO_TENSOR), an empty op name */
          trace.tensor_debug_mode = AGVIZ_TF__TENSOR_DEBUG_MODE__NO_TENSOR;
          trace.op_name = (char *) "";
          trace.tensor_proto = NULL;
          break;
        case 5:   /* an empty tensor message, a negative slot */
          trace.output_slot = -1;
          tensor.dtype = AGVIZ_TF__DATA_TYPE__DT_INVALID;
          break;
        default:  /* every field at its default but the op name */
          trace = (AgvizTf__GraphExecutionTrace) AGVIZ_TF__GRAPH_EXECUTION_TRACE__INIT;
          trace.op_name = (char *) "x";
          break;
        }
      g_ptr_array_add (events, pack_trace_event (&trace, form == 6 ? 0 : 1700000000.25 + form,
                                                 form == 6 ? 0 : -form));
    }
  n_plain = events->len;
  for (guint i = 0; i < n_plain; i++)
    {
      gsize length;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (events, i), &length);

      g_assert_true (execution_trace_view_agrees (&view, data, length));
    }

  /* Other forms are left to protobuf-c. */
  {
    static const guint8 unknown_field[] = { 0x52, 0x03, 0x12, 0x01, 'x', 0x78, 0x01 };
    static const guint8 unknown_inner[] = { 0x52, 0x05, 0x12, 0x01, 'x', 0x78, 0x01 };
    static const guint8 twice[] = { 0x52, 0x06, 0x12, 0x01, 'x', 0x12, 0x01, 'y' };
    /* double_val not packed: one fixed64 field per value */
    static const guint8 unpacked_doubles[] = { 0x52, 0x0b, 0x2a, 0x09, 0x31,
                                               0, 0, 0, 0, 0, 0, 0xf0, 0x3f };
    /* a dim with a name */
    static const guint8 named_dim[] = { 0x52, 0x0a, 0x2a, 0x08, 0x12, 0x06, 0x12, 0x04,
                                        0x12, 0x02, 'b', 'z' };
    static const guint8 execution[] = { 0x4a, 0x02, 0x0a, 0x00 };
    static const guint8 nothing[] = { 0x09, 0, 0, 0, 0, 0, 0, 0, 0 };
    const struct { const guint8 *data; gsize length; } refused[] = {
      { unknown_field, sizeof unknown_field }, { unknown_inner, sizeof unknown_inner },
      { twice, sizeof twice }, { unpacked_doubles, sizeof unpacked_doubles },
      { named_dim, sizeof named_dim }, { execution, sizeof execution },
      { nothing, sizeof nothing },
    };

    for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
      g_assert_false (_agviz_execution_trace_view_read (&view, refused[i].data,
                                                        refused[i].length));
  }

  /* Damaged bytes: every prefix and every byte changed in a few ways.  What the view takes,
   * protobuf-c reads the same; most of it the view refuses. */
  for (guint i = 0; i < n_plain; i++)
    {
      gsize length;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (events, i), &length);
      g_autofree guint8 *copy = g_memdup2 (data, length);
      static const guint8 replacements[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };

      for (gsize prefix = 0; prefix < length; prefix++)
        execution_trace_view_agrees (&view, data, prefix);
      for (gsize at = 0; at < length; at++)
        for (guint r = 0; r < G_N_ELEMENTS (replacements); r++)
          {
            copy[at] = replacements[r];
            execution_trace_view_agrees (&view, copy, length);
            copy[at] = data[at];
          }
      for (gsize at = 0; at < length; at++)
        for (guint bit = 0; bit < 8; bit++)
          {
            copy[at] ^= (guint8) (1u << bit);
            execution_trace_view_agrees (&view, copy, length);
            copy[at] = data[at];
          }
    }
}

/* Only TensorFlow's uids are taken off: distinct functions whose own names end in numbers
 * (one branch per tf.cond, one block per layer) must never merge into one "retraced" one. */
static void
test_function_names (void)
{
  static const char *const cases[][2] = {
    { "__inference_train_step_1234", "train_step" },
    { "__inference_block_1_99", "block_1" },
    { "__inference___call___16950", "__call__" },
    { "__backward_f_12_34", "__backward_f" },
    { "__forward_f_12", "__forward_f" },
    { "block_1", "block_1" },
    { "cond_true_29", "cond_true_29" },
    { "Variable_cond_true_14", "Variable_cond_true_14" },
    { "make_var", "make_var" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = agviz_function_name_for_graph (cases[i][0]);
      g_assert_cmpstr (name, ==, cases[i][1]);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agviz/import/crc32c/vectors", test_crc32c_vectors);
  g_test_add_func ("/agviz/import/function-names", test_function_names);
  g_test_add_func ("/agviz/import/tfrecord/round-trip", test_tfrecord_round_trip);
  g_test_add_func ("/agviz/import/tfrecord/truncated", test_tfrecord_truncated);
  g_test_add_func ("/agviz/import/tfrecord/crc-mismatch", test_tfrecord_crc_mismatch);
  g_test_add_func ("/agviz/import/tfrecord/hostile-length", test_tfrecord_hostile_length);
  g_test_add_func ("/agviz/import/proto/deep-nesting", test_proto_deep_nesting);
  g_test_add_func ("/agviz/import/proto/bad-lengths", test_proto_bad_lengths);
  g_test_add_func ("/agviz/import/text-format/features", test_text_format_features);
  g_test_add_func ("/agviz/import/text-format/errors", test_text_format_errors);
  g_test_add_func ("/agviz/import/text-format/depth", test_text_format_depth);
  g_test_add_func ("/agviz/import/text-format/print-round-trip", test_text_format_print_round_trip);
  g_test_add_func ("/agviz/import/time-conversions", test_time_conversions);
  g_test_add_func ("/agviz/import/empty-message", test_empty_message);
  g_test_add_func ("/agviz/import/execution-trace-view", test_execution_trace_view);
  return g_test_run ();
}
