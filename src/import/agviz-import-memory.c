/* agviz-import-memory.c: readying the C heap for a big import
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
 * it has no huge ones.  When the last import running ends, the thresholds go back to glibc's
 * defaults and what the import freed is given back, so a long-running app (the GUI imports
 * too) does not keep its peak; threads keep sharing one arena (glibc fixes the number of arenas
 * once it has computed it).
 */
#define G_LOG_DOMAIN "agviz-importer"

#include "config.h"

#include <glib.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "agviz-importer-private.h"

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
static guint    n_prepared_imports;
static gboolean heap_takes_region;      /* malloc let the mmap threshold be raised */
static guint64  prepared_region_bytes;

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

gboolean
_agviz_import_memory_prepare (guint64 source_bytes)
{
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE) && !AGVIZ_IMPORT_UNDER_ASAN
  guint64 region_bytes;

  if (source_bytes < MIN_SOURCE_BYTES)
    return FALSE;
  region_bytes = region_bytes_for (source_bytes);

  G_LOCK (import_memory);
  n_prepared_imports++;
  if (n_prepared_imports == 1)
    {
      /* Settings first: the region must come from the heap (not a mapping of its own), stay
       * there once freed, and serve every thread. */
      mallopt (M_ARENA_MAX, 1);
      heap_takes_region = mallopt (M_MMAP_THRESHOLD, (int) (MAX_REGION_BYTES + HUGE_PAGE)) == 1;
      mallopt (M_TRIM_THRESHOLD, G_MAXINT);
    }
  /* A malloc that keeps big blocks in mappings of their own would map the region and unmap it
   * again: nothing gained. */
  if (heap_takes_region && region_bytes > prepared_region_bytes)
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
          prepared_region_bytes = region_bytes;
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
_agviz_import_memory_release (void)
{
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE) && !AGVIZ_IMPORT_UNDER_ASAN
  G_LOCK (import_memory);
  g_assert (n_prepared_imports > 0);
  if (--n_prepared_imports == 0)
    {
      mallopt (M_MMAP_THRESHOLD, DEFAULT_MMAP_THRESHOLD);
      mallopt (M_TRIM_THRESHOLD, DEFAULT_TRIM_THRESHOLD);
      malloc_trim (0);
      prepared_region_bytes = 0;
    }
  G_UNLOCK (import_memory);
#endif
}
