#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Obtain, cache and extract the Debian kernel source trees the harness
# slices: linux-source-6.12 (from this machine's own Debian suites) and the
# newest linux-source-7.* (from Debian's sid suite).
#
# Nothing in the system's apt configuration changes (scripts/private-apt.sh).
#
# Usage: fetch-kernel-trees.sh [--cache DIR] [--refresh] [--full]
#                              [--keep-debs] [TREE...]
#        fetch-kernel-trees.sh --list
#   TREE is one of
#     6.12      the newest linux-source-6.12 in this machine's own suites
#     7         the newest linux-source-7.* in Debian's sid suite
#     X.Y       the newest linux-source-X.Y in any suite (6.1, 7.3, ...)
#     VERSION   that exact package version (7.3.4-1~bpo13+1, 7.3~rc7-1~exp1)
#     all       the matrix: the newest version of every linux-source-X.Y
#               in every suite that carries one (named by upstream version,
#               e.g. 7.3.4, 7.3-rc7, 6.1.192)
#   default: 6.12 and 7.  --list prints the matrix ("name version suite")
#   without downloading anything.
#   --full extracts the whole tree (kunit.py needs it) as linux-<TREE>-full;
#   the default extracts arch/x86/kvm and the headers its code includes.
#   A downloaded package is deleted once its tree is extracted (about
#   150 MB each) unless --keep-debs or KVM_X86_SIM_KEEP_DEBS=1 keeps it
#   for a later --full or --refresh without the network.
# Prints one line per tree: "<name> <path>".  A second run reuses the cache
# without touching the network unless --refresh is given.
#
# Exit codes: 0 ok, 2 usage, 4 download or extraction failed.
set -euo pipefail

# the one definition of the cache path: $KVM_X86_SIM_CACHE, $XDG_CACHE_HOME, ~/.cache
cache=$(python3 "$(dirname "$0")/kvm_validate/paths.py" cache-dir)
refresh=0
full=0
list=0
keep_debs=${KVM_X86_SIM_KEEP_DEBS:-0}
want=()

die() { echo "fetch-kernel-trees: $*" >&2; exit "${2:-4}"; }

while [ $# -gt 0 ]; do
	case "$1" in
	--cache) [ $# -ge 2 ] || die "--cache needs a directory" 2
		cache="$2"; shift 2 ;;
	--refresh) refresh=1; shift ;;
	--full) full=1; shift ;;
	--list) list=1; shift ;;
	--keep-debs) keep_debs=1; shift ;;
	-h|--help) sed -n '4,31p' "$0"; exit 0 ;;
	all|7|[0-9]*.[0-9]*) want+=("$1"); shift ;;
	*) die "unknown argument '$1' (see --help)" 2 ;;
	esac
done
[ ${#want[@]} -gt 0 ] || want=(6.12 7)

# Paths the harness needs: the KVM code and the headers it includes (the
# shim reads types and constants from them, and a patch may change them);
# the rest of a 150 MB tarball stays packed.
harness_paths=(arch/x86/kvm arch/x86/include include Makefile)
# Bumped when harness_paths changes: older caches are extracted again.
layout=2

trees_dir="$cache/trees"
mkdir -p "$trees_dir"
# shellcheck source=private-apt.sh
. "$(dirname "$0")/private-apt.sh"

# "alias codename" for every suite in the private lists (stable trixie).
suite_codenames() {
	local f alias code
	for f in "$apt_dir/lists/"*_InRelease; do
		[ -e "$f" ] || continue
		alias="${f##*_dists_}"
		alias="${alias%_InRelease}"
		code=$(awk '/^Codename:/ { print $2; exit }' "$f")
		echo "$alias ${code:-$alias}"
	done
}

# "pkg version suite" for every linux-source-X.Y version the private lists
# know, suites by codename (an alias and its codename are one suite).
all_versions() {
	local pkgs
	pkgs=$(apt-cache "${apt_opts[@]}" pkgnames linux-source- 2>/dev/null |
		grep -E '^linux-source-[0-9]+\.[0-9]+$' | sort -V) || true
	[ -n "$pkgs" ] || return 0
	# shellcheck disable=SC2086
	apt-cache "${apt_opts[@]}" madison $pkgs 2>/dev/null |
		awk -F'|' '{ gsub(/ /, "", $1); gsub(/ /, "", $2);
			split($3, a, " "); split(a[2], b, "/");
			print $1, $2, b[1] }' |
		awk 'NR == FNR { code[$1] = $2; next }
			{ print $1, $2, ($3 in code) ? code[$3] : $3 }' \
			<(suite_codenames) - | sort -u
}

# The tree's name: its upstream version ("7.3.4", "7.3-rc7").
upstream_name() {
	local v="${1#*:}"
	v="${v%%-*}"
	echo "${v//\~/-}"
}

# "pkg version name" for one TREE argument (several for "all").
resolve() {
	local spec="$1" rows
	rows=$(all_versions)
	[ -n "$rows" ] || die "no linux-source-* package in the private apt lists"
	case "$spec" in
	6.12)
		# this machine's own suites, as the default has always been
		awk 'NR == FNR { own[$1] = 1; next }
			$1 == "linux-source-6.12" && ($3 in own) { print $1, $2 }' \
			"$apt_dir/own-suites" - <<<"$rows" | sort -k2,2V | tail -n 1 |
			awk '{ print $1, $2, "6.12" }'
		;;
	7)
		awk '$1 ~ /^linux-source-7\./ && $3 == "sid" { print $1, $2 }' \
			<<<"$rows" | sort -k2,2V | tail -n 1 | awk '{ print $1, $2, "7" }'
		;;
	all)
		# newest per (package, suite), each version once
		# (one tree per upstream version: the newest packaging of it)
		sort -k1,1 -k3,3 -k2,2Vr <<<"$rows" | awk '!seen[$1 " " $3]++' |
			awk '{ print $1, $2 }' | sort -u -k2,2Vr |
			while read -r p v; do echo "$p $v $(upstream_name "$v")"; done |
			awk '!seen[$3]++' | sort -k2,2V
		;;
	[0-9]*.[0-9]*-*|[0-9]*.[0-9]*~*)
		awk -v v="$spec" '$2 == v { print $1, $2; exit }' <<<"$rows" |
			while read -r p v; do echo "$p $v $(upstream_name "$v")"; done
		;;
	*)
		awk -v p="linux-source-$spec" '$1 == p { print $1, $2 }' <<<"$rows" |
			sort -k2,2V | tail -n 1 | awk -v n="$spec" '{ print $1, $2, n }'
		;;
	esac
}

