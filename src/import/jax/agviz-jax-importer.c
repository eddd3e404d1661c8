/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-jax-importer.c: JAX's import backend: StableHLO text, jax_dump_ir_to folders, JAX's log
 *
 * A dump folder (what `agviz record`'s JAX hook leaves: `ir/` from jax_dump_ir_to and
 * `jax-log.txt`, or a bare jax_dump_ir_to folder) becomes one function per jitted function and
 * one trace per time JAX staged it:
 * - jax_dump_ir_to writes `jax_irN_jit_F_STAGE.mlir` for every compilation (N counts them in
 *   the process); each is a trace of F, its nodes from the module's @main (private helpers of
 *   the module are functions of their own, called from it).
 * - the log says why each trace was made: a tracing cache miss ("never seen function", or the
 *   argument that changed) is an AGVIZ_EVENT_RETRACE on the trace it caused (message: what
 *   changed, detail: JAX's whole explanation and its cost, stack: the call that missed), and
 *   its "for F defined at FILE:LINE" places the function; the compile records give the trace
 *   its signature and an AGVIZ_EVENT_COMPILE with the tracing, lowering and XLA times.
 * The log and the dumps are matched in order, per function: a cache miss stages the next trace
 * of its function that JAX compiles, and the k-th compilation of F is the k-th dump of jit_F.
 * A miss that compiled nothing (a jitted function traced inside another, or a program that died
 * while tracing) is a trace without nodes; a dump the log does not mention is a trace without
 * reason.  A log file on its own is read the same way, with no nodes.
 */
#define G_LOG_DOMAIN "agviz-importer"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "agviz-jax-importer-private.h"
#include "agviz-jax-log.h"

/* What agviz record's JAX hook writes (src/cli/agviz-record-hook-jax.py). */
#define HOOK_LOG_NAME "jax-log.txt"
#define HOOK_IR_FOLDER "ir"
#define MAX_LOG_BYTES (256 << 20)

typedef struct
{
  guint  number;      /* the N of jax_irN_: the order JAX wrote them in */
  char  *module;      /* "jit_f" */
  char  *path;
  gboolean used;
} IrDump;

/* One trace to record: a cache miss, a compilation, or both. */
typedef struct
{
  char                    *name;       /* the function's name as JAX gives it */
  const AgvizJaxLogRecord *miss;       /* NULL when the log gives no reason */
  const AgvizJaxLogRecord *traced;
  const AgvizJaxLogRecord *compiling;
  const AgvizJaxLogRecord *lowered;
  const AgvizJaxLogRecord *compiled;
  IrDump                  *dump;
} Unit;

static void
ir_dump_free (gpointer data)
{
  IrDump *dump = data;

  g_free (dump->module);
  g_free (dump->path);
  g_free (dump);
}

static void
unit_free (gpointer data)
{
  Unit *unit = data;

  g_free (unit->name);
  g_free (unit);
}

/* "jax_ir12_jit_f_compile.mlir" (jax 0.4.30 on), "jax_ir12_jit_f_before_optimizations.mlir":
 * the number and the module; FALSE for other names. */
static gboolean
parse_dump_name (const char *name,
                 guint      *number,
                 char      **module)
{
  static const char *const stages[] = { "_compile.mlir", "_before_optimizations.mlir",
                                        "_after_optimizations.mlir", ".mlir" };
  const char *p;
  char *end;

  if (!g_str_has_prefix (name, "jax_ir") || !g_str_has_suffix (name, ".mlir"))
    return FALSE;
  p = name + strlen ("jax_ir");
  if (!g_ascii_isdigit (*p))
    return FALSE;
  *number = (guint) strtoul (p, &end, 10);
  if (*end != '_')
    return FALSE;
  end++;
  for (guint i = 0; i < G_N_ELEMENTS (stages); i++)
    if (g_str_has_suffix (end, stages[i]) && strlen (end) > strlen (stages[i]))
      {
        *module = g_strndup (end, strlen (end) - strlen (stages[i]));
        return TRUE;
      }
  return FALSE;
}

static int
compare_dumps (gconstpointer a,
               gconstpointer b)
{
  const IrDump *x = *(IrDump *const *) a, *y = *(IrDump *const *) b;

  if (x->number != y->number)
    return x->number < y->number ? -1 : 1;
  return strcmp (x->path, y->path);
}

/* The dumps in folder @dir, in the order JAX wrote them; one per number (the `compile` stage
 * where JAX wrote several). */
static GPtrArray *
list_dumps (const char *dir)
{
  g_autoptr(GPtrArray) dumps = g_ptr_array_new_with_free_func (ir_dump_free);
  g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
  GPtrArray *unique = g_ptr_array_new_with_free_func (ir_dump_free);
  const char *name;

  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    {
      IrDump *dump = g_new0 (IrDump, 1);

      if (!parse_dump_name (name, &dump->number, &dump->module))
        {
          g_free (dump);
          continue;
        }
      dump->path = g_build_filename (dir, name, NULL);
      g_ptr_array_add (dumps, dump);
    }
  g_ptr_array_sort (dumps, compare_dumps);
  for (guint i = 0; i < dumps->len; i++)
    {
      IrDump *dump = g_ptr_array_index (dumps, i);
      IrDump *last = unique->len > 0 ? g_ptr_array_index (unique, unique->len - 1) : NULL;

      if (last != NULL && last->number == dump->number)
        {
          if (g_str_has_suffix (dump->path, "_compile.mlir"))
            {
              g_ptr_array_index (unique, unique->len - 1) = g_ptr_array_steal_index (dumps, i--);
              ir_dump_free (last);
            }
          continue;
        }
      g_ptr_array_add (unique, g_ptr_array_steal_index (dumps, i--));
    }
  return unique;
}

/* The module name JAX gives the compilation of function @name: jit_ and the name with
 * everything but letters, digits and _ replaced ("<lambda>" -> "jit__lambda_"). */
static char *
module_of (const char *name)
{
  g_autoptr(GString) module = g_string_new ("jit_");

  for (const char *p = name; *p != '\0'; p++)
    g_string_append_c (module, g_ascii_isalnum (*p) || *p == '_' ? *p : '_');
  return g_string_free (g_steal_pointer (&module), FALSE);
}

/* The units of the log, in its order: each cache miss starts one, and compile records join the
 * latest open unit of their function (or start one). */
static GPtrArray *
units_of_log (GPtrArray *records)
{
  GPtrArray *units = g_ptr_array_new_with_free_func (unit_free);
  g_autoptr(GHashTable) open = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      const AgvizJaxLogRecord *record = g_ptr_array_index (records, i);
      Unit *unit = g_hash_table_lookup (open, record->function);

      if (record->kind == AGVIZ_JAX_LOG_CACHE_MISS || unit == NULL ||
          (record->kind == AGVIZ_JAX_LOG_TRACED && unit->traced != NULL) ||
          (record->kind == AGVIZ_JAX_LOG_COMPILING && unit->compiling != NULL))
        {
          unit = g_new0 (Unit, 1);
          unit->name = g_strdup (record->function);
          g_ptr_array_add (units, unit);
          g_hash_table_replace (open, unit->name, unit);
        }
      switch (record->kind)
        {
        case AGVIZ_JAX_LOG_CACHE_MISS: unit->miss = record; break;
        case AGVIZ_JAX_LOG_TRACED: unit->traced = record; break;
        case AGVIZ_JAX_LOG_COMPILING: unit->compiling = record; break;
        case AGVIZ_JAX_LOG_LOWERED: unit->lowered = record; break;
        case AGVIZ_JAX_LOG_COMPILED:
        default:
          unit->compiled = record;
          g_hash_table_remove (open, unit->name);
          break;
        }
    }
  return units;
}

