#!/usr/bin/env python3
"""Growth checks: bouncekit's time and memory on hostile inputs of size n
and 2n, generated here. Not a timed unit test: each shape is measured in
CPU seconds (best of two runs) and maximum RSS of the child process, and
the bounds are generous but catch what matters:

  - doubling the input must not quadruple the time (quadratic growth):
    t(2n) <= 3 t(n) + 0.1 s;
  - the issue's reproducers stay under their absolute bounds: `check` of
    256,000 blank lines before an Exchange text in < 1 s, of a million
    empty MIME parts in < 256 MB; `scan` of an mbox piped on stdin (256
    MiB here, so CI stays short; memory does not depend on the size) in
    < 64 MB; /dev/zero as a path is a clear error at once.

Usage: growth.py [BOUNCEKIT] [RULES]   (defaults: build/bouncekit, rules)
Prints one line per check (TAP) and exits 1 if any fails."""
import os
import subprocess
import sys
import tempfile

BIN = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BOUNCEKIT_BIN", "build/bouncekit")
RULES = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("BK_RULES_DIR", "rules")
TMP = tempfile.mkdtemp(prefix="bk-growth-")
ENV = dict(os.environ, BOUNCEKIT_RULES=RULES, XDG_CACHE_HOME=os.path.join(TMP, "cache"))

n_checks = 0
failed = 0


def report(ok, what):
    global n_checks, failed
    n_checks += 1
    if not ok:
        failed += 1
    print(f"{'ok' if ok else 'not ok'} {n_checks} - {what}", flush=True)


