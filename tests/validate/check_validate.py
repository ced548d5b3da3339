#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ctest checks for `kvm-x86-sim validate` (scripts/kvm_validate.py).

  check_validate.py CASE --build DIR [--tree7 DIR] [--tree612 DIR]
                    [--seed FILE]

Every patch used here is generated at run time: either a tiny synthetic diff
against a synthetic tree this script creates, or a diff made with difflib
from the cached kernel tree (never stored in the repository).  Exit 0 pass,
1 fail, 77 skip (a needed tree or the seed is absent).
"""
import argparse
import difflib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile_cases import kernel    # noqa: E402  the shared code edits

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
VALIDATE = os.path.join(TOP, "scripts", "kvm_validate.py")
SKIP = 77


class Fail(Exception):
    pass


def check(cond, what, out=None):
    if not cond:
        raise Fail(what + ("\n--- output ---\n" + out if out else ""))


def validate(args, build):
    r = subprocess.run([sys.executable, VALIDATE, "--build", build,
                        "--quiet"] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=300)
    return r.returncode, r.stdout, r.stderr


def need(path, what):
    if not path or not os.path.exists(path):
        how = ("./kvm-x86-sim setup --seed FILE" if "seed" in what else
               "./kvm-x86-sim setup")
        print(f"SKIP: {what} not available ({path or 'not configured'}; "
              f"{how})")
        sys.exit(SKIP)


def synthetic_tree(tmp):
    """A stand-in tree: arch/x86/kvm/x86.c with a few lines of our own."""
    d = os.path.join(tmp, "tree")
    os.makedirs(os.path.join(d, "arch/x86/kvm"))
    with open(os.path.join(d, "arch/x86/kvm/x86.c"), "w") as f:
        f.write("".join(f"/* synthetic line {k} */\n" for k in range(1, 21)))
    return d


def write(tmp, name, text):
    p = os.path.join(tmp, name)
    with open(p, "w") as f:
        f.write(text)
    return p


def edited(tree, rel, edits):
    """rel's text in tree, and that text after each edit: edits is
    [(function, line)], `line` inserted first in the function's body."""
    with open(os.path.join(tree, rel)) as f:
        old = f.read()
    new = old
    for func, text in edits:
        new = kernel.insert_in(new, func, [text])
    return old, new


def gen_patch(tree, rel, edits, subject, n=1, of=1):
    """A git format-patch style mail of the edits (see edited())."""
    old, new = edited(tree, rel, edits)
    return mail(rel, old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                f"[PATCH {n}/{of}] {subject}")


def mail(rel, old, new, subject):
    """A git format-patch style mail of the diff from `old` to `new`."""
    diff = "".join(difflib.unified_diff(old, new, "a/" + rel, "b/" + rel))
    body = subject.split("] ", 1)[-1]
    return (f"From 0000000000000000000000000000000000000000 Mon Sep 17 "
            f"00:00:00 2001\nFrom: Test <test@example.invalid>\n"
            f"Subject: {subject}\n\n{body}.\n---\n"
            f"diff --git a/{rel} b/{rel}\n{diff}-- \n2.47.3\n\n")


def gen_rewrite(tree, rel, edit, subject, tag="[PATCH]"):
    """A format-patch mail of edit(text) on rel: a mutation of the tree's
    own code, made at run time (hostile_cases/kernel.py edits)."""
    with open(os.path.join(tree, rel)) as f:
        text = f.read()
    return mail(rel, text.splitlines(keepends=True),
                edit(text).splitlines(keepends=True), f"{tag} {subject}")


def one_line_error(rc, err, word, out):
    check(rc == 2, f"expected exit 2, got {rc}", out + err)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    check(len(lines) == 1, f"expected a one-line reason, got {len(lines)}",
          err)
    check(word.lower() in lines[0].lower(),
          f"reason does not mention {word!r}", err)
    print("reason:", lines[0])


def case_tree7(a, tmp):
    need(a.tree7, "the 7.x tree")
    rc, out, err = validate(["--kernel", a.tree7], a.build)
    check(rc == 0, f"7.x tree without a patch: exit {rc}, expected 0",
          out + err)
    check("PASS" in out and "FAIL" not in out, "no PASS table", out)


