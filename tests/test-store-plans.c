/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-store-plans.c: the queries the GUI runs on every click never scan a table
 *
 * SQLite picks plans from the schema (no ANALYZE statistics are kept), so the plans seen on the
 * small example trace are the plans a million-node file gets.
 */
#include "config.h"

#include <string.h>

#include "agviz-core.h"
#include "agviz-store-private.h"

static void
test_interactive_queries_use_indexes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = agviz_store_open (g_getenv ("AGVIZ_EXAMPLE_TRACE"),
                                                  AGVIZ_STORE_FLAGS_NONE, &error);
  guint checked = 0;

  g_assert_no_error (error);

  for (guint i = 0; i < _agviz_store_get_n_queries (); i++)
    {
      g_autofree char *plan = NULL;
      g_auto(GStrv) steps = NULL;

      if (!_agviz_store_query_is_interactive (i))
        continue;

      plan = _agviz_store_explain_query (store, i, &error);
      g_assert_no_error (error);
      g_test_message ("%s:\n%s", _agviz_store_get_query_name (i), plan);

      steps = g_strsplit (plan, "\n", -1);
      for (guint j = 0; steps[j] != NULL; j++)
        {
          if (*steps[j] == '\0')
            continue;
          if (g_str_has_prefix (steps[j], "SCAN ") || strstr (steps[j], "TEMP B-TREE") != NULL)
            g_error ("query %s does not use an index: %s", _agviz_store_get_query_name (i),
                     steps[j]);
          g_assert_true (g_str_has_prefix (steps[j], "SEARCH ") ||
                         g_str_has_prefix (steps[j], "CORRELATED SCALAR SUBQUERY"));
        }
      checked++;
    }

  g_assert_cmpuint (checked, >=, 20);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agviz/store/plans/interactive-use-indexes",
                   test_interactive_queries_use_indexes);

  return g_test_run ();
}
