/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-source-roots.c: the source folders located per opened file (see agviz-source-roots.h) */
#define G_LOG_DOMAIN "agviz-source-roots"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "agviz-source-roots.h"

#define KEY_PATH "path"
#define KEY_RECORDED "recorded-folders"
#define KEY_LOCAL "local-folders"

void
agviz_source_root_free (AgvizSourceRoot *root)
{
  if (root == NULL)
    return;
  g_free (root->recorded_folder);
  g_free (root->local_folder);
  g_free (root);
}

char *
agviz_source_roots_get_key_file (void)
{
  return g_build_filename (g_get_user_data_dir (), "agviz", "source-roots.ini", NULL);
}

/* The opened file's path with links resolved, so that the same file reached two ways (a
 * symbolic link, "..") keeps one set of mappings. */
static char *
canonical_path (GFile   *opened,
                GError **error)
{
  const char *path = g_file_peek_path (opened);
  char *resolved;

  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Source folders are kept only for local files"));
      return NULL;
    }
  resolved = realpath (path, NULL);
  if (resolved != NULL)
    {
      /* realpath()'s buffer comes from malloc, not g_malloc. */
      char *copy = g_strdup (resolved);
      free (resolved);
      return copy;
    }
  return g_canonicalize_filename (path, NULL);
}

/* A group name GKeyFile accepts whatever bytes the path holds; the path itself is kept under
 * KEY_PATH for people reading the file. */
static char *
group_for (const char *canonical)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, canonical, -1);
}

/* The key file as it is on disk, or empty when there is none yet. */
static GKeyFile *
read_key_file (const char  *key_file,
               GError     **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;

  if (!g_key_file_load_from_file (keys, key_file, G_KEY_FILE_KEEP_COMMENTS, &local_error) &&
      !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("Cannot read %s: %s"),
                   key_file, local_error->message);
      return NULL;
    }
  return g_steal_pointer (&keys);
}

GPtrArray *
agviz_source_roots_load (GFile   *opened,
                         GError **error)
{
  g_autoptr(GPtrArray) roots = g_ptr_array_new_with_free_func ((GDestroyNotify) agviz_source_root_free);
  g_autofree char *key_file = agviz_source_roots_get_key_file ();
  g_autofree char *canonical = NULL;
  g_autofree char *group = NULL;
  g_autofree char *kept_path = NULL;
  g_autoptr(GKeyFile) keys = NULL;
  g_auto(GStrv) recorded = NULL;
  g_auto(GStrv) local = NULL;
  gsize n_recorded = 0, n_local = 0;

  g_return_val_if_fail (G_IS_FILE (opened), NULL);

  canonical = canonical_path (opened, NULL);
  if (canonical == NULL)
    return g_steal_pointer (&roots);
  keys = read_key_file (key_file, error);
  if (keys == NULL)
    return NULL;
  group = group_for (canonical);
  kept_path = g_key_file_get_string (keys, group, KEY_PATH, NULL);
  if (g_strcmp0 (kept_path, canonical) != 0)
    return g_steal_pointer (&roots);

  recorded = g_key_file_get_string_list (keys, group, KEY_RECORDED, &n_recorded, NULL);
  local = g_key_file_get_string_list (keys, group, KEY_LOCAL, &n_local, NULL);
  for (gsize i = 0; i < MIN (n_recorded, n_local); i++)
    {
      AgvizSourceRoot *root;

      /* Edited by hand into something agviz_source_map_add_root_folders() would refuse. */
      if (recorded[i][0] == '\0' || local[i][0] == '\0')
        continue;
      root = g_new0 (AgvizSourceRoot, 1);
      root->recorded_folder = g_strdup (recorded[i]);
      root->local_folder = g_strdup (local[i]);
      g_ptr_array_add (roots, root);
    }
  return g_steal_pointer (&roots);
}

gboolean
agviz_source_roots_remember (GFile       *opened,
                             const char  *recorded_folder,
                             const char  *local_folder,
                             GError     **error)
{
  g_autofree char *key_file = agviz_source_roots_get_key_file ();
  g_autofree char *folder = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *group = NULL;
  g_autofree char *kept_path = NULL;
  g_autoptr(GKeyFile) keys = NULL;
  g_auto(GStrv) recorded = NULL;
  g_auto(GStrv) local = NULL;
  g_autoptr(GPtrArray) new_recorded = g_ptr_array_new ();
  g_autoptr(GPtrArray) new_local = g_ptr_array_new ();
  g_autofree char *comment = NULL;
  gsize n_recorded = 0, n_local = 0;

  g_return_val_if_fail (G_IS_FILE (opened), FALSE);
  g_return_val_if_fail (recorded_folder != NULL && *recorded_folder != '\0', FALSE);
  g_return_val_if_fail (local_folder != NULL && *local_folder != '\0', FALSE);

  canonical = canonical_path (opened, error);
  if (canonical == NULL)
    return FALSE;
  /* A key file is UTF-8 only: one name in another encoding would make the whole file
   * unreadable, and every other file's mappings with it. */
  if (!g_utf8_validate (canonical, -1, NULL) || !g_utf8_validate (recorded_folder, -1, NULL) ||
      !g_utf8_validate (local_folder, -1, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   _("A folder or file name is not valid UTF-8, so it cannot be kept in %s"),
                   key_file);
      return FALSE;
    }
  keys = read_key_file (key_file, error);
  if (keys == NULL)
    return FALSE;

  group = group_for (canonical);
  kept_path = g_key_file_get_string (keys, group, KEY_PATH, NULL);
  if (g_strcmp0 (kept_path, canonical) == 0)
    {
      recorded = g_key_file_get_string_list (keys, group, KEY_RECORDED, &n_recorded, NULL);
      local = g_key_file_get_string_list (keys, group, KEY_LOCAL, &n_local, NULL);
    }
  for (gsize i = 0; i < MIN (n_recorded, n_local); i++)
    {
      if (g_str_equal (recorded[i], recorded_folder))
        continue;
      g_ptr_array_add (new_recorded, recorded[i]);
      g_ptr_array_add (new_local, local[i]);
    }
  g_ptr_array_add (new_recorded, (char *) recorded_folder);
  g_ptr_array_add (new_local, (char *) local_folder);

  comment = g_key_file_get_comment (keys, NULL, NULL, NULL);
  if (comment == NULL)
    g_key_file_set_comment (keys, NULL, NULL,
                            " Source folders located in agviz: for each opened file (its path),\n"
                            " where the folders the recording machine named are on this one.",
                            NULL);
  g_key_file_remove_group (keys, group, NULL);
  g_key_file_set_string (keys, group, KEY_PATH, canonical);
  g_key_file_set_string_list (keys, group, KEY_RECORDED,
                              (const char * const *) new_recorded->pdata, new_recorded->len);
  g_key_file_set_string_list (keys, group, KEY_LOCAL,
                              (const char * const *) new_local->pdata, new_local->len);

  folder = g_path_get_dirname (key_file);
  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot create %s: %s"),
                   folder, g_strerror (saved));
      return FALSE;
    }
  /* Written to a new file and renamed over the old one: never half a key file. */
  return g_key_file_save_to_file (keys, key_file, error);
}
