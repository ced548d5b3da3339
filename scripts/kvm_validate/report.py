# SPDX-License-Identifier: GPL-2.0
"""The report: the invariants x patch prefixes table as text, TAP, JUnit
XML or JSON.

Every string that came from outside (subjects, notes, error lines, traces)
has its control characters escaped (\\xNN): a terminal is not driven by a
patch's subject, and JUnit stays well-formed XML 1.0.
"""

import json
import os
import re
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any, Optional

from .errors import BadOutput, HarnessError, os_error_reason
from .patches import Patch
from .run import RUN_ROWS

# What each way of not ending a case means, for the text report.
RUN_WHY = {
    "CRASH": "the code under test crashed",
    "HANG": "the code under test ran past --case-timeout",
    "OOM": "the code under test needed more memory than --memory-limit",
    "EXIT": "INCOMPLETE: the code under test exited in the middle of "
            "the case",
    "INCOMPLETE": "INCOMPLETE: the case ended without a verdict",
    "SKIPPED": "the tree before the patch ran this case; after it the "
               "case is skipped (its code renamed, removed or out of the "
               "harness's reach)",
}
from .verdicts import BASE, introduced, short_trace

VERDICT = {0: "PASS", 1: "FAIL", 2: "ERROR", 3: "ERROR"}


@dataclass
class Outcome:
    """What a run found: the report renders it, the exit code is exit."""
    tree: Optional[str] = None
    patches: list[Patch] = field(default_factory=list)
    steps: list[Any] = field(default_factory=list)     # verdicts.Step
    notes: list[str] = field(default_factory=list)     # about the series
    error: list[str] = field(default_factory=list)     # reason, details
    exit: int = 0
    stopped: str = ""           # why later prefixes were not checked
    warnings: list[str] = field(default_factory=list)   # e.g. base-commit
    replay: list[str] = field(default_factory=list)     # validate's args
    full_trace: bool = False    # every event of a finding's trace


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff"
                      "\ufffe\uffff]")
_CONTROL_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff"
                           "\ufffe\uffff]")


def _esc(m: "re.Match[str]") -> str:
    c = ord(m.group(0))
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def printable(s: str) -> str:
    """Control characters (and lone surrogates) as \\xNN; tabs and
    newlines kept.  What is left is valid XML 1.0 character data."""
    return _CONTROL.sub(_esc, s)


def print_error(prog: str, lines: list[str]) -> None:
    """A command's error on stderr: its first line, then the details."""
    print(f"{prog}: error: {printable(lines[0])}", file=sys.stderr)
    for ln in lines[1:]:
        print(f"  {printable(ln)}", file=sys.stderr)


def one_line(s: str) -> str:
    """printable(), newlines and tabs escaped too (TAP lines)."""
    return _CONTROL_LINE.sub(_esc, s)


class Colour:
    def __init__(self, on: bool) -> None:
        self.on = on

    def __call__(self, verdict: str, text: Optional[str] = None) -> str:
        text = verdict if text is None else text
        if not self.on:
            return text
        code = {"PASS": "32", "FAIL": "1;31", "SKIP": "33",
                BASE: "35"}.get(verdict)
        return f"\033[{code}m{text}\033[0m" if code else text


def findings(steps: list[Any]) -> str:
    """How many steps violated an invariant, and how many did not run to
    their end and why (CRASH, HANG, OOM, INCOMPLETE): a run cut short is
    named as such, never counted as a violated invariant."""
    words = {v: k for k, v in RUN_ROWS.items() if k != "EXIT"}
    counted = [s for s in steps if not s.reference]
    violated = sum(1 for s in counted if any(
        v == "FAIL" for r, (v, _) in s.cells.items() if r not in words))
    out = [f"{violated} with a violated invariant"]
    base = [r for s in steps if s.reference for r, (v, _) in s.cells.items()
            if v == "FAIL"]
    if base:
        out.append(f"{len(base)} invariant(s) failing at the base already")
    for row, word in words.items():
        n = sum(1 for s in steps if s.cells.get(row, ("", ""))[0] == "FAIL")
        if n:
            out.append(f"{n} {word}")
    return ", ".join(out)


