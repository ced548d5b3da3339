# SPDX-License-Identifier: GPL-2.0
"""Applying one patch to the scratch copy of the tree with GNU patch.

Files outside arch/x86/kvm are copied in from the user's tree when it has
them (the user's tree is only read).  GNU patch's offsets and fuzz become
notes; a hunk that fails, a reversed patch or a missing file is a BadInput.
"""

import os
import re
import shutil
import subprocess

from .errors import BadInput
from .paths import KVM_DIR


def tree_is_complete(tree):
    return os.path.isdir(os.path.join(tree, "include", "linux"))


def apply_patch(patch, scratch, tree, step):
    """Apply one patch to the scratch tree with GNU patch; return the notes
    (offsets, fuzz, skipped files).  BadInput when it does not apply."""
    notes = []
    keep = []
    name = f"patch {step} ({patch.label()})"
    for fd in patch.files:
        rel = fd.path()
        if rel.startswith("../") or rel.startswith("/"):
            raise BadInput(f"{name}: refuses path {rel!r}")
        dst = os.path.join(scratch, rel)
        if not fd.creates() and not os.path.exists(dst):
            src = os.path.join(tree, rel)
            if rel.startswith(KVM_DIR + "/") or os.path.exists(src) or \
                    tree_is_complete(tree):
                if not os.path.exists(src):
                    line = fd.hunks[0][0] if fd.hunks else patch.first_line
                    raise BadInput(
                        f"{name} does not apply: {rel} (hunk #1, "
                        f"{patch.source}:{line}) is not in the tree {tree}")
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copy2(src, dst)
            else:
                notes.append(f"{rel}: not in this tree (only {KVM_DIR} "
                             "is there); not applied, the slice does not "
                             "read it")
                continue
        keep.append(fd)
    if not keep:
        return notes
    pfile = os.path.join(scratch, ".validate.patch")
    with open(pfile, "w") as f:
        for fd in keep:
            f.write("\n".join(fd.lines) + "\n")
    r = subprocess.run(["patch", "-p1", "--batch", "--forward",
                        "--no-backup-if-mismatch", "--reject-file=-",
                        "-d", scratch, "-i", pfile],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    os.unlink(pfile)
    cur = None
    failed = []
    by_path = {fd.path(): fd for fd in keep}
    for ln in r.stdout.splitlines():
        m = re.match(r"(?:patching|checking) file '?([^']+)'?$", ln)
        if m:
            cur = m.group(1)
            continue
        m = re.match(r"Hunk #(\d+) (succeeded|FAILED) at (\d+)(.*)\.$", ln)
        if m:
            fd = by_path.get(cur)
            k = int(m.group(1))
            where = ""
            if fd and k <= len(fd.hunks):
                where = f", {patch.source}:{fd.hunks[k - 1][0]}"
            if m.group(2) == "FAILED":
                failed.append(f"{cur} hunk #{k} FAILED at {m.group(3)}"
                              f"{where}")
            else:
                notes.append(f"{cur}: hunk #{k} applied at {m.group(3)}"
                             f"{m.group(4)}")
            continue
        if "Reversed (or previously applied) patch detected" in ln:
            failed.append(f"{cur}: already applied (reversed or previously "
                          "applied patch detected)")
        elif "can't find file to patch" in ln or "No such file" in ln:
            failed.append(f"{cur or '?'}: file not found")
        elif "malformed patch" in ln or "garbage" in ln:
            failed.append(ln.strip())
    if r.returncode != 0 or failed:
        if not failed:
            failed = [ln for ln in r.stdout.splitlines() if ln.strip()][-1:] \
                or [f"GNU patch exit {r.returncode}"]
        raise BadInput(f"{name} does not apply: {failed[0]}",
                       *failed[1:], *["patch: " + ln for ln in
                                      r.stdout.splitlines()])
    return notes
