// SPDX-License-Identifier: GPL-2.0
/*
 * The per-tree glue: compiled once per kernel tree together with that
 * tree's generated slice (included below, so its static functions are in
 * reach), it builds the kernel's struct kvm_vcpu for each simulated vCPU and
 * enters the tree's own code the way the ioctl handlers of x86.c do.  All
 * of it is offered to the simulator as one table, sim_tree_kernel
 * (kvm_x86_sim/kernel.h); the simulator calls nothing here by name.
 */
#include SLICE_C
#include "kvm_x86_sim/kernel.h"

struct kvm_caps kvm_caps;
struct kvm_host_values kvm_host;
struct kvm_x86_ops kvm_x86_ops;
struct vmcs_config vmcs_config;
bool enable_cet;
bool enable_mediated_pmu;

/* The vendor module's get_feature_msr: nothing CET-related lives there. */
static int sim_vendor_get_feature_msr(u32 msr, u64 *data)
{
	return KVM_MSR_RET_UNSUPPORTED;
}

struct sim_kvm_vcpu {
	struct kvm kvm;
	union {			/* struct kvm_vcpu is first in both */
		struct vcpu_vmx vmx;
		struct vcpu_svm svm;
	};
	struct vmcs12 vmcs12;	/* nested.cached_vmcs12 */
	struct vmcb vmcb02;	/* nested SVM: the VMCB KVM runs L2 on */
	struct vmcb vmcb12;	/* nested SVM: L1's, in its memory */
	struct vmcb hsave;	/* nested SVM: L1's host save area (VM_HSAVE_PA) */
	bool smm_svm_guest;	/* SMRAM's svm_guest_flag (SMRAM is the harness's) */
	unsigned int cpuid;	/* the last KVM_SET_CPUID2 KVM took */
	/* its CPUID.(0xD,0).EBX and (0xD,1).EBX as cpuid.c last set them */
	u32 xsave_ebx[2];
};

static void *glue_vcpu_create(struct sim_vcpu *v, bool svm)
{
	struct sim_kvm_vcpu *k = sim_zalloc(sizeof(*k));
	struct kvm_vcpu *vcpu;

	if (!k)
		return NULL;
	if (svm) {
		vcpu = &k->svm.vcpu;
		k->svm.vmcb = &k->svm.save_vmcb;
		k->svm.vmcb01.ptr = k->svm.vmcb;
		k->svm.nested.vmcb02.ptr = &k->vmcb02;
		vcpu->guest_page = &k->vmcb12;
		kvm_x86_ops.get_msr = svm_get_msr;
		kvm_x86_ops.set_msr = svm_set_msr;
	} else {
		vcpu = &k->vmx.vcpu;
		k->vmx.nested.cached_vmcs12 = &k->vmcs12;
		kvm_x86_ops.get_msr = vmx_get_msr;
		kvm_x86_ops.set_msr = vmx_set_msr;
	}
	kvm_x86_ops.get_feature_msr = sim_vendor_get_feature_msr;
	kvm_caps.supported_xss = sim_hw_supported_xss();
	kvm_caps.supported_xcr0 = sim_hw_host_xcr0();
	/*
	 * what kvm_x86_vendor_init() reads of the host, once: the kernel's
	 * IA32_XSS (all it enables, whatever KVM supports of it)
	 */
	rdmsrq(MSR_IA32_XSS, kvm_host.xss);
	rdmsrq(MSR_IA32_S_CET, kvm_host.s_cet);
	vcpu->kvm = &k->kvm;
	vcpu->sim = v;
	vcpu->arch.last_vmentry_cpu = -1;	/* kvm_arch_vcpu_create() */
	vcpu->arch.guest_fpu.fpstate = sim_vcpu_fpstate(v);
	/* fpu_alloc_guest_fpstate(): KVM_GET_XSAVE's size to start with */
	vcpu->arch.guest_fpu.uabi_size = sizeof(struct kvm_xsave);
	vcpu->arch.guest_fpu.xfeatures = sim_vcpu_fpstate(v)->xfeatures;
	/*
	 * what the host's XCR0 is to KVM (kvm_x86_vendor_init(): xgetbv());
	 * the guest's CR4 with OSXSAVE, as every guest that uses XSAVE has
	 * it; kvm_vcpu_reset()'s RESET value of the guest's XCR0, x87 only
	 */
	kvm_host.xcr0 = sim_hw_host_xcr0();
	vcpu->arch.cr4 = X86_CR4_OSXSAVE;
#ifdef SLICE_HAVE___kvm_set_xcr
	__kvm_set_xcr(vcpu, 0, XFEATURE_MASK_FP);
#else
	vcpu->arch.xcr0 = XFEATURE_MASK_FP;
#endif
	return vcpu;
}

static void glue_vcpu_destroy(void *kvm_vcpu)
{
	if (kvm_vcpu)
		sim_free(container_of((struct kvm_vcpu *)kvm_vcpu,
				  struct sim_kvm_vcpu, vmx.vcpu));
}

