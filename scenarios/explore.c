// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded exhaustive exploration of interruptions: each case of a scenario
 * that must hold is re-run with a softirq using the FPU, a preemption or a
 * migration injected at every boundary between the primitives the kernel
 * code calls (one injection; also a fault of the ioctl's next user copy),
 * and at every pair of boundaries at most @window apart (two of the three
 * interruptions).  The oracle judges each run as it judges the case.
 */
#include "program.h"

int sim_schedule_format(char *buf, size_t len, const struct sim_case *c,
			const struct sim_injection *inj, unsigned int n)
{
	int off = sim_snprintf(buf, len, "%s@", c->name);
	unsigned int i;

	for (i = 0; i < n && off < (int)len; i++)
		off += sim_snprintf(buf + off, len - off, "%s%u:%s",
				    i ? "," : "", inj[i].at,
				    sim_inject_name(inj[i].kind));
	return off;
}

/* Print the first lines of the oracle's report, not the whole trace. */
struct head_printer {
	struct sim_explore *x;
	unsigned int lines;
};

static void print_head(void *ctx, const char *line)
{
	struct head_printer *h = ctx;

	if (h->lines++ < 3)
		h->x->print(h->x->ctx, line);
}

static void print_none(void *ctx, const char *line)
{
}

/* @line, then the names of the invariants in @got, printed. */
static void print_invariants(struct sim_explore *x, char *line, size_t len,
			     unsigned int got)
{
	size_t used = strlen(line);

	line[used++] = ' ';
	sim_inv_names(got, line + used, len - used);
	x->print(x->ctx, line);
}

static void found(struct sim_explore *x, const struct sim_case *c,
		  const struct sim_injection *inj, unsigned int n,
		  unsigned int got)
{
	struct sim_case_opts opt = { .inject = inj, .nr_inject = n,
				     .faults = x->faults };
	struct head_printer h = { .x = x };
	char sched[160], line[320];
	const char *why;
	unsigned int again;

	x->findings++;
	x->violations |= got;
	if (x->findings > x->max_reports)
		return;
	sim_schedule_format(sched, sizeof(sched), c, inj, n);
	sim_snprintf(line, sizeof(line), "VIOLATION in %s:", sched);
	print_invariants(x, line, sizeof(line), got);
	sim_case_run_opts(c, &opt, print_head, &h, &why, &again);
	sim_snprintf(line, sizeof(line), "  replay: %s --replay '%s'%s%s",
		     x->replay_cmd ? x->replay_cmd : "kvm-x86-sim explore", sched,
		     x->fault_names ? " --faults " : "",
		     x->fault_names ? x->fault_names : "");
	x->print(x->ctx, line);
}

/* Run @c under one schedule; false once the budget is spent. */
static bool try(struct sim_explore *x, const struct sim_case *c,
		const struct sim_injection *inj, unsigned int n)
{
	struct sim_case_opts opt = { .inject = inj, .nr_inject = n,
				     .faults = x->faults, .quiet = true };
	unsigned int got = 0;
	const char *why;

	if (x->stop && x->stop(x->stop_ctx)) {
		x->out_of_budget = true;
		return false;
	}
	if (x->running)
		sim_schedule_format(x->running, x->running_len, c, inj, n);
	sim_case_run_opts(c, &opt, print_none, NULL, &why, &got);
	x->events += opt.events;
	if (n == 1)
		x->singles++;
	else
		x->pairs++;
	if (got)
		found(x, c, inj, n, got);
	return true;
}

static void explore_case(struct sim_explore *x, const struct sim_case *c)
{
	struct sim_case_opts base = { .faults = x->faults, .quiet = true };
	struct sim_injection inj[2];
	unsigned int a, b, k1, k2, nb, got = 0;
	const char *why;

	/* the case as written first: how many boundaries it passes */
	if (sim_case_run_opts(c, &base, print_none, NULL, &why, &got) ==
	    SIM_CASE_SKIP || got)
		return;	/* (a violation without injection is the case's) */
	x->cases++;
	x->events += base.events;
	nb = base.boundaries;
	x->boundaries += nb;
	for (a = 0; a < nb; a++) {
		for (k1 = 0; k1 < SIM_NR_INJECT_KINDS; k1++) {
			inj[0].at = a;
			inj[0].kind = k1;
			if (!try(x, c, inj, 1))
				return;
		}
	}
	for (a = 0; a < nb; a++) {
		for (b = a + 1; b < nb && b <= a + x->window; b++) {
			for (k1 = 0; k1 < SIM_NR_INTERRUPTIONS; k1++) {
				for (k2 = 0; k2 < SIM_NR_INTERRUPTIONS; k2++) {
					inj[0].at = a;
					inj[0].kind = k1;
					inj[1].at = b;
					inj[1].kind = k2;
					if (!try(x, c, inj, 2))
						return;
				}
			}
		}
	}
}

/* Is the @i-th case or program this worker's? */
static bool mine(const struct sim_explore *x, unsigned long i)
{
	return x->stride <= 1 || i % x->stride == x->offset;
}

void sim_explore_cases(struct sim_explore *x, const struct sim_case *cases,
		       unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n && !x->out_of_budget; i++) {
		const struct sim_scenario *s = cases[i].scenario;

		if (!mine(x, i))
			continue;
		if (sim_scenario_breaks(s))
			continue;
		if (s->long_run && !x->all) {
			x->not_explored++;
			continue;
		}
		if (x->wanted && !x->wanted(x->hook_ctx, -1, i))
			continue;
		if (x->begin)
			x->begin(x->hook_ctx);
		explore_case(x, &cases[i]);
		if (x->done)
			x->done(x->hook_ctx, -1, i);
	}
}

