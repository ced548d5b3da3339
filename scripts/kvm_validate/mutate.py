# SPDX-License-Identifier: GPL-2.0
"""`kvm-x86-sim mutate`: the mutation score of the harness on a tree.

The tree is sliced as validate does; scripts/kvm_mutate puts every mutant
of the sliced functions into one translation unit (mutant schemata), which
is compiled once; a mutant whose alternative does not compile is named by
the compiler's error and left out, and the rest compiled again.  The C
runner then runs every case against each mutant, one forked child each
(runner/mutant.c); survivors are explored (interruptions, generated
programs) and matched against the reviewed list of equivalent mutants
(slice/mutants.equivalent).  Exit: 0 every mutant killed or accounted
for, 1 survivors left, 2 bad input, 3 the harness failed.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Optional

from kvm_mutate.schemata import compile_errors, mutate_slice
from kvm_mutate.operators import Mutant

from .build import Builder, file_bytes, record_flags, sha
from .args import Parser, add_build_options, at_least, check_tree
from .errors import BadInput, HarnessError, lines_of
from .impact import Record, Unrecorded, record
from .paths import TOP
from .report import print_error, printable
from .scratch import remove_tree, run_child, tool_tmpdir

PROG = "kvm-x86-sim mutate"
EQUIVALENT = os.path.join(TOP, "slice", "mutants.equivalent")
# What the mutants are compiled with beyond the slice's flags: a swap of
# arguments of different pointer types is a compile error, as -Werror
# makes it in a kernel build, not undefined behaviour at run time.
MUTANT_CFLAGS = ["-Werror=incompatible-pointer-types",
                 "-fdiagnostics-column-unit=byte", "-fmax-errors=0"]
MAX_ROUNDS = 8


@dataclass
class Outcome:
    status: str = "survived"  # killed survived equivalent limit no-compile
    by: str = ""                    # the invariant(s), or why
    case: str = ""
    reached: bool = False
    how: str = ""                   # cases, exploration, crash, hang, ...


@dataclass
class Equivalent:
    function: str
    op: str
    pattern: "re.Pattern[str]"
    reason: str
    used: int = 0


@dataclass
class Run:
    tree: str
    mutants: list[Mutant]
    outcomes: list[Outcome]
    notes: list[str] = field(default_factory=list)
    times: dict[str, float] = field(default_factory=dict)
    unused: list[Equivalent] = field(default_factory=list)
    binary: str = ""
    # survivor -> the cases and programs its exploration ran (None: all)
    explored: dict[int, Optional[int]] = field(default_factory=dict)
    # (cases and programs explored, those an unselected run explores)
    selection: Optional[tuple[int, int]] = None


def arg_parser() -> Parser:
    ap = Parser(prog=PROG, description="Mutation score of the harness: "
                "every mutant of the sliced kernel code against every "
                "scenario, survivors explored.")
    ap.add_argument("--kernel", metavar="DIR",
                    help="kernel tree (default: the cached newest 7.x)")
    ap.add_argument("--function", metavar="NAME", action="append",
                    default=[], help="mutate only this sliced function "
                    "(repeatable)")
    ap.add_argument("--jobs", type=at_least(0, "processes"), default=0,
                    metavar="N", help="processes (default: one per CPU)")
    add_build_options(ap)
    ap.add_argument("--no-explore", action="store_true",
                    help="do not explore the survivors of the scenarios")
    ap.add_argument("--no-select", action="store_true",
                    help="explore each survivor everywhere, not only in "
                    "the cases and programs that enter its function")
    ap.add_argument("--window", type=at_least(0, "boundaries"), default=1,
                    metavar="W", help="survivors' exploration: pairs of "
                    "injections at most W apart (default 1)")
    ap.add_argument("--programs", type=at_least(0, "programs"),
                    default=1000, metavar="N", help="survivors' "
                    "exploration: generated programs per vendor "
                    "(default 1000)")
    ap.add_argument("--timeout", type=at_least(1, "seconds"), default=10,
                    metavar="S", help="a mutant running longer hangs")
    ap.add_argument("--equivalent", metavar="FILE", default=EQUIVALENT,
                    help="the reviewed list of equivalent mutants")
    ap.add_argument("--list", action="store_true",
                    help="list the mutants, run nothing")
    ap.add_argument("--format", choices=("text", "json"), default="text",
                    help="the report's form (default text)")
    ap.add_argument("--output", metavar="FILE",
                    help="write the report here too")
    return ap


def load_equivalent(path: str) -> list[Equivalent]:
    """function<TAB>operator<TAB>regex on the description<TAB>reason, the
    reason starting "equivalent:" (the mutant computes what the original
    does, here) or "limit:" (a modelling limit, with the issue it needs);
    "*" matches any function or operator."""
    out = []
    try:
        with open(path) as f:
            for n, ln in enumerate(f, 1):
                if not ln.strip() or ln.startswith("#"):
                    continue
                parts = ln.rstrip("\n").split("\t")
                if len(parts) != 4 or not all(p.strip() for p in parts):
                    raise BadInput(f"{path}:{n}: want function, operator, "
                                   "pattern and reason separated by tabs")
                if not parts[3].startswith(("equivalent:", "limit:")):
                    raise BadInput(f"{path}:{n}: the reason must start "
                                   "with 'equivalent:' or 'limit:'")
                try:
                    pat = re.compile(parts[2])
                    for p in parts[:2]:
                        re.compile(p if p != "*" else ".*")
                except re.error as e:
                    raise BadInput(f"{path}:{n}: bad pattern: {e}")
                out.append(Equivalent(parts[0], parts[1], pat, parts[3]))
    except OSError as e:
        raise BadInput(f"{path}: {e.strerror}")
    return out


def matches(eq: Equivalent, m: Mutant) -> bool:
    """The function and operator fields are whole-name regexes ('*': any),
    the pattern is searched in the mutation's description."""
    def name(pat: str, s: str) -> bool:
        return pat == "*" or re.fullmatch(pat, s) is not None
    return (name(eq.function, m.function) and name(eq.op, m.op) and
            eq.pattern.search(m.desc) is not None)


