// SPDX-License-Identifier: GPL-2.0
/*
 * Scenarios on which every invariant must hold: what a VMM does with the
 * CET MSRs (save/restore, migration, KVM_RUN), on every vendor and guest
 * CPUID.  Each returns nothing: the oracle watches.
 */
#include "scenario.h"
#include "values.h"

/* KVM_SET_MSRS then KVM_GET_MSRS of every XSTATE-managed CET MSR. */
void scn_xstate_batch(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry e[] = {
		{ SIM_MSR_U_CET, 0, guest_cet(cpuid) },
		{ SIM_MSR_PL0_SSP, 0, guest_ssp(cpuid, 0) },
		{ SIM_MSR_PL1_SSP, 0, guest_ssp(cpuid, 1) },
		{ SIM_MSR_PL2_SSP, 0, guest_ssp(cpuid, 2) },
		{ SIM_MSR_PL3_SSP, 0, guest_ssp(cpuid, 3) },
	};
	unsigned int i;

	sim_set_msrs(vcpu, e, 5);
	for (i = 0; i < 5; i++)
		e[i].data = 0x5a5a5a5a;	/* poison: must be overwritten */
	sim_get_msrs(vcpu, e, 5);
}

/* A batch touching only S_CET (plus a non-XSTATE MSR). */
void scn_scet_only(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	u64 s_cet = has(cpuid, SIM_CPUID_IBT) ? SIM_CET_ENDBR_EN : 0;
	struct sim_msr_entry e[] = {
		{ SIM_MSR_S_CET, 0, s_cet },
		{ SIM_MSR_AMD64_NB_CFG, 0, 0 },
	};

	sim_set_msrs(vcpu, e, 2);
	sim_get_msrs(vcpu, e, 2);
}

/* A batch that fails in the middle: stops there, puts the FPU. */
void scn_mid_batch_failure(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry set[] = {
		{ SIM_MSR_U_CET, 0, guest_cet(cpuid) },
		{ SIM_MSR_PL0_SSP, 0, GUEST_SSP(0) | 1 },	/* misaligned */
		{ SIM_MSR_PL1_SSP, 0, GUEST_SSP(1) },
	};
	struct sim_msr_entry get[] = {
		{ SIM_MSR_U_CET, 0, 0 },
		{ UNKNOWN_MSR, 0, 0x77 },	/* fails; must read back 0 */
		{ SIM_MSR_PL3_SSP, 0, 0x99 },	/* untouched */
	};

	sim_set_msrs(vcpu, set, 3);
	sim_get_msrs(vcpu, get, 3);
}

/* KVM_GET_MSRS on /dev/kvm: vcpu == NULL inside KVM. */
void scn_device_ioctl(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry e[] = {
		{ SIM_MSR_U_CET, 0, 0 },
		{ SIM_MSR_S_CET, 0, 0 },
		{ SIM_MSR_PL3_SSP, 0, 0 },
	};

	(void)cpuid;
	sim_dev_get_msrs(sim_vcpu_sim(vcpu), e, 3);
}

/*
 * KVM_{SET,GET}_ONE_REG of XSTATE MSRs, of S_CET and of the guest SSP
 * (KVM_REG_GUEST_SSP, kept in the VMCS/VMCB; -EINVAL without SHSTK), and
 * KVM_GET_REG_LIST, which lists the guest SSP with SHSTK.
 */
