# SPDX-License-Identifier: GPL-2.0
"""The hostile-input cases for `kvm-x86-sim validate`, one module per
category.  A case is a function decorated with @case(category, expect):
it builds its input in its own directory (Ctx) at test time and returns
the Run to make; the runner (runner.py) checks the exit code and that the
tree, the temp dir, the process table and the cache are intact afterwards.
"""

import dataclasses
import typing

# Exit codes of validate (the contract the cases hold it to).
OK, VIOLATION, BAD_INPUT, HARNESS = 0, 1, 2, 3

# The categories whose cases need validate's exploration as it runs by
# default: findings only the exploration makes (kvmbugs), verdicts that
# include it (refactor), the command line as typed (cli).  The others
# test the reading of hostile input, the build and the running of the
# cases, and pass --no-explore (the exploration has its own tests).
EXPLORING = {"kvmbugs", "refactor", "cli"}


@dataclasses.dataclass
class Case:
    name: str
    category: str
    expect: int
    match: typing.Optional[str]     # regex the output must match
    alt: typing.Optional[tuple]     # (exit, regex): also accepted
    make: typing.Callable
    why: str


REGISTRY = {}
CATEGORIES = []


def case(category, expect, match=None, alt=None):
    """Register a case.  `match` is searched (re.S, re.M) in stdout + stderr
    + the --output file; `alt` = (exit, regex) names a second acceptable
    outcome where the contract allows two (e.g. an out-of-order series may
    be put in order, or refused with a hint)."""
    def deco(fn):
        if category not in CATEGORIES:
            CATEGORIES.append(category)
        doc = " ".join((fn.__doc__ or fn.__name__).split("\n\n")[0].split())
        REGISTRY[fn.__name__] = Case(fn.__name__, category, expect, match,
                                     alt, fn, doc)
        return fn
    return deco


def load():
    """Import every category module (each registers its cases)."""
    from . import (mail, gitdiff, dialects, closure, paths,  # noqa
                   badpatch, cut, compile, trees, output, signals, cache,
                   cli, refactor, kvmbugs)
    return REGISTRY
