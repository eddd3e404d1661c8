/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-import-backends.c: the table of framework backends and what AgvizImporter detects
 *
 * Every format belongs to exactly one backend; directories and files are told apart by their
 * layout and bytes, and when no backend recognises a source the error says what each one
 * looked for or tried.
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "agviz-import-backend.h"
#include "agviz-text-format.h"
#include "agviz-tf-graph.pb-c.h"
#include "agviz-tf-summary.pb-c.h"
#include "agviz-tfrecord-reader.h"

typedef struct
{
  char *dir;
} Scratch;

static void
scratch_setup (Scratch       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->dir = g_dir_make_tmp ("agviz-backends-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_dir_close (dir);
      g_assert_cmpint (g_rmdir (path), ==, 0);
    }
  else
    g_assert_cmpint (g_remove (path), ==, 0);
}

static void
scratch_teardown (Scratch       *fx,
                  gconstpointer  data)
{
  remove_tree (fx->dir);
  g_free (fx->dir);
}

/* Writes @length bytes of @contents to @relative in the scratch folder (folders made on the
 * way) and returns its path. */
static char *
write_file (Scratch    *fx,
            const char *relative,
            const void *contents,
            gssize      length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fx->dir, relative, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, length, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static GByteArray *
graph_def_bytes (void)
{
  g_autoptr(GError) error = NULL;
  const char *text = "node { name: 'x' op: 'Const' } node { name: 'y' op: 'Neg' input: 'x' }";
  GByteArray *bytes = agviz_text_format_parse (&agviz_tf__graph_def__descriptor, text,
                                               strlen (text), NULL, &error);

  g_assert_no_error (error);
  return bytes;
}

/* A TFRecord stream of one Event holding @graph. */
static GByteArray *
event_stream (GByteArray *graph)
{
  AgvizTf__Event event = AGVIZ_TF__EVENT__INIT;
  GByteArray *stream = g_byte_array_new ();
  g_autofree guint8 *packed = NULL;

  event.wall_time = 1700000000.0;
  event.what_case = AGVIZ_TF__EVENT__WHAT_GRAPH_DEF;
  event.graph_def.data = graph->data;
  event.graph_def.len = graph->len;
  packed = g_malloc (agviz_tf__event__get_packed_size (&event));
  agviz_tfrecord_append (stream, packed, agviz_tf__event__pack (&event, packed));
  return stream;
}

static AgvizSourceFormat
detect (const char  *path,
        GError     **error)
{
  return agviz_importer_detect_format (path, error);
}

static void
test_formats_named_once (void)
{
  guint n_backends = 0;

  for (AgvizSourceFormat format = AGVIZ_SOURCE_FORMAT_TFDBG_DUMP;
       format <= AGVIZ_SOURCE_FORMAT_TORCHSCRIPT_IR; format++)
    {
      guint owners = 0;

      for (guint b = 0; _agviz_import_backends[b] != NULL; b++)
        for (const AgvizImportFormatName *f = _agviz_import_backends[b]->formats;
             f->name != NULL; f++)
          if (f->format == format)
            {
              owners++;
              g_assert_cmpstr (agviz_source_format_to_string (format), ==, f->name);
            }
      g_assert_cmpuint (owners, ==, 1);
    }
  g_assert_cmpstr (agviz_source_format_to_string (AGVIZ_SOURCE_FORMAT_UNKNOWN), ==, "unknown");

  for (guint b = 0; _agviz_import_backends[b] != NULL; b++)
    {
      const AgvizImportBackend *backend = _agviz_import_backends[b];

      n_backends++;
      g_assert_nonnull (backend->framework);
      /* A backend that imports no directories has neither (JAX's: files only). */
      g_assert_true ((backend->looks_for_in_directories == NULL) ==
                     (backend->recognise_directory == NULL));
      g_assert_nonnull (backend->tries_on_files);
      g_assert_nonnull (backend->recognise_file);
      g_assert_nonnull (backend->import);
    }
  g_assert_cmpuint (n_backends, >=, 1);
}

static void
test_directories (Scratch       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) graph = graph_def_bytes ();
  g_autoptr(GByteArray) stream = event_stream (graph);
  g_autofree char *empty = g_build_filename (fx->dir, "empty", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *dump = NULL, *model = NULL, *log = NULL;
  g_autofree char *path = NULL;

  g_assert_cmpint (g_mkdir (empty, 0700), ==, 0);
  g_assert_cmpint (detect (empty, &error), ==, AGVIZ_SOURCE_FORMAT_UNKNOWN);
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING);
  expected = g_strdup_printf ("%s: nothing to import in this directory (looked for "
                              "tfdbg_events.* files, saved_model.pb or .pbtxt, and "
                              "events.out.tfevents.* files up to 4 folders deep; "
                              "jax_dump_ir_to files (jax_irN_*.mlir) and agviz record's "
                              "jax-log.txt; dedicated_log_torch_trace*.log files "
                              "(TORCH_TRACE=DIR))", empty);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  path = write_file (fx, "dump/tfdbg_events.1.host.metadata", "", 0);
  dump = g_path_get_dirname (path);
  g_assert_cmpint (detect (dump, NULL), ==, AGVIZ_SOURCE_FORMAT_TFDBG_DUMP);
  g_free (path);
  path = write_file (fx, "model/saved_model.pbtxt", "", 0);
  model = g_path_get_dirname (path);
  g_assert_cmpint (detect (model, NULL), ==, AGVIZ_SOURCE_FORMAT_SAVED_MODEL);
  g_free (path);
  /* Event files four folders down make a log directory; five down are too deep. */
  path = write_file (fx, "logs/a/b/c/d/events.out.tfevents.1.host", stream->data, stream->len);
  log = g_build_filename (fx->dir, "logs", NULL);
  g_assert_cmpint (detect (log, NULL), ==, AGVIZ_SOURCE_FORMAT_LOG_DIR);
  g_clear_pointer (&log, g_free);
  log = g_build_filename (fx->dir, "logs", "a", NULL);
  g_assert_cmpint (detect (log, NULL), ==, AGVIZ_SOURCE_FORMAT_LOG_DIR);
  g_free (path);
  path = write_file (fx, "deep/a/b/c/d/e/events.out.tfevents.1.host", stream->data,
                     stream->len);
  g_clear_pointer (&log, g_free);
  log = g_build_filename (fx->dir, "deep", NULL);
  g_assert_cmpint (detect (log, &error), ==, AGVIZ_SOURCE_FORMAT_UNKNOWN);
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING);
}

