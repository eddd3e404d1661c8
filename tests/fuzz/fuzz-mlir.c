/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-mlir.c: StableHLO / MLIR text through the whole importer, as `agviz import x.mlir` runs
 *
 * fuzz-import-file.c's target with the scratch source named *.mlir, so whatever TensorFlow's
 * backend does not take is read as MLIR text: the tokenizer, the op and region parser, the
 * locations and the recording of names, stacks, edges and calls.  Seeds: corpus/fuzz-mlir.
 */
#define FUZZ_SOURCE_NAME "fuzz.mlir"
#include "fuzz-import-file.c"
