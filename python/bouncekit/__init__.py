# SPDX-License-Identifier: MIT
"""bouncekit for Python: bounce message (DSN/NDR) analysis.

A thin layer over the library's GObject Introspection typelib
(``gi.repository.Bouncekit``), shaped for mailing list managers:

    >>> import email, bouncekit
    >>> msg = email.message_from_binary_file(open("bounce.eml", "rb"))
    >>> bouncekit.scan_message(msg)            # permanent failures, as flufl.bounce
    {b'felix.brandt@example.org'}
    >>> temporary, permanent = bouncekit.all_failures(msg)
    >>> for r in bouncekit.analyze(msg).recipients:
    ...     print(r.recipient, r.bounce_class, r.reason, r.status, r.reply_code)

A recipient is *permanent* when its class is ``hard`` (the address is
dead), *temporary* when it is ``soft`` (try again) or ``policy`` (the
receiver refused this sender or content: not the address's fault).
Complaints (ARF), deliveries and auto-replies are in neither set; they are
in :func:`analyze`'s recipients with class ``none``.

The rules come from ``rules_dir``, else ``$BOUNCEKIT_RULES``, else the
rules installed with the library. See doc/python.md.
"""
from __future__ import annotations

import email.generator
import email.message
import email.policy
import io
import os
import threading
from dataclasses import dataclass, field
from typing import Iterator, Optional, Union

import gi

try:  # written by meson at install time: where the typelib and library are
    from . import _config
except ImportError:  # the source tree: GI_TYPELIB_PATH and LD_LIBRARY_PATH say
    _config = None

if _config is not None:
    gi.require_version("GIRepository", "2.0")
    from gi.repository import GIRepository

    GIRepository.Repository.prepend_search_path(_config.TYPELIB_DIR)
    GIRepository.Repository.prepend_library_path(_config.LIB_DIR)

gi.require_version("GMime", "3.0")
gi.require_version("Bouncekit", "0")
from gi.repository import Bouncekit  # noqa: E402

__all__ = [
    "Analyzer",
    "Recipient",
    "Report",
    "ReadError",
    "analyze",
    "all_failures",
    "scan_message",
    "scan_path",
    "version",
    "Bouncekit",
]

Bouncekit.init()
# the analysis reads a returned message's headers only; GMime need not
# parse it into a tree (same results, less work)
Bouncekit.parse_attached_messages(False)

__version__ = version = Bouncekit.VERSION_STRING


@dataclass(frozen=True)
class Recipient:
    """One recipient of a report: the fields of ``bouncekit scan --format json``."""

    recipient: Optional[str]
    original_recipient: Optional[str]
    action: Optional[str]
    status: Optional[str]
    reply_code: Optional[str]
    bounce_class: str  # "hard", "soft", "policy" or "none"
    reason: Optional[str]
    diagnostic: Optional[str]
    diagnostic_type: Optional[str]
    remote_mta: Optional[str]
    reporting_mta: Optional[str]
    mta: Optional[str]
    feedback_type: Optional[str]
    date: Optional[str]
    original_message_id: Optional[str]
    original_from: Optional[str]
    original_subject: Optional[str]
    list_id: Optional[str]
    rule: Optional[str]
    evidence: tuple = field(default=(), compare=False, repr=False)

    @property
    def permanent(self) -> bool:
        """The address is dead (class hard): stop mailing it."""
        return self.bounce_class == "hard"

    @property
    def temporary(self) -> bool:
        """Try again later (class soft) or fix the sending side (policy)."""
        return self.bounce_class in ("soft", "policy")

    @property
    def reportable(self) -> bool:
        """What ``scan`` prints without ``--all``: failures, delays, complaints."""
        return self.bounce_class != "none" or self.reason == "feedback"

    def as_dict(self) -> dict:
        """The JSON object's fields, without ``source`` and ``index``."""
        return {("class" if k == "bounce_class" else k): getattr(self, k) for k in _JSON_FIELDS}


_JSON_FIELDS = [f for f in Recipient.__dataclass_fields__ if f != "evidence"]


@dataclass(frozen=True)
class Report:
    """The analysis of one message."""

    kind: str  # "dsn", "text", "feedback", "autoreply", "mdn" or "none"
    mta: Optional[str]
    recipients: list

    @property
    def is_bounce(self) -> bool:
        return any(r.bounce_class != "none" for r in self.recipients)


class ReadError(Exception):
    """An input of :func:`scan_path` that could not be read."""

    def __init__(self, source: str, message: str):
        super().__init__(f"{source}: {message}")
        self.source = source


