// SPDX-License-Identifier: GPL-2.0
/*
 * The oracle: checks the ten invariants of MISSION.md against the event
 * trace (live, as each event is recorded) and against each ioctl's results
 * (using its own architectural model of the CET MSRs, independent of the
 * kernel code under test), and explains every violation.
 */
#include "sim_internal.h"

static const char *const inv_names[SIM_NR_INVS] = {
	[SIM_INV_PAIRING] = "PAIRING",
	[SIM_INV_SCET_EXCLUSION] = "S_CET EXCLUSION",
	[SIM_INV_ACCESSOR_CONTRACT] = "ACCESSOR CONTRACT",
	[SIM_INV_HOST_INTEGRITY] = "HOST INTEGRITY",
	[SIM_INV_DEVICE_IOCTL] = "DEVICE IOCTL",
	[SIM_INV_ONE_REG] = "ONE_REG",
	[SIM_INV_CPUID_GATING] = "CPUID GATING",
	[SIM_INV_BATCH_SEMANTICS] = "BATCH SEMANTICS",
	[SIM_INV_VALIDITY] = "VALIDITY",
	[SIM_INV_NO_BUG] = "NO BUG",
};

const char *sim_inv_name(enum sim_inv inv)
{
	return inv < SIM_NR_INVS ? inv_names[inv] : "?";
}

void sim_violate(struct sim *sim, enum sim_inv inv, int event,
		 const char *fmt, ...)
{
	struct sim_finding *f;
	va_list ap;

	sim->violated |= SIM_INV_BIT(inv);
	if (sim->nr_findings == SIM_MAX_FINDINGS)
		return;
	f = &sim->findings[sim->nr_findings++];
	f->inv = inv;
	f->event = event;
	va_start(ap, fmt);
	sim_vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
}

static bool is_xstate_slot(int slot)
{
	return sim_slot_xfeature(slot) != 0;
}

/* Would the guest's CPUID let a value of this MSR into hardware? */
static bool guest_owns_msr(struct sim_vcpu *v, u32 msr)
{
	bool shstk = sim_vcpu_has(v, SIM_FEATURE_SHSTK);

	if (msr == SIM_MSR_U_CET || msr == SIM_MSR_S_CET)
		return shstk || sim_vcpu_has(v, SIM_FEATURE_IBT);
	return shstk;
}

static void check_xstate_access(struct sim *sim, const struct sim_event *e,
				int i, int slot)
{
	struct sim_vcpu *v = sim->ioctl_vcpu;
	const char *why = NULL;

	if (!v || sim->ioctl == SIM_IOCTL_DEV_GET_MSRS)
		return;
	if (sim->cur_fps != &v->fps || !v->fps.in_use)
		why = "the guest FPU is not loaded";
	else if (sim->need_fpu_load)
		why = "the guest FPU is not resident (TIF_NEED_FPU_LOAD)";
	else if (!sim->fpregs_locked)
		why = "fpregs are not locked";
	if (why) {
		sim_violate(sim, SIM_INV_ACCESSOR_CONTRACT, i,
			    "%s of XSTATE MSR %#x for vCPU%d while %s",
			    e->what, e->index, v->id, why);
		if (sim->ioctl == SIM_IOCTL_GET_ONE_REG ||
		    sim->ioctl == SIM_IOCTL_SET_ONE_REG)
			sim_violate(sim, SIM_INV_ONE_REG, i,
				    "KVM_%s_ONE_REG reached %s of %#x without loading the guest FPU",
				    sim->ioctl == SIM_IOCTL_GET_ONE_REG ? "GET" : "SET",
				    e->what, e->index);
	}
	if (e->type == SIM_EV_WRMSR && !guest_owns_msr(v, e->index))
		sim_violate(sim, SIM_INV_CPUID_GATING, i,
			    "guest value %#llx of MSR %#x put in hardware although vCPU%d's CPUID lacks the feature",
			    (unsigned long long)e->val.v, e->index, v->id);
}

static void check_device_ioctl(struct sim *sim, const struct sim_event *e,
			       int i)
{
	switch (e->type) {
	case SIM_EV_FPU_LOAD:
	case SIM_EV_FPU_PUT:
	case SIM_EV_VMCS_READ:
	case SIM_EV_VMCS_WRITE:
	case SIM_EV_CPUID_QUERY:
		break;
	case SIM_EV_RDMSR:
	case SIM_EV_WRMSR:
		if (is_xstate_slot(sim_msr_slot(e->index)))
			break;
		return;
	default:
		return;
	}
	sim_violate(sim, SIM_INV_DEVICE_IOCTL, i,
		    "KVM_GET_MSRS on the system fd did %s (index %#x): it must touch no vCPU and no FPU state",
		    e->what, e->index);
}

