/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-crafted-files.c: trace files changed by hand with SQLite (wrong types, dangling ids,
 * cycles, huge and garbled blobs, impossible counts, a newer schema, planted triggers and views,
 * unusual page sizes and journal modes) go through every agviz command: rejected with a clear
 * error or read as far as they make sense, never a crash, never planted SQL run, never the file
 * changed
 *
 * Each case starts from a copy of the example trace whose NOT NULL constraints were dropped (so
 * NULLs can be planted too) and applies its SQL.  Files must come back with the same content
 * (a hash of every row of every table but the layout cache, which a viewer may fill) and a
 * canary table that every planted trigger writes to stays empty.
 */
#include "config.h"

#include "agviz-core.h"
#include "hardening-util.h"

typedef enum
{
  EXPECT_READABLE,      /* info and check succeed */
  EXPECT_ANYTHING,      /* any clean exit: read what makes sense or refuse, but no crash */
  EXPECT_REJECTED,      /* every command refuses the file with exit code `code` */
} Expectation;

typedef struct
{
  const char  *name;
  const char  *sql;
  Expectation  expect;
  int          code;    /* EXPECT_REJECTED: the exit code (see agviz --help) */
} CraftedCase;

/* Size of the garbage blobs: 50 MB, less under valgrind. */
static guint
huge_size (void)
{
  return running_under_valgrind () ? 1024 * 1024 : 50 * 1024 * 1024;
}

