# SPDX-License-Identifier: GPL-2.0
"""The slicer's exit codes, its name in messages, and its one fatal error."""

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_SYMBOL = 3

PROG = "kvm_slice"


class SliceError(Exception):
    """A fatal error: carries the process exit code and one or more lines."""

    def __init__(self, code: int, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.code = code
        self.lines = lines
