# SPDX-License-Identifier: GPL-2.0
"""What every subcommand's command line shares (validate, explore,
mutate): a parser whose errors are bad input (exit 2), integer options
with a floor, and the kernel tree, checked, with its default."""

import argparse
import os
import re
from typing import Callable, NoReturn, Optional

from .errors import BadInput
from .paths import KVM_DIR, TOP, trees_dir


def default_tree() -> str:
    """The cached linux-7, else the newest cached 7.x tree."""
    trees = trees_dir()
    cand = os.path.join(trees, "linux-7")
    if os.path.isdir(cand):
        return cand
    best: Optional[tuple[tuple[int, ...], str]] = None
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
    def error(self, message: str) -> NoReturn:
        raise BadInput(f"usage: {message} (see --help)")


def at_least(low: int, unit: str) -> Callable[[str], int]:
    """An argparse type: an integer >= low (argparse names the option)."""
    def parse(text: str) -> int:
        try:
            n = int(text, 10)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of "
                                             f"{unit}")
        if n < low:
            raise argparse.ArgumentTypeError(f"must be at least {low} "
                                             f"{unit}, not {n}")
        return n
    return parse


def check_tree(args: argparse.Namespace) -> str:
    given: Optional[str] = args.kernel
    tree = os.path.realpath(os.path.abspath(given) if given
                            else default_tree())
    if not os.path.isdir(tree):
        raise BadInput(f"{tree}: no such directory (--kernel)")
    if not os.path.isfile(os.path.join(tree, KVM_DIR, "x86.c")):
        raise BadInput(f"{tree}: not a kernel tree with {KVM_DIR}/x86.c")
    if not os.access(os.path.join(tree, KVM_DIR, "x86.c"), os.R_OK):
        raise BadInput(f"{tree}/{KVM_DIR}/x86.c: permission denied")
    return tree


def add_build_options(ap: argparse.ArgumentParser) -> None:
    """--build and --cache, the same for every subcommand."""
    ap.add_argument("--build", default=os.environ.get(
        "KVM_X86_SIM_BUILD", os.path.join(TOP, "build")),
        help="the harness build directory (default: ./build, or "
        "$KVM_X86_SIM_BUILD)")
    ap.add_argument("--cache", help="object cache (default: "
                    "BUILD/validate-cache)")
