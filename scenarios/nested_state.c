// SPDX-License-Identifier: GPL-2.0
/*
 * Migration of a vCPU that runs L2: a VMM saves it with KVM_GET_MSRS,
 * KVM_GET_ONE_REG (the guest SSP) and KVM_GET_NESTED_STATE, and restores
 * it with KVM_SET_NESTED_STATE before or after KVM_SET_MSRS (VMMs
 * differ).  The restored vCPU must continue as the source does: L2 with
 * its CET state, L1 with its own after L2's VM-exit.  The oracle judges
 * each saved state and each restore (oracle/nested.c); the scenario also
 * compares what L1 ends with on the source and the destinations.
 */
#include "scenario.h"
#include "values.h"
#include "nested.h"

#define NR_SAVED	3

struct saved_vcpu {
	struct sim_msr_entry msrs[NR_SAVED];
	u64 ssp;
	struct sim_nested_state ns;
};

/* KVM_GET_MSRS of S_CET, INT_SSP_TAB, U_CET (zeroes where it stops) */
static void get_cet(struct sim_vcpu *vcpu, struct sim_msr_entry *e, u64 *ssp)
{
	static const u32 msrs[NR_SAVED] = {
		SIM_MSR_S_CET, SIM_MSR_INT_SSP_TAB, SIM_MSR_U_CET,
	};
	unsigned int i;

	for (i = 0; i < NR_SAVED; i++) {
		e[i].index = msrs[i];
		e[i].reserved = 0;
		e[i].data = 0;
	}
	sim_get_msrs(vcpu, e, NR_SAVED);
	*ssp = 0;
	sim_get_one_reg(vcpu, SIM_MSR_KVM_INTERNAL_GUEST_SSP, ssp);
}

/* @dst (in L1) restored from @s, the nested state first or last */
static void restore(struct sim_vcpu *dst, struct saved_vcpu *s,
		    bool nested_first)
{
	if (nested_first)
		sim_set_nested_state(dst, &s->ns);
	sim_set_msrs(dst, s->msrs, NR_SAVED);
	sim_set_one_reg(dst, SIM_MSR_KVM_INTERNAL_GUEST_SSP, s->ssp);
	if (!nested_first)
		sim_set_nested_state(dst, &s->ns);
}

/*
 * L2 goes on: reads its CET state, exits to L1 (vmcs12 @c as L1 set it
 * up), L1 reads its own; then userspace's view of L1's state in @end.
 */
static void continue_l2(struct sim_vcpu *vcpu, struct sim_vmcs12 c,
			struct saved_vcpu *end)
{
	struct sim_guest_op ops[] = {
		RD(SIM_MSR_S_CET), RD(SIM_MSR_INT_SSP_TAB),
		{ .nested = SIM_NESTED_VMEXIT, .vmcs12 = &c },
		RD(SIM_MSR_S_CET), RD(SIM_MSR_INT_SSP_TAB),
	};

	sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
	get_cet(vcpu, end->msrs, &end->ssp);
}

static void same_l1(struct sim_vcpu *src, const struct saved_vcpu *want,
		    const struct saved_vcpu *got, const char *order)
{
	unsigned int i;

	for (i = 0; i < NR_SAVED; i++)
		oracle_expect(sim_vcpu_sim(src),
			      got->msrs[i].data == want->msrs[i].data,
			      SIM_INV_HOST_INTEGRITY,
			      "after L2's exit, migrated L1's MSR %#x (KVM_SET_NESTED_STATE %s) reads %#llx, the source's %#llx",
			      want->msrs[i].index, order,
			      (unsigned long long)got->msrs[i].data,
			      (unsigned long long)want->msrs[i].data);
	oracle_expect(sim_vcpu_sim(src), got->ssp == want->ssp,
		      SIM_INV_HOST_INTEGRITY,
		      "after L2's exit, migrated L1's SSP (KVM_SET_NESTED_STATE %s) is %#llx, the source's %#llx",
		      order, (unsigned long long)got->ssp,
		      (unsigned long long)want->ssp);
}

/*
 * For each pair of load-CET controls: L1 launches L2, which changes its
 * S_CET and INT_SSP_TAB; the vCPU is saved and restored onto two others
 * (one per order); all three go on.
 */
void scn_nested_migrate(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	static const u32 ctls[][2] = {
		{ ENTRY_CET, EXIT_CET }, { 0, 0 }, { ENTRY_CET, 0 },
	};
	struct sim *sim = sim_vcpu_sim(vcpu);
	struct sim_vcpu *a = sim_vcpu_create(sim), *b = sim_vcpu_create(sim);
	struct saved_vcpu s, end_src, end_a, end_b;
	unsigned int i;

	if (!a || !b)
		return;
	sim_set_cpuid(a, cpuid);
	sim_set_cpuid(b, cpuid);
	for (i = 0; i < ARRAY_SIZE(ctls); i++) {
		struct sim_vmcs12 c = scn_vmcs12_of(vcpu, cpuid, true,
						    ctls[i][0], ctls[i][1]);
		struct sim_guest_op ops[] = {
			{ .nested = SIM_NESTED_VMLAUNCH, .vmcs12 = &c },
			WR(SIM_MSR_S_CET, i & 1 ? 0 : guest_cet(cpuid)),
			WR(SIM_MSR_INT_SSP_TAB, guest_ssp(cpuid, 7 + i)),
		};

		scn_nested_l1_state(vcpu, cpuid, i);
		sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
		get_cet(vcpu, s.msrs, &s.ssp);
		memset(&s.ns, 0, sizeof(s.ns));
		sim_get_nested_state(vcpu, &s.ns);
		restore(a, &s, true);
		restore(b, &s, false);
		continue_l2(vcpu, c, &end_src);
		continue_l2(a, c, &end_a);
		continue_l2(b, c, &end_b);
		same_l1(vcpu, &end_src, &end_a, "first");
		same_l1(vcpu, &end_src, &end_b, "last");
	}
}

