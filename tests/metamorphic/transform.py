#!/usr/bin/env python3
"""The ways a bounce is changed on its way to a list operator, as functions
from the bytes of a message to the bytes of the travelled message.

Header edits work on the raw header block (so that nothing else of the
message is re-serialised); MIME edits go through Python's email package
(compat32, no re-folding). Every transform keeps what a correct analyzer
reads: the recipients, their class and reason must not change.
"""
import base64, email, email.generator, email.policy, io, quopri, re

def split(raw):
    """(header lines with their folds, separator, body)"""
    m = re.search(rb"\r?\n\r?\n", raw)
    if not m:
        return raw, b"\n\n", b""
    return raw[:m.start()], raw[m.start():m.end()], raw[m.end():]

def fields(head):
    """the header block as a list of whole fields (folds kept)"""
    out = []
    for line in re.split(rb"(?<=\n)", head):
        if line[:1] in (b" ", b"\t") and out:
            out[-1] += line
        elif line:
            out.append(line)
    if out and not out[-1].endswith(b"\n"):
        out[-1] += b"\n"
    return out

def field_name(f):
    return f.split(b":", 1)[0].strip().lower()

def edit_headers(raw, drop=(), add_top=(), add_bottom=(), subject=None):
    if b"\n" not in raw:
        raw = lf(raw)      # CR-only line ends: edited as LF
    head, sep, body = split(raw)
    nl = b"\r\n" if b"\r\n" in sep else b"\n"
    fs = [f for f in fields(head) if field_name(f) not in drop]
    if subject is not None:
        found = False
        for i, f in enumerate(fs):
            if field_name(f) == b"subject":
                value = f.split(b":", 1)[1].lstrip(b" ")
                fs[i] = b"Subject: " + subject + value
                found = True
        if not found:
            fs.append(b"Subject: " + subject.rstrip() + nl)
    fs = [h + nl for h in add_top] + fs + [h + nl for h in add_bottom]
    return b"".join(fs).rstrip(b"\r\n") + sep + body

def header(raw, name):
    head, _, _ = split(raw)
    for f in fields(head):
        if field_name(f) == name.lower().encode():
            return re.sub(rb"\s+", b" ", f.split(b":", 1)[1]).strip()
    return b""

def lf(raw):
    return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")

# ---- transforms ------------------------------------------------------------

LIST_TOP = [b"Return-Path: <announce-bounces@lists.example.org>"]
LIST_BOTTOM = [
    b"X-BeenThere: announce@lists.example.org",
    b"List-Id: Example announcements <announce.lists.example.org>",
    b"List-Unsubscribe: <https://lists.example.org/leave/announce>,",
    b" <mailto:announce-leave@lists.example.org>",
    b"List-Archive: <https://lists.example.org/archive/announce/>",
    b"List-Post: <mailto:announce@lists.example.org>",
    b"Precedence: list",
    b"Errors-To: announce-owner@lists.example.org",
    b"Sender: \"announce\" <announce-bounces@lists.example.org>",
]

def relay_list(raw):
    """relayed through a list's owner address, as a list archive keeps it"""
    raw = lf(raw)
    head, sep, body = split(raw)
    # the List-Unsubscribe continuation line belongs to its field
    bottom = [b"\n".join(LIST_BOTTOM[2:4])] + LIST_BOTTOM[:2] + LIST_BOTTOM[4:]
    return edit_headers(raw, drop=(b"return-path", b"auto-submitted", b"sender", b"errors-to", b"precedence"),
                        add_top=LIST_TOP, add_bottom=bottom)

def strip_transport(raw):
    """transport and automation headers removed by a relay or an archive"""
    return edit_headers(raw, drop=(b"return-path", b"received", b"delivered-to", b"x-original-to",
                                   b"auto-submitted", b"dkim-signature", b"arc-seal",
                                   b"arc-message-signature", b"arc-authentication-results",
                                   b"authentication-results", b"x-received"))

def spam_tag(raw):
    """the subject tagged by a spam filter on the way"""
    return edit_headers(raw, subject=b"[SPAM] ")

def crlf(raw):
    return lf(raw).replace(b"\n", b"\r\n")

def cr(raw):
    return lf(raw).replace(b"\n", b"\r")

FROM_LINE = re.compile(rb"(?m)^From [^\n]*\n")

