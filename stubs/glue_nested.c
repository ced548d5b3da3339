// SPDX-License-Identifier: GPL-2.0
/*
 * The glue's nested virtualization, part of glue.c (included by it, so
 * the slice's static functions are in reach; a .c file, so the slicer
 * does not take the names it calls for ones the stubs provide): L1's
 * VMLAUNCH/VMRUN and L2's VM-exit, KVM_{GET,SET}_NESTED_STATE, and VMX's
 * leaving and re-entering L2 around SMM, each as far as CET goes, calling
 * the tree's code in the order KVM does.
 */

/* nested_run_pending: struct kvm_vcpu_arch's in 7.x, nested_vmx's before */
static void glue_run_pending(struct kvm_vcpu *vcpu, bool svm, bool pending)
{
	vcpu->arch.nested_run_pending = pending;
	if (!svm)
		to_vmx(vcpu)->nested.nested_run_pending = pending;
}

/* enter_guest_mode() / leave_guest_mode(): what is_guest_mode() reads */
static void glue_guest_mode(struct kvm_vcpu *vcpu, bool l2)
{
	if (l2)
		vcpu->arch.hflags |= HF_GUEST_MASK;
	else
		vcpu->arch.hflags &= ~HF_GUEST_MASK;
}

#if defined(SLICE_HAVE_vmcs_write_cet_state) && \
	defined(SLICE_HAVE_vmcs_read_cet_state) && \
	defined(SLICE_HAVE_load_vmcs12_host_state) && \
	defined(SLICE_HAVE_nested_vmx_check_host_state) && \
	defined(SLICE_HAVE_nested_vmx_check_guest_state) && \
	defined(SLICE_HAVE_nested_vmx_enter_non_root_mode) && \
	defined(SLICE_HAVE_prepare_vmcs02_rare) && \
	defined(SLICE_HAVE_prepare_vmcs02) && \
	defined(SLICE_HAVE_sync_vmcs02_to_vmcs12)
#define SIM_TREE_HAS_NESTED_VMX SIM_NEED_NESTED_VMX
#define GLUE_NESTED_VMX 1	/* for #if: an enum constant is 0 there */

/* vmcs12's CET part from the harness's description of it, and back */
static void glue_vmcs12_write(struct vmcs12 *vmcs12,
			      const struct sim_vmcs12 *s12)
{
	vmcs12->vm_entry_controls = s12->entry_ctls;
	vmcs12->vm_exit_controls = s12->exit_ctls;
	vmcs12->guest_s_cet = s12->guest_s_cet;
	vmcs12->guest_ssp = s12->guest_ssp;
	vmcs12->guest_ssp_tbl = s12->guest_isst;
	vmcs12->host_s_cet = s12->host_s_cet;
	vmcs12->host_ssp = s12->host_ssp;
	vmcs12->host_ssp_tbl = s12->host_isst;
}

static void glue_vmcs12_read(const struct vmcs12 *vmcs12,
			     struct sim_vmcs12 *s12)
{
	s12->entry_ctls = vmcs12->vm_entry_controls;
	s12->exit_ctls = vmcs12->vm_exit_controls;
	s12->guest_s_cet = vmcs12->guest_s_cet;
	s12->guest_ssp = vmcs12->guest_ssp;
	s12->guest_isst = vmcs12->guest_ssp_tbl;
	s12->host_s_cet = vmcs12->host_s_cet;
	s12->host_ssp = vmcs12->host_ssp;
	s12->host_isst = vmcs12->host_ssp_tbl;
}

/*
 * nested_vmx_vmexit() as far as CET goes: vmcs12 from vmcs02 (its
 * prepare_vmcs12()), back to vmcs01, vmcs01 from vmcs12
 */
static void glue_vmx_leave_l2(struct kvm_vcpu *vcpu, struct vmcs12 *vmcs12)
{
	sync_vmcs02_to_vmcs12(vcpu, vmcs12);
	glue_guest_mode(vcpu, false);
	sim_hw_switch_vmcs(vcpu->sim, false, __FILE__, __LINE__);
	load_vmcs12_host_state(vcpu, vmcs12);
}

