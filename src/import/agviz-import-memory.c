/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-import-memory.c: tuning the C heap for the length of a big import
 *
 * A big import allocates most of its memory once and keeps it to the end: the source read
 * whole, the GraphDebugInfo's prefix tree, the recorder's pending rows and name tables.  What
 * that memory costs is mostly its first touch: every 4 KiB page is a page fault, and on the
 * virtual machines agviz is built and measured on a fault costs about 10 µs (a 100,000-node
 * GraphDef with its stacks touched 33,000 pages, a third of the import's time, on all three
 * threads).  Transparent huge pages make that one fault per 2 MiB, but kernels set to hand them
 * out only where madvise (MADV_HUGEPAGE) asked (the common setting), and glibc asks only when
 * the GLIBC_TUNABLES environment says so at start-up, which an importer cannot arrange.
 *
 * So before a big source the heap is grown once, by an estimate of what the import will
 * allocate, that region is marked for huge pages and handed back to malloc, which then carves
 * the import's blocks out of it: big ones too (the mmap threshold is raised, or every block of
 * 128 KiB and more would get a fresh mapping of small pages), and those of the other threads
 * (one arena, or the debug-info loader and the stack writer would grow arenas of their own).
 * Untouched parts of the region cost nothing; the kernel still falls back to small pages when
 * it has no huge ones.
 *
 * These are mallopt() settings of the whole process, which is why only the command line asks
 * for them (agviz_importer_set_tune_heap()).  When the last import running ends they go back
 * to glibc's defaults and what the import freed is given back.  glibc reads none of them back
 * (mallopt has no getter), so "back" means the defaults glibc documents, not values a program
 * or GLIBC_TUNABLES set before; and it fixes the number of arenas the first time a thread
 * needs one, so threads that started allocating during the import share one arena for good.
 */
#define G_LOG_DOMAIN "agviz-importer"

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "agviz-import-memory-private.h"

#if defined(__GLIBC__) && defined(MADV_HUGEPAGE) && !AGVIZ_IMPORT_UNDER_ASAN
#define CAN_TUNE_HEAP 1
#else
#define CAN_TUNE_HEAP 0
#endif

/* Sources smaller than this fault in too few pages to be worth a change to the heap. */
#define MIN_SOURCE_BYTES (((guint64) 8) << 20)

/* The import of a binary GraphDef with its GraphDebugInfo peaked at 2.9 times its sources'
 * bytes; text formats take more, streamed ones much less.  An estimate, not a limit: blocks
 * past the region come from the heap as usual. */
#define BYTES_PER_SOURCE_BYTE 4
#define EXTRA_BYTES           (((guint64) 32) << 20)
#define MAX_REGION_BYTES      (((guint64) 1) << 30)

#define HUGE_PAGE (((guintptr) 2) << 20)

/* glibc's defaults (they adapt to the program afterwards; set, they no longer do). */
#define DEFAULT_TRIM_THRESHOLD (128 * 1024)
#define DEFAULT_MMAP_THRESHOLD (128 * 1024)

G_LOCK_DEFINE_STATIC (import_memory);
static guint    n_tuned_imports;
static gboolean heap_takes_region;      /* malloc let the mmap threshold be raised */
static guint64  tuned_region_bytes;

static guint64
region_bytes_for (guint64 source_bytes)
{
  guint64 physical = (guint64) sysconf (_SC_PHYS_PAGES) * (guint64) sysconf (_SC_PAGESIZE);
  guint64 wanted;

  if (source_bytes > (MAX_REGION_BYTES - EXTRA_BYTES) / BYTES_PER_SOURCE_BYTE)
    wanted = MAX_REGION_BYTES;
  else
    wanted = source_bytes * BYTES_PER_SOURCE_BYTE + EXTRA_BYTES;
  /* Never more than a quarter of the machine, whatever the source claims to be. */
  if (physical > 0 && wanted > physical / 4)
    wanted = physical / 4;
  return wanted;
}

