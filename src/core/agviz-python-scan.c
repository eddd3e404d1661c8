/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-python-scan.c: reading one Python function's source the way Python reads it
 *
 * Three stages.  The tokenizer turns the file into tokens and logical lines as Python's own
 * tokenizer does (comments dropped, strings whole, newlines inside brackets and after a
 * backslash joined), recording each token's bracket depth and matching bracket.  The statement
 * splitter cuts logical lines at `;` and after compound headers (`if x: y = 1`).  The scanner
 * then reads one function: its scopes (nested defs, classes and lambdas have their own), the
 * names each scope binds, and from those which stores and mutating calls reach objects the
 * function did not make, and where values computed in Python flow through its locals.
 *
 * Everything is bounded: recursion only follows bracket nesting and nested f-strings, both cut
 * off at a fixed depth, so hostile input cannot exhaust the stack.
 */
#define G_LOG_DOMAIN "agviz-python-scan"

#include "config.h"

#include <string.h>

#include "agviz-python-scan.h"

/* Deeper bracket nesting in an assignment target, or f-strings nested deeper, is not followed. */
#define MAX_NESTING 32
/* Values followed per function, and statements recorded per value. */
#define MAX_VALUES 64
#define MAX_USES 64
/* Findings a function takes over from the helpers it calls. */
#define MAX_HELPER_FINDINGS 256
/* Names and calls in findings are cut at this many bytes. */
#define MAX_NAME_BYTES 200

/* ---- tokens ------------------------------------------------------------------------------ */

typedef enum
{
  TOKEN_NAME,
  TOKEN_NUMBER,
  TOKEN_STRING,
  TOKEN_OP,
} TokenType;

typedef struct
{
  TokenType type;
  gsize     start;
  gsize     length;
  int       line;
  int       end_line;
  int       column;
  int       depth;      /* brackets open around it; an opening bracket and its closing one have
                         * the depth outside them */
  guint     match;      /* the matching bracket's index, G_MAXUINT when none */
} Token;

typedef struct
{
  guint first;          /* tokens [first, end) */
  guint end;
  int   indent;         /* columns, tabs to the next multiple of 8 as Python counts them */
} LogicalLine;

typedef struct
{
  const char *text;
  gsize       length;
  GArray     *tokens;   /* Token */
  GArray     *lines;    /* LogicalLine */
} Source;

typedef struct
{
  const char *text;
  gsize       length;
  int         line;
  gsize       line_start;
} Cursor;

static const char *const three_char_ops[] = { "**=", "//=", ">>=", "<<=", "..." };
static const char *const two_char_ops[] = {
  "!=", "==", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", "->", ":=",
  "**", "//", "<<", ">>",
};

static gboolean
is_name_start (guchar c)
{
  return g_ascii_isalpha (c) || c == '_' || c >= 0x80;
}

static gboolean
is_name_char (guchar c)
{
  return g_ascii_isalnum (c) || c == '_' || c >= 0x80;
}

static gboolean
is_string_prefix_char (char c)
{
  return strchr ("rRbBuUfFtT", c) != NULL && c != '\0';
}

static gsize
skip_newline (Cursor *cur,
              gsize   i)
{
  if (cur->text[i] == '\r' && i + 1 < cur->length && cur->text[i + 1] == '\n')
    i++;
  i++;
  cur->line++;
  cur->line_start = i;
  return i;
}

static gsize skip_string (Cursor *cur, gsize i, gboolean formatted, int nesting);

/* Past a backslash at @i and the character it escapes; an escaped line break is one. */
static gsize
skip_escape (Cursor *cur,
             gsize   i)
{
  i++;
  if (i < cur->length && (cur->text[i] == '\n' || cur->text[i] == '\r'))
    return skip_newline (cur, i);
  return i < cur->length ? i + 1 : i;
}

/* The replacement field of an f-string from just after its '{' to just after its '}'.  Nested
 * strings may reuse the enclosing quote (Python 3.12), which older Pythons never allowed, so
 * reading them as nested is right for both. */
static gsize
skip_replacement_field (Cursor   *cur,
                        gsize     i,
                        gboolean  triple,
                        int       nesting)
{
  const char *t = cur->text;
  gsize field_start = i;
  int depth = 0;

  while (i < cur->length)
    {
      char c = t[i];

      if (c == '\'' || c == '"')
        {
          gsize p = i;
          gboolean formatted = FALSE;

          while (p > field_start && i - p < 3 && is_string_prefix_char (t[p - 1]))
            {
              p--;
              formatted |= strchr ("fFtT", t[p]) != NULL;
            }
          if (nesting >= MAX_NESTING)
            {
              i++;
              continue;
            }
          i = skip_string (cur, i, formatted, nesting + 1);
          continue;
        }
      if (c == '\n' || c == '\r')
        {
          if (!triple)
            return i;
          i = skip_newline (cur, i);
          continue;
        }
      if (c == '\\')
        {
          i = skip_escape (cur, i);
          continue;
        }
      if (c == '(' || c == '[' || c == '{')
        depth++;
      else if ((c == ')' || c == ']') && depth > 0)
        depth--;
      else if (c == '}')
        {
          if (depth == 0)
            return i + 1;
          depth--;
        }
      i++;
    }
  return i;
}

/* A string from its opening quote to just after its closing one; an unterminated one-line
 * string ends with its line, as Python's tokenizer gives up there. */
static gsize
skip_string (Cursor   *cur,
             gsize     i,
             gboolean  formatted,
             int       nesting)
{
  const char *t = cur->text;
  char quote = t[i];
  gboolean triple = i + 2 < cur->length && t[i + 1] == quote && t[i + 2] == quote;

  i += triple ? 3 : 1;
  while (i < cur->length)
    {
      char c = t[i];

      if (c == '\\')
        {
          i = skip_escape (cur, i);
          continue;
        }
      if (c == quote)
        {
          if (!triple)
            return i + 1;
          if (i + 2 < cur->length && t[i + 1] == quote && t[i + 2] == quote)
            return i + 3;
          i++;
          continue;
        }
      if (c == '\n' || c == '\r')
        {
          if (!triple)
            return i;
          i = skip_newline (cur, i);
          continue;
        }
      if (formatted && c == '{')
        {
          if (i + 1 < cur->length && t[i + 1] == '{')
            i += 2;
          else
            i = skip_replacement_field (cur, i + 1, triple, nesting);
          continue;
        }
      i++;
    }
  return i;
}

static gsize
operator_length (const char *t,
                 gsize       left)
{
  for (guint k = 0; k < G_N_ELEMENTS (three_char_ops); k++)
    if (left >= 3 && memcmp (t, three_char_ops[k], 3) == 0)
      return 3;
  for (guint k = 0; k < G_N_ELEMENTS (two_char_ops); k++)
    if (left >= 2 && memcmp (t, two_char_ops[k], 2) == 0)
      return 2;
  return 1;
}

static void
end_logical_line (Source *src,
                  guint  *first,
                  int     indent)
{
  if (src->tokens->len > *first)
    {
      LogicalLine line = { *first, src->tokens->len, indent };
      g_array_append_val (src->lines, line);
    }
  *first = src->tokens->len;
}

