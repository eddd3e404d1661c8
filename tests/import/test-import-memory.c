/* test-import-memory.c: the heap readied for big imports (agviz-import-memory.c)
 *
 * What is checked is what the kernel reports in /proc/self/smaps: after
 * _agviz_import_memory_prepare() a big block is carved out of the heap, in a mapping marked for
 * huge pages ("hg" in VmFlags); after the last release big blocks get mappings of their own
 * again.  valgrind and AddressSanitizer bring allocators of their own, so these skip there.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "agviz-importer-private.h"

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
can_check (void)
{
  g_autofree char *thp = NULL;

  if (AGVIZ_IMPORT_UNDER_ASAN || g_getenv ("AGVIZ_UNDER_VALGRIND") != NULL)
    {
      g_test_skip ("valgrind and AddressSanitizer replace malloc");
      return FALSE;
    }
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
  g_assert_false (_agviz_import_memory_prepare (1 * MiB));
  g_assert_false (_agviz_import_memory_prepare (0));
}

static void
test_huge_page_region (void)
{
  Mapping mapping;

  if (!can_check ())
    return;

  g_assert_true (_agviz_import_memory_prepare (SOURCE_BYTES));
  mapping = mapping_of_new_block (BLOCK_IN_REGION);
  g_assert_true (mapping.heap);
  g_assert_true (mapping.huge_pages);
  _agviz_import_memory_release ();

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
  g_assert_true (_agviz_import_memory_prepare (SOURCE_BYTES));
  g_assert_true (_agviz_import_memory_prepare (SOURCE_BYTES * 2));
  _agviz_import_memory_release ();
  g_assert_true (mapping_of_new_block (BLOCK_IN_REGION).heap);
  _agviz_import_memory_release ();
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
  return g_test_run ();
}
