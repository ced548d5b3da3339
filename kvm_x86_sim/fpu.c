// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 FPU core as KVM relies on it: the host task's fpstate and a
 * guest fpstate per vCPU, fpu_swap_kvm_fpstate(), TIF_NEED_FPU_LOAD,
 * fpregs_lock() and switch_fpu_return(), and interrupts that borrow the
 * FPU (kernel_fpu_begin() in softirq context) and so clobber the registers.
 */
#include "sim_internal.h"

/*
 * The legacy region as fpstate_init_fxstate() leaves it: x87 control word
 * and MXCSR at their reset values (SDM Vol. 1, 8.1.5 and 10.2.3.1).
 */
static void fpstate_init(struct sim_fpstate *fps, u64 xfeatures)
{
	memset(&fps->regs, 0, sizeof(fps->regs));
	fps->regs.xsave.i387.cwd = 0x37f;
	fps->regs.xsave.i387.mxcsr = 0x1f80;
	fps->xfeatures = xfeatures;
	/* the user components: all but the supervisor ones (CET's) */
	fps->user_xfeatures = xfeatures & ~SIM_XFEATURE_MASK_CET_ALL;
	fps->regs.xsave.header.xcomp_bv = xfeatures | SIM_XCOMP_BV_COMPACTED;
}

/*
 * The host task's fpstate holds the host's default features: the kernel
 * keeps CET_S out of it (host_default_mask(): a guest-only supervisor
 * component), so the host never saves it and every restore of the task's
 * state puts CET_S in its initial configuration.  Its buffer's bytes where
 * CET_S would go are stale, never meant to be loaded.
 */
void sim_fpu_init(struct sim *sim)
{
	struct sim_fpstate *host = &sim->host_fps;
	u64 *stale;
	int s;

	host->vcpu = -1;
	fpstate_init(host, sim_default_xfeatures(sim) &
			   ~SIM_XFEATURE_MASK_CET_KERNEL);
	for (s = 0; s < SIM_NR_SLOTS; s++)
		host->owner[s] = SIM_OWN_HOST;
	for (stale = host->regs.xsave.cet_kernel;
	     stale < host->regs.xsave.cet_kernel +
		     ARRAY_SIZE(host->regs.xsave.cet_kernel); stale++)
		*stale = SIM_STALE_XSAVE_BYTES;
	sim_xsaves(sim, host);
	sim->cur_fps = host;
}

/*
 * A vCPU's guest fpstate as fpu_alloc_guest_fpstate() makes it: the
 * guest's default features (all the host enables: CET_S too), every
 * component in its initial configuration (XSTATE_BV 0).
 */
void sim_guest_fpstate_init(struct sim *sim, struct sim_fpstate *fps, int id)
{
	fps->vcpu = id;
	fpstate_init(fps, sim_default_xfeatures(sim));
	/* x87 and SSE only: KVM_GET_XSAVE2's size is struct kvm_xsave's */
	fps->user_size = SIM_KVM_XSAVE_SIZE;
}

void sim_hw_fpregs_lock(const char *file, int line)
{
	struct sim *sim = sim_hw_current;
	struct sim_val none = { 0 };

	sim->fpregs_locked++;
	sim_trace(sim, SIM_EV_FPREGS_LOCK, 0, none, file, line, "fpregs_lock");
}

void sim_hw_fpregs_unlock(const char *file, int line)
{
	struct sim *sim = sim_hw_current;
	struct sim_val none = { 0 };

	if (sim->fpregs_locked > 0)
		sim->fpregs_locked--;
	else
		sim_hw_warn(true, "fpregs_unlock() without fpregs_lock()",
			    file, line);
	sim_trace(sim, SIM_EV_FPREGS_UNLOCK, 0, none, file, line,
		  "fpregs_unlock");
}

bool sim_hw_need_fpu_load(void)
{
	const struct sim *sim = sim_hw_current;

	sim_hw_boundary();
	return sim->need_fpu_load && !sim_faulty(sim, SIM_FAULT_NEED_LOAD_HIDDEN);
}

/*
 * The registers of this CPU are the task's, as last saved: the FPU core's
 * fpregs_state_valid() (owner context and last_cpu both match).
 */
static bool fpregs_state_valid(const struct sim *sim)
{
	return sim->fpregs_owner[sim->cpu] &&
	       (sim->last_cpu == sim->cpu ||
		sim_faulty(sim, SIM_FAULT_STALE_FPREGS_VALID));
}

/* fpregs_activate(): this CPU's registers are now the task's. */
static void fpregs_activate(struct sim *sim)
{
	int c;

	for (c = 0; c < SIM_NR_CPUS; c++)
		sim->fpregs_owner[c] = c == sim->cpu || sim->fpregs_owner[c];
	sim->last_cpu = sim->cpu;
}

/* fpregs_restore_userregs(): reload current's fpstate unless still live. */
static void restore_task_fpregs(struct sim *sim)
{
	if (!sim->need_fpu_load)
		return;
	if (!fpregs_state_valid(sim)) {
		sim_xrstors(sim, sim->cur_fps);
		fpregs_activate(sim);
	}
	sim->need_fpu_load = false;
}

/* Reload current's fpstate into the registers (switch_fpu_return). */
void sim_hw_switch_fpu_return(const char *file, int line)
{
	struct sim *sim = sim_hw_current;
	struct sim_val none = { .vcpu = sim->cur_fps->vcpu };

	restore_task_fpregs(sim);
	sim_trace(sim, SIM_EV_FPU_RESTORE, 0, none, file, line,
		  "switch_fpu_return");
}

