/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations that must track the kernel: the uapi layouts userspace and
 * KVM share, the fields of struct kvm_vcpu / vcpu_vmx / vcpu_svm that the
 * sliced code dereferences, and the constants it names.  Each names the
 * kernel definition it tracks ("tracks: file symbol"); the generic C
 * vocabulary is in kernel_defs.h.  The values come from
 * kvm_x86_sim/layout.h (one source of truth for the CPU's layout); a
 * constant the tree defines itself is taken from the slice instead
 * (SLICE_HAVE_* from the generated header).  Constants are #undef'd first:
 * built as kernel code under ARCH=um, x86's own headers may define them.
 */
#ifndef KVM_X86_SIM_STUBS_DUP_H
#define KVM_X86_SIM_STUBS_DUP_H

#include "kvm_x86_sim/hw.h"
#include "kernel_defs.h"

/*
 * The simulated host is x86-64 (every modelled host has long mode): the
 * tree's 64-bit-only code (the XFD arms, the null host selectors) is
 * compiled as a 64-bit kernel compiles it.  Kconfig says so under ARCH=um.
 */
#ifndef __KERNEL__
#ifndef CONFIG_X86_64
#define CONFIG_X86_64 1
#endif
#endif

/*
 * tracks: include/uapi/linux/kvm.h struct kvm_msr_entry, struct kvm_msrs,
 * struct kvm_one_reg, struct kvm_reg_list, KVM_REG_*, KVM_{GET,SET}_ONE_REG;
 * arch/x86/include/uapi/asm/kvm.h KVM_X86_REG_TYPE_*, KVM_REG_GUEST_SSP
 */
struct kvm_msr_entry {
	__u32 index;
	__u32 reserved;
	__u64 data;
};

struct kvm_msrs {
	__u32 nmsrs;
	__u32 pad;
	struct kvm_msr_entry entries[];
};

struct kvm_one_reg {
	__u64 id;
	__u64 addr;
};

struct kvm_reg_list {
	__u64 n;
	__u64 reg[];
};

/* tracks: arch/x86/include/uapi/asm/kvm.h struct kvm_xsave */
struct kvm_xsave {
	__u32 region[1024];
	__u32 extra[];
};

#undef KVM_REG_ARCH_MASK
#define KVM_REG_ARCH_MASK	0xff00000000000000ULL
#undef KVM_REG_X86
#define KVM_REG_X86		0x2000000000000000ULL
#undef KVM_REG_SIZE_MASK
#define KVM_REG_SIZE_MASK	0x00f0000000000000ULL
#undef KVM_REG_SIZE_SHIFT
#define KVM_REG_SIZE_SHIFT	52
#undef KVM_REG_SIZE_U64
#define KVM_REG_SIZE_U64	0x0030000000000000ULL
#undef KVM_X86_REG_TYPE_MSR
#define KVM_X86_REG_TYPE_MSR	2
#undef KVM_X86_REG_TYPE_KVM
#define KVM_X86_REG_TYPE_KVM	3
#undef KVM_REG_GUEST_SSP
#define KVM_REG_GUEST_SSP	0
#undef KVM_X86_REG_ID
#define KVM_X86_REG_ID(type, index) \
	(KVM_REG_X86 | KVM_REG_SIZE_U64 | (__u64)(type) << 32 | (index))
#undef KVM_X86_REG_MSR
#define KVM_X86_REG_MSR(index)	KVM_X86_REG_ID(KVM_X86_REG_TYPE_MSR, index)
#undef KVM_X86_REG_KVM
#define KVM_X86_REG_KVM(index)	KVM_X86_REG_ID(KVM_X86_REG_TYPE_KVM, index)
/* tracks: arch/x86/kvm/x86.c struct kvm_x86_reg_id */
struct kvm_x86_reg_id {
	__u32 index;
	__u8  type;
	__u8  rsvd1;
	__u8  rsvd2:4;
	__u8  size:4;
	__u8  x86;
};

#undef KVM_GET_ONE_REG
#define KVM_GET_ONE_REG		0x4010aeab
#undef KVM_SET_ONE_REG
#define KVM_SET_ONE_REG		0x4010aeac

/* tracks: arch/x86/include/asm/msr-index.h MSR_IA32_{U,S}_CET, ..._SSP, XSS */
#undef MSR_IA32_U_CET
#define MSR_IA32_U_CET		SIM_MSR_U_CET
#undef MSR_IA32_S_CET
#define MSR_IA32_S_CET		SIM_MSR_S_CET
#undef MSR_IA32_PL0_SSP
#define MSR_IA32_PL0_SSP	SIM_MSR_PL0_SSP
#undef MSR_IA32_PL1_SSP
#define MSR_IA32_PL1_SSP	SIM_MSR_PL1_SSP
#undef MSR_IA32_PL2_SSP
#define MSR_IA32_PL2_SSP	SIM_MSR_PL2_SSP
#undef MSR_IA32_PL3_SSP
#define MSR_IA32_PL3_SSP	SIM_MSR_PL3_SSP
#undef MSR_IA32_INT_SSP_TAB
#define MSR_IA32_INT_SSP_TAB	SIM_MSR_INT_SSP_TAB
#undef MSR_IA32_XSS
#define MSR_IA32_XSS		SIM_MSR_XSS
#undef MSR_IA32_XFD
#define MSR_IA32_XFD		SIM_MSR_XFD
#undef MSR_IA32_XFD_ERR
#define MSR_IA32_XFD_ERR	SIM_MSR_XFD_ERR
#undef MSR_AMD64_NB_CFG
#define MSR_AMD64_NB_CFG	SIM_MSR_AMD64_NB_CFG
/*
 * tracks: arch/x86/include/asm/msr-index.h, the MSRs sharing a switch arm
 * with MSR_AMD64_NB_CFG (the non-CET control MSR); they only need to be
 * distinct case labels.
 */
#undef MSR_IA32_PLATFORM_ID
#define MSR_IA32_PLATFORM_ID		0x00000017
#undef MSR_IA32_EBL_CR_POWERON
#define MSR_IA32_EBL_CR_POWERON		0x0000002a
#undef MSR_IA32_UCODE_WRITE
#define MSR_IA32_UCODE_WRITE		0x00000079
#undef MSR_IA32_ARCH_CAPABILITIES
#define MSR_IA32_ARCH_CAPABILITIES	0x0000010a
#undef MSR_IA32_PERF_CTL
#define MSR_IA32_PERF_CTL		0x00000199
#undef MSR_IA32_LASTBRANCHFROMIP
#define MSR_IA32_LASTBRANCHFROMIP	0x000001db
#undef MSR_IA32_LASTBRANCHTOIP
#define MSR_IA32_LASTBRANCHTOIP		0x000001dc
#undef MSR_IA32_LASTINTFROMIP
#define MSR_IA32_LASTINTFROMIP		0x000001dd
#undef MSR_IA32_LASTINTTOIP
#define MSR_IA32_LASTINTTOIP		0x000001de
#undef MSR_RAPL_POWER_UNIT
#define MSR_RAPL_POWER_UNIT		0x00000606
#undef MSR_PKG_ENERGY_STATUS
#define MSR_PKG_ENERGY_STATUS		0x00000611
#undef MSR_DRAM_ENERGY_STATUS
#define MSR_DRAM_ENERGY_STATUS		0x00000619
#undef MSR_PP0_ENERGY_STATUS
#define MSR_PP0_ENERGY_STATUS		0x00000639
#undef MSR_PP1_ENERGY_STATUS
#define MSR_PP1_ENERGY_STATUS		0x00000641
#undef MSR_AMD64_SYSCFG
#define MSR_AMD64_SYSCFG		0xc0010010
#undef MSR_AMD64_PATCH_LOADER
#define MSR_AMD64_PATCH_LOADER		0xc0010020
#undef MSR_K8_INT_PENDING_MSG
#define MSR_K8_INT_PENDING_MSG		0xc0010055
#undef MSR_FAM10H_MMIO_CONF_BASE
#define MSR_FAM10H_MMIO_CONF_BASE	0xc0010058
#undef MSR_K8_TSEG_ADDR
#define MSR_K8_TSEG_ADDR		0xc0010112
#undef MSR_K8_TSEG_MASK
#define MSR_K8_TSEG_MASK		0xc0010113
#undef MSR_VM_HSAVE_PA
#define MSR_VM_HSAVE_PA			0xc0010117
#undef MSR_AMD64_DC_CFG
#define MSR_AMD64_DC_CFG		0xc0011022
#undef MSR_AMD64_TW_CFG
#define MSR_AMD64_TW_CFG		0xc0011023
#undef MSR_AMD64_BU_CFG2
#define MSR_AMD64_BU_CFG2		0xc001102a
#undef MSR_F15H_EX_CFG
#define MSR_F15H_EX_CFG			0xc001102c
/*
 * tracks: arch/x86/kvm/x86.h MSR_KVM_INTERNAL_GUEST_SSP, MAX_IO_MSRS,
 * KVM_MSR_RET_UNSUPPORTED (the tree's own when it has them)
 */
#ifndef SLICE_HAVE_MSR_KVM_INTERNAL_GUEST_SSP
#define MSR_KVM_INTERNAL_GUEST_SSP SIM_MSR_KVM_INTERNAL_GUEST_SSP
#endif
#ifndef SLICE_HAVE_MAX_IO_MSRS
#define MAX_IO_MSRS 256
#endif
#ifndef SLICE_HAVE_KVM_MSR_RET_UNSUPPORTED
#define KVM_MSR_RET_UNSUPPORTED 2
#endif

/* tracks: arch/x86/include/asm/msr-index.h CET_* */
#undef CET_SHSTK_EN
#define CET_SHSTK_EN		SIM_CET_SHSTK_EN
#undef CET_WRSS_EN
#define CET_WRSS_EN		SIM_CET_WRSS_EN
#undef CET_ENDBR_EN
#define CET_ENDBR_EN		SIM_CET_ENDBR_EN
#undef CET_SUPPRESS
#define CET_SUPPRESS		SIM_CET_SUPPRESS
#undef CET_WAIT_ENDBR
#define CET_WAIT_ENDBR		SIM_CET_WAIT_ENDBR

/* tracks: arch/x86/include/asm/vmx.h enum vmcs_field (CET fields) */
#undef GUEST_S_CET
#define GUEST_S_CET		SIM_GUEST_S_CET
#undef GUEST_SSP
#define GUEST_SSP		SIM_GUEST_SSP
#undef GUEST_INTR_SSP_TABLE
#define GUEST_INTR_SSP_TABLE	SIM_GUEST_INTR_SSP_TABLE
#undef HOST_S_CET
#define HOST_S_CET		SIM_HOST_S_CET
#undef HOST_SSP
#define HOST_SSP		SIM_HOST_SSP
#undef HOST_INTR_SSP_TABLE
#define HOST_INTR_SSP_TABLE	SIM_HOST_INTR_SSP_TABLE

/*
 * tracks: arch/x86/include/asm/cpufeatures.h X86_FEATURE_{LM,SHSTK,IBT,
 * XSAVES,PKU,LA57}
 */
#undef X86_FEATURE_XSAVES
#define X86_FEATURE_XSAVES	SIM_FEATURE_XSAVES
#undef X86_FEATURE_XSAVE
#define X86_FEATURE_XSAVE	SIM_FEATURE_XSAVE
#undef X86_FEATURE_XFD
#define X86_FEATURE_XFD		SIM_FEATURE_XFD
#undef X86_FEATURE_PKU
#define X86_FEATURE_PKU		SIM_FEATURE_PKU
#undef X86_FEATURE_LM
#define X86_FEATURE_LM		SIM_FEATURE_LM
#undef X86_FEATURE_SHSTK
#define X86_FEATURE_SHSTK	SIM_FEATURE_SHSTK
#undef X86_FEATURE_IBT
#define X86_FEATURE_IBT		SIM_FEATURE_IBT
#undef X86_FEATURE_LA57
#define X86_FEATURE_LA57	SIM_FEATURE_LA57

/*
 * tracks: arch/x86/kvm/x86.h enum kvm_msr_access, msr_access_t;
 * arch/x86/include/asm/kvm_host.h struct msr_data
 */
enum kvm_msr_access {
	MSR_TYPE_R	= BIT(0),
	MSR_TYPE_W	= BIT(1),
	MSR_TYPE_RW	= MSR_TYPE_R | MSR_TYPE_W,
};

struct msr_data {
	bool host_initiated;
	u32 index;
	u64 data;
};

struct kvm_vcpu;
typedef int (*msr_access_t)(struct kvm_vcpu *vcpu, u32 index, u64 *data,
			    bool host_initiated);

/*
 * tracks: arch/x86/include/asm/fpu/types.h struct fpstate, union
 * fpregs_state, struct xregs_state, struct xstate_header, struct
 * fxregs_state: a guest's fpstate is the simulator's struct sim_fpstate
 * (in_use, xfeatures, xfd, the XSAVE area regs.xsave), so the kernel's
 * words mean those structs here.
 */
#undef fpstate
#define fpstate sim_fpstate
#undef fpregs_state
#define fpregs_state sim_fpregs_state
#undef xregs_state
#define xregs_state sim_xregs_state
#undef xstate_header
#define xstate_header sim_xstate_header
#undef fxregs_state
#define fxregs_state sim_fxregs_state

/*
 * The fields of KVM's structures the sliced code reads.
 * tracks: arch/x86/include/asm/fpu/types.h struct fpu_guest
 */
/* tracks: arch/x86/include/asm/fpu/api.h fpstate_is_confidential() */
struct fpu_guest;
static inline bool sim_fpstate_is_confidential(struct fpu_guest *gfpu);
#undef fpstate_is_confidential
#define fpstate_is_confidential(gfpu) sim_fpstate_is_confidential(gfpu)

struct fpu_guest {
	u64 xfeatures;
	u64 perm;
	u64 xfd_err;
	unsigned int uabi_size;
	struct fpstate *fpstate;
};

static inline bool sim_fpstate_is_confidential(struct fpu_guest *gfpu)
{
	return gfpu->fpstate && gfpu->fpstate->is_confidential;
}

/* tracks: arch/x86/include/asm/kvm_host.h struct kvm_arch */
struct kvm_arch {
	bool has_protected_state;
	struct { u32 msr; } xen_hvm_config;
};

/* tracks: include/linux/kvm_host.h struct kvm */
struct kvm {
	struct kvm_arch arch;
	int users_count;		/* (get_vmcs12()'s assertion) */
	bool vm_bugged;
	int srcu;			/* guard(srcu)(&vcpu->kvm->srcu) */
};

/*
 * tracks: arch/x86/include/asm/kvm_host.h struct kvm_vcpu_arch (the guest's
 * IA32_XSS and the XSS bits its CPUID allows: cpuid.c fills the latter at
 * KVM_SET_CPUID2, here the glue does)
 */
struct kvm_vcpu_arch {
	struct fpu_guest guest_fpu;
	u64 ia32_xss;
	u64 guest_supported_xss;
	u64 guest_supported_xcr0;	/* cpuid.c: CPUID.0xD.0 & KVM's XCR0 */
	bool cpuid_dynamic_bits_dirty;	/* an XSS write changes CPUID.0xD */
	bool guest_state_protected;	/* SEV-ES/TDX: never here */
	u64 xcr0;			/* the guest's XCR0 (KVM_SET_XCRS, XSETBV) */
	u32 pkru, host_pkru;		/* the guest's PKRU, the host task's */
	unsigned long cr4;		/* the guest's CR4: OSXSAVE, PKE */
	bool nested_run_pending;	/* VMLAUNCH/VMRESUME not yet run */
	u32 hflags;			/* HF_GUEST_MASK: L2 runs */
	int last_vmentry_cpu;		/* -1 until the first VM-entry */
	bool xfd_no_write_intercept;	/* VMX passed the guest's XFD through */
};

/* tracks: arch/x86/include/asm/kvm_host.h HF_GUEST_MASK */
#undef HF_GUEST_MASK
#define HF_GUEST_MASK		(1 << 0)

/* tracks: arch/x86/include/asm/kvm_host.h struct kvm_vcpu_stat */
struct kvm_vcpu_stat {
	u64 fpu_reload;
};

/* tracks: include/linux/kvm_host.h struct kvm_vcpu */
struct kvm_vcpu {
	struct kvm *kvm;
	bool wants_to_run;		/* inside KVM_RUN */
	struct kvm_vcpu_arch arch;
	struct kvm_vcpu_stat stat;
	struct sim_vcpu *sim;		/* the simulator's view of this vCPU */
	void *guest_page;		/* the harness's: what kvm_vcpu_map() maps */
	bool sim_nm_intercept;		/* the harness's: #NM in VMX's bitmap */
	int mutex;			/* (get_vmcs12()'s assertion) */
	unsigned long requests;		/* KVM_REQ_* bits */
};

/*
 * tracks: include/linux/kvm_host.h kvm_make_request(), KVM_REQUEST_MASK;
 * arch/x86/include/asm/kvm_host.h KVM_REQ_TRIPLE_FAULT (KVM_ARCH_REQ(2))
 */
#undef KVM_REQ_TRIPLE_FAULT
#define KVM_REQ_TRIPLE_FAULT	(8 + 2)
#undef kvm_make_request
#define kvm_make_request(req, vcpu) \
	((vcpu)->requests |= 1UL << ((req) & 0xff))

/*
 * tracks: arch/x86/kvm/smm.h struct kvm_smram_state_64 (the field the
 * sliced SMM code uses: the SSP); arch/x86/kvm/kvm_emulate.h struct
 * x86_emulate_ctxt, X86EMUL_CONTINUE, X86EMUL_UNHANDLEABLE;
 * arch/x86/include/asm/desc_defs.h struct desc_ptr
 */
struct kvm_smram_state_64 {
	u64 ssp;
};

struct x86_emulate_ctxt {
	struct kvm_vcpu *vcpu;
};

struct desc_ptr {
	unsigned short size;
	unsigned long address;
};

#undef X86EMUL_CONTINUE
#define X86EMUL_CONTINUE	0
#undef X86EMUL_UNHANDLEABLE
#define X86EMUL_UNHANDLEABLE	1

/*
 * tracks: arch/x86/kvm/x86.c msrs_to_save[], emulated_msrs[] and their
 * counts (kvm_init_msr_lists(); sized for what the harness probes)
 */
static u32 msrs_to_save[16] __maybe_unused;
static unsigned int num_msrs_to_save __maybe_unused;
static u32 emulated_msrs[16] __maybe_unused;
static unsigned int num_emulated_msrs __maybe_unused;

/* tracks: arch/x86/kvm/x86.h struct kvm_caps, struct kvm_host_values */
struct kvm_caps {
	u64 supported_xcr0;		/* the host's XCR0: x87, SSE */
	u64 supported_xss;
};
extern struct kvm_caps kvm_caps;

struct kvm_host_values {
	u64 efer;
	u64 xcr0;
	u64 xss;
	u64 s_cet;
};
extern struct kvm_host_values kvm_host;

/*
 * tracks: arch/x86/include/uapi/asm/processor-flags.h X86_CR4_{OSXSAVE,PKE};
 * arch/x86/include/asm/fpu/xcr.h XCR_XFEATURE_ENABLED_MASK
 */
#undef X86_CR4_OSXSAVE
#define X86_CR4_OSXSAVE		SIM_CR4_OSXSAVE
#undef X86_CR4_PKE
#define X86_CR4_PKE		SIM_CR4_PKE
#undef XCR_XFEATURE_ENABLED_MASK
#define XCR_XFEATURE_ENABLED_MASK 0x00000000

/*
 * tracks: arch/x86/include/uapi/asm/kvm.h struct kvm_xcr, struct kvm_xcrs,
 * KVM_MAX_XCRS
 */
#undef KVM_MAX_XCRS
#define KVM_MAX_XCRS	SIM_MAX_XCRS
struct kvm_xcr {
	u32 xcr;
	u32 reserved;
	u64 value;
};

struct kvm_xcrs {
	u32 nr_xcrs;
	u32 flags;
	struct kvm_xcr xcrs[KVM_MAX_XCRS];
	u64 padding[16];
};

/* tracks: arch/x86/include/asm/fpu/types.h XFEATURE_*CET*, _PKRU, MPX, MAX */
#undef XFEATURE_MASK_PKRU
#define XFEATURE_MASK_PKRU		SIM_XFEATURE_MASK_PKRU
#undef XFEATURE_MASK_FP
#define XFEATURE_MASK_FP		SIM_XFEATURE_MASK_FP
#undef XFEATURE_MASK_SSE
#define XFEATURE_MASK_SSE		SIM_XFEATURE_MASK_SSE
#undef XFEATURE_MASK_FPSSE
#define XFEATURE_MASK_FPSSE		SIM_XFEATURE_MASK_FPSSE
#undef XFEATURE_MASK_YMM
#define XFEATURE_MASK_YMM		SIM_XFEATURE_MASK_YMM
#undef XFEATURE_MASK_BNDREGS
#define XFEATURE_MASK_BNDREGS		SIM_XFEATURE_MASK_BNDREGS
#undef XFEATURE_MASK_BNDCSR
#define XFEATURE_MASK_BNDCSR		SIM_XFEATURE_MASK_BNDCSR
#undef XFEATURE_MASK_AVX512
#define XFEATURE_MASK_AVX512		SIM_XFEATURE_MASK_AVX512
#undef XFEATURE_MASK_XTILE
#define XFEATURE_MASK_XTILE		SIM_XFEATURE_MASK_XTILE
#undef XFEATURE_MASK_XTILE_DATA
#define XFEATURE_MASK_XTILE_DATA	SIM_XFEATURE_MASK_XTILE_DATA
#undef XFEATURE_MASK_USER_DYNAMIC
#define XFEATURE_MASK_USER_DYNAMIC	SIM_XFEATURE_MASK_DYNAMIC
/* the components whose XCR0 bits change CPUID.(0xD,0) (AVX and up) */
#undef XFEATURE_MASK_EXTEND
#define XFEATURE_MASK_EXTEND		(~(XFEATURE_MASK_FPSSE | (1ULL << 63)))
#undef XFEATURE_MASK_CET_ALL
#define XFEATURE_MASK_CET_ALL		SIM_XFEATURE_MASK_CET_ALL
#undef XFEATURE_MAX
#define XFEATURE_MAX			20
#undef XFEATURE_CET_USER
#define XFEATURE_CET_USER		SIM_XFEATURE_CET_USER
#undef XFEATURE_CET_KERNEL
#define XFEATURE_CET_KERNEL		SIM_XFEATURE_CET_KERNEL
#undef XFEATURE_MASK_CET_USER
#define XFEATURE_MASK_CET_USER		SIM_XFEATURE_MASK_CET_USER
#undef XFEATURE_MASK_CET_KERNEL
#define XFEATURE_MASK_CET_KERNEL	SIM_XFEATURE_MASK_CET_KERNEL

/* tracks: arch/x86/kvm/vmx/vmx.h struct vmx_uret_msr, struct vcpu_vmx */
struct vmx_uret_msr {
	u64 data;
};

#include "dup_vmx.h"
#include "dup_nested.h"

struct vcpu_vmx {
	struct kvm_vcpu vcpu;
	struct loaded_vmcs *loaded_vmcs;
	struct loaded_vmcs vmcs01;
	struct nested_vmx nested;
};

/* tracks: arch/x86/include/asm/svm.h struct vmcb_save_area, struct vmcb */
struct vmcb_save_area {
	u64 s_cet;
	u64 ssp;
	u64 isst_addr;
};

struct vmcb_control_area {
	u32 clean;			/* VMCB state caching, APM 15.15 */
};

struct vmcb {
	struct vmcb_control_area control;
	struct vmcb_save_area save;
};

/*
 * tracks: arch/x86/kvm/svm/svm.h struct kvm_vmcb_info,
 * vmcb_{ctrl,save}_area_cached, svm_nested_state (their CET part),
 * struct vcpu_svm, VMCB_CET, to_svm()
 */
struct kvm_vmcb_info {
	struct vmcb *ptr;
};

struct vmcb_ctrl_area_cached {
	u32 clean;
};

struct vmcb_save_area_cached {
	u64 s_cet;
	u64 ssp;
	u64 isst_addr;
};

struct svm_nested_state {
	struct kvm_vmcb_info vmcb02;
	u64 vmcb12_gpa;
	u64 last_vmcb12_gpa;
	bool force_msr_bitmap_recalc;
	struct vmcb_ctrl_area_cached ctl;
	struct vmcb_save_area_cached save;
};

struct vcpu_svm {
	struct kvm_vcpu vcpu;
	struct vmcb *vmcb;
	struct kvm_vmcb_info vmcb01;
	struct svm_nested_state nested;
	struct vmcb save_vmcb;		/* the harness's: vmcb01's memory */
};

#undef VMCB_CET
#define VMCB_CET SIM_VMCB_CLEAN_CET

static inline struct vcpu_vmx *to_vmx(struct kvm_vcpu *vcpu)
{
	return container_of(vcpu, struct vcpu_vmx, vcpu);
}

static inline struct vcpu_svm *to_svm(struct kvm_vcpu *vcpu)
{
	return container_of(vcpu, struct vcpu_svm, vcpu);
}

/* tracks: arch/x86/include/asm/kvm_host.h struct kvm_x86_ops (bound by the glue) */
struct kvm_x86_ops {
	int (*get_msr)(struct kvm_vcpu *vcpu, struct msr_data *msr);
	int (*set_msr)(struct kvm_vcpu *vcpu, struct msr_data *msr);
	int (*get_feature_msr)(u32 msr, u64 *data);
};
extern struct kvm_x86_ops kvm_x86_ops;
#define kvm_x86_call(func) kvm_x86_ops.func
/*
 * tracks: arch/x86/include/asm/kvm_host.h before kvm_x86_call() (6.1):
 * static_call(kvm_x86_get_msr)(...) is the same call; the name expands
 * to the member before it reaches the macro's body.
 */
#undef static_call
#define static_call(name) kvm_x86_ops.name
#define kvm_x86_get_msr get_msr
#define kvm_x86_set_msr set_msr
#define kvm_x86_get_feature_msr get_feature_msr

#endif /* KVM_X86_SIM_STUBS_DUP_H */
