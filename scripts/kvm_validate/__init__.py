# SPDX-License-Identifier: GPL-2.0
"""kvm-x86-sim validate: pre-submit validation of a KVM x86 patch series.

  kvm-x86-sim validate [--kernel DIR] [--patch FILE]... [--format FMT]
                       [--output FILE]

For each prefix of the series (patch 1, patches 1-2, ...) the patches are
applied to a scratch copy of the tree's arch/x86/kvm (the user's tree is
only read; every write stays inside the copy), the code is sliced
(scripts/kvm_slice.py), only the slice is compiled and linked against the
prebuilt simulator library, and every scenario is run.  The result is a
table of invariants x patch prefixes; each FAIL names the invariant, the
scenario, the vendor and the guest CPUID, with the short event trace ending
at the kernel's file:line.

Exit: 0 every case of every prefix ran to its end and every invariant holds,
1 an invariant is violated (or the code under test crashed, hung, ran out
of memory or exited early), 2 bad input (usage, a patch that does not apply, a broken
[PATCH n/m] series, a tree without arch/x86/kvm/x86.c, a compile error in
the patched code), 3 the harness itself failed (with the reason),
128 + N when signal N ended the run (scratch copy removed).

Python 3 standard library only, typed (tests/validate/mypy.sh).
scripts/kvm_validate.py is the entry point.  Modules, in the order the work
flows:

    cli       arguments, the run over the series, exit codes
    mail      mbox / mail / thread text: MIME, transfer encodings, charsets
    patches   the diffs in the mail, [PATCH n/m] checks of the series
    scratch   the scratch copy, child processes, signal cleanup
    apply     confined paths; GNU patch, or git apply for binary and copies
    cache     self-verifying cache entries (manifest of hashes)
    build     slice, compile and link the test binary
    run       running the test binary, reading its KTAP; crash, hang, OOM,
              early exit as findings; resuming after a crash
    verdicts  one PASS / FAIL / SKIP per invariant for each step
    report    the table as text, TAP, JUnit XML or JSON; --output
    errors    BadInput (exit 2), HarnessError (exit 3), Interrupted
    paths     the project's top directory, the cache directory, arch/x86/kvm
"""

from .cli import main, run_from_command_line

__all__ = ["main", "run_from_command_line"]
