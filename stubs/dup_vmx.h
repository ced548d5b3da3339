/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations that must track the kernel, for the VMX set-up code the
 * slice holds: vmx_set_constant_host_state() and the initial VM-entry and
 * VM-exit controls (init_vmcs()).  Included by dup.h; the same rules
 * (tracks: lines, #undef first) apply.  Encodings and bits are the SDM's
 * (Vol. 3, appendix B and 25.7/25.8); the host-state fields the
 * simulated VM-exit loads come from layout.h (SIM_HOST_STATE_FIELDS), the
 * others need only be distinct.
 */
#ifndef KVM_X86_SIM_STUBS_DUP_VMX_H
#define KVM_X86_SIM_STUBS_DUP_VMX_H

/* tracks: arch/x86/include/asm/vmx.h enum vmcs_field (host state) */
#undef HOST_ES_SELECTOR
#define HOST_ES_SELECTOR		SIM_VMCS_HOST_ES_SELECTOR
#undef HOST_CS_SELECTOR
#define HOST_CS_SELECTOR		SIM_VMCS_HOST_CS_SELECTOR
#undef HOST_SS_SELECTOR
#define HOST_SS_SELECTOR		SIM_VMCS_HOST_SS_SELECTOR
#undef HOST_DS_SELECTOR
#define HOST_DS_SELECTOR		SIM_VMCS_HOST_DS_SELECTOR
#undef HOST_TR_SELECTOR
#define HOST_TR_SELECTOR		SIM_VMCS_HOST_TR_SELECTOR
#undef HOST_IA32_PAT
#define HOST_IA32_PAT			SIM_VMCS_HOST_IA32_PAT
#undef HOST_IA32_EFER
#define HOST_IA32_EFER			SIM_VMCS_HOST_IA32_EFER
#undef HOST_IA32_PERF_GLOBAL_CTRL
#define HOST_IA32_PERF_GLOBAL_CTRL	SIM_VMCS_HOST_IA32_PERF_GLOBAL_CTRL
#undef HOST_IA32_SYSENTER_CS
#define HOST_IA32_SYSENTER_CS		SIM_VMCS_HOST_IA32_SYSENTER_CS
#undef HOST_CR0
#define HOST_CR0			SIM_VMCS_HOST_CR0
#undef HOST_CR3
#define HOST_CR3			SIM_VMCS_HOST_CR3
#undef HOST_CR4
#define HOST_CR4			SIM_VMCS_HOST_CR4
#undef HOST_IDTR_BASE
#define HOST_IDTR_BASE			SIM_VMCS_HOST_IDTR_BASE
#undef HOST_IA32_SYSENTER_ESP
#define HOST_IA32_SYSENTER_ESP		SIM_VMCS_HOST_IA32_SYSENTER_ESP
#undef HOST_IA32_SYSENTER_EIP
#define HOST_IA32_SYSENTER_EIP		SIM_VMCS_HOST_IA32_SYSENTER_EIP
#undef HOST_RIP
#define HOST_RIP			SIM_VMCS_HOST_RIP
#undef VM_EXIT_CONTROLS
#define VM_EXIT_CONTROLS		SIM_VM_EXIT_CONTROLS
#undef VM_ENTRY_CONTROLS
#define VM_ENTRY_CONTROLS		SIM_VM_ENTRY_CONTROLS

/* tracks: arch/x86/include/asm/vmx.h VM_ENTRY_*, VM_EXIT_* */
#undef VM_ENTRY_LOAD_DEBUG_CONTROLS
#define VM_ENTRY_LOAD_DEBUG_CONTROLS		0x00000004
#undef VM_ENTRY_IA32E_MODE
#define VM_ENTRY_IA32E_MODE			SIM_VM_ENTRY_IA32E_MODE
#undef VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL
#define VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL	0x00002000
#undef VM_ENTRY_LOAD_IA32_PAT
#define VM_ENTRY_LOAD_IA32_PAT			0x00004000
#undef VM_ENTRY_LOAD_IA32_EFER
#define VM_ENTRY_LOAD_IA32_EFER			SIM_VM_ENTRY_LOAD_IA32_EFER
#undef VM_ENTRY_PT_CONCEAL_PIP
#define VM_ENTRY_PT_CONCEAL_PIP			0x00020000
#undef VM_ENTRY_LOAD_IA32_RTIT_CTL
#define VM_ENTRY_LOAD_IA32_RTIT_CTL		0x00040000
#undef VM_ENTRY_LOAD_CET_STATE
#define VM_ENTRY_LOAD_CET_STATE			SIM_VM_ENTRY_LOAD_CET_STATE
#undef VM_EXIT_SAVE_DEBUG_CONTROLS
#define VM_EXIT_SAVE_DEBUG_CONTROLS		0x00000004
#undef VM_EXIT_HOST_ADDR_SPACE_SIZE
#define VM_EXIT_HOST_ADDR_SPACE_SIZE		SIM_VM_EXIT_HOST_ADDR_SPACE_SIZE
#undef VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL
#define VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL	0x00001000
#undef VM_EXIT_SAVE_IA32_PAT
#define VM_EXIT_SAVE_IA32_PAT			0x00040000
#undef VM_EXIT_LOAD_IA32_PAT
#define VM_EXIT_LOAD_IA32_PAT			0x00080000
#undef VM_EXIT_SAVE_IA32_EFER
#define VM_EXIT_SAVE_IA32_EFER			0x00100000
#undef VM_EXIT_LOAD_IA32_EFER
#define VM_EXIT_LOAD_IA32_EFER			0x00200000
#undef VM_EXIT_SAVE_VMX_PREEMPTION_TIMER
#define VM_EXIT_SAVE_VMX_PREEMPTION_TIMER	0x00400000
#undef VM_EXIT_PT_CONCEAL_PIP
#define VM_EXIT_PT_CONCEAL_PIP			0x01000000
#undef VM_EXIT_CLEAR_IA32_RTIT_CTL
#define VM_EXIT_CLEAR_IA32_RTIT_CTL		0x02000000
#undef VM_EXIT_LOAD_CET_STATE
#define VM_EXIT_LOAD_CET_STATE			SIM_VM_EXIT_LOAD_CET_STATE
#undef VM_EXIT_SAVE_IA32_PERF_GLOBAL_CTRL
#define VM_EXIT_SAVE_IA32_PERF_GLOBAL_CTRL	0x40000000

/*
 * tracks: arch/x86/kvm/vmx/capabilities.h struct vmcs_config, enable_cet,
 * enable_mediated_pmu (what hardware_setup() decided: set by the glue)
 */
struct vmcs_config {
	u32 vmentry_ctrl;
	u32 vmexit_ctrl;
};
extern struct vmcs_config vmcs_config;
extern bool enable_cet;
extern bool enable_mediated_pmu;

/* tracks: arch/x86/kvm/vmx/vmcs.h struct vmcs_host_state, loaded_vmcs */
struct vmcs_host_state {
	unsigned long cr3;
	unsigned long cr4;
};

struct loaded_vmcs {
	struct vmcs_host_state host_state;
};

/* tracks: arch/x86/include/asm/msr-index.h (the host state's MSRs) */
#undef MSR_IA32_SYSENTER_CS
#define MSR_IA32_SYSENTER_CS		SIM_MSR_SYSENTER_CS
#undef MSR_IA32_SYSENTER_EIP
#define MSR_IA32_SYSENTER_EIP		SIM_MSR_SYSENTER_EIP
#undef MSR_IA32_CR_PAT
#define MSR_IA32_CR_PAT			SIM_MSR_CR_PAT

/*
 * tracks: arch/x86/include/asm/segment.h __KERNEL_CS/__KERNEL_DS,
 * GDT_ENTRY_TSS; processor-flags.h X86_CR0_TS
 */
#undef __KERNEL_CS
#define __KERNEL_CS			0x10
#undef __KERNEL_DS
#define __KERNEL_DS			0x18
#undef GDT_ENTRY_TSS
#define GDT_ENTRY_TSS			16
#undef X86_CR0_TS
#define X86_CR0_TS			(1UL << 3)

#endif /* KVM_X86_SIM_STUBS_DUP_VMX_H */
