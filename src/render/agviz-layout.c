/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-layout.c: one Graphviz `dot` per expanded item, bottom-up, with a cache in the trace file
 *
 * Node sizes are fixed by agviz (fixedsize=true, no labels given to dot), so dot never measures
 * text: layouts do not depend on installed fonts and stay the same from machine to machine.
 */
#define G_LOG_DOMAIN "agviz-layout"

#include "config.h"

#include <string.h>

#include "agviz-annotation-geometry.h"
#include "agviz-drawing-private.h"
#include "agviz-graphviz-private.h"
#include "agviz-layout.h"
#include "agviz-text.h"

#define PADDING        10.0   /* inside an expanded box, around its children */
#define HEADER         22.0   /* an expanded box's title row */
#define NODE_HEIGHT    36.0
#define MIN_WIDTH      60.0
#define CHAR_WIDTH      6.6   /* of the 10 pt sans labels, generously */
#define AUX_GAP        28.0   /* between the main graph and the side area */
#define MARGIN         12.0
#define LEAVES_PER_RANK   6   /* leaves dot may put side by side before they are staggered */

/* Bump when the blob format or the drawing metrics change: old cache entries then miss. */
#define CACHE_FORMAT   "agviz-layout-2"
#define CACHE_TYPE     "(dda(dddd)a(uuadbdd))"

typedef struct
{
  double      width;       /* interior */
  double      height;
  GArray     *boxes;       /* AgvizLayoutBox per child position, relative to the interior */
  GHashTable *routes;      /* (src position, dst position) packed -> AgvizLayoutRoute */
} ContainerLayout;

/* What dot needs to know about one child, copied from the scene on the calling thread. */
typedef struct
{
  double   width;          /* collapsed size */
  double   height;
  int      inner;          /* index in the plan of the child's own open layout, or -1 */
  gboolean auxiliary;
  gboolean annotated;
} PlannedChild;

/* One expanded item to lay out.  The plan is a copy: the worker thread that runs dot reads only
 * the plan, never the scene or the store, so the main thread stays free to read both. */
typedef struct
{
  AgvizSceneItem  *container;     /* identity only, for the calling thread */
  char            *name;          /* for error messages */
  char            *key;
  gint64           trace_id;
  guint            n_children;
  PlannedChild    *children;
  GArray          *edges;         /* guint (src, dst) position pairs; NULL when cached */
  ContainerLayout *layout;        /* from the cache, or made by dot */
  gboolean         from_dot;      /* to be written to the cache */
} PlannedContainer;

struct _AgvizLayout
{
  GObject             parent_instance;

  AgvizScene         *scene;
  AgvizLayoutOptions  options;
  AgvizLayoutStats    stats;
  GHashTable         *containers;   /* item -> ContainerLayout */
  GHashTable         *boxes;        /* item -> AgvizLayoutBox, absolute */
  GPtrArray          *visible;      /* laid-out items, parents first */
  GPtrArray          *plan;         /* PlannedContainer, children first, until finished */
  double              width;
  double              height;
};

G_DEFINE_FINAL_TYPE (AgvizLayout, agviz_layout, G_TYPE_OBJECT)

static void
route_free (AgvizLayoutRoute *route)
{
  g_free (route->points);
  g_free (route);
}

static void
container_layout_free (ContainerLayout *layout)
{
  g_clear_pointer (&layout->boxes, g_array_unref);
  g_clear_pointer (&layout->routes, g_hash_table_unref);
  g_free (layout);
}

static ContainerLayout *
container_layout_new (guint n_children)
{
  ContainerLayout *layout = g_new0 (ContainerLayout, 1);

  layout->boxes = g_array_sized_new (FALSE, TRUE, sizeof (AgvizLayoutBox), n_children);
  g_array_set_size (layout->boxes, n_children);
  layout->routes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                          (GDestroyNotify) route_free);
  return layout;
}

static gint64 *
route_key (guint src,
           guint dst)
{
  gint64 *key = g_new (gint64, 1);

  *key = ((gint64) src << 32) | dst;
  return key;
}

static void
planned_container_free (PlannedContainer *planned)
{
  g_free (planned->name);
  g_free (planned->key);
  g_free (planned->children);
  g_clear_pointer (&planned->edges, g_array_unref);
  g_clear_pointer (&planned->layout, container_layout_free);
  g_free (planned);
}

