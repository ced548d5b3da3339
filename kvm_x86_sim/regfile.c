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

u64 *sim_fps_slot(struct sim_fpstate *fps, int slot)
{
	struct sim_xregs_state *x = &fps->regs.xsave;

	switch (slot) {
	case SIM_SLOT_U_CET:	return &x->cet_user[0];
	case SIM_SLOT_PL3_SSP:	return &x->cet_user[1];
	case SIM_SLOT_PL0_SSP:	return &x->cet_kernel[0];
	case SIM_SLOT_PL1_SSP:	return &x->cet_kernel[1];
	case SIM_SLOT_PL2_SSP:	return &x->cet_kernel[2];
	default:		return NULL;
	}
}

/*
 * XINUSE (SDM Vol. 1, 13.6): a component the CPU may report as in its
 * initial configuration.  x87 and SSE are taken as always in use; a CET
 * component is in its initial configuration when all its MSRs are 0, and
 * this CPU uses the init optimization whenever it may.
 */
static u64 xinuse(const struct sim *sim)
{
	u64 in_use = SIM_XFEATURE_MASK_FPSSE;
	int s;

	for (s = 0; s < SIM_NR_SLOTS; s++)
		if (sim->hw[s].v)
			in_use |= sim_slot_xfeature(s);
	return in_use;
}

/*
 * XCR0 | IA32_XSS as loaded now: the components XSAVES/XRSTORS may touch
 * at all (a host XSAVES with a guest's XCR0 left loaded skips the host's
 * other components)
 */
static u64 enabled_xfeatures(const struct sim *sim)
{
	return sim->xcr0 | sim->hw[SIM_SLOT_XSS].v;
}

/*
 * XSAVES into @fps with the kernel's mask, @fps->xfeatures (os_xsave()).
 * SDM Vol. 1, 13.11: RFBM = (XCR0 | IA32_XSS) & mask; a component of
 * RFBM is written only if XINUSE says it is in use; XSTATE_BV = RFBM &
 * XINUSE (every other bit 0), XCOMP_BV = RFBM with bit 63 set.  A
 * component left out keeps its stale bytes, which XSTATE_BV disowns.
 * (The modified optimization, 13.11's skipping of components unchanged
 * since the XRSTORS from the same area, is not modelled: it must not be
 * observable.)
 */
void sim_xsaves(struct sim *sim, struct sim_fpstate *fps)
{
	u64 rfbm = enabled_xfeatures(sim) & fps->xfeatures;
	u64 written = rfbm & xinuse(sim);
	int s;

	for (s = 0; s < SIM_NR_SLOTS; s++) {
		u64 *mem = sim_fps_slot(fps, s);

		if (!mem || !(sim_slot_xfeature(s) & written))
			continue;
		*mem = sim->hw[s].v;
		fps->owner[s] = sim->hw[s].owner;
	}
	fps->regs.xsave.header.xfeatures = written;
	fps->regs.xsave.header.xcomp_bv = rfbm | SIM_XCOMP_BV_COMPACTED;
}

/*
 * XRSTORS from @fps with the kernel's restore mask, its max_features
 * (restore_fpregs_from_fpstate(): "all features in @mask", so a component
 * the previous task used and this one lacks goes to init).  SDM Vol. 1,
 * 13.12: #GP unless XCOMP_BV[63] is set, XCOMP_BV[62:0] is a subset of
 * XCR0 | IA32_XSS and XSTATE_BV of XCOMP_BV; then each component of RFBM
 * is loaded when its XSTATE_BV bit is set and initialized (all 0) when it
 * is clear.  The kernel takes the #GP (ex_handler_fprestore()): a WARN,
 * and the init state restored.
 */
