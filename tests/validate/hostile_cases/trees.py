# SPDX-License-Identifier: GPL-2.0
"""Trees: no x86.c (absent, a directory, empty), the tree a file or
missing, paths with spaces, quotes, backslashes, $ and non-ASCII, a
read-only tree, a tree of symlinks (cp -as), a symlink loop in it; a
newer tree whose MSR batch needs what the harness lacks (exit 3, never
bad input) or only new annotations (judged)."""

import os
import subprocess

from . import BAD_INPUT, HARNESS, OK, VIOLATION, case, kernel

SCET = r"S_CET EXCLUSION"
NO_X86C = r"arch/x86/kvm/x86\.c"


@case("trees", BAD_INPUT, NO_X86C)
def tree_without_x86c(c):
    """a tree without arch/x86/kvm/x86.c"""
    tree = c.copy_tree("tree")
    os.unlink(os.path.join(tree, kernel.X86))
    return c.run(kernel_dir=tree)


@case("trees", BAD_INPUT, NO_X86C)
def tree_x86c_is_directory(c):
    """arch/x86/kvm/x86.c is a directory"""
    tree = c.copy_tree("tree")
    os.unlink(os.path.join(tree, kernel.X86))
    os.makedirs(os.path.join(tree, kernel.X86))
    return c.run(kernel_dir=tree)


@case("trees", BAD_INPUT, r"(?i)slice|x86\.c|missing")
def tree_x86c_empty(c):
    """arch/x86/kvm/x86.c is empty (nothing to slice)"""
    tree = c.copy_tree("tree")
    open(os.path.join(tree, kernel.X86), "w").close()
    return c.run(kernel_dir=tree)


@case("trees", BAD_INPUT, r"(?i)not a|directory")
def tree_is_a_file(c):
    """--kernel names a regular file"""
    return c.run(kernel_dir=c.write("tree.txt", "not a tree\n"))


@case("trees", BAD_INPUT, r"no-such-tree")
def tree_missing(c):
    """--kernel names nothing"""
    return c.run(kernel_dir=os.path.join(c.dir, "no-such-tree"))


def odd_tree(c, name):
    tree = c.copy_tree(name)
    p = c.write("v.patch", c.violation_mail())
    return c.run("--patch", p, kernel_dir=tree)


@case("trees", VIOLATION, SCET)
def tree_path_spaces(c):
    """the tree at `my kernel tree` (spaces)"""
    return odd_tree(c, "my kernel tree")


@case("trees", VIOLATION, SCET)
def tree_path_quote_backslash(c):
    """the tree at `tree"q\\b` (a double quote and a backslash: the #line
    and #include strings must be escaped, not blamed on the stubs)"""
    return odd_tree(c, 'tree"q\\b')


@case("trees", VIOLATION, SCET)
def tree_path_non_ascii(c):
    """the tree at `b\u00e4ume-\u65e5\u672c`"""
    return odd_tree(c, "b\u00e4ume-\u65e5\u672c")


@case("trees", VIOLATION, SCET)
def tree_path_shell_chars(c):
    """the tree at `it's $HOME `x` ;&|` (shell metacharacters)"""
    return odd_tree(c, "it's $HOME `x` ;&|")


@case("trees", VIOLATION, SCET)
def tree_read_only(c):
    """chmod -R a-w on the tree (as non-root the scratch copy must still
    be writable and deletable)"""
    tree = c.copy_tree("tree")
    subprocess.run(["chmod", "-R", "a-w", tree], check=True)
    run = c.run("--patch", c.write("v.patch", c.violation_mail()),
                kernel_dir=tree)

    def restore(run, out):
        subprocess.run(["chmod", "-R", "u+w", tree], check=True)
    run.check = restore
    return run


@case("trees", VIOLATION, SCET)
def tree_of_symlinks(c):
    """a tree of symlinks (cp -as) to a private copy: patches apply, the
    files the links point to are not written"""
    real = c.copy_tree("real")
    links = os.path.join(c.dir, "links")
    subprocess.run(["cp", "-as", real, links], check=True)
    return c.run("--patch", c.write("v.patch", c.violation_mail()),
                 kernel_dir=links, trees=[c.tree7, real, links])


@case("trees", VIOLATION, SCET)
def tree_symlink_loop(c):
    """arch/x86/kvm/loop -> . (a symlink loop inside the tree)"""
    tree = c.copy_tree("tree")
    os.symlink(".", os.path.join(tree, "arch/x86/kvm/loop"))
    return c.run("--patch", c.write("v.patch", c.violation_mail()),
                 kernel_dir=tree)


@case("trees", OK)
def tree_relative_trailing_slash(c):
    """--kernel given relative, with a trailing slash"""
    tree = c.copy_tree("tree")
    return c.run(kernel_dir=os.path.relpath(tree) + "/",
                 trees=[c.tree7, tree])


def _newer_tree(c, name, stmt):
    """A copy of the 7.x tree whose __msr_io calls stmt (a helper of a
    newer kernel the harness has never seen)."""
    tree = c.copy_tree(name)
    p = os.path.join(tree, kernel.X86)
    text = kernel.in_msr_io(stmt)(kernel.read(p))
    with open(p, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(text)
    return tree


@case("trees", HARNESS, r"the harness cannot build this tree's code")
def tree_required_code_unbuildable(c):
    """no patch, and the MSR batch itself uses what neither the stubs nor
    the tree's headers define: the harness's limitation, never bad input"""
    return c.run(kernel_dir=_newer_tree(
        c, "newer", "kvm_hostile_new_helper(vcpu);"))


@case("trees", OK, r"")
def tree_new_annotations(c):
    """the MSR batch gains annotation-only helpers no stub names (a
    lockdep assertion, a sleep annotation): no-ops, the tree is judged"""
    return c.run(kernel_dir=_newer_tree(
        c, "annotated", "lockdep_assert_hostile_held(vcpu); "
        "might_sleep_hostile();"))
