// SPDX-License-Identifier: GPL-2.0
/*
 * The event trace: every hardware-touching primitive the kernel code calls
 * is recorded with the kernel's file:line, the CPU mode and whose value
 * moved, so that a violation can be explained as the short history that
 * led to it.  Observers (the oracle) are told of each event as it is
 * recorded.
 */
#include "sim_internal.h"

static const char *const mode_name[] = {
	[SIM_MODE_HOST_USER] = "host-user",
	[SIM_MODE_HOST_KERNEL] = "host-kernel",
	[SIM_MODE_GUEST] = "guest",
};

int sim_trace(struct sim *sim, enum sim_event_type type, u32 index,
	      struct sim_val val, const char *file, int line, const char *what)
{
	struct sim_event *e;
	int i;

	if (sim->nr_ev == SIM_MAX_EVENTS) {
		/* keep the newest half: violations are explained by the end */
		memmove(sim->ev, sim->ev + SIM_MAX_EVENTS / 2,
			sizeof(sim->ev[0]) * (SIM_MAX_EVENTS / 2));
		sim->nr_ev = SIM_MAX_EVENTS / 2;
		sim->ev_base += SIM_MAX_EVENTS / 2;
	}
	i = sim->nr_ev++;
	e = &sim->ev[i];
	e->type = type;
	e->vcpu = sim->ioctl_vcpu ? sim->ioctl_vcpu->id : -1;
	e->mode = sim->mode;
	e->index = index;
	e->val = val;
	e->file = file;
	e->line = line;
	e->what = what;
	sim_notify_event(sim, i);
	sim_boundary(sim);
	return i;
}

/*
 * Where an event happened: the kernel-relative path of the tree's code
 * (".../arch/x86/kvm/x86.c" -> "arch/x86/kvm/x86.c"), or "harness" for the
 * simulator's own steps (ioctl entry, VM-entry, ...).
 */
static void where(const struct sim_event *e, char *buf, size_t len)
{
	const char *p = e->file ? strstr(e->file, "arch/x86/") : NULL;

	if (p)
		sim_snprintf(buf, len, "%s:%d", p, e->line);
	else
		sim_snprintf(buf, len, "harness");
}

static const char *owner_name(const struct sim_val *v, char *buf, size_t len)
{
	switch (v->owner) {
	case SIM_OWN_HOST:
		return "host";
	case SIM_OWN_GUEST:
		sim_snprintf(buf, len, "guest vCPU%d", v->vcpu);
		return buf;
	default:
		return "-";
	}
}

void sim_describe_event(const struct sim *sim, int i, char *buf, size_t len)
{
	const struct sim_event *e = &sim->ev[i];
	char who[24], at[96];

	where(e, at, sizeof(at));
	sim_snprintf(buf, len, "#%-3d %-11s %-32s idx=%#x val=%#llx (%s)  %s",
		     sim->ev_base + i, mode_name[e->mode], e->what, e->index,
		     (unsigned long long)e->val.v,
		     owner_name(&e->val, who, sizeof(who)), at);
}
