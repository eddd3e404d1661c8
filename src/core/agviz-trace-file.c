/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-trace-file.c: checks a trace file before SQLite touches it, then opens and configures it
 *
 * SQLite's own errors for a damaged file ("file is not a database", "database disk image is
 * malformed") come late and say little.  Reading the 100-byte header ourselves lets agviz name
 * the exact problem, and refusing foreign files before opening them writable means agviz never
 * adds its tables to somebody else's database.
 */
#define G_LOG_DOMAIN "agviz-trace-file"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agviz-trace-file-private.h"

G_DEFINE_QUARK (agviz-trace-file-error-quark, agviz_trace_file_error)

#define SQLITE_HEADER_SIZE 100
static const char sqlite_magic[16] = "SQLite format 3";   /* includes the trailing NUL */

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

gboolean
agviz_trace_file_is_sqlite (const char *path)
{
  char header[sizeof sqlite_magic];
  FILE *file;
  gboolean matches;

  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || (file = g_fopen (path, "rb")) == NULL)
    return FALSE;
  matches = fread (header, 1, sizeof header, file) == sizeof header &&
            memcmp (header, sqlite_magic, sizeof sqlite_magic) == 0;
  fclose (file);
  return matches;
}

void
agviz_trace_file_remove (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  g_return_if_fail (path != NULL);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_remove (file);
    }
}

gboolean
agviz_trace_file_replace (const char  *new_path,
                          const char  *path,
                          GError     **error)
{
  const char *companions[] = { "-wal", "-shm", "-journal" };

  g_return_val_if_fail (new_path != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
    {
      g_autofree char *file = g_strconcat (path, companions[i], NULL);
      g_remove (file);
    }
  if (g_rename (new_path, path) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_IO,
                   "%s: cannot replace: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  /* The new file was closed, so its own companions hold nothing. */
  for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
    {
      g_autofree char *file = g_strconcat (new_path, companions[i], NULL);
      g_remove (file);
    }
  return TRUE;
}

static int
error_code_for_sqlite (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
      return AGVIZ_TRACE_FILE_ERROR_CORRUPT;
    case SQLITE_NOTADB:
      return AGVIZ_TRACE_FILE_ERROR_NOT_SQLITE;
    default:
      return AGVIZ_TRACE_FILE_ERROR_IO;
    }
}

/* "disk I/O error" alone does not tell a full disk from a broken one.  SQLite keeps the errno of
 * the failing call only until the next system call (a rollback makes several), so when it is
 * gone the kind of write that failed says it. */
static const char *
describe_write_failure (sqlite3 *db,
                        int      rc)
{
  switch (sqlite3_system_errno (db))
    {
    case ENOSPC:
    case EFBIG:
    case EDQUOT:
    case EROFS:
    case EACCES:
    case EPERM:
    case EIO:
      return g_strerror (sqlite3_system_errno (db));
    default:
      break;
    }
  switch (rc)
    {
    case SQLITE_FULL:
    case SQLITE_IOERR_WRITE:
    case SQLITE_IOERR_SHMSIZE:
    case SQLITE_IOERR_TRUNCATE:
    case SQLITE_IOERR_FSYNC:
      return "writing failed: is the disk full?";
    default:
      return NULL;
    }
}

gboolean
_agviz_sqlite_fail (GError     **error,
                    sqlite3     *db,
                    int          rc,
                    const char  *what)
{
  const char *filename = db != NULL ? sqlite3_db_filename (db, "main") : NULL;
  const char *message = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  int code = error_code_for_sqlite (rc);
  const char *kind = code == AGVIZ_TRACE_FILE_ERROR_CORRUPT    ? "the file is damaged: "
                     : code == AGVIZ_TRACE_FILE_ERROR_NOT_SQLITE ? "not a valid SQLite database: "
                     : "";

  const char *cause = db != NULL ? describe_write_failure (db, rc) : NULL;

  g_set_error (error, AGVIZ_TRACE_FILE_ERROR, code, "%s%s%s%s (%s%s%s)",
               filename != NULL && *filename ? filename : "",
               filename != NULL && *filename ? ": " : "", kind, what, message,
               cause != NULL ? ": " : "", cause != NULL ? cause : "");
  return FALSE;
}

sqlite3_stmt *
_agviz_sqlite_prepare (sqlite3     *db,
                       const char  *sql,
                       GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _agviz_sqlite_fail (error, db, rc, "cannot prepare a query (is this a damaged trace file?)");
      return NULL;
    }
  return stmt;
}

