/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-drawing.c: the SVG writer, and what every output format shares (colours, titles, text)
 *
 * SVG is written by agviz rather than by Graphviz because the drawing is a composition of many
 * separate dot layouts, and because the ids, titles and escaping must be exactly right whatever
 * bytes the names hold.  Output is streamed, so memory stays bounded by one item's text.
 */
#define G_LOG_DOMAIN "agviz-drawing"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "agviz-annotation-geometry.h"
#include "agviz-drawing.h"
#include "agviz-drawing-private.h"
#include "agviz-legend.h"
#include "agviz-text.h"

#define FLUSH_SIZE     (64 * 1024)
#define LEGEND_WIDTH   230.0
#define MAX_ID_BYTES   1024
#define MAX_TITLE_CHARS 2000

/* Pastel fills, readable under black text. */
static const char *const palette[] = {
  "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
  "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f",
};

void
agviz_drawing_append_xml_text (GString    *buffer,
                               const char *text,
                               gssize      length,
                               guint       max_chars)
{
  gsize rest_bytes;
  g_autofree char *valid = agviz_text_valid_prefix (text, length, max_chars, &rest_bytes);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        case '<': g_string_append (buffer, "&lt;"); break;
        case '>': g_string_append (buffer, "&gt;"); break;
        case '&': g_string_append (buffer, "&amp;"); break;
        case '"': g_string_append (buffer, "&quot;"); break;
        case '\'': g_string_append (buffer, "&apos;"); break;
        case '\n': g_string_append (buffer, "&#10;"); break;
        case '\t': g_string_append (buffer, "&#9;"); break;
        default:
          /* XML 1.0 has no way to carry these, not even as references: show them instead. */
          if (c < 0x20 || c == 0x7f || c == 0xfffe || c == 0xffff)
            g_string_append_printf (buffer, "\\x%02X", c & 0xff);
          else
            g_string_append_unichar (buffer, c);
        }
    }
  if (rest_bytes > 0)
    g_string_append (buffer, "…");
}

const char *
_agviz_drawing_fill (const AgvizSceneItem *item,
                     AgvizColorBy          color_by)
{
  const char *key = NULL;

  if (item->kind == AGVIZ_SCENE_ITEM_SCOPE || item->kind == AGVIZ_SCENE_ITEM_SECTION ||
      item->kind == AGVIZ_SCENE_ITEM_ROOT)
    return color_by == AGVIZ_COLOR_BY_TRACE
           ? palette[(guint) item->trace_id % G_N_ELEMENTS (palette)] : "#eef1f5";
  switch (color_by)
    {
    case AGVIZ_COLOR_BY_OP:
      key = item->op_type;
      break;
    case AGVIZ_COLOR_BY_DEVICE:
      key = item->device;
      break;
    case AGVIZ_COLOR_BY_TRACE:
      return palette[(guint) item->trace_id % G_N_ELEMENTS (palette)];
    case AGVIZ_COLOR_BY_TIME:
    case AGVIZ_COLOR_BY_NONE:
    default:
      break;
    }
  if (key == NULL)
    return "#ffffff";
  /* g_str_hash is a fixed function: an op type keeps its colour from run to run. */
  return palette[g_str_hash (key) % G_N_ELEMENTS (palette)];
}

/* The innermost frame of @stack_id as "file:line", or NULL. */
static char *
source_location (AgvizStore *store,
                 gint64      stack_id)
{
  g_autoptr(GPtrArray) frames = NULL;
  AgvizFrame *frame;

  if (stack_id == 0)
    return NULL;
  frames = agviz_store_get_stack (store, stack_id, NULL);
  if (frames == NULL || frames->len == 0)
    return NULL;
  frame = g_ptr_array_index (frames, frames->len - 1);
  return g_strdup_printf ("%s:%d", frame->file, frame->line);
}

