/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-graph-diff.c: what changed from one trace to another (see agviz-graph-diff.h) */
#define G_LOG_DOMAIN "agviz-graph-diff"

#include "config.h"

#include <string.h>

#include "agviz-graph-diff.h"
#include "agviz-source-map.h"
#include "agviz-text.h"

/* Attribute values longer than this are cut in the details: a diff line is read, not parsed. */
#define MAX_VALUE_CHARS 80

typedef struct
{
  guint source;       /* index of the source node on the same side */
  int   slot;         /* -1: control edge */
  int   position;     /* input position on the consumer */
} InputRef;

typedef struct
{
  guint consumer;     /* index of the consumer on the same side */
  int   slot;         /* output slot of this node, -1 control */
  int   position;     /* input position on the consumer */
} ConsumerRef;

typedef struct
{
  gint64          id;
  char           *name;         /* full scoped name */
  const char     *op_type;      /* interned */
  GVariant       *attrs;        /* a{sv}, NULL none */
  gint64          stack_id;
  GArray         *inputs;       /* InputRef, by position */
  GArray         *consumers;    /* ConsumerRef */
  int             partner;      /* index on the other side, -1 none */
  AgvizDiffMatch  match;
} DiffNode;

typedef struct
{
  AgvizStore *store;
  gint64      trace_id;
  GArray     *nodes;            /* DiffNode */
  GHashTable *index_by_id;      /* node id -> index + 1 */
  GHashTable *sources;          /* stack id -> "file.py:12" or "" (interned per side) */
} DiffSide;

struct _AgvizGraphDiff
{
  GObject          parent_instance;

  gint64           trace_a;
  gint64           trace_b;
  AgvizDiffCounts  counts;
  guint            n_matched[AGVIZ_DIFF_MATCH_COUNTER + 1];
  GPtrArray       *entries;      /* AgvizDiffEntry */
  GHashTable      *entry_by_b;   /* node id of the second trace -> AgvizDiffEntry */
  GHashTable      *scope_counts; /* scope path -> AgvizDiffCounts */
  GHashTable      *scope_sizes_b;/* scope path of the second trace -> nodes below (guint) */
};

G_DEFINE_FINAL_TYPE (AgvizGraphDiff, agviz_graph_diff, G_TYPE_OBJECT)

static void
diff_node_clear (gpointer data)
{
  DiffNode *node = data;

  g_free (node->name);
  g_clear_pointer (&node->attrs, g_variant_unref);
  g_clear_pointer (&node->inputs, g_array_unref);
  g_clear_pointer (&node->consumers, g_array_unref);
}

static void
diff_side_clear (DiffSide *side)
{
  g_clear_pointer (&side->nodes, g_array_unref);
  g_clear_pointer (&side->index_by_id, g_hash_table_unref);
  g_clear_pointer (&side->sources, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DiffSide, diff_side_clear)

static void
diff_entry_free (gpointer data)
{
  AgvizDiffEntry *entry = data;

  g_free (entry->name_a);
  g_free (entry->name_b);
  g_free (entry->source_a);
  g_free (entry->source_b);
  g_clear_pointer (&entry->details, g_array_unref);
  g_free (entry);
}

static void
diff_detail_clear (gpointer data)
{
  AgvizDiffDetail *detail = data;

  g_free (detail->what);
  g_free (detail->before);
  g_free (detail->after);
}

/* Reading one trace */

typedef struct
{
  DiffSide   *side;
  GHashTable *scope_paths;   /* scope id -> full path */
  GArray     *edges;         /* AgvizEdge */
} ReadState;

static gboolean
read_scope (const AgvizScopeRow *row,
            gpointer             user_data)
{
  ReadState *state = user_data;
  const char *parent = row->parent_id != 0
                         ? g_hash_table_lookup (state->scope_paths, &row->parent_id) : NULL;
  gint64 *key = g_new (gint64, 1);

  *key = row->id;
  g_hash_table_insert (state->scope_paths, key,
                       parent != NULL && parent[0] != '\0'
                         ? g_strconcat (parent, "/", row->name, NULL) : g_strdup (row->name));
  return TRUE;
}

static gboolean
read_node (const AgvizNodeRow *row,
           gpointer            user_data)
{
  ReadState *state = user_data;
  const char *scope = g_hash_table_lookup (state->scope_paths, &row->scope_id);
  DiffNode node = {
    .id = row->id,
    .name = scope != NULL && scope[0] != '\0' ? g_strconcat (scope, "/", row->name, NULL)
                                              : g_strdup (row->name),
    .op_type = g_intern_string (row->op_type != NULL ? row->op_type : ""),
    .stack_id = row->stack_id,
    .inputs = g_array_new (FALSE, FALSE, sizeof (InputRef)),
    .consumers = g_array_new (FALSE, FALSE, sizeof (ConsumerRef)),
    .partner = -1,
  };

  if (row->attrs != NULL && row->attrs_size > 0)
    {
      /* The bytes are the file's, untrusted: a value not in normal form is dropped, as the
       * store does. */
      g_autoptr(GBytes) bytes = g_bytes_new (row->attrs, row->attrs_size);

      node.attrs = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));
      if (!g_variant_is_normal_form (node.attrs))
        g_clear_pointer (&node.attrs, g_variant_unref);
    }
  g_hash_table_insert (state->side->index_by_id, g_memdup2 (&row->id, sizeof row->id),
                       GUINT_TO_POINTER (state->side->nodes->len + 1));
  g_array_append_val (state->side->nodes, node);
  return TRUE;
}

