#!/usr/bin/env python3
"""A throw-away PostgreSQL server for the history tests.

Started with initdb/pg_ctl from Debian's postgresql package in a
temporary directory, on a Unix socket there and a free TCP port on
127.0.0.1, as an unprivileged user (PostgreSQL refuses to run as root:
under root the server runs as 'nobody'). Local connections are trusted;
TCP logins need the password, so a refused login can be tested.

As a program: pgserver.py CMD ARG... runs CMD with BK_TEST_PG (a libpq
keyword string for the 'postgres' database) in its environment. When
PostgreSQL is not installed it prints a TAP plan of no tests with the
reason ("1..0 # SKIP ...", which meson reports as skipped) and exits 0.
"""
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile

PASSWORD = "s3cret-pw"


def find_bin():
    """The newest installed server's bin directory, or None (also when
    BK_TEST_NO_POSTGRESQL is set, to try the skip path)."""
    if os.environ.get("BK_TEST_NO_POSTGRESQL"):
        return None
    cands = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if cands:
        return os.path.dirname(cands[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self):
        self.bindir = find_bin()
        if self.bindir is None:
            raise FileNotFoundError("PostgreSQL is not installed (no initdb; Debian: apt-get install postgresql)")
        self.dir = tempfile.mkdtemp(prefix="bk-pg-")
        self.root = os.geteuid() == 0
        if self.root:
            shutil.chown(self.dir, "nobody")
            os.chmod(self.dir, 0o755)
        self.data = os.path.join(self.dir, "data")
        self.port = None
        self.dbs = 0

    def _as_server(self, argv, **kw):
        if self.root:
            argv = ["runuser", "-u", "nobody", "--"] + argv
        return subprocess.run(argv, check=True, **kw)

    def start(self):
        pwfile = os.path.join(self.dir, "pw")
        with open(pwfile, "w") as f:
            f.write(PASSWORD + "\n")
        if self.root:
            shutil.chown(pwfile, "nobody")
        self._as_server([self.bindir + "/initdb", "-D", self.data, "-U", "bk", "--pwfile", pwfile,
                         "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                         "--locale=C.UTF-8"], stdout=subprocess.DEVNULL)
        for _ in range(5):   # another program may take the port meanwhile
            self.port = free_port()
            opts = (f"-k {self.dir} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off"
                    " -c synchronous_commit=off -c max_connections=40")
            r = subprocess.run((["runuser", "-u", "nobody", "--"] if self.root else [])
                               + [self.bindir + "/pg_ctl", "-D", self.data, "-o", opts,
                                  "-l", os.path.join(self.dir, "log"), "-w", "start"],
                               stdout=subprocess.DEVNULL)
            if r.returncode == 0:
                return self
        raise RuntimeError("PostgreSQL did not start: " + open(os.path.join(self.dir, "log")).read())

    def stop(self):
        try:
            self._as_server([self.bindir + "/pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"],
                            stdout=subprocess.DEVNULL)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def conninfo(self, dbname="postgres"):
        return f"host={self.dir} port={self.port} user=bk dbname={dbname}"

    def psql(self, sql, dbname="postgres"):
        return subprocess.run([self.bindir + "/psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                               "-d", self.conninfo(dbname), "-c", sql],
                              check=True, capture_output=True, text=True).stdout

    def uri(self, dbname):
        """The database as a URI: one shell word, as --db takes it."""
        return f"postgresql://bk@/{dbname}?host={self.dir}&port={self.port}"

    def new_database(self, name=None):
        """A fresh empty database; returns its URI."""
        self.dbs += 1
        name = name or f"t{self.dbs}"
        self.psql(f"CREATE DATABASE {name}")
        return self.uri(name)


def dbname(uri):
    """The database name of a URI made by Server.uri."""
    return uri.split("/")[3].split("?")[0]

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def server_or_skip():
    """A started server, or a skipped TAP run with the reason."""
    try:
        return Server().start()
    except FileNotFoundError as e:
        print(f"skipped: {e}", file=sys.stderr)
        print(f"1..0 # SKIP {e}")
        sys.exit(0)


if __name__ == "__main__":
    srv = server_or_skip()
    try:
        env = dict(os.environ, BK_TEST_PG=srv.conninfo(), BK_TEST_PG_BIN=srv.bindir)
        sys.exit(subprocess.run(sys.argv[1:], env=env).returncode)
    finally:
        srv.stop()
