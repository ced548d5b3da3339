/* SPDX-License-Identifier: GPL-2.0 */
/* Guest values the scenarios write: valid for the CPUID they run with. */
#ifndef KVM_X86_SIM_SCENARIO_VALUES_H
#define KVM_X86_SIM_SCENARIO_VALUES_H

#include "kvm_x86_sim/sim.h"

#define GUEST_SSP(n)		(0x00007f0000001000ull + (n) * 0x100)
#define UNKNOWN_MSR		0x00012345u
#define NONCANONICAL_SSP	0x0000800000001000ull

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

#endif
