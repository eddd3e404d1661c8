/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-pt2.c: torch.export archives through the whole importer, as `agviz import x.pt2` runs it
 *
 * fuzz-import-file.c's target with the scratch source named *.pt2: the zip reader, the JSON of
 * the ExportedProgram and the recording of its graphs, graph arguments, module stacks and stack
 * traces.  Seeds: corpus/fuzz-pt2 (a real torch.export archive and a deflated one).
 */
#define FUZZ_SOURCE_NAME "fuzz.pt2"
#include "fuzz-import-file.c"
