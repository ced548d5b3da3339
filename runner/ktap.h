/* SPDX-License-Identifier: GPL-2.0 */
/* The C runner's KTAP mode (ktap.c). */
#ifndef KVM_X86_SIM_RUNNER_KTAP_H
#define KVM_X86_SIM_RUNNER_KTAP_H

#include "scenario.h"

struct ktap_options {
	unsigned int from;		/* first case to run, 1-based */
	unsigned int case_timeout;	/* seconds per case, 0: none */
	unsigned long memory_limit_mib;	/* address space, 0: unlimited */
	/* after the cases, one more: the exploration (explore.c) */
	bool explore;
	unsigned int explore_window;
	double explore_budget;		/* seconds, 0: none */
	unsigned long explore_programs;	/* generated, per vendor */
	unsigned long long explore_seed;
	const char *replay_cmd;		/* how a finding is replayed */
	const char *explore_select;	/* only what this file names */
};

int ktap_run(const struct sim_case *cases, unsigned int n,
	     const struct ktap_options *opt);

#endif
