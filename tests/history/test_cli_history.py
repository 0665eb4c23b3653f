#!/usr/bin/env python3
"""The history commands end to end, on one engine (argv[1]: sqlite or
postgresql): ingest, check --record, suppress in every format, stats,
forgive; idempotence; and the failures a shared history meets: a
database that is not there, unreachable, refusing the login, missing a
table, newer than this bouncekit, or failing midway (nothing of the
failed batch stays). Every failure is one line naming the database,
without its password, and exit status 2."""
import csv
import io
import json
import os
import sys

from common import Engine, Tap, bk, expect, pgserver
import bounces

engine = Engine(sys.argv[1])
tap = Tap()
work = engine.tmp


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def events(db):
    r = bk("stats", "--db", db, "--format", "json")
    expect(r.returncode == 0, r.stderr)
    return json.loads(r.stdout)["events"]


def one_line_error(r, db_shown):
    expect(r.returncode == 2, f"exit {r.returncode}: {r.stderr}")
    lines = r.stderr.splitlines()
    expect(len(lines) == 1, f"not one line: {r.stderr!r}")
    expect(lines[0].startswith(f"bouncekit: '{db_shown}': "), lines[0])
    return lines[0]


def test_ingest_idempotent():
    db = engine.new_db()
    box = write("forty.mbox", bounces.mbox(range(40)))
    r = bk("ingest", "--db", db, box)
    expect(r.returncode == 0, r.stderr)
    expect("40 messages, 40 new events, 0 failed inputs" in r.stderr, r.stderr)
    first = bk("stats", "--db", db, "--format", "json").stdout
    r = bk("ingest", "--db", db, box)
    expect("40 messages, 0 new events" in r.stderr, r.stderr)
    expect(bk("stats", "--db", db, "--format", "json").stdout == first, "stats changed on re-ingest")
    stats = json.loads(first)
    expect(stats["events"] == 40, first)
    want = {}
    for i in range(40):
        cls = ["hard", "soft", "policy", "none"][0 if i % 11 == 0 else i % 4]
        dom = want.setdefault(bounces.address(i).split("@")[1], {})
        dom[cls] = dom.get(cls, 0) + 1
    expect(stats["by_domain"] == want, f"{stats['by_domain']} != {want}")
    expect(stats["by_reason"]["userunknown"]["hard"] == sum(d.get("hard", 0) for d in want.values()), first)


def test_check_record():
    db = engine.new_db()
    bk("ingest", "-q", "--db", db, write("ten.mbox", bounces.mbox(range(10))))
    # a bounce already ingested (another host saw it): recorded once
    r = bk("check", "--record", "--db", db, stdin=bounces.make(4))
    expect(r.returncode == 0, r.stderr)
    expect(events(db) == 10, "a known bounce was added again")
    r = bk("check", "--record", "--db", db, stdin=bounces.make(44))
    expect(r.returncode == 0 and events(db) == 11, r.stderr)
    # a delivery is recorded too, and is not a bounce
    r = bk("check", "--record", "--db", db, stdin=bounces.make(3))
    expect(r.returncode == 1 and events(db) == 11, r.stderr)


def test_suppress_formats():
    db = engine.new_db()
    bk("ingest", "-q", "--db", db, write("twelve.mbox", bounces.mbox(range(12))))
    now = "2026-01-02"
    text = bk("suppress", "--db", db, "--now", now)
    expect(text.returncode == 0, text.stderr)
    hard = [bounces.address(i) for i in range(12) if i % 11 == 0 or i % 4 == 0]
    got = [line.split("\t")[0] for line in text.stdout.splitlines()]
    expect(got == sorted(hard, key=str.lower), f"{got} != {hard}")
    addrs = bk("suppress", "--db", db, "--now", now, "--format", "addresses")
    expect(addrs.stdout == "".join(a + "\n" for a in got), addrs.stdout)
    js = [json.loads(line) for line in bk("suppress", "--db", db, "--now", now, "--format", "json").stdout.splitlines()]
    expect([o["address"] for o in js] == got and all(o["why"] == "hard" for o in js), js)
    csv = bk("suppress", "--db", db, "--now", now, "--format", "csv").stdout.splitlines()
    expect(csv[0] == "address,why,hard,soft,policy,complaints,last_reason,last_date", csv[0])
    expect(csv[1].startswith(f'"{got[0]}","hard","1"'), csv[1])