gboolean
_agviz_sqlite_exec (sqlite3     *db,
                    const char  *sql,
                    GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return _agviz_sqlite_fail (error, db, rc, "cannot access the trace file");
  return TRUE;
}

static gboolean
query_int (sqlite3     *db,
           const char  *sql,
           int         *value,
           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return _agviz_sqlite_fail (error, db, rc, "cannot read the file header");
  *value = sqlite3_column_int (stmt, 0);
  return TRUE;
}

/* Returns TRUE when the file may be handed to SQLite; *is_empty says it has no bytes yet. */
static gboolean
check_file_header (const char      *path,
                   _AgvizOpenMode   mode,
                   gboolean        *is_empty,
                   GError         **error)
{
  guint8 header[SQLITE_HEADER_SIZE];
  GStatBuf st;
  FILE *file;
  size_t n_read;
  guint32 page_size, page_count;

  *is_empty = FALSE;

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT && mode == _AGVIZ_OPEN_CREATE)
        {
          *is_empty = TRUE;
          return TRUE;
        }
      g_set_error (error, AGVIZ_TRACE_FILE_ERROR,
                   saved_errno == ENOENT ? AGVIZ_TRACE_FILE_ERROR_MISSING
                                         : AGVIZ_TRACE_FILE_ERROR_IO,
                   "%s: %s", path,
                   saved_errno == ENOENT ? "no such file" : g_strerror (saved_errno));
      return FALSE;
    }

  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_NOT_SQLITE,
                   "%s: is a directory, not an agviz trace file "
                   "(to read a SavedModel or a dump directory, import it first)", path);
      return FALSE;
    }

  if (st.st_size == 0)
    {
      if (mode == _AGVIZ_OPEN_CREATE)
        {
          *is_empty = TRUE;
          return TRUE;
        }
      g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_NOT_AGVIZ,
                   "%s: the file is empty, not an agviz trace file", path);
      return FALSE;
    }

  file = g_fopen (path, "rb");
  if (file == NULL)
    {
      int saved_errno = errno;
      g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_IO,
                   "%s: cannot read: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  n_read = fread (header, 1, sizeof header, file);
  fclose (file);

  if (memcmp (header, sqlite_magic, MIN (n_read, sizeof sqlite_magic)) != 0)
    {
      g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_NOT_SQLITE,
                   "%s: not an agviz trace file: it is not a SQLite database "
                   "(the first bytes do not read \"SQLite format 3\")", path);
      return FALSE;
    }

  if (n_read < sizeof header)
    {
      g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_TRUNCATED,
                   "%s: truncated: the file ends at byte %zu, inside its 100-byte header",
                   path, n_read);
      return FALSE;
    }

  /* Page size 1 encodes 65536.  The in-header page count is only trusted when the "version valid
   * for" number matches the change counter (SQLite's own rule for files from old writers). */
  page_size = ((guint32) header[16] << 8) | header[17];
  if (page_size == 1)
    page_size = 65536;
  page_count = read_be32 (header + 28);

  /* A checkpoint writes page 1 (with the new count) before the pages that grow the file, so in
   * WAL mode (header bytes 18-19 = 2) with a WAL beside it a short file is not truncated: the WAL
   * still holds those pages and SQLite's recovery finishes the job. */
  if (header[18] == 2 && header[19] == 2)
    {
      g_autofree char *wal_path = g_strconcat (path, "-wal", NULL);
      GStatBuf wal_st;

      if (g_stat (wal_path, &wal_st) == 0 && wal_st.st_size > 0)
        return TRUE;
    }

  if (page_size >= 512 && (page_size & (page_size - 1)) == 0 &&
      read_be32 (header + 24) == read_be32 (header + 92) &&
      (guint64) st.st_size < (guint64) page_size * page_count)
    {
      g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_TRUNCATED,
                   "%s: truncated: the header promises %" G_GUINT64_FORMAT " bytes "
                   "(%u pages of %u) but the file ends at byte %" G_GUINT64_FORMAT,
                   path, (guint64) page_size * page_count, page_count, page_size,
                   (guint64) st.st_size);
      return FALSE;
    }

  return TRUE;
}

