# SPDX-License-Identifier: GPL-2.0
"""What a case gets (Ctx: its directory, the tree, helpers to make inputs)
and what it returns (Run: the argv and what to watch)."""

import dataclasses
import os
import shutil
import typing

from . import kernel


@dataclasses.dataclass
class Run:
    argv: list
    trees: list                 # trees whose arch/x86/kvm must stay intact
    cache: str                  # the cache validate uses (checked after)
    build: str                  # the --build passed
    signal: typing.Optional[tuple] = None   # (signum, "binary"|"compiler",
                                            #  to_group)
    # the run's budget in CPU seconds (validate and all it waits for), so
    # a busy machine never fails a case; hang cases: less
    max_seconds: float = 120.0
    # the wall clock: a hang, past this (default: WALL_FACTOR * max_seconds)
    max_wall: typing.Optional[float] = None
    check: typing.Optional[typing.Callable] = None  # check(run, out) -> str
    may_write: list = dataclasses.field(default_factory=list)
    output: typing.Optional[str] = None     # the --output file, if any
    stdout: str = ""            # validate's stdout, set by the runner
    env: dict = dataclasses.field(default_factory=dict)  # added to its env


class Ctx:
    """One case's world: its private directory `dir`, the read-only 7.x
    tree, the suite's shared cache and the golden (warm, clean) cache."""

    def __init__(self, suite, name, explore=True):
        self.suite = suite
        self.explore = explore          # else validate gets --no-explore
        self.dir = os.path.join(suite.dir, "cases", name)
        os.makedirs(self.dir)
        self.tree7 = suite.tree7
        self.good_patch = suite.good_patch
        self._n = 0

    def _fresh(self, stem):
        self._n += 1
        return os.path.join(self.dir, f"{stem}{self._n}")

    def write(self, name, data):
        """A file in the case directory (text, or bytes as they are)."""
        p = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if isinstance(data, bytes):
            with open(p, "wb") as f:
                f.write(data)
        else:
            with open(p, "w", encoding="utf-8", errors="surrogateescape",
                      newline="") as f:
                f.write(data)
        return p

    def repo(self, files=(kernel.X86,), tree=None):
        return kernel.Repo(self._fresh("repo"), tree or self.tree7, files)

    def mail(self, *edits, subject="KVM: x86: a change", files=None,
             fmt=()):
        """One format-patch mail: the edits [(rel, fn)] as one commit."""
        r = self.repo(files or sorted({rel for rel, _ in edits}))
        for rel, fn in edits:
            r.edit(rel, fn)
        r.commit(subject)
        return r.series(*fmt)

    def violation_mail(self, subject="KVM: x86: treat S_CET as XSTATE"):
        return self.mail((kernel.X86, kernel.violation), subject=subject)

    def copy_tree(self, name):
        """A private copy of the 7.x tree (whole: cases may damage it)."""
        d = os.path.join(self.dir, name)
        shutil.copytree(self.tree7, d, symlinks=True)
        return d

    def private_cache(self):
        """A cache of this case's own, warmed with the good patch, that the
        case may damage.  Warmed in place, not copied: cache keys may hold
        the cache's own path (a copied binary would never be looked up)."""
        d = os.path.join(self.dir, "cache")
        rc, out = self.prerun("--patch", self.good_patch, cache=d)
        if rc != 0:
            raise RuntimeError(f"warming a private cache gave exit {rc}: "
                               f"{out[-300:]}")
        return d

    def prerun(self, *argv, cache):
        """Run validate now, while making the case (to warm a private
        cache); return (exit, output)."""
        from .runner import execute
        tmp = self._fresh("prerun-tmp")
        os.makedirs(tmp)
        rc, out, _, _ = execute(self.suite, Run(
            ["--build", self.suite.build, "--cache", cache, "--kernel",
             self.tree7] + list(argv), [], cache, self.suite.build), tmp,
            os.path.basename(tmp))
        return rc, out

    def run(self, *argv, kernel_dir=None, kernel=True, cache=None,
            build=None, trees=None, **kw):
        """The Run: validate with --build/--cache and, unless kernel=False,
        --kernel (the 7.x tree unless kernel_dir is given)."""
        build = build or self.suite.build
        cache = cache or self.suite.cache
        args = ["--build", build, "--cache", cache]
        if not self.explore:
            args.append("--no-explore")
        tree = kernel_dir or self.tree7
        if kernel:
            args += ["--kernel", tree]
        if trees is None:
            trees = [self.tree7] + ([tree] if tree != self.tree7 and
                                    os.path.isdir(tree) else [])
        return Run(args + [str(a) for a in argv], trees, cache, build, **kw)
