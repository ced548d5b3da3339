# SPDX-License-Identifier: GPL-2.0
"""Compiling the slice before anyone else does: the tree's own headers
fill what the stubs lack, and a definition that still cannot be built is
left out, by name, with the compiler's reason.

Upstream drifts: a new annotation-only helper, a new struct from
arch/x86/include, a cleanup.h CLASS() with its DEFINE_CLASS() in
include/linux.  The slice is compiled (syntax only) with the harness's
flags and glue; every error is read for the name it lacks:

- an annotation-only helper (a lockdep assertion, might_sleep, a
  tracepoint) becomes a no-op, a new WARN/KVM_BUG_ON variant the recorded
  WARN_ON/KVM_BUG_ON it extends;
- a macro, a static inline function, a struct/union/enum or a cleanup.h
  class the tree's headers define is taken from them verbatim (with a
  #line directive), as tools/testing/vma takes real headers where it can;
- an error left in a sliced definition makes it *unbuilt*: it is left out
  of the slice (SLICE_HAVE_* undefined, so the cases needing it SKIP), and
  the report names it with the first error.  Its callers follow it out on
  the next round.

An error outside the tree's code (in the harness's own files) stops the
loop: the build then fails as before, naming it.
"""

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from typing import Callable, Optional, Union

from .index import scan_file, word_re
from .lexer import SourceFile
from .resolve import Result

MAX_ROUNDS = 24
# Where a kernel tree keeps the headers the KVM code includes, searched in
# this order (the architecture's before the generic ones).
HEADER_DIRS = ("arch/x86/kvm", "arch/x86/include/asm",
               "arch/x86/include/uapi/asm", "include/linux", "include/kvm",
               "include/uapi/linux", "include/asm-generic")

_Q = "[\u2018'`]"
_E = "[\u2019']"
DIAG_RE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?:\d+:)? "
                     r"(?:fatal )?error: (?P<msg>.*)$")
LACKS = [
    ("fn", re.compile(rf"implicit declaration of function {_Q}(\w+){_E}")),
    ("ident", re.compile(rf"{_Q}(\w+){_E} undeclared")),
    ("type", re.compile(rf"unknown type name {_Q}(\w+){_E}")),
    ("struct", re.compile(rf"(?:struct|union|enum) (\w+){_E}")),
]
INCOMPLETE_RE = re.compile(r"storage size of|incomplete type|undefined type")
STRUCT_USE_RE = re.compile(r"\b(?:struct|union)\s+(\w+)")

# Helpers whose only effect is a check the harness does not model: a
# lockdep assertion, a sleep annotation, a tracepoint.
ANNOTATION_RE = re.compile(r"^(?:\w*lockdep_assert\w*|might_sleep\w*|"
                           r"might_fault|__might_\w+|cant_sleep|"
                           r"cant_migrate|trace_\w+)$")
# New variants of the recorded checks (NO BUG observes them)
WARN_RE = re.compile(r"^(?:WARN|WARN_ON)_\w+$")
BUG_RE = re.compile(r"^KVM_BUG_ON_\w+$")
# cleanup.h: the names CLASS()/guard()/__free() expand to
CLASS_NAME_RE = re.compile(r"^(?:class_(\w+?)_(?:t|constructor|destructor|"
                           r"lock_ptr|is_conditional)|__free_(\w+))$")
CLASS_DEF_RE = r"^\s*(?:DEFINE_CLASS|DEFINE_GUARD|DEFINE_GUARD_COND|" \
    r"DEFINE_FREE|EXTEND_CLASS|DEFINE_LOCK_GUARD_0|DEFINE_LOCK_GUARD_1|" \
    r"DEFINE_LOCK_GUARD_1_COND)\(\s*{name}\s*,"


@dataclass
class Pulled:
    """A definition taken from the tree's headers (or a no-op stand-in
    for an annotation) because the stubs lack it."""
    name: str
    kind: str                  # macro, fn, struct, class, annotation
    text: str
    rel: str = ""              # tree-relative file, "" for a stand-in
    line: int = 0
    end_line: int = 0
    path: str = ""             # absolute path, as #line names it

    def render(self) -> str:
        if not self.rel:
            return f"/* {self.kind}: {self.name} */\n{self.text}\n"
        quoted = self.path.replace("\\", "\\\\").replace('"', '\\"')
        return f'#line {self.line} "{quoted}"\n{self.text}\n'


