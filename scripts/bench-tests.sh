#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-tests.sh: how long a tier of the project's tests takes here (the
# README's figures come from it).  Prints the machine, then per run the
# wall-clock and CPU seconds and ctest's summary; with --busy the same tier
# again while as many CPU hogs as there are CPUs run beside it (another
# build, as a newcomer's machine has).  Asserts nothing: the tests' own
# verdicts never depend on the time they take.
#
#   scripts/bench-tests.sh [--tier quick|long|LABEL] [--busy] [--build DIR]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="${KVM_X86_SIM_BUILD:-$top/build}"
tier=quick
busy=0
while [ $# -gt 0 ]; do
	case "$1" in
	--tier) [ $# -ge 2 ] || { echo "bench-tests: --tier needs a label" >&2; exit 2; }
		tier="$2"; shift 2 ;;
	--busy) busy=1; shift ;;
	--build) [ $# -ge 2 ] || { echo "bench-tests: --build needs a directory" >&2; exit 2; }
		build="$2"; shift 2 ;;
	-h|--help) sed -n '4,11p' "$0"; exit 0 ;;
	*) echo "bench-tests: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done
[ -f "$build/CTestTestfile.cmake" ] ||
	{ echo "bench-tests: no build in $build (run ./kvm-x86-sim setup)" >&2; exit 2; }

echo "machine: $(nproc) CPUs ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME")"

# this shell's children's user + system seconds so far
children_cpu() {
	times | awk 'NR == 2 {
		n = split($0, f, /[ ms]+/)
		print f[1] * 60 + f[2] + f[3] * 60 + f[4] }'
}

# one run of the tier: wall and CPU seconds (the tests' and their children's)
run() {
	local what=$1 log t0 t1 c0 c1
	log=$(mktemp "${TMPDIR:-/tmp}/kvm-bench-tests.XXXXXX")
	c0=$(children_cpu)
	t0=$(date +%s.%N)
	rc=0
	KVM_X86_SIM_BUILD="$build" "$top/kvm-x86-sim" test --tier "$tier" \
		>"$log" 2>&1 || rc=$?
	t1=$(date +%s.%N)
	c1=$(children_cpu)
	printf '%-5s %-5s wall %4.0f s, CPU %4.0f s, exit %d: %s\n' \
		"$tier" "$what" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
		"$(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }')" "$rc" \
		"$(grep -E 'tests passed' "$log" | tail -n 1)"
	rm -f "$log"
}

run idle
if [ $busy = 1 ]; then
	pids=()
	for _ in $(seq "$(nproc)"); do
		( while :; do :; done ) &
		pids+=($!)
	done
	trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
	run busy
	kill "${pids[@]}" 2>/dev/null || true
fi
