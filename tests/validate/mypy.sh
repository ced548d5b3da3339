#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ctest validate/mypy: type-check scripts/kvm_validate and scripts/kvm_slice
# with tests/validate/mypy.ini.  Exit 77 (skip) when mypy is not installed
# (Debian's package: apt-get install mypy).
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../scripts" || exit 1
if command -v mypy >/dev/null 2>&1; then
	set -- mypy
elif python3 -c 'import mypy' 2>/dev/null; then
	set -- python3 -m mypy
else
	echo "SKIP: mypy is not installed"
	exit 77
fi
exec "$@" --config-file "$here/mypy.ini" kvm_validate kvm_slice
