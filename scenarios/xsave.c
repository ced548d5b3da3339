// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_GET_XSAVE(2) and KVM_SET_XSAVE with a guest that has CET state:
 * live migration saves the vCPU with KVM_GET_MSRS and KVM_GET_XSAVE2 and
 * restores it with KVM_SET_XSAVE and KVM_SET_MSRS, in either order (VMMs
 * differ).  The XSAVE buffer carries no CET state (supervisor components),
 * so each order must end with the source's CET state; the oracle judges
 * every buffer and return code, and every value read afterwards.
 */
#include "scenario.h"
#include "values.h"

#define NR_SAVED	6

static void saved_msrs(struct sim_msr_entry *e)
{
	static const u32 msrs[NR_SAVED] = {
		SIM_MSR_U_CET, SIM_MSR_S_CET, SIM_MSR_PL0_SSP, SIM_MSR_PL3_SSP,
		SIM_MSR_INT_SSP_TAB, SIM_MSR_KVM_INTERNAL_GUEST_SSP,
	};
	unsigned int i;

	for (i = 0; i < NR_SAVED; i++) {
		e[i].index = msrs[i];
		e[i].reserved = 0;
		e[i].data = 0;
	}
}

/* The MSRs of @cpuid's guest a VMM saves (what KVM_GET_MSR_INDEX_LIST has). */
static u32 nr_saved(unsigned int cpuid)
{
	if (has(cpuid, SIM_CPUID_SHSTK))
		return NR_SAVED - 1;	/* the guest SSP goes by ONE_REG */
	return has(cpuid, SIM_CPUID_IBT) ? 2 : 0;
}

/* A destination vCPU restored from @msrs and @xsave, @xsave_first or not. */
static void restore(struct sim_vcpu *src, unsigned int cpuid,
		    struct sim_msr_entry *msrs, u32 n, const void *xsave,
		    bool xsave_first)
{
	struct sim_vcpu *dst = sim_vcpu_create(sim_vcpu_sim(src));
	struct sim_msr_entry back[NR_SAVED];
	struct sim_guest_op ops[] = { RD(SIM_MSR_U_CET), RD(SIM_MSR_PL3_SSP) };
	u32 i;

	if (!dst)
		return;
	sim_set_cpuid(dst, cpuid);
	if (xsave_first)
		sim_set_xsave(dst, xsave);
	sim_set_msrs(dst, msrs, n);
	if (!xsave_first)
		sim_set_xsave(dst, xsave);
	saved_msrs(back);
	sim_get_msrs(dst, back, n);
	for (i = 0; i < n; i++)
		oracle_expect(sim_vcpu_sim(src), back[i].data == msrs[i].data,
			      SIM_INV_HOST_INTEGRITY,
			      "migrated MSR %#x (KVM_SET_XSAVE %s KVM_SET_MSRS) reads %#llx, the source had %#llx",
			      msrs[i].index, xsave_first ? "before" : "after",
			      (unsigned long long)back[i].data,
			      (unsigned long long)msrs[i].data);
	sim_run_guest(dst, ops, ARRAY_SIZE(ops));
}

/*
 * The source guest runs and changes its pass-through CET MSRs, then is
 * saved (MSRs, XSAVE2 and the old KVM_GET_XSAVE) and restored onto two
 * vCPUs, one per order.
 */
void scn_xsave_migrate(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_msr_entry set[] = {
		{ SIM_MSR_U_CET, 0, guest_cet(cpuid) },
		{ SIM_MSR_PL3_SSP, 0, guest_ssp(cpuid, 3) },
		{ SIM_MSR_PL0_SSP, 0, guest_ssp(cpuid, 0) },
	};
	struct sim_guest_op ops[] = {
		WR(SIM_MSR_U_CET, guest_cet2(cpuid)),
		WR(SIM_MSR_PL3_SSP, guest_ssp(cpuid, 5)),
	};
	static u8 xsave2[SIM_KVM_XSAVE_SIZE], xsave[SIM_KVM_XSAVE_SIZE];
	struct sim_msr_entry msrs[NR_SAVED];
	u32 n = nr_saved(cpuid);

	sim_set_msrs(vcpu, set, has(cpuid, SIM_CPUID_SHSTK) ? 3 : 1);
	sim_run_guest(vcpu, ops, has(cpuid, SIM_CPUID_SHSTK) ? 2 : 1);
	saved_msrs(msrs);
	sim_get_msrs(vcpu, msrs, n);
	sim_get_xsave(vcpu, xsave2, sim_xsave2_size(vcpu));
	sim_get_xsave(vcpu, xsave, 0);
	restore(vcpu, cpuid, msrs, n, xsave2, true);
	restore(vcpu, cpuid, msrs, n, xsave, false);
}

