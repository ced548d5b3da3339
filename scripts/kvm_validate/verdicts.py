# SPDX-License-Identifier: GPL-2.0
"""The verdict of each invariant for one step of the series.

A step is the tree itself or one prefix of the series; its cases' results
become one PASS / FAIL / SKIP per invariant, and a FAIL keeps the cases
that broke it with the short event trace ending at the kernel's file:line.
"""

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from .patchcov import PatchCoverage
from .patches import Patch
from .run import RUN_ROWS, Case, RunResult


@dataclass
class Step:
    """One prefix of the series (or the bare tree) and its verdicts."""
    index: int                  # 0: the tree itself
    label: str                  # "tree", "1", "1-2", ...
    patches: List[Patch]
    notes: List[str] = field(default_factory=list)
    cases: List[Case] = field(default_factory=list)
    invs: List[str] = field(default_factory=list)
    rows: List[str] = field(default_factory=list)
    cells: Dict[str, Tuple[str, str]] = field(default_factory=dict)
    failures: Dict[str, List[Case]] = field(default_factory=dict)
    seconds: float = 0.0
    run_cached: bool = False    # its run read back (runcache.py)
    # where its seconds went: slice, build, run
    timing: Dict[str, float] = field(default_factory=dict)
    cached: str = ""
    stopped: str = ""
    coverage: Optional[PatchCoverage] = None
    # relative_to_base(): the failures the base has too, by invariant
    at_base: Dict[str, List[Case]] = field(default_factory=dict)
    reference: bool = False             # the base of a series
    # the tree's lines its last patch changed, by file (patchcov.py)
    changed: Optional[Dict[str, List[int]]] = None
    # the text of its changed lines the slice holds (the report shows it)
    changed_text: Dict[str, Dict[int, str]] = field(default_factory=dict)
    # its changed lines the run does not cover (changes.py): exit 3
    # unless a violation is found
    unchecked: List[str] = field(default_factory=list)

    def evaluate(self, run: RunResult) -> None:
        """One PASS / FAIL / SKIP per invariant, plus a row for each way a
        case did not run to its end (NO CRASH, NO HANG, NO OOM, COMPLETE).
        An invariant is SKIP only when the scenario proving it can fail
        was skipped (the tree lacks the code), or when no case ran."""
        invs, cases = run.invariants, run.cases
        self.invs, self.cases, self.stopped = invs, cases, run.stopped
        rows = list(invs)
        for c in cases:
            if c.kind and RUN_ROWS[c.kind] not in rows:
                rows.append(RUN_ROWS[c.kind])
        if run.stopped and RUN_ROWS["INCOMPLETE"] not in rows:
            rows.append(RUN_ROWS["INCOMPLETE"])
        self.rows = rows
        for c in cases:
            if c.result != "FAIL":
                continue
            if c.kind:
                bits = [RUN_ROWS[c.kind]]
            else:
                diff = c.got ^ c.expect
                bits = [invs[k] for k in range(len(invs)) if diff >> k & 1]
                if not bits:
                    bits = [invs[-1]] if invs else [RUN_ROWS["INCOMPLETE"]]
            for b in bits:
                self.failures.setdefault(b, []).append(c)
        ran = [c for c in cases if c.result != "SKIP"]
        for inv in rows:
            if inv in self.failures:
                fs = self.failures[inv]
                self.cells[inv] = ("FAIL", f"{len(fs)} case(s), first "
                                   f"{fs[0].name}")
            elif inv == RUN_ROWS["INCOMPLETE"] and run.stopped:
                self.cells[inv] = ("FAIL", run.stopped)
            elif inv in RUN_ROWS.values():
                self.cells[inv] = ("PASS", "")
            elif run.stopped:
                # most cases never ran: no PASS can be claimed
                self.cells[inv] = ("SKIP", "not run: " + run.stopped)
            else:
                self.cells[inv] = self._unfailed(inv, run, ran)

    def _unfailed(self, inv: str, run: RunResult,
                  ran: List[Case]) -> Tuple[str, str]:
        bit = 1 << run.invariants.index(inv)
        own = [c for c in run.cases if
               run.scenarios.get(c.scenario, None) is not None and
               run.scenarios[c.scenario].proves & bit]
        if own and all(c.result == "SKIP" for c in own):
            return ("SKIP", own[0].reason)
        if not ran:
            return ("SKIP", run.cases[0].reason if run.cases
                    else "no case ran")
        return ("PASS", "")

    def failed(self) -> bool:
        return any(v == "FAIL" for v, _ in self.cells.values())

    def new_failures(self) -> Dict[str, List[Case]]:
        """Its failures the base does not have (all, for the base)."""
        return {inv: [c for c in cs if c not in self.at_base.get(inv, [])]
                for inv, cs in self.failures.items()
                if len(cs) > len(self.at_base.get(inv, []))}

    def counts(self) -> Dict[str, int]:
        n = {"PASS": 0, "FAIL": 0, "SKIP": 0}
        for c in self.cases:
            n[c.result] = n.get(c.result, 0) + 1
        return n


