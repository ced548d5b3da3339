/* SPDX-License-Identifier: GPL-2.0 */
/*
 * No-op stand-ins for kernel facilities the sliced code calls but that
 * play no part in the invariants: tracing, rate-limited logging, SRCU,
 * PMU and Xen MSRs, the vendor code's non-CET helpers.  (#undef first:
 * see custom.h.)
 */
#ifndef KVM_X86_SIM_STUBS_STUBS_H
#define KVM_X86_SIM_STUBS_STUBS_H

#undef EXPORT_SYMBOL_GPL
#define EXPORT_SYMBOL_GPL(sym)
#undef EXPORT_SYMBOL_FOR_KVM_INTERNAL
#define EXPORT_SYMBOL_FOR_KVM_INTERNAL(sym)
#undef trace_kvm_fpu
#define trace_kvm_fpu(load)		((void)(load))
#undef kvm_debug_ratelimited
#define kvm_debug_ratelimited(...)	do { } while (0)
#undef kvm_pr_unimpl
#define kvm_pr_unimpl(...)		do { } while (0)
#undef fpregs_assert_state_consistent
#define fpregs_assert_state_consistent() do { } while (0)
/* locks are not modelled: cleanup.h's lock guards hold nothing */
#undef guard
#define guard(type)			(void)
#undef scoped_guard
#define scoped_guard(type, ...)	\
	for (bool __scoped_once = true; __scoped_once; __scoped_once = false)
#undef scoped_cond_guard
#define scoped_cond_guard(type, fail, ...) \
	for (bool __scoped_once = true; __scoped_once; __scoped_once = false)
/* get_vmcs12()'s lock assertion: every vCPU ioctl holds vcpu->mutex */
#undef lockdep_is_held
#define lockdep_is_held(lock)		((void)(lock), true)
#undef refcount_read
#define refcount_read(r)		(*(r))
#undef lockdep_assert_once
#define lockdep_assert_once(cond)	((void)(cond))

/* the kvm.ignore_msrs module parameter, as the scenario set it */
#undef ignore_msrs
#define ignore_msrs		sim_hw_ignore_msrs()
static bool report_ignored_msrs __maybe_unused;

static inline bool kvm_pmu_is_valid_msr(struct kvm_vcpu *vcpu, u32 msr)
{
	return false;
}

static inline int kvm_pmu_get_msr(struct kvm_vcpu *vcpu, struct msr_data *m)
{
	return 1;
}

static inline int kvm_pmu_set_msr(struct kvm_vcpu *vcpu, struct msr_data *m)
{
	return 1;
}

static inline bool kvm_xen_is_hypercall_page_msr(struct kvm *kvm, u32 msr)
{
	return false;
}

static inline int kvm_xen_write_hypercall_page(struct kvm_vcpu *vcpu, u64 d)
{
	return 1;
}

static inline bool kvm_is_immutable_feature_msr(u32 msr)
{
	return false;
}

/* the vendor modules' non-CET helpers reached from their default arms */
static inline struct vmx_uret_msr *vmx_find_uret_msr(struct vcpu_vmx *vmx,
						     u32 msr)
{
	return NULL;
}

static inline int vmx_set_guest_uret_msr(struct vcpu_vmx *vmx,
					 struct vmx_uret_msr *msr, u64 data)
{
	return 0;
}

static inline void vmx_update_fb_clear_dis(struct kvm_vcpu *vcpu,
					   struct vcpu_vmx *vmx)
{
}

/* svm.h's: the CPU must reload the group's fields from the VMCB */
static inline void vmcb_mark_dirty(struct vmcb *vmcb, int bit)
{
	vmcb->control.clean &= ~(1u << bit);
}

static inline bool sev_es_prevent_msr_access(struct kvm_vcpu *vcpu,
					     struct msr_data *msr_info)
{
	return false;
}

/*
 * What the XSS swap around the run loop (kvm_load_xfeatures() and older
 * kvm_load_{guest,host}_xsave_state()) touches besides XSS: XCR0 (XSETBV)
 * and PKRU (the host has PKU and OSPKE), the machine's (xregs.c); the
 * guest's CR4 as the glue keeps it (OSXSAVE from creation, PKE once the
 * guest sets it).
 */
#undef kvm_is_cr4_bit_set
#define kvm_is_cr4_bit_set(vcpu, bit)	(!!((vcpu)->arch.cr4 & (bit)))
#undef xsetbv
#define xsetbv(index, value)	sim_hw_xsetbv((index), (value), __FILE__, __LINE__)
#undef cpu_feature_enabled
#define cpu_feature_enabled(f)		sim_hw_cpu_feature(f)
#undef boot_cpu_has
#define boot_cpu_has(f)			sim_hw_cpu_feature(f)
#undef rdpkru
#define rdpkru()			sim_hw_rdpkru(__FILE__, __LINE__)
#undef read_pkru
#define read_pkru()			sim_hw_rdpkru(__FILE__, __LINE__)
#undef wrpkru
#define wrpkru(pkru)			sim_hw_wrpkru((pkru), __FILE__, __LINE__)
#undef write_pkru
#define write_pkru(pkru)		sim_hw_wrpkru((pkru), __FILE__, __LINE__)
/*
 * vmx_set_constant_host_state()'s view of the host: control registers
 * (paging and protection on, CR0.TS clear), the IDT, the VM-exit entry
 * point; the simulated VM-entry checks the host-state fields against the
 * same values (layout.h SIM_HOST_STATE_FIELDS).
 */
#undef read_cr0
#define read_cr0()			((unsigned long)SIM_HOST_CR0)
#undef __read_cr3
#define __read_cr3()			((unsigned long)SIM_HOST_CR3)
#undef cr4_read_shadow
#define cr4_read_shadow()		((unsigned long)SIM_HOST_CR4)
static unsigned long host_idt_base __maybe_unused = 0xfffffe0000000000UL;
static const char vmx_vmexit[1] __maybe_unused;
/* PT in system mode (KVM's default pt_mode) */
static inline bool vmx_pt_mode_is_system(void)
{
	return true;
}


#endif /* KVM_X86_SIM_STUBS_STUBS_H */
