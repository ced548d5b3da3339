// SPDX-License-Identifier: GPL-2.0
/*
 * The VMCS CET fields with the LOAD_CET_STATE entry/exit controls, the SVM
 * VMCB save area's CET fields, guest CPUID, and the VM-entry/VM-exit
 * transitions that load S_CET from them.
 */
#include "sim_internal.h"

static struct sim_val *vmcs_field(struct sim_vcpu *v, u32 field)
{
	int s;

	if (field == SIM_GUEST_SSP)	/* the SSP register, not an MSR */
		return &v->guest_ssp;
	for (s = 0; s < SIM_NR_SLOTS; s++)
		if (field && sim_msr_facts[s].vmcs == field)
			return &v->vmcs[s];
	return NULL;
}

unsigned long sim_hw_vmcs_read(u32 field, const char *file, int line)
{
	struct sim *sim = sim_hw_current;
	struct sim_vcpu *v = sim->loaded_vcpu;
	struct sim_val val = { .vcpu = -1 };
	struct sim_val *f = v ? vmcs_field(v, field) : NULL;

	if (f)
		val = *f;
	else if (v && field == SIM_HOST_S_CET)
		val = sim_owned(sim, v->host_s_cet, NULL);
	sim_trace(sim, SIM_EV_VMCS_READ, field, val, file, line, "VMREAD");
	return val.v;
}

void sim_hw_vmcs_write(u32 field, unsigned long data, const char *file,
		       int line)
{
	struct sim *sim = sim_hw_current;
	struct sim_vcpu *v = sim->loaded_vcpu;
	struct sim_val val = sim_owned(sim, data, v);
	struct sim_val *f = v ? vmcs_field(v, field) : NULL;

	if (f)
		*f = val;
	else if (v && field == SIM_HOST_S_CET)
		v->host_s_cet = data;
	sim_trace(sim, SIM_EV_VMCS_WRITE, field, val, file, line, "VMWRITE");
}

static bool cpuid_has(unsigned int cpuid, int feature)
{
	switch (feature) {
	case SIM_FEATURE_SHSTK:	return cpuid & SIM_CPUID_SHSTK;
	case SIM_FEATURE_IBT:	return cpuid & SIM_CPUID_IBT;
	case SIM_FEATURE_LM:	return cpuid & SIM_CPUID_LM;
	default:		return false;
	}
}

bool sim_hw_guest_cap(struct sim_vcpu *v, int feature, const char *file,
		      int line)
{
	struct sim *sim = sim_hw_current;
	struct sim_val val = { .vcpu = v ? v->id : -1 };
	bool has = v && cpuid_has(v->cpuid, feature);

	if (sim->faults & SIM_FAULT_CPUID_LIES)
		has = true;
	val.v = has;
	sim_trace(sim, SIM_EV_CPUID_QUERY, feature, val, file, line,
		  "guest_cpu_cap_has");
	sim_hw_preempt_point(file, line);
	return has;
}

/* 48-bit virtual addresses (4-level paging): bits 63:47 must be equal. */
bool sim_hw_is_noncanonical(u64 addr)
{
	if (sim_hw_current->faults & SIM_FAULT_CANONICAL_ALWAYS)
		return false;
	return (u64)(((s64)(addr << 16)) >> 16) != addr;
}

/* KVM advertises the CET MSRs when the tree can virtualize CET. */
bool sim_hw_msr_advertised(u32 msr)
{
	switch (msr) {
	case SIM_MSR_U_CET:
	case SIM_MSR_S_CET:
	case SIM_MSR_PL0_SSP ... SIM_MSR_INT_SSP_TAB:
		return sim_hw_current->tree_caps & SIM_NEED_CET_MSRS;
	default:
		return false;
	}
}

static void sync_vmcb(struct sim_vcpu *v, bool to_vmcb)
{
	struct sim_val *s_cet_f = &v->vmcs[SIM_SLOT_S_CET];
	struct sim_val *isst_f = &v->vmcs[SIM_SLOT_INT_SSP_TAB];
	u64 s_cet = s_cet_f->v, ssp = v->guest_ssp.v, isst = isst_f->v;

	v->sim->kernel->vmcb_cet(v->kvm_vcpu, to_vmcb, &s_cet, &ssp, &isst);
	if (to_vmcb)
		return;
	/* a VMCB value that changed was written by KVM for this guest */
	if (s_cet != s_cet_f->v)
		*s_cet_f = sim_owned(v->sim, s_cet, v);
	if (ssp != v->guest_ssp.v)
		v->guest_ssp = sim_owned(v->sim, ssp, v);
	if (isst != isst_f->v)
		*isst_f = sim_owned(v->sim, isst, v);
}

/* vcpu_load(): the vCPU's VMCS/VMCB becomes the CPU's current one. */
void sim_vcpu_load(struct sim_vcpu *v)
{
	v->sim->loaded_vcpu = v;
	if (v->sim->vendor == SIM_SVM)
		sync_vmcb(v, true);
}

void sim_vcpu_put(struct sim_vcpu *v)
{
	if (v->sim->vendor == SIM_SVM)
		sync_vmcb(v, false);
	v->sim->loaded_vcpu = NULL;
}

/* VM-entry loads the guest's S_CET; VM-exit loads the host's. */
void sim_vm_entry(struct sim_vcpu *v)
{
	struct sim *sim = v->sim;

	if (sim->vendor == SIM_SVM)
		sync_vmcb(v, false);
	if (sim->vendor == SIM_SVM || (v->entry_ctls & SIM_VM_ENTRY_LOAD_CET_STATE))
		sim->hw[SIM_SLOT_S_CET] = v->vmcs[SIM_SLOT_S_CET];
	sim->mode = SIM_MODE_GUEST;
	sim_trace(sim, SIM_EV_VM_ENTRY, 0, sim->hw[SIM_SLOT_S_CET], __FILE__,
		  __LINE__, "VM-entry");
}

void sim_vm_exit(struct sim_vcpu *v)
{
	struct sim *sim = v->sim;
	bool load = sim->vendor == SIM_SVM ||
		    (v->exit_ctls & SIM_VM_EXIT_LOAD_CET_STATE);

	if (load && !(sim->faults & SIM_FAULT_EXIT_KEEPS_GUEST_SCET)) {
		sim->hw[SIM_SLOT_S_CET].v = v->host_s_cet;
		sim->hw[SIM_SLOT_S_CET].owner = SIM_OWN_HOST;
		sim->hw[SIM_SLOT_S_CET].vcpu = -1;
	}
	sim->mode = SIM_MODE_HOST_KERNEL;
	sim_trace(sim, SIM_EV_VM_EXIT, 0, sim->hw[SIM_SLOT_S_CET], __FILE__,
		  __LINE__, "VM-exit");
}
