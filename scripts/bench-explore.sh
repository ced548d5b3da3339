#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-explore.sh: how fast the exploration of injected interruptions runs
# on one tree's test binary (default: linux-7, the newest Debian 7.x), and
# what it adds to validate's verdict on one patch.  Prints figures; asserts
# nothing.  The targets (issue 10): every single-injection schedule of the
# suite in under 10 s, at least 5 million simulated events per second, and
# validate's default exploration adding at most 1 s to a patch's verdict.
#
#   scripts/bench-explore.sh [--tree NAME] [--build DIR]
set -euo pipefail

. "$(dirname "$0")/tree-exe.sh"

run() {
	echo "== $1"
	shift
	"$exe" --explore "$@" | grep -E '^explore: [0-9]|s, [0-9]+ schedules|violating|programs'
}
run "single injections, every scenario (the long ones too)" --window 0 --all
run "single injections, the short scenarios" --window 0
run "validate's default: pairs at most 3 apart, 5000 programs per vendor" --window 3 --programs 5000
run "single injections + pairs at most 8 apart (kvm-x86-sim explore)" --window 8
run "100000 generated programs per vendor (one short scenario's schedules)" --window 0 --scenario plain_msrs --programs 100000

# validate on a one-line patch, with and without the exploration (warm
# cache: the binary is built once, then each run only runs it)
work=$(mktemp -d "${TMPDIR:-/tmp}/kvm-bench-explore.XXXXXX")
trap 'rm -rf "$work"' EXIT
cache=$(python3 "$top/scripts/kvm_validate/paths.py" cache-dir)
kernel="$cache/trees/$tree"
if [ -f "$kernel/arch/x86/kvm/x86.c" ]; then
	mkdir -p "$work/a/arch/x86/kvm" "$work/b/arch/x86/kvm"
	cp "$kernel/arch/x86/kvm/x86.c" "$work/a/arch/x86/kvm/"
	{ echo "/* bench-explore */"; cat "$kernel/arch/x86/kvm/x86.c"; } \
		>"$work/b/arch/x86/kvm/x86.c"
	(cd "$work" && diff -u a/arch/x86/kvm/x86.c b/arch/x86/kvm/x86.c |
		sed '1,2s/\t.*//' >one.patch) || true
	v() {
		local t0 t1
		t0=$(date +%s.%N)
		"$top/kvm-x86-sim" validate --quiet --kernel "$kernel" \
			--patch "$work/one.patch" "$@" >/dev/null
		t1=$(date +%s.%N)
		python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$t0" "$t1"
	}
	v --no-explore >/dev/null	# warm the cache
	echo "== validate, one patch, warm cache"
	echo "without exploration: $(v --no-explore) s"
	echo "with exploration:    $(v) s"
fi
