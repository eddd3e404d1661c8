#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs one real framework program under `agviz record` and checks what agviz makes of it.

Usage: run-program.py [--framework tf|torch|jax] AGVIZ PROGRAM.py   (tf by default)

The program says what must come out in comment lines of its own:
  # exit: N                      the program's exit status (default 0), which agviz must keep
  # recorded: nothing             the recording holds no trace (a TF1 graph-mode program: tfdbg2
                                 cannot dump there), and agviz record says so
  # modes: MODE...               record once in each of these tfdbg2 tensor debug modes (default:
                                 agviz record's own), each recording checked the same way
  # record-options: OPTION...    more options for agviz record (--torch-graphs=all)
  # expect: SEVERITY KIND FUNCTION FILE:LINE
                                 one finding of `agviz check` on the recording; the set found
                                 must be exactly the set expected (`# expect: none`: no finding)
  # says: TEXT                   `agviz check` says TEXT (in a message, evidence line or fix)
  # never-says: TEXT             no message, evidence line or fix of `agviz check` says TEXT
                                 (another framework's advice, say)
  # explain: FILE:LINE           `agviz explain --recorded` marks this frame as the defining one
  # explain-says: TEXT           `agviz explain --recorded` says TEXT
  # where: QUERY -> FILE:LINE    `agviz where` resolves the node to this line
  # artifact: PATH               a file or folder the program wrote (relative to its working
                                 folder): imported into a trace file of its own, checked (no
                                 error, no warning unless listed with `# expect-artifact:`),
                                 drawn with --svg and with --svg --all; PATH.counts.json, when
                                 the program wrote one, holds TensorFlow's own node and function
                                 counts ({"nodes": N, "functions": M}), compared with agviz's
  # expect-artifact: SEVERITY KIND FUNCTION FILE:LINE   (as # expect, for the artifacts)
  # artifact-info: PATH TEXT     `agviz info` of artefact PATH says TEXT
  # artifact-refused: PATH TEXT  an artifact agviz must refuse (a plain non-zero exit, no
                                 crash), saying TEXT
  # app: TEST                    run the window test TEST (/agviz/gui/...) on the recordings
                                 (AGVIZ_GUI_OPEN_FILES), where the app is built
FILE is the file's base name; FUNCTION is `-` for findings without one.

Where the app is built (AGVIZ_GUI_OPEN_TEST: the window test program, run through
AGVIZ_GUI_DISPLAY_WRAPPER), every recording and artefact is also opened in the app and drawn with
every scope open.

The framework's interpreter is AGVIZ_<FRAMEWORK>_PYTHON (AGVIZ_TF_PYTHON, AGVIZ_TORCH_PYTHON,
AGVIZ_JAX_PYTHON),
else AGVIZ_<FRAMEWORK>_PYTHON_DEFAULT (set by meson).  Without one the test is skipped (exit 77),
except under CI (CI=true), where it must run.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

SKIP = 77


def directives(program):
    found = {"exit": 0, "expect": set(), "expect-artifact": set(), "explain": [], "where": [],
             "artifact": [], "artifact-refused": [], "modes": [None], "recorded": [],
             "says": [], "never-says": [], "explain-says": [], "artifact-info": [],
             "app": [], "record-options": []}
    for line in open(program, encoding="utf-8"):
        match = re.match(r"#\s*(exit|expect|expect-artifact|explain|where|artifact|"
                         r"artifact-refused|artifact-info|modes|recorded|says|never-says|explain-says|"
                         r"app|record-options):\s*(.*\S)", line)
        if not match:
            continue
        key, value = match.groups()
        if key == "exit":
            found["exit"] = int(value)
        elif key == "modes":
            found["modes"] = value.split()
        elif key == "record-options":
            found["record-options"] = value.split()
        elif key in ("expect", "expect-artifact"):
            if value != "none":
                found[key].add(tuple(value.split()))
        else:
            found[key].append(value)
    return found


def findings(agviz, trace_file):
    result = subprocess.run([agviz, "check", "--json", trace_file], capture_output=True,
                            text=True)
    if result.returncode not in (0, 1):
        raise AssertionError(f"agviz check {trace_file} exited {result.returncode}:\n"
                             f"{result.stderr}")
    found = set()
    for diagnostic in json.loads(result.stdout)["diagnostics"]:
        where = "-"
        if diagnostic.get("file"):
            where = f"{os.path.basename(diagnostic['file'])}:{diagnostic['line']}"
        found.add((diagnostic["severity"], diagnostic["kind"], diagnostic.get("function") or "-",
                   where))
    return found, result.stdout


def compare(what, expected, found, report, failures):
    if expected == found:
        return
    lines = [f"{what}: findings differ"]
    lines += [f"  missing:  {' '.join(item)}" for item in sorted(expected - found)]
    lines += [f"  extra:    {' '.join(item)}" for item in sorted(found - expected)]
    failures.append("\n".join(lines) + "\n" + report)


