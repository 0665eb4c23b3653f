#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The command line as a new user meets it (issue 18, item 7): usage
lines, help, wording, error messages, forgive's output, check --db,
-j 0, the scan summary and stats' order. TAP on stdout."""
import json
import os
import subprocess
import sys
import tempfile

BIN = os.environ["BOUNCEKIT_BIN"]
ROOT = os.environ["BK_SOURCE_ROOT"]
SAMPLE = os.path.join(ROOT, "samples", "rfc3464", "multi-recipient.eml")
DELIVERED = os.path.join(ROOT, "samples", "rfc3464", "delivered-success.eml")
MBOX = os.path.join(ROOT, "samples", "mbox", "bounces.mbox")
tmp = tempfile.TemporaryDirectory(prefix="bk-cli-polish-")
n = fails = 0


def bk(*args, stdin=None):
    env = dict(os.environ, LC_ALL="C.UTF-8")
    return subprocess.run([BIN, *args], capture_output=True, text=True, env=env,
                          stdin=open(stdin, "rb") if stdin else subprocess.DEVNULL)


def ok(cond, name, detail=""):
    global n, fails
    n += 1
    print(("ok" if cond else "not ok") + f" {n} - {name}")
    if not cond:
        fails += 1
        for line in str(detail).splitlines():
            print(f"# {line}")


# usage lines: once, with the program's name
for cmd, args in [("scan", "[PATH…|-]"), ("explain", "FILE"), ("rules", "check [DIR]"),
                  ("check", "[FILE|-]"), ("forgive", "--db FILE|URI ADDRESS…")]:
    out = bk(cmd, "--help").stdout
    usage = out.splitlines()[1].strip()
    ok(usage.startswith(f"bouncekit {cmd} [OPTION…] {args} - "), f"{cmd} --help usage line", usage)
    ok(usage.count(args) == 1, f"{cmd} --help names its arguments once", usage)

# help COMMAND is the command's help
r = bk("help", "scan")
ok(r.returncode == 0 and r.stdout == bk("scan", "--help").stdout, "help scan prints scan's help", r.stdout[:300])
r = bk("help", "frobnicate")
ok(r.returncode == 2 and "no command 'frobnicate'" in r.stderr, "help of an unknown command", r.stderr)

# the top-level help: the history is SQLite or PostgreSQL
top = bk("help").stdout
ok("SQLite history" not in top and "PostgreSQL" in top and "--db FILE|URI" in top,
   "help names both history engines", top)

# --version lists the features
v = bk("--version").stdout.splitlines()
ok(len(v) >= 2 and v[1].startswith("features: ") and all(
    f in v[1] for f in ("postgresql", "mimalloc", "introspection")), "--version lists features", v)

# a history to work on
db = os.path.join(tmp.name, "list.db")
r = bk("ingest", "-q", "--db", db, SAMPLE, MBOX)
ok(r.returncode == 0, "ingest", r.stderr)

# invalid --now and thresholds are named one by one
r = bk("suppress", "--db", db, "--now", "yesterday")
ok(r.returncode == 2 and "invalid --now 'yesterday'" in r.stderr and "--soft-threshold" not in r.stderr,
   "suppress --now yesterday names --now alone", r.stderr)
r = bk("suppress", "--db", db, "--soft-threshold", "0")
ok(r.returncode == 2 and "--soft-threshold must be 1 or more" in r.stderr, "suppress --soft-threshold 0", r.stderr)
r = bk("suppress", "--db", db, "--window", "-3")
ok(r.returncode == 2 and "--window must be 0 or more days" in r.stderr, "suppress --window -3", r.stderr)
r = bk("forgive", "--db", db, "--now", "tomorrow", "a@example.org")
ok(r.returncode == 2 and "invalid --now 'tomorrow'" in r.stderr, "forgive --now tomorrow", r.stderr)

