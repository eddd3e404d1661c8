/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-error-text.c: a line-by-line reader for the error texts users paste
 *
 * TensorFlow's formats have changed between releases (quoted or bare node names, two layouts of
 * AutoGraph frames, two wordings of the variable error, three of node errors), and users paste
 * them through loggers, notebooks and terminals, so the text is first made into logical lines
 * (log prefixes removed, wrapped lines joined), and every pattern accepts each layout seen in
 * TF 2.x and TF1.  A line that is not structure (a frame, a node, a section header) is kept in
 * a message, so explain can show all of it.
 */
#define G_LOG_DOMAIN "agviz-error-text"

#include "config.h"

#include <string.h>

#include "agviz-error-text.h"
#include "agviz-source-map.h"

/* Longer inputs are logs, not one error: only their start is read, to keep time linear and small. */
#define MAX_PARSED_BYTES (4 * 1024 * 1024)
/* Terminals that wrap the texts users paste are this wide or wider; a wider "width" is a
 * coincidence of two long lines. */
#define MIN_WRAP_WIDTH 60
#define MAX_WRAP_WIDTH 240

static void
error_frame_free (AgvizErrorFrame *frame)
{
  g_free (frame->file);
  g_free (frame->function);
  g_free (frame->code);
  g_free (frame->node);
  g_free (frame->context);
  g_free (frame);
}

static void
error_node_free (AgvizErrorNode *node)
{
  g_free (node->name);
  g_free (node->defined_file);
  g_free (node->input_of);
  g_free (node->op_type);
  g_free (node->definition);
  g_free (node);
}

static void
error_message_free (AgvizErrorMessage *message)
{
  g_free (message->type);
  g_free (message->text);
  g_free (message);
}

void
agviz_error_text_free (AgvizErrorText *self)
{
  if (self == NULL)
    return;
  g_free (self->exception_type);
  g_free (self->message);
  g_free (self->detail);
  g_free (self->graph_name);
  g_free (self->function);
  g_free (self->cause);
  g_free (self->warning_type);
  g_clear_pointer (&self->frames, g_ptr_array_unref);
  g_clear_pointer (&self->nodes, g_ptr_array_unref);
  g_clear_pointer (&self->messages, g_ptr_array_unref);
  g_clear_pointer (&self->call_stack, g_ptr_array_unref);
  g_free (self);
}

const char *
agviz_error_text_kind_to_string (AgvizErrorTextKind kind)
{
  static const char *const names[] = {
    "unknown", "python-exception", "graph-runtime", "autograph-user-code",
    "variable-non-first-call", "retracing-warning", "autograph-transform", "python-warning",
    "recompile-log",
  };

  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (names), NULL);
  return names[kind];
}

const char *
agviz_error_frame_section_to_string (AgvizErrorFrameSection section)
{
  static const char *const names[] = { "traceback", "user-code", "node-definition", "warning" };

  g_return_val_if_fail ((guint) section < G_N_ELEMENTS (names), NULL);
  return names[section];
}

const char *
agviz_error_text_get_short_type (const AgvizErrorText *self)
{
  const char *dot;

  g_return_val_if_fail (self != NULL, NULL);
  if (self->exception_type == NULL)
    return NULL;
  dot = strrchr (self->exception_type, '.');
  return dot != NULL ? dot + 1 : self->exception_type;
}

AgvizErrorFrame *
agviz_error_text_get_defining_frame (const AgvizErrorText *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (self->defining_frame < 0 || (guint) self->defining_frame >= self->frames->len)
    return NULL;
  return g_ptr_array_index (self->frames, self->defining_frame);
}

gboolean
agviz_error_text_is_variable_message (const char *message)
{
  return message != NULL &&
         (strstr (message, "only supports singleton tf.Variables created on the first call") != NULL ||
          strstr (message, "tried to create variables on non-first call") != NULL);
}

typedef struct
{
  GRegex *log_prefix;       /* WARNING:tensorflow:, glog, (pid=1), timestamps */
  GRegex *frame;            /*   File "x.py", line 3, in f  [*] */
  GRegex *old_frame;        /*   /x.py:3 f  [*] (AutoGraph before TF 2.5) */
  GRegex *ipython_frame;    /* <ipython-input-3-ab> in <module>()  (IPython's layout) */
  GRegex *ipython_arrow;    /* ----> 9     train_step(x) */
  GRegex *ipython_context;  /*       8     for x in data: */
  GRegex *python_warning;   /* /x.py:12: TracerWarning: message */
  GRegex *exception;        /* Type: message, <class 'Type'>: message, Type (see above ...): */
  GRegex *root_error;       /*   (0) Resource exhausted: OOM when ... */
  GRegex *root_count;       /* 2 root error(s) found. */
  GRegex *detected;         /* Detected at node 'x' defined at (most recent call last): */
  GRegex *node_line;        /* Node: 'x' */
  GRegex *node_tag;         /* {{node x}} */
  GRegex *function_tag;     /* {{function_node __inference_f_1}} */
  GRegex *bracket_node;     /* [[node x (defined at f.py:3) ]] */
  GRegex *nodedef_node;     /* [[Node: x = Op[attrs](inputs)]] (TF1) */
  GRegex *plain_node;       /* [[x]] */
  GRegex *input_source;     /* Input Source operations connected to node x: */
  GRegex *input_entry;      /*  y (defined at f.py:3) */
  GRegex *op_suffix;        /* [Op:__inference_f_1] */
  GRegex *retracing;
  GRegex *transform;
} Patterns;

/* Compiled without G_REGEX_OPTIMIZE: PCRE2's JIT reads past string ends with SIMD loads,
 * which valgrind reports on every match, and error texts are too short to need it. */