/*
 * What setup_vmcs_config() and hardware_setup() leave (not sliced): the
 * CET load controls, which a tree that knows them gets when the CPU has
 * CET, and enable_cet, when KVM virtualizes CET on this host (the tree's
 * code must drop the controls when not); the other controls KVM always
 * uses.
 */
static void glue_vmx_hardware_setup(void)
{
	u32 cet_entry = 0, cet_exit = 0;

	enable_cet = sim_hw_kvm_cet();
	if (sim_hw_cpu_cet() && sim_hw_tree_cet()) {
		cet_entry = VM_ENTRY_LOAD_CET_STATE;
		cet_exit = VM_EXIT_LOAD_CET_STATE;
	}
	vmcs_config.vmentry_ctrl = VM_ENTRY_LOAD_DEBUG_CONTROLS |
		VM_ENTRY_IA32E_MODE | VM_ENTRY_LOAD_IA32_PAT |
		VM_ENTRY_LOAD_IA32_EFER | cet_entry;
	vmcs_config.vmexit_ctrl = VM_EXIT_SAVE_DEBUG_CONTROLS |
		VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_LOAD_IA32_PAT |
		VM_EXIT_LOAD_IA32_EFER | cet_exit;
}

#ifndef SLICE_HAVE_vmx_set_constant_host_state
/*
 * A tree without vmx_set_constant_host_state() in the slice (or one the
 * harness could not build: SLICE_UNBUILT_LIST says so): the harness writes
 * the host state the VM-exit loads as the kernel would, the CET fields
 * only on a CPU that has them, HOST_S_CET as 7.x does.
 */
static void glue_host_state(void)
{
	unsigned int i;

	for (i = 0; i < SIM_NR_HOST_FIELDS; i++) {
		u32 field = sim_host_fields[i].field;
		u64 want = sim_host_fields[i].want;

		if (field == SIM_HOST_S_CET || field == SIM_HOST_SSP ||
		    field == SIM_HOST_INTR_SSP_TABLE)
			continue;
		vmcs_writel(field, want == SIM_HOST_ANY ? 0 : want);
	}
	if (enable_cet) {
		vmcs_writel(HOST_S_CET, kvm_host.s_cet);
		vmcs_writel(HOST_SSP, 0);
		vmcs_writel(HOST_INTR_SSP_TABLE, 0);
	}
}
#endif

/*
 * init_vmcs()'s CET part, from the tree's own functions where it has them
 * (else the harness writes what they would: a tree older than these
 * functions gets vmcs_config's controls and HOST_S_CET as 7.x sets it).
 */
static void glue_vcpu_setup(void *kvm_vcpu, bool svm)
{
	struct vcpu_vmx *vmx = to_vmx(kvm_vcpu);

	if (svm)
		return;
	glue_vmx_hardware_setup();
	vmx->loaded_vmcs = &vmx->vmcs01;
#ifdef SLICE_HAVE_vmx_set_constant_host_state
	vmx_set_constant_host_state(vmx);
#else
	glue_host_state();
#endif
#if defined(SLICE_HAVE_vmx_get_initial_vmexit_ctrl)
	vmcs_write32(VM_EXIT_CONTROLS, vmx_get_initial_vmexit_ctrl());
	vmcs_write32(VM_ENTRY_CONTROLS, vmx_get_initial_vmentry_ctrl());
#elif defined(SLICE_HAVE_vmx_vmexit_ctrl)
	vmcs_write32(VM_EXIT_CONTROLS, vmx_vmexit_ctrl());
	vmcs_write32(VM_ENTRY_CONTROLS, vmx_vmentry_ctrl());
#else
	vmcs_write32(VM_EXIT_CONTROLS, vmcs_config.vmexit_ctrl);
	vmcs_write32(VM_ENTRY_CONTROLS, vmcs_config.vmentry_ctrl);
#endif
}

/* the MSR intercepts: the tree's CET statements of them (stmts= in the spec) */
static bool glue_recalc_intercepts(void *kvm_vcpu, bool svm)
{
#if defined(SLICE_HAVE_vmx_recalc_msr_intercepts) && \
	defined(SLICE_HAVE_svm_recalc_msr_intercepts)
	if (svm)
		svm_recalc_msr_intercepts(kvm_vcpu);
	else
		vmx_recalc_msr_intercepts(kvm_vcpu);
	return true;
#else
	return false;
#endif
}

#include "glue_xfd.c"

/*
 * Is the vCPU model frozen (KVM_SET_CPUID2 may only repeat it)?  The
 * tree's own answer: kvm_can_set_cpuid_and_feature_msrs() (7.x: after the
 * first VM-entry or in guest mode), kvm_vcpu_has_run() before it.
 */
static bool glue_model_frozen(struct kvm_vcpu *vcpu)
{
#if defined(SLICE_HAVE_kvm_can_set_cpuid_and_feature_msrs)
	return !kvm_can_set_cpuid_and_feature_msrs(vcpu);
#elif defined(SLICE_HAVE_kvm_vcpu_has_run)
	return kvm_vcpu_has_run(vcpu);
#else
	return vcpu->arch.last_vmentry_cpu != -1;
#endif
}

