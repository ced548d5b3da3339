# SPDX-License-Identifier: GPL-2.0
"""Slice -> glue object -> test binary, each a self-verifying cache entry.

The tree (or the patched scratch copy) is sliced with scripts/kvm_slice.py,
only the slice is compiled (the glue, stubs/glue.c) and linked against the
prebuilt libraries and the C runner, as the build description CMake wrote
(BUILD/kvm_x86_sim_build.json, from cmake/Sources.cmake) says.  A compile or link error
is a BadInput with the kernel's own file:line and the patched line; a full
disk or a missing tool is the harness's failure (HarnessError).
"""

import contextlib
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import traceback
from dataclasses import dataclass
from typing import Optional, Union

from kvm_slice.cli import main as slicer_main
from kvm_slice.scancache import KIND as SCANS

from .cache import FORMAT, Cache
from .codekey import code_digest
from .errors import BadInput, HarnessError, Interrupted
from .patchcov import STRIP
from .paths import KVM_DIR, TOP
from .scratch import run_child
from .stubs_lack import harness_limitation

# -O0: the verdicts are the same as the build's -O2 and it compiles twice
# as fast.  -pipe: fewer temporary files (those left, collect2's, go to the
# private TMPDIR every child gets: scratch.tool_tmpdir()).
OPT = "-O0"
PIPE = "-pipe"
# gcc would show the caret line from the #line path: the user's unpatched
# file.  compile_error() shows the patched line instead.
NO_CARET = ["-fno-diagnostics-show-caret"]
# The slice is instrumented for gcov (patchcov.py: which of a patch's lines
# ran); the exploration's workers dump their counts too (explore.c).
COVERAGE = ["--coverage"]
COVERAGE_LINK = ["--coverage", "-Wl,-u,__gcov_dump"]
# Each entry into a sliced function is reported to the runner
# (runner/entered.c), so that a run can say which functions each case and
# each generated program entered: a change to functions they never enter
# cannot change their verdict (mutate.py explores a survivor only where
# its function is entered).  The harness's own sources and the system's
# headers are left out by directory, to keep the calls few; the tree's
# files never are (a sliced function may come from one of its headers),
# nor a directory holding the tree.
RECORD_DIRS = ("stubs", "kvm_x86_sim", "oracle", "scenarios", "runner")
SYSTEM_DIRS = ("/usr/include/", "/usr/lib/gcc/", "/usr/local/include/")


def record_flags(display_root: str) -> list[str]:
    root = os.path.abspath(display_root).rstrip("/") + "/"
    dirs = [os.path.join(TOP, d) + "/" for d in RECORD_DIRS] + \
        list(SYSTEM_DIRS)
    return ["-finstrument-functions", "-DSLICE_RECORD_ENTRIES",
            "-finstrument-functions-exclude-file-list=" + ",".join(
                d for d in dirs if "," not in d and
                not root.startswith(d) and d not in root)]


CACHE_KEEP = 200
# The slicer's per-file scans (kvm_slice/scancache.py): one a file
# content, small; a tree's arch/x86/kvm is about 100 files, and each
# step of a series adds the few it changed.
SCANS_KEEP = 2000
DISK_FULL = ("No space left on device", "Disk quota exceeded")


def sha(*parts: Union[bytes, str, list[str]]) -> str:
    h = hashlib.sha256(FORMAT.encode())
    for p in parts:
        h.update(p if isinstance(p, bytes) else str(p).encode())
        h.update(b"\0")
    return h.hexdigest()[:24]