static Patterns *
patterns_get (void)
{
  static Patterns patterns;
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
#define LEVELS "(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)"
      /* Each pattern with the field it is compiled into. */
      static const struct
      {
        gsize       offset;
        const char *source;
      } sources[] = {
        { G_STRUCT_OFFSET (Patterns, log_prefix),
          "^(?:\\((?:\\w+ )?pid=\\d+(?:, ip=[0-9.]+)?\\) ?"
          "|" LEVELS ":(?:\\d{4}-\\d\\d-\\d\\d [0-9:,.]+:)?[A-Za-z_][\\w.]*:(?:\\d+:)? ?"
          "|" LEVELS ": "
          "|[IWEFDV]\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d+ +\\d+ \\S+:\\d+\\](?: \\[[\\d/]+\\])?(?: \\[__\\w+\\])?(?: |$)"
          "|[IWEF] \\S+:\\d+\\] "
          "|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+: [IWEF] \\S+:\\d+\\] "
          "|\\[\\d{4}-\\d\\d-\\d\\d [0-9:,.]+\\] [\\w.]+: \\[" LEVELS "\\] "
          "|\\d{4}-\\d\\d-\\d\\d[ T]\\d\\d:\\d\\d:\\d\\d(?:[,.]\\d+)?(?: - [^ ]+)* - )" },
        { G_STRUCT_OFFSET (Patterns, frame),
          "^(\\s*)File \"([^\"]*)\", line (\\d+)(?:, in (.*?))?(?:\\s+(\\*\\*?))?\\s*$" },
        { G_STRUCT_OFFSET (Patterns, old_frame),
          "^(\\s+)(\\S+\\.py|<[^>]+>):(\\d+) (\\S+)(?:\\s+(\\*\\*?))?\\s*$" },
        { G_STRUCT_OFFSET (Patterns, ipython_frame),
          "^(\\S(?:.*?\\.py|[^>]*>)) in ([\\w<>.]+)\\(.*$" },
        { G_STRUCT_OFFSET (Patterns, ipython_arrow),
          "^-+> ?(\\d+)(?: (.*))?$" },
        { G_STRUCT_OFFSET (Patterns, ipython_context),
          "^\\s+\\d+(?: .*)?$" },
        { G_STRUCT_OFFSET (Patterns, python_warning),
          "(?:^|\\s)((?:[A-Za-z]:)?[^\\s:]*\\.py|<[^>\\s]+>):(\\d+): ([A-Z]\\w*Warning): (.*)$" },
        { G_STRUCT_OFFSET (Patterns, exception),
          "^(?:<class '([A-Za-z_][\\w.]*)'>|([A-Za-z_]\\w*(?:\\.[A-Za-z_]\\w*)*))(?: \\(see above for traceback\\))?:(?: (.*)|)$" },
        { G_STRUCT_OFFSET (Patterns, root_error),
          "^\\s*\\((\\d+)\\) [A-Z][\\w ]*: " },
        { G_STRUCT_OFFSET (Patterns, root_count),
          "(\\d+) root error\\(s\\) found" },
        { G_STRUCT_OFFSET (Patterns, detected),
          "Detected at node '?([^'\\s]+)'? defined at \\(most recent call last\\):" },
        { G_STRUCT_OFFSET (Patterns, node_line),
          "^\\s*Node: '([^']+)'\\s*$" },
        { G_STRUCT_OFFSET (Patterns, node_tag),
          "\\{\\{node ([^}\\s]+)\\s*\\}\\}" },
        { G_STRUCT_OFFSET (Patterns, function_tag),
          "\\{\\{function_node ([^}\\s]+)\\s*\\}\\}" },
        { G_STRUCT_OFFSET (Patterns, bracket_node),
          "\\[\\[node ([^\\s\\]{}]+)(?: \\(defined at (.+?):(\\d+)\\))?\\s*\\]\\]" },
        { G_STRUCT_OFFSET (Patterns, nodedef_node),
          "\\[\\[Node: ([^\\s=\\]]+) = (([A-Za-z0-9_]+).*?)\\]\\](?=\\s*$|\\s*\\[\\[|\\s*\\[Op:)" },
        { G_STRUCT_OFFSET (Patterns, plain_node),
          "^\\s*\\[\\[([A-Za-z0-9_.][^\\s\\[\\]{}:]*)\\]\\]" },
        { G_STRUCT_OFFSET (Patterns, input_source),
          "^\\s*Input Source operations connected to node (\\S+?):\\s*$" },
        { G_STRUCT_OFFSET (Patterns, input_entry),
          "^\\s*(\\S+) \\(defined at (.+):(\\d+)\\)\\s*$" },
        { G_STRUCT_OFFSET (Patterns, op_suffix),
          "\\[Op:([A-Za-z0-9_.]+)" },
        { G_STRUCT_OFFSET (Patterns, retracing),
          "(\\d+) out of the last (\\d+) calls to <(?:function|bound method|method) ((?:[^\\s<>]|<[^<>\\s]*>)+)(?:[^<>]|<[^<>]*>)*> triggered tf\\.function retracing" },
        { G_STRUCT_OFFSET (Patterns, transform),
          "(?:AutoGraph could not transform|Entity) <(?:function|bound method|method|class) ((?:[^\\s<>]|<[^<>\\s]*>)+)(?:[^<>]|<[^<>]*>)*> (?:and will run it as-is|could not be transformed)" },
      };
#undef LEVELS

      for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
        G_STRUCT_MEMBER (GRegex *, &patterns, sources[i].offset) =
          g_regex_new (sources[i].source, 0, 0, NULL);
      g_once_init_leave (&initialized, 1);
    }
  return &patterns;
}

/* g_regex_match() into *@match, freeing what an earlier match left there. */
static gboolean
match_line (GRegex      *regex,
            const char  *line,
            GMatchInfo **match)
{
  g_clear_pointer (match, g_match_info_free);
  return g_regex_match (regex, line, 0, match);
}

static char *
match_group (GMatchInfo *match,
             int         group)
{
  char *text = g_match_info_fetch (match, group);

  if (text != NULL && *text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

static int
parse_line_number (const char *digits)
{
  gint64 value = g_ascii_strtoll (digits, NULL, 10);
  return value > 0 && value < G_MAXINT ? (int) value : 0;
}

gsize
agviz_error_text_log_prefix_length (const char *line)
{
  Patterns *patterns = patterns_get ();
  gsize total = 0;

  g_return_val_if_fail (line != NULL, 0);

  /* Prefixes stack: "(pid=12) WARNING:tensorflow:..." */
  for (int round = 0; round < 3; round++)
    {
      g_autoptr(GMatchInfo) match = NULL;
      int start = 0, end = 0;

      if (!g_regex_match (patterns->log_prefix, line + total, 0, &match) ||
          !g_match_info_fetch_pos (match, 0, &start, &end) || end <= 0)
        break;
      total += end;
    }
  return total;
}

static gsize
indentation (const char *line)
{
  gsize n = 0;

  while (line[n] == ' ' || line[n] == '\t')
    n++;
  return n;
}

/* Python 3.11 underlines the failing expression with ^ and ~; IPython and notebooks draw rules
 * of dashes: nothing to keep. */
static gboolean
is_rule_line (const char *line)
{
  const char *p = line + indentation (line);
  gsize length = strlen (p);

  return length > 0 && strspn (p, "^~- ") == length && (length >= 3 || strchr (p, '^') != NULL);
}

/* Exception classes as tracebacks print them, and nothing that merely has a colon in it
 * ("Hint: ...", "train_loss: 0.5"). */
static gboolean
looks_like_exception_type (const char *type)
{
  static const char *const suffixes[] = {
    "Error", "Exception", "Exit", "Interrupt", "Iteration", "Warning",
  };
  static const char *const bare[] = { "Unsupported" };
  const char *dot = strrchr (type, '.');
  const char *name = dot != NULL ? dot + 1 : type;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (name, suffixes[i]) && strlen (name) > strlen (suffixes[i]))
      return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (bare); i++)
    if (g_str_equal (name, bare[i]))
      return TRUE;
  /* module.path.ClassName, as raised from a package: "torch._dynamo.exc.FailOnRecompileLimitHit" */
  return dot != NULL && g_ascii_isupper (*name) && g_ascii_islower (*type);
}

