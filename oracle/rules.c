// SPDX-License-Identifier: GPL-2.0
/*
 * The oracle's architectural rules and the checks of each ioctl's results.
 * Written from the architecture (Intel SDM / AMD APM on CET, KVM's
 * documented API), on purpose independent of the simulator's tables and of
 * the kernel code under test: which CET MSRs XSAVE manages, which guest
 * CPUID feature each needs, which values are valid, what a host-initiated
 * access to an MSR the guest lacks must do.  Nothing the kernel code
 * returns updates the expectations kept here.
 */
#include "oracle_internal.h"

/* XSAVE's CET_U holds U_CET and PL3_SSP, CET_S PL0..PL2_SSP; not S_CET. */
const u32 oracle_xstate_msrs[ORACLE_NR_XSTATE_MSRS] = {
	SIM_MSR_U_CET, SIM_MSR_PL0_SSP, SIM_MSR_PL1_SSP, SIM_MSR_PL2_SSP,
	SIM_MSR_PL3_SSP,
};

bool oracle_is_xstate_msr(u32 msr)
{
	unsigned int i;

	for (i = 0; i < ORACLE_NR_XSTATE_MSRS; i++)
		if (oracle_xstate_msrs[i] == msr)
			return true;
	return false;
}

/*
 * What the guest has: its CPUID as the VMM set it, less what KVM cannot
 * virtualize on this host (KVM's documented KVM_GET_SUPPORTED_CPUID: a
 * feature KVM does not report is not given to the guest).
 */
bool oracle_guest_has(const struct sim_vcpu *v, int feature)
{
	unsigned int cpuid = v->cpuid & v->sim->kvm_caps;

	switch (feature) {
	case SIM_FEATURE_SHSTK:	return cpuid & SIM_CPUID_SHSTK;
	case SIM_FEATURE_IBT:	return cpuid & SIM_CPUID_IBT;
	case SIM_FEATURE_LM:	return cpuid & SIM_CPUID_LM;
	case SIM_FEATURE_XSAVE:	return v->cpuid & SIM_CPUID_XSAVE;
	case SIM_FEATURE_XSAVES: return cpuid & SIM_CPUID_XSAVES;
	case SIM_FEATURE_PKU:	return cpuid & SIM_CPUID_PKU;
	case SIM_FEATURE_XFD:	return cpuid & SIM_CPUID_AMX;
	default:		return false;
	}
}

/*
 * A CET MSR exists for the guest when it has one of its row's gate
 * features (layout.h: U_CET/S_CET with SHSTK or IBT, the SSP MSRs only
 * with SHSTK); anything else, KVM's internal SSP index among them, follows
 * SHSTK.
 */
bool oracle_guest_owns_msr(const struct sim_vcpu *v, u32 msr)
{
	const struct sim_msr_fact *f = sim_msr_fact_of(msr);

	if (f && f->family == SIM_FAMILY_CET)
		return v->cpuid & v->sim->kvm_caps & f->cpuid;
	if (sim_is_xfd_msr(msr))
		return oracle_guest_has(v, SIM_FEATURE_XFD);
	return oracle_guest_has(v, SIM_FEATURE_SHSTK);
}

/*
 * The host task's value of an MSR: what must be in hardware in userspace.
 * The host uses no supervisor shadow stacks, and its fpstate does not hold
 * CET_S (the kernel's host_default_mask() keeps that guest-only component
 * out; Documentation/arch/x86/shstk.rst: user shadow stacks only), so its
 * restore leaves PL0-PL2_SSP in their initial configuration, 0 (SDM Vol. 1,
 * 13.6); nor does it set up an interrupt SSP table.
 */
u64 oracle_host_value(const struct sim *sim, u32 msr)
{
	switch (msr) {
	case SIM_MSR_U_CET:	return sim->host_u_cet;
	case SIM_MSR_PL3_SSP:	return sim->host_pl3_ssp;
	case SIM_MSR_S_CET:	return sim->host_s_cet;
	case SIM_MSR_XSS:	return sim->host_xss;
	default:		return 0;
	}
}

/* Is @msr's host value its initial configuration, owned by nobody? */
bool oracle_host_value_is_init(u32 msr)
{
	return msr == SIM_MSR_PL0_SSP || msr == SIM_MSR_PL1_SSP ||
	       msr == SIM_MSR_PL2_SSP;
}


bool oracle_valid_u_s_cet(const struct sim_vcpu *v, u64 data)
{
	return sim_cet_value_valid(data, oracle_guest_has(v, SIM_FEATURE_SHSTK),
				   oracle_guest_has(v, SIM_FEATURE_IBT));
}

/* SDM Vol. 1 3.3.7.1: bits 63 down to @bits-1 all equal */
bool oracle_canonical(u64 a, unsigned int bits)
{
	unsigned int shift = 64 - bits;

	return (u64)(((s64)(a << shift)) >> shift) == a;
}

