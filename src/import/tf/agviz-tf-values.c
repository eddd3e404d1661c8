/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-tf-values.c: dtypes, shapes, tensors and attributes as text and GVariant */
#define G_LOG_DOMAIN "agviz-tf-values"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "agviz-text-format.h"
#include "agviz-tf-values.h"

G_STATIC_ASSERT (offsetof (AgvizTfAttrEntry, key) == offsetof (AgvizTf__NodeDef__AttrEntry, key));
G_STATIC_ASSERT (offsetof (AgvizTfAttrEntry, value) ==
                 offsetof (AgvizTf__NodeDef__AttrEntry, value));
G_STATIC_ASSERT (offsetof (AgvizTfAttrEntry, value) ==
                 offsetof (AgvizTf__FunctionDef__AttrEntry, value));
G_STATIC_ASSERT (offsetof (AgvizTfAttrEntry, value) ==
                 offsetof (AgvizTf__NameAttrList__AttrEntry, value));

static const char *const dtype_names[] = {
  [0] = "invalid", [1] = "float32", [2] = "float64", [3] = "int32", [4] = "uint8",
  [5] = "int16", [6] = "int8", [7] = "string", [8] = "complex64", [9] = "int64",
  [10] = "bool", [11] = "qint8", [12] = "quint8", [13] = "qint32", [14] = "bfloat16",
  [15] = "qint16", [16] = "quint16", [17] = "uint16", [18] = "complex128", [19] = "float16",
  [20] = "resource", [21] = "variant", [22] = "uint32", [23] = "uint64",
  [24] = "float8_e5m2", [25] = "float8_e4m3fn", [26] = "float8_e4m3fnuz",
  [27] = "float8_e4m3b11fnuz", [28] = "float8_e5m2fnuz", [29] = "int4", [30] = "uint4",
};

static const char *const dtype_ref_names[] = {
  [0] = "invalid_ref", [1] = "float32_ref", [2] = "float64_ref", [3] = "int32_ref",
  [4] = "uint8_ref", [5] = "int16_ref", [6] = "int8_ref", [7] = "string_ref",
  [8] = "complex64_ref", [9] = "int64_ref", [10] = "bool_ref", [11] = "qint8_ref",
  [12] = "quint8_ref", [13] = "qint32_ref", [14] = "bfloat16_ref", [15] = "qint16_ref",
  [16] = "quint16_ref", [17] = "uint16_ref", [18] = "complex128_ref", [19] = "float16_ref",
  [20] = "resource_ref", [21] = "variant_ref", [22] = "uint32_ref", [23] = "uint64_ref",
};

const char *
agviz_tf_dtype_name (int dtype)
{
  static GHashTable *unknown = NULL;
  G_LOCK_DEFINE_STATIC (unknown);
  const char *name;

  if (dtype >= 0 && dtype < (int) G_N_ELEMENTS (dtype_names) && dtype_names[dtype] != NULL)
    return dtype_names[dtype];
  if (dtype >= 100 && dtype - 100 < (int) G_N_ELEMENTS (dtype_ref_names) &&
      dtype_ref_names[dtype - 100] != NULL)
    return dtype_ref_names[dtype - 100];

  /* Rare: keep one interned string per unknown value so callers need not free. */
  G_LOCK (unknown);
  if (unknown == NULL)
    unknown = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  name = g_hash_table_lookup (unknown, GINT_TO_POINTER (dtype));
  if (name == NULL)
    {
      char *made = g_strdup_printf ("dtype_%d", dtype);
      g_hash_table_insert (unknown, GINT_TO_POINTER (dtype), made);
      name = made;
    }
  G_UNLOCK (unknown);
  return name;
}

char *
agviz_tf_shape_to_string (const AgvizTf__TensorShapeProto *shape)
{
  GString *out;

  if (shape == NULL)
    return NULL;
  if (shape->unknown_rank)
    return g_strdup ("<unknown>");

  out = g_string_new ("[");
  for (gsize i = 0; i < shape->n_dim; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      if (shape->dim[i]->size < 0)
        g_string_append_c (out, '?');
      else
        g_string_append_printf (out, "%" G_GINT64_FORMAT, shape->dim[i]->size);
    }
  g_string_append_c (out, ']');
  return g_string_free (out, FALSE);
}

gint64
agviz_tf_shape_element_count (const AgvizTf__TensorShapeProto *shape)
{
  gint64 count = 1;

  if (shape == NULL || shape->unknown_rank)
    return -1;
  for (gsize i = 0; i < shape->n_dim; i++)
    {
      gint64 size = shape->dim[i]->size;

      if (size < 0)
        return -1;
      if (size != 0 && count > G_MAXINT64 / size)
        return -1;
      count *= size;
    }
  return count;
}

