/* agviz-graph-view.c: the graph canvas (see agviz-graph-view.h)
 *
 * The boxes and edges of a region around the view (the view plus half its size on each side) are
 * drawn once into a texture (a cairo image surface under the cairo renderer), so a frame while
 * panning is that picture moved plus what changes with the pointer: the hovered and selected
 * borders and the edges touching them, drawn over it.  The picture is drawn again when the view
 * leaves its region or the zoom, layout, colours or traced inputs change; while the zoom keeps
 * changing it covers only the view, so a pinch costs no more per frame than drawing the view
 * directly, and gets its margins back once zooming stops.  Drawing it skips
 * every box outside the region, so its cost follows what is near the screen, not the size of
 * the graph; labels are left out once they would be too small to read.
 *
 * Layouts run on a worker thread (agviz_layout_new_async()): the old drawing stays, marked
 * "Laying out…", until the new one is applied on the main loop.  A toggled scope's box then
 * grows or shrinks from its old size while the new drawing fades in, unless animations are off.
 */
#define G_LOG_DOMAIN "agviz-graph-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "agviz-drawing-private.h"
#include "agviz-graph-view.h"
#include "agviz-label-text.h"
#include "agviz-text.h"

/* Label size in layout points (the same 10 px the SVG writer uses). */
#define LABEL_POINTS 10.0
/* Below this many pixels text is noise: boxes are drawn without labels. */
#define MIN_LABEL_PIXELS 5.0
#define ZOOM_STEP 1.25
#define FIT_MARGIN 24.0
/* How long a scope takes to open or close on screen. */
#define ANIMATION_USEC (200 * G_TIME_SPAN_MILLISECOND)
/* How long the zoom must stay still before the picture gets its margins back. */
#define WIDEN_DELAY_MS 150

typedef struct
{
  AgvizSceneItem         *container;
  AgvizSceneItem         *src;
  AgvizSceneItem         *dst;
  const AgvizLayoutRoute *route;      /* owned by the layout */
  AgvizLayoutBox          bounds;     /* of the route's points, for culling */
  gboolean                control;
  gboolean                traced;     /* part of the selection's traced inputs */
  guint                   count;
} DrawnEdge;

typedef struct
{
  AgvizSceneItem *item;
  AgvizLayoutBox  box;
} DrawnBox;

/* Where drawing happens: view pixels are (content - origin) * zoom; boxes outside cull are
 * skipped. */
typedef struct
{
  double         zoom;
  double         origin_x;
  double         origin_y;
  AgvizLayoutBox cull;
} Frame;

typedef struct
{
  char    *label;
  GdkRGBA  color;
  gboolean swatch;                    /* FALSE: a line of text only */
} LegendEntry;

/* At most this many keys in the legend; the rest are counted in one line. */
#define LEGEND_MAX_ENTRIES 8

struct _AgvizGraphView
{
  GtkWidget       parent_instance;

  AgvizScene     *scene;
  AgvizLayout    *layout;
  AgvizViewport  *viewport;
  GPtrArray      *visible;            /* the layout's visible items, parents first */
  GArray         *boxes;              /* DrawnBox, the visible items but the root */
  GArray         *edges;              /* DrawnEdge */

  /* The cached picture of the region around the view (see the top of this file). */
  GdkTexture      *content_texture;
  cairo_surface_t *content_surface;   /* instead, under the cairo renderer */
  double           content_zoom;
  double           content_x;         /* the region's top left, content coordinates */
  double           content_y;
  int              content_width;     /* view pixels */
  int              content_height;
  guint            widen_source;      /* a picture of the view only, widened once zooming stops */

  /* Layout on a worker thread: the old drawing stays until the new layout is applied. */
  GCancellable   *layout_cancellable;
  gboolean        fit_after_layout;
  gboolean        center_after_layout;
  AgvizSceneItem *toggled;            /* animated when its new layout is applied */
  AgvizLayoutBox  toggled_from;

  /* The expand/collapse animation: the old picture fades into the new one while the toggled
   * box's outline moves from its old box to its new one. */
  guint           animation_tick;
  gint64          animation_start;
  double          animation_progress;
  GdkTexture      *previous_texture;
  cairo_surface_t *previous_surface;
  double           previous_x;
  double           previous_y;
  int              previous_width;
  int              previous_height;
  AgvizLayoutBox   animation_from;
  AgvizLayoutBox   animation_to;

  AgvizSceneItem *selected;
  AgvizSceneItem *hovered;
  guint           n_drawn_items;
  guint           n_drawn_annotations;
  gboolean        fit_on_allocate;    /* a new scene waits for its first size to zoom to fit */

  AgvizColorBy    color_by;
  GHashTable     *op_timings;         /* op type -> mean duration in ns (gint64 *), or NULL */
  double          log_time_min;
  double          log_time_max;
  GArray         *legend;             /* LegendEntry, for the current colouring and layout */
  gboolean        trace_inputs;
  GHashTable     *traced;             /* AgvizSceneItem set: the selection and its inputs */
  gboolean        dark;               /* the theme's text is light: draw the dark palette */

  double          pointer_x;
  double          pointer_y;
  double          drag_last_x;
  double          drag_last_y;
  double          pinch_start_zoom;
};

enum {
  SELECTION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AgvizGraphView, agviz_graph_view, GTK_TYPE_WIDGET)

