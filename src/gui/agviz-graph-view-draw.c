/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-graph-view-draw.c: painting the graph view's layout (see agviz-graph-view-private.h)
 *
 * The boxes and edges of a region around the view (the view plus half its size on each side) are
 * drawn once into a picture (agviz-canvas-picture.h), so a frame while panning is that picture
 * moved plus what changes with the pointer: the hovered and selected borders and the edges
 * touching them, drawn over it.  The picture is drawn again when the view leaves its region or
 * the zoom, layout, colours or traced inputs change; while the zoom keeps changing it covers only
 * the view, so a pinch costs no more per frame than drawing the view directly, and gets its
 * margins back once zooming stops.  Drawing it skips every box outside the region, so its cost
 * follows what is near the screen, not the size of the graph; labels are left out once they
 * would be too small to read.  Fills and the legend are render's (agviz-coloring.h,
 * agviz-legend.h), the same as the SVG's.
 */
#define G_LOG_DOMAIN "agviz-graph-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "agviz-annotation-geometry.h"
#include "agviz-canvas-style.h"
#include "agviz-drawing-private.h"
#include "agviz-graph-view-private.h"
#include "agviz-label-text.h"
#include "agviz-legend.h"
#include "agviz-text.h"

/* Label size in layout points (the same 10 px the SVG writer uses). */
#define LABEL_POINTS 10.0
/* Below this many pixels text is noise: boxes are drawn without labels. */
#define MIN_LABEL_PIXELS 5.0
/* Annotation label size, as the SVG's text.annotation. */
#define ANNOTATION_POINTS 7.0
/* How long the zoom must stay still before the picture gets its margins back. */
#define WIDEN_DELAY_MS 150

/* Where drawing happens: view pixels are (content - origin) * zoom, @width x @height of them;
 * boxes outside cull are skipped. */
typedef struct
{
  double         zoom;
  double         origin_x;
  double         origin_y;
  int            width;
  int            height;
  AgvizLayoutBox cull;
} Frame;

/* A line of the legend in the corner, worded for the user. */
typedef struct
{
  char      *label;
  AgvizColor color;                   /* the light palette's */
  gboolean   swatch;                  /* FALSE: a line of text only */
} LegendLine;

static const GdkRGBA accent = AGVIZ_CANVAS_ACCENT (1.0f);
static const GdkRGBA hover_color = { 0.90f, 0.35f, 0.05f, 1.0f };

static GdkRGBA
with_alpha (const GdkRGBA *color,
            float          alpha)
{
  GdkRGBA result = *color;

  result.alpha *= alpha;
  return result;
}

/* @box in layout points to @frame's pixels. */
static graphene_rect_t
frame_rect (const Frame          *frame,
            const AgvizLayoutBox *box)
{
  return GRAPHENE_RECT_INIT ((box->x - frame->origin_x) * frame->zoom,
                             (box->y - frame->origin_y) * frame->zoom,
                             box->width * frame->zoom, box->height * frame->zoom);
}

static void
append_border (GtkSnapshot          *snapshot,
               const GskRoundedRect *outline,
               float                 width,
               const GdkRGBA        *color)
{
  gtk_snapshot_append_border (snapshot, outline, (float[4]) { width, width, width, width },
                              (GdkRGBA[4]) { *color, *color, *color, *color });
}

