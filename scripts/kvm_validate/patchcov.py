# SPDX-License-Identifier: GPL-2.0
"""Patch coverage: how many of a patch's changed lines the harness holds
and how many of those the run executed.

A patch's changed lines are its added lines (blank ones aside) and, for a
deletion with nothing added in its place, the line that now stands where
the deleted ones were: all in the post-image, which is the tree of the
step that applies the patch.  They are read from diff -U0 of each file
the patch names, before and after it applied (a hunk applied at an offset
or with fuzz lands elsewhere than its header says); the hunk headers are
only the fallback for a file that is in neither.  The slice's #line
directives say which of the tree's lines it holds (a line the slicer
pruned, such as a dropped switch arm, is blank there).  The step's test
binary is built with gcov instrumentation of the slice (build.py); each
run writes its counts under a directory of its own (GCOV_PREFIX), and
gcov, through the same #line directives, says which of the tree's lines
have code and how often it ran.
"""

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import Optional

from .patches import Patch
from .scratch import run_child, tool_tmpdir

GCNO = "glue.gcno"          # build.py: the slice's one translation unit
STRIP = "gcov-strip"        # build.py: path components of its object dir
LINE_RE = re.compile(r'^#line (\d+) "((?:[^"\\]|\\.)*)"')
SHOWN = 8                   # lines not executed, named in the report


class Unmeasured(Exception):
    """Why the run's coverage could not be read (reported, not fatal)."""


def changed_lines(patch: Patch) -> dict[str, list[int]]:
    """Tree-relative path -> the patch's changed lines in the post-image."""
    out: dict[str, list[int]] = {}
    for fd in patch.files:
        if fd.new == "/dev/null" or any(h.startswith("deleted file mode")
                                        for h in fd.header):
            out.setdefault(fd.source_path(), []).append(0)
            continue
        lines = out.setdefault(fd.path(), [])
        for h in fd.hunks:
            m = re.match(r"^@@ -\d+(?:,\d+)? \+(\d+)", h.body[0])
            if not m:
                continue
            n = int(m.group(1))
            deleted = False
            for ln in h.body[1:]:
                c = ln[:1]
                if c == "-":
                    deleted = True
                    continue
                if c == "\\":
                    continue
                if c == "+" and ln[1:].strip():
                    lines.append(n)
                elif deleted and c != "+":
                    lines.append(n)     # where the deleted lines were
                deleted = False
                n += 1
            if deleted:
                lines.append(max(n - 1, 1))
    return {p: sorted(set(ls)) for p, ls in out.items()}


def inside(root: str, rel: str) -> Optional[str]:
    """root/rel if it names a file inside root (no absolute path, no ..,
    no symlink out): a patch's paths are untrusted (apply.py refuses the
    others; this runs before it)."""
    if os.path.isabs(rel) or ".." in rel.split("/"):
        return None
    path = os.path.join(root, rel)
    real = os.path.realpath(path)
    if not real.startswith(os.path.realpath(root).rstrip("/") + "/"):
        return None
    return path


def snapshot(patch: Patch, roots: list[str], dest: str) -> None:
    """Copies in dest of the files patch reads, as they are before it
    applies (from the first of roots that has each)."""
    for fd in patch.files:
        rel = fd.source_path()
        for root in roots:
            src = inside(root, rel)
            if src and os.path.isfile(src):
                os.makedirs(os.path.dirname(os.path.join(dest, rel)),
                            exist_ok=True)
                shutil.copyfile(src, os.path.join(dest, rel))
                break


HUNK0 = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def _diff_u0(old: str, new: str) -> Optional[list[int]]:
    """new's changed lines against old (diff -U0), as changed_lines();
    None when diff cannot say."""
    try:
        r = run_child(["diff", "-U0", "-a", old, new],
                      stderr_to_stdout=False)
    except OSError:
        return None
    if r.returncode > 1:
        return None
    out: list[int] = []
    start = count = 0
    for ln in r.stdout.splitlines():
        m = HUNK0.match(ln)
        if m:
            start = int(m.group(1))
            count = int(m.group(2)) if m.group(2) is not None else 1
            if count == 0:              # a deletion after line `start`
                out.append(start + 1 if start else 1)
            continue
        if ln.startswith("+") and not ln.startswith("+++ "):
            if ln[1:].strip():
                out.append(start)
            start += 1
    return out


DEL0 = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+),0 @@")


