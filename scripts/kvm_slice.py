#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The slicer's entry point: ``python3 scripts/kvm_slice.py --tree DIR ...``.

The code is the kvm_slice package beside this file (see its __init__.py for
usage, the spec format and exit codes).  This path is what CMake,
kunit/run-kunit.sh and `kvm-x86-sim validate` run.
"""

import sys

# (python3 puts this file's directory first on sys.path: the packages
# beside it import as they are, the way kunit.py's modules do)
from kvm_slice.cli import main

if __name__ == "__main__":
    sys.exit(main())