void scn_one_reg(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	u64 v, n = 0, regs[4];

	sim_set_one_reg(vcpu, SIM_MSR_U_CET, guest_cet(cpuid));
	sim_set_one_reg(vcpu, SIM_MSR_PL3_SSP, guest_ssp(cpuid, 3));
	sim_set_one_reg(vcpu, SIM_MSR_S_CET, guest_cet(cpuid));
	sim_set_one_reg(vcpu, SIM_MSR_KVM_INTERNAL_GUEST_SSP, GUEST_SSP(4));
	sim_get_one_reg(vcpu, SIM_MSR_U_CET, &v);
	sim_get_one_reg(vcpu, SIM_MSR_PL3_SSP, &v);
	sim_get_one_reg(vcpu, SIM_MSR_S_CET, &v);
	sim_get_one_reg(vcpu, SIM_MSR_KVM_INTERNAL_GUEST_SSP, &v);
	/* KVM_GET_REG_LIST: too little room, then enough */
	sim_get_reg_list(vcpu, &n, regs);
	n = ARRAY_SIZE(regs);
	sim_get_reg_list(vcpu, &n, regs);
}

/* Two vCPUs: each one's values stay its own (no cross-vCPU leak). */
void scn_two_vcpus(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_vcpu *other = sim_vcpu_create(sim_vcpu_sim(vcpu));
	struct sim_msr_entry a[] = {
		{ SIM_MSR_U_CET, 0, guest_cet(cpuid) },
		{ SIM_MSR_PL3_SSP, 0, guest_ssp(cpuid, 3) },
	};
	struct sim_msr_entry b[] = {
		{ SIM_MSR_U_CET, 0, 0 },
		{ SIM_MSR_PL3_SSP, 0, guest_ssp(cpuid, 7) },
	};

	sim_set_cpuid(other, cpuid);
	sim_set_msrs(vcpu, a, 2);
	sim_set_msrs(other, b, 2);
	sim_run(other, 0, 0);
	sim_get_msrs(vcpu, a, 2);
	sim_get_msrs(other, b, 2);
}

/*
 * Invalid values fail, one KVM_SET_MSRS each (each returns 0); the oracle
 * decides per host (an address canonical with LA57 only is valid there).
 */
