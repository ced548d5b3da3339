// SPDX-License-Identifier: GPL-2.0
/* CPU-time limits with a wall-clock backstop (limits.h). */
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <unistd.h>

#include "limits.h"

void limit_arm(unsigned int cpu_seconds)
{
	struct itimerval cpu = { .it_value = { .tv_sec = cpu_seconds } };

	setitimer(ITIMER_PROF, &cpu, NULL);
	alarm(cpu_seconds * LIMIT_WALL_FACTOR);
}

bool limit_signal(int sig)
{
	return sig == SIGPROF || sig == SIGALRM;
}

const char *limit_why(int sig, unsigned int cpu_seconds, char *buf,
		      unsigned int len)
{
	if (sig == SIGPROF)
		snprintf(buf, len, "used %u s of CPU", cpu_seconds);
	else
		snprintf(buf, len,
			 "blocked for %u s (the CPU limit's %u s, %u times)",
			 cpu_seconds * LIMIT_WALL_FACTOR, cpu_seconds,
			 LIMIT_WALL_FACTOR);
	return buf;
}