/*
 * Canonical for the host's linear-address width (48 bits, or 57 with
 * LA57): the CET MSRs hold addresses the host CPU loads, so the host's
 * width applies.
 */
static bool noncanonical(const struct oracle *o, u64 a)
{
	return !oracle_canonical(a, o->sim->va_bits);
}

/*
 * A value of an SSP MSR, the guest SSP or INT_SSP_TAB: canonical, and a
 * shadow-stack pointer (not the table's address) 4-byte aligned.
 */
static bool valid_address(const struct oracle *o, u32 msr, u64 data)
{
	return !noncanonical(o, data) &&
	       (sim_msr_rule(msr) == SIM_RULE_SSP_TABLE || !(data & 3));
}

/* a row of the CET family (layout.h) */
static bool is_cet_msr(u32 msr)
{
	return sim_msr_family(msr) == SIM_FAMILY_CET;
}

/*
 * The IA32_XSS bits a WRMSR may set (SDM Vol. 1 13.3: a bit not reported
 * in CPUID.(EAX=0DH,ECX=1):ECX, or the processor does not support, #GPs):
 * the guest's CPUID leaf, less what KVM cannot give on this host.
 */
static u64 guest_xss_allowed(const struct oracle *o, const struct sim_vcpu *v)
{
	bool cet = o->sim->kvm_caps & (SIM_CPUID_SHSTK | SIM_CPUID_IBT);

	return sim_cpuid_xss(v->cpuid) & (cet ? o->sim->host_xss : 0);
}

/*
 * KVM lists IA32_XSS for save/restore when it supports some XSS feature
 * on this host (here: the CET components).
 */
static bool xss_listed(const struct oracle *o)
{
	const struct sim *sim = o->sim;

	return (sim->kvm_caps & (SIM_CPUID_SHSTK | SIM_CPUID_IBT)) &&
	       (sim->host_xss & SIM_XFEATURE_MASK_CET_ALL);
}

/*
 * Does KVM list @msr for save/restore (KVM_GET_MSR_INDEX_LIST) on this
 * host?  Its API says: the MSRs of the features it supports there.  The
 * host's read-0/write-0 leniency for a guest without the feature exists
 * only for those.
 */
static bool advertised(const struct oracle *o, u32 msr)
{
	unsigned int caps = o->sim->kvm_caps;

	if (msr == SIM_MSR_U_CET || msr == SIM_MSR_S_CET)
		return caps & (SIM_CPUID_SHSTK | SIM_CPUID_IBT);
	if (msr == SIM_MSR_INT_SSP_TAB && !(caps & SIM_CPUID_LM))
		return false;
	return caps & SIM_CPUID_SHSTK;
}

/*
 * KVM_GET_MSR_INDEX_LIST (api.rst: the MSRs KVM supports saving and
 * restoring here): each CET MSR exactly when advertised() says, and
 * IA32_XSS exactly when KVM supports some XSS feature on this host.
 */
void oracle_check_msr_list(struct oracle *o, const struct sim_msr_list *l)
{
	static const u32 msrs[] = {
		SIM_MSR_XSS, SIM_MSR_U_CET, SIM_MSR_S_CET, SIM_MSR_PL0_SSP,
		SIM_MSR_PL1_SSP, SIM_MSR_PL2_SSP, SIM_MSR_PL3_SSP,
		SIM_MSR_INT_SSP_TAB,
	};
	int ev = oracle_last_event(o);
	unsigned int i;

	oracle_xfd_msr_list(o, l, ev);
	if (!o->tree_has_cet)
		return;
	for (i = 0; i < ARRAY_SIZE(msrs); i++)
		oracle_check_listed(o, l, msrs[i], msrs[i] == SIM_MSR_XSS ?
				    xss_listed(o) : advertised(o, msrs[i]), ev);
}

/* KVM_GET_MSR_INDEX_LIST lists @msr exactly when KVM supports it (@want) */
void oracle_check_listed(struct oracle *o, const struct sim_msr_list *l,
			 u32 msr, bool want, int ev)
{
	bool listed = false;
	u32 j;

	for (j = 0; j < l->n; j++)
		listed |= l->msrs[j] == msr;
	if (listed != want)
		oracle_violate(o, SIM_INV_CPUID_GATING, ev,
			       "KVM_GET_MSR_INDEX_LIST %s MSR %#x, which KVM %s on this host",
			       listed ? "lists" : "does not list",
			       msr, want ? "supports" : "does not support");
}

