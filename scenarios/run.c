// SPDX-License-Identifier: GPL-2.0
/*
 * The runner-independent half of every runner: expanding a scenario into
 * its cases and judging one case against the oracle's verdict.
 */
#include "scenario.h"

static const char *const combo_name[SIM_NR_COMBOS] = {
	[SIM_COMBO_NONE] = "none",
	[SIM_COMBO_IBT] = "ibt",
	[SIM_COMBO_SHSTK] = "shstk",
	[SIM_COMBO_BOTH] = "shstk+ibt",
};

bool sim_case_trace;
unsigned int sim_case_faults;
const struct sim_kernel *sim_case_kernel = &sim_tree_kernel;

unsigned int sim_combo_cpuid(enum sim_cpuid_combo combo)
{
	static const unsigned int cpuid[SIM_NR_COMBOS] = {
		[SIM_COMBO_NONE] = SIM_CPUID_BASE,
		[SIM_COMBO_IBT] = SIM_CPUID_BASE | SIM_CPUID_IBT,
		[SIM_COMBO_SHSTK] = SIM_CPUID_BASE | SIM_CPUID_SHSTK,
		[SIM_COMBO_BOTH] = SIM_CPUID_BASE | SIM_CPUID_SHSTK |
				   SIM_CPUID_IBT,
	};

	return cpuid[combo];
}

static const char *const host_name[SIM_NR_HOSTS] = {
	[SIM_HOST_CET] = "",
	[SIM_HOST_NO_CET] = "/no-cet-host",
	[SIM_HOST_LA57] = "/la57-host",
	[SIM_HOST_CET_OFF] = "/cet-off-host",
	[SIM_HOST_NO_TDP] = "/no-tdp-host",
	[SIM_HOST_AMX] = "/amx-host",
};

unsigned int sim_cases_of(const struct sim_scenario *s, struct sim_case *cases,
			  unsigned int max, unsigned int *impossible)
{
	unsigned int hosts = s->hosts ? s->hosts : 1u << SIM_HOST_CET;
	unsigned int n = 0, h, v, c, cet = SIM_CPUID_SHSTK | SIM_CPUID_IBT;

	for (h = 0; h < SIM_NR_HOSTS; h++) {
		if (!(hosts & (1u << h)))
			continue;
		for (v = SIM_VMX; v <= SIM_SVM; v++) {
			if (s->vendors && !(s->vendors & (1u << v)))
				continue;
			for (c = 0; c < SIM_NR_COMBOS; c++) {
				struct sim_case *k = &cases[n];
				unsigned int caps = sim_host_kvm_caps(h, v);

				if (!(s->combos & (1u << c)))
					continue;
				if (sim_combo_cpuid(c) & cet & ~caps) {
					if (impossible)
						(*impossible)++;
					continue;
				}
				if (n >= max) {
					n++;	/* no room: counted, not stored */
					continue;
				}
				k->scenario = s;
				k->vendor = v;
				k->host = h;
				k->combo = c;
				sim_snprintf(k->name, sizeof(k->name),
					     "%s/%s/%s%s", s->name,
					     v == SIM_VMX ? "vmx" : "svm",
					     s->no_cpuid ? "no-cpuid" :
					     s->host_cpuid ? "kvm-cpuid" :
							     combo_name[c],
					     host_name[h]);
				n++;
			}
		}
	}
	return n;
}

void sim_inv_names(unsigned int mask, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < SIM_NR_INVS && off < len; i++)
		if (mask & SIM_INV_BIT(i))
			off += sim_snprintf(buf + off, len - off, "%s%s",
					    off ? ", " : "", sim_inv_name(i));
	if (!off)
		sim_snprintf(buf, len, "none");
}

enum sim_case_result sim_case_run(const struct sim_case *c, sim_printer print,
				  void *ctx, const char **why,
				  unsigned int *violations)
{
	return sim_case_run_opts(c, NULL, print, ctx, why, violations);
}

enum sim_case_result sim_case_run_opts(const struct sim_case *c,
				       struct sim_case_opts *opt,
				       sim_printer print, void *ctx,
				       const char **why,
				       unsigned int *violations)
{
	const struct sim_scenario *s = c->scenario;
	unsigned int cpuid = sim_combo_cpuid(c->combo), got;
	struct sim_vcpu *vcpu;
	struct oracle *oracle;
	struct sim *sim;
	char want_s[160], got_s[160], line[512];

	/* nested: the case's vendor's code */
	*why = sim_kernel_lacks(sim_case_kernel, s->needs &
				~(c->vendor == SIM_SVM ?
				  SIM_NEED_NESTED_VMX | SIM_NEED_NESTED_STATE_VMX :
				  SIM_NEED_NESTED_SVM | SIM_NEED_NESTED_STATE_SVM));
	if (*why)
		return SIM_CASE_SKIP;
	sim = sim_create(c->vendor, sim_case_kernel);
	oracle = sim ? oracle_attach(sim) : NULL;
	if (!oracle || (sim_case_trace &&
			!sim_attach_trace_printer(sim, print, ctx))) {
		sim_destroy(sim);
		*why = "out of memory";
		return SIM_CASE_FAIL;
	}
	sim_set_faults(sim, s->faults | (opt ? opt->faults : sim_case_faults));
	if (opt)
		sim_set_schedule(sim, opt->inject, opt->nr_inject);
	sim_set_host(sim, c->host);
	if (s->host_cpuid)
		cpuid = sim_kvm_caps(sim);
	vcpu = sim_vcpu_create(sim);
	if (vcpu && !s->no_cpuid)
		sim_set_cpuid(vcpu, cpuid);
	if (vcpu)
		s->run(vcpu, cpuid);
	got = oracle_violations(oracle);
	if (violations)
		*violations = got;
	if (opt) {
		opt->boundaries = sim_boundaries(sim);
		opt->fired = sim_injections_fired(sim);
		opt->events = sim_nr_events(sim);
	}
	if ((got != s->expect || s->expect) && !(opt && opt->quiet)) {
		sim_inv_names(s->expect, want_s, sizeof(want_s));
		sim_inv_names(got, got_s, sizeof(got_s));
		sim_snprintf(line, sizeof(line),
			     "%s: expected violations: %s; oracle reports: %s",
			     c->name, want_s, got_s);
		print(ctx, line);
		oracle_report(oracle, print, ctx);
	}
	if (s->expect && got != s->expect && s->faults && vcpu &&
	    !(sim_faults_reached(sim) & s->faults)) {
		/*
		 * A proof of the harness, not a verdict on the tree: the
		 * tree's code never reached the primitive it breaks.
		 */
		sim_destroy(sim);
		*why = "proof of the harness not made: the tree's code never reached the simulated primitive this case breaks";
		return SIM_CASE_SKIP;
	}
	sim_destroy(sim);
	*why = NULL;
	return got == s->expect && vcpu ? SIM_CASE_PASS : SIM_CASE_FAIL;
}