static gsize
dtype_size (int dtype)
{
  switch (dtype)
    {
    case AGVIZ_TF__DATA_TYPE__DT_FLOAT:
    case AGVIZ_TF__DATA_TYPE__DT_INT32:
    case AGVIZ_TF__DATA_TYPE__DT_UINT32:
    case AGVIZ_TF__DATA_TYPE__DT_QINT32:
      return 4;
    case AGVIZ_TF__DATA_TYPE__DT_DOUBLE:
    case AGVIZ_TF__DATA_TYPE__DT_INT64:
    case AGVIZ_TF__DATA_TYPE__DT_UINT64:
      return 8;
    case AGVIZ_TF__DATA_TYPE__DT_INT16:
    case AGVIZ_TF__DATA_TYPE__DT_UINT16:
    case AGVIZ_TF__DATA_TYPE__DT_HALF:
    case AGVIZ_TF__DATA_TYPE__DT_BFLOAT16:
    case AGVIZ_TF__DATA_TYPE__DT_QINT16:
    case AGVIZ_TF__DATA_TYPE__DT_QUINT16:
      return 2;
    case AGVIZ_TF__DATA_TYPE__DT_INT8:
    case AGVIZ_TF__DATA_TYPE__DT_UINT8:
    case AGVIZ_TF__DATA_TYPE__DT_BOOL:
    case AGVIZ_TF__DATA_TYPE__DT_QINT8:
    case AGVIZ_TF__DATA_TYPE__DT_QUINT8:
      return 1;
    default:
      return 0;
    }
}

static double
half_to_double (guint16 h)
{
  int exponent = (h >> 10) & 0x1f;
  int mantissa = h & 0x3ff;
  double value;

  if (exponent == 0)
    value = ldexp (mantissa, -24);
  else if (exponent == 31)
    value = mantissa != 0 ? NAN : INFINITY;
  else
    value = ldexp (mantissa + 1024, exponent - 25);
  return (h & 0x8000) ? -value : value;
}

static double
bfloat16_to_double (guint16 b)
{
  guint32 bits = (guint32) b << 16;
  float f;

  memcpy (&f, &bits, 4);
  return f;
}

static double
element_from_content (const guint8 *p,
                      int           dtype)
{
  switch (dtype)
    {
    case AGVIZ_TF__DATA_TYPE__DT_FLOAT:
      {
        guint32 bits;
        float f;

        memcpy (&bits, p, 4);
        bits = GUINT32_FROM_LE (bits);
        memcpy (&f, &bits, 4);
        return f;
      }
    case AGVIZ_TF__DATA_TYPE__DT_DOUBLE:
      {
        guint64 bits;
        double d;

        memcpy (&bits, p, 8);
        bits = GUINT64_FROM_LE (bits);
        memcpy (&d, &bits, 8);
        return d;
      }
    case AGVIZ_TF__DATA_TYPE__DT_INT32:
    case AGVIZ_TF__DATA_TYPE__DT_QINT32:
      {
        gint32 v;
        memcpy (&v, p, 4);
        return (gint32) GINT32_FROM_LE (v);
      }
    case AGVIZ_TF__DATA_TYPE__DT_UINT32:
      {
        guint32 v;
        memcpy (&v, p, 4);
        return GUINT32_FROM_LE (v);
      }
    case AGVIZ_TF__DATA_TYPE__DT_INT64:
      {
        gint64 v;
        memcpy (&v, p, 8);
        return (double) (gint64) GINT64_FROM_LE (v);
      }
    case AGVIZ_TF__DATA_TYPE__DT_UINT64:
      {
        guint64 v;
        memcpy (&v, p, 8);
        return (double) GUINT64_FROM_LE (v);
      }
    case AGVIZ_TF__DATA_TYPE__DT_INT16:
    case AGVIZ_TF__DATA_TYPE__DT_QINT16:
      {
        gint16 v;
        memcpy (&v, p, 2);
        return (gint16) GINT16_FROM_LE (v);
      }
    case AGVIZ_TF__DATA_TYPE__DT_UINT16:
    case AGVIZ_TF__DATA_TYPE__DT_QUINT16:
      {
        guint16 v;
        memcpy (&v, p, 2);
        return GUINT16_FROM_LE (v);
      }
    case AGVIZ_TF__DATA_TYPE__DT_HALF:
      {
        guint16 v;
        memcpy (&v, p, 2);
        return half_to_double (GUINT16_FROM_LE (v));
      }
    case AGVIZ_TF__DATA_TYPE__DT_BFLOAT16:
      {
        guint16 v;
        memcpy (&v, p, 2);
        return bfloat16_to_double (GUINT16_FROM_LE (v));
      }
    case AGVIZ_TF__DATA_TYPE__DT_INT8:
    case AGVIZ_TF__DATA_TYPE__DT_QINT8:
      return (gint8) *p;
    default:
      return *p;
    }
}

