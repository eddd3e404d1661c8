/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-timeline.c: the calls of each trace over time (see agviz-timeline.h) */
#define G_LOG_DOMAIN "agviz-timeline"

#include "config.h"

#include <glib/gi18n.h>

#include "agviz-canvas-style.h"
#include "agviz-timeline.h"
#include "agviz-label-text.h"
#include "agviz-text.h"

#define LABEL_WIDTH   130.0
#define LANE_HEIGHT    22.0
#define MARK_HEIGHT    12.0
#define TOP_MARGIN      4.0
#define AXIS_HEIGHT    18.0
#define END_MARGIN     16.0
#define MIN_MARK_WIDTH  3.0
#define PICK_SLOP       3.0

typedef struct
{
  gint64 trace_id;
  char  *label;           /* "train_step #1" */
} Lane;

typedef struct
{
  guint    lane;
  gint64   start_ns;      /* from the first call */
  gint64   duration_ns;
  gboolean failed;
  gboolean unhealthy;
} Mark;

struct _AgvizTimeline
{
  GtkWidget  parent_instance;

  GArray    *lanes;       /* Lane */
  GArray    *marks;       /* Mark, in call order */
  gint64     span_ns;     /* first start to last end, at least 1 */
  guint      n_unhealthy;
  gint64     selected;
};

G_DEFINE_FINAL_TYPE (AgvizTimeline, agviz_timeline, GTK_TYPE_WIDGET)

enum { TRACE_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
clear_lane (gpointer data)
{
  g_free (((Lane *) data)->label);
}

static double
chart_width (AgvizTimeline *self)
{
  return MAX (1.0, gtk_widget_get_width (GTK_WIDGET (self)) - LABEL_WIDTH - END_MARGIN);
}

static void
mark_bounds (AgvizTimeline *self,
             const Mark    *mark,
             graphene_rect_t *rect)
{
  double scale = chart_width (self) / (double) self->span_ns;
  double width = MAX (MIN_MARK_WIDTH, mark->duration_ns * scale);

  graphene_rect_init (rect, LABEL_WIDTH + mark->start_ns * scale,
                      TOP_MARGIN + mark->lane * LANE_HEIGHT + (LANE_HEIGHT - MARK_HEIGHT) / 2,
                      width, MARK_HEIGHT);
}

static int
lane_at (AgvizTimeline *self,
         double         y)
{
  double lane = (y - TOP_MARGIN) / LANE_HEIGHT;

  if (lane < 0 || lane >= self->lanes->len)
    return -1;
  return (int) lane;
}

gint64
agviz_timeline_pick (AgvizTimeline *self,
                     double         x,
                     double         y)
{
  int lane;

  g_return_val_if_fail (AGVIZ_IS_TIMELINE (self), 0);

  lane = lane_at (self, y);
  if (lane < 0)
    return 0;
  /* The lane's label picks its trace too: a call of a few microseconds is a hard target. */
  if (x < LABEL_WIDTH)
    return g_array_index (self->lanes, Lane, lane).trace_id;
  for (guint i = 0; i < self->marks->len; i++)
    {
      const Mark *mark = &g_array_index (self->marks, Mark, i);
      graphene_rect_t rect;

      if (mark->lane != (guint) lane)
        continue;
      mark_bounds (self, mark, &rect);
      if (x >= rect.origin.x - PICK_SLOP && x <= rect.origin.x + rect.size.width + PICK_SLOP)
        return g_array_index (self->lanes, Lane, lane).trace_id;
    }
  return 0;
}

gboolean
agviz_timeline_get_mark_point (AgvizTimeline *self,
                               gint64         trace_id,
                               double        *x,
                               double        *y)
{
  g_return_val_if_fail (AGVIZ_IS_TIMELINE (self), FALSE);

  for (guint i = 0; i < self->marks->len; i++)
    {
      const Mark *mark = &g_array_index (self->marks, Mark, i);
      graphene_rect_t rect;

      if (g_array_index (self->lanes, Lane, mark->lane).trace_id != trace_id)
        continue;
      mark_bounds (self, mark, &rect);
      *x = rect.origin.x + rect.size.width / 2;
      *y = rect.origin.y + rect.size.height / 2;
      return TRUE;
    }
  return FALSE;
}

static void
append_text (AgvizTimeline *self,
             GtkSnapshot   *snapshot,
             const char    *text,
             double         x,
             double         y,
             double         max_width,
             const GdkRGBA *color)
{
  g_autofree char *shown = agviz_label_text (text, 200);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), shown);
  int width, height;

  pango_layout_set_width (layout, (int) MAX (1.0, max_width) * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_get_pixel_size (layout, &width, &height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y - height / 2.0));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
