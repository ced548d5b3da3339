/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The oracle's own state, shared by its files: its model of each guest's
 * CET MSR values and the findings.  It reads the machine through
 * kvm_x86_sim/machine.h and never writes it.
 */
#ifndef KVM_X86_SIM_ORACLE_INTERNAL_H
#define KVM_X86_SIM_ORACLE_INTERNAL_H

#include "kvm_x86_sim/machine.h"
#include "oracle.h"

#define ORACLE_MAX_FINDINGS	16

struct oracle_finding {
	enum sim_inv inv;
	char msg[200];
	int event;		/* event number (sim_event_at), or -1 */
};

/* What the guest's MSRs hold, as the architecture says they must. */
struct oracle_vcpu {
	u64 msr[SIM_NR_SLOTS];	/* by the machine's slot, for lookup only */
	u64 ssp;		/* the guest SSP (KVM_REG_GUEST_SSP) */
	u64 xss;		/* the guest's IA32_XSS */
	/* the xfeatures family: XCR0 (0: its RESET value), PKRU, CR4.PKE */
	u64 xcr0;
	u32 pkru;
	bool pke;
	/* the XFD family: IA32_XFD, IA32_XFD_ERR */
	u64 xfd, xfd_err;
	/* nested SVM: L1's S_CET, SSP, INT_SSP_TAB that VMRUN saved */
	u64 l1_s_cet, l1_ssp, l1_isst;
	bool ran;		/* entered at least once: its model is frozen */
	/* SVM: each vmcb12's CET fields as its last VMRUN / #VMEXIT left them */
	struct { bool seen; u64 s_cet, ssp, isst; } vmcb12[2];
	bool adopt_entry;	/* the next VM-entry's CET state is undefined */
	/* VMX: the vmcs12 L2 runs from, as L1 wrote it (or userspace restored) */
	struct sim_vmcs12 vmcs12;
	/* SMI in L2: its S_CET and INT_SSP_TAB (SVM: RSM gives them back) */
	bool smm_from_l2;
	struct oracle_cet { u64 s_cet, ssp, isst; } smm_l2;
	/* a named exception: the next VM-entry may give exactly this state */
	bool entry_may;
	struct oracle_cet entry_may_be;
};

struct oracle {
	const struct sim *sim;
	bool tree_has_cet;	/* learnt once, when attached */
	struct oracle_vcpu vcpus[SIM_MAX_VCPUS];
	struct oracle_finding findings[ORACLE_MAX_FINDINGS];
	int nr_findings;
	unsigned int violated;
};

void oracle_violate(struct oracle *o, enum sim_inv inv, int event,
		    const char *fmt, ...) __printf(4, 5);
/* KVM_GET_MSR_INDEX_LIST: the CET MSRs and XSS by what KVM supports. */
void oracle_check_msr_list(struct oracle *o, const struct sim_msr_list *l);
void oracle_check_listed(struct oracle *o, const struct sim_msr_list *l,
			 u32 msr, bool want, int ev);
/* A user copy of the ioctl faulted: it must have returned -EFAULT. */
void oracle_check_user_fault(struct oracle *o, int ret, const char *ioctl,
			     int ev);
/* The newest event's number: where a finding about an ioctl points. */
int oracle_last_event(const struct oracle *o);

/* rules.c: the architecture's rules, written independently of the kernel */
#define ORACLE_NR_XSTATE_MSRS	5
extern const u32 oracle_xstate_msrs[ORACLE_NR_XSTATE_MSRS];
bool oracle_is_xstate_msr(u32 msr);
bool oracle_guest_has(const struct sim_vcpu *v, int feature);
bool oracle_guest_owns_msr(const struct sim_vcpu *v, u32 msr);
/* U_CET/S_CET @data valid for @v's CPU (its CPUID's CET features) */
bool oracle_valid_u_s_cet(const struct sim_vcpu *v, u64 data);
/* @a canonical for a @bits-bit linear address (bits 63:@bits-1 equal) */
bool oracle_canonical(u64 a, unsigned int bits);
u64 oracle_host_value(const struct sim *sim, u32 msr);
bool oracle_host_value_is_init(u32 msr);
void oracle_check_batch(struct oracle *o, const struct sim_batch *b);
void oracle_check_device_batch(struct oracle *o, const struct sim_batch *b);
void oracle_guest_msr(struct oracle *o, const struct sim_guest_msr *g);
/* xsave.c: KVM_GET_XSAVE(2)/KVM_SET_XSAVE, and the FPU core's copies */
void oracle_xsave(struct oracle *o, const struct sim_xsave_io *x);
void oracle_xsave_copy(struct oracle *o, const struct sim_event *e, int n);
/* nested.c: a nested VMLAUNCH or VM-exit (g->nested) */
void oracle_nested(struct oracle *o, const struct sim_guest_msr *g);
/* nested.c: an SMI taken in L2 and its RSM (SMM_IN_L2_TAKES_L1_CET) */
void oracle_smm_left_l2(struct oracle *o, const struct sim_vcpu *v);
void oracle_smm_back_to_l2(struct oracle *o, const struct sim_vcpu *v);
/* nested.c: KVM_GET_NESTED_STATE, KVM_SET_NESTED_STATE */
void oracle_nested_state(struct oracle *o,
			 const struct sim_nested_state_io *n);
/* Why the architecture says an access fails; the invariant that covers it. */
enum model_verdict { MODEL_OK, MODEL_UNKNOWN, MODEL_UNSUPPORTED, MODEL_INVALID };

/* xfd.c: IA32_XFD and IA32_XFD_ERR, the XFD family */
bool oracle_xfd_judged(const struct oracle *o, u32 msr);
enum model_verdict oracle_xfd_model(const struct sim_vcpu *v, bool write,
				    u64 data);
bool oracle_xfd_valid(const struct sim_vcpu *v, u64 data);
u64 *oracle_xfd_value(struct oracle *o, const struct sim_vcpu *v, u32 msr);
void oracle_xfd_written(struct oracle *o, const struct sim_vcpu *v, u32 msr,
			u64 data, int ev);
void oracle_xfd_msr_list(struct oracle *o, const struct sim_msr_list *l,
			 int ev);
void oracle_xfd_entry(struct oracle *o, int n);
void oracle_xfd_irqs_on(struct oracle *o, const struct sim_event *e, int n);
void oracle_xfd_tile(struct oracle *o, const struct sim_guest_msr *g,
		     u64 xcr0);

/* xregs.c: XCR0 and PKRU, the xfeatures family */
void oracle_check_host_xregs(struct oracle *o, const char *where, int n);
void oracle_check_entry_xregs(struct oracle *o, int n);
void oracle_guest_xreg(struct oracle *o, const struct sim_guest_msr *g);
void oracle_xcrs(struct oracle *o, const struct sim_xcrs_io *io);
/*
 * KVM_SET_XSAVE (@set) took @buf, or KVM_GET_XSAVE(2) returned it: the
 * guest's PKRU is the buffer's (PKRU's component, else 0)
 */
void oracle_xsave_pkru(struct oracle *o, const struct sim_vcpu *v,
		       const u8 *buf, bool set, int ev);

#endif /* KVM_X86_SIM_ORACLE_INTERNAL_H */
