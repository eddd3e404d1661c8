/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-importer.c: asking the framework backends what a source is, one batch per source */
#define G_LOG_DOMAIN "agviz-importer"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "agviz-error-text.h"
#include "agviz-import-backend.h"
#include "agviz-import-memory-private.h"
#include "agviz-proto-decoder.h"
#include "agviz-text-format.h"

G_DEFINE_QUARK (agviz-import-error-quark, agviz_import_error)

struct _AgvizImporter
{
  GObject                  parent_instance;

  AgvizRecorder           *recorder;
  gboolean                 force;
  gboolean                 torch_all_graphs;
  gboolean                 tune_heap;
  char                    *debug_info_path;
  char                    *error_log_path;
  AgvizImportProgressFunc  progress_func;
  gpointer                 progress_data;
  GDestroyNotify           progress_destroy;
  gint64                   last_progress_usec;

  AgvizImportStats         stats;
  GPtrArray               *warnings;
};

G_DEFINE_FINAL_TYPE (AgvizImporter, agviz_importer, G_TYPE_OBJECT)

static void
agviz_importer_finalize (GObject *object)
{
  AgvizImporter *self = AGVIZ_IMPORTER (object);

  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  g_clear_object (&self->recorder);
  g_free (self->debug_info_path);
  g_free (self->error_log_path);
  g_ptr_array_unref (self->warnings);

  G_OBJECT_CLASS (agviz_importer_parent_class)->finalize (object);
}

static void
agviz_importer_class_init (AgvizImporterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = agviz_importer_finalize;
}

static void
agviz_importer_init (AgvizImporter *self)
{
  self->warnings = g_ptr_array_new_with_free_func (g_free);
}

AgvizImporter *
agviz_importer_new (AgvizRecorder *recorder)
{
  AgvizImporter *self;

  g_return_val_if_fail (AGVIZ_IS_RECORDER (recorder), NULL);

  self = g_object_new (AGVIZ_TYPE_IMPORTER, NULL);
  self->recorder = g_object_ref (recorder);
  return self;
}

void
agviz_importer_set_force (AgvizImporter *self,
                          gboolean       force)
{
  g_return_if_fail (AGVIZ_IS_IMPORTER (self));
  self->force = force;
}

void
agviz_importer_set_torch_all_graphs (AgvizImporter *self,
                                     gboolean       all_graphs)
{
  g_return_if_fail (AGVIZ_IS_IMPORTER (self));
  self->torch_all_graphs = all_graphs;
}

void
agviz_importer_set_tune_heap (AgvizImporter *self,
                              gboolean       tune_heap)
{
  g_return_if_fail (AGVIZ_IS_IMPORTER (self));
  self->tune_heap = tune_heap;
}

void
agviz_importer_set_debug_info (AgvizImporter *self,
                               const char    *path)
{
  g_return_if_fail (AGVIZ_IS_IMPORTER (self));
  g_free (self->debug_info_path);
  self->debug_info_path = g_strdup (path);
}

void
agviz_importer_set_error_log (AgvizImporter *self,
                              const char    *path)
{
  g_return_if_fail (AGVIZ_IS_IMPORTER (self));
  g_free (self->error_log_path);
  self->error_log_path = g_strdup (path);
}

void
agviz_importer_set_progress_func (AgvizImporter           *self,
                                  AgvizImportProgressFunc  func,
                                  gpointer                 user_data,
                                  GDestroyNotify           destroy)
{
  g_return_if_fail (AGVIZ_IS_IMPORTER (self));
  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  self->progress_func = func;
  self->progress_data = user_data;
  self->progress_destroy = destroy;
}

const AgvizImportStats *
agviz_importer_get_stats (AgvizImporter *self)
{
  g_return_val_if_fail (AGVIZ_IS_IMPORTER (self), NULL);
  return &self->stats;
}

