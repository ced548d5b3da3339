# SPDX-License-Identifier: GPL-2.0
"""Preprocessor directives, and brace depth across #if/#elif/#else/#endif.

For every ``#if`` group the brace depth after the ``#endif`` is the depth
reached at the end of the group's first branch (see CondTracker); two
definitions in different branches of one group are mutually exclusive.
"""

import re

# What a brace-counting scan stops at: a preprocessor line, '{', '}' or ';'.
TOP_RE = re.compile(r"^[ \t]*#|[{};]", re.M)

DIRECTIVE_RE = re.compile(r"[ \t]*#[ \t]*([A-Za-z_]*)")
DEFINE_RE = re.compile(r"[ \t]*#[ \t]*define[ \t]+([A-Za-z_][A-Za-z0-9_]*)")
_COND_OPEN = frozenset(("if", "ifdef", "ifndef"))
_COND_ALT = frozenset(("elif", "else", "elifdef", "elifndef"))
COND_KWS = _COND_OPEN | _COND_ALT | {"endif"}


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
