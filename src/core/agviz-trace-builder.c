/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-trace-builder.c: an open trace's scopes, nodes, edges and calls in memory */
#define G_LOG_DOMAIN "agviz-recorder"

#include "config.h"

#include <string.h>

#include "agviz-edge-list.h"
#include "agviz-graph-rules.h"
#include "agviz-recorder-private.h"
#include "agviz-trace-builder.h"

/* Scope paths up to this many bytes are also kept whole, so the usual lookup is one probe. */
#define MAX_PATH_KEY 1024

static void
pending_call_clear (gpointer data)
{
  AgvizPendingCall *call = data;

  g_free (call->role);
  g_free (call->callee_graph_name);
}

static guint
add_name (AgvizTraceBuilder *self,
          const char        *name,
          gsize              length)
{
  guint offset = self->names->len;

  g_string_append_len (self->names, name, length);
  g_string_append_c (self->names, '\0');
  return offset;
}

AgvizTraceBuilder *
_agviz_trace_builder_new (gint64 trace_id,
                          gint64 root_scope_id)
{
  AgvizTraceBuilder *self = g_new0 (AgvizTraceBuilder, 1);
  AgvizPendingScope root = { root_scope_id, G_MAXUINT, 0, 0, 0 };

  self->id = trace_id;
  self->started_usec = g_get_monotonic_time ();
  self->names = g_string_new (NULL);
  self->scopes = g_array_new (FALSE, FALSE, sizeof (AgvizPendingScope));
  self->nodes = g_array_new (FALSE, FALSE, sizeof (AgvizPendingNode));
  self->edges = g_array_new (FALSE, FALSE, sizeof (AgvizEdge));
  self->calls = g_array_new (FALSE, FALSE, sizeof (AgvizPendingCall));
  g_array_set_clear_func (self->calls, pending_call_clear);
  self->scope_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->scope_by_path = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->last_scope_path = g_string_new (NULL);
  self->node_by_hash = g_hash_table_new (_agviz_hash_u64_key, g_direct_equal);
  self->node_by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->edge_inputs = g_hash_table_new (_agviz_hash_u64_key, g_direct_equal);
  self->wide_edge_inputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->scratch = g_string_new (NULL);

  root.name_offset = add_name (self, "", 0);
  g_array_append_val (self->scopes, root);
  return self;
}

static void
drop_edge_lists (AgvizTraceBuilder *self)
{
  g_clear_pointer (&self->edge_lists, g_byte_array_unref);
  g_clear_pointer (&self->input_offsets, g_array_unref);
  g_clear_pointer (&self->consumer_offsets, g_array_unref);
}

void
_agviz_trace_builder_free (AgvizTraceBuilder *self)
{
  if (self == NULL)
    return;
  g_string_free (self->names, TRUE);
  g_array_unref (self->scopes);
  g_array_unref (self->nodes);
  g_array_unref (self->edges);
  g_array_unref (self->calls);
  drop_edge_lists (self);
  g_hash_table_unref (self->scope_index);
  g_hash_table_unref (self->scope_by_path);
  g_string_free (self->last_scope_path, TRUE);
  g_hash_table_unref (self->node_by_hash);
  g_hash_table_unref (self->node_by_key);
  g_hash_table_unref (self->edge_inputs);
  g_hash_table_unref (self->wide_edge_inputs);
  g_string_free (self->scratch, TRUE);
  g_free (self);
}

/* Into *@index: the index in scopes of the scope named by the first @length bytes of @path; when
 * there is none, FALSE, unless @next_scope_id is given: then it is created with its parents, with
 * ids from *@next_scope_id on.  The path is walked one segment at a time and each scope is keyed
 * by its parent's index and its local name: hostile names nest scopes 100,000 deep, and neither a
 * recursion per level (the stack) nor a key holding the whole path per level (memory quadratic
 * in the depth) survives that.  A leading '/' names no scope: "/a" is "a". */
