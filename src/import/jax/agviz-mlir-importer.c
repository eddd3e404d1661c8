/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-mlir-importer.c: StableHLO / MLIR text (JAX's staged functions) into traces
 *
 * Every `func.func` with a body is a function with one trace; ops are nodes whose op type is
 * the op's name, SSA value uses are edges, block and region arguments `_Arg` nodes.  Each
 * region of an op (while's cond and body, case's branches, the bodies of reduce, sort and
 * scatter) is a graph of its own that the op calls, as TensorFlow's While calls its cond and
 * body functions: a function FUNCTION/OP/ROLE (`step/while/body`; its graph has that name,
 * followed in a jax_dump_ir_to dump by the dump's), whose `_Arg`s are the arguments the op
 * gives its regions and the values of enclosing graphs it uses (one more operand of the op
 * each).  A location's name (JAX's name stack,
 * `jit(f)/jit(main)/dense/dot_general`) is the node's scoped name, inside a region without
 * the region op's own stack; its `file:line:col` parts, through `callsite(A at B)` and the
 * first of `fused[...]`, are the node's stack.  Ops outside every function (`sdy.mesh`, ...)
 * make one more trace named after the module.
 *
 * The parser knows no dialect: an op is results, a name and whatever follows up to the end of
 * its line with brackets balanced, so ops of dialects nobody told it about (`sdy`, `mosaic_gpu`,
 * `tt`, `tpu`) are read like any other.  It keeps its own stack of open ops, regions and
 * brackets instead of recursing, so files nesting regions thousands deep cost memory in
 * proportion, never the C stack; only locations, whose nesting is bounded, are parsed
 * recursively.  The whole file is parsed before the first row is recorded.
 */
#define G_LOG_DOMAIN "agviz-importer"

#include "config.h"

#include <string.h>

#include "agviz-jax-importer-private.h"

/* Deeper nesting is refused: names of nested ops grow with it (quadratic memory), and no staged
 * program comes near it. */
#define MAX_REGION_DEPTH 256
/* Locations nest callsites as deep as the Python stack that made the op. */
#define MAX_LOCATION_DEPTH 512
#define MAX_LOCATION_VISITS (4 * MAX_LOCATION_DEPTH)
/* Longer node names (name stacks with their parameters run to a few hundred bytes) are cut. */
#define MAX_NODE_NAME 1024

/* ---- tokens ------------------------------------------------------------------------------ */

typedef enum
{
  TOKEN_EOF,
  TOKEN_VALUE,        /* %name, with an optional #N result index */
  TOKEN_SYMBOL,       /* @name or @"name" */
  TOKEN_HASH,         /* #alias, #dialect.attr */
  TOKEN_BANG,         /* !alias, !dialect.type */
  TOKEN_CARET,        /* ^block */
  TOKEN_STRING,       /* "...", escapes kept */
  TOKEN_IDENT,        /* a bare identifier: op names, keywords */
  TOKEN_NUMBER,       /* digits and what follows them (4x4xf32, 0x7FC00000) */
  TOKEN_ARROW,        /* -> */
  TOKEN_PUNCT,        /* one character */
} TokenKind;

typedef struct
{
  TokenKind   kind;
  const char *start;          /* the text after the sigil (%, @, #, !, ^) or inside the quotes */
  guint       length;
  int         result_index;   /* TOKEN_VALUE: the N of %v#N, -1 without one */
  guint       line;
  guint       column;
  gboolean    newline_before; /* a line ends between the previous token and this one */
} Token;

typedef struct
{
  const char  *path;
  const char  *text;
  const char  *end;
  const char  *p;
  const char  *line_start;
  guint        line;
  Token        peeked[2];
  guint        n_peeked;
  GError     **error;
} Lexer;

static gboolean
fail_at (Lexer      *lexer,
         guint       line,
         guint       column,
         int         code,
         const char *format,
         ...) G_GNUC_PRINTF (5, 6);

static gboolean
fail_at (Lexer      *lexer,
         guint       line,
         guint       column,
         int         code,
         const char *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (lexer->error != NULL && *lexer->error == NULL)
    g_set_error (lexer->error, AGVIZ_IMPORT_ERROR, code, "%s:%u:%u: %s", lexer->path, line,
                 column, message);
  return FALSE;
}

static gboolean
is_ident_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '$' || c == '.' || c == '-';
}

/* Reads the next token into @token; FALSE with the error set on bytes MLIR text never holds. */
static gboolean
lex (Lexer *lexer,
     Token *token)
{
  gboolean newline = FALSE;
  const char *p = lexer->p;

  for (;;)
    {
      if (p >= lexer->end)
        break;
      if (*p == '\n')
        {
          newline = TRUE;
          lexer->line++;
          lexer->line_start = ++p;
        }
      else if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f' || *p == '\v')
        p++;
      else if (*p == '/' && p + 1 < lexer->end && p[1] == '/')
        {
          while (p < lexer->end && *p != '\n')
            p++;
        }
      else if (*p == '{' && lexer->end - p >= 3 && p[1] == '-' && p[2] == '#')
        {
          /* File metadata ({-# dialect_resources: ... #-}): blobs, no ops. */
          guint line = lexer->line, column = (guint) (p - lexer->line_start) + 1;
          const char *close = g_strstr_len (p, lexer->end - p, "#-}");

          if (close == NULL)
            return fail_at (lexer, line, column, AGVIZ_IMPORT_ERROR_TRUNCATED,
                            "file metadata '{-#' is never closed by '#-}'");
          for (; p < close; p++)
            if (*p == '\n')
              {
                newline = TRUE;
                lexer->line++;
                lexer->line_start = p + 1;
              }
          p = close + 3;
        }
      else
        break;
    }

  memset (token, 0, sizeof *token);
  token->line = lexer->line;
  token->column = (guint) (p - lexer->line_start) + 1;
  token->newline_before = newline;
  token->result_index = -1;
  token->start = p;
  if (p >= lexer->end)
    {
      token->kind = TOKEN_EOF;
      lexer->p = p;
      return TRUE;
    }

  if (*p == '"')
    {
      const char *q = p + 1;

      while (q < lexer->end && *q != '"' && *q != '\n')
        q += (*q == '\\' && q + 1 < lexer->end && q[1] != '\n') ? 2 : 1;
      if (q >= lexer->end || *q != '"')
        return fail_at (lexer, token->line, token->column, AGVIZ_IMPORT_ERROR_SYNTAX,
                        "string is never closed on its line");
      token->kind = TOKEN_STRING;
      token->start = p + 1;
      token->length = (guint) (q - p - 1);
      lexer->p = q + 1;
      return TRUE;
    }
  if (*p == '%' || *p == '@' || *p == '#' || *p == '!' || *p == '^')
    {
      const char *q = p + 1;

      token->kind = *p == '%' ? TOKEN_VALUE : *p == '@' ? TOKEN_SYMBOL : *p == '#' ? TOKEN_HASH
                  : *p == '!' ? TOKEN_BANG : TOKEN_CARET;
      if (*p == '@' && q < lexer->end && *q == '"')
        {
          const char *r = q + 1;

          while (r < lexer->end && *r != '"' && *r != '\n')
            r += (*r == '\\' && r + 1 < lexer->end && r[1] != '\n') ? 2 : 1;
          if (r >= lexer->end || *r != '"')
            return fail_at (lexer, token->line, token->column, AGVIZ_IMPORT_ERROR_SYNTAX,
                            "symbol name is never closed on its line");
          token->start = q + 1;
          token->length = (guint) (r - q - 1);
          lexer->p = r + 1;
          return TRUE;
        }
      while (q < lexer->end && is_ident_char (*q))
        q++;
      if (q == p + 1 && *p != '#')
        return fail_at (lexer, token->line, token->column, AGVIZ_IMPORT_ERROR_SYNTAX,
                        "'%c' must be followed by a name", *p);
      if (q == p + 1)
        {
          /* '#' alone: punctuation (#-} closed above). */
          token->kind = TOKEN_PUNCT;
          token->length = 1;
          lexer->p = p + 1;
          return TRUE;
        }
      token->start = p + 1;
      token->length = (guint) (q - p - 1);
      if (*p == '%' && q + 1 < lexer->end && *q == '#' && g_ascii_isdigit (q[1]))
        {
          guint64 index = 0;

          for (q++; q < lexer->end && g_ascii_isdigit (*q); q++)
            index = MIN (index * 10 + (guint64) (*q - '0'), (guint64) G_MAXINT);
          token->result_index = (int) index;
        }
      lexer->p = q;
      return TRUE;
    }
  if (g_ascii_isalpha (*p) || *p == '_')
    {
      const char *q = p;

      while (q < lexer->end && (g_ascii_isalnum (*q) || *q == '_' || *q == '$' || *q == '.'))
        q++;
      token->kind = TOKEN_IDENT;
      token->length = (guint) (q - p);
      lexer->p = q;
      return TRUE;
    }
  if (g_ascii_isdigit (*p))
    {
      const char *q = p;

      while (q < lexer->end && (g_ascii_isalnum (*q) || *q == '_' || *q == '.'))
        q++;
      token->kind = TOKEN_NUMBER;
      token->length = (guint) (q - p);
      lexer->p = q;
      return TRUE;
    }
  if (*p == '-' && p + 1 < lexer->end && p[1] == '>')
    {
      token->kind = TOKEN_ARROW;
      token->length = 2;
      lexer->p = p + 2;
      return TRUE;
    }
  if (g_ascii_ispunct (*p))
    {
      token->kind = TOKEN_PUNCT;
      /* >= and <= (affine constraints) are no brackets. */
      token->length = (*p == '>' || *p == '<') && p + 1 < lexer->end && p[1] == '=' ? 2 : 1;
      lexer->p = p + token->length;
      return TRUE;
    }
  return fail_at (lexer, token->line, token->column, AGVIZ_IMPORT_ERROR_SYNTAX,
                  "unexpected byte 0x%02x outside a string", (guint) (guchar) *p);
}

