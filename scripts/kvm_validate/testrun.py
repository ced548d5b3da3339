# SPDX-License-Identifier: GPL-2.0
"""`kvm-x86-sim test`: the project's own tests, one tier at a time.

  kvm-x86-sim test [--tier quick|long|all|LABEL] [-j N] [-- CTEST_ARGS...]

Runs ctest on the build with the tier's label (CMakeLists.txt "Tiers":
quick is the README's test command, long is what CI adds), then says why
each skipped test skipped, grouped, since ctest's own summary only names
them.  Exit: ctest's (0 every selected test passed or skipped), 2 usage.
"""

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from typing import Dict, List, Optional

from .paths import TOP

# the reason a skipped test printed: "SKIP NAME: why", "SKIP: why"
REASON = re.compile(r"^\s*SKIP(?:PED)?\b[^:\n]*:\s*(.+)$", re.M)


def reason_of(out: str) -> Optional[str]:
    found = REASON.findall(out)
    return found[-1].strip() if found else None


def skips(junit: str) -> Dict[str, List[str]]:
    """{reason: [test, ...]} of the tests the run skipped."""
    why: Dict[str, List[str]] = collections.defaultdict(list)
    try:
        root = ET.parse(junit).getroot()
    except (OSError, ET.ParseError):
        return why              # ctest stopped before writing it
    for tc in root.iter("testcase"):
        if tc.find("skipped") is None:
            continue
        out = tc.findtext("system-out") or ""
        why[reason_of(out) or "(it printed no reason: a bug of the "
            "test)"].append(tc.get("name", "?"))
    return why


def group(names: List[str]) -> str:
    """linux-6.12/a, linux-6.12/b, fuzz/smoke -> "linux-6.12 (2 tests),
    fuzz/smoke": a tree's scenarios counted, other tests named."""
    by_top: Dict[str, List[str]] = collections.defaultdict(list)
    for n in names:
        by_top[n.split("/")[0]].append(n)
    parts = []
    for top, ns in by_top.items():
        parts.append(f"{top} ({len(ns)} tests)" if len(ns) > 3
                     else ", ".join(ns))
    return ", ".join(parts)


def main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(
        prog="kvm-x86-sim test", description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.environ.get(
        "KVM_X86_SIM_BUILD", os.path.join(TOP, "build")),
        help="the build directory (default: ./build)")
    ap.add_argument("--tier", default="quick", metavar="TIER",
                    help="quick (default: about 2 minutes on 2 cores), "
                    "long (what CI adds: about 22 minutes), all, or any "
                    "ctest label (hostile, mutate, matrix, ...)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                    help="tests run at once (default: the CPUs)")
    ap.add_argument("ctest_args", nargs="*", metavar="-- CTEST_ARGS",
                    help="more arguments for ctest")
    a = ap.parse_args(argv)
    if not os.path.isfile(os.path.join(a.build, "CTestTestfile.cmake")):
        print(f"kvm-x86-sim test: no build in {a.build} (run "
              f"./kvm-x86-sim setup first)", file=sys.stderr)
        return 2
    ctest = shutil.which("ctest")
    if not ctest:
        print("kvm-x86-sim test: ctest is not installed (apt-get install "
              "cmake)", file=sys.stderr)
        return 2
    junit = os.path.join(a.build, "Testing", "kvm-x86-sim-test.xml")
    cmd = [ctest, "--test-dir", a.build, "-j", str(max(1, a.jobs)),
           "--output-on-failure", "--output-junit", junit]
    if a.tier != "all":
        cmd += ["-L", f"^{re.escape(a.tier)}$"]
    print("running: " + " ".join(cmd + a.ctest_args), flush=True)
    if os.path.exists(junit):
        os.unlink(junit)        # never a previous run's skips
    rc = subprocess.call(cmd + a.ctest_args)
    why = skips(junit)
    if why:
        n = sum(len(v) for v in why.values())
        print(f"\n{n} tests skipped, each for a reason this machine or "
              f"build has (README's quick start says which are normal):")
        for reason, names in sorted(why.items(), key=lambda kv: -len(kv[1])):
            print(f"  {reason}\n    {group(names)}")
    return rc