static gboolean
is_exception_line (const char *line)
{
  Patterns *patterns = patterns_get ();
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *type = NULL;

  if (!g_regex_match (patterns->exception, line, 0, &match))
    return FALSE;
  type = match_group (match, 2);
  return type == NULL || looks_like_exception_type (type);
}

/* Whether @line starts something of its own, so that it cannot be the tail of a wrapped line.
 * A terminal cuts anywhere, even into "Tracer|Warning: ...", so only structure words count
 * after a cut at the terminal's width (@with_exceptions FALSE). */
static gboolean
starts_record (const char *line,
               gboolean    with_exceptions)
{
  static const char *const starts[] = {
    "Traceback", "File \"", "During handling", "The above exception", "Node:", "[[",
    "Detected at node", "Function call stack", "Errors may have", "Input Source", "Cause:",
    "To silence", "Please report",
  };
  for (guint i = 0; i < G_N_ELEMENTS (starts); i++)
    if (g_str_has_prefix (line, starts[i]))
      return TRUE;
  return with_exceptions && is_exception_line (line);
}

typedef struct
{
  char *text;        /* prefix removed, wraps joined, trailing blanks removed */
  char *prefix;      /* the log prefix, NULL when none */
} LogicalLine;

static void
logical_line_clear (LogicalLine *line)
{
  g_free (line->text);
  g_free (line->prefix);
}

/* The width a terminal wrapped the text at: the longest line's, when at least two lines have
 * exactly that length and each is followed by more of its text; 0 when the text was not
 * wrapped so. */
static glong
find_wrap_width (char **raw)
{
  glong widest = 0;
  guint at_width = 0;

  for (guint i = 0; raw[i] != NULL; i++)
    widest = MAX (widest, g_utf8_strlen (raw[i], -1));
  if (widest < MIN_WRAP_WIDTH || widest > MAX_WRAP_WIDTH)
    return 0;
  for (guint i = 0; raw[i] != NULL; i++)
    {
      const char *next = raw[i + 1];

      if (g_utf8_strlen (raw[i], -1) != widest)
        continue;
      if (next == NULL || next[0] == '\0' || starts_record (next + indentation (next), FALSE))
        return 0;
      at_width++;
    }
  return at_width >= 2 ? widest : 0;
}

static GArray *
make_logical_lines (char **raw)
{
  GArray *lines = g_array_new (FALSE, TRUE, sizeof (LogicalLine));
  glong wrap_width;

  g_array_set_clear_func (lines, (GDestroyNotify) logical_line_clear);
  for (guint i = 0; raw[i] != NULL; i++)
    {
      gsize length = strlen (raw[i]);
      if (length > 0 && raw[i][length - 1] == '\r')
        raw[i][length - 1] = '\0';
    }
  wrap_width = find_wrap_width (raw);

  for (guint i = 0; raw[i] != NULL; i++)
    {
      gsize prefix = agviz_error_text_log_prefix_length (raw[i]);
      g_autoptr(GString) text = g_string_new (raw[i] + prefix);
      LogicalLine line = { 0 };
      guint last = i;

      if (prefix > 0)
        line.prefix = g_strndup (raw[i], prefix);

      /* A line cut by the terminal at its width, or a long line cut at a space by whoever
       * pasted it, goes on in the next line, which starts no record of its own. */
      while (raw[last + 1] != NULL && raw[last + 1][0] != '\0' &&
             agviz_error_text_log_prefix_length (raw[last + 1]) == 0)
        {
          const char *current = raw[last];
          const char *next = raw[last + 1];
          glong width = g_utf8_strlen (current, -1);
          gsize length = strlen (current);
          gboolean cut_at_width = wrap_width > 0 && width == wrap_width &&
                                  !starts_record (next + indentation (next), FALSE);
          gboolean cut_at_space = width >= MIN_WRAP_WIDTH && length > 0 &&
                                  (current[length - 1] == ' ' || current[length - 1] == '\t') &&
                                  next[0] != ' ' && next[0] != '\t' && !starts_record (next, TRUE);

          if (!cut_at_width && !cut_at_space)
            break;
          g_string_append (text, next);
          last++;
        }
      i = last;
      line.text = g_strchomp (g_string_free (g_steal_pointer (&text), FALSE));
      g_array_append_val (lines, line);
    }
  return lines;
}

typedef enum
{
  STATE_START,
  STATE_TRACEBACK,
  STATE_MESSAGE,
  STATE_USER_CODE,
  STATE_NODE_DEFINITION,
  STATE_IPYTHON_FRAME,
  STATE_INPUT_SOURCES,
  STATE_CALL_STACK,
} ParseState;

typedef struct
{
  AgvizErrorText    *self;
  GPtrArray         *texts;           /* GString per message, parallel to self->messages */
  ParseState         state;
  AgvizErrorMessage *current;         /* the message stray lines go to, or NULL */
  int                main;            /* index of the raised exception's message, or -1 */
  gboolean           main_is_nested;
  AgvizErrorFrame   *last_frame;      /* the frame a code line may follow */
  gsize              last_frame_indent;
  char              *current_node;    /* NODE_DEFINITION: its node */
  char              *input_of;        /* INPUT_SOURCES: the node they feed */
  int                chain;
  gboolean           chain_used;      /* frames or an exception seen in this chain */
  AgvizErrorChainLink pending_link;
  int                root_error;
  gboolean           tf_user_code;    /* TF's "in user code:" seen (not dynamo's "from user code:") */
  gboolean           variable_message;
  gboolean           recompile_log;   /* torch.compile's recompile log or limit warning seen */
} Parser;

static AgvizErrorMessage *
add_message (Parser                *parser,
             AgvizErrorMessageKind  kind,
             const char            *type,
             const char            *first_line)
{
  AgvizErrorMessage *message = g_new0 (AgvizErrorMessage, 1);

  message->kind = kind;
  message->type = g_strdup (type);
  message->chain = parser->chain;
  g_ptr_array_add (parser->self->messages, message);
  g_ptr_array_add (parser->texts, g_string_new (first_line));
  parser->current = message;
  return message;
}

static void
append_to_message (Parser     *parser,
                   const char *line)
{
  GString *text;

  if (parser->current == NULL)
    add_message (parser, AGVIZ_ERROR_MESSAGE_TEXT, NULL, NULL);
  text = g_ptr_array_index (parser->texts, parser->self->messages->len - 1);
  if (text->len > 0 || parser->current->kind != AGVIZ_ERROR_MESSAGE_TEXT)
    g_string_append_c (text, '\n');
  g_string_append (text, line);
}

