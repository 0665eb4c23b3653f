#!/usr/bin/env python3
"""The list-manager commands of doc/recipes.md ("Handing the list to the
list manager"), run as written: every ```sh block of that section, in
order, in one directory, against a history of generated bounces.
`mailman`, `curl` and `sendmail` are stand-ins that record what they
were given; `grep`, `comm` and `awk` are the real ones. Each list
manager must receive exactly the suppressed addresses."""
import csv
import os
import re
import stat
import subprocess
import sys

from common import BIN, ENV, Engine, Tap, bk, expect
import bounces

ROOT = os.environ.get("BK_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
engine = Engine("sqlite")
tap = Tap()
work = engine.tmp
stubs = os.path.join(work, "stubs")
os.mkdir(stubs)

STUBS = {
    # each writes its arguments one per line to NAME.args, and what it read
    "mailman": 'printf "%s\\n" "$@" > mailman.args\n'
               'while [ $# -gt 0 ]; do [ "$1" = -f ] && cp "$2" mailman.file; shift; done\n',
    "curl": 'printf "%s\\n" "$@" > curl.args\n'
            'for a in "$@"; do case $a in file=@*) cp "${a#file=@}" curl.file;; esac; done\n',
    "sendmail": 'printf "%s\\n" "$@" > sendmail.args\ncat > sendmail.in\n',
}
for name, body in STUBS.items():
    path = os.path.join(stubs, name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body)
    os.chmod(path, stat.S_IRWXU)


def section_blocks():
    text = open(os.path.join(ROOT, "doc", "recipes.md")).read()
    section = text.split("## Handing the list to the list manager", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


def run_docs():
    db = engine.new_db()
    box = os.path.join(work, "b.mbox")
    with open(box, "w") as f:
        f.write(bounces.mbox(range(60)))
    expect(bk("ingest", "-q", "--db", db, box).returncode == 0, "ingest failed")
    want = bk("suppress", "--db", db, "--format", "addresses").stdout.splitlines()
    expect(len(want) > 10, want)
    # the subscribers: every address seen, some in other case, plus two clean ones
    members = sorted({bounces.address(i) for i in range(60)}) + ["clean@example.org", "Also.Clean@example.net"]
    members = [m.upper() if i % 3 == 0 else m for i, m in enumerate(members)]
    with open(os.path.join(work, "members.txt"), "w") as f:
        f.write("".join(m + "\n" for m in members))
    keep = [m for m in members if m.lower() not in {w.lower() for w in want}]

    env = dict(ENV, DB=db, LISTMONK_TOKEN="tok",
               PATH=f"{stubs}:{os.path.dirname(os.path.abspath(BIN))}:{os.environ['PATH']}")
    blocks = section_blocks()
    expect(len(blocks) == 6, f"{len(blocks)} sh blocks in the section")
    results = []
    for block in blocks:
        r = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=work, env=env,
                           capture_output=True, text=True)
        expect(r.returncode == 0, f"{block}\n{r.stderr}")
        new = os.path.join(work, "members.new")
        results.append(open(new).read().splitlines() if os.path.exists(new) else None)

    def read(name):
        return open(os.path.join(work, name)).read()

    expect(read("suppress.txt").splitlines() == want, "suppress.txt")
    expect(read("mailman.args").split() == ["delmembers", "-l", "news@lists.example.com", "-f", "suppress.txt"],
           read("mailman.args"))
    expect(read("mailman.file").splitlines() == want, "mailman got other addresses")
    table = list(csv.reader(open(os.path.join(work, "curl.file"))))
    expect(table[0] == ["email", "name"] and [r[0] for r in table[1:]] == want, table[:3])
    expect('"mode":"blocklist"' in read("curl.args"), read("curl.args"))
    mail = read("sendmail.in").split("\n\n", 1)
    expect("To: sympa@lists.example.com" in mail[0], mail[0])
    expect(mail[1].splitlines() == [f"QUIET DEL news {a}" for a in want], mail[1][:200])
    expect(results[4] == keep, f"grep kept {results[4]}, want {keep}")
    expect(results[5] == sorted({k.lower() for k in keep}), f"comm kept {results[5]}")


tap.run("recipes.md: list manager commands receive the suppressed addresses", run_docs)
engine.close()
sys.exit(tap.done())
