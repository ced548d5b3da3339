# SPDX-License-Identifier: GPL-2.0
"""The command line: arguments, the run over the series, exit codes.

Exit: 0 every case of every prefix ran to its end and every invariant
holds; 1 an invariant is violated, or the code under test crashed, hung,
ran out of memory or exited early; 2 bad input (BadInput); 3 the harness
itself failed
(HarnessError, or any unexpected exception: one line, the traceback only
with --debug or KVM_X86_SIM_DEBUG=1), 128 + N when signal N ended it.
"""

import argparse
import dataclasses
import hashlib
import json
import os
import re
import shlex
import sys
import tempfile
import time
import traceback
from typing import Any, Optional

from .apply import apply_patch, copy_tree
from .args import Parser, add_build_options, at_least, check_tree
from .b4 import SEARCH_DEPTH, b4_inputs, render_b4
from .build import Builder, patched_line
from .errors import (BadInput, BadOutput, HarnessError, Interrupted,
                     lines_of, os_error_reason)
from .formats import (nipa_exit, render_ktap, render_patchwork,
                      render_robot, testing_line, write_nipa_description)
from .gitrange import base_commit_warnings, read_range, repo_top
from .patchcov import (Unmeasured, applied_changes, applied_deletions,
                       deleted_text, executed_lines, gcov_env, held_text,
                       measure, private_dir, slice_lines, snapshot)
from .patches import Patch, read_file, read_series
from .paths import TOP, cache_dir
from .report import (Colour, Outcome, check_output, print_error, printable,
                     render_json, render_junit, render_tap, render_text,
                     write_output)
from .run import CASE_TIMEOUT, MEMORY_LIMIT, WALL_FACTOR, RunResult, \
    run_binary
from .runcache import Ran, run_key
from .runcache import load as load_run
from .runcache import store as store_run
from .scratch import (Scratch, cleanup_all, install_signal_handlers,
                      remove_tree)
from kvm_slice.spec import parse_standins

from .changes import judge_changes
from .codekey import code_digest
from .impact import Unrecorded, cached_record, changed_functions
from .stubs_lack import harness_limitation
from .verdicts import Step, relative_to_base


def unbuilt(sdir: str) -> dict[str, dict[str, Any]]:
    """The definitions the slicer left out of the slice in sdir because
    they did not compile (slice.json): name -> file, line, end_line,
    error."""
    try:
        with open(os.path.join(sdir, "slice.json")) as f:
            syms = json.load(f)["symbols"]
    except (OSError, ValueError, KeyError):
        return {}
    return {s["name"]: {"file": s["file"], "line": s["line"],
                        "end_line": s["end_line"], "error": s["unbuilt"]}
            for s in syms if s.get("unbuilt")}

PROG = "kvm-x86-sim validate"
FORMATS = ("text", "tap", "junit", "json", "ktap", "patchwork", "nipa",
           "robot")
# the exploration per step: all single injections and the pairs at most
# this far apart, and the programs below, take about 0.8 s on linux-7 (2 cores)
EXPLORE_WINDOW = 3
EXPLORE_BUDGET = 5
# and this many generated programs per vendor (seed 1: the same every run)
EXPLORE_PROGRAMS = 5000
# The base's recorded exploration (impact.py), on the clock: a base that
# hangs there gets no record, and its steps explore everything.
RECORD_TIMEOUT = 600
# A step that compiles the base's code (codekey.py) runs its cases, not
# the exploration: it would find what the base has, which a series is not
# blamed for (--strict explores it all the same).
SAME_CODE = ("the exploration was not re-run: this step compiles the same "
             "code as the tree before the series (what the patches change "
             "is comments, layout or outside the slice), so it finds only "
             "what the tree has already")





