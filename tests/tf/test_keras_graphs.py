#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""agviz against graphs real TensorFlow writes for Keras models.

Usage: test_keras_graphs.py AGVIZ SCRATCH_DIR

Run with the Python that has TensorFlow (it runs make_keras_graphs.py, beside this file, with
the same interpreter).  For every graph written (ResNet-50 training, text and binary; a small
functional model training; an LSTM training step, whose while loop fills the function library;
MobileNetV2 inference; ResNet-152 inference, whose 500-odd layer scopes are cut into sections):

  - `agviz GRAPH --svg OUT` and `agviz GRAPH --svg OUT --all` exit 0 and write well-formed
    SVG; the top view draws something, and the expanded one draws every node of the graph, as
    a box or as an annotation beside one;
  - `agviz import GRAPH -o FILE` exits 0, and `agviz info --json FILE` counts what TensorFlow
    counts: the graph's nodes and inputs (edges, control inputs included), one trace per
    library function, each with its node_defs plus one node per argument and result.

Prints one line per check, then "N passed, N failed"; exits 1 when a check failed.
"""

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
HERE = os.path.dirname(os.path.abspath(__file__))
AGVIZ_TIMEOUT = 300  # seconds per agviz run; the biggest graph takes about one

passed = 0
failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok", what)
    else:
        failed += 1
        print("FAIL", what + (": " + detail if detail else ""))
    return ok


def run(command, env):
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True,
                                timeout=AGVIZ_TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, "timed out after %d s" % AGVIZ_TIMEOUT
    detail = "exit %d: %s" % (result.returncode, (result.stderr or "").strip()[-2000:])
    return result, detail


def drawn_ids(svg_path):
    """The ids of the node, annotation and "more" groups of an SVG, and the names listed by
    the "more" groups (annotations past the first five of a side)."""
    root = ET.parse(svg_path).getroot()
    ids = set()
    listed = set()
    for group in root.iter(SVG + "g"):
        ids.add(group.get("id"))
        if "more" in (group.get("class") or "").split():
            title = group.find(SVG + "title")
            if title is not None and title.text:
                listed.update(line.strip() for line in title.text.split("\n")[1:])
    return root, ids, listed


def check_svg(path, what, names=None):
    try:
        root, ids, listed = drawn_ids(path)
    except (ET.ParseError, OSError) as error:
        return check(False, what + ": well-formed SVG", str(error))
    if not check(root.tag == SVG + "svg", what + ": an <svg> document", root.tag):
        return False
    boxes = sum(1 for group in root.iter(SVG + "g")
                if "node" in (group.get("class") or "").split())
    check(boxes > 0, what + ": boxes drawn", "none")
    if names is not None:
        # A drawing with every scope open shows every op: its box has its full name as id, an
        # annotation is "annotation:" and its full name, a hidden one is listed by name only.
        missing = [name for name in names
                   if name not in ids and "annotation:" + name not in ids
                   and name.rsplit("/", 1)[-1] not in listed]
        check(not missing, what + ": every node drawn",
              "%d of %d missing, e.g. %s" % (len(missing), len(names), missing[:5]))
    return True


def check_counts(agviz, graph, stem, counts, scratch, env):
    trace_file = os.path.join(scratch, stem + os.path.splitext(graph)[1].replace(".", "-") + ".db")
    result, detail = run([agviz, "import", graph, "-o", trace_file, "--replace", "-q"], env)
    if not check(result is not None and result.returncode == 0, "agviz import " + graph, detail):
        return
    result, detail = run([agviz, "info", "--json", trace_file], env)
    if not check(result is not None and result.returncode == 0, "agviz info --json " + trace_file,
                  detail):
        return
    try:
        info = json.loads(result.stdout)
    except ValueError as error:
        check(False, "agviz info --json is JSON", str(error))
        return
    traces = {trace["graph_name"]: trace
              for function in info["functions"] for trace in function["traces"]}
    top = traces.get(stem)
    if not check(top is not None, "%s: a trace named %s" % (graph, stem), sorted(traces)[:5]):
        return
    check(top["node_count"] == counts["nodes"],
          "%s: nodes, as TensorFlow counts them" % graph,
          "agviz %d, TensorFlow %d" % (top["node_count"], counts["nodes"]))
    check(top["edge_count"] == counts["inputs"],
          "%s: edges, one per input (control inputs too)" % graph,
          "agviz %d, TensorFlow %d" % (top["edge_count"], counts["inputs"]))
    check(info["totals"]["traces"] == 1 + counts["functions"],
          "%s: one trace per library function" % graph,
          "agviz %d traces, TensorFlow 1 graph + %d functions"
          % (info["totals"]["traces"], counts["functions"]))
    for name, function in sorted(counts["library"].items()):
        expected = function["node_defs"] + function["input_args"] + function["output_args"]
        trace = traces.get(name)
        check(trace is not None and trace["node_count"] == expected,
              "%s: nodes of library function %s" % (graph, name),
              "agviz %s, TensorFlow %d node_defs + %d arguments + %d results"
              % (trace["node_count"] if trace else "no trace", function["node_defs"],
                 function["input_args"], function["output_args"]))


def continue_in_tensorflow(script, args, marker):
    """Under meson a test starts with the system's python3: go on in the TensorFlow one (once:
    @marker names the variable that says it happened).  None when TensorFlow is importable, else
    the exit status: 77 (skip), or 1 under CI, which must run the tf suite."""
    python = os.environ.get("AGVIZ_TF_PYTHON") or os.environ.get("AGVIZ_TF_PYTHON_DEFAULT")
    if python and os.access(python, os.X_OK) and os.environ.get(marker) != "1":
        os.environ[marker] = "1"
        os.execv(python, [python, os.path.abspath(script)] + args)
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            print("FAIL: TensorFlow is not importable, and CI must run the tf suite")
            return 1
        print("SKIP: TensorFlow is not importable here")
        return 77
    return None


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test_keras_graphs.py AGVIZ SCRATCH_DIR")
    agviz = os.path.abspath(sys.argv[1])
    scratch = os.path.abspath(sys.argv[2])
    status = continue_in_tensorflow(__file__, [agviz, scratch], "AGVIZ_KERAS_REEXEC")
    if status is not None:
        return status
    graphs_dir = os.path.join(scratch, "graphs")
    os.makedirs(graphs_dir, exist_ok=True)
    env = dict(os.environ, LC_ALL="C", TMPDIR=scratch)

    generator = subprocess.run([sys.executable, os.path.join(HERE, "make_keras_graphs.py"),
                                graphs_dir], capture_output=True, text=True)
    if not check(generator.returncode == 0, "make_keras_graphs.py",
                 generator.stderr.strip()[-3000:]):
        print("%d passed, %d failed" % (passed, failed))
        return 1
    report = json.loads(generator.stdout)

    for file_name, counts in sorted(report.items()):
        graph = os.path.join(graphs_dir, file_name)
        stem = os.path.splitext(file_name)[0]
        with open(os.path.join(graphs_dir, counts["names"]), encoding="utf-8") as names_file:
            names = [line.rstrip("\n") for line in names_file]

        out = os.path.join(scratch, file_name + ".svg")
        result, detail = run([agviz, graph, "--svg", out, "-q"], env)
        if check(result is not None and result.returncode == 0,
                 "agviz %s --svg" % file_name, detail):
            check_svg(out, file_name + " --svg")

        out_all = os.path.join(scratch, file_name + ".all.svg")
        result, detail = run([agviz, graph, "--svg", out_all, "--all", "-q"], env)
        if check(result is not None and result.returncode == 0,
                 "agviz %s --svg --all" % file_name, detail):
            check_svg(out_all, file_name + " --svg --all", names)

        check_counts(agviz, graph, stem, counts, scratch, env)

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
