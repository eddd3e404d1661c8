/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-cli-render.c: `agviz render FILE --svg OUT` (also `agviz FILE --svg OUT`)
 *
 * Picks a trace, builds its scene, applies the expansion options, lays it out and writes it.
 */
#define G_LOG_DOMAIN "agviz-cli"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "agviz-cli.h"
#include "agviz-cli-render.h"
#include "agviz-core.h"
#include "agviz-drawing.h"
#include "agviz-first-view.h"
#include "agviz-importer.h"
#include "agviz-layout.h"
#include "agviz-op-timings.h"

static const char usage[] =
  "Usage: agviz render TRACE_FILE (--svg|--png|--pdf|--dot) [OUT] [OPTION...]\n"
  "       agviz TRACE_FILE --svg [OUT] [OPTION...]\n"
  "\n"
  "Draws one trace of a trace file as a collapsible scope hierarchy laid out by Graphviz.\n"
  "OUT '-' writes to standard output; without OUT the file is named after the trace file.\n"
  "\n"
  "Options:\n"
  "  --svg|--png|--pdf|--dot [OUT]  Output format (several may be given)\n"
  "  --function NAME      Draw a trace of this function\n"
  "  --trace N|GRAPHNAME  The trace: its graph name, its id, or with --function its ordinal\n"
  "                       (default: a SavedModel's serving_default signature, else the\n"
  "                       largest complete trace; named on stderr)\n"
  "  --expand SCOPE       Expand this scope (repeatable)\n"
  "  --depth N            Expand every scope down to depth N (default: the first picture the\n"
  "                       app shows, at most about 50 boxes readable in a 1400x900 window)\n"
  "  --all                Expand everything\n"
  "  --focus NODE         Expand the path to NODE and highlight it\n"
  "  --color-by KIND      op, device, time, trace or none (default op); time: each op\n"
  "                       type's mean measured duration, from the file's executions\n"
  "  --rankdir DIR        TB, BT or LR (default TB)\n"
  "  --no-aux             Keep high-degree and NoOp nodes in the main graph\n"
  "  --no-annotations     Draw Const and summary ops as boxes, not beside their op\n"
  "  --no-cache           Neither read nor write the layout cache in the trace file\n"
  "  -q, --quiet          Do not say which trace is drawn\n";

typedef struct
{
  AgvizDrawingFormat format;
  char              *path;        /* "-" for stdout */
} Output;

typedef struct
{
  char        *file;
  GArray      *outputs;          /* Output */
  char        *function;
  char        *trace;
  GPtrArray   *expand;
  int          depth;            /* -1: not given */
  gboolean     all;
  char        *focus;
  AgvizColorBy color_by;
  AgvizRankdir rankdir;
  gboolean     no_aux;
  gboolean     no_annotations;
  gboolean     no_cache;
  gboolean     quiet;
} RenderArgs;

static void
output_clear (Output *output)
{
  g_free (output->path);
}

static void
render_args_clear (RenderArgs *args)
{
  g_free (args->file);
  g_clear_pointer (&args->outputs, g_array_unref);
  g_free (args->function);
  g_free (args->trace);
  g_clear_pointer (&args->expand, g_ptr_array_unref);
  g_free (args->focus);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RenderArgs, render_args_clear)