def case_seed(a, tmp):
    need(a.tree612, "the 6.12 tree")
    need(a.seed, "the seed thread")
    rc, out, err = validate(["--kernel", a.tree612, "--patch", a.seed],
                            a.build)
    check(rc == 1, f"6.12 + seed: exit {rc}, expected 1", out + err)
    check("FAIL S_CET EXCLUSION" in out, "S_CET EXCLUSION not named", out)
    check(re.search(r"^  scenarios: (.*, )?scet_only_batch \(\d+\)", out,
                    re.M), "scenario not named", out)
    check("arch/x86/kvm/x86.c:" in out, "no kernel file:line in the trace",
          out)


def case_garbage(a, tmp):
    tree = synthetic_tree(tmp)
    p = write(tmp, "garbage.patch", "this is\nnot a patch at all\n> nor "
              "this\n--- just dashes\n")
    rc, out, err = validate(["--kernel", tree, "--patch", p], a.build)
    one_line_error(rc, err, "no patch found", out)


def case_empty(a, tmp):
    tree = synthetic_tree(tmp)
    p = write(tmp, "empty.patch", "")
    rc, out, err = validate(["--kernel", tree, "--patch", p], a.build)
    one_line_error(rc, err, "empty", out)


def case_other_file(a, tmp):
    tree = synthetic_tree(tmp)
    p = write(tmp, "other.patch",
              "--- a/arch/x86/kvm/not_there.c\n+++ b/arch/x86/kvm/not_there.c\n"
              "@@ -1,2 +1,3 @@\n line one\n+line added\n line two\n")
    rc, out, err = validate(["--kernel", tree, "--patch", p], a.build)
    one_line_error(rc, err, "not_there.c", out)


def case_missing_tree(a, tmp):
    rc, out, err = validate(["--kernel", os.path.join(tmp, "no-such-tree")],
                            a.build)
    one_line_error(rc, err, "no-such-tree", out)
    tree = os.path.join(tmp, "empty-tree")
    os.makedirs(tree)
    rc, out, err = validate(["--kernel", tree], a.build)
    one_line_error(rc, err, "arch/x86/kvm/x86.c", out)


def case_hunk_fails(a, tmp):
    tree = synthetic_tree(tmp)
    with open(os.path.join(tree, "arch/x86/kvm/x86.c")) as f:
        before = f.read()
    p = write(tmp, "stale.patch",
              "--- a/arch/x86/kvm/x86.c\n+++ b/arch/x86/kvm/x86.c\n"
              "@@ -5,3 +5,3 @@\n /* synthetic line 5 */\n"
              "-/* something else 6 */\n+/* new */\n /* synthetic line 7 */\n")
    rc, out, err = validate(["--kernel", tree, "--patch", p], a.build)
    check(rc == 2, f"stale hunk: exit {rc}, expected 2", out + err)
    first = err.splitlines()[0] if err else ""
    check("does not apply" in first and "arch/x86/kvm/x86.c" in first and
          "hunk #1" in first, "file and hunk not named", err)
    with open(os.path.join(tree, "arch/x86/kvm/x86.c")) as f:
        check(f.read() == before, "the user's tree was modified")


def case_compile_error(a, tmp):
    need(a.tree7, "the 7.x tree")
    p = write(tmp, "broken.patch", gen_patch(
        a.tree7, "arch/x86/kvm/x86.c",
        [("static int __msr_io(", "\tthis is not C;")], "break the build"))
    rc, out, err = validate(["--kernel", a.tree7, "--patch", p], a.build)
    check(rc == 2, f"compile error: exit {rc}, expected 2", out + err)
    first = err.splitlines()[0]
    check("compile error" in first and "arch/x86/kvm/x86.c:" in first,
          "compile error not shown at the tree's file:line", err)
    check("| \tthis is not C;" in err, "the patched line is not shown", err)


