# SPDX-License-Identifier: GPL-2.0
"""KVM bugs of the kinds the harness used to be blind to: where the
simulated machine stood in for kernel code (the XSS swap around the run
loop), where only the host's path was judged (guest RDMSR/WRMSR), where
the capability model was too kind (the guest's supported XSS).  Each patch
breaks the tree's own code; validate must fail it (exit 1) naming the
invariant.  The edits are made from the tree at test time."""

from . import VIOLATION, case, kernel

X86 = kernel.X86


def bug(c, edit, subject, path=X86):
    return c.run("--patch", c.write("bug.patch", c.mail(
        (path, edit), subject=subject)))


def line_bug(c, func, old, new, subject, path=X86):
    """The line `old` of `func` replaced by `new` (one line)."""
    return bug(c, lambda t: kernel.replace_in(t, func, old, [new]), subject,
               path)


@case("kvmbugs", VIOLATION, r"HOST INTEGRITY.*IA32_XSS")
def kvmbug_host_xss_not_restored(c):
    """kvm_load_xfeatures() loads the guest's XSS on the way out too: the
    FPU swap at put runs with the guest's IA32_XSS"""
    return bug(c, lambda t: kernel.replace_in(
        t, "static void kvm_load_xfeatures(",
        "wrmsrq(MSR_IA32_XSS, load_guest ? vcpu->arch.ia32_xss : "
        "kvm_host.xss);",
        ["\t\twrmsrq(MSR_IA32_XSS, vcpu->arch.ia32_xss);"]),
        "KVM: x86: simplify the XSS swap")


@case("kvmbugs", VIOLATION, r"VALIDITY: .*MSR 0xda0")
def kvmbug_xss_checked_against_kvm_caps(c):
    """guest IA32_XSS checked against kvm_caps.supported_xss, not the
    guest's supported XSS (the seed review's question): a guest without
    CET may set the CET bits"""
    return line_bug(c, "int kvm_set_msr_common(",
                    "if (data & ~vcpu->arch.guest_supported_xss)",
                    "\t\tif (data & ~kvm_caps.supported_xss)",
                    "KVM: x86: check XSS against what KVM supports")


@case("kvmbugs", VIOLATION, r"CPUID GATING: guest .*internal index")
def kvmbug_internal_ssp_reachable(c):
    """__kvm_set_msr()/__kvm_get_msr() no longer refuse KVM's internal
    SSP index to the guest"""
    def edit(t):
        for fn in ("static int __kvm_set_msr(", "static int __kvm_get_msr("):
            t = kernel.replace_in(t, fn, "if (!host_initiated)",
                                  ["\t\tif (0)"])
        return t
    return bug(c, edit, "KVM: x86: let the SSP index through")


@case("kvmbugs", VIOLATION, r"CPUID GATING: guest WRMSR")
def kvmbug_host_leniency_for_guest(c):
    """kvm_do_msr_access() applies userspace's write-0 leniency to the
    guest's WRMSR too"""
    return line_bug(c, "static __always_inline int kvm_do_msr_access(",
                    "if (host_initiated && !*data && "
                    "kvm_is_advertised_msr(msr))",
                    "\tif (!*data && kvm_is_advertised_msr(msr))",
                    "KVM: x86: one rule for unsupported MSRs")


@case("kvmbugs", VIOLATION, r"VALIDITY: guest WRMSR of invalid")
def kvmbug_guest_int_ssp_tab_unchecked(c):
    """__kvm_set_msr() checks the SSP values only for userspace: the
    guest's non-canonical INT_SSP_TAB is accepted"""
    def edit(t):
        arm = t.index("case MSR_IA32_PL0_SSP ... MSR_IA32_INT_SSP_TAB:",
                      t.index("static int __kvm_set_msr("))
        old = "if (is_noncanonical_msr_address(data, vcpu))"
        at = t.index(old, arm)
        return t[:at] + "if (host_initiated && " + old[4:] + t[at + len(old):]
    return bug(c, edit, "KVM: x86: trust the guest's SSPs")


