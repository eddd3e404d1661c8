/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-torchscript-ir-importer.c: TorchScript IR text, as `print(module.graph)` shows it
 *
 *   graph(%self.1 : __torch__.M,
 *         %x.1 : Tensor):
 *     %y.1 : Tensor = aten::add(%x.1, %2, %3), scope: __module.layer1 # m.py:5:12
 *     %y : Tensor = prim::If(%c) # m.py:7:8
 *       block0():
 *         -> (%y.1)
 *       ...
 *     return (%y)
 *
 * The graph is one function with one trace; a node's blocks (`prim::If`, `prim::Loop`) are
 * functions it calls, like ONNX bodies.  Values flow by name; the graph's parameters and the
 * values a block reads from outside it are nodes, `return` is one.  Traced graphs' `scope:
 * __module.a/__module.a.b` become scopes, the `# file:line:col` source range a one-frame
 * stack.  The whole text is parsed before anything is recorded.
 */
#define G_LOG_DOMAIN "agviz-import"

#include "config.h"

#include <string.h>

#include "agviz-pt2-nodes.h"
#include "agviz-pt2-backend-private.h"

/* Blocks nested deeper are refused: freeing them recurses (real programs nest a few levels). */
#define MAX_BLOCK_DEPTH 256

typedef struct _TsGraph TsGraph;

typedef struct
{
  char      *op;            /* aten::add */
  GPtrArray *outputs;       /* value names, without '%' */
  GPtrArray *inputs;
  char      *attributes;    /* what stands between [ ], or NULL */
  char      *scope;         /* traced module scope, or NULL */
  char      *file;          /* source range, or NULL */
  int        line;
  int        column;
  GPtrArray *blocks;        /* TsGraph */
} TsNode;

struct _TsGraph
{
  char      *name;
  GPtrArray *parameters;    /* value names */
  GPtrArray *parameter_types;
  GPtrArray *nodes;         /* TsNode */
  GPtrArray *returns;       /* value names, NULL until `return` or `->` */
  gboolean   nested;
};

typedef struct
{
  const char *path;
  const char *text;
  const char *end;
  const char *p;            /* the next line */
  guint       line;
  GError    **error;
} TsReader;

static void
ts_graph_free (gpointer data);

static void
ts_node_free (gpointer data)
{
  TsNode *node = data;

  g_free (node->op);
  g_ptr_array_unref (node->outputs);
  g_ptr_array_unref (node->inputs);
  g_free (node->attributes);
  g_free (node->scope);
  g_free (node->file);
  g_ptr_array_unref (node->blocks);
  g_free (node);
}

static TsGraph *
ts_graph_new (gboolean nested)
{
  TsGraph *graph = g_new0 (TsGraph, 1);

  graph->parameters = g_ptr_array_new_with_free_func (g_free);
  graph->parameter_types = g_ptr_array_new_with_free_func (g_free);
  graph->nodes = g_ptr_array_new_with_free_func (ts_node_free);
  graph->nested = nested;
  return graph;
}

static void
ts_graph_free (gpointer data)
{
  TsGraph *graph = data;

  g_free (graph->name);
  g_ptr_array_unref (graph->parameters);
  g_ptr_array_unref (graph->parameter_types);
  g_ptr_array_unref (graph->nodes);
  g_clear_pointer (&graph->returns, g_ptr_array_unref);
  g_free (graph);
}

