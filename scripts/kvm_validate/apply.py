# SPDX-License-Identifier: GPL-2.0
"""Applying one patch to the scratch copy of the tree.

GNU patch applies plain diffs and git renames (its offsets and fuzz become
notes); a patch with a GIT binary patch or a copy is applied with
`git apply` (checked with --check first), as GNU patch cannot.  Every path
a patch names is confined to the scratch copy: absolute paths, ".." and
anything resolving outside it through a symlink are refused (BadInput).
Files outside arch/x86/kvm are copied in from the user's tree when it has
them (the user's tree is only read).
"""

import errno
import os
import re
import shutil
from typing import Optional

from .errors import BadInput, HarnessError, os_error_reason
from .patches import FileDiff, Patch
from .paths import KVM_DIR, within
from .changes import defined_at
from .scratch import Scratch, git_env, run_child


def tree_is_complete(tree: str) -> bool:
    """A whole kernel tree, not the cache's cut (arch/x86/kvm and the
    headers it includes)."""
    return all(os.path.isdir(os.path.join(tree, d))
               for d in ("include/linux", "kernel", "mm"))


def os_failure(e: OSError, tree: str) -> Exception:
    """An OSError while copying: the user's tree unreadable is bad input,
    anything else (the scratch disk full, ...) the harness's failure."""
    fn = str(e.filename or "")
    if fn.startswith(tree.rstrip("/") + "/") and e.errno in (
            errno.EACCES, errno.EPERM, errno.EIO, errno.ELOOP):
        return BadInput(os_error_reason(e, "reading the tree:"))
    return HarnessError(os_error_reason(e, "writing the scratch copy:"))


def copy_tree(scratch: Scratch, tree: str) -> None:
    """The tree's arch/x86/kvm into the scratch copy (dereferenced,
    writable)."""
    try:
        scratch.copy_dir(tree, KVM_DIR)
    except shutil.Error as e:
        src, _dst, why = e.args[0][0]
        if "No space left" in why or "Read-only file system" in why:
            raise HarnessError(f"cannot copy the tree to the scratch "
                               f"directory: {why}")
        raise BadInput(f"cannot copy the tree: {src}: {why}")
    except OSError as e:
        raise os_failure(e, tree)


# The top level of a kernel tree: a path the cached partial trees (only
# arch/x86/kvm) lack may be skipped with a note only if it starts here.
KERNEL_TOP = frozenset((
    "arch", "block", "certs", "crypto", "Documentation", "drivers", "fs",
    "include", "init", "io_uring", "ipc", "kernel", "lib", "LICENSES", "mm",
    "net", "rust", "samples", "scripts", "security", "sound", "tools", "usr",
    "virt", ".clang-format", ".gitignore", ".mailmap", "COPYING", "CREDITS",
    "Kbuild", "Kconfig", "MAINTAINERS", "Makefile", "README"))


def confine(scratch: Scratch, rel: str, name: str, fd: FileDiff,
            tree: Optional[str] = None) -> str:
    """root/rel, refused unless it stays inside the scratch copy, and
    (when tree is given) unless its directory in the user's tree stays
    inside that tree: a directory symlink out of the tree is refused, a
    tree of file symlinks (cp -rs) is not."""
    if not rel or rel.startswith("/") or "\0" in rel or \
            ".." in rel.split("/"):
        raise BadInput(f"{name}: refuses path {rel!r} ({fd.where}): it "
                       "leaves the tree")
    dst = os.path.join(scratch.root, rel)
    if not within(scratch.root, dst):
        raise BadInput(f"{name}: refuses path {rel!r} ({fd.where}): it "
                       "resolves outside the scratch copy (a symlink)")
    if tree is not None and not within(
            tree, os.path.dirname(os.path.join(tree, rel))):
        raise BadInput(f"{name}: refuses path {rel!r} ({fd.where}): its "
                       f"directory resolves outside the tree {tree} (a "
                       "directory symlink)")
    target = fd.symlink_target()
    if target is not None and (target.startswith("/") or not within(
            scratch.root, os.path.join(os.path.dirname(dst), target))):
        raise BadInput(f"{name}: refuses the symlink {rel} -> {target!r} "
                       f"({fd.where}): it points outside the tree")
    return dst


