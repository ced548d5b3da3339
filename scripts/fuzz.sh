#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz.sh: AFL++ (Debian's afl++) on the readers of untrusted input: the
# mail and patch reader of `validate` and the slicer's C scanner, through
# tests/fuzz/afl_python.py (coverage and forkserver for Python) and the
# targets in tests/fuzz/targets.py, from the seed corpus we wrote
# (tests/fuzz/corpus/TARGET).  Prints executions, speed, corpus, crashes
# and hangs per target.  A crash is a finding (exit 1) with the command
# that replays it; put the input under tests/fuzz/regressions/TARGET/ once
# fixed.  A "hang" is re-run alone with 10 s: only one still running then
# is a finding.  --selftest first checks that a planted crash is found.
#
#   scripts/fuzz.sh [--seconds N] [--target NAME]... [--out DIR] [--selftest]
#
# CI runs the smoke (60 s a target); scripts/fuzz.sh --seconds 3600 is a
# full run.  Exit: 0 nothing found, 1 a finding, 2 usage or no afl-fuzz.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
seconds=60
targets=()
out=""
selftest=""
while [ $# -gt 0 ]; do
	case "$1" in
	--seconds) seconds="$2"; shift 2 ;;
	--target) targets+=("$2"); shift 2 ;;
	--out) out="$2"; shift 2 ;;
	--selftest) selftest=1; shift ;;
	*) echo "usage: $0 [--seconds N] [--target patch|slicer]... [--out DIR] [--selftest]" >&2
	   exit 2 ;;
	esac
done
[ ${#targets[@]} -gt 0 ] || targets=(patch slicer)
command -v afl-fuzz >/dev/null ||
	{ echo "fuzz: afl-fuzz is not installed (apt-get install afl++)" >&2; exit 2; }
py=$(command -v python3)
shim="$top/tests/fuzz/afl_python.py"
if [ -z "$out" ]; then
	out=$(mktemp -d)
	trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
# a container: no core_pattern or CPU governor of ours to set
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 \
	AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1

stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$2"; }

# fuzz TARGET SECONDS: one campaign; prints its figures, sets $crashes
fuzz() {
	local t="$1" s="$2" dir="$out/$1" st
	rm -rf "$dir"
	if ! afl-fuzz -V "$s" -t 2000 -i "$top/tests/fuzz/corpus/$t" \
		-o "$dir" -- "$py" "$shim" "$t" @@ >"$out/$t.log" 2>&1; then
		echo "fuzz: afl-fuzz failed on target $t:" >&2
		tail -n 15 "$out/$t.log" >&2
		exit 2
	fi
	st="$dir/default/fuzzer_stats"
	crashes=$(stat saved_crashes "$st")
	hangs=$(stat saved_hangs "$st")
	printf 'fuzz %-8s %8s execs in %4s s (%s/s), corpus %s, edges %s, crashes %s, hangs %s\n' \
		"$t" "$(stat execs_done "$st")" "$(stat run_time "$st")" \
		"$(stat execs_per_sec "$st")" "$(stat corpus_count "$st")" \
		"$(stat edges_found "$st")" "$crashes" "$hangs"
}

if [ -n "$selftest" ]; then
	fuzz selftest 20
	if [ "$crashes" = 0 ]; then
		echo "fuzz: the planted crash of target selftest was not found: the fuzzer is blind" >&2
		exit 1
	fi
fi

found=0
for t in "${targets[@]}"; do
	[ -d "$top/tests/fuzz/corpus/$t" ] ||
		{ echo "fuzz: no target $t (tests/fuzz/targets.py)" >&2; exit 2; }
	fuzz "$t" "$seconds"
	for f in "$out/$t"/default/crashes/id:*; do
		[ -e "$f" ] || continue
		found=1
		echo "FINDING $t crash: $f" >&2
		"$py" "$shim" "$t" "$f" 2>&1 | tail -n 6 >&2 || true
		echo "  replay: python3 tests/fuzz/afl_python.py $t FILE" >&2
	done
	for f in "$out/$t"/default/hangs/id:*; do
		[ -e "$f" ] || continue
		if ! timeout 10 "$py" "$shim" "$t" "$f" >/dev/null 2>&1; then
			found=1
			echo "FINDING $t hang (over 10 s alone): $f" >&2
		else
			echo "fuzz: $t: $f ran past 2 s under load, in time alone" >&2
		fi
	done
done
if [ "$found" != 0 ]; then
	trap - EXIT
	echo "fuzz: findings kept in $out" >&2
	exit 1
fi
