#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ctest kunit/uml (tier long): the scenarios as KUnit tests, run by the
tree's own kunit.py on UML (kunit/run-kunit.sh), and the tree left as it
was.  SKIP (77) with the reason without a full tree or KUnit's build
tools.

Usage: check_kunit.py BUILD_DIR"""

import os
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "scripts"))
from kvm_validate.paths import full_tree  # noqa: E402


def newer_than(tree, t):
    """A file of tree modified after t, or None."""
    for d, dirs, files in os.walk(tree):
        for f in files + dirs:
            p = os.path.join(d, f)
            try:
                if os.lstat(p).st_mtime > t:
                    return p
            except OSError:
                pass
    return None


def main(build):
    tree = full_tree()
    if not tree or not os.path.isfile(os.path.join(
            tree, "tools/testing/kunit/kunit.py")):
        print("SKIP: no full kernel tree (./kvm-x86-sim setup --kunit "
              "fetches it)")
        return 77
    t0 = time.time() - 1
    r = subprocess.run(["bash", os.path.join(TOP, "kunit/run-kunit.sh"),
                        "--kernel", tree, "--build-dir",
                        os.path.join(build, "kunit-" +
                                     os.path.basename(tree))],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    print(r.stdout[-6000:])
    if r.returncode == 2 and "setup --kunit" in r.stdout:
        print("SKIP: " + r.stdout.strip().splitlines()[-1])
        return 77
    if r.returncode:
        print(f"FAIL: kunit/run-kunit.sh exit {r.returncode}")
        return 1
    changed = newer_than(tree, t0)
    if changed:
        print(f"FAIL: kunit/run-kunit.sh changed the kernel tree: {changed}")
        return 1
    print("PASS: every KUnit case passed; the tree is as it was")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
