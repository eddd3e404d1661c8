/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-graph-view.c: the graph canvas widget (see agviz-graph-view.h)
 *
 * Its properties, input and public functions, and the layout's lifecycle.  Layouts run on a
 * worker thread (agviz_layout_new_async()): the old drawing stays, marked "Laying out…", until
 * the new one is applied on the main loop.  A toggled scope's box then grows or shrinks from its
 * old size while the new drawing fades in (agviz-box-animation.h), unless animations are off.
 * Painting is agviz-graph-view-draw.c.
 */
#define G_LOG_DOMAIN "agviz-graph-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "agviz-annotation-geometry.h"
#include "agviz-first-view.h"
#include "agviz-graph-view-private.h"

#define ZOOM_STEP 1.25
#define FIT_MARGIN 24.0

enum {
  PROP_0,
  PROP_COLOR_BY,
  PROP_TRACE_INPUTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SELECTION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AgvizGraphView, agviz_graph_view, GTK_TYPE_WIDGET)

static void
cancel_layout (AgvizGraphView *self)
{
  if (self->layout_cancellable != NULL)
    g_cancellable_cancel (self->layout_cancellable);
  g_clear_object (&self->layout_cancellable);
}

/* Forgets what was derived from the layout. */
static void
forget_layout (AgvizGraphView *self)
{
  g_clear_pointer (&self->traced, agviz_input_trace_free);
  g_clear_pointer (&self->visible, g_ptr_array_unref);
  g_clear_pointer (&self->boxes, g_array_unref);
  g_clear_pointer (&self->edges, g_array_unref);
  self->hovered = NULL;
}

static void
clear_layout (AgvizGraphView *self)
{
  cancel_layout (self);
  agviz_box_animation_stop (&self->animation);
  forget_layout (self);
  g_clear_object (&self->layout);
  self->toggled = NULL;
  _agviz_graph_view_invalidate_content (self);
}

/* The selection's inputs, again: after a new layout, selection or setting.  The picture shows
 * them, so it is drawn again when there were or are some. */
static void
update_traced (AgvizGraphView *self)
{
  if (self->traced != NULL || (self->trace_inputs && self->selected != NULL))
    _agviz_graph_view_invalidate_content (self);
  g_clear_pointer (&self->traced, agviz_input_trace_free);
  if (self->trace_inputs && self->selected != NULL && self->edges != NULL)
    self->traced = agviz_input_trace_new (self->edges, self->selected);
}

/* Makes @layout the one drawn.  The selection survives when its item is still visible. */
static void
apply_layout (AgvizGraphView *self,
              AgvizLayout    *layout)
{
  AgvizSceneItem *toggled = self->toggled;
  AgvizCanvasPicture previous = { 0 };
  AgvizLayoutBox toggled_to;
  double width, height;

  /* The picture of the old layout, for the animation into the new one: only when it was drawn
   * at the zoom the view still has. */
  agviz_box_animation_stop (&self->animation);
  if (self->layout != NULL && toggled != NULL &&
      self->content.zoom == agviz_viewport_get_zoom (self->viewport))
    agviz_canvas_picture_take (&previous, &self->content);
  self->toggled = NULL;
  forget_layout (self);
  g_set_object (&self->layout, layout);
  _agviz_graph_view_invalidate_content (self);

  self->visible = agviz_layout_list_visible (self->layout);
  self->boxes = g_array_sized_new (FALSE, FALSE, sizeof (AgvizDrawnBox), self->visible->len);
  /* Index 0 is the root: its box is the whole drawing, which the view's background already is. */
  for (guint i = 1; i < self->visible->len; i++)
    {
      AgvizDrawnBox drawn = { g_ptr_array_index (self->visible, i) };

      if (agviz_layout_get_box (self->layout, drawn.item, &drawn.box))
        g_array_append_val (self->boxes, drawn);
    }
  self->edges = agviz_layout_list_edges (self->layout);
  agviz_layout_get_size (self->layout, &width, &height);
  agviz_viewport_set_content_size (self->viewport, width, height);

  if (self->selected != NULL && !agviz_scene_item_is_visible (self->selected))
    {
      self->selected = NULL;
      g_signal_emit (self, signals[SELECTION_CHANGED], 0);
    }
  update_traced (self);
  _agviz_graph_view_update_legend (self);
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

  if (!agviz_canvas_picture_is_empty (&previous) &&
      agviz_layout_get_box (self->layout, toggled, &toggled_to))
    agviz_box_animation_start (&self->animation, GTK_WIDGET (self), &previous, &self->toggled_from,
                               &toggled_to);
  agviz_canvas_picture_clear (&previous);
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

  /* An expansion asked for replaces the first view still waiting for the canvas's size. */
  self->frame_on_allocate = FALSE;
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

/* The first layout of a scene, at once, in the expansion of its first picture: its errors go to
 * whoever opened it. */
static gboolean
lay_out_first_view (AgvizGraphView  *self,
                    GError         **error)
{
  AgvizLayoutOptions options;
  g_autoptr(AgvizLayout) layout = NULL;
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));

  clear_layout (self);
  if (self->scene == NULL)
    return TRUE;
  /* Not shown yet: the canvas of a window of the first view's size, as near as can be told. */
  if (width <= 0 || height <= 0)
    {
      width = AGVIZ_FIRST_VIEW_WIDTH;
      height = AGVIZ_FIRST_VIEW_HEIGHT;
    }
  agviz_layout_options_init (&options);
  layout = agviz_first_view_lay_out (self->scene, &options, width, height, error);
  if (layout == NULL)
    return FALSE;
  apply_layout (self, layout);
  return TRUE;
}

