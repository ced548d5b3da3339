#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the kvm_x86_sim scenarios as KUnit tests with the tree's own
# ./tools/testing/kunit/kunit.py run (UML by default).
#
# Usage: kunit/run-kunit.sh [--kernel DIR] [--build-dir DIR] [--coverage]
#                           [-- KUNIT_ARGS...]
#   --kernel     a full kernel tree (default: Debian's newest 7.x, fetched
#                and cached whole by scripts/fetch-kernel-trees.sh --full 7)
#   --build-dir  kunit.py's --build_dir (default: build/kunit-<tree name>)
#   --coverage   KUnit's UML coverage config (tools/testing/kunit/configs/
#                coverage_uml.config, in its own build dir ...-cov), then
#                gcovr's line coverage of the sliced kernel code
#   KUNIT_ARGS   passed to kunit.py run (e.g. --raw_output, --json)
#
# The UML build's tools are checked first (gcc make flex bison bc perl
# python3): a missing one is named with its Debian package (exit 2);
# `./kvm-x86-sim setup --kunit` installs them.
#
# The tree is never written to.  kunit.py runs in an overlay: a hard-link
# copy of the tree under ~/.cache/kvm_x86_sim/kunit/<tree>/src (files the
# overlay changes are replaced, never edited, so the links to your tree are
# cut first) holding lib/kvm_x86_sim/ and two one-line hooks in lib/Makefile
# and lib/Kconfig.  Delete that directory to remove every trace.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=$(python3 "$top/scripts/kvm_validate/paths.py" cache-dir)
kernel=""
build_dir=""
coverage=0
kunit_args=()

die() { echo "run-kunit: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel|--build-dir)
		[ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a directory"
		if [ "$1" = --kernel ]; then kernel="$2"; else build_dir="$2"; fi
		shift 2 ;;
	--coverage) coverage=1; shift ;;
	--) shift; kunit_args=("$@"); break ;;
	-h|--help) sed -n '4,25p' "$0"; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done

# command:Debian package, for what kunit.py's UML build runs
deps=(gcc:gcc make:make flex:flex bison:bison bc:bc perl:perl python3:python3)
[ $coverage = 1 ] && deps+=(gcovr:gcovr)
missing=()
for d in "${deps[@]}"; do
	command -v "${d%%:*}" >/dev/null 2>&1 || missing+=("${d#*:}")