/* The token @ahead tokens on (0: the next one). */
static const Token *
peek_at (Lexer *lexer,
         guint  ahead)
{
  static const Token failed = { TOKEN_EOF };

  g_assert (ahead < G_N_ELEMENTS (lexer->peeked));
  while (lexer->n_peeked <= ahead)
    {
      if (lexer->n_peeked > 0 && lexer->peeked[lexer->n_peeked - 1].kind == TOKEN_EOF)
        return &lexer->peeked[lexer->n_peeked - 1];
      if (!lex (lexer, &lexer->peeked[lexer->n_peeked]))
        return &failed;
      lexer->n_peeked++;
    }
  return &lexer->peeked[ahead];
}

static const Token *
peek (Lexer *lexer)
{
  return peek_at (lexer, 0);
}

static Token
next (Lexer *lexer)
{
  Token token = *peek (lexer);

  if (lexer->n_peeked > 0)
    {
      if (token.kind != TOKEN_EOF || lexer->n_peeked > 1)
        {
          lexer->peeked[0] = lexer->peeked[1];
          lexer->n_peeked--;
        }
    }
  return token;
}

static gboolean
token_is (const Token *token,
          TokenKind    kind,
          const char  *text)
{
  return token->kind == kind && token->length == strlen (text) &&
         memcmp (token->start, text, token->length) == 0;
}

static gboolean
token_is_punct (const Token *token,
                char         c)
{
  return token->kind == TOKEN_PUNCT && token->length == 1 && token->start[0] == c;
}

/* Whether @token is one of the brackets in @brackets. */
static gboolean
is_bracket (const Token *token,
            const char  *brackets)
{
  return token->kind == TOKEN_PUNCT && token->length == 1 &&
         strchr (brackets, token->start[0]) != NULL;
}

static const char *
describe (const Token *token)
{
  switch (token->kind)
    {
    case TOKEN_EOF: return "the end of the file";
    case TOKEN_VALUE: return "a value";
    case TOKEN_SYMBOL: return "a symbol";
    case TOKEN_HASH: return "an attribute";
    case TOKEN_BANG: return "a type";
    case TOKEN_CARET: return "a block label";
    case TOKEN_STRING: return "a string";
    case TOKEN_IDENT: return "a keyword";
    case TOKEN_NUMBER: return "a number";
    case TOKEN_ARROW: return "'->'";
    case TOKEN_PUNCT:
    default: return "punctuation";
    }
}

/* ---- what the file holds ----------------------------------------------------------------- */

typedef enum
{
  LOC_UNKNOWN,
  LOC_FILE,        /* text:line:column */
  LOC_NAME,        /* text, child */
  LOC_CALLSITE,    /* child (callee) at caller */
  LOC_FUSED,       /* child, then siblings */
  LOC_ALIAS,       /* text names a #alias */
} LocationKind;

/* Locations are indices into MlirFile.locations; 0 is "none". */
typedef struct
{
  LocationKind  kind;
  const char   *text;
  int           line;
  int           column;
  guint         child;
  guint         caller;
  guint         sibling;
  guint         source_line;     /* where it is written, for errors */
  guint         source_column;
} Location;

typedef struct
{
  const char *name;           /* without the %, in the file's string chunk */
  int         result_index;   /* -1: none */
} ValueUse;

typedef struct
{
  const char *op_type;        /* interned; "_Arg" for block and region arguments */
  const char *base_name;      /* an argument's name, NULL for ops (named by their op type) */
  ValueUse    captured;       /* a region's _Arg standing for this value of the enclosing
                               * function (name NULL for other ops) */
  guint       location;
  GArray     *uses;           /* ValueUse, NULL when none */
  GHashTable *use_keys;       /* a region op that captured values: its uses' keys (see
                               * use_key()), NULL when none */
  GPtrArray  *symbols;        /* @symbols named (functions it may call), NULL when none */
  const char *type;           /* its type signature (after the ':' of its own text), or NULL */
  char       *name;           /* the unique scoped name, given when recorded */
  gint64      node_id;
} MlirOp;

typedef struct
{
  guint op;
  guint output;
  guint count;
} ValueDef;

typedef struct _MlirFunction MlirFunction;

struct _MlirFunction
{
  const char   *name;          /* the symbol, or the module's name for ops outside functions;
                                * NULL for a region */
  gboolean      is_function;
  GArray       *ops;           /* MlirOp */
  GHashTable   *values;        /* name -> ValueDef * */
  GHashTable   *names_taken;   /* node names given so far -> the next _N suffix to try */
  GPtrArray    *regions;       /* MlirFunction: the regions of its ops, owned; NULL when none */
  MlirFunction *enclosing;     /* a region: the function (or region) holding its op */
  guint         region_op;     /* a region: its op, in enclosing->ops */
  const char   *role;          /* a region: its name in the call ("cond", "body", ...) */
  char         *function_name; /* given when recorded: the name of its function row */
  char         *graph_name;    /* given when recorded */
};

typedef struct
{
  Lexer         lexer;
  GStringChunk *strings;
  GArray       *locations;     /* Location, [0] unused */
  GHashTable   *aliases;       /* name -> location index */
  GPtrArray    *functions;     /* MlirFunction, in file order */
  MlirFunction *outside;       /* ops outside every function, or NULL */
  const char   *module_name;
  const char   *label;         /* the file's name without extension */
  guint         unresolved_uses;
} MlirFile;

static void
op_clear (gpointer data)
{
  MlirOp *op = data;

  g_clear_pointer (&op->uses, g_array_unref);
  g_clear_pointer (&op->use_keys, g_hash_table_unref);
  g_clear_pointer (&op->symbols, g_ptr_array_unref);
  g_clear_pointer (&op->name, g_free);
}

static MlirFunction *
function_new (const char *name,
              gboolean    is_function)
{
  MlirFunction *function = g_new0 (MlirFunction, 1);

  function->name = name;
  function->is_function = is_function;
  function->ops = g_array_new (FALSE, TRUE, sizeof (MlirOp));
  g_array_set_clear_func (function->ops, op_clear);
  function->values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  function->names_taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return function;
}

static void
function_free (gpointer data)
{
  MlirFunction *function = data;

  if (function == NULL)
    return;
  g_array_unref (function->ops);
  g_hash_table_unref (function->values);
  g_hash_table_unref (function->names_taken);
  g_clear_pointer (&function->regions, g_ptr_array_unref);
  g_free (function->function_name);
  g_free (function->graph_name);
  g_free (function);
}

static const char *
intern (MlirFile   *file,
        const char *text,
        gsize       length)
{
  g_autofree char *copy = g_strndup (text, length);

  return g_string_chunk_insert_const (file->strings, copy);
}

static const char *
intern_printf (MlirFile   *file,
               const char *format,
               ...) G_GNUC_PRINTF (2, 3);

static const char *
intern_printf (MlirFile   *file,
               const char *format,
               ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  return g_string_chunk_insert_const (file->strings, text);
}

static const char *
token_text (MlirFile    *file,
            const Token *token)
{
  return intern (file, token->start, token->length);
}

/* A string token's text with MLIR's escapes (\", \\, \n, \t, \XX) decoded, made valid UTF-8. */
static const char *
string_text (MlirFile    *file,
             const Token *token)
{
  g_autoptr(GString) decoded = g_string_sized_new (token->length);
  g_autofree char *valid = NULL;

  for (guint i = 0; i < token->length; i++)
    {
      char c = token->start[i];

      if (c == '\\' && i + 1 < token->length)
        {
          char e = token->start[++i];

          if (g_ascii_isxdigit (e) && i + 1 < token->length &&
              g_ascii_isxdigit (token->start[i + 1]))
            {
              c = (char) (g_ascii_xdigit_value (e) * 16 +
                          g_ascii_xdigit_value (token->start[i + 1]));
              i++;
            }
          else
            c = e == 'n' ? '\n' : e == 't' ? '\t' : e;
        }
      g_string_append_c (decoded, c != '\0' ? c : '?');
    }
  valid = g_utf8_make_valid (decoded->str, decoded->len);
  return g_string_chunk_insert_const (file->strings, valid);
}

static guint
add_location (MlirFile     *file,
              LocationKind  kind,
              const Token  *at)
{
  Location location = { .kind = kind, .source_line = at->line, .source_column = at->column };

  g_array_append_val (file->locations, location);
  return file->locations->len - 1;
}

#define LOCATION(file, index) (&g_array_index ((file)->locations, Location, (index)))

static gboolean
expect_punct (MlirFile   *file,
              char        c)
{
  Token token = next (&file->lexer);

  if (!token_is_punct (&token, c))
    return fail_at (&file->lexer, token.line, token.column, AGVIZ_IMPORT_ERROR_SYNTAX,
                    "expected '%c', found %s", c, describe (&token));
  return TRUE;
}

static gboolean
expect_number (MlirFile *file,
               int      *value)
{
  Token token = next (&file->lexer);
  guint64 number = 0;

  if (token.kind != TOKEN_NUMBER)
    return fail_at (&file->lexer, token.line, token.column, AGVIZ_IMPORT_ERROR_SYNTAX,
                    "expected a number, found %s", describe (&token));
  for (guint i = 0; i < token.length && g_ascii_isdigit (token.start[i]); i++)
    number = MIN (number * 10 + (guint64) (token.start[i] - '0'), (guint64) G_MAXINT);
  *value = (int) number;
  return TRUE;
}