void
_agviz_graph_view_invalidate_content (AgvizGraphView *self)
{
  agviz_canvas_picture_clear (&self->content);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* @color in the palette the theme wants. */
static GdkRGBA
themed (AgvizGraphView *self,
        AgvizColor      color)
{
  if (self->dark)
    color = agviz_color_for_dark_theme (color);
  return (GdkRGBA) { color.red, color.green, color.blue, 1.0f };
}

GdkRGBA
_agviz_graph_view_get_fill (AgvizGraphView       *self,
                            const AgvizSceneItem *item)
{
  AgvizColor fill;

  if (self->diff == NULL || !agviz_coloring_get_diff_fill (self->diff, item, &fill))
    fill = agviz_coloring_get_fill (self->coloring, item);
  return themed (self, fill);
}

/* ---- the legend ------------------------------------------------------------------------- */

static void
legend_line_clear (gpointer data)
{
  g_free (((LegendLine *) data)->label);
}

void
_agviz_graph_view_clear_legend (AgvizGraphView *self)
{
  g_clear_pointer (&self->legend, g_array_unref);
}

/* The words of one entry of render's legend model, in the user's language (transfer full). */
static char *
legend_entry_text (const AgvizLegendEntry *entry)
{
  g_autofree char *duration = NULL;

  switch (entry->kind)
    {
    case AGVIZ_LEGEND_ENTRY_KEY:
      if (entry->key != NULL)
        return g_strdup (entry->key);
      /* Translators: legend entry of colouring by trace; %lld is the trace's number */
      return g_strdup_printf (_("Trace %lld"), (long long) entry->trace_id);
    case AGVIZ_LEGEND_ENTRY_MORE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u more", "%u more", entry->n_more),
                              entry->n_more);
    case AGVIZ_LEGEND_ENTRY_FASTEST:
    case AGVIZ_LEGEND_ENTRY_SLOWEST:
      duration = agviz_format_duration (entry->duration_ns, AGVIZ_DURATION_DISPLAY);
      /* Translators: legend of colouring by time; %s is a duration like "1.5 ms" */
      return g_strdup_printf (_("Op type mean %s"), duration);
    case AGVIZ_LEGEND_ENTRY_NOT_TIMED:
      return g_strdup (_("Not timed"));
    case AGVIZ_LEGEND_ENTRY_DIFF_ADDED:
      /* Translators: legend of a trace compared with another; %u counts nodes */
      return g_strdup_printf (_("Added (%u)"), entry->count);
    case AGVIZ_LEGEND_ENTRY_DIFF_CHANGED:
      /* Translators: legend of a trace compared with another; %u counts nodes */
      return g_strdup_printf (_("Changed (%u)"), entry->count);
    case AGVIZ_LEGEND_ENTRY_DIFF_INSIDE:
      return g_strdup (_("Changes inside"));
    case AGVIZ_LEGEND_ENTRY_DIFF_REMOVED:
      /* Translators: legend of a trace compared with another; %u counts nodes */
      return g_strdup_printf (_("Removed (%u), not drawn"), entry->count);
    case AGVIZ_LEGEND_ENTRY_NO_TIMINGS:
    default:
      return g_strdup (_("No execution timings in this file"));
    }
}

void
_agviz_graph_view_update_legend (AgvizGraphView *self)
{
  g_autoptr(GArray) entries = NULL;

  if (self->legend == NULL)
    {
      self->legend = g_array_new (FALSE, FALSE, sizeof (LegendLine));
      g_array_set_clear_func (self->legend, legend_line_clear);
    }
  g_array_set_size (self->legend, 0);
  if (self->layout == NULL)
    return;
  entries = agviz_legend_list_entries (self->coloring, self->layout);
  if (self->diff != NULL && agviz_scene_get_trace_id (self->scene) == agviz_graph_diff_get_trace_b (self->diff))
    {
      g_autoptr(GArray) changes = agviz_legend_list_diff_entries (self->diff, self->layout);

      /* Moved over, not copied: the keys' strings go with them. */
      g_array_append_vals (entries, changes->data, changes->len);
      g_array_set_clear_func (changes, NULL);
    }
  for (guint i = 0; i < entries->len; i++)
    {
      const AgvizLegendEntry *entry = &g_array_index (entries, AgvizLegendEntry, i);
      g_autofree char *text = legend_entry_text (entry);
      LegendLine line = { agviz_label_text (text, 200), entry->color, entry->has_color };

      g_array_append_val (self->legend, line);
    }
}

char *
agviz_graph_view_dup_legend_text (AgvizGraphView *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), NULL);

  for (guint i = 0; self->legend != NULL && i < self->legend->len; i++)
    {
      g_string_append (text, g_array_index (self->legend, LegendLine, i).label);
      g_string_append_c (text, '\n');
    }
  return g_string_free (text, FALSE);
}

