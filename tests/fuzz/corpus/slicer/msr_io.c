#define MAX_IO_MSRS 256
#define CET_US_RESERVED_BITS (0xfULL << 6)

static int helper_of_ours(struct kvm_vcpu *v, unsigned int i)
{
	return i > 3;	/* a '}' in a comment */
}

static int __msr_io(struct kvm_vcpu *vcpu, struct kvm_msrs *msrs,
		    struct kvm_msr_entry *entries,
		    int (*do_msr)(struct kvm_vcpu *vcpu,
				  unsigned index, u64 *data))
{
	int i;

	for (i = 0; i < msrs->nmsrs; ++i) {
		if (helper_of_ours(vcpu, i))
			break;
		if (do_msr(vcpu, entries[i].index, &entries[i].data))
			break;
	}
	return i;
}
