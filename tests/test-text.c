/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one duration scale and the one valid-UTF-8 cut that every front end shows text through. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "agviz-text.h"

static void
test_durations_in_ascii (void)
{
  const struct { gint64 ns; const char *text; } cases[] = {
    { 0, "0 ns" }, { 840, "840 ns" }, { 999, "999 ns" }, { 1000, "1.0 us" },
    { 400000, "400.0 us" }, { 3100000, "3.1 ms" }, { G_GINT64_CONSTANT (2500000000), "2.50 s" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = agviz_format_duration (cases[i].ns, AGVIZ_DURATION_ASCII);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_durations_for_display (void)
{
  g_autofree char *micro = agviz_format_duration (78000, AGVIZ_DURATION_DISPLAY);
  g_autofree char *milli = agviz_format_duration (3100000, AGVIZ_DURATION_DISPLAY);

  g_assert_cmpstr (micro, ==, "78.0 µs");
  g_assert_cmpstr (milli, ==, "3.1 ms");
}

static void
test_prefix_is_valid_and_counts_the_rest (void)
{
  gsize rest = 99;
  g_autofree char *whole = agviz_text_valid_prefix ("dense/MatMul", -1, 0, &rest);
  g_autofree char *cut = NULL;
  g_autofree char *broken = NULL;
  g_autofree char *counted = NULL;

  g_assert_cmpstr (whole, ==, "dense/MatMul");
  g_assert_cmpuint (rest, ==, 0);

  cut = agviz_text_valid_prefix ("dense/MatMul", -1, 5, &rest);
  g_assert_cmpstr (cut, ==, "dense");
  g_assert_cmpuint (rest, ==, strlen ("/MatMul"));

  /* An invalid byte becomes U+FFFD and counts as one character. */
  broken = agviz_text_valid_prefix ("a\xffz", -1, 2, &rest);
  g_assert_true (g_utf8_validate (broken, -1, NULL));
  g_assert_cmpstr (broken, ==, "a\xef\xbf\xbd");
  g_assert_cmpuint (rest, ==, 1);

  /* A length stops at that byte even without a NUL; characters, not bytes, are counted. */
  counted = agviz_text_valid_prefix ("µsµs", 4, 2, NULL);
  g_assert_cmpstr (counted, ==, "µs");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/agviz/text/durations-in-ascii", test_durations_in_ascii);
  g_test_add_func ("/agviz/text/durations-for-display", test_durations_for_display);
  g_test_add_func ("/agviz/text/prefix-valid-and-rest", test_prefix_is_valid_and_counts_the_rest);
  return g_test_run ();
}