agviz_timeline_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  AgvizTimeline *self = AGVIZ_TIMELINE (widget);
  const GdkRGBA call = AGVIZ_CANVAS_ACCENT (1.0f);
  const GdkRGBA failed = { 0.88f, 0.11f, 0.14f, 1.0f };
  const GdkRGBA selected_lane = AGVIZ_CANVAS_ACCENT (0.15f);
  GdkRGBA text, faint;
  double width = gtk_widget_get_width (widget);
  double axis_y = TOP_MARGIN + self->lanes->len * LANE_HEIGHT;

  agviz_canvas_get_foreground (widget, &text);
  faint = text;
  faint.alpha *= 0.15f;

  for (guint i = 0; i < self->lanes->len; i++)
    {
      const Lane *lane = &g_array_index (self->lanes, Lane, i);
      double y = TOP_MARGIN + i * LANE_HEIGHT;

      if (lane->trace_id == self->selected)
        gtk_snapshot_append_color (snapshot, &selected_lane,
                                   &GRAPHENE_RECT_INIT (0, y, width, LANE_HEIGHT));
      gtk_snapshot_append_color (snapshot, &faint,
                                 &GRAPHENE_RECT_INIT (LABEL_WIDTH, y + LANE_HEIGHT / 2,
                                                      chart_width (self), 1));
      append_text (self, snapshot, lane->label, 6, y + LANE_HEIGHT / 2, LABEL_WIDTH - 12, &text);
    }

  for (guint i = 0; i < self->marks->len; i++)
    {
      const Mark *mark = &g_array_index (self->marks, Mark, i);
      graphene_rect_t rect;

      mark_bounds (self, mark, &rect);
      gtk_snapshot_append_color (snapshot, mark->failed ? &failed : &call, &rect);
      if (mark->unhealthy)
        {
          /* A dot just above the mark: visible however narrow the mark is. */
          GskRoundedRect dot;
          double cx = rect.origin.x + rect.size.width / 2;

          gsk_rounded_rect_init_from_rect (&dot, &GRAPHENE_RECT_INIT (cx - 3, rect.origin.y - 4, 6, 6), 3);
          gtk_snapshot_push_rounded_clip (snapshot, &dot);
          gtk_snapshot_append_color (snapshot, &failed, &dot.bounds);
          gtk_snapshot_pop (snapshot);
        }
    }

  if (self->lanes->len > 0)
    {
      g_autofree char *end = agviz_format_duration (self->span_ns, AGVIZ_DURATION_DISPLAY);

      gtk_snapshot_append_color (snapshot, &faint,
                                 &GRAPHENE_RECT_INIT (LABEL_WIDTH, axis_y + 1, chart_width (self), 1));
      append_text (self, snapshot, "0", LABEL_WIDTH, axis_y + AXIS_HEIGHT / 2 + 1, 40, &text);
      append_text (self, snapshot, end, width - END_MARGIN - 70, axis_y + AXIS_HEIGHT / 2 + 1, 70, &text);
    }
}

static void
agviz_timeline_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  AgvizTimeline *self = AGVIZ_TIMELINE (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) LABEL_WIDTH + 120;
      *natural = (int) LABEL_WIDTH + 400;
    }
  else
    *minimum = *natural = (int) (TOP_MARGIN + self->lanes->len * LANE_HEIGHT + AXIS_HEIGHT);
}

