# SPDX-License-Identifier: GPL-2.0
"""The report in the formats kernel tools already read.

- KTAP v1 (Documentation/dev-tools/ktap.rst): the series, each patch a
  subtest, each invariant a test of it; `tools/testing/kunit/kunit.py
  parse` reads it.
- A patchwork check per patch (the fields of patchwork's checks API:
  state pending|success|warning|fail, context, description, target_url).
- The NIPA test convention (netdev's patchwork bot): exit 0 okay, 250
  warning, anything else fail; a one-line description on the file
  descriptor $DESC_FD.
- A kernel-test-robot-style summary of each new violation: base, patch
  subject, vendor and guest CPUID, the invariant, the trace's tail with the
  tree's file:line, and a one-line reproducer.
- The cover letter's "Testing:" line.

Each renders the same Outcome as report.py's formats; what a finding is
(new, at the base, carried from an earlier patch) comes from verdicts.py.
"""

import json
import os
import re
import shlex
from dataclasses import dataclass
from typing import Optional

from .patches import Patch
from .report import Outcome, one_line
from .run import RUN_ROWS, Case
from .verdicts import (BASE, Step, introduced, short_trace,
                       trace_locations)

PROG_PATH = "./kvm-x86-sim"
NIPA_WARNING = 250
# patchwork truncates a check's description; keep it to one short line
PATCHWORK_DESCRIPTION = 250


@dataclass
class Finding:
    """One invariant broken at one step: its cases, and whether the step's
    own patch introduced it, an earlier patch did, or the base has it."""
    step: Step
    inv: str
    cases: list[Case]           # the first is reported
    origin: str                 # "new", "earlier", "base"
    since: Optional[int] = None     # the patch that introduced it
    fixed: Optional[int] = None     # the patch that fixed it

    def where(self, prefer: Optional[dict[str, list[int]]] = None) -> str:
        """file:line for the finding: a line of the trace the step's patch
        changed, else the trace's last kernel line (where it broke), else
        the patch's first diff line."""
        locs = trace_locations(short_trace(self.cases[0], self.inv)[0])
        for f, n in locs:
            if prefer and n in prefer.get(f, []):
                return f"{f}:{n}"
        if locs:
            return "%s:%d" % locs[-1]
        p = self.step.patches[-1] if self.step.patches else None
        return p.first_line if p else "-"

    def message(self) -> str:
        """The case's FAIL line, without the invariant it names."""
        c = self.cases[0]
        if self.inv in RUN_ROWS.values():
            return f"{c.name}: {c.kind}" + (f" ({c.reason})" if c.reason
                                              and c.reason != c.kind else "")
        first = short_trace(c, self.inv)[0]
        text = first[0] if first else ""
        text = re.sub(r"^FAIL [^:]*:\s*", "", text)
        return text or "violated"


def step_findings(res: Outcome, step: Step) -> list[Finding]:
    """The step's broken invariants, each with its origin."""
    out = []
    new = step.new_failures()
    for inv, cs in step.failures.items():
        if inv in new and not step.reference:
            since, fixed = introduced(res.steps, inv, new[inv][0].name)
            origin = "new" if since in (None, step.index) else "earlier"
            out.append(Finding(step, inv, new[inv], origin, since, fixed))
        else:
            out.append(Finding(step, inv, cs, "base"))
    return out


def patch_steps(res: Outcome) -> list[Step]:
    return [s for s in res.steps if not s.reference and s.index]