static gboolean
fail (TsReader   *reader,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (TsReader   *reader,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (reader->error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_SYNTAX, "%s:%u: %s",
               reader->path, reader->line, message);
  return FALSE;
}

/* Where the bracket that opens at @p closes, skipping strings; NULL when it never does. */
static const char *
matching_close (const char *p,
                const char *end)
{
  int depth = 0;

  for (; p < end; p++)
    {
      if (*p == '"' || *p == '\'')
        {
          char quote = *p;

          for (p++; p < end && *p != quote; p++)
            if (*p == '\\')
              p++;
          if (p >= end)
            return NULL;
        }
      else if (*p == '(' || *p == '[' || *p == '{')
        depth++;
      else if (*p == ')' || *p == ']' || *p == '}')
        {
          if (--depth == 0)
            return p;
          if (depth < 0)
            return NULL;
        }
    }
  return NULL;
}

/* The first @what outside brackets and strings in [@p, @end), or NULL. */
static const char *
find_top_level (const char *p,
                const char *end,
                const char *what)
{
  gsize length = strlen (what);

  while (p + length <= end)
    {
      if (strncmp (p, what, length) == 0)
        return p;
      if (*p == '"' || *p == '\'' || *p == '(' || *p == '[' || *p == '{')
        {
          const char *close = matching_close (p, end);

          if (close == NULL)
            return NULL;
          p = close + 1;
          continue;
        }
      p++;
    }
  return NULL;
}

/* The value names of `%a : T, %b : U` or `%a, %b` in [@p, @end) appended to @names (types to
 * @types when given); FALSE when an item is not a value. */
static gboolean
parse_values (const char *p,
              const char *end,
              GPtrArray  *names,
              GPtrArray  *types)
{
  while (p < end)
    {
      const char *comma = find_top_level (p, end, ",");
      const char *item_end = comma != NULL ? comma : end;
      const char *colon;
      g_autofree char *item = NULL;

      item = g_strstrip (g_strndup (p, item_end - p));
      if (*item != '\0')
        {
          if (*item != '%')
            return FALSE;
          colon = strstr (item, " : ");
          g_ptr_array_add (names, colon != NULL ? g_strstrip (g_strndup (item + 1, colon - item - 1))
                                                : g_strdup (item + 1));
          if (types != NULL)
            g_ptr_array_add (types, g_strdup (colon != NULL ? colon + 3 : ""));
        }
      p = item_end + (comma != NULL ? 1 : 0);
    }
  return TRUE;
}

/* The statement starting at the reader's line: one line, or more while brackets stay open (the
 * graph's parameter list spans a line per parameter).  NULL at the end. */
static char *
next_statement (TsReader *reader,
                guint    *first_line)
{
  GString *statement = NULL;
  int depth = 0;

  while (reader->p < reader->end)
    {
      const char *newline = memchr (reader->p, '\n', reader->end - reader->p);
      const char *line_end = newline != NULL ? newline : reader->end;
      const char *p = reader->p;

      reader->line++;
      reader->p = newline != NULL ? newline + 1 : reader->end;
      if (statement == NULL)
        {
          while (p < line_end && g_ascii_isspace (*p))
            p++;
          if (p == line_end)
            continue;
          statement = g_string_new (NULL);
          *first_line = reader->line;
        }
      g_string_append_len (statement, p, line_end - p);
      /* Brackets in strings and comments do not count: only a parameter list continues. */
      for (const char *q = p; q < line_end; q++)
        if (*q == '#')
          break;
        else if (*q == '(')
          depth++;
        else if (*q == ')')
          depth--;
      if (depth <= 0 || strncmp (statement->str, "graph(", 6) != 0)
        break;
      g_string_append_c (statement, ' ');
    }
  if (statement == NULL)
    return NULL;
  g_strchomp (statement->str);
  return g_string_free (statement, FALSE);
}

/* `, scope: X # file:line:col` after a node's inputs. */
static void
parse_trailer (TsNode     *node,
               const char *p,
               const char *end)
{
  const char *hash = find_top_level (p, end, "#");
  const char *scope = strstr (p, "scope: ");

  if (scope != NULL && (hash == NULL || scope < hash))
    {
      const char *scope_end = hash != NULL ? hash : end;

      node->scope = g_strstrip (g_strndup (scope + 7, scope_end - scope - 7));
    }
  if (hash != NULL)
    {
      g_autofree char *range = g_strstrip (g_strndup (hash + 1, end - hash - 1));
      char *column = strrchr (range, ':');
      char *line;

      if (column == NULL)
        return;
      *column = '\0';
      line = strrchr (range, ':');
      if (line == NULL)
        return;
      *line = '\0';
      node->file = g_strdup (range);
      node->line = (int) MIN (g_ascii_strtoull (line + 1, NULL, 10), (guint64) G_MAXINT);
      node->column = (int) MIN (g_ascii_strtoull (column + 1, NULL, 10), (guint64) G_MAXINT);
    }
}

static gboolean
parse_node (TsReader   *reader,
            const char *statement,
            TsGraph    *graph)
{
  const char *end = statement + strlen (statement);
  const char *equals = find_top_level (statement, end, " = ");
  const char *rhs = equals != NULL ? equals + 3 : statement;
  const char *open, *close, *op_end;
  TsNode *node = g_new0 (TsNode, 1);

  node->outputs = g_ptr_array_new_with_free_func (g_free);
  node->inputs = g_ptr_array_new_with_free_func (g_free);
  node->blocks = g_ptr_array_new_with_free_func (ts_graph_free);
  g_ptr_array_add (graph->nodes, node);

  if (*statement == '=')
    rhs = statement + 1;
  if (equals != NULL && !parse_values (statement, equals, node->outputs, NULL))
    return fail (reader, "the outputs of a node are not %%values");
  while (*rhs == ' ')
    rhs++;
  for (op_end = rhs; op_end < end && *op_end != '[' && *op_end != '(' && *op_end != ' '; op_end++)
    ;
  if (op_end == rhs || strstr (rhs, "::") == NULL || strstr (rhs, "::") > op_end)
    return fail (reader, "expected a node (`%%out : Type = namespace::op(...)`)");
  node->op = g_strndup (rhs, op_end - rhs);
  open = op_end;
  if (open < end && *open == '[')
    {
      close = matching_close (open, end);
      if (close == NULL)
        return fail (reader, "the attributes of %s never close", node->op);
      node->attributes = g_strndup (open + 1, close - open - 1);
      open = close + 1;
    }
  if (open >= end || *open != '(' || (close = matching_close (open, end)) == NULL)
    return fail (reader, "expected the inputs of %s in parentheses", node->op);
  if (!parse_values (open + 1, close, node->inputs, NULL))
    return fail (reader, "the inputs of %s are not %%values", node->op);
  parse_trailer (node, close + 1, end);
  return TRUE;
}

/* `return (%a, %b)` or `-> (%a)`: @graph's outputs. */
static gboolean
parse_returns (TsReader   *reader,
               const char *statement,
               TsGraph    *graph)
{
  const char *open = strchr (statement, '(');
  const char *end = statement + strlen (statement);
  const char *close = open != NULL ? matching_close (open, end) : NULL;

  if (close == NULL)
    return fail (reader, "expected the returned values in parentheses");
  graph->returns = g_ptr_array_new_with_free_func (g_free);
  if (!parse_values (open + 1, close, graph->returns, NULL))
    return fail (reader, "the returned values are not %%values");
  return TRUE;
}

static TsGraph *
parse_text (TsReader *reader)
{
  g_autoptr(GPtrArray) open_graphs = g_ptr_array_new ();   /* the graph, then open blocks */
  TsGraph *top = NULL;
  guint line;

  for (;;)
    {
      g_autofree char *statement = next_statement (reader, &line);
      TsGraph *current;
      gsize length;

      if (statement == NULL)
        break;
      reader->line = line;
      length = strlen (statement);
      if (top == NULL)
        {
          const char *close;

          if (strncmp (statement, "graph(", 6) != 0)
            {
              fail (reader, "expected `graph(`: TorchScript IR starts with its graph");
              return NULL;
            }
          top = ts_graph_new (FALSE);
          g_ptr_array_add (open_graphs, top);
          close = matching_close (statement + 5, statement + length);
          if (close == NULL || close[1] != ':' ||
              !parse_values (statement + 6, close, top->parameters, top->parameter_types))
            {
              fail (reader, "expected `graph(%%param : Type, ...):`");
              ts_graph_free (top);
              return NULL;
            }
          continue;
        }
      if (open_graphs->len == 0)
        {
          fail (reader, "text after the graph's `return`");
          ts_graph_free (top);
          return NULL;
        }
      current = g_ptr_array_index (open_graphs, open_graphs->len - 1);
      if (g_str_has_prefix (statement, "return ") || g_str_has_prefix (statement, "return(") ||
          g_str_has_prefix (statement, "-> "))
        {
          gboolean is_block_end = statement[0] == '-';

          if (is_block_end != current->nested || !parse_returns (reader, statement, current))
            {
              if (reader->error == NULL || *reader->error == NULL)
                fail (reader, is_block_end ? "`->` outside a block" : "`return` inside a block");
              ts_graph_free (top);
              return NULL;
            }
          g_ptr_array_set_size (open_graphs, open_graphs->len - 1);
        }
      else if (g_str_has_prefix (statement, "block") && statement[length - 1] == ':')
        {
          const char *open = strchr (statement, '(');
          const char *close = open != NULL ? matching_close (open, statement + length) : NULL;
          TsNode *owner;
          TsGraph *block;

          if (open_graphs->len > MAX_BLOCK_DEPTH)
            {
              g_set_error (reader->error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_LIMIT,
                           "%s:%u: blocks nested deeper than %d", reader->path, reader->line,
                           MAX_BLOCK_DEPTH);
              ts_graph_free (top);
              return NULL;
            }
          if (current->nodes->len == 0 || close == NULL)
            {
              fail (reader, close == NULL ? "expected `blockN(%%param : Type, ...):`"
                                          : "a block before any node");
              ts_graph_free (top);
              return NULL;
            }
          owner = g_ptr_array_index (current->nodes, current->nodes->len - 1);
          block = ts_graph_new (TRUE);
          block->name = g_strndup (statement, open - statement);
          g_ptr_array_add (owner->blocks, block);
          if (!parse_values (open + 1, close, block->parameters, block->parameter_types))
            {
              fail (reader, "the parameters of %s are not %%values", block->name);
              ts_graph_free (top);
              return NULL;
            }
          g_ptr_array_add (open_graphs, block);
        }
      else if (!parse_node (reader, statement, current))
        {
          ts_graph_free (top);
          return NULL;
        }
    }
  if (top == NULL || open_graphs->len > 0)
    {
      if (top == NULL)
        g_set_error (reader->error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING,
                     "%s: no TorchScript graph in the text", reader->path);
      else
        g_set_error (reader->error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_TRUNCATED,
                     "%s:%u: the text ends before the graph's `return`", reader->path,
                     reader->line);
      if (top != NULL)
        ts_graph_free (top);
      return NULL;
    }
  return top;
}

/* ---- recording --------------------------------------------------------------------------- */

typedef struct
{
  AgvizImportContext *ctx;
  AgvizPt2Names      *graph_names;
  GPtrArray          *pending;      /* TsGraph (borrowed) waiting to be recorded */
  guint               unresolved;
} TsRecording;

/* `__module.encoder/__module.encoder.layer.0` -> `encoder/layer.0/` prefix in @name. */
static void
append_scope (GString    *name,
              const char *scope)
{
  g_auto(GStrv) parts = g_strsplit (scope, "/", -1);
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *path = g_strstrip (parts[i]);

      if (g_str_has_prefix (path, "__module."))
        path += 9;
      else if (strcmp (path, "__module") == 0)
        continue;
      g_ptr_array_add (paths, path);
    }
  _agviz_pt2_append_module_scopes (name, (const char *const *) paths->pdata, paths->len);
}

