/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-proto-decoder.c: a wire-format check before protobuf-c, and a bounded arena */
#define G_LOG_DOMAIN "agviz-proto"

#include "config.h"

#include <string.h>

#include "agviz-import-error.h"
#include "agviz-proto-decoder.h"

/* Unpacked structs are larger than their encoding (pointers, counts, NUL terminators): allow
 * a generous multiple of the input, but never unbounded growth. */
#define ALLOC_BASE (((gsize) 64) << 20)
#define ALLOC_FACTOR 24
#define ALLOC_CEILING (((gsize) 8) << 30)

/* Messages are unpacked into an arena: allocation is a pointer bump, and freeing a message
 * frees a few large chunks instead of walking every field.  protobuf-c allocates the message
 * struct first, so the arena's header sits right before it and agviz_proto_free() finds it. */
#define CHUNK_SIZE ((gsize) 256 << 10)
#define ALIGNMENT 16

typedef struct _Chunk Chunk;
struct _Chunk
{
  Chunk *next;
  gsize  size;
  gsize  used;
  /* data follows, aligned */
};

typedef struct
{
  ProtobufCAllocator base;
  Chunk             *chunks;
  Chunk             *first;
  Chunk             *spare;     /* a chunk kept from the last use (reusable arenas) */
  gsize              used;
  gsize              limit;
} Arena;

#define CHUNK_HEADER (((sizeof (Chunk) + ALIGNMENT - 1) / ALIGNMENT) * ALIGNMENT)
#define ARENA_HEADER (((sizeof (Arena *) + ALIGNMENT - 1) / ALIGNMENT) * ALIGNMENT)

static void *
arena_alloc (void   *allocator_data,
             size_t  size)
{
  Arena *arena = allocator_data;
  Chunk *chunk = arena->chunks;
  guint8 *data;

  size = (size + ALIGNMENT - 1) & ~(gsize) (ALIGNMENT - 1);
  if (size > arena->limit - arena->used)
    return NULL;
  if (chunk == NULL || chunk->size - chunk->used < size)
    {
      gsize want = MAX (CHUNK_SIZE, size + ARENA_HEADER);

      if (arena->spare != NULL && arena->spare->size >= want)
        {
          chunk = arena->spare;
          arena->spare = NULL;
        }
      else if ((chunk = g_try_malloc (CHUNK_HEADER + want)) == NULL)
        return NULL;
      else
        chunk->size = want;
      chunk->used = 0;
      chunk->next = arena->chunks;
      /* The very first allocation (the message) gets the arena pointer in front of it. */
      if (arena->chunks == NULL)
        {
          chunk->used = ARENA_HEADER;
          arena->first = chunk;
        }
      arena->chunks = chunk;
    }
  data = (guint8 *) chunk + CHUNK_HEADER + chunk->used;
  chunk->used += size;
  arena->used += size;
  return data;
}

static void
arena_free (void *allocator_data,
            void *pointer)
{
  /* Everything goes at once in arena_destroy(). */
}

/* Frees what the arena holds but one chunk, kept for the next message. */
static void
arena_reset (Arena *arena)
{
  while (arena->chunks != NULL)
    {
      Chunk *next = arena->chunks->next;

      if (arena->spare == NULL && arena->chunks->size == CHUNK_SIZE)
        arena->spare = arena->chunks;
      else
        g_free (arena->chunks);
      arena->chunks = next;
    }
  arena->first = NULL;
  arena->used = 0;
}

static void
arena_destroy (Arena *arena)
{
  arena_reset (arena);
  g_free (arena->spare);
  g_free (arena);
}

static Arena *
arena_new (void)
{
  Arena *arena = g_new0 (Arena, 1);

  arena->base.alloc = arena_alloc;
  arena->base.free = arena_free;
  arena->base.allocator_data = arena;
  return arena;
}

/* Whether a message type has message fields, by descriptor: the check descends only into
 * those, and most messages by count (frames, dims, map entries) have none, which spares them a
 * field lookup per length-delimited field.  Direct-mapped; a collision only costs a rescan. */
#define NESTING_CACHE_SIZE 32

typedef struct
{
  const ProtobufCMessageDescriptor *descriptor;
  gboolean                          has_message_fields;
} NestingEntry;

typedef struct
{
  const char *what;
  GError    **error;
  const guint8 *start;
  NestingEntry nesting[NESTING_CACHE_SIZE];
} CheckContext;

static gboolean
has_message_fields (CheckContext                     *ctx,
                    const ProtobufCMessageDescriptor *descriptor)
{
  NestingEntry *entry = &ctx->nesting[((guintptr) descriptor >> 4) % NESTING_CACHE_SIZE];

  if (entry->descriptor != descriptor)
    {
      entry->descriptor = descriptor;
      entry->has_message_fields = FALSE;
      for (guint i = 0; i < descriptor->n_fields; i++)
        if (descriptor->fields[i].type == PROTOBUF_C_TYPE_MESSAGE)
          entry->has_message_fields = TRUE;
    }
  return entry->has_message_fields;
}