static void
invalidate_content (AgvizGraphView *self)
{
  g_clear_object (&self->content_texture);
  g_clear_pointer (&self->content_surface, cairo_surface_destroy);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
stop_animation (AgvizGraphView *self)
{
  if (self->animation_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->animation_tick);
  self->animation_tick = 0;
  g_clear_object (&self->previous_texture);
  g_clear_pointer (&self->previous_surface, cairo_surface_destroy);
}

static void
cancel_layout (AgvizGraphView *self)
{
  if (self->layout_cancellable != NULL)
    g_cancellable_cancel (self->layout_cancellable);
  g_clear_object (&self->layout_cancellable);
}

static void
clear_layout (AgvizGraphView *self)
{
  cancel_layout (self);
  stop_animation (self);
  g_clear_pointer (&self->traced, g_hash_table_unref);
  g_clear_pointer (&self->visible, g_ptr_array_unref);
  g_clear_pointer (&self->boxes, g_array_unref);
  g_clear_pointer (&self->edges, g_array_unref);
  g_clear_object (&self->layout);
  self->hovered = NULL;
  self->toggled = NULL;
  invalidate_content (self);
}

static void update_traced (AgvizGraphView *self);
static void update_legend (AgvizGraphView *self);

static void
collect_edges (AgvizGraphView *self)
{
  g_autoptr(GPtrArray) expanded = agviz_scene_list_expanded (self->scene);

  self->edges = g_array_new (FALSE, FALSE, sizeof (DrawnEdge));
  for (guint i = 0; i < expanded->len; i++)
    {
      AgvizSceneItem *container = g_ptr_array_index (expanded, i);
      g_autoptr(GArray) scene_edges = agviz_scene_list_edges (self->scene, container, NULL);

      for (guint e = 0; e < scene_edges->len; e++)
        {
          AgvizSceneEdge *scene_edge = &g_array_index (scene_edges, AgvizSceneEdge, e);
          DrawnEdge drawn = {
            .container = container,
            .src = scene_edge->src,
            .dst = scene_edge->dst,
            .control = scene_edge->control_count == scene_edge->count,
            .count = scene_edge->count,
          };
          double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;

          drawn.route = agviz_layout_get_route (self->layout, container, drawn.src, drawn.dst);
          if (drawn.route == NULL || drawn.route->n_points < 1)
            continue;
          for (guint p = 0; p < drawn.route->n_points; p++)
            {
              x0 = MIN (x0, drawn.route->points[2 * p]);
              x1 = MAX (x1, drawn.route->points[2 * p]);
              y0 = MIN (y0, drawn.route->points[2 * p + 1]);
              y1 = MAX (y1, drawn.route->points[2 * p + 1]);
            }
          if (drawn.route->has_arrow)
            {
              x0 = MIN (x0, drawn.route->arrow_x);
              x1 = MAX (x1, drawn.route->arrow_x);
              y0 = MIN (y0, drawn.route->arrow_y);
              y1 = MAX (y1, drawn.route->arrow_y);
            }
          drawn.bounds = (AgvizLayoutBox) { x0, y0, x1 - x0, y1 - y0 };
          g_array_append_val (self->edges, drawn);
        }
    }
}

static void start_animation (AgvizGraphView *self);

/* Makes @layout the one drawn.  The selection survives when its item is still visible. */
static void
apply_layout (AgvizGraphView *self,
              AgvizLayout    *layout)
{
  gboolean had_layout = self->layout != NULL;
  AgvizSceneItem *toggled = self->toggled;
  double width, height;

  /* The picture of the old layout, for the animation into the new one. */
  stop_animation (self);
  if (had_layout && toggled != NULL)
    {
      self->previous_texture = g_steal_pointer (&self->content_texture);
      self->previous_surface = g_steal_pointer (&self->content_surface);
      self->previous_x = self->content_x;
      self->previous_y = self->content_y;
      self->previous_width = self->content_width;
      self->previous_height = self->content_height;
      if (self->content_zoom != agviz_viewport_get_zoom (self->viewport))
        {
          g_clear_object (&self->previous_texture);
          g_clear_pointer (&self->previous_surface, cairo_surface_destroy);
        }
    }
  self->toggled = NULL;
  g_clear_pointer (&self->traced, g_hash_table_unref);
  g_clear_pointer (&self->visible, g_ptr_array_unref);
  g_clear_pointer (&self->boxes, g_array_unref);
  g_clear_pointer (&self->edges, g_array_unref);
  g_set_object (&self->layout, layout);
  self->hovered = NULL;
  invalidate_content (self);

  self->visible = agviz_layout_list_visible (self->layout);
  self->boxes = g_array_sized_new (FALSE, FALSE, sizeof (DrawnBox), self->visible->len);
  /* Index 0 is the root: its box is the whole drawing, which the view's background already is. */
  for (guint i = 1; i < self->visible->len; i++)
    {
      DrawnBox drawn = { g_ptr_array_index (self->visible, i) };

      if (agviz_layout_get_box (self->layout, drawn.item, &drawn.box))
        g_array_append_val (self->boxes, drawn);
    }
  collect_edges (self);
  agviz_layout_get_size (self->layout, &width, &height);
  agviz_viewport_set_content_size (self->viewport, width, height);

  if (self->selected != NULL && !agviz_scene_item_is_visible (self->selected))
    {
      self->selected = NULL;
      g_signal_emit (self, signals[SELECTION_CHANGED], 0);
    }
  update_traced (self);
  update_legend (self);
  if (self->fit_after_layout)
    agviz_graph_view_zoom_to_fit (self);
  else if (self->center_after_layout && self->selected != NULL)
    {
      AgvizLayoutBox box;
      const AgvizSceneItem *boxed = self->selected->annotation && self->selected->annotated != NULL
                                      ? self->selected->annotated : self->selected;

      if (agviz_layout_get_box (self->layout, boxed, &box))
        agviz_viewport_center_on (self->viewport, box.x + box.width / 2, box.y + box.height / 2);
    }
  self->fit_after_layout = FALSE;
  self->center_after_layout = FALSE;

  if (toggled != NULL && (self->previous_texture != NULL || self->previous_surface != NULL) &&
      agviz_layout_get_box (self->layout, toggled, &self->animation_to))
    {
      self->animation_from = self->toggled_from;
      start_animation (self);
    }
  else
    stop_animation (self);
}

static void
on_layout_ready (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(AgvizGraphView) self = user_data;
  g_autoptr(AgvizLayout) layout = NULL;
  g_autoptr(GError) error = NULL;

  layout = agviz_layout_new_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->layout_cancellable);
  if (layout == NULL)
    {
      g_warning ("Cannot lay out the graph: %s", error->message);
      clear_layout (self);
      return;
    }
  apply_layout (self, layout);
}

/* Lays the scene out again in its current expansion state, on a worker thread; the drawing
 * changes when it is done.  A layout still running is cancelled: its plan is out of date. */