def case_crash(a, tmp):
    need(a.tree7, "the 7.x tree")
    p = write(tmp, "crash.patch", gen_patch(
        a.tree7, "arch/x86/kvm/x86.c",
        [("static int do_get_feature_msr(", "\t*(volatile int *)0 = 0;")],
        "NULL dereference on the device ioctl path"))
    rc, out, err = validate(["--kernel", a.tree7, "--patch", p,
                             "--format", "json"], a.build)
    check(rc == 1, f"crash: exit {rc}, expected 1", out + err)
    doc = json.loads(out)
    st = patch_step(doc, 1)
    check(st["invariants"]["NO CRASH"]["verdict"] == "FAIL",
          "crash not reported as a FAIL", out)
    crashed = {f["scenario"] for f in st["failures"]
               if f["invariant"] == "NO CRASH"}
    check("device_ioctl" in crashed and all("device_ioctl" in s for s in crashed),
          f"crashed scenarios: {crashed}", out)
    check(st["cases"]["PASS"] > 50, "the other scenarios did not run", out)


def case_v14_scet_xstate(a, tmp):
    """v14's is_xstate_managed_msr() said true for S_CET: on the 7.x code
    the S_CET-only batch now loads the guest FPU."""
    need(a.tree7, "the 7.x tree")
    p = write(tmp, "v14.patch", gen_rewrite(
        a.tree7, kernel.X86, kernel.violation,
        "KVM: x86: treat S_CET as XSTATE-managed (as v14 did)"))
    rc, out, err = validate(["--kernel", a.tree7, "--patch", p], a.build)
    check(rc == 1, f"v14 S_CET: exit {rc}, expected 1", out + err)
    check("FAIL S_CET EXCLUSION" in out, "S_CET EXCLUSION not named", out)
    check(re.search(r"^  scenarios: (.*, )?scet_only_batch \(\d+\)", out,
                    re.M), "scenario not named", out)


def case_v14_scet_wrmsr(a, tmp):
    """v14's vmx_set_msr() wrote S_CET with WRMSR: the guest's S_CET is
    then resident in hardware while the host runs."""
    need(a.tree7, "the 7.x tree")
    p = write(tmp, "v14-wrmsr.patch", gen_rewrite(
        a.tree7, kernel.VMX, lambda t: kernel.replace_in(
            t, "int vmx_set_msr(", "vmcs_writel(GUEST_S_CET, data);",
            ["\t\twrmsrq(MSR_IA32_S_CET, data);"]),
        "KVM: VMX: write S_CET with WRMSR (as v14 did)"))
    rc, out, err = validate(["--kernel", a.tree7, "--patch", p], a.build)
    check(rc == 1, f"v14 WRMSR S_CET: exit {rc}, expected 1", out + err)
    check("resident in hardware while the CPU runs host code" in out,
          "guest S_CET residency not reported", out)
    check("arch/x86/kvm/vmx/vmx.c:" in out, "no vmx.c line in the trace",
          out)


def case_series(a, tmp):
    need(a.tree7, "the 7.x tree")
    rel = "arch/x86/kvm/x86.c"
    mbox = ("From 1111111111111111111111111111111111111111 Mon Sep 17 "
            "00:00:00 2001\nSubject: [PATCH 0/2] cover letter\n\n"
            "No diff here.\n\n")
    mbox += gen_patch(a.tree7, rel, [("static int __msr_io(",
                                      "\t/* series patch one */")],
                      "comment one", 1, 2)
    # patch 2 is made against the tree with patch 1 applied
    t2 = os.path.join(tmp, "t2")
    os.makedirs(os.path.join(t2, "arch/x86/kvm"))
    _, one = edited(a.tree7, rel, [("static int __msr_io(",
                                    "\t/* series patch one */")])
    with open(os.path.join(t2, rel), "w") as f:
        f.write(one)
    mbox += gen_patch(t2, rel, [("static int do_get_feature_msr(",
                                 "\t/* series patch two */")],
                      "comment two", 2, 2)
    mbox += ("From someone Mon Sep 22 10:00:00 2025\nSubject: Re: [PATCH 1/2]"
             " comment one\n\n> diff --git a/x b/x\nLooks good.\n")
    p = write(tmp, "series.mbox", mbox)
    rc, out, err = validate(["--kernel", a.tree7, "--patch", p,
                             "--format", "json"], a.build)
    check(rc == 0, f"2-patch mbox: exit {rc}, expected 0", out + err)
    doc = json.loads(out)
    check([s["patches"] for s in doc["steps"]] == ["1", "1-2"],
          "series not split into 2 patches in order", out)
    check([p["subject"] for p in doc["patches"]] ==
          ["[PATCH 1/2] comment one", "[PATCH 2/2] comment two"],
          "wrong patches taken from the mbox", out)


