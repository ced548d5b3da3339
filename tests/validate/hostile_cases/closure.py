# SPDX-License-Identifier: GPL-2.0
"""What the sliced code depends on but the run does not hold: a changed
switch arm the slicer dropped, a helper the stubs stand in for, a header
definition the harness does not take: never a PASS (exit 3, the line
named), unless the run finds a violation (exit 1).  Code nothing sliced
uses stays a note (exit 0), and a changed prototype of a sliced function
is judged with its definition."""

import os

from . import HARNESS, OK, case, kernel

CPUID_H = "arch/x86/kvm/cpuid.h"
KVM_HOST_H = "arch/x86/include/asm/kvm_host.h"


def edited(c, rel, old, new, after=None):
    """A format-patch mail replacing the first `old` (after `after`, if
    given) in the 7.x tree's rel by `new`."""
    def edit(text):
        at = text.index(after) if after else 0
        i = text.index(old, at)
        return text[:i] + new + text[i + len(old):]
    if not os.path.isfile(os.path.join(c.tree7, rel)):
        raise FileNotFoundError(rel)
    return c.write("p.patch", c.mail((rel, edit),
                                     subject="KVM: x86: a change"))


@case("closure", HARNESS, r"not checked: .*x86\.c:\d+ changes a part of "
      r"kvm_set_msr_common\(\)")
def closure_dropped_arm(c):
    """a statement added to kvm_set_msr_common's MSR_IA32_TSC arm, which
    the slice drops"""
    return c.run("--patch", edited(
        c, kernel.X86, "case MSR_IA32_TSC:",
        "case MSR_IA32_TSC:\n\t\tdata &= ~0ull;",
        after="int kvm_set_msr_common("))


@case("closure", HARNESS, r"not checked: .*cpuid\.h:\d+ changes "
      r"guest_cpu_cap_has, for which the harness's stubs stand in")
def closure_stand_in_helper(c):
    """guest_cpu_cap_has() (the CPUID gate every CET arm asks), for which
    the stubs stand in, made to answer differently"""
    return c.run("--patch", edited(
        c, CPUID_H, "unsigned int x86_leaf = __feature_leaf(x86_feature);",
        "unsigned int x86_leaf = __feature_leaf(x86_feature) ^ 1;",
        after="guest_cpu_cap_has("))


@case("closure", OK, r"outside what the harness models")
def closure_unmodelled_function(c):
    """a statement in kvm_arch_vm_ioctl(), which nothing sliced uses"""
    return c.run("--patch", edited(
        c, kernel.X86, "{", "{\n\tmight_sleep();",
        after="int kvm_arch_vm_ioctl("))


@case("closure", OK, r"PASS")
def closure_prototype_renamed_parameter(c):
    """the prototype of kvm_get_msr_common() with a parameter renamed:
    judged with the definition the slice holds"""
    return c.run("--patch", edited(
        c, KVM_HOST_H, "int kvm_get_msr_common(struct kvm_vcpu *vcpu, "
        "struct msr_data *msr);", "int kvm_get_msr_common(struct kvm_vcpu "
        "*vcpu, struct msr_data *info);"))


@case("closure", HARNESS, r"not checked: .*kvm_host\.h:\d+ changes "
      r"kvm_vcpu_arch\.ia32_xss")
def closure_struct_field_type(c):
    """struct kvm_vcpu_arch's ia32_xss narrowed to 32 bits: the harness
    uses its own layout of the struct, so the change did not run"""
    return c.run("--patch", edited(c, KVM_HOST_H, "\tu64 ia32_xss;",
                                   "\tu32 ia32_xss;"))


@case("closure", HARNESS, r"not checked: .*x86\.c:\d+ changes a part of "
      r"kvm_set_msr_common\(\)")
def closure_dropped_arm_deletion(c):
    """a statement deleted from kvm_set_msr_common's MSR_IA32_TSC_ADJUST
    arm, which the slice drops: a deletion is judged only where the slice
    before it held the deleted lines"""
    return c.run("--patch", edited(
        c, kernel.X86, "\t\t\t\tkvm_make_request(KVM_REQ_CLOCK_UPDATE, vcpu);\n",
        "", after="case MSR_IA32_TSC_ADJUST:"))
