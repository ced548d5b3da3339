# SPDX-License-Identifier: GPL-2.0
"""Reading the switch statement that ``arms=`` prunes.

Finds the first switch directly in a function body and its case labels,
groups the labels into arms, and tells where each arm's text starts and
whether an arm falls through into the next.
"""

import re
from dataclasses import dataclass, field
from typing import Optional

from .conditionals import CondTracker, directive_kw
from .index import Definition
from .lexer import LEXEME_RE, SourceFile, blank, decl_start

_BODY_RE = re.compile(
    r"^[ \t]*#|[{}();:]|(?<![A-Za-z0-9_])(?:switch|case|default)"
    r"(?![A-Za-z0-9_])", re.M)


# a preprocessor line: (start, end, keyword)
Directive = tuple[int, int, str]


@dataclass
class Label:
    start: int
    end: int                  # just past the ':'


@dataclass
class SwitchInfo:
    """The first switch directly in a function body."""
    open: int = -1            # offset of the switch body '{'
    close: int = -1           # offset of the switch body '}'
    labels: list[Label] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)


def find_switch(src: SourceFile, defn: Definition) -> Optional[SwitchInfo]:
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
            kw = directive_kw(code, pos)
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
            assert sw_depth is not None     # set with state "body"
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


def _blank_spans(src: SourceFile, spans: list[Directive], lo: int,
                 hi: int) -> str:
    """src.code[lo:hi] with the (sorted) spans inside it blanked."""
    parts, p = [], lo
    for s, e, *_ in spans:
        if lo <= s and e <= hi:
            parts.append(src.code[p:s])
            parts.append(blank(src.code[s:e]))
            p = e
    parts.append(src.code[p:hi])
    return "".join(parts)


def group_arms(src: SourceFile, info: SwitchInfo) -> list[list[Label]]:
    """Group consecutive labels into arms: a list of lists of Labels.

    Labels separated only by blanks, comments or preprocessor lines belong
    to one arm (an arm without statements falls into the next one).
    """
    arms: list[list[Label]] = []
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


def arm_falls_through(src: SourceFile, info: SwitchInfo, lo: int,
                      hi: int) -> bool:
    """True if the arm src.text[lo:hi] ends in ``fallthrough;``.

    A first comment after the arm's last statement that says "fall
    through" (the pre-``fallthrough`` kernel convention) counts too.
    """
    code = _blank_spans(src, info.directives, lo, hi).rstrip()
    if _FALLTHROUGH_CODE_RE.search(code):
        return True
    tail = _PP_LINE_RE.sub("", src.text[lo + len(code):hi])
    m = LEXEME_RE.search(tail)
    return bool(m and m.group("c")
                and _FALLTHROUGH_COMMENT_RE.search(m.group()))


def arm_start(src: SourceFile, pos: int, floor: int) -> int:
    """Where the text of an arm whose first label is at *pos* begins.

    The arm takes the label's indentation and the comment-only lines right
    above it (not crossing *floor*, the end of the previous label, and never
    splitting a comment).  A label sharing its line with earlier code starts
    exactly at the label.
    """
    start = decl_start(src, pos)
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
