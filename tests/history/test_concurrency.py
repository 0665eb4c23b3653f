#!/usr/bin/env python3
"""Eight writers at once on one history (argv[1]: sqlite or postgresql):
five `ingest` runs (each over four mbox files, so their transactions
interleave) and three loops of `check --record` (one process per
message, as procmail runs it), over an overlapping set of 2,000 bounces:
each bounce is given to two ingest writers, some to a check writer too.

The history must end as one serial ingest of the 2,000 leaves it: the
same rows (every column but the id and the source path), the same
`stats`, the same `suppress` in every format. No writer may fail (no
"database is locked"), none may lose an event."""
import os
import subprocess
import sys
import threading

from common import BIN, ENV, Engine, Tap, answers, bk, expect, rows
import bounces

N = 2000
engine = Engine(sys.argv[1])
tap = Tap()
def write_mbox(name, indices):
    path = os.path.join(engine.tmp, name)
    with open(path, "w") as f:
        f.write(bounces.mbox(indices))
    return path


def concurrent_equals_serial():
    serial = engine.new_db()
    r = bk("ingest", "--db", serial, write_mbox("all.mbox", range(N)))
    expect(r.returncode == 0 and f"{N} messages, {N} new events" in r.stderr, r.stderr)

    shared = engine.new_db()
    # no schema yet: the first writers to open create it, once
    start = threading.Barrier(8)
    failures = []

    def ingest_writer(k):
        mine = [i for i in range(N) if i % 5 in (k, (k + 1) % 5)]
        files = [write_mbox(f"w{k}-{p}.mbox", mine[p::4]) for p in range(4)]
        start.wait()
        r = subprocess.run([BIN, "ingest", "-q", "--db", shared, *files], capture_output=True, text=True, env=ENV)
        if r.returncode != 0 or r.stderr:
            failures.append(f"ingest {k}: exit {r.returncode}: {r.stderr}")

    def check_writer(j):
        mine = [i for i in range(N) if i % 20 == j * 7]
        start.wait()
        for i in mine:
            # a generous --db-timeout: this test is about equal results
            # under contention, not about the pipe filter's short wait
            # (test_record_timeout.py); sanitizer builds hold locks longer
            r = subprocess.run([BIN, "check", "--record", "--db-timeout", "300", "--db", shared],
                               input=bounces.make(i),
                               capture_output=True, text=True, env=ENV)
            if r.returncode not in (0, 1) or r.stderr:
                failures.append(f"check {j} bounce {i}: exit {r.returncode}: {r.stderr}")

    threads = [threading.Thread(target=ingest_writer, args=(k,)) for k in range(5)]
    threads += [threading.Thread(target=check_writer, args=(j,)) for j in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expect(not failures, "\n".join(failures[:5]))
    want, got = rows(engine, serial), rows(engine, shared)
    expect(len(want) == N, f"serial has {len(want)} rows")
    expect(got == want, f"{len(got)} rows, {len(set(want) - set(got))} missing, {len(set(got) - set(want))} extra")
    a, b = answers(serial), answers(shared)
    for k in a:
        expect(a[k] == b[k], f"{k} differs:\n{a[k][:300]}\n---\n{b[k][:300]}")
    expect(a["addresses"].count("\n") > 100, "suppression list too small to tell anything")


tap.run(f"{engine.name}: 8 concurrent writers equal one serial ingest", concurrent_equals_serial)
engine.close()
sys.exit(tap.done())