static void
agviz_layout_finalize (GObject *object)
{
  AgvizLayout *self = AGVIZ_LAYOUT (object);

  g_clear_pointer (&self->plan, g_ptr_array_unref);
  g_clear_pointer (&self->containers, g_hash_table_unref);
  g_clear_pointer (&self->boxes, g_hash_table_unref);
  g_clear_pointer (&self->visible, g_ptr_array_unref);
  g_clear_object (&self->scene);

  G_OBJECT_CLASS (agviz_layout_parent_class)->finalize (object);
}

static void
agviz_layout_class_init (AgvizLayoutClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = agviz_layout_finalize;
}

static void
agviz_layout_init (AgvizLayout *self)
{
  self->containers = g_hash_table_new_full (NULL, NULL, NULL,
                                            (GDestroyNotify) container_layout_free);
  self->boxes = g_hash_table_new_full (NULL, NULL, NULL, g_free);
}

void
agviz_layout_options_init (AgvizLayoutOptions *options)
{
  g_return_if_fail (options != NULL);
  *options = (AgvizLayoutOptions) { .rankdir = AGVIZ_RANKDIR_TB, .use_cache = TRUE };
}

char *
agviz_layout_dup_label (const AgvizSceneItem *item,
                        guint                 max_chars)
{
  g_autofree char *valid = NULL;
  g_autofree char *text = NULL;
  gsize rest_bytes;

  g_return_val_if_fail (item != NULL, NULL);

  if (item->kind == AGVIZ_SCENE_ITEM_OP && item->shadowed)
    text = g_strdup_printf ("(%s)", item->name);
  else if (item->name[0] == '\0')
    text = g_strdup ("(unnamed)");
  else
    text = g_strdup (item->name);
  /* A cut label keeps room for its "…" within max_chars. */
  valid = agviz_text_valid_prefix (text, -1, max_chars > 1 ? max_chars : 0, &rest_bytes);
  if (rest_bytes > 0)
    {
      const char *cut = g_utf8_offset_to_pointer (valid, max_chars - 1);
      return g_strdup_printf ("%.*s…", (int) (cut - valid), valid);
    }
  return g_steal_pointer (&valid);
}

static void
collapsed_size (const AgvizSceneItem *item,
                double               *width,
                double               *height)
{
  g_autofree char *label = agviz_layout_dup_label (item, 28);
  double chars = g_utf8_strlen (label, -1);

  *width = MAX (MIN_WIDTH, chars * CHAR_WIDTH + 18.0);
  *height = NODE_HEIGHT;
}

/* The box a child takes in its parent: collapsed, or its laid-out interior plus frame. */
static void
child_size (GPtrArray          *plan,
            const PlannedChild *child,
            double             *width,
            double             *height)
{
  ContainerLayout *inner = NULL;

  if (child->inner >= 0)
    inner = ((PlannedContainer *) g_ptr_array_index (plan, child->inner))->layout;
  if (inner == NULL)
    {
      *width = child->width;
      *height = child->height;
      return;
    }
  *width = MAX (inner->width + 2 * PADDING, MIN_WIDTH);
  *height = inner->height + HEADER + PADDING;
}

static char *
format_double (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.4f", value));
}

/* The cache key of @container's layout: its identity, the options, and for every child what
 * decides its box (name, kind, size, side area, and the key of its own expanded layout). */
static char *
container_key (AgvizLayout    *self,
               AgvizSceneItem *container,
               GHashTable     *keys)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *path = agviz_scene_item_dup_path (container);
  const AgvizSceneOptions *scene_options = agviz_scene_get_options (self->scene);
  g_autofree char *header = NULL;

  header = g_strdup_printf (CACHE_FORMAT "|%d|%u|%u|%u|%u|%u|%d|%" G_GINT64_FORMAT "|",
                            self->options.rankdir, scene_options->series_min_size,
                            scene_options->section_max_children, scene_options->aux_min_children,
                            scene_options->aux_min_degree, scene_options->extract_auxiliary,
                            container->kind, container->trace_id);
  g_checksum_update (checksum, (const guchar *) header, -1);
  g_checksum_update (checksum, (const guchar *) path, -1);
  for (guint i = 0; i < container->children->len; i++)
    {
      AgvizSceneItem *child = g_ptr_array_index (container->children, i);
      const char *child_key = child->expanded ? g_hash_table_lookup (keys, child) : NULL;
      GPtrArray *annotations = agviz_scene_item_get_annotations (child);
      g_autofree char *entry = g_strdup_printf ("\x1e%d|%d|%" G_GINT64_FORMAT "|%u|%s|%s",
                                                child->kind, child->auxiliary, child->op_count,
                                                child->children != NULL ? child->children->len : 0,
                                                child_key != NULL ? child_key : "-",
                                                annotations != NULL ? "a|" : "");

      g_checksum_update (checksum, (const guchar *) entry, -1);
      g_checksum_update (checksum, (const guchar *) child->name, -1);
    }
  return g_strdup (g_checksum_get_string (checksum));
}

