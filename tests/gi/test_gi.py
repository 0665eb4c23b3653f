#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""PyGObject over the typelib reads what `bouncekit scan --format json --all`
prints, field for field, for every message under samples/ (message files,
the Maildir, the mbox, the unknown layouts) and for the input errors.

Run by meson test with GI_TYPELIB_PATH and LD_LIBRARY_PATH pointing into
the build tree. A missing PyGObject is a failure, not a skip: CI installs
python3-gi (exit 77, a skip, only when BK_GI_ALLOW_SKIP=1)."""
import json
import os
import subprocess
import sys

try:
    import gi

    gi.require_version("GMime", "3.0")
    gi.require_version("Bouncekit", "0")
    from gi.repository import Bouncekit
except (ImportError, ValueError) as e:
    print(f"1..0 # SKIP PyGObject or the typelib missing: {e}")
    sys.exit(77 if os.environ.get("BK_GI_ALLOW_SKIP") == "1" else 1)

root = os.environ["BK_SOURCE_ROOT"]
rules = os.environ["BK_RULES_DIR"]
binary = os.environ["BOUNCEKIT_BIN"]
inputs = [os.path.join(root, "samples")]
if len(sys.argv) > 1:
    inputs = sys.argv[1:]

FIELDS = ["source", "index", "recipient", "original_recipient", "action", "status",
          "reply_code", "class", "reason", "diagnostic", "diagnostic_type", "remote_mta",
          "reporting_mta", "mta", "feedback_type", "date", "original_message_id",
          "original_from", "original_subject", "list_id", "rule"]

cli = subprocess.run([binary, "scan", "--format", "json", "--all", "--jobs", "1",
                      "--rules", rules] + inputs, capture_output=True)
cli_rows = [json.loads(line) for line in cli.stdout.decode("utf-8").splitlines()]
cli_errors = [line for line in cli.stderr.decode("utf-8", "replace").splitlines()
              if line.startswith("bouncekit: '")]

Bouncekit.init()
Bouncekit.parse_attached_messages(False)
ruleset = Bouncekit.Ruleset.load_dir(rules)
analyzer = Bouncekit.Analyzer.new(ruleset)
analyzer.set_evidence(False)

gi_rows, gi_errors, messages = [], [], 0
for path in inputs:
    reader = Bouncekit.Reader.new(path)
    while True:
        item = reader.next()
        if item is None:
            break
        if item.message is None:
            gi_errors.append("bouncekit: " + item.error.message)
            continue
        messages += 1
        report = analyzer.analyze(item.message)
        for r in report.get_recipients():
            gi_rows.append({
                "source": item.source,
                "index": item.index if item.index > 0 else None,
                "recipient": r.recipient,
                "original_recipient": r.original_recipient,
                "action": r.action,
                "status": r.status,
                "reply_code": r.reply_code,
                "class": Bouncekit.bounce_class_to_string(r.klass),
                "reason": r.reason,
                "diagnostic": r.diagnostic,
                "diagnostic_type": r.diagnostic_type,
                "remote_mta": r.remote_mta,
                "reporting_mta": report.reporting_mta,
                "mta": report.mta,
                "feedback_type": r.feedback_type,
                "date": r.get_date(report),
                "original_message_id": report.original_message_id,
                "original_from": report.original_from,
                "original_subject": report.original_subject,
                "list_id": report.list_id,
                "rule": r.rule,
            })

n = 0
fails = 0


def ok(cond, name, detail=""):
    global n, fails
    n += 1
    if not cond:
        fails += 1
        print(f"not ok {n} - {name}")
        for line in detail.splitlines():
            print(f"# {line}")
    else:
        print(f"ok {n} - {name}")


ok(cli.returncode in (0, 1), "the command ran", cli.stderr.decode("utf-8", "replace")[-2000:])
ok(messages > 150 and len(cli_rows) > 150, f"{messages} messages, {len(cli_rows)} recipients")
ok(len(gi_rows) == len(cli_rows), "as many recipients as the command prints",
   f"typelib {len(gi_rows)}, command {len(cli_rows)}")
for i, (want, got) in enumerate(zip(cli_rows, gi_rows)):
    ok(list(want) == FIELDS, f"row {i}: the command's keys are the contract's", str(list(want)))
    diff = [f"{k}: command {want.get(k)!r} typelib {got[k]!r}" for k in FIELDS
            if want.get(k) != got[k] or type(want.get(k)) is not type(got[k])]
    ok(not diff, f"{got['source']}#{got['index'] or ''} {got['recipient']}", "\n".join(diff))
ok(gi_errors == cli_errors, f"the same {len(cli_errors)} input errors",
   "\n".join(sorted(set(gi_errors) ^ set(cli_errors))))

# errors arrive as GLib.Error with the library's domains
try:
    Bouncekit.Ruleset.load_dir(os.path.join(root, "tests", "gi"))
    ok(False, "a directory without rules is an error")
except gi.repository.GLib.Error as e:
    ok(e.domain == "bk-rules-error-quark" and e.code == int(Bouncekit.RulesError.EMPTY),
       "a directory without rules: BK_RULES_ERROR_EMPTY", f"{e.domain} {e.code} {e.message}")
try:
    analyzer.analyze_bytes(b"")
    ok(False, "empty bytes are an error")
except gi.repository.GLib.Error as e:
    ok(e.domain == "bk-input-error-quark", "empty bytes: BK_INPUT_ERROR", e.message)

print(f"1..{n}")
sys.exit(1 if fails else 0)
