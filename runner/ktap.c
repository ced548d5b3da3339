// SPDX-License-Identifier: GPL-2.0
/*
 * The C runner's KTAP mode (Documentation/dev-tools/ktap.rst), the form
 * `kvm-x86-sim validate` reads and `kunit.py parse` accepts:
 *
 *	KTAP version 1
 *	1..1
 *	    KTAP version 1
 *	    # Subtest: kvm_x86_sim
 *	    # kvm_x86_sim: tree <path>
 *	    # kvm_x86_sim: invariant <bit> <NAME>	(one per invariant)
 *	    # kvm_x86_sim: scenario <name> expect=<mask> proves=<mask>
 *	    1..<cases>
 *	    # <the oracle's report of case 1, if any>
 *	    # kvm_x86_sim: verdict got=<mask> expect=<mask>
 *	    ok 1 <scenario>/<vendor>/<cpuid>
 *	    ...
 *	    # kvm_x86_sim: end of run
 *	# kvm_x86_sim: pass:P fail:F skip:S total:T
 *	ok 1 kvm_x86_sim
 *
 * The last two lines are written only when every case ran to its end, so a
 * reader tells a finished run from one that stopped early.  A case that
 * crashes, hangs past --case-timeout (CPU seconds; limits.h) or exits gets a "not ok" line with
 * "# CRASH", "# HANG" or "# EXIT" and the tail of its event trace before
 * the process dies; the reader may resume the run with --from.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "kvm_x86_sim/machine.h"
#include "ktap.h"
#include "explore.h"
#include "limits.h"

#define IND "    "

static const struct sim_case *current;
static unsigned int current_no, timeout;

static void print_diag(void *ctx, const char *line)
{
	printf(IND "# %s\n", line);
}

/* The last events of the case that is dying: what it was doing. */
static void trace_tail(void)
{
	const struct sim *sim = sim_running();
	char buf[248];
	int i;

	if (!sim)
		return;
	for (i = sim->nr_ev > 8 ? sim->nr_ev - 8 : 0; i < sim->nr_ev; i++) {
		sim_describe_event(sim, i, buf, sizeof(buf));
		printf(IND "#     %s\n", buf);
	}
	if (sim_failed_alloc(false))
		printf(IND "# kvm_x86_sim: OOM: an allocation of %llu bytes failed (memory limit)\n",
		       (unsigned long long)sim_failed_alloc(false));
}

/* A case that does not end: its verdict line, then the process ends. */
static void case_dies(const char *what, const char *detail)
{
	if (!current)
		return;
	printf(IND "# kvm_x86_sim: %s %s: %s\n", what, current->name, detail);
	trace_tail();
	printf(IND "not ok %u %s # %s\n", current_no, current->name, what);
	fflush(stdout);
	current = NULL;
}

static void on_fatal_signal(int sig)
{
	char why[64];
	const struct sim *sim = sim_running();

	snprintf(why, sizeof(why), "killed by signal %d (%s)", sig,
		 strsignal(sig));
	case_dies(sim_failed_alloc(false) ? "OOM" : "CRASH", why);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_limit(int sig)
{
	char buf[96], why[128];

	snprintf(why, sizeof(why), "%s (--case-timeout)",
		 limit_why(sig, timeout, buf, sizeof(buf)));
	case_dies("HANG", why);
	_exit(124);
}

/* The code under test called exit(): the case never reached its end. */
static void on_exit_call(void)
{
	case_dies("EXIT", "the process exited in the middle of the case");
}

static void install_handlers(void)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
				     SIGTRAP, SIGSYS };
	static char altstack[64 * 1024];	/* room for a stack overflow */
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa;
	unsigned int i;

	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
	sa.sa_handler = on_fatal_signal;
	for (i = 0; i < ARRAY_SIZE(fatal); i++)
		sigaction(fatal[i], &sa, NULL);
	sa.sa_handler = on_limit;
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGPROF, &sa, NULL);
	atexit(on_exit_call);
}

/*
 * A patch may call the C library's allocator directly: a failure there is
 * an OOM finding like a failed kmalloc(), even when the code copes.  The
 * test binary is linked with --wrap for these (cmake/Sources.cmake).
 */
void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *old, size_t size);

void *__wrap_malloc(size_t size)
{
	void *p = __real_malloc(size);

	if (!p && size)
		sim_note_failed_alloc(size);
	return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
	void *p = __real_calloc(n, size);

	if (!p && n && size)
		sim_note_failed_alloc(n * size);
	return p;
}

