# SPDX-License-Identifier: GPL-2.0
"""Refactors: patches that keep the behaviour but change which functions
hold the code (a body moved into a new static helper, a call wrapped in a
new helper, a constant spelled through a new macro).  The slicer follows
the code (scripts/kvm_slice/closure.py), so each keeps the verdict of the
unpatched tree; the same refactor hiding v14's bug is still caught."""

from . import OK, VIOLATION, case, kernel

SCET = r"S_CET EXCLUSION"
XSTATE = kernel.XSTATE_FN


def refactor(c, *edits, subject="KVM: x86: refactor"):
    return c.run("--patch", c.write("r.patch", c.mail(*edits,
                                                       subject=subject)))


@case("refactor", OK)
def refactor_body_into_helper(c):
    """is_xstate_managed_msr()'s body moved into a new static helper"""
    return refactor(c, (kernel.X86, kernel.body_into_helper(XSTATE)))


@case("refactor", VIOLATION, SCET)
def refactor_body_into_helper_with_bug(c):
    """the same, with v14's S_CET arm added inside the new helper"""
    def bug(text):
        return kernel.violation(
            text, "static bool hostile_is_xstate_managed_msr_body(")
    return refactor(c, (kernel.X86, kernel.body_into_helper(XSTATE, bug)))


@case("refactor", OK)
def refactor_helpers_of_helpers(c):
    """two levels: the body of kvm_is_valid_u_s_cet() and of
    is_xstate_managed_msr() each in a helper of a helper"""
    twice = kernel.body_into_helper("static bool "
                                    "hostile_is_xstate_managed_msr_body(")
    return refactor(c, (kernel.X86, lambda t: twice(
        kernel.body_into_helper(XSTATE)(t))))


@case("refactor", OK)
def refactor_vmx_call_wrapped(c):
    """vmx_set_msr()'s vmcs_writel() calls go through a new static helper
    (the S_CET arm included)"""
    wrapper = ("static void hostile_vmcs_writel(unsigned long field, "
               "unsigned long value)\n{\n\tvmcs_writel(field, value);\n}\n")
    return refactor(c, (kernel.VMX, kernel.call_wrapped(
        "int vmx_set_msr(", "vmcs_writel", wrapper)))


@case("refactor", OK)
def refactor_constant_through_macro(c):
    """is_xstate_managed_msr() names X86_FEATURE_SHSTK through a new
    macro defined just before it"""
    return refactor(c, (kernel.X86, kernel.macro_for(
        XSTATE, "X86_FEATURE_SHSTK", "HOSTILE_CET_SHSTK")))


# --- arms out of the switch, ranges spelled out, checks reordered ------
# Each is generated from the tree's own text at test time; the verdict of
# the unpatched tree must stay (exit 0).  Before the slicer followed the
# code and the tree's CET support was probed (kvm_x86_sim/probe.c), an arm
# moved before its switch made the harness believe the tree had no CET.

U_CET = "case MSR_IA32_U_CET:"
S_CET = "case MSR_IA32_S_CET:"
INT_SSP_TAB = "case MSR_IA32_INT_SSP_TAB:"


def moved(*fn_labels):
    """An edit moving each (function, first label) arm before its switch."""
    def edit(text):
        for fn, label in fn_labels:
            text = kernel.arm_before_switch(fn, label)(text)
        return text
    return edit


@case("refactor", OK)
def refactor_arm_before_switch_msr_common(c):
    """kvm_{get,set}_msr_common(): the U_CET/PLx_SSP arm taken out of the
    switch into an `if` before it"""
    return refactor(c, (kernel.X86, moved(
        ("int kvm_set_msr_common(", U_CET),
        ("int kvm_get_msr_common(", U_CET))))


@case("refactor", OK)
def refactor_arm_before_switch_kvm_msr(c):
    """__kvm_{get,set}_msr(): the U_CET/S_CET arm (returns and a break)
    as an `if` before the switch"""
    return refactor(c, (kernel.X86, moved(
        ("static int __kvm_set_msr(", U_CET),
        ("static int __kvm_get_msr(", U_CET))))


