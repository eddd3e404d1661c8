/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-debug-info.c: GraphDebugInfo (FORMATS.md section 5.5) to recorder stacks */
#define G_LOG_DOMAIN "agviz-debug-info"

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "agviz-debug-info.h"
#include "agviz-import-error.h"
#include "agviz-proto-decoder.h"
#include "agviz-string-hash.h"
#include "agviz-text-format.h"

/* Source files larger than this are not stored (generated code, bundles). */
#define MAX_SOURCE_TEXT (((gsize) 16) << 20)

struct _AgvizDebugInfo
{
  ProtobufCMessage *message;    /* a GraphDebugInfo or a GraphDebugInfoEncodedTraces */
  char            **files;      /* borrowed from the message */
  gsize             n_files;
  char             *source_dir;
  char             *path;       /* the file, for errors; NULL when not loaded from one */

  /* key (borrowed) -> StackTrace (old layout), or, when traces_encoded is set, the index + 1
   * of the entry in entry_stacks */
  GHashTable *old_traces;
  gboolean    traces_encoded;
  GHashTable *trace_ids;        /* key (borrowed) -> guint64 trace id + 1 (new layout) */
  GHashTable *traces_by_id;     /* guint64 id -> StackTrace */
  GHashTable *frames_by_id;     /* guint64 id -> FileLineCol */

  /* The old layout's stacks, read without a recorder (on the loading thread, see
   * agviz_debug_info_load_in_background()) into a prefix tree of their own: each distinct frame
   * (by its bytes) is unpacked once, each distinct stack entry is one LocalStack, and every
   * entry of the traces map knows its innermost LocalStack.  Asking for a node's stack then
   * only records the entries no earlier node's stack had. */
  GArray       *local_frames;   /* LocalFrame */
  GArray       *local_stacks;   /* LocalStack, parents before children */
  gint32       *entry_stacks;   /* per traces map entry: local stack index, NO_FRAMES, BROKEN */
  GStringChunk *function_names; /* LocalFrame.func */

  /* Loading on a worker thread: nothing else touches the object until it is joined. */
  GThread      *loader;
  GError       *load_error;

  /* Caches of recorder ids; valid for one recorder batch. */
  AgvizRecorder *recorder;
  GArray        *file_ids;      /* gint64 per files[] index, 0 not yet added */
  GArray        *local_frame_ids;     /* gint64 per LocalFrame, 0 not yet recorded */
  GArray        *local_stack_ids;     /* gint64 per LocalStack, 0 not yet recorded */
  GArray        *local_frames_done;   /* guint8 per LocalStack: its frame recorded */
  GHashTable    *stack_by_trace_id;   /* guint64 trace id -> gint64 stack id */
  GHashTable    *frame_cache;         /* FrameKey -> gint64 frame id */
  GHashTable    *stack_cache;         /* CachedStack (its own key) */
  GArray        *frame_scratch;
  GArray        *chain_scratch;       /* guint32 LocalStack indices, innermost first */
  GString       *key;
  guint          n_texts;
};

/* entry_stacks values besides a local stack index. */
#define NO_FRAMES (-1)
#define BROKEN    (-2)
#define NO_PARENT G_MAXUINT32

typedef struct
{
  int         file_index;
  int         line;
  int         col;
  const char *func;       /* in function_names; NULL when the frame has none */
} LocalFrame;

typedef struct
{
  guint32 parent;         /* LocalStack index, NO_PARENT for an outermost frame */
  guint32 frame;          /* LocalFrame index */
} LocalStack;

/* Old-layout files repeat the same frames node after node: found again without formatting. */
typedef struct
{
  int         file_index;
  int         line;
  int         col;
  const char *func;       /* borrowed from the message */
} FrameKey;

static guint
frame_key_hash (gconstpointer key)
{
  const FrameKey *k = key;

  return ((guint) k->file_index * 2654435761u) ^ ((guint) k->line * 40503u) ^
         (guint) k->col ^ (k->func != NULL ? g_str_hash (k->func) : 0);
}

static gboolean
frame_key_equal (gconstpointer a,
                 gconstpointer b)
{
  const FrameKey *ka = a, *kb = b;

  return ka->file_index == kb->file_index && ka->line == kb->line && ka->col == kb->col &&
         g_strcmp0 (ka->func, kb->func) == 0;
}

/* An encoded FileLineCol and the frame id it was recorded as. */
typedef struct
{
  const guint8 *data;
  gsize         length;
  gint64        frame_id;
} EncodedFrame;

