/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-torch-trace.c: TORCH_TRACE logs through the whole importer, as `agviz import LOG` runs it
 *
 * fuzz-import-file.c's target with the scratch source named like a log TORCH_TRACE=DIR writes,
 * so every input is read as one: record prefixes, record and payload JSON, FX readable code,
 * guard trees, graph-break and error texts, and the recording of what they give.
 * Seeds: corpus/fuzz-torch-trace.
 */
#define FUZZ_SOURCE_NAME "dedicated_log_torch_trace_rank_0_fuzz.log"
#include "fuzz-import-file.c"
