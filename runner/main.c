// SPDX-License-Identifier: GPL-2.0
/*
 * The cmocka runner: one cmocka test per case (scenario x vendor x guest
 * CPUID) against the kernel tree this binary was built from.
 *
 *   kvm_x86_sim_tests_<tree> [--scenario NAME] [--expect INV]... [--list]
 *                            [--summary] [--trace]
 *   kvm_x86_sim_tests_<tree> --ktap [--scenario NAME] [--from K]
 *                            [--case-timeout S] [--memory-limit MIB]
 *                            [--trace-window N]
 *
 * --expect turns the run into a check that the tree is caught: it passes
 * when at least one case reports the first named invariant violated and
 * every violation reported is among the --expect'ed ones (the review's).
 * Exit: 0 all passed, 77 all skipped (ctest SKIP_RETURN_CODE), else the
 * number of failed cases.  CMOCKA_MESSAGE_OUTPUT=xml gives JUnit XML.
 * --summary prints one line per scenario instead (the main job's table);
 * --ktap prints every case as KTAP, the form validate reads (ktap.c);
 * --list prints the table: name, expected-violation mask, summary;
 * --trace prints every case's whole event trace; --trace-window N the
 * last N events before each violation (default 8; 0: all of them).
 * --mutants FROM TO runs mutants [FROM, TO) of a mutated slice against
 * every case (mutant.c); KVM_X86_SIM_MUTANT=ID activates one mutant in
 * any other mode (a survivor's exploration, a replay).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "scenario.h"
#include "ktap.h"
#include "explore.h"
#include "mutant.h"

#define MAX_CASES SIM_MAX_CASES

static struct sim_case cases[MAX_CASES];
static unsigned int nr_skipped, expect_mask, expect_first = ~0u;
/* configurations KVM cannot build (IBT on SVM, CET on a non-CET host) */
static unsigned int nr_impossible;
static unsigned int caught;

static void print_line(void *ctx, const char *line)
{
	(void)ctx;
	print_message("%s\n", line);
}

static void run_case(void **state)
{
	const struct sim_case *c = *state;
	const char *why = NULL;
	unsigned int got = 0;
	enum sim_case_result r = sim_case_run(c, print_line, NULL, &why, &got);

	if (r == SIM_CASE_SKIP) {
		print_message("SKIP %s: %s\n", c->name, why);
		nr_skipped++;
		skip();
	}
	if (expect_mask) {
		if (got & SIM_INV_BIT(expect_first))
			caught++;
		if (got & ~expect_mask)
			fail_msg("%s: violations outside the expected ones", c->name);
		return;
	}
	if (r == SIM_CASE_FAIL)
		fail_msg("%s: invariant verdict differs (report above)", c->name);
}

static void print_quiet(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
}

/* One line per scenario: PASS / FAIL / SKIP with the reason. */
static int summary(const struct sim_case *cs, unsigned int n)
{
	unsigned int k = 0, pass = 0, fail = 0, skipped = 0;

	printf("%-26s %-6s %s\n", "scenario", "cases", "verdict");
	while (k < n) {
		const struct sim_scenario *s = cs[k].scenario;
		unsigned int p = 0, f = 0, sk = 0, c = 0;
		const char *why = NULL, *skip_why = NULL;

		for (; k < n && cs[k].scenario == s; k++, c++) {
			switch (sim_case_run(&cs[k], print_quiet, NULL, &why, NULL)) {
			case SIM_CASE_PASS: p++; break;
			case SIM_CASE_FAIL: f++; break;
			default: sk++; skip_why = why; break;
			}
		}
		printf("%-26s %-6u %s", s->name, c,
		       f ? "FAIL" : sk == c ? "SKIP" : "PASS");
		if (f)
			printf(" (%u of %u cases; run --scenario %s)", f, c, s->name);
		else if (sk == c)
			printf(" (%s)", skip_why);
		printf("\n");
		pass += p;
		fail += f;
		skipped += sk;
	}
	printf("%u passed, %u failed, %u skipped; %u configurations KVM cannot build not run (IBT on SVM, CET on a host without it)\n",
	       pass, fail, skipped, nr_impossible);
	return fail ? 1 : 0;
}

