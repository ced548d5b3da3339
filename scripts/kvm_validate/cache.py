# SPDX-License-Identifier: GPL-2.0
"""The artefact cache: entries that verify themselves.

Each entry is a directory <cache>/<kind>/<key> (key: the hash of its
inputs) holding the artefact's files and manifest.json, which records the
key and the sha256 of every file.  An entry is built in a private staging
directory and renamed into place, so parallel runs never see half of one.
On use the manifest is checked: an entry that is truncated, emptied or
edited is removed and rebuilt, with a note, never blamed on the patch.
"""

import hashlib
import json
import os
import tempfile
from typing import Optional

from .scratch import remove_tree, track, untrack

MANIFEST = "manifest.json"
# Bumped when the layout changes: older entries then never match a key.
FORMAT = "2"


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def damage(d: str, key: str) -> Optional[str]:
    """Why entry d is not usable, or None when it is intact."""
    try:
        with open(os.path.join(d, MANIFEST)) as f:
            man = json.load(f)
    except (OSError, ValueError):
        return "its manifest is missing or unreadable"
    if not isinstance(man, dict) or man.get("inputs") != key or \
            not isinstance(man.get("files"), dict) or not man["files"]:
        return "its manifest does not describe it"
    for fn, want in sorted(man["files"].items()):
        try:
            got = file_sha256(os.path.join(d, fn))
        except OSError:
            return f"{fn} is missing"
        if got != want:
            return f"{fn} does not match its recorded sha256"
    return None


class Cache:
    """<root>/<kind>/<key> entries; notes says what was repaired."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.notes: list[str] = []

    def entry(self, kind: str, key: str) -> str:
        return os.path.join(self.root, kind, key)

    def lookup(self, kind: str, key: str) -> Optional[str]:
        """The intact entry for key, or None (a damaged one is removed)."""
        d = self.entry(kind, key)
        if not os.path.isdir(d):
            if os.path.lexists(d):
                remove_tree(d)
            return None
        why = damage(d, key)
        if why is None:
            os.utime(d)
            return d
        self.notes.append(f"cache entry {d} was damaged ({why}); rebuilt")
        remove_tree(d)
        return None

    def staging(self, kind: str, key: str) -> str:
        """A private directory to build the entry in (removed by a
        signal; publish() renames it into place)."""
        base = os.path.join(self.root, kind)
        os.makedirs(base, exist_ok=True)
        d = tempfile.mkdtemp(prefix=f"{key}.", dir=base)
        track(d)
        return d

    def publish(self, tmpd: str, kind: str, key: str) -> str:
        """Record every file's sha256 in the manifest, rename into
        place; if another run got there first, keep theirs."""
        files = {fn: file_sha256(os.path.join(tmpd, fn))
                 for fn in sorted(os.listdir(tmpd)) if fn != MANIFEST}
        with open(os.path.join(tmpd, MANIFEST), "w") as f:
            json.dump({"inputs": key, "files": files}, f, indent=1)
        d = self.entry(kind, key)
        try:
            os.rename(tmpd, d)
        except OSError:
            remove_tree(tmpd)
        untrack(tmpd)
        return d

    def discard(self, tmpd: str) -> None:
        remove_tree(tmpd)
        untrack(tmpd)
