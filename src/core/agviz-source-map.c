/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-source-map.c: creation stacks with their source text, and node names as users type them */
#define G_LOG_DOMAIN "agviz-source-map"

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "agviz-source-map.h"

/* The largest source file read from disk.  A trace file names paths someone else chose: a path
 * such as /dev/zero or a FIFO must not hang the viewer or fill its memory. */
#define MAX_DISK_SOURCE_BYTES (((goffset) 16) << 20)

typedef struct
{
  char *old_prefix;
  char *new_prefix;
} RootMapping;

/* What was found for one recorded path; looked up once per map. */
typedef struct
{
  AgvizSourceStatus  status;
  GBytes            *text;      /* NULL for CHANGED and MISSING */
  char              *note;
} SourceEntry;

struct _AgvizSourceMap
{
  GObject      parent_instance;

  AgvizStore  *store;
  GArray      *roots;           /* RootMapping */
  GHashTable  *files_by_path;   /* recorded path -> AgvizSourceFile (the one with text first) */
  GPtrArray   *files;
  GHashTable  *entries;         /* recorded path -> SourceEntry */
  GPtrArray   *functions;       /* AgvizFunction, loaded for node lookups */
};

G_DEFINE_FINAL_TYPE (AgvizSourceMap, agviz_source_map, G_TYPE_OBJECT)

static void
root_mapping_clear (RootMapping *mapping)
{
  g_free (mapping->old_prefix);
  g_free (mapping->new_prefix);
}

static void
source_entry_free (SourceEntry *entry)
{
  g_clear_pointer (&entry->text, g_bytes_unref);
  g_free (entry->note);
  g_free (entry);
}

void
agviz_source_frame_free (AgvizSourceFrame *frame)
{
  if (frame == NULL)
    return;
  agviz_frame_free (frame->frame);
  g_free (frame);
}

static void
agviz_source_map_finalize (GObject *object)
{
  AgvizSourceMap *self = AGVIZ_SOURCE_MAP (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->roots, g_array_unref);
  g_clear_pointer (&self->files_by_path, g_hash_table_unref);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_pointer (&self->functions, g_ptr_array_unref);

  G_OBJECT_CLASS (agviz_source_map_parent_class)->finalize (object);
}

static void
agviz_source_map_class_init (AgvizSourceMapClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = agviz_source_map_finalize;
}

static void
agviz_source_map_init (AgvizSourceMap *self)
{
  self->roots = g_array_new (FALSE, TRUE, sizeof (RootMapping));
  g_array_set_clear_func (self->roots, (GDestroyNotify) root_mapping_clear);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) source_entry_free);
}

AgvizSourceMap *
agviz_source_map_new (AgvizStore *store)
{
  AgvizSourceMap *self;

  g_return_val_if_fail (store == NULL || AGVIZ_IS_STORE (store), NULL);

  self = g_object_new (AGVIZ_TYPE_SOURCE_MAP, NULL);
  self->store = store != NULL ? g_object_ref (store) : NULL;
  return self;
}

AgvizStore *
agviz_source_map_get_store (AgvizSourceMap *self)
{
  g_return_val_if_fail (AGVIZ_IS_SOURCE_MAP (self), NULL);
  return self->store;
}

const char *
agviz_frame_origin_to_string (AgvizFrameOrigin origin)
{
  return origin == AGVIZ_FRAME_ORIGIN_USER ? "user" : "framework";
}

const char *
agviz_source_status_to_string (AgvizSourceStatus status)
{
  static const char *const names[] = { "captured", "disk-verified", "disk", "changed", "missing" };

  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (names), NULL);
  return names[status];
}

/* TensorFlow's own rule (error_interpolation.py) counts paths under tensorflow/python and keras
 * as framework, tests as user; installed packages, the standard library and the files AutoGraph
 * generates are framework code for anybody debugging their own program too. */
