# SPDX-License-Identifier: GPL-2.0
"""Running a test binary and reading its KTAP.

The binary (runner: --ktap) prints one KTAP subtest per case and, only
when every case ran to its end, an end marker and the suite's result.  A
case that crashes, hangs past the case timeout, runs out of memory or exits
is reported by the runner itself as "not ok ... # CRASH|HANG|OOM|EXIT" with
its last events; a case that vanished without a word is INCOMPLETE.  Each
is a finding on the patch, never a pass.  After a crash the run resumes
with the next case (--from), so the other cases keep their verdicts; after
a hang the step stops there: a hang costs the case timeout once.
"""

import os
import re
import select
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from .errors import HarnessError
from .scratch import run_child, start, unregister_child

CASE_TIMEOUT = 5            # CPU seconds per case (--case-timeout)
# The runner's limits are CPU time, with the wall clock as a backstop this
# many times as long for code that blocks (runner/limits.h); the
# watchdog here waits longer still, for a binary whose own limits failed.
WALL_FACTOR = 10
# Cases in a row that crash or exit (each restarts the binary) before the
# run stops: the step fails either way, and a patch that breaks every case
# gets its verdict without 600 restarts.
DIED_IN_A_ROW = 20
MEMORY_LIMIT = 1024         # MiB of address space per test process
# What a case that did not end normally is, and the row that reports it.
RUN_ROWS = {"CRASH": "NO CRASH", "OOM": "NO OOM", "HANG": "NO HANG",
            "EXIT": "COMPLETE", "INCOMPLETE": "COMPLETE",
            # a case the base ran that the patch made SKIP (cli.py)
            "SKIPPED": "RUNS AS AT BASE"}
CRASH_ROW = RUN_ROWS["CRASH"]


@dataclass
class Case:
    """One scenario x vendor x guest CPUID case, as the runner reported
    it.  kind is "" for a case that ran to its end, else a RUN_ROWS key."""
    number: int
    name: str
    result: str                 # PASS, FAIL or SKIP
    got: int = 0
    expect: int = 0
    reason: str = ""
    report: List[str] = field(default_factory=list)
    kind: str = ""

    @property
    def scenario(self) -> str:
        return self.name.split("/")[0]

    @property
    def vendor(self) -> str:
        parts = self.name.split("/")
        return parts[1] if len(parts) > 1 else "?"

    @property
    def cpuid(self) -> str:
        parts = self.name.split("/")
        return parts[2] if len(parts) > 2 else "?"


@dataclass
class Scenario:
    expect: int = 0             # violations it must report
    proves: int = 0             # the invariant it shows can fail


@dataclass
class Ktap:
    """What one run of the binary printed."""
    invariants: List[str] = field(default_factory=list)
    scenarios: Dict[str, Scenario] = field(default_factory=dict)
    plan: Optional[int] = None
    cases: List[Case] = field(default_factory=list)
    finished: bool = False
    tail: List[str] = field(default_factory=list)   # diagnostics after
                                                    # the last case


@dataclass
class RunResult:
    invariants: List[str]
    scenarios: Dict[str, Scenario]
    cases: List[Case]
    planned: int
    stopped: str = ""           # why cases were not run, if any


RESULT_RE = re.compile(r"^    (ok|not ok) (\d+) (\S+)(?: # (\S+)(?: (.*))?)?$")
DIAG = "    # "
OWN = "kvm_x86_sim: "


def parse_ktap(text: str) -> Ktap:
    """Read the runner's KTAP (runner/ktap.c).  Never raises: what
    cannot be read simply is not there, and the caller judges."""
    k = Ktap()
    diags: List[str] = []
    verdict: Tuple[int, int] = (0, 0)
    for ln in text.splitlines():
        if ln.startswith(DIAG):
            d = ln[len(DIAG):]
            if d.startswith(OWN):
                own = d[len(OWN):]
                m = re.match(r"invariant (\d+) (.+)$", own)
                if m:
                    k.invariants.append(m.group(2))
                    continue
                m = re.match(r"scenario (\S+) expect=(\S+) proves=(\S+)$",
                             own)
                if m:
                    k.scenarios[m.group(1)] = Scenario(
                        int(m.group(2), 0), int(m.group(3), 0))
                    continue
                m = re.match(r"verdict got=(\S+) expect=(\S+)$", own)
                if m:
                    verdict = (int(m.group(1), 0), int(m.group(2), 0))
                    continue
                if own == "end of run":
                    continue
            diags.append(d)
            continue
        m = re.match(r"^    1\.\.(\d+)$", ln)
        if m:
            k.plan = int(m.group(1))
            diags = []          # the suite's header, not a case's report
            continue
        m = RESULT_RE.match(ln)
        if m:
            ok, num, name, directive, why = m.groups()
            c = Case(int(num), name, "PASS" if ok == "ok" else "FAIL",
                     verdict[0], verdict[1], why or "", diags)
            if directive == "SKIP":
                c.result = "SKIP"
            elif directive in RUN_ROWS:
                c.result = "FAIL"
                c.kind = directive
                c.reason = directive
            k.cases.append(c)
            diags, verdict = [], (0, 0)
            continue
        if re.match(r"^(ok|not ok) 1 kvm_x86_sim$", ln):
            k.finished = True
    k.tail = diags
    return k


@dataclass
class Exec:
    rc: Optional[int]           # None: killed by the watchdog
    out: str
    err: str


