# SPDX-License-Identifier: GPL-2.0
"""The mutated slice: every mutant of every sliced function in one
translation unit (mutant schemata), each behind sim_mutant(ID).

mutate_slice(text) takes the slicer's slice.c and returns the mutated
text and the mutants, each with the function, the tree's file:line (from
the slice's #line directives) and that line as the tree has it.
"""

import re
from typing import Collection, Iterable, Optional

from kvm_slice.lexer import mask_code

from .operators import Edit, Function, Ids, Mutant, family

LINE_RE = re.compile(r'^#line (\d+) "((?:\\.|[^"\\])*)"\n', re.M)
PROTO_RE = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
PRELUDE = '#include "kvm_x86_sim/mutant.h"\n'


class Definition:
    def __init__(self, name: str, header: str, body_lo: int, body_hi: int,
                 line: int, path: str, line_at: int) -> None:
        self.name, self.header = name, header
        self.lo, self.hi = body_lo, body_hi
        self.line, self.path, self.line_at = line, path, line_at


def definitions(text: str, code: str) -> list[Definition]:
    """The function definitions behind the slice's #line directives."""
    out = []
    for m in LINE_RE.finditer(text):
        start = m.end()
        stop = len(code)
        brace = semi = -1
        depth = 0
        for k in range(start, stop):
            c = code[k]
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            elif depth == 0 and c == ";":
                semi = k
                break
            elif depth == 0 and c == "{":
                brace = k
                break
        if brace < 0 or semi >= 0:
            continue
        header = " ".join(code[start:brace].split())
        if header.startswith("#") or "=" in header:
            continue
        names = PROTO_RE.findall(header)
        if not names:
            continue
        end = match_brace(code, brace)
        if end < 0:
            continue
        out.append(Definition(names[0], header, brace, end + 1,
                              int(m.group(1)), m.group(2), start))
    return out


def match_brace(code: str, at: int) -> int:
    depth = 0
    for k in range(at, len(code)):
        if code[k] == "{":
            depth += 1
        elif code[k] == "}":
            depth -= 1
            if depth == 0:
                return k
    return -1


def declared_functions(text: str, code: str) -> set[str]:
    """Names the slice declares or defines as functions (arguments of
    calls to them can be swapped with a type check by the compiler)."""
    names = set()
    for m in LINE_RE.finditer(text):
        head = code[m.end():m.end() + 400].split("{")[0].split(";")[0]
        found = PROTO_RE.findall(head)
        if found and not head.lstrip().startswith("#"):
            names.add(found[0])
    return names


def nest(edits: list[Edit]) -> list[Edit]:
    """Edits ordered outermost first; an edit crossing another (neither
    holds the other) is dropped with the edits sharing its mutants."""
    def key(e: Edit) -> tuple[int, int, int]:
        return (e.lo, 0 if e.lo == e.hi else 1, -e.hi)
    edits = sorted(edits, key=key)
    dropped: set[int] = set()
    stack: list[Edit] = []
    for e in edits:
        bad = False
        while stack and not inside(e, stack[-1]):
            if crosses(e, stack[-1]):
                bad = True
                break
            stack.pop()
        if bad:
            dropped.add(id(e))
            continue
        if e.lo < e.hi:
            stack.append(e)
    for e in edits:
        if id(e) in dropped:
            dropped.update(id(s) for s in e.share)
    for e in edits:   # an edit shared with a dropped one goes too
        if any(id(s) in dropped for s in e.share):
            dropped.add(id(e))
    return [e for e in edits if id(e) not in dropped]


def inside(e: Edit, outer: Edit) -> bool:
    if e.lo == e.hi:
        return outer.lo < e.lo < outer.hi
    return outer.lo <= e.lo and e.hi <= outer.hi


def crosses(e: Edit, o: Edit) -> bool:
    return e.lo < o.hi and o.lo < e.hi and not inside(e, o) and \
        not inside(o, e)


def render(text: str, lo: int, hi: int, edits: list[Edit],
           ids: dict[int, Ids]) -> str:
    """text[lo:hi] with the edits (all inside, outermost first) applied."""
    out, pos, k = [], lo, 0
    while k < len(edits):
        e = edits[k]
        j = k + 1
        while j < len(edits) and inside(edits[j], e):
            j += 1
        out.append(text[pos:e.lo])
        same = [x for x in edits[k + 1:j] if (x.lo, x.hi) == (e.lo, e.hi)]
        inner_edits = edits[k + 1 + len(same):j]
        inner = render(text, e.lo, e.hi, inner_edits, ids)
        for x in reversed(same):
            inner = x.wrap(inner, ids[id(x)])
        out.append(e.wrap(inner, ids[id(e)]))
        pos, k = e.hi, j
    out.append(text[pos:hi])
    return "".join(out)