static GBytes *
serialize_layout (ContainerLayout *layout)
{
  GVariantBuilder boxes, routes;
  GHashTableIter iter;
  gpointer key, value;
  g_autoptr(GVariant) variant = NULL;
  g_autoptr(GArray) sorted_keys = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_variant_builder_init (&boxes, G_VARIANT_TYPE ("a(dddd)"));
  for (guint i = 0; i < layout->boxes->len; i++)
    {
      AgvizLayoutBox *box = &g_array_index (layout->boxes, AgvizLayoutBox, i);
      g_variant_builder_add (&boxes, "(dddd)", box->x, box->y, box->width, box->height);
    }

  g_variant_builder_init (&routes, G_VARIANT_TYPE ("a(uuadbdd)"));
  g_hash_table_iter_init (&iter, layout->routes);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_array_append_val (sorted_keys, *(gint64 *) key);
  for (guint i = 0; i < sorted_keys->len; i++)
    {
      gint64 packed = g_array_index (sorted_keys, gint64, i);
      AgvizLayoutRoute *route;

      value = g_hash_table_lookup (layout->routes, &packed);
      route = value;
      g_variant_builder_add (&routes, "(uu@adbdd)", (guint32) (packed >> 32), (guint32) packed,
                             g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, route->points,
                                                        route->n_points * 2, sizeof (double)),
                             route->has_arrow, route->arrow_x, route->arrow_y);
    }
  variant = g_variant_ref_sink (g_variant_new ("(dda(dddd)a(uuadbdd))", layout->width,
                                               layout->height, &boxes, &routes));
  return g_variant_get_data_as_bytes (variant);
}

/* NULL when the blob does not fit @container (a stale or damaged entry: lay out again). */
static ContainerLayout *
deserialize_layout (GBytes *bytes,
                    guint   n)
{
  g_autoptr(GVariant) variant = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (CACHE_TYPE),
                                                                              bytes, FALSE));
  g_autoptr(GVariantIter) boxes = NULL;
  g_autoptr(GVariantIter) routes = NULL;
  ContainerLayout *layout;
  double width, height;
  GVariant *points;
  guint32 src, dst;
  gboolean has_arrow;
  double ax, ay;
  guint i = 0;
  AgvizLayoutBox box;

  if (!g_variant_is_normal_form (variant))
    return NULL;
  g_variant_get (variant, "(dda(dddd)a(uuadbdd))", &width, &height, &boxes, &routes);
  if (g_variant_iter_n_children (boxes) != n)
    return NULL;
  layout = container_layout_new (n);
  layout->width = width;
  layout->height = height;
  while (g_variant_iter_next (boxes, "(dddd)", &box.x, &box.y, &box.width, &box.height))
    g_array_index (layout->boxes, AgvizLayoutBox, i++) = box;
  while (g_variant_iter_next (routes, "(uu@adbdd)", &src, &dst, &points, &has_arrow, &ax, &ay))
    {
      AgvizLayoutRoute *route = g_new0 (AgvizLayoutRoute, 1);
      gsize n_doubles;
      const double *data = g_variant_get_fixed_array (points, &n_doubles, sizeof (double));

      route->n_points = n_doubles / 2;
      route->points = g_memdup2 (data, route->n_points * 2 * sizeof (double));
      route->has_arrow = has_arrow;
      route->arrow_x = ax;
      route->arrow_y = ay;
      g_variant_unref (points);
      if (src >= n || dst >= n)
        {
          route_free (route);
          container_layout_free (layout);
          return NULL;
        }
      g_hash_table_insert (layout->routes, route_key (src, dst), route);
    }
  return layout;
}

/* Stacks the auxiliary children in a column right of the main graph. */
static void
place_auxiliary (GPtrArray        *plan,
                 PlannedContainer *container,
                 ContainerLayout  *layout)
{
  double column_x = layout->width > 0 ? layout->width + AUX_GAP : 0;
  double y = 0, column_width = 0;

  for (guint i = 0; i < container->n_children; i++)
    {
      const PlannedChild *child = &container->children[i];
      AgvizLayoutBox *box = &g_array_index (layout->boxes, AgvizLayoutBox, i);

      if (!child->auxiliary)
        continue;
      child_size (plan, child, &box->width, &box->height);
      box->x = column_x;
      box->y = y;
      y += box->height + 10;
      column_width = MAX (column_width, box->width);
    }
  if (column_width > 0)
    {
      layout->width = column_x + column_width;
      layout->height = MAX (layout->height, y - 10);
    }
}