def applied_deletions(patch: Patch, before: str, after: str
                      ) -> dict[str, dict[int, list[int]]]:
    """Tree-relative path -> {the post-image line a pure deletion is
    counted at (changed_lines()): the pre-image lines it deleted}, from
    diff -U0 of each file against the copies snapshot() left in before."""
    out: dict[str, dict[int, list[int]]] = {}
    for fd in patch.files:
        old = inside(before, fd.source_path())
        new = inside(after, fd.path())
        if not old or not new or not os.path.isfile(old) or \
                not os.path.isfile(new):
            continue
        try:
            r = run_child(["diff", "-U0", "-a", old, new],
                          stderr_to_stdout=False)
        except OSError:
            continue
        for ln in r.stdout.splitlines():
            m = DEL0.match(ln)
            if m:
                o, n = int(m.group(1)), int(m.group(2) or "1")
                at = int(m.group(3))
                out.setdefault(fd.path(), {})[at + 1 if at else 1] = \
                    list(range(o, o + n))
    return out


def deleted_text(patch: Patch, before: str,
                 deleted: dict[str, dict[int, list[int]]]
                 ) -> dict[str, dict[int, str]]:
    """The text of each pure deletion (applied_deletions()), read from
    the copies snapshot() left in before: path -> {counted at: text}."""
    out: dict[str, dict[int, str]] = {}
    for fd in patch.files:
        dels = deleted.get(fd.path())
        old = inside(before, fd.source_path())
        if not dels or not old or not os.path.isfile(old):
            continue
        with open(old, encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
        out[fd.path()] = {at: "\n".join(lines[o - 1] for o in olds
                                        if 0 < o <= len(lines))
                          for at, olds in dels.items()}
    return out


def applied_changes(patch: Patch, before: str, after: str
                    ) -> dict[str, list[int]]:
    """Tree-relative path -> the lines patch changed, in after (the tree
    it was applied to), against the copies snapshot() left in before."""
    fallback = changed_lines(patch)
    out: dict[str, list[int]] = {}
    for fd in patch.files:
        old = inside(before, fd.source_path()) or os.devnull
        new = inside(after, fd.path()) or os.devnull
        if not os.path.isfile(new):
            # deleted, or not in this tree (the step skipped it): outside
            rel = fd.path() if fd.path() in fallback else fd.source_path()
            out.setdefault(rel, []).extend(fallback.get(rel, [0]))
            continue
        lines = _diff_u0(old if os.path.isfile(old) else "/dev/null", new)
        out.setdefault(fd.path(), []).extend(
            lines if lines is not None else fallback.get(fd.path(), []))
    return {p: sorted(set(ls)) for p, ls in out.items()}


def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s)


def slice_lines(sdir: str, display_root: str) -> dict[str, set[int]]:
    """Tree-relative path -> the tree's lines the slice holds (non-blank
    text under a #line directive naming display_root)."""
    root = display_root.rstrip("/") + "/"
    held: dict[str, set[int]] = {}
    for fn in ("slice.h", "slice.c"):
        path: Optional[str] = None
        n = 0
        with open(os.path.join(sdir, fn), encoding="utf-8",
                  errors="surrogateescape") as f:
            for text in f:
                m = LINE_RE.match(text)
                if m:
                    n = int(m.group(1))
                    p = _unescape(m.group(2))
                    path = p[len(root):] if p.startswith(root) else None
                    continue
                if path is not None and text.strip():
                    held.setdefault(path, set()).add(n)
                n += 1
    return held


def gcov_env(exe: str, counts: str) -> dict[str, str]:
    """The environment that makes a run of exe write its counts under
    counts/ (and never beside the object it was built from)."""
    env = dict(os.environ)
    try:
        with open(os.path.join(os.path.dirname(exe), STRIP)) as f:
            strip = f.read().strip()
    except OSError:
        return env              # not an instrumented binary
    env.update(GCOV_PREFIX=counts, GCOV_PREFIX_STRIP=strip)
    return env


def private_dir() -> str:
    """A directory for one run's counts or one patch's pre-image copies
    (removed with the tool's TMPDIR, by a signal too)."""
    return tempfile.mkdtemp(prefix="cov-", dir=tool_tmpdir())


def executed_lines(exe: str, counts: str, display_root: str
                   ) -> dict[str, dict[int, int]]:
    """Tree-relative path -> line -> execution count, for the lines gcc
    emitted code for, from the counts a run of exe left in counts/."""
    gcda = os.path.join(counts, "glue.gcda")
    if not os.path.exists(gcda):
        raise Unmeasured("the run left no coverage counts (no case "
                         "ended its process normally)")
    gcov = shutil.which("gcov")
    if not gcov:
        raise Unmeasured("gcov is not installed")
    try:
        shutil.copy(os.path.join(os.path.dirname(exe), GCNO), counts)
        r = run_child([gcov, "--json-format", "--stdout", "glue.gcda"],
                      cwd=counts, stderr_to_stdout=False)
    except OSError as e:
        raise Unmeasured(f"cannot run gcov: {e.strerror}")
    if r.returncode:
        raise Unmeasured(f"gcov failed (exit {r.returncode}): "
                         f"{(r.stderr.strip().splitlines() or ['?'])[-1]}")
    root = display_root.rstrip("/") + "/"
    out: dict[str, dict[int, int]] = {}
    try:
        for doc in r.stdout.splitlines():
            if not doc.strip():
                continue
            for fc in json.loads(doc)["files"]:
                if not fc["file"].startswith(root):
                    continue
                lines = out.setdefault(fc["file"][len(root):], {})
                for ln in fc["lines"]:
                    k = int(ln["line_number"])
                    lines[k] = lines.get(k, 0) + int(ln["count"])
    except (ValueError, KeyError, TypeError) as e:
        raise Unmeasured(f"cannot read gcov's JSON ({e})")
    return out


