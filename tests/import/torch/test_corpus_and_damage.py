#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The PyTorch-file formats without torch: every ONNX model of the corpus (folder
06_onnx_pytorch) imports with the graphs and nodes a small protobuf walk of its own counts in
the file, with the scopes and stacks its exporter wrote, and so does every TorchScript IR text
(folder 07_pytorch_graph_dumps) with the nodes a count of its lines gives; a deflated .pt2 made here imports
(torch writes stored entries); damaged files are refused with an error naming the file and the
byte, leaving the trace file as it was.

    test_corpus_and_damage.py AGVIZ

The corpus is $AGVIZ_CORPUS_DIR; without it those checks are skipped with a line saying so.
"""
import json
import os
import re
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import import_checks as checks  # noqa: E402

# What the corpus's notes say each model is made of (06_onnx_pytorch/NOTES.md): a scoped node
# name, and for the dynamo export the file:line its stack must reach.
CORPUS_NAMES = {
    "cifar100edge_torch1.13/model.onnx": ("conv1/Conv", None),
    "cae_dec_torch1.11_flatnames/Cautoencoder_dec.onnx": ("ConvTranspose_0", None),
    "cartpole_dynamo_stacktraces/model.onnx": ("q_net/0/node_linear", "policies.py:66"),
}


# The TorchScript IR texts: a node in its module's scope and the source range it must show.
IR_NAMES = {
    "torchscript_ir_text/bert_intermediate_traced_graph.txt": ("dense/addmm", "functional.py:1674"),
    "torchscript_ir_text/test_ignorable_args_slice_graph.txt": ("slice", "test_jit.py:4068"),
}


def ir_counts(path):
    """Nodes of a TorchScript IR text without blocks: its parameters, one per node line and
    its `return`."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    header_end = text.index("):")
    parameters = text[:header_end].count("%")
    body = text[header_end + 2:].splitlines()
    if any(re.match(r"\s*block\d+\(", line) for line in body):
        raise checks.Failure("%s has blocks: count them with torch (tests/import/torch)" % path)
    statements = [line for line in body if re.match(r"\s*(%.*)?= [\w.]+::", line)]
    return {"functions": 1, "nodes": parameters + len(statements) + 1, "calls": 0}


def check_ir_corpus(agviz, work):
    folder = os.path.join(os.environ.get("AGVIZ_CORPUS_DIR", ""), "07_pytorch_graph_dumps")
    if not os.path.isdir(folder):
        print("SKIP IR corpus: no %s (AGVIZ_CORPUS_DIR)" % folder)
        return
    for relative, (name, shown) in sorted(IR_NAMES.items()):
        source = os.path.join(folder, relative)
        db = os.path.join(work, os.path.basename(relative) + ".db")
        checks.import_file(agviz, source, db)
        got = checks.check_counts(relative, db, ir_counts(source))
        checks.check_named(agviz, db, name, shown)
        checks.check_clean_and_drawn(agviz, source, db, db + ".svg")
        print("ok %s: %d functions, %d nodes" % (relative, got["functions"], got["nodes"]))
    # A text cut inside a block or before its `return` is refused with its line.
    cut = os.path.join(work, "cut.ir")
    with open(cut, "w", encoding="utf-8") as f:
        f.write("graph(%x : Tensor):\n  %y : Tensor = aten::relu(%x)\n")
    checks.check_refused(agviz, cut, os.path.join(work, "cut-ir.db"), "before the graph's `return`")
    bad = os.path.join(work, "bad.ir")
    with open(bad, "w", encoding="utf-8") as f:
        f.write("graph(%x : Tensor):\n  %y : Tensor = relu(%x)\n  return (%y)\n")
    checks.check_refused(agviz, bad, os.path.join(work, "bad-ir.db"), "bad.ir:2:")


def varint(data, at):
    value, shift = 0, 0
    while True:
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at += 1
        if byte < 0x80:
            return value, at
        shift += 7


def fields(data):
    """(field number, wire type, value) of one message: bytes for length-delimited fields."""
    at = 0
    while at < len(data):
        key, at = varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = varint(data, at)
        elif wire == 1:
            value, at = data[at:at + 8], at + 8
        elif wire == 5:
            value, at = data[at:at + 4], at + 4
        elif wire == 2:
            length, at = varint(data, at)
            value, at = data[at:at + length], at + length
        else:
            raise ValueError("wire type %d" % wire)
        yield number, wire, value


def strings(message, number):
    return [v.decode("utf-8") for n, w, v in fields(message) if n == number and w == 2]


def onnx_counts(path):
    """Graphs and the nodes agviz draws for them: ONNX nodes, one per graph input or
    initializer, and one per value a body reads from its enclosing graph; calls are the
    graph attributes (ModelProto.graph 7; GraphProto node 1, initializer 5, input 11; NodeProto
    input 1, output 2, attribute 5; AttributeProto g 6, graphs 11; TensorProto and
    ValueInfoProto name 8 and 1)."""
    with open(path, "rb") as f:
        model = f.read()
    pending = [(v, False) for n, w, v in fields(model) if n == 7 and w == 2]
    graphs, nodes, calls = 0, 0, 0
    while pending:
        graph, nested = pending.pop()
        graphs += 1
        defined = set()
        for n, w, v in fields(graph):
            if n == 5 and w == 2:
                defined.update(strings(v, 8))
            elif n == 11 and w == 2:
                defined.update(strings(v, 1))
        graph_nodes = [v for n, w, v in fields(graph) if n == 1 and w == 2]
        nodes += len(defined) + len(graph_nodes)
        for node in graph_nodes:
            defined.update(o for o in strings(node, 2) if o)
        outer = set()
        for node in graph_nodes:
            outer.update(i for i in strings(node, 1) if i and i not in defined)
            for n, w, attribute in fields(node):
                if n != 5 or w != 2:
                    continue
                for an, aw, av in fields(attribute):
                    if an in (6, 11) and aw == 2:
                        pending.append((av, True))
                        calls += 1
        if nested:
            nodes += len(outer)
    functions = sum(1 for n, w, v in fields(model) if n == 25 and w == 2)
    return {"functions": graphs + functions, "nodes": nodes, "calls": calls}