static gboolean
read_edge (const AgvizEdge *edge,
           gpointer         user_data)
{
  ReadState *state = user_data;

  g_array_append_val (state->edges, *edge);
  return TRUE;
}

static int
compare_inputs (gconstpointer a,
                gconstpointer b)
{
  const InputRef *ia = a, *ib = b;

  return ia->position < ib->position ? -1 : ia->position > ib->position;
}

static gboolean
lookup_index (DiffSide *side,
              gint64    node_id,
              guint    *index)
{
  guint found = GPOINTER_TO_UINT (g_hash_table_lookup (side->index_by_id, &node_id));

  if (found == 0)
    return FALSE;
  *index = found - 1;
  return TRUE;
}

static gboolean
read_side (DiffSide    *side,
           AgvizStore  *store,
           gint64       trace_id,
           GError     **error)
{
  g_autoptr(GHashTable) scope_paths = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (AgvizEdge));
  g_autoptr(AgvizTrace) trace = agviz_store_get_trace (store, trace_id, error);
  ReadState state = { side, scope_paths, edges };

  if (trace == NULL)
    return FALSE;
  side->store = store;
  side->trace_id = trace_id;
  side->nodes = g_array_new (FALSE, TRUE, sizeof (DiffNode));
  g_array_set_clear_func (side->nodes, diff_node_clear);
  side->index_by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  side->sources = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  if (!agviz_store_foreach_trace_scope (store, trace_id, read_scope, &state, error) ||
      !agviz_store_foreach_trace_node (store, trace_id, read_node, &state, error) ||
      !agviz_store_foreach_trace_edge (store, trace_id, read_edge, &state, error))
    return FALSE;

  for (guint i = 0; i < edges->len; i++)
    {
      const AgvizEdge *edge = &g_array_index (edges, AgvizEdge, i);
      guint src, dst;
      InputRef input;
      ConsumerRef consumer;

      /* An edge to a node of another trace is a damaged file's: not compared. */
      if (!lookup_index (side, edge->src_node_id, &src) || !lookup_index (side, edge->dst_node_id, &dst))
        continue;
      input = (InputRef) { src, edge->src_output, edge->dst_input };
      consumer = (ConsumerRef) { dst, edge->src_output, edge->dst_input };
      g_array_append_val (g_array_index (side->nodes, DiffNode, dst).inputs, input);
      g_array_append_val (g_array_index (side->nodes, DiffNode, src).consumers, consumer);
    }
  for (guint i = 0; i < side->nodes->len; i++)
    g_array_sort (g_array_index (side->nodes, DiffNode, i).inputs, compare_inputs);
  return TRUE;
}

#define NODE(side, i) (&g_array_index ((side)->nodes, DiffNode, (i)))

/* Pairing */

static void
pair (DiffSide       *a,
      guint           index_a,
      DiffSide       *b,
      guint           index_b,
      AgvizDiffMatch  match)
{
  NODE (a, index_a)->partner = (int) index_b;
  NODE (a, index_a)->match = match;
  NODE (b, index_b)->partner = (int) index_a;
  NODE (b, index_b)->match = match;
}

/* A node's key under rule 2 (by inputs, or with @by_consumers by consumers) or rule 3, in the
 * first trace's terms: sources and consumers of the second trace are named by their partners.
 * NULL when the node has no key under that rule (a neighbour not paired yet). */
typedef enum
{
  KEY_INPUTS,
  KEY_CONSUMERS,
  KEY_COUNTER_NAME,
} KeyRule;

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* "dense_1/MatMul_2" -> "dense/MatMul": each component without a trailing "_N". */
static char *
dup_counter_free_name (const char *name)
{
  g_auto(GStrv) parts = g_strsplit (name, "/", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *underscore = strrchr (parts[i], '_');

      if (underscore != NULL && underscore != parts[i] && underscore[1] != '\0' &&
          strspn (underscore + 1, "0123456789") == strlen (underscore + 1))
        *underscore = '\0';
    }
  return g_strjoinv ("/", parts);
}

