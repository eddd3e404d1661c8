/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-coloring.c: the fill of each box (see agviz-coloring.h) */
#define G_LOG_DOMAIN "agviz-coloring"

#include "config.h"

#include <math.h>
#include <string.h>

#include "agviz-coloring.h"
#include "agviz-drawing-private.h"

G_DEFINE_ENUM_TYPE (AgvizColorBy, agviz_color_by,
  G_DEFINE_ENUM_VALUE (AGVIZ_COLOR_BY_OP, "op"),
  G_DEFINE_ENUM_VALUE (AGVIZ_COLOR_BY_DEVICE, "device"),
  G_DEFINE_ENUM_VALUE (AGVIZ_COLOR_BY_TIME, "time"),
  G_DEFINE_ENUM_VALUE (AGVIZ_COLOR_BY_TRACE, "trace"),
  G_DEFINE_ENUM_VALUE (AGVIZ_COLOR_BY_NONE, "none"))

struct _AgvizColoring
{
  AgvizColorBy  color_by;
  GHashTable   *op_timings;      /* op type -> mean ns (gint64 *), NULL when none */
  gint64        fastest_ns;
  gint64        slowest_ns;
  double        log_fastest;     /* the scale's ends */
  double        log_slowest;
};

gboolean
agviz_color_by_from_string (const char   *text,
                            AgvizColorBy *color_by)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (AGVIZ_TYPE_COLOR_BY);
  GEnumValue *value;

  g_return_val_if_fail (color_by != NULL, FALSE);

  value = text != NULL ? g_enum_get_value_by_nick (klass, text) : NULL;
  if (value == NULL)
    return FALSE;
  *color_by = (AgvizColorBy) value->value;
  return TRUE;
}

const char *
agviz_color_by_to_string (AgvizColorBy color_by)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (AGVIZ_TYPE_COLOR_BY);
  GEnumValue *value = g_enum_get_value (klass, color_by);

  g_return_val_if_fail (value != NULL, NULL);
  /* The class of a static enum type is never freed: its strings stay. */
  return value->value_nick;
}

static AgvizColor
color_from_hex (const char *hex)
{
  guint value = (guint) g_ascii_strtoull (hex + 1, NULL, 16);

  g_assert (hex[0] == '#' && strlen (hex) == 7);
  /* In double, then rounded once: the same floats as gdk_rgba_parse() gives for @hex. */
  return (AgvizColor) { (float) (((value >> 16) & 0xff) / 255.0),
                        (float) (((value >> 8) & 0xff) / 255.0),
                        (float) ((value & 0xff) / 255.0) };
}

void
agviz_color_to_hex (const AgvizColor *color,
                    char              hex[8])
{
  g_return_if_fail (color != NULL);

  g_snprintf (hex, 8, "#%02x%02x%02x",
              (guint) lround (CLAMP (color->red, 0.0f, 1.0f) * 255),
              (guint) lround (CLAMP (color->green, 0.0f, 1.0f) * 255),
              (guint) lround (CLAMP (color->blue, 0.0f, 1.0f) * 255));
}

AgvizColor
agviz_color_for_dark_theme (AgvizColor color)
{
  static const AgvizColor dark_base = { 0.15f, 0.15f, 0.17f };
  const float mix = 0.6f;

  color.red = color.red * (1 - mix) + dark_base.red * mix;
  color.green = color.green * (1 - mix) + dark_base.green * mix;
  color.blue = color.blue * (1 - mix) + dark_base.blue * mix;
  return color;
}

AgvizColoring *
agviz_coloring_new (AgvizColorBy  color_by,
                    GHashTable   *op_timings)
{
  AgvizColoring *self = g_new0 (AgvizColoring, 1);
  GHashTableIter iter;
  gpointer value;

  self->color_by = color_by;
  if (color_by != AGVIZ_COLOR_BY_TIME || op_timings == NULL || g_hash_table_size (op_timings) == 0)
    return self;
  self->op_timings = g_hash_table_ref (op_timings);
  self->fastest_ns = G_MAXINT64;
  self->slowest_ns = G_MININT64;
  g_hash_table_iter_init (&iter, op_timings);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      gint64 duration_ns = *(const gint64 *) value;

      self->fastest_ns = MIN (self->fastest_ns, duration_ns);
      self->slowest_ns = MAX (self->slowest_ns, duration_ns);
    }
  self->log_fastest = log ((double) MAX (self->fastest_ns, 1));
  self->log_slowest = log ((double) MAX (self->slowest_ns, 1));
  return self;
}

void
agviz_coloring_free (AgvizColoring *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->op_timings, g_hash_table_unref);
  g_free (self);
}

