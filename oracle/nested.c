// SPDX-License-Identifier: GPL-2.0
/*
 * Nested virtualization as the architecture defines it for L1, a VMX or
 * SVM guest: what launching L2 and L2's exit do to the CET state.  VMX
 * (Intel SDM Vol. 3: 27.2.2/27.2.3 host-state checks, 27.3.1.1/27.3.1.3
 * guest-state checks, 27.3.2.1 loading guest CET state, 27.8 failures
 * after the checks, 28.3.1 saving it, 28.5.1 loading the host's): L1's
 * and L2's S_CET, SSP and INT_SSP_TAB are one register set that the
 * transitions load; VMX saves L1's nowhere.  SVM (AMD APM Vol. 2, 15.5.1
 * VMRUN, 15.6 #VMEXIT): VMRUN saves L1's state and loads vmcb12's,
 * #VMEXIT saves L2's into vmcb12 and gives L1 its own back.  The
 * XSAVE-managed CET MSRs are switched by neither.
 */
#include "oracle_internal.h"

#define CET_ENTRY	SIM_VM_ENTRY_LOAD_CET_STATE
#define CET_EXIT	SIM_VM_EXIT_LOAD_CET_STATE

/*
 * 27.2.2/27.2.3, with "load CET state" on exit: host S_CET without
 * reserved bits, SUPPRESS and TRACKER not both; host SSP 4-byte aligned;
 * host INT_SSP_TAB canonical; S_CET and SSP canonical for a 64-bit host
 * ("host address-space size"), with bits 63:32 clear for a 32-bit one.
 */
static bool host_state_ok(const struct oracle *o, const struct sim_vcpu *v,
			  const struct sim_vmcs12 *c)
{
	unsigned int w = o->sim->va_bits;
	bool wide = c->exit_ctls & SIM_VM_EXIT_HOST_ADDR_SPACE_SIZE;

	if (!(c->exit_ctls & CET_EXIT))
		return true;
	if (!oracle_valid_u_s_cet(v, c->host_s_cet) || (c->host_ssp & 3) ||
	    !oracle_canonical(c->host_isst, w))
		return false;
	if (wide)
		return oracle_canonical(c->host_s_cet, w) &&
		       oracle_canonical(c->host_ssp, w);
	return !(c->host_s_cet >> 32) && !(c->host_ssp >> 32);
}

/*
 * 27.3.1.1/27.3.1.3, with "load CET state" on entry: guest S_CET as the
 * host's, INT_SSP_TAB canonical, SSP 4-byte aligned with bits 63:N equal
 * (N the linear-address width: one bit more than canonical).
 */
static bool guest_state_ok(const struct oracle *o, const struct sim_vcpu *v,
			   const struct sim_vmcs12 *c)
{
	unsigned int w = o->sim->va_bits;

	if (!(c->entry_ctls & CET_ENTRY))
		return true;
	return oracle_valid_u_s_cet(v, c->guest_s_cet) &&
	       oracle_canonical(c->guest_isst, w) && !(c->guest_ssp & 3) &&
	       oracle_canonical(c->guest_ssp, w + 1);
}

/* The CET state the guest (L1 or L2) runs with becomes these values. */
static void load_state(struct oracle *o, const struct sim_vcpu *v,
		       u64 s_cet, u64 ssp, u64 isst)
{
	struct oracle_vcpu *ov = &o->vcpus[v->id];

	if (oracle_guest_owns_msr(v, SIM_MSR_S_CET))
		ov->msr[sim_msr_slot(SIM_MSR_S_CET)] = s_cet;
	if (oracle_guest_owns_msr(v, SIM_MSR_PL0_SSP)) {
		ov->ssp = ssp;
		ov->msr[sim_msr_slot(SIM_MSR_INT_SSP_TAB)] = isst;
	}
}

/*
 * NESTED_FAILED_ENTRY_PROPAGATES_VMCS12: after a nested VM-entry that
 * failed its guest-state checks, with "load CET state" off on exit, KVM
 * (7.x load_vmcs12_host_state()) gives L1 vmcs12's guest CET fields,
 * which were never loaded; the SDM (27.8) leaves L1's own.  Accepted when
 * vmcs01 holds exactly vmcs12's values; worth raising upstream: L1 may be
 * left with the invalid value that failed the check.
 */