def arg_parser() -> Parser:
    ap = Parser(prog=PROG, description="Validate a KVM x86 patch series, "
                "patch by patch, against the MSR/FPU invariants.")
    ap.add_argument("--kernel", metavar="DIR",
                    help="kernel tree (default: the cached newest 7.x)")
    ap.add_argument("--patch", metavar="FILE", action="append", default=[],
                    help="git format-patch file, mbox series or thread text "
                    "(repeatable, applied in order; - reads standard input)")
    ap.add_argument("--git", metavar="RANGE",
                    help="the commits of a range of the repository (--kernel "
                    "or the current one): REV, R1..R2 or REV-COUNT, checked "
                    "on the tree at the range's base")
    ap.add_argument("--strict", action="store_true",
                    help="a violation already present at the base fails the "
                    "series too")
    ap.add_argument("--format", choices=FORMATS, default="text",
                    help="text; tap, junit or json; ktap (KTAP v1, for "
                    "kunit.py parse); patchwork (a check per patch); nipa "
                    "(exit 0/250/1, a description on $DESC_FD); robot "
                    "(a kernel-test-robot-style summary)")
    ap.add_argument("--testing-line", action="store_true",
                    help="print only a one-line 'Testing:' note for a cover "
                    "letter")
    ap.add_argument("--b4", nargs="?", const="lines",
                    choices=("lines", "json"),
                    help="b4's per-patch check command: the patch on "
                    "standard input, the tree the current git checkout; "
                    "findings as lines (prep/am check) or JSON (review)")
    ap.add_argument("--b4-depth", type=at_least(1, "commits"),
                    default=SEARCH_DEPTH, metavar="N", help="--b4: commits "
                    f"of HEAD searched for the patch (default {SEARCH_DEPTH})")
    ap.add_argument("--output", metavar="FILE", help="write the report here")
    add_build_options(ap)
    ap.add_argument("--color", choices=("auto", "always", "never"),
                    default="auto", help="colour the verdicts (default: "
                    "auto, on a terminal without NO_COLOR)")
    ap.add_argument("--quiet", action="store_true",
                    help="no progress lines on stderr")
    ap.add_argument("--full-trace", action="store_true",
                    help="every event of a finding's trace (default: the "
                    "patched lines' events and the last 8)")
    ap.add_argument("--case-timeout", type=at_least(1, "seconds"),
                    default=CASE_TIMEOUT,
                    metavar="S", help="CPU seconds one case may use before it "
                    f"is a HANG (default {CASE_TIMEOUT}; blocked: "
                    f"{WALL_FACTOR} times as long on the clock)")
    ap.add_argument("--memory-limit", type=at_least(64, "MiB"),
                    default=MEMORY_LIMIT,
                    metavar="MIB", help="address space of a test process "
                    f"(default {MEMORY_LIMIT} MiB; beyond it: OOM)")
    ap.add_argument("--explore-window", type=at_least(0, "boundaries"),
                    default=EXPLORE_WINDOW, metavar="W",
                    help="after the cases, injected interruptions at every "
                    "primitive boundary, singly and in pairs at most W "
                    f"apart (default {EXPLORE_WINDOW})")
    ap.add_argument("--explore-budget", type=at_least(1, "seconds"),
                    default=EXPLORE_BUDGET, metavar="S",
                    help="CPU seconds the exploration of one step may take "
                    f"(default {EXPLORE_BUDGET}; beyond: partial)")
    ap.add_argument("--explore-programs", type=at_least(0, "programs"),
                    default=EXPLORE_PROGRAMS, metavar="N",
                    help="generated VMM programs per vendor, after the "
                    f"schedules (default {EXPLORE_PROGRAMS})")
    ap.add_argument("--explore-seed", type=at_least(0, "seed"), default=1,
                    metavar="S", help="their seed (default 1)")
    ap.add_argument("--no-explore", action="store_true",
                    help="the scenarios as written only")
    ap.add_argument("--no-select", action="store_true",
                    help="explore every step, also one that compiles the "
                    "base's code (which finds only what the base has)")
    ap.add_argument("--debug", action="store_true",
                    help="a traceback when the harness fails (also "
                    "KVM_X86_SIM_DEBUG=1)")
    return ap