/*
 * kvm_set_cpuid() (cpuid.c, not sliced: its CPUID entries are not
 * modelled): a frozen model takes only the same CPUID again
 * (kvm_cpuid_check_equal(): -EINVAL otherwise); else cpuid.c's
 * guest_supported_xss, the guest's CPUID.(0xD,1) XSS bits KVM has.
 */
static int glue_set_cpuid(void *kvm_vcpu, unsigned int cpuid)
{
	struct kvm_vcpu *vcpu = kvm_vcpu;
	struct sim_kvm_vcpu *k = container_of(vcpu, struct sim_kvm_vcpu,
					      vmx.vcpu);

	if (glue_model_frozen(vcpu))
		return cpuid == k->cpuid ? 0 : -EINVAL;
	k->cpuid = cpuid;

	vcpu->arch.guest_supported_xss = sim_cpuid_xss(cpuid) &
					 kvm_caps.supported_xss;
	/*
	 * its CPUID.(0xD,0), which a guest with XSAVE features has and
	 * which enumerates all of the host's XCR0 that KVM supports, AMX's
	 * tiles only with AMX in its CPUID
	 */
	vcpu->arch.guest_supported_xcr0 =
		sim_hw_guest_supported_xcr0(cpuid & SIM_CPUID_XSAVES ?
					    kvm_caps.supported_xcr0 &
					    ~(cpuid & SIM_CPUID_AMX ? 0 :
					      XFEATURE_MASK_XTILE) : 0);
	kvm_update_cpuid_runtime(vcpu);		/* kvm_set_cpuid() ends so */
	return glue_enable_xfd_features(vcpu);
}

/*
 * kvm_update_cpuid_runtime(): the XSAVE sizes of CPUID leaf 0xD, which
 * the guest's CPUID has with its XSAVE features (SIM_CPUID_XSAVES; else
 * there is no leaf and CPUID answers 0): for the guest's XCR0, and XCR0
 * | IA32_XSS (subleaf 1)
 */
static void glue_update_cpuid_runtime(struct kvm_vcpu *vcpu)
{
	struct sim_kvm_vcpu *k = container_of(vcpu, struct sim_kvm_vcpu,
					      vmx.vcpu);

	vcpu->arch.cpuid_dynamic_bits_dirty = false;
	if (!(k->cpuid & SIM_CPUID_XSAVES))
		return;
	k->xsave_ebx[0] = sim_hw_cpuid_xsave_size(0, vcpu->arch.xcr0,
						  k->xsave_ebx[0]);
	k->xsave_ebx[1] = sim_hw_cpuid_xsave_size(1, vcpu->arch.xcr0 |
						  vcpu->arch.ia32_xss,
						  k->xsave_ebx[1]);
}

static void glue_entered(void *kvm_vcpu, int cpu)
{
	((struct kvm_vcpu *)kvm_vcpu)->arch.last_vmentry_cpu = cpu;
}

/*
 * vcpu_enter_guest(): the guest's XCR0 and XSS, then its PKRU, before the
 * VM-entry; the host's PKRU, then XCR0 and XSS, after the VM-exit (7.x's
 * order; older trees do each pair in one function)
 */
#if defined(SLICE_HAVE_kvm_load_xfeatures) && \
	defined(SLICE_HAVE_kvm_load_guest_pkru) && \
	defined(SLICE_HAVE_kvm_load_host_pkru)
#define SIM_TREE_HAS_XREGS_SWITCH 1
static void glue_xfeatures(void *kvm_vcpu, bool guest)
{
	if (guest) {
		kvm_load_xfeatures(kvm_vcpu, true);
		kvm_load_guest_pkru(kvm_vcpu);
	} else {
		kvm_load_host_pkru(kvm_vcpu);
		kvm_load_xfeatures(kvm_vcpu, false);
	}
}
#elif defined(SLICE_HAVE_kvm_load_guest_xsave_state) && \
	defined(SLICE_HAVE_kvm_load_host_xsave_state)
#define SIM_TREE_HAS_XREGS_SWITCH 1
static void glue_xfeatures(void *kvm_vcpu, bool guest)
{
	if (guest)
		kvm_load_guest_xsave_state(kvm_vcpu);
	else
		kvm_load_host_xsave_state(kvm_vcpu);
}
#else
#define SIM_TREE_HAS_XREGS_SWITCH 0
static void glue_xfeatures(void *kvm_vcpu, bool guest)
{
#ifdef SLICE_HAVE_kvm_load_xfeatures
	kvm_load_xfeatures(kvm_vcpu, guest);
#endif
}
#endif

/*
 * The guest's XSETBV: kvm_emulate_xsetbv() at CPL 0, the tree's
 * __kvm_set_xcr(); its MOV to CR4 setting PKE: kvm_set_cr4() (not
 * sliced), which refuses it to a guest without PKU
 */
