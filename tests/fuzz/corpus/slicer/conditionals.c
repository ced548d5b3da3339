#ifdef CONFIG_X86_64
static inline bool is_xstate_managed_msr(struct kvm_vcpu *vcpu, u32 msr)
{
	return msr == MSR_IA32_U_CET;
}
#else
static inline bool is_xstate_managed_msr(struct kvm_vcpu *vcpu, u32 msr)
{
	return false;
}
#endif

#define KVM_MSR_RET_UNSUPPORTED	2
static int do_get_msr(struct kvm_vcpu *vcpu, unsigned index, u64 *data)
{
	return kvm_get_msr_ignored_check(vcpu, index, data, true);
}