static const CraftedCase cases[] = {
  { "wrong-types",
    "UPDATE nodes SET scope_id = 'abc' WHERE id = 3;"
    "UPDATE nodes SET op_type_id = 2.5, stack_id = 'x', attr_set_id = X'00FF' WHERE id = 4;"
    "UPDATE traces SET started_ns = 'yesterday', wall_ns = X'DEADBEEF', status = 42 WHERE id = 2;"
    "UPDATE scopes SET trace_id = 'one', node_count = 'many' WHERE id = 4;"
    "UPDATE executions SET seq = 1.5, trace_id = 'x', duration_ns = 'long';"
    "UPDATE functions SET line = 'top', file_id = 3.25;"
    "UPDATE frames SET line = X'FF', function = 12345;"
    "UPDATE metadata SET value = X'00FF00';",
    EXPECT_ANYTHING, 0 },
  { "blob-names",
    "UPDATE nodes SET name = X'FF003C26FE' WHERE id = 4;"
    "UPDATE scopes SET name = X'2F2F00' WHERE id = 2;"
    "UPDATE functions SET name = X'C3' WHERE id = 1;"
    "UPDATE op_types SET name = X'00' WHERE id = 1;"
    "UPDATE traces SET graph_name = X'FFFE', signature = X'00', reason = X'0A0D';"
    "UPDATE source_files SET path = X'2F00FF';",
    EXPECT_ANYTHING, 0 },
  { "nulls",
    "UPDATE nodes SET name = NULL, op_type_id = NULL, scope_id = NULL WHERE id = 5;"
    "UPDATE traces SET graph_name = NULL, signature = NULL, status = NULL, root_scope_id = NULL "
    "  WHERE id = 1;"
    "UPDATE op_types SET name = NULL WHERE id = 2;"
    "UPDATE devices SET name = NULL;"
    "UPDATE functions SET name = NULL WHERE id = 2;"
    "UPDATE scopes SET name = NULL, parent_id = NULL WHERE id = 4;"
    "UPDATE frames SET function = NULL;"
    "UPDATE calls SET callee_graph_name = NULL, role = NULL;"
    "UPDATE metadata SET value = NULL;",
    EXPECT_ANYTHING, 0 },
  { "dangling-ids",
    "UPDATE nodes SET scope_id = 999999 WHERE id = 3;"
    "UPDATE nodes SET stack_id = 123456 WHERE id = 8;"
    "UPDATE nodes SET op_type_id = 77777, device_id = 88888, attr_set_id = 99999 WHERE id = 9;"
    "UPDATE scopes SET trace_id = 424242 WHERE id = 5;"
    "UPDATE traces SET function_id = 777 WHERE id = 2;"
    "UPDATE traces SET root_scope_id = 88888 WHERE id = 4;"
    "UPDATE stacks SET frame_id = 99999 WHERE id = 1;"
    "UPDATE stacks SET parent_id = 5555 WHERE id = 2;"
    "UPDATE frames SET file_id = 5555;"
    "UPDATE calls SET node_id = 999999 WHERE node_id = 8;"
    "UPDATE executions SET trace_id = 31337, stack_id = 4444;"
    "UPDATE tensor_summaries SET node_id = 65535, execution_id = 65535;"
    "UPDATE events SET trace_id = 999, node_id = 999, function_id = 999;"
    "UPDATE errors SET trace_id = 999, node_id = 999;"
    /* A node whose edge list names sources far below any id. */
    "INSERT INTO nodes (id, scope_id, name, op_type_id, inputs, consumers) "
    "  SELECT 100000000, scope_id, 'far', op_type_id, inputs, inputs FROM nodes "
    "  WHERE inputs IS NOT NULL LIMIT 1;",
    EXPECT_ANYTHING, 0 },
  { "cycles",
    /* Scopes that are each other's parent, a scope its own parent, a stack looping back. */
    "UPDATE scopes SET parent_id = 5 WHERE id = 4;"
    "UPDATE scopes SET parent_id = 8 WHERE id = 8;"
    "UPDATE stacks SET parent_id = id;"
    /* Every trace calls itself and the first trace. */
    "INSERT INTO calls (node_id, role, callee_graph_name) "
    "  SELECT n.id, 'f', t.graph_name FROM nodes n JOIN scopes s ON n.scope_id = s.id "
    "  JOIN traces t ON s.trace_id = t.id WHERE n.id % 3 = 0;"
    "INSERT INTO calls (node_id, role, callee_graph_name) "
    "  SELECT id, 'body', (SELECT graph_name FROM traces ORDER BY id LIMIT 1) FROM nodes "
    "  WHERE id % 3 = 1;",
    EXPECT_ANYTHING, 0 },
  { "garbled-edge-lists",
    "UPDATE nodes SET inputs = randomblob(64), consumers = randomblob(65) WHERE id % 2 = 0;"
    "UPDATE nodes SET inputs = substr(inputs, 1, length(inputs) - 1) WHERE id % 2 = 1 "
    "  AND inputs IS NOT NULL;"
    "UPDATE nodes SET consumers = X'FFFFFFFFFFFFFFFFFFFFFFFFFF01' WHERE id = 3;"
    "UPDATE nodes SET inputs = X'80808080808080808080808080808080' WHERE id = 5;"
    "UPDATE nodes SET inputs = zeroblob(100000) WHERE id = 7;"
    "UPDATE scope_edges SET count = -1, tensor_elements = 9223372036854775807;",
    EXPECT_ANYTHING, 0 },
  { "huge-blobs",
    "UPDATE attr_sets SET value = randomblob(%u) WHERE id = 1;"
    "UPDATE attr_sets SET value = X'' WHERE id = 2;"
    "UPDATE source_files SET text = zeroblob(%u), sha256 = 'not a hash';"
    "UPDATE nodes SET inputs = randomblob(%u) WHERE id = 4;",
    EXPECT_ANYTHING, 0 },
  { "impossible-counts",
    "UPDATE traces SET node_count = -5, edge_count = 9223372036854775807, wall_ns = -1, "
    "  started_ns = -9223372036854775808, ordinal = -3;"
    "UPDATE scopes SET node_count = 1000000000000, descendant_count = -1;"
    "UPDATE executions SET duration_ns = -100, start_ns = 9223372036854775807, seq = -1;"
    "UPDATE tensor_summaries SET element_count = -1, nan_count = 9223372036854775807, "
    "  neg_inf_count = -7, min = 'x', max = X'00', mean = NULL;"
    "UPDATE frames SET line = -2147483648, column = 2147483647;",
    EXPECT_READABLE, 0 },
  { "newer-schema",
    "PRAGMA user_version = 99;",
    EXPECT_REJECTED, 8 },
  { "planted-view",
    /* A view in the place of op_types would run its SQL in every query that names op types. */
    "ALTER TABLE op_types RENAME TO op_types_real;"
    "CREATE VIEW op_types AS SELECT id, name || hex(randomblob(4)) AS name FROM op_types_real;",
    EXPECT_REJECTED, 7 },
  { "planted-triggers",
    /* Harmless to readers (they never write); writers refuse the file. */
    "CREATE TRIGGER on_cache AFTER INSERT ON layout_cache BEGIN INSERT INTO canary VALUES ('cache'); END;"
    "CREATE TRIGGER on_node AFTER INSERT ON nodes BEGIN INSERT INTO canary VALUES ('node'); END;"
    "CREATE TRIGGER on_trace BEFORE UPDATE ON traces BEGIN INSERT INTO canary VALUES ('trace'); END;"
    "CREATE TRIGGER on_meta AFTER INSERT ON metadata BEGIN INSERT INTO canary VALUES ('meta'); END;"
    "CREATE TRIGGER on_delete AFTER DELETE ON layout_cache BEGIN INSERT INTO canary VALUES ('del'); END;"
    "CREATE VIEW lure AS SELECT hex(randomblob(8)), * FROM nodes;",
    EXPECT_READABLE, 0 },
  { "small-pages-rollback-journal",
    "PRAGMA journal_mode = DELETE; PRAGMA page_size = 512; VACUUM;",
    EXPECT_READABLE, 0 },
  { "big-pages",
    "PRAGMA journal_mode = DELETE; PRAGMA page_size = 65536; VACUUM; PRAGMA journal_mode = WAL;",
    EXPECT_READABLE, 0 },
  { "missing-table",
    "DROP TABLE scope_edges; DROP TABLE events;",
    EXPECT_ANYTHING, 0 },
};

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("crafting failed: %s: %s", message, sql);
}

