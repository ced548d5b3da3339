# SPDX-License-Identifier: GPL-2.0
"""The report: the invariants x patch prefixes table as text, TAP, JUnit
XML or JSON."""

import json
import re
import xml.etree.ElementTree as ET

from .run import RUN_ROWS

# What each way of not ending a case means, for the text report.
RUN_WHY = {
    "CRASH": "the code under test crashed",
    "HANG": "the code under test ran past --case-timeout",
    "OOM": "the code under test needed more memory than --memory-limit",
    "EXIT": "the code under test exited in the middle of the case",
    "INCOMPLETE": "the case ended without a verdict",
}
from .verdicts import short_trace


class Colour:
    def __init__(self, on):
        self.on = on

    def __call__(self, verdict, text=None):
        text = verdict if text is None else text
        if not self.on:
            return text
        code = {"PASS": "32", "FAIL": "1;31", "SKIP": "33"}.get(verdict)
        return f"\033[{code}m{text}\033[0m" if code else text


def render_text(res, colour):
    out = []
    w = out.append
    w(f"tree: {res['tree']}")
    patches = res["patches"]
    if patches:
        w(f"series: {len(patches)} patch(es)")
        for k, p in enumerate(patches, 1):
            w(f"  {k:>2}  {p.label()}{'#' + str(p.part) if hasattr(p, 'part') else ''}"
              f"  {p.subject[:70]}")
    steps = res["steps"]
    for s in steps:
        for n in s.notes:
            w(f"  note (patch {s.index}): {n}")
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
        skips = {}
        for s in steps:
            for r in s.rows:
                v, why = s.cells[r]
                if v == "SKIP" and r not in skips.setdefault(why, []):
                    skips[why].append(r)
        if skips:
            w("")
            for why, invs in skips.items():
                w(f"SKIP {', '.join(invs)}: {why}")
    seen = set()
    for s in steps:
        for inv, cs in s.failures.items():
            key = (inv, tuple(sorted({c.scenario for c in cs})))
            if key in seen:
                continue
            seen.add(key)
            w("")
            after = ((f"with patch 1 applied ({s.patches[-1].label()})"
                      if s.index == 1 else
                      f"with patches {s.label} applied (first failing at "
                      f"patch {s.index}: {s.patches[-1].label()})")
                     if s.index else "in the tree as it is")
            by_scn = {}
            for c in cs:
                by_scn.setdefault(c.scenario, []).append(c)
            for scn, scs in by_scn.items():
                c = scs[0]
                lines, where = short_trace(c, inv)
                w(colour("FAIL", f"FAIL {inv}") + f" {after}")
                if inv in RUN_ROWS.values():
                    w(f"  scenario {scn}: {c.name}: {RUN_WHY[c.kind]}")
                else:
                    w(f"  scenario {scn}, vendor {c.vendor.upper()}, guest "
                      f"CPUID {c.cpuid}" +
                      (f"  (also: {', '.join(x.vendor + '/' + x.cpuid for x in scs[1:])})"
                       if len(scs) > 1 else ""))
                if where:
                    w(f"  kernel lines in the trace: {where}")
                for ln in lines:
                    w(f"    {ln}")
    for s in steps:
        if s.stopped:
            w("")
            w(colour("FAIL", "FAIL") + f" step {s.label}: {s.stopped}")
    if res.get("stopped"):
        w("")
        w(colour("FAIL", "FAIL") + f" {res['stopped']}")
    w("")
    if res["error"]:
        w(f"error: {res['error'][0]}")
        for ln in res["error"][1:]:
            w(f"  {ln}")
    fails = sum(1 for s in steps if s.failed())
    verdict = {0: "PASS", 1: "FAIL", 2: "ERROR", 3: "ERROR"}[res["exit"]]
    total = sum(s.seconds for s in steps)
    w(colour(verdict if verdict != "ERROR" else "FAIL", verdict) +
      f": {len(steps)} step(s), {fails} with a violated invariant, "
      f"{total:.2f} s  (exit {res['exit']})")
    return "\n".join(out) + "\n"


def render_tap(res):
    out = ["TAP version 13"]
    steps = res["steps"]
    tests = [(s, r) for s in steps for r in s.rows]
    if res["error"] and not tests:
        out.append("1..0 # SKIP " + res["error"][0])
        out.append("Bail out! " + res["error"][0])
        return "\n".join(out) + "\n"
    out.append(f"1..{len(tests)}")
    for n, (s, r) in enumerate(tests, 1):
        v, why = s.cells[r]
        name = f"{'patches ' + s.label if s.index else 'tree'} - {r}"
        if v == "PASS":
            out.append(f"ok {n} - {name}")
        elif v == "SKIP":
            out.append(f"ok {n} - {name} # SKIP {why}")
        else:
            out.append(f"not ok {n} - {name}")
            for c in s.failures[r][:4]:
                lines, where = short_trace(c, r)
                out.append(f"# {c.scenario} {c.vendor}/{c.cpuid}"
                           + (f" at {where}" if where else ""))
                out += [f"#   {ln}" for ln in lines]
    if res["error"]:
        out.append("Bail out! " + res["error"][0])
    return "\n".join(out) + "\n"


# Characters XML 1.0 does not allow, even escaped.
XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text):
    """text with every character XML 1.0 forbids written as \\xNN."""
    return XML_BAD.sub(lambda m: f"\\x{ord(m.group(0)):02x}", str(text))


def render_junit(res):
    root = ET.Element("testsuites", name="kvm-x86-sim validate")
    for s in res["steps"]:
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
                body = []
                for c in s.failures[r]:
                    lines, where = short_trace(c, r)
                    body.append(f"{c.name}" + (f" at {where}" if where
                                               else ""))
                    body += ["  " + ln for ln in lines]
                f = ET.SubElement(tc, "failure", message=f"{r} violated: "
                                  f"{s.failures[r][0].name}")
                f.text = "\n".join(body)
    if res["error"]:
        ts = ET.SubElement(root, "testsuite", name="input", tests="1",
                           failures="0", errors="1", skipped="0")
        tc = ET.SubElement(ts, "testcase", classname="validate.input",
                           name="input")
        e = ET.SubElement(tc, "error", message=res["error"][0])
        e.text = "\n".join(res["error"])
    for el in root.iter():
        el.attrib = {k: xml_safe(v) for k, v in el.attrib.items()}
        if el.text:
            el.text = xml_safe(el.text)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def render_json(res):
    doc = {
        "tree": res["tree"],
        "exit": res["exit"],
        "error": res["error"][0] if res["error"] else None,
        "error_details": res["error"][1:] if res["error"] else [],
        "stopped": res.get("stopped", ""),
        "patches": [{"index": k, "file": p.source, "subject": p.subject}
                    for k, p in enumerate(res["patches"], 1)],
        "steps": [],
    }
    for s in res["steps"]:
        doc["steps"].append({
            "patches": s.label, "index": s.index,
            "seconds": round(s.seconds, 3), "notes": s.notes,
            "cases": s.counts(),
            "invariants": {r: {"verdict": s.cells[r][0],
                               "reason": s.cells[r][1]} for r in s.rows},
            "failures": [
                {"invariant": inv, "case": c.name, "scenario": c.scenario,
                 "vendor": c.vendor, "cpuid": c.cpuid,
                 "at": short_trace(c, inv)[1],
                 "trace": short_trace(c, inv)[0]}
                for inv, cs in s.failures.items() for c in cs],
        })
    return json.dumps(doc, indent=2) + "\n"