def case_coverage(a, tmp):
    """Patch coverage: patch 1 adds an if (run) and its return (never
    run) to __msr_io and a file outside; patch 2 only a comment in a
    function the harness does not slice: its PASS covered none of it."""
    need(a.tree7, "the 7.x tree")
    rel = "arch/x86/kvm/x86.c"
    msr_io = "static int __msr_io("
    one_edits = [(msr_io, "\t\treturn 0;"),
                 (msr_io, "\tif (msrs->nmsrs >= MAX_IO_MSRS)")]
    doc_file = ("diff --git a/Documentation/kvm-x86-sim-test.txt "
                "b/Documentation/kvm-x86-sim-test.txt\nnew file mode 100644"
                "\n--- /dev/null\n+++ b/Documentation/kvm-x86-sim-test.txt\n"
                "@@ -0,0 +1 @@\n+outside\n")
    p1 = gen_patch(a.tree7, rel, one_edits, "guard", 1, 2)
    p1 = p1.replace("-- \n2.47.3", doc_file + "-- \n2.47.3")
    t2 = os.path.join(tmp, "t2")
    os.makedirs(os.path.join(t2, "arch/x86/kvm"))
    _, one = edited(a.tree7, rel, one_edits)
    with open(os.path.join(t2, rel), "w") as f:
        f.write(one)
    p2 = gen_patch(t2, rel, [("int kvm_emulate_halt(",
                              "\t/* not in the slice */")],
                   "comment outside", 2, 2)
    p = write(tmp, "cov.mbox", p1 + p2)
    rc, out, err = validate(["--kernel", a.tree7, "--patch", p,
                             "--format", "json", "--no-explore"], a.build)
    check(rc == 0, f"coverage series: exit {rc}, expected 0", out + err)
    cov = [s["coverage"] for s in json.loads(out)["steps"]]
    c1, c2 = cov
    check((c1["changed"], c1["sliced"], c1["with_code"], c1["executed"]) ==
          (3, 2, 2, 1), "patch 1: expected 3 changed, 2 sliced with code, "
          "1 executed", out)
    check(len(c1["not_executed"]) == 1 and
          c1["not_executed"][0].startswith(rel + ":"),
          "patch 1: the never-run return not named", out)
    check(c1["outside"] == ["Documentation/kvm-x86-sim-test.txt"],
          "patch 1: the file outside not named", out)
    check((c2["changed"], c2["sliced"], c2["executed"]) == (1, 0, 0),
          "patch 2: expected 1 changed line outside the slice", out)
    rc, out, err = validate(["--kernel", a.tree7, "--patch", p,
                             "--no-explore"], a.build)
    check(rc == 0, f"coverage series (text): exit {rc}", out + err)
    check("patch 1/2 cov.mbox#1: 2 changed line(s) in sliced code, 2 with "
          "code, 1 executed" in out, "patch 1's coverage line", out)
    check("this PASS covered none of the patch" in out.split(
        "patch 2/2")[-1], "patch 2's empty coverage not said", out)
    print(out)


def kvm_copy(src, dst):
    """dst/arch/x86/kvm: a copy of src's."""
    shutil.copytree(os.path.join(src, "arch/x86/kvm"),
                    os.path.join(dst, "arch/x86/kvm"))
    return dst