/* Gives each compiled unit the next dump of its module, and makes a unit of every dump left. */
static void
match_dumps (GPtrArray *units,
             GPtrArray *dumps)
{
  guint n_units = units->len;

  for (guint u = 0; u < n_units; u++)
    {
      Unit *unit = g_ptr_array_index (units, u);
      g_autofree char *module = module_of (unit->name);

      if (unit->compiling == NULL && unit->lowered == NULL && unit->compiled == NULL)
        continue;
      for (guint d = 0; d < dumps->len; d++)
        {
          IrDump *dump = g_ptr_array_index (dumps, d);

          if (!dump->used && g_str_equal (dump->module, module))
            {
              dump->used = TRUE;
              unit->dump = dump;
              break;
            }
        }
    }
  for (guint d = 0; d < dumps->len; d++)
    {
      IrDump *dump = g_ptr_array_index (dumps, d);
      Unit *unit;

      if (dump->used)
        continue;
      unit = g_new0 (Unit, 1);
      unit->name = g_strdup (g_str_has_prefix (dump->module, "jit_") ? dump->module + 4
                                                                      : dump->module);
      unit->dump = dump;
      dump->used = TRUE;
      g_ptr_array_add (units, unit);
    }
}

/* The function of @unit: its name, placed where its cache miss (or the first miss of a function
 * of that name) says it is defined. */