/* A row of hundreds of boxes is never readable, and dot makes one of the leaves of a graph
 * (inputs and captures feeding one op, outputs of one op, lone ops): all of them land on the
 * rank next to their one neighbour.  Where there are more than LEAVES_PER_RANK of them they are
 * staggered over as many ranks as that takes, as Graphviz's `unflatten -l -c` does: an edge of
 * the k-th leaf gets minimum length 1 + k mod ranks, and lone boxes are chained in columns by
 * invisible edges.  The flow stays one-directional, and the picture grows along it, where it
 * scrolls, rather than across. */
static void
stagger_leaves (PlannedContainer  *container,
                Agraph_t          *graph,
                Agnode_t         **nodes)
{
  GArray *edges = container->edges;
  g_autofree guint *in = g_new0 (guint, container->n_children);
  g_autofree guint *out = g_new0 (guint, container->n_children);
  Agnode_t *column_top = NULL;
  guint n_leaves = 0, ranks, leaf = 0, lone = 0;

  for (guint e = 0; e + 1 < edges->len; e += 2)
    {
      guint src = g_array_index (edges, guint, e), dst = g_array_index (edges, guint, e + 1);

      if (nodes[src] != NULL && nodes[dst] != NULL && src != dst)
        {
          out[src]++;
          in[dst]++;
        }
    }
  for (guint i = 0; i < container->n_children; i++)
    if (nodes[i] != NULL && in[i] + out[i] <= 1)
      n_leaves++;
  if (n_leaves <= LEAVES_PER_RANK)
    return;
  ranks = (n_leaves + LEAVES_PER_RANK - 1) / LEAVES_PER_RANK;

  for (guint i = 0; i < container->n_children; i++)
    {
      g_autofree char *minlen = NULL;

      if (nodes[i] == NULL || in[i] + out[i] > 1)
        continue;
      if (in[i] + out[i] == 0)
        {
          /* Lone boxes: columns of `ranks` boxes, each hung below the previous. */
          if (lone++ % ranks != 0)
            {
              Agedge_t *chain = agedge (graph, column_top, nodes[i], (char *) "chain", TRUE);
              agviz_graphviz_set_attr (chain, "style", "invis");
            }
          column_top = nodes[i];
          continue;
        }
      minlen = g_strdup_printf ("%u", 1 + leaf++ % ranks);
      for (Agedge_t *e = agfstedge (graph, nodes[i]); e != NULL; e = agnxtedge (graph, e, nodes[i]))
        agviz_graphviz_set_attr (e, "minlen", minlen);
    }
}

static gboolean
is_invisible (Agedge_t *edge)
{
  const char *style = agget (edge, (char *) "style");

  return style != NULL && g_str_equal (style, "invis");
}

/* Runs on the worker thread of agviz_layout_new_async(): reads only @plan, under the Graphviz
 * lock. */
