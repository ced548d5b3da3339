# SPDX-License-Identifier: GPL-2.0
"""A compile error that is the harness's limitation, not the patch's.

The slice is compiled against our stubs (stubs/dup.h declares the fields of
struct kvm_vcpu, kvm_vcpu_arch, vcpu_vmx, ... that the harness knows), not
against the kernel's headers.  A patch that uses a field, a global or a
helper the kernel has but the stubs lack gets a compile error here that it
would not get in the kernel: that is exit 3, "stubs lack FIELD (harness
limitation)", never bad input.  What is not in the kernel either (a typo,
a field nobody declared) stays the patch's compile error (exit 2).

Whether the kernel has the name is read from the patched tree: its headers
under include/ and arch/x86/include/, and arch/x86/kvm.  A tree cut down to
arch/x86/kvm lacks most headers; there the name is the kernel's if the
unpatched tree's own code uses it (a typo is used nowhere).
"""

import os
import re
from typing import Optional

# gcc's words for the three ways a missing declaration shows (C locale or
# UTF-8 quotes)
_Q = "[\u2018'`]"
_E = "[\u2019']"
MEMBER = re.compile(rf"error: {_Q}(?:struct|union) (\w+){_E} has no member "
                    rf"named {_Q}(\w+){_E}")
UNDECLARED = re.compile(rf"error: {_Q}(\w+){_E} undeclared")
IMPLICIT = re.compile(rf"error: implicit declaration of function {_Q}(\w+)"
                      rf"{_E}")

HEADER_DIRS = ("include", "arch/x86/include", "arch/x86/kvm")
MAX_FILES = 40000


def _declared(kind: str, name: str) -> "re.Pattern[str]":
    n = re.escape(name)
    if kind == "member":
        # "\tu64 name;", "\tu64 name[4];", "\tu8 name:1;" inside a struct
        return re.compile(rf"^[ \t]+[A-Za-z_][\w \t*]*?\b{n}\s*"
                          rf"(?:\[[^\]\n]*\])?\s*(?::\s*\w+\s*)?[;,]", re.M)
    if kind == "function":
        return re.compile(rf"^[A-Za-z_][^;\n]*\b{n}\s*\(", re.M)
    # a macro, a global, an enum constant
    return re.compile(rf"^\s*#\s*define\s+{n}\b|^[A-Za-z_][^(\n]*\b{n}\s*"
                      rf"(?:\[[^\]\n]*\])?\s*[;=]|^\s+{n}\s*(?:=[^,\n]*)?,",
                      re.M)


def _in_struct(struct: str, member: "re.Pattern[str]"
               ) -> "re.Pattern[str]":
    """A pattern whose search() finds member inside `struct struct {...}`
    (braces counted), standing in for a compiled regex."""
    head = re.compile(rf"^(?:struct|union)\s+{re.escape(struct)}\s*\{{",
                      re.M)

    class Scoped:
        @staticmethod
        def search(text: str) -> "Optional[re.Match[str]]":
            for h in head.finditer(text):
                depth, i = 0, h.end() - 1
                while i < len(text):
                    depth += {"{": 1, "}": -1}.get(text[i], 0)
                    if depth == 0:
                        break
                    i += 1
                m = member.search(text, h.end(), i)
                if m:
                    return m
            return None
    return Scoped()  # type: ignore[return-value]


def _find(root: str, pat: "re.Pattern[str]", name: str) -> Optional[str]:
    """'file:line' of the first match of pat in the tree, or None."""
    seen = 0
    for sub in HEADER_DIRS:
        top = os.path.join(root, sub)
        for d, dirs, files in os.walk(top):
            dirs.sort()
            for f in sorted(files):
                if not f.endswith((".h", ".c")) or (
                        f.endswith(".c") and sub != "arch/x86/kvm"):
                    continue
                seen += 1
                if seen > MAX_FILES:
                    return None
                path = os.path.join(d, f)
                try:
                    with open(path, encoding="utf-8",
                              errors="replace") as fh:
                        text = fh.read()
                except OSError:
                    continue
                if name not in text:
                    continue
                m = pat.search(text)
                if m:
                    line = text.count("\n", 0, m.start()) + 1
                    rel = os.path.relpath(path, root)
                    return f"{rel}:{line}"
    return None


def _has_headers(root: str) -> bool:
    return os.path.isfile(os.path.join(root, "include", "linux",
                                       "kvm_host.h"))


def harness_limitation(out: str, tree_root: str, patched_root: str
                       ) -> Optional[list[str]]:
    """The lines of an exit-3 report if gcc's output *out* shows the stubs
    lacking something the kernel declares; None if the error is the
    patch's own.  tree_root is the unpatched tree, patched_root the
    patched copy."""
    for ln in out.splitlines():
        m = MEMBER.search(ln)
        struct = m.group(1) if m else ""
        if m:
            what, kind, name = f"FIELD {struct}.{m.group(2)}", "member", \
                m.group(2)
        else:
            u, i = UNDECLARED.search(ln), IMPLICIT.search(ln)
            if u:
                name, kind = u.group(1), "object"
                what = f"DECLARATION {name}"
            elif i:
                name, kind = i.group(1), "function"
                what = f"FUNCTION {name}"
            else:
                continue
        decl = _declared(kind, name)
        if struct:
            decl = _in_struct(struct, decl)
        # the scratch copy holds arch/x86/kvm as patched; the headers are
        # the tree's
        where = _find(patched_root, decl, name) or (
            _find(tree_root, decl, name) if tree_root != patched_root
            else None)
        if where:
            why = f"the kernel declares it at {where}"
        elif _has_headers(tree_root) or _has_headers(patched_root):
            return None         # not in the kernel either: the patch's
        else:
            where = _find(tree_root, re.compile(rf"\b{name}\b"), name)
            if where is None:
                return None     # the tree's code never uses it: the patch's
            why = (f"the tree's own code uses it at {where} (its "
                   f"declaration is outside this cut-down tree)")
        src = ln.split(": error:")[0]
        for root in (tree_root, patched_root):
            src = src.replace(root.rstrip("/") + "/", "")
        return [f"stubs lack {what} (harness limitation): the patched code "
                f"at {src} uses it and {why}; the harness's stubs "
                f"(stubs/dup.h) do not declare it, so nothing was judged",
                "this is not a fault of the patch: add the declaration to "
                "stubs/dup.h (with a 'tracks:' line) or report it to the "
                "harness's maintainers"]
    return None