void *__wrap_realloc(void *old, size_t size)
{
	void *p = __real_realloc(old, size);

	if (!p && size)
		sim_note_failed_alloc(size);
	return p;
}

static void limit_memory(unsigned long mib)
{
	struct rlimit rl = { .rlim_cur = (rlim_t)mib << 20,
			     .rlim_max = (rlim_t)mib << 20 };

	if (mib && setrlimit(RLIMIT_AS, &rl))
		perror("kvm_x86_sim: setrlimit(RLIMIT_AS)");
}

int ktap_run(const struct sim_case *cs, unsigned int n,
	     const struct ktap_options *opt)
{
	unsigned int k, got, pass = 0, fail = 0, skip = 0;
	bool died;
	enum sim_case_result r;
	const char *why;

	timeout = opt->case_timeout;
	install_handlers();
	limit_memory(opt->memory_limit_mib);
	printf("KTAP version 1\n1..1\n");
	printf(IND "KTAP version 1\n" IND "# Subtest: kvm_x86_sim\n");
	printf(IND "# kvm_x86_sim: tree %s\n", sim_case_kernel->tree);
	for (k = 0; k < SIM_NR_INVS; k++)
		printf(IND "# kvm_x86_sim: invariant %u %s\n", k,
		       sim_inv_name(k));
	for (k = 0; k < sim_nr_scenarios; k++)
		printf(IND "# kvm_x86_sim: scenario %s expect=%#x proves=%#x\n",
		       sim_scenarios[k].name, sim_scenarios[k].expect,
		       sim_scenarios[k].proves);
	printf(IND "1..%u\n", n + opt->explore);
	for (k = opt->from ? opt->from - 1 : 0; k < n; k++) {
		fflush(stdout);
		current = &cs[k];
		current_no = k + 1;
		got = 0;
		why = NULL;
		sim_failed_alloc(true);
		limit_arm(timeout);
		r = sim_case_run(&cs[k], print_diag, NULL, &why, &got);
		limit_arm(0);
		current = NULL;
		if (sim_failed_alloc(false)) {
			/* the code coped, but needed more than the limit */
			printf(IND "# kvm_x86_sim: OOM %s: an allocation of %llu bytes failed (--memory-limit)\n",
			       cs[k].name,
			       (unsigned long long)sim_failed_alloc(false));
			printf(IND "not ok %u %s # OOM\n", k + 1, cs[k].name);
			fail++;
			continue;
		}
		if (r == SIM_CASE_SKIP) {
			printf(IND "ok %u %s # SKIP %s\n", k + 1, cs[k].name, why);
			skip++;
			continue;
		}
		printf(IND "# kvm_x86_sim: verdict got=%#x expect=%#x\n", got,
		       cs[k].scenario->expect);
		printf(IND "%s %u %s\n", r == SIM_CASE_PASS ? "ok" : "not ok",
		       k + 1, cs[k].name);
		if (r == SIM_CASE_PASS)
			pass++;
		else
			fail++;
	}
	if (opt->explore && (!opt->from || opt->from <= n + 1)) {
		static const struct sim_scenario scn = { .name = "explore" };
		static struct sim_case c = { .scenario = &scn };

		snprintf(c.name, sizeof(c.name),
			 "explore/interruptions/window-%u", opt->explore_window);
		if (fail || opt->from > 1) {
			/* a case failed (perhaps in an earlier process) */
			printf(IND "ok %u %s # SKIP the cases as written fail: exploring them adds nothing\n",
			       n + 1, c.name);
			skip++;
			goto end;
		}
		current = &c;
		current_no = n + 1;
		timeout = explore_timeout(opt);	/* (for on_limit's message) */
		limit_arm(timeout);
		got = explore_ktap(cs, n, opt, print_diag, &died);
		limit_arm(0);
		current = NULL;
		if (died) {
			printf(IND "not ok %u %s # CRASH\n", n + 1, c.name);
			fail++;
			goto end;
		}
		printf(IND "# kvm_x86_sim: verdict got=%#x expect=0\n", got);
		printf(IND "%s %u %s\n", got ? "not ok" : "ok", n + 1, c.name);
		if (got)
			fail++;
		else
			pass++;
	}
end:
	printf(IND "# kvm_x86_sim: end of run\n");
	printf("# kvm_x86_sim: pass:%u fail:%u skip:%u total:%u\n", pass, fail,
	       skip, pass + fail + skip);
	printf("%s 1 kvm_x86_sim\n", fail ? "not ok" : "ok");
	fflush(stdout);
	return fail ? 1 : 0;
}