def explore_args(args: argparse.Namespace, tree: str, k: int) -> list[str]:
    """The binary's exploration options for step k, with the command that
    replays a finding there (`kvm-x86-sim explore`)."""
    if args.no_explore:
        return []
    replay = ["./kvm-x86-sim", "explore", "--kernel", tree]
    for p in args.patch:
        replay += ["--patch", p]
    if args.patch:
        replay += ["--upto", str(k)]
    return ["--ktap-explore", "--window", str(args.explore_window),
            "--budget", str(args.explore_budget),
            "--programs", str(args.explore_programs),
            "--seed", str(args.explore_seed),
            "--replay-cmd", " ".join(shlex.quote(a) for a in replay)]


def coverage_of_run(exe: str, counts: str, tree: str) -> Ran:
    """The tree's lines the run executed, or why that is not known."""
    try:
        return executed_lines(exe, counts, tree), ""
    except Unmeasured as e:
        return None, str(e)
    finally:
        remove_tree(counts)


def inputs(args: argparse.Namespace, res: Outcome) -> str:
    """The tree and the series (res.patches): --kernel and --patch, the
    range and base of --git, or the message of --b4.  Returns the tree's
    path."""
    checked_on = None
    if args.b4:
        if args.patch or args.git:
            raise BadInput("--b4 reads the patch from standard input, as b4 "
                           "gives it: no --patch or --git with it")
        if sys.stdin.isatty():
            raise BadInput("--b4: the patch comes on standard input (b4 "
                           "pipes each patch of the series to its check "
                           "command)")
        args.quiet = True       # b4 counts each stderr line as a failure
        checked_on = b4_inputs(args, res, keep_stdin())
        tree = check_tree(args)
        res.tree = tree
    elif args.git:
        if args.patch:
            raise BadInput("--git and --patch: give one of them")
        gs = read_range(repo_top(args.kernel), args.git)
        res.tree = f"{gs.repo} at {gs.base[:12]} (--git {args.git})"
        res.replay = ["--kernel", gs.repo, "--git", args.git]
        args.patch = [gs.mbox]
        args.kernel, checked_on = gs.tree, gs.base
        tree = check_tree(args)
    else:
        tree = check_tree(args)
        res.tree = tree
        args.patch = [keep_stdin() if p == "-" else p for p in args.patch]
        res.replay = ["--kernel", tree] + [
            a for p in args.patch for a in ("--patch", p)]
    bases: list[str] = []
    res.patches = read_series(args.patch, res.notes, bases)
    res.warnings += base_commit_warnings(bases, tree, checked_on)
    return tree


STDIN_KEEP = 100        # the newest series read from standard input


def keep_stdin() -> str:
    """Standard input's series, kept in the cache (stdin-HASH.mbox, the
    newest STDIN_KEEP of them) so that the report's reproducer can name
    it."""
    data = read_file("-")
    d = os.path.join(cache_dir(), "stdin")
    path = os.path.join(d, "stdin-" + hashlib.sha256(data).hexdigest()[:16]
                        + ".mbox")
    try:
        os.makedirs(d, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".stdin-", dir=d)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)       # the same bytes: any run's copy will do
        kept = sorted((os.path.join(d, e) for e in os.listdir(d)
                       if e.startswith("stdin-")), key=os.path.getmtime)
        for old in kept[:-STDIN_KEEP]:
            os.unlink(old)
    except OSError as e:
        raise HarnessError(f"cannot keep standard input in {d}: "
                           f"{e.strerror}")
    return path


def validate(args: argparse.Namespace, res: Outcome) -> None:
    """The run: each prefix of the series applied, built, run, judged;
    then, for a series, its base, which the verdicts are relative to."""
    if args.output:
        check_output(args.output)
    tree = inputs(args, res)
    build = os.path.abspath(args.build)
    run = StepRunner(args, Builder(build, args.cache or os.path.join(
        build, "validate-cache")), tree)
    if not res.patches:
        res.steps.append(run.step(0, "tree", [], tree))
    else:
        series(args, res, run, tree)
    relative_to_base(res.steps, args.strict)
    res.exit = 1 if any(s.failed() for s in res.steps
                        if args.strict or not s.reference) else 0
    unchecked = [f"patch {s.label}: {u}" for s in res.steps
                 for u in s.unchecked]
    if res.exit == 0 and unchecked:
        # a finding says more than "not checked"; without one, the run
        # is no PASS: exit 3, naming every line the verdict misses
        res.exit = 3
        res.error = ["not checked: " + unchecked[0], *unchecked[1:8],
                     "the verdict does not cover these changed lines: "
                     "exit 3, not a PASS"]
    run.builder.prune()


