/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-cli.c: error reporting and formatting shared by the subcommands */
#define G_LOG_DOMAIN "agviz-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "agviz-cli.h"
#include "agviz-core.h"
#include "agviz-import-error.h"

static int
exit_code_for (const GError *error)
{
  if (error->domain == AGVIZ_TRACE_FILE_ERROR)
    {
      switch ((AgvizTraceFileError) error->code)
        {
        case AGVIZ_TRACE_FILE_ERROR_MISSING: return AGVIZ_EXIT_MISSING;
        case AGVIZ_TRACE_FILE_ERROR_NOT_SQLITE: return AGVIZ_EXIT_NOT_SQLITE;
        case AGVIZ_TRACE_FILE_ERROR_NOT_AGVIZ: return AGVIZ_EXIT_NOT_AGVIZ;
        case AGVIZ_TRACE_FILE_ERROR_TRUNCATED: return AGVIZ_EXIT_TRUNCATED;
        case AGVIZ_TRACE_FILE_ERROR_CORRUPT: return AGVIZ_EXIT_CORRUPT;
        case AGVIZ_TRACE_FILE_ERROR_TOO_NEW: return AGVIZ_EXIT_TOO_NEW;
        case AGVIZ_TRACE_FILE_ERROR_IO: return AGVIZ_EXIT_IO;
        default: return AGVIZ_EXIT_FAILURE;
        }
    }
  if (g_error_matches (error, AGVIZ_SCENE_ERROR, AGVIZ_SCENE_ERROR_NOT_FOUND))
    return AGVIZ_EXIT_NOT_FOUND;
  if (error->domain == AGVIZ_IMPORT_ERROR)
    {
      switch ((AgvizImportError) error->code)
        {
        case AGVIZ_IMPORT_ERROR_MISSING: return AGVIZ_EXIT_MISSING;
        case AGVIZ_IMPORT_ERROR_TRUNCATED: return AGVIZ_EXIT_TRUNCATED;
        case AGVIZ_IMPORT_ERROR_CORRUPT: return AGVIZ_EXIT_CORRUPT;
        case AGVIZ_IMPORT_ERROR_IO: return AGVIZ_EXIT_IO;
        default: return AGVIZ_EXIT_FAILURE;
        }
    }
  if (g_error_matches (error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_NOT_FOUND))
    return AGVIZ_EXIT_NOT_FOUND;
  if (error->domain == G_OPTION_ERROR)
    return AGVIZ_EXIT_USAGE;
  return AGVIZ_EXIT_FAILURE;
}

int
agviz_cli_fail (const GError *error)
{
  g_return_val_if_fail (error != NULL, AGVIZ_EXIT_FAILURE);

  fprintf (stderr, "agviz: %s\n", error->message);
  return exit_code_for (error);
}

int
agviz_cli_usage_error (const char *format,
                       ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "agviz: %s\n", message);
  return AGVIZ_EXIT_USAGE;
}

int
agviz_cli_torch_all_graphs (const char *which)
{
  if (which == NULL || strcmp (which, "dynamo") == 0)
    return 0;
  if (strcmp (which, "all") == 0)
    return 1;
  agviz_cli_usage_error ("--torch-graphs: '%s' is neither dynamo nor all", which);
  return -1;
}

char *
agviz_cli_format_count (gint64 count)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GINT64_FORMAT, ABS (count));
  GString *out = g_string_new (count < 0 ? "-" : "");
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

