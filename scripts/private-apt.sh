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

# Write the private sources list: the machine's own suites plus sid, all
# from the archive the machine already uses.
write_sources() {
	local lines
	lines=$(apt-get indextargets --format '$(URI) $(RELEASE) $(COMPONENT)' \
		'Identifier: Packages' 2>/dev/null) || true
	[ -n "$lines" ] || die "apt-get indextargets reports no Debian suite; run 'apt-get update' first"
	: >"$apt_dir/sources.list"
	local uri rel comp base debian_base=""
	while read -r uri rel comp; do
		base="${uri%%/dists/*}"
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $base $rel $comp" \
			>>"$apt_dir/sources.list"
		# The main archive (not -security) also carries sid.
		case "$rel" in *-security|*-updates|*-backports) ;; *) debian_base="$base" ;; esac
	done <<<"$lines"
	[ -n "$debian_base" ] || die "no main Debian archive among the machine's suites"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $debian_base sid main" \
		>>"$apt_dir/sources.list"
	sort -u -o "$apt_dir/sources.list" "$apt_dir/sources.list"
}

apt_ready=0
apt_update() {
	[ $apt_ready = 1 ] && return
	write_sources
	apt-get "${apt_opts[@]}" -q update >"$apt_dir/update.log" 2>&1 ||
		die "private 'apt-get update' failed, see $apt_dir/update.log"
	apt_ready=1
}