#if CAN_TUNE_HEAP
/* The arena limit glibc works out when M_ARENA_MAX is unset (malloc/arena.c,
 * NARENAS_FROM_NCORES, over the CPUs the process may run on).  mallopt cannot unset it: it
 * ignores M_ARENA_MAX 0, which would mean "work it out" (glibc keeps 0 only as its initial
 * value), so the limit set back is that number. */
static int
default_arena_max (void)
{
  return (int) g_get_num_processors () * (sizeof (long) == 4 ? 2 : 8);
}
#endif

gboolean
_agviz_import_memory_begin (guint64 source_bytes)
{
#if CAN_TUNE_HEAP
  guint64 region_bytes;

  if (source_bytes < MIN_SOURCE_BYTES)
    return FALSE;
  region_bytes = region_bytes_for (source_bytes);

  G_LOCK (import_memory);
  n_tuned_imports++;
  if (n_tuned_imports == 1)
    {
      /* Settings first: the region must come from the heap (not a mapping of its own), stay
       * there once freed, and serve every thread. */
      mallopt (M_ARENA_MAX, 1);
      heap_takes_region = mallopt (M_MMAP_THRESHOLD, (int) (MAX_REGION_BYTES + HUGE_PAGE)) == 1;
      mallopt (M_TRIM_THRESHOLD, G_MAXINT);
    }
  /* A malloc that keeps big blocks in mappings of their own would map the region and unmap it
   * again: nothing gained. */
  if (heap_takes_region && region_bytes > tuned_region_bytes)
    {
      guint8 *block = malloc ((gsize) region_bytes);

      if (block != NULL)
        {
          guintptr first = ((guintptr) block + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
          guintptr end = ((guintptr) block + (gsize) region_bytes) & ~(HUGE_PAGE - 1);

          /* A kernel without transparent huge pages refuses: the import is only slower. */
          if (end > first)
            madvise ((void *) first, end - first, MADV_HUGEPAGE);
          free (block);
          tuned_region_bytes = region_bytes;
        }
    }
  G_UNLOCK (import_memory);
  return TRUE;
#else
  (void) source_bytes;
  return FALSE;
#endif
}

void
_agviz_import_memory_end (void)
{
#if CAN_TUNE_HEAP
  G_LOCK (import_memory);
  g_assert (n_tuned_imports > 0);
  if (--n_tuned_imports == 0)
    {
      mallopt (M_ARENA_MAX, default_arena_max ());
      mallopt (M_MMAP_THRESHOLD, DEFAULT_MMAP_THRESHOLD);
      mallopt (M_TRIM_THRESHOLD, DEFAULT_TRIM_THRESHOLD);
      malloc_trim (0);
      tuned_region_bytes = 0;
    }
  G_UNLOCK (import_memory);
#endif
}

/* The regular files of @path, looked for @depth levels down and no further than @entries_left
 * entries. */
static guint64
source_bytes_below (const char *path,
                    guint       depth,
                    guint      *entries_left)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  GStatBuf st;
  guint64 bytes = 0;

  if (g_stat (path, &st) != 0)
    return 0;
  if (S_ISREG (st.st_mode))
    return (guint64) st.st_size;
  if (!S_ISDIR (st.st_mode) || depth == 0 || (dir = g_dir_open (path, 0, NULL)) == NULL)
    return 0;
  while (*entries_left > 0 && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      (*entries_left)--;
      bytes += source_bytes_below (child, depth - 1, entries_left);
    }
  return bytes;
}

guint64
_agviz_import_memory_estimate_source_bytes (const char *path,
                                            const char *debug_info_path)
{
  g_autofree char *beside = g_strconcat (path, ".debug", NULL);
  guint entries_left = 10000;
  guint64 bytes = source_bytes_below (path, 4, &entries_left);

  if (debug_info_path != NULL)
    bytes += source_bytes_below (debug_info_path, 0, &entries_left);
  else if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    bytes += source_bytes_below (beside, 0, &entries_left);
  return bytes;
}
