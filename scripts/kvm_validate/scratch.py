# SPDX-License-Identifier: GPL-2.0
"""The scratch copy of the tree, the child processes, and what a signal
cleans up.

Every write of a run goes to one scratch directory (mkdtemp): the tree's
arch/x86/kvm is copied into <scratch>/tree with file symlinks dereferenced
and every file made writable, so a tree of symlinks or a read-only tree is
patched like any other.  SIGINT, SIGTERM and SIGHUP remove the scratch
directories and kill the process group of every registered child (children
run in their own session), then end the run with Interrupted.

run.py starts the test binary: it calls register_child(pid) after starting
it with start_new_session=True and unregister_child(pid) when it is reaped;
everything else here runs its tools through run_child().
"""

import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from types import FrameType
from typing import Any, Callable, Optional

from .errors import Interrupted

_dirs: set[str] = set()
_children: set[int] = set()
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def register_child(pid: int) -> None:
    """A child started with start_new_session=True: a signal kills its
    whole process group."""
    _children.add(pid)


def unregister_child(pid: int) -> None:
    _children.discard(pid)


def kill_children() -> None:
    for pid in list(_children):
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass            # already gone
        _children.discard(pid)


def remove_tree(path: str) -> None:
    """rm -r that also removes what a read-only copy left read-only."""
    def onerror(func: Callable[..., Any], p: str, _exc: Any) -> None:
        try:
            os.chmod(os.path.dirname(p), 0o700)
            if os.path.isdir(p) and not os.path.islink(p):
                os.chmod(p, 0o700)
            func(p)
        except OSError:
            pass
    if os.path.lexists(path):
        shutil.rmtree(path, onerror=onerror)


def track(path: str) -> None:
    """A temporary directory a signal removes (untrack when done)."""
    _dirs.add(path)


def untrack(path: str) -> None:
    _dirs.discard(path)


def cleanup_all() -> None:
    kill_children()
    for d in list(_dirs):
        remove_tree(d)
        _dirs.discard(d)


def _on_signal(signum: int, _frame: Optional[FrameType]) -> None:
    cleanup_all()
    raise Interrupted(signum)


def install_signal_handlers() -> None:
    for s in SIGNALS:
        signal.signal(s, _on_signal)


_tool_tmp: Optional[str] = None


def tool_tmpdir() -> str:
    """The TMPDIR of every child (gcc's and collect2's temporary files):
    removed with the scratch copy, by a signal too."""
    global _tool_tmp
    if _tool_tmp is None or not os.path.isdir(_tool_tmp):
        _tool_tmp = tempfile.mkdtemp(prefix="kvm-x86-sim-tmp-")
        _dirs.add(_tool_tmp)
    return _tool_tmp


def _unblock() -> None:
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)


def start(argv: list[str], env: Optional[dict[str, str]] = None,
          **kw: Any) -> "subprocess.Popen[Any]":
    """Popen in a session of its own, registered before a signal can be
    handled (a signal in between would leave it running), with TMPDIR
    set to tool_tmpdir()."""
    env = dict(os.environ if env is None else env, TMPDIR=tool_tmpdir())
    old = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        p = subprocess.Popen(argv, env=env, start_new_session=True,
                             preexec_fn=_unblock, **kw)
        register_child(p.pid)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
    return p


def git_env() -> dict[str, str]:
    """The environment for git: without the caller's GIT_* variables.  A
    git hook exports GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, ...: git
    would read that repository, not the one validate was asked about."""
    return {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}


def run_child(argv: list[str], cwd: Optional[str] = None,
              env: Optional[dict[str, str]] = None,
              stderr_to_stdout: bool = True,
              input_text: Optional[str] = None
              ) -> subprocess.CompletedProcess[str]:
    """subprocess.run in its own session, killed (with its group) by a
    signal to us.  Output is text with undecodable bytes replaced;
    input_text, if given, is its standard input."""
    p = start(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
              stderr=subprocess.STDOUT if stderr_to_stdout
              else subprocess.PIPE, text=True, errors="replace",
              stdin=subprocess.PIPE if input_text is not None
              else subprocess.DEVNULL)
    try:
        out, err = p.communicate(input_text)
    finally:
        unregister_child(p.pid)
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                pass
            p.wait()
    return subprocess.CompletedProcess(argv, p.returncode, out, err)


def _copy_writable(src: str, dst: str) -> str:
    """Copy the content only (a read-only source gives a writable copy)."""
    shutil.copyfile(src, dst)
    os.chmod(dst, 0o644)
    return dst


@dataclass
class Scratch:
    """A scratch directory: `root` is the tree copy, `base` holds it and
    the run's temporary files."""
    base: str
    root: str

    @classmethod
    def create(cls) -> "Scratch":
        base = tempfile.mkdtemp(prefix="kvm-x86-sim-validate-")
        _dirs.add(base)
        root = os.path.join(base, "tree")
        os.mkdir(root)
        return cls(base, root)

    def copy_dir(self, tree: str, rel: str) -> None:
        """tree/rel -> root/rel, all writable.  A symlink to a file is
        copied as the file (a tree of symlinks, cp -rs, is patched like
        any other); a dangling one is left out; a symlink to a directory
        stays a symlink, so a loop is not followed and a path through a
        link out of the tree still resolves outside (apply refuses it)."""
        src = os.path.join(tree, rel)
        dst = os.path.join(self.root, rel)
        shutil.copytree(src, dst, symlinks=True,
                        copy_function=_copy_writable)
        for d, dirs, files in os.walk(dst):
            os.chmod(d, 0o755)
            for fn in dirs + files:
                p = os.path.join(d, fn)
                if not os.path.islink(p):
                    continue
                orig = os.path.join(src, os.path.relpath(p, dst))
                if os.path.isfile(orig):
                    os.unlink(p)
                    _copy_writable(orig, p)
                elif not os.path.isdir(orig):
                    os.unlink(p)        # dangling: nothing to read

    def copy_file(self, tree: str, rel: str) -> None:
        dst = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        _copy_writable(os.path.join(tree, rel), dst)

    def remove(self) -> None:
        remove_tree(self.base)
        _dirs.discard(self.base)

