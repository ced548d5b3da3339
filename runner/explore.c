// SPDX-License-Identifier: GPL-2.0
/*
 * The runner's exploration mode (scenarios/explore.c does the work): the
 * budget, the figures, the verdict, and --replay of one schedule with its
 * whole trace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "entered.h"
#include "explore.h"
#include "ktap.h"
#include "limits.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU seconds of the calling process (a worker counts its own) */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The budget is CPU time, so a busy machine explores as much as an idle
 * one; each process (a forked worker too) counts from its first look.
 */
struct budget {
	double seconds;
	double start;
	pid_t pid;
	unsigned int calls;
};

static bool spent(void *ctx)
{
	struct budget *b = ctx;

	if (b->seconds <= 0)
		return false;
	if (b->pid != getpid()) {
		b->pid = getpid();
		b->start = cpu_now();
	}
	/* the clock is read every 256 runs: a run takes microseconds */
	return !(++b->calls & 255) && cpu_now() - b->start > b->seconds;
}

static void print_line(void *ctx, const char *line)
{
	(void)ctx;
	printf("%s\n", line);
}

/* "irq_ignores_fpregs_lock,stale_fpregs_valid" -> SIM_FAULT_*s */
int explore_faults(const char *list, unsigned int *faults)
{
	char buf[256], *tok, *save = NULL;

	*faults = 0;
	if (!list)
		return 0;
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		unsigned int f = sim_fault_by_name(tok);

		if (!f) {
			fprintf(stderr, "unknown fault '%s'\n", tok);
			return -1;
		}
		*faults |= f;
	}
	return 0;
}

static void print_mask(const char *what, unsigned int mask)
{
	int i;

	printf("%s", what);
	for (i = 0; i < SIM_NR_INVS; i++)
		if (mask & SIM_INV_BIT(i))
			printf(" [%s]", sim_inv_name(i));
	printf("%s\n", mask ? "" : " none");
}

/* CASE@AT:KIND[,AT:KIND]... */
static int replay(const struct sim_case *cases, unsigned int n,
		  const struct explore_options *o, unsigned int faults)
{
	struct sim_injection inj[SIM_MAX_INJECTIONS];
	struct sim_case_opts opt = { .inject = inj, .faults = faults };
	const char *at = strchr(o->replay, '@'), *why = NULL, *p;
	unsigned int i, got = 0;
	enum sim_case_result r;

	if (!at)
		goto bad;
	for (i = 0; i < n; i++)
		if (strlen(cases[i].name) == (size_t)(at - o->replay) &&
		    !strncmp(cases[i].name, o->replay, at - o->replay))
			break;
	if (i == n) {
		fprintf(stderr, "replay: no case '%.*s' in this tree's table\n",
			(int)(at - o->replay), o->replay);
		return 2;
	}
	for (p = at + 1; *p && opt.nr_inject < SIM_MAX_INJECTIONS; ) {
		char *end, kind[16];
		unsigned long b = strtoul(p, &end, 10);
		size_t len;
		int k;

		if (end == p || *end != ':')
			goto bad;
		p = end + 1;
		len = strcspn(p, ",");
		snprintf(kind, sizeof(kind), "%.*s", (int)len, p);
		k = sim_inject_by_name(kind);
		if (k < 0)
			goto bad;
		inj[opt.nr_inject].at = b;
		inj[opt.nr_inject++].kind = k;
		p += len + (p[len] == ',');
	}
	sim_case_trace = true;
	r = sim_case_run_opts(&cases[i], &opt, print_line, NULL, &why, &got);
	if (r == SIM_CASE_SKIP) {
		printf("SKIP %s: %s\n", cases[i].name, why);
		return 77;
	}
	printf("replay %s: %u boundaries, %u of %u injections fired\n",
	       o->replay, opt.boundaries, opt.fired, opt.nr_inject);
	print_mask("replay: invariants violated:", got);
	return got ? 1 : 0;
bad:
	fprintf(stderr, "replay: '%s' is not CASE@AT:KIND[,AT:KIND] (KIND: irq, preempt, migrate, uaccess)\n",
		o->replay);
	return 2;
}

static void print_to(void *ctx, const char *line)
{
	fprintf(ctx, "%s\n", line);
}