static void
relayout (AgvizGraphView *self)
{
  AgvizLayoutOptions options;

  cancel_layout (self);
  if (self->scene == NULL)
    {
      clear_layout (self);
      return;
    }
  agviz_layout_options_init (&options);
  self->layout_cancellable = g_cancellable_new ();
  agviz_layout_new_async (self->scene, &options, self->layout_cancellable, on_layout_ready,
                          g_object_ref (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The first layout of a scene, at once: its errors go to whoever opened it. */
static gboolean
relayout_now (AgvizGraphView  *self,
              GError         **error)
{
  AgvizLayoutOptions options;
  g_autoptr(AgvizLayout) layout = NULL;

  clear_layout (self);
  if (self->scene == NULL)
    return TRUE;
  agviz_layout_options_init (&options);
  layout = agviz_layout_new (self->scene, &options, error);
  if (layout == NULL)
    return FALSE;
  apply_layout (self, layout);
  return TRUE;
}

static void
get_foreground (AgvizGraphView *self,
                GdkRGBA        *color)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), color);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static GdkRGBA
with_alpha (const GdkRGBA *color,
            float          alpha)
{
  GdkRGBA result = *color;

  result.alpha *= alpha;
  return result;
}

/* The accent blue of Adwaita; the canvas has no theme colour to ask in GTK 4.8. */
static const GdkRGBA accent = { 0.21f, 0.52f, 0.89f, 1.0f };
static const GdkRGBA hover_color = { 0.90f, 0.35f, 0.05f, 1.0f };

/* Dark themes get the light palette's hues pulled towards a dark base: the same colour means the
 * same key in both, and light text stays readable on it. */
static const GdkRGBA dark_base = { 0.15f, 0.15f, 0.17f, 1.0f };
#define DARK_MIX 0.6f

static GdkRGBA
themed (AgvizGraphView *self,
        GdkRGBA         color)
{
  if (!self->dark)
    return color;
  color.red = color.red * (1 - DARK_MIX) + dark_base.red * DARK_MIX;
  color.green = color.green * (1 - DARK_MIX) + dark_base.green * DARK_MIX;
  color.blue = color.blue * (1 - DARK_MIX) + dark_base.blue * DARK_MIX;
  return color;
}

static const gint64 *
lookup_timing (AgvizGraphView       *self,
               const AgvizSceneItem *item)
{
  if (self->op_timings == NULL || item->op_type == NULL)
    return NULL;
  return g_hash_table_lookup (self->op_timings, item->op_type);
}

/* Light yellow for the fastest op type to deep orange for the slowest, on a log scale: op times
 * spread over orders of magnitude. */
static GdkRGBA
time_color (AgvizGraphView *self,
            gint64          duration_ns)
{
  static const GdkRGBA fast = { 1.0f, 0.96f, 0.80f, 1.0f };
  static const GdkRGBA slow = { 0.91f, 0.36f, 0.18f, 1.0f };
  double span = self->log_time_max - self->log_time_min;
  float t = span > 0 ? (float) ((log ((double) MAX (duration_ns, 1)) - self->log_time_min) / span) : 1.0f;

  t = CLAMP (t, 0.0f, 1.0f);
  return (GdkRGBA) { fast.red + (slow.red - fast.red) * t, fast.green + (slow.green - fast.green) * t,
                     fast.blue + (slow.blue - fast.blue) * t, 1.0f };
}

/* The fill of a closed box in the light palette: the SVG writer's, except that colouring by time
 * uses the op types' measured durations. */
static GdkRGBA
light_fill (AgvizGraphView       *self,
            const AgvizSceneItem *item)
{
  GdkRGBA fill;

  if (self->color_by == AGVIZ_COLOR_BY_TIME && item->op_type != NULL)
    {
      const gint64 *duration = lookup_timing (self, item);

      if (duration != NULL)
        return time_color (self, *duration);
    }
  if (!gdk_rgba_parse (&fill, _agviz_drawing_fill (item, self->color_by)))
    fill = (GdkRGBA) { 0.85f, 0.85f, 0.85f, 1.0f };
  return fill;
}

static void
legend_entry_clear (gpointer data)
{
  LegendEntry *entry = data;

  g_free (entry->label);
}

static void
add_legend_entry (AgvizGraphView *self,
                  char           *label,
                  const GdkRGBA  *color)
{
  LegendEntry entry = { agviz_label_text (label, 200), { 0, 0, 0, 0 }, color != NULL };

  g_free (label);
  if (color != NULL)
    entry.color = *color;
  g_array_append_val (self->legend, entry);
}

typedef struct
{
  const char           *key;
  const AgvizSceneItem *item;
  guint                 count;
} LegendKey;

static int
compare_legend_keys (gconstpointer a,
                     gconstpointer b)
{
  const LegendKey *ka = a, *kb = b;

  if (ka->count != kb->count)
    return ka->count > kb->count ? -1 : 1;
  return g_strcmp0 (ka->key, kb->key);
}

/* The legend lists the keys of the boxes laid out now (most common first), so it stays short and
 * says what the visible colours mean. */
static void
update_legend (AgvizGraphView *self)
{
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(GArray) sorted = NULL;
  GHashTableIter iter;
  LegendKey *key;
  guint shown;

  if (self->legend == NULL)
    {
      self->legend = g_array_new (FALSE, FALSE, sizeof (LegendEntry));
      g_array_set_clear_func (self->legend, legend_entry_clear);
    }
  g_array_set_size (self->legend, 0);
  if (self->visible == NULL || self->color_by == AGVIZ_COLOR_BY_NONE)
    return;

  if (self->color_by == AGVIZ_COLOR_BY_TIME)
    {
      if (self->op_timings == NULL || g_hash_table_size (self->op_timings) == 0)
        {
          add_legend_entry (self, g_strdup (_("No execution timings in this file")), NULL);
          return;
        }
      else
        {
          g_autofree char *fastest = agviz_format_duration ((gint64) exp (self->log_time_min),
                                                            AGVIZ_DURATION_DISPLAY);
          g_autofree char *slowest = agviz_format_duration ((gint64) exp (self->log_time_max),
                                                            AGVIZ_DURATION_DISPLAY);
          GdkRGBA fast = time_color (self, (gint64) exp (self->log_time_min));
          GdkRGBA slow = time_color (self, (gint64) exp (self->log_time_max));
          GdkRGBA none = { 1, 1, 1, 1 };

          /* Translators: legend of colouring by time; %s is a duration like "1.5 ms" */
          add_legend_entry (self, g_strdup_printf (_("Op type mean %s"), fastest), &fast);
          add_legend_entry (self, g_strdup_printf (_("Op type mean %s"), slowest), &slow);
          add_legend_entry (self, g_strdup (_("Not timed")), &none);
          return;
        }
    }

  keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 1; i < self->visible->len; i++)
    {
      const AgvizSceneItem *item = g_ptr_array_index (self->visible, i);
      g_autofree char *name = NULL;

      if (item->expanded && item->children != NULL)
        continue;
      switch (self->color_by)
        {
        case AGVIZ_COLOR_BY_OP:
          name = g_strdup (item->op_type);
          break;
        case AGVIZ_COLOR_BY_DEVICE:
          name = g_strdup (item->device);
          break;
        case AGVIZ_COLOR_BY_TRACE:
          /* Translators: legend entry of colouring by trace; %lld is the trace's number */
          name = g_strdup_printf (_("Trace %lld"), (long long) item->trace_id);
          break;
        case AGVIZ_COLOR_BY_TIME:
        case AGVIZ_COLOR_BY_NONE:
        default:
          g_assert_not_reached ();
        }
      if (name == NULL)
        continue;
      key = g_hash_table_lookup (keys, name);
      if (key == NULL)
        {
          key = g_new0 (LegendKey, 1);
          key->item = item;
          key->key = name;
          g_hash_table_insert (keys, g_steal_pointer (&name), key);
        }
      key->count++;
    }

  sorted = g_array_new (FALSE, FALSE, sizeof (LegendKey));
  g_hash_table_iter_init (&iter, keys);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &key))
    g_array_append_val (sorted, *key);
  g_array_sort (sorted, compare_legend_keys);
  shown = MIN (sorted->len, LEGEND_MAX_ENTRIES);
  for (guint i = 0; i < shown; i++)
    {
      LegendKey *entry = &g_array_index (sorted, LegendKey, i);
      GdkRGBA color = light_fill (self, entry->item);

      add_legend_entry (self, g_strdup (entry->key), &color);
    }
  if (sorted->len > shown)
    add_legend_entry (self, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u more", "%u more",
                                                          sorted->len - shown),
                                             sorted->len - shown), NULL);
}

/* The selection's transitive inputs among the drawn boxes: walks the visible metaedges backwards
 * from the selection.  An edge into a box that encloses a traced item counts as an input of that
 * item: at this level of the view nothing says which member of the box it feeds, so the walk
 * errs on showing too much rather than hiding a real input. */
static void
update_traced (AgvizGraphView *self)
{
  g_autoptr(GHashTable) by_dst = NULL;
  g_autoptr(GPtrArray) queue = NULL;

  /* The picture shows the traced inputs: it is drawn again when there were or are some. */
  if (self->traced != NULL || (self->trace_inputs && self->selected != NULL))
    invalidate_content (self);
  g_clear_pointer (&self->traced, g_hash_table_unref);
  if (self->edges != NULL)
    for (guint i = 0; i < self->edges->len; i++)
      g_array_index (self->edges, DrawnEdge, i).traced = FALSE;
  if (!self->trace_inputs || self->selected == NULL || self->edges == NULL)
    return;

  by_dst = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  for (guint i = 0; i < self->edges->len; i++)
    {
      DrawnEdge *edge = &g_array_index (self->edges, DrawnEdge, i);
      GArray *into = g_hash_table_lookup (by_dst, edge->dst);

      if (into == NULL)
        {
          into = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (by_dst, edge->dst, into);
        }
      g_array_append_val (into, i);
    }

  self->traced = g_hash_table_new (NULL, NULL);
  queue = g_ptr_array_new ();
  g_hash_table_add (self->traced, self->selected);
  g_ptr_array_add (queue, self->selected);
  while (queue->len > 0)
    {
      AgvizSceneItem *item = g_ptr_array_steal_index_fast (queue, queue->len - 1);

      for (AgvizSceneItem *box = item; box != NULL; box = box->parent)
        {
          GArray *into = g_hash_table_lookup (by_dst, box);

          if (into == NULL)
            continue;
          for (guint i = 0; i < into->len; i++)
            {
              DrawnEdge *edge = &g_array_index (self->edges, DrawnEdge, g_array_index (into, guint, i));

              edge->traced = TRUE;
              if (g_hash_table_add (self->traced, edge->src))
                g_ptr_array_add (queue, edge->src);
            }
        }
    }
}

