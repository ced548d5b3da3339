# SPDX-License-Identifier: GPL-2.0
"""In-process tests of validate's KTAP reader and verdict logic, on KTAP
text written here (no kernel tree, no build needed)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from kvm_validate.run import RunResult, parse_ktap  # noqa: E402
from kvm_validate.verdicts import Step  # noqa: E402

INVS = ["PAIRING", "S_CET EXCLUSION", "NO BUG"]


def ktap(cases, finished=True, plan=None, scenarios=None):
    """KTAP as runner/ktap.c prints it; cases: (name, line, diags)."""
    out = ["KTAP version 1", "1..1", "    KTAP version 1",
           "    # Subtest: kvm_x86_sim", "    # kvm_x86_sim: tree /t"]
    out += [f"    # kvm_x86_sim: invariant {i} {n}"
            for i, n in enumerate(INVS)]
    for name, (expect, proves) in (scenarios or {}).items():
        out.append(f"    # kvm_x86_sim: scenario {name} expect={expect:#x} "
                   f"proves={proves:#x}")
    out.append(f"    1..{plan if plan is not None else len(cases)}")
    for k, (name, line, diags) in enumerate(cases, 1):
        out += ["    # " + d for d in diags]
        out.append(line.format(k=k, name=name))
    if finished:
        out += ["    # kvm_x86_sim: end of run",
                "# kvm_x86_sim: pass:0 fail:0 skip:0 total:0",
                "ok 1 kvm_x86_sim"]
    return "\n".join(out) + "\n"


OK = "    ok {k} {name}"
NOT_OK = "    not ok {k} {name}"
VERDICT = "kvm_x86_sim: verdict got={} expect={}"


def step_of(text, stopped=""):
    k = parse_ktap(text)
    st = Step(1, "1", [])
    st.evaluate(RunResult(k.invariants, k.scenarios, k.cases,
                          k.plan or 0, stopped))
    return k, st


class KtapReader(unittest.TestCase):
    def test_complete_run(self):
        k = parse_ktap(ktap([("a/vmx/none", OK, [VERDICT.format(0, 0)]),
                             ("b/svm/ibt", OK, [VERDICT.format(0, 0)])]))
        self.assertTrue(k.finished)
        self.assertEqual(k.plan, 2)
        self.assertEqual(k.invariants, INVS)
        self.assertEqual([c.result for c in k.cases], ["PASS", "PASS"])
        self.assertEqual(k.cases[1].vendor, "svm")

    def test_early_end_is_not_finished(self):
        k = parse_ktap(ktap([("a/vmx/none", OK, [])], finished=False,
                            plan=90))
        self.assertFalse(k.finished)
        self.assertEqual(len(k.cases), 1)

    def test_skip_and_reason(self):
        k = parse_ktap(ktap([("a/vmx/none",
                              "    ok {k} {name} # SKIP tree has no CET", [])]))
        self.assertEqual(k.cases[0].result, "SKIP")
        self.assertEqual(k.cases[0].reason, "tree has no CET")

    def test_crash_line_and_report(self):
        k = parse_ktap(ktap([("a/vmx/none", "    not ok {k} {name} # CRASH",
                              ["kvm_x86_sim: CRASH a/vmx/none: signal 11",
                               "    #3 host-kernel RDMSR ..."])],
                            finished=False))
        c = k.cases[0]
        self.assertEqual((c.result, c.kind), ("FAIL", "CRASH"))
        self.assertIn("    #3 host-kernel RDMSR ...", c.report)

    def test_garbage_has_no_plan(self):
        k = parse_ktap("Segmentation fault\n\x00\xff garbage\n")
        self.assertIsNone(k.plan)
        self.assertEqual(k.cases, [])
        self.assertFalse(k.finished)

    def test_masks(self):
        k = parse_ktap(ktap([("a/vmx/none", NOT_OK,
                              [VERDICT.format("0x2", "0")])]))
        self.assertEqual((k.cases[0].got, k.cases[0].expect), (2, 0))


class Verdicts(unittest.TestCase):
    def test_violation_names_the_invariant(self):
        _, st = step_of(ktap([("a/vmx/none", NOT_OK,
                               ["FAIL S_CET EXCLUSION: resident",
                                VERDICT.format("0x2", "0")])]))
        self.assertEqual(st.cells["S_CET EXCLUSION"][0], "FAIL")
        self.assertEqual(st.cells["PAIRING"][0], "PASS")
        self.assertTrue(st.failed())

    def test_breaks_scenario_passes_when_expected(self):
        _, st = step_of(ktap([("breaks_x/vmx/none", OK,
                               [VERDICT.format("0x1", "0x1")])],
                             scenarios={"breaks_x": (1, 1)}))
        self.assertFalse(st.failed())

    def test_breaks_scenario_fails_when_silent(self):
        _, st = step_of(ktap([("breaks_x/vmx/none", NOT_OK,
                               [VERDICT.format("0", "0x1")])],
                             scenarios={"breaks_x": (1, 1)}))
        self.assertEqual(st.cells["PAIRING"][0], "FAIL")

    def test_skip_when_the_proving_scenario_skips(self):
        _, st = step_of(ktap([("breaks_x/vmx/none",
                               "    ok {k} {name} # SKIP no CET", []),
                              ("a/vmx/none", OK, [VERDICT.format(0, 0)])],
                             scenarios={"breaks_x": (1, 1)}))
        self.assertEqual(st.cells["PAIRING"], ("SKIP", "no CET"))
        self.assertEqual(st.cells["NO BUG"][0], "PASS")

    def test_hang_and_crash_are_failures(self):
        for kind, row in (("HANG", "NO HANG"), ("CRASH", "NO CRASH"),
                          ("OOM", "NO OOM"), ("EXIT", "COMPLETE")):
            _, st = step_of(ktap([("a/vmx/none",
                                   "    not ok {k} {name} # " + kind, [])],
                                 finished=False))
            self.assertEqual(st.cells[row][0], "FAIL", kind)
            self.assertTrue(st.failed())

    def test_stopped_run_is_never_a_pass(self):
        _, st = step_of(ktap([("a/vmx/none", OK, [VERDICT.format(0, 0)])],
                             finished=False, plan=90),
                        stopped="the run did not end")
        self.assertEqual(st.cells["COMPLETE"][0], "FAIL")
        self.assertEqual(st.cells["PAIRING"][0], "SKIP")
        self.assertTrue(st.failed())

    def test_all_skipped_is_skip_not_pass(self):
        _, st = step_of(ktap([("a/vmx/none",
                               "    ok {k} {name} # SKIP why", [])]))
        self.assertEqual(st.cells["PAIRING"][0], "SKIP")
        self.assertFalse(st.failed())


if __name__ == "__main__":
    unittest.main()
