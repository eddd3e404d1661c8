/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-recorder-caches.c: interning in memory, with the file behind it */
#define G_LOG_DOMAIN "agviz-recorder"

#include "config.h"

#include <string.h>

#include "agviz-edge-list.h"
#include "agviz-graph-rules.h"
#include "agviz-recorder-caches.h"
#include "agviz-recorder-private.h"

/* attrs_by_instance holds at most this many variants: a bound on the references it keeps. */
#define ATTRS_BY_INSTANCE_MAX 65536

typedef struct
{
  const char *name;
  gint64      id;
} LastName;

struct _AgvizRecorderCaches
{
  /* Rows with ids above these were made by this session: a key that involves one of them cannot
   * be in the file yet, so interning it skips the SELECT that looks for an older copy. */
  gint64      max_file_id_at_open;
  gint64      max_frame_id_at_open;
  gint64      max_stack_id_at_open;
  gint64      max_session_file_id;     /* highest id this session made; ids above ..._at_open */
  gint64      max_session_frame_id;    /* and up to these exist for sure */
  /* Stack entries get their ids here and wait in the database part's queue (nodes and
   * executions that name them are written in the same transaction). */
  gint64      next_stack_id;

  GHashTable *op_type_ids;          /* name -> id */
  GHashTable *device_ids;           /* name -> id */
  /* The names interned last (keys of the tables above): graphs put most nodes on one device,
   * and executions repeat op types, so a comparison usually spares the hash lookup. */
  LastName    last_op_type;
  LastName    last_device;
  GHashTable *frame_ids;            /* "file_id:line:column:function" -> id */
  GHashTable *stack_ids;            /* packed (parent_id, frame_id) -> id */
  GHashTable *known_stacks;         /* stack ids known to exist: node stacks checked once */
  GHashTable *known_traces;         /* trace ids known to exist: executions checked once */
  GHashTable *attr_set_ids;         /* GBytes -> id */
  /* Importers pass the same a{sv} instance for every node with the same attributes: its
   * interned id and output size are found by the pointer (a reference is held, so the address
   * cannot be reused) instead of serialising it and searching it per node. */
  GHashTable *attrs_by_instance;    /* GVariant (ref) -> AgvizAttrsInfo */
  GVariant   *last_attrs;           /* the key of attrs_by_instance found last, or NULL */
  AgvizAttrsInfo *last_attrs_info;
  GHashTable *function_ids;         /* "file_id:line:name" -> id */

  GString    *scratch;
};

AgvizRecorderCaches *
_agviz_recorder_caches_new (void)
{
  AgvizRecorderCaches *self = g_new0 (AgvizRecorderCaches, 1);

  self->op_type_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->device_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->frame_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->stack_ids = g_hash_table_new (_agviz_hash_u64_key, g_direct_equal);
  self->known_stacks = g_hash_table_new (_agviz_hash_u64_key, g_direct_equal);
  self->known_traces = g_hash_table_new (_agviz_hash_u64_key, g_direct_equal);
  self->attr_set_ids = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                              (GDestroyNotify) g_bytes_unref, NULL);
  self->attrs_by_instance = g_hash_table_new_full (g_direct_hash, g_direct_equal,
                                                   (GDestroyNotify) g_variant_unref, g_free);
  self->function_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->scratch = g_string_new (NULL);
  return self;
}

void
_agviz_recorder_caches_free (AgvizRecorderCaches *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->op_type_ids);
  g_hash_table_unref (self->device_ids);
  g_hash_table_unref (self->frame_ids);
  g_hash_table_unref (self->stack_ids);
  g_hash_table_unref (self->known_stacks);
  g_hash_table_unref (self->known_traces);
  g_hash_table_unref (self->attr_set_ids);
  g_hash_table_unref (self->attrs_by_instance);
  g_hash_table_unref (self->function_ids);
  g_string_free (self->scratch, TRUE);
  g_free (self);
}

void
_agviz_recorder_caches_reset (AgvizRecorderCaches           *self,
                              const AgvizRecorderLargestIds *largest)
{
  g_hash_table_remove_all (self->op_type_ids);
  g_hash_table_remove_all (self->device_ids);
  self->last_op_type.name = self->last_device.name = NULL;
  g_hash_table_remove_all (self->frame_ids);
  g_hash_table_remove_all (self->stack_ids);
  g_hash_table_remove_all (self->known_stacks);
  g_hash_table_remove_all (self->known_traces);
  g_hash_table_remove_all (self->attr_set_ids);
  g_hash_table_remove_all (self->attrs_by_instance);
  self->last_attrs = NULL;
  self->last_attrs_info = NULL;
  g_hash_table_remove_all (self->function_ids);

  self->max_file_id_at_open = largest->file;
  self->max_frame_id_at_open = largest->frame;
  self->max_stack_id_at_open = largest->stack;
  self->next_stack_id = largest->stack + 1;
  self->max_session_file_id = 0;
  self->max_session_frame_id = 0;
}