static ContainerLayout *
run_dot (GPtrArray         *plan,
         AgvizRankdir       rankdir,
         GVC_t             *gvc,
         PlannedContainer  *container,
         GError           **error)
{
  static const char *const rankdirs[] = { "TB", "BT", "LR" };
  GArray *edges = container->edges;
  g_autofree Agnode_t **nodes = g_new0 (Agnode_t *, container->n_children);
  ContainerLayout *layout = container_layout_new (container->n_children);
  Agraph_t *graph;
  guint n_main = 0;
  boxf bb;

  graph = agopen ((char *) "g", Agstrictdirected, NULL);
  agviz_graphviz_set_attr (graph, "rankdir", rankdirs[rankdir]);
  agviz_graphviz_set_attr (graph, "nodesep", "0.25");
  agviz_graphviz_set_attr (graph, "ranksep", "0.4");
  /* Bounded work per layout: network simplex and crossing minimisation stop early, and long
   * spline routing is replaced by polylines when a layout has many edges. */
  agviz_graphviz_set_attr (graph, "nslimit", "4");
  agviz_graphviz_set_attr (graph, "nslimit1", "4");
  agviz_graphviz_set_attr (graph, "mclimit", "0.5");
  agviz_graphviz_set_attr (graph, "searchsize", "30");
  agviz_graphviz_set_attr (graph, "splines", edges->len > 1500 ? "polyline" : "spline");
  agviz_graphviz_set_attr (graph, "outputorder", "edgesfirst");

  for (guint i = 0; i < container->n_children; i++)
    {
      const PlannedChild *child = &container->children[i];
      g_autofree char *name = NULL;
      g_autofree char *width = NULL;
      g_autofree char *height = NULL;
      double w, h;

      if (child->auxiliary)
        continue;
      child_size (plan, child, &w, &h);
      /* Annotations are drawn beside the box: dot keeps that room free on both sides, so the
       * box stays centred where dot puts the node. */
      if (child->annotated)
        w += 2 * AGVIZ_ANNOTATION_ROOM;
      name = g_strdup_printf ("n%u", i);
      nodes[i] = agnode (graph, name, TRUE);
      width = format_double (w / 72.0);
      height = format_double (h / 72.0);
      agviz_graphviz_set_attr (nodes[i], "shape", "box");
      agviz_graphviz_set_attr (nodes[i], "fixedsize", "true");
      agviz_graphviz_set_attr (nodes[i], "label", "");
      agviz_graphviz_set_attr (nodes[i], "width", width);
      agviz_graphviz_set_attr (nodes[i], "height", height);
      n_main++;
    }
  for (guint e = 0; e + 1 < edges->len; e += 2)
    {
      Agnode_t *tail = nodes[g_array_index (edges, guint, e)];
      Agnode_t *head = nodes[g_array_index (edges, guint, e + 1)];

      if (tail != NULL && head != NULL)
        agedge (graph, tail, head, NULL, TRUE);
    }
  stagger_leaves (container, graph, nodes);

  if (n_main > 0)
    {
      if (gvLayout (gvc, graph, "dot") != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Graphviz could not lay out %s",
                       container->name);
          agclose (graph);
          container_layout_free (layout);
          return NULL;
        }
      bb = GD_bb (graph);
      layout->width = bb.UR.x - bb.LL.x;
      layout->height = bb.UR.y - bb.LL.y;

      for (guint i = 0; i < container->n_children; i++)
        {
          AgvizLayoutBox *box = &g_array_index (layout->boxes, AgvizLayoutBox, i);
          Agnode_t *node = nodes[i];

          if (node == NULL)
            continue;
          box->width = ND_width (node) * 72.0;
          if (container->children[i].annotated)
            box->width -= 2 * AGVIZ_ANNOTATION_ROOM;
          box->height = ND_height (node) * 72.0;
          /* Graphviz puts y up; the drawing puts it down. */
          box->x = ND_coord (node).x - bb.LL.x - box->width / 2;
          box->y = bb.UR.y - ND_coord (node).y - box->height / 2;

          for (Agedge_t *e = agfstout (graph, node); e != NULL; e = agnxtout (graph, e))
            {
              AgvizLayoutRoute *route;
              bezier *spline;
              guint src = i, dst = 0;

              if (ED_spl (e) == NULL || ED_spl (e)->size < 1 || is_invisible (e))
                continue;
              for (guint j = 0; j < container->n_children; j++)
                if (nodes[j] == aghead (e))
                  dst = j;
              spline = &ED_spl (e)->list[0];
              route = g_new0 (AgvizLayoutRoute, 1);
              route->n_points = spline->size;
              route->points = g_new (double, spline->size * 2);
              for (int p = 0; p < spline->size; p++)
                {
                  route->points[2 * p] = spline->list[p].x - bb.LL.x;
                  route->points[2 * p + 1] = bb.UR.y - spline->list[p].y;
                }
              route->has_arrow = spline->eflag != 0;
              route->arrow_x = spline->ep.x - bb.LL.x;
              route->arrow_y = bb.UR.y - spline->ep.y;
              g_hash_table_insert (layout->routes, route_key (src, dst), route);
            }
        }
      gvFreeLayout (gvc, graph);
    }
  agclose (graph);
  place_auxiliary (plan, container, layout);
  layout->width = MAX (layout->width, 40);
  layout->height = MAX (layout->height, 20);
  return layout;
}

