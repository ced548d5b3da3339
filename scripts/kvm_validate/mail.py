# SPDX-License-Identifier: GPL-2.0
"""Reading mail the way mail is written.

A file is an mbox (it starts with a "From " separator line), a single mail
(it starts with headers) or plain thread text (anything else).  An mbox is
split only at a "From " line that looks like a full separator (sender and a
date with a year) and is followed by a header line, so a reviewer's
unquoted "From me Mon Sep 22 ..." example in a body stays in its message;
mboxrd escapes (">From ", ">>From ") are undone.  Each mail is parsed with
Python's email package: MIME parts, base64 and quoted-printable transfer
encodings and the declared charset are decoded; the text parts (and
attached .patch/.diff files) become the body.
"""

import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Optional

# "From <sender> <asctime date>" as mbox writers and git format-patch put it
MBOX_FROM = re.compile(rb"^From \S+ +\S.*\b\d{4}\s*$")
HEADER = re.compile(rb"^[!-9;-~]+:")
MBOXRD_ESCAPE = re.compile(r"^>(>*From )")


@dataclass
class Mail:
    """One message (or the whole of a thread-text file), decoded."""
    source: str                 # the file it came from
    index: int                  # 1-based message number in the file
    subject: str
    lines: list[str]            # decoded body lines
    line0: Optional[int]        # file line of lines[0] when they map 1:1
    encoding: str = ""          # "base64", "quoted-printable", "multipart"
    is_mail: bool = True        # False: plain thread text, no headers
    count: int = 1              # messages in the file
    msgid: str = ""             # Message-ID, without <>
    thread: str = ""            # the thread's first message's id (or own)

    def where(self, i: int) -> str:
        """file:line of body line i, or the message and decoded line when
        the body was encoded (its lines are not the file's)."""
        if self.line0 is not None:
            return f"{self.source}:{self.line0 + i}"
        return (f"{self.source}: message {self.index} ({self.encoding}), "
                f"decoded line {i + 1}")


def split_mbox(raw: bytes) -> list[tuple[int, bytes]]:
    """(first line number, bytes) of each message: split at separator
    lines that follow a blank line (or start the file) and precede a
    header line."""
    lines = raw.split(b"\n")
    starts = []
    for i, ln in enumerate(lines):
        if MBOX_FROM.match(ln) and (i == 0 or not lines[i - 1].strip()) \
                and i + 1 < len(lines) and HEADER.match(lines[i + 1]):
            starts.append(i)
    if not starts or starts[0] != 0:
        starts = [0] + starts
    bounds = zip(starts, starts[1:] + [len(lines)])
    return [(lo + 1, b"\n".join(lines[lo:hi])) for lo, hi in bounds]


def _text(data: bytes, charset: Optional[str]) -> str:
    """data in its declared charset (UTF-8 when none, or one Python does
    not know)."""
    try:
        return data.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _decode(part: EmailMessage) -> str:
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    return _text(data, part.get_content_charset())


def _body_parts(msg: EmailMessage) -> list[EmailMessage]:
    """The text parts and attached patches, in order."""
    parts = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        name = (part.get_filename() or "").lower()
        if part.get_content_maintype() == "text" or \
                name.endswith((".patch", ".diff")):
            parts.append(part)
    return parts


def _lines(text: str) -> list[str]:
    lines = [ln.rstrip("\r") for ln in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def parse_message(source: str, index: int, first: int, data: bytes,
                  count: int) -> Mail:
    """One message: headers parsed, body decoded."""
    lines = data.split(b"\n")
    if lines and lines[0].startswith(b"From "):
        head, skip = lines[1:], 1
    else:
        head, skip = lines, 0
    block = head[:next((k for k, ln in enumerate(head) if not ln.strip()),
                       len(head))]
    if not head or not HEADER.match(head[0]) or (not skip and any(
            not HEADER.match(ln) and not ln[:1].isspace() for ln in block)):
        # (a file whose first line only looks like a header, quilt's
        # "Index: path" before its ===== line, is no mail either)
        # thread text (or a message without headers): the text as it is
        text = data.decode("utf-8", errors="replace")
        return Mail(source, index, "", _lines(text), first, "", False, count)
    raw = b"\n".join(head)
    msg = BytesParser(policy=email.policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    subject = " ".join(str(msg.get("subject", "")).split())
    parts = _body_parts(msg)
    cte = str(msg.get("content-transfer-encoding", "")).strip().lower()
    if not msg.is_multipart() and cte in ("", "7bit", "8bit", "binary"):
        # the body lines are the file's lines: keep their line numbers
        sep = next((k for k, ln in enumerate(head) if not ln.strip()),
                   len(head))
        body = b"\n".join(head[sep + 1:])
        text = _text(body, msg.get_content_charset()) if parts else ""
        line0: Optional[int] = first + skip + sep + 1
        enc = ""
    else:
        text = "\n".join(_decode(p) for p in parts)
        line0 = None
        enc = "multipart" if msg.is_multipart() else cte
    body_lines = _lines(text)
    if count > 1:
        body_lines = [MBOXRD_ESCAPE.sub(r"\1", ln) for ln in body_lines]
    msgid = _ids(msg, "message-id")
    # the thread: the root its References name first, else what it
    # replies to, else itself (patch 1 of a series without a cover letter)
    root = (_ids(msg, "references") + _ids(msg, "in-reply-to") + msgid)
    return Mail(source, index, subject, body_lines, line0, enc, True, count,
                msgid[0] if msgid else "", root[0] if root else "")


MSGID = re.compile(r"<([^<>\s]+)>")


def _ids(msg: EmailMessage, header: str) -> list[str]:
    """The message ids in a header, in order (malformed ones skipped)."""
    try:
        value = str(msg.get(header, "") or "")
    except (ValueError, TypeError, IndexError):
        return []       # a header the email package cannot even parse
    return MSGID.findall(value)


def read_mails(source: str, raw: bytes) -> list[Mail]:
    """The messages of one file, in file order."""
    chunks = split_mbox(raw) if raw.startswith(b"From ") else [(1, raw)]
    return [parse_message(source, k, first, data, len(chunks))
            for k, (first, data) in enumerate(chunks, 1)]