static gboolean
fail_at (CheckContext *ctx,
         const guint8 *at,
         int           code,
         const char   *problem)
{
  g_set_error (ctx->error, AGVIZ_IMPORT_ERROR, code,
               "%s does not parse as protobuf: %s at byte offset %" G_GSIZE_FORMAT,
               ctx->what, problem, (gsize) (at - ctx->start));
  return FALSE;
}

gboolean
agviz_proto_read_varint_slow (const guint8 **p,
                              const guint8  *end,
                              guint64       *value)
{
  guint64 result = 0;

  for (guint shift = 0; shift < 70; shift += 7)
    {
      if (*p >= end)
        return FALSE;
      result |= (guint64) (**p & 0x7f) << shift;
      if ((*(*p)++ & 0x80) == 0)
        {
          *value = result;
          return TRUE;
        }
    }
  return FALSE;
}

/* Reads the value of a field of wire type @wire at *@p: a varint into @value, fixed-size
 * values are stepped over, a length-delimited one has its length in @value (checked to fit)
 * and *@p left at its bytes.  NULL, or what is wrong with the field. */
static inline const char *
read_field_value (const guint8 **p,
                  const guint8  *end,
                  guint          wire,
                  guint64       *value)
{
  switch (wire)
    {
    case 0:
      return agviz_proto_read_varint (p, end, value) ? NULL : "a broken varint";
    case 1:
      if (end - *p < 8)
        return "a cut 64-bit value";
      *p += 8;
      return NULL;
    case 5:
      if (end - *p < 4)
        return "a cut 32-bit value";
      *p += 4;
      return NULL;
    case 2:
      if (!agviz_proto_read_varint (p, end, value))
        return "a broken length";
      if (*value > (guint64) (end - *p))
        return "a length larger than what is left";
      return NULL;
    default:
      /* Groups (3, 4) are proto1 history that protobuf-c does not read; 6, 7 do not exist. */
      return "an unsupported wire type";
    }
}

static gboolean
check_message (CheckContext                     *ctx,
               const ProtobufCMessageDescriptor *descriptor,
               const guint8                     *p,
               const guint8                     *end,
               guint                             depth)
{
  gboolean nests;

  if (depth > AGVIZ_PROTO_MAX_DEPTH)
    return fail_at (ctx, p, AGVIZ_IMPORT_ERROR_LIMIT,
                    "messages nested more than " G_STRINGIFY (AGVIZ_PROTO_MAX_DEPTH) " deep");
  nests = has_message_fields (ctx, descriptor);

  while (p < end)
    {
      const guint8 *field_start = p;
      const ProtobufCFieldDescriptor *field;
      const char *problem;
      guint64 tag, value;
      guint32 number;

      if (!agviz_proto_read_varint (&p, end, &tag))
        return fail_at (ctx, field_start, AGVIZ_IMPORT_ERROR_PARSE, "a broken field tag");
      number = (guint32) (tag >> 3);
      if (number == 0 || (tag >> 3) > 0x1fffffff)
        return fail_at (ctx, field_start, AGVIZ_IMPORT_ERROR_PARSE, "field number 0");

      problem = read_field_value (&p, end, tag & 7, &value);
      if (problem != NULL)
        return fail_at (ctx, field_start, AGVIZ_IMPORT_ERROR_PARSE, problem);
      if ((tag & 7) == 2)
        {
          field = nests ? protobuf_c_message_descriptor_get_field (descriptor, number) : NULL;
          if (field != NULL && field->type == PROTOBUF_C_TYPE_MESSAGE &&
              !check_message (ctx, field->descriptor, p, p + value, depth + 1))
            return FALSE;
          p += value;
        }
    }
  return TRUE;
}