static char *
dup_key (DiffSide *side,
         guint     index,
         gboolean  second,
         KeyRule   rule)
{
  DiffNode *node = NODE (side, index);
  g_autoptr(GString) key = g_string_new (node->op_type);

  if (rule == KEY_COUNTER_NAME)
    {
      g_autofree char *name = dup_counter_free_name (node->name);

      g_string_append_printf (key, "|%s", name);
      return g_string_free (g_steal_pointer (&key), FALSE);
    }
  if (rule == KEY_INPUTS)
    {
      /* A node without inputs is decided by its consumers, never by its op type alone. */
      if (node->inputs->len == 0)
        return NULL;
      for (guint i = 0; i < node->inputs->len; i++)
        {
          const InputRef *input = &g_array_index (node->inputs, InputRef, i);
          DiffNode *source = NODE (side, input->source);
          int source_a = second ? source->partner : (int) input->source;

          if (source->partner < 0)
            return NULL;
          g_string_append_printf (key, "|%d:%d:%d", source_a, input->slot, input->position);
        }
      return g_string_free (g_steal_pointer (&key), FALSE);
    }

  if (node->consumers->len == 0)
    return NULL;
  {
    g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < node->consumers->len; i++)
      {
        const ConsumerRef *consumer = &g_array_index (node->consumers, ConsumerRef, i);
        DiffNode *target = NODE (side, consumer->consumer);
        int target_a = second ? target->partner : (int) consumer->consumer;

        if (target->partner < 0)
          return NULL;
        g_ptr_array_add (parts, g_strdup_printf ("%d:%d:%d", target_a, consumer->slot,
                                                 consumer->position));
      }
    g_ptr_array_sort (parts, compare_strings);
    for (guint i = 0; i < parts->len; i++)
      g_string_append_printf (key, "|%s", (const char *) g_ptr_array_index (parts, i));
  }
  return g_string_free (g_steal_pointer (&key), FALSE);
}

/* The keys of @table sorted by strcmp (transfer container): the result must not depend on
 * hashing. */
static GPtrArray *
dup_sorted_keys (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_sized_new (g_hash_table_size (table));
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_strings);
  return keys;
}

/* key -> the unpaired nodes with it (GArray of guint indices, in the side's order). */
static GHashTable *
index_unpaired (DiffSide *side,
                gboolean  second,
                KeyRule   rule)
{
  GHashTable *keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);

  for (guint i = 0; i < side->nodes->len; i++)
    {
      g_autofree char *key = NULL;
      GArray *nodes;

      if (NODE (side, i)->partner >= 0 || (key = dup_key (side, i, second, rule)) == NULL)
        continue;
      nodes = g_hash_table_lookup (keys, key);
      if (nodes == NULL)
        {
          nodes = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (keys, g_steal_pointer (&key), nodes);
        }
      g_array_append_val (nodes, i);
    }
  return keys;
}

/* Names in the order of their numbers: "dense_2" before "dense_10". */
static int
compare_names_naturally (const char *a,
                         const char *b)
{
  while (*a != '\0' && *b != '\0')
    {
      if (g_ascii_isdigit (*a) && g_ascii_isdigit (*b))
        {
          char *end_a, *end_b;
          guint64 number_a = g_ascii_strtoull (a, &end_a, 10);
          guint64 number_b = g_ascii_strtoull (b, &end_b, 10);

          if (number_a != number_b)
            return number_a < number_b ? -1 : 1;
          a = end_a;
          b = end_b;
          continue;
        }
      if (*a != *b)
        return (guchar) *a - (guchar) *b;
      a++;
      b++;
    }
  return (guchar) *a - (guchar) *b;
}

static int
compare_indices_by_name (gconstpointer a,
                         gconstpointer b,
                         gpointer      side)
{
  return compare_names_naturally (NODE ((DiffSide *) side, *(const guint *) a)->name,
                                  NODE ((DiffSide *) side, *(const guint *) b)->name);
}

/* One pass of one rule; how many pairs it made.  Structure pairs a key only when one node on
 * each side has it.  Counter-free names pair as many nodes as have the key, when both sides
 * have as many, in the order of their counters: Keras numbers layers by creation, so the
 * second model's dense_2 and dense_3 are the first's dense and dense_1. */
static guint
pair_by_key (DiffSide       *a,
             DiffSide       *b,
             KeyRule         rule,
             AgvizDiffMatch  match)
{
  g_autoptr(GHashTable) keys_a = index_unpaired (a, FALSE, rule);
  g_autoptr(GHashTable) keys_b = index_unpaired (b, TRUE, rule);
  g_autoptr(GPtrArray) sorted = dup_sorted_keys (keys_b);
  guint n_paired = 0;

  for (guint i = 0; i < sorted->len; i++)
    {
      const char *key = g_ptr_array_index (sorted, i);
      GArray *found_a = g_hash_table_lookup (keys_a, key);
      GArray *found_b = g_hash_table_lookup (keys_b, key);

      if (found_a == NULL || found_a->len != found_b->len ||
          (rule != KEY_COUNTER_NAME && found_a->len != 1))
        continue;
      g_array_sort_with_data (found_a, compare_indices_by_name, a);
      g_array_sort_with_data (found_b, compare_indices_by_name, b);
      for (guint k = 0; k < found_a->len; k++)
        {
          guint index_a = g_array_index (found_a, guint, k);
          guint index_b = g_array_index (found_b, guint, k);

          /* Keys were taken before this pass: a node may have been paired since. */
          if (NODE (a, index_a)->partner >= 0 || NODE (b, index_b)->partner >= 0)
            continue;
          pair (a, index_a, b, index_b, match);
          n_paired++;
        }
    }
  return n_paired;
}

