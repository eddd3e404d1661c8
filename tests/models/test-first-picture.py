#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The first picture of real TensorFlow models, in `agviz FILE --svg` and in the app.

Usage: test-first-picture.py AGVIZ SCRATCH_DIR

Writes the models of make-real-models.py (beside this file) with real TensorFlow: the
interpreter is AGVIZ_TF_PYTHON, else AGVIZ_TF_PYTHON_DEFAULT (set by meson); without one the
test is skipped (exit 77), except under CI (CI=true), where it must run.  Then, for each model:

  - `agviz MODEL --svg OUT` draws the first picture (src/render/agviz-first-view.h): at most
    about 50 boxes (more only when the graph's own top level has more), and no wider than a
    1400 px window shows at 60% when it opened anything;
  - where the app is built (AGVIZ_GUI_OPEN_TEST, AGVIZ_GUI_DISPLAY_WRAPPER), the window test
    /agviz/gui/first-picture opens it in a 1400x900 window and checks zoom, boxes and size, and
    opens every SavedModel and event file of the corpus's 01_* and 02_* folders
    (AGVIZ_CORPUS_DIR) without crashing.

Prints one line per check and the first pictures' figures, then each failure in full.
"""

import glob
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

SKIP = 77
SVG = "{http://www.w3.org/2000/svg}"
HERE = os.path.dirname(os.path.abspath(__file__))
# The rule of src/render/agviz-first-view.h, and the legend the SVG adds at the right
# (LEGEND_WIDTH in agviz-drawing.c).
WINDOW_WIDTH, MARGIN, MIN_ZOOM, MAX_BOXES = 1400, 24, 0.6, 50
LEGEND_WIDTH = 230

failures = []


def check(ok, what, detail=""):
    print(("ok " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what + (": " + detail if detail else ""))
    return ok


def tensorflow_python():
    python = os.environ.get("AGVIZ_TF_PYTHON") or os.environ.get("AGVIZ_TF_PYTHON_DEFAULT", "")
    if python and os.access(python, os.X_OK):
        return python
    message = f"no TensorFlow interpreter (AGVIZ_TF_PYTHON={python!r})"
    if os.environ.get("CI") == "true":
        print(f"FAIL: {message}, and CI must run the tf suite")
        sys.exit(1)
    print(f"SKIP: {message}; run build-aux/setup-framework tf")
    sys.exit(SKIP)


def svg_picture(agviz, model, out):
    """(width, boxes, top-level boxes, anything opened) of the first picture agviz draws."""
    result = subprocess.run([agviz, model, "--svg", out, "-q"], capture_output=True, text=True,
                            timeout=300)
    if result.returncode != 0:
        raise AssertionError(f"agviz {model} --svg exited {result.returncode}: {result.stderr}")
    root = ElementTree.parse(out).getroot()
    boxes = [group for group in root.iter(SVG + "g")
             if "node" in (group.get("class") or "").split()]
    # A box drawn inside another's: an expanded box, what the first picture opened.
    opened = [group for group in boxes if "expanded" in (group.get("class") or "").split()]
    return float(root.get("width")) - LEGEND_WIDTH, len(boxes), len(opened)


def corpus_files():
    corpus = os.environ.get("AGVIZ_CORPUS_DIR", "")
    if not os.path.isdir(corpus):
        print(f"# no corpus at AGVIZ_CORPUS_DIR={corpus!r}: its files are not opened")
        return []
    found = []
    for folder in sorted(glob.glob(os.path.join(corpus, "0[12]_*"))):
        for dirpath, _, names in sorted(os.walk(folder)):
            for name in sorted(names):
                if name.startswith("saved_model.pb"):
                    found.append(dirpath)
                elif name.startswith("events.out.tfevents"):
                    found.append(os.path.join(dirpath, name))
    return found


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test-first-picture.py AGVIZ SCRATCH_DIR")
    agviz, scratch = sys.argv[1:]
    python = tensorflow_python()
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)

    made = subprocess.run([python, os.path.join(HERE, "make-real-models.py"),
                           os.path.join(scratch, "models")],
                          capture_output=True, text=True, timeout=900)
    if not check(made.returncode == 0, "make-real-models.py writes the models", made.stderr[-3000:]):
        return 1
    models = json.loads(made.stdout)

    for model in models:
        name, path = model["name"], model["path"]
        width, boxes, opened = svg_picture(agviz, path, os.path.join(scratch, name + ".svg"))
        print(f"# svg first picture of {name}: {width + LEGEND_WIDTH:.0f} px wide "
              f"(drawing {width:.0f}), {boxes} boxes, {opened} opened")
        check(boxes <= MAX_BOXES or opened <= 1, f"{name}: svg has at most {MAX_BOXES} boxes, "
              "or shows only the top level", f"{boxes} boxes, {opened} opened")
        check(opened <= 1 or width * MIN_ZOOM <= WINDOW_WIDTH - 2 * MARGIN,
              f"{name}: svg reads at {MIN_ZOOM:.0%} in a {WINDOW_WIDTH} px window",
              f"{width:.0f} px wide with {opened} scopes opened")

    test = os.environ.get("AGVIZ_GUI_OPEN_TEST")
    wrapper = os.environ.get("AGVIZ_GUI_DISPLAY_WRAPPER")
    if not test or not wrapper:
        print("# the app is not built (or no xvfb-run): its first pictures are not checked")
    else:
        files = [model["path"] for model in models] + ["?" + path for path in corpus_files()]
        env = dict(os.environ, AGVIZ_GUI_FIRST_PICTURE_FILES="\n".join(files))
        result = subprocess.run([wrapper, test, "-p", "/agviz/gui/first-picture", "--verbose"],
                                env=env, capture_output=True, text=True, timeout=900)
        for line in result.stdout.splitlines():
            if "first picture of" in line or "opened no graph" in line:
                print("#", line.lstrip("# "))
        check(result.returncode == 0, "the app's first pictures follow the rule, and every "
              "corpus file opens without a crash",
              result.stdout[-3000:] + result.stderr[-3000:])

    for failure in failures:
        print("FAIL", failure)
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
