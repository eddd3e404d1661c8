/* agviz-error-text.c: a line-by-line reader for TensorFlow's error texts
 *
 * TensorFlow's formats have changed between releases (quoted or bare node names, two layouts of
 * AutoGraph frames, two wordings of the variable error), so every pattern here accepts each
 * layout seen in TF 2.x, and everything it does not recognise is simply left alone.
 */
#define G_LOG_DOMAIN "agviz-error-text"

#include "config.h"

#include <string.h>

#include "agviz-error-text.h"

/* Longer inputs are logs, not one error: only their start is read, to keep time linear and small. */
#define MAX_PARSED_BYTES (4 * 1024 * 1024)

static void
error_frame_free (AgvizErrorFrame *frame)
{
  g_free (frame->file);
  g_free (frame->function);
  g_free (frame->code);
  g_free (frame->node);
  g_free (frame);
}

static void
error_node_free (AgvizErrorNode *node)
{
  g_free (node->name);
  g_free (node->defined_file);
  g_free (node);
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
  g_clear_pointer (&self->frames, g_ptr_array_unref);
  g_clear_pointer (&self->nodes, g_ptr_array_unref);
  g_free (self);
}

const char *
agviz_error_text_kind_to_string (AgvizErrorTextKind kind)
{
  static const char *const names[] = {
    "unknown", "python-exception", "graph-runtime", "autograph-user-code",
    "variable-non-first-call", "retracing-warning", "autograph-transform",
  };

  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (names), NULL);
  return names[kind];
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

gboolean
agviz_error_text_is_variable_message (const char *message)
{
  return message != NULL &&
         (strstr (message, "only supports singleton tf.Variables created on the first call") != NULL ||
          strstr (message, "tried to create variables on non-first call") != NULL);
}

typedef struct
{
  GRegex *frame;            /*   File "x.py", line 3, in f  [*] */
  GRegex *old_frame;        /*   /x.py:3 f  [*] (AutoGraph before TF 2.5) */
  GRegex *exception;        /* Type: message, at column 0 */
  GRegex *tf1_exception;    /* InvalidArgumentError (see above for traceback): message */
  GRegex *nested_exception; /*     ValueError: message, inside "in user code:" */
  GRegex *detected;         /* Detected at node 'x' defined at (most recent call last): */
  GRegex *node_line;        /* Node: 'x' */
  GRegex *node_tag;         /* {{node x}} */
  GRegex *function_tag;     /* {{function_node __inference_f_1}} */
  GRegex *bracket_node;     /* [[node x (defined at f.py:3) ]] */
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
      patterns.frame = g_regex_new ("^(\\s*)File \"([^\"]*)\", line (\\d+)(?:, in (.*?))?(?:\\s+(\\*\\*?))?\\s*$",
                                    0, 0, NULL);
      patterns.old_frame = g_regex_new ("^(\\s+)(\\S+\\.py|<[^>]+>):(\\d+) (\\S+)(?:\\s+(\\*\\*?))?\\s*$",
                                        0, 0, NULL);
      patterns.exception = g_regex_new ("^([A-Za-z_][A-Za-z0-9_.]*(?:Error|Exception|Exit|Interrupt|Iteration|Warning)): ?(.*)$",
                                        0, 0, NULL);
      patterns.tf1_exception = g_regex_new ("^([A-Za-z_][A-Za-z0-9_.]*Error) \\(see above for traceback\\): ?(.*)$",
                                            0, 0, NULL);
      patterns.nested_exception = g_regex_new ("^\\s+([A-Za-z_][A-Za-z0-9_.]*(?:Error|Exception)): (.*)$",
                                               0, 0, NULL);
      patterns.detected = g_regex_new ("Detected at node '?([^'\\s]+)'? defined at \\(most recent call last\\):",
                                       0, 0, NULL);
      patterns.node_line = g_regex_new ("^\\s*Node: '([^']+)'\\s*$", 0, 0, NULL);
      patterns.node_tag = g_regex_new ("\\{\\{node ([^}\\s]+)\\s*\\}\\}", 0, 0, NULL);
      patterns.function_tag = g_regex_new ("\\{\\{function_node ([^}\\s]+)\\s*\\}\\}",
                                           0, 0, NULL);
      patterns.bracket_node = g_regex_new ("\\[\\[node ([^\\s\\]{}]+)(?: \\(defined at (.+?):(\\d+)\\))?\\s*\\]\\]",
                                           0, 0, NULL);
      patterns.op_suffix = g_regex_new ("\\[Op:([A-Za-z0-9_.]+)", 0, 0, NULL);
      patterns.retracing = g_regex_new ("(\\d+) out of the last (\\d+) calls to <(?:function|bound method|method) ([^\\s>]+)(?:[^<>]|<[^<>]*>)*> triggered tf\\.function retracing",
                                        0, 0, NULL);
      patterns.transform = g_regex_new ("(?:AutoGraph could not transform|Entity) <(?:function|bound method|method|class) ([^\\s>]+)(?:[^<>]|<[^<>]*>)*> (?:and will run it as-is|could not be transformed)",
                                        0, 0, NULL);
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

static void
add_node (AgvizErrorText *self,
          const char     *name,
          const char     *defined_file,
          int             defined_line)
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
          return;
        }
    }
  node = g_new0 (AgvizErrorNode, 1);
  node->name = g_strdup (name);
  node->defined_file = g_strdup (defined_file);
  node->defined_line = defined_line;
  g_ptr_array_add (self->nodes, node);
}

