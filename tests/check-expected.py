#!/usr/bin/env python3
"""Compare bouncekit's verdicts on a sample directory with its expected.jsonl.

  python3 tests/check-expected.py BIN DIR
      runs `BIN scan --quiet --format json DIR/emails` and compares, per
      message, the failed/delayed recipients (lowercased), their class and
      reason (and action where expected.jsonl gives one) with
      DIR/expected.jsonl.

  python3 tests/check-expected.py --lookalikes BIN DIR
      DIR holds messages that are NOT bounces: every file must produce zero
      records without --all, and with --all only records of class none
      (a delivery receipt, an auto-reply).

Prints each mismatch and `N/M messages read exactly`; exits 1 on any
mismatch, 2 on a usage or run error.
"""
import json
import os
import subprocess
import sys

CLASS = {}
for c, reasons in {
    "hard": "userunknown hostunknown hasmoved notaccept",
    "soft": "mailboxfull exceedlimit mesgtoobig expired networkerror systemerror "
            "systemfull toomanyconn speeding mailererror onhold suspend syntaxerror undefined",
    "policy": "blocked spamdetected policyviolation rejected norelaying securityerror "
              "virusdetected authfailure badreputation requireptr notcompliantrfc "
              "contenterror filtered failedstarttls",
    "none": "delivered vacation feedback",
}.items():
    for r in reasons.split():
        CLASS[r] = c


def scan(binary, path, all_=False):
    cmd = [binary, "scan", "--quiet", "--format", "json"] + (["--all"] if all_ else []) + [path]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)}: exit {p.returncode}\n{p.stderr}")
    got = {}
    for line in p.stdout.splitlines():
        if not line.strip():
            continue
        o = json.loads(line)
        got.setdefault(os.path.basename(o["source"]), []).append(o)
    return got


def rec(o, with_action):
    t = ((o.get("recipient") or "").lower(), o.get("class"), o.get("reason"))
    return t + ((o.get("action"),) if with_action else ())


def check_expected(binary, d):
    want = {}
    with open(os.path.join(d, "expected.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                w = json.loads(line)
                want[w["file"]] = w
    emails = os.path.join(d, "emails")
    on_disk = {f for f in os.listdir(emails) if f.endswith(".eml")}
    got = scan(binary, emails)
    bad = 0
    for f in sorted(on_disk - set(want)):
        print(f"  {f}: no line in expected.jsonl")
        bad += 1
    for f, w in sorted(want.items()):
        if f not in on_disk:
            print(f"  {f}: in expected.jsonl but no such file")
            bad += 1
            continue
        with_action = any("action" in r for r in w["recipients"])
        rows = []
        for r in w["recipients"]:
            cls = CLASS.get(r["reason"], "?")
            t = (r["recipient"].lower(), cls, r["reason"])
            if with_action:
                t += (r.get("action", "failed"),)
            rows.append(t)
        have = [rec(o, with_action) for o in got.get(f, []) if o.get("class") != "none"]
        if sorted(rows) != sorted(have):
            bad += 1
            print(f"  {f}:\n      want {sorted(rows)}\n      got  {sorted(have)}")
    n = len(want) + len(on_disk - set(want))
    print(f"{os.path.basename(os.path.normpath(d))}: {n - bad}/{n} messages read exactly")
    return bad, n


def check_lookalikes(binary, d):
    files = sorted(f for f in os.listdir(d) if f.endswith(".eml"))
    plain = scan(binary, d)
    every = scan(binary, d, all_=True)
    bad = 0
    for f in files:
        msgs = []
        for o in plain.get(f, []):
            msgs.append(f"printed without --all: {rec(o, True)}")
        for o in every.get(f, []):
            if o.get("class") != "none":
                msgs.append(f"--all record of class {o.get('class')}: {rec(o, True)}")
        if msgs:
            bad += 1
            print(f"  {f}: " + "; ".join(msgs))
    print(f"{os.path.basename(os.path.normpath(d))}: {len(files) - bad}/{len(files)} messages read exactly")
    return bad, len(files)


def main(argv):
    """--floor PCT: pass when at least PCT% of the messages are read
    exactly (a set that measures progress, not one that must be whole)"""
    look = "--lookalikes" in argv
    args = [a for a in argv if a != "--lookalikes"]
    floor = 100.0
    if "--floor" in args:
        i = args.index("--floor")
        floor = float(args[i + 1])
        del args[i:i + 2]
    if len(args) != 2:
        print("usage: check-expected.py [--lookalikes] [--floor PCT] BIN DIR", file=sys.stderr)
        return 2
    binary, d = args
    bad, n = check_lookalikes(binary, d) if look else check_expected(binary, d)
    return 1 if 100.0 * (n - bad) / max(n, 1) < floor else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