/* The zoom and start of a new scene's first picture (agviz-first-view.h). */
static void
frame_first_view (AgvizGraphView *self)
{
  AgvizFirstViewFrame frame;
  double width, height;

  self->fit_on_allocate = FALSE;
  self->frame_on_allocate = FALSE;
  if (self->layout == NULL)
    return;
  agviz_viewport_get_view_size (self->viewport, &width, &height);
  agviz_first_view_frame (self->layout, AGVIZ_RANKDIR_TB, width, height, &frame);
  agviz_viewport_zoom_at (self->viewport, frame.zoom, 0, 0);
  agviz_viewport_set_offset (self->viewport, frame.x, frame.y);
}

static void
agviz_graph_view_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  AgvizGraphView *self = AGVIZ_GRAPH_VIEW (widget);

  agviz_viewport_set_view_size (self->viewport, width, height);
  if (self->frame_on_allocate && width > 0 && height > 0)
    {
      g_autoptr(GError) error = NULL;

      /* The expansion was chosen for a window's canvas as the first view guesses it: chosen
       * again for the real one (the scopes it keeps come from the layout cache). */
      if (!lay_out_first_view (self, &error))
        g_warning ("Cannot lay out the graph: %s", error->message);
      frame_first_view (self);
    }
  else if (self->fit_on_allocate && width > 0 && height > 0)
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
  _agviz_graph_view_update_dark (AGVIZ_GRAPH_VIEW (widget));
  /* The foreground the picture was drawn with may have changed. */
  _agviz_graph_view_invalidate_content (AGVIZ_GRAPH_VIEW (widget));
}

static void
agviz_graph_view_dispose (GObject *object)
{
  AgvizGraphView *self = AGVIZ_GRAPH_VIEW (object);

  clear_layout (self);
  g_clear_handle_id (&self->widen_source, g_source_remove);
  self->selected = NULL;
  _agviz_graph_view_clear_legend (self);
  g_clear_pointer (&self->coloring, agviz_coloring_free);
  g_clear_pointer (&self->op_timings, g_hash_table_unref);
  g_clear_object (&self->scene);
  if (self->viewport != NULL)
    g_signal_handlers_disconnect_by_data (self->viewport, self);
  g_clear_object (&self->viewport);

  G_OBJECT_CLASS (agviz_graph_view_parent_class)->dispose (object);
}

