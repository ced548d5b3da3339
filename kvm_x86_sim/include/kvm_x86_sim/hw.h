/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated hardware as the kernel slice sees it.  stubs/custom.h maps
 * every hardware-touching kernel primitive (rdmsr, fpregs_lock,
 * fpu_swap_kvm_fpstate, vmcs_writel, guest_cpu_cap_has, copy_to_user,
 * KVM_BUG_ON, ...) onto these entry points, passing the call site's
 * __FILE__/__LINE__, which the slice's #line directives make the kernel's
 * own file and line.  They act on the current simulation (sim_hw_current).
 *
 * The other direction, the simulator entering the kernel's code, goes
 * through the table of kvm_x86_sim/kernel.h.
 */
#ifndef KVM_X86_SIM_HW_H
#define KVM_X86_SIM_HW_H

#include "kvm_x86_sim/port.h"
#include "kvm_x86_sim/layout.h"
#include "kvm_x86_sim/sim.h"

struct sim_vcpu;

/*
 * The XSAVE area as XSAVES writes it (SDM Vol. 1, 13.4: the 512-byte
 * legacy region and the 64-byte XSAVE header; 13.8.2: the compacted format,
 * each component of XCOMP_BV after the header in the order of its bit).
 * The simulated CPU's components: x87 and SSE (legacy region; their
 * registers are not modelled, their saved image is carried as it is),
 * CET_U (component 11: IA32_U_CET, IA32_PL3_SSP) and CET_S (component 12:
 * IA32_PL0_SSP..IA32_PL2_SSP), SDM Vol. 1, 13.1 and Table 13-1.
 */
struct sim_fxregs_state {
	u16 cwd, swd, twd, fop;
	u64 rip, rdp;
	u32 mxcsr, mxcsr_mask;
	u32 st_space[32];
	u32 xmm_space[64];
	u32 padding[12];
	u32 sw_reserved[12];
};

struct sim_xstate_header {
	u64 xfeatures;			/* XSTATE_BV */
	u64 xcomp_bv;			/* XCOMP_BV: bit 63 = compacted */
	u64 reserved[6];
};

struct sim_xregs_state {
	struct sim_fxregs_state i387;
	struct sim_xstate_header header;
	u64 cet_user[2];		/* U_CET, PL3_SSP */
	u64 cet_kernel[3];		/* PL0_SSP, PL1_SSP, PL2_SSP */
};

union sim_fpregs_state {
	struct sim_fxregs_state fxsave;
	struct sim_xregs_state xsave;
};

/* XCOMP_BV's format bit (SDM Vol. 1, 13.4.2) */
#define SIM_XCOMP_BV_COMPACTED		(1ULL << 63)

/*
 * struct fpstate as far as KVM looks into it (arch/x86/include/asm/fpu/
 * types.h): the kernel code under test reads
 * vcpu->arch.guest_fpu.fpstate->in_use, ->xfd, ->regs.xsave.header, so the
 * fields keep their names.  owner[] is the simulator's: whose value each
 * saved register is.
 */
struct sim_fpstate {
	bool in_use;
	bool is_confidential;
	s8 vcpu;			/* -1: the host task's */
	u64 xfeatures;			/* the components it holds */
	u64 user_xfeatures;		/* of them, what a user buffer carries */
	u64 xfd;			/* the components its XFD arms */
	unsigned int size, user_size;
	union sim_fpregs_state regs;
	u8 owner[SIM_NR_SLOTS];
};

/*
 * Does XSAVE area @x hold (a component of) @mask, as get_xsave_addr() reads
 * its header: XSTATE_BV set, within XCOMP_BV?  Else the component is in its
 * initial configuration, whatever bytes the area has there.
 */
static inline bool sim_xsave_holds(const struct sim_xregs_state *x, u64 mask)
{
	return x->header.xfeatures & x->header.xcomp_bv & mask;
}

/* Where @fps keeps register-file slot @slot; NULL: in no XSAVE component. */
u64 *sim_fps_slot(struct sim_fpstate *fps, int slot);
/*
 * get_xsave_addr(): component @nr of @xsave, NULL when the last XSAVES left
 * it in its initial configuration (XSTATE_BV[@nr] clear); WARNs (NULL) for
 * a component the host does not enable.
 */
void *sim_hw_get_xsave_addr(struct sim_xregs_state *xsave, int nr,
			    const char *file, int line);
/*
 * The uabi copies of KVM_{GET,SET}_XSAVE(2) (the FPU core's
 * fpu_copy_guest_fpstate_to_uabi() and fpu_copy_uabi_to_guest_fpstate()):
 * the standard, non-compacted format userspace sees, user components only.
 */
void sim_hw_fpstate_to_uabi(struct sim_fpstate *fps, void *buf,
			    unsigned int size, u64 xfeatures, u32 pkru,
			    const char *file, int line);
int sim_hw_uabi_to_fpstate(struct sim_fpstate *fps, const void *buf, u64 xcr0,
			   u32 *vpkru, const char *file, int line);

/*
 * The XFD family's FPU core (xfd.c): fpu_update_guest_xfd() (the
 * guest fpstate's XFD, and the CPU's if that fpstate is loaded),
 * fpu_sync_guest_vmexit_xfd_state() (the CPU's XFD, which the guest may
 * write without an exit, back into the loaded guest fpstate).
 */
