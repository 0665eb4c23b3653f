#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run g-ir-scanner from an empty directory.

meson runs the scanner from the build root, where the command
`bouncekit` lives (README and scripts expect build/bouncekit). The scanner
links its dumper with `--library bouncekit`, and takes a library name that
is also a file in the working directory for that file
(giscanner/ccompiler.py: `os.path.isfile(library)`): it would link the
program instead of libbouncekit. Relative paths of the command line (the
output, the file list and its entries) are made absolute first.
"""
import os
import shutil
import subprocess
import sys
import tempfile

scanner = os.environ.get("BK_G_IR_SCANNER") or shutil.which("g-ir-scanner")
args = []
argv = sys.argv[1:]
i = 0
while i < len(argv):
    a = argv[i]
    if a in ("--output", "-o") and i + 1 < len(argv):
        args += [a, os.path.abspath(argv[i + 1])]
        i += 2
        continue
    if a.startswith("--output="):
        a = "--output=" + os.path.abspath(a[len("--output="):])
    args.append(a)
    i += 1
with tempfile.TemporaryDirectory(prefix="bk-gir-") as d:
    for n, a in enumerate(args):
        if a.startswith("--filelist="):
            with open(a[len("--filelist="):]) as f:
                files = [os.path.abspath(x) for x in f.read().split("\n") if x]
            path = os.path.join(d, "filelist")
            with open(path, "w") as f:
                f.write("\n".join(files) + "\n")
            args[n] = "--filelist=" + path
    sys.exit(subprocess.call([scanner] + args, cwd=d))
