/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM_X86_SIM_RUNNER_MUTANT_H
#define KVM_X86_SIM_RUNNER_MUTANT_H

#include "scenario.h"

/* KVM_X86_SIM_MUTANT=<id> in the environment activates one mutant. */
void mutant_from_env(void);

/* Every mutant in [from, to) against every case; one line per mutant. */
int mutant_run(const struct sim_case *cases, unsigned int n,
	       unsigned int from, unsigned int to, unsigned int jobs,
	       unsigned int timeout);

#endif
