# SPDX-License-Identifier: GPL-2.0
"""What becomes of each spec entry: the slicer's driver.

For every entry one definition is picked among its candidates (several are
only allowed in mutually exclusive preprocessor branches of one file, or
when their text is the same: a copied file), its switch is pruned if the
spec says ``arms=`` (its statements if ``stmts=``), and every symbol error
is collected into one SliceError.
"""

from dataclasses import dataclass, field
from typing import Optional

from .conditionals import exclusive
from .errors import EXIT_SYMBOL, PROG, SliceError
from .index import Definition, TreeIndex, index_tree
from .prune import prune_function
from .stmts import prune_statements
from .switch import find_switch
from .spec import SpecEntry


@dataclass
class Result:
    """What became of one spec entry."""
    entry: SpecEntry
    defn: Optional[Definition] = None
    notes: list[str] = field(default_factory=list)
    text: str = ""            # definition text to emit
    kept_arms: list[str] = field(default_factory=list)
    dropped_arms: int = 0
    counted_arms: int = 0     # kept arms other than the default arm
    kept_stmts: int = 0       # stmts=: statements kept (declarations aside)
    dropped_stmts: int = 0
    pruned: bool = False
    # arms= of a function whose switch is not in its own body: handed on
    # to the helpers it calls that hold the switch (closure.py)
    arms_for_helpers: Optional[tuple[str, ...]] = None
    # found, but the harness could not compile it: the first error
    # (buildcheck.py); left out of the slice like a missing definition
    unbuilt: str = ""


def resolve(entry: SpecEntry,
            defs: list[Definition]) -> tuple[Result, Optional[str]]:
    """Pick the definition for *entry* from its candidates.

    Returns (Result, error message or None).
    """
    res = Result(entry)
    defs = [d for d in defs if d.kind == entry.kind]
    if not defs:
        return res, None
    first = defs[0]
    ok = all(d.src is first.src for d in defs) and all(
        exclusive(a.path, b.path)
        for i, a in enumerate(defs) for b in defs[i + 1:])
    if not ok and len({" ".join(d.src.text[d.start:d.end].split())
                       for d in defs}) == 1:
        # a copied header or file: the same text twice, nothing to choose
        res.defn = first
        res.notes.append("identical definitions at " + ", ".join(
            d.where() for d in defs) + f"; using {first.where()}")
        return res, None
    if not ok:
        where = ", ".join(d.where() for d in defs)
        return res, (f"{PROG}: {entry.kind} {entry.name} defined "
                     f"{len(defs)} times: {where}")
    res.defn = first
    for d in defs[1:]:
        res.notes.append(f"also defined at {d.where()} in a mutually "
                         f"exclusive preprocessor branch; using "
                         f"{first.where()}")
    return res, None


def prune_or_hand_on(res: Result, arms: tuple[str, ...]) -> Optional[str]:
    """Prune the found function's switch to *arms*; a function whose body
    holds no switch (a patch moved it into a helper) is taken whole and
    its arms= handed on to the helpers it calls (closure.py).  Returns an
    error message, or None."""
    d = res.defn
    assert d is not None            # only a found function is pruned
    if find_switch(d.src, d) is None:
        res.text = d.src.text[d.start:d.end]
        res.arms_for_helpers = arms
        res.notes.append("no switch directly in the body: taken whole; "
                         "arms= applies to the helpers it calls")
        return None
    return prune_function(res, arms)


def slice_tree(tree: str, search_dir: str, entries: list[SpecEntry],
               index: Optional[TreeIndex] = None) -> list[Result]:
    """Find and prepare every spec entry; returns the list of Results.
    *index*: the run's TreeIndex of tree (one is made if not given).

    Raises SliceError(EXIT_SYMBOL) listing every symbol problem.
    """
    found = index_tree(tree, search_dir, entries, index)
    results, errors = [], []
    for entry in entries:
        res, err = resolve(entry, found.get(entry.name, []))
        results.append(res)
        if err:
            errors.append(err)
        elif res.defn is None:
            if entry.required:
                errors.append(f"{PROG}: {tree}: required symbol "
                              f"{entry.name} not found under {search_dir}")
        elif entry.arms:
            err = prune_or_hand_on(res, entry.arms)
            if err:
                errors.append(err)
        elif entry.stmts:
            err = prune_statements(res, entry.stmts)
            if err:
                errors.append(err)
        else:
            res.text = res.defn.src.text[res.defn.start:res.defn.end]
    if errors:
        raise SliceError(EXIT_SYMBOL, *errors)
    return results
