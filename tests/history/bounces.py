#!/usr/bin/env python3
"""Synthetic bounces for the history tests, written here from scratch.

Each is a small RFC 3464 delivery-status report with its own Message-ID,
one failed (or delivered) recipient, a date, and a returned header.
make(i) is deterministic: the same i gives the same bytes, so a bounce
recorded by several writers is the same event.

As a program: bounces.py N OUT.mbox writes bounces 0..N-1 as one mbox.
"""
import sys
from email.utils import formatdate

# (status, diagnostic, action): hard, soft, policy, delivered
KINDS = [
    ("5.1.1", "550 5.1.1 <{a}>: Recipient address rejected: User unknown", "failed"),
    ("4.2.2", "452 4.2.2 <{a}>: mailbox full, try again later", "delayed"),
    ("5.7.1", "550 5.7.1 Message rejected as spam by content filter", "failed"),
    ("2.0.0", "250 2.0.0 Ok: queued as 4F9A2", "delivered"),
]
T0 = 1767225600   # 2026-01-01T00:00:00Z


def address(i):
    """Bounce i's recipient: 700 addresses over 7 domains, so addresses
    collect several events of several kinds."""
    n = (i * 37) % 700
    return f"user{n}@d{n % 7}.example"


def make(i):
    a = address(i)
    kind = 0 if i % 11 == 0 else (i % 4)
    status, diag, action = KINDS[kind]
    when = formatdate(T0 + i * 3541, usegmt=True)
    return (
        f"From: Mail Delivery System <MAILER-DAEMON@mx{i % 3}.example.net>\n"
        f"To: list-bounces@lists.example.com\n"
        f"Subject: Delivery Status Notification\n"
        f"Date: {when}\n"
        f"Message-ID: <bounce-{i}@mx{i % 3}.example.net>\n"
        f"MIME-Version: 1.0\n"
        f"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b{i}\"\n"
        f"\n"
        f"--b{i}\n"
        f"Content-Type: text/plain\n"
        f"\n"
        f"This is the mail system at host mx{i % 3}.example.net.\n"
        f"\n"
        f"--b{i}\n"
        f"Content-Type: message/delivery-status\n"
        f"\n"
        f"Reporting-MTA: dns; mx{i % 3}.example.net\n"
        f"Arrival-Date: {when}\n"
        f"\n"
        f"Final-Recipient: rfc822; {a}\n"
        f"Action: {action}\n"
        f"Status: {status}\n"
        f"Remote-MTA: dns; in.{a.split('@')[1]}\n"
        f"Diagnostic-Code: smtp; {diag.format(a=a)}\n"
        f"Last-Attempt-Date: {when}\n"
        f"\n"
        f"--b{i}\n"
        f"Content-Type: text/rfc822-headers\n"
        f"\n"
        f"From: news@lists.example.com\n"
        f"To: {a}\n"
        f"Subject: Issue {i}\n"
        f"Message-ID: <issue-{i}@lists.example.com>\n"
        f"\n"
        f"--b{i}--\n"
    )


def mbox(indices):
    """The bounces as one mbox text."""
    return "".join(f"From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n{make(i)}\n" for i in indices)


if __name__ == "__main__":
    with open(sys.argv[2], "w") as f:
        f.write(mbox(range(int(sys.argv[1]))))