/* Absolute boxes and routes, top-down from the root's interior at the margin. */
static void
place_absolute (AgvizLayout *self)
{
  AgvizSceneItem *root = agviz_scene_get_root (self->scene);
  GPtrArray *plan = self->plan;
  ContainerLayout *root_layout = g_hash_table_lookup (self->containers, root);
  AgvizLayoutBox *root_box = g_new0 (AgvizLayoutBox, 1);

  root_box->width = (root_layout != NULL ? root_layout->width : 40) + 2 * MARGIN;
  root_box->height = (root_layout != NULL ? root_layout->height : 20) + 2 * MARGIN;
  g_hash_table_insert (self->boxes, root, root_box);
  self->width = root_box->width;
  self->height = root_box->height;
  self->stats.visible_items = 1;
  self->visible = g_ptr_array_new ();
  g_ptr_array_add (self->visible, root);

  /* The plan holds children first: walked backwards, parents come first. */
  for (guint i = plan->len; i-- > 0;)
    {
      AgvizSceneItem *container = ((PlannedContainer *) g_ptr_array_index (plan, i))->container;
      ContainerLayout *layout = g_hash_table_lookup (self->containers, container);
      double origin_x, origin_y;
      GHashTableIter iter;
      gpointer value;

      if (layout == NULL || !agviz_layout_get_interior (self, container, &origin_x, &origin_y))
        continue;
      for (guint c = 0; c < container->children->len; c++)
        {
          AgvizLayoutBox *box = g_memdup2 (&g_array_index (layout->boxes, AgvizLayoutBox, c),
                                           sizeof (AgvizLayoutBox));
          box->x += origin_x;
          box->y += origin_y;
          g_hash_table_insert (self->boxes, g_ptr_array_index (container->children, c), box);
          g_ptr_array_add (self->visible, g_ptr_array_index (container->children, c));
          self->stats.visible_items++;
        }
      g_hash_table_iter_init (&iter, layout->routes);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          AgvizLayoutRoute *route = value;

          for (guint p = 0; p < route->n_points; p++)
            {
              route->points[2 * p] += origin_x;
              route->points[2 * p + 1] += origin_y;
            }
          route->arrow_x += origin_x;
          route->arrow_y += origin_y;
          self->stats.drawn_edges++;
        }
    }
}

/* Copies what dot needs from the scene and reads the cache: on the calling thread, which owns
 * the scene and the store. */
static AgvizLayout *
layout_plan (AgvizScene               *scene,
             const AgvizLayoutOptions *options)
{
  AgvizLayout *self = g_object_new (AGVIZ_TYPE_LAYOUT, NULL);
  g_autoptr(GPtrArray) expanded = agviz_scene_list_expanded (scene);
  g_autoptr(GHashTable) keys = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GHashTable) indices = g_hash_table_new (NULL, NULL);
  AgvizStore *store = agviz_scene_get_store (scene);

  self->scene = g_object_ref (scene);
  if (options != NULL)
    self->options = *options;
  else
    agviz_layout_options_init (&self->options);
  self->plan = g_ptr_array_new_with_free_func ((GDestroyNotify) planned_container_free);

  /* Children before parents: a parent needs its expanded children's sizes. */
  for (guint i = expanded->len; i-- > 0;)
    {
      AgvizSceneItem *container = g_ptr_array_index (expanded, i);
      PlannedContainer *planned = g_new0 (PlannedContainer, 1);
      g_autoptr(GBytes) cached = NULL;
      g_autoptr(GError) cache_error = NULL;

      planned->container = container;
      planned->name = g_strdup (container->name);
      planned->trace_id = container->trace_id;
      planned->key = container_key (self, container, keys);
      g_hash_table_insert (keys, container, g_strdup (planned->key));
      planned->n_children = container->children->len;
      if (self->options.use_cache)
        {
          cached = agviz_store_get_cached_layout (store, container->trace_id, planned->key,
                                                  &cache_error);
          if (cache_error != NULL)
            g_debug ("layout cache unreadable: %s", cache_error->message);
          if (cached != NULL)
            planned->layout = deserialize_layout (cached, planned->n_children);
        }
      if (planned->layout == NULL)
        {
          g_autoptr(GArray) edges = agviz_scene_list_edges (scene, container, NULL);

          /* Only a container dot lays out needs its children's sizes. */
          planned->children = g_new0 (PlannedChild, planned->n_children);
          for (guint c = 0; c < planned->n_children; c++)
            {
              AgvizSceneItem *child = g_ptr_array_index (container->children, c);
              PlannedChild *copy = &planned->children[c];
              gpointer index;

              collapsed_size (child, &copy->width, &copy->height);
              copy->inner = child->expanded && g_hash_table_lookup_extended (indices, child, NULL, &index)
                            ? GPOINTER_TO_INT (index) : -1;
              copy->auxiliary = child->auxiliary;
              copy->annotated = agviz_scene_item_get_annotations (child) != NULL;
            }

          planned->edges = g_array_sized_new (FALSE, FALSE, sizeof (guint), 2 * edges->len);
          for (guint e = 0; e < edges->len; e++)
            {
              AgvizSceneEdge *edge = &g_array_index (edges, AgvizSceneEdge, e);

              g_array_append_val (planned->edges, edge->src->position);
              g_array_append_val (planned->edges, edge->dst->position);
            }
        }
      g_hash_table_insert (indices, container, GINT_TO_POINTER (self->plan->len));
      g_ptr_array_add (self->plan, planned);
    }
  return self;
}