gboolean
agviz_tf_tensor_get_doubles (const AgvizTf__TensorProto *tensor,
                             gsize                       max_values,
                             GArray                     *out)
{
  int dtype;
  gsize n;

  g_return_val_if_fail (tensor != NULL && out != NULL, FALSE);

  dtype = tensor->dtype;
  if (tensor->tensor_content.len > 0)
    {
      gsize size = dtype_size (dtype);

      if (size == 0)
        return FALSE;
      n = MIN (tensor->tensor_content.len / size, max_values);
      for (gsize i = 0; i < n; i++)
        {
          double v = element_from_content (tensor->tensor_content.data + i * size, dtype);
          g_array_append_val (out, v);
        }
      return TRUE;
    }

#define APPEND_FIELD(field, convert)                                  \
  G_STMT_START {                                                      \
    n = MIN (tensor->n_##field, max_values);                          \
    for (gsize i = 0; i < n; i++)                                     \
      {                                                               \
        double v = convert (tensor->field[i]);                        \
        g_array_append_val (out, v);                                  \
      }                                                               \
  } G_STMT_END
#define AS_DOUBLE(x) ((double) (x))

  switch (dtype)
    {
    case AGVIZ_TF__DATA_TYPE__DT_FLOAT:
      APPEND_FIELD (float_val, AS_DOUBLE);
      return TRUE;
    case AGVIZ_TF__DATA_TYPE__DT_DOUBLE:
      APPEND_FIELD (double_val, AS_DOUBLE);
      return TRUE;
    case AGVIZ_TF__DATA_TYPE__DT_INT32:
    case AGVIZ_TF__DATA_TYPE__DT_INT16:
    case AGVIZ_TF__DATA_TYPE__DT_INT8:
    case AGVIZ_TF__DATA_TYPE__DT_UINT8:
    case AGVIZ_TF__DATA_TYPE__DT_UINT16:
    case AGVIZ_TF__DATA_TYPE__DT_QINT8:
    case AGVIZ_TF__DATA_TYPE__DT_QUINT8:
    case AGVIZ_TF__DATA_TYPE__DT_QINT32:
      APPEND_FIELD (int_val, AS_DOUBLE);
      return TRUE;
    case AGVIZ_TF__DATA_TYPE__DT_HALF:
      APPEND_FIELD (half_val, half_to_double);
      return TRUE;
    case AGVIZ_TF__DATA_TYPE__DT_BFLOAT16:
      APPEND_FIELD (half_val, bfloat16_to_double);
      return TRUE;
    case AGVIZ_TF__DATA_TYPE__DT_INT64:
      APPEND_FIELD (int64_val, AS_DOUBLE);
      return TRUE;
    case AGVIZ_TF__DATA_TYPE__DT_UINT32:
      APPEND_FIELD (uint32_val, AS_DOUBLE);
      return TRUE;
    case AGVIZ_TF__DATA_TYPE__DT_UINT64:
      APPEND_FIELD (uint64_val, AS_DOUBLE);
      return TRUE;
    case AGVIZ_TF__DATA_TYPE__DT_BOOL:
      APPEND_FIELD (bool_val, AS_DOUBLE);
      return TRUE;
    default:
      return FALSE;
    }
#undef APPEND_FIELD
#undef AS_DOUBLE
}

static void
append_quoted (GString            *out,
               const ProtobufCBinaryData *data)
{
  gsize shown = MIN (data->len, 40);

  g_string_append_c (out, '"');
  for (gsize i = 0; i < shown; i++)
    {
      guint8 c = data->data[i];

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20 || c >= 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, c);
    }
  if (shown < data->len)
    g_string_append (out, "...");
  g_string_append_c (out, '"');
}