void sim_xrstors(struct sim *sim, const struct sim_fpstate *fps)
{
	const struct sim_xstate_header *h = &fps->regs.xsave.header;
	u64 rfbm = enabled_xfeatures(sim) & sim_host_max_xfeatures(sim);
	u64 load = h->xfeatures;
	int s;

	if (!(h->xcomp_bv & SIM_XCOMP_BV_COMPACTED) ||
	    (h->xcomp_bv & ~SIM_XCOMP_BV_COMPACTED & ~enabled_xfeatures(sim)) ||
	    (h->xfeatures & ~h->xcomp_bv)) {
		sim_hw_warn(true, "XRSTORS #GP: bad XSAVE header (XSTATE_BV/XCOMP_BV vs XCR0|XSS)",
			    __FILE__, __LINE__);
		load = 0;
	}
	/*
	 * xfd_update_state() first: the fpstate's XFD.  Restoring a
	 * component it arms, in use, #NMs (SDM Vol. 1, 13.14), which the
	 * kernel cannot take in its own FPU restore.
	 */
	sim_xfd_load(sim, fps);
	if (load & rfbm & sim->xfd.v) {
		sim_hw_warn(true, "XRSTORS #NM: XSTATE_BV names an XFD-armed component",
			    __FILE__, __LINE__);
		load &= ~sim->xfd.v;
	}
	for (s = 0; s < SIM_NR_SLOTS; s++) {
		const u64 *mem = sim_fps_slot((struct sim_fpstate *)fps, s);
		bool bv = sim_slot_xfeature(s) & load;

		if (!mem || !(sim_slot_xfeature(s) & rfbm))
			continue;
		if (bv || sim_faulty(sim, SIM_FAULT_XRSTORS_IGNORES_BV)) {
			sim->hw[s].v = *mem;
			sim->hw[s].owner = fps->owner[s];
			sim->hw[s].vcpu = fps->vcpu;
		} else {
			sim->hw[s].v = 0;
			sim->hw[s].owner = SIM_OWN_NONE;
			sim->hw[s].vcpu = -1;
		}
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

	if (sim_is_xfd_msr(msr))
		return sim_xfd_rdmsr(sim, msr, file, line);
	if (slot != SIM_SLOT_NONE)
		val = sim->hw[slot];
	else
		val.v = host_only_msr(msr);
	sim_trace(sim, SIM_EV_RDMSR, msr, val, file, line, "RDMSR");
	return val.v;
}

/*
 * RDMSR that may #GP: the CET MSRs exist on a CPU with one of their row's
 * gate features (layout.h: U_CET/S_CET with shadow stacks or IBT, the SSP
 * MSRs with shadow stacks); on the host without them they do not.  The
 * CPU's, not KVM's: a CPU may have CET that KVM does not virtualize.
 */
int sim_hw_rdmsr_safe(u32 msr, u64 *v, const char *file, int line)
{
	unsigned int caps = sim_hw_current->cpu_caps;
	int slot = sim_msr_slot(msr);
	bool absent = slot != SIM_SLOT_NONE &&
		      sim_msr_facts[slot].family == SIM_FAMILY_CET &&
		      !(caps & sim_msr_facts[slot].cpuid);

	if (absent && !sim_faulty(sim_hw_current, SIM_FAULT_HOST_CLAIMS_CET)) {
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

	if (sim_is_xfd_msr(msr)) {
		sim_xfd_wrmsr(sim, msr, v, file, line);
		return;
	}
	/* (the broken CPU: writing the host's XSS back does not take) */
	if (slot == SIM_SLOT_XSS && v == sim->host_xss &&
	    sim_faulty(sim, SIM_FAULT_HOST_XSS_LOST))
		slot = SIM_SLOT_NONE;
	/* (or the one that loads a guest's XSS before the VM-entry) */
	if (slot == SIM_SLOT_XSS && v != sim->host_xss &&
	    sim_faulty(sim, SIM_FAULT_GUEST_XSS_LOST))
		slot = SIM_SLOT_NONE;
	if (slot != SIM_SLOT_NONE)
		sim->hw[slot] = val;
	sim_trace(sim, SIM_EV_WRMSR, msr, val, file, line, "WRMSR");
}
