// SPDX-License-Identifier: GPL-2.0
/*
 * Events the kernel code must survive, delivered at the boundaries between
 * the primitives it calls: a softirq that borrows the FPU, preemption by a
 * task that uses the FPU, and migration of the vCPU task to the other CPU.
 * Each follows what the x86 FPU core does (arch/x86/kernel/fpu/): the live
 * registers are saved into current's fpstate unless TIF_NEED_FPU_LOAD says
 * they are not live, TIF_NEED_FPU_LOAD is set, and the registers the task
 * finds afterwards are someone else's.  fpregs_lock() keeps all three out
 * (it disables softirqs and preemption), and so do the interrupts-off
 * windows around VM-entry and VM-exit.  A fourth kind is no interruption:
 * the ioctl's next copy from or to userspace faults, as with a bad
 * pointer, to drive the error paths.
 */
#include "sim_internal.h"

static const char *const inject_name[SIM_NR_INJECT_KINDS] = {
	[SIM_INJECT_IRQ_FPU] = "irq",
	[SIM_INJECT_PREEMPT] = "preempt",
	[SIM_INJECT_MIGRATE] = "migrate",
	[SIM_INJECT_UACCESS] = "uaccess",
};

const char *sim_inject_name(enum sim_inject_kind kind)
{
	return kind < SIM_NR_INJECT_KINDS ? inject_name[kind] : "?";
}

int sim_inject_by_name(const char *name)
{
	int k;

	for (k = 0; k < SIM_NR_INJECT_KINDS; k++)
		if (!strcmp(name, inject_name[k]))
			return k;
	return -1;
}

void sim_set_schedule(struct sim *sim, const struct sim_injection *inj,
		      unsigned int n)
{
	if (n > SIM_MAX_INJECTIONS)
		n = SIM_MAX_INJECTIONS;
	if (n)
		memcpy(sim->inject, inj, n * sizeof(*inj));
	sim->nr_inject = n;
	sim->next_inject = 0;
}

unsigned int sim_boundaries(const struct sim *sim)
{
	return sim->boundary;
}

unsigned int sim_injections_fired(const struct sim *sim)
{
	return sim->fired;
}

unsigned long sim_nr_events(const struct sim *sim)
{
	return sim->ev_base + sim->nr_ev;
}

/* Another context's register contents, recognisable in a trace. */
static struct sim_val foreign(u64 tag)
{
	struct sim_val v = { .v = 0x6b6b6b6b00000000ull | tag, .vcpu = -1 };

	return v;
}

/*
 * The registers the FPU core manages (the XSAVE components the host's XSS
 * enables): what an FPU user clobbers and what differs between CPUs.
 */
static bool per_cpu_slot(const struct sim *sim, int s)
{
	return sim_slot_in_xsave(s, sim->host_xss);
}

/*
 * The task stops using this CPU's registers: switch_fpu_prepare() or
 * kernel_fpu_begin() saves them if they are live and marks them not live.
 */
static void save_task_fpregs(struct sim *sim)
{
	if (!sim->need_fpu_load && !sim->cur_fps->is_confidential)
		sim_xsaves(sim, sim->cur_fps);
	sim->need_fpu_load = true;
	sim->last_cpu = sim->cpu;
}

static void clobber(struct sim *sim, u64 tag)
{
	int s;

	for (s = 0; s < SIM_NR_SLOTS; s++)
		if (per_cpu_slot(sim, s))
			sim->hw[s] = foreign(tag);
	sim->fpregs_owner[sim->cpu] = false;
}

/* Move the task to the other CPU: its registers are what that CPU holds. */
static void move_cpu(struct sim *sim)
{
	int s, to = (sim->cpu + 1) % SIM_NR_CPUS;

	for (s = 0; s < SIM_NR_SLOTS; s++) {
		if (!per_cpu_slot(sim, s))
			continue;
		sim->cpu_regs[sim->cpu][s] = sim->hw[s];
		sim->hw[s] = sim->cpu_regs[to][s];
	}
	sim->cpu = to;
}

/* kernel_fpu_begin() in a softirq on this CPU: the task's state saved, lost */
void sim_irq_uses_fpu(struct sim *sim)
{
	save_task_fpregs(sim);
	clobber(sim, 0x1);
}

static void deliver(struct sim *sim, enum sim_inject_kind kind)
{
	struct sim_vcpu *loaded = sim->loaded_vcpu;
	struct sim_val what = { .v = kind, .vcpu = -1 };

	if (kind == SIM_INJECT_UACCESS) {
		sim->uaccess_armed = true;	/* see sim_hw_copy_to_user() */
		sim->fired++;
		return;
	}
	if (kind != SIM_INJECT_IRQ_FPU && sim->fpregs_locked)
		return;		/* (only a broken softirq ignores the lock) */
	sim->injecting = true;
	if (kind == SIM_INJECT_IRQ_FPU) {
		sim_irq_uses_fpu(sim);
	} else {
		/* kvm_sched_out(): the vCPU is put; then the switch */
		if (loaded)
			sim_vcpu_put(loaded);
		save_task_fpregs(sim);
		if (kind == SIM_INJECT_PREEMPT)
			clobber(sim, 0x2);
		else
			move_cpu(sim);
		if (loaded)
			sim_vcpu_load(loaded);	/* kvm_sched_in() */
	}
	sim_trace(sim, SIM_EV_INJECT, sim->cpu, what, __FILE__, __LINE__,
		  kind == SIM_INJECT_IRQ_FPU ? "softirq kernel_fpu_begin()" :
		  kind == SIM_INJECT_PREEMPT ? "preempted by an FPU user" :
					       "migrated to the other CPU");
	sim->injecting = false;
	sim->fired++;
}

/*
 * Called after every event the machine records: in host-kernel mode, where
 * the kernel could take an interrupt or be preempted, that is a boundary.
 */
void sim_boundary(struct sim *sim)
{
	bool locked = sim->fpregs_locked &&
		      !sim_faulty(sim, SIM_FAULT_IRQ_IGNORES_FPREGS_LOCK);
	unsigned int at;

	if (sim->injecting || sim->mode != SIM_MODE_HOST_KERNEL || locked ||
	    sim->irqs_off)
		return;
	at = sim->boundary++;
	while (sim->next_inject < sim->nr_inject &&
	       sim->inject[sim->next_inject].at <= at) {
		if (sim->inject[sim->next_inject].at == at)
			deliver(sim, sim->inject[sim->next_inject].kind);
		sim->next_inject++;
	}
}

/*
 * A primitive the machine does not record (a query, an allocation) is a
 * boundary all the same: the kernel can be interrupted in the middle of
 * any of them.
 */
void sim_hw_boundary(void)
{
	if (sim_hw_current)
		sim_boundary(sim_hw_current);
}

/* The CPUs at power-on: the host task's registers live on CPU 0. */
void sim_cpus_init(struct sim *sim)
{
	int s;

	sim->cpu = sim->last_cpu = 0;
	sim->fpregs_owner[0] = true;
	for (s = 0; s < SIM_NR_SLOTS; s++)
		sim->cpu_regs[1][s] = foreign(0x3);
}