gint64
_agviz_recorder_caches_intern_name (AgvizRecorderCaches  *self,
                                    AgvizRecorderDb      *db,
                                    AgvizRecorderNames    names,
                                    const char           *name,
                                    GError              **error)
{
  GHashTable *ids = names == AGVIZ_RECORDER_NAMES_OP_TYPES ? self->op_type_ids : self->device_ids;
  LastName *last = names == AGVIZ_RECORDER_NAMES_OP_TYPES ? &self->last_op_type : &self->last_device;
  gpointer key, value;
  gint64 id;
  char *copy;

  if (last->name != NULL && strcmp (last->name, name) == 0)
    return last->id;
  if (g_hash_table_lookup_extended (ids, name, &key, &value))
    {
      last->name = key;
      last->id = _agviz_key_to_id (value);
      return last->id;
    }

  id = _agviz_recorder_db_intern_name (db, names, name, error);
  if (id != 0)
    {
      copy = g_strdup (name);
      g_hash_table_insert (ids, copy, _agviz_id_to_key (id));
      last->name = copy;
      last->id = id;
    }
  return id;
}

gint64
_agviz_recorder_caches_intern_file (AgvizRecorderCaches  *self,
                                    AgvizRecorderDb      *db,
                                    const char           *host,
                                    const char           *path,
                                    GError              **error)
{
  gint64 id = _agviz_recorder_db_intern_file (db, host, path, error);

  self->max_session_file_id = MAX (self->max_session_file_id, id);
  return id;
}

gint64
_agviz_recorder_caches_intern_frame (AgvizRecorderCaches  *self,
                                     AgvizRecorderDb      *db,
                                     const AgvizFrameKey  *frame,
                                     gboolean             *inserted,
                                     GError              **error)
{
  gint64 file_id = frame->file_id;
  gboolean new_file = file_id > self->max_file_id_at_open;
  gpointer value;
  gint64 id;

  *inserted = FALSE;
  g_string_printf (self->scratch, "%" G_GINT64_FORMAT ":%d:%d:%s", file_id, frame->line,
                   frame->column, frame->function);
  if (g_hash_table_lookup_extended (self->frame_ids, self->scratch->str, NULL, &value))
    return _agviz_key_to_id (value);

  if (!_agviz_recorder_db_begin (db, error))
    return 0;
  id = new_file ? 0 : _agviz_recorder_db_find_frame (db, frame, error);
  if (id < 0)
    return 0;
  if (id == 0)
    {
      /* The file must exist: checked here, on the slow path only, because the schema does not
       * enforce foreign keys (that would cost a lookup per node).  One this session made does. */
      if (!(new_file && file_id <= self->max_session_file_id) &&
          !_agviz_recorder_db_check_row (db, AGVIZ_RECORDER_TABLE_FILES, file_id, error))
        return 0;
      id = _agviz_recorder_db_insert_frame (db, frame, error);
      if (id == 0)
        return 0;
      *inserted = TRUE;
      self->max_session_frame_id = MAX (self->max_session_frame_id, id);
    }

  g_hash_table_insert (self->frame_ids, g_strdup (self->scratch->str), _agviz_id_to_key (id));
  return id;
}

gint64
_agviz_recorder_caches_intern_function (AgvizRecorderCaches  *self,
                                        AgvizRecorderDb      *db,
                                        const char           *name,
                                        gint64                file_id,
                                        int                   line,
                                        gboolean             *looked_up,
                                        GError              **error)
{
  gpointer value;
  gint64 id;

  *looked_up = FALSE;
  g_string_printf (self->scratch, "%" G_GINT64_FORMAT ":%d:%s", file_id, line, name);
  if (g_hash_table_lookup_extended (self->function_ids, self->scratch->str, NULL, &value))
    return _agviz_key_to_id (value);

  if (!_agviz_recorder_db_begin (db, error))
    return 0;
  *looked_up = TRUE;
  id = _agviz_recorder_db_intern_function (db, name, file_id, line, error);
  if (id != 0)
    g_hash_table_insert (self->function_ids, g_strdup (self->scratch->str), _agviz_id_to_key (id));
  return id;
}

