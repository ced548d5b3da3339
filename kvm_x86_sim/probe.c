// SPDX-License-Identifier: GPL-2.0
/*
 * What the tree under test supports, asked of its own code at start-up
 * rather than read off its shape: whether the code handles the CET MSRs is
 * what a host KVM_GET_MSRS of each of them on a vCPU with SHSTK does, on
 * both vendors, on a private machine nobody observes.  Counting switch
 * arms or symbols would call a tree that moves a CET arm into an if before
 * the switch, or into a helper, "without CET" and skip what it must run.
 *
 * The probe machine advertises nothing (kvm_is_advertised_msr() is false
 * there), so a read the code does not handle fails instead of being
 * answered with 0 for an advertised MSR.  "Handled" means at least one of
 * the CET MSRs reads back: a tree that handles some but not all of them
 * is a tree with CET whose scenarios must run and show what is missing,
 * never one whose scenarios are skipped.
 */
#include "sim_internal.h"

/* Is the machine being created one of the probe's own? */
static bool probing;

static bool probe_vendor(const struct sim_kernel *k, enum sim_vendor vendor)
{
	struct sim *saved = sim_hw_current;
	struct sim *sim = sim_create(vendor, k);
	struct sim_vcpu *v = sim ? sim_vcpu_create(sim) : NULL;
	bool handled = false;
	u32 msrs[SIM_NR_SLOTS];
	unsigned int i, n = sim_family_msrs(SIM_FAMILY_CET, msrs,
					   ARRAY_SIZE(msrs));

	if (v) {
		sim_set_cpuid(v, SIM_CPUID_LM | SIM_CPUID_XSAVES |
			      SIM_CPUID_SHSTK);
		/* the tree handles the family if it handles one of its MSRs */
		for (i = 0; i < n && !handled; i++) {
			struct sim_msr_entry e = { .index = msrs[i] };

			handled = sim_get_msrs(v, &e, 1) == 1;
		}
	}
	sim_destroy(sim);
	sim_hw_current = saved;
	return handled;
}

struct probed {
	const struct sim_kernel *kernel;
	unsigned int caps;
};

unsigned int sim_kernel_caps(const struct sim_kernel *k)
{
	static struct probed cache[4];
	static unsigned int nr;
	unsigned int i, caps = k->caps & ~SIM_NEED_CET_MSRS;

	if (probing)
		return caps;
	for (i = 0; i < nr; i++)
		if (cache[i].kernel == k)
			return cache[i].caps;
	probing = true;
	if (probe_vendor(k, SIM_VMX) || probe_vendor(k, SIM_SVM))
		caps |= SIM_NEED_CET_MSRS;
	probing = false;
	/* what the probe's code allocated and failed is not a case's finding */
	sim_failed_alloc(true);
	if (nr < ARRAY_SIZE(cache))
		cache[nr++] = (struct probed){ k, caps };
	return caps;
}

const char *sim_kernel_lacks(const struct sim_kernel *k, unsigned int needs)
{
	unsigned int lacks = needs & ~sim_kernel_caps(k);

	if (lacks & ~SIM_NEED_CET_MSRS)
		return k->lacks(lacks & ~SIM_NEED_CET_MSRS);
	if (lacks)
		return "tree's code does not handle the CET MSRs (a host KVM_GET_MSRS of U_CET, S_CET, PL0_SSP, PL3_SSP or INT_SSP_TAB on a vCPU with SHSTK fails on VMX and on SVM)";
	return NULL;
}
