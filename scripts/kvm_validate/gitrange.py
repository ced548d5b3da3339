# SPDX-License-Identifier: GPL-2.0
"""--git: the patches of a range of the user's repository, checked on the
tree at the range's base.

The forms are checkpatch's: REV (that commit), R1..R2 (the commits after R1
up to R2) and REV-COUNT (the COUNT commits ending at REV, e.g. HEAD-3).  The
patches are `git format-patch --stdout --numbered` of the range, read like
any mbox; the tree is the base commit's arch/x86/kvm, extracted once per
commit with `git archive` into the cache (a commit never changes, so the
slices and binaries of a base are cached too).  A merge in the range, an
empty range or a revision git does not know is bad input.
"""

import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from typing import Optional

from .errors import BadInput, HarnessError
from .paths import KVM_DIR, cache_dir
from .scratch import run_child

COUNT_RE = re.compile(r"^(?P<rev>.+)-(?P<n>\d+)$")


@dataclass
class GitSeries:
    repo: str                   # the repository's top level
    base: str                   # the base commit (full sha)
    commits: list[str]          # the range's commits, oldest first
    mbox: str                   # a file: format-patch's mbox of them
    tree: str                   # the base's arch/x86/kvm, extracted


def run_git(repo: str, *args: str, input_text: Optional[str] = None
             ) -> "subprocess.CompletedProcess[str]":
    """git -C repo args; a git that cannot run is the harness's failure."""
    try:
        return run_child(["git", "-C", repo, *args], stderr_to_stdout=False,
                         input_text=input_text)
    except OSError as e:
        raise HarnessError(f"cannot run git: {e.strerror} (install git)")


def git_output(repo: str, *args: str) -> str:
    """git's output; its failure is bad input (a revision, a range)."""
    r = run_git(repo, *args)
    if r.returncode:
        why = (r.stderr.strip().splitlines() or ["?"])[-1]
        raise BadInput(f"--git: git {args[0]} failed in {repo}: {why}")
    return r.stdout


def repo_top(path: Optional[str]) -> str:
    """The git top level of path (default: the current directory)."""
    where = os.path.abspath(path or ".")
    if not os.path.isdir(where):
        raise BadInput(f"{where}: no such directory (--kernel)")
    r = run_git(where, "rev-parse", "--show-toplevel")
    if r.returncode:
        raise BadInput(f"--git: {where} is not in a git repository (give "
                       "--kernel REPO)")
    return r.stdout.strip()


def split_range(spec: str) -> tuple[str, str]:
    """(base, tip) revisions of a --git argument."""
    if ".." in spec:
        if "..." in spec:
            raise BadInput(f"--git {spec}: a symmetric range (A...B) has "
                           "no single base; give A..B")
        base, tip = spec.split("..", 1)
        return base or "HEAD", tip or "HEAD"
    m = COUNT_RE.match(spec)
    if m:
        n = int(m.group("n"))
        if n < 1:
            raise BadInput(f"--git {spec}: a count of at least 1")
        return f"{m.group('rev')}~{n}", m.group("rev")
    return f"{spec}^", spec


def _commit(repo: str, rev: str, spec: str) -> str:
    r = run_git(repo, "rev-parse", "--verify", "--quiet",
                 "--end-of-options", f"{rev}^{{commit}}")
    if r.returncode or not r.stdout.strip():
        raise BadInput(f"--git {spec}: {rev} is not a commit of {repo}")
    return r.stdout.strip()


def read_range(repo: str, spec: str) -> GitSeries:
    base_rev, tip_rev = split_range(spec)
    base = _commit(repo, base_rev, spec)
    tip = _commit(repo, tip_rev, spec)
    commits = git_output(repo, "rev-list", "--reverse", "--topo-order",
                         f"{base}..{tip}").split()
    if not commits:
        raise BadInput(f"--git {spec}: no commit in the range")
    merges = git_output(repo, "rev-list", "--merges",
                        f"{base}..{tip}").split()
    if merges:
        raise BadInput(f"--git {spec}: the range holds merge commit "
                       f"{merges[0][:12]}; give a linear series")
    text = git_output(repo, "format-patch", "--stdout", "--numbered",
                      "--no-stat", "--binary", "--no-color", f"{base}..{tip}")
    tree = base_tree(repo, base)
    # kept beside the tree: the replay commands of the report name it
    mbox = os.path.join(os.path.dirname(tree), f"{base[:12]}..{tip[:12]}.mbox")
    try:
        with open(mbox, "w", encoding="utf-8", errors="surrogateescape") \
                as f:
            f.write(text)
    except OSError as e:
        raise HarnessError(f"cannot write {mbox}: {e.strerror}")
    return GitSeries(repo, base, commits, mbox, tree)


def base_tree(repo: str, sha: str) -> str:
    """The commit's arch/x86/kvm under the cache (git-trees/SHA), made
    once: extracted into a temporary directory, then renamed into place."""
    root = os.path.join(cache_dir(), "git-trees")
    dest = os.path.join(root, sha)
    if os.path.isfile(os.path.join(dest, KVM_DIR, "x86.c")):
        return dest
    try:
        os.makedirs(root, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=f".{sha[:12]}-", dir=root)
    except OSError as e:
        raise HarnessError(f"cannot write the cache {root}: {e.strerror}")
    try:
        tar = os.path.join(tmp, "kvm.tar")
        git_output(repo, "archive", "--format=tar", "-o", tar, sha, "--",
                   KVM_DIR)
        with tarfile.open(tar) as t:
            for m in t.getmembers():
                if not (m.isfile() or m.isdir()) or m.name.startswith(
                        ("/", "..")) or "/../" in m.name:
                    continue        # links and odd names: not ours to make
                t.extract(m, os.path.join(tmp, "tree"), set_attrs=False)
        os.unlink(tar)
        try:
            os.rename(os.path.join(tmp, "tree"), dest)
        except OSError:
            if not os.path.isdir(dest):     # else another run made it
                raise
    except BadInput:
        raise BadInput(f"--git: commit {sha[:12]} has no {KVM_DIR}")
    except (OSError, tarfile.TarError) as e:
        raise HarnessError(f"cannot extract {KVM_DIR} of {sha[:12]}: {e}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def base_commit_warnings(bases: list[str], tree: str,
                         checked_on: Optional[str]) -> list[str]:
    """What the series' base-commit: trailers say against the tree it is
    checked on: checked_on (a --git base) or the HEAD of the git
    repository holding tree.  A tree that is no git checkout (a Debian
    linux-source tree) cannot be compared: said so, not guessed."""
    if not bases:
        return []
    head = checked_on
    if head is None:
        r = run_git(tree, "rev-parse", "--verify", "--quiet", "HEAD")
        head = r.stdout.strip() if r.returncode == 0 else None
    if head is None:
        return [f"the series says base-commit {bases[0][:12]}; the tree "
                f"{tree} is not a git checkout, so whether it is at that "
                "base is not known"]
    if any(head.startswith(b) for b in bases):
        return []
    return [f"the series says base-commit {bases[0][:12]}, the tree is at "
            f"{head[:12]}: the patches may apply with offsets or not at "
            "all, and the verdicts are for this tree"]
