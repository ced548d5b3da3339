# SPDX-License-Identifier: GPL-2.0
"""Where things are: the project's top directory, the cache directory and,
inside a kernel tree, the KVM x86 code's directory.

cache_dir() is the one place the cache path is computed (the shell scripts
ask it: ``python3 scripts/kvm_validate/paths.py cache-dir``).
"""

import os
import sys

# This file is scripts/kvm_validate/paths.py.
TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
KVM_DIR = "arch/x86/kvm"


def cache_dir() -> str:
    """$KVM_X86_SIM_CACHE, else $XDG_CACHE_HOME/kvm_x86_sim, else
    ~/.cache/kvm_x86_sim (an empty variable counts as unset, as in sh's
    ${VAR:-default})."""
    own = os.environ.get("KVM_X86_SIM_CACHE")
    if own:
        return own
    xdg = os.environ.get("XDG_CACHE_HOME") or \
        os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(xdg, "kvm_x86_sim")


def trees_dir() -> str:
    """The cached kernel trees (scripts/fetch-kernel-trees.sh fills it)."""
    return os.path.join(cache_dir(), "trees")


def full_tree() -> "str | None":
    """$KVM_X86_SIM_FULL_TREE, else the newest whole tree cached by
    scripts/fetch-kernel-trees.sh --full (None: there is none)."""
    env = os.environ.get("KVM_X86_SIM_FULL_TREE")
    if env:
        return env
    try:
        found = sorted(e for e in os.listdir(trees_dir())
                       if e.endswith("-full"))
    except OSError:
        return None
    return os.path.join(trees_dir(), found[-1]) if found else None


def within(root: str, path: str) -> bool:
    """Whether path, with every symlink and .. resolved, is root or below
    it (root resolved the same way)."""
    r = os.path.realpath(root)
    p = os.path.realpath(path)
    return p == r or p.startswith(r.rstrip("/") + "/")


def _main(argv: list[str]) -> int:
    if argv == ["cache-dir"]:
        print(cache_dir())
        return 0
    print("usage: paths.py cache-dir", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