AgvizFrameOrigin
agviz_source_map_classify_path (const char *path)
{
  static const char *const framework_parts[] = {
    "/site-packages/", "/dist-packages/", "/tensorflow/", "/keras/", "/tf_keras/",
    "/tensorflow_core/", "/absl/", "/numpy/", "/jax/_src/", "/jaxlib/",
    /* torch's own modules, not any folder called torch (a project's tests/torch/). */
    "/torch/_", "/torch/nn/", "/torch/jit/", "/torch/fx/", "/torch/utils/", "/torch/autograd/",
    "/torch/onnx/", "/torch/export/", "/torch/optim/", "/torch/distributed/",
    "/torch/functional.py", "/torch/overrides.py", "/torch/serialization.py",
  };
  g_autofree char *normalized = NULL;
  const char *base;

  if (path == NULL || *path == '\0')
    return AGVIZ_FRAME_ORIGIN_FRAMEWORK;
  if (g_str_has_prefix (path, "<frozen "))
    return AGVIZ_FRAME_ORIGIN_FRAMEWORK;

  normalized = g_strdelimit (g_strconcat ("/", path, NULL), "\\", '/');
  base = strrchr (normalized, '/') + 1;
  if (g_str_has_prefix (base, "__autograph_generated_file"))
    return AGVIZ_FRAME_ORIGIN_FRAMEWORK;
  if (g_str_has_suffix (base, "_test.py"))
    return AGVIZ_FRAME_ORIGIN_USER;

  for (guint i = 0; i < G_N_ELEMENTS (framework_parts); i++)
    {
      if (strstr (normalized, framework_parts[i]) != NULL)
        return AGVIZ_FRAME_ORIGIN_FRAMEWORK;
    }

  /* The standard library: .../lib/python3.11/runpy.py (but not a user's "python" folder). */
  {
    const char *lib = strstr (normalized, "/lib/python");
    if (lib != NULL && g_ascii_isdigit (lib[strlen ("/lib/python")]))
      return AGVIZ_FRAME_ORIGIN_FRAMEWORK;
  }
  return AGVIZ_FRAME_ORIGIN_USER;
}

gboolean
agviz_source_map_add_root (AgvizSourceMap  *self,
                           const char      *mapping,
                           GError         **error)
{
  const char *equals;
  g_autofree char *old_folder = NULL;

  g_return_val_if_fail (AGVIZ_IS_SOURCE_MAP (self), FALSE);
  g_return_val_if_fail (mapping != NULL, FALSE);

  equals = strchr (mapping, '=');
  if (equals == NULL || equals == mapping || equals[1] == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--source-root wants OLD=NEW (two directories), not '%s'", mapping);
      return FALSE;
    }
  old_folder = g_strndup (mapping, equals - mapping);
  agviz_source_map_add_root_folders (self, old_folder, equals + 1);
  return TRUE;
}

/* A copy of @folder without trailing slashes (but "/" stays "/"). */
static char *
strip_trailing_slashes (const char *folder)
{
  char *copy = g_strdup (folder);
  gsize length = strlen (copy);

  while (length > 1 && copy[length - 1] == '/')
    copy[--length] = '\0';
  return copy;
}

void
agviz_source_map_add_root_folders (AgvizSourceMap *self,
                                   const char     *old_folder,
                                   const char     *new_folder)
{
  RootMapping root;

  g_return_if_fail (AGVIZ_IS_SOURCE_MAP (self));
  g_return_if_fail (old_folder != NULL && *old_folder != '\0');
  g_return_if_fail (new_folder != NULL && *new_folder != '\0');

  /* Kept without trailing slashes, so "/home/user=/src" and "/home/user/=/src/" agree and
   * "/home/username" never matches "/home/user". */
  root.old_prefix = strip_trailing_slashes (old_folder);
  root.new_prefix = strip_trailing_slashes (new_folder);

  /* The same recorded folder mapped again (a folder located anew) replaces the old mapping:
   * of two equally long prefixes the lookup would keep using the first. */
  for (guint i = 0; i < self->roots->len; i++)
    {
      RootMapping *known = &g_array_index (self->roots, RootMapping, i);

      if (g_str_equal (known->old_prefix, root.old_prefix))
        {
          g_array_remove_index (self->roots, i);
          break;
        }
    }
  g_array_append_val (self->roots, root);

  /* Earlier lookups may have been answered from the old roots. */
  g_hash_table_remove_all (self->entries);
}

char *
agviz_source_map_remap_path (AgvizSourceMap *self,
                             const char     *recorded_path)
{
  const RootMapping *best = NULL;
  gsize best_length = 0;

  g_return_val_if_fail (AGVIZ_IS_SOURCE_MAP (self), NULL);
  g_return_val_if_fail (recorded_path != NULL, NULL);

  for (guint i = 0; i < self->roots->len; i++)
    {
      const RootMapping *root = &g_array_index (self->roots, RootMapping, i);
      gsize length = strlen (root->old_prefix);

      if (strncmp (recorded_path, root->old_prefix, length) == 0 &&
          (recorded_path[length] == '/' || recorded_path[length] == '\0' ||
           g_str_equal (root->old_prefix, "/")) &&
          length > best_length)
        {
          best = root;
          best_length = length;
        }
    }
  if (best == NULL)
    return g_strdup (recorded_path);
  if (g_str_equal (best->old_prefix, "/"))
    return g_build_filename (best->new_prefix, recorded_path, NULL);
  return g_strconcat (best->new_prefix, recorded_path + best_length, NULL);
}