static void
tokenize (Source *src)
{
  Cursor cur = { src->text, src->length, 1, 0 };
  g_autoptr(GArray) open = g_array_new (FALSE, FALSE, sizeof (guint));
  const char *t = src->text;
  gsize n = src->length, i = 0;
  int depth = 0, indent = 0;
  gboolean at_line_start = TRUE;
  guint logical_first = 0;

  src->tokens = g_array_new (FALSE, TRUE, sizeof (Token));
  src->lines = g_array_new (FALSE, TRUE, sizeof (LogicalLine));

  while (i < n)
    {
      char c = t[i];
      Token token = { 0 };

      if (at_line_start)
        {
          int column = 0;

          for (; i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\f'); i++)
            column = t[i] == ' ' ? column + 1 : t[i] == '\t' ? (column / 8 + 1) * 8 : 0;
          indent = column;
          at_line_start = FALSE;
          continue;
        }
      if (c == '#')
        {
          while (i < n && t[i] != '\n' && t[i] != '\r')
            i++;
          continue;
        }
      if (c == '\\' && i + 1 < n && (t[i + 1] == '\n' || t[i + 1] == '\r'))
        {
          i = skip_newline (&cur, i + 1);
          continue;
        }
      if (c == '\n' || c == '\r')
        {
          i = skip_newline (&cur, i);
          if (depth == 0)
            {
              end_logical_line (src, &logical_first, indent);
              at_line_start = TRUE;
            }
          continue;
        }
      if (c == ' ' || c == '\t' || c == '\f')
        {
          i++;
          continue;
        }

      token.start = i;
      token.line = cur.line;
      token.column = (int) MIN (i - cur.line_start, (gsize) G_MAXINT);
      token.depth = depth;
      token.match = G_MAXUINT;

      if (is_name_start ((guchar) c))
        {
          gsize j = i;

          while (j < n && is_name_char ((guchar) t[j]))
            j++;
          token.type = TOKEN_NAME;
          if (j < n && (t[j] == '\'' || t[j] == '"') && j - i <= 3)
            {
              gboolean prefix = TRUE, formatted = FALSE;

              for (gsize p = i; p < j; p++)
                {
                  prefix &= is_string_prefix_char (t[p]);
                  formatted |= strchr ("fFtT", t[p]) != NULL;
                }
              if (prefix)
                {
                  token.type = TOKEN_STRING;
                  j = skip_string (&cur, j, formatted, 0);
                }
            }
          i = j;
        }
      else if (g_ascii_isdigit (c) || (c == '.' && i + 1 < n && g_ascii_isdigit (t[i + 1])))
        {
          gboolean hex = c == '0' && i + 1 < n && (t[i + 1] == 'x' || t[i + 1] == 'X');
          gsize j = i;

          while (j < n && (g_ascii_isalnum (t[j]) || t[j] == '_' || t[j] == '.' ||
                           ((t[j] == '+' || t[j] == '-') && !hex &&
                            (t[j - 1] == 'e' || t[j - 1] == 'E'))))
            j++;
          token.type = TOKEN_NUMBER;
          i = j;
        }
      else if (c == '\'' || c == '"')
        {
          token.type = TOKEN_STRING;
          i = skip_string (&cur, i, FALSE, 0);
        }
      else
        {
          token.type = TOKEN_OP;
          i += operator_length (t + i, n - i);
          if (c == '(' || c == '[' || c == '{')
            {
              guint index = src->tokens->len;
              g_array_append_val (open, index);
              depth++;
            }
          else if ((c == ')' || c == ']' || c == '}') && open->len > 0)
            {
              guint opening = g_array_index (open, guint, open->len - 1);

              g_array_set_size (open, open->len - 1);
              depth--;
              token.depth = depth;
              token.match = opening;
              g_array_index (src->tokens, Token, opening).match = src->tokens->len;
            }
        }
      token.length = i - token.start;
      token.end_line = cur.line;
      g_array_append_val (src->tokens, token);
    }
  end_logical_line (src, &logical_first, indent);
}

static void
source_clear (Source *src)
{
  g_clear_pointer (&src->tokens, g_array_unref);
  g_clear_pointer (&src->lines, g_array_unref);
}

static inline const Token *
tok (const Source *src,
     guint         k)
{
  return &g_array_index (src->tokens, Token, k);
}

static gboolean
tok_is (const Source *src,
        guint         k,
        const char   *text)
{
  const Token *token;
  gsize length = strlen (text);

  if (k >= src->tokens->len)
    return FALSE;
  token = tok (src, k);
  return token->type != TOKEN_STRING && token->length == length &&
         memcmp (src->text + token->start, text, length) == 0;
}

static gboolean
tok_is_name (const Source *src,
             guint         k)
{
  return k < src->tokens->len && tok (src, k)->type == TOKEN_NAME;
}

static gboolean
tok_in (const Source       *src,
        guint               k,
        const char * const *set)
{
  for (guint i = 0; set[i] != NULL; i++)
    if (tok_is (src, k, set[i]))
      return TRUE;
  return FALSE;
}

static char *
tok_dup (const Source *src,
         guint         k)
{
  const Token *token = tok (src, k);
  return g_strndup (src->text + token->start, token->length);
}

/* Tokens [first, end) as written without spaces, cut at MAX_NAME_BYTES. */
static char *
tokens_text (const Source *src,
             guint         first,
             guint         end)
{
  GString *text = g_string_new (NULL);

  for (guint k = first; k < end && text->len < MAX_NAME_BYTES; k++)
    g_string_append_len (text, src->text + tok (src, k)->start,
                         MIN (tok (src, k)->length, MAX_NAME_BYTES));
  if (text->len > MAX_NAME_BYTES)
    g_string_truncate (text, MAX_NAME_BYTES);
  return g_string_free (text, FALSE);
}

static const char *const keywords[] = {
  "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
  "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if",
  "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
  "while", "with", "yield", NULL,
};

static gboolean
tok_is_keyword (const Source *src,
                guint         k)
{
  return tok_in (src, k, keywords);
}

static gboolean
tok_is_plain_name (const Source *src,
                   guint         k)
{
  return tok_is_name (src, k) && !tok_is_keyword (src, k);
}

static gboolean
tok_is_opening (const Source *src,
                guint         k)
{
  return tok_is (src, k, "(") || tok_is (src, k, "[") || tok_is (src, k, "{");
}

/* ---- statements -------------------------------------------------------------------------- */

typedef enum
{
  STATEMENT_SIMPLE,
  STATEMENT_RETURN,        /* return / yield */
  STATEMENT_FOR,
  STATEMENT_WITH,
  STATEMENT_EXCEPT,
  STATEMENT_DEF,
  STATEMENT_CLASS,
  STATEMENT_IMPORT,
  STATEMENT_FROM,
  STATEMENT_GLOBAL,
  STATEMENT_NONLOCAL,
  STATEMENT_DEL,
  STATEMENT_HEADER,        /* if, elif, else, while, try, finally */
} StatementKind;

typedef struct
{
  guint          first;
  guint          end;
  guint          logical;      /* index of its logical line */
  StatementKind  kind;
  guint          keyword;      /* the def/for/with token, after an `async` */
  guint          value_start;  /* where it reads values: an assignment's right-hand side, a
                                * for's iterable; else its first token */
  gboolean       augmented;
  gboolean       variable_value; /* the value assigned is a new variable: tf.Variable(...),
                                  * self.add_weight(...) */
  GPtrArray     *bound;        /* char *: plain names its targets bind */
} Statement;

static void
statement_clear (gpointer data)
{
  Statement *statement = data;
  g_clear_pointer (&statement->bound, g_ptr_array_unref);
}

/* The words a statement's kind is told by; the first N_ASYNC_KEYWORDS may follow an `async`. */
static const struct
{
  const char    *word;
  StatementKind  kind;
} statement_keywords[] = {
  { "for", STATEMENT_FOR },
  { "with", STATEMENT_WITH },
  { "def", STATEMENT_DEF },
  { "class", STATEMENT_CLASS },
  { "except", STATEMENT_EXCEPT },
  { "import", STATEMENT_IMPORT },
  { "from", STATEMENT_FROM },
  { "global", STATEMENT_GLOBAL },
  { "nonlocal", STATEMENT_NONLOCAL },
  { "del", STATEMENT_DEL },
  { "return", STATEMENT_RETURN },
  { "yield", STATEMENT_RETURN },
  { "if", STATEMENT_HEADER },
  { "elif", STATEMENT_HEADER },
  { "else", STATEMENT_HEADER },
  { "while", STATEMENT_HEADER },
  { "try", STATEMENT_HEADER },
  { "finally", STATEMENT_HEADER },
};
#define N_ASYNC_KEYWORDS 3

static StatementKind
statement_kind (const Source *src,
                guint         first,
                guint        *keyword)
{
  guint after_async = tok_is (src, first, "async") ? first + 1 : first;

  for (guint i = 0; i < G_N_ELEMENTS (statement_keywords); i++)
    {
      guint k = i < N_ASYNC_KEYWORDS ? after_async : first;

      if (tok_is (src, k, statement_keywords[i].word))
        {
          *keyword = k;
          return statement_keywords[i].kind;
        }
    }
  *keyword = first;
  return STATEMENT_SIMPLE;
}

static gboolean
is_header_kind (StatementKind kind)
{
  return kind == STATEMENT_FOR || kind == STATEMENT_WITH || kind == STATEMENT_EXCEPT ||
         kind == STATEMENT_DEF || kind == STATEMENT_CLASS || kind == STATEMENT_HEADER;
}

/* The ':' that ends a compound statement's header: the first one outside brackets that no
 * lambda in the header owns. */
static guint
header_colon (const Source *src,
              guint         first,
              guint         end)
{
  int depth;
  guint lambdas = 0;

  if (first >= end)
    return G_MAXUINT;
  depth = tok (src, first)->depth;
  for (guint k = first; k < end; k++)
    {
      if (tok (src, k)->depth != depth)
        continue;
      if (tok_is (src, k, "lambda"))
        lambdas++;
      else if (tok_is (src, k, ":"))
        {
          if (lambdas == 0)
            return k;
          lambdas--;
        }
    }
  return G_MAXUINT;
}

/* Cuts tokens [first, end) of logical line @logical into statements, appended to @out. */
static void
split_statements (const Source *src,
                  guint         first,
                  guint         end,
                  guint         logical,
                  GArray       *out)
{
  guint s = first;

  while (s < end)
    {
      Statement statement = { 0 };
      int depth = tok (src, s)->depth;
      guint e = end, next = end;

      statement.kind = statement_kind (src, s, &statement.keyword);
      if (is_header_kind (statement.kind) && (e = header_colon (src, s, end)) != G_MAXUINT)
        next = e + 1;
      else
        {
          for (e = s; e < end; e++)
            if (tok (src, e)->depth <= depth && tok_is (src, e, ";"))
              break;
          next = e < end ? e + 1 : end;
          if (is_header_kind (statement.kind))
            statement.kind = STATEMENT_HEADER;
        }
      if (e > s)
        {
          statement.first = s;
          statement.end = e;
          statement.logical = logical;
          statement.value_start = s;
          statement.bound = g_ptr_array_new_with_free_func (g_free);
          g_array_append_val (out, statement);
        }
      s = next;
    }
}

/* ---- definitions ------------------------------------------------------------------------- */

typedef struct
{
  guint logical;             /* the def's logical line */
  guint first_logical;       /* its first decorator's, else the same */
  guint name;                /* the name token */
  guint params_open;         /* '(' */
  guint colon;               /* the header's ':' */
  guint body_first;          /* tokens [body_first, body_end) */
  guint body_end;
  guint end_logical;         /* one past the body's last logical line */
  int   indent;
} DefSite;

static gboolean
find_def_site (const Source *src,
               guint         logical,
               DefSite      *site)
{
  const LogicalLine *line = &g_array_index (src->lines, LogicalLine, logical);
  guint k = line->first, colon, close;

  memset (site, 0, sizeof *site);
  if (tok_is (src, k, "async"))
    k++;
  if (!tok_is (src, k, "def") || k + 2 >= line->end || !tok_is_plain_name (src, k + 1))
    return FALSE;
  site->name = k + 1;
  k += 2;
  if (tok_is (src, k, "[") && tok (src, k)->match < line->end)      /* type parameters */
    k = tok (src, k)->match + 1;
  if (!tok_is (src, k, "(") || tok (src, k)->match >= line->end)
    return FALSE;
  site->params_open = k;
  close = tok (src, k)->match;
  colon = header_colon (src, close + 1, line->end);
  if (colon == G_MAXUINT)
    return FALSE;

  site->colon = colon;
  site->logical = logical;
  site->indent = line->indent;
  site->end_logical = logical + 1;
  if (colon + 1 < line->end)
    {
      site->body_first = colon + 1;
      site->body_end = line->end;
    }
  else
    {
      guint j = logical + 1;

      while (j < src->lines->len && g_array_index (src->lines, LogicalLine, j).indent > line->indent)
        j++;
      site->end_logical = j;
      if (j == logical + 1)
        site->body_first = site->body_end = line->end;
      else
        {
          site->body_first = g_array_index (src->lines, LogicalLine, logical + 1).first;
          site->body_end = g_array_index (src->lines, LogicalLine, j - 1).end;
        }
    }

  site->first_logical = logical;
  while (site->first_logical > 0)
    {
      const LogicalLine *before = &g_array_index (src->lines, LogicalLine, site->first_logical - 1);

      if (!tok_is (src, before->first, "@") || before->indent != line->indent)
        break;
      site->first_logical--;
    }
  return TRUE;
}

static void
definition_fill (const Source          *src,
                 const DefSite         *site,
                 AgvizPythonDefinition *definition)
{
  const LogicalLine *first = &g_array_index (src->lines, LogicalLine, site->first_logical);

  definition->name = tok_dup (src, site->name);
  definition->first_line = tok (src, first->first)->line;
  definition->def_line = tok (src, site->name)->line;
  if (site->body_end > site->body_first)
    {
      definition->body_first_line = tok (src, site->body_first)->line;
      definition->body_last_line = tok (src, site->body_end - 1)->end_line;
    }
  else
    definition->body_first_line = definition->body_last_line = definition->def_line;
}

void
agviz_python_definition_free (AgvizPythonDefinition *definition)
{
  if (definition == NULL)
    return;
  g_free (definition->name);
  g_free (definition);
}

/* ---- the file around the function -------------------------------------------------------- */

typedef struct
{
  Source      src;
  GArray     *defs;         /* DefSite of every function in the file */
  GHashTable *imports;      /* name an import binds -> dotted path ("np" -> "numpy") */
  GHashTable *generators;   /* module-level name -> AgvizPythonValueSource of the generator */
  GHashTable *assigned;     /* names a module-level `NAME = ...` binds */
  GHashTable *functions;    /* name -> def index + 1 of its def at module level, 0 when it has
                             * several */
  GHashTable *helpers;      /* def index + 1 -> Helper, scanned when first called */
} Module;

/* A side effect of a helper on one of its own parameters: a side effect of its caller when the
 * caller passes an outer object there. */
typedef struct
{
  AgvizPythonScanKind  kind;        /* MUTATING_CALL, ITEM_STORE or ATTRIBUTE_STORE */
  int                  line;
  char                *parameter;   /* "lst" */
  char                *path;        /* what follows it in the changed object: "", ".items",
                                     * ".count" (an attribute store: the attribute) */
  char                *method;      /* MUTATING_CALL: "append" */
} ParameterEffect;

typedef struct
{
  char     *name;
  gboolean  positional;             /* may be given by position */
  gboolean  keyword;                /* may be given by keyword */
} Parameter;

/* A function of the file, scanned as a helper another function calls. */
typedef struct
{
  AgvizPythonScan *scan;
  GPtrArray       *parameter_effects; /* ParameterEffect */
  GArray          *parameters;        /* Parameter, in order, * and ** ones left out */
} Helper;

static void
parameter_effect_free (gpointer data)
{
  ParameterEffect *effect = data;

  g_free (effect->parameter);
  g_free (effect->path);
  g_free (effect->method);
  g_free (effect);
}

static void
parameter_clear (gpointer data)
{
  g_clear_pointer (&((Parameter *) data)->name, g_free);
}

static void
helper_free (gpointer data)
{
  Helper *helper = data;

  agviz_python_scan_free (helper->scan);
  g_ptr_array_unref (helper->parameter_effects);
  g_array_unref (helper->parameters);
  g_free (helper);
}

static void
module_clear (Module *module)
{
  source_clear (&module->src);
  g_clear_pointer (&module->defs, g_array_unref);
  g_clear_pointer (&module->imports, g_hash_table_unref);
  g_clear_pointer (&module->generators, g_hash_table_unref);
  g_clear_pointer (&module->assigned, g_hash_table_unref);
  g_clear_pointer (&module->functions, g_hash_table_unref);
  g_clear_pointer (&module->helpers, g_hash_table_unref);
}

/* What a dotted call means with the file's imports: "np.random.randn" -> "numpy.random.randn". */
static char *
canonical_call (const Module *module,
                const char   *written)
{
  const char *dot = strchr (written, '.');
  g_autofree char *head = dot != NULL ? g_strndup (written, dot - written) : g_strdup (written);
  const char *path = g_hash_table_lookup (module->imports, head);

  if (path == NULL && g_str_equal (head, "np"))
    path = "numpy";
  if (path == NULL)
    return g_strdup (written);
  return g_strconcat (path, dot != NULL ? dot : "", NULL);
}

static gboolean
str_in (const char         *text,
        const char * const *set)
{
  for (guint i = 0; set[i] != NULL; i++)
    if (g_str_equal (text, set[i]))
      return TRUE;
  return FALSE;
}

/* Seeding and generator construction: deliberate, and no value of their own. */
static const char *const numpy_random_setup[] = {
  "seed", "default_rng", "RandomState", "Generator", "SeedSequence", "BitGenerator",
  "get_state", "set_state", "PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64", NULL,
};
static const char *const python_random_setup[] = {
  "seed", "Random", "SystemRandom", "getstate", "setstate", NULL,
};
static const char *const generator_setup[] = {
  "seed", "spawn", "jumped", "bit_generator", "getstate", "setstate", "get_state", "set_state",
  NULL,
};
static const char *const clocks[] = {
  "time", "time_ns", "perf_counter", "perf_counter_ns", "monotonic", "monotonic_ns",
  "process_time", "process_time_ns", NULL,
};
static const char *const datetime_calls[] = {
  "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today",
  "datetime.date.today", "datetime.now", "datetime.utcnow", "datetime.today", NULL,
};

static AgvizPythonValueSource
classify_call (const char *canonical)
{
  const char *rest;

  if (g_str_has_prefix (canonical, "numpy.random."))
    {
      rest = canonical + strlen ("numpy.random.");
      if (strchr (rest, '.') == NULL && !str_in (rest, numpy_random_setup))
        return AGVIZ_PYTHON_VALUE_NUMPY_RANDOM;
      return AGVIZ_PYTHON_VALUE_NONE;
    }
  if (g_str_has_prefix (canonical, "random."))
    {
      rest = canonical + strlen ("random.");
      if (strchr (rest, '.') == NULL && !str_in (rest, python_random_setup))
        return AGVIZ_PYTHON_VALUE_PYTHON_RANDOM;
      return AGVIZ_PYTHON_VALUE_NONE;
    }
  if (g_str_has_prefix (canonical, "time."))
    return str_in (canonical + strlen ("time."), clocks) ? AGVIZ_PYTHON_VALUE_TIME
                                                         : AGVIZ_PYTHON_VALUE_NONE;
  if (str_in (canonical, datetime_calls))
    return AGVIZ_PYTHON_VALUE_DATETIME;
  return AGVIZ_PYTHON_VALUE_NONE;
}

/* The source of values drawn from a generator that @canonical constructs. */
static AgvizPythonValueSource
classify_generator (const char *canonical)
{
  if (g_str_equal (canonical, "numpy.random.default_rng") ||
      g_str_equal (canonical, "numpy.random.RandomState") ||
      g_str_equal (canonical, "numpy.random.Generator"))
    return AGVIZ_PYTHON_VALUE_NUMPY_RANDOM;
  if (g_str_equal (canonical, "random.Random") || g_str_equal (canonical, "random.SystemRandom"))
    return AGVIZ_PYTHON_VALUE_PYTHON_RANDOM;
  return AGVIZ_PYTHON_VALUE_NONE;
}

/* A dotted name at @k ("a.b.c"): its end, one past the last name. */
static guint
dotted_end (const Source *src,
            guint         k,
            guint         end)
{
  guint j = k + 1;

  while (j + 1 < end && tok_is (src, j, ".") && tok_is_name (src, j + 1))
    j += 2;
  return j;
}

static void
read_import (Module          *module,
             const Statement *statement)
{
  const Source *src = &module->src;
  guint k = statement->first + 1;

  if (statement->kind == STATEMENT_IMPORT)
    {
      while (k < statement->end)
        {
          guint path_end;
          g_autofree char *path = NULL;

          if (!tok_is_name (src, k))
            {
              k++;
              continue;
            }
          path_end = dotted_end (src, k, statement->end);
          path = tokens_text (src, k, path_end);
          if (tok_is (src, path_end, "as") && tok_is_plain_name (src, path_end + 1))
            {
              g_hash_table_insert (module->imports, tok_dup (src, path_end + 1), g_steal_pointer (&path));
              k = path_end + 2;
            }
          else
            {
              g_hash_table_insert (module->imports, tok_dup (src, k), tok_dup (src, k));
              k = path_end;
            }
        }
    }
  else
    {
      guint from_end = k;
      g_autofree char *from = NULL;

      while (from_end < statement->end && !tok_is (src, from_end, "import"))
        from_end++;
      from = tokens_text (src, k, from_end);
      for (k = from_end + 1; k < statement->end; k++)
        {
          g_autofree char *name = NULL;
          guint bound = k;

          if (!tok_is_plain_name (src, k))
            continue;
          name = tok_dup (src, k);
          if (tok_is (src, k + 1, "as") && tok_is_plain_name (src, k + 2))
            bound = k += 2;
          g_hash_table_insert (module->imports, tok_dup (src, bound),
                               g_strconcat (from, ".", name, NULL));
        }
    }
}

static void
module_init (Module     *module,
             const char *text,
             gsize       length)
{
  module->src.text = text;
  module->src.length = length;
  tokenize (&module->src);
  module->defs = g_array_new (FALSE, TRUE, sizeof (DefSite));
  module->imports = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  module->generators = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  module->assigned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  module->functions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  module->helpers = g_hash_table_new_full (NULL, NULL, NULL, helper_free);
}

/* Reads the imports, module-level generators and assignments, and function definitions of the
 * whole file. */
static void
module_read (Module *module)
{
  const Source *src = &module->src;
  g_autoptr(GArray) statements = g_array_new (FALSE, TRUE, sizeof (Statement));

  g_array_set_clear_func (statements, statement_clear);
  for (guint l = 0; l < src->lines->len; l++)
    {
      const LogicalLine *line = &g_array_index (src->lines, LogicalLine, l);
      DefSite site;

      if (find_def_site (src, l, &site))
        {
          g_autofree char *name = tok_dup (src, site.name);
          /* The index this def gets, + 1; 0 for a name defined twice. */
          guint entry = g_hash_table_contains (module->functions, name) ? 0 : module->defs->len + 1;

          g_array_append_val (module->defs, site);
          if (site.indent == 0)
            g_hash_table_insert (module->functions, g_steal_pointer (&name),
                                 GUINT_TO_POINTER (entry));
        }

      g_array_set_size (statements, 0);
      split_statements (src, line->first, line->end, l, statements);
      for (guint s = 0; s < statements->len; s++)
        {
          const Statement *statement = &g_array_index (statements, Statement, s);
          guint k = statement->first;

          if (statement->kind == STATEMENT_IMPORT || statement->kind == STATEMENT_FROM)
            read_import (module, statement);
          else if (line->indent == 0 && statement->kind == STATEMENT_SIMPLE &&
                   tok_is_plain_name (src, k) && tok_is (src, k + 1, "="))
            g_hash_table_add (module->assigned, tok_dup (src, k));
          if (line->indent == 0 && statement->kind == STATEMENT_SIMPLE &&
              tok_is_plain_name (src, k) && tok_is (src, k + 1, "=") && tok_is_name (src, k + 2))
            {
              guint call_end = dotted_end (src, k + 2, statement->end);
              g_autofree char *written = tokens_text (src, k + 2, call_end);
              g_autofree char *canonical = canonical_call (module, written);
              AgvizPythonValueSource source = classify_generator (canonical);

              if (source != AGVIZ_PYTHON_VALUE_NONE && tok_is (src, call_end, "("))
                g_hash_table_insert (module->generators, tok_dup (src, k), GINT_TO_POINTER (source));
            }
        }
    }
}

/* ---- scanning one function --------------------------------------------------------------- */

typedef struct
{
  guint       start;        /* tokens [start, end) */
  guint       end;
  int         parent;       /* index in the scanner's scopes; -1 above the function scanned */
  GHashTable *locals;
  GHashTable *globals;
  GHashTable *nonlocals;
} Scope;

static void
scope_clear (gpointer data)
{
  Scope *scope = data;

  g_clear_pointer (&scope->locals, g_hash_table_unref);
  g_clear_pointer (&scope->globals, g_hash_table_unref);
  g_clear_pointer (&scope->nonlocals, g_hash_table_unref);
}

typedef enum
{
  EVENT_BIND,               /* a plain name bound by an assignment-like statement */
  EVENT_ITEM_STORE,
  EVENT_ATTRIBUTE_STORE,
} EventKind;

typedef struct
{
  EventKind  kind;
  guint      token;         /* the target's first token: the name, or the object's base name */
  char      *name;          /* the name bound, the container changed, the attribute set */
  gboolean   documented;    /* self.v = tf.Variable(...): TF's own pattern for a variable made
                             * once, not a mistake */
} Event;

static void
event_clear (gpointer data)
{
  g_clear_pointer (&((Event *) data)->name, g_free);
}

typedef enum
{
  TARGET_RECORD = 1 << 0,   /* stores and bindings become events */
  TARGET_BOUND = 1 << 1,    /* plain names go into the statement's bound names */
  TARGET_ANNOTATION = 1 << 2, /* `x: int` stores nothing: only a plain name is bound */
} TargetFlags;

typedef struct
{
  Module          *module;
  const Source    *src;
  const DefSite   *site;
  gboolean         follow_helpers;
  guint            start;          /* tokens [start, end): parameters and body */
  guint            end;
  GArray          *statements;     /* Statement, in token order */
  GArray          *scopes;         /* Scope; [0] is the function's own */
  int             *scope_of;       /* per token of [start, end) */
  GArray          *events;         /* Event */
  GHashTable      *imported;       /* names the function binds by importing: modules */
  GHashTable      *rebound;        /* names the function's own scope binds in its body */
  GPtrArray       *parameter_effects; /* ParameterEffect: scanned as a helper, its changes to
                                    * its own parameters go here; NULL otherwise */
  GHashTable      *followed;       /* def indexes of the helpers whose side effects are taken */
  guint            helper_findings;
  AgvizPythonScan *result;
} Scanner;

static const char *const mutating_methods[] = {
  "append", "extend", "insert", "update", "add", "pop", "remove", "setdefault", "clear",
  "discard", "popitem", "__setitem__", "__delitem__", NULL,
};
static const char *const augmented_ops[] = {
  "+=", "-=", "*=", "/=", "//=", "%=", "**=", ">>=", "<<=", "&=", "|=", "^=", "@=", NULL,
};
/* Calls that make a variable: stored in an attribute or a container once, on the first trace,
 * they are TF's documented way to create variables in a tf.function. */
static const char *const variable_makers[] = { "Variable", "add_weight", "add_variable", NULL };
/* Modules whose functions share names with mutating methods (np.add, os.remove, tf.add). */
static const char *const module_names[] = {
  "tf", "np", "numpy", "tensorflow", "jnp", "jax", "torch", "keras", "os", "sys", "math",
  "random", "time", "datetime", "json", "re", "shutil", "logging", "operator", NULL,
};

static int
scope_at (const Scanner *sc,
          guint          k)
{
  return k >= sc->start && k < sc->end ? sc->scope_of[k - sc->start] : 0;
}

static Scope *
scope_get (const Scanner *sc,
           int            index)
{
  return &g_array_index (sc->scopes, Scope, index);
}

/* Whether @name, read at scope @index, is the function's own (TRUE) or an outer object. */
static gboolean
resolves_local (const Scanner *sc,
                const char    *name,
                int            index)
{
  while (index >= 0)
    {
      Scope *scope = scope_get (sc, index);

      if (g_hash_table_contains (scope->globals, name))
        return FALSE;
      if (!g_hash_table_contains (scope->nonlocals, name) &&
          g_hash_table_contains (scope->locals, name))
        return TRUE;
      index = scope->parent;
    }
  return FALSE;
}

static gboolean
is_module_name (const Scanner *sc,
                const char    *name)
{
  return g_hash_table_contains (sc->module->imports, name) || str_in (name, module_names);
}

static gboolean
is_object_parameter (const char *name)
{
  return g_str_equal (name, "self") || g_str_equal (name, "cls");
}

/* The statement holding token @k, or -1. */
static int
statement_at (const Scanner *sc,
              guint          k)
{
  int low = 0, high = (int) sc->statements->len - 1, found = -1;

  while (low <= high)
    {
      int mid = low + (high - low) / 2;

      if (g_array_index (sc->statements, Statement, mid).first <= k)
        {
          found = mid;
          low = mid + 1;
        }
      else
        high = mid - 1;
    }
  if (found >= 0 && k >= g_array_index (sc->statements, Statement, found).end)
    return -1;
  return found;
}

static void
add_scope (Scanner *sc,
           guint    start,
           guint    end)
{
  Scope scope = {
    .start = start,
    .end = MIN (MAX (end, start), sc->end),
    .parent = -1,
    .locals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    .globals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    .nonlocals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
  };

  g_array_append_val (sc->scopes, scope);
}

/* Parameter names of tokens [first, end) at @depth into @scope (and @names when not NULL). */
static void
bind_parameters (Scanner   *sc,
                 Scope     *scope,
                 guint      first,
                 guint      end,
                 int        depth,
                 GPtrArray *names)
{
  gboolean expect_name = TRUE;

  for (guint k = first; k < end; k++)
    {
      if (tok (sc->src, k)->depth != depth)
        continue;
      if (tok_is (sc->src, k, ","))
        {
          expect_name = TRUE;
          continue;
        }
      if (!expect_name || tok_is (sc->src, k, "*") || tok_is (sc->src, k, "**") ||
          tok_is (sc->src, k, "/"))
        continue;
      if (tok_is_plain_name (sc->src, k))
        {
          g_hash_table_add (scope->locals, tok_dup (sc->src, k));
          if (names != NULL)
            g_ptr_array_add (names, tok_dup (sc->src, k));
        }
      expect_name = FALSE;
    }
}

/* @name, bound at token @k: a rebinding of a parameter when the function's own scope binds it. */
static void
note_binding (Scanner *sc,
              guint    k,
              char    *name)
{
  if (scope_at (sc, k) == 0)
    g_hash_table_add (sc->rebound, name);
  else
    g_free (name);
}

static void
bind_name (Scanner     *sc,
           Statement   *statement,
           guint        k,
           TargetFlags  flags)
{
  g_hash_table_add (scope_get (sc, scope_at (sc, k))->locals, tok_dup (sc->src, k));
  note_binding (sc, k, tok_dup (sc->src, k));
  if (flags & TARGET_BOUND)
    g_ptr_array_add (statement->bound, tok_dup (sc->src, k));
  if (flags & TARGET_RECORD)
    {
      Event event = { EVENT_BIND, k, tok_dup (sc->src, k), FALSE };
      g_array_append_val (sc->events, event);
    }
}

static void parse_targets (Scanner *sc, Statement *statement, guint first, guint end,
                           TargetFlags flags, int nesting);

/* One target of an assignment: a name, an attribute, a subscription, or a nested target list. */
static void
parse_target (Scanner     *sc,
              Statement   *statement,
              guint        first,
              guint        end,
              TargetFlags  flags,
              int          nesting)
{
  const Source *src = sc->src;
  guint k, last_trailer = G_MAXUINT;
  EventKind last_kind = EVENT_BIND;

  while (first < end && (tok_is (src, first, "*") || tok_is (src, first, "**")))
    first++;
  if (first >= end)
    return;
  if (tok_is_opening (src, first) && tok (src, first)->match == end - 1)
    {
      if (!(flags & TARGET_ANNOTATION) && !tok_is (src, first, "{"))
        parse_targets (sc, statement, first + 1, end - 1, flags, nesting + 1);
      return;
    }
  if (!tok_is_plain_name (src, first))
    return;
  if (end == first + 1)
    {
      bind_name (sc, statement, first, flags);
      return;
    }
  if (flags & TARGET_ANNOTATION)
    return;

  for (k = first + 1; k < end; )
    {
      if (tok_is (src, k, ".") && k + 1 < end && tok_is_name (src, k + 1))
        {
          last_trailer = k;
          last_kind = EVENT_ATTRIBUTE_STORE;
          k += 2;
        }
      else if ((tok_is (src, k, "[") || tok_is (src, k, "(")) && tok (src, k)->match < end)
        {
          last_trailer = k;
          last_kind = tok_is (src, k, "[") ? EVENT_ITEM_STORE : EVENT_BIND;
          k = tok (src, k)->match + 1;
        }
      else
        return;          /* not a target (a syntax error, or an expression) */
    }
  if (last_trailer == G_MAXUINT || last_kind == EVENT_BIND || !(flags & TARGET_RECORD))
    return;
  {
    Event event = {
      .kind = last_kind,
      .token = first,
      .name = tokens_text (src, first, last_kind == EVENT_ITEM_STORE ? last_trailer : end),
      /* A variable kept in an attribute or in a container (self.scales[rank] = tf.Variable())
       * is made once per trace that needs it; creating it on a retrace is the variable
       * error, reported by its own rule. */
      .documented = (last_kind == EVENT_ATTRIBUTE_STORE || last_kind == EVENT_ITEM_STORE) &&
                    statement->variable_value,
    };
    g_array_append_val (sc->events, event);
  }
}

static void
parse_targets (Scanner     *sc,
               Statement   *statement,
               guint        first,
               guint        end,
               TargetFlags  flags,
               int          nesting)
{
  guint element = first;
  int depth;

  if (nesting > MAX_NESTING || first >= end)
    return;
  depth = tok (sc->src, first)->depth;
  for (guint k = first; k <= end; k++)
    if (k == end || (tok (sc->src, k)->depth == depth && tok_is (sc->src, k, ",")))
      {
        parse_target (sc, statement, element, k, flags, nesting);
        element = k + 1;
      }
}

/* The first token of @first..@end at the statement's depth that is @text, or G_MAXUINT. */
static guint
find_at_depth (const Source *src,
               guint         first,
               guint         end,
               int           depth,
               const char   *text)
{
  for (guint k = first; k < end; k++)
    {
      if (tok (src, k)->depth < depth)
        break;
      if (tok (src, k)->depth == depth && tok_is (src, k, text))
        return k;
    }
  return G_MAXUINT;
}

static void
collect_assignment (Scanner   *sc,
                    Statement *statement)
{
  const Source *src = sc->src;
  guint s = statement->first, segment = s, annotation = G_MAXUINT;
  int depth = tok (src, s)->depth;
  gboolean assigned = FALSE;

  for (guint k = s; k < statement->end; k++)
    {
      if (tok (src, k)->depth != depth)
        continue;
      if (tok_is (src, k, "lambda"))
        break;
      if (tok_is (src, k, "="))
        {
          /* The value decides whether an attribute store is TF's variable-once pattern. */
          guint value = k + 1;
          while (find_at_depth (src, value, statement->end, depth, "=") != G_MAXUINT)
            value = find_at_depth (src, value, statement->end, depth, "=") + 1;
          if (tok_is_name (src, value))
            {
              guint call_end = dotted_end (src, value, statement->end);
              statement->variable_value = tok_is (src, call_end, "(") &&
                                          tok_in (src, call_end - 1, variable_makers);
            }
          parse_targets (sc, statement, segment, annotation < k ? annotation : k,
                         TARGET_RECORD | TARGET_BOUND, 0);
          segment = k + 1;
          annotation = G_MAXUINT;
          assigned = TRUE;
          continue;
        }
      if (!assigned && tok_in (src, k, augmented_ops))
        {
          parse_targets (sc, statement, s, k, TARGET_RECORD | TARGET_BOUND, 0);
          statement->augmented = TRUE;
          return;
        }
      if (!assigned && annotation == G_MAXUINT && tok_is (src, k, ":"))
        annotation = k;
    }
  if (assigned)
    statement->value_start = segment;
  else if (annotation != G_MAXUINT)
    parse_targets (sc, statement, s, annotation, TARGET_ANNOTATION, 0);
}

static void
collect_imports (Scanner   *sc,
                 Statement *statement)
{
  const Source *src = sc->src;
  guint k = statement->first + 1;

  if (statement->kind == STATEMENT_FROM)
    {
      while (k < statement->end && !tok_is (src, k, "import"))
        k++;
      k++;
    }
  while (k < statement->end)
    {
      guint bound = k;

      if (!tok_is_plain_name (src, k))
        {
          k++;
          continue;
        }
      k = statement->kind == STATEMENT_IMPORT ? dotted_end (src, k, statement->end) : k + 1;
      if (tok_is (src, k, "as") && tok_is_plain_name (src, k + 1))
        {
          bound = k + 1;
          k += 2;
        }
      g_hash_table_add (scope_get (sc, scope_at (sc, bound))->locals, tok_dup (src, bound));
      g_hash_table_add (sc->imported, tok_dup (src, bound));
      note_binding (sc, bound, tok_dup (src, bound));
    }
}

/* Pass one: what @statement declares and binds. */
static void
collect_statement (Scanner   *sc,
                   Statement *statement)
{
  const Source *src = sc->src;
  guint s = statement->first, e = statement->end, keyword = statement->keyword;
  int depth = tok (src, s)->depth;

  switch (statement->kind)
    {
    case STATEMENT_GLOBAL:
    case STATEMENT_NONLOCAL:
      for (guint k = s + 1; k < e; k++)
        if (tok_is_plain_name (src, k))
          {
            Scope *scope = scope_get (sc, scope_at (sc, k));
            g_hash_table_add (statement->kind == STATEMENT_GLOBAL ? scope->globals : scope->nonlocals,
                              tok_dup (src, k));
          }
      break;

    case STATEMENT_DEF:
    case STATEMENT_CLASS:
      if (tok_is_plain_name (src, keyword + 1))
        {
          g_hash_table_add (scope_get (sc, scope_at (sc, keyword))->locals, tok_dup (src, keyword + 1));
          note_binding (sc, keyword, tok_dup (src, keyword + 1));
        }
      break;

    case STATEMENT_IMPORT:
    case STATEMENT_FROM:
      collect_imports (sc, statement);
      break;

    case STATEMENT_FOR:
      {
        guint in = find_at_depth (src, keyword + 1, e, depth, "in");
        if (in != G_MAXUINT)
          {
            parse_targets (sc, statement, keyword + 1, in, TARGET_RECORD | TARGET_BOUND, 0);
            statement->value_start = in + 1;
          }
      }
      break;

    case STATEMENT_WITH:
    case STATEMENT_EXCEPT:
      for (guint k = keyword + 1; k < e; k++)
        {
          guint stop = k + 1;
          int as_depth = tok (src, k)->depth;

          if (!tok_is (src, k, "as"))
            continue;
          while (stop < e && tok (src, stop)->depth >= as_depth &&
                 !(tok (src, stop)->depth == as_depth && tok_is (src, stop, ",")))
            stop++;
          parse_targets (sc, statement, k + 1, stop, TARGET_RECORD | TARGET_BOUND, 0);
          k = stop;
        }
      break;

    case STATEMENT_DEL:
      parse_targets (sc, statement, s + 1, e, TARGET_RECORD, 0);
      break;

    case STATEMENT_SIMPLE:
      collect_assignment (sc, statement);
      break;

    case STATEMENT_RETURN:
    case STATEMENT_HEADER:
      break;
    }

  /* Walrus targets and comprehension variables, wherever they are. */
  for (guint k = s; k < e; k++)
    {
      if (tok_is (src, k, ":=") && k > s && tok_is_plain_name (src, k - 1))
        bind_name (sc, statement, k - 1, TARGET_RECORD | TARGET_BOUND);
      else if (tok_is (src, k, "for") && k != keyword)
        {
          guint in = find_at_depth (src, k + 1, e, tok (src, k)->depth, "in");
          if (in != G_MAXUINT)
            parse_targets (sc, statement, k + 1, in, 0, 0);
        }
    }
}

/* The token after the body of the def or class @statement opens. */
static guint
nested_body_end (const Scanner *sc,
                 guint          index)
{
  const Statement *statement = &g_array_index (sc->statements, Statement, index);
  const GArray *lines = sc->src->lines;
  const LogicalLine *own = &g_array_index (lines, LogicalLine, statement->logical);
  guint j = statement->logical + 1;

  /* An inline body: `def g(): return 1` */
  if (index + 1 < sc->statements->len &&
      g_array_index (sc->statements, Statement, index + 1).logical == statement->logical)
    return own->end;
  while (j < lines->len && g_array_index (lines, LogicalLine, j).indent > own->indent)
    j++;
  return j == statement->logical + 1 ? own->end : g_array_index (lines, LogicalLine, j - 1).end;
}

static int
compare_scopes (gconstpointer a,
                gconstpointer b)
{
  const Scope *x = a, *y = b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->end != y->end)
    return x->end > y->end ? -1 : 1;
  return 0;
}