def per_message(fn):
    """@fn applied to each message of an mbox file (a corpus file may hold
    several), each keeping its From_ line; a lone message as it is"""
    def apply(raw):
        text = lf(raw)
        starts = [m.start() for m in FROM_LINE.finditer(text)]
        if not starts or starts[0] != 0 or len(starts) < 2:
            return fn(raw)
        pieces, changed = [], False
        for a, b in zip(starts, starts[1:] + [len(text)]):
            line_end = text.index(b"\n", a) + 1
            out = fn(text[line_end:b])
            changed |= out is not None
            pieces.append(text[a:line_end] + (lf(out) if out is not None else text[line_end:b]))
        return b"".join(p if p.endswith(b"\n\n") else p.rstrip(b"\n") + b"\n\n" for p in pieces) if changed else None
    apply.__doc__ = fn.__doc__
    return apply

def mbox(raw):
    """one message of an mbox: a From_ line, >From quoting (a file that is
    an mbox already is left alone)"""
    if raw.startswith(b"From "):
        return None
    body = re.sub(rb"(?m)^(>*From )", rb">\1", lf(raw))
    return b"From MAILER-DAEMON  Mon Dec  7 10:00:00 2026\n" + body + (b"" if body.endswith(b"\n") else b"\n") + b"\n"

def parse(raw):
    return email.message_from_bytes(lf(raw), policy=email.policy.compat32)

def serialise(msg):
    fp = io.BytesIO()
    email.generator.BytesGenerator(fp, mangle_from_=False, maxheaderlen=0).flatten(msg)
    return fp.getvalue()

RETURNED = {"message/rfc822", "message/global", "text/rfc822-headers", "message/rfc822-headers",
            "message/global-headers"}

def no_returned(raw):
    """the returned message removed (a size limit, a privacy filter). Not
    from a complaint (ARF, RFC 5965): its third part is required, it is
    what the complaint is about, and the complained-of address is often
    nowhere else; without it the report is broken, not travelled."""
    msg = parse(raw)
    if not msg.is_multipart() or msg.get_param("report-type", "").lower() == "feedback-report":
        return None
    changed = False
    for part in msg.walk():
        if part.is_multipart() and isinstance(part.get_payload(), list):
            keep = [p for p in part.get_payload() if p.get_content_type() not in RETURNED]
            if len(keep) != len(part.get_payload()) and keep:
                part.set_payload(keep)
                changed = True
    return serialise(msg) if changed else None

def text_leaves(msg):
    """text parts outside the returned message"""
    def walk(part, inside):
        ctype = part.get_content_type()
        if part.is_multipart() and isinstance(part.get_payload(), list):
            for p in part.get_payload():
                yield from walk(p, inside or ctype in RETURNED)
        elif part.get_content_maintype() == "text" and not inside and ctype not in RETURNED:
            yield part
    yield from walk(msg, False)

def reencode(raw, how):
    msg = parse(raw)
    changed = False
    for part in text_leaves(msg):
        data = part.get_payload(decode=True)
        if data is None:
            continue
        if how == "charset":
            cs = (part.get_content_charset() or "us-ascii").lower()
            try:
                text = data.decode(cs)
            except (LookupError, UnicodeDecodeError):
                continue
            target = "utf-8" if cs not in ("utf-8", "utf8") else "utf-16"
            if target == "utf-16":
                # a legacy charset that holds the text, else UTF-8 as it was
                for t in ("iso-8859-1", "iso-8859-15", "windows-1251", "shift_jis", "gb18030"):
                    try:
                        text.encode(t)
                        target = t
                        break
                    except UnicodeEncodeError:
                        pass
                if target == "utf-16":
                    continue
            data = text.encode(target)
            part.set_param("charset", target)
            how_cte = "base64"
        else:
            how_cte = how
        del part["Content-Transfer-Encoding"]
        if how_cte == "base64":
            part["Content-Transfer-Encoding"] = "base64"
            part.set_payload(base64.encodebytes(data).decode("ascii"))
        else:
            part["Content-Transfer-Encoding"] = "quoted-printable"
            part.set_payload(quopri.encodestring(data).decode("ascii"))
        changed = True
    return serialise(msg) if changed else None

def base64_text(raw):
    return reencode(raw, "base64")

def qp_text(raw):
    return reencode(raw, "quoted-printable")

def other_charset(raw):
    return reencode(raw, "charset")

