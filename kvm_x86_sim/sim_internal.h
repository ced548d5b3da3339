/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated machine's state, shared by the simulator's own files.  The
 * kernel slice never sees this header: it reaches the machine only through
 * the sim_hw_* entry points in kvm_x86_sim/hw.h.
 */
#ifndef KVM_X86_SIM_INTERNAL_H
#define KVM_X86_SIM_INTERNAL_H

#include "kvm_x86_sim/sim.h"
#include "kvm_x86_sim/hw.h"

#define SIM_MAX_VCPUS	4
#define SIM_MAX_EVENTS	512
#define SIM_MAX_FINDINGS 16

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
	SIM_IOCTL_STRAY,
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
};

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
	/* VMX: the VMCS CET fields; SVM: the VMCB save area (in the glue) */
	struct sim_val guest_s_cet, guest_ssp, guest_isst;
	u64 host_s_cet;
	u32 entry_ctls, exit_ctls;
	void *kvm_vcpu;			/* the kernel's struct kvm_vcpu (glue) */
	/* the oracle's model of the guest's values, by slot */
	u64 model[SIM_NR_SLOTS];
	u64 model_ssp;			/* the guest's SSP (KVM_REG_GUEST_SSP) */
};

struct sim_finding {
	enum sim_inv inv;
	char msg[200];
	int event;			/* index into the trace, or -1 */
};

struct sim {
	enum sim_vendor vendor;
	unsigned int faults;
	/* the CPU */
	struct sim_val hw[SIM_NR_SLOTS];
	enum sim_mode mode;
	int fpregs_locked;
	bool need_fpu_load;		/* TIF_NEED_FPU_LOAD of current */
	struct sim_fpstate host_fps;	/* the host task's fpstate */
	struct sim_fpstate *cur_fps;	/* current->thread.fpu.fpstate */
	struct sim_fpstate *saved_task_fps; /* fpu->__task_fpstate */
	struct sim_vcpu *loaded_vcpu;	/* vcpu_load()ed, owns the VMCS */
	u64 host_u_cet, host_pl3_ssp, host_s_cet;
	/* the vCPUs */
	struct sim_vcpu vcpus[SIM_MAX_VCPUS];
	int nr_vcpus;
	/* what is running */
	enum sim_ioctl ioctl;
	struct sim_vcpu *ioctl_vcpu;
	int loads, puts;		/* in the current ioctl */
	bool clobber_pending;
	/* the trace and the oracle's findings */
	struct sim_event ev[SIM_MAX_EVENTS];
	int nr_ev;
	struct sim_finding findings[SIM_MAX_FINDINGS];
	int nr_findings;
	unsigned int violated;
};

/* the simulation the kernel code is running on (one per thread) */
extern struct sim *sim_hw_current;

/* trace.c */
int sim_trace(struct sim *sim, enum sim_event_type type, u32 index,
	      struct sim_val val, const char *file, int line, const char *what);
void sim_describe_event(const struct sim *sim, int i, char *buf, size_t len);

/* regfile.c */
int sim_msr_slot(u32 msr);
bool sim_slot_in_xsave(int slot, u64 xss);
u64 sim_slot_xfeature(int slot);
void sim_xsaves(struct sim *sim, struct sim_fpstate *fps);
void sim_xrstors(struct sim *sim, const struct sim_fpstate *fps);
struct sim_val sim_owned(struct sim *sim, u64 v, struct sim_vcpu *vcpu);

/* fpu.c */
void sim_fpu_init(struct sim *sim);
void sim_return_to_user(struct sim *sim);

/* vmx_svm.c */
bool sim_vcpu_has(struct sim_vcpu *v, int feature);
void sim_vcpu_load(struct sim_vcpu *v);
void sim_vcpu_put(struct sim_vcpu *v);
void sim_vm_entry(struct sim_vcpu *v);
void sim_vm_exit(struct sim_vcpu *v);

/* oracle.c */
void sim_violate(struct sim *sim, enum sim_inv inv, int event,
		 const char *fmt, ...) __printf(4, 5);
void sim_oracle_on_event(struct sim *sim, int event);
void sim_oracle_ioctl_exit(struct sim *sim);
void sim_oracle_batch(struct sim *sim, struct sim_vcpu *vcpu, bool write,
		      const struct sim_msr_entry *in,
		      const struct sim_msr_entry *out, u32 n, int ret);

/* ioctl.c */
void sim_ioctl_enter(struct sim *sim, enum sim_ioctl ioctl,
		     struct sim_vcpu *vcpu);
void sim_ioctl_exit(struct sim *sim);

#endif /* KVM_X86_SIM_INTERNAL_H */