static void
build_scopes (Scanner *sc)
{
  const Source *src = sc->src;
  g_autoptr(GArray) open = g_array_new (FALSE, FALSE, sizeof (int));
  guint next = 0;

  add_scope (sc, sc->start, sc->end);
  bind_parameters (sc, scope_get (sc, 0), sc->site->params_open + 1,
                   MIN (tok (src, sc->site->params_open)->match, sc->end),
                   tok (src, sc->site->params_open)->depth + 1, sc->result->parameters);

  for (guint i = 0; i < sc->statements->len; i++)
    {
      const Statement *statement = &g_array_index (sc->statements, Statement, i);
      guint name = statement->keyword + 1, params;

      if ((statement->kind != STATEMENT_DEF && statement->kind != STATEMENT_CLASS) ||
          !tok_is_plain_name (src, name))
        continue;
      add_scope (sc, name + 1, nested_body_end (sc, i));
      params = name + 1;
      if (tok_is (src, params, "[") && tok (src, params)->match < statement->end)
        params = tok (src, params)->match + 1;
      if (statement->kind == STATEMENT_DEF && tok_is (src, params, "(") &&
          tok (src, params)->match < statement->end)
        bind_parameters (sc, scope_get (sc, sc->scopes->len - 1), params + 1,
                         tok (src, params)->match, tok (src, params)->depth + 1, NULL);
    }

  for (guint k = sc->site->body_first; k < sc->end; k++)
    {
      int depth = tok (src, k)->depth, index = statement_at (sc, k);
      guint colon, stop, limit;

      if (!tok_is (src, k, "lambda") || index < 0)
        continue;
      limit = g_array_index (sc->statements, Statement, index).end;
      colon = find_at_depth (src, k + 1, limit, depth, ":");
      if (colon == G_MAXUINT)
        continue;
      for (stop = colon + 1; stop < limit; stop++)
        if (tok (src, stop)->depth < depth ||
            (tok (src, stop)->depth == depth &&
             (tok_is (src, stop, ",") || tok_is (src, stop, "for"))))
          break;
      add_scope (sc, k + 1, stop);
      bind_parameters (sc, scope_get (sc, sc->scopes->len - 1), k + 1, colon, depth, NULL);
    }

  g_array_sort (sc->scopes, compare_scopes);

  /* One sweep gives every scope its parent and every token its innermost scope. */
  sc->scope_of = g_new0 (int, sc->end - sc->start + 1);
  for (guint k = sc->start; k < sc->end; k++)
    {
      while (open->len > 0 && scope_get (sc, g_array_index (open, int, open->len - 1))->end <= k)
        g_array_set_size (open, open->len - 1);
      while (next < sc->scopes->len && scope_get (sc, next)->start <= k)
        {
          scope_get (sc, next)->parent = open->len > 0 ? g_array_index (open, int, open->len - 1) : -1;
          if (scope_get (sc, next)->end > k)
            g_array_append_val (open, next);
          next++;
        }
      sc->scope_of[k - sc->start] = open->len > 0 ? g_array_index (open, int, open->len - 1) : 0;
    }
  for (; next < sc->scopes->len; next++)
    scope_get (sc, next)->parent = 0;
}

