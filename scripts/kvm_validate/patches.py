# SPDX-License-Identifier: GPL-2.0
"""Reading the patches: git format-patch files, mbox series, thread text.

An mbox is split into its messages in file order (replies and cover letters
skipped); in thread text only the first unquoted unified diff counts.  Each
file's diff is checked hunk by hunk, so a truncated or mangled patch is a
BadInput naming the file and line.
"""

import os
import re

from .errors import BadInput


class FileDiff:
    def __init__(self):
        self.header = []        # diff --git / index / mode lines
        self.old = None         # "a/..." or /dev/null
        self.new = None
        self.hunks = []         # (input line number, [lines])
        self.lines = []         # the whole clean text of this file's diff

    def path(self):
        """The tree-relative path (-p1) the diff applies to."""
        p = self.new if self.new and self.new != "/dev/null" else self.old
        if p is None:
            m = re.match(r"diff --git a/(\S+) b/(\S+)", self.header[0])
            return m.group(2) if m else "?"
        return p.split("/", 1)[1] if "/" in p else p

    def creates(self):
        return self.old == "/dev/null" or any(
            h.startswith("new file mode") for h in self.header)


class Patch:
    def __init__(self, source, subject, files, first_line):
        self.source = source
        self.subject = subject
        self.files = files
        self.first_line = first_line

    def label(self):
        return os.path.basename(self.source)


HUNK_RE = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
GIT_HEADER = ("index ", "new file mode", "deleted file mode", "old mode",
              "new mode", "similarity index", "dissimilarity index",
              "rename from", "rename to", "copy from", "copy to")


def _path_of(line):
    return line[4:].split("\t")[0].strip()


def parse_diff(lines, start, src):
    """Parse the unified diff that starts at lines[start] (unquoted); return
    (files, end).  Parsing stops at the first line that is neither a diff
    header nor inside a hunk: signatures, replies and quoted text end it."""
    files = []
    i, n = start, len(lines)
    while i < n:
        line = lines[i]
        fd = FileDiff()
        if line.startswith("diff --git "):
            fd.header.append(line)
            i += 1
            while i < n and lines[i].startswith(GIT_HEADER):
                fd.header.append(lines[i])
                i += 1
            if i < n and lines[i].startswith("Binary files"):
                raise BadInput(f"{src}:{i + 1}: binary diff for "
                               f"{fd.path()}: not supported")
        if i + 1 < n and lines[i].startswith("--- ") and \
                lines[i + 1].startswith("+++ "):
            fd.old, fd.new = _path_of(lines[i]), _path_of(lines[i + 1])
            i += 2
        elif not fd.header:
            break
        fd.lines = fd.header + ([f"--- {fd.old}", f"+++ {fd.new}"]
                                if fd.old else [])
        while i < n and lines[i].startswith("@@ "):
            m = HUNK_RE.match(lines[i])
            if not m:
                raise BadInput(f"{src}:{i + 1}: malformed hunk header "
                               f"for {fd.path()}: {lines[i]!r}")
            old = int(m.group(2)) if m.group(2) is not None else 1
            new = int(m.group(4)) if m.group(4) is not None else 1
            hstart = i
            body = [lines[i]]
            i += 1
            while old > 0 or new > 0:
                if i >= n:
                    raise BadInput(
                        f"{src}:{hstart + 1}: hunk #{len(fd.hunks) + 1} of "
                        f"{fd.path()} is truncated (file ends)")
                ln = lines[i]
                c = ln[:1]
                if c in (" ", ""):
                    old, new = old - 1, new - 1
                    ln = ln if ln else " "
                elif c == "-":
                    old -= 1
                elif c == "+":
                    new -= 1
                elif c == "\\":
                    pass
                else:
                    raise BadInput(
                        f"{src}:{i + 1}: hunk #{len(fd.hunks) + 1} of "
                        f"{fd.path()} is truncated or mangled (line "
                        f"{ln[:40]!r} inside the hunk)")
                if old < 0 or new < 0:
                    raise BadInput(
                        f"{src}:{hstart + 1}: hunk #{len(fd.hunks) + 1} of "
                        f"{fd.path()}: line counts do not match its header")
                body.append(ln)
                i += 1
            if i < n and lines[i].startswith("\\"):
                body.append(lines[i])
                i += 1
            fd.hunks.append((hstart + 1, body))
            fd.lines += body
        if not fd.hunks and not any(h.startswith(("rename", "new file",
                                                  "deleted file", "old mode"))
                                    for h in fd.header):
            if fd.old is None:
                break           # a lone "diff --git" line in prose
            raise BadInput(f"{src}:{i + 1}: diff of {fd.path()} has no hunk")
        files.append(fd)
    return files, i


def _find_diff_start(lines, lo, hi):
    for i in range(lo, hi):
        ln = lines[i]
        if ln.startswith("diff --git "):
            return i
        if ln.startswith("--- ") and i + 2 < hi and \
                lines[i + 1].startswith("+++ ") and \
                lines[i + 2].startswith("@@ "):
            return i
    return None


MBOX_FROM = re.compile(r"^From \S+ .*\d{4}\s*$")


def _subject(lines, lo, hi):
    """Subject: header (folded) of the message at lines[lo:hi], or the
    first [PATCH ...] line of thread text."""
    for i in range(lo, hi):
        ln = lines[i]
        if ln == "" and i > lo:
            break
        if ln.lower().startswith("subject:"):
            s = ln[8:].strip()
            j = i + 1
            while j < hi and lines[j][:1] in (" ", "\t") and lines[j].strip():
                s += " " + lines[j].strip()
                j += 1
            return s
    for i in range(lo, min(hi, lo + 20)):
        if re.match(r"^(Re: *)?\[PATCH", lines[i]):
            return lines[i].strip()
    return ""


def parse_patch_file(path):
    """The patches in one file: a git format-patch file, an mbox holding a
    series (split in file order; replies and cover letters skipped), or
    thread text with quoted replies (its first unquoted diff)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise BadInput(f"{path}: cannot read the patch: {e.strerror}")
    if not raw.strip():
        raise BadInput(f"{path}: empty file, no patch in it")
    if b"\0" in raw[:8192]:
        raise BadInput(f"{path}: binary file, not a patch")
    text = raw.decode("utf-8", errors="replace")
    lines = [ln.rstrip("\r") for ln in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    starts = [i for i, ln in enumerate(lines) if MBOX_FROM.match(ln)]
    if not starts or starts[0] != 0:
        starts = [0] + starts
    bounds = list(zip(starts, starts[1:] + [len(lines)]))
    patches = []
    for lo, hi in bounds:
        subj = _subject(lines, lo, hi)
        if len(bounds) > 1 and re.match(r"^re:", subj, re.I):
            continue            # a reply in an mbox thread
        d = _find_diff_start(lines, lo, hi)
        if d is None:
            continue            # a cover letter, or prose
        files, _ = parse_diff(lines[:hi], d, path)
        if files:
            patches.append(Patch(path, subj, files, d + 1))
        if len(bounds) == 1:
            break
    if not patches:
        raise BadInput(f"{path}: no patch found (no unquoted unified diff "
                       "in it)")
    if len(patches) > 1:
        for k, p in enumerate(patches):
            p.part = k + 1
    return patches