/* Host-initiated access, as KVM must treat it (invariants 7 and 9). */
static enum model_verdict arch_model(const struct oracle *o,
				const struct sim_vcpu *v, u32 msr, bool write,
				u64 data)
{
	bool supported;

	if (msr == SIM_MSR_AMD64_NB_CFG)
		return MODEL_OK;
	if (oracle_xfd_judged(o, msr))
		return oracle_xfd_model(v, write, data);
	if (msr == SIM_MSR_XSS && o->tree_has_cet) {
		/*
		 * IA32_XSS exists with XSAVES (SDM Vol. 4, IA32_XSS).  KVM's
		 * ABI for the host, a documented exception: the guest's value
		 * is read back without XSAVES too, and 0 may be written when
		 * KVM lists the MSR (the host's leniency for an absent
		 * feature, as for the CET MSRs).
		 */
		if (!oracle_guest_has(v, SIM_FEATURE_XSAVES))
			return !write || (!data && xss_listed(o)) ?
			       MODEL_OK : MODEL_UNSUPPORTED;
		return !write || !(data & ~guest_xss_allowed(o, v)) ?
		       MODEL_OK : MODEL_INVALID;
	}
	if (msr == SIM_MSR_KVM_INTERNAL_GUEST_SSP) {
		/* ONE_REG's KVM_REG_GUEST_SSP: only with SHSTK, like PLx_SSP */
		if (!o->tree_has_cet)
			return MODEL_UNKNOWN;
		if (!oracle_guest_has(v, SIM_FEATURE_SHSTK))
			return MODEL_UNSUPPORTED;
		if (write && !valid_address(o, msr, data))
			return MODEL_INVALID;
		return MODEL_OK;
	}
	if (!is_cet_msr(msr) || !o->tree_has_cet)
		return MODEL_UNKNOWN;	/* or a tree that knows no CET MSR */
	supported = oracle_guest_owns_msr(v, msr);
	if (msr == SIM_MSR_INT_SSP_TAB)
		supported = supported && oracle_guest_has(v, SIM_FEATURE_LM);
	if (!supported)
		return advertised(o, msr) && (!write || !data) ? MODEL_OK :
								  MODEL_UNSUPPORTED;
	if (!write)
		return MODEL_OK;
	if (sim_msr_rule(msr) == SIM_RULE_CET_CTL)
		return oracle_valid_u_s_cet(v, data) ? MODEL_OK : MODEL_INVALID;
	return valid_address(o, msr, data) ? MODEL_OK : MODEL_INVALID;
}

/*
 * With kvm.ignore_msrs set (api.rst, the module parameter), KVM ignores an
 * access to an MSR it has nothing for, or one the guest lacks: a read
 * gives 0, a write is dropped, both succeed.  Invalid values still fail.
 * KVM_REG_GUEST_SSP is no MSR but a register of the ONE_REG API, checked
 * as a register id first: the parameter does not reach it.
 */
static enum model_verdict model(const struct oracle *o,
				const struct sim_vcpu *v, u32 msr, bool write,
				u64 data)
{
	enum model_verdict m = arch_model(o, v, msr, write, data);

	if (o->sim->ignore_msrs && msr != SIM_MSR_KVM_INTERNAL_GUEST_SSP &&
	    (m == MODEL_UNKNOWN || m == MODEL_UNSUPPORTED))
		return MODEL_OK;
	return m;
}

static u64 *model_value(struct oracle *o, const struct sim_vcpu *v, u32 msr)
{
	struct oracle_vcpu *ov = &o->vcpus[v->id];

	if (msr == SIM_MSR_KVM_INTERNAL_GUEST_SSP)
		return &ov->ssp;
	if (msr == SIM_MSR_XSS && o->tree_has_cet)
		return &ov->xss;
	if (oracle_xfd_judged(o, msr))
		return oracle_xfd_value(o, v, msr);
	return is_cet_msr(msr) ? &ov->msr[sim_msr_slot(msr)] : NULL;
}

/* The guest's value of an MSR as userspace must read it. */
static u64 expected_read(struct oracle *o, const struct sim_vcpu *v, u32 msr)
{
	u64 *val = model_value(o, v, msr);

	if (!val)
		return 0;
	if (msr != SIM_MSR_KVM_INTERNAL_GUEST_SSP && msr != SIM_MSR_XSS &&
	    arch_model(o, v, msr, true, 1) == MODEL_UNSUPPORTED &&
	    arch_model(o, v, msr, true, 4) == MODEL_UNSUPPORTED)
		return 0;
	return *val;
}

