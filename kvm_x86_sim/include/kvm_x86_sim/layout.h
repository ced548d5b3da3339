/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that states the simulated CPU's architectural layout: MSR
 * numbers, XSAVE components, VMCS field encodings and controls, CPUID
 * feature bits, CET bit fields.  Both the simulator and the stubs the kernel
 * slice compiles against take these values from here, so they cannot drift.
 * Every value is an architectural fact, written down from the SDM/APM.
 */
#ifndef KVM_X86_SIM_LAYOUT_H
#define KVM_X86_SIM_LAYOUT_H

#include "kvm_x86_sim/port.h"

/* MSRs that the CET series moves between host and guest. */
#define SIM_MSR_U_CET		0x000006a0
#define SIM_MSR_S_CET		0x000006a2
#define SIM_MSR_PL0_SSP		0x000006a4
#define SIM_MSR_PL1_SSP		0x000006a5
#define SIM_MSR_PL2_SSP		0x000006a6
#define SIM_MSR_PL3_SSP		0x000006a7
#define SIM_MSR_INT_SSP_TAB	0x000006a8
#define SIM_MSR_XSS		0x00000da0
/* eXtended Feature Disable and its error (SDM Vol. 1, 13.14) */
#define SIM_MSR_XFD		0x000001c4
#define SIM_MSR_XFD_ERR		0x000001c5
/* An MSR that KVM accepts and ignores on every tree: the non-CET control. */
#define SIM_MSR_AMD64_NB_CFG	0xc001001f
/* KVM's synthetic index for the guest SSP (KVM_REG_GUEST_SSP in ONE_REG). */
#define SIM_MSR_KVM_INTERNAL_GUEST_SSP	0x4b564dff

/*
 * XSAVE supervisor components.  CET_U holds U_CET and PL3_SSP, CET_S holds
 * PL0..PL2_SSP.  S_CET and INT_SSP_TAB are in neither: S_CET is switched by
 * the VMCS/VMCB on VM-entry/exit.
 */
#define SIM_XFEATURE_CET_USER		11
#define SIM_XFEATURE_CET_KERNEL		12
#define SIM_XFEATURE_MASK_CET_USER	(1ULL << SIM_XFEATURE_CET_USER)
#define SIM_XFEATURE_MASK_CET_KERNEL	(1ULL << SIM_XFEATURE_CET_KERNEL)
#define SIM_XFEATURE_MASK_CET_ALL \
	(SIM_XFEATURE_MASK_CET_USER | SIM_XFEATURE_MASK_CET_KERNEL)

/* VMCS field encodings (natural width) and VM-entry/exit controls. */
#define SIM_GUEST_S_CET			0x00006828
#define SIM_GUEST_SSP			0x0000682a
#define SIM_GUEST_INTR_SSP_TABLE	0x0000682c
#define SIM_HOST_S_CET			0x00006c18
#define SIM_HOST_SSP			0x00006c1a
#define SIM_HOST_INTR_SSP_TABLE		0x00006c1c
#define SIM_VM_EXIT_CONTROLS		0x0000400c
#define SIM_VM_ENTRY_CONTROLS		0x00004012
#define SIM_VM_ENTRY_LOAD_CET_STATE	0x00100000
#define SIM_VM_EXIT_LOAD_CET_STATE	0x10000000
#define SIM_VM_EXIT_HOST_ADDR_SPACE_SIZE 0x00000200	/* 64-bit host */
#define SIM_VM_ENTRY_IA32E_MODE		0x00000200	/* 64-bit guest */
#define SIM_VM_ENTRY_LOAD_IA32_EFER	0x00008000
/* The VMCB clean bit of the CET fields (APM Vol. 2, 15.15.3) */
#define SIM_VMCB_CLEAN_CET		12
#define SIM_VM_EXIT_LOAD_IA32_PAT	0x00080000
#define SIM_VM_EXIT_LOAD_IA32_EFER	0x00200000
#define SIM_VM_EXIT_LOAD_PERF_GLOBAL	0x00001000

/*
 * The host-state fields a VM-exit loads (SDM Vol. 3, 28.5) that KVM writes
 * once per VMCS (vmx_set_constant_host_state()), each with the VM-exit
 * control that makes the exit load it (0: always).  A VM-entry with one of
 * them never written since the VMCS was set up would later load an
 * undefined host state.  FS/GS and the TR/GDTR bases and RSP, written
 * per vCPU load and per run, are the harness's.
 */