static AgvizErrorNode *
add_node (AgvizErrorText     *self,
          const char         *name,
          const char         *defined_file,
          int                 defined_line,
          AgvizErrorNodeRole  role,
          int                 root_error)
{
  AgvizErrorNode *node;

  for (guint i = 0; i < self->nodes->len; i++)
    {
      node = g_ptr_array_index (self->nodes, i);
      if (g_str_equal (node->name, name))
        {
          if (node->defined_file == NULL && defined_file != NULL)
            {
              node->defined_file = g_strdup (defined_file);
              node->defined_line = defined_line;
            }
          return node;
        }
    }
  node = g_new0 (AgvizErrorNode, 1);
  node->name = g_strdup (name);
  node->defined_file = g_strdup (defined_file);
  node->defined_line = defined_line;
  node->role = role;
  node->root_error = root_error;
  g_ptr_array_add (self->nodes, node);
  return node;
}

static AgvizErrorFrame *
add_frame (Parser                 *parser,
           char                   *file,
           int                     line,
           char                   *function,
           AgvizErrorFrameSection  section,
           gsize                   indent)
{
  AgvizErrorFrame *frame = g_new0 (AgvizErrorFrame, 1);

  frame->file = file;
  frame->line = line;
  frame->function = function;
  frame->section = section;
  if (section == AGVIZ_ERROR_FRAME_NODE_DEFINITION)
    frame->node = g_strdup (parser->current_node);
  frame->chain = parser->chain;
  parser->chain_used = TRUE;
  g_ptr_array_add (parser->self->frames, frame);
  parser->last_frame = frame;
  parser->last_frame_indent = indent;
  return frame;
}

/* A new traceback: the frames after it belong to the next exception of a chain. */
static void
start_chain (Parser *parser)
{
  if (parser->chain_used)
    parser->chain++;
  parser->chain_used = FALSE;
}

/* Finds every {{node x}}, [[node x (defined at f:l)]], [[Node: x = Op...]], [[x]],
 * {{function_node f}} and [Op:f] in a line; TRUE when the line was node brackets. */
static gboolean
scan_node_mentions (Parser     *parser,
                    const char *line)
{
  AgvizErrorText *self = parser->self;
  Patterns *patterns = patterns_get ();
  GMatchInfo *match = NULL;
  gboolean found = FALSE;

  match_line (patterns->node_tag, line, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *name = match_group (match, 1);
      if (name != NULL)
        add_node (self, name, NULL, 0, AGVIZ_ERROR_NODE_FAILED, parser->root_error);
      found = TRUE;
      g_match_info_next (match, NULL);
    }
  g_clear_pointer (&match, g_match_info_free);

  match_line (patterns->bracket_node, line, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *name = match_group (match, 1);
      g_autofree char *file = match_group (match, 2);
      g_autofree char *number = match_group (match, 3);
      int defined_line = number != NULL ? parse_line_number (number) : 0;

      if (name != NULL)
        {
          add_node (self, name, file, defined_line, AGVIZ_ERROR_NODE_FAILED, parser->root_error);
          /* The old layout's "defined at" is the node's creation line: a frame of its own. */
          if (file != NULL)
            {
              g_free (parser->current_node);
              parser->current_node = g_strdup (name);
              add_frame (parser, g_steal_pointer (&file), defined_line, NULL,
                         AGVIZ_ERROR_FRAME_NODE_DEFINITION, 0);
              parser->last_frame = NULL;
            }
        }
      found = TRUE;
      g_match_info_next (match, NULL);
    }
  g_clear_pointer (&match, g_match_info_free);

  match_line (patterns->nodedef_node, line, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *name = match_group (match, 1);

      if (name != NULL)
        {
          AgvizErrorNode *node = add_node (self, name, NULL, 0, AGVIZ_ERROR_NODE_FAILED,
                                           parser->root_error);
          if (node->op_type == NULL)
            {
              node->definition = match_group (match, 2);
              node->op_type = match_group (match, 3);
            }
        }
      found = TRUE;
      g_match_info_next (match, NULL);
    }
  g_clear_pointer (&match, g_match_info_free);

  if (match_line (patterns->plain_node, line, &match))
    {
      g_autofree char *name = match_group (match, 1);
      if (name != NULL)
        add_node (self, name, NULL, 0, AGVIZ_ERROR_NODE_FAILED, parser->root_error);
      found = TRUE;
    }
  g_clear_pointer (&match, g_match_info_free);

  if (self->graph_name == NULL)
    {
      if (match_line (patterns->function_tag, line, &match))
        self->graph_name = match_group (match, 1);
      g_clear_pointer (&match, g_match_info_free);
    }
  if (self->graph_name == NULL)
    {
      if (match_line (patterns->op_suffix, line, &match))
        self->graph_name = match_group (match, 1);
      g_clear_pointer (&match, g_match_info_free);
    }
  return found;
}

/* IPython's "<ipython-input-3-ab> in f(x)" frame is followed by numbered source lines, the
 * current one marked "---->". */
static gboolean
read_ipython_line (Parser     *parser,
                   const char *line)
{
  Patterns *patterns = patterns_get ();
  g_autoptr(GMatchInfo) match = NULL;
  AgvizErrorFrame *frame = parser->last_frame;

  if (frame == NULL)
    return FALSE;
  if (match_line (patterns->ipython_arrow, line, &match))
    {
      g_autofree char *number = match_group (match, 1);
      g_autofree char *code = match_group (match, 2);

      frame->line = number != NULL ? parse_line_number (number) : 0;
      g_free (frame->code);
      frame->code = code != NULL ? g_strdup (g_strstrip (code)) : NULL;
    }
  else if (!match_line (patterns->ipython_context, line, &match))
    return FALSE;
  {
    g_autofree char *old = frame->context;
    frame->context = old != NULL ? g_strconcat (old, "\n", line, NULL) : g_strdup (line);
  }
  return TRUE;
}

static void
read_exception (Parser     *parser,
                const char *line,
                const char *type,
                const char *message,
                gboolean    nested)
{
  AgvizErrorMessage *added;

  /* Inside "in user code:" the cause is printed indented: part of the outer message, unless
   * the outer line was a log record rather than an exception. */
  if (nested && parser->main >= 0)
    {
      append_to_message (parser, line);
      parser->state = STATE_MESSAGE;
      return;
    }
  added = add_message (parser, AGVIZ_ERROR_MESSAGE_EXCEPTION, type, message);
  added->link = parser->pending_link;
  parser->pending_link = AGVIZ_ERROR_CHAIN_NONE;
  parser->chain_used = TRUE;
  /* The last exception of a chain is the one that was raised. */
  if (!nested || parser->main < 0)
    {
      parser->main = parser->self->messages->len - 1;
      parser->main_is_nested = nested;
    }
  parser->state = g_str_equal (message, "in user code:") ? STATE_USER_CODE : STATE_MESSAGE;
  if (parser->state == STATE_USER_CODE)
    parser->tf_user_code = TRUE;
}

