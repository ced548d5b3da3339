/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations that must track the kernel: the uapi layouts userspace and
 * KVM share, the fields of struct kvm_vcpu / vcpu_vmx / vcpu_svm that the
 * sliced code dereferences, and the constants it names.  The values come
 * from kvm_x86_sim/layout.h (one source of truth for the CPU's layout); a
 * constant the tree defines itself is taken from the slice instead
 * (SLICE_HAVE_* from the generated header).  Constants are #undef'd first:
 * built as kernel code under ARCH=um, x86's own headers may define them.
 */
#ifndef KVM_X86_SIM_STUBS_DUP_H
#define KVM_X86_SIM_STUBS_DUP_H

#include "kvm_x86_sim/hw.h"

typedef u64 gpa_t;
typedef u64 gva_t;
typedef u64 gfn_t;

#ifdef __KERNEL__
/* Built as kernel code (kunit/): the kernel's own vocabulary. */
#include <linux/bits.h>
#include <linux/align.h>
#include <linux/build_bug.h>
#include <linux/container_of.h>
#include <linux/err.h>
#include <linux/errno.h>
#else
/* kernel integer and annotation vocabulary */
typedef u64 __u64;
typedef u32 __u32;
typedef u16 __u16;
typedef u8 __u8;
typedef s64 __s64;
typedef int16_t s16;
typedef int32_t s32;
#define __user
#define __read_mostly
#undef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#define noinline __attribute__((__noinline__))
#define __maybe_unused __attribute__((__unused__))
#define fallthrough __attribute__((__fallthrough__))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define BIT(n) (1UL << (n))
#define BIT_ULL(n) (1ULL << (n))
#define GENMASK(h, l) (((~0UL) << (l)) & (~0UL >> (63 - (h))))
#define GENMASK_ULL(h, l) (((~0ULL) << (l)) & (~0ULL >> (63 - (h))))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define BUILD_BUG_ON(cond) ((void)sizeof(char[1 - 2 * !!(cond)]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define EINVAL 22
#define EFAULT 14
#define E2BIG 7
#define ENOMEM 12
#define EIO 5
#define MAX_ERRNO 4095
#define IS_ERR(p) ((unsigned long)(p) >= (unsigned long)-MAX_ERRNO)
#define PTR_ERR(p) ((long)(p))
#define ERR_PTR(e) ((void *)(long)(e))
#define u64_to_user_ptr(x) ((void __user *)(uintptr_t)(x))
#endif /* __KERNEL__ */

/* uapi: struct kvm_msrs, struct kvm_one_reg, the x86 register ids */
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
/* x86's view of a ONE_REG id (struct kvm_x86_reg_id in x86.c) */
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

/* MSR indices, from the simulator's layout */
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
#undef MSR_AMD64_NB_CFG
#define MSR_AMD64_NB_CFG	SIM_MSR_AMD64_NB_CFG
/*
 * MSRs sharing a switch arm with MSR_AMD64_NB_CFG (the non-CET control
 * MSR); they only need to be distinct case labels.
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
#ifndef SLICE_HAVE_MSR_KVM_INTERNAL_GUEST_SSP
#define MSR_KVM_INTERNAL_GUEST_SSP SIM_MSR_KVM_INTERNAL_GUEST_SSP
#endif
#ifndef SLICE_HAVE_MAX_IO_MSRS
#define MAX_IO_MSRS 256
#endif
#ifndef SLICE_HAVE_KVM_MSR_RET_UNSUPPORTED
#define KVM_MSR_RET_UNSUPPORTED 2
#endif

/* CET bits (msr-index.h) */
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

/* VMCS fields */
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

/* cpufeatures */
#undef X86_FEATURE_LM
#define X86_FEATURE_LM		SIM_FEATURE_LM
#undef X86_FEATURE_SHSTK
#define X86_FEATURE_SHSTK	SIM_FEATURE_SHSTK
#undef X86_FEATURE_IBT
#define X86_FEATURE_IBT		SIM_FEATURE_IBT

/* KVM's internal MSR vocabulary (arch/x86/kvm/x86.h) */
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

/* The parts of KVM's structures the sliced code reads. */
struct fpu_guest {
	struct sim_fpstate *fpstate;	/* kernel: struct fpstate */
};

struct kvm_arch {
	bool has_protected_state;
	struct { u32 msr; } xen_hvm_config;
};

struct kvm {
	struct kvm_arch arch;
	bool vm_bugged;
	int srcu;			/* guard(srcu)(&vcpu->kvm->srcu) */
};

struct kvm_vcpu_arch {
	struct fpu_guest guest_fpu;
};

struct kvm_vcpu_stat {
	u64 fpu_reload;
};

struct kvm_vcpu {
	struct kvm *kvm;
	struct kvm_vcpu_arch arch;
	struct kvm_vcpu_stat stat;
	struct sim_vcpu *sim;		/* the simulator's view of this vCPU */
};

struct kvm_caps {
	u64 supported_xss;
};
extern struct kvm_caps kvm_caps;

/* The vendor modules' vCPU structures. */
struct vmx_uret_msr {
	u64 data;
};

struct vcpu_vmx {
	struct kvm_vcpu vcpu;
};

struct vmcb_save_area {
	u64 s_cet;
	u64 ssp;
	u64 isst_addr;
};

struct vmcb {
	struct vmcb_save_area save;
};

struct vcpu_svm {
	struct kvm_vcpu vcpu;
	struct vmcb *vmcb;
	struct vmcb_ptr { struct vmcb *ptr; } vmcb01;
	struct vmcb save_vmcb;
};

#undef VMCB_CET
#define VMCB_CET 0

static inline struct vcpu_vmx *to_vmx(struct kvm_vcpu *vcpu)
{
	return container_of(vcpu, struct vcpu_vmx, vcpu);
}

static inline struct vcpu_svm *to_svm(struct kvm_vcpu *vcpu)
{
	return container_of(vcpu, struct vcpu_svm, vcpu);
}

/* kvm_x86_ops: the vendor callbacks, bound by the glue. */
struct kvm_x86_ops {
	int (*get_msr)(struct kvm_vcpu *vcpu, struct msr_data *msr);
	int (*set_msr)(struct kvm_vcpu *vcpu, struct msr_data *msr);
	int (*get_feature_msr)(u32 msr, u64 *data);
};
extern struct kvm_x86_ops kvm_x86_ops;
#define kvm_x86_call(func) kvm_x86_ops.func

#endif /* KVM_X86_SIM_STUBS_DUP_H */
