#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""kvm-x86-sim validate: pre-submit validation of a KVM x86 patch series.

  kvm-x86-sim validate [--kernel DIR] [--patch FILE]... [--format FMT]
                       [--output FILE]

For each prefix of the series (patch 1, patches 1-2, ...) the patches are
applied with GNU patch to a scratch copy of the tree's arch/x86/kvm (the
user's tree is only read), the tree's code is sliced (scripts/kvm_slice.py),
only the slice is compiled and linked against the prebuilt simulator
library, and every scenario is run.  The result is a table of invariants x
patch prefixes; each FAIL names the invariant, the scenario, the vendor and
the guest CPUID, with the short event trace ending at the kernel's file:line.

Exit: 0 every invariant holds, 1 an invariant is violated (or the code under
test crashed), 2 bad input (usage, a patch that does not apply, a tree
without arch/x86/kvm/x86.c, a compile error in the patched code).

Python 3 standard library only.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROG = "kvm-x86-sim validate"
KVM_DIR = "arch/x86/kvm"
RUN_TIMEOUT = 60
# The flags cmake/KernelTrees.cmake compiles a tree's glue with.  -O0: the
# verdicts are the same as the build's -O2 and it compiles twice as fast.
KERNEL_CFLAGS = ["-O0", "-g", "-std=gnu11", "-fno-strict-aliasing",
                 "-Wno-unused", "-Wno-unused-parameter",
                 "-Werror=implicit-function-declaration",
                 "-Werror=int-conversion"]
CRASH_ROW = "NO CRASH"
CACHE_KEEP = 200


class BadInput(Exception):
    """Exit 2: the first line is the one-line reason, the rest details."""


# ---------------------------------------------------------------- patches

class FileDiff:
    def __init__(self):
        self.header = []        # diff --git / index / mode lines
        self.old = None         # "a/..." or /dev/null
        self.new = None
        self.hunks = []         # (input line number, [lines])
        self.lines = []         # the whole clean text of this file's diff

    def path(self):
        """The tree-relative path (-p1) the diff applies to."""
        p = self.new if self.new and self.new != "/dev/null" else self.old
        if p is None:
            m = re.match(r"diff --git a/(\S+) b/(\S+)", self.header[0])
            return m.group(2) if m else "?"
        return p.split("/", 1)[1] if "/" in p else p

    def creates(self):
        return self.old == "/dev/null" or any(
            h.startswith("new file mode") for h in self.header)


class Patch:
    def __init__(self, source, subject, files, first_line):
        self.source = source
        self.subject = subject
        self.files = files
        self.first_line = first_line

    def label(self):
        return os.path.basename(self.source)


HUNK_RE = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
GIT_HEADER = ("index ", "new file mode", "deleted file mode", "old mode",
              "new mode", "similarity index", "dissimilarity index",
              "rename from", "rename to", "copy from", "copy to")


def _path_of(line):
    return line[4:].split("\t")[0].strip()


def parse_diff(lines, start, src):
    """Parse the unified diff that starts at lines[start] (unquoted); return
    (files, end).  Parsing stops at the first line that is neither a diff
    header nor inside a hunk: signatures, replies and quoted text end it."""
    files = []
    i, n = start, len(lines)
    while i < n:
        line = lines[i]
        fd = FileDiff()
        if line.startswith("diff --git "):
            fd.header.append(line)
            i += 1
            while i < n and lines[i].startswith(GIT_HEADER):
                fd.header.append(lines[i])
                i += 1
            if i < n and lines[i].startswith("Binary files"):
                raise BadInput(f"{src}:{i + 1}: binary diff for "
                               f"{fd.path()}: not supported")
        if i + 1 < n and lines[i].startswith("--- ") and \
                lines[i + 1].startswith("+++ "):
            fd.old, fd.new = _path_of(lines[i]), _path_of(lines[i + 1])
            i += 2
        elif not fd.header:
            break
        fd.lines = fd.header + ([f"--- {fd.old}", f"+++ {fd.new}"]
                                if fd.old else [])
        while i < n and lines[i].startswith("@@ "):
            m = HUNK_RE.match(lines[i])
            if not m:
                raise BadInput(f"{src}:{i + 1}: malformed hunk header "
                               f"for {fd.path()}: {lines[i]!r}")
            old = int(m.group(2)) if m.group(2) is not None else 1
            new = int(m.group(4)) if m.group(4) is not None else 1
            hstart = i
            body = [lines[i]]
            i += 1
            while old > 0 or new > 0:
                if i >= n:
                    raise BadInput(
                        f"{src}:{hstart + 1}: hunk #{len(fd.hunks) + 1} of "
                        f"{fd.path()} is truncated (file ends)")
                ln = lines[i]
                c = ln[:1]
                if c in (" ", ""):
                    old, new = old - 1, new - 1
                    ln = ln if ln else " "
                elif c == "-":
                    old -= 1
                elif c == "+":
                    new -= 1
                elif c == "\\":
                    pass
                else:
                    raise BadInput(
                        f"{src}:{i + 1}: hunk #{len(fd.hunks) + 1} of "
                        f"{fd.path()} is truncated or mangled (line "
                        f"{ln[:40]!r} inside the hunk)")
                if old < 0 or new < 0:
                    raise BadInput(
                        f"{src}:{hstart + 1}: hunk #{len(fd.hunks) + 1} of "
                        f"{fd.path()}: line counts do not match its header")
                body.append(ln)
                i += 1
            if i < n and lines[i].startswith("\\"):
                body.append(lines[i])
                i += 1
            fd.hunks.append((hstart + 1, body))
            fd.lines += body
        if not fd.hunks and not any(h.startswith(("rename", "new file",
                                                  "deleted file", "old mode"))
                                    for h in fd.header):
            if fd.old is None:
                break           # a lone "diff --git" line in prose
            raise BadInput(f"{src}:{i + 1}: diff of {fd.path()} has no hunk")
        files.append(fd)
    return files, i