def series(args: argparse.Namespace, res: Outcome, run: "StepRunner",
           tree: str) -> None:
    """Patch 1, patches 1-2, ... on a scratch copy; then, if one of them
    failed, the base, to tell what the series broke from what was broken
    before it.  A base that cannot be built is a note: every violation
    counts as new."""
    progress = len(res.patches) > 1 and not args.quiet
    scratch = Scratch.create()
    try:
        copy_tree(scratch, tree)
        for k in range(1, len(res.patches) + 1):
            if res.steps and any(c.kind == "HANG"
                                 for c in res.steps[-1].cases):
                res.stopped = (f"stopped the series at step "
                               f"{res.steps[-1].label}: the code under "
                               "test hangs there; later prefixes were not "
                               "checked")
                break
            ps = res.patches[:k]
            before = private_dir()
            snapshot(ps[-1], [scratch.root, tree], before)
            notes = apply_patch(ps[-1], scratch, tree, k)
            changed = applied_changes(ps[-1], before, scratch.root)
            run.deleted = applied_deletions(ps[-1], before, scratch.root)
            run.deleted_text = deleted_text(ps[-1], before, run.deleted)
            remove_tree(before)
            st = run.step(k, "1" if k == 1 else f"1-{k}", ps, scratch.root,
                          changed)
            st.notes = notes + st.notes
            res.steps.append(st)
            if progress:
                n = st.counts()
                print(f"[{k}/{len(res.patches)}] "
                      f"{printable(ps[-1].label())}: "
                      f"{'FAIL' if st.failed() else 'ok'}  "
                      f"({n['PASS']} pass, {n['FAIL']} fail, {n['SKIP']} "
                      f"skip; {st.seconds:.2f} s"
                      f"{', ' + st.cached if st.cached else ''})",
                      file=sys.stderr, flush=True)
    finally:
        scratch.remove()
    if not any(s.failed() for s in res.steps):
        return                  # nothing to tell apart: the base can wait
    # the base explores only to tell apart what the exploration found
    explored = any(c.scenario == "explore" for s in res.steps
                   for cs in s.failures.values() for c in cs)
    try:
        res.steps.insert(0, run.step(0, "base", [], tree,
                                     explore=explored))
    except (BadInput, HarnessError) as e:
        res.notes.append("the base (the tree before the series) could not "
                         f"be checked, so every violation counts as the "
                         f"series': {lines_of(e)[0] if lines_of(e) else e}")