void
_agviz_graph_view_update_dark (AgvizGraphView *self)
{
  GdkRGBA foreground;
  gboolean dark;

  agviz_canvas_get_foreground (GTK_WIDGET (self), &foreground);
  dark = 0.299 * foreground.red + 0.587 * foreground.green + 0.114 * foreground.blue > 0.5;
  if (dark != self->dark)
    {
      self->dark = dark;
      _agviz_graph_view_invalidate_content (self);
    }
}

static void
draw_legend (AgvizGraphView *self,
             GtkSnapshot    *snapshot,
             const GdkRGBA  *foreground)
{
  const double margin = 8, padding = 6, swatch = 10, line = 16;
  double width = 0, height;
  g_autoptr(PangoFontDescription) font = NULL;
  GdkRGBA background = self->dark ? (GdkRGBA) { 0.12f, 0.12f, 0.13f, 0.9f }
                                  : (GdkRGBA) { 1.0f, 1.0f, 1.0f, 0.9f };
  GdkRGBA border = with_alpha (foreground, 0.3f);
  g_autoptr(GPtrArray) layouts = g_ptr_array_new_with_free_func (g_object_unref);
  GskRoundedRect outline;

  if (self->legend == NULL || self->legend->len == 0)
    return;

  font = pango_font_description_new ();
  pango_font_description_set_absolute_size (font, 11 * PANGO_SCALE);
  for (guint i = 0; i < self->legend->len; i++)
    {
      LegendLine *entry = &g_array_index (self->legend, LegendLine, i);
      PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), entry->label);
      int text_width;

      pango_layout_set_font_description (layout, font);
      pango_layout_get_pixel_size (layout, &text_width, NULL);
      width = MAX (width, text_width + (entry->swatch ? swatch + 6 : 0));
      g_ptr_array_add (layouts, layout);
    }
  width += 2 * padding;
  height = self->legend->len * line + 2 * padding;

  gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (margin, margin, width, height), 6);
  gtk_snapshot_push_rounded_clip (snapshot, &outline);
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (margin, margin, width, height));
  gtk_snapshot_pop (snapshot);
  append_border (snapshot, &outline, 1, &border);
  for (guint i = 0; i < self->legend->len; i++)
    {
      LegendLine *entry = &g_array_index (self->legend, LegendLine, i);
      double x = margin + padding, y = margin + padding + i * line;

      if (entry->swatch)
        {
          GdkRGBA color = themed (self, entry->color);
          GskRoundedRect box;

          gsk_rounded_rect_init_from_rect (&box, &GRAPHENE_RECT_INIT (x, y + 3, swatch, swatch), 2);
          gtk_snapshot_push_rounded_clip (snapshot, &box);
          gtk_snapshot_append_color (snapshot, &color, &box.bounds);
          gtk_snapshot_pop (snapshot);
          append_border (snapshot, &box, 1, &border);
          x += swatch + 6;
        }
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
      gtk_snapshot_append_layout (snapshot, g_ptr_array_index (layouts, i), foreground);
      gtk_snapshot_restore (snapshot);
    }
}

static gboolean
edge_is_traced (AgvizGraphView *self,
                guint           index)
{
  return self->traced != NULL && agviz_input_trace_has_edge (self->traced, index);
}

static gboolean
edge_touches (const AgvizLayoutEdge *edge,
              const AgvizSceneItem  *item)
{
  for (const AgvizSceneItem *up = edge->src; up != NULL; up = up->parent)
    if (up == item)
      return TRUE;
  for (const AgvizSceneItem *up = edge->dst; up != NULL; up = up->parent)
    if (up == item)
      return TRUE;
  return FALSE;
}