static void
update_dark (AgvizGraphView *self)
{
  GdkRGBA foreground;
  gboolean dark;

  get_foreground (self, &foreground);
  dark = 0.299 * foreground.red + 0.587 * foreground.green + 0.114 * foreground.blue > 0.5;
  if (dark != self->dark)
    {
      self->dark = dark;
      invalidate_content (self);
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
      LegendEntry *entry = &g_array_index (self->legend, LegendEntry, i);
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
  gtk_snapshot_append_border (snapshot, &outline, (float[4]) { 1, 1, 1, 1 },
                              (GdkRGBA[4]) { border, border, border, border });
  for (guint i = 0; i < self->legend->len; i++)
    {
      LegendEntry *entry = &g_array_index (self->legend, LegendEntry, i);
      double x = margin + padding, y = margin + padding + i * line;

      if (entry->swatch)
        {
          GdkRGBA color = themed (self, entry->color);
          GskRoundedRect box;

          gsk_rounded_rect_init_from_rect (&box, &GRAPHENE_RECT_INIT (x, y + 3, swatch, swatch), 2);
          gtk_snapshot_push_rounded_clip (snapshot, &box);
          gtk_snapshot_append_color (snapshot, &color, &box.bounds);
          gtk_snapshot_pop (snapshot);
          gtk_snapshot_append_border (snapshot, &box, (float[4]) { 1, 1, 1, 1 },
                                      (GdkRGBA[4]) { border, border, border, border });
          x += swatch + 6;
        }
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
      gtk_snapshot_append_layout (snapshot, g_ptr_array_index (layouts, i), foreground);
      gtk_snapshot_restore (snapshot);
    }
}

static gboolean
edge_touches (const DrawnEdge      *edge,
              const AgvizSceneItem *item)
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

/* The edges in @frame's region into one cairo node, at most @width x @height.  @focused: only
 * the edges touching the hovered or selected item (drawn over the cached picture each frame, in a
 * node just large enough for them); otherwise every edge, the traced ones highlighted on top, the
 * focus ignored. */
static void
draw_edges (AgvizGraphView *self,
            GtkSnapshot    *snapshot,
            const GdkRGBA  *foreground,
            const Frame    *frame,
            double          width,
            double          height,
            gboolean        focused)
{
  AgvizSceneItem *focus = self->hovered != NULL ? self->hovered : self->selected;
  g_autoptr(GArray) chosen = NULL;
  graphene_rect_t area = GRAPHENE_RECT_INIT (0, 0, width, height);
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  cairo_t *cr;

  if (self->edges == NULL || self->edges->len == 0 || (focused && focus == NULL))
    return;

  /* Two passes: plain edges, then the highlighted ones on top of them. */
  chosen = g_array_new (FALSE, FALSE, sizeof (guint));
  for (int pass = focused ? 1 : 0; pass < 2; pass++)
    for (guint i = 0; i < self->edges->len; i++)
      {
        const DrawnEdge *edge = &g_array_index (self->edges, DrawnEdge, i);
        gboolean highlighted;

        if (focused)
          {
            if (edge->traced || !edge_touches (edge, focus))
              continue;
            highlighted = TRUE;
          }
        else
          highlighted = edge->traced;
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
      const DrawnEdge *edge = &g_array_index (self->edges, DrawnEdge, g_array_index (chosen, guint, c));
      gboolean highlighted = focused || edge->traced;
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
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), shown);
  g_autoptr(PangoFontDescription) font = pango_font_description_new ();
  int text_width, text_height;

  pango_font_description_set_absolute_size (font, points * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
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

#define ANNOTATION_POINTS 7.0    /* label size, as the SVG's text.annotation */
#define ANNOTATION_LINE 9.0      /* one annotation per line, as the SVG writer spaces them */
#define ANNOTATION_ROOM 84.0     /* what the layout leaves each side (agviz-layout.c) */

/* Where the @slot-th annotation line of a side of @box goes, in content units: a small ellipse
 * a dashed connector away from the box, and the label beyond it (inputs left, outputs right). */
static void
annotation_geometry (const AgvizLayoutBox *box,
                     gboolean              out,
                     guint                 slot,
                     AgvizLayoutBox       *ellipse,
                     AgvizLayoutBox       *label)
{
  double center_y = box->y + 6 + slot * ANNOTATION_LINE;
  double edge = out ? box->x + box->width : box->x;
  double direction = out ? 1 : -1;

  ellipse->width = 8;
  ellipse->height = 5;
  ellipse->x = edge + direction * 10 - ellipse->width / 2;
  ellipse->y = center_y - ellipse->height / 2;
  label->width = ANNOTATION_ROOM - 16;
  label->height = ANNOTATION_LINE;
  label->x = out ? edge + 16 : edge - 16 - label->width;
  label->y = center_y - ANNOTATION_LINE / 2;
}

/* The line @annotation takes on its side of the box it is drawn beside, or -1 when it is folded
 * into the "… N more" line. */
static int
annotation_slot (const AgvizSceneItem *annotation)
{
  GPtrArray *annotations = agviz_scene_item_get_annotations (annotation->annotated);
  int slot = 0;

  if (annotation->annotation_hidden || annotations == NULL)
    return -1;
  for (guint i = 0; i < annotations->len; i++)
    {
      const AgvizSceneItem *other = g_ptr_array_index (annotations, i);

      if (other == annotation)
        return slot;
      if (other->annotation_out == annotation->annotation_out && !other->annotation_hidden)
        slot++;
    }
  return -1;
}

static gboolean
annotations_readable (AgvizGraphView *self)
{
  return ANNOTATION_POINTS * agviz_viewport_get_zoom (self->viewport) >= MIN_LABEL_PIXELS;
}

static graphene_rect_t
content_rect_to_frame (const Frame          *frame,
                       const AgvizLayoutBox *box)
{
  return GRAPHENE_RECT_INIT ((box->x - frame->origin_x) * frame->zoom,
                             (box->y - frame->origin_y) * frame->zoom,
                             box->width * frame->zoom, box->height * frame->zoom);
}

static void
draw_annotation_line (AgvizGraphView       *self,
                      GtkSnapshot          *snapshot,
                      const Frame          *frame,
                      const AgvizLayoutBox *box,
                      gboolean              out,
                      guint                 slot,
                      const char           *text,
                      gboolean              selected,
                      const GdkRGBA        *foreground)
{
  double zoom = frame->zoom;
  AgvizLayoutBox ellipse_box, label_box;
  graphene_rect_t ellipse, label;
  GskRoundedRect outline;
  GdkRGBA ink = with_alpha (foreground, 0.75f);
  GdkRGBA border = selected ? accent : with_alpha (foreground, 0.6f);
  GdkRGBA fill = themed (self, (GdkRGBA) { 0.95f, 0.95f, 0.95f, 1.0f });
  float border_width = selected ? 2.0f : 1.0f;
  g_autofree char *shown = agviz_label_text (text, 200);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), shown);
  g_autoptr(PangoFontDescription) font = pango_font_description_new ();
  int text_width, text_height;
  double dash_from, dash_to, dash_y;

  annotation_geometry (box, out, slot, &ellipse_box, &label_box);
  ellipse = content_rect_to_frame (frame, &ellipse_box);
  label = content_rect_to_frame (frame, &label_box);

  /* The connector, dashed: from the box's edge to the ellipse. */
  dash_from = out ? (box->x + box->width) : ellipse_box.x + ellipse_box.width;
  dash_to = out ? ellipse_box.x : box->x;
  dash_y = ellipse_box.y + ellipse_box.height / 2;
  for (double x = dash_from; x < dash_to; x += 2.0)
    {
      AgvizLayoutBox dash = { x, dash_y, MIN (1.0, dash_to - x), 0 };
      graphene_rect_t view_dash = content_rect_to_frame (frame, &dash);

      view_dash.size.height = 1;
      gtk_snapshot_append_color (snapshot, &ink, &view_dash);
    }

  gsk_rounded_rect_init_from_rect (&outline, &ellipse, MIN (ellipse.size.width, ellipse.size.height) / 2);
  for (int corner = 0; corner < 4; corner++)
    outline.corner[corner] = GRAPHENE_SIZE_INIT (ellipse.size.width / 2, ellipse.size.height / 2);
  gtk_snapshot_push_rounded_clip (snapshot, &outline);
  gtk_snapshot_append_color (snapshot, &fill, &ellipse);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_append_border (snapshot, &outline,
                              (float[4]) { border_width, border_width, border_width, border_width },
                              (GdkRGBA[4]) { border, border, border, border });

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

/* The annotations of a closed box, as TensorBoard draws them: one line each, the ones past
 * AGVIZ_SCENE_MAX_ANNOTATIONS of a side as one "… N more".  Only where the text can be read. */
static void
draw_annotations (AgvizGraphView       *self,
                  GtkSnapshot          *snapshot,
                  const Frame          *frame,
                  const AgvizSceneItem *item,
                  const AgvizLayoutBox *box,
                  const GdkRGBA        *foreground)
{
  GPtrArray *annotations = agviz_scene_item_get_annotations (item);

  if (annotations == NULL || ANNOTATION_POINTS * frame->zoom < MIN_LABEL_PIXELS)
    return;
  for (int side = 0; side < 2; side++)
    {
      gboolean out = side == 1;
      guint slot = 0, n_more = 0;

      for (guint i = 0; i < annotations->len; i++)
        {
          const AgvizSceneItem *annotation = g_ptr_array_index (annotations, i);

          if (annotation->annotation_out != out)
            continue;
          if (annotation->annotation_hidden)
            {
              n_more++;
              continue;
            }
          draw_annotation_line (self, snapshot, frame, box, out, slot++, annotation->name,
                                annotation == self->selected, foreground);
          self->n_drawn_annotations++;
        }
      if (n_more > 0)
        {
          /* Translators: annotations (small Const inputs or summary outputs) not drawn one by one */
          g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "… %u more",
                                                                "… %u more", n_more), n_more);
          draw_annotation_line (self, snapshot, frame, box, out, slot, text, FALSE, foreground);
        }
    }
}