class StepRunner:
    """One step: slice, build (cached), run (the same binary once), judge,
    and the patch's coverage."""

    def __init__(self, args: argparse.Namespace, builder: Builder,
                 tree: str) -> None:
        self.args, self.builder, self.tree = args, builder, tree
        # keyed by (binary, how it explored: "" not, "*" everything, else
        # the digest of the selection of cases and programs it explored)
        self.runs: dict[tuple[str, str], RunResult] = {}
        self.read_back: set[tuple[str, str]] = set()    # from the cache
        self.lines_run: dict[tuple[str, str], Ran] = {}
        self.base: Optional[tuple[str, RunResult]] = None
        # the step's pure deletions (patchcov.applied_deletions) and the
        # slice of the tree they were deleted from (the previous step's)
        self.deleted: dict[str, dict[int, list[int]]] = {}
        self.deleted_text: dict[str, dict[int, str]] = {}
        self.prev_sdir: Optional[str] = None
        # the unpatched tree's slice, once a run (the tree is taken not
        # to change during it): each step compares its code with it
        self.tree_sdir: Optional[str] = None

    def step(self, k: int, label: str, ps: list[Patch], root: str,
             changed: Optional[dict[str, list[int]]] = None,
             explore: bool = True) -> Step:
        t0 = time.monotonic()
        st = Step(k, label, ps)
        tree, args = self.tree, self.args
        explore = explore and not args.no_explore
        if root == tree and self.tree_sdir is not None:
            sdir, c1 = self.tree_sdir, True
        else:
            sdir, c1 = self.builder.slice(root, tree)
        if explore and changed is not None and not args.strict and \
                not args.no_select and \
                self._base_code() == code_digest(sdir):
            explore = False
            st.notes.append(SAME_CODE)
        t1 = time.monotonic()
        exe, c2 = self._binary(sdir, root, changed is not None)
        t2 = time.monotonic()
        st.notes += self.builder.take_notes()
        select = None
        if explore and changed is not None and not args.strict and \
                not args.no_select:
            select = self._selection(sdir, st)
        mode = "" if not explore else "*" if select is None else \
            hashlib.sha256("\n".join(select).encode()).hexdigest()[:16]
        key = (exe, mode)           # the same binary: the same verdicts
        if key not in self.runs:
            self.runs[key], self.lines_run[key] = self._run(exe, mode, k,
                                                            select)
        st.run_cached = key in self.read_back
        st.timing = {"slice": t1 - t0, "build": t2 - t1,
                     "run": time.monotonic() - t2}
        run = self.runs[key]
        if changed is not None:
            self._judge_unbuilt(st, sdir, root, changed)
            self._judge_changes(st, sdir, root, changed)
            run = self._skips_against_base(run)
            self.prev_sdir, self.deleted = sdir, {}
            self.deleted_text = {}
        else:
            st.notes += [f"the harness could not build the tree's {n} "
                         f"({u['error']}): the cases needing it SKIP"
                         for n, u in unbuilt(sdir).items()]
        st.evaluate(run)
        st.changed = changed
        if changed is not None:
            held = slice_lines(sdir, tree)
            st.coverage = measure(changed, held, *self.lines_run[key],
                                  source=root)
            st.changed_text = held_text(changed, held, root)
        st.seconds = time.monotonic() - t0
        st.cached = "cached" if c1 and c2 else ""
        return st


    def _binary(self, sdir: str, root: str, patched: bool
                ) -> tuple[str, bool]:
        """The step's test binary.  A compile error is the patch's (exit
        2) only when the tree before it compiles: in the tree as it is,
        or a patched step whose base fails too, it is the harness's
        limitation (exit 3)."""
        try:
            return self.builder.binary(sdir, self.tree, root)
        except HarnessError as e:
            lines = lines_of(e)
            m = re.match(r"stubs lack (?:FIELD \w+\.|DECLARATION |FUNCTION )"
                         r"(\w+) ", lines[0] if lines else "")
            if not (patched and m and self._base_uses(m.group(1))):
                raise
            # the tree before the patch uses it and compiles: the patch
            # broke the code around it (a brace, a definition the slicer
            # no longer finds), not the stubs
            at = re.search(r"the patched code at (\S+) uses it", lines[0])
            raise BadInput(f"compile error in the patched code: "
                           f"{m.group(1)} is no longer defined where the "
                           "tree before the patch defines and uses it"
                           + (f" (used at {at.group(1)})" if at else ""),
                           "the patch broke the code around it (an "
                           "unbalanced brace, a definition cut in two)")
        except BadInput as e:
            lines = lines_of(e)
            if patched:
                try:
                    self._base()
                    base_builds = True
                except (BadInput, HarnessError):
                    base_builds = False
                if base_builds:
                    raise
            head = lines[0] if lines else str(e)
            head = head.replace("in the patched code", "in the tree's code",
                                1)
            raise HarnessError(
                "the harness cannot build this tree's code" +
                (" (before the patch either)" if patched else "") +
                f": {head}", *lines[1:],
                "not a fault of the tree or the patch: the harness's stubs "
                "lack what this code needs (README: When a tree does not "
                "build)")

    def _base_uses(self, name: str) -> bool:
        """Whether the unpatched tree builds and its slice names name."""
        try:
            sdir = self._base()[0]
        except (BadInput, HarnessError):
            return False
        with open(os.path.join(sdir, "slice.c"), encoding="utf-8",
                  errors="replace") as f:
            return re.search(rf"\b{re.escape(name)}\b", f.read()) is not None

    def _selection(self, sdir: str, st: Step) -> Optional[list[str]]:
        """The cases and programs this step's exploration needs: those
        whose exploration of the base entered a function the step changed
        (impact.py); None: all of them (a change outside function bodies,
        or no record of the base).  The step's note says which."""
        base_sdir = self._base_slice()
        if base_sdir is None:
            return None
        fns = changed_functions(base_sdir, sdir)
        if fns is None:
            st.notes.append("explored everything: this step changes code "
                            "outside the bodies of the sliced functions "
                            "(a declaration, a macro, a header)")
            return None
        try:
            exe, _ = self.builder.binary(base_sdir, self.tree, self.tree)
            args = self.args
            rec = cached_record(self.builder.cache, exe, [
                "--window", str(args.explore_window), "--programs",
                str(args.explore_programs), "--seed",
                str(args.explore_seed)], RECORD_TIMEOUT)
        except (BadInput, HarnessError, Unrecorded) as e:
            st.notes.append(f"explored everything: no record of what the "
                            f"base's exploration enters ({e})")
            return None
        sel = rec.select(fns)
        if sel is None:
            st.notes.append("explored everything: a changed definition is "
                            "not one the record names (" +
                            ", ".join(sorted(fns - set(rec.ids))) + ")")
            return None
        st.notes.append(
            f"explored {len(sel)} of {len(rec.runs)} cases and programs: "
            "those whose exploration of the base enters what this step "
            f"changes ({', '.join(sorted(fns)) or 'nothing'}); the others "
            "run as at the base")
        return sel

    def _tree_slice(self) -> str:
        """The unpatched tree's slice (cached; looked up once a run)."""
        if self.tree_sdir is None:
            self.tree_sdir = self.builder.slice(self.tree, self.tree)[0]
        return self.tree_sdir

    def _base_slice(self) -> Optional[str]:
        """The unpatched tree's slice (cached), or None when it cannot be
        sliced."""
        try:
            return self._tree_slice()
        except (BadInput, HarnessError):
            return None

    def _base_code(self) -> Optional[str]:
        """The code digest of the unpatched tree's slice (codekey.py)."""
        sdir = self._base_slice()
        return code_digest(sdir) if sdir else None

    def _base(self) -> tuple[str, RunResult]:
        """The unpatched tree's slice and its run without exploration
        (each built and run once)."""
        if self.base is None:
            sdir = self._tree_slice()
            exe, _ = self.builder.binary(sdir, self.tree, self.tree)
            key = (exe, "")
            if key not in self.runs:
                self.runs[key], self.lines_run[key] = self._run(exe, "", 0)
            self.base = (sdir, self.runs[key])
        return self.base

    def _judge_unbuilt(self, st: Step, sdir: str, root: str,
                       changed: dict[str, list[int]]) -> None:
        """A definition the harness left out of this step's slice (it
        did not compile, kvm_slice's buildcheck): the patch's compile
        error (exit 2) when the base builds it and the kernel lacks what
        it uses too, the harness's limitation (exit 3) when the stubs
        lack what the kernel has or the patch changes code the harness
        could not build at the base either, else a note."""
        now = unbuilt(sdir)
        if not now:
            return
        before = unbuilt(self._base()[0])
        for name, u in now.items():
            where = u["error"].split(": ")[0]
            if name not in before:
                diag = f"{where}: error: {u['error'][len(where) + 2:]}"
                lack = harness_limitation(diag, self.tree, root)
                if lack:
                    raise HarnessError(*lack)
                rel, _, line = where.rpartition(":")
                text = patched_line(root, rel, int(line)) \
                    if line.isdigit() else None
                raise BadInput(
                    f"compile error in the patched code: {u['error']} "
                    f"(in {name}, which the tree before the patch "
                    "compiles)",
                    *([f"  {line:>5} | {text}"] if text is not None
                      else []))
            lines = set(changed.get(u["file"], []))
            if lines & set(range(u["line"], u["end_line"] + 1)):
                st.unchecked.append(
                    f"{u['file']}:{u['line']} changes {name}, which the "
                    f"harness cannot build on this tree, before the "
                    f"patch either ({u['error']})")
                continue
            st.notes.append(f"the harness could not build the tree's "
                            f"{name} ({u['error']}), before the patch "
                            "too: the cases needing it SKIP")

    def _judge_changes(self, st: Step, sdir: str, root: str,
                       changed: dict[str, list[int]]) -> None:
        """Each changed line the slice does not hold (changes.py): in a
        definition the sliced code uses, not checked (exit 3); else
        outside what the harness models (a note)."""
        with open(os.path.join(sdir, "slice.c"), encoding="utf-8",
                  errors="replace") as f:
            text = f.read()
        with open(os.path.join(sdir, "slice.json")) as f:
            sliced = {s["name"] for s in json.load(f)["symbols"]
                      if s["found"] and s["kind"] == "fn" and
                      not s.get("unbuilt")}
        stubs = os.path.join(TOP, "stubs")
        names: set[str] = set()
        for fn in os.listdir(stubs):
            if fn.endswith(".h"):
                with open(os.path.join(stubs, fn), errors="replace") as f:
                    names.update(re.findall(r"\w+", f.read()))
        held = slice_lines(sdir, self.tree)
        if self.deleted:
            # a deletion of lines the slice before it held was run (the
            # run went without them): judged, wherever it is counted
            prev = self.prev_sdir or self._tree_slice()
            before = slice_lines(prev, self.tree)
            for rel, dels in self.deleted.items():
                for at, old in dels.items():
                    if set(old) & before.get(rel, set()):
                        held.setdefault(rel, set()).add(at)
        unchecked, outside = judge_changes(
            changed, root, held, text, names, sliced,
            parse_standins(self.builder.spec), self.deleted_text)
        st.unchecked += unchecked
        st.notes += [f"not checked: {u}" for u in unchecked]
        if outside:
            st.notes.append(
                "changed lines outside what the harness models (the "
                "sliced code uses nothing they define): " +
                ", ".join(outside[:6]) +
                (f" and {len(outside) - 6} more" if len(outside) > 6
                 else ""))

    def _skips_against_base(self, run: RunResult) -> RunResult:
        """A case the base ran to its end that this step SKIPs (its code
        renamed, deleted or moved out of reach by the patch) is a
        finding, never a PASS: it FAILs the RUNS AS AT BASE row."""
        skipped = {c.name for c in run.cases if c.result == "SKIP"}
        if not skipped:
            return run
        ran = {c.name for c in self._base()[1].cases
               if c.result != "SKIP" and not c.kind}
        lost = skipped & ran
        if not lost:
            return run
        cases = []
        for c in run.cases:
            if c.name in lost:
                c = dataclasses.replace(
                    c, result="FAIL", kind="SKIPPED", report=[
                        "FAIL RUNS AS AT BASE: the tree before the patch "
                        f"ran this case; now it is skipped ({c.reason})"])
            cases.append(c)
        return dataclasses.replace(run, cases=cases)

    def _run(self, exe: str, mode: str, k: int,
             select: Optional[list[str]] = None) -> tuple[RunResult, Ran]:
        """The binary's run (mode: see self.runs; select: the cases and
        programs to explore, impact.py) and the lines it executed: read
        back from the cache when this binary already ran with these
        arguments to a result that is the same every time
        (runcache.py)."""
        args = self.args
        extra = explore_args(args, self.tree, k) if mode else []
        rkey = run_key(exe, [str(args.case_timeout), str(args.memory_limit),
                             *extra] + ([mode] if select is not None
                                        else []))
        hit = load_run(self.builder.cache, rkey)
        if hit is not None:
            self.read_back.add((exe, mode))
            return hit
        counts = private_dir()
        if select is not None:
            path = os.path.join(counts, "select")
            with open(path, "w") as f:
                f.write("".join(f"{ln}\n" for ln in select))
            extra = extra + ["--select", path]
        run = run_binary(exe, args.case_timeout, args.memory_limit, extra,
                         gcov_env(exe, counts),
                         args.explore_budget if mode else 0)
        ran = coverage_of_run(exe, counts, self.tree)
        store_run(self.builder.cache, rkey, run, ran)
        return run, ran


