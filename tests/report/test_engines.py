#!/usr/bin/env python3
"""report and stats --since give the same numbers on both history
engines: the samples ingested into an SQLite file and into a PostgreSQL
database (a throw-away server, tests/history/pgserver.py; skipped when
PostgreSQL is not installed)."""
import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "history"))
import common  # noqa: E402
from common import Tap, expect  # noqa: E402

ROOT = os.environ.get("BK_SOURCE_ROOT", os.path.join(HERE, "..", ".."))
SAMPLES = sorted(glob.glob(os.path.join(ROOT, "samples", "**", "*.eml"), recursive=True))


def main():
    pg = common.Engine("postgresql")
    lite = common.Engine("sqlite")
    tap = Tap()
    try:
        dbs = [lite.new_db(), pg.new_db()]
        for db in dbs:
            r = common.bk("ingest", "--quiet", "--db", db, *SAMPLES)
            expect(r.returncode == 0, r.stderr)
            r = common.bk("forgive", "--db", db, "--now", "2020-01-01", "postmaster@example.com")

        def report_same():
            out = []
            for db in dbs:
                r = common.bk("report", "--db", db, "--format", "json", "--since", "3650", "--now", "2026-01-01")
                expect(r.returncode == 0, r.stderr)
                o = json.loads(r.stdout)
                o.pop("database")
                out.append(o)
            expect(out[0]["totals"]["hard"] > 10, f"too few events in the period: {out[0]['totals']}")
            expect(out[0] == out[1], "the engines' reports differ")

        def stats_same():
            out = [common.bk("stats", "--db", db, "--since", "2015-01-01", "--top", "5", "--format", "json").stdout
                   for db in dbs]
            expect(json.loads(out[0]) == json.loads(out[1]), "the engines' stats differ")

        def html_same():
            pages = [common.bk("report", "--db", db, "--since", "3650", "--now", "2026-01-01").stdout for db in dbs]
            expect(len(pages[0]) > 10000, "no page")
            expect(pages[0].count("<tr>") == pages[1].count("<tr>"), "the engines' pages differ")

        tap.run("report-json", report_same)
        tap.run("stats-since-top", stats_same)
        tap.run("report-html", html_same)
    finally:
        pg.close()
        lite.close()
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