#define SIM_HOST_STATE_FIELDS(X)					\
	X(ES_SELECTOR,		0x00000c00, 0, SIM_HOST_ANY)		\
	X(CS_SELECTOR,		0x00000c02, 0, SIM_HOST_ANY)		\
	X(SS_SELECTOR,		0x00000c04, 0, SIM_HOST_ANY)		\
	X(DS_SELECTOR,		0x00000c06, 0, SIM_HOST_ANY)		\
	X(TR_SELECTOR,		0x00000c0c, 0, SIM_HOST_ANY)		\
	X(IA32_PAT,		0x00002c00, SIM_VM_EXIT_LOAD_IA32_PAT,	\
	  SIM_HOST_PAT)							\
	X(IA32_EFER,		0x00002c02, SIM_VM_EXIT_LOAD_IA32_EFER,	\
	  SIM_HOST_ANY)							\
	X(IA32_PERF_GLOBAL_CTRL, 0x00002c04, SIM_VM_EXIT_LOAD_PERF_GLOBAL, \
	  SIM_HOST_ANY)							\
	X(IA32_SYSENTER_CS,	0x00004c00, 0, SIM_HOST_SYSENTER_CS)	\
	X(CR0,			0x00006c00, 0, SIM_HOST_CR0)		\
	X(CR3,			0x00006c02, 0, SIM_HOST_CR3)		\
	X(CR4,			0x00006c04, 0, SIM_HOST_CR4)		\
	X(IDTR_BASE,		0x00006c0e, 0, SIM_HOST_ANY)		\
	X(IA32_SYSENTER_ESP,	0x00006c10, 0, SIM_HOST_ANY)		\
	X(IA32_SYSENTER_EIP,	0x00006c12, 0, SIM_HOST_SYSENTER_EIP)	\
	X(RIP,			0x00006c16, 0, SIM_HOST_ANY)		\
	X(S_CET,		SIM_HOST_S_CET, SIM_VM_EXIT_LOAD_CET_STATE, \
	  SIM_HOST_ANY)							\
	X(SSP,			SIM_HOST_SSP, SIM_VM_EXIT_LOAD_CET_STATE, \
	  SIM_HOST_ANY)							\
	X(INTR_SSP_TABLE,	SIM_HOST_INTR_SSP_TABLE,		\
	  SIM_VM_EXIT_LOAD_CET_STATE, SIM_HOST_ANY)

/*
 * The host's registers the VM-exit must give back, as the stubs report
 * them to the tree's code (read_cr0(), RDMSR of SYSENTER_CS, ...);
 * SIM_HOST_ANY: a field whose value the simulation does not check (S_CET
 * is checked where it is loaded, sim_vm_exit()).
 */
#define SIM_HOST_ANY		(~0ULL)
#define SIM_HOST_CR0		0x80050033ULL	/* PG WP NE ET MP PE, TS clear */
#define SIM_HOST_CR3		0x1000ULL
#define SIM_HOST_CR4		0x3706f0ULL
#define SIM_MSR_SYSENTER_CS	0x00000174
#define SIM_MSR_SYSENTER_EIP	0x00000176
#define SIM_MSR_CR_PAT		0x00000277
#define SIM_HOST_SYSENTER_CS	0x10ULL		/* __KERNEL_CS */
#define SIM_HOST_SYSENTER_EIP	0xffffffff81a01b50ULL
#define SIM_HOST_PAT		0x0407050600070106ULL	/* power-on PAT */

#define SIM_HOST_FIELD_IDX(name, enc, ctl, want)	SIM_HOST_IDX_##name,
#define SIM_HOST_FIELD_ENC(name, enc, ctl, want) SIM_VMCS_HOST_##name = (enc),
enum { SIM_HOST_STATE_FIELDS(SIM_HOST_FIELD_IDX) SIM_NR_HOST_FIELDS };
enum { SIM_HOST_STATE_FIELDS(SIM_HOST_FIELD_ENC) };

struct sim_host_field {
	const char *name;
	u32 field, exit_ctl;
	u64 want;
};

extern const struct sim_host_field sim_host_fields[SIM_NR_HOST_FIELDS];

