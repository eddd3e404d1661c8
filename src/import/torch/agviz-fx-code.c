/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-fx-code.c: the readable code of a torch.fx GraphModule into nodes and uses
 *
 * torch.fx prints one node per statement, with one called target on the right: `torch.relu(x)`
 * (call_function), `x.sum()` (call_method), `a + b` for the targets of Python's operator module,
 * `x[0]` for getitem, `self.weight` for get_attr.  A statement is one line, except where newer
 * torch (2.6 on) spreads a bracket over lines with a comment on each (`def forward(` with one
 * parameter per line, `return (` with one output per line): such lines are joined, comments
 * left out, into one; brackets and quotes are tracked only to find the top level of a line.
 */
#define G_LOG_DOMAIN "agviz-importer"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "agviz-fx-code.h"

static void
fx_node_free (gpointer data)
{
  AgvizFxNode *node = data;

  g_free (node->name);
  g_free (node->op_type);
  g_free (node->type);
  g_array_unref (node->inputs);
  g_free (node->file);
  g_free (node->function);
  g_free (node->code);
  g_free (node);
}

void
agviz_fx_graph_free (AgvizFxGraph *graph)
{
  if (graph == NULL)
    return;
  g_ptr_array_unref (graph->nodes);
  g_free (graph->signature);
  g_free (graph);
}

/* ---- one line ---------------------------------------------------------------------------- */

static gboolean
is_ident_start (char c)
{
  return g_ascii_isalpha (c) || c == '_';
}

static gboolean
is_ident_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* Past the string literal starting at @p (a quote), or @end when it is never closed. */
static const char *
skip_string (const char *p,
             const char *end)
{
  char quote = *p++;

  while (p < end && *p != quote)
    p += (*p == '\\' && p + 1 < end) ? 2 : 1;
  return p < end ? p + 1 : end;
}

/* The first top-level (outside brackets and strings) occurrence of @c in [@p, @end), or NULL. */
static const char *
find_top_level (const char *p,
                const char *end,
                char        c)
{
  int depth = 0;

  while (p < end)
    {
      if (*p == '"' || *p == '\'')
        {
          p = skip_string (p, end);
          continue;
        }
      if (depth == 0 && *p == c)
        return p;
      if (*p == '(' || *p == '[' || *p == '{')
        depth++;
      else if ((*p == ')' || *p == ']' || *p == '}') && depth > 0)
        depth--;
      p++;
    }
  return NULL;
}

/* The assignment's '=' (not part of ==, <=, >=, !=) at the top level, or NULL. */
static const char *
find_assignment (const char *p,
                 const char *end)
{
  const char *start = p;

  while ((p = find_top_level (p, end, '=')) != NULL)
    {
      gboolean comparison = (p + 1 < end && p[1] == '=') ||
                            (p > start && strchr ("=<>!", p[-1]) != NULL);

      if (!comparison)
        return p;
      p += (p + 1 < end && p[1] == '=') ? 2 : 1;
    }
  return NULL;
}

static void
trim (const char **start,
      const char **end)
{
  while (*start < *end && g_ascii_isspace (**start))
    (*start)++;
  while (*end > *start && g_ascii_isspace ((*end)[-1]))
    (*end)--;
}

/* Python's infix operators as FX prints them (" + "), longest first, and their targets. */
static const struct
{
  const char *text;
  const char *target;
} binary_operators[] = {
  { "**", "operator.pow" }, { "//", "operator.floordiv" }, { "<<", "operator.lshift" },
  { ">>", "operator.rshift" }, { ">=", "operator.ge" }, { "<=", "operator.le" },
  { "==", "operator.eq" }, { "!=", "operator.ne" }, { "+", "operator.add" },
  { "-", "operator.sub" }, { "*", "operator.mul" }, { "/", "operator.truediv" },
  { "@", "operator.matmul" }, { "%", "operator.mod" }, { "<", "operator.lt" },
  { ">", "operator.gt" }, { "&", "operator.and_" }, { "|", "operator.or_" },
  { "^", "operator.xor" },
};

/* The target of a top-level binary operator in [@p, @end), or NULL. */
static const char *
binary_operator (const char *p,
                 const char *end)
{
  int depth = 0;

  for (; p < end; p++)
    {
      if (*p == '"' || *p == '\'')
        {
          p = skip_string (p, end) - 1;
          continue;
        }
      if (*p == '(' || *p == '[' || *p == '{')
        depth++;
      else if ((*p == ')' || *p == ']' || *p == '}') && depth > 0)
        depth--;
      else if (depth == 0 && *p == ' ')
        for (guint i = 0; i < G_N_ELEMENTS (binary_operators); i++)
          {
            gsize n = strlen (binary_operators[i].text);

            if ((gsize) (end - p) > n + 1 && memcmp (p + 1, binary_operators[i].text, n) == 0 &&
                p[n + 1] == ' ')
              return binary_operators[i].target;
          }
    }
  return NULL;
}

