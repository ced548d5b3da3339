#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Parity with KVM's own selftest, read at run time.

The tree under test's tools/testing/selftests/kvm/x86/msrs_test.c lists,
in its msrs[] table, what it checks for each MSR.  The harness mirrors the
rows for the CET MSRs and KVM_REG_GUEST_SSP in scenarios/selftest.c (the
scenarios selftest_msrs and selftest_one_reg, its two passes, assert them
exactly on the simulated machine).
This check reads the selftest, finds those rows, and prints for each the
line it is mirrored from; a row the harness does not mirror fails the
check, and the scenario must pass on both vendors.  No selftest text is
kept here: the rows are matched by the selftest macro, the register and
the first token of the value.

Usage: check_parity.py BUILD_DIR [TREE]   (TREE: a full kernel tree; by
default the one scripts/fetch-kernel-trees.sh --full 7 cached; SKIP, 77,
without one)."""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))
from kvm_validate.paths import full_tree  # noqa: E402

SELFTEST = "tools/testing/selftests/kvm/x86/msrs_test.c"
ROW = re.compile(r"^[ \t]*(MSR_TEST2|MSR_TEST_CANONICAL|MSR_TEST_KVM|MSR_TEST)"
                 r"\(\s*(MSR_IA32_(?:U_CET|S_CET|PL[0-3]_SSP|INT_SSP_TAB)|"
                 r"GUEST_SSP)\s*,\s*([A-Za-z_0-9]+)", re.M)


def selftest_rows(tree):
    """{(macro, register, token): line} of the selftest's CET rows."""
    with open(os.path.join(tree, SELFTEST), encoding="utf-8",
              errors="replace") as f:
        text = f.read()
    return {(m.group(1), m.group(2), m.group(3)):
            text.count("\n", 0, m.start()) + 1 for m in ROW.finditer(text)}


def main(argv):
    build = argv[0]
    tree = argv[1] if len(argv) > 1 else full_tree()
    if not tree or not os.path.exists(os.path.join(tree, SELFTEST)):
        print(f"SKIP: no {SELFTEST} (a full tree is needed: "
              "scripts/fetch-kernel-trees.sh --full 7)")
        return 77
    exe = os.path.join(build, "kvm_x86_sim_tests_linux-7")
    out = subprocess.run([exe, "--selftest-rows"], capture_output=True,
                         text=True)
    if out.returncode:
        print(f"FAIL: {exe} --selftest-rows: exit {out.returncode}")
        return 1
    ours = {tuple(ln.split()) for ln in out.stdout.splitlines() if ln}
    theirs = selftest_rows(tree)
    bad = 0
    for key, line in sorted(theirs.items(), key=lambda kv: kv[1]):
        if key in ours:
            print(f"mirrors {SELFTEST}:{line}: {key[0]}({key[1]}, {key[2]})")
        else:
            bad += 1
            print(f"FAIL: {SELFTEST}:{line}: {key[0]}({key[1]}, {key[2]}) "
                  "is not mirrored by scenarios/selftest.c")
    for key in sorted(ours - set(theirs)):
        print(f"note: {key[0]}({key[1]}, {key[2]}) is not in this tree's "
              "selftest (an older or newer tree)")
    if not theirs:
        print(f"FAIL: no CET rows found in {SELFTEST}")
        bad += 1
    # the selftest's two passes: KVM_SET_MSRS, then ONE_REG
    for scn in ("selftest_msrs", "selftest_one_reg"):
        run = subprocess.run([exe, "--scenario", scn],
                             capture_output=True, text=True)
        print(f"scenario {scn}: exit {run.returncode}")
        if run.returncode:
            print(run.stdout[-4000:])
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
