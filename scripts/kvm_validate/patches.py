# SPDX-License-Identifier: GPL-2.0
"""Reading the patches: git format-patch files, mbox series, thread text.

Each file is read as mail (mail.py).  In an mbox every message with a diff
is a patch, in file order; replies ("Re:") and cover letters (no diff, or
[PATCH 0/n]) are skipped with a note.  In thread text only the first
unquoted unified diff counts.  Each file's diff is checked hunk by hunk, so
a truncated or mangled patch is a BadInput naming the file and line.  Git's
extended diffs are kept whole: renames, copies, mode changes and
"GIT binary patch" blocks (reading goes on after them).  series() checks
the [PATCH n/m] numbering of the whole series.
"""

import os
import re
import select
import stat
from dataclasses import dataclass, field
from typing import Callable, Optional

from .errors import BadInput
from .mail import Mail, read_mails


@dataclass
class Hunk:
    line: str                   # where it starts in the input (file:line)
    body: list[str]


@dataclass
class FileDiff:
    """One file's part of a patch."""
    header: list[str] = field(default_factory=list)  # diff --git, index..
    old: Optional[str] = None   # "a/..." or /dev/null (the ---/+++ lines)
    new: Optional[str] = None
    hunks: list[Hunk] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)   # the whole clean diff
    binary: str = ""            # "git": a GIT binary patch; "stub": only
    #                             "Binary files ... differ" (not appliable)
    where: str = ""             # input location of its first line

    def _git_path(self, key: str) -> Optional[str]:
        for h in self.header:
            if h.startswith(key + " "):
                return h[len(key) + 1:].strip()
        return None

    def _git_names(self) -> tuple[str, str]:
        m = re.match(r"diff --git a/(\S+) b/(\S+)", self.header[0]) \
            if self.header else None
        return (m.group(1), m.group(2)) if m else ("?", "?")

    def path(self) -> str:
        """The tree-relative path (-p1) the diff writes."""
        for key in ("rename to", "copy to"):
            p = self._git_path(key)
            if p:
                return p
        p = self.new if self.new and self.new != "/dev/null" else self.old
        if p is None or p == "/dev/null":
            return self._git_names()[1]
        return strip1(p)

    def source_path(self) -> str:
        """The tree-relative path the diff reads (a rename's old name)."""
        for key in ("rename from", "copy from"):
            p = self._git_path(key)
            if p:
                return p
        p = self.old if self.old and self.old != "/dev/null" else None
        if p is None:
            return self._git_names()[0] if self.header else self.path()
        return strip1(p)

    def creates(self) -> bool:
        # diff -N writes a new file as a diff from an empty one: its one
        # hunk starts at -0,0
        return self.old == "/dev/null" or any(
            h.startswith("new file mode") for h in self.header) or (
            len(self.hunks) == 1 and not self.binary and
            self.hunks[0].body[0].startswith("@@ -0,0 "))

    def renames(self) -> bool:
        return self._git_path("rename from") is not None

    def copies(self) -> bool:
        return self._git_path("copy from") is not None

    def symlink(self) -> bool:
        """A mode 120000 (symlink) in the diff: never written."""
        return any(h.endswith(" 120000") or " 120000 " in h or
                   re.match(r"index \S+ 120000$", h) is not None
                   for h in self.header)

    def symlink_target(self) -> Optional[str]:
        """What a symlink the diff creates points to (its one + line)."""
        if not self.symlink():
            return None
        added = [ln[1:] for h in self.hunks for ln in h.body[1:]
                 if ln.startswith("+")]
        return added[0] if added else None

    def needs_git(self) -> bool:
        """What GNU patch cannot do: binary content, copies, symlinks."""
        return self.binary == "git" or self.copies() or self.symlink()


