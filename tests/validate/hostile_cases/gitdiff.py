# SPDX-License-Identifier: GPL-2.0
"""git diff features: binary patches (with and without data), renames,
copies, mode changes, new and deleted files, files outside arch/x86/kvm,
-U0 and -W diffs, --no-prefix; --git with a hook's GIT_* variables
exported, export-ignore attributes and a damaged cached base tree.  Most
series end with v14's S_CET bug, so a patch lost after an unusual block,
or the wrong repository read, is a false PASS."""

import os
import subprocess
import sys

from . import BAD_INPUT, OK, VIOLATION, case, kernel

SCET = r"S_CET EXCLUSION"
BLOB = bytes(range(256)) * 16 + b"\0\x01\x02hostile\0"


def both(*words):
    """A regex matching when every word occurs somewhere in the output."""
    return r"(?is)\A" + "".join(f"(?=.*(?:{w.replace('(?i)', '')}))"
                                 for w in words)


def then_violation(r, *fmt):
    """Commit v14's S_CET bug on top and return the whole series."""
    r.edit(kernel.X86, kernel.violation)
    r.commit("KVM: x86: treat S_CET as XSTATE-managed")
    return r.series(*fmt)


@case("git", VIOLATION, both("(?i:binary)", SCET))
def git_binary_then_text_same_mail(c):
    """one mail: a GIT binary patch (new .bin under arch/x86/kvm), then the
    violation in x86.c (must not be lost after the binary block)"""
    r = c.repo()
    r.write("arch/x86/kvm/hostile.bin", BLOB)
    r.edit(kernel.X86, kernel.violation)
    r.commit("KVM: x86: a blob and S_CET")
    return c.run("--patch", c.write("bin.patch", r.series()))


@case("git", VIOLATION, both("(?i:binary)", SCET))
def git_binary_patch_then_later_patch(c):
    """an mbox: 1/2 only a binary change outside the tree's code, 2/2 the
    violation"""
    r = c.repo()
    r.write("firmware/hostile.fw", BLOB)
    r.commit("firmware: a blob")
    return c.run("--patch", c.write("bin.mbox", then_violation(r)))


@case("git", VIOLATION, both("(?i:binary)", SCET))
def git_binary_modified(c):
    """a binary file modified (literal + delta data), then the violation"""
    r = c.repo()
    r.write("arch/x86/kvm/hostile.bin", BLOB)
    r.commit("KVM: x86: add a blob")
    base = r.git("rev-parse", "HEAD").strip()
    r.write("arch/x86/kvm/hostile.bin", BLOB[::-1] + BLOB)
    r.commit("KVM: x86: change the blob")
    r.edit(kernel.X86, kernel.violation)
    r.commit("KVM: x86: S_CET")
    # the blob's creation is part of the tree the series is against
    r.base = base
    series = r.series()
    tree = c.copy_tree("tree")
    with open(os.path.join(tree, "arch/x86/kvm/hostile.bin"), "wb") as f:
        f.write(BLOB)
    return c.run("--patch", c.write("binmod.mbox", series), kernel_dir=tree)


@case("git", VIOLATION, both("(?i:binary)", SCET))
def git_binary_files_differ(c):
    """`Binary files a/x and b/x differ` (a diff without --binary), then the
    violation in the same mail"""
    r = c.repo()
    r.write("firmware/hostile.fw", BLOB)
    r.edit(kernel.X86, kernel.violation)
    r.git("add", "-N", "firmware/hostile.fw")
    diff = r.diff()
    mail = (f"From {'0' * 40} Mon Sep 17 00:00:00 2001\n"
            "From: Hostile <h@example.invalid>\n"
            "Subject: [PATCH] a blob and S_CET\n\nNo --binary.\n---\n"
            + diff + "-- \n2.39.5\n")
    return c.run("--patch", c.write("nodata.patch", mail))


@case("git", VIOLATION, SCET)
def git_rename_pure(c):
    """1/2 renames a file of arch/x86/kvm (100% similarity), 2/2 the
    violation (a rename is not 'not in the tree')"""
    r = c.repo(files=(kernel.X86, "arch/x86/kvm/debugfs.c"))
    r.git("mv", "arch/x86/kvm/debugfs.c", "arch/x86/kvm/debugfs_kvm.c")
    r.commit("KVM: x86: rename debugfs.c")
    return c.run("--patch", c.write("rename.mbox", then_violation(r)))


