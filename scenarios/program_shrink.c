// SPDX-License-Identifier: GPL-2.0
/*
 * A failing program made small (delta debugging, one piece at a time:
 * steps, batch entries and guest operations, injections, vCPUs) and
 * printed as a scenario a developer can paste into scenarios/table.c.
 */
#include "program.h"

static bool still_fails(const struct prog *p, unsigned int faults,
			unsigned int bit)
{
	struct prog_result r;

	prog_run(p, faults, false, NULL, NULL, &r);
	return r.violations != ~0u && (r.violations & bit);
}

/*
 * Does @q (a smaller @p) still fail?  A smaller program passes fewer
 * boundaries, so its injections are also tried shifted together by up to
 * SHIFT boundaries either way: the same interruption, renumbered.
 */
#define SHIFT 32
static bool smaller_fails(struct prog *p, struct prog *q, unsigned int faults,
			  unsigned int bit)
{
	struct prog r;
	unsigned int i;
	int d;

	if (still_fails(q, faults, bit))
		goto take;
	if (!q->nr_inject)
		return false;
	for (d = -SHIFT; d <= SHIFT; d++) {
		r = *q;
		for (i = 0; i < r.nr_inject; i++) {
			if (d < 0 && r.inject[i].at < (unsigned int)-d)
				break;
			r.inject[i].at += d;
		}
		if (i < r.nr_inject || !d || !still_fails(&r, faults, bit))
			continue;
		*q = r;
		goto take;
	}
	return false;
take:
	*p = *q;
	return true;
}

static bool drop_step(struct prog *p, unsigned int i, unsigned int faults,
		      unsigned int bit)
{
	struct prog q = *p;

	memmove(&q.steps[i], &q.steps[i + 1],
		(q.nr_steps - i - 1) * sizeof(q.steps[0]));
	q.nr_steps--;
	return smaller_fails(p, &q, faults, bit);
}

static bool drop_entry(struct prog *p, unsigned int i, unsigned int j,
		       unsigned int faults, unsigned int bit)
{
	struct prog q = *p;
	struct prog_step *st = &q.steps[i];

	if (st->n <= 1)
		return false;
	memmove(&st->e[j], &st->e[j + 1], (st->n - j - 1) * sizeof(st->e[0]));
	memmove(&st->g[j], &st->g[j + 1], (st->n - j - 1) * sizeof(st->g[0]));
	memmove(&st->v12[j], &st->v12[j + 1],
		(st->n - j - 1) * sizeof(st->v12[0]));
	st->n--;
	return smaller_fails(p, &q, faults, bit);
}

static bool drop_injection(struct prog *p, unsigned int i,
			   unsigned int faults, unsigned int bit)
{
	struct prog q = *p;

	memmove(&q.inject[i], &q.inject[i + 1],
		(q.nr_inject - i - 1) * sizeof(q.inject[0]));
	q.nr_inject--;
	if (!still_fails(&q, faults, bit))
		return false;
	*p = q;
	return true;
}

static bool vcpu_used(const struct prog *p, unsigned int v)
{
	unsigned int i;

	for (i = 0; i < p->nr_steps; i++)
		if (p->steps[i].vcpu == v ||
		    (p->steps[i].op == PROG_NESTED_STATE &&
		     p->steps[i].dst == v))
			return true;
	return false;
}

/* The last vCPU, if no step uses it. */
static bool drop_vcpu(struct prog *p, unsigned int faults, unsigned int bit)
{
	struct prog q = *p;

	if (q.nr_vcpus <= 1 || vcpu_used(p, q.nr_vcpus - 1))
		return false;
	q.nr_vcpus--;
	if (!still_fails(&q, faults, bit))
		return false;
	*p = q;
	return true;
}

void prog_shrink(struct prog *p, unsigned int faults, unsigned int mask)
{
	unsigned int bit = mask & -mask, i, j;
	bool changed = true;

	while (changed) {
		changed = false;
		for (i = p->nr_steps; i-- > 0; )
			changed |= drop_step(p, i, faults, bit);
		for (i = 0; i < p->nr_steps; i++)
			for (j = p->steps[i].n; j-- > 0; )
				changed |= drop_entry(p, i, j, faults, bit);
		for (i = p->nr_inject; i-- > 0; )
			changed |= drop_injection(p, i, faults, bit);
		changed |= drop_vcpu(p, faults, bit);
	}
}