@dataclass
class Patch:
    source: str                 # the file it was read from
    subject: str
    files: list[FileDiff]
    first_line: str             # where its diff starts (file:line)
    part: Optional[int] = None  # message number in a multi-message file
    number: Optional[tuple[int, int]] = None    # [PATCH n/m]
    msgid: str = ""             # its Message-ID, when it came by mail
    thread: str = ""            # the id of its thread's first message

    def label(self) -> str:
        base = "stdin" if self.source == "-" else \
            os.path.basename(self.source)
        return f"{base}#{self.part}" if self.part else base


HUNK_RE = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
GIT_HEADER = ("index ", "new file mode", "deleted file mode", "old mode",
              "new mode", "similarity index", "dissimilarity index",
              "rename from", "rename to", "copy from", "copy to")
# Lines between the files of a non-git diff: the diff(1) command line of
# diff -urN / -Nru, its "Only in" and "Common subdirectories" notes, and
# quilt's (and svn's) Index: / ===== header
SEPARATOR_RE = re.compile(r"^(?:diff (?!--git )-?\S.*|Only in .+: .+|"
                          r"Common subdirectories: .+|Index: \S.*|={8,}\s*)$")
PLAIN_BINARY_RE = re.compile(r"^(?:Binary )?[Ff]iles (\S+) and (\S+) differ$")
NUMBER_RE = re.compile(r"\[[^]]*?\bPATCH\b[^]]*?\b(\d+)/(\d+)\s*\]", re.I)
Where = Callable[[int], str]


def strip1(p: str) -> str:
    """A ---/+++ path with its first component stripped (-p1), as GNU
    patch does; an absolute path is kept whole, for confine() to refuse."""
    if p.startswith("/"):
        return p
    return p.split("/", 1)[1] if "/" in p else p


def _path_of(line: str) -> str:
    return line[4:].split("\t")[0].strip()


def _binary_block(lines: list[str], i: int, fd: FileDiff, where: Where
                  ) -> int:
    """Skip a GIT binary patch starting at lines[i] ("GIT binary patch"):
    one or two "literal N" / "delta N" blocks of base85 lines, each ended
    by a blank line.  Returns the index after it."""
    n = len(lines)
    i += 1
    blocks = 0
    while i < n and re.match(r"^(literal|delta) \d+$", lines[i]):
        i += 1
        while i < n and lines[i] != "":
            if not re.match(r"^[A-Za-z][0-9A-Za-z!#$%&()*+;<=>?@^_`{|}~-]*$",
                            lines[i]):
                raise BadInput(f"{where(i)}: GIT binary patch of "
                               f"{fd.path()} is mangled (line "
                               f"{lines[i][:40]!r})")
            i += 1
        i += 1                  # the blank line ending the block
        blocks += 1
    if not blocks:
        raise BadInput(f"{where(i)}: GIT binary patch of {fd.path()} has "
                       "no literal/delta block")
    return min(i, n)


def _hunk(lines: list[str], i: int, fd: FileDiff, where: Where
          ) -> tuple[Hunk, int]:
    n = len(lines)
    m = HUNK_RE.match(lines[i])
    k = len(fd.hunks) + 1
    if not m:
        raise BadInput(f"{where(i)}: malformed hunk header for "
                       f"{fd.path()}: {lines[i]!r}")
    old = int(m.group(2)) if m.group(2) is not None else 1
    new = int(m.group(4)) if m.group(4) is not None else 1
    hstart = i
    body = [lines[i]]
    i += 1
    while old > 0 or new > 0:
        if i >= n:
            raise BadInput(f"{where(hstart)}: hunk #{k} of {fd.path()} is "
                           "truncated (the message ends)")
        ln = lines[i]
        c = ln[:1]
        if c in (" ", ""):
            old, new = old - 1, new - 1
            ln = ln if ln else " "
        elif c == "-":
            old -= 1
        elif c == "+":
            new -= 1
        elif c != "\\":
            raise BadInput(f"{where(i)}: hunk #{k} of {fd.path()} is "
                           f"truncated or mangled (line {ln[:40]!r} inside "
                           "the hunk)")
        if old < 0 or new < 0:
            raise BadInput(f"{where(hstart)}: hunk #{k} of {fd.path()}: "
                           "line counts do not match its header")
        body.append(ln)
        i += 1
    if i < n and lines[i].startswith("\\"):
        body.append(lines[i])
        i += 1
    return Hunk(where(hstart), body), i


