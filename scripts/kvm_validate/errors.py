# SPDX-License-Identifier: GPL-2.0
"""The two ways validation ends without a verdict on the patch."""


class BadInput(Exception):
    """Exit 2: the input is at fault (usage, a patch that does not apply, a
    tree without the files, a compile error in the patched code).  The
    first argument is the one-line reason, the rest details."""


class HarnessError(Exception):
    """Exit 3: the harness itself failed (its build, its disk, its test
    binary); the arguments as for BadInput."""