static gboolean
ensure_files (AgvizSourceMap  *self,
              GError         **error)
{
  if (self->files != NULL)
    return TRUE;

  self->files = self->store != NULL ? agviz_store_list_source_files (self->store, error)
                                    : g_ptr_array_new ();
  if (self->files == NULL)
    return FALSE;
  self->files_by_path = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < self->files->len; i++)
    {
      AgvizSourceFile *file = g_ptr_array_index (self->files, i);
      AgvizSourceFile *known = g_hash_table_lookup (self->files_by_path, file->path);

      /* The same path from two hosts: prefer the one whose text was captured. */
      if (known == NULL || (!known->has_text && file->has_text))
        g_hash_table_insert (self->files_by_path, file->path, file);
    }
  return TRUE;
}


/* Reads @path only when it is a regular file of reasonable size. */
static gboolean
read_regular_file (const char  *path,
                   char       **contents,
                   gsize       *length)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > MAX_DISK_SOURCE_BYTES)
    return FALSE;
  return g_file_get_contents (path, contents, length, NULL);
}

static SourceEntry *
lookup_source (AgvizSourceMap *self,
               const char     *recorded_path)
{
  SourceEntry *entry = g_hash_table_lookup (self->entries, recorded_path);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *disk_path = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  gboolean on_disk;
  AgvizSourceFile *file = NULL;

  if (entry != NULL)
    return entry;

  entry = g_new0 (SourceEntry, 1);
  g_hash_table_insert (self->entries, g_strdup (recorded_path), entry);

  if (ensure_files (self, &local_error))
    file = g_hash_table_lookup (self->files_by_path, recorded_path);
  else
    g_debug ("cannot list source files: %s", local_error->message);

  disk_path = agviz_source_map_remap_path (self, recorded_path);
  on_disk = read_regular_file (disk_path, &contents, &length);

  if (file != NULL && file->has_text)
    {
      g_clear_error (&local_error);
      entry->text = agviz_store_get_file_text (self->store, file->id, &local_error);
      if (entry->text != NULL)
        {
          entry->status = AGVIZ_SOURCE_STATUS_CAPTURED;
          if (on_disk && file->sha256 != NULL)
            {
              g_autofree char *sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                                     (const guchar *) contents,
                                                                     length);
              if (!g_str_equal (sha256, file->sha256))
                entry->note = g_strdup_printf ("%s on disk differs from the recorded file; "
                                               "showing the text captured when it ran",
                                               disk_path);
            }
          return entry;
        }
    }

  if (on_disk)
    {
      if (file != NULL && file->sha256 != NULL)
        {
          g_autofree char *sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                                 (const guchar *) contents,
                                                                 length);
          if (!g_str_equal (sha256, file->sha256))
            {
              entry->status = AGVIZ_SOURCE_STATUS_CHANGED;
              entry->note = g_strdup_printf ("%s has changed since the trace was recorded "
                                             "(SHA-256 %.12s..., recorded %.12s...); its lines "
                                             "are not shown", disk_path, sha256, file->sha256);
              return entry;
            }
          entry->status = AGVIZ_SOURCE_STATUS_DISK_VERIFIED;
        }
      else
        entry->status = AGVIZ_SOURCE_STATUS_DISK;
      entry->text = g_bytes_new_take (g_steal_pointer (&contents), length);
      return entry;
    }

  entry->status = AGVIZ_SOURCE_STATUS_MISSING;
  if (self->store == NULL)
    entry->note = g_str_equal (disk_path, recorded_path)
                  ? g_strdup_printf ("%s is not on this machine (map its folder with "
                                     "--source-root OLD=NEW)", recorded_path)
                  : g_strdup_printf ("%s does not exist (mapped from %s)", disk_path,
                                     recorded_path);
  else if (g_str_equal (disk_path, recorded_path))
    entry->note = g_strdup_printf ("%s was not captured in the trace file and is not on this "
                                   "machine (map its folder with --source-root OLD=NEW)",
                                   recorded_path);
  else
    entry->note = g_strdup_printf ("%s was not captured in the trace file and %s does not exist",
                                   recorded_path, disk_path);
  return entry;
}