@case("kvmbugs", VIOLATION, r"HOST INTEGRITY: guest RDMSR of MSR 0x6a")
def kvmbug_init_clears_loaded_fpstate(c):
    """kvm_xstate_reset() zeroes the components without putting the
    loaded guest FPU first: the put after the run saves the live
    registers over the zeroes: the guest reads its pre-INIT values"""
    def edit(t):
        for line in ("kvm_put_guest_fpu(vcpu);", "kvm_load_guest_fpu(vcpu);"):
            t = kernel.replace_in(t, "static void kvm_xstate_reset(", line,
                                  ["\t\t;"])
        return t
    return bug(c, edit, "KVM: x86: no need to unload the FPU on INIT")


def vmx_bug(c, edit, subject):
    return c.run("--patch", c.write("bug.patch", c.mail(
        (kernel.VMX, edit), subject=subject)))


def unconditional(func, line):
    """In func, the `if (!enable_cet)` guarding `line` dropped: the
    statement runs whatever KVM's CET support."""
    def edit(t):
        return kernel.replace_in(kernel.replace_in(
            t, func, "if (!enable_cet)", ["\tif (1)"]), func, line,
            ["\t\t" + line])
    return edit


@case("kvmbugs", VIOLATION, r"S_CET EXCLUSION: .*S_CET")
def kvmbug_exit_ctrl_without_cet_load(c):
    """vmx_get_initial_vmexit_ctrl() always drops VM_EXIT_LOAD_CET_STATE:
    the guest's S_CET stays in hardware after VM-exit"""
    return vmx_bug(c, unconditional(
        "static u32 vmx_get_initial_vmexit_ctrl(",
        "vmexit_ctrl &= ~VM_EXIT_LOAD_CET_STATE;"),
        "KVM: VMX: S_CET is switched by hand")


@case("kvmbugs", VIOLATION, r"S_CET EXCLUSION: VM-entry left MSR 0x6a2")
def kvmbug_entry_ctrl_without_cet_load(c):
    """vmx_get_initial_vmentry_ctrl() always drops VM_ENTRY_LOAD_CET_STATE:
    the guest runs with the host's S_CET"""
    return vmx_bug(c, unconditional(
        "static u32 vmx_get_initial_vmentry_ctrl(",
        "vmentry_ctrl &= ~VM_ENTRY_LOAD_CET_STATE;"),
        "KVM: VMX: S_CET is loaded by hand")


@case("kvmbugs", VIOLATION, r"HOST INTEGRITY: VM-exit loaded S_CET 0")
def kvmbug_host_s_cet_zero(c):
    """vmx_set_constant_host_state() writes 0 to HOST_S_CET: every VM-exit
    turns the host's IBT off"""
    return vmx_bug(c, lambda t: kernel.replace_in(
        t, "void vmx_set_constant_host_state(",
        "vmcs_writel(HOST_S_CET, kvm_host.s_cet);",
        ["\t\tvmcs_writel(HOST_S_CET, 0);"]),
        "KVM: VMX: the host never uses supervisor CET")


@case("kvmbugs", VIOLATION, r"ACCESSOR CONTRACT: .*explore --kernel")
def kvmbug_fpu_get_locks_after_reload(c):
    """kvm_fpu_get() reloads the FPU state before taking fpregs_lock(): a
    softirq between the two clobbers the registers the accessor then
    uses.  No fixed scenario interrupts there; only the exploration of
    injected interruptions finds it (and prints how to replay it)."""
    def edit(t):
        t = kernel.replace_in(t, "static inline void kvm_fpu_get(",
                              "fpregs_lock();", [])
        return kernel.replace_in(t, "static inline void kvm_fpu_get(",
                                 "switch_fpu_return();",
                                 ["\t\tswitch_fpu_return();",
                                  "\tfpregs_lock();"])
    return c.run("--patch", c.write("bug.patch", c.mail(
        (kernel.FPU_H, edit), subject="KVM: x86: reload before locking")))


@case("kvmbugs", VIOLATION, r"PAIRING: .*explore --kernel")
def kvmbug_one_reg_efault_skips_put(c):
    """kvm_get_set_one_reg() returns at once when KVM_SET_ONE_REG's copy
    of the value from userspace faults, skipping kvm_put_guest_fpu(): only
    a faulting user copy (the exploration's uaccess injection) takes that
    path"""
    return bug(c, lambda t: kernel.replace_in(
        t, "static int kvm_get_set_one_reg(",
        "r = kvm_set_one_msr(vcpu, reg->index, user_val);",
        ["\t\tif ((r = kvm_set_one_msr(vcpu, reg->index, user_val)) "
         "== -EFAULT)", "\t\t\treturn r;"]),
        "KVM: x86: return early on a bad ONE_REG pointer")