fetch_one() {
	local pkg="$1" ver="$2" name="$3"
	local suffix=""
	[ $full = 1 ] && suffix="-full"
	local link="$trees_dir/linux-$name$suffix"
	local dest="$trees_dir/$pkg-$ver$suffix" deb tarball
	if [ $refresh = 1 ] || ! grep -qx "layout $layout" "$dest/.kvm_x86_sim-stamp" 2>/dev/null; then
		deb=$(ls "$apt_dir/debs/${pkg}_${ver//:/%3a}_"*.deb 2>/dev/null | head -n 1) || true
		if [ -z "$deb" ] || [ $refresh = 1 ]; then
			(cd "$apt_dir/debs" && apt-get "${apt_opts[@]}" -q download "$pkg=$ver" \
				>"$apt_dir/download.log" 2>&1) ||
				die "apt-get download $pkg=$ver failed, see $apt_dir/download.log"
			deb=$(ls "$apt_dir/debs/${pkg}_${ver//:/%3a}_"*.deb | head -n 1)
		fi
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
		printf '%s %s%s\nlayout %s\n' "$pkg" "$ver" "$suffix" "$layout" \
			>"$dest.tmp/.kvm_x86_sim-stamp"
		rm -rf "$dest"
		mv "$dest.tmp" "$dest"
		# the package is 150 MB and its tree is extracted: drop it
		[ $keep_debs = 1 ] || rm -f "$deb"
	fi
	ln -sfn "$(basename "$dest")" "$link"
	echo "$name $dest"
}

# The cache answers without the network when every tree asked for by name
# ("6.12", "7") is there already.
cached() {
	local link="$trees_dir/linux-$1"
	[ $full = 1 ] && link="$link-full"
	[ $refresh = 0 ] && grep -qx "layout $layout" "$link/.kvm_x86_sim-stamp" 2>/dev/null &&
		echo "$1 $(readlink -f "$link")"
}

if [ $list = 1 ]; then
	apt_update
	rows=$(all_versions)
	resolve all | while read -r p v n; do
		echo "$n $v $(awk -v p="$p" -v v="$v" '$1 == p && $2 == v {
			printf "%s%s", sep, $3; sep = "," }' <<<"$rows")"
	done
	exit 0
fi

# one tree per upstream version: "all" skips a version a named tree
# ("6.12", "7") already is, in another Debian packaging
declare -A have=()
for s in "${want[@]}"; do
	case "$s" in
	6.12|7)
		if line=$(cached "$s"); then
			echo "$line"
			v=$(awk 'NR == 1 { print $2 }' "${line#* }/.kvm_x86_sim-stamp")
			have[$(upstream_name "$v")]=1
			continue
		fi ;;
	esac
	apt_update
	found=$(resolve "$s")
	[ -n "$found" ] || die "no linux-source package matches '$s' (see --list)"
	while read -r p v n; do
		[ "$s" = all ] && [ -n "${have[$(upstream_name "$v")]:-}" ] && continue
		fetch_one "$p" "$v" "$n"
		have[$(upstream_name "$v")]=1
	done <<<"$found"
done