/* Whether @path has a ".." component: such a remainder would leave the folder it is looked for
 * under. */
static gboolean
has_parent_component (const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (g_str_equal (parts[i], ".."))
        return TRUE;
    }
  return FALSE;
}

/* Whether the regular file at @path has the SHA-256 @sha256 (hex). */
static gboolean
file_has_sha256 (const char *path,
                 const char *sha256)
{
  g_autofree char *contents = NULL;
  g_autofree char *computed = NULL;
  gsize length = 0;

  if (!read_regular_file (path, &contents, &length))
    return FALSE;
  computed = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  return g_str_equal (computed, sha256);
}

gboolean
agviz_source_map_find_root (AgvizSourceMap  *self,
                            const char      *recorded_path,
                            const char      *folder,
                            char           **old_folder,
                            char           **new_folder,
                            GError         **error)
{
  g_autofree char *local = NULL;
  const char *recorded_sha256 = NULL;
  const char *best = NULL;
  gboolean best_verified = FALSE;

  g_return_val_if_fail (AGVIZ_IS_SOURCE_MAP (self), FALSE);
  g_return_val_if_fail (recorded_path != NULL, FALSE);
  g_return_val_if_fail (folder != NULL, FALSE);
  g_return_val_if_fail (old_folder != NULL && new_folder != NULL, FALSE);

  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY, "%s is not a folder", folder);
      return FALSE;
    }
  if (strchr (recorded_path, '/') == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s names no folder to look for", recorded_path);
      return FALSE;
    }
  local = strip_trailing_slashes (folder);

  if (ensure_files (self, NULL))
    {
      AgvizSourceFile *file = g_hash_table_lookup (self->files_by_path, recorded_path);
      if (file != NULL)
        recorded_sha256 = file->sha256;
    }

  /* From the longest remainder to the shortest: the more of the recorded path agrees with what
   * is under @folder, the likelier it is the same tree.  A copy with the recorded SHA-256 is
   * certainly the file that ran and wins over any other. */
  for (const char *slash = strchr (recorded_path, '/'); slash != NULL;
       slash = strchr (slash + 1, '/'))
    {
      const char *remainder = slash + 1;
      g_autofree char *candidate = NULL;
      GStatBuf st;
      gboolean verified;

      if (*remainder == '\0' || *remainder == '/' || has_parent_component (remainder))
        continue;
      candidate = g_build_filename (local, remainder, NULL);
      if (g_stat (candidate, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      verified = recorded_sha256 != NULL && file_has_sha256 (candidate, recorded_sha256);
      if (best == NULL || (verified && !best_verified))
        {
          best = slash;
          best_verified = verified;
        }
      if (best_verified)
        break;
    }

  if (best == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "no file under %s has the name of %s or of its last folders", local,
                   recorded_path);
      return FALSE;
    }
  *old_folder = best == recorded_path ? g_strdup ("/") : g_strndup (recorded_path,
                                                                       best - recorded_path);
  *new_folder = g_steal_pointer (&local);
  return TRUE;
}

/* Splits @text at line @first and copies lines up to @last into @lines. */
static int
copy_lines (GBytes    *text,
            int        first,
            int        last,
            GPtrArray *lines)
{
  gsize size;
  const char *data = g_bytes_get_data (text, &size);
  const char *end = data + size, *start = data;
  int number = 1, first_copied = 0;

  while (start < end && number <= last)
    {
      const char *newline = memchr (start, '\n', end - start);
      const char *stop = newline != NULL ? newline : end;

      if (number >= first)
        {
          const char *trimmed = stop;

          if (trimmed > start && trimmed[-1] == '\r')
            trimmed--;
          if (first_copied == 0)
            first_copied = number;
          g_ptr_array_add (lines, g_utf8_make_valid (start, trimmed - start));
        }
      if (newline == NULL)
        break;
      start = newline + 1;
      number++;
    }
  return first_copied;
}

