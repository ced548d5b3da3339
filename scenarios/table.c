// SPDX-License-Identifier: GPL-2.0
/* The scenario table: the one list both runners iterate. */
#include "scenario.h"

#define INV(x) SIM_INV_BIT(SIM_INV_##x)
#define ONE(c) (1u << SIM_COMBO_##c)

const struct sim_scenario sim_scenarios[] = {
	/* every invariant holds */
	{
		.name = "xstate_batch",
		.summary = "SET/GET_MSRS of U_CET and PL0-3_SSP",
		.needs = SIM_NEED_CET_MSRS,
		.combos = SIM_COMBOS_ALL,
		.run = scn_xstate_batch,
	},
	{
		.name = "scet_only_batch",
		.summary = "a batch with only S_CET loads no guest FPU",
		.needs = SIM_NEED_XSTATE_LOAD,
		.combos = SIM_COMBOS_ALL,
		.run = scn_scet_only,
	},
	{
		.name = "mid_batch_failure",
		.summary = "stop at the first failure, put the FPU",
		.needs = SIM_NEED_CET_MSRS,
		.combos = SIM_COMBOS_ALL,
		.run = scn_mid_batch_failure,
	},
	{
		.name = "device_ioctl",
		.summary = "KVM_GET_MSRS on /dev/kvm touches no vCPU",
		.needs = SIM_NEED_FEATURE_MSRS,
		.combos = ONE(BOTH),
		.run = scn_device_ioctl,
	},
	{
		.name = "one_reg",
		.summary = "KVM_{SET,GET}_ONE_REG load and put like MSRS",
		.needs = SIM_NEED_CET_MSRS | SIM_NEED_ONE_REG,
		.combos = SIM_COMBOS_ALL,
		.run = scn_one_reg,
	},
	{
		.name = "irq_clobbers_fpu",
		.summary = "an IRQ borrows the FPU; kvm_fpu_get reloads",
		.needs = SIM_NEED_CET_MSRS,
		.faults = SIM_FAULT_IRQ_CLOBBERS_FPU,
		.combos = SIM_COMBOS_ALL,
		.run = scn_xstate_batch,
	},
	{
		.name = "validity",
		.summary = "reserved bits, non-canonical, misaligned fail",
		.needs = SIM_NEED_CET_MSRS,
		.combos = SIM_COMBOS_ALL,
		.run = scn_validity,
	},
	{
		.name = "before_set_cpuid",
		.summary = "host accesses before KVM_SET_CPUID2",
		.needs = SIM_NEED_CET_MSRS,
		.combos = ONE(NONE),
		.no_cpuid = true,
		.run = scn_before_cpuid,
	},
	{
		.name = "plain_msrs",
		.summary = "a non-CET batch (the control)",
		.combos = ONE(NONE),
		.run = scn_plain_msrs,
	},
	{
		.name = "guest_run",
		.summary = "KVM_RUN: guest S_CET only in hardware in the guest",
		.needs = SIM_NEED_CET_MSRS,
		.combos = SIM_COMBOS_ALL,
		.run = scn_guest_run,
	},
	{
		.name = "two_vcpus",
		.summary = "each vCPU's values stay its own",
		.needs = SIM_NEED_CET_MSRS,
		.combos = SIM_COMBOS_ALL,
		.run = scn_two_vcpus,
	},

	/* each invariant can fail: .expect names what the oracle must report */
	{
		.name = "breaks_pairing",
		.summary = "load without put (driven wrongly)",
		.expect = INV(PAIRING) | INV(HOST_INTEGRITY),
		.combos = ONE(SHSTK),
		.run = brk_stray_load,
	},
	{
		.name = "breaks_scet_exclusion",
		.summary = "VM-exit does not load host S_CET",
		.needs = SIM_NEED_CET_MSRS,
		.faults = SIM_FAULT_EXIT_KEEPS_GUEST_SCET,
		.expect = INV(SCET_EXCLUSION),
		.combos = ONE(IBT),
		.run = scn_guest_run,
	},
	{
		.name = "breaks_accessor_contract",
		.summary = "guest RDMSR outside KVM_RUN",
		.needs = SIM_NEED_CET_MSRS,
		.expect = INV(ACCESSOR_CONTRACT) | INV(NO_BUG),
		.combos = ONE(SHSTK),
		.run = brk_stray_guest_rdmsr,
	},
	{
		.name = "breaks_host_integrity",
		.summary = "swap-out leaves guest regs loaded",
		.needs = SIM_NEED_CET_MSRS,
		.faults = SIM_FAULT_PUT_KEEPS_GUEST_REGS,
		.expect = INV(HOST_INTEGRITY),
		.combos = ONE(SHSTK),
		.run = brk_set_u_cet,
	},
	{
		.name = "breaks_device_ioctl",
		.summary = "/dev/kvm ioctl handed a vCPU",
		.needs = SIM_NEED_CET_MSRS | SIM_NEED_FEATURE_MSRS,
		.faults = SIM_FAULT_DEVICE_IOCTL_HAS_VCPU,
		.expect = INV(DEVICE_IOCTL),
		.combos = ONE(SHSTK),
		.run = brk_device_u_cet,
	},
	{
		.name = "breaks_one_reg",
		.summary = "ONE_REG without the FPU load",
		.needs = SIM_NEED_CET_MSRS | SIM_NEED_ONE_REG,
		.faults = SIM_FAULT_ONE_REG_SKIPS_LOAD,
		.expect = INV(ACCESSOR_CONTRACT) | INV(ONE_REG) |
			  INV(HOST_INTEGRITY) | INV(NO_BUG),
		.combos = ONE(SHSTK),
		.run = brk_one_reg_u_cet,
	},
	{
		.name = "breaks_cpuid_gating",
		.summary = "CPUID lookups lie: SSP without SHSTK",
		.needs = SIM_NEED_CET_MSRS,
		.faults = SIM_FAULT_CPUID_LIES,
		.expect = INV(CPUID_GATING),
		.combos = ONE(NONE),
		.run = brk_ssp_without_shstk,
	},
	{
		.name = "breaks_batch_semantics",
		.summary = "copy_to_user leaks into a failed read",
		.faults = SIM_FAULT_LEAKY_COPY_TO_USER,
		.expect = INV(BATCH_SEMANTICS),
		.combos = ONE(NONE),
		.run = brk_failed_read,
	},
	{
		.name = "breaks_validity",
		.summary = "canonical check broken",
		.needs = SIM_NEED_CET_MSRS,
		.faults = SIM_FAULT_CANONICAL_ALWAYS,
		.expect = INV(VALIDITY),
		.combos = ONE(SHSTK),
		.run = brk_noncanonical_ssp,
	},
	{
		.name = "breaks_no_bug",
		.summary = "put without load trips KVM_BUG_ON",
		.needs = SIM_NEED_CET_MSRS,
		.expect = INV(NO_BUG),
		.combos = ONE(NONE),
		.run = brk_stray_put,
	},
};

const unsigned int sim_nr_scenarios = ARRAY_SIZE(sim_scenarios);