GPtrArray *
agviz_importer_get_warnings (AgvizImporter *self)
{
  g_return_val_if_fail (AGVIZ_IS_IMPORTER (self), NULL);
  return self->warnings;
}

/* The name of @format, and the backend that imports it; NULL for AGVIZ_SOURCE_FORMAT_UNKNOWN. */
static const AgvizImportFormatName *
find_format (AgvizSourceFormat          format,
             const AgvizImportBackend **backend)
{
  for (guint b = 0; _agviz_import_backends[b] != NULL; b++)
    for (const AgvizImportFormatName *f = _agviz_import_backends[b]->formats; f->name != NULL; f++)
      if (f->format == format)
        {
          if (backend != NULL)
            *backend = _agviz_import_backends[b];
          return f;
        }
  return NULL;
}

const char *
agviz_source_format_to_string (AgvizSourceFormat format)
{
  const AgvizImportFormatName *found = find_format (format, NULL);

  return found != NULL ? found->name : "unknown";
}

/* ---- shared helpers ---------------------------------------------------------------------- */

void
_agviz_import_warn (AgvizImportContext *ctx,
                    const char         *format,
                    ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (ctx->warnings, g_strdup_vprintf (format, args));
  va_end (args);
  ctx->stats.warnings++;
}

void
_agviz_import_progress (AgvizImportContext *ctx,
                        goffset             done,
                        goffset             total,
                        guint64             records)
{
  AgvizImporter *self = ctx->importer;
  gint64 now;

  if (self == NULL || self->progress_func == NULL)
    return;
  /* Ten reports a second at most, and the final one always. */
  now = g_get_monotonic_time ();
  if (done != total && now - self->last_progress_usec < G_USEC_PER_SEC / 10)
    return;
  self->last_progress_usec = now;
  self->progress_func (ctx->source, done, total, records, self->progress_data);
}

/* The file's @size bytes (and a NUL) in memory whose pages are made in one call before the
 * read: a page fault per page, as reading into fresh memory costs, took a third of the time of
 * reading a large GraphDef.  NULL when anything is unexpected (the file changed size, an error):
 * the caller reads it the ordinary way, which says what went wrong. */
static char *
read_whole_file (const char *path,
                 goffset     size,
                 gsize      *length)
{
  gsize page = (gsize) sysconf (_SC_PAGESIZE), done = 0;
  char *contents;
  int fd;

  if (size <= 0 || (guint64) size >= G_MAXSIZE - page)
    return NULL;
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return NULL;
  contents = g_malloc ((gsize) size + 1);
#ifdef MADV_POPULATE_WRITE
  {
    /* Whole pages inside the block only; kernels before 5.14 refuse, which costs nothing. */
    guintptr first_page = ((guintptr) contents + page - 1) & ~(guintptr) (page - 1);

    if (first_page + page <= (guintptr) contents + (gsize) size)
      madvise ((void *) first_page,
               (((guintptr) contents + (gsize) size) & ~(guintptr) (page - 1)) - first_page,
               MADV_POPULATE_WRITE);
  }
#endif
  while (done < (gsize) size)
    {
      gssize n = read (fd, contents + done, (gsize) size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += n;
    }
  /* Exactly the size it had: one more byte read means it grew meanwhile. */
  {
    char extra;

    if (done != (gsize) size || read (fd, &extra, 1) != 0)
      {
        close (fd);
        g_free (contents);
        return NULL;
      }
  }
  close (fd);
  contents[size] = '\0';
  *length = (gsize) size;
  return contents;
}

char *
_agviz_import_label_for_path (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_steal_pointer (&base);
}

char *
_agviz_import_read_file (const char  *path,
                         gsize        max_size,
                         gsize       *length,
                         GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;
  char *contents;

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_IO, "%s: %s", path,
                   g_strerror (saved_errno));
      return NULL;
    }
  if ((guint64) st.st_size > max_size)
    {
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_LIMIT,
                   "%s: %" G_GUINT64_FORMAT " bytes is more than agviz reads as one message "
                   "(%" G_GSIZE_FORMAT " MiB)", path, (guint64) st.st_size, max_size >> 20);
      return NULL;
    }
  if ((contents = read_whole_file (path, st.st_size, length)) == NULL &&
      !g_file_get_contents (path, &contents, length, &local_error))
    {
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_IO, "%s", local_error->message);
      return NULL;
    }
  return contents;
}