/* IPython prints "ValueError      Traceback (most recent call last)" above the frames, and
 * narrow notebooks wrap it after the type: that line names the type, not a message. */
static void
drop_ipython_header (Parser *parser)
{
  AgvizErrorMessage *last;
  GString *text;

  if (parser->current == NULL || parser->self->messages->len == 0)
    return;
  last = g_ptr_array_index (parser->self->messages, parser->self->messages->len - 1);
  text = g_ptr_array_index (parser->texts, parser->self->messages->len - 1);
  if (last != parser->current || last->kind != AGVIZ_ERROR_MESSAGE_EXCEPTION || text->len > 0)
    return;
  g_ptr_array_remove_index (parser->self->messages, parser->self->messages->len - 1);
  parser->chain_used = FALSE;
  for (guint i = 0; i < parser->self->frames->len; i++)
    if (((AgvizErrorFrame *) g_ptr_array_index (parser->self->frames, i))->chain == parser->chain)
      parser->chain_used = TRUE;
  g_string_free (g_ptr_array_steal_index (parser->texts, parser->texts->len - 1), TRUE);
  if (parser->main == (int) parser->self->messages->len)
    parser->main = -1;
  parser->current = NULL;
}

static gboolean
is_traceback_header (const char *line)
{
  static const char ipython[] = " Traceback (most recent call last)";
  const char *p = line + indentation (line);
  const char *found;

  /* "Traceback (most recent call last):", or localised ("Traceback："). */
  if (g_str_has_prefix (p, "Traceback"))
    {
      const char *rest = p + strlen ("Traceback");
      return *rest == '\0' || (!g_ascii_isalnum (*rest) && *rest != '_' && *rest != '.');
    }
  /* IPython's "TypeError      Traceback (most recent call last)": one word before it. */
  found = strstr (p, ipython);
  if (found == NULL || found[strlen (ipython)] != '\0')
    return FALSE;
  while (found > p && found[-1] == ' ')
    found--;
  return found > p && memchr (p, ' ', found - p) == NULL;
}

static gboolean
read_frame (Parser     *parser,
            const char *line,
            gsize       indent)
{
  Patterns *patterns = patterns_get ();
  g_autoptr(GMatchInfo) match = NULL;
  AgvizErrorFrameSection section;
  AgvizErrorFrame *frame;
  g_autofree char *number = NULL, *mark = NULL;

  section = parser->state == STATE_USER_CODE ? AGVIZ_ERROR_FRAME_USER_CODE
            : parser->state == STATE_NODE_DEFINITION ? AGVIZ_ERROR_FRAME_NODE_DEFINITION
                                                     : AGVIZ_ERROR_FRAME_TRACEBACK;

  if (indent == 0 && parser->state != STATE_USER_CODE &&
      match_line (patterns->ipython_frame, line, &match))
    {
      if (parser->state == STATE_MESSAGE)
        start_chain (parser);
      add_frame (parser, match_group (match, 1), 0, match_group (match, 2),
                 AGVIZ_ERROR_FRAME_TRACEBACK, 0);
      parser->state = STATE_IPYTHON_FRAME;
      parser->current = NULL;
      return TRUE;
    }
  if (!match_line (patterns->frame, line, &match) &&
      !(parser->state == STATE_USER_CODE && match_line (patterns->old_frame, line, &match)))
    return FALSE;

  /* Frames after an exception's message, with no header between: the next traceback. */
  if (parser->state == STATE_MESSAGE || parser->state == STATE_START ||
      parser->state == STATE_IPYTHON_FRAME || parser->state == STATE_INPUT_SOURCES ||
      parser->state == STATE_CALL_STACK)
    {
      if (parser->state == STATE_MESSAGE && parser->current != NULL &&
          parser->current->kind == AGVIZ_ERROR_MESSAGE_EXCEPTION)
        start_chain (parser);
      parser->state = STATE_TRACEBACK;
      section = AGVIZ_ERROR_FRAME_TRACEBACK;
    }
  number = match_group (match, 3);
  mark = match_group (match, 5);
  /* Only AutoGraph marks frames: a marked frame with no "in user code:" before it is that
   * block pasted without its header. */
  if (mark != NULL && section == AGVIZ_ERROR_FRAME_TRACEBACK)
    {
      section = AGVIZ_ERROR_FRAME_USER_CODE;
      parser->state = STATE_USER_CODE;
      parser->tf_user_code = TRUE;
    }
  frame = add_frame (parser, g_match_info_fetch (match, 2),
                     number != NULL ? parse_line_number (number) : 0, match_group (match, 4),
                     section, indent);
  frame->mark = mark == NULL ? AGVIZ_ERROR_FRAME_MARK_NONE
                : g_str_equal (mark, "**") ? AGVIZ_ERROR_FRAME_MARK_ALLOWLISTED
                                           : AGVIZ_ERROR_FRAME_MARK_CONVERTED;
  return TRUE;
}

/* "path.py:12: TracerWarning: message", the way Python's warnings module prints, possibly
 * after other text on the same line ("test_x (__main__.T) ... /path.py:12: ..."). */
static gboolean
read_python_warning (Parser     *parser,
                     const char *line)
{
  Patterns *patterns = patterns_get ();
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *number = NULL, *category = NULL, *message = NULL;
  int start = 0, end = 0;

  if (!match_line (patterns->python_warning, line, &match))
    return FALSE;
  g_match_info_fetch_pos (match, 1, &start, &end);
  if (start > 0)
    {
      g_autofree char *before = g_strstrip (g_strndup (line, start));
      if (*before != '\0')
        {
          parser->current = NULL;
          append_to_message (parser, before);
        }
    }
  number = match_group (match, 2);
  category = match_group (match, 3);
  message = g_match_info_fetch (match, 4);
  if (parser->self->warning_type == NULL)
    parser->self->warning_type = g_strdup (category);
  start_chain (parser);
  add_frame (parser, match_group (match, 1), number != NULL ? parse_line_number (number) : 0,
             NULL, AGVIZ_ERROR_FRAME_WARNING, 0);
  add_message (parser, AGVIZ_ERROR_MESSAGE_WARNING, category, message);
  parser->state = STATE_MESSAGE;
  return TRUE;
}

