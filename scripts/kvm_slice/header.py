# SPDX-License-Identifier: GPL-2.0
"""Recognising a function definition header in front of a top-level '{'."""

import re
from typing import Optional, cast

# (token, offset) of each token of a header
Toks = list[tuple[str, int]]

_HDR_TOKEN_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\S")
_NOT_NAMES = frozenset("""
    if for while switch return sizeof typeof __typeof__ __typeof do else
    case goto alignof _Alignof __alignof__ __attribute__ __attribute asm
    __asm__ __asm _Static_assert static_assert _Generic __builtin_offsetof
    struct union enum
""".split())


def _match_paren(toks: Toks, i: int) -> Optional[int]:
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


def _is_ident(t: str) -> bool:
    return t[0].isalpha() or t[0] == "_"


def _trailer_ok(toks: Toks, i: int) -> bool:
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


def _skip_macro_calls(code: str, toks: Toks, name_idx: int) -> int:
    """Index of the first header token after leading macro invocations.

    Kernel code sometimes invokes a macro at top level without a trailing
    ';' (``DEFINE_GUARD(...)`` or ``BUILD_HELPER(read)`` on its own lines),
    so such ``UPPER_CASE(...)`` groups ending their line are not part of the
    declaration that follows.
    """
    k = 0
    while (k + 1 < name_idx and _MACRO_NAME_RE.match(toks[k][0])
           and toks[k + 1][0] == "("):
        # parse_header() matched every '(' before name_idx
        j = cast(int, _match_paren(toks, k + 1))
        if j + 1 >= name_idx or "\n" not in code[toks[j][1]:toks[j + 1][1]]:
            break
        k = j + 1
    return k


def parse_header(code: str, lo: int,
                 hi: int) -> Optional[tuple[str, int]]:
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
