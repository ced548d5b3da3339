// SPDX-License-Identifier: GPL-2.0
/*
 * The XFD family, IA32_XFD and IA32_XFD_ERR, as the architecture and
 * KVM's ABI say a guest's must behave (SDM Vol. 1, 13.14; the kernel's
 * Documentation/virt/kvm/api.rst, KVM_GET_MSR_INDEX_LIST): both exist
 * for a guest with XFD, their valid bits are the dynamic components its
 * CPUID.(0xD,0) enumerates (userspace may write those whatever the
 * guest's CPUID); the guest runs with its own XFD armed and its own
 * XFD_ERR; a use of an armed component raises #NM and sets XFD_ERR,
 * which the guest then reads back, across every VM-exit and migration;
 * the host, once interrupts are on after an exit, never sees a guest's
 * XFD_ERR (its own #NM handler would take it for its own).
 */
#include "oracle_internal.h"

/*
 * The family is judged on a tree with its code and the XCR0 switch
 * around VM-entry (the xfeatures family's): a guest's tiles need both.
 */
static bool judged(const struct oracle *o)
{
	unsigned int need = SIM_NEED_XFD | SIM_NEED_XREGS;

	return (o->sim->tree_caps & need) == need;
}

/* kvm_guest_supported_xfd(): the guest's dynamic components */
static u64 supported_xfd(const struct sim_vcpu *v)
{
	return oracle_guest_has(v, SIM_FEATURE_XSAVES) &&
	       oracle_guest_has(v, SIM_FEATURE_XFD) ?
	       SIM_XFEATURE_MASK_DYNAMIC : 0;
}

bool oracle_xfd_judged(const struct oracle *o, u32 msr)
{
	return sim_is_xfd_msr(msr) && judged(o);
}

/* Host-initiated access: any value of the guest's supported bits. */
enum model_verdict oracle_xfd_model(const struct sim_vcpu *v, bool write,
				    u64 data)
{
	return !write || !(data & ~supported_xfd(v)) ? MODEL_OK :
						       MODEL_INVALID;
}

/* A guest's WRMSR: the same rule (the MSR exists: it has XFD). */
bool oracle_xfd_valid(const struct sim_vcpu *v, u64 data)
{
	return !(data & ~supported_xfd(v));
}

u64 *oracle_xfd_value(struct oracle *o, const struct sim_vcpu *v, u32 msr)
{
	struct oracle_vcpu *ov = &o->vcpus[v->id];

	return msr == SIM_MSR_XFD ? &ov->xfd : &ov->xfd_err;
}

/* IA32_XFD lives in the guest fpstate (fpu_update_guest_xfd()). */
void oracle_xfd_written(struct oracle *o, const struct sim_vcpu *v, u32 msr,
			u64 data, int ev)
{
	*oracle_xfd_value(o, v, msr) = data;
	if (msr == SIM_MSR_XFD && v->fps.xfd != data)
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, ev,
			       "IA32_XFD %#llx did not reach vCPU%d's guest fpstate (its xfd is %#llx)",
			       (unsigned long long)data, v->id,
			       (unsigned long long)v->fps.xfd);
}

/* KVM lists both for save and restore where it supports XFD. */
void oracle_xfd_msr_list(struct oracle *o, const struct sim_msr_list *l,
			 int ev)
{
	bool want = o->sim->kvm_caps & SIM_CPUID_AMX;

	if (!judged(o))
		return;
	oracle_check_listed(o, l, SIM_MSR_XFD, want, ev);
	oracle_check_listed(o, l, SIM_MSR_XFD_ERR, want, ev);
}

/* VM-entry: the guest's XFD armed, its XFD_ERR in the CPU. */
void oracle_xfd_entry(struct oracle *o, int n)
{
	const struct sim *sim = o->sim;
	const struct sim_vcpu *v = sim->loaded_vcpu;
	const struct oracle_vcpu *ov;

	if (!v || !sim->amx || !judged(o))
		return;
	ov = &o->vcpus[v->id];
	if (sim->xfd.v != ov->xfd)
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, n,
			       "VM-entry of vCPU%d with IA32_XFD %#llx, the guest's is %#llx",
			       v->id, (unsigned long long)sim->xfd.v,
			       (unsigned long long)ov->xfd);
	else if (sim->xfd_err.v != ov->xfd_err)
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, n,
			       "VM-entry of vCPU%d with IA32_XFD_ERR %#llx, the guest's is %#llx: its #NM's record was lost or another's left in place",
			       v->id, (unsigned long long)sim->xfd_err.v,
			       (unsigned long long)ov->xfd_err);
}

/* Interrupts on after a VM-exit: no guest's XFD_ERR left for the host. */
void oracle_xfd_irqs_on(struct oracle *o, const struct sim_event *e, int n)
{
	if (!judged(o) || !e->val.v)
		return;
	oracle_violate(o, SIM_INV_HOST_INTEGRITY, n,
		       "interrupts came back on after a VM-exit with the guest's IA32_XFD_ERR %#llx in the CPU: KVM must have saved it and cleared it, the host's #NM handler takes it for its own",
		       (unsigned long long)e->val.v);
}

/*
 * The guest's use of tile data: #UD unless its XCR0 enables the tiles,
 * #NM while its XFD arms them (its XFD_ERR then records XTILEDATA).
 */
void oracle_xfd_tile(struct oracle *o, const struct sim_guest_msr *g,
		     u64 xcr0)
{
	struct oracle_vcpu *ov = &o->vcpus[g->vcpu->id];
	int want = 0;

	if (!judged(o))
		return;
	if ((xcr0 & SIM_XFEATURE_MASK_XTILE) != SIM_XFEATURE_MASK_XTILE)
		want = SIM_GUEST_UD;
	else if (ov->xfd & SIM_XFEATURE_MASK_XTILE_DATA)
		want = SIM_GUEST_NM;
	if (g->ret != want)
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, oracle_last_event(o),
			       "vCPU%d's use of tile data got %s, its XCR0 %#llx and IA32_XFD %#llx give %s",
			       g->vcpu->id,
			       g->ret == SIM_GUEST_NM ? "#NM" :
			       g->ret == SIM_GUEST_UD ? "#UD" : "no fault",
			       (unsigned long long)xcr0,
			       (unsigned long long)ov->xfd,
			       want == SIM_GUEST_NM ? "#NM" :
			       want == SIM_GUEST_UD ? "#UD" : "no fault");
	if (want == SIM_GUEST_NM)
		ov->xfd_err |= SIM_XFEATURE_MASK_XTILE_DATA;
}