/*
 * nested_vmx_enter_non_root_mode(vcpu, false): L2 entered without a
 * VMLAUNCH (a restore, an RSM), so without the guest-state checks; L1's
 * snapshot, then vmcs02 (vmcs12 dirty: prepare_vmcs02_rare() runs)
 */
static void glue_vmx_reenter_l2(struct kvm_vcpu *vcpu, struct vmcs12 *vmcs12)
{
	enum vm_entry_failure_code failure;

	nested_vmx_enter_non_root_mode(vcpu, false);
	sim_hw_switch_vmcs(vcpu->sim, true, __FILE__, __LINE__);
	glue_guest_mode(vcpu, true);
	prepare_vmcs02_rare(to_vmx(vcpu), vmcs12);
	prepare_vmcs02(vcpu, vmcs12, false, &failure);
}

/*
 * nested_vmx_run() and nested_vmx_vmexit() as far as CET goes, calling the
 * tree's code in the order KVM does; what else they do (controls, MSR
 * bitmaps, EPT, segment state) is not modelled.  vmcs12 is "dirty" at
 * every VMLAUNCH (L1 wrote it), so prepare_vmcs02_rare() runs.
 */
static int glue_nested_vmx(struct kvm_vcpu *vcpu, int op,
			   struct sim_vmcs12 *s12)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	struct vmcs12 *vmcs12 = get_vmcs12(vcpu);
	enum vm_entry_failure_code failure;

	if (op == SIM_NESTED_VMEXIT) {
		glue_vmx_leave_l2(vcpu, vmcs12);
		glue_vmcs12_read(vmcs12, s12);	/* L1's VMREADs */
		return SIM_NESTED_ENTERED;
	}
	/* L1's VMWRITEs (handle_vmwrite() into the cached vmcs12) */
	glue_vmcs12_write(vmcs12, s12);
	if (nested_vmx_check_host_state(vcpu, vmcs12))
		return SIM_NESTED_VMFAIL;
	glue_run_pending(vcpu, false, true);
	/* nested_vmx_enter_non_root_mode(): L1's state, then vmcs02 */
	nested_vmx_enter_non_root_mode(vcpu, true);
	sim_hw_switch_vmcs(vcpu->sim, true, __FILE__, __LINE__);
	if (nested_vmx_check_guest_state(vcpu, vmcs12, &failure)) {
		/* vmentry_fail_vmexit: back to vmcs01, L1's host state */
		sim_hw_switch_vmcs(vcpu->sim, false, __FILE__, __LINE__);
		load_vmcs12_host_state(vcpu, vmcs12);
		glue_run_pending(vcpu, false, false);
		return SIM_NESTED_ENTRY_FAILED;
	}
	glue_guest_mode(vcpu, true);
	prepare_vmcs02_rare(vmx, vmcs12);	/* from prepare_vmcs02() */
	prepare_vmcs02(vcpu, vmcs12, true, &failure);
	return SIM_NESTED_ENTERED;
}
#else
#define SIM_TREE_HAS_NESTED_VMX 0
#define GLUE_NESTED_VMX 0

static int glue_nested_vmx(struct kvm_vcpu *vcpu, int op,
			   struct sim_vmcs12 *s12)
{
	return SIM_NESTED_UNSUPPORTED;
}
#endif

#if defined(SLICE_HAVE_vmcs_write_cet_state) && \
	defined(SLICE_HAVE_nested_copy_vmcb_save_to_cache) && \
	defined(SLICE_HAVE_nested_vmcb02_prepare_save) && \
	defined(SLICE_HAVE_nested_svm_vmexit_update_vmcb12)
#define SIM_TREE_HAS_NESTED_SVM SIM_NEED_NESTED_SVM
#define GLUE_NESTED_SVM 1

/* L1's vmcb12s, at these guest-physical addresses */
#define GLUE_VMCB12_GPA(n) (0x7000ULL + (n) * 0x1000ULL)

