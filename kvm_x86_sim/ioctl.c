// SPDX-License-Identifier: GPL-2.0
/*
 * The VMM-facing side: creating the machine and its vCPUs, and the ioctls
 * (KVM_{GET,SET}_MSRS, KVM_{GET,SET}_ONE_REG, KVM_RUN, and KVM_GET_MSRS on
 * /dev/kvm) that enter the tree's own code through the per-tree glue, as
 * virt/kvm/kvm_main.c would: vcpu_load(), the handler, vcpu_put(), and the
 * return to userspace that reloads the task's FPU state.
 */
#include "sim_internal.h"

struct sim *sim_hw_current;

/* Distinct values, so that whose value ended up where is never ambiguous. */
#define HOST_U_CET	(SIM_CET_SHSTK_EN | SIM_CET_ENDBR_EN)
#define HOST_PL3_SSP	0x00007ffd5e6a0ff8ull
#define HOST_S_CET	(SIM_CET_ENDBR_EN | (1ull << 4))	/* + NO_TRACK_EN */

/*
 * What KVM does once when it loads, on this host: kvm_init_msr_lists()
 * (the tree's code deciding which MSRs it lists).  Again when the host
 * changes; the list lives in the tree's code, one per process.
 */
static void host_setup(struct sim *sim)
{
	struct sim *saved = sim_hw_current;

	if (!sim->kernel || !sim->kernel->init_msr_lists)
		return;
	sim_hw_current = sim;
	sim->kernel->init_msr_lists();
	sim_hw_current = saved ? saved : sim;
}

struct sim *sim_create(enum sim_vendor vendor, const struct sim_kernel *kernel)
{
	struct sim *sim = sim_zalloc(sizeof(*sim));

	if (!sim)
		return NULL;
	sim->vendor = vendor;
	sim_set_host(sim, SIM_HOST_CET);
	sim->kernel = kernel;
	sim->tree_caps = sim_kernel_caps(kernel);
	sim->mode = SIM_MODE_HOST_USER;
	sim_cpus_init(sim);
	sim_xregs_init(sim);
	sim_hw_current = sim;
	sim_set_host_cet(sim, HOST_U_CET, HOST_PL3_SSP, HOST_S_CET);
	host_setup(sim);
	return sim;
}

void sim_set_host_cet(struct sim *sim, u64 u_cet, u64 pl3_ssp, u64 s_cet)
{
	int s;

	sim->host_u_cet = u_cet;
	sim->host_pl3_ssp = pl3_ssp;
	sim->host_s_cet = s_cet;
	for (s = 0; s < SIM_NR_SLOTS; s++) {
		sim->hw[s].owner = SIM_OWN_HOST;
		sim->hw[s].vcpu = -1;
	}
	sim->hw[SIM_SLOT_U_CET].v = u_cet;
	sim->hw[SIM_SLOT_PL3_SSP].v = pl3_ssp;
	sim->hw[SIM_SLOT_S_CET].v = s_cet;
	/* the host uses no supervisor shadow stack: PL0-2_SSP stay 0 */
	sim_fpu_init(sim);
}

/* every modelled host is 64-bit and has XSAVES (CET's state needs it) */
unsigned int sim_host_kvm_caps(enum sim_host host, enum sim_vendor vendor)
{
	unsigned int ibt = vendor == SIM_VMX ? SIM_CPUID_IBT : 0;
	unsigned int base = SIM_CPUID_LM | SIM_CPUID_XSAVES | SIM_CPUID_PKU;

	if (host == SIM_HOST_NO_CET || host == SIM_HOST_CET_OFF)
		return base;
	/* AMX and XFD: Intel's (the AMD CPU of an SVM machine has neither) */
	if (host == SIM_HOST_AMX && vendor == SIM_VMX)
		return base | SIM_CPUID_SHSTK | ibt | SIM_CPUID_AMX;
	/* shadow paging: no SHSTK, and no PKU (kvm_set_cpu_caps()) */
	if (host == SIM_HOST_NO_TDP)
		return (base & ~SIM_CPUID_PKU) | ibt;
	return base | SIM_CPUID_SHSTK | ibt;
}

