/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated machine's state: the CPU's register file and mode, the FPU
 * core's bookkeeping, the vCPUs' VMCS/VMCB CET fields, and the event trace.
 * The simulator owns and writes it; observers (the oracle, a trace printer)
 * get a const pointer and only read it.
 */
#ifndef KVM_X86_SIM_MACHINE_H
#define KVM_X86_SIM_MACHINE_H

#include "kvm_x86_sim/sim.h"
#include "kvm_x86_sim/hw.h"
#include "kvm_x86_sim/observer.h"

#define SIM_MAX_VCPUS	4
#define SIM_MAX_EVENTS	512
#define SIM_MAX_OBSERVERS 4
#define SIM_NR_CPUS	2

/* Whose value a register holds: provenance for the oracle. */
enum sim_owner {
	SIM_OWN_NONE,		/* reset value, zero, or computed */
	SIM_OWN_HOST,		/* the host task / host kernel */
	SIM_OWN_GUEST,		/* a guest vCPU (see owner_vcpu) */
};

struct sim_val {
	u64 v;
	u8 owner;
	s8 vcpu;		/* for SIM_OWN_GUEST */
};

enum sim_mode { SIM_MODE_HOST_USER, SIM_MODE_HOST_KERNEL, SIM_MODE_GUEST };

/* What is happening, for the oracle's context-dependent checks. */
enum sim_ioctl {
	SIM_IOCTL_NONE,
	SIM_IOCTL_GET_MSRS,
	SIM_IOCTL_SET_MSRS,
	SIM_IOCTL_GET_ONE_REG,
	SIM_IOCTL_SET_ONE_REG,
	SIM_IOCTL_DEV_GET_MSRS,
	SIM_IOCTL_RUN,
	SIM_IOCTL_REG_LIST,
	SIM_IOCTL_MSR_LIST,
	SIM_IOCTL_STRAY,
	SIM_IOCTL_GET_XSAVE,	/* KVM_GET_XSAVE, KVM_GET_XSAVE2 */
	SIM_IOCTL_SET_XSAVE,
	SIM_IOCTL_GET_NESTED_STATE,
	SIM_IOCTL_SET_NESTED_STATE,
	SIM_IOCTL_GET_XCRS,
	SIM_IOCTL_SET_XCRS,
	SIM_IOCTL_GET_MP_STATE,
};

enum sim_event_type {
	SIM_EV_IOCTL_ENTER,
	SIM_EV_IOCTL_EXIT,
	SIM_EV_RDMSR,
	SIM_EV_WRMSR,
	SIM_EV_FPU_LOAD,	/* fpu_swap_kvm_fpstate(, true) */
	SIM_EV_FPU_PUT,		/* fpu_swap_kvm_fpstate(, false) */
	SIM_EV_FPREGS_LOCK,
	SIM_EV_FPREGS_UNLOCK,
	SIM_EV_FPU_RESTORE,	/* switch_fpu_return */
	SIM_EV_FPU_CLOBBER,	/* an IRQ used the FPU */
	SIM_EV_VMCS_READ,
	SIM_EV_VMCS_WRITE,
	SIM_EV_CPUID_QUERY,
	SIM_EV_VM_ENTRY,
	SIM_EV_VM_EXIT,
	SIM_EV_KVM_BUG,
	SIM_EV_WARN,
	SIM_EV_USER_COPY,
	SIM_EV_CALL,		/* a traced kernel function is called */
	SIM_EV_ALLOC_FAIL,	/* a kernel allocation failed */
	SIM_EV_FPSTATE_CLEAR,	/* an XSAVE component of an fpstate reset */
	SIM_EV_INIT,		/* INIT of a vCPU (emulated inside KVM_RUN) */
	SIM_EV_INJECT,		/* an injected preemption or migration */
	SIM_EV_MSR_INTERCEPT,	/* an MSR bitmap / MSRPM bit set or cleared */
	SIM_EV_NESTED,		/* a nested VM-entry or VM-exit (L1 <-> L2) */
	SIM_EV_VMCS_SWITCH,	/* KVM makes vmcs01 or vmcs02 current */
	/* an fpstate copied to (index 0) or from (1) a userspace XSAVE buffer */
	SIM_EV_XSAVE_UABI,
	SIM_EV_SMM,		/* an SMI (index 1) or RSM (2), emulated by KVM */
	SIM_EV_XREG,		/* XSETBV of XCR0 (index 0), WRPKRU (index 1) */
	/* interrupts on after a VM-exit (val: IA32_XFD_ERR then) */
	SIM_EV_IRQS_ON,
};

/* SIM_EV_XREG's index */
enum sim_xreg { SIM_XREG_XCR0, SIM_XREG_PKRU };

