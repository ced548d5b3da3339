/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_x86_sim scenario API: drive the tree's own KVM MSR-I/O code the way a
 * VMM drives KVM, on a simulated CET-capable CPU.  The verdict comes from
 * an observer, the oracle (oracle/oracle.h):
 *
 *	struct sim *sim = sim_create(SIM_VMX, &sim_tree_kernel);
 *	struct oracle *oracle = oracle_attach(sim);
 *	struct sim_vcpu *vcpu = sim_vcpu_create(sim);
 *	struct sim_msr_entry e[] = { { SIM_MSR_U_CET, 0, SIM_CET_SHSTK_EN } };
 *
 *	sim_set_cpuid(vcpu, SIM_CPUID_SHSTK | SIM_CPUID_LM);
 *	sim_set_msrs(vcpu, e, 1);		// KVM_SET_MSRS: returns 1
 *	if (oracle_violations(oracle))		// mask of SIM_INV_BIT()s
 *		oracle_report(oracle, printer, ctx);
 *	sim_destroy(sim);			// frees the oracle too
 */
#ifndef KVM_X86_SIM_SIM_H
#define KVM_X86_SIM_SIM_H

#include "kvm_x86_sim/port.h"
#include "kvm_x86_sim/layout.h"
#include "kvm_x86_sim/observer.h"

enum sim_vendor { SIM_VMX, SIM_SVM };

/*
 * The host machine KVM runs on.  With CET, KVM supports SHSTK and (VMX
 * only: KVM does not virtualize IBT on SVM) IBT and the CET XSAVE
 * components; without CET (or with KVM's CET support off) none of them;
 * LA57 is the CET host with 5-level paging (57-bit linear addresses).
 */
/*
 * The hosts: CET (the CPU and KVM), no CET, CET with 5-level paging, a
 * CPU with CET (its MSRs, the VMX load-CET controls, the kernel's XSS)
 * on which KVM does not virtualize it (enable_cet = 0: e.g. no
 * unrestricted guest), and the CET CPU with KVM on shadow paging (ept=0 /
 * npt=0): kvm_set_cpu_caps() clears SHSTK ("Shadow Stacks aren't
 * implemented in the Shadow MMU") and keeps IBT, so KVM offers IBT
 * without shadow stacks on VMX and nothing of CET on SVM, while the
 * kernel's XSS keeps the CET components (the CPU has SHSTK).
 */
/*
 * The AMX host is the CET host with AMX and XFD (an Intel CPU: on SVM it
 * is the CET host, no AMD CPU has them): its XCR0 has the tile
 * components, KVM supports AMX and XFD, the VMM asked for the guest's
 * dynamic-component permission.  It is the last: SIM_HOSTS_ALL and the
 * generated programs leave it out (the XFD family's scenarios name it).
 */
enum sim_host {
	SIM_HOST_CET, SIM_HOST_NO_CET, SIM_HOST_LA57, SIM_HOST_CET_OFF,
	SIM_HOST_NO_TDP, SIM_HOST_AMX, SIM_NR_HOSTS
};

/*
 * Deliberately broken primitives, used by the cases that prove an invariant
 * can fail.  Each breaks the simulator or the ioctl dispatcher, never the
 * kernel code under test.
 */