@dataclass
class PatchCoverage:
    """One patch's changed lines, against its step's slice and run."""
    changed: int = 0            # changed lines
    sliced: int = 0             # of them, in code the slice holds
    with_code: int = 0          # of those, lines gcc emitted code for
    executed: int = 0           # of those, lines the run executed
    not_run: list[str] = field(default_factory=list)   # file:line
    outside: list[str] = field(default_factory=list)   # files, not held
    unmeasured: str = ""        # why executed is unknown

    def summary(self) -> str:
        if not self.changed:
            return "changes no line of text (nothing to cover)"
        out = f"{self.changed - self.sliced} changed line(s) outside " \
            "what the harness models" + \
            (f" ({', '.join(self.outside[:4])}"
             f"{', ...' if len(self.outside) > 4 else ''})"
             if self.outside else "")
        if not self.sliced:
            return out
        ran = (f"executed: not measured ({self.unmeasured})"
               if self.unmeasured else f"{self.executed} executed")
        return (f"{self.sliced} changed line(s) in sliced code, "
                f"{self.with_code} with code, {ran}; {out}")

    def covered_none(self) -> bool:
        """Nothing of the patch ran (or none of it is modelled)."""
        return bool(self.changed) and not self.unmeasured and \
            self.executed == 0

    def code_not_run(self) -> bool:
        """The patch changed code the harness holds and none of it ran:
        worth a warning where a comment or a change outside the model
        (judged elsewhere: changes.py) is not."""
        return self.with_code > 0 and self.covered_none()


COMMENT_RE = re.compile(r"^\s*(//|/\*|\*|$)")
GOVERNS = 20                # lines a label or declaration may govern


def governed(n: int, held: set[int], counts: dict[int, int],
             text: Optional[list[str]]) -> Optional[int]:
    """The line whose code a changed line without code of its own (a
    `case` label, a declaration, a brace, an `else`) governs: the next
    held line gcc emitted code for.  None for a comment or a blank line
    (it governs nothing), or when the source text is unknown."""
    if text is None or not 0 < n <= len(text) or \
            COMMENT_RE.match(text[n - 1]):
        return None
    for k in range(n + 1, n + 1 + GOVERNS):
        if k not in held:
            return None         # out of the held code (a dropped arm)
        if k in counts:
            return k
    return None


def measure(changed: dict[str, list[int]], held: dict[str, set[int]],
            ran: Optional[dict[str, dict[int, int]]],
            unmeasured: str = "",
            source: Optional[str] = None) -> PatchCoverage:
    """changed: applied_changes() (or changed_lines()) of one patch.
    source: the root of the tree the lines are in, to count a label or a
    declaration as run when the code it governs ran (with code: the
    lines gcc emitted code for, and those)."""
    pc = PatchCoverage(unmeasured=unmeasured if ran is None else "")
    for path, lines in sorted(changed.items()):
        mine = held.get(path, set())
        counts = (ran or {}).get(path, {})
        text = read_lines(source, path) if source else None
        for n in lines:
            pc.changed += 1
            if n not in mine:
                if path not in pc.outside:
                    pc.outside.append(path)
                continue
            pc.sliced += 1
            at = n if n in counts else governed(n, mine, counts, text)
            if at is not None:
                pc.with_code += 1
                if counts[at]:
                    pc.executed += 1
                elif len(pc.not_run) < SHOWN:
                    pc.not_run.append(f"{path}:{n}")
    return pc


def held_text(changed: dict[str, list[int]], held: dict[str, set[int]],
              root: str) -> dict[str, dict[int, str]]:
    """The text of each changed line the slice holds (blank ones aside),
    for the report: path -> line -> text."""
    out: dict[str, dict[int, str]] = {}
    for path, lines in changed.items():
        text = read_lines(root, path) or []
        for n in lines:
            if n in held.get(path, set()) and 0 < n <= len(text) and \
                    text[n - 1].strip():
                out.setdefault(path, {})[n] = text[n - 1]
    return out


def read_lines(root: str, path: str) -> Optional[list[str]]:
    try:
        with open(os.path.join(root, path), encoding="utf-8",
                  errors="replace") as f:
            return f.read().splitlines()
    except OSError:
        return None
