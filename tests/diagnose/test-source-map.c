/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-source-map.c: frames classified, source text found (captured, disk, remapped, changed,
 * missing), nodes found from what users type */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "test-trace-builder.h"

static void
test_classify (void)
{
  static const struct { const char *path; AgvizFrameOrigin origin; } cases[] = {
    { "/home/user/demo.py", AGVIZ_FRAME_ORIGIN_USER },
    { "train.py", AGVIZ_FRAME_ORIGIN_USER },
    { "/usr/lib/python3/dist-packages/tensorflow/python/ops/math_ops.py", AGVIZ_FRAME_ORIGIN_FRAMEWORK },
    { "/venv/lib/python3.11/site-packages/keras/src/engine/training.py", AGVIZ_FRAME_ORIGIN_FRAMEWORK },
    { "/opt/tf/tensorflow/python/eager/polymorphic_function/polymorphic_function.py", AGVIZ_FRAME_ORIGIN_FRAMEWORK },
    { "/tmp/__autograph_generated_filek2j3.py", AGVIZ_FRAME_ORIGIN_FRAMEWORK },
    { "<frozen runpy>", AGVIZ_FRAME_ORIGIN_FRAMEWORK },
    { "/usr/lib/python3.11/runpy.py", AGVIZ_FRAME_ORIGIN_FRAMEWORK },
    /* TF's own rule: tests count as user code, even in the framework's tree. */
    { "/src/tensorflow/python/ops/math_ops_test.py", AGVIZ_FRAME_ORIGIN_USER },
    /* A user's folder merely called "python" is not the standard library. */
    { "/home/user/lib/python/model.py", AGVIZ_FRAME_ORIGIN_USER },
    { "C:\\Users\\me\\site-packages\\keras\\layers.py", AGVIZ_FRAME_ORIGIN_FRAMEWORK },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].path);
      g_assert_cmpint (agviz_source_map_classify_path (cases[i].path), ==, cases[i].origin);
    }
}

