#!/usr/bin/env python3
"""ingest and scan of an IMAP folder, against a real Dovecot (imapserver.py).

The samples are delivered into a folder; an ingest over IMAP must give
the database a file ingest of the same messages gives, mark every message
done (and read), and add nothing when run again; a scan changes nothing
on the server; --unseen also reads what an older bouncekit left pending; a run killed midway (the server
stalls, the process is killed) and run again gives the same database; a
server that goes away midway leaves whole messages only; every error
(unreachable, refused login, missing folder, untrusted certificate, a
password on the command line) is one line naming the URL, password
masked, exit 2, and no database.
"""
import glob
import imaplib
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "history"))
import common  # noqa: E402
import imapserver  # noqa: E402
from common import Tap, expect  # noqa: E402

ROOT = os.environ.get("BK_SOURCE_ROOT", os.path.join(HERE, "..", ".."))
SAMPLES = sorted(glob.glob(os.path.join(ROOT, "samples", "**", "*.eml"), recursive=True))


class Sqlite:
    server = None


class Proxy:
    """A TCP relay to the server that, once @limit bytes came back from
    it, either stalls (stops relaying, keeps the connection) or cuts the
    connection: a server that hangs, or goes away."""

    def __init__(self, port, limit, mode):
        self.up, self.limit, self.mode = port, limit, mode
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self.sent = 0
        self.tripped = threading.Event()
        self.conns = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            u = socket.create_connection(("127.0.0.1", self.up))
            self.conns += [c, u]
            threading.Thread(target=self._pump, args=(c, u, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(u, c, True), daemon=True).start()

    def _pump(self, src, dst, counted):
        try:
            while True:
                data = src.recv(4096)
                if not data:
                    break
                if self.tripped.is_set():
                    if self.mode == "cut":
                        break
                    continue   # stall: swallow
                if counted:
                    self.sent += len(data)
                    if self.sent >= self.limit:
                        self.tripped.set()
                        if self.mode == "cut":
                            break
                        continue
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self):
        self.sock.close()
        for c in self.conns:
            c.close()


class Env:
    def __init__(self):
        self.srv = imapserver.server_or_skip()
        self.tmp = tempfile.mkdtemp(prefix="bk-imap-test-")
        self.n = 0
        self.env = dict(common.ENV, BOUNCEKIT_IMAP_PASSWORD=imapserver.PASSWORD, HOME=self.tmp)
        self.file_db = self.db()
        r = self.bk("ingest", "--db", self.file_db, *SAMPLES)
        expect(r.returncode == 0, r.stderr)
        self.want = common.rows(Sqlite, self.file_db)

    def db(self):
        self.n += 1
        return os.path.join(self.tmp, f"h{self.n}.db")

    def folder(self, seen=()):
        """A new folder holding the samples (those in @seen already read)."""
        self.n += 1
        name = f"Bounces{self.n}"
        self.srv.make_folder(name)
        for i, f in enumerate(SAMPLES):
            with open(f, "rb") as fh:
                self.srv.add(name, fh.read(), seen=i in seen)
        return name

    def bk(self, *args, env=None):
        return subprocess.run([common.BIN, *args], capture_output=True, text=True,
                              env=env or self.env, timeout=300)

    def ingest(self, db, folder, *extra, port=None, env=None):
        return self.bk("ingest", "--db", db, "--cacert", self.srv.ca, *extra,
                       self.srv.url(folder, port=port), env=env)

    def done(self, folder):
        return sum(1 for f in self.srv.flags(folder).values() if "$BouncekitDone" in f)

    def close(self):
        self.srv.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


def t_equals_file_ingest(e):
    folder, db = e.folder(), e.db()
    r = e.ingest(db, folder)
    expect(r.returncode == 0, r.stderr)
    expect(f"{len(SAMPLES)} messages" in r.stderr, r.stderr)
    got = common.rows(Sqlite, db)
    expect(got == e.want, f"{len(got)} rows over IMAP, {len(e.want)} from files")
    expect(e.done(folder) == len(SAMPLES), f"{e.done(folder)} messages marked done")
    expect(all("S" in f for f in e.srv.flags(folder).values()), "a message marked done is not \\Seen")
    r = e.ingest(db, folder)
    expect(r.returncode == 0 and "0 messages, 0 new events" in r.stderr, r.stderr)
    expect(common.rows(Sqlite, db) == e.want, "the rerun changed the database")


