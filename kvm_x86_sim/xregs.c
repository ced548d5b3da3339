// SPDX-License-Identifier: GPL-2.0
/*
 * The xfeatures family's registers: XCR0 and PKRU.  Neither is an MSR,
 * so neither has a register-file slot; the machine keeps one of each,
 * whose value says whose it is (the host's are fixed: SIM_HOST_XCR0,
 * SIM_HOST_PKRU).  The kernel writes them with XSETBV and WRPKRU around
 * VM-entry and VM-exit (kvm_load_xfeatures(), kvm_load_{guest,host}_pkru());
 * the guest writes XCR0 with an XSETBV KVM emulates and PKRU with its own
 * WRPKRU, which does not exit.
 */
#include "sim_internal.h"

/* the kernel writes the value it loads: no owner (-); the guest its own */
static void trace_xreg(struct sim *sim, enum sim_xreg reg, u64 v, int vcpu,
		       const char *file, int line, const char *what)
{
	struct sim_val val = {
		.v = v,
		.owner = vcpu < 0 ? SIM_OWN_NONE : SIM_OWN_GUEST,
		.vcpu = vcpu,
	};

	sim_trace(sim, SIM_EV_XREG, reg, val, file, line, what);
}

/*
 * XSETBV in host mode (SDM Vol. 1, 13.3): a #GP for an XCR other than
 * XCR0 or a value the CPU refuses; the kernel oopses on it, a WARN here.
 */
void sim_hw_xsetbv(u32 index, u64 val, const char *file, int line)
{
	struct sim *sim = sim_hw_current;

	trace_xreg(sim, SIM_XREG_XCR0, val, -1, file, line, "XSETBV");
	if (sim_hw_warn(index != SIM_XCR_XFEATURE_ENABLED_MASK ||
			!sim_xcr0_valid(val, sim_host_xcr0(sim)),
			"XSETBV #GP: an XCR or an XCR0 value the CPU refuses",
			file, line))
		return;
	if (sim_faulty(sim, SIM_FAULT_XSETBV_DROPPED))
		return;
	sim->xcr0 = val;
}

u32 sim_hw_rdpkru(const char *file, int line)
{
	struct sim *sim = sim_hw_current;

	(void)file;
	(void)line;
	if (sim_faulty(sim, SIM_FAULT_RDPKRU_READS_ZERO))
		return 0;
	return sim->pkru;
}

void sim_hw_wrpkru(u32 val, const char *file, int line)
{
	struct sim *sim = sim_hw_current;

	trace_xreg(sim, SIM_XREG_PKRU, val, -1, file, line, "WRPKRU");
	sim->pkru = val;
}

/*
 * cpu_feature_enabled(), boot_cpu_has(): of what KVM asks, the simulated
 * CPU and kernel have XSAVE and protection keys (PKU, OSPKE) on every
 * host; nothing else is asked of it (the CET and XSAVES questions go
 * through kvm_cpu_cap_has() and guest_cpu_cap_has()).
 */
bool sim_hw_cpu_feature(int feature)
{
	return feature == SIM_FEATURE_PKU || feature == SIM_FEATURE_XSAVE;
}

u64 sim_hw_guest_supported_xcr0(u64 kvm_xcr0)
{
	if (sim_faulty(sim_hw_current, SIM_FAULT_XCR0_ALL_SUPPORTED))
		return ~0ULL;
	return kvm_xcr0;
}

u32 sim_hw_cpuid_xsave_size(unsigned int subleaf, u64 xfeatures, u32 old)
{
	if (old && sim_faulty(sim_hw_current, SIM_FAULT_CPUID_NOT_UPDATED))
		return old;
	return sim_xsave_size(xfeatures, subleaf == 1);
}

/* The host task's XCR0 and PKRU: what it runs with until KVM_RUN. */
void sim_xregs_init(struct sim *sim)
{
	sim->xcr0 = sim_host_xcr0(sim);
	sim->pkru = SIM_HOST_PKRU;
}

/* KVM_GET_XCRS, KVM_SET_XCRS: the tree's handlers of the ioctls */
static int xcrs_ioctl(struct sim_vcpu *v, bool set, struct sim_xcrs *x)
{
	struct sim *sim = v->sim;
	struct sim_xcrs_io io = { .vcpu = v, .set = set, .x = x };

	if (!(sim->tree_caps & SIM_NEED_XCRS))
		return -SIM_EINVAL;
	sim_ioctl_enter(sim, set ? SIM_IOCTL_SET_XCRS : SIM_IOCTL_GET_XCRS, v);
	io.ret = sim->kernel->xcrs(v->kvm_vcpu, set, x);
	sim_ioctl_exit(sim);
	sim_notify_xcrs(sim, &io);
	return io.ret;
}

int sim_get_xcrs(struct sim_vcpu *v, struct sim_xcrs *x)
{
	memset(x, 0x5a, sizeof(*x));	/* what KVM leaves is KVM's */
	return xcrs_ioctl(v, false, x);
}

int sim_set_xcrs(struct sim_vcpu *v, const struct sim_xcrs *x)
{
	struct sim_xcrs copy = *x;

	return xcrs_ioctl(v, true, &copy);
}

/*
 * The guest's WRPKRU/RDPKRU: no VM-exit (KVM never intercepts them);
 * #UD (non-zero) unless the guest has set CR4.PKE (SDM Vol. 3, 4.6.2).
 */
int sim_guest_pkru(struct sim_vcpu *v, bool write, u64 *data)
{
	struct sim *sim = v->sim;

	if (!v->cr4_pke)
		return 1;
	if (!write) {
		*data = sim->pkru;
		return 0;
	}
	trace_xreg(sim, SIM_XREG_PKRU, (u32)*data, v->id, __FILE__, __LINE__,
		   "guest WRPKRU");
	sim->pkru = (u32)*data;
	return 0;
}
