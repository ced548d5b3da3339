// SPDX-License-Identifier: GPL-2.0
/*
 * Observers of the machine: registration, and the calls that tell each of
 * them what happened.  The trace printer below is one such observer; the
 * oracle (oracle/) is another.
 */
#include "sim_internal.h"

bool sim_attach(struct sim *sim, const struct sim_observer_ops *ops,
		void *ctx)
{
	struct sim_observer *o;

	if (sim->nr_observers == SIM_MAX_OBSERVERS)
		return false;
	o = &sim->observers[sim->nr_observers++];
	o->ops = ops;
	o->ctx = ctx;
	return true;
}

#define FOR_EACH_OBSERVER(sim, o)					\
	for (o = (sim)->observers; o < (sim)->observers + (sim)->nr_observers; o++)

void sim_notify_event(struct sim *sim, int i)
{
	struct sim_observer *o;

	FOR_EACH_OBSERVER(sim, o)
		if (o->ops->on_event)
			o->ops->on_event(o->ctx, sim, sim->ev_base + i);
}

void sim_notify_ioctl(struct sim *sim, bool enter)
{
	struct sim_observer *o;

	FOR_EACH_OBSERVER(sim, o) {
		if (enter && o->ops->on_ioctl_enter)
			o->ops->on_ioctl_enter(o->ctx, sim);
		else if (!enter && o->ops->on_ioctl_exit)
			o->ops->on_ioctl_exit(o->ctx, sim);
	}
}

void sim_notify_batch(struct sim *sim, const struct sim_batch *b)
{
	struct sim_observer *o;

	FOR_EACH_OBSERVER(sim, o)
		if (o->ops->on_batch)
			o->ops->on_batch(o->ctx, sim, b);
}

void sim_notify_guest_msr(struct sim *sim, const struct sim_guest_msr *g)
{
	struct sim_observer *o;

	FOR_EACH_OBSERVER(sim, o)
		if (o->ops->on_guest_msr)
			o->ops->on_guest_msr(o->ctx, sim, g);
}

void sim_notify_reg_list(struct sim *sim, const struct sim_reg_list *l)
{
	struct sim_observer *o;

	FOR_EACH_OBSERVER(sim, o)
		if (o->ops->on_reg_list)
			o->ops->on_reg_list(o->ctx, sim, l);
}

void sim_notify_msr_list(struct sim *sim, const struct sim_msr_list *l)
{
	struct sim_observer *o;

	FOR_EACH_OBSERVER(sim, o)
		if (o->ops->on_msr_list)
			o->ops->on_msr_list(o->ctx, sim, l);
}

void sim_notify_xsave(struct sim *sim, const struct sim_xsave_io *x)
{
	struct sim_observer *o;

	FOR_EACH_OBSERVER(sim, o)
		if (o->ops->on_xsave)
			o->ops->on_xsave(o->ctx, sim, x);
}

void sim_notify_cpuid(struct sim *sim, const struct sim_cpuid_set *c)
{
	struct sim_observer *o;

	FOR_EACH_OBSERVER(sim, o)
		if (o->ops->on_cpuid)
			o->ops->on_cpuid(o->ctx, sim, c);
}

void sim_notify_nested_state(struct sim *sim,
			     const struct sim_nested_state_io *n)
{
	struct sim_observer *o;

	FOR_EACH_OBSERVER(sim, o)
		if (o->ops->on_nested_state)
			o->ops->on_nested_state(o->ctx, sim, n);
}

void sim_notify_xcrs(struct sim *sim, const struct sim_xcrs_io *x)
{
	struct sim_observer *o;

	FOR_EACH_OBSERVER(sim, o)
		if (o->ops->on_xcrs)
			o->ops->on_xcrs(o->ctx, sim, x);
}

void sim_notify_destroy(struct sim *sim)
{
	struct sim_observer *o;

	FOR_EACH_OBSERVER(sim, o)
		if (o->ops->on_destroy)
			o->ops->on_destroy(o->ctx, sim);
	sim->nr_observers = 0;
}

/* The trace printer: every event, as it is recorded, as one line. */
struct trace_printer {
	sim_printer print;
	void *ctx;
};

static void print_event(void *ctx, const struct sim *sim, int n)
{
	struct trace_printer *p = ctx;
	char buf[248];

	sim_describe_event(sim, n - sim->ev_base, buf, sizeof(buf));
	p->print(p->ctx, buf);
}

static void free_printer(void *ctx, const struct sim *sim)
{
	sim_free(ctx);
}

static const struct sim_observer_ops trace_printer_ops = {
	.on_event = print_event,
	.on_destroy = free_printer,
};

bool sim_attach_trace_printer(struct sim *sim, sim_printer print, void *ctx)
{
	struct trace_printer *p = sim_zalloc(sizeof(*p));

	if (!p)
		return false;
	p->print = print;
	p->ctx = ctx;
	if (sim_attach(sim, &trace_printer_ops, p))
		return true;
	sim_free(p);
	return false;
}
