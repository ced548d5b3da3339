// SPDX-License-Identifier: GPL-2.0
/*
 * The XFD family's CPU and FPU core (SDM Vol. 1, 13.14): IA32_XFD arms
 * the dynamic components whose bits it sets, so that a use of one raises
 * #NM and records which in IA32_XFD_ERR; the FPU core loads each
 * fpstate's XFD with it (xfd_update_state()), the guest's while the
 * guest FPU is loaded.  Neither MSR has a register-file slot: the machine
 * keeps one of each, whose owner says whose value it is.  Only the AMX
 * host's CPU has them.
 *
 * What KVM does with them is the tree's code: the MSRs' arms of
 * kvm_{get,set}_msr_common(), VMX's XFD write pass-through, its save of
 * XFD_ERR at an #NM exit (handle_nm_fault_irqoff()).  vcpu_enter_guest()'s
 * XFD statements around the entry and exit are the glue's stand-in.
 */
#include "sim_internal.h"

static void trace_xfd(struct sim *sim, u32 msr, struct sim_val val,
		      bool write, const char *file, int line)
{
	sim_trace(sim, write ? SIM_EV_WRMSR : SIM_EV_RDMSR, msr, val, file,
		  line, write ? "WRMSR" : "RDMSR");
}

/* the CPU's MSR of the family: XFD or XFD_ERR */
static struct sim_val *xfd_reg(struct sim *sim, u32 msr)
{
	return msr == SIM_MSR_XFD ? &sim->xfd : &sim->xfd_err;
}

/* The host's RDMSR of XFD or XFD_ERR (the broken CPU reads XFD_ERR 0). */
u64 sim_xfd_rdmsr(struct sim *sim, u32 msr, const char *file, int line)
{
	struct sim_val val = *xfd_reg(sim, msr);

	if (msr == SIM_MSR_XFD_ERR &&
	    sim_faulty(sim, SIM_FAULT_XFD_ERR_READS_ZERO))
		val.v = 0;
	trace_xfd(sim, msr, val, false, file, line);
	return val.v;
}

void sim_xfd_wrmsr(struct sim *sim, u32 msr, u64 v, const char *file,
		   int line)
{
	struct sim_val val = sim_owned(sim, v, sim->ioctl_vcpu);

	*xfd_reg(sim, msr) = val;
	trace_xfd(sim, msr, val, true, file, line);
}

/* xfd_update_state(): the CPU's XFD becomes @fps's before its XRSTORS */
void sim_xfd_load(struct sim *sim, const struct sim_fpstate *fps)
{
	struct sim_val val = { .v = fps->xfd, .vcpu = fps->vcpu,
			       .owner = fps->vcpu < 0 ? SIM_OWN_HOST :
							SIM_OWN_GUEST };

	if (!sim->amx || sim->xfd.v == fps->xfd)
		return;
	sim->xfd = val;
	trace_xfd(sim, SIM_MSR_XFD, val, true, __FILE__, __LINE__);
}

void sim_hw_fpu_update_guest_xfd(struct sim_fpstate *fps, u64 xfd,
				 const char *file, int line)
{
	struct sim *sim = sim_hw_current;

	sim_hw_fpregs_lock(file, line);
	fps->xfd = xfd;
	if (fps->in_use)
		sim_xfd_load(sim, fps);
	sim_hw_fpregs_unlock(file, line);
}

void sim_hw_fpu_sync_guest_vmexit_xfd(const char *file, int line)
{
	struct sim *sim = sim_hw_current;

	(void)file;
	(void)line;
	if (sim->amx && sim->cur_fps->vcpu >= 0)
		sim->cur_fps->xfd = sim->xfd.v;
}

/*
 * fpu_enable_guest_xfd_features() (cpuid.c's kvm_check_cpuid() for a
 * guest whose CPUID enumerates dynamic components): the guest fpstate
 * grows to hold them (fpstate_realloc()); the VMM asked for the
 * permission (the AMX host's premise), so it never fails with -EPERM.
 */