/* A copy of the example trace without NOT NULL constraints, with a canary table, then @sql. */
static void
craft (const char *path,
       const char *sql)
{
  sqlite3 *db = NULL;

  copy_file_or_die (g_getenv ("AGVIZ_EXAMPLE_TRACE"), path);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL);
  exec_or_die (db, "PRAGMA writable_schema = ON;"
                   "UPDATE sqlite_schema SET sql = replace(sql, 'NOT NULL', '') WHERE type = 'table';"
                   "PRAGMA writable_schema = OFF;");
  sqlite3_close (db);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  exec_or_die (db, "PRAGMA ignore_check_constraints = ON; CREATE TABLE canary (what TEXT);");
  {
    /* Rows that would collide with a UNIQUE key keep their values; the others change. */
    g_autoptr(GRegex) update = g_regex_new ("(^|;)\\s*UPDATE ", 0, 0, NULL);
    g_autofree char *lenient = g_regex_replace (update, sql, -1, 0, "\\1UPDATE OR IGNORE ", 0, NULL);

    exec_or_die (db, lenient);
  }
  sqlite3_close (db);
}

static int
canary_count (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int count;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM canary", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return count;
}

static void
assert_clean_exit (const AgvizRun *run,
                   const char     *what)
{
  g_test_message ("%s: exit %d in %.2f s%s%.300s", what, run->status, run->seconds,
                  run->status != 0 ? ": " : "", run->status != 0 ? run->err : "");
  if (run->status < 0)
    g_error ("%s died of signal %d: %s", what, -run->status, run->err);
  g_assert_null (strstr (run->err, "Sanitizer"));
  g_assert_null (strstr (run->err, "runtime error:"));
  g_assert_null (strstr (run->err, "CRITICAL"));
  g_assert_null (strstr (run->err, "WARNING **"));
  /* Exit codes are agviz's own (0-11), never an abort's or a sanitizer's. */
  g_assert_cmpint (run->status, <=, 11);
}

