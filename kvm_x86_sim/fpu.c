// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 FPU core as KVM relies on it: the host task's fpstate and a
 * guest fpstate per vCPU, fpu_swap_kvm_fpstate(), TIF_NEED_FPU_LOAD,
 * fpregs_lock() and switch_fpu_return(), and interrupts that borrow the
 * FPU (kernel_fpu_begin() in softirq context) and so clobber the registers.
 */
#include "sim_internal.h"

void sim_fpu_init(struct sim *sim)
{
	struct sim_fpstate *host = &sim->host_fps;
	int s;

	host->vcpu = -1;
	host->xfeatures = sim->host_xss;
	for (s = 0; s < SIM_NR_SLOTS; s++) {
		host->regs[s] = sim->hw[s].v;
		host->owner[s] = sim->hw[s].owner;
	}
	sim->cur_fps = host;
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
	return sim->need_fpu_load && !(sim->faults & SIM_FAULT_NEED_LOAD_HIDDEN);
}

/*
 * The registers of this CPU are the task's, as last saved: the FPU core's
 * fpregs_state_valid() (owner context and last_cpu both match).
 */
static bool fpregs_state_valid(const struct sim *sim)
{
	return sim->fpregs_owner[sim->cpu] &&
	       (sim->last_cpu == sim->cpu ||
		(sim->faults & SIM_FAULT_STALE_FPREGS_VALID));
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
	    (enter_guest || !(sim->faults & SIM_FAULT_PUT_SKIPS_XSAVES)))
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
	if (!(sim->faults & SIM_FAULT_PUT_KEEPS_GUEST_REGS) || enter_guest)
		sim_xrstors(sim, sim->cur_fps);
	fpregs_activate(sim);
	sim->need_fpu_load = false;
	sim->fpregs_locked--;
	sim_trace(sim, enter_guest ? SIM_EV_FPU_LOAD : SIM_EV_FPU_PUT, 0, who,
		  file, line, enter_guest ? "fpu_swap_kvm_fpstate(guest)" :
					    "fpu_swap_kvm_fpstate(host)");
}

void sim_hw_fpstate_clear(struct sim_fpstate *fps, unsigned int nr,
			  const char *file, int line)
{
	struct sim *sim = sim_hw_current;
	struct sim_val none = { .vcpu = fps->vcpu };
	int s;

	if (sim->faults & SIM_FAULT_INIT_KEEPS_XSTATE)
		return;
	for (s = 0; s < SIM_NR_SLOTS; s++) {
		if (sim_slot_xfeature(s) != (1ULL << nr))
			continue;
		fps->regs[s] = 0;
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

	if (!(sim->faults & SIM_FAULT_IRQ_CLOBBERS_FPU) || sim->fpregs_locked ||
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
