/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-cli-where.c: `agviz where FILE NODE`, the creation stack of a node with its source */
#define G_LOG_DOMAIN "agviz-where"

#include "config.h"

#include <stdio.h>

#include "agviz-cli.h"
#include "agviz-cli-diagnose.h"
#include "agviz-cli-report.h"

/* "Demo.__call__, trace 1 (__inference___call___41)" for the node's trace. */
static char *
describe_trace (GPtrArray *functions,
                gint64     trace_id,
                int       *ordinal,
                char     **function_name,
                char     **graph_name)
{
  for (guint i = 0; i < functions->len; i++)
    {
      AgvizFunction *function = g_ptr_array_index (functions, i);

      for (guint j = 0; j < function->traces->len; j++)
        {
          AgvizTrace *trace = g_ptr_array_index (function->traces, j);
          if (trace->id != trace_id)
            continue;
          *ordinal = trace->ordinal;
          *function_name = g_strdup (function->name);
          *graph_name = g_strdup (trace->graph_name);
          return g_strdup_printf ("%s, trace %d (%s)", function->name, trace->ordinal,
                                  trace->graph_name);
        }
    }
  return g_strdup_printf ("trace %" G_GINT64_FORMAT, trace_id);
}

int
agviz_cli_where (int    argc,
                 char **argv)
{
  gboolean all_frames = FALSE;
  const GOptionEntry entries[] = {
    { "all-frames", 0, 0, G_OPTION_ARG_NONE, &all_frames, "Also show framework frames", NULL },
    { NULL }
  };
  g_auto(AgvizCliDiagnose) setup = { 0 };
  g_autoptr(GOptionContext) option_context =
    agviz_cli_diagnose_new_options (&setup, "where", "TRACE_FILE NODE",
                                    "Show the stack that created NODE, innermost user frame "
                                    "marked,\neach frame with source lines.  NODE is a full name, "
                                    "a unique suffix\n(dense/MatMul) or FUNCTION:NODE, where "
                                    "FUNCTION may be name#TRACE or a graph name.",
                                    "Print the stack as JSON", 2, entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizNode) node = NULL;
  g_autoptr(GPtrArray) functions = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  g_autofree char *trace_text = NULL, *function_name = NULL, *graph_name = NULL;
  int ordinal = 0, defining, status;

  if ((status = agviz_cli_diagnose_parse (&setup, option_context, &argc, &argv)) != AGVIZ_EXIT_OK)
    return status;
  if (argc != 3)
    return agviz_cli_usage_error ("where needs a trace file and a node (see agviz where --help)");
  if ((status = agviz_cli_diagnose_open (&setup, argv[1])) != AGVIZ_EXIT_OK)
    return status;

  node = agviz_source_map_find_node (setup.map, argv[2], &error);
  if (node == NULL)
    return agviz_cli_fail (error);
  functions = agviz_store_list_functions (setup.store, &error);
  if (functions == NULL)
    return agviz_cli_fail (error);
  trace_text = describe_trace (functions, node->trace_id, &ordinal, &function_name, &graph_name);

  if (node->stack_id != 0)
    {
      frames = agviz_source_map_get_stack (setup.map, node->stack_id, &error);
      if (frames == NULL)
        return agviz_cli_fail (error);
    }
  else
    frames = g_ptr_array_new_with_free_func ((GDestroyNotify) agviz_source_frame_free);
  defining = agviz_source_map_find_defining_frame (frames);

  if (setup.as_json)
    {
      g_autoptr(AgvizJsonWriter) json = agviz_json_writer_new ();
      g_autofree char *text = NULL;

      agviz_json_writer_begin_object (json);
      agviz_json_writer_member_string (json, "node", node->name);
      agviz_json_writer_member_int (json, "node_id", node->id);
      agviz_json_writer_member_string (json, "op_type", node->op_type);
      agviz_json_writer_member_string (json, "function", function_name);
      agviz_json_writer_member_int (json, "trace", ordinal);
      agviz_json_writer_member_string (json, "graph_name", graph_name);
      agviz_json_writer_member_int (json, "defining_frame", defining);
      agviz_json_writer_key (json, "frames");
      agviz_cli_report_write_stack (json, setup.map, frames, setup.context);
      agviz_json_writer_end_object (json);
      text = agviz_json_writer_finish (g_steal_pointer (&json));
      fputs (text, stdout);
      return AGVIZ_EXIT_OK;
    }

  printf ("%s (%s) in %s\n", node->name, node->op_type, trace_text);
  if (frames->len == 0)
    {
      printf ("no creation stack was recorded for this node\n");
      return AGVIZ_EXIT_OK;
    }
  if (defining >= 0)
    {
      AgvizSourceFrame *frame = g_ptr_array_index (frames, defining);
      printf ("defined at %s:%d, in %s\n", frame->frame->file, frame->frame->line,
              frame->frame->function);
    }
  else
    printf ("no frame of its stack is user code; --all-frames shows the framework frames\n");
  printf ("\ncreated at (most recent call last):\n");
  agviz_cli_report_print_stack (setup.map, frames, all_frames, setup.context);
  return AGVIZ_EXIT_OK;
}