def case_base_relative(a, tmp):
    """A violation present at the base: reported, never held against a
    clean series (exit 0; --strict: 1); a series that brings one in and
    takes it out again: exit 1, new at patch 1/2, fixed by patch 2/2."""
    need(a.tree7, "the 7.x tree")
    rel = kernel.X86
    bad = kvm_copy(a.tree7, os.path.join(tmp, "bad"))
    with open(os.path.join(bad, rel)) as f:
        good_text = f.read()
    text = kernel.violation(good_text)
    with open(os.path.join(bad, rel), "w") as f:
        f.write(text)
    clean = write(tmp, "clean.patch", gen_patch(
        bad, rel, [("static int __msr_io(", "\t/* a comment */")],
        "a comment"))
    rc, out, err = validate(["--kernel", bad, "--patch", clean,
                             "--no-explore"], a.build)
    check(rc == 0, f"clean patch on a broken base: exit {rc}, expected 0",
          out + err)
    check("BASE S_CET EXCLUSION present at the base" in out and
          re.search(r"S_CET EXCLUSION +FAIL +BASE", out),
          "the base's violation not shown as BASE", out)
    rc, out, err = validate(["--kernel", bad, "--patch", clean, "--strict",
                             "--no-explore"], a.build)
    check(rc == 1, f"--strict: exit {rc}, expected 1", out + err)
    # patch 1 breaks the clean tree, patch 2 restores it
    p1 = mail(rel, good_text.splitlines(True), text.splitlines(True),
              "[PATCH 1/2] break")
    p2 = mail(rel, text.splitlines(True), good_text.splitlines(True),
              "[PATCH 2/2] unbreak")
    p = write(tmp, "s.mbox", p1 + p2)
    rc, out, err = validate(["--kernel", a.tree7, "--patch", p,
                             "--no-explore"], a.build)
    check(rc == 1, f"break then fix: exit {rc}, expected 1", out + err)
    check("FAIL S_CET EXCLUSION new at patch 1/2 (s.mbox#1), fixed by "
          "patch 2/2" in out, "new at / fixed by not said", out)


def case_select(a, tmp):
    """A step that compiles the base's code (a comment in a sliced
    function) is not explored again, one that changes code is; and the
    verdicts are those of --no-select, which explores every step."""
    need(a.tree7, "the 7.x tree")
    rel = kernel.X86
    with open(os.path.join(a.tree7, rel)) as f:
        t0 = f.read()
    t1 = kernel.insert_in(t0, "static int __msr_io(", ["\t/* a note */"])
    t2 = kernel.insert_in(t1, "static int __msr_io(", ["\t;"])
    t3 = kernel.violation(t2)
    texts = [t.splitlines(True) for t in (t0, t1, t2, t3)]
    p = write(tmp, "sel.mbox", "".join(
        mail(rel, texts[k], texts[k + 1], f"[PATCH {k + 1}/3] step {k + 1}")
        for k in range(3)))
    runs = {}
    for mode in ([], ["--no-select"]):
        rc, out, err = validate(["--kernel", a.tree7, "--patch", p,
                                 "--format", "json", *mode], a.build)
        doc = json.loads(out)
        runs[bool(mode)] = (rc, {s["index"]: (s["explored"], {
            r: v["verdict"] for r, v in s["invariants"].items()})
            for s in doc["steps"]})
    (rc, sel), (rc_all, every) = runs[False], runs[True]
    check(rc == rc_all == 1, f"exit {rc} (--no-select {rc_all}), "
          "expected 1 both: patch 3 breaks S_CET EXCLUSION")
    check(not sel[1][0] and every[1][0],
          "patch 1 (a comment): explored with selection, or not without",
          json.dumps(sel))
    check(sel[2][0] and every[2][0], "patch 2 (code): not explored")
    for k in every:
        check(sel.get(k, (0, {}))[1] == every[k][1],
              f"step {k}: verdicts differ with selection: {sel.get(k)} "
              f"against {every[k]}")
    print("ok: a comment-only step carried, a code step explored, the "
          "same verdicts as --no-select")


def git(repo, *args):
    """git -C repo args as a test user; its output."""
    return subprocess.run(
        ["git", "-C", repo, "-c", "user.name=Test", "-c",
         "user.email=test@example.invalid", *args], check=True,
        capture_output=True, text=True).stdout