/*
 * The host's IA32_XSS is the CET components when it has CET (the kernel
 * enables both; only guests' fpstates hold CET_S), none otherwise.
 */
void sim_set_host(struct sim *sim, enum sim_host host)
{
	sim->host = host;
	sim->amx = host == SIM_HOST_AMX && sim->vendor == SIM_VMX;
	sim->kvm_caps = sim_host_kvm_caps(host, sim->vendor);
	/* the CPU of CET-off and no-TDP hosts has all of CET */
	sim->cpu_caps = sim_host_kvm_caps(host == SIM_HOST_CET_OFF ||
					  host == SIM_HOST_NO_TDP ?
					  SIM_HOST_CET : host, sim->vendor);
	sim->va_bits = host == SIM_HOST_LA57 ? 57 : 48;
	sim->host_xss = host == SIM_HOST_NO_CET ? 0 : SIM_XFEATURE_MASK_CET_ALL;
	sim->hw[SIM_SLOT_XSS] = sim_owned(sim, sim->host_xss, NULL);
	sim_xregs_init(sim);		/* the host's XCR0: AMX's tiles or not */
	sim_fpu_init(sim);
	host_setup(sim);
}

unsigned int sim_kvm_caps(const struct sim *sim)
{
	return sim->kvm_caps;
}

void sim_set_ignore_msrs(struct sim *sim, bool ignore)
{
	sim->ignore_msrs = ignore;
}

void sim_set_faults(struct sim *sim, unsigned int faults)
{
	sim->faults = faults;
}

unsigned int sim_faults_reached(const struct sim *sim)
{
	return sim->faults_reached;
}

unsigned int sim_fault_by_name(const char *name)
{
	static const struct {
		const char *name;
		unsigned int fault;
	} faults[] = {
		{ "irq_ignores_fpregs_lock", SIM_FAULT_IRQ_IGNORES_FPREGS_LOCK },
		{ "stale_fpregs_valid", SIM_FAULT_STALE_FPREGS_VALID },
		{ "need_load_hidden", SIM_FAULT_NEED_LOAD_HIDDEN },
		{ "put_skips_xsaves", SIM_FAULT_PUT_SKIPS_XSAVES },
		{ "exit_keeps_guest_scet", SIM_FAULT_EXIT_KEEPS_GUEST_SCET },
		{ "host_claims_cet", SIM_FAULT_HOST_CLAIMS_CET },
		{ "exit_skips_save", SIM_FAULT_EXIT_SKIPS_SAVE },
		{ "entry_unrecorded", SIM_FAULT_ENTRY_UNRECORDED },
		{ "uabi_drops_supervisor", SIM_FAULT_UABI_DROPS_SUPERVISOR },
		{ "smram_ssp_lost", SIM_FAULT_SMRAM_SSP_LOST },
		{ "nested_state_lost", SIM_FAULT_NESTED_STATE_LOST },
		{ "guest_xss_lost", SIM_FAULT_GUEST_XSS_LOST },
		{ "xrstors_ignores_bv", SIM_FAULT_XRSTORS_IGNORES_BV },
		{ "xsetbv_dropped", SIM_FAULT_XSETBV_DROPPED },
		{ "rdpkru_reads_zero", SIM_FAULT_RDPKRU_READS_ZERO },
		{ "xcr0_all_supported", SIM_FAULT_XCR0_ALL_SUPPORTED },
		{ "cpuid_not_updated", SIM_FAULT_CPUID_NOT_UPDATED },
		{ "xfd_err_reads_zero", SIM_FAULT_XFD_ERR_READS_ZERO },
		{ "running_stuck", SIM_FAULT_RUNNING_STUCK },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(faults); i++)
		if (!strcmp(name, faults[i].name))
			return faults[i].fault;
	return 0;
}

void sim_destroy(struct sim *sim)
{
	int i;

	if (!sim)
		return;
	sim_notify_destroy(sim);
	for (i = 0; i < sim->nr_vcpus; i++)
		sim->kernel->vcpu_destroy(sim->vcpus[i].kvm_vcpu);
	if (sim_hw_current == sim)
		sim_hw_current = NULL;
	sim_free(sim);
}

