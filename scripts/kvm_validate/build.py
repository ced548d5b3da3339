# SPDX-License-Identifier: GPL-2.0
"""Slice -> glue object -> test binary, each cached by content hash.

The tree (or the patched scratch copy) is sliced with scripts/kvm_slice.py,
only the slice is compiled (the glue, stubs/glue.c) and linked against the
prebuilt libkvm_x86_sim.a and the cmocka runner.  A compile or link error
is a BadInput with the kernel's own file:line.
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

from .errors import BadInput
from .paths import KVM_DIR, TOP

# The flags cmake/KernelTrees.cmake compiles a tree's glue with.  -O0: the
# verdicts are the same as the build's -O2 and it compiles twice as fast.
KERNEL_CFLAGS = ["-O0", "-g", "-std=gnu11", "-fno-strict-aliasing",
                 "-Wno-unused", "-Wno-unused-parameter",
                 "-Werror=implicit-function-declaration",
                 "-Werror=int-conversion"]
CACHE_KEEP = 200


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
    for d in ("stubs", "kvm_x86_sim/include", "scenarios"):
        for dd, dirs, files in sorted(os.walk(os.path.join(TOP, d))):
            dirs.sort()
            for fn in sorted(files):
                if fn.endswith((".h", ".c")):
                    p = os.path.join(dd, fn)
                    h.update(p.encode() + b"\0" + file_bytes(p))
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
        self.slicer_hash = slicer_digest(self.slicer)
        self.hdr = headers_digest()
        self.incs = ["-I" + os.path.join(TOP, d) for d in
                     ("stubs", "kvm_x86_sim/include", "scenarios")]
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
