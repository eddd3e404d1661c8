# SPDX-License-Identifier: GPL-3.0-or-later
"""What the PyTorch-file tests check on one `agviz import`: counts, names, stacks, drawing."""
import os
import sqlite3
import subprocess
import sys


class Failure(Exception):
    pass


def run(agviz, *args):
    result = subprocess.run([agviz, *args], capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))
    return result.returncode, result.stdout + result.stderr


def import_file(agviz, source, db):
    if os.path.exists(db):
        os.unlink(db)
    code, output = run(agviz, "import", source, "-o", db)
    if code != 0:
        raise Failure("agviz import %s failed (%d): %s" % (source, code, output))
    return output


def counts(db):
    with sqlite3.connect(db) as connection:
        one = lambda sql: connection.execute(sql).fetchone()[0]
        return {"functions": one("SELECT count(*) FROM functions"),
                "nodes": one("SELECT count(*) FROM nodes"),
                "calls": one("SELECT count(*) FROM calls")}


def check_counts(name, db, expected):
    got = counts(db)
    for key in ("functions", "nodes", "calls"):
        if got[key] != expected[key]:
            raise Failure("%s: %d %s imported, the file holds %d" % (name, got[key], key, expected[key]))
    return got


def check_named(agviz, db, full_name, source_line=None):
    """`agviz where` finds the node by its full (scoped) name, and shows @source_line
    ("file.py:12") in its stack when given."""
    code, output = run(agviz, "where", db, full_name, "--all-frames")
    if code != 0:
        raise Failure("no node %s in %s: %s" % (full_name, db, output))
    if source_line is not None and source_line not in output:
        raise Failure("the stack of %s does not reach %s:\n%s" % (full_name, source_line, output))


def check_clean_and_drawn(agviz, source, db, svg):
    code, output = run(agviz, "check", db)
    if code != 0 or "no problems found" not in output:
        raise Failure("agviz check %s is not clean (%d): %s" % (db, code, output))
    code, output = run(agviz, source, "--svg", svg)
    if code != 0 or not os.path.exists(svg) or "<svg" not in open(svg, encoding="utf-8").read(4096):
        raise Failure("agviz %s --svg failed (%d): %s" % (source, code, output))


def check_refused(agviz, source, db, wanted):
    """A damaged file: an error naming it and @wanted, and a trace file left as it was."""
    if os.path.exists(db):
        os.unlink(db)
    code, output = run(agviz, "import", source, "-o", db)
    if code == 0 or source not in output or wanted not in output:
        raise Failure("agviz import of damaged %s: %d, %r (wanted an error with %r)" % (source, code, output, wanted))
    if os.path.exists(db) and counts(db)["nodes"] != 0:
        raise Failure("agviz import of damaged %s left nodes in %s" % (source, db))


def run_test(main):
    """Exits with what @main returns, or 1 after printing a Failure it raised."""
    try:
        sys.exit(main())
    except Failure as failure:
        print("FAIL: %s" % failure)
        sys.exit(1)
