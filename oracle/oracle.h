/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The oracle: an observer of the simulated machine that judges the ten
 * invariants (docs/invariants.md) and explains each violation with the
 * event trace.  It reads the machine and never changes it; its
 * expectations (the guest's CET MSR values, which accesses must succeed)
 * come from its own architectural rules, never from what the kernel code
 * under test returned.
 */
#ifndef KVM_X86_SIM_ORACLE_H
#define KVM_X86_SIM_ORACLE_H

#include "kvm_x86_sim/sim.h"

/* The ten invariants; a verdict is a mask of SIM_INV_BIT()s. */
enum sim_inv {
	SIM_INV_PAIRING,
	SIM_INV_SCET_EXCLUSION,
	SIM_INV_ACCESSOR_CONTRACT,
	SIM_INV_HOST_INTEGRITY,
	SIM_INV_DEVICE_IOCTL,
	SIM_INV_ONE_REG,
	SIM_INV_CPUID_GATING,
	SIM_INV_BATCH_SEMANTICS,
	SIM_INV_VALIDITY,
	SIM_INV_NO_BUG,
	SIM_NR_INVS,
};

#define SIM_INV_BIT(inv)	(1u << (inv))

struct oracle;

/*
 * Watch @sim from now on (attach before the first vCPU ioctl).  The
 * oracle is freed with the machine, by sim_destroy().
 */
struct oracle *oracle_attach(struct sim *sim);
/* The invariants violated so far. */
unsigned int oracle_violations(const struct oracle *oracle);
/*
 * Each violation by name, then the trace that led to it: the last
 * oracle_trace_window events up to it (0: every event from the start;
 * validate reads them all and picks the patched lines' own).
 */
#define ORACLE_TRACE_WINDOW 8
extern unsigned int oracle_trace_window;
void oracle_report(const struct oracle *oracle, sim_printer print,
		   void *ctx);
const char *sim_inv_name(enum sim_inv inv);
/*
 * A scenario's own exact expectation (e.g. one of KVM's selftest checks it
 * mirrors): if !@ok, the oracle watching @sim records a violation of @inv
 * with the message, at the newest event.
 */
void oracle_expect(const struct sim *sim, bool ok, enum sim_inv inv,
		   const char *fmt, ...) __printf(4, 5);

#endif /* KVM_X86_SIM_ORACLE_H */