def _bring_in(fd: FileDiff, patch: Patch, scratch: Scratch, tree: str,
              name: str, notes: list[str]) -> bool:
    """Make sure the file fd reads is in the scratch copy; False when the
    diff is skipped (a file outside arch/x86/kvm the tree does not have)."""
    rel = fd.source_path()
    dst = confine(scratch, rel, name, fd)
    if fd.creates() or os.path.exists(dst):
        return True
    src = os.path.join(tree, rel)
    if os.path.exists(src):
        try:
            scratch.copy_file(tree, rel)
        except OSError as e:
            raise os_failure(e, tree)
        return True
    unstripped = (fd.old or "").split("\t")[0]
    p0 = unstripped.startswith(KVM_DIR + "/") or (
        unstripped and not unstripped.startswith("/") and
        os.path.exists(os.path.join(tree, unstripped)))
    if rel.startswith(KVM_DIR + "/") or tree_is_complete(tree) or p0 or \
            rel.split("/")[0] not in KERNEL_TOP:
        line = fd.hunks[0].line if fd.hunks else fd.where
        what = (f"renames {rel} to {fd.path()}" if fd.renames() else
                f"copies {rel} to {fd.path()}" if fd.copies() else
                f"{rel} (hunk #1, {line})")
        hint = (f" (a diff without a/ b/ prefixes? {unstripped} is; "
                "validate strips one component, as git am and patch -p1 "
                "do)" if p0 else "")
        raise BadInput(f"{name} does not apply: {what}, but {rel} is not "
                       f"in the tree {tree}{hint}")
    notes.append(f"{rel}: not in this tree (only {KVM_DIR} is there); not "
                 "applied, the slice does not read it")
    return False


def apply_patch(patch: Patch, scratch: Scratch, tree: str, step: int
                ) -> list[str]:
    """Apply one patch to the scratch copy; return the notes (offsets,
    fuzz, skipped files).  BadInput when it does not apply."""
    notes: list[str] = []
    keep = []
    name = f"patch {step} ({patch.label()})"
    git = shutil.which("git")
    for fd in patch.files:
        confine(scratch, fd.path(), name, fd, tree)
        if fd.symlink() and not (fd.creates() and git):
            notes.append(f"{fd.path()}: a symlink (mode 120000); not "
                         "applied" + ("" if git else
                                      " (git is not installed)"))
            continue
        if fd.binary == "stub" or (fd.binary == "git" and not git):
            notes.append(f"binary change to {fd.path()}, not checked"
                         + (" (the patch carries no binary data: git "
                            "format-patch --binary)" if fd.binary == "stub"
                            else " (git is not installed)"))
            continue
        if _bring_in(fd, patch, scratch, tree, name, notes):
            keep.append(fd)
    if not keep:
        return notes
    pfile = os.path.join(scratch.base, f"patch-{step}.diff")
    try:
        with open(pfile, "w", encoding="utf-8", errors="surrogateescape") \
                as f:
            for fd in keep:
                f.write("\n".join(fd.lines) + "\n")
    except OSError as e:
        raise HarnessError(os_error_reason(e, "writing"))
    if git and any(fd.needs_git() for fd in keep):
        _git_apply(git, pfile, patch, scratch, name, keep)
        notes += [f"{fd.path()}: binary change applied with git apply "
                  "(content not checked)" for fd in keep if fd.binary]
    else:
        written = {fd.path(): _hunk_functions(scratch, fd) for fd in keep}
        notes += _gnu_patch(pfile, patch, scratch, name, keep, written)
    os.unlink(pfile)
    return notes


