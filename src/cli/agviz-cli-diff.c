/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-cli-diff.c: `agviz diff A [B]`, what changed from one trace to another
 *
 * Picks the two traces, compares them (agviz-graph-diff.h), prints the changes as a list or as
 * JSON and, with --svg, draws the second trace with them highlighted.  Exits like diff(1).
 */
#define G_LOG_DOMAIN "agviz-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "agviz-cli.h"
#include "agviz-cli-render.h"
#include "agviz-core.h"
#include "agviz-graph-diff.h"
#include "agviz-layout.h"

/* diff(1)'s exit statuses, so scripts and `git bisect run` read them the usual way. */
enum
{
  DIFF_EXIT_SAME      = 0,
  DIFF_EXIT_DIFFERENT = 1,
  DIFF_EXIT_TROUBLE   = 2,
};

/* Differing nodes whose path the drawing opens by default: past that, scopes say it. */
#define MAX_EXPANDED_CHANGES 50

static const char usage[] =
  "Usage: agviz diff FILE [--function NAME] [--trace K] [--against J] [OPTION...]\n"
  "       agviz diff A B [--function NAME] [--trace N] [--against N] [OPTION...]\n"
  "\n"
  "Compares two traces node by node and lists the nodes added, removed and changed (op type,\n"
  "attributes, output shapes, source line, inputs).  With one file: trace K of a function\n"
  "against its trace 1.  With two: a trace of A against one of B.  A file is a trace file or\n"
  "anything agviz imports (a SavedModel, an event log, a tfdbg2 dump, a GraphDef).\n"
  "\n"
  "Nodes are paired by full name; then, among the rest, by structure (same op type and paired\n"
  "inputs, or paired consumers, unique on both sides); then by name without TensorFlow's\n"
  "counters (dense_1/MatMul pairs with dense_2/MatMul).\n"
  "\n"
  "Options:\n"
  "  --function NAME      The function compared (both sides)\n"
  "  --trace N|GRAPHNAME  The later trace (of B): its graph name, or with a function its\n"
  "                       number (default: the function's last trace with one file, else\n"
  "                       the largest complete trace)\n"
  "  --against N|GRAPHNAME  The earlier trace (of A; default: trace 1 of the function with\n"
  "                       one file, else the same function's trace with the same number)\n"
  "  --json               Print the differences as JSON\n"
  "  --svg OUT            Draw the later trace with the differences highlighted ('-': stdout)\n"
  "  --all                In the drawing, open every scope (default: the paths to changes)\n"
  "  -q, --quiet          Do not say which traces are compared\n"
  "\n"
  "Exit status: 0 the traces are the same, 1 they differ, 2 trouble.\n";

typedef struct
{
  char     *files[2];
  char     *function;
  char     *trace;
  char     *against;
  char     *svg;
  gboolean  json;
  gboolean  all;
  gboolean  quiet;
} DiffArgs;

static void
diff_args_clear (DiffArgs *args)
{
  g_free (args->files[0]);
  g_free (args->files[1]);
  g_free (args->function);
  g_free (args->trace);
  g_free (args->against);
  g_free (args->svg);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DiffArgs, diff_args_clear)

/* Returns -1 to go on, else the exit status. */
static int
parse_args (int       argc,
            char    **argv,
            DiffArgs *args)
{
  guint n_files = 0;

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      const char *value = i + 1 < argc ? argv[i + 1] : NULL;
      char **slot = NULL;

      if (g_str_equal (arg, "-h") || g_str_equal (arg, "--help"))
        {
          fputs (usage, stdout);
          return DIFF_EXIT_SAME;
        }
      if (g_str_equal (arg, "--function"))
        slot = &args->function;
      else if (g_str_equal (arg, "--trace"))
        slot = &args->trace;
      else if (g_str_equal (arg, "--against"))
        slot = &args->against;
      else if (g_str_equal (arg, "--svg"))
        slot = &args->svg;
      else if (g_str_equal (arg, "--json"))
        args->json = TRUE;
      else if (g_str_equal (arg, "--all"))
        args->all = TRUE;
      else if (g_str_equal (arg, "-q") || g_str_equal (arg, "--quiet"))
        args->quiet = TRUE;
      else if (arg[0] == '-' && arg[1] != '\0')
        return agviz_cli_usage_error ("unknown option '%s' (see agviz diff --help)", arg);
      else if (n_files < 2)
        args->files[n_files++] = g_strdup (arg);
      else
        return agviz_cli_usage_error ("two files at most ('%s' is extra)", arg);

      if (slot != NULL)
        {
          if (value == NULL)
            return agviz_cli_usage_error ("%s needs a value (see agviz diff --help)", arg);
          g_free (*slot);
          *slot = g_strdup (value);
          i++;
        }
    }
  if (n_files == 0)
    return agviz_cli_usage_error ("which trace file? (see agviz diff --help)");
  return -1;
}

