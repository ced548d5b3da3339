# SPDX-License-Identifier: GPL-2.0
"""--git: the patches of a range of the user's repository, checked on the
tree at the range's base.

The forms are checkpatch's: REV (that commit), R1..R2 (the commits after R1
up to R2) and REV-COUNT (the COUNT commits ending at REV, e.g. HEAD-3).  The
patches are `git format-patch --stdout --numbered` of the range, read like
any mbox; the tree is the base commit's arch/x86/kvm and headers, taken
byte for byte from its objects (git ls-tree, git cat-file: no attribute
such as export-ignore drops a file) once per commit into the cache, where
it is used again only while every file still hashes to the commit's
object (a commit never changes, so the slices and binaries of a base are
cached too).  git runs without the caller's GIT_* variables: a hook's GIT_DIR
never makes it read another repository.  A merge in the range, an empty
range or a revision git does not know is bad input.
"""

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from typing import Optional

from .errors import BadInput, HarnessError
from .paths import KVM_DIR, cache_dir
from .scratch import git_env, run_child, start, unregister_child

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
                         input_text=input_text, env=git_env())
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


# What validate reads of a tree: the KVM code and the headers the slicer
# may take definitions from
TREE_PATHS = (KVM_DIR, "arch/x86/include", "include")


def _blobs(repo: str, sha: str) -> list[tuple[str, str, str]]:
    """(mode, object, path) of every regular file under TREE_PATHS."""
    out = git_output(repo, "ls-tree", "-r", "-z", "--full-tree", sha, "--",
                     *TREE_PATHS)
    blobs = []
    for ent in out.split("\0"):
        if not ent:
            continue
        meta, _, path = ent.partition("\t")
        mode, kind, obj = meta.split()
        if kind == "blob" and mode in ("100644", "100755"):
            blobs.append((mode, obj, path))
    return blobs


def _write_objects(repo: str, blobs: list[tuple[str, str, str]],
                   dest: str) -> None:
    """The blobs' bytes, exactly as the repository holds them, at their
    paths under dest (git cat-file --batch)."""
    p = start(["git", "-C", repo, "cat-file", "--batch"], env=git_env(),
              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
              stderr=subprocess.DEVNULL)
    try:
        out, _ = p.communicate("".join(f"{o}\n" for _, o, _ in blobs)
                               .encode())
    finally:
        unregister_child(p.pid)
    if p.returncode:
        raise HarnessError(f"git cat-file failed in {repo} (exit "
                           f"{p.returncode})")
    pos = 0
    for mode, obj, path in blobs:
        nl = out.index(b"\n", pos)
        head = out[pos:nl].split()
        if len(head) != 3 or head[1] != b"blob":
            raise HarnessError(f"git cat-file: unexpected answer for "
                               f"{path}: {out[pos:nl][:80]!r}")
        size = int(head[2])
        data = out[nl + 1:nl + 1 + size]
        pos = nl + 1 + size + 1
        if path.startswith("/") or ".." in path.split("/"):
            continue            # not a path of ours to make
        full = os.path.join(dest, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)
        os.chmod(full, 0o755 if mode == "100755" else 0o644)


def _matches(repo: str, blobs: list[tuple[str, str, str]],
             dest: str) -> bool:
    """Whether dest holds exactly the blobs (the same paths, each file
    hashing to its object: git hash-object), nothing trusted by name."""
    have = sorted(os.path.relpath(os.path.join(d, f), dest)
                  for d, _, fs in os.walk(dest) for f in fs)
    if have != sorted(path for _, _, path in blobs):
        return False
    r = run_child(["git", "hash-object", "--stdin-paths"], cwd=dest,
                  env=git_env(), stderr_to_stdout=False,
                  input_text="".join(f"{p}\n" for p in have))
    if r.returncode:
        return False
    return dict(zip(have, r.stdout.split())) == {
        path: obj for _, obj, path in blobs}


def base_tree(repo: str, sha: str) -> str:
    """The commit's arch/x86/kvm and headers under the cache
    (git-trees/SHA): used again only if every file still hashes to the
    commit's object for it, else made again (in a temporary directory,
    renamed into place)."""
    root = os.path.join(cache_dir(), "git-trees")
    dest = os.path.join(root, sha)
    blobs = _blobs(repo, sha)
    if not any(path.startswith(KVM_DIR + "/") for _, _, path in blobs):
        raise BadInput(f"--git: commit {sha[:12]} has no {KVM_DIR}")
    if os.path.isdir(dest) and _matches(repo, blobs, dest):
        return dest
    try:
        os.makedirs(root, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=f".{sha[:12]}-", dir=root)
    except OSError as e:
        raise HarnessError(f"cannot write the cache {root}: {e.strerror}")
    try:
        tree = os.path.join(tmp, "tree")
        os.makedirs(tree)
        _write_objects(repo, blobs, tree)
        if os.path.isdir(dest):
            # a copy that no longer matches the commit: never trusted
            shutil.rmtree(dest, ignore_errors=True)
        try:
            os.rename(tree, dest)
        except OSError:
            if not os.path.isdir(dest):     # else another run made it
                raise
    except OSError as e:
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
