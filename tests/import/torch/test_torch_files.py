#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The `torch` suite's PyTorch-file test: real torch 2.13 writes .pt2 and .onnx files (both ONNX
exporters) and TorchScript IR text (scripted and traced), agviz imports them, and each must hold what torch says it wrote: functions, nodes
and calls counted by torch and onnx themselves, module scopes, and stacks reaching the line of
the model that made a node.  Every file also checks clean and draws.

    test_torch_files.py AGVIZ

The Python with torch is $AGVIZ_TORCH_PYTHON, else $AGVIZ_TORCH_PYTHON_DEFAULT (meson's
torch_python).  Without it the test is skipped (exit 77), except under CI=true, where it fails.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import import_checks as checks  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def torch_python():
    python = os.environ.get("AGVIZ_TORCH_PYTHON") or os.environ.get("AGVIZ_TORCH_PYTHON_DEFAULT", "")
    if not python or not os.access(python, os.X_OK):
        return None, "no Python with torch at %r (build-aux/setup-framework torch makes one)" % python
    probe = subprocess.run([python, "-c", "import torch, onnx"], capture_output=True, text=True)
    if probe.returncode != 0:
        return None, "%s cannot import torch and onnx" % python
    return python, None


def main():
    agviz = sys.argv[1]
    python, why = torch_python()
    if python is None:
        if os.environ.get("CI") == "true":
            print("FAIL: %s, and CI=true needs it" % why)
            return 1
        print("SKIP: %s" % why)
        return 77
    with tempfile.TemporaryDirectory(prefix="agviz-torch-files-") as work:
        made = subprocess.run([python, os.path.join(HERE, "make_torch_files.py"), work],
                              capture_output=True, text=True)
        if made.returncode != 0:
            print("FAIL: make_torch_files.py: %s" % made.stderr[-4000:])
            return 1
        with open(os.path.join(work, "expected.json"), encoding="utf-8") as f:
            expected = json.load(f)
        for name, want in sorted(expected["files"].items()):
            source = os.path.join(work, name)
            db = os.path.join(work, name + ".db")
            checks.import_file(agviz, source, db)
            got = checks.check_counts(name, db, want)
            for scoped, shown in want.get("scoped", []):
                checks.check_named(agviz, db, scoped, shown)
            checks.check_clean_and_drawn(agviz, source, db, os.path.join(work, name + ".svg"))
            print("ok %s: %d functions, %d nodes, %d calls" % (name, got["functions"], got["nodes"], got["calls"]))
    return 0


if __name__ == "__main__":
    checks.run_test(main)