static void
trace_route (cairo_t                *cr,
             const AgvizLayoutRoute *route,
             double                  line_width)
{
  cairo_move_to (cr, route->points[0], route->points[1]);
  for (guint p = 1; p + 2 < route->n_points; p += 3)
    cairo_curve_to (cr, route->points[2 * p], route->points[2 * p + 1],
                    route->points[2 * p + 2], route->points[2 * p + 3],
                    route->points[2 * p + 4], route->points[2 * p + 5]);
  if (route->has_arrow)
    {
      double end_x = route->points[2 * (route->n_points - 1)];
      double end_y = route->points[2 * (route->n_points - 1) + 1];
      double angle = atan2 (route->arrow_y - end_y, route->arrow_x - end_x);
      double size = 3.0 + line_width * 2;

      cairo_line_to (cr, route->arrow_x, route->arrow_y);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      cairo_move_to (cr, route->arrow_x, route->arrow_y);
      cairo_line_to (cr, route->arrow_x - size * cos (angle - 0.45),
                     route->arrow_y - size * sin (angle - 0.45));
      cairo_line_to (cr, route->arrow_x - size * cos (angle + 0.45),
                     route->arrow_y - size * sin (angle + 0.45));
      cairo_close_path (cr);
      cairo_fill (cr);
    }
  else
    cairo_stroke (cr);
}

static gboolean
boxes_meet (const AgvizLayoutBox *a,
            const AgvizLayoutBox *b)
{
  return a->x <= b->x + b->width && a->x + a->width >= b->x &&
         a->y <= b->y + b->height && a->y + a->height >= b->y;
}

/* The edges in @frame's region into one cairo node, at most the frame's size.  @focused: only
 * the edges touching the hovered or selected item (drawn over the cached picture each frame, in a
 * node just large enough for them); otherwise every edge, the traced ones highlighted on top, the
 * focus ignored. */
static void
draw_edges (AgvizGraphView *self,
            GtkSnapshot    *snapshot,
            const GdkRGBA  *foreground,
            const Frame    *frame,
            gboolean        focused)
{
  AgvizSceneItem *focus = self->hovered != NULL ? self->hovered : self->selected;
  g_autoptr(GArray) chosen = NULL;
  graphene_rect_t area = GRAPHENE_RECT_INIT (0, 0, frame->width, frame->height);
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  cairo_t *cr;

  if (self->edges == NULL || self->edges->len == 0 || (focused && focus == NULL))
    return;

  /* Two passes: plain edges, then the highlighted ones on top of them. */
  chosen = g_array_new (FALSE, FALSE, sizeof (guint));
  for (int pass = focused ? 1 : 0; pass < 2; pass++)
    for (guint i = 0; i < self->edges->len; i++)
      {
        const AgvizLayoutEdge *edge = &g_array_index (self->edges, AgvizLayoutEdge, i);
        gboolean traced = edge_is_traced (self, i);
        gboolean highlighted;

        if (focused)
          {
            if (traced || !edge_touches (edge, focus))
              continue;
            highlighted = TRUE;
          }
        else
          highlighted = traced;
        if (highlighted != (pass == 1) || !boxes_meet (&edge->bounds, &frame->cull))
          continue;
        g_array_append_val (chosen, i);
        x0 = MIN (x0, edge->bounds.x);
        y0 = MIN (y0, edge->bounds.y);
        x1 = MAX (x1, edge->bounds.x + edge->bounds.width);
        y1 = MAX (y1, edge->bounds.y + edge->bounds.height);
      }
  if (chosen->len == 0)
    return;
  if (focused)
    {
      /* Room for the widest line and arrowhead around the routes. */
      const double pad = 12;
      graphene_rect_t used = GRAPHENE_RECT_INIT ((x0 - frame->origin_x) * frame->zoom - pad,
                                                 (y0 - frame->origin_y) * frame->zoom - pad,
                                                 (x1 - x0) * frame->zoom + 2 * pad,
                                                 (y1 - y0) * frame->zoom + 2 * pad);

      if (!graphene_rect_intersection (&area, &used, &area))
        return;
      graphene_rect_round_extents (&area, &area);
    }

  cr = gtk_snapshot_append_cairo (snapshot, &area);
  cairo_scale (cr, frame->zoom, frame->zoom);
  cairo_translate (cr, -frame->origin_x, -frame->origin_y);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint c = 0; c < chosen->len; c++)
    {
      guint index = g_array_index (chosen, guint, c);
      const AgvizLayoutEdge *edge = &g_array_index (self->edges, AgvizLayoutEdge, index);
      gboolean highlighted = focused || edge_is_traced (self, index);
      const GdkRGBA *color = !highlighted ? foreground
                             : (focused && self->hovered != NULL) ? &hover_color : &accent;
      double line_width = (highlighted ? 2.0 : 1.0) * MIN (3.0, 0.8 + log2 (1.0 + edge->count) * 0.6);

      cairo_set_source_rgba (cr, color->red, color->green, color->blue,
                             color->alpha * (highlighted ? 1.0 : 0.55));
      cairo_set_line_width (cr, line_width);
      if (edge->control)
        cairo_set_dash (cr, (double[]) { 4.0, 3.0 }, 2, 0);
      else
        cairo_set_dash (cr, NULL, 0, 0);
      trace_route (cr, edge->route, line_width);
    }
  cairo_destroy (cr);
}

