/* agviz-drawing-graphviz.c: PNG, PDF and positioned DOT through Graphviz's own renderers
 *
 * The composed drawing (every visible box at its place, every route) becomes one graph with
 * fixed positions, which Graphviz's "nop2" engine keeps as given (neato -n2): Graphviz then only
 * draws.  Expanded boxes are created before their children so they are painted underneath.
 */
#define G_LOG_DOMAIN "agviz-drawing"

#include "config.h"

#include "agviz-graphviz-private.h"
#include "agviz-drawing-private.h"
#include "agviz-text.h"

static void
set_attr (void       *object,
          const char *name,
          const char *value)
{
  agsafeset (object, (char *) name, (char *) value, (char *) "");
}

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
  GPtrArray *annotations = agviz_scene_item_get_annotations (item);

  if (annotations == NULL)
    return;
  for (int side = 0; side < 2; side++)
    {
      gboolean out = side == 1;
      double y = box->y + 5;
      guint n_more = 0;

      for (guint i = 0; i <= annotations->len; i++)
        {
          const AgvizSceneItem *annotation = i < annotations->len ? g_ptr_array_index (annotations, i) : NULL;
          g_autofree char *name = NULL;
          g_autofree char *text = NULL;
          g_autofree char *label = NULL;
          g_autofree char *tooltip = NULL;
          g_autofree char *pos = NULL;
          Agnode_t *node;

          if (annotation != NULL && annotation->annotation_out != out)
            continue;
          if (annotation != NULL && annotation->annotation_hidden)
            {
              n_more++;
              continue;
            }
          if (annotation == NULL && n_more == 0)
            break;
          if (annotation != NULL)
            {
              g_autofree char *title = _agviz_drawing_dup_annotation_title (scene, annotation);
              g_autofree char *path = agviz_scene_item_dup_path (annotation);
              g_autofree char *full_id = g_strconcat ("annotation:", path, NULL);
              g_autofree char *id = graphviz_text (full_id, 1024);

              text = _agviz_drawing_dup_annotation_label (scene, annotation);
              tooltip = graphviz_text (title, 2000);
              name = g_strdup_printf ("i%ua%u", index, i);
              node = agnode (graph, name, TRUE);
              set_attr (node, "id", id);
            }
          else
            {
              text = g_strdup_printf ("… %u more", n_more);
              tooltip = g_strdup (text);
              name = g_strdup_printf ("i%um%d", index, side);
              node = agnode (graph, name, TRUE);
            }
          label = graphviz_text (text, 24);
          pos = format_point (out ? box->x + box->width + 42 : box->x - 42, height - y);
          set_attr (node, "pos", pos);
          set_attr (node, "shape", "plaintext");
          set_attr (node, "width", "1.1");
          set_attr (node, "height", "0.12");
          set_attr (node, "fixedsize", "true");
          set_attr (node, "fontname", "sans");
          set_attr (node, "fontsize", "7");
          set_attr (node, "fontcolor", "#555555");
          set_attr (node, "label", label);
          set_attr (node, "tooltip", tooltip);
          y += 9;
        }
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
_agviz_drawing_write_graphviz (AgvizLayout               *layout,
                               AgvizDrawingFormat         format,
                               const AgvizDrawingOptions *options,
                               FILE                      *out,
                               GError                   **error)
{
  AgvizScene *scene = agviz_layout_get_scene (layout);
  g_autoptr(GPtrArray) visible = agviz_layout_list_visible (layout);
  g_autoptr(GPtrArray) expanded = agviz_scene_list_expanded (scene);
  g_autoptr(GHashTable) nodes = g_hash_table_new (NULL, NULL);
  g_autoptr(AgvizColoring) coloring = agviz_coloring_new (options->color_by, options->op_timings);
  double width, height;
  Agraph_t *graph;
  GVC_t *gvc;
  gboolean ok = TRUE;

  agviz_layout_get_size (layout, &width, &height);
  gvc = agviz_graphviz_acquire ();
  graph = agopen ((char *) "agviz", Agdirected, NULL);
  {
    g_autofree char *bb = g_strdup_printf ("0,0,%.0f,%.0f", width, height);
    set_attr (graph, "bb", bb);
  }
  set_attr (graph, "splines", "true");
  set_attr (graph, "outputorder", "nodesfirst");

  for (guint i = 1; i < visible->len; i++)
    {
      AgvizSceneItem *item = g_ptr_array_index (visible, i);
      gboolean open = item->expanded && item->children != NULL;
      g_autofree char *name = g_strdup_printf ("i%u", i);
      g_autofree char *label_text = NULL;
      g_autofree char *subtitle = _agviz_drawing_dup_subtitle (item);
      g_autofree char *label = NULL;
      g_autofree char *path = agviz_scene_item_dup_path (item);
      g_autofree char *id = graphviz_text (path, 1024);
      g_autofree char *title = _agviz_drawing_dup_title (scene, item);
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
      set_attr (node, "pos", pos);
      set_attr (node, "width", w);
      set_attr (node, "height", h);
      set_attr (node, "fixedsize", "true");
      set_attr (node, "shape", "box");
      set_attr (node, "style", open ? "rounded,dashed" : "rounded,filled");
      agviz_coloring_get_fill_hex (coloring, item, fill);
      set_attr (node, "fillcolor", fill);
      set_attr (node, "fontname", "sans");
      set_attr (node, "fontsize", open ? "10" : "9");
      set_attr (node, "label", label);
      set_attr (node, "labelloc", open ? "t" : "c");
      set_attr (node, "id", id);
      set_attr (node, "tooltip", tooltip);
      if (item == options->focus)
        {
          set_attr (node, "color", "#e8590c");
          set_attr (node, "penwidth", "3");
        }
      if (!open)
        add_annotations (graph, scene, item, &box, height, i);
    }

  for (guint i = 0; i < expanded->len; i++)
    {
      AgvizSceneItem *container = g_ptr_array_index (expanded, i);
      g_autoptr(GArray) edges = agviz_scene_list_edges (scene, container, NULL);

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
          set_attr (drawn, "pos", pos->str);
          penwidth = g_strdup_printf ("%.2f", _agviz_drawing_edge_width (edge));
          set_attr (drawn, "penwidth", penwidth);
          set_attr (drawn, "color", "#6b7380");
          if (edge->control_count == edge->count)
            set_attr (drawn, "style", "dashed");
          if (edge->reference_count > 0)
            set_attr (drawn, "arrowhead", "onormal");
          if (edge->count > 1)
            {
              g_autofree char *count = g_strdup_printf ("×%u", edge->count);
              set_attr (drawn, "xlabel", count);
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
