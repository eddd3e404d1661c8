#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fixture writer's tfdbg2 dump of the non-first-call variable error has the shape real
TensorFlow gives that error: both dumps are read with TensorFlow's own DebugDataReader and the
same facts are asserted of each.

Usage: check-fixture-shapes.py AGVIZ TF_FIXTURE_WRITER PROGRAM.py
Runs under the TensorFlow interpreter (AGVIZ_TF_PYTHON, else AGVIZ_TF_PYTHON_DEFAULT); skipped
without one, except under CI=true.
"""
import os
import shutil
import subprocess
import sys
import tempfile


def shape_of(dump):
    from tensorflow.python.debug.lib import debug_events_reader

    with debug_events_reader.DebugDataReader(dump) as reader:
        reader.update()
        graphs = list(reader._graph_by_id.values())
        executed = {execution.graph_id for execution in reader.executions()}
        eager_ops = [execution.op_type for execution in reader.executions()
                     if not execution.graph_id]
        sources = [reader.source_lines(host, path) for host, path in reader.source_file_list()]
    contexts = [graph for graph in graphs
                if not graph.name and not graph._op_by_name and graph.graph_id not in executed]
    functions = [graph for graph in graphs if graph.name and not graph.name.startswith("__")]
    named = {graph.name for graph in functions}
    facts = {
        "one eager context graph, unnamed, empty, never run": len(contexts) == 1,
        "tf.function graphs traced in that context": bool(functions) and all(
            graph.outer_graph_id == contexts[0].graph_id for graph in functions
            if graph.name in named and not graph.name.startswith(("Variable_cond", "cond_"))),
        "graphs named after the Python function": all(
            not graph.name.startswith("__inference_") for graph in functions),
        "the variable handle created eagerly": "VarHandleOp" in eager_ops,
        "no variable handle op inside a graph": all(
            op.op_type != "VarHandleOp" for graph in graphs for op in graph._op_by_name.values()),
        "the function traced twice": any(
            sum(graph.name == name for graph in functions) == 2 for name in named),
        "the last trace holds only placeholders": bool(functions) and all(
            op.op_type == "Placeholder" for op in functions[-1]._op_by_name.values()),
        "source files split at each newline (last line empty)": bool(sources) and all(
            lines and lines[-1] == "" for lines in sources),
    }
    return facts


def main():
    agviz, fixture_writer, program = (os.path.abspath(path) for path in sys.argv[1:4])
    python = os.environ.get("AGVIZ_TF_PYTHON") or os.environ.get("AGVIZ_TF_PYTHON_DEFAULT")
    if python and os.access(python, os.X_OK) and os.environ.get("AGVIZ_SHAPES_REEXEC") != "1":
        os.environ["AGVIZ_SHAPES_REEXEC"] = "1"
        os.execv(python, [python, os.path.abspath(__file__), agviz, fixture_writer, program])
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            print("FAIL: TensorFlow is not importable, and CI must run the tf suite")
            return 1
        print("SKIP: TensorFlow is not importable here")
        return 77
    scratch = tempfile.mkdtemp(prefix="agviz-shapes-")
    try:
        real = os.path.join(scratch, "real")
        subprocess.run([agviz, "record", "--keep-dump", real, "-o",
                        os.path.join(scratch, "real.db"), "--", sys.executable, program],
                       cwd=scratch, capture_output=True)
        subprocess.run([fixture_writer, os.path.join(scratch, "fixtures")], check=True,
                       capture_output=True)
        real_facts = shape_of(real)
        fixture_facts = shape_of(os.path.join(scratch, "fixtures", "tfdbg", "crash"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    passed = failed = 0
    for fact, holds in real_facts.items():
        if not holds:
            print(f"FAIL: real TensorFlow no longer shows: {fact} (update the fixture writer "
                  "and this check)")
            failed += 1
        elif not fixture_facts[fact]:
            print(f"FAIL: the fixture writer's dump does not show: {fact}")
            failed += 1
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