@case("kvmbugs", VIOLATION,
      r"NO CRASH.*\n.*\n.*exploration worker.*\n.*replay: .*--replay '")
def kvmbug_crash_only_on_efault(c):
    """the code under test crashes only when KVM_SET_ONE_REG's user copy
    faults: no fixed scenario gets there, an exploration worker dies, and
    the report names the schedule it was running"""
    return bug(c, lambda t: kernel.replace_in(
        t, "static int kvm_get_set_one_reg(",
        "r = kvm_set_one_msr(vcpu, reg->index, user_val);",
        ["\t\tif ((r = kvm_set_one_msr(vcpu, reg->index, user_val)) "
         "== -EFAULT)", "\t\t\t*(volatile int *)0 = r;"]),
        "KVM: x86: trap a bad ONE_REG pointer")


@case("kvmbugs", VIOLATION, r"CPUID GATING: KVM_GET_MSR_INDEX_LIST does not list")
def kvmbug_probe_ssp_needs_ibt(c):
    """kvm_probe_msr_to_save() lists the SSP MSRs only with IBT: on a host
    with shadow stacks but no IBT (AMD) KVM stops listing them, and stops
    answering userspace's accesses to them for a guest without the
    feature"""
    return line_bug(c, "static void kvm_probe_msr_to_save(",
                    "if (!kvm_cpu_cap_has(X86_FEATURE_SHSTK))",
                    "\t\tif (!kvm_cpu_cap_has(X86_FEATURE_IBT))",
                    "KVM: x86: list the SSP MSRs with IBT")


@case("kvmbugs", VIOLATION,
      r"HOST INTEGRITY: VM-entry gave vCPU0 MSR 0x6a2 .*vmcb_mark_dirty")
def kvmbug_vmcb_s_cet_not_dirty(c):
    """svm_set_msr() writes the VMCB's S_CET without vmcb_mark_dirty():
    the next VMRUN takes the S_CET the CPU cached at the last one"""
    return line_bug(c, "static int svm_set_msr(",
                    "vmcb_mark_dirty(svm->vmcb01.ptr, VMCB_CET);",
                    "\t\t/* the CPU's cached copy is still good */",
                    "KVM: SVM: S_CET needs no clean-bit update", kernel.SVM)


@case("kvmbugs", VIOLATION, r"PAIRING: ioctl returned with fpregs_lock")
def kvmbug_fpu_put_keeps_lock(c):
    """kvm_fpu_put() forgets fpregs_unlock(): the ioctl returns to host
    userspace with preemption and softirqs disabled"""
    return line_bug(c, "static inline void kvm_fpu_put(",
                    "fpregs_unlock();",
                    "\t/* the caller unlocks */",
                    "KVM: x86: keep the FPU locked", kernel.FPU_H)


@case("kvmbugs", VIOLATION, r"PAIRING: ioctl returned with 1 of its alloc")
def kvmbug_msr_io_leaks(c):
    """msr_io() no longer frees its copy of the entries"""
    return line_bug(c, "static int msr_io(",
                    "kfree(entries);",
                    "\t/* freed by the caller */",
                    "KVM: x86: keep the entries")


@case("kvmbugs", VIOLATION,
      r"HOST INTEGRITY: VM-entry of vCPU0 with HOST_SSP never written")
def kvmbug_host_ssp_not_written(c):
    """vmx_set_constant_host_state() no longer writes HOST_SSP: the
    VM-exit loads an undefined shadow-stack pointer into the host"""
    return line_bug(c, "void vmx_set_constant_host_state(",
                    "vmcs_writel(HOST_SSP, 0);",
                    "\t\t/* unused by Linux */",
                    "KVM: VMX: skip HOST_SSP", kernel.VMX)


@case("kvmbugs", VIOLATION,
      r"CPUID GATING: guest \w+ of MSR 0x6a[4-7].*lacks it")
