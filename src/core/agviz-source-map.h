/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-source-map.h: from a node to the lines of source that created it
 *
 * A node's creation stack comes from the store; the source text of each frame comes from the
 * text captured in the trace file or, when none was captured, from disk, with `--source-root
 * OLD=NEW` remapping the paths of the recording machine.  A file on disk whose SHA-256 differs
 * from the recorded one is reported as changed and never shown as if it were the code that ran.
 *
 * Threads: like its store, a source map belongs to one thread.
 */
#pragma once

#include <glib-object.h>

#include "agviz-store.h"

G_BEGIN_DECLS

typedef enum
{
  AGVIZ_FRAME_ORIGIN_USER,        /* the program's own code */
  AGVIZ_FRAME_ORIGIN_FRAMEWORK,   /* TensorFlow, Keras, installed packages, the standard library,
                                   * AutoGraph's generated files */
} AgvizFrameOrigin;

typedef enum
{
  AGVIZ_SOURCE_STATUS_CAPTURED,        /* text captured in the trace file */
  AGVIZ_SOURCE_STATUS_DISK_VERIFIED,   /* read from disk, same SHA-256 as recorded */
  AGVIZ_SOURCE_STATUS_DISK,            /* read from disk, no hash recorded to compare with */
  AGVIZ_SOURCE_STATUS_CHANGED,         /* on disk, but not the file that ran: not shown */
  AGVIZ_SOURCE_STATUS_MISSING,         /* neither captured nor found on disk */
} AgvizSourceStatus;

/* One frame of a creation stack, classified. */
typedef struct
{
  AgvizFrame        *frame;           /* source_line is filled from whatever text was found */
  AgvizFrameOrigin   origin;
  gboolean           defining;        /* the innermost user frame: the one TF itself prints */
} AgvizSourceFrame;

void agviz_source_frame_free (AgvizSourceFrame *frame);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgvizSourceFrame, agviz_source_frame_free)

#define AGVIZ_TYPE_SOURCE_MAP (agviz_source_map_get_type ())
G_DECLARE_FINAL_TYPE (AgvizSourceMap, agviz_source_map, AGVIZ, SOURCE_MAP, GObject)

/* Whether @path (as a traceback prints it) is user code or framework code. */
AgvizFrameOrigin   agviz_source_map_classify_path      (const char        *path);
const char        *agviz_frame_origin_to_string        (AgvizFrameOrigin   origin);
const char        *agviz_source_status_to_string       (AgvizSourceStatus  status);

/* @store may be NULL: sources are then read from disk only (an error text without a trace
 * file), and nothing that needs the trace file (stacks, nodes) may be asked. */
AgvizSourceMap    *agviz_source_map_new                (AgvizStore        *store);
AgvizStore        *agviz_source_map_get_store          (AgvizSourceMap    *self);

/* Adds a remapping "OLD=NEW": recorded paths starting with the directory OLD are looked up under
 * NEW on this machine.  The longest matching OLD wins. */
gboolean           agviz_source_map_add_root           (AgvizSourceMap    *self,
                                                        const char        *mapping,
                                                        GError           **error);
/* The same with the two folders given apart ("=" may then be part of a name).  Mapping a
 * recorded folder again replaces its earlier mapping. */
void               agviz_source_map_add_root_folders   (AgvizSourceMap    *self,
                                                        const char        *old_folder,
                                                        const char        *new_folder);
/* The remapping that makes @recorded_path readable under @folder, a folder on this machine that
 * holds a copy of its tree: the recorded directory whose remainder of @recorded_path names a
 * regular file under @folder.  Of several, one with the recorded SHA-256 wins, else the longest
 * remainder (most path components agree).  Sets *@old_folder and *@new_folder (transfer full)
 * for agviz_source_map_add_root_folders(); adds nothing itself.  Errors (G_IO_ERROR):
 * NOT_DIRECTORY when @folder is not one, INVALID_ARGUMENT when @recorded_path has no folder
 * part, NOT_FOUND when no remainder is under @folder. */
gboolean           agviz_source_map_find_root          (AgvizSourceMap    *self,
                                                        const char        *recorded_path,
                                                        const char        *folder,
                                                        char             **old_folder,
                                                        char             **new_folder,
                                                        GError           **error);
/* Where @recorded_path is looked for on this machine (transfer full). */
char              *agviz_source_map_remap_path         (AgvizSourceMap    *self,
                                                        const char        *recorded_path);

/* The frames of @stack_id, outermost first, each classified, with its source line and the
 * defining frame marked (element-type AgvizSourceFrame, transfer full). */
GPtrArray         *agviz_source_map_get_stack          (AgvizSourceMap    *self,
                                                        gint64             stack_id,
                                                        GError           **error);
/* Index of the defining frame in a get_stack() result, or -1 when no frame is user code. */
int                agviz_source_map_find_defining_frame (GPtrArray        *frames);

/* Lines @first..@last (1-based, clamped to the file) of @recorded_path into *@lines
 * (element-type utf8; the first is line *@first_out) and how the text was found.  *@note, when
 * not NULL, explains a missing or changed file or a disk file that differs from the captured text.
 * Lines are empty when the status is CHANGED or MISSING. */
AgvizSourceStatus  agviz_source_map_get_lines          (AgvizSourceMap    *self,
                                                        const char        *recorded_path,
                                                        int                first,
                                                        int                last,
                                                        GPtrArray        **lines,
                                                        int               *first_out,
                                                        char             **note);
/* One line, or NULL when it cannot be shown (transfer full). */
char              *agviz_source_map_get_line           (AgvizSourceMap    *self,
                                                        const char        *recorded_path,
                                                        int                line);

/* Finds a node from what a user types: a full scoped name, a unique suffix of one on '/'
 * boundaries ("dense/MatMul"), or FUNCTION:NODE where FUNCTION is a function name, a function
 * name with a trace ordinal ("step#3") or a graph name ("__inference_step_107").  Several
 * matches give AGVIZ_STORE_ERROR_AMBIGUOUS listing them as FUNCTION#K:NAME. */
AgvizNode         *agviz_source_map_find_node          (AgvizSourceMap    *self,
                                                        const char        *spec,
                                                        GError           **error);

G_END_DECLS
