/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-source-roots.h: the source folders a user located for each opened file, kept across runs
 *
 * A trace file (or a SavedModel, event file ... the app imports) made on another machine names
 * source files by that machine's paths.  When the user locates the folder that holds them here,
 * the app keeps the mapping (recorded folder -> folder on this machine) for that opened file, and
 * applies it when the file is opened again.  The mappings live in a key file in the user's data
 * folder (g_get_user_data_dir()/agviz/source-roots.ini), keyed by the opened file's canonical
 * path, and never in the trace file itself.
 *
 * Threads: every call reads the key file afresh and blocks on it; any thread may call.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char *recorded_folder;   /* a folder as the recording machine named it */
  char *local_folder;      /* where its files are on this machine */
} AgvizSourceRoot;

void          agviz_source_root_free           (AgvizSourceRoot *root);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizSourceRoot, agviz_source_root_free)

/* The key file the mappings are kept in (transfer full). */
char         *agviz_source_roots_get_key_file  (void);

/* The mappings kept for @opened, in the order they were located (element-type AgvizSourceRoot,
 * transfer full; empty when none, or when @opened is not a local file).  A key file that cannot
 * be read is an error naming it. */
GPtrArray    *agviz_source_roots_load          (GFile           *opened,
                                                GError         **error);

/* Keeps @recorded_folder -> @local_folder for @opened, replacing an earlier mapping of the same
 * recorded folder.  Refuses (and leaves the key file as it was) when @opened is not a local file,
 * a name is not UTF-8 (a key file holds only UTF-8), or the key file exists but cannot be read. */
gboolean      agviz_source_roots_remember      (GFile           *opened,
                                                const char      *recorded_folder,
                                                const char      *local_folder,
                                                GError         **error);

G_END_DECLS
