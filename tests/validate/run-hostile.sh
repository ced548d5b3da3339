#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the hostile-input suite for `kvm-x86-sim validate` by hand:
#
#   tests/validate/run-hostile.sh                    every case
#   tests/validate/run-hostile.sh --list             the cases, expected exits
#   tests/validate/run-hostile.sh --category cut     one category
#   tests/validate/run-hostile.sh --case cut_exit77 --keep   one case, inputs
#                                                    and outputs kept
#
# Build: $KVM_X86_SIM_BUILD or ./build; tree: the cached linux-7 (under
# $KVM_X86_SIM_CACHE or ~/.cache/kvm_x86_sim).  Exit: 0 all passed, 1 some
# failed (one line each: expected vs got, the last lines of output), 77 no
# tree.  The same runs under ctest: ctest --test-dir build -L hostile.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
exec python3 "$top/tests/validate/hostile.py" \
	--build "${KVM_X86_SIM_BUILD:-$top/build}" "$@"
