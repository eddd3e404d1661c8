/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-text-format.c: the text format, driven by protobuf-c descriptors */
#define G_LOG_DOMAIN "agviz-text-format"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "agviz-import-error.h"
#include "agviz-proto-decoder.h"
#include "agviz-text-format.h"

typedef struct
{
  const char  *filename;
  const char  *p;
  const char  *end;
  const char  *line_start;
  int          line;
  guint        depth;
  GByteArray  *out;
  GError     **error;
} Parser;

/* ---- errors and positions ---------------------------------------------------------------- */

static gboolean
fail (Parser     *parser,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static char *
describe_here (Parser *parser)
{
  const char *p = parser->p;
  gsize n = 0;

  if (p >= parser->end)
    return g_strdup ("the end of the file");
  while (p + n < parser->end && n < 16 && p[n] != '\n' && p[n] != '\r')
    n++;
  if (n == 0)
    return g_strdup ("the end of the line");
  return g_strdup_printf ("'%.*s'", (int) n, p);
}

static gboolean
fail (Parser     *parser,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (parser->error == NULL || *parser->error != NULL)
    return FALSE;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (parser->error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_SYNTAX, "%s:%d:%d: %s",
               parser->filename, parser->line, (int) (parser->p - parser->line_start) + 1,
               message);
  return FALSE;
}

static gboolean
fail_expected (Parser     *parser,
               const char *expected)
{
  g_autofree char *found = describe_here (parser);

  return fail (parser, "expected %s, found %s", expected, found);
}

/* ---- tokens ------------------------------------------------------------------------------ */

static void
skip_space (Parser *parser)
{
  while (parser->p < parser->end)
    {
      char c = *parser->p;

      if (c == '\n')
        {
          parser->p++;
          parser->line++;
          parser->line_start = parser->p;
        }
      else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v')
        parser->p++;
      else if (c == '#')
        {
          while (parser->p < parser->end && *parser->p != '\n')
            parser->p++;
        }
      else
        break;
    }
}

static int
peek (Parser *parser)
{
  skip_space (parser);
  return parser->p < parser->end ? (guchar) *parser->p : -1;
}

static gboolean
accept (Parser *parser,
        char    c)
{
  if (peek (parser) == (guchar) c)
    {
      parser->p++;
      return TRUE;
    }
  return FALSE;
}

static gboolean
is_ident_start (int c)
{
  return g_ascii_isalpha (c) || c == '_';
}

static gboolean
is_ident_char (int c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* An identifier at the current position (after skip_space), or FALSE. */
static gboolean
read_identifier (Parser      *parser,
                 const char **start,
                 gsize       *length)
{
  const char *p;

  if (!is_ident_start (peek (parser)))
    return FALSE;
  p = parser->p;
  while (parser->p < parser->end && is_ident_char ((guchar) *parser->p))
    parser->p++;
  *start = p;
  *length = parser->p - p;
  return TRUE;
}

/* A number-like token: digits, letters, dots and exponent signs ("1e-5", "0x1F", "2.5f"). */
static gboolean
read_number_token (Parser      *parser,
                   const char **start,
                   gsize       *length)
{
  const char *p;
  int c = peek (parser);

  if (!g_ascii_isdigit (c) && c != '.')
    return FALSE;
  p = parser->p;
  while (parser->p < parser->end)
    {
      c = (guchar) *parser->p;
      if (g_ascii_isalnum (c) || c == '.' || c == '_')
        parser->p++;
      else if ((c == '-' || c == '+') && parser->p > p &&
               (parser->p[-1] == 'e' || parser->p[-1] == 'E') &&
               !(parser->p - p > 1 && (p[1] == 'x' || p[1] == 'X')))
        parser->p++;
      else
        break;
    }
  *start = p;
  *length = parser->p - p;
  return TRUE;
}

static int
hex_value (int c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static void
append_utf8 (GByteArray *out,
             gunichar    ch)
{
  char buffer[6];
  int n = g_unichar_to_utf8 (ch, buffer);

  g_byte_array_append (out, (const guint8 *) buffer, n);
}

/* One quoted literal, unescaped, appended to @value. */
static gboolean
read_string_literal (Parser     *parser,
                     GByteArray *value)
{
  const char *opening = parser->p;
  char quote = *parser->p++;

  while (TRUE)
    {
      guint8 c;

      if (parser->p >= parser->end || *parser->p == '\n')
        {
          parser->p = opening;
          return fail (parser, "string not closed before the end of the line");
        }
      c = *parser->p++;
      if (c == (guint8) quote)
        return TRUE;
      if (c != '\\')
        {
          g_byte_array_append (value, &c, 1);
          continue;
        }
      if (parser->p >= parser->end)
        return fail (parser, "a backslash at the end of the file");
      c = *parser->p++;
      switch (c)
        {
        case 'n': c = '\n'; break;
        case 't': c = '\t'; break;
        case 'r': c = '\r'; break;
        case 'a': c = '\a'; break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'v': c = '\v'; break;
        case '\\': case '\'': case '"': case '?': break;
        case 'x': case 'X':
          {
            int digits = 0, v = 0;

            while (digits < 2 && parser->p < parser->end && hex_value (*parser->p) >= 0)
              {
                v = v * 16 + hex_value (*parser->p++);
                digits++;
              }
            if (digits == 0)
              return fail (parser, "\\x without hex digits");
            c = (guint8) v;
            break;
          }
        case 'u': case 'U':
          {
            int want = c == 'u' ? 4 : 8;
            gunichar ch = 0;

            for (int i = 0; i < want; i++)
              {
                if (parser->p >= parser->end || hex_value (*parser->p) < 0)
                  return fail (parser, "\\%c needs %d hex digits", c, want);
                ch = ch * 16 + hex_value (*parser->p++);
              }
            if (!g_unichar_validate (ch))
              return fail (parser, "\\%c escape is not a Unicode character", c);
            append_utf8 (value, ch);
            continue;
          }
        default:
          if (c >= '0' && c <= '7')
            {
              int v = c - '0';

              for (int i = 0; i < 2 && parser->p < parser->end &&
                   *parser->p >= '0' && *parser->p <= '7'; i++)
                v = v * 8 + (*parser->p++ - '0');
              if (v > 255)
                return fail (parser, "octal escape above \\377");
              c = (guint8) v;
              break;
            }
          parser->p--;
          return fail (parser, "unknown escape \\%c", c);
        }
      g_byte_array_append (value, &c, 1);
    }
}

/* One or more adjacent literals ("a" 'b' "c"), as the text format allows. */
static gboolean
read_string (Parser     *parser,
             GByteArray *value)
{
  int c = peek (parser);

  if (c != '"' && c != '\'')
    return fail_expected (parser, "a quoted string");
  do
    {
      if (!read_string_literal (parser, value))
        return FALSE;
      c = peek (parser);
    }
  while (c == '"' || c == '\'');
  return TRUE;
}

/* ---- wire encoding ----------------------------------------------------------------------- */

static void
put_varint (GByteArray *out,
            guint64     value)
{
  guint8 buffer[10];
  guint n = 0;

  do
    {
      buffer[n] = value & 0x7f;
      value >>= 7;
      if (value != 0)
        buffer[n] |= 0x80;
      n++;
    }
  while (value != 0);
  g_byte_array_append (out, buffer, n);
}

static void
put_tag (GByteArray *out,
         guint32     number,
         guint       wire_type)
{
  put_varint (out, ((guint64) number << 3) | wire_type);
}

static void
put_fixed32 (GByteArray *out,
             guint32     value)
{
  value = GUINT32_TO_LE (value);
  g_byte_array_append (out, (const guint8 *) &value, 4);
}

static void
put_fixed64 (GByteArray *out,
             guint64     value)
{
  value = GUINT64_TO_LE (value);
  g_byte_array_append (out, (const guint8 *) &value, 8);
}

/* Inserts the varint length of everything written since @start in front of it. */
static void
close_length (GByteArray *out,
              guint       start)
{
  guint8 buffer[10];
  guint64 length = out->len - start;
  guint n = 0;

  do
    {
      buffer[n] = length & 0x7f;
      length >>= 7;
      if (length != 0)
        buffer[n] |= 0x80;
      n++;
    }
  while (length != 0);
  length = out->len - start;
  g_byte_array_set_size (out, out->len + n);
  memmove (out->data + start + n, out->data + start, length);
  memcpy (out->data + start, buffer, n);
}

/* ---- scalars ----------------------------------------------------------------------------- */

static gboolean
parse_integer (Parser     *parser,
               gboolean    is_signed,
               guint       bits,
               guint64    *out)
{
  g_autofree char *text = NULL;
  const char *start, *token;
  gsize length;
  gboolean negative = FALSE;
  guint64 magnitude;
  char *end;

  skip_space (parser);
  token = parser->p;
  if (accept (parser, '-'))
    negative = TRUE;
  if (!read_number_token (parser, &start, &length))
    return fail_expected (parser, "an integer");
  text = g_strndup (start, length);
  errno = 0;
  magnitude = g_ascii_strtoull (text, &end, 0);
  /* Errors point at the number, not after it. */
  parser->p = token;
  if (*end != '\0' || errno != 0)
    return fail (parser, "'%s%s' is not an integer", negative ? "-" : "", text);

  if (!is_signed)
    {
      if (negative && magnitude != 0)
        return fail (parser, "-%s: this field cannot be negative", text);
      if (bits == 32 && magnitude > G_MAXUINT32)
        return fail (parser, "%s is too large for a 32-bit field", text);
      *out = magnitude;
      parser->p = start + length;
      return TRUE;
    }
  if (negative)
    {
      guint64 limit = bits == 32 ? (guint64) G_MAXINT32 + 1 : (guint64) G_MAXINT64 + 1;

      if (magnitude > limit)
        return fail (parser, "-%s is too small for a %u-bit field", text, bits);
      *out = (guint64) (-(gint64) (magnitude - 1) - 1);
    }
  else
    {
      guint64 limit = bits == 32 ? (guint64) G_MAXINT32 : (guint64) G_MAXINT64;

      if (magnitude > limit)
        return fail (parser, "%s is too large for a %u-bit field", text, bits);
      *out = magnitude;
    }
  parser->p = start + length;
  return TRUE;
}

static gboolean
parse_float (Parser *parser,
             double *out)
{
  g_autofree char *text = NULL;
  const char *start;
  gsize length;
  gboolean negative = accept (parser, '-');
  char *end;

  if (read_identifier (parser, &start, &length))
    {
      text = g_ascii_strdown (start, length);
      if (g_str_equal (text, "inf") || g_str_equal (text, "infinity") ||
          g_str_equal (text, "inff") || g_str_equal (text, "infinityf"))
        *out = INFINITY;
      else if (g_str_equal (text, "nan") || g_str_equal (text, "nanf"))
        *out = NAN;
      else
        return fail (parser, "'%.*s' is not a number", (int) length, start);
    }
  else if (read_number_token (parser, &start, &length))
    {
      text = g_strndup (start, length);
      if (length > 1 && (text[length - 1] == 'f' || text[length - 1] == 'F') &&
          !(text[1] == 'x' || text[1] == 'X'))
        text[length - 1] = '\0';
      if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        *out = (double) g_ascii_strtoull (text, &end, 16);
      else
        *out = g_ascii_strtod (text, &end);
      if (*end != '\0')
        return fail (parser, "'%.*s' is not a number", (int) length, start);
    }
  else
    return fail_expected (parser, "a number");

  if (negative)
    *out = -*out;
  return TRUE;
}

static gboolean
parse_bool (Parser   *parser,
            gboolean *out)
{
  const char *start;
  gsize length;

  if (read_identifier (parser, &start, &length) || read_number_token (parser, &start, &length))
    {
      if ((length == 4 && strncmp (start, "true", 4) == 0) ||
          (length == 4 && strncmp (start, "True", 4) == 0) ||
          (length == 1 && (*start == 't' || *start == '1')))
        *out = TRUE;
      else if ((length == 5 && strncmp (start, "false", 5) == 0) ||
               (length == 5 && strncmp (start, "False", 5) == 0) ||
               (length == 1 && (*start == 'f' || *start == '0')))
        *out = FALSE;
      else
        return fail (parser, "'%.*s' is not true or false", (int) length, start);
      return TRUE;
    }
  return fail_expected (parser, "true or false");
}

static gboolean
parse_enum (Parser                        *parser,
            const ProtobufCEnumDescriptor *descriptor,
            guint64                       *out)
{
  const char *start;
  gsize length;

  if (read_identifier (parser, &start, &length))
    {
      g_autofree char *name = g_strndup (start, length);
      const ProtobufCEnumValue *value =
        protobuf_c_enum_descriptor_get_value_by_name (descriptor, name);

      if (value == NULL)
        {
          parser->p = start;
          return fail (parser, "'%s' is not a value of %s", name, descriptor->name);
        }
      *out = (guint64) (gint64) value->value;
      return TRUE;
    }
  return parse_integer (parser, TRUE, 32, out);
}

/* Parses one value of a non-message @field and appends it, tagged, to the output. */
static gboolean
parse_scalar (Parser                         *parser,
              const ProtobufCFieldDescriptor *field)
{
  GByteArray *out = parser->out;
  guint64 integer = 0;
  double real = 0;
  gboolean boolean = FALSE;

  switch (field->type)
    {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
      if (!parse_integer (parser, TRUE, 32, &integer))
        return FALSE;
      break;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
      if (!parse_integer (parser, FALSE, 32, &integer))
        return FALSE;
      break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
      if (!parse_integer (parser, TRUE, 64, &integer))
        return FALSE;
      break;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
      if (!parse_integer (parser, FALSE, 64, &integer))
        return FALSE;
      break;
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_DOUBLE:
      if (!parse_float (parser, &real))
        return FALSE;
      break;
    case PROTOBUF_C_TYPE_BOOL:
      if (!parse_bool (parser, &boolean))
        return FALSE;
      break;
    case PROTOBUF_C_TYPE_ENUM:
      if (!parse_enum (parser, field->descriptor, &integer))
        return FALSE;
      break;
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_BYTES:
      {
        g_autoptr(GByteArray) value = g_byte_array_new ();

        if (!read_string (parser, value))
          return FALSE;
        put_tag (out, field->id, 2);
        put_varint (out, value->len);
        g_byte_array_append (out, value->data, value->len);
        return TRUE;
      }
    case PROTOBUF_C_TYPE_MESSAGE:
    default:
      g_assert_not_reached ();
    }

  switch (field->type)
    {
    case PROTOBUF_C_TYPE_SINT32:
      put_tag (out, field->id, 0);
      put_varint (out, (guint32) (((gint32) integer << 1) ^ ((gint32) integer >> 31)));
      break;
    case PROTOBUF_C_TYPE_SINT64:
      put_tag (out, field->id, 0);
      put_varint (out, ((guint64) integer << 1) ^ (guint64) ((gint64) integer >> 63));
      break;
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_FIXED32:
      put_tag (out, field->id, 5);
      put_fixed32 (out, (guint32) integer);
      break;
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_FIXED64:
      put_tag (out, field->id, 1);
      put_fixed64 (out, integer);
      break;
    case PROTOBUF_C_TYPE_FLOAT:
      {
        float f = (float) real;
        guint32 bits;

        memcpy (&bits, &f, 4);
        put_tag (out, field->id, 5);
        put_fixed32 (out, bits);
        break;
      }
    case PROTOBUF_C_TYPE_DOUBLE:
      {
        guint64 bits;

        memcpy (&bits, &real, 8);
        put_tag (out, field->id, 1);
        put_fixed64 (out, bits);
        break;
      }
    case PROTOBUF_C_TYPE_BOOL:
      put_tag (out, field->id, 0);
      put_varint (out, boolean ? 1 : 0);
      break;
    default:
      /* int32, int64, uint32, uint64, enum: plain varints (negative int32 sign-extended). */
      put_tag (out, field->id, 0);
      put_varint (out, integer);
      break;
    }
  return TRUE;
}

/* ---- messages ---------------------------------------------------------------------------- */

static gboolean parse_fields (Parser                           *parser,
                              const ProtobufCMessageDescriptor *descriptor,
                              char                              closing);
static gboolean skip_value   (Parser                           *parser);

static gboolean
enter (Parser *parser)
{
  if (++parser->depth > AGVIZ_PROTO_MAX_DEPTH)
    return fail (parser, "messages nested more than %d deep", AGVIZ_PROTO_MAX_DEPTH);
  return TRUE;
}

static gboolean
parse_message_value (Parser                         *parser,
                     const ProtobufCFieldDescriptor *field)
{
  char closing;
  guint start;

  if (accept (parser, '{'))
    closing = '}';
  else if (accept (parser, '<'))
    closing = '>';
  else
    return fail_expected (parser, "'{' or '<' to open a message");

  if (!enter (parser))
    return FALSE;
  put_tag (parser->out, field->id, 2);
  start = parser->out->len;
  if (!parse_fields (parser, field->descriptor, closing))
    return FALSE;
  close_length (parser->out, start);
  parser->depth--;
  return TRUE;
}

static gboolean
parse_field_value (Parser                         *parser,
                   const ProtobufCFieldDescriptor *field)
{
  if (field->type == PROTOBUF_C_TYPE_MESSAGE)
    return parse_message_value (parser, field);
  return parse_scalar (parser, field);
}

/* A field's value(s) after its name: "name: value", "name { ... }", "name: [a, b]". */
static gboolean
parse_field (Parser                         *parser,
             const ProtobufCFieldDescriptor *field)
{
  gboolean colon = accept (parser, ':');

  if (!colon && field->type != PROTOBUF_C_TYPE_MESSAGE)
    return fail_expected (parser, "':' after the field name");

  if (accept (parser, '['))
    {
      if (field->label != PROTOBUF_C_LABEL_REPEATED)
        return fail (parser, "field '%s' is not repeated, so it takes no [ ] list",
                     field->name);
      if (accept (parser, ']'))
        return TRUE;
      do
        {
          if (!parse_field_value (parser, field))
            return FALSE;
        }
      while (accept (parser, ','));
      if (!accept (parser, ']'))
        return fail_expected (parser, "',' or ']' in the list");
      return TRUE;
    }
  return parse_field_value (parser, field);
}

/* Skips a scalar token or a block, for fields agviz does not declare. */
static gboolean
skip_single (Parser *parser)
{
  const char *start;
  gsize length;
  int c = peek (parser);

  if (c == '{' || c == '<')
    {
      char closing = c == '{' ? '}' : '>';

      parser->p++;
      if (!enter (parser))
        return FALSE;
      while (!accept (parser, closing))
        {
          if (peek (parser) < 0)
            return fail_expected (parser, closing == '}' ? "'}'" : "'>'");
          if (!skip_value (parser))
            return FALSE;
        }
      parser->depth--;
      return TRUE;
    }
  if (c == '"' || c == '\'')
    {
      g_autoptr(GByteArray) ignored = g_byte_array_new ();
      return read_string (parser, ignored);
    }
  accept (parser, '-');
  if (read_identifier (parser, &start, &length) || read_number_token (parser, &start, &length))
    return TRUE;
  return fail_expected (parser, "a value");
}

/* Inside a skipped block: "name[:] value" pairs, lists, separators. */
static gboolean
skip_value (Parser *parser)
{
  const char *start;
  gsize length;
  int c = peek (parser);

  if (c == ',' || c == ';')
    {
      parser->p++;
      return TRUE;
    }
  if (c == '[')
    {
      /* An extension or Any type name in a field position. */
      parser->p++;
      while (parser->p < parser->end && *parser->p != ']' && *parser->p != '\n')
        parser->p++;
      if (!accept (parser, ']'))
        return fail_expected (parser, "']'");
    }
  else if (!read_identifier (parser, &start, &length))
    return fail_expected (parser, "a field name");

  if (accept (parser, ':'))
    {
      if (accept (parser, '['))
        {
          if (accept (parser, ']'))
            return TRUE;
          do
            {
              if (!skip_single (parser))
                return FALSE;
            }
          while (accept (parser, ','));
          if (!accept (parser, ']'))
            return fail_expected (parser, "',' or ']' in the list");
          return TRUE;
        }
      return skip_single (parser);
    }
  c = peek (parser);
  if (c != '{' && c != '<')
    return fail_expected (parser, "':' or '{' after the field name");
  return skip_single (parser);
}

static gboolean
parse_fields (Parser                           *parser,
              const ProtobufCMessageDescriptor *descriptor,
              char                              closing)
{
  while (TRUE)
    {
      const ProtobufCFieldDescriptor *field;
      const char *start;
      gsize length;
      int c = peek (parser);

      if (c < 0)
        {
          if (closing == 0)
            return TRUE;
          return fail (parser, "the file ends inside a %s message (missing '%c')",
                       descriptor->short_name, closing);
        }
      if (c == (guchar) closing && closing != 0)
        {
          parser->p++;
          return TRUE;
        }
      if (c == '[')
        {
          if (!skip_value (parser))
            return FALSE;
          continue;
        }
      if (!read_identifier (parser, &start, &length))
        return fail_expected (parser, closing != 0 ? "a field name or the end of the message"
                                                   : "a field name");
      {
        g_autofree char *name = g_strndup (start, length);

        field = protobuf_c_message_descriptor_get_field_by_name (descriptor, name);
      }
      if (field == NULL)
        {
          parser->p = start;
          if (!skip_value (parser))
            return FALSE;
        }
      else if (!parse_field (parser, field))
        return FALSE;

      /* Optional separators between fields. */
      if (!accept (parser, ','))
        accept (parser, ';');
    }
}

GByteArray *
agviz_text_format_parse (const ProtobufCMessageDescriptor  *descriptor,
                         const char                        *text,
                         gsize                              length,
                         const char                        *filename,
                         GError                           **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  Parser parser = {
    .filename = filename != NULL ? filename : "(text)",
    .p = text,
    .end = text + length,
    .line_start = text,
    .line = 1,
    .out = out,
    .error = error,
  };

  g_return_val_if_fail (descriptor != NULL, NULL);
  g_return_val_if_fail (text != NULL || length == 0, NULL);

  if (length >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
    parser.p += 3;
  if (!parse_fields (&parser, descriptor, 0))
    return NULL;
  return g_steal_pointer (&out);
}

ProtobufCMessage *
agviz_text_format_decode (const ProtobufCMessageDescriptor  *descriptor,
                          const char                        *text,
                          gsize                              length,
                          const char                        *filename,
                          GError                           **error)
{
  g_autoptr(GByteArray) binary = agviz_text_format_parse (descriptor, text, length, filename,
                                                          error);
  g_autofree char *what = NULL;

  if (binary == NULL)
    return NULL;
  what = g_strdup_printf ("%s (text format)", filename != NULL ? filename : "text");
  return agviz_proto_decode (descriptor, binary->data, binary->len, what, error);
}

/* ---- printing ---------------------------------------------------------------------------- */

static void
indent (GString *out,
        guint    level)
{
  for (guint i = 0; i < level; i++)
    g_string_append (out, "  ");
}

static void
print_escaped (GString      *out,
               const guint8 *data,
               gsize         length)
{
  g_string_append_c (out, '"');
  for (gsize i = 0; i < length; i++)
    {
      guint8 c = data[i];

      switch (c)
        {
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '"': g_string_append (out, "\\\""); break;
        case '\'': g_string_append (out, "\\'"); break;
        case '\\': g_string_append (out, "\\\\"); break;
        default:
          if (c < 0x20 || c >= 0x7f)
            g_string_append_printf (out, "\\%03o", c);
          else
            g_string_append_c (out, c);
        }
    }
  g_string_append_c (out, '"');
}

static void print_message (const ProtobufCMessage *message, GString *out, guint level);

void
agviz_text_format_append_number (GString *out,
                                 double   value,
                                 guint    significant_digits)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  char format[16];

  g_return_if_fail (out != NULL);
  g_return_if_fail (significant_digits >= 1 && significant_digits <= 17);

  if (isnan (value))
    g_string_append (out, "nan");
  else if (isinf (value))
    g_string_append (out, value < 0 ? "-inf" : "inf");
  else
    {
      g_snprintf (format, sizeof format, "%%.%ug", significant_digits);
      g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, format, value));
    }
}

static void
print_value (const ProtobufCFieldDescriptor *field,
             const void                     *member,
             GString                        *out,
             guint                           level)
{
  switch (field->type)
    {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
      g_string_append_printf (out, "%d", *(const gint32 *) member);
      break;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
      g_string_append_printf (out, "%u", *(const guint32 *) member);
      break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, *(const gint64 *) member);
      break;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
      g_string_append_printf (out, "%" G_GUINT64_FORMAT, *(const guint64 *) member);
      break;
    case PROTOBUF_C_TYPE_FLOAT:
      agviz_text_format_append_number (out, *(const float *) member, 17);
      break;
    case PROTOBUF_C_TYPE_DOUBLE:
      agviz_text_format_append_number (out, *(const double *) member, 17);
      break;
    case PROTOBUF_C_TYPE_BOOL:
      g_string_append (out, *(const protobuf_c_boolean *) member ? "true" : "false");
      break;
    case PROTOBUF_C_TYPE_ENUM:
      {
        int value = *(const int *) member;
        const ProtobufCEnumValue *named =
          protobuf_c_enum_descriptor_get_value (field->descriptor, value);

        if (named != NULL)
          g_string_append (out, named->name);
        else
          g_string_append_printf (out, "%d", value);
        break;
      }
    case PROTOBUF_C_TYPE_STRING:
      {
        const char *s = *(char *const *) member;
        print_escaped (out, (const guint8 *) s, s != NULL ? strlen (s) : 0);
        break;
      }
    case PROTOBUF_C_TYPE_BYTES:
      {
        const ProtobufCBinaryData *b = member;
        print_escaped (out, b->data, b->len);
        break;
      }
    case PROTOBUF_C_TYPE_MESSAGE:
      g_string_append (out, "{\n");
      print_message (*(ProtobufCMessage *const *) member, out, level + 1);
      indent (out, level);
      g_string_append_c (out, '}');
      break;
    default:
      g_assert_not_reached ();
    }
}

