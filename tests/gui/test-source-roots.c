/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-source-roots.c: the source folders the app keeps per opened file, in the user's data
 * folder (no display needed) */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "agviz-source-roots.h"

typedef struct
{
  char *dir;
  char *trace;     /* an opened file: only its path matters */
  char *other;
} Fixture;

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->dir = g_dir_make_tmp ("agviz-roots-XXXXXX", &error);
  g_assert_no_error (error);
  fx->trace = g_build_filename (fx->dir, "trace.db", NULL);
  fx->other = g_build_filename (fx->dir, "other.db", NULL);
  g_assert_true (g_file_set_contents (fx->trace, "", 0, &error));
  g_assert_true (g_file_set_contents (fx->other, "", 0, &error));
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_autofree char *key_file = agviz_source_roots_get_key_file ();
  g_autofree char *link = g_build_filename (fx->dir, "link.db", NULL);

  g_remove (key_file);
  g_remove (link);
  g_remove (fx->trace);
  g_remove (fx->other);
  g_rmdir (fx->dir);
  g_free (fx->trace);
  g_free (fx->other);
  g_free (fx->dir);
}

static GPtrArray *
load (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  GPtrArray *roots = agviz_source_roots_load (file, &error);

  g_assert_no_error (error);
  g_assert_nonnull (roots);
  return roots;
}

static void
remember (const char *path,
          const char *recorded_folder,
          const char *local_folder)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (agviz_source_roots_remember (file, recorded_folder, local_folder, &error));
  g_assert_no_error (error);
}

static void
assert_root (GPtrArray  *roots,
             guint       index,
             const char *recorded_folder,
             const char *local_folder)
{
  AgvizSourceRoot *root;

  g_assert_cmpuint (index, <, roots->len);
  root = g_ptr_array_index (roots, index);
  g_assert_cmpstr (root->recorded_folder, ==, recorded_folder);
  g_assert_cmpstr (root->local_folder, ==, local_folder);
}

/* Kept per file, in order; a recorded folder located again replaces its mapping; names with the
 * key file's own separators and "=" come back as they went in. */
static void
test_round_trip (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) none = load (fx->trace);
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) other = NULL;

  g_assert_cmpuint (none->len, ==, 0);
  remember (fx->trace, "/home/alice/proj", "/work/proj");
  remember (fx->trace, "/opt/a;b=c [x]", "/srv/d;e\nf");
  remember (fx->other, "/build", "/src");
  first = load (fx->trace);
  g_assert_cmpuint (first->len, ==, 2);
  assert_root (first, 0, "/home/alice/proj", "/work/proj");
  assert_root (first, 1, "/opt/a;b=c [x]", "/srv/d;e\nf");

  remember (fx->trace, "/home/alice/proj", "/elsewhere/proj");
  second = load (fx->trace);
  g_assert_cmpuint (second->len, ==, 2);
  assert_root (second, 0, "/opt/a;b=c [x]", "/srv/d;e\nf");
  assert_root (second, 1, "/home/alice/proj", "/elsewhere/proj");

  other = load (fx->other);
  g_assert_cmpuint (other->len, ==, 1);
  assert_root (other, 0, "/build", "/src");
}

/* The same file reached through a link keeps the same mappings. */
static void
test_canonical_path (Fixture       *fx,
                     gconstpointer  data)
{
  g_autofree char *link = g_build_filename (fx->dir, "link.db", NULL);
  g_autofree char *dotted = g_build_filename (fx->dir, ".", "trace.db", NULL);
  g_autoptr(GPtrArray) through_link = NULL;
  g_autoptr(GPtrArray) through_dot = NULL;

  g_assert_cmpint (symlink (fx->trace, link), ==, 0);
  remember (link, "/home/alice", "/home/bob");
  through_link = load (fx->trace);
  g_assert_cmpuint (through_link->len, ==, 1);
  assert_root (through_link, 0, "/home/alice", "/home/bob");
  through_dot = load (dotted);
  g_assert_cmpuint (through_dot->len, ==, 1);
}

/* A key file that cannot be read is an error naming it, and is never written over. */
static void
test_broken_key_file (Fixture       *fx,
                      gconstpointer  data)
{
  static const char broken[] = "[unclosed group\nnot a key file\n";
  g_autofree char *key_file = agviz_source_roots_get_key_file ();
  g_autofree char *folder = g_path_get_dirname (key_file);
  g_autofree char *after = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (fx->trace);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (key_file, broken, -1, &error));

  g_assert_null (agviz_source_roots_load (file, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, key_file));
  g_clear_error (&error);

  g_assert_false (agviz_source_roots_remember (file, "/a", "/b", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (key_file, &after, NULL, &error));
  g_assert_cmpstr (after, ==, broken);
}

/* A name that is not UTF-8 is refused: kept, it would make the whole key file unreadable. */
static void
test_not_utf8 (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GFile) file = g_file_new_for_path (fx->trace);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) roots = NULL;

  remember (fx->trace, "/kept", "/here");
  g_assert_false (agviz_source_roots_remember (file, "/home/\xff\xfe", "/here", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME);
  roots = load (fx->trace);
  g_assert_cmpuint (roots->len, ==, 1);
  assert_root (roots, 0, "/kept", "/here");
}

int
main (int    argc,
      char **argv)
{
  /* The user's data folder is a scratch one: the key file written here is never the user's. */
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/agviz/source-roots/round-trip", test_round_trip);
  ADD ("/agviz/source-roots/canonical-path", test_canonical_path);
  ADD ("/agviz/source-roots/broken-key-file", test_broken_key_file);
  ADD ("/agviz/source-roots/not-utf8", test_not_utf8);
#undef ADD
  return g_test_run ();
}
