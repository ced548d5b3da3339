// SPDX-License-Identifier: GPL-2.0
/*
 * The oracle as an observer: live checks on each event the machine
 * records (pairing, the accessor contract, S_CET residency, the device
 * ioctl, KVM_BUG_ON/WARN), checks at each return to host userspace (host
 * integrity), and the report.  The per-ioctl result checks and the
 * architectural rules are in rules.c.
 */
#include "oracle_internal.h"

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

void oracle_violate(struct oracle *o, enum sim_inv inv, int event,
		    const char *fmt, ...)
{
	struct oracle_finding *f;
	va_list ap;

	o->violated |= SIM_INV_BIT(inv);
	if (o->nr_findings == ORACLE_MAX_FINDINGS)
		return;
	f = &o->findings[o->nr_findings++];
	f->inv = inv;
	f->event = event;
	va_start(ap, fmt);
	sim_vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
}

int oracle_last_event(const struct oracle *o)
{
	return o->sim->ev_base + o->sim->nr_ev - 1;
}

static bool in_one_reg(const struct sim *sim)
{
	return sim->ioctl == SIM_IOCTL_GET_ONE_REG ||
	       sim->ioctl == SIM_IOCTL_SET_ONE_REG;
}

static const char *one_reg_op(const struct sim *sim)
{
	return sim->ioctl == SIM_IOCTL_GET_ONE_REG ? "GET" : "SET";
}

/* RDMSR/WRMSR of an XSTATE MSR on a vCPU's behalf: guest FPU resident. */
static void check_xstate_access(struct oracle *o, const struct sim_event *e,
				int n)
{
	const struct sim *sim = o->sim;
	const struct sim_vcpu *v = sim->ioctl_vcpu;
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
		oracle_violate(o, SIM_INV_ACCESSOR_CONTRACT, n,
			       "%s of XSTATE MSR %#x for vCPU%d while %s",
			       e->what, e->index, v->id, why);
		if (in_one_reg(sim))
			oracle_violate(o, SIM_INV_ONE_REG, n,
				       "KVM_%s_ONE_REG reached %s of %#x without loading the guest FPU",
				       one_reg_op(sim), e->what, e->index);
	}
	if (e->type == SIM_EV_WRMSR && !oracle_guest_owns_msr(v, e->index))
		oracle_violate(o, SIM_INV_CPUID_GATING, n,
			       "guest value %#llx of MSR %#x put in hardware although vCPU%d's CPUID lacks the feature",
			       (unsigned long long)e->val.v, e->index, v->id);
}

/* KVM_GET_MSRS on /dev/kvm: no FPU, VMCS/VMCB, CPUID or XSTATE access. */
static void check_device_ioctl(struct oracle *o, const struct sim_event *e,
			       int n)
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
		if (oracle_is_xstate_msr(e->index))
			break;
		return;
	default:
		return;
	}
	oracle_violate(o, SIM_INV_DEVICE_IOCTL, n,
		       "KVM_GET_MSRS on the system fd did %s (index %#x): it must touch no vCPU and no FPU state",
		       e->what, e->index);
}

/*
 * The host's XSAVES/XRSTORS (the FPU swap, the return to userspace) run
 * with the host's IA32_XSS: with a guest's, they would skip or clobber
 * the components the guest's XSS lacks (SDM Vol. 1 13.11, 13.13).
 */
static void check_host_xss(struct oracle *o, const char *where, int n)
{
	const struct sim_val *xss = &o->sim->hw[SIM_SLOT_XSS];

	if (xss->v == o->sim->host_xss)	/* the value is what XSAVES uses */
		return;
	if (o->violated & SIM_INV_BIT(SIM_INV_HOST_INTEGRITY))
		return;
	oracle_violate(o, SIM_INV_HOST_INTEGRITY, n,
		       "%s ran with IA32_XSS %#llx, not the host's %#llx: a guest's XSS was left loaded",
		       where, (unsigned long long)xss->v,
		       (unsigned long long)o->sim->host_xss);
}

/*
 * Host code runs at @where with the host's XSAVE feature state loaded:
 * its IA32_XSS, its XCR0 and PKRU (the xfeatures family, xregs.c).
 */
