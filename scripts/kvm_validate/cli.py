# SPDX-License-Identifier: GPL-2.0
"""The command line: arguments, the run over the series, exit codes.

Exit: 0 every case of every prefix ran to its end and every invariant
holds; 1 an invariant is violated, or the code under test crashed, hung,
ran out of memory or exited early; 2 bad input (BadInput); 3 the harness
itself failed (HarnessError, or anything unexpected: a one-line reason,
the traceback only with KVM_X86_SIM_DEBUG=1).
"""

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from typing import Any, Dict

from .apply import apply_patch
from .build import Builder
from .errors import BadInput, HarnessError
from .patches import parse_patch_file
from .paths import KVM_DIR, TOP
from .report import Colour, render_json, render_junit, render_tap, render_text
from .run import CASE_TIMEOUT, MEMORY_LIMIT, RunResult, run_binary
from .verdicts import Step

PROG = "kvm-x86-sim validate"


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
    ap.add_argument("--case-timeout", type=int, default=CASE_TIMEOUT,
                    metavar="S", help="seconds one case may run before it "
                    f"is a HANG (default {CASE_TIMEOUT})")
    ap.add_argument("--memory-limit", type=int, default=MEMORY_LIMIT,
                    metavar="MIB", help="address space of a test process "
                    f"(default {MEMORY_LIMIT} MiB; beyond it: OOM)")
    res: Dict[str, Any] = {"tree": None, "patches": [], "steps": [],
                           "error": None, "exit": 0, "stopped": ""}
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
        runs: Dict[str, RunResult] = {}
        for k, label, ps in steps:
            if res["steps"] and res["steps"][-1].stopped and \
                    any(c.kind == "HANG" for c in res["steps"][-1].cases):
                res["stopped"] = (f"stopped the series at step "
                                  f"{res['steps'][-1].label}: the code "
                                  "under test hangs there; later prefixes "
                                  "were not checked")
                break
            t0 = time.monotonic()
            st = Step(k, label, ps)
            root = tree
            if k:
                st.notes = apply_patch(ps[-1], scratch, tree, k)
                root = scratch
            sdir, c1 = builder.slice(root, tree)
            exe, c2 = builder.binary(sdir, tree, scratch)
            if exe not in runs:     # the same binary: the same verdicts
                runs[exe] = run_binary(exe, args.case_timeout,
                                       args.memory_limit)
            st.evaluate(runs[exe])
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
    except HarnessError as e:
        res["error"] = ["the harness failed: " + " ".join(
            str(a) for a in e.args[:1])] + [str(a) for a in e.args[1:]]
        res["exit"] = 3
    except Exception as e:      # a bug of ours, never a verdict
        if os.environ.get("KVM_X86_SIM_DEBUG"):
            raise
        res["error"] = [f"the harness failed: {type(e).__name__}: {e} "
                        "(KVM_X86_SIM_DEBUG=1 shows the traceback)"]
        res["exit"] = 3
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)

    fmt = args.format if args else "text"
    out_path = args.output if args else None
    if res["exit"] in (2, 3):
        print(f"{PROG}: error: {res['error'][0]}", file=sys.stderr)
        for ln in res["error"][1:]:
            print(f"  {ln}", file=sys.stderr)
        if fmt == "text" and not res["steps"]:
            return res["exit"]
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


def run_from_command_line():
    """The process's exit code for sys.argv: main()'s, 130 on Ctrl-C."""
    try:
        return main(sys.argv[1:])
    except KeyboardInterrupt:
        return 130
