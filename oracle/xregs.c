// SPDX-License-Identifier: GPL-2.0
/*
 * The xfeatures family, XCR0 and PKRU, as the architecture and KVM's ABI
 * say a guest's must behave: the guest runs with its own XCR0 and (with
 * CR4.PKE) its own PKRU; host code, from the VM-exit's switch back on,
 * never runs with either (a host XSAVES with the guest's XCR0 saves the
 * wrong components, a host access with the guest's PKRU faults or leaks);
 * the guest's WRPKRU, which KVM does not intercept, survives the VM-exit;
 * the guest's XSETBV succeeds exactly for the values XCR0 may hold
 * (SDM Vol. 1, 13.3) of the components its CPUID enumerates.
 */
#include "oracle_internal.h"

/* The guest's XCR0 in the model: 0 stands for the RESET value, x87 only. */
static u64 guest_xcr0(const struct oracle_vcpu *ov)
{
	return ov->xcr0 ? ov->xcr0 : SIM_XFEATURE_MASK_FP;
}

/*
 * What the guest's CPUID.(0xD,0) enumerates, so what its XCR0 may hold:
 * every component KVM supports where its CPUID has the XSAVE features
 * (and with them leaf 0xD; AMX's tiles with AMX), none otherwise or
 * before KVM_SET_CPUID2 (x87 is always allowed: XCR0's RESET value)
 */
static u64 guest_supported_xcr0(const struct sim_vcpu *v)
{
	u64 tiles = oracle_guest_has(v, SIM_FEATURE_XFD) ? 0 :
		    SIM_XFEATURE_MASK_XTILE;

	return oracle_guest_has(v, SIM_FEATURE_XSAVES) ?
	       sim_host_xcr0(v->sim) & ~tiles : SIM_XFEATURE_MASK_FP;
}

static bool judged(const struct oracle *o)
{
	return o->sim->tree_caps & SIM_NEED_XREGS;
}

/* Host code runs at @where: the host's XCR0 and PKRU must be loaded. */
void oracle_check_host_xregs(struct oracle *o, const char *where, int n)
{
	const struct sim *sim = o->sim;

	if (!judged(o) || (o->violated & SIM_INV_BIT(SIM_INV_HOST_INTEGRITY)))
		return;
	if (sim->xcr0 != sim_host_xcr0(sim))
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, n,
			       "%s ran with XCR0 %#llx, not the host's %#llx: a guest's XCR0 was left loaded",
			       where, (unsigned long long)sim->xcr0,
			       (unsigned long long)sim_host_xcr0(sim));
	else if (sim->pkru != SIM_HOST_PKRU)
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, n,
			       "%s ran with PKRU %#x, not the host task's %#x: a guest's PKRU was left loaded",
			       where, sim->pkru, SIM_HOST_PKRU);
}

/* VM-entry: the guest's own XCR0, and its PKRU once it enabled PKE. */
void oracle_check_entry_xregs(struct oracle *o, int n)
{
	const struct sim *sim = o->sim;
	const struct sim_vcpu *v = sim->loaded_vcpu;
	const struct oracle_vcpu *ov;

	if (!v || !judged(o))
		return;
	ov = &o->vcpus[v->id];
	if (sim->xcr0 != guest_xcr0(ov))
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, n,
			       "VM-entry of vCPU%d with XCR0 %#llx, the guest's is %#llx: its XSAVE/XRSTOR would use the wrong components",
			       v->id, (unsigned long long)sim->xcr0,
			       (unsigned long long)guest_xcr0(ov));
	else if ((ov->pke || (guest_xcr0(ov) & SIM_XFEATURE_MASK_PKRU)) &&
		 sim->pkru != ov->pkru)
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, n,
			       "VM-entry of vCPU%d with PKRU %#x, the guest's is %#x: its WRPKRU was lost or the host's left in place",
			       v->id, sim->pkru, ov->pkru);
}