def explored_schedule(case: Any, inv: str) -> str:
    """The schedule whose report names inv first, from the exploration's
    "VIOLATION in CASE@AT:KIND,...: INVARIANTS" lines."""
    rep = case.report
    at = next((i for i, ln in enumerate(rep)
               if ln.startswith(f"FAIL {inv}:")), None)
    if at is None:      # as short_trace(): else the first FAIL shown
        at = next((i for i, ln in enumerate(rep) if ln.startswith("FAIL ")),
                  len(rep))
    for ln in reversed(rep[:at]):
        if ln.startswith("VIOLATION in "):
            return str(ln[len("VIOLATION in "):].split(": ")[0])
    return "?"


def coverage_lines(steps: list[Any], total: int) -> list[str]:
    """Per patch: its changed lines in sliced code and how many ran
    (patchcov.py); said plainly when a PASS covered none of them."""
    out = []
    for s in steps:
        pc = s.coverage
        if pc is None:
            continue
        p = s.patches[-1]
        out.append(f"  patch {s.index}/{total} {printable(p.label())}: "
                   f"{printable(pc.summary())}")
        if pc.not_run:
            more = pc.with_code - pc.executed > len(pc.not_run)
            out.append(f"    not executed: {', '.join(pc.not_run)}"
                       f"{' ...' if more else ''}")
        if not s.failed() and pc.covered_none():
            what = ("none of its changed lines is in the code the harness "
                    "slices" if not pc.sliced else
                    "its changed lines in sliced code have no code of "
                    "their own (comments, declarations)" if not pc.with_code
                    else "none of its changed lines in sliced code ran")
            out.append(f"    this PASS covered none of the patch: {what}; "
                       "the verdict judges the code around it, not the "
                       "patch")
    return out


def fixed_by(steps: list[Any], inv: str, name: str, total: int) -> str:
    _, fixed = introduced(steps, inv, name)
    return f", fixed by patch {fixed}/{total}" if fixed else ""


def at_base(s: Any, w: Any, colour: Colour) -> None:
    """The base's own failures: reported, not held against the series."""
    for inv, cs in s.failures.items():
        w("")
        w(colour(BASE, f"{BASE} {inv}") + " present at the base, before "
          "the series: not counted against it (--strict counts it)")
        c = cs[0]
        lines, where = short_trace(c, inv)
        w(f"  {len(cs)} case(s), first {c.name}" +
          (f"; kernel lines in the trace: {where}" if where else ""))
        if lines:
            w(f"    {printable(lines[0])}")


SHOWN_LINES = 6             # a block's patched lines, with their text
SHOWN_MESSAGES = 5          # a block's kinds of failure message


def spans(ns: list[int]) -> str:
    """[1, 2, 3, 7] -> "1-3, 7"."""
    out: list[str] = []
    for n in ns:
        if out and n == int(out[-1].split("-")[-1]) + 1:
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


def scenarios_line(cs: list[Any]) -> str:
    """"scet_only_batch (6), one_reg (6), ...": each scenario's cases."""
    by_scn: dict[str, int] = {}
    for c in cs:
        by_scn[c.scenario] = by_scn.get(c.scenario, 0) + 1
    return ", ".join(f"{n} ({k})" for n, k in by_scn.items())


def fail_message(c: Any, inv: str) -> str:
    """The case's FAIL line for inv, without "FAIL INV: "."""
    for ln in c.report:
        if ln.startswith(f"FAIL {inv}:"):
            return str(ln[len(f"FAIL {inv}:"):].strip())
    return "violated"


