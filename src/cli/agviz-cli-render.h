/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-cli-render.h: what `agviz render` lends other commands: reading any source the way it
 * does, and writing a drawing without leaving half of one behind */
#pragma once

#include "agviz-drawing.h"

G_BEGIN_DECLS

/* A trace file imported from a source that was not one, removed when cleared. */
typedef struct
{
  char *dir;
  char *path;
} AgvizCliTemporaryFile;

void      agviz_cli_temporary_file_clear (AgvizCliTemporaryFile  *temporary);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AgvizCliTemporaryFile, agviz_cli_temporary_file_clear)

/* The trace file to read for @source: itself when it is one, else @source imported into
 * @temporary (saying so on stderr unless @quiet). */
char     *agviz_cli_prepare_source       (const char             *source,
                                          gboolean                quiet,
                                          AgvizCliTemporaryFile  *temporary,
                                          GError                **error);
/* Writes @layout to @path ("-": stdout) through a temporary file renamed on success. */
gboolean  agviz_cli_write_drawing        (AgvizLayout               *layout,
                                          AgvizDrawingFormat         format,
                                          const char                *path,
                                          const AgvizDrawingOptions *options,
                                          GError                   **error);

G_END_DECLS