static bool failed_entry_exception(const struct sim_vcpu *v,
				   const struct sim_vmcs12 *c)
{
	bool shstk = oracle_guest_owns_msr(v, SIM_MSR_PL0_SSP);

	if (c->exit_ctls & CET_EXIT)
		return false;
	if (oracle_guest_owns_msr(v, SIM_MSR_S_CET) &&
	    v->vmcs[SIM_SLOT_S_CET].v != c->guest_s_cet)
		return false;
	return !shstk || (v->guest_ssp.v == c->guest_ssp &&
			  v->vmcs[SIM_SLOT_INT_SSP_TAB].v == c->guest_isst);
}

static const char *const result_name[] = {
	[SIM_NESTED_ENTERED] = "entered L2",
	[SIM_NESTED_VMFAIL] = "VMfailValid (invalid host state)",
	[SIM_NESTED_ENTRY_FAILED] = "VM-exit: invalid guest state",
	[SIM_NESTED_UNSUPPORTED] = "not handled",
};

/* SVM: remember what vmcb12 @c's CET fields hold now */
static void vmcb12_seen(struct oracle_vcpu *ov, const struct sim_vmcs12 *c)
{
	unsigned int i = c->vmcb12 & 1;

	ov->vmcb12[i].seen = true;
	ov->vmcb12[i].s_cet = c->guest_s_cet;
	ov->vmcb12[i].ssp = c->guest_ssp;
	ov->vmcb12[i].isst = c->guest_isst;
}

/*
 * SVM's VMRUN: no CET consistency checks are modelled (KVM has none; the
 * scenarios give vmcb12 valid values), so L2 runs with vmcb12's state.
 * APM Vol. 2, 15.15.2: a clean bit L1 leaves set for a field it changed
 * since the last VMRUN of that VMCB makes the state loaded undefined (the
 * CPU may use its cached copy): then whatever L2 gets is its state.
 */
static void vmrun(struct oracle *o, const struct sim_guest_msr *g, int ev)
{
	const struct sim_vcpu *v = g->vcpu;
	const struct sim_vmcs12 *c = g->vmcs12;
	struct oracle_vcpu *ov = &o->vcpus[v->id];
	unsigned int i = c->vmcb12 & 1;

	if (g->ret != SIM_NESTED_ENTERED) {
		oracle_violate(o, SIM_INV_VALIDITY, ev,
			       "vCPU%d's VMRUN of a valid vmcb12 was not run (%d)",
			       v->id, g->ret);
		return;
	}
	ov->adopt_entry = c->clean && ov->vmcb12[i].seen &&
			  (ov->vmcb12[i].s_cet != c->guest_s_cet ||
			   ov->vmcb12[i].ssp != c->guest_ssp ||
			   ov->vmcb12[i].isst != c->guest_isst);
	vmcb12_seen(ov, c);
	ov->l1_s_cet = ov->msr[sim_msr_slot(SIM_MSR_S_CET)];
	ov->l1_ssp = ov->ssp;
	ov->l1_isst = ov->msr[sim_msr_slot(SIM_MSR_INT_SSP_TAB)];
	load_state(o, v, c->guest_s_cet, c->guest_ssp, c->guest_isst);
}

static void vmlaunch(struct oracle *o, const struct sim_guest_msr *g, int ev)
{
	const struct sim_vcpu *v = g->vcpu;
	const struct sim_vmcs12 *c = g->vmcs12;
	int want = !host_state_ok(o, v, c) ? SIM_NESTED_VMFAIL :
		   !guest_state_ok(o, v, c) ? SIM_NESTED_ENTRY_FAILED :
		   SIM_NESTED_ENTERED;

	if (g->ret != want && g->ret >= 0 && g->ret <= SIM_NESTED_UNSUPPORTED)
		oracle_violate(o, SIM_INV_VALIDITY, ev,
			       "vCPU%d's VMLAUNCH with vmcs12 CET guest %#llx/%#llx/%#llx host %#llx/%#llx/%#llx (S_CET/SSP/INT_SSP_TAB) %s; the SDM says %s",
			       v->id, (unsigned long long)c->guest_s_cet,
			       (unsigned long long)c->guest_ssp,
			       (unsigned long long)c->guest_isst,
			       (unsigned long long)c->host_s_cet,
			       (unsigned long long)c->host_ssp,
			       (unsigned long long)c->host_isst,
			       result_name[g->ret], result_name[want]);
	switch (g->ret) {
	case SIM_NESTED_ENTERED:
		o->vcpus[v->id].vmcs12 = *c;
		if (c->entry_ctls & CET_ENTRY)
			load_state(o, v, c->guest_s_cet, c->guest_ssp,
				   c->guest_isst);
		break;
	case SIM_NESTED_ENTRY_FAILED:
		if (c->exit_ctls & CET_EXIT)
			load_state(o, v, c->host_s_cet, c->host_ssp,
				   c->host_isst);
		else if (failed_entry_exception(v, c))
			load_state(o, v, c->guest_s_cet, c->guest_ssp,
				   c->guest_isst);
		break;
	default:
		break;
	}
}