static gboolean
has_any_table (sqlite3   *db,
               gboolean  *has_tables,
               GError   **error)
{
  int count = 0;

  if (!query_int (db, "SELECT count(*) FROM sqlite_schema", &count, error))
    return FALSE;
  *has_tables = count > 0;
  return TRUE;
}

/* Checks application_id and user_version through SQLite: the raw header can be stale while a
 * recorder's writes still sit in the WAL. */
static gboolean
check_identity (sqlite3        *db,
                const char     *path,
                _AgvizOpenMode  mode,
                gboolean        is_empty,
                int            *version,
                GError        **error)
{
  int application_id = 0;
  gboolean has_tables = FALSE;

  if (!query_int (db, "PRAGMA application_id", &application_id, error) ||
      !query_int (db, "PRAGMA user_version", version, error))
    return FALSE;

  if ((guint32) application_id == AGVIZ_APPLICATION_ID)
    {
      if (*version > AGVIZ_SCHEMA_VERSION)
        {
          g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_TOO_NEW,
                       "%s: written by a newer agviz (schema version %d; this agviz reads "
                       "versions up to %d): please upgrade agviz", path, *version,
                       AGVIZ_SCHEMA_VERSION);
          return FALSE;
        }
      return TRUE;
    }

  /* A brand-new file becomes a trace file; an existing database of another program never does. */
  if (mode == _AGVIZ_OPEN_CREATE)
    {
      if (is_empty)
        {
          *version = 0;
          return TRUE;
        }
      if (!has_any_table (db, &has_tables, error))
        return FALSE;
      if (!has_tables)
        {
          *version = 0;
          return TRUE;
        }
    }

  g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_NOT_AGVIZ,
               "%s: a SQLite database, but not an agviz trace file "
               "(application id 0x%08x, expected 0x%08x)", path, (guint32) application_id,
               (guint32) AGVIZ_APPLICATION_ID);
  return FALSE;
}

static gboolean
configure_connection (sqlite3         *db,
                      _AgvizOpenMode   mode,
                      GError         **error)
{
  if (mode == _AGVIZ_OPEN_READ_ONLY)
    return _agviz_sqlite_exec (db, "PRAGMA query_only = ON; PRAGMA cache_size = -16384;", error);

  /* WAL lets readers (GUI, CLI) open the file while a recorder writes.  synchronous=NORMAL in
   * WAL mode never corrupts the file and loses no committed transaction when the *process* dies;
   * only a power cut may drop the last commits.  That is the trade the recorder wants. */
  return _agviz_sqlite_exec (db,
                             "PRAGMA journal_mode = WAL;"
                             "PRAGMA synchronous = NORMAL;"
                             "PRAGMA cache_size = -65536;"
                             "PRAGMA temp_store = MEMORY;"
                             "PRAGMA wal_autocheckpoint = 8192;",
                             error);
}

/* Makes a new trace file with its whole schema in a sibling file and renames it into place, so a
 * process killed while creating the file leaves either no file or a complete empty one, never a
 * half-made database with a hot journal that a read-only viewer could not recover. */
