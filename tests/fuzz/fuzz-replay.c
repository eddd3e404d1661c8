/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-replay.c: runs a fuzz target's entry point over saved inputs, without libFuzzer
 *
 *   replay-TARGET FILE_OR_DIR...
 *
 * Linked with each target in ordinary builds (gcc, ASan, valgrind), so the inputs that once
 * crashed a target (tests/fuzz/regressions/TARGET) and its hand-written seeds run in every test
 * run, not only when someone fuzzes.  A missing directory is skipped: not every target has
 * regressions.  Directories are walked recursively.
 */
#include "config.h"

#include <stdio.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

static guint
replay_file (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("%s", error->message);
  g_print ("%s (%" G_GSIZE_FORMAT " bytes)\n", path, length);
  LLVMFuzzerTestOneInput ((const guint8 *) contents, length);
  return 1;
}

/* Replays @path, a file or a directory walked recursively in name order (the same order every
 * run). */
static guint
replay_path (const char *path)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint replayed = 0;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    return g_file_test (path, G_FILE_TEST_IS_REGULAR) ? replay_file (path) : 0;

  names = g_ptr_array_new_with_free_func (g_free);
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_paths);
  for (guint n = 0; n < names->len; n++)
    replayed += replay_path (g_ptr_array_index (names, n));
  return replayed;
}

int
main (int    argc,
      char **argv)
{
  guint replayed = 0;

  for (int i = 1; i < argc; i++)
    replayed += replay_path (argv[i]);
  g_print ("%u inputs replayed\n", replayed);
  return 0;
}
