/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations that must track the kernel, for nested VMX's CET code: the
 * CET fields of vmcs12 (the VMCS L1 keeps for L2, as KVM caches it), the
 * snapshot of L1's CET state taken at a nested VM-entry, and the types
 * the sliced functions' declarations name.  Included by dup.h; the same
 * rules (tracks: lines, #undef first) apply.  Only fields the slice
 * touches; their layout is the harness's own.
 */
#ifndef KVM_X86_SIM_STUBS_DUP_NESTED_H
#define KVM_X86_SIM_STUBS_DUP_NESTED_H

/* tracks: arch/x86/kvm/vmx/vmcs12.h struct vmcs12 (its CET part) */
struct vmcs12 {
	u32 vm_entry_controls;
	u32 vm_exit_controls;
	u64 exit_qualification;
	u64 guest_s_cet;
	u64 guest_ssp;
	u64 guest_ssp_tbl;
	u64 host_s_cet;
	u64 host_ssp;
	u64 host_ssp_tbl;
};

/* tracks: arch/x86/kvm/vmx/hyperv_evmcs.h (never used: no eVMCS here) */
struct hv_enlightened_vmcs;

/*
 * tracks: arch/x86/kvm/vmx/vmx.h struct nested_vmx (its CET part; older
 * trees keep nested_run_pending here, 7.x in struct kvm_vcpu_arch)
 */
struct nested_vmx {
	struct vmcs12 *cached_vmcs12;
	struct hv_enlightened_vmcs *hv_evmcs;
	bool nested_run_pending;
	struct {
		bool guest_mode;	/* SMI taken in L2 */
	} smm;
	u64 pre_vmenter_s_cet;
	u64 pre_vmenter_ssp;
	u64 pre_vmenter_ssp_tbl;
};

/*
 * tracks: arch/x86/include/uapi/asm/vmx.h EXIT_REASON_INVALID_STATE;
 * arch/x86/include/asm/vmx.h union vmx_exit_reason,
 * enum vm_entry_failure_code; arch/x86/kvm/vmx/nested.h
 * enum nvmx_vmentry_status
 */
#undef EXIT_REASON_INVALID_STATE
#define EXIT_REASON_INVALID_STATE	33

union vmx_exit_reason {
	struct {
		u32 basic		: 16;
		u32 reserved16		: 1;
		u32 reserved17		: 1;
		u32 reserved18		: 1;
		u32 reserved19		: 1;
		u32 reserved20		: 1;
		u32 reserved21		: 1;
		u32 reserved22		: 1;
		u32 reserved23		: 1;
		u32 reserved24		: 1;
		u32 reserved25		: 1;
		u32 bus_lock_detected	: 1;
		u32 enclave_mode	: 1;
		u32 smi_pending_mtf	: 1;
		u32 smi_from_vmx_root	: 1;
		u32 reserved30		: 1;
		u32 failed_vmentry	: 1;
	};
	u32 full;
};

enum vm_entry_failure_code {
	ENTRY_FAIL_DEFAULT		= 0,
	ENTRY_FAIL_PDPTE		= 2,
	ENTRY_FAIL_NMI			= 3,
	ENTRY_FAIL_VMCS_LINK_PTR	= 4,
};

enum nvmx_vmentry_status {
	NVMX_VMENTRY_SUCCESS,
	NVMX_VMENTRY_VMFAIL,
	NVMX_VMENTRY_VMEXIT,
	NVMX_VMENTRY_KVM_INTERNAL_ERROR,
};

/* tracks: arch/x86/include/asm/kvm_host.h struct kvm_segment (declared) */
struct kvm_segment {
	u64 base;
	u32 limit;
	u16 selector;
	u8 type, present, dpl, db, s, l, g, avl, unusable, padding;
};

/*
 * tracks: include/linux/kvm_host.h struct kvm_host_map, kvm_vcpu_map(),
 * kvm_vcpu_unmap(), gpa_to_gfn(): the one guest page mapped here is the
 * vmcb12 L1 runs L2 from (the glue's)
 */
struct kvm_host_map {
	void *hva;
};

static inline int kvm_vcpu_map(struct kvm_vcpu *vcpu, u64 gfn,
			       struct kvm_host_map *map)
{
	map->hva = vcpu->guest_page;
	return map->hva ? 0 : -EFAULT;
}

static inline void kvm_vcpu_unmap(struct kvm_vcpu *vcpu,
				  struct kvm_host_map *map)
{
	map->hva = NULL;
}

#undef gpa_to_gfn
#define gpa_to_gfn(gpa)		((u64)(gpa) >> 12)

/*
 * tracks: arch/x86/kvm/vmx/nested.c nested_vmx_check_controls(): the
 * VMX controls' checks are not modelled (L1 is given only the load-CET
 * controls KVM offers it), so they pass
 */
static inline int nested_vmx_check_controls(struct kvm_vcpu *vcpu,
					    struct vmcs12 *vmcs12)
{
	return 0;
}

/* tracks: arch/x86/kvm/trace.h trace_kvm_nested_vmenter_failed */
static inline void trace_kvm_nested_vmenter_failed(const char *msg, u32 err)
{
}

/*
 * tracks: arch/x86/include/asm/page.h __is_canonical_address(): bits
 * 63:@vaddr_bits-1 all equal
 */
static inline bool __is_canonical_address(u64 vaddr, u8 vaddr_bits)
{
	unsigned int shift = 64 - vaddr_bits;

	return (u64)(((s64)(vaddr << shift)) >> shift) == vaddr;
}

#endif /* KVM_X86_SIM_STUBS_DUP_NESTED_H */