def finding_block(s: Any, inv: str, cs: list[Any], after: str,
                  full: bool, w: Any, colour: Colour) -> None:
    """One block per violated invariant of a step, read in seconds: what
    broke and how often, where, the patch's lines, and the first case's
    events up to the break (the patched lines' among them)."""
    c = cs[0]
    nscn = len({x.scenario for x in cs})
    w(colour("FAIL", f"FAIL {inv}") + f" {after}: {len(cs)} case(s) in "
      f"{nscn} scenario(s)")
    if inv in RUN_ROWS.values():
        kinds: dict[str, list[Any]] = {}
        for x in cs:
            kinds.setdefault(x.kind, []).append(x)
        for kind, xs in kinds.items():
            why = (f" ({xs[0].reason})" if xs[0].reason and
                   xs[0].reason != kind else "")
            w(f"  {RUN_WHY[kind]}{why}: first {xs[0].name}")
    else:
        # messages that differ only in their numbers (an MSR, a value,
        # a vCPU) are one kind of failure: the first of each is shown
        first: dict[str, str] = {}
        count: dict[str, int] = {}
        for x in cs:
            m = fail_message(x, inv)
            key = re.sub(r"0x[0-9a-f]+|\d+", "#", m)
            first.setdefault(key, m)
            count[key] = count.get(key, 0) + 1
        order = [(first[k], count[k])
                 for k in sorted(count, key=lambda k: -count[k])]
        for k, (m, n) in enumerate(order):
            if k == SHOWN_MESSAGES:
                w(f"  ... {len(order) - k} other kind(s) of message")
                break
            w(f"  {'' if not k else 'also: '}{inv}: {printable(m)}" +
              (f" ({n} case(s))" if len(order) > 1 else ""))
    w(f"  scenarios: {printable(scenarios_line(cs))}")
    text = getattr(s, "changed_text", None) or {}
    lines = [(f, n, t) for f, ns in sorted(text.items())
             for n, t in sorted(ns.items())]
    if 0 < len(lines) <= SHOWN_LINES:
        w("  the patch's lines in the harness's code:")
        for f, n, t in lines:
            w(f"    {f}:{n}  {printable(t.strip())}")
    elif lines:
        w(f"  the patch's lines in the harness's code ({len(lines)}): " +
          "; ".join(f"{f}:{spans(sorted(ns))}"
                    for f, ns in sorted(text.items())))
    if c.scenario == "explore":
        w(f"  found by the exploration of injected interruptions "
          f"({c.cpuid}): {explored_schedule(c, inv)}")
    trace, _ = short_trace(c, inv, patched=s.changed, full=full)
    if len(trace) > 1:
        w(f"  first case {c.name}, the events up to the break" +
          ("" if full else " (--full-trace: every event)") + ":")
        for ln in trace[1:]:
            w(f"    {printable(ln)}")


def render_text(res: Outcome, colour: Colour) -> str:
    out: list[str] = []
    w = out.append
    w(f"tree: {printable(str(res.tree))}")
    patches = res.patches
    if patches:
        w(f"series: {len(patches)} patch(es)")
        for k, p in enumerate(patches, 1):
            w(f"  {k:>2}  {printable(p.label())}  "
              f"{one_line(p.subject[:70])}")
    for n in res.notes:
        w(f"  note: {printable(n)}")
    for n in res.warnings:
        w(f"  warning: {printable(n)}")
    steps = res.steps
    for s in steps:
        for n in s.notes:
            at = f"patch {s.index}" if s.index else "tree"
            w(f"  note ({at}): {printable(n)}")
    if steps:
        rows = []
        for s in steps:
            for r in s.rows:
                if r not in rows:
                    rows.append(r)
        colw = max(6, max(len(s.label) for s in steps) + 2)
        head = f"{'invariant':<20}" + "".join(f"{s.label:<{colw}}"
                                              for s in steps)
        w("")
        if len(steps) > 1 or steps[0].index:
            w("patches applied ->")
        w(head.rstrip())
        for r in rows:
            line = f"{r:<20}"
            for s in steps:
                v = s.cells.get(r, ("PASS", ""))[0] \
                    if r in RUN_ROWS.values() \
                    else s.cells.get(r, ("SKIP", ""))[0]
                line += colour(v, f"{v:<{colw}}")
            w(line.rstrip())
        skips: dict[str, list[str]] = {}
        for s in steps:
            for r in s.rows:
                v, why = s.cells[r]
                if v == "SKIP" and r not in skips.setdefault(why, []):
                    skips[why].append(r)
        if skips:
            w("")
            for why, invs in skips.items():
                w(f"SKIP {', '.join(invs)}: {printable(why)}")
        cov = coverage_lines(steps, len(patches))
        if cov:
            w("")
            w("patch coverage (each patch's changed lines, in its step's "
              "run):")
            out += cov
    for s in steps:
        if s.reference:
            at_base(s, w, colour)
            continue
        for inv, cs in s.new_failures().items():
            w("")
            after = (f"new at patch {s.index}/{len(patches)} "
                     f"({s.patches[-1].label()})" +
                     fixed_by(steps, inv, cs[0].name, len(patches))
                     if s.index else "in the tree as it is")
            finding_block(s, inv, cs, after, res.full_trace, w, colour)
    for s in steps:
        if s.stopped:
            w("")
            w(colour("FAIL", "FAIL") + f" step {s.label}: {s.stopped}")
    if res.stopped:
        w("")
        w(colour("FAIL", "FAIL") + f" {res.stopped}")
    w("")
    if res.error:
        w(f"error: {printable(res.error[0])}")
        for ln in res.error[1:]:
            w(f"  {printable(ln)}")
    verdict = VERDICT.get(res.exit, "ERROR")
    total = sum(s.seconds for s in steps)
    back = sum(1 for s in steps if s.run_cached)
    if back:
        w(f"({back} step(s) read their run back from the cache: the same "
          "binary ran with the same arguments before, every case to its "
          "end)")
    w(colour(verdict if verdict != "ERROR" else "FAIL", verdict) +
      f": {len(steps)} step(s), {findings(steps)}, "
      f"{total:.2f} s  (exit {res.exit})")
    return "\n".join(out) + "\n"


