# SPDX-License-Identifier: GPL-2.0
"""Paths: diffs whose file names escape the scratch copy (../, a ../ in
the middle, absolute, a rename out, a symlink in the tree or created by
the series), and file names with spaces, quotes and non-ASCII.  The
runner fails a case that writes anything outside the scratch copy."""

import os

from . import BAD_INPUT, VIOLATION, case, kernel

SCET = r"S_CET EXCLUSION"
ESCAPE = r"(?i)escapes|outside|refus"


def new_file_mail(path, lines=("/* pwned */",)):
    """A format-patch mail creating `path` (written by hand: git would
    never produce these names)."""
    body = "".join("+" + ln + "\n" for ln in lines)
    return (f"From {'0' * 40} Mon Sep 17 00:00:00 2001\n"
            "From: Hostile <h@example.invalid>\n"
            "Subject: [PATCH] a new file\n\nA new file.\n---\n"
            f"diff --git a/{path} b/{path}\nnew file mode 100644\n"
            f"--- /dev/null\n+++ b/{path}\n"
            f"@@ -0,0 +1,{len(lines)} @@\n{body}-- \n2.39.5\n")


def modify_mail(path, old, new):
    return (f"From {'0' * 40} Mon Sep 17 00:00:00 2001\n"
            "From: Hostile <h@example.invalid>\n"
            "Subject: [PATCH] modify a file\n\nModify.\n---\n"
            f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
            f"@@ -1 +1 @@\n-{old}\n+{new}\n-- \n2.39.5\n")


def victim(c, name="victim.c"):
    """A file in the case directory a patch tries to reach."""
    return c.write(name, "victim\n")


# validate's scratch copy is TMPDIR/<prefix>XXXX and TMPDIR is the case
# directory's tmp/: three '..' from scratch/arch land in the case directory.
UP3 = "arch/../../../"


@case("paths", BAD_INPUT, ESCAPE)
def path_leading_dotdot(c):
    """+++ b/../../hostile.c (a leading ../)"""
    return c.run("--patch", c.write("p.patch", new_file_mail(
        "../../hostile.c")))


@case("paths", BAD_INPUT, ESCAPE)
def path_inner_dotdot_new(c):
    """+++ b/arch/../../../hostile.c: a ../ after the first component"""
    return c.run("--patch", c.write("p.patch", new_file_mail(
        UP3 + "hostile.c")))


@case("paths", BAD_INPUT, ESCAPE)
def path_inner_dotdot_modify(c):
    """a hunk to arch/../../../victim.c, an existing file outside"""
    victim(c)
    return c.run("--patch", c.write("p.patch", modify_mail(
        UP3 + "victim.c", "victim", "pwned")))


@case("paths", BAD_INPUT, ESCAPE)
def path_kvm_dotdot(c):
    """arch/x86/kvm/../../../../../victim.c (inside-looking prefix)"""
    victim(c)
    return c.run("--patch", c.write("p.patch", modify_mail(
        "arch/x86/kvm/../../../../../victim.c", "victim", "pwned")))


@case("paths", BAD_INPUT, ESCAPE)
def path_absolute(c):
    """+++ /<case dir>/victim.c (an absolute path)"""
    v = victim(c)
    text = modify_mail("X", "victim", "pwned").replace(
        "--- a/X\n+++ b/X", f"--- {v}\n+++ {v}").replace(
        "a/X b/X", f"a{v} b{v}")
    return c.run("--patch", c.write("p.patch", text))


@case("paths", BAD_INPUT, ESCAPE)
def path_rename_out(c):
    """a git rename whose `rename to` leaves the tree"""
    r = c.repo(files=(kernel.X86, "arch/x86/kvm/debugfs.c"))
    r.git("mv", "arch/x86/kvm/debugfs.c", "arch/x86/kvm/debugfs_kvm.c")
    r.commit("KVM: x86: rename debugfs.c")
    text = r.series().replace("arch/x86/kvm/debugfs_kvm.c",
                              UP3 + "renamed.c")
    return c.run("--patch", c.write("p.patch", text))


@case("paths", BAD_INPUT, ESCAPE)
def path_symlink_in_tree(c):
    """the tree has arch/x86/kvm/elsewhere -> a directory outside; a hunk
    to arch/x86/kvm/elsewhere/victim.c must not write there"""
    tree = c.copy_tree("tree")
    away = os.path.join(c.dir, "away")
    os.makedirs(away)
    victim(c, "away/victim.c")
    os.symlink(away, os.path.join(tree, "arch/x86/kvm/elsewhere"))
    return c.run("--patch", c.write("p.patch", modify_mail(
        "arch/x86/kvm/elsewhere/victim.c", "victim", "pwned")),
        kernel_dir=tree)


@case("paths", BAD_INPUT, ESCAPE)
def path_symlink_made_by_series(c):
    """1/2 creates a symlink arch/x86/kvm/out -> ../../../../.. (outside
    the scratch copy), 2/2 creates out/pwned.c through it"""
    r = c.repo()
    os.symlink("../../../../..", r.path("arch/x86/kvm/out"))
    r.commit("KVM: x86: a link")
    r.write("arch/x86/kvm/out2/pwned.c", "/* pwned */\n")
    r.commit("KVM: x86: through it")
    text = r.series().replace("arch/x86/kvm/out2/", "arch/x86/kvm/out/")
    return c.run("--patch", c.write("p.mbox", text))


@case("paths", VIOLATION, SCET)
def path_patch_name_spaces_quotes(c):
    """a patch file named `my patch (v2) "final" 'x'.patch`"""
    return c.run("--patch", c.write("my patch (v2) \"final\" 'x'.patch",
                                    c.violation_mail()))


@case("paths", VIOLATION, SCET)
def path_patch_name_non_ascii(c):
    """a patch file named p\u00e4tch-\u00fc-\u65e5\u672c.patch"""
    return c.run("--patch", c.write("p\u00e4tch-\u00fc-\u65e5\u672c.patch",
                                    c.violation_mail()))


@case("paths", VIOLATION, SCET)
def path_new_file_with_space(c):
    """a new file `arch/x86/kvm/a b.h` (a space in a diff path), then the
    violation"""
    r = c.repo()
    r.write("arch/x86/kvm/a b.h", "/* spaced */\n")
    r.edit(kernel.X86, kernel.violation)
    r.commit("KVM: x86: a spaced header and S_CET")
    return c.run("--patch", c.write("p.patch", r.series()))


@case("paths", VIOLATION, SCET)
def path_new_file_quoted_name(c):
    """a new file with a non-ASCII name (git quotes it: "b/...\\303\\274.h"),
    then the violation"""
    r = c.repo()
    r.write("arch/x86/kvm/hostile_\u00fc.h", "/* umlaut */\n")
    r.edit(kernel.X86, kernel.violation)
    r.commit("KVM: x86: an umlaut header and S_CET")
    return c.run("--patch", c.write("p.patch", r.series()))