/* nested_svm_vmexit(): vmcb12 from vmcb02, back to vmcb01 (L1's state) */
static void glue_svm_leave_l2(struct kvm_vcpu *vcpu)
{
	struct vcpu_svm *svm = to_svm(vcpu);

	nested_svm_vmexit_update_vmcb12(vcpu);
	glue_guest_mode(vcpu, false);
	svm->vmcb = svm->vmcb01.ptr;	/* svm_switch_vmcb(vmcb01) */
	sim_hw_switch_vmcs(vcpu->sim, false, __FILE__, __LINE__);
}

/*
 * vmcb12 as L1 left it in its memory, cached (the controls: its clean
 * bits), then enter_svm_guest_mode(): vmcb02 from the cache
 */
static void glue_svm_enter_l2(struct kvm_vcpu *vcpu)
{
	struct vcpu_svm *svm = to_svm(vcpu);
	struct vmcb *vmcb12 = vcpu->guest_page;

	svm->nested.ctl.clean = vmcb12->control.clean;
	nested_copy_vmcb_save_to_cache(svm, &vmcb12->save);
	glue_run_pending(vcpu, true, true);
	svm->vmcb = svm->nested.vmcb02.ptr;	/* svm_switch_vmcb(vmcb02) */
	sim_hw_switch_vmcs(vcpu->sim, true, __FILE__, __LINE__);
	glue_guest_mode(vcpu, true);
	nested_vmcb02_prepare_save(svm);
}

/*
 * nested_svm_vmrun() and nested_svm_vmexit() as far as CET goes, the
 * tree's code in KVM's order; the rest (controls, MSR permission map,
 * NPT, event injection) is not modelled.  L1's vmcb12s share one page
 * here: the guest-physical address tells them apart.
 */
static int glue_nested_svm(struct kvm_vcpu *vcpu, int op,
			   struct sim_vmcs12 *s12)
{
	struct vcpu_svm *svm = to_svm(vcpu);
	struct vmcb *vmcb12 = vcpu->guest_page;

	if (op == SIM_NESTED_VMEXIT) {
		glue_svm_leave_l2(vcpu);
		s12->guest_s_cet = vmcb12->save.s_cet;
		s12->guest_ssp = vmcb12->save.ssp;
		s12->guest_isst = vmcb12->save.isst_addr;
		return SIM_NESTED_ENTERED;
	}
	/* L1 writes vmcb12 in its memory, then VMRUN */
	vmcb12->save.s_cet = s12->guest_s_cet;
	vmcb12->save.ssp = s12->guest_ssp;
	vmcb12->save.isst_addr = s12->guest_isst;
	vmcb12->control.clean = s12->clean ? ~0u : 0;
	svm->nested.vmcb12_gpa = GLUE_VMCB12_GPA(s12->vmcb12);
	glue_svm_enter_l2(vcpu);
	return SIM_NESTED_ENTERED;
}
#else
#define SIM_TREE_HAS_NESTED_SVM 0
#define GLUE_NESTED_SVM 0

static int glue_nested_svm(struct kvm_vcpu *vcpu, int op,
			   struct sim_vmcs12 *s12)
{
	return SIM_NESTED_UNSUPPORTED;
}
#endif

static int glue_nested(void *kvm_vcpu, bool svm, int op,
		       struct sim_vmcs12 *s12)
{
	return svm ? glue_nested_svm(kvm_vcpu, op, s12) :
		     glue_nested_vmx(kvm_vcpu, op, s12);
}

static void glue_nested_ran(void *kvm_vcpu, bool svm)
{
	glue_run_pending(kvm_vcpu, svm, false);
}

#if GLUE_NESTED_VMX || GLUE_NESTED_SVM
/* {vmx,svm}_get_nested_state()'s flags */
static u32 glue_nested_flags(struct kvm_vcpu *vcpu)
{
	if (!is_guest_mode(vcpu))
		return 0;
	return SIM_NESTED_STATE_GUEST_MODE |
	       (vcpu->arch.nested_run_pending ? SIM_NESTED_STATE_RUN_PENDING :
						0);
}
#endif

#if GLUE_NESTED_VMX && \
	defined(SLICE_HAVE_nested_vmx_check_restored_vmcs12)