char *
agviz_tf_tensor_describe (const AgvizTf__TensorProto *tensor,
                          guint                       max_values)
{
  g_autofree char *shape = NULL;
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  GString *out;
  gint64 count;
  gsize shown = 0, available = 0;

  g_return_val_if_fail (tensor != NULL, NULL);

  shape = agviz_tf_shape_to_string (tensor->tensor_shape);
  out = g_string_new (agviz_tf_dtype_name (tensor->dtype));
  g_string_append (out, shape != NULL ? shape : "[]");
  count = agviz_tf_shape_element_count (tensor->tensor_shape);

  if (tensor->dtype == AGVIZ_TF__DATA_TYPE__DT_STRING)
    {
      available = tensor->n_string_val;
      shown = MIN (available, max_values);
      g_string_append (out, " {");
      for (gsize i = 0; i < shown; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          append_quoted (out, &tensor->string_val[i]);
        }
    }
  else if (agviz_tf_tensor_get_doubles (tensor, max_values + 1, values))
    {
      available = values->len;
      shown = MIN (values->len, max_values);
      g_string_append (out, " {");
      for (gsize i = 0; i < shown; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          agviz_text_format_append_number (out, g_array_index (values, double, i), 8);
        }
    }
  else
    return g_string_free (out, FALSE);

  /* A single value stands for a whole splatted tensor (TF writes fills that way). */
  if (available > shown || (count > 1 && (gint64) available < count && available > 1))
    g_string_append (out, ", ...");
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

/* A string variant of @text, which comes from a protobuf string field: protobuf-c does not
 * check those are UTF-8, and GVariant refuses what is not. */
static GVariant *
text_variant (const char *text)
{
  return agviz_tf_text_variant (text);
}

/* A string from a file as a GVariant string, which must be UTF-8: GLib refuses anything else
 * (a critical and a NULL value, which crashes whoever serialises the container later). */
GVariant *
agviz_tf_text_variant (const char *text)
{
  g_autofree char *valid = NULL;

  if (g_utf8_validate (text, -1, NULL))
    return g_variant_new_string (text);
  valid = g_utf8_make_valid (text, -1);
  return g_variant_new_string (valid);
}

static GVariant *
string_or_bytes (const ProtobufCBinaryData *data)
{
  if (data->len == 0)
    return g_variant_new_string ("");
  if (g_utf8_validate ((const char *) data->data, data->len, NULL))
    {
      g_autofree char *text = g_strndup ((const char *) data->data, data->len);

      /* Embedded NULs would cut the text short: keep those as bytes. */
      if (strlen (text) == data->len)
        return g_variant_new_string (text);
    }
  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data->data, data->len, 1);
}

static GVariant *
list_to_variant (const AgvizTf__AttrValue__ListValue *list)
{
  GVariantBuilder builder;

  if (list->n_i > 0)
    {
      g_variant_builder_init (&builder, G_VARIANT_TYPE ("ax"));
      for (gsize i = 0; i < list->n_i; i++)
        g_variant_builder_add (&builder, "x", (gint64) list->i[i]);
      return g_variant_builder_end (&builder);
    }
  if (list->n_f > 0)
    {
      g_variant_builder_init (&builder, G_VARIANT_TYPE ("ad"));
      for (gsize i = 0; i < list->n_f; i++)
        g_variant_builder_add (&builder, "d", (double) list->f[i]);
      return g_variant_builder_end (&builder);
    }
  if (list->n_b > 0)
    {
      g_variant_builder_init (&builder, G_VARIANT_TYPE ("ab"));
      for (gsize i = 0; i < list->n_b; i++)
        g_variant_builder_add (&builder, "b", (gboolean) list->b[i]);
      return g_variant_builder_end (&builder);
    }

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("as"));
  for (gsize i = 0; i < list->n_s; i++)
    {
      const ProtobufCBinaryData *s = &list->s[i];

      if (s->len == 0)
        g_variant_builder_add (&builder, "s", "");
      else if (g_utf8_validate ((const char *) s->data, s->len, NULL))
        {
          g_autofree char *text = g_strndup ((const char *) s->data, s->len);
          g_variant_builder_add (&builder, "s", text);
        }
      else
        {
          g_autoptr(GString) escaped = g_string_new (NULL);
          append_quoted (escaped, s);
          g_variant_builder_add (&builder, "s", escaped->str);
        }
    }
  for (gsize i = 0; i < list->n_type; i++)
    g_variant_builder_add (&builder, "s", agviz_tf_dtype_name (list->type[i]));
  for (gsize i = 0; i < list->n_shape; i++)
    {
      g_autofree char *shape = agviz_tf_shape_to_string (list->shape[i]);
      g_variant_builder_add_value (&builder, text_variant (shape));
    }
  for (gsize i = 0; i < list->n_tensor; i++)
    {
      g_autofree char *tensor = agviz_tf_tensor_describe (list->tensor[i], 8);
      g_variant_builder_add_value (&builder, text_variant (tensor));
    }
  for (gsize i = 0; i < list->n_func; i++)
    g_variant_builder_add_value (&builder, text_variant (list->func[i]->name));
  return g_variant_builder_end (&builder);
}