typedef struct
{
  GPtrArray  *nodes;
  GHashTable *names;        /* variable name -> node index + 1 (owned keys) */
  /* The current `# File:` comment. */
  char       *file;
  int         line;
  char       *function;
  char       *code;
} Parser;

static guint
lookup (Parser     *parser,
        const char *name,
        gsize       length)
{
  g_autofree char *key = g_strndup (name, length);

  return GPOINTER_TO_UINT (g_hash_table_lookup (parser->names, key));
}

/* What the expression [@p, @end) calls; NULL for a bare name of a node (an alias). */
static char *
classify (Parser     *parser,
          const char *p,
          const char *end)
{
  const char *chain_end = p, *operator_target;

  if (p == end)
    return g_strdup ("constant");
  if ((operator_target = binary_operator (p, end)) != NULL)
    return g_strdup (operator_target);
  if (*p == '-')
    return g_strdup ("operator.neg");
  if (*p == '~')
    return g_strdup ("operator.invert");
  if (end - p > 4 && memcmp (p, "not ", 4) == 0)
    return g_strdup ("operator.not_");
  if (!is_ident_start (*p))
    return g_strdup ("constant");

  while (chain_end < end && (is_ident_char (*chain_end) || *chain_end == '.'))
    chain_end++;
  if (chain_end < end && *chain_end == '(')
    {
      const char *dot = memchr (p, '.', chain_end - p);
      const char *last_dot = g_strrstr_len (p, chain_end - p, ".");

      /* x.sum(): a method of a node's value. */
      if (dot != NULL && lookup (parser, p, dot - p) != 0)
        return g_strndup (last_dot + 1, chain_end - last_dot - 1);
      if (chain_end - p > 10 && memcmp (p, "torch.ops.", 10) == 0)
        p += 10;
      return g_strndup (p, chain_end - p);
    }
  if (chain_end < end && *chain_end == '[')
    return g_strdup ("operator.getitem");
  if (chain_end == end)
    {
      if (memchr (p, '.', end - p) == NULL && lookup (parser, p, end - p) != 0)
        return NULL;
      if (end - p > 5 && memcmp (p, "self.", 5) == 0)
        return g_strdup ("get_attr");
    }
  return g_strdup ("constant");
}

/* The nodes whose names the expression [@p, @end) uses, in order. */
static void
collect_inputs (Parser     *parser,
                const char *p,
                const char *end,
                GArray     *inputs)
{
  const char *begin = p;

  while (p < end)
    {
      const char *start, *q;
      guint index;

      if (*p == '"' || *p == '\'')
        {
          p = skip_string (p, end);
          continue;
        }
      if (!is_ident_start (*p))
        {
          /* Digits run on into identifier characters (1e5, 0x1f): no name starts inside. */
          if (g_ascii_isdigit (*p))
            while (p < end && is_ident_char (*p))
              p++;
          else
            p++;
          continue;
        }
      start = p;
      while (p < end && is_ident_char (*p))
        p++;
      /* Attributes (x.shape's shape) and keyword names (dim = 1) are no uses. */
      if (start > begin && start[-1] == '.')
        continue;
      for (q = p; q < end && *q == ' '; q++)
        ;
      if (q < end && *q == '=' && (q + 1 >= end || q[1] != '='))
        continue;
      index = lookup (parser, start, p - start);
      if (index != 0)
        {
          guint input = index - 1;
          g_array_append_val (inputs, input);
        }
    }
}

static char *
unique_name (Parser     *parser,
             const char *wanted)
{
  if (!g_hash_table_contains (parser->names, wanted))
    return g_strdup (wanted);
  for (guint n = 1;; n++)
    {
      g_autofree char *candidate = g_strdup_printf ("%s_%u", wanted, n);

      if (!g_hash_table_contains (parser->names, candidate))
        return g_steal_pointer (&candidate);
    }
}

static void
add_node (Parser     *parser,
          const char *name,
          char       *op_type,
          char       *type,
          GArray     *inputs)
{
  AgvizFxNode *node = g_new0 (AgvizFxNode, 1);

  node->name = unique_name (parser, name);
  node->op_type = op_type;
  node->type = type;
  node->inputs = inputs;
  node->file = g_strdup (parser->file);
  node->line = parser->line;
  node->function = g_strdup (parser->function);
  node->code = g_strdup (parser->code);
  g_ptr_array_add (parser->nodes, node);
  g_hash_table_replace (parser->names, g_strdup (node->name),
                        GUINT_TO_POINTER (parser->nodes->len));
}