enum sim_fault {
	SIM_FAULT_NONE			= 0,
	SIM_FAULT_EXIT_KEEPS_GUEST_SCET	= 1u << 0, /* VM-exit ignores LOAD_CET */
	SIM_FAULT_PUT_KEEPS_GUEST_REGS	= 1u << 1, /* swap-out skips XRSTORS */
	SIM_FAULT_DEVICE_IOCTL_HAS_VCPU	= 1u << 2, /* /dev/kvm ioctl gets vCPU0 */
	SIM_FAULT_ONE_REG_SKIPS_LOAD	= 1u << 3, /* ONE_REG bypasses the load */
	SIM_FAULT_CPUID_LIES		= 1u << 4, /* guest_cpu_cap_has: true */
	SIM_FAULT_LEAKY_COPY_TO_USER	= 1u << 5, /* failed entry gets host data */
	SIM_FAULT_CANONICAL_ALWAYS	= 1u << 6, /* every address canonical */
	SIM_FAULT_IRQ_CLOBBERS_FPU	= 1u << 7, /* not a bug: IRQ uses the FPU */
	SIM_FAULT_GUEST_IS_HOST		= 1u << 8, /* guest exits host-initiated */
	SIM_FAULT_PUT_SKIPS_XSAVES	= 1u << 9, /* swap-out loses live regs */
	SIM_FAULT_HOST_XSS_LOST		= 1u << 10, /* host XSS write dropped */
	SIM_FAULT_INIT_KEEPS_XSTATE	= 1u << 11, /* fpstate clear: no-op */
	SIM_FAULT_USER_COPY_FAULTS	= 1u << 12, /* copy_to_user faults */
	SIM_FAULT_IGNORE_MSRS_LOST	= 1u << 13, /* ignore_msrs reads false */
	/* the FPU core, broken: found only by exploring injections */
	SIM_FAULT_IRQ_IGNORES_FPREGS_LOCK = 1u << 14, /* IRQs use the FPU anyway */
	SIM_FAULT_STALE_FPREGS_VALID	= 1u << 15, /* last_cpu not checked */
	SIM_FAULT_NEED_LOAD_HIDDEN	= 1u << 16, /* TIF_NEED_FPU_LOAD reads 0 */
	/* the host without CET claims it (kvm_cpu_cap_has, rdmsr_safe) */
	SIM_FAULT_HOST_CLAIMS_CET	= 1u << 17,
	/* VM-exit does not save the guest's S_CET/INT_SSP_TAB (SDM 28.3.1) */
	SIM_FAULT_EXIT_SKIPS_SAVE	= 1u << 18,
	/* XRSTORS loads a component whose XSTATE_BV bit is clear (13.12) */
	SIM_FAULT_XRSTORS_IGNORES_BV	= 1u << 19,
	/* KVM_SET_XSAVE's copy drops the supervisor components' XSTATE_BV */
	SIM_FAULT_UABI_DROPS_SUPERVISOR	= 1u << 20,
	SIM_FAULT_GUEST_XSS_LOST	= 1u << 21, /* guest XSS write dropped */
	/* KVM never learns that the vCPU ran (last_vmentry_cpu stays -1) */
	SIM_FAULT_ENTRY_UNRECORDED	= 1u << 22,
	/* SMRAM's SSP field is not written at an SMI (memory lost) */
	SIM_FAULT_SMRAM_SSP_LOST	= 1u << 23,
	/* KVM_{GET,SET}_NESTED_STATE's data (vmcs12, save area) reads 0s */
	SIM_FAULT_NESTED_STATE_LOST	= 1u << 24,
	/* the xfeatures family: XSETBV does nothing (XCR0 keeps its value) */
	SIM_FAULT_XSETBV_DROPPED	= 1u << 25,
	/* RDPKRU reads 0 in host mode: the guest's PKRU is lost at exit */
	SIM_FAULT_RDPKRU_READS_ZERO	= 1u << 26,
	/* cpuid.c lets every guest set every XCR0 bit (guest_supported_xcr0) */
	SIM_FAULT_XCR0_ALL_SUPPORTED	= 1u << 27,
	/* cpuid.c's runtime update leaves the XSAVE sizes of CPUID.0xD alone */
	SIM_FAULT_CPUID_NOT_UPDATED	= 1u << 28,
	/* RDMSR of IA32_XFD_ERR in host mode reads 0: a guest's #NM lost */
	SIM_FAULT_XFD_ERR_READS_ZERO	= 1u << 29,
	/* KVM_RUN's return leaves wants_to_run set (kvm_vcpu_ioctl()) */
	SIM_FAULT_RUNNING_STUCK		= 1u << 30,
};
/* A fault by its name in lower case ("stale_fpregs_valid"); 0: unknown. */
unsigned int sim_fault_by_name(const char *name);