static void
agviz_graph_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AgvizGraphView *self = AGVIZ_GRAPH_VIEW (object);

  switch (prop_id)
    {
    case PROP_COLOR_BY:
      g_value_set_enum (value, self->color_by);
      break;
    case PROP_TRACE_INPUTS:
      g_value_set_boolean (value, self->trace_inputs);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
agviz_graph_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  AgvizGraphView *self = AGVIZ_GRAPH_VIEW (object);

  switch (prop_id)
    {
    case PROP_COLOR_BY:
      agviz_graph_view_set_color_by (self, g_value_get_enum (value));
      break;
    case PROP_TRACE_INPUTS:
      agviz_graph_view_set_trace_inputs (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
agviz_graph_view_class_init (AgvizGraphViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = agviz_graph_view_dispose;
  object_class->get_property = agviz_graph_view_get_property;
  object_class->set_property = agviz_graph_view_set_property;
  widget_class->snapshot = _agviz_graph_view_snapshot;
  widget_class->size_allocate = agviz_graph_view_size_allocate;
  widget_class->css_changed = agviz_graph_view_css_changed;

  signals[SELECTION_CHANGED] = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 0);

  /* What the window binds its own colour-by and trace-inputs state to. */
  properties[PROP_COLOR_BY] =
    g_param_spec_enum ("color-by", NULL, NULL, AGVIZ_TYPE_COLOR_BY, AGVIZ_COLOR_BY_OP,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TRACE_INPUTS] =
    g_param_spec_boolean ("trace-inputs", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

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
  self->coloring = agviz_coloring_new (self->color_by, NULL);

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
  if (!lay_out_first_view (self, error))
    return FALSE;
  /* Before the first allocation there is no view size to frame it in: done when one comes. */
  if (gtk_widget_get_width (GTK_WIDGET (self)) <= 0)
    self->frame_on_allocate = TRUE;
  else
    frame_first_view (self);
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
  return agviz_box_animation_is_running (&self->animation);
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
    _agviz_graph_view_invalidate_content (self);
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

/* The colouring is made again when what it depends on changes, and the legend and picture with
 * it. */
static void
update_coloring (AgvizGraphView *self)
{
  g_clear_pointer (&self->coloring, agviz_coloring_free);
  self->coloring = agviz_coloring_new (self->color_by, self->op_timings);
  _agviz_graph_view_update_legend (self);
  _agviz_graph_view_invalidate_content (self);
}

void
agviz_graph_view_set_color_by (AgvizGraphView *self,
                               AgvizColorBy    color_by)
{
  g_return_if_fail (AGVIZ_IS_GRAPH_VIEW (self));

  if (self->color_by == color_by)
    return;
  self->color_by = color_by;
  update_coloring (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR_BY]);
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
  g_return_if_fail (AGVIZ_IS_GRAPH_VIEW (self));

  if (op_timings != NULL)
    g_hash_table_ref (op_timings);
  g_clear_pointer (&self->op_timings, g_hash_table_unref);
  self->op_timings = op_timings;
  update_coloring (self);
}

gboolean
agviz_graph_view_get_item_fill (AgvizGraphView       *self,
                                const AgvizSceneItem *item,
                                GdkRGBA              *fill)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), FALSE);
  g_return_val_if_fail (item != NULL && fill != NULL, FALSE);

  *fill = _agviz_graph_view_get_fill (self, item);
  return self->dark;
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRACE_INPUTS]);
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
  return self->traced != NULL && agviz_input_trace_contains (self->traced, item);
}

guint
agviz_graph_view_get_n_traced (AgvizGraphView *self)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_VIEW (self), 0);
  return self->traced != NULL ? agviz_input_trace_get_n_items (self->traced) : 0;
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
      annotation->annotated->expanded || !_agviz_graph_view_annotations_readable (self) ||
      (slot = agviz_annotation_get_slot (annotation)) < 0 ||
      !agviz_layout_get_box (self->layout, annotation->annotated, &box))
    return FALSE;
  agviz_annotation_get_geometry (&box, annotation->annotation_out, slot, &ellipse, &label);
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

  if (self->layout == NULL || !_agviz_graph_view_annotations_readable (self))
    return NULL;
  agviz_viewport_view_to_content (self->viewport, view_x, view_y, &x, &y);
  return agviz_annotation_pick (self->layout, x, y);
}
