// SPDX-License-Identifier: GPL-2.0
/*
 * Nested VMX with CET: L1 (the guest, with SHSTK and/or IBT) runs L2 from
 * a vmcs12 of its own.  Every combination of the load-CET-state controls,
 * L2 changing its CET state, L2's VM-exit, and VMLAUNCHes that fail the
 * host-state or the guest-state checks.  The oracle (oracle/nested.c)
 * knows what each must do from the SDM; KVM_GET_MSRS afterwards must
 * agree.  VMX only: nested SVM's CET code is not modelled.
 */
#include "scenario.h"
#include "values.h"

#define HOST64		SIM_VM_EXIT_HOST_ADDR_SPACE_SIZE
#define ENTRY_CET	SIM_VM_ENTRY_LOAD_CET_STATE
#define EXIT_CET	SIM_VM_EXIT_LOAD_CET_STATE

/* L1's CET state before it launches L2: KVM_SET_MSRS and ONE_REG */
static void l1_state(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry e[] = {
		{ SIM_MSR_S_CET, 0, guest_cet(cpuid) },
		{ SIM_MSR_INT_SSP_TAB, 0, guest_ssp(cpuid, 1) },
	};

	sim_set_msrs(vcpu, e, ARRAY_SIZE(e));
	sim_set_one_reg(vcpu, SIM_MSR_KVM_INTERNAL_GUEST_SSP,
			guest_ssp(cpuid, 2));
}

/* vmcs12 with L2's and L1's (host) CET values, all valid */
static struct sim_vmcs12 vmcs12_of(unsigned int cpuid, u32 entry, u32 exit)
{
	struct sim_vmcs12 c = {
		.entry_ctls = entry,
		.exit_ctls = exit | HOST64,
		.guest_s_cet = guest_cet2(cpuid),
		.guest_ssp = guest_ssp(cpuid, 3),
		.guest_isst = guest_ssp(cpuid, 4),
		.host_s_cet = guest_cet(cpuid),
		.host_ssp = guest_ssp(cpuid, 5),
		.host_isst = guest_ssp(cpuid, 6),
	};

	return c;
}

/* After the run: what userspace reads back (L1's state). */
static void read_back(struct sim_vcpu *vcpu)
{
	struct sim_msr_entry get[] = {
		{ SIM_MSR_S_CET, 0, 0 }, { SIM_MSR_INT_SSP_TAB, 0, 0 },
		{ SIM_MSR_U_CET, 0, 0 }, { SIM_MSR_PL3_SSP, 0, 0 },
	};
	u64 ssp;

	sim_get_msrs(vcpu, get, ARRAY_SIZE(get));
	sim_get_one_reg(vcpu, SIM_MSR_KVM_INTERNAL_GUEST_SSP, &ssp);
}

/*
 * L1 launches L2 with each setting of the entry and exit controls; L2
 * writes S_CET, INT_SSP_TAB and U_CET (not switched by VMX) and exits.
 */
void scn_nested_cet(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	static const u32 ctls[][2] = {
		{ ENTRY_CET, EXIT_CET }, { ENTRY_CET, 0 },
		{ 0, EXIT_CET }, { 0, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ctls); i++) {
		struct sim_vmcs12 c = vmcs12_of(cpuid, ctls[i][0], ctls[i][1]);
		struct sim_guest_op ops[] = {
			RD(SIM_MSR_S_CET),
			{ .nested = SIM_NESTED_VMLAUNCH, .vmcs12 = &c },
			RD(SIM_MSR_S_CET), RD(SIM_MSR_INT_SSP_TAB),
			WR(SIM_MSR_S_CET, i & 1 ? 0 : guest_cet(cpuid)),
			WR(SIM_MSR_INT_SSP_TAB, guest_ssp(cpuid, 7 + i)),
			WR(SIM_MSR_U_CET, guest_cet2(cpuid)),
			{ .nested = SIM_NESTED_VMEXIT, .vmcs12 = &c },
			RD(SIM_MSR_S_CET), RD(SIM_MSR_INT_SSP_TAB),
			RD(SIM_MSR_U_CET),
		};

		l1_state(vcpu, cpuid);
		sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
		read_back(vcpu);
	}
}

/*
 * VMLAUNCHes that must fail: a reserved bit in vmcs12's host S_CET
 * (VMfailValid, nothing changes), in its guest S_CET with and without
 * "load CET state" on exit, and a guest INT_SSP_TAB that is not
 * canonical (a VM-exit for invalid guest state: L1 gets its host state
 * or, without the exit control, keeps its own).  L1 goes on running.
 */
void scn_nested_cet_fail(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_vmcs12 bad[4];
	unsigned int i;

	bad[0] = vmcs12_of(cpuid, ENTRY_CET, EXIT_CET);
	bad[0].host_s_cet |= 1ull << 6;
	bad[1] = vmcs12_of(cpuid, ENTRY_CET, EXIT_CET);
	bad[1].guest_s_cet |= 1ull << 7;
	bad[2] = vmcs12_of(cpuid, ENTRY_CET, 0);
	bad[2].guest_s_cet |= 1ull << 8;
	bad[3] = vmcs12_of(cpuid, ENTRY_CET, EXIT_CET);
	bad[3].guest_isst = noncanonical_ssp(vcpu);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct sim_guest_op ops[] = {
			{ .nested = SIM_NESTED_VMLAUNCH, .vmcs12 = &bad[i] },
			RD(SIM_MSR_S_CET), RD(SIM_MSR_INT_SSP_TAB),
		};

		l1_state(vcpu, cpuid);
		sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
		read_back(vcpu);
	}
}
