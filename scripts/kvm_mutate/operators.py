# SPDX-License-Identifier: GPL-2.0
"""Mutation operators: where a mutant can be placed in a function body and
the edit that holds it.

Each operator yields Edits: a span of the slice's text, the mutants it
holds and how to wrap the (already edited) text of the span so that the
original runs unless sim_mutant(ID) says the mutant is active.  Only one
mutant is ever active, so a mutated alternative is written from the
original text of the span (raw()), never from the edited one.  No edit
adds a newline: the slice's #line directives stay true.
"""

import re
from dataclasses import dataclass, field
from functools import partial
from typing import Callable, Iterable, Iterator, Optional, Union

from kvm_slice.lexer import strip_comments

from .cparse import Body, Stmt, walk

CMP_FLIP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=",
            "!=": "=="}
ASSIGN = {"=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=",
          ">>="}
# Bit masks and constants of one family replace each other (the longest
# prefix names the family).
FAMILIES = ("XFEATURE_MASK_", "XFEATURE_", "CET_", "X86_FEATURE_",
            "MSR_IA32_", "MSR_KVM_", "VM_ENTRY_", "VM_EXIT_",
            "KVM_MSR_RET_", "HOST_", "GUEST_", "KVM_REG_")
INT_TYPES = {"int", "long", "unsigned", "u8", "u16", "u32", "u64", "s8",
             "s16", "s32", "s64", "size_t", "fastpath_t", "short"}


# A mutant whose alternative does not compile is left out by rendering its
# ID as None: every wrap below then keeps the original for it.
Ids = list[Optional[int]]


@dataclass
class Mutant:
    op: str
    desc: str
    at: int                     # offset of the site in the slice text
    id: int = -1
    function: str = ""
    file: str = ""
    line: int = 0
    code: str = ""              # the tree's line, as it reads


@dataclass
class Edit:
    lo: int
    hi: int
    muts: list[Mutant]
    wrap: Callable[[str, Ids], str]
    share: list["Edit"] = field(default_factory=list)  # same mutants


def flat(s: str) -> str:
    return " ".join(strip_comments(s).split())



def alt(k: int, text: str) -> str:
    """A mutated alternative, marked so that a compiler error inside it
    names its mutant (schemata.compile_errors)."""
    return f"/*<m {k}>*/{text}/*</m>*/"


def chain(ids: Ids, alts: list[str], inner: str) -> str:
    """(sim_mutant(A) ? altA : sim_mutant(B) ? altB : ... : inner)"""
    arms = [f"sim_mutant({k}) ? {alt(k, '(' + a + ')')} : "
            for k, a in zip(ids, alts) if k is not None]
    return "(" + "".join(arms) + inner + ")" if arms else inner


def moved_copy(stmt: str, inner: str, ids: Ids) -> str:
    """A statement's copy run after the next one when ids[0] is active."""
    if ids[0] is None:
        return ""
    return f" if (sim_mutant({ids[0]})) " + alt(ids[0], f"{{ {stmt} }}")


def swapped_call(call: str, inner: str, ids: Ids) -> str:
    return chain(ids, [call], inner)


def guard(k: Optional[int], inner: str) -> str:
    """The statement inner, skipped when mutant k is active."""
    return inner if k is None else f"{{ if (!sim_mutant({k})) {inner} }}"