static void
use_free (gpointer data)
{
  AgvizPythonScanUse *use = data;

  g_free (use->name);
  g_free (use);
}

static void
finding_free (gpointer data)
{
  AgvizPythonScanFinding *finding = data;

  g_free (finding->name);
  g_free (finding->method);
  g_free (finding->call);
  g_free (finding->helper);
  g_clear_pointer (&finding->uses, g_ptr_array_unref);
  g_free (finding->argument);
  g_free (finding->parameter);
  g_free (finding);
}

static AgvizPythonScanFinding *
add_finding_at (Scanner             *sc,
                AgvizPythonScanKind  kind,
                int                  line,
                int                  column,
                char                *name)
{
  AgvizPythonScanFinding *finding = g_new0 (AgvizPythonScanFinding, 1);

  finding->kind = kind;
  finding->line = line;
  finding->column = column;
  finding->name = name;
  finding->uses = g_ptr_array_new_with_free_func (use_free);
  g_ptr_array_add (sc->result->findings, finding);
  return finding;
}

static AgvizPythonScanFinding *
add_finding (Scanner             *sc,
             AgvizPythonScanKind  kind,
             guint                k,
             char                *name)
{
  return add_finding_at (sc, kind, tok (sc->src, k)->line, tok (sc->src, k)->column, name);
}