static void
activate_trace (AgvizTimeline *self,
                gint64         trace_id)
{
  agviz_timeline_set_selected (self, trace_id);
  g_signal_emit (self, signals[TRACE_ACTIVATED], 0, trace_id);
}

static void
on_click_pressed (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  AgvizTimeline   *self)
{
  gint64 trace_id = agviz_timeline_pick (self, x, y);

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (trace_id != 0)
    activate_trace (self, trace_id);
}

static gboolean
move_selection (GtkWidget *widget,
                GVariant  *args,
                gpointer   user_data)
{
  AgvizTimeline *self = AGVIZ_TIMELINE (widget);
  int step = g_variant_get_int32 (args);
  int current = -1;
  int next;

  if (self->lanes->len == 0)
    return FALSE;
  for (guint i = 0; i < self->lanes->len; i++)
    if (g_array_index (self->lanes, Lane, i).trace_id == self->selected)
      current = (int) i;
  next = current < 0 ? 0 : CLAMP (current + step, 0, (int) self->lanes->len - 1);
  if (next != current)
    activate_trace (self, g_array_index (self->lanes, Lane, next).trace_id);
  return TRUE;
}

static gboolean
on_query_tooltip (GtkWidget     *widget,
                  int            x,
                  int            y,
                  gboolean       keyboard,
                  GtkTooltip    *tooltip,
                  AgvizTimeline *self)
{
  int lane = lane_at (self, y);
  g_autoptr(GString) text = NULL;
  gint64 total = 0;
  guint calls = 0, unhealthy = 0;

  if (lane < 0)
    return FALSE;
  for (guint i = 0; i < self->marks->len; i++)
    {
      const Mark *mark = &g_array_index (self->marks, Mark, i);
      if (mark->lane == (guint) lane)
        {
          calls++;
          total += mark->duration_ns;
          unhealthy += mark->unhealthy;
        }
    }
  text = g_string_new (g_array_index (self->lanes, Lane, lane).label);
  g_string_append_c (text, '\n');
  {
    g_autofree char *time = agviz_format_duration (total, AGVIZ_DURATION_DISPLAY);
    /* Translators: tooltip of a timeline lane, "3 calls, 1.2 ms in all" */
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u call, %s in all",
                                               "%u calls, %s in all", calls), calls, time);
  }
  if (unhealthy > 0)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u call produced NaN or Inf",
                                                 "%u calls produced NaN or Inf", unhealthy), unhealthy);
    }
  gtk_tooltip_set_text (tooltip, text->str);
  return TRUE;
}