/* Runs dot for every planned container the cache did not have.  Touches only the plan (and the
 * stats nobody reads before the layout is finished), so it may run on any thread. */
static gboolean
layout_compute (AgvizLayout   *self,
                GCancellable  *cancellable,
                GError       **error)
{
  GVC_t *gvc = NULL;
  gboolean ok = TRUE;

  for (guint i = 0; i < self->plan->len && ok; i++)
    {
      PlannedContainer *planned = g_ptr_array_index (self->plan, i);

      if (planned->layout != NULL)
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      if (gvc == NULL)
        gvc = agviz_graphviz_acquire ();
      planned->layout = run_dot (self->plan, self->options.rankdir, gvc, planned, error);
      planned->from_dot = TRUE;
      ok = planned->layout != NULL;
      if (ok)
        self->stats.dot_runs++;
    }
  if (gvc != NULL)
    agviz_graphviz_release ();
  return ok;
}

/* Writes the new layouts to the cache and places everything: on the thread that planned. */
static void
layout_finish (AgvizLayout *self)
{
  AgvizStore *store = agviz_scene_get_store (self->scene);
  gboolean writing = self->options.use_cache && agviz_store_is_writable (store);
  gboolean in_batch = FALSE;

  for (guint i = 0; i < self->plan->len; i++)
    {
      PlannedContainer *planned = g_ptr_array_index (self->plan, i);

      if (planned->from_dot && writing)
        {
          g_autoptr(GBytes) blob = serialize_layout (planned->layout);
          g_autoptr(GError) cache_error = NULL;

          /* One transaction for all the writes of this view, not one sync per scope. */
          if (!in_batch)
            in_batch = agviz_store_begin_cache_batch (store, NULL);
          if (agviz_store_put_cached_layout (store, planned->trace_id, planned->key, blob, &cache_error))
            self->stats.cache_writes++;
          else
            g_debug ("layout not cached: %s", cache_error->message);
        }
      g_hash_table_insert (self->containers, planned->container, g_steal_pointer (&planned->layout));
      self->stats.layouts++;
    }
  if (in_batch)
    {
      g_autoptr(GError) cache_error = NULL;
      if (!agviz_store_end_cache_batch (store, &cache_error))
        g_debug ("layout cache not committed: %s", cache_error->message);
    }

  place_absolute (self);
  g_clear_pointer (&self->plan, g_ptr_array_unref);
}