def file_bytes(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def c_string(s: str) -> str:
    """s as the body of a C string literal (as the slicer's #line)."""
    return s.replace("\\", "\\\\").replace('"', '\\"')


@dataclass
class TreeScan:
    digest: str                 # hash of every .c/.h the slicer reads
    non_utf8: Optional[str]     # "file:line" of the first non-UTF-8 byte


def scan_tree(root: str) -> TreeScan:
    """Hash of every .c/.h under root/arch/x86/kvm and of the headers
    under root/include and root/arch/x86/include; where the first
    non-UTF-8 byte is (the slicer keeps such bytes as they are)."""
    h = hashlib.sha256()
    base = os.path.join(root, KVM_DIR)
    bad: Optional[str] = None
    for d, dirs, files in sorted(os.walk(base)):
        dirs.sort()
        for fn in sorted(files):
            if fn.endswith((".c", ".h")):
                p = os.path.join(d, fn)
                data = file_bytes(p)
                h.update(os.path.relpath(p, base).encode() + b"\0" + data)
                if bad is None:
                    try:
                        data.decode("utf-8")
                    except UnicodeDecodeError as e:
                        line = data[:e.start].count(b"\n") + 1
                        bad = f"{KVM_DIR}/{os.path.relpath(p, base)}:{line}"
    # the headers the slice may take definitions from (buildcheck.py): a
    # patched scratch copy holds the few a patch touched, by content; a
    # whole tree's thousands, by name, size and time
    for sub in ("include", "arch/x86/include"):
        hdrs = sorted(os.path.join(d, fn)
                      for d, _, fs in os.walk(os.path.join(root, sub))
                      for fn in fs if fn.endswith(".h"))
        for p in hdrs:
            rel = os.path.relpath(p, root).encode() + b"\0"
            if len(hdrs) <= SMALL_HEADER_SET:
                h.update(rel + file_bytes(p))
            else:
                st = os.stat(p)
                h.update(rel + f"{st.st_size}:{st.st_mtime_ns}".encode())
    return TreeScan(h.hexdigest(), bad)


SMALL_HEADER_SET = 200


@dataclass(frozen=True)
class BuildDescription:
    """What CMake wrote into BUILD/kvm_x86_sim_build.json from the one
    build description, cmake/Sources.cmake: how to compile a tree's slice
    and what to link it with."""
    cc: str
    cflags: list[str]
    include_dirs: list[str]
    glue_template: str
    glue_source: str
    runner: list[str]
    runner_ldflags: list[str]
    libraries: list[str]
    spec: str
    slicer: str

    def glue(self, slice_dir: str) -> str:
        """The glue wrapper for the slice in slice_dir (cmake/glue.c.in)."""
        text = file_bytes(self.glue_template).decode()
        return text.replace("@SLICE_DIR@", c_string(slice_dir)).replace(
            "@GLUE@", c_string(self.glue_source))


def load_build_description(build: str) -> BuildDescription:
    path = os.path.join(build, "kvm_x86_sim_build.json")
    try:
        with open(path) as f:
            d = json.load(f)
        return BuildDescription(
            cc=os.environ.get("CC") or d["cc"],
            cflags=[OPT, PIPE, "-std=" + d["std"]] + d["slice_cflags"],
            include_dirs=d["include_dirs"],
            glue_template=d["glue_template"],
            glue_source=d["glue_source"], runner=d["runner"],
            runner_ldflags=d["runner_ldflags"],
            libraries=d["libraries"], spec=d["spec"], slicer=d["slicer"])
    except FileNotFoundError:
        raise HarnessError(f"{path} is missing: build the harness first "
                           "(./kvm-x86-sim setup, or cmake -B build && "
                           "cmake --build build)")
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise HarnessError(f"{path} is damaged ({e}): re-run cmake -B "
                           "build")


def headers_digest(desc: BuildDescription) -> str:
    """Hash of every header and source of ours the slice is compiled with
    (the system's include directories, cmocka's, change with the compiler,
    whose path is in every key, and would cost a walk of /usr/include)."""
    h = hashlib.sha256()
    top = TOP.rstrip("/") + "/"
    for d in desc.include_dirs:
        if not os.path.abspath(d).startswith(top):
            continue
        for dd, dirs, files in sorted(os.walk(d)):
            dirs.sort()
            for fn in sorted(files):
                if fn.endswith((".h", ".c")):
                    p = os.path.join(dd, fn)
                    h.update(p.encode() + b"\0" + file_bytes(p))
    h.update(file_bytes(desc.glue_template))
    h.update(file_bytes(desc.glue_source))
    return h.hexdigest()


def slicer_digest(slicer: str) -> str:
    """Hash of the slicer: its entry point scripts/kvm_slice.py and every
    module of the package beside it (scripts/kvm_slice/*.py)."""
    h = hashlib.sha256(file_bytes(slicer))
    pkg = os.path.splitext(slicer)[0]
    for fn in sorted(os.listdir(pkg)):
        if fn.endswith(".py"):
            h.update(fn.encode() + b"\0" + file_bytes(os.path.join(pkg, fn)))
    return h.hexdigest()


def disk_full(out: str, what: str) -> None:
    for ln in out.splitlines():
        if any(s in ln for s in DISK_FULL):
            raise HarnessError(f"disk full (ENOSPC) while {what}: "
                               f"{ln.strip()}")


class Builder:
    """Slice -> glue object -> test binary, each cached by content hash."""

    def __init__(self, build: str, cache: str) -> None:
        self.build = build
        self.cache = Cache(cache)
        self.desc = load_build_description(build)
        self.cc = self.desc.cc
        self.cflags = self.desc.cflags
        self.libs = self.desc.libraries
        for lib in self.libs:
            if lib.endswith(".a") and not os.path.exists(lib):
                raise HarnessError(f"{lib} is missing: build the harness "
                                   "first (./kvm-x86-sim setup, or cmake "
                                   "--build build)")
        self.spec = self.desc.spec
        self.slicer = self.desc.slicer
        # the slicer beside this package runs in this process: every
        # slice of the run shares the scans of the files a step did not
        # change (kvm_slice/scancache.py); another one runs as a child
        self.slicer_here = os.path.realpath(self.slicer) == \
            os.path.realpath(os.path.join(TOP, "scripts", "kvm_slice.py"))
        self.slicer_hash = slicer_digest(self.slicer)
        self.hdr = headers_digest(self.desc)
        self.incs = ["-I" + d for d in self.desc.include_dirs]
        self.lib_hash = sha(*[file_bytes(lib) for lib in self.libs
                              if lib.endswith(".a")])
        self.main_o = self._main_objects()

    def take_notes(self) -> list[str]:
        """What the cache repaired since the last call."""
        notes, self.cache.notes = self.cache.notes, []
        return notes

    def _cc(self, args: list[str]) -> "subprocess.CompletedProcess[str]":
        try:
            return run_child([self.cc] + args)
        except OSError as e:
            raise HarnessError(f"cannot run the compiler {self.cc}: "
                               f"{e.strerror}")

    def _main_objects(self) -> list[str]:
        """The C runner (cmocka, KTAP), compiled once per content."""
        srcs = self.desc.runner
        key = "main-" + sha(*[file_bytes(src) for src in srcs], self.hdr,
                            self.cc, self.cflags)
        objs = [f"main{i}.o" for i in range(len(srcs))]
        d = self.cache.lookup("bin", key)
        if d is None:
            tmpd = self.cache.staging("bin", key)
            for src, obj in zip(srcs, objs):
                r = self._cc(self.cflags + self.incs +
                             ["-c", src, "-o", os.path.join(tmpd, obj)])
                if r.returncode:
                    self.cache.discard(tmpd)
                    disk_full(r.stdout, "compiling the C runner")
                    raise HarnessError(f"cannot compile the C runner {src}",
                                       *r.stdout.splitlines()[:20])
            d = self.cache.publish(tmpd, "bin", key)
        return [os.path.join(d, obj) for obj in objs]

    def slice(self, root: str, display_root: str) -> tuple[str, bool]:
        """Slice root (a tree or the scratch copy); #line paths name
        display_root (the user's tree) so they are stable and readable.
        Returns (slice directory, whether it came from the cache)."""
        scan = scan_tree(root)
        # the headers too: what they provide bounds the slice (closure.py)
        key = sha(scan.digest, file_bytes(self.spec), self.slicer_hash,
                  self.hdr, display_root)
        d = self.cache.lookup("slices", key)
        if d is not None:
            return d, True
        if scan.non_utf8:
            self.cache.notes.append(f"{scan.non_utf8}: non-UTF-8 bytes in "
                                    "the tree (kept as they are)")
        tmpd = self.cache.staging("slices", key)
        r = self._run_slicer(["--tree", root, "--spec", self.spec,
                              "--out-c", os.path.join(tmpd, "slice.c"),
                              "--out-h", os.path.join(tmpd, "slice.h"),
                              "--report", os.path.join(tmpd, "slice.json"),
                              "--headers-from", display_root,
                              "--cache", self.cache.root,
                              "--check-glue", self.desc.glue_source,
                              "--check-cc", self.cc, *self.cflags,
                              *self.incs])
        if r.returncode:
            self.cache.discard(tmpd)
            self._slicer_failed(r, scan)
        for fn in ("slice.c", "slice.h"):
            p = os.path.join(tmpd, fn)
            with open(p, encoding="utf-8", errors="surrogateescape") as f:
                s = f.read()
            if root != display_root:
                # every mention of the scratch copy (#line paths, the
                # SLICE_TREE string, the header comment) names the user's
                # tree: a patch that changes nothing the slice holds gives
                # the tree's own slice, whose binary and run are cached
                for a, b in ((f'"{c_string(root)}/',
                              f'"{c_string(display_root)}/'),
                             (f'"{c_string(root)}"',
                              f'"{c_string(display_root)}"'),
                             (f" from {root} -- ",
                              f" from {display_root} -- ")):
                    s = s.replace(a, b)
            with open(p, "w", encoding="utf-8",
                      errors="surrogateescape") as f:
                f.write(s)
        with open(os.path.join(tmpd, "slice.txt"), "w") as f:
            f.write(r.stdout)
        code_digest(tmpd)
        return self.cache.publish(tmpd, "slices", key), False

    def _run_slicer(self, argv: list[str]
                    ) -> "subprocess.CompletedProcess[str]":
        """The slicer on argv, its exit code and output as a child's: in
        this process when it is the one beside this package, a crash
        then exit 1 with the traceback on its stderr."""
        if not self.slicer_here:
            return run_child([sys.executable, self.slicer, *argv],
                             stderr_to_stdout=False)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = slicer_main(argv)
            except Interrupted:
                raise
            except SystemExit as e:         # argparse
                rc = e.code if isinstance(e.code, int) else 2
            except Exception:
                traceback.print_exc()
                rc = 1
        return subprocess.CompletedProcess(argv, rc, out.getvalue(),
                                           err.getvalue())

    @staticmethod
    def _slicer_failed(r: "subprocess.CompletedProcess[str]",
                       scan: TreeScan) -> None:
        msg = (r.stderr.strip() or r.stdout.strip()).splitlines()
        disk_full(r.stderr, "slicing")
        why = {2: "the tree has no usable arch/x86/kvm",
               3: "a definition the harness needs is missing or defined "
               "twice"}.get(r.returncode)
        if why is None:
            hint = [f"(the tree has non-UTF-8 bytes at {scan.non_utf8})"] \
                if scan.non_utf8 else []
            raise HarnessError(f"the slicer failed (exit {r.returncode})"
                               + (f": {msg[-1]}" if msg else ""),
                               *hint, *msg[:-1])
        raise BadInput(f"cannot slice the tree: {why}"
                       + (f": {msg[0]}" if msg else ""), *msg[1:])

    def prune(self, keep: int = CACHE_KEEP) -> None:
        """Keep the cache bounded: the newest `keep` slices, binaries,
        runs and records, the newest SCANS_KEEP of the slicer's per-file
        scans (and whatever an older layout left)."""
        for sub, n in (("slices", keep), ("bin", keep), ("runs", keep),
                       ("records", keep), (SCANS, SCANS_KEEP)):
            base = os.path.join(self.cache.root, sub)
            try:
                ents = [os.path.join(base, e) for e in os.listdir(base)
                        if not e.startswith("main-")]
                if len(ents) <= n:
                    continue
                ents.sort(key=lambda e: os.lstat(e).st_mtime)
                for e in ents[:len(ents) - n]:
                    if os.path.isdir(e):
                        self.cache.discard(e)
                    else:
                        os.unlink(e)
            except OSError:
                pass

    def binary(self, sdir: str, display_root: str, patched_root: str
               ) -> tuple[str, bool]:
        """The test binary of slice sdir; compile errors show the line
        from patched_root (the scratch copy, or the tree)."""
        key = "t-" + sha(file_bytes(os.path.join(sdir, "slice.c")),
                         file_bytes(os.path.join(sdir, "slice.h")),
                         self.hdr, self.cc, self.cflags, COVERAGE,
                         COVERAGE_LINK, record_flags(display_root),
                         self.lib_hash,
                         self.desc.runner_ldflags, *self.main_o)
        d = self.cache.lookup("bin", key)
        if d is not None:
            return os.path.join(d, "t"), True
        tmpd = self.cache.staging("bin", key)
        try:
            self._link(sdir, tmpd, display_root, patched_root)
        except BaseException:
            self.cache.discard(tmpd)
            raise
        d = self.cache.publish(tmpd, "bin", key)
        return os.path.join(d, "t"), False

    def _damaged_build(self, out: str) -> None:
        """A linker error about one of the harness's own libraries being
        unreadable is the harness's failure, never the patch's."""
        for ln in out.splitlines():
            for lib in self.libs:
                if lib in ln and any(d in ln for d in DAMAGED):
                    raise HarnessError(
                        f"the harness's build is damaged: {ln.strip()}",
                        f"rebuild it: cmake --build {self.build}")

    def _link(self, sdir: str, tmpd: str, display_root: str,
              patched_root: str) -> None:
        glue = os.path.join(tmpd, "glue.c")
        with open(glue, "w") as f:
            f.write(self.desc.glue(sdir))
        obj = os.path.join(tmpd, "glue.o")
        r = self._cc(self.cflags + COVERAGE + NO_CARET +
                     record_flags(display_root) + self.incs +
                     ["-c", glue, "-o", obj])
        if r.returncode:
            disk_full(r.stdout, "compiling the slice")
            lack = harness_limitation(r.stdout, display_root, patched_root)
            if lack:
                raise HarnessError(*lack)
            raise BadInput(*compile_error(r.stdout, display_root,
                                          patched_root))
        r = self._cc(self.main_o + [obj] + self.libs +
                     self.desc.runner_ldflags + COVERAGE_LINK +
                     ["-o", os.path.join(tmpd, "t")])
        if r.returncode:
            disk_full(r.stdout, "linking the test binary")
            self._damaged_build(r.stdout)
            raise BadInput(*compile_error(r.stdout, display_root,
                                          patched_root, link=True))
        os.unlink(obj)
        os.unlink(glue)
        # a run's counts go to GCOV_PREFIX/glue.gcda: strip the object's
        # directory, which is this staging one (patchcov.gcov_env)
        with open(os.path.join(tmpd, STRIP), "w") as f:
            f.write(f"{len(os.path.abspath(tmpd).strip('/').split('/'))}\n")


DAMAGED = ("file too short", "file truncated", "malformed archive",
           "file format not recognized", "not an archive")


def patched_line(patched_root: str, rel: str, line: int) -> Optional[str]:
    try:
        with open(os.path.join(patched_root, rel), "rb") as f:
            for k, text in enumerate(f, 1):
                if k == line:
                    return text.decode("utf-8", errors="replace").rstrip()
    except OSError:
        pass
    return None


DIAG = re.compile(r"^(arch/x86/\S+?):(\d+):(?:\d+:)? (?:fatal )?"
                  r"(error|warning|note)\b")


def compile_error(out: str, display_root: str, patched_root: str,
                  link: bool = False) -> list[str]:
    """gcc's diagnostics with the tree's own file:line (the slice's #line
    directives point into arch/x86/kvm) made tree-relative, each followed
    by that line as the patch left it."""
    lines = []
    for ln in out.splitlines():
        if re.match(r"^(In file included from |\s+from )", ln):
            continue            # the glue's include chain, not the cause
        for root in (display_root, patched_root):
            ln = ln.replace(root.rstrip("/") + "/", "")
        lines.append(ln)
    errs = [ln for ln in lines if re.search(r"\berror\b", ln)]
    what = "link error" if link else "compile error"
    first = errs[0] if errs else (lines[0] if lines else "?")
    head = f"{what} in the patched code: {first}"
    if not re.match(r"^arch/", first):
        head += " (outside the kernel's code: the harness's stubs may lack " \
            "something this tree needs)"
    shown = []
    for ln in lines:
        if ln != first:
            shown.append(ln)
        m = DIAG.match(ln)
        if m:
            text = patched_line(patched_root, m.group(1), int(m.group(2)))
            if text is not None:
                shown.append(f"  {m.group(2):>5} | {text}")
    return [head] + shown[:40]
