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
