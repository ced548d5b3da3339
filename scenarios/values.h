/* SPDX-License-Identifier: GPL-2.0 */
/* Guest values the scenarios write: valid for the CPUID they run with. */
#ifndef KVM_X86_SIM_SCENARIO_VALUES_H
#define KVM_X86_SIM_SCENARIO_VALUES_H

#include "kvm_x86_sim/sim.h"

#define GUEST_SSP(n)		(0x00007f0000001000ull + (n) * 0x100)
#define UNKNOWN_MSR		0x00012345u
/* non-canonical with 48-bit linear addresses, canonical with LA57 */
#define NONCANONICAL_SSP	0x0000800000001000ull
/* non-canonical with 57-bit linear addresses too */
#define NONCANONICAL57_SSP	0x0100000000001000ull

static inline bool has(unsigned int cpuid, unsigned int f)
{
	return cpuid & f;
}

/* A U_CET/S_CET value using exactly the features the guest has. */
static inline u64 guest_cet(unsigned int cpuid)
{
	return (has(cpuid, SIM_CPUID_SHSTK) ? SIM_CET_SHSTK_EN : 0) |
	       (has(cpuid, SIM_CPUID_IBT) ? SIM_CET_ENDBR_EN : 0);
}

/* An SSP value, or 0 (the only value allowed) without SHSTK. */
static inline u64 guest_ssp(unsigned int cpuid, int n)
{
	return has(cpuid, SIM_CPUID_SHSTK) ? GUEST_SSP(n) : 0;
}

/* A guest RDMSR / WRMSR (struct sim_guest_op) */
#define RD(m)		{ .msr = (m) }
#define WR(m, d)	{ .write = true, .msr = (m), .data = (d) }

/* A second valid U_CET/S_CET value, other bits of the same features. */
static inline u64 guest_cet2(unsigned int cpuid)
{
	return (has(cpuid, SIM_CPUID_SHSTK) ? SIM_CET_SHSTK_EN | SIM_CET_WRSS_EN : 0) |
	       (has(cpuid, SIM_CPUID_IBT) ? SIM_CET_ENDBR_EN | SIM_CET_NO_TRACK_EN : 0);
}

/* A value non-canonical on the vCPU's host, whatever its paging. */
static inline u64 noncanonical_ssp(struct sim_vcpu *vcpu)
{
	return sim_vcpu_va_bits(vcpu) > 48 ? NONCANONICAL57_SSP :
					     NONCANONICAL_SSP;
}

#endif
