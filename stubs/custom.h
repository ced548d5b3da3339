/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test-specific behaviour: every kernel primitive that touches hardware or
 * state the invariants are about, routed into the simulator with the call
 * site's __FILE__/__LINE__ (the kernel's own, thanks to the slice's #line).
 * Each definition is preceded by an #undef: built as kernel code (kunit/),
 * the kernel's headers may already define the name.
 */
#ifndef KVM_X86_SIM_STUBS_CUSTOM_H
#define KVM_X86_SIM_STUBS_CUSTOM_H

#include "kvm_x86_sim/hw.h"

/* MSRs: both the old rdmsrl/wrmsrl and the new rdmsrq/wrmsrq spellings */
#undef rdmsrq
#define rdmsrq(msr, val)	((val) = sim_hw_rdmsr((msr), __FILE__, __LINE__))
#undef wrmsrq
#define wrmsrq(msr, val)	sim_hw_wrmsr((msr), (val), __FILE__, __LINE__)
#undef rdmsrl
#define rdmsrl(msr, val)	rdmsrq(msr, val)
#undef wrmsrl
#define wrmsrl(msr, val)	wrmsrq(msr, val)
#undef rdmsrq_safe
#define rdmsrq_safe(msr, p)	sim_hw_rdmsr_safe((msr), (u64 *)(p), __FILE__, __LINE__)
#undef rdmsrl_safe
#define rdmsrl_safe(msr, p)	rdmsrq_safe(msr, p)
#undef rdmsr_safe
#define rdmsr_safe(msr, lo, hi) ({					\
	u64 __v;							\
	int __r = sim_hw_rdmsr_safe((msr), &__v, __FILE__, __LINE__);	\
	*(lo) = (u32)__v;						\
	*(hi) = (u32)(__v >> 32);					\
	__r;								\
})

/* the FPU core */
#undef fpregs_lock
#define fpregs_lock()		sim_hw_fpregs_lock(__FILE__, __LINE__)
#undef fpregs_unlock
#define fpregs_unlock()		sim_hw_fpregs_unlock(__FILE__, __LINE__)
#undef switch_fpu_return
#define switch_fpu_return()	sim_hw_switch_fpu_return(__FILE__, __LINE__)
#undef TIF_NEED_FPU_LOAD
#define TIF_NEED_FPU_LOAD	1
#undef test_thread_flag
#define test_thread_flag(flag) \
	((flag) == TIF_NEED_FPU_LOAD && sim_hw_need_fpu_load())
#undef fpstate_clear_xstate_component
#define fpstate_clear_xstate_component(fps, nr) \
	sim_hw_fpstate_clear((fps), (nr), __FILE__, __LINE__)
#undef get_xsave_addr
#define get_xsave_addr(xsave, nr) \
	sim_hw_get_xsave_addr((xsave), (nr), __FILE__, __LINE__)
#undef fpu_copy_guest_fpstate_to_uabi
#define fpu_copy_guest_fpstate_to_uabi(gfpu, buf, size, xfeatures, pkru) \
	sim_hw_fpstate_to_uabi((gfpu)->fpstate, (buf), (size), (xfeatures), \
			       (pkru), __FILE__, __LINE__)
#undef fpu_copy_uabi_to_guest_fpstate
#define fpu_copy_uabi_to_guest_fpstate(gfpu, buf, xcr0, vpkru) \
	sim_hw_uabi_to_fpstate((gfpu)->fpstate, (buf), (xcr0), (vpkru), \
			       __FILE__, __LINE__)
#undef fpu_swap_kvm_fpstate
#define fpu_swap_kvm_fpstate(gfpu, enter) \
	sim_hw_fpu_swap_kvm_fpstate((gfpu)->fpstate, (enter), __FILE__, __LINE__)
#undef fpu_update_guest_xfd
#define fpu_update_guest_xfd(gfpu, xfd) \
	sim_hw_fpu_update_guest_xfd((gfpu)->fpstate, (xfd), __FILE__, __LINE__)
