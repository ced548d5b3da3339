# SPDX-License-Identifier: GPL-2.0
"""Patches made at test time from the cached kernel tree.

Nothing here holds kernel source: every diff is produced while the suite
runs, by committing edits of files copied from the tree into a throw-away
git repository and asking git for them (format-patch, diff --binary, -M,
-C), so renames, copies, mode changes and binary diffs are git's own.
"""

import os
import re
import shutil
import subprocess

X86 = "arch/x86/kvm/x86.c"
VMX = "arch/x86/kvm/vmx/vmx.c"
FPU_H = "arch/x86/kvm/fpu.h"
SVM = "arch/x86/kvm/svm/svm.c"
NESTED_VMX = "arch/x86/kvm/vmx/nested.c"
NESTED_SVM = "arch/x86/kvm/svm/nested.c"
KVM = "arch/x86/kvm"

# Environment for git: no user or system configuration, fixed dates, so the
# generated mails are the same on every run.
GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_AUTHOR_NAME": "Hostile Tester",
           "GIT_AUTHOR_EMAIL": "hostile@example.invalid",
           "GIT_COMMITTER_NAME": "Hostile Tester",
           "GIT_COMMITTER_EMAIL": "hostile@example.invalid",
           "GIT_AUTHOR_DATE": "2025-09-22T10:00:00Z",
           "GIT_COMMITTER_DATE": "2025-09-22T10:00:00Z"}


def read(path):
    """A source file as text; undecodable bytes survive a round trip."""
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return f.read()


def _func_body(lines, func):
    """Index of the '{' line opening the function whose definition line
    starts with `func`."""
    i = next(k for k, ln in enumerate(lines) if ln.startswith(func))
    while lines[i].rstrip("\n") != "{":
        i += 1
    return i


def insert_in(text, func, new):
    """`new` lines inserted right after the '{' of function `func`."""
    lines = text.splitlines(keepends=True)
    i = _func_body(lines, func)
    return "".join(lines[:i + 1] + [ln + "\n" for ln in new] +
                   lines[i + 1:])


def replace_in(text, func, old, new):
    """The first line equal to `old` (stripped) inside `func` replaced by
    the lines `new`."""
    lines = text.splitlines(keepends=True)
    i = _func_body(lines, func)
    while lines[i].strip() != old:
        if lines[i] == "}\n":
            raise LookupError(f"{old!r} not in {func}")
        i += 1
    return "".join(lines[:i] + [ln + "\n" for ln in new] + lines[i + 1:])


# --- the edits the cases are built from --------------------------------

XSTATE_FN = "static bool is_xstate_managed_msr("


def violation(text, func=XSTATE_FN):
    """v14's bug: is_xstate_managed_msr() (or func, where its switch
    went) says true for S_CET, so the guest S_CET becomes resident in
    hardware (invariant S_CET EXCLUSION)."""
    return replace_in(text, func, "case MSR_IA32_U_CET:",
                      ["\tcase MSR_IA32_S_CET:", "\t\treturn true;",
                       "\tcase MSR_IA32_U_CET:"])


def harmless(text, tag="a harmless comment"):
    """A comment appended to the file: outside every sliced function, so
    the slice (and the cached binary) stay the same."""
    return text + f"/* hostile suite: {tag} */\n"


def in_msr_io(*stmts):
    """An edit putting `stmts` first in __msr_io's body (the batch path
    most scenarios go through)."""
    return lambda text: insert_in(text, "static int __msr_io(",
                                  ["\t" + s for s in stmts])


def counted(n, *stmts):
    """`stmts` run on the n-th call of __msr_io and after (static counter):
    the code under test goes wrong part-way through the run."""
    return in_msr_io("{ static int hostile_calls;",
                     f"  if (++hostile_calls >= {n}) {{ {' '.join(stmts)} }} }}")