static void
item_rect (const AgvizLayoutBox *box,
           const Frame          *frame,
           graphene_rect_t      *rect)
{
  *rect = GRAPHENE_RECT_INIT ((box->x - frame->origin_x) * frame->zoom,
                              (box->y - frame->origin_y) * frame->zoom,
                              box->width * frame->zoom, box->height * frame->zoom);
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

static void
append_border (GtkSnapshot          *snapshot,
               const GskRoundedRect *outline,
               float                 width,
               const GdkRGBA        *color)
{
  gtk_snapshot_append_border (snapshot, outline, (float[4]) { width, width, width, width },
                              (GdkRGBA[4]) { *color, *color, *color, *color });
}

/* A box as the cached picture has it: everything but the hover and selection borders. */
static void
draw_item (AgvizGraphView *self,
           GtkSnapshot    *snapshot,
           const DrawnBox *drawn,
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

  item_rect (&drawn->box, frame, &rect);
  item_outline (item, &rect, zoom, &outline);

  if (open)
    fill = with_alpha (foreground, 0.04f);
  else
    fill = themed (self, light_fill (self, item));
  border_color = with_alpha (foreground, open ? 0.35f : 0.6f);
  if (self->traced != NULL && !open)
    {
      if (g_hash_table_contains (self->traced, item))
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
    draw_annotations (self, snapshot, frame, item, &drawn->box, foreground);

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
  item_rect (&box, frame, &rect);
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
                Frame          *frame,
                int            *width,
                int            *height)
{
  double zoom = agviz_viewport_get_zoom (self->viewport);
  double offset_x, offset_y;
  int margin_x = tight ? 0 : CLAMP ((4096 - view_width) / 2, 0, view_width / 2);
  int margin_y = tight ? 0 : CLAMP ((4096 - view_height) / 2, 0, view_height / 2);

  agviz_viewport_get_offset (self->viewport, &offset_x, &offset_y);
  *width = view_width + 2 * margin_x;
  *height = view_height + 2 * margin_y;
  frame->zoom = zoom;
  frame->origin_x = offset_x - margin_x / zoom;
  frame->origin_y = offset_y - margin_y / zoom;
  frame->cull = (AgvizLayoutBox) { frame->origin_x, frame->origin_y, *width / zoom, *height / zoom };
}

static void
render_content (AgvizGraphView *self,
                const GdkRGBA  *foreground,
                int             view_width,
                int             view_height,
                gboolean        tight)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GtkNative *native = gtk_widget_get_native (widget);
  GskRenderer *renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;
  int scale = gtk_widget_get_scale_factor (widget);
  Frame frame;
  int width, height;

  content_region (self, view_width, view_height, tight, &frame, &width, &height);
  self->n_drawn_annotations = 0;
  for (guint i = 0; i < self->boxes->len; i++)
    {
      const DrawnBox *drawn = &g_array_index (self->boxes, DrawnBox, i);

      if (boxes_meet (&drawn->box, &frame.cull))
        draw_item (self, snapshot, drawn, foreground, &frame);
    }
  draw_edges (self, snapshot, foreground, &frame, width, height, FALSE);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));

  g_clear_object (&self->content_texture);
  g_clear_pointer (&self->content_surface, cairo_surface_destroy);
  self->content_zoom = frame.zoom;
  self->content_x = frame.origin_x;
  self->content_y = frame.origin_y;
  self->content_width = width;
  self->content_height = height;
  if (node == NULL)
    node = gsk_container_node_new (NULL, 0);
  if (renderer != NULL && !GSK_IS_CAIRO_RENDERER (renderer))
    {
      /* A texture the GPU keeps: no upload per frame. */
      g_autoptr(GskRenderNode) scaled = NULL;

      if (scale != 1)
        scaled = gsk_transform_node_new (node, gsk_transform_scale (NULL, scale, scale));
      self->content_texture = gsk_renderer_render_texture (renderer, scaled != NULL ? scaled : node,
                                                           &GRAPHENE_RECT_INIT (0, 0, width * scale,
                                                                                height * scale));
    }
  else
    {
      /* The cairo renderer would copy a texture out each frame; a surface it paints from. */
      cairo_t *cr;

      self->content_surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale,
                                                          height * scale);
      cairo_surface_set_device_scale (self->content_surface, scale, scale);
      cr = cairo_create (self->content_surface);
      gsk_render_node_draw (node, cr);
      cairo_destroy (cr);
    }
}

/* Puts a cached picture whose top left is (x, y) in content coordinates on the view, moved by
 * whole pixels so that it stays as sharp as it was drawn. */
static void
append_picture (AgvizGraphView  *self,
                GtkSnapshot     *snapshot,
                GdkTexture      *texture,
                cairo_surface_t *surface,
                double           x,
                double           y,
                int              width,
                int              height,
                int              view_width,
                int              view_height)
{
  double zoom = agviz_viewport_get_zoom (self->viewport);
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  double offset_x, offset_y, left, top;

  agviz_viewport_get_offset (self->viewport, &offset_x, &offset_y);
  left = round ((x - offset_x) * zoom * scale) / scale;
  top = round ((y - offset_y) * zoom * scale) / scale;
  if (texture != NULL)
    gtk_snapshot_append_texture (snapshot, texture, &GRAPHENE_RECT_INIT (left, top, width, height));
  else if (surface != NULL)
    {
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, view_width,
                                                                              view_height));

      cairo_set_source_surface (cr, surface, left, top);
      cairo_paint (cr);
      cairo_destroy (cr);
    }
}

static gboolean
content_covers_view (AgvizGraphView *self)
{
  AgvizLayoutBox view, region;

  if (self->content_texture == NULL && self->content_surface == NULL)
    return FALSE;
  if (self->content_zoom != agviz_viewport_get_zoom (self->viewport))
    return FALSE;
  agviz_viewport_get_visible_box (self->viewport, &view);
  region = (AgvizLayoutBox) { self->content_x, self->content_y,
                              self->content_width / self->content_zoom,
                              self->content_height / self->content_zoom };
  /* Half a pixel of slack for rounding. */
  return view.x >= region.x - 0.5 / self->content_zoom &&
         view.y >= region.y - 0.5 / self->content_zoom &&
         view.x + view.width <= region.x + region.width + 0.5 / self->content_zoom &&
         view.y + view.height <= region.y + region.height + 0.5 / self->content_zoom;
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
  invalidate_content (self);
  return G_SOURCE_REMOVE;
}

