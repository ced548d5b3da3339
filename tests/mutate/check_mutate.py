#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ctest checks of `kvm-x86-sim mutate` on the newest 7.x tree.

    check_mutate.py strict TREE   functions whose every mutant must die,
                                  each kill named by its invariant
    check_mutate.py full TREE     the whole run: it must finish, print its
                                  score, and account for every survivor
                                  (exit 0); a tree newer than the reviewed
                                  list (slice/mutants.equivalent) may leave
                                  new survivors, which fail it, listed
    check_mutate.py bad TREE      bad input: exit 2 with a message
    check_mutate.py select TREE   survivors explored only where their
                                  function is entered: the same outcome
                                  for every mutant as --no-select, on
                                  functions whose mutants the exploration
                                  kills, with fewer runs
Exit 77 (skip) when the tree is absent.
"""

import json
import os
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
TOOL = os.path.join(TOP, "kvm-x86-sim")

# function -> [(mutation, invariant that must kill it)]
KILLS = {
    "__msr_io": [("delete `kvm_put_guest_fpu(vcpu);`", "PAIRING"),
                 ("delete `kvm_load_guest_fpu(vcpu);`", "ACCESSOR CONTRACT")],
    "msr_io": [("delete `kfree(entries);`", "PAIRING")],
    "kvm_fpu_put": [("delete `fpregs_unlock();`", "PAIRING")],
    "svm_set_msr": [("delete `vmcb_mark_dirty(svm->vmcb01.ptr, VMCB_CET);`",
                     "HOST INTEGRITY")],
}


def run(*args):
    env = dict(os.environ)
    return subprocess.run([TOOL, "mutate", *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, env=env)


def fail(msg, r=None):
    print(f"FAIL: {msg}")
    if r is not None:
        print(r.stdout[-3000:], r.stderr[-2000:])
    sys.exit(1)


def strict(tree):
    args = ["--kernel", tree, "--no-explore", "--format", "json"]
    for fn in KILLS:
        args += ["--function", fn]
    r = run(*args)
    if r.returncode != 0:
        fail(f"exit {r.returncode}, want 0 (every mutant killed or listed)",
             r)
    d = json.loads(r.stdout)
    by_desc = {(m["function"], m["mutation"]): m for m in d["mutants"]}
    for fn, kills in KILLS.items():
        for desc, inv in kills:
            m = by_desc.get((fn, desc))
            if m is None:
                fail(f"{fn}: no mutant `{desc}`")
            if m["status"] != "killed" or inv not in m["by"]:
                fail(f"{fn}: `{desc}` is {m['status']} by {m['by']!r}, "
                     f"want killed by {inv}")
            print(f"ok {fn}: {desc} killed by {m['by']} ({m['case']})")
    c = d["counts"]
    print(f"ok {c['total']} mutants, {c['killed']} killed, "
          f"{c['no-compile']} do not compile, score {d['score']}%")


def full(tree):
    r = run("--kernel", tree)
    print(r.stdout[-2500:])
    if r.returncode not in (0, 1) or "mutants: " not in r.stdout:
        fail(f"the run did not finish (exit {r.returncode})", r)
    if r.returncode == 1:
        fail("survivors not accounted for in slice/mutants.equivalent "
             "(listed above): kill them or account for them")


def bad(tree):
    for args, want in ((["--function", "no_such_function"], "no mutant"),
                       (["--kernel", "/nonexistent"], "no such directory")):
        r = run("--kernel", tree, *args) if args[0] != "--kernel" \
            else run(*args)
        if r.returncode != 2 or want not in r.stderr:
            fail(f"{args}: exit {r.returncode}, want 2 and '{want}'", r)
        print(f"ok {args}: {r.stderr.strip().splitlines()[0]}")


# functions with mutants only the exploration kills (on 7.2.13)
EXPLORED = ("is_xstate_managed_msr", "kvm_get_set_one_reg", "__kvm_set_xcr",
            "nested_svm_vmexit_update_vmcb12")


def select(tree):
    args = ["--kernel", tree, "--format", "json"]
    for fn in EXPLORED:
        args += ["--function", fn]
    docs = {}
    for mode in ([], ["--no-select"]):
        r = run(*args, *mode)
        if r.returncode not in (0, 1):
            fail(f"{mode}: exit {r.returncode}", r)
        docs[bool(mode)] = json.loads(r.stdout)
    sel, every = docs[False], docs[True]

    def outcome(d):
        return [(m["id"], m["status"], m["how"]) for m in d["mutants"]]
    if outcome(sel) != outcome(every):
        diff = [(a, b) for a, b in zip(outcome(sel), outcome(every))
                if a != b]
        fail(f"selection changed outcomes (with, without): {diff[:5]}")
    by_explore = sum(m["how"] == "exploration" for m in sel["mutants"])
    if not by_explore:
        fail("no mutant killed by the exploration: the check shows nothing")
    ran, total = sel["selection"] or (0, 0)
    if not 0 < ran < total:
        fail(f"selection explored {ran} of {total} runs: want fewer, not "
             "none")
    print(f"ok {len(sel['mutants'])} mutants, {by_explore} killed by the "
          f"exploration either way; selection ran {ran} of {total} case "
          "and program runs")


def main():
    what, tree = sys.argv[1], sys.argv[2]
    if not tree or not os.path.isdir(tree):
        print(f"SKIP: no tree at {tree!r}")
        return 77
    {"strict": strict, "full": full, "bad": bad,
     "select": select}[what](tree)
    return 0


if __name__ == "__main__":
    sys.exit(main())
