# SPDX-License-Identifier: GPL-2.0
"""Statement pruning (``stmts=``).

Some of the code that places CET state sits in functions that do much
else: the MSR intercept recalculation sets up dozens of unrelated MSRs.
``stmts=TOKEN,...`` keeps, of the function body's top-level statements,
those that name a token (an ``if`` with its blocks and ``else`` arms is
one statement), those that call a helper defined in the same file whose
own body names one (a patch that moved the CET part into a helper: the
closure then slices the helper), the local declarations, and a final
``return`` (a check function then returns "passed" after its kept
checks, not whatever was left in a register); the others are blanked like dropped switch arms, keeping
#if nesting and every line number of what is left.
"""

import re
from typing import TYPE_CHECKING, Optional, cast

from .conditionals import DIRECTIVE_RE, directive_kw
from .errors import PROG
from .index import file_definitions, word_re
from .prune import blank_region, braces_balanced
from .lexer import SourceFile, decl_start

if TYPE_CHECKING:
    from .resolve import Result     # which imports this module

# a local declaration: [qualifiers] type [*...] name, then = ; [ or ,
DECL_RE = re.compile(r"(?:(?:const|static|volatile|unsigned|signed|struct|"
                     r"union|enum)\s+)*[A-Za-z_]\w*(?:\s+|\s*\*+\s*)"
                     r"[A-Za-z_]\w*\s*(?:=|;|\[|,)")
# cleanup.h's declarations: CLASS(name, var)(args), CLASS_INIT(name, var, e)
CLASS_DECL_RE = re.compile(r"\s*(?:CLASS|CLASS_INIT)\s*\(\s*\w+\s*,\s*\w+")
KEYWORDS = {"return", "if", "else", "for", "while", "do", "switch", "goto",
            "break", "continue", "case", "default", "sizeof"}
CALL_RE = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
WORD_RE = re.compile(r"[A-Za-z_]\w*")


def _skip_space(code: str, i: int, end: int) -> int:
    while i < end and code[i].isspace():
        i += 1
    return i


def _next_word(code: str, i: int, end: int) -> str:
    i = _skip_space(code, i, end)
    m = WORD_RE.match(code, i)
    return m.group() if m and m.end() <= end else ""


def statements(src: SourceFile, lo: int,
               hi: int) -> list[tuple[int, int, bool]]:
    """(start, end, is_directive) of each top-level statement or
    preprocessor line in src.text[lo:hi] (a function body's inside)."""
    out: list[tuple[int, int, bool]] = []
    code, i = src.code, lo
    while True:
        i = _skip_space(code, i, hi)
        if i >= hi:
            return out
        if code[i] == "#":
            e = min(src.directive_end(i), hi)
            out.append((i, e, True))
            i = e
            continue
        s, depth, paren = i, 0, 0
        # do { } while (...); ends at its ';', not at its block's '}'
        is_do = _next_word(code, i, hi) == "do"
        while i < hi:
            c = code[i]
            i += 1
            if c == "(":
                paren += 1
            elif c == ")":
                paren -= 1
            elif c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0 and paren == 0:
                    j = _skip_space(code, i, hi)
                    if (j < hi and code[j] in ";,") or is_do:
                        continue        # an initializer's braces, do
                    if _next_word(code, i, hi) != "else":
                        break
            elif c == ";" and depth == 0 and paren == 0:
                if _next_word(code, i, hi) != "else":
                    break
        out.append((s, i, False))


def _is_decl(text: str) -> bool:
    if CLASS_DECL_RE.match(text):
        return True
    words = WORD_RE.findall(text[:40])
    return bool(words) and words[0] not in KEYWORDS and \
        DECL_RE.match(text) is not None


def _helpers_naming(src: SourceFile, names: set[str],
                    tok_re: re.Pattern[str]) -> set[str]:
    """Those of *names* defined in *src* (the function's own file, where
    a patch puts the helper it extracts) whose body names a token."""
    if not names:
        return set()
    return {h.name for h in file_definitions(src, names, ())
            if h.kind == "fn" and tok_re.search(src.code[h.start:h.end])}


def prune_statements(res: "Result",
                     tokens: tuple[str, ...]) -> Optional[str]:
    """Keep the found function's statements that name *tokens* (the
    spec's ``stmts=``), or call a helper of its file whose body names one,
    and its declarations; fill *res*.  Returns an error message, or
    None."""
    entry, d = res.entry, res.defn
    assert d is not None            # only a found function is pruned
    src = d.src
    if d.body < 0:
        return (f"{PROG}: {entry.name} ({d.where()}): stmts= given but no "
                f"function body found")
    close = src.code.rfind("}", d.body, d.end)
    tok_re = cast(re.Pattern[str], word_re(set(tokens)))     # never empty
    items = statements(src, d.body + 1, close)
    directives = [(s, e, directive_kw(src.code, s))
                  for s, e, is_dir in items if is_dir and
                  DIRECTIVE_RE.match(src.code, s)]
    stmts = [(s, e, src.code[s:e]) for s, e, is_dir in items if not is_dir]
    called = {n for _, _, code in stmts if not tok_re.search(code)
              for n in CALL_RE.findall(code) if n not in KEYWORDS}
    helpers = _helpers_naming(src, called - {entry.name}, tok_re)
    pieces = [src.text[d.start:d.body + 1]]
    p = d.body + 1
    kept = dropped = named = 0
    last = stmts[-1][0] if stmts else -1
    for s, e, code in stmts:
        keep = tok_re.search(code) is not None or _is_decl(code) or \
            any(n in helpers for n in CALL_RE.findall(code)) or \
            (s == last and _next_word(code, 0, len(code)) == "return")
        lo = decl_start(src, s)
        if keep:
            pieces.append(blank_region(src, p, lo, directives))
            pieces.append(src.text[lo:e])
            kept += 1
            named += not _is_decl(code)
        else:
            pieces.append(blank_region(src, p, e, directives))
            dropped += 1
        p = e
    pieces.append(blank_region(src, p, decl_start(src, close), directives))
    pieces.append(src.text[decl_start(src, close):d.end])
    res.text = "".join(pieces)
    res.pruned = True
    res.kept_stmts, res.dropped_stmts = named, dropped
    res.notes.append(f"stmts=: kept {named} statement(s) naming "
                     f"{','.join(tokens)} (and {kept - named} "
                     f"declaration(s)), blanked {dropped}")
    if not braces_balanced(res.text):
        return (f"{PROG}: {entry.name} ({d.where()}): pruning with stmts= "
                f"would unbalance braces (a kept and a dropped statement "
                f"share one preprocessor-conditional block)")
    return None
