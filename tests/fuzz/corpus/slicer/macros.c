#define MSR_KVM_INTERNAL_GUEST_SSP	0x4b564dff
#define CET_US_SHSTK_MASK_BITS	(BIT_ULL(0) | \
				 BIT_ULL(1))
// a line comment with /* inside
static __always_inline int kvm_do_msr_access(struct kvm_vcpu *vcpu, u32 msr,
					     u64 *data, bool host_initiated,
					     enum kvm_msr_access rw,
					     msr_access_t msr_access_fn)
{
	const char *op = rw == MSR_TYPE_W ? "wrmsr" : "rdmsr";
	int ret;

	ret = msr_access_fn(vcpu, msr, data, host_initiated);
	if (ret != KVM_MSR_RET_UNSUPPORTED)
		return ret;
	return 0;
}
