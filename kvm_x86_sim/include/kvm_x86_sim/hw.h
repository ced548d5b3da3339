/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated hardware as the kernel slice sees it.  stubs/custom.h maps
 * every hardware-touching kernel primitive (rdmsr, fpregs_lock,
 * fpu_swap_kvm_fpstate, vmcs_writel, guest_cpu_cap_has, copy_to_user,
 * KVM_BUG_ON, ...) onto these entry points, passing the call site's
 * __FILE__/__LINE__, which the slice's #line directives make the kernel's
 * own file and line.  They act on the current simulation (sim_hw_current).
 *
 * The other half of the contract, sim_glue_*, is what the per-tree glue
 * (stubs/glue.c, compiled with the slice) offers the simulator.
 */
#ifndef KVM_X86_SIM_HW_H
#define KVM_X86_SIM_HW_H

#include "kvm_x86_sim/port.h"
#include "kvm_x86_sim/layout.h"
#include "kvm_x86_sim/sim.h"

struct sim_vcpu;

/*
 * struct fpstate as far as KVM looks into it.  The kernel code under test
 * reads vcpu->arch.guest_fpu.fpstate->in_use, so the field keeps its name.
 */
struct sim_fpstate {
	bool in_use;
	bool is_confidential;
	s8 vcpu;			/* -1: the host task's */
	u64 xfeatures;
	u64 regs[SIM_NR_SLOTS];		/* saved XSAVE components, by slot */
	u8 owner[SIM_NR_SLOTS];
};

/* MSRs */
u64 sim_hw_rdmsr(u32 msr, const char *file, int line);
void sim_hw_wrmsr(u32 msr, u64 val, const char *file, int line);
int sim_hw_rdmsr_safe(u32 msr, u64 *val, const char *file, int line);

/* FPU */
void sim_hw_fpregs_lock(const char *file, int line);
void sim_hw_fpregs_unlock(const char *file, int line);
bool sim_hw_need_fpu_load(void);
void sim_hw_switch_fpu_return(const char *file, int line);
void sim_hw_fpu_swap_kvm_fpstate(struct sim_fpstate *guest, bool enter_guest,
				 const char *file, int line);
u64 sim_hw_supported_xss(void);

/* VMX / SVM / CPUID */
unsigned long sim_hw_vmcs_read(u32 field, const char *file, int line);
void sim_hw_vmcs_write(u32 field, unsigned long val, const char *file,
		       int line);
bool sim_hw_guest_cap(struct sim_vcpu *vcpu, int feature, const char *file,
		      int line);
bool sim_hw_is_noncanonical(u64 addr);
bool sim_hw_msr_advertised(u32 msr);

/* userspace memory */
unsigned long sim_hw_copy_to_user(void *to, const void *from,
				  unsigned long n, const char *file, int line);

/* diagnostics: KVM_BUG_ON, WARN_ON_ONCE; return @cond like the kernel's */
bool sim_hw_kvm_bug(bool cond, const char *expr, const char *file, int line);
bool sim_hw_warn(bool cond, const char *expr, const char *file, int line);
/* a call of a traced kernel function, at the caller's file:line */
void sim_hw_call(const char *fn, const char *file, int line);
/* a point where an interrupt may use the FPU (SIM_FAULT_IRQ_CLOBBERS_FPU) */
void sim_hw_preempt_point(const char *file, int line);

/*
 * The per-tree glue (stubs/glue.c).  kvm_vcpu is the kernel's struct
 * kvm_vcpu, opaque to the simulator.
 */
enum sim_glue_msr_op { SIM_GLUE_GET, SIM_GLUE_SET, SIM_GLUE_FEATURE };

struct sim_fpstate *sim_vcpu_fpstate(struct sim_vcpu *vcpu);
void *sim_glue_vcpu_create(struct sim_vcpu *vcpu, bool svm);
void sim_glue_vcpu_destroy(void *kvm_vcpu);
int sim_glue_msr_io(void *kvm_vcpu, void *user_msrs, enum sim_glue_msr_op op);
int sim_glue_one_reg(void *kvm_vcpu, bool set, u64 id, u64 *user_val);
u64 sim_glue_one_reg_id(u32 msr);
int sim_glue_one_msr(void *kvm_vcpu, bool set, u32 msr, u64 *user_val);
int sim_glue_guest_msr(void *kvm_vcpu, bool write, u32 msr, u64 *data);
void sim_glue_load_guest_fpu(void *kvm_vcpu);
void sim_glue_put_guest_fpu(void *kvm_vcpu);
/* SVM: the VMCB save area's CET fields, owned by the glue's struct vmcb */
void sim_glue_vmcb_cet(void *kvm_vcpu, bool write, u64 *s_cet, u64 *ssp,
		       u64 *isst);
bool sim_glue_has(unsigned int needs, const char **reason);
const char *sim_glue_tree(void);

#endif /* KVM_X86_SIM_HW_H */
