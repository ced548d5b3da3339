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

#define SIM_HOST_FIELD_ROW(name, enc, ctl, want) \
	[SIM_HOST_IDX_##name] = { "HOST_" #name, (enc), (ctl), (want) },
const struct sim_host_field sim_host_fields[SIM_NR_HOST_FIELDS] = {
	SIM_HOST_STATE_FIELDS(SIM_HOST_FIELD_ROW)
};

static void host_field_written(struct sim_vcpu *v, u32 field, u64 data)
{
	unsigned int i;

	for (i = 0; i < SIM_NR_HOST_FIELDS; i++) {
		if (sim_host_fields[i].field != field)
			continue;
		v->host_written |= 1u << i;
		v->host_vals[i] = data;
	}
}

/* The VMCS fields a CPU has only with CET (SDM Vol. 3, appendix B). */
static bool cet_vmcs_field(u32 field)
{
	switch (field) {
	case SIM_GUEST_S_CET:
	case SIM_GUEST_SSP:
	case SIM_GUEST_INTR_SSP_TABLE:
	case SIM_HOST_S_CET:
	case SIM_HOST_SSP:
	case SIM_HOST_INTR_SSP_TABLE:
		return true;
	default:
		return false;
	}
}

unsigned long sim_hw_vmcs_read(u32 field, const char *file, int line)
{
	struct sim *sim = sim_hw_current;
	struct sim_vcpu *v = sim->loaded_vcpu;
	struct sim_val val = { .vcpu = -1 };
	struct sim_val *f = v ? vmcs_field(v, field) : NULL;

	if (cet_vmcs_field(field) &&
	    !(sim->cpu_caps & (SIM_CPUID_SHSTK | SIM_CPUID_IBT))) {
		/* VMfailValid: the kernel's vmread_error() WARNs */
		sim_hw_warn(true, "vmread_error(): VMREAD of a CET field on a CPU without CET",
			    file, line);
		return 0;
	}
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

	if (cet_vmcs_field(field) &&
	    !(sim->cpu_caps & (SIM_CPUID_SHSTK | SIM_CPUID_IBT))) {
		/* VMfailValid: the kernel's vmwrite_error() WARNs */
		sim_hw_warn(true, "vmwrite_error(): VMWRITE of a CET field on a CPU without CET",
			    file, line);
		return;
	}
	if (v)
		host_field_written(v, field, data);
	if (f)
		*f = val;
	else if (v && field == SIM_HOST_S_CET)
		v->host_s_cet = data;
	else if (v && field == SIM_HOST_INTR_SSP_TABLE)
		v->host_isst = data;
	else if (v && field == SIM_VM_ENTRY_CONTROLS)
		v->entry_ctls = data;
	else if (v && field == SIM_VM_EXIT_CONTROLS)
		v->exit_ctls = data;
	sim_trace(sim, SIM_EV_VMCS_WRITE, field, val, file, line, "VMWRITE");
}

static bool cpuid_has(unsigned int cpuid, int feature)
{
	switch (feature) {
	case SIM_FEATURE_SHSTK:	return cpuid & SIM_CPUID_SHSTK;
	case SIM_FEATURE_IBT:	return cpuid & SIM_CPUID_IBT;
	case SIM_FEATURE_LM:	return cpuid & SIM_CPUID_LM;
	case SIM_FEATURE_XSAVES: return cpuid & SIM_CPUID_XSAVES;
	case SIM_FEATURE_PKU:	return cpuid & SIM_CPUID_PKU;
	case SIM_FEATURE_XFD:	return cpuid & SIM_CPUID_AMX;
	default:		return false;
	}
}

/*
 * guest_cpu_cap_has(): KVM_SET_CPUID2 leaves the guest the features of its
 * CPUID that KVM itself supports on this host (kvm_cpu_caps), e.g. never
 * IBT on SVM.
 */
static bool guest_cap(const struct sim_vcpu *v, int feature)
{
	/* XSAVE: every modelled host has it, so the guest's CPUID decides */
	if (feature == SIM_FEATURE_XSAVE)
		return v->cpuid & SIM_CPUID_XSAVE;
	return cpuid_has(v->cpuid & v->sim->kvm_caps, feature);
}

bool sim_hw_guest_cap(struct sim_vcpu *v, int feature, const char *file,
		      int line)
{
	struct sim *sim = sim_hw_current;
	struct sim_val val = { .vcpu = v ? v->id : -1 };
	bool has = v && guest_cap(v, feature);

	if (sim_faulty(sim, SIM_FAULT_CPUID_LIES))
		has = true;
	val.v = has;
	sim_trace(sim, SIM_EV_CPUID_QUERY, feature, val, file, line,
		  "guest_cpu_cap_has");
	sim_hw_preempt_point(file, line);
	return has;
}

/*
 * The host's linear-address width (48 bits with 4-level paging, 57 with
 * LA57): bits 63:width-1 must be equal.  KVM checks MSR addresses against
 * the host's width, since they are loaded into the host CPU.
 */
bool sim_hw_is_noncanonical(u64 addr)
{
	unsigned int shift = 64 - sim_hw_current->va_bits;

	sim_hw_boundary();
	if (sim_faulty(sim_hw_current, SIM_FAULT_CANONICAL_ALWAYS))
		return false;
	return (u64)(((s64)(addr << shift)) >> shift) != addr;
}

/*
 * kvm_is_advertised_msr(): KVM lists the CET MSRs (kvm_probe_msr_to_save)
 * when the tree can virtualize CET and KVM supports the feature on this
 * host: U_CET/S_CET with SHSTK or IBT, the SSP MSRs with SHSTK.
 */
bool sim_hw_msr_advertised(u32 msr)
{
	const struct sim *sim = sim_hw_current;
	unsigned int caps = sim->kvm_caps;

	sim_hw_boundary();
	if (!(sim->tree_caps & SIM_NEED_CET_MSRS))
		return false;
	switch (msr) {
	case SIM_MSR_U_CET:
	case SIM_MSR_S_CET:
		return caps & (SIM_CPUID_SHSTK | SIM_CPUID_IBT);
	case SIM_MSR_INT_SSP_TAB:
		return (caps & SIM_CPUID_SHSTK) && (caps & SIM_CPUID_LM);
	case SIM_MSR_PL0_SSP ... SIM_MSR_PL3_SSP:
		return caps & SIM_CPUID_SHSTK;
	default:
		return false;
	}
}

bool sim_hw_kvm_cap(int feature)
{
	sim_hw_boundary();
	/* KVM offers 5-level paging where the host has it */
	if (feature == SIM_FEATURE_LA57)
		return sim_hw_current->va_bits == 57;
	return sim_faulty(sim_hw_current, SIM_FAULT_HOST_CLAIMS_CET) ||
	       cpuid_has(sim_hw_current->kvm_caps, feature);
}

bool sim_hw_tree_cet(void)
{
	return sim_hw_current->tree_caps & SIM_NEED_CET_MSRS;
}

bool sim_hw_ignore_msrs(void)
{
	const struct sim *sim = sim_hw_current;

	sim_hw_boundary();
	return sim->ignore_msrs && !sim_faulty(sim, SIM_FAULT_IGNORE_MSRS_LOST);
}

bool sim_hw_cpu_cet(void)
{
	sim_hw_boundary();
	return sim_hw_current->cpu_caps & (SIM_CPUID_SHSTK | SIM_CPUID_IBT);
}

bool sim_hw_kvm_cet(void)
{
	const struct sim *sim = sim_hw_current;

	sim_hw_boundary();
	return (sim->tree_caps & SIM_NEED_CET_MSRS) &&
	       (sim->kvm_caps & (SIM_CPUID_SHSTK | SIM_CPUID_IBT));
}

void sim_hw_msr_intercept(struct sim_vcpu *v, u32 msr, bool read,
			  bool write, bool intercept, const char *file,
			  int line)
{
	struct sim_val how = { .v = (read ? 1 : 0) | (write ? 2 : 0),
			       .vcpu = -1 };
	int slot = sim_msr_slot(msr);
	int rw;

	sim_hw_boundary();
	if (sim_is_xfd_msr(msr))
		sim_xfd_intercept(v, msr, read, write, intercept);
	if (slot == SIM_SLOT_NONE)
		return;			/* an MSR the machine does not model */
	sim_trace(v->sim, SIM_EV_MSR_INTERCEPT, msr, how, file, line,
		  intercept ? "intercept MSR (val: 1 R, 2 W)" :
			      "pass MSR through (val: 1 R, 2 W)");
	for (rw = 0; rw < 2; rw++) {
		if (!(rw ? write : read))
			continue;
		if (intercept)
			v->passthrough[rw] &= ~(1u << slot);
		else
			v->passthrough[rw] |= 1u << slot;
	}
	if (!intercept) {
		v->pt_file[slot] = file;
		v->pt_line[slot] = line;
	}
}

/*
 * Which CET MSRs the guest reaches without an exit: the bitmap the tree's
 * recalc_msr_intercepts() wrote (sim_hw_msr_intercept()).  For a tree
 * without that function, a stand-in as the 7.x trees write it: VMX passes
 * the SSP MSRs through to a guest with SHSTK and U_CET/S_CET to one with
 * SHSTK or IBT; SVM passes all of them through to a guest with SHSTK.
 * INT_SSP_TAB is always intercepted.  A tree without CET passes nothing.
 */
bool sim_msr_passthrough(const struct sim_vcpu *v, u32 msr, bool write)
{
	bool shstk = guest_cap(v, SIM_FEATURE_SHSTK);
	bool ibt = guest_cap(v, SIM_FEATURE_IBT);
	int slot = sim_msr_slot(msr);

	/*
	 * XFD: the tree's vmx_set_msr() passes it through at the first
	 * non-zero write.  XFD_ERR's reads: a tree without the function
	 * passes them through to a guest with XFD (VMX's after-CPUID hook)
	 */
	if (sim_is_xfd_msr(msr))
		return sim_xfd_passthrough(v, msr, write) ||
		       (!v->tree_intercepts && !write &&
			msr == SIM_MSR_XFD_ERR && v->sim->vendor == SIM_VMX &&
			guest_cap(v, SIM_FEATURE_XFD));
	if (v->tree_intercepts)
		return slot != SIM_SLOT_NONE &&
		       (v->passthrough[write] & (1u << slot));
	if (!(v->sim->tree_caps & SIM_NEED_CET_MSRS))
		return false;
	switch (msr) {
	case SIM_MSR_U_CET:
	case SIM_MSR_S_CET:
		return shstk || (ibt && v->sim->vendor == SIM_VMX);
	case SIM_MSR_PL0_SSP ... SIM_MSR_PL3_SSP:
		return shstk;
	default:
		return false;
	}
}

/*
 * Would the CPU #GP on this WRMSR (SDM Vol. 3, the CET MSRs' fields)?  The
 * CPU checks against its own features, not the guest's CPUID: the CET
 * host's CPU has what KVM supports there (AMD parts: shadow stacks, no
 * IBT), so bits of a feature only the guest lacks are not caught here.
 */
static bool cpu_rejects(const struct sim *sim, u32 msr, u64 data)
{
	unsigned int shift = 64 - sim->va_bits;
	bool noncanonical = (u64)(((s64)(data << shift)) >> shift) != data &&
			    !sim_faulty(sim, SIM_FAULT_CANONICAL_ALWAYS);

	if (msr == SIM_MSR_U_CET || msr == SIM_MSR_S_CET)
		return !sim_cet_value_valid(data, sim->kvm_caps & SIM_CPUID_SHSTK,
					    sim->kvm_caps & SIM_CPUID_IBT);
	return noncanonical || (data & 3);
}

/* A passed-through RDMSR/WRMSR in guest mode: the CPU's register itself. */
int sim_guest_rdwrmsr(struct sim_vcpu *v, bool write, u32 msr, u64 *data)
{
	struct sim *sim = v->sim;
	int slot = sim_msr_slot(msr);
	struct sim_val val = sim_owned(sim, *data, v);
	const char *file = __FILE__;
	int line = __LINE__;

	if (sim_is_xfd_msr(msr))
		return sim_xfd_guest_rdwrmsr(v, write, msr, data);
	if (slot == SIM_SLOT_NONE)
		return 1;
	/* traced at the tree's line that passed it through, if the tree did */
	if (v->tree_intercepts && v->pt_file[slot]) {
		file = v->pt_file[slot];
		line = v->pt_line[slot];
	}
	if (write) {
		if (cpu_rejects(sim, msr, *data))
			return 1;
		sim->hw[slot] = val;
		sim_trace(sim, SIM_EV_WRMSR, msr, val, file, line,
			  "guest WRMSR (passed through)");
	} else {
		*data = sim->hw[slot].v;
		sim_trace(sim, SIM_EV_RDMSR, msr, sim->hw[slot], file, line,
			  "guest RDMSR (passed through)");
	}
	return 0;
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

/*
 * The CET state VM-entry loads and VM-exit saves and loads (SDM Vol. 3,
 * 27.3.2.1 and 28.3.1/28.5.1; APM Vol. 2, 15.5 VMRUN and #VMEXIT): S_CET
 * and INT_SSP_TAB by register-file slot (the SSP register is not in it).
 */
const int sim_cet_state_slots[SIM_NR_CET_STATE_SLOTS] = {
	SIM_SLOT_S_CET, SIM_SLOT_INT_SSP_TAB,
};

/*
 * Which VMCB VMRUN runs, by its address as the CPU knows it: the vCPU's
 * vmcb01, or its vmcb02 while L2 runs (never 0).
 */
static int vmcb_id(const struct sim_vcpu *v)
{
	return 1 + v->id * 2 + v->vmcs02_current;
}

/*
 * APM Vol. 2, 15.15: VMRUN may take a group of VMCB fields whose clean bit
 * is set from what the CPU cached when it last ran this VMCB, not from
 * memory; KVM must vmcb_mark_dirty() the group it writes.  The cache holds
 * while this VMCB was the last one this CPU ran (svm_vcpu_load() marks
 * all dirty otherwise).
 */
static void vmcb_cached_cet(struct sim_vcpu *v)
{
	struct sim *sim = v->sim;

	v->cet_from_cache = false;
	if (!sim->kernel->vmcb_cet_clean(v->kvm_vcpu, false) ||
	    v->vmcb_cached_cpu != sim->cpu ||
	    sim->vmcb_last[sim->cpu] != vmcb_id(v))
		return;
	v->cet_from_cache = true;
	v->vmcs[SIM_SLOT_S_CET] = v->vmcb_cache[SIM_SLOT_S_CET];
	v->vmcs[SIM_SLOT_INT_SSP_TAB] = v->vmcb_cache[SIM_SLOT_INT_SSP_TAB];
	v->guest_ssp = v->vmcb_cache_ssp;
}

/* After the #VMEXIT: what the CPU caches; svm_vcpu_run() marks all clean. */
static void vmcb_cache_cet(struct sim_vcpu *v)
{
	struct sim *sim = v->sim;

	v->vmcb_cache[SIM_SLOT_S_CET] = v->vmcs[SIM_SLOT_S_CET];
	v->vmcb_cache[SIM_SLOT_INT_SSP_TAB] = v->vmcs[SIM_SLOT_INT_SSP_TAB];
	v->vmcb_cache_ssp = v->guest_ssp;
	v->vmcb_cached_cpu = sim->cpu;
	sim->vmcb_last[sim->cpu] = vmcb_id(v);
	sim->kernel->vmcb_cet_clean(v->kvm_vcpu, true);
}

/*
 * VM-entry loads the guest's S_CET and INT_SSP_TAB: on VMX if the entry
 * controls say "load CET state", on SVM always (VMRUN first saves the
 * host's into the host save area), from the VMCB or its cache.
 */
void sim_vm_entry(struct sim_vcpu *v)
{
	struct sim *sim = v->sim;
	bool svm = sim->vendor == SIM_SVM;
	unsigned int i;

	if (svm) {
		sync_vmcb(v, false);
		vmcb_cached_cet(v);
	}
	for (i = 0; i < SIM_NR_CET_STATE_SLOTS; i++) {
		int s = sim_cet_state_slots[i];

		if (svm)
			v->host_save[s] = sim->hw[s];
		if (svm || (v->entry_ctls & SIM_VM_ENTRY_LOAD_CET_STATE))
			sim->hw[s] = v->vmcs[s];
	}
	sim->mode = SIM_MODE_GUEST;
	sim_trace(sim, SIM_EV_VM_ENTRY, 0, sim->hw[SIM_SLOT_S_CET], __FILE__,
		  __LINE__, "VM-entry");
}

/*
 * VM-exit saves the guest's S_CET and INT_SSP_TAB (a guest with them
 * passed through may have changed them) and loads the host's: on VMX
 * from the host-state fields if the exit controls say "load CET state",
 * on SVM from what VMRUN saved.
 */
void sim_vm_exit(struct sim_vcpu *v)
{
	struct sim *sim = v->sim;
	bool svm = sim->vendor == SIM_SVM;
	bool load = svm || (v->exit_ctls & SIM_VM_EXIT_LOAD_CET_STATE);
	unsigned int i;

	for (i = 0; i < SIM_NR_CET_STATE_SLOTS; i++) {
		int s = sim_cet_state_slots[i];

		if (!sim_faulty(sim, SIM_FAULT_EXIT_SKIPS_SAVE))
			v->vmcs[s] = sim->hw[s];
		if (!load || sim_faulty(sim, SIM_FAULT_EXIT_KEEPS_GUEST_SCET))
			continue;
		if (svm)
			sim->hw[s] = v->host_save[s];
		else
			sim->hw[s] = sim_owned(sim, s == SIM_SLOT_S_CET ?
					       v->host_s_cet : v->host_isst,
					       NULL);
	}
	if (svm) {
		sync_vmcb(v, true);
		vmcb_cache_cet(v);
	}
	sim->mode = SIM_MODE_HOST_KERNEL;
	sim_trace(sim, SIM_EV_VM_EXIT, 0, sim->hw[SIM_SLOT_S_CET], __FILE__,
		  __LINE__, "VM-exit");
}

/*
 * kvm_vcpu_reset(vcpu, true): the tree's kvm_xstate_reset() zeroes the CET
 * XSAVE components and, on VMX, the tree's vmx_vcpu_reset() the VMCS's
 * GUEST_S_CET, GUEST_SSP and GUEST_INTR_SSP_TABLE (its CET statements); on
 * SVM, the tree's svm_vcpu_reset() does what it does with the VMCB's CET
 * fields (the 7.x trees: nothing; the oracle names that exception).  A
 * stand-in zeroes them only for a tree without either function.
 */
void sim_vcpu_init(struct sim_vcpu *v)
{
	struct sim *sim = v->sim;
	struct sim_val zero = { .vcpu = -1 };

	sim_trace(sim, SIM_EV_INIT, 0, zero, __FILE__, __LINE__, "INIT");
	sim->kernel->xstate_reset(v->kvm_vcpu, true);
	if (sim_faulty(sim, SIM_FAULT_INIT_KEEPS_XSTATE))
		return;
	if (sim->kernel->vendor_reset(v->kvm_vcpu, sim->vendor == SIM_SVM,
				      true))
		return;
	v->vmcs[SIM_SLOT_S_CET] = zero;
	v->vmcs[SIM_SLOT_INT_SSP_TAB] = zero;
	v->guest_ssp = zero;
	v->vmcb_cached_cpu = -1;	/* init_vmcb() marks all dirty */
	if (sim->vendor == SIM_SVM)
		sync_vmcb(v, true);
}
