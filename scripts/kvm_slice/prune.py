# SPDX-License-Identifier: GPL-2.0
"""Switch arm pruning (``arms=``).

Keeps the arms of a function's switch whose labels name a spec token (plus
the default arm and arms a kept arm falls through into) and blanks the
others, keeping #if nesting and every line number of what is left.
"""

import re
from typing import TYPE_CHECKING, Optional, cast

from .conditionals import COND_KWS, TOP_RE, CondTracker, directive_kw
from .errors import PROG
from .index import Definition, word_re
from .lexer import SourceFile, decl_start, strip_comments
from .switch import (Directive, Label, SwitchInfo, arm_falls_through,
                     arm_start, find_switch, group_arms)

if TYPE_CHECKING:
    from .resolve import Result     # which imports this module


def blank_region(src: SourceFile, lo: int, hi: int,
                 directives: list[Directive]) -> str:
    """Replacement text for a dropped region src.text[lo:hi].

    Only the newlines survive, except conditional preprocessor lines, which
    are kept (comments stripped) so that #if nesting stays balanced.  If the
    region ends mid-line, its last partial line becomes spaces so that what
    follows keeps its column.
    """
    out, p = [], lo
    for s, e, kw in directives:
        if kw in COND_KWS and lo <= s and e <= hi:
            out.append("\n" * src.text.count("\n", p, s))
            kept = strip_comments(src.text[s:e])
            out.append("\n".join(ln.rstrip() for ln in kept.split("\n")))
            p = e
    tail = src.text[p:hi]
    out.append("\n" * tail.count("\n"))
    if hi < len(src.text) and src.text[hi] != "\n":
        out.append(" " * (len(tail) - tail.rfind("\n") - 1))
    return "".join(out)


def _label_text(src: SourceFile, lab: Label) -> str:
    """A label's source text, comments dropped, whitespace normalised."""
    return " ".join(strip_comments(src.text[lab.start:lab.end]).split())


def _is_default(src: SourceFile, arm: list[Label]) -> bool:
    return any(src.code.startswith("default", lab.start) for lab in arm)


def select_arms(src: SourceFile, info: SwitchInfo, arms: list[list[Label]],
                tokens: tuple[str, ...], res: "Result") -> list[bool]:
    """Decide which arms to keep; returns a list of booleans."""
    want = cast(re.Pattern[str], word_re(tokens))   # tokens: never empty
    keep: list[bool] = []
    matched: set[str] = set()
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


def braces_balanced(text: str) -> bool:
    """True if *text* (one function) closes its body exactly at its end.

    Braces are counted like the top-level scan does (first branch of each
    #if group decides).  Used as a safety net after pruning.
    """
    src = SourceFile("", "<pruned>", text)
    cond, skip_until = CondTracker(), -1
    for m in TOP_RE.finditer(src.code):
        pos = m.start()
        if pos < skip_until:
            continue
        ch = src.code[m.end() - 1]
        if ch == "#":
            skip_until = src.directive_end(pos)
            cond.directive(directive_kw(src.code, pos))
        elif ch == "{":
            cond.open()
        elif ch == "}" and cond.close() and cond.depth == 0:
            return not src.code[pos + 1:].strip()
    return False


def switch_names(src: SourceFile, defn: Definition,
                 tokens: tuple[str, ...]) -> bool:
    """Does the switch directly in *defn*'s body have a case label naming
    one of *tokens*?  (False without such a switch.)"""
    info = find_switch(src, defn)
    if info is None:
        return False
    want = cast(re.Pattern[str], word_re(tokens))   # tokens: never empty
    return any(want.search(src.code, lab.start, lab.end)
               for arm in group_arms(src, info) for lab in arm)


def prune_function(res: "Result", tokens: tuple[str, ...]) -> Optional[str]:
    """Keep the arms of the found function's switch that name *tokens*
    (the spec's ``arms=``), filling *res*.

    Returns an error message, or None.
    """
    entry, d = res.entry, res.defn
    assert d is not None            # only a found function is pruned
    src = d.src
    info = find_switch(src, d)
    if info is None:
        return (f"{PROG}: {entry.name} ({d.where()}): arms= given but no "
                f"switch statement found directly in the function body")
    arms = group_arms(src, info)
    keep = select_arms(src, info, arms, tokens, res)
    starts = [arm_start(src, arm[0].start,
                        arms[k - 1][-1].end if k else info.open + 1)
              for k, arm in enumerate(arms)]
    close = decl_start(src, info.close)
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
