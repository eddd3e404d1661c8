/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-json-reader.c: JSON text into GVariant, by recursive descent with a depth limit */
#define G_LOG_DOMAIN "agviz-json"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agviz-json-reader.h"

#define MAX_DEPTH 256

G_DEFINE_QUARK (agviz-json-error-quark, agviz_json_error)

typedef struct
{
  const char *text;
  gsize       length;
  gsize       at;
  GError    **error;
} Reader;

static GVariant *read_value (Reader *reader, guint depth);

static gboolean
fail (Reader     *reader,
      const char *what)
{
  if (reader->error != NULL && *reader->error == NULL)
    g_set_error (reader->error, AGVIZ_JSON_ERROR, AGVIZ_JSON_ERROR_SYNTAX,
                 "byte offset %" G_GSIZE_FORMAT ": %s", reader->at, what);
  return FALSE;
}

static void
skip_space (Reader *reader)
{
  while (reader->at < reader->length &&
         (reader->text[reader->at] == ' ' || reader->text[reader->at] == '\t' ||
          reader->text[reader->at] == '\n' || reader->text[reader->at] == '\r'))
    reader->at++;
}

static gboolean
take (Reader *reader,
      char    c)
{
  skip_space (reader);
  if (reader->at < reader->length && reader->text[reader->at] == c)
    {
      reader->at++;
      return TRUE;
    }
  return FALSE;
}

static int
hex_digit (char c)
{
  return g_ascii_xdigit_value (c);
}

/* Four hex digits after "\u"; -1 when they are not there. */
static int
read_hex4 (Reader *reader)
{
  int value = 0;

  if (reader->length - reader->at < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int digit = hex_digit (reader->text[reader->at + i]);
      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  reader->at += 4;
  return value;
}

static char *
read_string (Reader *reader)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gsize start;

  if (!take (reader, '"'))
    {
      fail (reader, "expected a string");
      return NULL;
    }
  start = reader->at;
  while (reader->at < reader->length)
    {
      char c = reader->text[reader->at];

      if (c == '"')
        {
          reader->at++;
          if (!g_utf8_validate_len (out->str, out->len, NULL))
            {
              reader->at = start;
              fail (reader, "a string that is not valid UTF-8");
              return NULL;
            }
          return g_string_free (g_steal_pointer (&out), FALSE);
        }
      if ((guchar) c < 0x20)
        {
          fail (reader, "a control character inside a string");
          return NULL;
        }
      if (c != '\\')
        {
          g_string_append_c (out, c);
          reader->at++;
          continue;
        }
      if (++reader->at >= reader->length)
        break;
      c = reader->text[reader->at++];
      switch (c)
        {
        case '"': case '\\': case '/': g_string_append_c (out, c); break;
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          {
            int unit = read_hex4 (reader);
            gunichar character;

            if (unit < 0)
              {
                fail (reader, "\\u without four hex digits");
                return NULL;
              }
            character = (gunichar) unit;
            /* A UTF-16 surrogate pair names one character; a lone half is replaced. */
            if (unit >= 0xD800 && unit <= 0xDBFF && reader->length - reader->at >= 6 &&
                reader->text[reader->at] == '\\' && reader->text[reader->at + 1] == 'u')
              {
                gsize before = reader->at;
                int low;

                reader->at += 2;
                low = read_hex4 (reader);
                if (low >= 0xDC00 && low <= 0xDFFF)
                  character = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                else
                  reader->at = before;
              }
            if (character >= 0xD800 && character <= 0xDFFF)
              character = 0xFFFD;
            if (character == 0)
              character = 0xFFFD;      /* GVariant strings end at NUL */
            g_string_append_unichar (out, character);
            break;
          }
        default:
          reader->at--;
          fail (reader, "an unknown escape in a string");
          return NULL;
        }
    }
  fail (reader, "a string that does not end");
  return NULL;
}

static GVariant *
read_number (Reader *reader)
{
  gsize start = reader->at, end = start;
  g_autofree char *text = NULL;
  gboolean integral = TRUE;
  char *stop = NULL;

  if (end < reader->length && reader->text[end] == '-')
    end++;
  if (end >= reader->length || !g_ascii_isdigit (reader->text[end]))
    {
      fail (reader, "expected a value");
      return NULL;
    }
  if (reader->text[end] == '0')
    end++;
  else
    while (end < reader->length && g_ascii_isdigit (reader->text[end]))
      end++;
  if (end < reader->length && reader->text[end] == '.')
    {
      integral = FALSE;
      if (++end >= reader->length || !g_ascii_isdigit (reader->text[end]))
        {
          reader->at = end;
          fail (reader, "a number with no digits after its point");
          return NULL;
        }
      while (end < reader->length && g_ascii_isdigit (reader->text[end]))
        end++;
    }
  if (end < reader->length && (reader->text[end] == 'e' || reader->text[end] == 'E'))
    {
      integral = FALSE;
      end++;
      if (end < reader->length && (reader->text[end] == '+' || reader->text[end] == '-'))
        end++;
      if (end >= reader->length || !g_ascii_isdigit (reader->text[end]))
        {
          reader->at = end;
          fail (reader, "a number with no digits in its exponent");
          return NULL;
        }
      while (end < reader->length && g_ascii_isdigit (reader->text[end]))
        end++;
    }
  text = g_strndup (reader->text + start, end - start);
  reader->at = end;
  if (integral)
    {
      gint64 value;

      errno = 0;
      value = g_ascii_strtoll (text, &stop, 10);
      if (errno == 0 && stop != NULL && *stop == '\0')
        return g_variant_new_int64 (value);
    }
  return g_variant_new_double (g_ascii_strtod (text, NULL));
}