class Schemata:
    """The mutated slice compiled into one test binary."""

    def __init__(self, builder: Builder, sdir: str, only: list[str],
                 tree: str) -> None:
        self.builder = builder
        self.tree = tree
        with open(os.path.join(sdir, "slice.c"), encoding="utf-8",
                  errors="surrogateescape") as f:
            self.text = f.read()
        self.header = file_bytes(os.path.join(sdir, "slice.h"))
        self.only = only or None

    def build(self) -> tuple[str, list[Mutant], dict[int, str], list[str]]:
        """(binary, mutants, {id: why it does not compile}, notes)."""
        no_compile: dict[int, str] = {}
        for _ in range(MAX_ROUNDS):
            out, muts, notes = mutate_slice(self.text, self.only,
                                            no_compile)
            exe, diag = self._compile(out)
            if exe is not None:
                return exe, muts, no_compile, notes
            hit, stray = compile_errors(out, diag)
            hit = {k: v for k, v in hit.items() if k not in no_compile}
            if stray or not hit:
                raise HarnessError("the mutated slice does not compile "
                                   "outside any mutant",
                                   *(stray or diag.splitlines())[:12])
            no_compile.update(hit)
        raise HarnessError(f"the mutated slice still does not compile "
                           f"after {MAX_ROUNDS} rounds")

    def _compile(self, out: str) -> tuple[Optional[str], str]:
        b = self.builder
        data = out.encode("utf-8", errors="surrogateescape")
        key = "m-" + sha(data, self.header, b.hdr, b.cc, b.cflags,
                         MUTANT_CFLAGS, record_flags(self.tree), b.lib_hash,
                         b.desc.runner_ldflags, *b.main_o)
        d = b.cache.lookup("bin", key)
        if d is not None:
            return os.path.join(d, "t"), ""
        tmpd = b.cache.staging("bin", key)
        try:
            with open(os.path.join(tmpd, "slice.c"), "wb") as f:
                f.write(data)
            with open(os.path.join(tmpd, "slice.h"), "wb") as f:
                f.write(self.header)
            glue = os.path.join(tmpd, "glue.c")
            with open(glue, "w") as f:
                f.write(b.desc.glue(tmpd))
            obj = os.path.join(tmpd, "glue.o")
            r = run_child([b.cc] + b.cflags + MUTANT_CFLAGS +
                          record_flags(self.tree) + b.incs +
                          ["-c", glue, "-o", obj])
            if r.returncode:
                b.cache.discard(tmpd)
                return None, r.stdout
            r = run_child([b.cc] + b.main_o + [obj] + b.libs +
                          b.desc.runner_ldflags +
                          ["-o", os.path.join(tmpd, "t")])
            if r.returncode:
                raise HarnessError("cannot link the mutants' binary",
                                   *r.stdout.splitlines()[:12])
            for fn in ("glue.o", "glue.c", "slice.h"):
                os.unlink(os.path.join(tmpd, fn))
        except BaseException:
            b.cache.discard(tmpd)
            raise
        d = b.cache.publish(tmpd, "bin", key)
        return os.path.join(d, "t"), ""