static void
pair_nodes (DiffSide *a,
            DiffSide *b)
{
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_paired;

  for (guint i = 0; i < a->nodes->len; i++)
    g_hash_table_insert (by_name, NODE (a, i)->name, GUINT_TO_POINTER (i + 1));
  for (guint i = 0; i < b->nodes->len; i++)
    {
      guint found = GPOINTER_TO_UINT (g_hash_table_lookup (by_name, NODE (b, i)->name));

      if (found != 0)
        pair (a, found - 1, b, i, AGVIZ_DIFF_MATCH_NAME);
    }

  /* Each pair may decide its neighbours' keys: repeat until nothing pairs.  Structure comes
   * before counter-free names, which are a guess where the graph itself does not decide. */
  do
    {
      n_paired = pair_by_key (a, b, KEY_INPUTS, AGVIZ_DIFF_MATCH_STRUCTURE);
      n_paired += pair_by_key (a, b, KEY_CONSUMERS, AGVIZ_DIFF_MATCH_STRUCTURE);
      if (n_paired == 0)
        n_paired = pair_by_key (a, b, KEY_COUNTER_NAME, AGVIZ_DIFF_MATCH_COUNTER);
    }
  while (n_paired > 0);
}

/* Comparing a pair */

/* "file.py:12" of the innermost frame of the program's own code in @stack_id, or NULL. */
static const char *
lookup_source (DiffSide  *side,
               gint64     stack_id,
               GError   **error)
{
  const char *found;
  g_autoptr(GPtrArray) frames = NULL;
  char *source = NULL;

  if (stack_id == 0)
    return NULL;
  found = g_hash_table_lookup (side->sources, &stack_id);
  if (found != NULL)
    return found[0] != '\0' ? found : NULL;
  frames = agviz_store_get_stack_frames (side->store, stack_id, error);
  if (frames == NULL)
    return NULL;
  for (guint i = frames->len; i > 0 && source == NULL; i--)
    {
      const AgvizFrame *frame = g_ptr_array_index (frames, i - 1);

      if (frame->file != NULL && agviz_source_map_classify_path (frame->file) == AGVIZ_FRAME_ORIGIN_USER)
        {
          g_autofree char *base = g_path_get_basename (frame->file);

          source = g_strdup_printf ("%s:%d", base, frame->line);
        }
    }
  g_hash_table_insert (side->sources, g_memdup2 (&stack_id, sizeof stack_id),
                       source != NULL ? source : g_strdup (""));
  return source;
}

static void
add_detail (AgvizDiffEntry *entry,
            const char     *what,
            const char     *before,
            const char     *after)
{
  AgvizDiffDetail detail = { g_strdup (what), g_strdup (before), g_strdup (after) };

  g_array_append_val (entry->details, detail);
}

/* An attribute's value as text for comparing and showing: function references without their
 * uniquifying number, long values cut. */
static char *
dup_value_text (GVariant *value)
{
  static gsize once;
  static GRegex *function_reference;
  g_autofree char *printed = NULL;
  g_autofree char *normal = NULL;
  gsize rest = 0;
  char *cut;

  if (value == NULL)
    return NULL;
  if (g_once_init_enter (&once))
    {
      function_reference = g_regex_new ("(__(?:inference|forward|backward)_\\w*?)(?:_\\d+)+\\b",
                                        G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&once, 1);
    }
  /* Strings as they are, lists of them (`_output_shapes`) joined: read as shapes, not as
   * GVariant text. */
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    printed = g_strdup (g_variant_get_string (value, NULL));
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      g_autofree const char **strings = g_variant_get_strv (value, NULL);

      printed = g_strjoinv (", ", (char **) strings);
    }
  else
    printed = g_variant_print (value, FALSE);
  normal = g_regex_replace (function_reference, printed, -1, 0, "\\1", 0, NULL);
  if (normal == NULL)
    normal = g_steal_pointer (&printed);
  cut = agviz_text_valid_prefix (normal, -1, MAX_VALUE_CHARS, &rest);
  if (rest > 0)
    {
      char *longer = g_strconcat (cut, "…", NULL);

      g_free (cut);
      cut = longer;
    }
  return cut;
}

static GVariant *
lookup_attr (GVariant   *attrs,
             const char *name)
{
  return attrs != NULL ? g_variant_lookup_value (attrs, name, NULL) : NULL;
}

static void
collect_attr_names (GVariant   *attrs,
                    GHashTable *names)
{
  GVariantIter iter;
  const char *name;

  if (attrs == NULL)
    return;
  g_variant_iter_init (&iter, attrs);
  while (g_variant_iter_next (&iter, "{&sv}", &name, NULL))
    g_hash_table_add (names, g_strdup (name));
}