static void
agviz_graph_view_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  AgvizGraphView *self = AGVIZ_GRAPH_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA foreground;
  Frame view;
  gboolean animating;

  self->n_drawn_items = 0;
  if (self->layout == NULL || width <= 0 || height <= 0)
    return;

  get_foreground (self, &foreground);
  update_dark (self);
  if (!content_covers_view (self))
    {
      /* While the zoom changes (a pinch, scrolling with Ctrl) every frame needs a new picture:
       * only of the view then, as cheap as drawing the frame itself; the margins for panning
       * come once zooming stops. */
      gboolean zooming = (self->content_texture != NULL || self->content_surface != NULL) &&
                         self->content_zoom != agviz_viewport_get_zoom (self->viewport);

      render_content (self, &foreground, width, height, zooming);
      g_clear_handle_id (&self->widen_source, g_source_remove);
      if (zooming)
        self->widen_source = g_timeout_add_full (G_PRIORITY_LOW, WIDEN_DELAY_MS, widen_content,
                                                 self, NULL);
    }

  view.zoom = agviz_viewport_get_zoom (self->viewport);
  agviz_viewport_get_offset (self->viewport, &view.origin_x, &view.origin_y);
  agviz_viewport_get_visible_box (self->viewport, &view.cull);
  for (guint i = 0; i < self->boxes->len; i++)
    if (boxes_meet (&g_array_index (self->boxes, DrawnBox, i).box, &view.cull))
      self->n_drawn_items++;

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  animating = self->animation_tick != 0;
  if (animating)
    {
      gtk_snapshot_push_cross_fade (snapshot, self->animation_progress);
      append_picture (self, snapshot, self->previous_texture, self->previous_surface,
                      self->previous_x, self->previous_y, self->previous_width,
                      self->previous_height, width, height);
      gtk_snapshot_pop (snapshot);
    }
  append_picture (self, snapshot, self->content_texture, self->content_surface, self->content_x,
                  self->content_y, self->content_width, self->content_height, width, height);
  if (animating)
    {
      AgvizLayoutBox box;
      double t = self->animation_progress;
      /* Ease out: fast at first, settling into place. */
      double eased = 1 - (1 - t) * (1 - t);

      gtk_snapshot_pop (snapshot);
      box.x = self->animation_from.x + (self->animation_to.x - self->animation_from.x) * eased;
      box.y = self->animation_from.y + (self->animation_to.y - self->animation_from.y) * eased;
      box.width = self->animation_from.width + (self->animation_to.width - self->animation_from.width) * eased;
      box.height = self->animation_from.height + (self->animation_to.height - self->animation_from.height) * eased;
      {
        graphene_rect_t rect;
        GskRoundedRect outline;
        GdkRGBA color = with_alpha (&accent, (float) (1 - t));

        item_rect (&box, &view, &rect);
        gsk_rounded_rect_init_from_rect (&outline, &rect, (float) MIN (8.0 * view.zoom, 12.0));
        append_border (snapshot, &outline, 2.0f, &color);
      }
    }

  /* What follows the pointer, over the picture. */
  draw_edges (self, snapshot, &foreground, &view, width, height, TRUE);
  if (self->hovered != NULL && self->hovered != self->selected)
    draw_focus_border (self, snapshot, self->hovered, &hover_color, 2.0f, &view);
  draw_focus_border (self, snapshot, self->selected, &accent, 3.0f, &view);
  if (self->layout_cancellable != NULL)
    draw_laying_out (self, snapshot, &foreground, height);
  draw_legend (self, snapshot, &foreground);
  gtk_snapshot_pop (snapshot);
}

static gboolean
animation_tick (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  AgvizGraphView *self = AGVIZ_GRAPH_VIEW (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  if (self->animation_start == 0)
    self->animation_start = now;
  self->animation_progress = CLAMP ((now - self->animation_start) / (double) ANIMATION_USEC, 0.0, 1.0);
  gtk_widget_queue_draw (widget);
  if (self->animation_progress < 1.0)
    return G_SOURCE_CONTINUE;
  self->animation_tick = 0;
  g_clear_object (&self->previous_texture);
  g_clear_pointer (&self->previous_surface, cairo_surface_destroy);
  return G_SOURCE_REMOVE;
}

/* From the toggled box's old size to its new one, the old picture fading into the new; nothing
 * when the desktop turned animations off. */
static void
start_animation (AgvizGraphView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean enabled = TRUE;

  g_object_get (gtk_widget_get_settings (widget), "gtk-enable-animations", &enabled, NULL);
  if (!enabled || !gtk_widget_get_mapped (widget))
    {
      stop_animation (self);
      return;
    }
  self->animation_start = 0;
  self->animation_progress = 0;
  self->animation_tick = gtk_widget_add_tick_callback (widget, animation_tick, NULL, NULL);
}

static void
agviz_graph_view_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  AgvizGraphView *self = AGVIZ_GRAPH_VIEW (widget);

  agviz_viewport_set_view_size (self->viewport, width, height);
  if (self->fit_on_allocate && width > 0 && height > 0)
    {
      self->fit_on_allocate = FALSE;
      agviz_viewport_zoom_to_fit (self->viewport, FIT_MARGIN);
    }
}

static void
set_hovered (AgvizGraphView *self,
             AgvizSceneItem *item)
{
  if (self->hovered == item)
    return;
  self->hovered = item;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           AgvizGraphView           *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  if (self->layout != NULL)
    set_hovered (self, agviz_viewport_pick (self->viewport, self->layout, x, y));
}

static void
on_leave (GtkEventControllerMotion *controller,
          AgvizGraphView           *self)
{
  set_hovered (self, NULL);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           AgvizGraphView           *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (state & GDK_CONTROL_MASK)
    {
      double zoom = agviz_viewport_get_zoom (self->viewport);

      agviz_viewport_zoom_at (self->viewport, zoom * pow (ZOOM_STEP, -dy), self->pointer_x,
                              self->pointer_y);
    }
  else if (state & GDK_SHIFT_MASK)
    agviz_viewport_pan (self->viewport, -dy * 40, -dx * 40);
  else
    agviz_viewport_pan (self->viewport, -dx * 40, -dy * 40);
  return TRUE;
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               AgvizGraphView *self)
{
  self->drag_last_x = 0;
  self->drag_last_y = 0;
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          offset_x,
                double          offset_y,
                AgvizGraphView *self)
{
  agviz_viewport_pan (self->viewport, offset_x - self->drag_last_x, offset_y - self->drag_last_y);
  self->drag_last_x = offset_x;
  self->drag_last_y = offset_y;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          offset_x,
             double          offset_y,
             AgvizGraphView *self)
{
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

static void
on_pressed (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            AgvizGraphView  *self)
{
  AgvizSceneItem *item;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (self->layout == NULL)
    return;
  item = agviz_graph_view_pick_annotation (self, x, y);
  if (item == NULL)
    item = agviz_viewport_pick (self->viewport, self->layout, x, y);
  agviz_graph_view_select (self, item, FALSE);
  /* A double click opens or closes a scope, like a folder. */
  if (n_press == 2 && item != NULL && agviz_scene_item_is_expandable (item))
    {
      g_autoptr(GError) error = NULL;

      if (!agviz_graph_view_toggle_expanded (self, item, &error))
        g_warning ("Cannot expand %s: %s", item->name, error->message);
    }
}

static void
on_pinch_begin (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                AgvizGraphView   *self)
{
  self->pinch_start_zoom = agviz_viewport_get_zoom (self->viewport);
}

static void
on_pinch_scale_changed (GtkGestureZoom *gesture,
                        double          scale,
                        AgvizGraphView *self)
{
  double x, y;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    return;
  agviz_viewport_zoom_at (self->viewport, self->pinch_start_zoom * scale, x, y);
}

static gboolean
on_query_tooltip (GtkWidget      *widget,
                  int             x,
                  int             y,
                  gboolean        keyboard_mode,
                  GtkTooltip     *tooltip,
                  AgvizGraphView *self)
{
  AgvizSceneItem *item;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  if (self->layout == NULL)
    return FALSE;
  item = keyboard_mode ? self->selected : agviz_graph_view_pick_annotation (self, x, y);
  if (item == NULL)
    item = agviz_viewport_pick (self->viewport, self->layout, x, y);
  if (item == NULL)
    return FALSE;
  path = agviz_scene_item_dup_path (item);
  if (item->kind == AGVIZ_SCENE_ITEM_OP)
    text = g_strdup_printf ("%s\n%s%s%s", path, item->op_type, item->device != NULL ? " · " : "",
                            item->device != NULL ? item->device : "");
  else
    /* Translators: a scope's tooltip, its path and then how many ops it holds.  The count is a
     * plain "%lld" (not G_GINT64_FORMAT) so that xgettext sees the whole string. */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s\n%lld op", "%s\n%lld ops",
                                         item->op_count),
                            path, (long long) item->op_count);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