LINE_RE = re.compile(r"^mutant (\d+) (\w+)\s*(.*)$")


def run_cases(exe: str, n: int, jobs: int, timeout: int
              ) -> dict[int, Outcome]:
    """Every mutant against every case (the C runner's --mutants)."""
    cmd = [exe, "--mutants", "0", str(n), "--mutant-timeout", str(timeout)]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, errors="replace")
    if r.returncode or f"# mutants 0..{n} done" not in r.stdout:
        raise HarnessError(f"the mutant runner failed (exit "
                           f"{r.returncode})", *r.stderr.splitlines()[:8])
    got: dict[int, Outcome] = {}
    for ln in r.stdout.splitlines():
        m = LINE_RE.match(ln)
        if not m:
            continue
        k, what, rest = int(m.group(1)), m.group(2), m.group(3).split(" ", 1)
        if what == "survived":
            got[k] = Outcome("survived", reached=rest[0] == "reached")
        elif what == "killed":
            got[k] = Outcome("killed", by=rest[1] if len(rest) > 1 else "",
                             case=rest[0], reached=True, how="cases")
        else:               # crashed / hung / exited
            got[k] = Outcome("killed", by=f"NO CRASH ({what}"
                             + (f": {rest[1]}" if len(rest) > 1 else "")
                             + ")", case=rest[0], reached=True, how=what)
    missing = [k for k in range(n) if k not in got]
    if missing:
        raise HarnessError(f"the mutant runner gave no verdict for "
                           f"{len(missing)} mutant(s), e.g. {missing[0]}")
    return got


VIOLATION_RE = re.compile(r"^VIOLATION in (\S+): (.*)$", re.M)


def record_entered(exe: str, args: argparse.Namespace) -> Record:
    """The survivors' exploration of the unmutated binary, recording
    what each case and program entered (impact.py).  A mutant changes one
    function: a case or a program that never enters it runs exactly as
    without the mutant, so it cannot kill it (explore_one() leaves it
    out)."""
    try:
        return record(exe, ["--window", str(args.window), "--programs",
                            str(args.programs)] +
                      (["--jobs", str(args.jobs)] if args.jobs else []))
    except Unrecorded as e:
        raise HarnessError(f"recording what the unmutated exploration "
                           f"enters: {e}")


def explore_one(exe: str, k: int, args: argparse.Namespace,
                select: Optional[list[str]] = None, tmp: str = ""
                ) -> Optional[Outcome]:
    env = dict(os.environ, KVM_X86_SIM_MUTANT=str(k))
    cmd = [exe, "--explore", "--window", str(args.window), "--programs",
           str(args.programs), "--jobs", "1"]
    if select is not None:
        if not select:
            return None         # nothing it runs enters the function
        path = os.path.join(tmp, f"select-{k}")
        with open(path, "w") as f:
            f.write("".join(f"{ln}\n" for ln in select))
        cmd += ["--select", path]
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True,
                           errors="replace", env=env,
                           timeout=max(60, 20 * args.timeout))
    except subprocess.TimeoutExpired:
        return Outcome("killed", by="NO CRASH (exploration hung)",
                       reached=True, how="exploration")
    if r.returncode == 0:
        return None
    if r.returncode != 1:
        raise HarnessError(f"exploring mutant {k} failed (exit "
                           f"{r.returncode})", *r.stdout.splitlines()[-6:])
    m = VIOLATION_RE.search(r.stdout)
    return Outcome("killed", by=m.group(2) if m else "NO CRASH",
                   case=m.group(1) if m else "", reached=True,
                   how="exploration")


