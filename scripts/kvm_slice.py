#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Slice named definitions out of a kernel tree into one C translation unit.

kvm_slice.py copies function and macro definitions *verbatim* out of the
KVM x86 sources of a Linux kernel tree and writes them into a generated C
file.  Every copied definition is preceded by a ``#line`` directive naming
the original file and line, so compiler diagnostics, gdb and gcov all point
at the kernel's own file:line.

Usage::

    kvm_slice.py --tree DIR --spec FILE --out-c OUT.c --out-h OUT.h
                 [--report OUT.json] [--search-dir arch/x86/kvm]
                 [--prelude slice_prelude.h]

Spec file (one entry a line, ``#`` starts a comment)::

    fn NAME [required] [arms=TOKEN,TOKEN,...]
    macro NAME [required]

Exit codes: 0 success, 2 usage / missing tree / bad spec, 3 symbol errors
(duplicate definition, required symbol missing, ``arms=`` without switch).

The C scanner is deliberately simple: it never runs the preprocessor.  It
blanks comments and literals, treats preprocessor lines as non-code, and
counts braces so that for every ``#if`` group the brace depth after the
``#endif`` is the depth reached at the end of the group's first branch.
"""

import argparse
import bisect
import json
import os
import re
import sys
from dataclasses import dataclass, field

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_SYMBOL = 3

PROG = "kvm_slice"

# --------------------------------------------------------------------------
# Errors


class SliceError(Exception):
    """A fatal error: carries the process exit code and one or more lines."""

    def __init__(self, code, *lines):
        super().__init__("\n".join(lines))
        self.code = code
        self.lines = lines


# --------------------------------------------------------------------------
# Spec file

_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass
class SpecEntry:
    """One line of the spec file."""
    kind: str                 # "fn" or "macro"
    name: str
    required: bool = False
    arms: tuple = None        # tokens selecting switch arms to keep, or None
    traced: bool = False      # calls go through SLICE_TRACED_CALL()
    lineno: int = 0


def _spec_error(path, lineno, msg):
    return SliceError(EXIT_USAGE, f"{PROG}: {path}:{lineno}: {msg}")


def _parse_spec_option(path, lineno, entry, word):
    """Apply one option word (``required`` / ``traced`` / ``arms=...``)."""
    if word == "required":
        entry.required = True
        return
    if word == "traced":
        if entry.kind != "fn":
            raise _spec_error(path, lineno, "traced is only valid for fn")
        entry.traced = True
        return
    if word.startswith("arms="):
        if entry.kind != "fn":
            raise _spec_error(path, lineno, "arms= is only valid for fn")
        if entry.arms is not None:
            raise _spec_error(path, lineno, "arms= given twice")
        tokens = tuple(word[len("arms="):].split(","))
        for tok in tokens:
            if not _IDENT_RE.match(tok):
                raise _spec_error(path, lineno, f"bad arms token '{tok}'")
        entry.arms = tokens
        return
    raise _spec_error(path, lineno, f"unknown option '{word}'")


def parse_spec(path):
    """Parse the spec file into a list of SpecEntry (in file order)."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise SliceError(EXIT_USAGE, f"{PROG}: cannot read spec {path}: "
                         f"{e.strerror}")
    entries, seen = [], {}
    for lineno, line in enumerate(lines, 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
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


# --------------------------------------------------------------------------
# Source files: comment/literal masking

# Comments, string literals and character literals, earliest match wins.
# An unterminated block comment runs to the end of the text (this also lets
# strip_comments() work on a prefix of a comment).  Literals never span an
# unescaped newline, so a stray apostrophe (e.g. in "#error can't") is
# simply left alone.
_LEXEME_RE = re.compile(r"""
      (?P<c> /\*.*?(?:\*/|\Z) | //(?:\\\n|[^\n])* )
    | "(?:\\.|[^"\\\n])*"
    | '(?:\\.|[^'\\\n])*'
""", re.S | re.X)


def _blank(s):
    """Replace every character of *s* except newlines by a space."""
    if "\n" not in s:
        return " " * len(s)
    return "\n".join(" " * len(part) for part in s.split("\n"))


def strip_comments(s):
    """Return *s* with comments blanked out (literals kept)."""
    def repl(m):
        return _blank(m.group()) if m.group("c") else m.group()
    return _LEXEME_RE.sub(repl, s)


def mask_code(text):
    """Blank comments and literal contents, keeping offsets and newlines.

    Returns (code, comment_starts, comment_ends): *code* has the same length
    as *text*; comments become spaces and literals keep only their quotes.
    The comment spans are sorted, for is-inside-a-comment lookups.
    """
    pieces, starts, ends, last = [], [], [], 0
    for m in _LEXEME_RE.finditer(text):
        s, e = m.span()
        pieces.append(text[last:s])
        if m.group("c"):
            pieces.append(_blank(m.group()))
            starts.append(s)
            ends.append(e)
        else:
            pieces.append(text[s] + _blank(text[s + 1:e - 1]) + text[e - 1])
        last = e
    pieces.append(text[last:])
    return "".join(pieces), starts, ends


class SourceFile:
    """One indexed file: original text plus its masked copy."""

    def __init__(self, tree, rel, text):
        self.rel = rel
        self.path = os.path.join(tree, rel)
        self.text = text
        self.code, self.cstarts, self.cends = mask_code(text)

    def line_of(self, pos):
        """1-based line number of offset *pos*."""
        return self.text.count("\n", 0, pos) + 1

    def in_comment(self, pos):
        """Return the end of the comment containing *pos*, or None."""
        i = bisect.bisect_right(self.cstarts, pos) - 1
        if i >= 0 and self.cends[i] > pos:
            return self.cends[i]
        return None

    def splits_comment(self, pos):
        """True if *pos* lies strictly inside a comment."""
        i = bisect.bisect_left(self.cstarts, pos) - 1
        return i >= 0 and self.cends[i] > pos

    def directive_end(self, pos):
        """Offset of the newline ending the directive that starts at *pos*.

        Follows backslash continuations and comments spanning lines.
        """
        code = self.code
        while True:
            nl = code.find("\n", pos)
            if nl < 0:
                return len(code)
            cend = self.in_comment(nl)
            if cend is not None:
                pos = cend
            elif code[nl - 1:nl] == "\\" or code[nl - 2:nl] == "\\\r":
                pos = nl + 1
            else:
                return nl

    def line_start(self, pos):
        """Offset of the first character of the line containing *pos*."""
        return self.text.rfind("\n", 0, pos) + 1


# --------------------------------------------------------------------------
# Preprocessor conditional tracking

_DIRECTIVE_RE = re.compile(r"[ \t]*#[ \t]*([A-Za-z_]*)")
_DEFINE_RE = re.compile(r"[ \t]*#[ \t]*define[ \t]+([A-Za-z_][A-Za-z0-9_]*)")
_COND_OPEN = frozenset(("if", "ifdef", "ifndef"))
_COND_ALT = frozenset(("elif", "else", "elifdef", "elifndef"))
_COND_KWS = _COND_OPEN | _COND_ALT | {"endif"}


class CondTracker:
    """Brace depth across #if/#elif/#else/#endif.

    Only the first branch of each #if group decides the nesting: at #elif /
    #else the depth is reset to the depth at the #if, and after #endif it is
    the depth reached at the end of the first branch.  Braces inside the
    other branches are still counted while inside them (so that a complete
    definition in an #else branch is still seen), but such a branch can
    never close a block opened before its #if.
    """

    def __init__(self, depth=0):
        self.depth = depth
        self.stack = []           # [depth_at_if, depth_after_first, gid, n]
        self.next_gid = 0
        self.floor = 0            # lowest depth reachable in this branch

    def open(self):
        self.depth += 1

    def close(self):
        """Count a '}'; returns False if it was ignored."""
        if self.depth <= self.floor:
            return False
        self.depth -= 1
        return True

    def _update_floor(self):
        self.floor = max((f[0] for f in self.stack if f[3]), default=0)

    def directive(self, kw):
        """Update state for directive keyword *kw*."""
        if kw in _COND_OPEN:
            self.stack.append([self.depth, None, self.next_gid, 0])
            self.next_gid += 1
        elif kw in _COND_ALT and self.stack:
            frame = self.stack[-1]
            if frame[1] is None:
                frame[1] = self.depth
            self.depth = frame[0]
            frame[3] += 1
        elif kw == "endif" and self.stack:
            frame = self.stack.pop()
            if frame[1] is not None:
                self.depth = frame[1]
        else:
            return
        self._update_floor()

    def path(self):
        """The current branch path: ((group id, branch index), ...)."""
        return tuple((f[2], f[3]) for f in self.stack)


def exclusive(path_a, path_b):
    """True if two branch paths of one file can never both be compiled."""
    branches = dict(path_a)
    return any(g in branches and branches[g] != b for g, b in path_b)


# --------------------------------------------------------------------------
# Function headers

_HDR_TOKEN_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\S")
_NOT_NAMES = frozenset("""
    if for while switch return sizeof typeof __typeof__ __typeof do else
    case goto alignof _Alignof __alignof__ __attribute__ __attribute asm
    __asm__ __asm _Static_assert static_assert _Generic __builtin_offsetof
    struct union enum
""".split())


def _match_paren(toks, i):
    """Index of the ')' matching the '(' at toks[i], or None."""
    depth = 0
    for j in range(i, len(toks)):
        t = toks[j][0]
        if t == "(":
            depth += 1
        elif t == ")":
            depth -= 1
            if depth == 0:
                return j
    return None


def _is_ident(t):
    return t[0].isalpha() or t[0] == "_"


def _trailer_ok(toks, i):
    """True if toks[i:] can follow a parameter list before the body '{'.

    Only attributes are allowed: identifiers and parenthesised groups such
    as ``__must_hold(x)`` or ``__attribute__((cold))``, but no ``*`` and no
    identifier directly followed by ``IDENT(`` (that would be a type plus a
    function name, i.e. the earlier candidate was an attribute macro).
    """
    n = len(toks)
    while i < n:
        t = toks[i][0]
        if t == "(":
            j = _match_paren(toks, i)
            if j is None:
                return False
            i = j + 1
        elif _is_ident(t):
            if (i + 2 < n and _is_ident(toks[i + 1][0])
                    and toks[i + 2][0] == "("):
                return False
            i += 1
        else:
            return False
    return True


_MACRO_NAME_RE = re.compile(r"_*[A-Z][A-Z0-9_]*\Z")


def _skip_macro_calls(code, toks, name_idx):
    """Index of the first header token after leading macro invocations.

    Kernel code sometimes invokes a macro at top level without a trailing
    ';' (``DEFINE_GUARD(...)`` or ``BUILD_HELPER(read)`` on its own lines),
    so such ``UPPER_CASE(...)`` groups ending their line are not part of the
    declaration that follows.
    """
    k = 0
    while (k + 1 < name_idx and _MACRO_NAME_RE.match(toks[k][0])
           and toks[k + 1][0] == "("):
        j = _match_paren(toks, k + 1)
        if j + 1 >= name_idx or "\n" not in code[toks[j][1]:toks[j + 1][1]]:
            break
        k = j + 1
    return k


def parse_header(code, lo, hi):
    """Recognise a function definition header in code[lo:hi].

    *hi* is the offset of a top-level '{'.  Returns (name, start) where
    *start* is the offset of the header's first token, or None if the text
    is not ``[qualifiers] type NAME(params) [attributes]``.
    """
    toks = [(m.group(), m.start()) for m in
            _HDR_TOKEN_RE.finditer(code, lo, hi)]
    seen_type = False
    i = 0
    while i < len(toks):
        t = toks[i][0]
        if t == "(":
            j = _match_paren(toks, i)
            if j is None:
                return None
            i = j + 1
            continue
        if _is_ident(t):
            nxt = toks[i + 1][0] if i + 1 < len(toks) else ""
            if nxt == "(" and seen_type and t not in _NOT_NAMES:
                j = _match_paren(toks, i + 1)
                if j is None:
                    return None
                if _trailer_ok(toks, j + 1):
                    return t, toks[_skip_macro_calls(code, toks, i)][1]
            seen_type = True
            i += 1
            continue
        if t != "*":
            return None           # '=', '[', ',', ')' ...: not a function
        i += 1
    return None


# --------------------------------------------------------------------------
# Top-level scan of one file


@dataclass
class Definition:
    """A definition found in a file."""
    kind: str                 # "fn" or "macro"
    name: str
    src: SourceFile
    start: int                # offset of the first character
    end: int                  # offset just past the last character
    path: tuple               # conditional branch path (see CondTracker)
    body: int = -1            # fn: offset of the body's opening '{'

    @property
    def line(self):
        return self.src.line_of(self.start)

    def where(self):
        return f"{self.src.rel}:{self.line}"


_TOP_RE = re.compile(r"^[ \t]*#|[{};]", re.M)


def _decl_start(src, start):
    """Move *start* back to its line start if only blanks precede it."""
    ls = src.line_start(start)
    return ls if not src.text[ls:start].strip() else start


def scan_file(src, fn_re, macro_names):
    """Find definitions of interesting names in one file.

    *fn_re* matches any wanted function name as a whole word (or is None);
    *macro_names* is the set of wanted macro names.
    """
    code, defs = src.code, []
    cond = CondTracker()
    boundary, skip_until, current = 0, -1, None
    for m in _TOP_RE.finditer(code):
        pos = m.start()
        if pos < skip_until:
            continue
        ch = code[m.end() - 1]
        if ch == "#":
            skip_until = end = src.directive_end(pos)
            kw = _DIRECTIVE_RE.match(code, pos).group(1)
            if kw == "define" and macro_names:
                dm = _DEFINE_RE.match(code, pos)
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
                        current = (hdr[0], _decl_start(src, hdr[1]), pos,
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


def _word_re(names):
    """Compiled regex matching any of *names* as a whole identifier."""
    if not names:
        return None
    alts = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return re.compile(r"(?<![A-Za-z0-9_])(?:%s)(?![A-Za-z0-9_])" % alts)


def list_sources(root):
    """Paths of all *.c / *.h files under *root*, in sorted order."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in sorted(filenames):
            if fn.endswith((".c", ".h")):
                out.append(os.path.join(dirpath, fn))
    return out


def index_tree(tree, search_dir, entries):
    """Scan the search dir; return {name: [Definition, ...]}."""
    fn_names = {e.name for e in entries if e.kind == "fn"}
    macro_names = {e.name for e in entries if e.kind == "macro"}
    fn_re = _word_re(fn_names)
    all_names = fn_names | macro_names
    found = {}
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


# --------------------------------------------------------------------------
# Resolving duplicates


@dataclass
class Result:
    """What became of one spec entry."""
    entry: SpecEntry
    defn: Definition = None
    notes: list = field(default_factory=list)
    text: str = ""            # definition text to emit
    kept_arms: list = field(default_factory=list)
    dropped_arms: int = 0
    counted_arms: int = 0     # kept arms other than the default arm
    pruned: bool = False


def resolve(entry, defs):
    """Pick the definition for *entry* from its candidates.

    Returns (Result, error message or None).
    """
    res = Result(entry)
    defs = [d for d in defs if d.kind == entry.kind]
    if not defs:
        return res, None
    first = defs[0]
    ok = all(d.src is first.src for d in defs) and all(
        exclusive(a.path, b.path)
        for i, a in enumerate(defs) for b in defs[i + 1:])
    if not ok:
        where = ", ".join(d.where() for d in defs)
        return res, (f"{PROG}: {entry.kind} {entry.name} defined "
                     f"{len(defs)} times: {where}")
    res.defn = first
    for d in defs[1:]:
        res.notes.append(f"also defined at {d.where()} in a mutually "
                         f"exclusive preprocessor branch; using "
                         f"{first.where()}")
    return res, None


# --------------------------------------------------------------------------
# Switch pruning

_BODY_RE = re.compile(
    r"^[ \t]*#|[{}();:]|(?<![A-Za-z0-9_])(?:switch|case|default)"
    r"(?![A-Za-z0-9_])", re.M)


@dataclass
class Label:
    start: int
    end: int                  # just past the ':'


@dataclass
class SwitchInfo:
    """The first switch directly in a function body."""
    open: int = -1            # offset of the switch body '{'
    close: int = -1           # offset of the switch body '}'
    labels: list = field(default_factory=list)
    directives: list = field(default_factory=list)   # (start, end, kw)


def find_switch(src, defn):
    """Locate the first depth-1 switch of *defn* and its labels.

    Returns a SwitchInfo, or None if there is no such braced switch.
    """
    code = src.code
    cond = CondTracker(1)
    info = SwitchInfo()
    state, parens, skip_until, label = "find", 0, -1, None
    sw_depth = None
    for m in _BODY_RE.finditer(code, defn.body + 1, defn.end - 1):
        pos, tok = m.start(), m.group()
        if pos < skip_until:
            continue
        if tok[-1] == "#":
            skip_until = end = src.directive_end(pos)
            kw = _DIRECTIVE_RE.match(code, pos).group(1)
            cond.directive(kw)
            info.directives.append((pos, end, kw))
            continue
        if tok == "(":
            parens += 1
        elif tok == ")":
            parens -= 1
        elif tok == "{":
            cond.open()
        elif tok == "}" and not cond.close():
            continue
        if state == "find":
            if tok == "switch" and cond.depth == 1:
                state, parens = "cond", 0
        elif state == "cond":
            if tok == ")" and parens == 0:
                state = "brace"
        elif state == "brace":
            if tok != "{":
                state = "find"            # unbraced switch: keep looking
                continue
            info.open, sw_depth, state = pos, cond.depth, "body"
        elif state == "body":
            if cond.depth < sw_depth:
                info.close = pos
                return info
            if label is not None:
                if tok == ":" and parens == 0 and cond.depth == sw_depth:
                    info.labels.append(Label(label, pos + 1))
                    label = None
            elif (tok in ("case", "default") and parens == 0
                    and cond.depth == sw_depth):
                label = pos
    return None


def _blank_spans(src, spans, lo, hi):
    """src.code[lo:hi] with the (sorted) spans inside it blanked."""
    parts, p = [], lo
    for s, e, *_ in spans:
        if lo <= s and e <= hi:
            parts.append(src.code[p:s])
            parts.append(_blank(src.code[s:e]))
            p = e
    parts.append(src.code[p:hi])
    return "".join(parts)


def group_arms(src, info):
    """Group consecutive labels into arms: a list of lists of Labels.

    Labels separated only by blanks, comments or preprocessor lines belong
    to one arm (an arm without statements falls into the next one).
    """
    arms = []
    for lab in info.labels:
        if arms and not _blank_spans(src, info.directives,
                                     arms[-1][-1].end, lab.start).strip():
            arms[-1].append(lab)
        else:
            arms.append([lab])
    return arms


_FALLTHROUGH_CODE_RE = re.compile(
    r"(?<![A-Za-z0-9_])(?:fallthrough|__fallthrough__)[\s)]*;\Z")
_FALLTHROUGH_COMMENT_RE = re.compile(r"fall[\s-]*thr(?:ough|u)", re.I)
_PP_LINE_RE = re.compile(r"^[ \t]*#(?:\\\n|[^\n])*", re.M)


def arm_falls_through(src, info, lo, hi):
    """True if the arm src.text[lo:hi] ends in ``fallthrough;``.

    A first comment after the arm's last statement that says "fall
    through" (the pre-``fallthrough`` kernel convention) counts too.
    """
    code = _blank_spans(src, info.directives, lo, hi).rstrip()
    if _FALLTHROUGH_CODE_RE.search(code):
        return True
    tail = _PP_LINE_RE.sub("", src.text[lo + len(code):hi])
    m = _LEXEME_RE.search(tail)
    return bool(m and m.group("c")
                and _FALLTHROUGH_COMMENT_RE.search(m.group()))


def arm_start(src, pos, floor):
    """Where the text of an arm whose first label is at *pos* begins.

    The arm takes the label's indentation and the comment-only lines right
    above it (not crossing *floor*, the end of the previous label, and never
    splitting a comment).  A label sharing its line with earlier code starts
    exactly at the label.
    """
    start = _decl_start(src, pos)
    if start == pos and src.line_start(pos) != pos:
        return pos
    p = start
    while p > floor:
        prev = src.line_start(p - 1)
        if (prev < floor or src.code[prev:p].strip()
                or not src.text[prev:p].strip()):
            break
        p = prev
    return start if src.splits_comment(p) else p


def blank_region(src, lo, hi, directives):
    """Replacement text for a dropped region src.text[lo:hi].

    Only the newlines survive, except conditional preprocessor lines, which
    are kept (comments stripped) so that #if nesting stays balanced.  If the
    region ends mid-line, its last partial line becomes spaces so that what
    follows keeps its column.
    """
    out, p = [], lo
    for s, e, kw in directives:
        if kw in _COND_KWS and lo <= s and e <= hi:
            out.append("\n" * src.text.count("\n", p, s))
            kept = strip_comments(src.text[s:e])
            out.append("\n".join(ln.rstrip() for ln in kept.split("\n")))
            p = e
    tail = src.text[p:hi]
    out.append("\n" * tail.count("\n"))
    if hi < len(src.text) and src.text[hi] != "\n":
        out.append(" " * (len(tail) - tail.rfind("\n") - 1))
    return "".join(out)


def _label_text(src, lab):
    """A label's source text, comments dropped, whitespace normalised."""
    return " ".join(strip_comments(src.text[lab.start:lab.end]).split())


def _is_default(src, arm):
    return any(src.code.startswith("default", lab.start) for lab in arm)


def select_arms(src, info, arms, tokens, res):
    """Decide which arms to keep; returns a list of booleans."""
    want = _word_re(tokens)
    keep, matched = [], set()
    for k, arm in enumerate(arms):
        hit = {m.group() for lab in arm
               for m in want.finditer(src.code, lab.start, lab.end)}
        matched |= hit
        fell = k > 0 and keep[-1] and arm_falls_through(
            src, info, arms[k - 1][0].start, arm[0].start)
        keep.append(bool(hit) or _is_default(src, arm) or fell)
    res.notes.extend(f"arms token {tok} matched no case label"
                     for tok in tokens if tok not in matched)
    return keep


def braces_balanced(text):
    """True if *text* (one function) closes its body exactly at its end.

    Braces are counted like the top-level scan does (first branch of each
    #if group decides).  Used as a safety net after pruning.
    """
    src = SourceFile("", "<pruned>", text)
    cond, skip_until = CondTracker(), -1
    for m in _TOP_RE.finditer(src.code):
        pos = m.start()
        if pos < skip_until:
            continue
        ch = src.code[m.end() - 1]
        if ch == "#":
            skip_until = src.directive_end(pos)
            cond.directive(_DIRECTIVE_RE.match(src.code, pos).group(1))
        elif ch == "{":
            cond.open()
        elif ch == "}" and cond.close() and cond.depth == 0:
            return not src.code[pos + 1:].strip()
    return False


def prune_function(res):
    """Apply the spec's ``arms=`` to the found function, filling *res*.

    Returns an error message, or None.
    """
    entry, d = res.entry, res.defn
    src = d.src
    info = find_switch(src, d)
    if info is None:
        return (f"{PROG}: {entry.name} ({d.where()}): arms= given but no "
                f"switch statement found directly in the function body")
    arms = group_arms(src, info)
    keep = select_arms(src, info, arms, entry.arms, res)
    starts = [arm_start(src, arm[0].start,
                        arms[k - 1][-1].end if k else info.open + 1)
              for k, arm in enumerate(arms)]
    close = _decl_start(src, info.close)
    pieces = [src.text[d.start:starts[0] if arms else close]]
    for k, arm in enumerate(arms):
        end = starts[k + 1] if k + 1 < len(arms) else close
        if keep[k]:
            pieces.append(src.text[starts[k]:end])
            res.kept_arms.append(" ".join(_label_text(src, lab)
                                          for lab in arm))
            res.counted_arms += not _is_default(src, arm)
        else:
            pieces.append(blank_region(src, starts[k], end, info.directives))
            res.dropped_arms += 1
    pieces.append(src.text[close:d.end])
    res.text = "".join(pieces)
    res.pruned = True
    if not braces_balanced(res.text):
        return (f"{PROG}: {entry.name} ({d.where()}): pruning with arms= "
                f"would unbalance braces (a kept and a dropped arm share "
                f"one preprocessor-conditional block)")
    return None


# --------------------------------------------------------------------------
# Output


def c_string(s):
    """Quote *s* as a C string literal body."""
    return s.replace("\\", "\\\\").replace('"', '\\"')


def line_directive(defn):
    return f'#line {defn.line} "{c_string(defn.src.path)}"\n'


def prototype(defn):
    """The declaration of a function definition, terminated by ';'."""
    header = strip_comments(defn.src.text[defn.start:defn.body])
    return " ".join(header.split()) + ";"


def _comment_safe(s):
    return s.replace("*/", "* /")


def render_c(tree, prelude, results):
    """The generated translation unit."""
    out = ["/* SPDX-License-Identifier: GPL-2.0 */\n",
           f"/* Generated by kvm_slice.py from {_comment_safe(tree)} "
           "-- do not edit. */\n",
           f'#include "{c_string(prelude)}"\n']
    found = [r for r in results if r.defn is not None]
    for r in found:
        if r.entry.kind == "macro":
            out += ["\n", line_directive(r.defn), r.text, "\n"]
    for r in found:
        if r.entry.kind == "fn":
            out += ["\n", line_directive(r.defn), prototype(r.defn), "\n"]
    # A traced function's callers go through SLICE_TRACED_CALL(), which the
    # prelude defines, so the harness learns the call site's file:line; the
    # definition itself is shielded from the macro.
    for r in found:
        if r.entry.traced:
            out.append(f"#define {r.entry.name}(...) "
                       f"SLICE_TRACED_CALL({r.entry.name}, __VA_ARGS__)\n")
    for r in found:
        if r.entry.kind != "fn":
            continue
        name = r.entry.name
        if r.entry.traced:
            out += [f'\n#pragma push_macro("{name}")\n#undef {name}']
        out += ["\n", line_directive(r.defn), r.text, "\n"]
        if r.entry.traced:
            out.append(f'#pragma pop_macro("{name}")\n')
    return "".join(out)


def c_ident(s):
    return re.sub(r"[^A-Za-z0-9_]", "_", s)


def render_h(tree, out_h, results):
    """The generated header describing what was found."""
    guard = "KVM_SLICE_" + c_ident(os.path.basename(out_h)).upper()
    out = ["/* SPDX-License-Identifier: GPL-2.0 */\n",
           f"/* Generated by kvm_slice.py from {_comment_safe(tree)} "
           "-- do not edit. */\n",
           f"#ifndef {guard}\n", f"#define {guard}\n\n",
           f'#define SLICE_TREE "{c_string(tree)}"\n']
    for r in results:
        if r.defn is None:
            continue
        name = c_ident(r.entry.name)
        out.append(f"#define SLICE_HAVE_{name} 1\n")
        if r.pruned:
            out.append(f"#define SLICE_ARMS_{name} {r.counted_arms}\n")
    out.append(f"\n#endif /* {guard} */\n")
    return "".join(out)


def render_report(tree, results):
    """The JSON report."""
    syms = []
    for r in results:
        d = r.defn
        syms.append({
            "name": r.entry.name,
            "kind": r.entry.kind,
            "found": d is not None,
            "file": d.src.rel if d else None,
            "line": d.line if d else None,
            "end_line": d.src.line_of(d.end - 1) if d else None,
            "required": r.entry.required,
            "kept_arms": r.kept_arms,
            "dropped_arms": r.dropped_arms,
            "notes": r.notes,
        })
    return json.dumps({"tree": tree, "symbols": syms}, indent=2) + "\n"


def summary_line(r):
    if r.defn is None:
        return f"MISSING {r.entry.name}"
    line = f"found  {r.entry.name}  {r.defn.where()}"
    if r.pruned:
        line += "  kept arms: " + (" | ".join(r.kept_arms) or "(none)")
    return line


def write_file(path, text):
    """Write *text* to *path*, creating parent directories."""
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    with open(path, "w", encoding="utf-8", errors="surrogateescape",
              newline="") as f:
        f.write(text)


# --------------------------------------------------------------------------
# Driver


def slice_tree(tree, search_dir, entries):
    """Find and prepare every spec entry; returns the list of Results.

    Raises SliceError(EXIT_SYMBOL) listing every symbol problem.
    """
    found = index_tree(tree, search_dir, entries)
    results, errors = [], []
    for entry in entries:
        res, err = resolve(entry, found.get(entry.name, []))
        results.append(res)
        if err:
            errors.append(err)
        elif res.defn is None:
            if entry.required:
                errors.append(f"{PROG}: {tree}: required symbol "
                              f"{entry.name} not found under {search_dir}")
        elif entry.arms:
            err = prune_function(res)
            if err:
                errors.append(err)
        else:
            res.text = res.defn.src.text[res.defn.start:res.defn.end]
    if errors:
        raise SliceError(EXIT_SYMBOL, *errors)
    return results


def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog="kvm_slice.py",
        description="Copy named KVM definitions verbatim out of a kernel "
                    "tree into one C file, with #line directives.")
    ap.add_argument("--tree", required=True, help="kernel source tree")
    ap.add_argument("--spec", required=True, help="symbol spec file")
    ap.add_argument("--out-c", required=True, help="generated .c file")
    ap.add_argument("--out-h", required=True, help="generated .h file")
    ap.add_argument("--report", help="JSON report to write")
    ap.add_argument("--search-dir", default="arch/x86/kvm",
                    help="directory under the tree to index "
                         "(default: %(default)s)")
    ap.add_argument("--prelude", default="slice_prelude.h",
                    help="header included first (default: %(default)s)")
    return ap.parse_args(argv)


def run(args):
    """Do the work for parsed *args*; raises SliceError on failure."""
    tree = os.path.abspath(args.tree)
    if not os.path.isdir(tree):
        raise SliceError(EXIT_USAGE, f"{PROG}: {args.tree}: "
                         "kernel tree not found (not a directory)")
    search_dir = os.path.normpath(args.search_dir)
    if not os.path.isdir(os.path.join(tree, search_dir)):
        raise SliceError(EXIT_USAGE, f"{PROG}: {tree}: search directory "
                         f"{args.search_dir} not found")
    entries = parse_spec(args.spec)
    results = slice_tree(tree, search_dir, entries)
    write_file(args.out_c, render_c(tree, args.prelude, results))
    write_file(args.out_h, render_h(tree, args.out_h, results))
    if args.report:
        write_file(args.report, render_report(tree, results))
    for r in results:
        print(summary_line(r))


def main(argv=None):
    args = parse_args(argv)
    try:
        run(args)
    except SliceError as e:
        for line in e.lines:
            print(line, file=sys.stderr)
        return e.code
    except OSError as e:
        print(f"{PROG}: {e.filename}: {e.strerror}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