static guint
encoded_frame_hash (gconstpointer key)
{
  const EncodedFrame *frame = key;

  return agviz_bytes_hash (frame->data, frame->length);
}

static gboolean
encoded_frame_equal (gconstpointer a,
                     gconstpointer b)
{
  const EncodedFrame *fa = a, *fb = b;

  return fa->length == fb->length && memcmp (fa->data, fb->data, fa->length) == 0;
}

/* A recorded stack found again by its frame ids; stored ones keep the ids right after. */
typedef struct
{
  const gint64 *frames;
  guint         n_frames;
  gint64        stack_id;
} CachedStack;

static guint
cached_stack_hash (gconstpointer key)
{
  const CachedStack *stack = key;
  guint64 hash = stack->n_frames;

  for (guint i = 0; i < stack->n_frames; i++)
    hash = (hash ^ (guint64) stack->frames[i]) * G_GUINT64_CONSTANT (0x100000001b3);
  return (guint) (hash ^ (hash >> 32));
}

static gboolean
cached_stack_equal (gconstpointer a,
                    gconstpointer b)
{
  const CachedStack *sa = a, *sb = b;

  return sa->n_frames == sb->n_frames &&
         memcmp (sa->frames, sb->frames, sa->n_frames * sizeof (gint64)) == 0;
}

/* MurmurHash3's finaliser: every bit of @v reaches the low half that GHashTable uses. */
static inline guint
mix_u64 (guint64 v)
{
  v ^= v >> 33;
  v *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  v ^= v >> 33;
  return (guint) v;
}

static guint
hash_u64 (gconstpointer key)
{
  return mix_u64 (*(const guint64 *) key);
}

/* The fields every way of making one fills in later; only the caches exist yet. */
static AgvizDebugInfo *
debug_info_alloc (void)
{
  AgvizDebugInfo *self = g_new0 (AgvizDebugInfo, 1);

  self->old_traces = g_hash_table_new (agviz_string_hash, g_str_equal);
  self->trace_ids = g_hash_table_new (agviz_string_hash, g_str_equal);
  self->traces_by_id = g_hash_table_new (hash_u64, g_int64_equal);
  self->frames_by_id = g_hash_table_new (hash_u64, g_int64_equal);
  self->stack_by_trace_id = g_hash_table_new_full (hash_u64, g_int64_equal, g_free, NULL);
  self->frame_cache = g_hash_table_new_full (frame_key_hash, frame_key_equal, g_free, g_free);
  self->stack_cache = g_hash_table_new_full (cached_stack_hash, cached_stack_equal, g_free, NULL);
  self->local_frames = g_array_new (FALSE, FALSE, sizeof (LocalFrame));
  self->local_stacks = g_array_new (FALSE, FALSE, sizeof (LocalStack));
  self->function_names = g_string_chunk_new (4096);
  self->file_ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  self->local_frame_ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  self->local_stack_ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  self->local_frames_done = g_array_new (FALSE, TRUE, sizeof (guint8));
  self->frame_scratch = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->chain_scratch = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->key = g_string_new (NULL);
  return self;
}

static void
debug_info_set_message (AgvizDebugInfo   *self,
                        ProtobufCMessage *message,
                        char            **files,
                        gsize             n_files,
                        const char       *source_dir)
{
  self->message = message;
  self->files = files;
  self->n_files = n_files;
  self->source_dir = g_strdup (source_dir);
  g_array_set_size (self->file_ids, n_files);
}

/* Indexes the new layout's tables of @info, a GraphDebugInfo or a GraphDebugInfoEncodedTraces
 * (the same fields, told apart only by their C types). */
#define INDEX_NEW_LAYOUT(self, info)                                                          \
  G_STMT_START {                                                                              \
    for (gsize i_ = 0; i_ < (info)->n_name_to_trace_id; i_++)                                 \
      g_hash_table_insert ((self)->trace_ids, (info)->name_to_trace_id[i_]->key,              \
                           &(info)->name_to_trace_id[i_]->value);                             \
    for (gsize i_ = 0; i_ < (info)->n_traces_by_id; i_++)                                     \
      if ((info)->traces_by_id[i_]->value != NULL)                                            \
        g_hash_table_insert ((self)->traces_by_id, &(info)->traces_by_id[i_]->key,            \
                             (info)->traces_by_id[i_]->value);                                \
    for (gsize i_ = 0; i_ < (info)->n_frames_by_id; i_++)                                     \
      if ((info)->frames_by_id[i_]->value != NULL)                                            \
        g_hash_table_insert ((self)->frames_by_id, &(info)->frames_by_id[i_]->key,            \
                             (info)->frames_by_id[i_]->value);                                \
  } G_STMT_END

