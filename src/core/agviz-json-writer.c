/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-json-writer.c: streaming JSON output */
#define G_LOG_DOMAIN "agviz-json"

#include "config.h"

#include <math.h>

#include "agviz-json-writer.h"

struct _AgvizJsonWriter
{
  GString *out;
  GArray  *needs_comma;   /* one gboolean per open container */
  gboolean after_key;
};

AgvizJsonWriter *
agviz_json_writer_new (void)
{
  AgvizJsonWriter *self = g_new0 (AgvizJsonWriter, 1);

  self->out = g_string_new (NULL);
  self->needs_comma = g_array_new (FALSE, FALSE, sizeof (gboolean));
  return self;
}

void
agviz_json_writer_free (AgvizJsonWriter *self)
{
  if (self == NULL)
    return;
  g_string_free (self->out, TRUE);
  g_array_unref (self->needs_comma);
  g_free (self);
}

char *
agviz_json_writer_finish (AgvizJsonWriter *self)
{
  char *text;

  g_return_val_if_fail (self != NULL, NULL);
  g_warn_if_fail (self->needs_comma->len == 0);

  g_string_append_c (self->out, '\n');
  text = g_string_free (self->out, FALSE);
  self->out = NULL;
  g_array_unref (self->needs_comma);
  g_free (self);
  return text;
}

static void
newline_and_indent (AgvizJsonWriter *self)
{
  g_string_append_c (self->out, '\n');
  for (guint i = 0; i < self->needs_comma->len; i++)
    g_string_append (self->out, "  ");
}

/* Writes what separates a new value from the previous one. */
static void
begin_value (AgvizJsonWriter *self)
{
  gboolean *needs_comma;

  if (self->after_key)
    {
      self->after_key = FALSE;
      return;
    }
  if (self->needs_comma->len == 0)
    return;
  needs_comma = &g_array_index (self->needs_comma, gboolean, self->needs_comma->len - 1);
  if (*needs_comma)
    g_string_append_c (self->out, ',');
  *needs_comma = TRUE;
  newline_and_indent (self);
}

static void
append_string_literal (GString    *out,
                       const char *value)
{
  g_autofree char *valid = g_utf8_make_valid (value, -1);

  g_string_append_c (out, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

static void
begin_container (AgvizJsonWriter *self,
                 char             bracket)
{
  gboolean no_comma_yet = FALSE;

  begin_value (self);
  g_string_append_c (self->out, bracket);
  g_array_append_val (self->needs_comma, no_comma_yet);
}

static void
end_container (AgvizJsonWriter *self,
               char             bracket)
{
  gboolean had_members;

  g_return_if_fail (self->needs_comma->len > 0);

  had_members = g_array_index (self->needs_comma, gboolean, self->needs_comma->len - 1);
  g_array_set_size (self->needs_comma, self->needs_comma->len - 1);
  if (had_members)
    newline_and_indent (self);
  g_string_append_c (self->out, bracket);
}

void
agviz_json_writer_begin_object (AgvizJsonWriter *self)
{
  begin_container (self, '{');
}

void
agviz_json_writer_end_object (AgvizJsonWriter *self)
{
  end_container (self, '}');
}

void
agviz_json_writer_begin_array (AgvizJsonWriter *self)
{
  begin_container (self, '[');
}

void
agviz_json_writer_end_array (AgvizJsonWriter *self)
{
  end_container (self, ']');
}

void
agviz_json_writer_key (AgvizJsonWriter *self,
                       const char      *key)
{
  g_return_if_fail (key != NULL);

  begin_value (self);
  append_string_literal (self->out, key);
  g_string_append (self->out, ": ");
  self->after_key = TRUE;
}

void
agviz_json_writer_string (AgvizJsonWriter *self,
                          const char      *value)
{
  begin_value (self);
  if (value == NULL)
    g_string_append (self->out, "null");
  else
    append_string_literal (self->out, value);
}

void
agviz_json_writer_int (AgvizJsonWriter *self,
                       gint64           value)
{
  begin_value (self);
  g_string_append_printf (self->out, "%" G_GINT64_FORMAT, value);
}

void
agviz_json_writer_double (AgvizJsonWriter *self,
                          double           value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  begin_value (self);
  if (!isfinite (value))
    g_string_append (self->out, "null");
  else
    g_string_append (self->out, g_ascii_dtostr (buffer, sizeof buffer, value));
}

void
agviz_json_writer_boolean (AgvizJsonWriter *self,
                           gboolean         value)
{
  begin_value (self);
  g_string_append (self->out, value ? "true" : "false");
}

void
agviz_json_writer_null (AgvizJsonWriter *self)
{
  begin_value (self);
  g_string_append (self->out, "null");
}

/* The members of an object, key and value in one call: most objects are written field by field. */
void
agviz_json_writer_member_string (AgvizJsonWriter *self,
                                 const char      *key,
                                 const char      *value)
{
  agviz_json_writer_key (self, key);
  agviz_json_writer_string (self, value);
}

void
agviz_json_writer_member_int (AgvizJsonWriter *self,
                              const char      *key,
                              gint64           value)
{
  agviz_json_writer_key (self, key);
  agviz_json_writer_int (self, value);
}

void
agviz_json_writer_member_boolean (AgvizJsonWriter *self,
                                  const char      *key,
                                  gboolean         value)
{
  agviz_json_writer_key (self, key);
  agviz_json_writer_boolean (self, value);
}
