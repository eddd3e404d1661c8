#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Rewrites the expected output of tests/cli/*.test from what the built agviz prints now.

For developers, after a deliberate change of output: run it, then read `git diff tests/cli`
line by line before committing; the diff is the review.  It makes the same scratch files as
test-cli.c (keep the two in step).

Usage: tests/cli/update-golden.py BUILD_DIR [FILE.test...]
"""
import glob
import os
import sqlite3
import subprocess
import sys
import tempfile


def make_scratch(fixture_writer, tf_fixture_writer):
    scratch = tempfile.mkdtemp(prefix="agviz-cli-")
    example = os.path.join(scratch, "example.db")
    subprocess.run([fixture_writer, example], check=True)
    subprocess.run([tf_fixture_writer, os.path.join(scratch, "tf")], check=True,
                   stdout=subprocess.DEVNULL)
    data = open(example, "rb").read()
    files = {
        "example.db": data,
        "notes.txt": b"just some notes\n",
        "empty.db": b"",
        "truncated.db": data[: len(data) // 2],
        "corrupt.db": data[:4096] + bytes((i * 131) & 0xFF for i in range(4096, len(data))),
        "newer.db": data,
    }
    for name, contents in files.items():
        with open(os.path.join(scratch, name), "wb") as f:
            f.write(contents)
    db = sqlite3.connect(os.path.join(scratch, "foreign.db"))
    db.execute("CREATE TABLE customers (name TEXT)")
    db.commit()
    db.close()
    db = sqlite3.connect(os.path.join(scratch, "newer.db"))
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    return scratch


def run(agviz, scratch, args):
    argv = [agviz] + args.replace("@TMP@", scratch).split(" ")
    result = subprocess.run(argv, cwd=scratch, capture_output=True,
                            env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"})
    lines = []
    for prefix, stream in ((">", result.stdout), ("!", result.stderr)):
        for line in stream.decode("utf-8", "replace").replace(scratch, "@TMP@").splitlines():
            lines.append(f"{prefix} {line}" if line else prefix)
    lines.append(f"= {result.returncode}")
    return lines


def update(path, agviz, scratch):
    out, skipping = [], False
    for line in open(path).read().splitlines():
        if line.startswith("$ "):
            out.append(line)
            out.extend(run(agviz, scratch, line[2:]))
            skipping = True
        elif skipping:
            if line.startswith("= "):
                skipping = False
        else:
            out.append(line)
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    build = os.path.abspath(sys.argv[1])
    agviz = os.path.join(build, "src", "cli", "agviz")
    scratch = make_scratch(os.path.join(build, "data", "agviz-write-fixture"),
                           os.path.join(build, "tests", "agviz-write-tf-fixtures"))
    here = os.path.dirname(os.path.abspath(__file__))
    for path in sys.argv[2:] or sorted(glob.glob(os.path.join(here, "*.test"))):
        update(path, agviz, scratch)


if __name__ == "__main__":
    main()