int sim_hw_fpu_enable_guest_xfd_features(struct sim_fpstate *fps,
					 u64 xfeatures)
{
	xfeatures &= ~fps->xfeatures;
	if (!xfeatures)
		return 0;
	fps->xfeatures |= xfeatures;
	fps->user_xfeatures |= xfeatures;
	fps->regs.xsave.header.xcomp_bv |= xfeatures;
	fps->user_size = sim_xsave_size(fps->user_xfeatures, false);
	return 0;
}

u64 sim_hw_host_xcr0(void)
{
	return sim_host_xcr0(sim_hw_current);
}

/* @msr's bit in struct sim_vcpu's xfd_passthrough[] */
static u8 xfd_bit(u32 msr)
{
	return msr == SIM_MSR_XFD ? 1 : 2;
}

/* Does the guest reach @msr of the family without an exit? */
bool sim_xfd_passthrough(const struct sim_vcpu *v, u32 msr, bool write)
{
	return v->xfd_passthrough[write] & xfd_bit(msr);
}

/* {vmx,svm}_set_intercept_for_msr() of XFD or XFD_ERR */
void sim_xfd_intercept(struct sim_vcpu *v, u32 msr, bool read, bool write,
		       bool intercept)
{
	u8 bit = xfd_bit(msr);
	int rw;

	for (rw = 0; rw < 2; rw++) {
		if (!(rw ? write : read))
			continue;
		if (intercept)
			v->xfd_passthrough[rw] &= ~bit;
		else
			v->xfd_passthrough[rw] |= bit;
	}
}

/*
 * The guest's RDMSR/WRMSR of XFD or XFD_ERR passed through: the CPU's
 * own; a WRMSR of XFD bits the CPU cannot arm (only XTILEDATA supports
 * XFD: CPUID.(0xD,18):ECX[2]) #GPs.
 */
int sim_xfd_guest_rdwrmsr(struct sim_vcpu *v, bool write, u32 msr,
			  u64 *data)
{
	struct sim *sim = v->sim;
	struct sim_val *reg = xfd_reg(sim, msr);

	if (!write) {
		*data = reg->v;
		trace_xfd(sim, msr, *reg, false, __FILE__, __LINE__);
		return 0;
	}
	if (*data & ~SIM_XFEATURE_MASK_DYNAMIC)
		return 1;
	*reg = sim_owned(sim, *data, v);
	trace_xfd(sim, msr, *reg, true, __FILE__, __LINE__);
	return 0;
}

/*
 * The guest uses tile data: #UD unless its XCR0 enables the tiles; #NM
 * when XFD arms them, XFD_ERR then recording XTILEDATA (SDM Vol. 1,
 * 13.14).  KVM intercepts that #NM once XFD's writes pass through (its
 * exception bitmap): the exit is then the #NM's, and KVM injects it.
 */
int sim_guest_tile(struct sim_vcpu *v)
{
	struct sim *sim = v->sim;

	if ((sim->xcr0 & SIM_XFEATURE_MASK_XTILE) != SIM_XFEATURE_MASK_XTILE)
		return SIM_GUEST_UD;
	if (!(sim->xfd.v & SIM_XFEATURE_MASK_XTILE_DATA))
		return 0;
	sim->xfd_err = sim_owned(sim, sim->xfd_err.v |
				 SIM_XFEATURE_MASK_XTILE_DATA, v);
	sim_trace(sim, SIM_EV_WRMSR, SIM_MSR_XFD_ERR, sim->xfd_err, __FILE__,
		  __LINE__, "#NM (XFD): XFD_ERR set");
	v->nm_exit = sim->kernel->xfd(v->kvm_vcpu, SIM_XFD_NM_INTERCEPTED);
	return SIM_GUEST_NM;
}

/*
 * Interrupts on again after a VM-exit: the host may take an #NM of its
 * own XFD (a task's first AMX use), whose handler leaves XFD_ERR 0, so a
 * guest's XFD_ERR not saved by now is lost.
 */
void sim_xfd_irqs_on(struct sim *sim)
{
	struct sim_val zero = { .vcpu = -1, .owner = SIM_OWN_HOST };

	if (!sim->amx)
		return;
	sim_trace(sim, SIM_EV_IRQS_ON, SIM_MSR_XFD_ERR, sim->xfd_err,
		  __FILE__, __LINE__, "interrupts on after the VM-exit");
	sim->xfd_err = zero;
}
