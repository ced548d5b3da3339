/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Observers: whoever watches the simulated machine (the oracle that judges
 * the invariants, a trace printer, a coverage counter) registers a set of
 * callbacks with sim_attach().  Each callback gets the machine read-only
 * (kvm_x86_sim/machine.h) and keeps its own state in @ctx; nothing an
 * observer does changes the machine, and the machine knows no observer by
 * name.
 */
#ifndef KVM_X86_SIM_OBSERVER_H
#define KVM_X86_SIM_OBSERVER_H

#include "kvm_x86_sim/port.h"

struct sim;
struct sim_vcpu;
struct sim_msr_entry;
struct sim_vmcs12;
struct sim_nested_state;

/* One KVM_{GET,SET}_MSRS (or ONE_REG, as a batch of one) as userspace saw it. */
struct sim_batch {
	const struct sim_vcpu *vcpu;	/* NULL: /dev/kvm */
	bool write;
	const struct sim_msr_entry *in;	/* what userspace passed */
	const struct sim_msr_entry *out; /* what it got back */
	u32 n;
	int ret;			/* entries processed, or -errno */
	bool one_reg;			/* KVM_{GET,SET}_ONE_REG: ... */
	int err;			/* ... its return, 0 or -errno */
	bool user_fault;		/* a copy from/to userspace faulted */
	bool bad_id;			/* ONE_REG with an invalid id */
};

/* A guest RDMSR/WRMSR during KVM_RUN, emulated by KVM or passed through. */
struct sim_guest_msr {
	const struct sim_vcpu *vcpu;
	bool init;			/* an INIT, not an MSR access */
	u8 xreg;			/* not an MSR access: SIM_GUEST_XSETBV, ... */
	/*
	 * not an MSR access: a nested VMLAUNCH (vmcs12 as L1 wrote it, ret
	 * an enum sim_nested_result) or L2's VM-exit (vmcs12 as L1 reads
	 * it back); SIM_NESTED_*
	 */
	u8 nested;
	const struct sim_vmcs12 *vmcs12;
	u8 smm;				/* not an MSR access: SIM_SMM_* */
	bool write;
	bool passthrough;		/* reached the CPU without an exit */
	u32 msr;
	u64 data;			/* written, or read back */
	int ret;			/* 0: done; else the guest gets #GP */
};

/* KVM_GET_MSR_INDEX_LIST as userspace saw it */
struct sim_msr_list {
	const u32 *msrs;
	u32 n;
};

/* KVM_GET_REG_LIST as userspace saw it */
struct sim_reg_list {
	const struct sim_vcpu *vcpu;
	u64 n_in;			/* room userspace offered */
	u64 n_out;			/* what KVM wrote back to n */
	const u64 *regs;		/* the ids KVM listed */
	int ret;			/* 0 or -errno */
	bool user_fault;		/* a copy from/to userspace faulted */
};

/* KVM_SET_CPUID2 as userspace saw it */
struct sim_cpuid_set {
	const struct sim_vcpu *vcpu;
	unsigned int cpuid;		/* asked for (SIM_CPUID_*) */
	unsigned int old;		/* the vCPU's before */
	int ret;			/* 0 or -errno */
};

/* KVM_GET_XSAVE(2) / KVM_SET_XSAVE as userspace saw it */
struct sim_xsave_io {
	const struct sim_vcpu *vcpu;
	int op;				/* enum sim_xsave_op */
	u32 size;			/* bytes of the buffer */
	const u8 *in;			/* what userspace passed */
	const u8 *out;			/* what it got back (GET) */
	int ret;			/* 0 or -errno */
	bool user_fault;		/* a copy from/to userspace faulted */
};

/* KVM_GET_XCRS / KVM_SET_XCRS as userspace saw it */
struct sim_xcrs_io {
	const struct sim_vcpu *vcpu;
	bool set;
	const struct sim_xcrs *x;	/* what userspace passed, or got back */
	int ret;			/* 0 or -errno */
};

/* KVM_{GET,SET}_NESTED_STATE */
struct sim_nested_state_io {
	const struct sim_vcpu *vcpu;
	bool set;
	const struct sim_nested_state *in;	/* what userspace passed (SET) */
	const struct sim_nested_state *out;	/* what it got back (GET) */
	int ret;				/* 0 or -errno */
};

struct sim_observer_ops {
	/* event number @n was just recorded (sim_event_at(sim, n)) */
	void (*on_event)(void *ctx, const struct sim *sim, int n);
	/* a vCPU or system ioctl begins / is about to return to userspace */
	void (*on_ioctl_enter)(void *ctx, const struct sim *sim);
	void (*on_ioctl_exit)(void *ctx, const struct sim *sim);
	/* the ioctl's results, after it returned */
	void (*on_batch)(void *ctx, const struct sim *sim,
			 const struct sim_batch *b);
	void (*on_guest_msr)(void *ctx, const struct sim *sim,
			     const struct sim_guest_msr *g);
	void (*on_reg_list)(void *ctx, const struct sim *sim,
			    const struct sim_reg_list *l);
	void (*on_msr_list)(void *ctx, const struct sim *sim,
			    const struct sim_msr_list *l);
	void (*on_xsave)(void *ctx, const struct sim *sim,
			 const struct sim_xsave_io *x);
	void (*on_cpuid)(void *ctx, const struct sim *sim,
			 const struct sim_cpuid_set *c);
	void (*on_nested_state)(void *ctx, const struct sim *sim,
				const struct sim_nested_state_io *n);
	void (*on_xcrs)(void *ctx, const struct sim *sim,
			const struct sim_xcrs_io *x);
	/* the machine goes away: free @ctx */
	void (*on_destroy)(void *ctx, const struct sim *sim);
};

struct sim_observer {
	const struct sim_observer_ops *ops;
	void *ctx;
};

/* Watch @sim from now on; false if it has no room for another observer. */
bool sim_attach(struct sim *sim, const struct sim_observer_ops *ops,
		void *ctx);

#endif /* KVM_X86_SIM_OBSERVER_H */
