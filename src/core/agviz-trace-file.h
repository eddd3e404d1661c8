/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-trace-file.h: opening an agviz trace file (a SQLite database) safely
 *
 * The recorder and the store both go through here, so every front end reports a missing, foreign,
 * truncated, corrupted or too-new file the same way.
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "agviz-version-macros.h"

G_BEGIN_DECLS

#define AGVIZ_TRACE_FILE_ERROR (agviz_trace_file_error_quark ())

/* Why a trace file could not be opened or read.  Each has its own CLI exit code (see
 * agviz-exit-code.h), because scripts want to tell "no such file" from "file damaged". */
typedef enum
{
  AGVIZ_TRACE_FILE_ERROR_MISSING,       /* no file at that path */
  AGVIZ_TRACE_FILE_ERROR_NOT_SQLITE,    /* exists, but is not a SQLite database at all */
  AGVIZ_TRACE_FILE_ERROR_NOT_AGVIZ,     /* a SQLite database written by something else */
  AGVIZ_TRACE_FILE_ERROR_TRUNCATED,     /* shorter than its own header says */
  AGVIZ_TRACE_FILE_ERROR_CORRUPT,       /* SQLite reports damage inside the file */
  AGVIZ_TRACE_FILE_ERROR_TOO_NEW,       /* written by a newer agviz with a newer schema */
  AGVIZ_TRACE_FILE_ERROR_IO,            /* permission, disk full, locked, other I/O trouble */
} AgvizTraceFileError;

/* The schema version this build writes and reads (PRAGMA user_version). */
#define AGVIZ_SCHEMA_VERSION 5

/* PRAGMA application_id of every agviz trace file: "AGVZ". */
#define AGVIZ_APPLICATION_ID 0x4147565A

AGVIZ_AVAILABLE_IN_ALL
GQuark   agviz_trace_file_error_quark (void);

/* Whether @path is a regular file starting with SQLite's header: a trace file or a damaged or
 * foreign database (opening tells which), as opposed to a source to import. */
AGVIZ_AVAILABLE_IN_ALL
gboolean agviz_trace_file_is_sqlite   (const char *path);

/* Removes a trace file with its SQLite companions (-wal, -shm, -journal); missing ones are fine. */
AGVIZ_AVAILABLE_IN_ALL
void     agviz_trace_file_remove      (const char *path);
/* Puts the closed trace file @new_path in the place of @path in one rename(), so a process killed
 * meanwhile leaves @path either as it was or as the new file, never missing.  @path's SQLite
 * companions go first: a -wal of the old file would otherwise be replayed into the new one. */
AGVIZ_AVAILABLE_IN_ALL
gboolean agviz_trace_file_replace     (const char  *new_path,
                                       const char  *path,
                                       GError     **error);

G_END_DECLS