static void
compare_attrs (AgvizDiffEntry *entry,
               const DiffNode *a,
               const DiffNode *b)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) sorted = NULL;

  collect_attr_names (a->attrs, names);
  collect_attr_names (b->attrs, names);
  sorted = dup_sorted_keys (names);
  for (guint i = 0; i < sorted->len; i++)
    {
      const char *name = g_ptr_array_index (sorted, i);
      g_autoptr(GVariant) value_a = lookup_attr (a->attrs, name);
      g_autoptr(GVariant) value_b = lookup_attr (b->attrs, name);
      g_autofree char *text_a = dup_value_text (value_a);
      g_autofree char *text_b = dup_value_text (value_b);
      g_autofree char *what = NULL;

      if (g_strcmp0 (text_a, text_b) == 0 || g_str_equal (name, "_output_shapes"))
        continue;
      what = g_strconcat ("attr ", name, NULL);
      entry->changes |= AGVIZ_DIFF_CHANGE_ATTRS;
      add_detail (entry, what, text_a, text_b);
    }
}

/* "x, y:1, ^init" */
static char *
dup_inputs_text (DiffSide       *side,
                 const DiffNode *node)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < node->inputs->len; i++)
    {
      const InputRef *input = &g_array_index (node->inputs, InputRef, i);

      g_string_append_printf (text, "%s%s%s", i > 0 ? ", " : "", input->slot < 0 ? "^" : "",
                              NODE (side, input->source)->name);
      if (input->slot > 0)
        g_string_append_printf (text, ":%d", input->slot);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static AgvizDiffEntry *
new_entry (AgvizDiffStatus status)
{
  AgvizDiffEntry *entry = g_new0 (AgvizDiffEntry, 1);

  entry->status = status;
  entry->details = g_array_new (FALSE, TRUE, sizeof (AgvizDiffDetail));
  g_array_set_clear_func (entry->details, diff_detail_clear);
  return entry;
}

/* What the file measured of the node's outputs when it ran, for traces without
 * `_output_shapes` (tfdbg2 dumps): each output's dtype and shape, or its element count where
 * the debug mode kept no shape ("float32[2,4]", "float32 x8"); NULL when it never ran. */
static char *
dup_measured_outputs (DiffSide  *side,
                      gint64     node_id,
                      GError   **error)
{
  g_autoptr(GPtrArray) summaries = agviz_store_list_tensor_summaries (side->store, node_id, 0, error);
  g_autoptr(GString) text = NULL;
  int last_slot = -1;

  if (summaries == NULL || summaries->len == 0)
    return NULL;
  text = g_string_new (NULL);
  /* One entry per output slot: every run of a trace measures the same shapes. */
  for (guint i = 0; i < summaries->len; i++)
    {
      const AgvizTensorSummary *summary = g_ptr_array_index (summaries, i);

      if (summary->output_slot <= last_slot)
        continue;
      last_slot = summary->output_slot;
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, summary->dtype != NULL ? summary->dtype : "?");
      if (summary->shape != NULL)
        g_string_append (text, summary->shape);
      else if (summary->element_count >= 0)
        g_string_append_printf (text, " x%" G_GINT64_FORMAT, summary->element_count);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
compare_pair (DiffSide        *a,
              guint            index_a,
              DiffSide        *b,
              guint            index_b,
              AgvizDiffEntry **out,
              GError         **error)
{
  DiffNode *node_a = NODE (a, index_a), *node_b = NODE (b, index_b);
  g_autoptr(GVariant) shapes_a = lookup_attr (node_a->attrs, "_output_shapes");
  g_autoptr(GVariant) shapes_b = lookup_attr (node_b->attrs, "_output_shapes");
  g_autofree char *shapes_text_a = dup_value_text (shapes_a);
  g_autofree char *shapes_text_b = dup_value_text (shapes_b);
  const char *source_a, *source_b = NULL;
  AgvizDiffEntry *entry;
  gboolean inputs_same = node_a->inputs->len == node_b->inputs->len;
  GError *local_error = NULL;

  source_a = lookup_source (a, node_a->stack_id, &local_error);
  if (local_error == NULL)
    source_b = lookup_source (b, node_b->stack_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (shapes_text_a == NULL && shapes_text_b == NULL)
    {
      shapes_text_a = dup_measured_outputs (a, node_a->id, &local_error);
      if (local_error == NULL)
        shapes_text_b = dup_measured_outputs (b, node_b->id, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      /* Compared only where both ran: a node that did not run is not a changed one. */
      if (shapes_text_a == NULL || shapes_text_b == NULL)
        {
          g_clear_pointer (&shapes_text_a, g_free);
          g_clear_pointer (&shapes_text_b, g_free);
        }
    }
  entry = new_entry (AGVIZ_DIFF_STATUS_CHANGED);

  if (node_a->op_type != node_b->op_type)
    {
      entry->changes |= AGVIZ_DIFF_CHANGE_OP_TYPE;
      add_detail (entry, "op", node_a->op_type, node_b->op_type);
    }
  compare_attrs (entry, node_a, node_b);
  if (g_strcmp0 (shapes_text_a, shapes_text_b) != 0)
    {
      entry->changes |= AGVIZ_DIFF_CHANGE_SHAPES;
      add_detail (entry, "shapes", shapes_text_a, shapes_text_b);
    }
  /* A line is compared only where both sides know it: a file without stacks is not a change. */
  if (source_a != NULL && source_b != NULL && !g_str_equal (source_a, source_b))
    {
      entry->changes |= AGVIZ_DIFF_CHANGE_SOURCE_LINE;
      add_detail (entry, "source", source_a, source_b);
    }
  for (guint i = 0; inputs_same && i < node_b->inputs->len; i++)
    {
      const InputRef *in_a = &g_array_index (node_a->inputs, InputRef, i);
      const InputRef *in_b = &g_array_index (node_b->inputs, InputRef, i);

      inputs_same = in_a->slot == in_b->slot && in_a->position == in_b->position &&
                    NODE (b, in_b->source)->partner == (int) in_a->source;
    }
  if (!inputs_same)
    {
      g_autofree char *text_a = dup_inputs_text (a, node_a);
      g_autofree char *text_b = dup_inputs_text (b, node_b);

      entry->changes |= AGVIZ_DIFF_CHANGE_INPUTS;
      add_detail (entry, "inputs", text_a, text_b);
    }

  entry->match = node_b->match;
  entry->node_a = node_a->id;
  entry->node_b = node_b->id;
  entry->name_a = g_strdup (node_a->name);
  entry->name_b = g_strdup (node_b->name);
  entry->op_type_a = node_a->op_type;
  entry->op_type_b = node_b->op_type;
  entry->source_a = g_strdup (source_a);
  entry->source_b = g_strdup (source_b);
  if (entry->changes == 0)
    {
      diff_entry_free (entry);
      entry = NULL;
    }
  *out = entry;
  return TRUE;
}

/* Roll-ups */

static AgvizDiffCounts *
scope_counts_for (GHashTable *scope_counts,
                  const char *path)
{
  AgvizDiffCounts *counts = g_hash_table_lookup (scope_counts, path);

  if (counts == NULL)
    {
      counts = g_new0 (AgvizDiffCounts, 1);
      g_hash_table_insert (scope_counts, g_strdup (path), counts);
    }
  return counts;
}

/* Calls @func with every scope above node @name: "", "a", "a/b" for "a/b/MatMul". */
static void
foreach_scope_above (const char *name,
                     void      (*func) (const char *path, gpointer user_data),
                     gpointer    user_data)
{
  g_autofree char *path = g_strdup (name);

  func ("", user_data);
  for (char *slash = strchr (path, '/'); slash != NULL; slash = strchr (slash + 1, '/'))
    {
      *slash = '\0';
      func (path, user_data);
      *slash = '/';
    }
}

typedef struct
{
  GHashTable      *scope_counts;
  AgvizDiffStatus  status;
} RollUp;

static void
roll_up_one (const char *path,
             gpointer    user_data)
{
  RollUp *roll_up = user_data;
  AgvizDiffCounts *counts = scope_counts_for (roll_up->scope_counts, path);

  switch (roll_up->status)
    {
    case AGVIZ_DIFF_STATUS_ADDED: counts->added++; break;
    case AGVIZ_DIFF_STATUS_REMOVED: counts->removed++; break;
    case AGVIZ_DIFF_STATUS_CHANGED: counts->changed++; break;
    case AGVIZ_DIFF_STATUS_SAME:
    default: g_assert_not_reached ();
    }
}

static void
count_size_one (const char *path,
                gpointer    user_data)
{
  GHashTable *sizes = user_data;
  guint size = GPOINTER_TO_UINT (g_hash_table_lookup (sizes, path));

  g_hash_table_insert (sizes, g_strdup (path), GUINT_TO_POINTER (size + 1));
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const AgvizDiffEntry *ea = *(AgvizDiffEntry * const *) a, *eb = *(AgvizDiffEntry * const *) b;
  /* Changed first: what a reader compares; then added, then removed. */
  static const int order[] = { [AGVIZ_DIFF_STATUS_SAME] = 0, [AGVIZ_DIFF_STATUS_CHANGED] = 1,
                               [AGVIZ_DIFF_STATUS_ADDED] = 2, [AGVIZ_DIFF_STATUS_REMOVED] = 3 };

  if (ea->status != eb->status)
    return order[ea->status] - order[eb->status];
  return strcmp (agviz_diff_entry_get_name (ea), agviz_diff_entry_get_name (eb));
}

static void
add_entry (AgvizGraphDiff *self,
           AgvizDiffEntry *entry)
{
  RollUp roll_up = { self->scope_counts, entry->status };

  g_ptr_array_add (self->entries, entry);
  if (entry->node_b != 0)
    g_hash_table_insert (self->entry_by_b, g_memdup2 (&entry->node_b, sizeof entry->node_b), entry);
  foreach_scope_above (agviz_diff_entry_get_name (entry), roll_up_one, &roll_up);
  switch (entry->status)
    {
    case AGVIZ_DIFF_STATUS_ADDED: self->counts.added++; break;
    case AGVIZ_DIFF_STATUS_REMOVED: self->counts.removed++; break;
    case AGVIZ_DIFF_STATUS_CHANGED: self->counts.changed++; break;
    case AGVIZ_DIFF_STATUS_SAME:
    default: g_assert_not_reached ();
    }
}

static gboolean
add_unpaired (AgvizGraphDiff   *self,
              DiffSide         *side,
              AgvizDiffStatus   status,
              GError          **error)
{
  for (guint i = 0; i < side->nodes->len; i++)
    {
      DiffNode *node = NODE (side, i);
      AgvizDiffEntry *entry;
      const char *source;
      GError *local_error = NULL;

      if (node->partner >= 0)
        continue;
      source = lookup_source (side, node->stack_id, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      entry = new_entry (status);
      if (status == AGVIZ_DIFF_STATUS_ADDED)
        {
          entry->node_b = node->id;
          entry->name_b = g_strdup (node->name);
          entry->op_type_b = node->op_type;
          entry->source_b = g_strdup (source);
        }
      else
        {
          entry->node_a = node->id;
          entry->name_a = g_strdup (node->name);
          entry->op_type_a = node->op_type;
          entry->source_a = g_strdup (source);
        }
      add_entry (self, entry);
    }
  return TRUE;
}

AgvizGraphDiff *
agviz_graph_diff_new (AgvizStore  *store_a,
                      gint64       trace_a,
                      AgvizStore  *store_b,
                      gint64       trace_b,
                      GError     **error)
{
  g_autoptr(AgvizGraphDiff) self = NULL;
  g_auto(DiffSide) a = { 0 };
  g_auto(DiffSide) b = { 0 };

  g_return_val_if_fail (AGVIZ_IS_STORE (store_a), NULL);
  g_return_val_if_fail (AGVIZ_IS_STORE (store_b), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!read_side (&a, store_a, trace_a, error) || !read_side (&b, store_b, trace_b, error))
    return NULL;
  pair_nodes (&a, &b);

  self = g_object_new (AGVIZ_TYPE_GRAPH_DIFF, NULL);
  self->trace_a = trace_a;
  self->trace_b = trace_b;
  for (guint i = 0; i < b.nodes->len; i++)
    {
      DiffNode *node = NODE (&b, i);
      AgvizDiffEntry *entry = NULL;

      foreach_scope_above (node->name, count_size_one, self->scope_sizes_b);
      if (node->partner < 0)
        continue;
      self->n_matched[node->match]++;
      if (!compare_pair (&a, (guint) node->partner, &b, i, &entry, error))
        return NULL;
      if (entry != NULL)
        add_entry (self, entry);
    }
  if (!add_unpaired (self, &b, AGVIZ_DIFF_STATUS_ADDED, error) ||
      !add_unpaired (self, &a, AGVIZ_DIFF_STATUS_REMOVED, error))
    return NULL;
  g_ptr_array_sort (self->entries, compare_entries);
  return g_steal_pointer (&self);
}

gint64
agviz_graph_diff_get_trace_a (AgvizGraphDiff *self)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_DIFF (self), 0);
  return self->trace_a;
}

gint64
agviz_graph_diff_get_trace_b (AgvizGraphDiff *self)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_DIFF (self), 0);
  return self->trace_b;
}

gboolean
agviz_graph_diff_is_empty (AgvizGraphDiff *self)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_DIFF (self), TRUE);
  return self->entries->len == 0;
}