/*
 * The guest's PKRU travels in KVM_{GET,SET}_XSAVE's PKRU component
 * (api.rst: the vCPU's xsave area; SDM Vol. 1, 13.5.7), an XSTATE_BV bit
 * clear meaning its initial value, 0.  Only where the guest's CPUID
 * enumerates that component, though: the buffer holds the components of
 * the vCPU's user features (its supported XCR0), so a guest with PKU and
 * no XSAVE state to speak of has no PKRU to give in KVM_GET_XSAVE.  That
 * is KVM's ABI, not a fault of the code under test (a set still takes
 * PKRU to 0 then, as the FPU core's copy does).
 */
void oracle_xsave_pkru(struct oracle *o, const struct sim_vcpu *v,
		       const u8 *buf, bool set, int ev)
{
	struct oracle_vcpu *ov = &o->vcpus[v->id];
	u32 pkru = 0;

	if (!judged(o))
		return;
	if (sim_xsave_bv(buf) & SIM_XFEATURE_MASK_PKRU)
		memcpy(&pkru, buf + SIM_XSAVE_PKRU_OFFSET, sizeof(pkru));
	if (set)
		ov->pkru = pkru;
	else if (!(guest_supported_xcr0(v) & SIM_XFEATURE_MASK_PKRU))
		return;
	else if (pkru != ov->pkru)
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, ev,
			       "KVM_GET_XSAVE gave vCPU%d's PKRU as %#x, the guest's is %#x",
			       v->id, pkru, ov->pkru);
}

/*
 * KVM_GET_XCRS / KVM_SET_XCRS (api.rst): GET gives one XCR, XCR0, with
 * the guest's value; SET takes up to KVM_MAX_XCRS entries with flags 0,
 * of them the first for XCR0, whose value must be one XCR0 may hold of
 * what the guest's CPUID enumerates (else -EINVAL); it ignores the other
 * XCRs, which do not exist.
 */
void oracle_xcrs(struct oracle *o, const struct sim_xcrs_io *io)
{
	struct oracle_vcpu *ov = &o->vcpus[io->vcpu->id];
	const struct sim_xcrs *x = io->x;
	int ev = oracle_last_event(o), want = 0;
	bool found = false;
	u64 xcr0 = 0;
	unsigned int i;

	if (!judged(o))
		return;
	if (!io->set) {
		if (io->ret || x->nr_xcrs != 1 || x->flags || x->xcrs[0].xcr ||
		    x->xcrs[0].value != guest_xcr0(ov))
			oracle_violate(o, SIM_INV_HOST_INTEGRITY, ev,
				       "KVM_GET_XCRS returned %d with %u XCR(s), XCR%u = %#llx; the guest's XCR0 is %#llx",
				       io->ret, x->nr_xcrs, x->xcrs[0].xcr,
				       (unsigned long long)x->xcrs[0].value,
				       (unsigned long long)guest_xcr0(ov));
		return;
	}
	if (x->nr_xcrs > SIM_MAX_XCRS || x->flags) {
		want = -SIM_EINVAL;
	} else {
		for (i = 0; i < x->nr_xcrs && !found; i++) {
			found = x->xcrs[i].xcr == SIM_XCR_XFEATURE_ENABLED_MASK;
			xcr0 = x->xcrs[i].value;
		}
		if (found &&
		    !sim_xcr0_valid(xcr0, guest_supported_xcr0(io->vcpu)))
			want = -SIM_EINVAL;
	}
	if (io->ret != want)
		oracle_violate(o, SIM_INV_VALIDITY, ev,
			       "KVM_SET_XCRS of %u XCR(s), flags %#x%s returned %d, not %d",
			       x->nr_xcrs, x->flags,
			       found ? ", XCR0 among them" : "", io->ret, want);
	if (!io->ret && found)
		ov->xcr0 = xcr0;
}

