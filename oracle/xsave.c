// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_GET_XSAVE(2) and KVM_SET_XSAVE judged from KVM's documented ABI
 * (Documentation/virt/kvm/api.rst: "the contents of the vCPU's xsave
 * area" in the XSAVE standard format, the format of SDM Vol. 1, 13.4) and
 * the architecture: userspace's buffer carries user components only.  The
 * supervisor state of CET (IA32_XSS components 11 and 12, SDM Vol. 1,
 * 13.2: "supervisor state components" are saved only by XSAVES) is not
 * in it and is migrated by KVM_{GET,SET}_MSRS, so KVM_SET_XSAVE, in
 * whichever order with KVM_SET_MSRS, leaves it as it was.
 */
#include "oracle_internal.h"

/* MXCSR bits 31:16 are reserved (SDM Vol. 1, 10.2.3) */
#define MXCSR_RESERVED	0xffff0000U
#define MXCSR_OFFSET	24

struct xsave_header {
	u64 xstate_bv, xcomp_bv, reserved[6];
};

static void header_of(const u8 *buf, struct xsave_header *h)
{
	memcpy(h, buf + SIM_XSAVE_HDR_OFFSET, sizeof(*h));
}

/*
 * Why KVM_SET_XSAVE must refuse @buf with EINVAL (api.rst and the FPU
 * core's uabi rules: components KVM's XCR0 lacks, the compacted format,
 * reserved header bytes; MXCSR's reserved bits with x87/SSE state);
 * NULL: it must take it.
 */
static const char *set_xsave_invalid(const struct sim *sim, const u8 *buf)
{
	struct xsave_header h;
	u32 mxcsr;
	int i;

	header_of(buf, &h);
	if (h.xstate_bv & ~sim_host_xcr0(sim))
		return h.xstate_bv & SIM_XFEATURE_MASK_CET_ALL ?
		       "XSTATE_BV names a CET (supervisor) component" :
		       "XSTATE_BV names a component KVM does not support";
	if (h.xcomp_bv)
		return "XCOMP_BV is not 0 (compacted format)";
	for (i = 0; i < 6; i++)
		if (h.reserved[i])
			return "reserved bytes of the XSAVE header are set";
	memcpy(&mxcsr, buf + MXCSR_OFFSET, sizeof(mxcsr));
	/* MXCSR is x87's, SSE's and AVX's state (SDM Vol. 1, 13.5.1-2) */
	if ((h.xstate_bv & (SIM_XFEATURE_MASK_FPSSE | SIM_XFEATURE_MASK_YMM)) &&
	    (mxcsr & MXCSR_RESERVED))
		return "MXCSR has reserved bits set";
	return NULL;
}

/* The guest's CET state in its fpstate is still what the oracle says. */
static void check_cet_kept(struct oracle *o, const struct sim_vcpu *v,
			   int ev)
{
	unsigned int i;

	for (i = 0; i < ORACLE_NR_XSTATE_MSRS; i++) {
		u32 msr = oracle_xstate_msrs[i];
		int slot = sim_msr_slot(msr);
		u64 want = o->vcpus[v->id].msr[slot], have;
		u8 owner;

		if (!oracle_guest_owns_msr(v, msr))
			continue;
		have = sim_fpstate_value(&v->fps, slot, &owner);
		if (have == want)
			continue;
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, ev,
			       "KVM_SET_XSAVE changed vCPU%d's MSR %#x from %#llx to %#llx: CET state is not in the XSAVE buffer and must survive it",
			       v->id, msr, (unsigned long long)want,
			       (unsigned long long)have);
		return;
	}
}

static void check_get(struct oracle *o, const struct sim_xsave_io *x, int ev)
{
	const struct sim *sim = o->sim;
	struct xsave_header h;

	if (x->ret) {
		if (!x->user_fault)
			oracle_violate(o, SIM_INV_VALIDITY, ev,
				       "KVM_GET_XSAVE%s failed (%d)",
				       x->op == SIM_GET_XSAVE2 ? "2" : "",
				       x->ret);
		return;
	}
	header_of(x->out, &h);
	if (h.xstate_bv & ~sim_host_xcr0(sim))
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, ev,
			       "KVM_GET_XSAVE gave userspace XSTATE_BV %#llx: %s",
			       (unsigned long long)h.xstate_bv,
			       h.xstate_bv & SIM_XFEATURE_MASK_CET_ALL ?
			       "the guest's CET supervisor state leaked into the user buffer" :
			       "a component the guest's XCR0 cannot enable");
	if (h.xcomp_bv)
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, ev,
			       "KVM_GET_XSAVE gave userspace XCOMP_BV %#llx: the compacted format, which KVM_SET_XSAVE refuses",
			       (unsigned long long)h.xcomp_bv);
	oracle_xsave_pkru(o, x->vcpu, x->out, false, ev);
}

void oracle_xsave(struct oracle *o, const struct sim_xsave_io *x)
{
	int ev = oracle_last_event(o);
	const char *why;

	if (x->user_fault) {
		oracle_check_user_fault(o, x->ret, x->op == SIM_SET_XSAVE ?
					"KVM_SET_XSAVE" : "KVM_GET_XSAVE", ev);
		return;
	}
	if (x->op != SIM_SET_XSAVE) {
		check_get(o, x, ev);
		return;
	}
	why = set_xsave_invalid(o->sim, x->in);
	if (why && x->ret != -SIM_EINVAL)
		oracle_violate(o, SIM_INV_VALIDITY, ev,
			       "KVM_SET_XSAVE returned %d, not -EINVAL: %s",
			       x->ret, why);
	else if (!why && x->ret)
		oracle_violate(o, SIM_INV_VALIDITY, ev,
			       "KVM_SET_XSAVE of a valid buffer (XSTATE_BV %#llx) failed with %d",
			       (unsigned long long)sim_xsave_bv(x->in), x->ret);
	if (o->tree_has_cet)
		check_cet_kept(o, x->vcpu, ev);
	if (!x->ret)
		oracle_xsave_pkru(o, x->vcpu, x->in, true, ev);
}

/*
 * The FPU core copied a guest fpstate from or to a user buffer: the
 * fpstate in memory must be the guest's state, so its registers must not
 * be live (they would be newer than the copy read, or overwrite what it
 * wrote at the next save).
 */
void oracle_xsave_copy(struct oracle *o, const struct sim_event *e, int n)
{
	const struct sim *sim = o->sim;
	const struct sim_vcpu *v = sim->ioctl_vcpu;

	if (!v || sim->cur_fps != &v->fps || sim->need_fpu_load)
		return;
	oracle_violate(o, SIM_INV_ACCESSOR_CONTRACT, n,
		       "%s on vCPU%d's fpstate while its registers are live: the copy %s",
		       e->what, v->id, e->index ? "is lost at the next save" :
						  "is stale");
}