static gint64
intern_stack_entry (AgvizRecorderCaches  *self,
                    AgvizRecorderDb      *db,
                    gint64                parent_id,
                    gint64                frame_id,
                    GError              **error)
{
  gboolean packable = parent_id < G_MAXUINT32 && frame_id < G_MAXUINT32;
  guint64 key = ((guint64) parent_id << 32) | (guint64) frame_id;
  gpointer value;
  gint64 id;

  if (packable && g_hash_table_lookup_extended (self->stack_ids, _agviz_id_to_key (key), NULL, &value))
    return _agviz_key_to_id (value);

  /* A key with a row made by this session cannot be in the file: no look-up, and the row waits
   * for the next multi-row insert (the hash above finds it meanwhile). */
  if (packable && (parent_id > self->max_stack_id_at_open || frame_id > self->max_frame_id_at_open))
    {
      id = self->next_stack_id++;
      _agviz_recorder_db_queue_stack (db, id, parent_id, frame_id);
      g_hash_table_insert (self->stack_ids, _agviz_id_to_key (key), _agviz_id_to_key (id));
      return id;
    }

  id = _agviz_recorder_db_intern_stack (db, parent_id, frame_id, self->next_stack_id, error);
  if (id == self->next_stack_id)
    self->next_stack_id++;
  if (id != 0 && packable)
    g_hash_table_insert (self->stack_ids, _agviz_id_to_key (key), _agviz_id_to_key (id));
  return id;
}

gint64
_agviz_recorder_caches_extend_stack (AgvizRecorderCaches  *self,
                                     AgvizRecorderDb      *db,
                                     gint64                parent_stack_id,
                                     const gint64         *frame_ids,
                                     guint                 n_frames,
                                     GError              **error)
{
  gint64 stack_id = parent_stack_id;

  for (guint i = 0; i < n_frames; i++)
    {
      gint64 frame_id = frame_ids[i];

      /* Frames are checked only when this recorder has not seen them: the hot path stays a
       * hash lookup per frame. */
      if (frame_id <= 0)
        return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_UNKNOWN_ID,
                                     "no frame with id %" G_GINT64_FORMAT, frame_id);
      if ((frame_id <= self->max_frame_id_at_open || frame_id > self->max_session_frame_id) &&
          ((guint64) frame_id >= G_MAXUINT32 ||
           !g_hash_table_contains (self->stack_ids,
                                   _agviz_id_to_key (((guint64) stack_id << 32) | (guint64) frame_id))) &&
          !_agviz_recorder_db_check_row (db, AGVIZ_RECORDER_TABLE_FRAMES, frame_id, error))
        return 0;

      stack_id = intern_stack_entry (self, db, stack_id, frame_id, error);
      if (stack_id == 0)
        return 0;
    }

  if (stack_id <= self->max_stack_id_at_open)
    g_hash_table_add (self->known_stacks, _agviz_id_to_key (stack_id));
  return stack_id;
}

static gint64
intern_attr_set (AgvizRecorderCaches  *self,
                 AgvizRecorderDb      *db,
                 GVariant             *attrs,
                 GError              **error)
{
  g_autoptr(GVariant) normal = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gconstpointer data;
  gsize size;
  gpointer value;
  guint64 hash = G_GUINT64_CONSTANT (0xcbf29ce484222325);
  gint64 id;

  normal = g_variant_get_normal_form (attrs);
  bytes = g_variant_get_data_as_bytes (normal);
  if (g_hash_table_lookup_extended (self->attr_set_ids, bytes, NULL, &value))
    return _agviz_key_to_id (value);

  /* 64-bit FNV-1a: the index column, so a reopened file finds its sets without reading blobs. */
  data = g_bytes_get_data (bytes, &size);
  for (gsize i = 0; i < size; i++)
    {
      hash ^= ((const guint8 *) data)[i];
      hash *= G_GUINT64_CONSTANT (0x100000001b3);
    }

  id = _agviz_recorder_db_intern_attr_set (db, hash, data, size, error);
  if (id != 0)
    g_hash_table_insert (self->attr_set_ids, g_steal_pointer (&bytes), _agviz_id_to_key (id));
  return id;
}

