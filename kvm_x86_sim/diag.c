// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_BUG_ON()/WARN_ON_ONCE() as the kernel code under test raises them
 * (recorded in the trace and returning the condition as the kernel does;
 * the KVM_BUG_ON stub marks the VM bugged),
 * the kernel's memory allocators, and the copy to userspace memory.
 */
#include "sim_internal.h"

bool sim_hw_kvm_bug(bool cond, const char *expr, const char *file, int line)
{
	struct sim *sim = sim_hw_current;
	struct sim_val val = { .v = cond, .vcpu = -1 };

	if (!cond)
		return false;
	sim_trace(sim, SIM_EV_KVM_BUG, 0, val, file, line, expr);
	return true;
}

bool sim_hw_warn(bool cond, const char *expr, const char *file, int line)
{
	struct sim *sim = sim_hw_current;
	struct sim_val val = { .v = cond, .vcpu = -1 };

	if (cond)
		sim_trace(sim, SIM_EV_WARN, 0, val, file, line, expr);
	return cond;
}

void sim_hw_call(const char *fn, const char *file, int line)
{
	struct sim *sim = sim_hw_current;
	struct sim_val none = { .vcpu = -1 };

	sim_trace(sim, SIM_EV_CALL, 0, none, file, line, fn);
}

/*
 * copy_to_user(); SIM_FAULT_LEAKY_COPY_TO_USER breaks it on purpose: every
 * zero u64 lands in userspace as the host's U_CET, as if a stack slot had
 * leaked.
 */
/*
 * An injected fault (SIM_INJECT_UACCESS) takes this user copy; a copy of
 * nothing touches no user page and cannot fault.
 */
static bool injected_fault(struct sim *sim, unsigned long n)
{
	if (!sim->uaccess_armed || !n)
		return false;
	sim->uaccess_armed = false;
	sim->uaccess_faulted = true;
	sim->uaccess_faults++;
	return true;
}

unsigned long sim_hw_copy_from_user(void *to, const void *from,
				    unsigned long n, const char *file,
				    int line)
{
	struct sim *sim = sim_hw_current;
	struct sim_val val = { .v = n, .vcpu = -1 };

	if (injected_fault(sim, n)) {
		sim_trace(sim, SIM_EV_USER_COPY, 1, val, file, line,
			  "copy_from_user (faults)");
		return n;
	}
	memcpy(to, from, n);
	sim_trace(sim, SIM_EV_USER_COPY, 0, val, file, line,
		  "copy_from_user");
	return 0;
}

unsigned long sim_hw_copy_to_user(void *to, const void *from,
				  unsigned long n, const char *file, int line)
{
	struct sim *sim = sim_hw_current;
	struct sim_val val = { .v = n, .vcpu = -1 };
	unsigned long i;

	if (sim_faulty(sim, SIM_FAULT_USER_COPY_FAULTS) || injected_fault(sim, n)) {
		sim_trace(sim, SIM_EV_USER_COPY, 0, val, file, line,
			  "copy_to_user (faults)");
		return n;	/* nothing copied: the page is not mapped */
	}
	memcpy(to, from, n);
	if (sim_faulty(sim, SIM_FAULT_LEAKY_COPY_TO_USER)) {
		for (i = 0; i + 8 <= n; i += 8) {
			u64 w;

			memcpy(&w, (char *)to + i, 8);
			if (!w)
				memcpy((char *)to + i, &sim->host_u_cet, 8);
		}
	}
	sim_trace(sim, SIM_EV_USER_COPY, 0, val, file, line, "copy_to_user");
	return 0;
}

/* The size of the first allocation that failed since the reset. */
static u64 failed_alloc;

void sim_note_failed_alloc(u64 size)
{
	if (!failed_alloc)
		failed_alloc = size ? size : 1;
}

u64 sim_failed_alloc(bool reset)
{
	u64 size = failed_alloc;

	if (reset)
		failed_alloc = 0;
	return size;
}

/*
 * kmalloc() and friends.  A failure (the runner's memory limit) is kept:
 * the runner reports the case as OOM, whether the code under test then
 * crashes or copes.
 */
void *sim_hw_alloc(size_t size, bool zero, const char *file, int line)
{
	struct sim *sim = sim_hw_current;
	void *p = zero ? sim_zalloc(size ? size : 1) : sim_malloc(size ? size : 1);
	struct sim_val val = { .v = size, .vcpu = -1 };

	sim_hw_boundary();
#ifndef __KERNEL__	/* under KUnit kfree() is the kernel's: no count */
	if (p && sim)
		sim->live_allocs++;
#endif
	if (!p)
		sim_note_failed_alloc(size);
	if (!p && sim && !sim->alloc_failed) {
		sim->alloc_failed = size;
		sim_trace(sim, SIM_EV_ALLOC_FAIL, 0, val, file, line,
			  "allocation failed");
	}
	return p;
}

void sim_hw_free(const void *p)
{
#ifndef __KERNEL__
	if (p && sim_hw_current)
		sim_hw_current->live_allocs--;
#endif
	sim_free((void *)p);
	sim_hw_boundary();
}

const struct sim *sim_running(void)
{
	return sim_hw_current;
}