/* One location (after `loc(` or inside another), into *@index. */
static gboolean
parse_location (MlirFile *file,
                guint     depth,
                guint    *index)
{
  Token token = next (&file->lexer);
  guint at;

  if (depth > MAX_LOCATION_DEPTH)
    return fail_at (&file->lexer, token.line, token.column, AGVIZ_IMPORT_ERROR_LIMIT,
                    "location nested more than %d deep", MAX_LOCATION_DEPTH);

  if (token.kind == TOKEN_HASH)
    {
      at = add_location (file, LOC_ALIAS, &token);
      LOCATION (file, at)->text = token_text (file, &token);
    }
  else if (token_is (&token, TOKEN_IDENT, "unknown"))
    at = add_location (file, LOC_UNKNOWN, &token);
  else if (token.kind == TOKEN_STRING)
    {
      const char *text = string_text (file, &token);

      if (token_is_punct (peek (&file->lexer), ':'))
        {
          int line, column;

          next (&file->lexer);
          if (!expect_number (file, &line) || !expect_punct (file, ':') ||
              !expect_number (file, &column))
            return FALSE;
          /* A range ("f.mlir":2:21 to :30, to 3:5): where it starts is enough. */
          if (token_is (peek (&file->lexer), TOKEN_IDENT, "to"))
            {
              next (&file->lexer);
              while (peek (&file->lexer)->kind == TOKEN_NUMBER ||
                     token_is_punct (peek (&file->lexer), ':'))
                next (&file->lexer);
            }
          at = add_location (file, LOC_FILE, &token);
          LOCATION (file, at)->line = line;
          LOCATION (file, at)->column = column;
        }
      else
        {
          guint child = 0;

          if (token_is_punct (peek (&file->lexer), '('))
            {
              next (&file->lexer);
              if (!parse_location (file, depth + 1, &child) || !expect_punct (file, ')'))
                return FALSE;
            }
          at = add_location (file, LOC_NAME, &token);
          LOCATION (file, at)->child = child;
        }
      LOCATION (file, at)->text = text;
    }
  else if (token_is (&token, TOKEN_IDENT, "callsite"))
    {
      guint callee, caller;
      Token keyword;

      if (!expect_punct (file, '(') || !parse_location (file, depth + 1, &callee))
        return FALSE;
      keyword = next (&file->lexer);
      if (!token_is (&keyword, TOKEN_IDENT, "at"))
        return fail_at (&file->lexer, keyword.line, keyword.column, AGVIZ_IMPORT_ERROR_SYNTAX,
                        "expected 'at' in callsite(), found %s", describe (&keyword));
      if (!parse_location (file, depth + 1, &caller) || !expect_punct (file, ')'))
        return FALSE;
      at = add_location (file, LOC_CALLSITE, &token);
      LOCATION (file, at)->child = callee;
      LOCATION (file, at)->caller = caller;
    }
  else if (token_is (&token, TOKEN_IDENT, "fused"))
    {
      guint first = 0, last = 0;

      if (token_is_punct (peek (&file->lexer), '<'))
        {
          /* fused<metadata>: the pass that fused them, not a place in the source. */
          guint open = 0;

          do
            {
              Token t = next (&file->lexer);

              if (t.kind == TOKEN_EOF)
                return fail_at (&file->lexer, t.line, t.column, AGVIZ_IMPORT_ERROR_TRUNCATED,
                                "fused<...> is never closed");
              open += token_is_punct (&t, '<') ? 1 : token_is_punct (&t, '>') ? -1 : 0;
            }
          while (open > 0);
        }
      if (!expect_punct (file, '['))
        return FALSE;
      while (!token_is_punct (peek (&file->lexer), ']'))
        {
          guint element;

          if (first != 0 && !expect_punct (file, ','))
            return FALSE;
          if (!parse_location (file, depth + 1, &element))
            return FALSE;
          if (first == 0)
            first = element;
          else
            LOCATION (file, last)->sibling = element;
          last = element;
        }
      next (&file->lexer);
      at = add_location (file, LOC_FUSED, &token);
      LOCATION (file, at)->child = first;
    }
  else
    return fail_at (&file->lexer, token.line, token.column, AGVIZ_IMPORT_ERROR_SYNTAX,
                    "expected a location, found %s", describe (&token));
  *index = at;
  return TRUE;
}

/* `loc(...)`, the `loc` not read yet. */
static gboolean
parse_loc (MlirFile *file,
           guint    *index)
{
  next (&file->lexer);
  return expect_punct (file, '(') && parse_location (file, 0, index) && expect_punct (file, ')');
}

/* ---- ops, regions and brackets ----------------------------------------------------------- */

typedef enum
{
  FRAME_FILE,       /* the file itself: statements until the end */
  FRAME_MODULE,     /* module: its region holds functions */
  FRAME_FUNCTION,   /* func.func: its region is a function body */
  FRAME_OP,         /* any other op: a node, each of its regions a graph it calls */
} FrameKind;

/* An op being read, or the file.  While one of its regions is open, the statements read belong
 * to that region. */
typedef struct
{
  FrameKind     kind;
  MlirFunction *function;     /* where ops in its region go (FRAME_OP: the one holding it) */
  gint          op;           /* FRAME_OP: its index in function->ops */
  MlirFunction *body;         /* FRAME_OP: the region being read, NULL before the first */
  MlirFunction *op_args;      /* FRAME_OP: arguments it gives its regions (`%iterArg = %x`,
                               * `reducer(%a: ...)`), as _Arg ops of no graph; NULL when none */
  MlirFunction *pending_in;   /* where pending_arg is */
  GByteArray   *brackets;     /* open brackets of its own text: ( [ { < */
  GArray       *bracket_at;   /* guint pairs (line, column) of each */
  guint         n_regions;
  gboolean      in_region;
  guint         line;         /* where the op starts */
  guint         column;
  Token         previous;     /* the last token of its own text */
  gint          pending_arg;  /* an argument just defined, whose loc() may follow, or -1 */
  guint         pending_depth; /* the brackets open where it was defined */
  const char   *name_start;   /* the op's name in the text */
  MlirFunction *own;          /* FRAME_FUNCTION: the function being read, before it is kept */
  guint         sym_name_read; /* generic form: 1 after `sym_name`, 2 after its `=` */
  const char   *type_start;   /* FRAME_OP: after the ':' before its types, or NULL */
  const char   *type_end;     /* where they end (a loc(), a region), NULL while they go on */
} Frame;

static void
frame_free (gpointer data)
{
  Frame *frame = data;

  g_byte_array_unref (frame->brackets);
  g_array_unref (frame->bracket_at);
  function_free (frame->own);
  function_free (frame->op_args);
  g_free (frame);
}

static Frame *
frame_new (FrameKind kind,
           guint     line,
           guint     column)
{
  Frame *frame = g_new0 (Frame, 1);

  frame->kind = kind;
  frame->op = -1;
  frame->pending_arg = -1;
  frame->brackets = g_byte_array_new ();
  frame->bracket_at = g_array_new (FALSE, FALSE, sizeof (guint) * 2);
  frame->line = line;
  frame->column = column;
  return frame;
}

/* The function that ops read now belong to, made on first use for ops outside functions. */
static MlirFunction *
current_function (MlirFile  *file,
                  GPtrArray *frames)
{
  Frame *top = g_ptr_array_index (frames, frames->len - 1);

  if (top->kind == FRAME_OP)
    return top->body;
  if (top->function != NULL)
    return top->function;
  if (file->outside == NULL)
    {
      file->outside = function_new (file->module_name != NULL ? file->module_name : file->label,
                                    FALSE);
      g_ptr_array_add (file->functions, file->outside);
    }
  return file->outside;
}

static guint
add_op (MlirFunction *function,
        const char   *op_type,
        const char   *base_name)
{
  MlirOp op = { .op_type = op_type, .base_name = base_name };

  g_array_append_val (function->ops, op);
  return function->ops->len - 1;
}

static void
define_value (MlirFunction *function,
              const char   *name,
              guint         op,
              guint         output,
              guint         count)
{
  ValueDef *def = g_new (ValueDef, 1);

  def->op = op;
  def->output = output;
  def->count = count;
  g_hash_table_replace (function->values, (gpointer) name, def);
}

/* An argument (of a block, a function or a region op) as an _Arg node of @function. */
static guint
define_argument (MlirFile     *file,
                 MlirFunction *function,
                 const Token  *token)
{
  const char *name = token_text (file, token);
  guint op = add_op (function, "_Arg", name);

  define_value (function, name, op, 0, 1);
  return op;
}

/* What region @index of an op of type @op_type is called in its call: the pretty form's label
 * (`cond`, `reducer`; `do` is StableHLO's `body`), else the operand name of the op's
 * specification, else regionN. */
static const char *
region_role (MlirFile   *file,
             const char *op_type,
             const char *label,
             guint       index)
{
  static const struct { const char *op; const char *roles[2]; } known[] = {
    { "while", { "cond", "body" } },
    { "if", { "true_branch", "false_branch" } },
    { "select_and_scatter", { "select", "scatter" } },
    { "sort", { "comparator" } },
    { "scatter", { "update_computation" } },
    { "reduce", { "body" } },
    { "reduce_window", { "body" } },
    { "all_reduce", { "computation" } },
    { "reduce_scatter", { "computation" } },
  };
  const char *dot = strrchr (op_type, '.');
  const char *bare = dot != NULL ? dot + 1 : op_type;
  g_autofree char *role = NULL;

  if (label != NULL)
    return strcmp (label, "do") == 0 ? "body" : label;
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (strcmp (bare, known[i].op) == 0 && index < G_N_ELEMENTS (known[i].roles) &&
        known[i].roles[index] != NULL)
      return known[i].roles[index];
  role = strcmp (bare, "case") == 0 ? g_strdup_printf ("branches[%u]", index)
                                     : g_strdup_printf ("region%u", index);
  return g_string_chunk_insert_const (file->strings, role);
}

/* Region @role of the op of @frame opens: a graph of its own, which starts with the arguments
 * the op gives its regions. */