/* a guest op's .xreg as the scenario writes it */
static const char *xreg_name(unsigned int xreg)
{
	static const char *const name[] = {
		[SIM_GUEST_XSETBV] = "SIM_GUEST_XSETBV",
		[SIM_GUEST_WRPKRU] = "SIM_GUEST_WRPKRU",
		[SIM_GUEST_RDPKRU] = "SIM_GUEST_RDPKRU",
		[SIM_GUEST_SET_CR4_PKE] = "SIM_GUEST_SET_CR4_PKE",
		[SIM_GUEST_CPUID_0XD] = "SIM_GUEST_CPUID_0XD",
		[SIM_GUEST_TILE] = "SIM_GUEST_TILE",
	};

	return xreg < ARRAY_SIZE(name) && name[xreg] ? name[xreg] : "0";
}

static const char *msr_name(u32 msr)
{
	static const struct {
		u32 msr;
		const char *name;
	} names[] = {
		{ SIM_MSR_U_CET, "SIM_MSR_U_CET" },
		{ SIM_MSR_S_CET, "SIM_MSR_S_CET" },
		{ SIM_MSR_PL0_SSP, "SIM_MSR_PL0_SSP" },
		{ SIM_MSR_PL1_SSP, "SIM_MSR_PL1_SSP" },
		{ SIM_MSR_PL2_SSP, "SIM_MSR_PL2_SSP" },
		{ SIM_MSR_PL3_SSP, "SIM_MSR_PL3_SSP" },
		{ SIM_MSR_INT_SSP_TAB, "SIM_MSR_INT_SSP_TAB" },
		{ SIM_MSR_XSS, "SIM_MSR_XSS" },
		{ SIM_MSR_XFD, "SIM_MSR_XFD" },
		{ SIM_MSR_XFD_ERR, "SIM_MSR_XFD_ERR" },
		{ SIM_MSR_AMD64_NB_CFG, "SIM_MSR_AMD64_NB_CFG" },
		{ SIM_MSR_KVM_INTERNAL_GUEST_SSP, "SIM_MSR_KVM_INTERNAL_GUEST_SSP" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].msr == msr)
			return names[i].name;
	return "UNKNOWN_MSR";
}

struct out {
	sim_printer print;
	void *ctx;
};

static void say(struct out *o, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	sim_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o->print(o->ctx, line);
}

static void print_vmcs12(struct out *o, const struct sim_vmcs12 *v,
			 unsigned int i, unsigned int j)
{
	say(o, "\tstruct sim_vmcs12 n%u_%u = {", i, j);
	say(o, "\t\t.entry_ctls = %#x, .exit_ctls = %#x,", v->entry_ctls,
	    v->exit_ctls);
	say(o, "\t\t.guest_s_cet = %#llxull, .guest_ssp = %#llxull, .guest_isst = %#llxull,",
	    (unsigned long long)v->guest_s_cet,
	    (unsigned long long)v->guest_ssp,
	    (unsigned long long)v->guest_isst);
	say(o, "\t\t.host_s_cet = %#llxull, .host_ssp = %#llxull, .host_isst = %#llxull,",
	    (unsigned long long)v->host_s_cet,
	    (unsigned long long)v->host_ssp,
	    (unsigned long long)v->host_isst);
	say(o, "\t\t.vmcb12 = %u, .clean = %s,", v->vmcb12,
	    v->clean ? "true" : "false");
	say(o, "\t};");
}

static void print_arrays(struct out *o, const struct prog_step *st,
			 unsigned int i)
{
	unsigned int j, used = 0;

	if (st->op == PROG_RUN) {
		/* every vmcs12 a nested op names (a lone VM-exit's too) */
		for (j = 0; j < st->n; j++)
			if (st->g[j].nested)
				used |= 1u << prog_vmcs12_of(st, j);
		for (j = 0; j < st->n; j++)
			if (used & (1u << j))
				print_vmcs12(o, &st->v12[j], i, j);
		say(o, "\tstruct sim_guest_op g%u[] = {", i);
		for (j = 0; j < st->n; j++) {
			const struct sim_guest_op *g = &st->g[j];

			if (g->init)
				say(o, "\t\t{ .init = true },");
			else if (g->xreg)
				say(o, "\t\t{ .xreg = %s, .msr = %u, .data = %#llxull },",
				    xreg_name(g->xreg), g->msr,
				    (unsigned long long)g->data);
			else if (g->smm == SIM_SMM_SMI)
				say(o, "\t\t{ .smm = SIM_SMM_SMI },");
			else if (g->smm)
				say(o, "\t\t{ .smm = SIM_SMM_RSM, .data = %#llxull },",
				    (unsigned long long)g->data);
			else if (g->nested)
				say(o, "\t\t{ .nested = %s, .vmcs12 = &n%u_%u },",
				    g->nested == SIM_NESTED_VMLAUNCH ?
				    "SIM_NESTED_VMLAUNCH" : "SIM_NESTED_VMEXIT",
				    i, prog_vmcs12_of(st, j));
			else if (g->write)
				say(o, "\t\tWR(%s, %#llxull),", msr_name(g->msr),
				    (unsigned long long)g->data);
			else
				say(o, "\t\tRD(%s),", msr_name(g->msr));
		}
		say(o, "\t};");
	} else if (st->op == PROG_NESTED_STATE) {
		print_vmcs12(o, &st->v12[0], i, 0);
	} else if (st->op == PROG_SET_MSRS || st->op == PROG_GET_MSRS ||
		   st->op == PROG_DEV_GET_MSRS) {
		say(o, "\tstruct sim_msr_entry e%u[] = {", i);
		for (j = 0; j < st->n; j++)
			say(o, "\t\t{ %s, 0, %#llxull },",
			    msr_name(st->e[j].index),
			    (unsigned long long)st->e[j].data);
		say(o, "\t};");
	}
}

