/* SPDX-License-Identifier: GPL-3.0-or-later */
/* temp-trace-file.h: a fixture for tests that need a trace file path in a fresh folder
 *
 * Header-only (static functions), so each test program includes it without a library.
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

#include "agviz-trace-file.h"

typedef struct
{
  char *dir;
  char *path;    /* dir/graph.db, not created */
} TempFile;

static inline void
temp_file_setup (TempFile      *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->dir = g_dir_make_tmp ("agviz-test-XXXXXX", &error);
  g_assert_no_error (error);
  fx->path = g_build_filename (fx->dir, "graph.db", NULL);
}

/* Removes the trace file with its SQLite companions, then the folder. */
static inline void
temp_file_teardown (TempFile      *fx,
                    gconstpointer  data)
{
  agviz_trace_file_remove (fx->path);
  g_rmdir (fx->dir);
  g_free (fx->path);
  g_free (fx->dir);
}
