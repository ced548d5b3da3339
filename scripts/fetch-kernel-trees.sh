#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Obtain, cache and extract the Debian kernel source trees the harness
# slices: linux-source-6.12 (from this machine's own Debian suites) and the
# newest linux-source-7.* (from Debian's sid suite).
#
# Nothing in the system's apt configuration changes (scripts/private-apt.sh).
#
# Usage: fetch-kernel-trees.sh [--cache DIR] [--refresh] [--full] [TREE...]
#   TREE is "6.12" or "7" (newest 7.x); default: both.
#   --full extracts the whole tree (kunit.py needs it) as linux-<TREE>-full;
#   the default extracts only the paths the harness slices.
# Prints one line per tree: "<name> <path>".  A second run reuses the cache
# without touching the network unless --refresh is given.
#
# Exit codes: 0 ok, 2 usage, 4 download or extraction failed.
set -euo pipefail

# the one definition of the cache path: $KVM_X86_SIM_CACHE, $XDG_CACHE_HOME, ~/.cache
cache=$(python3 "$(dirname "$0")/kvm_validate/paths.py" cache-dir)
refresh=0
full=0
want=()

die() { echo "fetch-kernel-trees: $*" >&2; exit "${2:-4}"; }

while [ $# -gt 0 ]; do
	case "$1" in
	--cache) cache="$2"; shift 2 ;;
	--refresh) refresh=1; shift ;;
	--full) full=1; shift ;;
	-h|--help) sed -n '4,19p' "$0"; exit 0 ;;
	6.12|7) want+=("$1"); shift ;;
	*) die "unknown argument '$1'" 2 ;;
	esac
done
[ ${#want[@]} -gt 0 ] || want=(6.12 7)

# Paths the harness needs; the rest of a 150 MB tarball stays packed.
harness_paths=(arch/x86/kvm Makefile)

trees_dir="$cache/trees"
mkdir -p "$trees_dir"
# shellcheck source=private-apt.sh
. "$(dirname "$0")/private-apt.sh"

# Newest package named linux-source-<series>[.minor] known to the private lists.
resolve_pkg() {
	local series="$1"
	if [ "$series" = 6.12 ]; then
		echo linux-source-6.12
		return
	fi
	apt-cache "${apt_opts[@]}" pkgnames "linux-source-$series." 2>/dev/null |
		grep -E "^linux-source-$series\.[0-9]+$" | sort -V | tail -n 1
}

fetch_one() {
	local series="$1"
	local suffix=""
	[ $full = 1 ] && suffix="-full"
	local link="$trees_dir/linux-$series$suffix"
	if [ $refresh = 0 ] && [ -f "$link/.kvm_x86_sim-stamp" ]; then
		echo "$series $(readlink -f "$link")"
		return
	fi
	apt_update
	local pkg ver deb dest tarball
	pkg=$(resolve_pkg "$series")
	[ -n "$pkg" ] || die "no linux-source-$series.* package in the private apt lists"
	ver=$(apt-cache "${apt_opts[@]}" policy "$pkg" | awk '/Candidate:/ {print $2}')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "no candidate version for $pkg"
	dest="$trees_dir/$pkg-$ver$suffix"
	if [ ! -f "$dest/.kvm_x86_sim-stamp" ]; then
		(cd "$apt_dir/debs" && apt-get "${apt_opts[@]}" -q download "$pkg=$ver" \
			>"$apt_dir/download.log" 2>&1) ||
			die "apt-get download $pkg=$ver failed, see $apt_dir/download.log"
		deb=$(ls -t "$apt_dir/debs/${pkg}_"*.deb | head -n 1)
		tarball="./usr/src/$pkg.tar.xz"
		rm -rf "$dest.tmp"
		mkdir -p "$dest.tmp"
		local members=()
		if [ $full = 0 ]; then
			local p
			for p in "${harness_paths[@]}"; do members+=("$pkg/$p"); done
		fi
		dpkg-deb --fsys-tarfile "$deb" | tar -xO "$tarball" |
			tar -xJ -C "$dest.tmp" --strip-components=1 "${members[@]}" ||
			die "extracting $tarball from $deb failed"
		[ -d "$dest.tmp/arch/x86/kvm" ] || die "$deb holds no arch/x86/kvm"
		echo "$pkg $ver$suffix" >"$dest.tmp/.kvm_x86_sim-stamp"
		rm -rf "$dest"
		mv "$dest.tmp" "$dest"
	fi
	ln -sfn "$(basename "$dest")" "$link"
	echo "$series $dest"
}

for s in "${want[@]}"; do
	fetch_one "$s"
done