gboolean
_agviz_import_looks_like_text (const char *data,
                               gsize       length)
{
  gsize i = 0, checked = MIN (length, 4096);

  if (length == 0)
    return FALSE;
  for (gsize j = 0; j < checked; j++)
    {
      guchar c = data[j];
      if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != '\v'))
        return FALSE;
    }
  while (i < length)
    {
      if (g_ascii_isspace (data[i]))
        i++;
      else if (data[i] == '#')
        {
          while (i < length && data[i] != '\n')
            i++;
        }
      else
        break;
    }
  if (i == length)
    return TRUE;
  return g_ascii_isalpha (data[i]) || data[i] == '_' || data[i] == '[';
}

ProtobufCMessage *
_agviz_import_read_message (const char                       *path,
                            const ProtobufCMessageDescriptor *descriptor,
                            GError                          **error)
{
  g_autofree char *contents = NULL;
  gsize length;

  contents = _agviz_import_read_file (path, AGVIZ_IMPORT_MAX_MESSAGE_FILE, &length, error);
  if (contents == NULL)
    return NULL;
  if (_agviz_import_looks_like_text (contents, length))
    return agviz_text_format_decode (descriptor, contents, length, path, error);
  return agviz_proto_decode (descriptor, (const guint8 *) contents, length, path, error);
}

/* ---- format detection -------------------------------------------------------------------- */

/* Which of @formats the names at the top level of a text-format message fit best. */
static AgvizSourceFormat
recognise_text_message (const AgvizImportMessageFormat *formats,
                        guint                           n_formats,
                        const char                     *data,
                        gsize                           length)
{
  g_autoptr(GPtrArray) names = agviz_text_format_top_level_names (data, length);
  AgvizSourceFormat best = AGVIZ_SOURCE_FORMAT_UNKNOWN;
  int best_score = 0;

  for (guint f = 0; f < n_formats; f++)
    {
      int score = 0, known = 0;

      /* agviz's descriptors know only the fields it reads, so unknown names weigh less. */
      for (guint i = 0; i < names->len; i++)
        {
          if (protobuf_c_message_descriptor_get_field_by_name (
                formats[f].descriptor, g_ptr_array_index (names, i)) != NULL)
            score += 2, known++;
          else
            score -= 1;
        }
      if (known > 0 && score > best_score)
        {
          best_score = score;
          best = formats[f].format;
        }
    }
  return best;
}

static AgvizSourceFormat
recognise_binary_message (const AgvizImportMessageFormat *formats,
                          guint                           n_formats,
                          const char                     *path,
                          const guint8                   *data,
                          gsize                           length)
{
  g_autofree char *base = g_path_get_basename (path);
  AgvizSourceFormat best = AGVIZ_SOURCE_FORMAT_UNKNOWN;
  int best_score = 0;

  for (guint f = 0; f < n_formats; f++)
    {
      int score = agviz_proto_fit (formats[f].descriptor, data, length);

      /* The name breaks ties the content cannot (an empty message fits everything). */
      if (formats[f].name_pattern != NULL && g_pattern_match_simple (formats[f].name_pattern, base))
        score += 3;
      if (score > best_score)
        {
          best_score = score;
          best = formats[f].format;
        }
    }
  return best;
}

AgvizSourceFormat
_agviz_import_recognise_message (const AgvizImportMessageFormat *formats,
                                 guint                           n_formats,
                                 const char                     *path,
                                 const char                     *head,
                                 gsize                           length)
{
  if (_agviz_import_looks_like_text (head, length))
    return recognise_text_message (formats, n_formats, head, length);
  return recognise_binary_message (formats, n_formats, path, (const guint8 *) head, length);
}