class TreeHeaders:
    """Looks up a name's definition in the tree's headers: those of
    *tree* (a patched scratch copy may hold a few), else those of
    *fallback* (the tree it was copied from)."""

    def __init__(self, tree: str, fallback: Optional[str] = None) -> None:
        self.roots = [r for r in (tree, fallback) if r]
        self._files: dict[str, SourceFile] = {}

    def _candidates(self, word: str) -> list[str]:
        found: set[str] = set()
        for root in self.roots:
            dirs = [d for d in HEADER_DIRS
                    if os.path.isdir(os.path.join(root, d))]
            if not dirs:
                continue
            try:
                r = subprocess.run(
                    ["grep", "-rlw", "--include=*.h", "-e", word] + dirs,
                    cwd=root, capture_output=True, text=True,
                    errors="replace", timeout=60)
            except (OSError, subprocess.TimeoutExpired):
                continue
            found.update(r.stdout.split())
        # in HEADER_DIRS' order: the architecture's definition wins
        order = {d: i for i, d in enumerate(HEADER_DIRS)}
        return sorted(found, key=lambda p: (next(
            (order[d] for d in HEADER_DIRS if p.startswith(d + "/")), 99),
            p))

    def _source(self, rel: str) -> SourceFile:
        src = self._files.get(rel)
        if src is None:
            root = next(r for r in self.roots
                        if os.path.isfile(os.path.join(r, rel)))
            with open(os.path.join(root, rel), encoding="utf-8",
                      errors="surrogateescape", newline="") as f:
                src = SourceFile(root, rel, f.read())
            self._files[rel] = src
        return src

    def _pulled(self, name: str, kind: str, src: SourceFile, start: int,
                end: int) -> Pulled:
        return Pulled(name, kind, src.text[start:end], src.rel,
                      src.line_of(start), src.line_of(max(start, end - 1)),
                      src.path)

    def _statement(self, src: SourceFile, start: int) -> int:
        """The end of the top-level statement or invocation at start:
        past its balanced parentheses/braces and a closing ';'."""
        code, depth, i = src.code, 0, start
        while i < len(code):
            c = code[i]
            if c in "({":
                depth += 1
            elif c in ")}":
                depth -= 1
                if depth == 0 and c == "}" and \
                        code[i + 1:].lstrip().startswith(";"):
                    return code.index(";", i) + 1
            elif c == ";" and depth == 0:
                return i + 1
            elif c == "\n" and depth == 0 and i > start and \
                    code[start:i].rstrip().endswith(")") and \
                    not code[i + 1:].lstrip().startswith(("{", ";")):
                return i            # a macro invocation without ';'
            i += 1
        return len(code)

    def find(self, name: str, kinds: tuple[str, ...]) -> Optional[Pulled]:
        """A Pulled definition of name, trying kinds in order (macro, fn,
        struct, enum, class), or None."""
        for rel in self._candidates(name):
            try:
                src = self._source(rel)
            except (OSError, StopIteration):
                continue
            for kind in kinds:
                p = self._find_in(src, name, kind)
                if p is not None:
                    return p
        return None

    def _find_in(self, src: SourceFile, name: str,
                 kind: str) -> Optional[Pulled]:
        code = src.code
        if kind == "macro":
            m = re.search(rf"^[ \t]*#[ \t]*define[ \t]+{re.escape(name)}\b",
                          code, re.M)
            if m:
                return self._pulled(name, "macro", src, m.start(),
                                    src.directive_end(m.start()))
        elif kind == "fn":
            for d in scan_file(src, word_re({name}), set()):
                head = src.text[d.start:d.body]
                if re.search(r"\b(?:static\s+)?(?:__always_)?inline\b|"
                             r"\bstatic\b", head):
                    return self._pulled(name, "fn", src, d.start, d.end)
        elif kind in ("struct", "union", "enum"):
            m = re.search(rf"^(?:{kind})\s+{re.escape(name)}\s*\{{",
                          code, re.M)
            if m:
                return self._pulled(name, kind, src, m.start(),
                                    self._statement(src, m.start()))
        elif kind == "enumerator":
            m = re.search(rf"^\s+{re.escape(name)}\s*(?:=[^,\n]*)?,?\s*$",
                          code, re.M)
            if m:
                at = code.rfind("enum", 0, m.start())
                if at >= 0 and "}" not in code[at:m.start()]:
                    start = src.line_start(at)
                    return self._pulled(name, "enum", src, start,
                                        self._statement(src, start))
        elif kind == "class":
            m = re.search(CLASS_DEF_RE.format(name=re.escape(name)), code,
                          re.M)
            if m:
                return self._pulled(name, "class", src, m.start(),
                                    self._statement(src, m.start()))
            return self._class_wrapper(src, name)
        elif kind == "typedef":
            m = re.search(rf"^typedef\b[^;]*?(?:\{{|\b{re.escape(name)}\s*;)",
                          code, re.M)
            while m:
                end = self._statement(src, m.start())
                if re.search(rf"\b{re.escape(name)}\s*;\s*$", code[m.start():end]):
                    return self._pulled(name, "typedef", src, m.start(), end)
                m = re.compile(r"^typedef\b", re.M).search(code, end)
        return None

    def _class_wrapper(self, src: SourceFile, name: str) -> Optional[Pulled]:
        """A class defined through a wrapper macro that pastes its name
        (include/linux/kvm_host.h's DEFINE_VCPU_MAP_CLASS(ro)): the
        wrapper and the invocation that makes name."""
        code = src.code
        for m in re.finditer(r"^[ \t]*#[ \t]*define[ \t]+(\w+)\(\s*(\w*)"
                             r"\s*\)", code, re.M):
            end = src.directive_end(m.start())
            body = code[m.end():end]
            for c in re.finditer(r"\b(?:DEFINE_CLASS|EXTEND_CLASS|"
                                 r"DEFINE_GUARD|DEFINE_FREE)\(\s*(\w+)\s*##"
                                 r"\s*(\w+)", body):
                prefix = c.group(1)
                if not name.startswith(prefix) or c.group(2) != m.group(2):
                    continue
                arg = name[len(prefix):]
                inv = re.search(rf"^[ \t]*{m.group(1)}\(\s*{arg}\s*\)\s*;",
                                code[end:], re.M)
                if inv:
                    p = self._pulled(name, "class", src, m.start(), end)
                    p.text += "\n" + src.text[end + inv.start():
                                              end + inv.end()]
                    p.end_line = src.line_of(end + inv.end())
                    return p
        return None