def debugging(args: Optional[argparse.Namespace]) -> bool:
    return bool(args and args.debug) or \
        os.environ.get("KVM_X86_SIM_DEBUG", "") not in ("", "0")


def render(res: Outcome, args: Optional[argparse.Namespace]
           ) -> tuple[str, int]:
    """The report and the exit code it goes with (--b4 and nipa have
    their own conventions)."""
    fmt = args.format if args else "text"
    if args and args.b4:
        text, code = render_b4(res, args.b4 == "json")
        return text, res.exit if res.exit >= 2 else code
    if args and args.testing_line:
        return testing_line(res), res.exit
    if fmt in ("text", "nipa") or args is None:
        on = args is not None and fmt == "text" and (
            args.color == "always" or (
                args.color == "auto" and not args.output and
                sys.stdout.isatty() and not os.environ.get("NO_COLOR")))
        text = render_text(res, Colour(on))
        if fmt == "nipa":
            desc = write_nipa_description(res)
            return text + (f"description: {desc}" if desc else ""), \
                nipa_exit(res)
        return text, res.exit
    return {"tap": render_tap, "junit": render_junit, "json": render_json,
            "ktap": render_ktap, "patchwork": render_patchwork,
            "robot": render_robot}[fmt](res), res.exit


def internal_error(e: Exception, args: Optional[argparse.Namespace]) -> str:
    """A bug of ours as one line (the traceback only when debugging)."""
    if debugging(args):
        traceback.print_exc()
    return (f"internal error: {type(e).__name__}: {e}" +
            ("" if debugging(args) else " (KVM_X86_SIM_DEBUG=1 or --debug "
             "for the traceback)"))