/* One side of the comparison. */
typedef struct
{
  const char            *source;     /* as given */
  AgvizCliTemporaryFile  temporary;
  AgvizStore            *store;
  GPtrArray             *functions;  /* AgvizFunction */
  AgvizFunction         *function;   /* in functions */
  AgvizTrace            *trace;      /* in function */
} Side;

static void
side_clear (Side *side)
{
  g_clear_object (&side->store);
  g_clear_pointer (&side->functions, g_ptr_array_unref);
  agviz_cli_temporary_file_clear (&side->temporary);
}

static gboolean
open_side (Side        *side,
           const char  *source,
           gboolean     quiet,
           GError     **error)
{
  g_autofree char *path = agviz_cli_prepare_source (source, TRUE, &side->temporary, error);

  side->source = source;
  if (path == NULL)
    return FALSE;
  if (!quiet && side->temporary.path != NULL)
    fprintf (stderr, "agviz: imported %s to compare it\n", source);
  side->store = agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, error);
  if (side->store == NULL)
    return FALSE;
  side->functions = agviz_store_list_functions (side->store, error);
  return side->functions != NULL;
}

static AgvizFunction *
find_function (Side        *side,
               const char  *name,
               GError     **error)
{
  for (guint i = 0; i < side->functions->len; i++)
    {
      AgvizFunction *function = g_ptr_array_index (side->functions, i);

      if (g_str_equal (function->name, name))
        return function;
    }
  g_set_error (error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_NOT_FOUND, "no function named %s in %s",
               name, side->source);
  return NULL;
}

/* Trace @spec (a number: the function's trace with that ordinal; else a graph name) of
 * @side->function, or of any function when none is chosen, which it then chooses. */
static gboolean
choose_trace (Side        *side,
              const char  *spec,
              GError     **error)
{
  guint64 number = 0;
  gboolean numeric = g_ascii_string_to_unsigned (spec, 10, 1, G_MAXINT, &number, NULL);

  for (guint f = 0; f < side->functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (side->functions, f);

      /* A graph name is unique in a file: it may name another function's trace. */
      if (numeric && side->function != NULL && function != side->function)
        continue;
      for (guint t = 0; t < function->traces->len; t++)
        {
          AgvizTrace *trace = g_ptr_array_index (function->traces, t);

          if (numeric && side->function != NULL ? trace->ordinal == (int) number
                                                 : g_str_equal (trace->graph_name, spec))
            {
              side->function = function;
              side->trace = trace;
              return TRUE;
            }
        }
    }
  g_set_error (error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_NOT_FOUND, "no trace %s%s%s in %s", spec,
               side->function != NULL ? " of function " : "",
               side->function != NULL ? side->function->name : "", side->source);
  return FALSE;
}

/* Without --trace: the last trace of the function; without --function either, with one file
 * the function traced most often (it has something to compare), else the largest complete
 * trace of any. */
static gboolean
choose_default_trace (Side      *side,
                      gboolean   one_file,
                      GError   **error)
{
  for (guint f = 0; side->function == NULL && f < side->functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (side->functions, f);

      for (guint t = 0; !one_file && t < function->traces->len; t++)
        {
          AgvizTrace *trace = g_ptr_array_index (function->traces, t);
          gboolean complete = trace->status == AGVIZ_TRACE_STATUS_COMPLETE;
          gboolean best_complete = side->trace != NULL && side->trace->status == AGVIZ_TRACE_STATUS_COMPLETE;

          if (side->trace == NULL || (complete != best_complete ? complete
                                                                : trace->node_count > side->trace->node_count))
            side->trace = trace;
        }
      if (one_file && (side->trace == NULL || (int) function->traces->len > side->trace->ordinal))
        side->trace = g_ptr_array_index (function->traces, function->traces->len - 1);
    }
  if (side->function != NULL && side->function->traces->len > 0)
    side->trace = g_ptr_array_index (side->function->traces, side->function->traces->len - 1);
  if (side->trace == NULL)
    {
      g_set_error (error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_NOT_FOUND, "%s holds no traces%s%s",
                   side->source, side->function != NULL ? " of " : "",
                   side->function != NULL ? side->function->name : "");
      return FALSE;
    }
  /* The trace's own function: found by id, the list holds it. */
  for (guint f = 0; side->function == NULL && f < side->functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (side->functions, f);

      if (function->id == side->trace->function_id)
        side->function = function;
    }
  return side->function != NULL;
}

