# SPDX-License-Identifier: GPL-2.0
"""Comment and literal masking of C source, and the indexed source file.

The scanner never runs the preprocessor: it works on a masked copy of each
file in which comments are blanked and literals keep only their quotes, so
that braces, semicolons and names inside them are never seen.  Offsets and
newlines are the same in the masked copy as in the original text.
"""

import bisect
import os
import re
from typing import Optional

# Comments, string literals and character literals, earliest match wins.
# An unterminated block comment runs to the end of the text (this also lets
# strip_comments() work on a prefix of a comment).  Literals never span an
# unescaped newline, so a stray apostrophe (e.g. in "#error can't") is
# simply left alone.
LEXEME_RE = re.compile(r"""
      (?P<c> /\*.*?(?:\*/|\Z) | //(?:\\\n|[^\n])* )
    | "(?:\\.|[^"\\\n])*"
    | '(?:\\.|[^'\\\n])*'
""", re.S | re.X)


def blank(s: str) -> str:
    """Replace every character of *s* except newlines by a space."""
    if "\n" not in s:
        return " " * len(s)
    return "\n".join(" " * len(part) for part in s.split("\n"))


def strip_comments(s: str) -> str:
    """Return *s* with comments blanked out (literals kept)."""
    def repl(m: re.Match[str]) -> str:
        return blank(m.group()) if m.group("c") else m.group()
    return LEXEME_RE.sub(repl, s)


def mask_code(text: str) -> tuple[str, list[int], list[int]]:
    """Blank comments and literal contents, keeping offsets and newlines.

    Returns (code, comment_starts, comment_ends): *code* has the same length
    as *text*; comments become spaces and literals keep only their quotes.
    The comment spans are sorted, for is-inside-a-comment lookups.
    """
    pieces, starts, ends, last = [], [], [], 0
    for m in LEXEME_RE.finditer(text):
        s, e = m.span()
        pieces.append(text[last:s])
        if m.group("c"):
            pieces.append(blank(m.group()))
            starts.append(s)
            ends.append(e)
        else:
            pieces.append(text[s] + blank(text[s + 1:e - 1]) + text[e - 1])
        last = e
    pieces.append(text[last:])
    return "".join(pieces), starts, ends


_NEWLINE_RE = re.compile("\n")


class SourceFile:
    """One indexed file: original text plus its masked copy."""

    def __init__(self, tree: str, rel: str, text: str,
                 masked: Optional[tuple[str, list[int], list[int]]] = None
                 ) -> None:
        """*masked*: mask_code(text), if it is known already."""
        self.rel = rel
        self.path = os.path.join(tree, rel)
        self.text = text
        self.code, self.cstarts, self.cends = masked or mask_code(text)
        self._newlines: Optional[list[int]] = None

    def line_of(self, pos: int) -> int:
        """1-based line number of offset *pos*."""
        if self._newlines is None:
            # the offset of every newline, once: a definition asks for
            # its line, its end's and its report's
            self._newlines = [m.start() for m in _NEWLINE_RE.finditer(
                self.text)]
        return bisect.bisect_left(self._newlines, pos) + 1

    def in_comment(self, pos: int) -> Optional[int]:
        """Return the end of the comment containing *pos*, or None."""
        i = bisect.bisect_right(self.cstarts, pos) - 1
        if i >= 0 and self.cends[i] > pos:
            return self.cends[i]
        return None

    def splits_comment(self, pos: int) -> bool:
        """True if *pos* lies strictly inside a comment."""
        i = bisect.bisect_left(self.cstarts, pos) - 1
        return i >= 0 and self.cends[i] > pos

    def directive_end(self, pos: int) -> int:
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

    def line_start(self, pos: int) -> int:
        """Offset of the first character of the line containing *pos*."""
        return self.text.rfind("\n", 0, pos) + 1


def decl_start(src: SourceFile, start: int) -> int:
    """Move *start* back to its line start if only blanks precede it."""
    ls = src.line_start(start)
    return ls if not src.text[ls:start].strip() else start