static void
forget_comment (Parser *parser)
{
  g_clear_pointer (&parser->file, g_free);
  g_clear_pointer (&parser->function, g_free);
  g_clear_pointer (&parser->code, g_free);
  parser->line = 0;
}

/* `# File: PATH:LINE in FUNC, code: SOURCE` */
static void
read_file_comment (Parser     *parser,
                   const char *p,
                   const char *end)
{
  const char *in = g_strstr_len (p, end - p, " in ");
  const char *colon, *code;

  forget_comment (parser);
  if (in == NULL)
    return;
  colon = g_strrstr_len (p, in - p, ":");
  if (colon != NULL && colon + 1 < in && g_ascii_isdigit (colon[1]))
    {
      parser->file = g_strndup (p, colon - p);
      parser->line = (int) MIN (strtol (colon + 1, NULL, 10), G_MAXINT);
    }
  else
    parser->file = g_strndup (p, in - p);
  p = in + 4;
  code = g_strstr_len (p, end - p, ", code: ");
  parser->function = g_strndup (p, (code != NULL ? code : end) - p);
  if (code != NULL)
    parser->code = g_strndup (code + 8, end - code - 8);
}

/* forward()'s parameters [@p, @end) (inside its parentheses): placeholders, and the signature. */
static char *
read_parameters (Parser     *parser,
                 const char *p,
                 const char *end)
{
  g_autoptr(GString) signature = g_string_new ("(");

  while (p < end)
    {
      const char *comma = find_top_level (p, end, ',');
      const char *param_end = comma != NULL ? comma : end;
      const char *name_end, *start = p;

      trim (&start, &param_end);
      while (start < param_end && *start == '*')
        start++;
      for (name_end = start; name_end < param_end && is_ident_char (*name_end); name_end++)
        ;
      if (name_end > start && !(name_end - start == 4 && memcmp (start, "self", 4) == 0))
        {
          g_autofree char *name = g_strndup (start, name_end - start);
          char *type = NULL;
          const char *annotation = name_end;

          while (annotation < param_end && (*annotation == ':' || *annotation == ' '))
            annotation++;
          if (annotation < param_end)
            {
              const char *type_start = annotation, *type_end = param_end;

              if (*type_start == '"' || *type_start == '\'')
                type_start++;
              if (type_end > type_start && (type_end[-1] == '"' || type_end[-1] == '\''))
                type_end--;
              type = g_strndup (type_start, type_end - type_start);
            }
          if (signature->len > 1)
            g_string_append (signature, ", ");
          g_string_append (signature, name);
          if (type != NULL)
            g_string_append_printf (signature, ": %s", type);
          add_node (parser, name, g_strdup ("placeholder"), type,
                    g_array_new (FALSE, FALSE, sizeof (guint)));
        }
      p = comma != NULL ? comma + 1 : end;
    }
  g_string_append_c (signature, ')');
  return g_string_free (g_steal_pointer (&signature), FALSE);
}

static void
read_statement (Parser     *parser,
                const char *p,
                const char *end)
{
  const char *semicolon = find_top_level (p, end, ';');
  const char *equals, *name_start, *name_end, *rhs;
  g_autoptr(GArray) inputs = g_array_new (FALSE, FALSE, sizeof (guint));
  char *op_type, *type = NULL;

  /* `x = f(a);  a = None`: what follows frees values, no nodes. */
  if (semicolon != NULL)
    end = semicolon;
  trim (&p, &end);
  if (end - p >= 6 && memcmp (p, "return", 6) == 0 && (end - p == 6 || p[6] == ' ' ||
                                                       p[6] == '('))
    {
      collect_inputs (parser, p + 6, end, inputs);
      add_node (parser, "output", g_strdup ("output"), NULL, g_steal_pointer (&inputs));
      return;
    }
  equals = find_assignment (p, end);
  if (equals == NULL)
    return;
  name_start = p;
  for (name_end = p; name_end < equals && is_ident_char (*name_end); name_end++)
    ;
  if (name_end == name_start)
    return;
  {
    const char *annotation = name_end;

    while (annotation < equals && (*annotation == ':' || *annotation == ' '))
      annotation++;
    if (annotation < equals && (*annotation == '"' || *annotation == '\''))
      {
        const char *close = memchr (annotation + 1, *annotation, equals - annotation - 1);

        if (close != NULL)
          type = g_strndup (annotation + 1, close - annotation - 1);
      }
  }
  rhs = equals + 1;
  trim (&rhs, &end);
  op_type = classify (parser, rhs, end);
  if (op_type == NULL)
    {
      /* l_x_ = L_x_: the same value under the name the body uses. */
      g_autofree char *name = g_strndup (name_start, name_end - name_start);
      guint index = lookup (parser, rhs, end - rhs);

      g_hash_table_replace (parser->names, g_steal_pointer (&name), GUINT_TO_POINTER (index));
      g_free (type);
      return;
    }
  collect_inputs (parser, rhs, end, inputs);
  {
    g_autofree char *name = g_strndup (name_start, name_end - name_start);

    add_node (parser, name, op_type, type, g_steal_pointer (&inputs));
  }
}

