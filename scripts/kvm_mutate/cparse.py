# SPDX-License-Identifier: GPL-2.0
"""Tokens and statements of one sliced function body, enough to place
mutants: no preprocessor, no types; a masked copy (comments and literal
contents blanked, kvm_slice.lexer) keeps every offset of the original.

A body is parsed into statements (blocks, if/else, loops, switch, labels,
expression statements, declarations, jumps); expressions stay token runs.
Preprocessor lines inside a body (#ifdef arms the slicer kept) are not
tokens; a mutant whose text would span one is never placed.
"""

import re
from dataclasses import dataclass, field
from typing import Iterator, Optional

TOKEN_RE = re.compile(r"""
    (?P<id>[A-Za-z_]\w*)
  | (?P<num>\.?\d(?:[eEpP][+-]|[\w.])*)
  | (?P<str>"[^"\n]*"|'[^'\n]*')
  | (?P<op>\.\.\.|<<=|>>=|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^]=
          |[{}()\[\];,.<>=!~?:+\-*/%&|^#])
""", re.X)

KEYWORDS = {"if", "else", "for", "while", "do", "switch", "case", "default",
            "return", "break", "continue", "goto", "sizeof", "typeof",
            "__typeof__", "static", "const", "volatile", "struct", "union",
            "enum", "unsigned", "signed", "extern", "register", "inline"}
TYPE_WORDS = {"struct", "union", "enum", "const", "static", "volatile",
              "unsigned", "signed", "int", "long", "short", "char", "bool",
              "void", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
              "size_t", "unsigned", "__u64", "__u32", "register"}


@dataclass
class Tok:
    kind: str       # id, num, str, op
    text: str
    start: int      # offsets in the file text
    end: int


@dataclass
class Stmt:
    kind: str       # block if loop do switch case default label expr decl
                    # return break continue goto empty
    lo: int         # first token index
    hi: int         # one past the last token index
    cond: Optional[tuple[int, int]] = None   # tokens inside ( ) of if/...
    kids: list["Stmt"] = field(default_factory=list)
    label: Optional[tuple[int, int]] = None  # case X : -> tokens of X