/* Which pieces of the tree's code a scenario needs (struct sim_kernel). */
enum sim_need {
	SIM_NEED_CET_MSRS	= 1u << 0, /* CET arms + xstate accessors */
	SIM_NEED_ONE_REG	= 1u << 1, /* kvm_get_set_one_reg */
	SIM_NEED_FEATURE_MSRS	= 1u << 2, /* do_get_feature_msr */
	SIM_NEED_XSTATE_LOAD	= 1u << 3, /* __msr_io loads the guest FPU */
	SIM_NEED_XSTATE_RESET	= 1u << 4, /* kvm_xstate_reset */
	SIM_NEED_MSR_LIST	= 1u << 5, /* kvm_probe_msr_to_save */
	/*
	 * nested virtualization's CET code, VMX's (vmcs_write_cet_state, ...)
	 * for VMX cases, SVM's (nested_vmcb02_prepare_save, ...) for SVM's
	 */
	SIM_NEED_NESTED_VMX	= 1u << 6,
	SIM_NEED_NESTED_SVM	= 1u << 7,
	/* KVM_{GET,SET}_XSAVE(2): kvm_vcpu_ioctl_x86_{get,set}_xsave* */
	SIM_NEED_XSAVE		= 1u << 8,
	/* SMM's save and restore of the guest SSP (smm.c) */
	SIM_NEED_SMM_SSP	= 1u << 9,
	/*
	 * KVM_{GET,SET}_NESTED_STATE's CET part: VMX's restored-vmcs12
	 * checks (nested_vmx_check_restored_vmcs12), SVM's copy of L1's
	 * saved state (svm_copy_vmrun_state); each with its nested code
	 */
	SIM_NEED_NESTED_STATE_VMX = 1u << 10,
	SIM_NEED_NESTED_STATE_SVM = 1u << 11,
	/*
	 * the xfeatures family: the guest's XSETBV (__kvm_set_xcr) and XCR0
	 * and PKRU switched around VM-entry/exit (kvm_load_xfeatures() with
	 * kvm_load_{guest,host}_pkru(), or kvm_load_{guest,host}_xsave_state())
	 */
	SIM_NEED_XREGS		= 1u << 12,
	/* KVM_{GET,SET}_XCRS: kvm_vcpu_ioctl_x86_{get,set}_xcrs */
	SIM_NEED_XCRS		= 1u << 13,
	/*
	 * the XFD family: the IA32_XFD{,_ERR} arms of kvm_{get,set}_msr_common
	 * and VMX's save of XFD_ERR at an #NM VM-exit (handle_nm_fault_irqoff)
	 */
	SIM_NEED_XFD		= 1u << 14,
};

struct sim;
struct sim_vcpu;
struct sim_kernel;

struct sim_msr_entry {
	u32 index;
	u32 reserved;
	u64 data;
};

/* A machine running @kernel's code (the glue's sim_tree_kernel). */
struct sim *sim_create(enum sim_vendor vendor, const struct sim_kernel *kernel);
void sim_destroy(struct sim *sim);
void sim_set_faults(struct sim *sim, unsigned int faults);
/* the faults set whose broken primitive the code under test reached */
unsigned int sim_faults_reached(const struct sim *sim);
/* What KVM supports on the machine's host (SIM_CPUID_*). */
unsigned int sim_kvm_caps(const struct sim *sim);
/* KVM's ignore_msrs module parameter (default off). */
void sim_set_ignore_msrs(struct sim *sim, bool ignore);
/* Choose the host (default SIM_HOST_CET); before the first vCPU. */
void sim_set_host(struct sim *sim, enum sim_host host);
/* KVM's supported features on @host for @vendor (SIM_CPUID_*). */
unsigned int sim_host_kvm_caps(enum sim_host host, enum sim_vendor vendor);

/*
 * The host task's CET state (what is in hardware while it runs); before
 * the first vCPU (KVM reads the host's S_CET once, for HOST_S_CET).
 */
void sim_set_host_cet(struct sim *sim, u64 u_cet, u64 pl3_ssp, u64 s_cet);

struct sim_vcpu *sim_vcpu_create(struct sim *sim);
struct sim *sim_vcpu_sim(struct sim_vcpu *vcpu);
/* The linear-address width of the vCPU's host (48, or 57 with LA57). */
unsigned int sim_vcpu_va_bits(struct sim_vcpu *vcpu);
/*
 * KVM_SET_CPUID2 with a mask of SIM_CPUID_*; before it, the guest has none.
 * Returns what KVM returns: after the vCPU has run, only the same CPUID
 * is taken (the vCPU model is frozen), another gets -EINVAL.
 */
int sim_set_cpuid(struct sim_vcpu *vcpu, unsigned int cpuid);