def case_git_and_stdin(a, tmp):
    """The same one-patch series through a file, --git REV-1, --git A..B
    and --patch - (standard input): the same verdicts."""
    need(a.tree7, "the 7.x tree")
    if not shutil.which("git"):
        print("SKIP: git not installed")
        sys.exit(SKIP)
    repo = kvm_copy(a.tree7, os.path.join(tmp, "repo"))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    p = write(tmp, "v14.patch", gen_rewrite(
        repo, kernel.X86, kernel.violation, "KVM: x86: S_CET as XSTATE"))
    git(repo, "apply", p)
    git(repo, "commit", "-q", "-a", "-m", "KVM: x86: S_CET as XSTATE")
    runs = {"file": (["--kernel", a.tree7, "--patch", p], None),
            "--git HEAD-1": (["--kernel", repo, "--git", "HEAD-1"], None),
            "--git A..B": (["--kernel", repo, "--git", "HEAD~1..HEAD"],
                           None),
            "--patch -": (["--kernel", a.tree7, "--patch", "-"], p)}
    verdicts = {}
    for name, (args, stdin) in runs.items():
        r = subprocess.run([sys.executable, VALIDATE, "--build", a.build,
                            "--quiet", "--no-explore", "--format", "json"]
                           + args, stdin=open(stdin) if stdin else None,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=300)
        check(r.returncode == 1, f"{name}: exit {r.returncode}, expected 1",
              r.stdout + r.stderr)
        doc = json.loads(r.stdout)
        verdicts[name] = [{k: v["verdict"]
                           for k, v in st["invariants"].items()}
                          for st in doc["steps"]]
        print(name, verdicts[name][-1])
    first = verdicts["file"]
    for name, v in verdicts.items():
        check(v == first, f"{name} gives other verdicts than the file",
              json.dumps(verdicts, indent=1))


def symlink_farm(src, dst):
    """dst/arch/x86/kvm: a tree of symlinks to src's files (cp -rs)."""
    base = os.path.join(src, "arch/x86/kvm")
    for d, _dirs, files in os.walk(base):
        out = os.path.join(dst, "arch/x86/kvm", os.path.relpath(d, base))
        os.makedirs(out, exist_ok=True)
        for fn in files:
            os.symlink(os.path.join(d, fn), os.path.join(out, fn))


def case_odd_tree(a, tmp):
    """A tree of symlinks, under a path with a quote and a space: the patch
    applies to the scratch copy, the slice compiles, the tree is kept."""
    need(a.tree7, "the 7.x tree")
    tree = os.path.join(tmp, 'my "odd" tree')
    symlink_farm(a.tree7, tree)
    p = write(tmp, "c.patch", gen_patch(
        a.tree7, "arch/x86/kvm/x86.c",
        [("static int __msr_io(", "\t/* a comment */")], "comment"))
    rc, out, err = validate(["--kernel", tree, "--patch", p], a.build)
    check(rc == 0, f"tree of symlinks: exit {rc}, expected 0", out + err)
    check(os.path.islink(os.path.join(tree, "arch/x86/kvm/x86.c")),
          "the tree's symlink was replaced")


def case_cache_damage(a, tmp):
    """A truncated cached binary is rebuilt with a note, not blamed on the
    patch."""
    need(a.tree7, "the 7.x tree")
    cache = os.path.join(tmp, "cache")
    args = ["--kernel", a.tree7, "--cache", cache]
    rc, out, err = validate(args, a.build)
    check(rc == 0, f"first run: exit {rc}", out + err)
    bins = [os.path.join(cache, "bin", d, "t")
            for d in os.listdir(os.path.join(cache, "bin"))
            if d.startswith("t-")]
    check(len(bins) == 1, f"expected one cached binary: {bins}")
    with open(bins[0], "r+b") as f:
        f.truncate(100)
    rc, out, err = validate(args, a.build)
    check(rc == 0, f"damaged cache: exit {rc}, expected 0", out + err)
    check("was damaged" in out and "rebuilt" in out, "no repair note", out)


def case_output_checked(a, tmp):
    """--output into a missing directory: exit 2 before the run."""
    tree = synthetic_tree(tmp)
    rc, out, err = validate(["--kernel", tree, "--output",
                             os.path.join(tmp, "no", "dir", "r.xml")],
                            a.build)
    one_line_error(rc, err, "--output", out)
    rc, out, err = validate(["--kernel", tree, "--output", tmp], a.build)
    one_line_error(rc, err, "is a directory", out)