/* 28.3.1: the exit saves L2's CET state into vmcs12; 28.5.1: loads L1's */
static void vmexit(struct oracle *o, const struct sim_guest_msr *g, int ev)
{
	const struct sim_vcpu *v = g->vcpu;
	const struct sim_vmcs12 *c = g->vmcs12;
	const struct oracle_vcpu *ov = &o->vcpus[v->id];
	u64 s_cet = ov->msr[sim_msr_slot(SIM_MSR_S_CET)];
	u64 isst = ov->msr[sim_msr_slot(SIM_MSR_INT_SSP_TAB)];

	if (oracle_guest_owns_msr(v, SIM_MSR_S_CET) && c->guest_s_cet != s_cet)
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, ev,
			       "L2's VM-exit left vmcs12/vmcb12 S_CET %#llx for L1 to read, L2's S_CET is %#llx",
			       (unsigned long long)c->guest_s_cet,
			       (unsigned long long)s_cet);
	if (oracle_guest_owns_msr(v, SIM_MSR_PL0_SSP) &&
	    (c->guest_ssp != ov->ssp || c->guest_isst != isst))
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, ev,
			       "L2's VM-exit left vmcs12/vmcb12 SSP/INT_SSP_TAB %#llx/%#llx for L1 to read, L2's are %#llx/%#llx",
			       (unsigned long long)c->guest_ssp,
			       (unsigned long long)c->guest_isst,
			       (unsigned long long)ov->ssp,
			       (unsigned long long)isst);
	if (o->sim->vendor == SIM_SVM) {
		vmcb12_seen(&o->vcpus[v->id], c);
		load_state(o, v, ov->l1_s_cet, ov->l1_ssp, ov->l1_isst);
	} else if (c->exit_ctls & CET_EXIT) {
		load_state(o, v, c->host_s_cet, c->host_ssp, c->host_isst);
	}
}

void oracle_nested(struct oracle *o, const struct sim_guest_msr *g)
{
	int ev = oracle_last_event(o);

	if (!o->tree_has_cet || !g->vmcs12)
		return;
	if (g->nested == SIM_NESTED_VMLAUNCH && o->sim->vendor == SIM_SVM)
		vmrun(o, g, ev);
	else if (g->nested == SIM_NESTED_VMLAUNCH)
		vmlaunch(o, g, ev);
	else if (g->nested == SIM_NESTED_VMEXIT && g->ret == SIM_NESTED_ENTERED)
		vmexit(o, g, ev);
}

/*
 * An SMI and its RSM leave the CET MSRs alone and save and restore the SSP
 * through SMRAM (SDM Vol. 3, the SMM chapter: the state save map of a CPU
 * with CET), in VMX non-root operation and SVM guest mode too (APM Vol. 2,
 * chapter 10: the SMM save state's SVM guest flag): L2 goes on with its
 * S_CET and INT_SSP_TAB.
 * SMM_IN_L2_TAKES_L1_CET: KVM 7.2 takes L2 out at the SMI by its VM-exit
 * path and runs SMM on L1's state: VMX (vmx_enter_smm(), whose own TODO
 * calls this wrong) with vmcs12's host CET state when the exit loads it,
 * SVM (svm_enter_smm(), L1's state kept in its host save area) with L1's
 * saved state.  RSM re-enters L2: SVM from vmcb12, where the exit saved
 * L2's state; VMX without a VMLAUNCH, its snapshot of L1's state giving
 * L2 that same state.  Accepted exactly so: the VM-entry into SMM giving
 * that state (oracle.c, check_entry_cet()), and after RSM on VMX L2
 * keeping it.  Worth raising upstream.
 */
