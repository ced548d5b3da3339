# SPDX-License-Identifier: GPL-2.0
"""In-process unit tests of patch coverage (scripts/kvm_validate/
patchcov.py): which lines a patch changes in the post-image, which lines
a slice holds, and the count of both against a run.

Every diff and slice here is synthetic, made in the test.
Run: python3 -m unittest discover -s tests/validate -p 'test_*.py'
"""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from kvm_validate.patchcov import (applied_changes,  # noqa: E402
                                   changed_lines, measure, slice_lines,
                                   snapshot)
from kvm_validate.patches import parse_patch_file  # noqa: E402

REL = "arch/x86/kvm/x86.c"


def patch_of(*diffs):
    text = ("From 1234567890abcdef1234567890abcdef12345678 Mon Sep 17 "
            "00:00:00 2001\nFrom: Test <test@example.invalid>\n"
            "Subject: [PATCH] test\n\n---\n" + "".join(diffs))
    with tempfile.NamedTemporaryFile("w", suffix=".patch",
                                     delete=False) as f:
        f.write(text)
    try:
        return parse_patch_file(f.name)[0]
    finally:
        os.unlink(f.name)


def diff(rel, hunks, head=""):
    return (f"diff --git a/{rel} b/{rel}\n{head}--- a/{rel}\n"
            f"+++ b/{rel}\n" + "".join(hunks))


class ChangedLines(unittest.TestCase):
    def test_added_lines_in_the_post_image(self):
        p = patch_of(diff(REL, ["@@ -10,2 +10,5 @@\n a\n+b\n+\n c\n+d\n"]))
        # b is line 11, the blank added line 12 does not count, d is 14
        self.assertEqual(changed_lines(p), {REL: [11, 14]})

    def test_a_deletion_is_where_the_deleted_lines_were(self):
        p = patch_of(diff(REL, ["@@ -10,4 +10,2 @@\n a\n-b\n-c\n d\n"]))
        self.assertEqual(changed_lines(p), {REL: [11]})

    def test_a_replacement_counts_its_added_lines_only(self):
        p = patch_of(diff(REL, ["@@ -5,3 +5,3 @@\n a\n-b\n+B\n c\n"]))
        self.assertEqual(changed_lines(p), {REL: [6]})

    def test_a_deletion_at_the_end_of_the_file(self):
        p = patch_of(diff(REL, ["@@ -7,2 +7,1 @@\n a\n-b\n"]))
        self.assertEqual(changed_lines(p), {REL: [7]})

    def test_second_hunk_counts_from_its_own_header(self):
        p = patch_of(diff(REL, ["@@ -1,1 +1,2 @@\n a\n+b\n",
                                "@@ -40,1 +41,2 @@\n x\n+y\n"]))
        self.assertEqual(changed_lines(p), {REL: [2, 42]})

    def test_a_deleted_file_is_outside_every_slice(self):
        p = patch_of(diff("arch/x86/kvm/gone.c", ["@@ -1,1 +0,0 @@\n-x\n"],
                          "deleted file mode 100644\n")
                     .replace("+++ b/arch/x86/kvm/gone.c", "+++ /dev/null"))
        self.assertEqual(changed_lines(p), {"arch/x86/kvm/gone.c": [0]})


class Applied(unittest.TestCase):
    """The lines where the patch landed, not where its header said."""

    def tree(self, name, lines):
        d = os.path.join(self.tmp, name)
        os.makedirs(os.path.join(d, "arch/x86/kvm"), exist_ok=True)
        with open(os.path.join(d, REL), "w") as f:
            f.write("".join(f"{ln}\n" for ln in lines))
        return d

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(lambda: __import__("shutil").rmtree(self.tmp))

    def test_an_offset_is_followed(self):
        old = [f"line {k}" for k in range(1, 41)]
        pre = self.tree("pre", old)
        # the header says line 10; the patch landed at line 30
        p = patch_of(diff(REL, ["@@ -10,2 +10,3 @@\n line 30\n+new\n"
                                " line 31\n"]))
        snap = os.path.join(self.tmp, "snap")
        snapshot(p, [pre], snap)
        post = self.tree("pre", old[:30] + ["new"] + old[30:])
        self.assertEqual(applied_changes(p, snap, post), {REL: [31]})
        self.assertEqual(changed_lines(p), {REL: [11]})

    def test_a_deletion_and_a_new_file(self):
        pre = self.tree("pre", ["a", "b", "c"])
        p = patch_of(diff(REL, ["@@ -1,3 +1,2 @@\n a\n-b\n c\n"]),
                     diff("arch/x86/kvm/new.h", ["@@ -0,0 +1,2 @@\n+x\n+\n"],
                          "new file mode 100644\n")
                     .replace("--- a/arch/x86/kvm/new.h", "--- /dev/null"))
        snap = os.path.join(self.tmp, "snap")
        snapshot(p, [pre], snap)
        post = self.tree("pre", ["a", "c"])
        with open(os.path.join(post, "arch/x86/kvm/new.h"), "w") as f:
            f.write("x\n\n")
        self.assertEqual(applied_changes(p, snap, post),
                         {REL: [2], "arch/x86/kvm/new.h": [1]})


    def test_paths_out_of_the_tree_are_never_read_or_written(self):
        victim = os.path.join(self.tmp, "victim.c")
        with open(victim, "w") as f:
            f.write("x\n")
        pre = self.tree("pre", ["a"])
        os.symlink(victim, os.path.join(pre, "arch/x86/kvm/link.c"))
        snap = os.path.join(self.tmp, "snap")
        for rel in (victim, "arch/../../victim.c", "arch/x86/kvm/link.c"):
            p = patch_of(diff(rel, ["@@ -1 +1 @@\n-x\n+y\n"]))
            snapshot(p, [pre], snap)
            self.assertFalse(os.path.exists(snap), rel)
            applied_changes(p, snap, pre)
        with open(victim) as f:
            self.assertEqual(f.read(), "x\n")


