// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_GET_XSAVE, KVM_GET_XSAVE2 and KVM_SET_XSAVE: the ioctls (entering
 * the tree's kvm_vcpu_ioctl_x86_{get,set}_xsave*() through the glue) and
 * the x86 FPU core's copies between a guest fpstate and userspace's
 * buffer that those call.  Userspace's buffer is in the standard format
 * (SDM Vol. 1, 13.4.1-13.4.2: the legacy region, the header at byte 512,
 * XCOMP_BV 0) and carries user components only: CET's supervisor state
 * never appears in it, it travels by KVM_{GET,SET}_MSRS (the kernel's
 * Documentation/virt/kvm/api.rst, KVM_GET_XSAVE).
 */
#include "sim_internal.h"

/* Byte ranges of the legacy region per component (the kernel's xstate_offsets) */
#define FP_BYTES	160		/* x87 state, MXCSR included */
#define SSE_BYTES	256		/* XMM0-15 from byte 160 */
/* MXCSR bits a CPU with DAZ accepts (SDM Vol. 1, 11.6.6: MXCSR_MASK) */
#define MXCSR_FEATURE_MASK	0x0000ffffU

u64 sim_xsave_bv(const void *buf)
{
	u64 bv;

	memcpy(&bv, (const u8 *)buf + SIM_XSAVE_HDR_OFFSET, sizeof(bv));
	return bv;
}

void sim_xsave_set_bv(void *buf, u64 xstate_bv)
{
	memcpy((u8 *)buf + SIM_XSAVE_HDR_OFFSET, &xstate_bv, sizeof(xstate_bv));
}

static void trace_uabi(struct sim *sim, struct sim_fpstate *fps, bool to_fps,
		       u64 bv, const char *file, int line)
{
	struct sim_val val = { .v = bv, .vcpu = fps->vcpu };

	sim_trace(sim, SIM_EV_XSAVE_UABI, to_fps, val, file, line,
		  to_fps ? "fpu_copy_uabi_to_guest_fpstate" :
			   "fpu_copy_guest_fpstate_to_uabi");
}

/*
 * fpu_copy_guest_fpstate_to_uabi() on an XSAVE host
 * (__copy_xstate_to_uabi_buf(), XSTATE_COPY_XSAVE): the header with
 * XSTATE_BV = the fpstate's & its user features & @xfeatures, XCOMP_BV 0;
 * the legacy region; PKRU, which the fpstate does not hold up to date,
 * from @pkru (its XSTATE_BV bit set); the rest of @size zero (the other
 * components' registers are not modelled).
 */
void sim_hw_fpstate_to_uabi(struct sim_fpstate *fps, void *buf,
			    unsigned int size, u64 xfeatures, u32 pkru,
			    const char *file, int line)
{
	struct sim *sim = sim_hw_current;
	struct sim_xstate_header hdr = { 0 };
	u64 bv = fps->regs.xsave.header.xfeatures;

	sim_hw_boundary();
	if (size < SIM_XSAVE_PKRU_OFFSET + sizeof(pkru)) {
		sim_hw_warn(true, "XSAVE buffer smaller than its header", file,
			    line);
		return;
	}
	memset(buf, 0, size);
	memcpy(buf, &fps->regs.xsave.i387, sizeof(fps->regs.xsave.i387));
	hdr.xfeatures = bv & fps->user_xfeatures & xfeatures;
	if (fps->user_xfeatures & xfeatures & SIM_XFEATURE_MASK_PKRU) {
		hdr.xfeatures |= SIM_XFEATURE_MASK_PKRU;
		memcpy((u8 *)buf + SIM_XSAVE_PKRU_OFFSET, &pkru, sizeof(pkru));
	}
	memcpy((u8 *)buf + SIM_XSAVE_HDR_OFFSET, &hdr, sizeof(hdr));
	trace_uabi(sim, fps, false, hdr.xfeatures, file, line);
}

/*
 * fpu_copy_uabi_to_guest_fpstate() on an XSAVE host, with
 * copy_uabi_to_xstate(): -EINVAL for XSTATE_BV bits outside @xcr0, XFD-
 * armed components, bits outside the fpstate's user features, a non-zero
 * XCOMP_BV or reserved header bytes, reserved MXCSR bits; else the user
 * components XSTATE_BV names are copied and become the fpstate's user
 * XSTATE_BV bits; its supervisor components (CET) are left as they are.
 */
