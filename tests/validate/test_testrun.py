# SPDX-License-Identifier: GPL-2.0
"""In-process unit tests of `kvm-x86-sim test`'s skip summary
(scripts/kvm_validate/testrun.py): every skipped test's reason read from
ctest's JUnit, a test that printed none named as a bug, a tree's many
scenarios counted rather than listed.

Run: python3 -m unittest discover -s tests/validate -p 'test_*.py'
"""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from kvm_validate.testrun import group, skips  # noqa: E402


def junit(*cases):
    body = "".join(
        f'<testcase name="{n}" status="{"notrun" if skip else "run"}">'
        + ('<skipped message="SKIP_RETURN_CODE=77"/>' if skip else "")
        + f"<system-out>{out}</system-out></testcase>"
        for n, skip, out in cases)
    f = tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False)
    f.write(f'<?xml version="1.0"?><testsuite>{body}</testsuite>')
    f.close()
    return f.name


class Skips(unittest.TestCase):
    def test_reasons_grouped(self):
        path = junit(
            ("linux-6.12/a", True, "SKIP a/vmx/none: no CET code\n"),
            ("linux-6.12/b", True, "SKIP b/svm/none: no CET code\n"),
            ("fuzz/smoke", True, "SKIP: afl-fuzz is not installed\n"),
            ("validate/tree7", False, "PASS tree7\n"),
            ("odd/one", True, "nothing said\n"))
        try:
            why = skips(path)
        finally:
            os.unlink(path)
        self.assertEqual(why["no CET code"], ["linux-6.12/a",
                                              "linux-6.12/b"])
        self.assertEqual(why["afl-fuzz is not installed"], ["fuzz/smoke"])
        self.assertIn("odd/one", why["(it printed no reason: a bug of the "
                                     "test)"])
        self.assertEqual(sum(len(v) for v in why.values()), 4)

    def test_no_junit_no_skips(self):
        self.assertEqual(skips("/nonexistent/kvm-x86-sim-test.xml"), {})

    def test_a_tree_counted(self):
        names = [f"linux-6.12/s{k}" for k in range(5)] + ["fuzz/smoke"]
        self.assertEqual(group(names), "linux-6.12 (5 tests), fuzz/smoke")


if __name__ == "__main__":
    unittest.main()