def _report(rep) -> Report:
    out = []
    for r in rep.get_recipients():
        out.append(
            Recipient(
                recipient=r.recipient,
                original_recipient=r.original_recipient,
                action=r.action,
                status=r.status,
                reply_code=r.reply_code,
                bounce_class=Bouncekit.bounce_class_to_string(r.klass),
                reason=r.reason,
                diagnostic=r.diagnostic,
                diagnostic_type=r.diagnostic_type,
                remote_mta=r.remote_mta,
                reporting_mta=rep.reporting_mta,
                mta=rep.mta,
                feedback_type=r.feedback_type,
                date=r.get_date(rep),
                original_message_id=rep.original_message_id,
                original_from=rep.original_from,
                original_subject=rep.original_subject,
                list_id=rep.list_id,
                rule=r.rule,
                evidence=tuple(r.get_evidence()),
            )
        )
    return Report(kind=Bouncekit.report_kind_to_string(rep.kind), mta=rep.mta, recipients=out)


def _as_bytes(msg: Union[email.message.Message, bytes, str]) -> bytes:
    if isinstance(msg, bytes):
        return msg
    if isinstance(msg, str):
        return msg.encode("utf-8", "surrogateescape")
    buf = io.BytesIO()
    # compat32 writes the message as parsed; no From-line mangling, no
    # refolding of the report's fields
    gen = email.generator.BytesGenerator(buf, mangle_from_=False, policy=email.policy.compat32)
    gen.flatten(msg)
    return buf.getvalue()


class Analyzer:
    """Rules loaded once, an analyzer per thread (the library's is not shared)."""

    def __init__(self, rules_dir: Optional[str] = None, evidence: bool = False):
        rules_dir = rules_dir or os.environ.get("BOUNCEKIT_RULES")
        if rules_dir:
            self.ruleset = Bouncekit.Ruleset.load_dir(rules_dir)
        else:
            self.ruleset = Bouncekit.Ruleset.new_default()
        self._evidence = evidence
        self._local = threading.local()

    def _analyzer(self):
        an = getattr(self._local, "analyzer", None)
        if an is None:
            an = Bouncekit.Analyzer.new(self.ruleset)
            an.set_evidence(self._evidence)
            self._local.analyzer = an
        return an

    def analyze(self, msg: Union[email.message.Message, bytes, str]) -> Report:
        """Analyse one message (an email.message.Message, or its bytes)."""
        data = _as_bytes(msg)
        rep = self._analyzer().analyze_bytes(data)
        return _report(rep)

    def scan_message(self, msg) -> set:
        return all_failures(msg, analyzer=self)[1]

    def scan_path(self, path: str) -> Iterator[tuple]:
        """Yield (source, index, Report or ReadError) for every message of a
        file, mbox, Maildir or directory tree; index counts inside an mbox
        from 1 and is None otherwise."""
        reader = Bouncekit.Reader.new(path)
        an = self._analyzer()
        while True:
            item = reader.next()
            if item is None:
                return
            index = item.index if item.index > 0 else None
            if item.message is None:
                yield item.source, index, ReadError(item.source, item.error.message if item.error else "unreadable")
            else:
                yield item.source, index, _report(an.analyze(item.message))


_default = None
_default_lock = threading.Lock()


def _default_analyzer() -> Analyzer:
    global _default
    with _default_lock:
        if _default is None:
            _default = Analyzer()
        return _default


def analyze(msg, analyzer: Optional[Analyzer] = None) -> Report:
    """The typed report of one message: its kind and every recipient."""
    return (analyzer or _default_analyzer()).analyze(msg)


def all_failures(msg, analyzer: Optional[Analyzer] = None) -> tuple:
    """(temporary, permanent): the failed addresses of ``msg`` as two sets
    of bytes, as flufl.bounce's ``all_failures``."""
    temporary, permanent = set(), set()
    for r in analyze(msg, analyzer).recipients:
        if r.recipient is None:
            continue
        if r.permanent:
            permanent.add(r.recipient.encode("utf-8"))
        elif r.temporary:
            temporary.add(r.recipient.encode("utf-8"))
    return temporary, permanent


def scan_message(msg, analyzer: Optional[Analyzer] = None) -> set:
    """The permanently failed addresses of ``msg`` (a set of bytes), as
    flufl.bounce's ``scan_message``."""
    return all_failures(msg, analyzer)[1]


def scan_path(path: str, analyzer: Optional[Analyzer] = None) -> Iterator[tuple]:
    """See :meth:`Analyzer.scan_path`."""
    return (analyzer or _default_analyzer()).scan_path(path)