static gboolean
find_scope_path (AgvizTraceBuilder *self,
                 const char        *path,
                 gsize              length,
                 gint64            *next_scope_id,
                 guint             *index_out)
{
  guint index = 0;
  gsize start = 0;

  *index_out = 0;
  if (length == 0)
    return TRUE;

  /* Graphs list the ops of one scope together: most nodes are in the previous node's scope. */
  if (self->last_scope_path->len == length &&
      memcmp (self->last_scope_path->str, path, length) == 0)
    {
      *index_out = self->last_scope_index;
      return TRUE;
    }

  /* Real paths are short: one lookup of the whole path finds a known scope. */
  if (length <= MAX_PATH_KEY)
    {
      gpointer value;

      g_string_overwrite_len (self->scratch, 0, path, length);
      g_string_truncate (self->scratch, length);
      if (g_hash_table_lookup_extended (self->scope_by_path, self->scratch->str, NULL, &value))
        {
          index = GPOINTER_TO_UINT (value) - 1;
          goto found;
        }
    }

  if (path[0] == '/')
    start = 1;
  for (;;)
    {
      const char *slash = memchr (path + start, '/', length - start);
      gsize end = slash != NULL ? (gsize) (slash - path) : length;
      gpointer value;

      g_string_truncate (self->scratch, 0);
      g_string_append_printf (self->scratch, "%u/", index);
      g_string_append_len (self->scratch, path + start, end - start);
      if (g_hash_table_lookup_extended (self->scope_index, self->scratch->str, NULL, &value))
        index = GPOINTER_TO_UINT (value) - 1;
      else if (next_scope_id == NULL)
        return FALSE;
      else
        {
          AgvizPendingScope scope = { 0, 0, 0, 0, 0 };

          scope.parent_index = index;
          scope.id = (*next_scope_id)++;
          scope.name_offset = add_name (self, path + start, end - start);
          g_array_append_val (self->scopes, scope);
          g_hash_table_insert (self->scope_index, g_strndup (self->scratch->str, self->scratch->len),
                               GUINT_TO_POINTER (self->scopes->len));
          index = self->scopes->len - 1;
        }
      if (slash == NULL)
        break;
      start = end + 1;
    }
  if (length <= MAX_PATH_KEY)
    g_hash_table_insert (self->scope_by_path, g_strndup (path, length), GUINT_TO_POINTER (index + 1));

found:
  g_string_overwrite_len (self->last_scope_path, 0, path, length);
  g_string_truncate (self->last_scope_path, length);
  self->last_scope_index = index;
  *index_out = index;
  return TRUE;
}

static guint64
node_name_hash (guint       scope_index,
                const char *name)
{
  guint64 hash = G_GUINT64_CONSTANT (0xcbf29ce484222325) ^ scope_index;

  for (const char *p = name; *p != '\0'; p++)
    {
      hash ^= (guchar) *p;
      hash *= G_GUINT64_CONSTANT (0x100000001b3);
    }
  return hash;
}

/* The index + 1 of node @name in scope @scope_index, or 0.  *@hash_taken (optional) tells
 * whether another node has the same hash. */
static guint
find_node_in_scope (AgvizTraceBuilder *self,
                    guint              scope_index,
                    const char        *name,
                    gboolean          *hash_taken)
{
  guint64 hash = node_name_hash (scope_index, name);
  gpointer value;
  AgvizPendingNode *node;
  g_autofree char *key = NULL;

  if (hash_taken != NULL)
    *hash_taken = FALSE;
  if (!g_hash_table_lookup_extended (self->node_by_hash, _agviz_id_to_key (hash), NULL, &value))
    return 0;
  if (hash_taken != NULL)
    *hash_taken = TRUE;
  node = &g_array_index (self->nodes, AgvizPendingNode, GPOINTER_TO_UINT (value) - 1);
  if (node->scope_index == scope_index && strcmp (self->names->str + node->name_offset, name) == 0)
    return GPOINTER_TO_UINT (value);

  key = g_strdup_printf ("%u/%s", scope_index, name);
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->node_by_key, key));
}

gboolean
_agviz_trace_builder_place_node (AgvizTraceBuilder *self,
                                 const char        *name,
                                 gint64            *next_scope_id,
                                 AgvizNodePlace    *place)
{
  gsize scope_length;

  g_assert (next_scope_id != NULL);

  place->local_name = _agviz_graph_rules_split_name (name, &scope_length);
  find_scope_path (self, name, scope_length, next_scope_id, &place->scope_index);
  return find_node_in_scope (self, place->scope_index, place->local_name, &place->hash_taken) == 0;
}

