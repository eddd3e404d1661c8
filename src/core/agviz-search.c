/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-search.c: finding the nodes and scopes of one trace from what a user types */
#define G_LOG_DOMAIN "agviz-search"

#include "config.h"

#include <string.h>

#include "agviz-search.h"
#include "agviz-source-map.h"

void
agviz_search_hit_free (AgvizSearchHit *hit)
{
  if (hit == NULL)
    return;
  g_free (hit->path);
  g_free (hit->op_type);
  g_free (hit);
}

gboolean
agviz_search_parse_location (const char  *query,
                             char       **file,
                             int         *line)
{
  const char *colon;
  guint64 number;

  g_return_val_if_fail (query != NULL, FALSE);

  colon = strrchr (query, ':');
  if (colon == NULL || colon == query ||
      !g_ascii_string_to_unsigned (colon + 1, 10, 1, G_MAXINT, &number, NULL))
    return FALSE;
  *file = g_strndup (query, colon - query);
  *line = (int) number;
  return TRUE;
}

/* Whether the defining frame of @stack_id is one of @frames (frame id set). */
static gboolean
stack_defined_at (AgvizStore  *store,
                  gint64       stack_id,
                  GHashTable  *frames,
                  GError     **error)
{
  g_autoptr(GPtrArray) stack = agviz_store_get_stack_frames (store, stack_id, error);

  if (stack == NULL)
    return FALSE;
  for (guint i = stack->len; i > 0; i--)
    {
      AgvizFrame *frame = g_ptr_array_index (stack, i - 1);

      if (agviz_source_map_classify_path (frame->file) == AGVIZ_FRAME_ORIGIN_USER)
        return g_hash_table_contains (frames, &frame->id);
    }
  return FALSE;
}

/* Appends a hit that takes over @path and @op_type (may be NULL) from the record they were read
 * into. */
static void
add_hit (GPtrArray           *hits,
         AgvizSearchHitKind   kind,
         gint64               id,
         char               **path,
         char               **op_type)
{
  AgvizSearchHit *hit = g_new0 (AgvizSearchHit, 1);

  hit->kind = kind;
  hit->id = id;
  hit->path = g_steal_pointer (path);
  if (op_type != NULL)
    hit->op_type = g_steal_pointer (op_type);
  g_ptr_array_add (hits, hit);
}

static gboolean
search_location (AgvizStore    *store,
                 gint64         trace_id,
                 const char    *file,
                 int            line,
                 guint          limit,
                 GPtrArray     *hits,
                 gboolean      *truncated,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GArray) frame_ids = agviz_store_find_frames_at (store, file, line, error);
  g_autoptr(GHashTable) frames = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) stacks = NULL;
  /* stack id -> whether it was made on the line: nodes share stacks (one per line of a loop). */
  g_autoptr(GHashTable) matching = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  if (frame_ids == NULL)
    return FALSE;
  /* No frame of the file at that line: nothing to read of the trace. */
  if (frame_ids->len == 0)
    return TRUE;
  for (guint i = 0; i < frame_ids->len; i++)
    g_hash_table_add (frames, &g_array_index (frame_ids, gint64, i));

  stacks = agviz_store_list_trace_node_stacks (store, trace_id, error);
  if (stacks == NULL)
    return FALSE;
  for (guint i = 0; i < stacks->len; i++)
    {
      const AgvizNodeStack *row = &g_array_index (stacks, AgvizNodeStack, i);
      gpointer matched;
      g_autoptr(AgvizNode) node = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!g_hash_table_lookup_extended (matching, &row->stack_id, NULL, &matched))
        {
          g_autoptr(GError) local_error = NULL;

          matched = GINT_TO_POINTER (stack_defined_at (store, row->stack_id, frames, &local_error));
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          g_hash_table_insert (matching, g_memdup2 (&row->stack_id, sizeof (gint64)), matched);
        }
      if (!GPOINTER_TO_INT (matched))
        continue;
      if (hits->len == limit)
        {
          *truncated = TRUE;
          return TRUE;
        }
      node = agviz_store_get_node (store, row->node_id, error);
      if (node == NULL)
        return FALSE;
      add_hit (hits, AGVIZ_SEARCH_HIT_OP, node->id, &node->name, &node->op_type);
    }
  return TRUE;
}

static gboolean
search_names (AgvizStore    *store,
              gint64         trace_id,
              const char    *query,
              guint          limit,
              GPtrArray     *hits,
              gboolean      *truncated,
              GCancellable  *cancellable,
              GError       **error)
{
  const char *slash = strrchr (query, '/');
  const char *name_part = slash != NULL ? slash + 1 : query;
  /* "dense/" asks for what is inside dense: its children's own names are anything. */
  const char *path_part = slash != NULL ? query : NULL;
  g_autoptr(GPtrArray) scopes = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  gboolean more = FALSE;
  gint64 op_type_id = 0;

  /* A query with a '/' is a path, never an op type. */
  if (slash == NULL && (op_type_id = agviz_store_find_op_type (store, query, error)) < 0)
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  scopes = agviz_store_search_trace_scopes (store, trace_id, name_part, path_part, limit, &more, error);
  if (scopes == NULL)
    return FALSE;
  for (guint i = 0; i < scopes->len; i++)
    {
      AgvizScope *scope = g_ptr_array_index (scopes, i);

      add_hit (hits, AGVIZ_SEARCH_HIT_SCOPE, scope->id, &scope->full_name, NULL);
    }
  if (more)
    {
      *truncated = TRUE;
      return TRUE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  nodes = agviz_store_search_trace_nodes (store, trace_id, name_part, path_part, op_type_id,
                                          limit - hits->len, &more, error);
  if (nodes == NULL)
    return FALSE;
  for (guint i = 0; i < nodes->len; i++)
    {
      AgvizNode *node = g_ptr_array_index (nodes, i);

      add_hit (hits, AGVIZ_SEARCH_HIT_OP, node->id, &node->name, &node->op_type);
    }
  *truncated = more;
  return TRUE;
}

GPtrArray *
agviz_search_trace (AgvizStore    *store,
                    gint64         trace_id,
                    const char    *query,
                    guint          limit,
                    gboolean      *truncated,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func ((GDestroyNotify) agviz_search_hit_free);
  g_autofree char *file = NULL;
  gboolean more = FALSE;
  int line = 0;
  gboolean ok;

  g_return_val_if_fail (AGVIZ_IS_STORE (store), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  if (query[0] == '\0' || limit == 0)
    ok = TRUE;
  else if (agviz_search_parse_location (query, &file, &line))
    ok = search_location (store, trace_id, file, line, limit, hits, &more, cancellable, error);
  else
    ok = search_names (store, trace_id, query, limit, hits, &more, cancellable, error);
  if (!ok)
    return NULL;
  if (truncated != NULL)
    *truncated = more;
  return g_steal_pointer (&hits);
}