static int glue_guest_xreg(void *kvm_vcpu, int op, u32 index, u64 *data)
{
	struct kvm_vcpu *vcpu = kvm_vcpu;

	switch (op) {
#ifdef SLICE_HAVE___kvm_set_xcr
	case SIM_GUEST_XSETBV:
		return __kvm_set_xcr(vcpu, index, *data);
#endif
	case SIM_GUEST_SET_CR4_PKE:
		if (!guest_cpu_cap_has(vcpu, X86_FEATURE_PKU))
			return 1;
		vcpu->arch.cr4 |= X86_CR4_PKE;
		return 0;
	case SIM_GUEST_CPUID_0XD:
		/* kvm_cpuid(): the pending runtime update first (7.x) */
		if (vcpu->arch.cpuid_dynamic_bits_dirty)
			kvm_update_cpuid_runtime(vcpu);
		*data = index < 2 ? container_of(vcpu, struct sim_kvm_vcpu,
						 vmx.vcpu)->xsave_ebx[index] : 0;
		return 0;
	default:
		return 1;
	}
}

#if defined(SLICE_HAVE___kvm_set_xcr) && SIM_TREE_HAS_XREGS_SWITCH
#define SIM_TREE_HAS_XREGS SIM_NEED_XREGS
#else
#define SIM_TREE_HAS_XREGS 0
#endif

#if defined(SLICE_HAVE_kvm_vcpu_ioctl_x86_get_xcrs) && \
	defined(SLICE_HAVE_kvm_vcpu_ioctl_x86_set_xcrs)
#define SIM_TREE_HAS_XCRS SIM_NEED_XCRS
/*
 * kvm_arch_vcpu_ioctl(KVM_{GET,SET}_XCRS): KVM's copy of userspace's
 * struct kvm_xcrs (a zeroed allocation for GET), the handler, the copy
 * back (the harness's struct is the uapi one without its padding)
 */
static int glue_xcrs(void *kvm_vcpu, bool set, struct sim_xcrs *x)
{
	struct kvm_xcrs *k = kzalloc(sizeof(*k), GFP_KERNEL_ACCOUNT);
	unsigned int i;
	int r;

	if (!k)
		return -ENOMEM;
	if (set) {
		k->nr_xcrs = x->nr_xcrs;
		k->flags = x->flags;
		for (i = 0; i < KVM_MAX_XCRS; i++) {
			k->xcrs[i].xcr = x->xcrs[i].xcr;
			k->xcrs[i].value = x->xcrs[i].value;
		}
		r = kvm_vcpu_ioctl_x86_set_xcrs(kvm_vcpu, k);
	} else {
		r = kvm_vcpu_ioctl_x86_get_xcrs(kvm_vcpu, k);
		if (!r) {
			x->nr_xcrs = k->nr_xcrs;
			x->flags = k->flags;
			for (i = 0; i < KVM_MAX_XCRS; i++) {
				x->xcrs[i].xcr = k->xcrs[i].xcr;
				x->xcrs[i].reserved = k->xcrs[i].reserved;
				x->xcrs[i].value = k->xcrs[i].value;
			}
		}
	}
	kfree(k);
	return r;
}
#else
#define SIM_TREE_HAS_XCRS 0

static int glue_xcrs(void *kvm_vcpu, bool set, struct sim_xcrs *x)
{
	return -EINVAL;
}
#endif

static void glue_xstate_reset(void *kvm_vcpu, bool init_event)
{
#ifdef SLICE_HAVE_kvm_xstate_reset
	kvm_xstate_reset(kvm_vcpu, init_event);
#endif
}

static bool glue_vendor_reset(void *kvm_vcpu, bool svm, bool init_event)
{
#ifdef SLICE_HAVE_vmx_vcpu_reset
	if (!svm) {
		vmx_vcpu_reset(kvm_vcpu, init_event);
		return true;
	}
#endif
#ifdef SLICE_HAVE_svm_vcpu_reset
	if (svm) {
		svm_vcpu_reset(kvm_vcpu, init_event);
		/* init_vmcb()'s vmcb_mark_all_dirty() (not sliced) */
		to_svm(kvm_vcpu)->vmcb->control.clean = 0;
		return true;
	}
#endif
	return false;
}

#include "glue_nested.c"

#if defined(SLICE_HAVE_enter_smm_save_state_64) && \
	defined(SLICE_HAVE_rsm_load_state_64)
#define SIM_TREE_HAS_SMM_SSP SIM_NEED_SMM_SSP
/*
 * enter_smm() and emulator_leave_smm() as far as the guest SSP goes: the
 * tree's save of the state into SMRAM, its RSM load of it; the rest of
 * SMM (the other registers, SMRAM in guest memory, the emulator) is not
 * modelled.  A triple fault KVM requests, or RSM's X86EMUL_UNHANDLEABLE,
 * is a failure (the vCPU shuts down).
 */