static void check_entry_outcome(struct oracle *o, const struct sim_vcpu *v,
				bool write, const struct sim_msr_entry *in,
				bool ok, int ev)
{
	enum model_verdict m = model(o, v, in->index, write, in->data);
	const char *op = write ? "write" : "read";
	unsigned long long d = in->data;

	if (ok == (m == MODEL_OK))
		return;
	if (m == MODEL_INVALID)
		oracle_violate(o, SIM_INV_VALIDITY, ev,
			       "%s of invalid value %#llx to MSR %#x succeeded",
			       op, d, in->index);
	else if (m == MODEL_UNSUPPORTED && !advertised(o, in->index))
		oracle_violate(o, SIM_INV_CPUID_GATING, ev,
			       "host %s of %#llx to MSR %#x succeeded although KVM does not support the feature on this host (the MSR is not advertised)",
			       op, d, in->index);
	else if (m == MODEL_UNSUPPORTED)
		oracle_violate(o, SIM_INV_CPUID_GATING, ev,
			       "host %s of %#llx to MSR %#x succeeded although the guest lacks the feature (only 0 may be written)",
			       op, d, in->index);
	else if (m == MODEL_UNKNOWN)
		oracle_violate(o, SIM_INV_BATCH_SEMANTICS, ev,
			       "%s of unknown MSR %#x succeeded", op, in->index);
	else if (arch_model(o, v, in->index, write, in->data) != MODEL_OK)
		oracle_violate(o, SIM_INV_BATCH_SEMANTICS, ev,
			       "%s of %#llx to MSR %#x failed although kvm.ignore_msrs is set: KVM must ignore it (reads 0)",
			       op, d, in->index);
	else if (!oracle_guest_owns_msr(v, in->index))
		oracle_violate(o, SIM_INV_CPUID_GATING, ev,
			       "host %s of %#llx to MSR %#x failed; a host access to an advertised MSR the guest lacks must read 0 / accept 0",
			       op, d, in->index);
	else
		oracle_violate(o, SIM_INV_VALIDITY, ev,
			       "%s of valid value %#llx to MSR %#x failed",
			       op, d, in->index);
}

/* Where KVM_SET_MSRS must have put a value, and whether it is there. */
/*
 * A copy from or to userspace faulted (a bad pointer): the ioctl fails
 * with EFAULT (api.rst), whatever it had done; nothing else about its
 * result can be judged, the rest of the oracle still watches.
 */
void oracle_check_user_fault(struct oracle *o, int ret, const char *ioctl,
			     int ev)
{
	if (ret != -SIM_EFAULT)
		oracle_violate(o, SIM_INV_BATCH_SEMANTICS, ev,
			       "%s returned %d after a copy from/to userspace faulted; it must fail with -EFAULT",
			       ioctl, ret);
}

/* A batch of SIM_MAX_IO_MSRS or more: E2BIG, nothing processed. */
static bool too_big(struct oracle *o, u32 n, int ret, int ev)
{
	if (n < SIM_MAX_IO_MSRS)
		return false;
	if (ret != -SIM_E2BIG)
		oracle_violate(o, SIM_INV_BATCH_SEMANTICS, ev,
			       "a batch of %u entries (KVM takes fewer than %u) returned %d, not -E2BIG",
			       n, SIM_MAX_IO_MSRS, ret);
	return true;
}

/* Does a later entry of the batch (among the @done) write the same MSR? */
static bool rewritten_later(const struct sim_msr_entry *in, u32 i, int done)
{
	u32 j;

	for (j = i + 1; j < (u32)done; j++)
		if (in[j].index == in[i].index)
			return true;
	return false;
}

/*
 * Does the guest's CPU have @msr at all?  SDM Vol. 4, the CET MSRs:
 * U_CET/S_CET with SHSTK or IBT, PL0-3_SSP with SHSTK, INT_SSP_TAB with
 * SHSTK on a processor supporting Intel 64.  KVM's internal index for the
 * guest SSP is no MSR of the guest's CPU.
 */
static bool guest_msr_exists(const struct sim_vcpu *v, u32 msr)
{
	if (msr == SIM_MSR_XSS)		/* SDM Vol. 4: with XSAVES */
		return oracle_guest_has(v, SIM_FEATURE_XSAVES);
	if (sim_is_xfd_msr(msr))	/* SDM Vol. 4: with XFD */
		return oracle_guest_has(v, SIM_FEATURE_XFD);
	if (!is_cet_msr(msr) || !oracle_guest_owns_msr(v, msr))
		return false;
	return msr != SIM_MSR_INT_SSP_TAB ||
	       oracle_guest_has(v, SIM_FEATURE_LM);
}

static void check_written_value(struct oracle *o, const struct sim_vcpu *v,
				u32 msr, u64 data, int ev)
{
	const struct sim *sim = o->sim;
	int slot = sim_msr_slot(msr);
	u64 have;
	u8 owner;

	if (msr == SIM_MSR_KVM_INTERNAL_GUEST_SSP) {
		o->vcpus[v->id].ssp = data;
		if (v->guest_ssp.v != data)
			oracle_violate(o, SIM_INV_HOST_INTEGRITY, ev,
				       "guest SSP %#llx did not reach the guest's VMCS/VMCB (holds %#llx)",
				       (unsigned long long)data,
				       (unsigned long long)v->guest_ssp.v);
		return;
	}
	if (msr == SIM_MSR_XSS && o->tree_has_cet)
		o->vcpus[v->id].xss = data;
	if (oracle_xfd_judged(o, msr))
		oracle_xfd_written(o, v, msr, data, ev);
	if (!is_cet_msr(msr))
		return;
	if (!guest_msr_exists(v, msr))
		return;		/* accepted 0 for an absent MSR: no state */
	o->vcpus[v->id].msr[slot] = data;
	if (msr == SIM_MSR_S_CET) {
		if (v->vmcs[slot].v != data)
			oracle_violate(o, SIM_INV_SCET_EXCLUSION, ev,
				       "userspace S_CET %#llx did not reach the %s (holds %#llx)",
				       (unsigned long long)data,
				       sim->vendor == SIM_VMX ? "VMCS GUEST_S_CET" : "VMCB s_cet",
				       (unsigned long long)v->vmcs[slot].v);
		return;
	}
	if (msr == SIM_MSR_INT_SSP_TAB) {
		if (v->vmcs[slot].v != data)
			oracle_violate(o, SIM_INV_HOST_INTEGRITY, ev,
				       "INT_SSP_TAB %#llx did not reach the guest's VMCS/VMCB",
				       (unsigned long long)data);
		return;
	}
	/* a component in its initial configuration holds 0, nobody's */
	have = sim_fpstate_value(&v->fps, slot, &owner);
	if (have != data || (data && owner != SIM_OWN_GUEST))
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, ev,
			       "value %#llx set for MSR %#x did not persist in vCPU%d's guest fpstate (holds %#llx)",
			       (unsigned long long)data, msr, v->id,
			       (unsigned long long)have);
}

