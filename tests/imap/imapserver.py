#!/usr/bin/env python3
"""A throw-away Dovecot IMAP server for the IMAP tests and benchmark.

Debian's dovecot-imapd, started with a configuration of its own in a
temporary directory: TLS on a free port of 127.0.0.1 (implicit TLS) and
STARTTLS on another, with a certificate signed by a CA this module makes
with openssl; one user (bk, password PASSWORD) whose mail is a Maildir
there. Dovecot runs without root: under root, everything runs as
'nobody' (pgserver.py's way with PostgreSQL).

As a program: imapserver.py CMD ARG... runs CMD with BK_TEST_IMAP_DIR
(the directory), BK_TEST_IMAP_PORT, BK_TEST_IMAP_STARTTLS_PORT and
BK_TEST_IMAP_CA in its environment. When Dovecot's IMAP server is not
installed it prints a TAP plan of no tests with the reason (meson reports
it skipped) and exits 0.
"""
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time

PASSWORD = "s3cret-imap-pw"
USER = "bk"
DOVECOT = "/usr/sbin/dovecot"
IMAP_BIN = "/usr/lib/dovecot/imap"

CONF = """\
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
ssl = yes
ssl_cert = <{dir}/server.crt
ssl_key = <{dir}/server.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
mail_plugins =
first_valid_uid = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {dir}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={dir}/home/%u
}}
service imap-login {{
  chroot =
  user = {user}
  inet_listener imap {{
    port = {starttls_port}
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
service imap {{
  user = {user}
}}
service anvil {{
  chroot =
  user = {user}
}}
service auth {{
  user = {user}
}}
service auth-worker {{
  user = {user}
}}
service log {{
  user = {user}
}}
service config {{
  user = {user}
}}
service stats {{
  user = {user}
}}
service dict {{
  user = {user}
}}
service dict-async {{
  user = {user}
}}
service indexer-worker {{
  user = {user}
}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def installed():
    return os.path.exists(DOVECOT) and os.path.exists(IMAP_BIN) and shutil.which("openssl")


class Server:
    def __init__(self):
        if os.environ.get("BK_TEST_NO_DOVECOT") or not installed():
            raise FileNotFoundError("Dovecot's IMAP server is not installed (Debian: apt-get install dovecot-imapd)")
        self.dir = tempfile.mkdtemp(prefix="bk-imap-")
        self.root = os.geteuid() == 0
        self.user = "nobody" if self.root else pwd.getpwuid(os.geteuid()).pw_name
        pw = pwd.getpwnam(self.user)
        self.uid, self.gid = pw.pw_uid, pw.pw_gid
        self.ca = os.path.join(self.dir, "ca.crt")
        self.port = self.starttls_port = None
        self.proc = None

    # --- set-up ---
    def _openssl(self, *args):
        subprocess.run(["openssl", *args], check=True, cwd=self.dir,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _certificates(self):
        """A CA, and a certificate it signs for localhost and 127.0.0.1."""
        self._openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                      "-subj", "/CN=bouncekit test CA", "-keyout", "ca.key", "-out", "ca.crt")
        with open(os.path.join(self.dir, "ext.cnf"), "w") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        self._openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                      "-keyout", "server.key", "-out", "server.csr")
        self._openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                      "-CAcreateserial", "-days", "2", "-extfile", "ext.cnf", "-out", "server.crt")

    def maildir(self, folder="INBOX"):
        base = os.path.join(self.dir, "home", USER, "Maildir")
        return base if folder == "INBOX" else os.path.join(base, "." + folder)

    def make_folder(self, folder):
        d = self.maildir(folder)
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
        self._own()
        return d

    def add(self, folder, data, seen=False, n=[0]):
        """Deliver @data (bytes) into @folder as Dovecot's LDA would."""
        d = self.make_folder(folder) if not os.path.isdir(self.maildir(folder)) else self.maildir(folder)
        n[0] += 1
        name = f"{int(time.time())}.M{n[0]}P{os.getpid()}.bk"
        path = os.path.join(d, "cur", name + ":2,S") if seen else os.path.join(d, "new", name)
        with open(path, "wb") as f:
            f.write(data)
        if self.root:
            os.chown(path, self.uid, self.gid)

    def _own(self):
        if self.root:
            for top, dirs, files in os.walk(self.dir):
                for name in [top] + [os.path.join(top, x) for x in dirs + files]:
                    os.chown(name, self.uid, self.gid)

    def start(self):
        os.chmod(self.dir, 0o755)
        self._certificates()
        for sub in ("run", "state", os.path.join("home", USER, "Maildir")):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
        with open(os.path.join(self.dir, "passwd"), "w") as f:
            f.write(f"{USER}:{PASSWORD}\n")
        os.chmod(os.path.join(self.dir, "server.key"), 0o600)
        for _ in range(5):   # another program may take a port meanwhile
            self.port, self.starttls_port = free_port(), free_port()
            with open(os.path.join(self.dir, "dovecot.conf"), "w") as f:
                f.write(CONF.format(dir=self.dir, user=self.user, group=self._group(), uid=self.uid,
                                    gid=self.gid, port=self.port, starttls_port=self.starttls_port))
            self._own()
            argv = [DOVECOT, "-F", "-c", os.path.join(self.dir, "dovecot.conf")]
            if self.root:
                argv = ["runuser", "-u", self.user, "--"] + argv
            self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if self._wait():
                return self
            self.proc.kill()
            self.proc.wait()
        raise RuntimeError("Dovecot did not start: " + self.log())

    def _group(self):
        import grp
        return grp.getgrgid(self.gid).gr_name

    def _wait(self):
        ctx = ssl.create_default_context(cafile=self.ca)
        for _ in range(100):
            if self.proc.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    with ctx.wrap_socket(s, server_hostname="localhost") as t:
                        if t.recv(100).startswith(b"* OK"):
                            return True
            except OSError:
                time.sleep(0.1)
        return False

    def log(self):
        try:
            return open(os.path.join(self.dir, "dovecot.log")).read()
        except OSError:
            return ""

    def stop(self):
        try:
            if self.proc and self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, folder="INBOX", user=USER, port=None, scheme="imaps", host="localhost"):
        return f"{scheme}://{user}@{host}:{port or self.port}/{folder}"

    def env(self):
        return {"BK_TEST_IMAP_DIR": self.dir, "BK_TEST_IMAP_PORT": str(self.port),
                "BK_TEST_IMAP_STARTTLS_PORT": str(self.starttls_port), "BK_TEST_IMAP_CA": self.ca}

    def flags(self, folder):
        """{file name without flags: flags} from the Maildir's cur/ and new/,
        with keywords as Dovecot's dovecot-keywords file names them."""
        d = self.maildir(folder)
        names = {}
        kw = os.path.join(d, "dovecot-keywords")
        if os.path.exists(kw):
            for line in open(kw):
                i, name = line.split()
                names[chr(ord("a") + int(i))] = name
        out = {}
        for sub in ("cur", "new"):
            for f in os.listdir(os.path.join(d, sub)):
                base, _, fl = f.partition(":2,")
                out[base] = {names.get(c, c) for c in fl}
        return out

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
        print(f"dovecot up in {srv.dir}, port {srv.port}", file=sys.stderr)
        sys.exit(subprocess.run(sys.argv[1:], env=dict(os.environ, **srv.env())).returncode)
    finally:
        srv.stop()
