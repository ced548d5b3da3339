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