static int glue_smm(void *kvm_vcpu, bool svm, int op, u64 *ssp)
{
	struct kvm_vcpu *vcpu = kvm_vcpu;
	struct x86_emulate_ctxt ctxt = { .vcpu = vcpu };
	struct kvm_smram_state_64 smram = { 0 };  /* enter_smm() zeroes it */
	int r;

	vcpu->requests = 0;
	if (op == SIM_SMM_RSM) {
		/* emulator_leave_smm(): the vendor's leave_smm(), then the load */
		if (svm ? glue_svm_smm(vcpu, false) : glue_vmx_smm(vcpu, false))
			return 1;
		smram.ssp = *ssp;
		if (rsm_load_state_64(&ctxt, &smram) == X86EMUL_CONTINUE)
			return 0;
		return vcpu->arch.hflags & HF_GUEST_MASK ? SIM_SMM_GAVE_UP_IN_L2 :
							   1;
	}
	enter_smm_save_state_64(vcpu, &smram);
	*ssp = smram.ssp;
	r = !!(vcpu->requests & (1UL << KVM_REQ_TRIPLE_FAULT));
	vcpu->requests = 0;
	/* enter_smm(): the vendor's enter_smm() after the save */
	if (svm ? glue_svm_smm(vcpu, true) : glue_vmx_smm(vcpu, true))
		r = 1;
	return r;
}
#else
#define SIM_TREE_HAS_SMM_SSP 0

static int glue_smm(void *kvm_vcpu, bool svm, int op, u64 *ssp)
{
	return 0;
}
#endif

static void glue_set_running(void *kvm_vcpu, bool running)
{
	struct kvm_vcpu *vcpu = kvm_vcpu;

	vcpu->wants_to_run = running;
	/* vcpu_load() -> kvm_arch_vcpu_load(): the host task's PKRU */
	if (running)
		vcpu->arch.host_pkru = read_pkru();
}

static int glue_msr_io(void *kvm_vcpu, void *user_msrs, enum sim_kernel_msr_op op)
{
	struct kvm_msrs __user *argp = user_msrs;

	switch (op) {
	case SIM_KERNEL_GET:
		return msr_io(kvm_vcpu, argp, do_get_msr, 1);
	case SIM_KERNEL_SET:
		return msr_io(kvm_vcpu, argp, do_set_msr, 0);
	default:
#ifdef SLICE_HAVE_do_get_feature_msr
		return msr_io(kvm_vcpu, argp, do_get_feature_msr, 1);
#else
		return -EINVAL;
#endif
	}
}

/* The ONE_REG id of an MSR; KVM's internal SSP index is KVM_REG_GUEST_SSP. */
static u64 glue_one_reg_id(u32 msr)
{
	if (msr == MSR_KVM_INTERNAL_GUEST_SSP)
		return KVM_X86_REG_KVM(KVM_REG_GUEST_SSP);
	return KVM_X86_REG_MSR(msr);
}

static int glue_reg_list(void *kvm_vcpu, u64 *user)
{
#ifdef SLICE_HAVE_kvm_get_reg_list
	return kvm_get_reg_list(kvm_vcpu, (struct kvm_reg_list __user *)user);
#else
	return -EINVAL;		/* kvm_arch_vcpu_ioctl's default */
#endif
}

static int glue_one_reg(void *kvm_vcpu, bool set, u64 id, u64 *user_val)
{
#ifdef SLICE_HAVE_kvm_get_set_one_reg
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)user_val };

	return kvm_get_set_one_reg(kvm_vcpu, set ? KVM_SET_ONE_REG :
						   KVM_GET_ONE_REG, &reg);
#else
	return -EINVAL;
#endif
}

static int glue_one_msr(void *kvm_vcpu, bool set, u32 msr, u64 *user_val)
{
#if defined(SLICE_HAVE_kvm_get_one_msr) && defined(SLICE_HAVE_kvm_set_one_msr)
	return set ? kvm_set_one_msr(kvm_vcpu, msr, user_val) :
		     kvm_get_one_msr(kvm_vcpu, msr, user_val);
#else
	return -EINVAL;
#endif
}

/* A guest RDMSR/WRMSR that KVM intercepted and emulates. */
static int glue_guest_msr(void *kvm_vcpu, bool write, u32 msr, u64 *data,
			  bool as_host)
{
	if (write)
		return kvm_set_msr_ignored_check(kvm_vcpu, msr, *data, as_host);
	return kvm_get_msr_ignored_check(kvm_vcpu, msr, data, as_host);
}

static void glue_load_guest_fpu(void *kvm_vcpu)
{
	kvm_load_guest_fpu(kvm_vcpu);
}

static void glue_put_guest_fpu(void *kvm_vcpu)
{
	kvm_put_guest_fpu(kvm_vcpu);
}

static void glue_vmcb_cet(void *kvm_vcpu, bool write, u64 *s_cet, u64 *ssp,
		       u64 *isst)
{
	struct vmcb_save_area *save = &to_svm(kvm_vcpu)->vmcb->save;

	if (write) {
		save->s_cet = *s_cet;
		save->ssp = *ssp;
		save->isst_addr = *isst;
	} else {
		*s_cet = save->s_cet;
		*ssp = save->ssp;
		*isst = save->isst_addr;
	}
}

