# SPDX-License-Identifier: GPL-2.0
#
# A private apt for Debian packages the harness needs but does not install
# into the system (the kernel source trees, b4 from sid): sourced by
# fetch-kernel-trees.sh and fetch-b4.sh.  Needs $cache and die() defined.
# Nothing in the system's apt configuration changes: a private sources
# list, list directory and package cache live under $cache/apt, built from
# the archive URI that `apt-get indextargets` reports for this machine.

apt_dir="$cache/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" \
	"$apt_dir/debs"

apt_opts=(
	-o "Dir::Etc::SourceList=$apt_dir/sources.list"
	-o "Dir::Etc::SourceParts=/dev/null"
	-o "Dir::State::Lists=$apt_dir/lists"
	-o "Dir::Cache=$apt_dir/cache"
	-o "APT::Sandbox::User=root"
	-o "Debug::NoLocking=1"
)

# Write the private sources list: the machine's own suites, plus every
# Debian suite that carries kernel sources (by alias, so nothing here names
# a release that will age), all from the archive the machine already uses.
# Suites the archive lacks today are tolerated by apt_update.
write_sources() {
	local lines
	lines=$(apt-get indextargets --format '$(URI) $(RELEASE) $(COMPONENT)' \
		'Identifier: Packages' 2>/dev/null) || true
	[ -n "$lines" ] || die "apt-get indextargets reports no Debian suite; run 'apt-get update' first"
	: >"$apt_dir/sources.list"
	: >"$apt_dir/own-suites"
	local uri rel comp base debian_base="" security_base="" s
	local key="[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]"
	while read -r uri rel comp; do
		base="${uri%%/dists/*}"
		echo "deb $key $base $rel $comp" >>"$apt_dir/sources.list"
		echo "$rel" >>"$apt_dir/own-suites"
		case "$rel" in
		*-security) security_base="$base" ;;
		*-updates|*-backports) ;;
		*) debian_base="$base" ;;
		esac
	done <<<"$lines"
	[ -n "$debian_base" ] || die "no main Debian archive among the machine's suites"
	for s in sid experimental oldstable oldstable-updates oldstable-backports \
		stable stable-updates stable-backports testing testing-updates; do
		echo "deb $key $debian_base $s main" >>"$apt_dir/sources.list"
	done
	if [ -n "$security_base" ]; then
		for s in oldstable-security stable-security testing-security; do
			echo "deb $key $security_base $s main" >>"$apt_dir/sources.list"
		done
	fi
	sort -u -o "$apt_dir/sources.list" "$apt_dir/sources.list"
}

apt_ready=0
apt_update() {
	[ $apt_ready = 1 ] && return
	write_sources
	# A suite the archive no longer (or not yet) has makes apt-get exit
	# non-zero; only a missing sid list is fatal.
	apt-get "${apt_opts[@]}" -q update >"$apt_dir/update.log" 2>&1 || true
	ls "$apt_dir/lists/"*_dists_sid_main_*Packages* >/dev/null 2>&1 ||
		die "private 'apt-get update' failed, see $apt_dir/update.log"
	apt_ready=1
}