AgvizLayout *
agviz_layout_new (AgvizScene                *scene,
                  const AgvizLayoutOptions  *options,
                  GError                   **error)
{
  g_autoptr(AgvizLayout) self = NULL;

  g_return_val_if_fail (AGVIZ_IS_SCENE (scene), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = layout_plan (scene, options);
  if (!layout_compute (self, NULL, error))
    return NULL;
  layout_finish (self);
  return g_steal_pointer (&self);
}

static void
layout_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;

  if (layout_compute (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
agviz_layout_new_async (AgvizScene               *scene,
                        const AgvizLayoutOptions *options,
                        GCancellable             *cancellable,
                        GAsyncReadyCallback       callback,
                        gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (AGVIZ_IS_SCENE (scene));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, agviz_layout_new_async);
  g_task_set_task_data (task, layout_plan (scene, options), g_object_unref);
  g_task_run_in_thread (task, layout_thread);
}

AgvizLayout *
agviz_layout_new_finish (GAsyncResult  *result,
                         GError       **error)
{
  AgvizLayout *self;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == agviz_layout_new_async, NULL);

  /* Cancelled also when the worker had finished: the scene may have changed since the plan. */
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  self = g_object_ref (g_task_get_task_data (G_TASK (result)));
  if (self->plan == NULL)
    {
      /* Finished twice: the same layout again. */
      return self;
    }
  layout_finish (self);
  return self;
}

gboolean
agviz_layout_is_open (AgvizLayout          *self,
                      const AgvizSceneItem *item)
{
  g_return_val_if_fail (AGVIZ_IS_LAYOUT (self), FALSE);
  return g_hash_table_contains (self->containers, item);
}

static AgvizLayoutBox
route_bounds (const AgvizLayoutRoute *route)
{
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;

  for (guint p = 0; p < route->n_points; p++)
    {
      x0 = MIN (x0, route->points[2 * p]);
      x1 = MAX (x1, route->points[2 * p]);
      y0 = MIN (y0, route->points[2 * p + 1]);
      y1 = MAX (y1, route->points[2 * p + 1]);
    }
  if (route->has_arrow)
    {
      x0 = MIN (x0, route->arrow_x);
      x1 = MAX (x1, route->arrow_x);
      y0 = MIN (y0, route->arrow_y);
      y1 = MAX (y1, route->arrow_y);
    }
  return (AgvizLayoutBox) { x0, y0, x1 - x0, y1 - y0 };
}

GArray *
agviz_layout_list_edges (AgvizLayout *self)
{
  g_autoptr(GPtrArray) expanded = NULL;
  GArray *edges;

  g_return_val_if_fail (AGVIZ_IS_LAYOUT (self), NULL);

  expanded = agviz_scene_list_expanded (self->scene);
  edges = g_array_new (FALSE, FALSE, sizeof (AgvizLayoutEdge));
  for (guint i = 0; i < expanded->len; i++)
    {
      AgvizSceneItem *container = g_ptr_array_index (expanded, i);
      g_autoptr(GArray) scene_edges = agviz_scene_list_edges (self->scene, container, NULL);

      for (guint e = 0; e < scene_edges->len; e++)
        {
          const AgvizSceneEdge *scene_edge = &g_array_index (scene_edges, AgvizSceneEdge, e);
          AgvizLayoutEdge edge = {
            .container = container,
            .src = scene_edge->src,
            .dst = scene_edge->dst,
            .count = scene_edge->count,
            .control = scene_edge->control_count == scene_edge->count,
          };

          edge.route = agviz_layout_get_route (self, container, edge.src, edge.dst);
          if (edge.route == NULL || edge.route->n_points < 1)
            continue;
          edge.bounds = route_bounds (edge.route);
          g_array_append_val (edges, edge);
        }
    }
  return edges;
}

AgvizScene *
agviz_layout_get_scene (AgvizLayout *self)
{
  g_return_val_if_fail (AGVIZ_IS_LAYOUT (self), NULL);
  return self->scene;
}

void
agviz_layout_get_size (AgvizLayout *self,
                       double      *width,
                       double      *height)
{
  g_return_if_fail (AGVIZ_IS_LAYOUT (self));
  if (width != NULL)
    *width = self->width;
  if (height != NULL)
    *height = self->height;
}

const AgvizLayoutStats *
agviz_layout_get_stats (AgvizLayout *self)
{
  g_return_val_if_fail (AGVIZ_IS_LAYOUT (self), NULL);
  return &self->stats;
}

gboolean
agviz_layout_get_box (AgvizLayout          *self,
                      const AgvizSceneItem *item,
                      AgvizLayoutBox       *box)
{
  AgvizLayoutBox *found;

  g_return_val_if_fail (AGVIZ_IS_LAYOUT (self), FALSE);
  g_return_val_if_fail (item != NULL, FALSE);

  found = g_hash_table_lookup (self->boxes, item);
  if (found == NULL)
    return FALSE;
  if (box != NULL)
    *box = *found;
  return TRUE;
}

gboolean
agviz_layout_get_interior (AgvizLayout          *self,
                           const AgvizSceneItem *item,
                           double               *x,
                           double               *y)
{
  AgvizLayoutBox *box;

  g_return_val_if_fail (AGVIZ_IS_LAYOUT (self), FALSE);

  box = g_hash_table_lookup (self->boxes, item);
  if (box == NULL || !g_hash_table_contains (self->containers, item))
    return FALSE;
  if (item->parent == NULL)
    {
      *x = box->x + MARGIN;
      *y = box->y + MARGIN;
    }
  else
    {
      *x = box->x + PADDING;
      *y = box->y + HEADER;
    }
  return TRUE;
}

const AgvizLayoutRoute *
agviz_layout_get_route (AgvizLayout          *self,
                        const AgvizSceneItem *container,
                        const AgvizSceneItem *src,
                        const AgvizSceneItem *dst)
{
  ContainerLayout *layout;
  gint64 key;

  g_return_val_if_fail (AGVIZ_IS_LAYOUT (self), NULL);

  layout = g_hash_table_lookup (self->containers, container);
  if (layout == NULL)
    return NULL;
  key = ((gint64) src->position << 32) | dst->position;
  return g_hash_table_lookup (layout->routes, &key);
}

GPtrArray *
agviz_layout_list_visible (AgvizLayout *self)
{
  g_return_val_if_fail (AGVIZ_IS_LAYOUT (self), NULL);
  g_return_val_if_fail (self->visible != NULL, NULL);

  return g_ptr_array_copy (self->visible, NULL, NULL);
}