const AgvizDiffCounts *
agviz_graph_diff_get_counts (AgvizGraphDiff *self)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_DIFF (self), NULL);
  return &self->counts;
}

guint
agviz_graph_diff_get_n_matched (AgvizGraphDiff *self,
                                AgvizDiffMatch  match)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_DIFF (self), 0);
  g_return_val_if_fail (match <= AGVIZ_DIFF_MATCH_COUNTER, 0);
  return self->n_matched[match];
}

GPtrArray *
agviz_graph_diff_get_entries (AgvizGraphDiff *self)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_DIFF (self), NULL);
  return self->entries;
}

const AgvizDiffEntry *
agviz_graph_diff_lookup_b (AgvizGraphDiff *self,
                           gint64          node_id)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_DIFF (self), NULL);
  return g_hash_table_lookup (self->entry_by_b, &node_id);
}

gboolean
agviz_graph_diff_get_scope_counts (AgvizGraphDiff  *self,
                                   const char      *path,
                                   AgvizDiffCounts *counts)
{
  const AgvizDiffCounts *found;

  g_return_val_if_fail (AGVIZ_IS_GRAPH_DIFF (self), FALSE);
  g_return_val_if_fail (path != NULL && counts != NULL, FALSE);

  found = g_hash_table_lookup (self->scope_counts, path);
  *counts = found != NULL ? *found : (AgvizDiffCounts) { 0 };
  return found != NULL;
}