/* CPUID features, numbered as the kernel's cpufeatures (word * 32 + bit). */
#define SIM_FEATURE_LM		(1 * 32 + 29)	/* CPUID 0x80000001.EDX[29] */
#define SIM_FEATURE_SHSTK	(16 * 32 + 7)	/* CPUID 7.0.ECX[7] */
#define SIM_FEATURE_IBT		(18 * 32 + 20)	/* CPUID 7.0.EDX[20] */
#define SIM_FEATURE_XSAVES	(10 * 32 + 3)	/* CPUID 0xD.1.EAX[3] */
#define SIM_FEATURE_XSAVE	(4 * 32 + 26)	/* CPUID 1.ECX[26] */
#define SIM_FEATURE_PKU		(16 * 32 + 3)	/* CPUID 7.0.ECX[3] */
#define SIM_FEATURE_LA57	(16 * 32 + 16)	/* CPUID 7.0.ECX[16] */
#define SIM_FEATURE_XFD		(10 * 32 + 4)	/* CPUID 0xD.1.EAX[4] */

/* Guest CPUID combinations the scenarios iterate over. */
#define SIM_CPUID_IBT		(1u << 0)
#define SIM_CPUID_SHSTK		(1u << 1)
#define SIM_CPUID_LM		(1u << 2)
#define SIM_CPUID_XSAVES	(1u << 3)	/* CPUID.(0xD,1):EAX[3] */
#define SIM_CPUID_PKU		(1u << 4)	/* CPUID.(7,0):ECX[3] */
/*
 * AMX with its dynamic state: CPUID.(7,0):EDX[24] (AMX-TILE), the tile
 * components in CPUID.(0xD,0), XFD (CPUID.(0xD,1):EAX[4]) and their XFD
 * support (CPUID.(0xD,18):ECX[2]), as a VMM gives them together
 */
#define SIM_CPUID_AMX		(1u << 5)
/* XSAVE itself, CPUID.1:ECX[26]: without XSAVES a guest may still have it */
#define SIM_CPUID_XSAVE		(1u << 6)
/* what every combination has unless a scenario takes it away */
#define SIM_CPUID_BASE		(SIM_CPUID_LM | SIM_CPUID_XSAVE | \
				 SIM_CPUID_XSAVES | SIM_CPUID_PKU)

/*
 * The guest's CPUID.(EAX=0DH,ECX=1):ECX, the IA32_XSS bits it may set: a
 * VMM gives a guest with SHSTK or IBT both CET components (U_CET is
 * XSAVE-managed with either feature), none otherwise.
 */
static inline u64 sim_cpuid_xss(unsigned int cpuid)
{
	return cpuid & (SIM_CPUID_SHSTK | SIM_CPUID_IBT) ?
	       SIM_XFEATURE_MASK_CET_USER | SIM_XFEATURE_MASK_CET_KERNEL : 0;
}

/* errno values of KVM's ABI (include/uapi/asm-generic/errno-base.h) */
#define SIM_E2BIG	7
#define SIM_EFAULT	14
#define SIM_EINVAL	22

/*
 * The ONE_REG id of the guest SSP (KVM_REG_GUEST_SSP): KVM_REG_X86 |
 * KVM_REG_SIZE_U64 | KVM_X86_REG_TYPE_KVM << 32 | 0 (uapi/asm/kvm.h).
 */
#define SIM_REG_GUEST_SSP_ID	(0x2000000000000000ULL | 0x0030000000000000ULL | \
				 (3ULL << 32) | 0)

/*
 * What makes a ONE_REG id invalid, as bits to flip in a valid one (struct
 * kvm_x86_reg_id in uapi/asm/kvm.h: index 31:0, type 39:32, rsvd1 47:40,
 * rsvd2 51:48, size 55:52, x86 63:56): another size, a type x86 does not
 * define, a reserved bit, another architecture.  KVM_{GET,SET}_ONE_REG
 * answers each with EINVAL.
 */
