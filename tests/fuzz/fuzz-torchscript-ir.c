/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-torchscript-ir.c: TorchScript IR text through the whole importer, as `agviz import` runs it
 *
 * fuzz-import-file.c's target with a neutral scratch name: text opening with `graph(` reaches
 * the TorchScript IR reader (statements, nested blocks, scopes, source ranges) and the recording
 * of its graphs.  Seeds: corpus/fuzz-torchscript-ir, printed by real torch
 * (tests/import/torch/make_torch_files.py).
 */
#define FUZZ_SOURCE_NAME "fuzz.ir"
#include "fuzz-import-file.c"
