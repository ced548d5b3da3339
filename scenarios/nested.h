/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The nested scenarios' shared pieces (nested.c): L1's CET state, the
 * vmcs12s L1 launches L2 with, what userspace reads back.
 */
#ifndef KVM_X86_SIM_SCENARIOS_NESTED_H
#define KVM_X86_SIM_SCENARIOS_NESTED_H

#include "scenario.h"

#define HOST64		SIM_VM_EXIT_HOST_ADDR_SPACE_SIZE
/* a 64-bit L2, with its EFER from vmcs12 as 64-bit L1s launch it */
#define GUEST64		(SIM_VM_ENTRY_IA32E_MODE | SIM_VM_ENTRY_LOAD_IA32_EFER)
#define ENTRY_CET	SIM_VM_ENTRY_LOAD_CET_STATE
#define EXIT_CET	SIM_VM_EXIT_LOAD_CET_STATE

void scn_nested_l1_state(struct sim_vcpu *vcpu, unsigned int cpuid, int n);
struct sim_vmcs12 scn_vmcs12_of(struct sim_vcpu *vcpu, unsigned int cpuid,
				bool lm, u32 entry, u32 exit);
void scn_nested_read_back(struct sim_vcpu *vcpu);

/* One change to vmcs12 that a CET check of VM-entry must notice, or not. */
enum scn_nested_variant {
	HOST_S_CET_RESERVED,	/* VMfail */
	HOST_S_CET_SUPPRESS_TRACKER,
	HOST_SSP_MISALIGNED,
	HOST_SSP_NONCANONICAL,	/* VMfail for a 64-bit L1 */
	HOST_ISST_NONCANONICAL,
	HOST_SSP_ABOVE_4G,	/* VMfail for a 32-bit L1 only */
	HOST_ISST_UNALIGNED,	/* fine: no alignment rule */
	HOST_BAD_NO_EXIT_CET,	/* fine: checked only with the control */
	GUEST_S_CET_RESERVED,	/* VM-exit "invalid guest state" */
	GUEST_S_CET_RESERVED_NO_EXIT_CET,
	GUEST_SSP_MISALIGNED,
	GUEST_SSP_BIT48,	/* fails on a 48-bit host, not with LA57 */
	GUEST_ISST_NONCANONICAL,
	GUEST_ISST_UNALIGNED,	/* fine */
	GUEST_BAD_NO_ENTRY_CET,	/* fine: checked only with the control */
	SCN_NR_NESTED_VARIANTS,
};

struct sim_vmcs12 scn_nested_variant(struct sim_vcpu *vcpu, unsigned int cpuid,
				     bool lm, enum scn_nested_variant k);

#endif /* KVM_X86_SIM_SCENARIOS_NESTED_H */