static gint64
function_of (AgvizImportContext  *ctx,
             GPtrArray           *units,
             const Unit          *unit,
             GError             **error)
{
  const AgvizJaxLogRecord *placed = unit->miss != NULL && unit->miss->defined_file != NULL
                                      ? unit->miss : NULL;
  gint64 file_id = 0;

  for (guint u = 0; placed == NULL && u < units->len; u++)
    {
      const Unit *other = g_ptr_array_index (units, u);

      if (other->miss != NULL && other->miss->defined_file != NULL &&
          g_str_equal (other->name, unit->name))
        placed = other->miss;
    }
  if (placed != NULL)
    {
      file_id = agviz_recorder_add_file (ctx->recorder, NULL, placed->defined_file, error);
      if (file_id == 0)
        return 0;
    }
  return agviz_recorder_add_function (ctx->recorder, unit->name, file_id,
                                      placed != NULL ? placed->defined_line : 0, error);
}

static gint64
seconds_to_ns (double seconds)
{
  return (gint64) (seconds * 1e9 + 0.5);
}

/* The events of @unit's trace: why it was made, and what compiling it cost. */
static gboolean
add_unit_events (AgvizImportContext  *ctx,
                 const Unit          *unit,
                 gint64               function_id,
                 gint64               trace_id,
                 GError             **error)
{
  if (unit->miss != NULL)
    {
      const AgvizJaxLogRecord *miss = unit->miss;
      g_autofree char *detail = NULL;
      AgvizEvent event = { 0 };

      if (miss->callsite_file != NULL)
        {
          gint64 file_id, frame_id;

          file_id = agviz_recorder_add_file (ctx->recorder, NULL, miss->callsite_file, error);
          frame_id = file_id == 0 ? 0 : agviz_recorder_add_frame (ctx->recorder, file_id,
                                                                   miss->callsite_line,
                                                                   miss->callsite_column, NULL,
                                                                   error);
          event.stack_id = frame_id == 0 ? 0 : agviz_recorder_add_stack (ctx->recorder, &frame_id,
                                                                          1, error);
          if (event.stack_id == 0)
            return FALSE;
        }
      detail = miss->cost_ms >= 0 ? g_strdup_printf ("%s\n(tracing cost %.3f ms)", miss->text,
                                                      miss->cost_ms)
                                  : g_strdup (miss->text);
      event.kind = AGVIZ_EVENT_RETRACE;
      event.function_id = function_id;
      event.trace_id = trace_id;
      event.message = miss->summary;
      event.detail = detail;
      if (agviz_recorder_add_event (ctx->recorder, &event, error) == 0)
        return FALSE;
    }
  if (unit->compiled != NULL || unit->lowered != NULL || unit->compiling != NULL)
    {
      g_autoptr(GString) detail = g_string_new (NULL);
      g_autofree char *message = g_strdup_printf ("jit(%s) compiled", unit->name);
      AgvizEvent event = { 0 };

      if (unit->traced != NULL)
        g_string_append_printf (detail, "tracing %.6f s", unit->traced->seconds);
      if (unit->lowered != NULL)
        g_string_append_printf (detail, "%slowering to StableHLO %.6f s",
                                detail->len > 0 ? ", " : "", unit->lowered->seconds);
      if (unit->compiled != NULL)
        g_string_append_printf (detail, "%sXLA compilation %.6f s",
                                detail->len > 0 ? ", " : "", unit->compiled->seconds);
      if (unit->compiling != NULL && unit->compiling->signature != NULL)
        g_string_append_printf (detail, "%sargument types %s", detail->len > 0 ? "; " : "",
                                unit->compiling->signature);
      event.kind = AGVIZ_EVENT_COMPILE;
      event.function_id = function_id;
      event.trace_id = trace_id;
      event.message = message;
      event.detail = detail->str;
      if (agviz_recorder_add_event (ctx->recorder, &event, error) == 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
record_unit (AgvizImportContext  *ctx,
             GPtrArray           *units,
             const Unit          *unit,
             GError             **error)
{
  const char *signature = unit->compiling != NULL ? unit->compiling->signature : NULL;
  const char *reason = unit->miss != NULL ? unit->miss->summary : NULL;
  gint64 wall_ns = unit->traced != NULL ? seconds_to_ns (unit->traced->seconds) : 0;
  gint64 function_id, trace_id;

  function_id = function_of (ctx, units, unit, error);
  if (function_id == 0)
    return FALSE;
  if (unit->dump != NULL)
    {
      g_autofree char *prefix = g_path_get_basename (unit->dump->path);
      AgvizMlirDumpTrace dump = { 0 };

      prefix[strlen (prefix) - strlen (".mlir")] = '\0';
      dump.function_id = function_id;
      dump.function_name = unit->name;
      dump.graph_prefix = prefix;
      dump.signature = signature;
      dump.reason = reason;
      dump.wall_ns = wall_ns;
      if (!_agviz_mlir_import_dump (ctx, unit->dump->path, &dump, error))
        return FALSE;
      trace_id = dump.trace_id;
    }
  else
    {
      g_autofree char *graph_name = g_strdup_printf ("jit(%s)", unit->name);

      /* Staged and never compiled: a trace with no graph. */
      trace_id = agviz_recorder_begin_trace (ctx->recorder, function_id, graph_name, signature,
                                             reason, error);
      if (trace_id == 0 ||
          !agviz_recorder_end_trace (ctx->recorder, trace_id, AGVIZ_TRACE_STATUS_COMPLETE,
                                     wall_ns, error))
        return FALSE;
      ctx->stats.traces++;
      /* The program died while staging it: its traceback belongs here. */
      if (ctx->failing_functions != NULL &&
          g_hash_table_contains (ctx->failing_functions, unit->name))
        ctx->crashed_trace_id = trace_id;
    }
  return add_unit_events (ctx, unit, function_id, trace_id, error);
}

static GPtrArray *
read_log (AgvizImportContext  *ctx,
          const char          *path,
          GError             **error)
{
  g_autofree char *text = NULL;
  gsize length;

  text = _agviz_import_read_file (path, MAX_LOG_BYTES, &length, error);
  if (text == NULL)
    return NULL;
  ctx->stats.bytes += length;
  return _agviz_jax_log_parse (path, text, length, error);
}

/* Imports @log_path's records (NULL: none) and the dumps in folder @ir_dir (NULL: none). */
static gboolean
import_units (AgvizImportContext  *ctx,
              const char          *source,
              const char          *log_path,
              const char          *ir_dir,
              GError             **error)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) dumps = NULL;
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GHashTable) functions = g_hash_table_new (g_str_hash, g_str_equal);

  if (log_path != NULL && (records = read_log (ctx, log_path, error)) == NULL)
    return FALSE;
  dumps = ir_dir != NULL ? list_dumps (ir_dir) : g_ptr_array_new ();
  units = units_of_log (records);
  match_dumps (units, dumps);
  if (units->len == 0)
    {
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING,
                   "%s: no StableHLO dump (jax_irN_*.mlir) and no cache-miss or compile record "
                   "of JAX's log", source);
      return FALSE;
    }
  for (guint u = 0; u < units->len; u++)
    {
      const Unit *unit = g_ptr_array_index (units, u);

      if (!record_unit (ctx, units, unit, error))
        return FALSE;
      g_hash_table_add (functions, unit->name);
    }
  ctx->stats.functions += g_hash_table_size (functions);
  return TRUE;
}