AgvizDebugInfo *
agviz_debug_info_new (AgvizTf__GraphDebugInfo *info,
                      const char              *source_dir)
{
  AgvizDebugInfo *self;

  g_return_val_if_fail (info != NULL, NULL);

  self = debug_info_alloc ();
  debug_info_set_message (self, &info->base, info->files, info->n_files, source_dir);
  for (gsize i = 0; i < info->n_traces; i++)
    if (info->traces[i]->value != NULL)
      g_hash_table_insert (self->old_traces, info->traces[i]->key, info->traces[i]->value);
  INDEX_NEW_LAYOUT (self, info);
  return self;
}

/* The LocalFrame index of the encoded FileLineCol @slice, unpacking it the first time its bytes
 * are seen; -1 when it does not parse. */
static gint64
local_frame_for (AgvizDebugInfo            *self,
                 GHashTable                *frame_by_bytes,
                 const ProtobufCBinaryData *slice)
{
  EncodedFrame lookup = { slice->data, slice->len, 0 };
  EncodedFrame *known = g_hash_table_lookup (frame_by_bytes, &lookup);
  AgvizTf__GraphDebugInfo__FileLineCol *frame;
  LocalFrame local;

  if (known != NULL)
    return known->frame_id;
  frame = (AgvizTf__GraphDebugInfo__FileLineCol *)
    protobuf_c_message_unpack (&agviz_tf__graph_debug_info__file_line_col__descriptor, NULL,
                               slice->len, slice->data);
  if (frame == NULL)
    return -1;
  local.file_index = frame->file_index;
  local.line = frame->line;
  local.col = frame->col;
  local.func = frame->func != NULL ? g_string_chunk_insert_const (self->function_names,
                                                                  frame->func) : NULL;
  protobuf_c_message_free_unpacked (&frame->base, NULL);
  g_array_append_val (self->local_frames, local);
  known = g_memdup2 (&lookup, sizeof lookup);
  known->frame_id = self->local_frames->len - 1;
  g_hash_table_add (frame_by_bytes, known);
  return known->frame_id;
}

/* The frames (outermost first) of the stack resolved last and its LocalStack per depth. */
typedef struct
{
  GArray *frames;     /* ProtobufCBinaryData, borrowed from the message */
  GArray *stacks;     /* guint32 */
} PreviousStack;

/* The innermost LocalStack of the encoded StackTrace @trace (frames innermost first on the
 * wire), NO_FRAMES for none, BROKEN when its framing or a frame does not parse.  @slices is
 * scratch; @stack_by_entry maps a packed (parent + 1, frame) to a LocalStack index + 1. */
