// SPDX-License-Identifier: GPL-2.0
/*
 * Generating and running VMM programs (program.h).  The generator follows
 * KVM's rules for a VMM, not the code under test: KVM_SET_CPUID2 once per
 * vCPU before its first KVM_RUN (after it, now and then, the same CPUID
 * again or another, which KVM must refuse: the vCPU keeps the first), CPUID
 * within what KVM supports on the host.  Everything else (values, MSRs,
 * orders, vCPUs) is free.
 */
#include "program.h"
#include "values.h"

/* splitmix64: one seed, independent streams per program */
static u64 next(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned int below(u64 *s, unsigned int n)
{
	return n ? next(s) % n : 0;
}

/* One of the CET family's MSRs (layout.h's rows) */
static u32 pick_cet(u64 *s)
{
	u32 cet[SIM_NR_SLOTS];
	unsigned int n = sim_family_msrs(SIM_FAMILY_CET, cet, ARRAY_SIZE(cet));

	return cet[below(s, n)];
}

/*
 * An MSR for a batch: mostly CET, sometimes XSS or one KVM knows not;
 * on the AMX host (@xfd) the XFD family's a quarter of the time (a draw
 * only there, so that other hosts' programs stay as they were).
 */
static u32 pick_msr(u64 *s, bool guest, bool xfd)
{
	unsigned int r;

	if (xfd && !below(s, 4))
		return below(s, 2) ? SIM_MSR_XFD : SIM_MSR_XFD_ERR;
	r = below(s, 16);

	if (r < 11)
		return pick_cet(s);
	if (r < 13)
		return SIM_MSR_XSS;
	if (r < 14)
		return SIM_MSR_AMD64_NB_CFG;
	if (r < 15 && guest)
		return SIM_MSR_KVM_INTERNAL_GUEST_SSP;
	return UNKNOWN_MSR;
}

static u64 pick_value(u64 *s, u32 msr, unsigned int cpuid)
{
	static const u64 xss[] = {
		0, SIM_XFEATURE_MASK_CET_USER, SIM_XFEATURE_MASK_CET_KERNEL,
		SIM_XFEATURE_MASK_CET_ALL, 1ull << 8, 1ull << 0,
	};
	static const u64 xfd[] = {
		0, SIM_XFEATURE_MASK_XTILE_DATA, SIM_XFEATURE_MASK_XTILE_CFG,
		SIM_XFEATURE_MASK_XTILE, SIM_XFEATURE_MASK_YMM, 1ull << 63,
	};
	u64 v[SIM_MAX_EDGE_VALUES];
	unsigned int r = below(s, 10);

	if (msr == SIM_MSR_XSS)
		return xss[below(s, ARRAY_SIZE(xss))];
	if (sim_is_xfd_msr(msr))
		return xfd[r % ARRAY_SIZE(xfd)];
	if (r < 2)
		return 0;
	if (r < 4)
		return msr == SIM_MSR_U_CET || msr == SIM_MSR_S_CET ?
		       guest_cet2(cpuid) : GUEST_SSP(below(s, 16));
	if (msr == SIM_MSR_AMD64_NB_CFG || msr == UNKNOWN_MSR)
		return next(s) & 0xff;
	return v[below(s, sim_edge_values(msr, cpuid, v))];
}

/* CPUID within what KVM supports here; long mode most of the time. */
static unsigned int pick_cpuid(u64 *s, unsigned int caps)
{
	unsigned int c = (below(s, 8) ? SIM_CPUID_LM : 0) |
			 (below(s, 8) ? SIM_CPUID_XSAVES : 0) |
			 (below(s, 2) ? SIM_CPUID_SHSTK : 0) |
			 (below(s, 2) ? SIM_CPUID_IBT : 0) |
			 (below(s, 2) ? SIM_CPUID_PKU : 0);

	/* XSAVE always (no draw); AMX where KVM offers it (a draw only there) */
	c |= SIM_CPUID_XSAVE;
	if ((caps & SIM_CPUID_AMX) && below(s, 4))
		c |= SIM_CPUID_AMX;

	return c & (caps | SIM_CPUID_BASE);
}

static enum prog_op pick_op(u64 *s, const struct sim_kernel *k)
{
	static const u8 weight[PROG_NR_OPS] = {
		[PROG_SET_MSRS] = 4, [PROG_GET_MSRS] = 3,
		[PROG_SET_ONE_REG] = 2, [PROG_GET_ONE_REG] = 2,
		[PROG_DEV_GET_MSRS] = 1, [PROG_REG_LIST] = 1, [PROG_RUN] = 4,
		[PROG_GET_XSAVE] = 1, [PROG_SET_XSAVE] = 1,
		[PROG_NESTED_STATE] = 1,
	};
	bool nested = !sim_kernel_lacks(k, SIM_NEED_NESTED |
					   SIM_NEED_NESTED_STATE);
	bool one_reg = !sim_kernel_lacks(k, SIM_NEED_ONE_REG);
	bool dev = !sim_kernel_lacks(k, SIM_NEED_FEATURE_MSRS);
	bool xsave = !sim_kernel_lacks(k, SIM_NEED_XSAVE);
	unsigned int total = 0, r, op;

	for (op = 0; op < PROG_NR_OPS; op++)
		total += weight[op];
	for (;;) {
		r = below(s, total);
		for (op = 0; r >= weight[op]; op++)
			r -= weight[op];
		if ((op == PROG_SET_ONE_REG || op == PROG_GET_ONE_REG ||
		     op == PROG_REG_LIST) && !one_reg)
			continue;
		if (op == PROG_DEV_GET_MSRS && !dev)
			continue;
		if ((op == PROG_GET_XSAVE || op == PROG_SET_XSAVE) && !xsave)
			continue;
		if (op == PROG_NESTED_STATE && (!nested || !one_reg))
			continue;
		return op;
	}
}

static const u64 bad_ids[] = {
	SIM_ONE_REG_BAD_SIZE32, SIM_ONE_REG_BAD_SIZE128, SIM_ONE_REG_BAD_TYPE,
	SIM_ONE_REG_BAD_RSVD1, SIM_ONE_REG_BAD_RSVD2, SIM_ONE_REG_BAD_ARCH,
	SIM_ONE_REG_BAD_SIZE1024,
};

/* A vmcs12 (vmcb12 on SVM) for L1's VMLAUNCH: controls, CET state. */
static void gen_vmcs12(u64 *s, struct sim_vmcs12 *v12, unsigned int cpuid)
{
	v12->entry_ctls = below(s, 4) ? SIM_VM_ENTRY_LOAD_CET_STATE : 0;
	v12->exit_ctls = below(s, 4) ? SIM_VM_EXIT_LOAD_CET_STATE : 0;
	v12->guest_s_cet = pick_value(s, SIM_MSR_S_CET, cpuid);
	v12->guest_ssp = pick_value(s, SIM_MSR_PL0_SSP, cpuid);
	v12->guest_isst = pick_value(s, SIM_MSR_INT_SSP_TAB, cpuid);
	v12->host_s_cet = pick_value(s, SIM_MSR_S_CET, cpuid);
	v12->host_ssp = pick_value(s, SIM_MSR_PL0_SSP, cpuid);
	v12->host_isst = pick_value(s, SIM_MSR_INT_SSP_TAB, cpuid);
	v12->vmcb12 = below(s, 2);
	v12->clean = !below(s, 3);
}

/*
 * A guest op of the xfeatures family: an XSETBV of an XCR0 valid or not
 * (now and then of XCR1), CR4.PKE set, a WRPKRU (the host's value now
 * and then) or RDPKRU, a CPUID of leaf 0xD.
 */
static void gen_xreg(u64 *s, struct sim_guest_op *g)
{
	static const u64 xcr0[] = {
		SIM_XFEATURE_MASK_FP, SIM_XFEATURE_MASK_FPSSE, SIM_HOST_XCR0,
		SIM_XFEATURE_MASK_FPSSE | SIM_XFEATURE_MASK_YMM,
		SIM_XFEATURE_MASK_FPSSE | SIM_XFEATURE_MASK_PKRU,
		SIM_XFEATURE_MASK_FPSSE | SIM_XFEATURE_MASK_AVX512,
		SIM_XFEATURE_MASK_FPSSE | SIM_XFEATURE_MASK_BNDREGS,
		SIM_XFEATURE_MASK_FPSSE | SIM_XFEATURE_MASK_XTILE,
		SIM_XFEATURE_MASK_SSE, 0,
	};

	g->xreg = 1 + below(s, SIM_GUEST_CPUID_0XD);
	switch (g->xreg) {
	case SIM_GUEST_XSETBV:
		g->msr = !below(s, 8);
		g->data = xcr0[below(s, ARRAY_SIZE(xcr0))];
		break;
	case SIM_GUEST_WRPKRU:
		g->data = below(s, 4) ? next(s) & 0xfffffffc : SIM_HOST_PKRU;
		break;
	case SIM_GUEST_CPUID_0XD:
		g->msr = below(s, 3);
		break;
	default:
		break;
	}
}

/*
 * A guest op of the XFD family: a use of tile data, an XSETBV enabling
 * AMX's tiles, a WRMSR arming XFD for them.
 */
static void gen_tile(u64 *s, struct sim_guest_op *g)
{
	switch (below(s, 4)) {
	case 0:
	case 1:
		g->xreg = SIM_GUEST_TILE;
		break;
	case 2:
		g->xreg = SIM_GUEST_XSETBV;
		g->data = SIM_XFEATURE_MASK_FPSSE | SIM_XFEATURE_MASK_XTILE;
		break;
	default:
		g->write = true;
		g->msr = SIM_MSR_XFD;
		g->data = SIM_XFEATURE_MASK_XTILE_DATA;
	}
}

/* Three guest ops that end in the #NM of armed tiles, whatever came before */
static void gen_tile_nm(struct sim_guest_op *g)
{
	g[0].xreg = SIM_GUEST_XSETBV;
	g[0].data = SIM_XFEATURE_MASK_FPSSE | SIM_XFEATURE_MASK_XTILE;
	g[1].write = true;
	g[1].msr = SIM_MSR_XFD;
	g[1].data = SIM_XFEATURE_MASK_XTILE_DATA;
	g[2].xreg = SIM_GUEST_TILE;
}

/*
 * Guest op @i of a KVM_RUN as one of a pair, when the next op is free:
 * an SMI and its RSM (with an SSP the SMM handler may have changed), or
 * L1's VMLAUNCH and L2's VM-exit, sometimes with an SMI and its RSM
 * while L2 runs (on SVM for a 64-bit L1 only: KVM refuses the others).
 * Returns the ops used (0: none).
 */
static unsigned int gen_pair(u64 *s, struct prog_step *st, unsigned int i,
			     unsigned int cpuid, const struct sim_kernel *k,
			     enum sim_vendor vendor)
{
	struct sim_guest_op *g = &st->g[i];
	unsigned int r = below(s, 16);

	if (i + 1 >= st->n || r > 1)
		return 0;
	if (r && (vendor == SIM_VMX || has(cpuid, SIM_CPUID_LM)) &&
	    i + 3 < st->n && !below(s, 3) &&
	    !sim_kernel_lacks(k, SIM_NEED_NESTED | SIM_NEED_NESTED_STATE |
			      SIM_NEED_SMM_SSP)) {
		g[0].nested = SIM_NESTED_VMLAUNCH;
		g[1].smm = SIM_SMM_SMI;
		g[2].smm = SIM_SMM_RSM;
		g[2].data = pick_value(s, SIM_MSR_KVM_INTERNAL_GUEST_SSP, cpuid);
		g[3].nested = SIM_NESTED_VMEXIT;
		gen_vmcs12(s, &st->v12[i], cpuid);
		return 4;
	}
	if (!r && !sim_kernel_lacks(k, SIM_NEED_SMM_SSP)) {
		g[0].smm = SIM_SMM_SMI;
		g[1].smm = SIM_SMM_RSM;
		g[1].data = pick_value(s, SIM_MSR_KVM_INTERNAL_GUEST_SSP, cpuid);
		return 2;
	}
	if (r && !sim_kernel_lacks(k, SIM_NEED_NESTED)) {
		g[0].nested = SIM_NESTED_VMLAUNCH;
		g[1].nested = SIM_NESTED_VMEXIT;
		gen_vmcs12(s, &st->v12[i], cpuid);
		return 2;
	}
	return 0;
}

static void gen_step(u64 *s, struct prog_step *st, unsigned int cpuid,
		     const struct sim_kernel *k, enum sim_vendor vendor,
		     bool xfd)
{
	unsigned int i, pair = 0;

	st->n = 1 + below(s, PROG_MAX_ENTRIES);
	for (i = 0; i < st->n; i++) {
		struct sim_guest_op *g = &st->g[i];
		u32 msr;

		if (pair) {	/* the second of a pair */
			pair--;
			continue;
		}
		switch (st->op) {
		case PROG_RUN:
			pair = gen_pair(s, st, i, cpuid, k, vendor);
			if (pair) {
				pair--;
				break;
			}
			/*
			 * the AMX host's guest enables its tiles, arms XFD for
			 * them and uses them (its #NM) in a row now and then,
			 * else one of the three
			 */
			if (xfd && i + 2 < st->n && !below(s, 4)) {
				gen_tile_nm(g);
				pair = 2;
				break;
			}
			if (xfd && !below(s, 3)) {
				gen_tile(s, g);
				break;
			}
			if (!sim_kernel_lacks(k, SIM_NEED_XREGS) && !below(s, 5)) {
				gen_xreg(s, g);
				break;
			}
			g->init = !below(s, 12);
			g->write = below(s, 2);
			g->msr = pick_msr(s, true, xfd);
			g->data = g->write ? pick_value(s, g->msr, cpuid) : 0;
			break;
		case PROG_SET_ONE_REG:
		case PROG_GET_ONE_REG:
			st->n = 1;
			msr = below(s, 4) ? pick_cet(s) :
					    SIM_MSR_KVM_INTERNAL_GUEST_SSP;
			st->e[0].index = msr;
			st->e[0].data = pick_value(s, msr, cpuid);
			break;
		default:
			msr = st->op == PROG_DEV_GET_MSRS ? pick_cet(s) :
			      pick_msr(s, false, xfd);
			st->e[i].index = msr;
			st->e[i].data = st->op == PROG_SET_MSRS ?
					pick_value(s, msr, cpuid) : 0x5a5a5a5a;
		}
	}
	if (st->op == PROG_REG_LIST)
		st->reg_room = below(s, 3) ? 64 : below(s, 2);
	if (st->op == PROG_GET_XSAVE || st->op == PROG_SET_XSAVE)
		st->n = 1;
	if (st->op == PROG_SET_XSAVE)
		st->spoil = below(s, 2) ? 0 : below(s, SIM_NR_XSAVE_SPOILS);
	if (st->op == PROG_NESTED_STATE) {
		st->n = 1;
		st->how = below(s, 8);
		gen_vmcs12(s, &st->v12[0], cpuid);
	}
	if ((st->op == PROG_SET_ONE_REG || st->op == PROG_GET_ONE_REG) &&
	    !below(s, 6))
		st->id_xor = bad_ids[below(s, ARRAY_SIZE(bad_ids))];
	/* a KVM register x86 does not define (an MSR's neighbour may exist) */
	if (st->id_xor && st->e[0].index == SIM_MSR_KVM_INTERNAL_GUEST_SSP &&
	    below(s, 2))
		st->id_xor = SIM_ONE_REG_BAD_KVM_INDEX;
	if ((st->op == PROG_SET_MSRS || st->op == PROG_GET_MSRS ||
	     st->op == PROG_DEV_GET_MSRS) && !below(s, 40))
		st->big = SIM_MAX_IO_MSRS - 1 + below(s, 4);
}

void prog_generate(struct prog *p, u64 seed, unsigned long index,
		   enum sim_vendor vendor, const struct sim_kernel *k)
{
	u64 s = seed * 0x100000001b3ull + index;
	bool has_cpuid[PROG_MAX_VCPUS] = { 0 }, ran[PROG_MAX_VCPUS] = { 0 };
	unsigned int cpuid[PROG_MAX_VCPUS] = { 0 }, caps, n;

	memset(p, 0, sizeof(*p));
	p->seed = seed;
	p->index = index;
	p->vendor = vendor;
	p->host = below(&s, SIM_HOST_AMX);
	/*
	 * one CET-host program in eight runs on the AMX host instead (no
	 * draw: the other programs stay as they were)
	 */
	if (p->host == SIM_HOST_CET && index % 8 == 7)
		p->host = SIM_HOST_AMX;
	p->ignore_msrs = !below(&s, 8);
	p->nr_vcpus = 1 + below(&s, PROG_MAX_VCPUS);
	caps = sim_host_kvm_caps(p->host, vendor);
	n = 3 + below(&s, PROG_MAX_STEPS - 2);
	while (p->nr_steps < n) {
		struct prog_step *st = &p->steps[p->nr_steps++];
		unsigned int v = below(&s, p->nr_vcpus);

		st->vcpu = v;
		if (!has_cpuid[v] && !ran[v] && below(&s, 8)) {
			st->op = PROG_SET_CPUID;
			st->cpuid = cpuid[v] = pick_cpuid(&s, caps);
			has_cpuid[v] = true;
			continue;
		}
		if (ran[v] && !below(&s, 16)) {	/* cpuid[v] stays */
			st->op = PROG_SET_CPUID;
			st->cpuid = below(&s, 2) ? cpuid[v] : pick_cpuid(&s, caps);
			continue;
		}
		st->op = pick_op(&s, k);
		ran[v] |= st->op == PROG_RUN;
		gen_step(&s, st, cpuid[v], k, vendor,
			 p->host == SIM_HOST_AMX &&
			 !sim_kernel_lacks(k, SIM_NEED_XFD | SIM_NEED_XREGS));
		if (st->op == PROG_NESTED_STATE) {
			st->dst = below(&s, p->nr_vcpus);
			ran[v] = ran[st->dst] = true;
		}
	}
}

void prog_add_injections(struct prog *p, unsigned int boundaries)
{
	u64 s = p->seed * 0x9e3779b97f4a7c15ull + p->index;
	unsigned int i, n = below(&s, 3);

	if (!boundaries)
		return;
	for (i = 0; i < n; i++) {
		p->inject[i].at = below(&s, boundaries);
		p->inject[i].kind = below(&s, SIM_NR_INJECT_KINDS);
	}
	if (n == 2 && p->inject[1].at < p->inject[0].at) {
		struct sim_injection t = p->inject[0];

		p->inject[0] = p->inject[1];
		p->inject[1] = t;
	}
	p->nr_inject = n;
}

static void run_step(struct sim *sim, struct sim_vcpu **vcpus,
		     const struct prog_step *st)
{
	struct sim_vcpu *v = vcpus[st->vcpu];
	static struct sim_msr_entry e[PROG_BIG_BATCH];
	static u8 xsave[SIM_XSAVE_MAX_SIZE];
	struct sim_guest_op g[PROG_MAX_ENTRIES];
	struct sim_vmcs12 v12[PROG_MAX_ENTRIES];
	u64 val = st->e[0].data, regs[64], room = st->reg_room;
	unsigned int i, n = st->big ? st->big : st->n;

	for (i = 0; i < n; i++)
		e[i] = st->e[i % st->n];
	memcpy(g, st->g, sizeof(g));
	memcpy(v12, st->v12, sizeof(v12));
	for (i = 0; i < PROG_MAX_ENTRIES; i++)
		g[i].vmcs12 = g[i].nested ? &v12[prog_vmcs12_of(st, i)] : NULL;
	if (st->id_xor) {
		sim_one_reg_bad_id(v, st->op == PROG_SET_ONE_REG,
				   st->e[0].index, st->id_xor, &val);
		return;
	}
	switch (st->op) {
	case PROG_SET_CPUID:
		sim_set_cpuid(v, st->cpuid);
		break;
	case PROG_SET_MSRS:
		sim_set_msrs(v, e, n);
		break;
	case PROG_GET_MSRS:
		sim_get_msrs(v, e, n);
		break;
	case PROG_SET_ONE_REG:
		sim_set_one_reg(v, st->e[0].index, val);
		break;
	case PROG_GET_ONE_REG:
		sim_get_one_reg(v, st->e[0].index, &val);
		break;
	case PROG_DEV_GET_MSRS:
		sim_dev_get_msrs(sim, e, n);
		break;
	case PROG_REG_LIST:
		sim_get_reg_list(v, &room, regs);
		break;
	case PROG_RUN:
		sim_run_guest(v, g, st->n);
		break;
	case PROG_GET_XSAVE:
		sim_get_xsave(v, xsave, sim_xsave2_size(v));
		break;
	case PROG_SET_XSAVE:
		sim_get_xsave(v, xsave, sim_xsave2_size(v));
		scn_xsave_spoil(xsave, st->spoil);
		sim_set_xsave(v, xsave);
		break;
	case PROG_NESTED_STATE:
		scn_nested_state_step(v, vcpus[st->dst], v12[0], st->how);
		break;
	}
}

void prog_run(const struct prog *p, unsigned int faults, bool trace,
	      sim_printer print, void *ctx, struct prog_result *r)
{
	struct sim_vcpu *v[PROG_MAX_VCPUS];
	struct sim *sim = sim_create(p->vendor, sim_case_kernel);
	struct oracle *oracle = sim ? oracle_attach(sim) : NULL;
	unsigned int i;

	memset(r, 0, sizeof(*r));
	if (!oracle || (trace && !sim_attach_trace_printer(sim, print, ctx))) {
		sim_destroy(sim);
		r->violations = ~0u;
		return;
	}
	sim_set_faults(sim, faults);
	sim_set_host(sim, p->host);
	sim_set_ignore_msrs(sim, p->ignore_msrs);
	sim_set_schedule(sim, p->inject, p->nr_inject);
	for (i = 0; i < p->nr_vcpus; i++) {
		v[i] = sim_vcpu_create(sim);
		if (!v[i]) {
			sim_destroy(sim);
			r->violations = ~0u;
			return;
		}
	}
	for (i = 0; i < p->nr_steps; i++)
		run_step(sim, v, &p->steps[i]);
	r->violations = oracle_violations(oracle);
	r->boundaries = sim_boundaries(sim);
	r->events = sim_nr_events(sim);
	if (r->violations && print)
		oracle_report(oracle, print, ctx);
	sim_destroy(sim);
}