def test_forgive():
    db = engine.new_db()
    bk("ingest", "-q", "--db", db, write("one.mbox", bounces.mbox([0])))
    expect(bk("suppress", "--db", db, "--now", "2026-01-02", "--format", "addresses").stdout
           == bounces.address(0) + "\n", "not suppressed")
    r = bk("forgive", "--db", db, "--now", "2026-01-02", bounces.address(0).upper())
    expect(r.returncode == 0, r.stderr)
    expect(bk("suppress", "--db", db, "--now", "2026-01-03").stdout == "", "forgiven address still listed")


def test_csv_injection():
    """A hostile bounce: its address and domain begin with '=' and '-',
    its diagnostic with '='. In the CSV of scan, suppress and stats no
    cell may begin with a formula character; such cells get an
    apostrophe, and everything else is kept."""
    db = engine.new_db()
    evil = bounces.make(0).replace("user0@d0.example", '=HYPERLINK("http://x")@-1+1.example')
    evil = evil.replace("Diagnostic-Code: smtp; 550", "Diagnostic-Code: smtp; =cmd|' /C calc'!A0 550")
    evil = evil.replace("bounce-0@", "evil-0@")
    path = write("evil.eml", evil)
    expect(bk("ingest", "-q", "--db", db, path).returncode == 0, "ingest failed")
    outputs = {
        "scan": bk("scan", "-q", "--format", "csv", path).stdout,
        "suppress": bk("suppress", "--db", db, "--now", "2026-01-02", "--format", "csv").stdout,
        "stats": bk("stats", "--db", db, "--format", "csv").stdout,
    }
    for name, text in outputs.items():
        table = list(csv.reader(io.StringIO(text)))
        expect(len(table) >= 2, f"{name}: {text!r}")
        cells = [c for row in table[1:] for c in row]
        bad = [c for c in cells if c[:1] in ("=", "+", "-", "@")]
        expect(not bad, f"{name}: formula cells {bad}")
        # (the history keeps addresses ASCII case-folded)
        expect(any(c.lower().startswith("'=hyperlink@") or c.startswith("'-1+1.example") for c in cells),
               f"{name}: the hostile cell is not there, guarded: {cells}")
    scan = dict(zip(*list(csv.reader(io.StringIO(outputs["scan"])))[:2]))
    expect(scan["diagnostic"].startswith("'=cmd|' /C calc'!A0 550"), scan["diagnostic"])
    stats = list(csv.reader(io.StringIO(outputs["stats"])))
    expect(stats[0] == ["group", "key", "class", "events"], stats[0])
    expect(["domain", "'-1+1.example", "hard", "1"] in stats, stats)
    expect(["reason", "userunknown", "hard", "1"] in stats, stats)


def test_missing_db():
    if engine.server:
        db = shown = engine.server.uri("absent")
    else:
        db = os.path.join(work, "absent.db")
        shown = db
    for cmd in (["suppress"], ["stats"], ["forgive", "x@example.com"]):
        r = bk(cmd[0], "--db", db, *cmd[1:])
        one_line_error(r, shown)
    if not engine.server:
        expect(not os.path.exists(db), "a reader created the database")
        expect("no history database" in r.stderr and "bouncekit ingest --db" in r.stderr, r.stderr)
    else:
        expect("cannot connect" in r.stderr and "does not exist" in r.stderr, r.stderr)
        # a database without the tables is not a history either
        empty = engine.new_db()
        r = bk("suppress", "--db", empty)
        line = one_line_error(r, empty)
        expect("no history database" in line, line)