def _find_diff_start(lines, lo, hi):
    for i in range(lo, hi):
        ln = lines[i]
        if ln.startswith("diff --git "):
            return i
        if ln.startswith("--- ") and i + 2 < hi and \
                lines[i + 1].startswith("+++ ") and \
                lines[i + 2].startswith("@@ "):
            return i
    return None


MBOX_FROM = re.compile(r"^From \S+ .*\d{4}\s*$")


def _subject(lines, lo, hi):
    """Subject: header (folded) of the message at lines[lo:hi], or the
    first [PATCH ...] line of thread text."""
    for i in range(lo, hi):
        ln = lines[i]
        if ln == "" and i > lo:
            break
        if ln.lower().startswith("subject:"):
            s = ln[8:].strip()
            j = i + 1
            while j < hi and lines[j][:1] in (" ", "\t") and lines[j].strip():
                s += " " + lines[j].strip()
                j += 1
            return s
    for i in range(lo, min(hi, lo + 20)):
        if re.match(r"^(Re: *)?\[PATCH", lines[i]):
            return lines[i].strip()
    return ""


def parse_patch_file(path):
    """The patches in one file: a git format-patch file, an mbox holding a
    series (split in file order; replies and cover letters skipped), or
    thread text with quoted replies (its first unquoted diff)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise BadInput(f"{path}: cannot read the patch: {e.strerror}")
    if not raw.strip():
        raise BadInput(f"{path}: empty file, no patch in it")
    if b"\0" in raw[:8192]:
        raise BadInput(f"{path}: binary file, not a patch")
    text = raw.decode("utf-8", errors="replace")
    lines = [ln.rstrip("\r") for ln in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    starts = [i for i, ln in enumerate(lines) if MBOX_FROM.match(ln)]
    if not starts or starts[0] != 0:
        starts = [0] + starts
    bounds = list(zip(starts, starts[1:] + [len(lines)]))
    patches = []
    for lo, hi in bounds:
        subj = _subject(lines, lo, hi)
        if len(bounds) > 1 and re.match(r"^re:", subj, re.I):
            continue            # a reply in an mbox thread
        d = _find_diff_start(lines, lo, hi)
        if d is None:
            continue            # a cover letter, or prose
        files, _ = parse_diff(lines[:hi], d, path)
        if files:
            patches.append(Patch(path, subj, files, d + 1))
        if len(bounds) == 1:
            break
    if not patches:
        raise BadInput(f"{path}: no patch found (no unquoted unified diff "
                       "in it)")
    if len(patches) > 1:
        for k, p in enumerate(patches):
            p.part = k + 1
    return patches


# ------------------------------------------------------------ apply

def tree_is_complete(tree):
    return os.path.isdir(os.path.join(tree, "include", "linux"))


def apply_patch(patch, scratch, tree, step):
    """Apply one patch to the scratch tree with GNU patch; return the notes
    (offsets, fuzz, skipped files).  BadInput when it does not apply."""
    notes = []
    keep = []
    name = f"patch {step} ({patch.label()})"
    for fd in patch.files:
        rel = fd.path()
        if rel.startswith("../") or rel.startswith("/"):
            raise BadInput(f"{name}: refuses path {rel!r}")
        dst = os.path.join(scratch, rel)
        if not fd.creates() and not os.path.exists(dst):
            src = os.path.join(tree, rel)
            if rel.startswith(KVM_DIR + "/") or os.path.exists(src) or \
                    tree_is_complete(tree):
                if not os.path.exists(src):
                    line = fd.hunks[0][0] if fd.hunks else patch.first_line
                    raise BadInput(
                        f"{name} does not apply: {rel} (hunk #1, "
                        f"{patch.source}:{line}) is not in the tree {tree}")
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copy2(src, dst)
            else:
                notes.append(f"{rel}: not in this tree (only {KVM_DIR} "
                             "is there); not applied, the slice does not "
                             "read it")
                continue
        keep.append(fd)
    if not keep:
        return notes
    pfile = os.path.join(scratch, ".validate.patch")
    with open(pfile, "w") as f:
        for fd in keep:
            f.write("\n".join(fd.lines) + "\n")
    r = subprocess.run(["patch", "-p1", "--batch", "--forward",
                        "--no-backup-if-mismatch", "--reject-file=-",
                        "-d", scratch, "-i", pfile],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    os.unlink(pfile)
    cur = None
    failed = []
    by_path = {fd.path(): fd for fd in keep}
    for ln in r.stdout.splitlines():
        m = re.match(r"(?:patching|checking) file '?([^']+)'?$", ln)
        if m:
            cur = m.group(1)
            continue
        m = re.match(r"Hunk #(\d+) (succeeded|FAILED) at (\d+)(.*)\.$", ln)
        if m:
            fd = by_path.get(cur)
            k = int(m.group(1))
            where = ""
            if fd and k <= len(fd.hunks):
                where = f", {patch.source}:{fd.hunks[k - 1][0]}"
            if m.group(2) == "FAILED":
                failed.append(f"{cur} hunk #{k} FAILED at {m.group(3)}"
                              f"{where}")
            else:
                notes.append(f"{cur}: hunk #{k} applied at {m.group(3)}"
                             f"{m.group(4)}")
            continue
        if "Reversed (or previously applied) patch detected" in ln:
            failed.append(f"{cur}: already applied (reversed or previously "
                          "applied patch detected)")
        elif "can't find file to patch" in ln or "No such file" in ln:
            failed.append(f"{cur or '?'}: file not found")
        elif "malformed patch" in ln or "garbage" in ln:
            failed.append(ln.strip())
    if r.returncode != 0 or failed:
        if not failed:
            failed = [ln for ln in r.stdout.splitlines() if ln.strip()][-1:] \
                or [f"GNU patch exit {r.returncode}"]
        raise BadInput(f"{name} does not apply: {failed[0]}",
                       *failed[1:], *["patch: " + ln for ln in
                                      r.stdout.splitlines()])
    return notes


# ------------------------------------------------------------ build

def sha(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else str(p).encode())
        h.update(b"\0")
    return h.hexdigest()[:24]


def file_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def tree_digest(root):
    """Hash of every .c/.h under root/arch/x86/kvm (what the slicer reads)."""
    h = hashlib.sha256()
    base = os.path.join(root, KVM_DIR)
    for d, dirs, files in sorted(os.walk(base)):
        dirs.sort()
        for fn in sorted(files):
            if fn.endswith((".c", ".h")):
                p = os.path.join(d, fn)
                h.update(os.path.relpath(p, base).encode() + b"\0")
                h.update(file_bytes(p))
    return h.hexdigest()


def headers_digest():
    h = hashlib.sha256()
    for d in ("stubs", "kvm_x86_sim/include", "tests/scenarios"):
        for dd, dirs, files in sorted(os.walk(os.path.join(TOP, d))):
            dirs.sort()
            for fn in sorted(files):
                if fn.endswith((".h", ".c")):
                    p = os.path.join(dd, fn)
                    h.update(p.encode() + b"\0" + file_bytes(p))
    return h.hexdigest()


def cmake_cache(build):
    vals = {}
    try:
        with open(os.path.join(build, "CMakeCache.txt")) as f:
            for ln in f:
                m = re.match(r"^([A-Za-z0-9_]+):[A-Z]+=(.*)$", ln.strip())
                if m:
                    vals[m.group(1)] = m.group(2)
    except OSError:
        pass
    return vals


def atomic_write(path, data):
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    os.replace(tmp, path)


class Builder:
    """Slice -> glue object -> test binary, each cached by content hash."""

    def __init__(self, build, cache):
        self.build = build
        self.cache = cache
        cc = cmake_cache(build)
        self.cc = os.environ.get("CC") or cc.get("CMAKE_C_COMPILER") or "cc"
        self.cmocka_inc = cc.get("CMOCKA_INCLUDE_DIR", "")
        self.cmocka_lib = cc.get("CMOCKA_LIBRARY") or "-lcmocka"
        self.lib = os.path.join(build, "libkvm_x86_sim.a")
        if not os.path.exists(self.lib):
            raise BadInput(f"{self.lib} is missing: build the harness first "
                           "(./kvm-x86-sim setup, or cmake --build build)")
        for d in ("slices", "bin"):
            os.makedirs(os.path.join(cache, d), exist_ok=True)
        self.spec = os.path.join(TOP, "slice", "kvm_msr.spec")
        self.slicer = os.path.join(TOP, "scripts", "kvm_slice.py")
        self.hdr = headers_digest()
        self.incs = ["-I" + os.path.join(TOP, d) for d in
                     ("stubs", "kvm_x86_sim/include", "tests/scenarios")]
        if self.cmocka_inc:
            self.incs.append("-I" + self.cmocka_inc)
        self.lib_hash = sha(file_bytes(self.lib))
        self.main_o = self._main_object()

    def _cc(self, args, what):
        r = subprocess.run([self.cc] + args, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        return r

    def _main_object(self):
        src = os.path.join(TOP, "tests", "cmocka", "main.c")
        key = sha(file_bytes(src), self.hdr, self.cc, KERNEL_CFLAGS)
        obj = os.path.join(self.cache, "bin", f"main-{key}.o")
        if not os.path.exists(obj):
            tmp = f"{obj}.{os.getpid()}.tmp"
            r = self._cc(KERNEL_CFLAGS + self.incs + ["-c", src, "-o", tmp],
                         "main")
            if r.returncode:
                raise BadInput("cannot compile the cmocka runner "
                               "tests/cmocka/main.c", r.stdout)
            os.replace(tmp, obj)
        return obj

    def slice(self, root, display_root):
        """Slice root (a tree or the scratch copy); #line paths name
        display_root (the user's tree) so they are stable and readable."""
        key = sha(tree_digest(root), file_bytes(self.spec),
                  file_bytes(self.slicer), display_root)
        d = os.path.join(self.cache, "slices", key)
        if os.path.exists(os.path.join(d, "done")):
            os.utime(d)
            return d, True
        # sliced into a private directory, then renamed into place: runs
        # in parallel (ctest -j) never see a half-written slice
        tmpd = tempfile.mkdtemp(prefix=f"{key}.", dir=os.path.dirname(d))
        r = subprocess.run([sys.executable, self.slicer, "--tree", root,
                            "--spec", self.spec,
                            "--out-c", os.path.join(tmpd, "slice.c"),
                            "--out-h", os.path.join(tmpd, "slice.h"),
                            "--report", os.path.join(tmpd, "slice.json")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
        if r.returncode:
            shutil.rmtree(tmpd, ignore_errors=True)
            msg = (r.stderr.strip() or r.stdout.strip()).splitlines()
            why = {2: "the tree has no usable arch/x86/kvm",
                   3: "a definition the harness needs is missing or "
                   "defined twice"}.get(r.returncode,
                                        f"slicer exit {r.returncode}")
            raise BadInput(f"cannot slice the tree: {why}"
                           + (f": {msg[0]}" if msg else ""), *msg[1:])
        for fn in ("slice.c", "slice.h"):
            p = os.path.join(tmpd, fn)
            with open(p) as f:
                s = f.read()
            if root != display_root:
                s = s.replace(root, display_root)
            with open(p, "w") as f:
                f.write(s)
        with open(os.path.join(tmpd, "slice.txt"), "w") as f:
            f.write(r.stdout)
        with open(os.path.join(tmpd, "done"), "w"):
            pass
        try:
            os.rename(tmpd, d)
        except OSError:         # another run got there first
            shutil.rmtree(tmpd, ignore_errors=True)
        return d, False

    def prune(self, keep=CACHE_KEEP):
        """Keep the cache bounded: the newest `keep` slices and binaries."""
        for sub in ("slices", "bin"):
            base = os.path.join(self.cache, sub)
            try:
                ents = [os.path.join(base, e) for e in os.listdir(base)
                        if not e.startswith("main-")]
                if len(ents) <= keep:
                    continue
                ents.sort(key=lambda e: os.stat(e).st_mtime)
                for e in ents[:len(ents) - keep]:
                    if os.path.isdir(e):
                        shutil.rmtree(e, ignore_errors=True)
                    else:
                        os.unlink(e)
            except OSError:
                pass

    def binary(self, sdir, display_root, scratch):
        key = sha(file_bytes(os.path.join(sdir, "slice.c")),
                  file_bytes(os.path.join(sdir, "slice.h")), self.hdr,
                  self.cc, KERNEL_CFLAGS, self.lib_hash, self.main_o)
        exe = os.path.join(self.cache, "bin", f"t-{key}")
        if os.path.exists(exe):
            os.utime(exe)
            return exe, True
        glue = os.path.join(sdir, "glue.c")
        atomic_write(glue,
                     "/* generated by kvm_validate.py */\n"
                     f'#include "{sdir}/slice.h"\n'
                     f'#define SLICE_C "{sdir}/slice.c"\n'
                     f'#include "{TOP}/stubs/glue.c"\n')
        obj = exe + f".{os.getpid()}.o"
        r = self._cc(KERNEL_CFLAGS + self.incs + ["-c", glue, "-o", obj],
                     "glue")
        if r.returncode:
            raise BadInput(*compile_error(r.stdout, display_root, scratch))
        tmp = f"{exe}.{os.getpid()}.tmp"
        r = self._cc([self.main_o, obj, self.lib, self.cmocka_lib, "-o",
                      tmp], "link")
        os.unlink(obj)
        if r.returncode:
            raise BadInput(*compile_error(r.stdout, display_root, scratch,
                                          link=True))
        os.replace(tmp, exe)
        return exe, False


def compile_error(out, display_root, scratch, link=False):
    """gcc's diagnostics with the tree's own file:line (the slice's #line
    directives point into arch/x86/kvm) made tree-relative."""
    lines = []
    for ln in out.splitlines():
        for root in (display_root, scratch):
            if root:
                ln = ln.replace(root.rstrip("/") + "/", "")
        lines.append(ln)
    errs = [ln for ln in lines if re.search(r"\berror\b", ln)]
    what = "link error" if link else "compile error"
    first = errs[0] if errs else (lines[0] if lines else "?")
    head = f"{what} in the patched code: {first}"
    if not re.match(r"^arch/", first):
        head += " (outside the kernel's code: the harness's stubs may lack " \
            "something this tree needs)"
    return [head] + [ln for ln in lines if ln != first][:30]


# ------------------------------------------------------------ run

class Case:
    def __init__(self, name, result, got, expect, reason, report):
        self.name = name
        self.result = result
        self.got = got
        self.expect = expect
        self.reason = reason
        self.report = report
        parts = name.split("/")
        self.scenario = parts[0]
        self.vendor = parts[1] if len(parts) > 1 else "?"
        self.cpuid = parts[2] if len(parts) > 2 else "?"


def parse_verdicts(out):
    invs, cases, report = [], [], []
    for ln in out.splitlines():
        if ln.startswith("  "):
            report.append(ln[2:])
        elif ln.startswith("invariant\t"):
            f = ln.split("\t")
            invs.append(f[2])
        elif ln.startswith("case\t"):
            f = ln.split("\t")
            f += [""] * (6 - len(f))
            cases.append(Case(f[1], f[2], int(f[3], 16), int(f[4], 16),
                              f[5], report))
            report = []
    return invs, cases, report


def signame(rc):
    try:
        return signal.Signals(-rc).name
    except (ValueError, AttributeError):
        return f"signal {-rc}"


def run_binary(exe):
    """Every case of every scenario.  If the binary crashes (a NULL
    dereference in the code under test is a finding), rerun scenario by
    scenario: a crash is a FAIL of the scenario that crashed, the others
    still get their verdicts."""
    def run(args):
        try:
            r = subprocess.run([exe] + args, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               errors="replace", timeout=RUN_TIMEOUT)
            return r.returncode, r.stdout, r.stderr
        except subprocess.TimeoutExpired as e:
            out = e.stdout or ""
            if isinstance(out, bytes):
                out = out.decode(errors="replace")
            return "timeout", out, ""

    rc, out, err = run(["--verdicts"])
    if rc in (0, 1):
        invs, cases, _ = parse_verdicts(out)
        if invs:
            return invs, cases
    rc0, lst, _ = run(["--list"])
    scenarios = [ln.split("\t")[0] for ln in lst.splitlines() if ln.strip()]
    if rc0 != 0 or not scenarios:
        raise BadInput(f"the test binary does not start ({exe}: "
                       f"{rc0 if rc0 != 'timeout' else 'timeout'})", err)
    invs, cases = [], []
    for s in scenarios:
        rc, out, err = run(["--scenario", s, "--verdicts"])
        i, cs, tail = parse_verdicts(out)
        invs = invs or i
        cases += cs
        if rc in (0, 1, 77):
            continue
        why = (f"crashed ({signame(rc)})" if isinstance(rc, int) and rc < 0
               else f"hung (killed after {RUN_TIMEOUT} s)"
               if rc == "timeout" else f"exited {rc}")
        last = f" after case {cs[-1].name}" if cs else " in its first case"
        rep = tail + [f"FAIL {CRASH_ROW}: scenario {s} {why}{last}"]
        rep += ["  stderr: " + e for e in err.splitlines()[-5:]]
        if isinstance(rc, int) and rc < 0:
            rep += ["  " + f for f in crash_frames(exe, s)]
        cases.append(Case(f"{s}/(crash)", "FAIL", 0, 0, why, rep))
    return invs, cases


def crash_frames(exe, scenario, limit=6):
    """Where it crashed, from gdb's backtrace when gdb is installed."""
    gdb = shutil.which("gdb")
    if not gdb:
        return []
    try:
        r = subprocess.run([gdb, "-q", "-batch", "-nx", "-ex", "run",
                            "-ex", "bt", "--args", exe, "--scenario",
                            scenario, "--verdicts"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, errors="replace", timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return []
    frames = []
    for ln in r.stdout.splitlines():
        m = re.match(r"^#(\d+)\s+(?:0x\S+ in )?(\S+) \(.*\) at (\S+):(\d+)",
                     ln)
        if m:
            path = m.group(3)
            k = path.find("arch/x86/")
            path = path[k:] if k >= 0 else os.path.basename(path)
            frames.append(f"#{m.group(1):<3} {m.group(2):<32} "
                          f"{path}:{m.group(4)}")
    return frames[:limit]


# ------------------------------------------------------------ verdicts

def _norm(s):
    return re.sub(r"[^a-z0-9]", "", s.lower())


class Step:
    """One prefix of the series (or the bare tree)."""

    def __init__(self, index, label, patches):
        self.index = index          # 0: the tree itself
        self.label = label          # "tree", "1", "1-2", ...
        self.patches = patches
        self.notes = []
        self.cases = []
        self.invs = []
        self.cells = {}             # invariant -> (verdict, reason)
        self.failures = {}          # invariant -> [Case]
        self.seconds = 0.0
        self.cached = ""

    def evaluate(self, invs, cases):
        self.invs = invs
        self.cases = cases
        rows = list(invs)
        if any(c.name.endswith("/(crash)") for c in cases):
            rows.append(CRASH_ROW)
        self.rows = rows
        for c in cases:
            if c.result != "FAIL":
                continue
            if c.name.endswith("/(crash)"):
                bits = [CRASH_ROW]
            else:
                diff = c.got if not c.scenario.startswith("breaks_") \
                    else (c.got ^ c.expect)
                bits = [invs[k] for k in range(len(invs)) if diff >> k & 1]
                if not bits:
                    bits = [invs[-1]] if invs else [CRASH_ROW]
            for b in bits:
                self.failures.setdefault(b, []).append(c)
        ran = [c for c in cases if c.result != "SKIP"]
        for inv in rows:
            if inv in self.failures:
                fs = self.failures[inv]
                self.cells[inv] = ("FAIL", f"{len(fs)} case(s), first "
                                   f"{fs[0].name}")
                continue
            if inv == CRASH_ROW:
                self.cells[inv] = ("PASS", "")
                continue
            own = [c for c in cases if c.scenario.startswith("breaks_") and
                   _norm(c.scenario[len("breaks_"):]) == _norm(inv)]
            if own and all(c.result == "SKIP" for c in own):
                self.cells[inv] = ("SKIP", own[0].reason)
            elif not ran:
                self.cells[inv] = ("SKIP", cases[0].reason if cases
                                   else "no case ran")
            else:
                self.cells[inv] = ("PASS", "")

    def failed(self):
        return any(v == "FAIL" for v, _ in self.cells.values())

    def counts(self):
        n = {"PASS": 0, "FAIL": 0, "SKIP": 0}
        for c in self.cases:
            n[c.result] = n.get(c.result, 0) + 1
        return n


def short_trace(case, inv, limit=8):
    """The report block of case that names inv: its FAIL line and the last
    `limit` trace lines (the trace ends at the event that broke it)."""
    rep = case.report
    start = None
    for i, ln in enumerate(rep):
        if ln.startswith(f"FAIL {inv}:"):
            start = i
            break
    if start is None:
        for i, ln in enumerate(rep):
            if ln.startswith("FAIL "):
                start = i
                break
    if start is None:
        return rep[-limit:], None
    block = [rep[start]]
    j = start + 1
    while j < len(rep) and rep[j].startswith("  "):
        block.append(rep[j].strip())
        j += 1
    trace = block[1:]
    where, last = [], None
    for ln in trace:
        m = re.search(r"(arch/x86/\S+):(\d+)\s*$", ln)
        if m:
            where.append(m.group(2) if m.group(1) == last
                         else f"{m.group(1)}:{m.group(2)}")
            last = m.group(1)
    where = ", ".join(where) or None
    if len(trace) > limit:
        trace = [f"... {len(trace) - limit} earlier event(s)"] + \
            trace[-limit:]
    return [block[0]] + trace, where


# ------------------------------------------------------------ output

class Colour:
    def __init__(self, on):
        self.on = on

    def __call__(self, verdict, text=None):
        text = verdict if text is None else text
        if not self.on:
            return text
        code = {"PASS": "32", "FAIL": "1;31", "SKIP": "33"}.get(verdict)
        return f"\033[{code}m{text}\033[0m" if code else text


def render_text(res, colour):
    out = []
    w = out.append
    w(f"tree: {res['tree']}")
    patches = res["patches"]
    if patches:
        w(f"series: {len(patches)} patch(es)")
        for k, p in enumerate(patches, 1):
            w(f"  {k:>2}  {p.label()}{'#' + str(p.part) if hasattr(p, 'part') else ''}"
              f"  {p.subject[:70]}")
    steps = res["steps"]
    for s in steps:
        for n in s.notes:
            w(f"  note (patch {s.index}): {n}")
    if steps:
        rows = []
        for s in steps:
            for r in s.rows:
                if r not in rows:
                    rows.append(r)
        colw = max(6, max(len(s.label) for s in steps) + 2)
        head = f"{'invariant':<20}" + "".join(f"{s.label:<{colw}}"
                                              for s in steps)
        w("")
        if len(steps) > 1 or steps[0].index:
            w("patches applied ->")
        w(head.rstrip())
        for r in rows:
            line = f"{r:<20}"
            for s in steps:
                v = s.cells.get(r, ("PASS", ""))[0] if r == CRASH_ROW \
                    else s.cells.get(r, ("SKIP", ""))[0]
                line += colour(v, f"{v:<{colw}}")
            w(line.rstrip())
        skips = {}
        for s in steps:
            for r in s.rows:
                v, why = s.cells[r]
                if v == "SKIP" and r not in skips.setdefault(why, []):
                    skips[why].append(r)
        if skips:
            w("")
            for why, invs in skips.items():
                w(f"SKIP {', '.join(invs)}: {why}")
    seen = set()
    for s in steps:
        for inv, cs in s.failures.items():
            key = (inv, tuple(sorted({c.scenario for c in cs})))
            if key in seen:
                continue
            seen.add(key)
            w("")
            after = ((f"with patch 1 applied ({s.patches[-1].label()})"
                      if s.index == 1 else
                      f"with patches {s.label} applied (first failing at "
                      f"patch {s.index}: {s.patches[-1].label()})")
                     if s.index else "in the tree as it is")
            by_scn = {}
            for c in cs:
                by_scn.setdefault(c.scenario, []).append(c)
            for scn, scs in by_scn.items():
                c = scs[0]
                lines, where = short_trace(c, inv)
                w(colour("FAIL", f"FAIL {inv}") + f" {after}")
                if inv == CRASH_ROW:
                    w(f"  scenario {scn}: the code under test crashed")
                else:
                    w(f"  scenario {scn}, vendor {c.vendor.upper()}, guest "
                      f"CPUID {c.cpuid}" +
                      (f"  (also: {', '.join(x.vendor + '/' + x.cpuid for x in scs[1:])})"
                       if len(scs) > 1 else ""))
                if where:
                    w(f"  kernel lines in the trace: {where}")
                for ln in lines:
                    w(f"    {ln}")
    w("")
    if res["error"]:
        w(f"error: {res['error'][0]}")
        for ln in res["error"][1:]:
            w(f"  {ln}")
    fails = sum(1 for s in steps if s.failed())
    verdict = {0: "PASS", 1: "FAIL", 2: "ERROR"}[res["exit"]]
    total = sum(s.seconds for s in steps)
    w(colour(verdict if verdict != "ERROR" else "FAIL", verdict) +
      f": {len(steps)} step(s), {fails} with a violated invariant, "
      f"{total:.2f} s  (exit {res['exit']})")
    return "\n".join(out) + "\n"


def render_tap(res):
    out = ["TAP version 13"]
    steps = res["steps"]
    tests = [(s, r) for s in steps for r in s.rows]
    if res["error"] and not tests:
        out.append("1..0 # SKIP " + res["error"][0])
        out.append("Bail out! " + res["error"][0])
        return "\n".join(out) + "\n"
    out.append(f"1..{len(tests)}")
    for n, (s, r) in enumerate(tests, 1):
        v, why = s.cells[r]
        name = f"{'patches ' + s.label if s.index else 'tree'} - {r}"
        if v == "PASS":
            out.append(f"ok {n} - {name}")
        elif v == "SKIP":
            out.append(f"ok {n} - {name} # SKIP {why}")
        else:
            out.append(f"not ok {n} - {name}")
            for c in s.failures[r][:4]:
                lines, where = short_trace(c, r)
                out.append(f"# {c.scenario} {c.vendor}/{c.cpuid}"
                           + (f" at {where}" if where else ""))
                out += [f"#   {ln}" for ln in lines]
    if res["error"]:
        out.append("Bail out! " + res["error"][0])
    return "\n".join(out) + "\n"


def render_junit(res):
    root = ET.Element("testsuites", name="kvm-x86-sim validate")
    for s in res["steps"]:
        name = f"patches {s.label}" if s.index else "tree"
        ts = ET.SubElement(root, "testsuite", name=name,
                           tests=str(len(s.rows)),
                           failures=str(sum(1 for r in s.rows
                                            if s.cells[r][0] == "FAIL")),
                           skipped=str(sum(1 for r in s.rows
                                           if s.cells[r][0] == "SKIP")),
                           errors="0", time=f"{s.seconds:.3f}")
        for r in s.rows:
            v, why = s.cells[r]
            tc = ET.SubElement(ts, "testcase", classname=f"validate.{name}",
                               name=r)
            if v == "SKIP":
                ET.SubElement(tc, "skipped", message=why)
            elif v == "FAIL":
                body = []
                for c in s.failures[r]:
                    lines, where = short_trace(c, r)
                    body.append(f"{c.name}" + (f" at {where}" if where
                                               else ""))
                    body += ["  " + ln for ln in lines]
                f = ET.SubElement(tc, "failure", message=f"{r} violated: "
                                  f"{s.failures[r][0].name}")
                f.text = "\n".join(body)
    if res["error"]:
        ts = ET.SubElement(root, "testsuite", name="input", tests="1",
                           failures="0", errors="1", skipped="0")
        tc = ET.SubElement(ts, "testcase", classname="validate.input",
                           name="input")
        e = ET.SubElement(tc, "error", message=res["error"][0])
        e.text = "\n".join(res["error"])
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def render_json(res):
    doc = {
        "tree": res["tree"],
        "exit": res["exit"],
        "error": res["error"][0] if res["error"] else None,
        "error_details": res["error"][1:] if res["error"] else [],
        "patches": [{"index": k, "file": p.source, "subject": p.subject}
                    for k, p in enumerate(res["patches"], 1)],
        "steps": [],
    }
    for s in res["steps"]:
        doc["steps"].append({
            "patches": s.label, "index": s.index,
            "seconds": round(s.seconds, 3), "notes": s.notes,
            "cases": s.counts(),
            "invariants": {r: {"verdict": s.cells[r][0],
                               "reason": s.cells[r][1]} for r in s.rows},
            "failures": [
                {"invariant": inv, "case": c.name, "scenario": c.scenario,
                 "vendor": c.vendor, "cpuid": c.cpuid,
                 "at": short_trace(c, inv)[1],
                 "trace": short_trace(c, inv)[0]}
                for inv, cs in s.failures.items() for c in cs],
        })
    return json.dumps(doc, indent=2) + "\n"


# ------------------------------------------------------------ main

def default_tree():
    cache = os.environ.get("KVM_X86_SIM_CACHE") or \
        os.path.join(os.path.expanduser("~"), ".cache", "kvm_x86_sim")
    trees = os.path.join(cache, "trees")
    cand = os.path.join(trees, "linux-7")
    if os.path.isdir(cand):
        return cand
    best = None
    if os.path.isdir(trees):
        for d in os.listdir(trees):
            m = re.match(r"^linux-(?:source-)?(7(?:\.\d+)*)", d)
            if m:
                v = tuple(int(x) for x in m.group(1).split("."))
                if best is None or v > best[0]:
                    best = (v, os.path.join(trees, d))
    if best:
        return best[1]
    raise BadInput(f"no --kernel given and no cached 7.x tree under {trees}: "
                   "run ./kvm-x86-sim setup (or pass --kernel DIR)")


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise BadInput(f"usage: {message} (see --help)")


def main(argv):
    ap = Parser(prog=PROG, description="Validate a KVM x86 patch series, "
                "patch by patch, against the MSR/FPU invariants.")
    ap.add_argument("--kernel", metavar="DIR",
                    help="kernel tree (default: the cached newest 7.x)")
    ap.add_argument("--patch", metavar="FILE", action="append", default=[],
                    help="git format-patch file, mbox series or thread text "
                    "(repeatable, applied in order)")
    ap.add_argument("--format", choices=("text", "tap", "junit", "json"),
                    default="text")
    ap.add_argument("--output", metavar="FILE", help="write the report here")
    ap.add_argument("--build", default=os.environ.get(
        "KVM_X86_SIM_BUILD", os.path.join(TOP, "build")),
        help="the harness build directory (default: ./build)")
    ap.add_argument("--cache", help="object cache (default: "
                    "BUILD/validate-cache)")
    ap.add_argument("--color", choices=("auto", "always", "never"),
                    default="auto")
    ap.add_argument("--quiet", action="store_true",
                    help="no progress lines on stderr")
    res = {"tree": None, "patches": [], "steps": [], "error": None,
           "exit": 0}
    args = None
    scratch = None
    try:
        args = ap.parse_args(argv)
        tree = os.path.abspath(args.kernel) if args.kernel else default_tree()
        tree = os.path.realpath(tree)
        res["tree"] = tree
        if not os.path.isdir(tree):
            raise BadInput(f"{tree}: no such directory (--kernel)")
        if not os.path.isfile(os.path.join(tree, KVM_DIR, "x86.c")):
            raise BadInput(f"{tree}: not a kernel tree with {KVM_DIR}/x86.c")
        for p in args.patch:
            res["patches"] += parse_patch_file(p)
        builder = Builder(os.path.abspath(args.build),
                          args.cache or os.path.join(
                              os.path.abspath(args.build), "validate-cache"))
        progress = len(res["patches"]) > 1 and not args.quiet
        if not res["patches"]:
            steps = [(0, "tree", [])]
        else:
            scratch = tempfile.mkdtemp(prefix="kvm-x86-sim-validate-")
            shutil.copytree(os.path.join(tree, KVM_DIR),
                            os.path.join(scratch, KVM_DIR), symlinks=True)
            steps = [(k, "1" if k == 1 else f"1-{k}", res["patches"][:k])
                     for k in range(1, len(res["patches"]) + 1)]
        for k, label, ps in steps:
            t0 = time.monotonic()
            st = Step(k, label, ps)
            root = tree
            if k:
                st.notes = apply_patch(ps[-1], scratch, tree, k)
                root = scratch
            sdir, c1 = builder.slice(root, tree)
            exe, c2 = builder.binary(sdir, tree, scratch)
            invs, cases = run_binary(exe)
            st.evaluate(invs, cases)
            st.seconds = time.monotonic() - t0
            st.cached = "cached" if c1 and c2 else ""
            res["steps"].append(st)
            if progress:
                n = st.counts()
                print(f"[{k}/{len(steps)}] {ps[-1].label()}: "
                      f"{'FAIL' if st.failed() else 'ok'}  "
                      f"({n['PASS']} pass, {n['FAIL']} fail, {n['SKIP']} "
                      f"skip; {st.seconds:.2f} s"
                      f"{', ' + st.cached if st.cached else ''})",
                      file=sys.stderr, flush=True)
        res["exit"] = 1 if any(s.failed() for s in res["steps"]) else 0
        builder.prune()
    except BadInput as e:
        res["error"] = [str(a) for a in e.args if str(a)] or ["bad input"]
        res["exit"] = 2
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)

    fmt = args.format if args else "text"
    out_path = args.output if args else None
    if res["exit"] == 2:
        print(f"{PROG}: error: {res['error'][0]}", file=sys.stderr)
        for ln in res["error"][1:]:
            print(f"  {ln}", file=sys.stderr)
        if fmt == "text" and not res["steps"]:
            return 2
    if fmt == "text":
        on = args.color == "always" or (
            args.color == "auto" and not out_path and sys.stdout.isatty()
            and not os.environ.get("NO_COLOR"))
        text = render_text(res, Colour(on))
    else:
        text = {"tap": render_tap, "junit": render_junit,
                "json": render_json}[fmt](res)
    if out_path:
        with open(out_path, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return res["exit"]


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