#define SIM_ONE_REG_BAD_SIZE32	(1ULL << 52)	/* U64 -> U32 */
#define SIM_ONE_REG_BAD_SIZE128	(7ULL << 52)	/* U64 -> U128 */
#define SIM_ONE_REG_BAD_SIZE1024 (4ULL << 52)	/* U64 -> U1024: keeps U64's bits */
#define SIM_ONE_REG_BAD_TYPE	(4ULL << 32)
#define SIM_ONE_REG_BAD_RSVD1	(1ULL << 40)
#define SIM_ONE_REG_BAD_RSVD2	(1ULL << 48)
#define SIM_ONE_REG_BAD_ARCH	(1ULL << 56)
/* for KVM_REG_GUEST_SSP only: another KVM register index (none exists) */
#define SIM_ONE_REG_BAD_KVM_INDEX	(1ULL << 0)

/*
 * KVM_{GET,SET}_MSRS take fewer than this many entries; a larger batch
 * fails with E2BIG before any is processed (KVM's MAX_IO_MSRS).
 */
#define SIM_MAX_IO_MSRS		256

/*
 * The families of guest state the register file models, the unit of
 * extension (docs/families.md): what a tree handles or lacks together,
 * what the probe asks it about, what a generated program draws from.
 */
enum sim_family {
	SIM_FAMILY_CET,		/* the CET MSRs */
	SIM_FAMILY_XSAVE,	/* IA32_XSS: which supervisor components XSAVES holds */
	SIM_NR_FAMILIES,
};

/* The architectural rule of an MSR's values (what is valid, its edges). */
enum sim_value_rule {
	SIM_RULE_CET_CTL,	/* U_CET/S_CET: sim_cet_value_valid() */
	SIM_RULE_SSP,		/* a shadow-stack pointer: canonical, 4-aligned */
	SIM_RULE_SSP_TABLE,	/* INT_SSP_TAB: canonical */
	SIM_RULE_XSS,		/* IA32_XSS: the components CPUID reports */
};

/*
 * One row per MSR of a family: X(NAME, name, MSR, family, XSAVE component
 * that holds it (0: none), guest CPUID features (SIM_CPUID_*) any of which
 * lets a guest own it, VMCS guest-state field VM-entry loads it from (0:
 * none; the SVM VMCB save area has the same fields: s_cet, ssp,
 * isst_addr), the rule of its values (SIM_RULE_*)).  The register file's
 * slots, its facts, the probe of a tree, the pools of generated programs
 * and the family's edge_<name> scenarios are built from these rows, in
 * their order; the oracle writes its own rules from the architecture
 * (oracle/rules.c).
 */
#define SIM_FAMILY_CET_ROWS(X)						\
	X(U_CET, u_cet, SIM_MSR_U_CET, CET, SIM_XFEATURE_MASK_CET_USER,	\
	  SIM_CPUID_SHSTK | SIM_CPUID_IBT, 0, CET_CTL)			\
	X(S_CET, s_cet, SIM_MSR_S_CET, CET, 0,				\
	  SIM_CPUID_SHSTK | SIM_CPUID_IBT, SIM_GUEST_S_CET, CET_CTL)	\
	X(PL0_SSP, pl0_ssp, SIM_MSR_PL0_SSP, CET,			\
	  SIM_XFEATURE_MASK_CET_KERNEL, SIM_CPUID_SHSTK, 0, SSP)		\
	X(PL1_SSP, pl1_ssp, SIM_MSR_PL1_SSP, CET,			\
	  SIM_XFEATURE_MASK_CET_KERNEL, SIM_CPUID_SHSTK, 0, SSP)		\
	X(PL2_SSP, pl2_ssp, SIM_MSR_PL2_SSP, CET,			\
	  SIM_XFEATURE_MASK_CET_KERNEL, SIM_CPUID_SHSTK, 0, SSP)		\
	X(PL3_SSP, pl3_ssp, SIM_MSR_PL3_SSP, CET,			\
	  SIM_XFEATURE_MASK_CET_USER, SIM_CPUID_SHSTK, 0, SSP)		\
	X(INT_SSP_TAB, int_ssp_tab, SIM_MSR_INT_SSP_TAB, CET, 0,		\
	  SIM_CPUID_SHSTK, SIM_GUEST_INTR_SSP_TABLE, SSP_TABLE)
#define SIM_FAMILY_XSAVE_ROWS(X)					\
	X(XSS, xss, SIM_MSR_XSS, XSAVE, 0, 0, 0, XSS)
#define SIM_MSR_ROWS(X) SIM_FAMILY_CET_ROWS(X) SIM_FAMILY_XSAVE_ROWS(X)