static void print_call(struct out *o, const struct prog_step *st,
		       unsigned int i)
{
	unsigned int v = st->vcpu;

	if (st->id_xor) {
		say(o, "\tsim_one_reg_bad_id(v%u, %s, %s, %#llxull, &val);", v,
		    st->op == PROG_SET_ONE_REG ? "true" : "false",
		    msr_name(st->e[0].index), (unsigned long long)st->id_xor);
		return;
	}
	if (st->big) {
		say(o, "\tfor (k = 0; k < %u; k++)", st->big);
		say(o, "\t\tbig[k] = e%u[k %% %u];", i, st->n);
		if (st->op == PROG_DEV_GET_MSRS)
			say(o, "\tsim_dev_get_msrs(sim, big, %u);", st->big);
		else
			say(o, "\tsim_%s_msrs(v%u, big, %u);",
			    st->op == PROG_SET_MSRS ? "set" : "get", v, st->big);
		return;
	}
	switch (st->op) {
	case PROG_SET_CPUID:
		say(o, "\tsim_set_cpuid(v%u, %#x);", v, st->cpuid);
		break;
	case PROG_SET_MSRS:
		say(o, "\tsim_set_msrs(v%u, e%u, %u);", v, i, st->n);
		break;
	case PROG_GET_MSRS:
		say(o, "\tsim_get_msrs(v%u, e%u, %u);", v, i, st->n);
		break;
	case PROG_SET_ONE_REG:
		say(o, "\tsim_set_one_reg(v%u, %s, %#llxull);", v,
		    msr_name(st->e[0].index),
		    (unsigned long long)st->e[0].data);
		break;
	case PROG_GET_ONE_REG:
		say(o, "\tsim_get_one_reg(v%u, %s, &val);", v,
		    msr_name(st->e[0].index));
		break;
	case PROG_DEV_GET_MSRS:
		say(o, "\tsim_dev_get_msrs(sim, e%u, %u);", i, st->n);
		break;
	case PROG_REG_LIST:
		say(o, "\troom = %llu;", (unsigned long long)st->reg_room);
		say(o, "\tsim_get_reg_list(v%u, &room, regs);", v);
		break;
	case PROG_RUN:
		say(o, "\tsim_run_guest(v%u, g%u, %u);", v, i, st->n);
		break;
	case PROG_GET_XSAVE:
		say(o, "\tsim_get_xsave(v%u, xsave, sim_xsave2_size(v%u));", v, v);
		break;
	case PROG_SET_XSAVE:
		say(o, "\tsim_get_xsave(v%u, xsave, sim_xsave2_size(v%u));", v, v);
		say(o, "\tscn_xsave_spoil(xsave, %u);", st->spoil);
		say(o, "\tsim_set_xsave(v%u, xsave);", v);
		break;
	case PROG_NESTED_STATE:
		say(o, "\tscn_nested_state_step(v%u, v%u, n%u_0, %u);", v,
		    st->dst, i, st->how);
		break;
	}
}

static bool uses(const struct prog *p, enum prog_op op)
{
	unsigned int i;

	for (i = 0; i < p->nr_steps; i++)
		if (p->steps[i].op == op)
			return true;
	return false;
}

/* Does a guest of @p enter SMM (@nested: L2)? */
static bool guest_does(const struct prog *p, bool nested)
{
	unsigned int i, j;

	for (i = 0; i < p->nr_steps; i++)
		for (j = 0; p->steps[i].op == PROG_RUN && j < p->steps[i].n; j++)
			if (nested ? p->steps[i].g[j].nested :
				     p->steps[i].g[j].smm)
				return true;
	return false;
}