static MlirFunction *
open_region (Frame      *frame,
             const char *role)
{
  MlirFunction *region = function_new (NULL, FALSE);

  region->enclosing = frame->function;
  region->region_op = (guint) frame->op;
  region->role = role;
  for (guint i = 0; frame->op_args != NULL && i < frame->op_args->ops->len; i++)
    {
      const MlirOp *arg = &g_array_index (frame->op_args->ops, MlirOp, i);
      guint op = add_op (region, "_Arg", arg->base_name);

      g_array_index (region->ops, MlirOp, op).location = arg->location;
      define_value (region, arg->base_name, op, 0, 1);
    }
  if (frame->function->regions == NULL)
    frame->function->regions = g_ptr_array_new_with_free_func (function_free);
  g_ptr_array_add (frame->function->regions, region);
  return region;
}

/* "name" or "name#index", interned: one pointer per value. */
static const char *
use_key (MlirFile       *file,
         const ValueUse *use)
{
  return use->result_index < 0 ? g_string_chunk_insert_const (file->strings, use->name)
                               : intern_printf (file, "%s#%d", use->name, use->result_index);
}

static void
add_use (MlirFile       *file,
         MlirOp         *op,
         const ValueUse *use)
{
  if (op->uses == NULL)
    op->uses = g_array_new (FALSE, FALSE, sizeof (ValueUse));
  g_array_append_val (op->uses, *use);
  if (op->use_keys != NULL)
    g_hash_table_add (op->use_keys, (gpointer) use_key (file, use));
}

/* A value that an op of region @function uses but an enclosing function defines (StableHLO's
 * regions may use them directly): like a captured tensor of a TensorFlow function, it becomes
 * an _Arg of the region, and one more operand of the region op, at each level in between.
 * @use is changed to name that _Arg. */
static void
capture_value (MlirFile     *file,
               MlirFunction *function,
               ValueUse     *use)
{
  g_autoptr(GPtrArray) levels = NULL;
  MlirFunction *owner;
  ValueUse outer = *use;
  const char *key;

  if (function->enclosing == NULL || g_hash_table_contains (function->values, use->name))
    return;
  for (owner = function->enclosing; owner != NULL; owner = owner->enclosing)
    if (g_hash_table_contains (owner->values, use->name))
      break;
  /* Defined nowhere yet: a use before its definition, resolved when recorded. */
  if (owner == NULL)
    return;

  key = use_key (file, use);
  levels = g_ptr_array_new ();
  for (MlirFunction *level = function; level != owner; level = level->enclosing)
    g_ptr_array_add (levels, level);
  /* From the outermost region in, each level takes the value from the one above. */
  for (guint i = levels->len; i-- > 0;)
    {
      MlirFunction *level = g_ptr_array_index (levels, i);

      if (!g_hash_table_contains (level->values, key))
        {
          guint op = add_op (level, "_Arg", key);
          MlirOp *region_op = &g_array_index (level->enclosing->ops, MlirOp, level->region_op);

          g_array_index (level->ops, MlirOp, op).captured = outer;
          define_value (level, key, op, 0, 1);
          /* One edge into the region op per value, however many of its regions use it (and
           * none more where it is an operand already). */
          if (region_op->use_keys == NULL)
            {
              region_op->use_keys = g_hash_table_new (NULL, NULL);
              for (guint u = 0; region_op->uses != NULL && u < region_op->uses->len; u++)
                g_hash_table_add (region_op->use_keys,
                                  (gpointer) use_key (file, &g_array_index (region_op->uses,
                                                                            ValueUse, u)));
            }
          if (!g_hash_table_contains (region_op->use_keys, use_key (file, &outer)))
            add_use (file, region_op, &outer);
        }
      outer.name = key;
      outer.result_index = -1;
    }
  *use = outer;
}

/* Whether @token, first on its line, starts the next statement rather than going on with the
 * op before it (a `cond {` or `loc(...)` line, types after a wrapped attribute list). */
static gboolean
starts_statement (MlirFile    *file,
                  const Token *token)
{
  const Token *after;

  switch (token->kind)
    {
    case TOKEN_VALUE:
    case TOKEN_STRING:
    case TOKEN_CARET:
    case TOKEN_EOF:
      return TRUE;
    case TOKEN_HASH:
    case TOKEN_BANG:
      return token_is_punct (peek_at (&file->lexer, 1), '=');
    case TOKEN_IDENT:
      if (token_is (token, TOKEN_IDENT, "loc"))
        return FALSE;
      after = peek_at (&file->lexer, 1);
      if (memchr (token->start, '.', token->length) == NULL &&
          !token_is (token, TOKEN_IDENT, "return") &&
          (token_is_punct (after, '{') || token_is_punct (after, '(')))
        return FALSE;
      return TRUE;
    case TOKEN_SYMBOL:
    case TOKEN_NUMBER:
    case TOKEN_ARROW:
    case TOKEN_PUNCT:
    default:
      return FALSE;
    }
}

/* Whether the last token read leaves the statement unfinished, whatever comes on the next line. */
static gboolean
joins_next_line (const Token *previous)
{
  return previous->kind == TOKEN_ARROW ||
         (previous->kind == TOKEN_PUNCT &&
          strchr (",=:", previous->start[0]) != NULL);
}

/* Whether the '{' just read opens a region rather than an attribute dictionary: a region's
 * body starts on a new line (or with a block label), a dictionary's entries on the same line. */
static gboolean
opens_region (MlirFile *file)
{
  const Token *after = peek (&file->lexer);

  if (after->kind == TOKEN_CARET)
    return TRUE;
  if (!after->newline_before || after->kind == TOKEN_EOF)
    return FALSE;
  /* A dictionary written over several lines. */
  if ((after->kind == TOKEN_IDENT || after->kind == TOKEN_STRING) &&
      token_is_punct (peek_at (&file->lexer, 1), '='))
    return FALSE;
  return TRUE;
}

static gboolean
push_bracket (Frame       *frame,
              const Token *token)
{
  guint at[2] = { token->line, token->column };

  g_byte_array_append (frame->brackets, (const guint8 *) token->start, 1);
  g_array_append_val (frame->bracket_at, at);
  return TRUE;
}

static gboolean
pop_bracket (MlirFile    *file,
             Frame       *frame,
             const Token *token)
{
  static const char pairs[] = "()[]{}<>";
  char close = token->start[0];
  char open = pairs[strchr (pairs, close) - pairs - 1];

  if (frame->brackets->len == 0)
    return fail_at (&file->lexer, token->line, token->column, AGVIZ_IMPORT_ERROR_SYNTAX,
                    "'%c' closes nothing", close);
  if (frame->brackets->data[frame->brackets->len - 1] != (guint8) open)
    {
      guint *at = &g_array_index (frame->bracket_at, guint, (frame->bracket_at->len - 1) * 2);

      return fail_at (&file->lexer, token->line, token->column, AGVIZ_IMPORT_ERROR_SYNTAX,
                      "'%c' does not close the '%c' opened at %u:%u", close,
                      frame->brackets->data[frame->brackets->len - 1], at[0], at[1]);
    }
  g_byte_array_set_size (frame->brackets, frame->brackets->len - 1);
  g_array_set_size (frame->bracket_at, frame->bracket_at->len - 1);
  return TRUE;
}

/* `#name = value` or `!name = type`: location aliases are kept, other values skipped. */
static gboolean
parse_alias (MlirFile *file)
{
  Token name = next (&file->lexer);
  Frame *skip;
  gboolean ok = TRUE;

  next (&file->lexer);   /* = */
  if (name.kind == TOKEN_HASH && token_is (peek (&file->lexer), TOKEN_IDENT, "loc") &&
      token_is_punct (peek_at (&file->lexer, 1), '('))
    {
      guint location;

      if (!parse_loc (file, &location))
        return FALSE;
      g_hash_table_replace (file->aliases, (gpointer) token_text (file, &name),
                            GUINT_TO_POINTER (location));
      return TRUE;
    }
  skip = frame_new (FRAME_FILE, name.line, name.column);
  for (;;)
    {
      const Token *token = peek (&file->lexer);

      if (token->kind == TOKEN_EOF || (skip->brackets->len == 0 && token->newline_before))
        break;
      if (is_bracket (token, "([{<"))
        push_bracket (skip, token);
      else if (is_bracket (token, ")]}>") &&
               !pop_bracket (file, skip, token))
        {
          ok = FALSE;
          break;
        }
      next (&file->lexer);
    }
  if (ok && skip->brackets->len > 0)
    {
      guint *at = &g_array_index (skip->bracket_at, guint, (skip->bracket_at->len - 1) * 2);

      ok = fail_at (&file->lexer, at[0], at[1], AGVIZ_IMPORT_ERROR_TRUNCATED,
                    "'%c' is never closed", skip->brackets->data[skip->brackets->len - 1]);
    }
  frame_free (skip);
  return ok;
}

/* `^bb0(%a: type loc(...), ...):`: arguments of the block, in the open region. */
static gboolean
parse_block_label (MlirFile  *file,
                   GPtrArray *frames)
{
  MlirFunction *function = current_function (file, frames);
  gint last_arg = -1;

  next (&file->lexer);
  if (token_is_punct (peek (&file->lexer), '('))
    {
      Frame *args = frame_new (FRAME_FILE, 0, 0);
      gboolean ok = TRUE;

      push_bracket (args, peek (&file->lexer));
      next (&file->lexer);
      while (ok && args->brackets->len > 0)
        {
          const Token *token = peek (&file->lexer);

          if (token->kind == TOKEN_EOF)
            {
              guint *at = &g_array_index (args->bracket_at, guint, 0);

              ok = fail_at (&file->lexer, at[0], at[1], AGVIZ_IMPORT_ERROR_TRUNCATED,
                            "block arguments are never closed");
            }
          else if (token->kind == TOKEN_VALUE && args->brackets->len == 1 &&
                   token_is_punct (peek_at (&file->lexer, 1), ':'))
            {
              last_arg = (gint) define_argument (file, function, token);
              next (&file->lexer);
            }
          else if (token_is (token, TOKEN_IDENT, "loc") &&
                   token_is_punct (peek_at (&file->lexer, 1), '('))
            {
              guint location;

              ok = parse_loc (file, &location);
              if (ok && last_arg >= 0)
                g_array_index (function->ops, MlirOp, last_arg).location = location;
            }
          else
            {
              if (is_bracket (token, "([{<"))
                push_bracket (args, token);
              else if (is_bracket (token, ")]}>"))
                ok = pop_bracket (file, args, token);
              next (&file->lexer);
            }
        }
      frame_free (args);
      if (!ok)
        return FALSE;
    }
  return expect_punct (file, ':');
}