#define RUNNING_LEN 192
#define STATS "#stats %lu %lu %lu %lu %lu %lu %lu %lu %lu %u %d\n"

/* One worker's share, its findings and figures written to @out. */
static void worker(struct sim_explore *x, const struct sim_case *cases,
		   unsigned int n, FILE *out, const char **skipped)
{
	x->print = print_to;
	x->ctx = out;
	sim_explore_cases(x, cases, n);
	if (x->programs && !x->out_of_budget)
		*skipped = sim_explore_programs(x);
	fprintf(out, STATS, x->cases, x->boundaries, x->singles, x->pairs,
		x->events, x->findings, x->not_explored, x->programs_run,
		x->program_steps, x->violations, x->out_of_budget);
	fflush(out);
}

/* Add a worker's figures (its STATS line) to @x; print the rest. */
static void collect(struct sim_explore *x, FILE *in, const char *prefix)
{
	struct sim_explore w = { 0 };
	char line[4096];
	int oob = 0;

	rewind(in);
	while (fgets(line, sizeof(line), in)) {
		if (sscanf(line, STATS, &w.cases, &w.boundaries, &w.singles,
			   &w.pairs, &w.events, &w.findings, &w.not_explored,
			   &w.programs_run, &w.program_steps, &w.violations,
			   &oob) == 11)
			continue;
		printf("%s%s", prefix, line);
	}
	x->cases += w.cases;
	x->boundaries += w.boundaries;
	x->singles += w.singles;
	x->pairs += w.pairs;
	x->events += w.events;
	x->findings += w.findings;
	x->not_explored += w.not_explored;
	x->programs_run += w.programs_run;
	x->program_steps += w.program_steps;
	x->violations |= w.violations;
	x->out_of_budget |= oob;
}

/*
 * The exploration split over @jobs processes (cases and programs dealt
 * round-robin); a worker that dies is a finding, like a crashed case.
 */
/*
 * A worker dies of what kills it (no runner's handler reporting for it),
 * says nothing on the parent's stdout, and is stopped by its limits
 * (limits.h: @timeout CPU seconds) if the code under test hangs.
 */
/*
 * validate's binaries have the slice instrumented for gcov: a worker ends
 * with _exit(), so it writes its counts (the parent's cases' included,
 * which only makes them larger) itself.  Elsewhere there is no gcov.
 */
extern void __gcov_dump(void) __attribute__((weak));

static void dump_coverage(void)
{
	if (__gcov_dump)
		__gcov_dump();
}

static void quiet_child(unsigned int timeout)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
				    SIGTRAP, SIGSYS, SIGALRM, SIGPROF };
	unsigned int i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	if (!freopen("/dev/null", "w", stdout))
		_exit(3);
	limit_arm(timeout);
}

static int explore_parallel(struct sim_explore *x, const struct sim_case *cases,
			    unsigned int n, unsigned int jobs,
			    unsigned int timeout, const char **skipped,
			    const char *prefix)
{
	FILE *out[16];
	pid_t pid[16];
	unsigned int j;
	int died = 0, status;
	/* each worker's schedule or program in progress, shared */
	char (*running)[RUNNING_LEN] = mmap(NULL, 16 * RUNNING_LEN,
					    PROT_READ | PROT_WRITE,
					    MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (running == MAP_FAILED) {
		perror("kvm_x86_sim: mmap");
		return 3;
	}
	for (j = 0; j < jobs; j++) {
		out[j] = tmpfile();
		if (!out[j]) {
			perror("kvm_x86_sim: tmpfile");
			return 3;
		}
		fflush(stdout);
		pid[j] = fork();
		if (pid[j] < 0) {
			perror("kvm_x86_sim: fork");
			return 3;
		}
		if (!pid[j]) {
			quiet_child(timeout);
			x->stride = jobs;
			x->offset = j;
			x->running = running[j];
			x->running_len = RUNNING_LEN;
			worker(x, cases, n, out[j], skipped);
			dump_coverage();
			_exit(0);
		}
	}
	for (j = 0; j < jobs; j++) {
		waitpid(pid[j], &status, 0);
		collect(x, out[j], prefix);
		fclose(out[j]);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("%sVIOLATION: exploration worker %u of %u %s %d: the code under test %s under this schedule\n",
			       prefix, j + 1, jobs,
			       WIFSIGNALED(status) ? "killed by signal" : "exit",
			       WIFSIGNALED(status) ? WTERMSIG(status) :
						     WEXITSTATUS(status),
			       WIFSIGNALED(status) && limit_signal(WTERMSIG(status)) ?
			       "hung" : "crashed or exited");
			if (running[j][0])
				printf(strchr(running[j], '@') ?
				       "%s  replay: %s --replay '%s'\n" :
				       "%s  replay: %s %s\n", prefix,
				       x->replay_cmd ? x->replay_cmd :
						       "kvm-x86-sim explore",
				       running[j]);
			died = 1;
		}
	}
	if (!*skipped && x->programs)
		*skipped = sim_kernel_lacks(sim_case_kernel, SIM_NEED_CET_MSRS);
	munmap(running, 16 * RUNNING_LEN);
	return died;
}