static gboolean
format_from_option (const char         *option,
                    AgvizDrawingFormat *format)
{
  static const char *const names[] = { "--svg", "--png", "--pdf", "--dot" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (option, names[i]))
      {
        *format = (AgvizDrawingFormat) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
agviz_cli_render_wanted (int    argc,
                         char **argv)
{
  AgvizDrawingFormat format;

  for (int i = 1; i < argc; i++)
    if (format_from_option (argv[i], &format))
      return TRUE;
  return FALSE;
}

/* "graph.db" -> "graph.svg" in the current folder. */
static char *
default_output (const char         *file,
                AgvizDrawingFormat  format)
{
  static const char *const extensions[] = { "svg", "png", "pdf", "dot" };
  g_autofree char *base = g_path_get_basename (file);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_strdup_printf ("%s.%s", base, extensions[format]);
}

/* Returns -1 on success, else the exit code. */
static int
parse_args (int         argc,
            char      **argv,
            RenderArgs *args)
{
  args->outputs = g_array_new (FALSE, TRUE, sizeof (Output));
  g_array_set_clear_func (args->outputs, (GDestroyNotify) output_clear);
  args->expand = g_ptr_array_new_with_free_func (g_free);
  args->depth = -1;
  args->color_by = AGVIZ_COLOR_BY_OP;
  args->rankdir = AGVIZ_RANKDIR_TB;

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      const char *value = i + 1 < argc ? argv[i + 1] : NULL;
      AgvizDrawingFormat format;

#define NEEDS_VALUE() \
      G_STMT_START { \
        if (value == NULL) \
          return agviz_cli_usage_error ("%s needs a value (see agviz render --help)", arg); \
        i++; \
      } G_STMT_END

      if (g_str_equal (arg, "-h") || g_str_equal (arg, "--help"))
        {
          fputs (usage, stdout);
          return AGVIZ_EXIT_OK;
        }
      else if (format_from_option (arg, &format))
        {
          Output output = { .format = format };

          /* OUT is optional: the next word is it unless it is another option. */
          if (value != NULL && (value[0] != '-' || g_str_equal (value, "-")))
            {
              output.path = g_strdup (value);
              i++;
            }
          g_array_append_val (args->outputs, output);
        }
      else if (g_str_equal (arg, "--function"))
        {
          NEEDS_VALUE ();
          g_free (args->function);
          args->function = g_strdup (value);
        }
      else if (g_str_equal (arg, "--trace"))
        {
          NEEDS_VALUE ();
          g_free (args->trace);
          args->trace = g_strdup (value);
        }
      else if (g_str_equal (arg, "--expand"))
        {
          NEEDS_VALUE ();
          g_ptr_array_add (args->expand, g_strdup (value));
        }
      else if (g_str_equal (arg, "--depth"))
        {
          guint64 depth;

          NEEDS_VALUE ();
          if (!g_ascii_string_to_unsigned (value, 10, 1, 1000000, &depth, NULL))
            return agviz_cli_usage_error ("--depth needs a whole number from 1, not '%s'", value);
          args->depth = (int) depth;
        }
      else if (g_str_equal (arg, "--all"))
        args->all = TRUE;
      else if (g_str_equal (arg, "--focus"))
        {
          NEEDS_VALUE ();
          g_free (args->focus);
          args->focus = g_strdup (value);
        }
      else if (g_str_equal (arg, "--color-by"))
        {
          NEEDS_VALUE ();
          if (!agviz_color_by_from_string (value, &args->color_by))
            return agviz_cli_usage_error ("--color-by takes op, device, time, trace or none, not '%s'",
                                          value);
        }
      else if (g_str_equal (arg, "--rankdir"))
        {
          NEEDS_VALUE ();
          if (g_str_equal (value, "TB"))
            args->rankdir = AGVIZ_RANKDIR_TB;
          else if (g_str_equal (value, "BT"))
            args->rankdir = AGVIZ_RANKDIR_BT;
          else if (g_str_equal (value, "LR"))
            args->rankdir = AGVIZ_RANKDIR_LR;
          else
            return agviz_cli_usage_error ("--rankdir takes TB, BT or LR, not '%s'", value);
        }
      else if (g_str_equal (arg, "--no-aux"))
        args->no_aux = TRUE;
      else if (g_str_equal (arg, "--no-annotations"))
        args->no_annotations = TRUE;
      else if (g_str_equal (arg, "--no-cache"))
        args->no_cache = TRUE;
      else if (g_str_equal (arg, "-q") || g_str_equal (arg, "--quiet"))
        args->quiet = TRUE;
      else if (arg[0] == '-' && arg[1] != '\0')
        return agviz_cli_usage_error ("unknown option '%s' (see agviz render --help)", arg);
      else if (args->file == NULL)
        args->file = g_strdup (arg);
      else
        return agviz_cli_usage_error ("one trace file at a time ('%s' is extra)", arg);
#undef NEEDS_VALUE
    }

  if (args->file == NULL)
    return agviz_cli_usage_error ("which trace file? (see agviz render --help)");
  if (args->outputs->len == 0)
    return agviz_cli_usage_error ("say what to write: --svg, --png, --pdf or --dot");
  for (guint i = 0; i < args->outputs->len; i++)
    {
      Output *output = &g_array_index (args->outputs, Output, i);
      if (output->path == NULL)
        output->path = default_output (args->file, output->format);
    }
  return -1;
}

/* A trace file imported from a source that was not one, for one drawing; removed afterwards. */
typedef AgvizCliTemporaryFile TemporaryTraceFile;

static void
temporary_trace_file_clear (TemporaryTraceFile *temporary)
{
  if (temporary->path != NULL)
    agviz_trace_file_remove (temporary->path);
  if (temporary->dir != NULL)
    g_rmdir (temporary->dir);
  g_clear_pointer (&temporary->path, g_free);
  g_clear_pointer (&temporary->dir, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TemporaryTraceFile, temporary_trace_file_clear)

/* The trace file to read for @source.  A source that is not a trace file yet (a SavedModel, an
 * event file or log directory, a tfdbg2 dump, a GraphDef) is imported into @temporary first,
 * so `agviz saved_model_dir --svg x.svg` works; the importer's errors say what was tried. */
static char *
prepare_source (const char          *source,
                gboolean             quiet,
                TemporaryTraceFile  *temporary,
                GError             **error)
{
  AgvizSourceFormat format;

  if (agviz_trace_file_is_sqlite (source))
    return g_strdup (source);

  temporary->dir = g_dir_make_tmp ("agviz-render-XXXXXX", error);
  if (temporary->dir == NULL)
    return NULL;
  temporary->path = g_build_filename (temporary->dir, "imported.db", NULL);

  format = agviz_importer_import_to_new_file (source, temporary->path, error);
  if (format == AGVIZ_SOURCE_FORMAT_UNKNOWN)
    return NULL;
  if (!quiet)
    fprintf (stderr, "agviz: imported %s (%s) to draw it\n", source,
             agviz_source_format_to_string (format));
  return g_strdup (temporary->path);
}

/* Writable when possible, so layouts are cached in the file; a read-only file still draws. */
static AgvizStore *
open_store (const char  *path,
            gboolean     no_cache,
            GError     **error)
{
  AgvizStore *store;

  if (!no_cache && g_access (path, W_OK) == 0)
    {
      g_autoptr(GError) local_error = NULL;

      store = agviz_store_open (path, AGVIZ_STORE_FLAGS_WRITABLE, &local_error);
      if (store != NULL)
        return store;
      if (!g_error_matches (local_error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_IO))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  return agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, error);
}

/* The trace to draw, per --function and --trace, or the most interesting one. */
static AgvizTrace *
choose_trace (AgvizStore   *store,
              RenderArgs   *args,
              char        **function_name,
              GError      **error)
{
  g_autoptr(GPtrArray) functions = agviz_store_list_functions (store, error);
  AgvizTrace *best = NULL;
  const char *best_function = NULL;
  gboolean function_seen = FALSE;
  guint64 number = 0;
  gboolean numeric;

  if (functions == NULL)
    return NULL;
  numeric = args->trace != NULL &&
            g_ascii_string_to_unsigned (args->trace, 10, 1, G_MAXINT64, &number, NULL);

  for (guint f = 0; f < functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (functions, f);

      if (args->function != NULL && !g_str_equal (function->name, args->function))
        continue;
      function_seen = TRUE;
      for (guint t = 0; args->trace != NULL && t < function->traces->len; t++)
        {
          AgvizTrace *trace = g_ptr_array_index (function->traces, t);
          gboolean better;

          if (numeric && args->function != NULL)
            better = trace->ordinal == (int) number;
          else if (numeric)
            better = trace->id == (gint64) number;
          else
            better = g_str_equal (trace->graph_name, args->trace);
          if (better && best == NULL)
            {
              best = trace;
              best_function = function->name;
            }
        }
    }

  if (args->trace == NULL)
    {
      /* The file's first picture (agviz-module-path.h), among --function's traces when named. */
      g_autoptr(GPtrArray) objects = agviz_store_list_objects (store, error);
      g_autoptr(GPtrArray) bodies = objects != NULL ? agviz_store_list_body_graphs (store, error)
                                                    : NULL;
      g_autoptr(GPtrArray) named = g_ptr_array_new ();
      g_autoptr(GPtrArray) no_objects = g_ptr_array_new ();
      AgvizFunction *first_function = NULL;

      if (bodies == NULL)
        return NULL;
      for (guint f = 0; f < functions->len; f++)
        if (args->function == NULL ||
            g_str_equal (((AgvizFunction *) g_ptr_array_index (functions, f))->name,
                         args->function))
          g_ptr_array_add (named, g_ptr_array_index (functions, f));
      /* A function asked for by name is shown by its own traces, not the serving signature. */
      best = agviz_module_path_find_first_trace (named,
                                                 args->function == NULL ? objects : no_objects,
                                                 bodies, &first_function);
      if (best != NULL)
        best_function = first_function->name;
    }

  if (args->function != NULL && !function_seen)
    {
      g_set_error (error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_NOT_FOUND,
                   "no function named %s in %s", args->function, agviz_store_get_path (store));
      return NULL;
    }
  if (best == NULL)
    {
      if (args->trace != NULL)
        g_set_error (error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_NOT_FOUND, "no trace %s%s%s",
                     args->trace, args->function != NULL ? " of function " : "",
                     args->function != NULL ? args->function : "");
      else
        g_set_error (error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_NOT_FOUND,
                     "%s holds no traces to draw", agviz_store_get_path (store));
      return NULL;
    }
  *function_name = g_strdup (best_function);
  return agviz_store_get_trace (store, best->id, error);
}

static gboolean
same_file (const char *a,
           const char *b)
{
  GStatBuf sa, sb;

  return g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

static gboolean
write_output (AgvizLayout               *layout,
              const Output              *output,
              const AgvizDrawingOptions *options,
              GError                   **error)
{
  g_autofree char *partial = NULL;
  FILE *out;
  gboolean ok;

  if (g_str_equal (output->path, "-"))
    return agviz_drawing_write (layout, output->format, options, stdout, error);

  /* Write beside the target and rename, so a failed run never leaves half a drawing behind. */
  partial = g_strdup_printf ("%s.partial-XXXXXX", output->path);
  {
    int fd = g_mkstemp (partial);
    if (fd < 0)
      {
        int saved = errno;
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot write %s: %s",
                     output->path, g_strerror (saved));
        return FALSE;
      }
    {
      /* mkstemp makes the file private; a drawing gets the usual permissions. */
      mode_t mask = umask (0);
      umask (mask);
      fchmod (fd, 0666 & ~mask);
    }
    out = fdopen (fd, "wb");
  }
  ok = agviz_drawing_write (layout, output->format, options, out, error);
  if (!ok)
    g_prefix_error (error, "%s: ", output->path);   /* the writer does not know the file's name */
  if (fclose (out) != 0 && ok)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write %s", output->path);
      ok = FALSE;
    }
  if (ok && g_rename (partial, output->path) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot write %s: %s",
                   output->path, g_strerror (saved));
      ok = FALSE;
    }
  if (!ok)
    g_remove (partial);
  return ok;
}

