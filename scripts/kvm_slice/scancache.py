# SPDX-License-Identifier: GPL-2.0
"""Each file scanned once per content: the per-file scan and its cache.

What the slicer needs of a file of the search dir does not depend on the
names a spec or a round of the closure wants: the events of its top level
(every ``#define``, every function header in front of a top-level ``{``,
the ``}`` that closes it; each with its preprocessor branch path) and the
names it may define (closure.py's cheap filter).  index.py applies the
wanted names to the events afterwards, exactly as a scan for those names
would, so one scan of a file serves the spec, every round of the closure
and stmts=' helper lookup.

A scan is keyed by the file's bytes and the slicer's own code (SCAN_KEY):
nothing else goes into it.  It is kept in memory for the life of the
process (``kvm-x86-sim validate`` slices every prefix of a series in one
process, and a step changes a few files) and, when a cache directory is
given (``--cache DIR``; validate gives its own), on disk as
DIR/scans/KEY.json.  Off by default: CMake's build and a plain run use
the memory only.  The disk layout follows validate's cache (cache.py
there): one entry a key, written under a private name and renamed into
place, verified on use (the first line records its key and the sha256 of
the rest; a damaged entry is scanned again and rewritten), its time
touched on use so that validate's prune keeps the newest.
"""

import hashlib
import json
import os
import tempfile
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Optional, TypeVar

from .conditionals import BranchPath

# Bumped when FileScan's layout changes (the code hash covers the rest).
SCAN_FORMAT = "1"
KIND = "scans"
# Entries kept in memory: a tree's search dir is about 100 files, a
# series changes a few a step; 1024 covers several trees and a series.
MEMORY_KEEP = 1024
MASKS_KEEP = 64

# ("D", name, start, end, path)  a #define of name at [start, end)
# ("O", name, start, body, path) a function header at depth 0: its
#                                declaration starts at start, its body's
#                                '{' is at body
# ("C", "", pos, pos + 1, ())    the '}' back to depth 0 after an "O"
Event = tuple[str, str, int, int, BranchPath]


@dataclass
class FileScan:
    """What a file holds at top level, whatever names are wanted."""
    events: list[Event]
    maybe_macros: frozenset[str]    # closure.DEFINED_RE's #define'd names
    maybe_fns: frozenset[str]       # ... and names that may head a function

    def __post_init__(self) -> None:
        self.names = frozenset(e[1] for e in self.events if e[1])

    def to_json(self) -> dict[str, Any]:
        return {"events": [[t, n, s, e, [list(g) for g in p]]
                           for t, n, s, e, p in self.events],
                "macros": sorted(self.maybe_macros),
                "fns": sorted(self.maybe_fns)}

    @classmethod
    def from_json(cls, d: Any) -> "FileScan":
        """Raises ValueError (or KeyError, TypeError) on a payload that
        does not describe a scan."""
        events: list[Event] = []
        for t, n, s, e, p in d["events"]:
            if t not in ("D", "O", "C") or not isinstance(n, str) or \
                    type(s) is not int or type(e) is not int:
                raise ValueError("not an event")
            events.append((t, n, s, e, tuple((int(g), int(b))
                                             for g, b in p)))
        macros, fns = d["macros"], d["fns"]
        if not all(isinstance(x, str) for x in macros + fns):
            raise ValueError("not a name")
        return cls(events, frozenset(macros), frozenset(fns))


def _code_hash() -> str:
    """Hash of the slicer's modules: a scan made by other code is never
    reused."""
    h = hashlib.sha256(SCAN_FORMAT.encode())
    pkg = os.path.dirname(os.path.abspath(__file__))
    for fn in sorted(os.listdir(pkg)):
        if fn.endswith(".py"):
            with open(os.path.join(pkg, fn), "rb") as f:
                h.update(fn.encode() + b"\0" + f.read() + b"\0")
    return h.hexdigest()


_CODE: Optional[str] = None


def scan_key(data: bytes) -> str:
    """The key of a file's scan: its bytes and the slicer's code."""
    global _CODE
    if _CODE is None:
        _CODE = _code_hash()
    h = hashlib.sha256(_CODE.encode())
    h.update(data)
    return h.hexdigest()[:32]


K = TypeVar("K")
V = TypeVar("V")


class _Lru(OrderedDict[K, V]):
    def __init__(self, keep: int) -> None:
        super().__init__()
        self.keep = keep

    def get_fresh(self, key: K) -> Optional[V]:
        v = self.get(key)
        if v is not None:
            self.move_to_end(key)
        return v

    def put(self, key: K, v: V) -> None:
        self[key] = v
        self.move_to_end(key)
        while len(self) > self.keep:
            self.popitem(last=False)


# Shared by every ScanCache of the process.
_SCANS: _Lru[str, FileScan] = _Lru(MEMORY_KEEP)
# Masked copies (lexer.mask_code) by the same key.
MASKS: _Lru[str, tuple[str, list[int], list[int]]] = _Lru(MASKS_KEEP)


@dataclass
class Stats:
    memory: int = 0     # scans found in memory
    disk: int = 0       # ... on disk
    scanned: int = 0    # files scanned
    damaged: int = 0    # disk entries that did not verify (scanned again)


class ScanCache:
    """Scans by key: in memory, then under root/scans/ if root is given."""

    def __init__(self, root: Optional[str] = None) -> None:
        self.dir = os.path.join(root, KIND) if root else None
        self.stats = Stats()
        self.notes: list[str] = []      # what was repaired

    def get(self, key: str, scan: Callable[[], FileScan]) -> FileScan:
        """The scan of key: from memory, from disk, or scan()."""
        fs = _SCANS.get_fresh(key)
        if fs is not None:
            self.stats.memory += 1
            return fs
        fs = self._load(key)
        if fs is not None:
            self.stats.disk += 1
        else:
            fs = scan()
            self.stats.scanned += 1
            self._store(key, fs)
        _SCANS.put(key, fs)
        return fs

    def _path(self, key: str) -> Optional[str]:
        return os.path.join(self.dir, key + ".json") if self.dir else None

    def _load(self, key: str) -> Optional[FileScan]:
        path = self._path(key)
        if path is None:
            return None
        try:
            with open(path, "rb") as f:
                head, payload = f.read().split(b"\n", 1)
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            self._damaged(path, "it cannot be read")
            return None
        try:
            man = json.loads(head)
            if not isinstance(man, dict) or man.get("inputs") != key or \
                    man.get("sha256") != hashlib.sha256(payload).hexdigest():
                raise ValueError("its first line does not match it")
            fs = FileScan.from_json(json.loads(payload))
        except (ValueError, KeyError, TypeError) as e:
            self._damaged(path, str(e) or type(e).__name__)
            return None
        try:
            os.utime(path)
        except OSError:
            pass
        return fs

    def _damaged(self, path: str, why: str) -> None:
        self.stats.damaged += 1
        self.notes.append(f"cache entry {path} was damaged ({why}); "
                          "scanned again")
        try:
            os.unlink(path)
        except OSError:
            pass

    def _store(self, key: str, fs: FileScan) -> None:
        path = self._path(key)
        if path is None:
            return
        payload = json.dumps(fs.to_json(), separators=(",", ":")).encode()
        head = json.dumps({"inputs": key, "sha256":
                           hashlib.sha256(payload).hexdigest()}).encode()
        tmp = None
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key}.",
                                       dir=os.path.dirname(path))
            with os.fdopen(fd, "wb") as f:
                f.write(head + b"\n" + payload)
            os.replace(tmp, path)
        except OSError:
            # a full or read-only cache costs the next run a scan, no more
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