static gboolean
create_in_place_atomically (const char  *path,
                            GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *template = g_strdup_printf (".%s.agviz-new-XXXXXX", base);
  g_autofree char *temp_path = g_build_filename (dir, template, NULL);
  sqlite3 *db = NULL;
  int fd, rc;

  fd = g_mkstemp (temp_path);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_IO,
                   "%s: cannot create a file in %s: %s", path, dir, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);

  rc = sqlite3_open_v2 (temp_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      _agviz_sqlite_fail (error, db, rc, "cannot create the trace file");
      goto fail;
    }
  /* 16 KiB pages: a quarter of the page writes (and WAL frames) per committed row. */
  if (!_agviz_sqlite_exec (db, "PRAGMA page_size = 16384", error) ||
      !_agviz_schema_migrate (db, error) ||
      !_agviz_sqlite_exec (db, "PRAGMA journal_mode = WAL", error))
    goto fail;
  sqlite3_close (db);
  db = NULL;

  /* A -wal or -shm left by an earlier file of the same name (deleted without them) would be
   * replayed into the new file and damage it: they belong to no file now, so they go. */
  {
    g_autofree char *stale_wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *stale_shm = g_strconcat (path, "-shm", NULL);

    g_remove (stale_wal);
    g_remove (stale_shm);
  }

  if (g_rename (temp_path, path) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_IO,
                   "%s: cannot create: %s", path, g_strerror (saved_errno));
      goto fail;
    }
  return TRUE;

fail:
  sqlite3_close (db);
  g_remove (temp_path);
  return FALSE;
}

static gpointer
configure_sqlite_once (gpointer data)
{
  /* Memory statistics take a global mutex on every allocation; agviz never reads them.  This
   * only works before SQLite initialises, which is why it runs before the first open. */
  sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
  return NULL;
}

/* Opens the connection with agviz's safety settings; @immutable opens through a URI that tells
 * SQLite the file cannot change (for read-only folders, see _agviz_trace_file_open()). */
static sqlite3 *
open_connection (const char  *path,
                 int          flags,
                 gboolean     immutable,
                 GError     **error)
{
  g_autofree char *uri = NULL;
  sqlite3 *db = NULL;
  int rc;

  if (immutable)
    {
      /* Escaped, so '?', '#' and '%' in the path stay part of the name. */
      g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);

      uri = g_strconcat ("file:", escaped, "?immutable=1", NULL);
      flags |= SQLITE_OPEN_URI;
    }
  rc = sqlite3_open_v2 (uri != NULL ? uri : path, &db,
                        flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, AGVIZ_TRACE_FILE_ERROR, error_code_for_sqlite (rc),
                   "%s: cannot open: %s", path, db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }

  /* Before the first query: a trace file can come from anybody, so never let its schema run
   * functions from views or triggers, and refuse writes that could damage the file structure;
   * and a recorder may hold the lock for a moment (checkpoint, migration). */
  sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static gboolean
has_wal_content (const char *path)
{
  g_autofree char *wal_path = g_strconcat (path, "-wal", NULL);
  GStatBuf st;

  return g_stat (wal_path, &st) == 0 && st.st_size > 0;
}

/* SQLite says "attempt to write a readonly database" even when only reading was asked for (WAL
 * needs its -shm): say what is read-only instead. */
static void
explain_read_only (const char      *path,
                   _AgvizOpenMode   mode,
                   const GError    *sqlite_error,   /* or NULL */
                   GError         **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (mode == _AGVIZ_OPEN_READ_ONLY)
    g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_IO,
                 "%s: cannot read: its folder %s is read-only and a -wal file beside it holds "
                 "recent writes that need it writable once", path, dir);
  else if (g_access (path, W_OK) != 0)
    g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_IO,
                 "%s: cannot write: the file is read-only", path);
  else if (g_access (dir, W_OK) != 0)
    g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_IO,
                 "%s: cannot write: its folder %s is read-only (a trace file needs its "
                 "-wal and -shm files beside it)", path, dir);
  else
    g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_IO,
                 "%s: cannot write: %s", path,
                 sqlite_error != NULL ? sqlite_error->message : "read-only");
}

