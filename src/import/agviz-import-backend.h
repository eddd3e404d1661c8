/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-import-backend.h: what a framework's importers give AgvizImporter
 *
 * Each framework (TensorFlow in tf/) is one AgvizImportBackend in the table of
 * agviz-import-backends.c.  AgvizImporter asks the backends in that order what a source is, and
 * the one that recognised it imports it, inside the batch AgvizImporter owns: adding a
 * framework is a folder, its formats in AgvizSourceFormat and one entry in that table.
 */
#pragma once

#include <protobuf-c/protobuf-c.h>

#include "agviz-importer-private.h"

G_BEGIN_DECLS

typedef struct
{
  AgvizSourceFormat  format;
  const char        *name;          /* what agviz_source_format_to_string() says */
} AgvizImportFormatName;

typedef struct
{
  const char                  *framework;
  /* The formats it imports, ending with { AGVIZ_SOURCE_FORMAT_UNKNOWN, NULL }. */
  const AgvizImportFormatName *formats;
  /* What errors say was looked for when no backend recognised a directory
   * ("nothing to import in this directory (looked for ...)") or a file ("unknown format
   * (tried: ...)"); NULL for a backend that imports no directories. */
  const char                  *looks_for_in_directories;
  const char                  *tries_on_files;

  /* The format of directory @path, or AGVIZ_SOURCE_FORMAT_UNKNOWN; NULL: imports none. */
  AgvizSourceFormat (*recognise_directory) (const char *path);
  /* The format of file @path from its first @length bytes @head (a MiB at most, the whole
   * file when it is smaller; NUL-terminated), or AGVIZ_SOURCE_FORMAT_UNKNOWN. */
  AgvizSourceFormat (*recognise_file)      (const char *path,
                                            const char *head,
                                            gsize       length);
  /* Imports @path, which it recognised as @format, into @ctx: errors in AGVIZ_IMPORT_ERROR. */
  gboolean          (*import)              (AgvizImportContext *ctx,
                                            const char         *path,
                                            AgvizSourceFormat   format,
                                            GError            **error);
} AgvizImportBackend;

/* Every framework's backend, in the order they are asked; NULL-terminated. */
extern const AgvizImportBackend *const _agviz_import_backends[];

/* A protobuf message a framework writes into files of its own, for
 * _agviz_import_recognise_message(). */
typedef struct
{
  AgvizSourceFormat                 format;
  const ProtobufCMessageDescriptor *descriptor;
  /* A file name (g_pattern_match_simple()) that breaks the ties binary content cannot (an
   * empty message fits every type), or NULL. */
  const char                       *name_pattern;
} AgvizImportMessageFormat;

/* Which of @formats the message in file @path (its first @length bytes @head, text format or
 * binary) fits best, or AGVIZ_SOURCE_FORMAT_UNKNOWN when none does. */
AgvizSourceFormat _agviz_import_recognise_message (const AgvizImportMessageFormat *formats,
                                                   guint                           n_formats,
                                                   const char                     *path,
                                                   const char                     *head,
                                                   gsize                           length);

G_END_DECLS