char *
_agviz_drawing_dup_title (AgvizScene           *scene,
                          const AgvizSceneItem *item)
{
  GString *title = g_string_new (NULL);
  g_autofree char *path = agviz_scene_item_dup_path (item);

  g_string_append (title, item->kind == AGVIZ_SCENE_ITEM_ROOT ? item->name : path);
  if (item->kind == AGVIZ_SCENE_ITEM_OP)
    {
      g_autoptr(AgvizNode) node = agviz_store_get_node (agviz_scene_get_store (scene),
                                                        item->node_id, NULL);
      g_autoptr(GVariant) shape = NULL;
      g_autofree char *location = source_location (agviz_scene_get_store (scene), item->stack_id);

      g_string_append_printf (title, "\nop: %s", item->op_type);
      if (item->device != NULL)
        g_string_append_printf (title, "\ndevice: %s", item->device);
      if (node != NULL && node->attrs != NULL &&
          (shape = g_variant_lookup_value (node->attrs, "_output_shapes", G_VARIANT_TYPE_STRING)))
        g_string_append_printf (title, "\nshape: %s", g_variant_get_string (shape, NULL));
      if (location != NULL)
        g_string_append_printf (title, "\nsource: %s", location);
      if (item->callees != NULL)
        {
          g_autofree char *callees = g_strjoinv (", ", item->callees);
          g_string_append_printf (title, "\ncalls: %s", callees);
        }
    }
  else
    {
      g_autoptr(GHashTable) histogram = agviz_scene_item_dup_histogram (item);
      g_autoptr(GList) ops = g_list_sort (g_hash_table_get_keys (histogram), (GCompareFunc) strcmp);
      guint shown = 0;

      g_string_append_printf (title, "\n%" G_GINT64_FORMAT " ops", item->op_count);
      for (GList *l = ops; l != NULL && shown < 12; l = l->next, shown++)
        g_string_append_printf (title, "\n  %s × %" G_GSIZE_FORMAT, (char *) l->data,
                                GPOINTER_TO_SIZE (g_hash_table_lookup (histogram, l->data)));
      if (g_list_length (ops) > 12)
        g_string_append_printf (title, "\n  … %u more op types", g_list_length (ops) - 12);
    }
  return g_string_free (title, FALSE);
}

char *
_agviz_drawing_dup_subtitle (const AgvizSceneItem *item)
{
  switch (item->kind)
    {
    case AGVIZ_SCENE_ITEM_OP:
      if (item->callees != NULL)
        return g_strdup_printf ("%s → %s%s", item->op_type, item->callees[0],
                                item->callees[1] != NULL ? ", …" : "");
      return g_strdup (item->op_type);
    case AGVIZ_SCENE_ITEM_SERIES:
      return g_strdup_printf ("%u × %s", item->children->len,
                              item->op_type != NULL ? item->op_type : "scope");
    case AGVIZ_SCENE_ITEM_GROUP:
      if (item->op_type != NULL)
        return g_strdup_printf ("%u × %s", item->children->len, item->op_type);
      return g_strdup_printf ("%" G_GINT64_FORMAT " ops", item->op_count);
    case AGVIZ_SCENE_ITEM_ROOT:
    case AGVIZ_SCENE_ITEM_SCOPE:
    case AGVIZ_SCENE_ITEM_SECTION:
    default:
      return g_strdup_printf ("%" G_GINT64_FORMAT " ops", item->op_count);
    }
}

guint
_agviz_drawing_title_chars (double box_width)
{
  return (guint) MAX (8.0, (box_width - 16.0) / 6.0);
}

double
_agviz_drawing_edge_width (const AgvizSceneEdge *edge)
{
  /* TensorBoard's scale: a 0.3 power of the tensor size, [1, 5e6] elements to [0.75, 12] px. */
  double size, t;

  if (edge->tensor_elements <= 1)
    return 1.0;
  size = MIN ((double) edge->tensor_elements, 5e6);
  t = (pow (size, 0.3) - 1) / (pow (5e6, 0.3) - 1);
  return 0.75 + t * (12 - 0.75);
}

typedef struct
{
  FILE                *out;
  GString             *buffer;
  const AgvizColoring *coloring;
  GHashTable          *ids;       /* ids used so far: ids must be unique in one document */
  gboolean             failed;
} SvgWriter;

static void
flush (SvgWriter *writer,
       gboolean   force)
{
  if (writer->buffer->len < FLUSH_SIZE && !force)
    return;
  if (fwrite (writer->buffer->str, 1, writer->buffer->len, writer->out) != writer->buffer->len)
    writer->failed = TRUE;
  g_string_truncate (writer->buffer, 0);
}