void
_agviz_trace_builder_add_node (AgvizTraceBuilder    *self,
                               const AgvizNodePlace *place,
                               AgvizPendingNode     *node)
{
  guint index_plus_one;

  g_assert (self->nodes->len == 0 ||
            node->id > g_array_index (self->nodes, AgvizPendingNode, self->nodes->len - 1).id);

  node->scope_index = place->scope_index;
  node->name_offset = add_name (self, place->local_name, strlen (place->local_name));
  g_array_append_val (self->nodes, *node);
  index_plus_one = self->nodes->len;
  if (!place->hash_taken)
    g_hash_table_insert (self->node_by_hash,
                         _agviz_id_to_key (node_name_hash (place->scope_index, place->local_name)),
                         GUINT_TO_POINTER (index_plus_one));
  else
    g_hash_table_insert (self->node_by_key,
                         g_strdup_printf ("%u/%s", place->scope_index, place->local_name),
                         GUINT_TO_POINTER (index_plus_one));
  g_array_index (self->scopes, AgvizPendingScope, place->scope_index).node_count++;
}

gint64
_agviz_trace_builder_find_node (AgvizTraceBuilder *self,
                                const char        *name)
{
  gsize scope_length;
  const char *local_name = _agviz_graph_rules_split_name (name, &scope_length);
  guint scope_index, node_index;

  if (!find_scope_path (self, name, scope_length, NULL, &scope_index))
    return 0;
  node_index = find_node_in_scope (self, scope_index, local_name, NULL);
  if (node_index == 0)
    return 0;
  return g_array_index (self->nodes, AgvizPendingNode, node_index - 1).id;
}

guint
_agviz_trace_builder_node_index (const AgvizTraceBuilder *self,
                                 gint64                   node_id)
{
  guint low = 0, high = self->nodes->len;
  gint64 first_id;

  g_assert (high > 0);
  first_id = g_array_index (self->nodes, AgvizPendingNode, 0).id;
  /* Usually one trace is recorded at a time and its ids are consecutive. */
  if (node_id - first_id < high &&
      g_array_index (self->nodes, AgvizPendingNode, node_id - first_id).id == node_id)
    return node_id - first_id;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;

      if (g_array_index (self->nodes, AgvizPendingNode, middle).id < node_id)
        low = middle + 1;
      else
        high = middle;
    }
  g_assert (low < self->nodes->len && g_array_index (self->nodes, AgvizPendingNode, low).id == node_id);
  return low;
}

/* Packs (node, input) into one key while both fit (2^44 nodes, 2^20 inputs). */
static gboolean
edge_input_key (gint64   dst_node_id,
                int      dst_input,
                guint64 *key)
{
  if (dst_node_id >= (G_GINT64_CONSTANT (1) << 44) || dst_input >= (1 << 20))
    return FALSE;
  *key = ((guint64) dst_node_id << 20) | (guint64) dst_input;
  return TRUE;
}

/* Marks input @dst_input of @dst_node_id as taken; FALSE if it was already.  The common inputs
 * are bits in the node's own entry: no hash set the size of all edges. */
static gboolean
take_input (AgvizTraceBuilder *self,
            gint64             dst_node_id,
            int                dst_input)
{
  guint64 key;

  if (dst_input < 64)
    {
      AgvizPendingNode *node = &g_array_index (self->nodes, AgvizPendingNode,
                                               _agviz_trace_builder_node_index (self, dst_node_id));
      guint64 bit = G_GUINT64_CONSTANT (1) << dst_input;

      if (node->inputs_taken & bit)
        return FALSE;
      node->inputs_taken |= bit;
      return TRUE;
    }

  if (edge_input_key (dst_node_id, dst_input, &key))
    return g_hash_table_add (self->edge_inputs, _agviz_id_to_key (key));
  return g_hash_table_add (self->wide_edge_inputs,
                           g_strdup_printf ("%" G_GINT64_FORMAT ":%d", dst_node_id, dst_input));
}

gboolean
_agviz_trace_builder_add_edge (AgvizTraceBuilder *self,
                               const AgvizEdge   *edge)
{
  g_assert (edge->dst_input >= 0);

  if (!take_input (self, edge->dst_node_id, edge->dst_input))
    return FALSE;
  g_array_append_val (self->edges, *edge);
  return TRUE;
}