/* A generated program, with its injections if it passes without them. */
static void program_of(struct prog *p, u64 seed, unsigned long index,
		       enum sim_vendor vendor, unsigned int faults,
		       struct prog_result *r)
{
	prog_generate(p, seed, index, vendor, sim_case_kernel);
	prog_run(p, faults, false, NULL, NULL, r);
	if (r->violations)
		return;
	prog_add_injections(p, r->boundaries);
	if (p->nr_inject)
		prog_run(p, faults, false, NULL, NULL, r);
}

static void program_found(struct sim_explore *x, struct prog *p,
			  unsigned int got)
{
	char line[200];

	x->findings++;
	x->violations |= got;
	if (x->findings > x->max_reports)
		return;
	sim_snprintf(line, sizeof(line),
		     "VIOLATION in program %lu of seed %llu (%s, %u steps, %u injections):",
		     p->index, (unsigned long long)p->seed,
		     p->vendor == SIM_VMX ? "vmx" : "svm", p->nr_steps,
		     p->nr_inject);
	print_invariants(x, line, sizeof(line), got);
	prog_shrink(p, x->faults, got);
	sim_snprintf(line, sizeof(line),
		     "  shrunk to %u steps, %u injections; as a scenario:",
		     p->nr_steps, p->nr_inject);
	x->print(x->ctx, line);
	prog_print_c(p, x->print, x->ctx);
	sim_snprintf(line, sizeof(line),
		     "  replay: %s --seed %llu --program %lu --vendor %s%s%s",
		     x->replay_cmd ? x->replay_cmd : "kvm-x86-sim explore",
		     (unsigned long long)p->seed, p->index,
		     p->vendor == SIM_VMX ? "vmx" : "svm",
		     x->fault_names ? " --faults " : "",
		     x->fault_names ? x->fault_names : "");
	x->print(x->ctx, line);
}

const char *sim_explore_programs(struct sim_explore *x)
{
	const char *why = sim_kernel_lacks(sim_case_kernel, SIM_NEED_CET_MSRS);
	struct prog_result r;
	struct prog p;
	unsigned long i;
	int v;

	if (why)
		return why;
	for (v = SIM_VMX; v <= SIM_SVM; v++) {
		for (i = 0; i < x->programs; i++) {
			if (!mine(x, i))
				continue;
			if (x->wanted && !x->wanted(x->hook_ctx, v, i))
				continue;
			if (x->stop && x->stop(x->stop_ctx)) {
				x->out_of_budget = true;
				return NULL;
			}
			if (x->running)
				sim_snprintf(x->running, x->running_len,
					     "--seed %llu --program %lu --vendor %s",
					     (unsigned long long)x->seed, i,
					     v == SIM_VMX ? "vmx" : "svm");
			if (x->begin)
				x->begin(x->hook_ctx);
			program_of(&p, x->seed, i, v, x->faults, &r);
			if (x->done)
				x->done(x->hook_ctx, v, i);
			x->programs_run++;
			x->program_steps += p.nr_steps;
			x->events += r.events;
			if (r.violations)
				program_found(x, &p, r.violations);
		}
	}
	return NULL;
}

unsigned int sim_replay_program(struct sim_explore *x, u64 seed,
				unsigned long index, enum sim_vendor vendor)
{
	struct prog_result r;
	struct prog p;

	program_of(&p, seed, index, vendor, x->faults, &r);
	prog_run(&p, x->faults, true, x->print, x->ctx, &r);
	if (r.violations) {
		x->max_reports = 1;
		program_found(x, &p, r.violations);
	} else {
		prog_print_c(&p, x->print, x->ctx);
	}
	return r.violations;
}