/* Whether @name, read at scope @index, is a parameter of the function scanned as a helper that
 * its body never rebinds: what the helper changes there is what its caller passed. */
static gboolean
is_own_parameter (const Scanner *sc,
                  const char    *name,
                  int            index)
{
  if (sc->parameter_effects == NULL)
    return FALSE;
  for (; index > 0; index = scope_get (sc, index)->parent)
    {
      Scope *scope = scope_get (sc, index);

      if (g_hash_table_contains (scope->globals, name) ||
          (!g_hash_table_contains (scope->nonlocals, name) &&
           g_hash_table_contains (scope->locals, name)))
        return FALSE;
    }
  if (index < 0 || g_hash_table_contains (scope_get (sc, 0)->globals, name) ||
      g_hash_table_contains (sc->rebound, name))
    return FALSE;
  for (guint i = 0; i < sc->result->parameters->len; i++)
    if (g_str_equal (g_ptr_array_index (sc->result->parameters, i), name))
      return TRUE;
  return FALSE;
}

static void
add_parameter_effect (Scanner             *sc,
                      AgvizPythonScanKind  kind,
                      guint                k,
                      const char          *parameter,
                      const char          *changed,
                      char                *method)
{
  ParameterEffect *effect = g_new0 (ParameterEffect, 1);
  gsize length = strlen (parameter);

  effect->kind = kind;
  effect->line = tok (sc->src, k)->line;
  effect->parameter = g_strdup (parameter);
  /* @changed starts with the parameter, unless it was cut at MAX_NAME_BYTES. */
  effect->path = g_strdup (strncmp (changed, parameter, length) == 0 ? changed + length : "");
  effect->method = method;
  g_ptr_array_add (sc->parameter_effects, effect);
}