/* Where the code of a line ends: at its comment, or @end. */
static const char *
code_end (const char *p,
          const char *end)
{
  while (p < end && *p != '#')
    p = *p == '"' || *p == '\'' ? skip_string (p, end) : p + 1;
  return p;
}

/* Brackets opened minus brackets closed in [@p, @end), strings left out. */
static int
bracket_balance (const char *p,
                 const char *end)
{
  int balance = 0;

  while (p < end)
    {
      if (*p == '"' || *p == '\'')
        {
          p = skip_string (p, end);
          continue;
        }
      if (*p == '(' || *p == '[' || *p == '{')
        balance++;
      else if (*p == ')' || *p == ']' || *p == '}')
        balance--;
      p++;
    }
  return balance;
}

/* The physical line at @p: its text without the payload's TAB and the CR, and the next line. */
static const char *
physical_line (const char  *p,
               const char  *end,
               const char **line_start,
               const char **line_end)
{
  const char *newline = memchr (p, '\n', end - p);
  const char *next = newline != NULL ? newline + 1 : end;

  if (newline == NULL)
    newline = end;
  if (p < newline && *p == '\t')
    p++;
  if (newline > p && newline[-1] == '\r')
    newline--;
  *line_start = p;
  *line_end = newline;
  return next;
}

/* A statement whose brackets stay open at the end of its line, with the lines that close them,
 * as one line of code in @joined; returns where the next line starts. */
static const char *
join_open_lines (const char *content,
                 const char *line_end,
                 const char *next,
                 const char *end,
                 GString    *joined)
{
  const char *code = code_end (content, line_end);
  int balance = bracket_balance (content, code);

  g_string_assign (joined, "");
  g_string_append_len (joined, content, code - content);
  while (balance > 0 && next < end)
    {
      const char *start, *stop;

      next = physical_line (next, end, &start, &stop);
      while (start < stop && *start == ' ')
        start++;
      stop = code_end (start, stop);
      while (stop > start && stop[-1] == ' ')
        stop--;
      g_string_append_c (joined, ' ');
      g_string_append_len (joined, start, stop - start);
      balance += bracket_balance (start, stop);
    }
  return next;
}

static guint
indentation (const char *p,
             const char *end)
{
  guint n = 0;

  while (p < end && *p == ' ')
    p++, n++;
  return n;
}

AgvizFxGraph *
agviz_fx_graph_parse (const char *text,
                      gsize       length)
{
  const char *p = text, *end = text + length;
  Parser parser = { 0 };
  AgvizFxGraph *graph = NULL;
  g_autoptr(GString) joined = g_string_new (NULL);
  gboolean in_body = FALSE;
  guint def_indent = 0;

  parser.nodes = g_ptr_array_new_with_free_func (fx_node_free);
  parser.names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  while (p < end)
    {
      const char *line_end, *next, *content;
      guint indent;

      next = physical_line (p, end, &p, &line_end);
      indent = indentation (p, line_end);
      content = p + indent;
      if (content < line_end && *content != '#' &&
          bracket_balance (content, code_end (content, line_end)) > 0)
        {
          next = join_open_lines (content, line_end, next, end, joined);
          content = joined->str;
          line_end = joined->str + joined->len;
        }

      if (content == line_end)
        {
          if (in_body)
            forget_comment (&parser);
        }
      else if (!in_body)
        {
          if (line_end - content > 12 && memcmp (content, "def forward(", 12) == 0)
            {
              const char *open = content + 11;
              const char *close = find_top_level (open + 1, line_end, ')');

              graph = g_new0 (AgvizFxGraph, 1);
              graph->signature = read_parameters (&parser, open + 1,
                                                  close != NULL ? close : line_end);
              in_body = TRUE;
              def_indent = indent;
            }
        }
      else if (indent <= def_indent)
        break;
      else if (*content == '#')
        {
          if (line_end - content > 8 && memcmp (content, "# File: ", 8) == 0)
            read_file_comment (&parser, content + 8, line_end);
          else
            forget_comment (&parser);
        }
      else
        read_statement (&parser, content, line_end);
      p = next;
    }

  forget_comment (&parser);
  g_hash_table_unref (parser.names);
  if (graph == NULL)
    {
      g_ptr_array_unref (parser.nodes);
      return NULL;
    }
  graph->nodes = parser.nodes;
  return graph;
}