AgvizDiffMark
agviz_graph_diff_mark_item (AgvizGraphDiff       *self,
                            const AgvizSceneItem *item)
{
  g_return_val_if_fail (AGVIZ_IS_GRAPH_DIFF (self), AGVIZ_DIFF_MARK_NONE);
  g_return_val_if_fail (item != NULL, AGVIZ_DIFF_MARK_NONE);

  if (item->trace_id != self->trace_b)
    return AGVIZ_DIFF_MARK_NONE;
  switch (item->kind)
    {
    case AGVIZ_SCENE_ITEM_OP:
      {
        const AgvizDiffEntry *entry = agviz_graph_diff_lookup_b (self, item->node_id);

        if (entry == NULL)
          return AGVIZ_DIFF_MARK_NONE;
        return entry->status == AGVIZ_DIFF_STATUS_ADDED ? AGVIZ_DIFF_MARK_ADDED : AGVIZ_DIFF_MARK_CHANGED;
      }
    case AGVIZ_SCENE_ITEM_SCOPE:
      {
        g_autofree char *path = agviz_scene_item_dup_path (item);
        AgvizDiffCounts counts;
        guint size;

        if (!agviz_graph_diff_get_scope_counts (self, path, &counts))
          return AGVIZ_DIFF_MARK_NONE;
        size = GPOINTER_TO_UINT (g_hash_table_lookup (self->scope_sizes_b, path));
        /* Everything inside it is new: the scope itself is. */
        return size > 0 && counts.added == size && counts.removed == 0 ? AGVIZ_DIFF_MARK_ADDED
                                                                       : AGVIZ_DIFF_MARK_INSIDE;
      }
    case AGVIZ_SCENE_ITEM_SERIES:
    case AGVIZ_SCENE_ITEM_SECTION:
      {
        gboolean any = FALSE, all_added = TRUE;

        for (guint i = 0; item->children != NULL && i < item->children->len; i++)
          {
            AgvizDiffMark mark = agviz_graph_diff_mark_item (self, g_ptr_array_index (item->children, i));

            any |= mark != AGVIZ_DIFF_MARK_NONE;
            all_added &= mark == AGVIZ_DIFF_MARK_ADDED;
          }
        return !any ? AGVIZ_DIFF_MARK_NONE : all_added ? AGVIZ_DIFF_MARK_ADDED : AGVIZ_DIFF_MARK_INSIDE;
      }
    case AGVIZ_SCENE_ITEM_ROOT:
    default:
      return AGVIZ_DIFF_MARK_NONE;
    }
}