static void
add_use (Scanner                *sc,
         AgvizPythonScanFinding *finding,
         const Statement        *statement,
         guint                   k,
         const char             *name)
{
  AgvizPythonScanUse *use = g_new0 (AgvizPythonScanUse, 1);

  use->line = tok (sc->src, k)->line;
  use->first_line = tok (sc->src, statement->first)->line;
  use->last_line = tok (sc->src, statement->end - 1)->end_line;
  /* Only the function's own return hands a value to TF; a nested def's return does not. */
  use->returned = statement->kind == STATEMENT_RETURN && scope_at (sc, statement->first) == 0;
  use->name = g_strdup (name);
  g_ptr_array_add (finding->uses, use);
}

/* Follows the value made at token @k through the locals assigned from it, statement by
 * statement in source order (loops are not iterated: a value used before it is made is not
 * followed). */
static void
follow_value (Scanner                *sc,
              AgvizPythonScanFinding *finding,
              guint                   k)
{
  const Source *src = sc->src;
  g_autoptr(GHashTable) carriers = g_hash_table_new (g_str_hash, g_str_equal);
  int index = statement_at (sc, k);
  const Statement *statement;

  if (index < 0)
    return;
  statement = &g_array_index (sc->statements, Statement, index);
  add_use (sc, finding, statement, k, NULL);
  if (k >= statement->value_start)
    for (guint b = 0; b < statement->bound->len; b++)
      g_hash_table_add (carriers, g_ptr_array_index (statement->bound, b));

  for (guint i = index + 1; i < sc->statements->len && finding->uses->len < MAX_USES; i++)
    {
      const char *carrier = NULL;
      int depth;

      if (g_hash_table_size (carriers) == 0)
        break;
      statement = &g_array_index (sc->statements, Statement, i);
      depth = tok (src, statement->first)->depth;
      for (guint u = statement->value_start; u < statement->end && carrier == NULL; u++)
        {
          g_autofree char *name = NULL;

          if (!tok_is_plain_name (src, u) || (u > 0 && tok_is (src, u - 1, ".")) ||
              (tok (src, u)->depth > depth && tok_is (src, u + 1, "=")))
            continue;
          name = tok_dup (src, u);
          carrier = g_hash_table_lookup (carriers, name);
          if (carrier != NULL)
            add_use (sc, finding, statement, u, carrier);
        }
      for (guint b = 0; b < statement->bound->len; b++)
        {
          char *bound = g_ptr_array_index (statement->bound, b);
          if (carrier != NULL)
            g_hash_table_add (carriers, bound);
          else if (!statement->augmented)
            g_hash_table_remove (carriers, bound);
        }
    }
}

static const DefSite *
find_helper (const Scanner *sc,
             const char    *name,
             gboolean       nested,
             guint         *index)
{
  for (guint i = 0; i < sc->module->defs->len; i++)
    {
      const DefSite *site = &g_array_index (sc->module->defs, DefSite, i);
      gboolean inside = site->name > sc->site->body_first && site->name < sc->site->body_end;
      g_autofree char *site_name = NULL;

      if (site->name == sc->site->name || (nested ? !inside : site->indent != 0))
        continue;
      site_name = tok_dup (sc->src, site->name);
      if (g_str_equal (site_name, name))
        {
          *index = i;
          return site;
        }
    }
  return NULL;
}

static AgvizPythonScan *scan_site (Module *module, const DefSite *site, gboolean follow_helpers,
                                   GPtrArray *parameter_effects);

/* The parameters of @site a call can name, in order: the * and ** ones (whatever reaches them
 * is not followed) left out. */
static void
read_parameters (const Source  *src,
                 const DefSite *site,
                 GArray        *out)
{
  guint open = site->params_open, close = tok (src, open)->match, positional_only = 0;
  int depth = tok (src, open)->depth + 1;
  gboolean expect_name = TRUE, keyword_only = FALSE, starred = FALSE;

  for (guint k = open + 1; k < close; k++)
    {
      if (tok (src, k)->depth != depth)
        continue;
      if (tok_is (src, k, ","))
        {
          expect_name = TRUE;
          starred = FALSE;
          continue;
        }
      if (!expect_name)
        continue;
      if (tok_is (src, k, "/"))
        {
          positional_only = out->len;
          expect_name = FALSE;
          continue;
        }
      if (tok_is (src, k, "*") || tok_is (src, k, "**"))
        {
          keyword_only = TRUE;
          starred = TRUE;
          continue;
        }
      if (tok_is_plain_name (src, k) && !starred)
        {
          Parameter parameter = { tok_dup (src, k), !keyword_only, TRUE };
          g_array_append_val (out, parameter);
        }
      expect_name = FALSE;
    }
  for (guint i = 0; i < positional_only; i++)
    g_array_index (out, Parameter, i).keyword = FALSE;
}

/* The def at @index of the file, scanned as a helper when first asked for. */
static Helper *
module_helper (Module *module,
               guint   index)
{
  Helper *helper = g_hash_table_lookup (module->helpers, GUINT_TO_POINTER (index + 1));
  const DefSite *site = &g_array_index (module->defs, DefSite, index);

  if (helper != NULL)
    return helper;
  helper = g_new0 (Helper, 1);
  helper->parameter_effects = g_ptr_array_new_with_free_func (parameter_effect_free);
  helper->parameters = g_array_new (FALSE, TRUE, sizeof (Parameter));
  g_array_set_clear_func (helper->parameters, parameter_clear);
  helper->scan = scan_site (module, site, FALSE, helper->parameter_effects);
  read_parameters (&module->src, site, helper->parameters);
  g_hash_table_insert (module->helpers, GUINT_TO_POINTER (index + 1), helper);
  return helper;
}

/* A value-returning helper called at @k: a finding for the call, or nothing. */
static void
check_helper_call (Scanner    *sc,
                   guint       k,
                   const char *name,
                   gboolean    nested)
{
  const AgvizPythonScanFinding *inner = NULL;
  AgvizPythonScanFinding *finding;
  AgvizPythonScan *helper;
  const DefSite *site;
  guint index;

  if (!sc->follow_helpers || (site = find_helper (sc, name, nested, &index)) == NULL)
    return;
  helper = module_helper (sc->module, index)->scan;
  for (guint f = 0; f < helper->findings->len && inner == NULL; f++)
    {
      const AgvizPythonScanFinding *candidate = g_ptr_array_index (helper->findings, f);

      if (candidate->kind != AGVIZ_PYTHON_SCAN_TRACE_TIME_VALUE)
        continue;
      for (guint u = 0; u < candidate->uses->len; u++)
        if (((AgvizPythonScanUse *) g_ptr_array_index (candidate->uses, u))->returned)
          inner = candidate;
    }
  if (inner == NULL)
    return;
  finding = add_finding (sc, AGVIZ_PYTHON_SCAN_TRACE_TIME_VALUE, k, g_strdup (name));
  finding->source = inner->source;
  finding->call = g_strdup (inner->call);
  finding->call_line = inner->call_line;
  finding->helper = g_strdup (name);
  follow_value (sc, finding, k);
}