@case("git", OK)
def git_rename_with_changes(c):
    """a rename with a small change (similarity index < 100%)"""
    r = c.repo(files=(kernel.X86, "arch/x86/kvm/debugfs.c"))
    r.git("mv", "arch/x86/kvm/debugfs.c", "arch/x86/kvm/debugfs_kvm.c")
    r.edit("arch/x86/kvm/debugfs_kvm.c", kernel.harmless)
    r.commit("KVM: x86: rename and touch debugfs.c")
    return c.run("--patch", c.write("rename2.patch", r.series()))


@case("git", VIOLATION, SCET)
def git_copy(c):
    """a copy (copy from / copy to) of a header, then the violation"""
    r = c.repo(files=(kernel.X86, "arch/x86/kvm/x86.h"))
    r.write("arch/x86/kvm/x86_copy.h",
            kernel.read(r.path("arch/x86/kvm/x86.h")) + "/* copy */\n")
    r.commit("KVM: x86: copy x86.h")
    return c.run("--patch", c.write("copy.mbox", then_violation(
        r, "--find-copies-harder")))


@case("git", VIOLATION, SCET)
def git_mode_change_only(c):
    """1/2 only makes x86.c executable (old mode/new mode, no hunk), 2/2
    the violation"""
    r = c.repo()
    os.chmod(r.path(kernel.X86), 0o755)
    r.commit("KVM: x86: mode change")
    return c.run("--patch", c.write("mode.mbox", then_violation(r)))


@case("git", VIOLATION, SCET)
def git_new_file(c):
    """a new header under arch/x86/kvm and the violation in one patch"""
    r = c.repo()
    r.write("arch/x86/kvm/hostile_new.h", "/* a new header */\n")
    r.edit(kernel.X86, kernel.violation)
    r.commit("KVM: x86: new header and S_CET")
    return c.run("--patch", c.write("new.patch", r.series()))


@case("git", OK)
def git_new_file_then_modified(c):
    """1/2 creates a file, 2/2 modifies it"""
    r = c.repo()
    r.write("arch/x86/kvm/hostile_new.h", "/* a new header */\n")
    r.commit("KVM: x86: new header")
    r.write("arch/x86/kvm/hostile_new.h", "/* a new header */\n/* more */\n")
    r.commit("KVM: x86: grow the header")
    return c.run("--patch", c.write("new2.mbox", r.series()))


@case("git", OK)
def git_deleted_file(c):
    """a file of arch/x86/kvm the slice does not read is deleted"""
    r = c.repo(files=(kernel.X86, "arch/x86/kvm/debugfs.c"))
    r.git("rm", "-q", "arch/x86/kvm/debugfs.c")
    r.commit("KVM: x86: drop debugfs.c")
    return c.run("--patch", c.write("del.patch", r.series()))


@case("git", VIOLATION, SCET)
def git_outside_kvm_absent(c):
    """a hunk to include/linux/hostile.h (not in a Debian arch/ tree) and
    the violation: the first is a note, the second still counts"""
    r = c.repo()
    r.write("include/linux/hostile.h", "/* one */\n")
    r.commit("base2")
    r.base = r.git("rev-parse", "HEAD").strip()
    r.write("include/linux/hostile.h", "/* one */\n/* two */\n")
    r.edit(kernel.X86, kernel.violation)
    r.commit("KVM: x86: header and S_CET")
    return c.run("--patch", c.write("outside.patch", r.series()))


@case("git", VIOLATION, SCET)
def git_outside_kvm_present(c):
    """a hunk to the top-level Makefile (in the tree, outside
    arch/x86/kvm) and the violation"""
    r = c.repo(files=(kernel.X86, "Makefile"))
    r.edit("Makefile", lambda t: t.replace("EXTRAVERSION =",
                                           "EXTRAVERSION = -hostile", 1))
    r.edit(kernel.X86, kernel.violation)
    r.commit("kbuild: extraversion and S_CET")
    return c.run("--patch", c.write("mk.patch", r.series()))


@case("git", VIOLATION, SCET)
def git_zero_context(c):
    """format-patch -U0 (no context lines)"""
    r = c.repo()
    return c.run("--patch", c.write("u0.patch", then_violation(r, "-U0")))


@case("git", VIOLATION, SCET)
def git_function_context(c):
    """format-patch -W (whole functions as context)"""
    r = c.repo()
    return c.run("--patch", c.write("w.patch", then_violation(r, "-W")))