def kvmbug_ssp_passed_through_by_ibt(c):
    """vmx_recalc_msr_intercepts() passes the SSP MSRs through to a guest
    with IBT instead of SHSTK: an IBT-only guest reaches PL0-3_SSP"""
    return line_bug(c, "static void vmx_recalc_msr_intercepts(",
                    "intercept = !guest_cpu_cap_has(vcpu, "
                    "X86_FEATURE_SHSTK);",
                    "\t\tintercept = !guest_cpu_cap_has(vcpu, "
                    "X86_FEATURE_IBT);",
                    "KVM: VMX: pass the SSPs through with IBT", kernel.VMX)


@case("kvmbugs", VIOLATION, r"CPUID GATING: guest \w+ of MSR 0x6a.*lacks it")
def kvmbug_svm_cet_always_passed_through(c):
    """svm_recalc_msr_intercepts() passes the CET MSRs through whatever
    the guest's CPUID: a guest without CET reaches them"""
    return line_bug(c, "static void svm_recalc_msr_intercepts(",
                    "bool shstk_enabled = guest_cpu_cap_has(vcpu, "
                    "X86_FEATURE_SHSTK);",
                    "\t\tbool shstk_enabled = true;",
                    "KVM: SVM: always pass the CET MSRs through", kernel.SVM)


@case("kvmbugs", VIOLATION, r"(HOST INTEGRITY|S_CET EXCLUSION): .*MSR 0x6a2")
def kvmbug_init_keeps_guest_s_cet(c):
    """vmx_vcpu_reset() no longer zeroes GUEST_S_CET on INIT: the guest
    reads its pre-INIT S_CET"""
    return bug(c, lambda t: kernel.replace_in(
        t, "void vmx_vcpu_reset(", "vmcs_writel(GUEST_S_CET, 0);",
        ["\t\t;"]), "KVM: VMX: S_CET survives INIT", kernel.VMX)


@case("kvmbugs", VIOLATION, r"CPUID GATING: guest WRMSR of MSR 0xda0")
def kvmbug_xss_without_xsaves(c):
    """kvm_set_msr_common() no longer asks for XSAVES before IA32_XSS: a
    guest without XSAVES may write it"""
    return line_bug(c, "int kvm_set_msr_common(",
                    "if (!guest_cpuid_has(vcpu, X86_FEATURE_XSAVES))",
                    "\t\tif (0)", "KVM: x86: IA32_XSS for every guest")


@case("kvmbugs", VIOLATION,
      r"HOST INTEGRITY: L2.s VM-exit left vmcs12/vmcb12 S_CET")
def kvmbug_nested_exit_skips_cet(c):
    """sync_vmcs02_to_vmcs12() no longer copies L2's CET state into
    vmcs12: L1 reads what it wrote before the VMLAUNCH"""
    return line_bug(c, "static void sync_vmcs02_to_vmcs12(",
                    "vmcs_read_cet_state(&vmx->vcpu, &vmcs12->guest_s_cet,",
                    "\tif (0) vmcs_read_cet_state(&vmx->vcpu, "
                    "&vmcs12->guest_s_cet,",
                    "KVM: nVMX: L2's CET state stays in vmcs02",
                    kernel.NESTED_VMX)


@case("kvmbugs", VIOLATION, r"VALIDITY: vCPU0's VMLAUNCH .* entered L2")
def kvmbug_nested_no_guest_cet_checks(c):
    """nested_vmx_check_guest_state() skips the CET checks: L2 is entered
    with a guest S_CET or INT_SSP_TAB the CPU would refuse"""
    return line_bug(c, "static int nested_vmx_check_guest_state(",
                    "if (vmcs12->vm_entry_controls & "
                    "VM_ENTRY_LOAD_CET_STATE) {",
                    "\tif (0) {", "KVM: nVMX: no CET guest-state checks",
                    kernel.NESTED_VMX)


@case("kvmbugs", VIOLATION,
      r"HOST INTEGRITY: VM-entry gave vCPU0 MSR 0x6a2 .*vmcs02")