/* What KVM_GET_MSRS returned must be the guest's value, never the host's. */
/*
 * INT_SSP_TAB_READ_WITHOUT_LM: the SDM has no INT_SSP_TAB on a processor
 * without Intel 64 (RDMSR #GPs), and KVM refuses the guest's WRMSR; its
 * read path checks SHSTK only, so a guest without long mode reads the
 * MSR (0 unless a nested VM-entry loaded L2 another), and so does
 * userspace.  Either outcome is accepted.
 */
static bool int_ssp_tab_read_without_lm(const struct sim_vcpu *v, u32 msr)
{
	return msr == SIM_MSR_INT_SSP_TAB &&
	       oracle_guest_has(v, SIM_FEATURE_SHSTK);
}

static void check_read_value(struct oracle *o, const struct sim_vcpu *v,
			     u32 msr, u64 got, int ev)
{
	u64 want = expected_read(o, v, msr);
	bool host = is_cet_msr(msr) && got == oracle_host_value(o->sim, msr);
	u64 *held = model_value(o, v, msr);

	if (got == want)
		return;
	/* the exception's other outcome: what the guest holds */
	if (int_ssp_tab_read_without_lm(v, msr) && held && got == *held)
		return;
	oracle_violate(o, msr == SIM_MSR_S_CET ? SIM_INV_SCET_EXCLUSION :
						 SIM_INV_HOST_INTEGRITY, ev,
		       "read of MSR %#x returned %#llx, the guest's value is %#llx%s",
		       msr, (unsigned long long)got, (unsigned long long)want,
		       host ? " (that is the host's value)" : "");
}

static bool is_scet_only(const struct sim_msr_entry *in, u32 n)
{
	bool scet = false;
	u32 i;

	for (i = 0; i < n; i++) {
		if (in[i].index == SIM_MSR_S_CET)
			scet = true;
		else if (oracle_is_xstate_msr(in[i].index))
			return false;
	}
	return scet;
}

/*
 * After KVM_{GET,SET}_MSRS (or ONE_REG, n == 1): the count, each entry's
 * outcome, the data userspace got back, and where written values went.
 */