struct sim_vcpu *sim_vcpu_create(struct sim *sim)
{
	enum sim_mode mode;
	struct sim_vcpu *v;
	int s;

	if (sim->nr_vcpus == SIM_MAX_VCPUS)
		return NULL;
	v = &sim->vcpus[sim->nr_vcpus];
	v->sim = sim;
	v->id = sim->nr_vcpus++;
	sim_guest_fpstate_init(sim, &v->fps, v->id);
	for (s = 0; s < SIM_NR_SLOTS; s++)
		v->vmcs[s].vcpu = -1;
	v->guest_ssp.vcpu = -1;
	v->vmcb_cached_cpu = -1;
	sim_hw_current = sim;
	v->kvm_vcpu = sim->kernel->vcpu_create(v, sim->vendor == SIM_SVM);
	if (!v->kvm_vcpu)
		return NULL;
	/* KVM_CREATE_VCPU: the vendor code sets up the loaded VMCS/VMCB */
	mode = sim->mode;
	sim->mode = SIM_MODE_HOST_KERNEL;
	sim_vcpu_load(v);
	sim->kernel->vcpu_setup(v->kvm_vcpu, sim->vendor == SIM_SVM);
	v->tree_intercepts = sim->kernel->recalc_intercepts(v->kvm_vcpu,
						sim->vendor == SIM_SVM);
	/* kvm_arch_vcpu_create() ends with kvm_vcpu_reset(vcpu, false) */
	sim->kernel->xstate_reset(v->kvm_vcpu, false);
	sim->kernel->vendor_reset(v->kvm_vcpu, sim->vendor == SIM_SVM, false);
	sim_vcpu_put(v);
	sim->mode = mode;
	return v;
}

/*
 * KVM_GET_MP_STATE (kvm_arch_vcpu_ioctl_get_mpstate()): with an INIT
 * pending (an INIT IPI that came while the vCPU was outside KVM_RUN),
 * kvm_apic_accept_events() emulates it right there, kvm_vcpu_reset(vcpu,
 * true) on a vCPU that is loaded but not running, its guest FPU not
 * loaded.  Observers hear of the INIT as of one inside KVM_RUN.
 */
int sim_get_mp_state(struct sim_vcpu *v, bool init_pending)
{
	struct sim *sim = v->sim;
	struct sim_guest_msr g = { .vcpu = v, .init = true };

	sim_ioctl_enter(sim, SIM_IOCTL_GET_MP_STATE, v);
	if (init_pending)
		sim_vcpu_init(v);
	sim_ioctl_exit(sim);
	if (init_pending)
		sim_notify_guest_msr(sim, &g);
	return 0;
}

struct sim *sim_vcpu_sim(struct sim_vcpu *v)
{
	return v->sim;
}

unsigned int sim_vcpu_va_bits(struct sim_vcpu *v)
{
	return v->sim->va_bits;
}

struct sim_fpstate *sim_vcpu_fpstate(struct sim_vcpu *v)
{
	return &v->fps;
}

/*
 * KVM_SET_CPUID2: what cpuid.c derives, then the intercepts
 * (kvm_vcpu_after_set_cpuid() requests KVM_REQ_RECALC_INTERCEPTS, served
 * before the next VM-entry; done here, before any can happen).
 */
int sim_set_cpuid(struct sim_vcpu *v, unsigned int cpuid)
{
	struct sim *sim = v->sim;
	enum sim_mode mode = sim->mode;
	struct sim_cpuid_set c = { .vcpu = v, .cpuid = cpuid, .old = v->cpuid };

	c.ret = sim->kernel->set_cpuid(v->kvm_vcpu, cpuid);
	if (!c.ret) {
		v->cpuid = cpuid;
		sim->mode = SIM_MODE_HOST_KERNEL;
		v->tree_intercepts = sim->kernel->recalc_intercepts(v->kvm_vcpu,
						sim->vendor == SIM_SVM);
		sim->mode = mode;
	}
	sim_notify_cpuid(sim, &c);
	return c.ret;
}

