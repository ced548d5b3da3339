# SPDX-License-Identifier: GPL-2.0
"""In-process unit tests of the code digest (scripts/kvm_validate/
codekey.py): what may change in a slice without changing its code, and
what may not.  Every slice here is synthetic, made in the test.
Run: python3 -m unittest discover -s tests/validate -p 'test_*.py'
"""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from kvm_validate.codekey import code_digest  # noqa: E402

BASE = ('#line 10 "/t/arch/x86/kvm/x86.c"\n'
        "static int f(int a)\n{\n\tif (a)\n\t\treturn 1;\n"
        '\treturn g("x  y");\n}\n'
        '#define M(x) \\\n\t"a  \\\n  b"\n')


def digest(c, h="#define SLICE_HAVE_f 1\n"):
    with tempfile.TemporaryDirectory() as d:
        for fn, text in (("slice.c", c), ("slice.h", h)):
            with open(os.path.join(d, fn), "w") as f:
                f.write(text)
        return code_digest(d)


class SameCode(unittest.TestCase):
    """Changes that are not code keep the digest."""

    def test_line_numbers(self):
        self.assertEqual(digest(BASE), digest(BASE.replace("#line 10",
                                                           "#line 42")))

    def test_comments_and_blank_lines(self):
        c = BASE.replace("\tif (a)\n", "\t/* why */\n\n\tif (a) // so\n")
        self.assertEqual(digest(BASE), digest(c))

    def test_indentation(self):
        self.assertEqual(digest(BASE), digest(BASE.replace("\t\treturn 1",
                                                           "    return 1")))


class OtherCode(unittest.TestCase):
    """Every change of code changes it."""

    def test_statement(self):
        self.assertNotEqual(digest(BASE), digest(BASE.replace("return 1",
                                                              "return 2")))

    def test_string_literal(self):
        self.assertNotEqual(digest(BASE), digest(BASE.replace('"x  y"',
                                                              '"x y"')))

    def test_comment_marker_in_a_string(self):
        a = BASE.replace('"x  y"', '"/* x */"')
        self.assertNotEqual(digest(a), digest(a.replace("x */", "z */")))

    def test_continued_line_keeps_its_blanks(self):
        self.assertNotEqual(digest(BASE), digest(BASE.replace("\n  b\"",
                                                              "\nb\"")))

    def test_header(self):
        self.assertNotEqual(digest(BASE), digest(BASE, h="#define X 2\n"))

    def test_lines_joined(self):
        self.assertNotEqual(digest(BASE), digest(BASE.replace(
            "#define M(x) \\\n", "#define M(x)\n")))


if __name__ == "__main__":
    unittest.main()