static gint32
resolve_encoded_trace (AgvizDebugInfo            *self,
                       const ProtobufCBinaryData *trace,
                       GArray                    *slices,
                       PreviousStack             *previous,
                       GHashTable                *frame_by_bytes,
                       GHashTable                *stack_by_entry)
{
  const guint8 *p = trace->data, *end = trace->data + trace->len;
  ProtobufCBinaryData *slice_at;
  guint n_slices = 0;
  guint32 parent = NO_PARENT;

  /* A field takes two bytes at least: room for all of them, filled without appends. */
  g_array_set_size (slices, trace->len / 2 + 1);
  slice_at = (ProtobufCBinaryData *) slices->data;
  while (p < end)
    {
      guint64 tag, length = 0;

      if (!agviz_proto_read_varint (&p, end, &tag))
        return BROKEN;
      switch (tag & 7)
        {
        case 0:
          if (!agviz_proto_read_varint (&p, end, &length))
            return BROKEN;
          continue;
        case 1:
          length = 8;
          break;
        case 5:
          length = 4;
          break;
        case 2:
          if (!agviz_proto_read_varint (&p, end, &length))
            return BROKEN;
          break;
        default:
          return BROKEN;
        }
      if (length > (guint64) (end - p))
        return BROKEN;
      /* Field 1, file_line_cols; frame_id (2) means nothing in the old layout. */
      if (tag == ((1 << 3) | 2))
        {
          slice_at[n_slices].len = (gsize) length;
          slice_at[n_slices].data = (guint8 *) p;
          n_slices++;
        }
      p += length;
    }

  /* Innermost first on the wire: walk it backwards, outermost first.  Entries come mostly in
   * the order the nodes were made, so the outer frames are those of the entry before: those
   * are found by comparing bytes, not by hashing them. */
  {
    guint depth = 0, n_previous = previous->frames->len;
    const ProtobufCBinaryData *previous_frames = (const ProtobufCBinaryData *) previous->frames->data;

    while (depth < n_slices && depth < n_previous &&
           slice_at[n_slices - 1 - depth].len == previous_frames[depth].len &&
           memcmp (slice_at[n_slices - 1 - depth].data, previous_frames[depth].data,
                   previous_frames[depth].len) == 0)
      {
        parent = g_array_index (previous->stacks, guint32, depth);
        depth++;
      }
    g_array_set_size (previous->frames, depth);
    g_array_set_size (previous->stacks, depth);
    n_slices -= depth;
  }
  for (guint i = n_slices; i-- > 0;)
    {
      gint64 frame = local_frame_for (self, frame_by_bytes, &slice_at[i]);
      guint64 key;
      gpointer value;

      if (frame < 0 || self->local_stacks->len >= G_MAXINT32 - 1)
        return BROKEN;
      key = ((guint64) (parent + 1) << 32) | (guint64) frame;
      if (g_hash_table_lookup_extended (stack_by_entry, (gpointer) (guintptr) key, NULL, &value))
        parent = GPOINTER_TO_UINT (value) - 1;
      else
        {
          LocalStack entry = { parent, (guint32) frame };

          g_array_append_val (self->local_stacks, entry);
          parent = self->local_stacks->len - 1;
          g_hash_table_insert (stack_by_entry, (gpointer) (guintptr) key,
                               GUINT_TO_POINTER (parent + 1));
        }
      g_array_append_val (previous->frames, slice_at[i]);
      g_array_append_val (previous->stacks, parent);
    }
  return parent == NO_PARENT ? NO_FRAMES : (gint32) parent;
}

static guint
hash_packed_u64 (gconstpointer key)
{
  return mix_u64 ((guint64) (guintptr) key);
}

/* Takes ownership of @info, whose bytes were checked as a whole GraphDebugInfo.  Every stack of
 * the traces map is read into the local prefix tree here, so nodes asking for theirs later
 * cost a look-up of their key and of the entries no node had before. */
static void
debug_info_set_encoded (AgvizDebugInfo                       *self,
                        AgvizTf__GraphDebugInfoEncodedTraces *info,
                        const char                           *source_dir)
{
  g_autoptr(GHashTable) frame_by_bytes = g_hash_table_new_full (encoded_frame_hash,
                                                                encoded_frame_equal, g_free, NULL);
  g_autoptr(GHashTable) stack_by_entry = g_hash_table_new (hash_packed_u64, g_direct_equal);
  g_autoptr(GArray) slices = g_array_new (FALSE, FALSE, sizeof (ProtobufCBinaryData));
  g_autoptr(GArray) previous_frames = g_array_new (FALSE, FALSE, sizeof (ProtobufCBinaryData));
  g_autoptr(GArray) previous_stacks = g_array_new (FALSE, FALSE, sizeof (guint32));
  PreviousStack previous = { previous_frames, previous_stacks };

  debug_info_set_message (self, &info->base, info->files, info->n_files, source_dir);
  self->traces_encoded = TRUE;
  self->entry_stacks = g_new (gint32, MAX (info->n_traces, 1));
  /* An entry whose StackTrace is absent or empty has no frames: no stack. */
  for (gsize i = 0; i < info->n_traces; i++)
    {
      const ProtobufCBinaryData *trace = &info->traces[i]->value;

      if (trace->len == 0)
        {
          self->entry_stacks[i] = NO_FRAMES;
          continue;
        }
      self->entry_stacks[i] = resolve_encoded_trace (self, trace, slices, &previous,
                                                     frame_by_bytes, stack_by_entry);
      g_hash_table_insert (self->old_traces, info->traces[i]->key, GSIZE_TO_POINTER (i + 1));
    }
  INDEX_NEW_LAYOUT (self, info);
}

