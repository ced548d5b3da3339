# SPDX-License-Identifier: GPL-2.0
"""The errors that end validation early, and the exit code of each.

BadInput (exit 2): the user's input is wrong (usage, a patch that does not
apply, a tree without arch/x86/kvm, a compile error in the patched code).
HarnessError (exit 3): the harness itself failed (not built, disk full, a
tool crashed).  Both take lines: the first is the one-line reason, the rest
are details.
"""

import errno


class BadInput(Exception):
    """Exit 2: the first line is the one-line reason, the rest details."""

    def __init__(self, *lines: str) -> None:
        super().__init__(*lines)


class BadOutput(BadInput):
    """Exit 2: --output cannot be written (checked before the run); the
    report goes to stdout instead."""


class HarnessError(Exception):
    """Exit 3: the harness failed; same shape as BadInput."""

    def __init__(self, *lines: str) -> None:
        super().__init__(*lines)


class Interrupted(Exception):
    """A signal (SIGINT, SIGTERM, SIGHUP) ended the run: exit 128 + signum."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


# errno values that say what went wrong in words a user acts on
_ERRNO_WORDS = {
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "read-only file system",
    errno.ENOENT: "no such file or directory",
}


def os_error_reason(e: OSError, doing: str) -> str:
    """'disk full (ENOSPC) writing X': the errno named, not a traceback."""
    word = _ERRNO_WORDS.get(e.errno or 0, e.strerror or str(e))
    name = errno.errorcode.get(e.errno or 0, "")
    where = f" {e.filename}" if e.filename else ""
    return f"{word}{f' ({name})' if name else ''} {doing}{where}"


def lines_of(e: Exception) -> list[str]:
    """The non-empty lines an error was raised with."""
    return [str(a) for a in e.args if str(a)]