static void check_host_state(struct oracle *o, const char *where, int n)
{
	check_host_xss(o, where, n);
	oracle_check_host_xregs(o, where, n);
}

/*
 * VM-entry gives the guest its own S_CET and INT_SSP_TAB (SDM Vol. 3
 * 27.3.2.1 with "load CET state"; APM VMRUN, from the VMCB or the CPU's
 * cache of it): never the host's left in the register, never a value the
 * guest had before KVM wrote it a new one.
 */
/*
 * SVM_CET_DIRTIES_VMCB01: KVM 7.x's svm_set_msr() writes S_CET, SSP and
 * INT_SSP_TAB into the current VMCB but marks vmcb01's CET clean bit
 * dirty, not the current one's; while L2 runs (vmcb02) a value KVM wrote
 * for L2 (an emulated WRMSR L1 does not intercept, KVM_SET_MSRS in guest
 * mode) is then lost when VMRUN takes vmcb02's CET fields from the CPU's
 * cache (APM Vol. 2, 15.15).  Accepted, the model takes what L2 got;
 * worth raising upstream.
 */
static bool svm_cet_dirties_vmcb01(const struct sim_vcpu *v)
{
	return v->sim->vendor == SIM_SVM && v->in_l2 && v->cet_from_cache;
}

/*
 * A named exception said what this VM-entry may give the guest instead
 * (ov->entry_may_be: SMM_IN_L2_TAKES_L1_CET, nested.c): does it, exactly?
 */
static bool entry_as_excepted(const struct oracle *o,
			      const struct sim_vcpu *v)
{
	const struct oracle_vcpu *ov = &o->vcpus[v->id];
	const struct oracle_cet *e = &ov->entry_may_be;

	if (!ov->entry_may)
		return false;
	if (oracle_guest_owns_msr(v, SIM_MSR_S_CET) &&
	    o->sim->hw[SIM_SLOT_S_CET].v != e->s_cet)
		return false;
	return !oracle_guest_owns_msr(v, SIM_MSR_PL0_SSP) ||
	       (o->sim->hw[SIM_SLOT_INT_SSP_TAB].v == e->isst &&
		v->guest_ssp.v == e->ssp);
}

static void check_entry_cet(struct oracle *o, int n)
{
	static const u32 msrs[] = { SIM_MSR_S_CET, SIM_MSR_INT_SSP_TAB };
	const struct sim *sim = o->sim;
	const struct sim_vcpu *v = sim->loaded_vcpu;
	unsigned int i;
	bool adopt;

	if (!v || !o->tree_has_cet)
		return;
	/*
	 * What the guest gets is its state: SVM_CET_DIRTIES_VMCB01, or a
	 * vmcb12 whose changed CET fields L1 left clean (APM 15.15.2:
	 * undefined, nested.c)
	 */
	adopt = svm_cet_dirties_vmcb01(v) || o->vcpus[v->id].adopt_entry ||
		entry_as_excepted(o, v);
	o->vcpus[v->id].adopt_entry = false;
	o->vcpus[v->id].entry_may = false;
	for (i = 0; i < ARRAY_SIZE(msrs); i++) {
		int s = sim_msr_slot(msrs[i]);
		const struct sim_val *hw = &sim->hw[s];
		u64 want = o->vcpus[v->id].msr[s];

		if (!oracle_guest_owns_msr(v, msrs[i]) || hw->v == want)
			continue;
		if (adopt) {
			o->vcpus[v->id].msr[s] = hw->v;
			continue;
		}
		if (hw->owner != SIM_OWN_GUEST)
			oracle_violate(o, msrs[i] == SIM_MSR_S_CET ?
				       SIM_INV_SCET_EXCLUSION :
				       SIM_INV_HOST_INTEGRITY, n,
				       "VM-entry left MSR %#x %#llx in hardware for vCPU%d, whose value is %#llx (VM_ENTRY_LOAD_CET_STATE?)",
				       msrs[i], (unsigned long long)hw->v,
				       v->id, (unsigned long long)want);
		else
			oracle_violate(o, SIM_INV_HOST_INTEGRITY, n,
				       "VM-entry gave vCPU%d MSR %#x %#llx, but its value is %#llx (%s)",
				       v->id, msrs[i],
				       (unsigned long long)hw->v,
				       (unsigned long long)want,
				       sim->vendor == SIM_SVM ?
				       "a VMCB field written without vmcb_mark_dirty()?" :
				       v->in_l2 ? "vmcs02 prepared from the wrong values?" :
				       "the VMCS field KVM wrote or the last VM-exit saved");
	}
	if (oracle_guest_owns_msr(v, SIM_MSR_PL0_SSP) &&
	    v->guest_ssp.v != o->vcpus[v->id].ssp && adopt)
		o->vcpus[v->id].ssp = v->guest_ssp.v;
	else if (oracle_guest_owns_msr(v, SIM_MSR_PL0_SSP) &&
		 v->guest_ssp.v != o->vcpus[v->id].ssp)
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, n,
			       "VM-entry gave vCPU%d SSP %#llx, but its SSP is %#llx (KVM_REG_GUEST_SSP)",
			       v->id, (unsigned long long)v->guest_ssp.v,
			       (unsigned long long)o->vcpus[v->id].ssp);
}

