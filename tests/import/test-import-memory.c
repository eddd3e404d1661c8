/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-import-memory.c: the heap tuned for big imports (agviz-import-memory.c)
 *
 * What is checked is what the kernel and glibc report: in /proc/self/smaps, after
 * _agviz_import_memory_begin() a big block is carved out of the heap, in a mapping marked for
 * huge pages ("hg" in VmFlags), and after the last end big blocks get mappings of their own
 * again; in malloc_info(), threads get arenas of their own again after the end.  An importer
 * tunes the heap only when asked to (the command line asks, the app does not).  valgrind and
 * AddressSanitizer bring allocators of their own, so these skip there.
 */
#include "config.h"

#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "agviz-import-memory-private.h"
#include "agviz-importer.h"
#include "agviz-text-format.h"
#include "agviz-tf-summary.pb-c.h"
#include "agviz-tfrecord-reader.h"
#include "temp-trace-file.h"

#define MiB (((gsize) 1) << 20)

typedef struct
{
  gboolean found;
  gboolean heap;          /* the [heap] mapping */
  gboolean huge_pages;    /* VmFlags has hg */
} Mapping;

/* The mapping of /proc/self/smaps that holds @address. */
static Mapping
mapping_of (gconstpointer address)
{
  g_autofree char *smaps = NULL;
  g_auto(GStrv) lines = NULL;
  Mapping mapping = { 0 };
  gboolean inside = FALSE;

  g_assert_true (g_file_get_contents ("/proc/self/smaps", &smaps, NULL, NULL));
  lines = g_strsplit (smaps, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint64 start, end;
      char *dash;

      dash = strchr (lines[i], '-');
      if (dash != NULL && g_ascii_isxdigit (lines[i][0]) && strchr (lines[i], ':') != NULL &&
          g_ascii_isxdigit (dash[1]))
        {
          start = g_ascii_strtoull (lines[i], NULL, 16);
          end = g_ascii_strtoull (dash + 1, NULL, 16);
          inside = (guintptr) address >= start && (guintptr) address < end;
          if (inside)
            {
              mapping.found = TRUE;
              mapping.heap = g_str_has_suffix (lines[i], "[heap]");
            }
          continue;
        }
      if (inside && g_str_has_prefix (lines[i], "VmFlags:"))
        mapping.huge_pages = strstr (lines[i], " hg") != NULL;
    }
  return mapping;
}

static gboolean
has_glibc_malloc (void)
{
  if (AGVIZ_IMPORT_UNDER_ASAN || g_getenv ("AGVIZ_UNDER_VALGRIND") != NULL)
    {
      g_test_skip ("valgrind and AddressSanitizer replace malloc");
      return FALSE;
    }
  return TRUE;
}

static gboolean
can_check (void)
{
  g_autofree char *thp = NULL;

  if (!has_glibc_malloc ())
    return FALSE;
  if (!g_file_get_contents ("/sys/kernel/mm/transparent_hugepage/enabled", &thp, NULL, NULL) ||
      strstr (thp, "[never]") != NULL)
    {
      g_test_skip ("this kernel has no transparent huge pages");
      return FALSE;
    }
  return TRUE;
}

/* Sources of 8 MiB (the smallest readied) get a region of 64 MiB: blocks of 16 MiB (a
 * recorder's node array in a 100,000-node import) fit in it, blocks of 128 MiB fit in no free
 * chunk the heap can have. */
#define SOURCE_BYTES (8 * MiB)
#define BLOCK_IN_REGION (16 * MiB)
#define BLOCK_PAST_HEAP (128 * MiB)

static Mapping
mapping_of_new_block (gsize size)
{
  guint8 *block = malloc (size);
  Mapping mapping;

  g_assert_nonnull (block);
  /* Touched, as the import touches its blocks. */
  memset (block + size / 2, 1, 4096);
  mapping = mapping_of (block + size / 2);
  free (block);
  g_assert_true (mapping.found);
  return mapping;
}

static void
test_small_source (void)
{
  /* Nothing to release afterwards: the heap was not touched. */
  g_assert_false (_agviz_import_memory_begin (1 * MiB));
  g_assert_false (_agviz_import_memory_begin (0));
}