def main(argv: list[str]) -> int:
    res = Outcome()
    args: Optional[argparse.Namespace] = None
    try:
        args = arg_parser().parse_args(argv)
        res.full_trace = args.full_trace
        validate(args, res)
    except BadInput as e:
        res.error = lines_of(e) or ["bad input"]
        res.exit = 2
        if isinstance(e, BadOutput) and args:
            args.output = None      # the report goes to stdout instead
    except HarnessError as e:
        res.error = lines_of(e) or ["the harness failed"]
        res.exit = 3
    except OSError as e:
        res.error = [os_error_reason(e, "(the harness's own files):")]
        res.exit = 3
        if debugging(args):
            traceback.print_exc()
    except (Interrupted, KeyboardInterrupt):
        raise
    except Exception as e:      # a bug of ours: one line, exit 3
        res.error = [internal_error(e, args)]
        res.exit = 3

    if res.exit >= 2:
        print_error(PROG, res.error)
        if (not args or (args.format == "text" and not args.b4)) \
                and not res.steps:
            return res.exit
    try:
        text, code = render(res, args)
    except Exception as e:      # a bug of ours in a report writer
        print(f"{PROG}: error: {internal_error(e, args)}", file=sys.stderr)
        return 3
    if args and args.output:
        try:
            write_output(args.output, text)
        except HarnessError as e:
            # the report is not lost: stdout gets it, the reason stderr
            to_stdout(text)
            print(f"{PROG}: error: {lines_of(e)[0]}", file=sys.stderr)
            return 3
    elif not to_stdout(text):
        return 3
    return code


def to_stdout(text: str) -> bool:
    """The report on stdout; False (said on stderr) when it cannot be
    written (a closed pipe, a full disk): the harness's failure, exit 3."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
        return True
    except (OSError, UnicodeError) as e:
        try:
            print(f"{PROG}: error: cannot write the report to standard "
                  f"output: {e}", file=sys.stderr)
        except (OSError, UnicodeError):
            pass
        return False


def run_from_command_line() -> int:
    """The process's exit code for sys.argv: main()'s; 128 + N when
    signal N ended it (the scratch copy and the children cleaned up)."""
    install_signal_handlers()
    try:
        return main(sys.argv[1:])
    except Interrupted as e:
        cleanup_all()
        print(f"{PROG}: interrupted by signal {e.signum}; scratch copy "
              "removed", file=sys.stderr)
        return 128 + e.signum
    except KeyboardInterrupt:
        cleanup_all()
        return 130
    finally:
        cleanup_all()