static const char *const ioctl_name[] = {
	[SIM_IOCTL_NONE] = "?",
	[SIM_IOCTL_GET_MSRS] = "KVM_GET_MSRS (vCPU)",
	[SIM_IOCTL_SET_MSRS] = "KVM_SET_MSRS (vCPU)",
	[SIM_IOCTL_GET_ONE_REG] = "KVM_GET_ONE_REG",
	[SIM_IOCTL_SET_ONE_REG] = "KVM_SET_ONE_REG",
	[SIM_IOCTL_DEV_GET_MSRS] = "KVM_GET_MSRS (/dev/kvm)",
	[SIM_IOCTL_RUN] = "KVM_RUN",
	[SIM_IOCTL_REG_LIST] = "KVM_GET_REG_LIST",
	[SIM_IOCTL_MSR_LIST] = "KVM_GET_MSR_INDEX_LIST",
	[SIM_IOCTL_STRAY] = "(driven wrongly)",
	[SIM_IOCTL_GET_XSAVE] = "KVM_GET_XSAVE(2)",
	[SIM_IOCTL_SET_XSAVE] = "KVM_SET_XSAVE",
	[SIM_IOCTL_GET_NESTED_STATE] = "KVM_GET_NESTED_STATE",
	[SIM_IOCTL_SET_NESTED_STATE] = "KVM_SET_NESTED_STATE",
	[SIM_IOCTL_GET_XCRS] = "KVM_GET_XCRS",
	[SIM_IOCTL_SET_XCRS] = "KVM_SET_XCRS",
	[SIM_IOCTL_GET_MP_STATE] = "KVM_GET_MP_STATE",
};

void sim_ioctl_enter(struct sim *sim, enum sim_ioctl ioctl,
		     struct sim_vcpu *v)
{
	struct sim_val none = { .vcpu = v ? v->id : -1 };

	sim_hw_current = sim;
	sim->mode = SIM_MODE_HOST_KERNEL;
	sim->ioctl = ioctl;
	sim->ioctl_vcpu = v;
	sim->loads = sim->puts = 0;
	sim->live_allocs = 0;
	sim->uaccess_faulted = false;
	if (v)
		sim_vcpu_load(v);
	sim_notify_ioctl(sim, true);
	sim_trace(sim, SIM_EV_IOCTL_ENTER, ioctl, none, __FILE__, __LINE__,
		  ioctl_name[ioctl]);
}

void sim_ioctl_exit(struct sim *sim)
{
	struct sim_val none = { .vcpu = -1 };

	if (sim->ioctl_vcpu)
		sim_vcpu_put(sim->ioctl_vcpu);
	sim->uaccess_armed = false;	/* (an injection nothing took) */
	sim_return_to_user(sim);
	sim_trace(sim, SIM_EV_IOCTL_EXIT, sim->ioctl, none, __FILE__, __LINE__,
		  "return to host userspace");
	sim_notify_ioctl(sim, false);
	sim->ioctl = SIM_IOCTL_NONE;
	sim->ioctl_vcpu = NULL;
}

/* struct kvm_msrs as userspace lays it out. */
struct user_msrs {
	u32 nmsrs;
	u32 pad;
	struct sim_msr_entry entries[];
};

static int msrs_ioctl(struct sim *sim, struct sim_vcpu *v, enum sim_ioctl io,
		      struct sim_msr_entry *e, u32 n)
{
	size_t size = n * sizeof(*e);
	struct user_msrs *u = sim_zalloc(sizeof(*u) + size);
	struct sim_msr_entry *in = sim_zalloc(size + 1);
	void *kvm_vcpu = v ? v->kvm_vcpu : NULL;
	struct sim_batch batch = { 0 };
	int ret;

	if (!u || !in) {
		sim_free(u);
		sim_free(in);
		return -12;	/* -ENOMEM */
	}
	u->nmsrs = n;
	memcpy(u->entries, e, size);
	memcpy(in, e, size);
	if (io == SIM_IOCTL_DEV_GET_MSRS && sim_faulty(sim, SIM_FAULT_DEVICE_IOCTL_HAS_VCPU))
		kvm_vcpu = sim->nr_vcpus ? sim->vcpus[0].kvm_vcpu : NULL;

