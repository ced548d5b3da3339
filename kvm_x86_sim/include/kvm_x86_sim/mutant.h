/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mutant schemata (`kvm-x86-sim mutate`): the mutated slice holds every
 * mutant of the tree's code at once, each behind sim_mutant(ID), and the C
 * runner (runner/mutant.c) chooses the one that is active.  Only the
 * C runner defines these; an ordinary slice never calls them.
 */
#ifndef KVM_X86_SIM_MUTANT_H
#define KVM_X86_SIM_MUTANT_H

#include <stdbool.h>

/* True when mutant @id is the active one; notes that its site was reached. */
bool sim_mutant(unsigned int id);

#endif /* KVM_X86_SIM_MUTANT_H */
