/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How long the code under test may run: CPU time, so that a busy machine
 * never turns a case into a HANG; the wall clock only as a backstop for
 * code that blocks (sleeps, waits) instead of spinning.
 */
#ifndef KVM_X86_SIM_LIMITS_H
#define KVM_X86_SIM_LIMITS_H

#include <stdbool.h>

/* the wall-clock backstop: this many times the CPU limit */
#define LIMIT_WALL_FACTOR 10

/*
 * Arm both limits for the calling process (0: disarm).  Past @cpu_seconds
 * of CPU the process gets SIGPROF; past LIMIT_WALL_FACTOR * @cpu_seconds
 * on the wall clock, SIGALRM.  Both kill by default.
 */
void limit_arm(unsigned int cpu_seconds);

/* @sig (a handler's argument, or a child's WTERMSIG) is a limit's signal */
bool limit_signal(int sig);

/* what a limit's @sig means, for a HANG line: "used 5 s of CPU" ... */
const char *limit_why(int sig, unsigned int cpu_seconds, char *buf,
		      unsigned int len);

#endif