static bool glue_vmcb_cet_clean(void *kvm_vcpu, bool all_clean)
{
	struct vmcb *vmcb = to_svm(kvm_vcpu)->vmcb;
	bool clean = vmcb->control.clean & (1u << VMCB_CET);

	if (all_clean)
		vmcb->control.clean = ~0u;
	return clean;
}

#if defined(SLICE_HAVE_kvm_vcpu_ioctl_x86_get_xsave) && \
	defined(SLICE_HAVE_kvm_vcpu_ioctl_x86_get_xsave2) && \
	defined(SLICE_HAVE_kvm_vcpu_ioctl_x86_set_xsave)
/*
 * kvm_arch_vcpu_ioctl()'s KVM_GET_XSAVE, KVM_SET_XSAVE and KVM_GET_XSAVE2
 * cases around the tree's handlers: the buffer sizes, the kernel copy of
 * userspace's buffer, the copy back.
 */
static int glue_xsave(void *kvm_vcpu, enum sim_xsave_op op,
		      void *user, u32 size)
{
	struct kvm_vcpu *vcpu = kvm_vcpu;
	unsigned int usize = vcpu->arch.guest_fpu.uabi_size;
	void *buf;
	int r;

	if (op == SIM_SET_XSAVE) {
		buf = memdup_user(user, usize);
		if (IS_ERR(buf))
			return PTR_ERR(buf);
		r = kvm_vcpu_ioctl_x86_set_xsave(vcpu, buf);
		kfree(buf);
		return r;
	}
	if (op == SIM_GET_XSAVE && usize > sizeof(struct kvm_xsave))
		return -EINVAL;
	if (op == SIM_GET_XSAVE)
		usize = sizeof(struct kvm_xsave);
	if (usize > size)	/* userspace's room: the ioctl's contract */
		return -EFAULT;
	buf = kzalloc(usize, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (op == SIM_GET_XSAVE)
		r = kvm_vcpu_ioctl_x86_get_xsave(vcpu, buf);
	else
		r = kvm_vcpu_ioctl_x86_get_xsave2(vcpu, buf, usize);
	if (r >= 0 && copy_to_user(user, buf, usize))
		r = -EFAULT;
	kfree(buf);
	return r < 0 ? r : 0;
}
#define SIM_TREE_HAS_XSAVE SIM_NEED_XSAVE
#else
static int glue_xsave(void *kvm_vcpu, enum sim_xsave_op op,
		      void *user, u32 size)
{
	return -EINVAL;
}
#define SIM_TREE_HAS_XSAVE 0
#endif
#ifdef SLICE_HAVE_kvm_get_set_one_reg
#define SIM_TREE_HAS_ONE_REG SIM_NEED_ONE_REG
#else
#define SIM_TREE_HAS_ONE_REG 0
#endif
#ifdef SLICE_HAVE_do_get_feature_msr
#define SIM_TREE_HAS_FEATURE_MSRS SIM_NEED_FEATURE_MSRS
#else
#define SIM_TREE_HAS_FEATURE_MSRS 0
#endif
#ifdef SLICE_HAVE_is_xstate_managed_msr
#define SIM_TREE_HAS_XSTATE_LOAD SIM_NEED_XSTATE_LOAD
#else
#define SIM_TREE_HAS_XSTATE_LOAD 0
#endif
#ifdef SLICE_HAVE_kvm_xstate_reset
#define SIM_TREE_HAS_XSTATE_RESET SIM_NEED_XSTATE_RESET
#else
#define SIM_TREE_HAS_XSTATE_RESET 0
#endif
#if defined(SLICE_HAVE_kvm_probe_msr_to_save) && \
	defined(SLICE_HAVE_kvm_is_advertised_msr)
#define SIM_TREE_HAS_MSR_LIST SIM_NEED_MSR_LIST
#else
#define SIM_TREE_HAS_MSR_LIST 0
#endif
#define SIM_TREE_CAPS (SIM_TREE_HAS_ONE_REG | SIM_TREE_HAS_FEATURE_MSRS |	\
		       SIM_TREE_HAS_XSTATE_LOAD | SIM_TREE_HAS_XSTATE_RESET | \
		       SIM_TREE_HAS_MSR_LIST | SIM_TREE_HAS_NESTED_VMX | \
		       SIM_TREE_HAS_NESTED_SVM | SIM_TREE_HAS_XSAVE | \
		       SIM_TREE_HAS_SMM_SSP | SIM_TREE_HAS_NESTED_STATE_VMX | \
		       SIM_TREE_HAS_NESTED_STATE_SVM | SIM_TREE_HAS_XREGS | \
		       SIM_TREE_HAS_XCRS | SIM_TREE_HAS_XFD)

#if defined(SLICE_HAVE_kvm_probe_msr_to_save) && \
	defined(SLICE_HAVE_kvm_is_advertised_msr)
/*
 * kvm_init_msr_lists() for the entries of msrs_to_save_base[] the harness
 * models, IA32_XSS and the CET MSRs, when the tree's code handles those
 * (probe.c): the tree's kvm_probe_msr_to_save() decides which KVM lists
 * on this host, and kvm_is_advertised_msr() reads its list.
 */