/* Dense index of the MSRs the register file models: one per row. */
#define SIM_ROW_SLOT(N, n, msr, fam, xf, gate, field, rule) SIM_SLOT_##N,
enum sim_msr_slot {
	SIM_MSR_ROWS(SIM_ROW_SLOT)
	SIM_NR_SLOTS,
	SIM_SLOT_NONE = -1,
};

struct sim_msr_fact {
	u32 msr;
	enum sim_family family;
	u64 xfeature;
	unsigned int cpuid;
	u32 vmcs;
	enum sim_value_rule rule;
};

#define SIM_ROW_FACT(N, n, m, fam, xf, gate, field, r)			\
	[SIM_SLOT_##N] = { .msr = (m), .family = SIM_FAMILY_##fam,	\
			   .xfeature = (xf), .cpuid = (gate),		\
			   .vmcs = (field), .rule = SIM_RULE_##r },
static const struct sim_msr_fact sim_msr_facts[SIM_NR_SLOTS] = {
	SIM_MSR_ROWS(SIM_ROW_FACT)
};

/* @msr's row, NULL if the register file has none. */
static inline const struct sim_msr_fact *sim_msr_fact_of(u32 msr)
{
	int s;

	for (s = 0; s < SIM_NR_SLOTS; s++)
		if (sim_msr_facts[s].msr == msr)
			return &sim_msr_facts[s];
	return NULL;
}

/* The family of @msr, SIM_NR_FAMILIES if the register file has none. */
static inline enum sim_family sim_msr_family(u32 msr)
{
	const struct sim_msr_fact *f = sim_msr_fact_of(msr);

	return f ? f->family : SIM_NR_FAMILIES;
}

/* The rule of @msr's values; an SSP's for one the register file lacks. */
static inline enum sim_value_rule sim_msr_rule(u32 msr)
{
	const struct sim_msr_fact *f = sim_msr_fact_of(msr);

	return f ? f->rule : SIM_RULE_SSP;
}

/*
 * The MSRs of family @f, in their rows' order, into @out (room for @max);
 * returns how many there are.
 */
static inline unsigned int sim_family_msrs(enum sim_family f, u32 *out,
					   unsigned int max)
{
	unsigned int n = 0;
	int s;

	for (s = 0; s < SIM_NR_SLOTS; s++)
		if (sim_msr_facts[s].family == f && n < max)
			out[n++] = sim_msr_facts[s].msr;
	return n;
}

/*
 * The XSAVE feature registers (the xfeatures family, docs/families.md):
 * XCR0, written by XSETBV (SDM Vol. 1, 13.3), and PKRU, written by WRPKRU
 * with CR4.PKE set (Vol. 3, 4.6.2).  They are not MSRs: no register-file
 * slot; the machine keeps them beside it (struct sim's xcr0, pkru).
 */
#define SIM_XCR_XFEATURE_ENABLED_MASK	0	/* ECX of XSETBV for XCR0 */
/* XSAVE components (SDM Vol. 1, Table 13-1) */
#define SIM_XFEATURE_MASK_FP		(1ULL << 0)
#define SIM_XFEATURE_MASK_SSE		(1ULL << 1)
#define SIM_XFEATURE_MASK_FPSSE		(SIM_XFEATURE_MASK_FP | SIM_XFEATURE_MASK_SSE)
#define SIM_XFEATURE_MASK_YMM		(1ULL << 2)
#define SIM_XFEATURE_MASK_BNDREGS	(1ULL << 3)
#define SIM_XFEATURE_MASK_BNDCSR	(1ULL << 4)
#define SIM_XFEATURE_MASK_AVX512	(7ULL << 5)	/* opmask, ZMM_Hi256, Hi16_ZMM */
#define SIM_XFEATURE_MASK_PKRU		(1ULL << 9)
#define SIM_XFEATURE_MASK_XTILE_CFG	(1ULL << 17)
#define SIM_XFEATURE_MASK_XTILE_DATA	(1ULL << 18)
#define SIM_XFEATURE_MASK_XTILE		(SIM_XFEATURE_MASK_XTILE_CFG | \
					 SIM_XFEATURE_MASK_XTILE_DATA)
/*
 * The components a task gets only once it asks (arch_prctl(
 * ARCH_REQ_XCOMP_GUEST_PERM) for a guest's), whose use XFD can trap:
 * the kernel's XFEATURE_MASK_USER_DYNAMIC
 */
