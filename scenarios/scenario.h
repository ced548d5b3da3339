/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scenarios are written once, here, and run by two thin runners: cmocka
 * under ctest (runner/) and KUnit under kunit.py (kunit/).  A
 * scenario drives the simulated machine through the public API; the oracle
 * judges.  A case is one scenario on one vendor with one guest CPUID.
 */
#ifndef KVM_X86_SIM_SCENARIO_H
#define KVM_X86_SIM_SCENARIO_H

#include "kvm_x86_sim/sim.h"
#include "kvm_x86_sim/kernel.h"
#include "oracle.h"

/* Guest CPUID combinations, all with long mode. */
enum sim_cpuid_combo {
	SIM_COMBO_NONE,
	SIM_COMBO_IBT,
	SIM_COMBO_SHSTK,
	SIM_COMBO_BOTH,
	SIM_NR_COMBOS,
};
#define SIM_COMBOS_ALL		0xfu
#define SIM_COMBOS_SHSTK	((1u << SIM_COMBO_SHSTK) | (1u << SIM_COMBO_BOTH))
#define SIM_COMBOS_IBT		((1u << SIM_COMBO_IBT) | (1u << SIM_COMBO_BOTH))

struct sim_scenario {
	const char *name;
	const char *summary;
	unsigned int needs;	/* SIM_NEED_*: else SKIP with the reason */
	unsigned int faults;	/* SIM_FAULT_*: deliberately broken pieces */
	/*
	 * SIM_INV_BIT()s the oracle must report: nonzero makes the scenario
	 * one that proves those invariants can fail (a "breaks" scenario).
	 */
	unsigned int expect;
	/* the one invariant a "breaks" scenario is there to show can fail */
	unsigned int proves;
	unsigned int combos;	/* bit per enum sim_cpuid_combo */
	unsigned int hosts;	/* bit per enum sim_host; 0: the CET host */
	/* bit per enum sim_vendor; 0: both (VMX's VM-entry checks: VMX) */
	unsigned int vendors;
	bool no_cpuid;		/* run before KVM_SET_CPUID2 */
	/* the vCPU gets every CET feature KVM supports (selftests do) */
	bool host_cpuid;
	/*
	 * Thousands of primitive calls taking paths shorter scenarios take
	 * too: explored only when asked for (--all), and why.
	 */
	const char *long_run;
	void (*run)(struct sim_vcpu *vcpu, unsigned int cpuid);
};

/*
 * The scenario bodies: holds.c (invariants hold), edge.c (values from the
 * architectural rules), breaks.c (invariants fail).
 */
