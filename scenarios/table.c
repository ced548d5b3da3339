// SPDX-License-Identifier: GPL-2.0
/* The scenario table: the one list both runners iterate. */
#include "scenario.h"

#define INV(x) SIM_INV_BIT(SIM_INV_##x)
#define ONE(c) (1u << SIM_COMBO_##c)

const struct sim_scenario sim_scenarios[] = {
	/* every invariant holds */
	{ "xstate_batch", "SET/GET_MSRS of U_CET and PL0-3_SSP",
	  SIM_NEED_CET_MSRS, 0, 0, SIM_COMBOS_ALL, false, scn_xstate_batch },
	{ "scet_only_batch", "a batch with only S_CET loads no guest FPU",
	  SIM_NEED_XSTATE_LOAD, 0, 0, SIM_COMBOS_ALL, false, scn_scet_only },
	{ "mid_batch_failure", "stop at the first failure, put the FPU",
	  SIM_NEED_CET_MSRS, 0, 0, SIM_COMBOS_ALL, false, scn_mid_batch_failure },
	{ "device_ioctl", "KVM_GET_MSRS on /dev/kvm touches no vCPU",
	  SIM_NEED_FEATURE_MSRS, 0, 0, ONE(BOTH), false, scn_device_ioctl },
	{ "one_reg", "KVM_{SET,GET}_ONE_REG load and put like MSRS",
	  SIM_NEED_CET_MSRS | SIM_NEED_ONE_REG, 0, 0, SIM_COMBOS_ALL, false,
	  scn_one_reg },
	{ "irq_clobbers_fpu", "an IRQ borrows the FPU; kvm_fpu_get reloads",
	  SIM_NEED_CET_MSRS, SIM_FAULT_IRQ_CLOBBERS_FPU, 0, SIM_COMBOS_ALL,
	  false, scn_xstate_batch },
	{ "validity", "reserved bits, non-canonical, misaligned fail",
	  SIM_NEED_CET_MSRS, 0, 0, SIM_COMBOS_ALL, false, scn_validity },
	{ "before_set_cpuid", "host accesses before KVM_SET_CPUID2",
	  SIM_NEED_CET_MSRS, 0, 0, ONE(NONE), true, scn_before_cpuid },
	{ "plain_msrs", "a non-CET batch (the control)",
	  0, 0, 0, ONE(NONE), false, scn_plain_msrs },
	{ "guest_run", "KVM_RUN: guest S_CET only in hardware in the guest",
	  SIM_NEED_CET_MSRS, 0, 0, SIM_COMBOS_ALL, false, scn_guest_run },
	{ "two_vcpus", "each vCPU's values stay its own",
	  SIM_NEED_CET_MSRS, 0, 0, SIM_COMBOS_ALL, false, scn_two_vcpus },

	/* each invariant can fail */
	{ "breaks_pairing", "load without put (driven wrongly)",
	  0, 0, INV(PAIRING) | INV(HOST_INTEGRITY), ONE(SHSTK), false,
	  brk_stray_load },
	{ "breaks_scet_exclusion", "VM-exit does not load host S_CET",
	  SIM_NEED_CET_MSRS, SIM_FAULT_EXIT_KEEPS_GUEST_SCET,
	  INV(SCET_EXCLUSION), ONE(IBT), false, scn_guest_run },
	{ "breaks_accessor_contract", "guest RDMSR outside KVM_RUN",
	  SIM_NEED_CET_MSRS, 0, INV(ACCESSOR_CONTRACT) | INV(NO_BUG),
	  ONE(SHSTK), false, brk_stray_guest_rdmsr },
	{ "breaks_host_integrity", "swap-out leaves guest regs loaded",
	  SIM_NEED_CET_MSRS, SIM_FAULT_PUT_KEEPS_GUEST_REGS,
	  INV(HOST_INTEGRITY), ONE(SHSTK), false, brk_set_u_cet },
	{ "breaks_device_ioctl", "/dev/kvm ioctl handed a vCPU",
	  SIM_NEED_CET_MSRS | SIM_NEED_FEATURE_MSRS,
	  SIM_FAULT_DEVICE_IOCTL_HAS_VCPU, INV(DEVICE_IOCTL), ONE(SHSTK),
	  false, brk_device_u_cet },
	{ "breaks_one_reg", "ONE_REG without the FPU load",
	  SIM_NEED_CET_MSRS | SIM_NEED_ONE_REG, SIM_FAULT_ONE_REG_SKIPS_LOAD,
	  INV(ACCESSOR_CONTRACT) | INV(ONE_REG) | INV(HOST_INTEGRITY) |
	  INV(NO_BUG), ONE(SHSTK),
	  false, brk_one_reg_u_cet },
	{ "breaks_cpuid_gating", "CPUID lookups lie: SSP without SHSTK",
	  SIM_NEED_CET_MSRS, SIM_FAULT_CPUID_LIES, INV(CPUID_GATING),
	  ONE(NONE), false, brk_ssp_without_shstk },
	{ "breaks_batch_semantics", "copy_to_user leaks into a failed read",
	  0, SIM_FAULT_LEAKY_COPY_TO_USER, INV(BATCH_SEMANTICS), ONE(NONE),
	  false, brk_failed_read },
	{ "breaks_validity", "canonical check broken",
	  SIM_NEED_CET_MSRS, SIM_FAULT_CANONICAL_ALWAYS, INV(VALIDITY),
	  ONE(SHSTK), false, brk_noncanonical_ssp },
	{ "breaks_no_bug", "put without load trips KVM_BUG_ON",
	  SIM_NEED_CET_MSRS, 0, INV(NO_BUG), ONE(NONE), false, brk_stray_put },
};

const unsigned int sim_nr_scenarios = ARRAY_SIZE(sim_scenarios);
