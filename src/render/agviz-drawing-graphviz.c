/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-drawing-graphviz.c: PNG, PDF and positioned DOT through Graphviz's own renderers
 *
 * The composed drawing (every visible box at its place, every route) becomes one graph with
 * fixed positions, which Graphviz's "nop2" engine keeps as given (neato -n2): Graphviz then only
 * draws.  Expanded boxes are created before their children so they are painted underneath.
 */
#define G_LOG_DOMAIN "agviz-drawing"

#include "config.h"

#include "agviz-annotation-geometry.h"
#include "agviz-graphviz-private.h"
#include "agviz-drawing-private.h"
#include "agviz-text.h"

/* Graphviz label text: valid UTF-8, backslashes doubled (Graphviz reads \n, \N ... in labels),
 * control characters shown as "?". */
static char *
graphviz_text (const char *text,
               guint       max_chars)
{
  gsize rest_bytes;
  g_autofree char *valid = agviz_text_valid_prefix (text, -1, max_chars, &rest_bytes);
  GString *out = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\\')
        g_string_append (out, "\\\\");
      else if (c < 0x20 || c == 0x7f || c == 0xfffe || c == 0xffff)
        g_string_append_c (out, '?');
      else
        g_string_append_unichar (out, c);
    }
  if (rest_bytes > 0)
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