/* @text in the labels' font at @points pixels. */
static PangoLayout *
label_layout (AgvizGraphView *self,
              const char     *text,
              double          points,
              gboolean        bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  g_autoptr(PangoFontDescription) font = pango_font_description_new ();

  pango_font_description_set_absolute_size (font, points * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  return layout;
}

double
agviz_graph_view_get_label_height (AgvizGraphView *self)
{
  double points;
  g_autoptr(PangoLayout) layout = NULL;
  PangoRectangle logical;

  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), 0);

  points = LABEL_POINTS * agviz_viewport_get_zoom (self->viewport);
  if (points < MIN_LABEL_PIXELS)
    return 0;
  layout = label_layout (self, "Ag", points, FALSE);
  pango_layout_get_extents (layout, NULL, &logical);
  return (double) logical.height / PANGO_SCALE;
}

static void
draw_label (AgvizGraphView *self,
            GtkSnapshot    *snapshot,
            const char     *text,
            double          points,
            gboolean        bold,
            const graphene_rect_t *rect,
            gboolean        centered,
            double          top,
            const GdkRGBA  *color)
{
  g_autofree char *shown = agviz_label_text (text, 200);
  g_autoptr(PangoLayout) layout = label_layout (self, shown, points, bold);
  int text_width, text_height;

  pango_layout_set_width (layout, (int) (MAX (1.0, rect->size.width - 8)) * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  if (centered)
    pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_get_pixel_size (layout, &text_width, &text_height);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (rect->origin.x + 4, rect->origin.y + top));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

/* ---- annotations: Const inputs and *Summary outputs drawn small beside their op ---------- */

/* ---- annotations: Const inputs and *Summary outputs drawn small beside their op ---------- */

gboolean
_agviz_graph_view_annotations_readable (AgvizGraphView *self)
{
  return ANNOTATION_POINTS * agviz_viewport_get_zoom (self->viewport) >= MIN_LABEL_PIXELS;
}

/* One line beside @box: a small ellipse a dashed connector away from it, and the label beyond. */
static void
draw_annotation_line (AgvizGraphView            *self,
                      GtkSnapshot               *snapshot,
                      const Frame               *frame,
                      const AgvizLayoutBox      *box,
                      const AgvizAnnotationLine *line,
                      const GdkRGBA             *foreground)
{
  gboolean out = line->out;
  gboolean selected = line->annotation != NULL && line->annotation == self->selected;
  g_autofree char *text = NULL;
  double zoom = frame->zoom;
  AgvizLayoutBox ellipse_box, label_box;
  graphene_rect_t ellipse, label;
  GskRoundedRect outline;
  GdkRGBA ink = with_alpha (foreground, 0.75f);
  GdkRGBA border = selected ? accent : with_alpha (foreground, 0.6f);
  GdkRGBA fill = themed (self, (AgvizColor) { 0.95f, 0.95f, 0.95f });
  float border_width = selected ? 2.0f : 1.0f;
  g_autofree char *shown = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(PangoFontDescription) font = pango_font_description_new ();
  int text_width, text_height;
  double dash_from, dash_to, dash_y;

  if (line->annotation != NULL)
    text = g_strdup (line->annotation->name);
  else
    /* Translators: annotations (small Const inputs or summary outputs) not drawn one by one */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "… %u more", "… %u more", line->n_more),
                            line->n_more);
  shown = agviz_label_text (text, 200);
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), shown);

  agviz_annotation_get_geometry (box, out, line->slot, &ellipse_box, &label_box);
  ellipse = frame_rect (frame, &ellipse_box);
  label = frame_rect (frame, &label_box);

  /* The connector, dashed: from the box's edge to the ellipse. */
  dash_from = out ? (box->x + box->width) : ellipse_box.x + ellipse_box.width;
  dash_to = out ? ellipse_box.x : box->x;
  dash_y = ellipse_box.y + ellipse_box.height / 2;
  for (double x = dash_from; x < dash_to; x += 2.0)
    {
      AgvizLayoutBox dash = { x, dash_y, MIN (1.0, dash_to - x), 0 };
      graphene_rect_t view_dash = frame_rect (frame, &dash);

      view_dash.size.height = 1;
      gtk_snapshot_append_color (snapshot, &ink, &view_dash);
    }

  gsk_rounded_rect_init_from_rect (&outline, &ellipse, MIN (ellipse.size.width, ellipse.size.height) / 2);
  for (int corner = 0; corner < 4; corner++)
    outline.corner[corner] = GRAPHENE_SIZE_INIT (ellipse.size.width / 2, ellipse.size.height / 2);
  gtk_snapshot_push_rounded_clip (snapshot, &outline);
  gtk_snapshot_append_color (snapshot, &fill, &ellipse);
  gtk_snapshot_pop (snapshot);
  append_border (snapshot, &outline, border_width, &border);

  pango_font_description_set_absolute_size (font, ANNOTATION_POINTS * zoom * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) MAX (1.0, label.size.width) * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_layout_set_alignment (layout, out ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT);
  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (label.origin.x,
                                                          label.origin.y + (label.size.height - text_height) / 2));
  gtk_snapshot_append_layout (snapshot, layout, selected ? &accent : &ink);
  gtk_snapshot_restore (snapshot);
}