/*
 * fpu_swap_kvm_fpstate(): save the registers into the current fpstate
 * unless they are already saved, make the guest's (or the task's) fpstate
 * current, and load it into the registers.
 */
void sim_hw_fpu_swap_kvm_fpstate(struct sim_fpstate *guest, bool enter_guest,
				 const char *file, int line)
{
	struct sim *sim = sim_hw_current;
	struct sim_val who = { .vcpu = guest->vcpu };

	sim->fpregs_locked++;
	/* (the broken swap-out: the guest's live registers are not saved) */
	if (!sim->cur_fps->is_confidential && !sim->need_fpu_load &&
	    (enter_guest || !sim_faulty(sim, SIM_FAULT_PUT_SKIPS_XSAVES)))
		sim_xsaves(sim, sim->cur_fps);
	if (enter_guest) {
		sim->saved_task_fps = sim->cur_fps;
		sim->cur_fps = guest;
		guest->in_use = true;
		sim->loads++;
	} else {
		guest->in_use = false;
		if (sim->saved_task_fps)
			sim->cur_fps = sim->saved_task_fps;
		sim->saved_task_fps = NULL;
		sim->puts++;
	}
	if (!sim_faulty(sim, SIM_FAULT_PUT_KEEPS_GUEST_REGS) || enter_guest)
		sim_xrstors(sim, sim->cur_fps);
	fpregs_activate(sim);
	sim->need_fpu_load = false;
	sim->fpregs_locked--;
	sim_trace(sim, enter_guest ? SIM_EV_FPU_LOAD : SIM_EV_FPU_PUT, 0, who,
		  file, line, enter_guest ? "fpu_swap_kvm_fpstate(guest)" :
					    "fpu_swap_kvm_fpstate(host)");
}

void *sim_hw_get_xsave_addr(struct sim_xregs_state *xsave, int nr,
			    const char *file, int line)
{
	const struct sim *sim = sim_hw_current;
	u64 mask = nr >= 0 && nr < 63 ? 1ULL << nr : 0;

	sim_hw_boundary();
	if (sim_hw_warn(!(mask & sim_host_max_xfeatures(sim)),
			"get_xsave_addr() of a component the host does not enable",
			file, line))
		return NULL;
	if (!(xsave->header.xfeatures & mask))
		return NULL;
	if (sim_hw_warn(!(xsave->header.xcomp_bv & mask),
			"get_xsave_addr(): component not in XCOMP_BV", file,
			line))
		return NULL;
	switch (nr) {
	case SIM_XFEATURE_CET_USER:	return xsave->cet_user;
	case SIM_XFEATURE_CET_KERNEL:	return xsave->cet_kernel;
	default:			return &xsave->i387;
	}
}

/*
 * fpstate_clear_xstate_component(): zero the component's bytes if the
 * area holds it (get_xsave_addr()); a component not in XSTATE_BV is in
 * its initial configuration already.  Zero is the initial configuration
 * of both CET components, and the values become nobody's.
 */
void sim_hw_fpstate_clear(struct sim_fpstate *fps, unsigned int nr,
			  const char *file, int line)
{
	struct sim *sim = sim_hw_current;
	struct sim_val none = { .vcpu = fps->vcpu };
	u64 mask = nr < 63 ? 1ULL << nr : 0;
	int s;

	if (sim_faulty(sim, SIM_FAULT_INIT_KEEPS_XSTATE))
		return;
	for (s = 0; s < SIM_NR_SLOTS; s++) {
		u64 *mem = sim_fps_slot(fps, s);

		if (!mem || sim_slot_xfeature(s) != mask ||
		    !sim_xsave_holds(&fps->regs.xsave, mask))
			continue;
		*mem = 0;
		fps->owner[s] = SIM_OWN_NONE;
	}
	sim_trace(sim, SIM_EV_FPSTATE_CLEAR, nr, none, file, line,
		  "fpstate_clear_xstate_component");
}

/* kvm_caps.supported_xss: the host's CET components when KVM has CET. */
u64 sim_hw_supported_xss(void)
{
	const struct sim *sim = sim_hw_current;

	sim_hw_boundary();
	return sim->kvm_caps & (SIM_CPUID_SHSTK | SIM_CPUID_IBT) ?
	       sim->host_xss & SIM_XFEATURE_MASK_CET_ALL : 0;
}

/*
 * An interrupt that uses the FPU: kernel_fpu_begin() saves the registers
 * into current's fpstate, sets TIF_NEED_FPU_LOAD and scribbles on them.
 * Not possible while fpregs are locked.
 */
void sim_hw_preempt_point(const char *file, int line)
{
	struct sim *sim = sim_hw_current;

	if (!sim_faulty(sim, SIM_FAULT_IRQ_CLOBBERS_FPU) || sim->fpregs_locked ||
	    sim->need_fpu_load || sim->mode != SIM_MODE_HOST_KERNEL)
		return;
	sim_irq_uses_fpu(sim);
	sim_trace(sim, SIM_EV_FPU_CLOBBER, 0, sim->hw[SIM_SLOT_U_CET], file,
		  line, "IRQ kernel_fpu_begin() clobbers the FPU");
}

/* exit_to_user_mode(): current's FPU state is loaded before userspace runs. */
void sim_return_to_user(struct sim *sim)
{
	restore_task_fpregs(sim);
	sim->mode = SIM_MODE_HOST_USER;
}