def preproc_spans(code: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Character spans of preprocessor lines (with continuations)."""
    spans = []
    for m in re.finditer(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", code[lo:hi], re.M):
        spans.append((lo + m.start(), lo + m.end()))
    return spans


def tokenize(code: str, lo: int, hi: int,
             pp: list[tuple[int, int]]) -> list[Tok]:
    toks = []
    k = 0
    for m in TOKEN_RE.finditer(code, lo, hi):
        while k < len(pp) and pp[k][1] <= m.start():
            k += 1
        if k < len(pp) and pp[k][0] <= m.start() < pp[k][1]:
            continue
        toks.append(Tok(m.lastgroup or "op", m.group(), m.start(), m.end()))
    return toks


class Body:
    """The tokens of a function body ({ ... }) and its statement tree."""

    def __init__(self, code: str, lo: int, hi: int) -> None:
        self.code = code
        self.pp = preproc_spans(code, lo, hi)
        self.toks = tokenize(code, lo, hi, self.pp)
        self.match = self._match()
        self.ok = True
        self.root = self._stmt(0)[0]

    def _match(self) -> dict[int, int]:
        m: dict[int, int] = {}
        stack: list[int] = []
        pairs = {")": "(", "]": "[", "}": "{"}
        for i, t in enumerate(self.toks):
            if t.text in "([{" and t.kind == "op":
                stack.append(i)
            elif t.text in pairs and t.kind == "op":
                if not stack or self.toks[stack[-1]].text != pairs[t.text]:
                    raise ValueError(f"unbalanced {t.text!r}")
                j = stack.pop()
                m[j], m[i] = i, j
        if stack:
            raise ValueError("unbalanced brackets")
        return m

    def text(self, i: int) -> str:
        return self.toks[i].text if i < len(self.toks) else ""

    def spans_pp(self, a: int, b: int) -> bool:
        """Whether characters [a, b) contain a preprocessor line."""
        return any(a < e and s < b for s, e in self.pp)

    def _until_semicolon(self, i: int) -> int:
        """Index one past the ';' ending the statement at i (depth 0)."""
        n = len(self.toks)
        while i < n:
            t = self.toks[i].text
            if t in "([{" and i in self.match:
                i = self.match[i] + 1
                continue
            if t == ";":
                return i + 1
            if t == "}":
                return i        # tolerate a missing ';' before '}'
            i += 1
        return n

    def _stmt(self, i: int) -> tuple[Stmt, int]:
        t = self.text(i)
        if t == "{":
            end = self.match[i]
            s = Stmt("block", i, end + 1)
            j = i + 1
            while j < end:
                kid, j = self._stmt(j)
                s.kids.append(kid)
            return s, end + 1
        if t == ";":
            return Stmt("empty", i, i + 1), i + 1
        if t in ("if", "switch", "while", "for") and self.text(i + 1) == "(":
            close = self.match[i + 1]
            body, j = self._stmt(close + 1)
            kind = {"while": "loop", "for": "loop"}.get(t, t)
            s = Stmt(kind, i, j, cond=(i + 2, close), kids=[body])
            if t == "if" and self.text(j) == "else":
                other, j = self._stmt(j + 1)
                s.kids.append(other)
                s.hi = j
            return s, j
        if t == "do":
            body, j = self._stmt(i + 1)
            if self.text(j) == "while" and self.text(j + 1) == "(":
                j = self._until_semicolon(self.match[j + 1] + 1)
            return Stmt("do", i, j, kids=[body]), j
        if t in ("case", "default"):
            j = i + 1
            while j < len(self.toks) and self.text(j) != ":":
                j = self.match.get(j, j) + 1 if self.text(j) in "([" \
                    else j + 1
            return Stmt(t, i, j + 1, label=(i + 1, j)), j + 1
        if t in ("return", "break", "continue", "goto"):
            j = self._until_semicolon(i)
            return Stmt(t, i, j), j
        if self.toks[i].kind == "id" and self.text(i + 1) == ":" and \
                t not in KEYWORDS:
            return Stmt("label", i, i + 2), i + 2
        return self._expr_or_macro_loop(i)

    def _expr_or_macro_loop(self, i: int) -> tuple[Stmt, int]:
        """An expression statement or declaration, or a loop-like macro
        (for_each_x(...) { ... }, scoped_guard(...) stmt)."""
        t0 = self.toks[i]
        if t0.kind == "id" and self.text(i + 1) == "(":
            close = self.match[i + 1]
            nxt = self.text(close + 1)
            if nxt == "{" or (self.toks[close + 1].kind == "id"
                              if close + 1 < len(self.toks) else False):
                if nxt == "{" or self.text(close + 2) in ("(", "=", "->"):
                    body, j = self._stmt(close + 1)
                    return Stmt("loop", i, j, cond=(i + 2, close),
                                kids=[body]), j
        j = self._until_semicolon(i)
        kind = "decl" if self._is_decl(i, j) else "expr"
        return Stmt(kind, i, j), j

    def _is_decl(self, i: int, j: int) -> bool:
        t = self.toks
        if t[i].text in TYPE_WORDS:
            return True
        if t[i].kind == "id" and i + 1 < j and t[i + 1].kind == "id":
            return True
        k = i + 1
        while k < j and t[k].text == "*":
            k += 1
        return (t[i].kind == "id" and k > i + 1 and k < j and
                t[k].kind == "id" and
                self.text(k + 1) in ("=", ";", ",", "["))


def walk(s: Stmt) -> Iterator[tuple[Stmt, Optional[Stmt]]]:
    """Every statement, pre-order, with its parent."""
    stack: list[tuple[Stmt, Optional[Stmt]]] = [(s, None)]
    while stack:
        cur, parent = stack.pop()
        yield cur, parent
        for kid in reversed(cur.kids):
            stack.append((kid, cur))