static void glue_init_msr_lists(void)
{
	static const u32 candidates[] = {
		MSR_IA32_XSS, MSR_IA32_U_CET, MSR_IA32_S_CET,
		MSR_IA32_PL0_SSP, MSR_IA32_PL1_SSP, MSR_IA32_PL2_SSP,
		MSR_IA32_PL3_SSP, MSR_IA32_INT_SSP_TAB,
	};
	unsigned int i;

	num_msrs_to_save = 0;
	num_emulated_msrs = 0;
	kvm_caps.supported_xss = sim_hw_supported_xss();
	/* the XFD family's, whatever the tree knows of CET */
	if (SIM_TREE_HAS_XFD) {
		kvm_probe_msr_to_save(MSR_IA32_XFD);
		kvm_probe_msr_to_save(MSR_IA32_XFD_ERR);
	}
	if (!sim_hw_tree_cet())
		return;
	for (i = 0; i < ARRAY_SIZE(candidates); i++)
		kvm_probe_msr_to_save(candidates[i]);
}

/* KVM_GET_MSR_INDEX_LIST's answer: msrs_to_save, then emulated_msrs */
static u32 glue_msr_index_list(u32 *list, u32 max)
{
	u32 i, n = 0;

	for (i = 0; i < num_msrs_to_save; i++, n++)
		if (n < max)
			list[n] = msrs_to_save[i];
	for (i = 0; i < num_emulated_msrs; i++, n++)
		if (n < max)
			list[n] = emulated_msrs[i];
	return n;
}
#else
static void glue_init_msr_lists(void)
{
}

static u32 glue_msr_index_list(u32 *list, u32 max)
{
	return 0;
}
#endif

/*
 * Why the slice cannot run a scenario needing @needs; NULL if it can.
 * Whether the code handles the CET MSRs is probed (kvm_x86_sim/probe.c).
 * Each need names the tree functions it runs: one the tree has but the
 * harness could not build (slice.h's SLICE_UNBUILT_LIST, with the
 * compiler's reason) is named as such, not as missing.
 */
static const struct glue_need {
	unsigned int need;
	const char *fns;	/* space-separated */
	const char *why;
} glue_needs[] = {
	{ SIM_NEED_XSTATE_LOAD, "is_xstate_managed_msr",
	  "tree's __msr_io has no XSTATE-managed MSR handling (is_xstate_managed_msr not found)" },
	{ SIM_NEED_ONE_REG, "kvm_get_set_one_reg",
	  "tree has no KVM_{GET,SET}_ONE_REG for x86 MSRs (kvm_get_set_one_reg not found)" },
	{ SIM_NEED_FEATURE_MSRS, "do_get_feature_msr",
	  "tree has no do_get_feature_msr" },
	{ SIM_NEED_XSTATE_RESET, "kvm_xstate_reset",
	  "tree has no kvm_xstate_reset (INIT's reset of the CET XSAVE components)" },
	{ SIM_NEED_NESTED_VMX,
	  "vmcs_write_cet_state vmcs_read_cet_state load_vmcs12_host_state nested_vmx_check_host_state nested_vmx_check_guest_state nested_vmx_enter_non_root_mode prepare_vmcs02_rare prepare_vmcs02 sync_vmcs02_to_vmcs12",
	  "tree has no nested VMX CET code (vmcs_write_cet_state, load_vmcs12_host_state, nested_vmx_check_guest_state not found)" },
	{ SIM_NEED_NESTED_SVM,
	  "vmcs_write_cet_state nested_copy_vmcb_save_to_cache nested_vmcb02_prepare_save nested_svm_vmexit_update_vmcb12",
	  "tree has no nested SVM CET code (nested_vmcb02_prepare_save, nested_svm_vmexit_update_vmcb12 with the CET fields not found)" },
	{ SIM_NEED_NESTED_STATE_VMX, "nested_vmx_check_restored_vmcs12",
	  "tree has no restore of nested VMX CET state (nested_vmx_check_restored_vmcs12, or the nested VMX CET code, not found)" },
	{ SIM_NEED_NESTED_STATE_SVM, "svm_copy_vmrun_state",
	  "tree has no restore of nested SVM CET state (svm_copy_vmrun_state, or the nested SVM CET code, not found)" },
	{ SIM_NEED_SMM_SSP, "enter_smm_save_state_64 rsm_load_state_64",
	  "tree has no SMM save/restore of the guest SSP (enter_smm_save_state_64, rsm_load_state_64 with ssp not found)" },
	{ SIM_NEED_XSAVE,
	  "kvm_vcpu_ioctl_x86_get_xsave kvm_vcpu_ioctl_x86_get_xsave2 kvm_vcpu_ioctl_x86_set_xsave",
	  "tree has no kvm_vcpu_ioctl_x86_{get,set}_xsave/get_xsave2 (KVM_GET_XSAVE2)" },
	{ SIM_NEED_XREGS,
	  "__kvm_set_xcr kvm_load_xfeatures kvm_load_guest_pkru kvm_load_host_pkru kvm_load_guest_xsave_state kvm_load_host_xsave_state",
	  "tree has no __kvm_set_xcr, or no switch of XCR0 and PKRU around VM-entry (kvm_load_xfeatures with kvm_load_{guest,host}_pkru, or kvm_load_{guest,host}_xsave_state)" },
	{ SIM_NEED_XCRS,
	  "kvm_vcpu_ioctl_x86_get_xcrs kvm_vcpu_ioctl_x86_set_xcrs",
	  "tree has no kvm_vcpu_ioctl_x86_{get,set}_xcrs (KVM_{GET,SET}_XCRS)" },
	{ SIM_NEED_XFD, "handle_nm_fault_irqoff kvm_guest_supported_xfd",
	  "tree has no XFD handling (the IA32_XFD arms' kvm_guest_supported_xfd, VMX's handle_nm_fault_irqoff)" },
	{ SIM_NEED_MSR_LIST, "kvm_probe_msr_to_save kvm_is_advertised_msr",
	  "tree has no kvm_probe_msr_to_save/kvm_is_advertised_msr (KVM_GET_MSR_INDEX_LIST)" },
};