/* The annotations of a closed box, as TensorBoard draws them, where the text can be read. */
static void
draw_annotations (AgvizGraphView      *self,
                  GtkSnapshot         *snapshot,
                  const Frame         *frame,
                  const AgvizDrawnBox *drawn,
                  const GdkRGBA       *foreground)
{
  g_autoptr(GArray) lines = NULL;

  if (agviz_scene_item_get_annotations (drawn->item) == NULL ||
      ANNOTATION_POINTS * frame->zoom < MIN_LABEL_PIXELS)
    return;
  lines = agviz_annotation_list_lines (drawn->item);
  for (guint i = 0; i < lines->len; i++)
    {
      const AgvizAnnotationLine *line = &g_array_index (lines, AgvizAnnotationLine, i);

      draw_annotation_line (self, snapshot, frame, &drawn->box, line, foreground);
      if (line->annotation != NULL)
        self->n_drawn_annotations++;
    }
}

static void
item_outline (const AgvizSceneItem *item,
              const graphene_rect_t *rect,
              double                 zoom,
              GskRoundedRect        *outline)
{
  float radius = (float) MIN ((item->kind == AGVIZ_SCENE_ITEM_OP ? 3.0 : 8.0) * zoom, 12.0);

  gsk_rounded_rect_init_from_rect (outline, rect, radius);
}