static gboolean
choose_traces (Side        *a,
               Side        *b,
               DiffArgs    *args,
               GError     **error)
{
  gboolean one_file = args->files[1] == NULL;

  if (args->function != NULL)
    {
      if ((a->function = find_function (a, args->function, error)) == NULL ||
          (b->function = find_function (b, args->function, error)) == NULL)
        return FALSE;
    }

  /* The later trace, of B.  A number is a trace of the function, the default one if none is
   * named. */
  if (args->trace != NULL)
    {
      if (b->function == NULL && g_ascii_string_to_unsigned (args->trace, 10, 1, G_MAXINT, NULL, NULL) &&
          !choose_default_trace (b, one_file, error))
        return FALSE;
      if (!choose_trace (b, args->trace, error))
        return FALSE;
    }
  else if (!choose_default_trace (b, one_file, error))
    return FALSE;

  /* The earlier trace, of A: of the same function unless told otherwise. */
  if (a->function == NULL)
    {
      if (one_file)
        a->function = b->function;
      else
        {
          g_autoptr(GError) local_error = NULL;

          a->function = find_function (a, b->function->name, &local_error);
        }
    }
  if (args->against != NULL)
    return choose_trace (a, args->against, error);
  if (one_file)
    {
      if (b->function->traces->len < 2 && args->trace == NULL)
        {
          g_set_error (error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_NOT_FOUND,
                       "%s was traced once in %s: nothing to compare it with (name a second file, "
                       "or --function)", b->function->name, b->source);
          return FALSE;
        }
      a->trace = g_ptr_array_index (a->function->traces, 0);
      return TRUE;
    }
  /* Two files of one program: the trace with the same number; two unrelated files: the trace
   * each would be drawn by. */
  if (a->function == NULL)
    return choose_default_trace (a, FALSE, error);
  for (guint t = 0; t < a->function->traces->len; t++)
    {
      AgvizTrace *trace = g_ptr_array_index (a->function->traces, t);

      if (trace->ordinal == b->trace->ordinal || a->trace == NULL)
        a->trace = trace;
    }
  if (a->trace == NULL)
    {
      g_set_error (error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_NOT_FOUND, "%s has no trace of %s",
                   a->source, a->function->name);
      return FALSE;
    }
  return TRUE;
}

/* "trace 3 of layer (__inference_layer_76)" */
static char *
dup_trace_text (const Side *side)
{
  return g_strdup_printf ("trace %d of %s (%s)", side->trace->ordinal, side->function->name,
                          side->trace->graph_name);
}