static gsize
member_size (ProtobufCType type)
{
  switch (type)
    {
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE:
      return 8;
    case PROTOBUF_C_TYPE_BOOL:
      return sizeof (protobuf_c_boolean);
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_MESSAGE:
      return sizeof (void *);
    case PROTOBUF_C_TYPE_BYTES:
      return sizeof (ProtobufCBinaryData);
    default:
      return 4;
    }
}

/* Whether a proto3 field without presence holds its default (and so is not printed). */
static gboolean
is_default (const ProtobufCFieldDescriptor *field,
            const void                     *member)
{
  switch (field->type)
    {
    case PROTOBUF_C_TYPE_STRING:
      {
        const char *s = *(char *const *) member;
        return s == NULL || *s == '\0';
      }
    case PROTOBUF_C_TYPE_BYTES:
      return ((const ProtobufCBinaryData *) member)->len == 0;
    case PROTOBUF_C_TYPE_MESSAGE:
      return *(void *const *) member == NULL;
    case PROTOBUF_C_TYPE_FLOAT:
      return *(const float *) member == 0 && !signbit (*(const float *) member);
    case PROTOBUF_C_TYPE_DOUBLE:
      return *(const double *) member == 0 && !signbit (*(const double *) member);
    default:
      {
        static const guint8 zeros[8] = { 0 };
        return memcmp (member, zeros, member_size (field->type)) == 0;
      }
    }
}

