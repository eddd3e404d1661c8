/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-cli-info.c: `agviz info FILE`, a summary of a trace file for people and scripts */
#define G_LOG_DOMAIN "agviz-info"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "agviz-cli.h"
#include "agviz-core.h"

/* What a summary is made of, read from the file up front (the fields are borrowed). */
typedef struct
{
  GHashTable       *metadata;
  AgvizStoreTotals  totals;
  GPtrArray        *functions;
  GPtrArray        *errors;
} InfoReport;

static int compare_key_pointers (gconstpointer a, gconstpointer b);

/* The keys of @table sorted (GLib 2.74 has no g_hash_table_get_keys_as_ptr_array). */
static GPtrArray *
sorted_keys (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_key_pointers);
  return keys;
}

static int
compare_key_pointers (gconstpointer a,
                      gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* Finds the function and trace an error points at, for "(make_var, trace 2)". */
static char *
describe_error_location (InfoReport               *report,
                         const AgvizRecordedError *recorded)
{
  for (guint i = 0; i < report->functions->len; i++)
    {
      AgvizFunction *function = g_ptr_array_index (report->functions, i);

      for (guint j = 0; j < function->traces->len; j++)
        {
          AgvizTrace *trace = g_ptr_array_index (function->traces, j);
          if (recorded->trace_id != 0 && trace->id == recorded->trace_id)
            return g_strdup_printf ("%s, trace %d", function->name, trace->ordinal);
        }
      if (recorded->trace_id == 0 && recorded->function_id == function->id)
        return g_strdup (function->name);
    }
  return NULL;
}

static void
print_text (InfoReport *report,
            const char *path)
{
  g_autoptr(GPtrArray) keys = sorted_keys (report->metadata);
  g_autofree char *nodes = agviz_cli_format_count (report->totals.nodes);
  g_autofree char *edges = agviz_cli_format_count (report->totals.edges);
  g_autofree char *executions = agviz_cli_format_count (report->totals.executions);

  printf ("%s: agviz trace file, schema version %d\n", path, AGVIZ_SCHEMA_VERSION);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      const char *value = g_hash_table_lookup (report->metadata, key);
      const char *newline = strchr (value, '\n');

      /* Importers keep whole documents here (a SavedModel's object tree as JSON): a summary
       * shows their size, --json shows them. */
      if (newline != NULL)
        {
          guint n_lines = 1;

          for (const char *p = value; *p != '\0'; p++)
            n_lines += *p == '\n';
          printf ("  %s: (%u lines, shown by --json)\n", key, n_lines);
        }
      else
        printf ("  %s: %s\n", key, value);
    }
  printf ("%" G_GINT64_FORMAT " function%s, %" G_GINT64_FORMAT " trace%s, %s node%s, "
          "%s edge%s, %s execution%s, %" G_GINT64_FORMAT " event%s, %" G_GINT64_FORMAT
          " error%s\n",
          report->totals.functions, report->totals.functions == 1 ? "" : "s",
          report->totals.traces, report->totals.traces == 1 ? "" : "s",
          nodes, report->totals.nodes == 1 ? "" : "s",
          edges, report->totals.edges == 1 ? "" : "s",
          executions, report->totals.executions == 1 ? "" : "s",
          report->totals.events, report->totals.events == 1 ? "" : "s",
          report->totals.errors, report->totals.errors == 1 ? "" : "s");

  for (guint i = 0; i < report->functions->len; i++)
    {
      AgvizFunction *function = g_ptr_array_index (report->functions, i);

      printf ("\nfunction %s", function->name);
      if (function->file != NULL)
        printf ("  (%s:%d)", function->file, function->line);
      printf ("\n");

      for (guint j = 0; j < function->traces->len; j++)
        {
          AgvizTrace *trace = g_ptr_array_index (function->traces, j);
          g_autofree char *trace_nodes = agviz_cli_format_count (trace->node_count);
          g_autofree char *trace_edges = agviz_cli_format_count (trace->edge_count);
          g_autofree char *calls = agviz_cli_format_count (trace->execution_count);
          const char *status = trace->status == AGVIZ_TRACE_STATUS_RECORDING
                               ? "incomplete" : agviz_trace_status_to_string (trace->status);

          printf ("  trace %d  %s  %s  %s node%s, %s edge%s, %s execution%s", trace->ordinal,
                  trace->graph_name, status, trace_nodes, trace->node_count == 1 ? "" : "s",
                  trace_edges, trace->edge_count == 1 ? "" : "s",
                  calls, trace->execution_count == 1 ? "" : "s");
          if (trace->wall_ns > 0)
            {
              g_autofree char *took = agviz_format_duration (trace->wall_ns, AGVIZ_DURATION_ASCII);
              printf (", traced in %s", took);
            }
          printf ("\n");
          if (*trace->signature != '\0')
            printf ("    signature: %s\n", trace->signature);
          if (*trace->reason != '\0')
            printf ("    reason: %s\n", trace->reason);
          if (trace->call_signature != NULL)
            printf ("    called as: %s\n", trace->call_signature);
          if (trace->object > 0)
            printf ("    object: %" G_GINT64_FORMAT "\n", trace->object);
        }
    }

  if (report->errors->len > 0)
    printf ("\nerrors:\n");
  for (guint i = 0; i < report->errors->len; i++)
    {
      AgvizRecordedError *recorded = g_ptr_array_index (report->errors, i);
      g_autofree char *where = describe_error_location (report, recorded);

      printf ("  %s: %s", recorded->type, recorded->message);
      if (where != NULL)
        printf ("  [%s]", where);
      if (recorded->origin == AGVIZ_ERROR_ORIGIN_IMPORTER)
        printf ("  (while importing)");
      printf ("\n");
    }
}