static bool has_bad_id(const struct prog_step *st)
{
	return st->id_xor;
}

static bool is_big(const struct prog_step *st)
{
	return st->big;
}

static bool any(const struct prog *p, bool (*pred)(const struct prog_step *))
{
	unsigned int i;

	for (i = 0; i < p->nr_steps; i++)
		if (pred(&p->steps[i]))
			return true;
	return false;
}

void prog_print_c(const struct prog *p, sim_printer print, void *ctx)
{
	static const char *const hosts[SIM_NR_HOSTS] = {
		"SIM_HOST_CET", "SIM_HOST_NO_CET", "SIM_HOST_LA57",
		"SIM_HOST_CET_OFF", "SIM_HOST_NO_TDP", "SIM_HOST_AMX",
	};
	struct out o = { print, ctx };
	unsigned int i;

	say(&o, "/* scenarios/table.c (runs on both vendors; found on %s): */",
	    p->vendor == SIM_VMX ? "VMX" : "SVM");
	say(&o, "\t{ .name = \"found_%llu_%lu\", .summary = \"generated\", .needs = SIM_NEED_CET_MSRS%s%s%s%s,",
	    (unsigned long long)p->seed, p->index,
	    uses(p, PROG_GET_XSAVE) || uses(p, PROG_SET_XSAVE) ?
	    " | SIM_NEED_XSAVE" : "",
	    guest_does(p, false) ? " | SIM_NEED_SMM_SSP" : "",
	    guest_does(p, true) || uses(p, PROG_NESTED_STATE) ?
	    " | SIM_NEED_NESTED" : "",
	    uses(p, PROG_NESTED_STATE) ?
	    " | SIM_NEED_ONE_REG | SIM_NEED_NESTED_STATE" :
	    guest_does(p, true) && guest_does(p, false) ?	/* SMI in L2 */
	    " | SIM_NEED_NESTED_STATE" : "");
	say(&o, "\t  .combos = ONE(NONE), .no_cpuid = true, .hosts = 1u << %s,",
	    hosts[p->host]);
	say(&o, "\t  .run = scn_found_%llu_%lu },", (unsigned long long)p->seed,
	    p->index);
	say(&o, "/* kvm-x86-sim explore --seed %llu --program %lu */",
	    (unsigned long long)p->seed, p->index);
	say(&o, "void scn_found_%llu_%lu(struct sim_vcpu *v0, unsigned int cpuid)",
	    (unsigned long long)p->seed, p->index);
	say(&o, "{");
	if (p->nr_vcpus > 1 || p->nr_inject || p->ignore_msrs ||
	    uses(p, PROG_DEV_GET_MSRS))	/* (what needs the machine) */
		say(&o, "\tstruct sim *sim = sim_vcpu_sim(v0);");
	for (i = 1; i < p->nr_vcpus; i++)
		say(&o, "\tstruct sim_vcpu *v%u = sim_vcpu_create(sim);", i);
	if (p->nr_inject) {
		say(&o, "\tstruct sim_injection inj[] = {");
		for (i = 0; i < p->nr_inject; i++)
			say(&o, "\t\t{ %u, %u },\t/* %s */", p->inject[i].at,
			    p->inject[i].kind,
			    sim_inject_name(p->inject[i].kind));
		say(&o, "\t};");
	}
	if (uses(p, PROG_GET_ONE_REG) || any(p, has_bad_id))
		say(&o, "\tu64 val;");
	if (any(p, is_big)) {
		say(&o, "\tstatic struct sim_msr_entry big[%u];", PROG_BIG_BATCH);
		say(&o, "\tunsigned int k;");
	}
	if (uses(p, PROG_REG_LIST))
		say(&o, "\tu64 room, regs[64];");
	if (uses(p, PROG_GET_XSAVE) || uses(p, PROG_SET_XSAVE))
		say(&o, "\tstatic u8 xsave[SIM_XSAVE_MAX_SIZE];");
	for (i = 0; i < p->nr_steps; i++)
		print_arrays(&o, &p->steps[i], i);
	say(&o, "");
	for (i = 1; i < p->nr_vcpus; i++)
		if (!vcpu_used(p, i))
			say(&o, "\t(void)v%u;\t/* idle: it moves the boundaries */",
			    i);
	if (p->ignore_msrs)
		say(&o, "\tsim_set_ignore_msrs(sim, true);");
	if (p->nr_inject)
		say(&o, "\tsim_set_schedule(sim, inj, %u);", p->nr_inject);
	for (i = 0; i < p->nr_steps; i++)
		print_call(&o, &p->steps[i], i);
	say(&o, "}");
}