AgvizColorBy
agviz_coloring_get_color_by (const AgvizColoring *self)
{
  g_return_val_if_fail (self != NULL, AGVIZ_COLOR_BY_NONE);
  return self->color_by;
}

gboolean
agviz_coloring_get_time_range (const AgvizColoring *self,
                               gint64              *fastest_ns,
                               gint64              *slowest_ns)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->op_timings == NULL)
    return FALSE;
  if (fastest_ns != NULL)
    *fastest_ns = self->fastest_ns;
  if (slowest_ns != NULL)
    *slowest_ns = self->slowest_ns;
  return TRUE;
}

AgvizColor
agviz_coloring_time_color (const AgvizColoring *self,
                           gint64               duration_ns)
{
  static const AgvizColor fast = { 1.0f, 0.96f, 0.80f };
  static const AgvizColor slow = { 0.91f, 0.36f, 0.18f };
  double span;
  float t;

  g_return_val_if_fail (self != NULL, fast);

  span = self->log_slowest - self->log_fastest;
  /* One timed op type (no span) is the slow end: it is the slowest there is. */
  t = span > 0 ? (float) ((log ((double) MAX (duration_ns, 1)) - self->log_fastest) / span) : 1.0f;
  t = CLAMP (t, 0.0f, 1.0f);
  return (AgvizColor) { fast.red + (slow.red - fast.red) * t, fast.green + (slow.green - fast.green) * t,
                        fast.blue + (slow.blue - fast.blue) * t };
}

/* The mean duration of @item's op type when colouring by time, else NULL. */
static const gint64 *
lookup_duration (const AgvizColoring  *self,
                 const AgvizSceneItem *item)
{
  if (self->color_by != AGVIZ_COLOR_BY_TIME || self->op_timings == NULL || item->op_type == NULL)
    return NULL;
  return g_hash_table_lookup (self->op_timings, item->op_type);
}

AgvizColor
agviz_coloring_get_fill (const AgvizColoring  *self,
                         const AgvizSceneItem *item)
{
  const gint64 *duration_ns;

  g_return_val_if_fail (self != NULL && item != NULL, color_from_hex ("#ffffff"));

  duration_ns = lookup_duration (self, item);
  if (duration_ns != NULL)
    return agviz_coloring_time_color (self, *duration_ns);
  return color_from_hex (_agviz_drawing_fill (item, self->color_by));
}

void
agviz_coloring_get_fill_hex (const AgvizColoring  *self,
                             const AgvizSceneItem *item,
                             char                  hex[8])
{
  const gint64 *duration_ns;
  AgvizColor fill;

  g_return_if_fail (self != NULL && item != NULL);

  duration_ns = lookup_duration (self, item);
  if (duration_ns == NULL)
    {
      /* The palette's own text: exactly what the SVG always wrote. */
      g_strlcpy (hex, _agviz_drawing_fill (item, self->color_by), 8);
      return;
    }
  fill = agviz_coloring_time_color (self, *duration_ns);
  agviz_color_to_hex (&fill, hex);
}

AgvizColor
agviz_coloring_diff_fill (AgvizDiffMark mark)
{
  switch (mark)
    {
    case AGVIZ_DIFF_MARK_ADDED: return color_from_hex ("#b2f2bb");
    case AGVIZ_DIFF_MARK_CHANGED: return color_from_hex ("#ffd43b");
    case AGVIZ_DIFF_MARK_INSIDE: return color_from_hex ("#fff3bf");
    case AGVIZ_DIFF_MARK_NONE:
    default: return color_from_hex ("#ffffff");
    }
}

AgvizColor
agviz_coloring_diff_outline (AgvizDiffMark mark)
{
  switch (mark)
    {
    case AGVIZ_DIFF_MARK_ADDED: return color_from_hex ("#2b8a3e");
    case AGVIZ_DIFF_MARK_CHANGED:
    case AGVIZ_DIFF_MARK_INSIDE: return color_from_hex ("#e67700");
    case AGVIZ_DIFF_MARK_NONE:
    default: return color_from_hex ("#5a6270");
    }
}

gboolean
agviz_coloring_get_diff_fill (AgvizGraphDiff       *diff,
                              const AgvizSceneItem *item,
                              AgvizColor           *fill)
{
  AgvizDiffMark mark;

  g_return_val_if_fail (AGVIZ_IS_GRAPH_DIFF (diff), FALSE);
  g_return_val_if_fail (item != NULL && fill != NULL, FALSE);

  mark = agviz_graph_diff_mark_item (diff, item);
  if (mark == AGVIZ_DIFF_MARK_NONE)
    return FALSE;
  *fill = agviz_coloring_diff_fill (mark);
  return TRUE;
}
