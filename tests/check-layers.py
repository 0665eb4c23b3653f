#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The library's stages stay layered (CONTRIBUTING.md, "A map of the source").

usage: check-layers.py SRCDIR [LIBBK-INTERNAL.a]

Every file of SRCDIR is in a stage folder, and a stage uses only itself and
the stages below it, both in what it includes and, given the static library
and nm, in what it calls. Files never depend on each other in a circle: a
file and its header are one module, and the modules' includes, like the
objects' calls, form no cycle. Prints TAP.
"""
import os
import re
import shutil
import subprocess
import sys

# lowest first; the CLI uses only the library's public API, but may use any
STAGES = ['core', 'rules', 'read', 'analyze', 'history', 'output', 'cli']
RANK = {s: i for i, s in enumerate(STAGES)}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)

results = []


def check(ok, name, why=()):
    results.append((ok, name, list(why)))


def stage_of(rel):
    """the stage of a path relative to SRCDIR, or None"""
    first = rel.split('/')[0]
    return first if first in RANK and '/' in rel else None


def module_of(rel):
    """a file and its header are one module: rules/bk-scan.c -> rules/bk-scan"""
    return os.path.splitext(rel)[0]


def cycles(edges):
    """the cycles of a directed graph {node: {node}}, each once"""
    found = []
    index, low, on, stack, n = {}, {}, set(), [], [0]

    def strong(v):  # Tarjan: a strongly connected component of two or more is a cycle
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            strong(v)
    return found


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    src = os.path.abspath(sys.argv[1])
    lib = sys.argv[2] if len(sys.argv) > 2 else None

    files = []
    for root, dirs, names in os.walk(src):
        dirs.sort()
        for name in sorted(names):
            if name.endswith(('.c', '.h')):
                files.append(os.path.relpath(os.path.join(root, name), src))

    # every file in a stage
    loose = [f for f in files if stage_of(f) is None]
    check(not loose, 'every source file is in a stage folder (%s)' % ', '.join(STAGES),
          ['%s: not in a stage folder' % f for f in loose])

    # includes: never a higher stage's header; modules in no cycle
    upward, edges = [], {}
    for f in files:
        stage = stage_of(f)
        if stage is None:
            continue
        with open(os.path.join(src, f), encoding='utf-8', errors='replace') as fh:
            text = fh.read()
        for inc in INCLUDE.findall(text):
            # as the compiler looks: the file's own folder, then SRCDIR
            target = None
            for base in (os.path.dirname(f), ''):
                cand = os.path.normpath(os.path.join(base, inc))
                if os.path.isfile(os.path.join(src, cand)):
                    target = cand
                    break
            if target is None:
                continue  # config.h, the public headers, the system's
            tstage = stage_of(target)
            if tstage is None or RANK[tstage] > RANK[stage]:
                upward.append('%s (%s) includes %s (%s)' % (f, stage, target, tstage))
            a, b = module_of(f), module_of(target)
            if a != b:
                edges.setdefault(a, set()).add(b)
    check(not upward, 'no file includes a header of a higher stage', upward)
    circles = cycles(edges)
    check(not circles, 'no include cycle between files',
          ['in a cycle of includes: ' + ' <-> '.join(c) for c in circles])

    # calls, from the objects of the static library
    nm = shutil.which('nm')
    if lib is None or nm is None or not os.path.isfile(lib):
        results.append((None, 'calls follow the stages (no library or nm given)', []))
        results.append((None, 'no call cycle between files (no library or nm given)', []))
    else:
        out = subprocess.run([nm, '-A', lib], check=True, capture_output=True, text=True).stdout
        by_base = {os.path.basename(f): f for f in files if f.endswith('.c')}
        defined, needed, unknown = {}, {}, set()
        for line in out.splitlines():
            # lib.a:member.o: [address] TYPE symbol
            m = re.match(r'^(?:.*?):([^:]+\.o):\s*(?:[0-9a-fA-F]+)?\s+(\w)\s+(\S+)$', line)
            if not m:
                continue
            member, kind, sym = m.groups()
            # meson names an object after its source: analyze_bk-analyzer.c.o
            base = os.path.basename(member)[:-2].split('_')[-1]
            source = by_base.get(base)
            if source is None:
                unknown.add(member)
                continue
            if kind == 'U':
                needed.setdefault(source, set()).add(sym)
            elif kind in 'TDBRVWG':  # text, data, bss, read-only, weak
                defined.setdefault(sym, set()).add(source)
        ok = not unknown and bool(needed)
        check(ok, 'every object of the library is a source file of a stage',
              [] if ok else ['%s: no such source' % u for u in sorted(unknown)] or ['no object read from ' + lib])
        upward, calls = [], {}
        for f, syms in sorted(needed.items()):
            for sym in sorted(syms):
                for g in sorted(defined.get(sym, ())):
                    if g == f:
                        continue
                    if RANK[stage_of(g)] > RANK[stage_of(f)]:
                        upward.append('%s (%s) uses %s of %s (%s)' % (f, stage_of(f), sym, g, stage_of(g)))
                    calls.setdefault(f, set()).add(g)
        check(not upward, 'calls follow the stages: none into a higher one', upward)
        circles = cycles(calls)
        check(not circles, 'no call cycle between files',
              ['in a cycle of calls: ' + ' <-> '.join(c) for c in circles])

    print('1..%d' % len(results))
    failed = 0
    for i, (ok, name, why) in enumerate(results, 1):
        if ok is None:
            print('ok %d - %s # SKIP' % (i, name))
            continue
        print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
        for w in why:
            print('#   ' + w)
        failed += not ok
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
