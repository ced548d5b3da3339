# SPDX-License-Identifier: GPL-2.0
"""Diff dialects: the same change as plain diff -urN / -Nru over several
files (with Only in lines), quilt (Index: / ====), -U0, and several diffs
in one mail, the violation always in the last file read, so a reader that
stops early passes it; a hunk the reader cannot attach to a file, which
must be refused, never dropped; and headers outside arch/x86/kvm: a
change the harness does not run is not checked (exit 3), one nothing
sliced uses is a note."""

import difflib
import re

from . import BAD_INPUT, HARNESS, OK, VIOLATION, case, kernel

SCET = r"S_CET EXCLUSION"


def _pair(c):
    """(original, edited) texts of vmx.c (a harmless comment) and x86.c
    (the violation): x86.c sorts last under diff -r."""
    r = c.repo(files=(kernel.VMX, kernel.X86))
    old = {rel: kernel.read(r.path(rel)) for rel in (kernel.VMX, kernel.X86)}
    new = {kernel.VMX: kernel.harmless(old[kernel.VMX]),
           kernel.X86: kernel.violation(old[kernel.X86])}
    return old, new


def _unified(old, new, rel, n=3):
    return "".join(difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True),
        f"a/{rel}\t2025-09-22 10:00:00.000000000 +0000",
        f"b/{rel}\t2025-09-22 10:00:01.000000000 +0000", n=n))


@case("dialects", VIOLATION, SCET)
def dialect_diff_urN_two_files(c):
    """diff -urN over two files, an Only in line between them"""
    old, new = _pair(c)
    text = "".join(f"diff -urN a/{rel} b/{rel}\n" + _unified(
        old[rel], new[rel], rel) + (f"Only in b/{kernel.KVM}: new.txt\n"
                                    if rel == kernel.VMX else "")
        for rel in (kernel.VMX, kernel.X86))
    return c.run("--patch", c.write("urN.diff", text))


@case("dialects", VIOLATION, SCET)
def dialect_quilt(c):
    """quilt: Index: and ===== before each file, -U0 hunks"""
    old, new = _pair(c)
    text = "".join(f"Index: linux/{rel}\n{'=' * 67}\n" +
                   _unified(old[rel], new[rel], rel, n=0)
                   for rel in (kernel.VMX, kernel.X86))
    return c.run("--patch", c.write("quilt.diff", text))


@case("dialects", VIOLATION, SCET)
def dialect_two_diffs_one_mail(c):
    """a mail with a git diff, prose, then a second git diff"""
    old, new = _pair(c)
    r = c.repo(files=(kernel.VMX, kernel.X86))
    r.write(kernel.VMX, new[kernel.VMX])
    first = r.diff()
    r.commit("vmx")
    r.write(kernel.X86, new[kernel.X86])
    second = r.diff()
    mail = (f"From {'0' * 40} Mon Sep 17 00:00:00 2001\n"
            "From: Hostile <h@example.invalid>\n"
            "Subject: [PATCH] two diffs\n\nBoth.\n---\n" + first +
            "\nAnd the x86.c part:\n\n" + second + "-- \n2.39.5\n")
    return c.run("--patch", c.write("two.mbox", mail))


@case("dialects", BAD_INPUT, r"could not be read")
def dialect_stray_hunk(c):
    """a hunk after text that is neither a header nor a hunk: refused by
    name, never dropped (the violation is in it)"""
    old, new = _pair(c)
    vmx = _unified(old[kernel.VMX], new[kernel.VMX], kernel.VMX)
    x86 = _unified(old[kernel.X86], new[kernel.X86], kernel.X86)
    body = x86.split("\n", 2)[2]        # its hunks without ---/+++
    return c.run("--patch", c.write("stray.diff", vmx + "stray text\n"
                                    + body))


def _header_patch(c, rel, edit):
    """A diff -urN of one header of the tree, edited."""
    src = c.tree7 + "/" + rel
    old = kernel.read(src)
    return c.write("header.diff", f"diff -urN a/{rel} b/{rel}\n" +
                   _unified(old, edit(old), rel))