def mutate(args: argparse.Namespace) -> Run:
    tree = check_tree(args)
    equivalent = load_equivalent(args.equivalent)
    build = os.path.abspath(args.build)
    builder = Builder(build, args.cache or os.path.join(build,
                                                        "validate-cache"))
    times: dict[str, float] = {}
    t0 = time.monotonic()
    sdir, _ = builder.slice(tree, tree)
    schemata = Schemata(builder, sdir, args.function, tree)
    exe, muts, no_compile, notes = schemata.build()
    times["build"] = time.monotonic() - t0
    if args.function:
        found = {m.function for m in muts}
        lost = [f for f in args.function if f not in found]
        if lost:
            raise BadInput(f"--function {lost[0]}: no mutant in it (not a "
                           "sliced function of this tree?)")
    run = Run(tree, muts, [Outcome() for _ in muts], notes, times,
              binary=exe)
    for k, why in no_compile.items():
        run.outcomes[k] = Outcome("no-compile", by=why)
    if args.list:
        return run
    t0 = time.monotonic()
    base = subprocess.run([exe], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True,
                          errors="replace")
    if base.returncode not in (0, 77):
        raise BadInput("the tree fails its scenarios with no mutant "
                       "active: run ./kvm-x86-sim check first",
                       *base.stdout.splitlines()[-6:])
    got = run_cases(exe, len(muts), args.jobs, args.timeout)
    for k, o in got.items():
        if k not in no_compile:
            run.outcomes[k] = o
    times["cases"] = time.monotonic() - t0
    t0 = time.monotonic()
    if not args.no_explore:
        # a reviewed equivalent mutant computes what the original does:
        # exploring it cannot kill it (limits are explored: they may die)
        alive = [k for k, o in enumerate(run.outcomes)
                 if o.status == "survived" and o.reached and not any(
                     matches(eq, muts[k]) and
                     eq.reason.startswith("equivalent:")
                     for eq in equivalent)]
        jobs = args.jobs or os.cpu_count() or 1
        entered = record_entered(exe, args) if alive and \
            not args.no_select else None
        times["record"] = time.monotonic() - t0
        t0 = time.monotonic()
        tmp = tempfile.mkdtemp(prefix="select-", dir=tool_tmpdir())

        def one(k: int) -> Optional[Outcome]:
            sel = entered.select({muts[k].function}) if entered else None
            run.explored[k] = None if sel is None else len(sel)
            return explore_one(exe, k, args, sel, tmp)

        try:
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                for k, hit in zip(alive, pool.map(one, alive)):
                    if hit is not None:
                        run.outcomes[k] = hit
        finally:
            remove_tree(tmp)
        if entered:
            run.selection = (sum(len(entered.runs) if n is None else n
                                 for n in run.explored.values()),
                             len(entered.runs) * len(run.explored))
    times["explore"] = time.monotonic() - t0
    for m, o in zip(muts, run.outcomes):
        if o.status != "survived":
            continue
        for eq in equivalent:
            if matches(eq, m):
                kind, _, why = eq.reason.partition(":")
                o.status, o.by = kind, why.strip()
                eq.used += 1
                break
    run.unused = [eq for eq in equivalent if not eq.used and
                  (not args.function or eq.function in args.function)]
    return run


def counts(run: Run) -> dict[str, int]:
    c = {"total": len(run.mutants), "killed": 0, "survived": 0,
         "equivalent": 0, "limit": 0, "no-compile": 0}
    for o in run.outcomes:
        c[o.status] += 1
    return c


def score(c: dict[str, int]) -> float:
    judged = c["total"] - c["equivalent"] - c["no-compile"]
    return 100.0 * c["killed"] / judged if judged else 100.0


