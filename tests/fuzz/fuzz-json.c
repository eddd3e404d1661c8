/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-json.c: libFuzzer target for the JSON reader (agviz-json-reader.c)
 *
 * Seeds: tests/fuzz/corpus/fuzz-json (lines of the recording hook's log, TORCH_TRACE-like
 * records, escapes, deep nesting, numbers at the edges of int64).  Whatever parses must be a
 * well-formed GVariant that prints and parses back as the same value. */
#include "config.h"

#include "agviz-core.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) value = agviz_json_parse ((const char *) data, (gssize) size, &error);
  g_autofree char *printed = NULL;
  g_autoptr(GVariant) again = NULL;

  if (value == NULL)
    {
      g_assert (error != NULL && error->domain == AGVIZ_JSON_ERROR);
      return 0;
    }
  g_assert (error == NULL);
  g_assert (g_variant_is_normal_form (value));
  printed = g_variant_print (value, TRUE);
  again = g_variant_parse (NULL, printed, NULL, NULL, NULL);
  g_assert (again != NULL && g_variant_equal (value, again));
  (void) agviz_json_get_string (value, "record");
  (void) agviz_json_get_int (value, "trace", 0);
  (void) agviz_json_get_boolean (value, "failed", FALSE);
  return 0;
}
