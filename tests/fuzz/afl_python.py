#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""AFL++ for the harness's Python readers: forkserver and coverage map.

afl-fuzz (Debian's afl++) drives the mutation and the corpus; this shim is
the instrumentation it expects from a target, done for Python:

  afl-fuzz -i CORPUS -o OUT -- python3 tests/fuzz/afl_python.py TARGET @@

- coverage: a line tracer on our code (scripts/, the targets) marks the edge
  between consecutive lines in AFL's shared-memory map (__AFL_SHM_ID);
- forkserver: the interpreter starts and imports once, then forks a
  child on AFL's request (fds 198/199, the classic protocol) which runs
  up to PERSIST inputs, stopping itself after each (persistent mode,
  AFL_PERSISTENT=1: a fork costs ~8 ms on this machine, an input ~3 ms);
- a finding: an exception the target does not expect ends the child with
  SIGABRT after printing its traceback, so AFL keeps the input as a crash.

Without afl-fuzz (no __AFL_SHM_ID) it runs TARGET once on each FILE given
and exits 1 on the first unexpected exception: how a crash is replayed.
TARGET is one of tests/fuzz/targets.py's.
"""

import ctypes
import os
import signal
import struct
import sys
import traceback
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import targets  # noqa: E402

FORKSRV_FD = 198
MAP_SIZE = 1 << 16
PERSIST = 1000              # inputs per child (state may build up)
# the code whose lines count: ours (scripts/) and the targets
OURS = (os.path.join(os.path.dirname(os.path.dirname(HERE)), "scripts"),
        HERE)


def attach_map():
    """AFL's coverage bitmap, or None when not run by afl-fuzz."""
    shm = os.environ.get("__AFL_SHM_ID")
    if not shm:
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
    addr = libc.shmat(int(shm), None, 0)
    if addr is None or addr == ctypes.c_void_p(-1).value:
        sys.exit(f"afl_python: shmat({shm}) failed: "
                 f"{os.strerror(ctypes.get_errno())}")
    return (ctypes.c_ubyte * MAP_SIZE).from_address(addr)


def tracer(area):
    """sys.settrace hook: an edge per pair of consecutive lines run in our
    modules (AFL's prev ^ cur, with cur >> 1 remembered)."""
    ids = {}
    prev = 0

    def line(frame, event, _arg):
        nonlocal prev
        if event == "line":
            key = (frame.f_code, frame.f_lineno)
            cur = ids.get(key)
            if cur is None:
                cur = zlib.crc32(f"{frame.f_code.co_filename}:"
                                 f"{frame.f_code.co_name}:"
                                 f"{frame.f_lineno}".encode()) % MAP_SIZE
                ids[key] = cur
            k = cur ^ prev
            area[k] = (area[k] + 1) & 0xff
            prev = cur >> 1
        return line

    def call(frame, _event, _arg):
        return line if frame.f_code.co_filename.startswith(OURS) else None
    return call


def run_one(name, path):
    """The target on one input; False for an unexpected exception."""
    try:
        targets.TARGETS[name](path)
    except Exception:           # the finding: print it, AFL keeps it
        traceback.print_exc()
        return False
    return True


def child_loop(name, path, area):
    """Persistent mode: up to PERSIST inputs in one child, stopping itself
    (SIGSTOP) after each; the forkserver continues it for the next."""
    for i in range(PERSIST):
        sys.settrace(tracer(area))
        ok = run_one(name, path)
        sys.settrace(None)
        if not ok:
            os.abort()
        if i + 1 < PERSIST:
            os.kill(os.getpid(), signal.SIGSTOP)
    os._exit(0)


def forkserver(name, path, area):
    """AFL's classic forkserver protocol, persistent: fork a child only
    when there is none stopped between two inputs (a fork here costs as
    much as a few inputs)."""
    try:
        os.write(FORKSRV_FD + 1, b"\0\0\0\0")
    except OSError:
        sys.exit("afl_python: __AFL_SHM_ID set but no forkserver pipe")
    child, stopped = 0, False
    while True:
        req = os.read(FORKSRV_FD, 4)
        if len(req) != 4:
            return              # afl-fuzz is done
        if stopped and struct.unpack("I", req)[0]:
            os.waitpid(child, 0)    # AFL killed it (a timeout)
            stopped = False
        if stopped:
            os.kill(child, signal.SIGCONT)
            stopped = False
        else:
            child = os.fork()
            if child == 0:
                os.close(FORKSRV_FD)
                os.close(FORKSRV_FD + 1)
                child_loop(name, path, area)
        os.write(FORKSRV_FD + 1, struct.pack("I", child))
        _, status = os.waitpid(child, os.WUNTRACED)
        stopped = os.WIFSTOPPED(status)
        os.write(FORKSRV_FD + 1, struct.pack("I", status))


def main(argv):
    if len(argv) < 2 or argv[0] not in targets.TARGETS:
        print(f"usage: afl_python.py {{{','.join(targets.TARGETS)}}} "
              "FILE...", file=sys.stderr)
        return 2
    area = attach_map()
    if area is not None:
        targets.prepare()
        forkserver(argv[0], argv[1], area)
        return 0
    for path in argv[1:]:
        if not run_one(argv[0], path):
            print(f"afl_python: {argv[0]} failed on {path}",
                  file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
