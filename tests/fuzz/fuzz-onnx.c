/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-onnx.c: ONNX models through the whole importer, as `agviz import x.onnx` runs it
 *
 * fuzz-import-file.c's target with the scratch source named *.onnx: the wire check and bounded
 * unpacking of the ModelProto, then the recording of graphs, bodies (If/Loop/Scan), local
 * functions, module scopes, name scopes and stack traces.  Seeds: corpus/fuzz-onnx, written by
 * real torch (tests/import/torch/make_torch_files.py).
 */
#define FUZZ_SOURCE_NAME "fuzz.onnx"
#include "fuzz-import-file.c"