def t_killed_midway(e):
    folder, db = e.folder(), e.db()
    # the server stalls once it sent 4/5 of the samples' bytes: past the
    # chunks fetched before the first batch's mark must have gone out
    # (bouncekit fetches at most three chunks ahead of the analysis, each
    # at most twice the last: 16, 32, 64, 128 messages, 63% of the bytes),
    # before the last batch's
    limit = sum(os.path.getsize(f) for f in SAMPLES) * 4 // 5
    proxy = Proxy(e.srv.port, limit, "stall")
    try:
        p = subprocess.Popen([common.BIN, "ingest", "--db", db, "--cacert", e.srv.ca, "--batch", "10",
                              e.srv.url(folder, port=proxy.port)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=e.env)
        expect(proxy.tripped.wait(60), "the proxy never stalled")
        time.sleep(0.5)
        p.send_signal(signal.SIGKILL)
        p.wait()
    finally:
        proxy.close()
    part = common.rows(Sqlite, db)
    marked = e.done(folder)
    expect(0 < len(part) < len(e.want), f"{len(part)} events after the kill: not midway")
    expect(0 < marked < len(SAMPLES), f"{marked} messages marked done after the kill")
    expect(set(part) <= set(e.want), "the killed run recorded something a file ingest does not")
    r = e.ingest(db, folder)
    expect(r.returncode == 0, r.stderr)
    expect(f"{len(SAMPLES) - marked} messages" in r.stderr, f"rerun after {marked} done: {r.stderr}")
    expect(common.rows(Sqlite, db) == e.want, "killed + rerun differs from a file ingest")
    expect(e.done(folder) == len(SAMPLES), "not every message marked done")


def t_server_gone_midway(e):
    folder, db = e.folder(), e.db()
    proxy = Proxy(e.srv.port, 170000, "cut")
    try:
        r = e.ingest(db, folder, "--batch", "7", port=proxy.port)
    finally:
        proxy.close()
    expect(r.returncode == 2, f"exit {r.returncode}: {r.stderr}")
    lines = r.stderr.strip().splitlines()
    expect(len(lines) == 1 and f"localhost:{proxy.port}/{folder}" in lines[0], r.stderr)
    part = common.rows(Sqlite, db)
    expect(0 < len(part) < len(e.want), f"{len(part)} events")
    # whole messages only: every recorded message has all of its events
    keys = {row.split("|")[0] for row in part}
    whole = [row for row in e.want if row.split("|")[0] in keys]
    expect(sorted(part) == sorted(whole), "a message was half-written")
    r = e.ingest(db, folder)
    expect(r.returncode == 0 and common.rows(Sqlite, db) == e.want, r.stderr)


def scan_lines(out):
    rows = []
    for line in out.splitlines():
        o = json.loads(line)
        o.pop("source")
        o.pop("index")
        rows.append(o)
    return rows


def t_scan(e):
    folder = e.folder()
    r = e.bk("scan", "--quiet", "--all", "--cacert", e.srv.ca, e.srv.url(folder))
    expect(r.returncode == 0, r.stderr)
    f = e.bk("scan", "--quiet", "--all", *SAMPLES)
    expect(scan_lines(r.stdout) == scan_lines(f.stdout), "scan over IMAP differs from scan of the files")
    expect(f'"source":"imaps://bk@localhost:{e.srv.port}/{folder};UID=1"' in r.stdout.replace(" ", ""),
           "no IMAP source names")
    expect(e.done(folder) == 0, "scan marked messages done")
    expect(not any(e.srv.flags(folder).values()), "scan changed flags on the server")


def t_unseen_and_move(e):
    seen = set(range(0, len(SAMPLES), 2))
    folder, db = e.folder(seen=seen), e.db()
    e.srv.make_folder("Done")
    r = e.ingest(db, folder, "--unseen", "--move-to", "Done")
    expect(r.returncode == 0, r.stderr)
    unseen = len(SAMPLES) - len(seen)
    expect(f"{unseen} messages" in r.stderr, r.stderr)
    left = e.srv.flags(folder)
    expect(len(left) == len(seen), f"{len(left)} messages left in the folder, want {len(seen)}")
    expect(len(e.srv.flags("Done")) == unseen, "not moved")
    moved = e.srv.flags("Done").values()
    expect(all("$BouncekitDone" in f and "$BouncekitPending" not in f for f in moved),
           f"flags of the moved messages: {list(moved)[:3]}")
    fdb = e.db()
    r = e.bk("ingest", "--db", fdb, *[f for i, f in enumerate(SAMPLES) if i not in seen])
    expect(common.rows(Sqlite, db) == common.rows(Sqlite, fdb), "--unseen read other messages")


def t_unseen_reads_pending(e):
    """Messages an older bouncekit flagged \\Seen and $BouncekitPending
    before a run that was killed are read by --unseen, and leave with
    $BouncekitDone."""
    folder, db = e.folder(seen=set(range(len(SAMPLES)))), e.db()
    pending = list(range(1, len(SAMPLES) + 1, 3))   # UIDs
    imap = imaplib.IMAP4_SSL("localhost", e.srv.port, ssl_context=ssl.create_default_context(cafile=e.srv.ca))
    try:
        imap.login(imapserver.USER, imapserver.PASSWORD)
        imap.select(folder)
        typ, _ = imap.uid("STORE", ",".join(map(str, pending)), "+FLAGS.SILENT", "($BouncekitPending)")
        expect(typ == "OK", "cannot flag the messages pending")
    finally:
        imap.logout()
    r = e.ingest(db, folder, "--unseen")
    expect(r.returncode == 0 and f"{len(pending)} messages" in r.stderr, r.stderr)
    fdb = e.db()
    e.bk("ingest", "--db", fdb, *[f for i, f in enumerate(SAMPLES) if i + 1 in pending])
    expect(common.rows(Sqlite, db) == common.rows(Sqlite, fdb), "--unseen read other messages")
    expect(e.done(folder) == len(pending), f"{e.done(folder)} marked done, want {len(pending)}")


def t_since(e):
    folder, db = e.folder(), e.db()
    r = e.ingest(db, folder, "--since", "2999-01-01")
    expect(r.returncode == 0 and "0 messages" in r.stderr, r.stderr)
    r = e.ingest(db, folder, "--since", "1")
    expect(r.returncode == 0 and f"{len(SAMPLES)} messages" in r.stderr, r.stderr)


def t_netrc_and_starttls(e):
    folder, db = e.folder(), e.db()
    with open(os.path.join(e.tmp, ".netrc"), "w") as f:
        f.write(f"machine localhost login bk password {imapserver.PASSWORD}\n")
    os.chmod(os.path.join(e.tmp, ".netrc"), 0o600)
    env = dict(e.env)
    del env["BOUNCEKIT_IMAP_PASSWORD"]
    url = f"imap://localhost:{e.srv.starttls_port}/{folder}"   # STARTTLS, user from ~/.netrc
    r = e.bk("ingest", "--db", db, "--cacert", e.srv.ca, url, env=env)
    os.unlink(os.path.join(e.tmp, ".netrc"))
    expect(r.returncode == 0, r.stderr)
    expect(common.rows(Sqlite, db) == e.want, "STARTTLS ingest differs")


def one_error(e, r, db, url_part, why):
    expect(r.returncode == 2, f"exit {r.returncode}: {r.stderr}")
    lines = r.stderr.strip().splitlines()
    expect(len(lines) == 1, f"not one line: {r.stderr!r}")
    expect(url_part in lines[0] and why in lines[0], lines[0])
    expect(imapserver.PASSWORD not in r.stderr + r.stdout, "the password was shown")
    expect(not os.path.exists(db), "a database was written")


def t_errors(e):
    folder = e.folder()
    # unreachable: a port nobody listens on
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    db = e.db()
    r = e.ingest(db, folder, port=dead)
    one_error(e, r, db, f"imaps://bk@localhost:{dead}/{folder}", "cannot connect")
    # refused login
    db = e.db()
    env = dict(e.env, BOUNCEKIT_IMAP_PASSWORD="wrong-" + imapserver.PASSWORD)
    r = e.ingest(db, folder, env=env)
    one_error(e, r, db, e.srv.url(folder), "login refused")
    expect("wrong-" not in r.stderr, "the wrong password was shown")
    # missing folder
    db = e.db()
    r = e.ingest(db, "NoSuchFolder")
    one_error(e, r, db, e.srv.url("NoSuchFolder"), "no such folder")
    # certificate not trusted: no --cacert, and no silent way around it
    db = e.db()
    r = e.bk("ingest", "--db", db, e.srv.url(folder))
    one_error(e, r, db, e.srv.url(folder), "TLS failed")
    # a password on the command line is refused, and masked
    db = e.db()
    url = f"imaps://bk:{imapserver.PASSWORD}@localhost:{e.srv.port}/{folder}"
    r = e.bk("ingest", "--db", db, "--cacert", e.srv.ca, url)
    one_error(e, r, db, f"imaps://bk:***@localhost:{e.srv.port}/{folder}", "password")
    # scan: the same errors, the same exit
    r = e.bk("scan", "--cacert", e.srv.ca, e.srv.url("NoSuchFolder"))
    expect(r.returncode == 2 and "no such folder" in r.stderr, r.stderr)
    expect(e.done(folder) == 0, "an error run marked messages")


def main():
    e = Env()
    tap = Tap()
    try:
        for name, fn in [("equals-file-ingest", t_equals_file_ingest), ("killed-midway", t_killed_midway),
                         ("server-gone-midway", t_server_gone_midway), ("scan", t_scan),
                         ("unseen-and-move", t_unseen_and_move), ("unseen-reads-pending", t_unseen_reads_pending),
                         ("since", t_since),
                         ("netrc-and-starttls", t_netrc_and_starttls), ("errors", t_errors)]:
            tap.run(name, fn, e)
    finally:
        e.close()
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