void oracle_check_batch(struct oracle *o, const struct sim_batch *b)
{
	const struct sim_vcpu *v = b->vcpu;
	const struct sim_msr_entry *in = b->in, *out = b->out;
	int ev = oracle_last_event(o), before = o->nr_findings;
	int ret = b->ret;
	u32 i, n = b->n, expect = n;

	for (i = 0; i < n; i++) {
		if (model(o, v, in[i].index, b->write, in[i].data) != MODEL_OK) {
			expect = i;
			break;
		}
	}
	if (o->sim->loads && is_scet_only(in, n))
		oracle_violate(o, SIM_INV_SCET_EXCLUSION, ev,
			       "a batch that touches only S_CET (and non-XSTATE MSRs) loaded the guest FPU: S_CET was treated as XSTATE-managed");
	/* a faulting user copy: EFAULT, before any other answer */
	if (b->user_fault) {
		oracle_check_user_fault(o, b->one_reg ? b->err : ret,
					b->one_reg ? "KVM_*_ONE_REG" :
					"KVM_{GET,SET}_MSRS", ev);
		return;
	}
	if (b->bad_id && b->err != -SIM_EINVAL)
		oracle_violate(o, SIM_INV_ONE_REG, ev,
			       "KVM_%s_ONE_REG with an invalid id (size, type, reserved bits or architecture) for MSR %#x returned %d, not -EINVAL",
			       b->write ? "SET" : "GET", in[0].index, b->err);
	if (b->bad_id)
		return;		/* (nothing was done: nothing to check) */
	if (too_big(o, n, ret, ev))
		return;
	if (ret < 0 || (u32)ret > n) {
		oracle_violate(o, SIM_INV_BATCH_SEMANTICS, ev,
			       "__msr_io returned %d for a batch of %u", ret, n);
		return;
	}
	for (i = 0; i < (u32)ret; i++)
		check_entry_outcome(o, v, b->write, &in[i], true, ev);
	if ((u32)ret < n)
		check_entry_outcome(o, v, b->write, &in[ret], false, ev);
	/*
	 * KVM's API (Documentation/virt/kvm/api.rst, KVM_SET_ONE_REG): a
	 * register the vCPU does not have, or a value KVM refuses, is EINVAL
	 * (EFAULT is for a bad user pointer, which the scenarios never pass).
	 */
	if (b->one_reg && b->err && b->err != -SIM_EINVAL)
		oracle_violate(o, SIM_INV_ONE_REG, ev,
			       "KVM_%s_ONE_REG of %#x failed with %d; the ABI for a register the vCPU lacks or a value KVM refuses is -EINVAL",
			       b->write ? "SET" : "GET", in[0].index, b->err);
	if ((u32)ret != expect && o->nr_findings == before)
		oracle_violate(o, SIM_INV_BATCH_SEMANTICS, ev,
			       "processed %d entries, expected %u (stop at the first failure)",
			       ret, expect);
	if (!b->write && (u32)ret < n && out[ret].data)
		oracle_violate(o, SIM_INV_BATCH_SEMANTICS, ev,
			       "failed read of MSR %#x returned %#llx instead of 0 (leak)",
			       out[ret].index, (unsigned long long)out[ret].data);
	for (i = ret + 1; i < n; i++)
		if (out[i].data != in[i].data || out[i].index != in[i].index)
			oracle_violate(o, SIM_INV_BATCH_SEMANTICS, ev,
				       "entry %u after the failing one was modified",
				       i);
	for (i = 0; i < (u32)ret; i++) {
		if (!b->write)
			check_read_value(o, v, in[i].index, out[i].data, ev);
		else if (!rewritten_later(in, i, ret) &&
			 arch_model(o, v, in[i].index, true, in[i].data) ==
			 MODEL_OK)	/* (not a write ignore_msrs dropped) */
			check_written_value(o, v, in[i].index, in[i].data, ev);
	}
}

/* Is @data a value the guest's WRMSR must accept (same SDM rules)? */
static bool guest_value_valid(const struct oracle *o,
			      const struct sim_vcpu *v, u32 msr, u64 data)
{
	if (msr == SIM_MSR_XSS)
		return !(data & ~guest_xss_allowed(o, v));
	if (msr == SIM_MSR_U_CET || msr == SIM_MSR_S_CET)
		return oracle_valid_u_s_cet(v, data);
	if (sim_is_xfd_msr(msr))
		return oracle_xfd_valid(v, data);
	return valid_address(o, msr, data);
}

/*
 * KVM_GET_MSRS on /dev/kvm (api.rst: the MSR-based features KVM supports):
 * the CET MSRs are no feature MSRs, so an entry for one is answered as
 * KVM answers userspace for an MSR it has nothing for, with no vCPU: 0
 * if KVM advertises the MSR (or kvm.ignore_msrs is set), else a failure
 * that stops the batch.  No entry may carry a vCPU's or the host's value.
 */
void oracle_check_device_batch(struct oracle *o, const struct sim_batch *b)
{
	int ev = oracle_last_event(o);
	u32 i, expect = b->n;

	if (b->user_fault) {
		oracle_check_user_fault(o, b->ret, "KVM_GET_MSRS on /dev/kvm",
					ev);
		return;
	}
	if (too_big(o, b->n, b->ret, ev))
		return;
	for (i = 0; i < b->n && !o->sim->ignore_msrs; i++) {
		if (!is_cet_msr(b->in[i].index) || !o->tree_has_cet ||
		    !advertised(o, b->in[i].index)) {
			expect = i;
			break;
		}
	}
	if (!o->tree_has_cet)
		return;
	if (b->ret >= 0 && (u32)b->ret != expect)
		oracle_violate(o, SIM_INV_DEVICE_IOCTL, ev,
			       "KVM_GET_MSRS on /dev/kvm processed %d entries, expected %u (CET MSRs read 0 when advertised, else stop the batch)",
			       b->ret, expect);
	for (i = 0; i < b->n && i < (u32)(b->ret > 0 ? b->ret : 0); i++)
		if (is_cet_msr(b->in[i].index) && b->out[i].data)
			oracle_violate(o, SIM_INV_DEVICE_IOCTL, ev,
				       "KVM_GET_MSRS on /dev/kvm returned %#llx for MSR %#x: with no vCPU the answer is 0",
				       (unsigned long long)b->out[i].data,
				       b->in[i].index);
}

/*
 * Where KVM deliberately differs from the architecture, named so the
 * oracle accepts KVM's behaviour and says why: for a guest's own access,
 * INT_SSP_TAB_READ_WITHOUT_LM (above).
 */
static bool kvm_exception(const struct sim_vcpu *v,
			  const struct sim_guest_msr *g)
{
	return !g->write && int_ssp_tab_read_without_lm(v, g->msr);
}