/*
 * The guest's XSAVES and XRSTORS use IA32_XSS, which neither VM-entry nor
 * VMRUN switches (SDM Vol. 1, 13.11: RFBM from XCR0 | IA32_XSS; the MSR is
 * not in the VMCS guest state, nor in the VMCB save area): a guest that
 * may execute them (XSAVES in its CPUID, CR4.OSXSAVE, which every
 * simulated guest has set) must run with its own IA32_XSS in the MSR,
 * else its XSAVES writes components it did not enable, or skips some.
 */
static void check_entry_xss(struct oracle *o, int n)
{
	const struct sim *sim = o->sim;
	const struct sim_vcpu *v = sim->loaded_vcpu;
	u64 want, have = sim->hw[SIM_SLOT_XSS].v;

	if (!v || !o->tree_has_cet || !oracle_guest_has(v, SIM_FEATURE_XSAVES))
		return;
	want = o->vcpus[v->id].xss;
	if (have != want)
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, n,
			       "VM-entry of vCPU%d with IA32_XSS %#llx in the MSR, the guest's is %#llx: its XSAVES/XRSTORS would use the wrong components",
			       v->id, (unsigned long long)have,
			       (unsigned long long)want);
}

/*
 * VMX: a VM-entry needs every host-state field its VM-exit will load
 * written since the VMCS was set up (vmx_set_constant_host_state()), else
 * the exit loads an undefined host state (the SSP, CR3, the entry point).
 */
static void check_entry_host_state(struct oracle *o, int n)
{
	const struct sim *sim = o->sim;
	const struct sim_vcpu *v = sim->loaded_vcpu;
	const struct sim_host_field *f;
	unsigned int i;

	if (!v || sim->vendor != SIM_VMX)
		return;
	if (!(sim->cpu_caps & (SIM_CPUID_SHSTK | SIM_CPUID_IBT)) &&
	    ((v->entry_ctls & SIM_VM_ENTRY_LOAD_CET_STATE) ||
	     (v->exit_ctls & SIM_VM_EXIT_LOAD_CET_STATE)))
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, n,
			       "VM-entry of vCPU%d with the load-CET-state controls on a CPU without them: the entry fails",
			       v->id);
	for (i = 0; i < SIM_NR_HOST_FIELDS; i++) {
		f = &sim_host_fields[i];
		if (f->exit_ctl && !(v->exit_ctls & f->exit_ctl))
			continue;
		if (!(v->host_written & (1u << i)))
			oracle_violate(o, SIM_INV_HOST_INTEGRITY, n,
				       "VM-entry of vCPU%d with %s never written: the VM-exit would load an undefined host state",
				       v->id, f->name);
		else if (f->want != SIM_HOST_ANY && v->host_vals[i] != f->want)
			oracle_violate(o, SIM_INV_HOST_INTEGRITY, n,
				       "VM-entry of vCPU%d with %s %#llx: the VM-exit would load it, the host's is %#llx",
				       v->id, f->name,
				       (unsigned long long)v->host_vals[i],
				       (unsigned long long)f->want);
	}
}