/* Results and the op's name; pushes the op's frame. */
static gboolean
begin_op (MlirFile  *file,
          GPtrArray *frames)
{
  Frame *parent = g_ptr_array_index (frames, frames->len - 1);
  g_autoptr(GArray) results = g_array_new (FALSE, FALSE, sizeof (Token));
  g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (guint));
  const Token *first = peek (&file->lexer);
  guint line = first->line, column = first->column;
  Token name;
  Frame *frame;
  const char *op_type;

  while (peek (&file->lexer)->kind == TOKEN_VALUE)
    {
      Token result = next (&file->lexer);
      int count = 1;

      if (token_is_punct (peek (&file->lexer), ':'))
        {
          next (&file->lexer);
          if (!expect_number (file, &count))
            return FALSE;
        }
      g_array_append_val (results, result);
      g_array_append_val (counts, count);
      if (token_is_punct (peek (&file->lexer), ','))
        next (&file->lexer);
      else
        {
          Token equals = next (&file->lexer);

          if (!token_is_punct (&equals, '='))
            return fail_at (&file->lexer, equals.line, equals.column, AGVIZ_IMPORT_ERROR_SYNTAX,
                            "expected '=' after the results, found %s", describe (&equals));
          break;
        }
    }

  name = next (&file->lexer);
  if (name.kind != TOKEN_IDENT && name.kind != TOKEN_STRING)
    return fail_at (&file->lexer, name.line, name.column, AGVIZ_IMPORT_ERROR_SYNTAX,
                    "expected an operation, found %s", describe (&name));
  if (name.kind == TOKEN_STRING && name.length == 0)
    return fail_at (&file->lexer, name.line, name.column, AGVIZ_IMPORT_ERROR_SYNTAX,
                    "an operation needs a name");
  op_type = name.kind == TOKEN_STRING ? string_text (file, &name) : token_text (file, &name);

  if (frames->len > MAX_REGION_DEPTH)
    return fail_at (&file->lexer, line, column, AGVIZ_IMPORT_ERROR_LIMIT,
                    "regions nested more than %d deep", MAX_REGION_DEPTH);

  /* The generic form ("builtin.module"() <{sym_name = ...}> ({...})) names them the same. */
  if (results->len == 0 &&
      (strcmp (op_type, "module") == 0 || strcmp (op_type, "builtin.module") == 0))
    {
      frame = frame_new (FRAME_MODULE, line, column);
      frame->function = parent->function;
    }
  else if (results->len == 0 &&
           (strcmp (op_type, "func.func") == 0 || strcmp (op_type, "func") == 0))
    {
      frame = frame_new (FRAME_FUNCTION, line, column);
      frame->own = function_new (NULL, TRUE);
      frame->function = frame->own;
    }
  else
    {
      MlirFunction *function = current_function (file, frames);
      guint output = 0;

      frame = frame_new (FRAME_OP, line, column);
      frame->function = function;
      frame->op = (gint) add_op (function, op_type, NULL);
      for (guint i = 0; i < results->len; i++)
        {
          guint count = g_array_index (counts, guint, i);

          define_value (function, token_text (file, &g_array_index (results, Token, i)),
                        (guint) frame->op, output, count);
          output += count;
        }
    }
  frame->previous = name;
  frame->name_start = name.start;
  g_ptr_array_add (frames, frame);
  return TRUE;
}

/* The op of @frame ends: a function whose body was read is kept. */
static void
end_op (MlirFile  *file,
        GPtrArray *frames)
{
  Frame *frame = g_ptr_array_steal_index (frames, frames->len - 1);

  if (frame->kind == FRAME_OP && frame->type_start != NULL)
    {
      const char *end = frame->type_end;
      gsize length;

      if (end == NULL)
        end = frame->previous.kind == TOKEN_STRING
                ? frame->previous.start + frame->previous.length + 1
                : frame->previous.start + frame->previous.length;
      /* Types are one line; a pretty region op's next line names its region. */
      length = MIN ((gsize) (end - frame->type_start),
                    strcspn (frame->type_start, "\n"));
      if (length > 0)
        {
          g_autofree char *type = g_strstrip (g_strndup (frame->type_start, MIN (length, 1024)));

          if (*type != '\0')
            g_array_index (frame->function->ops, MlirOp, frame->op).type =
              g_string_chunk_insert_const (file->strings, type);
        }
    }
  if (frame->kind == FRAME_FUNCTION && frame->n_regions > 0 && frame->own->name != NULL)
    g_ptr_array_add (file->functions, g_steal_pointer (&frame->own));
  frame_free (frame);
}

/* One token of the op of the top frame (results and name read). */
static gboolean
op_token (MlirFile  *file,
          GPtrArray *frames)
{
  Frame *frame = g_ptr_array_index (frames, frames->len - 1);
  const Token *token = peek (&file->lexer);
  MlirOp *op = frame->kind == FRAME_OP ? &g_array_index (frame->function->ops, MlirOp, frame->op)
                                       : NULL;
  guint sym_name_read = frame->sym_name_read;

  /* The generic form names a function or module by its `sym_name = "main"` property. */
  frame->sym_name_read = 0;
  if (frame->kind == FRAME_FUNCTION || frame->kind == FRAME_MODULE)
    {
      if (token_is (token, TOKEN_IDENT, "sym_name"))
        frame->sym_name_read = 1;
      else if (sym_name_read == 1 && token_is_punct (token, '='))
        frame->sym_name_read = 2;
      else if (sym_name_read == 2 && token->kind == TOKEN_STRING && frame->kind == FRAME_FUNCTION &&
               frame->own->name == NULL)
        frame->own->name = string_text (file, token);
      else if (sym_name_read == 2 && token->kind == TOKEN_STRING && frame->kind == FRAME_MODULE &&
               file->module_name == NULL)
        file->module_name = string_text (file, token);
    }

  if (frame->kind == FRAME_OP && frame->brackets->len == 0)
    {
      if (token_is_punct (token, ':'))
        {
          frame->type_start = token->start + 1;
          frame->type_end = NULL;
        }
      else if (frame->type_start != NULL && frame->type_end == NULL &&
               (token_is (token, TOKEN_IDENT, "loc") || token_is_punct (token, '{')))
        frame->type_end = token->start;
    }

  if (token_is (token, TOKEN_IDENT, "loc") && token_is_punct (peek_at (&file->lexer, 1), '('))
    {
      Token at = *token;
      guint location;

      if (!parse_loc (file, &location))
        return FALSE;
      if (frame->brackets->len == 0 && op != NULL)
        op->location = location;
      else if (frame->pending_arg >= 0)
        g_array_index (frame->pending_in->ops, MlirOp, frame->pending_arg).location = location;
      frame->pending_arg = -1;
      frame->previous = at;
      return TRUE;
    }

  if (token->kind == TOKEN_VALUE)
    {
      const Token *after = peek_at (&file->lexer, 1);

      /* %iv = ... and (%arg: type): arguments its regions see; anything else a use. */
      if (token->result_index < 0 &&
          (token_is_punct (after, '=') ||
           (token_is_punct (after, ':') && frame->brackets->len > 0 &&
            frame->brackets->data[frame->brackets->len - 1] == '(')))
        {
          MlirFunction *function = NULL;

          if (frame->kind == FRAME_FUNCTION)
            function = frame->function;
          else if (frame->kind == FRAME_OP)
            {
              if (frame->op_args == NULL)
                frame->op_args = function_new (NULL, FALSE);
              function = frame->op_args;
            }
          if (function != NULL)
            {
              frame->pending_arg = (gint) define_argument (file, function, token);
              frame->pending_in = function;
              frame->pending_depth = frame->brackets->len;
            }
        }
      else if (op != NULL)
        {
          ValueUse use = { token_text (file, token), token->result_index };

          capture_value (file, frame->function, &use);
          /* (capture_value() may have added to the array: @op is looked up again.) */
          add_use (file, &g_array_index (frame->function->ops, MlirOp, frame->op), &use);
        }
    }
  else if (token->kind == TOKEN_SYMBOL)
    {
      const char *symbol = token_text (file, token);

      if (frame->kind == FRAME_FUNCTION && frame->own->name == NULL)
        frame->own->name = symbol;
      else if (frame->kind == FRAME_MODULE && file->module_name == NULL && frame->brackets->len == 0)
        file->module_name = symbol;
      else if (op != NULL)
        {
          if (op->symbols == NULL)
            op->symbols = g_ptr_array_new ();
          g_ptr_array_add (op->symbols, (gpointer) symbol);
        }
    }
  else if (token_is_punct (token, '{'))
    {
      Token brace = next (&file->lexer);

      if (opens_region (file))
        {
          if (frame->kind == FRAME_FUNCTION && frame->n_regions > 0)
            return fail_at (&file->lexer, brace.line, brace.column, AGVIZ_IMPORT_ERROR_SYNTAX,
                            "a function has one body");
          /* Pretty forms label their regions (`cond {`, `do {`, `reducer(...) {`). */
          if (frame->kind == FRAME_OP)
            {
              const char *label = frame->previous.kind == TOKEN_IDENT &&
                                  frame->previous.start != frame->name_start &&
                                  frame->brackets->len == 0 &&
                                  !token_is (&frame->previous, TOKEN_IDENT, "loc")
                                    ? token_text (file, &frame->previous) : NULL;
              MlirOp *op_of_frame = &g_array_index (frame->function->ops, MlirOp, frame->op);

              frame->body = open_region (frame, region_role (file, op_of_frame->op_type, label,
                                                             frame->n_regions));
            }
          frame->n_regions++;
          frame->in_region = TRUE;
          frame->previous = brace;
          return TRUE;
        }
      push_bracket (frame, &brace);
      frame->previous = brace;
      return TRUE;
    }
  else if (is_bracket (token, "([<"))
    push_bracket (frame, token);
  else if (is_bracket (token, ")]}>"))
    {
      if (!pop_bracket (file, frame, token))
        return FALSE;
    }
  /* An argument's loc() comes before the ',' or ')' that ends it. */
  if (token->kind == TOKEN_PUNCT && (token->start[0] == ',' || token->start[0] == ')') &&
      frame->brackets->len <= frame->pending_depth)
    frame->pending_arg = -1;
  frame->previous = next (&file->lexer);
  return TRUE;
}

