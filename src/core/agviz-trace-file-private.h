/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-trace-file-private.h: the SQLite plumbing shared by the recorder and the store */
#pragma once

#include "agviz-trace-file.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

typedef enum
{
  _AGVIZ_OPEN_READ_ONLY,
  _AGVIZ_OPEN_READ_WRITE,    /* existing file only */
  _AGVIZ_OPEN_CREATE,        /* create the file when it does not exist yet */
} _AgvizOpenMode;

/* Checks the file, opens it, upgrades an older schema (never in _AGVIZ_OPEN_READ_ONLY mode:
 * then the caller gets NULL and must retry writable), applies the connection settings.
 * @older_schema is set when a read-only open found a schema that needs migrating. */
sqlite3  *_agviz_trace_file_open        (const char     *path,
                                         _AgvizOpenMode  mode,
                                         gboolean       *older_schema,
                                         GError        **error);

/* Turns a SQLite result code into a GError in AGVIZ_TRACE_FILE_ERROR naming @what and the file.
 * Always returns FALSE so callers can `return _agviz_sqlite_fail (...)`. */
gboolean  _agviz_sqlite_fail            (GError        **error,
                                         sqlite3        *db,
                                         int             rc,
                                         const char     *what);

/* Prepares @sql or fails with a GError; statements are the unit of all SQL in agviz. */
sqlite3_stmt *_agviz_sqlite_prepare     (sqlite3        *db,
                                         const char     *sql,
                                         GError        **error);

gboolean  _agviz_sqlite_exec            (sqlite3        *db,
                                         const char     *sql,
                                         GError        **error);

/* Brings the schema up to AGVIZ_SCHEMA_VERSION (creating it in an empty database) inside one
 * write transaction; a no-op when it is current already. */
gboolean  _agviz_schema_migrate         (sqlite3        *db,
                                         GError        **error);

/* Refuses files changed by hand to run SQL of their own: a view in the place of one of agviz's
 * tables (CORRUPT), and, when @for_writing, any trigger (IO: readers may still read the file,
 * since they never write and so never fire one). */
gboolean  _agviz_schema_check_planted   (sqlite3        *db,
                                         const char     *path,
                                         gboolean        for_writing,
                                         GError        **error);

G_END_DECLS
