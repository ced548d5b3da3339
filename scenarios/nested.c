// SPDX-License-Identifier: GPL-2.0
/*
 * Nested VMX with CET: L1 (the guest) runs L2 from a vmcs12 of its own.
 * Every combination of the load-CET-state controls, L2 changing its CET
 * state, L2's VM-exit, and VMLAUNCHes around each of the CET checks.  The
 * oracle (oracle/nested.c) knows from the SDM (and the APM, for SVM's
 * VMRUN and #VMEXIT) what each must do; KVM_GET_MSRS afterwards must
 * agree.  The CET checks of VM-entry are VMX's only.
 */
#include "scenario.h"
#include "values.h"
#include "nested.h"

/* An address for a 64-bit L1, or its low 32 bits for a 32-bit one. */
static u64 addr(bool lm, u64 a)
{
	return lm ? a : (u32)a;
}

/* L1's CET state before it launches L2 (the @n-th set of values) */
void scn_nested_l1_state(struct sim_vcpu *vcpu, unsigned int cpuid, int n)
{
	bool lm = has(cpuid, SIM_CPUID_LM);
	struct sim_msr_entry e[] = {
		{ SIM_MSR_S_CET, 0, n & 1 ? guest_cet2(cpuid) : guest_cet(cpuid) },
		{ SIM_MSR_INT_SSP_TAB, 0, lm ? guest_ssp(cpuid, 1 + n) : 0 },
	};

	sim_set_msrs(vcpu, e, ARRAY_SIZE(e));
	sim_set_one_reg(vcpu, SIM_MSR_KVM_INTERNAL_GUEST_SSP,
			addr(lm, guest_ssp(cpuid, 2 + n)));
}

/*
 * vmcs12 with L2's and L1's (host) CET values, all valid, for a 64-bit
 * L1 and L2 (@lm) or 32-bit ones (INT_SSP_TAB 0: the MSR exists only in
 * long mode).  The load-CET controls are offered to L1 only where KVM
 * virtualizes CET (else L1 may not set them).
 */
struct sim_vmcs12 scn_vmcs12_of(struct sim_vcpu *vcpu, unsigned int cpuid,
				bool lm, u32 entry, u32 exit)
{
	bool offered = sim_kvm_caps(sim_vcpu_sim(vcpu)) &
		       (SIM_CPUID_SHSTK | SIM_CPUID_IBT);
	struct sim_vmcs12 c = {
		.entry_ctls = (offered ? entry : 0) | (lm ? GUEST64 : 0),
		.exit_ctls = (offered ? exit : 0) | (lm ? HOST64 : 0),
		.guest_s_cet = guest_cet2(cpuid),
		.guest_ssp = addr(lm, guest_ssp(cpuid, 10)),
		.guest_isst = lm ? guest_ssp(cpuid, 11) : 0,
		.host_s_cet = guest_cet(cpuid),
		.host_ssp = addr(lm, guest_ssp(cpuid, 12)),
		.host_isst = lm ? guest_ssp(cpuid, 13) : 0,
	};

	return c;
}

/* After the run: what userspace reads back (L1's state). */
void scn_nested_read_back(struct sim_vcpu *vcpu)
{
	struct sim_msr_entry get[] = {
		{ SIM_MSR_S_CET, 0, 0 }, { SIM_MSR_INT_SSP_TAB, 0, 0 },
		{ SIM_MSR_U_CET, 0, 0 }, { SIM_MSR_PL3_SSP, 0, 0 },
	};
	u64 ssp;

	sim_get_msrs(vcpu, get, ARRAY_SIZE(get));
	sim_get_one_reg(vcpu, SIM_MSR_KVM_INTERNAL_GUEST_SSP, &ssp);
}

/*
 * L1 launches L2 with the entry and exit controls @ctls[i]; L2 writes
 * S_CET, INT_SSP_TAB and U_CET (not switched by VMX) and exits.
 */