BASE = "BASE"       # the cell of a failure the base has too


def relative_to_base(steps: List[Step], strict: bool) -> None:
    """Each step's failures split into those the series' base has too
    (the same invariant broken in the same case) and new ones; a cell
    whose failures are all at the base becomes BASE, which fails nothing
    unless strict.  steps[0] is the base (index 0)."""
    if len(steps) < 2 or steps[0].index != 0:
        return
    base = steps[0]
    base.reference = True
    known = {(inv, c.name) for inv, cs in base.failures.items()
             for c in cs}
    for s in steps[1:]:
        for inv, cs in s.failures.items():
            old = [c for c in cs if (inv, c.name) in known]
            if not old:
                continue
            s.at_base[inv] = old
            if len(old) == len(cs) and not strict:
                s.cells[inv] = (BASE, f"present at the base: {len(old)} "
                                f"case(s), first {old[0].name}")


def introduced(steps: List[Step], inv: str, name: str
               ) -> Tuple[Optional[int], Optional[int]]:
    """The patch whose step first has case `name` break inv (not at the
    base), and the first later one where it no longer does."""
    first = fixed = None
    for s in steps:
        if s.reference:
            continue
        has = any(c.name == name for c in s.new_failures().get(inv, []))
        if has and first is None:
            first = s.index
        elif not has and first is not None and fixed is None:
            fixed = s.index
    return first, fixed


PATCHED_MARK = "  <- patched line"
TRACE_LOCATION = re.compile(r"(arch/x86/\S+):(\d+)(?:\s+<- patched line)?"
                            r"\s*$")


def trace_locations(lines: List[str]) -> List[Tuple[str, int]]:
    """(file, line) of each trace line that ends at the tree's code."""
    return [(m.group(1), int(m.group(2)))
            for m in map(TRACE_LOCATION.search, lines) if m]


def short_trace(case: Case, inv: str, limit: int = 8,
                patched: Optional[Dict[str, List[int]]] = None,
                full: bool = False) -> Tuple[List[str], Optional[str]]:
    """The report block of case that names inv: its FAIL line and the
    events that matter: those at a line the step's patch changed (marked)
    and the last `limit` (the trace ends at the event that broke the
    rule); full: every event.  Also the kernel lines of what it shows."""
    rep = case.report
    start = None
    for i, ln in enumerate(rep):
        if ln.startswith(f"FAIL {inv}:"):
            start = i
            break
    if start is None:
        for i, ln in enumerate(rep):
            if ln.startswith("FAIL "):
                start = i
                break
    if start is None:
        return rep[-limit:], None
    block = [rep[start]]
    j = start + 1
    while j < len(rep) and rep[j].startswith("  "):
        block.append(rep[j].strip())
        j += 1
    trace = block[1:]
    keep = set(range(max(0, len(trace) - limit), len(trace)))
    for k, ln in enumerate(trace):
        m = TRACE_LOCATION.search(ln)
        if m and patched and int(m.group(2)) in patched.get(m.group(1), []):
            keep.add(k)
            trace[k] = ln + PATCHED_MARK
    if full:
        keep = set(range(len(trace)))
    shown: List[str] = []
    gap = 0
    for k, ln in enumerate(trace):
        if k not in keep:
            gap += 1
            continue
        if gap:
            shown.append(f"... {gap} event(s)")
            gap = 0
        shown.append(ln)
    lines: List[str] = []
    last: Optional[str] = None
    for path, n in trace_locations(shown):
        lines.append(str(n) if path == last else f"{path}:{n}")
        last = path
    where = ", ".join(lines) or None
    return [block[0]] + shown, where
