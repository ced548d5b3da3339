# SPDX-License-Identifier: GPL-2.0
"""Finding definitions across the tree.

Every .c/.h file under the search directory that mentions a wanted name is
scanned at top level (brace depth 0) for the wanted functions and macros;
each is recorded with its text span and its preprocessor branch path.
"""

import os
import re
from dataclasses import dataclass
from typing import Collection, Optional

from .conditionals import (DEFINE_RE, TOP_RE, BranchPath, CondTracker,
                           directive_kw)
from .header import parse_header
from .lexer import SourceFile, decl_start
from .spec import SpecEntry


@dataclass
class Definition:
    """A definition found in a file."""
    kind: str                 # "fn" or "macro"
    name: str
    src: SourceFile
    start: int                # offset of the first character
    end: int                  # offset just past the last character
    path: BranchPath          # conditional branch path (see CondTracker)
    body: int = -1            # fn: offset of the body's opening '{'

    @property
    def line(self) -> int:
        return self.src.line_of(self.start)

    def where(self) -> str:
        return f"{self.src.rel}:{self.line}"


def scan_file(src: SourceFile, fn_re: Optional[re.Pattern[str]],
              macro_names: set[str]) -> list[Definition]:
    """Find definitions of interesting names in one file.

    *fn_re* matches any wanted function name as a whole word (or is None);
    *macro_names* is the set of wanted macro names.
    """
    code, defs = src.code, []
    cond = CondTracker()
    boundary, skip_until, current = 0, -1, None
    for m in TOP_RE.finditer(code):
        pos = m.start()
        if pos < skip_until:
            continue
        ch = code[m.end() - 1]
        if ch == "#":
            skip_until = end = src.directive_end(pos)
            kw = directive_kw(code, pos)
            if kw == "define" and macro_names:
                dm = DEFINE_RE.match(code, pos)
                if dm and dm.group(1) in macro_names:
                    defs.append(Definition("macro", dm.group(1), src, pos,
                                           end, cond.path()))
            else:
                cond.directive(kw)
            if cond.depth == 0:
                boundary = end
        elif ch == "{":
            # current is still set here only inside an #else branch whose
            # #if branch opened a function body: the first branch wins.
            if cond.depth == 0 and current is None:
                if fn_re is not None and fn_re.search(code, boundary, pos):
                    hdr = parse_header(code, boundary, pos)
                    if hdr and fn_re.fullmatch(hdr[0]):
                        current = (hdr[0], decl_start(src, hdr[1]), pos,
                                   cond.path())
            cond.open()
        elif ch == "}":
            if cond.close() and cond.depth == 0:
                if current is not None:
                    name, start, body, path = current
                    defs.append(Definition("fn", name, src, start, pos + 1,
                                           path, body))
                    current = None
                boundary = pos + 1
        elif cond.depth == 0:         # ';'
            boundary = pos + 1
    return defs


def word_re(names: Collection[str]) -> Optional[re.Pattern[str]]:
    """Compiled regex matching any of *names* as a whole identifier."""
    if not names:
        return None
    # (not map(re.escape, ...): mypy cannot solve re.escape's AnyStr there)
    alts = "|".join(sorted((re.escape(n) for n in names), key=len,
                           reverse=True))
    return re.compile(r"(?<![A-Za-z0-9_])(?:%s)(?![A-Za-z0-9_])" % alts)


def list_sources(root: str) -> list[str]:
    """Paths of all *.c / *.h files under *root*, in sorted order."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in sorted(filenames):
            if fn.endswith((".c", ".h")):
                out.append(os.path.join(dirpath, fn))
    return out


def index_tree(tree: str, search_dir: str,
               entries: list[SpecEntry]) -> dict[str, list[Definition]]:
    """Scan the search dir; return {name: [Definition, ...]}."""
    fn_names = {e.name for e in entries if e.kind == "fn"}
    macro_names = {e.name for e in entries if e.kind == "macro"}
    fn_re = word_re(fn_names)
    all_names = fn_names | macro_names
    found: dict[str, list[Definition]] = {}
    for path in list_sources(os.path.join(tree, search_dir)):
        with open(path, encoding="utf-8", errors="surrogateescape",
                  newline="") as f:
            text = f.read()
        # Cheap pre-filter: only scan files mentioning a wanted name.
        if not any(n in text for n in all_names):
            continue
        src = SourceFile(tree, os.path.relpath(path, tree), text)
        for d in scan_file(src, fn_re, macro_names):
            found.setdefault(d.name, []).append(d)
    return found