static guint
count_values (const Scanner *sc)
{
  guint values = 0;

  for (guint f = 0; f < sc->result->findings->len; f++)
    values += ((AgvizPythonScanFinding *) g_ptr_array_index (sc->result->findings, f))->kind ==
              AGVIZ_PYTHON_SCAN_TRACE_TIME_VALUE;
  return values;
}

/* A call at @k that makes a trace-time value: np.random.*, random.*, a clock, datetime, a draw
 * from a module-level generator, or a helper of this file returning one of those. */
static void
check_value (Scanner *sc,
             guint    k)
{
  const Source *src = sc->src;
  guint call_end = dotted_end (src, k, sc->end);
  g_autofree char *head = NULL, *written = NULL, *canonical = NULL;
  AgvizPythonValueSource source;
  AgvizPythonScanFinding *finding;
  gboolean local;

  if (!tok_is (src, call_end, "(") || count_values (sc) >= MAX_VALUES)
    return;
  head = tok_dup (src, k);
  local = resolves_local (sc, head, scope_at (sc, k)) &&
          !g_hash_table_contains (sc->imported, head);
  if (local)
    {
      if (call_end == k + 1)
        check_helper_call (sc, k, head, TRUE);
      return;
    }

  written = tokens_text (src, k, call_end);
  canonical = canonical_call (sc->module, written);
  source = classify_call (canonical);
  if (source == AGVIZ_PYTHON_VALUE_NONE && call_end == k + 3 &&
      g_hash_table_contains (sc->module->generators, head) &&
      !tok_in (src, k + 2, generator_setup))
    source = GPOINTER_TO_INT (g_hash_table_lookup (sc->module->generators, head));
  if (source == AGVIZ_PYTHON_VALUE_NONE)
    {
      if (call_end == k + 1 && !g_hash_table_contains (sc->module->imports, head))
        check_helper_call (sc, k, head, FALSE);
      return;
    }

  finding = add_finding (sc, AGVIZ_PYTHON_SCAN_TRACE_TIME_VALUE, k, g_strdup (written));
  finding->source = source;
  finding->call = g_steal_pointer (&written);
  finding->call_line = tok (src, k)->line;
  follow_value (sc, finding, k);
}

/* outer.append(x), self.items.pop(), outer[k].add(y): a mutating method of an object the
 * function did not make. */
static void
check_mutating_call (Scanner *sc,
                     guint    k)
{
  const Source *src = sc->src;
  guint j = k + 1;
  g_autofree char *base = NULL;

  while (j < sc->end)
    {
      if (tok_is (src, j, ".") && tok_is_name (src, j + 1))
        {
          if (tok_in (src, j + 1, mutating_methods) && tok_is (src, j + 2, "("))
            break;
          j += 2;
        }
      else if (tok_is (src, j, "[") && tok (src, j)->match < sc->end)
        j = tok (src, j)->match + 1;
      else
        return;
    }
  if (j >= sc->end)
    return;
  base = tok_dup (src, k);
  if (is_own_parameter (sc, base, scope_at (sc, k)))
    {
      g_autofree char *changed = tokens_text (src, k, j);
      add_parameter_effect (sc, AGVIZ_PYTHON_SCAN_MUTATING_CALL, k, base, changed,
                            tok_dup (src, j + 1));
      return;
    }
  if (is_object_parameter (base) ? j == k + 1
      : resolves_local (sc, base, scope_at (sc, k)) || is_module_name (sc, base))
    return;
  add_finding (sc, AGVIZ_PYTHON_SCAN_MUTATING_CALL, k,
               tokens_text (src, k, j))->method = tok_dup (src, j + 1);
}

/* Decorators after which a call does not run the body in the caller's trace: tf.function
 * traces it on its own (its traces are checked as its own), py_function and numpy_function run
 * it on every call. */
static const char *const untraced_decorators[] = {
  "function", "py_function", "numpy_function", "py_func", "eager_py_func", NULL,
};

static gboolean
runs_outside_trace (Module        *module,
                    const DefSite *site)
{
  const Source *src = &module->src;

  for (guint l = site->first_logical; l < site->logical; l++)
    {
      const LogicalLine *line = &g_array_index (src->lines, LogicalLine, l);
      guint k = line->first + 1;
      g_autofree char *written = NULL, *canonical = NULL;
      const char *last;

      if (!tok_is_name (src, k) || k >= line->end)
        continue;
      written = tokens_text (src, k, dotted_end (src, k, line->end));
      canonical = canonical_call (module, written);
      last = strrchr (canonical, '.');
      if (last != NULL && str_in (last + 1, untraced_decorators) &&
          (g_str_has_prefix (canonical, "tensorflow.") || g_str_has_prefix (canonical, "tf.")))
        return TRUE;
    }
  return FALSE;
}

/* The function of the file that a call of @name from module scope runs: its only def at module
 * level (with two, which one runs is not known), never the function scanned itself nor one
 * around it (its body is the function's own). */
static const DefSite *
find_module_function (const Scanner *sc,
                      const char    *name,
                      guint         *index)
{
  guint found = GPOINTER_TO_UINT (g_hash_table_lookup (sc->module->functions, name));
  const DefSite *site;

  if (found == 0 || g_hash_table_contains (sc->module->assigned, name) ||
      g_hash_table_contains (sc->module->imports, name))
    return NULL;
  site = &g_array_index (sc->module->defs, DefSite, found - 1);
  if (site->name == sc->site->name ||
      (sc->site->name >= site->body_first && sc->site->name < site->body_end))
    return NULL;
  *index = found - 1;
  return site;
}

/* The argument the call whose '(' is @open gives @parameter (of @parameters): tokens
 * [*first, *end).  Positions after an unpacked *sequence are not known. */
static gboolean
find_argument (const Source *src,
               guint         open,
               const GArray *parameters,
               const char   *parameter,
               guint        *first,
               guint        *end)
{
  guint close = tok (src, open)->match, element = open + 1, position = 0, wanted = G_MAXUINT;
  int depth = tok (src, open)->depth + 1;
  gboolean unpacked = FALSE;

  for (guint i = 0; i < parameters->len && wanted == G_MAXUINT; i++)
    if (g_str_equal (g_array_index (parameters, Parameter, i).name, parameter))
      wanted = i;
  if (wanted == G_MAXUINT || close >= src->tokens->len)
    return FALSE;
  for (guint k = open + 1; k <= close; k++)
    {
      const Parameter *given = &g_array_index (parameters, Parameter, wanted);

      if (k < close && (tok (src, k)->depth != depth || !tok_is (src, k, ",")))
        continue;
      if (k > element)
        {
          if (tok_is (src, element, "*") || tok_is (src, element, "**"))
            unpacked |= tok_is (src, element, "*");
          else if (tok_is_plain_name (src, element) && tok_is (src, element + 1, "="))
            {
              g_autofree char *keyword = tok_dup (src, element);

              if (given->keyword && g_str_equal (keyword, parameter) && element + 2 < k)
                {
                  *first = element + 2;
                  *end = k;
                  return TRUE;
                }
            }
          else if (!unpacked && position++ == wanted && given->positional)
            {
              *first = element;
              *end = k;
              return TRUE;
            }
        }
      element = k + 1;
    }
  return FALSE;
}

/* A call at @k of a function defined at module level in this file: TensorFlow runs its body
 * while tracing the caller, so its side effects on outer state, taken once per helper, and its
 * changes to outer objects the call passes it, taken per call, are the caller's. */
static void
check_helper_effects (Scanner *sc,
                      guint    k)
{
  const Source *src = sc->src;
  g_autofree char *name = NULL;
  const DefSite *site;
  Helper *helper;
  guint index;
  int call_line = tok (src, k)->line;

  if (!sc->follow_helpers || !tok_is (src, k + 1, "(") ||
      sc->helper_findings >= MAX_HELPER_FINDINGS)
    return;
  name = tok_dup (src, k);
  if (resolves_local (sc, name, scope_at (sc, k)) ||
      (site = find_module_function (sc, name, &index)) == NULL ||
      runs_outside_trace (sc->module, site))
    return;
  helper = module_helper (sc->module, index);

  if (g_hash_table_add (sc->followed, GUINT_TO_POINTER (index)))
    for (guint f = 0; f < helper->scan->findings->len; f++)
      {
        const AgvizPythonScanFinding *inner = g_ptr_array_index (helper->scan->findings, f);
        AgvizPythonScanFinding *finding;

        if (inner->kind == AGVIZ_PYTHON_SCAN_TRACE_TIME_VALUE ||
            sc->helper_findings >= MAX_HELPER_FINDINGS)
          continue;
        finding = add_finding_at (sc, inner->kind, inner->line, inner->column,
                                  g_strdup (inner->name));
        finding->method = g_strdup (inner->method);
        finding->helper = g_strdup (name);
        finding->helper_call_line = call_line;
        finding->helper_line = inner->line;
        sc->helper_findings++;
      }

  for (guint e = 0; e < helper->parameter_effects->len; e++)
    {
      const ParameterEffect *effect = g_ptr_array_index (helper->parameter_effects, e);
      g_autofree char *base = NULL;
      AgvizPythonScanFinding *finding;
      guint first, end;

      /* Only an object named outright (seen, self.history) is followed to where it lives. */
      if (sc->helper_findings >= MAX_HELPER_FINDINGS ||
          !find_argument (src, k + 1, helper->parameters, effect->parameter, &first, &end) ||
          !tok_is_plain_name (src, first) || dotted_end (src, first, end) != end)
        continue;
      base = tok_dup (src, first);
      /* The rules of check_mutating_call and check_events, for the object as passed. */
      if (is_object_parameter (base)
          ? effect->kind == AGVIZ_PYTHON_SCAN_MUTATING_CALL && end == first + 1 &&
            effect->path[0] == '\0'
          : resolves_local (sc, base, scope_at (sc, first)) || is_module_name (sc, base))
        continue;
      finding = add_finding (sc, effect->kind, k, NULL);
      finding->argument = tokens_text (src, first, end);
      finding->name = g_strconcat (finding->argument, effect->path, NULL);
      finding->method = g_strdup (effect->method);
      finding->helper = g_strdup (name);
      finding->helper_call_line = call_line;
      finding->helper_line = effect->line;
      finding->parameter = g_strdup (effect->parameter);
      sc->helper_findings++;
    }
}

