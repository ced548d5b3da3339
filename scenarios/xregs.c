// SPDX-License-Identifier: GPL-2.0
/*
 * The xfeatures family: the guest's XCR0 and PKRU.  KVM loads them
 * before every VM-entry and puts the host's back after every VM-exit
 * (kvm_load_xfeatures() and kvm_load_{guest,host}_pkru(), or older
 * trees' kvm_load_{guest,host}_xsave_state()); the guest writes XCR0
 * with XSETBV, which KVM emulates (__kvm_set_xcr()), and PKRU with
 * WRPKRU, which never exits: KVM must read it back at the VM-exit.
 */
#include "scenario.h"
#include "values.h"

#define XSETBV(x)	{ .xreg = SIM_GUEST_XSETBV, .data = (x) }
#define XSETBV_XCR(n, x) { .xreg = SIM_GUEST_XSETBV, .msr = (n), .data = (x) }
#define WRPKRU(x)	{ .xreg = SIM_GUEST_WRPKRU, .data = (x) }
#define RDPKRU		{ .xreg = SIM_GUEST_RDPKRU }
#define SET_CR4_PKE	{ .xreg = SIM_GUEST_SET_CR4_PKE }
#define CPUID_0XD(n)	{ .xreg = SIM_GUEST_CPUID_0XD, .msr = (n) }

#define FPSSE		SIM_XFEATURE_MASK_FPSSE
#define YMM		SIM_XFEATURE_MASK_YMM
#define MPX		(SIM_XFEATURE_MASK_BNDREGS | SIM_XFEATURE_MASK_BNDCSR)
#define AVX512		SIM_XFEATURE_MASK_AVX512
#define PKRU		SIM_XFEATURE_MASK_PKRU

/*
 * The guest's XSETBV: every rule of XCR0 broken once, each value it
 * takes (all the simulated CPU enumerates: x87, SSE, AVX, MPX, AVX-512,
 * PKRU), each an exit and a VM-entry with the result; then a second
 * KVM_RUN and an INIT, which leaves XCR0 as it was (SDM Vol. 3, Table
 * 10-1).
 */
void scn_xcr0(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_guest_op ops[] = {
		XSETBV(FPSSE),
		XSETBV(0),				/* no x87 */
		XSETBV(SIM_XFEATURE_MASK_SSE),		/* no x87 */
		XSETBV(FPSSE | YMM),
		XSETBV(SIM_XFEATURE_MASK_FP | YMM),	/* AVX without SSE */
		XSETBV(FPSSE | YMM | AVX512),
		XSETBV(FPSSE | AVX512),			/* AVX-512 without AVX */
		XSETBV(FPSSE | YMM | (1ULL << 5)),	/* opmask alone */
		XSETBV(FPSSE | YMM | (3ULL << 6)),	/* no opmask */
		XSETBV(FPSSE | MPX),
		XSETBV(FPSSE | SIM_XFEATURE_MASK_BNDREGS),	/* half MPX */
		XSETBV(FPSSE | SIM_XFEATURE_MASK_BNDCSR),	/* half MPX */
		XSETBV(FPSSE | PKRU),
		XSETBV(FPSSE | SIM_XFEATURE_MASK_XTILE),	/* no AMX here */
		XSETBV(FPSSE | (1ULL << 17)),		/* half AMX */
		XSETBV(FPSSE | SIM_XFEATURE_MASK_CET_USER), /* supervisor */
		XSETBV(FPSSE | (1ULL << 63)),
		XSETBV_XCR(1, FPSSE),			/* no XCR1 to set */
		XSETBV(SIM_HOST_XCR0),
		XSETBV(SIM_XFEATURE_MASK_FP),
		RD(SIM_MSR_XSS),
		XSETBV(FPSSE | YMM | PKRU),
	};
	struct sim_guest_op init[] = { { .init = true }, RD(SIM_MSR_XSS) };

	sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
	sim_run(vcpu, 0, 0);
	sim_run_guest(vcpu, init, ARRAY_SIZE(init));
	scn_xstate_batch(vcpu, cpuid);
}

/*
 * The guest's PKRU: with PKU in its CPUID (every guest's, where KVM offers
 * it: not on the shadow-paging host) it sets CR4.PKE (else #GP) and
 * writes PKRU without an exit; every exit, an XSETBV or an MSR access,
 * and the end of KVM_RUN must give the host task its PKRU back and keep
 * the guest's for the next VM-entry, where the guest reads it back.
 */