def parse_diff(lines: list[str], start: int, where: Where
               ) -> tuple[list[FileDiff], int]:
    """Parse the unified diff that starts at lines[start] (unquoted);
    return (files, end).  Parsing stops at the first line that is neither a
    diff header nor inside a hunk: signatures, replies and quoted text end
    it."""
    files = []
    i, n = start, len(lines)
    while i < n:
        line = lines[i]
        if SEPARATOR_RE.match(line):
            i += 1
            continue
        fd = FileDiff(where=where(i))
        b = PLAIN_BINARY_RE.match(line)
        if b:
            # diff -r's note for a binary file: no data, like git's stub
            fd.old, fd.new = b.group(1), b.group(2)
            fd.binary = "stub"
            fd.lines = [line]
            files.append(fd)
            i += 1
            continue
        if line.startswith("diff --git "):
            fd.header.append(line)
            i += 1
            while i < n and lines[i].startswith(GIT_HEADER):
                fd.header.append(lines[i])
                i += 1
            if i < n and lines[i].startswith("Binary files "):
                fd.binary = "stub"
                fd.lines = fd.header + [lines[i]]
                files.append(fd)
                i += 1
                continue
            if i < n and lines[i] == "GIT binary patch":
                j = _binary_block(lines, i, fd, where)
                fd.binary = "git"
                fd.lines = fd.header + lines[i:j]
                files.append(fd)
                i = j
                continue
        if i + 1 < n and lines[i].startswith("--- ") and \
                lines[i + 1].startswith("+++ "):
            fd.old, fd.new = _path_of(lines[i]), _path_of(lines[i + 1])
            i += 2
        elif not fd.header:
            break
        fd.lines = fd.header + ([f"--- {fd.old}", f"+++ {fd.new}"]
                                if fd.old else [])
        while i < n and lines[i].startswith("@@ "):
            h, i = _hunk(lines, i, fd, where)
            fd.hunks.append(h)
            fd.lines += h.body
        if not fd.hunks and not any(h.startswith(
                ("rename", "copy", "new file", "deleted file", "old mode"))
                for h in fd.header):
            if fd.old is None:
                break           # a lone "diff --git" line in prose
            raise BadInput(f"{where(i)}: diff of {fd.path()} has no hunk")
        files.append(fd)
    return files, i


def find_diff_start(lines: list[str]) -> Optional[int]:
    """The first unquoted diff: a "diff --git" line, or ---/+++/@@."""
    n = len(lines)
    for i, ln in enumerate(lines):
        if ln.startswith("diff --git "):
            return i
        if ln.startswith("--- ") and i + 2 < n and \
                lines[i + 1].startswith("+++ ") and \
                lines[i + 2].startswith("@@ "):
            return i
    return None


def thread_subject(m: Mail) -> str:
    """The Subject: of a mail, or the first [PATCH ...] line of thread
    text."""
    if m.subject:
        return m.subject
    for ln in m.lines[:20]:
        if re.match(r"^(Re: *)?\[PATCH", ln):
            return ln.strip()
    return ""


def patch_number(subject: str) -> Optional[tuple[int, int]]:
    m = NUMBER_RE.search(subject)
    return (int(m.group(1)), int(m.group(2))) if m else None


def is_reply(subject: str) -> bool:
    return re.match(r"^\s*(re|aw|sv)\s*:", subject, re.I) is not None


MAX_PATCH_BYTES = 64 << 20     # no series is this big; /dev/zero is
FIFO_QUIET = 10                 # seconds a pipe may stay silent


