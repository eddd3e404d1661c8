/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-cli-diagnose.c: the options and set-up that `where`, `explain` and `check` share */
#define G_LOG_DOMAIN "agviz-diagnose"

#include "config.h"

#include "agviz-cli.h"
#include "agviz-cli-diagnose.h"
#include "agviz-cli-report.h"

GOptionContext *
agviz_cli_diagnose_new_options (AgvizCliDiagnose   *self,
                                const char         *command,
                                const char         *parameters,
                                const char         *summary,
                                const char         *json_help,
                                int                 default_context,
                                const GOptionEntry *own_entries)
{
  g_autofree char *prgname = g_strconcat ("agviz ", command, NULL);
  GOptionContext *options;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (command != NULL, NULL);

  *self = (AgvizCliDiagnose) {
    .command = command,
    .context = default_context,
    .context_help = g_strdup_printf ("Source lines around each line (%d)", default_context),
  };

  const GOptionEntry json_entry[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &self->as_json, json_help, NULL },
    { NULL }
  };
  const GOptionEntry source_entries[] = {
    { "context", 'C', 0, G_OPTION_ARG_INT, &self->context, self->context_help, "N" },
    { "source-root", 0, 0, G_OPTION_ARG_STRING_ARRAY, &self->source_roots,
      "Read sources recorded under OLD from NEW (repeatable)", "OLD=NEW" },
    { NULL }
  };

  options = g_option_context_new (parameters);
  g_option_context_set_summary (options, summary);
  /* The entries are copied (their strings are not); --help lists them in this order. */
  g_option_context_add_main_entries (options, json_entry, NULL);
  if (own_entries != NULL)
    g_option_context_add_main_entries (options, own_entries, NULL);
  g_option_context_add_main_entries (options, source_entries, NULL);
  g_set_prgname (prgname);
  return options;
}

int
agviz_cli_diagnose_parse (AgvizCliDiagnose   *self,
                          GOptionContext     *options,
                          int                *argc,
                          char             ***argv)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (self != NULL, AGVIZ_EXIT_FAILURE);

  if (!g_option_context_parse (options, argc, argv, &error))
    return agviz_cli_usage_error ("%s (see agviz %s --help)", error->message, self->command);
  return AGVIZ_EXIT_OK;
}

int
agviz_cli_diagnose_open (AgvizCliDiagnose *self,
                         const char       *trace_path)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (self != NULL, AGVIZ_EXIT_FAILURE);

  if (self->context < 0 || self->context > 100)
    return agviz_cli_usage_error ("--context must be between 0 and 100");
  if (trace_path != NULL)
    {
      self->store = agviz_store_open (trace_path, AGVIZ_STORE_FLAGS_NONE, &error);
      if (self->store == NULL)
        return agviz_cli_fail (error);
    }
  self->map = agviz_source_map_new (self->store);
  for (guint i = 0; self->source_roots != NULL && self->source_roots[i] != NULL; i++)
    {
      /* A malformed OLD=NEW is a usage error, whatever the map's own error says. */
      if (!agviz_source_map_add_root (self->map, self->source_roots[i], &error))
        return agviz_cli_usage_error ("%s", error->message);
    }
  return AGVIZ_EXIT_OK;
}

void
agviz_cli_diagnose_clear (AgvizCliDiagnose *self)
{
  g_clear_object (&self->map);
  g_clear_object (&self->store);
  g_clear_pointer (&self->source_roots, g_strfreev);
  g_clear_pointer (&self->context_help, g_free);
}