def test_unreachable():
    if engine.server:
        # a keyword string names the database by its keywords, password masked
        db = f"host=127.0.0.1 port={engine.server.port} user=bk password=hunter2 dbname=postgres"
        r = bk("stats", "--db", db)
        line = one_line_error(r, f"user=bk password=*** dbname=postgres host=127.0.0.1 port={engine.server.port}")
        expect("password authentication failed" in line and "hunter2" not in line, line)
        # a port nobody listens on, and a wrong password on the real one
        db = "postgresql://bk:hunter2@127.0.0.1:1/lists"
        line = one_line_error(bk("ingest", "--db", db, "-"), "postgresql://bk:***@127.0.0.1:1/lists")
        expect("cannot connect" in line and "hunter2" not in line, line)
        # a "?" in the password, or the password as a query parameter
        for db, shown in (("postgresql://bk:wr?ng@127.0.0.1:1/lists", "postgresql://bk:***@127.0.0.1:1/lists"),
                          ("postgresql://bk:a/b?c@127.0.0.1:1/lists", None),
                          ("postgresql://bk@127.0.0.1:1/lists?password=wr?ng&sslmode=disable",
                           "postgresql://bk@127.0.0.1:1/lists?password=***&sslmode=disable"),
                          ("postgresql://bk@127.0.0.1:1/lists?sslmode=disable&password=wr%3Fng",
                           "postgresql://bk@127.0.0.1:1/lists?sslmode=disable&password=***")):
            for cmd in (("stats",), ("ingest", "-"), ("check", "--record")):
                r = bk(*cmd, "--db", db, stdin=bounces.make(0))
                expect(r.returncode != 0 or cmd[0] == "check", r.stderr)
                for secret in ("wr?ng", "wr%3Fng", "a/b?c", "b?c"):
                    expect(secret not in r.stderr, f"{cmd} {db}: {r.stderr}")
                if shown:
                    expect(shown in r.stderr, f"{cmd}: {r.stderr}")
        db = f"postgresql://bk:hunter2@127.0.0.1:{engine.server.port}/postgres"
        r = bk("check", "--record", "--db", db, stdin=bounces.make(0))
        line = one_line_error(r, f"postgresql://bk:***@127.0.0.1:{engine.server.port}/postgres")
        expect("password authentication failed" in line and "hunter2" not in line, line)
        good = f"postgresql://bk:{pgserver.PASSWORD}@127.0.0.1:{engine.server.port}/{pgserver.dbname(engine.new_db())}"
        r = bk("check", "--record", "--db", good, stdin=bounces.make(0))
        expect(r.returncode == 0, r.stderr)
    else:
        db = os.path.join(work, "no-such-dir", "h.db")
        line = one_line_error(bk("check", "--record", "--db", db, stdin=bounces.make(0)), db)
        expect("cannot open database" in line, line)


def test_newer_schema_and_missing_table():
    db = engine.new_db()
    bk("ingest", "-q", "--db", db, write("two.mbox", bounces.mbox([0, 1])))
    shown = bk_shown(db)
    if engine.server:
        engine.sql(db, "UPDATE bouncekit_schema SET version = 7")
    else:
        engine.sql(db, "PRAGMA user_version = 7")
    line = one_line_error(bk("stats", "--db", db), shown)
    expect("schema version 7; this bouncekit knows 1" in line, line)
    line = one_line_error(bk("ingest", "--db", db, os.path.join(work, "two.mbox")), shown)
    if engine.server:
        engine.sql(db, "UPDATE bouncekit_schema SET version = 1")
    else:
        engine.sql(db, "PRAGMA user_version = 1")
    engine.sql(db, "DROP TABLE forgiven")
    line = one_line_error(bk("suppress", "--db", db), shown)
    expect("forgiven" in line, line)


def bk_shown(db):
    return db


def test_nothing_half_written():
    db = engine.new_db()
    first = write("first.mbox", bounces.mbox(range(5)))
    second = write("second.mbox", bounces.mbox(range(5, 12)))
    bk("ingest", "-q", "--db", db, write("none.mbox", bounces.mbox([])))
    poison = bounces.address(9)
    if engine.server:
        engine.sql(db, "CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                       f" IF NEW.address = '{poison}' THEN RAISE EXCEPTION 'poisoned'; END IF;"
                       " RETURN NEW; END $$;"
                       " CREATE TRIGGER poison BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION poison()")
    else:
        engine.sql(db, f"CREATE TRIGGER poison BEFORE INSERT ON events WHEN NEW.address = '{poison}'"
                       " BEGIN SELECT RAISE(ABORT, 'poisoned'); END;")
    r = bk("ingest", "--db", db, first, second)
    line = one_line_error(r, bk_shown(db))
    expect("cannot record event" in line and "poisoned" in line, line)
    # the first path is committed, nothing of the second (5..8 went in before 9 failed)
    expect(events(db) == 5, f"{events(db)} events")
    r = bk("check", "--record", "--db", db, stdin=bounces.make(9))
    one_line_error(r, bk_shown(db))
    expect(events(db) == 5, "check --record left a part")


for name, fn in list(globals().items()):
    if name.startswith("test_"):
        tap.run(f"{engine.name}: {name[5:]}", fn)
engine.close()
sys.exit(tap.done())
