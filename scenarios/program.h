/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generated VMM programs (model-based testing): a seeded generator of
 * ioctl sequences over several vCPUs (KVM_SET_CPUID2, KVM_{GET,SET}_MSRS
 * of CET and other MSRs with valid and invalid values, ONE_REG, the
 * /dev/kvm KVM_GET_MSRS, KVM_GET_REG_LIST, KVM_GET_XSAVE2/KVM_SET_XSAVE,
 * KVM_RUN with guest RDMSR/WRMSR, INIT, SMI/RSM and nested VMLAUNCH/VM-exit
 * pairs, a vCPU in L2 migrated with KVM_{GET,SET}_NESTED_STATE), on a
 * chosen host, with injected interruptions mixed in.  The
 * oracle judges every step; a failing program is shrunk to a minimal one
 * and printed as a scenario to paste into the table.
 */
#ifndef KVM_X86_SIM_PROGRAM_H
#define KVM_X86_SIM_PROGRAM_H

#include "scenario.h"

enum prog_op {
	PROG_SET_CPUID,
	PROG_SET_MSRS,
	PROG_GET_MSRS,
	PROG_SET_ONE_REG,
	PROG_GET_ONE_REG,
	PROG_DEV_GET_MSRS,
	PROG_REG_LIST,
	PROG_RUN,
	PROG_GET_XSAVE,		/* KVM_GET_XSAVE2 */
	PROG_SET_XSAVE,		/* KVM_GET_XSAVE2, spoiled, KVM_SET_XSAVE */
	/* a vCPU in L2 migrated, or a made-up nested state restored */
	PROG_NESTED_STATE,
	PROG_NR_OPS,
};

#define PROG_MAX_STEPS		16
#define PROG_MAX_ENTRIES	6
#define PROG_MAX_VCPUS		3
#define PROG_BIG_BATCH		(SIM_MAX_IO_MSRS + 3)

struct prog_step {
	u8 op;			/* enum prog_op */
	u8 vcpu;
	u8 n;			/* entries, or guest ops */
	unsigned int cpuid;	/* PROG_SET_CPUID */
	u64 reg_room;		/* PROG_REG_LIST: ids userspace has room for */
	u64 id_xor;		/* ONE_REG: its id spoiled (SIM_ONE_REG_BAD_*) */
	u16 big;		/* MSRS: this many entries, e[] repeated */
	u8 spoil;		/* PROG_SET_XSAVE: scn_xsave_spoil()'s kind */
	u8 how, dst;		/* PROG_NESTED_STATE: SCN_NS_*, the target */
	struct sim_msr_entry e[PROG_MAX_ENTRIES];
	/* RUN: .vmcs12 is set when run, to v12[] (a nested op's vmcs12) */
	struct sim_guest_op g[PROG_MAX_ENTRIES];
	struct sim_vmcs12 v12[PROG_MAX_ENTRIES];
};

/*
 * Which v12[] guest op @j of a KVM_RUN step uses: a VMLAUNCH its own, a
 * VM-exit its launch's (the last VMLAUNCH before it: an SMI and RSM may
 * be between), where L1 reads L2's state back; a lone VM-exit its own.
 */
static inline unsigned int prog_vmcs12_of(const struct prog_step *st,
					  unsigned int j)
{
	unsigned int i = j;

	while (i && st->g[i].nested != SIM_NESTED_VMLAUNCH)
		i--;
	return st->g[i].nested == SIM_NESTED_VMLAUNCH ? i : j;
}

struct prog {
	u64 seed;
	unsigned long index;	/* program number under the seed */
	enum sim_vendor vendor;
	enum sim_host host;
	bool ignore_msrs;
	unsigned int nr_vcpus;
	unsigned int nr_steps;
	struct prog_step steps[PROG_MAX_STEPS];
	unsigned int nr_inject;
	struct sim_injection inject[SIM_MAX_INJECTIONS];
};

/*
 * Program @index of @seed for @vendor: the same every time.  What the
 * tree lacks (ONE_REG, the device ioctl) is left out.
 */
void prog_generate(struct prog *p, u64 seed, unsigned long index,
		   enum sim_vendor vendor, const struct sim_kernel *k);
/* Add up to two injections among @boundaries (from a run without). */
void prog_add_injections(struct prog *p, unsigned int boundaries);

struct prog_result {
	unsigned int violations;	/* SIM_INV_BIT()s */
	unsigned int boundaries;
	unsigned long events;
};
/* Run @p on a new machine with @faults; @print gets the oracle's report. */
void prog_run(const struct prog *p, unsigned int faults, bool trace,
	      sim_printer print, void *ctx, struct prog_result *r);
/* Shrink @p while it still violates the lowest invariant of @mask. */
void prog_shrink(struct prog *p, unsigned int faults, unsigned int mask);
/* @p as a scenario function and its table entry, to paste. */
void prog_print_c(const struct prog *p, sim_printer print, void *ctx);

#endif /* KVM_X86_SIM_PROGRAM_H */