static void
test_crafted (gconstpointer data)
{
  const CraftedCase *crafted = data;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *svg = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *after = NULL;
  g_autofree char *error_text = NULL;
  g_auto(AgvizRun) run = { 0 };

  if (!agviz_have_binary () || g_getenv ("AGVIZ_EXAMPLE_TRACE") == NULL)
    {
      g_test_skip ("AGVIZ and AGVIZ_EXAMPLE_TRACE are needed");
      return;
    }
  dir = g_dir_make_tmp ("agviz-crafted-XXXXXX", NULL);
  path = g_build_filename (dir, "crafted.db", NULL);
  svg = g_build_filename (dir, "out.svg", NULL);
  sql = g_strdup_printf (crafted->sql, huge_size (), huge_size (), huge_size () / 10);
  craft (path, sql);
  hash = trace_file_content_hash (path);
  error_text = g_test_build_filename (G_TEST_DIST, "diagnose", "texts", "runtime-detected.txt", NULL);

  {
    const char *commands[][10] = {
      { "info", path, NULL },
      { "info", "--json", path, NULL },
      { "info", "--check", path, NULL },
      { "check", path, NULL },
      { "check", "--json", path, NULL },
      { "where", path, "demo_module/dense/MatMul", NULL },
      { "where", "--json", "--all-frames", path, "train_step:StatefulPartitionedCall", NULL },
      { "explain", path, error_text, NULL },
      { "explain", "--json", path, error_text, NULL },
      { path, "--svg", "-", "-q", "--all", "--no-cache", NULL },
      { path, "--svg", svg, "-q", NULL },                        /* fills the layout cache */
      { "render", path, "--svg", svg, "-q", "--all", "--function", "Demo.__call__", NULL },
      { path, "--dot", "-", "-q", "--all", NULL },
    };

    for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
      {
        g_autofree char *what = g_strjoinv (" ", (char **) commands[c]);

        agviz_run_argv (&run, commands[c]);
        assert_clean_exit (&run, what);
        if (crafted->expect == EXPECT_REJECTED)
          {
            g_assert_cmpint (run.status, ==, crafted->code);
            g_assert_nonnull (strstr (run.err, path));
          }
        else if (crafted->expect == EXPECT_READABLE && c < 5)
          g_assert_cmpint (run.status, ==, 0);
        else if (run.status != 0)
          g_assert_cmpuint (strlen (run.err), >, 0);   /* a refusal always says why */
      }
  }

  /* Nothing planted ran, and readers changed nothing. */
  g_assert_cmpint (canary_count (path), ==, 0);
  after = trace_file_content_hash (path);
  g_assert_cmpstr (after, ==, hash);

  /* Writing into it: the planted triggers case must refuse; others may refuse or append. */
  if (crafted->expect == EXPECT_READABLE || crafted->expect == EXPECT_REJECTED)
    {
      g_autofree char *source = g_build_filename (dir, "one.pbtxt", NULL);

      g_file_set_contents (source, "node { name: \"a\" op: \"Const\" }\n", -1, NULL);
      agviz_run (&run, "import", "-q", source, "-o", path, NULL);
      assert_clean_exit (&run, "import");
      if (crafted->expect == EXPECT_REJECTED || strstr (crafted->sql, "TRIGGER") != NULL)
        {
          g_assert_cmpint (run.status, !=, 0);
          g_assert_nonnull (strstr (run.err, path));
        }
      else
        g_assert_cmpint (run.status, ==, 0);
      g_remove (source);
    }

  g_assert_cmpint (canary_count (path), ==, 0);

  agviz_trace_file_remove (path);
  remove_dir_shallow (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/agviz/hardening/crafted/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_crafted);
    }

  return g_test_run ();
}