int sim_hw_uabi_to_fpstate(struct sim_fpstate *fps, const void *buf, u64 xcr0,
			   u32 *vpkru, const char *file, int line)
{
	struct sim *sim = sim_hw_current;
	struct sim_xregs_state *x = &fps->regs.xsave;
	struct sim_xstate_header hdr;
	const u8 *u = buf;
	u32 mxcsr;
	int i;

	sim_hw_boundary();
	memcpy(&hdr, u + SIM_XSAVE_HDR_OFFSET, sizeof(hdr));
	if (hdr.xfeatures & ~xcr0)
		return -SIM_EINVAL;
	if (sim_hw_warn(hdr.xfeatures & fps->xfd,
			"XSTATE_BV names an XFD-armed component", file, line))
		return -SIM_EINVAL;
	if (hdr.xfeatures & ~fps->user_xfeatures || hdr.xcomp_bv)
		return -SIM_EINVAL;
	for (i = 0; i < 6; i++)
		if (hdr.reserved[i])
			return -SIM_EINVAL;
	memcpy(&mxcsr, u + offsetof(struct sim_fxregs_state, mxcsr),
	       sizeof(mxcsr));
	if ((hdr.xfeatures & (SIM_XFEATURE_MASK_FPSSE | SIM_XFEATURE_MASK_YMM)) &&
	    (mxcsr & ~MXCSR_FEATURE_MASK))
		return -SIM_EINVAL;
	/* the guest's PKRU: the buffer's, or its initial 0 */
	if (vpkru && (hdr.xfeatures & SIM_XFEATURE_MASK_PKRU))
		memcpy(vpkru, u + SIM_XSAVE_PKRU_OFFSET, sizeof(*vpkru));
	else if (vpkru)
		*vpkru = 0;
	if (hdr.xfeatures & SIM_XFEATURE_MASK_FP)
		memcpy(&x->i387, u, FP_BYTES);
	else if (hdr.xfeatures & SIM_XFEATURE_MASK_SSE)
		memcpy(&x->i387.mxcsr, u + offsetof(struct sim_fxregs_state,
						   mxcsr), 2 * sizeof(u32));
	if (hdr.xfeatures & SIM_XFEATURE_MASK_SSE)
		memcpy((u8 *)&x->i387 + FP_BYTES, u + FP_BYTES, SSE_BYTES);
	if (!sim_faulty(sim, SIM_FAULT_UABI_DROPS_SUPERVISOR))
		x->header.xfeatures &= ~fps->user_xfeatures;
	else
		x->header.xfeatures = 0;
	x->header.xfeatures |= hdr.xfeatures;
	trace_uabi(sim, fps, true, hdr.xfeatures, file, line);
	return 0;
}

u32 sim_xsave2_size(struct sim_vcpu *v)
{
	return v->fps.user_size;
}

static int xsave_ioctl(struct sim_vcpu *v, enum sim_xsave_op op,
		       void *buf, u32 size)
{
	struct sim *sim = v->sim;
	struct sim_xsave_io io = { .vcpu = v, .op = op, .size = size };
	u8 *user, *in;
	int ret;

	if (!(sim->tree_caps & SIM_NEED_XSAVE))
		return -SIM_EINVAL;
	user = sim_zalloc(size);
	in = sim_zalloc(size);
	if (!user || !in) {
		sim_free(user);
		sim_free(in);
		return -12;	/* -ENOMEM */
	}
	memcpy(user, buf, size);
	memcpy(in, buf, size);
	sim_ioctl_enter(sim, op == SIM_SET_XSAVE ? SIM_IOCTL_SET_XSAVE :
							  SIM_IOCTL_GET_XSAVE, v);
	ret = sim->kernel->xsave(v->kvm_vcpu, op, user, size);
	sim_ioctl_exit(sim);
	if (op != SIM_SET_XSAVE)
		memcpy(buf, user, size);
	io.in = in;
	io.out = user;
	io.ret = ret;
	io.user_fault = sim->uaccess_faulted;
	sim_notify_xsave(sim, &io);
	sim_free(user);
	sim_free(in);
	return ret;
}

int sim_get_xsave(struct sim_vcpu *v, void *buf, u32 size)
{
	return xsave_ioctl(v, size ? SIM_GET_XSAVE2 : SIM_GET_XSAVE,
			   buf, size ? size : SIM_KVM_XSAVE_SIZE);
}

int sim_set_xsave(struct sim_vcpu *v, const void *buf)
{
	return xsave_ioctl(v, SIM_SET_XSAVE, (void *)buf,
			   v->fps.user_size);
}