/* id="..." from a full name, made unique, cut to a sane length with a hash of the rest. */
static void
append_id (SvgWriter  *writer,
           const char *prefix,
           const char *name)
{
  g_autoptr(GString) id = g_string_new (prefix);
  guint suffix = 1;

  if (strlen (name) > MAX_ID_BYTES)
    {
      g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);
      g_string_append_len (id, name, MAX_ID_BYTES);
      g_string_append_printf (id, "~%.16s", digest);
    }
  else
    g_string_append (id, name);
  if (g_hash_table_contains (writer->ids, id->str))
    {
      gsize base = id->len;
      do
        {
          g_string_truncate (id, base);
          g_string_append_printf (id, "~%u", ++suffix);
        }
      while (g_hash_table_contains (writer->ids, id->str));
    }
  g_string_append (writer->buffer, " id=\"");
  agviz_drawing_append_xml_text (writer->buffer, id->str, id->len, 0);
  g_string_append_c (writer->buffer, '"');
  g_hash_table_add (writer->ids, g_string_free (g_steal_pointer (&id), FALSE));
}

static void
append_number (GString *buffer,
               double   value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (buffer, g_ascii_formatd (text, sizeof text, "%.2f", value));
}

static void
append_title (SvgWriter  *writer,
              const char *title)
{
  g_string_append (writer->buffer, "<title>");
  agviz_drawing_append_xml_text (writer->buffer, title, -1, MAX_TITLE_CHARS);
  g_string_append (writer->buffer, "</title>");
}

static const char *
item_class (const AgvizSceneItem *item)
{
  switch (item->kind)
    {
    case AGVIZ_SCENE_ITEM_OP: return item->callees != NULL ? "node op call" : "node op";
    case AGVIZ_SCENE_ITEM_SCOPE: return "node scope";
    case AGVIZ_SCENE_ITEM_SERIES: return "node series";
    case AGVIZ_SCENE_ITEM_SECTION: return "node section";
    case AGVIZ_SCENE_ITEM_GROUP: return "node group";
    case AGVIZ_SCENE_ITEM_ROOT:
    default: return "node graph";
    }
}

/* The small text of an annotation: its name, then dtype and shape where the node has them. */
char *
_agviz_drawing_dup_annotation_label (AgvizScene           *scene,
                                     const AgvizSceneItem *annotation)
{
  g_autoptr(AgvizNode) node = agviz_store_get_node (agviz_scene_get_store (scene),
                                                    annotation->node_id, NULL);
  g_autoptr(GVariant) dtype = NULL;
  g_autoptr(GVariant) shape = NULL;
  GString *label = g_string_new (annotation->name);

  if (node != NULL && node->attrs != NULL &&
      (dtype = g_variant_lookup_value (node->attrs, "dtype", G_VARIANT_TYPE_STRING)) != NULL)
    g_string_append_printf (label, " %s", g_variant_get_string (dtype, NULL));
  if (node != NULL && node->attrs != NULL &&
      (shape = g_variant_lookup_value (node->attrs, "_output_shapes", G_VARIANT_TYPE_STRING)) != NULL)
    g_string_append_printf (label, " %s", g_variant_get_string (shape, NULL));
  return g_string_free (label, FALSE);
}

/* The tooltip of an annotation: the op's own, and the edges it stands for. */
char *
_agviz_drawing_dup_annotation_title (AgvizScene           *scene,
                                     const AgvizSceneItem *annotation)
{
  g_autofree char *title = _agviz_drawing_dup_title (scene, annotation);
  g_autofree char *host = agviz_scene_item_dup_path (annotation->annotated);

  return g_strdup_printf ("%s\n%s %s (%u edge%s)", title, annotation->annotation_out ? "output of" : "input of",
                          host, annotation->annotation_edges,
                          annotation->annotation_edges == 1 ? "" : "s");
}

/* The tooltip of a side's "… N more" line: the names it stands for. */
static char *
dup_more_title (const AgvizSceneItem      *item,
                const AgvizAnnotationLine *line,
                const char                *host)
{
  GPtrArray *annotations = agviz_scene_item_get_annotations (item);
  GString *title = g_string_new (NULL);

  g_string_printf (title, "%u more %s of %s:", line->n_more, line->out ? "outputs" : "inputs", host);
  for (guint i = 0; i < annotations->len; i++)
    {
      const AgvizSceneItem *annotation = g_ptr_array_index (annotations, i);

      if (annotation->annotation_out == line->out && annotation->annotation_hidden)
        g_string_append_printf (title, "\n%s", annotation->name);
    }
  return g_string_free (title, FALSE);
}

