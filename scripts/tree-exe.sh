# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the exploration scripts: their options [--tree NAME] [--build
# DIR] (default: linux-7 in ./build) and the test binary they name, as
# $top, $build, $tree and $exe.  Exits 2 with a message if it is not built.
top=$(cd "$(dirname "$0")/.." && pwd)
build="${KVM_X86_SIM_BUILD:-$top/build}"
tree=linux-7
while [ $# -gt 0 ]; do
	case "$1" in
	--tree) tree="$2"; shift 2 ;;
	--build) build="$2"; shift 2 ;;
	*) echo "usage: $0 [--tree NAME] [--build DIR]" >&2; exit 2 ;;
	esac
done
exe="$build/kvm_x86_sim_tests_$tree"
[ -x "$exe" ] ||
	{ echo "${0##*/}: no $exe (run ./kvm-x86-sim setup)" >&2; exit 2; }