def check_corpus(agviz, work):
    corpus = os.environ.get("AGVIZ_CORPUS_DIR", "")
    folder = os.path.join(corpus, "06_onnx_pytorch")
    if not os.path.isdir(folder):
        print("SKIP corpus: no %s (AGVIZ_CORPUS_DIR)" % folder)
        return
    seen = 0
    for root, _, files in sorted(os.walk(folder)):
        for name in sorted(files):
            if not name.endswith(".onnx"):
                continue
            source = os.path.join(root, name)
            relative = os.path.relpath(source, folder)
            db = os.path.join(work, "corpus-%d.db" % seen)
            checks.import_file(agviz, source, db)
            got = checks.check_counts(relative, db, onnx_counts(source))
            if relative in CORPUS_NAMES:
                checks.check_named(agviz, db, *CORPUS_NAMES[relative])
            checks.check_clean_and_drawn(agviz, source, db, db + ".svg")
            print("ok %s: %d functions, %d nodes, %d calls" % (relative, got["functions"], got["nodes"], got["calls"]))
            seen += 1
    if seen < len(CORPUS_NAMES):
        raise checks.Failure("only %d ONNX models in %s" % (seen, folder))
    return sorted(os.path.join(folder, r) for r in CORPUS_NAMES)


PROGRAM = {
    "graph_module": {
        "graph": {
            "inputs": [{"as_tensor": {"name": "x"}}],
            "outputs": [{"as_tensor": {"name": "relu"}}],
            "nodes": [{
                "target": "torch.ops.aten.relu.default",
                "inputs": [{"name": "self", "arg": {"as_tensor": {"name": "x"}}, "kind": 1},
                           {"name": "inplace", "arg": {"as_bool": False}, "kind": 1}],
                "outputs": [{"as_tensor": {"name": "relu"}}],
                "metadata": {"stack_trace": "File \"/src/net.py\", line 7, in forward\n    return self.act(x)",
                             "nn_module_stack": "L__self__,,net.Net;L__self__act,act,torch.nn.modules.activation.ReLU"},
                "name": "relu",
            }],
        },
        "signature": {"input_specs": [{"user_input": {"arg": {"as_tensor": {"name": "x"}}}}]},
    },
}


def write_pt2(source, compression):
    with zipfile.ZipFile(source, "w", compression=compression) as archive:
        archive.writestr("deflated/archive_format", "pt2")
        archive.writestr("deflated/models/model.json", json.dumps(PROGRAM))
        archive.writestr("deflated/data/weights/weight_0", b"\0" * 4096)


def check_deflated_pt2(agviz, work):
    source = os.path.join(work, "deflated.pt2")
    write_pt2(source, zipfile.ZIP_DEFLATED)
    db = os.path.join(work, "deflated.db")
    checks.import_file(agviz, source, db)
    checks.check_counts("deflated.pt2", db, {"functions": 1, "nodes": 3, "calls": 0})
    checks.check_named(agviz, db, "act/relu", "net.py:7")
    print("ok deflated.pt2")
    return source


def check_damage(agviz, work, onnx_sources, pt2_source):
    db = os.path.join(work, "damaged.db")
    for source in onnx_sources[:1]:
        with open(source, "rb") as f:
            data = f.read()
        cut = os.path.join(work, "cut.onnx")
        with open(cut, "wb") as f:
            f.write(data[: len(data) // 2])
        checks.check_refused(agviz, cut, db, "byte")
    with open(pt2_source, "rb") as f:
        data = f.read()
    stored = os.path.join(work, "stored.pt2")
    write_pt2(stored, zipfile.ZIP_STORED)
    with open(stored, "rb") as f:
        stored_data = f.read()
    with zipfile.ZipFile(pt2_source) as archive:
        entry = archive.getinfo("deflated/models/model.json")
    # A byte in the middle of the deflated program, past its local header.
    middle = entry.header_offset + 30 + len(entry.filename) + entry.compress_size // 2
    flipped = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]
    for what, damaged, wanted in (
        ("no-directory.pt2", data[: len(data) - 30], "end of central directory"),
        ("crc.pt2", stored_data.replace(b"net.py", b"nat.py"), "CRC-32"),
        ("flipped.pt2", flipped, "byte"),
        ("not-zip.pt2", b"PK\x03\x04" + b"\0" * 100, "byte"),
    ):
        path = os.path.join(work, what)
        with open(path, "wb") as f:
            f.write(damaged)
        checks.check_refused(agviz, path, db, wanted)
    bad_json = os.path.join(work, "bad-json.pt2")
    with zipfile.ZipFile(bad_json, "w") as archive:
        archive.writestr("bad/models/model.json", '{"graph_module": {"graph": [1, 2,, 3]}}')
    checks.check_refused(agviz, bad_json, db, "bad/models/model.json")
    print("ok damaged files refused")


def main():
    agviz = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="agviz-torch-formats-") as work:
        onnx_sources = check_corpus(agviz, work) or []
        check_ir_corpus(agviz, work)
        pt2 = check_deflated_pt2(agviz, work)
        check_damage(agviz, work, onnx_sources, pt2)
    return 0


if __name__ == "__main__":
    checks.run_test(main)
