#!/usr/bin/env python3
"""One bounce, one event (argv[1]: sqlite or postgresql).

The same bounces reach the history through message files, CRLF files, an
mbox (its "From " body lines quoted, blank lines between messages), two
mbox shards in reverse order, a Maildir whose copies carry the transport
headers a delivery adds, and `check --record` fed as procmail feeds it (an
envelope "From " line first, a blank line added at the end): every way,
and all of them into one database, leave the same events. Two different
bounces sharing a Message-ID are two events, in either order.

Also: a delivery dated after --now (forged or future) clears nothing; a
real one resets only the bounces before it; a recipient that is no
address ("Undisclosed") never reaches `suppress`; and a history of
non-ASCII addresses gives the same events and the same answers on both
engines (ASCII case folding only: Ü/ü, ﬁ/fi and full-width forms stay
apart)."""
import os
import sys

from common import Engine, Tap, bk, expect, rows
import bounces

engine = Engine(sys.argv[1])
tap = Tap()
N = 12


def variant(i):
    """Bounce i with a body line that starts with "From " (an mbox quotes
    it, a pipe does not)."""
    return bounces.make(i).replace("This is the mail system at host",
                                   "From the remote server, see below.\n\nThis is the mail system at host")


def path(*parts):
    p = os.path.join(engine.tmp, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def write(p, text, newline="\n"):
    with open(p, "w", newline=newline) as f:
        f.write(text)
    return p


def mbox_text(indices):
    out = []
    for i in indices:
        body = variant(i).replace("\nFrom ", "\n>From ")
        out.append(f"From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n{body}\n\n")
    return "".join(out)


def keyed_rows(db):
    """Events without the source column; message keys kept."""
    return sorted(rows(engine, db))


def ingest(db, *paths, stdin=None):
    r = bk("ingest", "-q", "--db", db, *paths, stdin=stdin)
    expect(r.returncode == 0, r.stderr)


def test_one_bounce_one_event():
    ways = {}
    # message files
    files = [write(path("files", f"{i}.eml"), variant(i)) for i in range(N)]
    db = engine.new_db()
    ingest(db, *files)
    ways["files"] = keyed_rows(db)
    # CRLF files
    crlf = [write(path("crlf", f"{i}.eml"), variant(i), newline="\r\n") for i in range(N)]
    db = engine.new_db()
    ingest(db, *crlf)
    ways["crlf"] = keyed_rows(db)
    # an mbox
    db = engine.new_db()
    ingest(db, write(path("all.mbox"), mbox_text(range(N))))
    ways["mbox"] = keyed_rows(db)
    # two shards, the second first
    db = engine.new_db()
    ingest(db, write(path("b.mbox"), mbox_text(range(N // 2, N))))
    ingest(db, write(path("a.mbox"), mbox_text(range(N // 2))))
    ways["shards"] = keyed_rows(db)
    # a Maildir: transport headers on top
    for i in range(N):
        write(path("Maildir", "cur", f"{i}.host:2,S"),
              f"Return-Path: <>\nDelivered-To: list-bounces@lists.example.com\n"
              f"Received: from mx.example.net by lists.example.com; Thu, 1 Jan 2026 00:00:00 +0000\n"
              + variant(i))
    os.makedirs(path("Maildir", "new", "x"), exist_ok=True)
    os.rmdir(path("Maildir", "new", "x"))
    db = engine.new_db()
    ingest(db, path("Maildir"))
    ways["maildir"] = keyed_rows(db)
    # check --record, as procmail pipes: envelope line, a blank line added
    db = engine.new_db()
    for i in reversed(range(N)):
        r = bk("check", "--record", "--db", db,
               stdin=f"From MAILER-DAEMON  Thu Jan  1 00:00:00 2026\n{variant(i)}\n")
        expect(r.returncode in (0, 1), r.stderr)
    ways["check"] = keyed_rows(db)
    want = ways["files"]
    expect(len(want) == N, f"{len(want)} events from {N} bounces")
    for name, got in ways.items():
        expect(got == want, f"{name}: {len(got)} events differ from the files' {len(want)}:\n"
                            + "\n".join(sorted(set(got) ^ set(want))[:6]))
    # every way into one database: still N events
    db = engine.new_db()
    ingest(db, *files, *crlf, path("all.mbox"), path("a.mbox"), path("b.mbox"), path("Maildir"))
    for i in range(N):
        bk("check", "--record", "--db", db, stdin=f"From MAILER-DAEMON  Thu Jan  1 00:00:00 2026\n{variant(i)}\n")
    expect(keyed_rows(db) == want, f"{len(keyed_rows(db))} events in the merged history")


def test_history_of_message_id_keys():
    """A history recorded when a bounce's key was its Message-ID alone:
    the same bounce ingested again adds nothing."""
    db = engine.new_db()
    ingest(db, write(path("legacy", "5.eml"), bounces.make(5)))
    engine.sql(db, "UPDATE events SET message_key = 'mid:bounce-5@mx2.example.net'")
    before = keyed_rows(db)
    ingest(db, path("legacy", "5.eml"))
    expect(keyed_rows(db) == before, f"{len(keyed_rows(db))} events after ingesting a known bounce again")


def test_icu_history_migrated():
    """A PostgreSQL history made when nocase was a nondeterministic ICU
    collation (it merged Ü and ü) is made to compare as SQLite does on
    its next opening: addresses ASCII-folded, non-ASCII ones kept apart."""
    if not engine.server:
        return
    db = engine.new_db()
    ingest(db, write(path("icu", "5.eml"), bounces.make(5)))
    engine.sql(db, "CREATE COLLATION icu_nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);"
                   "ALTER TABLE events ALTER COLUMN address TYPE TEXT COLLATE icu_nocase,"
                   " ALTER COLUMN domain TYPE TEXT COLLATE icu_nocase;"
                   "ALTER TABLE forgiven ALTER COLUMN address TYPE TEXT COLLATE icu_nocase;"
                   "DROP COLLATION nocase; ALTER COLLATION icu_nocase RENAME TO nocase;"
                   "INSERT INTO events (message_key, address, domain, class, event_time)"
                   " VALUES ('k', 'Üser@Example.COM', 'Example.COM', 'hard', 1767600000)")
    r = bk("stats", "--db", db, "--format", "json")
    expect(r.returncode == 0, r.stderr)
    got = engine.sql(db, "SELECT address || ' ' || domain FROM events WHERE message_key = 'k'").split("\n")
    expect(got[0] == "Üser@example.com example.com", got)
    det = engine.sql(db, "SELECT collisdeterministic FROM pg_collation WHERE collname = 'nocase'").strip()
    expect(det == "t", f"nocase deterministic: {det}")
    # üser is another address than Üser now, as on SQLite
    engine.sql(db, "INSERT INTO events (message_key, address, domain, class, event_time)"
                   " VALUES ('k', 'üser@example.com', 'example.com', 'hard', 1767600000)")
    n = engine.sql(db, "SELECT count(*) FROM events WHERE message_key = 'k'").strip()
    expect(n == "2", n)


def test_same_message_id_two_bounces():
    # the same recipient, the same Message-ID, a later and different report
    one = bounces.make(1)
    other = one.replace("Action: delayed", "Action: failed").replace("Status: 4.2.2", "Status: 5.2.2")
    other = other.replace("mailbox full, try again later", "mailbox full, giving up")
    expect(other != one and "Status: 5.2.2" in other, "the second report is not different")
    first = write(path("dup", "1.eml"), one)
    second = write(path("dup", "2.eml"), other)
    results = []
    for order in ((first, second), (second, first)):
        db = engine.new_db()
        for p in order:
            ingest(db, p)
        results.append(keyed_rows(db))
    expect(len(results[0]) == 2, f"{len(results[0])} events, expected 2")
    expect(results[0] == results[1], "the order of recording changed the history")


def suppress(db, now):
    r = bk("suppress", "--db", db, "--now", now, "--format", "addresses")
    expect(r.returncode == 0, r.stderr)
    return r.stdout.split()


def hard_bounce(addr, date, mid, action="failed", status="5.1.1"):
    return (f"From: MAILER-DAEMON@mx.example.net\nTo: list-bounces@lists.example.com\n"
            f"Subject: Delivery Status Notification\nDate: {date}\nMessage-ID: <{mid}@mx.example.net>\n"
            f"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
            f"--B\nContent-Type: text/plain\n\nReport.\n\n--B\nContent-Type: message/delivery-status\n\n"
            f"Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; {addr}\nAction: {action}\n"
            f"Status: {status}\nLast-Attempt-Date: {date}\n\n--B--\n")


def test_future_delivery_resets_nothing():
    db = engine.new_db()
    ingest(db, write(path("reset", "hard.eml"),
                     hard_bounce("gone@example.org", "Mon, 5 Jan 2026 10:00:00 +0000", "h1")))
    # a forged delivery report dated years ahead
    ingest(db, write(path("reset", "forged.eml"),
                     hard_bounce("gone@example.org", "Fri, 1 Jan 2099 00:00:00 +0000", "f1",
                                 action="delivered", status="2.0.0")))
    expect("gone@example.org" in suppress(db, "2026-02-01"), "a future delivery cleared a hard bounce")
    # a real delivery after the bounce resets it; a later hard bounce counts again
    ingest(db, write(path("reset", "ok.eml"),
                     hard_bounce("gone@example.org", "Tue, 6 Jan 2026 10:00:00 +0000", "d1",
                                 action="delivered", status="2.0.0")))
    expect("gone@example.org" not in suppress(db, "2026-02-01"), "a delivery did not reset")
    ingest(db, write(path("reset", "hard2.eml"),
                     hard_bounce("gone@example.org", "Wed, 7 Jan 2026 10:00:00 +0000", "h2")))
    expect("gone@example.org" in suppress(db, "2026-02-01"), "a bounce after the reset did not count")


def test_not_an_address():
    db = engine.new_db()
    ingest(db, write(path("undisclosed", "u.eml"),
                     hard_bounce("Undisclosed", "Mon, 5 Jan 2026 10:00:00 +0000", "u1")))
    ingest(db, write(path("undisclosed", "v.eml"),
                     hard_bounce("real@example.org", "Mon, 5 Jan 2026 10:00:00 +0000", "u2")))
    got = suppress(db, "2026-02-01")
    expect(got == ["real@example.org"], f"suppress listed {got}")


NON_ASCII = ["Üser@example.com", "üser@example.com", "ﬁle@example.com", "file@example.com",
             "ＦＵＬＬ@example.com", "full@example.com", "USER@Example.COM", "user@example.com"]


def test_non_ascii_same_on_both_engines():
    db = engine.new_db()
    for k, addr in enumerate(NON_ASCII):
        msg = hard_bounce(addr, "Mon, 5 Jan 2026 10:00:00 +0000", f"n{k}").replace(
            "Final-Recipient: rfc822;", "Final-Recipient: utf-8;")
        msg = msg.replace("Content-Type: multipart/report", "Content-Type: multipart/report")
        ingest(db, write(path("utf8", f"{k}.eml"), msg))
    got = sorted(suppress(db, "2026-02-01"))
    # ASCII case folding only: USER@Example.COM is user@example.com
    want = sorted({a[:a.index("@")].encode().lower().decode() + "@example.com" for a in NON_ASCII})
    expect(len(want) == 7, want)
    expect(got == want, f"{engine.name}: {got} != {want}")
    r = bk("stats", "--db", db, "--format", "json")
    import json
    expect(json.loads(r.stdout)["events"] == 8, r.stdout)


try:
    for name, fn in sorted(globals().items()):
        if name.startswith("test_") and callable(fn):
            tap.run(f"{engine.name}: {name[5:]}", fn)
finally:
    engine.close()
sys.exit(tap.done())