def case_harness_error(a, tmp):
    """The harness's own failure is exit 3 with a reason, no traceback."""
    tree = synthetic_tree(tmp)
    rc, out, err = validate(["--kernel", tree, "--build",
                             os.path.join(tmp, "no-build")], a.build)
    check(rc == 3, f"missing harness build: exit {rc}, expected 3",
          out + err)
    check("kvm_x86_sim_build.json is missing" in err and "Traceback" not in err,
          "no one-line reason", err)


def case_sigterm(a, tmp):
    """SIGTERM mid-run: exit 143, the scratch copy removed, no child
    left."""
    need(a.tree7, "the 7.x tree")
    scratch_tmp = os.path.join(tmp, "tmpdir")
    os.makedirs(scratch_tmp)
    p = write(tmp, "c.patch", gen_patch(
        a.tree7, "arch/x86/kvm/x86.c",
        [("static int __msr_io(", "\t/* a comment */")], "comment"))
    env = dict(os.environ, TMPDIR=scratch_tmp)
    proc = subprocess.Popen([sys.executable, VALIDATE, "--build", a.build,
                             "--quiet", "--kernel", a.tree7, "--patch", p,
                             "--cache", os.path.join(tmp, "cache")],
                            env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not os.listdir(scratch_tmp) and time.monotonic() < deadline:
        time.sleep(0.02)
    check(bool(os.listdir(scratch_tmp)), "no scratch copy appeared")
    time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        print("SKIP-ish: the run ended before the signal")
        return
    check(proc.returncode == 128 + signal.SIGTERM,
          f"exit {proc.returncode}, expected 143", out + err)
    check(os.listdir(scratch_tmp) == [],
          f"scratch left behind: {os.listdir(scratch_tmp)}", err)


def format_runs(a):
    """The runs an output format is checked on: [(args, expected exit)]:
    the 7.x tree (0) and, when available, 6.12 with the seed (1)."""
    need(a.tree7, "the 7.x tree")
    runs = [(["--kernel", a.tree7], 0)]
    if a.tree612 and a.seed and os.path.exists(a.tree612) and \
            os.path.exists(a.seed):
        runs.append((["--kernel", a.tree612, "--patch", a.seed], 1))
    return runs


def case_junit(a, tmp):
    runs = format_runs(a)
    for args, want in runs:
        xml = os.path.join(tmp, "out.xml")
        rc, out, err = validate(args + ["--format", "junit", "--output",
                                        xml], a.build)
        check(rc == want, f"junit run exit {rc}, expected {want}", err)
        root = ET.parse(xml).getroot()
        check(root.tag == "testsuites", "root is not <testsuites>")
        tcs = root.findall("./testsuite/testcase")
        check(len(tcs) >= 10, f"{len(tcs)} testcases")
        fails = root.findall("./testsuite/testcase/failure")
        check(bool(fails) == bool(want), "failure elements do not match "
              "the exit code")
        if want:
            check(any(tc.get("name") == "S_CET EXCLUSION" and
                      tc.find("failure") is not None for tc in tcs),
                  "S_CET EXCLUSION is not a failing testcase")
    rc, out, err = validate(["--kernel", os.path.join(tmp, "nope"),
                             "--format", "junit"], a.build)
    check(rc == 2, "bad input in junit mode")
    ET.fromstring(out)


def case_tap(a, tmp):
    runs = format_runs(a)
    for args, want in runs:
        rc, out, err = validate(args + ["--format", "tap"], a.build)
        check(rc == want, f"tap run exit {rc}, expected {want}", out + err)
        lines = out.splitlines()
        check(lines[0] == "TAP version 13", "no TAP version line", out)
        check(lines[1].startswith("1.."), "no plan line", out)
        plan = int(lines[1][3:])
        tests = [ln for ln in lines if ln.startswith(("ok ", "not ok "))]
        check(len(tests) == plan, f"plan {plan} but {len(tests)} tests", out)
        for k, ln in enumerate(tests, 1):
            num = ln.split()[2 if ln.startswith("not") else 1]
            check(num == str(k), f"test {k} numbered {num}", out)
        check(any(ln.startswith("not ok") for ln in tests) == bool(want),
              "not ok lines do not match the exit code", out)


def runaway(a, tmp, name, line, subject, case_timeout=None):
    """Validate the 7.x tree with `line` put at the top of
    do_get_feature_msr() (reached only by the device_ioctl scenarios):
    (exit code, JSON report, all output, CPU seconds it took)."""
    need(a.tree7, "the 7.x tree")
    p = write(tmp, name, gen_patch(
        a.tree7, "arch/x86/kvm/x86.c",
        [("static int do_get_feature_msr(", line)], subject))
    args = ["--kernel", a.tree7, "--patch", p, "--format", "json"]
    if case_timeout:
        args += ["--case-timeout", str(case_timeout)]
    # CPU seconds of validate and its children, not the wall clock: a
    # busy machine stretches the latter, not the former
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    rc, out, err = validate(args, a.build)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    secs = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    try:
        doc = json.loads(out)
    except ValueError:
        raise Fail(f"{name}: no JSON report (exit {rc})", out + err)
    return rc, doc, out + err, secs


def patch_step(doc, k):
    """The JSON step with patches 1..k applied (the base is index 0)."""
    return [s for s in doc["steps"] if s["index"] == k][0]


def run_row(doc, row):
    """The failures of patch 1's step on `row` (NO HANG, NO OOM, ...)."""
    st = patch_step(doc, 1)
    return st["invariants"].get(row, {}).get("verdict"), \
        [f for f in st["failures"] if f["invariant"] == row]


def case_exit_mid_run(a, tmp):
    """Code under test that calls exit(0): never a pass, never exit 0."""
    rc, doc, out, _ = runaway(a, tmp, "exit.patch", "\t__builtin_exit(0);",
                              "exit in the middle of a case")
    check(rc == 1, f"exit(0) mid-run: exit {rc}, expected 1", out)
    verdict, fs = run_row(doc, "COMPLETE")
    check(verdict == "FAIL" and fs, "early exit not a COMPLETE FAIL", out)
    check(all("device_ioctl" in f["scenario"] for f in fs),
          "wrong cases reported as incomplete", out)
    st = patch_step(doc, 1)
    check(st["cases"]["PASS"] > 50, "the other cases did not run", out)


def case_hang(a, tmp):
    """A while (1) in the code under test: HANG within the case timeout,
    paid once, not once per scenario."""
    rc, doc, out, secs = runaway(a, tmp, "hang.patch", "\twhile (1);",
                                 "loop forever", case_timeout=2)
    check(rc == 1, f"hang: exit {rc}, expected 1", out)
    verdict, fs = run_row(doc, "NO HANG")
    check(verdict == "FAIL" and len(fs) == 1, "hang not one NO HANG FAIL",
          out)
    check("device_ioctl" in fs[0]["scenario"], "wrong case hung", out)
    print(f"hang reported in {secs:.1f} s of CPU (case timeout 2 s)")
    check(secs < 60, f"hang took {secs:.0f} s of CPU to report", out)


def case_oom(a, tmp):
    """A 4 GiB allocation used as if it succeeded: OOM under the memory
    limit, not a pass (and not a plain crash)."""
    rc, doc, out, _ = runaway(
        a, tmp, "oom.patch",
        "\tmemset(kvmalloc(4UL << 30, GFP_KERNEL), 1, 4UL << 30);",
        "allocate 4 GiB")
    check(rc == 1, f"4 GiB allocation: exit {rc}, expected 1", out)
    verdict, fs = run_row(doc, "NO OOM")
    check(verdict == "FAIL" and fs, "4 GiB allocation not an OOM FAIL", out)


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}


def main(cases=None, prefix="kvm-validate-test-"):
    """Run the case named on the command line (also check_workflow.py's,
    with its own cases)."""
    cases = cases or CASES
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=sorted(cases))
    ap.add_argument("--build", required=True)
    ap.add_argument("--tree7", default="")
    ap.add_argument("--tree612", default="")
    ap.add_argument("--seed", default="")
    a = ap.parse_args()
    a.build = os.path.abspath(a.build)
    a.seed = a.seed and os.path.abspath(a.seed)
    # every command a case runs without --build uses this build, not ./build
    os.environ["KVM_X86_SIM_BUILD"] = a.build
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        try:
            cases[a.case](a, tmp)
        except Fail as e:
            print(f"FAIL {a.case}: {e}")
            return 1
    print(f"PASS {a.case}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