class Function:
    """One function definition of the slice and its operators' edits."""

    def __init__(self, text: str, code: str, name: str, header: str,
                 lo: int, hi: int, callees: set[str]) -> None:
        self.text, self.name, self.header = text, name, header
        self.body = Body(code, lo, hi)
        self.toks = self.body.toks
        self.callees = callees
        self.labels: set[int] = set()       # token indices in case labels
        self.static_decl: set[int] = set()  # tokens of static locals
        self.arm: dict[int, str] = {}       # token -> its switch arm's label
        self.under: dict[int, str] = {}     # token -> innermost if's test
        for s, _ in walk(self.body.root):
            if s.kind == "switch" and s.kids and s.kids[0].kind == "block":
                self.mark_arms(s.kids[0])
            if s.kind == "if" and s.cond and s.kids:
                test = self.raw(*s.cond)
                for t in range(s.kids[0].lo, s.kids[0].hi):
                    self.under[t] = test
            if s.kind in ("case", "default") and s.label:
                self.labels.update(range(s.label[0], s.label[1]))
            if s.kind == "decl" and self.toks[s.lo].text == "static":
                self.static_decl.update(range(s.lo, s.hi))

    def mark_arms(self, blk: Stmt) -> None:
        """Each statement of a switch's arms gets the arm's first label
        (inner switches, walked later, overwrite theirs)."""
        label, fresh = "", True
        for k in blk.kids:
            if k.kind in ("case", "default"):
                if fresh:
                    label = self.raw(k.lo, k.hi)
                fresh = False
                continue
            fresh = True
            for t in range(k.lo, k.hi):
                self.arm[t] = label

    # --- helpers -------------------------------------------------------
    def span(self, a: int, b: int) -> tuple[int, int]:
        """Characters of tokens [a, b)."""
        return self.toks[a].start, self.toks[b - 1].end

    def raw(self, a: int, b: int) -> str:
        lo, hi = self.span(a, b)
        return flat(self.text[lo:hi])

    def edit(self, a: int, b: int, muts: list[Mutant],
             wrap: Callable[[str, Ids], str]) -> Optional[Edit]:
        lo, hi = self.span(a, b)
        if self.body.spans_pp(lo, hi):
            return None
        return Edit(lo, hi, muts, wrap)

    def mut(self, op: str, desc: str, tok: int) -> Mutant:
        return Mutant(op, desc, self.toks[tok].start)

    # --- operators -----------------------------------------------------
    def edits(self) -> Iterator[Edit]:
        yield from self.early_return()
        for s, _ in walk(self.body.root):
            if s.kind == "expr" and self.is_call_stmt(s):
                yield from self.opt(self.drop_stmt(s, "drop-call"))
            elif s.kind == "break":
                yield from self.opt(self.drop_stmt(s, "drop-break"))
            elif s.kind == "if" and s.cond:
                yield from self.opt(self.if_cond(s))
            elif s.kind == "switch" and s.cond:
                yield from self.opt(self.cases(s))
            if s.kind == "block":
                yield from self.swaps(s)
        for i, t in enumerate(self.toks):
            if i in self.labels or i in self.static_decl:
                continue
            if t.text in CMP_FLIP:
                yield from self.opt(self.compare(i))
            elif t.text in ("true", "false"):
                yield from self.opt(self.bool_swap(i))
            elif t.kind == "id" and self.text_at(i + 1) == "(" and \
                    t.text in self.callees:
                yield from self.arg_swaps(i)

    @staticmethod
    def opt(e: Union[Edit, Iterable[Edit], None]) -> Iterator[Edit]:
        if e is None:
            return
        if isinstance(e, Edit):
            yield e
        else:
            yield from e

    def text_at(self, i: int) -> str:
        return self.body.text(i)

    def is_call_stmt(self, s: Stmt) -> bool:
        depth_call = False
        i = s.lo
        while i < s.hi:
            t = self.toks[i].text
            if t in ASSIGN or t in ("++", "--"):
                return False
            if t == "(":
                if i > s.lo and self.toks[i - 1].kind == "id":
                    depth_call = True
                i = self.body.match[i] + 1
                continue
            i += 1
        return depth_call

    def drop_stmt(self, s: Stmt, op: str) -> Optional[Edit]:
        desc = f"delete `{self.raw(s.lo, s.hi)}`"
        if op == "drop-break" and s.lo in self.arm:
            desc += f" of the arm of `{self.arm[s.lo]}`"
        return self.edit(s.lo, s.hi, [self.mut(op, desc, s.lo)],
                         lambda inner, ids: guard(ids[0], inner))

    def if_cond(self, s: Stmt) -> Optional[Edit]:
        a, b = s.cond or (0, 0)
        if a >= b:
            return None
        c = self.raw(a, b)
        muts = [self.mut("if-invert", f"`if ({c})` inverted", a),
                self.mut("if-always", f"`if ({c})` always taken", a)]
        return self.edit(a, b, muts, lambda inner, ids:
                         chain(ids, [f"!({c})", "1"], f"({inner})"))

    def early_return(self) -> Iterator[Edit]:
        head = self.header.split(self.name + "(")[0] if \
            self.name + "(" in self.header else self.header
        words = re.findall(r"[A-Za-z_]\w*|\*", head)
        if "*" in words:
            vals = ["NULL"]
        elif not words:
            return
        elif words[-1] == "void":
            vals = [""]
        elif words[-1] == "bool":
            vals = ["false", "true"]
        elif words[-1] in INT_TYPES:
            vals = ["0", "1"]
        else:
            return
        at = self.toks[0].end
        muts = [Mutant("return-early", f"return {v or '(void)'} on entry "
                       f"to {self.name}()", at) for v in vals]

        def wrap(inner: str, ids: Ids) -> str:
            return " ".join(f"if (sim_mutant({k})) "
                            + alt(k, f"return {v};")
                            for k, v in zip(ids, vals) if k is not None)
        yield Edit(at, at, muts, wrap)

    def cases(self, s: Stmt) -> Optional[Edit]:
        """Remove a case label (its values go to default, or nowhere) or
        move it to the next arm: the switch's operand is redirected."""
        body = s.kids[0] if s.kids else None
        if body is None or body.kind != "block" or not s.cond:
            return None
        arms: list[list[Stmt]] = []
        prev_label = False
        for k in body.kids:
            if k.kind in ("case", "default"):
                if not prev_label:
                    arms.append([])
                arms[-1].append(k)
                prev_label = True
            else:
                prev_label = False
        alts: list[tuple[str, str, str, int]] = []  # op, value, to, tok
        for n, arm in enumerate(arms):
            other = arms[n + 1] if n + 1 < len(arms) else \
                (arms[n - 1] if n else None)
            to = next((x for x in (other or []) if x.kind == "case"), None)
            for lab in arm:
                if lab.kind != "case" or not lab.label:
                    continue
                la, lb = lab.label
                v = self.raw(la, lb)
                if "..." in v:
                    continue
                alts.append(("case-remove", v, "", lab.lo))
                if to is not None and to.label and "..." not in \
                        self.raw(to.label[0], to.label[1]):
                    alts.append(("case-move", v,
                                 self.raw(to.label[0], to.label[1]),
                                 lab.lo))
        if not alts:
            return None
        muts = [self.mut(op, f"`case {v}:` removed (to default)"
                         if op == "case-remove" else
                         f"`case {v}:` moved to the arm of `case {to}:`", t)
                for op, v, to, t in alts]
        a, b = s.cond

        def wrap(inner: str, ids: Ids) -> str:
            parts = [f"__mv == ({v}) && sim_mutant({k}) ? "
                     + alt(k, f"(__typeof__(__mv))({to or '~0ULL'})")
                     + " : "
                     for k, (op, v, to, _) in zip(ids, alts)
                     if k is not None]
            if not parts:
                return inner
            return (f"({{ __auto_type __mv = ({inner}); "
                    + "".join(parts) + "__mv; })")
        return self.edit(a, b, muts, wrap)

    def swaps(self, blk: Stmt) -> Iterator[Edit]:
        """Two adjacent expression statements run in the other order."""
        kids = blk.kids
        for k in range(len(kids) - 1):
            s1, s2 = kids[k], kids[k + 1]
            if s1.kind != "expr" or s2.kind != "expr":
                continue
            r1, r2 = self.raw(s1.lo, s1.hi), self.raw(s2.lo, s2.hi)
            if r1 == r2:
                continue
            m = self.mut("swap-stmts", f"`{r1}` and `{r2}` swapped", s1.lo)
            first = self.edit(s1.lo, s1.hi, [m],
                              lambda inner, ids: guard(ids[0], inner))
            end = self.toks[s2.hi - 1].end
            if first is None or self.body.spans_pp(first.lo, end):
                continue
            second = Edit(end, end, [], partial(moved_copy, r1))
            first.share.append(second)
            yield first
            yield second

    def compare(self, i: int) -> Optional[Edit]:
        op = self.toks[i].text
        eq = op in ("==", "!=")
        l, r = self.operand(i, -1, eq), self.operand(i, +1, eq)
        if l is None or r is None:
            return None
        left, right = self.raw(l, i), self.raw(i + 1, r)
        new = CMP_FLIP[op]
        m = self.mut("compare", f"`{left} {op} {right}` -> `{new}`", i)
        return self.edit(l, r, [m], lambda inner, ids:
                         chain(ids, [f"({left}) {new} ({right})"],
                               f"({inner})"))

    STOP = ASSIGN | {";", ",", "?", ":", "&&", "||", "|", "^", "{", "}",
                     "return", "case", "if", "else", "while", "do", "for",
                     "switch", "goto"}

    def operand(self, i: int, step: int, eq: bool) -> Optional[int]:
        """Token bound of the operand of the comparison at i: the first
        token index of the left operand (step -1) or one past the right
        one (step +1); None when precedence makes it ambiguous."""
        j = i + step
        n = len(self.toks)
        same = {"==", "!="} if eq else {"<", "<=", ">", ">="}
        lower = set() if eq else {"==", "!="}
        last = i
        while 0 <= j < n:
            t = self.toks[j].text
            if t in (")", "]") and step < 0 or t in ("(", "[") and step > 0:
                m = self.body.match.get(j)
                if m is None:
                    break
                last = j = m
                j += step
                continue
            if t in ("(", "[", ")", "]"):
                break
            if t in self.STOP or t in lower:
                break
            if t in same:
                if step < 0:
                    return None     # a < b < c: left-associative chain
                break
            if t == "&" and self.binary(j):
                break
            last = j
            j += step
        if last == i:
            return None
        return last if step < 0 else last + 1

    def binary(self, j: int) -> bool:
        """Whether the & at j is the binary operator (not address-of)."""
        if j == 0:
            return False
        p = self.toks[j - 1]
        return p.kind in ("id", "num", "str") and p.text not in \
            ("return", "case", "sizeof") or p.text in (")", "]")

    def bool_swap(self, i: int) -> Optional[Edit]:
        t = self.toks[i].text
        new = "false" if t == "true" else "true"
        where = f" under `if ({self.under[i]})`" if i in self.under else ""
        m = self.mut("bool-swap", f"`{t}` -> `{new}`{where}", i)
        return self.edit(i, i + 1, [m], lambda inner, ids:
                         chain(ids, [new], inner))

    def family_swap(self, i: int, members: dict[str, list[str]]
                    ) -> Optional[Edit]:
        t = self.toks[i]
        if i in self.labels or i in self.static_decl:
            return None
        if i and self.toks[i - 1].text in (".", "->", "#", "##"):
            return None
        if self.text_at(i + 1) in ("(", "##"):
            return None
        fam = family(t.text)
        if fam is None:
            return None
        peers = members.get(fam, [])
        if t.text not in peers or len(peers) < 2:
            return None
        k = peers.index(t.text)
        alts = sorted({peers[(k + 1) % len(peers)],
                       peers[(k - 1) % len(peers)]} - {t.text})
        muts = [self.mut("mask-swap", f"`{t.text}` -> `{a}`", i)
                for a in alts]

        return self.edit(i, i + 1, muts,
                         lambda inner, ids: chain(ids, alts, inner))

    def arg_swaps(self, i: int) -> Iterator[Edit]:
        """Two adjacent arguments of a call to a function the slice
        declares, swapped."""
        open_ = i + 1
        close = self.body.match.get(open_)
        if close is None:
            return
        args, start, j = [], open_ + 1, open_ + 1
        while j < close:
            t = self.toks[j].text
            if t in ("(", "[", "{"):
                j = self.body.match[j] + 1
                continue
            if t == ",":
                args.append((start, j))
                start = j + 1
            j += 1
        args.append((start, close))
        if len(args) < 2 or any(a >= b for a, b in args):
            return
        name = self.toks[i].text
        raws = [self.raw(a, b) for a, b in args]
        for k in range(len(args) - 1):
            if raws[k] == raws[k + 1] or any(
                    x in raws[k] + raws[k + 1] for x in ("=", "++", "--")):
                continue
            sw = raws[:k] + [raws[k + 1], raws[k]] + raws[k + 2:]
            call = f"{name}({', '.join(sw)})"
            m = self.mut("swap-args", f"`{name}()` arguments {k + 1} and "
                         f"{k + 2} swapped ({raws[k]}, {raws[k + 1]})", i)
            e = self.edit(i, close + 1, [m], partial(swapped_call, call))
            if e is not None:
                yield e


def family(name: str) -> Optional[str]:
    best = None
    for f in FAMILIES:
        if name.startswith(f) and len(name) > len(f) and \
                (best is None or len(f) > len(best)):
            best = f
    return best
