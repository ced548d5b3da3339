# SPDX-License-Identifier: GPL-2.0
"""Slice -> glue object -> test binary, each cached by content hash.

The tree (or the patched scratch copy) is sliced with scripts/kvm_slice.py,
only the slice is compiled (the glue, stubs/glue.c) and linked against the
prebuilt libkvm_x86_sim.a and the cmocka runner.  A compile or link error
is a BadInput with the kernel's own file:line.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from typing import List

from .errors import BadInput, HarnessError
from .paths import KVM_DIR

CACHE_KEEP = 200
# -O0: the verdicts are the same as the build's -O2 and it compiles twice
# as fast.
OPT = "-O0"


@dataclass(frozen=True)
class BuildDescription:
    """What CMake wrote into BUILD/kvm_x86_sim_build.json from the one
    build description, cmake/Sources.cmake: how to compile a tree's slice
    and what to link it with."""
    cc: str
    cflags: List[str]
    include_dirs: List[str]
    glue_template: str
    glue_source: str
    runner: List[str]
    libraries: List[str]
    spec: str
    slicer: str

    def glue(self, slice_dir: str) -> str:
        """The glue wrapper for the slice in slice_dir (cmake/glue.c.in)."""
        text = file_bytes(self.glue_template).decode()
        return text.replace("@SLICE_DIR@", slice_dir).replace(
            "@GLUE@", self.glue_source)


def load_build_description(build: str) -> BuildDescription:
    path = os.path.join(build, "kvm_x86_sim_build.json")
    try:
        with open(path) as f:
            d = json.load(f)
    except OSError:
        raise BadInput(f"{path} is missing: build the harness first "
                       "(./kvm-x86-sim setup, or cmake --build build)")
    except ValueError as e:
        raise BadInput(f"{path} is damaged ({e}): re-run cmake -B build")
    return BuildDescription(
        cc=os.environ.get("CC") or d["cc"],
        cflags=[OPT, "-std=" + d["std"]] + d["slice_cflags"],
        include_dirs=d["include_dirs"], glue_template=d["glue_template"],
        glue_source=d["glue_source"], runner=d["runner"],
        libraries=d["libraries"], spec=d["spec"], slicer=d["slicer"])


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


def headers_digest(desc):
    """Hash of every header and source the slice is compiled with."""
    h = hashlib.sha256()
    for d in desc.include_dirs:
        for dd, dirs, files in sorted(os.walk(d)):
            dirs.sort()
            for fn in sorted(files):
                if fn.endswith((".h", ".c")):
                    p = os.path.join(dd, fn)
                    h.update(p.encode() + b"\0" + file_bytes(p))
    h.update(file_bytes(desc.glue_template))
    h.update(file_bytes(desc.glue_source))
    return h.hexdigest()


def slicer_digest(slicer):
    """Hash of the slicer: its entry point scripts/kvm_slice.py and every
    module of the package beside it (scripts/kvm_slice/*.py)."""
    h = hashlib.sha256(file_bytes(slicer))
    pkg = os.path.splitext(slicer)[0]
    for fn in sorted(os.listdir(pkg)):
        if fn.endswith(".py"):
            h.update(fn.encode() + b"\0" + file_bytes(os.path.join(pkg, fn)))
    return h.hexdigest()


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
        self.desc = load_build_description(build)
        self.cc = self.desc.cc
        self.cflags = self.desc.cflags
        self.libs = self.desc.libraries
        for lib in self.libs:
            if lib.endswith(".a") and not os.path.exists(lib):
                raise BadInput(f"{lib} is missing: build the harness first "
                               "(./kvm-x86-sim setup, or cmake --build "
                               "build)")
        for d in ("slices", "bin"):
            os.makedirs(os.path.join(cache, d), exist_ok=True)
        self.spec = self.desc.spec
        self.slicer = self.desc.slicer
        self.slicer_hash = slicer_digest(self.slicer)
        self.hdr = headers_digest(self.desc)
        self.incs = ["-I" + d for d in self.desc.include_dirs]
        self.lib_hash = sha(*[file_bytes(lib) for lib in self.libs
                              if lib.endswith(".a")])
        self.main_o = self._main_object()

    def _cc(self, args, what):
        r = subprocess.run([self.cc] + args, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        return r

    def _main_object(self):
        """The C runner (cmocka, KTAP), compiled once per content."""
        srcs = self.desc.runner
        key = sha(*[file_bytes(src) for src in srcs], self.hdr, self.cc,
                  self.cflags)
        objs = []
        for i, src in enumerate(srcs):
            obj = os.path.join(self.cache, "bin", f"main-{key}-{i}.o")
            if not os.path.exists(obj):
                tmp = f"{obj}.{os.getpid()}.tmp"
                r = self._cc(self.cflags + self.incs +
                             ["-c", src, "-o", tmp], "main")
                if r.returncode:
                    raise HarnessError(f"cannot compile the C runner {src}",
                                       *r.stdout.splitlines()[:20])
                os.replace(tmp, obj)
            objs.append(obj)
        return objs

    def slice(self, root, display_root):
        """Slice root (a tree or the scratch copy); #line paths name
        display_root (the user's tree) so they are stable and readable."""
        key = sha(tree_digest(root), file_bytes(self.spec),
                  self.slicer_hash, display_root)
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
                  self.cc, self.cflags, self.lib_hash, *self.main_o)
        exe = os.path.join(self.cache, "bin", f"t-{key}")
        if os.path.exists(exe):
            os.utime(exe)
            return exe, True
        glue = os.path.join(sdir, "glue.c")
        atomic_write(glue, self.desc.glue(sdir))
        obj = exe + f".{os.getpid()}.o"
        r = self._cc(self.cflags + self.incs + ["-c", glue, "-o", obj],
                     "glue")
        if r.returncode:
            raise BadInput(*compile_error(r.stdout, display_root, scratch))
        tmp = f"{exe}.{os.getpid()}.tmp"
        r = self._cc(self.main_o + [obj] + self.libs + ["-o", tmp], "link")
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