static void
check_events (Scanner *sc)
{
  for (guint i = 0; i < sc->events->len; i++)
    {
      const Event *event = &g_array_index (sc->events, Event, i);
      int index = scope_at (sc, event->token);
      Scope *scope = scope_get (sc, index);
      g_autofree char *base = tok_dup (sc->src, event->token);

      switch (event->kind)
        {
        case EVENT_BIND:
          if (g_hash_table_contains (scope->globals, event->name) ||
              (g_hash_table_contains (scope->nonlocals, event->name) &&
               !resolves_local (sc, event->name, scope->parent)))
            add_finding (sc, AGVIZ_PYTHON_SCAN_GLOBAL_STORE, event->token, g_strdup (event->name));
          break;

        case EVENT_ITEM_STORE:
        case EVENT_ATTRIBUTE_STORE:
          {
            AgvizPythonScanKind kind = event->kind == EVENT_ITEM_STORE
                                       ? AGVIZ_PYTHON_SCAN_ITEM_STORE
                                       : AGVIZ_PYTHON_SCAN_ATTRIBUTE_STORE;

            if (event->documented)
              break;
            if (is_own_parameter (sc, base, index))
              add_parameter_effect (sc, kind, event->token, base, event->name, NULL);
            else if (is_object_parameter (base) ||
                     !(resolves_local (sc, base, index) || is_module_name (sc, base)))
              add_finding (sc, kind, event->token, g_strdup (event->name));
          }
          break;
        }
    }
}

static int
compare_findings (gconstpointer a,
                  gconstpointer b)
{
  const AgvizPythonScanFinding *x = *(AgvizPythonScanFinding *const *) a;
  const AgvizPythonScanFinding *y = *(AgvizPythonScanFinding *const *) b;

  if (x->line != y->line)
    return x->line < y->line ? -1 : 1;
  if (x->column != y->column)
    return x->column < y->column ? -1 : 1;
  return (int) x->kind - (int) y->kind;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The keys of @set, less those of @except (may be NULL), sorted into @out. */
static void
add_sorted_keys (GPtrArray  *out,
                 GHashTable *set,
                 const Scope *except)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (except == NULL || (!g_hash_table_contains (except->globals, key) &&
                           !g_hash_table_contains (except->nonlocals, key)))
      g_ptr_array_add (out, g_strdup (key));
  g_ptr_array_sort (out, compare_strings);
}

/* Scans the function of @site.  @follow_helpers: take over the findings of the helpers it
 * calls; @parameter_effects (may be NULL): collect there its changes to its own parameters
 * instead of reporting nothing for them. */
static AgvizPythonScan *
scan_site (Module        *module,
           const DefSite *site,
           gboolean       follow_helpers,
           GPtrArray     *parameter_effects)
{
  const Source *src = &module->src;
  AgvizPythonScan *result = g_new0 (AgvizPythonScan, 1);
  Scanner sc = { 0 };

  definition_fill (src, site, &result->definition);
  result->parameters = g_ptr_array_new_with_free_func (g_free);
  result->locals = g_ptr_array_new_with_free_func (g_free);
  result->declared = g_ptr_array_new_with_free_func (g_free);
  result->findings = g_ptr_array_new_with_free_func (finding_free);

  sc.module = module;
  sc.src = src;
  sc.site = site;
  sc.follow_helpers = follow_helpers;
  sc.start = site->params_open;
  sc.end = MAX (site->body_end, site->colon + 1);
  sc.result = result;
  sc.statements = g_array_new (FALSE, TRUE, sizeof (Statement));
  g_array_set_clear_func (sc.statements, statement_clear);
  sc.scopes = g_array_new (FALSE, TRUE, sizeof (Scope));
  g_array_set_clear_func (sc.scopes, scope_clear);
  sc.events = g_array_new (FALSE, TRUE, sizeof (Event));
  g_array_set_clear_func (sc.events, event_clear);
  sc.imported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sc.rebound = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sc.parameter_effects = parameter_effects;
  sc.followed = g_hash_table_new (NULL, NULL);

  if (site->body_first < site->body_end &&
      site->body_first > g_array_index (src->lines, LogicalLine, site->logical).first &&
      site->body_first < g_array_index (src->lines, LogicalLine, site->logical).end)
    split_statements (src, site->body_first, site->body_end, site->logical, sc.statements);
  else
    for (guint l = site->logical + 1; l < site->end_logical; l++)
      {
        const LogicalLine *line = &g_array_index (src->lines, LogicalLine, l);
        split_statements (src, line->first, line->end, l, sc.statements);
      }

  build_scopes (&sc);
  for (guint i = 0; i < sc.statements->len; i++)
    collect_statement (&sc, &g_array_index (sc.statements, Statement, i));

  for (guint k = site->body_first; k < site->body_end; k++)
    {
      if (!tok_is_plain_name (src, k) || tok_is (src, k - 1, ".") || tok_is (src, k - 1, "def") ||
          tok_is (src, k - 1, "class"))
        continue;
      if (tok_is (src, k, "print") && tok_is (src, k + 1, "(") &&
          !resolves_local (&sc, "print", scope_at (&sc, k)) &&
          !g_hash_table_contains (module->imports, "print"))
        add_finding (&sc, AGVIZ_PYTHON_SCAN_PRINT, k, g_strdup ("print"));
      check_mutating_call (&sc, k);
      check_value (&sc, k);
      check_helper_effects (&sc, k);
    }
  check_events (&sc);
  g_ptr_array_sort (result->findings, compare_findings);

  add_sorted_keys (result->locals, scope_get (&sc, 0)->locals, scope_get (&sc, 0));
  add_sorted_keys (result->declared, scope_get (&sc, 0)->globals, NULL);
  add_sorted_keys (result->declared, scope_get (&sc, 0)->nonlocals, NULL);

  g_array_unref (sc.statements);
  g_array_unref (sc.scopes);
  g_array_unref (sc.events);
  g_hash_table_unref (sc.imported);
  g_hash_table_unref (sc.rebound);
  g_hash_table_unref (sc.followed);
  g_free (sc.scope_of);
  return result;
}

/* ---- public ------------------------------------------------------------------------------ */

static const char *
last_component (const char *name)
{
  const char *dot = strrchr (name, '.');
  return dot != NULL ? dot + 1 : name;
}

GPtrArray *
agviz_python_scan_list_definitions (const char *text,
                                    gssize      length,
                                    const char *name)
{
  GPtrArray *definitions = g_ptr_array_new_with_free_func ((GDestroyNotify) agviz_python_definition_free);
  Module module = { 0 };

  g_return_val_if_fail (text != NULL || length == 0, definitions);

  module_init (&module, text != NULL ? text : "", length < 0 ? strlen (text) : (gsize) length);
  module_read (&module);
  for (guint i = 0; i < module.defs->len; i++)
    {
      const DefSite *site = &g_array_index (module.defs, DefSite, i);
      AgvizPythonDefinition *definition = g_new0 (AgvizPythonDefinition, 1);

      definition_fill (&module.src, site, definition);
      if (name != NULL && !g_str_equal (definition->name, last_component (name)))
        agviz_python_definition_free (definition);
      else
        g_ptr_array_add (definitions, definition);
    }
  module_clear (&module);
  return definitions;
}

AgvizPythonScan *
agviz_python_scan_new (const char *text,
                       gssize      length,
                       int         line)
{
  AgvizPythonScan *result = NULL;
  Module module = { 0 };

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  module_init (&module, text != NULL ? text : "", length < 0 ? strlen (text) : (gsize) length);
  module_read (&module);
  for (guint i = 0; i < module.defs->len && result == NULL; i++)
    {
      const DefSite *site = &g_array_index (module.defs, DefSite, i);
      const LogicalLine *first = &g_array_index (module.src.lines, LogicalLine, site->first_logical);

      if (line >= tok (&module.src, first->first)->line &&
          line <= tok (&module.src, site->colon)->line)
        result = scan_site (&module, site, TRUE, NULL);
    }
  module_clear (&module);
  return result;
}

void
agviz_python_scan_free (AgvizPythonScan *self)
{
  if (self == NULL)
    return;
  g_free (self->definition.name);
  g_clear_pointer (&self->parameters, g_ptr_array_unref);
  g_clear_pointer (&self->locals, g_ptr_array_unref);
  g_clear_pointer (&self->declared, g_ptr_array_unref);
  g_clear_pointer (&self->findings, g_ptr_array_unref);
  g_free (self);
}

gboolean
agviz_python_scan_is_local (AgvizPythonScan *self,
                            const char      *name)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < self->locals->len; i++)
    if (g_str_equal (g_ptr_array_index (self->locals, i), name))
      return TRUE;
  return FALSE;
}

const char *
agviz_python_scan_kind_to_string (AgvizPythonScanKind kind)
{
  switch (kind)
    {
    case AGVIZ_PYTHON_SCAN_PRINT: return "print";
    case AGVIZ_PYTHON_SCAN_MUTATING_CALL: return "mutating-call";
    case AGVIZ_PYTHON_SCAN_ITEM_STORE: return "item-store";
    case AGVIZ_PYTHON_SCAN_ATTRIBUTE_STORE: return "attribute-store";
    case AGVIZ_PYTHON_SCAN_GLOBAL_STORE: return "global-store";
    case AGVIZ_PYTHON_SCAN_TRACE_TIME_VALUE: return "trace-time-value";
    }
  return "unknown";
}

const char *
agviz_python_value_source_to_string (AgvizPythonValueSource source)
{
  switch (source)
    {
    case AGVIZ_PYTHON_VALUE_NUMPY_RANDOM: return "NumPy randomness";
    case AGVIZ_PYTHON_VALUE_PYTHON_RANDOM: return "Python's random module";
    case AGVIZ_PYTHON_VALUE_TIME: return "the time module";
    case AGVIZ_PYTHON_VALUE_DATETIME: return "datetime";
    case AGVIZ_PYTHON_VALUE_NONE: break;
    }
  return "nothing";
}