@case("git", VIOLATION, SCET, alt=(BAD_INPUT, r"arch/x86/kvm/x86\.c"))
def git_no_prefix(c):
    """format-patch --no-prefix (paths without a/ b/): applied at the
    right level, or refused naming the file"""
    r = c.repo()
    return c.run("--patch", c.write("np.patch", then_violation(
        r, "--no-prefix")))


@case("git", VIOLATION, SCET)
def git_symlink_inside(c):
    """a new symlink inside arch/x86/kvm pointing to x86.c, then the
    violation"""
    r = c.repo()
    os.symlink("x86.c", r.path("arch/x86/kvm/hostile_link.txt"))
    r.commit("KVM: x86: a symlink")
    return c.run("--patch", c.write("ln.mbox", then_violation(r)))


# --- --git: exactly the repository and the commits named --------------

def kvm_repo(c, attributes=None):
    """A repository of the 7.x tree's whole arch/x86/kvm (optionally a
    .gitattributes), v14's bug committed on top: --git HEAD-1 must find
    it, whatever the environment or the attributes say."""
    files = sorted(os.path.relpath(os.path.join(d, f), c.tree7)
                   for d, _, fs in os.walk(os.path.join(c.tree7, kernel.KVM))
                   for f in fs)
    r = c.repo(files=files)
    if attributes:
        r.write(".gitattributes", attributes)
        r.commit("attributes")
    r.edit(kernel.X86, kernel.violation)
    r.commit("KVM: x86: treat S_CET as XSTATE-managed")
    return r


def other_repo(c):
    """Another repository, whose last commit touches nothing of KVM."""
    r = kernel.Repo(os.path.join(c.dir, "other"), c.tree7, (kernel.FPU_H,))
    r.write("README", "another project\n")
    r.commit("other")
    return r


@case("git", VIOLATION, SCET)
def git_dir_exported(c):
    """--git inside a git hook: GIT_DIR (and GIT_WORK_TREE) name another
    repository; validate reads the one given with --kernel"""
    r, o = kvm_repo(c), other_repo(c)
    run = c.run("--git", "HEAD-1", kernel_dir=r.dir, trees=[c.tree7])
    run.env = {"GIT_DIR": os.path.join(o.dir, ".git"),
               "GIT_WORK_TREE": o.dir}
    return run


@case("git", VIOLATION, SCET)
def git_index_and_object_dirs_exported(c):
    """GIT_INDEX_FILE, GIT_OBJECT_DIRECTORY and GIT_CEILING_DIRECTORIES
    pointing elsewhere"""
    r, o = kvm_repo(c), other_repo(c)
    run = c.run("--git", "HEAD-1", kernel_dir=r.dir, trees=[c.tree7])
    run.env = {"GIT_INDEX_FILE": os.path.join(o.dir, ".git", "index"),
               "GIT_OBJECT_DIRECTORY": os.path.join(o.dir, ".git",
                                                    "objects"),
               "GIT_CEILING_DIRECTORIES": c.dir}
    return run


@case("git", VIOLATION, SCET)
def git_export_ignore(c):
    """the repository's .gitattributes export-ignores x86.c and fpu.h: the
    base tree is the commit's, byte for byte (git archive would drop them)"""
    r = kvm_repo(c, f"{kernel.X86} export-ignore\n{kernel.FPU_H} "
                    "export-ignore\n")
    return c.run("--git", "HEAD-1", kernel_dir=r.dir, trees=[c.tree7])


@case("git", VIOLATION, SCET)
def git_cached_base_damaged(c):
    """the cached base tree of the range was damaged after a first run
    (x86.c emptied, a file added): verified against the commit, made
    again, never trusted because x86.c is there"""
    r = kvm_repo(c)
    env = dict(os.environ, KVM_X86_SIM_CACHE=c.suite.tree_cache)
    subprocess.run([sys.executable, c.suite.validate, "--build",
                    c.suite.build, "--cache", c.suite.cache, "--quiet",
                    "--no-explore", "--kernel", r.dir, "--git", "HEAD-1"],
                   env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=300)
    base = r.git("rev-parse", "HEAD~1").strip()
    dest = os.path.join(c.suite.tree_cache, "git-trees", base)
    with open(os.path.join(dest, kernel.X86), "w") as f:
        f.write("/* damaged */\n")
    with open(os.path.join(dest, kernel.KVM, "stray.h"), "w") as f:
        f.write("#error stray\n")
    return c.run("--git", "HEAD-1", kernel_dir=r.dir, trees=[c.tree7])
