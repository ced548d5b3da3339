# SPDX-License-Identifier: GPL-2.0
"""A patch's changes to headers outside arch/x86/kvm, judged by what the
sliced code uses.

The slice holds the tree's own text for what it took from a header (the
slicer's build check pulls it, behind #line): a change there is run like
any other.  A change to a header definition the sliced code uses but the
harness does not take from the tree (its stubs stand in for it: an MSR
number, a CPUID helper, a struct layout) would pass without being run:
that is "not checked" (exit 3), naming the line and the definition.  A
change to anything else (a definition the slice never names, a comment)
is outside what this harness models: a note.
"""

import os
import re
from typing import Optional

KVM_DIR = "arch/x86/kvm"
WORD = re.compile(r"[A-Za-z_]\w*")
# a definition starting at column 0: #define NAME, struct/union/enum NAME,
# a function or a declaration ending in NAME( or NAME; / NAME[
DEFINES = [
    re.compile(r"^#\s*define\s+(\w+)"),
    re.compile(r"^(?:typedef\s+)?(?:struct|union|enum)\s+(\w+)\s*\{"),
    re.compile(r"^[A-Za-z_][^;(=]*?\b(\w+)\s*\("),
    re.compile(r"^(?:extern\s+)?[A-Za-z_][^;(=]*?\b(\w+)\s*(?:\[[^]]*\])?"
               r"\s*[;=]"),
]
TYPEDEF_END = re.compile(r"^}\s*(\w+)\s*;")


def _defined_at(lines: list[str], k: int) -> Optional[str]:
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
    s = text.strip()
    return bool(s) and not s.startswith(("/*", "*", "//"))


def judge_headers(changed: dict[str, list[int]], root: str,
                  held: dict[str, set[int]], slice_text: str,
                  stub_names: set[str]) -> tuple[list[str], list[str]]:
    """(not checked, outside): one line each for the changed header lines
    outside arch/x86/kvm that the slice does not hold.  held: the tree's
    lines the slice holds (patchcov.slice_lines); slice_text: the slice's
    code; stub_names: what the harness's stubs define."""
    used = set(WORD.findall(slice_text))
    unchecked, outside = [], []
    for rel, lines in sorted(changed.items()):
        if rel.startswith(KVM_DIR + "/") or not rel.endswith(".h"):
            continue
        path = os.path.join(root, rel)
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read().split("\n")
        except OSError:
            continue
        for n in lines:
            if n in held.get(rel, set()) or not 0 < n <= len(text):
                continue
            if not _code(text[n - 1]):
                continue
            name = _defined_at(text, n - 1)
            if name and name in used:
                how = ("the harness's stubs stand in for it"
                       if name in stub_names else
                       "the harness does not take it from the tree")
                unchecked.append(f"{rel}:{n} changes {name}, which the "
                                 f"sliced code uses; {how}, so the change "
                                 "was not run")
            else:
                outside.append(f"{rel}:{n}" + (f" ({name})" if name
                                                else ""))
    return unchecked, outside