static gboolean
add_input_edges (TsRecording   *rec,
                 AgvizPt2Names *names,
                 GHashTable    *values,
                 const TsGraph *graph,
                 gint64         trace_id,
                 GPtrArray     *inputs,
                 gint64         dst_node_id,
                 GError       **error)
{
  for (guint i = 0; i < inputs->len; i++)
    if (!_agviz_pt2_add_value_edge (rec->ctx, names, values, trace_id,
                                    g_ptr_array_index (inputs, i), graph->nested, dst_node_id,
                                    (int) i, &rec->unresolved, error))
      return FALSE;
  return TRUE;
}

static gboolean
record_graph (TsRecording *rec,
              TsGraph     *graph,
              const char  *signature,
              GError     **error)
{
  AgvizRecorder *recorder = rec->ctx->recorder;
  g_autoptr(AgvizPt2Names) names = _agviz_pt2_names_new ();
  g_autoptr(GHashTable) values = _agviz_pt2_values_new ();
  g_autoptr(GHashTable) stacks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree gint64 *node_ids = g_new0 (gint64, graph->nodes->len + 1);
  gint64 trace_id;

  trace_id = _agviz_pt2_begin_graph (rec->ctx, graph->name, signature, error);
  if (trace_id == 0)
    return FALSE;

  for (guint i = 0; i < graph->parameters->len; i++)
    {
      const char *type = g_ptr_array_index (graph->parameter_types, i);
      g_autoptr(GTree) attrs = _agviz_pt2_attrs_new ();

      if (*type != '\0')
        _agviz_pt2_attrs_set (attrs, "type", _agviz_pt2_text_variant (type, -1));
      if (_agviz_pt2_add_value_node (rec->ctx, names, values, trace_id,
                                     g_ptr_array_index (graph->parameters, i), "Input",
                                     _agviz_pt2_attrs_end (attrs), error) == 0)
        return FALSE;
    }

  /* TorchScript defines a value before its use: nodes and edges in one pass. */
  for (guint i = 0; i < graph->nodes->len; i++)
    {
      TsNode *node = g_ptr_array_index (graph->nodes, i);
      const char *local = strstr (node->op, "::") + 2;
      g_autoptr(GString) wanted = g_string_new (NULL);
      g_autoptr(GTree) attrs = _agviz_pt2_attrs_new ();
      g_autofree char *name = NULL;
      gint64 stack_id = 0;

      if (node->scope != NULL)
        append_scope (wanted, node->scope);
      if (wanted->len > 0)
        g_string_append_c (wanted, '/');
      g_string_append (wanted, *local != '\0' ? local : node->op);
      name = _agviz_pt2_names_take (names, wanted->str);
      if (node->file != NULL)
        {
          g_autofree char *key = g_strdup_printf ("%s:%d:%d", node->file, node->line, node->column);
          gint64 *cached = g_hash_table_lookup (stacks, key);

          if (cached != NULL)
            stack_id = *cached;
          else
            {
              gint64 file_id, frame_id;

              file_id = agviz_recorder_add_file (recorder, NULL, node->file, error);
              if (file_id == 0)
                return FALSE;
              frame_id = agviz_recorder_add_frame (recorder, file_id, node->line, node->column,
                                                   NULL, error);
              if (frame_id == 0)
                return FALSE;
              stack_id = agviz_recorder_add_stack (recorder, &frame_id, 1, error);
              if (stack_id == 0)
                return FALSE;
              g_hash_table_insert (stacks, g_steal_pointer (&key),
                                   g_memdup2 (&stack_id, sizeof stack_id));
            }
        }
      if (node->attributes != NULL)
        _agviz_pt2_attrs_set (attrs, "attributes",
                              _agviz_pt2_text_variant (node->attributes, -1));
      if (node->scope != NULL)
        _agviz_pt2_attrs_set (attrs, "scope", _agviz_pt2_text_variant (node->scope, -1));
      node_ids[i] = _agviz_pt2_add_op_node (rec->ctx, trace_id, name, node->op,
                                            _agviz_pt2_attrs_end (attrs), stack_id, error);
      if (node_ids[i] == 0)
        return FALSE;
      if (!add_input_edges (rec, names, values, graph, trace_id, node->inputs, node_ids[i],
                            error))
        return FALSE;
      for (guint o = 0; o < node->outputs->len; o++)
        _agviz_pt2_values_set (values, g_ptr_array_index (node->outputs, o), node_ids[i], (int) o);
      for (guint b = 0; b < node->blocks->len; b++)
        {
          TsGraph *block = g_ptr_array_index (node->blocks, b);
          g_autofree char *wanted_block = g_strdup_printf ("%s/%s/%s", graph->name, name,
                                                           block->name);
          char *callee = _agviz_pt2_names_take (rec->graph_names, wanted_block);

          if (!agviz_recorder_add_call (recorder, trace_id, node_ids[i], block->name, callee,
                                        error))
            {
              g_free (callee);
              return FALSE;
            }
          rec->ctx->stats.calls++;
          g_free (block->name);
          block->name = callee;
          g_ptr_array_add (rec->pending, block);
        }
    }

  if (graph->returns != NULL)
    {
      g_autofree char *name = _agviz_pt2_names_take (names, "return");
      gint64 return_id;

      return_id = _agviz_pt2_add_op_node (rec->ctx, trace_id, name, "return", NULL, 0, error);
      if (return_id == 0)
        return FALSE;
      if (!add_input_edges (rec, names, values, graph, trace_id, graph->returns, return_id,
                            error))
        return FALSE;
    }

  return _agviz_pt2_end_graph (rec->ctx, trace_id, error);
}