void scn_validity(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry bad[] = {
		{ SIM_MSR_U_CET, 0, 1ull << 6 },		/* reserved */
		{ SIM_MSR_S_CET, 0, 1ull << 9 },		/* reserved */
		{ SIM_MSR_U_CET, 0, guest_cet(cpuid) | (1ull << 12) },
		{ SIM_MSR_S_CET, 0, SIM_CET_SUPPRESS | SIM_CET_WAIT_ENDBR },
		{ SIM_MSR_PL0_SSP, 0, noncanonical_ssp(vcpu) },
		{ SIM_MSR_PL3_SSP, 0, GUEST_SSP(3) + 2 },	/* misaligned */
		{ SIM_MSR_INT_SSP_TAB, 0, noncanonical_ssp(vcpu) },
		/* non-canonical on a 48-bit host only: valid with LA57 */
		{ SIM_MSR_PL1_SSP, 0, NONCANONICAL_SSP },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		sim_set_msrs(vcpu, &bad[i], 1);
}

/* KVM_GET_MSR_INDEX_LIST: what the tree's probe lists on this host. */
void scn_msr_index_list(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	u32 list[64], n = ARRAY_SIZE(list);

	(void)cpuid;
	sim_get_msr_index_list(sim_vcpu_sim(vcpu), list, &n);
}

/* Before KVM_SET_CPUID2: reads give 0, 0 may be written, nothing else. */
void scn_before_cpuid(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry e[] = {
		{ SIM_MSR_U_CET, 0, 0 },
		{ SIM_MSR_S_CET, 0, 0 },
		{ SIM_MSR_PL0_SSP, 0, 0 },
		{ SIM_MSR_PL3_SSP, 0, 0 },
		{ SIM_MSR_INT_SSP_TAB, 0, 0 },
	};
	struct sim_msr_entry nonzero = { SIM_MSR_U_CET, 0, SIM_CET_SHSTK_EN };

	(void)cpuid;
	sim_get_msrs(vcpu, e, 5);
	sim_set_msrs(vcpu, e, 5);
	sim_set_msrs(vcpu, &nonzero, 1);
}

/*
 * KVM_{GET,SET}_MSRS take fewer than MAX_IO_MSRS entries: 255 are
 * processed, 256 fail with E2BIG before any is.
 */
void scn_batch_limit(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	static struct sim_msr_entry e[SIM_MAX_IO_MSRS];
	unsigned int i;

	(void)cpuid;
	for (i = 0; i < SIM_MAX_IO_MSRS; i++)
		e[i] = (struct sim_msr_entry){ SIM_MSR_AMD64_NB_CFG, 0, 0 };
	sim_get_msrs(vcpu, e, SIM_MAX_IO_MSRS - 1);
	sim_get_msrs(vcpu, e, SIM_MAX_IO_MSRS);
	sim_set_msrs(vcpu, e, SIM_MAX_IO_MSRS);
}

/* A non-CET MSR batch: the control every tree must pass. */
void scn_plain_msrs(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry set[] = {
		{ SIM_MSR_AMD64_NB_CFG, 0, 1 },
		{ SIM_MSR_AMD64_NB_CFG, 0, 2 },
	};
	struct sim_msr_entry get[] = {
		{ SIM_MSR_AMD64_NB_CFG, 0, 0x11 },
		{ UNKNOWN_MSR, 0, 0x22 },
		{ SIM_MSR_AMD64_NB_CFG, 0, 0x33 },
	};

	(void)cpuid;
	sim_set_msrs(vcpu, set, 2);
	sim_get_msrs(vcpu, get, 3);
}

/*
 * KVM_RUN with a guest S_CET in the VMCS/VMCB and a guest WRMSR to U_CET:
 * the guest's S_CET is in hardware only while the guest runs.
 */
void scn_guest_run(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry e[] = {
		{ SIM_MSR_S_CET, 0, guest_cet(cpuid) | SIM_CET_WRSS_EN * has(cpuid, SIM_CPUID_SHSTK) },
		{ SIM_MSR_U_CET, 0, 0 },
	};

	sim_set_msrs(vcpu, e, 1);
	sim_run(vcpu, SIM_MSR_U_CET, guest_cet(cpuid));
	sim_get_msrs(vcpu, e, 2);
}

/*
 * State userspace sets between two KVM_RUNs reaches the guest at the
 * second: on SVM the CPU keeps the VMCB's CET fields cached from the first
 * VMRUN unless KVM marks them dirty (vmcb_mark_dirty(VMCB_CET)).
 */
void scn_between_runs(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	bool shstk = has(cpuid, SIM_CPUID_SHSTK);
	struct sim_msr_entry e[] = {
		{ SIM_MSR_S_CET, 0, guest_cet(cpuid) },
		{ SIM_MSR_INT_SSP_TAB, 0, guest_ssp(cpuid, 4) },
	};
	u64 ssp;

	/* one field per interval: each write alone must mark the group */
	sim_run(vcpu, 0, 0);
	sim_set_msrs(vcpu, &e[0], 1);
	sim_run(vcpu, 0, 0);
	if (shstk) {
		sim_set_msrs(vcpu, &e[1], 1);
		sim_run(vcpu, 0, 0);
		sim_set_one_reg(vcpu, SIM_MSR_KVM_INTERNAL_GUEST_SSP,
				guest_ssp(cpuid, 5));
		sim_run(vcpu, 0, 0);
	}
	sim_get_msrs(vcpu, e, 2);
	sim_get_one_reg(vcpu, SIM_MSR_KVM_INTERNAL_GUEST_SSP, &ssp);
}

/* The guest's state as userspace restores it (after migration, say). */
void scn_restore_guest_state(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry e[] = {
		{ SIM_MSR_U_CET, 0, guest_cet(cpuid) },
		{ SIM_MSR_S_CET, 0, guest_cet(cpuid) },
		{ SIM_MSR_PL0_SSP, 0, guest_ssp(cpuid, 0) },
		{ SIM_MSR_PL3_SSP, 0, guest_ssp(cpuid, 3) },
		{ SIM_MSR_INT_SSP_TAB, 0, guest_ssp(cpuid, 4) },
	};

	sim_set_msrs(vcpu, e, ARRAY_SIZE(e));
}

/*
 * The guest reads and writes its CET MSRs while it runs, through KVM's
 * emulation or passed through to the CPU: an MSR its CPU lacks and KVM's
 * internal SSP index #GP, invalid values #GP, valid ones take effect and
 * come back to userspace through KVM_GET_MSRS after the run.
 */
void scn_guest_msrs(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_guest_op ops[] = {
		RD(SIM_MSR_U_CET), RD(SIM_MSR_S_CET), RD(SIM_MSR_PL0_SSP),
		RD(SIM_MSR_PL3_SSP), RD(SIM_MSR_INT_SSP_TAB),
		RD(SIM_MSR_KVM_INTERNAL_GUEST_SSP),
		WR(SIM_MSR_U_CET, guest_cet2(cpuid)),
		WR(SIM_MSR_S_CET, guest_cet2(cpuid)),
		WR(SIM_MSR_PL0_SSP, guest_ssp(cpuid, 8)),
		WR(SIM_MSR_PL1_SSP, guest_ssp(cpuid, 9)),
		WR(SIM_MSR_PL2_SSP, guest_ssp(cpuid, 10)),
		WR(SIM_MSR_PL3_SSP, guest_ssp(cpuid, 11)),
		/* INT_SSP_TAB needs no alignment */
		WR(SIM_MSR_INT_SSP_TAB, guest_ssp(cpuid, 12) + 1),
		WR(SIM_MSR_KVM_INTERNAL_GUEST_SSP, GUEST_SSP(13)),
		WR(SIM_MSR_PL0_SSP, noncanonical_ssp(vcpu)),
		WR(SIM_MSR_INT_SSP_TAB, noncanonical_ssp(vcpu)),
		WR(SIM_MSR_PL3_SSP, GUEST_SSP(14) + 4 + 2),	/* misaligned */
		WR(SIM_MSR_U_CET, 1ull << 7),			/* reserved */
		RD(SIM_MSR_U_CET), RD(SIM_MSR_S_CET), RD(SIM_MSR_PL0_SSP),
		RD(SIM_MSR_PL3_SSP), RD(SIM_MSR_INT_SSP_TAB),
	};
	struct sim_msr_entry get[] = {
		{ SIM_MSR_U_CET, 0, 0 }, { SIM_MSR_S_CET, 0, 0 },
		{ SIM_MSR_PL0_SSP, 0, 0 },
		{ SIM_MSR_PL1_SSP, 0, 0 }, { SIM_MSR_PL2_SSP, 0, 0 },
		{ SIM_MSR_PL3_SSP, 0, 0 },
		{ SIM_MSR_INT_SSP_TAB, 0, 0 },
	};

	scn_restore_guest_state(vcpu, cpuid);
	sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
	sim_get_msrs(vcpu, get, ARRAY_SIZE(get));
}

/*
 * A guest without long mode: INT_SSP_TAB does not exist for it (the guest
 * #GPs; userspace reads 0 and may write only 0), the other SSPs do.
 */
void scn_guest_no_lm(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_guest_op ops[] = {
		RD(SIM_MSR_INT_SSP_TAB),
		WR(SIM_MSR_INT_SSP_TAB, 0),
		WR(SIM_MSR_PL0_SSP, GUEST_SSP(1)),
	};
	struct sim_msr_entry set[] = {
		{ SIM_MSR_INT_SSP_TAB, 0, GUEST_SSP(2) },
		{ SIM_MSR_INT_SSP_TAB, 0, 0 },
	};
	struct sim_msr_entry get = { SIM_MSR_INT_SSP_TAB, 0, 0x55 };

	sim_set_cpuid(vcpu, cpuid & ~SIM_CPUID_LM);
	sim_set_msrs(vcpu, &set[0], 1);
	sim_set_msrs(vcpu, &set[1], 1);
	sim_get_msrs(vcpu, &get, 1);
	sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
}

/*
 * A guest without XSAVES: IA32_XSS does not exist for it (its RDMSR and
 * WRMSR #GP), userspace reads its value back and may write only 0, and
 * KVM leaves the host's XSS loaded around its runs.  Its CET MSRs are
 * what its CPUID says (KVM ties them to SHSTK/IBT, not to XSAVES).
 */
void scn_guest_no_xsaves(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_guest_op ops[] = {
		RD(SIM_MSR_XSS),
		WR(SIM_MSR_XSS, 0),
		WR(SIM_MSR_XSS, SIM_XFEATURE_MASK_CET_USER),
		RD(SIM_MSR_U_CET),
		WR(SIM_MSR_PL3_SSP, GUEST_SSP(3)),
	};
	struct sim_msr_entry set[] = {
		{ SIM_MSR_XSS, 0, SIM_XFEATURE_MASK_CET_USER },
		{ SIM_MSR_XSS, 0, 0 },
	};
	struct sim_msr_entry get[] = {
		{ SIM_MSR_XSS, 0, 0x5a },
		{ SIM_MSR_PL3_SSP, 0, 0x5a },
	};

	sim_set_cpuid(vcpu, cpuid & ~SIM_CPUID_XSAVES);
	sim_set_msrs(vcpu, &set[0], 1);
	sim_set_msrs(vcpu, &set[1], 1);
	sim_get_msrs(vcpu, get, 1);
	sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
	sim_get_msrs(vcpu, get, ARRAY_SIZE(get));
}

/*
 * The guest's IA32_XSS: userspace restores it, the guest reads and writes
 * it (only the bits of its CPUID.(0xD,1) are accepted), and KVM swaps it
 * with the host's around every VM-entry, so the host's XSAVES at the FPU
 * swap never runs with the guest's XSS (which here drops the CET bits).
 */
void scn_guest_xss(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	u64 all = sim_cpuid_xss(cpuid);
	struct sim_msr_entry set = { SIM_MSR_XSS, 0, all };
	struct sim_msr_entry get = { SIM_MSR_XSS, 0, 0x5a };
	struct sim_guest_op ops[] = {
		RD(SIM_MSR_XSS),
		WR(SIM_MSR_XSS, all & SIM_XFEATURE_MASK_CET_USER),
		WR(SIM_MSR_XSS, 1ull << 8),		/* PT: not offered */
		WR(SIM_MSR_XSS, SIM_XFEATURE_MASK_CET_KERNEL),
		RD(SIM_MSR_XSS),
		WR(SIM_MSR_PL3_SSP, guest_ssp(cpuid, 6)),
		WR(SIM_MSR_XSS, 0),
	};

	sim_set_msrs(vcpu, &set, 1);
	scn_restore_guest_state(vcpu, cpuid);
	sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
	sim_get_msrs(vcpu, &get, 1);
	scn_xstate_batch(vcpu, cpuid);
}

/*
 * INIT inside KVM_RUN (the only place KVM emulates it): the tree's
 * kvm_xstate_reset() puts the loaded guest FPU, zeroes the CET XSAVE
 * components and loads it again; afterwards the guest and userspace read
 * 0 from every CET MSR.  Then RESET-like use goes on: values set after the
 * INIT persist.
 */
void scn_init_in_run(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_guest_op ops[] = {
		WR(SIM_MSR_PL3_SSP, guest_ssp(cpuid, 7)),
		WR(SIM_MSR_INT_SSP_TAB, guest_ssp(cpuid, 9)),
		WR(SIM_MSR_S_CET, guest_cet(cpuid)),
		{ .init = true },
		RD(SIM_MSR_U_CET), RD(SIM_MSR_S_CET), RD(SIM_MSR_PL0_SSP),
		RD(SIM_MSR_PL3_SSP), RD(SIM_MSR_INT_SSP_TAB),
		WR(SIM_MSR_PL1_SSP, guest_ssp(cpuid, 8)),
	};
	struct sim_msr_entry get[] = {
		{ SIM_MSR_U_CET, 0, 0 }, { SIM_MSR_S_CET, 0, 0 },
		{ SIM_MSR_PL0_SSP, 0, 0 }, { SIM_MSR_PL1_SSP, 0, 0 },
		{ SIM_MSR_PL3_SSP, 0, 0 }, { SIM_MSR_INT_SSP_TAB, 0, 0 },
	};
	u64 ssp;

	scn_restore_guest_state(vcpu, cpuid);
	sim_set_one_reg(vcpu, SIM_MSR_KVM_INTERNAL_GUEST_SSP, guest_ssp(cpuid, 9));
	sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
	sim_get_msrs(vcpu, get, ARRAY_SIZE(get));
	sim_get_one_reg(vcpu, SIM_MSR_KVM_INTERNAL_GUEST_SSP, &ssp);
}

/*
 * kvm.ignore_msrs set: accesses KVM has nothing for, from userspace and
 * from the guest, are ignored (read 0, succeed); invalid values and KVM's
 * internal SSP index from the guest still fail.
 */
void scn_ignore_msrs(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry set[] = {
		{ SIM_MSR_U_CET, 0, SIM_CET_SHSTK_EN | SIM_CET_ENDBR_EN },
		{ UNKNOWN_MSR, 0, 0x77 },
		{ SIM_MSR_PL0_SSP, 0, GUEST_SSP(0) },
		{ SIM_MSR_PL1_SSP, 0, noncanonical_ssp(vcpu) },
	};
	struct sim_msr_entry get[] = {
		{ UNKNOWN_MSR, 0, 0x99 }, { SIM_MSR_U_CET, 0, 0x99 },
		{ SIM_MSR_PL0_SSP, 0, 0x99 }, { SIM_MSR_INT_SSP_TAB, 0, 0x99 },
	};
	struct sim_guest_op ops[] = {
		RD(SIM_MSR_U_CET), RD(SIM_MSR_PL0_SSP), RD(UNKNOWN_MSR),
		WR(SIM_MSR_PL2_SSP, GUEST_SSP(2)),
		WR(SIM_MSR_U_CET, 1ull << 8),			/* reserved */
		RD(SIM_MSR_KVM_INTERNAL_GUEST_SSP),
	};

	(void)cpuid;
	sim_set_ignore_msrs(sim_vcpu_sim(vcpu), true);
	sim_set_msrs(vcpu, set, ARRAY_SIZE(set));
	sim_get_msrs(vcpu, get, ARRAY_SIZE(get));
	sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
}

/*
 * KVM_SET_CPUID2 changes the vCPU model before the first KVM_RUN (the
 * CET features taken away and given back); after it, the same CPUID is
 * taken again and any other refused, so userspace and the guest keep
 * seeing the features the guest ran with.
 */
void scn_cpuid_frozen(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	unsigned int other = cpuid ^ SIM_CPUID_SHSTK;
	struct sim_msr_entry get[] = {
		{ SIM_MSR_U_CET, 0, 0x5a }, { SIM_MSR_PL3_SSP, 0, 0x5a },
	};
	struct sim_guest_op ops[] = { RD(SIM_MSR_U_CET), RD(SIM_MSR_PL3_SSP) };

	sim_set_cpuid(vcpu, other);
	sim_set_cpuid(vcpu, cpuid);
	sim_run(vcpu, 0, 0);
	sim_set_cpuid(vcpu, cpuid);
	sim_set_cpuid(vcpu, other);
	sim_set_cpuid(vcpu, cpuid ^ SIM_CPUID_LM);
	sim_get_msrs(vcpu, get, ARRAY_SIZE(get));
	sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
}