class Measure(unittest.TestCase):
    def slice_dir(self, root):
        d = tempfile.mkdtemp()
        self.addCleanup(lambda: [os.unlink(os.path.join(d, f))
                                 for f in os.listdir(d)] and os.rmdir(d))
        with open(os.path.join(d, "slice.h"), "w") as f:
            f.write("/* ours */\n")
        with open(os.path.join(d, "slice.c"), "w") as f:
            # lines 10-14 of the tree, line 12 pruned (blank); line 30
            f.write(f'#line 10 "{root}/{REL}"\nint f(void)\n{{\n\n'
                    f'\treturn 1;\n}}\n#line 30 "{root}/{REL}"\n'
                    "int g;\n#line 1 \"/elsewhere/x.c\"\nint h;\n")
        return d

    def test_slice_lines_follow_line_directives(self):
        held = slice_lines(self.slice_dir("/t"), "/t")
        self.assertEqual(held, {REL: {10, 11, 13, 14, 30}})

    def test_counts(self):
        held = slice_lines(self.slice_dir("/t"), "/t")
        p = patch_of(diff(REL, ["@@ -10,5 +10,7 @@\n int f(void)\n {\n"
                                "+\tx();\n+\ty();\n \n \treturn 1;\n }\n"]),
                     diff("Documentation/a.txt", ["@@ -1 +1 @@\n-a\n+b\n"]))
        # post-image: x() 12, y() 13 (held), line 1 of the doc (outside)
        held[REL] |= {12}
        ran = {REL: {11: 1, 12: 3, 13: 0}}
        pc = measure(changed_lines(p), held, ran)
        self.assertEqual((pc.changed, pc.sliced, pc.with_code, pc.executed),
                         (3, 2, 2, 1))
        self.assertEqual(pc.not_run, [f"{REL}:13"])
        self.assertEqual(pc.outside, ["Documentation/a.txt"])
        self.assertIn("2 changed line(s) in sliced code, 2 with code, "
                      "1 executed", pc.summary())

    def test_unmeasured_says_why_and_never_claims_none(self):
        held = slice_lines(self.slice_dir("/t"), "/t")
        p = patch_of(diff(REL, ["@@ -13,1 +13,2 @@\n \treturn 1;\n+\tz();\n"]))
        pc = measure(changed_lines(p), held, None, "gcov is not installed")
        self.assertEqual(pc.sliced, 1)
        self.assertIn("not measured (gcov is not installed)", pc.summary())
        self.assertFalse(pc.covered_none())

    def test_nothing_held_is_covered_none(self):
        p = patch_of(diff("Documentation/a.txt", ["@@ -1 +1 @@\n-a\n+b\n"]))
        pc = measure(changed_lines(p), {}, {})
        self.assertTrue(pc.covered_none())
        self.assertEqual(pc.sliced, 0)

    def test_a_label_runs_when_the_code_it_governs_ran(self):
        """A `case` label and a declaration have no code of their own:
        they count as run when the next line with code ran; a comment
        governs nothing."""
        src = ["int f(int x)", "{", "\tint y;", "\ty = x;",
               "\tswitch (y) {", "\tcase 1:", "\t\treturn 1;",
               "\t/* two */", "\tcase 2:", "\t\treturn 2;", "\t}",
               "\treturn 0;", "}"]
        with tempfile.TemporaryDirectory() as root:
            os.makedirs(os.path.join(root, os.path.dirname(REL)))
            with open(os.path.join(root, REL), "w") as f:
                f.write("\n".join(src) + "\n")
            held = {REL: set(range(1, 14))}
            ran = {REL: {4: 1, 5: 1, 7: 1, 10: 0, 12: 0}}
            # 3 (declaration -> 4), 6 (case 1 -> 7), 8 (comment),
            # 9 (case 2 -> 10, not run)
            pc = measure({REL: [3, 6, 8, 9]}, held, ran, source=root)
        self.assertEqual((pc.sliced, pc.with_code, pc.executed), (4, 3, 2))
        self.assertEqual(pc.not_run, [f"{REL}:9"])


if __name__ == "__main__":
    unittest.main()