void oracle_smm_left_l2(struct oracle *o, const struct sim_vcpu *v)
{
	struct oracle_vcpu *ov = &o->vcpus[v->id];
	const struct sim_vmcs12 *c = &ov->vmcs12;

	ov->smm_from_l2 = true;		/* (the SSP comes back from SMRAM) */
	ov->smm_l2.s_cet = ov->msr[sim_msr_slot(SIM_MSR_S_CET)];
	ov->smm_l2.isst = ov->msr[sim_msr_slot(SIM_MSR_INT_SSP_TAB)];
	if (o->sim->vendor == SIM_SVM) {
		ov->entry_may = true;
		ov->entry_may_be = (struct oracle_cet) {
			ov->l1_s_cet, ov->l1_ssp, ov->l1_isst,
		};
	} else if (c->exit_ctls & CET_EXIT) {
		ov->entry_may = true;
		ov->entry_may_be = (struct oracle_cet) {
			c->host_s_cet, c->host_ssp, c->host_isst,
		};
	}
}

/* After an RSM back into L2 (its SSP loaded from SMRAM already). */
void oracle_smm_back_to_l2(struct oracle *o, const struct sim_vcpu *v)
{
	struct oracle_vcpu *ov = &o->vcpus[v->id];

	ov->smm_from_l2 = false;
	if (o->sim->vendor == SIM_SVM)
		load_state(o, v, ov->smm_l2.s_cet, ov->ssp, ov->smm_l2.isst);
}

/*
 * KVM_GET_NESTED_STATE of a vCPU in L2: what it could continue from.
 * VMX: vmcs12 as L1 wrote it, with L2's CET state in its guest fields as
 * a VM-exit would save it (28.3.1).  SVM: L1's CET state as VMRUN saved
 * it (15.5.1).  L2's own state travels by KVM_GET_MSRS.
 */
static void check_saved(struct oracle *o,
			const struct sim_nested_state_io *n, int ev)
{
	const struct sim_vcpu *v = n->vcpu;
	const struct oracle_vcpu *ov = &o->vcpus[v->id];
	const struct sim_nested_state *s = n->out;
	bool in_l2 = s->flags & SIM_NESTED_STATE_GUEST_MODE;
	const struct sim_vmcs12 *c = &s->vmcs12, *l1 = &ov->vmcs12;
	u64 want_s_cet, want_ssp, want_isst, s_cet, ssp, isst;

	if (n->ret || in_l2 != v->in_l2) {
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, ev,
			       "KVM_GET_NESTED_STATE of vCPU%d (%s L2) returned %d with guest mode %s",
			       v->id, v->in_l2 ? "in" : "not in", n->ret,
			       in_l2 ? "set" : "clear");
		return;
	}
	if (!in_l2)
		return;
	if (o->sim->vendor == SIM_SVM) {
		want_s_cet = ov->l1_s_cet;
		want_ssp = ov->l1_ssp;
		want_isst = ov->l1_isst;
		s_cet = s->l1_s_cet;
		ssp = s->l1_ssp;
		isst = s->l1_isst;
	} else {
		want_s_cet = ov->msr[sim_msr_slot(SIM_MSR_S_CET)];
		want_ssp = ov->ssp;
		want_isst = ov->msr[sim_msr_slot(SIM_MSR_INT_SSP_TAB)];
		s_cet = c->guest_s_cet;
		ssp = c->guest_ssp;
		isst = c->guest_isst;
		if (c->entry_ctls != l1->entry_ctls ||
		    c->exit_ctls != l1->exit_ctls ||
		    c->host_s_cet != l1->host_s_cet ||
		    c->host_ssp != l1->host_ssp ||
		    c->host_isst != l1->host_isst)
			oracle_violate(o, SIM_INV_HOST_INTEGRITY, ev,
				       "KVM_GET_NESTED_STATE of vCPU%d gave vmcs12 controls %#x/%#x host CET %#llx/%#llx/%#llx, L1 wrote %#x/%#x %#llx/%#llx/%#llx",
				       v->id, c->entry_ctls, c->exit_ctls,
				       (unsigned long long)c->host_s_cet,
				       (unsigned long long)c->host_ssp,
				       (unsigned long long)c->host_isst,
				       l1->entry_ctls, l1->exit_ctls,
				       (unsigned long long)l1->host_s_cet,
				       (unsigned long long)l1->host_ssp,
				       (unsigned long long)l1->host_isst);
	}
	if (!oracle_guest_owns_msr(v, SIM_MSR_S_CET))
		want_s_cet = s_cet;
	if (!oracle_guest_owns_msr(v, SIM_MSR_PL0_SSP)) {
		want_ssp = ssp;
		want_isst = isst;
	}
	if (s_cet != want_s_cet || ssp != want_ssp || isst != want_isst)
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, ev,
			       "KVM_GET_NESTED_STATE of vCPU%d saved %s S_CET/SSP/INT_SSP_TAB %#llx/%#llx/%#llx, they are %#llx/%#llx/%#llx",
			       v->id, o->sim->vendor == SIM_SVM ?
			       "L1's (the save area)" : "L2's (vmcs12)",
			       (unsigned long long)s_cet,
			       (unsigned long long)ssp,
			       (unsigned long long)isst,
			       (unsigned long long)want_s_cet,
			       (unsigned long long)want_ssp,
			       (unsigned long long)want_isst);
}

