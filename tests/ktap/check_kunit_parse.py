#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The C runner's KTAP is KTAP: the kernel's own kunit.py parse reads it.

Runs each tree's test binary with --ktap and feeds the output to
tools/testing/kunit/kunit.py parse of a full kernel tree (the one
`scripts/fetch-kernel-trees.sh --full 7` caches, or KVM_X86_SIM_FULL_TREE),
checking the totals it reports.  SKIP (77) when no full tree is there.

Usage: check_kunit_parse.py BUILD_DIR"""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))
from kvm_validate.paths import full_tree  # noqa: E402

# tree -> what kunit.py must count (every case passes on linux-7)
EXPECT = {
    "linux-7": r"Ran (\d+) tests: passed: \1$",
    "linux-6.12": r"Ran \d+ tests: passed: \d+, skipped: \d+$",
    "linux-6.12-seed": r"Ran \d+ tests: passed: \d+, failed: [1-9]\d*, "
                       r"skipped: \d+$",
}


def main(build):
    tree = full_tree()
    kunit = tree and os.path.join(tree, "tools/testing/kunit/kunit.py")
    if not kunit or not os.path.exists(kunit):
        print("SKIP: no full kernel tree with kunit.py cached "
              "(scripts/fetch-kernel-trees.sh --full 7)")
        return 77
    bad = 0
    for name, want in EXPECT.items():
        exe = os.path.join(build, f"kvm_x86_sim_tests_{name}")
        if not os.path.exists(exe):
            continue
        ktap = subprocess.run([exe, "--ktap"], capture_output=True,
                              text=True).stdout
        r = subprocess.run([sys.executable, kunit, "parse"], input=ktap,
                           capture_output=True, text=True)
        out = re.sub(r"\x1b\[[0-9;]*m", "", r.stdout + r.stderr)
        totals = [ln.split("] ", 1)[-1] for ln in out.splitlines()
                  if "Testing complete" in ln]
        ok = bool(totals) and re.search(want, totals[-1]) is not None and \
            "ERROR" not in out
        bad += not ok
        print(f"{'ok' if ok else 'FAIL'} {name}: "
              f"{totals[-1] if totals else 'kunit.py parse gave no totals'}")
        if not ok:
            print(out[-2000:])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
