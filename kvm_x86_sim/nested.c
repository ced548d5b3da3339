// SPDX-License-Identifier: GPL-2.0
/*
 * Nested VMX: L1 runs L2 with a VMCS of its own (vmcs12) that KVM turns
 * into vmcs02, the VMCS the CPU really runs L2 on.  The CPU side is the
 * simulator's: which VMCS is current (vmx_switch_vmcs()), the hardware
 * VM-exit of L1's VMLAUNCH and of L2, and the VM-entries after them.
 * What moves CET state between vmcs12, vmcs02 and vmcs01 is the tree's
 * own code, entered through the glue (kernel->nested_vmx).
 */
#include "sim_internal.h"

/* The CET guest-state fields a VMCS holds (the host fields are shared). */
static const int vmcs_cet_slots[] = { SIM_SLOT_S_CET, SIM_SLOT_INT_SSP_TAB };

void sim_hw_switch_vmcs(struct sim_vcpu *v, bool l2, const char *file,
			int line)
{
	struct sim_val tmp, which = { .v = l2, .vcpu = v->id };
	unsigned int i;

	if (v->vmcs02_current != l2) {
		for (i = 0; i < ARRAY_SIZE(vmcs_cet_slots); i++) {
			int s = vmcs_cet_slots[i];

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
		  l2 ? "vmx_switch_vmcs(vmcs02)" : "vmx_switch_vmcs(vmcs01)");
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

	if (sim->vendor != SIM_VMX || !op->vmcs12 || launch == v->in_l2)
		return SIM_NESTED_UNSUPPORTED;	/* wrong driving */
	sim_trace(sim, SIM_EV_NESTED, op->nested, none, __FILE__, __LINE__,
		  launch ? "L1 VMLAUNCH (vmcs12 -> vmcs02)" :
			   "L2 VM-exit to L1 (vmcs02 -> vmcs12, vmcs01)");
	r = sim->kernel->nested_vmx(v->kvm_vcpu, op->nested, op->vmcs12);
	v->in_l2 = launch && r == SIM_NESTED_ENTERED;
	return r;
}
