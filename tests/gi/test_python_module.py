#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Python module `bouncekit` (python/bouncekit) as a list manager uses
it: scan_message() and all_failures() on email.message.Message objects,
shaped as flufl.bounce's functions, and the typed recipients, which carry
the fields `bouncekit scan --format json --all` prints."""
import email
import email.policy
import json
import os
import subprocess
import sys
import threading
import unittest
from email.mime.text import MIMEText

try:
    import bouncekit
except (ImportError, ValueError) as e:
    print(f"1..0 # SKIP the module cannot load: {e}")
    sys.exit(77 if os.environ.get("BK_GI_ALLOW_SKIP") == "1" else 1)

ROOT = os.environ["BK_SOURCE_ROOT"]
RULES = os.environ["BK_RULES_DIR"]
SAMPLES = os.path.join(ROOT, "samples")
analyzer = bouncekit.Analyzer(RULES)


def sample(name, policy=email.policy.compat32):
    with open(os.path.join(SAMPLES, name), "rb") as f:
        return email.message_from_binary_file(f, policy=policy)


def postfix_dsn(rcpt, status, diagnostic, action="failed"):
    """A bounce as Postfix writes it, read by the email package as a list
    manager's mailbox would hand it over."""
    raw = f"""\
Return-Path: <>
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
To: list-bounces@lists.example.com
Subject: Undelivered Mail Returned to Sender
Date: Mon, 07 Dec 2026 10:00:00 +0000
Message-ID: <20261207100000.1@mx.example.net>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="B1"

--B1
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.net.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{rcpt}>: host mail.example.org[192.0.2.7] said: {diagnostic}

--B1
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
Arrival-Date: Mon,  7 Dec 2026 09:59:58 +0000

Final-Recipient: rfc822; {rcpt}
Original-Recipient: rfc822;{rcpt}
Action: {action}
Status: {status}
Remote-MTA: dns; mail.example.org
Diagnostic-Code: smtp; {diagnostic}

--B1
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: news@lists.example.com
To: {rcpt}
Subject: December news
Message-ID: <news-42@lists.example.com>

--B1--
"""
    return email.message_from_string(raw)


class FluflShape(unittest.TestCase):
    def test_dsn_with_three_recipients(self):
        msg = sample("rfc3464/multi-recipient.eml")
        self.assertEqual(bouncekit.scan_message(msg, analyzer), {b"felix.brandt@example.org"})
        temporary, permanent = bouncekit.all_failures(msg, analyzer)
        self.assertEqual(permanent, {b"felix.brandt@example.org"})
        self.assertEqual(temporary, {b"grace.kim@mail.example.net", b"hugo.martin@slow.example"})

    def test_modern_policy_message(self):
        # EmailMessage (policy.default) is read as the bytes it came from
        msg = sample("rfc3464/multi-recipient.eml", email.policy.default)
        self.assertEqual(bouncekit.scan_message(msg, analyzer), {b"felix.brandt@example.org"})

    def test_built_postfix_user_unknown(self):
        msg = postfix_dsn("gone@example.org", "5.1.1",
                          "550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown")
        self.assertEqual(bouncekit.all_failures(msg, analyzer), (set(), {b"gone@example.org"}))

    def test_built_postfix_mailbox_full_is_temporary(self):
        msg = postfix_dsn("full@example.org", "4.2.2",
                          "452 4.2.2 <full@example.org>: Mailbox full", action="delayed")
        self.assertEqual(bouncekit.all_failures(msg, analyzer), ({b"full@example.org"}, set()))

    def test_policy_is_not_permanent(self):
        msg = postfix_dsn("reader@example.org", "5.7.1",
                          "554 5.7.1 Service unavailable; Client host [198.51.100.4] blocked using zen.spamhaus.org")
        temporary, permanent = bouncekit.all_failures(msg, analyzer)
        self.assertEqual(permanent, set())
        self.assertEqual(temporary, {b"reader@example.org"})
        (r,) = bouncekit.analyze(msg, analyzer).recipients
        self.assertEqual(r.bounce_class, "policy")

    def test_not_bounces(self):
        for name in ["arf/abuse.eml", "autoreply/out-of-office.eml", "mdn/read-receipt.eml",
                     "plain/talks-about-bounce-errors.eml"]:
            with self.subTest(name=name):
                self.assertEqual(bouncekit.all_failures(sample(name), analyzer), (set(), set()))

    def test_complaint_is_in_the_report(self):
        report = bouncekit.analyze(sample("arf/abuse.eml"), analyzer)
        self.assertEqual(report.kind, "feedback")
        self.assertFalse(report.is_bounce)
        self.assertTrue(all(r.reportable and r.reason == "feedback" for r in report.recipients))

    def test_bytes_and_plain_message(self):
        self.assertEqual(bouncekit.all_failures(b"From: a@example.com\n\nhello\n", analyzer), (set(), set()))
        plain = MIMEText("See you on Monday.")
        plain["From"] = "friend@example.org"
        self.assertEqual(bouncekit.scan_message(plain, analyzer), set())


