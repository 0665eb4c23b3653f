#!/usr/bin/env python3
"""Scale-out as doc/scale-out.md describes it (argv[1]: the history
engine, sqlite or postgresql): a backlog in 4 mbox shards run through
GNU parallel gives, after a stable sort, the output of one `scan` over
the whole (the `source` and `index` fields name the shard and the place
in it, so they are left out of the comparison); and `ingest` of the
shards in parallel into one history leaves what one ingest of the whole
leaves (rows, stats, suppression list). Skipped without `parallel`."""
import json
import os
import shutil
import subprocess
import sys

from common import BIN, ENV, Engine, Tap, answers, bk, expect, rows
import bounces

if shutil.which("parallel") is None:
    print("1..0 # SKIP GNU parallel is not installed (Debian: apt-get install parallel)")
    sys.exit(0)

N = 600
engine = Engine(sys.argv[1])
tap = Tap()
work = engine.tmp
shards = []
for k in range(4):
    shards.append(os.path.join(work, f"shard-{k}.mbox"))
    with open(shards[-1], "w") as f:
        f.write(bounces.mbox(range(k * N // 4, (k + 1) * N // 4)))
whole = os.path.join(work, "whole.mbox")
with open(whole, "w") as f:
    for s in shards:
        f.write(open(s).read())


def parallel(*args):
    r = subprocess.run(["parallel", "--will-cite", "--quote", "-j", "4", *args], capture_output=True, text=True, env=ENV)
    expect(r.returncode == 0, r.stderr)
    return r.stdout


def verdicts(jsonl):
    """The scan's lines without where they came from, sorted stably."""
    out = []
    for line in jsonl.splitlines():
        o = json.loads(line)
        del o["source"], o["index"]
        out.append(json.dumps(o, sort_keys=True))
    return sorted(out)


def test_scan_shards():
    one = bk("scan", "-q", "--all", whole)
    expect(one.returncode == 0, one.stderr)
    expect(one.stdout.count("\n") == N, f"{one.stdout.count(chr(10))} lines")
    parts = parallel(BIN, "scan", "-q", "--all", ":::", *shards)
    expect(verdicts(parts) == verdicts(one.stdout), "the shards' verdicts differ from the whole's")
    # the whole on stdin, cut into chunks at message boundaries by parallel
    piped = subprocess.run(["parallel", "--will-cite", "-j", "4", "--pipe", "--block", "40k",
                            "--recstart", "From ", BIN, "scan", "-q", "--all", "-"],
                           stdin=open(whole), capture_output=True, text=True, env=ENV)
    expect(piped.returncode == 0, piped.stderr)
    expect(verdicts(piped.stdout) == verdicts(one.stdout), "the piped chunks' verdicts differ")


def test_ingest_shards():
    serial = engine.new_db()
    r = bk("ingest", "--db", serial, whole)
    expect(r.returncode == 0, r.stderr)
    shared = engine.new_db()
    parallel(BIN, "ingest", "-q", "--db", shared, ":::", *shards)
    expect(rows(engine, shared) == rows(engine, serial), "rows differ")
    expect(answers(shared) == answers(serial), "stats or suppress differ")


tap.run("scan: 4 shards through parallel equal one scan", test_scan_shards)
tap.run(f"{engine.name}: ingest of the shards in parallel equals one ingest", test_ingest_shards)
engine.close()
sys.exit(tap.done())