void scn_xsave_spoil(u8 *buf, unsigned int kind)
{
	static const struct { u32 offset; u64 value; } spoil[] = {
		{ SIM_XSAVE_HDR_OFFSET, 0x3 | SIM_XFEATURE_MASK_CET_USER },
		{ SIM_XSAVE_HDR_OFFSET, 0x3 | SIM_XFEATURE_MASK_CET_KERNEL },
		{ SIM_XSAVE_HDR_OFFSET, 0x3 | (1ull << 17) },	/* + AMX */
		{ SIM_XSAVE_HDR_OFFSET + 8, 0x8000000000000003ull },
		{ SIM_XSAVE_HDR_OFFSET + 16, 1 },		/* reserved */
		{ 24, 0x1f80 | (1ull << 16) | (0x1f80ull << 32) }, /* MXCSR */
		{ SIM_XSAVE_HDR_OFFSET, 0 },	/* all user state in init */
	};

	if (kind && kind <= ARRAY_SIZE(spoil))
		memcpy(buf + spoil[kind - 1].offset, &spoil[kind - 1].value,
		       sizeof(spoil[kind - 1].value));
}

/*
 * KVM_SET_XSAVE of buffers the ABI refuses (EINVAL) and takes, each
 * leaving the CET state alone: a CET component in XSTATE_BV, a component
 * KVM lacks, the compacted format, reserved header bytes, reserved MXCSR
 * bits; then all user components in their initial configuration.
 */
void scn_xsave_reject(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	static u8 buf[SIM_KVM_XSAVE_SIZE], bad[SIM_KVM_XSAVE_SIZE];
	struct sim_msr_entry set[] = {
		{ SIM_MSR_U_CET, 0, guest_cet(cpuid) },
		{ SIM_MSR_PL3_SSP, 0, guest_ssp(cpuid, 3) },
		{ SIM_MSR_PL1_SSP, 0, guest_ssp(cpuid, 1) },
	};
	unsigned int i;

	sim_set_msrs(vcpu, set, has(cpuid, SIM_CPUID_SHSTK) ? 3 : 1);
	sim_get_xsave(vcpu, buf, sim_xsave2_size(vcpu));
	/* KVM_GET_XSAVE is KVM_GET_XSAVE2 with struct kvm_xsave's size */
	sim_get_xsave(vcpu, bad, 0);
	oracle_expect(sim_vcpu_sim(vcpu), !memcmp(buf, bad, sizeof(bad)),
		      SIM_INV_HOST_INTEGRITY,
		      "KVM_GET_XSAVE and KVM_GET_XSAVE2 returned different XSAVE areas");
	for (i = 1; i < SIM_NR_XSAVE_SPOILS; i++) {
		memcpy(bad, buf, sizeof(bad));
		scn_xsave_spoil(bad, i);
		sim_set_xsave(vcpu, bad);
	}
	sim_get_xsave(vcpu, buf, sim_xsave2_size(vcpu));
	sim_get_msrs(vcpu, set, has(cpuid, SIM_CPUID_SHSTK) ? 3 : 1);
}

/*
 * HOST INTEGRITY through KVM_SET_XSAVE: the FPU core's copy drops the
 * supervisor components' XSTATE_BV bits, so the guest's CET_U state goes
 * to its initial configuration.
 */
void brk_xsave_drops_cet(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	static u8 buf[SIM_KVM_XSAVE_SIZE];
	struct sim_msr_entry set = { SIM_MSR_U_CET, 0, guest_cet(cpuid) };

	sim_set_msrs(vcpu, &set, 1);
	sim_get_xsave(vcpu, buf, sim_xsave2_size(vcpu));
	sim_set_xsave(vcpu, buf);
}

/*
 * ACCESSOR CONTRACT for the XSAVE copies: the guest FPU was left loaded
 * (a stray load, PAIRING), so KVM_GET_XSAVE2 copies a stale fpstate.
 */
void brk_xsave_live(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	static u8 buf[SIM_KVM_XSAVE_SIZE];

	(void)cpuid;
	sim_stray_load_guest_fpu(vcpu);
	sim_get_xsave(vcpu, buf, sim_xsave2_size(vcpu));
}