/* Live checks, run as each event is recorded. */
void sim_oracle_on_event(struct sim *sim, int i)
{
	const struct sim_event *e = &sim->ev[i];
	int slot = sim_msr_slot(e->index);

	if (sim->ioctl == SIM_IOCTL_DEV_GET_MSRS)
		check_device_ioctl(sim, e, i);

	switch (e->type) {
	case SIM_EV_RDMSR:
	case SIM_EV_WRMSR:
		if (e->mode == SIM_MODE_HOST_KERNEL && is_xstate_slot(slot))
			check_xstate_access(sim, e, i, slot);
		break;
	case SIM_EV_FPU_LOAD:
		if (sim->loads - sim->puts > 1)
			sim_violate(sim, SIM_INV_PAIRING, i,
				    "guest FPU loaded twice without a put");
		break;
	case SIM_EV_FPU_PUT:
		if (sim->puts > sim->loads)
			sim_violate(sim, SIM_INV_PAIRING, i,
				    "guest FPU put without a load");
		break;
	case SIM_EV_KVM_BUG:
	case SIM_EV_WARN:
		sim_violate(sim, SIM_INV_NO_BUG, i, "%s fired", e->what);
		break;
	default:
		break;
	}

	if (sim->mode != SIM_MODE_GUEST &&
	    sim->hw[SIM_SLOT_S_CET].owner == SIM_OWN_GUEST &&
	    !(sim->violated & SIM_INV_BIT(SIM_INV_SCET_EXCLUSION)))
		sim_violate(sim, SIM_INV_SCET_EXCLUSION, i,
			    "guest vCPU%d's S_CET %#llx is resident in hardware while the CPU runs host code",
			    sim->hw[SIM_SLOT_S_CET].vcpu,
			    (unsigned long long)sim->hw[SIM_SLOT_S_CET].v);
}

static u64 host_value(struct sim *sim, int slot)
{
	switch (slot) {
	case SIM_SLOT_U_CET:	return sim->host_u_cet;
	case SIM_SLOT_PL3_SSP:	return sim->host_pl3_ssp;
	case SIM_SLOT_S_CET:	return sim->host_s_cet;
	default:		return sim->host_fps.regs[slot];
	}
}

/* At ioctl return: pairing, and the host task's state back in hardware. */
void sim_oracle_ioctl_exit(struct sim *sim)
{
	int last = sim->nr_ev - 1;
	int s;

	if (sim->loads != sim->puts) {
		sim_violate(sim, SIM_INV_PAIRING, last,
			    "ioctl returned with %d guest FPU load(s) and %d put(s)",
			    sim->loads, sim->puts);
		if (sim->ioctl == SIM_IOCTL_GET_ONE_REG ||
		    sim->ioctl == SIM_IOCTL_SET_ONE_REG)
			sim_violate(sim, SIM_INV_ONE_REG, last,
				    "KVM_%s_ONE_REG did not load and put the guest FPU like KVM_{GET,SET}_MSRS",
				    sim->ioctl == SIM_IOCTL_GET_ONE_REG ? "GET" : "SET");
	}
	if (sim->cur_fps != &sim->host_fps)
		sim_violate(sim, SIM_INV_PAIRING, last,
			    "ioctl returned with vCPU%d's guest fpstate still current",
			    sim->cur_fps->vcpu);
	for (s = 0; s < SIM_NR_SLOTS; s++) {
		/* S_CET is invariant 2's: checked on every event */
		if (!is_xstate_slot(s))
			continue;
		if (sim->hw[s].owner == SIM_OWN_HOST &&
		    sim->hw[s].v == host_value(sim, s))
			continue;
		sim_violate(sim, SIM_INV_HOST_INTEGRITY, last,
			    "on return to host userspace MSR slot %d holds %#llx, not the host task's %#llx",
			    s, (unsigned long long)sim->hw[s].v,
			    (unsigned long long)host_value(sim, s));
		break;
	}
}

/* Why the architecture says an access fails; the invariant that covers it. */
enum model_verdict { MODEL_OK, MODEL_UNKNOWN, MODEL_UNSUPPORTED, MODEL_INVALID };

static bool valid_u_s_cet(struct sim_vcpu *v, u64 data)
{
	if (data & SIM_CET_RESERVED)
		return false;
	if (!sim_vcpu_has(v, SIM_FEATURE_SHSTK) && (data & SIM_CET_SHSTK_BITS))
		return false;
	if (!sim_vcpu_has(v, SIM_FEATURE_IBT) && (data & SIM_CET_IBT_BITS))
		return false;
	if ((data >> 12) & 3)	/* legacy bitmap base is 16K aligned */
		return false;
	if ((data & SIM_CET_SUPPRESS) && (data & SIM_CET_WAIT_ENDBR))
		return false;
	return true;
}

