/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Portability layer: the simulator is plain C that builds both as a
 * userspace library (cmocka runner) and as kernel code (KUnit runner).
 * Everything it needs from its environment goes through here.
 */
#ifndef KVM_X86_SIM_PORT_H
#define KVM_X86_SIM_PORT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <linux/stdarg.h>
#define sim_zalloc(size)	kzalloc(size, GFP_KERNEL)
#define sim_malloc(size)	kmalloc(size, GFP_KERNEL)
#define sim_free(ptr)		kfree(ptr)
#define sim_snprintf		snprintf
#define sim_vsnprintf		vsnprintf
#else
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int32_t s32;
typedef int64_t s64;
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#ifndef __printf
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#endif
#define sim_zalloc(size)	calloc(1, size)
#define sim_malloc(size)	malloc(size)
#define sim_free(ptr)		free(ptr)
#define sim_snprintf		snprintf
#define sim_vsnprintf		vsnprintf
#endif

#endif /* KVM_X86_SIM_PORT_H */