struct sim_event {
	u8 type;
	s8 vcpu;
	u8 mode;
	u32 index;		/* MSR, VMCS field, feature ... */
	struct sim_val val;
	const char *file;	/* the kernel's file:line via #line */
	int line;
	const char *what;
};

struct sim_vcpu {
	struct sim *sim;
	int id;
	unsigned int cpuid;		/* SIM_CPUID_* */
	struct sim_fpstate fps;		/* guest_fpu.fpstate */
	/*
	 * VMX: the VMCS guest-state CET fields; SVM: the VMCB save area's (in
	 * the glue).  By register-file slot for the MSRs that have one
	 * (S_CET, INT_SSP_TAB: see SIM_CET_MSRS), and the SSP register.
	 */
	struct sim_val vmcs[SIM_NR_SLOTS];
	struct sim_val guest_ssp;
	/*
	 * Nested VMX: in_l2 while L2 runs (or KVM handles its exit);
	 * vmcs02_current while KVM has vmcs02 loaded, the other VMCS's CET
	 * guest fields parked (the host fields and controls are shared).
	 */
	bool in_l2, vmcs02_current;
	bool smm_from_l2;	/* in SMM entered from L2 (RSM goes back) */
	bool cr4_pke;		/* the guest set CR4.PKE (KVM accepted it) */
	struct sim_val parked[SIM_NR_SLOTS], parked_ssp;
	u64 host_s_cet, host_isst;	/* VMX host-state fields */
	u32 host_written;		/* BIT(SIM_HOST_IDX_*) written */
	u64 host_vals[SIM_NR_HOST_FIELDS];
	struct sim_val host_save[SIM_NR_SLOTS];	/* SVM: what VMRUN saved */
	/*
	 * SVM: the CET fields the CPU cached at its last VMRUN of this VMCB
	 * (vmcb_cached_cpu: on which CPU; -1: none), used instead of the
	 * VMCB's while its CET clean bit is set.
	 */
	struct sim_val vmcb_cache[SIM_NR_SLOTS], vmcb_cache_ssp;
	int vmcb_cached_cpu;
	bool cet_from_cache;		/* the last VMRUN used that cache */
	u32 entry_ctls, exit_ctls;
	/*
	 * The MSR bitmap (VMX) / MSRPM (SVM) for the modelled MSRs, as the
	 * tree's recalc_msr_intercepts() left it: BIT(slot) set when a guest
	 * RDMSR ([0]) / WRMSR ([1]) runs without a VM-exit.  All intercepted
	 * at creation.  tree_intercepts: the tree's code decides (else the
	 * stand-in in vmx_svm.c, for trees without that function).
	 */
	u32 passthrough[2];
	bool tree_intercepts;
	/* the XFD family's MSRs (no slot): BIT(0) XFD, BIT(1) XFD_ERR */
	u8 xfd_passthrough[2];
	bool nm_exit;			/* this exit is the guest's #NM */
	/* where the tree passed each through: the guest access's trace line */
	const char *pt_file[SIM_NR_SLOTS];
	int pt_line[SIM_NR_SLOTS];
	void *kvm_vcpu;			/* the kernel's struct kvm_vcpu (glue) */
};

