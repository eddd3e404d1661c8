/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-import-memory-private.h: tuning the process's C heap for the length of a big import
 *
 * Process-wide: glibc's malloc settings hold for every thread, so only an importer whose
 * program does nothing else meanwhile asks for it (agviz_importer_set_tune_heap(), which the
 * command line sets and the app does not).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Builds with AddressSanitizer bring an allocator of their own: no heap to tune there. */
#if defined(__SANITIZE_ADDRESS__)
#define AGVIZ_IMPORT_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AGVIZ_IMPORT_UNDER_ASAN 1
#endif
#endif
#ifndef AGVIZ_IMPORT_UNDER_ASAN
#define AGVIZ_IMPORT_UNDER_ASAN 0
#endif

/* Tunes the C heap for importing @source_bytes of sources: TRUE when it did, and then
 * _agviz_import_memory_end() must follow the import.  Imports may overlap; the settings go
 * back when the last one ends.  Thread-safe. */
gboolean  _agviz_import_memory_begin                 (guint64     source_bytes);
void      _agviz_import_memory_end                   (void);

/* The bytes importing @path will read: the file (with @debug_info_path, or else the
 * GraphDebugInfo beside it), or a directory's regular files a few levels down; an estimate
 * for _agviz_import_memory_begin(), not a promise. */
guint64   _agviz_import_memory_estimate_source_bytes (const char *path,
                                                      const char *debug_info_path);

G_END_DECLS
