// SPDX-License-Identifier: GPL-2.0
/*
 * The XFD family's glue, included by glue.c: vcpu_enter_guest()'s XFD
 * statements around the tree's handle_nm_fault_irqoff() (a stand-in: the
 * run loop is the simulator's, not sliced), and cpuid.c's part, the
 * guest fpstate enabled for the dynamic components its CPUID enumerates.
 */
#if defined(SLICE_HAVE_handle_nm_fault_irqoff) && \
	defined(SLICE_HAVE_kvm_guest_supported_xfd)
#define SIM_TREE_HAS_XFD SIM_NEED_XFD
#else
#define SIM_TREE_HAS_XFD 0
#endif

/*
 * vcpu_enter_guest(): before the VM-entry, the guest's XFD_ERR back in
 * the CPU (only when non-zero: the host's is 0); after the VM-exit, with
 * interrupts still off, XFD read back if the guest may write it without
 * an exit, the vendor's handling of an #NM exit, XFD_ERR cleared for the
 * host.  Whether KVM intercepts the guest's #NM is what its last
 * vmx_update_exception_bitmap() left (custom.h).
 */
static int glue_xfd(void *kvm_vcpu, int phase)
{
	struct kvm_vcpu *vcpu = kvm_vcpu;

	switch (phase) {
	case SIM_XFD_NM_INTERCEPTED:
		return vcpu->sim_nm_intercept;
	case SIM_XFD_ENTRY:
		if (vcpu->arch.guest_fpu.xfd_err)
			wrmsrq(MSR_IA32_XFD_ERR, vcpu->arch.guest_fpu.xfd_err);
		return 0;
	default:
		break;
	}
	if (vcpu->arch.xfd_no_write_intercept)
		fpu_sync_guest_vmexit_xfd_state();
#ifdef SLICE_HAVE_handle_nm_fault_irqoff
	if (phase == SIM_XFD_NM_EXIT)
		handle_nm_fault_irqoff(vcpu);
#endif
	if (vcpu->arch.guest_fpu.xfd_err)
		wrmsrq(MSR_IA32_XFD_ERR, 0);
	return 0;
}

/*
 * kvm_check_cpuid(): a guest whose CPUID.(0xD,0) enumerates dynamic
 * components gets an fpstate that holds them
 * (fpu_enable_guest_xfd_features(), which also sizes KVM_GET_XSAVE2's
 * buffer: uabi_size)
 */
static int glue_enable_xfd_features(struct kvm_vcpu *vcpu)
{
	struct fpu_guest *gfpu = &vcpu->arch.guest_fpu;
	u64 dynamic = vcpu->arch.guest_supported_xcr0 &
		      XFEATURE_MASK_USER_DYNAMIC;
	int r;

	if (!dynamic)
		return 0;
	r = sim_hw_fpu_enable_guest_xfd_features(gfpu->fpstate, dynamic);
	if (r)
		return r;
	gfpu->xfeatures = gfpu->fpstate->xfeatures;
	gfpu->uabi_size = gfpu->fpstate->user_size;
	return 0;
}
