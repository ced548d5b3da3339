# SPDX-License-Identifier: GPL-2.0
"""Mail and mbox inputs: MIME transfer encodings, charsets, attachments,
CRLF, cover letters, replies, `From ` lines in bodies, >From escaping,
series out of order, missing and duplicate [PATCH n/m].  The payload is
v14's S_CET bug, so a patch that vanishes on the way is a false PASS."""

import email
import email.policy
import mailbox
import os
import re
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from . import BAD_INPUT, OK, VIOLATION, case, kernel
from .gitdiff import both

SCET = r"S_CET EXCLUSION"


def split_mail(text):
    """(headers dict, commit message + diff) of a one-patch format-patch
    mail."""
    head, body = text.split("\n\n", 1)
    msg = email.message_from_string(text, policy=email.policy.default)
    return msg, body


def reencode(text, cte, charset="utf-8"):
    """The same mail with its body in another transfer encoding."""
    msg, body = split_mail(text)
    m = EmailMessage()
    for k in ("From", "Date", "Subject"):
        m[k] = msg[k]
    m.set_content(body, charset=charset, cte=cte)
    return (text.splitlines()[0] + "\n" +
            m.as_string(policy=email.policy.SMTP.clone(linesep="\n")))


@case("mail", VIOLATION, SCET)
def mail_base64(c):
    """the patch mailed base64-encoded (Content-Transfer-Encoding)"""
    p = c.write("b64.patch", reencode(c.violation_mail(), "base64"))
    return c.run("--patch", p)


@case("mail", VIOLATION, SCET)
def mail_quoted_printable(c):
    """the patch mailed quoted-printable (=09 tabs, soft line breaks)"""
    p = c.write("qp.patch", reencode(c.violation_mail(), "quoted-printable"))
    return c.run("--patch", p)


@case("mail", VIOLATION, SCET)
def mail_latin1_8bit(c):
    """an 8bit ISO-8859-1 mail (a latin-1 name in the commit message)"""
    text = c.violation_mail().replace(
        "A change made by the hostile suite.",
        "Reported-by: J\u00fcrgen M\u00fcller <jm@example.invalid>")
    msg, body = split_mail(text)
    head = (text.splitlines()[0] + "\nFrom: Hostile <h@example.invalid>\n"
            f"Subject: {msg['Subject']}\nMIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=ISO-8859-1\n"
            "Content-Transfer-Encoding: 8bit\n\n")
    p = c.write("latin1.patch", (head + body).encode("latin-1",
                                                     "surrogateescape"))
    return c.run("--patch", p)


@case("mail", VIOLATION, SCET)
def mail_encoded_subject(c):
    """an RFC 2047 encoded-word Subject: with non-ASCII"""
    text = reencode(c.violation_mail(
        subject="KVM: x86: S_CET \u2014 na\u00efve fix"), "8bit")
    p = c.write("subject.patch", text)
    return c.run("--patch", p)


@case("mail", VIOLATION, SCET)
def mail_attachment(c):
    """multipart/mixed: a note, the patch as a text/x-patch attachment"""
    msg, body = split_mail(c.violation_mail())
    m = MIMEMultipart()
    m["From"] = "Hostile <h@example.invalid>"
    m["Subject"] = msg["Subject"]
    m.attach(MIMEText("Patch attached, sorry for the attachment.\n"))
    att = MIMEText(body.split("\n---\n", 1)[1], "x-patch")
    att.add_header("Content-Disposition", "attachment",
                   filename="0001-scet.patch")
    m.attach(att)
    p = c.write("attach.eml", m.as_string())
    return c.run("--patch", p)


@case("mail", VIOLATION, SCET)
def mail_crlf(c):
    """the whole mail with CRLF line endings"""
    p = c.write("crlf.patch", c.violation_mail().replace("\n", "\r\n"))
    return c.run("--patch", p)


