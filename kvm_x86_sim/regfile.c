// SPDX-License-Identifier: GPL-2.0
/*
 * The per-CPU hardware register file: the CET MSRs and IA32_XSS, with the
 * owner of every value, and XSAVES/XRSTORS of the CET components honouring
 * XSS.  S_CET and INT_SSP_TAB belong to no XSAVE component.
 */
#include "sim_internal.h"

int sim_msr_slot(u32 msr)
{
	int s;

	for (s = 0; s < SIM_NR_SLOTS; s++)
		if (sim_msr_facts[s].msr == msr)
			return s;
	return SIM_SLOT_NONE;
}

/* The XSAVE component a slot belongs to, 0 if none. */
u64 sim_slot_xfeature(int slot)
{
	return slot >= 0 && slot < SIM_NR_SLOTS ? sim_msr_facts[slot].xfeature :
						    0;
}

bool sim_slot_in_xsave(int slot, u64 xss)
{
	return sim_slot_xfeature(slot) & xss;
}

/* XSAVES of the supervisor components enabled in XSS into @fps. */
void sim_xsaves(struct sim *sim, struct sim_fpstate *fps)
{
	u64 xss = sim->hw[SIM_SLOT_XSS].v;
	int s;

	for (s = 0; s < SIM_NR_SLOTS; s++) {
		if (!sim_slot_in_xsave(s, xss & fps->xfeatures))
			continue;
		fps->regs[s] = sim->hw[s].v;
		fps->owner[s] = sim->hw[s].owner;
	}
}

/* XRSTORS of the supervisor components enabled in XSS from @fps. */
void sim_xrstors(struct sim *sim, const struct sim_fpstate *fps)
{
	u64 xss = sim->hw[SIM_SLOT_XSS].v;
	int s;

	for (s = 0; s < SIM_NR_SLOTS; s++) {
		if (!sim_slot_in_xsave(s, xss & fps->xfeatures))
			continue;
		sim->hw[s].v = fps->regs[s];
		sim->hw[s].owner = fps->owner[s];
		sim->hw[s].vcpu = fps->vcpu;
	}
}

/* A value written by KVM on behalf of @vcpu (NULL: the host's). */
struct sim_val sim_owned(struct sim *sim, u64 v, struct sim_vcpu *vcpu)
{
	struct sim_val val = { .v = v, .owner = SIM_OWN_NONE, .vcpu = -1 };

	(void)sim;
	if (vcpu) {
		val.owner = SIM_OWN_GUEST;
		val.vcpu = vcpu->id;
	} else {
		val.owner = SIM_OWN_HOST;
	}
	return val;
}

/* The host's MSRs outside the register file that KVM copies into the VMCS. */
static u64 host_only_msr(u32 msr)
{
	switch (msr) {
	case SIM_MSR_SYSENTER_CS:	return SIM_HOST_SYSENTER_CS;
	case SIM_MSR_SYSENTER_EIP:	return SIM_HOST_SYSENTER_EIP;
	case SIM_MSR_CR_PAT:		return SIM_HOST_PAT;
	default:			return 0;
	}
}

u64 sim_hw_rdmsr(u32 msr, const char *file, int line)
{
	struct sim *sim = sim_hw_current;
	int slot = sim_msr_slot(msr);
	struct sim_val val = { .v = 0, .owner = SIM_OWN_NONE, .vcpu = -1 };

	if (slot != SIM_SLOT_NONE)
		val = sim->hw[slot];
	else
		val.v = host_only_msr(msr);
	sim_trace(sim, SIM_EV_RDMSR, msr, val, file, line, "RDMSR");
	return val.v;
}

/*
 * RDMSR that may #GP: the CET MSRs exist on a CPU with CET (U_CET/S_CET
 * with shadow stacks or IBT, the SSP MSRs with shadow stacks); on the host
 * without it they do not.  The CPU's, not KVM's: a CPU may have CET that
 * KVM does not virtualize.
 */
int sim_hw_rdmsr_safe(u32 msr, u64 *v, const char *file, int line)
{
	unsigned int caps = sim_hw_current->cpu_caps;
	bool absent;

	switch (msr) {
	case SIM_MSR_U_CET:
	case SIM_MSR_S_CET:
		absent = !(caps & (SIM_CPUID_SHSTK | SIM_CPUID_IBT));
		break;
	case SIM_MSR_PL0_SSP ... SIM_MSR_INT_SSP_TAB:
		absent = !(caps & SIM_CPUID_SHSTK);
		break;
	default:
		absent = false;
	}
	if (absent && !(sim_hw_current->faults & SIM_FAULT_HOST_CLAIMS_CET)) {
		*v = 0;
		sim_hw_boundary();
		return -5;	/* -EIO: the #GP fixup's answer */
	}
	*v = sim_hw_rdmsr(msr, file, line);
	return 0;
}

void sim_hw_wrmsr(u32 msr, u64 v, const char *file, int line)
{
	struct sim *sim = sim_hw_current;
	int slot = sim_msr_slot(msr);
	/* KVM writes hardware MSRs inside vCPU ioctls on the guest's behalf */
	struct sim_val val = sim_owned(sim, v, sim->ioctl_vcpu);

	/* (the broken CPU: writing the host's XSS back does not take) */
	if (slot == SIM_SLOT_XSS && v == sim->host_xss &&
	    (sim->faults & SIM_FAULT_HOST_XSS_LOST))
		slot = SIM_SLOT_NONE;
	if (slot != SIM_SLOT_NONE)
		sim->hw[slot] = val;
	sim_trace(sim, SIM_EV_WRMSR, msr, val, file, line, "WRMSR");
}