def _landed_elsewhere(scratch: Scratch, fd: Optional[FileDiff], k: int,
                      at: int, written: list[Optional[str]]
                      ) -> Optional[str]:
    """A warning when hunk k, applied at line `at` with an offset, now
    sits in another function than the one it was written in."""
    if fd is None or k > len(fd.hunks):
        return None
    h = fd.hunks[k - 1]
    lead = next((j for j, ln in enumerate(h.body[1:]) if ln[:1] in "+-"), 0)
    lines = _read_lines(os.path.join(scratch.root, fd.path()))
    if not _in_body(lines, at + lead - 1):
        return None     # between definitions: nothing to land inside
    now = defined_at(lines, at + lead - 1)
    m = HUNK_CONTEXT.match(h.body[0])
    if m:
        # the header names what git saw before the hunk in the author's
        # tree: what it sees before it here must name the same
        was = _context_name(m.group(1))
        before = _git_context(lines, at)
        if was is None or was == now or \
                was in re.findall(r"[A-Za-z_]\w*", before or ""):
            return None
    else:
        # no context: the header's line number in this tree (a diff made
        # from this tree whose context matched elsewhere)
        if k > len(written) or written[k - 1] is None or \
                now == written[k - 1]:
            return None
        was = written[k - 1]
    return (f"WARNING: {fd.path()}: hunk #{k} ({h.line}) was written in "
            f"{was}() but applied at line {at}, in "
            f"{now + '()' if now else 'no function'}: check it landed "
            "where you meant")


# "@@ -1,2 +1,3 @@ static int __msr_io(struct kvm_vcpu *vcpu," -> the text
HUNK_CONTEXT = re.compile(r"^@@ -[\d,]+ \+[\d,]+ @@ ?(\S.*)$")
# git's funcname lines for C (its cpp driver): a line at the left margin
# that starts an identifier, a jump label aside
GIT_FUNCNAME = re.compile(r"^[A-Za-z_]")
GIT_LABEL = re.compile(r"^[A-Za-z_]\w*:\s*($|/[/*])")


def _context_name(text: str) -> Optional[str]:
    """The function (or variable, struct) a hunk header's context names:
    the identifier before its first "(", else its last identifier."""
    m = re.search(r"([A-Za-z_]\w*)\s*\(", text)
    if m:
        return m.group(1)
    ids = re.findall(r"[A-Za-z_]\w*", text)
    return ids[-1] if ids else None


def _git_context(lines: list[str], at: int) -> Optional[str]:
    """The funcname line git would put in a header for a hunk starting at
    line `at` (1-based) of lines."""
    for text in reversed(lines[:max(0, at - 1)]):
        if GIT_FUNCNAME.match(text) and not GIT_LABEL.match(text):
            return text
    return None


def _in_body(lines: list[str], k: int) -> bool:
    """Whether line k (0-based) is inside a brace pair (a function's body,
    a struct's), by a count of the braces before it outside comments."""
    depth, comment = 0, False
    for text in lines[:k]:
        text = re.sub(r"//.*|\"(\\.|[^\"\\])*\"|'(\\.|[^'\\])*'", "",
                      text)
        if comment:
            end = text.find("*/")
            if end < 0:
                continue
            text, comment = text[end + 2:], False
        text = re.sub(r"/\*.*?\*/", "", text)
        if "/*" in text:
            text, comment = text[:text.index("/*")], True
        depth += text.count("{") - text.count("}")
    return depth > 0


def _read_lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().split("\n")
    except OSError:
        return []


def _hunk_functions(scratch: Scratch, fd: FileDiff) -> list[Optional[str]]:
    """For each hunk of fd, the function its first changed line was
    written in (the pre-image in the scratch copy)."""
    lines = _read_lines(os.path.join(scratch.root, fd.source_path()))
    out: list[Optional[str]] = []
    for h in fd.hunks:
        m = re.match(r"^@@ -(\d+)", h.body[0])
        lead = next((k for k, ln in enumerate(h.body[1:])
                     if ln[:1] in "+-"), 0)
        out.append(defined_at(lines, int(m.group(1)) + lead - 1)
                   if m and lines else None)
    return out