#define SIM_XFEATURE_MASK_DYNAMIC	SIM_XFEATURE_MASK_XTILE_DATA
/*
 * The simulated CPU's XCR0 components (CPUID.(0xD,0) EDX:EAX), all of
 * which the host kernel enables and KVM supports: x87, SSE, AVX, MPX,
 * AVX-512 and PKRU; the AMX host's (SIM_HOST_AMX) AMX's two tile
 * components too (sim_host_xcr0()).  Their registers are not modelled (a
 * KVM_SET_XSAVE image of them is carried as it is), except PKRU's.
 */
#define SIM_HOST_XCR0	(SIM_XFEATURE_MASK_FPSSE | SIM_XFEATURE_MASK_YMM | \
			 SIM_XFEATURE_MASK_BNDREGS | SIM_XFEATURE_MASK_BNDCSR | \
			 SIM_XFEATURE_MASK_AVX512 | SIM_XFEATURE_MASK_PKRU)
/*
 * Each XSAVE component beyond SSE the simulated CPU has, as CPUID.(0xD,i)
 * enumerates it (SDM Vol. 1, 13.2 and Table 13-1): its size (EAX) and its
 * offset in the standard format (EBX; 0 for a supervisor component,
 * which only the compacted format holds).  None asks for 64-byte
 * alignment in the compacted format (ECX[1] clear).
 */
struct sim_xfeature_geometry {
	u16 offset, size;
};

static const struct sim_xfeature_geometry sim_xfeature_geometry[] = {
	[2] = { 576, 256 },		/* AVX: YMM_Hi128 */
	[3] = { 960, 64 },		/* MPX: BNDREGS */
	[4] = { 1024, 64 },		/* MPX: BNDCSR */
	[5] = { 1088, 64 },		/* AVX-512: opmask */
	[6] = { 1152, 512 },		/* AVX-512: ZMM_Hi256 */
	[7] = { 1664, 1024 },		/* AVX-512: Hi16_ZMM */
	[9] = { 2688, 8 },		/* PKRU */
	[17] = { 2752, 64 },		/* AMX: XTILECFG */
	[18] = { 2816, 8192 },		/* AMX: XTILEDATA */
	[SIM_XFEATURE_CET_USER] = { 0, 16 },	/* U_CET, PL3_SSP */
	[SIM_XFEATURE_CET_KERNEL] = { 0, 24 },	/* PL0_SSP..PL2_SSP */
};
/* the legacy region and the XSAVE header: where every format starts */
#define SIM_XSAVE_LEGACY_AND_HEADER	576
#define SIM_XSAVE_PKRU_OFFSET		2688

/*
 * The XSAVE area's size for @xfeatures: CPUID.(0xD,0).EBX for XCR0 (the
 * standard format: up to the end of the last enabled component),
 * CPUID.(0xD,1).EBX for XCR0 | IA32_XSS (@compacted: the components one
 * after another).
 */
static inline u32 sim_xsave_size(u64 xfeatures, bool compacted)
{
	u32 size = SIM_XSAVE_LEGACY_AND_HEADER, end;
	unsigned int i;

	for (i = 2; i < ARRAY_SIZE(sim_xfeature_geometry); i++) {
		const struct sim_xfeature_geometry *g = &sim_xfeature_geometry[i];

		if (!(xfeatures & (1ULL << i)) || !g->size)
			continue;
		if (compacted) {
			size += g->size;
		} else if (g->offset) {
			end = g->offset + g->size;
			size = end > size ? end : size;
		}
	}
	return size;
}

/*
 * The XFD family (docs/families.md): IA32_XFD arms XFD for the dynamic
 * components whose bits it sets (a use of one raises #NM), IA32_XFD_ERR
 * says which such use raised the last #NM (SDM Vol. 1, 13.14).  Both
 * exist with XFD (CPUID.(0xD,1):EAX[4]); their valid bits are the
 * dynamic components the guest's CPUID.(0xD,0) enumerates.  Like XCR0
 * and PKRU they have no register-file slot: the machine keeps one of
 * each (struct sim's xfd, xfd_err).  IA32_XFD is the FPU core's: loaded
 * with an fpstate (its xfd), the guest's while the guest FPU is loaded.
 * One row per MSR: X(NAME, name, MSR, guest CPUID gate).
 */