static void
write_trace_json (AgvizJsonWriter  *json,
                  const AgvizTrace *trace)
{
  agviz_json_writer_begin_object (json);
  agviz_json_writer_member_int (json, "id", trace->id);
  agviz_json_writer_member_int (json, "ordinal", trace->ordinal);
  agviz_json_writer_member_string (json, "graph_name", trace->graph_name);
  agviz_json_writer_member_string (json, "status", agviz_trace_status_to_string (trace->status));
  agviz_json_writer_member_string (json, "signature", trace->signature);
  agviz_json_writer_member_string (json, "reason", trace->reason);
  agviz_json_writer_member_int (json, "started_ns", trace->started_ns);
  agviz_json_writer_member_int (json, "wall_ns", trace->wall_ns);
  agviz_json_writer_member_int (json, "node_count", trace->node_count);
  agviz_json_writer_member_int (json, "edge_count", trace->edge_count);
  agviz_json_writer_member_int (json, "execution_count", trace->execution_count);
  if (trace->call_signature != NULL)
    agviz_json_writer_member_string (json, "call_signature", trace->call_signature);
  agviz_json_writer_key (json, "object");
  if (trace->object > 0)
    agviz_json_writer_int (json, trace->object);
  else
    agviz_json_writer_null (json);
  agviz_json_writer_end_object (json);
}

