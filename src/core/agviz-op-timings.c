/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-op-timings.c: mean duration per op type (see agviz-op-timings.h) */
#define G_LOG_DOMAIN "agviz-op-timings"

#include "config.h"

#include "agviz-op-timings.h"

GHashTable *
agviz_op_timings_from_executions (GPtrArray *executions)
{
  g_autoptr(GHashTable) timings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gint64 *sum;

  g_return_val_if_fail (executions != NULL, NULL);

  /* Each value is { sum, count } until the mean replaces the sum. */
  for (guint i = 0; i < executions->len; i++)
    {
      const AgvizExecution *execution = g_ptr_array_index (executions, i);

      if (execution->trace_id != 0 || execution->op_type == NULL || execution->duration_ns <= 0)
        continue;
      sum = g_hash_table_lookup (timings, execution->op_type);
      if (sum == NULL)
        {
          sum = g_new0 (gint64, 2);
          g_hash_table_insert (timings, g_strdup (execution->op_type), sum);
        }
      sum[0] += execution->duration_ns;
      sum[1]++;
    }
  g_hash_table_iter_init (&iter, timings);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &sum))
    sum[0] /= sum[1];
  return g_steal_pointer (&timings);
}

GHashTable *
agviz_op_timings_read (AgvizStore  *store,
                       GError     **error)
{
  g_autoptr(GPtrArray) executions = NULL;

  g_return_val_if_fail (AGVIZ_IS_STORE (store), NULL);

  executions = agviz_store_list_executions (store, 0, 0, AGVIZ_OP_TIMINGS_MAX_EXECUTIONS, error);
  if (executions == NULL)
    return NULL;
  return agviz_op_timings_from_executions (executions);
}