@case("refactor", OK)
def refactor_arm_before_switch_vendor(c):
    """vmx_/svm_{get,set}_msr(): the S_CET and INT_SSP_TAB arms as `if`s
    before the switch"""
    vendor = [(fn, lab) for fn in ("int vmx_get_msr(", "int vmx_set_msr(")
              for lab in (S_CET, INT_SSP_TAB)]
    svm = [(fn, lab) for fn in ("static int svm_get_msr(",
                                "static int svm_set_msr(")
           for lab in (S_CET, INT_SSP_TAB)]
    return refactor(c, (kernel.VMX, moved(*vendor)),
                    (kernel.SVM, moved(*svm)))


@case("refactor", OK)
def refactor_ranges_as_labels(c):
    """every `case MSR_IA32_PL0_SSP ... MSR_IA32_PL3_SSP:` (and ...
    INT_SSP_TAB) of x86.c spelled as one label per MSR"""
    return refactor(c, (kernel.X86, kernel.ranges_as_labels))


@case("refactor", OK)
def refactor_checks_reordered(c):
    """every SHSTK-and/or-IBT capability check of x86.c with its operands
    swapped"""
    return refactor(c, (kernel.X86, kernel.checks_reordered))


@case("refactor", VIOLATION, SCET)
def refactor_arm_before_switch_with_bug(c):
    """the msr_common arms before their switches, and v14's S_CET arm in
    is_xstate_managed_msr(): still caught"""
    return refactor(c, (kernel.X86, lambda t: kernel.violation(moved(
        ("int kvm_set_msr_common(", U_CET),
        ("int kvm_get_msr_common(", U_CET))(t))))


@case("refactor", OK)
def refactor_switch_into_helper(c):
    """the bodies of kvm_get_msr_common() and vmx_set_msr(), switch and
    all, moved into new static helpers: the spec's arms= follow the
    switch into the helper"""
    return refactor(c, (kernel.X86, kernel.body_into_helper(
        "int kvm_get_msr_common(")), (kernel.VMX, kernel.body_into_helper(
            "int vmx_set_msr(")))


RECALC = "static void vmx_recalc_msr_intercepts("


def cet_intercepts_into_helper(then=None):
    """vmx_recalc_msr_intercepts()'s CET statements (from the SHSTK block
    to the PMU call) moved into a new static helper it calls; then(text)
    edits the helper's text (a bug hidden in it)."""
    def edit(text):
        fn = text.index(RECALC)
        lo = text.index("\tif (kvm_cpu_cap_has(X86_FEATURE_SHSTK)) {", fn)
        hi = text.index("\tvmx_recalc_pmu_msr_intercepts(vcpu);", lo)
        body = text[lo:hi]
        helper = ("static void hostile_recalc_cet_intercepts(struct "
                  "kvm_vcpu *vcpu)\n{\n\tbool intercept;\n\n" +
                  body.rstrip("\n") + "\n}\n\n")
        if then:
            helper = then(helper)
        return (text[:fn] + helper + text[fn:lo] +
                "\thostile_recalc_cet_intercepts(vcpu);\n\n" + text[hi:])
    return edit


@case("refactor", OK)
def refactor_cet_intercepts_into_helper(c):
    """the CET part of vmx_recalc_msr_intercepts() in a helper of its own
    (stmts= keeps the call: the helper names the CET MSRs)"""
    return refactor(c, (kernel.VMX, cet_intercepts_into_helper()))


@case("refactor", VIOLATION, r"CPUID GATING: guest \w+ of MSR 0x6a[4-7]")
def refactor_cet_intercepts_into_helper_with_bug(c):
    """the same, the SSP MSRs passed through to an IBT guest inside it"""
    return refactor(c, (kernel.VMX, cet_intercepts_into_helper(
        lambda h: h.replace("intercept = !guest_cpu_cap_has(vcpu, "
                            "X86_FEATURE_SHSTK);", "intercept = "
                            "!guest_cpu_cap_has(vcpu, X86_FEATURE_IBT);",
                            1))))