const AgvizAttrsInfo *
_agviz_recorder_caches_lookup_attrs (AgvizRecorderCaches *self,
                                     GVariant            *attrs)
{
  /* Nodes mostly come with the instance the one before had. */
  if (attrs == self->last_attrs)
    return self->last_attrs_info;
  return g_hash_table_lookup (self->attrs_by_instance, attrs);
}

const AgvizAttrsInfo *
_agviz_recorder_caches_intern_attrs (AgvizRecorderCaches   *self,
                                     AgvizRecorderDb       *db,
                                     GVariant              *attrs,
                                     const AgvizAttrsInfo  *known,
                                     GError               **error)
{
  AgvizAttrsInfo *info = (AgvizAttrsInfo *) known;

  if (info == NULL)
    {
      info = g_new (AgvizAttrsInfo, 1);
      info->attr_set_id = 0;
      info->output_elements = -1;
      if (g_variant_n_children (attrs) > 0)
        {
          g_autoptr(GVariant) shapes = NULL;

          info->attr_set_id = intern_attr_set (self, db, attrs, error);
          if (info->attr_set_id == 0)
            {
              g_free (info);
              return NULL;
            }
          shapes = g_variant_lookup_value (attrs, "_output_shapes", G_VARIANT_TYPE_STRING);
          if (shapes != NULL)
            info->output_elements = _agviz_output_elements_parse (g_variant_get_string (shapes, NULL));
        }
      if (g_hash_table_size (self->attrs_by_instance) >= ATTRS_BY_INSTANCE_MAX)
        g_hash_table_remove_all (self->attrs_by_instance);
      g_hash_table_insert (self->attrs_by_instance, g_variant_ref (attrs), info);
    }
  self->last_attrs = attrs;
  self->last_attrs_info = info;
  return info;
}

gboolean
_agviz_recorder_caches_stack_is_known (AgvizRecorderCaches *self,
                                       gint64               stack_id)
{
  /* Made by this session (ids above those in the file when it opened; queued ones reach it
   * before the next commit), or checked once before. */
  return (stack_id > self->max_stack_id_at_open && stack_id < self->next_stack_id) ||
         g_hash_table_contains (self->known_stacks, _agviz_id_to_key (stack_id));
}

gboolean
_agviz_recorder_caches_check_stack (AgvizRecorderCaches  *self,
                                    AgvizRecorderDb      *db,
                                    gint64                stack_id,
                                    GError              **error)
{
  if (stack_id < 0)
    return _agviz_recorder_fail (error, AGVIZ_RECORDER_ERROR_UNKNOWN_ID,
                                 "no stack with id %" G_GINT64_FORMAT, stack_id);
  if (stack_id > 0 && !_agviz_recorder_caches_stack_is_known (self, stack_id))
    {
      if (!_agviz_recorder_db_check_row (db, AGVIZ_RECORDER_TABLE_STACKS, stack_id, error))
        return FALSE;
      g_hash_table_add (self->known_stacks, _agviz_id_to_key (stack_id));
    }
  return TRUE;
}

gboolean
_agviz_recorder_caches_trace_is_known (AgvizRecorderCaches *self,
                                       gint64               trace_id)
{
  return g_hash_table_contains (self->known_traces, _agviz_id_to_key (trace_id));
}

gboolean
_agviz_recorder_caches_check_trace (AgvizRecorderCaches  *self,
                                    AgvizRecorderDb      *db,
                                    gint64                trace_id,
                                    GError              **error)
{
  if (_agviz_recorder_caches_trace_is_known (self, trace_id))
    return TRUE;
  if (!_agviz_recorder_db_check_row (db, AGVIZ_RECORDER_TABLE_TRACES, trace_id, error))
    return FALSE;
  _agviz_recorder_caches_add_trace (self, trace_id);
  return TRUE;
}

void
_agviz_recorder_caches_add_trace (AgvizRecorderCaches *self,
                                  gint64               trace_id)
{
  g_hash_table_add (self->known_traces, _agviz_id_to_key (trace_id));
}

GHashTable *
_agviz_recorder_caches_list_reference_inputs (AgvizRecorderCaches *self)
{
  GHashTable *inputs = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer name, id;

  g_hash_table_iter_init (&iter, self->op_type_ids);
  while (g_hash_table_iter_next (&iter, &name, &id))
    {
      int input = _agviz_graph_rules_reference_input (name);

      if (input >= 0)
        g_hash_table_insert (inputs, id, GUINT_TO_POINTER ((guint) input + 1));
    }
  return inputs;
}