void scn_pkru(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_guest_op ops[] = {
		WRPKRU(0xc),				/* #UD: no CR4.PKE */
		SET_CR4_PKE,
		RDPKRU,
		WRPKRU(0),				/* all keys allowed */
		XSETBV(FPSSE),
		RDPKRU,
		WRPKRU(0xc),
		RD(SIM_MSR_XSS),
		RDPKRU,
		WRPKRU(SIM_HOST_PKRU),			/* the host's value */
		XSETBV(SIM_XFEATURE_MASK_FP),
		RDPKRU,
		WRPKRU(0x30),
	};
	struct sim_guest_op again[] = {
		RDPKRU, { .init = true }, RDPKRU, WRPKRU(0x3c), RD(SIM_MSR_XSS),
	};
	struct sim_guest_op xcr0_pkru[] = {
		RDPKRU, XSETBV(FPSSE | PKRU), RDPKRU, XSETBV(FPSSE), RDPKRU,
	};
	static u8 buf[SIM_KVM_XSAVE_SIZE];
	u32 pkru = 0xf0;

	/* before the guest has PKE, its PKRU is its initial 0 */
	sim_run(vcpu, 0, 0);
	sim_get_xsave(vcpu, buf, 0);
	sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
	sim_run_guest(vcpu, again, ARRAY_SIZE(again));
	/* migration: KVM_SET_XSAVE's PKRU is what the guest reads next */
	sim_get_xsave(vcpu, buf, 0);
	memcpy(buf + SIM_XSAVE_PKRU_OFFSET, &pkru, sizeof(pkru));
	sim_set_xsave(vcpu, buf);
	sim_run_guest(vcpu, xcr0_pkru, ARRAY_SIZE(xcr0_pkru));
	sim_xsave_set_bv(buf, sim_xsave_bv(buf) & ~PKRU);	/* PKRU: init */
	sim_set_xsave(vcpu, buf);
	sim_run_guest(vcpu, xcr0_pkru, ARRAY_SIZE(xcr0_pkru));
	scn_xstate_batch(vcpu, cpuid);
}

/* One XCR0 entry (or another XCR's) for KVM_SET_XCRS */
static int set_xcr(struct sim_vcpu *vcpu, u32 xcr, u64 value)
{
	struct sim_xcrs x = { .nr_xcrs = 1 };

	x.xcrs[0].xcr = xcr;
	x.xcrs[0].value = value;
	return sim_set_xcrs(vcpu, &x);
}

/*
 * KVM_{GET,SET}_XCRS: userspace reads XCR0 after RESET and after the
 * guest's XSETBV, restores valid and invalid values, too many entries,
 * flags, XCR0 after another XCR and twice; the guest then runs with the
 * XCR0 restored and its CPUID of leaf 0xD says so.
 */
void scn_xcrs(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	static const u64 values[] = {
		FPSSE | YMM, 0, SIM_XFEATURE_MASK_SSE,
		SIM_XFEATURE_MASK_FP | YMM, FPSSE | AVX512, FPSSE | MPX | PKRU,
		FPSSE | SIM_XFEATURE_MASK_XTILE, FPSSE | (1ULL << 63),
		SIM_HOST_XCR0,
	};
	struct sim_guest_op ops[] = { CPUID_0XD(0), XSETBV(FPSSE | AVX512) };
	struct sim_guest_op check[] = { CPUID_0XD(0), CPUID_0XD(1) };
	struct sim_xcrs x;
	unsigned int i;

	sim_get_xcrs(vcpu, &x);
	sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
	sim_get_xcrs(vcpu, &x);
	for (i = 0; i < ARRAY_SIZE(values); i++) {
		set_xcr(vcpu, SIM_XCR_XFEATURE_ENABLED_MASK, values[i]);
		sim_get_xcrs(vcpu, &x);
	}
	set_xcr(vcpu, 1, FPSSE);			/* ignored */
	memset(&x, 0, sizeof(x));
	x.nr_xcrs = SIM_MAX_XCRS + 1;			/* too many */
	sim_set_xcrs(vcpu, &x);
	x.nr_xcrs = 1;
	x.flags = 1;					/* no flags */
	x.xcrs[0].value = FPSSE;
	sim_set_xcrs(vcpu, &x);
	x.flags = 0;
	x.nr_xcrs = 3;					/* XCR1, XCR0, XCR0 */
	x.xcrs[0].xcr = 1;
	x.xcrs[1].value = FPSSE | YMM;
	x.xcrs[2].value = 0;
	sim_set_xcrs(vcpu, &x);
	x.nr_xcrs = SIM_MAX_XCRS;			/* as many as allowed */
	sim_set_xcrs(vcpu, &x);
	x.nr_xcrs = 0;
	sim_set_xcrs(vcpu, &x);
	sim_run_guest(vcpu, check, ARRAY_SIZE(check));
	sim_get_xcrs(vcpu, &x);
}

