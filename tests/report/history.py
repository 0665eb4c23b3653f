#!/usr/bin/env python3
"""A synthetic list history for the report's tests and benchmark.

make(path, n, now) creates the history with bouncekit (so the schema is
bouncekit's own) and adds @n events spread over the 60 days before @now,
straight into the SQLite file: a realistic mix of receivers (a few large
providers and a long tail), of hard, soft, delayed and policy bounces,
complaints and deliveries, and one receiver that starts blocking the
list six days before @now. Deterministic: the same arguments give the
same rows.

As a program: history.py DB N [NOW-UNIX-SECONDS]
"""
import os
import random
import sqlite3
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.environ.get("BOUNCEKIT_BIN", os.path.join(ROOT, "build", "bouncekit"))
NOW = 1764590400   # 2025-12-01T12:00:00Z

BIG = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "gmx.de", "web.de", "orange.fr",
       "comcast.net", "icloud.com", "aol.com", "t-online.de", "mail.ru", "yandex.ru", "free.fr"]
# (class, reason, status, reply, action, diagnostic, weight)
KINDS = [
    ("hard", "userunknown", "5.1.1", "550", "failed", "550 5.1.1 <{a}>: Recipient address rejected: User unknown in virtual mailbox table", 30),
    ("hard", "hostunknown", "5.1.2", None, "failed", "Host or domain name not found. Name service error for name={d} type=MX", 4),
    ("soft", "mailboxfull", "5.2.2", "552", "failed", "552 5.2.2 <{a}>: mailbox full", 10),
    ("soft", "expired", "4.4.7", None, "delayed", "Delivery to {a} delayed: connection timed out", 14),
    ("soft", "systemerror", "4.3.0", "451", "failed", "451 4.3.0 Temporary lookup failure", 3),
    ("policy", "spamdetected", "5.7.1", "550", "failed", "550 5.7.1 Message rejected as spam by content filter", 6),
    ("policy", "blocked", "5.7.1", "554", "failed", "554 5.7.1 Service unavailable; Client host [203.0.113.7] blocked using zen.spamhaus.org", 4),
    ("complaint", "feedback", None, None, None, None, 3),
    ("none", "delivered", "2.0.0", "250", "delivered", "250 2.0.0 OK", 16),
]


def make(path, n, now=NOW, seed=19):
    rnd = random.Random(seed)
    first = os.path.join(ROOT, "samples", "rfc3464")
    sample = sorted(f for f in os.listdir(first) if f.endswith(".eml"))[0]
    env = dict(os.environ, BOUNCEKIT_RULES=os.path.join(ROOT, "rules"))
    subprocess.run([BIN, "ingest", "--quiet", "--db", path, os.path.join(first, sample)],
                   check=True, env=env)
    tail = [f"d{i}.example" for i in range(200)]
    weights = [k[-1] for k in KINDS]
    users = max(50, n // 5)
    rows = []
    for i in range(n):
        u = rnd.randrange(users)
        domain = BIG[u % len(BIG)] if u % 3 else tail[u % len(tail)]
        a = f"user{u}@{domain}"
        t = now - rnd.randrange(60 * 86400)
        k = rnd.choices(KINDS, weights)[0]
        # outlook.com blocks the list in the last six days
        if domain == "outlook.com" and now - t < 6 * 86400 and rnd.random() < 0.7:
            k = KINDS[6]
        klass, reason, status, reply, action, diag, _ = k
        rows.append((f"mid:<r{seed}-{i}@mx.example.net>", a, domain, klass, reason, status, reply, action,
                     "abuse" if klass == "complaint" else None,
                     diag.format(a=a, d=domain) if diag else None, t, "synthetic"))
    con = sqlite3.connect(path)
    with con:
        con.executemany("INSERT INTO events (message_key, address, domain, class, reason, status,"
                        " reply_code, action, feedback_type, diagnostic, event_time, source)"
                        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING", rows)
    con.close()
    return path


if __name__ == "__main__":
    make(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else NOW)
