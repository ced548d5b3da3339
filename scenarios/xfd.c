// SPDX-License-Identifier: GPL-2.0
/*
 * The XFD family: IA32_XFD and IA32_XFD_ERR, AMX's dynamic state.  A
 * guest with AMX arms XFD for the tile data, takes the #NM of its next
 * use (XFD_ERR records it), reads XFD_ERR, clears it and disarms XFD.
 * KVM passes XFD's writes through after the first non-zero one and then
 * intercepts #NM, whose exit must save the guest's XFD_ERR before the
 * host can take an #NM of its own (VMX's handle_nm_fault_irqoff()); the
 * values travel by KVM_{GET,SET}_MSRS, and KVM_SET_XSAVE must not load
 * tile data XFD disarms.  On a host without AMX (every SVM host) neither
 * MSR exists for the guest and KVM does not list them.
 */
#include "scenario.h"
#include "values.h"

#define TILE		{ .xreg = SIM_GUEST_TILE }
#define XSETBV(x)	{ .xreg = SIM_GUEST_XSETBV, .data = (x) }
#define XTILE		SIM_XFEATURE_MASK_XTILE
#define XTILEDATA	SIM_XFEATURE_MASK_XTILE_DATA
#define FPSSE		SIM_XFEATURE_MASK_FPSSE

/* KVM_SET_MSRS of one entry; KVM_GET_MSRS of both */
static void set_msr(struct sim_vcpu *vcpu, u32 msr, u64 data)
{
	struct sim_msr_entry e = { .index = msr, .data = data };

	sim_set_msrs(vcpu, &e, 1);
}

static void get_both(struct sim_vcpu *vcpu)
{
	struct sim_msr_entry e[] = { { .index = SIM_MSR_XFD },
				     { .index = SIM_MSR_XFD_ERR } };

	sim_get_msrs(vcpu, e, ARRAY_SIZE(e));
}

/* The guest's #NM handler: arm, fault, read the record, clear, disarm. */
static void guest_nm_cycle(struct sim_vcpu *vcpu)
{
	struct sim_guest_op ops[] = {
		RD(SIM_MSR_XFD), RD(SIM_MSR_XFD_ERR),
		XSETBV(FPSSE | SIM_XFEATURE_MASK_XTILE_CFG),	/* #GP: half */
		XSETBV(FPSSE | XTILE),
		TILE,					/* XFD clear: runs */
		WR(SIM_MSR_XFD, XTILEDATA),		/* exits; then through */
		TILE,					/* #NM, intercepted */
		RD(SIM_MSR_XFD_ERR),			/* XTILEDATA */
		RD(SIM_MSR_XSS),			/* another exit */
		RD(SIM_MSR_XFD_ERR),
		WR(SIM_MSR_XFD_ERR, 0),
		WR(SIM_MSR_XFD, 0),			/* passed through */
		TILE,
		WR(SIM_MSR_XFD, SIM_XFEATURE_MASK_XTILE_CFG), /* #GP */
		WR(SIM_MSR_XFD, XTILEDATA),
		TILE,					/* #NM again */
		RD(SIM_MSR_XFD),
		RD(SIM_MSR_U_CET),		/* not passed through for XFD */
		RD(SIM_MSR_PL0_SSP),
	};

	sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
}

void scn_xfd(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim *sim = sim_vcpu_sim(vcpu);
	struct sim_guest_op again[] = {
		RD(SIM_MSR_XFD_ERR), RD(SIM_MSR_XFD), TILE,
		WR(SIM_MSR_XFD_ERR, 0), RD(SIM_MSR_XFD_ERR),
	};
	struct sim_guest_op migrated[] = {
		XSETBV(FPSSE | XTILE), RD(SIM_MSR_XFD_ERR), RD(SIM_MSR_XFD),
		TILE,
	};
	static u8 buf[SIM_XSAVE_MAX_SIZE];
	struct sim_guest_op no_amx[] = {
		RD(SIM_MSR_XFD_ERR), RD(SIM_MSR_XFD), WR(SIM_MSR_XFD, 0), TILE,
	};
	struct sim_vcpu *dst, *other;
	u32 list[64], n = ARRAY_SIZE(list);

	sim_set_cpuid(vcpu, cpuid | SIM_CPUID_AMX);
	sim_get_msr_index_list(sim, list, &n);
	/* userspace: the guest's dynamic bits, nothing else */
	set_msr(vcpu, SIM_MSR_XFD, XTILEDATA);
	/* the intercepts recalculated with XFD's writes passed through */
	sim_set_cpuid(vcpu, cpuid | SIM_CPUID_AMX);
	set_msr(vcpu, SIM_MSR_XFD, SIM_XFEATURE_MASK_XTILE_CFG);
	set_msr(vcpu, SIM_MSR_XFD, 1ULL << 63);
	set_msr(vcpu, SIM_MSR_XFD_ERR, XTILEDATA);
	set_msr(vcpu, SIM_MSR_XFD_ERR, SIM_XFEATURE_MASK_YMM);
	get_both(vcpu);
	set_msr(vcpu, SIM_MSR_XFD, 0);
	set_msr(vcpu, SIM_MSR_XFD_ERR, 0);
	guest_nm_cycle(vcpu);
	get_both(vcpu);
	/* the record survives the return to userspace */
	sim_run_guest(vcpu, again, ARRAY_SIZE(again));
	/*
	 * KVM_SET_XSAVE of an image with tile data in use while XFD arms
	 * it: KVM drops the component (an XRSTOR of it would #NM)
	 */
	if (sim_get_xsave(vcpu, buf, sim_xsave2_size(vcpu)) == 0) {
		sim_xsave_set_bv(buf, sim_xsave_bv(buf) | XTILEDATA);
		sim_set_xsave(vcpu, buf);
		sim_run(vcpu, 0, 0);
	}
	/* migration: both MSRs to a new vCPU, which runs with them */
	dst = sim_vcpu_create(sim);
	if (!dst)
		return;
	sim_set_cpuid(dst, cpuid | SIM_CPUID_AMX);
	set_msr(dst, SIM_MSR_XFD, XTILEDATA);
	set_msr(dst, SIM_MSR_XFD_ERR, XTILEDATA);
	sim_run_guest(dst, migrated, ARRAY_SIZE(migrated));
	get_both(dst);
	/* a guest without AMX beside them: neither MSR exists for it */
	other = sim_vcpu_create(sim);
	if (!other)
		return;
	sim_set_cpuid(other, cpuid);
	set_msr(other, SIM_MSR_XFD, 0);
	sim_run_guest(other, no_amx, ARRAY_SIZE(no_amx));
}

/*
 * The broken CPU reads IA32_XFD_ERR as 0 in host mode: KVM's save at the
 * #NM exit gets nothing, the guest's record is lost.
 */
void brk_xfd_err_lost(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	sim_set_cpuid(vcpu, cpuid | SIM_CPUID_AMX);
	guest_nm_cycle(vcpu);
}