/* What the backends look for, or try, for an error that says nothing fitted. */
static char *
join_backend_descriptions (gsize description_offset)
{
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint b = 0; _agviz_import_backends[b] != NULL; b++)
    {
      const char *description = G_STRUCT_MEMBER (const char *, _agviz_import_backends[b],
                                                 description_offset);

      if (description == NULL)
        continue;
      if (joined->len > 0)
        g_string_append (joined, "; ");
      g_string_append (joined, description);
    }
  return g_string_free (g_steal_pointer (&joined), FALSE);
}

/* Judge by the beginning: a large file's format shows in its first megabyte. */
#define HEAD_BYTES (((gsize) 1) << 20)

AgvizSourceFormat
agviz_importer_detect_format (const char  *path,
                              GError     **error)
{
  g_autofree char *head = NULL;
  g_autofree char *tried = NULL;
  gsize length;
  FILE *file;

  g_return_val_if_fail (path != NULL, AGVIZ_SOURCE_FORMAT_UNKNOWN);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_MISSING, "%s: no such file or "
                   "directory", path);
      return AGVIZ_SOURCE_FORMAT_UNKNOWN;
    }

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *looked_for = NULL;

      for (guint b = 0; _agviz_import_backends[b] != NULL; b++)
        {
          AgvizSourceFormat format = AGVIZ_SOURCE_FORMAT_UNKNOWN;

          if (_agviz_import_backends[b]->recognise_directory != NULL)
            format = _agviz_import_backends[b]->recognise_directory (path);
          if (format != AGVIZ_SOURCE_FORMAT_UNKNOWN)
            return format;
        }
      looked_for = join_backend_descriptions (G_STRUCT_OFFSET (AgvizImportBackend,
                                                               looks_for_in_directories));
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_NOTHING,
                   "%s: nothing to import in this directory (looked for %s)", path, looked_for);
      return AGVIZ_SOURCE_FORMAT_UNKNOWN;
    }

  file = g_fopen (path, "rb");
  if (file == NULL)
    {
      int saved_errno = errno;
      g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_IO, "%s: %s", path,
                   g_strerror (saved_errno));
      return AGVIZ_SOURCE_FORMAT_UNKNOWN;
    }
  head = g_malloc (HEAD_BYTES + 1);
  length = fread (head, 1, HEAD_BYTES, file);
  fclose (file);
  head[length] = '\0';

  for (guint b = 0; _agviz_import_backends[b] != NULL; b++)
    {
      AgvizSourceFormat format = _agviz_import_backends[b]->recognise_file (path, head, length);

      if (format != AGVIZ_SOURCE_FORMAT_UNKNOWN)
        return format;
    }
  tried = join_backend_descriptions (G_STRUCT_OFFSET (AgvizImportBackend, tries_on_files));
  g_set_error (error, AGVIZ_IMPORT_ERROR, AGVIZ_IMPORT_ERROR_UNKNOWN_FORMAT,
               "%s: unknown format (tried: %s)%s", path, tried,
               length == 0 ? "; the file is empty" : "");
  return AGVIZ_SOURCE_FORMAT_UNKNOWN;
}

/* ---- error logs -------------------------------------------------------------------------- */

/* "ValueError: message" at the start of a line: the exception a traceback ends with. */
static gboolean
is_exception_line (const char *line)
{
  const char *colon = strstr (line, ": ");
  g_autofree char *name = NULL;
  const char *p;

  if (colon == NULL || colon == line || g_ascii_isspace (line[0]))
    return FALSE;
  for (p = line; p < colon; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '.')
      return FALSE;
  name = g_strndup (line, colon - line);
  return g_str_has_suffix (name, "Error") || g_str_has_suffix (name, "Exception") ||
         g_str_has_suffix (name, "Interrupt") ||
         /* torch.compile's errors: Unsupported, UserError, FailOnRecompileLimitHit, ... */
         g_str_has_prefix (name, "torch._dynamo.exc.");
}

