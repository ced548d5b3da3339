// SPDX-License-Identifier: GPL-2.0
/*
 * Scenarios that prove each invariant can fail: the harness is driven
 * wrongly, or one simulated primitive is deliberately broken (the faults
 * are set in the table), never the kernel code under test.  The runner
 * passes them only when the oracle reports exactly the expected violations.
 */
#include "scenario.h"
#include "values.h"

/* PAIRING: an ioctl that loads the guest FPU and returns without a put. */
void brk_stray_load(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	(void)cpuid;
	sim_stray_load_guest_fpu(vcpu);
}

/* ACCESSOR CONTRACT: a guest RDMSR of U_CET emulated outside KVM_RUN. */
void brk_stray_guest_rdmsr(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	u64 v;

	(void)cpuid;
	sim_stray_guest_rdmsr(vcpu, SIM_MSR_U_CET, &v);
}

/* NO BUG: kvm_put_guest_fpu() with nothing loaded trips its KVM_BUG_ON. */
void brk_stray_put(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	(void)cpuid;
	sim_stray_put_guest_fpu(vcpu);
}

/* HOST INTEGRITY (with the swap-out broken) and others: set then get. */
void brk_set_u_cet(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry e = { SIM_MSR_U_CET, 0, guest_cet(cpuid) };

	sim_set_msrs(vcpu, &e, 1);
}

/* DEVICE IOCTL: /dev/kvm KVM_GET_MSRS of U_CET (dispatcher broken). */
void brk_device_u_cet(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry e = { SIM_MSR_U_CET, 0, 0 };

	(void)cpuid;
	sim_dev_get_msrs(sim_vcpu_sim(vcpu), &e, 1);
}

/* ONE_REG: KVM_GET_ONE_REG of U_CET (dispatcher skips the load). */
void brk_one_reg_u_cet(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	u64 v;

	(void)cpuid;
	sim_get_one_reg(vcpu, SIM_MSR_U_CET, &v);
}

/* CPUID GATING: PL0_SSP for a guest without SHSTK (CPUID lookups lie). */
void brk_ssp_without_shstk(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry e = { SIM_MSR_PL0_SSP, 0, GUEST_SSP(0) };

	(void)cpuid;
	sim_set_msrs(vcpu, &e, 1);
}

/* BATCH SEMANTICS: a failed read (copy_to_user leaks into it). */
void brk_failed_read(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry e = { UNKNOWN_MSR, 0, 0 };

	(void)cpuid;
	sim_get_msrs(vcpu, &e, 1);
}

/* VALIDITY: a non-canonical SSP (canonical check broken). */
void brk_noncanonical_ssp(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry e = { SIM_MSR_PL0_SSP, 0, NONCANONICAL_SSP };

	(void)cpuid;
	sim_set_msrs(vcpu, &e, 1);
}

/*
 * CPUID GATING for the guest: the dispatcher hands the guest's exits to
 * KVM as host-initiated, so userspace's leniency (writing 0 to an
 * advertised MSR the guest lacks) reaches the guest.
 */
void brk_guest_as_host(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_guest_op op = WR(SIM_MSR_U_CET, 0);

	(void)cpuid;
	sim_run_guest(vcpu, &op, 1);
}

/*
 * HOST INTEGRITY for state the guest changed while it ran: PL3_SSP is
 * passed through, and the swap-out at put does not save the live
 * registers, so the guest's next RDMSR (and userspace) see the old value.
 */
void brk_guest_write_lost(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_guest_op wr = WR(SIM_MSR_PL3_SSP, guest_ssp(cpuid, 5));
	struct sim_guest_op rd = RD(SIM_MSR_PL3_SSP);

	sim_run_guest(vcpu, &wr, 1);
	sim_run_guest(vcpu, &rd, 1);
}

/*
 * VALIDITY for the guest: with the canonical check broken, the guest's
 * non-canonical PL3_SSP (passed through: the CPU's check) and INT_SSP_TAB
 * (emulated: KVM's check) are accepted.
 */
void brk_guest_noncanonical(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_guest_op ops[] = {
		WR(SIM_MSR_PL3_SSP, NONCANONICAL_SSP),
		WR(SIM_MSR_INT_SSP_TAB, NONCANONICAL_SSP),
	};

	(void)cpuid;
	sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
}

/*
 * One KVM_RUN on a broken CPU: HOST INTEGRITY for IA32_XSS (the write
 * that restores the host's XSS after the VM-exit is dropped, so the FPU
 * swap at put runs with the guest's XSS), or for the init optimization
 * (XRSTORS of the host fpstate at put loads the stale bytes where CET_S
 * would be instead of putting PL0-2_SSP in their initial configuration).
 */
void brk_run_once(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	(void)cpuid;
	sim_run(vcpu, 0, 0);
}

/*
 * HOST INTEGRITY for the guest's IA32_XSS: the CPU drops the write that
 * loads it before the VM-entry, so the guest runs with the host's.
 */
void brk_guest_xss_lost(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry set = {
		SIM_MSR_XSS, 0, sim_cpuid_xss(cpuid) & SIM_XFEATURE_MASK_CET_USER
	};

	sim_set_msrs(vcpu, &set, 1);
	sim_run(vcpu, 0, 0);
}

/*
 * HOST INTEGRITY after INIT: the fpstate component reset does nothing,
 * so the guest's pre-INIT PL3_SSP survives where 0 must be read.
 */
void brk_init_keeps_state(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry set = { SIM_MSR_PL3_SSP, 0, guest_ssp(cpuid, 3) };
	struct sim_msr_entry get = { SIM_MSR_PL3_SSP, 0, 0 };
	struct sim_guest_op init = { .init = true };

	sim_set_msrs(vcpu, &set, 1);
	sim_run_guest(vcpu, &init, 1);
	sim_get_msrs(vcpu, &get, 1);
}

/*
 * ONE_REG's ABI: the copy of the value to userspace faults, so KVM answers
 * -EFAULT to a scenario that passed a good pointer (and the read fails);
 * KVM_GET_REG_LIST likewise.
 */
void brk_one_reg_errno(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	u64 v, n = 1, regs[1];

	(void)cpuid;
	sim_get_one_reg(vcpu, SIM_MSR_U_CET, &v);
	sim_get_reg_list(vcpu, &n, regs);
}

/*
 * BATCH SEMANTICS with kvm.ignore_msrs: KVM reads the parameter as off,
 * so an unknown MSR's read fails where it must be ignored.
 */
/* A host without CET claims it: KVM lists the CET MSRs it cannot save. */
void brk_msr_list(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	scn_msr_index_list(vcpu, cpuid);
}

void brk_ignore_msrs_lost(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry get = { UNKNOWN_MSR, 0, 0 };

	(void)cpuid;
	sim_set_ignore_msrs(sim_vcpu_sim(vcpu), true);
	sim_get_msrs(vcpu, &get, 1);
}