def kvmbug_nested_l2_runs_l1_cet(c):
    """prepare_vmcs02() always puts L1's pre-VM-entry CET state into
    vmcs02, even when vmcs12 asks to load L2's"""
    return line_bug(c, "static int prepare_vmcs02(",
                    "if (!vcpu->arch.nested_run_pending ||",
                    "\tif (1 ||", "KVM: nVMX: L2 runs with L1's CET state",
                    kernel.NESTED_VMX)


@case("kvmbugs", VIOLATION,
      r"HOST INTEGRITY: L2's VM-exit left vmcs12/vmcb12 S_CET")
def kvmbug_nested_svm_exit_skips_cet(c):
    """nested_svm_vmexit_update_vmcb12() no longer copies L2's CET state
    into vmcb12: L1 reads what it wrote before the VMRUN"""
    return line_bug(c, "static int nested_svm_vmexit_update_vmcb12(",
                    "if (guest_cpu_cap_has(vcpu, X86_FEATURE_SHSTK)) {",
                    "\tif (0) {", "KVM: nSVM: L2's CET state stays in vmcb02",
                    kernel.NESTED_SVM)


# The XFD family (AMX's dynamic state): real fixes of this code, undone.

@case("kvmbugs", VIOLATION, r"HOST INTEGRITY: .*IA32_XFD_ERR")
def kvmbug_nm_exit_skips_xfd_err(c):
    """handle_nm_fault_irqoff() no longer saves the guest's XFD_ERR: the
    host's #NM handling clobbers it before the guest reads it"""
    return line_bug(c, "static void handle_nm_fault_irqoff(",
                    "rdmsrq(MSR_IA32_XFD_ERR, "
                    "vcpu->arch.guest_fpu.xfd_err);",
                    "\t\t;", "KVM: VMX: XFD_ERR is the guest's anyway",
                    kernel.VMX)


@case("kvmbugs", VIOLATION, r"VALIDITY: KVM_SET_XSAVE|NO BUG")
def kvmbug_set_xsave_keeps_xfd_armed_bv(c):
    """kvm_vcpu_ioctl_x86_set_xsave() no longer clears XSTATE_BV of the
    components the guest's XFD arms: their XRSTOR would #NM"""
    return line_bug(c, "static int kvm_vcpu_ioctl_x86_set_xsave(",
                    "xstate->xsave.header.xfeatures &= "
                    "~vcpu->arch.guest_fpu.fpstate->xfd;",
                    "\t;", "KVM: x86: userspace's XSTATE_BV as it is")


@case("kvmbugs", VIOLATION, r"VALIDITY: write of invalid value .* 0x1c4")
def kvmbug_xfd_any_bits(c):
    """the IA32_XFD arm of kvm_set_msr_common() no longer checks the
    value against the guest's dynamic components"""
    def edit(t):
        arm = t.index("case MSR_IA32_XFD:",
                      t.index("int kvm_set_msr_common("))
        old = "if (data & ~kvm_guest_supported_xfd(vcpu))"
        at = t.index(old, arm)
        return t[:at] + "if (0)" + t[at + len(old):]
    return bug(c, edit, "KVM: x86: XFD takes what the CPU takes")


@case("kvmbugs", VIOLATION, r"CPUID GATING: KVM_GET_MSR_INDEX_LIST lists MSR 0x1c")
def kvmbug_xfd_listed_without_xfd(c):
    """kvm_probe_msr_to_save() lists IA32_XFD{,_ERR} on a host without
    XFD"""
    return line_bug(c, "static void kvm_probe_msr_to_save(",
                    "if (!kvm_cpu_cap_has(X86_FEATURE_XFD))", "\t\tif (0)",
                    "KVM: x86: always save XFD")


@case("kvmbugs", VIOLATION, r"HOST INTEGRITY")
def kvmbug_xfd_passed_through_unsynced(c):
    """vmx_set_msr() passes IA32_XFD through without noting it
    (xfd_no_write_intercept): KVM neither reads XFD back at the exit nor
    intercepts the #NM whose XFD_ERR it must save"""
    return line_bug(c, "int vmx_set_msr(",
                    "vcpu->arch.xfd_no_write_intercept = true;", "\t\t\t;",
                    "KVM: VMX: XFD's pass-through needs no flag",
                    kernel.VMX)