on_viewport_changed (AgvizViewport  *viewport,
                     AgvizGraphView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
toggle_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AgvizGraphView *self = AGVIZ_GRAPH_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (self->selected != NULL && agviz_scene_item_is_expandable (self->selected) &&
      !agviz_graph_view_toggle_expanded (self, self->selected, &error))
    g_warning ("Cannot expand %s: %s", self->selected->name, error->message);
}

static void
pan_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  AgvizGraphView *self = AGVIZ_GRAPH_VIEW (widget);
  int dx, dy;

  g_variant_get (parameter, "(ii)", &dx, &dy);
  agviz_viewport_pan (self->viewport, dx, dy);
}

static void
agviz_graph_view_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (agviz_graph_view_parent_class)->css_changed (widget, change);
  update_dark (AGVIZ_GRAPH_VIEW (widget));
  /* The foreground the picture was drawn with may have changed. */
  invalidate_content (AGVIZ_GRAPH_VIEW (widget));
}

static void
agviz_graph_view_dispose (GObject *object)
{
  AgvizGraphView *self = AGVIZ_GRAPH_VIEW (object);

  clear_layout (self);
  stop_animation (self);
  g_clear_handle_id (&self->widen_source, g_source_remove);
  self->selected = NULL;
  g_clear_pointer (&self->legend, g_array_unref);
  g_clear_pointer (&self->op_timings, g_hash_table_unref);
  g_clear_object (&self->scene);
  if (self->viewport != NULL)
    g_signal_handlers_disconnect_by_data (self->viewport, self);
  g_clear_object (&self->viewport);

  G_OBJECT_CLASS (agviz_graph_view_parent_class)->dispose (object);
}

static void
agviz_graph_view_class_init (AgvizGraphViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = agviz_graph_view_dispose;
  widget_class->snapshot = agviz_graph_view_snapshot;
  widget_class->size_allocate = agviz_graph_view_size_allocate;
  widget_class->css_changed = agviz_graph_view_css_changed;

  signals[SELECTION_CHANGED] = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "graph.toggle-expanded", NULL,
                                   toggle_selected_action);
  gtk_widget_class_install_action (widget_class, "graph.pan", "(ii)", pan_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "graph.toggle-expanded", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "graph.toggle-expanded", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "graph.toggle-expanded", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "graph.pan", "(ii)", 60, 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "graph.pan", "(ii)", -60, 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, 0, "graph.pan", "(ii)", 0, 60);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, 0, "graph.pan", "(ii)", 0, -60);

  gtk_widget_class_set_css_name (widget_class, "agviz-graph-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
agviz_graph_view_init (AgvizGraphView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *pinch = gtk_gesture_zoom_new ();

  self->viewport = agviz_viewport_new ();
  g_signal_connect (self->viewport, "changed", G_CALLBACK (on_viewport_changed), self);

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_has_tooltip (widget, TRUE);
  gtk_widget_add_css_class (widget, "view");
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_query_tooltip), self);

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (widget, motion);

  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (widget, scroll);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));

  g_signal_connect (pinch, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect (pinch, "scale-changed", G_CALLBACK (on_pinch_scale_changed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (pinch));
}

GtkWidget *
agviz_graph_view_new (void)
{
  return g_object_new (AGVIZ_TYPE_GRAPH_VIEW, NULL);
}

gboolean
agviz_graph_view_set_scene (AgvizGraphView  *self,
                            AgvizScene      *scene,
                            GError         **error)
{
  gboolean selection_changed;

  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), FALSE);
  g_return_val_if_fail (scene == NULL || AGVIZ_IS_SCENE (scene), FALSE);

  selection_changed = self->selected != NULL;
  self->selected = NULL;
  clear_layout (self);
  g_set_object (&self->scene, scene);
  if (selection_changed)
    g_signal_emit (self, signals[SELECTION_CHANGED], 0);
  if (!relayout_now (self, error))
    return FALSE;
  agviz_graph_view_zoom_to_fit (self);
  return TRUE;
}

AgvizScene *
agviz_graph_view_get_scene (AgvizGraphView *self)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), NULL);
  return self->scene;
}

AgvizLayout *
agviz_graph_view_get_layout (AgvizGraphView *self)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), NULL);
  return self->layout;
}

gboolean
agviz_graph_view_get_laying_out (AgvizGraphView *self)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), FALSE);
  return self->layout_cancellable != NULL;
}

gboolean
agviz_graph_view_get_animating (AgvizGraphView *self)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), FALSE);
  return self->animation_tick != 0;
}

AgvizViewport *
agviz_graph_view_get_viewport (AgvizGraphView *self)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), NULL);
  return self->viewport;
}

guint
agviz_graph_view_get_n_drawn_items (AgvizGraphView *self)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), 0);
  return self->n_drawn_items;
}

AgvizSceneItem *
agviz_graph_view_get_selected (AgvizGraphView *self)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), NULL);
  return self->selected;
}

void
agviz_graph_view_select (AgvizGraphView *self,
                         AgvizSceneItem *item,
                         gboolean        center)
{
  gboolean changed;

  g_return_if_fail (AGVIZ_IS_GRAPH_VIEW (self));

  if (item != NULL && self->scene != NULL && !agviz_scene_item_is_visible (item))
    {
      agviz_scene_expand_path_to (self->scene, item);
      relayout (self);
    }
  changed = self->selected != item;
  /* A selected annotation is drawn in the cached picture (there is no box to outline on top). */
  if (changed && ((self->selected != NULL && self->selected->annotation) ||
                  (item != NULL && item->annotation)))
    invalidate_content (self);
  self->selected = item;
  if (center && item != NULL && self->layout != NULL)
    {
      AgvizLayoutBox box;

      /* Not laid out yet: centred when it is.  An annotation has no box of its own: the one
       * it is drawn beside. */
      if (self->layout_cancellable == NULL &&
          agviz_layout_get_box (self->layout,
                                item->annotation && item->annotated != NULL ? item->annotated : item,
                                &box))
        agviz_viewport_center_on (self->viewport, box.x + box.width / 2, box.y + box.height / 2);
      else
        self->center_after_layout = TRUE;
    }
  if (changed)
    update_traced (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (changed)
    g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

gboolean
agviz_graph_view_toggle_expanded (AgvizGraphView  *self,
                                  AgvizSceneItem  *item,
                                  GError         **error)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), FALSE);
  g_return_val_if_fail (item != NULL, FALSE);
  g_return_val_if_fail (self->scene != NULL, FALSE);

  if (item->expanded)
    agviz_scene_collapse (self->scene, item);
  else if (!agviz_scene_expand (self->scene, item, error))
    return FALSE;
  /* Animated from the box it has now, unless a layout is already on its way. */
  self->toggled = NULL;
  if (self->layout_cancellable == NULL && self->layout != NULL &&
      agviz_layout_get_box (self->layout, item, &self->toggled_from))
    self->toggled = item;
  relayout (self);
  return TRUE;
}