AgvizSourceStatus
agviz_source_map_get_lines (AgvizSourceMap  *self,
                            const char      *recorded_path,
                            int              first,
                            int              last,
                            GPtrArray      **lines,
                            int             *first_out,
                            char           **note)
{
  g_autoptr(GPtrArray) copied = g_ptr_array_new_with_free_func (g_free);
  SourceEntry *entry;
  int first_copied = 0;

  g_return_val_if_fail (AGVIZ_IS_SOURCE_MAP (self), AGVIZ_SOURCE_STATUS_MISSING);
  g_return_val_if_fail (recorded_path != NULL, AGVIZ_SOURCE_STATUS_MISSING);

  entry = lookup_source (self, recorded_path);
  if (entry->text != NULL && last >= first && last >= 1)
    first_copied = copy_lines (entry->text, MAX (first, 1), last, copied);

  if (lines != NULL)
    *lines = g_steal_pointer (&copied);
  if (first_out != NULL)
    *first_out = first_copied;
  if (note != NULL)
    *note = g_strdup (entry->note);
  return entry->status;
}

char *
agviz_source_map_get_line (AgvizSourceMap *self,
                           const char     *recorded_path,
                           int             line)
{
  g_autoptr(GPtrArray) lines = NULL;
  int first = 0;

  g_return_val_if_fail (AGVIZ_IS_SOURCE_MAP (self), NULL);

  agviz_source_map_get_lines (self, recorded_path, line, line, &lines, &first, NULL);
  if (lines->len == 0 || first != line)
    return NULL;
  return g_strdup (g_ptr_array_index (lines, 0));
}

int
agviz_source_map_find_defining_frame (GPtrArray *frames)
{
  g_return_val_if_fail (frames != NULL, -1);

  for (int i = (int) frames->len - 1; i >= 0; i--)
    {
      AgvizSourceFrame *frame = g_ptr_array_index (frames, i);
      if (frame->origin == AGVIZ_FRAME_ORIGIN_USER)
        return i;
    }
  return -1;
}

GPtrArray *
agviz_source_map_get_stack (AgvizSourceMap  *self,
                            gint64           stack_id,
                            GError         **error)
{
  g_autoptr(GPtrArray) raw = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  int defining;

  g_return_val_if_fail (AGVIZ_IS_SOURCE_MAP (self), NULL);
  g_return_val_if_fail (self->store != NULL, NULL);

  raw = agviz_store_get_stack (self->store, stack_id, error);
  if (raw == NULL)
    return NULL;

  frames = g_ptr_array_new_with_free_func ((GDestroyNotify) agviz_source_frame_free);
  for (guint i = 0; i < raw->len; i++)
    {
      AgvizSourceFrame *frame = g_new0 (AgvizSourceFrame, 1);

      /* Taken over: the array's free function skips the NULL left behind. */
      frame->frame = g_steal_pointer (&raw->pdata[i]);
      frame->origin = agviz_source_map_classify_path (frame->frame->file);
      if (frame->frame->source_line == NULL)
        frame->frame->source_line = agviz_source_map_get_line (self, frame->frame->file,
                                                               frame->frame->line);
      g_ptr_array_add (frames, frame);
    }

  defining = agviz_source_map_find_defining_frame (frames);
  if (defining >= 0)
    ((AgvizSourceFrame *) g_ptr_array_index (frames, defining))->defining = TRUE;
  return g_steal_pointer (&frames);
}

static gboolean
ensure_functions (AgvizSourceMap  *self,
                  GError         **error)
{
  if (self->functions == NULL)
    self->functions = agviz_store_list_functions (self->store, error);
  return self->functions != NULL;
}

/* "step#3" for a node's trace, so an ambiguity lists names the user can type back. */
static char *
describe_trace (AgvizSourceMap *self,
                gint64          trace_id)
{
  for (guint i = 0; i < self->functions->len; i++)
    {
      AgvizFunction *function = g_ptr_array_index (self->functions, i);

      for (guint j = 0; j < function->traces->len; j++)
        {
          AgvizTrace *trace = g_ptr_array_index (function->traces, j);
          if (trace->id == trace_id)
            return function->traces->len == 1 ? g_strdup (function->name)
                                              : g_strdup_printf ("%s#%d", function->name,
                                                                 trace->ordinal);
        }
    }
  return g_strdup_printf ("trace%" G_GINT64_FORMAT, trace_id);
}

/* The trace ids FUNCTION (a name, name#K or graph name) stands for; empty when none. */
static GArray *
traces_for_function_spec (AgvizSourceMap *self,
                          const char     *spec)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *name = g_strdup (spec);
  char *hash = strrchr (name, '#');
  gint64 ordinal = 0;

  if (hash != NULL)
    {
      char *end = NULL;

      ordinal = g_ascii_strtoll (hash + 1, &end, 10);
      if (end != NULL && *end == '\0' && end != hash + 1 && ordinal > 0)
        *hash = '\0';
      else
        ordinal = 0;
    }

  for (guint i = 0; i < self->functions->len; i++)
    {
      AgvizFunction *function = g_ptr_array_index (self->functions, i);

      for (guint j = 0; j < function->traces->len; j++)
        {
          AgvizTrace *trace = g_ptr_array_index (function->traces, j);

          if ((g_str_equal (function->name, name) && (ordinal == 0 || trace->ordinal == ordinal)) ||
              g_str_equal (trace->graph_name, spec))
            g_array_append_val (ids, trace->id);
        }
    }
  return ids;
}