def render_tap(res: Outcome) -> str:
    out = ["TAP version 13"]
    steps = res.steps
    tests = [(s, r) for s in steps for r in s.rows]
    if res.error and not tests:
        out.append("1..0 # SKIP " + one_line(res.error[0]))
        out.append("Bail out! " + one_line(res.error[0]))
        return "\n".join(out) + "\n"
    out.append(f"1..{len(tests)}")
    for n, (s, r) in enumerate(tests, 1):
        v, why = s.cells[r]
        name = f"{'patches ' + s.label if s.index else 'tree'} - {r}"
        if v == "PASS":
            out.append(f"ok {n} - {name}")
        elif v == "SKIP":
            out.append(f"ok {n} - {name} # SKIP {one_line(why)}")
        else:
            out.append(f"not ok {n} - {name}")
            if r not in s.failures:     # a step stopped: only its reason
                out.append(f"# {one_line(why)}")
            for c in s.failures.get(r, [])[:4]:
                lines, where = short_trace(c, r)
                out.append(one_line(f"# {c.scenario} {c.vendor}/{c.cpuid}"
                                    + (f" at {where}" if where else "")))
                out += [f"#   {one_line(ln)}" for ln in lines]
    for s in steps:
        if s.coverage is not None:
            out.append(one_line(f"# coverage patch {s.index}: "
                                f"{s.coverage.summary()}"))
    for note in res.notes + [x for s in steps for x in s.notes]:
        out.append(f"# note: {one_line(note)}")
    for note in res.warnings:
        out.append(f"# warning: {one_line(note)}")
    if res.error:
        out.append("Bail out! " + one_line(res.error[0]))
    return "\n".join(out) + "\n"


