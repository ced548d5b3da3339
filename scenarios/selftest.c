// SPDX-License-Identifier: GPL-2.0
/*
 * Parity with KVM's own selftest, tools/testing/selftests/kvm/x86/msrs_test.c:
 * its checks of the CET MSRs and of KVM_REG_GUEST_SSP, re-expressed on the
 * simulated machine and asserted exactly (oracle_expect()), on any box and
 * both vendors.  The table below holds one row per entry of the selftest's
 * msrs[] for these registers, written by us from what the selftest checks;
 * tests/selftest/check_parity.py reads the selftest of the tree under test
 * at run time and fails if it has an entry this table lacks, printing the
 * line each row mirrors.
 */
#include "scenario.h"
#include "values.h"

/* the selftest's values (its canonical_val, and NONCANONICAL) */
#define ST_CANONICAL	0x0000123456789000ull
#define ST_NONCANONICAL	0xaaaaaaaaaaaaaaaaull

const struct sim_selftest_msr sim_selftest_msrs[] = {
	{ "MSR_TEST2", "MSR_IA32_S_CET", "CET_SHSTK_EN", SIM_MSR_S_CET,
	  SIM_CET_SHSTK_EN, SIM_CET_RESERVED, SIM_CPUID_SHSTK, SIM_CPUID_IBT },
	{ "MSR_TEST2", "MSR_IA32_S_CET", "CET_ENDBR_EN", SIM_MSR_S_CET,
	  SIM_CET_ENDBR_EN, SIM_CET_RESERVED, SIM_CPUID_IBT, SIM_CPUID_SHSTK },
	{ "MSR_TEST2", "MSR_IA32_U_CET", "CET_SHSTK_EN", SIM_MSR_U_CET,
	  SIM_CET_SHSTK_EN, SIM_CET_RESERVED, SIM_CPUID_SHSTK, SIM_CPUID_IBT },
	{ "MSR_TEST2", "MSR_IA32_U_CET", "CET_ENDBR_EN", SIM_MSR_U_CET,
	  SIM_CET_ENDBR_EN, SIM_CET_RESERVED, SIM_CPUID_IBT, SIM_CPUID_SHSTK },
#define SSP_ROWS(n)							\
	{ "MSR_TEST_CANONICAL", "MSR_IA32_PL" #n "_SSP", "SHSTK",	\
	  SIM_MSR_PL0_SSP + (n), ST_CANONICAL, ST_NONCANONICAL,		\
	  SIM_CPUID_SHSTK, SIM_CPUID_SHSTK },				\
	{ "MSR_TEST", "MSR_IA32_PL" #n "_SSP", "canonical_val",	\
	  SIM_MSR_PL0_SSP + (n), ST_CANONICAL, ST_CANONICAL | 1,	\
	  SIM_CPUID_SHSTK, SIM_CPUID_SHSTK }
	SSP_ROWS(0), SSP_ROWS(1), SSP_ROWS(2), SSP_ROWS(3),
	{ "MSR_TEST_KVM", "GUEST_SSP", "canonical_val",
	  SIM_MSR_KVM_INTERNAL_GUEST_SSP, ST_CANONICAL, ST_NONCANONICAL,
	  SIM_CPUID_SHSTK, SIM_CPUID_SHSTK },
};

const unsigned int sim_nr_selftest_msrs = ARRAY_SIZE(sim_selftest_msrs);