/* Fills @self from the file @path: what agviz_debug_info_load() does, on any thread. */
static gboolean
load_into (AgvizDebugInfo  *self,
           const char      *path,
           GError         **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GError) binary_error = NULL;
  AgvizTf__GraphDebugInfo *info;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, error))
    {
      if (error != NULL && *error != NULL)
        {
          GError *io = g_error_new (AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_IO, "%s",
                                    (*error)->message);
          g_clear_error (error);
          g_propagate_error (error, io);
        }
      return FALSE;
    }
  self->path = g_strdup (path);
  dir = g_path_get_dirname (path);

  /* Binary first; a text file seldom parses as binary, and when it does it is caught by the
   * text attempt failing the other way round only if the binary one found nothing.  The
   * message is unpacked with its old-layout stacks left encoded and read into the local prefix
   * tree, a stack that does not parse being reported only when a node asks for it. */
  {
    AgvizTf__GraphDebugInfoEncodedTraces *encoded = (AgvizTf__GraphDebugInfoEncodedTraces *)
      agviz_proto_decode (&agviz_tf__graph_debug_info_encoded_traces__descriptor,
                          (const guint8 *) contents, length, path, &binary_error);

    if (encoded != NULL &&
        (encoded->n_files > 0 || encoded->n_traces > 0 || encoded->n_traces_by_id > 0))
      {
        debug_info_set_encoded (self, encoded, dir);
        return TRUE;
      }
    g_clear_pointer (&encoded, agviz_proto_free);
  }

  {
    g_autoptr(GError) text_error = NULL;

    info = (AgvizTf__GraphDebugInfo *)
      agviz_text_format_decode (&agviz_tf__graph_debug_info__descriptor, contents, length,
                                path, &text_error);
    if (info == NULL)
      {
        g_set_error (error, AGVIZ_IMPORT_ERROR, text_error->code,
                     "%s is not a GraphDebugInfo: as text, %s; as binary, %s", path,
                     text_error->message,
                     binary_error != NULL ? binary_error->message : "it holds no stacks");
        return FALSE;
      }
  }

  debug_info_set_message (self, &info->base, info->files, info->n_files, dir);
  for (gsize i = 0; i < info->n_traces; i++)
    if (info->traces[i]->value != NULL)
      g_hash_table_insert (self->old_traces, info->traces[i]->key, info->traces[i]->value);
  INDEX_NEW_LAYOUT (self, info);
  return TRUE;
}

AgvizDebugInfo *
agviz_debug_info_load (const char  *path,
                       GError     **error)
{
  AgvizDebugInfo *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = debug_info_alloc ();
  if (!load_into (self, path, error))
    {
      agviz_debug_info_free (self);
      return NULL;
    }
  return self;
}

static gpointer
load_in_background (gpointer data)
{
  AgvizDebugInfo *self = data;
  /* Set by agviz_debug_info_load_in_background(); load_into() sets it again. */
  g_autofree char *path = g_steal_pointer (&self->path);
  GError *error = NULL;

  if (!load_into (self, path, &error))
    self->load_error = error;
  return NULL;
}

AgvizDebugInfo *
agviz_debug_info_load_in_background (const char *path)
{
  AgvizDebugInfo *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = debug_info_alloc ();
  self->path = g_strdup (path);
  self->loader = g_thread_try_new ("agviz-debug-info", load_in_background, self, NULL);
  /* No thread to be had: read it here, the caller waits either way. */
  if (self->loader == NULL)
    load_in_background (self);
  return self;
}

gboolean
agviz_debug_info_wait (AgvizDebugInfo  *self,
                       GError         **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->loader != NULL)
    {
      g_thread_join (self->loader);
      self->loader = NULL;
    }
  if (self->load_error != NULL)
    {
      if (error != NULL)
        *error = g_error_copy (self->load_error);
      return FALSE;
    }
  return TRUE;
}

void
agviz_debug_info_free (AgvizDebugInfo *self)
{
  if (self == NULL)
    return;
  agviz_debug_info_wait (self, NULL);
  g_hash_table_unref (self->old_traces);
  g_hash_table_unref (self->trace_ids);
  g_hash_table_unref (self->traces_by_id);
  g_hash_table_unref (self->frames_by_id);
  g_hash_table_unref (self->stack_by_trace_id);
  g_hash_table_unref (self->frame_cache);
  g_hash_table_unref (self->stack_cache);
  g_array_unref (self->local_frames);
  g_array_unref (self->local_stacks);
  g_free (self->entry_stacks);
  g_string_chunk_free (self->function_names);
  g_array_unref (self->file_ids);
  g_array_unref (self->local_frame_ids);
  g_array_unref (self->local_stack_ids);
  g_array_unref (self->local_frames_done);
  g_array_unref (self->frame_scratch);
  g_array_unref (self->chain_scratch);
  g_string_free (self->key, TRUE);
  g_clear_error (&self->load_error);
  agviz_proto_free (self->message);
  g_free (self->source_dir);
  g_free (self->path);
  g_free (self);
}