static gboolean
take_word (Reader     *reader,
           const char *word)
{
  gsize length = strlen (word);

  if (reader->length - reader->at < length ||
      memcmp (reader->text + reader->at, word, length) != 0)
    return FALSE;
  reader->at += length;
  return TRUE;
}

static GVariant *
read_object (Reader *reader,
             guint   depth)
{
  GVariantBuilder members;

  g_variant_builder_init (&members, G_VARIANT_TYPE_VARDICT);
  reader->at++;
  if (take (reader, '}'))
    return g_variant_builder_end (&members);
  do
    {
      g_autofree char *key = NULL;
      GVariant *value;

      skip_space (reader);
      key = read_string (reader);
      if (key == NULL)
        break;
      if (!take (reader, ':'))
        {
          fail (reader, "expected ':' after a member's name");
          break;
        }
      value = read_value (reader, depth + 1);
      if (value == NULL)
        break;
      g_variant_builder_add (&members, "{sv}", key, value);
      g_variant_unref (value);
      if (take (reader, '}'))
        return g_variant_builder_end (&members);
    }
  while (take (reader, ','));
  fail (reader, "expected ',' or '}' in an object");
  g_variant_builder_clear (&members);
  return NULL;
}

static GVariant *
read_array (Reader *reader,
            guint   depth)
{
  GVariantBuilder items;

  g_variant_builder_init (&items, G_VARIANT_TYPE ("av"));
  reader->at++;
  if (take (reader, ']'))
    return g_variant_builder_end (&items);
  do
    {
      GVariant *value = read_value (reader, depth + 1);

      if (value == NULL)
        break;
      g_variant_builder_add (&items, "v", value);
      g_variant_unref (value);
      if (take (reader, ']'))
        return g_variant_builder_end (&items);
    }
  while (take (reader, ','));
  fail (reader, "expected ',' or ']' in an array");
  g_variant_builder_clear (&items);
  return NULL;
}

/* A full reference to the value at the reader, or NULL with the error set. */
static GVariant *
read_value (Reader *reader,
            guint   depth)
{
  GVariant *value = NULL;
  char c;

  if (depth > MAX_DEPTH)
    {
      if (reader->error != NULL && *reader->error == NULL)
        g_set_error (reader->error, AGVIZ_JSON_ERROR, AGVIZ_JSON_ERROR_TOO_DEEP,
                     "byte offset %" G_GSIZE_FORMAT ": nested more than %d levels deep",
                     reader->at, MAX_DEPTH);
      return NULL;
    }
  skip_space (reader);
  if (reader->at >= reader->length)
    {
      fail (reader, "expected a value, found the end of the text");
      return NULL;
    }
  c = reader->text[reader->at];
  if (c == '{')
    value = read_object (reader, depth);
  else if (c == '[')
    value = read_array (reader, depth);
  else if (c == '"')
    {
      char *string = read_string (reader);
      if (string != NULL)
        value = g_variant_new_take_string (string);
    }
  else if (take_word (reader, "true"))
    value = g_variant_new_boolean (TRUE);
  else if (take_word (reader, "false"))
    value = g_variant_new_boolean (FALSE);
  else if (take_word (reader, "null"))
    value = g_variant_new_maybe (G_VARIANT_TYPE_VARIANT, NULL);
  else
    value = read_number (reader);
  return value != NULL ? g_variant_ref_sink (value) : NULL;
}

GVariant *
agviz_json_parse (const char  *text,
                  gssize       length,
                  GError     **error)
{
  Reader reader = { text, length < 0 ? strlen (text) : (gsize) length, 0, error };
  GVariant *value;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  value = read_value (&reader, 0);
  if (value == NULL)
    return NULL;
  skip_space (&reader);
  if (reader.at < reader.length)
    {
      fail (&reader, "more text after the value");
      g_variant_unref (value);
      return NULL;
    }
  /* Serialised once, the members looked up later point into one buffer that @value keeps. */
  g_variant_get_data (value);
  return value;
}

static GVariant *
member (GVariant   *object,
        const char *key)
{
  if (object == NULL || !g_variant_is_of_type (object, G_VARIANT_TYPE_VARDICT))
    return NULL;
  return g_variant_lookup_value (object, key, NULL);
}

const char *
agviz_json_get_string (GVariant   *object,
                       const char *key)
{
  g_autoptr(GVariant) value = member (object, key);

  /* The string lives in @object, which holds the member. */
  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return NULL;
  return g_variant_get_string (value, NULL);
}

gint64
agviz_json_get_int (GVariant   *object,
                    const char *key,
                    gint64      default_value)
{
  g_autoptr(GVariant) value = member (object, key);

  if (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return g_variant_get_int64 (value);
  return default_value;
}

gboolean
agviz_json_get_boolean (GVariant   *object,
                        const char *key,
                        gboolean    default_value)
{
  g_autoptr(GVariant) value = member (object, key);

  if (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return g_variant_get_boolean (value);
  return default_value;
}