static void on_event(void *ctx, const struct sim *sim, int n)
{
	struct oracle *o = ctx;
	const struct sim_event *e = sim_event_at(sim, n);
	const struct sim_val *s_cet = &sim->hw[SIM_SLOT_S_CET];

	if (sim->ioctl == SIM_IOCTL_DEV_GET_MSRS)
		check_device_ioctl(o, e, n);

	switch (e->type) {
	case SIM_EV_RDMSR:
	case SIM_EV_WRMSR:
		if (e->mode == SIM_MODE_HOST_KERNEL &&
		    oracle_is_xstate_msr(e->index))
			check_xstate_access(o, e, n);
		break;
	case SIM_EV_FPU_LOAD:
		if (sim->loads - sim->puts > 1)
			oracle_violate(o, SIM_INV_PAIRING, n,
				       "guest FPU loaded twice without a put");
		check_host_state(o, "fpu_swap_kvm_fpstate()", n);
		break;
	case SIM_EV_FPU_PUT:
		if (sim->puts > sim->loads)
			oracle_violate(o, SIM_INV_PAIRING, n,
				       "guest FPU put without a load");
		check_host_state(o, "fpu_swap_kvm_fpstate()", n);
		break;
	case SIM_EV_FPU_CLOBBER:
		oracle_check_host_xregs(o, "an interrupt's kernel_fpu_begin()",
					n);
		break;
	case SIM_EV_VM_ENTRY:
		if (sim->loaded_vcpu)
			o->vcpus[sim->loaded_vcpu->id].ran = true;
		check_entry_cet(o, n);
		check_entry_xss(o, n);
		oracle_check_entry_xregs(o, n);
		oracle_xfd_entry(o, n);
		check_entry_host_state(o, n);
		break;
	case SIM_EV_IRQS_ON:
		oracle_xfd_irqs_on(o, e, n);
		break;
	case SIM_EV_VM_EXIT:
		if (s_cet->owner != SIM_OWN_GUEST &&
		    s_cet->v != sim->host_s_cet)
			oracle_violate(o, SIM_INV_HOST_INTEGRITY, n,
				       "VM-exit loaded S_CET %#llx, not the host's %#llx (HOST_S_CET, the exit controls)",
				       (unsigned long long)s_cet->v,
				       (unsigned long long)sim->host_s_cet);
		break;
	case SIM_EV_XSAVE_UABI:
		oracle_xsave_copy(o, e, n);
		break;
	case SIM_EV_KVM_BUG:
	case SIM_EV_WARN:
		oracle_violate(o, SIM_INV_NO_BUG, n, "%s fired", e->what);
		break;
	default:
		break;
	}

	/* S_CET is loaded by VM-entry and VM-exit, never left to the host */
	if (sim->mode != SIM_MODE_GUEST && s_cet->owner == SIM_OWN_GUEST &&
	    !(o->violated & SIM_INV_BIT(SIM_INV_SCET_EXCLUSION)))
		oracle_violate(o, SIM_INV_SCET_EXCLUSION, n,
			       "guest vCPU%d's S_CET %#llx is resident in hardware while the CPU runs host code",
			       s_cet->vcpu, (unsigned long long)s_cet->v);
}

