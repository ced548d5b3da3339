# SPDX-License-Identifier: GPL-2.0
"""Reading the spec file: which functions and macros to slice, and how.

One entry a line, ``#`` starts a comment::

    fn NAME [required] [traced] [arms=TOKEN,...] [stmts=TOKEN,...]
    macro NAME [required]
"""

import os
import re
from dataclasses import dataclass
from typing import Optional

from .errors import EXIT_USAGE, PROG, SliceError

_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass
class SpecEntry:
    """One line of the spec file."""
    kind: str                 # "fn" or "macro"
    name: str
    required: bool = False
    # tokens selecting switch arms to keep, or None
    arms: Optional[tuple[str, ...]] = None
    traced: bool = False      # calls go through SLICE_TRACED_CALL()
    # tokens selecting statements to keep
    stmts: Optional[tuple[str, ...]] = None
    lineno: int = 0


def _spec_error(path: str, lineno: int, msg: str) -> SliceError:
    return SliceError(EXIT_USAGE, f"{PROG}: {path}:{lineno}: {msg}")


def _parse_spec_option(path: str, lineno: int, entry: SpecEntry,
                       word: str) -> None:
    """Apply one option word (``required`` / ``traced`` / ``arms=...``)."""
    if word == "required":
        entry.required = True
        return
    if word == "traced":
        if entry.kind != "fn":
            raise _spec_error(path, lineno, "traced is only valid for fn")
        entry.traced = True
        return
    for opt in ("arms", "stmts"):
        if not word.startswith(opt + "="):
            continue
        if entry.kind != "fn":
            raise _spec_error(path, lineno, f"{opt}= is only valid for fn")
        if entry.arms is not None or entry.stmts is not None:
            raise _spec_error(path, lineno, "arms= or stmts= given twice")
        tokens = tuple(word[len(opt) + 1:].split(","))
        for tok in tokens:
            if not _IDENT_RE.match(tok):
                raise _spec_error(path, lineno, f"bad {opt} token '{tok}'")
        setattr(entry, opt, tokens)
        return
    raise _spec_error(path, lineno, f"unknown option '{word}'")


def parse_spec(path: str) -> list[SpecEntry]:
    """Parse the spec file into a list of SpecEntry (in file order)."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise SliceError(EXIT_USAGE, f"{PROG}: cannot read spec {path}: "
                         f"{e.strerror}")
    entries: list[SpecEntry] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if words[0] in ("provided", "standin"):
            continue            # parse_provided(), parse_standins()
        if words[0] not in ("fn", "macro"):
            raise _spec_error(path, lineno,
                              f"expected 'fn' or 'macro', got '{words[0]}'")
        if len(words) < 2 or not _IDENT_RE.match(words[1]):
            raise _spec_error(path, lineno, "expected a C identifier "
                              f"after '{words[0]}'")
        entry = SpecEntry(words[0], words[1], lineno=lineno)
        for word in words[2:]:
            _parse_spec_option(path, lineno, entry, word)
        if entry.name in seen:
            raise _spec_error(path, lineno, f"'{entry.name}' already listed "
                              f"at line {seen[entry.name]}")
        seen[entry.name] = lineno
        entries.append(entry)
    return entries


def parse_provided(path: str) -> list[str]:
    """The spec's ``provided PATH...`` lines: the headers (files or
    directories, relative to the spec file) whose identifiers the stubs
    provide, so the closure (closure.py) does not slice them."""
    base = os.path.dirname(os.path.abspath(path))
    out = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if not words or words[0] != "provided":
                continue
            for w in words[1:]:
                p = os.path.normpath(os.path.join(base, w))
                if not os.path.exists(p):
                    raise _spec_error(path, lineno, f"provided {w}: no "
                                      "such file or directory")
                out.append(p)
    return out


def parse_standins(path: str) -> dict[str, tuple[str, ...]]:
    """The spec's ``standin FUNCTION TOKEN,...`` lines: the statements of
    FUNCTION (not sliced) naming a TOKEN, for which the harness's glue
    stands in; a patch changing one is not checked."""
    out: dict[str, tuple[str, ...]] = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if not words or words[0] != "standin":
                continue
            if len(words) != 3 or not _IDENT_RE.match(words[1]):
                raise _spec_error(path, lineno, "expected 'standin "
                                  "FUNCTION TOKEN,...'")
            out[words[1]] = tuple(words[2].split(","))
    return out