/* TF's own warnings: retracing and AutoGraph's, in every wording. */
static gboolean
read_tf_warning (Parser     *parser,
                 const char *line)
{
  Patterns *patterns = patterns_get ();
  AgvizErrorText *self = parser->self;
  g_autoptr(GMatchInfo) match = NULL;

  if (match_line (patterns->retracing, line, &match))
    {
      if (self->retrace_count == 0)
        {
          g_autofree char *count = match_group (match, 1);
          g_autofree char *calls = match_group (match, 2);

          self->retrace_count = count != NULL ? parse_line_number (count) : 0;
          self->retrace_calls = calls != NULL ? parse_line_number (calls) : 0;
          if (self->function == NULL)
            self->function = match_group (match, 3);
        }
      add_message (parser, AGVIZ_ERROR_MESSAGE_WARNING, NULL, line);
      parser->state = STATE_MESSAGE;
      return TRUE;
    }
  if (match_line (patterns->transform, line, &match))
    {
      const char *inline_cause = strstr (line, "Cause:");

      if (self->kind == AGVIZ_ERROR_TEXT_UNKNOWN)
        {
          g_clear_pointer (&self->function, g_free);
          self->function = match_group (match, 1);
          self->kind = AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM;
        }
      if (inline_cause != NULL && self->cause == NULL)
        self->cause = g_strstrip (g_strdup (inline_cause + strlen ("Cause:")));
      add_message (parser, AGVIZ_ERROR_MESSAGE_WARNING, NULL, line);
      parser->state = STATE_MESSAGE;
      return TRUE;
    }
  return FALSE;
}

/* "NAME in FILE:LINE" or "'NAME' (FILE:LINE)": the frame of the function torch.compile
 * compiled. */
static void
add_compiled_function (Parser     *parser,
                       const char *name,
                       gsize       name_length,
                       const char *location,
                       gsize       location_length)
{
  g_autofree char *where = g_strndup (location, location_length);
  char *colon = strrchr (where, ':');

  if (colon == NULL || !g_ascii_isdigit (colon[1]) || name_length == 0)
    return;
  *colon = '\0';
  if (parser->self->function == NULL)
    parser->self->function = g_strndup (name, name_length);
  add_frame (parser, g_strdup (where), parse_line_number (colon + 1),
             g_strndup (name, name_length), AGVIZ_ERROR_FRAME_WARNING, 0);
  parser->last_frame = NULL;
}

/* torch.compile's recompiles: "Recompiling function forward in models/common.py:35" (the
 * recompiles log of every torch 2.x), and the recompile limit's "function: 'f' (file.py:621)";
 * the guard failures and reasons after them stay in the message. */
static gboolean
read_torch_recompile (Parser     *parser,
                      const char *line)
{
  const char *start = strstr (line, "Recompiling function "), *in, *name, *close;

  if (start != NULL && (in = strstr (start, " in ")) != NULL)
    {
      name = start + strlen ("Recompiling function ");
      add_message (parser, AGVIZ_ERROR_MESSAGE_WARNING, NULL, start);
      parser->state = STATE_MESSAGE;
      parser->recompile_log = TRUE;
      add_compiled_function (parser, name, in - name, in + 4, strlen (in + 4));
      return TRUE;
    }
  start = strstr (line, "torch._dynamo hit config.");
  if (start != NULL)
    {
      add_message (parser, AGVIZ_ERROR_MESSAGE_WARNING, NULL, start);
      parser->state = STATE_MESSAGE;
      parser->recompile_log = TRUE;
      return TRUE;
    }
  name = line + indentation (line);
  if (parser->recompile_log && g_str_has_prefix (name, "function: '") &&
      (close = strstr (name, "' (")) != NULL && g_str_has_suffix (name, ")"))
    {
      append_to_message (parser, name);
      name += strlen ("function: '");
      add_compiled_function (parser, name, close - name, close + 3, strlen (close + 3) - 1);
      return TRUE;
    }
  return FALSE;
}

gboolean
agviz_error_text_get_node_frames (const AgvizErrorText *self,
                                  const char           *name,
                                  guint                *start,
                                  guint                *end)
{
  AgvizErrorFrame *first = NULL;
  guint i;

  g_return_val_if_fail (self != NULL && name != NULL, FALSE);

  for (i = 0; i < self->frames->len; i++)
    {
      AgvizErrorFrame *frame = g_ptr_array_index (self->frames, i);

      if (frame->section != AGVIZ_ERROR_FRAME_NODE_DEFINITION || g_strcmp0 (frame->node, name) != 0)
        {
          if (first != NULL)
            break;
          continue;
        }
      /* TF repeats the block once per mention: the first copy is enough. */
      if (first != NULL && frame->line == first->line && g_str_equal (frame->file, first->file))
        break;
      if (first == NULL)
        {
          first = frame;
          *start = i;
        }
    }
  *end = i;
  return first != NULL;
}

/* Chooses the frame the error comes from: the innermost user frame of the first failing
 * node's definition, else the first warning's line, else the innermost user frame of the
 * raised exception's traceback. */
static int
choose_defining_frame (AgvizErrorText *self,
                       int             main_chain)
{
  GPtrArray *frames = self->frames;

  for (guint n = 0; n < self->nodes->len; n++)
    {
      AgvizErrorNode *node = g_ptr_array_index (self->nodes, n);
      guint start, end;

      if (node->role != AGVIZ_ERROR_NODE_FAILED ||
          !agviz_error_text_get_node_frames (self, node->name, &start, &end))
        continue;
      for (guint i = end; i-- > start;)
        if (agviz_source_map_classify_path (((AgvizErrorFrame *) g_ptr_array_index (frames, i))->file)
            == AGVIZ_FRAME_ORIGIN_USER)
          return (int) i;
    }

  if (self->kind == AGVIZ_ERROR_TEXT_PYTHON_WARNING || self->kind == AGVIZ_ERROR_TEXT_RECOMPILE_LOG)
    for (guint i = 0; i < frames->len; i++)
      {
        AgvizErrorFrame *frame = g_ptr_array_index (frames, i);
        if (frame->section == AGVIZ_ERROR_FRAME_WARNING &&
            agviz_source_map_classify_path (frame->file) == AGVIZ_FRAME_ORIGIN_USER)
          return (int) i;
      }

  for (int i = (int) frames->len - 1; i >= 0; i--)
    {
      AgvizErrorFrame *frame = g_ptr_array_index (frames, i);

      if (main_chain >= 0 && frame->chain != main_chain)
        continue;
      if (frame->section == AGVIZ_ERROR_FRAME_NODE_DEFINITION)
        continue;
      if (agviz_source_map_classify_path (frame->file) == AGVIZ_FRAME_ORIGIN_USER)
        return i;
    }
  return -1;
}