def render_junit(res: Outcome) -> str:
    root = ET.Element("testsuites", name="kvm-x86-sim validate")
    for s in res.steps:
        name = f"patches {s.label}" if s.index else "tree"
        ts = ET.SubElement(root, "testsuite", name=name,
                           tests=str(len(s.rows)),
                           failures=str(sum(1 for r in s.rows
                                            if s.cells[r][0] == "FAIL")),
                           skipped=str(sum(1 for r in s.rows
                                           if s.cells[r][0] == "SKIP")),
                           errors="0", time=f"{s.seconds:.3f}")
        for r in s.rows:
            v, why = s.cells[r]
            tc = ET.SubElement(ts, "testcase", classname=f"validate.{name}",
                               name=r)
            if v == "SKIP":
                ET.SubElement(tc, "skipped", message=why)
            elif v == "FAIL":
                cs = s.failures.get(r, [])
                body = [] if cs else [why]  # a step stopped: its reason
                for c in cs:
                    lines, where = short_trace(c, r)
                    body.append(f"{c.name}" + (f" at {where}" if where
                                               else ""))
                    body += ["  " + ln for ln in lines]
                f = ET.SubElement(tc, "failure", message=f"{r} violated: "
                                  f"{cs[0].name if cs else why}")
                f.text = "\n".join(body)
        if s.coverage is not None:
            ET.SubElement(ts, "system-out").text = \
                f"patch coverage: {s.coverage.summary()}"
    if res.error:
        ts = ET.SubElement(root, "testsuite", name="input", tests="1",
                           failures="0", errors="1", skipped="0")
        tc = ET.SubElement(ts, "testcase", classname="validate.input",
                           name="input")
        e = ET.SubElement(tc, "error", message=res.error[0])
        e.text = "\n".join(res.error)
    for el in root.iter():
        el.attrib = {k: printable(v) for k, v in el.attrib.items()}
        if el.text:
            el.text = printable(el.text)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def render_json(res: Outcome) -> str:
    doc: dict[str, Any] = {
        "tree": res.tree,
        "exit": res.exit,
        "error": res.error[0] if res.error else None,
        "stopped": res.stopped,
        "error_details": res.error[1:] if res.error else [],
        "patches": [{"index": k, "file": p.source, "subject": p.subject}
                    for k, p in enumerate(res.patches, 1)],
        "notes": res.notes,
        "warnings": res.warnings,
        "steps": [],
    }
    for s in res.steps:
        doc["steps"].append({
            "patches": s.label, "index": s.index,
            "seconds": round(s.seconds, 3), "notes": s.notes,
            "timing": {k: round(v, 3) for k, v in s.timing.items()},
            "run_cached": s.run_cached,
            # whether its run explored injected interruptions (cli.py
            # skips that for a step of the base's code)
            "explored": any(c.scenario == "explore" for c in s.cases),
            "cases": s.counts(),
            "coverage": None if s.coverage is None else {
                "changed": s.coverage.changed,
                "sliced": s.coverage.sliced,
                "with_code": s.coverage.with_code,
                "executed": (None if s.coverage.unmeasured
                             else s.coverage.executed),
                "not_executed": s.coverage.not_run,
                "outside": s.coverage.outside,
                # the changed lines the run does not cover (exit 3)
                "not_checked": s.unchecked,
                "unmeasured": s.coverage.unmeasured or None,
                "summary": s.coverage.summary()},
            "invariants": {r: {"verdict": s.cells[r][0],
                               "reason": s.cells[r][1]} for r in s.rows},
            "failures": [
                {"invariant": inv, "case": c.name, "scenario": c.scenario,
                 "vendor": c.vendor, "cpuid": c.cpuid,
                 "at": short_trace(c, inv)[1],
                 "trace": short_trace(c, inv)[0]}
                for inv, cs in s.failures.items() for c in cs],
        })
    # ensure_ascii: control characters and lone surrogates as \\u escapes
    return json.dumps(doc, indent=2, ensure_ascii=True) + "\n"


def check_output(path: str) -> None:
    """Before the run: --output must be writable (a report lost at the end
    of a long run is the worst outcome)."""
    d = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise BadOutput(f"--output {path}: is a directory")
    if not os.path.isdir(d):
        what = "not a directory" if os.path.exists(d) else \
            "no such directory"
        raise BadOutput(f"--output {path}: {what}: {d}")
    if os.path.exists(path) and not os.access(path, os.W_OK):
        raise BadOutput(f"--output {path}: not writable (permission "
                        "denied)")
    if regular_or_new(path) and not os.access(d, os.W_OK | os.X_OK):
        raise BadOutput(f"--output {path}: the directory {d} is not "
                        "writable (permission denied)")


def regular_or_new(path: str) -> bool:
    """A path written by rename (atomically); anything else (a device,
    a pipe, /dev/stdout) is written in place, never replaced."""
    return not os.path.exists(path) or (os.path.isfile(path) and
                                        not os.path.islink(path))


def write_output(path: str, text: str) -> None:
    """Atomically (a temporary file beside it, renamed over it) when path
    is a regular file or new; in place when it is a device or a pipe."""
    d = os.path.dirname(os.path.abspath(path))
    tmp = None
    try:
        if not regular_or_new(path):
            with open(path, "w", encoding="utf-8",
                      errors="backslashreplace") as f:
                f.write(text)
            return
        fd, tmp = tempfile.mkstemp(prefix=".validate-", dir=d)
        with os.fdopen(fd, "w", encoding="utf-8",
                       errors="backslashreplace") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as e:
        if tmp:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise HarnessError(os_error_reason(e, f"writing the report to "
                                              f"{path}:"))


def any_locale() -> None:
    """stdout and stderr that write under any locale: what the locale's
    encoding (C, POSIX, Latin-1) cannot hold is escaped (\\xe4, \\u65e5),
    never an exception in the middle of a report."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore
        except (AttributeError, ValueError):
            pass                # not a text stream of ours: as it is