struct sim {
	enum sim_vendor vendor;
	unsigned int faults;
	/* the faults whose broken primitive the code under test reached */
	unsigned int faults_reached;
	/* the host: what KVM supports on it, what the CPU has (SIM_CPUID_*) */
	enum sim_host host;
	unsigned int kvm_caps, cpu_caps;
	unsigned int va_bits;
	u64 host_xss;			/* the host's IA32_XSS */
	bool ignore_msrs;		/* kvm.ignore_msrs */
	/* the CPU */
	struct sim_val hw[SIM_NR_SLOTS];
	/* XCR0 and PKRU (not MSRs: no slot; the values say whose they are) */
	u64 xcr0;
	u32 pkru;
	/*
	 * The XFD family (no slot either): the AMX host's CPU has AMX and
	 * XFD; IA32_XFD and IA32_XFD_ERR as the CPU holds them
	 */
	bool amx;
	struct sim_val xfd, xfd_err;
	enum sim_mode mode;
	int fpregs_locked;
	bool need_fpu_load;		/* TIF_NEED_FPU_LOAD of current */
	struct sim_fpstate host_fps;	/* the host task's fpstate */
	struct sim_fpstate *cur_fps;	/* current->thread.fpu.fpstate */
	struct sim_fpstate *saved_task_fps; /* fpu->__task_fpstate */
	struct sim_vcpu *loaded_vcpu;	/* vcpu_load()ed, owns the VMCS */
	u64 host_u_cet, host_pl3_ssp, host_s_cet;
	/*
	 * The CPUs: hw[] is the one the vCPU task runs on; the other's XSAVE
	 * registers wait in cpu_regs[].  fpregs_owner[c]: CPU c's registers
	 * are the task's (fpu_fpregs_owner_ctx); last_cpu: where the task's
	 * registers were last live (fpu->last_cpu).  Both as the x86 FPU
	 * core keeps them to skip a reload (fpregs_state_valid()).
	 */
	int cpu, last_cpu;
	bool fpregs_owner[SIM_NR_CPUS];
	int vmcb_last[SIM_NR_CPUS];	/* SVM: the VMCB VMRUN last ran (vmcb_id) */
	struct sim_val cpu_regs[SIM_NR_CPUS][SIM_NR_SLOTS];
	int irqs_off;			/* around VM-entry/VM-exit */
	/* exploration: the schedule of injected events (sim_set_schedule) */
	struct sim_injection inject[SIM_MAX_INJECTIONS];
	unsigned int nr_inject, next_inject, fired;
	unsigned int boundary;		/* boundaries passed */
	bool injecting;
	/* the ioctl's next user copy faults; one of this ioctl's did */
	bool uaccess_armed, uaccess_faulted;
	unsigned int uaccess_faults;	/* injected faults taken, in all */
	/* the vCPUs */
	struct sim_vcpu vcpus[SIM_MAX_VCPUS];
	int nr_vcpus;
	/* what is running */
	enum sim_ioctl ioctl;
	struct sim_vcpu *ioctl_vcpu;
	int loads, puts;		/* in the current ioctl */
	int live_allocs;		/* its kmalloc()s not yet kfree()d */
	bool clobber_pending;
	/* the event trace: ev[i] is event number ev_base + i */
	struct sim_event ev[SIM_MAX_EVENTS];
	int nr_ev;
	int ev_base;
	/* the tree under test, and what it offers (SIM_NEED_*) */
	const struct sim_kernel *kernel;
	unsigned int tree_caps;
	/* bytes of the first allocation of the kernel code that failed */
	u64 alloc_failed;
	/* who watches (the oracle, a trace printer, ...) */
	struct sim_observer observers[SIM_MAX_OBSERVERS];
	int nr_observers;
};

/* The host's XCR0: the simulated CPU's, with AMX's tiles on the AMX host */
static inline u64 sim_host_xcr0(const struct sim *sim)
{
	return SIM_HOST_XCR0 | (sim->amx ? SIM_XFEATURE_MASK_XTILE : 0);
}

/* The components the host's kernel enables: its max_features (XCR0|XSS). */
static inline u64 sim_host_max_xfeatures(const struct sim *sim)
{
	return sim_host_xcr0(sim) | sim->host_xss;
}

/*
 * What an fpstate holds to start with: the kernel's default features,
 * every enabled component but the dynamic ones a task must ask for
 */
static inline u64 sim_default_xfeatures(const struct sim *sim)
{
	return sim_host_max_xfeatures(sim) & ~SIM_XFEATURE_MASK_DYNAMIC;
}

/* What a host fpstate's buffer holds where no XSAVES wrote (never loaded). */
#define SIM_STALE_XSAVE_BYTES	0x5a5a5a5a5a5a5a5aULL

/*
 * The value @fps holds for register-file slot @slot as the next XRSTORS
 * would load it: the saved bytes if XSTATE_BV says the component was
 * saved, else the component's initial configuration (0); *@owner: whose.
 */
static inline u64 sim_fpstate_value(const struct sim_fpstate *fps, int slot,
				    u8 *owner)
{
	const u64 *mem = sim_fps_slot((struct sim_fpstate *)fps, slot);
	u64 mask = sim_msr_facts[slot].xfeature;

	if (!mem || !sim_xsave_holds(&fps->regs.xsave, mask)) {
		*owner = SIM_OWN_NONE;
		return 0;
	}
	*owner = fps->owner[slot];
	return *mem;
}

/*
 * Reading the machine: the register-file slot of an MSR (SIM_SLOT_NONE if
 * the CPU model has none), and one event of the trace as a line of text.
 */
int sim_msr_slot(u32 msr);
void sim_describe_event(const struct sim *sim, int i, char *buf, size_t len);
/* Bytes of the first allocation that failed (0: none) since reset. */
u64 sim_failed_alloc(bool reset);
/* An allocation of @size bytes failed (the runner's C allocator wrap). */
void sim_note_failed_alloc(u64 size);
/* The machine the kernel code is running on now (NULL: none). */
const struct sim *sim_running(void);
/* Is event number @n (as given to on_event) still in the trace? */
static inline const struct sim_event *sim_event_at(const struct sim *sim,
						   int n)
{
	int i = n - sim->ev_base;

	return i >= 0 && i < sim->nr_ev ? &sim->ev[i] : NULL;
}

#endif /* KVM_X86_SIM_MACHINE_H */
