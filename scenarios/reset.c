// SPDX-License-Identifier: GPL-2.0
/*
 * The INIT and RESET paths outside KVM_RUN.  Every vCPU is RESET at its
 * creation (kvm_arch_vcpu_create() ends with kvm_vcpu_reset(vcpu,
 * false)).  An INIT IPI that arrives while the vCPU is in userspace is
 * emulated by the next ioctl that accepts pending events,
 * KVM_GET_MP_STATE among them (kvm_apic_accept_events()): there the vCPU
 * is loaded but not running and its guest FPU is not loaded, so
 * kvm_xstate_reset() must clear the XSAVE components in memory without
 * putting an FPU nobody loaded.  The CET state then reads as after an
 * INIT in KVM_RUN (SDM Vol. 3, Table 10-1; holds.c's init_in_run).
 */
#include "scenario.h"
#include "values.h"

void scn_init_mp_state(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry get[] = {
		{ .index = SIM_MSR_U_CET }, { .index = SIM_MSR_S_CET },
		{ .index = SIM_MSR_PL0_SSP }, { .index = SIM_MSR_PL3_SSP },
		{ .index = SIM_MSR_INT_SSP_TAB },
	};
	struct sim_guest_op ops[] = {
		WR(SIM_MSR_PL3_SSP, guest_ssp(cpuid, 7)),
		RD(SIM_MSR_U_CET), RD(SIM_MSR_PL3_SSP), RD(SIM_MSR_S_CET),
	};

	/* before the vCPU ever ran, then after it ran and left KVM_RUN */
	scn_restore_guest_state(vcpu, cpuid);
	sim_get_mp_state(vcpu, true);
	sim_get_msrs(vcpu, get, ARRAY_SIZE(get));
	scn_restore_guest_state(vcpu, cpuid);
	sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
	sim_get_mp_state(vcpu, false);
	sim_get_mp_state(vcpu, true);
	sim_get_msrs(vcpu, get, ARRAY_SIZE(get));
	sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
}

/*
 * The broken ioctl bracket: KVM_RUN leaves wants_to_run set, so the INIT
 * that KVM_GET_MP_STATE emulates looks as if it came inside KVM_RUN.
 */
void brk_init_running_stuck(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry set = { SIM_MSR_PL3_SSP, 0, guest_ssp(cpuid, 3) };

	sim_set_msrs(vcpu, &set, 1);
	sim_run(vcpu, 0, 0);
	sim_get_mp_state(vcpu, true);
}
