# SPDX-License-Identifier: GPL-2.0
"""Finding definitions across the tree.

Every .c/.h file under the search directory is read once a run and scanned
once per content (scancache.py) at top level (brace depth 0); the wanted
functions and macros are then picked out of that scan, each recorded with
its text span and its preprocessor branch path.
"""

import os
import re
from dataclasses import dataclass
from typing import Callable, Collection, Optional

from .conditionals import (DEFINE_RE, TOP_RE, BranchPath, CondTracker,
                           directive_kw)
from .header import parse_header
from .lexer import SourceFile, decl_start
from .scancache import MASKS, Event, FileScan, ScanCache, scan_key
from .spec import SpecEntry

# Names that may be defined in a file: a #define (a macro), or a name
# before "(" on a line starting at column 0 (a function's header, kernel
# style); the index then checks each for real (closure.py).
DEFINED_RE = re.compile(r"^\s*#\s*define\s+(\w+)"
                        r"|^(?:[A-Za-z_][^;\n]*?[\s*])?([A-Za-z_]\w*)\s*\(",
                        re.M)


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


def scan_events(src: SourceFile,
                gate: Optional[re.Pattern[str]] = None) -> list[Event]:
    """The top-level events of one file, whatever names are wanted
    (scancache.Event): every #define, every function header in front of a
    '{' at depth 0, and the '}' back to depth 0 that follows one.

    With *gate*, a header is only parsed where the text before its '{'
    holds a match of it (the name parse_header() returns is in that text,
    so no header whose name gate matches is missed)."""
    code, events = src.code, []
    cond = CondTracker()
    boundary, skip_until, opened = 0, -1, False
    for m in TOP_RE.finditer(code):
        pos = m.start()
        if pos < skip_until:
            continue
        ch = code[m.end() - 1]
        if ch == "#":
            skip_until = end = src.directive_end(pos)
            kw = directive_kw(code, pos)
            if kw == "define":
                dm = DEFINE_RE.match(code, pos)
                if dm:
                    events.append(("D", dm.group(1), pos, end, cond.path()))
            else:
                cond.directive(kw)
            if cond.depth == 0:
                boundary = end
        elif ch == "{":
            if cond.depth == 0 and (gate is None or
                                    gate.search(code, boundary, pos)):
                hdr = parse_header(code, boundary, pos)
                if hdr:
                    events.append(("O", hdr[0], decl_start(src, hdr[1]),
                                   pos, cond.path()))
                    opened = True
            cond.open()
        elif ch == "}":
            if cond.close() and cond.depth == 0:
                if opened:      # a '}' with no header before it ends none
                    events.append(("C", "", pos, pos + 1, ()))
                    opened = False
                boundary = pos + 1
        elif cond.depth == 0:         # ';'
            boundary = pos + 1
    return events


# (kind, name, start, end, path, body) of a definition found
Found = tuple[str, str, int, int, BranchPath, int]


def replay(events: list[Event], fn_wanted: Callable[[str], bool],
           macro_names: Collection[str]) -> list[Found]:
    """The definitions of wanted names among a file's *events*, in the
    order a scan of the file finds them.

    A function is taken from the first wanted header at depth 0 to the
    '}' back to depth 0: a header met before that '}' (in an #else branch
    whose #if branch opened a function body) is not one, the first branch
    wins."""
    out: list[Found] = []
    current: Optional[Event] = None
    for ev in events:
        tag = ev[0]
        if tag == "D":
            if ev[1] in macro_names:
                out.append(("macro", ev[1], ev[2], ev[3], ev[4], -1))
        elif tag == "O":
            if current is None and fn_wanted(ev[1]):
                current = ev
        elif current is not None:
            _, name, start, body, path = current
            out.append(("fn", name, start, ev[3], path, body))
            current = None
    return out


def _definitions(src: SourceFile, found: list[Found]) -> list[Definition]:
    return [Definition(kind, name, src, start, end, path, body)
            for kind, name, start, end, path, body in found]


def scan_file(src: SourceFile, fn_re: Optional[re.Pattern[str]],
              macro_names: set[str]) -> list[Definition]:
    """Find definitions of interesting names in one file.

    *fn_re* matches any wanted function name as a whole word (or is None);
    *macro_names* is the set of wanted macro names.
    """
    gate = fn_re or _NEVER
    return _definitions(src, replay(
        scan_events(src, gate), lambda n: gate.fullmatch(n) is not None,
        macro_names))