gboolean
_agviz_trace_builder_add_call (AgvizTraceBuilder *self,
                               gint64             node_id,
                               const char        *role,
                               const char        *callee_graph_name)
{
  AgvizPendingCall call;

  for (guint i = 0; i < self->calls->len; i++)
    {
      AgvizPendingCall *other = &g_array_index (self->calls, AgvizPendingCall, i);

      if (other->node_id == node_id && g_str_equal (other->role, role))
        return FALSE;
    }
  call.node_id = node_id;
  call.role = g_strdup (role);
  call.callee_graph_name = g_strdup (callee_graph_name);
  g_array_append_val (self->calls, call);
  return TRUE;
}

/* Encodes one list per node into edge_lists, @offsets getting each node's start and a final end.
 * A counting sort groups the edges by owning node in O(edges), keeping the order they were added
 * in; inputs are then put in input order (lists are short: insertion sort). */
static void
encode_edge_lists (AgvizTraceBuilder  *self,
                   _AgvizEdgeListKind  kind,
                   GArray             *offsets)
{
  guint n_nodes = self->nodes->len, n_edges = self->edges->len;
  g_autofree guint *owner = g_new (guint, n_edges);
  g_autofree guint *first = g_new0 (guint, n_nodes + 1);
  g_autofree guint *order = g_new (guint, n_edges);
  guint end;

  for (guint e = 0; e < n_edges; e++)
    {
      AgvizEdge *edge = &g_array_index (self->edges, AgvizEdge, e);

      owner[e] = _agviz_trace_builder_node_index (self, kind == _AGVIZ_EDGE_LIST_INPUTS
                                                        ? edge->dst_node_id : edge->src_node_id);
      first[owner[e] + 1]++;
    }
  for (guint n = 0; n < n_nodes; n++)
    first[n + 1] += first[n];
  {
    g_autofree guint *next = g_memdup2 (first, sizeof (guint) * (n_nodes + 1));

    for (guint e = 0; e < n_edges; e++)
      order[next[owner[e]]++] = e;
  }

  for (guint n = 0; n < n_nodes; n++)
    {
      guint offset = self->edge_lists->len;

      if (kind == _AGVIZ_EDGE_LIST_INPUTS)
        for (guint i = first[n] + 1; i < first[n + 1]; i++)
          {
            guint e = order[i], j = i;
            int input = g_array_index (self->edges, AgvizEdge, e).dst_input;

            while (j > first[n] && g_array_index (self->edges, AgvizEdge, order[j - 1]).dst_input > input)
              {
                order[j] = order[j - 1];
                j--;
              }
            order[j] = e;
          }

      g_array_append_val (offsets, offset);
      for (guint i = first[n]; i < first[n + 1]; i++)
        _agviz_edge_list_append (self->edge_lists, kind,
                                 &g_array_index (self->edges, AgvizEdge, order[i]));
    }
  end = self->edge_lists->len;
  g_array_append_val (offsets, end);
}

void
_agviz_trace_builder_finish (AgvizTraceBuilder *self)
{
  /* Children come after their parents in the array, so one backward pass sums every subtree. */
  for (guint i = 0; i < self->scopes->len; i++)
    {
      AgvizPendingScope *scope = &g_array_index (self->scopes, AgvizPendingScope, i);

      scope->descendant_count = scope->node_count;
    }
  for (guint i = self->scopes->len; i-- > 1;)
    {
      AgvizPendingScope *scope = &g_array_index (self->scopes, AgvizPendingScope, i);

      g_array_index (self->scopes, AgvizPendingScope, scope->parent_index).descendant_count +=
        scope->descendant_count;
    }

  drop_edge_lists (self);
  self->edge_lists = g_byte_array_sized_new (self->edges->len * 8);
  self->input_offsets = g_array_sized_new (FALSE, FALSE, sizeof (guint), self->nodes->len + 1);
  self->consumer_offsets = g_array_sized_new (FALSE, FALSE, sizeof (guint), self->nodes->len + 1);
  encode_edge_lists (self, _AGVIZ_EDGE_LIST_INPUTS, self->input_offsets);
  encode_edge_lists (self, _AGVIZ_EDGE_LIST_CONSUMERS, self->consumer_offsets);
}
