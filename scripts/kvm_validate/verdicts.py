# SPDX-License-Identifier: GPL-2.0
"""The verdict of each invariant for one step of the series.

A step is the tree itself or one prefix of the series; its cases' results
become one PASS / FAIL / SKIP per invariant, and a FAIL keeps the cases
that broke it with the short event trace ending at the kernel's file:line.
"""

import re

from .run import CRASH_ROW


def _norm(s):
    return re.sub(r"[^a-z0-9]", "", s.lower())


class Step:
    """One prefix of the series (or the bare tree)."""

    def __init__(self, index, label, patches):
        self.index = index          # 0: the tree itself
        self.label = label          # "tree", "1", "1-2", ...
        self.patches = patches
        self.notes = []
        self.cases = []
        self.invs = []
        self.cells = {}             # invariant -> (verdict, reason)
        self.failures = {}          # invariant -> [Case]
        self.seconds = 0.0
        self.cached = ""

    def evaluate(self, invs, cases):
        self.invs = invs
        self.cases = cases
        rows = list(invs)
        if any(c.name.endswith("/(crash)") for c in cases):
            rows.append(CRASH_ROW)
        self.rows = rows
        for c in cases:
            if c.result != "FAIL":
                continue
            if c.name.endswith("/(crash)"):
                bits = [CRASH_ROW]
            else:
                diff = c.got if not c.scenario.startswith("breaks_") \
                    else (c.got ^ c.expect)
                bits = [invs[k] for k in range(len(invs)) if diff >> k & 1]
                if not bits:
                    bits = [invs[-1]] if invs else [CRASH_ROW]
            for b in bits:
                self.failures.setdefault(b, []).append(c)
        ran = [c for c in cases if c.result != "SKIP"]
        for inv in rows:
            if inv in self.failures:
                fs = self.failures[inv]
                self.cells[inv] = ("FAIL", f"{len(fs)} case(s), first "
                                   f"{fs[0].name}")
                continue
            if inv == CRASH_ROW:
                self.cells[inv] = ("PASS", "")
                continue
            own = [c for c in cases if c.scenario.startswith("breaks_") and
                   _norm(c.scenario[len("breaks_"):]) == _norm(inv)]
            if own and all(c.result == "SKIP" for c in own):
                self.cells[inv] = ("SKIP", own[0].reason)
            elif not ran:
                self.cells[inv] = ("SKIP", cases[0].reason if cases
                                   else "no case ran")
            else:
                self.cells[inv] = ("PASS", "")

    def failed(self):
        return any(v == "FAIL" for v, _ in self.cells.values())

    def counts(self):
        n = {"PASS": 0, "FAIL": 0, "SKIP": 0}
        for c in self.cases:
            n[c.result] = n.get(c.result, 0) + 1
        return n


def short_trace(case, inv, limit=8):
    """The report block of case that names inv: its FAIL line and the last
    `limit` trace lines (the trace ends at the event that broke it)."""
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
    where, last = [], None
    for ln in trace:
        m = re.search(r"(arch/x86/\S+):(\d+)\s*$", ln)
        if m:
            where.append(m.group(2) if m.group(1) == last
                         else f"{m.group(1)}:{m.group(2)}")
            last = m.group(1)
    where = ", ".join(where) or None
    if len(trace) > limit:
        trace = [f"... {len(trace) - limit} earlier event(s)"] + \
            trace[-limit:]
    return [block[0]] + trace, where
