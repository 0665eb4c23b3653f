#!/usr/bin/env python3
"""stats --since and --top N over a synthetic history,
against SQL over the same file."""
import json
import os
import sqlite3
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "history"))
import common  # noqa: E402
import history  # noqa: E402
from common import Tap, expect  # noqa: E402

SINCE = "2025-11-20"
SINCE_T = 1763596800   # 2025-11-20T00:00:00Z


def sql_counts(db, since):
    con = sqlite3.connect(db)
    out = {}
    for key, n in con.execute("SELECT lower(domain), COUNT(*) FROM events WHERE event_time >= ?"
                              " GROUP BY 1", (since,)):
        out[key or "(none)"] = n
    total = con.execute("SELECT COUNT(*) FROM events WHERE event_time >= ?", (since,)).fetchone()[0]
    con.close()
    return out, total


def t_since(db):
    r = common.bk("stats", "--db", db, "--since", SINCE, "--format", "json")
    expect(r.returncode == 0, r.stderr)
    got = json.loads(r.stdout)
    want, total = sql_counts(db, SINCE_T)
    expect(got["events"] == total, f"{got['events']} events, SQL says {total}")
    expect({k: sum(v.values()) for k, v in got["by_domain"].items()} == want, "per-domain counts differ")
    r = common.bk("stats", "--db", db, "--since", "100000", "--format", "json")
    expect(json.loads(r.stdout)["events"] == sql_counts(db, 0)[1], "--since DAYS")


def t_top_and_sort(db):
    r = common.bk("stats", "--db", db, "--since", SINCE, "--top", "3", "--format", "json")
    got = json.loads(r.stdout)
    want, _ = sql_counts(db, SINCE_T)
    best = sorted(want.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    expect([(k, sum(v.values())) for k, v in got["by_domain"].items()] == best, "not the top 3 by count")
    expect(len(got["by_reason"]) == 3, "--top cuts the reasons too")
    r = common.bk("stats", "--db", db, "--format", "csv")
    order = []
    for line in r.stdout.splitlines()[1:]:
        cells = [c.strip('"') for c in line.split('","')]
        if cells[0] == "domain" and cells[1] not in order:
            order.append(cells[1])
    all_counts, _ = sql_counts(db, 0)
    expect(order == sorted(all_counts, key=lambda k: (-all_counts[k], k)), "csv not by count")
    text = common.bk("stats", "--db", db, "--top", "2").stdout
    expect(text.count("\n  ") == 4, f"--top 2 in text: {text!r}")


def t_usage(db):
    for args in (["--top", "-1"], ["--since", "yesterday"]):
        r = common.bk("stats", "--db", db, *args)
        expect(r.returncode == 2 and r.stderr.count("\n") == 1, f"{args}: {r.returncode} {r.stderr}")


def main():
    tmp = tempfile.mkdtemp(prefix="bk-stats-")
    db = history.make(os.path.join(tmp, "h.db"), 2000)
    tap = Tap()
    try:
        for name, fn in [("since", t_since), ("top-and-sort", t_top_and_sort), ("usage", t_usage)]:
            tap.run(name, fn, db)
    finally:
        os.system(f"rm -rf {tmp}")
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