const char *
agviz_diff_entry_get_name (const AgvizDiffEntry *entry)
{
  g_return_val_if_fail (entry != NULL, NULL);
  return entry->name_b != NULL ? entry->name_b : entry->name_a;
}

const char *
agviz_diff_entry_get_op_type (const AgvizDiffEntry *entry)
{
  g_return_val_if_fail (entry != NULL, NULL);
  return entry->op_type_b != NULL ? entry->op_type_b : entry->op_type_a;
}

const char *
agviz_diff_entry_get_source (const AgvizDiffEntry *entry)
{
  g_return_val_if_fail (entry != NULL, NULL);
  return entry->source_b != NULL ? entry->source_b : entry->source_a;
}

const char *
agviz_diff_change_to_string (AgvizDiffChanges change)
{
  switch (change)
    {
    case AGVIZ_DIFF_CHANGE_OP_TYPE: return "op";
    case AGVIZ_DIFF_CHANGE_ATTRS: return "attrs";
    case AGVIZ_DIFF_CHANGE_SHAPES: return "shapes";
    case AGVIZ_DIFF_CHANGE_SOURCE_LINE: return "source";
    case AGVIZ_DIFF_CHANGE_INPUTS: return "inputs";
    default: g_return_val_if_reached (NULL);
    }
}

const char *
agviz_diff_status_to_string (AgvizDiffStatus status)
{
  switch (status)
    {
    case AGVIZ_DIFF_STATUS_SAME: return "same";
    case AGVIZ_DIFF_STATUS_CHANGED: return "changed";
    case AGVIZ_DIFF_STATUS_ADDED: return "added";
    case AGVIZ_DIFF_STATUS_REMOVED: return "removed";
    default: g_return_val_if_reached (NULL);
    }
}

const char *
agviz_diff_match_to_string (AgvizDiffMatch match)
{
  switch (match)
    {
    case AGVIZ_DIFF_MATCH_NONE: return "none";
    case AGVIZ_DIFF_MATCH_NAME: return "name";
    case AGVIZ_DIFF_MATCH_STRUCTURE: return "structure";
    case AGVIZ_DIFF_MATCH_COUNTER: return "counter";
    default: g_return_val_if_reached (NULL);
    }
}

static void
agviz_graph_diff_finalize (GObject *object)
{
  AgvizGraphDiff *self = AGVIZ_GRAPH_DIFF (object);

  g_clear_pointer (&self->entry_by_b, g_hash_table_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->scope_counts, g_hash_table_unref);
  g_clear_pointer (&self->scope_sizes_b, g_hash_table_unref);
  G_OBJECT_CLASS (agviz_graph_diff_parent_class)->finalize (object);
}

static void
agviz_graph_diff_class_init (AgvizGraphDiffClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = agviz_graph_diff_finalize;
}

static void
agviz_graph_diff_init (AgvizGraphDiff *self)
{
  self->entries = g_ptr_array_new_with_free_func (diff_entry_free);
  self->entry_by_b = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->scope_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->scope_sizes_b = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}