/* At ioctl return: pairing, and the host task's state back in hardware. */
static void on_ioctl_exit(void *ctx, const struct sim *sim)
{
	struct oracle *o = ctx;
	int last = oracle_last_event(o);
	unsigned int i;

	if (sim->loads != sim->puts) {
		oracle_violate(o, SIM_INV_PAIRING, last,
			       "ioctl returned with %d guest FPU load(s) and %d put(s)",
			       sim->loads, sim->puts);
		if (in_one_reg(sim))
			oracle_violate(o, SIM_INV_ONE_REG, last,
				       "KVM_%s_ONE_REG did not load and put the guest FPU like KVM_{GET,SET}_MSRS",
				       one_reg_op(sim));
	}
	if (sim->fpregs_locked)
		oracle_violate(o, SIM_INV_PAIRING, last,
			       "ioctl returned with fpregs_lock() held (%d): preemption and softirqs stay disabled in host userspace",
			       sim->fpregs_locked);
	if (sim->live_allocs > 0)
		oracle_violate(o, SIM_INV_PAIRING, last,
			       "ioctl returned with %d of its allocation(s) not freed (a leak on this path)",
			       sim->live_allocs);
	if (sim->cur_fps != &sim->host_fps)
		oracle_violate(o, SIM_INV_PAIRING, last,
			       "ioctl returned with vCPU%d's guest fpstate still current",
			       sim->cur_fps->vcpu);
	check_host_state(o, "the return to host userspace", last);
	/* S_CET is invariant 2's: checked on every event */
	for (i = 0; i < ORACLE_NR_XSTATE_MSRS; i++) {
		int s = sim_msr_slot(oracle_xstate_msrs[i]);
		u64 host = oracle_host_value(sim, oracle_xstate_msrs[i]);

		/* (a register in its initial configuration is nobody's) */
		if (sim->hw[s].v == host &&
		    (sim->hw[s].owner == SIM_OWN_HOST ||
		     (oracle_host_value_is_init(oracle_xstate_msrs[i]) &&
		      sim->hw[s].owner == SIM_OWN_NONE)))
			continue;
		oracle_violate(o, SIM_INV_HOST_INTEGRITY, last,
			       "on return to host userspace MSR slot %d holds %#llx, not the host task's %#llx",
			       s, (unsigned long long)sim->hw[s].v,
			       (unsigned long long)host);
		break;
	}
}

static void on_batch(void *ctx, const struct sim *sim,
		     const struct sim_batch *b)
{
	if (b->vcpu)
		oracle_check_batch(ctx, b);
	else
		oracle_check_device_batch(ctx, b);
}

static void on_guest_msr(void *ctx, const struct sim *sim,
			 const struct sim_guest_msr *g)
{
	if (g->xreg)
		oracle_guest_xreg(ctx, g);
	else
		oracle_guest_msr(ctx, g);
}

/*
 * KVM_GET_REG_LIST (api.rst): n is set to the number of registers; with
 * too little room the call fails with E2BIG.  x86 lists exactly the guest
 * SSP (KVM_REG_GUEST_SSP), when the guest has shadow stacks.
 */
static void on_reg_list(void *ctx, const struct sim *sim,
			const struct sim_reg_list *l)
{
	struct oracle *o = ctx;
	u64 want = o->tree_has_cet &&
		   oracle_guest_has(l->vcpu, SIM_FEATURE_SHSTK) ? 1 : 0;
	int ev = oracle_last_event(o);
	int ret = l->n_in < want ? -SIM_E2BIG : 0;

	if (l->user_fault) {
		oracle_check_user_fault(o, l->ret, "KVM_GET_REG_LIST", ev);
		return;
	}
	if (l->ret != ret || l->n_out != want)
		oracle_violate(o, SIM_INV_ONE_REG, ev,
			       "KVM_GET_REG_LIST with room for %llu returned %d and n=%llu; vCPU%d must list %llu register(s) (%d)",
			       (unsigned long long)l->n_in, l->ret,
			       (unsigned long long)l->n_out, l->vcpu->id,
			       (unsigned long long)want, ret);
	else if (!ret && want && l->regs[0] != SIM_REG_GUEST_SSP_ID)
		oracle_violate(o, SIM_INV_ONE_REG, ev,
			       "KVM_GET_REG_LIST listed %#llx, not KVM_REG_GUEST_SSP's id %#llx",
			       (unsigned long long)l->regs[0],
			       (unsigned long long)SIM_REG_GUEST_SSP_ID);
}

static void on_msr_list(void *ctx, const struct sim *sim,
			const struct sim_msr_list *l)
{
	oracle_check_msr_list(ctx, l);
}

static void on_xsave(void *ctx, const struct sim *sim,
		     const struct sim_xsave_io *x)
{
	oracle_xsave(ctx, x);
}

/*
 * KVM_SET_CPUID2 once the vCPU has run, or while L2 runs: KVM's ABI
 * freezes the vCPU model (cpuid.c, kvm_set_cpuid(): changing it "after
 * KVM_RUN or while L2 is active" is not handled; the same CPUID is taken
 * again, for VMMs that reuse vCPU fds), any other is refused, -EINVAL, and
 * the vCPU keeps the model it ran with.
 */