	sim_ioctl_enter(sim, io, v);
	ret = sim->kernel->msr_io(kvm_vcpu, u,
				  io == SIM_IOCTL_SET_MSRS ? SIM_KERNEL_SET :
				  io == SIM_IOCTL_GET_MSRS ? SIM_KERNEL_GET :
							     SIM_KERNEL_FEATURE);
	sim_ioctl_exit(sim);

	memcpy(e, u->entries, size);
	batch.vcpu = v;
	batch.write = io == SIM_IOCTL_SET_MSRS;
	batch.in = in;
	batch.out = e;
	batch.n = n;
	batch.ret = ret;
	batch.user_fault = sim->uaccess_faulted;
	sim_notify_batch(sim, &batch);
	sim_free(u);
	sim_free(in);
	return ret;
}

int sim_get_msrs(struct sim_vcpu *v, struct sim_msr_entry *e, u32 n)
{
	return msrs_ioctl(v->sim, v, SIM_IOCTL_GET_MSRS, e, n);
}

int sim_set_msrs(struct sim_vcpu *v, struct sim_msr_entry *e, u32 n)
{
	return msrs_ioctl(v->sim, v, SIM_IOCTL_SET_MSRS, e, n);
}

int sim_get_msr_index_list(struct sim *sim, u32 *list, u32 *n)
{
	struct sim_msr_list l = { .msrs = list };

	if (!(sim->tree_caps & SIM_NEED_MSR_LIST))
		return -22;	/* (the scenarios need SIM_NEED_MSR_LIST) */
	sim_ioctl_enter(sim, SIM_IOCTL_MSR_LIST, NULL);
	l.n = sim->kernel->msr_index_list(list, *n);
	sim_ioctl_exit(sim);
	*n = l.n;
	sim_notify_msr_list(sim, &l);
	return 0;
}

int sim_dev_get_msrs(struct sim *sim, struct sim_msr_entry *e, u32 n)
{
	return msrs_ioctl(sim, NULL, SIM_IOCTL_DEV_GET_MSRS, e, n);
}

static int one_reg(struct sim_vcpu *v, bool set, u32 msr, u64 id_xor,
		   u64 *val)
{
	struct sim *sim = v->sim;
	struct sim_msr_entry in = { .index = msr, .data = *val }, out;
	const struct sim_kernel *k = sim->kernel;
	struct sim_batch batch = { .vcpu = v, .write = set, .in = &in,
				   .out = &out, .n = 1 };
	u64 uval = *val;
	int r;

	sim_ioctl_enter(sim, set ? SIM_IOCTL_SET_ONE_REG : SIM_IOCTL_GET_ONE_REG,
			v);
	if (sim_faulty(sim, SIM_FAULT_ONE_REG_SKIPS_LOAD))
		r = k->one_msr(v->kvm_vcpu, set, msr, &uval);
	else
		r = k->one_reg(v->kvm_vcpu, set, k->one_reg_id(msr) ^ id_xor,
			       &uval);
	sim_ioctl_exit(sim);
	if (!set)
		*val = r ? 0 : uval;
	out = in;
	out.data = *val;
	batch.ret = r ? 0 : 1;
	batch.one_reg = true;
	batch.bad_id = id_xor != 0;
	batch.err = r;
	batch.user_fault = sim->uaccess_faulted;
	sim_notify_batch(sim, &batch);
	return r;
}

int sim_get_reg_list(struct sim_vcpu *v, u64 *n, u64 *regs)
{
	struct sim *sim = v->sim;
	struct sim_reg_list l = { .vcpu = v, .n_in = *n, .regs = regs };
	/* struct kvm_reg_list as userspace lays it out: n, then the ids */
	u64 *user = sim_zalloc((*n + 1) * sizeof(u64));
	u64 i;

	if (!user)
		return -12;	/* -ENOMEM */
	user[0] = *n;
	sim_ioctl_enter(sim, SIM_IOCTL_REG_LIST, v);
	l.ret = sim->kernel->reg_list(v->kvm_vcpu, user);
	sim_ioctl_exit(sim);
	l.user_fault = sim->uaccess_faulted;
	*n = l.n_out = user[0];
	for (i = 0; i < l.n_in && i < l.n_out; i++)
		regs[i] = user[1 + i];
	sim_notify_reg_list(sim, &l);
	sim_free(user);
	return l.ret;
}