/* vCPU ioctls; return what KVM returns to userspace. */
int sim_get_msrs(struct sim_vcpu *vcpu, struct sim_msr_entry *e, u32 n);
int sim_set_msrs(struct sim_vcpu *vcpu, struct sim_msr_entry *e, u32 n);
int sim_get_one_reg(struct sim_vcpu *vcpu, u32 msr, u64 *val);
/* KVM_GET_REG_LIST with room for *@n ids; *@n becomes KVM's count. */
int sim_get_reg_list(struct sim_vcpu *vcpu, u64 *n, u64 *regs);
int sim_set_one_reg(struct sim_vcpu *vcpu, u32 msr, u64 val);
/* ONE_REG with @msr's id spoiled by @id_xor (SIM_ONE_REG_BAD_*). */
int sim_one_reg_bad_id(struct sim_vcpu *vcpu, bool set, u32 msr, u64 id_xor,
		       u64 *val);
/*
 * KVM_GET_MSR_INDEX_LIST on the system fd: the MSRs KVM lists for save
 * and restore (at most *@n; *@n becomes KVM's count).
 */
int sim_get_msr_index_list(struct sim *sim, u32 *list, u32 *n);
/* KVM_GET_MSRS on the system fd (vcpu == NULL inside KVM). */
int sim_dev_get_msrs(struct sim *sim, struct sim_msr_entry *e, u32 n);
/*
 * KVM_GET_XSAVE (@size 0) or KVM_GET_XSAVE2 (@size: the buffer's room,
 * what KVM_CHECK_EXTENSION(KVM_CAP_XSAVE2) says) into @buf, in the
 * standard format (SDM Vol. 1, 13.4: the legacy region, the XSAVE header
 * at byte 512); KVM_SET_XSAVE from @buf.  Return what KVM returns.
 */
enum sim_xsave_op { SIM_GET_XSAVE, SIM_GET_XSAVE2, SIM_SET_XSAVE };
#define SIM_KVM_XSAVE_SIZE	4096	/* struct kvm_xsave */
/* KVM_GET_XSAVE2's largest buffer here: AMX's tile data ends at 11008 */
#define SIM_XSAVE_MAX_SIZE	12288
#define SIM_XSAVE_HDR_OFFSET	512
int sim_get_xsave(struct sim_vcpu *vcpu, void *buf, u32 size);
int sim_set_xsave(struct sim_vcpu *vcpu, const void *buf);
/* XSTATE_BV of a buffer in that format, and setting it */
u64 sim_xsave_bv(const void *buf);
void sim_xsave_set_bv(void *buf, u64 xstate_bv);
/* The KVM_CAP_XSAVE2 size: the guest fpstate's user buffer size */
u32 sim_xsave2_size(struct sim_vcpu *vcpu);

/*
 * KVM_GET_XCRS / KVM_SET_XCRS: the guest's extended control registers
 * (struct kvm_xcrs of the kernel's uapi/asm/kvm.h, its padding aside);
 * return what KVM returns.
 */
#define SIM_MAX_XCRS	16		/* KVM_MAX_XCRS */
struct sim_xcrs {
	u32 nr_xcrs;
	u32 flags;
	struct { u32 xcr, reserved; u64 value; } xcrs[SIM_MAX_XCRS];
};
int sim_get_xcrs(struct sim_vcpu *vcpu, struct sim_xcrs *x);
int sim_set_xcrs(struct sim_vcpu *vcpu, const struct sim_xcrs *x);

/*
 * KVM_RUN: load the guest FPU, VM-enter, let the guest run (optionally
 * executing WRMSR @msr <- @val, intercepted by KVM), VM-exit, put the FPU.
 */
int sim_run(struct sim_vcpu *vcpu, u32 msr, u64 val);

/*
 * A guest RDMSR or WRMSR while it runs.  Where KVM intercepts the MSR it
 * exits and the tree's code emulates it; where KVM passes it through (CET
 * MSRs of a guest with the feature, as KVM's intercept set-up decides) it
 * reaches the CPU directly and KVM sees nothing until the VM-exit.
 */
struct sim_guest_op {
	bool init;		/* not an MSR access: an INIT (sent by an IPI) */
	u8 xreg;		/* not an MSR access: SIM_GUEST_XSETBV, ... */
	u8 nested;		/* not an MSR access: SIM_NESTED_* */
	u8 smm;			/* not an MSR access: SIM_SMM_* */
	bool write;
	u32 msr;
	u64 data;		/* written, or read back */
	int ret;		/* 0: done; else the guest gets #GP */
	struct sim_vmcs12 *vmcs12;	/* SIM_NESTED_*: L1's VMCS for L2 */
};