/* Lines that open a section: TRUE when @line was one of them. */
static gboolean
read_section_header (Parser     *parser,
                     const char *line)
{
  Patterns *patterns = patterns_get ();
  AgvizErrorText *self = parser->self;
  g_autoptr(GMatchInfo) match = NULL;
  const char *p = line + indentation (line);

  if (is_traceback_header (line))
    {
      drop_ipython_header (parser);
      start_chain (parser);
      parser->state = STATE_TRACEBACK;
      parser->last_frame = NULL;
      parser->current = NULL;
      return TRUE;
    }
  if (g_str_has_prefix (p, "During handling of the above exception") ||
      g_str_has_prefix (p, "The above exception was the direct cause"))
    {
      start_chain (parser);
      parser->pending_link = *p == 'D' ? AGVIZ_ERROR_CHAIN_DURING_HANDLING
                                       : AGVIZ_ERROR_CHAIN_DIRECT_CAUSE;
      parser->state = STATE_START;
      parser->last_frame = NULL;
      parser->current = NULL;
      return TRUE;
    }
  if (match_line (patterns->detected, line, &match))
    {
      g_free (parser->current_node);
      parser->current_node = match_group (match, 1);
      if (parser->current_node != NULL)
        add_node (self, parser->current_node, NULL, 0, AGVIZ_ERROR_NODE_FAILED, parser->root_error);
      parser->state = STATE_NODE_DEFINITION;
      parser->last_frame = NULL;
      return TRUE;
    }
  if (match_line (patterns->node_line, line, &match))
    {
      g_autofree char *name = match_group (match, 1);
      if (name != NULL)
        add_node (self, name, NULL, 0, AGVIZ_ERROR_NODE_FAILED, parser->root_error);
      parser->state = STATE_MESSAGE;
      parser->last_frame = NULL;
      return TRUE;
    }
  if (match_line (patterns->input_source, line, &match))
    {
      g_free (parser->input_of);
      parser->input_of = match_group (match, 1);
      parser->state = STATE_INPUT_SOURCES;
      return TRUE;
    }
  if (g_str_has_prefix (p, "Errors may have originated from an input operation"))
    {
      self->input_operation_hint = TRUE;
      return TRUE;
    }
  if (g_str_has_prefix (p, "Function call stack:"))
    {
      parser->state = STATE_CALL_STACK;
      return TRUE;
    }
  /* AutoGraph's "in user code:" (alone, or after a log record's words) and dynamo's "from
   * user code:" / "Graph break: from user code at:". */
  if (g_str_equal (p, "in user code:") || g_str_equal (p, "from user code:") ||
      ((g_str_has_suffix (p, ": in user code:") || g_str_has_suffix (p, "from user code at:")) &&
       !is_exception_line (p)))
    {
      if (!g_str_equal (p, "in user code:") && !g_str_equal (p, "from user code:"))
        {
          if (parser->state != STATE_MESSAGE)
            parser->current = NULL;
          append_to_message (parser, p);
        }
      if (strstr (p, "in user code:") != NULL)
        parser->tf_user_code = TRUE;
      parser->state = STATE_USER_CODE;
      parser->last_frame = NULL;
      return TRUE;
    }
  return FALSE;
}