static void on_cpuid(void *ctx, const struct sim *sim,
		     const struct sim_cpuid_set *c)
{
	struct oracle *o = ctx;
	const struct sim_vcpu *v = c->vcpu;
	bool frozen = o->vcpus[v->id].ran || v->in_l2;
	int want = frozen && c->cpuid != c->old ? -SIM_EINVAL : 0;

	if (c->ret != want)
		oracle_violate(o, SIM_INV_CPUID_GATING, oracle_last_event(o),
			       "KVM_SET_CPUID2 %#x -> %#x on vCPU%d %s returned %d, not %d",
			       c->old, c->cpuid, v->id,
			       frozen ? "after it ran" : "before it ran",
			       c->ret, want);
	else if (v->cpuid != (c->ret ? c->old : c->cpuid))
		oracle_violate(o, SIM_INV_CPUID_GATING, oracle_last_event(o),
			       "vCPU%d's CPUID is %#x after KVM_SET_CPUID2 %#x returned %d",
			       v->id, v->cpuid, c->cpuid, c->ret);
}

static void on_xcrs(void *ctx, const struct sim *sim,
		    const struct sim_xcrs_io *x)
{
	oracle_xcrs(ctx, x);
}

static void on_nested_state(void *ctx, const struct sim *sim,
			    const struct sim_nested_state_io *n)
{
	oracle_nested_state(ctx, n);
}

static void on_destroy(void *ctx, const struct sim *sim)
{
	sim_free(ctx);
}

static const struct sim_observer_ops oracle_ops = {
	.on_event = on_event,
	.on_ioctl_exit = on_ioctl_exit,
	.on_batch = on_batch,
	.on_guest_msr = on_guest_msr,
	.on_reg_list = on_reg_list,
	.on_msr_list = on_msr_list,
	.on_xsave = on_xsave,
	.on_cpuid = on_cpuid,
	.on_nested_state = on_nested_state,
	.on_xcrs = on_xcrs,
	.on_destroy = on_destroy,
};

void oracle_expect(const struct sim *sim, bool ok, enum sim_inv inv,
		   const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	int i;

	/*
	 * A scenario's exact expectations are those of a VMM whose pointers
	 * are good: after an injected user-copy fault they no longer apply
	 * (the oracle's own rules still do).
	 */
	if (ok || sim->uaccess_faults)
		return;
	va_start(ap, fmt);
	sim_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (i = 0; i < sim->nr_observers; i++) {
		struct oracle *o = sim->observers[i].ctx;

		if (sim->observers[i].ops == &oracle_ops)
			oracle_violate(o, inv, oracle_last_event(o), "%s", msg);
	}
}

struct oracle *oracle_attach(struct sim *sim)
{
	struct oracle *o = sim_zalloc(sizeof(*o));

	if (!o)
		return NULL;
	o->sim = sim;
	o->tree_has_cet = sim->tree_caps & SIM_NEED_CET_MSRS;
	if (sim_attach(sim, &oracle_ops, o))
		return o;
	sim_free(o);
	return NULL;
}

unsigned int oracle_violations(const struct oracle *o)
{
	return o->violated;
}

unsigned int oracle_trace_window = ORACLE_TRACE_WINDOW;

void oracle_report(const struct oracle *o, sim_printer print, void *ctx)
{
	const struct sim *sim = o->sim;
	char buf[320], ev[240];
	int i, n, from;

	for (i = 0; i < o->nr_findings; i++) {
		const struct oracle_finding *f = &o->findings[i];

		sim_snprintf(buf, sizeof(buf), "FAIL %s: %s",
			     sim_inv_name(f->inv), f->msg);
		print(ctx, buf);
		if (!sim_event_at(sim, f->event))
			continue;
		from = !oracle_trace_window ? 0 :
		       f->event >= (int)oracle_trace_window ?
		       f->event - (int)oracle_trace_window + 1 : 0;
		for (n = from; n <= f->event; n++) {
			if (!sim_event_at(sim, n))
				continue;
			sim_describe_event(sim, n - sim->ev_base, ev,
					   sizeof(ev));
			sim_snprintf(buf, sizeof(buf), "    %s", ev);
			print(ctx, buf);
		}
	}
}
