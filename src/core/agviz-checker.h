/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-checker.h: finds the classic tf.function mistakes in a trace file
 *
 * Each diagnostic kind of agviz-diagnostic.h is looked for with every kind of evidence the trace
 * file can hold (graph nodes, eager executions, recorded events and errors, the captured
 * source), and reported with that evidence, the user's source line and a fix.
 */
#pragma once

#include <gio/gio.h>

#include "agviz-diagnostic.h"
#include "agviz-source-map.h"

G_BEGIN_DECLS

#define AGVIZ_TYPE_CHECKER (agviz_checker_get_type ())
G_DECLARE_FINAL_TYPE (AgvizChecker, agviz_checker, AGVIZ, CHECKER, GObject)

/* The checker reads the store and source text through @source_map. */
AgvizChecker *agviz_checker_new  (AgvizSourceMap  *source_map);

/* Runs every check.  Returns a GListModel of AgvizDiagnostic (transfer full), ordered by kind,
 * then function, then trace; NULL with @error when the trace file cannot be read. */
GListModel   *agviz_checker_run  (AgvizChecker    *self,
                                  GError         **error);

/* The first argument in which two signatures ("x: TensorSpec(...), n=3") differ: its name and
 * both values (transfer full); FALSE when they agree argument by argument. */
gboolean      agviz_checker_signature_difference (const char  *first,
                                                  const char  *second,
                                                  char       **argument,
                                                  char       **first_value,
                                                  char       **second_value);

G_END_DECLS
