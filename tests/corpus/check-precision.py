#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every real model and log of the corpus that agviz imports is clean: `agviz check` finds no
error and no warning on any of them (they were written by working programs), and each draws
with --svg and --svg --all.

Usage: check-precision.py AGVIZ CORPUS_DIR
Skipped (exit 77) when the corpus is absent, except under CI=true, where that fails.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

# Folders whose entries are each one source (a SavedModel, a log directory, a GraphDef file).
SOURCE_FOLDERS = [
    "01_savedmodel_java", "01_savedmodel_serving", "02_events_keras_tensorboard_callback",
    "02_events_tf1_morvan", "02_events_trace_export_bfcnn", "02_runmetadata_tfprof_testdata",
    "04_graphdef_pbtxt/graphdef2mlir_2020", "04_graphdef_pbtxt/graphdef2mlir_recent",
    "04_graphdef_pbtxt/grappler", "04_graphdef_pbtxt/large", "04_graphdef_pbtxt/tensorboard_demo",
    "04_graphdef_pbtxt/tflite_debuginfo",
]


def sources(corpus):
    for folder in SOURCE_FOLDERS:
        base = os.path.join(corpus, folder)
        for name in sorted(os.listdir(base)):
            if name.endswith((".md", ".tsv", ".debug")) or "malformed" in name:
                continue
            yield os.path.join(base, name)


def main():
    agviz, corpus = sys.argv[1], sys.argv[2]
    if not os.path.isdir(corpus):
        if os.environ.get("CI") == "true":
            print(f"FAIL: no corpus at {corpus}, and CI must run the corpus tests")
            return 1
        print(f"SKIP: no corpus at {corpus}")
        return 77
    scratch = tempfile.mkdtemp(prefix="agviz-precision-")
    passed = failed = 0
    try:
        for index, source in enumerate(sources(corpus)):
            name = os.path.relpath(source, corpus)
            trace_file = os.path.join(scratch, f"{index}.db")
            imported = subprocess.run([agviz, "import", "-q", "-o", trace_file, source],
                                      capture_output=True, text=True)
            if imported.returncode != 0:
                # Sources agviz refuses with a reason (no graph in a log) are not its findings.
                if not 0 < imported.returncode < 64 or not imported.stderr.startswith("agviz: "):
                    print(f"FAIL {name}: import exited {imported.returncode}\n{imported.stderr}")
                    failed += 1
                continue
            checked = subprocess.run([agviz, "check", "--json", trace_file], capture_output=True,
                                     text=True)
            problems = [f"{d['severity']} {d['kind']}: {d['message']}"
                        for d in json.loads(checked.stdout)["diagnostics"]
                        if d["severity"] in ("error", "warning")]
            for extra in ([], ["--all"]):
                drawn = subprocess.run([agviz, trace_file, "--svg", trace_file + ".svg"] + extra,
                                       capture_output=True, text=True)
                if drawn.returncode != 0 and "no traces to draw" in drawn.stderr:
                    break           # step statistics alone: nothing to draw, and it says so
                if drawn.returncode != 0:
                    problems.append(f"--svg {' '.join(extra)} exited {drawn.returncode}: "
                                    f"{drawn.stderr.strip()}")
                else:
                    ElementTree.parse(trace_file + ".svg")
            if problems:
                print(f"FAIL {name}:\n  " + "\n  ".join(problems))
                failed += 1
            else:
                passed += 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
