#!/usr/bin/env python3
"""`check --record` never holds up delivery (argv[1]: sqlite or
postgresql): with the history locked by another writer, or (PostgreSQL)
a server that accepts the connection and never answers, `check` still
answers within its --db-timeout (plus a second), with the verdict's exit
status, and says on stderr that the event was not recorded; nothing is
recorded. `ingest` keeps its long waits: it waits for the lock and
records. A write that fails for lack of disk space (SQLite) says so."""
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time

from common import BIN, ENV, Engine, Tap, bk, expect
import bounces
import pgserver

engine = Engine(sys.argv[1])
tap = Tap()


def events(db):
    r = bk("stats", "--db", db, "--format", "json")
    expect(r.returncode == 0, r.stderr)
    import json
    return json.loads(r.stdout)["events"]


class Lock:
    """The history's write lock, held by another writer until release()."""

    def __init__(self, db):
        self.db = db
        if engine.server:
            # a session holding the writers' advisory lock, as an ingest does
            self.proc = subprocess.Popen(
                [engine.server.bindir + "/psql", "-X", "-q", "-d",
                 engine.server.conninfo(pgserver.dbname(db))],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            self.proc.stdin.write("BEGIN;\nSELECT pg_advisory_xact_lock(x'626f756e6365'::bigint);\n"
                                  "\\echo locked\n")
            self.proc.stdin.flush()
            while True:
                line = self.proc.stdout.readline()
                expect(line != "", "psql took no lock")
                if line.strip() == "locked":
                    break
        else:
            import sqlite3
            self.con = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
            self.con.execute("BEGIN IMMEDIATE")

    def release(self):
        if engine.server:
            self.proc.stdin.write("COMMIT;\n\\q\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        else:
            self.con.execute("COMMIT")
            self.con.close()


def timed_check(db, *args, msg=0, env=None):
    t = time.monotonic()
    r = subprocess.run([BIN, "check", "--record", "--db", db, *args], input=bounces.make(msg),
                       capture_output=True, text=True, env=env or ENV, timeout=120)
    return r, time.monotonic() - t


def test_locked():
    db = engine.new_db()
    bk("ingest", "-q", "--db", db, "-", stdin=bounces.mbox(range(5)))
    before = events(db)
    lock = Lock(db)
    try:
        # a hard bounce: exit 0 all the same, nothing recorded
        r, took = timed_check(db, "--db-timeout", "1", msg=40)
        expect(r.returncode == 0, f"status {r.returncode}: {r.stderr}")
        expect("not recorded" in r.stderr, r.stderr)
        expect(took < 1 + 1 + 1.5, f"took {took:.1f} s")
        # not a bounce (a delivery report): exit 1, the verdict
        r, took = timed_check(db, "--db-timeout", "1", msg=3)
        expect(r.returncode == 1, f"status {r.returncode}: {r.stderr}")
        expect(took < 3.5, f"took {took:.1f} s")
        # the environment variable sets the wait too
        env = dict(ENV, BOUNCEKIT_DB_TIMEOUT="0.5")
        r, took = timed_check(db, msg=41, env=env)
        expect(r.returncode == 0 and "not recorded" in r.stderr, r.stderr)
        expect(took < 3.5, f"took {took:.1f} s")
        # the default wait is a few seconds, not minutes
        r, took = timed_check(db, msg=42)
        expect(r.returncode == 0 and "not recorded" in r.stderr, r.stderr)
        expect(took < 5 + 1 + 1.5, f"took {took:.1f} s")
        # ingest waits for the lock instead: released after 2 s, it records
        timer = threading.Timer(2.0, lock.release)
        timer.start()
        t = time.monotonic()
        r = bk("ingest", "-q", "--db", db, "-", stdin=bounces.mbox(range(5, 8)))
        timer.join()
        expect(r.returncode == 0, r.stderr)
        expect(time.monotonic() - t >= 1.5, "ingest did not wait for the lock")
    finally:
        if getattr(lock, "proc", None) and lock.proc.poll() is None:
            lock.proc.kill()
    expect(events(db) == before + 3, f"{events(db)} events, expected {before + 3}")


def silent_server():
    """A TCP server that accepts connections and never says a word."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    held = []

    def serve():
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            held.append(conn)

    threading.Thread(target=serve, daemon=True).start()
    return srv, held


def test_silent_server():
    if not engine.server:
        return
    srv, held = silent_server()
    port = srv.getsockname()[1]
    try:
        db = f"postgresql://bk:wr?ng@127.0.0.1:{port}/bounces"
        r, took = timed_check(db, "--db-timeout", "2", msg=40)
        expect(r.returncode == 0, f"status {r.returncode}: {r.stderr}")
        expect("not recorded" in r.stderr and "wr?ng" not in r.stderr, r.stderr)
        expect("postgresql://bk:***@127.0.0.1" in r.stderr, r.stderr)
        expect(took < 2 + 1 + 1.5, f"took {took:.1f} s")
        expect(len(held) >= 1, "bouncekit never connected")
    finally:
        srv.close()
        for c in held:
            c.close()


def stalling_proxy(port):
    """A TCP proxy to the test server that passes the login through and
    then stops passing the server's answers (a server that freezes
    mid-session: no timeout of its own can fire)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    socks = []

    def pump_client(c, u):
        try:
            while True:
                data = c.recv(65536)
                if not data:
                    return
                u.sendall(data)
        except OSError:
            return

    def pump_server(u, c):
        buf = b""
        ready = False
        try:
            while True:
                data = u.recv(65536)
                if not data:
                    return
                if ready:
                    continue   # frozen: nothing more reaches the client
                buf += data
                out = b""
                while len(buf) >= 5:
                    n = int.from_bytes(buf[1:5], "big") + 1
                    if len(buf) < n:
                        break
                    msg, buf = buf[:n], buf[n:]
                    out += msg
                    if msg[:1] == b"Z":   # ReadyForQuery: the login is done
                        ready = True
                        break
                c.sendall(out)
        except OSError:
            return

    def serve():
        while True:
            try:
                c, _ = srv.accept()
            except OSError:
                return
            u = socket.create_connection(("127.0.0.1", port))
            socks.extend([c, u])
            threading.Thread(target=pump_client, args=(c, u), daemon=True).start()
            threading.Thread(target=pump_server, args=(u, c), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return srv, socks


def test_server_freezes_after_login():
    if not engine.server:
        return
    db = engine.new_db()
    name = pgserver.dbname(db)
    srv, socks = stalling_proxy(engine.server.port)
    try:
        target = (f"postgresql://bk:{pgserver.PASSWORD}@127.0.0.1:{srv.getsockname()[1]}/{name}"
                  "?sslmode=disable&gssencmode=disable")
        r, took = timed_check(target, "--db-timeout", "1", msg=40)
        expect(r.returncode == 0, f"status {r.returncode}: {r.stderr}")
        expect("not recorded" in r.stderr and pgserver.PASSWORD not in r.stderr, r.stderr)
        # the watchdog: the wait (libpq's 2 s at least) and a second
        expect(took < 2 + 1 + 1.5, f"took {took:.1f} s")
    finally:
        srv.close()
        for c in socks:
            c.close()


def test_disk_full():
    if engine.server:
        return
    db = engine.new_db()

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384))

    r = subprocess.run([BIN, "ingest", "-q", "--db", db, "-"], input=bounces.mbox(range(300)),
                       capture_output=True, text=True, env=ENV, preexec_fn=small_files, timeout=120)
    expect(r.returncode == 2, f"status {r.returncode}: {r.stderr}")
    expect("not an SQLite database" not in r.stderr, r.stderr)
    expect("disk full" in r.stderr or "disk or file system is full" in r.stderr, r.stderr)


try:
    for name, fn in sorted(globals().items()):
        if name.startswith("test_") and callable(fn):
            tap.run(f"{engine.name}: {name[5:]}", fn)
finally:
    engine.close()
sys.exit(tap.done())