GVariant *
agviz_tf_attr_to_variant (const AgvizTf__AttrValue *value)
{
  g_return_val_if_fail (value != NULL, NULL);

  switch (value->value_case)
    {
    case AGVIZ_TF__ATTR_VALUE__VALUE_LIST:
      return list_to_variant (value->list);
    case AGVIZ_TF__ATTR_VALUE__VALUE_S:
      return string_or_bytes (&value->s);
    case AGVIZ_TF__ATTR_VALUE__VALUE_I:
      return g_variant_new_int64 (value->i);
    case AGVIZ_TF__ATTR_VALUE__VALUE_F:
      return g_variant_new_double (value->f);
    case AGVIZ_TF__ATTR_VALUE__VALUE_B:
      return g_variant_new_boolean (value->b);
    case AGVIZ_TF__ATTR_VALUE__VALUE_TYPE:
      return g_variant_new_string (agviz_tf_dtype_name (value->type));
    case AGVIZ_TF__ATTR_VALUE__VALUE_SHAPE:
      {
        g_autofree char *shape = agviz_tf_shape_to_string (value->shape);
        return text_variant (shape);
      }
    case AGVIZ_TF__ATTR_VALUE__VALUE_TENSOR:
      {
        g_autofree char *tensor = agviz_tf_tensor_describe (value->tensor, 16);
        return text_variant (tensor);
      }
    case AGVIZ_TF__ATTR_VALUE__VALUE_PLACEHOLDER:
      {
        g_autofree char *text = g_strconcat ("$", value->placeholder, NULL);
        return text_variant (text);
      }
    case AGVIZ_TF__ATTR_VALUE__VALUE_FUNC:
      return text_variant (value->func->name);
    case AGVIZ_TF__ATTR_VALUE__VALUE__NOT_SET:
    default:
      return NULL;
    }
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const AgvizTfAttrEntry *ea = *(AgvizTfAttrEntry *const *) a;
  const AgvizTfAttrEntry *eb = *(AgvizTfAttrEntry *const *) b;

  return strcmp (ea->key, eb->key);
}

void
agviz_tf_attrs_add (GVariantBuilder          *builder,
                    gsize                     n_entries,
                    AgvizTfAttrEntry *const  *entries)
{
  AgvizTfAttrEntry *stack_sorted[32];
  AgvizTfAttrEntry **sorted = n_entries <= G_N_ELEMENTS (stack_sorted)
                                ? stack_sorted : g_new (AgvizTfAttrEntry *, n_entries);

  if (n_entries == 0)
    return;   /* entries may be NULL then, and memcpy() must not see it */
  memcpy (sorted, entries, n_entries * sizeof *sorted);
  qsort (sorted, n_entries, sizeof *sorted, compare_entries);
  for (gsize i = 0; i < n_entries; i++)
    {
      GVariant *value;

      /* Repeated keys are invalid protobuf maps; the last one wins there too. */
      if (i + 1 < n_entries && strcmp (sorted[i]->key, sorted[i + 1]->key) == 0)
        continue;
      if (sorted[i]->value == NULL || (value = agviz_tf_attr_to_variant (sorted[i]->value)) == NULL)
        continue;
      /* Keys too may be other than UTF-8 (see text_variant()). */
      if (g_utf8_validate (sorted[i]->key, -1, NULL))
        g_variant_builder_add (builder, "{sv}", sorted[i]->key, value);
      else
        {
          g_autofree char *key = g_utf8_make_valid (sorted[i]->key, -1);

          g_variant_builder_add (builder, "{sv}", key, value);
        }
    }
  if (sorted != stack_sorted)
    g_free (sorted);
}

gint64
agviz_tf_micros_to_ns (gint64 micros)
{
  if (micros > G_MAXINT64 / 1000)
    return G_MAXINT64;
  if (micros < G_MININT64 / 1000)
    return G_MININT64;
  return micros * 1000;
}

gint64
agviz_tf_seconds_to_ns (double seconds)
{
  double ns = seconds * 1e9;

  if (isnan (ns))
    return 0;
  /* 9.2e18 is the largest double below 2^63, the first value that does not fit. */
  if (ns >= 9.2e18)
    return G_MAXINT64;
  if (ns <= -9.2e18)
    return G_MININT64;
  return (gint64) ns;
}

GVariant *
agviz_tf_text_array_variant (char *const *texts,
                             gsize        n_texts)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_STRING_ARRAY);
  for (gsize i = 0; i < n_texts; i++)
    g_variant_builder_add_value (&builder, agviz_tf_text_variant (texts[i] != NULL ? texts[i] : ""));
  return g_variant_builder_end (&builder);
}