gboolean
_agviz_torchscript_ir_import (AgvizImportContext  *ctx,
                              const char          *path,
                              GError             **error)
{
  g_autofree char *text = NULL;
  g_autofree char *label = _agviz_import_label_for_path (path);
  g_autoptr(GString) signature = g_string_new (NULL);
  TsReader reader = { 0 };
  TsRecording rec = { 0 };
  TsGraph *top;
  gsize length;
  gboolean ok = TRUE;

  text = _agviz_import_read_file (path, AGVIZ_IMPORT_MAX_MESSAGE_FILE, &length, error);
  if (text == NULL)
    return FALSE;
  ctx->stats.bytes += length;
  reader.path = path;
  reader.text = text;
  reader.p = text;
  reader.end = text + length;
  reader.error = error;
  top = parse_text (&reader);
  if (top == NULL)
    return FALSE;

  for (guint i = 0; i < top->parameters->len; i++)
    g_string_append_printf (signature, "%s%%%s : %s", i > 0 ? ", " : "",
                            (const char *) g_ptr_array_index (top->parameters, i),
                            (const char *) g_ptr_array_index (top->parameter_types, i));
  rec.ctx = ctx;
  rec.graph_names = _agviz_pt2_names_new ();
  rec.pending = g_ptr_array_new ();
  top->name = _agviz_pt2_names_take (rec.graph_names, label);
  g_ptr_array_add (rec.pending, top);
  /* Blocks are queued while their nodes are recorded: a loop, not recursion. */
  for (guint i = 0; ok && i < rec.pending->len; i++)
    ok = record_graph (&rec, g_ptr_array_index (rec.pending, i), i == 0 ? signature->str : NULL,
                       error);
  if (ok && rec.unresolved > 0)
    _agviz_import_warn (ctx, "%s: %u node inputs name values defined nowhere in their graph "
                        "(no edges drawn for them)", path, rec.unresolved);
  g_ptr_array_unref (rec.pending);
  _agviz_pt2_names_free (rec.graph_names);
  ts_graph_free (top);
  return ok;
}

/* ---- recognising the format -------------------------------------------------------------- */

/* TorchScript IR text opens with `graph(` and a %value or `)`. */
AgvizSourceFormat
_agviz_torchscript_ir_recognise_file (const char *path G_GNUC_UNUSED,
                                      const char *head,
                                      gsize       length)
{
  const char *p = head, *end = head + length;

  if (memchr (head, '\0', length) != NULL)
    return AGVIZ_SOURCE_FORMAT_UNKNOWN;
  while (p < end && g_ascii_isspace (*p))
    p++;
  if ((gsize) (end - p) < 7 || strncmp (p, "graph(", 6) != 0)
    return AGVIZ_SOURCE_FORMAT_UNKNOWN;
  p += 6;
  while (p < end && g_ascii_isspace (*p))
    p++;
  if (p < end && (*p == '%' || *p == ')'))
    return AGVIZ_SOURCE_FORMAT_TORCHSCRIPT_IR;
  return AGVIZ_SOURCE_FORMAT_UNKNOWN;
}

