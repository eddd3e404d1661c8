/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-trace-file.c: every kind of bad file gets its own error; foreign files are never changed */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "agviz-core.h"
#include "agviz-recorder-private.h"
#include "temp-trace-file.h"

static void
write_example_copy (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (g_getenv ("AGVIZ_EXAMPLE_TRACE"), &contents, &length,
                                      &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, contents, length, &error));
}

/* Opens with both the store and the recorder; both must fail the same way. */
static void
assert_open_fails (const char *path,
                   int         code,
                   const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = agviz_store_open (path, AGVIZ_STORE_FLAGS_NONE, &error);

  g_assert_null (store);
  g_assert_error (error, AGVIZ_TRACE_FILE_ERROR, code);
  g_assert_nonnull (strstr (error->message, message_part));
  g_assert_nonnull (strstr (error->message, path));
}

static char *
file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static void
test_missing (TempFile *fx, gconstpointer data)
{
  assert_open_fails (fx->path, AGVIZ_TRACE_FILE_ERROR_MISSING, "no such file");
}

static void
test_not_sqlite (TempFile *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (g_file_set_contents (fx->path, "model: {\n  layers: 3\n}\n", -1, NULL));
  assert_open_fails (fx->path, AGVIZ_TRACE_FILE_ERROR_NOT_SQLITE, "not a SQLite database");

  before = file_checksum (fx->path);
  recorder = agviz_recorder_open (fx->path, &error);
  g_assert_null (recorder);
  g_assert_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_NOT_SQLITE);
  after = file_checksum (fx->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_directory (TempFile *fx, gconstpointer data)
{
  assert_open_fails (fx->dir, AGVIZ_TRACE_FILE_ERROR_NOT_SQLITE, "is a directory");
}

static void
test_empty (TempFile *fx, gconstpointer data)
{
  g_assert_true (g_file_set_contents (fx->path, "", 0, NULL));
  assert_open_fails (fx->path, AGVIZ_TRACE_FILE_ERROR_NOT_AGVIZ, "empty");
}

static void
test_foreign_database (TempFile *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (fx->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE customers (name TEXT); "
                                     "INSERT INTO customers VALUES ('ada');", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);

  assert_open_fails (fx->path, AGVIZ_TRACE_FILE_ERROR_NOT_AGVIZ, "not an agviz trace file");

  /* The recorder must not turn somebody's database into a trace file. */
  before = file_checksum (fx->path);
  recorder = agviz_recorder_open (fx->path, &error);
  g_assert_null (recorder);
  g_assert_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_NOT_AGVIZ);
  after = file_checksum (fx->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_truncated (TempFile *fx, gconstpointer data)
{
  g_autofree char *contents = NULL;
  gsize length;

  write_example_copy (fx->path);
  g_assert_true (g_file_get_contents (fx->path, &contents, &length, NULL));

  g_assert_true (g_file_set_contents (fx->path, contents, length / 2, NULL));
  assert_open_fails (fx->path, AGVIZ_TRACE_FILE_ERROR_TRUNCATED, "truncated");

  g_assert_true (g_file_set_contents (fx->path, contents, 60, NULL));
  assert_open_fails (fx->path, AGVIZ_TRACE_FILE_ERROR_TRUNCATED, "byte 60");
}

static void
test_corrupt_schema_page (TempFile *fx, gconstpointer data)
{
  g_autofree char *contents = NULL;
  gsize length;

  write_example_copy (fx->path);
  g_assert_true (g_file_get_contents (fx->path, &contents, &length, NULL));
  /* Page 1 after the header holds the table definitions: scribble over them. */
  for (gsize i = 100; i < 4096 && i < length; i++)
    contents[i] = (char) (0x5a ^ (i * 31));
  g_assert_true (g_file_set_contents (fx->path, contents, length, NULL));
  assert_open_fails (fx->path, AGVIZ_TRACE_FILE_ERROR_CORRUPT, "");
}

static void
test_corrupt_data_page (TempFile *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  write_example_copy (fx->path);
  g_assert_true (g_file_get_contents (fx->path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 8 * 4096);
  /* Damage every page but the first: the file opens, reading it must fail cleanly. */
  for (gsize i = 4096; i < length; i++)
    contents[i] = (char) (i * 131);
  g_assert_true (g_file_set_contents (fx->path, contents, length, NULL));

  store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
  if (store != NULL)
    {
      g_autoptr(GPtrArray) functions = agviz_store_list_functions (store, &error);

      if (functions != NULL)
        g_assert_false (agviz_store_check_integrity (store, &error));
      else
        g_assert_null (functions);
    }
  g_assert_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_CORRUPT);
}

static void
set_user_version (const char *path,
                  int         version)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", version);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_too_new (TempFile *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = NULL;

  write_example_copy (fx->path);
  set_user_version (fx->path, AGVIZ_SCHEMA_VERSION + 1);
  assert_open_fails (fx->path, AGVIZ_TRACE_FILE_ERROR_TOO_NEW, "newer agviz");

  recorder = agviz_recorder_open (fx->path, &error);
  g_assert_null (recorder);
  g_assert_error (error, AGVIZ_TRACE_FILE_ERROR, AGVIZ_TRACE_FILE_ERROR_TOO_NEW);
}

/* A file stamped as agviz's but at an older schema is brought up to date on first open, by a
 * reader too; the oldest version, 0, has no tables yet. */
static void
test_older_is_migrated (TempFile *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) functions = NULL;
  g_autofree char *sql = g_strdup_printf ("PRAGMA application_id = %d", AGVIZ_APPLICATION_ID);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (fx->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  functions = agviz_store_list_functions (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (functions->len, ==, 0);

  g_assert_cmpint (sqlite3_open (fx->path, &db), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;
    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, AGVIZ_SCHEMA_VERSION);
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);
}

/* A trigger planted in a trace file by hand never runs when agviz reads the file: readers make
 * no writes, and the connection treats the file's schema as untrusted. */
static void
test_planted_trigger_does_not_run (TempFile *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GPtrArray) functions = NULL;
  g_autoptr(AgvizNode) node = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  write_example_copy (fx->path);
  g_assert_cmpint (sqlite3_open (fx->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "CREATE TABLE planted (note TEXT);"
                                 "CREATE TRIGGER sneaky AFTER UPDATE ON nodes BEGIN"
                                 "  INSERT INTO planted VALUES ('ran'); END;"
                                 "CREATE VIEW lure AS SELECT * FROM nodes;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  functions = agviz_store_list_functions (store, &error);
  g_assert_no_error (error);
  node = agviz_store_get_node (store, 1, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  g_assert_cmpint (sqlite3_open (fx->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM planted", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* A file deleted without its -wal and -shm: a new file of that name must not inherit them. */
static void
test_stale_wal_is_not_replayed (TempFile *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_strconcat (fx->path, "-wal", NULL);
  g_autofree char *saved_wal = NULL;
  gsize saved_length = 0;

  /* Keep a live WAL aside while a recorder has the file open, as a crash would leave it. */
  {
    g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (fx->path, &error);
    gint64 fn, trace;

    g_assert_no_error (error);
    fn = agviz_recorder_add_function (recorder, "old", 0, 0, &error);
    trace = agviz_recorder_begin_trace (recorder, fn, "g_old", NULL, NULL, &error);
    agviz_recorder_add_node (recorder, trace, "a/b", "Const", NULL, NULL, 0, &error);
    g_assert_true (agviz_recorder_end_trace (recorder, trace, AGVIZ_TRACE_STATUS_COMPLETE, 1, &error));
    g_assert_true (g_file_get_contents (wal, &saved_wal, &saved_length, &error));
    g_assert_cmpuint (saved_length, >, 0);
  }
  g_remove (fx->path);
  g_assert_true (g_file_set_contents (wal, saved_wal, saved_length, &error));

  {
    g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (fx->path, &error);
    g_autoptr(AgvizStore) store = NULL;
    g_autoptr(GPtrArray) functions = NULL;

    g_assert_no_error (error);
    g_assert_true (agviz_recorder_close (recorder, &error));
    store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
    g_assert_no_error (error);
    g_assert_true (agviz_store_check_integrity (store, &error));
    functions = agviz_store_list_functions (store, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (functions->len, ==, 0);
  }
}

/* Records a -> {s/x, s/y, s (an op named like the scope s), t/u/z}, x -> y, s -> x, x -> z,
 * and y -> z twice (a control edge too); returns the trace id. */
static gint64
record_scoped_trace (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = agviz_recorder_open (path, &error);
  gint64 fn, trace, a, x, y, s, z;

  g_assert_no_error (error);
  _agviz_recorder_set_scope_edges_min_nodes (recorder, 0);
  fn = agviz_recorder_add_function (recorder, "f", 0, 0, &error);
  trace = agviz_recorder_begin_trace (recorder, fn, "__inference_f_1", "", "test", &error);
  g_assert_no_error (error);
  a = agviz_recorder_add_node (recorder, trace, "a", "Const", NULL, NULL, 0, &error);
  x = agviz_recorder_add_node (recorder, trace, "s/x", "MatMul", NULL, NULL, 0, &error);
  y = agviz_recorder_add_node (recorder, trace, "s/y", "Relu", NULL, NULL, 0, &error);
  s = agviz_recorder_add_node (recorder, trace, "s", "Identity", NULL, NULL, 0, &error);
  z = agviz_recorder_add_node (recorder, trace, "t/u/z", "Assign", NULL, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_true (agviz_recorder_add_edge (recorder, trace, a, 0, x, 0, &error));
  g_assert_true (agviz_recorder_add_edge (recorder, trace, x, 0, y, 0, &error));
  g_assert_true (agviz_recorder_add_edge (recorder, trace, s, 0, x, 1, &error));
  g_assert_true (agviz_recorder_add_edge (recorder, trace, x, 0, z, 0, &error));
  g_assert_true (agviz_recorder_add_edge (recorder, trace, y, 0, z, 1, &error));
  g_assert_true (agviz_recorder_add_edge (recorder, trace, y, -1, z, 2, &error));
  g_assert_true (agviz_recorder_end_trace (recorder, trace, AGVIZ_TRACE_STATUS_COMPLETE, -1, &error));
  g_assert_true (agviz_recorder_close (recorder, &error));
  g_assert_no_error (error);
  return trace;
}

static gint64
scope_id_of (AgvizStore *store,
             gint64      trace,
             const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizScope) scope = agviz_store_find_scope (store, trace, name, &error);

  g_assert_no_error (error);
  return scope->id;
}

/* Edges between child items are merged per scope; the op named like scope s counts as inside
 * it, and edges between two nodes shown in one scope get no row. */
static void
test_scope_edges (TempFile *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 trace = record_scoped_trace (fx->path);
  g_autoptr(AgvizStore) store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_autoptr(GArray) root_rows = NULL, s_rows = NULL, t_rows = NULL;
  gint64 root, s, t;
  AgvizScopeEdgeRow *row;

  g_assert_no_error (error);
  g_assert_true (agviz_store_trace_has_scope_edges (store, trace, &error));
  root = scope_id_of (store, trace, "");
  s = scope_id_of (store, trace, "s");
  t = scope_id_of (store, trace, "t");

  root_rows = agviz_store_list_scope_edges (store, root, &error);
  g_assert_no_error (error);
  /* s -> t (x -> z, and y -> z twice, once as a control edge; x -> z feeds the Assign's input
   * 0), then a -> s (a -> x): scopes are negative, so they sort first. */
  g_assert_cmpuint (root_rows->len, ==, 2);
  row = &g_array_index (root_rows, AgvizScopeEdgeRow, 1);
  g_assert_cmpint (row->src, >, 0);
  g_assert_cmpint (row->dst, ==, -s);
  g_assert_cmpint (row->count, ==, 1);
  row = &g_array_index (root_rows, AgvizScopeEdgeRow, 0);
  g_assert_cmpint (row->src, ==, -s);
  g_assert_cmpint (row->dst, ==, -t);
  g_assert_cmpint (row->count, ==, 3);
  g_assert_cmpint (row->control_count, ==, 1);
  g_assert_cmpint (row->reference_count, ==, 1);
  g_assert_cmpint (row->tensor_elements, ==, -1);

  /* Inside s: x, y and the op s are all nodes shown there, so no rows. */
  s_rows = agviz_store_list_scope_edges (store, s, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s_rows->len, ==, 0);
  t_rows = agviz_store_list_scope_edges (store, t, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (t_rows->len, ==, 0);
}

/* A version 2 file gains the scope_edges table on open; its traces say they have no rows (the
 * viewer reads them whole), and a trace recorded afterwards has them. */
static void
test_v2_is_upgraded (TempFile *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 old_trace = record_scoped_trace (fx->path), new_trace;
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(GArray) rows = NULL;
  sqlite3 *db = NULL;

  /* Turn the file back into what agviz with schema 2 wrote. */
  g_assert_cmpint (sqlite3_open (fx->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TABLE scope_edges;"
                                 " ALTER TABLE traces DROP COLUMN scope_edges;"
                                 " ALTER TABLE traces DROP COLUMN object;"
                                 " DROP TABLE objects; ALTER TABLE functions DROP COLUMN object_id;"
                                 " ALTER TABLE traces DROP COLUMN call_signature;"
                                 " PRAGMA user_version = 2;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_false (agviz_store_trace_has_scope_edges (store, old_trace, &error));
  g_assert_no_error (error);
  rows = agviz_store_list_scope_edges (store, scope_id_of (store, old_trace, ""), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 0);
  g_clear_object (&store);

  new_trace = record_scoped_trace (fx->path);
  store = agviz_store_open (fx->path, AGVIZ_STORE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_false (agviz_store_trace_has_scope_edges (store, old_trace, &error));
  g_assert_true (agviz_store_trace_has_scope_edges (store, new_trace, &error));
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, TempFile, NULL, temp_file_setup, func, temp_file_teardown)
  ADD ("/agviz/trace-file/missing", test_missing);
  ADD ("/agviz/trace-file/not-sqlite", test_not_sqlite);
  ADD ("/agviz/trace-file/directory", test_directory);
  ADD ("/agviz/trace-file/empty", test_empty);
  ADD ("/agviz/trace-file/foreign-database", test_foreign_database);
  ADD ("/agviz/trace-file/truncated", test_truncated);
  ADD ("/agviz/trace-file/corrupt-schema-page", test_corrupt_schema_page);
  ADD ("/agviz/trace-file/corrupt-data-page", test_corrupt_data_page);
  ADD ("/agviz/trace-file/too-new", test_too_new);
  ADD ("/agviz/trace-file/older-is-migrated", test_older_is_migrated);
  ADD ("/agviz/trace-file/planted-trigger", test_planted_trigger_does_not_run);
  ADD ("/agviz/trace-file/stale-wal-not-replayed", test_stale_wal_is_not_replayed);
  ADD ("/agviz/trace-file/scope-edges", test_scope_edges);
  ADD ("/agviz/trace-file/v2-is-upgraded", test_v2_is_upgraded);
#undef ADD

  return g_test_run ();
}
