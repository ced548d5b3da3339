// SPDX-License-Identifier: GPL-2.0
/*
 * Values from the architectural rules, not the "nice" ones: every bit of
 * U_CET/S_CET alone and the combinations the rules single out, the legacy
 * bitmap field, SSPs at every alignment and on both sides of the canonical
 * boundary of both linear-address widths, INT_SSP_TAB valid and invalid.
 * The scenario does not say which must succeed: the oracle decides, for the
 * vCPU's CPUID and its host, from the host's KVM_SET_MSRS/KVM_GET_MSRS,
 * from ONE_REG's guest SSP and from the guest's own WRMSR/RDMSR.
 */
#include "scenario.h"
#include "values.h"

/* U_CET / S_CET: SDM Vol. 1 17.3.3, the MSR's fields. */
static unsigned int cet_values(unsigned int cpuid, u64 *v)
{
	unsigned int n = 0, bit;

	v[n++] = 0;
	for (bit = 0; bit < 64; bit++)
		v[n++] = 1ull << bit;
	v[n++] = guest_cet(cpuid);
	v[n++] = guest_cet2(cpuid);
	v[n++] = SIM_CET_SHSTK_BITS;
	v[n++] = SIM_CET_ENDBR_EN | SIM_CET_SUPPRESS;
	v[n++] = SIM_CET_ENDBR_EN | SIM_CET_WAIT_ENDBR;
	v[n++] = SIM_CET_SUPPRESS | SIM_CET_WAIT_ENDBR;
	/* the legacy bitmap base (bits 63:12), aligned and not */
	v[n++] = SIM_CET_ENDBR_EN | (1ull << 12);
	v[n++] = SIM_CET_ENDBR_EN | (3ull << 12);
	v[n++] = SIM_CET_ENDBR_EN | (1ull << 14);
	v[n++] = SIM_CET_ENDBR_EN | 0x00007f0000004000ull;
	v[n++] = ~0ull;
	return n;
}

/*
 * SSP-like addresses: around a valid base at every alignment, and both
 * sides of the canonical boundary of 48- and 57-bit hosts (the highest
 * positive canonical address, the next one, and their negative mirrors).
 */
static unsigned int ssp_values(u64 *v)
{
	static const unsigned int widths[] = { 48, 57 };
	static const u64 offs[] = { 0, 1, 2, 3, 4, 6, 8 };
	unsigned int n = 0, i, j;

	for (i = 0; i < ARRAY_SIZE(offs); i++)
		v[n++] = GUEST_SSP(0) + offs[i];
	for (i = 0; i < ARRAY_SIZE(widths); i++) {
		u64 top = (1ull << (widths[i] - 1)) - 1;

		for (j = 0; j < 2; j++) {	/* 8-aligned and 4-aligned */
			u64 below = (top & ~7ull) - 4 * j;

			v[n++] = below;
			v[n++] = top + 1;		/* first non-canonical */
			v[n++] = ~top - 4 * j - 4;	/* last one below -2^(w-1) */
			v[n++] = ~top;			/* -2^(w-1): canonical */
		}
	}
	v[n++] = ~0ull & ~3ull;
	v[n++] = 1ull << 63;
	return n;
}

unsigned int sim_edge_values(u32 msr, unsigned int cpuid, u64 *v)
{
	return sim_msr_rule(msr) == SIM_RULE_CET_CTL ? cet_values(cpuid, v) :
						       ssp_values(v);
}

/* KVM_SET_MSRS of each value alone, each followed by KVM_GET_MSRS. */
static void host_edges(struct sim_vcpu *vcpu, u32 msr, const u64 *v,
		       unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct sim_msr_entry e = { msr, 0, v[i] };

		sim_set_msrs(vcpu, &e, 1);
		e.data = 0x5a5a5a5a;
		sim_get_msrs(vcpu, &e, 1);
	}
}

/* One KVM_RUN in which the guest writes each value and reads it back. */
static void guest_edges(struct sim_vcpu *vcpu, u32 msr, const u64 *v,
			unsigned int n)
{
	/* static: too large for a kernel stack frame (KUnit) */
	static struct sim_guest_op ops[2 * SIM_MAX_EDGE_VALUES];
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct sim_guest_op wr = WR(msr, v[i]), rd = RD(msr);

		ops[2 * i] = wr;
		ops[2 * i + 1] = rd;
	}
	sim_run_guest(vcpu, ops, 2 * n);
}

/* One MSR's edge values from the host and from the guest. */
static void edges_of(struct sim_vcpu *vcpu, unsigned int cpuid, u32 msr)
{
	u64 v[SIM_MAX_EDGE_VALUES];
	unsigned int n = sim_edge_values(msr, cpuid, v);

	host_edges(vcpu, msr, v, n);
	guest_edges(vcpu, msr, v, n);
}

/*
 * One scenario per MSR: the same coverage as one scenario for all, but a
 * verdict per MSR, and exploring every interruption of each is quadratic
 * in its length only.
 */
#define EDGE_SCENARIO(name, msr)					\
void scn_edge_##name(struct sim_vcpu *vcpu, unsigned int cpuid)	\
{									\
	edges_of(vcpu, cpuid, msr);					\
}
/* one per row of the CET family (layout.h) */
#define EDGE_ROW(N, n, msr, fam, xf, gate, field, rule) EDGE_SCENARIO(n, msr)
SIM_FAMILY_CET_ROWS(EDGE_ROW)

/* KVM_REG_GUEST_SSP through ONE_REG: the SSP rules again */
void scn_edge_guest_ssp(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	u64 v[SIM_MAX_EDGE_VALUES], got;
	unsigned int j, n = ssp_values(v);

	for (j = 0; j < n; j++) {
		sim_set_one_reg(vcpu, SIM_MSR_KVM_INTERNAL_GUEST_SSP, v[j]);
		sim_get_one_reg(vcpu, SIM_MSR_KVM_INTERNAL_GUEST_SSP, &got);
	}
}