/*
 * CPUID.(0xD,0).EBX and (0xD,1).EBX follow the guest's state (SDM Vol. 1,
 * 13.2): the XSAVE area's size for the components XCR0 enables, and
 * (compacted, with XSAVES) for XCR0 | IA32_XSS, at every CPUID after an
 * XSETBV or a WRMSR of IA32_XSS, never the size before it.
 */
static void check_cpuid_0xd(struct oracle *o, const struct sim_guest_msr *g,
			    int ev)
{
	const struct oracle_vcpu *ov = &o->vcpus[g->vcpu->id];
	u64 xfeatures = guest_xcr0(ov);
	u32 want;

	/* leaf 0xD exists with the guest's XSAVE features (glue.c) */
	if (g->msr > 1 || !oracle_guest_has(g->vcpu, SIM_FEATURE_XSAVES))
		return;
	if (g->msr == 1)
		xfeatures |= ov->xss;
	want = sim_xsave_size(xfeatures, g->msr == 1);
	if (g->data != want)
		oracle_violate(o, SIM_INV_CPUID_GATING, ev,
			       "the guest's CPUID.(0xD,%u).EBX is %llu, the XSAVE area of its XCR0%s (%#llx) is %u bytes: a stale leaf after a write",
			       g->msr, (unsigned long long)g->data,
			       g->msr == 1 ? " | IA32_XSS" : "",
			       (unsigned long long)xfeatures, want);
}

/*
 * The guest's XSETBV, WRPKRU, RDPKRU and MOV to CR4.PKE as they ended:
 * judged against the rules, then taken into the model.
 */
void oracle_guest_xreg(struct oracle *o, const struct sim_guest_msr *g)
{
	struct oracle_vcpu *ov = &o->vcpus[g->vcpu->id];
	int ev = oracle_last_event(o);
	bool ok;

	if (!judged(o))
		return;
	switch (g->xreg) {
	case SIM_GUEST_XSETBV:
		ok = g->msr == SIM_XCR_XFEATURE_ENABLED_MASK &&
		     sim_xcr0_valid(g->data, guest_supported_xcr0(g->vcpu));
		if (ok != !g->ret)
			oracle_violate(o, SIM_INV_VALIDITY, ev,
				       "the guest's XSETBV of XCR%u <- %#llx %s; XCR0 holds x87, AVX only with SSE, MPX's and AVX-512's components all or none, and only what CPUID.(0xD,0) enumerates (%#llx)",
				       g->msr, (unsigned long long)g->data,
				       g->ret ? "got #GP" : "succeeded",
				       (unsigned long long)guest_supported_xcr0(g->vcpu));
		if (!g->ret && ok)
			ov->xcr0 = g->data;
		break;
	case SIM_GUEST_SET_CR4_PKE:
		ok = oracle_guest_has(g->vcpu, SIM_FEATURE_PKU);
		if (ok != !g->ret)
			oracle_violate(o, SIM_INV_CPUID_GATING, ev,
				       "the guest's MOV to CR4.PKE %s; it is reserved exactly without PKU in its CPUID",
				       g->ret ? "got #GP" : "succeeded");
		ov->pke |= !g->ret;
		break;
	case SIM_GUEST_WRPKRU:
		if (!g->ret)
			ov->pkru = (u32)g->data;
		break;
	case SIM_GUEST_CPUID_0XD:
		check_cpuid_0xd(o, g, ev);
		break;
	case SIM_GUEST_TILE:
		oracle_xfd_tile(o, g, guest_xcr0(ov));
		break;
	case SIM_GUEST_RDPKRU:
		if (!g->ret && g->data != ov->pkru)
			oracle_violate(o, SIM_INV_HOST_INTEGRITY, ev,
				       "the guest's RDPKRU read %#llx, its last WRPKRU wrote %#x: its PKRU did not survive a VM-exit",
				       (unsigned long long)g->data, ov->pkru);
		break;
	default:
		break;
	}
}