/*
 * Nested virtualization: L1 (the guest) runs a guest of its own, L2, with
 * a VMCS it keeps in memory, vmcs12 (KVM runs L2 on its own vmcs02).  Its
 * CET part, as L1 wrote it with VMWRITE before VMLAUNCH and reads it with
 * VMREAD after L2's VM-exit (SDM Vol. 3, 25.4-25.8: guest and host state,
 * the load-CET-state controls).  On SVM the guest fields are vmcb12's
 * save area (APM Vol. 2, 15.5: VMRUN loads them, #VMEXIT saves them and
 * gives L1 back its own); the controls and host fields do not exist.
 */
struct sim_vmcs12 {
	u32 entry_ctls;		/* SIM_VM_ENTRY_LOAD_CET_STATE */
	u32 exit_ctls;		/* SIM_VM_EXIT_LOAD_CET_STATE */
	u64 guest_s_cet, guest_ssp, guest_isst;
	u64 host_s_cet, host_ssp, host_isst;
	/*
	 * SVM: which of L1's VMCBs (0 or 1: two guest-physical addresses),
	 * and whether L1 left vmcb12's clean bits set since its last VMRUN
	 * of it (APM 15.15: only for fields it did not change)
	 */
	u8 vmcb12;
	bool clean;
};

/*
 * System management mode: an SMI saves the guest's state, SSP included,
 * into SMRAM (.data: the SSP the save area then holds), the SMM handler
 * may change it there, and RSM loads it back (.data: the SSP in SMRAM;
 * .ret non-zero: RSM failed, the vCPU shuts down).
 */
enum sim_smm_op { SIM_SMM_NONE, SIM_SMM_SMI, SIM_SMM_RSM };

/*
 * A guest op's .xreg: the guest's XSETBV of XCR .msr to .data (always a
 * VM-exit; .ret non-zero: #GP), its WRPKRU of .data and RDPKRU into .data
 * (no VM-exit; #UD without CR4.PKE), its MOV to CR4 setting CR4.PKE (KVM
 * emulates it; #GP for a guest without PKU), its CPUID of leaf 0xD
 * subleaf .msr (KVM emulates it; .data: EBX, the XSAVE area's size),
 * its use of AMX tile data (SIM_GUEST_TILE: no exit unless it faults;
 * .ret 0, or SIM_GUEST_NM for the #NM of an XFD-armed component, or
 * SIM_GUEST_UD for the #UD of tiles its XCR0 does not enable).
 */
enum sim_guest_xreg_op {
	SIM_GUEST_XREG_NONE,
	SIM_GUEST_XSETBV,
	SIM_GUEST_WRPKRU,
	SIM_GUEST_RDPKRU,
	SIM_GUEST_SET_CR4_PKE,
	SIM_GUEST_CPUID_0XD,
	SIM_GUEST_TILE,
};
#define SIM_GUEST_NM	7	/* a guest op's .ret: #NM (NM_VECTOR) */
#define SIM_GUEST_UD	6	/* #UD (UD_VECTOR) */

/* A guest op's .nested, and what a VMLAUNCH's .ret says happened. */
enum sim_nested_op {
	SIM_NESTED_NONE,
	SIM_NESTED_VMLAUNCH,	/* L1 enters L2 with .vmcs12 */
	SIM_NESTED_VMEXIT,	/* L2 exits to L1; .vmcs12 as L1 reads it */
};
enum sim_nested_result {
	SIM_NESTED_ENTERED,	/* L2 runs */
	SIM_NESTED_VMFAIL,	/* VMfailValid: bad host state (SDM 27.2) */
	SIM_NESTED_ENTRY_FAILED, /* VM-exit "invalid guest state" (27.8) */
	SIM_NESTED_UNSUPPORTED,	/* the tree has no nested CET code */
};

/*
 * KVM_GET_NESTED_STATE / KVM_SET_NESTED_STATE as far as CET goes (the
 * kernel's Documentation/virt/kvm/api.rst): whether the vCPU is in guest
 * mode (L2) and, if so, whether L1's VMLAUNCH/VMRUN is still to be
 * completed by the next KVM_RUN (run pending).  VMX: vmcs12 (its CET
 * fields and load-CET controls; in guest mode the guest fields are L2's
 * state as a VM-exit would save it).  SVM: the save area of L1's state
 * that VMRUN saved (vmcb01's), its CET fields; L2's own state travels by
 * KVM_{GET,SET}_MSRS, as it does on VMX.
 */