@case("dialects", HARNESS, r"not checked: .*arch/x86/include/asm/"
      r"msr-index\.h:\d+ changes MSR_IA32_S_CET")
def header_msr_number_not_run(c):
    """a header the sliced code uses but the stubs stand in for (an MSR
    number): not checked, never a PASS"""
    rel = "arch/x86/include/asm/msr-index.h"

    def edit(text):
        return re.sub(r"(#define MSR_IA32_S_CET\s+)0x000006a2",
                      r"\g<1>0x000006a3", text, count=1)
    return c.run("--patch", _header_patch(c, rel, edit))


@case("dialects", OK, r"outside what the harness models")
def header_unrelated_define(c):
    """a new macro in include/linux/kvm_host.h that nothing sliced uses:
    a note, exit 0"""
    rel = "include/linux/kvm_host.h"

    def edit(text):
        return text.replace("\n#define KVM_MAX_MMIO_FRAGMENTS",
                            "\n#define KVM_HOSTILE_UNUSED 1\n"
                            "#define KVM_MAX_MMIO_FRAGMENTS", 1)
    return c.run("--patch", _header_patch(c, rel, edit))


@case("dialects", OK, r"WARNING: arch/x86/kvm/x86\.c: hunk #1 .* was "
      r"written in kvm_hostile_elsewhere\(\) but applied at line \d+, "
      r"in __msr_io\(\)")
def dialect_git_hunk_context_elsewhere(c):
    """a git hunk 1500 lines off whose header's function context names
    another function than the one its lines land in: a warning naming
    both"""
    r = c.repo()
    r.edit(kernel.X86, kernel.in_msr_io("/* hostile: a comment */"))
    r.commit("KVM: x86: a comment")
    text = re.sub(r"^@@ -(\d+),(\d+) \+(\d+),(\d+) @@ .*$", lambda m: (
        f"@@ -{int(m.group(1)) + 1500},{m.group(2)} "
        f"+{int(m.group(3)) + 1500},{m.group(4)} @@ "
        "static int kvm_hostile_elsewhere(void)"), r.series(), count=1,
        flags=re.M)
    return c.run("--patch", c.write("context.patch", text))


def _no_hunk_warning(run, out):
    return ("a warning for a hunk that landed in the function its header "
            "names" if "WARNING: arch/x86/kvm/x86.c: hunk" in out else "")


@case("dialects", OK, r"hunk #1 applied at \d+ \(offset -1500 lines\)")
def dialect_git_hunk_far_same_function(c):
    """a git hunk written 1500 lines off (another tree) whose context
    names the function it lands in: a note of the offset, no warning"""
    r = c.repo()
    r.edit(kernel.X86, kernel.in_msr_io("/* hostile: a comment */"))
    r.commit("KVM: x86: a comment")
    text = re.sub(r"^@@ -(\d+),(\d+) \+(\d+),(\d+) @@", lambda m: (
        f"@@ -{int(m.group(1)) + 1500},{m.group(2)} "
        f"+{int(m.group(3)) + 1500},{m.group(4)} @@"), r.series(), count=1,
        flags=re.M)
    run = c.run("--patch", c.write("far.patch", text))
    run.check = _no_hunk_warning
    return run


@case("dialects", OK, r"WARNING: arch/x86/kvm/x86\.c: hunk #1 .* was "
      r"written in \w+\(\) but applied at line \d+, in __msr_io\(\)")
def dialect_hunk_lands_elsewhere(c):
    """a hunk whose header says it was written 1500 lines before where its
    context is (another function): applied with an offset, and a warning
    naming both functions"""
    r = c.repo()
    old = kernel.read(r.path(kernel.X86))
    new = kernel.in_msr_io("/* hostile: a comment */")(old)
    text = _unified(old, new, kernel.X86)
    text = re.sub(r"^@@ -(\d+),(\d+) \+(\d+),(\d+) @@", lambda m: (
        f"@@ -{int(m.group(1)) - 1500},{m.group(2)} "
        f"+{int(m.group(3)) - 1500},{m.group(4)} @@"), text, count=1,
        flags=re.M)
    return c.run("--patch", c.write("offset.diff", text))
