/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tree under test as the simulator drives it: the entry points of the
 * kernel's own code (msr_io, kvm_get_set_one_reg, kvm_load_guest_fpu, ...)
 * and its struct kvm_vcpu, behind one table of functions.  The per-tree
 * glue (stubs/glue.c, compiled with the slice) fills it in as
 * sim_tree_kernel; the runner hands it to sim_create().  So the simulator
 * calls into the kernel code only through this table, and the glue calls
 * only the simulated hardware (kvm_x86_sim/hw.h): no cycle.
 */
#ifndef KVM_X86_SIM_KERNEL_H
#define KVM_X86_SIM_KERNEL_H

#include "kvm_x86_sim/port.h"

struct sim_vcpu;
struct sim_vmcs12;
struct sim_nested_state;

enum sim_kernel_msr_op { SIM_KERNEL_GET, SIM_KERNEL_SET, SIM_KERNEL_FEATURE };
enum sim_xfd_phase {
	SIM_XFD_ENTRY, SIM_XFD_EXIT, SIM_XFD_NM_EXIT, SIM_XFD_NM_INTERCEPTED
};

struct sim_kernel {
	/* the tree the slice was cut from */
	const char *tree;
	/*
	 * SIM_NEED_* the compiled slice has the functions for, and why it
	 * lacks one (NULL: it has it).  Whether the code handles the CET
	 * MSRs is not in here: sim_kernel_caps() asks the code (probe.c).
	 */
	unsigned int caps;
	const char *(*lacks)(unsigned int needs);
	/* the kernel's struct kvm_vcpu for a simulated vCPU (opaque here) */
	void *(*vcpu_create)(struct sim_vcpu *vcpu, bool svm);
	void (*vcpu_destroy)(void *kvm_vcpu);
	/*
	 * the vendor's vCPU set-up with its VMCS/VMCB loaded (vmx_vcpu_create
	 * -> init_vmcs(): the host state, the VM-entry/exit controls)
	 */
	void (*vcpu_setup)(void *kvm_vcpu, bool svm);
	/*
	 * KVM_SET_CPUID2 (SIM_CPUID_*): what cpuid.c derives from it, or,
	 * once the vCPU model is frozen, whether it is the same; returns
	 * what KVM returns (0, -EINVAL)
	 */
	int (*set_cpuid)(void *kvm_vcpu, unsigned int cpuid);
	/* vcpu_enter_guest() after the run: last_vmentry_cpu = @cpu */
	void (*entered)(void *kvm_vcpu, int cpu);
	/*
	 * recalc_intercepts' MSR part ({vmx,svm}_recalc_msr_intercepts());
	 * false: the tree has no such function (the machine stands in)
	 */
	bool (*recalc_intercepts)(void *kvm_vcpu, bool svm);
	/* kvm_vcpu_ioctl(KVM_RUN) around the arch run loop: wants_to_run */
	void (*set_running)(void *kvm_vcpu, bool running);
	/*
	 * vcpu_enter_guest() around a VM-entry: the guest's XCR0 and XSS
	 * (kvm_load_xfeatures()) then its PKRU, and after the VM-exit the
	 * host's PKRU then XCR0 and XSS
	 */
	void (*xfeatures)(void *kvm_vcpu, bool guest);
	/*
	 * vcpu_enter_guest()'s XFD statements: SIM_XFD_ENTRY, the guest's
	 * XFD_ERR into the CPU before the VM-entry; SIM_XFD_EXIT and
	 * SIM_XFD_NM_EXIT (the exit is the guest's #NM), after the VM-exit:
	 * XFD synced from the CPU while its writes pass through, the
	 * vendor's handle_exit_irqoff() of an #NM (VMX's
	 * handle_nm_fault_irqoff(), the tree's), XFD_ERR cleared for the
	 * host.  SIM_XFD_NM_INTERCEPTED: does KVM intercept the guest's #NM
	 * (its exception bitmap)?
	 */
	int (*xfd)(void *kvm_vcpu, int phase);
	/*
	 * the guest's XSETBV (@op SIM_GUEST_XSETBV: kvm_emulate_xsetbv() at
	 * CPL 0, XCR @index <- *@data) or MOV to CR4.PKE
	 * (SIM_GUEST_SET_CR4_PKE, kvm_set_cr4()) or CPUID of leaf 0xD
	 * subleaf @index (SIM_GUEST_CPUID_0XD, kvm_emulate_cpuid(): *@data
	 * becomes EBX); returns 0, or non-zero for the #GP KVM injects
	 */
	int (*guest_xreg)(void *kvm_vcpu, int op, u32 index, u64 *data);
	/* KVM_GET_XCRS (*@x filled) or KVM_SET_XCRS (@set, from *@x) */
	int (*xcrs)(void *kvm_vcpu, bool set, struct sim_xcrs *x);
	/*
	 * nested virtualization as far as CET goes, the tree's code in KVM's
	 * order.  VMX: SIM_NESTED_VMLAUNCH (nested_vmx_run(): the host-state
	 * checks, the snapshot of L1's state, vmcs02, the guest-state
	 * checks), SIM_NESTED_VMEXIT (nested_vmx_vmexit(): vmcs12 from
	 * vmcs02, vmcs01 from vmcs12).  SVM: VMRUN (nested_svm_vmrun():
	 * vmcb12 cached, vmcb02 from it), #VMEXIT (nested_svm_vmexit():
	 * vmcb12 from vmcb02, back to vmcb01).  A VMLAUNCH returns an enum
	 * sim_nested_result; an exit fills @v12's guest fields back.
	 * nested_ran: the first VM-entry of L2 is done (nested_run_pending
	 * = 0).
	 */
	int (*nested)(void *kvm_vcpu, bool svm, int op, struct sim_vmcs12 *v12);
	/*
	 * KVM_GET_NESTED_STATE / KVM_SET_NESTED_STATE as far as CET goes
	 * ({vmx,svm}_{get,set}_nested_state(): the tree's restored-vmcs12
	 * checks and its nested VM-entry without a VMLAUNCH; SVM: L1's saved
	 * state copied into vmcb01); returns 0 or -errno
	 */
	int (*nested_state)(void *kvm_vcpu, bool svm, bool set,
			    struct sim_nested_state *ns);
	/*
	 * SMM as far as the guest SSP goes: enter_smm()'s save of the state
	 * into SMRAM (@op SIM_SMM_SMI: *@ssp becomes SMRAM's) or RSM's load
	 * of it (SIM_SMM_RSM from *@ssp), with the vendor's leaving and
	 * re-entering L2 around them; returns 0, or non-zero when KVM gives
	 * up (a triple fault, X86EMUL_UNHANDLEABLE): SIM_SMM_GAVE_UP_IN_L2
	 * when RSM did so after re-entering L2
	 */
#define SIM_SMM_GAVE_UP_IN_L2	2
	int (*smm)(void *kvm_vcpu, bool svm, int op, u64 *ssp);
	void (*nested_ran)(void *kvm_vcpu, bool svm);
	/* kvm_vcpu_reset()'s xstate part: kvm_xstate_reset() */
	void (*xstate_reset)(void *kvm_vcpu, bool init_event);
	/*
	 * kvm_vcpu_reset()'s vendor part as far as CET goes (vmx_vcpu_reset():
	 * the VMCS guest CET fields; svm_vcpu_reset(): the VMCB's, if it
	 * touches them); false: the tree has none for @svm
	 */
	bool (*vendor_reset)(void *kvm_vcpu, bool svm, bool init_event);
	/* the ioctl handlers: msr_io(), kvm_get_set_one_reg() */
	int (*msr_io)(void *kvm_vcpu, void *user_msrs,
		      enum sim_kernel_msr_op op);
	u64 (*one_reg_id)(u32 msr);
	/*
	 * kvm_init_msr_lists() as far as the CET MSRs and IA32_XSS go (the
	 * tree's kvm_probe_msr_to_save() deciding), and the list it made
	 * (msrs_to_save, then emulated_msrs): at most @max, returns the count
	 */
	void (*init_msr_lists)(void);
	u32 (*msr_index_list)(u32 *list, u32 max);
	/*
	 * kvm_arch_vcpu_ioctl()'s KVM_GET_XSAVE, KVM_GET_XSAVE2 and
	 * KVM_SET_XSAVE around the tree's kvm_vcpu_ioctl_x86_*_xsave*():
	 * @user is userspace's buffer of @size bytes
	 */
	int (*xsave)(void *kvm_vcpu, enum sim_xsave_op op, void *user,
		     u32 size);
	/* KVM_GET_REG_LIST: @user is struct kvm_reg_list (n, then ids) */
	int (*reg_list)(void *kvm_vcpu, u64 *user);
	int (*one_reg)(void *kvm_vcpu, bool set, u64 id, u64 *user_val);
	/* kvm_{get,set}_one_msr() directly: ONE_REG without its FPU load */
	int (*one_msr)(void *kvm_vcpu, bool set, u32 msr, u64 *user_val);
	/*
	 * a guest RDMSR/WRMSR that KVM intercepted and emulates (@as_host:
	 * a broken dispatcher passing host_initiated = true)
	 */
	int (*guest_msr)(void *kvm_vcpu, bool write, u32 msr, u64 *data,
			 bool as_host);
	void (*load_guest_fpu)(void *kvm_vcpu);
	void (*put_guest_fpu)(void *kvm_vcpu);
	/* SVM: the VMCB save area's CET fields, in the kernel's struct vmcb */
	void (*vmcb_cet)(void *kvm_vcpu, bool write, u64 *s_cet, u64 *ssp,
			 u64 *isst);
	/*
	 * SVM: is the VMCB's CET clean bit set (KVM has not written the CET
	 * fields since the last VMRUN, vmcb_mark_dirty())?  @all_clean: then
	 * mark every group clean, as svm_vcpu_run() does after a VMRUN.
	 */
	bool (*vmcb_cet_clean)(void *kvm_vcpu, bool all_clean);
	/*
	 * the sliced functions (the slicer's SLICE_FN_LIST) and their names;
	 * fns_instrumented: the slice was built to report each entry into
	 * them (validate's and mutate's builds: runner/entered.c)
	 */
	const void *const *fns;
	const char *const *fn_names;
	unsigned int nr_fns;
	bool fns_instrumented;
};

/*
 * What @k supports (SIM_NEED_*): its caps, and SIM_NEED_CET_MSRS if its
 * code handles the CET MSRs, probed once per tree; why it cannot run a
 * scenario needing @needs (NULL: it can).
 */
unsigned int sim_kernel_caps(const struct sim_kernel *k);
const char *sim_kernel_lacks(const struct sim_kernel *k, unsigned int needs);

#endif /* KVM_X86_SIM_KERNEL_H */