def totals(agviz, trace_file):
    summary = subprocess.run([agviz, "info", trace_file], capture_output=True, text=True,
                             check=True).stdout
    counts = {}
    for key in ("functions", "traces", "nodes", "edges"):
        match = re.search(r"(\d+) " + key + r"\b", summary)
        counts[key] = int(match.group(1)) if match else 0
    return counts, summary


def check_svg(agviz, trace_file, out, extra, failures):
    result = subprocess.run([agviz, trace_file, "--svg", out] + extra, capture_output=True,
                            text=True)
    if result.returncode != 0:
        failures.append(f"agviz {trace_file} --svg {' '.join(extra)} exited "
                        f"{result.returncode}:\n{result.stderr}")
        return
    try:
        root = ElementTree.parse(out).getroot()
    except ElementTree.ParseError as error:
        failures.append(f"{out}: not well-formed SVG: {error}")
        return
    if not root.tag.endswith("svg") or not list(root.iter()):
        failures.append(f"{out}: no drawing")


def artifact_trace_file(scratch, path):
    """The trace file artefact @path is imported into."""
    return os.path.join(scratch, re.sub(r"\W", "_", path) + ".db")


def check_artifact(agviz, scratch, path, expected, failures):
    source = os.path.join(scratch, path)
    trace_file = artifact_trace_file(scratch, path)
    result = subprocess.run([agviz, "import", "-q", "-o", trace_file, source],
                            capture_output=True, text=True)
    if result.returncode != 0:
        failures.append(f"agviz import {path} exited {result.returncode}:\n{result.stderr}")
        return
    found, report = findings(agviz, trace_file)
    # Notes are facts, not alarms: an artifact of a clean program may carry some.
    found = {item for item in found if item[0] != "note"}
    compare(f"artifact {path}", expected, found, report, failures)
    check_svg(agviz, trace_file, trace_file + ".svg", [], failures)
    check_svg(agviz, trace_file, trace_file + ".all.svg", ["--all"], failures)
    counts_file = source.rstrip("/") + ".counts.json"
    if os.path.exists(counts_file):
        tf_counts = json.load(open(counts_file))
        ours, summary = totals(agviz, trace_file)
        for key, value in tf_counts.items():
            if ours.get(key) != value:
                failures.append(f"artifact {path}: TensorFlow counts {value} {key}, agviz "
                                f"{ours.get(key)}\n{summary}")


def open_in_app(trace_files, tests, failures):
    test = os.environ.get("AGVIZ_GUI_OPEN_TEST")
    wrapper = os.environ.get("AGVIZ_GUI_DISPLAY_WRAPPER")
    if not test or not wrapper or not trace_files:
        return
    env = dict(os.environ, AGVIZ_GUI_OPEN_FILES="\n".join(trace_files))
    for path in ["/agviz/gui/open-files"] + tests:
        result = subprocess.run([wrapper, test, "-p", path], env=env, capture_output=True,
                                text=True, timeout=600)
        if result.returncode != 0 or "# SKIP" in result.stdout:
            failures.append(f"the app failed {path} on {trace_files}:\n"
                            f"{result.stdout[-3000:]}{result.stderr[-3000:]}")