AgvizErrorText *
agviz_error_text_parse (const char *text,
                        gssize      length)
{
  Patterns *patterns = patterns_get ();
  g_autoptr(AgvizErrorText) self = g_new0 (AgvizErrorText, 1);
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();
  g_autofree char *valid = NULL;
  g_auto(GStrv) raw = NULL;
  g_autoptr(GArray) lines = NULL;
  const char *previous_prefix = NULL;
  Parser parser = { 0 };

  self->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) error_frame_free);
  self->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) error_node_free);
  self->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) error_message_free);
  self->call_stack = g_ptr_array_new_with_free_func (g_free);
  self->defining_frame = -1;
  if (text == NULL)
    return g_steal_pointer (&self);
  if (length < 0)
    length = strlen (text);
  if (length > MAX_PARSED_BYTES)
    length = MAX_PARSED_BYTES;

  /* NULs and invalid UTF-8 cannot reach the regexes: replace them first. */
  {
    /* Not NUL-terminated when a length is given: copy exactly @length bytes. */
    g_autofree char *nul_free = g_malloc (length + 1);

    memcpy (nul_free, text, length);
    for (gssize i = 0; i < length; i++)
      if (nul_free[i] == '\0')
        nul_free[i] = ' ';
    nul_free[length] = '\0';
    valid = g_utf8_make_valid (nul_free, length);
  }
  raw = g_strsplit (valid, "\n", -1);
  lines = make_logical_lines (raw);

  parser.self = self;
  parser.texts = texts;
  parser.main = -1;
  parser.root_error = -1;

  for (guint i = 0; i < lines->len; i++)
    {
      LogicalLine *logical = &g_array_index (lines, LogicalLine, i);
      const char *line = logical->text;
      g_autoptr(GMatchInfo) match = NULL;
      gsize indent = indentation (line);

      /* A new log record ends the message before it; glog repeats one record's prefix on
       * each of its lines. */
      if (logical->prefix != NULL &&
          (previous_prefix == NULL || strchr (logical->prefix, ']') == NULL ||
           !g_str_equal (previous_prefix, logical->prefix)))
        {
          parser.current = NULL;
          parser.last_frame = NULL;
          if (parser.state == STATE_MESSAGE || parser.state == STATE_INPUT_SOURCES ||
              parser.state == STATE_CALL_STACK)
            parser.state = STATE_START;
        }
      previous_prefix = logical->prefix;

      if (line[indent] == '\0')
        {
          /* A blank line ends prose, a list of input ops or of calls, and IPython's source. */
          if (parser.current != NULL && parser.current->kind == AGVIZ_ERROR_MESSAGE_TEXT)
            parser.current = NULL;
          if (parser.state == STATE_INPUT_SOURCES || parser.state == STATE_CALL_STACK)
            parser.state = STATE_MESSAGE;
          if (parser.state == STATE_IPYTHON_FRAME)
            parser.state = STATE_TRACEBACK;
          parser.last_frame = NULL;
          continue;
        }

      if (agviz_error_text_is_variable_message (line))
        parser.variable_message = TRUE;

      if (parser.state == STATE_IPYTHON_FRAME && read_ipython_line (&parser, line))
        continue;
      if (parser.state == STATE_INPUT_SOURCES && match_line (patterns->input_entry, line, &match))
        {
          g_autofree char *name = match_group (match, 1);
          g_autofree char *file = match_group (match, 2);
          g_autofree char *number = match_group (match, 3);
          AgvizErrorNode *node = add_node (self, name, file,
                                           number != NULL ? parse_line_number (number) : 0,
                                           AGVIZ_ERROR_NODE_INPUT_SOURCE, parser.root_error);
          if (node->input_of == NULL && node->role == AGVIZ_ERROR_NODE_INPUT_SOURCE)
            node->input_of = g_strdup (parser.input_of);
          continue;
        }
      g_clear_pointer (&match, g_match_info_free);
      if (parser.state == STATE_CALL_STACK && indent == 0 && strchr (line, ' ') == NULL)
        {
          g_ptr_array_add (self->call_stack, g_strdup (line));
          continue;
        }
      if (parser.state == STATE_CALL_STACK && indent == 0 && strstr (line, " -> ") != NULL)
        {
          /* TF 2.4+: "train_step -> train_step" on one line. */
          g_auto(GStrv) calls = g_strsplit (line, " -> ", -1);
          for (guint c = 0; calls[c] != NULL; c++)
            g_ptr_array_add (self->call_stack, g_strdup (g_strstrip (calls[c])));
          continue;
        }

      if (read_tf_warning (&parser, line) || read_torch_recompile (&parser, line))
        continue;

      if (self->kind == AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM && self->cause == NULL &&
          g_str_has_prefix (line + indent, "Cause:"))
        {
          self->cause = g_strstrip (g_strdup (line + indent + strlen ("Cause:")));
          append_to_message (&parser, line + indent);
          continue;
        }

      if (read_section_header (&parser, line))
        continue;
      if (read_frame (&parser, line, indent))
        continue;
      if (read_python_warning (&parser, line))
        continue;

      /* The code line printed under a frame is indented deeper than the frame. */
      if (parser.last_frame != NULL && parser.last_frame->code == NULL &&
          indent > parser.last_frame_indent && parser.state != STATE_IPYTHON_FRAME)
        {
          if (!is_rule_line (line))
            parser.last_frame->code = g_strdup (line + indent);
          /* A Python warning is its line and its code line: what follows is other output. */
          if (parser.last_frame->section == AGVIZ_ERROR_FRAME_WARNING)
            parser.current = NULL;
          continue;
        }
      if (is_rule_line (line))
        continue;
      parser.last_frame = NULL;
      if (parser.state == STATE_IPYTHON_FRAME)
        parser.state = STATE_TRACEBACK;

      if ((indent == 0 || parser.state == STATE_USER_CODE) &&
          match_line (patterns->exception, line + indent, &match))
        {
          g_autofree char *class_repr = match_group (match, 1);
          g_autofree char *bare = match_group (match, 2);
          g_autofree char *message = g_match_info_fetch (match, 3);
          const char *type = class_repr != NULL ? class_repr : bare;

          if (type != NULL && (class_repr != NULL || looks_like_exception_type (type)))
            {
              read_exception (&parser, line, type, g_strstrip (message), indent > 0);
              if (match_line (patterns->root_count, line, &match))
                {
                  g_autofree char *count = match_group (match, 1);
                  self->root_error_count = count != NULL ? parse_line_number (count) : 0;
                }
              scan_node_mentions (&parser, line);
              continue;
            }
        }
      g_clear_pointer (&match, g_match_info_free);

      if (parser.state == STATE_NODE_DEFINITION && indent == 0)
        parser.state = STATE_MESSAGE;
      if (match_line (patterns->root_error, line, &match))
        {
          g_autofree char *number = match_group (match, 1);
          parser.root_error = number != NULL ? parse_line_number (number) : -1;
          if (number != NULL && g_str_equal (number, "0"))
            parser.root_error = 0;
        }
      g_clear_pointer (&match, g_match_info_free);
      if (match_line (patterns->root_count, line, &match))
        {
          g_autofree char *count = match_group (match, 1);
          self->root_error_count = count != NULL ? parse_line_number (count) : 0;
        }
      g_clear_pointer (&match, g_match_info_free);

      /* Node brackets are structure; anything else is the message's own words. */
      if (scan_node_mentions (&parser, line) && g_str_has_prefix (line + indent, "[["))
        continue;
      if (parser.state == STATE_START || parser.state == STATE_TRACEBACK)
        parser.state = STATE_MESSAGE;
      append_to_message (&parser, line);
    }

  for (guint m = 0; m < self->messages->len; m++)
    {
      AgvizErrorMessage *message = g_ptr_array_index (self->messages, m);
      message->text = g_string_free (g_ptr_array_index (texts, m), FALSE);
    }
  g_ptr_array_set_size (texts, 0);

  if (parser.main >= 0)
    {
      AgvizErrorMessage *main = g_ptr_array_index (self->messages, parser.main);
      const char *newline = strchr (main->text, '\n');
      g_auto(GStrv) rest = g_strsplit (newline != NULL ? newline + 1 : "", "\n", -1);
      g_autoptr(GString) detail = g_string_new (NULL);

      self->exception_type = g_strdup (main->type);
      self->message = newline != NULL ? g_strndup (main->text, newline - main->text)
                                      : g_strdup (main->text);
      for (guint r = 0; rest[r] != NULL; r++)
        {
          const char *stripped = rest[r] + indentation (rest[r]);
          if (*stripped == '\0')
            continue;
          if (detail->len > 0)
            g_string_append_c (detail, '\n');
          g_string_append (detail, stripped);
        }
      if (detail->len > 0)
        self->detail = g_strdup (detail->str);
    }

  /* The most telling finding names the text. */
  if (parser.variable_message)
    self->kind = AGVIZ_ERROR_TEXT_VARIABLE_NON_FIRST_CALL;
  else if (self->exception_type != NULL && self->nodes->len > 0)
    self->kind = AGVIZ_ERROR_TEXT_GRAPH_RUNTIME;
  else if (self->exception_type != NULL && parser.tf_user_code)
    self->kind = AGVIZ_ERROR_TEXT_AUTOGRAPH_USER_CODE;
  else if (self->retrace_count > 0)
    self->kind = AGVIZ_ERROR_TEXT_RETRACING_WARNING;
  else if (self->kind == AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM)
    ;
  else if (self->nodes->len > 0)
    self->kind = AGVIZ_ERROR_TEXT_GRAPH_RUNTIME;
  else if (self->exception_type != NULL)
    self->kind = AGVIZ_ERROR_TEXT_PYTHON_EXCEPTION;
  else if (self->warning_type != NULL)
    self->kind = AGVIZ_ERROR_TEXT_PYTHON_WARNING;
  else if (parser.recompile_log)
    self->kind = AGVIZ_ERROR_TEXT_RECOMPILE_LOG;
  else if (self->frames->len > 0)
    self->kind = AGVIZ_ERROR_TEXT_PYTHON_EXCEPTION;

  self->defining_frame = choose_defining_frame (
    self, parser.main >= 0 ? ((AgvizErrorMessage *) g_ptr_array_index (self->messages, parser.main))->chain
                           : -1);
  if (self->defining_frame >= 0)
    ((AgvizErrorFrame *) g_ptr_array_index (self->frames, self->defining_frame))->defining = TRUE;

  g_free (parser.current_node);
  g_free (parser.input_of);
  return g_steal_pointer (&self);
}