/* Annotations beside a closed box (agviz_annotation_list_lines()): inputs left of it, outputs
 * right, one line each. */
static void
write_annotations (SvgWriter            *writer,
                   AgvizScene           *scene,
                   const AgvizSceneItem *item,
                   const AgvizLayoutBox *box)
{
  g_autoptr(GArray) lines = agviz_annotation_list_lines (item);
  GString *b = writer->buffer;
  g_autofree char *host = NULL;

  if (lines->len == 0)
    return;
  host = agviz_scene_item_dup_path (item);
  for (guint i = 0; i < lines->len; i++)
    {
      const AgvizAnnotationLine *line = &g_array_index (lines, AgvizAnnotationLine, i);
      double x = line->out ? box->x + box->width + 4 : box->x - 4;
      double y = box->y + 8 + line->slot * AGVIZ_ANNOTATION_LINE;
      const char *side = line->out ? "out" : "in";
      g_autofree char *id = NULL;
      g_autofree char *title = NULL;
      g_autofree char *label = NULL;

      if (line->annotation != NULL)
        {
          id = agviz_scene_item_dup_path (line->annotation);
          title = _agviz_drawing_dup_annotation_title (scene, line->annotation);
          label = _agviz_drawing_dup_annotation_label (scene, line->annotation);
        }
      else
        {
          id = g_strdup_printf ("%s:%s", host, side);
          title = dup_more_title (item, line, host);
          label = g_strdup_printf ("… %u more", line->n_more);
        }
      g_string_append (b, "<g");
      append_id (writer, line->annotation != NULL ? "annotation:" : "annotations-more:", id);
      g_string_append_printf (b, " class=\"annotation %s%s\">", side,
                              line->annotation != NULL ? "" : " more");
      append_title (writer, title);
      g_string_append (b, "<text class=\"annotation\" x=\"");
      append_number (b, x);
      g_string_append (b, "\" y=\"");
      append_number (b, y);
      g_string_append_printf (b, "\" text-anchor=\"%s\">", line->out ? "start" : "end");
      agviz_drawing_append_xml_text (b, label, -1, 24);
      g_string_append (b, "</text></g>\n");
    }
}

static void
write_item (SvgWriter                 *writer,
            AgvizLayout               *layout,
            const AgvizSceneItem      *item,
            const AgvizDrawingOptions *options)
{
  AgvizScene *scene = agviz_layout_get_scene (layout);
  GString *b = writer->buffer;
  AgvizLayoutBox box;
  g_autofree char *path = agviz_scene_item_dup_path (item);
  g_autofree char *title = _agviz_drawing_dup_title (scene, item);
  g_autofree char *label = NULL;
  g_autofree char *subtitle = _agviz_drawing_dup_subtitle (item);
  gboolean open = item->expanded && item->children != NULL;
  char fill[8] = "none";

  if (!agviz_layout_get_box (layout, item, &box))
    return;
  /* An open box's title runs along its top edge: keep it inside the frame. */
  label = agviz_layout_dup_label (item, open ? _agviz_drawing_title_chars (box.width) : 28);
  g_string_append (b, "<g");
  append_id (writer, item->kind == AGVIZ_SCENE_ITEM_OP ? "" : "scope:", path);
  g_string_append_printf (b, " class=\"%s%s%s%s\">", item_class (item),
                          open ? " expanded" : "", item->auxiliary ? " auxiliary" : "",
                          item == options->focus ? " focus" : "");
  append_title (writer, title);

  g_string_append (b, "<rect x=\"");
  append_number (b, box.x);
  g_string_append (b, "\" y=\"");
  append_number (b, box.y);
  g_string_append (b, "\" width=\"");
  append_number (b, box.width);
  g_string_append (b, "\" height=\"");
  append_number (b, box.height);
  if (!open)
    agviz_coloring_get_fill_hex (writer->coloring, item, fill);
  g_string_append_printf (b, "\" rx=\"%d\" fill=\"%s\"/>", item->kind == AGVIZ_SCENE_ITEM_OP ? 3 : 8,
                          fill);

  g_string_append (b, "<text x=\"");
  append_number (b, box.x + (open ? 8 : box.width / 2));
  g_string_append (b, "\" y=\"");
  append_number (b, box.y + (open ? 15 : 15));
  g_string_append_printf (b, "\"%s>", open ? "" : " text-anchor=\"middle\"");
  agviz_drawing_append_xml_text (b, label, -1, 0);
  if (open)
    {
      g_string_append (b, " <tspan class=\"sub\">");
      agviz_drawing_append_xml_text (b, subtitle, -1, 40);
      g_string_append (b, "</tspan>");
    }
  g_string_append (b, "</text>");
  if (!open)
    {
      g_string_append (b, "<text class=\"sub\" text-anchor=\"middle\" x=\"");
      append_number (b, box.x + box.width / 2);
      g_string_append (b, "\" y=\"");
      append_number (b, box.y + 29);
      g_string_append (b, "\">");
      agviz_drawing_append_xml_text (b, subtitle, -1, 30);
      g_string_append (b, "</text>");
    }
  g_string_append (b, "</g>\n");
  if (!open)
    write_annotations (writer, scene, item, &box);
}