static gboolean
parse_file (MlirFile *file)
{
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func (frame_free);
  Frame *top;

  top = frame_new (FRAME_FILE, 1, 1);
  top->in_region = TRUE;
  g_ptr_array_add (frames, top);

  for (;;)
    {
      const Token *token;

      top = g_ptr_array_index (frames, frames->len - 1);
      token = peek (&file->lexer);
      if (file->lexer.error != NULL && *file->lexer.error != NULL)
        return FALSE;

      if (top->in_region)
        {
          /* Statements of a region (or of the file). */
          if (token->kind == TOKEN_EOF)
            {
              if (frames->len == 1)
                return TRUE;
              return fail_at (&file->lexer, token->line, token->column,
                              AGVIZ_IMPORT_ERROR_TRUNCATED,
                              "the file ends inside the region of the op at %u:%u",
                              top->line, top->column);
            }
          if (token_is_punct (token, '}'))
            {
              if (frames->len == 1)
                return fail_at (&file->lexer, token->line, token->column,
                                AGVIZ_IMPORT_ERROR_SYNTAX, "'}' closes nothing");
              top->in_region = FALSE;
              top->previous = next (&file->lexer);
              continue;
            }
          if ((token->kind == TOKEN_HASH || token->kind == TOKEN_BANG) &&
              token_is_punct (peek_at (&file->lexer, 1), '='))
            {
              if (!parse_alias (file))
                return FALSE;
              continue;
            }
          if (token->kind == TOKEN_CARET)
            {
              if (!parse_block_label (file, frames))
                return FALSE;
              continue;
            }
          if (!begin_op (file, frames))
            return FALSE;
          continue;
        }

      /* The rest of an op's text. */
      if (top->brackets->len == 0 &&
          (token->kind == TOKEN_EOF || token_is_punct (token, '}') ||
           (token->newline_before && !joins_next_line (&top->previous) &&
            starts_statement (file, token))))
        {
          end_op (file, frames);
          continue;
        }
      if (token->kind == TOKEN_EOF)
        {
          guint *at = &g_array_index (top->bracket_at, guint, (top->bracket_at->len - 1) * 2);

          return fail_at (&file->lexer, token->line, token->column, AGVIZ_IMPORT_ERROR_TRUNCATED,
                          "the file ends inside the op at %u:%u ('%c' opened at %u:%u is "
                          "never closed)", top->line, top->column,
                          top->brackets->data[top->brackets->len - 1], at[0], at[1]);
        }
      if (!op_token (file, frames))
        return FALSE;
    }
}

/* ---- recording --------------------------------------------------------------------------- */

typedef struct
{
  const char *name_stack;      /* NULL when none */
  gint64      stack_id;        /* 0 when no file location */
} ResolvedLocation;

typedef struct
{
  MlirFile           *file;
  AgvizImportContext *ctx;
  GHashTable         *resolved;        /* location index -> ResolvedLocation */
  guint               visits;          /* locations visited resolving the current one */
  GHashTable         *graph_names;     /* function symbols of this file */
  GHashTable         *graphs_taken;    /* graph names given to functions and regions */
  GArray             *frames;          /* gint64 frame ids, scratch */
  AgvizMlirDumpTrace *dump;            /* a jax_dump_ir_to module, or NULL */
  MlirFunction       *main;            /* with @dump: the function its trace is made from */
} Recording;

/* What graph @symbol of this file is called in the trace file: dumps of one jitted function
 * all hold a @main, so theirs say which dump after the symbol, which is what a reader needs
 * first where a call's callee is drawn ("closed_call (jax_ir0004_jit_step_compile)"). */
static char *
graph_name_of (Recording  *rec,
               const char *symbol)
{
  if (rec->dump == NULL)
    return g_strdup (symbol);
  return g_strdup_printf ("%s (%s)", symbol, rec->dump->graph_prefix);
}

/* The name and frames (outermost first, appended to @frames) of location @index.  The first
 * name met is the op's (its name stack); a name around a file location below it is the Python
 * function of that frame (`"step"("prog.py":26:8)`), which @function carries down. */
static gboolean
resolve_location (Recording   *rec,
                  guint        index,
                  guint        depth,
                  const char  *function,
                  const char **name,
                  GArray      *frames,
                  GError     **error)
{
  Location *location;

  /* Aliases make a location a graph that may share parts: callsite(#a at #a) of
   * callsite(#b at #b) ... doubles at each step, so the walk stops after so many visits
   * (a real stack of MAX_LOCATION_DEPTH frames takes three times as many). */
  if (index == 0 || depth > MAX_LOCATION_DEPTH || ++rec->visits > MAX_LOCATION_VISITS)
    return TRUE;
  location = LOCATION (rec->file, index);
  switch (location->kind)
    {
    case LOC_UNKNOWN:
      return TRUE;
    case LOC_ALIAS:
      {
        gpointer target;

        if (!g_hash_table_lookup_extended (rec->file->aliases, location->text, NULL, &target))
          {
            g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_SYNTAX,
                         "%s:%u:%u: location alias #%s is never defined", rec->file->lexer.path,
                         location->source_line, location->source_column, location->text);
            return FALSE;
          }
        return resolve_location (rec, GPOINTER_TO_UINT (target), depth + 1, function, name,
                                 frames, error);
      }
    case LOC_FILE:
      {
        gint64 file_id, frame_id;

        file_id = agviz_recorder_add_file (rec->ctx->recorder, NULL, location->text, error);
        if (file_id == 0)
          return FALSE;
        frame_id = agviz_recorder_add_frame (rec->ctx->recorder, file_id, location->line,
                                             location->column, function, error);
        if (frame_id == 0)
          return FALSE;
        g_array_append_val (frames, frame_id);
        return TRUE;
      }
    case LOC_NAME:
      if (*name == NULL)
        {
          *name = location->text;
          return resolve_location (rec, location->child, depth + 1, NULL, name, frames, error);
        }
      return resolve_location (rec, location->child, depth + 1, location->text, name, frames,
                               error);
    case LOC_CALLSITE:
      {
        g_autoptr(GArray) callee = g_array_new (FALSE, FALSE, sizeof (gint64));

        /* The callee names the op; the caller's frames are outside the callee's. */
        if (!resolve_location (rec, location->child, depth + 1, NULL, name, callee, error) ||
            !resolve_location (rec, location->caller, depth + 1, NULL, name, frames, error))
          return FALSE;
        g_array_append_vals (frames, callee->data, callee->len);
        return TRUE;
      }
    case LOC_FUSED:
      /* The first name, and the frames of the first location that has any. */
      for (guint element = location->child; element != 0;
           element = LOCATION (rec->file, element)->sibling)
        {
          g_autoptr(GArray) element_frames = g_array_new (FALSE, FALSE, sizeof (gint64));

          if (!resolve_location (rec, element, depth + 1, NULL, name, element_frames, error))
            return FALSE;
          if (frames->len == 0)
            g_array_append_vals (frames, element_frames->data, element_frames->len);
          location = LOCATION (rec->file, index);   /* the array may have moved */
        }
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

/* A name stack as a node name: `transpose[permutation=(1, 0)]` loses its parameters (brackets
 * holding '='; `operands[1]` keeps its index), and empty scopes their slashes.  NULL when
 * nothing is left. */
static char *
name_from_name_stack (const char *stack)
{
  g_autoptr(GString) name = g_string_new (NULL);
  gsize length = strlen (stack);
  g_autofree gsize *closes = g_new (gsize, length + 1);   /* where each '[' closes, or 0 */
  g_autofree gsize *equals = g_new (gsize, length + 1);   /* '=' before each position */
  g_autoptr(GArray) open = g_array_new (FALSE, FALSE, sizeof (gsize));

  /* Matched in one pass: a name stack is as long as the file allows. */
  equals[0] = 0;
  for (gsize i = 0; i < length; i++)
    {
      closes[i] = 0;
      equals[i + 1] = equals[i] + (stack[i] == '=' ? 1 : 0);
      if (stack[i] == '[')
        g_array_append_val (open, i);
      else if (stack[i] == ']' && open->len > 0)
        {
          closes[g_array_index (open, gsize, open->len - 1)] = i;
          g_array_set_size (open, open->len - 1);
        }
    }

  for (gsize i = 0; i < length; i++)
    {
      const char *p = stack + i;

      if (*p == '[' && closes[i] != 0 && equals[closes[i]] > equals[i])
        i = closes[i];
      else if (*p == '/' && (name->len == 0 || name->str[name->len - 1] == '/'))
        continue;
      else
        g_string_append_c (name, *p);
    }
  while (name->len > 0 && name->str[name->len - 1] == '/')
    g_string_truncate (name, name->len - 1);
  if (name->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&name), FALSE);
}

