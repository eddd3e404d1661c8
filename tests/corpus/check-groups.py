#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A real function body's arguments are drawn as groups: the corpus's tf.summary.trace_export log
(a Keras ResNet denoiser whose body has ~90 `_Arg`s) draws its captured variable handles as one
"captures (N)" box beside what they feed, not as a row of boxes, and `--expand` opens the group
onto every one of them.  Counts come from the trace file itself (its `_Arg` nodes, and those whose
dtype is resource), not from agviz's drawing.

Usage: check-groups.py AGVIZ CORPUS_DIR
Skipped (exit 77) when the corpus is absent, except under CI=true, where that fails.
"""
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

SVG = "{http://www.w3.org/2000/svg}"


def run(*args):
    done = subprocess.run(args, capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return done.stdout


def boxes(svg_text):
    """(label, subtitle, class) of every box drawn."""
    root = ElementTree.fromstring(svg_text)
    found = []
    for group in root.iter(SVG + "g"):
        classes = group.get("class", "").split()
        if "node" not in classes:
            continue
        texts = [t.text or "" for t in group.findall(SVG + "text")]
        found.append((texts[0] if texts else "", texts[1] if len(texts) > 1 else "", classes))
    return root, found


def main():
    agviz, corpus = sys.argv[1], sys.argv[2]
    folder = os.path.join(corpus, "02_events_trace_export_bfcnn", "resnet_1x5")
    if not os.path.isdir(folder):
        if os.environ.get("CI") == "true":
            sys.exit(f"corpus folder {folder} is missing")
        print(f"skipped: no corpus at {folder}")
        sys.exit(77)

    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "trace.db")
        run(agviz, "import", folder, "-o", db)
        with sqlite3.connect(db) as connection:
            args = connection.execute(
                "SELECT a.value FROM nodes n JOIN op_types o ON o.id = n.op_type_id"
                " LEFT JOIN attr_sets a ON a.id = n.attr_set_id WHERE o.name = '_Arg'").fetchall()
        n_args = len(args)
        # GVariant strings end in a NUL byte: the "T" of a captured variable handle.
        n_resources = sum(1 for (value,) in args if value is not None and b"resource\0" in value)
        assert n_args > 50 and n_resources > 50, (n_args, n_resources)

        root, drawn = boxes(run(agviz, "render", db, "--svg", "-", "-q", "--no-cache"))
        width, height = float(root.get("width")), float(root.get("height"))
        groups = {}
        for label, _, classes in drawn:
            match = re.fullmatch(r"(inputs|captures|unconnected) \((\d+)\)", label)
            if match:
                assert "group" in classes, (label, classes)
                groups[match.group(1)] = int(match.group(2))
        single_args = sum(1 for _, subtitle, _ in drawn if subtitle == "_Arg")
        assert "captures" in groups, groups
        # Every captured handle is in the captures group; every argument is drawn once.
        assert groups["captures"] >= n_resources, (groups, n_resources)
        assert groups.get("inputs", 0) + groups["captures"] + single_args == n_args, \
            (groups, single_args, n_args)
        # No row of argument boxes: a row of ~90 boxes is over 9,000 px wide.
        assert width < 2000 and len(drawn) < 30, (width, height, len(drawn))

        label = f"captures ({groups['captures']})"
        _, opened = boxes(run(agviz, "render", db, "--svg", "-", "-q", "--no-cache", "--expand", label))
        shown = sum(1 for _, subtitle, _ in opened if subtitle == "_Arg")
        assert shown == single_args + groups["captures"], (shown, groups)
        print(f"ok: {n_args} _Arg ({n_resources} resource) drawn as {groups} and {single_args} "
              f"box(es), {width:.0f}x{height:.0f} px with {len(drawn)} boxes")


if __name__ == "__main__":
    main()