static void
print_list (AgvizGraphDiff *diff,
            const Side     *a,
            const Side     *b)
{
  const AgvizDiffCounts *counts = agviz_graph_diff_get_counts (diff);
  GPtrArray *entries = agviz_graph_diff_get_entries (diff);
  g_autofree char *text_a = dup_trace_text (a);
  g_autofree char *text_b = dup_trace_text (b);

  printf ("--- %s%s%s\n+++ %s%s%s\n", text_a, a->source != b->source ? " in " : "",
          a->source != b->source ? a->source : "", text_b, a->source != b->source ? " in " : "",
          a->source != b->source ? b->source : "");
  if (g_strcmp0 (a->trace->signature, b->trace->signature) != 0)
    printf ("signature: %s -> %s\n", a->trace->signature != NULL ? a->trace->signature : "(none)",
            b->trace->signature != NULL ? b->trace->signature : "(none)");
  printf ("%u changed, %u added, %u removed; paired %u by name, %u by structure, %u by counter-free name\n",
          counts->changed, counts->added, counts->removed,
          agviz_graph_diff_get_n_matched (diff, AGVIZ_DIFF_MATCH_NAME),
          agviz_graph_diff_get_n_matched (diff, AGVIZ_DIFF_MATCH_STRUCTURE),
          agviz_graph_diff_get_n_matched (diff, AGVIZ_DIFF_MATCH_COUNTER));
  for (guint i = 0; i < entries->len; i++)
    {
      const AgvizDiffEntry *entry = g_ptr_array_index (entries, i);
      const char *source = agviz_diff_entry_get_source (entry);

      printf ("%-8s %s (%s)", agviz_diff_status_to_string (entry->status), agviz_diff_entry_get_name (entry),
              agviz_diff_entry_get_op_type (entry));
      if (entry->name_a != NULL && entry->name_b != NULL && !g_str_equal (entry->name_a, entry->name_b))
        printf (", was %s", entry->name_a);
      if (source != NULL)
        printf ("  %s", source);
      putchar ('\n');
      for (guint d = 0; d < entry->details->len; d++)
        {
          const AgvizDiffDetail *detail = &g_array_index (entry->details, AgvizDiffDetail, d);

          printf ("    %s: %s -> %s\n", detail->what, detail->before != NULL ? detail->before : "(none)",
                  detail->after != NULL ? detail->after : "(none)");
        }
    }
}

static void
write_side_json (AgvizJsonWriter *json,
                 const char      *key,
                 const Side      *side)
{
  agviz_json_writer_key (json, key);
  agviz_json_writer_begin_object (json);
  agviz_json_writer_member_string (json, "file", side->source);
  agviz_json_writer_member_string (json, "function", side->function->name);
  agviz_json_writer_member_int (json, "trace", side->trace->ordinal);
  agviz_json_writer_member_string (json, "graph", side->trace->graph_name);
  agviz_json_writer_end_object (json);
}

static void
print_json (AgvizGraphDiff *diff,
            const Side     *a,
            const Side     *b)
{
  const AgvizDiffCounts *counts = agviz_graph_diff_get_counts (diff);
  GPtrArray *entries = agviz_graph_diff_get_entries (diff);
  AgvizJsonWriter *json = agviz_json_writer_new ();
  g_autofree char *text = NULL;

  agviz_json_writer_begin_object (json);
  write_side_json (json, "a", a);
  write_side_json (json, "b", b);
  agviz_json_writer_member_boolean (json, "same", agviz_graph_diff_is_empty (diff));
  agviz_json_writer_key (json, "counts");
  agviz_json_writer_begin_object (json);
  agviz_json_writer_member_int (json, "changed", counts->changed);
  agviz_json_writer_member_int (json, "added", counts->added);
  agviz_json_writer_member_int (json, "removed", counts->removed);
  agviz_json_writer_end_object (json);
  agviz_json_writer_key (json, "paired");
  agviz_json_writer_begin_object (json);
  for (AgvizDiffMatch match = AGVIZ_DIFF_MATCH_NAME; match <= AGVIZ_DIFF_MATCH_COUNTER; match++)
    agviz_json_writer_member_int (json, agviz_diff_match_to_string (match),
                                  agviz_graph_diff_get_n_matched (diff, match));
  agviz_json_writer_end_object (json);
  agviz_json_writer_key (json, "nodes");
  agviz_json_writer_begin_array (json);
  for (guint i = 0; i < entries->len; i++)
    {
      const AgvizDiffEntry *entry = g_ptr_array_index (entries, i);

      agviz_json_writer_begin_object (json);
      agviz_json_writer_member_string (json, "status", agviz_diff_status_to_string (entry->status));
      agviz_json_writer_member_string (json, "name", agviz_diff_entry_get_name (entry));
      if (entry->name_a != NULL && entry->name_b != NULL)
        {
          agviz_json_writer_member_string (json, "name_a", entry->name_a);
          agviz_json_writer_member_string (json, "paired_by", agviz_diff_match_to_string (entry->match));
        }
      agviz_json_writer_member_string (json, "op", agviz_diff_entry_get_op_type (entry));
      agviz_json_writer_member_string (json, "source", agviz_diff_entry_get_source (entry));
      agviz_json_writer_key (json, "changes");
      agviz_json_writer_begin_array (json);
      for (guint d = 0; d < entry->details->len; d++)
        {
          const AgvizDiffDetail *detail = &g_array_index (entry->details, AgvizDiffDetail, d);

          agviz_json_writer_begin_object (json);
          agviz_json_writer_member_string (json, "what", detail->what);
          agviz_json_writer_member_string (json, "before", detail->before);
          agviz_json_writer_member_string (json, "after", detail->after);
          agviz_json_writer_end_object (json);
        }
      agviz_json_writer_end_array (json);
      agviz_json_writer_end_object (json);
    }
  agviz_json_writer_end_array (json);
  agviz_json_writer_end_object (json);
  text = agviz_json_writer_finish (json);
  fputs (text, stdout);
}

