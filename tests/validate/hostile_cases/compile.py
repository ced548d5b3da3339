# SPDX-License-Identifier: GPL-2.0
"""Compile and link errors in the patched code: exit 2, shown at the
tree's own file:line with the PATCHED line (not the unpatched one gcc
would read from the user's tree), naming the patch of the series."""

from . import BAD_INPUT, HARNESS, OK, case, kernel
from .gitdiff import both

X86_LINE = r"arch/x86/kvm/x86\.c:\d+"


def broken(c, edit, name="broken.patch"):
    return c.run("--patch", c.write(name, c.mail(
        (kernel.X86, edit), subject="KVM: x86: break the build")))


@case("compile", BAD_INPUT, both(X86_LINE, "this is not C"))
def compile_syntax_error(c):
    """`this is not C;` in __msr_io: x86.c:line and the patched line"""
    return broken(c, kernel.in_msr_io("this is not C;"))


@case("compile", BAD_INPUT, both(X86_LINE, r"fpu_loaded = flase"))
def compile_error_shows_patched_line(c):
    """a changed line (false -> flase): the source line shown is the
    patched one"""
    return broken(c, lambda t: kernel.replace_in(
        t, "static int __msr_io(", "bool fpu_loaded = false;",
        ["\tbool fpu_loaded = flase;"]))


@case("compile", BAD_INPUT, both(r"arch/x86/kvm/vmx/vmx\.c:\d+",
                                 "hostile_vmx_typo"))
def compile_error_in_vmx(c):
    """a syntax error in vmx_set_msr: vmx.c:line"""
    r = c.repo(files=(kernel.VMX,))
    r.edit(kernel.VMX, lambda t: kernel.insert_in(
        t, "int vmx_set_msr(", ["\thostile_vmx_typo ;;"]))
    r.commit("KVM: VMX: break the build")
    return c.run("--patch", c.write("vmx.patch", r.series()))


@case("compile", BAD_INPUT, both(X86_LINE, r"(?i)patch 2|2/2|1-2"))
def compile_error_in_patch_2(c):
    """1/2 good, 2/2 does not compile: patch 2 is named"""
    r = c.repo()
    r.edit(kernel.X86, kernel.in_msr_io("/* fine */"))
    r.commit("KVM: x86: fine")
    r.edit(kernel.X86, kernel.in_msr_io("this is not C;"))
    r.commit("KVM: x86: broken")
    return c.run("--patch", c.write("two.mbox", r.series()))


@case("compile", BAD_INPUT, both(X86_LINE, "hostile_undeclared"))
def compile_implicit_declaration(c):
    """a call to an undeclared function (-Werror=implicit-...)"""
    return broken(c, kernel.in_msr_io("hostile_undeclared(1);"))


@case("compile", BAD_INPUT, r"hostile_nowhere")
def compile_link_error(c):
    """a call to a declared but undefined function: a link error that
    names it (not blamed on the stubs)"""
    return broken(c, kernel.in_msr_io(
        "{ extern void hostile_nowhere(void); hostile_nowhere(); }"))


@case("compile", OK)
def compile_warning_only(c):
    """an unused variable: a warning is not an error"""
    return broken(c, kernel.in_msr_io("int hostile_unused;"))


@case("compile", BAD_INPUT, both(X86_LINE, r"(?i)error"))
def compile_error_many(c):
    """2000 errors: exit 2 with the first at x86.c:line, output bounded"""
    run = broken(c, kernel.in_msr_io(*["this is not C;"] * 2000))

    def short(run, out):
        if len(out) > 200000:
            return f"{len(out)} bytes of output for one compile error"
    run.check = short
    return run


# --- the stubs' limits are the harness's, not the patch's ---------------

XSTATE = kernel.XSTATE_FN
U_CET_CHECK = "return guest_cpu_cap_has(vcpu, X86_FEATURE_SHSTK) ||"


@case("compile", OK)
def compile_guest_supported_xss(c):
    """is_xstate_managed_msr() asks the guest's supported XSS
    (vcpu->arch.guest_supported_xss & XFEATURE_MASK_CET_USER) for U_CET,
    the seed review's question: it compiles and is judged"""
    def edit(t):
        t = kernel.replace_in(t, XSTATE, U_CET_CHECK, [
            "\t\treturn vcpu->arch.guest_supported_xss &",
            "\t\t       XFEATURE_MASK_CET_USER;"])
        return kernel.replace_in(
            t, XSTATE, "guest_cpu_cap_has(vcpu, X86_FEATURE_IBT);", [])
    return broken(c, edit, "xss.patch")


@case("compile", HARNESS, r"stubs lack FIELD kvm_vcpu_arch\.pat "
      r"\(harness limitation\)")
def compile_stubs_lack_field(c):
    """__msr_io reads vcpu->arch.pat, a field the kernel has and the
    stubs do not: exit 3 naming the field, never bad input"""
    return broken(c, kernel.in_msr_io(
        "if (vcpu && vcpu->arch.pat == 1) return 0;"))


@case("compile", BAD_INPUT, r"hostile_no_such_field")
def compile_field_nobody_has(c):
    """a field the kernel does not have either: the patch's compile
    error (exit 2)"""
    return broken(c, kernel.in_msr_io(
        "if (vcpu && vcpu->arch.hostile_no_such_field) return 0;"))
