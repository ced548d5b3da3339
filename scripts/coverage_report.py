#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Line coverage of the tree's sliced code, per function.

  coverage_report.py SLICE_JSON GCOVR_JSON [--lines]

SLICE_JSON is the slicer's report (build/slice/<tree>/slice.json: each
definition's file and line span in the tree); GCOVR_JSON is gcovr's JSON
of a run of the instrumented test binary (scripts/coverage.sh), whose line
numbers are the tree's own through the slice's #line directives.  Prints,
for each sliced function, the executable lines the run executed; with
--lines, each line it did not execute, with its text.
"""

import json
import os
import sys


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    with open(argv[0]) as f:
        sl = json.load(f)
    with open(argv[1]) as f:
        cov = json.load(f)
    tree = sl["tree"]
    lines = {}          # (file, line) -> count, executable lines only
    for fc in cov["files"]:
        rel = os.path.relpath(fc["file"], tree)
        for ln in fc["lines"]:
            if not ln.get("gcovr/noncode") and not ln.get("gcovr/excluded"):
                key = (rel, ln["line_number"])
                lines[key] = lines.get(key, 0) + ln["count"]
    total = run = 0
    print(f"{'function':34} {'where':32} {'lines run':>10}")
    for s in sl["symbols"]:
        if s.get("kind") != "fn" or not s.get("found"):
            continue
        mine = [(k, c) for k, c in lines.items()
                if k[0] == s["file"] and s["line"] <= k[1] <= s["end_line"]]
        if not mine:
            continue
        ran = sum(1 for _, c in mine if c)
        total += len(mine)
        run += ran
        print(f"{s['name']:34} {s['file'] + ':' + str(s['line']):32} "
              f"{ran:>4}/{len(mine):<4} {100 * ran // len(mine):3}%")
        if "--lines" in argv:
            path = os.path.join(tree, s["file"])
            with open(path, errors="replace") as f:
                text = f.read().splitlines()
            for (rel, n), c in sorted(mine):
                if not c:
                    print(f"    not run {rel}:{n}: {text[n - 1].strip()}")
    if total:
        print(f"{'all sliced functions':67} {run:>4}/{total:<4} "
              f"{100 * run // total:3}%")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