def text_report(run: Run, listing: bool) -> list[str]:
    out = [f"tree: {run.tree}"]
    if listing:
        for m, o in zip(run.mutants, run.outcomes):
            out.append(f"{m.id:4} {m.op:12} {m.file}:{m.line} "
                       f"{m.function}: {m.desc}"
                       + ("  [does not compile]"
                          if o.status == "no-compile" else ""))
        return out
    c = counts(run)
    per_fn: dict[str, list[int]] = {}
    for m, o in zip(run.mutants, run.outcomes):
        row = per_fn.setdefault(m.function, [0, 0, 0, 0, 0])
        row[["killed", "survived", "equivalent", "limit",
             "no-compile"].index(o.status)] += 1
    out.append(f"{'function':34} {'killed':>6} {'alive':>6} {'equiv':>6} "
               f"{'limit':>6} {'no-cc':>6}")
    for fn, row in per_fn.items():
        out.append(f"{fn:34} " + " ".join(f"{x:6}" for x in row))
    by_how: dict[str, int] = {}
    for o in run.outcomes:
        if o.status == "killed":
            by_how[o.how] = by_how.get(o.how, 0) + 1
    for m, o in zip(run.mutants, run.outcomes):
        if o.status == "survived":
            out.append(f"SURVIVED {m.file}:{m.line} {m.function}: {m.desc}"
                       + ("" if o.reached else "  (never reached)"))
            out.append(f"    {m.code}")
    for eq in run.unused:
        out.append(f"note: equivalent-list entry matched nothing: "
                   f"{eq.function} {eq.op} /{eq.pattern.pattern}/")
    out += [f"note: {n}" for n in run.notes]
    if c["survived"]:
        out.append(f"replay one: KVM_X86_SIM_MUTANT=ID {run.binary} "
                   "[--scenario NAME] --trace")
    out.append(f"mutants: {c['total']} total, {c['killed']} killed ("
               + ", ".join(f"{v} by {k}" for k, v in sorted(by_how.items()))
               + f"), {c['equivalent']} equivalent, {c['limit']} beyond "
               f"the model (listed), {c['no-compile']} do not compile, "
               f"{c['survived']} survived unaccounted; score "
               f"{score(c):.1f}% of the non-equivalent compiling mutants")
    if run.selection:
        ran, every = run.selection
        out.append(f"survivors explored only where their function is "
                   f"entered: {ran} of {every} case and program runs "
                   f"({100.0 * ran / max(every, 1):.1f}%; --no-select: "
                   "all)")
    out.append("time: " + ", ".join(f"{k} {v:.1f} s"
                                    for k, v in run.times.items()))
    return out


def json_report(run: Run) -> str:
    return json.dumps({
        "tree": run.tree, "binary": run.binary, "counts": counts(run),
        "score": round(score(counts(run)), 2), "times": run.times,
        "selection": run.selection,
        "mutants": [{"id": m.id, "op": m.op, "function": m.function,
                     "file": m.file, "line": m.line, "code": m.code,
                     "mutation": m.desc, "status": o.status, "by": o.by,
                     "case": o.case, "how": o.how, "reached": o.reached}
                    for m, o in zip(run.mutants, run.outcomes)],
        "notes": run.notes}, indent=1) + "\n"


def main(argv: list[str]) -> int:
    try:
        args = arg_parser().parse_args(argv)
        run = mutate(args)
    except BadInput as e:
        err, code = lines_of(e) or ["bad input"], 2
    except HarnessError as e:
        err, code = lines_of(e) or ["the harness failed"], 3
    else:
        text = json_report(run) if args.format == "json" else \
            "\n".join(printable(ln) for ln in
                      text_report(run, args.list)) + "\n"
        sys.stdout.write(text)
        if args.output:
            try:
                with open(args.output, "w") as f:
                    f.write(text)
            except OSError as e:
                print(f"{PROG}: error: {args.output}: {e.strerror}",
                      file=sys.stderr)
                return 3
        if args.list:
            return 0
        return 1 if counts(run)["survived"] else 0
    print_error(PROG, err)
    return code