/* A box as the cached picture has it: everything but the hover and selection borders. */
static void
draw_item (AgvizGraphView *self,
           GtkSnapshot    *snapshot,
           const AgvizDrawnBox *drawn,
           const GdkRGBA  *foreground,
           const Frame    *frame)
{
  static const GdkRGBA light_ink = { 0.10f, 0.10f, 0.10f, 1.0f };
  static const GdkRGBA dark_ink = { 0.93f, 0.93f, 0.93f, 1.0f };
  const GdkRGBA ink = self->dark ? dark_ink : light_ink;
  AgvizSceneItem *item = drawn->item;
  double zoom = frame->zoom;
  gboolean open = agviz_layout_is_open (self->layout, item);
  graphene_rect_t rect;
  GskRoundedRect outline;
  GdkRGBA fill;
  GdkRGBA border_color;
  float border_width = 1.0f;

  rect = frame_rect (frame, &drawn->box);
  item_outline (item, &rect, zoom, &outline);

  if (open)
    fill = with_alpha (foreground, 0.04f);
  else
    fill = _agviz_graph_view_get_fill (self, item);
  border_color = with_alpha (foreground, open ? 0.35f : 0.6f);
  if (self->traced != NULL && !open)
    {
      if (agviz_input_trace_contains (self->traced, item))
        {
          border_color = accent;
          border_width = 2.5f;
        }
      else
        /* Outside the traced inputs: faded, so the path stands out. */
        fill = with_alpha (&fill, 0.35f);
    }
  if (item->kind == AGVIZ_SCENE_ITEM_SERIES)
    border_width = 2.0f;

  gtk_snapshot_push_rounded_clip (snapshot, &outline);
  gtk_snapshot_append_color (snapshot, &fill, &rect);
  gtk_snapshot_pop (snapshot);
  append_border (snapshot, &outline, border_width, &border_color);

  if (!open)
    draw_annotations (self, snapshot, frame, drawn, foreground);

  if (LABEL_POINTS * zoom >= MIN_LABEL_PIXELS && rect.size.width > 12)
    {
      g_autofree char *label = agviz_layout_dup_label (item, open ? 80 : 28);
      const GdkRGBA *text_color = open ? foreground : &ink;

      if (open)
        draw_label (self, snapshot, label, LABEL_POINTS * zoom, TRUE, &rect, FALSE, 3 * zoom,
                    text_color);
      else
        {
          g_autofree char *subtitle = _agviz_drawing_dup_subtitle (item);
          GdkRGBA dim = with_alpha (&ink, 0.7f);

          draw_label (self, snapshot, label, LABEL_POINTS * zoom, FALSE, &rect, TRUE, 5 * zoom,
                      text_color);
          if (subtitle != NULL && subtitle[0] != '\0' && rect.size.height > 30 * zoom)
            draw_label (self, snapshot, subtitle, 8 * zoom, FALSE, &rect, TRUE, 19 * zoom, &dim);
        }
    }
}

/* The hover or selection border of @item over the cached picture: as wide as or wider than the
 * border underneath, so it covers it. */
static void
draw_focus_border (AgvizGraphView *self,
                   GtkSnapshot    *snapshot,
                   AgvizSceneItem *item,
                   const GdkRGBA  *color,
                   float           width,
                   const Frame    *frame)
{
  AgvizLayoutBox box;
  graphene_rect_t rect;
  GskRoundedRect outline;

  if (item == NULL || !agviz_layout_get_box (self->layout, item, &box) ||
      !boxes_meet (&box, &frame->cull))
    return;
  rect = frame_rect (frame, &box);
  item_outline (item, &rect, frame->zoom, &outline);
  append_border (snapshot, &outline, width, color);
}

/* The region the cached picture covers: the view and half its size on every side, at most 4096
 * pixels across (textures may not be larger); only the view when @tight. */
static void
content_region (AgvizGraphView *self,
                int             view_width,
                int             view_height,
                gboolean        tight,
                Frame          *frame)
{
  double zoom = agviz_viewport_get_zoom (self->viewport);
  double offset_x, offset_y;
  int margin_x = tight ? 0 : CLAMP ((4096 - view_width) / 2, 0, view_width / 2);
  int margin_y = tight ? 0 : CLAMP ((4096 - view_height) / 2, 0, view_height / 2);

  agviz_viewport_get_offset (self->viewport, &offset_x, &offset_y);
  frame->width = view_width + 2 * margin_x;
  frame->height = view_height + 2 * margin_y;
  frame->zoom = zoom;
  frame->origin_x = offset_x - margin_x / zoom;
  frame->origin_y = offset_y - margin_y / zoom;
  frame->cull = (AgvizLayoutBox) { frame->origin_x, frame->origin_y, frame->width / zoom,
                                   frame->height / zoom };
}

