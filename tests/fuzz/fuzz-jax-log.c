/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-jax-log.c: libFuzzer target for JAX's cache-miss and compile log reader
 * (src/import/jax/agviz-jax-log.c)
 *
 * Seeds: tests/fuzz/corpus/fuzz-jax-log (every wording since 2024, log prefixes, continuation
 * lines).  Whatever it reads must name the line each record starts on, and every cache miss a
 * function; what it refuses is refused with an import error naming the file.
 */
#include "config.h"

#include <string.h>

#include "agviz-import-error.h"
#include "agviz-jax-log.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = _agviz_jax_log_parse ("fuzz.log", (const char *) data, size,
                                                       &error);

  if (records == NULL)
    {
      g_assert (error != NULL && error->domain == AGVIZ_IMPORT_ERROR);
      g_assert (g_str_has_prefix (error->message, "fuzz.log:"));
      return 0;
    }
  g_assert (error == NULL);
  for (guint i = 0; i < records->len; i++)
    {
      const AgvizJaxLogRecord *record = g_ptr_array_index (records, i);

      g_assert (record->line >= 1 && record->function != NULL && record->text != NULL);
      g_assert (g_utf8_validate (record->text, -1, NULL));
      if (record->kind == AGVIZ_JAX_LOG_CACHE_MISS)
        g_assert (*record->function != '\0' && record->summary != NULL);
      g_assert (i == 0 || record->line > ((AgvizJaxLogRecord *) g_ptr_array_index (records,
                                                                                    i - 1))->line);
    }
  return 0;
}
