# SPDX-License-Identifier: GPL-2.0
"""Fuzz targets: what untrusted bytes reach, and what a reader may say.

- patch: a --patch file through validate's mail and patch reader
  (scripts/kvm_validate/mail.py, patches.py) and what the run then asks
  of each patch (paths, modes, labels, its changed lines for coverage).
  BadInput is the expected answer to a bad file; anything else is a bug.
- slicer: a C file as the tree's arch/x86/kvm/x86.c through the slicer
  (scripts/kvm_slice: the masking scanner, the definition index, header
  and switch parsing, arm pruning, the closure of helpers, rendering),
  with the real spec but nothing required, so a file that defines some
  of the names goes all the way.  SliceError is the expected answer.

A target returns normally or raises; tests/fuzz/afl_python.py turns an
unexpected exception into a crash for AFL++.
"""

import atexit
import os
import shutil
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "scripts"))

from kvm_slice.closure import follow, provided_names  # noqa: E402
from kvm_slice.errors import SliceError  # noqa: E402
from kvm_slice.render import render_c, render_h, render_report  # noqa: E402
from kvm_slice.resolve import slice_tree  # noqa: E402
from kvm_slice.spec import parse_provided, parse_spec  # noqa: E402
from kvm_validate.errors import BadInput  # noqa: E402
from kvm_validate.patchcov import changed_lines  # noqa: E402
from kvm_validate.patches import read_series  # noqa: E402
from kvm_validate.report import printable  # noqa: E402

SPEC = os.path.join(TOP, "slice", "kvm_msr.spec")
SEARCH = "arch/x86/kvm"


def fuzz_patch(path):
    notes = []
    try:
        patches = read_series([path], notes)
    except BadInput as e:
        if not str(e).strip():
            raise AssertionError("BadInput without a reason")
        return
    for p in patches:
        printable(p.label() + p.subject + p.first_line)
        for fd in p.files:
            (fd.path(), fd.source_path(), fd.creates(), fd.renames(),
             fd.copies(), fd.symlink_target(), fd.needs_git())
        changed_lines(p)
    for n in notes:
        printable(n)


class _Slicer:
    """The spec read once, nothing required; one scratch tree."""
    def __init__(self):
        self.entries = parse_spec(SPEC)
        for e in self.entries:
            e.required = False
        self.provided = provided_names(parse_provided(SPEC))
        self.tree = tempfile.mkdtemp(prefix="kvm-x86-sim-fuzz-")
        self.owner = os.getpid()
        atexit.register(self.remove)
        os.makedirs(os.path.join(self.tree, SEARCH))
        self.file = os.path.join(self.tree, SEARCH, "x86.c")

    def remove(self):
        if os.getpid() == self.owner:
            shutil.rmtree(self.tree, ignore_errors=True)


_slicer = None


def fuzz_slicer(path):
    global _slicer
    if _slicer is None:
        _slicer = _Slicer()
    s = _slicer
    with open(path, "rb") as f:
        data = f.read()
    with open(s.file, "wb") as f:
        f.write(data)
    try:
        results = slice_tree(s.tree, SEARCH, s.entries)
        results += follow(s.tree, SEARCH, results, s.provided)
    except SliceError as e:
        if not e.lines:
            raise AssertionError("SliceError without a reason")
        return
    render_c(s.tree, "slice_prelude.h", results)
    render_h(s.tree, os.path.join(s.tree, "slice.h"), results)
    render_report(s.tree, results)


def prepare():
    """What a forkserver does once, before the first fork."""
    global _slicer
    if _slicer is None:
        _slicer = _Slicer()


def fuzz_selftest(path):
    """A planted bug: proves the fuzzer sees a crash (scripts/fuzz.sh
    --selftest must find one within seconds)."""
    with open(path, "rb") as f:
        if b"!" in f.read():
            raise RuntimeError("planted bug: '!' in the input")


TARGETS = {"patch": fuzz_patch, "slicer": fuzz_slicer,
           "selftest": fuzz_selftest}
