// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit runner for kvm_x86_sim: the scenarios of tests/scenarios/, run
 * against the slice of the very tree being built.  Two parameterised
 * cases: the scenarios on which every invariant must hold, and the ones
 * proving each invariant can fail (they pass when the oracle reports
 * exactly the expected violations).  One parameter per scenario x vendor x
 * guest CPUID, named like the cmocka cases.
 */
#include <kunit/test.h>

#include "scenario.h"

#define SIM_KUNIT_MAX_CASES	SIM_MAX_CASES

static struct sim_case sim_kunit_cases[SIM_KUNIT_MAX_CASES];
static unsigned int sim_kunit_nr_cases;

static int sim_kunit_suite_init(struct kunit_suite *suite)
{
	unsigned int i, n = 0, impossible = 0;

	for (i = 0; i < sim_nr_scenarios; i++)
		n += sim_cases_of(&sim_scenarios[i],
				  sim_kunit_cases + min(n, SIM_KUNIT_MAX_CASES),
				  n < SIM_KUNIT_MAX_CASES ? SIM_KUNIT_MAX_CASES - n : 0,
				  &impossible);
	if (n > SIM_KUNIT_MAX_CASES) {
		pr_err("kvm_x86_sim: harness limit: %u cases, room for %u (SIM_MAX_CASES)\n",
		       n, SIM_KUNIT_MAX_CASES);
		return -E2BIG;
	}
	sim_kunit_nr_cases = n;
	pr_info("kvm_x86_sim: %u cases; %u configurations KVM cannot build are not run (IBT on SVM, CET on a host without it)\n",
		n, impossible);
	return 0;
}

/* The next case after @prev whose kind (holds/breaks) is @breaks. */
static const void *next_case(const void *prev, char *desc, bool breaks)
{
	const struct sim_case *c = prev ? (const struct sim_case *)prev + 1 :
					  sim_kunit_cases;

	for (; c < sim_kunit_cases + sim_kunit_nr_cases; c++) {
		if (sim_scenario_breaks(c->scenario) == breaks) {
			strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
			return c;
		}
	}
	return NULL;
}

/* generate_params gained a struct kunit argument with param_init (6.18). */
#ifdef KUNIT_CASE_PARAM_WITH_INIT
#define SIM_GEN_ARGS struct kunit *test, const void *prev, char *desc
#else
#define SIM_GEN_ARGS const void *prev, char *desc
#endif

static const void *holds_gen(SIM_GEN_ARGS)
{
	return next_case(prev, desc, false);
}

static const void *breaks_gen(SIM_GEN_ARGS)
{
	return next_case(prev, desc, true);
}

/*
 * A case's report (the oracle's findings, their traces) is kept and
 * printed only if the case fails: the breaks_* cases that pass report
 * their expected violations at length, and that much console output at
 * once outruns UML's console, so kunit.py would read a cut KTAP.
 */
static char report[64 * 1024];
static size_t report_len;

static void keep_line(void *ctx, const char *line)
{
	size_t n = strlen(line);

	if (report_len + n + 2 > sizeof(report))
		return;
	memcpy(report + report_len, line, n);
	report[report_len + n] = '\n';
	report_len += n + 1;
	report[report_len] = '\0';
}

static void print_report(struct kunit *test)
{
	char *line = report, *nl;

	while ((nl = strchr(line, '\n'))) {
		*nl = '\0';
		kunit_info(test, "%s\n", line);
		line = nl + 1;
	}
}

static void run_one(struct kunit *test)
{
	const struct sim_case *c = test->param_value;
	const char *why = NULL;
	enum sim_case_result r;

	report_len = 0;
	report[0] = '\0';
	r = sim_case_run(c, keep_line, test, &why, NULL);
	if (r != SIM_CASE_PASS && r != SIM_CASE_SKIP)
		print_report(test);
	if (r == SIM_CASE_SKIP)
		kunit_skip(test, "%s", why);
	KUNIT_EXPECT_EQ_MSG(test, r, SIM_CASE_PASS,
			    "%s: invariant verdict differs (report above)",
			    c->name);
}

static void kvm_x86_sim_holds(struct kunit *test)
{
	run_one(test);
}

static void kvm_x86_sim_breaks(struct kunit *test)
{
	run_one(test);
}

static struct kunit_case kvm_x86_sim_test_cases[] = {
	KUNIT_CASE_PARAM(kvm_x86_sim_holds, holds_gen),
	KUNIT_CASE_PARAM(kvm_x86_sim_breaks, breaks_gen),
	{}
};

static struct kunit_suite kvm_x86_sim_test_suite = {
	.name = "kvm_x86_sim",
	.suite_init = sim_kunit_suite_init,
	.test_cases = kvm_x86_sim_test_cases,
};
kunit_test_suite(kvm_x86_sim_test_suite);

MODULE_DESCRIPTION("kvm_x86_sim: KVM x86 MSR/xstate invariants on a simulated CPU");
MODULE_LICENSE("GPL");