/* An error the program printed: a traceback with its exception and, for errors raised in
 * converted code, the indented "in user code:" block that follows the exception line. */
typedef struct
{
  char      *type;
  char      *message;
  char      *traceback;
  GPtrArray *functions;          /* char *: the functions its frames name */
} ProgramError;

static void
program_error_free (ProgramError *program_error)
{
  g_free (program_error->type);
  g_free (program_error->message);
  g_free (program_error->traceback);
  g_ptr_array_unref (program_error->functions);
  g_free (program_error);
}

static ProgramError *
program_error_new (const char *traceback)
{
  g_autoptr(AgvizErrorText) parsed = agviz_error_text_parse (traceback, -1);
  ProgramError *program_error = g_new0 (ProgramError, 1);
  const char *message = parsed->message != NULL ? parsed->message : "";

  program_error->type = g_strdup (agviz_error_text_get_short_type (parsed));
  if (program_error->type == NULL)
    program_error->type = g_strdup ("Error");
  /* "ValueError: in user code:" says where; the error itself ends the block. */
  if (g_str_has_prefix (message, "in user code") && parsed->detail != NULL)
    {
      message = parsed->detail;
      if (g_str_has_prefix (message, program_error->type) &&
          g_str_has_prefix (message + strlen (program_error->type), ": "))
        message += strlen (program_error->type) + 2;
    }
  program_error->message = g_strdup (message);
  program_error->traceback = g_strdup (traceback);
  program_error->functions = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < parsed->frames->len; i++)
    {
      const AgvizErrorFrame *frame = g_ptr_array_index (parsed->frames, i);

      if (frame->function != NULL)
        g_ptr_array_add (program_error->functions, g_strdup (frame->function));
    }
  return program_error;
}

/* JAX's errors go on below their exception line unindented (where the tracer was made, which
 * argument a value depends on) up to its note on the frames it filtered out; the last line of
 * such a message from @line_index on. */
static gsize
jax_message_end (char **lines,
                 gsize  line_index)
{
  gsize end = line_index;

  if (!g_str_has_prefix (lines[line_index], "jax.") &&
      !g_str_has_prefix (lines[line_index], "jaxlib."))
    return line_index;
  for (gsize next = line_index + 1; lines[next] != NULL && next - line_index < 200; next++)
    {
      const char *line = lines[next];

      if (g_str_has_prefix (line, "Traceback (most recent call last):") ||
          g_str_has_prefix (line, "During handling of the above exception") ||
          g_str_has_prefix (line, "The above exception was the direct cause") ||
          (g_str_has_prefix (line, "----------") && line[strspn (line, "-")] == '\0' &&
           lines[next + 1] != NULL &&
           g_str_has_prefix (lines[next + 1], "For simplicity, JAX has removed")))
        break;
      end = next;
    }
  return end;
}