/* @wanted, or wanted_N for the first N that no node of @function has: each name remembers the
 * N it got to, so a thousand `add` ops cost a thousand tries, not half a million. */
static char *
unique_name (MlirFunction *function,
             const char   *wanted)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (function->names_taken, wanted));
  char *name;

  if (n == 0)
    {
      g_hash_table_insert (function->names_taken, g_strdup (wanted), GUINT_TO_POINTER (1));
      return g_strdup (wanted);
    }
  for (;; n++)
    {
      name = g_strdup_printf ("%s_%u", wanted, n);
      if (!g_hash_table_contains (function->names_taken, name))
        break;
      g_free (name);
    }
  g_hash_table_insert (function->names_taken, g_strdup (wanted), GUINT_TO_POINTER (n + 1));
  g_hash_table_insert (function->names_taken, g_strdup (name), GUINT_TO_POINTER (1));
  return name;
}

/* Location @index, resolved once: ops share locations (#loc6 on a dozen ops). */
static ResolvedLocation *
resolve_once (Recording  *rec,
              guint       index,
              GError    **error)
{
  ResolvedLocation *resolved = g_hash_table_lookup (rec->resolved, GUINT_TO_POINTER (index));

  if (resolved != NULL)
    return resolved;
  resolved = g_new0 (ResolvedLocation, 1);
  g_array_set_size (rec->frames, 0);
  rec->visits = 0;
  if (!resolve_location (rec, index, 0, NULL, &resolved->name_stack, rec->frames, error))
    {
      g_free (resolved);
      return NULL;
    }
  if (rec->frames->len > 0)
    {
      resolved->stack_id = agviz_recorder_add_stack (rec->ctx->recorder,
                                                     (const gint64 *) rec->frames->data,
                                                     rec->frames->len, error);
      if (resolved->stack_id == 0)
        {
          g_free (resolved);
          return NULL;
        }
    }
  g_hash_table_insert (rec->resolved, GUINT_TO_POINTER (index), resolved);
  return resolved;
}

static const char *
last_segment (const char *name)
{
  const char *slash = strrchr (name, '/');

  return slash != NULL ? slash + 1 : name;
}

/* A name inside region @region without what every op of it repeats: the region op's own name
 * stack and the region's role (`jit(f)/while/body/step/mul` in the body of `jit(f)/while` is
 * `step/mul`), as a function's nodes are named in the function.  NULL when nothing is left. */
static char *
name_in_region (MlirFunction *region,
                const char   *region_op_name,
                char         *wanted)
{
  gsize length = strlen (region_op_name);
  gsize role_length = strlen (region->role);
  const char *rest = wanted;

  if (strncmp (wanted, region_op_name, length) == 0 && wanted[length] == '\0')
    {
      g_free (wanted);
      return NULL;
    }
  if (strncmp (wanted, region_op_name, length) != 0 || wanted[length] != '/')
    return wanted;
  rest = wanted + length + 1;
  if (strncmp (rest, region->role, role_length) == 0 && rest[role_length] == '/')
    rest += role_length + 1;
  rest = g_strdup (rest);
  g_free (wanted);
  return (char *) rest;
}

/* Whether name stack @name ends in a jitted function (`jit(f)`, `jit(f)/jit(main)`) rather than
 * an op: JAX gives that to the constants and the return it adds, which are better named by
 * their op type inside the function's scope than as the scope itself (a call of the function
 * keeps it). */
static gboolean
names_only_a_function (const char *name)
{
  const char *last = last_segment (name);

  return (g_str_has_prefix (last, "jit(") || g_str_has_prefix (last, "pjit(")) &&
         g_str_has_suffix (last, ")");
}

/* Names @op of @function; in a region, @region_op_name is its region op's name stack (NULL
 * when it has none). */
static gboolean
name_op (Recording    *rec,
         MlirFunction *function,
         const char   *region_op_name,
         MlirOp       *op,
         gint64       *stack_id,
         GError      **error)
{
  g_autofree char *wanted = NULL;
  ResolvedLocation *resolved = resolve_once (rec, op->location, error);

  if (resolved == NULL)
    return FALSE;
  *stack_id = resolved->stack_id;

  if (resolved->name_stack != NULL)
    wanted = name_from_name_stack (resolved->name_stack);
  if (wanted != NULL && region_op_name != NULL)
    wanted = name_in_region (function, region_op_name, g_steal_pointer (&wanted));
  if (wanted == NULL && op->captured.name != NULL)
    {
      /* A captured value: named after the node that makes it, and its output. */
      const ValueDef *def = g_hash_table_lookup (function->enclosing->values, op->captured.name);

      if (def != NULL)
        {
          const char *source = last_segment (g_array_index (function->enclosing->ops, MlirOp,
                                                            def->op).name);

          wanted = def->count > 1 && op->captured.result_index >= 0
                     ? g_strdup_printf ("%s:%d", source, op->captured.result_index)
                     : g_strdup (source);
        }
    }
  if (wanted == NULL || (op->symbols == NULL && names_only_a_function (wanted)))
    {
      /* Named by its op type (`stablehlo.add` -> add), in the scope its name stack gives. */
      const char *base = op->base_name;
      const char *dot;
      g_autofree char *scoped = NULL;

      if (base == NULL)
        {
          dot = strrchr (op->op_type, '.');
          base = dot != NULL && dot[1] != '\0' ? dot + 1 : op->op_type;
        }
      scoped = wanted != NULL ? g_strdup_printf ("%s/%s", wanted, base) : g_strdup (base);
      g_free (wanted);
      wanted = name_from_name_stack (scoped);
      if (wanted == NULL)
        wanted = g_strdup ("op");
    }
  /* A name stack as long as the file allows is cut, or memory would grow with its length
   * times the number of ops. */
  if (strlen (wanted) > MAX_NODE_NAME)
    {
      const char *end = wanted + MAX_NODE_NAME;

      while (end > wanted && (((guchar) *end) & 0xC0) == 0x80)
        end--;
      wanted[end - wanted] = '\0';
      g_strchomp (wanted);
      while (*wanted != '\0' && wanted[strlen (wanted) - 1] == '/')
        wanted[strlen (wanted) - 1] = '\0';
      if (*wanted == '\0')
        {
          g_free (wanted);
          wanted = g_strdup ("op");
        }
    }
  op->name = unique_name (function, wanted);
  return TRUE;
}

/* @wanted, or wanted_N for the first N that no graph of the file has. */
static char *
unique_graph_name (Recording  *rec,
                   const char *wanted)
{
  char *name = g_strdup (wanted);

  for (guint n = 1; g_hash_table_contains (rec->graphs_taken, name); n++)
    {
      g_free (name);
      name = g_strdup_printf ("%s_%u", wanted, n);
    }
  g_hash_table_add (rec->graphs_taken, g_strdup (name));
  return name;
}

/* Each region of @function's ops is a function FUNCTION/OP/ROLE (`step/while/body`), after
 * @function's function and the last segment of the op's name, whose graph has that name too;
 * in a dump, the dump's prefix follows it, as the rest of a graph name that all dumps of the
 * function share ("step/while/body (jax_ir0004_jit_step_compile)"), so that the function is
 * what a reader sees first. */
static void
name_regions (Recording    *rec,
              MlirFunction *function)
{
  for (guint i = 0; function->regions != NULL && i < function->regions->len; i++)
    {
      MlirFunction *region = g_ptr_array_index (function->regions, i);
      const MlirOp *op = &g_array_index (function->ops, MlirOp, region->region_op);
      g_autofree char *wanted = NULL;

      region->function_name = g_strdup_printf ("%s/%s/%s", function->function_name,
                                               last_segment (op->name), region->role);
      wanted = rec->dump != NULL ? g_strdup_printf ("%s (%s)", region->function_name,
                                                    rec->dump->graph_prefix)
                                 : g_strdup (region->function_name);
      region->graph_name = unique_graph_name (rec, wanted);
    }
}

/* Records @function as one trace, with calls from its region ops to the graphs of their
 * regions (recorded after it).  A region is a function of its own, named by its graph. */