def two_patch_series(c, second=kernel.violation, cover=False):
    """A 2-patch series by git: a comment in __msr_io, then `second`."""
    r = c.repo()
    r.edit(kernel.X86, kernel.in_msr_io("/* series patch one */"))
    r.commit("KVM: x86: comment one")
    r.edit(kernel.X86, second)
    r.commit("KVM: x86: the second change")
    return r, r.series(*(["--cover-letter"] if cover else []))


def messages(mbox):
    """An mbox split at git's From_ lines (format-patch's own marker)."""
    return re.split(r"(?m)^(?=From [0-9a-f]{40} Mon Sep 17 00:00:00 2001$)",
                    mbox)[1:]


@case("mail", VIOLATION, SCET)
def mbox_series_base64_second(c):
    """an mbox whose patch 2/2 (the violation) is base64-encoded"""
    _, mbox = two_patch_series(c)
    m = messages(mbox)
    p = c.write("mixed.mbox", m[0] + reencode(m[1], "base64"))
    return c.run("--patch", p)


REPLY = """From reviewer@example.invalid Tue Sep 23 09:00:00 2025
From: Reviewer <reviewer@example.invalid>
Subject: Re: [PATCH 1/2] KVM: x86: comment one

An unquoted example of what I mean, as git would print it:

From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001
--- a/arch/x86/kvm/x86.c
+++ b/arch/x86/kvm/x86.c
@@ -1,1 +1,1 @@
-this line is not in the tree
+nor is this one

Thanks.
"""


@case("mail", OK)
def mbox_reply_with_from_line(c):
    """a good series + a reply whose unquoted body has a `From ` line and
    an example diff (must stay part of the reply)"""
    r = c.repo()
    r.edit(kernel.X86, kernel.in_msr_io("/* series patch one */"))
    r.commit("KVM: x86: comment one")
    r.edit(kernel.X86, lambda t: kernel.harmless(t, "two"))
    r.commit("KVM: x86: comment two")
    p = c.write("thread.mbox", r.series("--cover-letter") + "\n" + REPLY)
    return c.run("--patch", p)


@case("mail", OK)
def mbox_from_line_in_commit_message(c):
    """a commit message with a line starting `From ` + a date (unescaped,
    as git format-patch writes it)"""
    r = c.repo()
    r.edit(kernel.X86, kernel.in_msr_io("/* one */"))
    r.commit("KVM: x86: comment one", "Seen in a log:\n\nFrom host-a Mon "
             "Sep 22 10:00:00 2025\nthe host saw it.\n\nFrom now on, "
             "fixed.")
    r.edit(kernel.X86, lambda t: kernel.harmless(t, "two"))
    r.commit("KVM: x86: comment two")
    p = c.write("from.mbox", r.series())
    return c.run("--patch", p)


@case("mail", VIOLATION, SCET)
def mbox_mboxo_escaped(c):
    """a series written by Python's mailbox (>From escaping of body lines),
    a reply quoting the patch, then the violation as patch 2/2"""
    r, mbox = two_patch_series(c)
    path = os.path.join(c.dir, "escaped.mbox")
    box = mailbox.mbox(path)
    for k, m in enumerate(messages(mbox)):
        if k == 0:
            m = m.replace("A change made by the hostile suite.",
                          "From the SDM: S_CET is not XSAVE-managed.", 1)
        box.add(mailbox.mboxMessage(m))
        if k == 0:
            q = mailbox.mboxMessage(
                "From: R <r@example.invalid>\nSubject: Re: [PATCH 1/2] "
                "KVM: x86: comment one\n\n" +
                "".join("> " + ln + "\n" for ln in m.splitlines()[5:]))
            box.add(q)
    box.flush()
    box.close()
    return c.run("--patch", path)


@case("mail", OK)
def mbox_cover_replies_quoted(c):
    """cover letter, two good patches, replies quoting whole diffs"""
    r = c.repo()
    r.edit(kernel.X86, kernel.in_msr_io("/* one */"))
    r.commit("KVM: x86: comment one")
    r.edit(kernel.X86, lambda t: kernel.harmless(t, "two"))
    r.commit("KVM: x86: comment two")
    mbox = r.series("--cover-letter")
    for m in messages(mbox)[1:]:
        mbox += ("\nFrom r@example.invalid Tue Sep 23 09:00:00 2025\n"
                 "Subject: Re: " + re.search(r"Subject: (.*)", m).group(1) +
                 "\n\n" + "".join("> " + ln + "\n"
                                  for ln in m.splitlines()) + "\nAcked.\n")
    p = c.write("replies.mbox", mbox)
    return c.run("--patch", p)