/* ---- the backend ------------------------------------------------------------------------- */

static gboolean
holds_dumps (const char *dir)
{
  g_autoptr(GPtrArray) dumps = list_dumps (dir);

  return dumps->len > 0;
}

static AgvizSourceFormat
recognise_directory (const char *path)
{
  g_autofree char *log = g_build_filename (path, HOOK_LOG_NAME, NULL);
  g_autofree char *ir = g_build_filename (path, HOOK_IR_FOLDER, NULL);

  if (g_file_test (log, G_FILE_TEST_IS_REGULAR) || holds_dumps (ir) || holds_dumps (path))
    return AGVIZ_SOURCE_FORMAT_JAX_DUMP;
  return AGVIZ_SOURCE_FORMAT_UNKNOWN;
}

static AgvizSourceFormat
recognise_file (const char *path,
                const char *head,
                gsize       length)
{
  AgvizSourceFormat format = _agviz_mlir_recognise_file (path, head, length);

  if (format != AGVIZ_SOURCE_FORMAT_UNKNOWN)
    return format;
  if (memchr (head, '\0', length) != NULL)
    return AGVIZ_SOURCE_FORMAT_UNKNOWN;
  if (strstr (head, "TRACING CACHE MISS at ") != NULL ||
      strstr (head, "Finished XLA compilation of ") != NULL ||
      strstr (head, "Finished tracing + transforming ") != NULL ||
      (strstr (head, "Finished tracing ") != NULL && strstr (head, " for jit in ") != NULL))
    return AGVIZ_SOURCE_FORMAT_JAX_LOG;
  return AGVIZ_SOURCE_FORMAT_UNKNOWN;
}