static void
render_content (AgvizGraphView *self,
                const GdkRGBA  *foreground,
                int             view_width,
                int             view_height,
                gboolean        tight)
{
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  Frame frame;

  content_region (self, view_width, view_height, tight, &frame);
  self->n_drawn_annotations = 0;
  for (guint i = 0; i < self->boxes->len; i++)
    {
      const AgvizDrawnBox *drawn = &g_array_index (self->boxes, AgvizDrawnBox, i);

      if (boxes_meet (&drawn->box, &frame.cull))
        draw_item (self, snapshot, drawn, foreground, &frame);
    }
  draw_edges (self, snapshot, foreground, &frame, FALSE);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  agviz_canvas_picture_render (&self->content, GTK_WIDGET (self), node, frame.zoom, frame.origin_x,
                               frame.origin_y, frame.width, frame.height);
}

static void
draw_laying_out (AgvizGraphView *self,
                 GtkSnapshot    *snapshot,
                 const GdkRGBA  *foreground,
                 int             height)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self),
                                                                  _("Laying out…"));
  GdkRGBA background = self->dark ? (GdkRGBA) { 0.12f, 0.12f, 0.13f, 0.9f }
                                  : (GdkRGBA) { 1.0f, 1.0f, 1.0f, 0.9f };
  int text_width, text_height;
  GskRoundedRect pill;

  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  gsk_rounded_rect_init_from_rect (&pill, &GRAPHENE_RECT_INIT (8, height - text_height - 20,
                                                               text_width + 16, text_height + 12),
                                   6);
  gtk_snapshot_push_rounded_clip (snapshot, &pill);
  gtk_snapshot_append_color (snapshot, &background, &pill.bounds);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (16, height - text_height - 14));
  gtk_snapshot_append_layout (snapshot, layout, foreground);
  gtk_snapshot_restore (snapshot);
}

static gboolean
widen_content (gpointer user_data)
{
  AgvizGraphView *self = user_data;

  self->widen_source = 0;
  _agviz_graph_view_invalidate_content (self);
  return G_SOURCE_REMOVE;
}

void
_agviz_graph_view_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  AgvizGraphView *self = AGVIZ_GRAPH_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA foreground;
  Frame view;

  self->n_drawn_items = 0;
  if (self->layout == NULL || width <= 0 || height <= 0)
    return;

  agviz_canvas_get_foreground (GTK_WIDGET (self), &foreground);
  _agviz_graph_view_update_dark (self);
  if (!agviz_canvas_picture_covers_view (&self->content, self->viewport))
    {
      /* While the zoom changes (a pinch, scrolling with Ctrl) every frame needs a new picture:
       * only of the view then, as cheap as drawing the frame itself; the margins for panning
       * come once zooming stops. */
      gboolean zooming = !agviz_canvas_picture_is_empty (&self->content) &&
                         self->content.zoom != agviz_viewport_get_zoom (self->viewport);

      render_content (self, &foreground, width, height, zooming);
      g_clear_handle_id (&self->widen_source, g_source_remove);
      if (zooming)
        self->widen_source = g_timeout_add_full (G_PRIORITY_LOW, WIDEN_DELAY_MS, widen_content,
                                                 self, NULL);
    }

  view.zoom = agviz_viewport_get_zoom (self->viewport);
  view.width = width;
  view.height = height;
  agviz_viewport_get_offset (self->viewport, &view.origin_x, &view.origin_y);
  agviz_viewport_get_visible_box (self->viewport, &view.cull);
  for (guint i = 0; i < self->boxes->len; i++)
    if (boxes_meet (&g_array_index (self->boxes, AgvizDrawnBox, i).box, &view.cull))
      self->n_drawn_items++;

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (agviz_box_animation_is_running (&self->animation))
    agviz_box_animation_append (&self->animation, snapshot, &self->content, self->viewport, &accent,
                                width, height);
  else
    agviz_canvas_picture_append (&self->content, snapshot, widget, self->viewport, width, height);

  /* What follows the pointer, over the picture. */
  draw_edges (self, snapshot, &foreground, &view, TRUE);
  if (self->hovered != NULL && self->hovered != self->selected)
    draw_focus_border (self, snapshot, self->hovered, &hover_color, 2.0f, &view);
  draw_focus_border (self, snapshot, self->selected, &accent, 3.0f, &view);
  if (self->layout_cancellable != NULL)
    draw_laying_out (self, snapshot, &foreground, height);
  draw_legend (self, snapshot, &foreground);
  gtk_snapshot_pop (snapshot);
}
