# SPDX-License-Identifier: GPL-2.0
"""The mutation operators on a function of our own, compiled and run:
every mutant must change what the function computes for some input (or
be one of the few listed as equivalent here), the schemata with no mutant
active must compute what the original does, and no line may move.

    python3 -m unittest discover -s tests/mutate
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "scripts"))

from kvm_mutate.schemata import compile_errors, mutate_slice  # noqa: E402

# Written for this test (not kernel code): every operator has a site.
SOURCE = """/* test slice */
#line 10 "/t/arch/x86/kvm/x86.c"
static int g(int a, int b);

#line 20 "/t/arch/x86/kvm/x86.c"
static int f(int a, int b, int *log)
{
	int r = 0;
	bool big = false;

	if (a < b)
		r = 1;
	switch (a) {
	case 1:
		r += 10;
		break;
	case 2:
		r += 20;
		break;
	default:
		r += 30;
	}
#ifdef NOT_DEFINED
	r += 1000;
#endif
	g(a, b);
	*log = *log * 3 + 1;
	*log = *log * 5 + 3;
	if (r == 21)
		big = true;
	return r * 2 + big + g(a, b) * 7 + XFEATURE_MASK_X;
}

#line 60 "/t/arch/x86/kvm/x86.c"
static int g(int a, int b)
{
	calls += a + 1;
	return a - 2 * b;
}
"""

MAIN = r"""
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#define XFEATURE_MASK_X 0x100
#define XFEATURE_MASK_Y 0x200
static long active = -1;
static int calls;
bool sim_mutant(unsigned int id) { return id == active; }
#include "slice.c"
int main(int argc, char **argv)
{
	int a, b, log;
	unsigned long h = 0;

	active = strtol(argv[1], NULL, 10);
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) {
			log = 0;
			h = h * 1000003 + f(a, b, &log);
			h = h * 1000003 + log;
			h = h * 1000003 + calls;
		}
	printf("%lu\n", h);
	return 0;
}
"""

# equivalent by construction: independent side effects, a masked-out term
EQUIVALENT = {"`g(a, b);` and `*log = *log * 3 + 1;` swapped",
              "`XFEATURE_MASK_Y` -> `XFEATURE_MASK_X`"}


class MutateSmallFunction(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.mkdtemp(prefix="kvm_mutate_test.")
        cls.source = SOURCE.replace("XFEATURE_MASK_X;", "XFEATURE_MASK_X + (XFEATURE_MASK_Y & 0);")
        cls.out, cls.muts, cls.notes = mutate_slice(cls.source)
        cls.exe = cls.build(cls.out, "m")
        cls.orig = cls.build(cls.source, "o")

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def build(cls, text: str, name: str) -> str:
        d = os.path.join(cls.tmp, name)
        os.makedirs(d)
        with open(os.path.join(d, "slice.c"), "w") as f:
            f.write(text.replace('#include "kvm_x86_sim/mutant.h"\n', ""))
        with open(os.path.join(d, "main.c"), "w") as f:
            f.write(MAIN)
        exe = os.path.join(d, "t")
        r = subprocess.run(["cc", "-std=gnu11", "-o", exe,
                            os.path.join(d, "main.c")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
        if r.returncode:
            raise AssertionError(r.stdout)
        return exe

    def result(self, exe: str, k: int) -> str:
        return subprocess.run([exe, str(k)], stdout=subprocess.PIPE,
                              text=True, check=True).stdout

    def test_every_operator_places_mutants(self) -> None:
        ops = {m.op for m in self.muts}
        for op in ("drop-call", "drop-break", "if-invert", "if-always",
                   "case-remove", "case-move", "bool-swap", "swap-args",
                   "mask-swap", "swap-stmts", "compare", "return-early"):
            self.assertIn(op, ops)

    def test_lines_do_not_move(self) -> None:
        self.assertEqual(self.out.count("\n"), self.source.count("\n") + 1)
        src = self.source.split("\n")
        at = {int(ln.split()[1]): k + 1 for k, ln in enumerate(src)
              if ln.startswith("#line ")}
        for m in self.muts:
            self.assertEqual(m.file, "arch/x86/kvm/x86.c")
            first = 60 if m.function == "g" else 20
            self.assertEqual(src[at[first] + m.line - first].strip(),
                             m.code, m.desc)

    def test_no_mutant_computes_the_original(self) -> None:
        self.assertEqual(self.result(self.exe, -1),
                         self.result(self.orig, -1))

    def test_every_mutant_changes_the_result(self) -> None:
        base = self.result(self.exe, -1)
        for m in self.muts:
            if m.desc in EQUIVALENT:
                continue
            with self.subTest(m.desc):
                self.assertNotEqual(self.result(self.exe, m.id), base)

    def test_preprocessor_lines_are_left_alone(self) -> None:
        self.assertFalse([m.desc for m in self.muts if "1000" in m.desc])

    def test_compile_errors_name_their_mutant(self) -> None:
        bad = [m for m in self.muts if m.op == "swap-args"]
        self.assertTrue(bad)
        k = bad[0].id
        lines = self.out.split("\n")
        row = next(i for i, ln in enumerate(lines) if f"/*<m {k}>*/" in ln)
        col = lines[row].encode().index(f"/*<m {k}>*/".encode()) + 12
        # the tree line the #line directives give that row
        tree = bad[0].line
        diag = f"/t/arch/x86/kvm/x86.c:{tree}:{col}: error: boom"
        hit, stray = compile_errors(self.out, diag)
        self.assertEqual(hit, {k: "boom"})
        self.assertEqual(stray, [])

    def test_excluded_mutants_keep_their_ids(self) -> None:
        k = self.muts[3].id
        out, muts, _ = mutate_slice(self.source, exclude={k})
        self.assertEqual([m.desc for m in muts],
                         [m.desc for m in self.muts])
        self.assertNotIn(f"sim_mutant({k})", out)

    def test_only_one_function(self) -> None:
        _, muts, _ = mutate_slice(self.source, only=["g"])
        self.assertTrue(muts)
        self.assertEqual({m.function for m in muts}, {"g"})


if __name__ == "__main__":
    unittest.main()
