#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Records a trace from Python through GObject Introspection (Agviz-1.typelib).

    record-with-gi.py --typelib | --unavailable REASON

Run with the system Python (python3-gi), GI_TYPELIB_PATH and LD_LIBRARY_PATH pointing at the
built library.  Records one function with one trace of four nodes and three edges and one call of
it, checks that a wrong call raises the recorder's GLib.Error, reads the nodes back through
Agviz.Store, and then asks the built CLI ($AGVIZ) for `agviz info --json`, which must show exactly
what was recorded.  Without introspection it skips (exit 77) and says why, except under CI=true,
where it fails (a sanitizer build, which cannot have introspection, does not run it at all).
"""
import json
import os
import subprocess
import sys
import tempfile

SKIP = 77


def skip_or_fail(reason):
    if os.environ.get("CI") == "true":
        sys.exit("record-with-gi: %s, and CI must run this test" % reason)
    print("SKIP: %s" % reason)
    sys.exit(SKIP)


def expect(actual, wanted, what):
    if actual != wanted:
        sys.exit("record-with-gi: %s is %r, not %r" % (what, actual, wanted))


def record(Agviz, GLib, path):
    recorder = Agviz.Recorder.open(path)
    recorder.set_metadata("producer", "record-with-gi.py")
    source = recorder.add_file(None, "/src/model.py")
    recorder.set_file_text(source, b"def dense(x):\n  return relu(x @ w + b)\n")
    frame = recorder.add_frame(source, 2, 2, "dense")
    stack = recorder.add_stack([frame])
    function = recorder.add_function("dense", source, 1)
    trace = recorder.begin_trace(function, "__inference_dense_7", None, "first call")
    x = recorder.add_node(trace, "x", "Placeholder", None, None, 0)
    attrs = GLib.Variant("a{sv}", {"transpose_a": GLib.Variant("b", False)})
    matmul = recorder.add_node(trace, "dense/MatMul", "MatMul", "/device:CPU:0", attrs, stack)
    bias_add = recorder.add_node(trace, "dense/BiasAdd", "BiasAdd", "/device:CPU:0", None, stack)
    relu = recorder.add_node(trace, "dense/Relu", "Relu", "/device:CPU:0", None, stack)
    recorder.add_edge(trace, x, 0, matmul, 0)
    recorder.add_edge(trace, matmul, 0, bias_add, 0)
    recorder.add_edge(trace, bias_add, 0, relu, 0)
    recorder.end_trace(trace, Agviz.TraceStatus.COMPLETE, 2500000)

    call = Agviz.Execution()
    call.trace_id = trace
    call.start_ns = 1700000000000000000
    call.duration_ns = 180000
    recorder.add_execution(call)

    # Errors come as GLib.Error in the recorder's domain, like GError in C.
    try:
        recorder.add_node(trace, "late", "Const", None, None, 0)
    except GLib.Error as error:
        if not error.matches(Agviz.Recorder.error_quark(), Agviz.RecorderError.NOT_RECORDING):
            sys.exit("record-with-gi: a node for an ended trace failed with %s" % error)
    else:
        sys.exit("record-with-gi: a node for an ended trace was accepted")
    recorder.close()


def read_back(Agviz, path):
    store = Agviz.Store.open(path, Agviz.StoreFlags.NONE)
    expect(store.get_metadata("producer"), "record-with-gi.py", "Agviz.Store: metadata producer")
    expect(store.get_totals().nodes, 4, "Agviz.Store: totals.nodes")
    nodes = []

    def add_node(row):
        nodes.append((row.name, row.op_type, row.device))
        return True

    store.foreach_trace_node(1, add_node)
    expect(sorted(nodes), [("BiasAdd", "BiasAdd", "/device:CPU:0"),
                           ("MatMul", "MatMul", "/device:CPU:0"),
                           ("Relu", "Relu", "/device:CPU:0"),
                           ("x", "Placeholder", None)], "Agviz.Store: the nodes of trace 1")


def agviz_info(path):
    result = subprocess.run([os.environ["AGVIZ"], "info", "--json", path],
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("record-with-gi: agviz info --json %s failed: %s" % (path, result.stderr))
    return json.loads(result.stdout)


def main():
    if sys.argv[1] == "--unavailable":
        skip_or_fail(sys.argv[2])
    try:
        import gi
    except ImportError:
        skip_or_fail("%s has no gi module (Debian: python3-gi)" % sys.executable)
    gi.require_version("Agviz", "1")
    from gi.repository import Agviz, GLib

    with tempfile.TemporaryDirectory(prefix="agviz-gi-") as scratch:
        path = os.path.join(scratch, "dense.db")
        record(Agviz, GLib, path)
        read_back(Agviz, path)
        info = agviz_info(path)
    for key, value in {"functions": 1, "traces": 1, "nodes": 4, "edges": 3,
                       "executions": 1, "errors": 0}.items():
        expect(info["totals"][key], value, "agviz info: totals." + key)
    function = info["functions"][0]
    expect((function["name"], function["file"], function["line"]),
           ("dense", "/src/model.py", 1), "agviz info: the function")
    trace = function["traces"][0]
    for key, value in {"graph_name": "__inference_dense_7", "status": "complete",
                       "signature": "", "reason": "first call", "node_count": 4,
                       "edge_count": 3, "execution_count": 1, "wall_ns": 2500000}.items():
        expect(trace[key], value, "agviz info: trace " + key)
    print("recorded from Python with gi; agviz info reads %s" % info["totals"])


if __name__ == "__main__":
    main()