static void
write_edges (SvgWriter            *writer,
             AgvizLayout          *layout,
             AgvizSceneItem       *container)
{
  AgvizScene *scene = agviz_layout_get_scene (layout);
  guint n_aux = 0;
  g_autoptr(GArray) edges = agviz_scene_list_edges (scene, container, &n_aux);
  GString *b = writer->buffer;

  for (guint i = 0; i < edges->len; i++)
    {
      AgvizSceneEdge *edge = &g_array_index (edges, AgvizSceneEdge, i);
      const AgvizLayoutRoute *route = agviz_layout_get_route (layout, container, edge->src, edge->dst);
      g_autofree char *src = agviz_scene_item_dup_path (edge->src);
      g_autofree char *dst = agviz_scene_item_dup_path (edge->dst);
      g_autofree char *id = NULL;
      g_autofree char *title = NULL;
      gboolean control = edge->control_count == edge->count;

      if (route == NULL || route->n_points < 1)
        continue;
      id = g_strdup_printf ("%s->%s", src, dst);
      title = g_strdup_printf ("%s → %s\n%u edge%s%s%s", src, dst, edge->count,
                               edge->count == 1 ? "" : "s",
                               edge->control_count > 0 ? ", control" : "",
                               edge->reference_count > 0 ? ", reference" : "");
      if (edge->tensor_elements >= 0)
        {
          g_autofree char *with_size = g_strdup_printf ("%s\n%" G_GINT64_FORMAT " elements", title,
                                                        edge->tensor_elements);
          g_free (title);
          title = g_steal_pointer (&with_size);
        }
      g_string_append (b, "<g");
      append_id (writer, "edge:", id);
      g_string_append_printf (b, " class=\"edge%s%s\">", control ? " control" : "",
                              edge->reference_count > 0 ? " reference" : "");
      append_title (writer, title);
      g_string_append (b, "<path d=\"M");
      append_number (b, route->points[0]);
      g_string_append_c (b, ',');
      append_number (b, route->points[1]);
      for (guint p = 1; p + 2 < route->n_points; p += 3)
        {
          g_string_append (b, " C");
          for (guint k = 0; k < 3; k++)
            {
              g_string_append_c (b, ' ');
              append_number (b, route->points[2 * (p + k)]);
              g_string_append_c (b, ',');
              append_number (b, route->points[2 * (p + k) + 1]);
            }
        }
      if (route->has_arrow)
        {
          g_string_append (b, " L");
          append_number (b, route->arrow_x);
          g_string_append_c (b, ',');
          append_number (b, route->arrow_y);
        }
      g_string_append_printf (b, "\" fill=\"none\" stroke-width=\"%.2f\"%s marker-end=\"url(#%s)\"/>",
                              _agviz_drawing_edge_width (edge),
                              control ? " stroke-dasharray=\"5,3\"" : "",
                              edge->reference_count > 0 ? "ref" : "arrow");
      if (edge->count > 1)
        {
          guint mid = route->n_points / 2;
          g_string_append (b, "<text class=\"count\" x=\"");
          append_number (b, route->points[2 * mid] + 4);
          g_string_append (b, "\" y=\"");
          append_number (b, route->points[2 * mid + 1]);
          g_string_append_printf (b, "\">×%u</text>", edge->count);
        }
      g_string_append (b, "</g>\n");
      flush (writer, FALSE);
    }
  if (n_aux > 0)
    {
      AgvizLayoutBox box;
      if (agviz_layout_get_box (layout, container, &box))
        {
          g_string_append (b, "<text class=\"sub\" x=\"");
          append_number (b, box.x + box.width - 6);
          g_string_append (b, "\" y=\"");
          append_number (b, box.y + box.height - 4);
          g_string_append_printf (b, "\" text-anchor=\"end\">%u edges to side nodes not drawn</text>\n",
                                  n_aux);
        }
    }
}

