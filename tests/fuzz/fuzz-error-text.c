/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-error-text.c: libFuzzer target for the TensorFlow error-text parser
 *
 * Seeds: tests/fuzz/corpus/fuzz-error-text (the texts of tests/diagnose/texts, and small texts in
 * each layout the parser reads: log prefixes, IPython frames, TF1 nodes, Python warnings,
 * wrapped lines).  The known-cause finder runs on every parse, as explain does. */
#include "config.h"

#include "agviz-core.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(AgvizErrorText) parsed = agviz_error_text_parse ((const char *) data, (gssize) size);

  /* Touch everything the CLI reads, so a dangling pointer shows up under ASan. */
  for (guint i = 0; i < parsed->frames->len; i++)
    {
      AgvizErrorFrame *frame = g_ptr_array_index (parsed->frames, i);
      g_assert (frame->file != NULL);
      (void) agviz_source_map_classify_path (frame->file);
    }
  for (guint i = 0; i < parsed->nodes->len; i++)
    g_assert (((AgvizErrorNode *) g_ptr_array_index (parsed->nodes, i))->name != NULL);
  for (guint i = 0; i < parsed->messages->len; i++)
    g_assert (((AgvizErrorMessage *) g_ptr_array_index (parsed->messages, i))->text != NULL);
  g_assert (parsed->defining_frame >= -1 && parsed->defining_frame < (int) parsed->frames->len);
  if (parsed->defining_frame >= 0)
    g_assert (agviz_error_text_get_defining_frame (parsed)->defining);
  (void) agviz_error_text_get_short_type (parsed);
  (void) agviz_error_text_kind_to_string (parsed->kind);
  {
    g_autoptr(AgvizErrorCause) cause = agviz_error_cause_find (parsed);
    g_assert (cause != NULL);
    (void) agviz_error_cause_kind_to_string (cause->kind);
  }
  return 0;
}