guint
agviz_debug_info_get_n_keys (AgvizDebugInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);
  agviz_debug_info_wait (self, NULL);
  return g_hash_table_size (self->old_traces) + g_hash_table_size (self->trace_ids);
}

guint
agviz_debug_info_get_n_texts (AgvizDebugInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);
  agviz_debug_info_wait (self, NULL);
  return self->n_texts;
}

/* The file's text when it can be found: as written, relative to the source, or by base name
 * beside the source (debug files often name paths of the machine that wrote them). */
static char *
find_source_text (AgvizDebugInfo *self,
                  const char     *path,
                  gsize          *length)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *relative = NULL;
  g_autofree char *beside = NULL;
  const char *candidates[3];
  guint n = 0;

  if (g_path_is_absolute (path))
    candidates[n++] = path;
  if (self->source_dir != NULL)
    {
      if (!g_path_is_absolute (path))
        candidates[n++] = relative = g_build_filename (self->source_dir, path, NULL);
      candidates[n++] = beside = g_build_filename (self->source_dir, base, NULL);
    }

  for (guint i = 0; i < n; i++)
    {
      char *contents;
      GStatBuf st;

      if (g_stat (candidates[i], &st) != 0 || !S_ISREG (st.st_mode) ||
          (gsize) st.st_size > MAX_SOURCE_TEXT)
        continue;
      if (g_file_get_contents (candidates[i], &contents, length, NULL))
        return contents;
    }
  return NULL;
}

static gint64
file_id_for (AgvizDebugInfo  *self,
             AgvizRecorder   *recorder,
             int              index,
             GError         **error)
{
  const char *path;
  gint64 id;

  if (index >= 0 && (gsize) index < self->n_files)
    {
      id = g_array_index (self->file_ids, gint64, index);
      if (id != 0)
        return id;
      path = self->files[index];
    }
  else
    path = NULL;

  if (path == NULL || *path == '\0')
    path = "<unknown>";
  id = agviz_recorder_add_file (recorder, NULL, path, error);
  if (id == 0)
    return 0;

  if (index >= 0 && (gsize) index < self->n_files)
    {
      g_autofree char *text = NULL;
      gsize length = 0;

      g_array_index (self->file_ids, gint64, index) = id;
      text = find_source_text (self, path, &length);
      if (text != NULL)
        {
          if (!agviz_recorder_set_file_text (recorder, id, text, length, error))
            return 0;
          self->n_texts++;
        }
    }
  return id;
}

static gint64
record_frame (AgvizDebugInfo                             *self,
              AgvizRecorder                              *recorder,
              const AgvizTf__GraphDebugInfo__FileLineCol *frame,
              GError                                    **error)
{
  gint64 file_id = file_id_for (self, recorder, frame->file_index, error);

  if (file_id == 0)
    return 0;
  return agviz_recorder_add_frame (recorder, file_id, MAX (frame->line, 0), MAX (frame->col, 0),
                                   frame->func, error);
}

static gint64
frame_id_for (AgvizDebugInfo                         *self,
              AgvizRecorder                          *recorder,
              const AgvizTf__GraphDebugInfo__FileLineCol *frame,
              GError                                **error)
{
  FrameKey key = { frame->file_index, frame->line, frame->col, frame->func };
  const gint64 *cached = g_hash_table_lookup (self->frame_cache, &key);
  gint64 frame_id;

  if (cached != NULL)
    return *cached;
  frame_id = record_frame (self, recorder, frame, error);
  if (frame_id != 0)
    g_hash_table_insert (self->frame_cache, g_memdup2 (&key, sizeof key),
                         g_memdup2 (&frame_id, sizeof frame_id));
  return frame_id;
}

/* The recorder's id of LocalFrame @index, recording it the first time. */
static gint64
record_local_frame (AgvizDebugInfo  *self,
                    AgvizRecorder   *recorder,
                    guint32          index,
                    GError         **error)
{
  gint64 *id = &g_array_index (self->local_frame_ids, gint64, index);

  if (*id == 0)
    {
      const LocalFrame *local = &g_array_index (self->local_frames, LocalFrame, index);
      AgvizTf__GraphDebugInfo__FileLineCol frame = AGVIZ_TF__GRAPH_DEBUG_INFO__FILE_LINE_COL__INIT;

      frame.file_index = local->file_index;
      frame.line = local->line;
      frame.col = local->col;
      frame.func = (char *) local->func;
      *id = record_frame (self, recorder, &frame, error);
    }
  return *id;
}