def mutate_slice(text: str, only: Optional[Iterable[str]] = None,
                 exclude: Collection[int] = ()
                 ) -> tuple[str, list[Mutant], list[str]]:
    """(mutated slice.c, mutants in id order, notes).  The mutants in
    exclude (IDs of an earlier call: they did not compile) keep their ID
    but are not placed."""
    code = mask_code(text)[0]
    defs = definitions(text, code)
    callees = declared_functions(text, code)
    want = set(only) if only else None
    notes: list[str] = []
    funcs: list[tuple[Definition, Function]] = []
    for d in defs:
        if want is not None and d.name not in want:
            continue
        try:
            funcs.append((d, Function(text, code, d.name, d.header, d.lo,
                                      d.hi, callees)))
        except (ValueError, KeyError, IndexError) as why:
            notes.append(f"{d.name}: not mutated (cannot parse: {why})")
    members: dict[str, list[str]] = {}
    for _, f in funcs:
        for t in f.toks:
            fam = family(t.text) if t.kind == "id" else None
            if fam:
                members.setdefault(fam, [])
                if t.text not in members[fam]:
                    members[fam].append(t.text)
    for v in members.values():
        v.sort()
    edits: list[Edit] = []
    owner: dict[int, tuple[Definition, Function]] = {}
    for d, f in funcs:
        mine = list(f.edits())
        for i in range(len(f.toks)):
            e = f.family_swap(i, members)
            if e is not None:
                mine.append(e)
        for e in mine:
            owner[id(e)] = (d, f)
        edits += mine
    edits = nest(edits)
    ids: dict[int, Ids] = {}
    mutants: list[Mutant] = []
    lines = text.split("\n")
    starts = line_starts(text)
    for e in sorted(edits, key=lambda e: (e.lo, e.hi)):
        if not e.muts:
            continue
        d, f = owner[id(e)]
        ids[id(e)] = []
        for m in e.muts:
            m.id = len(mutants)
            m.function = d.name
            m.file = tree_relative(d.path)
            m.line = d.line + line_no(starts, m.at) - \
                line_no(starts, d.line_at)
            m.code = lines[line_no(starts, m.at)].strip()
            ids[id(e)].append(None if m.id in exclude else m.id)
            mutants.append(m)
    for e in edits:
        for s in e.share:
            ids[id(s)] = ids[id(e)]
    for e in edits:
        ids.setdefault(id(e), [])
    out = render(text, 0, len(text), edits, ids)
    first = out.find("\n") + 1
    return out[:first] + PRELUDE + out[first:], mutants, notes


def line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def line_no(starts: list[int], at: int) -> int:
    """0-based line of offset at."""
    lo, hi = 0, len(starts)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if starts[mid] <= at:
            lo = mid
        else:
            hi = mid
    return lo


def tree_relative(path: str) -> str:
    m = re.search(r"(?:^|/)(arch/x86/.*)$", path)
    return m.group(1) if m else path


MARK_RE = re.compile(rb"/\*<m (\d+)>\*/|/\*</m>\*/")
DIAG_RE = re.compile(r"^(.*?):(\d+):(\d+): (?:fatal )?error: (.*)$")
# where an error inside a macro's body was expanded from (gcc's notes)
EXPANSION_RE = re.compile(r"^(.*?):(\d+):(\d+): note: in expansion of macro")


def generated_lines(out: str) -> dict[tuple[str, int], list[int]]:
    """(#line path, tree line) -> the lines of out (0-based) it names."""
    where: dict[tuple[str, int], list[int]] = {}
    path, line = None, 0
    for k, ln in enumerate(out.split("\n")):
        m = LINE_RE.match(ln + "\n")
        if m:
            path, line = m.group(2), int(m.group(1))
            continue
        if path is not None:
            where.setdefault((path, line), []).append(k)
            line += 1
    return where


def compile_errors(out: str, diagnostics: str
                   ) -> tuple[dict[int, str], list[str]]:
    """The mutants a compiler's errors fall in (innermost marked
    alternative at the error's byte column: -fdiagnostics-column-unit=byte)
    with the first message of each, and the errors in no mutant."""
    lines = out.split("\n")
    where = generated_lines(out)
    hit: dict[int, str] = {}
    stray: list[str] = []

    def in_mutant(path: str, line: int, col: int) -> Optional[int]:
        for k in where.get((path, line), []):
            found = marked(lines[k].encode(), col - 1)
            if found is not None:
                return found
        return None

    diag = diagnostics.splitlines()
    for i, d in enumerate(diag):
        m = DIAG_RE.match(d)
        if not m:
            continue
        found = in_mutant(m.group(1), int(m.group(2)), int(m.group(3)))
        # an error in a macro's body (a constant of layout.h, say): the
        # notes that follow name where the slice expanded it
        for note in diag[i + 1:]:
            if found is not None or DIAG_RE.match(note):
                break
            e = EXPANSION_RE.match(note)
            if e:
                found = in_mutant(e.group(1), int(e.group(2)),
                                  int(e.group(3)))
        if found is None:
            stray.append(d)
        else:
            hit.setdefault(found, m.group(4))
    return hit, stray


def marked(line: bytes, col: int) -> Optional[int]:
    """The innermost marked alternative of line holding byte col."""
    stack: list[tuple[int, int]] = []
    best = None
    for m in MARK_RE.finditer(line):
        if m.group(1) is not None:
            stack.append((int(m.group(1)), m.start()))
        elif stack:
            k, start = stack.pop()
            if start <= col < m.end() and (best is None or start > best[1]):
                best = (k, start)
    return best[0] if best else None