#define SIM_FAMILY_XFD_ROWS(X)						\
	X(XFD, xfd, SIM_MSR_XFD, SIM_CPUID_AMX)				\
	X(XFD_ERR, xfd_err, SIM_MSR_XFD_ERR, SIM_CPUID_AMX)

static inline bool sim_is_xfd_msr(u32 msr)
{
	return msr == SIM_MSR_XFD || msr == SIM_MSR_XFD_ERR;
}

/* X86_CR4_OSXSAVE, X86_CR4_PKE */
#define SIM_CR4_OSXSAVE			(1UL << 18)
#define SIM_CR4_PKE			(1UL << 22)
/*
 * The host task's PKRU: the kernel's default (init_pkru_value: every key
 * but key 0 access-disabled), so a guest's 0 is never mistaken for it.
 */
#define SIM_HOST_PKRU			0x55555554U

/*
 * Would XSETBV of @xcr0 to XCR0 succeed on a CPU (or for a guest) whose
 * CPUID.(0xD,0) enumerates @supported?  SDM Vol. 1, 13.3: bit 0 (x87) set;
 * AVX (bit 2) needs SSE (bit 1); the MPX pair (bits 4:3) together; the
 * AVX-512 three (bits 7:5) together, with AVX; the AMX pair (bits 18:17)
 * together; nothing the CPU does not enumerate.  Else #GP.
 */
static inline bool sim_xcr0_valid(u64 xcr0, u64 supported)
{
	if (!(xcr0 & 1) || (xcr0 & ~(supported | 1)))
		return false;
	if ((xcr0 & SIM_XFEATURE_MASK_YMM) && !(xcr0 & SIM_XFEATURE_MASK_SSE))
		return false;
	if (!(xcr0 & SIM_XFEATURE_MASK_BNDREGS) !=
	    !(xcr0 & SIM_XFEATURE_MASK_BNDCSR))
		return false;
	if ((xcr0 & SIM_XFEATURE_MASK_AVX512) &&
	    ((xcr0 & SIM_XFEATURE_MASK_AVX512) != SIM_XFEATURE_MASK_AVX512 ||
	     !(xcr0 & SIM_XFEATURE_MASK_YMM)))
		return false;
	return !(xcr0 & SIM_XFEATURE_MASK_XTILE) ||
	       (xcr0 & SIM_XFEATURE_MASK_XTILE) == SIM_XFEATURE_MASK_XTILE;
}

/* U_CET/S_CET fields. */
#define SIM_CET_SHSTK_EN	(1ULL << 0)
#define SIM_CET_WRSS_EN		(1ULL << 1)
#define SIM_CET_ENDBR_EN	(1ULL << 2)
#define SIM_CET_NO_TRACK_EN	(1ULL << 4)
#define SIM_CET_RESERVED	(0xfULL << 6)	/* bits 9:6 */
#define SIM_CET_SUPPRESS	(1ULL << 10)
#define SIM_CET_WAIT_ENDBR	(1ULL << 11)
#define SIM_CET_SHSTK_BITS	0x3ULL		/* bits 1:0 */
#define SIM_CET_IBT_BITS	(~0x3ffULL | 0x3cULL) /* 5:2, 63:10 */

/*
 * Would a WRMSR of @data to U_CET/S_CET be accepted by a CPU with (or a
 * guest CPUID of) @shstk and @ibt?  SDM Vol. 1 17.3 and the MSRs' fields:
 * bits 9:6 reserved, a feature's enable bits need the feature, the legacy
 * bitmap base (bits 63:12) 16K aligned (bits 13:12 zero), and IBT cannot
 * be suppressed while the tracker is in WAIT_FOR_ENDBRANCH.
 */
static inline bool sim_cet_value_valid(u64 data, bool shstk, bool ibt)
{
	if (data & SIM_CET_RESERVED)
		return false;
	if (!shstk && (data & SIM_CET_SHSTK_BITS))
		return false;
	if (!ibt && (data & SIM_CET_IBT_BITS))
		return false;
	if ((data >> 12) & 3)
		return false;
	return !((data & SIM_CET_SUPPRESS) && (data & SIM_CET_WAIT_ENDBR));
}

#endif /* KVM_X86_SIM_LAYOUT_H */