/*
 * VMX: the state a VMM saves when KVM_RUN returned right after KVM
 * emulated L1's VMLAUNCH, before L2 ran (nested run pending): KVM_GET_MSRS
 * then gives L2's state, vmcs12's if its entry loads CET state, else
 * L1's.  Restored in both orders, L2 must start with that state (and
 * KVM_SET_CPUID2 in guest mode, before any KVM_RUN, is refused).
 */
void scn_nested_restore_pending(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	static const u32 ctls[][2] = {
		{ ENTRY_CET, EXIT_CET }, { 0, 0 }, { ENTRY_CET, 0 },
		{ 0, EXIT_CET },
	};
	struct sim_vcpu *b = sim_vcpu_create(sim_vcpu_sim(vcpu));
	struct saved_vcpu s, end;
	unsigned int i;

	if (!b)
		return;
	sim_set_cpuid(b, cpuid);
	for (i = 0; i < ARRAY_SIZE(ctls); i++) {
		struct sim_vmcs12 c = scn_vmcs12_of(vcpu, cpuid, true,
						    ctls[i][0], ctls[i][1]);

		scn_nested_l1_state(vcpu, cpuid, i);
		get_cet(vcpu, s.msrs, &s.ssp);
		if (c.entry_ctls & ENTRY_CET) {
			s.msrs[0].data = c.guest_s_cet;
			s.msrs[1].data = c.guest_isst;
			s.ssp = c.guest_ssp;
		}
		s.ns = (struct sim_nested_state) {
			.flags = SIM_NESTED_STATE_GUEST_MODE |
				 SIM_NESTED_STATE_RUN_PENDING,
			.vmcs12 = c,
		};
		restore(vcpu, &s, true);
		continue_l2(vcpu, c, &end);
		restore(b, &s, false);
		/* in L2 before its first KVM_RUN: the vCPU model is frozen */
		if (!i)
			sim_set_cpuid(b, cpuid ^ SIM_CPUID_LM);
		continue_l2(b, c, &end);
	}
}

/*
 * VMX: KVM_SET_NESTED_STATE of vmcs12s around each CET check of
 * VM-entry, with the VM-entry pending and done: one the checks refuse is
 * refused (EINVAL) and the vCPU stays in L1; one they take puts it in L2,
 * which then exits.
 */
void scn_nested_restore_checks(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	int k;

	for (k = 0; k < SCN_NR_NESTED_VARIANTS; k++) {
		struct sim_nested_state ns = {
			.flags = SIM_NESTED_STATE_GUEST_MODE |
				 (k & 1 ? SIM_NESTED_STATE_RUN_PENDING : 0),
			.vmcs12 = scn_nested_variant(vcpu, cpuid, true, k),
		};
		struct sim_guest_op ops[] = {
			RD(SIM_MSR_S_CET),
			{ .nested = SIM_NESTED_VMEXIT, .vmcs12 = &ns.vmcs12 },
		};

		scn_nested_l1_state(vcpu, cpuid, k);
		if (!sim_set_nested_state(vcpu, &ns))
			sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
		scn_nested_read_back(vcpu);
	}
}

/*
 * One migration as a generated program makes it (@how: SCN_NS_*): L1 on
 * @src launches L2 from @c and the VMM moves the vCPU to @dst (in L1),
 * the nested state first or last; or (SCN_NS_MADE) the VMM restores into
 * @dst a state of its own making from @c (VMX: vmcs12, L1's VMLAUNCH
 * pending or not; SVM: L1's saved state = @c's host fields).  Then each
 * L2 exits to L1.  @src may be @dst: it exits before the restore.
 */
void scn_nested_state_step(struct sim_vcpu *src, struct sim_vcpu *dst,
			   struct sim_vmcs12 c, unsigned int how)
{
	struct sim_guest_op launch = {
		.nested = SIM_NESTED_VMLAUNCH, .vmcs12 = &c,
	};
	struct saved_vcpu s, end;

	memset(&s, 0, sizeof(s));
	if (how & SCN_NS_MADE) {
		get_cet(dst, s.msrs, &s.ssp);
		s.ns.flags = SIM_NESTED_STATE_GUEST_MODE |
			     (how & SCN_NS_PENDING ?
			      SIM_NESTED_STATE_RUN_PENDING : 0);
		s.ns.vmcs12 = c;
		s.ns.l1_s_cet = c.host_s_cet;
		s.ns.l1_ssp = c.host_ssp;
		s.ns.l1_isst = c.host_isst;
	} else {
		struct sim_vmcs12 l1 = c;

		sim_run_guest(src, &launch, 1);
		if (launch.ret != SIM_NESTED_ENTERED)
			return;
		get_cet(src, s.msrs, &s.ssp);
		sim_get_nested_state(src, &s.ns);
		continue_l2(src, l1, &end);
	}
	restore(dst, &s, !(how & SCN_NS_NESTED_LAST));
	continue_l2(dst, c, &end);
}
