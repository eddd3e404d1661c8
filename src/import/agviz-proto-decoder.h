/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-proto-decoder.h: unpacking untrusted protobuf messages through protobuf-c
 *
 * protobuf-c recurses once per nesting level and allocates what the input asks for, so every
 * message is first walked on the wire (tags, lengths, nesting depth checked against its
 * descriptor) and then unpacked with an allocator that refuses to grow past a limit tied to
 * the input's size.  Hostile input gives an AGVIZ_IMPORT_ERROR, never a crash.
 */
#pragma once

#include <glib.h>
#include <protobuf-c/protobuf-c.h>

G_BEGIN_DECLS

/* Deeper messages are refused (protobuf's own default limit). */
#define AGVIZ_PROTO_MAX_DEPTH 100

/* Checks @data against @descriptor without unpacking: tags, wire types, lengths, depth.
 * @what names the message in errors ("GraphDef in model.pb"). */
gboolean          agviz_proto_check       (const ProtobufCMessageDescriptor  *descriptor,
                                           const guint8                      *data,
                                           gsize                              length,
                                           const char                        *what,
                                           GError                           **error);

/* How well @data (the start of a message, or all of it) fits @descriptor, to tell which message
 * a file holds: fields whose number and wire type match count for it, wrong wire types and
 * strings that are not UTF-8 heavily against it, unknown fields a little; only the first
 * 20,000 fields and three levels of nesting are looked at.  G_MININT / 2 when @data is not
 * protobuf wire format at all. */
int               agviz_proto_fit         (const ProtobufCMessageDescriptor  *descriptor,
                                           const guint8                      *data,
                                           gsize                              length);

/* Checks and unpacks; free the result with agviz_proto_free(). */
ProtobufCMessage *agviz_proto_decode      (const ProtobufCMessageDescriptor  *descriptor,
                                           const guint8                      *data,
                                           gsize                              length,
                                           const char                        *what,
                                           GError                           **error);

void              agviz_proto_free        (gpointer                           message);

/* A reusable arena for unpacking many small messages one after the other (the NodeDefs of a
 * large GraphDef): memory stays that of the largest one, and stays warm in the caches. */
typedef struct _AgvizProtoArena AgvizProtoArena;

AgvizProtoArena  *agviz_proto_arena_new    (void);
void              agviz_proto_arena_free   (AgvizProtoArena                   *self);

/* Checks and unpacks like agviz_proto_decode(), into @self after emptying it: the message lives
 * until the next call or agviz_proto_arena_free(); do not agviz_proto_free() it.  @depth is how
 * deep the message sits in the one it was cut from (for the nesting limit).  @what may be NULL
 * when @error is: callers in a loop name the message only after a failure, calling again. */
ProtobufCMessage *agviz_proto_arena_decode (AgvizProtoArena                   *self,
                                            const ProtobufCMessageDescriptor  *descriptor,
                                            const guint8                      *data,
                                            gsize                              length,
                                            guint                              depth,
                                            const char                        *what,
                                            GError                           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizProtoArena, agviz_proto_arena_free)

/* Reads one wire-format varint at *@p (at most 10 bytes, never past @end) and advances *@p;
 * FALSE when it is cut short or too long. */
gboolean          agviz_proto_read_varint_slow (const guint8                **p,
                                                const guint8                 *end,
                                                guint64                      *value);

/* Most varints on the wire (tags, lengths, small values) are one byte: that case is inline. */
static inline gboolean
agviz_proto_read_varint (const guint8 **p,
                         const guint8  *end,
                         guint64       *value)
{
  if (G_LIKELY (*p < end && (**p & 0x80) == 0))
    {
      *value = *(*p)++;
      return TRUE;
    }
  return agviz_proto_read_varint_slow (p, end, value);
}

/* Typed wrappers: AGVIZ_PROTO_DECODE (AgvizTf__GraphDef, agviz_tf__graph_def__descriptor, ...) */
#define AGVIZ_PROTO_DECODE(Type, descriptor, data, length, what, error) \
  ((Type *) agviz_proto_decode (&(descriptor), (data), (length), (what), (error)))

G_END_DECLS