def stand_in(name: str) -> Optional[Pulled]:
    """A no-op or recorded stand-in for an annotation-like name, or None."""
    if ANNOTATION_RE.match(name):
        val = "(0)" if name.endswith("_enabled") else "((void)0)"
        return Pulled(name, "annotation",
                      f"#define {name}(...) {val}")
    if WARN_RE.match(name):
        return Pulled(name, "annotation",
                      f"#define {name}(cond, ...) WARN_ON(cond)")
    if BUG_RE.match(name):
        return Pulled(name, "annotation",
                      f"#define {name}(cond, kvm, ...) KVM_BUG_ON(cond, kvm)")
    return None


@dataclass
class Diag:
    file: str
    line: int
    msg: str

    def where(self, tree: str) -> str:
        rel = self.file
        if rel.startswith(tree.rstrip("/") + "/"):
            rel = rel[len(tree.rstrip("/")) + 1:]
        elif os.path.isabs(rel):
            # the harness's own file: stubs/glue.c, not where it lives
            rel = "/".join(rel.split("/")[-2:])
        return f"{rel}:{self.line}"


def parse_errors(out: str) -> list[Diag]:
    diags = []
    for ln in out.splitlines():
        m = DIAG_RE.match(ln)
        if m:
            diags.append(Diag(m.group("file"), int(m.group("line")),
                              m.group("msg")))
    return diags


class Compiler:
    """The harness's compile of a slice, syntax only: cc and its argv
    (flags and -I's), and the glue source that includes the slice."""

    def __init__(self, argv: list[str], glue: str) -> None:
        self.argv = argv
        self.glue = glue

    def errors(self, c_text: str, h_text: str) -> tuple[int, str]:
        with tempfile.TemporaryDirectory(prefix="kvm_slice-") as d:
            for name, text in (("slice.c", c_text), ("slice.h", h_text)):
                with open(os.path.join(d, name), "w", encoding="utf-8",
                          errors="surrogateescape") as f:
                    f.write(text)
            glue = os.path.join(d, "glue.c")
            with open(glue, "w") as f:
                f.write(f'#include "{d}/slice.h"\n'
                        f'#define SLICE_C "{d}/slice.c"\n'
                        f'#include "{self.glue}"\n')
            # the glue calling a sliced function whose parameters differ
            # in this tree (6.1's SMRAM as char *) is no warning here: the
            # function is left out, not run on the wrong layout
            r = subprocess.run(self.argv + [
                "-fsyntax-only", "-Werror=incompatible-pointer-types", glue],
                               capture_output=True, text=True,
                               errors="replace",
                               env=dict(os.environ, LC_ALL="C"))
            return r.returncode, r.stdout + r.stderr