/*
 * KVM_SET_NESTED_STATE into guest mode.  VMX: vmcs12 must pass the checks
 * a VM-entry would make (27.2-27.3; -EINVAL, the vCPU stays in L1), with
 * the VM-entry pending or already done; then L2 runs with vmcs12's guest
 * CET state if the entry is still pending and loads it (27.3.2.1), else
 * with the state the vCPU has (userspace restores L2's by KVM_SET_MSRS,
 * before or after).  SVM: KVM checks no CET field of L1's saved state;
 * L1 gets it back at L2's #VMEXIT, L2 runs with the vCPU's state.
 */
static void check_restored(struct oracle *o,
			   const struct sim_nested_state_io *n, int ev)
{
	const struct sim_vcpu *v = n->vcpu;
	struct oracle_vcpu *ov = &o->vcpus[v->id];
	const struct sim_nested_state *s = n->in;
	const struct sim_vmcs12 *c = &s->vmcs12;
	bool svm = o->sim->vendor == SIM_SVM;
	bool l2 = s->flags & SIM_NESTED_STATE_GUEST_MODE;
	int want = 0;

	if (l2 && !svm && (!host_state_ok(o, v, c) || !guest_state_ok(o, v, c)))
		want = -SIM_EINVAL;
	if (n->ret != want) {
		oracle_violate(o, SIM_INV_VALIDITY, ev,
			       "KVM_SET_NESTED_STATE of vCPU%d (flags %#x, vmcs12 CET guest %#llx/%#llx/%#llx host %#llx/%#llx/%#llx) returned %d; VM-entry's checks say %d",
			       v->id, s->flags,
			       (unsigned long long)c->guest_s_cet,
			       (unsigned long long)c->guest_ssp,
			       (unsigned long long)c->guest_isst,
			       (unsigned long long)c->host_s_cet,
			       (unsigned long long)c->host_ssp,
			       (unsigned long long)c->host_isst, n->ret, want);
		return;
	}
	if (n->ret || !l2)
		return;
	if (svm) {
		ov->l1_s_cet = s->l1_s_cet;
		ov->l1_ssp = s->l1_ssp;
		ov->l1_isst = s->l1_isst;
		/*
		 * vmcb12[].seen stays: what L1's VMCBs held at its last VMRUN
		 * or #VMEXIT on this vCPU decides, as before, whether a later
		 * clean VMRUN is defined (APM 15.15)
		 */
		return;
	}
	ov->vmcs12 = *c;
	if ((s->flags & SIM_NESTED_STATE_RUN_PENDING) &&
	    (c->entry_ctls & CET_ENTRY))
		load_state(o, v, c->guest_s_cet, c->guest_ssp, c->guest_isst);
}

void oracle_nested_state(struct oracle *o, const struct sim_nested_state_io *n)
{
	int ev = oracle_last_event(o);

	if (!o->tree_has_cet)
		return;
	if (n->set)
		check_restored(o, n, ev);
	else
		check_saved(o, n, ev);
}