int sim_get_one_reg(struct sim_vcpu *v, u32 msr, u64 *val)
{
	*val = 0;
	return one_reg(v, false, msr, 0, val);
}

int sim_set_one_reg(struct sim_vcpu *v, u32 msr, u64 val)
{
	return one_reg(v, true, msr, 0, &val);
}

int sim_one_reg_bad_id(struct sim_vcpu *v, bool set, u32 msr, u64 id_xor,
		       u64 *val)
{
	if (!set)
		*val = 0;
	return one_reg(v, set, msr, id_xor, val);
}

/*
 * vcpu_enter_guest() around the vendor's run, with interrupts off: the
 * guest's FPU state reloaded if a softirq or the scheduler took it
 * (TIF_NEED_FPU_LOAD: switch_fpu_return()), the XSS swap, the entry.
 */
static void enter_guest(struct sim_vcpu *v)
{
	v->sim->irqs_off++;
	if (v->sim->need_fpu_load)
		sim_hw_switch_fpu_return(__FILE__, __LINE__);
	v->sim->kernel->xfd(v->kvm_vcpu, SIM_XFD_ENTRY);
	v->sim->kernel->xfeatures(v->kvm_vcpu, true);
	sim_vm_entry(v);
}

static void exit_guest(struct sim_vcpu *v)
{
	sim_vm_exit(v);
	/* (the broken machine: the VM-entry leaves no trace in KVM) */
	if (!sim_faulty(v->sim, SIM_FAULT_ENTRY_UNRECORDED))
		v->sim->kernel->entered(v->kvm_vcpu, v->sim->cpu);
	v->sim->kernel->xfeatures(v->kvm_vcpu, false);
	v->sim->kernel->xfd(v->kvm_vcpu, v->nm_exit ? SIM_XFD_NM_EXIT :
						       SIM_XFD_EXIT);
	v->nm_exit = false;
	v->sim->irqs_off--;
	sim_xfd_irqs_on(v->sim);
}

/*
 * One thing the guest does while it runs.  Observers hear of it as soon as
 * it is done (before the guest is entered again), so their model of the
 * guest is current at the next VM-entry.
 */
static void guest_op(struct sim_vcpu *v, struct sim_guest_op *op)
{
	struct sim *sim = v->sim;
	const struct sim_kernel *k = sim->kernel;
	struct sim_guest_msr g = { .vcpu = v, .init = op->init,
				   .xreg = op->xreg, .nested = op->nested,
				   .vmcs12 = op->vmcs12, .smm = op->smm,
				   .write = op->write, .msr = op->msr };

	if (op->smm) {
		/* an SMI or RSM: KVM emulates both */
		struct sim_val ssp = { .v = op->data, .vcpu = v->id };

		exit_guest(v);
		sim_trace(sim, SIM_EV_SMM, op->smm, ssp, __FILE__, __LINE__,
			  op->smm == SIM_SMM_SMI ? "SMI" : "RSM");
		op->ret = k->smm(v->kvm_vcpu, sim->vendor == SIM_SVM, op->smm,
				 &op->data);
		if (op->smm == SIM_SMM_SMI &&
		    sim_faulty(sim, SIM_FAULT_SMRAM_SSP_LOST))
			op->data = 0;
		/* KVM takes L2 out at an SMI, and back in at its RSM */
		if (op->smm == SIM_SMM_SMI) {
			v->smm_from_l2 = v->in_l2;
			v->in_l2 = false;
		} else if (v->smm_from_l2) {
			v->in_l2 = !op->ret || op->ret == SIM_SMM_GAVE_UP_IN_L2;
			v->smm_from_l2 = false;
		}
	} else if (op->nested) {
		/* L1's VMLAUNCH, or L2 doing what L1 intercepts: an exit */
		exit_guest(v);
		op->ret = sim_nested(v, op);
	} else if (op->xreg == SIM_GUEST_TILE) {
		/* no exit, unless KVM intercepts the #NM; it injects it then */
		op->ret = sim_guest_tile(v);
		g.passthrough = !v->nm_exit;
		if (v->nm_exit)
			exit_guest(v);
	} else if (op->xreg == SIM_GUEST_WRPKRU ||
		   op->xreg == SIM_GUEST_RDPKRU) {
		g.passthrough = true;
		op->ret = sim_guest_pkru(v, op->xreg == SIM_GUEST_WRPKRU,
					 &op->data);
	} else if (op->xreg) {
		/* XSETBV and MOV to CR4 exit; KVM emulates them */
		exit_guest(v);
		op->ret = k->guest_xreg(v->kvm_vcpu, op->xreg, op->msr,
					&op->data);
		if (!op->ret && op->xreg == SIM_GUEST_SET_CR4_PKE)
			v->cr4_pke = true;
	} else if (op->init) {
		/* INIT is emulated in KVM_RUN: the vCPU is reset */
		exit_guest(v);
		sim_vcpu_init(v);
	} else if (sim_msr_passthrough(v, op->msr, op->write)) {
		g.passthrough = true;
		op->ret = sim_guest_rdwrmsr(v, op->write, op->msr, &op->data);
	} else {
		/* the exit; KVM emulates it with the guest FPU loaded */
		exit_guest(v);
		op->ret = k->guest_msr(v->kvm_vcpu, op->write, op->msr,
				       &op->data,
				       sim_faulty(sim, SIM_FAULT_GUEST_IS_HOST));
	}
	g.data = op->data;
	g.ret = op->ret;
	sim_notify_guest_msr(sim, &g);
	if (!g.passthrough)
		enter_guest(v);
	/* the first VM-entry of L2 is done: no nested run is pending */
	if ((op->nested == SIM_NESTED_VMLAUNCH || op->smm == SIM_SMM_RSM) &&
	    v->in_l2)
		k->nested_ran(v->kvm_vcpu, sim->vendor == SIM_SVM);
}

