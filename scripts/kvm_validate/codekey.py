# SPDX-License-Identifier: GPL-2.0
"""The code a slice compiles, apart from where its lines are.

Two slices with the same code digest compile to the same program but for
line numbers: the #line directives, and so __LINE__ and the trace's
file:line, are the only difference.  Comments, blank lines and the
indentation of a line (outside a backslash-continued line, where it may
be part of a string) are not code.  A step whose slice has the base's
code digest therefore behaves exactly as the base: whatever it finds,
the base has too.  That is what lets validate carry the base's
exploration forward instead of re-running it (cli.py, StepRunner.step);
any difference of code at all, a declaration, a macro, an initializer,
a header's definition, gives another digest and runs everything.
"""

import hashlib
import os

from kvm_slice.lexer import strip_comments

FILES = ("slice.h", "slice.c")
DIGEST = "code.digest"          # kept beside the slice, once computed


def code_lines(text: str) -> list[str]:
    """text's lines of code: comments blanked, #line directives and
    blank lines dropped, each line's outer blanks trimmed unless the line
    before it continues onto it."""
    out: list[str] = []
    cont = False
    for ln in strip_comments(text).split("\n"):
        body = ln if cont else ln.strip()
        cont = ln.rstrip(" \t\r").endswith("\\")
        if not body.strip() or body.startswith("#line "):
            continue
        out.append(body)
    return out


def lines_digest(lines: list[str]) -> str:
    """The digest of code_lines() (one slice's, or one definition's)."""
    h = hashlib.sha256()
    for ln in lines:
        h.update(ln.encode("utf-8", "surrogateescape") + b"\n")
    return h.hexdigest()


def code_digest(sdir: str) -> str:
    """The digest of the code of the slice in sdir: read from its DIGEST
    file (written, and so recorded in the manifest, while the slice is
    staged: build.py), else computed and written there."""
    path = os.path.join(sdir, DIGEST)
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        pass
    lines: list[str] = []
    for fn in FILES:
        with open(os.path.join(sdir, fn), encoding="utf-8",
                  errors="surrogateescape") as f:
            lines += [f"@{fn}@"] + code_lines(f.read())
    digest = lines_digest(lines)
    if not os.path.exists(os.path.join(sdir, "manifest.json")):
        with open(path, "w") as f:      # staged: not yet published
            f.write(digest + "\n")
    return digest