sqlite3 *
_agviz_trace_file_open (const char      *path,
                        _AgvizOpenMode   mode,
                        gboolean        *older_schema,
                        GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  sqlite3 *db = NULL;
  gboolean is_empty = FALSE;
  int version = 0;
  int flags;

  static GOnce sqlite_configured = G_ONCE_INIT;

  g_return_val_if_fail (path != NULL, NULL);

  g_once (&sqlite_configured, configure_sqlite_once, NULL);

  if (older_schema != NULL)
    *older_schema = FALSE;

  if (!check_file_header (path, mode, &is_empty, error))
    return NULL;

  switch (mode)
    {
    case _AGVIZ_OPEN_READ_ONLY:
      flags = SQLITE_OPEN_READONLY;
      break;
    case _AGVIZ_OPEN_READ_WRITE:
      flags = SQLITE_OPEN_READWRITE;
      break;
    case _AGVIZ_OPEN_CREATE:
    default:
      flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
    }

  if (mode == _AGVIZ_OPEN_CREATE && is_empty && !create_in_place_atomically (path, error))
    return NULL;

  db = open_connection (path, flags, FALSE, error);
  if (db == NULL)
    return NULL;

  /* SQLite quietly opens a file it may not write read-only; a writer would then fail at its
   * first write with "attempt to write a readonly database".  Say it now, and what is read-only. */
  if (mode != _AGVIZ_OPEN_READ_ONLY && sqlite3_db_readonly (db, "main") == 1)
    {
      explain_read_only (path, mode, NULL, error);
      goto fail;
    }

  if (!check_identity (db, path, mode, is_empty, &version, &local_error))
    {
      int code = sqlite3_extended_errcode (db) & 0xff;

      if (code != SQLITE_READONLY && code != SQLITE_CANTOPEN)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto fail;
        }
      /* A WAL-mode file in a folder this process cannot write: SQLite cannot create the -shm
       * index that WAL readers share, so even reading fails.  Without a WAL beside the file
       * nobody is writing it (a writer needs the folder too) and everything is in the file
       * itself, so a reader opens it as immutable: no locks, no -shm. */
      if (mode == _AGVIZ_OPEN_READ_ONLY && !has_wal_content (path))
        {
          sqlite3_close (db);
          g_clear_error (&local_error);
          db = open_connection (path, flags, TRUE, error);
          if (db == NULL)
            return NULL;
          if (!check_identity (db, path, mode, is_empty, &version, error))
            goto fail;
        }
      else
        {
          explain_read_only (path, mode, local_error, error);
          goto fail;
        }
    }

  if (version < AGVIZ_SCHEMA_VERSION)
    {
      if (mode == _AGVIZ_OPEN_READ_ONLY)
        {
          if (older_schema != NULL)
            *older_schema = TRUE;
          g_set_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_IO,
                       "%s: written by an older agviz (schema version %d) and needs upgrading "
                       "to version %d, which needs write access", path, version,
                       AGVIZ_SCHEMA_VERSION);
          goto fail;
        }
      /* The schema is created (or upgraded) before WAL is switched on, so a new file's header
       * already names it an agviz file when the first reader looks. */
      if (!_agviz_schema_migrate (db, error))
        goto fail;
    }

  if (!configure_connection (db, mode, error))
    goto fail;

  if (!_agviz_schema_check_planted (db, path, mode != _AGVIZ_OPEN_READ_ONLY, error))
    goto fail;

  return db;

fail:
  sqlite3_close (db);
  return NULL;
}