/* The text of one legend entry, in plain English like the rest of the SVG (transfer full). */
static char *
legend_entry_text (const AgvizLegendEntry *entry)
{
  g_autofree char *duration = NULL;

  switch (entry->kind)
    {
    case AGVIZ_LEGEND_ENTRY_KEY:
      return entry->key != NULL ? g_strdup (entry->key)
                                : g_strdup_printf ("trace %" G_GINT64_FORMAT, entry->trace_id);
    case AGVIZ_LEGEND_ENTRY_MORE:
      return g_strdup_printf ("… %u more", entry->n_more);
    case AGVIZ_LEGEND_ENTRY_FASTEST:
    case AGVIZ_LEGEND_ENTRY_SLOWEST:
      duration = agviz_format_duration (entry->duration_ns, AGVIZ_DURATION_ASCII);
      return g_strdup_printf ("op type mean %s (%s)", duration,
                              entry->kind == AGVIZ_LEGEND_ENTRY_FASTEST ? "fastest" : "slowest");
    case AGVIZ_LEGEND_ENTRY_NOT_TIMED:
      return g_strdup ("not timed");
    case AGVIZ_LEGEND_ENTRY_NO_TIMINGS:
    default:
      return g_strdup ("no op timings in this file");
    }
}

static double
write_legend (SvgWriter   *writer,
              AgvizLayout *layout,
              double       x)
{
  g_autoptr(GArray) entries = agviz_legend_list_entries (writer->coloring, layout);
  GString *b = writer->buffer;
  const char *heading = NULL;
  double y = 20;

  switch (agviz_coloring_get_color_by (writer->coloring))
    {
    case AGVIZ_COLOR_BY_OP: heading = "Colour: op type"; break;
    case AGVIZ_COLOR_BY_DEVICE: heading = "Colour: device"; break;
    case AGVIZ_COLOR_BY_TRACE: heading = "Colour: trace"; break;
    case AGVIZ_COLOR_BY_TIME: heading = "Colour: time"; break;
    case AGVIZ_COLOR_BY_NONE:
    default: heading = "Colour: none"; break;
    }

  g_string_append (b, "<g id=\"legend\" class=\"legend\"><text class=\"heading\" x=\"");
  append_number (b, x);
  g_string_append (b, "\" y=\"");
  append_number (b, y);
  g_string_append (b, "\">");
  agviz_drawing_append_xml_text (b, heading, -1, 0);
  g_string_append (b, "</text>\n");
  for (guint i = 0; i < entries->len; i++)
    {
      const AgvizLegendEntry *entry = &g_array_index (entries, AgvizLegendEntry, i);
      g_autofree char *text = legend_entry_text (entry);
      double text_x = x;

      y += 18;
      if (entry->has_color)
        {
          char hex[8];

          agviz_color_to_hex (&entry->color, hex);
          g_string_append (b, "<rect x=\"");
          append_number (b, x);
          g_string_append (b, "\" y=\"");
          append_number (b, y - 11);
          g_string_append_printf (b, "\" width=\"14\" height=\"12\" fill=\"%s\"/>", hex);
          text_x = x + 20;
        }
      g_string_append (b, "<text x=\"");
      append_number (b, text_x);
      g_string_append (b, "\" y=\"");
      append_number (b, y);
      g_string_append (b, "\">");
      agviz_drawing_append_xml_text (b, text, -1, 30);
      g_string_append (b, "</text>\n");
    }
  y += 24;
  g_string_append_printf (b, "<text class=\"sub\" x=\"%.2f\" y=\"%.2f\">dashed: control edge; "
                          "hollow arrow: reference</text>\n", x, y);
  g_string_append (b, "</g>\n");
  return y + 10;
}

