/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Included first by every generated slice: the kernel API surface the
 * sliced KVM code compiles against, split the way tools/testing/vma splits
 * its shim:
 *   stubs.h  - no-op stand-ins for kernel facilities irrelevant here;
 *   dup.h    - types, constants and declarations that must track the
 *              kernel (uapi layouts, struct kvm_vcpu's fields KVM reads);
 *   custom.h - the primitives that touch hardware, routed into the
 *              simulator (kvm_x86_sim/hw.h) with the caller's file:line.
 */
#ifndef KVM_X86_SIM_SLICE_PRELUDE_H
#define KVM_X86_SIM_SLICE_PRELUDE_H

#include "dup.h"
#include "stubs.h"
#include "custom.h"

#endif
