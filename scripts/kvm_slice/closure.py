# SPDX-License-Identifier: GPL-2.0
"""Following the code: what a sliced definition uses comes with it.

A refactoring patch moves code between functions: it extracts a CET arm's
body into a new static helper, or a check into a new macro.  The spec names
only the entry points, so every function a sliced definition calls and
every macro it uses that is defined under the search directory is sliced
too, transitively, unless the stubs provide it instead.  What the stubs
provide is the explicit bound: every identifier of the headers named by
the spec's ``provided`` lines (the stubs and the machine's headers).  A
name defined twice with different text is taken from the caller's own
file, or left out with a note (the compiler then names it).
"""

import os
import re
from typing import Optional

from .errors import EXIT_SYMBOL, SliceError
from .lexer import mask_code
from .prune import switch_names
from .resolve import Result, prune_or_hand_on, resolve
from .switch import find_switch
from .index import Definition, TreeIndex, index_tree
from .spec import SpecEntry

IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
CALL_RE = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")
C_WORDS = frozenset("""
    auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed
    sizeof static struct switch typedef union unsigned void volatile while
    _Bool _Static_assert typeof __typeof__ asm __asm__ defined
    """.split())
# Only a called name is looked up as a function, only a #define'd one as
# a macro (index.DEFINED_RE): a local variable's name never costs a scan
# of the tree.
MAX_ROUNDS = 8              # helpers of helpers of ...
MAX_ADDED = 64              # a runaway closure is a bug, not a slice


def provided_names(paths: list[str]) -> set[str]:
    """Every identifier in the .h files under *paths* (files or
    directories): what the stubs and the machine provide."""
    names: set[str] = set()
    for top in paths:
        files = [top] if os.path.isfile(top) else [
            os.path.join(d, f) for d, _, fs in os.walk(top) for f in fs
            if f.endswith(".h")]
        for path in sorted(files):
            with open(path, encoding="utf-8", errors="replace") as f:
                code, _, _ = mask_code(f.read())
            names.update(IDENT_RE.findall(code))
    return names


def _uses(text: str) -> tuple[set[str], set[str]]:
    """What a definition's code may use from elsewhere: the names it
    calls (a function or a function-like macro) and every identifier (an
    object-like macro); comments and literals masked."""
    code, _, _ = mask_code(text)
    return set(CALL_RE.findall(code)), set(IDENT_RE.findall(code))


def _hand_on_arms(res: Result, arms: tuple[str, ...]) -> Optional[str]:
    """A helper called by a function whose arms= was handed on: prune its
    switch if a case label names one of the arms (it is the switch that
    moved), hand the arms on again if it has no switch; else take it
    whole.  Returns an error message, or None."""
    d = res.defn
    assert d is not None            # _pick() found it
    if switch_names(d.src, d, arms) or find_switch(d.src, d) is None:
        return prune_or_hand_on(res, arms)
    res.text = d.src.text[d.start:d.end]
    return None


def follow(tree: str, search_dir: str, results: list[Result],
           provided: set[str],
           index: Optional[TreeIndex] = None) -> list[Result]:
    """Results for the helpers and macros the sliced *results* use,
    transitively; appended in the order found.  Raises SliceError if a
    helper's switch cannot be pruned to the arms handed on to it.
    *index*: the run's TreeIndex of tree (one is made if not given)."""
    have = {r.entry.name for r in results}
    index = index or TreeIndex(tree, search_dir)
    macros, fns = index.maybe_defined()
    todo = [r for r in results if r.text]
    added = []
    for _ in range(MAX_ROUNDS):
        # name -> (kinds, the caller's file, arms handed on)
        want: dict[str, tuple[tuple[str, ...], str,
                              Optional[tuple[str, ...]]]] = {}
        for r in todo:
            calls, idents = _uses(r.text)
            for name in idents - have - provided - C_WORDS:
                used_as = {"fn"} if name in calls & fns else set()
                used_as |= {"macro"} if name in macros else set()
                if not used_as:
                    continue
                assert r.defn is not None   # it has text
                old = want.get(name, ((), r.defn.src.rel, None))
                arms = old[2] or (r.arms_for_helpers if name in calls
                                  else None)
                want[name] = (tuple(sorted(set(old[0]) | used_as)), old[1],
                              arms)
        if not want:
            break
        names = sorted(want)
        found = index_tree(tree, search_dir,
                           [SpecEntry(k, n) for n in names
                            for k in want[n][0]], index)
        todo = []
        for name in names:
            have.add(name)
            kinds, caller, arms = want[name]
            res = None
            for kind in kinds:      # "fn" sorts first
                res = res or _pick(SpecEntry(kind, name),
                                   found.get(name, []), caller)
            if res is None:
                continue
            assert res.defn is not None     # _pick() found it
            if arms and res.entry.kind == "fn":
                err = _hand_on_arms(res, arms)
                if err:
                    raise SliceError(EXIT_SYMBOL, err)
            else:
                res.text = res.defn.src.text[res.defn.start:res.defn.end]
            res.notes.insert(0, "used by the slice (not in the spec); "
                                f"sliced from {res.defn.where()}")
            added.append(res)
            todo.append(res)
        if len(added) > MAX_ADDED:
            break
    return added


def _pick(entry: SpecEntry, defs: list[Definition],
          caller_file: str) -> Optional[Result]:
    """One definition of a name the slice uses, or None (not defined
    under the search dir as that kind)."""
    res, err = resolve(entry, defs)
    if res.defn is not None:
        return res
    if err is None:
        return None
    own = [d for d in defs if d.kind == entry.kind and
           d.src.rel == caller_file]
    if not own:
        return None             # ambiguous: the compiler will say so
    res = Result(entry, defn=own[0])
    res.notes.append(f"defined in several files; using the caller's "
                     f"{own[0].where()}")
    return res