#define SIM_NESTED_STATE_GUEST_MODE	0x1	/* KVM_STATE_NESTED_GUEST_MODE */
#define SIM_NESTED_STATE_RUN_PENDING	0x2	/* KVM_STATE_NESTED_RUN_PENDING */
struct sim_nested_state {
	u32 flags;
	struct sim_vmcs12 vmcs12;		/* VMX */
	u64 l1_s_cet, l1_ssp, l1_isst;		/* SVM: vmcb01's save area */
};
/*
 * Returns what KVM returns (0, -EINVAL), or SIM_NESTED_UNSUPPORTED: the
 * tree has no nested-state CET code, or (SET) the vCPU is in L2 (KVM
 * would first leave it; not modelled).
 */
int sim_get_nested_state(struct sim_vcpu *vcpu, struct sim_nested_state *ns);
int sim_set_nested_state(struct sim_vcpu *vcpu,
			 const struct sim_nested_state *ns);
/*
 * KVM_GET_MP_STATE; with @init_pending, an INIT IPI came while the vCPU
 * was outside KVM_RUN and KVM emulates it in this ioctl.  Returns what
 * KVM returns.
 */
int sim_get_mp_state(struct sim_vcpu *vcpu, bool init_pending);
/* KVM_RUN: the guest executes @ops in order, then exits for good. */
void sim_run_guest(struct sim_vcpu *vcpu, struct sim_guest_op *ops,
		   unsigned int n);
/*
 * A guest RDMSR reaching KVM while the vCPU is NOT in KVM_RUN: wrong
 * driving, used to show the accessor contract can fail.
 */
int sim_stray_guest_rdmsr(struct sim_vcpu *vcpu, u32 msr, u64 *val);
/* Load the guest FPU and return without a put: wrong driving (PAIRING). */
void sim_stray_load_guest_fpu(struct sim_vcpu *vcpu);
/* Put the guest FPU that nobody loaded: wrong driving (NO BUG). */
void sim_stray_put_guest_fpu(struct sim_vcpu *vcpu);

/*
 * Exploration: events delivered at the boundaries between the primitives
 * the kernel code calls (every call into the machine, counted from 0 since
 * the machine was created, in host-kernel mode where an event can be
 * taken: not under fpregs_lock(), not with interrupts off around
 * VM-entry/exit).
 */
enum sim_inject_kind {
	SIM_INJECT_IRQ_FPU,	/* a softirq uses the FPU (kernel_fpu_begin) */
	SIM_INJECT_PREEMPT,	/* another task runs and uses the FPU */
	SIM_INJECT_MIGRATE,	/* the vCPU task resumes on the other CPU */
	/* not an interruption: the ioctl's next user copy faults (EFAULT) */
	SIM_INJECT_UACCESS,
	SIM_NR_INJECT_KINDS,
};
/* The interruptions (pairs of injections are made of these). */
#define SIM_NR_INTERRUPTIONS	SIM_INJECT_UACCESS
struct sim_injection {
	unsigned int at;	/* boundary number */
	enum sim_inject_kind kind;
};
#define SIM_MAX_INJECTIONS	4
/* Deliver @n events (sorted by .at) at boundaries still to come. */
void sim_set_schedule(struct sim *sim, const struct sim_injection *inj,
		      unsigned int n);
/* The boundaries passed so far, and how many scheduled events fired. */
unsigned int sim_boundaries(const struct sim *sim);
unsigned int sim_injections_fired(const struct sim *sim);
const char *sim_inject_name(enum sim_inject_kind kind);
/* Events the machine has recorded since it was created. */
unsigned long sim_nr_events(const struct sim *sim);
/* An event by name ("irq", "preempt", "migrate", "uaccess"); -1: none. */
int sim_inject_by_name(const char *name);

typedef void (*sim_printer)(void *ctx, const char *line);
/* Print every event as it happens (an observer like the oracle). */
bool sim_attach_trace_printer(struct sim *sim, sim_printer print, void *ctx);

#endif /* KVM_X86_SIM_SIM_H */
