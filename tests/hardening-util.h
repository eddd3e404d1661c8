/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hardening-util.h: what the hardening tests share: running the agviz binary with a time limit,
 * fingerprints of a trace file's content, and how many iterations this build can afford
 *
 * Header-only (static functions), like temp-trace-file.h.
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct
{
  int     status;       /* exit status, or -signal when killed by a signal */
  char   *out;
  char   *err;
  double  seconds;
} AgvizRun;

static inline void
agviz_run_clear (AgvizRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AgvizRun, agviz_run_clear)

/* Whether this build has AddressSanitizer (the agviz binary then runs several times slower). */
static inline gboolean
running_under_asan (void)
{
#if defined(__SANITIZE_ADDRESS__)
  return TRUE;
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
  return TRUE;
# else
  return FALSE;
# endif
#else
  return FALSE;
#endif
}

/* "Bounded memory", enforced: no agviz command may need more than this much address space.
 * (Not under ASan, whose shadow memory reserves terabytes of it.) */
#define AGVIZ_RUN_ADDRESS_SPACE ((rlim_t) 4 << 30)

static inline void
agviz_run_limit_memory (gpointer user_data)
{
  struct rlimit limit = { AGVIZ_RUN_ADDRESS_SPACE, AGVIZ_RUN_ADDRESS_SPACE };

  setrlimit (RLIMIT_AS, &limit);
}

/* Runs $AGVIZ with @argv (NULL-terminated, without the program), capturing both outputs. */
static inline void
agviz_run_argv (AgvizRun           *run,
                const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  int wait_status;

  g_ptr_array_add (argv, (gpointer) g_getenv ("AGVIZ"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  agviz_run_clear (run);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT,
                running_under_asan () ? NULL : agviz_run_limit_memory, NULL, &run->out,
                &run->err, &wait_status, &error);
  g_assert_no_error (error);
  run->seconds = (g_get_monotonic_time () - start) / 1e6;
  run->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -WTERMSIG (wait_status);
  if (run->status != 0 && run->err != NULL && *run->err != '\0')
    g_test_message ("agviz %s: exit %d: %.500s", args[0], run->status, run->err);
}

/* agviz_run (&run, "info", path, NULL) */
static inline void
agviz_run (AgvizRun   *run,
           const char *first,
           ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  agviz_run_argv (run, (const char * const *) args->pdata);
}

static inline gboolean
agviz_have_binary (void)
{
  if (g_getenv ("AGVIZ") != NULL)
    return TRUE;
  g_test_skip ("AGVIZ not set (run through meson test)");
  return FALSE;
}

static inline gboolean
running_under_valgrind (void)
{
  return g_getenv ("AGVIZ_UNDER_VALGRIND") != NULL;
}

/* @normal iterations, or what AGVIZ_CRASH_ITERATIONS says; at most @asan under ASan and
 * @valgrind under valgrind, where each child costs many times more. */
static inline int
hardening_iterations (int normal,
                      int asan,
                      int valgrind)
{
  const char *text = g_getenv ("AGVIZ_CRASH_ITERATIONS");
  int iterations = text != NULL ? atoi (text) : normal;

  if (running_under_valgrind ())
    return MIN (iterations, valgrind);
  if (running_under_asan ())
    return MIN (iterations, asan);
  return iterations;
}

/* A SHA-256 over every row of every table, in rowid order, read with SQLite directly (read
 * only), so "the file is unchanged" means its content, whatever pages SQLite rearranged.  The
 * layout cache is left out: it is a cache a viewer may fill. */
static inline char *
trace_file_content_hash (const char *path)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  rc = sqlite3_prepare_v2 (db, "SELECT name, sql FROM sqlite_schema WHERE type = 'table' "
                           "AND name NOT LIKE 'sqlite_%' ORDER BY name", -1, &stmt, NULL);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      const char *sql = (const char *) sqlite3_column_text (stmt, 1);

      g_checksum_update (checksum, (const guchar *) sql, -1);
      if (!g_str_equal (name, "layout_cache"))
        g_ptr_array_add (tables, g_strdup (name));
    }
  sqlite3_finalize (stmt);

  for (guint t = 0; t < tables->len; t++)
    {
      g_autofree char *query = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY rowid",
                                                (const char *) g_ptr_array_index (tables, t));

      rc = sqlite3_prepare_v2 (db, query, -1, &stmt, NULL);
      if (rc != SQLITE_OK)   /* WITHOUT ROWID tables: their key orders them */
        {
          g_free (query);
          query = g_strdup_printf ("SELECT * FROM \"%s\"", (const char *) g_ptr_array_index (tables, t));
          rc = sqlite3_prepare_v2 (db, query, -1, &stmt, NULL);
        }
      g_assert_cmpint (rc, ==, SQLITE_OK);
      g_checksum_update (checksum, (const guchar *) query, -1);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        for (int c = 0; c < sqlite3_column_count (stmt); c++)
          {
            int type = sqlite3_column_type (stmt, c);
            const guchar *bytes = sqlite3_column_blob (stmt, c);
            int length = sqlite3_column_bytes (stmt, c);

            g_checksum_update (checksum, (const guchar *) &type, sizeof type);
            g_checksum_update (checksum, (const guchar *) &length, sizeof length);
            if (length > 0)
              g_checksum_update (checksum, bytes, length);
          }
      g_assert_cmpint (rc, ==, SQLITE_DONE);
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);
  return g_strdup (g_checksum_get_string (checksum));
}

static inline void
copy_file_or_die (const char *from,
                  const char *to)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_file_get_contents (from, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (to, contents, length, &error);
  g_assert_no_error (error);
}

/* Removes everything directly inside @dir, then @dir. */
static inline void
remove_dir_shallow (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *file = g_build_filename (dir, name, NULL);
      g_remove (file);
    }
  g_rmdir (dir);
}
