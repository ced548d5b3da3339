// SPDX-License-Identifier: GPL-2.0
/*
 * The C runner's mutant mode (`kvm-x86-sim mutate`): the mutated slice
 * holds every mutant of the tree's code behind sim_mutant(ID); this file
 * chooses the active one and runs every case against each, one forked
 * child per mutant so that a mutant which crashes, hangs or exits takes
 * only itself down.  One line per mutant on stdout:
 *
 *	mutant ID killed CASE INVARIANT[,INVARIANT...]
 *	mutant ID survived reached|unreached
 *	mutant ID crashed CASE SIGNAL   (a crash in the code under test)
 *	mutant ID hung CASE             (past the timeout)
 *	mutant ID exited CASE STATUS    (the code under test called exit())
 *
 * "reached": some case executed the mutant's site with it active; a
 * survivor never reached is a hole in the scenarios, not in the oracle.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kvm_x86_sim/mutant.h"
#include "mutant.h"
#include "limits.h"

/* a child's exit codes; anything else came from the code under test */
enum { CHILD_SURVIVED = 40, CHILD_KILLED };

struct slot {
	unsigned int id;
	pid_t pid;
	unsigned int case_no;		/* written by the child */
	unsigned int violations;
	bool reached;
};

static long active = -1;
static struct slot *me;

bool sim_mutant(unsigned int id)
{
	if ((long)id != active)
		return false;
	if (me)
		me->reached = true;
	return true;
}

void mutant_from_env(void)
{
	const char *s = getenv("KVM_X86_SIM_MUTANT");

	if (s && *s)
		active = strtol(s, NULL, 10);
}

static void quiet(void *ctx, const char *line)
{
}

static void __attribute__((noreturn))
child(struct slot *s, const struct sim_case *cases, unsigned int n,
      unsigned int timeout)
{
	const char *why;
	unsigned int k, got;

	me = s;
	active = s->id;
	limit_arm(timeout);
	for (k = 0; k < n; k++) {
		s->case_no = k;
		got = 0;
		if (sim_case_run(&cases[k], quiet, NULL, &why, &got) ==
		    SIM_CASE_FAIL) {
			s->violations = got;
			_exit(CHILD_KILLED);
		}
	}
	_exit(CHILD_SURVIVED);
}

static void report(const struct slot *s, int status,
		   const struct sim_case *cases)
{
	const char *name = cases[s->case_no].name;
	char buf[256];

	printf("mutant %u ", s->id);
	if (WIFSIGNALED(status) && limit_signal(WTERMSIG(status))) {
		printf("hung %s\n", name);
	} else if (WIFSIGNALED(status)) {
		printf("crashed %s %s\n", name, strsignal(WTERMSIG(status)));
	} else if (WEXITSTATUS(status) == CHILD_KILLED) {
		if (s->violations) {
			sim_inv_names(s->violations, buf, sizeof(buf));
		} else {
			/* a verdict that differs without a violation: the
			 * scenario's exact expectations (values, errors)
			 */
			snprintf(buf, sizeof(buf), "SCENARIO EXPECTATION");
		}
		printf("killed %s %s\n", name, buf);
	} else if (WEXITSTATUS(status) == CHILD_SURVIVED) {
		printf("survived %s\n", s->reached ? "reached" : "unreached");
	} else {
		printf("exited %s %d\n", name, WEXITSTATUS(status));
	}
	fflush(stdout);
}

int mutant_run(const struct sim_case *cases, unsigned int n,
	       unsigned int from, unsigned int to, unsigned int jobs,
	       unsigned int timeout)
{
	struct slot *slots;
	unsigned int next = from, busy = 0, j;
	int status;
	pid_t pid;

	if (!jobs)
		jobs = sysconf(_SC_NPROCESSORS_ONLN) > 0 ?
		       sysconf(_SC_NPROCESSORS_ONLN) : 1;
	if (jobs > 64)
		jobs = 64;
	slots = mmap(NULL, jobs * sizeof(*slots), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED) {
		perror("kvm_x86_sim: mmap");
		return 3;
	}
	memset(slots, 0, jobs * sizeof(*slots));
	fflush(stdout);
	while (next < to || busy) {
		for (j = 0; j < jobs && next < to; j++) {
			if (slots[j].pid)
				continue;
			memset(&slots[j], 0, sizeof(slots[j]));
			slots[j].id = next++;
			pid = fork();
			if (pid < 0) {
				perror("kvm_x86_sim: fork");
				return 3;
			}
			if (!pid)
				child(&slots[j], cases, n, timeout);
			slots[j].pid = pid;
			busy++;
		}
		pid = wait(&status);
		if (pid < 0) {
			perror("kvm_x86_sim: wait");
			return 3;
		}
		for (j = 0; j < jobs; j++) {
			if (slots[j].pid != pid)
				continue;
			report(&slots[j], status, cases);
			slots[j].pid = 0;
			busy--;
		}
	}
	printf("# mutants %u..%u done\n", from, to);
	return 0;
}