static void
test_huge_page_region (void)
{
  Mapping mapping;

  if (!can_check ())
    return;

  g_assert_true (_agviz_import_memory_begin (SOURCE_BYTES));
  mapping = mapping_of_new_block (BLOCK_IN_REGION);
  g_assert_true (mapping.heap);
  g_assert_true (mapping.huge_pages);
  _agviz_import_memory_end ();

  /* Back to glibc's defaults: a big block is a mapping of its own, given back when freed. */
  mapping = mapping_of_new_block (BLOCK_PAST_HEAP);
  g_assert_false (mapping.heap);
}

static void
test_nested_imports (void)
{
  if (!can_check ())
    return;

  /* Two imports at once (the app's windows): the first to end leaves the other's heap be. */
  g_assert_true (_agviz_import_memory_begin (SOURCE_BYTES));
  g_assert_true (_agviz_import_memory_begin (SOURCE_BYTES * 2));
  _agviz_import_memory_end ();
  g_assert_true (mapping_of_new_block (BLOCK_IN_REGION).heap);
  _agviz_import_memory_end ();
  g_assert_false (mapping_of_new_block (BLOCK_PAST_HEAP).heap);
}

/* ---- the arena limit ---------------------------------------------------------------------- */

#define N_THREADS 4

static pthread_barrier_t all_allocated;

static gpointer
allocate_alongside (gpointer data)
{
  /* volatile: a compiler may drop a malloc whose block is only freed. */
  void *volatile block = malloc (1000);

  pthread_barrier_wait (&all_allocated);
  free (block);
  return NULL;
}

/* The arenas malloc has after N_THREADS threads allocated at the same time. */
static guint
arenas_after_threads_allocate (void)
{
  GThread *threads[N_THREADS];
  g_autofree char *info = NULL;
  gsize length;
  guint arenas = 0;
  FILE *out;

  pthread_barrier_init (&all_allocated, NULL, N_THREADS + 1);
  for (guint i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("allocate", allocate_alongside, NULL);
  pthread_barrier_wait (&all_allocated);
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);
  pthread_barrier_destroy (&all_allocated);

  out = open_memstream (&info, &length);
  g_assert_nonnull (out);
  g_assert_cmpint (malloc_info (0, out), ==, 0);
  fclose (out);
  for (const char *p = info; (p = strstr (p, "<heap nr=")) != NULL; p++)
    arenas++;
  return arenas;
}

