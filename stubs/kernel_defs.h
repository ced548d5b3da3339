/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's generic C vocabulary the sliced code is written in: integer
 * types, annotations, BIT()/GENMASK(), errno values, container_of(),
 * ERR_PTR().  Built as kernel code (kunit/) these are the kernel's own
 * headers; in userspace, minimal equivalents.  Nothing here is about KVM
 * (that is dup.h) or touches the simulated hardware (custom.h).
 */
#ifndef KVM_X86_SIM_STUBS_KERNEL_DEFS_H
#define KVM_X86_SIM_STUBS_KERNEL_DEFS_H

#include "kvm_x86_sim/port.h"

typedef u64 gpa_t;
typedef u64 gva_t;
typedef u64 gfn_t;

#ifdef __KERNEL__
/* Built as kernel code (kunit/): the kernel's own vocabulary. */
#include <linux/bits.h>
#include <linux/bitops.h>
#include <linux/align.h>
#include <linux/build_bug.h>
#include <linux/container_of.h>
#include <linux/err.h>
#include <linux/errno.h>
#if __has_include(<linux/cleanup.h>)
#include <linux/cleanup.h>	/* CLASS(), __free(): since 6.5 */
#endif
#else
/* kernel integer and annotation vocabulary */
typedef u64 __u64;
typedef u32 __u32;
typedef u16 __u16;
typedef u8 __u8;
typedef s64 __s64;
typedef int16_t s16;
typedef int32_t s32;
#define __user
#define __read_mostly
#undef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#define noinline __attribute__((__noinline__))
#define __maybe_unused __attribute__((__unused__))
#define fallthrough __attribute__((__fallthrough__))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define BITS_PER_BYTE 8
#define IS_ENABLED(CONFIG_option) 0	/* no Kconfig option is set */
#define for_each_set_bit(bit, addr, size) \
	for ((bit) = 0; (bit) < (int)(size); (bit)++) \
		if ((*(addr) >> (bit)) & 1)
#define BIT(n) (1UL << (n))
#define BIT_ULL(n) (1ULL << (n))
#define GENMASK(h, l) (((~0UL) << (l)) & (~0UL >> (63 - (h))))
#define GENMASK_ULL(h, l) (((~0ULL) << (l)) & (~0ULL >> (63 - (h))))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define BUILD_BUG_ON(cond) ((void)sizeof(char[1 - 2 * !!(cond)]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define EINVAL 22
#define EFAULT 14
#define E2BIG 7
#define ENOMEM 12
#define EIO 5
#define MAX_ERRNO 4095
#define IS_ERR(p) ((unsigned long)(p) >= (unsigned long)-MAX_ERRNO)
#define PTR_ERR(p) ((long)(p))
#define ERR_PTR(e) ((void *)(long)(e))
#define u64_to_user_ptr(x) ((void __user *)(uintptr_t)(x))
/*
 * x86's bit order, by bytes: callers pass a u32 as an unsigned long
 * (vmcb12_is_dirty()), which x86's BT does not mind but an 8-byte load
 * would not be aligned for
 */
static inline bool test_bit(long nr, const void *addr)
{
	return 1 & (((const unsigned char *)addr)[nr / BITS_PER_BYTE] >>
		    (nr % BITS_PER_BYTE));
}

/*
 * include/linux/cleanup.h's scope-based cleanup (the names upstream
 * converts KVM to): a class is a type with a constructor and a destructor
 * run when the variable leaves its scope.  The classes themselves come
 * from the tree's headers (scripts/kvm_slice/buildcheck.py takes their
 * DEFINE_CLASS()); guard() and scoped_guard() are in stubs.h.
 */
#define __cleanup(func) __attribute__((__cleanup__(func)))
#define DEFINE_CLASS(_name, _type, _exit, _init, _init_args...)		\
typedef _type class_##_name##_t;					\
static __always_inline void class_##_name##_destructor(_type *p)	\
{ _type _T = *p; _exit; }						\
static __always_inline _type class_##_name##_constructor(_init_args)	\
{ _type t = _init; return t; }
#define EXTEND_CLASS(_name, ext, _init, _init_args...)			\
typedef class_##_name##_t class_##_name##ext##_t;			\
static __always_inline void						\
class_##_name##ext##_destructor(class_##_name##_t *p)			\
{ class_##_name##_destructor(p); }					\
static __always_inline class_##_name##_t				\
class_##_name##ext##_constructor(_init_args)				\
{ class_##_name##_t t = _init; return t; }
#define CLASS(_name, var)						\
	class_##_name##_t var __cleanup(class_##_name##_destructor) =	\
		class_##_name##_constructor
#define CLASS_INIT(_name, _var, _init_expr)				\
	class_##_name##_t _var __cleanup(class_##_name##_destructor) =	\
		(_init_expr)
#define DEFINE_FREE(_name, _type, _free)				\
static __always_inline void __free_##_name(void *p)			\
{ _type _T = *(_type *)p; _free; }
#define __free(_name) __cleanup(__free_##_name)
#define no_free_ptr(p) ({ __typeof__(p) __p = (p); (p) = NULL; __p; })
#define return_ptr(p) return no_free_ptr(p)
#define retain_and_null_ptr(p) ((void)no_free_ptr(p))
#endif /* __KERNEL__ */

#endif /* KVM_X86_SIM_STUBS_KERNEL_DEFS_H */