static void record_begin(void *ctx)
{
	entered_reset();
}

/* @ctx: the exploration, whose printer reaches the parent from a worker */
static void record_done(void *ctx, int vendor, unsigned long index)
{
	struct sim_explore *x = ctx;
	char line[4096], ids[4000];

	entered_format(ids, sizeof(ids));
	if (vendor < 0)
		snprintf(line, sizeof(line), "entered case %lu %s", index, ids);
	else
		snprintf(line, sizeof(line), "entered program %s %lu %s",
			 vendor == SIM_VMX ? "vmx" : "svm", index, ids);
	x->print(x->ctx, line);
}

static struct explore_select *selected;

static bool select_wanted(void *ctx, int vendor, unsigned long index)
{
	return vendor < 0 ? explore_select_case(selected, index) :
		explore_select_program(selected, vendor, index);
}

/*
 * --record: which sliced functions each case's exploration and each
 * program entered (no budget: a partial record would be wrong);
 * --select FILE: only the cases and programs it names.
 */
static int explore_hooks(struct sim_explore *x, unsigned int n,
			 const struct explore_options *o)
{
	if (o->record) {
		entered_init();
		if (!entered_ready()) {
			fprintf(stderr, "kvm_x86_sim: --record: this binary's slice was not built to record entries (-finstrument-functions, as validate builds it)\n");
			return 2;
		}
		if (o->budget > 0) {
			fprintf(stderr, "kvm_x86_sim: --record takes no --budget: a partial record would say a case never enters what it does\n");
			return 2;
		}
		entered_print_names(stdout);
		x->begin = record_begin;
		x->done = record_done;
		x->hook_ctx = x;
	}
	if (o->select) {
		selected = explore_select_read(o->select, n, o->programs);
		if (!selected)
			return 2;
		x->wanted = select_wanted;
	}
	return 0;
}

/*
 * How long the exploration may run before it hangs: its budget, then the
 * case timeout for the schedule in progress (both CPU seconds; the budget
 * is checked between schedules, so it runs out just before, never after).
 */
unsigned int explore_timeout(const struct ktap_options *k)
{
	if (!k->case_timeout)
		return 0;
	return k->case_timeout + (unsigned int)(k->explore_budget + 0.999);
}

unsigned int explore_ktap(const struct sim_case *cases, unsigned int n,
			  const struct ktap_options *k, sim_printer diag,
			  bool *died)
{
	struct budget b = { 0 };
	struct sim_explore x = {
		.faults = sim_case_faults,
		.window = k->explore_window,
		.max_reports = 5,
		.replay_cmd = k->replay_cmd,
		.stop = spent,
		.stop_ctx = &b,
		.print = diag,
	};
	double t0 = now();
	const char *skipped = NULL;
	unsigned int jobs = (unsigned int)sysconf(_SC_NPROCESSORS_ONLN);
	char line[256];

	if (k->explore_budget > 0)
		b.seconds = k->explore_budget;
	if (k->explore_select) {
		selected = explore_select_read(k->explore_select, n,
					       k->explore_programs);
		if (!selected)
			return ~0u;
		x.wanted = select_wanted;
	}
	x.programs = k->explore_programs;
	x.seed = k->explore_seed;
	*died = false;
	if (jobs > 16)
		jobs = 16;
	if (jobs > 1) {
		int r = explore_parallel(&x, cases, n, jobs,
					 explore_timeout(k), &skipped,
					 "    # ");

		if (r > 1)
			return ~0u;	/* (said why on stderr) */
		*died = r;
	} else {
		sim_explore_cases(&x, cases, n);
		if (x.programs && !x.out_of_budget)
			sim_explore_programs(&x);
	}
	snprintf(line, sizeof(line),
		 "kvm_x86_sim: explored %lu cases: %lu single-injection and %lu pair schedules (window %u); %lu generated programs (seed %llu)%s; %lu violating, %.2f s on %u process(es)",
		 x.cases, x.singles, x.pairs, k->explore_window,
		 x.programs_run, k->explore_seed,
		 x.out_of_budget ? "; budget spent: partial" : "", x.findings,
		 now() - t0, jobs);
	diag(NULL, line);
	return x.violations;
}

