# SPDX-License-Identifier: GPL-2.0
"""`kvm-x86-sim explore`: the exploration of injected interruptions on a
tree, with the first K patches of a series applied if given.

The tree (and patches) are sliced and built as `validate` does; the test
binary then explores (runner/explore.c) or replays one schedule
with its whole trace.  Exit: the binary's (0 nothing found, 1 a violation,
2 bad input), or 2/3 from the build like validate.
"""

import argparse
import os
import subprocess
import sys
from typing import Optional

from .apply import apply_patch, copy_tree
from .build import Builder
from .args import Parser, add_build_options, at_least, check_tree
from .errors import BadInput, HarnessError, lines_of
from .patchcov import gcov_env, private_dir
from .patches import read_series
from .report import print_error
from .scratch import Scratch

PROG = "kvm-x86-sim explore"


def arg_parser() -> Parser:
    ap = Parser(prog=PROG, description="Explore injected interruptions "
                "(softirq FPU use, preemption, migration) at every "
                "primitive boundary of every scenario.")
    ap.add_argument("--kernel", metavar="DIR",
                    help="kernel tree (default: the cached newest 7.x)")
    ap.add_argument("--patch", metavar="FILE", action="append", default=[],
                    help="patches to apply first (as validate reads them)")
    ap.add_argument("--upto", type=at_least(0, "patches"), metavar="K",
                    help="apply only the first K patches of the series")
    add_build_options(ap)
    ap.add_argument("--window", type=at_least(0, "boundaries"), default=8,
                    metavar="W",
                    help="pairs of injections at most W boundaries apart "
                    "(default 8; 0: single injections only)")
    ap.add_argument("--programs", type=at_least(0, "programs"),
                    default=50000, metavar="N",
                    help="generated VMM programs per vendor (default 50000)")
    ap.add_argument("--seed", type=at_least(0, "seed"), default=1,
                    metavar="S",
                    help="the generator's seed (default 1)")
    ap.add_argument("--program", type=at_least(0, "program number"),
                    metavar="K",
                    help="replay program K of the seed (with --vendor)")
    ap.add_argument("--vendor", choices=("vmx", "svm"), default="vmx",
                    help="the vendor of --program's replay (default vmx)")
    ap.add_argument("--budget", type=at_least(0, "seconds"), default=0,
                    metavar="S",
                    help="stop after S CPU seconds (reported as partial)")
    ap.add_argument("--all", action="store_true",
                    help="the long scenarios too (edge_*, selftest_*)")
    ap.add_argument("--scenario", metavar="NAME",
                    help="explore this scenario only (default: all)")
    ap.add_argument("--jobs", type=at_least(0, "processes"), default=0,
                    metavar="N",
                    help="processes (default: one per CPU)")
    ap.add_argument("--faults", metavar="F,...",
                    help="break the simulated FPU core on purpose "
                    "(irq_ignores_fpregs_lock, stale_fpregs_valid, "
                    "need_load_hidden)")
    ap.add_argument("--expect", metavar="INVARIANT", action="append",
                    default=[], help="pass only if this is found")
    ap.add_argument("--replay", metavar="CASE@AT:KIND,...",
                    help="re-run one schedule with its whole trace")
    return ap


def binary_for(args: argparse.Namespace) -> str:
    tree = check_tree(args)
    notes: list[str] = []
    patches = read_series(args.patch, notes)
    if args.upto is not None:
        if not 0 <= args.upto <= len(patches):
            raise BadInput(f"--upto {args.upto}: the series has "
                           f"{len(patches)} patch(es)")
        patches = patches[:args.upto]
    build = os.path.abspath(args.build)
    builder = Builder(build, args.cache or os.path.join(build,
                                                        "validate-cache"))
    scratch: Optional[Scratch] = None
    try:
        root = tree
        if patches:
            scratch = Scratch.create()
            copy_tree(scratch, tree)
            for k, p in enumerate(patches, 1):
                apply_patch(p, scratch, tree, k)
            root = scratch.root
        sdir, _ = builder.slice(root, tree)
        exe, _ = builder.binary(sdir, tree, root)
    finally:
        if scratch:
            scratch.remove()
    return exe


def main(argv: list[str]) -> int:
    try:
        args = arg_parser().parse_args(argv)
        exe = binary_for(args)
    except BadInput as e:
        err, code = lines_of(e) or ["bad input"], 2
    except HarnessError as e:
        err, code = lines_of(e) or ["the harness failed"], 3
    else:
        if args.replay:
            cmd = [exe, "--replay", args.replay]
        elif args.program is not None:
            cmd = [exe, "--seed", str(args.seed), "--program",
                   str(args.program), "--vendor", args.vendor]
        else:
            cmd = [exe, "--explore", "--window", str(args.window),
                   "--budget", str(args.budget), "--programs",
                   str(args.programs), "--seed", str(args.seed)] + \
                  (["--all"] if args.all else [])
        if args.scenario:
            cmd += ["--scenario", args.scenario]
        if args.jobs and not args.replay and args.program is None:
            cmd += ["--jobs", str(args.jobs)]
        if args.faults:
            cmd += ["--faults", args.faults]
        for inv in args.expect:
            cmd += ["--expect", inv]
        sys.stdout.flush()
        try:
            # the binary is validate's, instrumented: its counts go to a
            # directory removed at the end, never into the cache
            return subprocess.run(cmd, env=gcov_env(exe, private_dir())
                                  ).returncode
        except OSError as e:
            err, code = [f"cannot run the test binary {exe}: "
                         f"{e.strerror}"], 3
    print_error(PROG, err)
    return code
