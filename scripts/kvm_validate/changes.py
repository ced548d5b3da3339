# SPDX-License-Identifier: GPL-2.0
"""Every changed line of a patch, judged, not checked or outside.

The slice holds the tree's own text for what it runs (the sliced
functions, the helpers and macros it follows into, the definitions its
build check takes from the headers), each line behind #line: a changed
line there is *judged* (run, and its coverage measured).  Every other
changed line of C is attributed to the top-level definition holding it:

- *not checked* when the sliced code names that definition but does not
  run this line of it: a statement or switch arm the slicer dropped from
  a sliced function, a helper or constant the harness's stubs stand in
  for (an MSR number, a CPUID query), a definition in a header it does
  not take.  A PASS would certify code nobody ran: exit 3, naming the
  line and why;
- *not checked* too when it is a statement of a function the harness
  does not slice but whose statements naming some tokens its glue
  stands in for (the spec's ``standin`` lines: vcpu_enter_guest()'s
  switch of XCR0, XSS, PKRU and XFD around the VM-entry): the line, or
  the lines a pure deletion removed, names one;
- *outside* otherwise (code this harness does not model, the MMU say,
  a comment): a note.

A changed declaration of a sliced function is judged with its
definition: the slice declares it from the definition it holds.
"""

import os
import re
from typing import Optional

WORD = re.compile(r"[A-Za-z_]\w*")
# a definition starting at column 0: #define NAME, struct/union/enum NAME,
# a function or a declaration ending in NAME( or NAME; / NAME[
DEFINES = [
    re.compile(r"^#\s*define\s+(\w+)"),
    re.compile(r"^(?:typedef\s+)?(?:struct|union|enum)\s+(\w+)\s*\{"),
    # a function pointer or an array of them: static int (*name[])(...)
    re.compile(r"^[A-Za-z_][^;=(]*\(\s*\*\s*(\w+)\s*(?:\[[^]]*\])?\s*\)"),
    re.compile(r"^[A-Za-z_][^;(=]*?\b(\w+)\s*\("),
    re.compile(r"^(?:extern\s+)?[A-Za-z_][^;(=]*?\b(\w+)\s*(?:\[[^]]*\])?"
               r"\s*[;=]"),
]
TYPEDEF_END = re.compile(r"^}\s*(\w+)\s*;")


def defined_at(lines: list[str], k: int) -> Optional[str]:
    """The name of the top-level definition holding line k (0-based) of
    a header, or None (a comment, an #include, between definitions)."""
    cur: Optional[str] = None
    depth, cont = 0, False
    for i, text in enumerate(lines[:k + 1]):
        s = text.rstrip()
        if cont:                        # a #define's continuation
            cont = s.endswith("\\")
        elif depth == 0:
            m = None
            for rx in DEFINES:
                m = rx.match(text)
                if m:
                    cur = m.group(1)
                    break
            if text.startswith("#"):
                cur = cur if m else None
                cont = s.endswith("\\")
            depth += text.count("{") - text.count("}")
        else:
            depth += text.count("{") - text.count("}")
            m = TYPEDEF_END.match(text)
            if depth == 0 and m:
                cur = m.group(1)
        if i == k:
            return cur
        if depth == 0 and not cont and (not s or s.endswith((";", "}")) or
                                        text.startswith("#")):
            cur = None
    return None


def _code(text: str) -> bool:
    """Whether a line holds code once its comments are gone (a line
    inside a block comment starts with '*')."""
    s = re.sub(r"/\*.*?\*/", "", text).split("//")[0].strip()
    return bool(s) and not s.startswith(("/*", "*"))


STRUCT_RE = re.compile(r"^(?:typedef\s+)?(?:struct|union)\b")
MEMBER_RE = re.compile(r"\b([A-Za-z_]\w*)\s*(?:\[[^]]*\])?\s*(?::\s*\w+)?"
                       r"\s*;\s*(?:/[*/].*)?$")


def _start(lines: list[str], k: int) -> int:
    """The column-0 line that starts the top-level definition holding
    line k (0-based)."""
    i = k
    while i > 0 and not re.match(r"^[A-Za-z_#]", lines[i]):
        i -= 1
    return i


def _member(text: str) -> Optional[str]:
    """The field a struct member's declaration line names."""
    m = MEMBER_RE.search(text)
    return m.group(1) if m and "(" not in text else None


def _is_declaration(lines: list[str], k: int) -> bool:
    """Whether line k (0-based) belongs to a declaration ending in ';'
    (a prototype), not a definition with a body."""
    for text in lines[_start(lines, k):k + 40]:
        if "{" in text:
            return False
        if text.rstrip().endswith(";"):
            return True
    return False


def judge_changes(changed: dict[str, list[int]], root: str,
                  held: dict[str, set[int]], slice_text: str,
                  stub_names: set[str], sliced: set[str],
                  standins: Optional[dict[str, tuple[str, ...]]] = None,
                  deleted: Optional[dict[str, dict[int, str]]] = None
                  ) -> tuple[list[str], list[str]]:
    """(not checked, outside): one line each for the changed lines of C
    that the slice does not hold.  held: the tree's lines the slice
    holds (patchcov.slice_lines); slice_text: the slice's code;
    stub_names: what the harness's stubs name; sliced: the functions the
    slice defines; standins: the spec's standin lines (function ->
    tokens); deleted: the text a pure deletion counted at a line removed
    (patchcov.deleted_text)."""
    used = set(WORD.findall(slice_text))
    unchecked, outside = [], []
    for rel, lines in sorted(changed.items()):
        if not rel.endswith((".c", ".h")):
            continue
        try:
            with open(os.path.join(root, rel), encoding="utf-8",
                      errors="replace") as f:
                text = f.read().split("\n")
        except OSError:
            continue
        for n in lines:
            if n in held.get(rel, set()) or not 0 < n <= len(text):
                continue
            gone = (deleted or {}).get(rel, {}).get(n, "")
            if not _code(text[n - 1]) and not any(
                    _code(t) for t in gone.split("\n")):
                continue
            name = defined_at(text, n - 1)
            hit = sorted(set((standins or {}).get(name or "", ())) &
                         set(WORD.findall(text[n - 1] + "\n" + gone)))
            if hit:
                unchecked.append(
                    f"{rel}:{n} changes a statement of {name}() that the "
                    f"harness's glue stands in for (it names "
                    f"{', '.join(hit)}); the run did not use the tree's")
                continue
            if not _code(text[n - 1]):
                continue
            member = _member(text[n - 1]) if name and \
                STRUCT_RE.match(text[_start(text, n - 1)]) else None
            if member and member in used and name not in used:
                # a field the sliced code reads, its type or place changed
                unchecked.append(f"{rel}:{n} changes {name}.{member}, a "
                                 "field the sliced code uses in the "
                                 "harness's own layout; the run did not")
                continue
            if not name or name not in used:
                outside.append(f"{rel}:{n}" + (f" ({name})" if name
                                                else ""))
                continue
            if name in sliced:
                if _is_declaration(text, n - 1):
                    continue    # judged with the definition
                why = (f"a part of {name}() the slice does not keep (a "
                       "dropped statement or switch arm)")
            elif name in stub_names:
                why = f"{name}, for which the harness's stubs stand in"
            else:
                why = f"{name}, which the harness does not take from the tree"
            unchecked.append(f"{rel}:{n} changes {why}; the sliced code "
                             "uses it, the run did not")
    return unchecked, outside