/* Fills chain_scratch with LocalStack @index and its ancestors, innermost first, up to the
 * first one recorded already (or, with @done, whose frame is); returns where it stopped
 * (NO_PARENT: at the outermost frame). */
static guint32
unrecorded_chain (AgvizDebugInfo *self,
                  guint32         index,
                  const guint8   *done)
{
  const gint64 *ids = (const gint64 *) self->local_stack_ids->data;

  g_array_set_size (self->chain_scratch, 0);
  while (index != NO_PARENT && ids[index] == 0 && (done == NULL || !done[index]))
    {
      g_array_append_val (self->chain_scratch, index);
      index = g_array_index (self->local_stacks, LocalStack, index).parent;
    }
  return index;
}

/* The recorder's id of LocalStack @index: its entries that no stack asked for before are
 * recorded, outermost first, onto the innermost one that was. */
static gint64
record_local_stack (AgvizDebugInfo  *self,
                    AgvizRecorder   *recorder,
                    guint32          index,
                    GError         **error)
{
  GArray *chain = self->chain_scratch;
  gint64 *ids = (gint64 *) self->local_stack_ids->data;
  gint64 stack_id;

  index = unrecorded_chain (self, index, NULL);
  stack_id = index != NO_PARENT ? ids[index] : 0;
  for (guint i = chain->len; i-- > 0;)
    {
      guint32 entry = g_array_index (chain, guint32, i);
      gint64 frame_id = record_local_frame (self, recorder,
                                            g_array_index (self->local_stacks, LocalStack,
                                                           entry).frame, error);

      if (frame_id == 0)
        return 0;
      stack_id = agviz_recorder_extend_stack (recorder, stack_id, &frame_id, 1, error);
      if (stack_id == 0)
        return 0;
      ids[entry] = stack_id;
    }
  return stack_id;
}

/* Records the frames of LocalStack @index that no stack asked for before, outermost first: the
 * frames record_local_stack() would record, in the same order, so that it then needs none. */
static gboolean
record_local_frames (AgvizDebugInfo  *self,
                     AgvizRecorder   *recorder,
                     guint32          index,
                     GError         **error)
{
  GArray *chain = self->chain_scratch;
  guint8 *done = (guint8 *) self->local_frames_done->data;

  unrecorded_chain (self, index, done);
  for (guint i = chain->len; i-- > 0;)
    {
      guint32 entry = g_array_index (chain, guint32, i);

      if (record_local_frame (self, recorder,
                              g_array_index (self->local_stacks, LocalStack, entry).frame,
                              error) == 0)
        return FALSE;
      done[entry] = 1;
    }
  return TRUE;
}

/* Drops caches made for another recorder (or before a rollback of the same one). */
static void
bind_recorder (AgvizDebugInfo *self,
               AgvizRecorder  *recorder)
{
  if (self->recorder == recorder)
    return;
  self->recorder = recorder;
  if (self->file_ids->len > 0)
    memset (self->file_ids->data, 0, self->file_ids->len * sizeof (gint64));
  g_array_set_size (self->local_frame_ids, 0);
  g_array_set_size (self->local_frame_ids, self->local_frames->len);
  g_array_set_size (self->local_stack_ids, 0);
  g_array_set_size (self->local_stack_ids, self->local_stacks->len);
  g_array_set_size (self->local_frames_done, 0);
  g_array_set_size (self->local_frames_done, self->local_stacks->len);
  g_hash_table_remove_all (self->stack_by_trace_id);
  g_hash_table_remove_all (self->frame_cache);
  g_hash_table_remove_all (self->stack_cache);
  self->n_texts = 0;
}

/* Handles of agviz_debug_info_find_stack() with this bit name a LocalStack, others a stack. */
#define LOCAL_STACK_HANDLE (G_GINT64_CONSTANT (1) << 62)

