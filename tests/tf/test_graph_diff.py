#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`agviz diff` on graphs real TensorFlow made: the exact changes it must find.

Usage: test_graph_diff.py AGVIZ SCRATCH_DIR [GUI_TEST DISPLAY_WRAPPER]

diff/retraced_layer.py runs twice: under `agviz record` (one function traced three times: for a
new input shape, then for a new Python value), and plainly (the same Keras model exported twice,
4 and then 5 wide).  What must change follows from the program: a new shape changes what MatMul
and Relu measured; the value adds a Mul and its constant, and Relu then reads the Mul; the wider
layer changes the output shapes of its ops, whose names Keras numbered anew (sequential_1/dense_1
becomes sequential_1_1/dense_2_1), and nothing else.

With the window test program (GUI_TEST, run through DISPLAY_WRAPPER) the recording is also opened
in the app, its diff shown in the comparison panel and highlighted on the canvas.
"""
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAM = os.path.join(HERE, "diff", "retraced_layer.py")
SVG = "{http://www.w3.org/2000/svg}"
passed = failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok:", what)
    else:
        failed += 1
        print("FAIL:", what, "\n   ", detail)
    return ok


def line_of(text):
    with open(PROGRAM, encoding="utf-8") as program:
        return next(number for number, line in enumerate(program, 1) if text in line)


def diff_json(agviz, args, env):
    run = subprocess.run([agviz, "diff", "--json", "-q"] + args, capture_output=True, text=True,
                         env=env)
    if not check(run.returncode in (0, 1), "agviz diff %s" % " ".join(args), run.stderr):
        return None, run.returncode
    return json.loads(run.stdout), run.returncode


def changes_of(report):
    """{name: (status, {what: (before, after)})}"""
    return {node["name"]: (node["status"], {change["what"]: (change["before"], change["after"])
                                            for change in node["changes"]})
            for node in report["nodes"]}


def check_retraces(agviz, scratch, python, env):
    trace_file = os.path.join(scratch, "retraced.db")
    # A recording into an existing file adds to it: start afresh on every run.
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(trace_file + suffix):
            os.remove(trace_file + suffix)
    run = subprocess.run([agviz, "record", "-o", trace_file, "--", python, PROGRAM, "retrace"],
                         capture_output=True, text=True, env=env, cwd=scratch)
    if not check(run.returncode == 0, "agviz record retraced_layer.py", run.stderr[-3000:]):
        return None

    # A new shape: same nodes, two of them measured bigger outputs (2x4 -> 5x4 floats).
    report, status = diff_json(agviz, [trace_file, "--function", "layer", "--trace", "2"], env)
    if report is not None:
        check(status == 1, "new shape: exit status 1", status)
        check(changes_of(report) == {
            "MatMul": ("changed", {"shapes": ("float32 x8", "float32 x20")}),
            "Relu": ("changed", {"shapes": ("float32 x8", "float32 x20")}),
        }, "new shape: MatMul and Relu changed shape, nothing else", changes_of(report))
        check(report["paired"]["name"] == 7 and report["counts"]["added"] == 0,
              "new shape: every node paired by name", report["paired"])

    # A new Python value: one branch more.
    report, status = diff_json(agviz, [trace_file, "--function", "layer"], env)
    if report is not None:
        check((report["a"]["trace"], report["b"]["trace"]) == (1, 3),
              "one file: the last trace against trace 1", (report["a"], report["b"]))
        got = changes_of(report)
        check(got == {
            "Relu": ("changed", {"inputs": ("MatMul", "mul")}),
            "mul": ("added", {}),
            "mul/y": ("added", {}),
        }, "new value: Mul and its constant added, Relu reads it", got)
        sources = {node["name"]: node["source"] for node in report["nodes"]}
        check(sources.get("mul") == "retraced_layer.py:%d" % line_of("y = y * scale") and
              sources.get("Relu") == "retraced_layer.py:%d" % line_of("return tf.nn.relu(y)"),
              "the lines that made them", sources)

    # The same trace against itself: exit 0, nothing listed.
    report, status = diff_json(agviz, [trace_file, "--function", "layer", "--trace", "1"], env)
    if report is not None:
        check(status == 0 and report["same"] and not report["nodes"], "a trace against itself: same",
              report)

    svg = os.path.join(scratch, "retraced.svg")
    run = subprocess.run([agviz, "diff", trace_file, "--function", "layer", "-q", "--svg", svg],
                         capture_output=True, text=True, env=env)
    if check(run.returncode == 1, "agviz diff --svg", run.stderr):
        root = ET.parse(svg).getroot()
        marks = {}
        for group in root.iter(SVG + "g"):
            classes = (group.get("class") or "").split()
            for mark in ("diff-added", "diff-changed", "diff-inside"):
                if mark in classes:
                    marks[group.get("id")] = mark
        check(marks.get("Relu") == "diff-changed" and marks.get("mul") == "diff-added",
              "the drawing highlights Relu as changed and mul as added", marks)
        legend = [text.text for text in root.iter(SVG + "text") if text.text]
        check("added (2)" in legend and "changed (1)" in legend, "the drawing's legend counts them",
              legend[-8:])
    return trace_file


def check_two_files(agviz, scratch, python, env):
    narrow, wide = os.path.join(scratch, "narrow"), os.path.join(scratch, "wide")
    for path in (narrow, wide):
        shutil.rmtree(path, ignore_errors=True)
    run = subprocess.run([python, PROGRAM, "save", narrow, wide], capture_output=True, text=True,
                         env=env)
    if not check(run.returncode == 0, "retraced_layer.py save", run.stderr[-3000:]):
        return
    report, status = diff_json(agviz, [narrow, wide, "--function", "serve"], env)
    if report is None:
        return
    check(status == 1, "two SavedModels: exit status 1", status)
    got = changes_of(report)
    first = "sequential_1_1/dense_2_1/"
    expected = {
        # The first layer's kernel [3,4] -> [3,5], bias [4] -> [5], output [?,4] -> [?,5] ...
        first + "Cast/ReadVariableOp": ("changed", {"shapes": ("[3,4]", "[3,5]")}),
        first + "MatMul": ("changed", {"shapes": ("[?,4]", "[?,5]")}),
        first + "BiasAdd/ReadVariableOp": ("changed", {"shapes": ("[4]", "[5]")}),
        first + "BiasAdd": ("changed", {"shapes": ("[?,4]", "[?,5]")}),
        # ... and the second layer's kernel [4,2] -> [5,2]; its output stays [?,2].
        "sequential_1_1/dense_3_1/Cast/ReadVariableOp": ("changed", {"shapes": ("[4,2]", "[5,2]")}),
        # The input keeps its place; only the name Keras gave it counts on.
        "keras_tensor_3": ("changed", {"attr _user_specified_name": ("keras_tensor", "keras_tensor_3")}),
    }
    check(got == expected, "two SavedModels: exactly the wider layer's shapes changed",
          json.dumps(got, indent=1))
    renamed = {node["name"]: node.get("name_a") for node in report["nodes"]}
    check(renamed.get(first + "MatMul") == "sequential_1/dense_1/MatMul",
          "dense_1 of one model pairs with dense_2_1 of the other", renamed)
    check(report["counts"]["added"] == 0 and report["counts"]["removed"] == 0,
          "renamed-by-counter nodes pair: nothing added or removed", report["counts"])


def check_app(gui_test, wrapper, trace_file, env):
    run = subprocess.run([wrapper, gui_test, "-p", "/agviz/gui/diff-real", "--", trace_file],
                         capture_output=True, text=True, env=dict(env, AGVIZ_DIFF_TEST_FILE=trace_file))
    check(run.returncode == 0, "the app shows the diff of the recording", (run.stdout + run.stderr)[-3000:])


def main():
    if len(sys.argv) not in (3, 5):
        sys.exit("usage: test_graph_diff.py AGVIZ SCRATCH_DIR [GUI_TEST DISPLAY_WRAPPER]")
    agviz = os.path.abspath(sys.argv[1])
    scratch = os.path.abspath(sys.argv[2])
    python = os.environ.get("AGVIZ_TF_PYTHON") or os.environ.get("AGVIZ_TF_PYTHON_DEFAULT")
    if not python or not os.access(python, os.X_OK):
        if os.environ.get("CI") == "true":
            print("FAIL: no TensorFlow interpreter, and CI must run the tf suite")
            return 1
        print("SKIP: no TensorFlow interpreter (AGVIZ_TF_PYTHON)")
        return 77
    os.makedirs(scratch, exist_ok=True)
    env = dict(os.environ, LC_ALL="C", TMPDIR=scratch, TF_CPP_MIN_LOG_LEVEL="2")

    trace_file = check_retraces(agviz, scratch, python, env)
    check_two_files(agviz, scratch, python, env)
    if trace_file is not None and len(sys.argv) == 5:
        check_app(os.path.abspath(sys.argv[3]), os.path.abspath(sys.argv[4]), trace_file, env)

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