static char *
report_to_json (InfoReport *report,
                const char *path)
{
  g_autoptr(AgvizJsonWriter) json = agviz_json_writer_new ();
  g_autoptr(GPtrArray) keys = sorted_keys (report->metadata);

  agviz_json_writer_begin_object (json);
  agviz_json_writer_member_string (json, "file", path);
  agviz_json_writer_member_int (json, "schema_version", AGVIZ_SCHEMA_VERSION);

  agviz_json_writer_key (json, "metadata");
  agviz_json_writer_begin_object (json);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      agviz_json_writer_member_string (json, key, g_hash_table_lookup (report->metadata, key));
    }
  agviz_json_writer_end_object (json);

  agviz_json_writer_key (json, "totals");
  agviz_json_writer_begin_object (json);
  agviz_json_writer_member_int (json, "functions", report->totals.functions);
  agviz_json_writer_member_int (json, "traces", report->totals.traces);
  agviz_json_writer_member_int (json, "nodes", report->totals.nodes);
  agviz_json_writer_member_int (json, "edges", report->totals.edges);
  agviz_json_writer_member_int (json, "executions", report->totals.executions);
  agviz_json_writer_member_int (json, "events", report->totals.events);
  agviz_json_writer_member_int (json, "errors", report->totals.errors);
  agviz_json_writer_end_object (json);

  agviz_json_writer_key (json, "functions");
  agviz_json_writer_begin_array (json);
  for (guint i = 0; i < report->functions->len; i++)
    {
      AgvizFunction *function = g_ptr_array_index (report->functions, i);

      agviz_json_writer_begin_object (json);
      agviz_json_writer_member_int (json, "id", function->id);
      agviz_json_writer_member_string (json, "name", function->name);
      agviz_json_writer_member_string (json, "file", function->file);
      agviz_json_writer_member_int (json, "line", function->line);
      agviz_json_writer_key (json, "traces");
      agviz_json_writer_begin_array (json);
      for (guint j = 0; j < function->traces->len; j++)
        write_trace_json (json, g_ptr_array_index (function->traces, j));
      agviz_json_writer_end_array (json);
      agviz_json_writer_end_object (json);
    }
  agviz_json_writer_end_array (json);

  agviz_json_writer_key (json, "errors");
  agviz_json_writer_begin_array (json);
  for (guint i = 0; i < report->errors->len; i++)
    {
      AgvizRecordedError *recorded = g_ptr_array_index (report->errors, i);

      agviz_json_writer_begin_object (json);
      agviz_json_writer_member_int (json, "id", recorded->id);
      agviz_json_writer_member_string (json, "origin",
                                       agviz_error_origin_to_string (recorded->origin));
      agviz_json_writer_member_string (json, "type", recorded->type);
      agviz_json_writer_member_string (json, "message", recorded->message);
      agviz_json_writer_member_int (json, "function_id", recorded->function_id);
      agviz_json_writer_member_int (json, "trace_id", recorded->trace_id);
      agviz_json_writer_member_int (json, "node_id", recorded->node_id);
      agviz_json_writer_member_string (json, "traceback", recorded->traceback);
      agviz_json_writer_end_object (json);
    }
  agviz_json_writer_end_array (json);
  agviz_json_writer_end_object (json);

  return agviz_json_writer_finish (g_steal_pointer (&json));
}

typedef struct
{
  const AgvizObject *object;
  guint              depth;
} TreeEntry;

static void
print_tree_traces (const AgvizFunction *function,
                   guint                depth)
{
  for (guint t = 0; t < function->traces->len; t++)
    {
      const AgvizTrace *trace = g_ptr_array_index (function->traces, t);
      const char *signature = trace->call_signature != NULL ? trace->call_signature
                                                            : trace->signature;

      printf ("%*strace %d  %s%s%s\n", (int) depth * 2, "", trace->ordinal, trace->graph_name,
              *signature != '\0' ? "  " : "", signature);
    }
}

/* The module tree, each object under its parent in the source's order, each function object
 * with its traces and how Python calls them; then the functions no object holds. */