class TypedResult(unittest.TestCase):
    def test_fields_are_the_commands(self):
        path = os.path.join(SAMPLES, "rfc3464/multi-recipient.eml")
        out = subprocess.run([os.environ["BOUNCEKIT_BIN"], "scan", "--all", "--rules", RULES, path],
                             capture_output=True, check=True).stdout.decode()
        want = [json.loads(line) for line in out.splitlines()]
        got = [dict(source=path, index=None, **r.as_dict())
               for r in bouncekit.analyze(sample("rfc3464/multi-recipient.eml"), analyzer).recipients]
        self.assertEqual(got, want)
        self.assertEqual([list(g) for g in got], [list(w) for w in want])

    def test_version(self):
        out = subprocess.run([os.environ["BOUNCEKIT_BIN"], "--version"], capture_output=True, text=True).stdout
        self.assertEqual(out.splitlines()[0], f"bouncekit {bouncekit.__version__}")

    def test_recipient_attributes(self):
        (r, *_) = bouncekit.analyze(sample("rfc3464/multi-recipient.eml"), analyzer).recipients
        self.assertEqual((r.recipient, r.bounce_class, r.reason, r.status, r.reply_code),
                         ("felix.brandt@example.org", "hard", "userunknown", "5.1.1", "550"))
        self.assertTrue(r.permanent)
        self.assertTrue(r.rule)
        self.assertIn("550", r.diagnostic)

    def test_scan_path_mbox_and_maildir(self):
        rows = list(bouncekit.scan_path(os.path.join(SAMPLES, "mbox", "bounces.mbox"), analyzer))
        self.assertGreater(len(rows), 1)
        self.assertEqual([i for _, i, _ in rows], list(range(1, len(rows) + 1)))
        maildir = list(bouncekit.scan_path(os.path.join(SAMPLES, "maildir", "Bounces"), analyzer))
        self.assertEqual(len(maildir), 3)
        self.assertTrue(all(isinstance(rep, bouncekit.Report) for _, _, rep in maildir))

    def test_unreadable_input(self):
        rows = list(bouncekit.scan_path(os.path.join(SAMPLES, "INDEX.md"), analyzer))
        self.assertEqual(len(rows), 1)
        self.assertIsInstance(rows[0][2], bouncekit.ReadError)

    def test_threads(self):
        msg = sample("rfc3464/multi-recipient.eml")
        results = []

        def work():
            for _ in range(20):
                results.append(frozenset(bouncekit.scan_message(msg, analyzer)))

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(set(results), {frozenset({b"felix.brandt@example.org"})})

    def test_history_through_the_typelib(self):
        import tempfile
        from gi.repository import GLib
        Bk = bouncekit.Bouncekit
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, "list.db")
            with self.assertRaises(GLib.Error) as cm:
                Bk.History.open_full(db, Bk.HistoryOpenFlags.EXISTING)
            self.assertEqual(cm.exception.code, int(Bk.HistoryError.MISSING))
            history = Bk.History.open(db)
            self.assertEqual(history.get_engine(), "sqlite")
            an = Bk.Analyzer.new(analyzer.ruleset)
            with open(os.path.join(SAMPLES, "rfc3464/multi-recipient.eml"), "rb") as f:
                data = f.read()
            report = an.analyze_bytes(data)
            msg = Bk.message_parse_bytes(data)
            history.begin()
            ok, added = history.record(report, Bk.History.message_key(msg), "test")
            history.commit()
            self.assertTrue(ok)
            self.assertEqual(added, 3)
            options = Bk.SuppressOptions.new()
            options.now = 1900000000
            options.window_days = 100000
            suppressed = history.suppress(options)
            self.assertEqual([(s.address, s.why) for s in suppressed], [("felix.brandt@example.org", "hard")])
            ok, n = history.count_events("FELIX.BRANDT@example.org")
            self.assertEqual(n, 1)
            history.forgive("felix.brandt@example.org", 1900000000)
            self.assertEqual(list(history.suppress(options)), [])
            stats = history.stats()
            self.assertEqual(stats.get_object().get_int_member("events"), 3)

    def test_default_rules_from_environment(self):
        os.environ["BOUNCEKIT_RULES"] = RULES
        self.assertEqual(bouncekit.scan_message(sample("rfc3464/multi-recipient.eml")),
                         {b"felix.brandt@example.org"})


if __name__ == "__main__":
    # TAP for meson: one line per test
    result = unittest.TextTestRunner(stream=sys.stderr, verbosity=2).run(
        unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__]))
    n = result.testsRun
    bad = {str(t): tb for t, tb in result.failures + result.errors}
    tests = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    names = [str(t) for suite in tests for t in suite]
    for i, name in enumerate(names, 1):
        print(f"{'not ok' if name in bad else 'ok'} {i} - {name}")
        for line in bad.get(name, "").splitlines():
            print(f"# {line}")
    print(f"1..{len(names)}")
    sys.exit(0 if result.wasSuccessful() else 1)