# forgive says what it did, and that an unknown address was not there
r = bk("forgive", "--db", db, "--now", "2026-12-01", "FELIX.BRANDT@example.org")
ok(r.returncode == 0 and r.stdout.startswith("forgiven: FELIX.BRANDT@example.org: 1 event recorded, reset at 2026-12-01T00:00:00Z"),
   "forgive prints the reset", r.stdout + r.stderr)
r = bk("forgive", "--db", db, "nobody@example.invalid")
ok(r.returncode == 1 and r.stdout == "" and "'nobody@example.invalid' is not in the history" in r.stderr,
   "forgive of an unknown address fails and says so", f"{r.returncode} {r.stdout} {r.stderr}")

# a database in a missing directory
r = bk("ingest", "--db", os.path.join(tmp.name, "no", "such", "dir", "list.db"), SAMPLE)
ok(r.returncode == 2 and "no directory" in r.stderr and "unable to open database file" not in r.stderr,
   "a missing database directory is named", r.stderr)

# check --db without --record is a usage error, not silently ignored
r = bk("check", "--db", db, stdin=SAMPLE)
ok(r.returncode == 2 and "--db is for --record" in r.stderr, "check --db without --record", r.stderr)

# -j 0 is documented: one thread per core
help_scan = bk("scan", "--help").stdout
ok("0: number of cores" in help_scan, "scan --help documents -j 0", help_scan)
r0, r1 = bk("scan", "-q", "-j", "0", SAMPLE), bk("scan", "-q", "-j", "1", SAMPLE)
ok(r0.returncode == 0 and r0.stdout == r1.stdout, "-j 0 scans like -j 1", r0.stderr)
r = bk("scan", "-q", "-j", "-2", SAMPLE)
ok(r.returncode == 2 and "--jobs must be 1 or more (0: one per core)" in r.stderr, "-j -2", r.stderr)

# the summary counts what was printed and says "1 message"
r = bk("scan", "--summary", "json", DELIVERED, SAMPLE)
s = json.loads(r.stderr.strip().splitlines()[-1])
ok(sum(s["by_class"].values()) == s["recipients_printed"] == 3 and "none" not in s["by_class"],
   "summary classes add up to the recipients printed", s)
r = bk("scan", "--all", "--summary", "json", DELIVERED, SAMPLE)
s = json.loads(r.stderr.strip().splitlines()[-1])
ok(sum(s["by_class"].values()) == s["recipients_printed"] and s["by_class"].get("none") == 1,
   "with --all the delivered recipient is printed and counted", s)
r = bk("scan", SAMPLE)
ok(r.stderr.startswith("bouncekit: 1 message: 1 bounce, 0 non-bounces; 0 failed inputs; 3 recipients printed"),
   "text summary in words of the right number", r.stderr)

# an unreadable directory: the path once, in one kind of quotes
if os.geteuid() == 0:
    locked = os.path.join(tmp.name, "locked")
    os.mkdir(locked, 0)
    os.chmod(tmp.name, 0o755)
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", BIN, "scan", "-q", locked],
                       capture_output=True, text=True)
else:
    locked = os.path.join(tmp.name, "locked")
    os.mkdir(locked, 0)
    r = bk("scan", "-q", locked)
ok(r.stderr.strip() == f"bouncekit: cannot read directory '{locked}': Permission denied",
   "an unreadable directory is named once", r.stderr)

# stats: most events first
out = bk("stats", "--db", db).stdout
domains = []
section = None
for line in out.splitlines():
    if line.endswith(":"):
        section = line[:-1]
    elif section == "domain" and line.startswith("  "):
        name, *counts = line.split()
        domains.append((name, sum(int(c.split("=")[1]) for c in counts)))
ok(len(domains) > 2 and [c for _, c in domains] == sorted((c for _, c in domains), reverse=True),
   "stats lists domains by count", out)
csv = bk("stats", "--db", db, "--format", "csv").stdout.splitlines()
ok(csv[0] == "group,key,class,events", "stats csv header", csv[:2])

print(f"1..{n}")
sys.exit(1 if fails else 0)