void
agviz_graph_view_expand_all (AgvizGraphView *self)
{
  g_return_if_fail (AGVIZ_IS_GRAPH_VIEW (self));

  if (self->scene == NULL)
    return;
  agviz_scene_expand_all (self->scene);
  self->fit_after_layout = TRUE;
  relayout (self);
}

void
agviz_graph_view_collapse_all (AgvizGraphView *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (AGVIZ_IS_GRAPH_VIEW (self));

  if (self->scene == NULL)
    return;
  if (!agviz_scene_expand_to_depth (self->scene, 1, &error))
    g_warning ("Cannot read the graph: %s", error->message);
  self->fit_after_layout = TRUE;
  relayout (self);
}

void
agviz_graph_view_zoom_in (AgvizGraphView *self)
{
  g_return_if_fail (AGVIZ_IS_GRAPH_VIEW (self));
  agviz_viewport_zoom_by (self->viewport, ZOOM_STEP);
}

void
agviz_graph_view_zoom_out (AgvizGraphView *self)
{
  g_return_if_fail (AGVIZ_IS_GRAPH_VIEW (self));
  agviz_viewport_zoom_by (self->viewport, 1 / ZOOM_STEP);
}

void
agviz_graph_view_zoom_reset (AgvizGraphView *self)
{
  double width, height;

  g_return_if_fail (AGVIZ_IS_GRAPH_VIEW (self));
  agviz_viewport_get_view_size (self->viewport, &width, &height);
  agviz_viewport_zoom_at (self->viewport, 1.0, width / 2, height / 2);
}

void
agviz_graph_view_zoom_to_fit (AgvizGraphView *self)
{
  g_return_if_fail (AGVIZ_IS_GRAPH_VIEW (self));

  /* Before the first allocation there is no view size to fit into: do it when one comes. */
  if (gtk_widget_get_width (GTK_WIDGET (self)) <= 0)
    self->fit_on_allocate = TRUE;
  else
    agviz_viewport_zoom_to_fit (self->viewport, FIT_MARGIN);
}

void
agviz_graph_view_set_color_by (AgvizGraphView *self,
                               AgvizColorBy    color_by)
{
  g_return_if_fail (AGVIZ_IS_GRAPH_VIEW (self));

  if (self->color_by == color_by)
    return;
  self->color_by = color_by;
  update_legend (self);
  invalidate_content (self);
}

AgvizColorBy
agviz_graph_view_get_color_by (AgvizGraphView *self)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), AGVIZ_COLOR_BY_OP);
  return self->color_by;
}

void
agviz_graph_view_set_op_timings (AgvizGraphView *self,
                                 GHashTable     *op_timings)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (AGVIZ_IS_GRAPH_VIEW (self));

  if (op_timings != NULL)
    g_hash_table_ref (op_timings);
  g_clear_pointer (&self->op_timings, g_hash_table_unref);
  self->op_timings = op_timings;
  self->log_time_min = G_MAXDOUBLE;
  self->log_time_max = -G_MAXDOUBLE;
  if (op_timings != NULL)
    {
      g_hash_table_iter_init (&iter, op_timings);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          double log_ns = log ((double) MAX (*(gint64 *) value, 1));

          self->log_time_min = MIN (self->log_time_min, log_ns);
          self->log_time_max = MAX (self->log_time_max, log_ns);
        }
    }
  update_legend (self);
  invalidate_content (self);
}

gboolean
agviz_graph_view_get_item_fill (AgvizGraphView       *self,
                                const AgvizSceneItem *item,
                                GdkRGBA              *fill)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), FALSE);
  g_return_val_if_fail (item != NULL && fill != NULL, FALSE);

  *fill = themed (self, light_fill (self, item));
  return self->dark;
}

char *
agviz_graph_view_dup_legend_text (AgvizGraphView *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), NULL);

  for (guint i = 0; self->legend != NULL && i < self->legend->len; i++)
    {
      g_string_append (text, g_array_index (self->legend, LegendEntry, i).label);
      g_string_append_c (text, '\n');
    }
  return g_string_free (text, FALSE);
}

void
agviz_graph_view_set_trace_inputs (AgvizGraphView *self,
                                   gboolean        trace_inputs)
{
  g_return_if_fail (AGVIZ_IS_GRAPH_VIEW (self));

  trace_inputs = !!trace_inputs;
  if (self->trace_inputs == trace_inputs)
    return;
  self->trace_inputs = trace_inputs;
  update_traced (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
agviz_graph_view_get_trace_inputs (AgvizGraphView *self)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), FALSE);
  return self->trace_inputs;
}

gboolean
agviz_graph_view_is_traced (AgvizGraphView       *self,
                            const AgvizSceneItem *item)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), FALSE);
  return self->traced != NULL && g_hash_table_contains (self->traced, item);
}

guint
agviz_graph_view_get_n_traced (AgvizGraphView *self)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), 0);
  return self->traced != NULL ? g_hash_table_size (self->traced) : 0;
}

gboolean
agviz_graph_view_get_dark (AgvizGraphView *self)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), FALSE);
  return self->dark;
}

guint
agviz_graph_view_get_n_drawn_annotations (AgvizGraphView *self)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), 0);
  return self->n_drawn_annotations;
}

gboolean
agviz_graph_view_get_annotation_point (AgvizGraphView       *self,
                                       const AgvizSceneItem *annotation,
                                       double               *view_x,
                                       double               *view_y)
{
  AgvizLayoutBox box, ellipse, label;
  int slot;

  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), FALSE);
  g_return_val_if_fail (annotation != NULL, FALSE);

  if (self->layout == NULL || !annotation->annotation || annotation->annotated == NULL ||
      annotation->annotated->expanded || !annotations_readable (self) ||
      (slot = annotation_slot (annotation)) < 0 ||
      !agviz_layout_get_box (self->layout, annotation->annotated, &box))
    return FALSE;
  annotation_geometry (&box, annotation->annotation_out, slot, &ellipse, &label);
  agviz_viewport_content_to_view (self->viewport, ellipse.x + ellipse.width / 2,
                                  ellipse.y + ellipse.height / 2, view_x, view_y);
  return TRUE;
}

AgvizSceneItem *
agviz_graph_view_pick_annotation (AgvizGraphView *self,
                                  double          view_x,
                                  double          view_y)
{
  double x, y;

  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), NULL);

  if (self->layout == NULL || !annotations_readable (self))
    return NULL;
  agviz_viewport_view_to_content (self->viewport, view_x, view_y, &x, &y);
  for (guint i = 1; i < self->visible->len; i++)
    {
      AgvizSceneItem *item = g_ptr_array_index (self->visible, i);
      GPtrArray *annotations = agviz_scene_item_get_annotations (item);
      AgvizLayoutBox box;

      if (annotations == NULL || item->expanded || !agviz_layout_get_box (self->layout, item, &box) ||
          y < box.y || x < box.x - ANNOTATION_ROOM || x > box.x + box.width + ANNOTATION_ROOM)
        continue;
      for (guint j = 0; j < annotations->len; j++)
        {
          AgvizSceneItem *annotation = g_ptr_array_index (annotations, j);
          AgvizLayoutBox ellipse, label;
          int slot = annotation_slot (annotation);

          if (slot < 0)
            continue;
          annotation_geometry (&box, annotation->annotation_out, slot, &ellipse, &label);
          if (y >= label.y && y < label.y + label.height &&
              x >= MIN (ellipse.x, label.x) && x < MAX (ellipse.x + ellipse.width, label.x + label.width))
            return annotation;
        }
    }
  return NULL;
}