AgvizNode *
agviz_source_map_find_node (AgvizSourceMap  *self,
                            const char      *spec,
                            GError         **error)
{
  g_autofree char *node_part = NULL;
  g_autofree char *function_part = NULL;
  g_autoptr(GArray) allowed_traces = NULL;
  g_autoptr(GPtrArray) named = NULL;
  g_autoptr(GPtrArray) matches = g_ptr_array_new ();
  const char *colon, *slash, *local_name;

  g_return_val_if_fail (AGVIZ_IS_SOURCE_MAP (self), NULL);
  g_return_val_if_fail (spec != NULL, NULL);

  if (!ensure_functions (self, error))
    return NULL;

  node_part = g_strdup (spec);
  /* A tensor name "add:0" names the node "add". */
  colon = strrchr (node_part, ':');
  if (colon != NULL && colon[1] != '\0' && strspn (colon + 1, "0123456789") == strlen (colon + 1))
    node_part[colon - node_part] = '\0';

  colon = strchr (node_part, ':');
  if (colon != NULL)
    {
      char *rest = g_strdup (colon + 1);

      function_part = g_strndup (node_part, colon - node_part);
      g_free (node_part);
      node_part = rest;
      allowed_traces = traces_for_function_spec (self, function_part);
      if (allowed_traces->len == 0)
        {
          g_set_error (error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_NOT_FOUND,
                       "no function or graph called %s", function_part);
          return NULL;
        }
    }

  if (*node_part == '\0' || g_str_has_suffix (node_part, "/") || g_str_has_prefix (node_part, "/"))
    {
      g_set_error (error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_NOT_FOUND,
                   "'%s' is not a node name", spec);
      return NULL;
    }

  slash = strrchr (node_part, '/');
  local_name = slash != NULL ? slash + 1 : node_part;
  named = agviz_store_list_nodes_named (self->store, local_name, error);
  if (named == NULL)
    return NULL;

  for (guint pass = 0; pass < 2 && matches->len == 0; pass++)
    {
      for (guint i = 0; i < named->len; i++)
        {
          AgvizNode *node = g_ptr_array_index (named, i);
          gsize node_length = strlen (node->name), part_length = strlen (node_part);
          gboolean in_trace = allowed_traces == NULL;

          for (guint j = 0; allowed_traces != NULL && j < allowed_traces->len; j++)
            in_trace |= g_array_index (allowed_traces, gint64, j) == node->trace_id;
          if (!in_trace)
            continue;

          /* An exact full name wins over suffixes ("Identity" is not "a/Identity"). */
          if (pass == 0 ? g_str_equal (node->name, node_part)
                        : (node_length > part_length &&
                           g_str_has_suffix (node->name, node_part) &&
                           node->name[node_length - part_length - 1] == '/'))
            g_ptr_array_add (matches, node);
        }
    }

  if (matches->len == 0)
    {
      g_set_error (error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_NOT_FOUND,
                   "no node %s%s%s", node_part, function_part != NULL ? " in " : "",
                   function_part != NULL ? function_part : "");
      return NULL;
    }
  if (matches->len > 1)
    {
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < matches->len; i++)
        {
          AgvizNode *node = g_ptr_array_index (matches, i);
          g_autofree char *where = describe_trace (self, node->trace_id);

          if (i == 8)
            {
              g_string_append_printf (names, ", and %u more", matches->len - i);
              break;
            }
          g_string_append_printf (names, "%s%s:%s", i > 0 ? ", " : "", where, node->name);
        }
      g_set_error (error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_AMBIGUOUS,
                   "%s matches %u nodes: %s", spec, matches->len, names->str);
      return NULL;
    }

  /* The array owns its nodes: hand out the match, leave the rest to be freed. */
  for (guint i = 0; i < named->len; i++)
    {
      if (g_ptr_array_index (named, i) == g_ptr_array_index (matches, 0))
        return g_ptr_array_steal_index (named, i);
    }
  g_assert_not_reached ();
}