static gboolean
record_function (Recording    *rec,
                 MlirFunction *function,
                 GError      **error)
{
  AgvizRecorder *recorder = rec->ctx->recorder;
  gboolean is_main = rec->dump != NULL && function == rec->main;
  const char *graph_name = function->graph_name;
  g_autofree char *region_op_name = NULL;
  gint64 function_id, trace_id;

  function_id = is_main ? rec->dump->function_id
                        : agviz_recorder_add_function (recorder, function->function_name, 0, 0,
                                                       error);
  if (function_id == 0)
    return FALSE;
  if (function->enclosing != NULL)
    {
      const MlirOp *op = &g_array_index (function->enclosing->ops, MlirOp, function->region_op);
      const ResolvedLocation *resolved = resolve_once (rec, op->location, error);

      if (resolved == NULL)
        return FALSE;
      if (resolved->name_stack != NULL)
        region_op_name = name_from_name_stack (resolved->name_stack);
    }
  trace_id = agviz_recorder_begin_trace (recorder, function_id, graph_name,
                                         is_main ? rec->dump->signature : NULL,
                                         is_main ? rec->dump->reason : NULL, error);
  if (trace_id == 0)
    return FALSE;
  if (is_main)
    {
      rec->dump->trace_id = trace_id;
      if (rec->dump->started_ns != 0 &&
          !agviz_recorder_set_trace_start (recorder, trace_id, rec->dump->started_ns, error))
        return FALSE;
    }

  for (guint i = 0; i < function->ops->len; i++)
    {
      MlirOp *op = &g_array_index (function->ops, MlirOp, i);
      GVariant *attrs = NULL;
      gint64 stack_id;

      if (!name_op (rec, function, region_op_name, op, &stack_id, error))
        return FALSE;
      if (op->type != NULL)
        {
          GVariantBuilder builder;

          g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
          g_variant_builder_add (&builder, "{sv}", "type", g_variant_new_string (op->type));
          attrs = g_variant_builder_end (&builder);
        }
      op->node_id = agviz_recorder_add_node (recorder, trace_id, op->name, op->op_type, NULL,
                                             attrs, stack_id, error);
      if (op->node_id == 0)
        return FALSE;
      rec->ctx->stats.nodes++;
      if (stack_id != 0)
        rec->ctx->stats.nodes_with_stacks++;
    }
  name_regions (rec, function);

  for (guint i = 0; i < function->ops->len; i++)
    {
      MlirOp *op = &g_array_index (function->ops, MlirOp, i);

      for (guint u = 0; op->uses != NULL && u < op->uses->len; u++)
        {
          const ValueUse *use = &g_array_index (op->uses, ValueUse, u);
          const ValueDef *def = g_hash_table_lookup (function->values, use->name);
          guint index = use->result_index >= 0 ? (guint) use->result_index : 0;

          /* Values defined by syntax no dialect-neutral reader knows: no edge. */
          if (def == NULL || index >= def->count)
            {
              rec->file->unresolved_uses++;
              continue;
            }
          if (!agviz_recorder_add_edge (recorder, trace_id,
                                        g_array_index (function->ops, MlirOp, def->op).node_id,
                                        (int) (def->output + index), op->node_id, (int) u,
                                        error))
            return FALSE;
          rec->ctx->stats.edges++;
        }
      for (guint s = 0; op->symbols != NULL && s < op->symbols->len; s++)
        {
          const char *symbol = g_ptr_array_index (op->symbols, s);
          g_autofree char *callee = NULL;

          if (!g_hash_table_contains (rec->graph_names, symbol))
            continue;
          callee = graph_name_of (rec, symbol);
          if (!agviz_recorder_add_call (recorder, trace_id, op->node_id, "callee", callee,
                                        error))
            return FALSE;
          rec->ctx->stats.calls++;
        }
    }
  for (guint i = 0; function->regions != NULL && i < function->regions->len; i++)
    {
      const MlirFunction *region = g_ptr_array_index (function->regions, i);

      if (!agviz_recorder_add_call (recorder, trace_id,
                                    g_array_index (function->ops, MlirOp,
                                                   region->region_op).node_id,
                                    region->role, region->graph_name, error))
        return FALSE;
      rec->ctx->stats.calls++;
    }

  if (!agviz_recorder_end_trace (recorder, trace_id, AGVIZ_TRACE_STATUS_COMPLETE,
                                 is_main ? rec->dump->wall_ns : 0, error))
    return FALSE;
  rec->ctx->stats.traces++;
  /* A dump's functions are counted by its importer, once per jitted function. */
  if (function->is_function && rec->dump == NULL)
    rec->ctx->stats.functions++;
  return TRUE;
}

/* @function, then the regions of its ops, theirs, and so on, each after its enclosing graph
 * (which names it): breadth first, however deep they nest. */
static gboolean
record_functions (Recording    *rec,
                  MlirFunction *function,
                  GError      **error)
{
  g_autoptr(GPtrArray) pending = g_ptr_array_new ();

  g_ptr_array_add (pending, function);
  for (guint i = 0; i < pending->len; i++)
    {
      MlirFunction *next_function = g_ptr_array_index (pending, i);

      if (!record_function (rec, next_function, error))
        return FALSE;
      if (next_function->regions != NULL)
        g_ptr_array_extend (pending, next_function->regions, NULL, NULL);
    }
  return TRUE;
}

static gboolean
import_mlir_text (AgvizImportContext  *ctx,
                  const char          *path,
                  AgvizMlirDumpTrace  *dump,
                  GError             **error)
{
  g_autofree char *text = NULL;
  g_autofree char *label = _agviz_import_label_for_path (path);
  gsize length;
  MlirFile file = { 0 };
  Recording rec = { 0 };
  Location none = { LOC_UNKNOWN };
  gboolean ok;

  text = _agviz_import_read_file (path, AGVIZ_IMPORT_MAX_MESSAGE_FILE, &length, error);
  if (text == NULL)
    return FALSE;
  ctx->stats.bytes += length;

  file.lexer.path = path;
  file.lexer.text = text;
  file.lexer.end = text + length;
  file.lexer.p = text;
  file.lexer.line_start = text;
  file.lexer.line = 1;
  file.lexer.error = error;
  file.strings = g_string_chunk_new (4096);
  file.locations = g_array_new (FALSE, FALSE, sizeof (Location));
  g_array_append_val (file.locations, none);
  file.aliases = g_hash_table_new (g_str_hash, g_str_equal);
  file.functions = g_ptr_array_new_with_free_func (function_free);
  file.label = g_string_chunk_insert_const (file.strings, label);

  ok = parse_file (&file);
  if (ok && file.functions->len == 0)
    {
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING,
                   "%s: the MLIR text holds no function with a body and no op", path);
      ok = FALSE;
    }

  if (ok)
    {
      rec.file = &file;
      rec.ctx = ctx;
      rec.resolved = g_hash_table_new_full (NULL, NULL, NULL, g_free);
      rec.graph_names = g_hash_table_new (g_str_hash, g_str_equal);
      rec.graphs_taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      rec.frames = g_array_new (FALSE, FALSE, sizeof (gint64));
      rec.dump = dump;
      for (guint i = 0; i < file.functions->len; i++)
        {
          MlirFunction *function = g_ptr_array_index (file.functions, i);

          if (function->is_function)
            g_hash_table_add (rec.graph_names, (gpointer) function->name);
          /* JAX's entry point is @main; the first function where there is none. */
          if (function->is_function && (rec.main == NULL || g_str_equal (function->name, "main")))
            rec.main = function;
          function->graph_name = graph_name_of (&rec, function->name);
          g_hash_table_add (rec.graphs_taken, g_strdup (function->graph_name));
        }
      for (guint i = 0; i < file.functions->len; i++)
        {
          MlirFunction *function = g_ptr_array_index (file.functions, i);

          function->function_name = g_strdup (dump != NULL && function == rec.main &&
                                              dump->function_name != NULL
                                                ? dump->function_name : function->name);
        }
      if (dump != NULL && rec.main == NULL)
        {
          g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING,
                       "%s: the JAX dump holds no function with a body", path);
          ok = FALSE;
        }
      for (guint i = 0; ok && i < file.functions->len; i++)
        ok = record_functions (&rec, g_ptr_array_index (file.functions, i), error);
      g_hash_table_unref (rec.resolved);
      g_hash_table_unref (rec.graph_names);
      g_hash_table_unref (rec.graphs_taken);
      g_array_unref (rec.frames);
    }
  if (ok && file.unresolved_uses > 0)
    _agviz_import_warn (ctx, "%s: %u operands name values their function does not define "
                        "(no edges drawn for them)", path, file.unresolved_uses);

  g_ptr_array_unref (file.functions);
  g_hash_table_unref (file.aliases);
  g_array_unref (file.locations);
  g_string_chunk_free (file.strings);
  return ok;
}

/* ---- recognising it ---------------------------------------------------------------------- */

/* MLIR text starts (after comments) with a module, a function, an alias definition or an
 * op in generic form; a `.mlir` file that is text is read as MLIR whatever it starts with, so
 * its syntax error says where it goes wrong. */
AgvizSourceFormat
_agviz_mlir_recognise_file (const char *path,
                            const char *head,
                            gsize       length)
{
  const char *p = head, *end = head + length;
  static const char *const openings[] = {
    "module ", "module@", "module{", "module\n", "builtin.module", "func.func ",
    "func @", "func private ", "func public ", "\"func.func\"", "\"builtin.module\"",
  };

  if (memchr (head, '\0', length) != NULL)
    return AGVIZ_SOURCE_FORMAT_UNKNOWN;
  if (g_str_has_suffix (path, ".mlir"))
    return AGVIZ_SOURCE_FORMAT_MLIR_TEXT;
  for (;;)
    {
      while (p < end && g_ascii_isspace (*p))
        p++;
      if (end - p >= 2 && p[0] == '/' && p[1] == '/')
        {
          while (p < end && *p != '\n')
            p++;
          continue;
        }
      break;
    }
  for (guint i = 0; i < G_N_ELEMENTS (openings); i++)
    if ((gsize) (end - p) >= strlen (openings[i]) &&
        strncmp (p, openings[i], strlen (openings[i])) == 0)
      return AGVIZ_SOURCE_FORMAT_MLIR_TEXT;
  /* #loc1 = loc(...), #map = affine_map<...>: an alias before the module. */
  if (p < end && *p == '#')
    {
      const char *q = p + 1;

      while (q < end && (g_ascii_isalnum (*q) || *q == '_' || *q == '.' || *q == '$'))
        q++;
      while (q < end && *q == ' ')
        q++;
      if (q > p + 1 && q < end && *q == '=')
        return AGVIZ_SOURCE_FORMAT_MLIR_TEXT;
    }
  return AGVIZ_SOURCE_FORMAT_UNKNOWN;
}

gboolean
_agviz_mlir_import_file (AgvizImportContext  *ctx,
                         const char          *path,
                         GError             **error)
{
  return import_mlir_text (ctx, path, NULL, error);
}

gboolean
_agviz_mlir_import_dump (AgvizImportContext  *ctx,
                         const char          *path,
                         AgvizMlirDumpTrace  *dump,
                         GError             **error)
{
  g_assert (dump != NULL && dump->function_id != 0 && dump->graph_prefix != NULL);
  dump->trace_id = 0;
  return import_mlir_text (ctx, path, dump, error);
}
