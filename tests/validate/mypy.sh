#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ctest validate/mypy: type-check, strictly, the Python tooling under
# scripts/ with tests/validate/mypy.ini: the packages kvm_validate,
# kvm_slice and kvm_mutate, then the entry points kvm_validate.py and
# kvm_slice.py (a run of their own: each has the module name of the
# package it imports).  Exit 77 (skip) when mypy is not installed
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
"$@" --config-file "$here/mypy.ini" kvm_validate kvm_slice kvm_mutate ||
	exit
exec "$@" --config-file "$here/mypy.ini" kvm_validate.py kvm_slice.py