void scn_xstate_batch(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_scet_only(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_mid_batch_failure(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_device_ioctl(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_one_reg(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_validity(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_before_cpuid(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_plain_msrs(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_guest_run(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_between_runs(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_batch_limit(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_two_vcpus(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_guest_msrs(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_guest_no_lm(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_guest_no_xsaves(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_guest_xss(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_init_in_run(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_ignore_msrs(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_cpuid_frozen(struct sim_vcpu *vcpu, unsigned int cpuid);
/* nested.c */
void scn_nested_cet(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_nested_cet_mixed(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_nested_cet_relaunch(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_nested_cet_checks(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_nested_cet_checks32(struct sim_vcpu *vcpu, unsigned int cpuid);
/* nested_state.c */
void scn_nested_migrate(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_nested_restore_pending(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_nested_restore_checks(struct sim_vcpu *vcpu, unsigned int cpuid);
/* a generated program's migration step (SCN_NS_*: how) */
enum { SCN_NS_NESTED_LAST = 1, SCN_NS_MADE = 2, SCN_NS_PENDING = 4 };
void scn_nested_state_step(struct sim_vcpu *src, struct sim_vcpu *dst,
			   struct sim_vmcs12 c, unsigned int how);
void scn_msr_index_list(struct sim_vcpu *vcpu, unsigned int cpuid);
/* smm.c */
void scn_smm_ssp(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_xcr0(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_pkru(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_cpuid_0xd(struct sim_vcpu *vcpu, unsigned int cpuid);
/* holds.c: the guest's CET MSRs as userspace restores them */
void scn_restore_guest_state(struct sim_vcpu *vcpu, unsigned int cpuid);
/* reset.c: INIT and RESET outside KVM_RUN */
void scn_init_mp_state(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_init_running_stuck(struct sim_vcpu *vcpu, unsigned int cpuid);
/* xfd.c: the XFD family */
void scn_xfd(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_xfd_err_lost(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_xcrs(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_cpuid_not_updated(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_xsetbv_dropped(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_rdpkru_reads_zero(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_xcr0_all_supported(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_smram_ssp_lost(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_nested_smm(struct sim_vcpu *vcpu, unsigned int cpuid);
/* xsave.c */
void scn_xsave_migrate(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_xsave_reject(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_xsave_drops_cet(struct sim_vcpu *vcpu, unsigned int cpuid);
/*
 * Spoil an XSAVE buffer (from KVM_GET_XSAVE2) the way @kind says (0: not
 * at all, then a CET component in XSTATE_BV, ...; below
 * SIM_NR_XSAVE_SPOILS) for KVM_SET_XSAVE to refuse
 */
#define SIM_NR_XSAVE_SPOILS	8
void scn_xsave_spoil(u8 *buf, unsigned int kind);
void brk_xsave_live(struct sim_vcpu *vcpu, unsigned int cpuid);
#define SCN_EDGE_DECL(N, n, msr, fam, xf, gate, field, rule)		\
	void scn_edge_##n(struct sim_vcpu *vcpu, unsigned int cpuid);
SIM_FAMILY_CET_ROWS(SCN_EDGE_DECL)
void scn_edge_guest_ssp(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_stray_load(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_stray_guest_rdmsr(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_stray_put(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_set_u_cet(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_device_u_cet(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_one_reg_u_cet(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_ssp_without_shstk(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_failed_read(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_noncanonical_ssp(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_guest_as_host(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_guest_write_lost(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_guest_noncanonical(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_run_once(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_guest_xss_lost(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_init_keeps_state(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_one_reg_errno(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_ignore_msrs_lost(struct sim_vcpu *vcpu, unsigned int cpuid);
void brk_msr_list(struct sim_vcpu *vcpu, unsigned int cpuid);

/*
 * edge.c: the values of U_CET/S_CET (for a guest CPUID) or of an SSP-like
 * MSR the architectural rules single out; at most SIM_MAX_EDGE_VALUES.
 */
#define SIM_MAX_EDGE_VALUES	96
unsigned int sim_edge_values(u32 msr, unsigned int cpuid, u64 *v);

/* selftest.c: the rows of KVM's msrs_test.c it mirrors */
struct sim_selftest_msr {
	const char *kind;	/* the selftest's macro, e.g. "MSR_TEST2" */
	const char *name;	/* its register, e.g. "MSR_IA32_S_CET" */
	const char *token;	/* its value's first token */
	u32 msr;
	u64 write, rsvd;
	unsigned int feat, feat2;	/* SIM_CPUID_* */
};
extern const struct sim_selftest_msr sim_selftest_msrs[];
extern const unsigned int sim_nr_selftest_msrs;
void scn_selftest_msrs(struct sim_vcpu *vcpu, unsigned int cpuid);
void scn_selftest_one_reg(struct sim_vcpu *vcpu, unsigned int cpuid);

extern const struct sim_scenario sim_scenarios[];

/* Does @s prove an invariant can fail (rather than show it holds)? */
static inline bool sim_scenario_breaks(const struct sim_scenario *s)
{
	return s->expect != 0;
}
extern const unsigned int sim_nr_scenarios;

struct sim_case {
	const struct sim_scenario *scenario;
	enum sim_vendor vendor;
	enum sim_host host;
	enum sim_cpuid_combo combo;
	char name[96];
};

enum sim_case_result { SIM_CASE_PASS, SIM_CASE_FAIL, SIM_CASE_SKIP };

/* Print every case's full event trace, not only violations' (--trace). */
extern bool sim_case_trace;
/* SIM_FAULT_*s added to every case's (--faults): broken on purpose. */
extern unsigned int sim_case_faults;
/* The tree the glue was compiled with (stubs/glue.c, one per tree). */
extern const struct sim_kernel sim_tree_kernel;
/* The tree the cases run on (default: the glue's sim_tree_kernel). */
extern const struct sim_kernel *sim_case_kernel;

unsigned int sim_combo_cpuid(enum sim_cpuid_combo combo);
/* The names of the invariants in @mask, "A, B" ("none" if empty). */
void sim_inv_names(unsigned int mask, char *buf, size_t len);
/*
 * Fill @cases (at most @max) with every case of @s that KVM can build;
 * returns how many there are, more than @max when they did not fit (a
 * runner must then refuse to run: a case left out would pass unseen).
 * A configuration whose guest CPUID asks for a CET
 * feature KVM does not support on that host and vendor (IBT on SVM, any
 * on a host without CET) is not run: *@impossible (if given) counts them.
 */
unsigned int sim_cases_of(const struct sim_scenario *s, struct sim_case *cases,
			  unsigned int max, unsigned int *impossible);
/* room for every case of the table (each runner checks it fits) */
#define SIM_MAX_CASES	1024
/* every host but the AMX host, which only the XFD family's scenarios name */
#define SIM_HOSTS_ALL	((1u << SIM_HOST_AMX) - 1)
/* nested virtualization: the case's vendor's code is needed */
#define SIM_NEED_NESTED	(SIM_NEED_NESTED_VMX | SIM_NEED_NESTED_SVM)
#define SIM_NEED_NESTED_STATE (SIM_NEED_NESTED_STATE_VMX | \
			       SIM_NEED_NESTED_STATE_SVM)
/*
 * Run one case.  On SKIP *@why says why; on FAIL (or an expected
 * violation) @print gets the oracle's report.
 */
enum sim_case_result sim_case_run(const struct sim_case *c, sim_printer print,
				  void *ctx, const char **why,
				  unsigned int *violations);

/* How to run a case other than as written: for exploration. */
struct sim_case_opts {
	const struct sim_injection *inject;	/* the schedule */
	unsigned int nr_inject;
	unsigned int faults;	/* SIM_FAULT_*s added to the scenario's */
	bool quiet;		/* no report */
	/* out: boundaries passed, injections fired, events simulated */
	unsigned int boundaries, fired;
	unsigned long events;
};
enum sim_case_result sim_case_run_opts(const struct sim_case *c,
				       struct sim_case_opts *opt,
				       sim_printer print, void *ctx,
				       const char **why,
				       unsigned int *violations);

/* explore.c: every case that must hold, under injected interruptions */
struct sim_explore {
	unsigned int faults;		/* SIM_FAULT_*s to add, and their */
	const char *fault_names;	/* names for the replay line */
	const char *replay_cmd;		/* default "kvm-x86-sim explore" */
	unsigned int window;		/* pairs at most this far apart */
	bool all;			/* the long_run scenarios too */
	/* generated programs (program.h): how many per vendor, the seed */
	unsigned long programs;
	u64 seed;
	/* this worker's share: cases and programs numbered offset mod stride */
	unsigned int stride, offset;
	/* if set: what is running now, as --replay takes it (a dying worker) */
	char *running;
	size_t running_len;
	unsigned int max_reports;	/* findings printed in full */
	bool (*stop)(void *ctx);	/* the budget is spent */
	void *stop_ctx;
	sim_printer print;
	void *ctx;
	/*
	 * if set: whether to explore the @index-th case (@vendor < 0) or
	 * program @index of @vendor; begin() before each one explored, done()
	 * after it (the runner records what each entered: runner/entered.h)
	 */
	bool (*wanted)(void *ctx, int vendor, unsigned long index);
	void (*begin)(void *ctx);
	void (*done)(void *ctx, int vendor, unsigned long index);
	void *hook_ctx;
	/* results */
	unsigned long cases, boundaries, singles, pairs, events, findings;
	unsigned long not_explored;	/* long_run cases left out */
	unsigned long programs_run, program_steps;
	unsigned int violations;	/* SIM_INV_BIT()s found */
	bool out_of_budget;
};
void sim_explore_cases(struct sim_explore *x, const struct sim_case *cases,
		       unsigned int n);
/*
 * x->programs generated programs on each vendor; a failing one is shrunk
 * and printed as a scenario.  Returns the reason if the tree cannot run
 * them (it lacks the CET MSR code), else NULL.
 */
const char *sim_explore_programs(struct sim_explore *x);
/* Program @index of @seed on @vendor: run with its trace, then shrunk. */
unsigned int sim_replay_program(struct sim_explore *x, u64 seed,
				unsigned long index, enum sim_vendor vendor);
/* "CASE@AT:KIND,AT:KIND", what --replay takes. */
int sim_schedule_format(char *buf, size_t len, const struct sim_case *c,
			const struct sim_injection *inj, unsigned int n);

#endif /* KVM_X86_SIM_SCENARIO_H */