FWD_HEAD = (b"From: Dana Admin <dana.admin@example.net>\n"
            b"To: Lists Team <lists-team@example.net>\n"
            b"Date: Mon, 7 Dec 2026 10:15:00 +0000\n"
            b"Message-ID: <fwd-%d@mua.example.net>\n"
            b"MIME-Version: 1.0\n")

def forward_attached(raw):
    """a person forwards the bounce as an attachment"""
    raw = lf(raw)
    subject = header(raw, "Subject")
    b = b"fwd-boundary-7Qx2"
    return (FWD_HEAD % (len(raw)) + b"Subject: Fwd: " + subject + b"\n"
            b"Content-Type: multipart/mixed; boundary=\"" + b + b"\"\n\n"
            b"--" + b + b"\nContent-Type: text/plain; charset=utf-8\n\n"
            b"Forwarding this one for the list records.\n\n"
            b"--" + b + b"\nContent-Type: message/rfc822\nContent-Disposition: attachment\n\n"
            + raw.rstrip(b"\n") + b"\n\n--" + b + b"--\n")

def readable(msg):
    """the human-readable text of a message and its other parts"""
    texts, others = [], []
    if not msg.is_multipart():
        data = msg.get_payload(decode=True) or b""
        return [data.decode(msg.get_content_charset() or "utf-8", "replace")], []
    def walk(part):
        ctype = part.get_content_type()
        if ctype.startswith("multipart/") and isinstance(part.get_payload(), list):
            if ctype == "multipart/alternative":
                subs = part.get_payload()
                plain = [p for p in subs if p.get_content_type() == "text/plain"]
                walk(plain[0] if plain else subs[0])
                return
            for p in part.get_payload():
                walk(p)
        elif ctype == "text/plain" or (part.get("Content-Type") or "").strip().lower().startswith("text/plain"):
            # a malformed parameter list ("text/plain\n   charset=...")
            # still shows as text in a mail program
            data = part.get_payload(decode=True) or b""
            texts.append(data.decode(part.get_content_charset() or "utf-8", "replace"))
        else:
            others.append(part)
    walk(msg)
    return texts, others

def forward_inline(raw, quote=False):
    """a person forwards the bounce inline (Gmail's '---------- Forwarded
    message ---------'), or quoted (Apple Mail's 'Begin forwarded message:'
    with every line behind '> '); other parts stay attachments"""
    raw = lf(raw)
    msg = parse(raw)
    texts, others = readable(msg)
    if not texts:
        return None
    h = {k: header(raw, k).decode("utf-8", "replace") for k in ("From", "Date", "Subject", "To")}
    if quote:
        lines = [f"From: {h['From']}", f"Subject: {h['Subject']}", f"Date: {h['Date']}", f"To: {h['To']}", ""]
        lines += "\n".join(texts).split("\n")
        block = "Begin forwarded message:\n\n" + "\n".join(("> " + l) if l else ">" for l in lines)
    else:
        block = ("---------- Forwarded message ---------\n"
                 f"From: {h['From']}\nDate: {h['Date']}\nSubject: {h['Subject']}\nTo: {h['To']}\n\n"
                 + "\n".join(texts))
    text = "What should we do with this one?\n\n" + block + "\n"
    head = FWD_HEAD % len(raw) + b"Subject: Fwd: " + header(raw, "Subject") + b"\n"
    if not others:
        return (head + b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
                + text.encode("utf-8"))
    b = b"fwd-inline-9Lk3"
    out = head + b"Content-Type: multipart/mixed; boundary=\"" + b + b"\"\n\n--" + b + \
        b"\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + text.encode("utf-8")
    for p in others:
        out += b"\n--" + b + b"\n" + serialise(p)
    return out + b"\n--" + b + b"--\n"

def forward_quoted(raw):
    return forward_inline(raw, quote=True)

TRANSFORMS = {
    "relay-list": per_message(relay_list),
    "strip-transport": per_message(strip_transport),
    "spam-tag": per_message(spam_tag),
    "base64": per_message(base64_text),
    "quoted-printable": per_message(qp_text),
    "charset": per_message(other_charset),
    "no-returned": per_message(no_returned),
    "forward-attached": per_message(forward_attached),
    "forward-inline": per_message(forward_inline),
    "forward-quoted": per_message(forward_quoted),
    "crlf": crlf,
    "cr": cr,
    "mbox": mbox,
}
