# SPDX-License-Identifier: GPL-2.0
"""Preprocessor directives, and brace depth across #if/#elif/#else/#endif.

For every ``#if`` group the brace depth after the ``#endif`` is the depth
reached at the end of the group's first branch (see CondTracker); two
definitions in different branches of one group are mutually exclusive.
"""

import re
from dataclasses import dataclass
from typing import Optional, cast

# What a brace-counting scan stops at: a preprocessor line, '{', '}' or ';'.
TOP_RE = re.compile(r"^[ \t]*#|[{};]", re.M)

DIRECTIVE_RE = re.compile(r"[ \t]*#[ \t]*([A-Za-z_]*)")
DEFINE_RE = re.compile(r"[ \t]*#[ \t]*define[ \t]+([A-Za-z_][A-Za-z0-9_]*)")
_COND_OPEN = frozenset(("if", "ifdef", "ifndef"))
_COND_ALT = frozenset(("elif", "else", "elifdef", "elifndef"))
COND_KWS = _COND_OPEN | _COND_ALT | {"endif"}

# Where a line is: ((group id, branch index), ...) of the #if groups
# around it, outermost first (CondTracker.path()).
BranchPath = tuple[tuple[int, int], ...]


def directive_kw(code: str, pos: int) -> str:
    """The keyword of the directive at *pos*: a scan found its '#'
    there, so DIRECTIVE_RE matches."""
    return cast(re.Match[str], DIRECTIVE_RE.match(code, pos)).group(1)


@dataclass
class _Frame:
    """One open #if group."""
    at_if: int                # the depth at the #if
    after_first: Optional[int]    # at the end of the first branch
    gid: int                  # group id
    n: int                    # branch index (0: the #if's own)


class CondTracker:
    """Brace depth across #if/#elif/#else/#endif.

    Only the first branch of each #if group decides the nesting: at #elif /
    #else the depth is reset to the depth at the #if, and after #endif it is
    the depth reached at the end of the first branch.  Braces inside the
    other branches are still counted while inside them (so that a complete
    definition in an #else branch is still seen), but such a branch can
    never close a block opened before its #if.
    """

    def __init__(self, depth: int = 0) -> None:
        self.depth = depth
        self.stack: list[_Frame] = []
        self.next_gid = 0
        self.floor = 0            # lowest depth reachable in this branch

    def open(self) -> None:
        self.depth += 1

    def close(self) -> bool:
        """Count a '}'; returns False if it was ignored."""
        if self.depth <= self.floor:
            return False
        self.depth -= 1
        return True

    def _update_floor(self) -> None:
        self.floor = max((f.at_if for f in self.stack if f.n), default=0)

    def directive(self, kw: str) -> None:
        """Update state for directive keyword *kw*."""
        if kw in _COND_OPEN:
            self.stack.append(_Frame(self.depth, None, self.next_gid, 0))
            self.next_gid += 1
        elif kw in _COND_ALT and self.stack:
            frame = self.stack[-1]
            if frame.after_first is None:
                frame.after_first = self.depth
            self.depth = frame.at_if
            frame.n += 1
        elif kw == "endif" and self.stack:
            frame = self.stack.pop()
            if frame.after_first is not None:
                self.depth = frame.after_first
        else:
            return
        self._update_floor()

    def path(self) -> BranchPath:
        """The current branch path: ((group id, branch index), ...)."""
        return tuple((f.gid, f.n) for f in self.stack)


def exclusive(path_a: BranchPath, path_b: BranchPath) -> bool:
    """True if two branch paths of one file can never both be compiled."""
    branches = dict(path_a)
    return any(g in branches and branches[g] != b for g, b in path_b)
