#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ctest checks of the exploration (the runner's --explore and --replay).

  check_explore.py smoke EXE
      a short exploration of the tree finds nothing
  check_explore.py finds EXE FAULT INVARIANT[,ALSO...] [--fixed-miss]
          [--pairs-only]
      with the simulated FPU core broken by FAULT, the exploration finds
      INVARIANT (and nothing but it and the ALSO ones the damage cascades
      into); --fixed-miss: the scenarios as written do not;
      --pairs-only: single injections do not either
  check_explore.py programs EXE FAULT INVARIANT[,ALSO...] INCLUDE_DIR...
      generated programs find what the scenarios' single injections miss;
      the finding replays by seed and number and its shrunk scenario
      compiles against the scenario API (INCLUDE_DIRs)
  check_explore.py replay EXE FAULT INVARIANT
      the replay line the exploration prints re-runs the schedule and
      shows INVARIANT again, with the trace
Exit 0 pass, 1 fail, 77 skip (the tree lacks the code: every case SKIPs).
"""

import os
import re
import subprocess
import sys
import tempfile


def run(*argv):
    r = subprocess.run(list(argv), capture_output=True, text=True,
                       timeout=600)
    return r.returncode, r.stdout + r.stderr


def fail(why, out=""):
    print(out[-3000:])
    print(f"FAIL: {why}")
    return 1


def smoke(exe):
    rc, out = run(exe, "--explore", "--window", "2")
    print(out)
    if " 0 cases," in out:
        print("SKIP: the tree's code has none of what the scenarios "
              "explore (0 cases)")
        return 77
    if rc != 0 or "0 violating schedules" not in out:
        return fail(f"the exploration of the tree found something (exit {rc})")
    return 0


def finds(exe, fault, invs, flags):
    """invs: the invariant to find, then those its damage may break too
    (comma-separated)."""
    inv = invs.split(",")[0]
    expect = [a for i in invs.split(",") for a in ("--expect", i)]
    rc, out = run(exe, "--explore", "--faults", fault, *expect)
    print(out[-1500:])
    if " 0 cases," in out:
        print("SKIP: the tree's code has none of what the scenarios "
              "explore (0 cases)")
        return 77
    if rc != 0:
        return fail(f"the exploration did not find {inv} with {fault}")
    if "--fixed-miss" in flags:
        rc, out = run(exe, "--summary", "--faults", fault)
        if rc != 0:
            return fail(f"the scenarios as written already find {fault}: "
                        "it does not show what exploring adds", out)
        print(f"the scenarios as written miss {fault}: {out.splitlines()[-1]}")
    if "--pairs-only" in flags:
        rc, out = run(exe, "--explore", "--window", "0", "--faults", fault)
        if rc != 0:
            return fail(f"single injections already find {fault}", out)
        print(f"single injections miss {fault}; pairs find it")
    return 0


def replay(exe, fault, inv):
    rc, out = run(exe, "--explore", "--faults", fault)
    m = re.search(r"replay: \S+ explore --replay '([^']+)'", out)
    if not m:
        return fail("no replay line in the exploration's report", out)
    rc, rout = run(exe, "--replay", m.group(1), "--faults", fault)
    print(rout[-2500:])
    if rc != 1 or f"[{inv}]" not in rout or "arch/x86/kvm/" not in rout:
        return fail(f"replaying {m.group(1)} did not show {inv} with the "
                    f"trace (exit {rc})")
    return 0


def programs(exe, fault, invs, include):
    """Generated programs find FAULT where the scenarios' single
    injections do not; the first finding replays by seed and program
    number, and its shrunk scenario compiles against the scenario API."""
    inv = invs.split(",")[0]
    expect = [a for i in invs.split(",") for a in ("--expect", i)]
    base = [exe, "--explore", "--window", "0", "--faults", fault]
    rc, out = run(*base, "--scenario", "plain_msrs")
    if rc != 0:
        return fail(f"plain_msrs' single injections already find {fault}",
                    out)
    rc, out = run(*base, "--scenario", "plain_msrs", "--programs", "20000",
                  *expect)
    print(out[-2500:])
    if rc != 0:
        return fail(f"20000 generated programs per vendor did not find "
                    f"{inv} with {fault}")
    m = re.search(r"replay: \S+ explore --seed (\d+) --program (\d+) "
                  r"--vendor (\w+)", out)
    if not m:
        return fail("no replay line for the program", out)
    rc, rout = run(exe, "--seed", m.group(1), "--program", m.group(2),
                   "--vendor", m.group(3), "--faults", fault)
    if rc != 1 or f"[{inv}]" not in rout:
        return fail(f"replaying program {m.group(2)} did not show {inv}",
                    rout)
    body = re.search(r"^void scn_found_\S+\(.*?^}$", rout, re.M | re.S)
    if not body:
        return fail("no scenario printed for the shrunk program", rout)
    src = ('#include "scenario.h"\n#include "values.h"\n'
           + body.group(0).replace("void scn_found", "void scn_found_x", 1)
           .replace("(struct sim_vcpu *v0", "(struct sim_vcpu *v0", 1)
           + "\n")
    with tempfile.NamedTemporaryFile("w", suffix=".c", delete=False) as f:
        f.write(src)
    try:
        cc = subprocess.run(["cc", "-std=gnu11", "-fsyntax-only", "-Wall",
                             "-Wno-unused-parameter", "-Wno-missing-prototypes",
                             "-Werror"] +
                            [f"-I{d}" for d in include] + [f.name],
                            capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    if cc.returncode:
        return fail("the printed scenario does not compile", src + cc.stderr)
    print(f"program {m.group(2)} ({m.group(3)}) replays and its shrunk "
          "scenario compiles:\n" + body.group(0))
    return 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "smoke":
        return smoke(argv[1])
    if len(argv) >= 4 and argv[0] == "finds":
        return finds(argv[1], argv[2], argv[3], argv[4:])
    if len(argv) >= 4 and argv[0] == "programs":
        return programs(argv[1], argv[2], argv[3], argv[4:])
    if len(argv) == 4 and argv[0] == "replay":
        return replay(argv[1], argv[2], argv[3])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