static void
test_stack_and_defining_frame (void)
{
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(AgvizSourceMap) map = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  g_autoptr(GError) error = NULL;
  AgvizSourceFrame *frame;
  gint64 stack;

  trace_builder_init (&b, "a = 1\nb = 2\nc = 3\n");
  stack = trace_builder_stack (&b, 3, "f");
  store = trace_builder_finish (&b);
  map = agviz_source_map_new (store);

  frames = agviz_source_map_get_stack (map, stack, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (frames->len, ==, 3);
  g_assert_cmpint (agviz_source_map_find_defining_frame (frames), ==, 1);
  frame = g_ptr_array_index (frames, 1);
  g_assert_true (frame->defining);
  g_assert_cmpint (frame->origin, ==, AGVIZ_FRAME_ORIGIN_USER);
  g_assert_cmpstr (frame->frame->source_line, ==, "c = 3");
  frame = g_ptr_array_index (frames, 2);
  g_assert_false (frame->defining);
  g_assert_cmpint (frame->origin, ==, AGVIZ_FRAME_ORIGIN_FRAMEWORK);
  /* The framework's file is neither captured nor on this machine. */
  g_assert_null (frame->frame->source_line);

  g_assert_null (agviz_source_map_get_stack (map, 9999, &error));
  g_assert_error (error, AGVIZ_STORE_ERROR, AGVIZ_STORE_ERROR_NOT_FOUND);
  trace_builder_clear (&b);
}

static void
write_file (const char *path,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static void
test_disk_sources (void)
{
  static const char recorded[] = "x = 1\ny = 2\nz = 3\n";
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(AgvizSourceMap) map = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, recorded, -1);
  g_autofree char *root = NULL, *mapping = NULL, *hashed_copy = NULL, *plain_copy = NULL;
  g_autofree char *remapped = NULL;
  g_autofree char *note = NULL;
  gint64 hashed, plain;
  int first = 0;

  /* No captured text: one file with only its hash, one with nothing. */
  trace_builder_init (&b, NULL);
  hashed = agviz_recorder_add_file (b.recorder, "ci", "/build/src/hashed.py", &error);
  g_assert_no_error (error);
  agviz_recorder_set_file_sha256 (b.recorder, hashed, checksum, &error);
  g_assert_no_error (error);
  g_assert_false (agviz_recorder_set_file_sha256 (b.recorder, hashed, "not-a-hash", &error));
  g_assert_error (error, AGVIZ_RECORDER_ERROR, AGVIZ_RECORDER_ERROR_INVALID);
  g_clear_error (&error);
  plain = agviz_recorder_add_file (b.recorder, "ci", "/build/src/plain.py", &error);
  g_assert_no_error (error);
  (void) plain;
  store = trace_builder_finish (&b);
  map = agviz_source_map_new (store);

  /* Nothing on this machine at the recorded path. */
  g_assert_cmpint (agviz_source_map_get_lines (map, "/build/src/hashed.py", 1, 3, &lines, &first,
                                               &note), ==, AGVIZ_SOURCE_STATUS_MISSING);
  g_assert_cmpuint (lines->len, ==, 0);
  g_assert_nonnull (strstr (note, "--source-root"));
  g_clear_pointer (&lines, g_ptr_array_unref);
  g_clear_pointer (&note, g_free);

  /* --source-root /build=ROOT, with the identical file and a changed one. */
  root = g_build_filename (b.dir, "checkout", NULL);
  g_assert_cmpint (g_mkdir_with_parents (root, 0700), ==, 0);
  {
    g_autofree char *src = g_build_filename (root, "src", NULL);
    g_assert_cmpint (g_mkdir_with_parents (src, 0700), ==, 0);
  }
  hashed_copy = g_build_filename (root, "src", "hashed.py", NULL);
  plain_copy = g_build_filename (root, "src", "plain.py", NULL);
  write_file (hashed_copy, recorded);
  write_file (plain_copy, "p = 0\n");

  g_assert_false (agviz_source_map_add_root (map, "no-equals-sign", &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error (&error);
  mapping = g_strdup_printf ("/build/=%s", root);
  g_assert_true (agviz_source_map_add_root (map, mapping, &error));
  g_assert_no_error (error);
  remapped = agviz_source_map_remap_path (map, "/build/src/hashed.py");
  g_assert_cmpstr (remapped, ==, hashed_copy);
  g_clear_pointer (&remapped, g_free);
  /* Only whole directory names match. */
  remapped = agviz_source_map_remap_path (map, "/builder/x.py");
  g_assert_cmpstr (remapped, ==, "/builder/x.py");

  g_assert_cmpint (agviz_source_map_get_lines (map, "/build/src/hashed.py", 2, 9, &lines, &first,
                                               &note), ==, AGVIZ_SOURCE_STATUS_DISK_VERIFIED);
  g_assert_cmpint (first, ==, 2);
  g_assert_cmpuint (lines->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (lines, 0), ==, "y = 2");
  g_assert_null (note);
  g_clear_pointer (&lines, g_ptr_array_unref);

  g_assert_cmpint (agviz_source_map_get_lines (map, "/build/src/plain.py", 1, 1, &lines, &first,
                                               NULL), ==, AGVIZ_SOURCE_STATUS_DISK);
  g_assert_cmpstr (g_ptr_array_index (lines, 0), ==, "p = 0");
  g_clear_pointer (&lines, g_ptr_array_unref);

  /* Edited since the recording: reported, and never shown as the code that ran. */
  write_file (hashed_copy, "x = 1\ny = 20\nz = 3\n");
  g_assert_true (agviz_source_map_add_root (map, mapping, &error));   /* forgets what it read */
  g_assert_cmpint (agviz_source_map_get_lines (map, "/build/src/hashed.py", 1, 3, &lines, &first,
                                               &note), ==, AGVIZ_SOURCE_STATUS_CHANGED);
  g_assert_cmpuint (lines->len, ==, 0);
  g_assert_nonnull (strstr (note, "has changed since the trace was recorded"));
  g_assert_null (agviz_source_map_get_line (map, "/build/src/hashed.py", 2));

  g_remove (hashed_copy);
  g_remove (plain_copy);
  {
    g_autofree char *src = g_build_filename (root, "src", NULL);
    g_rmdir (src);
  }
  g_rmdir (root);
  trace_builder_clear (&b);
}

/* Captured text wins over disk; a disk copy that differs is mentioned. */
static void
test_captured_beats_disk (void)
{
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(AgvizSourceMap) map = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *mapping = NULL, *copy = NULL, *note = NULL;
  int first = 0;

  trace_builder_init (&b, "recorded = True\n");
  store = trace_builder_finish (&b);
  map = agviz_source_map_new (store);
  copy = g_build_filename (b.dir, "prog.py", NULL);
  write_file (copy, "edited = True\n");
  mapping = g_strdup_printf ("/src=%s", b.dir);
  g_assert_true (agviz_source_map_add_root (map, mapping, &error));

  g_assert_cmpint (agviz_source_map_get_lines (map, PROGRAM_PATH, 1, 1, &lines, &first, &note),
                   ==, AGVIZ_SOURCE_STATUS_CAPTURED);
  g_assert_cmpstr (g_ptr_array_index (lines, 0), ==, "recorded = True");
  g_assert_nonnull (strstr (note, "differs from the recorded file"));
  g_remove (copy);
  trace_builder_clear (&b);
}

/* Makes the folders above @path and writes @text there. */
static void
write_file_in_tree (const char *path,
                    const char *text)
{
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  write_file (path, text);
}

/* The remapping a folder chosen in the app gives: the recorded directory whose rest of the path
 * is a file under the folder, the longest such rest first, a copy with the recorded hash before
 * any other; nothing when no rest is there. */
static void
test_find_root (void)
{
  static const char recorded[] = "w = 1\n";
  static const char recorded_path[] = "/home/alice/proj/src/model.py";
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(AgvizSourceMap) map = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, recorded, -1);
  g_autofree char *proj = NULL, *with_slash = NULL, *old_folder = NULL, *new_folder = NULL;
  g_autofree char *flat = NULL, *file = NULL;
  g_autofree char *line = NULL;
  gint64 id;

  trace_builder_init (&b, NULL);
  id = agviz_recorder_add_file (b.recorder, "laptop", recorded_path, &error);
  g_assert_no_error (error);
  g_assert_true (agviz_recorder_set_file_sha256 (b.recorder, id, checksum, &error));
  store = trace_builder_finish (&b);
  map = agviz_source_map_new (store);
  g_assert_null (agviz_source_map_get_line (map, recorded_path, 1));

  /* The example of the app: the project's folder here holds src/model.py. */
  proj = g_build_filename (b.dir, "work", "proj", NULL);
  file = g_build_filename (proj, "src", "model.py", NULL);
  write_file_in_tree (file, recorded);
  with_slash = g_strconcat (proj, "/", NULL);
  g_assert_true (agviz_source_map_find_root (map, recorded_path, with_slash, &old_folder,
                                             &new_folder, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (old_folder, ==, "/home/alice/proj");
  g_assert_cmpstr (new_folder, ==, proj);
  /* Finding adds nothing; adding makes the file readable, checked against its hash. */
  g_assert_null (agviz_source_map_get_line (map, recorded_path, 1));
  agviz_source_map_add_root_folders (map, old_folder, new_folder);
  line = agviz_source_map_get_line (map, recorded_path, 1);
  g_assert_cmpstr (line, ==, "w = 1");
  g_assert_cmpint (agviz_source_map_get_lines (map, recorded_path, 1, 1, NULL, NULL, NULL), ==,
                   AGVIZ_SOURCE_STATUS_DISK_VERIFIED);
  g_clear_pointer (&old_folder, g_free);
  g_clear_pointer (&new_folder, g_free);

  /* Another model.py right in the folder: the longer agreeing path still wins. */
  flat = g_build_filename (proj, "model.py", NULL);
  write_file (flat, "unrelated = True\n");
  g_assert_true (agviz_source_map_find_root (map, recorded_path, proj, &old_folder, &new_folder,
                                             &error));
  g_assert_cmpstr (old_folder, ==, "/home/alice/proj");
  g_clear_pointer (&old_folder, g_free);
  g_clear_pointer (&new_folder, g_free);

  /* ... unless only the shorter one is the file that ran. */
  write_file (file, "w = 2\n");
  write_file (flat, recorded);
  g_assert_true (agviz_source_map_find_root (map, recorded_path, proj, &old_folder, &new_folder,
                                             &error));
  g_assert_cmpstr (old_folder, ==, "/home/alice/proj/src");
  g_assert_cmpstr (new_folder, ==, proj);
  g_clear_pointer (&old_folder, g_free);
  g_clear_pointer (&new_folder, g_free);

  /* Mapping the same recorded folder again replaces the first mapping. */
  {
    g_autofree char *src = g_build_filename (proj, "src", NULL);
    g_autofree char *expected = g_build_filename (src, "src", "model.py", NULL);
    g_autofree char *remapped = NULL;

    agviz_source_map_add_root_folders (map, "/home/alice/proj", src);
    remapped = agviz_source_map_remap_path (map, recorded_path);
    g_assert_cmpstr (remapped, ==, expected);
  }

  /* Nothing under the folder: said, and nothing set. */
  g_assert_false (agviz_source_map_find_root (map, "/home/alice/proj/src/other.py", proj,
                                              &old_folder, &new_folder, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (old_folder);
  g_assert_null (new_folder);
  g_clear_error (&error);
  /* A rest of the path that climbs out of the folder is not looked at. */
  g_assert_false (agviz_source_map_find_root (map, "/x/../model.py", file, &old_folder,
                                              &new_folder, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_clear_error (&error);
  {
    g_autofree char *src = g_build_filename (proj, "src", NULL);

    /* "../model.py" under src/ is the folder's model.py; the rest "model.py" is src's own. */
    g_assert_true (agviz_source_map_find_root (map, "/a/../model.py", src, &old_folder,
                                               &new_folder, &error));
    g_assert_cmpstr (old_folder, ==, "/a/..");
    g_assert_cmpstr (new_folder, ==, src);
    g_clear_pointer (&old_folder, g_free);
    g_clear_pointer (&new_folder, g_free);
  }
  g_assert_false (agviz_source_map_find_root (map, "<ipython-input-3-f00>", proj, &old_folder,
                                              &new_folder, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* A path recorded at the root maps "/" itself. */
  g_assert_true (agviz_source_map_find_root (map, "/model.py", proj, &old_folder, &new_folder,
                                             &error));
  g_assert_cmpstr (old_folder, ==, "/");
  g_assert_cmpstr (new_folder, ==, proj);

  g_remove (file);
  g_remove (flat);
  {
    g_autofree char *src = g_build_filename (proj, "src", NULL);
    g_autofree char *work = g_build_filename (b.dir, "work", NULL);
    g_rmdir (src);
    g_rmdir (proj);
    g_rmdir (work);
  }
  trace_builder_clear (&b);
}

static void
test_find_node (void)
{
  TraceBuilder b = { 0 };
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(AgvizSourceMap) map = NULL;
  g_autoptr(GError) error = NULL;
  gint64 fn, other, t1, t2, t3;
  struct { const char *spec; const char *name; gint64 *trace; } found[] = {
    { "model/dense/MatMul", "model/dense/MatMul", &t1 },
    { "dense/MatMul", "model/dense/MatMul", &t1 },
    { "f#2:MatMul", "MatMul", &t2 },
    { "__inference_f_2:MatMul", "MatMul", &t2 },
    { "g:MatMul", "MatMul", &t3 },
    { "f#1:MatMul:0", "model/dense/MatMul", &t1 },
    { "Identity", "Identity", &t3 },
    /* An exact full name beats a suffix: "MatMul" of trace 2, not model/dense/MatMul. */
    { "f:MatMul", "MatMul", &t2 },
  };
  static const struct { const char *spec; int code; } failing[] = {
    { "MatMul", AGVIZ_STORE_ERROR_AMBIGUOUS },
    { "nothing", AGVIZ_STORE_ERROR_NOT_FOUND },
    { "nofunction:MatMul", AGVIZ_STORE_ERROR_NOT_FOUND },
    { "ense/MatMul", AGVIZ_STORE_ERROR_NOT_FOUND },
    { "dense/", AGVIZ_STORE_ERROR_NOT_FOUND },
    { "", AGVIZ_STORE_ERROR_NOT_FOUND },
  };

  trace_builder_init (&b, NULL);
  fn = trace_builder_function (&b, "f", 1);
  other = trace_builder_function (&b, "g", 1);
  t1 = trace_builder_begin (&b, fn, "__inference_f_1", "");
  trace_builder_node (&b, t1, "model/dense/MatMul", "MatMul", 0);
  trace_builder_end (&b, t1, AGVIZ_TRACE_STATUS_COMPLETE);
  t2 = trace_builder_begin (&b, fn, "__inference_f_2", "");
  trace_builder_node (&b, t2, "MatMul", "MatMul", 0);
  trace_builder_end (&b, t2, AGVIZ_TRACE_STATUS_COMPLETE);
  t3 = trace_builder_begin (&b, other, "__inference_g_3", "");
  trace_builder_node (&b, t3, "MatMul", "MatMul", 0);
  trace_builder_node (&b, t3, "Identity", "Identity", 0);
  trace_builder_node (&b, t3, "scope/Identity", "Identity", 0);
  trace_builder_end (&b, t3, AGVIZ_TRACE_STATUS_COMPLETE);
  store = trace_builder_finish (&b);
  map = agviz_source_map_new (store);

  for (guint i = 0; i < G_N_ELEMENTS (found); i++)
    {
      g_autoptr(AgvizNode) node = agviz_source_map_find_node (map, found[i].spec, &error);

      g_test_message ("%s", found[i].spec);
      g_assert_no_error (error);
      g_assert_cmpstr (node->name, ==, found[i].name);
      g_assert_cmpint (node->trace_id, ==, *found[i].trace);
    }
  for (guint i = 0; i < G_N_ELEMENTS (failing); i++)
    {
      g_test_message ("%s", failing[i].spec);
      g_assert_null (agviz_source_map_find_node (map, failing[i].spec, &error));
      g_assert_error (error, AGVIZ_STORE_ERROR, failing[i].code);
      g_clear_error (&error);
    }

  /* An ambiguity lists names that can be typed back. */
  g_assert_null (agviz_source_map_find_node (map, "MatMul", &error));
  g_assert_nonnull (strstr (error->message, "f#2:MatMul"));
  g_assert_nonnull (strstr (error->message, "g:MatMul"));
  trace_builder_clear (&b);
}

/* A trace file names paths someone else chose: devices and FIFOs are never read (reading
 * /dev/zero would never end, a FIFO would block forever). */
static void
test_special_files_not_read (void)
{
  g_autoptr(AgvizStore) store = NULL;
  g_autoptr(AgvizSourceMap) map = NULL;
  g_autofree char *dir = g_dir_make_tmp ("agviz-source-map-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "pipe.py", NULL);
  g_autofree char *note = NULL;
  TraceBuilder b = { 0 };

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  trace_builder_init (&b, NULL);
  store = trace_builder_finish (&b);
  map = agviz_source_map_new (store);

  g_assert_null (agviz_source_map_get_line (map, "/dev/zero", 1));
  g_assert_null (agviz_source_map_get_line (map, fifo, 1));
  g_assert_cmpint (agviz_source_map_get_lines (map, "/dev/urandom", 1, 3, NULL, NULL, &note), ==,
                   AGVIZ_SOURCE_STATUS_MISSING);
  g_unlink (fifo);
  g_rmdir (dir);
  trace_builder_clear (&b);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agviz/source-map/classify", test_classify);
  g_test_add_func ("/agviz/source-map/stack-and-defining-frame", test_stack_and_defining_frame);
  g_test_add_func ("/agviz/source-map/disk-sources", test_disk_sources);
  g_test_add_func ("/agviz/source-map/captured-beats-disk", test_captured_beats_disk);
  g_test_add_func ("/agviz/source-map/find-root", test_find_root);
  g_test_add_func ("/agviz/source-map/find-node", test_find_node);
  g_test_add_func ("/agviz/source-map/special-files-not-read", test_special_files_not_read);
  return g_test_run ();
}