/*
 * CET_PASSTHROUGH_CPU_FEATURES: the intercept bitmaps are per MSR, not per
 * feature, so when KVM passes U_CET/S_CET through to a guest with one CET
 * feature, the guest's WRMSR is checked by the CPU against the CPU's own
 * features: the other feature's bits, which the guest's CPUID lacks, are
 * accepted where the host has that feature.  Either outcome is accepted;
 * the model takes what happened.
 */
static bool kvm_passthrough_exception(const struct oracle *o,
				      const struct sim_guest_msr *g)
{
	unsigned int caps = o->sim->kvm_caps;

	return g->passthrough && g->write && !g->ret &&
	       (g->msr == SIM_MSR_U_CET || g->msr == SIM_MSR_S_CET) &&
	       sim_cet_value_valid(g->data, caps & SIM_CPUID_SHSTK,
				   caps & SIM_CPUID_IBT);
}

/*
 * A guest RDMSR/WRMSR during KVM_RUN, judged as the guest's CPU must
 * behave (invariants 7, 9, 4): an MSR the guest's CPU lacks, and KVM's
 * internal index, #GP; a write succeeds exactly when the value is valid;
 * a read returns the guest's value.  Userspace's leniencies (reading 0,
 * writing 0 to an advertised MSR the guest lacks) are not the guest's.  A
 * valid write takes effect whatever KVM answered: the model follows the
 * architecture, not the code under test.
 */
/*
 * A named exception to kvm.ignore_msrs: KVM handles IA32_XSS, and for a
 * guest without XSAVES its read answers #GP (kvm_get_msr_common() returns
 * 1), which the parameter does not reach, while its write is "unsupported"
 * (KVM_MSR_RET_UNSUPPORTED) and so ignored.  The #GP is the SDM's answer
 * without the parameter; the asymmetry is KVM's (7.2), named here.
 */
static bool xss_read_not_ignored(const struct sim_guest_msr *g)
{
	return g->msr == SIM_MSR_XSS && !g->write;
}

/*
 * SVM_INIT_KEEPS_CET: KVM 7.x's INIT on SVM (svm_vcpu_reset(),
 * init_vmcb()) leaves the VMCB's S_CET, SSP and ISST as they were, while
 * INIT clears them on x86 (the SDM's INIT state, which the oracle takes
 * for AMD too: nothing in the APM says otherwise, and KVM's VMX half and
 * kvm_xstate_reset() zero the same state); the XSAVE-managed MSRs are
 * cleared on both.  Accepted only exactly so: the VMCB holding what the
 * guest had before the INIT.  Worth raising upstream.
 */
static bool svm_init_keeps_cet(const struct sim_vcpu *v,
			       const struct oracle_vcpu *before)
{
	return v->sim->vendor == SIM_SVM &&
	       v->vmcs[SIM_SLOT_S_CET].v == before->msr[SIM_SLOT_S_CET] &&
	       v->vmcs[SIM_SLOT_INT_SSP_TAB].v ==
			before->msr[SIM_SLOT_INT_SSP_TAB] &&
	       v->guest_ssp.v == before->ssp &&
	       (before->msr[SIM_SLOT_S_CET] ||
		before->msr[SIM_SLOT_INT_SSP_TAB] || before->ssp);
}

/*
 * SMM and CET (SDM Vol. 3, the SMRAM state save map of a CPU with CET: the
 * SSP at SMI, loaded back by RSM): an SMI saves a guest with shadow stacks
 * its SSP in SMRAM, one without leaves the field alone (0 here); RSM loads
 * SMRAM's SSP, where the SMM handler may have changed it, and fails (the
 * vCPU shuts down) on one that is non-canonical or not 4-byte aligned, as
 * the SSP's own rules say; a guest without shadow stacks keeps its SSP.
 */
static void oracle_smm(struct oracle *o, const struct sim_guest_msr *g)
{
	const struct sim_vcpu *v = g->vcpu;
	struct oracle_vcpu *ov = &o->vcpus[v->id];
	bool shstk = oracle_guest_has(v, SIM_FEATURE_SHSTK);
	int ev = oracle_last_event(o);
	bool valid;

	if (!o->tree_has_cet)
		return;
	if (g->smm == SIM_SMM_SMI) {
		u64 want = shstk ? ov->ssp : 0;

		if (g->ret || g->data != want)
			oracle_violate(o, SIM_INV_HOST_INTEGRITY, ev,
				       "SMI of vCPU%d saved SSP %#llx in SMRAM (%s), its SSP is %#llx",
				       v->id, (unsigned long long)g->data,
				       g->ret ? "and KVM gave up" : "done",
				       (unsigned long long)want);
		if (v->smm_from_l2 && !g->ret)
			oracle_smm_left_l2(o, v);
		return;
	}
	valid = !shstk ||
		valid_address(o, SIM_MSR_KVM_INTERNAL_GUEST_SSP, g->data);
	if (valid != !g->ret)
		oracle_violate(o, SIM_INV_VALIDITY, ev,
			       "RSM of vCPU%d with SSP %#llx in SMRAM %s; %s",
			       v->id, (unsigned long long)g->data,
			       g->ret ? "failed" : "succeeded",
			       !shstk ? "a guest without shadow stacks ignores the field" :
			       valid ? "the SSP is valid" :
				       "a non-canonical or misaligned SSP must fail");
	if (shstk && !g->ret)
		ov->ssp = g->data;
	if (ov->smm_from_l2 && !g->ret)
		oracle_smm_back_to_l2(o, v);
	/* a failed RSM shuts the vCPU down: its state is KVM's to leave */
	if (ov->smm_from_l2 && g->ret)
		ov->adopt_entry = true;
	ov->smm_from_l2 = false;
}