/* The errors of a captured stderr, in order; its warnings are stored as events at once. */
static GPtrArray *
read_error_log (AgvizImportContext  *ctx,
                const char          *path,
                GError             **error)
{
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) program_error_free);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gsize length;
  gsize traceback_start = 0;
  gboolean in_traceback = FALSE;

  text = _agviz_import_read_file (path, 64 << 20, &length, error);
  if (text == NULL)
    return NULL;
  lines = g_strsplit (text, "\n", -1);

  for (gsize i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (g_str_has_prefix (line, "Traceback (most recent call last):"))
        {
          traceback_start = i;
          in_traceback = TRUE;
          continue;
        }
      if (strstr (line, "triggered tf.function retracing") != NULL ||
          strstr (line, "AutoGraph could not transform") != NULL ||
          strstr (line, "WARNING:") != NULL)
        {
          AgvizEvent event = { 0 };

          event.kind = strstr (line, "retracing") != NULL ? AGVIZ_EVENT_RETRACE
                                                          : AGVIZ_EVENT_WARNING;
          event.message = (char *) line;
          if (agviz_recorder_add_event (ctx->recorder, &event, error) == 0)
            return NULL;
          continue;
        }
      if (in_traceback && is_exception_line (line))
        {
          g_autoptr(GString) traceback = g_string_new (NULL);
          gsize end = jax_message_end (lines, i);

          /* The exception's own lines: indented or blank, up to the next plain line, and
           * dynamo's "from user code:" block after them (where the user's line is). */
          while (lines[end + 1] != NULL &&
                 (lines[end + 1][0] == '\0' || g_ascii_isspace (lines[end + 1][0]) ||
                  g_str_equal (lines[end + 1], "from user code:")))
            end++;
          while (end > i && lines[end][0] == '\0')
            end--;
          for (gsize j = traceback_start; j <= end; j++)
            {
              g_string_append (traceback, lines[j]);
              g_string_append_c (traceback, '\n');
            }
          g_ptr_array_add (errors, program_error_new (traceback->str));
          in_traceback = FALSE;
          i = end;
        }
    }
  return g_steal_pointer (&errors);
}

/* Stores @errors; the last one, the error the program died of, with the trace it died in. */
static gboolean
store_program_errors (AgvizImportContext  *ctx,
                      GPtrArray           *errors,
                      GError             **error)
{
  for (guint i = 0; i < errors->len; i++)
    {
      const ProgramError *program_error = g_ptr_array_index (errors, i);
      AgvizRecordedError recorded = { 0 };

      recorded.origin = AGVIZ_ERROR_ORIGIN_PROGRAM;
      recorded.type = program_error->type;
      recorded.message = program_error->message;
      recorded.traceback = program_error->traceback;
      recorded.trace_id = i == errors->len - 1 ? ctx->crashed_trace_id : 0;
      if (agviz_recorder_add_error (ctx->recorder, &recorded, error) == 0)
        return FALSE;
    }
  return TRUE;
}

/* ---- one source, one batch --------------------------------------------------------------- */

static void
merge_stats (AgvizImportStats       *into,
             const AgvizImportStats *from)
{
  into->bytes += from->bytes;
  into->records += from->records;
  into->functions += from->functions;
  into->traces += from->traces;
  into->nodes += from->nodes;
  into->edges += from->edges;
  into->calls += from->calls;
  into->nodes_with_stacks += from->nodes_with_stacks;
  into->executions += from->executions;
  into->tensor_summaries += from->tensor_summaries;
  into->source_files += from->source_files;
  into->warnings += from->warnings;
}