static gboolean
write_svg (const AgvizDrawingInput *input,
           FILE                    *out,
           GError                 **error)
{
  AgvizLayout *layout = input->layout;
  g_autoptr(GString) legend = NULL;
  SvgWriter writer = {
    .out = out,
    .coloring = input->coloring,
    .buffer = g_string_sized_new (FLUSH_SIZE * 2),
    .ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
  };
  double width, height, legend_height;

  agviz_layout_get_size (layout, &width, &height);

  /* The legend is written into its own buffer first: the document size depends on it. */
  {
    GString *main_buffer = writer.buffer;
    writer.buffer = g_string_new (NULL);
    legend_height = write_legend (&writer, layout, width + 10);
    legend = writer.buffer;
    writer.buffer = main_buffer;
  }
  height = MAX (height, legend_height);
  width += LEGEND_WIDTH;

  g_string_append_printf (writer.buffer,
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\""
                          " width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n",
                          ceil (width), ceil (height), ceil (width), ceil (height));
  g_string_append (writer.buffer,
                   "<style>\n"
                   "text { font: 10px sans-serif; fill: #1a1a1a; }\n"
                   ".sub, .count { font-size: 8px; fill: #555; }\n"
                   "text.annotation { font-size: 7px; fill: #555; }\n"
                   ".heading { font-weight: bold; }\n"
                   ".node rect { stroke: #5a6270; stroke-width: 1; }\n"
                   ".node.expanded > rect { stroke: #8b95a5; stroke-dasharray: 2,2; }\n"
                   ".node.series > rect { stroke-width: 2.5; }\n"
                   ".node.auxiliary > rect { stroke-dasharray: 4,2; }\n"
                   ".node.focus > rect { stroke: #e8590c; stroke-width: 3; }\n"
                   ".edge path { stroke: #6b7380; }\n"
                   "</style>\n"
                   "<defs>"
                   "<marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"6\""
                   " markerHeight=\"6\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#6b7380\"/></marker>"
                   "<marker id=\"ref\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\""
                   " markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"white\""
                   " stroke=\"#6b7380\"/></marker>"
                   "</defs>\n");
  g_string_append_printf (writer.buffer, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");

  /* Boxes parents first, so children are drawn over their parent's frame; then edges on top. */
  for (guint i = 1; i < input->visible->len; i++)
    {
      write_item (&writer, layout, g_ptr_array_index (input->visible, i), input->options);
      flush (&writer, FALSE);
    }
  for (guint i = 0; i < input->expanded->len; i++)
    write_edges (&writer, layout, g_ptr_array_index (input->expanded, i));
  g_string_append_len (writer.buffer, legend->str, legend->len);
  g_string_append (writer.buffer, "</svg>\n");
  flush (&writer, TRUE);

  g_string_free (writer.buffer, TRUE);
  g_hash_table_unref (writer.ids);
  if (writer.failed || fflush (out) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write the SVG: %s",
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
agviz_drawing_write (AgvizLayout               *layout,
                     AgvizDrawingFormat         format,
                     const AgvizDrawingOptions *options,
                     FILE                      *out,
                     GError                   **error)
{
  AgvizDrawingOptions defaults = { .color_by = AGVIZ_COLOR_BY_OP };
  g_autoptr(GPtrArray) visible = NULL;
  g_autoptr(GPtrArray) expanded = NULL;
  g_autoptr(AgvizColoring) coloring = NULL;
  AgvizDrawingInput input;

  g_return_val_if_fail (AGVIZ_IS_LAYOUT (layout), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (options == NULL)
    options = &defaults;
  visible = agviz_layout_list_visible (layout);
  expanded = agviz_scene_list_expanded (agviz_layout_get_scene (layout));
  coloring = agviz_coloring_new (options->color_by, options->op_timings);
  input = (AgvizDrawingInput) { layout, agviz_layout_get_scene (layout), visible, expanded, coloring,
                                options };
  if (format == AGVIZ_DRAWING_FORMAT_SVG)
    return write_svg (&input, out, error);
  /* Takes the Graphviz lock itself (agviz-graphviz-private.h). */
  return _agviz_drawing_write_graphviz (&input, format, out, error);
}