_NEVER = re.compile(r"(?!)")        # matches nothing


def file_definitions(src: SourceFile, fn_names: Collection[str],
                     macro_names: Collection[str]) -> list[Definition]:
    """scan_file() for a whole-file SourceFile, through the scan cache
    (in memory): the file is scanned once whatever names are asked."""
    data = src.text.encode("utf-8", "surrogateescape")
    fs = ScanCache().get(scan_key(data), lambda: scan_source(src))
    if not (fs.names & set(fn_names)) and not (fs.names & set(macro_names)):
        return []
    return _definitions(src, replay(fs.events, fn_names.__contains__,
                                    macro_names))


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


def scan_source(src: SourceFile) -> FileScan:
    """The scan of a whole file (scancache.FileScan)."""
    macros: set[str] = set()
    fns: set[str] = set()
    for m in DEFINED_RE.finditer(src.text):
        if m.group(1):
            macros.add(m.group(1))
        else:
            fns.add(m.group(2))
    return FileScan(scan_events(src), frozenset(macros), frozenset(fns))


class TreeIndex:
    """The search dir of a tree, read once: each file's scan comes from
    the scan cache (one scan per content, scancache.py), each file has one
    SourceFile, masked only if a definition is taken from it."""

    def __init__(self, tree: str, search_dir: str,
                 cache: Optional[ScanCache] = None) -> None:
        self.tree = tree
        self.cache = cache or ScanCache()
        # (rel, text, key) of every .c/.h, in list_sources() order
        self.files: list[tuple[str, str, str]] = []
        for path in list_sources(os.path.join(tree, search_dir)):
            with open(path, "rb") as f:
                data = f.read()
            self.files.append((os.path.relpath(path, tree),
                               data.decode("utf-8", "surrogateescape"),
                               scan_key(data)))
        self._sources: dict[str, SourceFile] = {}
        self._scans: Optional[list[FileScan]] = None

    def source(self, rel: str, text: str, key: str) -> SourceFile:
        """The one SourceFile of file rel (masked once per content)."""
        src = self._sources.get(rel)
        if src is None:
            src = SourceFile(self.tree, rel, text, MASKS.get_fresh(key))
            MASKS.put(key, (src.code, src.cstarts, src.cends))
            self._sources[rel] = src
        return src

    def scans(self) -> list[FileScan]:
        if self._scans is None:
            self._scans = [self.cache.get(key, lambda: scan_source(
                self.source(rel, text, key))) for rel, text, key in
                self.files]
        return self._scans

    def find(self, entries: list[SpecEntry]) -> dict[str, list[Definition]]:
        """{name: [Definition, ...]} of the entries' names, in the order a
        scan of each file for them finds them."""
        fn_names = {e.name for e in entries if e.kind == "fn"}
        macro_names = {e.name for e in entries if e.kind == "macro"}
        all_names = fn_names | macro_names
        found: dict[str, list[Definition]] = {}
        for (rel, text, key), fs in zip(self.files, self.scans()):
            if fs.names.isdisjoint(all_names):
                continue
            hits = replay(fs.events, fn_names.__contains__, macro_names)
            if not hits:
                continue
            for d in _definitions(self.source(rel, text, key), hits):
                found.setdefault(d.name, []).append(d)
        return found

    def maybe_defined(self) -> tuple[set[str], set[str]]:
        """(names #define'd, names that may head a function definition)
        in any file (closure.DEFINED_RE)."""
        macros: set[str] = set()
        fns: set[str] = set()
        for fs in self.scans():
            macros |= fs.maybe_macros
            fns |= fs.maybe_fns
        return macros, fns


def index_tree(tree: str, search_dir: str, entries: list[SpecEntry],
               index: Optional[TreeIndex] = None
               ) -> dict[str, list[Definition]]:
    """Scan the search dir; return {name: [Definition, ...]}.  *index*:
    the run's TreeIndex of tree (one is made if not given)."""
    return (index or TreeIndex(tree, search_dir)).find(entries)
