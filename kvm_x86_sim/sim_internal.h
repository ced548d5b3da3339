/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulator's own functions, shared by its files.  The kernel slice
 * reaches the machine only through kvm_x86_sim/hw.h; observers read it
 * through kvm_x86_sim/machine.h.
 */
#ifndef KVM_X86_SIM_INTERNAL_H
#define KVM_X86_SIM_INTERNAL_H

#include "kvm_x86_sim/machine.h"
#include "kvm_x86_sim/kernel.h"

/* the simulation the kernel code is running on (one per thread) */
extern struct sim *sim_hw_current;

/* trace.c */
int sim_trace(struct sim *sim, enum sim_event_type type, u32 index,
	      struct sim_val val, const char *file, int line, const char *what);

/* regfile.c */
bool sim_slot_in_xsave(int slot, u64 xss);
u64 sim_slot_xfeature(int slot);
void sim_xsaves(struct sim *sim, struct sim_fpstate *fps);
void sim_xrstors(struct sim *sim, const struct sim_fpstate *fps);
struct sim_val sim_owned(struct sim *sim, u64 v, struct sim_vcpu *vcpu);

/* inject.c */
void sim_boundary(struct sim *sim);
void sim_hw_boundary(void);
void sim_irq_uses_fpu(struct sim *sim);
void sim_cpus_init(struct sim *sim);

/* fpu.c */
void sim_fpu_init(struct sim *sim);
void sim_guest_fpstate_init(struct sim *sim, struct sim_fpstate *fps, int id);
void sim_return_to_user(struct sim *sim);

/* vmx_svm.c */
/* the CET state a VMCS/VMCB holds by register-file slot (SSP aside) */
#define SIM_NR_CET_STATE_SLOTS 2
extern const int sim_cet_state_slots[SIM_NR_CET_STATE_SLOTS];
void sim_vcpu_load(struct sim_vcpu *v);
void sim_vcpu_put(struct sim_vcpu *v);
void sim_vm_entry(struct sim_vcpu *v);
void sim_vm_exit(struct sim_vcpu *v);
bool sim_msr_passthrough(const struct sim_vcpu *v, u32 msr, bool write);
void sim_vcpu_init(struct sim_vcpu *v);
int sim_guest_rdwrmsr(struct sim_vcpu *v, bool write, u32 msr, u64 *data);

/* xregs.c */
void sim_xregs_init(struct sim *sim);
int sim_guest_pkru(struct sim_vcpu *v, bool write, u64 *data);
/* xfd.c: the XFD family's CPU (IA32_XFD, IA32_XFD_ERR) and FPU core */
u64 sim_xfd_rdmsr(struct sim *sim, u32 msr, const char *file, int line);
void sim_xfd_wrmsr(struct sim *sim, u32 msr, u64 v, const char *file,
		   int line);
void sim_xfd_load(struct sim *sim, const struct sim_fpstate *fps);
bool sim_xfd_passthrough(const struct sim_vcpu *v, u32 msr, bool write);
void sim_xfd_intercept(struct sim_vcpu *v, u32 msr, bool read, bool write,
		       bool intercept);
int sim_xfd_guest_rdwrmsr(struct sim_vcpu *v, bool write, u32 msr,
			  u64 *data);
int sim_guest_tile(struct sim_vcpu *v);
void sim_xfd_irqs_on(struct sim *sim);

/* nested.c */
int sim_nested(struct sim_vcpu *v, struct sim_guest_op *op);
/* ioctl.c */
void sim_ioctl_enter(struct sim *sim, enum sim_ioctl ioctl,
		     struct sim_vcpu *vcpu);
void sim_ioctl_exit(struct sim *sim);

/* observe.c: tell every observer */
void sim_notify_event(struct sim *sim, int i);
void sim_notify_ioctl(struct sim *sim, bool enter);
void sim_notify_batch(struct sim *sim, const struct sim_batch *b);
void sim_notify_guest_msr(struct sim *sim, const struct sim_guest_msr *g);
void sim_notify_reg_list(struct sim *sim, const struct sim_reg_list *l);
void sim_notify_msr_list(struct sim *sim, const struct sim_msr_list *l);
void sim_notify_xsave(struct sim *sim, const struct sim_xsave_io *x);
void sim_notify_cpuid(struct sim *sim, const struct sim_cpuid_set *c);
void sim_notify_nested_state(struct sim *sim,
			     const struct sim_nested_state_io *n);
void sim_notify_xcrs(struct sim *sim, const struct sim_xcrs_io *x);
void sim_notify_destroy(struct sim *sim);

/*
 * Whether fault @f (SIM_FAULT_*) is set, recording that the code under
 * test reached the primitive it breaks: a proof of the harness whose
 * broken primitive a tree never reaches proves nothing (sim_case_run).
 */
static inline bool sim_faulty(const struct sim *sim, unsigned int f)
{
	if (!(sim->faults & f))
		return false;
	/* bookkeeping, not state: the const queries of the machine count */
	((struct sim *)sim)->faults_reached |= f;
	return true;
}

#endif /* KVM_X86_SIM_INTERNAL_H */