void sim_hw_fpu_update_guest_xfd(struct sim_fpstate *fps, u64 xfd,
				 const char *file, int line);
void sim_hw_fpu_sync_guest_vmexit_xfd(const char *file, int line);
/*
 * fpu_enable_guest_xfd_features(): the guest fpstate holds @xfeatures
 * (dynamic components its CPUID enumerates) from now on; 0 or -errno
 */
int sim_hw_fpu_enable_guest_xfd_features(struct sim_fpstate *fps,
					 u64 xfeatures);
/* the host's XCR0 (xgetbv(), kvm_caps.supported_xcr0's source) */
u64 sim_hw_host_xcr0(void);

/* fpstate_clear_xstate_component(): XSAVE component @nr of @fps to init */
void sim_hw_fpstate_clear(struct sim_fpstate *fps, unsigned int nr,
			  const char *file, int line);

/* MSRs */
u64 sim_hw_rdmsr(u32 msr, const char *file, int line);
void sim_hw_wrmsr(u32 msr, u64 val, const char *file, int line);
int sim_hw_rdmsr_safe(u32 msr, u64 *val, const char *file, int line);

/*
 * XCR0 and PKRU (xregs.c): XSETBV (a #GP for an invalid value is a WARN
 * here: KVM checks before it writes), RDPKRU, WRPKRU; the kernel's
 * cpu_feature_enabled() and boot_cpu_has() of what the simulated CPU and
 * kernel enable.
 */
void sim_hw_xsetbv(u32 index, u64 val, const char *file, int line);
u32 sim_hw_rdpkru(const char *file, int line);
void sim_hw_wrpkru(u32 val, const char *file, int line);
bool sim_hw_cpu_feature(int feature);
/*
 * cpuid.c's guest_supported_xcr0 from the guest's CPUID.(0xD,0), which
 * enumerates every component KVM supports (@kvm_xcr0); the broken
 * primitive (SIM_FAULT_XCR0_ALL_SUPPORTED) enumerates them all.
 */
u64 sim_hw_guest_supported_xcr0(u64 kvm_xcr0);
/*
 * cpuid.c's kvm_update_cpuid_runtime() of CPUID.(0xD,@subleaf).EBX: the
 * size it computes for @xfeatures, or @old when the broken primitive
 * (SIM_FAULT_CPUID_NOT_UPDATED) leaves the leaf as it was.
 */
u32 sim_hw_cpuid_xsave_size(unsigned int subleaf, u64 xfeatures, u32 old);

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
/* vmx_switch_vmcs(): make vmcs02 (@l2) or vmcs01 the current VMCS */
void sim_hw_switch_vmcs(struct sim_vcpu *vcpu, bool l2, const char *file,
			int line);
bool sim_hw_is_noncanonical(u64 addr);
bool sim_hw_msr_advertised(u32 msr);
/* kvm_cpu_cap_has(): what KVM supports on this host (X86_FEATURE_*) */
bool sim_hw_kvm_cap(int feature);
/* Does the tree's code handle the CET MSRs (asked of it, probe.c)? */
bool sim_hw_tree_cet(void);
/* kvm.ignore_msrs */
bool sim_hw_ignore_msrs(void);
/* Does KVM virtualize CET here (the tree handles it, the host has it)? */
bool sim_hw_kvm_cet(void);
/* Does the CPU have CET (its MSRs, the VMX load-CET-state controls)? */
bool sim_hw_cpu_cet(void);
/*
 * {vmx,svm}_set_intercept_for_msr(): the MSR bitmap / MSRPM bits of @msr
 * for reads and/or writes; !@intercept passes it through to the guest
 */
void sim_hw_msr_intercept(struct sim_vcpu *vcpu, u32 msr, bool read,
			  bool write, bool intercept, const char *file,
			  int line);

/* the kernel's allocators (kmalloc, kvzalloc, ...): zeroed when @zero */
void *sim_hw_alloc(size_t size, bool zero, const char *file, int line);
void sim_hw_free(const void *p);

/* userspace memory: the number of bytes not copied, as the kernel's */
unsigned long sim_hw_copy_to_user(void *to, const void *from,
				  unsigned long n, const char *file, int line);
unsigned long sim_hw_copy_from_user(void *to, const void *from,
				    unsigned long n, const char *file,
				    int line);

/* diagnostics: KVM_BUG_ON, WARN_ON_ONCE; return @cond like the kernel's */
bool sim_hw_kvm_bug(bool cond, const char *expr, const char *file, int line);
bool sim_hw_warn(bool cond, const char *expr, const char *file, int line);
/* a call of a traced kernel function, at the caller's file:line */
void sim_hw_call(const char *fn, const char *file, int line);
/* a point where an interrupt may use the FPU (SIM_FAULT_IRQ_CLOBBERS_FPU) */
void sim_hw_preempt_point(const char *file, int line);

/* the guest fpstate of a simulated vCPU (the glue points KVM's at it) */
struct sim_fpstate *sim_vcpu_fpstate(struct sim_vcpu *vcpu);

#endif /* KVM_X86_SIM_HW_H */