int explore_run(const struct sim_case *cases, unsigned int n,
		const struct explore_options *o)
{
	struct budget b = { 0 };
	struct sim_explore x = {
		.fault_names = o->faults,
		.window = o->window,
		.all = o->all,
		.max_reports = o->max_reports,
		.stop = spent,
		.stop_ctx = &b,
		.print = print_line,
	};
	const char *programs_skipped = NULL;
	double t0 = now(), dt;
	unsigned int jobs;
	int died = 0;

	if (explore_faults(o->faults, &x.faults))
		return 2;
	if (o->replay)
		return replay(cases, n, o, x.faults);
	x.programs = o->programs;
	x.seed = o->seed;
	if (o->program >= 0) {
		unsigned int got;

		x.max_reports = 1;
		got = sim_replay_program(&x, o->seed, o->program, o->vendor);
		print_mask("replay: invariants violated:", got);
		return got ? 1 : 0;
	}
	if (o->budget > 0)
		b.seconds = o->budget;
	if (explore_hooks(&x, n, o))
		return 2;
	printf("explore: tree %s\n", sim_case_kernel->tree);
	if (o->faults)
		printf("explore: broken on purpose: %s\n", o->faults);
	jobs = o->jobs ? o->jobs : (unsigned int)sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs > 16)
		jobs = 16;
	if (jobs > 1) {
		died = explore_parallel(&x, cases, n, jobs, 0,
					&programs_skipped, "");
		if (died > 1)
			return died;
	} else {
		sim_explore_cases(&x, cases, n);
		if (o->programs)
			programs_skipped = sim_explore_programs(&x);
	}
	dt = now() - t0;
	printf("explore: %lu cases, %lu boundaries; %lu single-injection schedules (irq, preempt, migrate, uaccess) and %lu pairs of interruptions at most %u boundaries apart%s\n",
	       x.cases, x.boundaries, x.singles, x.pairs, o->window,
	       x.out_of_budget ? "; budget spent: partial" : "");
	if (x.not_explored)
		printf("explore: %lu cases of long scenarios not explored (their paths are the shorter scenarios'; --all explores them)\n",
		       x.not_explored);
	if (programs_skipped)
		printf("explore: no generated programs: %s\n", programs_skipped);
	else if (o->programs)
		printf("explore: %lu generated programs (seed %llu, %lu per vendor), %lu steps\n",
		       x.programs_run, o->seed, o->programs, x.program_steps);
	printf("explore: %.2f s on %u process(es), %.0f schedules/s, %.2f million simulated events/s\n",
	       dt, jobs, (x.singles + x.pairs) / (dt > 0 ? dt : 1e-9),
	       x.events / (dt > 0 ? dt : 1e-9) / 1e6);
	printf("explore: %lu violating schedules\n", x.findings);
	print_mask("explore: invariants violated:", x.violations);
	if (o->expect_mask) {
		if (!(x.violations & SIM_INV_BIT(o->expect_first))) {
			printf("FAIL: exploration did not find %s\n",
			       sim_inv_name(o->expect_first));
			return 1;
		}
		if ((x.violations & ~o->expect_mask) || died) {
			printf("FAIL: violations outside the expected ones\n");
			return 1;
		}
		printf("caught: %s\n", sim_inv_name(o->expect_first));
		return 0;
	}
	return x.findings || died ? 1 : 0;
}