static gboolean
draw (AgvizGraphDiff  *diff,
      Side            *b,
      DiffArgs        *args,
      GError         **error)
{
  g_autoptr(AgvizScene) scene = agviz_scene_new (b->store, b->trace->id, NULL, error);
  g_autoptr(AgvizLayout) layout = NULL;
  AgvizLayoutOptions layout_options;
  AgvizDrawingOptions drawing_options = { .color_by = AGVIZ_COLOR_BY_NONE, .diff = diff };
  GPtrArray *entries = agviz_graph_diff_get_entries (diff);

  if (scene == NULL)
    return FALSE;
  if (args->all)
    agviz_scene_expand_all (scene);
  else
    {
      guint n_expanded = 0;

      /* Open the way to each added or changed node, so that the drawing shows them, not only
       * the scopes holding them. */
      for (guint i = 0; i < entries->len && n_expanded < MAX_EXPANDED_CHANGES; i++)
        {
          const AgvizDiffEntry *entry = g_ptr_array_index (entries, i);
          AgvizSceneItem *item = entry->name_b != NULL ? agviz_scene_find_node (scene, entry->name_b, NULL)
                                                       : NULL;

          if (item == NULL)
            continue;
          agviz_scene_expand_path_to (scene, item);
          n_expanded++;
        }
    }
  agviz_layout_options_init (&layout_options);
  layout_options.use_cache = FALSE;
  layout = agviz_layout_new (scene, &layout_options, error);
  if (layout == NULL)
    return FALSE;
  return agviz_cli_write_drawing (layout, AGVIZ_DRAWING_FORMAT_SVG, args->svg, &drawing_options, error);
}

static int
trouble (const GError *error)
{
  agviz_cli_fail (error);
  return DIFF_EXIT_TROUBLE;
}

int
agviz_cli_diff (int    argc,
                char **argv)
{
  g_auto(DiffArgs) args = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizGraphDiff) diff = NULL;
  Side a = { 0 }, b_storage = { 0 };
  Side *b = &b_storage;
  int status;

  if ((status = parse_args (argc, argv, &args)) >= 0)
    return status == AGVIZ_EXIT_USAGE ? DIFF_EXIT_TROUBLE : status;

  if (!open_side (&a, args.files[0], args.quiet, &error))
    goto out;
  if (args.files[1] != NULL)
    {
      if (!open_side (b, args.files[1], args.quiet, &error))
        goto out;
    }
  else
    /* One file: one store and one list of functions, two choices of trace. */
    b_storage = (Side) { .source = a.source, .store = g_object_ref (a.store),
                         .functions = g_ptr_array_ref (a.functions) };
  if (!choose_traces (&a, b, &args, &error))
    goto out;
  if (!args.quiet)
    {
      g_autofree char *text_a = dup_trace_text (&a);
      g_autofree char *text_b = dup_trace_text (b);

      fprintf (stderr, "agviz: comparing %s with %s\n", text_a, text_b);
    }

  diff = agviz_graph_diff_new (a.store, a.trace->id, b->store, b->trace->id, &error);
  if (diff == NULL)
    goto out;
  if (args.json)
    print_json (diff, &a, b);
  else
    print_list (diff, &a, b);
  if (args.svg != NULL && !draw (diff, b, &args, &error))
    goto out;

out:
  side_clear (&a);
  side_clear (&b_storage);
  if (error != NULL)
    return trouble (error);
  return agviz_graph_diff_is_empty (diff) ? DIFF_EXIT_SAME : DIFF_EXIT_DIFFERENT;
}
