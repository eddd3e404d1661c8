/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-json-reader.c: JSON text into GVariant */
#include "config.h"

#include "agviz-core.h"

static void
test_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) value = agviz_json_parse (
    "{\"record\": \"trace\", \"trace\": 3, \"wall\": 1.5e2, \"ok\": true, \"no\": null,\n"
    " \"big\": 9223372036854775808, \"list\": [1, \"a\", [], {}],\n"
    " \"text\": \"tab\\tquote\\\" \\u00e9 \\ud83d\\ude00 lone \\ud800 nul \\u0000\"}", -1, &error);
  g_autoptr(GVariant) list = NULL;
  g_autoptr(GVariant) wall = NULL;
  g_autoptr(GVariant) big = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (agviz_json_get_string (value, "record"), ==, "trace");
  g_assert_cmpint (agviz_json_get_int (value, "trace", 0), ==, 3);
  g_assert_true (agviz_json_get_boolean (value, "ok", FALSE));
  /* null, a missing member and one of another type all give the default. */
  g_assert_null (agviz_json_get_string (value, "no"));
  g_assert_null (agviz_json_get_string (value, "missing"));
  g_assert_cmpint (agviz_json_get_int (value, "record", -7), ==, -7);
  g_assert_cmpstr (agviz_json_get_string (value, "text"), ==,
                   "tab\tquote\" \xc3\xa9 \xf0\x9f\x98\x80 lone \xef\xbf\xbd nul \xef\xbf\xbd");
  wall = g_variant_lookup_value (value, "wall", G_VARIANT_TYPE_DOUBLE);
  g_assert_cmpfloat (g_variant_get_double (wall), ==, 150.0);
  /* Past int64, a number is a double. */
  big = g_variant_lookup_value (value, "big", G_VARIANT_TYPE_DOUBLE);
  g_assert_nonnull (big);
  list = g_variant_lookup_value (value, "list", G_VARIANT_TYPE ("av"));
  g_assert_cmpuint (g_variant_n_children (list), ==, 4);
}

static void
test_errors (void)
{
  static const struct { const char *text; const char *offset; } cases[] = {
    { "", "byte offset 0:" },
    { "{\"a\" 1}", "byte offset 5:" },
    { "[1, 2", "byte offset 5:" },
    { "\"no end", "byte offset 7:" },
    { "01", "byte offset 1:" },
    { "1.", "byte offset 2:" },
    { "{\"a\": tru}", "byte offset 6:" },
    { "\"\\x\"", "byte offset 2:" },
    { "\"bad \xff\"", "byte offset 1:" },
    { "\"ctl \x01\"", "byte offset 5:" },
    { "[1] 2", "byte offset 4:" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) value = agviz_json_parse (cases[i].text, -1, &error);

      g_assert_null (value);
      g_assert_error (error, AGVIZ_JSON_ERROR, AGVIZ_JSON_ERROR_SYNTAX);
      if (!g_str_has_prefix (error->message, cases[i].offset))
        g_error ("%s: %s, expected %s", cases[i].text, error->message, cases[i].offset);
    }
}

static void
test_deep (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) value = NULL;

  for (int i = 0; i < 100000; i++)
    g_string_append_c (text, '[');
  value = agviz_json_parse (text->str, text->len, &error);
  g_assert_null (value);
  g_assert_error (error, AGVIZ_JSON_ERROR, AGVIZ_JSON_ERROR_TOO_DEEP);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/agviz/json/values", test_values);
  g_test_add_func ("/agviz/json/errors", test_errors);
  g_test_add_func ("/agviz/json/deep", test_deep);
  return g_test_run ();
}