def read_file(path: str) -> bytes:
    """A patch file's bytes.  A pipe or character device (/dev/stdin,
    <(git format-patch ...)) is read until EOF, but never waited on for
    more than FIFO_QUIET seconds of silence, nor past MAX_PATCH_BYTES.
    "-" is standard input."""
    if path == "-":
        path = "/dev/stdin"
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise BadInput(f"{path}: is a directory, not a patch")
        if stat.S_ISREG(st.st_mode):
            if st.st_size > MAX_PATCH_BYTES:
                raise BadInput(f"{path}: {st.st_size} bytes, too large "
                               f"for a patch series (limit "
                               f"{MAX_PATCH_BYTES >> 20} MiB)")
            with open(path, "rb") as f:
                return f.read(MAX_PATCH_BYTES + 1)
        if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
            return _read_stream(path)
        raise BadInput(f"{path}: not a regular file, pipe or character "
                       "device")
    except OSError as e:
        raise BadInput(f"{path}: cannot read the patch: {e.strerror}")


def _read_stream(path: str) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        poll = select.poll()
        poll.register(fd, select.POLLIN | select.POLLHUP)
        data = bytearray()
        while True:
            if not poll.poll(FIFO_QUIET * 1000):
                raise BadInput(f"{path}: a FIFO or device nobody wrote to "
                               f"for {FIFO_QUIET} s; give a regular file")
            try:
                b = os.read(fd, 1 << 20)
            except BlockingIOError:
                continue
            if not b:
                return bytes(data)
            data += b
            if len(data) > MAX_PATCH_BYTES:
                raise BadInput(f"{path}: more than {MAX_PATCH_BYTES >> 20} "
                               "MiB, too large for a patch series")
    finally:
        os.close(fd)


BASE_COMMIT = re.compile(r"^base-commit:\s*([0-9a-f]{7,64})\s*$")


def parse_patch_file(path: str, notes: Optional[list[str]] = None,
                     bases: Optional[list[str]] = None) -> list[Patch]:
    """The patches in one file: a git format-patch file, an mbox holding a
    series (in file order; replies and cover letters skipped, with a note)
    or thread text with quoted replies (its first unquoted diff).  The
    `base-commit:` trailers it holds (git format-patch --base, b4) are
    appended to bases."""
    notes = notes if notes is not None else []
    raw = read_file(path)
    if not raw.strip():
        raise BadInput(f"{path}: empty file, no patch in it")
    if b"\0" in raw[:8192]:
        raise BadInput(f"{path}: binary file, not a patch")
    mails = read_mails(path, raw)
    patches = []
    base = "stdin" if path == "-" else os.path.basename(path)
    for m in mails:
        subj = thread_subject(m)
        num = patch_number(subj)
        if m.count > 1 and is_reply(subj):
            continue            # a reply in an mbox thread
        if bases is not None:
            bases += [b.group(1) for b in map(BASE_COMMIT.match, m.lines)
                      if b and b.group(1) not in bases]
        d = find_diff_start(m.lines)
        cover = (num is not None and num[0] == 0) or \
            re.match(r"^0+-cover-letter", base) is not None
        if d is None or cover:
            if cover or (m.count > 1 and num is not None):
                notes.append(f"cover letter skipped: {base}"
                             + (f" message {m.index}" if m.count > 1 else "")
                             + (f" ({subj[:60]})" if subj else ""))
            continue
        files, end = parse_diff(m.lines, d, m.where)
        # a mail holding several diffs (a second after prose, a scissors
        # line or a signature): every one of them, in order
        while end < len(m.lines):
            nxt = find_diff_start(m.lines[end:])
            if nxt is None:
                break
            more, end = parse_diff(m.lines, end + nxt, m.where)
            if not more:
                end += nxt + 1
            files += more
        check_complete(m, d, files, path)
        if files:
            patches.append(Patch(path, subj, files, m.where(d),
                                 m.index if m.count > 1 else None, num,
                                 m.msgid, m.thread))
    if not patches:
        if cover:
            return []           # a cover letter given with --patch 0*.patch
        raise BadInput(f"{path}: no patch found (no unquoted unified diff "
                       "in it)")
    return patches


