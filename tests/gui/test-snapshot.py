#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""agviz-snapshot on the bundled example trace: it saves a 1400x900 PNG of the app's window and
prints the first picture's measures, so the tool docs/comparison/make-comparison.py relies on
cannot rot.

Usage: test-snapshot.py RUN_WITH_DISPLAY AGVIZ_SNAPSHOT   (AGVIZ_EXAMPLE_TRACE in the environment)
"""

import json
import os
import struct
import subprocess
import sys
import tempfile


def png_size(path):
    """Width and height from a PNG's IHDR chunk."""
    with open(path, "rb") as png:
        header = png.read(24)
    if header[:8] != b"\x89PNG\r\n\x1a\n" or header[12:16] != b"IHDR":
        sys.exit("%s is not a PNG" % path)
    return struct.unpack(">II", header[16:24])


def main():
    run_with_display, snapshot = sys.argv[1:3]
    example = os.environ["AGVIZ_EXAMPLE_TRACE"]
    with tempfile.TemporaryDirectory(prefix="agviz-snapshot-") as scratch:
        out = os.path.join(scratch, "example.png")
        result = subprocess.run([run_with_display, snapshot, example, out], capture_output=True,
                                text=True, timeout=240)
        sys.stderr.write(result.stderr)
        if result.returncode != 0:
            sys.exit("agviz-snapshot exited with %d" % result.returncode)
        measures = json.loads(result.stdout.strip().splitlines()[-1])
        print("# %s" % json.dumps(measures))
        width, height = png_size(out)
        checks = [
            ("the window is 1400x900", measures["window"] == [1400, 900]),
            ("the PNG is the window less its frame",
             [width, height] == measures["picture"]
             and 0.95 * 1400 <= width <= 1400 and 0.95 * 900 <= height <= 900),
            ("the canvas is inside the window",
             0 < measures["canvas"][0] <= width and 0 < measures["canvas"][1] <= height),
            ("the first picture has boxes", measures["boxes"] > 0),
            ("some are in view", measures["boxes_in_view"] > 0),
            ("the zoom is the first view's (60% to 100%)", 0.6 - 1e-6 <= measures["zoom"] <= 1.0),
            ("labels are drawn", measures["label_px"] > 0),
        ]
    print("1..%d" % len(checks))
    failed = 0
    for number, (name, passed) in enumerate(checks, 1):
        print("%s %d - %s" % ("ok" if passed else "not ok", number, name))
        failed += not passed
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