static void
test_files (Scratch       *fx,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) graph = graph_def_bytes ();
  g_autoptr(GByteArray) stream = event_stream (graph);
  g_autofree char *expected = NULL;
  char *path;

  path = write_file (fx, "events.out.tfevents.1.host", stream->data, stream->len);
  g_assert_cmpint (detect (path, NULL), ==, AGVIZ_SOURCE_FORMAT_EVENT_FILE);
  g_free (path);
  /* The same framing named as tfdbg2 names its files is one file of a dump. */
  path = write_file (fx, "tfdbg_events.1.host.execution", stream->data, stream->len);
  g_assert_cmpint (detect (path, NULL), ==, AGVIZ_SOURCE_FORMAT_TFDBG_DUMP);
  g_free (path);

  path = write_file (fx, "model.pb", graph->data, graph->len);
  g_assert_cmpint (detect (path, NULL), ==, AGVIZ_SOURCE_FORMAT_GRAPH_DEF);
  g_free (path);
  path = write_file (fx, "graph.txt", "# a graph\nnode { name: 'x' op: 'Const' }\n", -1);
  g_assert_cmpint (detect (path, NULL), ==, AGVIZ_SOURCE_FORMAT_GRAPH_DEF);
  g_free (path);
  path = write_file (fx, "stacks.txt", "files: 'a.py' traces { key: 'x' }\n", -1);
  g_assert_cmpint (detect (path, NULL), ==, AGVIZ_SOURCE_FORMAT_GRAPH_DEBUG_INFO);
  g_free (path);
  /* A field no type knows fits none of them: the name breaks the tie, where it says. */
  {
    static const guint8 unknown_field[] = { 0x98, 0x06, 0x01 };
    static const struct
    {
      const char        *name;
      AgvizSourceFormat  format;
    } names[] = {
      { "x.meta", AGVIZ_SOURCE_FORMAT_META_GRAPH_DEF },
      { "saved_model.pb", AGVIZ_SOURCE_FORMAT_SAVED_MODEL },
      { "run_metadata.pb", AGVIZ_SOURCE_FORMAT_RUN_METADATA },
      { "graph.debug", AGVIZ_SOURCE_FORMAT_GRAPH_DEBUG_INFO },
      { "plain.pb", AGVIZ_SOURCE_FORMAT_UNKNOWN },
    };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        path = write_file (fx, names[i].name, unknown_field, sizeof unknown_field);
        g_assert_cmpint (detect (path, NULL), ==, names[i].format);
        g_free (path);
      }
  }

  /* Text that is no message of TensorFlow's: parsed as a graph when named like one. */
  path = write_file (fx, "notes.pbtxt", "hello there\n", -1);
  g_assert_cmpint (detect (path, NULL), ==, AGVIZ_SOURCE_FORMAT_GRAPH_DEF);
  g_free (path);
  path = write_file (fx, "notes.txt", "hello there\n", -1);
  g_assert_cmpint (detect (path, &error), ==, AGVIZ_SOURCE_FORMAT_UNKNOWN);
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_UNKNOWN_FORMAT);
  expected = g_strdup_printf ("%s: unknown format (tried: TFRecord streams (TensorBoard event "
                              "files, tfdbg2 dumps), and GraphDef, MetaGraphDef, SavedModel, "
                              "RunMetadata and GraphDebugInfo messages, binary and text; "
                              "StableHLO/MLIR text (.mlir files, and text starting with module, "
                              "func.func or a #loc alias), JAX's cache-miss and compile log; TORCH_TRACE logs (lines "
                              "'V1206 15:18:20.253000 PID path:line] {json}'); torch.compile logs "
                              "(TORCH_LOGS=recompiles,graph_breaks text); ONNX models (.onnx files, and "
                              "binary ModelProtos), torch.export programs (.pt2 archives) and "
                              "TorchScript IR text (starting with graph(%%...))", path);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);
  g_free (path);

  path = write_file (fx, "empty.pb", "", 0);
  g_assert_cmpint (detect (path, &error), ==, AGVIZ_SOURCE_FORMAT_UNKNOWN);
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_UNKNOWN_FORMAT);
  g_assert_true (g_str_has_suffix (error->message, "(starting with graph(%...)); the file is empty"));
  g_clear_error (&error);
  g_free (path);

  path = g_build_filename (fx->dir, "missing.pb", NULL);
  g_assert_cmpint (detect (path, &error), ==, AGVIZ_SOURCE_FORMAT_UNKNOWN);
  g_assert_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_MISSING);
  g_free (path);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/agviz/import/backends/formats-named-once", test_formats_named_once);
  g_test_add ("/agviz/import/backends/directories", Scratch, NULL, scratch_setup,
              test_directories, scratch_teardown);
  g_test_add ("/agviz/import/backends/files", Scratch, NULL, scratch_setup, test_files,
              scratch_teardown);
  return g_test_run ();
}