static bool noncanonical(u64 a)
{
	return (u64)(((s64)(a << 16)) >> 16) != a;
}

/* Host-initiated access, as KVM must treat it (MISSION.md, 7 and 9). */
static enum model_verdict model(struct sim_vcpu *v, u32 msr, bool write,
				u64 data)
{
	bool supported;

	if (msr == SIM_MSR_AMD64_NB_CFG)
		return MODEL_OK;
	if (msr == SIM_MSR_KVM_INTERNAL_GUEST_SSP) {
		/* ONE_REG's KVM_REG_GUEST_SSP: only with SHSTK, like PLx_SSP */
		if (!sim_glue_has(SIM_NEED_CET_MSRS, NULL))
			return MODEL_UNKNOWN;
		if (!sim_vcpu_has(v, SIM_FEATURE_SHSTK))
			return MODEL_UNSUPPORTED;
		if (write && (noncanonical(data) || (data & 3)))
			return MODEL_INVALID;
		return MODEL_OK;
	}
	if (sim_msr_slot(msr) == SIM_SLOT_NONE || msr == SIM_MSR_XSS)
		return MODEL_UNKNOWN;
	if (!sim_glue_has(SIM_NEED_CET_MSRS, NULL))
		return MODEL_UNKNOWN;	/* a tree that knows no CET MSR */
	supported = guest_owns_msr(v, msr);
	if (msr == SIM_MSR_INT_SSP_TAB)
		supported = supported && sim_vcpu_has(v, SIM_FEATURE_LM);
	if (!supported)
		return !write || !data ? MODEL_OK : MODEL_UNSUPPORTED;
	if (!write)
		return MODEL_OK;
	if (msr == SIM_MSR_U_CET || msr == SIM_MSR_S_CET)
		return valid_u_s_cet(v, data) ? MODEL_OK : MODEL_INVALID;
	if (noncanonical(data))
		return MODEL_INVALID;
	if (msr != SIM_MSR_INT_SSP_TAB && (data & 3))
		return MODEL_INVALID;
	return MODEL_OK;
}

/* The guest's value of an MSR as userspace must read it. */
static u64 expected_read(struct sim_vcpu *v, u32 msr)
{
	int slot = sim_msr_slot(msr);

	if (msr == SIM_MSR_KVM_INTERNAL_GUEST_SSP)
		return v->model_ssp;
	if (msr == SIM_MSR_AMD64_NB_CFG || slot == SIM_SLOT_NONE)
		return 0;
	if (model(v, msr, true, 1) == MODEL_UNSUPPORTED &&
	    model(v, msr, true, 4) == MODEL_UNSUPPORTED)
		return 0;
	return v->model[slot];
}

static void check_entry_outcome(struct sim *sim, struct sim_vcpu *v,
				bool write, const struct sim_msr_entry *in,
				bool ok, int ev)
{
	enum model_verdict m = model(v, in->index, write, in->data);
	const char *op = write ? "write" : "read";
	unsigned long long d = in->data;

	if (ok == (m == MODEL_OK))
		return;
	if (m == MODEL_INVALID)
		sim_violate(sim, SIM_INV_VALIDITY, ev,
			    "%s of invalid value %#llx to MSR %#x succeeded",
			    op, d, in->index);
	else if (m == MODEL_UNSUPPORTED)
		sim_violate(sim, SIM_INV_CPUID_GATING, ev,
			    "host %s of %#llx to MSR %#x succeeded although the guest lacks the feature (only 0 may be written)",
			    op, d, in->index);
	else if (m == MODEL_UNKNOWN)
		sim_violate(sim, SIM_INV_BATCH_SEMANTICS, ev,
			    "%s of unknown MSR %#x succeeded", op, in->index);
	else if (!guest_owns_msr(v, in->index))
		sim_violate(sim, SIM_INV_CPUID_GATING, ev,
			    "host %s of %#llx to MSR %#x failed; a host access to an advertised MSR the guest lacks must read 0 / accept 0",
			    op, d, in->index);
	else
		sim_violate(sim, SIM_INV_VALIDITY, ev,
			    "%s of valid value %#llx to MSR %#x failed",
			    op, d, in->index);
}