def ktap_name(row: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", row.lower()).strip("_")


def step_name(s: Step) -> str:
    return f"patch_{s.index}" if s.index else "tree"


def _ktap_step(res: Outcome, s: Step, indent: str) -> list[str]:
    out = [f"{indent}KTAP version 1",
           f"{indent}# Subtest: {step_name(s)}",
           f"{indent}1..{len(s.rows)}"]
    for n, r in enumerate(s.rows, 1):
        v, why = s.cells[r]
        for f in step_findings(res, s):
            if f.inv != r:
                continue
            c = f.cases[0]
            out.append(one_line(f"{indent}# {r}: {f.message()}"))
            out.append(one_line(
                f"{indent}# {len(f.cases)} case(s), first {c.name}, at "
                f"{f.where(s.changed)}" +
                (f"; introduced by patch {f.since}" if f.origin ==
                 "earlier" else "")))
        if v == "PASS":
            out.append(f"{indent}ok {n} {ktap_name(r)}")
        elif v == "SKIP":
            out.append(f"{indent}ok {n} {ktap_name(r)} # SKIP "
                       f"{one_line(why)}")
        elif v == BASE:
            out.append(f"{indent}# {ktap_name(r)}: {one_line(why)}")
            out.append(f"{indent}ok {n} {ktap_name(r)}")
        else:
            if r not in s.failures:
                out.append(f"{indent}# {one_line(why)}")
            out.append(f"{indent}not ok {n} {ktap_name(r)}")
    return out


def render_ktap(res: Outcome) -> str:
    """KTAP v1: one top-level test (the series), a subtest per patch, a
    test per invariant.  The base's own failures are diagnostic lines:
    they do not fail the series (unless --strict made them FAIL)."""
    steps = patch_steps(res) or [s for s in res.steps if not s.reference]
    ind = "    "
    out = ["KTAP version 1", "1..1", f"{ind}KTAP version 1",
           f"{ind}# Subtest: kvm_x86_sim_series"]
    for note in res.notes + res.warnings:
        out.append(one_line(f"{ind}# {note}"))
    for s in res.steps:
        if s.reference:
            for f in step_findings(res, s):
                out.append(one_line(f"{ind}# present at the base: {f.inv} "
                                    f"({len(f.cases)} case(s))"))
    out.append(f"{ind}1..{len(steps)}")
    for n, s in enumerate(steps, 1):
        out += _ktap_step(res, s, ind * 2)
        label = s.patches[-1].label() if s.patches else "tree"
        if s.patches:
            out.append(one_line(f"{ind}# patch {s.index}: {label} "
                                f"{s.patches[-1].subject}"))
        out.append(f"{ind}{'not ok' if s.failed() else 'ok'} {n} "
                   f"{step_name(s)}")
    if res.stopped:
        out.append(one_line(f"{ind}# {res.stopped}"))
    if res.error:
        out.append(one_line(f"{ind}# error: {res.error[0]}"))
    verdict = "ok" if res.exit == 0 else "not ok"
    out.append(f"{verdict} 1 kvm_x86_sim_series")
    return "\n".join(out) + "\n"


def patch_state(res: Outcome, s: Optional[Step]) -> tuple[str, str]:
    """patchwork's state and a one-line description for one patch."""
    if s is None:
        return "fail", one_line("not checked: " + (
            res.stopped or (res.error[0] if res.error else "no verdict")))
    fs = step_findings(res, s)
    new = [f for f in fs if f.origin == "new" and
           s.cells.get(f.inv, ("", ""))[0] == "FAIL"]
    if new:
        return "fail", one_line(
            "; ".join(f"{f.inv} at {f.where(s.changed)}"
                      for f in new))
    if s.failed():
        return "fail", one_line("; ".join(
            f"{f.inv} (introduced by patch {f.since})" for f in fs
            if s.cells.get(f.inv, ("", ""))[0] == "FAIL"))
    n = s.counts()
    warn = [f"{f.inv} present at the base" for f in fs
            if f.origin == "base"]
    if s.coverage is not None and s.coverage.code_not_run():
        warn.append("the run covered none of the patch's changed lines")
    text = (f"{len(s.invs)} invariants held over {n['PASS']} cases "
            f"({n['SKIP']} skipped)")
    if warn:
        return "warning", one_line(text + "; " + "; ".join(warn))
    return "success", one_line(text)


def render_patchwork(res: Outcome) -> str:
    """A JSON list, one patchwork check per patch of the series."""
    checked = {s.index: s for s in res.steps if not s.reference}
    out = []
    pats: list[Optional[Patch]] = list(res.patches) or [None]
    for k, p in enumerate(pats, 1 if res.patches else 0):
        state, desc = patch_state(res, checked.get(k))
        out.append({"patch": k, "subject": p.subject if p else "",
                    "msgid": p.msgid if p else "", "state": state,
                    "context": "kvm-x86-sim", "target_url": "",
                    "description": desc[:PATCHWORK_DESCRIPTION]})
    return json.dumps(out, indent=2, ensure_ascii=True) + "\n"


def nipa_exit(res: Outcome) -> int:
    """The NIPA exit code: 0 okay, 250 warning, else the run's own."""
    if res.exit:
        return res.exit
    states = [patch_state(res, s)[0] for s in patch_steps(res)]
    return NIPA_WARNING if "warning" in states or res.warnings else 0


def nipa_description(res: Outcome) -> str:
    """One line, for NIPA's $DESC_FD."""
    if res.error:
        return one_line(f"error: {res.error[0]}")
    steps = patch_steps(res)
    bad = [(s, patch_state(res, s)) for s in steps]
    worst = [f"patch {s.index}: {d}" for s, (st, d) in bad if st == "fail"]
    if worst:
        return one_line("; ".join(worst))
    warn = [f"patch {s.index}: {d}" for s, (st, d) in bad
            if st == "warning"] + res.warnings
    if warn:
        return one_line("; ".join(warn))
    return one_line(testing_summary(res))


def write_nipa_description(res: Outcome) -> Optional[str]:
    """Write the description to $DESC_FD; returns it when there is no such
    descriptor (then the report's last line carries it)."""
    desc = nipa_description(res) + "\n"
    fd = os.environ.get("DESC_FD", "")
    if fd.isdigit():
        try:
            os.write(int(fd), desc.encode())
            return None
        except OSError:
            pass
    return desc


def reproducer(res: Outcome) -> str:
    return " ".join(shlex.quote(a) for a in
                    [PROG_PATH, "validate"] + res.replay + ["--no-explore"])


def render_robot(res: Outcome) -> str:
    """Per new violation, a summary in the kernel test robot's shape."""
    out: list[str] = []
    total = len(res.patches)
    for s in patch_steps(res):
        for f in step_findings(res, s):
            if f.origin != "new":
                continue
            c = f.cases[0]
            p = s.patches[-1]
            lines, _ = short_trace(c, f.inv)
            out += [
                f"kvm-x86-sim noticed the following invariant violation "
                f"(new at patch {s.index}/{total}):", "",
                f"base:          {res.tree}",
                f"patch subject: {p.subject}",
                f"patch:         {s.index}/{total} ({p.label()})" +
                (f", fixed by patch {f.fixed}/{total}" if f.fixed else ""),
                f"vendor:        {c.vendor.upper()}",
                f"guest CPUID:   {c.cpuid}",
                f"invariant:     {f.inv} ({len(f.cases)} case(s), first "
                f"{c.name})",
                f"reproduce:     {reproducer(res)}", "",
                "trace tail (the tree's file:line where it broke last):", ""]
            out += [f"   {ln}" for ln in lines]
            out += ["", f">> {f.where(s.changed)}: "
                    f"{f.inv}: {f.message()}", "", "-" * 72, ""]
    if not out:
        out = [testing_summary(res)]
    return "\n".join(one_line(ln) if ln else "" for ln in out) + "\n"


def testing_summary(res: Outcome) -> str:
    """What was checked and how it came out, in a sentence."""
    steps = patch_steps(res) or [s for s in res.steps if not s.reference]
    if res.error and not steps:
        return f"kvm-x86-sim validate could not check the series: " \
            f"{res.error[0]}"
    ran = [[c for c in s.cases if c.result != "SKIP"] for s in steps]
    cases = max((sum(1 for c in r if c.scenario != "explore") for r in ran),
                default=0)
    explored = any(c.scenario == "explore" for r in ran for c in r)
    invs = max((len(s.invs) for s in steps), default=0)
    what = ("the patch" if len(steps) == 1 and res.patches else
            f"each of the {len(steps)} prefixes of the series"
            if res.patches else "the tree")
    if res.exit == 0:
        held = "all invariants held"
        base = [f.inv for s in res.steps if s.reference
                for f in step_findings(res, s)]
        if base:
            held += f" (present at the base already: {', '.join(base)})"
    else:
        held = "violations: " + "; ".join(
            f"{f.inv} new at patch {s.index}" for s in steps
            for f in step_findings(res, s) if f.origin == "new") \
            if any(s.failed() for s in steps) else \
            f"not every case ran to its end (exit {res.exit})"
    return (f"kvm-x86-sim validate (simulated VMX and SVM, the tree's own "
            f"MSR/FPU code) on {res.tree}: {invs} invariants over {cases} "
            f"cases{' and injected interruptions' if explored else ''} for "
            f"{what}: {held}")


def testing_line(res: Outcome) -> str:
    """The cover letter's one-line "Testing:" note."""
    return one_line(
        f"Testing: {testing_summary(res)}; this complements, and does not "
        "replace, KVM selftests and kvm-unit-tests on hardware") + "\n"