/* Finds every {{node x}}, [[node x (defined at f:l)]], {{function_node f}} and [Op:f] in a line. */
static void
scan_node_mentions (AgvizErrorText *self,
                    const char     *line)
{
  Patterns *patterns = patterns_get ();
  GMatchInfo *match = NULL;

  match_line (patterns->node_tag, line, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *name = match_group (match, 1);
      if (name != NULL)
        add_node (self, name, NULL, 0);
      g_match_info_next (match, NULL);
    }
  g_clear_pointer (&match, g_match_info_free);

  match_line (patterns->bracket_node, line, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *name = match_group (match, 1);
      g_autofree char *file = match_group (match, 2);
      g_autofree char *number = match_group (match, 3);

      if (name != NULL)
        add_node (self, name, file, number != NULL ? parse_line_number (number) : 0);
      g_match_info_next (match, NULL);
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
}

static gsize
indentation (const char *line)
{
  gsize n = 0;

  while (line[n] == ' ' || line[n] == '\t')
    n++;
  return n;
}

/* Python 3.11 underlines the failing expression with ^ and ~: nothing to keep. */
static gboolean
is_caret_line (const char *line)
{
  const char *p = line + indentation (line);

  return *p != '\0' && strspn (p, "^~ ") == strlen (p);
}

typedef enum
{
  STATE_START,
  STATE_TRACEBACK,
  STATE_AFTER_EXCEPTION,
  STATE_USER_CODE,
  STATE_NODE_DEFINITION,
} ParseState;

static void
append_detail (AgvizErrorText *self,
               GString        *detail,
               const char     *line)
{
  const char *text = line + indentation (line);

  if (*text == '\0')
    return;
  if (detail->len > 0)
    g_string_append_c (detail, '\n');
  g_string_append (detail, text);
}

AgvizErrorText *
agviz_error_text_parse (const char *text,
                        gssize      length)
{
  Patterns *patterns = patterns_get ();
  g_autoptr(AgvizErrorText) self = g_new0 (AgvizErrorText, 1);
  g_autoptr(GString) detail = g_string_new (NULL);
  g_autofree char *valid = NULL;
  g_auto(GStrv) lines = NULL;
  ParseState state = STATE_START;
  AgvizErrorFrame *last_frame = NULL;
  gsize last_frame_indent = 0;
  g_autofree char *current_node = NULL;
  gboolean variable_message = FALSE;

  self->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) error_frame_free);
  self->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) error_node_free);
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
  lines = g_strsplit (valid, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      g_autoptr(GMatchInfo) match = NULL;
      gsize indent;

      g_strchomp (line);   /* also drops the \r of CRLF texts */
      indent = indentation (line);

      if (agviz_error_text_is_variable_message (line))
        variable_message = TRUE;

      if (self->retrace_count == 0 && match_line (patterns->retracing, line, &match))
        {
          g_autofree char *count = match_group (match, 1);
          g_autofree char *calls = match_group (match, 2);

          self->retrace_count = count != NULL ? parse_line_number (count) : 0;
          self->retrace_calls = calls != NULL ? parse_line_number (calls) : 0;
          if (self->function == NULL)
            self->function = match_group (match, 3);
          continue;
        }
      g_clear_pointer (&match, g_match_info_free);

      if (match_line (patterns->transform, line, &match))
        {
          g_clear_pointer (&self->function, g_free);
          self->function = match_group (match, 1);
          if (self->kind == AGVIZ_ERROR_TEXT_UNKNOWN)
            self->kind = AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM;
          continue;
        }
      g_clear_pointer (&match, g_match_info_free);

      if (self->kind == AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM && self->cause == NULL &&
          g_str_has_prefix (line + indent, "Cause: "))
        {
          self->cause = g_strdup (line + indent + strlen ("Cause: "));
          continue;
        }

      if (g_str_has_prefix (line, "Traceback (most recent call last):"))
        {
          state = STATE_TRACEBACK;
          last_frame = NULL;
          continue;
        }

      if (match_line (patterns->detected, line, &match))
        {
          g_free (current_node);
          current_node = match_group (match, 1);
          if (current_node != NULL)
            add_node (self, current_node, NULL, 0);
          state = STATE_NODE_DEFINITION;
          last_frame = NULL;
          continue;
        }
      g_clear_pointer (&match, g_match_info_free);

      if (match_line (patterns->node_line, line, &match))
        {
          g_autofree char *name = match_group (match, 1);
          if (name != NULL)
            add_node (self, name, NULL, 0);
          state = STATE_AFTER_EXCEPTION;
          last_frame = NULL;
          continue;
        }
      g_clear_pointer (&match, g_match_info_free);

      /* A frame line, in either layout; the old AutoGraph layout only inside its block. */
      if (state != STATE_START &&
          (match_line (patterns->frame, line, &match) ||
           (state == STATE_USER_CODE && match_line (patterns->old_frame, line, &match))))
        {
          g_autofree char *number = match_group (match, 3);
          g_autofree char *mark = match_group (match, 5);
          AgvizErrorFrame *frame = g_new0 (AgvizErrorFrame, 1);

          frame->file = g_match_info_fetch (match, 2);
          frame->line = number != NULL ? parse_line_number (number) : 0;
          frame->function = match_group (match, 4);
          frame->mark = mark == NULL ? AGVIZ_ERROR_FRAME_MARK_NONE
                        : g_str_equal (mark, "**") ? AGVIZ_ERROR_FRAME_MARK_ALLOWLISTED
                                                   : AGVIZ_ERROR_FRAME_MARK_CONVERTED;
          frame->section = state == STATE_USER_CODE ? AGVIZ_ERROR_FRAME_USER_CODE
                           : state == STATE_NODE_DEFINITION ? AGVIZ_ERROR_FRAME_NODE_DEFINITION
                                                            : AGVIZ_ERROR_FRAME_TRACEBACK;
          if (frame->section == AGVIZ_ERROR_FRAME_NODE_DEFINITION)
            frame->node = g_strdup (current_node);
          if (state == STATE_AFTER_EXCEPTION)
            state = STATE_TRACEBACK;   /* a chained exception's traceback */
          g_ptr_array_add (self->frames, frame);
          last_frame = frame;
          last_frame_indent = indent;
          continue;
        }
      g_clear_pointer (&match, g_match_info_free);

      /* The code line printed under a frame is indented deeper than the frame. */
      if (last_frame != NULL && last_frame->code == NULL && indent > last_frame_indent &&
          line[indent] != '\0')
        {
          if (!is_caret_line (line))
            last_frame->code = g_strdup (line + indent);
          continue;
        }
      if (is_caret_line (line))
        continue;
      last_frame = NULL;

      if (indent == 0 &&
          (match_line (patterns->exception, line, &match) ||
           match_line (patterns->tf1_exception, line, &match)))
        {
          /* The last exception of a chain is the one that was raised. */
          g_free (self->exception_type);
          g_free (self->message);
          self->exception_type = g_match_info_fetch (match, 1);
          self->message = g_match_info_fetch (match, 2);
          g_string_truncate (detail, 0);
          g_strstrip (self->message);
          state = g_str_equal (self->message, "in user code:") ? STATE_USER_CODE
                                                                : STATE_AFTER_EXCEPTION;
          scan_node_mentions (self, line);
          continue;
        }
      g_clear_pointer (&match, g_match_info_free);

      if (state == STATE_USER_CODE || state == STATE_NODE_DEFINITION ||
          state == STATE_AFTER_EXCEPTION)
        {
          /* Inside "in user code:" the cause is the indented "ValueError: ..." after the
           * frames; a runtime error's own lines ("Incompatible shapes: ...") follow its header. */
          if (state == STATE_USER_CODE && match_line (patterns->nested_exception, line, &match))
            {
              append_detail (self, detail, line);
              state = STATE_AFTER_EXCEPTION;
            }
          else if (state != STATE_NODE_DEFINITION && line[indent] != '\0' &&
                   !g_str_has_prefix (line + indent, "[[") &&
                   !g_str_has_prefix (line + indent, "During handling of the above exception") &&
                   !g_str_has_prefix (line + indent, "The above exception was the direct cause"))
            append_detail (self, detail, line);
          else if (state == STATE_NODE_DEFINITION && line[indent] != '\0' && indent == 0)
            {
              state = STATE_AFTER_EXCEPTION;
              append_detail (self, detail, line);
            }
        }
      scan_node_mentions (self, line);
    }

  if (detail->len > 0)
    self->detail = g_strdup (detail->str);

  /* The most telling finding names the text. */
  if (variable_message)
    self->kind = AGVIZ_ERROR_TEXT_VARIABLE_NON_FIRST_CALL;
  else if (self->exception_type != NULL && self->nodes->len > 0)
    self->kind = AGVIZ_ERROR_TEXT_GRAPH_RUNTIME;
  else if (self->exception_type != NULL && g_strcmp0 (self->message, "in user code:") == 0)
    self->kind = AGVIZ_ERROR_TEXT_AUTOGRAPH_USER_CODE;
  else if (self->retrace_count > 0)
    self->kind = AGVIZ_ERROR_TEXT_RETRACING_WARNING;
  else if (self->kind == AGVIZ_ERROR_TEXT_AUTOGRAPH_TRANSFORM)
    ;
  else if (self->nodes->len > 0)
    self->kind = AGVIZ_ERROR_TEXT_GRAPH_RUNTIME;
  else if (self->exception_type != NULL)
    self->kind = AGVIZ_ERROR_TEXT_PYTHON_EXCEPTION;

  return g_steal_pointer (&self);
}