static gboolean
import_in_batch (AgvizImporter      *self,
                 const char         *path,
                 AgvizSourceFormat   format,
                 GError            **error)
{
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) program_errors = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *metadata_key = NULL;
  g_autofree char *metadata_value = NULL;
  const AgvizImportBackend *backend = NULL;
  AgvizImportContext ctx = { 0 };
  gboolean ok;

  find_format (format, &backend);
  g_assert (backend != NULL);
  ctx.importer = self;
  ctx.recorder = self->recorder;
  ctx.warnings = warnings;
  ctx.force = self->force;
  ctx.torch_all_graphs = self->torch_all_graphs;
  ctx.debug_info_path = self->debug_info_path;
  ctx.source = path;

  if (!agviz_recorder_begin_batch (self->recorder, error))
    return FALSE;

  ok = TRUE;
  if (self->error_log_path != NULL)
    {
      program_errors = read_error_log (&ctx, self->error_log_path, error);
      ok = program_errors != NULL;
    }
  if (ok && program_errors != NULL && program_errors->len > 0)
    {
      const ProgramError *last = g_ptr_array_index (program_errors, program_errors->len - 1);

      ctx.fatal_error_type = last->type;
      ctx.fatal_error_message = last->message;
      ctx.failing_functions = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < last->functions->len; i++)
        g_hash_table_add (ctx.failing_functions, g_ptr_array_index (last->functions, i));
    }
  ok = ok && backend->import (&ctx, path, format, error);

  /* What was tolerated is part of the record: stored with the import. */
  for (guint i = 0; ok && i < warnings->len; i++)
    {
      AgvizRecordedError recorded = { 0 };

      recorded.origin = AGVIZ_ERROR_ORIGIN_IMPORTER;
      recorded.type = (char *) "ImportWarning";
      recorded.message = g_ptr_array_index (warnings, i);
      ok = agviz_recorder_add_error (self->recorder, &recorded, error) != 0;
    }
  if (ok && program_errors != NULL)
    ok = store_program_errors (&ctx, program_errors, error);
  g_clear_pointer (&ctx.failing_functions, g_hash_table_unref);

  if (ok)
    {
      absolute = g_canonicalize_filename (path, NULL);
      metadata_key = g_strconcat ("agviz.import:", absolute, NULL);
      metadata_value = g_strdup_printf ("%s; %" G_GUINT64_FORMAT " traces, %" G_GUINT64_FORMAT
                                        " nodes, %" G_GUINT64_FORMAT " executions",
                                        agviz_source_format_to_string (format), ctx.stats.traces,
                                        ctx.stats.nodes, ctx.stats.executions);
      ok = agviz_recorder_set_metadata (self->recorder, metadata_key, metadata_value, error) &&
           agviz_recorder_commit_batch (self->recorder, error);
    }

  if (!ok)
    {
      /* The file goes back to what it was; the first error is the one worth reporting. */
      if (agviz_recorder_in_batch (self->recorder))
        agviz_recorder_rollback_batch (self->recorder, NULL);
      return FALSE;
    }

  merge_stats (&self->stats, &ctx.stats);
  for (guint i = 0; i < warnings->len; i++)
    g_ptr_array_add (self->warnings, g_strdup (g_ptr_array_index (warnings, i)));
  return TRUE;
}

gboolean
agviz_importer_import (AgvizImporter  *self,
                       const char     *path,
                       GError        **error)
{
  AgvizSourceFormat format;
  gboolean heap_tuned, ok;

  g_return_val_if_fail (AGVIZ_IS_IMPORTER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  format = agviz_importer_detect_format (path, error);
  if (format == AGVIZ_SOURCE_FORMAT_UNKNOWN)
    return FALSE;

  heap_tuned = self->tune_heap &&
               _agviz_import_memory_begin (_agviz_import_memory_estimate_source_bytes (
                                             path, self->debug_info_path));
  ok = import_in_batch (self, path, format, error);
  if (heap_tuned)
    _agviz_import_memory_end ();
  return ok;
}

AgvizSourceFormat
agviz_importer_import_to_new_file (const char  *source,
                                   const char  *path,
                                   GError     **error)
{
  g_autoptr(AgvizRecorder) recorder = NULL;
  g_autoptr(AgvizImporter) importer = NULL;
  AgvizSourceFormat format;

  g_return_val_if_fail (source != NULL, AGVIZ_SOURCE_FORMAT_UNKNOWN);
  g_return_val_if_fail (path != NULL, AGVIZ_SOURCE_FORMAT_UNKNOWN);

  format = agviz_importer_detect_format (source, error);
  if (format == AGVIZ_SOURCE_FORMAT_UNKNOWN)
    return format;

  recorder = agviz_recorder_open (path, error);
  if (recorder != NULL)
    importer = agviz_importer_new (recorder);
  if (importer == NULL || !agviz_importer_import (importer, source, error) ||
      !agviz_recorder_close (recorder, error))
    {
      g_clear_object (&importer);
      g_clear_object (&recorder);
      agviz_trace_file_remove (path);
      return AGVIZ_SOURCE_FORMAT_UNKNOWN;
    }
  return format;
}