def measure(args, stdin_path=None, runs=2):
    """Best of @runs: (cpu seconds, max RSS KiB, status, stderr)."""
    best = None
    for _ in range(runs):
        with open(stdin_path or os.devnull, "rb") as inp:
            pid = os.fork()
            if pid == 0:
                os.dup2(inp.fileno(), 0)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                errf = os.open(os.path.join(TMP, "stderr"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
                os.dup2(errf, 2)
                os.execve(BIN, [BIN, *args], ENV)
            _, status, ru = os.wait4(pid, 0)
        cpu = ru.ru_utime + ru.ru_stime
        err = open(os.path.join(TMP, "stderr")).read()
        code = os.waitstatus_to_exitcode(status)
        if best is None or cpu < best[0]:
            best = (cpu, ru.ru_maxrss, code, err)
    return best


def write(name, parts):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        for p in parts:
            f.write(p)
    return path


HEAD = ("From: postmaster@example.org\nTo: sender@example.com\n"
        "Subject: Undeliverable: hello\nContent-Type: text/plain\n\n")
TAIL = "Delivery has failed to these recipients or groups:\nuser@example.com\n"

# each shape: name, command, builder of a message of size n
SHAPES = [
    ("blank lines before the failure text", ["check"],
     lambda n: [HEAD, "\n" * n, TAIL], 128000),
    ("a line of spaces and tabs", ["check"],
     lambda n: [HEAD, " \t" * (n // 2), "\n", TAIL], 512000),
    ("lines of spaces", ["check"],
     lambda n: [HEAD, " \n" * (n // 2), TAIL], 256000),
    ("lines of dashes (boundary-like)", ["check"],
     lambda n: [HEAD, "--x\n" * (n // 4), TAIL], 1000000),
    ("empty MIME parts", ["check"],
     lambda n: ["From: postmaster@example.org\nSubject: Undeliverable: hello\nMIME-Version: 1.0\n"
                "Content-Type: multipart/mixed; boundary=b\n\n", "--b\n\n" * n, "--b--\n"], 250000),
    ("a huge header", ["check"],
     lambda n: ["From: postmaster@example.org\nSubject: Undeliverable: ", "x " * (n // 2), "\n",
                "X-Failed-Recipients: user@example.com\n\n", TAIL], 1000000),
    ("blank lines before a delivery-status report", ["scan", "-q"],
     lambda n: ["From: MAILER-DAEMON@example.org\nSubject: Undelivered Mail\nMIME-Version: 1.0\n"
                "Content-Type: multipart/report; report-type=delivery-status; boundary=B\n\n--B\n"
                "Content-Type: text/plain\n\n", "\n" * n,
                "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x\n\n"
                "Final-Recipient: rfc822; u@example.com\nAction: failed\nStatus: 5.1.1\n\n--B--\n"], 128000),
]

for name, cmd, build, n in SHAPES:
    small = write("small.eml", build(n))
    big = write("big.eml", build(2 * n))
    t1, r1, c1, e1 = measure([*cmd, small])
    t2, r2, c2, e2 = measure([*cmd, big])
    ok = t2 <= 3 * t1 + 0.1 and c2 in (0, 1)
    report(ok, f"{name}: n {t1:.2f} s {r1 // 1024} MB, 2n {t2:.2f} s {r2 // 1024} MB"
               f" (ratio {t2 / max(t1, 1e-3):.1f}){'' if c2 in (0, 1) else ' status ' + str(c2) + ': ' + e2}")

# the reproducers, absolute bounds
quad = write("quad.eml", [HEAD, "\n" * 256000, TAIL])
t, rss, code, err = measure(["check", quad])
report(t < 1.0 and code == 0, f"check, 256,000 blank lines: {t:.2f} s {rss // 1024} MB, status {code} (< 1 s, a bounce)")

parts = write("parts.eml", ["From: postmaster@example.org\nSubject: Undeliverable: hello\nMIME-Version: 1.0\n"
                            "Content-Type: multipart/mixed; boundary=b\n\n", "--b\n\n" * 1000000, "--b--\n"])
t, rss, code, err = measure(["check", parts])
report(rss < 256 * 1024 and code in (0, 1), f"check, a million empty parts: {t:.2f} s {rss // 1024} MB (< 256 MB)")

hdr = write("header.eml", ["From: postmaster@example.org\nSubject: Undeliverable: ", "x " * 2000000, "\n",
                           "X-Failed-Recipients: user@example.com\n\n", TAIL])
t, rss, code, err = measure(["check", hdr])
report(rss < 64 * 1024 and code == 0, f"check, a 4 MB Subject: {t:.2f} s {rss // 1024} MB (< 64 MB)")

t, rss, code, err = measure(["check", "/dev/zero"])
report(code == 2 and "/dev/zero" in err and t < 1.0,
       f"check /dev/zero: status {code} in {t:.2f} s: {err.strip()}")

# an mbox on stdin is streamed: memory does not follow its size
samples = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples")
blob = []
for d in sorted(os.listdir(samples)):
    dd = os.path.join(samples, d)
    if not os.path.isdir(dd):
        continue
    for f in sorted(os.listdir(dd)):
        if f.endswith(".eml"):
            b = open(os.path.join(dd, f), "rb").read().replace(b"\r\n", b"\n").replace(b"\nFrom ", b"\n>From ")
            blob.append(b"From MAILER-DAEMON Mon Dec  7 17:00:00 2026\n" + b + (b"" if b.endswith(b"\n") else b"\n") + b"\n")
blob = b"".join(blob)
mbox = os.path.join(TMP, "big.mbox")
size = 256 << 20
with open(mbox, "wb") as f:
    written = 0
    while written < size:
        f.write(blob)
        written += len(blob)
t, rss, code, err = measure(["scan", "-q", "-j", "2", "-"], stdin_path=mbox, runs=1)
report(rss < 64 * 1024 and code == 0,
       f"scan - < {written >> 20} MiB mbox: {t:.1f} s CPU, {rss // 1024} MB (< 64 MB), status {code}")

subprocess.run(["rm", "-rf", TMP])
print(f"1..{n_checks}")
sys.exit(1 if failed else 0)
