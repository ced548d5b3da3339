#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# sanitize.sh: the whole suite under AddressSanitizer and UBSan.  Builds
# everything (the machine, the oracle, the scenarios, the stubs and every
# tree's sliced code) with -fsanitize=address,undefined into build-san/,
# then runs each tree's ctest entries (every scenario, the cases proving
# each invariant can fail, the exploration checks) there.  Any sanitizer
# report stops the process that made it, so it fails its entry; this
# script also fails if a report appears in any output.  Exit 0 clean.
#
#   scripts/sanitize.sh [--smoke] [--build DIR]      (default: build-san)
#
# --smoke (ctest sanitize/asan_ubsan, in CI): the exploration's short runs
# on every tree and its generated programs, not the runs that find the
# planted FPU-core faults and replay them (about ten minutes under the
# sanitizers; the normal build runs them in ctest's explore label).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build-san"
explore='explore'
while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) explore='explore/(smoke|programs)'; shift ;;
	--build) build="$2"; shift 2 ;;
	*) echo "usage: $0 [--smoke] [--build DIR]" >&2; exit 2 ;;
	esac
done

cmake -S "$top" -B "$build" -DKVM_X86_SIM_SANITIZE=ON \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=98
log="$build/sanitize.log"
# the trees' scenarios and the exploration (validate's own tests compile
# slices without the sanitizers: they run in the normal build)
rc=0
{ ctest --test-dir "$build" -L 'linux-' --output-on-failure \
	-j "$(nproc)" && ctest --test-dir "$build" -R "^$explore" \
	--output-on-failure -j "$(nproc)"; } >"$log" 2>&1 || rc=1
tail -n 5 "$log"
if grep -E "runtime error:|ERROR: (AddressSanitizer|LeakSanitizer)" "$log"; then
	echo "sanitize: sanitizer reports above (full log: $log)" >&2
	exit 1
fi
[ $rc = 0 ] || { echo "sanitize: ctest failed (full log: $log)" >&2; exit 1; }
echo "sanitize: clean"
