int __kvm_set_msr(struct kvm_vcpu *vcpu, u32 index, u64 data,
		  bool host_initiated)
{
	switch (index) {
	case MSR_IA32_U_CET:
	case MSR_IA32_S_CET:
		if (!host_initiated)
			return 1;
		fallthrough;
	case MSR_IA32_PL0_SSP ... MSR_IA32_PL3_SSP:
		if (data & 3)
			return 1;
		break;
	case MSR_KVM_INTERNAL_GUEST_SSP:
		break;
	case MSR_IA32_INT_SSP_TAB:
		printk("} \" not a brace {");
		break;
	case MSR_AMD64_NB_CFG:
		return 0;
	default:
		return 1;
	}
	return 0;
}
