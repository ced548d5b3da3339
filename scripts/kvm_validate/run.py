# SPDX-License-Identifier: GPL-2.0
"""Running a test binary and reading its --verdicts output.

If the binary crashes or hangs, it is rerun scenario by scenario: the
crash is a FAIL (row NO CRASH) of the scenario that crashed, with gdb's
backtrace when gdb is installed, and the other scenarios keep their
verdicts.
"""

import os
import re
import shutil
import signal
import subprocess

from .errors import BadInput

RUN_TIMEOUT = 60
CRASH_ROW = "NO CRASH"


class Case:
    def __init__(self, name, result, got, expect, reason, report):
        self.name = name
        self.result = result
        self.got = got
        self.expect = expect
        self.reason = reason
        self.report = report
        parts = name.split("/")
        self.scenario = parts[0]
        self.vendor = parts[1] if len(parts) > 1 else "?"
        self.cpuid = parts[2] if len(parts) > 2 else "?"


def parse_verdicts(out):
    invs, cases, report = [], [], []
    for ln in out.splitlines():
        if ln.startswith("  "):
            report.append(ln[2:])
        elif ln.startswith("invariant\t"):
            f = ln.split("\t")
            invs.append(f[2])
        elif ln.startswith("case\t"):
            f = ln.split("\t")
            f += [""] * (6 - len(f))
            cases.append(Case(f[1], f[2], int(f[3], 16), int(f[4], 16),
                              f[5], report))
            report = []
    return invs, cases, report


def signame(rc):
    try:
        return signal.Signals(-rc).name
    except (ValueError, AttributeError):
        return f"signal {-rc}"


def run_binary(exe):
    """Every case of every scenario.  If the binary crashes (a NULL
    dereference in the code under test is a finding), rerun scenario by
    scenario: a crash is a FAIL of the scenario that crashed, the others
    still get their verdicts."""
    def run(args):
        try:
            r = subprocess.run([exe] + args, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               errors="replace", timeout=RUN_TIMEOUT)
            return r.returncode, r.stdout, r.stderr
        except subprocess.TimeoutExpired as e:
            out = e.stdout or ""
            if isinstance(out, bytes):
                out = out.decode(errors="replace")
            return "timeout", out, ""

    rc, out, err = run(["--verdicts"])
    if rc in (0, 1):
        invs, cases, _ = parse_verdicts(out)
        if invs:
            return invs, cases
    rc0, lst, _ = run(["--list"])
    scenarios = [ln.split("\t")[0] for ln in lst.splitlines() if ln.strip()]
    if rc0 != 0 or not scenarios:
        raise BadInput(f"the test binary does not start ({exe}: "
                       f"{rc0 if rc0 != 'timeout' else 'timeout'})", err)
    invs, cases = [], []
    for s in scenarios:
        rc, out, err = run(["--scenario", s, "--verdicts"])
        i, cs, tail = parse_verdicts(out)
        invs = invs or i
        cases += cs
        if rc in (0, 1, 77):
            continue
        why = (f"crashed ({signame(rc)})" if isinstance(rc, int) and rc < 0
               else f"hung (killed after {RUN_TIMEOUT} s)"
               if rc == "timeout" else f"exited {rc}")
        last = f" after case {cs[-1].name}" if cs else " in its first case"
        rep = tail + [f"FAIL {CRASH_ROW}: scenario {s} {why}{last}"]
        rep += ["  stderr: " + e for e in err.splitlines()[-5:]]
        if isinstance(rc, int) and rc < 0:
            rep += ["  " + f for f in crash_frames(exe, s)]
        cases.append(Case(f"{s}/(crash)", "FAIL", 0, 0, why, rep))
    return invs, cases


def crash_frames(exe, scenario, limit=6):
    """Where it crashed, from gdb's backtrace when gdb is installed."""
    gdb = shutil.which("gdb")
    if not gdb:
        return []
    try:
        r = subprocess.run([gdb, "-q", "-batch", "-nx", "-ex", "run",
                            "-ex", "bt", "--args", exe, "--scenario",
                            scenario, "--verdicts"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, errors="replace", timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return []
    frames = []
    for ln in r.stdout.splitlines():
        m = re.match(r"^#(\d+)\s+(?:0x\S+ in )?(\S+) \(.*\) at (\S+):(\d+)",
                     ln)
        if m:
            path = m.group(3)
            k = path.find("arch/x86/")
            path = path[k:] if k >= 0 else os.path.basename(path)
            frames.append(f"#{m.group(1):<3} {m.group(2):<32} "
                          f"{path}:{m.group(4)}")
    return frames[:limit]
