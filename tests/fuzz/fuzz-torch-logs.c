/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-torch-logs.c: torch.compile's log text (TORCH_LOGS=recompiles,graph_breaks, and the
 * TracerWarnings and dynamo errors printed among it) through the whole importer
 *
 * fuzz-import-file.c's target with the scratch source named *.log: whatever the other backends
 * do not take is tried as torch.compile logs (records, compile ids, guard failures, user
 * tracebacks).  Seeds: corpus/fuzz-torch-logs.
 */
#define FUZZ_SOURCE_NAME "fuzz-torch.log"
#include "fuzz-import-file.c"