class Repo:
    """A throw-away git repository holding copies of a few tree files."""

    def __init__(self, where, tree, files=(X86,)):
        self.dir = where
        os.makedirs(where)
        self.git("init", "-q", "-b", "base")
        for rel in files:
            dst = os.path.join(where, rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(os.path.join(tree, rel), dst)
            os.chmod(dst, 0o644)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "base")
        self.base = self.git("rev-parse", "HEAD").strip()

    def git(self, *args, binary=False):
        env = dict(os.environ, **GIT_ENV)
        r = subprocess.run(["git", "-c", "core.autocrlf=false", "-c",
                            "commit.gpgsign=false", *args], cwd=self.dir,
                           env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, check=True)
        return r.stdout if binary else r.stdout.decode("utf-8",
                                                      "surrogateescape")

    def path(self, rel):
        return os.path.join(self.dir, rel)

    def edit(self, rel, fn):
        p = self.path(rel)
        text = fn(read(p))
        with open(p, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(text)

    def write(self, rel, data):
        p = self.path(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb" if isinstance(data, bytes) else "w") as f:
            f.write(data)

    def commit(self, subject, body="A change made by the hostile suite."):
        self.git("add", "-A")
        self.git("commit", "-q", "-m", subject, "-m", body)

    def series(self, *args):
        """The commits since the base as one mbox (git format-patch
        --stdout), [PATCH n/m] numbered when there are several."""
        return self.git("format-patch", "--stdout", "-M", "-C",
                        *args, self.base + "..HEAD")

    def files(self, outdir, *args):
        """The commits since the base as numbered files (0001-*.patch)."""
        out = self.git("format-patch", "-M", "-C", "-o", outdir, *args,
                       self.base + "..HEAD")
        return [ln for ln in out.splitlines() if ln.strip()]

    def diff(self, *args):
        """git diff of the working copy against the last commit."""
        return self.git("diff", *args)


# --- refactors: the same behaviour, other functions holding the code ----

def _definition(lines, func):
    """(first line, '{' line, closing '}' line) of the function whose
    definition starts with `func`."""
    first = next(k for k, ln in enumerate(lines) if ln.startswith(func))
    body = _func_body(lines, func)
    end = next(k for k in range(body, len(lines)) if lines[k] == "}\n")
    return first, body, end


def body_into_helper(func, then=None):
    """func's body moved into a new static helper that func calls with
    its own arguments (func must return a value); then(text), if given,
    edits the result (a bug hidden in the helper)."""
    def edit(text):
        lines = text.splitlines(keepends=True)
        first, body, end = _definition(lines, func)
        header = "".join(lines[first:body])
        name = re.search(r"(\w+)\s*\($", func).group(1)
        params = header[header.index("(") + 1:header.rindex(")")]
        args = ", ".join(re.findall(r"(\w+)\s*(?:\[\s*\])?\s*$", p)[0]
                         for p in params.split(","))
        helper = header.replace(f"{name}(", f"hostile_{name}_body(", 1)
        if not helper.startswith("static"):
            helper = "static " + helper
        out = "".join(lines[:first] + [helper] + lines[body:end + 1] +
                      ["\n", header, "{\n",
                       f"\treturn hostile_{name}_body({args});\n", "}\n"] +
                      lines[end + 1:])
        return then(out) if then else out
    return edit


def call_wrapped(func, callee, wrapper):
    """Inside func, every call of callee goes through a new static helper
    defined just before func: `wrapper` is its whole C text, named
    hostile_<callee>."""
    def edit(text):
        lines = text.splitlines(keepends=True)
        first, body, end = _definition(lines, func)
        inner = "".join(lines[body:end + 1]).replace(
            f"{callee}(", f"hostile_{callee}(")
        return "".join(lines[:first]) + wrapper + "\n" + \
            "".join(lines[first:body]) + inner + "".join(lines[end + 1:])
    return edit


def macro_for(func, expr, macro):
    """Inside func, the expression `expr` spelled through a new macro
    `macro` defined just before func."""
    def edit(text):
        lines = text.splitlines(keepends=True)
        first, body, end = _definition(lines, func)
        inner = "".join(lines[body:end + 1])
        if expr not in inner:
            raise LookupError(f"{expr!r} not in {func}")
        name = macro.split("(")[0]
        return "".join(lines[:first]) + f"#define {macro} {expr}\n\n" + \
            "".join(lines[first:body]) + inner.replace(expr, name) + \
            "".join(lines[end + 1:])
    return edit


def _switch_of(lines, body, end):
    """(switch line, its closing line, the switched expression) of the
    first switch statement directly in the body lines[body:end]."""
    for k in range(body, end):
        m = re.match(r"^(\t)switch \((.*)\) \{$", lines[k].rstrip("\n"))
        if m:
            depth = 0
            for j in range(k, end):     # braces in this code are code's
                depth += lines[j].count("{") - lines[j].count("}")
                if depth == 0:
                    return k, j, m.group(2)
    raise LookupError("no switch")


def _label_cond(expr, label):
    """The C condition a `case` label stands for."""
    lab = label.strip()[len("case "):].rstrip(":").strip()
    if "..." in lab:
        lo, hi = (x.strip() for x in lab.split("..."))
        return f"({expr} >= {lo} && {expr} <= {hi})"
    return f"{expr} == {lab}"


def arm_before_switch(func, first_label):
    """The switch arm of func whose labels start with `first_label` (e.g.
    "case MSR_IA32_U_CET:") taken out of the switch and put before it as
    an `if` over the same values; its `break`s jump past the switch.  The
    behaviour is the same; no switch arm names the MSRs any more."""
    def edit(text):
        lines = text.splitlines(keepends=True)
        first, body, end = _definition(lines, func)
        sw, close, expr = _switch_of(lines, body, end)
        k = next(j for j in range(sw, close)
                 if lines[j].strip() == first_label)
        ind = lines[k][:len(lines[k]) - len(lines[k].lstrip("\t"))]
        labels = []
        while lines[k].strip().startswith("case "):
            labels.append(lines[k])
            k += 1
        arm_body = []
        while not re.match(ind + r"(case |default:|#|\})", lines[k]):
            arm_body.append(lines[k])
            k += 1
        if arm_body and arm_body[-1].strip() == "fallthrough;":
            raise LookupError(f"{first_label} falls through")
        start = k - len(labels) - len(arm_body)
        name = re.search(r"(\w+)\s*\($", func).group(1)
        label = f"hostile_after_{name}"
        moved = [ln.replace(ind + "\tbreak;", ind + f"\tgoto {label};")
                 for ln in arm_body]
        cond = " ||\n\t    ".join(_label_cond(expr, lab) for lab in labels)
        head = ind
        block = [f"{head}if ({cond}) {{\n"] + moved + [f"{head}}}\n"]
        after = [] if lines[close + 1] == f"{label}:\n" else [f"{label}:\n"]
        out = (lines[:sw] + block + lines[sw:start] + lines[k:close + 1] +
               after + lines[close + 1:])
        return "".join(out)
    return edit


# the case ranges of the CET MSRs, spelled out (msr-index.h numbers them
# consecutively: PL0_SSP..PL3_SSP, then INT_SSP_TAB)
_RANGES = {
    ("MSR_IA32_PL0_SSP", "MSR_IA32_PL3_SSP"):
        ["MSR_IA32_PL0_SSP", "MSR_IA32_PL1_SSP", "MSR_IA32_PL2_SSP",
         "MSR_IA32_PL3_SSP"],
    ("MSR_IA32_PL0_SSP", "MSR_IA32_INT_SSP_TAB"):
        ["MSR_IA32_PL0_SSP", "MSR_IA32_PL1_SSP", "MSR_IA32_PL2_SSP",
         "MSR_IA32_PL3_SSP", "MSR_IA32_INT_SSP_TAB"],
}


def ranges_as_labels(text):
    """Every `case A ... B:` over the CET MSRs written as one label per
    MSR, in every function of the file."""
    def spell(m):
        names = _RANGES[(m.group(2), m.group(3))]
        return "".join(f"{m.group(1)}case {n}:\n" for n in names)
    pat = re.compile(r"^(\t+)case (MSR_IA32_PL0_SSP) \.\.\. "
                     r"(MSR_IA32_PL3_SSP|MSR_IA32_INT_SSP_TAB):\n", re.M)
    out, n = pat.subn(spell, text)
    if not n:
        raise LookupError("no CET case range")
    return out


def checks_reordered(text):
    """Every `SHSTK && IBT` / `SHSTK || IBT` guest-capability check of
    the file written `IBT ... SHSTK` (the same truth table)."""
    cap = r"guest_cpu_cap_has\(vcpu, X86_FEATURE_{}\)"
    pat = re.compile(r"(!?)" + cap.format("SHSTK") + r"(\s*(?:&&|\|\|)\s*)"
                     r"(!?)" + cap.format("IBT"))
    out, n = pat.subn(
        lambda m: f"{m.group(3)}guest_cpu_cap_has(vcpu, X86_FEATURE_IBT)"
                  f"{m.group(2)}{m.group(1)}guest_cpu_cap_has(vcpu, "
                  f"X86_FEATURE_SHSTK)", text)
    if not n:
        raise LookupError("no SHSTK/IBT check")
    return out