gboolean
agviz_proto_check (const ProtobufCMessageDescriptor  *descriptor,
                   const guint8                      *data,
                   gsize                              length,
                   const char                        *what,
                   GError                           **error)
{
  CheckContext ctx = { what, error, data, { { NULL, FALSE } } };

  g_return_val_if_fail (descriptor != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  /* An empty message may come as NULL; NULL + 0 is still undefined behaviour in C. */
  if (data == NULL)
    ctx.start = data = (const guint8 *) "";
  return check_message (&ctx, descriptor, data, data + length, 0);
}

/* Budget and score of agviz_proto_fit(). */
typedef struct
{
  int    score;
  guint  budget;
} FitState;

static gboolean
fit_message (FitState                         *state,
             const ProtobufCMessageDescriptor *descriptor,
             const guint8                     *p,
             const guint8                     *end,
             guint                             depth)
{
  while (p < end && state->budget > 0)
    {
      const ProtobufCFieldDescriptor *field;
      guint64 tag, value;
      guint wire, expected;

      state->budget--;
      if (!agviz_proto_read_varint (&p, end, &tag) || (tag >> 3) == 0)
        return FALSE;
      wire = tag & 7;
      field = (tag >> 3) <= G_MAXUINT32
                ? protobuf_c_message_descriptor_get_field (descriptor, (guint) (tag >> 3)) : NULL;
      if (read_field_value (&p, end, wire, &value) != NULL)
        return FALSE;
      if (field == NULL)
        {
          state->score -= 1;
          if (wire == 2)
            p += value;
          continue;
        }

      switch (field->type)
        {
        case PROTOBUF_C_TYPE_DOUBLE: case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_SFIXED64:
          expected = 1; break;
        case PROTOBUF_C_TYPE_FLOAT: case PROTOBUF_C_TYPE_FIXED32: case PROTOBUF_C_TYPE_SFIXED32:
          expected = 5; break;
        case PROTOBUF_C_TYPE_STRING: case PROTOBUF_C_TYPE_BYTES: case PROTOBUF_C_TYPE_MESSAGE:
          expected = 2; break;
        default:
          expected = 0; break;
        }
      /* Packed repeated scalars travel length-delimited. */
      if (wire != expected && !(wire == 2 && field->label == PROTOBUF_C_LABEL_REPEATED))
        {
          state->score -= 10;
          if (wire == 2)
            p += value;
          continue;
        }
      state->score += 2;
      if (wire == 2)
        {
          if (field->type == PROTOBUF_C_TYPE_STRING &&
              !g_utf8_validate ((const char *) p, value, NULL))
            state->score -= 10;
          else if (field->type == PROTOBUF_C_TYPE_MESSAGE && depth < 3 &&
                   !fit_message (state, field->descriptor, p, p + value, depth + 1))
            state->score -= 10;
          p += value;
        }
    }
  return TRUE;
}

int
agviz_proto_fit (const ProtobufCMessageDescriptor  *descriptor,
                 const guint8                      *data,
                 gsize                              length)
{
  FitState state = { 0, 20000 };

  g_return_val_if_fail (descriptor != NULL, G_MININT / 2);
  g_return_val_if_fail (data != NULL || length == 0, G_MININT / 2);

  if (!fit_message (&state, descriptor, data, data + length, 0))
    return G_MININT / 2;
  return state.score;
}

/* Unpacks checked @data into @arena, which must be empty. */
static ProtobufCMessage *
unpack_into (Arena                             *arena,
             const ProtobufCMessageDescriptor  *descriptor,
             const guint8                      *data,
             gsize                              length,
             const char                        *what,
             GError                           **error)
{
  static const guint8 empty[1] = { 0 };
  ProtobufCMessage *message;

  arena->limit = length > (ALLOC_CEILING - ALLOC_BASE) / ALLOC_FACTOR
                   ? ALLOC_CEILING : ALLOC_BASE + length * ALLOC_FACTOR;
  message = protobuf_c_message_unpack (descriptor, &arena->base, length,
                                       length > 0 ? data : empty);
  if (message == NULL)
    {
      if (arena->used >= arena->limit / 2)
        g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_LIMIT,
                     "%s is too large to unpack (over %" G_GSIZE_FORMAT " MiB)", what,
                     arena->limit >> 20);
      else
        g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_PARSE,
                     "%s does not parse as a %s message", what, descriptor->short_name);
      return NULL;
    }
  /* The message is the arena's first allocation: its header is right in front. */
  g_assert ((guint8 *) message == (guint8 *) arena->first + CHUNK_HEADER + ARENA_HEADER);
  return message;
}

ProtobufCMessage *
agviz_proto_decode (const ProtobufCMessageDescriptor  *descriptor,
                    const guint8                      *data,
                    gsize                              length,
                    const char                        *what,
                    GError                           **error)
{
  ProtobufCMessage *message;
  Arena *arena;

  g_return_val_if_fail (descriptor != NULL, NULL);

  if (!agviz_proto_check (descriptor, data, length, what, error))
    return NULL;

  arena = arena_new ();
  message = unpack_into (arena, descriptor, data, length, what, error);
  if (message == NULL)
    {
      arena_destroy (arena);
      return NULL;
    }
  *(Arena **) ((guint8 *) message - ARENA_HEADER) = arena;
  return message;
}

struct _AgvizProtoArena
{
  Arena *arena;
};

AgvizProtoArena *
agviz_proto_arena_new (void)
{
  AgvizProtoArena *self = g_new (AgvizProtoArena, 1);

  self->arena = arena_new ();
  return self;
}

void
agviz_proto_arena_free (AgvizProtoArena *self)
{
  if (self == NULL)
    return;
  arena_destroy (self->arena);
  g_free (self);
}

ProtobufCMessage *
agviz_proto_arena_decode (AgvizProtoArena                   *self,
                          const ProtobufCMessageDescriptor  *descriptor,
                          const guint8                      *data,
                          gsize                              length,
                          guint                              depth,
                          const char                        *what,
                          GError                           **error)
{
  CheckContext ctx = { what, error, data, { { NULL, FALSE } } };

  g_return_val_if_fail (self != NULL && descriptor != NULL, NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);

  arena_reset (self->arena);
  if (!check_message (&ctx, descriptor, data, data + length, depth))
    return NULL;
  return unpack_into (self->arena, descriptor, data, length, what, error);
}

void
agviz_proto_free (gpointer message)
{
  if (message != NULL)
    arena_destroy (*(Arena **) ((guint8 *) message - ARENA_HEADER));
}