static void nested_runs(struct sim_vcpu *vcpu, unsigned int cpuid,
			const u32 (*ctls)[2], unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct sim_vmcs12 c = scn_vmcs12_of(vcpu, cpuid, true, ctls[i][0],
						ctls[i][1]);
		struct sim_guest_op ops[] = {
			RD(SIM_MSR_S_CET),
			{ .nested = SIM_NESTED_VMLAUNCH, .vmcs12 = &c },
			RD(SIM_MSR_S_CET), RD(SIM_MSR_INT_SSP_TAB),
			WR(SIM_MSR_S_CET, i & 1 ? 0 : guest_cet(cpuid)),
			WR(SIM_MSR_INT_SSP_TAB, guest_ssp(cpuid, 7 + i)),
			WR(SIM_MSR_U_CET, guest_cet2(cpuid)),
			{ .nested = SIM_NESTED_VMEXIT, .vmcs12 = &c },
			RD(SIM_MSR_S_CET), RD(SIM_MSR_INT_SSP_TAB),
			RD(SIM_MSR_U_CET),
		};

		scn_nested_l1_state(vcpu, cpuid, i);
		sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
		scn_nested_read_back(vcpu);
	}
}

/*
 * L1 launches L2 again from the vmcb12 it left as it was (SVM: with its
 * clean bits set), then from another one with other values: also clean,
 * but a VMCB the CPU has not run (APM 15.15), so all of it is loaded.
 */
void scn_nested_cet_relaunch(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_vmcs12 c = scn_vmcs12_of(vcpu, cpuid, true, ENTRY_CET, EXIT_CET);
	struct sim_vmcs12 d = c;
	struct sim_guest_op ops[] = {
		{ .nested = SIM_NESTED_VMLAUNCH, .vmcs12 = &c },
		{ .nested = SIM_NESTED_VMEXIT, .vmcs12 = &c },
		{ .nested = SIM_NESTED_VMLAUNCH, .vmcs12 = &c },
		{ .nested = SIM_NESTED_VMEXIT, .vmcs12 = &c },
		{ .nested = SIM_NESTED_VMLAUNCH, .vmcs12 = &d },
		RD(SIM_MSR_S_CET), RD(SIM_MSR_INT_SSP_TAB),
		{ .nested = SIM_NESTED_VMEXIT, .vmcs12 = &d },
	};

	d.vmcb12 = 1;
	d.clean = true;
	d.guest_s_cet = guest_cet(cpuid);
	d.guest_ssp = guest_ssp(cpuid, 14);
	d.guest_isst = guest_ssp(cpuid, 15);
	scn_nested_l1_state(vcpu, cpuid, 0);
	sim_run_guest(vcpu, ops, 2);
	c.clean = true;			/* vmcb12 as L2's exit left it */
	sim_run_guest(vcpu, ops + 2, ARRAY_SIZE(ops) - 2);
	scn_nested_read_back(vcpu);
}

/* Both load-CET controls set, then neither. */
void scn_nested_cet(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	static const u32 ctls[][2] = { { ENTRY_CET, EXIT_CET }, { 0, 0 } };

	nested_runs(vcpu, cpuid, ctls, ARRAY_SIZE(ctls));
}

/* One of the two load-CET controls set, then the other. */
void scn_nested_cet_mixed(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	static const u32 ctls[][2] = { { ENTRY_CET, 0 }, { 0, EXIT_CET } };

	nested_runs(vcpu, cpuid, ctls, ARRAY_SIZE(ctls));
}

