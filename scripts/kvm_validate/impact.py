# SPDX-License-Identifier: GPL-2.0
"""Change-impact selection: which cases and generated programs a change
of some sliced functions can affect.

A test binary built by validate or mutate reports every entry into a
sliced function (build.py's record_flags(), runner/entered.c).  Its
exploration with --record says, for each case (all of its schedules)
and each generated program, which sliced functions it entered.  The runs
are deterministic, so a run that never entered a function runs the same
whatever that function's body is: its first divergence would have to
execute the changed code.  A change confined to the bodies of some
functions (changed_functions()) therefore needs only the runs that
entered one of them (Record.select()); anything else, a declaration, a
macro, an initializer, a definition taken from a header, needs them all.
"""

import json
import os
import re
import subprocess
from dataclasses import dataclass
from typing import Optional

from kvm_mutate.schemata import definitions
from kvm_slice.lexer import mask_code

from .cache import Cache
from .build import sha
from .codekey import code_lines, lines_digest

ENTERED_RE = re.compile(r"^(?:    # )?entered (case \d+|program (?:vmx|svm) "
                        r"\d+) (-|[\d,]+)$", re.M)
FN_RE = re.compile(r"^# kvm_x86_sim: fn (\d+) (\w+)$", re.M)
KIND = "records"
FILE = "record.json"


class Unrecorded(Exception):
    """Why a record could not be made (the caller then runs everything)."""


@dataclass
class Record:
    """What an exploration of unchanged code entered: the sliced
    functions by name (their ids), and each case's and program's ids."""
    ids: dict[str, int]
    runs: list[tuple[str, set[int]]]    # ("case 3" / "program vmx 7", ids)

    def select(self, functions: set[str]) -> Optional[list[str]]:
        """The runs that entered any of functions, as selection-file lines
        (runner/entered.h); None when one of them is not a function the
        record can name (a definition from a header: run everything)."""
        if not functions <= set(self.ids):
            return None
        want = {self.ids[f] for f in functions}
        return [what for what, ids in self.runs if ids & want]


def parse(out: str) -> Record:
    ids = {m.group(2): int(m.group(1)) for m in FN_RE.finditer(out)}
    runs = [(m.group(1), set() if m.group(2) == "-" else
             {int(x) for x in m.group(2).split(",")})
            for m in ENTERED_RE.finditer(out)]
    if not ids or not runs or not any(r for _, r in runs):
        raise Unrecorded("the exploration recorded no entry into a sliced "
                         "function (was the binary built to record them?)")
    return Record(ids, runs)


def record(exe: str, explore: list[str],
           timeout: Optional[float] = None) -> Record:
    """Explore with exe (explore: --window, --programs, ... as the runs
    to be selected will) and record what each run entered."""
    try:
        r = subprocess.run([exe, "--explore", *explore, "--record"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Unrecorded(f"the exploration took longer than {timeout:.0f} "
                         "s")
    except OSError as e:
        raise Unrecorded(f"cannot run {exe}: {e.strerror}")
    if r.returncode not in (0, 1):
        raise Unrecorded(f"the exploration failed (exit {r.returncode}): "
                         + " | ".join(r.stdout.splitlines()[-3:]))
    if "VIOLATION: exploration worker" in r.stdout:
        raise Unrecorded("an exploration worker died: its runs were not "
                         "all recorded")
    return parse(r.stdout)


def cached_record(cache: Cache, exe: str, explore: list[str],
                  timeout: float) -> Record:
    """record(), kept in the cache with the binary's key and the
    arguments (the binary and its runs are deterministic)."""
    key = "e-" + sha(os.path.basename(os.path.dirname(exe)), *explore)
    d = cache.lookup(KIND, key)
    if d is not None:
        try:
            with open(os.path.join(d, FILE)) as f:
                doc = json.load(f)
            return Record(doc["ids"], [(w, set(i)) for w, i in doc["runs"]])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    rec = record(exe, explore, timeout=timeout)
    tmpd = cache.staging(KIND, key)
    try:
        with open(os.path.join(tmpd, FILE), "w") as f:
            json.dump({"ids": rec.ids, "runs": [[w, sorted(i)]
                                                for w, i in rec.runs]}, f)
    except OSError:
        cache.discard(tmpd)
        return rec
    cache.publish(tmpd, KIND, key)
    return rec


def _fn_codes(sdir: str) -> Optional[tuple[str, dict[str, str]]]:
    """The code digest of the slice outside its function definitions,
    and each definition's own (None: a name defined twice)."""
    with open(os.path.join(sdir, "slice.c"), encoding="utf-8",
              errors="surrogateescape") as f:
        text = f.read()
    with open(os.path.join(sdir, "slice.h"), encoding="utf-8",
              errors="surrogateescape") as f:
        header = f.read()
    code = mask_code(text)[0]
    fns: dict[str, str] = {}
    rest: list[str] = []
    last = 0
    for d in sorted(definitions(text, code), key=lambda d: d.line_at):
        if d.name in fns or d.line_at < last:
            return None
        rest += [text[last:d.line_at], f"\n@{d.name}@\n"]
        fns[d.name] = lines_digest(code_lines(text[d.line_at:d.hi]))
        last = d.hi
    rest.append(text[last:])
    return lines_digest(code_lines("".join(rest)) + ["@slice.h@"] +
                   code_lines(header)), fns


def changed_functions(base_sdir: str, sdir: str) -> Optional[set[str]]:
    """The sliced functions whose code differs between two slices, when
    nothing else does (the code outside the definitions, the header, the
    set of functions); else None."""
    a, b = _fn_codes(base_sdir), _fn_codes(sdir)
    if a is None or b is None or a[0] != b[0] or set(a[1]) != set(b[1]):
        return None
    return {n for n in a[1] if a[1][n] != b[1][n]}