static void
print_module_tree (GPtrArray *objects,
                   GPtrArray *functions)
{
  g_autoptr(GHashTable) children = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                          (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) function_of = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (TreeEntry));
  gboolean other_seen = FALSE;

  if (objects->len == 0)
    {
      printf ("no module tree: the file's sources name no tf.Module or layer objects\n");
      return;
    }
  for (guint i = 0; i < objects->len; i++)
    {
      const AgvizObject *object = g_ptr_array_index (objects, i);
      GPtrArray *siblings = g_hash_table_lookup (children, &object->parent_id);

      if (siblings == NULL)
        {
          siblings = g_ptr_array_new ();
          g_hash_table_insert (children, (gpointer) &object->parent_id, siblings);
        }
      g_ptr_array_add (siblings, (gpointer) object);
    }
  for (guint f = 0; f < functions->len; f++)
    {
      const AgvizFunction *function = g_ptr_array_index (functions, f);
      if (function->object_id != 0)
        g_hash_table_insert (function_of, (gpointer) &function->object_id, (gpointer) function);
    }

  /* Depth first with a stack of its own, the roots' order kept. */
  {
    static const gint64 no_parent = 0;
    GPtrArray *roots = g_hash_table_lookup (children, &no_parent);

    for (guint i = roots != NULL ? roots->len : 0; i > 0; i--)
      {
        TreeEntry entry = { g_ptr_array_index (roots, i - 1), 0 };
        g_array_append_val (stack, entry);
      }
  }
  while (stack->len > 0)
    {
      TreeEntry entry = g_array_index (stack, TreeEntry, stack->len - 1);
      const AgvizFunction *function = g_hash_table_lookup (function_of, &entry.object->id);
      GPtrArray *below = g_hash_table_lookup (children, &entry.object->id);

      g_array_set_size (stack, stack->len - 1);
      printf ("%*s%s", (int) entry.depth * 2, "", entry.object->name);
      if (function != NULL)
        printf ("  [%s]\n", function->name);
      else if (*entry.object->kind != '\0')
        printf ("  (%s)\n", entry.object->kind);
      else
        printf ("\n");
      if (function != NULL)
        print_tree_traces (function, entry.depth + 1);
      /* A depth no real model reaches; a hand-made cycle would otherwise print forever. */
      for (guint i = below != NULL && entry.depth < 4096 ? below->len : 0; i > 0; i--)
        {
          TreeEntry child = { g_ptr_array_index (below, i - 1), entry.depth + 1 };
          g_array_append_val (stack, child);
        }
    }

  for (guint f = 0; f < functions->len; f++)
    {
      const AgvizFunction *function = g_ptr_array_index (functions, f);

      if (function->object_id != 0)
        continue;
      if (!other_seen)
        printf ("\nfunctions no object holds:\n");
      other_seen = TRUE;
      printf ("  %s\n", function->name);
      print_tree_traces (function, 2);
    }
}

int
agviz_cli_info (int    argc,
                char **argv)
{
  gboolean as_json = FALSE;
  gboolean check = FALSE;
  gboolean tree = FALSE;
  const GOptionEntry entries[] = {
    { "tree", 0, 0, G_OPTION_ARG_NONE, &tree,
      "Print the module tree (a SavedModel's tf.Module/Keras layer objects) with each "
      "object's functions, their traces and signatures", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, "Print the summary as JSON", NULL },
    { "check", 0, 0, G_OPTION_ARG_NONE, &check,
      "Also verify every page of the file (slow on big files)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("TRACE_FILE");
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GHashTable) metadata = NULL;
  g_autoptr(GPtrArray) functions = NULL;
  g_autoptr(GPtrArray) errors = NULL;
  InfoReport report = { 0 };

  g_option_context_set_summary (context,
                                "Summarise a trace file: its functions, every trace of each "
                                "(signature,\nwhy it was traced, status), node, edge and "
                                "execution counts, and recorded errors.");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_help_enabled (context, TRUE);
  g_set_prgname ("agviz info");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return agviz_cli_usage_error ("%s (see agviz info --help)", error->message);
  if (argc != 2)
    return agviz_cli_usage_error ("info needs exactly one trace file (see agviz info --help)");

  if ((store = agviz_store_open (argv[1], AGVIZ_STORE_FLAGS_NONE, &error)) == NULL ||
      (metadata = agviz_store_list_metadata (store, &error)) == NULL ||
      !agviz_store_get_totals (store, &report.totals, &error) ||
      (functions = agviz_store_list_functions (store, &error)) == NULL ||
      (errors = agviz_store_list_errors (store, &error)) == NULL)
    return agviz_cli_fail (error);
  if (check && !agviz_store_check_integrity (store, &error))
    return agviz_cli_fail (error);
  if (tree)
    {
      g_autoptr(GPtrArray) objects = agviz_store_list_objects (store, &error);

      if (objects == NULL)
        return agviz_cli_fail (error);
      if (as_json)
        return agviz_cli_usage_error ("--tree prints text only: drop --json or --tree");
      print_module_tree (objects, functions);
      return AGVIZ_EXIT_OK;
    }
  report.metadata = metadata;
  report.functions = functions;
  report.errors = errors;

  if (as_json)
    {
      g_autofree char *text = report_to_json (&report, argv[1]);
      fputs (text, stdout);
    }
  else
    print_text (&report, argv[1]);

  return AGVIZ_EXIT_OK;
}
