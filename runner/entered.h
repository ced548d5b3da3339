/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which of the tree's sliced functions a case, or a generated program,
 * entered (entered.c); and the selection of cases and programs an
 * exploration runs, read from a file.  A mutant, or a patch, that changes
 * only functions an exploration of the unchanged code never entered
 * cannot change what that exploration finds: the runs are deterministic,
 * and the first divergence would have to execute changed code.
 * Recording needs the slice built with -finstrument-functions (validate's
 * and mutate's builds); without it entered_ready() is false.
 */
#ifndef KVM_X86_SIM_RUNNER_ENTERED_H
#define KVM_X86_SIM_RUNNER_ENTERED_H

#include <stdbool.h>
#include <stdio.h>

#include "scenario.h"

/* the tree's table of sliced functions, from sim_case_kernel */
void entered_init(void);
/* the slice was built to record entries */
bool entered_ready(void);
/* forget what was entered */
void entered_reset(void);
/* "id,id,..." of the functions entered since the reset ("-": none) */
void entered_format(char *buf, size_t len);
/* the table: "# kvm_x86_sim: fn ID NAME", one line each, to @out */
void entered_print_names(FILE *out);

/*
 * A selection file: lines "case I" (the I-th case of the full list) and
 * "program vmx|svm I".  Returns NULL (said on stderr) if unreadable.
 */
struct explore_select;
struct explore_select *explore_select_read(const char *path,
					   unsigned long nr_cases,
					   unsigned long programs);
bool explore_select_case(const struct explore_select *s, unsigned long i);
bool explore_select_program(const struct explore_select *s, int vendor,
			    unsigned long i);

#endif
