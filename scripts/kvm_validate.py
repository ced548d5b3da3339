#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The entry point of `kvm-x86-sim validate`: ``python3 scripts/kvm_validate.py``.

The code is the kvm_validate package beside this file (see its __init__.py
for what it does and its exit codes).  This path is what ./kvm-x86-sim,
CMake's validate tests and scripts/bench-validate.sh run.
"""

import sys
from typing import Callable

# (python3 puts this file's directory first on sys.path: the packages
# beside it import as they are, the way kunit.py's modules do)
from kvm_validate.cli import run_from_command_line
from kvm_validate.report import any_locale


def subcommand(main: Callable[[list[str]], int], argv: list[str]) -> int:
    """explore or mutate: their children's temporary directory removed
    on every exit path, as validate's (a signal's too)."""
    from kvm_validate.errors import Interrupted
    from kvm_validate.scratch import cleanup_all, install_signal_handlers
    install_signal_handlers()
    try:
        return main(argv)
    except Interrupted as e:
        return 128 + e.signum
    except KeyboardInterrupt:
        return 130
    finally:
        cleanup_all()


if __name__ == "__main__":
    any_locale()
    if sys.argv[1:2] == ["explore"]:
        from kvm_validate.explore import main
        sys.exit(subcommand(main, sys.argv[2:]))
    if sys.argv[1:2] == ["test"]:
        from kvm_validate.testrun import main
        sys.exit(subcommand(main, sys.argv[2:]))
    if sys.argv[1:2] == ["mutate"]:
        from kvm_validate.mutate import main
        sys.exit(subcommand(main, sys.argv[2:]))
    sys.exit(run_from_command_line())