done
[ ${#missing[@]} -eq 0 ] ||
	die "the KUnit build needs: ${missing[*]} (./kvm-x86-sim setup --kunit installs them; or apt-get install ${missing[*]})"

if [ -z "$kernel" ]; then
	kernel=$(bash "$top/scripts/fetch-kernel-trees.sh" --full 7 | awk '{print $2}')
fi
# (-P: a tree reached through a symlink is copied, not the link)
kernel=$(cd "$kernel" 2>/dev/null && pwd -P) || die "no such tree: $kernel"
[ -f "$kernel/tools/testing/kunit/kunit.py" ] ||
	die "$kernel: no tools/testing/kunit/kunit.py (a full kernel tree is needed)"
[ -f "$kernel/arch/x86/kvm/x86.c" ] || die "$kernel: no arch/x86/kvm/x86.c"
[ -f "$kernel/.config" ] &&
	die "$kernel has a .config: kunit.py needs a clean source tree (make mrproper)"

name=$(basename "$kernel")
work="$cache/kunit/$name"
overlay="$work/src"
gen="$work/gen"			# our files, rewritten only when they change
suffix=""
[ $coverage = 0 ] || suffix=-cov	# a build of its own: other config
build_dir="${build_dir:-$top/build/kunit-$name$suffix}"
mkdir -p "$work" "$gen" "$build_dir"
build_dir=$(cd "$build_dir" && pwd)

# Copy $1 to $2 only if the content differs, so that make sees old mtimes.
sync_file() {
	mkdir -p "$(dirname "$2")"
	cmp -s "$1" "$2" || cp "$1" "$2"
}

# 1. The files of lib/kvm_x86_sim/, staged in $gen: the sources, headers
#    and Kbuild fragment the build description names (cmake/Sources.cmake,
#    through cmake/Kbuild.cmake), and the slice.
stage="$gen/lib/kvm_x86_sim"
for f in Kconfig Makefile .kunitconfig kvm_x86_sim_kunit.c; do
	sync_file "$top/kunit/$f" "$stage/$f"
done
cmake -DOUT="$work/sources.mk" -DFILES_OUT="$work/sources.txt" \
	-DCHECK_OUT="$work/check_cc.txt" \
	-P "$top/cmake/Kbuild.cmake" >/dev/null ||
	die "cmake -P cmake/Kbuild.cmake failed"
sync_file "$work/sources.mk" "$stage/sources.mk"
while read -r f; do
	sync_file "$top/$f" "$stage/$f"
done <"$work/sources.txt"
# The slice as the cmocka build has it: compiled first, what the stubs
# lack taken from the tree's headers, what does not build left out.
mapfile -t check_cc <"$work/check_cc.txt"
python3 "$top/scripts/kvm_slice.py" --tree "$kernel" \
	--spec "$top/slice/kvm_msr.spec" --out-c "$work/slice.c" \
	--out-h "$work/slice.h" --check-glue "$top/stubs/glue.c" \
	--check-cc "${CC:-gcc}" "${check_cc[@]}" >"$work/slice.txt" ||
	die "slicing $kernel failed (see $work/slice.txt)"
sync_file "$work/slice.c" "$stage/slice/slice.c"
sync_file "$work/slice.h" "$stage/slice/slice.h"
sed -e "s|@SLICE_DIR@|$overlay/lib/kvm_x86_sim/slice|" \
	-e "s|@GLUE@|$overlay/lib/kvm_x86_sim/stubs/glue.c|" \
	"$top/cmake/glue.c.in" >"$work/glue_tree.c"
sync_file "$work/glue_tree.c" "$stage/glue_tree.c"

# 2. The two hooks, on copies of the tree's files.
hook() {	# file line
	{ cat "$kernel/$1"; echo "$2"; } >"$work/hook.tmp"
	sync_file "$work/hook.tmp" "$gen/$1"
}
hook lib/Makefile 'obj-$(CONFIG_KVM_X86_SIM_KUNIT_TEST) += kvm_x86_sim/'
hook lib/Kconfig 'source "lib/kvm_x86_sim/Kconfig"'

# 3. The overlay: hard links to the tree, then our files over them (cp -a
#    replaces a linked file instead of writing through the link).
rm -rf "$overlay"
cp -al "$kernel" "$overlay" 2>/dev/null || cp -a "$kernel" "$overlay"
rm -f "$overlay/lib/Makefile" "$overlay/lib/Kconfig"
cp -a "$gen/." "$overlay/"

# (The slice was cut from the tree itself, so its #line directives, and
# hence compiler messages and traces, name the tree's files.)
echo "kvm_x86_sim: KUnit in $overlay (tree: $kernel), build dir $build_dir" >&2
cd "$overlay"
# The suites print every case's findings (the breaks_* cases many): a
# printk buffer of the default 128 KiB wraps before UML's console has
# written it out, and kunit.py then reads a truncated KTAP.
cov_args=()
[ $coverage = 1 ] &&
	cov_args=(--kunitconfig=tools/testing/kunit/configs/coverage_uml.config)
if [ $coverage = 0 ]; then
	exec python3 tools/testing/kunit/kunit.py run \
		--kunitconfig=lib/kvm_x86_sim --build_dir="$build_dir" \
		--kernel_args=log_buf_len=32M "${kunit_args[@]}"
fi
find "$build_dir" -name '*.gcda' -delete 2>/dev/null || true
rc=0
python3 tools/testing/kunit/kunit.py run --kunitconfig=lib/kvm_x86_sim \
	"${cov_args[@]}" --build_dir="$build_dir" \
	--kernel_args=log_buf_len=32M "${kunit_args[@]}" || rc=$?
if ! find "$build_dir/lib/kvm_x86_sim" -name '*.gcda' | grep -q .; then
	# Tried on Debian 12 (gcc 12): the UML link fails, libgcov's
	# mangle_path() colliding with fs/seq_file.c's, the gcc >= 7 trouble
	# Documentation/dev-tools/kunit/running_tips.rst warns of.
	echo "run-kunit: no coverage data (kunit.py run exit $rc): UML coverage" \
		"builds are known to fail with gcc 7 and later (the kernel's" \
		"running_tips.rst); scripts/coverage.sh measures the same sliced" \
		"code in userspace" >&2
	exit 3
fi
# UML writes the .gcda files at its exit, beside the objects; the slice's
# #line directives name the tree's files, so the report is on arch/x86/kvm
echo "kvm_x86_sim: line coverage of the sliced code under KUnit (UML):" >&2
gcovr --root "$overlay" --object-directory "$build_dir" \
	--filter "$overlay/arch/x86/kvm/" --filter "$kernel/arch/x86/kvm/" \
	"$build_dir/lib/kvm_x86_sim" || exit 3
exit $rc