gint64
agviz_debug_info_find_stack (AgvizDebugInfo  *self,
                             AgvizRecorder   *recorder,
                             const char      *node,
                             const char      *function,
                             GError         **error)
{
  AgvizTf__GraphDebugInfo__StackTrace *trace;
  gpointer old_trace;
  const guint64 *trace_id = NULL;
  gint64 stack_id;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (node != NULL, 0);

  if (!agviz_debug_info_wait (self, error))
    return 0;
  bind_recorder (self, recorder);

  g_string_assign (self->key, node);
  g_string_append_c (self->key, '@');
  if (function != NULL)
    g_string_append (self->key, function);

  old_trace = g_hash_table_lookup (self->old_traces, self->key->str);
  if (old_trace == NULL)
    trace_id = g_hash_table_lookup (self->trace_ids, self->key->str);
  if (old_trace == NULL && trace_id == NULL && function == NULL)
    {
      old_trace = g_hash_table_lookup (self->old_traces, node);
      if (old_trace == NULL)
        trace_id = g_hash_table_lookup (self->trace_ids, node);
    }

  g_array_set_size (self->frame_scratch, 0);
  if (old_trace != NULL && self->traces_encoded)
    {
      gint32 local = self->entry_stacks[GPOINTER_TO_SIZE (old_trace) - 1];

      if (local == NO_FRAMES)
        return 0;
      if (local == BROKEN)
        {
          g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_PARSE,
                       "%s: the stack of %s does not parse as a GraphDebugInfo.StackTrace",
                       self->path != NULL ? self->path : "GraphDebugInfo", self->key->str);
          return 0;
        }
      return record_local_frames (self, recorder, (guint32) local, error)
             ? LOCAL_STACK_HANDLE | local : 0;
    }
  else if (old_trace != NULL)
    {
      trace = old_trace;
      /* Old layout: innermost first, so walk it backwards. */
      for (gsize i = trace->n_file_line_cols; i-- > 0;)
        {
          gint64 frame_id = frame_id_for (self, recorder, trace->file_line_cols[i], error);

          if (frame_id == 0)
            return 0;
          g_array_append_val (self->frame_scratch, frame_id);
        }
    }
  else if (trace_id != NULL)
    {
      gpointer cached;

      if (g_hash_table_lookup_extended (self->stack_by_trace_id, trace_id, NULL, &cached))
        return (gint64) (gintptr) cached;

      trace = g_hash_table_lookup (self->traces_by_id, trace_id);
      if (trace == NULL)
        return 0;
      for (gsize i = 0; i < trace->n_frame_id; i++)
        {
          const AgvizTf__GraphDebugInfo__FileLineCol *frame =
            g_hash_table_lookup (self->frames_by_id, &trace->frame_id[i]);
          gint64 frame_id;

          if (frame == NULL)
            continue;
          frame_id = frame_id_for (self, recorder, frame, error);
          if (frame_id == 0)
            return 0;
          g_array_append_val (self->frame_scratch, frame_id);
        }
    }
  else
    return 0;

  if (self->frame_scratch->len == 0)
    return 0;
  {
    CachedStack lookup = { (const gint64 *) self->frame_scratch->data, self->frame_scratch->len, 0 };
    const CachedStack *cached = g_hash_table_lookup (self->stack_cache, &lookup);

    if (cached != NULL)
      stack_id = cached->stack_id;
    else
      {
        stack_id = agviz_recorder_add_stack (recorder, lookup.frames, lookup.n_frames, error);
        if (stack_id != 0)
          {
            gsize size = lookup.n_frames * sizeof (gint64);
            CachedStack *stored = g_malloc (sizeof (CachedStack) + size);

            memcpy (stored + 1, lookup.frames, size);
            stored->frames = (const gint64 *) (stored + 1);
            stored->n_frames = lookup.n_frames;
            stored->stack_id = stack_id;
            g_hash_table_add (self->stack_cache, stored);
          }
      }
  }
  if (stack_id != 0 && trace_id != NULL)
    g_hash_table_insert (self->stack_by_trace_id, g_memdup2 (trace_id, sizeof *trace_id),
                         (gpointer) (gintptr) stack_id);
  return stack_id;
}

gint64
agviz_debug_info_record_stack (AgvizDebugInfo  *self,
                               AgvizRecorder   *recorder,
                               gint64           handle,
                               GError         **error)
{
  g_return_val_if_fail (self != NULL && handle > 0, 0);
  g_return_val_if_fail (self->recorder == recorder, 0);

  if ((handle & LOCAL_STACK_HANDLE) == 0)
    return handle;
  return record_local_stack (self, recorder, (guint32) (handle & ~LOCAL_STACK_HANDLE), error);
}

gint64
agviz_debug_info_get_stack (AgvizDebugInfo  *self,
                            AgvizRecorder   *recorder,
                            const char      *node,
                            const char      *function,
                            GError         **error)
{
  gint64 handle = agviz_debug_info_find_stack (self, recorder, node, function, error);

  return handle != 0 ? agviz_debug_info_record_stack (self, recorder, handle, error) : 0;
}