#undef fpu_sync_guest_vmexit_xfd_state
#define fpu_sync_guest_vmexit_xfd_state() \
	sim_hw_fpu_sync_guest_vmexit_xfd(__FILE__, __LINE__)

/* VMX, CPUID */
#undef vmcs_readl
#define vmcs_readl(field)	sim_hw_vmcs_read((field), __FILE__, __LINE__)
#undef vmcs_writel
#define vmcs_writel(field, v)	sim_hw_vmcs_write((field), (v), __FILE__, __LINE__)
#undef vmcs_read64
#define vmcs_read64(field)	vmcs_readl(field)
#undef vmcs_write16
#define vmcs_write16(field, v)	vmcs_writel(field, v)
#undef vmcs_write32
#define vmcs_write32(field, v)	vmcs_writel(field, v)
#undef rdmsr
#define rdmsr(msr, low, high) do {					\
	u64 __v = sim_hw_rdmsr((msr), __FILE__, __LINE__);		\
	(low) = (u32)__v;						\
	(high) = (u32)(__v >> 32);					\
} while (0)
#undef vmcs_write64
#define vmcs_write64(field, v)	vmcs_writel(field, v)
#undef guest_cpu_cap_has
#define guest_cpu_cap_has(vcpu, f) sim_hw_guest_cap((vcpu)->sim, (f), __FILE__, __LINE__)
#undef guest_cpuid_has
#define guest_cpuid_has(vcpu, f) guest_cpu_cap_has(vcpu, f)
#undef is_noncanonical_msr_address
#define is_noncanonical_msr_address(la, vcpu) \
	((void)(vcpu), sim_hw_is_noncanonical(la))
#undef is_noncanonical_address
#define is_noncanonical_address(la, vcpu, ...) \
	((void)(vcpu), sim_hw_is_noncanonical(la))
#ifndef SLICE_HAVE_kvm_is_advertised_msr
/* (a tree without it: the list KVM would advertise, from the machine) */
#define kvm_is_advertised_msr(msr) sim_hw_msr_advertised(msr)
#endif
#undef kvm_cpu_cap_has
#define kvm_cpu_cap_has(f)	sim_hw_kvm_cap(f)

/* the MSR bitmap (VMX) and MSRPM (SVM): which MSRs the guest reaches */
#undef vmx_set_intercept_for_msr
#define vmx_set_intercept_for_msr(vcpu, msr, type, set)			\
	sim_hw_msr_intercept((vcpu)->sim, (msr), (type) & MSR_TYPE_R,	\
			     (type) & MSR_TYPE_W, (set), __FILE__, __LINE__)
#undef vmx_disable_intercept_for_msr
#define vmx_disable_intercept_for_msr(vcpu, msr, type)			\
	vmx_set_intercept_for_msr(vcpu, msr, type, false)
/*
 * vmx_update_exception_bitmap(): of its bits only #NM is modelled, set
 * while XFD's writes pass through (xfd_no_write_intercept) as the call
 * finds the flag; the glue reads the bit when the guest takes an #NM
 */
#undef vmx_update_exception_bitmap
#define vmx_update_exception_bitmap(vcpu) \
	((vcpu)->sim_nm_intercept = (vcpu)->arch.xfd_no_write_intercept)
/* the guest's CR0 is not modelled: CR0.TS (is_xfd_nm_fault()) is clear */
#undef kvm_is_cr0_bit_set
#define kvm_is_cr0_bit_set(vcpu, bit)	((void)(vcpu), (void)(bit), false)
#undef svm_set_intercept_for_msr
#define svm_set_intercept_for_msr(vcpu, msr, type, set)			\
	vmx_set_intercept_for_msr(vcpu, msr, type, set)

/* userspace memory: a "user" pointer is a plain pointer here */
#undef copy_from_user
#define copy_from_user(to, from, n) \
	sim_hw_copy_from_user((to), (from), (n), __FILE__, __LINE__)