static void
test_arena_limit_restored (void)
{
  if (!has_glibc_malloc ())
    return;

  /* A fresh process: glibc fixes its arena limit the first time a thread needs an arena. */
  if (g_test_subprocess ())
    {
      g_assert_true (_agviz_import_memory_begin (SOURCE_BYTES));
      _agviz_import_memory_end ();
      /* Still one arena would mean the import's limit of one outlived it. */
      g_assert_cmpuint (arenas_after_threads_allocate (), >, 1);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_arena_limit_during_import (void)
{
  if (!has_glibc_malloc ())
    return;

  if (g_test_subprocess ())
    {
      g_assert_true (_agviz_import_memory_begin (SOURCE_BYTES));
      g_assert_cmpuint (arenas_after_threads_allocate (), ==, 1);
      _agviz_import_memory_end ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* ---- importers tune only when asked ---------------------------------------------------------- */

/* A log directory holding a one-node graph and, beside it, @filler_bytes of something else
 * (what a run's checkpoints would be): a big source by its bytes, a quick one to import. */
static char *
make_log_dir (gsize filler_bytes)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("agviz-memory-XXXXXX", &error);
  g_autofree char *events = NULL;
  g_autofree char *filler = NULL;
  g_autoptr(GByteArray) graph = NULL;
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  AgvizTf__Event event = AGVIZ_TF__EVENT__INIT;
  g_autofree guint8 *packed = NULL;
  const char *graph_text = "node { name: 'x' op: 'Const' }";
  int fd;

  g_assert_no_error (error);
  graph = agviz_text_format_parse (&agviz_tf__graph_def__descriptor,
                                   graph_text, strlen (graph_text), NULL, &error);
  g_assert_no_error (error);
  event.wall_time = 1700000000.0;
  event.what_case = AGVIZ_TF__EVENT__WHAT_GRAPH_DEF;
  event.graph_def.data = graph->data;
  event.graph_def.len = graph->len;
  packed = g_malloc (agviz_tf__event__get_packed_size (&event));
  agviz_tfrecord_append (stream, packed, agviz_tf__event__pack (&event, packed));
  events = g_build_filename (dir, "events.out.tfevents.1700000000.host", NULL);
  g_assert_true (g_file_set_contents (events, (const char *) stream->data, stream->len, &error));
  g_assert_no_error (error);

  /* Sparse: the bytes count, the disk holds none of them. */
  filler = g_build_filename (dir, "checkpoint.data", NULL);
  fd = g_open (filler, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) filler_bytes), ==, 0);
  close (fd);
  return g_steal_pointer (&dir);
}

static void
remove_log_dir (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);
      g_assert_cmpint (g_remove (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Where blocks of BLOCK_PAST_DYNAMIC_THRESHOLD come from while the import reads its source:
 * glibc's own mmap threshold never grows past 32 MiB, so the heap serves them only when it
 * was tuned. */
#define BLOCK_PAST_DYNAMIC_THRESHOLD (64 * MiB)

typedef struct
{
  guint    reports;
  gboolean from_heap;
} ImportProbe;

static void
probe_heap (const char *source,
            goffset     bytes_done,
            goffset     bytes_total,
            guint64     records,
            gpointer    user_data)
{
  ImportProbe *probe = user_data;

  probe->reports++;
  probe->from_heap = mapping_of_new_block (BLOCK_PAST_DYNAMIC_THRESHOLD).heap;
}

static ImportProbe
import_big_source (const char *trace_path,
                   gboolean    tune_heap)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AgvizRecorder) recorder = NULL;
  g_autoptr(AgvizImporter) importer = NULL;
  g_autofree char *source = make_log_dir (SOURCE_BYTES + MiB);
  ImportProbe probe = { 0 };

  recorder = agviz_recorder_open (trace_path, &error);
  g_assert_no_error (error);
  importer = agviz_importer_new (recorder);
  if (tune_heap)
    agviz_importer_set_tune_heap (importer, TRUE);
  agviz_importer_set_progress_func (importer, probe_heap, &probe, NULL);
  g_assert_true (agviz_importer_import (importer, source, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (agviz_importer_get_stats (importer)->nodes, ==, 1);
  g_assert_true (agviz_recorder_close (recorder, &error));
  g_assert_no_error (error);
  remove_log_dir (source);
  /* The final report always comes. */
  g_assert_cmpuint (probe.reports, >, 0);
  return probe;
}

static void
test_importer_leaves_heap_by_default (TempFile      *fx,
                                      gconstpointer  data)
{
  if (!can_check ())
    return;

  /* What the app's imports (agviz_importer_import_to_new_file()) get. */
  g_assert_false (import_big_source (fx->path, FALSE).from_heap);
}

static void
test_importer_tunes_when_asked (TempFile      *fx,
                                gconstpointer  data)
{
  if (!can_check ())
    return;

  g_assert_true (import_big_source (fx->path, TRUE).from_heap);
  /* And set back after it. */
  g_assert_false (mapping_of_new_block (BLOCK_PAST_HEAP).heap);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agviz/import/memory/small-source", test_small_source);
  g_test_add_func ("/agviz/import/memory/huge-page-region", test_huge_page_region);
  g_test_add_func ("/agviz/import/memory/nested-imports", test_nested_imports);
  g_test_add_func ("/agviz/import/memory/arena-limit-during-import",
                   test_arena_limit_during_import);
  g_test_add_func ("/agviz/import/memory/arena-limit-restored", test_arena_limit_restored);
  g_test_add ("/agviz/import/memory/importer-leaves-heap-by-default", TempFile, NULL,
              temp_file_setup, test_importer_leaves_heap_by_default, temp_file_teardown);
  g_test_add ("/agviz/import/memory/importer-tunes-when-asked", TempFile, NULL,
              temp_file_setup, test_importer_tunes_when_asked, temp_file_teardown);
  return g_test_run ();
}