void sim_run_guest(struct sim_vcpu *v, struct sim_guest_op *ops,
		   unsigned int n)
{
	struct sim *sim = v->sim;
	const struct sim_kernel *k = sim->kernel;
	unsigned int i;

	sim_ioctl_enter(sim, SIM_IOCTL_RUN, v);
	k->set_running(v->kvm_vcpu, true);
	k->load_guest_fpu(v->kvm_vcpu);
	enter_guest(v);
	/* L2 entered: a nested run KVM_SET_NESTED_STATE left pending is done */
	if (v->in_l2)
		k->nested_ran(v->kvm_vcpu, sim->vendor == SIM_SVM);
	for (i = 0; i < n; i++)
		guest_op(v, &ops[i]);
	exit_guest(v);
	k->put_guest_fpu(v->kvm_vcpu);
	/* (the broken bracket: the vCPU still wants to run) */
	if (!sim_faulty(sim, SIM_FAULT_RUNNING_STUCK))
		k->set_running(v->kvm_vcpu, false);
	sim_ioctl_exit(sim);
}

int sim_run(struct sim_vcpu *v, u32 msr, u64 val)
{
	struct sim_guest_op op = { .write = true, .msr = msr, .data = val };

	sim_run_guest(v, &op, msr ? 1 : 0);
	return op.ret;
}

int sim_stray_guest_rdmsr(struct sim_vcpu *v, u32 msr, u64 *val)
{
	int r;

	sim_ioctl_enter(v->sim, SIM_IOCTL_STRAY, v);
	r = v->sim->kernel->guest_msr(v->kvm_vcpu, false, msr, val, false);
	sim_ioctl_exit(v->sim);
	return r;
}

void sim_stray_load_guest_fpu(struct sim_vcpu *v)
{
	sim_ioctl_enter(v->sim, SIM_IOCTL_STRAY, v);
	v->sim->kernel->load_guest_fpu(v->kvm_vcpu);
	sim_ioctl_exit(v->sim);
}

void sim_stray_put_guest_fpu(struct sim_vcpu *v)
{
	sim_ioctl_enter(v->sim, SIM_IOCTL_STRAY, v);
	v->sim->kernel->put_guest_fpu(v->kvm_vcpu);
	sim_ioctl_exit(v->sim);
}