static void
print_message (const ProtobufCMessage *message,
               GString                *out,
               guint                   level)
{
  const ProtobufCMessageDescriptor *descriptor = message->descriptor;
  const guint8 *base = (const guint8 *) message;
  g_autofree guint *order = g_new (guint, descriptor->n_fields);

  /* Fields in number order, as TensorFlow prints them. */
  for (guint i = 0; i < descriptor->n_fields; i++)
    order[i] = i;
  for (guint i = 1; i < descriptor->n_fields; i++)
    for (guint j = i; j > 0 && descriptor->fields[order[j - 1]].id >
                               descriptor->fields[order[j]].id; j--)
      {
        guint t = order[j];
        order[j] = order[j - 1];
        order[j - 1] = t;
      }

  for (guint k = 0; k < descriptor->n_fields; k++)
    {
      const ProtobufCFieldDescriptor *field = &descriptor->fields[order[k]];
      const void *member = base + field->offset;
      const char *separator = field->type == PROTOBUF_C_TYPE_MESSAGE ? " " : ": ";

      if (field->label == PROTOBUF_C_LABEL_REPEATED)
        {
          gsize n = *(const size_t *) (base + field->quantifier_offset);
          const guint8 *values = *(const guint8 *const *) member;

          for (gsize i = 0; i < n; i++)
            {
              indent (out, level);
              g_string_append_printf (out, "%s%s", field->name, separator);
              print_value (field, values + i * member_size (field->type), out, level);
              g_string_append_c (out, '\n');
            }
          continue;
        }

      if (field->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
        {
          if (*(const guint32 *) (base + field->quantifier_offset) != field->id)
            continue;
        }
      else if (field->label == PROTOBUF_C_LABEL_OPTIONAL && field->quantifier_offset != 0 &&
               field->type != PROTOBUF_C_TYPE_MESSAGE && field->type != PROTOBUF_C_TYPE_STRING)
        {
          if (!*(const protobuf_c_boolean *) (base + field->quantifier_offset))
            continue;
        }
      else if (is_default (field, member))
        continue;

      indent (out, level);
      g_string_append_printf (out, "%s%s", field->name, separator);
      print_value (field, member, out, level);
      g_string_append_c (out, '\n');
    }
}

void
agviz_text_format_print (const ProtobufCMessage *message,
                         GString                *out)
{
  g_return_if_fail (message != NULL);
  g_return_if_fail (out != NULL);

  print_message (message, out, 0);
}

GPtrArray *
agviz_text_format_top_level_names (const char *data,
                                   gsize       length)
{
  GPtrArray *names;
  int depth = 0;
  gsize i = 0;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  names = g_ptr_array_new_with_free_func (g_free);
  while (i < length && names->len < 64)
    {
      char c = data[i];

      if (c == '#')
        {
          while (i < length && data[i] != '\n')
            i++;
        }
      else if (c == '"' || c == '\'')
        {
          i++;
          while (i < length && data[i] != c && data[i] != '\n')
            i += data[i] == '\\' ? 2 : 1;
          i++;
        }
      else if (c == '{' || c == '<')
        depth++, i++;
      else if (c == '}' || c == '>')
        depth--, i++;
      else if (depth == 0 && (g_ascii_isalpha (c) || c == '_'))
        {
          gsize start = i;

          while (i < length && (g_ascii_isalnum (data[i]) || data[i] == '_'))
            i++;
          /* A name is followed by ':' or '{'; values (enum names, true) are not. */
          {
            gsize j = i;
            while (j < length && (data[j] == ' ' || data[j] == '\t' || data[j] == '\n' ||
                                  data[j] == '\r'))
              j++;
            if (j < length && (data[j] == ':' || data[j] == '{' || data[j] == '<'))
              g_ptr_array_add (names, g_strndup (data + start, i - start));
          }
        }
      else
        i++;
    }
  return names;
}
