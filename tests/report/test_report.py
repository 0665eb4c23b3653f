#!/usr/bin/env python3
"""bouncekit report, rendered in a real headless Chromium (cdp.py).

A synthetic history (history.py) plus the samples and one event of
hostile text; the page must load with no console error and no request
other than itself (an unescaped <img> in a domain would be one), the
numbers in its tables must equal what SQL over the history file says
and what --format json says, it must fit a phone's width, and print.
Screenshots (desktop and phone) and the PDF are kept as artefacts in
the build directory: tests/report-artifacts/.
"""
import glob
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "history"))
import cdp  # noqa: E402
import common  # noqa: E402
import history  # noqa: E402
from common import Tap, expect  # noqa: E402

ROOT = os.environ.get("BK_SOURCE_ROOT", os.path.join(HERE, "..", ".."))
NOW = history.NOW
DAYS = 30
ART = os.path.join(os.environ.get("G_TEST_BUILDDIR", tempfile.gettempdir()), "report-artifacts")
KINDS = ["hard", "soft", "policy", "delayed", "complaint"]
EVIL_DOMAIN = '"><img src="https://tracker.invalid/x.png">.example'
EVIL_DIAG = "550 5.7.1 <script>console.error('injected')</script> blocked"


def expected(db):
    """The report's numbers, computed here with SQL from the file."""
    end = (NOW // 86400 + 1) * 86400
    start, prev = end - DAYS * 86400, end - 2 * DAYS * 86400
    con = sqlite3.connect(db)
    rows = con.execute("SELECT lower(domain), class, action, event_time FROM events"
                       " WHERE event_time >= ? AND event_time < ? AND class <> 'none'", (prev, end)).fetchall()
    con.close()
    daily, totals, prev_totals = {}, dict.fromkeys(KINDS, 0), dict.fromkeys(KINDS, 0)
    domains, domains_prev, policy, complaints = {}, {}, {}, {}
    for domain, klass, action, t in rows:
        kind = "delayed" if action == "delayed" and klass != "complaint" else klass
        domain = domain or "(none)"
        if t < start:
            prev_totals[kind] += 1
            if klass in ("hard", "soft", "policy"):
                domains_prev[domain] = domains_prev.get(domain, 0) + 1
            continue
        day = (t - start) // 86400
        daily.setdefault(day, dict.fromkeys(KINDS, 0))[kind] += 1
        totals[kind] += 1
        if klass in ("hard", "soft", "policy"):
            domains[domain] = domains.get(domain, 0) + 1
        if kind == "policy":
            policy[domain] = policy.get(domain, 0) + 1
        if klass == "complaint":
            complaints[domain] = complaints.get(domain, 0) + 1
    return dict(daily=[[daily.get(d, dict.fromkeys(KINDS, 0))[k] for k in KINDS] for d in range(DAYS)],
                totals=totals, prev_totals=prev_totals, domains=domains, domains_prev=domains_prev,
                policy=policy, complaints=complaints)


TABLES_JS = """JSON.stringify(Object.fromEntries([...document.querySelectorAll('table')].map(t =>
  [t.id, [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent))])))"""


class Env:
    def __init__(self):
        try:
            self.browser = cdp.Browser()
        except FileNotFoundError as e:
            print(f"1..0 # SKIP {e}")
            sys.exit(0)
        os.makedirs(ART, exist_ok=True)
        self.tmp = tempfile.mkdtemp(prefix="bk-report-")
        self.db = history.make(os.path.join(self.tmp, "history.db"), 3000, NOW)
        r = common.bk("ingest", "--quiet", "--db", self.db,
                      *sorted(glob.glob(os.path.join(ROOT, "samples", "**", "*.eml"), recursive=True)))
        con = sqlite3.connect(self.db)
        with con:   # enough to be listed among the receivers that bounce most
            con.executemany("INSERT INTO events (message_key, address, domain, class, reason, status, action,"
                            " diagnostic, event_time) VALUES (?, ?, ?, 'policy', 'blocked', '5.7.1',"
                            " 'failed', ?, ?)", [(f"mid:<evil{i}>", "x@" + EVIL_DOMAIN, EVIL_DOMAIN, EVIL_DIAG,
                                                  NOW - 3600 * (i + 1)) for i in range(40)])
        con.close()
        # some addresses reset by `forgive` ten days ago: the report must reset them too
        listed = common.bk("suppress", "--db", self.db, "--now", str(NOW), "--format", "addresses").stdout.split()
        r = common.bk("forgive", "--db", self.db, "--now", str(NOW - 10 * 86400), *listed[::7])
        expect(r.returncode == 0, r.stderr)
        self.want = expected(self.db)
        self.html = os.path.join(ART, "report.html")
        r = common.bk("report", "--db", self.db, "--now", str(NOW), "--since", str(DAYS))
        expect(r.returncode == 0 and r.stderr == "", r.stderr)
        with open(self.html, "w") as f:
            f.write(r.stdout)
        r = common.bk("report", "--db", self.db, "--now", str(NOW), "--since", str(DAYS), "--format", "json")
        expect(r.returncode == 0, r.stderr)
        self.json = json.loads(r.stdout)
        self.page = cdp.Page(self.browser)
        self.url = "file://" + os.path.abspath(self.html)
        self.page.open(self.url, width=1000, height=900)
        self.tables = json.loads(self.page.eval(TABLES_JS))

    def close(self):
        self.browser.close()
        subprocess.run(["rm", "-rf", self.tmp])


def num(text):
    return int(text.replace("−", "-").split()[0].lstrip("+±"))


def t_loads_clean(e):
    expect(e.page.errors() == [], f"errors: {e.page.errors()}")
    expect(e.page.requests() == [e.url], f"requests: {e.page.requests()}")
    expect(e.page.eval("document.querySelectorAll('script, link, img, iframe, object').length") == 0,
           "the page holds an element that fetches")
    text = e.page.eval("document.body.textContent")
    expect(EVIL_DOMAIN in text and EVIL_DIAG in text, "the hostile text is not shown as text")


def t_daily(e):
    rows = e.tables["daily-table"]
    expect(len(rows) == DAYS, f"{len(rows)} days")
    got = [[int(c) for c in r[1:]] for r in rows]
    expect(got == e.want["daily"], "per-day counts differ from the history")
    expect([[d[k] for k in KINDS] for d in e.json["daily"]] == got, "HTML and JSON differ")
    for k in KINDS:
        tile = e.page.eval(f"document.querySelector('#tile-{k} b').textContent")
        expect(int(tile) == e.want["totals"][k], f"tile {k}: {tile} vs {e.want['totals'][k]}")
        expect(e.json["totals"][k] == e.want["totals"][k] and e.json["previous_totals"][k] == e.want["prev_totals"][k], k)


def t_domains(e):
    rows = e.tables["domains-table"]
    expect(len(rows) == 15, f"{len(rows)} domains")
    for r in rows:
        domain, total, previous = r[0], num(r[1]), num(r[2])
        expect(total == e.want["domains"][domain], f"{domain}: {total} vs {e.want['domains'][domain]}")
        expect(previous == e.want["domains_prev"].get(domain, 0), f"{domain} previous")
        expect(num(r[3]) == total - previous, f"{domain} change")
        expect(sum(num(c) for c in r[4:8]) == total, f"{domain}: classes do not add up")
    top = sorted(e.want["domains"].values(), reverse=True)[:15]
    expect([num(r[1]) for r in rows] == top, "not the domains that bounce most")
    expect([d["domain"] for d in e.json["domains"]] == [r[0] for r in rows], "HTML and JSON differ")


def t_policy(e):
    rows = e.tables["policy-table"]
    for r in rows:
        expect(num(r[1]) == e.want["policy"][r[0]], f"policy {r[0]}")
        expect(sum(int(c) for c in r[2:]) == num(r[1]), f"policy {r[0]}: days do not add up")
    outlook = [r for r in rows if r[0] == "outlook.com"]
    expect(outlook, "the blocking receiver is not listed")
    days = [int(c) for c in outlook[0][2:]]
    expect(sum(days[-7:]) > sum(days[:-7]), f"outlook.com's block does not show: {days}")
    diags = e.tables["policy-diagnostics"]
    expect(any("blocked using zen.spamhaus.org" in r[4] for r in diags if r[0] == "outlook.com"),
           "outlook.com's block is not explained")


def t_complaints(e):
    got = {r[0]: int(r[1]) for r in e.tables["complaints-domains"]}
    expect(got == e.want["complaints"], "complaints per domain differ")


def t_suppression(e):
    r = common.bk("suppress", "--db", e.db, "--now", str(NOW), "--format", "addresses")
    listed = r.stdout.splitlines()
    heading = e.page.eval("document.querySelector('#suppression h2').textContent")
    expect(heading.endswith(f": {len(listed)}"), f"{heading} vs {len(listed)} listed")
    expect(e.json["suppression"]["count"] == len(listed), "JSON count")
    expect(sorted(a["address"] for a in e.json["suppression"]["addresses"]) == sorted(listed), "JSON list")
    # the evidence too, field by field, as suppress gives it
    r = common.bk("suppress", "--db", e.db, "--now", str(NOW), "--format", "json")
    want = sorted((json.loads(line) for line in r.stdout.splitlines()), key=lambda a: a["address"])
    got = sorted(e.json["suppression"]["addresses"], key=lambda a: a["address"])
    expect(got == want, "the report's evidence differs from suppress's")
    shown = [row[0] for row in e.tables["suppression-addresses"]]
    expect(len(shown) == min(200, len(listed)) and set(shown) <= set(listed), "addresses shown")
    trend = e.tables["suppression-trend"]
    expect(int(trend[-1][1]) == len(listed), "the trend does not end at the count")
    for row in trend[:-1]:
        r = common.bk("suppress", "--db", e.db, "--now", row[0], "--format", "addresses")
        expect(int(row[1]) == len(r.stdout.splitlines()), f"trend at {row[0]}")


def t_screens_and_print(e):
    e.page.screenshot(os.path.join(ART, "report-desktop.png"), 1000)
    e.page.open(e.url, width=390, height=844, mobile=True, scale=2)
    expect(e.page.errors() == [], f"errors: {e.page.errors()}")
    wide = e.page.eval("document.documentElement.scrollWidth")
    expect(wide <= 390, f"the page is {wide}px wide on a 390px phone")
    e.page.screenshot(os.path.join(ART, "report-phone.png"), 390)
    e.page.pdf(os.path.join(ART, "report.pdf"))
    with open(os.path.join(ART, "report.pdf"), "rb") as f:
        data = f.read()
    expect(data.startswith(b"%PDF") and len(data) > 20000, "no printed page")
    for name in ("report-desktop.png", "report-phone.png"):
        expect(os.path.getsize(os.path.join(ART, name)) > 20000, name)


def main():
    e = Env()
    tap = Tap()
    try:
        for name, fn in [("loads-clean", t_loads_clean), ("daily", t_daily), ("domains", t_domains),
                         ("policy", t_policy), ("complaints", t_complaints),
                         ("suppression", t_suppression), ("screens-and-print", t_screens_and_print)]:
            tap.run(name, fn, e)
    finally:
        e.close()
    print(f"# artefacts in {ART}")
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