def _git_env(scratch: Scratch) -> dict[str, str]:
    """git apply outside any repository: never the one around $TMPDIR nor
    one named by the caller's environment."""
    env = git_env()
    env["GIT_CEILING_DIRECTORIES"] = scratch.base
    return env


def _git_apply(git: str, pfile: str, patch: Patch, scratch: Scratch,
               name: str, keep: list[FileDiff]) -> None:
    env = _git_env(scratch)
    passes: list[list[str]] = [["--check"], []]
    for check in passes:
        r = run_child([git, "apply", "-v", *check, pfile],
                      cwd=scratch.root, env=env)
        if r.returncode == 0:
            continue
        out = r.stdout.splitlines()
        failed = []
        by_path = {fd.path(): fd for fd in keep}
        for ln in out:
            m = re.match(r"error: patch failed: (.+):(\d+)$", ln)
            if m:
                fd = by_path.get(m.group(1))
                where = f", hunk at {fd.hunks[0].line}" \
                    if fd and fd.hunks else ""
                failed.append(f"{m.group(1)}: hunk at line {m.group(2)} "
                              f"FAILED{where}")
            elif ln.startswith("error: ") and \
                    not ln.startswith("error: while searching"):
                failed.append(ln[7:])
        failed = failed or [f"git apply exit {r.returncode}"]
        raise BadInput(f"{name} does not apply (git apply): {failed[0]}",
                       *failed[1:], *["git apply: " + ln for ln in out])


def _gnu_patch(pfile: str, patch: Patch, scratch: Scratch, name: str,
               keep: list[FileDiff],
               written: dict[str, list[Optional[str]]]) -> list[str]:
    r = run_child(["patch", "-p1", "--batch", "--forward",
                   "--no-backup-if-mismatch", "--reject-file=-",
                   "-d", scratch.root, "-i", pfile])
    notes = []
    cur: Optional[str] = None
    failed = []
    by_path = {fd.path(): fd for fd in keep}
    for ln in r.stdout.splitlines():
        m = re.match(r"(?:patching|checking) file '?([^']+)'?"
                     r"(?: \((?:renamed|copied) from .*\))?$", ln)
        if m:
            cur = m.group(1)
            continue
        m = re.match(r"Hunk #(\d+) (succeeded|FAILED) at (\d+)(.*)\.$", ln)
        if m:
            fd = by_path.get(cur or "")
            k = int(m.group(1))
            where = ""
            if fd and k <= len(fd.hunks):
                where = f", {fd.hunks[k - 1].line}"
            if m.group(2) == "FAILED":
                failed.append(f"{cur} hunk #{k} FAILED at {m.group(3)}"
                              f"{where}")
            else:
                notes.append(f"{cur}: hunk #{k} applied at {m.group(3)}"
                             f"{m.group(4)}")
                moved = _landed_elsewhere(scratch, fd, k, int(m.group(3)),
                                          written.get(cur or "", []))
                if moved:
                    notes.append(moved)
            continue
        if "Reversed (or previously applied) patch detected" in ln:
            failed.append(f"{cur}: already applied (reversed or previously "
                          "applied patch detected)")
        elif "can't find file to patch" in ln or "No such file" in ln:
            failed.append(f"{cur or '?'}: file not found")
        elif "malformed patch" in ln or "garbage" in ln:
            failed.append(ln.strip())
        elif "No space left on device" in ln:
            raise HarnessError("disk full (ENOSPC) applying the patch to "
                               "the scratch copy", ln.strip())
    if r.returncode != 0 or failed:
        if not failed:
            failed = [ln for ln in r.stdout.splitlines() if ln.strip()][-1:] \
                or [f"GNU patch exit {r.returncode}"]
        raise BadInput(f"{name} does not apply: {failed[0]}",
                       *failed[1:], *["patch: " + ln for ln in
                                      r.stdout.splitlines()])
    return notes
