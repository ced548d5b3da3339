#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The C code's layers may only call downwards (docs/architecture.md):

    runner -> scenarios -> oracle -> machine
                        -> shim (glue + slice) -> machine

From the symbols each built object defines and uses (nm), draw the call
graph between the layers and fail on any edge that is not allowed, which
includes every cycle.  Usage: check_layers.py BUILD_DIR"""

import collections
import glob
import os
import subprocess
import sys

ALLOWED = {
    ("oracle", "machine"), ("shim", "machine"), ("scenarios", "machine"),
    ("scenarios", "oracle"), ("scenarios", "shim"), ("runner", "machine"),
    ("runner", "oracle"), ("runner", "scenarios"), ("runner", "shim"),
}


def layer(obj):
    for part, name in (("/oracle/", "oracle"), ("/scenarios/", "scenarios"),
                       ("/runner/", "runner"),
                       ("/kvm_x86_sim/", "machine")):
        if part in obj:
            return name
    return "shim" if "glue" in os.path.basename(obj) else None


def main(build):
    objs = [o for o in glob.glob(os.path.join(build, "CMakeFiles", "**",
                                              "*.o"), recursive=True)
            if layer(o)]
    if not objs:
        print(f"no objects under {build}/CMakeFiles: build first")
        return 2
    defs, uses = {}, collections.defaultdict(set)
    for o in objs:
        out = subprocess.run(["nm", o], capture_output=True,
                             text=True).stdout
        for ln in out.splitlines():
            f = ln.split()
            if len(f) == 3 and f[1] in "TDBRC":
                defs[f[2]] = layer(o)
            elif len(f) == 2 and f[0] == "U":
                uses[layer(o)].add(f[1])
    edges = collections.defaultdict(set)
    for src, syms in uses.items():
        for s in syms:
            dst = defs.get(s)
            if dst and dst != src:
                edges[(src, dst)].add(s)
    bad = 0
    for (src, dst), syms in sorted(edges.items()):
        ok = (src, dst) in ALLOWED
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} {src:9} -> {dst:9} "
              f"{', '.join(sorted(syms)[:5])}{' ...' if len(syms) > 5 else ''}")
    print(f"{len(objs)} objects, {len(edges)} edges, {bad} not allowed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build"))
