#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# coverage.sh: which lines of the tree's own sliced functions the suite
# executes.  Builds one tree's test binary with gcov instrumentation into
# build-cov/ (KVM_X86_SIM_COVERAGE), runs every scenario and a short
# exploration (one process: workers would not write their counts), and
# prints the coverage per sliced function on the tree's files and lines
# (the slice's #line directives); gcovr (Debian's) reads the counts.
#
#   scripts/coverage.sh [--tree NAME | --kernel DIR] [--lines] [--html DIR]
#   (--kernel: any tree, e.g. one of the matrix, built alone as "custom"
#   into build-cov-custom/)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build-cov"
tree=linux-7
lines=""
html=""
own=()
while [ $# -gt 0 ]; do
	case "$1" in
	--tree) tree="$2"; shift 2 ;;
	--kernel) [ -d "${2:-}" ] || { echo "coverage: --kernel needs a tree" >&2; exit 2; }
		own=(-DKVM_X86_SIM_FETCH=OFF "-DKVM_X86_SIM_KERNEL=$(cd "$2" && pwd)")
		tree=custom; build="$top/build-cov-custom"; shift 2 ;;
	--lines) lines=--lines; shift ;;
	--html) html="$2"; shift 2 ;;
	*) echo "usage: $0 [--tree NAME | --kernel DIR] [--lines] [--html DIR]" >&2; exit 2 ;;
	esac
done
command -v gcovr >/dev/null ||
	{ echo "coverage: gcovr is not installed (apt-get install gcovr)" >&2; exit 2; }

cmake -S "$top" -B "$build" -DKVM_X86_SIM_COVERAGE=ON \
	-DCMAKE_BUILD_TYPE=Debug "${own[@]}" >/dev/null
cmake --build "$build" -j "$(nproc)" --target "kvm_x86_sim_tests_$tree" \
	>/dev/null
exe="$build/kvm_x86_sim_tests_$tree"
slice="$build/slice/$tree/slice.json"
find "$build" -name '*.gcda' -delete
"$exe" --summary | tail -n 1
"$exe" --explore --jobs 1 --window 2 --programs 5000 | grep violating
src=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["tree"])' "$slice")
# gcovr's filter is a regex: a Debian version's '+' and '.' are literal
filter=$(python3 -c 'import re, sys; print(re.escape(sys.argv[1]))' "$src/arch/x86/kvm/")
gcovr --root / --filter "$filter" --json "$build/coverage.json" \
	"$build"
[ -z "$html" ] || gcovr --root / --filter "$filter" \
	--html-details -o "$html/index.html" "$build"
python3 "$top/scripts/coverage_report.py" "$slice" "$build/coverage.json" $lines
