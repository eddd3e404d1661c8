/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-tf-values.h: TensorFlow values (dtypes, shapes, tensors, attributes) as agviz shows them
 *
 * Node attributes become an a{sv} dictionary, one entry per attribute, keys sorted:
 *   s -> "s" (or "ay" when not UTF-8), i -> "x", f -> "d", b -> "b",
 *   type -> "s" ("float32"), shape -> "s" ("[?,3]", "<unknown>"),
 *   tensor -> "s" ("float32[3,3] {0.5, -1, ...}": dtype, shape, the first values),
 *   func -> "s" (the function's name), placeholder -> "s" ("$name"),
 *   list(...) -> "as" / "ax" / "ad" / "ab" (shapes, types, tensors and funcs as strings).
 */
#pragma once

#include <glib.h>

#include "agviz-tf-graph.pb-c.h"

G_BEGIN_DECLS

/* "float32", "int64", "resource", "float32_ref", ...; "dtype_N" for unknown values. */
const char *agviz_tf_dtype_name          (int                              dtype);
/* "[2,?,3]", "[]" (scalar), "<unknown>" (unknown rank); NULL for a NULL shape. */
char       *agviz_tf_shape_to_string     (const AgvizTf__TensorShapeProto *shape);
/* Product of the dimensions, -1 when one is unknown. */
gint64      agviz_tf_shape_element_count (const AgvizTf__TensorShapeProto *shape);
char       *agviz_tf_tensor_describe     (const AgvizTf__TensorProto      *tensor,
                                          guint                            max_values);
/* Numeric values of @tensor as doubles (from the typed fields or tensor_content), at most
 * @max_values of them; FALSE for non-numeric dtypes. */
gboolean    agviz_tf_tensor_get_doubles  (const AgvizTf__TensorProto      *tensor,
                                          gsize                            max_values,
                                          GArray                          *out);
/* One attribute value; NULL when the value is unset. */
GVariant   *agviz_tf_attr_to_variant     (const AgvizTf__AttrValue        *value);

/* Map entries of AttrValue maps have the same layout whatever message holds them. */
typedef struct
{
  ProtobufCMessage    base;
  char               *key;
  AgvizTf__AttrValue *value;
} AgvizTfAttrEntry;

/* Adds @n_entries attributes to @builder (an a{sv} builder), sorted by key. */
void        agviz_tf_attrs_add           (GVariantBuilder                 *builder,
                                          gsize                            n_entries,
                                          AgvizTfAttrEntry *const         *entries);

/* Strings from a file as GVariant strings (type "s" / "as"), made valid UTF-8. */
GVariant   *agviz_tf_text_variant        (const char                      *text);
GVariant   *agviz_tf_text_array_variant  (char *const                     *texts,
                                          gsize                            n_texts);

/* Times from a file in nanoseconds, clamped to what gint64 holds (a hostile or damaged file may
 * say anything; multiplying blindly overflows, which C leaves undefined).  Not a number: 0. */
gint64      agviz_tf_micros_to_ns        (gint64                           micros);
gint64      agviz_tf_seconds_to_ns       (double                           seconds);

G_END_DECLS
