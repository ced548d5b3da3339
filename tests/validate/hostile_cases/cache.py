# SPDX-License-Identifier: GPL-2.0
"""A damaged cache (each case damages its own copy of the golden cache):
truncated, empty, garbage or forged cached binaries, an empty or truncated
slice, a slice without its header, a zero-byte or truncated runner object,
stale temp files, a file where the bin/ directory should be.  Damaged
entries are rebuilt with a note and never blamed on the patch: the exit
code is the one a clean cache gives.  A damaged build is exit 3."""

import glob
import json
import os
import shutil

from . import HARNESS, OK, VIOLATION, case, kernel

NOTE = r"(?i)rebuil|damaged|corrupt|invalid|stale"
SCET = r"S_CET EXCLUSION"


def entries(cache, pattern):
    found = sorted(glob.glob(os.path.join(cache, pattern)))
    if not found:
        raise LookupError(f"no {pattern} in the golden cache")
    return found


def truncate(path, keep=0.5):
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.truncate(int(size * keep))


def damaged(c, pattern, how, fresh=False):
    """The good patch against a private cache whose `pattern` entries
    were damaged by how(path).  fresh: a patch of its own instead, so a
    new binary must be linked (with the damaged runner object)."""
    cache = c.private_cache()
    for p in entries(cache, pattern):
        how(p)
    patch = c.good_patch
    if fresh:
        patch = c.write("fresh.patch", c.mail((kernel.X86, kernel.in_msr_io(
            f"/* {c.dir} */")), subject="KVM: x86: a comment"))
    return c.run("--patch", patch, cache=cache)


@case("cache", OK, NOTE)
def cache_truncated_binary(c):
    """every cached test binary cut to a tenth (its code, not only its
    debug info)"""
    return damaged(c, "bin/t-*/t", lambda p: truncate(p, 0.1))


@case("cache", OK, NOTE)
def cache_empty_binary(c):
    """every cached test binary 0 bytes"""
    return damaged(c, "bin/t-*/t", lambda p: truncate(p, 0))


@case("cache", OK, NOTE)
def cache_garbage_binary(c):
    """a cached test binary of random bytes (exec format error)"""
    def garbage(p):
        with open(p, "wb") as f:
            f.write(os.urandom(4096))
    return damaged(c, "bin/t-*/t", garbage)


@case("cache", VIOLATION, SCET)
def cache_forged_binary(c):
    """the violation's cached binary replaced by a script that exits 0
    with no output: must be noticed, never a PASS"""
    cache = c.private_cache()
    before = set(glob.glob(os.path.join(cache, "bin", "t-*", "t")))
    p = c.write("v.patch", c.violation_mail())
    rc, out = c.prerun("--patch", p, cache=cache)
    if rc != 1:
        raise RuntimeError(f"warming with the violation gave {rc}: "
                           f"{out[-300:]}")
    for exe in set(glob.glob(os.path.join(cache, "bin", "t-*", "t"))) - \
            before:
        with open(exe, "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
    return c.run("--patch", p, cache=cache)


@case("cache", OK, NOTE)
def cache_empty_slice(c):
    """every cached slice.c emptied"""
    return damaged(c, "slices/*/slice.c", lambda p: truncate(p, 0))


@case("cache", OK, NOTE)
def cache_truncated_slice(c):
    """every cached slice.c cut in the middle of a function"""
    return damaged(c, "slices/*/slice.c", lambda p: truncate(p, 0.4))


@case("cache", OK, NOTE)
def cache_slice_without_header(c):
    """every cached slice.h deleted (the 'done' marker left)"""
    return damaged(c, "slices/*/slice.h", os.unlink)


@case("cache", OK, NOTE)
def cache_zero_byte_object(c):
    """the cached cmocka runner objects (main-*/) 0 bytes, a patch that
    needs a new binary"""
    return damaged(c, "bin/main-*/main*.o", lambda p: truncate(p, 0), True)


@case("cache", OK, NOTE)
def cache_truncated_object(c):
    """the cached runner object cut to half, a patch that needs a new
    binary"""
    return damaged(c, "bin/main-*/main*.o", truncate, True)


@case("cache", OK)
def cache_stale_temp_files(c):
    """stale *.tmp files and half-made slice dirs of a killed run"""
    cache = c.private_cache()
    for p in entries(cache, "bin/t-*"):
        with open(p + ".999999.tmp", "wb") as f:
            f.write(b"\x7fELF half")
    for d in entries(cache, "slices/*"):
        os.makedirs(d + ".xyz123")
        with open(os.path.join(d + ".xyz123", "slice.c"), "w") as f:
            f.write("/* half */")
    return c.run("--patch", c.good_patch, cache=cache)


@case("cache", OK, alt=(HARNESS, r"(?i)cache"))
def cache_bin_is_a_file(c):
    """a regular file where the cache's bin/ directory should be: rebuilt,
    or exit 3 naming the cache"""
    cache = c.private_cache()
    shutil.rmtree(os.path.join(cache, "bin"))
    with open(os.path.join(cache, "bin"), "w") as f:
        f.write("not a directory\n")
    run = c.run("--patch", c.good_patch, cache=cache)

    def repair(run, out):
        # the runner's cache check must not fail for what this case did
        if os.path.isfile(os.path.join(cache, "bin")):
            os.unlink(os.path.join(cache, "bin"))
    run.check = repair
    return run


def fake_build(c, lib):
    """A build directory like the real one whose libkvm_x86_sim.a is
    damaged by lib(path): its build description names the copies."""
    real = c.suite.build
    b = os.path.join(c.dir, "build")
    os.makedirs(b)
    for fn in os.listdir(real):
        p = os.path.join(real, fn)
        if os.path.isfile(p):
            shutil.copy2(p, b)
    desc = os.path.join(b, "kvm_x86_sim_build.json")
    with open(desc) as f:
        d = json.load(f)
    d["libraries"] = [os.path.join(b, os.path.basename(p))
                      if os.path.dirname(p) == real else p
                      for p in d["libraries"]]
    with open(desc, "w") as f:
        json.dump(d, f)
    lib(os.path.join(b, "libkvm_x86_sim.a"))
    return b


LIB = r"(?i)libkvm_x86_sim\.a|build"


@case("cache", HARNESS, LIB)
def build_truncated_library(c):
    """the build's libkvm_x86_sim.a cut to half: the harness, not the patch
    (exit 3)"""
    b = fake_build(c, truncate)
    return c.run("--patch", c.write("v.patch", c.violation_mail()),
                 build=b, cache=os.path.join(c.dir, "cache"))


@case("cache", HARNESS, LIB)
def build_missing_library(c):
    """the build has no libkvm_x86_sim.a (exit 3, how to build it)"""
    b = fake_build(c, os.unlink)
    return c.run(build=b, cache=os.path.join(c.dir, "cache"))


@case("cache", HARNESS, LIB, alt=(2, LIB))
def build_directory_missing(c):
    """--build names no directory"""
    return c.run(build=os.path.join(c.dir, "no-build"),
                 cache=os.path.join(c.dir, "cache"))


