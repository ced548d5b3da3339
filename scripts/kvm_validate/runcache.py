# SPDX-License-Identifier: GPL-2.0
"""Run results, cached with the binary that produced them.

A test binary is named by the hash of everything it was built from
(build.py), and its run is deterministic: the scenarios are fixed and the
exploration's schedules and programs come from its seed.  So a run of the
same binary with the same arguments is not run again: its result (cases,
verdict bits, reports, and the lines it executed) is read back.  Only a
run that is the same every time is kept: every case ran to its end and the
exploration was not cut by its time budget ("budget spent: partial"); a
run that crashed, hung, ran out of memory, stopped or ran out of time is
always run again.
"""

import dataclasses
import json
import os
from typing import Any, Optional

from .cache import Cache
from .run import Case, RunResult, Scenario
from .build import sha

KIND = "runs"
FILE = "run.json"
PARTIAL = "budget spent: partial"
# gcov's counts per line, or None and why they are not known
Ran = tuple[Optional[dict[str, dict[int, int]]], str]


def run_key(exe: str, argv: list[str]) -> str:
    """The binary's own key (its cache directory) and the arguments."""
    return "r-" + sha(os.path.basename(os.path.dirname(exe)), *argv)


def cacheable(run: RunResult) -> bool:
    if run.stopped or any(c.kind for c in run.cases):
        return False
    return not any(PARTIAL in ln for c in run.cases for ln in c.report)


def load(cache: Cache, key: str) -> Optional[tuple[RunResult, Ran]]:
    d = cache.lookup(KIND, key)
    if d is None:
        return None
    try:
        with open(os.path.join(d, FILE)) as f:
            doc: dict[str, Any] = json.load(f)
        run = RunResult(
            doc["invariants"],
            {n: Scenario(*v) for n, v in doc["scenarios"].items()},
            [Case(**c) for c in doc["cases"]], doc["planned"],
            doc["stopped"])
        lines = None if doc["lines"] is None else {
            f: {int(n): c for n, c in ls.items()}
            for f, ls in doc["lines"].items()}
        return run, (lines, doc["why"])
    except (OSError, ValueError, KeyError, TypeError):
        return None             # an older layout: run it again


def store(cache: Cache, key: str, run: RunResult, ran: Ran) -> None:
    if not cacheable(run):
        return
    doc = {"invariants": run.invariants,
           "scenarios": {n: [s.expect, s.proves]
                         for n, s in run.scenarios.items()},
           "cases": [dataclasses.asdict(c) for c in run.cases],
           "planned": run.planned, "stopped": run.stopped,
           "lines": ran[0], "why": ran[1]}
    tmpd = cache.staging(KIND, key)
    try:
        with open(os.path.join(tmpd, FILE), "w") as f:
            json.dump(doc, f)
    except OSError:
        cache.discard(tmpd)     # a cache that cannot be written: no cache
        return
    cache.publish(tmpd, KIND, key)