def record(agviz, python, program, scratch, env, mode, wanted, failures, opened):
    """Records @program in tensor debug @mode (None: the default) and checks the recording;
    the trace file, when there is one to draw, is added to @opened."""
    name = mode or "default"
    trace_file = os.path.join(scratch, f"recorded-{name}.db")
    options = (["--tensor-debug-mode", mode] if mode else []) + wanted["record-options"]
    run = subprocess.run([agviz, "record", "-o", trace_file] + options + ["--", python, program],
                         cwd=scratch, env=env, capture_output=True, text=True,
                         timeout=600)
    if run.returncode != wanted["exit"]:
        failures.append(f"agviz record exited {run.returncode}, the program should exit "
                        f"{wanted['exit']}\n--- stdout\n{run.stdout}\n--- stderr\n"
                        f"{run.stderr}")
    leftovers = [entry for entry in os.listdir(scratch) if entry.startswith("agviz-record-")]
    if leftovers:
        failures.append(f"agviz record left its temporary folder behind: {leftovers}")
    if os.path.exists(trace_file):
        found, report = findings(agviz, trace_file)
        compare(f"recording ({name})", wanted["expect"], found, report, failures)
        said = json.loads(report)["diagnostics"]
        texts = [text for d in said
                 for text in [d["message"], d.get("fix") or ""] + d.get("evidence", [])]
        for text in wanted["says"]:
            if not any(text in said_text for said_text in texts):
                failures.append(f"check ({name}) does not say {text!r}\n{report[:4000]}")
        for text in wanted["never-says"]:
            if any(text in said_text for said_text in texts):
                failures.append(f"check ({name}) says {text!r}\n{report[:4000]}")
        for expected in wanted["explain"]:
            explained = subprocess.run([agviz, "explain", "--recorded", "--json",
                                        trace_file], capture_output=True, text=True)
            frames = []
            for item in json.loads(explained.stdout or "[]"):
                marked = [frame for frame in item.get("frames", []) if frame.get("defining")]
                if not marked:
                    user = [frame for frame in item.get("frames", [])
                            if frame.get("origin") == "user"]
                    marked = user[-1:]
                frames += [f"{os.path.basename(frame['file'])}:{frame['line']}"
                           for frame in marked]
            if expected not in frames:
                failures.append(f"explain: defining frame {expected} not among {frames}\n"
                                f"{explained.stdout[:4000]}")
        if wanted["explain-says"]:
            explained = subprocess.run([agviz, "explain", "--recorded", trace_file],
                                       capture_output=True, text=True)
            for text in wanted["explain-says"]:
                if text not in explained.stdout:
                    failures.append(f"explain does not say {text!r}\n{explained.stdout[:4000]}"
                                    f"{explained.stderr[:2000]}")
        for query in wanted["where"]:
            node, _, expected = (part.strip() for part in query.partition("->"))
            resolved = subprocess.run([agviz, "where", trace_file, node],
                                      capture_output=True, text=True)
            match = re.search(r"defined at (\S+):(\d+)", resolved.stdout)
            got = f"{os.path.basename(match.group(1))}:{match.group(2)}" if match else None
            if got != expected:
                failures.append(f"where {node}: {got}, expected {expected}\n"
                                f"{resolved.stdout}{resolved.stderr}")
        if "nothing" in wanted["recorded"]:
            if "nothing recorded" not in run.stderr:
                failures.append(f"agviz record did not say it recorded nothing:\n{run.stderr}")
        elif "nothing recorded" not in run.stderr and totals(agviz, trace_file)[0]["traces"]:
            # (Events and errors alone, a TracerWarning or a failed compile, draw nothing.)
            check_svg(agviz, trace_file, trace_file + ".svg", ["--all"], failures)
            opened.append(trace_file)
    else:
        failures.append(f"agviz record wrote no trace file\n{run.stderr}")


FRAMEWORK_NAMES = {"tf": "TensorFlow", "torch": "PyTorch", "jax": "JAX"}


def main():
    arguments = sys.argv[1:]
    framework = "tf"
    if arguments[:1] == ["--framework"]:
        framework, arguments = arguments[1], arguments[2:]
    agviz, program = os.path.abspath(arguments[0]), os.path.abspath(arguments[1])
    variable = f"AGVIZ_{framework.upper()}_PYTHON"
    python = os.environ.get(variable) or os.environ.get(variable + "_DEFAULT", "")
    if not python or not os.access(python, os.X_OK):
        message = (f"no {FRAMEWORK_NAMES.get(framework, framework)} interpreter "
                   f"({variable}={python!r}); build-aux/setup-framework {framework} makes one")
        if os.environ.get("CI") == "true":
            print(f"FAIL: {message}, and CI must run the {framework} suite")
            return 1
        print(f"SKIP: {message}")
        return SKIP

    wanted = directives(program)
    scratch = tempfile.mkdtemp(prefix=f"agviz-{framework}-")
    failures = []
    try:
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="1", CUDA_VISIBLE_DEVICES="",
                   JAX_PLATFORMS="cpu", PYTHONHASHSEED="0", TMPDIR=scratch)
        opened = []
        for mode in wanted["modes"]:
            record(agviz, python, program, scratch, env, mode, wanted, failures, opened)
        for path in wanted["artifact"]:
            check_artifact(agviz, scratch, path, wanted["expect-artifact"], failures)
            opened.append(artifact_trace_file(scratch, path))
        open_in_app([path for path in opened if os.path.exists(path)], wanted["app"], failures)
        for said in wanted["artifact-info"]:
            path, _, text = said.partition(" ")
            trace_file = artifact_trace_file(scratch, path)
            summary = subprocess.run([agviz, "info", trace_file], capture_output=True, text=True)
            if text not in summary.stdout:
                failures.append(f"agviz info {path} does not say {text!r}\n{summary.stdout[:3000]}")
        for refused in wanted["artifact-refused"]:
            path, _, text = refused.partition(" ")
            result = subprocess.run([agviz, "import", "-q", "-o",
                                     os.path.join(scratch, "refused.db"),
                                     os.path.join(scratch, path)], capture_output=True,
                                    text=True)
            if not 0 < result.returncode < 64 or text not in result.stderr:
                failures.append(f"agviz import {path}: exit {result.returncode}, expected a "
                                f"refusal saying {text!r}\n{result.stderr}")
    finally:
        if failures:
            print(f"(scratch folder kept: {scratch})")
        else:
            shutil.rmtree(scratch, ignore_errors=True)

    for failure in failures:
        print("FAIL:", failure)
    print(f"{os.path.basename(program)}: {'ok' if not failures else 'FAILED'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