/* Where KVM_SET_MSRS must have put a value, and whether it is there. */
static void check_written_value(struct sim *sim, struct sim_vcpu *v, u32 msr,
				u64 data, int ev)
{
	int slot = sim_msr_slot(msr);
	u64 have;

	if (msr == SIM_MSR_KVM_INTERNAL_GUEST_SSP) {
		v->model_ssp = data;
		if (v->guest_ssp.v != data)
			sim_violate(sim, SIM_INV_HOST_INTEGRITY, ev,
				    "guest SSP %#llx did not reach the guest's VMCS/VMCB (holds %#llx)",
				    (unsigned long long)data,
				    (unsigned long long)v->guest_ssp.v);
		return;
	}
	if (slot == SIM_SLOT_NONE || msr == SIM_MSR_XSS)
		return;
	if (!guest_owns_msr(v, msr))
		return;		/* accepted 0 for an absent feature: no state */
	v->model[slot] = data;
	if (slot == SIM_SLOT_S_CET) {
		if (v->guest_s_cet.v != data)
			sim_violate(sim, SIM_INV_SCET_EXCLUSION, ev,
				    "userspace S_CET %#llx did not reach the %s (holds %#llx)",
				    (unsigned long long)data,
				    sim->vendor == SIM_VMX ? "VMCS GUEST_S_CET" : "VMCB s_cet",
				    (unsigned long long)v->guest_s_cet.v);
		return;
	}
	if (slot == SIM_SLOT_INT_SSP_TAB) {
		if (v->guest_isst.v != data)
			sim_violate(sim, SIM_INV_HOST_INTEGRITY, ev,
				    "INT_SSP_TAB %#llx did not reach the guest's VMCS/VMCB",
				    (unsigned long long)data);
		return;
	}
	have = v->fps.regs[slot];
	if (have != data || v->fps.owner[slot] != SIM_OWN_GUEST)
		sim_violate(sim, SIM_INV_HOST_INTEGRITY, ev,
			    "value %#llx set for MSR %#x did not persist in vCPU%d's guest fpstate (holds %#llx)",
			    (unsigned long long)data, msr, v->id,
			    (unsigned long long)have);
}

/* What KVM_GET_MSRS returned must be the guest's value, never the host's. */
static void check_read_value(struct sim *sim, struct sim_vcpu *v, u32 msr,
			     u64 got, int ev)
{
	u64 want = expected_read(v, msr);
	int slot = sim_msr_slot(msr);
	bool host = slot != SIM_SLOT_NONE && got == host_value(sim, slot);

	if (got == want)
		return;
	sim_violate(sim, msr == SIM_MSR_S_CET ? SIM_INV_SCET_EXCLUSION :
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
		else if (is_xstate_slot(sim_msr_slot(in[i].index)))
			return false;
	}
	return scet;
}

/*
 * After KVM_{GET,SET}_MSRS (or ONE_REG, n == 1): the count, each entry's
 * outcome, the data userspace got back, and where written values went.
 */
void sim_oracle_batch(struct sim *sim, struct sim_vcpu *v, bool write,
		      const struct sim_msr_entry *in,
		      const struct sim_msr_entry *out, u32 n, int ret)
{
	int ev = sim->nr_ev - 1, before = sim->nr_findings;
	u32 i, expect = n;

	for (i = 0; i < n; i++) {
		if (model(v, in[i].index, write, in[i].data) != MODEL_OK) {
			expect = i;
			break;
		}
	}
	if (sim->loads && is_scet_only(in, n))
		sim_violate(sim, SIM_INV_SCET_EXCLUSION, ev,
			    "a batch that touches only S_CET (and non-XSTATE MSRs) loaded the guest FPU: S_CET was treated as XSTATE-managed");
	if (ret < 0 || (u32)ret > n) {
		sim_violate(sim, SIM_INV_BATCH_SEMANTICS, ev,
			    "__msr_io returned %d for a batch of %u", ret, n);
		return;
	}
	for (i = 0; i < (u32)ret; i++)
		check_entry_outcome(sim, v, write, &in[i], true, ev);
	if ((u32)ret < n)
		check_entry_outcome(sim, v, write, &in[ret], false, ev);
	if ((u32)ret != expect && sim->nr_findings == before)
		sim_violate(sim, SIM_INV_BATCH_SEMANTICS, ev,
			    "processed %d entries, expected %u (stop at the first failure)",
			    ret, expect);
	if (!write && (u32)ret < n && out[ret].data)
		sim_violate(sim, SIM_INV_BATCH_SEMANTICS, ev,
			    "failed read of MSR %#x returned %#llx instead of 0 (leak)",
			    out[ret].index, (unsigned long long)out[ret].data);
	for (i = ret + 1; i < n; i++)
		if (out[i].data != in[i].data || out[i].index != in[i].index)
			sim_violate(sim, SIM_INV_BATCH_SEMANTICS, ev,
				    "entry %u after the failing one was modified", i);
	for (i = 0; i < (u32)ret; i++) {
		if (write)
			check_written_value(sim, v, in[i].index, in[i].data, ev);
		else
			check_read_value(sim, v, in[i].index, out[i].data, ev);
	}
}