/*
 * CPUID leaf 0xD follows the guest's state: after each XSETBV and each
 * write of IA32_XSS, by the guest or by userspace, the guest's CPUID
 * reports the XSAVE area's size for what is now enabled (KVM recomputes
 * it: kvm_update_cpuid_runtime(), at once or at the next CPUID).
 */
void scn_cpuid_0xd(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	u64 xss = sim_cpuid_xss(cpuid);
	struct sim_msr_entry set = { SIM_MSR_XSS, 0, xss };
	struct sim_guest_op ops[] = {
		CPUID_0XD(0), CPUID_0XD(1),
		WR(SIM_MSR_XSS, xss & SIM_XFEATURE_MASK_CET_USER),
		CPUID_0XD(1),
		WR(SIM_MSR_XSS, xss),
		CPUID_0XD(1), CPUID_0XD(0),
		XSETBV(SIM_XFEATURE_MASK_FP),
		CPUID_0XD(0), CPUID_0XD(1),
		WR(SIM_MSR_XSS, xss & SIM_XFEATURE_MASK_CET_KERNEL),
		XSETBV(FPSSE),
		CPUID_0XD(1), CPUID_0XD(2),
		XSETBV(FPSSE | YMM), CPUID_0XD(0), CPUID_0XD(1),
		XSETBV(FPSSE | YMM | AVX512 | MPX | PKRU),
		CPUID_0XD(0), CPUID_0XD(1),
		XSETBV(FPSSE | PKRU), CPUID_0XD(0),
		XSETBV(FPSSE), CPUID_0XD(0),
		WR(SIM_MSR_XSS, 0),
		CPUID_0XD(1),
	};
	struct sim_guest_op again[] = { CPUID_0XD(1), CPUID_0XD(0) };

	sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
	sim_set_msrs(vcpu, &set, 1);
	sim_run_guest(vcpu, again, ARRAY_SIZE(again));
}

/*
 * CPUID GATING for leaf 0xD: cpuid.c's runtime update leaves the sizes
 * alone, so the guest reads the size from before its XSS write.
 */
void brk_cpuid_not_updated(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_guest_op ops[] = {
		CPUID_0XD(1),
		WR(SIM_MSR_XSS, SIM_XFEATURE_MASK_CET_USER),
		CPUID_0XD(1),
	};

	sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
}

/* HOST INTEGRITY for XCR0: XSETBV does nothing; the guest gets the host's */
void brk_xsetbv_dropped(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	sim_run(vcpu, 0, 0);
}

/*
 * HOST INTEGRITY for PKRU: RDPKRU reads 0, so KVM saves 0 for the guest's
 * PKRU at the exit and takes it for the host's: the guest's stays loaded.
 */
void brk_rdpkru_reads_zero(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_guest_op ops[] = {
		SET_CR4_PKE, WRPKRU(0x8), XSETBV(FPSSE),
		RDPKRU,
	};

	sim_run_guest(vcpu, ops, ARRAY_SIZE(ops));
}

/*
 * VALIDITY for XCR0: the guest's CPUID.(0xD,0) enumerates every
 * component, so KVM takes AMX, which the CPU lacks (and then WARNs
 * loading it).
 */
void brk_xcr0_all_supported(struct sim_vcpu *vcpu, unsigned int cpuid)
{
	struct sim_guest_op op =
		XSETBV(FPSSE | SIM_XFEATURE_MASK_XTILE);

	sim_run_guest(vcpu, &op, 1);
}
