# SPDX-License-Identifier: GPL-2.0
"""The fuzz targets on the seed corpus and on every input a fuzz run once
broke (tests/fuzz/regressions/TARGET/): each must be read, or refused with
the reader's own error, never end in another exception.  And the shim
turns an unexpected exception into a finding.

Run: python3 -m unittest discover -s tests/fuzz
"""

import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import afl_python  # noqa: E402
import targets  # noqa: E402


def inputs(kind, target):
    d = os.path.join(HERE, kind, target)
    return sorted(os.path.join(d, f) for f in os.listdir(d)
                  if not f.startswith(".")) \
        if os.path.isdir(d) else []


class Inputs(unittest.TestCase):
    def check(self, kind):
        n = 0
        for t in ("patch", "slicer"):
            for path in inputs(kind, t):
                with self.subTest(target=t, input=os.path.basename(path)):
                    targets.TARGETS[t](path)
                    n += 1
        return n

    def test_seed_corpus(self):
        self.assertGreater(self.check("corpus"), 10)

    def test_regressions(self):
        self.check("regressions")


class Shim(unittest.TestCase):
    def test_an_unexpected_exception_is_a_finding(self):
        with tempfile.NamedTemporaryFile("wb", delete=False) as f:
            f.write(b"boom!")
        try:
            self.assertFalse(afl_python.run_one("selftest", f.name))
            self.assertEqual(afl_python.main(["selftest", f.name]), 1)
        finally:
            os.unlink(f.name)

    def test_the_readers_refusal_is_not_a_finding(self):
        with tempfile.NamedTemporaryFile("wb", delete=False) as f:
            f.write(b"not a patch\n")
        try:
            self.assertTrue(afl_python.run_one("patch", f.name))
        finally:
            os.unlink(f.name)


if __name__ == "__main__":
    unittest.main()