static gboolean
import_source (AgvizImportContext  *ctx,
               const char          *path,
               AgvizSourceFormat    format,
               GError             **error)
{
  switch (format)
    {
    case AGVIZ_SOURCE_FORMAT_MLIR_TEXT:
      return _agviz_mlir_import_file (ctx, path, error);
    case AGVIZ_SOURCE_FORMAT_JAX_LOG:
      return import_units (ctx, path, path, NULL, error);
    case AGVIZ_SOURCE_FORMAT_JAX_DUMP:
      {
        g_autofree char *log = g_build_filename (path, HOOK_LOG_NAME, NULL);
        g_autofree char *ir = g_build_filename (path, HOOK_IR_FOLDER, NULL);

        return import_units (ctx, path, g_file_test (log, G_FILE_TEST_IS_REGULAR) ? log : NULL,
                             holds_dumps (ir) ? ir : path, error);
      }
    default:
      g_assert_not_reached ();
    }
}

static const AgvizImportFormatName format_names[] = {
  { AGVIZ_SOURCE_FORMAT_MLIR_TEXT, "StableHLO/MLIR text" },
  { AGVIZ_SOURCE_FORMAT_JAX_DUMP, "JAX dump folder" },
  { AGVIZ_SOURCE_FORMAT_JAX_LOG, "JAX cache-miss and compile log" },
  { AGVIZ_SOURCE_FORMAT_UNKNOWN, NULL },
};

const AgvizImportBackend _agviz_jax_import_backend = {
  .framework = "JAX",
  .formats = format_names,
  .looks_for_in_directories = "jax_dump_ir_to files (jax_irN_*.mlir) and agviz record's "
                              HOOK_LOG_NAME,
  .tries_on_files = "StableHLO/MLIR text (.mlir files, and text starting with module, "
                    "func.func or a #loc alias), JAX's cache-miss and compile log",
  .recognise_directory = recognise_directory,
  .recognise_file = recognise_file,
  .import = import_source,
};