void oracle_guest_msr(struct oracle *o, const struct sim_guest_msr *g)
{
	const struct sim_vcpu *v = g->vcpu;
	const char *op = g->write ? "WRMSR" : "RDMSR";
	unsigned long long d = g->data;
	int ev = oracle_last_event(o);
	u64 *val = model_value(o, v, g->msr);

	if (g->nested) {
		oracle_nested(o, g);
		return;
	}
	if (g->smm) {
		oracle_smm(o, g);
		return;
	}
	if (g->init) {
		/*
		 * SDM Vol. 3 10.1 (Table 10-1) and the CET chapter: INIT
		 * clears the CET MSRs and SSP; IA32_XSS is unchanged.
		 */
		struct oracle_vcpu *ov = &o->vcpus[v->id];
		struct oracle_vcpu before = *ov;

		memset(ov->msr, 0, sizeof(ov->msr));
		ov->ssp = 0;
		if (svm_init_keeps_cet(v, &before)) {
			ov->msr[SIM_SLOT_S_CET] = before.msr[SIM_SLOT_S_CET];
			ov->msr[SIM_SLOT_INT_SSP_TAB] =
				before.msr[SIM_SLOT_INT_SSP_TAB];
			ov->ssp = before.ssp;
		}
		return;
	}
	if (g->msr == SIM_MSR_KVM_INTERNAL_GUEST_SSP) {
		if (!g->ret)
			oracle_violate(o, SIM_INV_CPUID_GATING, ev,
				       "guest %s of KVM's internal index %#x succeeded: only userspace may reach it (KVM_REG_GUEST_SSP), the guest must get #GP",
				       op, g->msr);
		return;
	}
	if (!val || (!o->tree_has_cet && !oracle_xfd_judged(o, g->msr)))
		return;
	/* (KVM's XFD arms #GP a guest without XFD, ignore_msrs or not) */
	if (!guest_msr_exists(v, g->msr) && o->sim->ignore_msrs &&
	    !sim_is_xfd_msr(g->msr) &&
	    !xss_read_not_ignored(g) && !kvm_exception(v, g)) {
		if (g->ret || (!g->write && g->data))
			oracle_violate(o, SIM_INV_CPUID_GATING, ev,
				       "guest %s of MSR %#x, which vCPU%d's CPU lacks, %s although kvm.ignore_msrs is set: KVM must ignore it (reads 0)",
				       op, g->msr, v->id,
				       g->ret ? "got #GP" : "read non-zero");
		return;
	}
	if (!guest_msr_exists(v, g->msr)) {
		if (!g->ret && !kvm_exception(v, g))
			oracle_violate(o, SIM_INV_CPUID_GATING, ev,
				       "guest %s of MSR %#x (data %#llx) succeeded although vCPU%d's CPU lacks it: the guest must get #GP (reading 0 / writing 0 is userspace's leniency only)",
				       op, g->msr, d, v->id);
		return;
	}
	if (g->write) {
		bool valid = guest_value_valid(o, v, g->msr, g->data);

		if (valid == !g->ret || kvm_passthrough_exception(o, g)) {
			if (!g->ret)
				*val = g->data;
			return;
		}
		if (valid || !g->ret)	/* (what the guest now has) */
			*val = g->data;
		oracle_violate(o, SIM_INV_VALIDITY, ev,
			       valid ? "guest WRMSR of valid value %#llx to MSR %#x got #GP%s" :
				       "guest WRMSR of invalid value %#llx to MSR %#x succeeded%s",
			       d, g->msr,
			       g->passthrough ? " (passed through)" : "");
		return;
	}
	if (g->ret)
		oracle_violate(o, SIM_INV_CPUID_GATING, ev,
			       "guest RDMSR of MSR %#x got #GP although vCPU%d's CPU has it",
			       g->msr, v->id);
	else if (g->data != *val)
		oracle_violate(o, g->msr == SIM_MSR_S_CET ?
				  SIM_INV_SCET_EXCLUSION : SIM_INV_HOST_INTEGRITY,
			       ev, "guest RDMSR of MSR %#x returned %#llx, the guest's value is %#llx%s",
			       g->msr, d, (unsigned long long)*val,
			       g->passthrough ? " (passed through)" : "");
}