static int inv_by_name(const char *name)
{
	int i;

	for (i = 0; i < SIM_NR_INVS; i++)
		if (!strcmp(sim_inv_name(i), name))
			return i;
	return -1;
}

int main(int argc, char **argv)
{
	static struct CMUnitTest tests[MAX_CASES];
	const char *only = NULL;
	struct ktap_options ktap = { .explore_window = 8, .explore_seed = 1 };
	struct explore_options explore = { .window = 8, .max_reports = 10,
					   .program = -1, .seed = 1 };
	bool want_summary = false, want_ktap = false, want_explore = false;
	unsigned int i, n = 0, k, mut_from = 0, mut_to = 0, mut_timeout = 10;
	int failed, a, inv;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--scenario") && a + 1 < argc) {
			only = argv[++a];
		} else if (!strcmp(argv[a], "--expect") && a + 1 < argc) {
			inv = inv_by_name(argv[++a]);
			if (inv < 0) {
				fprintf(stderr, "unknown invariant '%s'\n", argv[a]);
				return 2;
			}
			if (expect_first == ~0u)
				expect_first = inv;
			expect_mask |= SIM_INV_BIT(inv);
		} else if (!strcmp(argv[a], "--trace")) {
			sim_case_trace = true;
		} else if (!strcmp(argv[a], "--trace-window") && a + 1 < argc) {
			oracle_trace_window = strtoul(argv[++a], NULL, 10);
		} else if (!strcmp(argv[a], "--ktap")) {
			want_ktap = true;
		} else if (!strcmp(argv[a], "--from") && a + 1 < argc) {
			ktap.from = strtoul(argv[++a], NULL, 10);
		} else if (!strcmp(argv[a], "--case-timeout") && a + 1 < argc) {
			ktap.case_timeout = strtoul(argv[++a], NULL, 10);
		} else if (!strcmp(argv[a], "--memory-limit") && a + 1 < argc) {
			ktap.memory_limit_mib = strtoul(argv[++a], NULL, 10);
		} else if (!strcmp(argv[a], "--explore")) {
			want_explore = true;
		} else if (!strcmp(argv[a], "--replay") && a + 1 < argc) {
			want_explore = true;
			explore.replay = argv[++a];
		} else if (!strcmp(argv[a], "--programs") && a + 1 < argc) {
			explore.programs = strtoul(argv[++a], NULL, 10);
			ktap.explore_programs = explore.programs;
		} else if (!strcmp(argv[a], "--seed") && a + 1 < argc) {
			explore.seed = strtoull(argv[++a], NULL, 10);
			ktap.explore_seed = explore.seed;
		} else if (!strcmp(argv[a], "--program") && a + 1 < argc) {
			want_explore = true;
			explore.program = strtol(argv[++a], NULL, 10);
		} else if (!strcmp(argv[a], "--vendor") && a + 1 < argc) {
			a++;
			explore.vendor = !strcmp(argv[a], "svm") ? SIM_SVM : SIM_VMX;
		} else if (!strcmp(argv[a], "--jobs") && a + 1 < argc) {
			explore.jobs = strtoul(argv[++a], NULL, 10);
		} else if (!strcmp(argv[a], "--all")) {
			explore.all = true;
		} else if (!strcmp(argv[a], "--record")) {
			explore.record = true;
		} else if (!strcmp(argv[a], "--select") && a + 1 < argc) {
			explore.select = argv[++a];
			ktap.explore_select = explore.select;
		} else if (!strcmp(argv[a], "--faults") && a + 1 < argc) {
			explore.faults = argv[++a];
		} else if (!strcmp(argv[a], "--window") && a + 1 < argc) {
			explore.window = strtoul(argv[++a], NULL, 10);
			ktap.explore_window = explore.window;
		} else if (!strcmp(argv[a], "--ktap-explore")) {
			ktap.explore = true;
		} else if (!strcmp(argv[a], "--replay-cmd") && a + 1 < argc) {
			ktap.replay_cmd = argv[++a];
		} else if (!strcmp(argv[a], "--budget") && a + 1 < argc) {
			explore.budget = strtod(argv[++a], NULL);
			ktap.explore_budget = explore.budget;
		} else if (!strcmp(argv[a], "--mutants") && a + 2 < argc) {
			mut_from = strtoul(argv[++a], NULL, 10);
			mut_to = strtoul(argv[++a], NULL, 10);
		} else if (!strcmp(argv[a], "--mutant-timeout") && a + 1 < argc) {
			mut_timeout = strtoul(argv[++a], NULL, 10);
		} else if (!strcmp(argv[a], "--summary")) {
			want_summary = true;
		} else if (!strcmp(argv[a], "--selftest-rows")) {
			/* the msrs_test.c rows scenario selftest_msrs mirrors */
			for (i = 0; i < sim_nr_selftest_msrs; i++)
				printf("%s %s %s\n", sim_selftest_msrs[i].kind,
				       sim_selftest_msrs[i].name,
				       sim_selftest_msrs[i].token);
			return 0;
		} else if (!strcmp(argv[a], "--list")) {
			for (i = 0; i < sim_nr_scenarios; i++)
				printf("%s\t%#x\t%s\n", sim_scenarios[i].name,
				       sim_scenarios[i].expect,
				       sim_scenarios[i].summary);
			return 0;
		} else {
			fprintf(stderr, "usage: %s [--scenario NAME] [--expect INVARIANT]... [--list] [--summary] [--trace] [--faults F,...]\n"
				"       %s --ktap [--scenario NAME] [--from K] [--case-timeout S] [--memory-limit MIB] [--trace-window N] [--ktap-explore [--window W] [--budget S] [--replay-cmd CMD] [--select FILE]]\n"
				"       %s --explore [--scenario NAME] [--all] [--jobs N] [--window W] [--budget S] [--faults F,...] [--expect INVARIANT]...\n"
				"       %s --replay CASE@AT:KIND[,AT:KIND] [--faults F,...]\n"
				"       %s --explore --programs N [--seed S] | --seed S --program K [--vendor vmx|svm]\n"
				"       %s --explore [--record] [--select FILE] ...: what each case and program entered; only those FILE names\n"
				"       %s --mutants FROM TO [--jobs N] [--mutant-timeout S]\n",
				argv[0], argv[0], argv[0], argv[0], argv[0], argv[0],
				argv[0]);
			return 2;
		}
	}
	if (explore_faults(explore.faults, &sim_case_faults))
		return 2;
	mutant_from_env();
	for (i = 0; i < sim_nr_scenarios; i++) {
		if (only && strcmp(only, sim_scenarios[i].name))
			continue;
		n += sim_cases_of(&sim_scenarios[i], cases + (n < MAX_CASES ? n : MAX_CASES),
				  n < MAX_CASES ? MAX_CASES - n : 0,
				  &nr_impossible);
	}
	if (n > MAX_CASES) {
		fprintf(stderr, "kvm_x86_sim: harness limit: %u cases, room for %u (SIM_MAX_CASES in scenarios/scenario.h)\n",
			n, MAX_CASES);
		return 3;
	}
	if (!n) {
		fprintf(stderr, "no scenario named '%s'\n", only ? only : "");
		return 2;
	}
	if (mut_to > mut_from)
		return mutant_run(cases, n, mut_from, mut_to, explore.jobs,
				  mut_timeout);
	if (want_explore) {
		explore.expect_mask = expect_mask;
		explore.expect_first = expect_first;
		return explore_run(cases, n, &explore);
	}
	if (want_ktap)
		return ktap_run(cases, n, &ktap);
	if (want_summary) {
		printf("tree: %s\n", sim_case_kernel->tree);
		return summary(cases, n);
	}
	for (k = 0; k < n; k++) {
		tests[k].name = cases[k].name;
		tests[k].test_func = run_case;
		tests[k].initial_state = &cases[k];
	}
	print_message("tree: %s\n", sim_case_kernel->tree);
	print_message("%u configurations KVM cannot build are not run (IBT on SVM, CET on a host without it)\n",
		      nr_impossible);
	failed = _cmocka_run_group_tests(only ? only : "kvm_x86_sim", tests, n,
					 NULL, NULL);
	if (expect_mask && !caught && !failed) {
		print_message("FAIL: no case reported %s\n",
			      sim_inv_name(expect_first));
		return 1;
	}
	if (expect_mask && !failed)
		print_message("caught: %u case(s) report %s\n", caught,
			      sim_inv_name(expect_first));
	if (!failed && nr_skipped == n)
		return 77;
	return failed;
}
