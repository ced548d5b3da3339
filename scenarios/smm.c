// SPDX-License-Identifier: GPL-2.0
/*
 * System management mode with CET: an SMI saves the guest SSP into SMRAM
 * and RSM loads it back, both through KVM's internal guest-SSP index
 * (host-initiated: the guest itself cannot reach it).  The SMM handler
 * may change SMRAM's copy; RSM must take a valid one and refuse one that
 * is not (the vCPU shuts down).
 */
#include "scenario.h"
#include "values.h"
#include "nested.h"

#define SMI		{ .smm = SIM_SMM_SMI }
#define RSM(ssp)	{ .smm = SIM_SMM_RSM, .data = (ssp) }

void scn_smm_ssp(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry ssp = {
		SIM_MSR_KVM_INTERNAL_GUEST_SSP, 0, guest_ssp(cpuid, 8)
	};
	struct sim_guest_op ops[] = {
		SMI, RSM(guest_ssp(cpuid, 8)),		/* untouched */
		SMI, RSM(guest_ssp(cpuid, 9)),		/* the handler's */
		SMI, RSM(noncanonical_ssp(vcpu)),	/* refused */
		SMI, RSM(guest_ssp(cpuid, 9) + 2),	/* misaligned */
		SMI, RSM(guest_ssp(cpuid, 10)),
	};

	if (has(cpuid, SIM_CPUID_SHSTK))
		sim_set_msrs(vcpu, &ssp, 1);
	sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
	ssp.data = 0x5a;
	if (has(cpuid, SIM_CPUID_SHSTK))
		sim_get_msrs(vcpu, &ssp, 1);
}

/* HOST INTEGRITY for SMM: the SMI's write of the SSP into SMRAM is lost. */
void brk_smram_ssp_lost(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry ssp = {
		SIM_MSR_KVM_INTERNAL_GUEST_SSP, 0, guest_ssp(cpuid, 8)
	};
	struct sim_guest_op ops[] = { SMI, RSM(guest_ssp(cpuid, 8)) };

	sim_set_msrs(vcpu, &ssp, 1);
	sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
}

/*
 * An SMI while L2 runs (it changed its S_CET and INT_SSP_TAB), its RSM
 * with the SSP the SMM handler left, then L2's exit: for each pair of
 * VMX's load-CET controls.  The SMI saves L2's SSP; after RSM L2 goes on
 * with its own CET state (KVM 7.2 on VMX, with "load CET state" on exit:
 * L1's host state, the named SMM_IN_L2_TAKES_L1_CET).
 */
void scn_nested_smm(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	static const u32 ctls[][2] = {
		{ ENTRY_CET, EXIT_CET }, { 0, 0 }, { 0, EXIT_CET },
		{ ENTRY_CET, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ctls); i++) {
		struct sim_vmcs12 c = scn_vmcs12_of(vcpu, cpuid, true,
						    ctls[i][0], ctls[i][1]);
		struct sim_guest_op ops[] = {
			{ .nested = SIM_NESTED_VMLAUNCH, .vmcs12 = &c },
			WR(SIM_MSR_S_CET, i & 1 ? 0 : guest_cet(cpuid)),
			WR(SIM_MSR_INT_SSP_TAB, guest_ssp(cpuid, 7 + i)),
			SMI, RSM(guest_ssp(cpuid, 16 + i)),
			RD(SIM_MSR_S_CET), RD(SIM_MSR_INT_SSP_TAB),
			{ .nested = SIM_NESTED_VMEXIT, .vmcs12 = &c },
			RD(SIM_MSR_S_CET), RD(SIM_MSR_INT_SSP_TAB),
		};

		scn_nested_l1_state(vcpu, cpuid, i);
		sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
		scn_nested_read_back(vcpu);
	}
}