#define EXPECT(sim, ok, inv, t, fmt, ...)				\
	oracle_expect(sim, ok, SIM_INV_##inv, "msrs_test %s(%s, %s): " fmt, \
		      (t)->kind, (t)->name, (t)->token, ##__VA_ARGS__)

/* host_test_msr(): KVM_GET_MSRS sees the guest's value, SET then GET */
static void host_test_msr(struct sim_vcpu *v, const struct sim_selftest_msr *t,
			  u64 guest_val, bool one_reg)
{
	struct sim *sim = sim_vcpu_sim(v);
	struct sim_msr_entry e = { t->msr, 0, 0x5a5a };
	u64 val = 0x5a5a;

	if (!(sim_kvm_caps(sim) & t->feat))
		return;
	sim_get_msrs(v, &e, 1);
	EXPECT(sim, e.data == guest_val, HOST_INTEGRITY, t,
	       "get_msr got %#llx, wanted %#llx", (unsigned long long)e.data,
	       (unsigned long long)guest_val);
	if (one_reg) {
		EXPECT(sim, !sim_set_one_reg(v, t->msr, 0), ONE_REG, t,
		       "set_reg(reset) failed");
	} else {
		e.data = 0;
		EXPECT(sim, sim_set_msrs(v, &e, 1) == 1, HOST_INTEGRITY, t,
		       "set_msr(reset) failed");
	}
	e.data = 0x5a5a;
	sim_get_msrs(v, &e, 1);
	EXPECT(sim, e.data == 0, HOST_INTEGRITY, t,
	       "get_msr after reset got %#llx", (unsigned long long)e.data);
	sim_get_one_reg(v, t->msr, &val);
	EXPECT(sim, val == 0, ONE_REG, t, "get_reg after reset got %#llx",
	       (unsigned long long)val);
}

/* guest_main() for one MSR on one vCPU, each GUEST_SYNC a host check */
static void guest_test(struct sim_vcpu *v, unsigned int cpuid,
		       const struct sim_selftest_msr *t, bool one_reg)
{
	struct sim *sim = sim_vcpu_sim(v);
	bool feat = has(cpuid, t->feat), feat2 = has(cpuid, t->feat2);
	bool cet = t->msr == SIM_MSR_U_CET || t->msr == SIM_MSR_S_CET;
	struct sim_guest_op sup[] = {
		RD(t->msr), WR(t->msr, t->write), RD(t->msr),
	};
	struct sim_guest_op rd = RD(t->msr), wr = WR(t->msr, t->write);
	struct sim_guest_op rsvd = WR(t->msr, t->rsvd);

	if (feat) {
		sim_run_guest(v, sup, ARRAY_SIZE(sup));
		EXPECT(sim, !sup[0].ret && sup[0].data == 0, HOST_INTEGRITY,
		       t, "guest RDMSR at reset: ret %d val %#llx", sup[0].ret,
		       (unsigned long long)sup[0].data);
		EXPECT(sim, !sup[1].ret, VALIDITY, t, "guest WRMSR #GP");
		EXPECT(sim, !sup[2].ret && sup[2].data == t->write,
		       HOST_INTEGRITY, t, "guest RDMSR after WRMSR got %#llx",
		       (unsigned long long)sup[2].data);
		host_test_msr(v, t, t->write, one_reg);
		sim_run_guest(v, &rd, 1);
		EXPECT(sim, !rd.ret && rd.data == 0, HOST_INTEGRITY, t,
		       "guest RDMSR after the host's reset got %#llx",
		       (unsigned long long)rd.data);
	} else {
		if (!feat2) {
			sim_run_guest(v, &rd, 1);
			EXPECT(sim, rd.ret, CPUID_GATING, t,
			       "guest RDMSR without the feature: no #GP");
		}
		if (!feat2 || cet) {
			sim_run_guest(v, &wr, 1);
			EXPECT(sim, wr.ret, CPUID_GATING, t,
			       "guest WRMSR without the feature: no #GP");
		}
		host_test_msr(v, t, 0, one_reg);
	}
	if ((!feat && !feat2) || t->rsvd) {
		sim_run_guest(v, &rsvd, 1);
		EXPECT(sim, rsvd.ret, VALIDITY, t,
		       "guest WRMSR of reserved %#llx: no #GP",
		       (unsigned long long)t->rsvd);
	}
	host_test_msr(v, t, 0, one_reg);
}

/* host_test_kvm_reg(): KVM_REG_GUEST_SSP through ONE_REG and REG_LIST */
static void host_test_kvm_reg(struct sim_vcpu *v, unsigned int cpuid,
			      const struct sim_selftest_msr *t)
{
	struct sim *sim = sim_vcpu_sim(v);
	bool has_reg = has(cpuid, t->feat);
	u64 n = 1, regs[1] = { 0 }, val = 0x5a5a;

	sim_get_reg_list(v, &n, regs);
	EXPECT(sim, (n == 1 && regs[0] == SIM_REG_GUEST_SSP_ID) == has_reg,
	       ONE_REG, t, "KVM_GET_REG_LIST lists %llu reg(s)",
	       (unsigned long long)n);
	if (!has_reg) {
		EXPECT(sim, sim_get_one_reg(v, t->msr, &val) == -SIM_EINVAL,
		       ONE_REG, t, "get_reg without SHSTK: not EINVAL");
		EXPECT(sim, sim_set_one_reg(v, t->msr, 0), ONE_REG, t,
		       "set_reg(0) without SHSTK succeeded");
		return;
	}
	sim_get_one_reg(v, t->msr, &val);
	EXPECT(sim, val == 0, ONE_REG, t, "get_reg at reset got %#llx",
	       (unsigned long long)val);
	sim_set_one_reg(v, t->msr, t->write);
	sim_get_one_reg(v, t->msr, &val);
	EXPECT(sim, val == t->write, ONE_REG, t, "get_reg got %#llx",
	       (unsigned long long)val);
	EXPECT(sim, sim_set_one_reg(v, t->msr, t->rsvd), VALIDITY, t,
	       "set_reg(%#llx) succeeded", (unsigned long long)t->rsvd);
	sim_set_one_reg(v, t->msr, 0);
}

/*
 * test_msrs(), once with KVM_SET_MSRS (pass 0), once with ONE_REG (pass
 * 1): two vCPUs with every feature KVM supports (the case's CPUID,
 * .host_cpuid) and one with the CET features cleared.  The selftest runs
 * both passes on the same vCPUs; each row leaves its MSR as it found it,
 * so each pass is a scenario of its own here.
 */
static void selftest_pass(struct sim_vcpu *vcpu, unsigned int cpuid,
			  unsigned int pass)
{
	struct sim *sim = sim_vcpu_sim(vcpu);
	struct sim_vcpu *v[3] = { vcpu, sim_vcpu_create(sim),
				  sim_vcpu_create(sim) };
	unsigned int c[3] = { cpuid, cpuid,
			      cpuid & ~(SIM_CPUID_SHSTK | SIM_CPUID_IBT) };
	unsigned int i, k;

	if (!v[1] || !v[2])
		return;
	sim_set_cpuid(v[1], c[1]);
	sim_set_cpuid(v[2], c[2]);
	for (i = 0; i < sim_nr_selftest_msrs; i++) {
		const struct sim_selftest_msr *t = &sim_selftest_msrs[i];

		for (k = 0; k < 3; k++) {
			if (t->msr == SIM_MSR_KVM_INTERNAL_GUEST_SSP)
				host_test_kvm_reg(v[k], c[k], t);
			else
				guest_test(v[k], c[k], t, pass);
		}
	}
}

void scn_selftest_msrs(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	selftest_pass(vcpu, cpuid, 0);
}

void scn_selftest_one_reg(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	selftest_pass(vcpu, cpuid, 1);
}