static char *
format_point (double x,
              double y)
{
  char bx[G_ASCII_DTOSTR_BUF_SIZE], by[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup_printf ("%s,%s", g_ascii_formatd (bx, sizeof bx, "%.2f", x),
                          g_ascii_formatd (by, sizeof by, "%.2f", y));
}

/* Annotations as small text nodes beside @box, like the SVG writer's (agviz-drawing.c). */
static void
add_annotations (Agraph_t             *graph,
                 AgvizScene           *scene,
                 const AgvizSceneItem *item,
                 const AgvizLayoutBox *box,
                 double                height,
                 guint                 index)
{
  /* Small grey text in a fixed box, as the SVG's text.annotation. */
  static const char *const annotation_style[][2] = {
    { "shape", "plaintext" }, { "width", "1.1" }, { "height", "0.12" }, { "fixedsize", "true" },
    { "fontname", "sans" }, { "fontsize", "7" }, { "fontcolor", "#555555" },
  };
  g_autoptr(GArray) lines = agviz_annotation_list_lines (item);
  GPtrArray *annotations = agviz_scene_item_get_annotations (item);

  for (guint i = 0; i < lines->len; i++)
    {
      const AgvizAnnotationLine *line = &g_array_index (lines, AgvizAnnotationLine, i);
      double y = box->y + 5 + line->slot * AGVIZ_ANNOTATION_LINE;
      g_autofree char *name = NULL;
      g_autofree char *text = NULL;
      g_autofree char *label = NULL;
      g_autofree char *tooltip = NULL;
      g_autofree char *pos = NULL;
      Agnode_t *node;
      guint position = 0;

      /* Node names: the annotation's place among the box's, or the side of a counting line. */
      if (line->annotation != NULL)
        g_ptr_array_find (annotations, line->annotation, &position);
      name = line->annotation != NULL ? g_strdup_printf ("i%ua%u", index, position)
                                      : g_strdup_printf ("i%um%d", index, line->out ? 1 : 0);
      node = agnode (graph, name, TRUE);
      if (line->annotation != NULL)
        {
          g_autofree char *title = _agviz_drawing_dup_annotation_title (scene, line->annotation);
          g_autofree char *path = agviz_scene_item_dup_path (line->annotation);
          g_autofree char *full_id = g_strconcat ("annotation:", path, NULL);
          g_autofree char *id = graphviz_text (full_id, 1024);

          text = _agviz_drawing_dup_annotation_label (scene, line->annotation);
          tooltip = graphviz_text (title, 2000);
          agviz_graphviz_set_attr (node, "id", id);
        }
      else
        {
          text = g_strdup_printf ("… %u more", line->n_more);
          tooltip = g_strdup (text);
        }
      label = graphviz_text (text, 24);
      pos = format_point (line->out ? box->x + box->width + 42 : box->x - 42, height - y);
      agviz_graphviz_set_attr (node, "pos", pos);
      for (guint a = 0; a < G_N_ELEMENTS (annotation_style); a++)
        agviz_graphviz_set_attr (node, annotation_style[a][0], annotation_style[a][1]);
      agviz_graphviz_set_attr (node, "label", label);
      agviz_graphviz_set_attr (node, "tooltip", tooltip);
    }
}

static const char *
graphviz_format (AgvizDrawingFormat format)
{
  switch (format)
    {
    case AGVIZ_DRAWING_FORMAT_PNG: return "png";
    case AGVIZ_DRAWING_FORMAT_PDF: return "pdf";
    case AGVIZ_DRAWING_FORMAT_DOT: return "dot";
    case AGVIZ_DRAWING_FORMAT_SVG:
    default: return "svg";
    }
}

gboolean
_agviz_drawing_write_graphviz (const AgvizDrawingInput *input,
                               AgvizDrawingFormat       format,
                               FILE                    *out,
                               GError                 **error)
{
  AgvizLayout *layout = input->layout;
  g_autoptr(GHashTable) nodes = g_hash_table_new (NULL, NULL);
  double width, height;
  Agraph_t *graph;
  GVC_t *gvc;
  gboolean ok = TRUE;

  agviz_layout_get_size (layout, &width, &height);
  gvc = agviz_graphviz_acquire ();
  graph = agopen ((char *) "agviz", Agdirected, NULL);
  {
    g_autofree char *bb = g_strdup_printf ("0,0,%.0f,%.0f", width, height);
    agviz_graphviz_set_attr (graph, "bb", bb);
  }
  agviz_graphviz_set_attr (graph, "splines", "true");
  agviz_graphviz_set_attr (graph, "outputorder", "nodesfirst");

  for (guint i = 1; i < input->visible->len; i++)
    {
      AgvizSceneItem *item = g_ptr_array_index (input->visible, i);
      gboolean open = item->expanded && item->children != NULL;
      g_autofree char *name = g_strdup_printf ("i%u", i);
      g_autofree char *label_text = NULL;
      g_autofree char *subtitle = _agviz_drawing_dup_subtitle (item);
      g_autofree char *label = NULL;
      g_autofree char *path = agviz_scene_item_dup_path (item);
      g_autofree char *id = graphviz_text (path, 1024);
      g_autofree char *title = _agviz_drawing_dup_title (input->scene, item);
      g_autofree char *tooltip = graphviz_text (title, 2000);
      g_autofree char *pos = NULL;
      g_autofree char *w = NULL;
      g_autofree char *h = NULL;
      char fill[8];
      AgvizLayoutBox box;
      Agnode_t *node;

      if (!agviz_layout_get_box (layout, item, &box))
        continue;
      label_text = agviz_layout_dup_label (item, open ? _agviz_drawing_title_chars (box.width) / 2 : 28);
      {
        g_autofree char *escaped_label = graphviz_text (label_text, 0);
        g_autofree char *escaped_subtitle = graphviz_text (subtitle, open ? _agviz_drawing_title_chars (box.width) / 2 : 40);
        label = open ? g_strdup_printf ("%s  %s", escaped_label, escaped_subtitle)
                     : g_strdup_printf ("%s\\n%s", escaped_label, escaped_subtitle);
      }
      node = agnode (graph, name, TRUE);
      g_hash_table_insert (nodes, item, node);
      pos = format_point (box.x + box.width / 2, height - (box.y + box.height / 2));
      w = g_strdup_printf ("%.4f", box.width / 72.0);
      h = g_strdup_printf ("%.4f", box.height / 72.0);
      agviz_graphviz_set_attr (node, "pos", pos);
      agviz_graphviz_set_attr (node, "width", w);
      agviz_graphviz_set_attr (node, "height", h);
      agviz_graphviz_set_attr (node, "fixedsize", "true");
      agviz_graphviz_set_attr (node, "shape", "box");
      agviz_graphviz_set_attr (node, "style", open ? "rounded,dashed" : "rounded,filled");
      agviz_coloring_get_fill_hex (input->coloring, item, fill);
      agviz_graphviz_set_attr (node, "fillcolor", fill);
      agviz_graphviz_set_attr (node, "fontname", "sans");
      agviz_graphviz_set_attr (node, "fontsize", open ? "10" : "9");
      agviz_graphviz_set_attr (node, "label", label);
      agviz_graphviz_set_attr (node, "labelloc", open ? "t" : "c");
      agviz_graphviz_set_attr (node, "id", id);
      agviz_graphviz_set_attr (node, "tooltip", tooltip);
      if (item == input->options->focus)
        {
          agviz_graphviz_set_attr (node, "color", "#e8590c");
          agviz_graphviz_set_attr (node, "penwidth", "3");
        }
      if (!open)
        add_annotations (graph, input->scene, item, &box, height, i);
    }

  for (guint i = 0; i < input->expanded->len; i++)
    {
      AgvizSceneItem *container = g_ptr_array_index (input->expanded, i);
      g_autoptr(GArray) edges = agviz_scene_list_edges (input->scene, container, NULL);

      for (guint e = 0; e < edges->len; e++)
        {
          AgvizSceneEdge *edge = &g_array_index (edges, AgvizSceneEdge, e);
          const AgvizLayoutRoute *route = agviz_layout_get_route (layout, container, edge->src, edge->dst);
          Agnode_t *tail = g_hash_table_lookup (nodes, edge->src);
          Agnode_t *head = g_hash_table_lookup (nodes, edge->dst);
          g_autoptr(GString) pos = g_string_new (NULL);
          g_autofree char *penwidth = NULL;
          Agedge_t *drawn;

          if (route == NULL || tail == NULL || head == NULL || route->n_points < 4)
            continue;
          drawn = agedge (graph, tail, head, NULL, TRUE);
          if (route->has_arrow)
            {
              g_autofree char *tip = format_point (route->arrow_x, height - route->arrow_y);
              g_string_append_printf (pos, "e,%s ", tip);
            }
          for (guint p = 0; p < route->n_points; p++)
            {
              g_autofree char *point = format_point (route->points[2 * p],
                                                     height - route->points[2 * p + 1]);
              g_string_append_printf (pos, "%s%s", p > 0 ? " " : "", point);
            }
          agviz_graphviz_set_attr (drawn, "pos", pos->str);
          penwidth = g_strdup_printf ("%.2f", _agviz_drawing_edge_width (edge));
          agviz_graphviz_set_attr (drawn, "penwidth", penwidth);
          agviz_graphviz_set_attr (drawn, "color", "#6b7380");
          if (edge->control_count == edge->count)
            agviz_graphviz_set_attr (drawn, "style", "dashed");
          if (edge->reference_count > 0)
            agviz_graphviz_set_attr (drawn, "arrowhead", "onormal");
          if (edge->count > 1)
            {
              g_autofree char *count = g_strdup_printf ("×%u", edge->count);
              agviz_graphviz_set_attr (drawn, "xlabel", count);
            }
        }
    }

  /* Labels cut to fit their fixed boxes are intended, not worth a warning per node. */
  agseterr (AGERR);
  if (gvLayout (gvc, graph, "nop2") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Graphviz has no fixed-position engine (nop2): is the neato plugin installed?");
      ok = FALSE;
    }
  else
    {
      if (gvRender (gvc, graph, graphviz_format (format), out) != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "Graphviz cannot write %s here (is its cairo plugin installed?)",
                       graphviz_format (format));
          ok = FALSE;
        }
      gvFreeLayout (gvc, graph);
    }
  agclose (graph);
  agviz_graphviz_release ();
  if (ok && fflush (out) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write the drawing");
      ok = FALSE;
    }
  return ok;
}
