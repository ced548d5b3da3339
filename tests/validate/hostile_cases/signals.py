# SPDX-License-Identifier: GPL-2.0
"""Signals to validate mid-run: SIGTERM to its pid, SIGHUP and SIGINT to
its process group, while the code under test hangs or while gcc runs.
Afterwards: no scratch copy, no process left, the cache usable, and an
exit code that is not 0 (128 + the signal, or death by it)."""

import signal

from . import case, kernel

HANG = kernel.in_msr_io("for (;;) ;")


def signalled(c, signum, trigger, group, edit=HANG):
    p = c.write("p.patch", c.mail((kernel.X86, edit),
                                  subject="KVM: x86: hang"))
    return c.run("--patch", p, signal=(signum, trigger, group),
                 max_seconds=60)


@case("signals", 128 + signal.SIGTERM, alt=(-signal.SIGTERM, ""))
def signal_term_while_running(c):
    """SIGTERM to validate while the test binary hangs"""
    return signalled(c, signal.SIGTERM, "binary", False)


@case("signals", 128 + signal.SIGHUP, alt=(-signal.SIGHUP, ""))
def signal_hup_group_while_running(c):
    """SIGHUP to the process group (terminal closed) while it hangs"""
    return signalled(c, signal.SIGHUP, "binary", True)


@case("signals", 128 + signal.SIGINT, alt=(-signal.SIGINT, ""))
def signal_int_group_while_running(c):
    """SIGINT to the process group (Ctrl-C) while it hangs"""
    return signalled(c, signal.SIGINT, "binary", True)


def slow(tag):
    """Thousands of statements make gcc run long enough to be caught; the
    tag keeps each case's slice (and so its compile) its own."""
    return kernel.in_msr_io(f"{{ volatile int hostile_{tag} = 0;",
                            *[f"hostile_{tag} += {k};"
                              for k in range(20000)], "}")


@case("signals", 128 + signal.SIGTERM, alt=(-signal.SIGTERM, ""))
def signal_term_while_compiling(c):
    """SIGTERM to validate while gcc compiles the patched slice: no
    half-written object or binary is used later"""
    return signalled(c, signal.SIGTERM, "compiler", False, slow("term"))


@case("signals", 128 + signal.SIGINT, alt=(-signal.SIGINT, ""))
def signal_int_group_while_compiling(c):
    """SIGINT to the group (gcc gets it too) while compiling"""
    return signalled(c, signal.SIGINT, "compiler", True, slow("int"))
