#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The hostile-input suite for `kvm-x86-sim validate` (ctest label hostile).

  hostile.py [--build DIR] [--tree7 DIR] [--category C]... [--case NAME]...
             [--sample] [--list] [--jobs N] [--keep] [--report FILE]

(--category, --case and --sample, one case per category, add up; none of
them: every case.  Defaults: ./build and
the cached linux-7 tree; tests/validate/run-hostile.sh runs it by hand.)

Every input is generated at test time from the cached 7.x tree (patches by
git in a throw-away repository; MIME and mbox variants with Python's email
package); nothing of the kernel is stored.  Each case asserts validate's
exact exit code (0 every case ran to its end and passed, 1 a violated
invariant, crash, hang or early exit of the code under test, 2 bad input,
3 the harness failed) and that the tree, the temp dir, the process table
and the cache are intact afterwards (hostile_cases/runner.py).  The suite
uses its own cache (a golden one warmed first, copied per damaging case).
Exit: 0 every selected case passed, 1 some failed, 77 no 7.x tree.
"""

import argparse
import concurrent.futures
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from hostile_cases import CATEGORIES, load          # noqa: E402
from hostile_cases import kernel                    # noqa: E402
from hostile_cases.runner import execute            # noqa: E402
from hostile_cases.runner import run_case           # noqa: E402
from hostile_cases.ctx import Run                   # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SKIP = 77


class Suite:
    """What every case shares: the build, the 7.x tree, the suite's
    directory, its cache and the golden cache, the good patch."""

    def __init__(self, a):
        self.build = os.path.abspath(a.build)
        self.tree7 = os.path.realpath(a.tree7)
        self.validate = os.path.join(TOP, "scripts", "kvm_validate.py")
        self.dir = tempfile.mkdtemp(prefix="kvm-hostile-")
        self.tree_cache = os.path.join(self.dir, "tree-cache")
        os.makedirs(self.tree_cache)
        self.golden = os.path.join(self.dir, "golden")
        self.cache = os.path.join(self.dir, "cache")

    def warm(self):
        """The good patch, and the golden cache warmed with it (and with
        the bare tree); the shared cache starts as a copy (slices are
        shared across copies; binaries may be rebuilt, their keys may hold
        the cache's path)."""
        r = kernel.Repo(os.path.join(self.dir, "good-repo"), self.tree7)
        r.edit(kernel.X86, kernel.harmless)
        r.commit("KVM: x86: a harmless comment")
        self.good_patch = os.path.join(self.dir, "good.patch")
        with open(self.good_patch, "w") as f:
            f.write(r.series())
        tmp = os.path.join(self.dir, "warm-tmp")
        os.makedirs(tmp)
        # the bare tree without exploring: its slice, binary and run are
        # what the cases share (an exploration's result is not cached)
        for extra in (["--no-explore"], ["--patch", self.good_patch]):
            run = Run(["--build", self.build, "--cache", self.golden,
                       "--kernel", self.tree7] + extra, [], self.golden,
                      self.build)
            rc, out, _, _ = execute(self, run, tmp, "warm")
            if rc != 0:
                sys.exit(f"hostile: setup failed: the 7.x tree"
                         f"{' + good patch' if extra else ''} gives exit "
                         f"{rc}, not 0:\n{out[-2000:]}")
        shutil.copytree(self.golden, self.cache, symlinks=True)


# The quick tier's case of a category, where its first case is not the
# cheapest that shows the class (a crash at every case restarts the binary
# at every case).
SAMPLE = {"cut": "cut_hang_first_call"}


def sample(cases):
    """One case per category: SAMPLE's, else the first registered."""
    names = []
    for cat in CATEGORIES:
        names.append(SAMPLE.get(cat) or next(
            c.name for c in cases.values() if c.category == cat))
    return names


def guarded(suite, c):
    """run_case, with a bug of the suite itself reported as the case's
    failure rather than ending the whole run."""
    try:
        return run_case(suite, c)
    except Exception as e:
        return False, "error", 0.0, f"the suite failed: {e!r}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--tree7", default="")
    ap.add_argument("--tree612", default="")    # accepted as check_validate
    ap.add_argument("--seed", default="")
    ap.add_argument("--category", action="append", default=[])
    ap.add_argument("--case", action="append", default=[])
    ap.add_argument("--sample", action="store_true",
                    help="one case per category (ctest hostile/sample)")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", action="store_true",
                    help="keep the suite's directory (inputs, outputs)")
    ap.add_argument("--report", help="write 'category case expected "
                    "observed result seconds' lines here")
    a = ap.parse_args()
    cases = load()
    if a.sample:
        a.case += sample(cases)
    sel = [c for c in cases.values()
           if (not a.category and not a.case) or c.category in a.category
           or c.name in a.case]
    unknown = set(a.case) - set(cases) | set(a.category) - set(CATEGORIES)
    if unknown:
        sys.exit(f"hostile: unknown case or category: {' '.join(unknown)}")
    if a.list:
        for c in sel:
            alt = f" or {c.alt[0]}" if c.alt else ""
            print(f"{c.category:<9} {c.name:<34} exit {c.expect}{alt:<5} "
                  f"{c.why}")
        return 0
    tree7 = a.tree7 or os.path.join(
        os.environ.get("KVM_X86_SIM_CACHE") or os.path.join(
            os.path.expanduser("~"), ".cache", "kvm_x86_sim"),
        "trees", "linux-7")
    if not os.path.isfile(os.path.join(tree7, kernel.X86)):
        print(f"SKIP: no 7.x tree ({tree7})")
        return SKIP
    a.tree7 = tree7
    suite = Suite(a)
    t0 = time.monotonic()
    try:
        suite.warm()
        results = []
        with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
            futs = {pool.submit(guarded, suite, c): c for c in sel}
            for f in concurrent.futures.as_completed(futs):
                c = futs[f]
                ok, rc, secs, why = f.result()
                results.append((c, ok, rc, secs))
                print(f"{'PASS' if ok else 'FAIL'} {c.category}/{c.name} "
                      f"(exit {rc}, {secs:.1f} s CPU)"
                      f"{': ' + why if why else ''}", flush=True)
    finally:
        if a.keep:
            print(f"kept: {suite.dir}")
        else:
            shutil.rmtree(suite.dir, ignore_errors=True)
    failed = [r for r in results if not r[1]]
    print(f"hostile: {len(results) - len(failed)}/{len(results)} cases "
          f"passed in {time.monotonic() - t0:.0f} s")
    if a.report:
        order = {c: k for k, c in enumerate(cases)}
        with open(a.report, "w") as f:
            for c, ok, rc, secs in sorted(results,
                                          key=lambda r: order[r[0].name]):
                f.write(f"{c.category}\t{c.name}\t{c.expect}\t{rc}\t"
                        f"{'PASS' if ok else 'FAIL'}\t{secs:.1f}\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