#ifndef SLICE_UNBUILT_LIST
#define SLICE_UNBUILT_LIST { NULL, NULL }
#endif
static const struct { const char *fn, *error; } glue_unbuilt[] = {
	SLICE_UNBUILT_LIST
};

/* the unbuilt function among @fns (space-separated) */
static int glue_unbuilt_in(const char *fns)
{
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(glue_unbuilt) && glue_unbuilt[i].fn; i++) {
		const char *p = fns;

		n = strlen(glue_unbuilt[i].fn);
		while ((p = strstr(p, glue_unbuilt[i].fn))) {
			if ((p == fns || p[-1] == ' ') &&
			    (p[n] == ' ' || !p[n]))
				return i;
			p += n;
		}
	}
	return -1;
}

static const char *glue_lacks(unsigned int needs)
{
	unsigned int lacks = needs & ~SIM_TREE_CAPS;
	static char buf[512];
	const char *why = NULL;
	size_t i;
	int u;

	for (i = 0; i < ARRAY_SIZE(glue_needs); i++) {
		if (!(lacks & glue_needs[i].need))
			continue;
		u = glue_unbuilt_in(glue_needs[i].fns);
		if (u < 0) {
			why = glue_needs[i].why;
			continue;
		}
		snprintf(buf, sizeof(buf),
			 "the harness could not build the tree's %s: %s",
			 glue_unbuilt[u].fn, glue_unbuilt[u].error);
		why = buf;
	}
	return why;
}

/*
 * Every sliced function, so that a run can name those it entered
 * (userspace only: the kernel's build would have to emit the
 * __always_inline ones out of line, where their BUILD_BUG_ON()s on
 * arguments cannot hold).
 */
#if defined(SLICE_FN_LIST) && !defined(__KERNEL__)
#define GLUE_FN_TABLE 1
#define GLUE_FN_ADDR(f) ((const void *)f),
#define GLUE_FN_NAME(f) (#f),
static const void *const glue_fns[] = { SLICE_FN_LIST(GLUE_FN_ADDR) };
static const char *const glue_fn_names[] = { SLICE_FN_LIST(GLUE_FN_NAME) };
#endif

const struct sim_kernel sim_tree_kernel = {
	.tree = SLICE_TREE,
#ifdef GLUE_FN_TABLE
	.fns = glue_fns,
	.fn_names = glue_fn_names,
	.nr_fns = ARRAY_SIZE(glue_fns),
#ifdef SLICE_RECORD_ENTRIES
	.fns_instrumented = true,
#endif
#endif
	.caps = SIM_TREE_CAPS,
	.lacks = glue_lacks,
	.vcpu_create = glue_vcpu_create,
	.vcpu_destroy = glue_vcpu_destroy,
	.vcpu_setup = glue_vcpu_setup,
	.set_cpuid = glue_set_cpuid,
	.recalc_intercepts = glue_recalc_intercepts,
	.set_running = glue_set_running,
	.entered = glue_entered,
	.xfeatures = glue_xfeatures,
	.xfd = glue_xfd,
	.guest_xreg = glue_guest_xreg,
	.xcrs = glue_xcrs,
	.nested = glue_nested,
	.nested_ran = glue_nested_ran,
	.nested_state = glue_nested_state,
	.smm = glue_smm,
	.xstate_reset = glue_xstate_reset,
	.vendor_reset = glue_vendor_reset,
	.msr_io = glue_msr_io,
	.one_reg_id = glue_one_reg_id,
	.init_msr_lists = glue_init_msr_lists,
	.msr_index_list = glue_msr_index_list,
	.reg_list = glue_reg_list,
	.one_reg = glue_one_reg,
	.xsave = glue_xsave,
	.one_msr = glue_one_msr,
	.guest_msr = glue_guest_msr,
	.load_guest_fpu = glue_load_guest_fpu,
	.put_guest_fpu = glue_put_guest_fpu,
	.vmcb_cet = glue_vmcb_cet,
	.vmcb_cet_clean = glue_vmcb_cet_clean,
};