#define SIM_TREE_HAS_NESTED_STATE_VMX SIM_NEED_NESTED_STATE_VMX
/*
 * vmx_get_nested_state() and vmx_set_nested_state() as far as CET goes.
 * GET: in guest mode vmcs02 holds L2's state, synced into vmcs12 first.
 * SET: vmcs12 from userspace; in guest mode the tree's checks of the
 * restored vmcs12, then nested_vmx_enter_non_root_mode(vcpu, false): no
 * VMLAUNCH, no guest-state checks at entry, vmcs12 dirty (so
 * prepare_vmcs02() runs prepare_vmcs02_rare()); nested_run_pending as
 * userspace says.  The rest (VMXON, vmcs12 pages, eVMCS, shadow VMCS,
 * the preemption timer) is not modelled.
 */
static int glue_nested_state_vmx(struct kvm_vcpu *vcpu, bool set,
				 struct sim_nested_state *ns)
{
	struct vmcs12 *vmcs12 = get_vmcs12(vcpu);

	if (!set) {
		ns->flags = glue_nested_flags(vcpu);
		if (is_guest_mode(vcpu))
			sync_vmcs02_to_vmcs12(vcpu, vmcs12);
		glue_vmcs12_read(vmcs12, &ns->vmcs12);
		return 0;
	}
	glue_vmcs12_write(vmcs12, &ns->vmcs12);
	if (!(ns->flags & SIM_NESTED_STATE_GUEST_MODE))
		return 0;
	glue_run_pending(vcpu, false,
			 ns->flags & SIM_NESTED_STATE_RUN_PENDING);
	if (nested_vmx_check_restored_vmcs12(vcpu) < 0) {
		glue_run_pending(vcpu, false, false);	/* error_guest_mode */
		return -EINVAL;
	}
	glue_vmx_reenter_l2(vcpu, vmcs12);
	return 0;
}

/*
 * vmx_enter_smm() (@enter, after the state save) and vmx_leave_smm()
 * (before the state load) for an SMI taken in L2: KVM 7.2 leaves L2 by
 * its VM-exit path and re-enters it by its VM-entry path without a
 * VMLAUNCH (its own TODO calls this wrong: the VM-exit may load L1's
 * state, which then stays L2's); a restored vmcs12 that fails the checks
 * is a triple fault (returns 1).
 */
static int glue_vmx_smm(struct kvm_vcpu *vcpu, bool enter)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	struct vmcs12 *vmcs12 = get_vmcs12(vcpu);

	if (enter) {
		vmx->nested.smm.guest_mode = is_guest_mode(vcpu);
		if (vmx->nested.smm.guest_mode)
			glue_vmx_leave_l2(vcpu, vmcs12);
		return 0;
	}
	if (!vmx->nested.smm.guest_mode)
		return 0;
	if (nested_vmx_check_restored_vmcs12(vcpu) < 0)
		return 1;
	glue_vmx_reenter_l2(vcpu, vmcs12);
	glue_run_pending(vcpu, false, true);
	vmx->nested.smm.guest_mode = false;
	return 0;
}
#else
#define SIM_TREE_HAS_NESTED_STATE_VMX 0

static int glue_nested_state_vmx(struct kvm_vcpu *vcpu, bool set,
				 struct sim_nested_state *ns)
{
	return SIM_NESTED_UNSUPPORTED;
}

static int glue_vmx_smm(struct kvm_vcpu *vcpu, bool enter)
{
	return 0;
}
#endif

#if GLUE_NESTED_SVM && defined(SLICE_HAVE_svm_copy_vmrun_state)
#define SIM_TREE_HAS_NESTED_STATE_SVM SIM_NEED_NESTED_STATE_SVM
/*
 * svm_get_nested_state() and svm_set_nested_state() as far as CET goes.
 * GET: vmcb01's save area (L1's state in guest mode) goes to userspace
 * whole.  SET in guest mode: the registers userspace restored so far
 * (vmcb01's) become L2's (vmcb02's save area), L1's state is the tree's
 * svm_copy_vmrun_state() of userspace's save area into vmcb01, and L2
 * runs on vmcb02, all of it dirty.  The controls, GIF, NPT and their
 * checks are not modelled.
 */