#undef copy_to_user
#define copy_to_user(to, from, n) sim_hw_copy_to_user((to), (from), (n), __FILE__, __LINE__)
#undef get_user
#define get_user(x, ptr) \
	({ __typeof__(*(ptr)) __gu; int __gr = sim_hw_copy_from_user(&__gu, (ptr), sizeof(__gu), __FILE__, __LINE__) ? -EFAULT : 0; (x) = __gr ? 0 : __gu; __gr; })
#undef put_user
#define put_user(x, ptr) \
	({ __typeof__(*(ptr)) __pu = (x); sim_hw_copy_to_user((ptr), &__pu, sizeof(__pu), __FILE__, __LINE__) ? -EFAULT : 0; })
static inline void *sim_memdup_user(const void *src, size_t len)
{
	void *p = sim_hw_alloc(len, false, __FILE__, __LINE__);

	if (!p)
		return ERR_PTR(-ENOMEM);
	if (sim_hw_copy_from_user(p, src, len, __FILE__, __LINE__)) {
		sim_hw_free(p);
		return ERR_PTR(-EFAULT);
	}
	return p;
}
#undef memdup_user
#define memdup_user(src, len) sim_memdup_user((src), (len))
#ifndef __KERNEL__
/* the kernel's allocators: a failure is the memory limit's (OOM) */
#define kmalloc(size, ...)	sim_hw_alloc((size), false, __FILE__, __LINE__)
#define kzalloc(size, ...)	sim_hw_alloc((size), true, __FILE__, __LINE__)
#define kvmalloc(size, ...)	kmalloc(size)
#define kvzalloc(size, ...)	kzalloc(size)
#define vmalloc(size)		kmalloc(size)
#define vzalloc(size)		kzalloc(size)
#define kcalloc(n, size, ...)	kzalloc((size_t)(n) * (size))
#define kmalloc_array(n, size, ...) kmalloc((size_t)(n) * (size))
#define kfree(p)		sim_hw_free(p)
#define kvfree(p)		sim_hw_free(p)
#define vfree(p)		sim_hw_free(p)
#endif

/* calls of functions the spec marks "traced": the trace gets the call site */
#define SLICE_TRACED_CALL(fn, ...) \
	(sim_hw_call(#fn, __FILE__, __LINE__), (fn)(__VA_ARGS__))

/* diagnostics */
#undef KVM_BUG_ON
/* like the kernel's: @kvm is only evaluated (and marked bugged) on a bug */
#define KVM_BUG_ON(cond, kvm) ({					\
	bool __bug = !!(cond);						\
	if (__bug)							\
		(kvm)->vm_bugged = true;				\
	sim_hw_kvm_bug(__bug, "KVM_BUG_ON(" #cond ")", __FILE__, __LINE__);		\
})
#undef WARN_ON_ONCE
#define WARN_ON_ONCE(cond) sim_hw_warn(!!(cond), "WARN_ON_ONCE(" #cond ")", __FILE__, __LINE__)
#undef WARN_ON
#define WARN_ON(cond) sim_hw_warn(!!(cond), "WARN_ON(" #cond ")", __FILE__, __LINE__)

/*
 * kvm_update_cpuid_runtime() (cpuid.c, not sliced): the guest's CPUID
 * leaves that follow its state, here CPUID.(0xD,0).EBX and (0xD,1).EBX,
 * the XSAVE area's size for XCR0 and for XCR0 | IA32_XSS; older trees
 * call it after an XSS or XCR0 write, 7.x marks cpuid_dynamic_bits_dirty
 * and kvm_cpuid() calls it before it answers (the glue's)
 */
struct kvm_vcpu;
static void glue_update_cpuid_runtime(struct kvm_vcpu *vcpu);
#undef kvm_update_cpuid_runtime
#define kvm_update_cpuid_runtime(vcpu)	glue_update_cpuid_runtime(vcpu)

#endif /* KVM_X86_SIM_STUBS_CUSTOM_H */
