"""Shared by the history tests: the engine under test, the bouncekit
binary, and a small TAP reporter (meson reads TAP)."""
import os
import sqlite3
import subprocess
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgserver  # noqa: E402

BIN = os.environ.get("BOUNCEKIT_BIN", "build/bouncekit")
ENV = dict(os.environ, BOUNCEKIT_RULES=os.environ.get("BK_RULES_DIR", "rules"), LC_ALL="C.UTF-8")


def bk(*args, stdin=None):
    """Run bouncekit; returns the CompletedProcess (text)."""
    return subprocess.run([BIN, *args], input=stdin, capture_output=True, text=True, env=ENV)


class Engine:
    """A place for fresh histories: SQLite files in a temporary directory,
    or databases on a throw-away PostgreSQL server."""

    def __init__(self, name):
        self.name = name
        # the server first: a skipped run leaves no directory behind
        self.server = pgserver.server_or_skip() if name == "postgresql" else None
        self.tmp = tempfile.mkdtemp(prefix="bk-hist-")
        self.n = 0

    def new_db(self):
        self.n += 1
        if self.server:
            return self.server.new_database(f"h{self.n}")
        return os.path.join(self.tmp, f"h{self.n}.db")

    def sql(self, db, statement):
        """Run SQL on @db behind bouncekit's back (to break it on purpose)."""
        if self.server:
            return self.server.psql(statement, dbname=pgserver.dbname(db))
        con = sqlite3.connect(db)
        try:
            con.executescript(statement)
            con.commit()
        finally:
            con.close()

    def close(self):
        if self.server:
            self.server.stop()
        subprocess.run(["rm", "-rf", self.tmp])


class Tap:
    """ok / not ok lines; a test is a function, its failure a traceback."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def run(self, name, fn, *args):
        self.n += 1
        try:
            fn(*args)
            print(f"ok {self.n} {name}", flush=True)
        except Exception:
            self.failed += 1
            print(f"not ok {self.n} {name}", flush=True)
            for line in traceback.format_exc().splitlines():
                print("# " + line, flush=True)

    def done(self):
        print(f"1..{self.n}")
        return 1 if self.failed else 0


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


COLUMNS = ("message_key, address, domain, class, reason, status, reply_code, action,"
           " feedback_type, diagnostic, event_time")


def rows(engine, db):
    """Every event, in a stable order, without id and source."""
    query = f"SELECT {COLUMNS} FROM events ORDER BY message_key, address"
    if engine.server:
        return engine.server.psql(query, dbname=pgserver.dbname(db)).splitlines()
    con = sqlite3.connect(db)
    try:
        return ["|".join("" if v is None else str(v) for v in r) for r in con.execute(query)]
    finally:
        con.close()


def answers(db):
    """What users read: stats and the suppression list in every format."""
    out = {"stats": bk("stats", "--db", db, "--format", "json").stdout}
    for fmt in ("text", "json", "csv", "addresses"):
        out[fmt] = bk("suppress", "--db", db, "--now", "2026-04-01", "--window", "120",
                      "--format", fmt).stdout
    return out