void
agviz_timeline_set_document (AgvizTimeline *self,
                             AgvizDocument *document)
{
  g_autoptr(GHashTable) lane_of = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GPtrArray *executions;
  GPtrArray *functions;
  gint64 first = G_MAXINT64, last = G_MININT64;

  g_return_if_fail (AGVIZ_IS_TIMELINE (self));
  g_return_if_fail (document == NULL || AGVIZ_IS_DOCUMENT (document));

  g_array_set_size (self->lanes, 0);
  g_array_set_size (self->marks, 0);
  self->n_unhealthy = 0;
  self->span_ns = 1;
  if (document == NULL)
    {
      gtk_widget_queue_resize (GTK_WIDGET (self));
      return;
    }
  executions = agviz_document_get_executions (document);
  functions = agviz_document_get_functions (document);

  /* Which traces were called at all, then lanes in sidebar order. */
  for (guint i = 0; i < executions->len; i++)
    {
      AgvizExecution *execution = g_ptr_array_index (executions, i);
      gint64 end_ns;

      g_hash_table_insert (lane_of, g_memdup2 (&execution->trace_id, sizeof (gint64)), GUINT_TO_POINTER (0));
      first = MIN (first, execution->start_ns);

      /* Times come from the file: saturate rather than overflow. */
      if (__builtin_add_overflow (execution->start_ns, MAX (execution->duration_ns, 0), &end_ns))
        end_ns = G_MAXINT64;
      last = MAX (last, end_ns);
    }
  for (guint f = 0; f < functions->len; f++)
    {
      AgvizFunction *function = g_ptr_array_index (functions, f);

      for (guint t = 0; t < function->traces->len; t++)
        {
          AgvizTrace *trace = g_ptr_array_index (function->traces, t);
          Lane lane;

          if (!g_hash_table_contains (lane_of, &trace->id))
            continue;
          lane.trace_id = trace->id;
          /* Translators: a timeline lane, "FUNCTION #TRACE-NUMBER" */
          lane.label = g_strdup_printf (_("%s #%d"), function->name, trace->ordinal);
          g_array_append_val (self->lanes, lane);
          g_hash_table_insert (lane_of, g_memdup2 (&trace->id, sizeof (gint64)),
                               GUINT_TO_POINTER (self->lanes->len));
        }
    }
  for (guint i = 0; i < executions->len; i++)
    {
      AgvizExecution *execution = g_ptr_array_index (executions, i);
      guint lane = GPOINTER_TO_UINT (g_hash_table_lookup (lane_of, &execution->trace_id));
      Mark mark;

      if (lane == 0)    /* a call of a trace no function lists */
        continue;
      mark.lane = lane - 1;
      mark.start_ns = execution->start_ns - first;
      mark.duration_ns = MAX (execution->duration_ns, 0);
      mark.failed = execution->failed;
      mark.unhealthy = agviz_document_execution_is_unhealthy (document, execution->id);
      self->n_unhealthy += mark.unhealthy;
      g_array_append_val (self->marks, mark);
    }
  if (self->marks->len > 0)
    self->span_ns = MAX (1, last - first);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
agviz_timeline_set_selected (AgvizTimeline *self,
                             gint64         trace_id)
{
  g_return_if_fail (AGVIZ_IS_TIMELINE (self));
  if (self->selected == trace_id)
    return;
  self->selected = trace_id;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gint64
agviz_timeline_get_selected (AgvizTimeline *self)
{
  g_return_val_if_fail (AGVIZ_IS_TIMELINE (self), 0);
  return self->selected;
}

guint
agviz_timeline_get_n_lanes (AgvizTimeline *self)
{
  g_return_val_if_fail (AGVIZ_IS_TIMELINE (self), 0);
  return self->lanes->len;
}

guint
agviz_timeline_get_n_marks (AgvizTimeline *self)
{
  g_return_val_if_fail (AGVIZ_IS_TIMELINE (self), 0);
  return self->marks->len;
}

guint
agviz_timeline_get_n_unhealthy (AgvizTimeline *self)
{
  g_return_val_if_fail (AGVIZ_IS_TIMELINE (self), 0);
  return self->n_unhealthy;
}

static void
agviz_timeline_finalize (GObject *object)
{
  AgvizTimeline *self = AGVIZ_TIMELINE (object);

  g_clear_pointer (&self->lanes, g_array_unref);
  g_clear_pointer (&self->marks, g_array_unref);
  G_OBJECT_CLASS (agviz_timeline_parent_class)->finalize (object);
}

static void
agviz_timeline_class_init (AgvizTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = agviz_timeline_finalize;
  widget_class->snapshot = agviz_timeline_snapshot;
  widget_class->measure = agviz_timeline_measure;

  signals[TRACE_ACTIVATED] = g_signal_new ("trace-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Up, 0, move_selection, "i", -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Down, 0, move_selection, "i", 1);
  gtk_widget_class_set_css_name (widget_class, "agviz-timeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LIST);
}

static void
agviz_timeline_init (AgvizTimeline *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->lanes = g_array_new (FALSE, TRUE, sizeof (Lane));
  g_array_set_clear_func (self->lanes, clear_lane);
  self->marks = g_array_new (FALSE, TRUE, sizeof (Mark));
  self->span_ns = 1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (click, "pressed", G_CALLBACK (on_click_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
}

GtkWidget *
agviz_timeline_new (void)
{
  return g_object_new (AGVIZ_TYPE_TIMELINE, NULL);
}