def check_complete(m: Mail, start: int, files: list[FileDiff],
                   path: str) -> None:
    """Cross-check the reading against the text, independently of the
    parser: every unquoted hunk header and +++ line from the first diff
    on must belong to a file diff read.  What was not read is bad input
    (exit 2), never a silent PASS of part of a patch."""
    read = {fd.where for fd in files} | {h.line for fd in files
                                        for h in fd.hunks}
    hunks = sum(len(fd.hunks) for fd in files)
    seen = [(i, ln) for i, ln in enumerate(m.lines[start:], start)
            if HUNK_RE.match(ln)]
    if len(seen) > hunks:
        lost = [m.where(i) for i, _ in seen if m.where(i) not in read]
        raise BadInput(f"{path}: {len(seen) - hunks} hunk(s) of the diff "
                       "could not be read as part of it"
                       + (f", first at {lost[0]}" if lost else ""),
                       "validate reads git format-patch, git diff, diff -u/"
                       "-urN/-Nru, quilt and several diffs in one mail; "
                       "check the patch is not mangled (a hunk after text "
                       "that is neither a diff header nor part of a hunk)")


def _span(a: int, b: int) -> str:
    return f"patch {a}" if a == b else f"patches {a}-{b}"


def check_numbering(patches: list[Patch], notes: list[str]) -> list[Patch]:
    """[PATCH n/m] of the series: a duplicate, a gap or a mixed total is a
    BadInput; out of order is put in order with a note; patches missing
    at the end get a note (a prefix of a series is a fair thing to
    check).  Unnumbered patches are taken in the order given."""
    nums = [p.number for p in patches]
    if not patches or any(n is None for n in nums):
        return patches
    numbered = [(p.number, p) for p in patches if p.number]
    totals = sorted({n[1] for n, _ in numbered})
    if len(totals) > 1:
        raise BadInput("the series mixes patches of different series: "
                       + ", ".join(f"{p.label()} is [PATCH {n[0]}/{n[1]}]"
                                   for n, p in numbered))
    seen: dict[int, Patch] = {}
    for n, p in numbered:
        if n[0] in seen:
            raise BadInput(f"[PATCH {n[0]}/{n[1]}] is given twice: "
                           f"{seen[n[0]].label()} and {p.label()}")
        seen[n[0]] = p
    total = totals[0]
    have = sorted(seen)
    gaps = [k for k in range(have[0], have[-1]) if k not in seen]
    if gaps:
        raise BadInput(
            f"[PATCH {gaps[0]}/{total}] is missing from the series "
            f"(have {', '.join(str(k) for k in have)} of {total}): each "
            "prefix is checked, so a gap would test code that never "
            "existed")
    if have[0] > 1:
        notes.append(f"{_span(1, have[0] - 1)} of {total} not given: the "
                     "tree must already have them")
    out = [seen[k] for k in have]
    if out != patches:
        notes.append("patches reordered by their [PATCH n/m] numbers: "
                     + ", ".join(p.label() for p in out))
    if have[-1] < total:
        notes.append(f"{_span(have[-1] + 1, total)} of {total} not given; "
                     f"checked up to {have[-1]}")
    return out


def read_series(paths: list[str], notes: list[str],
                bases: Optional[list[str]] = None) -> list[Patch]:
    """Every --patch file in order, numbering checked; their base-commit:
    trailers appended to bases."""
    patches: list[Patch] = []
    for p in paths:
        patches += parse_patch_file(p, notes, bases)
    if paths and not patches:
        raise BadInput(f"no patch in {', '.join(paths)}: only a cover "
                       "letter; give the patches too (--patch 0*.patch)")
    return check_numbering(patches, notes)
