# SPDX-License-Identifier: GPL-2.0
"""In-process unit tests of the changed lines' classes (scripts/
kvm_validate/changes.py): a statement of a function the glue stands in
for (the spec's standin lines) is not checked, the function's other
statements are outside; a pure deletion is judged by the text it
removed.  The C here is synthetic, made in the test.
Run: python3 -m unittest discover -s tests/validate -p 'test_*.py'
"""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from kvm_slice.spec import parse_standins  # noqa: E402
from kvm_validate.changes import judge_changes  # noqa: E402

REL = "run.c"
SOURCE = """static int run_loop(struct vcpu *v)
{
\tint r = 0;

\tif (v->err)
\t\twrite_err(v->err);
\tr = enter(v);
\treturn r;
}
"""
STANDINS = {"run_loop": ("err", "write_err")}


class StandIns(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp()
        with open(os.path.join(self.root, REL), "w") as f:
            f.write(SOURCE)

    def judge(self, lines, deleted=None, standins=STANDINS):
        return judge_changes({REL: lines}, self.root, {}, "other();",
                             set(), set(), standins, deleted)

    def test_a_stood_in_statement_is_not_checked(self):
        unchecked, outside = self.judge([6])
        self.assertEqual(outside, [])
        self.assertEqual(len(unchecked), 1)
        self.assertIn("run.c:6 changes a statement of run_loop()",
                      unchecked[0])
        self.assertIn("write_err", unchecked[0])

    def test_another_statement_is_outside(self):
        unchecked, outside = self.judge([7])
        self.assertEqual(unchecked, [])
        self.assertEqual(outside, ["run.c:7 (run_loop)"])

    def test_a_deletion_is_judged_by_what_it_removed(self):
        # the blank line 4 stands where "if (v->err) ..." was
        unchecked, _ = self.judge(
            [4], {REL: {4: "\tif (v->err)\n\t\twrite_err(v->err);"}})
        self.assertEqual(len(unchecked), 1)
        unchecked, outside = self.judge([4])
        self.assertEqual((unchecked, outside), ([], []))

    def test_without_standins_it_is_outside(self):
        unchecked, outside = self.judge([6], standins={})
        self.assertEqual(unchecked, [])
        self.assertEqual(outside, ["run.c:6 (run_loop)"])

    def test_the_spec_names_vcpu_enter_guest(self):
        spec = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "..", "..", "slice", "kvm_msr.spec")
        standins = parse_standins(spec)
        self.assertIn("xfd_err", standins["vcpu_enter_guest"])


if __name__ == "__main__":
    unittest.main()