static int glue_nested_state_svm(struct kvm_vcpu *vcpu, bool set,
				 struct sim_nested_state *ns)
{
	struct vcpu_svm *svm = to_svm(vcpu);
	struct vmcb_save_area save = { 0 };

	if (!set) {
		ns->flags = glue_nested_flags(vcpu);
		ns->vmcs12.vmcb12 = (svm->nested.vmcb12_gpa -
				     GLUE_VMCB12_GPA(0)) >> 12;
		ns->l1_s_cet = svm->vmcb01.ptr->save.s_cet;
		ns->l1_ssp = svm->vmcb01.ptr->save.ssp;
		ns->l1_isst = svm->vmcb01.ptr->save.isst_addr;
		return 0;
	}
	if (!(ns->flags & SIM_NESTED_STATE_GUEST_MODE))
		return 0;		/* svm_leave_nested(): not nested */
	svm->nested.vmcb02.ptr->save = svm->vmcb01.ptr->save;
	glue_run_pending(vcpu, true,
			 ns->flags & SIM_NESTED_STATE_RUN_PENDING);
	svm->nested.vmcb12_gpa = GLUE_VMCB12_GPA(ns->vmcs12.vmcb12 & 1);
	save.s_cet = ns->l1_s_cet;
	save.ssp = ns->l1_ssp;
	save.isst_addr = ns->l1_isst;
	svm_copy_vmrun_state(&svm->vmcb01.ptr->save, &save);
	svm->vmcb = svm->nested.vmcb02.ptr;	/* svm_switch_vmcb(vmcb02) */
	sim_hw_switch_vmcs(vcpu->sim, true, __FILE__, __LINE__);
	glue_guest_mode(vcpu, true);
	svm->vmcb->control.clean = 0;		/* vmcb_mark_all_dirty() */
	return 0;
}

/*
 * svm_enter_smm() (@enter, after the state save) and svm_leave_smm()
 * (before the state load) for an SMI taken in L2: L2 leaves by the
 * #VMEXIT path (its CET state saved in vmcb12), L1's state kept in its
 * host save area while SMM runs on vmcb01 (the tree's
 * svm_copy_vmrun_state() both ways), and RSM re-enters L2 from vmcb12.
 * A guest without long mode is refused (KVM: nested SVM and SMIs are
 * then mutually exclusive): returns 1, as KVM gives up.
 */
static int glue_svm_smm(struct kvm_vcpu *vcpu, bool enter)
{
	struct sim_kvm_vcpu *k = container_of(vcpu, struct sim_kvm_vcpu,
					      svm.vcpu);
	struct vcpu_svm *svm = to_svm(vcpu);

	if (enter) {
		k->smm_svm_guest = is_guest_mode(vcpu);
		if (!k->smm_svm_guest)
			return 0;
		if (!guest_cpu_cap_has(vcpu, X86_FEATURE_LM))
			return 1;
		glue_svm_leave_l2(vcpu);	/* nested_svm_simple_vmexit() */
		svm_copy_vmrun_state(&k->hsave.save, &svm->vmcb01.ptr->save);
		return 0;
	}
	if (!k->smm_svm_guest)
		return 0;
	k->smm_svm_guest = false;
	svm_copy_vmrun_state(&svm->vmcb01.ptr->save, &k->hsave.save);
	svm->vmcb01.ptr->control.clean = 0;	/* vmcb_mark_all_dirty() */
	glue_svm_enter_l2(vcpu);
	return 0;
}
#else
#define SIM_TREE_HAS_NESTED_STATE_SVM 0

static int glue_nested_state_svm(struct kvm_vcpu *vcpu, bool set,
				 struct sim_nested_state *ns)
{
	return SIM_NESTED_UNSUPPORTED;
}

static int glue_svm_smm(struct kvm_vcpu *vcpu, bool enter)
{
	return 0;
}
#endif

static int glue_nested_state(void *kvm_vcpu, bool svm, bool set,
			     struct sim_nested_state *ns)
{
	return svm ? glue_nested_state_svm(kvm_vcpu, set, ns) :
		     glue_nested_state_vmx(kvm_vcpu, set, ns);
}
