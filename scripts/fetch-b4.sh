#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Obtain b4 from Debian's sid suite (bookworm's 0.12 predates check
# commands) without installing it: its packages and the pure-Python ones
# it needs from sid (patatt, liblore, ezgb, git-filter-repo) are extracted
# under the cache, and a wrapper runs it with the system's python3.  The
# compiled dependencies come from this machine's own suites
# (python3-requests python3-dkim python3-dnspython python3-pygit2
# python3-nacl): missing ones are named, and installed with --install.
#
# Usage: fetch-b4.sh [--cache DIR] [--install] [--refresh]
# Prints the wrapper's path (run it as b4).  Exit: 0 ok, 2 usage, 4 the
# download, extraction or a dependency failed.
set -euo pipefail

cache=$(python3 "$(dirname "$0")/kvm_validate/paths.py" cache-dir)
install=0
refresh=0
die() { echo "fetch-b4: $*" >&2; exit "${2:-4}"; }

while [ $# -gt 0 ]; do
	case "$1" in
	--cache) cache="$2"; shift 2 ;;
	--install) install=1; shift ;;
	--refresh) refresh=1; shift ;;
	-h|--help) sed -n '4,14p' "$0"; exit 0 ;;
	*) die "unknown argument '$1'" 2 ;;
	esac
done

sid_pkgs=(b4 python3-patatt python3-liblore python3-ezgb git-filter-repo)
system_pkgs=(python3-requests python3-dkim python3-dnspython python3-pygit2
	python3-nacl git)
system_python=/usr/bin/python3

missing=()
for p in "${system_pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ $install = 1 ] && [ "$(id -u)" = 0 ] ||
		die "b4 needs: ${missing[*]} (apt-get install them, or run with --install as root)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
fi

dest="$cache/b4"
wrapper="$dest/bin/b4"
if [ $refresh = 0 ] && [ -x "$wrapper" ]; then
	echo "$wrapper"
	exit 0
fi

# shellcheck source=private-apt.sh
. "$(dirname "$0")/private-apt.sh"
apt_update
debs="$apt_dir/debs/b4"
rm -rf "$debs" "$dest.tmp"
mkdir -p "$debs" "$dest.tmp/bin"
args=()
for p in "${sid_pkgs[@]}"; do args+=("$p/sid"); done
(cd "$debs" && apt-get "${apt_opts[@]}" -q download "${args[@]}" \
	>"$apt_dir/download-b4.log" 2>&1) ||
	die "apt-get download ${sid_pkgs[*]} failed, see $apt_dir/download-b4.log"
for d in "$debs"/*.deb; do
	dpkg-deb -x "$d" "$dest.tmp/root" || die "extracting $d failed"
done
site="$dest/root/usr/lib/python3/dist-packages"
cat >"$dest.tmp/bin/b4" <<EOF
#!/bin/sh
# b4 from Debian sid, extracted by scripts/fetch-b4.sh
PYTHONPATH="$site\${PYTHONPATH:+:\$PYTHONPATH}" exec $system_python "$dest/root/usr/bin/b4" "\$@"
EOF
chmod +x "$dest.tmp/bin/b4"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
"$wrapper" --version >/dev/null 2>&1 || die "the extracted b4 does not run: $("$wrapper" --version 2>&1 | tail -n 1)"
echo "$wrapper"
