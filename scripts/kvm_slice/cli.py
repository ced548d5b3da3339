# SPDX-License-Identifier: GPL-2.0
"""The command line: argument parsing, writing the outputs, exit codes."""

import argparse
import os
import sys
from typing import Optional

from .buildcheck import Compiler, Pulled, check_build
from .errors import EXIT_OK, EXIT_USAGE, PROG, SliceError
from .render import render_c, render_h, render_report, summary_line
from .resolve import Result, slice_tree
from .closure import follow, provided_names
from .index import TreeIndex
from .scancache import ScanCache
from .spec import parse_provided, parse_spec


def write_file(path: str, text: str) -> None:
    """Write *text* to *path*, creating parent directories."""
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    with open(path, "w", encoding="utf-8", errors="surrogateescape",
              newline="") as f:
        f.write(text)


def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="kvm_slice.py",
        description="Copy named KVM definitions verbatim out of a kernel "
                    "tree into one C file, with #line directives.")
    ap.add_argument("--tree", required=True, help="kernel source tree")
    ap.add_argument("--spec", required=True, help="symbol spec file")
    ap.add_argument("--out-c", required=True, help="generated .c file")
    ap.add_argument("--out-h", required=True, help="generated .h file")
    ap.add_argument("--report", help="JSON report to write")
    ap.add_argument("--search-dir", default="arch/x86/kvm",
                    help="directory under the tree to index "
                         "(default: %(default)s)")
    ap.add_argument("--cache", metavar="DIR",
                    help="keep each file's scan under DIR/scans, by the "
                         "file's content, for the next run (off by "
                         "default; scans are always shared within a run)")
    ap.add_argument("--prelude", default="slice_prelude.h",
                    help="header included first (default: %(default)s)")
    ap.add_argument("--check-glue", metavar="GLUE_C",
                    help="compile the slice (syntax only) through this "
                         "glue source before writing it: what the stubs "
                         "lack is taken from the tree's headers, and a "
                         "definition that still does not build is left "
                         "out and reported (UNBUILT)")
    ap.add_argument("--headers-from", metavar="DIR",
                    help="--check-glue: a header not in --tree is read "
                         "from this tree (--tree is a patched copy of "
                         "part of it)")
    ap.add_argument("--check-cc", nargs=argparse.REMAINDER, default=[],
                    metavar="CC ARG",
                    help="the compiler and its flags for --check-glue "
                         "(the rest of the command line)")
    return ap.parse_args(argv)


def run(args: argparse.Namespace) -> None:
    """Do the work for parsed *args*; raises SliceError on failure."""
    tree = os.path.abspath(args.tree)
    if not os.path.isdir(tree):
        raise SliceError(EXIT_USAGE, f"{PROG}: {args.tree}: "
                         "kernel tree not found (not a directory)")
    search_dir = os.path.normpath(args.search_dir)
    if not os.path.isdir(os.path.join(tree, search_dir)):
        raise SliceError(EXIT_USAGE, f"{PROG}: {tree}: search directory "
                         f"{args.search_dir} not found")
    entries = parse_spec(args.spec)
    index = TreeIndex(tree, search_dir, ScanCache(args.cache))
    results = slice_tree(tree, search_dir, entries, index)
    provided = parse_provided(args.spec)
    if provided:
        results += follow(tree, search_dir, results,
                          provided_names(provided), index)
    pulled: list[Pulled] = []
    failed = ""
    if args.check_glue:
        if not args.check_cc:
            raise SliceError(EXIT_USAGE, f"{PROG}: --check-glue needs "
                             "--check-cc CC [ARG...]")

        def render(res: list[Result],
                   pul: list[Pulled]) -> tuple[str, str]:
            return (render_c(tree, args.prelude, res, pul),
                    render_h(tree, args.out_h, res))
        pulled, failed = check_build(
            tree, results, render,
            Compiler(args.check_cc, os.path.abspath(args.check_glue)),
            log=lambda s: print(f"build: {s}"),
            fallback=args.headers_from and os.path.abspath(args.headers_from))
    for note in index.cache.notes:
        print(f"{PROG}: {note}", file=sys.stderr)
    write_file(args.out_c, render_c(tree, args.prelude, results, pulled))
    write_file(args.out_h, render_h(tree, args.out_h, results))
    if args.report:
        write_file(args.report, render_report(tree, results, pulled))
    for r in results:
        print(summary_line(r))
    if failed:
        # left for the real compile to report in full
        print("build: the slice still does not compile; the compiler "
              "will say why")


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    try:
        run(args)
    except SliceError as e:
        for line in e.lines:
            print(line, file=sys.stderr)
        return e.code
    except OSError as e:
        print(f"{PROG}: {e.filename}: {e.strerror}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK
