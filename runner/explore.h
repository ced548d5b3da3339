/* SPDX-License-Identifier: GPL-2.0 */
/* The C runner's exploration mode (explore.c). */
#ifndef KVM_X86_SIM_RUNNER_EXPLORE_H
#define KVM_X86_SIM_RUNNER_EXPLORE_H

#include "scenario.h"

struct explore_options {
	const char *replay;		/* CASE@AT:KIND,...: one schedule */
	const char *faults;		/* fault names, comma-separated */
	unsigned int window;		/* pairs at most this far apart */
	bool all;			/* the long_run scenarios too */
	unsigned int max_reports;
	double budget;			/* seconds, 0: none */
	unsigned long programs;		/* generated, per vendor */
	unsigned long long seed;
	long program;			/* >= 0: replay this one */
	int vendor;			/* of the program replayed */
	unsigned int jobs;		/* processes, 0: one per CPU */
	unsigned int expect_mask, expect_first;
	bool record;			/* print what each one entered */
	const char *select;		/* only what this file names */
};

struct ktap_options;
/* seconds before the exploration is a hang: its budget + a case's */
unsigned int explore_timeout(const struct ktap_options *k);
/*
 * The exploration as KTAP diagnostics; returns the invariants violated,
 * *@died if a worker process died (the code under test crashed).
 */
unsigned int explore_ktap(const struct sim_case *cases, unsigned int n,
			  const struct ktap_options *k, sim_printer diag,
			  bool *died);
int explore_run(const struct sim_case *cases, unsigned int n,
		const struct explore_options *o);
/* "name,name" -> SIM_FAULT_*s; -1 (said on stderr) for an unknown one */
int explore_faults(const char *list, unsigned int *faults);

#endif
