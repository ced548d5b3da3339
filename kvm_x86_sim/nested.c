// SPDX-License-Identifier: GPL-2.0
/*
 * Nested virtualization: L1 runs L2 with a VMCS (VMCB) of its own, vmcs12
 * (vmcb12), that KVM turns into vmcs02 (vmcb02), what the CPU really runs
 * L2 on.  The CPU side is the simulator's: which VMCS/VMCB is current
 * (vmx_switch_vmcs(), svm_switch_vmcb()), the hardware VM-exit of L1's
 * VMLAUNCH/VMRUN and of L2, and the VM-entries after them.  What moves
 * CET state between vmcs12, vmcs02 and vmcs01 (vmcb12, vmcb02) is the
 * tree's own code, entered through the glue (kernel->nested).
 */
#include "sim_internal.h"

void sim_hw_switch_vmcs(struct sim_vcpu *v, bool l2, const char *file,
			int line)
{
	struct sim_val tmp, which = { .v = l2, .vcpu = v->id };
	unsigned int i;

	/*
	 * SVM: svm_switch_vmcb() points svm->vmcb elsewhere; the fields are
	 * in the kernel's VMCBs, which the next VMRUN reads (sync_vmcb()).
	 */
	if (v->sim->vendor == SIM_SVM) {
		v->vmcs02_current = l2;
	} else if (v->vmcs02_current != l2) {
		/* the guest CET fields move; host fields and controls are shared */
		for (i = 0; i < SIM_NR_CET_STATE_SLOTS; i++) {
			int s = sim_cet_state_slots[i];

			tmp = v->vmcs[s];
			v->vmcs[s] = v->parked[s];
			v->parked[s] = tmp;
		}
		tmp = v->guest_ssp;
		v->guest_ssp = v->parked_ssp;
		v->parked_ssp = tmp;
		v->vmcs02_current = l2;
	}
	sim_trace(v->sim, SIM_EV_VMCS_SWITCH, 0, which, file, line,
		  l2 ? "switch to vmcs02/vmcb02" : "switch to vmcs01/vmcb01");
}

/*
 * L1's VMLAUNCH or L2's VM-exit to L1, after the hardware VM-exit to
 * KVM: the tree's code handles it.  Returns the guest op's result.
 */
int sim_nested(struct sim_vcpu *v, struct sim_guest_op *op)
{
	struct sim *sim = v->sim;
	struct sim_val none = { .vcpu = v->id };
	bool launch = op->nested == SIM_NESTED_VMLAUNCH;
	int r;

	if (!op->vmcs12 || launch == v->in_l2)
		return SIM_NESTED_UNSUPPORTED;	/* wrong driving */
	sim_trace(sim, SIM_EV_NESTED, op->nested, none, __FILE__, __LINE__,
		  launch ? "L1 VMLAUNCH/VMRUN (vmcs12/vmcb12 -> L2)" :
			   "L2 VM-exit to L1 (-> vmcs12/vmcb12, L1)");
	r = sim->kernel->nested(v->kvm_vcpu, sim->vendor == SIM_SVM,
				op->nested, op->vmcs12);
	v->in_l2 = launch && r == SIM_NESTED_ENTERED;
	return r;
}

/* SIM_FAULT_NESTED_STATE_LOST: the state's data reads as zeroes */
static void lose_data(struct sim_nested_state *ns)
{
	u32 flags = ns->flags;

	memset(ns, 0, sizeof(*ns));
	ns->flags = flags;
}

static int nested_state_ioctl(struct sim_vcpu *v, bool set,
			      struct sim_nested_state *user)
{
	struct sim *sim = v->sim;
	bool svm = sim->vendor == SIM_SVM;
	struct sim_nested_state k = *user;	/* KVM's copy */
	struct sim_nested_state_io io = { .vcpu = v, .set = set };
	int ret;

	if (!(sim->tree_caps & (svm ? SIM_NEED_NESTED_STATE_SVM :
				      SIM_NEED_NESTED_STATE_VMX)) ||
	    (set && v->in_l2))
		return SIM_NESTED_UNSUPPORTED;
	if (set && sim_faulty(sim, SIM_FAULT_NESTED_STATE_LOST))
		lose_data(&k);
	sim_ioctl_enter(sim, set ? SIM_IOCTL_SET_NESTED_STATE :
				   SIM_IOCTL_GET_NESTED_STATE, v);
	ret = sim->kernel->nested_state(v->kvm_vcpu, svm, set, &k);
	sim_ioctl_exit(sim);
	if (!set) {
		if (sim_faulty(sim, SIM_FAULT_NESTED_STATE_LOST))
			lose_data(&k);
		*user = k;
		io.out = user;
	} else {
		io.in = user;
		if (!ret && (user->flags & SIM_NESTED_STATE_GUEST_MODE))
			v->in_l2 = true;
	}
	io.ret = ret;
	sim_notify_nested_state(sim, &io);
	return ret;
}

int sim_get_nested_state(struct sim_vcpu *v, struct sim_nested_state *ns)
{
	return nested_state_ioctl(v, false, ns);
}

int sim_set_nested_state(struct sim_vcpu *v, const struct sim_nested_state *ns)
{
	struct sim_nested_state copy = *ns;

	return nested_state_ioctl(v, true, &copy);
}
