#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Builds a program against the installed libagviz-1, as another project would.

    check-installed-library.py MESON BUILD_ROOT PROGRAM_SOURCE -- CC [CC_ARG...]

Runs `meson install --destdir` into a scratch folder, then checks what landed there: the public
headers and none of the private ones, a library that exports every function those headers declare
and nothing else, and a pkg-config file with which PROGRAM_SOURCE (record-trace.c) compiles and
links.  The program then records a trace, which the built CLI ($AGVIZ) must read back as written.
CC and its arguments are the build's compiler, with the sanitizer flags of a sanitizer build.
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

# What the linker itself may add to a shared library's dynamic symbols.
LINKER_SYMBOLS = {"_init", "_fini", "_edata", "_end", "__bss_start"}


def fail(message):
    sys.exit("check-installed-library: " + message)


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        fail("`%s` failed (exit %d):\n%s%s" % (" ".join(command), result.returncode,
                                                result.stdout, result.stderr))
    return result.stdout


def only(paths, what):
    if len(paths) != 1:
        fail("expected one %s in the install, found %s" % (what, paths or "none"))
    return paths[0]


def relocated_pkgconfig_dir(pc_file, destdir, scratch):
    """A copy of the .pc file whose prefix points into DESTDIR.

    pkg-config has no way to move one package's prefix (PKG_CONFIG_SYSROOT_DIR and
    --define-variable move GLib's too), so the copy moves it, as a packager's sysroot would;
    everything else in the file, includedir and libdir included, is checked as installed."""
    with open(pc_file) as f:
        text = f.read()
    prefix = re.search(r"^prefix=(.*)$", text, re.MULTILINE)
    if prefix is None:
        fail("%s has no prefix= line" % pc_file)
    if not prefix.group(1).startswith("${pcfiledir}"):
        text = text.replace(prefix.group(0), "prefix=" + destdir + prefix.group(1), 1)
    pc_dir = os.path.join(scratch, "pkgconfig")
    os.makedirs(pc_dir)
    with open(os.path.join(pc_dir, os.path.basename(pc_file)), "w") as f:
        f.write(text)
    return pc_dir


def declared_functions(cc, cflags, scratch):
    """Every agviz_ function named in the installed headers, read from the preprocessed agviz.h
    (so declarations made by macros like G_DECLARE_FINAL_TYPE count too)."""
    source = os.path.join(scratch, "all-headers.c")
    with open(source, "w") as f:
        f.write("#include <agviz.h>\n")
    preprocessed = run(cc + cflags + ["-E", source])
    names = set()
    in_agviz_header = False
    for line in preprocessed.splitlines():
        marker = re.match(r'^# \d+ "([^"]*)"', line)
        if marker:
            in_agviz_header = "/agviz-1/" in marker.group(1)
            continue
        if in_agviz_header:
            names.update(re.findall(r"\b(agviz_\w+)\s*\(", line))
    if not names:
        fail("the installed agviz.h declares no agviz_ function")
    return names


def expect(actual, wanted, what):
    if actual != wanted:
        fail("agviz info --json: %s is %r, not %r" % (what, actual, wanted))


def main():
    if len(sys.argv) < 6 or sys.argv[4] != "--":
        fail("usage: check-installed-library.py MESON BUILD_ROOT PROGRAM_SOURCE -- CC [CC_ARG...]")
    meson, build_root, program_source = sys.argv[1:4]
    cc = sys.argv[5:]
    agviz = os.environ["AGVIZ"]

    with tempfile.TemporaryDirectory(prefix="agviz-install-") as scratch:
        destdir = os.path.join(scratch, "destdir")
        run([meson, "install", "-C", build_root, "--no-rebuild", "--quiet", "--destdir", destdir])

        include_dir = only(glob.glob(destdir + "/**/include/agviz-1", recursive=True),
                           "include/agviz-1 folder")
        headers = sorted(os.listdir(include_dir))
        internal = [h for h in headers if h.endswith("-private.h") or h == "agviz-core.h"]
        if internal:
            fail("internal headers are installed: %s" % internal)

        library = only(glob.glob(destdir + "/**/libagviz-1.so.0", recursive=True),
                       "libagviz-1.so.0")
        library_dir = os.path.dirname(library)
        soname = re.search(r"SONAME\s+(\S+)", run(["objdump", "-p", library]))
        if soname is None or soname.group(1) != "libagviz-1.so.0":
            fail("%s has SONAME %s, not libagviz-1.so.0" % (library, soname and soname.group(1)))

        pc_file = only(glob.glob(destdir + "/**/pkgconfig/agviz-1.pc", recursive=True),
                       "agviz-1.pc")
        env = dict(os.environ,
                   PKG_CONFIG_PATH=relocated_pkgconfig_dir(pc_file, destdir, scratch))
        cflags = run(["pkg-config", "--cflags", "agviz-1"], env=env).split()
        libs = run(["pkg-config", "--libs", "agviz-1"], env=env).split()

        # The ABI is the public headers, all of them and only them.
        exported = set()
        for line in run(["nm", "-D", "--defined-only", library]).splitlines():
            exported.add(line.split()[-1])
        declared = declared_functions(cc, cflags, scratch)
        missing = sorted(declared - exported)
        if missing:
            fail("declared in %s but not exported by %s: %s" % (headers, library, missing))
        extra = sorted(exported - declared - LINKER_SYMBOLS)
        if extra:
            fail("%s exports what no public header declares: %s" % (library, extra))

        program = os.path.join(scratch, "record-trace")
        run(cc + ["-std=gnu17", "-Wall", "-Werror=implicit-function-declaration"] + cflags
            + [program_source, "-o", program] + libs)
        trace_file = os.path.join(scratch, "dense.db")
        # Only the installed library: meson points LD_LIBRARY_PATH at the build tree's.
        run_env = dict(os.environ, LD_LIBRARY_PATH=library_dir)
        printed = run([program, trace_file], env=run_env)
        if "4 nodes, 3 edges, 1 executions" not in printed:
            fail("record-trace read back something else: %s" % printed)

        info = json.loads(run([agviz, "info", "--json", trace_file]))
        expect(info["metadata"].get("producer"), "record-trace (installed libagviz-1)", "producer")
        totals = info["totals"]
        for key, value in {"functions": 1, "traces": 1, "nodes": 4, "edges": 3,
                           "executions": 1}.items():
            expect(totals[key], value, "totals." + key)
        function = info["functions"][0]
        expect(function["name"], "dense", "function name")
        trace = function["traces"][0]
        for key, value in {"graph_name": "__inference_dense_7", "status": "complete",
                           "node_count": 4, "edge_count": 3, "execution_count": 1,
                           "wall_ns": 2500000}.items():
            expect(trace[key], value, "trace " + key)
        print("installed %d headers, %d exported functions; record-trace: %s"
              % (len(headers), len(declared), printed.strip()))


if __name__ == "__main__":
    main()