def _owner(diag: Diag, results: list[Result],
           pulled: list[Pulled]) -> Union[Result, Pulled, None]:
    """The sliced definition or pulled header text holding diag's line."""
    for r in results:
        d = r.defn
        if d is None or r.unbuilt or d.src.path != diag.file:
            continue
        if d.line <= diag.line <= d.src.line_of(d.end - 1):
            return r
    for p in pulled:
        if p.path == diag.file and p.line <= diag.line <= p.end_line:
            return p
    # the harness's glue calling a sliced function the tree declares
    # otherwise (a void one it takes a value from): that function is
    # the one the glue cannot use
    names = {r.entry.name: r for r in results
             if r.defn is not None and not r.unbuilt}
    for word in re.findall(r"\w+", _line_of(diag.file, diag.line) or ""):
        if word in names:
            return names[word]
    return None


def _line_of(path: str, line: int) -> Optional[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for k, text in enumerate(f, 1):
                if k == line:
                    return text
    except OSError:
        pass
    return None


def _lacked(diag: Diag) -> Union[tuple[tuple[str, ...], str],
                                 tuple[None, None]]:
    """(kinds to try, name) for what a diagnostic says is missing."""
    for what, rx in LACKS:
        m = rx.search(diag.msg)
        if not m:
            continue
        name = m.group(1)
        if what == "fn":
            return ("macro", "fn"), name
        if what == "ident":
            return ("macro", "enumerator"), name
        if what == "type":
            c = CLASS_NAME_RE.match(name)
            if c:
                return ("class",), c.group(1) or c.group(2)
            return ("typedef", "macro"), name
        if what == "struct" and INCOMPLETE_RE.search(diag.msg):
            return ("struct", "union", "enum"), name
    if INCOMPLETE_RE.search(diag.msg):
        # "storage size of 'v' isn't known": the type is on the line
        m = STRUCT_USE_RE.search(_line_of(diag.file, diag.line) or "")
        if m:
            return ("struct", "union"), m.group(1)
    m = CLASS_NAME_RE.search(diag.msg.split()[-1].strip("\u2018\u2019'`"))
    if m:
        return ("class",), m.group(1) or m.group(2)
    return None, None


# render(results, pulled) -> (c_text, h_text)
Render = Callable[[list[Result], list[Pulled]], tuple[str, str]]


def check_build(tree: str, results: list[Result], render: Render,
                compiler: Compiler,
                log: Optional[Callable[[str], None]] = None,
                fallback: Optional[str] = None) -> tuple[list[Pulled], str]:
    """Compile render(results, pulled) until it builds, pulling what the
    tree's headers define and leaving out what cannot be built.

    render(results, pulled) -> (c_text, h_text).  Returns (pulled, output
    of the last failed compile or "").  Sets r.unbuilt on the results
    left out."""
    headers = TreeHeaders(tree, fallback)
    pulled: list[Pulled] = []
    tried: set[tuple[tuple[str, ...], str]] = set()
    out = ""
    for _ in range(MAX_ROUNDS):
        rc, out = compiler.errors(*render(results, pulled))
        if rc == 0:
            return pulled, ""
        taken, blamed = False, {}
        for diag in parse_errors(out):
            owner = _owner(diag, results, pulled)
            kinds, name = _lacked(diag)
            if name and (kinds, name) not in tried:
                assert kinds is not None    # with name
                tried.add((kinds, name))
                p = stand_in(name) or headers.find(name, kinds)
                if p is not None and all(q.name != p.name or
                                         q.kind != p.kind for q in pulled):
                    # before the header text that needed it, if one did
                    at = pulled.index(owner) if isinstance(owner, Pulled) \
                        else len(pulled)
                    pulled.insert(at, p)
                    taken = True
                    if log:
                        log(f"taken from the tree: {p.kind} {name}"
                            + (f" ({p.rel}:{p.line})" if p.rel
                               else " (no-op stand-in)"))
                    continue
            if owner is not None and id(owner) not in blamed and \
                    not (isinstance(owner, Result) and owner.entry.required):
                # a required definition stays: the compile then fails
                # and names it (no slice worth running without it)
                blamed[id(owner)] = (owner, diag)
        if taken:
            continue        # the other errors may have been its
        if not blamed:
            break
        for owner, diag in blamed.values():
            if isinstance(owner, Pulled):
                # the header text needs what the stubs lack too: it goes,
                # and its users are left out next round
                pulled.remove(owner)
                if log:
                    log(f"not taken: {owner.kind} {owner.name} "
                        f"({diag.where(tree)}: {diag.msg})")
            else:
                owner.unbuilt = f"{diag.where(tree)}: {diag.msg}"
                if log:
                    log(f"cannot build {owner.entry.name}: {owner.unbuilt}")
    return pulled, out