struct sim_vmcs12 scn_nested_variant(struct sim_vcpu *vcpu, unsigned int cpuid,
				     bool lm, enum scn_nested_variant k)
{
	struct sim_vmcs12 c = scn_vmcs12_of(vcpu, cpuid, lm, ENTRY_CET, EXIT_CET);

	switch (k) {
	case HOST_S_CET_RESERVED:
		c.host_s_cet |= 1ull << 6;
		break;
	case HOST_S_CET_SUPPRESS_TRACKER:
		c.host_s_cet |= SIM_CET_SUPPRESS | SIM_CET_WAIT_ENDBR;
		break;
	case HOST_SSP_MISALIGNED:
		c.host_ssp |= 2;
		break;
	case HOST_SSP_NONCANONICAL:
		c.host_ssp = noncanonical_ssp(vcpu);
		break;
	case HOST_ISST_NONCANONICAL:
		c.host_isst = noncanonical_ssp(vcpu);
		break;
	case HOST_SSP_ABOVE_4G:
		c.host_ssp = 0x100001000ull;
		break;
	case HOST_ISST_UNALIGNED:
		c.host_isst |= 1;
		break;
	case HOST_BAD_NO_EXIT_CET:
		c = scn_vmcs12_of(vcpu, cpuid, lm, ENTRY_CET, 0);
		c.host_s_cet |= 1ull << 9;
		c.host_ssp |= 1;
		break;
	case GUEST_S_CET_RESERVED:
		c.guest_s_cet |= 1ull << 7;
		break;
	case GUEST_S_CET_RESERVED_NO_EXIT_CET:
		c = scn_vmcs12_of(vcpu, cpuid, lm, ENTRY_CET, 0);
		c.guest_s_cet |= 1ull << 8;
		break;
	case GUEST_SSP_MISALIGNED:
		c.guest_ssp |= 1;
		break;
	case GUEST_SSP_BIT48:
		c.guest_ssp = 0x1000000001000ull;
		break;
	case GUEST_ISST_NONCANONICAL:
		c.guest_isst = noncanonical_ssp(vcpu);
		break;
	case GUEST_ISST_UNALIGNED:
		c.guest_isst |= 2;
		break;
	case GUEST_BAD_NO_ENTRY_CET:
		c = scn_vmcs12_of(vcpu, cpuid, lm, 0, EXIT_CET);
		c.guest_s_cet |= 1ull << 6;
		c.guest_ssp |= 3;
		break;
	default:
		break;
	}
	return c;
}

/*
 * Each variant: L1 launches L2 (which exits at once if it runs), then
 * reads its CET state.  A VMfail changes nothing; a VM-exit for invalid
 * guest state gives L1 its host state, or without "load CET state" on
 * exit keeps its own (KVM 7.x: vmcs12's, a named exception).
 */
static void nested_checks(struct sim_vcpu *vcpu, unsigned int cpuid, bool lm)
{
	int k;

	for (k = 0; k < SCN_NR_NESTED_VARIANTS; k++) {
		struct sim_vmcs12 c = scn_nested_variant(vcpu, cpuid, lm, k);
		bool isst = k == HOST_ISST_NONCANONICAL ||
			    k == HOST_ISST_UNALIGNED ||
			    k == GUEST_ISST_NONCANONICAL ||
			    k == GUEST_ISST_UNALIGNED;
		struct sim_guest_op ops[] = {
			{ .nested = SIM_NESTED_VMLAUNCH, .vmcs12 = &c },
			{ .nested = SIM_NESTED_VMEXIT, .vmcs12 = &c },
			RD(SIM_MSR_S_CET), RD(SIM_MSR_INT_SSP_TAB),
		};

		if (isst && !lm)
			continue;
		scn_nested_l1_state(vcpu, cpuid, k);
		sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
		scn_nested_read_back(vcpu);
	}
}

void scn_nested_cet_checks(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	nested_checks(vcpu, cpuid, true);
}

/* The same from a 32-bit L1 (no long mode): a 32-bit host state. */
void scn_nested_cet_checks32(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	sim_set_cpuid(vcpu, cpuid & ~SIM_CPUID_LM);
	nested_checks(vcpu, cpuid & ~SIM_CPUID_LM, false);
}