int
agviz_cli_render (int    argc,
                  char **argv)
{
  g_auto(RenderArgs) args = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(AgvizTrace) trace = NULL;
  g_autoptr(AgvizScene) scene = NULL;
  g_autoptr(AgvizLayout) layout = NULL;
  g_autoptr(GHashTable) op_timings = NULL;
  g_autofree char *function_name = NULL;
  g_autofree char *trace_file = NULL;
  g_auto(TemporaryTraceFile) temporary = { 0 };
  AgvizSceneOptions scene_options;
  AgvizLayoutOptions layout_options;
  AgvizDrawingOptions drawing_options = { 0 };
  const AgvizLayoutStats *stats;
  gboolean first_view;
  int status;

  if ((status = parse_args (argc, argv, &args)) >= 0)
    return status;

  trace_file = prepare_source (args.file, args.quiet, &temporary, &error);
  if (trace_file == NULL)
    return agviz_cli_fail (error);
  for (guint i = 0; i < args.outputs->len; i++)
    {
      Output *output = &g_array_index (args.outputs, Output, i);
      if (!g_str_equal (output->path, "-") && same_file (output->path, trace_file))
        return agviz_cli_usage_error ("refusing to write the drawing over the trace file %s",
                                      output->path);
    }

  store = open_store (trace_file, args.no_cache, &error);
  if (store == NULL)
    return agviz_cli_fail (error);
  trace = choose_trace (store, &args, &function_name, &error);
  if (trace == NULL)
    return agviz_cli_fail (error);
  if (!args.quiet)
    fprintf (stderr, "agviz: drawing trace %" G_GINT64_FORMAT " (%s, trace %d of %s): %"
             G_GINT64_FORMAT " nodes, %" G_GINT64_FORMAT " edges\n", trace->id, trace->graph_name,
             trace->ordinal, function_name, trace->node_count, trace->edge_count);

  agviz_scene_options_init (&scene_options);
  scene_options.extract_auxiliary = !args.no_aux;
  scene_options.annotations = !args.no_annotations;
  scene = agviz_scene_new (store, trace->id, &scene_options, &error);
  if (scene == NULL)
    return agviz_cli_fail (error);

  /* Without any expansion asked for, the drawing is the app's first picture. */
  first_view = !args.all && args.depth < 0 && args.expand->len == 0 && args.focus == NULL;
  if (args.all)
    agviz_scene_expand_all (scene);
  else if (args.depth > 0)
    agviz_scene_expand_to_depth (scene, (guint) args.depth, NULL);
  for (guint i = 0; i < args.expand->len; i++)
    {
      AgvizSceneItem *item = agviz_scene_find (scene, g_ptr_array_index (args.expand, i), &error);

      if (item == NULL)
        {
          g_prefix_error (&error, "--expand: ");
          return agviz_cli_fail (error);
        }
      agviz_scene_expand_path_to (scene, item);
      if (!agviz_scene_expand (scene, item, &error))
        return agviz_cli_fail (error);
    }
  if (args.focus != NULL)
    {
      AgvizSceneItem *item = agviz_scene_find_node (scene, args.focus, &error);

      if (item == NULL)
        {
          g_prefix_error (&error, "--focus: ");
          return agviz_cli_fail (error);
        }
      agviz_scene_expand_path_to (scene, item);
      drawing_options.focus = item;
    }
  if (args.color_by == AGVIZ_COLOR_BY_TIME)
    {
      op_timings = agviz_op_timings_read (store, &error);
      if (op_timings == NULL)
        return agviz_cli_fail (error);
      if (g_hash_table_size (op_timings) == 0 && !args.quiet)
        fprintf (stderr, "agviz: this trace file records no op timings; --color-by time colours nothing\n");
    }

  agviz_layout_options_init (&layout_options);
  layout_options.rankdir = args.rankdir;
  layout_options.use_cache = !args.no_cache;
  if (first_view)
    layout = agviz_first_view_lay_out (scene, &layout_options, AGVIZ_FIRST_VIEW_WIDTH,
                                       AGVIZ_FIRST_VIEW_HEIGHT, &error);
  else
    layout = agviz_layout_new (scene, &layout_options, &error);
  if (layout == NULL)
    return agviz_cli_fail (error);
  stats = agviz_layout_get_stats (layout);
  if (!args.quiet && stats->visible_items > 2000)
    {
      double width, height;
      agviz_layout_get_size (layout, &width, &height);
      fprintf (stderr, "agviz: large drawing: %u boxes, %u edges, %u layouts, %.0f x %.0f pt\n",
               stats->visible_items, stats->drawn_edges, stats->layouts, width, height);
    }

  drawing_options.color_by = args.color_by;
  drawing_options.op_timings = op_timings;
  for (guint i = 0; i < args.outputs->len; i++)
    {
      if (!write_output (layout, &g_array_index (args.outputs, Output, i), &drawing_options, &error))
        return agviz_cli_fail (error);
    }
  return AGVIZ_EXIT_OK;
}

/* For other commands that read sources and write drawings the way render does (agviz diff). */
char *
agviz_cli_prepare_source (const char             *source,
                          gboolean                quiet,
                          AgvizCliTemporaryFile  *temporary,
                          GError                **error)
{
  return prepare_source (source, quiet, temporary, error);
}

void
agviz_cli_temporary_file_clear (AgvizCliTemporaryFile *temporary)
{
  temporary_trace_file_clear (temporary);
}

gboolean
agviz_cli_write_drawing (AgvizLayout               *layout,
                         AgvizDrawingFormat         format,
                         const char                *path,
                         const AgvizDrawingOptions *options,
                         GError                   **error)
{
  Output output = { .format = format, .path = (char *) path };

  return write_output (layout, &output, options, error);
}