@case("mail", OK, alt=(BAD_INPUT, r"(?i)\border\b"))
def mbox_out_of_order(c):
    """patch 2/2 before 1/2 in the mbox (2/2 depends on 1/2): put in
    [PATCH n/m] order, or refused with a hint about the order"""
    r = c.repo()
    r.edit(kernel.X86, kernel.in_msr_io("/* one */"))
    r.commit("KVM: x86: comment one")
    r.edit(kernel.X86, kernel.in_msr_io("/* two, on top of one */"))
    r.commit("KVM: x86: comment two")
    m = messages(r.series())
    p = c.write("swapped.mbox", m[1] + m[0])
    return c.run("--patch", p)


def three_patches(c):
    r = c.repo()
    for k in (1, 2, 3):
        r.edit(kernel.X86, lambda t, k=k: kernel.harmless(t, f"p{k}"))
        r.commit(f"KVM: x86: comment {k}")
    return messages(r.series())


@case("mail", BAD_INPUT, both("2/3", "(?i)missing"))
def mbox_missing_2_of_3(c):
    """[PATCH 1/3] and [PATCH 3/3] only: 2/3 missing must be named"""
    m = three_patches(c)
    p = c.write("hole.mbox", m[0] + m[2])
    return c.run("--patch", p)


@case("mail", BAD_INPUT, both("2/3", "(?i)duplicate|twice|more than once"))
def mbox_duplicate_2_of_3(c):
    """[PATCH 2/3] twice (a resend in the same mbox)"""
    m = three_patches(c)
    p = c.write("dup.mbox", m[0] + m[1] + m[1] + m[2])
    return c.run("--patch", p)


@case("mail", BAD_INPUT, r"(?i)no patch|cover")
def mbox_cover_letter_only(c):
    """only the [PATCH 0/2] cover letter"""
    _, mbox = two_patch_series(c, cover=True)
    p = c.write("cover.mbox", messages(mbox)[0])
    return c.run("--patch", p)


@case("mail", VIOLATION, SCET, alt=(BAD_INPUT, r"(?i)cover letter"))
def patch_files_with_cover_letter(c):
    """--patch 0*.patch: the cover letter file first, then 1/2, 2/2 (the
    violation): the cover letter is skipped (or refused with a hint)"""
    r, _ = two_patch_series(c)
    files = r.files(os.path.join(c.dir, "out"), "--cover-letter")
    return c.run(*[a for f in sorted(files) for a in ("--patch", f)])


@case("mail", VIOLATION, SCET)
def mbox_violation_in_patch_3(c):
    """a 3-patch series whose 3rd patch carries the violation"""
    r = c.repo()
    r.edit(kernel.X86, kernel.in_msr_io("/* one */"))
    r.commit("KVM: x86: comment one")
    r.edit(kernel.X86, lambda t: kernel.harmless(t, "two"))
    r.commit("KVM: x86: comment two")
    r.edit(kernel.X86, kernel.violation)
    r.commit("KVM: x86: S_CET")
    p = c.write("three.mbox", r.series())
    return c.run("--patch", p)


@case("mail", VIOLATION, SCET)
def mbox_many_replies(c):
    """200 replies (some with `From ` lines) after the violation patch"""
    mbox = c.violation_mail()
    for k in range(200):
        mbox += (f"\nFrom r{k}@example.invalid Tue Sep 23 09:00:00 2025\n"
                 f"Subject: Re: [PATCH] KVM: x86: treat S_CET as XSTATE\n\n"
                 f"> quoted\nFrom {k} Mon Sep 22 10:00:00 2025 it broke.\n")
    p = c.write("replies.mbox", mbox)
    return c.run("--patch", p)