def execute(argv: List[str], quiet_for: float, memory_mib: int,
            env: Optional[Dict[str, str]] = None) -> Exec:
    """Run argv in its own process group; kill it when it prints nothing
    for quiet_for seconds (the runner's own alarm should come first)."""
    p = start(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.stdout is not None and p.stderr is not None
    chunks: Dict[int, List[bytes]] = {p.stdout.fileno(): [],
                                      p.stderr.fileno(): []}
    open_fds = list(chunks)
    last = time.monotonic()
    killed = False
    ended: Optional[float] = None
    try:
        while open_fds:
            r, _, _ = select.select(open_fds, [], [], 0.2)
            for fd in r:
                b = os.read(fd, 65536)
                if b:
                    chunks[fd].append(b)
                    last = time.monotonic()
                else:
                    open_fds.remove(fd)
            if ended is None and p.poll() is not None:
                ended = time.monotonic()
            if open_fds and ended is not None and \
                    time.monotonic() - ended > 0.5:
                # the binary is gone; a child it forked holds the pipes
                _kill_group(p.pid)
            elif open_fds and time.monotonic() - last > quiet_for:
                killed = True
                _kill_group(p.pid)
                break
        rc = p.wait()
    finally:
        unregister_child(p.pid)
        if p.poll() is None:
            _kill_group(p.pid)
            p.wait()
        _kill_group(p.pid)      # whatever the code under test forked
    out = b"".join(chunks[p.stdout.fileno()]).decode(errors="replace")
    err = b"".join(chunks[p.stderr.fileno()]).decode(errors="replace")
    return Exec(None if killed else rc, out, err)


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass                    # nobody left in it


def signame(rc: int) -> str:
    try:
        return signal.Signals(-rc).name
    except ValueError:
        return f"signal {-rc}"


def run_binary(exe: str, case_timeout: int = CASE_TIMEOUT,
               memory_mib: int = MEMORY_LIMIT,
               extra: Optional[List[str]] = None,
               env: Optional[Dict[str, str]] = None,
               budget: int = 0) -> RunResult:
    """Every case, each to its end, or a finding saying why not.  extra:
    more arguments for the binary (the exploration's, which may stay
    silent for its budget, seconds, on top of a case's timeout); env: its
    environment (patchcov.gcov_env)."""
    cases: List[Case] = []
    invariants: List[str] = []
    scenarios: Dict[str, Scenario] = {}
    plan: Optional[int] = None
    start, gdb_done, stopped, streak = 1, False, "", 0
    quiet_for = WALL_FACTOR * (case_timeout + budget) + 5
    while True:
        # every event of a finding's trace: the report picks (verdicts.py)
        argv = [exe, "--ktap", "--from", str(start), "--case-timeout",
                str(case_timeout), "--memory-limit", str(memory_mib),
                "--trace-window", "0"] + \
            (extra or [])
        try:
            ex = execute(argv, quiet_for, memory_mib, env)
        except OSError as e:
            raise HarnessError(f"cannot run the test binary {exe}: "
                               f"{e.strerror}")
        k = parse_ktap(ex.out)
        if k.plan is None or not k.invariants:
            why = (f"killed by {signame(ex.rc)}" if ex.rc is not None and
                   ex.rc < 0 else f"exit {ex.rc}")
            if start == 1:
                raise HarnessError(f"the test binary printed no KTAP plan "
                                   f"({why})", *ex.err.splitlines()[-5:])
            stopped = f"the test binary stopped before case {start} ({why})"
            break
        invariants, scenarios, plan = k.invariants, k.scenarios, k.plan
        # only this run's cases: an earlier run's last case is not news
        new = [c for c in k.cases if c.number >= start]
        cases += new
        if k.finished:
            break
        last = new[-1].number if new else start - 1
        died = new[-1] if new and new[-1].kind else None
        if died is None:
            # the case after the last result vanished without a word
            why = (f"hung (no output for {quiet_for} s; killed)"
                   if ex.rc is None
                   else
                   f"killed by {signame(ex.rc)}" if ex.rc < 0 else
                   f"the process exited ({ex.rc})")
            if last >= plan:
                stopped = f"the run did not end after its last case ({why})"
                break
            died = Case(last + 1, f"case {last + 1} of {plan}", "FAIL",
                        reason=why, report=k.tail,
                        kind="HANG" if ex.rc is None else
                        "CRASH" if ex.rc < 0 else "INCOMPLETE")
            cases.append(died)
        died.report += [f"  stderr: {e}" for e in ex.err.splitlines()[-5:]]
        if died.kind == "CRASH" and not gdb_done:
            gdb_done = True
            died.report += ["  " + f for f in crash_frames(exe, died.number,
                                                           env)]
        if died.kind == "HANG":
            stopped = (f"stopped after case {died.number} hung: the "
                       "remaining cases were not run")
            break
        streak = streak + 1 if died.number == start else 1
        if streak >= DIED_IN_A_ROW and died.number < plan:
            stopped = (f"stopped after {streak} cases in a row did not reach "
                       f"their end (the last: {died.kind}): the remaining "
                       f"{plan - died.number} cases were not run")
            break
        start = died.number + 1
        if start > plan:
            break
    return RunResult(invariants, scenarios, cases, plan or 0, stopped)


def crash_frames(exe: str, number: int,
                 env: Optional[Dict[str, str]] = None,
                 limit: int = 6) -> List[str]:
    """Where it crashed, from gdb's backtrace when gdb is installed."""
    gdb = shutil.which("gdb")
    if not gdb:
        return []
    try:
        r = run_child(["timeout", "60", gdb, "-q", "-batch", "-nx", "-ex",
                       "run", "-ex", "bt", "--args", exe, "--ktap",
                       "--from", str(number), "--case-timeout", "5"],
                      env=env)
    except OSError:
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
